"""A chart's confidence falls when its tick labels do not sit under the bars they name,
when much of its ink is in no fill's colour, or when blurred, small or grainy labels read
as no known word."""

from __future__ import annotations

import io

import numpy as np
import pytest
from chart_helpers import WORDS, draw_chart
from PIL import Image, ImageFilter

from refocus_dsl.detect._evidence import labels_short_of_ink, nearer_own, numbers_out_of_step
from refocus_dsl.detect.chart import _union, chart_confidence, detect_chart, label_alignment
from refocus_dsl.layout import Box
from refocus_dsl.lexicon import word_list
from refocus_dsl.ocr import OcrEngine, Word


def _evidence(labels: list[tuple[int, int, int, int]], bars: list[tuple[int, int, int, int]]
              ) -> list[tuple[float, float, float]]:
    return [((lb[0] + lb[2]) / 2.0, b[0], b[2]) for lb, b in zip(labels, bars, strict=True)]


def test_misassigned_label_lowers_confidence() -> None:
    drawn = draw_chart(list(WORDS[:4]), [[3.0, 7.0, 5.0, 2.0]])
    centres = [(b[0] + b[2]) / 2.0 for b in drawn.bars]
    spacing = centres[1] - centres[0]
    right = _evidence(drawn.labels, drawn.bars)
    assert label_alignment(right, spacing) == 1.0
    # The second bar given the third bar's label (and the third the second's).
    swapped = [drawn.labels[0], drawn.labels[2], drawn.labels[1], drawn.labels[3]]
    wrong = _evidence(swapped, drawn.bars)
    assert label_alignment(wrong, spacing) == 0.5
    sure = chart_confidence(1.0, 95.0, label_alignment(right, spacing))
    assert sure == 1.0
    assert chart_confidence(1.0, 95.0, label_alignment(wrong, spacing)) == pytest.approx(0.8)
    # Half-way between two bars names either: not aligned.
    half = [(centres[0] + spacing / 2.0, b[0], b[2]) for b in drawn.bars[:1]]
    assert label_alignment(half, spacing) == 0.0


def test_no_labelled_bar_is_no_evidence_against() -> None:
    assert label_alignment([], 40.0) == 1.0


@pytest.mark.parametrize("rotation", [0, 45])
def test_correct_drawn_chart_keeps_its_confidence(ocr: OcrEngine, rotation: int) -> None:
    drawn = draw_chart(list(WORDS[4:9]), [[3.0, 7.0, 5.0, 2.0, 6.0]], rotation=rotation)
    layout = detect_chart(drawn.image, ocr)
    assert layout.detector is not None
    evidence = layout.detector["evidence"]
    assert evidence["label_alignment"] == 1.0 and evidence["clustered_ink"] >= 0.99
    assert layout.confidence is not None and layout.confidence >= 0.7
    assert not any("sit poorly" in n for n in layout.notes)


def test_big_image_scaling_keeps_each_bar_of_a_four_bar_category() -> None:
    # A category's own bars (four, one not found) were taken for one box and crashed.
    from refocus_dsl.detect._scale import scale_layout
    from refocus_dsl.layout import Category, Chart, Layout

    bars = ((10, 20, 30, 100), None, (50, 40, 70, 100), (70, 60, 90, 100))
    cat = Category(index=0, label="A", bar_bbox=(10, 20, 90, 100), bars=bars)
    layout = Layout(width=200, height=200, kind="chart", chart=Chart(categories=(cat,)))
    got = scale_layout(layout, (400, 400)).chart
    assert got is not None
    assert got.categories[0].bars == (
        (20, 40, 60, 200), None, (100, 80, 140, 200), (140, 120, 180, 200)
    )
    assert got.categories[0].bar_bbox == (20, 40, 180, 200)


def test_ringing_that_leaves_ink_in_no_fill_colour_lowers_confidence(ocr: OcrEngine) -> None:
    # JPEG at quality 30 rings around every edge: tesseract still reads its labels "sure"
    # (and often wrong), but much of the ink is in no fill's colour.
    drawn = draw_chart(list(WORDS[4:9]), [[3.0, 7.0, 5.0, 2.0, 6.0]])
    clean = detect_chart(drawn.image, ocr)
    buf = io.BytesIO()
    drawn.image.convert("RGB").save(buf, format="JPEG", quality=30)
    buf.seek(0)
    jpeg = detect_chart(Image.open(buf).convert("RGB"), ocr)
    assert clean.detector is not None and jpeg.detector is not None
    assert jpeg.detector["evidence"]["clustered_ink"] < clean.detector["evidence"]["clustered_ink"]
    assert jpeg.confidence is not None and clean.confidence is not None
    assert jpeg.confidence < clean.confidence
    assert chart_confidence(1.0, 95.0, 1.0, clustered=0.9) == pytest.approx(0.5)


def test_turned_labels_hanging_between_groups_bars_grouped_across_categories() -> None:
    # Two series side by side, labels turned 45 degrees hanging from their ticks: when
    # the second bar of each category is grouped with the first of the next (as a
    # grouped chart whose leading categories are zero was read), each group spans one
    # tick to the next and every label's end lies on a group's edge, half-way between
    # two groups' centres: it names either, and confidence must say so.
    drawn = draw_chart(list(WORDS[:6]), [[3.0, 7.0, 5.0, 2.0, 6.0, 4.0],
                                         [4.0, 6.0, 2.0, 5.0, 3.0, 7.0]],
                       rotation=45, anchor=True)
    # Where each label says its tick is: turned with its end at the tick, the tick
    # under the middle of its category's bars.
    ends = [(b[0] + b[2]) / 2.0 for b in drawn.bars]

    def pairs(groups: list[tuple[float, float]], anchors: list[float]
              ) -> tuple[list[tuple[float, float, float]], list[float]]:
        return ([(a, lo, hi) for a, (lo, hi) in zip(anchors, groups, strict=False)],
                [(lo + hi) / 2.0 for lo, hi in groups])

    right = [(float(b[0]), float(b[2])) for b in drawn.bars]
    spacing = (right[-1][0] - right[0][0]) / (len(right) - 1)
    ok, centres = pairs(right, ends)
    assert label_alignment(ok, spacing, centres) == 1.0
    across = [(float(a[1][0]), float(b[0][2])) for a, b in zip(drawn.each, drawn.each[1:],
                                                                strict=False)]
    wrong, centres = pairs(across, ends)
    # Within the wide groups' extents: the extent test alone takes them as aligned.
    assert label_alignment(wrong, spacing) == 1.0
    assert label_alignment(wrong, spacing, centres) <= 0.25
    assert chart_confidence(1.0, 95.0, label_alignment(wrong, spacing, centres)) <= 0.7


def test_a_label_nearer_its_own_group_than_the_next_counts_fully() -> None:
    # Narrow groups 40 px apart: a label 8 px off its group's centre (a fifth of the
    # way to the next) names its group; one 20 px off names either.
    centres = [20.0, 60.0, 100.0]
    assert nearer_own(68.0, 60.0, centres, 40.0) == 1.0
    assert nearer_own(80.0, 60.0, centres, 40.0) == 0.0
    assert nearer_own(12.0, 20.0, centres, 40.0) == 1.0  # no group before: one spacing on


def test_a_year_out_of_step_with_the_others_lowers_confidence(ocr: OcrEngine) -> None:
    # JPEG and blur turn a year's digit into another ('2014' read '2034', '2011' read
    # '201)'), and tesseract is as sure of it: the years around it say it is misread.
    values = [[3.0, 7.0, 5.0, 2.0, 6.0, 4.0]]
    years = ["2012", "2013", "2014", "2015", "2016", "2017"]
    misread = ["2012", "2013", "2034", "2015", "2016", "2017"]
    right = detect_chart(draw_chart(years, values).image, ocr)
    wrong = detect_chart(draw_chart(misread, values).image, ocr)
    assert [c.label for c in wrong.chart.categories] == misread  # type: ignore[union-attr]
    assert right.confidence is not None and wrong.confidence is not None
    assert right.confidence >= 0.9 > wrong.confidence
    assert any("out of step" in n for n in wrong.notes)
    assert not any("out of step" in n for n in right.notes)


def test_numbers_out_of_step_counts_only_breaks_in_a_run() -> None:
    assert numbers_out_of_step(["2010", "2011", "2032", "2013", "2018", "2018"]) == 2
    assert numbers_out_of_step(["2000", "2001", "200)", "2003", "2004"]) == 1
    assert numbers_out_of_step(["2010*", "2011*", "2012'", "2013"]) == 0
    # Steps of any size, falling runs, a total after the numbers: all in step.
    assert numbers_out_of_step(["5", "10", "15", "20", "25"]) == 0
    assert numbers_out_of_step(["2020", "2015", "2010", "2005", "Total"]) == 0
    # Years sorted by their bars' values, or names: no run to be out of.
    assert numbers_out_of_step(["1990", "2005", "1985", "2010", "1970"]) == 0
    assert numbers_out_of_step(["Apples", "2012", "Berlin", "Canada", "Delta"]) == 0


class _SameReading:
    """Reads any strip as ``texts``, each word centred in its share of the strip, as
    sure as tesseract is of a misread (90)."""

    name = "scripted"
    version = "1"

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.calls = 0
        self.seconds = 0.0

    def words(
        self, image: Image.Image, *, box: Box | None = None, psm: int = 11,
        scale: float | None = None,
    ) -> list[Word]:
        self.calls += 1
        w, h = image.size
        out = []
        for k, text in enumerate(self.texts):
            cx = (k + 0.5) * w / len(self.texts)
            out.append(Word(text, (int(cx - 12), h // 4, int(cx + 12), 3 * h // 4), 90.0, 0))
        return out


@pytest.mark.skipif(word_list("eng") is None, reason="no word list installed")
def test_blurred_labels_that_are_no_words_lower_confidence() -> None:
    # Read off blurred labels, 'Engiand' and 'Wates' are likely misreads; off crisp
    # labels of a fair size a non-word is more often a name the list lacks.
    drawn = draw_chart(["England", "Wales", "Scotland"], [[3.0, 7.0, 5.0]], labelsize=11)
    texts = ["Engiand", "Wates", "Scotland"]
    crisp = detect_chart(drawn.image, _SameReading(texts))
    blurred = detect_chart(
        drawn.image.convert("RGB").filter(ImageFilter.GaussianBlur(1.0)), _SameReading(texts)
    )
    assert crisp.detector is not None and blurred.detector is not None
    assert crisp.detector["evidence"]["non_words"] == 0.0
    assert blurred.detector["evidence"]["non_words"] == pytest.approx(2 / 3, abs=1e-3)
    assert crisp.confidence is not None and blurred.confidence is not None
    assert blurred.confidence == pytest.approx(0.8 * crisp.confidence, abs=0.01)
    assert any("no known word" in n for n in blurred.notes)
    assert not any("no known word" in n for n in crisp.notes)


def test_non_words_weigh_on_confidence() -> None:
    assert chart_confidence(1.0, 95.0, 1.0, non_words=0.0) == 1.0
    assert chart_confidence(1.0, 95.0, 1.0, non_words=1.0) == pytest.approx(0.7)


@pytest.mark.parametrize("horizontal", [False, True])
def test_a_label_read_short_of_its_ink_lowers_confidence(
    ocr: OcrEngine, horizontal: bool
) -> None:
    # OCR that drops a label's first word or line ('2002 Salt Lake City' read 'Salt
    # Lake City') is as sure of the rest; the ink it left beside the box says so. An
    # axis title a gap away from the labels is not such ink.
    names = ["North Harbor", "South Garden", "East Market", "West Island"]
    drawn = draw_chart(names, [[3.0, 7.0, 5.0, 2.0]], horizontal=horizontal,
                       axis_titles=("Place of the market", "Sales"))
    layout = detect_chart(drawn.image, ocr)
    assert layout.detector is not None and layout.chart is not None
    assert [c.label for c in layout.chart.categories] == names
    assert layout.detector["evidence"]["labels_short_of_ink"] == 0
    assert not any("stop short" in n for n in layout.notes)
    # The same labels without axis titles, the second read as its last word only.
    plain = draw_chart(names, [[3.0, 7.0, 5.0, 2.0]], horizontal=horizontal)
    read = [c.label_bbox for c in detect_chart(plain.image, ocr).chart.categories  # type: ignore[union-attr]
            if c.label_bbox is not None]
    g = np.asarray(plain.image.convert("L")).astype(np.int16)
    strip = _union(list(plain.labels))
    box = (max(0, strip[0] - 40), strip[1], strip[2], strip[3] + 40)  # ticks left out
    mask = np.abs(g[box[1]:box[3], box[0]:box[2]] - 255) >= 60
    assert labels_short_of_ink(mask, (box[0], box[1]), read, read, 9.0) == 0
    a, b, c, d = read[1]
    cut = (a + (c - a) // 2, b, c, d)
    shorter = [read[0], cut, *read[2:]]
    assert labels_short_of_ink(mask, (box[0], box[1]), shorter, shorter, 9.0) == 1
