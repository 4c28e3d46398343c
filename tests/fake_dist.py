"""Make a directory look like site-packages holding one installed distribution.

``importlib.metadata`` finds an installed distribution by its
``NAME-VERSION.dist-info`` folder (METADATA, entry_points.txt) on ``sys.path``;
that folder is all ``pip install`` adds for entry points. Writing it into a
temporary directory gives the registry the same discovery path as a real
install, without building a wheel, touching the network, or changing the
shared environment other tests run in.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

GROUP = "refocus_dsl.plugins"


def write_dist(
    site: Path,
    name: str,
    version: str,
    entry_points: Mapping[str, str],
    modules: Mapping[str, str] | None = None,
) -> Path:
    """Write ``name``'s dist-info (and module sources) into ``site``; return ``site``."""
    site.mkdir(parents=True, exist_ok=True)
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = [f"[{GROUP}]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for module, source in (modules or {}).items():
        (site / f"{module}.py").write_text(source, encoding="utf-8")
    return site


def install_package_tree(project: Path, site: Path) -> tuple[str, str]:
    """'Install' a plugin project (pyproject.toml + package) into ``site``, as pip would.

    Reads the project's name, version and entry points from its pyproject.toml,
    copies its packages and writes the dist-info. Returns ``(name, version)``.
    """
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import pytest

        tomllib = pytest.importorskip("tomli")
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    proj = meta["project"]
    eps = proj["entry-points"][GROUP]
    for pkg in meta["tool"]["setuptools"]["packages"]:
        shutil.copytree(project / pkg, site / pkg, ignore=shutil.ignore_patterns("__pycache__"))
    write_dist(site, proj["name"], proj["version"], eps)
    return proj["name"], proj["version"]
