"""OCR time limits: a call is stopped at its limit, the layout says so, the defaults are documented.

No timing targets: the limits used here are far below what any OCR call takes, so the
call is stopped whatever the machine's load.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from table_helpers import draw_table, make_cells

from refocus_dsl.cache import LayoutCache
from refocus_dsl.cli import main
from refocus_dsl.detect import detect_layout
from refocus_dsl.ocr import get_ocr
from refocus_dsl.ocr_time import (
    DEFAULT_OCR_CALL_SECONDS,
    DEFAULT_OCR_TOTAL_SECONDS,
    OcrTimeLimit,
    ocr_time_limit,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"
BACKENDS = ["tesserocr", "pytesseract"]
TOO_SHORT = 1e-4  # seconds: less than any OCR call takes


def _page() -> Image.Image:
    img = Image.new("RGB", (360, 90), "white")
    ImageDraw.Draw(img).text((20, 25), "Harbour", font=ImageFont.load_default(size=28),
                             fill="black")  # fmt: skip
    return img


def _engine(backend: str):  # type: ignore[no-untyped-def]
    if backend == "pytesseract" and shutil.which("tesseract") is None:
        pytest.skip("no tesseract binary on PATH")
    return get_ocr(backend)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_call_over_its_limit_is_stopped_and_the_next_one_reads(backend: str) -> None:
    engine = _engine(backend)
    img = _page()
    timeouts = engine.timeouts
    with ocr_time_limit(OcrTimeLimit(call_seconds=TOO_SHORT)) as tally:
        assert engine.words(img, psm=7) == []
    assert tally.cut == 1 and engine.timeouts == timeouts + 1
    assert tally.note() is not None and "stopped at the 0.0001 s limit" in str(tally.note())
    # the stopped helper is replaced: the same engine reads the word again
    with ocr_time_limit() as tally:
        assert [w.text for w in engine.words(img, psm=7)] == ["Harbour"]
    assert tally.cut == 0 and tally.note() is None


def test_once_the_detection_budget_is_spent_calls_are_not_made() -> None:
    engine = get_ocr("tesserocr")
    img = _page()
    calls = engine.calls
    with ocr_time_limit(OcrTimeLimit(total_seconds=TOO_SHORT)) as tally:
        assert engine.words(img, psm=7) == []  # given what is left: too short, stopped
        assert engine.words(img, psm=7) == []  # nothing left: not made
    assert (tally.cut, tally.skipped) == (1, 1) and engine.calls == calls + 1
    assert "not made" in str(tally.note())


def test_a_layout_whose_ocr_was_stopped_says_so_and_is_not_cached(tmp_path: Path) -> None:
    img = draw_table(make_cells(4, 3, 5), style="grid", size=16, pad=8).image
    cache = LayoutCache(tmp_path / "cache")
    cut = detect_layout(img, "table", cache=cache,
                        ocr_time=OcrTimeLimit(call_seconds=TOO_SHORT))  # fmt: skip
    notes = [n for n in cut.notes if "OCR call" in n]
    assert notes and "text there is not read" in notes[0] and "OcrTimeLimit" in notes[0]
    assert cut.table is not None and cut.table.columns  # the structure is still found
    assert not any(c.header for c in cut.table.columns)  # and no text was read
    again = detect_layout(img, "table", cache=cache)  # not served the cut layout
    assert dict(again.detector or {}).get("cache") != "hit"
    assert not [n for n in again.notes if "OCR call" in n]
    assert again.table is not None and any(c.header for c in again.table.columns)


def test_bad_limits_are_clear_errors() -> None:
    for bad in (0, -1.0, float("nan"), float("inf"), True, "5", 10**400):
        with pytest.raises(ValueError, match="positive number of seconds"):
            OcrTimeLimit(call_seconds=bad)  # type: ignore[arg-type]
    # numpy's numbers are numbers (a limit computed with numpy), kept as floats
    limit = OcrTimeLimit(np.float32(2.5), np.int64(30))  # type: ignore[arg-type]
    assert (limit.call_seconds, limit.total_seconds) == (2.5, 30.0)
    assert type(limit.call_seconds) is float and type(limit.total_seconds) is float
    assert OcrTimeLimit() == OcrTimeLimit(DEFAULT_OCR_CALL_SECONDS, DEFAULT_OCR_TOTAL_SECONDS)


def test_cli_refuses_a_bad_ocr_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.png"
    _page().save(path)
    with pytest.raises(SystemExit) as stop:
        main(["detect", str(path), "--ocr-seconds", "0"])
    assert stop.value.code == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_the_defaults_are_documented() -> None:
    text = " ".join((DOCS / "layout.md").read_text().split())
    assert f"{DEFAULT_OCR_CALL_SECONDS:g} s" in text and f"{DEFAULT_OCR_TOTAL_SECONDS:g} s" in text
    assert "--ocr-seconds" in text and "--ocr-budget" in text and "OcrTimeLimit" in text
    assert re.search(r"not read", text)


def test_the_helpers_cpu_is_counted() -> None:
    from refocus_dsl.ocr import ocr_cpu_elsewhere

    engine = get_ocr("tesserocr")
    before = ocr_cpu_elsewhere()
    engine.words(_page(), psm=7)
    assert ocr_cpu_elsewhere() > before
