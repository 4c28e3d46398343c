"""Dashes in table text are told apart by their drawn width, not by what OCR guessed."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

from refocus_dsl.detect.table.dashes import dashes_by_width
from refocus_dsl.detect.table.text import join_words
from refocus_dsl.ocr import Word

FONTS = ["DejaVu Sans", "DejaVu Serif"]


def _line(words: list[str], size: int, family: str) -> tuple[np.ndarray, list[Word]]:
    """One line of ``words`` drawn dark on white, and each word's ink box, as OCR gives."""
    font = ImageFont.truetype(font_manager.findfont(family), size)
    img = Image.new("L", (40 + 20 * size * len(words), 3 * size), 255)
    d = ImageDraw.Draw(img)
    x, boxes = 10, []
    for text in words:
        d.text((x, size), text, font=font, fill=20)
        bb = d.textbbox((x, size), text, font=font)
        boxes.append(bb)
        x = bb[2] + int(font.getlength(" "))
    # the region is the whole line; OCR read every dash as a hyphen
    read = [Word(t.translate(str.maketrans("–—", "--")), b, 80.0, 0)
            for t, b in zip(words, boxes, strict=True)]
    return np.asarray(img), read


@pytest.mark.parametrize("family", FONTS)
@pytest.mark.parametrize("size", [11, 14, 20, 28])
@pytest.mark.parametrize(
    "words",
    [["1940–41"], ["Rose–Hulman", "Institute"], ["Bwlch-y-Slater"], ["Runner-up"],
     ["16", "July", "1992", "–", "22", "November"], ["Pre-production", "2009–10"],
     ["Result", "F–A"], ["Tatís", "—", "retired"]],
)
def test_each_dash_is_read_by_its_width(words: list[str], size: int, family: str) -> None:
    pixels, read = _line(words, size, family)
    h, w = pixels.shape
    fixed = dashes_by_width(read, pixels, (0, 0, w, h))
    assert [x.bbox for x in fixed] == [x.bbox for x in read]
    if size >= 14 or family == "DejaVu Sans":
        assert [x.text for x in fixed] == words
    else:  # 11 px serifs may touch a dash: then it stays as read, never turns wrong
        assert all(f.text in (t, r.text) for f, t, r in zip(fixed, words, read, strict=True))


def test_a_line_of_only_a_dash_and_faint_ink_are_kept_as_read() -> None:
    pixels, read = _line(["–"], 16, "DejaVu Sans")
    h, w = pixels.shape
    assert [x.text for x in dashes_by_width(read, pixels, (0, 0, w, h))] == ["-"]
    pixels, read = _line(["1940–41"], 16, "DejaVu Sans")
    faint = np.where(pixels < 255, 230, 255).astype(np.uint8)
    h, w = faint.shape
    assert [x.text for x in dashes_by_width(read, faint, (0, 0, w, h))] == ["1940-41"]
    assert [x.text for x in dashes_by_width(read, pixels, (0, 0, w, h))] == ["1940–41"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([["Runner–"], ["up"]], "Runner–up"),
        ([["Pre-"], ["production", "cost"]], "Pre-production cost"),
        ([["1990", "–"], ["1995"]], "1990 – 1995"),
        ([["New"], ["York"]], "New York"),
    ],
)
def test_a_cell_wrapped_after_a_dash_joins_without_a_space(
    lines: list[list[str]], expected: str
) -> None:
    """Cells wrap after their hyphens and dashes; the next line continues the word.
    A dash standing alone (a range written with spaces) keeps its spaces."""
    words = [
        Word(text, (10 + 60 * j, 10 + 20 * i, 60 + 60 * j, 25 + 20 * i), 90.0, line_id=i)
        for i, line in enumerate(lines)
        for j, text in enumerate(line)
    ]
    assert join_words(words) == expected
