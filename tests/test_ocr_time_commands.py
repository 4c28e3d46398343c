"""The OCR time limit reaches every command that detects: ask, plan, eval, and a
program's own ``ocr_time_limit`` block around a question.

The limits used are far below what any OCR call takes, so calls are stopped
whatever the machine's load (no timing assertions).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from table_helpers import draw_table, make_cells

from refocus_dsl.cli import main
from refocus_dsl.layout import Layout
from refocus_dsl.loop.engines import LocalEngine
from refocus_dsl.loop.eval_options import EvalOptions
from refocus_dsl.loop.session import ask
from refocus_dsl.ocr_time import DEFAULT_OCR_TIME, OcrTimeLimit, ocr_time_limit

TOO_SHORT = "0.0001"  # seconds: less than any OCR call takes
STOPPED = "stopped at the 0.0001 s limit"


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REFOCUS_NO_CACHE", "1")  # a cached layout would make no OCR call


def _table(tmp_path: Path) -> str:
    path = tmp_path / "table.png"
    draw_table(make_cells(4, 3, 7)).image.save(path)
    return str(path)


def test_a_block_without_a_limit_keeps_the_enclosing_one() -> None:
    mine = OcrTimeLimit(call_seconds=2, total_seconds=5)
    with ocr_time_limit(mine) as outer, ocr_time_limit() as inner:
        assert inner.limit == mine and inner is not outer  # a tally of its own
    with ocr_time_limit() as alone:
        assert alone.limit == DEFAULT_OCR_TIME


@pytest.mark.parametrize("command", ["ask", "plan"])
def test_ask_and_plan_take_the_ocr_limit(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [command, _table(tmp_path), "What is in row 2?", "--json", "--ocr-seconds", TOO_SHORT]
    if command == "ask":
        args.append("--offline")
    assert main(args) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert any(STOPPED in note for note in notes), notes


def test_a_programs_block_reaches_the_detection_of_a_question(tmp_path: Path) -> None:
    with ocr_time_limit(OcrTimeLimit(call_seconds=float(TOO_SHORT))):
        result = ask(_table(tmp_path), "What is in row 2?", offline=True, notify=lambda _: None)
    assert any(STOPPED in note for note in result.notes), result.notes


def test_eval_hands_its_limit_to_the_detectors(tmp_path: Path) -> None:
    limit = OcrTimeLimit(call_seconds=3, total_seconds=9)
    engine = LocalEngine([], None, EvalOptions(out=tmp_path, ocr_time=limit))
    assert engine.detector.settings.ocr_time == limit


@pytest.mark.parametrize("command", ["ask", "plan", "eval"])
def test_a_bad_limit_is_a_usage_error(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [command, str(tmp_path / "x"), *(["q?"] if command != "eval" else [])]
    with pytest.raises(SystemExit) as stop:
        main([*args, "--ocr-budget", "-1"])
    assert stop.value.code == 2
    assert "positive number of seconds" in capsys.readouterr().err


def test_run_and_prompt_take_the_ocr_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other commands that detect: ``run`` without --layout (the note says why the
    program's labels may be missing) and ``prompt --request`` (the request ask sends)."""
    image, out = _table(tmp_path), str(tmp_path / "out.png")
    main(["run", image, "-e", 'highlight(rows("1997"))', "-o", out, "--ocr-seconds", TOO_SHORT])
    assert STOPPED in capsys.readouterr().err

    import refocus_dsl.detect
    from refocus_dsl.ocr_time import current_tally

    limits: list[OcrTimeLimit | None] = []

    def detect(img: Image.Image, *args: object, **kwargs: object) -> Layout:
        limits.append(kwargs.get("ocr_time") or getattr(current_tally(), "limit", None))
        return Layout(img.width, img.height, "table")

    monkeypatch.setattr(refocus_dsl.detect, "detect_layout", detect)
    assert main(["prompt", "--request", image, "What is in row 2?", "--ocr-seconds", "3",
                 "--ocr-budget", "9"]) == 0  # fmt: skip
    assert limits == [OcrTimeLimit(3, 9)]
