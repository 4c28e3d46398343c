"""Fixtures shared by the tests."""

from __future__ import annotations

import pytest

from refocus_dsl.errors import OcrUnavailableError
from refocus_dsl.ocr import OcrEngine, get_ocr


@pytest.fixture(scope="module")
def ocr() -> OcrEngine:
    """The fastest OCR backend here; the test is skipped where none is installed."""
    try:
        return get_ocr()
    except OcrUnavailableError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(str(exc))


@pytest.fixture()
def no_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    """No model endpoint in the environment (the offline planner runs)."""
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "REFOCUS_MODEL"):
        monkeypatch.delenv(var, raising=False)
