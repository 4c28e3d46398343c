"""``refocus detect`` over a folder or a manifest: one layout per image, resumable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from table_helpers import draw_table, make_cells

from refocus_dsl.cli import main
from refocus_dsl.detect import detect_layout
from refocus_dsl.layout import load_layout


@pytest.fixture()
def images(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REFOCUS_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "images"
    (folder / "sub").mkdir(parents=True)
    for i, name in enumerate(("a.png", "b.png", "sub/c.png")):
        draw_table(make_cells(4 + i, 3, i), style="grid").image.save(folder / name)
    return folder


def _columns(layout: object) -> list[object]:
    table = getattr(layout, "table", None)
    assert table is not None
    return [c.bbox for c in table.columns]


def test_a_folder_to_layout_files_then_resume(
    images: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (images / "broken.png").write_bytes(b"not an image")
    out = tmp_path / "layouts"
    argv = ["detect", str(images), "--out-dir", str(out), "--workers", "2"]
    assert main(argv) == 1  # the broken image failed; the others were written
    said = capsys.readouterr().out
    assert "4 images: 3 detected, 0 already done, 1 failed" in said
    for name in ("a", "b", "sub/c"):
        written = load_layout(out / f"{name}.json")
        assert _columns(written) == _columns(detect_layout(images / f"{name}.png", cache=False))
    assert not (out / "broken.json").exists()
    assert main(argv) == 1
    assert "4 images: 0 detected, 3 already done, 1 failed" in capsys.readouterr().out


def test_a_manifest_to_json_lines_resumes_after_a_cut_line(
    images: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = images / "questions.jsonl"
    rows = [{"id": f"q{n}", "image": name} for n, name in enumerate(["a.png", "a.png", "b.png"])]
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "layouts.jsonl"
    argv = ["detect", str(manifest), "--jsonl", str(out), "--workers", "1"]
    assert main(argv) == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert sorted(x["image"] for x in lines) == ["a.png", "b.png"]  # each image once
    assert all(x["layout"]["kind"] == "table" and x["source"] == "detected" for x in lines)
    capsys.readouterr()
    # a crash cut the last line short: only that image is detected again
    text = out.read_text()
    out.write_text(text[: len(text) - 20])
    assert main(argv) == 0
    assert "2 images: 1 detected, 1 already done, 0 failed" in capsys.readouterr().out
    lines = [json.loads(x) for x in out.read_text().splitlines()]  # every line whole again
    assert sorted(x["image"] for x in lines) == ["a.png", "b.png"]


def test_batch_refusals(images: Path, tmp_path: Path) -> None:
    manifest = images / "m.jsonl"
    manifest.write_text(json.dumps({"image": "a.png"}) + "\n")
    assert main(["detect", str(images)]) == 2  # a folder needs an output
    assert main(["detect", str(manifest), "--jsonl", str(manifest)]) == 2  # never the input
    bad = images / "bad.jsonl"
    bad.write_text('{"question": "no image"}\n')
    assert main(["detect", str(bad), "--jsonl", str(tmp_path / "o.jsonl")]) == 1


@pytest.mark.parametrize("image", ["../images/a.png", "IMAGES/a.png", "."])
def test_out_dir_never_writes_outside_itself(
    images: Path, tmp_path: Path, image: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # An image named outside the manifest's folder (or by an absolute path) would
    # put its layout file outside --out-dir: refused before anything is detected.
    name = image.replace("IMAGES", str(images))
    manifest = tmp_path / "questions" / "m.jsonl"
    manifest.parent.mkdir()
    manifest.write_text(json.dumps({"image": name}) + "\n")
    out = tmp_path / "questions" / "layouts"
    assert main(["detect", str(manifest), "--out-dir", str(out)]) == 1
    assert "outside" in capsys.readouterr().err
    assert not (images / "a.json").exists() and not any(tmp_path.rglob("*.json"))


def test_resume_reads_any_jsonl_file_without_a_traceback(
    images: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Not UTF-8 and a last line that is not ours: refused, and the file is left as it was.
    other = tmp_path / "other.jsonl"
    other.write_bytes(b"\xff\xfe binary\n\x89 no newline at the end")
    argv = ["detect", str(images), "--jsonl", str(other), "--workers", "1"]
    assert main(argv) == 1
    assert "does not end in a layout line" in capsys.readouterr().err
    assert other.read_bytes() == b"\xff\xfe binary\n\x89 no newline at the end"
    # A complete line that is not UTF-8 is only not counted as done.
    other.write_bytes(b"\xff\xfe binary\n")
    assert main(argv) == 0
    lines = other.read_bytes().splitlines()
    assert lines[0] == b"\xff\xfe binary" and len(lines) == 4
