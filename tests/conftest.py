"""Fixtures shared by the tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

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


@pytest.fixture(autouse=True)
def _refocus_logger_restored() -> Iterator[None]:
    """The CLI sets the ``refocus`` logger's level and handler (``-q`` raises it to
    WARNING); put them back, so a later test's caplog still sees INFO records."""
    log = logging.getLogger("refocus")
    level, handlers = log.level, list(log.handlers)
    yield
    log.setLevel(level)
    log.handlers[:] = handlers
