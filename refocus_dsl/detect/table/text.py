"""Table text stage: OCR of the header cells and the first column, stacked into one image.

Only what the layout names things by is read: one tesseract call over a
stack of the small regions (enlarged to a working text height), then weak
words re-read enlarged, one region at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from refocus_dsl.detect._grid import Rule
from refocus_dsl.detect._raster import commonest_grey, grey_of
from refocus_dsl.detect._scale import ScaledOcr
from refocus_dsl.detect.table.dashes import DASHES, dashes_by_width
from refocus_dsl.detect.table.structure import RULE_HALO, Structure, erase_rules, half_peak_rows
from refocus_dsl.layout import Box
from refocus_dsl.lexicon import supported, word_list
from refocus_dsl.ocr import DEFAULT_LANG, MAX_SCALE, WORKING_TEXT_PX, OcrEngine, Word, working_scale

F = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]

_MAX_STACK_PIXELS = 1_500_000
"""Upper bound on the stacked OCR image (pixels): keeps one call within ~0.3 s."""
STACK_MAX_SCALE = 3.0
"""Most a stacked read enlarges (times the pixels a layout pixel has)."""
SOFT_EDGE = 1.0
"""Edge softness (:func:`edge_softness`, rows a side) from which a page's text is soft."""
GRAIN = 1.0
"""Page noise (grey levels, ``Levels.noise``) from which a page is grainy: renders and
JPEGs of them measure 0, scans and noisy photos a few levels."""


@dataclass(frozen=True)
class _Slot:
    """One region to OCR, where it is in the original and in the stacked image."""

    box: Box
    key: tuple[int, int]  # (row, col) or (-1 - header_row, group index)
    y0: int  # top in the stack
    y1: int
    scale: float


SHARPEN = 0.5
"""Unsharp-mask radius per pixel of measured edge softness (enlarged), at 150 %."""


def enlarge(pixels: npt.NDArray[np.uint8], size: tuple[int, int], blur: float) -> Image.Image:
    """A region's pixels resized to ``size`` (Lanczos), sharpened when its edges are
    ``blur`` pixels soft at that size (an unsharp mask of SHARPEN x ``blur`` radius).

    Why: small soft text enlarged keeps its blur, now as many times wider, and
    tesseract misreads the mush ('Cromp' for 'Group'); crisp text (an edge within a
    pixel, as screenshots and plain reductions have) is left as it is, since
    sharpening its anti-aliasing costs more than it gives.
    """
    im = Image.fromarray(pixels, "L")
    if size != im.size:
        im = im.resize(size, Image.Resampling.LANCZOS)
    if blur >= 1.0:
        im = im.filter(ImageFilter.UnsharpMask(radius=SHARPEN * blur, percent=150, threshold=0))
    return im


def edge_softness(st: Structure) -> float:
    """How soft the page's edges are: across its horizontal rules, the rows a side in
    the ramp between 15 % and 85 % of the rule's contrast (median over the rules).

    About 0 on screenshots, reductions and JPEGs, 1 and more on blurred scans;
    0 when there is no rule to measure on.
    """
    grey, h = st.grey, st.grey.shape[0]
    ramps = []
    for r in st.h_rules:
        a, b = max(0, r.pos - 4), min(h, r.end + 4)
        x1, x2 = r.span
        diff = np.abs(grey[a:b, x1:x2].astype(np.float64) - st.row_bg[a:b, None])
        if diff.size == 0:
            continue
        prof = np.median(diff, axis=1)
        peak = float(prof.max())
        if peak >= 20:
            ramps.append(float(((prof >= 0.15 * peak) & (prof < 0.85 * peak)).sum()) / 2)
    return float(np.median(ramps)) if ramps else 0.0


_CLEAN_LUT = (255 - np.arange(256)).clip(0, 255).astype(np.uint8)
"""Contrast with the background -> grey, linearly: anti-aliasing survives, which small
scanned text needs (a thresholded ramp lost 20 points of header accuracy on it)."""


def clean_text_image(
    grey: npt.NDArray[np.uint8],
    row_bg: F,
    h_rules: Sequence[Rule],
    v_rules: Sequence[Rule],
    line_h: float = 0.0,
) -> npt.NDArray[np.uint8]:
    """Dark text on white whatever the background (dark headers inverted, shading removed).

    ``line_h``: the text's line height, under which a darker background between two
    rows of paper is the text's own ink (:func:`level_ink_dips`)."""
    bg = level_ink_dips(steady_background(row_bg), line_h)
    diff = np.abs(grey.astype(np.int16) - bg.astype(np.int16)[:, None])
    out: npt.NDArray[np.uint8] = _CLEAN_LUT[diff]
    h_rules = [rule_core(diff, r) for r in h_rules]
    lift_halos(out, h_rules, v_rules)
    erase_rules(out, h_rules, v_rules, 255, halo=0)
    return out


def steady_background(row_bg: F) -> F:
    """``row_bg`` with dips of one or two rows taken out (a running median of five rows).

    Why: through the middle of a line of soft, dense text a row can hold more ink
    than paper, and its background is then read as a mid grey; the paper of that
    row turned grey against it and the line came out struck through ('United
    Kingdom' unread). A band of shading is at least five rows tall and keeps its
    edges under a five-row median.
    """
    n = row_bg.size
    if n < 5:
        return row_bg
    padded = np.concatenate([row_bg[:1], row_bg[:1], row_bg, row_bg[-1:], row_bg[-1:]])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 5)
    out: F = np.median(windows, axis=1)
    return out


DIP_GREYS = 10
"""How much darker than the rows around it a row's background must be to count as a dip."""


def level_ink_dips(bg: F, line_h: float) -> F:
    """``bg`` with each run of rows darker than the rows just above and below it (which
    agree), and shorter than a text line, set to those rows' background.

    Why: through a line of soft, bold, dense text (a header 'Country Index Margin')
    most of a row is ink for three or four rows, more than a running median takes
    out; against that grey the letters came out light with dark rims and were read
    as junk ('WHISI59' for 'Growth'). Shading is at least a line tall and keeps it.
    """
    n = bg.size
    out: F = bg.copy()
    if line_h <= 0:
        return out
    y = 1
    while y < n - 1:
        ref = float(bg[y - 1])
        if bg[y] >= ref - DIP_GREYS:
            y += 1
            continue
        end = y
        while end < n and bg[end] < ref - DIP_GREYS:
            end += 1
        if end < n and end - y < line_h and abs(float(bg[end]) - ref) <= DIP_GREYS:
            out[y:end] = (ref + float(bg[end])) / 2
        y = end
    return out


def rule_core(diff: npt.NDArray[np.int16], rule: Rule) -> Rule:
    """The rows of a thick horizontal rule that reach half the contrast of its darkest row
    (its median along the rule), when they are a rule's thickness (at most 4).

    Why: a soft or JPEG'd rule is found with its halo, several rows thick; wiped
    whole it takes the descenders of a line set tight above it ("Estonia" read as
    "Fetonia"). Wiping the core and lifting the halo's even shade keeps them.
    """
    if rule.width <= 2:
        return rule
    x1, x2 = rule.span
    prof = np.median(diff[rule.pos : rule.end, x1:x2], axis=1)
    if prof.size == 0:
        return rule
    a, b = half_peak_rows(prof)
    return rule if b - a > 4 else Rule(rule.pos + a, b - a, rule.span)


def lift_halos(
    out: npt.NDArray[np.uint8], h_rules: Sequence[Rule], v_rules: Sequence[Rule]
) -> None:
    """Take each rule's blur off the lines beside it (in place), keeping what is darker.

    Beside a soft rule its blur is an even shade all along it, while a letter
    there (the descender of a line set tight above a rule, a digit against a
    column rule) is darker than that shade: each line beside a rule is lifted
    by its own typical shade rather than wiped, so the letter stays.
    """
    p = RULE_HALO
    for r in h_rules:
        x1, x2 = max(0, r.span[0] - p), r.span[1] + p
        for y in [*range(max(0, r.pos - p), r.pos), *range(r.end, min(out.shape[0], r.end + p))]:
            _lift(out[y, x1:x2])
    for r in v_rules:
        y1, y2 = max(0, r.span[0] - p), r.span[1] + p
        for x in [*range(max(0, r.pos - p), r.pos), *range(r.end, min(out.shape[1], r.end + p))]:
            _lift(out[y1:y2, x])


def _lift(line: npt.NDArray[np.uint8]) -> None:
    if line.size == 0:
        return
    shade = 255 - int(np.median(line))
    if shade > 0:
        line[:] = np.minimum(255, line.astype(np.int16) + shade).astype(np.uint8)


Part = tuple[npt.NDArray[np.uint8], Box, tuple[int, int]]
"""A region's cleaned pixels (at any resolution), its box in layout pixels, and its key."""


def stack_ocr(
    ocr: OcrEngine, parts: Sequence[Part], line_h: float, unit: int = 1, softness: float = 0.0
) -> dict[tuple[int, int], list[Word]]:
    """OCR many small regions in one call: stack them vertically with white between.

    Each region is drawn at its box's size times one scale that brings ``line_h``
    (layout pixels) to a working text height; its pixels are ``unit`` to a layout
    pixel, and are enlarged at most 3 times, then sharpened by ``softness``
    (:func:`enlarge`).
    """
    parts = [p for p in parts if p[0].size]
    if not parts:
        return {}
    scale = working_scale(line_h, max_scale=STACK_MAX_SCALE * unit)
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for _, b, _ in parts)
    if area * scale * scale > _MAX_STACK_PIXELS:  # big text areas: no enlargement
        scale = max(1.0, (_MAX_STACK_PIXELS / max(area, 1)) ** 0.5)
    read = _stack_read(ocr, [(c, b, scale, softness * scale) for c, b, _ in parts], line_h * scale)
    out: dict[tuple[int, int], list[Word]] = {}
    for (_, _, key), words in zip(parts, read, strict=True):
        if words:
            out[key] = words
    return out


def _stack_read(
    ocr: OcrEngine,
    items: Sequence[tuple[npt.NDArray[np.uint8], Box, float, float]],
    text_px: float,
) -> list[list[Word]]:
    """The words of each item (its pixels, its box, its scale in OCR pixels a layout
    pixel, its blur at that scale for :func:`enlarge`), read in one call of a stack of
    them all, white between; ``text_px``: about the stacked lines' height (spacing)."""
    pad = 12
    sizes = [
        (max(1, round((b[2] - b[0]) * s)), max(1, round((b[3] - b[1]) * s))) for _, b, s, _ in items
    ]
    width = max(w for w, _ in sizes) + 2 * pad
    sep = max(12, int(0.8 * text_px))
    height = sum(h for _, h in sizes) + sep * (len(sizes) - 1) + 2 * pad
    canvas = Image.new("L", (width, height), 255)
    slots: list[_Slot] = []
    y = pad
    for k, ((crop, box, scale, blur), (w, h)) in enumerate(zip(items, sizes, strict=True)):
        canvas.paste(enlarge(crop, (w, h), blur), (pad, y))
        slots.append(_Slot(box, (k, 0), y, y + h, scale))
        y += h + sep
    out: list[list[Word]] = [[] for _ in items]
    for wd in ocr.words(canvas, psm=6, scale=1.0):
        cy = (wd.bbox[1] + wd.bbox[3]) / 2
        for s in slots:
            if s.y0 - sep / 2 <= cy < s.y1 + sep / 2:
                bx1 = s.box[0] + (wd.bbox[0] - pad) / s.scale
                bx2 = s.box[0] + (wd.bbox[2] - pad) / s.scale
                by1 = s.box[1] + (wd.bbox[1] - s.y0) / s.scale
                by2 = s.box[1] + (wd.bbox[3] - s.y0) / s.scale
                mapped = (
                    int(max(s.box[0], np.floor(bx1))),
                    int(max(s.box[1], np.floor(by1))),
                    int(min(s.box[2], np.ceil(bx2))),
                    int(min(s.box[3], np.ceil(by2))),
                )
                out[s.key[0]].append(Word(wd.text, mapped, wd.confidence, wd.line_id))
                break
    return out


def join_words(words: Sequence[Word]) -> str:
    """Reading order inside one cell: tesseract's text lines top to bottom, each left to right.

    Lines come from tesseract's own segmentation (``line_id``); grouping by box
    overlap instead lets one tall word box pull the next line's words into its own.
    Lines join with a space, except after a word ending in a dash: text wraps after
    its hyphens and dashes ('Runner–' / 'up', 'Pre-' / 'production').
    """
    if not words:
        return ""
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line_id, []).append(w)
    ordered = sorted(
        lines.values(), key=lambda ln: float(np.median([(w.bbox[1] + w.bbox[3]) / 2 for w in ln]))
    )
    text = ""
    for ln in ordered:
        line = " ".join(w.text for w in sorted(ln, key=lambda w: w.bbox[0]))
        # a cell wrapped after a dash ('Runner–' / 'up') is one word: no space
        glue = "" if not text or (text[-1] in DASHES and text[-2:-1].isalnum()) else " "
        text += glue + line
    return text


_RULE_CHARS = set("|[]_{}!")


def clean_words(words: Sequence[Word]) -> list[Word]:
    """Drop tokens that are only rule remnants (``|``, brackets) left after cleaning."""
    return [w for w in words if not all(ch in _RULE_CHARS for ch in w.text)]


def ink_box(ink: B, box: Box) -> Box | None:
    x1, y1, x2, y2 = box
    sub = ink[y1:y2, x1:x2]
    if not sub.any():
        return None
    ys = np.nonzero(sub.any(axis=1))[0]
    xs = np.nonzero(sub.any(axis=0))[0]
    return (x1 + int(xs[0]), y1 + int(ys[0]), x1 + int(xs[-1]) + 1, y1 + int(ys[-1]) + 1)


def pad_box(box: Box, p: int, w: int, h: int) -> Box:
    return (max(0, box[0] - p), max(0, box[1] - p), min(w, box[2] + p), min(h, box[3] + p))


def _clip_rule(r: Rule, k: int, o: int, oa: int, n: int, m: int) -> Rule | None:
    """``r`` (layout pixels) in the pixels of a crop ``k`` times finer whose origin is at
    ``o`` along the rule's position axis and ``oa`` along its span; None when outside."""
    a, b = max(0, r.pos * k - o), min(n, r.end * k - o)
    c, d = max(0, r.span[0] * k - oa), min(m, r.span[1] * k - oa)
    return Rule(a, b - a, (c, d)) if b > a and d > c else None


def original_region(ocr: ScaledOcr, st: Structure, box: Box) -> npt.NDArray[np.uint8]:
    """``box`` of the working copy cleaned from the original's pixels (dark text on white).

    The contrast is taken against the crop's own commonest grey (the original is not
    evened out like the working copy), and the rules are wiped at the original's size.
    """
    k = ocr.factor
    x1, y1, x2, y2 = (v * k for v in box)
    grey = grey_of(ocr.original.crop((x1, y1, x2, y2))).astype(np.int16)
    diff = np.abs(grey - commonest_grey(grey)).clip(0, 255)
    out: npt.NDArray[np.uint8] = _CLEAN_LUT[diff]
    h, w = out.shape
    hs = [c for r in st.h_rules if (c := _clip_rule(r, k, y1, x1, h, w)) is not None]
    vs = [c for r in st.v_drawn if (c := _clip_rule(r, k, x1, y1, w, h)) is not None]
    erase_rules(out, hs, vs, 255, halo=0)
    return out


WEAK_CONF = 60.0
"""A reading whose weakest word is under this confidence is weak: read again alone."""
DOUBT_CONF = 90.0
"""A reading whose weakest word is under this confidence is doubtful, made of known
words or not: read again other ways (:func:`second_readings`), when its text is small
or soft (:func:`hard_to_read`). Soft text misread gets 80-90 too ('Scatiand', 'Now
Zealand'), and a soft misreading can be a word ('Crop' for 'Group'); crisp text is not
read again, so crisp names cost nothing."""


def read_regions(
    ocr: OcrEngine,
    st: Structure,
    ink: B,
    regions: Sequence[tuple[Box, tuple[int, int]]],
    line_h: float,
) -> tuple[dict[tuple[int, int], list[Word]], int]:
    """Words of each region (cropped to its ink), keyed like ``regions``; and the re-read count.

    One stacked call for all; a weak or empty short region is re-read alone,
    enlarged, as one line or one block (at most 12 re-reads). On a reduced copy
    of a big image whose text is small there, the pixels come from the original
    (:class:`~refocus_dsl.detect._scale.ScaledOcr`): read at the working copy's
    size, 20 px text reduced 3 times is unreadable, and at the original's it is not.
    """
    h, w = st.grey.shape
    inked: list[tuple[Box, tuple[int, int]]] = []
    for box, key in regions:
        found = ink_box(ink, box)
        if found is not None:
            inked.append((pad_box(found, 3, w, h), key))
    if not inked:
        return {}, 0
    unit = 1
    if isinstance(ocr, ScaledOcr) and working_scale(line_h) > 1.0:
        unit = ocr.factor
    if unit > 1:
        assert isinstance(ocr, ScaledOcr)
        scaled = ocr
        pixels = {b: original_region(scaled, st, b) for b, _ in inked}
    else:
        clean = clean_text_image(st.grey, st.row_bg, st.h_rules, st.v_drawn, line_h)
        pixels = {b: clean[b[1] : b[3], b[0] : b[2]] for b, _ in inked}
    soft = edge_softness(st)
    lang = str(getattr(ocr, "lang", DEFAULT_LANG))
    read = stack_ocr(ocr, [(pixels[b], b, key) for b, key in inked], line_h, unit, soft)
    rereads = 0
    for box, key in inked:
        ws = clean_words(read.get(key, []))
        weak = not ws or min(x.confidence for x in ws) < WEAK_CONF
        small = box[3] - box[1] <= 3 * line_h and box[2] - box[0] <= 40 * line_h
        if weak and small and rereads < 12:
            rereads += 1
            bh = box[3] - box[1]
            psm = 7 if bh < 1.7 * line_h else 6
            # alone: a little larger
            scale = max(1.5, working_scale(0.75 * line_h, max_scale=MAX_SCALE * unit))
            again = clean_words(_read_alone(ocr, pixels[box], box, psm, scale, soft))
            if again and (not ws or _preferred(again, ws, lang)):
                ws = again
        read[key] = ws
    if hard_to_read(line_h * unit, soft, st.levels.noise):
        second_readings(ocr, read, [(pixels[b], b, key) for b, key in inked], line_h, unit, soft)
    for box, key in inked:
        if any(ch in DASHES for w in read.get(key, []) for ch in w.text):
            read[key] = dashes_by_width(read[key], pixels[box], box, unit)
    return read, rereads


def _mean_conf(words: Sequence[Word]) -> float:
    return float(np.mean([w.confidence for w in words])) if words else 0.0


def _preferred(new: Sequence[Word], old: Sequence[Word], lang: str) -> bool:
    """Whether ``new`` is the better reading of a region than a weak ``old``: the one made
    of known words (:mod:`refocus_dsl.lexicon`), else the more confident one."""
    known_new, known_old = supported(join_words(new), lang), supported(join_words(old), lang)
    if known_new != known_old:
        return known_new
    return _mean_conf(new) > _mean_conf(old)


def doubtful(words: Sequence[Word]) -> bool:
    """No reading, or one whose weakest word is under :data:`DOUBT_CONF`."""
    return not words or min(w.confidence for w in words) < DOUBT_CONF


def stretch_contrast(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """A cleaned region (dark text on white) stretched so its darkest ink (2nd percentile)
    is black: faded grey text then thresholds like dark text, whatever the other regions
    of a stacked read hold."""
    if pixels.size == 0:
        return pixels
    dark = float(np.percentile(pixels, 2))
    if dark > 215:  # no ink worth stretching: noise would be blown up
        return pixels
    out = (pixels.astype(np.float64) - dark) * (255.0 / (255.0 - dark))
    return np.asarray(np.rint(out).clip(0, 255), dtype=np.uint8)


def hard_to_read(text_px: float, softness: float, grain: float = 0.0) -> bool:
    """Whether text ``text_px`` tall (in the pixels read) on a page of edge ``softness``
    and ``grain`` (the page's noise, grey levels) is small, soft or grainy enough for
    other readings to help: soft edges, grain, or lines so small that the stacked
    read's enlargement stops short of the working size.

    Why: on crisp text of a readable size a weak word is a name or a code the list
    lacks, and reading the same sharp pixels other ways gave the same or no word on
    every development table (wtq: 1 change in 160 tables, for 66 more OCR calls).
    """
    small = text_px * STACK_MAX_SCALE < WORKING_TEXT_PX
    return small or softness >= SOFT_EDGE or grain >= GRAIN


@dataclass(frozen=True)
class Way:
    """One other way to read a region: its pixels' transform, its line height over the
    first reading's (larger: less enlarged) and its sharpening over :data:`SHARPEN`'s."""

    transform: Callable[[npt.NDArray[np.uint8]], npt.NDArray[np.uint8]]
    grow: float
    sharpen: float = 1.0


def _as_read(pixels: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    return pixels


OTHER_WAYS = (
    Way(stretch_contrast, 1.0),
    Way(_as_read, 1.5),
    Way(_as_read, 2.0, sharpen=2.0),
    Way(stretch_contrast, 1.5, sharpen=2.0),
)
"""The other readings of a doubtful region: contrast stretched; less enlarged; half
enlarged and sharpened twice as wide; both. On soft scans (bench_unseen's
table_scan_soft) each is right where the others are not (each adds 1-2 points of
headers and labels exact to the vote), and soft text less enlarged and more sharpened
is read right about as often as at the working size."""


def second_readings(
    ocr: OcrEngine,
    read: dict[tuple[int, int], list[Word]],
    parts: Sequence[Part],
    line_h: float,
    unit: int,
    softness: float,
) -> None:
    """Read the doubtful regions (:func:`doubtful`) again, every way of :data:`OTHER_WAYS`
    (one stacked call a way), and keep the reading the most confidence is for among
    those made of known words (:func:`vote`), in place.

    Why: a soft, small scan's words come out as non-words ('Hospitats') or other words
    ('Crop') under one setting and as the word under another; which setting is the
    right one differs from region to region, and the word list tells which readings to
    believe, their agreement and confidence which of them. Only doubtful regions are
    re-read (and :func:`read_regions` calls this only for small, soft or grainy text,
    :func:`hard_to_read`), so a crisp table costs nothing more; without a word list
    nothing is re-read. The list is loaded only when a region is doubtful: a crisp
    table does not pay its load (about 0.3 s a process). One call a way: in one stack
    of every way's sizes tesseract read 3-5 points fewer of them right.
    """
    lang = str(getattr(ocr, "lang", DEFAULT_LANG))
    todo = [p for p in parts if p[0].size and doubtful(read.get(p[2], []))]
    if not todo or word_list(lang) is None:
        return
    readings: list[list[list[Word]]] = [[read.get(key, [])] for _, _, key in todo]
    for way in OTHER_WAYS:
        scale = working_scale(way.grow * line_h, max_scale=STACK_MAX_SCALE * unit)
        if sum((b[2] - b[0]) * (b[3] - b[1]) for _, b, _ in todo) * scale**2 > _MAX_STACK_PIXELS:
            continue  # big text areas: not read again this way
        items = [(way.transform(c), b, scale, way.sharpen * softness * scale) for c, b, _ in todo]
        for mine, words in zip(readings, _stack_read(ocr, items, line_h * scale), strict=True):
            mine.append(clean_words(words))
    for (_, _, key), mine in zip(todo, readings, strict=True):
        read[key] = vote(mine, lang)


def vote(readings: Sequence[Sequence[Word]], lang: str) -> list[Word]:
    """The reading of a region to keep of several of the same pixels: among those made of
    known words (else among all), the text whose readings' mean confidences add up to
    the most; the first such reading of it.

    Why: one reading made of known words can still be a wrong word ('Crop' for
    'Group'); two readings agreeing, or one read more confidently, is the better
    evidence (soft scans: 2 to 4 points more headers and labels exact than keeping
    the first reading made of known words)."""
    said = [list(r) for r in readings if r]
    if not said:
        return []
    texts = [join_words(r) for r in said]
    known = [supported(t, lang) for t in texts]
    pool = [k for k in range(len(said)) if known[k]] or list(range(len(said)))
    weight: dict[str, float] = {}
    for k in pool:
        weight[texts[k]] = weight.get(texts[k], 0.0) + _mean_conf(said[k])
    best = max(weight, key=lambda t: weight[t])
    return said[next(k for k in pool if texts[k] == best)]


def _read_alone(
    ocr: OcrEngine,
    pixels: npt.NDArray[np.uint8],
    box: Box,
    psm: int,
    scale: float,
    softness: float,
) -> list[Word]:
    """Words of one region's pixels read at ``scale`` OCR pixels a layout pixel
    (:func:`enlarge`), in layout pixels."""
    x1, y1, x2, y2 = box
    size = (max(1, round((x2 - x1) * scale)), max(1, round((y2 - y1) * scale)))
    found = ocr.words(enlarge(pixels, size, softness * scale), psm=psm, scale=1.0)
    return [
        Word(
            wd.text,
            (
                x1 + int(np.floor(wd.bbox[0] / scale)),
                y1 + int(np.floor(wd.bbox[1] / scale)),
                min(x2, x1 + int(np.ceil(wd.bbox[2] / scale))),
                min(y2, y1 + int(np.ceil(wd.bbox[3] / scale))),
            ),
            wd.confidence,
            wd.line_id,
        )
        for wd in found
    ]
