"""Tick labels: find the label strip beside the bars, undo its rotation, OCR only that.

Why: OCR is the dominant cost, and whole-image OCR reads value labels, legends
and footers that are not categories. The strip next to the category axis is
small; its ink tells whether the text is horizontal, at 45 degrees or at 90
degrees (the rotation whose row profile is sharpest), so the strip is turned
back before OCR and the word boxes are turned forward again afterwards.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from refocus_dsl.detect._raster import commonest_grey, runs
from refocus_dsl.layout import Box
from refocus_dsl.ocr import OcrEngine, Word

BoolArr = npt.NDArray[np.bool_]

ANGLES = (0, 45, 90, -45, -90, 30, 60, -30, -60)
"""Text rotations tried (counter-clockwise degrees, as plotting libraries name them)."""

TURNED_WORD = 2.5
"""Width-to-height ratio of pieces turned level beyond which they are words (a year
or a name is three times as long as tall); a lone glyph turned a quarter reads about
1.5."""

LEVEL_WORD = 2.0
"""Width-to-height ratio of a level line's typical piece from which it is made of words
(a footer's "Source:", a legend's names); glyphs standing apart read about 1."""

LABEL_TEXT_PX = 24.0
"""Line height label strips are first read at: a little under the working size
(``refocus_dsl.ocr.WORKING_TEXT_PX``), which reads the development charts' short
labels best; a doubtful reading is read again at the working size."""

WRAP_GAP = 0.6
"""Line heights under a turned label's line within which its wrapped next line starts."""

SMALLEST_LINE_PX = 8.0
"""Lines shorter than this are enlarged only as much as lines this tall: enlarging a
few pixels' mush further only blows up its blur."""

SOFT_EDGES = 0.45
"""Edge steepness (:func:`edge_steepness`) under which a strip's text is blurred and is
sharpened after enlarging: crisp labels step from paper to ink within a pixel (.7-1.0
at their own size, .55-.8 shrunk to half or JPEG'd at quality 30), a blur of 1 px
spreads the step over three or four (.25-.4)."""

_SLIVERS = "'\"\u2018\u2019\u201c\u201d|!"
"""What a neighbouring glyph's edge left in a crop reads as, at a word's ends."""

_JUNK = re.compile(r"^[\W_]+$")
DASHES = ("-", "\u2013", "\u2014")
"""A dash standing alone is part of a label between words, never at its ends."""


@dataclass(frozen=True)
class Phrase:
    """One label's text with its box in image pixels and where its tick may be."""

    text: str
    bbox: Box
    confidence: float
    centre: float  # cross-axis coordinate of the box centre
    end: float  # cross-axis coordinate of the end nearest the axis (rotated labels)
    lines: int = 1


INK_CONTRAST = 60
"""Grey levels from the background at which a crisp label's pixel is ink."""

FAINT_INK = 30
"""The least contrast that is ink when a strip's text is faint (JPEG ringing and noise
stay under it)."""


def ink(gray_strip: npt.NDArray[np.int16]) -> tuple[BoolArr, int]:
    """Ink mask of a strip (pixels far from its commonest grey) and that background grey.

    Ink is what stands out by :data:`INK_CONTRAST`, or by half the strip's strongest
    contrast when that is less (not below :data:`FAINT_INK`): blurred or shrunk grey
    labels peak at 80-100 grey levels, and a fixed cut kept only their stroke cores,
    fragments whose shape looked turned and whose rows hid the text line.
    """
    if gray_strip.size == 0:
        return np.zeros(gray_strip.shape, dtype=bool), 255
    bg = commonest_grey(gray_strip)
    dist = np.abs(gray_strip - bg)
    cut = min(INK_CONTRAST, max(FAINT_INK, int(dist.max()) // 2))
    return dist > cut, bg


def norm_strip(g: npt.NDArray[np.int16], box: Box) -> tuple[Image.Image, npt.NDArray[Any]]:
    """The strip as dark-on-light grey for OCR, and its ink mask."""
    x1, y1, x2, y2 = box
    sub = g[y1:y2, x1:x2]
    mask, bg = ink(sub)
    # Stretch so the background is white and the strongest ink black, whatever the
    # theme: tesseract reads dark text on white best, and the turned strip's fill is white.
    dist = np.abs(sub.astype(np.int32) - bg)
    top = int(dist.max()) if dist.size else 0
    arr = 255 - np.clip(dist * 255 // max(top, 1), 0, 255)
    return Image.fromarray(arr.astype(np.uint8), "L"), mask


def bands(profile: npt.NDArray[np.int64], min_ink: int = 1) -> list[tuple[int, int]]:
    """Runs of indices where ``profile >= min_ink``: (start, end) half-open."""
    return runs(profile >= min_ink)


def joined(spans: list[tuple[int, int]], gap: float) -> list[tuple[int, int]]:
    """``spans`` (in order) with those at most ``gap`` apart joined: a word's letters, a
    turned word's glyphs, a line's words."""
    out: list[list[int]] = []
    for a, b in spans:
        if out and a - out[-1][1] <= gap:
            out[-1][1] = b
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def text_block(
    profile: npt.NDArray[np.int64], max_gap: int | None = None
) -> tuple[int, int, int] | None:
    """The first block of ink along a profile: (start, end, first line height).

    Lines closer than ``max_gap`` (default: about one line height) belong to the block.
    """
    runs = bands(profile)
    if not runs:
        return None
    first_h = runs[0][1] - runs[0][0]
    gap_limit = max_gap if max_gap is not None else max(3, min(12, int(round(first_h * 0.6))))
    start, end = runs[0]
    for s, e in runs[1:]:
        if s - end > gap_limit:
            break
        end = e
    return start, end, first_h


def line_height(mask: BoolArr, angle: int) -> float:
    """Typical height of the text lines after turning the ink by ``-angle``.

    Level text gives thin lines (one glyph high); text seen at the wrong angle
    gives bands as tall as the labels are long.
    """
    if not mask.any():
        return float("inf")
    img = Image.fromarray((mask * 255).astype(np.uint8), "L")
    if angle:
        img = img.rotate(-angle, resample=Image.Resampling.NEAREST, expand=True)
    prof = (np.asarray(img, dtype=np.uint8) > 0).sum(axis=1).astype(np.int64)
    raw = bands(prof, 2)
    if not raw:
        return float("inf")
    runs = [raw[0]]
    for s, e in raw[1:]:  # glyphs of one word are a pixel or two apart
        if s - runs[-1][1] <= 2:
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    heights = np.asarray([e - s for s, e in runs], dtype=np.float64)
    weights = np.asarray([prof[s:e].sum() for s, e in runs], dtype=np.float64)
    order = np.argsort(heights)
    cum = np.cumsum(weights[order])
    return float(heights[order][int(np.searchsorted(cum, cum[-1] / 2.0))])


def word_aspect(mask: BoolArr, angle: int) -> float:
    """Typical width-to-height ratio of the word-like pieces after turning by ``-angle``.

    Read level, a label's letters sit side by side and make wide pieces; seen at the
    wrong angle, the pieces are single glyphs or slices of them (about square).
    """
    if not mask.any():
        return 0.0
    img = Image.fromarray((mask * 255).astype(np.uint8), "L")
    if angle:
        img = img.rotate(-angle, resample=Image.Resampling.NEAREST, expand=True)
    arr = np.asarray(img, dtype=np.uint8) > 0
    widths: list[float] = []
    weights: list[float] = []
    for s, e in bands(arr.sum(axis=1).astype(np.int64)):
        h = e - s
        if h < 3:
            continue
        cols = arr[s:e].sum(axis=0).astype(np.int64)
        # Letters of a word are closer than half a line height.
        for a, b in joined(bands(cols), max(2, int(0.45 * h))):
            widths.append((b - a) / h)
            weights.append(float(cols[a:b].sum()))
    if not widths:
        return 0.0
    order = np.argsort(widths)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(widths)[order][int(np.searchsorted(cum, cum[-1] / 2.0))])


def estimate_angle(mask: BoolArr) -> int:
    """The text rotation of a label strip (0 on doubt).

    First the turn giving the thinnest lines; when that says level, short labels
    turned a quarter (years read upwards) can still fool it, because the gaps between
    their glyphs look like line gaps, so the turn giving the widest words may overrule
    it with 90 degrees either way.
    """
    # An axis line along the strip is no text line.
    mask = mask & ~(mask.mean(axis=1, keepdims=True) > 0.5)
    heights = {a: line_height(mask, a) for a in ANGLES}
    best = min(heights, key=lambda a: heights[a])
    aspects = {a: word_aspect(mask, a) for a in (0, 90, -90)}
    if best != 0 and heights[best] < 0.75 * heights[0]:
        need = 2.5 if best in (90, -90) else 2.0
        # Widely spaced level glyphs ("2 0 1 9" in a large font on a short strip) turned a
        # quarter give thin "lines" one glyph wide; real turned words read wider there,
        # or word-like at all: many turned labels close together read level as one
        # wide piece (their gaps are narrow beside the strip's height).
        quarter_ok = best not in (90, -90) or aspects[best] >= min(aspects[0], TURNED_WORD)
        if mask.shape[0] >= need * heights[best] and quarter_ok:
            return best
    wide = max(aspects, key=lambda a: aspects[a])
    if wide != 0 and aspects[wide] > 1.5 * aspects[0] and mask.shape[0] >= 2.5 * heights[wide]:
        return wide
    return 0


def above_level_lines(mask: BoolArr, start: int, end: int) -> int:
    """Where a block of turned labels ends once level text lines under it are left out.

    A source line, a legend or a footer set a few pixels below labels turned 30-60
    degrees runs on with them as one block of ink; read with it, the turned labels come
    back as the footer's text. Such a line is a band of rows after a gap, at most one
    text line against the labels' height, wide for its height, made of words (labels
    turned a quarter show a row of single glyphs there) and reads level on its own (a
    turned label's lower end, cut off at a word gap, reads turned).
    """
    rows = bands(np.asarray(mask[start:end].sum(axis=1), dtype=np.int64))
    for k in range(1, len(rows)):
        s, e = rows[k]
        if s - rows[k - 1][1] < 2 or e - s > 0.6 * (rows[k - 1][1] - rows[0][0]):
            continue
        band = mask[start + s : start + e]
        cols = np.flatnonzero(band.any(axis=0))
        wide = cols[-1] - cols[0] + 1 >= 3 * (e - s)
        if wide and word_aspect(band, 0) >= LEVEL_WORD and estimate_angle(band) == 0:
            return start + rows[k - 1][1]
    return end


def skip_ticks(
    mask: npt.NDArray[Any], axis: int, sparse_ok: bool = True, expected: int = 0
) -> int:
    """Rows (axis 0) or columns (axis 1) of tick marks and axis line right at the start.

    ``expected``: how many categories there are; sparse marks count as ticks only when
    there are about that many (the full stops ending a few labels are no ticks).
    """
    prof: npt.NDArray[np.int64] = np.asarray(mask.sum(axis=1 - axis), dtype=np.int64)
    runs = bands(prof)
    if not runs:
        return 0
    s, e = runs[0]
    if s > 4 or e - s > 16:
        return 0
    part = mask[s:e, :] if axis == 0 else mask[:, s:e].T
    # Along the strip, ticks are short marks and the axis a full line: no glyph-like runs.
    full = part.any(axis=0)
    # A line of text set tight under the axis covers most of the strip's length too,
    # but no row (column) of it is a line: only a thin band or one holding a line is.
    line_like = full.mean() > 0.6 and (e - s <= 3 or bool((part.mean(axis=1) > 0.6).any()))
    widths = [b - a for a, b in bands(np.asarray(full, dtype=np.int64))]
    sparse = float(part.sum()) / max(1, e - s) < 0.02 * part.shape[1]
    if sparse and expected and len(widths) < 0.6 * expected:
        return 0
    if line_like or (sparse and sparse_ok) or (widths and max(widths) <= 3):
        return e
    return 0


def past_slivers(profile: npt.NDArray[Any]) -> int:
    """Lines to skip at the start of a label strip: a band of ink at most 2 px thick with
    more ink after a gap is what is left of an axis line (its anti-aliased edge), never
    text; taken for the first text line, it would hide the labels behind it."""
    runs = bands(np.asarray(profile, dtype=np.int64))
    if len(runs) > 1 and runs[0][1] - runs[0][0] <= 2 and runs[0][0] <= 2:
        return int(runs[1][0])
    return 0


def above_level_title(
    mask: npt.NDArray[Any], start: int, end: int, mids: tuple[float, ...]
) -> int:
    """Where turned tick labels end once a level axis title under them is left out.

    The title is the block's last band of rows: a single text line (well under half the
    block's height), after a gap, its ink centred on the bars or on the plot frame
    (``mids``, strip columns) and shaped like a level word.
    Turned labels read with it in the strip come back empty or as the title.
    """
    rows = bands(np.asarray(mask[start:end].sum(axis=1), dtype=np.int64))
    if len(rows) < 2:
        return end
    s, e = rows[-1]
    prev_end = rows[-2][1]
    if e - s > 0.5 * (end - start) or s - prev_end < 2:
        return end
    cols = np.flatnonzero(mask[start + s : start + e].any(axis=0))
    if cols.size == 0:
        return end
    centre = (cols[0] + cols[-1]) / 2.0
    if min(abs(centre - m) for m in mids) > 0.1 * mask.shape[1]:
        return end
    # A level word is wide for its height; the tail of one long turned label is not,
    # and the last glyphs of many turned labels spread across the strip.
    width = float(cols[-1] - cols[0] + 1)
    if width < 2.0 * (e - s) or width > 0.4 * mask.shape[1]:
        return end
    return start + prev_end


def past_turned_title(mask: npt.NDArray[Any], left: int, right: int, line_h: float) -> int:
    """Where horizontal bars' labels begin once a turned axis title ("Year" read upwards)
    just left of them is left out: that title is one narrow column of ink, taller than
    two text lines, standing apart from the labels. OCR reads it as a stray letter
    glued to the label beside it."""
    runs = bands(np.asarray(mask[:, left:right].sum(axis=0), dtype=np.int64))
    if len(runs) < 2:
        return left
    s, e = runs[0]
    if e - s > 2.0 * line_h or runs[1][0] - e < 2:
        return left
    rows = bands(np.asarray(mask[:, left + s : left + e].any(axis=1), dtype=np.int64))
    # The turned word's letters are a few pixels apart.
    pieces = joined(rows, max(3.0, 0.5 * line_h))
    if len(pieces) == 1 and pieces[0][1] - pieces[0][0] >= 2 * line_h:
        return left + runs[1][0]
    return left


def above_page_line(mask: BoolArr, start: int, end: int, spacing: float) -> int:
    """Where level tick labels end once a line of page text under them is left out.

    A source line or a publisher's name set a few pixels under wrapped labels runs on
    with them and is read as their last line. Tick labels stay within their bars'
    slots; such a line (a band of rows after a gap) runs out of the strip at its side,
    longer than a slot.
    """
    rows = bands(np.asarray(mask[start:end].sum(axis=1), dtype=np.int64))
    width = mask.shape[1]
    for k in range(1, len(rows)):
        s, e = rows[k]
        if s - rows[k - 1][1] < 2:
            continue
        ink = np.flatnonzero(mask[start + s : start + e].any(axis=0))
        if ink.size == 0:
            continue
        # Its first or last word at the strip's edge, the line's words one run.
        words = bands(np.asarray(mask[start + s : start + e].any(axis=0), dtype=np.int64))
        for a, b in joined(words, max(3, e - s)):
            if (a <= 1 or b >= width - 1) and b - a > spacing:
                return start + rows[k - 1][1]
    return end


def _rot_point(
    u: float, v: float, a_deg: float, src: tuple[int, int], dst: tuple[int, int]
) -> tuple[float, float]:
    """Map a point of an image rotated by ``a_deg`` (PIL, expand=True) back to the source."""
    a = math.radians(a_deg)
    cu, cv = u - dst[0] / 2.0, v - dst[1] / 2.0
    dx = cu * math.cos(a) - cv * math.sin(a)
    dy = cu * math.sin(a) + cv * math.cos(a)
    return dx + src[0] / 2.0, dy + src[1] / 2.0


def read_strip(
    ocr: OcrEngine, strip: Image.Image, angle: int, scale: float, sharpen: bool = False
) -> tuple[list[Word], tuple[int, int], tuple[int, int]]:
    """OCR a strip (dark text on light, mode L) after turning its text level.

    ``sharpen``: enlarge, then restore the edges a blur (a scan, a resized screenshot)
    softened, which tesseract otherwise drops as noise; the blur grows with the
    enlargement, so the mask's radius does too.
    Returns the words in the turned frame and the two sizes needed to map back.
    """
    turned = strip.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if not sharpen:
        return ocr.words(turned, psm=11, scale=scale), strip.size, turned.size
    size = (max(1, round(turned.width * scale)), max(1, round(turned.height * scale)))
    big = turned.resize(size, Image.Resampling.LANCZOS)
    big = big.filter(ImageFilter.UnsharpMask(radius=scale, percent=200, threshold=0))
    words = []
    for w in ocr.words(big, psm=11, scale=1.0):
        x1, y1, x2, y2 = w.bbox
        box = (
            math.floor(x1 / scale), math.floor(y1 / scale),
            math.ceil(x2 / scale), math.ceil(y2 / scale),
        )
        words.append(Word(w.text, box, w.confidence, w.line_id))
    return words, strip.size, turned.size


def to_source_box(
    box: tuple[float, float, float, float], angle: int, src: tuple[int, int], dst: tuple[int, int]
) -> tuple[float, float, float, float]:
    """The source-frame bounding box of a box in the turned frame."""
    if angle == 0:
        return box
    pts = [
        _rot_point(x, y, -angle, src, dst)
        for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3]))
    ]
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def clean_words(words: list[Word]) -> list[Word]:
    """Drop OCR noise: empty, punctuation-only, or very unsure single characters."""
    out = []
    for w in words:
        t = unicodedata.normalize("NFKC", w.text).strip()  # ligatures such as "ﬁ"
        if t in DASHES and w.confidence >= 60:  # "YouTube - Watch": kept inside a phrase
            out.append(Word(t, w.bbox, w.confidence, w.line_id))
            continue
        if not t or (_JUNK.match(t) and t not in "&+%$*#@"):
            continue
        if len(t) == 1 and not t.isalnum() and t not in "&+%$*#@":
            continue
        if w.confidence < 10 and len(t) <= 2:
            continue
        if len(t) == 1 and w.confidence < 50:  # a stray glyph (a turned axis title's edge)
            continue
        out.append(Word(t, w.bbox, w.confidence, w.line_id))
    return out


def line_phrases(words: list[Word], cuts: tuple[float, ...] = ()) -> list[list[Word]]:
    """Words on one text line with word-sized gaps between them form a phrase.

    ``cuts``: x positions (midpoints between bars) that a phrase never spans across
    a word gap (one within a tenth of a bar step of it, after words centred on the slot
    left of it): two colliding labels stay two labels.
    """
    if not words:
        return []
    ws = sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2.0)
    lines: list[list[Word]] = []
    for w in ws:
        cy = (w.bbox[1] + w.bbox[3]) / 2.0
        h = max(1, w.bbox[3] - w.bbox[1])
        placed = False
        for line in lines:
            # The line's typical word, not its extent: an extent grown by one tall word
            # (descenders, a word OCR read across two lines) would swallow the next line.
            lc = float(np.median([(x.bbox[1] + x.bbox[3]) / 2.0 for x in line]))
            lh = max(1.0, float(np.median([x.bbox[3] - x.bbox[1] for x in line])))
            if abs(cy - lc) <= 0.45 * max(h, lh):
                line.append(w)
                placed = True
                break
        if not placed:
            lines.append([w])
    phrases: list[list[Word]] = []
    step = float(np.median(np.diff(cuts))) if len(cuts) >= 2 else 0.0
    for line in lines:
        line.sort(key=lambda w: w.bbox[0])
        lh_med = float(np.median([w.bbox[3] - w.bbox[1] for w in line]))
        cur = [line[0]]
        for w in line[1:]:
            gap_lo, gap_hi = cur[-1].bbox[2], w.bbox[0]
            # Colliding labels overflow their slots a little: a gap a tenth of a step
            # from a cut parts them when the words before it are centred on their slot.
            mid = (cur[0].bbox[0] + gap_lo) / 2.0
            split = any(
                gap_lo - 1 <= c <= gap_hi + 1
                or (gap_lo - 0.1 * step <= c <= gap_hi + 0.1 * step
                    and abs(mid - (c - step / 2.0)) <= 0.2 * step)
                for c in cuts
            )
            if not split and gap_hi - gap_lo <= max(4.0, 0.9 * lh_med):
                cur.append(w)
            else:
                phrases.append(cur)
                cur = [w]
        phrases.append(cur)
    return phrases


def trim_dashes(words: list[Word]) -> list[Word]:
    """A phrase without dashes standing alone at its ends (tick marks read as "-")."""
    start, end = 0, len(words)
    while start < end and words[start].text in DASHES:
        start += 1
    while end > start and words[end - 1].text in DASHES:
        end -= 1
    return words[start:end]


def join_text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def wrapped_turned(lines: list[list[Word]], angle: int) -> list[list[Word]]:
    """Labels turned part of the way (30-60 degrees), their lines (in the turned frame,
    read level) joined where one label wraps onto a second line: the next line starts
    within ``WRAP_GAP`` line heights under it and is aligned with it at the end that
    hangs from the tick (the right end of text rising to the right, the left end of
    text falling) or centred on it. The next label's lines are offset from its
    neighbour's by most of a bar step along both axes of that frame, so they stay apart.
    Read alone, each wrapped line was a label of its own, and the nearest to a bar won
    it: a second line ('New Hope') could name the bar its first line named.
    """
    def ext(ws: list[Word]) -> tuple[int, int, int, int]:
        return (min(w.bbox[0] for w in ws), min(w.bbox[1] for w in ws),
                max(w.bbox[2] for w in ws), max(w.bbox[3] for w in ws))

    if len(lines) < 2:
        return lines
    h = float(np.median([w.bbox[3] - w.bbox[1] for ws in lines for w in ws]))
    out: list[list[Word]] = []
    last: list[tuple[int, int, int, int]] = []  # each label's last line so far
    for ws in sorted(lines, key=lambda ws: ext(ws)[1]):
        x1, y1, x2, y2 = ext(ws)
        for k, (a1, _, a2, a4) in enumerate(last):
            hang = abs(x2 - a2) if angle > 0 else abs(x1 - a1)
            centred = abs((x1 + x2) - (a1 + a2)) / 2.0
            if -0.3 * h <= y1 - a4 <= WRAP_GAP * h and min(hang, centred) <= 0.3 * h:
                out[k] = out[k] + ws
                last[k] = (x1, y1, x2, y2)
                break
        else:
            out.append(list(ws))
            last.append((x1, y1, x2, y2))
    return out


def phrases_from_words(
    words: list[Word], angle: int, src: tuple[int, int], dst: tuple[int, int],
    origin: tuple[int, int], vertical: bool, cuts: tuple[float, ...] = (),
) -> list[Phrase]:
    out: list[Phrase] = []
    # Cuts are image x positions; level strips' words are in strip pixels.
    local = tuple(c - origin[0] for c in cuts) if vertical and angle == 0 else ()
    lines = line_phrases(clean_words(words), local)
    if 0 < abs(angle) < 90:
        lines = wrapped_turned(lines, angle)
    for line in lines:
        ph = trim_dashes(line)
        if not ph:
            continue
        x1 = min(w.bbox[0] for w in ph)
        y1 = min(w.bbox[1] for w in ph)
        x2 = max(w.bbox[2] for w in ph)
        y2 = max(w.bbox[3] for w in ph)
        sx1, sy1, sx2, sy2 = to_source_box((x1, y1, x2, y2), angle, src, dst)
        box = (
            int(np.floor(sx1)) + origin[0],
            int(np.floor(sy1)) + origin[1],
            int(np.ceil(sx2)) + origin[0],
            int(np.ceil(sy2)) + origin[1],
        )
        conf = float(np.mean([w.confidence for w in ph]))
        if vertical:
            centre = (box[0] + box[2]) / 2.0
            # A label turned part of the way ends at its tick with its upper end.
            end = float(box[2]) if 0 < angle < 90 else float(box[0]) if -90 < angle < 0 else centre
        else:
            centre = (box[1] + box[3]) / 2.0
            end = centre
        out.append(Phrase(join_text(ph), box, conf, centre, end))
    return out


def edge_steepness(strip: Image.Image, mask: BoolArr) -> float:
    """How steep the steps at the ink's edges are, against the strip's contrast: the 90th
    percentile of the grey steps between neighbours where one of them is ink (1.0 with
    no ink). Why: tesseract drops or misreads blurred small words (a 1 px blur read
    'Cermany', 'Scotiand' or nothing), and restoring the edges after enlarging reads them;
    the same sharpening turns JPEG's ringing into strokes, so only soft strips get it."""
    a = np.asarray(strip, dtype=np.float32)
    if a.shape != mask.shape or a.shape[0] < 2 or a.shape[1] < 2:
        return 1.0
    dx = np.abs(np.diff(a, axis=1))[mask[:, 1:] | mask[:, :-1]]
    dy = np.abs(np.diff(a, axis=0))[mask[1:, :] | mask[:-1, :]]
    steps = np.concatenate([dx, dy])
    if steps.size == 0:
        return 1.0
    return float(np.percentile(steps, 90)) / max(1.0, 255.0 - float(a.min()))


def text_line_height(mask: BoolArr, angle: int) -> float:
    """Median height of a strip's text lines (bands of ink at least 4 px tall) once
    turned level by ``-angle``; 12 when there are none."""
    turned = Image.fromarray((mask * 255).astype(np.uint8), "L")
    if angle:
        turned = turned.rotate(-angle, resample=Image.Resampling.NEAREST, expand=True)
    runs = bands((np.asarray(turned) > 0).sum(axis=1))
    heights = [e - s for s, e in runs if e - s >= 4]
    return float(np.median(heights)) if heights else 12.0


def ocr_box(
    g: npt.NDArray[Any], box: Box, angle: int, ocr: OcrEngine, vertical: bool,
    cuts: tuple[float, ...] = (), sharpen: bool | None = None,
    text_px: float = LABEL_TEXT_PX,
) -> list[Phrase]:
    """OCR one label strip turned level by ``-angle`` (``sharpen``: see
    :func:`read_strip`; None: when the strip's text is blurred, :data:`SOFT_EDGES`), its
    lines enlarged towards ``text_px``; phrases in image pixels."""
    strip, mask = norm_strip(g, box)
    if sharpen is None:
        sharpen = edge_steepness(strip, mask) < SOFT_EDGES
    # Axis lines, tick marks and gridlines crossing the strip are not text: paint them
    # out before OCR (they read as "I" or "|" inside labels) and leave them out of the
    # line-height estimate.
    # A line spans (nearly) the whole strip; a glyph's stroke does not, once the
    # strip is a few glyphs long in that direction.
    cols = (mask.mean(axis=0) > 0.85) & (mask.shape[0] >= 30)
    rows = (mask.mean(axis=1) > 0.85) & (mask.shape[1] >= 30)
    lines = rows[:, None] | cols[None, :]
    if lines.any():
        arr = np.asarray(strip, dtype=np.uint8).copy()
        arr[lines] = 255
        strip = Image.fromarray(arr, "L")
    mask = mask & ~lines
    scale = max(1.0, text_px / max(text_line_height(mask, angle), SMALLEST_LINE_PX))
    words, src, dst = read_strip(ocr, strip, angle, scale, sharpen)
    if vertical and angle == 0 and len(cuts) >= 2:
        local = tuple(c - box[0] for c in cuts)
        words = split_collided(ocr, strip, mask, words, local, scale)
    return phrases_from_words(words, angle, src, dst, (box[0], box[1]), vertical, cuts)


def split_collided(
    ocr: OcrEngine, strip: Image.Image, mask: BoolArr, words: list[Word],
    cuts: tuple[float, ...], scale: float,
) -> list[Word]:
    """Two neighbours' level labels set so close that OCR read them as one word
    ("SnapchatInstagram"), each read again on its own side of the cut between their bars.

    Only a word whose two sides of the cut are each centred on a bar's slot is split: a
    long label overflowing its slot is centred on its own bar as a whole.
    ``cuts``: the midpoints between bars, in strip pixels.
    """
    step = float(np.median(np.diff(cuts)))
    out: list[Word] = []
    for w in words:
        x1, y1, x2, y2 = w.bbox
        inside = [c for c in cuts if x1 + 3 < c < x2 - 3]
        if len(inside) != 1:
            out.append(w)
            continue
        c = inside[0]
        if abs((x1 + c) / 2.0 - (c - step / 2.0)) > 0.2 * step or abs(
            (c + x2) / 2.0 - (c + step / 2.0)
        ) > 0.2 * step:
            out.append(w)
            continue
        # The clearest column next to the cut, the nearest of equals.
        lo, hi = max(x1, int(c) - 4), min(x2, int(c) + 5)
        ink = mask[max(0, y1) : y2, lo:hi].sum(axis=0).astype(np.float64)
        near = np.abs(np.arange(lo, hi) - c)
        cut = lo + int(np.argmin(ink * 100.0 + near)) if hi > lo else int(c)
        parts: list[Word] = []
        for a, b in ((x1, cut), (cut, x2)):
            dx, dy = max(0, a), max(0, y1 - 2)
            piece = strip.crop((dx, dy, b, min(strip.height, y2 + 2)))
            found = [q for q in ocr.words(piece, psm=8, scale=scale) if q.text.strip(_SLIVERS)]
            if len(found) != 1:
                break
            q = found[0]
            bx = (q.bbox[0] + dx, q.bbox[1] + dy, q.bbox[2] + dx, q.bbox[3] + dy)
            parts.append(Word(q.text.strip(_SLIVERS), bx, q.confidence, w.line_id))
        out.extend(parts if len(parts) == 2 else [w])
    return out
