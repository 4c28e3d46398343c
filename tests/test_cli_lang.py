"""refocus check / run / plugins / docs / prompt, in process (fast) through cli.main."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from refocus_dsl.cli import main
from refocus_dsl.lang.docs_gen import language_reference, prompt_tool_section
from refocus_dsl.layout import Column, Layout, Row, Table
from refocus_dsl.registry import default_registry

W, H = 90, 60


def layout() -> Layout:
    names = ("Year", "Cost", "Earning")
    cols = tuple(Column(i, h, (30 * i, 0, 30 * (i + 1), H)) for i, h in enumerate(names))
    rows = tuple(Row(i, lab, i == 0, (0, 20 * i, W, 20 * (i + 1)))
                 for i, lab in enumerate(("Year", "1996", "1997")))
    return Layout(W, H, "table", table=Table((0, 0, W, H), cols, rows))


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "layout.json").write_text(layout().to_json(), encoding="utf-8")
    Image.new("RGB", (W, H), (200, 100, 50)).save(tmp_path / "table.png")
    (tmp_path / "good.rf").write_text('keep_only(columns("Year", "Earning"))\n', encoding="utf-8")
    bad = 'keep_only(columns("Earnings"))\nmask(rows("1996"), fil="red")\n'
    (tmp_path / "bad.rf").write_text(bad, encoding="utf-8")
    return tmp_path


def test_check_clean_program_exits_0(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(files / "good.rf"), "--layout", str(files / "layout.json")]) == 0
    assert "no problems" in capsys.readouterr().err


def test_check_reports_every_error_with_a_caret(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", str(files / "bad.rf"), "--layout", str(files / "layout.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert "Earnings" in out and "Earning" in out and "^" in out
    assert "fil" in out


def test_check_json(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(files / "bad.rf"), "--layout", str(files / "layout.json"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1 and doc["ok"] is False and len(doc["diagnostics"]) >= 2


def test_check_without_layout_does_not_check_labels(files: Path) -> None:
    assert main(["check", "-e", 'keep_only(columns("Anything"))']) == 0


def test_check_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("mask(region(0, 0, 2, 0.5))\n"))
    assert main(["check", "-"]) == 1


def test_missing_program_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "nope.rf")]) == 2, "a file error"
    err = capsys.readouterr().err
    assert "cannot read program" in err and "Traceback" not in err and err.count("\n") == 1


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "image.png", "prog.rf"])  # -o is required
    assert exc.value.code == 2


def test_run_writes_image_and_trace(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, trace = files / "out.png", files / "trace.json"
    code = main(["run", str(files / "table.png"), str(files / "good.rf"), "--layout",
                 str(files / "layout.json"), "-o", str(out), "--trace", str(trace)])
    assert code == 0, capsys.readouterr().err
    img = Image.open(out)
    assert img.size == (W, H)
    assert img.getpixel((45, 40)) == (255, 255, 255)  # Cost, below the header row
    assert img.getpixel((45, 10)) == (200, 100, 50)  # the header row stays
    assert img.getpixel((10, 40)) == (200, 100, 50)  # Year stays
    steps = json.loads(trace.read_text(encoding="utf-8"))["steps"]
    assert steps[0]["tool"] == "keep_only" and len(steps[0]["target"]["boxes"]) == 2


def test_run_json_on_stdout(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(files / "table.png"), "-e", 'highlight(rows("1997"))', "--layout",
                 str(files / "layout.json"), "-o", str(files / "o.png"), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["ok"] is True
    assert doc["steps"][0]["target"]["labels"] == ["1997"]


def test_run_refuses_a_program_with_errors(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = files / "never.png"
    code = main(["run", str(files / "table.png"), str(files / "bad.rf"), "--layout",
                 str(files / "layout.json"), "-o", str(out)])
    assert code == 1 and not out.exists()
    assert "nothing was run" in capsys.readouterr().err


def test_run_without_layout_uses_detection(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    def fake_detect(image: object) -> Layout:
        calls.append(image)
        return layout()

    monkeypatch.setattr("refocus_dsl.detect.detect_layout", fake_detect)
    code = main(["run", str(files / "table.png"), "-e", 'mask(columns("Cost"))', "-o",
                 str(files / "o.png")])
    assert code == 0 and len(calls) == 1
    assert Image.open(files / "o.png").getpixel((45, 5)) == (255, 255, 255)


def test_run_on_an_unreadable_image_is_a_one_line_error(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (files / "junk.png").write_bytes(b"not an image")
    code = main(["run", str(files / "junk.png"), str(files / "good.rf"), "--layout",
                 str(files / "layout.json"), "-o", str(files / "o.png")])
    err = capsys.readouterr().err
    assert code == 1 and "junk.png" in err and "Traceback" not in err


def test_plugins_lists_every_tool_with_its_distribution(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == default_registry().names()
    assert all(r["distribution"] == "refocus-dsl" and r["summary"] for r in rows)
    assert main(["plugins"]) == 0
    text = capsys.readouterr().out
    assert all(name in text for name in default_registry().names())


def test_docs_and_prompt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "ref" / "language.md"
    assert main(["docs", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == language_reference(default_registry())
    capsys.readouterr()
    assert main(["docs", "-o", "-"]) == 0
    assert capsys.readouterr().out == language_reference(default_registry())
    assert main(["prompt"]) == 0
    assert capsys.readouterr().out == prompt_tool_section(default_registry())


def test_help_teaches_by_example(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("check", "run", "plugins", "docs", "prompt"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        assert exc.value.code == 0
        assert "examples:" in capsys.readouterr().out


def test_run_with_only_region_targets_needs_no_detection(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_detection(image: object) -> Layout:
        raise AssertionError("detection must not run for a region-only program")

    monkeypatch.setattr("refocus_dsl.detect.detect_layout", no_detection)
    code = main(["run", str(files / "table.png"), "-e", "mask(region(0, 0, 0.5, 1))", "-o",
                 str(files / "o.png")])
    img = Image.open(files / "o.png")
    assert code == 0
    assert img.getpixel((10, 30)) == (255, 255, 255) and img.getpixel((80, 30)) == (200, 100, 50)


def test_run_max_pixels_refuses_a_larger_image(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, out = str(files / "table.png"), str(files / "out.png")
    args = ["run", img, str(files / "good.rf"), "--layout", str(files / "layout.json"), "-o", out]
    assert main([*args, "--max-pixels", str(W * H - 1)]) == 1
    err = capsys.readouterr().err
    assert "over the limit of 5,399;" in err and "--max-pixels" in err and "Traceback" not in err
    assert not Path(out).exists()
    assert main([*args, "--max-pixels", f"{W * H:,}"]) == 0  # exactly at the limit is fine
    assert Path(out).is_file()


def test_max_pixels_must_be_a_positive_number(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img = str(files / "table.png")
    for bad in ("0", "lots"):
        with pytest.raises(SystemExit) as exc:
            main(["run", img, "-e", "mask(region(0,0,1,1))", "-o", "x.png", "--max-pixels", bad])
        assert exc.value.code == 2
    assert "--max-pixels" in capsys.readouterr().err
