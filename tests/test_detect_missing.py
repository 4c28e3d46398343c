"""A detector that is not installed is a clear LayoutError; a detector that breaks on
import is a real error, not "not installed"."""

from __future__ import annotations

from types import ModuleType

import pytest

import refocus_dsl.detect as detect
from refocus_dsl.errors import LayoutError


def _importer(missing: str) -> object:
    def fake(name: str) -> ModuleType:
        raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)

    return fake


def test_missing_detector_module_is_a_layout_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "import_module", _importer("refocus_dsl.detect.chart"))
    with pytest.raises(LayoutError, match="no chart detector is installed"):
        detect._detector("chart")


def test_a_broken_dependency_of_a_detector_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(detect, "import_module", _importer("numpy"))
    with pytest.raises(ModuleNotFoundError) as err:
        detect._detector("table")
    assert err.value.name == "numpy"
