"""``-`` as an output name means standard output for every command that takes it, and
is never a file called ``-`` in the working folder; messages say where the image went."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from loop_helpers import write_dataset, write_table_files
from PIL import Image
from scripted_server import Reply, ScriptedServer

from refocus_dsl.cli import main


def test_run_trace_dash_is_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    program = "mask(region(0, 0, 0.5, 1))"
    assert main(["run", img, "-e", program, "--layout", lay, "-o", "o.png", "--trace", "-"]) == 0
    out = capfd.readouterr().out
    assert json.loads(out)["steps"][0]["tool"] == "mask"
    assert not (tmp_path / "-").exists() and (tmp_path / "o.png").is_file()
    for clash in (["-o", "-"], ["-o", "o2.png", "--json"]):
        assert main(["run", img, "-e", program, "--trace", "-", *clash]) == 2
        assert "both write standard output" in capfd.readouterr().err


def test_export_vcot_dash_is_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    dataset = write_dataset(tmp_path, n=1, answer="2011")
    runs = tmp_path / "runs"
    with ScriptedServer([Reply(text="ANSWER: 2011 TERMINATE")]) as s:
        code = main(["eval", dataset, "--out", str(runs), "--mode", "direct", "--layouts", "gold",
                     "--base-url", s.base_url, "--model", "m", "-q"])  # fmt: skip
    assert code == 0
    capfd.readouterr()
    monkeypatch.chdir(tmp_path)
    assert main(["export-vcot", "runs", "-o", "-"]) == 0
    captured = capfd.readouterr()
    (line,) = captured.out.splitlines()
    record = json.loads(line)
    assert record["answer"] == "2011"
    assert all((tmp_path / p).is_file() for p in record["images"])  # relative to the cwd
    assert "wrote -: 1 questions" in captured.err and not (tmp_path / "-").exists()


def test_export_vcot_names_unanswered_questions_as_not_scored(
    tmp_path: Path, no_endpoint: None, capfd: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    assert main(["ask", img, "cost in 2011?", "--layout", lay, "--trace-dir", str(tmp_path / "a"),
                 "--offline"]) == 0  # fmt: skip
    capfd.readouterr()
    assert main(["export-vcot", str(tmp_path / "a"), "-o", str(tmp_path / "v.jsonl")]) == 0
    out = capfd.readouterr().out
    assert "1 not scored: no answer or no gold answer" in out


def test_detect_many_refuses_dash(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    write_table_files(tmp_path)
    (tmp_path / "out").mkdir()
    assert main(["detect", str(tmp_path), "--jsonl", "-"]) == 2
    assert "--jsonl - : many images" in capfd.readouterr().err


def test_ask_says_where_output_went_and_when_nothing_was_written(
    tmp_path: Path, no_endpoint: None, capfd: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    out = tmp_path / "edited.png"
    assert main(["ask", img, "cost in 2011?", "--layout", lay, "--offline", "-o", str(out)]) == 0
    text = capfd.readouterr().out
    assert f"(edited image: {out})" in text and Image.open(out).size == Image.open(img).size
    nothing = tmp_path / "nothing.png"
    assert main(["ask", img, "Who?", "--layout", lay, "--offline", "-o", str(nothing)]) == 0
    assert f"{nothing} not written" in capfd.readouterr().err and not nothing.exists()


def test_opaque_rgba_images_get_no_transparency_note(tmp_path: Path) -> None:
    from refocus_dsl import detect_layout

    img, _ = write_table_files(tmp_path)
    opaque = Image.open(img).convert("RGBA")
    see_through = opaque.copy()
    see_through.putpixel((0, 0), (255, 255, 255, 0))
    notes = [detect_layout(im, cache=False).notes for im in (opaque, see_through)]
    assert not any("transparent" in n for n in notes[0])
    assert "transparent pixels are read as white" in notes[1]


def test_a_header_past_pillows_bomb_limit_names_our_limit_only(tmp_path: Path) -> None:
    import struct
    import zlib

    from refocus_dsl.errors import LimitError
    from refocus_dsl.imageio import load_image

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    with pytest.raises(LimitError) as exc:
        load_image(png, 1_000_000)
    message = str(exc.value)
    assert "10,000,000,000 pixels) is over the limit of 1,000,000 pixels" in message
    assert "--max-pixels" in message and "178956970" not in message


def test_detect_summary_lists_series_and_each_series_bar() -> None:
    from refocus_dsl.cli._detect import summary
    from refocus_dsl.layout import Category, Chart, Layout, Series

    chart = Chart(
        orientation="vertical",
        plot_bbox=(10, 10, 190, 90),
        categories=(Category(0, "Pears", bar_bbox=(20, 30, 60, 90),
                             bars=((20, 30, 40, 90), None)),),  # fmt: skip
        series=(Series(0, "2019", color=(31, 119, 180)), Series(1, None, color=(255, 127, 14))),
    )
    text = summary(Layout(200, 100, "chart", chart=chart))
    assert "series 1: '2019'  colour #1f77b4" in text and "series 2: None  colour #ff7f0e" in text
    assert "    2019: [20, 30, 40, 90]" in text and "    series 2: none" in text


def test_switching_off_an_unknown_plugin_warns(capfd: pytest.CaptureFixture[str]) -> None:
    from refocus_dsl.registry import disable_plugins

    try:
        assert main(["--disable-plugin", "zoom", "--disable-plugin", "underline", "plugins"]) == 0
        captured = capfd.readouterr()
        assert "cannot switch off 'zoom': no plugin or package has that name" in captured.err
        assert "plugins: crop, " in captured.err and "switch off 'underline'" not in captured.err
        assert "switched off: underline" in captured.out
    finally:
        disable_plugins(())  # switch them back on for the other tests of this process
