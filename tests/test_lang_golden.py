"""Golden files: programs and the diagnostics they must get, as text (sqlglot-style fixtures).

Each ``tests/golden/NAME.rf`` is a program; ``NAME.expected`` is
``render_text(check(program, layout, registry))``. Optional first-line headers:

- ``# layout: table|chart|figure`` checks against that layout from lang_helpers;
- ``# limits: field=value, ...`` checks with those Limits.

Regenerate after an intended change, then read the diff::

    REFOCUS_UPDATE_GOLDEN=1 pytest tests/test_lang_golden.py
    # or: python tests/test_lang_golden.py
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from lang_helpers import LAYOUTS, REGISTRY

from refocus_dsl.lang.checker import CODES, check
from refocus_dsl.lang.diagnostics import render_text
from refocus_dsl.lang.limits import Limits
from refocus_dsl.layout import Layout

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(GOLDEN.glob("*.rf"))


def _settings(source: str) -> tuple[Layout | None, Limits]:
    layout = None
    limits: dict[str, int] = {}
    for line in source.split("\n")[:3]:
        m = re.match(r"#\s*layout:\s*(\w+)", line)
        if m:
            layout = LAYOUTS[m.group(1)]()
        m = re.match(r"#\s*limits:\s*(.+)", line)
        if m:
            for part in m.group(1).split(","):
                key, value = part.split("=")
                limits[key.strip()] = int(value)
    return layout, Limits(**limits)  # type: ignore[arg-type]


def render(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    layout, limits = _settings(source)
    return render_text(check(source, layout=layout, registry=REGISTRY, limits=limits), source)


def _update() -> None:
    for path in CASES:
        path.with_suffix(".expected").write_text(render(path), encoding="utf-8")


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden(path: Path) -> None:
    expected_path = path.with_suffix(".expected")
    if os.environ.get("REFOCUS_UPDATE_GOLDEN"):
        expected_path.write_text(render(path), encoding="utf-8")
    assert expected_path.exists(), f"no {expected_path.name}: run REFOCUS_UPDATE_GOLDEN=1 pytest"
    assert render(path) == expected_path.read_text(encoding="utf-8")


def test_golden_files_cover_every_code() -> None:
    seen: set[str] = set()
    for path in CASES:
        seen |= set(
            re.findall(
                r"^([EW]\d{3}) at ", path.with_suffix(".expected").read_text(encoding="utf-8"), re.M
            )
        )
    assert set(CODES) <= seen, f"codes without a golden case: {sorted(set(CODES) - seen)}"
    broken = [p for p in CASES if not p.stem.startswith("ok_")]
    assert len(broken) >= 25


def test_ok_cases_have_no_diagnostics() -> None:
    for path in CASES:
        if path.stem.startswith("ok_"):
            assert path.with_suffix(".expected").read_text(encoding="utf-8") == ""


if __name__ == "__main__":
    _update()
    sys.exit(0)
