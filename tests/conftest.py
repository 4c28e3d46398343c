"""Fixtures shared by the detection tests."""

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
