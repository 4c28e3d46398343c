"""A third-party plugin package, installed, is discovered, listed, checked and run.

"Installed" means what ``pip install`` leaves behind for entry points: the
package next to a ``refocus_blur-0.1.0.dist-info`` folder (METADATA,
entry_points.txt) on ``sys.path``. ``fake_dist.install_package_tree`` writes
exactly that from tests/thirdparty_plugin/pyproject.toml into a temporary
directory, so discovery runs through ``importlib.metadata`` as for a real
install, in milliseconds, offline, and without changing the shared
environment (a real ``pip install`` would make every other test in the run see
the extra tool).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fake_dist import install_package_tree
from PIL import Image

from refocus_dsl.lang.checker import check
from refocus_dsl.lang.pipeline import run
from refocus_dsl.registry import Registry

PROJECT = Path(__file__).resolve().parent / "thirdparty_plugin"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "site"
    path.mkdir()
    assert install_package_tree(PROJECT, path) == ("refocus-blur", "0.1.0")
    monkeypatch.syspath_prepend(str(path))
    yield path
    sys.modules.pop("refocus_blur", None)


def test_discovered_next_to_the_builtins(site: Path) -> None:
    reg = Registry.from_entry_points()
    assert reg.source_of("blur") == ("refocus-blur", "0.1.0")
    assert reg.source_of("mask")[0] == "refocus-dsl"
    spec = reg.get("blur")
    assert spec is not None and [p.name for p in spec.params] == ["radius"]


def test_checked_against_its_declaration(site: Path) -> None:
    reg = Registry.from_entry_points()
    assert check("blur(region(0, 0, 0.5, 0.5), radius=3)", registry=reg) == []
    too_big = check("blur(region(0, 0, 0.5, 0.5), radius=30)", registry=reg)
    assert [d.code[:2] for d in too_big if d.is_error] == ["E3"]
    assert "radius" in too_big[0].message
    unknown = check("blur(region(0, 0, 0.5, 0.5), sigma=3)", registry=reg)
    assert any(d.is_error and "sigma" in d.message for d in unknown)


def test_runs_and_changes_only_the_target(site: Path) -> None:
    reg = Registry.from_entry_points()
    rng = np.random.default_rng(7)
    img = Image.fromarray(rng.integers(0, 256, (40, 60, 3), dtype=np.uint8), "RGB")
    result = run("blur(region(0, 0, 0.5, 1), radius=2)", img, None, registry=reg)
    out = np.asarray(result.image)
    src = np.asarray(img)
    assert np.array_equal(out[:, 30:], src[:, 30:])
    assert not np.array_equal(out[:, :30], src[:, :30])
    assert result.trace[0].tool == "blur" and result.trace[0].params == {"radius": 2}


def test_listed_and_usable_from_the_command_line(site: Path, tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    listed = subprocess.run(
        [sys.executable, "-m", "refocus_dsl", "plugins", "--json"],
        capture_output=True, text=True, env=env, check=False,
    )
    assert listed.returncode == 0, listed.stderr
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["blur"]["distribution"] == "refocus-blur"
    assert rows["blur"]["version"] == "0.1.0"
    assert rows["blur"]["params"][0]["max"] == 20.0

    Image.new("RGB", (20, 20), "white").save(tmp_path / "in.png")
    ran = subprocess.run(
        [sys.executable, "-m", "refocus_dsl", "run", str(tmp_path / "in.png"), "-e",
         "blur(region(0, 0, 0.5, 0.5))", "-o", str(tmp_path / "out.png")],
        capture_output=True, text=True, env=env, check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert Image.open(tmp_path / "out.png").size == (20, 20)
