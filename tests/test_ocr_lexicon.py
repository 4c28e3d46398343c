"""The word list that picks between readings of soft text, and the second readings it drives."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFilter
from table_helpers import DrawnTable, draw_table, make_cells

import refocus_dsl.detect.table.text as table_text
from refocus_dsl.detect import detect_layout
from refocus_dsl.detect.table.text import stretch_contrast
from refocus_dsl.layout import Layout
from refocus_dsl.lexicon import supported, word_list
from refocus_dsl.ocr import Word, get_ocr

OCR = get_ocr()


def test_known_words_and_numbers_are_supported_and_misreadings_are_not() -> None:
    assert word_list("eng") is not None
    for text in ("Hospitals", "United States", "12,345", "$3.50", "-4.2%", "runner-up", "(Total)"):
        assert supported(text), text
    assert supported("Panel A")
    for text in ("Hospitats", "Revernve", "Pane! &", "Ureted States", "z", "‘Year", "", "  "):
        assert not supported(text), text


def test_two_letters_known_to_the_list_are_no_support_alone() -> None:
    """The list holds most pairs of letters: a blurred 'scs' read as 'ss' is no word."""
    assert word_list("eng") is not None
    for text in ("ss", "te", "SD", "(ce)"):
        assert not supported(text), text
    for text in ("Panel B", "St Kitts", "us 12"):
        assert supported(text), text


def test_a_language_without_a_list_supports_nothing() -> None:
    assert word_list("xyz") is None
    assert not supported("Hospitals", "xyz")


def test_contrast_is_stretched_to_black_and_blank_regions_are_left_alone() -> None:
    import numpy as np

    faded = np.full((10, 30), 255, dtype=np.uint8)
    faded[3:7, 5:25] = 150
    out = stretch_contrast(faded)
    assert out.min() == 0 and out.max() == 255
    blank = np.full((10, 30), 250, dtype=np.uint8)
    assert (stretch_contrast(blank) == blank).all()


def _soft_scan(drawn: DrawnTable) -> Image.Image:
    """Half size, blurred, faded grey ink, JPEG 50: the soft end of a small scan."""
    im = drawn.image.convert("L")
    im = im.resize((round(im.width * 0.5), round(im.height * 0.5)), Image.Resampling.BILINEAR)
    im = im.filter(ImageFilter.GaussianBlur(0.9)).point(lambda v: 70 + v * 185 // 255)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=50)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _read(image: Image.Image, monkeypatch: pytest.MonkeyPatch, with_list: bool) -> Layout:
    with monkeypatch.context() as m:
        if not with_list:
            m.setattr(table_text, "word_list", lambda lang="eng": None)
            m.setattr(table_text, "supported", lambda text, lang="eng": False)
        return detect_layout(image, "table", ocr=OCR, cache=False)


def _exact(layout: Layout, drawn: DrawnTable) -> int:
    t = layout.table
    assert t is not None
    heads = sum(c.header == g for c, g in zip(t.columns, drawn.headers, strict=False))
    return heads + sum(r.label == g for r, g in zip(t.rows, drawn.labels, strict=False))


def test_second_readings_read_soft_small_text_tesseract_misread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Six soft small tables: the word list's second readings add exact headers and
    labels over them all (+7 measured; one table alone varies by a word or two), and
    nothing read right without the list is lost with it."""
    gained = 0
    for seed in range(6):
        drawn = draw_table(make_cells(10, 4, seed), style="grid", size=22, pad=8)
        image = _soft_scan(drawn)
        alone = _read(image, monkeypatch, with_list=False)
        helped = _read(image, monkeypatch, with_list=True)
        gained += _exact(helped, drawn) - _exact(alone, drawn)
        t0, t1 = alone.table, helped.table
        assert t0 is not None and t1 is not None
        for before, after, gold in zip(t0.rows, t1.rows, drawn.labels, strict=False):
            if before.label == gold:  # nothing read right is lost
                assert after.label == gold, (seed, before.label, after.label)
    assert gained >= 4


def test_doubtful_soft_text_read_every_other_way_and_voted_reads_more_exactly() -> None:
    """Eight soft small tables (text 11 px, blurred, faded, JPEG'd): reading doubtful
    regions every other way and keeping the reading with the most confidence among
    known words gets 74 of 112 headers and labels exact; keeping the first known
    reading of two more ways got 64."""
    exact = 0
    for seed in range(8):
        drawn = draw_table(make_cells(10, 4, seed), style="grid", size=22, pad=8)
        layout = detect_layout(_soft_scan(drawn), "table", ocr=OCR, cache=False)
        exact += _exact(layout, drawn)
    assert exact >= 70


def test_the_vote_keeps_the_known_reading_most_confidence_is_for() -> None:
    def w(text: str, conf: float) -> Word:
        return Word(text, (0, 0, 10, 10), conf, 0)

    crop, group, junk = [w("Crop", 80)], [w("Group", 60)], [w("Gnoup", 95)]
    # two weaker readings agreeing outweigh one stronger; a non-word never wins
    assert table_text.vote([crop, group, group, junk], "eng") == group
    assert table_text.vote([crop, group, junk], "eng") == crop
    # nothing known: the most confident reading
    assert table_text.vote([[w("Qzv", 50)], [w("Qzw", 70)], []], "eng") == [w("Qzw", 70)]
    assert table_text.vote([[], []], "eng") == []


def test_a_crisp_table_costs_no_second_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = draw_table(make_cells(8, 4, 5), style="grid", size=18)
    counts = []
    for with_list in (False, True):
        calls = OCR.calls
        layout = _read(drawn.image, monkeypatch, with_list)
        counts.append(OCR.calls - calls)
        assert _exact(layout, drawn) == len(drawn.headers) + len(drawn.labels)
    assert counts[0] == counts[1]


def test_a_crisp_table_does_not_load_the_word_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the list costs a fresh process about 0.3 s: only a doubtful region pays."""
    import refocus_dsl.lexicon as lexicon

    loads: list[str] = []
    monkeypatch.setattr(lexicon, "_LISTS", {})
    monkeypatch.setattr(lexicon, "_load", lambda code: loads.append(code))
    drawn = draw_table(make_cells(8, 4, 5), style="grid", size=18)
    layout = detect_layout(drawn.image, "table", ocr=OCR, cache=False)
    assert _exact(layout, drawn) == len(drawn.headers) + len(drawn.labels)
    assert loads == []


def test_a_name_the_list_lacks_is_kept_as_read(monkeypatch: pytest.MonkeyPatch) -> None:
    cells = make_cells(8, 4, 5)
    cells[3][0] = "Qzvbrt"
    drawn = draw_table(cells, style="grid", size=18)
    labels = []
    for with_list in (False, True):
        layout = _read(drawn.image, monkeypatch, with_list)
        assert layout.table is not None
        labels.append([r.label for r in layout.table.rows])
    assert labels[0] == labels[1]
    assert "Qzvbrt" in labels[1]


def test_crisp_names_the_list_lacks_cost_no_second_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes and surnames in crisp text of a readable size are read once: reading the
    same sharp pixels other ways does not find a word the list holds."""
    cells = make_cells(10, 5, 3)
    cells[0] = ["Xq7", "Zzk", "Qvw", "Jhh", "Kpx"]
    for i, name in enumerate(("Brzq", "Vlyx", "Kwtz", "Pfnq", "Zdrv"), start=1):
        cells[i][0] = name
    drawn = draw_table(cells, style="grid", size=16)
    counts, labels = [], []
    for with_list in (False, True):
        calls = OCR.calls
        layout = _read(drawn.image, monkeypatch, with_list)
        counts.append(OCR.calls - calls)
        assert layout.table is not None
        labels.append([r.label for r in layout.table.rows])
    assert counts[0] == counts[1]
    assert labels[0] == labels[1]


def test_small_soft_or_grainy_text_is_hard_to_read_and_crisp_readable_text_is_not() -> None:
    assert table_text.hard_to_read(12.0, 1.5)  # a soft scan
    assert table_text.hard_to_read(6.0, 0.0)  # small crisp text, enlarged to the stack's limit
    assert table_text.hard_to_read(12.0, 0.0, 4.0)  # a grainy photo or scan
    assert not table_text.hard_to_read(12.0, 0.0)  # a crisp screenshot
