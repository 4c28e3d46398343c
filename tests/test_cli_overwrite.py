"""Nothing lost: the CLI never writes over an input, an existing trace or a user's docs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from loop_helpers import table_image_and_layout
from scripted_server import Reply, ScriptedServer

from refocus_dsl.cli import main


def _files(tmp_path: Path) -> tuple[Path, Path]:
    image, layout = table_image_and_layout()
    image.save(tmp_path / "t.png")
    (tmp_path / "t.json").write_text(layout.to_json())
    return tmp_path / "t.png", tmp_path / "t.json"


def _ask(img: Path, lay: Path, url: str, *extra: str) -> int:
    return main(["ask", str(img), "Which year?", "--layout", str(lay), "--base-url", url,
                 "--model", "m", *extra])  # fmt: skip


def test_ask_refuses_an_existing_trace_unless_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = _files(tmp_path)
    trace = tmp_path / "tr"
    edit = "THOUGHT: look.\n```refocus\nmask(region(0, 0, 0.5, 1))\n```"
    answer = "ANSWER: 2011 TERMINATE"
    with ScriptedServer([Reply(text=edit), Reply(text=edit), Reply(text=answer)]) as s:
        assert _ask(img, lay, s.base_url, "--trace-dir", str(trace)) == 0
    assert {p.name for p in trace.iterdir()} >= {"trace.json", "turn1.png", "turn2.png"}
    before = (trace / "trace.json").read_bytes()
    capsys.readouterr()
    with ScriptedServer([Reply(text=answer)]) as s:
        code = _ask(img, lay, s.base_url, "--trace-dir", str(trace))
        assert s.requests == []  # refused before any request
    err = capsys.readouterr().err
    assert code == 2 and "--overwrite" in err and "Traceback" not in err
    assert (trace / "trace.json").read_bytes() == before
    with ScriptedServer([Reply(text=answer)]) as s:
        assert _ask(img, lay, s.base_url, "--trace-dir", str(trace), "--overwrite") == 0
    doc = json.loads((trace / "trace.json").read_text())
    assert doc["answer"] == "2011" and len(doc["turns"]) == 1
    # the old run's turn images are gone: nothing in the folder is from another run
    assert not (trace / "turn1.png").exists() and not (trace / "turn2.png").exists()


@pytest.mark.usefixtures("no_endpoint")
def test_ask_and_plan_refuse_to_overwrite_the_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = _files(tmp_path)
    before = img.read_bytes()
    link = tmp_path / "link.png"
    os.symlink(img, link)
    for argv in (
        ["ask", str(img), "q?", "--layout", str(lay), "-o", str(img)],
        ["ask", str(img), "q?", "--layout", str(lay), "-o", str(link)],
        ["ask", str(img), "q?", "--layout", str(lay), "-o", str(lay)],
        ["plan", str(img), "cost in 2011?", "--layout", str(lay), "-o", str(img)],
        ["plan", str(img), "cost in 2011?", "--layout", str(lay), "-o",
         str(tmp_path / "." / "t.png")],
    ):  # fmt: skip
        assert main(argv) == 2, argv
        assert "refusing to overwrite" in capsys.readouterr().err
    assert img.read_bytes() == before


def test_run_refuses_to_overwrite_inputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = _files(tmp_path)
    prog = tmp_path / "p.rf"
    prog.write_text("mask(region(0, 0, 0.5, 1))\n")
    saved = {p: p.read_bytes() for p in (img, lay, prog)}
    out = tmp_path / "out.png"
    for argv in (
        ["run", str(img), str(prog), "-o", str(img)],
        ["run", str(img), str(prog), "-o", str(out), "--trace", str(prog)],
        ["run", str(img), str(prog), "-o", str(out), "--trace", str(img)],
        ["run", str(img), str(prog), "-o", str(out), "--trace", str(out)],
        ["run", str(img), str(prog), "--layout", str(lay), "-o", str(lay)],
    ):
        assert main(argv) == 2, argv
        assert "refusing to overwrite" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in saved} == saved and not out.exists()


def test_detect_overlay_refuses_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, _ = _files(tmp_path)
    before = img.read_bytes()
    assert main(["detect", str(img), "--overlay", str(img)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert img.read_bytes() == before


def test_docs_prints_unless_told_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    mine = tmp_path / "docs" / "language.md"
    mine.write_text("my own project's notes")
    assert main(["docs"]) == 0
    assert "# " in capsys.readouterr().out
    assert mine.read_text() == "my own project's notes"


@pytest.mark.usefixtures("no_endpoint")
def test_missing_output_folders_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = _files(tmp_path)
    missing = tmp_path / "nonexistent" / "x.png"
    assert main(["ask", str(img), "cost in 2011?", "--layout", str(lay), "-o", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    dataset = tmp_path / "d.jsonl"
    dataset.write_text(json.dumps({"id": "q", "image": "t.png", "question": "q?", "answer": "1"}))
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    assert main(["eval", str(dataset), "--out", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert "is a file" in err and "Traceback" not in err


def test_an_image_output_without_an_image_extension_is_refused_before_detection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    img, _ = _files(tmp_path)

    def no_detection(*args: object, **kwargs: object) -> None:
        raise AssertionError("detection must not run before the output name is checked")

    monkeypatch.setattr("refocus_dsl.detect.detect_layout", no_detection)
    for argv in (
        ["run", str(img), "-e", "mask(columns(1))", "-o", str(tmp_path / "out.pgn")],
        ["run", str(img), "-e", "mask(columns(1))", "-o", str(tmp_path / "out")],
        ["detect", str(img), "--overlay", str(tmp_path / "overlay.txt")],
        ["plan", str(img), "cost in 2011?", "-o", str(tmp_path / "out.pgn")],
        ["ask", str(img), "cost in 2011?", "--offline", "-o", str(tmp_path / "out.txt")],
    ):
        assert main(argv) == 2, argv
        assert "cannot tell an image format" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([img.name, "t.json"])


def test_plan_writes_the_format_its_output_names(tmp_path: Path) -> None:
    """``-o edited.jpg`` is a JPEG (laid on white if the edit has alpha), not PNG bytes
    under a JPEG name that other tools then misread."""
    from PIL import Image

    img, lay = _files(tmp_path)
    for name, image_format in (("edited.jpg", "JPEG"), ("edited.png", "PNG")):
        out = tmp_path / name
        assert main(["plan", str(img), "cost in 2011?", "--layout", str(lay), "-o", str(out)]) == 0
        with Image.open(out) as written:
            assert written.format == image_format
            assert written.size == Image.open(img).size


def test_a_transparent_edit_written_as_jpeg_is_laid_on_white(tmp_path: Path) -> None:
    from PIL import Image

    from refocus_dsl.cli._stdio import write_image

    image = Image.new("RGBA", (30, 20), (0, 0, 0, 0))  # wholly transparent black
    image.paste((200, 0, 0, 255), (0, 0, 10, 20))
    out = tmp_path / "edited.jpeg"
    write_image(image, out)
    with Image.open(out) as written:
        assert written.format == "JPEG" and written.mode == "RGB"
        assert min(written.getpixel((25, 10))) > 240  # transparent -> white, not black
        red, green, _ = written.getpixel((4, 10))
        assert red > 170 and green < 50
