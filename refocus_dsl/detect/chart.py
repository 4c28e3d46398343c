"""Bar-chart layouts from pixels: orientation, plot area, categories with bars and labels.

Pipeline (each step in its own helper module):

1. :mod:`._bars` finds solid rectangles by colour and keeps those standing on a
   shared baseline (or stacked on such a bar); the orientation whose baseline
   carries the most, most regular bars wins.
2. Bars are grouped into categories (stacks; side-by-side series bars).
3. :mod:`._strip` finds the tick-label strip beyond the baseline (below the frame
   when negative bars end short of it), leaves an axis title out of it, detects its
   rotation (reading a quarter turn both ways, and level too when no turn reads
   well) and OCRs only that strip; :mod:`._labels` turns the words into label
   phrases.
4. Labels and bar groups are matched one-to-one along the category axis; a
   label with no bar (a zero or missing value) is still a category, with
   ``bar_bbox`` null; a bar with no readable label is kept with an empty label
   and a note.
5. Regions are the bands between midpoints, across the plot area, extended
   to cover the tick labels.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from refocus_dsl.detect._bars import (
    Bars,
    Group,
    Rect,
    bars_for,
    edge_strip,
    excluded_colours,
    find_rects,
    legend_swatches,
)
from refocus_dsl.detect._bars import group_bars as _group_bars
from refocus_dsl.detect._evidence import chart_confidence as chart_confidence
from refocus_dsl.detect._evidence import label_alignment as label_alignment
from refocus_dsl.detect._evidence import labels_short_of_ink, numbers_out_of_step
from refocus_dsl.detect._fills import clustered_ink, denoised, refine_edges
from refocus_dsl.detect._labels import (
    LABEL_TEXT_PX,
    SMALLEST_LINE_PX,
    SOFT_EDGES,
    Phrase,
    edge_steepness,
    norm_strip,
    ocr_box,
    text_line_height,
)
from refocus_dsl.detect._raster import Palette, border_colour, gray, palette, to_rgb_array
from refocus_dsl.detect._series import assign_series
from refocus_dsl.detect._strip import Strip, read_labels
from refocus_dsl.detect.prepared import Prepared
from refocus_dsl.layout import Box, Category, Chart, Layout
from refocus_dsl.lexicon import supported, word_list
from refocus_dsl.ocr import DEFAULT_LANG, WORKING_TEXT_PX, OcrEngine

VERSION = "12"


def find_bars(rgb: npt.NDArray[Any]) -> tuple[Bars, list[Rect]]:
    """The best bars and the solid rectangles they were chosen from (the classifier's
    evidence of a bar chart)."""
    bars, rects, _ = _palette_bars(prepare(rgb))
    return bars, rects


def prepare(rgb: npt.NDArray[Any]) -> Prepared:
    """What :func:`detect_chart` reads its fills from: the kind classifier computes it
    once and hands it over (see :mod:`refocus_dsl.detect.prepared`)."""
    work = denoised(rgb)
    h, w = work.rgb.shape[:2]
    pal = palette(work.rgb, max(30, h * w // 20000), work.tolerance)
    return Prepared((int(rgb.shape[1]), int(rgb.shape[0])), work.rgb, pal, work.grain)


DENSE_GAPS = 0.05
"""Share of a bar's box showing the page from which it may be several thin bars of a
dense chart healed into one (a bar's own box holds next to none)."""


def _best_bars(
    rv: list[Rect], rh: list[Rect], pal: Palette, size: tuple[int, int]
) -> tuple[Bars, list[Rect]]:
    """The better of the vertical bars among ``rv`` and the horizontal among ``rh``."""
    bv = bars_for(rv, "vertical", pal.counts, size)
    bh = bars_for(rh, "horizontal", pal.counts, size)
    return (bv, rv) if bv.score >= bh.score else (bh, rh)


def _palette_bars(prep: Prepared) -> tuple[Bars, list[Rect], Palette]:
    """The bars, every solid rectangle, and the palette (the series need its colours)."""
    rgb, pal = prep.flat, prep.palette
    h, w = rgb.shape[:2]
    page = border_colour(rgb)
    # Edges a grainy or blurred image leaves wander by a pixel or two either way.
    jitter = 2 if prep.grain > 0 else 0
    excluded = excluded_colours(pal, rgb, page)
    rects = find_rects(pal.labels, excluded, jitter=jitter)
    bars, rects = _best_bars(rects, rects, pal, (w, h))
    # What shows between bars: the page (the fullest page-like colour), else the fullest.
    back = max(excluded or range(len(pal.counts)), key=lambda c: pal.counts[c], default=-1)
    if len(bars.bars) < 2 or any(
        np.mean(pal.labels[r.y1 : r.y2, r.x1 : r.x2] == back) >= DENSE_GAPS for r in bars.bars
    ):
        # Thin gaps healed over may have joined a dense chart's bars (into a few bars
        # with the background inside, or into shapes no bar is): each orientation again
        # from rectangles healed only across its own bars.
        rv = find_rects(pal.labels, excluded, jitter=jitter, along="vertical", background=back)
        rh = find_rects(pal.labels, excluded, jitter=jitter, along="horizontal", background=back)
        dense = _best_bars(rv, rh, pal, (w, h))
        if dense[0].score > bars.score:
            bars, rects = dense
    swatches = legend_swatches(bars.bars, rects, (w, h))
    if swatches and len(swatches) < len(bars.bars):
        bars = dataclasses.replace(bars, bars=tuple(r for r in bars.bars if r not in swatches))
    if prep.grain > 0:  # grainy or blurred: edges from the fills' colour steps
        refined = refine_edges(prep.flat, bars.bars)
        # A bar's blurred end (dark by an axis line, a shade near another series) was
        # a sliver of its own a few pixels off the bar; with the bar's end put back
        # it touches it, and is that edge.
        o = bars.orientation
        refined = tuple(r for r in refined if not edge_strip(r, refined, o))
        bars = dataclasses.replace(bars, bars=refined)
    return bars, rects, pal


def _drop_axis_title(
    phrases: list[Phrase], mids: tuple[float, ...], span: float
) -> list[Phrase]:
    """Vertical bars, level labels: the axis title ("Year") under the tick labels is no
    second line of the label above it. It is the lowest phrase, alone on its line,
    centred on the bars' span or the plot frame (``mids``), a clear gap below a line of
    several single-line labels."""
    if len(phrases) < 4:
        return phrases
    low = max(phrases, key=lambda p: p.bbox[1])
    rest = [p for p in phrases if p is not low]
    if any(p.bbox[3] > low.bbox[1] for p in rest):
        return phrases  # not alone on its line
    top = min(p.bbox[1] for p in rest)
    line_h = float(np.median([p.bbox[3] - p.bbox[1] for p in rest]))
    if any(p.bbox[1] > top + 0.5 * line_h for p in rest):
        return phrases  # labels of two or more lines: a title cannot be told apart
    gap = low.bbox[1] - max(p.bbox[3] for p in rest)
    near = min(abs(low.centre - m) for m in mids) <= 0.05 * span
    if near and gap >= 0.3 * line_h:
        return rest
    return phrases


def _categories(
    strip: Strip | None, groups: list[Group], spacing: float, vertical: bool,
    mids: tuple[float, ...],
) -> tuple[list[_Cat], list[str]]:
    """A strip's phrases (axis title left out, wrapped lines joined) matched to the bars."""
    phrases = list(strip.phrases) if strip is not None else []
    if vertical and strip is not None and strip.angle == 0:
        phrases = _drop_axis_title(phrases, mids, groups[-1].hi - groups[0].lo)
    phrases = _merge_wrapped(phrases, vertical)
    return _match(groups, phrases, spacing, vertical, strip.angle if strip else 0)


def _merge_wrapped(phrases: list[Phrase], vertical: bool) -> list[Phrase]:
    """Vertical bars, level labels: lines stacked under one another are one wrapped label."""
    if not vertical:
        return phrases
    out: list[Phrase] = []
    for p in sorted(phrases, key=lambda p: (p.bbox[1], p.bbox[0])):
        ph = p.bbox[3] - p.bbox[1]
        for i, q in enumerate(out):
            qw = q.bbox[2] - q.bbox[0]
            pw = p.bbox[2] - p.bbox[0]
            gap = p.bbox[1] - q.bbox[3]
            if -2 <= gap <= 1.2 * ph and abs(p.centre - q.centre) <= 0.35 * max(qw, pw, 1):
                box = (
                    min(p.bbox[0], q.bbox[0]),
                    q.bbox[1],
                    max(p.bbox[2], q.bbox[2]),
                    p.bbox[3],
                )
                out[i] = Phrase(
                    q.text + " " + p.text,
                    box,
                    min(p.confidence, q.confidence),
                    (box[0] + box[2]) / 2.0,
                    (box[0] + box[2]) / 2.0,
                    q.lines + 1,
                )
                break
        else:
            out.append(p)
    return out


def _fringe(box: Box, w: int, h: int) -> Box:
    """A bar only 1-3 px thick or long, grown by its anti-aliased edge pixel on either side
    of that short side: the colour palette drops those blended pixels, which are a
    negligible part of a large bar but most of a tiny one."""
    x1, y1, x2, y2 = box
    if x2 - x1 <= 3:
        x1, x2 = max(0, x1 - 1), min(w, x2 + 1)
    if y2 - y1 <= 3:
        y1, y2 = max(0, y1 - 1), min(h, y2 + 1)
    return (x1, y1, x2, y2)


def _union(boxes: list[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass
class _Cat:
    pos: float
    label: Phrase | None
    group: Group | None
    anchor: float | None = None  # where the label says its tick is (labels matched to a bar)


def _labelled(cats: list[_Cat]) -> int:
    return sum(1 for c in cats if c.label is not None and c.group is not None)


def _labels_above(
    g: npt.NDArray[Any], bars: Bars, groups: list[Group], spacing: float, ocr: OcrEngine
) -> list[Phrase]:
    """Horizontal bars with each name printed over its bar, where the bars start (Pew's
    and mobile layouts: no label strip beside the axis). The text in the gap above each
    bar, read with the bars painted out (what is printed in them is values), placed at
    that bar's centre so matching pairs it with that bar."""
    h, w = g.shape
    gap = spacing - float(np.median([gp.hi - gp.lo for gp in groups]))
    start = min(r.x1 for r in bars.bars)
    y1, y2 = max(0, int(groups[0].lo - gap)), min(h, int(groups[-1].lo) + 2)
    x1 = max(0, int(start - 0.5 * gap))
    if gap < 6 or y2 - y1 < 6 or w - x1 < 10:
        return []
    clean = g.copy()
    for r in bars.bars:
        clean[r.y1 : r.y2, r.x1 : r.x2] = 255
    out = []
    for p in ocr_box(clean, (x1, y1, w, y2), 0, ocr, False):
        for k, gp in enumerate(groups):
            top = groups[k - 1].hi if k else gp.lo - gap
            if top - 1 <= p.bbox[1] and p.bbox[3] <= gp.lo + 2 and p.bbox[0] <= start + gap:
                out.append(Phrase(p.text, p.bbox, p.confidence, gp.centre, gp.centre))
                break
    return out


def _names_over_bars(
    g: npt.NDArray[Any], bars: Bars, groups: list[Group], spacing: float, ocr: OcrEngine,
    cats: list[_Cat], notes: list[str],
) -> tuple[list[_Cat], list[str], bool]:
    """The categories named by :func:`_labels_above` when they name more bars than the
    strip's reading did (and whether they did)."""
    above = _labels_above(g, bars, groups, spacing, ocr)
    found, found_notes = _match(groups, above, spacing, False, 0)
    if not above or _labelled(found) <= _labelled(cats):
        return cats, notes, False
    # A name in the gap over its bar, where the bars start, names that bar.
    found = [dataclasses.replace(c, anchor=c.group.centre) if c.group else c for c in found]
    return found, [*found_notes, "category names read over their bars"], True


def _confidence(
    cats: list[_Cat], spacing: float, prepared: Prepared, pal: Palette, notes: list[str],
    doubtful: bool, lang: str,
    g: npt.NDArray[Any] | None = None, strip: Strip | None = None,
) -> tuple[float, dict[str, float]]:
    """:func:`chart_confidence` of a reading, and the evidence it weighed (notes added
    where the evidence disagrees). ``doubtful``: the labels are blurred, small or grainy
    (:func:`_doubtful_text`), so a label that is no known word is likely misread."""
    paired = [(c.anchor, c.group.lo, c.group.hi) for c in cats
              if c.label is not None and c.group is not None and c.anchor is not None]
    conf_ocr = float(np.mean([c.label.confidence for c in cats if c.label is not None] or [0.0]))
    centres = [c.group.centre for c in cats if c.group is not None]
    alignment = label_alignment(paired, spacing, centres)
    if alignment < 0.7:
        notes.append(f"tick labels sit poorly under their bars (alignment {alignment:.2f})")
    clustered = clustered_ink(prepared.flat, pal.labels)
    if clustered < 0.95:
        notes.append(f"colours do not cluster into flat fills ({1 - clustered:.0%} of the ink)")
    # A number out of step with the labels' run is misread: it names its bar no better
    # than no label.
    out = numbers_out_of_step([c.label.text if c.label is not None else "" for c in cats])
    if out:
        notes.append(f"{out} tick label(s) out of step with the numbers the others form")
    texts = [c.label.text for c in cats if c.label is not None]
    non_words = 0.0
    if doubtful and texts and word_list(lang) is not None:
        non_words = sum(not supported(t, lang) for t in texts) / len(texts)
        if non_words:
            notes.append(f"{non_words:.0%} of the blurred, small or grainy tick labels "
                         "are no known word (misread?)")
    short = _short_of_ink(g, strip, cats)
    if short:
        notes.append(f"{short} tick label(s) stop short of ink beside them (text left unread?)")
    confidence = chart_confidence(
        max(0, len(paired) - out - short) / max(1, len(cats)), conf_ocr, alignment, clustered,
        non_words,
    )
    evidence = {"label_alignment": round(alignment, 3), "clustered_ink": round(clustered, 3),
                "numbers_out_of_step": float(out), "non_words": round(non_words, 3),
                "labels_short_of_ink": float(short)}
    return confidence, evidence


def _short_of_ink(g: npt.NDArray[Any] | None, strip: Strip | None, cats: list[_Cat]) -> int:
    """:func:`labels_short_of_ink` of the labels read from the strip (every reading's
    boxes count as read); lines spanning the strip (axes, gridlines) are not text."""
    labels = [c.label.bbox for c in cats if c.label is not None]
    if g is None or strip is None or not labels:
        return 0
    _, mask = norm_strip(g, strip.box)
    mask = mask.astype(bool)
    if mask.shape[0] >= 30:
        mask[:, mask.mean(axis=0) > 0.85] = False
    if mask.shape[1] >= 30:
        mask[mask.mean(axis=1) > 0.85, :] = False
    read = [p.bbox for p in strip.phrases] + labels
    line_h = text_line_height(mask, strip.angle)
    return labels_short_of_ink(mask, (strip.box[0], strip.box[1]), read, labels, line_h,
                               strip.angle == 0)


def _match(
    groups: list[Group], phrases: list[Phrase], spacing: float, vertical: bool, angle: int
) -> tuple[list[_Cat], list[str]]:
    """One category per tick label, bars matched one-to-one by position along the axis.

    A label turned part of the way (30-60 degrees) hangs from its tick by its upper
    end, so that end says which bar it names; its centre lies up to a few bars away.
    Labels centred on their ticks (as some plotting defaults draw them) show it plainly
    when every centre is on a bar group and the ends are off them. When the centres sit
    on the groups and the ends do too, the ends of centred labels long enough may each
    lie on the next group: each label would name the bar after its own, the first bar
    none and the last label none. Both are matched, and the one naming more bars wins.
    """
    if not (vertical and 0 < abs(angle) < 90 and phrases):
        return _match_by(groups, phrases, spacing, vertical, False)
    centres = [g.centre for g in groups]
    d_c = float(np.mean([min(abs(p.centre - c) for c in centres) for p in phrases]))
    d_e = float(np.mean([min(abs(p.end - c) for c in centres) for p in phrases]))
    if d_c <= 0.1 * spacing and d_e >= 0.25 * spacing:
        return _match_by(groups, phrases, spacing, vertical, False)
    by_end = _match_by(groups, phrases, spacing, vertical, True)
    if d_c <= 0.1 * spacing:
        by_centre = _match_by(groups, phrases, spacing, vertical, False)
        if _labelled(by_centre[0]) > _labelled(by_end[0]):
            return by_centre
    return by_end


def _match_by(
    groups: list[Group], phrases: list[Phrase], spacing: float, vertical: bool, use_end: bool
) -> tuple[list[_Cat], list[str]]:
    """:func:`_match` with each label placed at its end (``use_end``) or its centre."""
    notes: list[str] = []
    centres = [g.centre for g in groups]

    def anchor(p: Phrase, use_end: bool) -> float:
        return p.end if use_end else p.centre

    reach = 0.5 * spacing
    # Which group each phrase is nearest to.
    claims: dict[int, list[Phrase]] = {}
    loose: list[Phrase] = []
    for p in phrases:
        a = anchor(p, use_end)
        k = int(np.argmin([abs(a - c) for c in centres]))
        if abs(a - centres[k]) <= reach:
            claims.setdefault(k, []).append(p)
        else:
            loose.append(p)
    cats: list[_Cat] = []
    for k, grp in enumerate(groups):
        ps = claims.get(k, [])
        if not ps:
            cats.append(_Cat(grp.centre, None, grp))
            continue
        if vertical:
            # Keep the closest phrase as the label; others (value text) are loose.
            ps.sort(key=lambda p: abs(anchor(p, use_end) - grp.centre))
            best = ps[0]
            cats.append(_Cat(grp.centre, best, grp, anchor(best, use_end)))
        else:
            # Horizontal bars: lines of a wrapped label stack beside one bar.
            ps.sort(key=lambda p: p.bbox[1])
            box = _union([p.bbox for p in ps])
            text = " ".join(p.text for p in ps)
            conf = float(min(p.confidence for p in ps))
            c = (box[1] + box[3]) / 2.0
            cats.append(_Cat(grp.centre, Phrase(text, box, conf, c, c, len(ps)), grp, c))
    # Labels with no bar: a zero or missing value still has a tick label.
    lo = groups[0].lo - 0.75 * spacing
    hi = groups[-1].hi + 0.75 * spacing
    extra: list[Phrase] = []
    for p in loose:
        a = anchor(p, use_end)
        if not (lo <= a <= hi) or p.confidence < 40 or not any(ch.isalnum() for ch in p.text):
            continue
        if len(groups) >= 2:
            off = (a - centres[0]) / spacing
            if abs(off - round(off)) > 0.3:
                continue
        if any(abs(a - c.pos) < 0.5 * spacing for c in cats):
            continue
        extra.append(p)
    if not vertical:  # consecutive loose lines close together are one wrapped label
        extra.sort(key=lambda p: p.bbox[1])
        merged: list[Phrase] = []
        for p in extra:
            if merged and p.bbox[1] - merged[-1].bbox[3] <= 0.5 * (p.bbox[3] - p.bbox[1]):
                q = merged[-1]
                box = _union([q.bbox, p.bbox])
                c = (box[1] + box[3]) / 2.0
                merged[-1] = Phrase(q.text + " " + p.text, box, min(q.confidence, p.confidence),
                                    c, c, q.lines + 1)
            else:
                merged.append(p)
        extra = merged
    for p in extra:
        cats.append(_Cat(anchor(p, use_end), p, None))
    if extra:
        notes.append(f"{len(extra)} tick label(s) with no bar found (zero or missing values?)")
    notes += _unnamed_note(cats)
    cats.sort(key=lambda c: c.pos)
    return cats, notes


def _again(
    g: npt.NDArray[Any], strip: Strip, groups: list[Group], spacing: float, vertical: bool,
    mids: tuple[float, ...], ocr: OcrEngine, sharpen: bool | None = None,
    text_px: float = LABEL_TEXT_PX,
) -> dict[int, _Cat]:
    """The strip read again another way: each bar's category in that reading (by the
    bar group's id), bars it leaves unnamed out."""
    cuts = tuple((a.centre + b.centre) / 2.0 for a, b in zip(groups, groups[1:], strict=False))
    level_cuts = cuts if vertical and strip.angle == 0 else ()
    again = Strip(strip.box, strip.angle, tuple(
        ocr_box(g, strip.box, strip.angle, ocr, vertical, level_cuts, sharpen, text_px)
    ))
    return {id(c.group): c for c in _categories(again, groups, spacing, vertical, mids)[0]
            if c.group is not None and c.label is not None}


def _sharpened(
    g: npt.NDArray[Any], strip: Strip, groups: list[Group], spacing: float, vertical: bool,
    mids: tuple[float, ...], ocr: OcrEngine, cats: list[_Cat], notes: list[str],
    soft: bool = False,
) -> tuple[list[_Cat], list[str]]:
    """A level strip leaving bars unnamed read again sharpened (blurred labels that OCR
    drops as noise). When that names more bars, each bar keeps the better of its two
    readings (sharpening also turns some well-read blurred words into others).
    ``soft``: the strip is blurred and was read sharpened; it is read again plain and
    each bar keeps the better reading whatever the count ('Northern' read 'Northem'
    sharpened, 'Scotland' read 'Scotiand' plain)."""
    named = _again(g, strip, groups, spacing, vertical, mids, ocr, sharpen=not soft)
    lang = str(getattr(ocr, "lang", DEFAULT_LANG))
    filled = [_better(c, named.get(id(c.group)), lang) for c in cats]
    if not soft and _labelled(filled) <= _labelled(cats):
        return cats, notes
    return filled, [n for n in notes if not n.endswith(_UNNAMED)] + _unnamed_note(filled)


def _known_words(
    g: npt.NDArray[Any], strip: Strip, groups: list[Group], spacing: float, vertical: bool,
    mids: tuple[float, ...], ocr: OcrEngine, cats: list[_Cat], doubtful: bool,
) -> list[_Cat]:
    """Labels that are not known words (``refocus_dsl.lexicon``: 'Engiand', 'haly',
    'Piug-in') read again at the working size, when the text is doubtful
    (:func:`_doubtful_text`); a bar takes the new reading only when it is made of known
    words. Why: small, shrunk or JPEG'd labels come out as non-words under one
    enlargement and as the word under another, and tesseract is as sure of either; on
    crisp labels of a fair size a non-word is a name the list lacks ('Lenovo'), and
    reading it again costs a call for nothing."""
    if not doubtful:
        return cats
    lang = str(getattr(ocr, "lang", DEFAULT_LANG))
    if word_list(lang) is None:
        return cats
    doubt = {id(c) for c in cats if c.label is not None and c.group is not None
             and not supported(c.label.text, lang)}
    if not doubt:
        return cats
    named = _again(g, strip, groups, spacing, vertical, mids, ocr, text_px=WORKING_TEXT_PX)
    out = []
    for c in cats:
        new = named.get(id(c.group))
        if id(c) in doubt and new is not None and new.label is not None:
            out.append(new if _known_reading(new.label.text, c, lang) else c)
        else:
            out.append(c)
    return out


def _known_reading(text: str, first: _Cat, lang: str) -> bool:
    """Whether ``text``, another reading of ``first``'s label, is made of known words and
    holds no digit the first lacked: JPEG and blur turn letters into digits ('Made a
    loss' read 'Made 4 loss'), and a number counts as known."""
    before = first.label.text if first.label is not None else ""
    digits = sum(ch.isdigit() for ch in text) <= sum(ch.isdigit() for ch in before)
    return digits and supported(text, lang)


def _better(first: _Cat, second: _Cat | None, lang: str) -> _Cat:
    """Of two readings of one bar's label, the one made of known words, else the one OCR
    is surer of (a label beats none)."""
    if second is None or second.label is None:
        return first
    if first.label is None:
        return second
    known = supported(first.label.text, lang), supported(second.label.text, lang)
    if known[0] != known[1]:
        return second if known[1] else first
    return second if second.label.confidence > first.label.confidence else first


def _doubtful_text(g: npt.NDArray[Any], strip: Strip, grain: float) -> tuple[bool, bool]:
    """Whether a strip's labels are doubtful (small: lines under ``SMALLEST_LINE_PX``;
    blurred; or the image grainy, ``grain``), and whether they are blurred."""
    image, mask = norm_strip(g, strip.box)
    soft = edge_steepness(image, mask) < SOFT_EDGES
    small = text_line_height(mask, strip.angle) < SMALLEST_LINE_PX
    return soft or small or grain > 0, soft


def _read_again(
    g: npt.NDArray[Any], strip: Strip, groups: list[Group], spacing: float, vertical: bool,
    mids: tuple[float, ...], ocr: OcrEngine, cats: list[_Cat], notes: list[str],
    grain: float,
) -> tuple[list[_Cat], list[str], bool]:
    """The doubtful readings of a strip read again: a blurred strip plain as well as
    sharpened, a level one leaving bars unnamed sharpened, non-words at the working size
    when the text is doubtful (returned: :func:`_doubtful_text`)."""
    doubtful, soft = _doubtful_text(g, strip, grain)
    if soft or (strip.angle == 0 and _labelled(cats) < len(groups)):
        cats, notes = _sharpened(
            g, strip, groups, spacing, vertical, mids, ocr, cats, notes, soft
        )
    cats = _known_words(g, strip, groups, spacing, vertical, mids, ocr, cats, doubtful)
    return cats, notes, doubtful


_UNNAMED = "bar group(s) without a readable tick label (label left empty)"


def _unnamed_note(cats: list[_Cat]) -> list[str]:
    unlabeled = sum(1 for c in cats if c.label is None)
    return [f"{unlabeled} {_UNNAMED}"] if unlabeled else []


def detect_chart(
    image: Image.Image, ocr: OcrEngine, prepared: Prepared | None = None
) -> Layout:
    """Detect a bar chart's layout (module docstring); ``prepared``: its fills, if read."""
    rgb = to_rgb_array(image)
    h, w = rgb.shape[:2]
    if prepared is None or not prepared.fits((w, h)):
        prepared = prepare(rgb)
    flat = prepared.flat
    bars, rects, pal = _palette_bars(prepared)
    groups = _group_bars(bars)
    if not groups:
        return Layout(
            width=w, height=h, kind="chart", chart=Chart(type="bar"),
            notes=("no bars found: not a bar chart, or bars too thin or too faint",),
            confidence=0.0,
        )
    vertical = bars.orientation == "vertical"
    centres = [gp.centre for gp in groups]
    thick = float(np.median([gp.hi - gp.lo for gp in groups]))
    spacing = float(np.median(np.diff(centres))) if len(groups) >= 2 else 2.0 * thick
    g = gray(rgb)
    span_lo, span_hi = groups[0].lo, groups[-1].hi
    lines = [
        r for r in rects
        if (vertical and r.h <= 3 and r.x1 <= span_hi and r.x2 >= span_lo
            and r.w >= 0.6 * (span_hi - span_lo))
        or (not vertical and r.w <= 3 and r.y1 <= span_hi and r.y2 >= span_lo
            and r.h >= 0.6 * (span_hi - span_lo))
    ]
    # An axis title is centred on the plot frame, which the rules across the bars
    # show, or failing those on the bars.
    mids: tuple[float, ...] = ((span_lo + span_hi) / 2.0,)
    if vertical and lines:
        mids += ((min(r.x1 for r in lines) + max(r.x2 for r in lines)) / 2.0,)
    strip = read_labels(g, bars, groups, spacing, ocr, lines, mids)
    cats, notes = _categories(strip, groups, spacing, vertical, mids)
    doubtful = False
    if strip is not None:
        cats, notes, doubtful = _read_again(
            g, strip, groups, spacing, vertical, mids, ocr, cats, notes, prepared.grain
        )
    over = not vertical and _labelled(cats) < 0.5 * len(groups)
    if over:
        cats, notes, over = _names_over_bars(g, bars, groups, spacing, ocr, cats, notes)
    if over:
        strip = None
    elif strip is None:
        notes.append("no tick-label strip found beside the category axis")
    elif strip.angle:
        notes.append(f"tick labels rotated {strip.angle} degrees")
    # Plot area: bars, baseline, and long thin lines (axes, gridlines) across the bars.
    bar_box = _union([(r.x1, r.y1, r.x2, r.y2) for r in bars.bars])
    pos = [c.pos for c in cats]
    bounds = [pos[0] - (pos[1] - pos[0]) / 2.0 if len(pos) > 1 else pos[0] - spacing / 2.0]
    bounds += [(a + b) / 2.0 for a, b in zip(pos, pos[1:], strict=False)]
    bounds += [pos[-1] + (pos[-1] - pos[-2]) / 2.0 if len(pos) > 1 else pos[-1] + spacing / 2.0]
    if vertical:
        px1 = min([int(round(bounds[0]))] + [r.x1 for r in lines])
        px2 = max([int(round(bounds[-1]))] + [r.x2 for r in lines])
        py1 = min([bar_box[1]] + [r.y1 for r in lines])
        py2 = max(bar_box[3], bars.baseline + 1)
    else:
        py1 = min([int(round(bounds[0]))] + [r.y1 for r in lines])
        py2 = max([int(round(bounds[-1]))] + [r.y2 for r in lines])
        px1 = min(bar_box[0], bars.baseline)
        px2 = max([bar_box[2]] + [r.x2 for r in lines])
    plot: Box = (max(0, px1), max(0, py1), min(w, px2), min(h, py2))
    # The legend is found on the flattened pixels too (grain is no ink); its text is
    # read from them, which the median leaves legible at legend sizes.
    g_flat = g if flat is rgb else gray(flat)
    found = assign_series(flat, g_flat, pal, rects, bars, [c.group.bars if c.group else None
                                                       for c in cats], ocr)
    categories = []
    for i, c in enumerate(cats):
        b1 = int(round(max(bounds[i], 0)))
        b2 = int(round(min(bounds[i + 1], w if vertical else h)))
        lb = c.label.bbox if c.label is not None else None
        if vertical:
            region = (b1, plot[1], b2, max(plot[3], lb[3] if lb else plot[3]))
        else:
            region = (min(plot[0], lb[0] if lb else plot[0]), b1, plot[2], b2)
        bar_bbox = _fringe(c.group.box(), w, h) if c.group is not None else None
        each: tuple[Box | None, ...] = ()
        if found is not None:
            each = tuple(None if b is None else _fringe(b, w, h) for b in found.bars[i])
        elif c.group is not None:
            key = (lambda r: (r.x1, -r.y2)) if vertical else (lambda r: (r.y1, r.x1))
            each = tuple(
                _fringe((r.x1, r.y1, r.x2, r.y2), w, h) for r in sorted(c.group.bars, key=key)
            )
        categories.append(
            Category(
                index=i,
                label=c.label.text if c.label is not None else "",
                label_bbox=lb,
                bar_bbox=bar_bbox,
                region=region,
                bars=each,
            )
        )
    lang, read = str(getattr(ocr, "lang", DEFAULT_LANG)), (g, strip)
    confidence, evidence = _confidence(cats, spacing, prepared, pal, notes, doubtful, lang, *read)
    chart = Chart(
        type="bar",
        orientation=bars.orientation,
        plot_bbox=plot,
        title=None,
        categories=tuple(categories),
        series=found.series if found is not None else (),
    )
    return Layout(
        width=w, height=h, kind="chart", chart=chart, notes=tuple(notes),
        confidence=round(confidence, 3),
        detector={
            "bars": len(bars.bars),
            "label_angle": strip.angle if strip else None,
            "evidence": evidence,
        },
    )
