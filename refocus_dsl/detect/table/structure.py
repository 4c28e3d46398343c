"""Table structure stage: rules, shaded bands, the table's extent, row backgrounds, ink.

Pure numpy on a grey image (see :mod:`refocus_dsl.detect._grid` for the idea):
long thin lines and changes of background are structure, everything that
differs clearly from its local background is ink.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._grid import (
    ALL_ALONG,
    INK_DIFF,
    MAX_RULE_PX,
    RULE_DIFF,
    STRUCT_DIFF,
    Rule,
    Span,
    longest_dense_runs,
)
from refocus_dsl.detect._raster import border_grey, commonest_grey, noise_sigma, otsu_level, runs
from refocus_dsl.detect.table.column_rules import (
    add_rules,
    drawn_pieces,
    not_crossed,
    ruled_columns,
)

F = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]
U8 = npt.NDArray[np.uint8]
Band = tuple[int, int, float]  # (y1, y2, grey) half-open


@dataclass(frozen=True)
class Levels:
    """Grey differences that count as structure, rule and ink, adapted to the image.

    Fixed levels suit clean renders; a soft, faded or noisy scan has fainter ink
    and grain on the page, so each level sits between the page's grain (noise)
    and the ink's own contrast (Otsu's split of the table's non-page pixels).
    """

    noise: float
    struct: int
    rule: int
    ink: int


def grey_levels(grey: U8, page: int) -> Levels:
    noise = noise_sigma(grey, page)
    struct = int(max(STRUCT_DIFF, round(3.5 * noise)))
    rule = int(max(RULE_DIFF, round(3.5 * noise)))
    return Levels(noise, struct, rule, _level_of(_split(grey, page, struct), noise))


def _split(grey: U8, page: int, struct: int) -> int:
    """Otsu's split of the pixels marked at the structure level (text strokes against their
    blur and anti-aliasing, on a page of text)."""
    diff = np.abs(grey.astype(np.int16) - page)
    marked = diff[diff >= struct]
    return otsu_level(marked) if marked.size >= 50 else INK_DIFF


def _level_of(split: int, noise: float) -> int:
    """The grey difference from the page that counts as ink: three quarters of the split,
    between the page's grain and INK_DIFF."""
    return int(min(INK_DIFF, max(RULE_DIFF + 5, round(5 * noise), round(0.75 * split))))


def _text_levels(
    grey: U8, page: int, levels: Levels, bands: Sequence[Band], rules: Sequence[Rule]
) -> Levels:
    """The levels with the ink level measured on the text, when shading set it.

    A dark shaded header is most of what differs from the paper in a small table: the
    page's split falls between it and the text, more than twice the text's own split
    (soft grey letters of a faded scan against their blur), and thin strokes fell under
    the ink level, opening word spaces as wide as column gaps. Then the text's split
    (the rows outside the shading and rules found) sets the level. Rules and tints as
    dark as the text leave the page's split near the text's, and change nothing.
    """
    if not bands and not rules:
        return levels
    keep = np.ones(grey.shape[0], bool)
    for a, b, _ in bands:
        keep[a:b] = False
    for r in rules:
        keep[max(0, r.pos - RULE_HALO) : r.end + RULE_HALO] = False
    if keep.sum() < 4:
        return levels
    text = _split(np.ascontiguousarray(grey[keep]), page, levels.struct)
    if _split(grey, page, levels.struct) < _SET_BY_SHADING * text:
        return levels
    return dataclasses.replace(levels, ink=_level_of(text, levels.noise))


_SET_BY_SHADING = 2
"""How many times the text's own split the page's is when dark shading set it."""


@dataclass(frozen=True)
class Structure:
    """What the pixels say before any text is read."""

    grey: U8
    page: int
    levels: Levels
    h_rules: tuple[Rule, ...]
    """Full-width horizontal rules (row boundaries)."""
    v_rules: tuple[Rule, ...]
    """Vertical rules over the table's height (column boundaries)."""
    v_drawn: tuple[Rule, ...]
    """The pieces of them actually drawn (absent across a row whose cell spans them)."""
    bands: tuple[Band, ...]
    extent: tuple[int, int] | None
    """x-extent of the rules and bands, if any."""
    ex1: int
    ex2: int
    row_bg: F
    ink: B
    part_rules: tuple[Rule, ...] = ()
    """Rules across part of the table only (under a group header, over a total's cells):
    no row boundaries, but no ink either."""


def horizontal_structure(
    grey: npt.NDArray[np.uint8], not_page: B, min_len: int | None = None
) -> tuple[list[Rule], list[tuple[int, int, float]], tuple[int, int] | None]:
    """Rules and shaded bands that run across most of the table, and their x-extent.

    A rule is a run of rows, at most 4 thick, that is solid (>= 95 % not page)
    over a long stretch; a band is at least 5 rows thick and mostly not page
    (text on it leaves holes). Bold text can be dense for a row or two, never
    solid over a long stretch, so it is neither.
    """
    h, w = grey.shape
    cols = np.nonzero(not_page.any(axis=0))[0]
    if cols.size == 0:
        return [], [], None
    if min_len is None:
        min_len = max(40, int(0.35 * (int(cols[-1]) - int(cols[0]) + 1)))
    r1, r2, rlen, rcnt = longest_dense_runs(not_page, gap=2)
    solid = (rlen >= min_len) & (rcnt >= 0.95 * np.maximum(rlen, 1))
    b1, b2, blen, bcnt = longest_dense_runs(not_page, gap=16)
    dense = (blen >= min_len) & (bcnt >= 0.75 * np.maximum(blen, 1))
    # light text on a dark band can leave a row or two not dense: close such holes
    # (only textured rows still mostly shaded; a uniform white gap between two bands is
    # a real gap, and so is the paper between two lines of small dense text)
    rs = runs(dense)
    for (a0, b0), (a1, _) in zip(rs, rs[1:], strict=False):
        if a1 - b0 <= 4:
            lo, hi = int(np.median(b1[a0:b0])), int(np.median(b2[a0:b0]))
            hole = grey[b0:a1, lo:hi].astype(np.int16)
            if (
                hole.size
                and (np.abs(hole - commonest_grey(hole)) <= 8).mean() < 0.85
                and float(not_page[b0:a1, lo:hi].mean()) >= 0.5
            ):
                dense[b0:a1] = True
    # a band's background is one colour: a long line of dense text is not a band
    for a, b in runs(dense):
        # rows joined across a hole have no dense run of their own: use the block's extent
        lo, hi = int(np.median(b1[a:b])), int(np.median(b2[a:b]))
        uni = []
        for y in range(a, b):
            x1, x2 = (int(b1[y]), int(b2[y])) if b2[y] - b1[y] >= 2 else (lo, hi)
            seg = grey[y, x1:x2].astype(np.int16)
            uni.append(float((np.abs(seg - int(np.median(seg))) <= 8).mean()) if seg.size else 0.0)
        if float(np.mean(uni)) < _BAND_UNIFORM:
            # a dense line of text joined across a hole to a band below or above it
            # (a bold header set tight above a ruled section row): the band stays
            dense[a:b] = False
            for a0, b0 in rs:
                if a <= a0 and b0 <= b and float(np.mean(uni[a0 - a : b0 - a])) >= _BAND_UNIFORM:
                    dense[a0:b0] = True
    rules: list[Rule] = []
    bands: list[tuple[int, int, float]] = []
    extents: list[tuple[int, int]] = []
    band_spans: list[tuple[int, int]] = []
    for a, b in runs(dense):
        if b - a < 5:
            continue
        xs1, xs2 = int(np.median(b1[a:b])), int(np.median(b2[a:b]))
        extents.append((xs1, xs2))
        block = grey[a:b, xs1:xs2].astype(np.float64)
        colour = np.median(block, axis=1)
        # rows crossed by text are not uniform: they take the colour of the row above;
        # a dark rule on a band is uniform at its own scale (JPEG spreads a thin dark
        # line's greys by a share of its contrast, never as far as text does), and a
        # blurred rule drifting across rows is still darker than the row above all along
        # (text leaves the spaces between its letters and words at the band's grey)
        spread = np.abs(block - colour[:, None])
        uniform = (spread <= 8).mean(axis=1) >= 0.85
        for k in range(1, b - a):
            if not uniform[k]:
                tol = max(8.0, 0.25 * abs(colour[k] - colour[k - 1]))
                if tol <= 8.0 or (spread[k] <= tol).mean() < 0.85:
                    if (colour[k - 1] - block[k] >= RULE_DIFF).mean() < ALL_ALONG:
                        colour[k] = colour[k - 1]
        seg_start = a
        thin: list[Rule] = []
        for y in range(a + 1, b + 1):
            if y == b or abs(colour[y - a] - colour[y - 1 - a]) > 8:
                s, e = seg_start, y
                if e - s <= 4:
                    own = (int(r1[s:e].min()), int(r2[s:e].max()))
                    thin.append(Rule(s, e - s, own if own[1] - own[0] > xs2 - xs1 else (xs1, xs2)))
                else:
                    bands.append((s, e, float(np.median(colour[s - a : e - a]))))
                    band_spans.append((xs1, xs2))
                seg_start = y
        # shades of one rule drifting across rows are judged together
        rules += [r for r in merge_touching(thin) if even_along(grey, r.pos, r.end, *r.span)]
        solid[a:b] = False
    for a, b in runs(solid):
        x1, x2 = int(r1[a:b].min()), int(r2[a:b].max())
        if b - a > 4:  # a blurred rule's halo is marked too: its core is the rule
            core = _rule_core(grey, a, b, x1, x2)
            # no one core: a shaded header too grainy for a band, its text and the
            # rules closing it all marked, holds its rules as rows dark all along
            found = [core] if core is not None else _dark_rows(grey, a, b, x1, x2)
        else:
            stands = _stands_out(grey, not_page, a, b, x1, x2)
            found = [(a, b)] if stands and even_along(grey, a, b, x1, x2) else []
        for a, b in found:
            rules.append(Rule(a, b - a, (x1, x2)))
            extents.append((x1, x2))
    if not extents:
        return [], [], None
    lo, hi = min(e[0] for e in extents), max(e[1] for e in extents)
    # shading runs across the table as its rules do: a dense run under half as long as
    # the longest rule or band is a line of small, blurred text (a caption above it)
    # (a dense run may leave neither: every thin run of it uneven, so no rule)
    widest = max(
        [r.span[1] - r.span[0] for r in rules] + [x2 - x1 for x1, x2 in band_spans], default=0
    )
    bands = [bd for bd, (x1, x2) in zip(bands, band_spans, strict=True) if x2 - x1 >= widest / 2]
    rules.sort(key=lambda r: r.pos)
    bands.sort()
    return rules, bands, (lo, hi)


_BAND_UNIFORM = 0.6
"""Mean share of a band's rows at its median grey (text on it leaves the rest)."""


def half_peak_rows(prof: F) -> Span:
    """The run of rows around a contrast profile's peak that reach half of it.

    A blurred 1-2 px rule marks several rows, but only its core reaches half its
    contrast; the halo, and text set tight beside it, stay under that.
    """
    top = int(np.argmax(prof))
    half = prof >= 0.5 * prof[top]
    a, b = top, top + 1
    while a > 0 and half[a - 1]:
        a -= 1
    while b < prof.size and half[b]:
        b += 1
    return a, b


def _contrast(grey: U8, a: int, b: int, x1: int, x2: int) -> tuple[F, F] | None:
    """How far rows [a, b) of a thick rule differ from the rows just outside it, pixel by
    pixel and as each row's median along the rule; None with no row outside it."""
    outside = [y for y in (a - 2, b + 1) if 0 <= y < grey.shape[0]]
    if not outside:
        return None
    ref = float(np.median(grey[outside, x1:x2]))
    dark: F = np.abs(grey[a:b, x1:x2].astype(np.float64) - ref)
    prof: F = np.median(dark, axis=1)
    return dark, prof


def _dark_rows(grey: U8, a: int, b: int, x1: int, x2: int) -> list[Span]:
    """Rules (runs of at most 4 rows) inside a thick solid run: rows darker than the row
    two above or two below them all along, and even (their greys spread less than half
    that contrast). Text is neither: sharp, it leaves the spaces between its letters;
    blurred into a dark smear, its greys still spread as widely as its contrast."""
    if x2 - x1 < 4:
        return []
    h = grey.shape[0]
    g = grey[:, x1:x2].astype(np.int16)
    lo, mid, hi = np.percentile(g[a:b], [10, 50, 90], axis=1)
    dark = np.zeros(b - a, bool)
    for y in range(a, b):
        for z in (y - 2, y + 2):
            if not 0 <= z < h or hi[y - a] - lo[y - a] > 0.5 * (np.median(g[z]) - mid[y - a]):
                continue
            if float((g[z] - g[y] >= RULE_DIFF).mean()) >= ALL_ALONG:
                dark[y - a] = True
    return [(a + s, a + e) for s, e in runs(dark) if e - s <= 4]


def _stands_out(grey: U8, not_page: B, a: int, b: int, x1: int, x2: int) -> bool:
    """Whether a thin solid run is a rule: the page shows just outside it, above or below,
    or it differs from a row just outside it all along. A row of a grainy shaded band
    marked solid throughout by chance has neither: the band is around it, in its grey."""
    h = grey.shape[0]
    outside = [y for y in (a - 2, b + 1) if 0 <= y < h]
    if not outside or x2 - x1 < 4:
        return True
    if min(float(not_page[y, x1:x2].mean()) for y in outside) < 0.5:
        return True
    g = grey[:, x1:x2].astype(np.int16)
    core = np.median(g[a:b], axis=0)
    return any(float((np.abs(core - g[y]) >= STRUCT_DIFF).mean()) >= ALL_ALONG for y in outside)


def even_along(grey: U8, a: int, b: int, x1: int, x2: int) -> bool:
    """Whether a thin solid run is a rule along its length: in one of its rows, or in its
    core (each x's darkest, or lightest, pixel of the run: a rule drifting across its
    rows, as a photographed or turned page leaves it), the greys spread no more than
    those of the evenest row beside it (the paper's grain) plus half the contrast with
    that row, or nearly every pixel keeps half that contrast off the paper (a soft rule
    drifting unevenly). A small, blurred line of dense text is marked solid too, but its
    letters and the spaces between them spread its greys about as far as its contrast,
    and the spaces reach the paper's grey in every row (a faded scan's long cell was read
    as a rule under a spanning header). A run differing from the rows beside it by less
    than ``STRUCT_HALF`` is not judged."""
    h = grey.shape[0]
    # two and three rows off: the row next to a blurred rule is its own halo
    beside = [y for y in (a - 3, a - 2, b + 1, b + 2) if 0 <= y < h]
    if not beside or x2 - x1 < 4:
        return True
    g = grey[:, x1:x2].astype(np.int16)
    paper = g[beside]
    lo, mid, hi = np.percentile(paper, [10, 50, 90], axis=1)
    # the paper (or a band's ground): the evenest row beside the run, not text touching it
    ref = int(np.argmin(hi - lo))
    grain, ground = float(hi[ref] - lo[ref]), float(mid[ref])
    run = g[a:b]
    core = run.min(axis=0) if float(np.median(run)) < ground else run.max(axis=0)
    judged = False
    for line in (*run, core):
        p10, p50, p90 = np.percentile(line, [10, 50, 90])
        contrast = abs(ground - float(p50))
        if contrast < STRUCT_HALF:
            continue
        judged = True
        if (p90 - p10) - grain < 0.5 * contrast:
            return True
        # a soft rule drifting across rows is uneven, but nowhere near the paper's grey
        if float((np.abs(line - ground) >= 0.5 * contrast).mean()) >= _EVERY_PIXEL:
            return True
    return not judged


_EVERY_PIXEL = 0.97
"""Share of a rule's pixels that keep off the paper's grey (text's letter spaces reach it)."""


STRUCT_HALF = STRUCT_DIFF // 2
"""Grey levels a run differs from the rows beside it at least to be judged even or not;
the least change of paper between two text lines that is a row boundary."""


def _rule_core(grey: U8, a: int, b: int, x1: int, x2: int) -> Span | None:
    """The rows of a solid run (thicker than a rule) darker than half its darkest row.

    A blurred 1-2 px rule marks several rows at the structure level, but only
    its core reaches half its contrast, and does so all along (text does not:
    the spaces between its letters and words stay light). None when the core
    is thicker than a rule or not even along the run.
    """
    if b - a > 12 or x2 - x1 < 4:
        return None
    found = _contrast(grey, a, b, x1, x2)
    if found is None:
        return None
    dark, prof = found
    peak = float(prof.max())
    lo, hi = half_peak_rows(prof)
    if hi - lo > 4 or peak < RULE_DIFF:
        return None
    if float((dark[lo:hi].max(axis=0) >= 0.5 * peak).mean()) < 0.9:
        return None
    return a + lo, a + hi


def row_background(grey: npt.NDArray[np.uint8], x1: int, x2: int, edges: Sequence[int] = ()) -> F:
    """Per image row, the background grey: the commonest range of greys across the table.

    The mode, not the median: a row through a long line of text can be mostly
    ink, but its background is still the value that repeats. Counted over a
    narrow range of greys (grain and JPEG spread a paper over a few levels,
    blurred text over many); where no range holds half the row, over the rows
    just above and below too (a row through the middle of a line of soft, dense
    text can hold more ink than paper), but never across ``edges``: where
    shading starts or ends.
    """
    block = grey[:, x1:x2].astype(np.int64)
    h = block.shape[0]
    if block.shape[1] == 0:
        return np.full(h, 255.0)
    idx = (np.arange(h, dtype=np.int64)[:, None] * 256 + block).ravel()
    hist = np.bincount(idx, minlength=h * 256).reshape(h, 256)
    c = np.cumsum(np.pad(hist, ((0, 0), (_BG_HALF + 1, _BG_HALF))), axis=1)
    window = c[:, 2 * _BG_HALF + 1 :] - c[:, : -2 * _BG_HALF - 1]
    bounds = sorted({0, h, *(int(e) for e in edges if 0 < e < h)})
    near_rows = np.empty_like(window)
    for a, b in zip(bounds, bounds[1:], strict=False):
        cs = np.cumsum(np.pad(window[a:b], ((_BG_ROWS + 1, _BG_ROWS), (0, 0))), axis=0)
        near_rows[a:b] = cs[2 * _BG_ROWS + 1 :] - cs[: -2 * _BG_ROWS - 1]
    # a row whose own densest range holds most of it (a rule not found as one, a band)
    # keeps it; the neighbours decide only where no grey range dominates the row
    own = window.max(axis=1) >= 0.5 * block.shape[1]
    centre = np.where(own, window.argmax(axis=1), near_rows.argmax(axis=1))
    near = np.clip(centre[:, None] + np.arange(-_BG_HALF, _BG_HALF + 1), 0, 255)
    best = hist[np.arange(h)[:, None], near].argmax(axis=1)
    out: F = near[np.arange(h), best].astype(np.float64)
    return out


_BG_ROWS = 2
"""Rows either side of a row that count towards its background."""
_BG_HALF = 3
"""Half-width (grey levels) of the range a row's background is counted over."""


def ink_mask(
    grey: npt.NDArray[np.uint8],
    row_bg: F,
    h_rules: Sequence[Rule],
    v_rules: Sequence[Rule],
    level: int = INK_DIFF,
) -> B:
    diff = np.abs(grey.astype(np.int16) - row_bg[:, None].astype(np.int16))
    ink: B = diff >= level
    erase_rules(ink, h_rules, v_rules, False)
    return ink


RULE_HALO = 2
"""Pixels either side of a rule that are its blur or anti-aliasing, never text."""


def clear_band_ends(ink: B, grey: U8, band: Band, x1: int, x2: int) -> None:
    """No ink in a shaded band's rows from each end of the table to the band's first text.

    The ink of a band's rows is what differs from the band's grey: the paper
    beyond the band's ends and, on a blurred image, the ramp from the band's
    grey to the paper were marked as ink there (a text column at the table's
    edge). Both are the same all down the band, where text is not (its letters
    are shorter than the band and fade at their ends): from each end, the x
    whose greys spread over no more than the paper's grain are cleared, up to
    the first that spread more.
    """
    a, b, _ = band
    if b - a < 3 or x2 - x1 < 2:
        return
    block = grey[a:b, x1:x2].astype(np.int16)
    even = (block.max(axis=0) - block.min(axis=0)) <= _EVEN_DOWN_BAND
    lead = int(np.argmin(even)) if not even.all() else even.size
    trail = int(np.argmin(even[::-1])) if not even.all() else even.size
    ink[a:b, x1 : x1 + lead] = False
    ink[a:b, x2 - trail : x2] = False


_EVEN_DOWN_BAND = 8
"""Grey levels an x's pixels may spread down a shaded band and still hold no text."""


def erase_rules(
    arr: npt.NDArray[Any],
    h_rules: Sequence[Rule],
    v_rules: Sequence[Rule],
    value: bool | int,
    halo: int = RULE_HALO,
) -> None:
    """Set ``arr`` to ``value`` on every rule and ``halo`` pixels beside it (in place).

    Only along the rule: text beside a short rule stays.
    """
    p = halo
    for r in h_rules:
        arr[max(0, r.pos - p) : r.end + p, max(0, r.span[0] - p) : r.span[1] + p] = value
    for r in v_rules:
        arr[max(0, r.span[0] - p) : r.span[1] + p, max(0, r.pos - p) : r.end + p] = value


def merge_touching(rules: Sequence[Rule]) -> list[Rule]:
    """Rules that touch as one: a blurred rule's shades read as several thin rules."""
    out: list[Rule] = []
    for r in sorted(rules, key=lambda r: r.pos):
        if out and r.pos <= out[-1].end + 1:
            last = out[-1]
            end = max(last.end, r.end)
            span = (min(last.span[0], r.span[0]), max(last.span[1], r.span[1]))
            out[-1] = Rule(last.pos, end - last.pos, span)
        else:
            out.append(r)
    return out


def _thin_rule(grey: U8, rule: Rule) -> Rule:
    """A merged rule thicker than a rule, without the line of text merged into it.

    A line of dense soft text set tight above a rule (numbers in every column)
    is marked almost across the table for a few rows and merges with the rule
    under it; as one 10 px "rule" it erased the lower half of the line's text.
    The rule is the run of rows around the darkest (by median contrast) with its
    halo; rows past a light valley that are dark again, unevenly, are text and
    are cut off (a blurred or JPEG'd rule's halo fades, or stays even).
    """
    a, b = rule.pos, rule.end
    x1, x2 = rule.span
    if rule.width <= 4 or rule.width > 12 or x2 - x1 < 4:
        return rule
    found = _contrast(grey, a, b, x1, x2)
    if found is None:
        return rule
    dark, prof = found
    top = int(np.argmax(prof))
    peak = float(prof[top])
    if peak < RULE_DIFF:
        return rule
    light = prof < 0.25 * peak
    # text: a third of a soft rule's contrast, and uneven along the row (letters and
    # spaces), where a shade's edge or JPEG's ringing beside a rule is even
    p10, p90 = np.percentile(dark, [10, 90], axis=1)
    strong = (prof >= max(RULE_DIFF, 0.25 * peak)) & (p90 - p10 >= 2 * RULE_DIFF)
    lo, hi = 0, b - a
    above = [y for y in range(top) if light[y]]
    if above and strong[: above[-1]].any():
        lo = above[-1]
    below = [y for y in range(top + 1, b - a) if light[y]]
    if below and strong[below[0] + 1 :].any():
        hi = below[0] + 1
    if (lo, hi) == (0, b - a):
        return rule
    return Rule(a + lo, hi - lo, rule.span)


def page_marks(grey: U8) -> tuple[int, Levels, B]:
    """The page's grey, the image's levels, and what differs from the page (structure level)."""
    page = border_grey(grey)
    levels = grey_levels(grey, page)
    not_page: B = np.abs(grey.astype(np.int16) - page) >= levels.struct
    return page, levels, not_page


BROKEN_RULE_COVER = 0.85
"""Share of the table's width a broken or faint rule still covers (text never does: it
leaves the column gaps free, and a section title only covers its own length)."""


def broken_rules(
    not_page: B, text: B, extent: tuple[int, int], found: Sequence[Rule], bands: Sequence[Band]
) -> list[Rule]:
    """Rules with gaps across the table's extent (worn or faintly printed), not found whole.

    A thin run of rows (at most 4) marked over most of the extent of the rules
    already found, with little marked just above and below, outside shaded bands.
    """
    x1, x2 = extent
    h = not_page.shape[0]
    if x2 - x1 < 20:
        return []
    cover = not_page[:, x1:x2].mean(axis=1)
    cand = cover >= BROKEN_RULE_COVER
    for a, b, _ in bands:
        cand[a:b] = False
    for r in found:
        cand[max(0, r.pos - 1) : r.end + 1] = False
    out = []
    for a, b in runs(cand):
        if b - a > 4:
            continue
        around = [cover[y] for y in (a - 2, b + 1) if 0 <= y < h]
        if (
            around
            and max(around) < 0.5
            and _rule_cover(not_page, text, a, b, x1, x2) >= BROKEN_RULE_COVER
        ):
            out.append(Rule(a, b - a, (x1, x2)))
    return out


def _rule_cover(not_page: B, text: B, a: int, b: int, x1: int, x2: int) -> float:
    """Share of [x1, x2) a rule in rows [a, b) covers, counting only marks without text
    (ink as dark as text, ``text``) just above and below: text crossing the rule's rows
    (a stub header centred beside the short rules under spanning headers) covers the
    gaps between them, but is no rule; a soft scan's blur beside a rule is not that dark."""
    if x2 <= x1:
        return 0.0
    marked = not_page[a:b, x1:x2].any(axis=0)
    if b - a > 4:  # touching runs merged (a blurred rule and the text beside it): no test
        return float(marked.mean())
    above, below = a - 2, b + 1
    if 0 <= above and below < text.shape[0]:
        marked &= ~(text[above, x1:x2] & text[below, x1:x2])
    return float(marked.mean())


def _whole(rule: Rule, not_page: B, text: B, x1: int, x2: int) -> Rule:
    """A rule found by its longest piece, spanning the table when its pieces cover most of
    it (a worn or broken rule, not the short rules under spanning headers)."""
    cover = _rule_cover(not_page, text, rule.pos, rule.end, x1, x2)
    if cover >= BROKEN_RULE_COVER and (rule.span[0] > x1 or rule.span[1] < x2):
        return Rule(rule.pos, rule.width, (min(x1, rule.span[0]), max(x2, rule.span[1])))
    return rule


def _grid_level(grey: U8, row_bg: F, h_rules: Sequence[Rule], levels: Levels) -> int:
    """The grey difference that marks a ruled grid's column rules: the rule level, or half
    the row rules' own contrast when that is less (a grid's column rules are drawn like
    its row rules; shrunk and faded, 1 px rules of a light grey keep 15-20 levels), never
    under the page's grain."""
    contrasts = []
    for r in h_rules:
        x1, x2 = r.span
        rows = np.abs(grey[r.pos : r.end, x1:x2].astype(np.int16) - row_bg[r.pos : r.end, None])
        if rows.size:
            contrasts.append(float(np.median(rows, axis=1).max()))
    if len(contrasts) < 2:
        return levels.rule
    half = 0.5 * float(np.median(contrasts))
    return int(min(levels.rule, max(half, levels.struct)))


def find_structure(grey: U8, marks: tuple[int, Levels, B] | None = None) -> Structure | str:
    """Rules, bands, extent and ink of the table in ``grey``, or why there is none.

    ``marks``: :func:`page_marks` of ``grey`` when the caller has them already."""
    page, levels, not_page = marks if marks is not None else page_marks(grey)
    h_rules, bands, extent = horizontal_structure(grey, not_page)
    levels = _text_levels(grey, page, levels, bands, h_rules)
    text: B = np.abs(grey.astype(np.int16) - page) >= levels.ink
    if extent is not None and len(h_rules) >= 2:
        h_rules += broken_rules(not_page, text, extent, h_rules, bands)
    h_rules = [_thin_rule(grey, r) for r in merge_touching(h_rules)]
    if extent is None:
        xs_any = np.nonzero(text.any(axis=0))[0]
        if xs_any.size == 0:
            return "no ink found: the image looks blank"
        ex1, ex2 = int(xs_any[0]), int(xs_any[-1]) + 1
    else:
        ex1, ex2 = extent
        h_rules = [_whole(r, not_page, text, ex1, ex2) for r in h_rules]
    edges = [y for a, b, _ in bands for y in (a, b)] + [y for r in h_rules for y in (r.pos, r.end)]
    row_bg = row_background(grey, ex1, ex2, edges)
    for r in h_rules:  # a rule's own rows: the background is what surrounds the rule
        if r.pos > 0:
            row_bg[r.pos : r.end] = row_bg[r.pos - 1]
    rows_any = np.nonzero(not_page[:, ex1:ex2].any(axis=1))[0]
    height_guess = max(10, int(rows_any[-1] - rows_any[0] + 1)) if rows_any.size else 10
    # vertical rules: the same analysis on the transposed table area
    v_found, _, _ = horizontal_structure(
        np.ascontiguousarray(grey[:, ex1:ex2].T),
        np.ascontiguousarray(not_page[:, ex1:ex2].T),
        min_len=max(20, int(0.5 * height_guess)),
    )
    v_found = merge_touching(v_found)
    v_rules = [Rule(r.pos + ex1, r.width, r.span) for r in v_found if r.width <= MAX_RULE_PX]
    if v_rules:
        longest_v = max(r.span[1] - r.span[0] for r in v_rules)
        v_rules = [r for r in v_rules if r.span[1] - r.span[0] >= 0.6 * longest_v]
        ex1 = min(ex1, min(r.pos for r in v_rules))
        ex2 = max(ex2, max(r.end for r in v_rules))
    col_level = _grid_level(grey, row_bg, h_rules, levels)
    v_rules = add_rules(v_rules, ruled_columns(grey, row_bg, h_rules, ex1, ex2, col_level))
    v_rules = not_crossed(v_rules, grey, row_bg, h_rules, col_level, levels.ink)
    v_drawn = drawn_pieces(grey, row_bg, v_rules, h_rules, col_level)
    ink = ink_mask(grey, row_bg, h_rules, v_drawn, levels.ink)
    for band in bands:
        clear_band_ends(ink, grey, band, ex1, ex2)
    # a rule under a spanning header (booktabs' cmidrule) is not a row boundary;
    # it is still not ink (removed above) and the build stage finds it again
    part_rules: list[Rule] = []
    if h_rules:
        widest = max(r.span[1] - r.span[0] for r in h_rules)
        part_rules = [r for r in h_rules if r.span[1] - r.span[0] < 0.7 * widest]
        h_rules = [r for r in h_rules if r.span[1] - r.span[0] >= 0.7 * widest]
    return Structure(
        grey,
        page,
        levels,
        tuple(h_rules),
        tuple(v_rules),
        tuple(v_drawn),
        tuple(bands),
        extent,
        ex1,
        ex2,
        row_bg,
        ink,
        tuple(part_rules),
    )
