"""Tick labels that came through a resize, a blur or JPEG: faint grey text, and words
OCR reads as non-words at one enlargement and right at another.

Charts are drawn here with matplotlib in a publisher's style (grey tick labels, no tick
marks) and blurred with Pillow; the OCR choice between two readings is checked with a
scripted engine, so what is asserted is the rule, not tesseract's mood.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from refocus_dsl.detect._labels import ink  # noqa: E402
from refocus_dsl.detect.chart import detect_chart  # noqa: E402
from refocus_dsl.layout import Box  # noqa: E402
from refocus_dsl.lexicon import word_list  # noqa: E402
from refocus_dsl.ocr import OcrEngine, Word  # noqa: E402


def _publisher_chart(labels: list[str], grey: str, size: int) -> Image.Image:
    """Bars with grey tick labels of ``size`` points and no tick marks, 800x557."""
    fig, ax = plt.subplots(figsize=(8, 5.57), dpi=100)
    ax.bar(range(len(labels)), [3 + (i * 7) % 5 for i in range(len(labels))], width=0.7,
           color="#2876dd")
    ax.set_xticks(range(len(labels)), labels)
    ax.tick_params(colors=grey, labelsize=size, length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def test_a_faint_strip_keeps_its_text_and_a_crisp_one_drops_ringing() -> None:
    strip = np.full((20, 60), 255, dtype=np.int16)
    strip[5:15, 10:50] = 255 - 50  # a blurred grey glyph's edge: 50 grey levels off
    strip[8:12, 20:40] = 255 - 90  # its core, the strip's strongest contrast
    mask, bg = ink(strip)
    assert bg == 255
    assert mask[5:15, 10:50].all() and not mask[:5].any()
    # The same 50-level shade beside crisp black text is JPEG ringing, no ink.
    strip[8:12, 20:40] = 0
    mask, _ = ink(strip)
    assert mask[8:12, 20:40].all() and not mask[5:8, 10:50].any()


def test_faint_blurred_level_labels_are_read_level(ocr: OcrEngine) -> None:
    # Blurred light-grey labels left only stroke cores in the ink mask: fragments that
    # looked turned 45 degrees, and the strip was read turned, as junk.
    years = ["2018", "2019", "2020", "2025", "2030", "2035", "2040"]
    image = _publisher_chart(years, "#888888", 8).filter(ImageFilter.GaussianBlur(1.0))
    layout = detect_chart(image, ocr)
    assert layout.chart is not None and layout.detector is not None
    assert layout.detector["label_angle"] == 0
    assert [c.label for c in layout.chart.categories] == years


class _ScriptedOcr:
    """Reads the strip's three labels as ``first`` at the first enlargement asked for and
    as ``later`` at any larger one (each word centred in a third of the strip)."""

    name = "scripted"
    version = "1"

    def __init__(self, first: list[str], later: list[str]) -> None:
        self.first, self.later = first, later
        self.calls = 0
        self.seconds = 0.0
        self.scales: list[float] = []

    def words(
        self, image: Image.Image, *, box: Box | None = None, psm: int = 11,
        scale: float | None = None,
    ) -> list[Word]:
        self.calls += 1
        s = 1.0 if scale is None else scale
        self.scales.append(s)
        texts = self.first if s <= self.scales[0] else self.later
        w, h = image.size
        out = []
        for k, text in enumerate(texts):
            cx = (k + 0.5) * w / len(texts)
            out.append(Word(text, (int(cx - 12), h // 4, int(cx + 12), 3 * h // 4), 90.0, 0))
        return out


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


@pytest.mark.skipif(word_list("eng") is None, reason="no word list installed")
def test_a_non_word_label_takes_the_known_word_read_at_the_working_size() -> None:
    image = _jpeg(_publisher_chart(["England", "Wales", "Scotland"], "#333333", 10), 30)
    ocr = _ScriptedOcr(["Engiand", "Wates", "Lenovo"], ["England", "Wales", "Lenova"])
    layout = detect_chart(image, ocr)
    assert layout.chart is not None
    # Non-words take the reading made of known words; a name the list lacks keeps its
    # first reading when the second is no known word either.
    assert [c.label for c in layout.chart.categories] == ["England", "Wales", "Lenovo"]
    assert max(ocr.scales) > ocr.scales[0]


def test_crisp_labels_of_a_fair_size_are_read_once() -> None:
    # On a clean render a non-word is a name the list lacks: no second reading.
    image = _publisher_chart(["England", "Wales", "Scotland"], "#333333", 10)
    ocr = _ScriptedOcr(["Engiand", "Wates", "Lenovo"], ["England", "Wales", "Lenova"])
    layout = detect_chart(image, ocr)
    assert layout.chart is not None
    assert [c.label for c in layout.chart.categories] == ["Engiand", "Wates", "Lenovo"]
    assert max(ocr.scales) == ocr.scales[0]


@pytest.mark.skipif(word_list("eng") is None, reason="no word list installed")
def test_a_second_reading_that_turns_letters_into_digits_is_not_taken() -> None:
    names = ["Made a profit", "Broke even", "Made a loss"]
    image = _jpeg(_publisher_chart(names, "#333333", 10), 30)
    ocr = _ScriptedOcr(["Madea profit", "Broke even", "Made a loss"],
                       ["Made 4 profit", "Broke even", "Made a loss"])
    layout = detect_chart(image, ocr)
    assert layout.chart is not None
    assert [c.label for c in layout.chart.categories][0] == "Madea profit"
