"""The OCR backends: words in original-image pixels, crops, scaling, counting, errors."""

from __future__ import annotations

import os
import shutil

import pytest
from PIL import Image, ImageDraw, ImageFont

from refocus_dsl import ocr as ocr_mod
from refocus_dsl.errors import OcrUnavailableError
from refocus_dsl.ocr import Word, available_backends, get_ocr, parse_tsv, read_box, text_of

HAS_BINARY = shutil.which("tesseract") is not None


def page(words: list[tuple[str, tuple[int, int]]], size: int = 22) -> Image.Image:
    img = Image.new("RGB", (520, 200), "white")
    d = ImageDraw.Draw(img)
    f = ImageFont.load_default(size=size)
    for text, xy in words:
        d.text(xy, text, font=f, fill=(0, 0, 0))
    return img


def ink_box(img: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    grey = img.convert("L").crop(box).point(lambda v: 255 if v < 128 else 0)
    bb = grey.getbbox()
    assert bb is not None
    return (box[0] + bb[0], box[1] + bb[1], box[0] + bb[2], box[1] + bb[3])


def test_omp_thread_limit_defaults_to_one() -> None:
    assert os.environ.get("OMP_THREAD_LIMIT") is not None


@pytest.mark.parametrize("backend", ["tesserocr", "pytesseract"])
def test_words_are_in_original_pixels_with_confidence(backend: str) -> None:
    if backend == "pytesseract" and not HAS_BINARY:
        pytest.skip("no tesseract binary on PATH (apt-get install tesseract-ocr)")
    engine = get_ocr(backend)
    img = page([("Harbour", (40, 30)), ("1996", (300, 120))])
    calls = engine.calls
    words = engine.words(img, psm=11)
    assert engine.calls == calls + 1
    found = {w.text: w for w in words}
    assert "Harbour" in found and "1996" in found
    for text, region in (("Harbour", (0, 0, 260, 90)), ("1996", (260, 90, 520, 200))):
        truth = ink_box(img, region)
        got = found[text].bbox
        assert all(abs(a - b) <= 3 for a, b in zip(got, truth, strict=True)), (got, truth)
        assert 0 <= found[text].confidence <= 100


def test_crop_box_and_scale_map_back_to_the_whole_image() -> None:
    engine = get_ocr("tesserocr")
    img = page([("Geneva", (60, 40)), ("Quebec", (320, 130))], size=12)
    truth = ink_box(img, (300, 110, 520, 200))
    words = engine.words(img, box=(300, 110, 520, 200), psm=7, scale=3.0)
    assert [w.text for w in words] == ["Quebec"]
    assert all(abs(a - b) <= 3 for a, b in zip(words[0].bbox, truth, strict=True))
    # read_box enlarges a small crop as one line: same answer, same place
    again = read_box(engine, img, (300, 110, 520, 200))
    assert [w.text for w in again] == ["Quebec"]


def test_empty_or_outside_box_gives_no_words() -> None:
    engine = get_ocr("tesserocr")
    img = page([("Oslo", (30, 30))])
    assert engine.words(img, box=(600, 600, 700, 700)) == []
    assert engine.words(Image.new("L", (5, 5), 255)) == []


def test_parse_tsv_maps_scale_and_offset_and_lines() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "5\t1\t1\t1\t1\t1\t20\t10\t40\t20\t91.5\tNorth\n"
        "5\t1\t1\t1\t1\t2\t70\t10\t40\t20\t88\tEast\n"
        "5\t1\t1\t1\t2\t1\t20\t40\t40\t20\t-1\t \n"
        "5\t1\t1\t1\t2\t1\t20\t40\t40\t20\t77\tWest\n"
    )
    words = parse_tsv(tsv, dx=100, dy=50, scale=2.0)
    assert [w.text for w in words] == ["North", "East", "West"]
    assert words[0].bbox == (110, 55, 130, 65)
    assert words[0].line_id == words[1].line_id != words[2].line_id
    assert text_of(words) == "North East West"


def test_unknown_backend_is_a_clear_error() -> None:
    with pytest.raises(OcrUnavailableError, match="unknown OCR backend"):
        get_ocr("abbyy")


def test_missing_binary_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_mod.shutil, "which", lambda name: None)
    monkeypatch.delenv("TESSERACT_CMD", raising=False)
    monkeypatch.setattr(ocr_mod, "_ENGINES", {})
    with pytest.raises(OcrUnavailableError, match="apt-get install tesseract-ocr"):
        get_ocr("pytesseract")


def test_auto_prefers_the_in_process_backend() -> None:
    assert get_ocr().name == "tesserocr"
    assert "tesserocr" in available_backends()


def test_word_is_a_frozen_value() -> None:
    w = Word("a", (0, 0, 1, 1), 50.0)
    with pytest.raises(AttributeError):
        w.text = "b"  # type: ignore[misc]


def test_working_scale_enlarges_small_text_only() -> None:
    from refocus_dsl.ocr import MAX_SCALE, WORKING_TEXT_PX, working_scale

    assert working_scale(WORKING_TEXT_PX / 2) == 2.0
    assert working_scale(3.0) == MAX_SCALE
    assert working_scale(3.0, max_scale=3.0) == 3.0
    assert working_scale(80.0) == 1.0


def test_text_height_measures_lines_in_any_crop() -> None:
    from PIL import ImageDraw, ImageFont

    from refocus_dsl.ocr import text_height

    for size in (10, 24):
        img = Image.new("L", (400, 6 * size), 255)
        d = ImageDraw.Draw(img)
        f = ImageFont.load_default(size=size)
        d.text((10, size), "Height of lines", font=f, fill=0)
        d.text((10, 3 * size), "Second line", font=f, fill=0)
        h = text_height(img)
        assert h is not None and 0.6 * size <= h <= 1.4 * size, (size, h)
    assert text_height(Image.new("L", (50, 50), 255)) is None
