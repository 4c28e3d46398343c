"""Multi-panel figures: panels found by recursive whitespace cuts, numbered in reading order.

Why XY-cuts: panels of a figure are separated by bands of page colour (or by a
uniform rule) that cross the whole group of panels; text bands that are too
thin to be panels (panel letters such as "(a)", a figure title, captions) are
peeled off first and become titles, so they neither split nor join panels.
Only those thin bands are OCR'd, so a figure costs no OCR when it has no letters.
A figure with one panel is a single chart: :func:`detect_figure` then returns
the chart layout with that one panel in ``subplots``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter

from refocus_dsl.detect._raster import (
    U8,
    border_colour,
    colour_distance,
    long_runs,
    runs,
    to_rgb_array,
)
from refocus_dsl.detect._seams import (
    CORE_PX,
    GRIDLINE_MAX_PX,
    RULE_MAX_PX,
    axis_at_one_end,
    cut_off,
    enclosed,
    fills_meet,
    gridline_edge,
    inside_fill,
    marks_cross,
    plain_positions,
    runs_across,
    snap_to_card,
)
from refocus_dsl.detect._text_bands import (
    TEXT_MIN_PX,
    WORD_SPACE,
    gutter_column,
    is_card,
    is_prose,
    shared_width,
)
from refocus_dsl.detect.figure_confidence import (
    FigureEvidence,
    figure_confidence,
    figure_evidence,
    panel_rows,
)
from refocus_dsl.detect.panels import with_panel_layouts
from refocus_dsl.detect.prepared import Prepared
from refocus_dsl.layout import Box, Layout, Subplot
from refocus_dsl.ocr import OcrEngine

VERSION = "14"

BoolArr = npt.NDArray[np.bool_]

MIN_PANEL_FRACTION = 0.12
"""A piece thinner than this share of its group (or than MIN_PANEL_PX) is text, not a panel."""
MIN_PANEL_PX = 48
MAX_DEPTH = 6
SPAN_OWN = 0.8
SPAN_OTHER = 0.5
"""A text line spanning at least SPAN_OWN of a panel above it and less than SPAN_OTHER of
every panel below is the upper panel's (see :func:`_own_text`)."""
SPECK_SHARE = 0.05
"""A line this little ink, all of it faint specks, is blank (JPEG ringing in a gap)."""
DENSE_SHARE = 0.8
"""A CORE_PX square this much ink is a fill (cut by gridlines), never text."""


@dataclass(frozen=True)
class Panels:
    """Panel boxes in reading order, thin text bands peeled off above or below them, and
    the evidence for the reading (see :mod:`refocus_dsl.detect.figure_confidence`)."""

    boxes: tuple[Box, ...]
    bands: tuple[Box, ...]
    evidence: FigureEvidence | None = None


def _ink_level(rgb: U8) -> int:
    """How far from the page colour counts as ink: 5, or above the page's own noise
    (grain, JPEG) as the image's border shows it around its commonest colour."""
    edge = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]])
    d = colour_distance(edge[None, :, :], border_colour(rgb))
    # The median: a clean border is mostly exactly one colour whatever touches it.
    return max(5, 3 * int(np.median(d)) + 3)


def _main_colour(rgb: U8) -> tuple[int, int, int]:
    """The commonest colour of a region (on a sparse sample): its background."""
    sample = rgb[:: max(1, rgb.shape[0] // 64), :: max(1, rgb.shape[1] // 64)].reshape(-1, 3)
    sample = sample.astype(np.int64)
    packed = (sample[:, 0] << 16) | (sample[:, 1] << 8) | sample[:, 2]
    vals, counts = np.unique(packed, return_counts=True)
    top = int(vals[int(np.argmax(counts))])
    return (top >> 16) & 255, (top >> 8) & 255, top & 255


class _Cutter:
    def __init__(self, rgb: U8, page: tuple[int, int, int], edges: bool = True) -> None:
        self.rgb = rgb
        self.page = np.asarray(page, dtype=np.int16)
        self.edges = edges
        self.page_rgb = page
        self.level = _ink_level(rgb)
        self.ink = colour_distance(rgb, page) > self.level
        self.h, self.w = self.ink.shape
        self.runs = (long_runs(self.ink, CORE_PX, 0), long_runs(self.ink, CORE_PX, 1))
        self.struct = self.runs[0] | self.runs[1]
        self.bands: list[Box] = []
        self.main = np.asarray(_main_colour(rgb), dtype=np.int16)

    @functools.cached_property
    def soft_ink(self) -> BoolArr:
        """Ink on a 3x3 mean of the image: a faint speck (JPEG ringing) is no ink there,
        while a line or a fill still is."""
        soft = np.asarray(Image.fromarray(self.rgb).filter(ImageFilter.BoxBlur(1)))
        out: BoolArr = colour_distance(soft, self.page_rgb) > self.level
        return out

    @functools.cached_property
    def ink_sums(self) -> npt.NDArray[np.int32]:
        """Ink counts over every top-left rectangle (an integral image), for _dense_core
        (made when first asked: most images never need it)."""
        sums = self.ink.cumsum(axis=0, dtype=np.int32).cumsum(axis=1)
        return np.pad(sums, ((1, 0), (1, 0)))

    def _separators(self, box: Box, axis: int, outer: Box | None = None) -> BoolArr:
        """Rows (axis 0) or columns (axis 1) of ``box`` that are page colour or one flat colour."""
        x1, y1, x2, y2 = box
        ink = self.ink[y1:y2, x1:x2]
        rgb = self.rgb[y1:y2, x1:x2]
        lines = rgb if axis == 0 else rgb.transpose(1, 0, 2)
        # Blank: no ink, or only a few faint specks that a 3x3 mean takes off (JPEG
        # ringing beside a line's end or an edge, reaching into a narrow gap).
        sparse: BoolArr = np.asarray(ink.mean(axis=1 - axis) <= SPECK_SHARE)
        specks: BoolArr = np.asarray(~self.soft_ink[y1:y2, x1:x2].any(axis=1 - axis) & sparse)
        empty: BoolArr = np.asarray(~ink.any(axis=1 - axis))
        ink_lines = ink if axis == 0 else ink.T
        # In a gap of a few pixels the mean takes in the panels on both sides, and specks
        # bunched beside a title's edge outlast it. Such specks are scattered: no stroke
        # runs through them from one side of the gap to the other, as any line or curve
        # drawn across it does. (Only bands of sparse lines with no blank line: where
        # one is, the gap is found already.)
        for s, e in runs(sparse):
            if 0 < s and e < len(sparse) and not (empty[s:e] | specks[s:e]).any():
                specks[s:e] = cut_off(ink_lines[s:e], ink_lines[s - 1], ink_lines[e])
        blank: BoolArr = np.asarray(
            (empty | specks) & ~self._edge_bands(box, axis, outer or box)
        )
        for s, e in runs(blank):
            if e - s <= GRIDLINE_MAX_PX and inside_fill(lines, ink_lines, s, e):
                blank[s:e] = False
        # Only a line that is ink from end to end can be one flat colour other than the
        # page's (a line near the page colour is blank already): test just those.
        full = np.flatnonzero(ink.mean(axis=1 - axis) >= 0.97)
        flat = np.zeros(blank.shape, dtype=bool)
        other = np.zeros(blank.shape, dtype=bool)
        if full.size:
            cand = lines[full].astype(np.int16)
            # Flat allowing for noise and compression: nearly every pixel near the median.
            med = np.median(cand, axis=1).astype(np.int16)
            near = np.abs(cand - med[:, None, :]).max(axis=2) <= 10
            flat[full] = near.mean(axis=1) >= 0.97
            # A flat line of the region's own main colour is inside a panel (a white
            # card's empty column); a flat line of another colour is a rule or two
            # frames meeting. (The main colour only here: most regions have no such line.)
            main = np.asarray(_main_colour(rgb), dtype=np.int16)
            other[full] = np.abs(med - main).max(axis=1) > 10
        # A frame's own edge is a flat line too, but only a pixel or two thick.
        ruled = flat & other
        thick = np.zeros_like(ruled)
        # A band wider than RULE_MAX_PX is a fill (a plot's tint between its bars).
        # And a band whose colour runs on into the line beside it is no rule but part
        # of a wider area of that colour: a white card's empty columns on a grey page.
        # Only where cards meeting are also found by their edges (``edges``): the
        # classifier, which splits at gaps alone, tells two white cards pasted edge to
        # edge apart by such a band.
        for s, e in runs(ruled):
            if 4 <= e - s <= RULE_MAX_PX and not (self.edges and self._runs_on(lines, s, e)):
                thick[s:e] = True
        out: BoolArr = blank | thick
        return out

    @staticmethod
    def _runs_on(lines: U8, s: int, e: int) -> bool:
        """Whether the flat band ``lines[s:e]`` has the colour of a line beside it."""
        colour = np.median(lines[s:e].reshape(-1, 3), axis=0)
        return any(
            np.abs(np.median(lines[k], axis=0) - colour).max() <= 10
            for k in (s - 1, e)
            if 0 <= k < len(lines)
        )

    def _edge_bands(self, box: Box, axis: int, outer: Box) -> BoolArr:
        """Ink of a band across the cut lying right against the two sides of the piece
        ``outer`` that ``box`` was trimmed from: lines inked over nearly the box's whole
        width (up to RULE_MAX_PX of them; a card's shadow or a frame's edge that an
        earlier cut took off as a rule). A gap they cross is inside that card, not
        between panels (the side bar of buttons in a web chart)."""
        x1, y1, x2, y2 = box
        out = np.zeros((y2 - y1) if axis == 0 else (x2 - x1), dtype=bool)
        span = self.ink[:, x1:x2] if axis == 1 else self.ink[y1:y2].T
        olo, ohi = (outer[1], outer[3]) if axis == 1 else (outer[0], outer[2])
        for k, step in ((olo - 1, -1), (ohi, 1)):
            full = 0
            while 0 <= k < len(span) and full < RULE_MAX_PX and span[k].mean() >= 0.97:
                out |= span[k]
                k += step
                full += 1
        return out

    def _content(self, box: Box) -> Box | None:
        x1, y1, x2, y2 = box
        ink = self.ink[y1:y2, x1:x2]
        rows = np.flatnonzero(ink.any(axis=1))
        cols = np.flatnonzero(ink.any(axis=0))
        if rows.size == 0 or cols.size == 0:
            return None
        return (
            x1 + int(cols[0]), y1 + int(rows[0]), x1 + int(cols[-1]) + 1, y1 + int(rows[-1]) + 1
        )

    def _edges(self, box: Box, axis: int) -> list[int]:
        """Offsets where a straight colour step crosses nearly all of ``box``: two panels
        pasted with no gap meet there. Not where drawing runs on across the step (a bar's
        edge, a gridline or a table's rule: the axis, other gridlines or rules cross it)."""
        x1, y1, x2, y2 = box
        sub = self.rgb[y1:y2, x1:x2].astype(np.int16)
        if min(sub.shape[0], sub.shape[1]) < 2 * MIN_PANEL_PX:
            return []
        lines = sub if axis == 0 else sub.transpose(1, 0, 2)
        step = (np.abs(np.diff(lines, axis=0)).max(axis=2) > 8).mean(axis=1)
        found = np.flatnonzero(step >= 0.92).tolist()
        if not found:
            return []
        ink = self.ink[y1:y2, x1:x2]
        ink = ink if axis == 0 else ink.T
        out = []
        half = CORE_PX // 2
        off: BoolArr | None = None  # lines off the box's own colour, once per box
        soft = self.soft_ink[y1:y2, x1:x2]
        plain = plain_positions(soft if axis == 1 else soft.T)
        for i in found:
            if gridline_edge(lines, ink, int(i)) or fills_meet(
                lines, ink, int(i), self.page
            ):
                continue
            lo, hi = max(0, i - half), min(len(lines), i + half + 1)
            # Drawing against the figure's commonest colour too (white cards on grey).
            drawn = ink[lo:hi] & (np.abs(lines[lo:hi] - self.main).max(axis=2) > 10)
            # Drawing that runs on across the step means the step is inside one drawing.
            # Cards' own top and bottom edges meet across the step: only the inside counts.
            if (
                runs_across(drawn, plain) <= 1
                and not enclosed(ink, lo, hi, i)
                and not axis_at_one_end(drawn)
                and not marks_cross(drawn, lines[lo:hi], i - lo)
            ):
                off = self._off_main(lines) if off is None else off
                out.append(snap_to_card(ink, self._band_middle(off, int(i) + 1)))
        return out

    @staticmethod
    def _off_main(lines: npt.NDArray[np.int16]) -> BoolArr:
        """Which lines are off the box's own colour (their median, against the box's):
        measured once per box, not per step (hundreds of steps in a strip of bars)."""
        main = np.median(lines[:, :: max(1, lines.shape[1] // 64)].reshape(-1, 3), axis=0)
        return np.asarray(np.abs(np.median(lines, axis=1) - main).max(axis=1) > 5)

    @staticmethod
    def _band_middle(off: BoolArr, cut: int) -> int:
        """Two pasted cards' soft borders meet in a band of a few lines off the cards'
        own colour (``off``); the step found is at one side of it: cut at its middle
        instead."""
        a, b = cut, cut
        while a > max(0, cut - 12) and off[a - 1]:
            a -= 1
        while b < min(len(off), cut + 12) and off[b]:
            b += 1
        return (a + b) // 2

    def _pieces(
        self, box: Box, axis: int, allow_edges: bool = False, depth: int = 0,
        outer: Box | None = None,
    ) -> list[tuple[int, int]]:
        """Content segments of ``box`` (trimmed from ``outer``) along ``axis`` (absolute
        coordinates)."""
        sep = self._separators(box, axis, outer)
        origin = box[1] if axis == 0 else box[0]
        segs = runs(~sep)
        extent = (box[3] - box[1]) if axis == 0 else (box[2] - box[0])
        big = [r for r in segs if not self._thin(r[1] - r[0], extent)]
        # No gap between panels: fall back to straight edges, and only accept a cut
        # that leaves two sizeable sides (an axis line inside a chart does not).
        cuts = self._edges(box, axis) if len(big) < 2 and allow_edges and depth <= 3 else []
        cuts = [c for c in cuts if min(c, extent - c) >= 0.25 * extent]
        if cuts:
            split: list[tuple[int, int]] = []
            for s, e in segs:
                inner = [c for c in cuts if s < c < e]
                for a, b in zip([s, *inner], [*inner, e], strict=True):
                    split.append((a, b))
            segs = split
        return [(origin + s, origin + e) for s, e in segs]

    def _thin(self, length: int, extent: int) -> bool:
        return length < max(MIN_PANEL_PX, MIN_PANEL_FRACTION * extent)

    def _has_core(self, box: Box) -> bool:
        """Whether ``box`` holds drawing (long lines, fills) at least CORE_PX wide and tall."""
        x1, y1, x2, y2 = box
        sub = self.struct[y1:y2, x1:x2]
        rows = np.flatnonzero(sub.any(axis=1))
        if rows.size and rows[-1] - rows[0] + 1 >= CORE_PX:
            cols = np.flatnonzero(sub.any(axis=0))
            if cols[-1] - cols[0] + 1 >= CORE_PX:
                return True
        return self._dense_core(box)

    def _dense_core(self, box: Box) -> bool:
        """Whether some CORE_PX square of ``box`` is nearly all ink: a fill that page-coloured
        gridlines cut into runs shorter than CORE_PX (a heatmap's cells, a tinted plot with
        close gridlines). Text never covers DENSE_SHARE of a square that size."""
        x1, y1, x2, y2 = box
        if x2 - x1 < CORE_PX or y2 - y1 < CORE_PX:
            return False
        c = self.ink_sums
        k = CORE_PX
        win = (
            c[y1 + k : y2 + 1, x1 + k : x2 + 1] - c[y1 : y2 + 1 - k, x1 + k : x2 + 1]
            - c[y1 + k : y2 + 1, x1 : x2 + 1 - k] + c[y1 : y2 + 1 - k, x1 : x2 + 1 - k]
        )
        return bool(win.max() >= DENSE_SHARE * k * k)

    def _text_piece(self, piece: tuple[int, int], box: Box, axis: int, extent: int) -> bool:
        """A piece that cannot be a panel on its own: too thin, or no drawing in it."""
        if self._thin(piece[1] - piece[0], extent):
            return True
        x1, y1, x2, y2 = box
        sub = (x1, piece[0], x2, piece[1]) if axis == 0 else (piece[0], y1, piece[1], y2)
        return not self._has_core(sub)

    def _peel(self, box: Box) -> Box:
        """Take text bands off the top and bottom of ``box``; return what is left."""
        # Lines a pixel or two thick (gridlines, rules) are not text bands.
        pieces = [p for p in self._pieces(box, 0) if p[1] - p[0] >= 2]
        if len(pieces) < 2:
            return box
        extent = box[3] - box[1]
        x1, _, x2, _ = box
        while len(pieces) >= 2 and self._text_piece(pieces[0], box, 0, extent):
            self.bands.append((x1, pieces[0][0], x2, pieces[0][1]))
            pieces.pop(0)
        while len(pieces) >= 2 and self._text_piece(pieces[-1], box, 0, extent):
            self.bands.append((x1, pieces[-1][0], x2, pieces[-1][1]))
            pieces.pop()
        return (x1, pieces[0][0], x2, pieces[-1][1])

    def _split(self, box: Box, axis: int, depth: int, outer: Box | None = None) -> list[Box]:
        pieces = self._pieces(box, axis, allow_edges=self.edges, depth=depth, outer=outer)
        extent = (box[3] - box[1]) if axis == 0 else (box[2] - box[0])
        # Text pieces (tick labels, legends, letters) join the nearer neighbour; they
        # never stand alone.
        merged = [[s, e, self._text_piece((s, e), box, axis, extent)] for s, e in pieces]
        if all(m[2] for m in merged):
            return [box]
        while len(merged) >= 2 and any(m[2] for m in merged):
            i = next(k for k, m in enumerate(merged) if m[2])
            s, e = merged[i][0], merged[i][1]
            gap_prev = s - merged[i - 1][1] if i > 0 else 10**9
            gap_next = merged[i + 1][0] - e if i + 1 < len(merged) else 10**9
            j = i - 1 if gap_prev < gap_next else i + 1
            if axis == 1 and j < i and i + 1 < len(merged) and self._turned_title(
                (s, box[1], e, box[3]), gap_prev
            ):
                j = i + 1
            merged[j][0], merged[j][1] = min(merged[j][0], s), max(merged[j][1], e)
            merged.pop(i)
        if axis == 0:
            return [(box[0], s, box[2], e) for s, e, _ in merged]
        return [(s, box[1], e, box[3]) for s, e, _ in merged]

    def _turned_title(self, piece: Box, gap_prev: int) -> bool:
        """Whether the text ``piece`` between two panels side by side is the right one's
        y axis title: one line of text turned upright (at least TEXT_MIN_PX wide and
        three times as tall, no blank along it wider than a word space), standing off the left panel
        by more than its own width. A column of buttons or stacked tick labels has wide
        blanks between its items; a colour bar's label hugs its bar."""
        content = self._content(piece)
        if content is None:
            return False
        x1, y1, x2, y2 = content
        width = x2 - x1
        if width < TEXT_MIN_PX or y2 - y1 < 3 * width or gap_prev <= width:
            return False
        blank: BoolArr = np.asarray(~self.ink[y1:y2, x1:x2].any(axis=1))
        return all(e - s < WORD_SPACE * width for s, e in runs(blank))

    def cut(self, box: Box, depth: int = 0) -> list[Box]:
        content = self._content(box)
        if content is None:
            return []
        content = self._peel(content)
        if depth >= MAX_DEPTH:
            return [content]
        for axis in (0, 1):
            parts = self._split(content, axis, depth, outer=box)
            if len(parts) >= 2 or parts[0] != content:
                # One part smaller than the content: a rule along its side was taken
                # off (a neighbour's frame edge); what is left may split further.
                out: list[Box] = []
                for p in parts:
                    out.extend(self.cut(p, depth + 1))
                return out
        return [content]


def _gap_colours(rgb: U8) -> list[tuple[int, int, int]]:
    """Colours of rows and columns that are one flat colour across the whole image: the
    gaps between panels (commonest first)."""
    found: dict[tuple[int, int, int], int] = {}
    # One channel first (a fast 2-D reduction), then the few candidate lines in colour.
    green = np.ascontiguousarray(rgb[:, :, 1])
    for axis in (1, 0):
        cand = np.flatnonzero(
            green.max(axis=axis).astype(np.int16) - green.min(axis=axis) <= 3
        )
        for i in cand.tolist():
            line = (rgb[i] if axis == 1 else rgb[:, i]).astype(np.int16)
            if int((line.max(axis=0) - line.min(axis=0)).max()) > 3:
                continue
            key = (int(line[0, 0]), int(line[0, 1]), int(line[0, 2]))
            found[key] = found.get(key, 0) + 1
    return sorted(found, key=lambda k: -found[k])


def _page_colour(rgb: U8) -> tuple[int, int, int]:
    """The page: the border's colour, unless that is a thin frame drawn on the edge, or
    the panels reach the image's edge (no margin: the edge is not one colour all round)
    and the gaps between them, lines of one colour across the whole image, show the
    page in a colour other than the panels' edges."""
    outer = border_colour(rgb)
    h, w = rgb.shape[:2]
    if min(h, w) <= 8:
        return outer
    edges = (rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1])
    framed = all(int((e.max(axis=0).astype(np.int16) - e.min(axis=0)).max()) <= 3 for e in edges)
    if not framed:  # panels reach the image's edge: no margin to read the page from
        other = [
            g for g in _gap_colours(rgb)
            if max(abs(a - b) for a, b in zip(g, outer, strict=True)) > 5
        ]
        if other:
            return other[0]
    inner = border_colour(rgb[3 : h - 3, 3 : w - 3])
    if inner == outer:
        return outer
    near = colour_distance(rgb, outer) <= 5
    # A frame drawn on the edge shows its colour only there; a page with margins of a
    # few pixels also shows between the panels, in lines across the whole image.
    across = bool(near[3 : h - 3].all(axis=1).any() or near[:, 3 : w - 3].all(axis=0).any())
    return inner if float(near.mean()) < 0.05 and not across else outer


def _blank(region: U8) -> bool:
    """A region of one flat colour holds no panel. It is page showing through where the
    page colour was misjudged: with no margin, the image's border is the panels' own
    edge colour, and the empty space under a short panel in a row looks like ink."""
    sample = region[::4, ::4].reshape(-1, 3).astype(np.int16)
    if sample.shape[0] == 0:
        return True
    return bool((np.abs(sample - sample[0]).max(axis=1) <= 10).mean() >= 0.99)


def find_panels(image: Image.Image, edges: bool = True) -> Panels:
    """Panel boxes (reading order) and the thin text bands beside them; no OCR.

    ``edges=False``: split only at page-coloured gaps, never at straight colour edges
    (the classifier's choice: a ruled table's column lines are such edges too).
    """
    rgb = to_rgb_array(image)
    h, w = rgb.shape[:2]
    cutter = _Cutter(rgb, _page_colour(rgb), edges)
    boxes = [
        b for b in cutter.cut((0, 0, w, h))
        if b[2] - b[0] >= MIN_PANEL_PX and b[3] - b[1] >= MIN_PANEL_PX
        and not _blank(rgb[b[1] : b[3], b[0] : b[2]])
    ]
    boxes, bands = _own_text(cutter, boxes)
    ordered = tuple(_reading_order(boxes))
    evidence = figure_evidence(ordered, cutter.ink, cutter.runs[0], cutter.runs[1])
    return Panels(ordered, tuple(bands), evidence)


def _own_text(cutter: _Cutter, found: list[Box]) -> tuple[list[Box], list[Box]]:
    """Panels grown by the text bands that are their own, and the bands left over.

    A band under a row of panels (tick labels, a legend, a source line) is cut where
    the gaps between those panels run on through it; each piece joins the panel above
    it when it is nearer to that panel than to any panel below it. Text that crosses a
    gap (a caption under the whole figure), or sits nearer the panel below (its title or
    letter), stays a band. Why: pasted charts a few pixels apart put their x labels side
    by side on one line, so whole lines never fit under one panel."""
    boxes = list(found)
    # How far down each panel's text reaches by nearness: a line taken for its width
    # alone does not bring the panel nearer to the next row's text.
    reach = [b[3] for b in boxes]
    bands: list[Box] = []
    captions: list[Box] = []
    for band in sorted(cutter.bands, key=lambda b: b[1]):
        whole = cutter._content(band)
        if whole is None:
            continue
        # The panels right above the band (none between them and it, nor a line of a
        # caption: the caption's next lines), left to right.
        above = sorted(
            (i for i, b in enumerate(boxes)
             if b[3] <= whole[1] + 2 and b[0] < whole[2] and whole[0] < b[2]
             and not any(o[1] >= b[3] - 2 and o[3] <= whole[1] + 2 and o[0] < b[2]
                         and b[0] < o[2] for o in [*boxes, *captions] if o != b)),
            key=lambda i: boxes[i][0],
        )
        # A line of running text under two or more panels is a caption, whatever
        # blank between its words happens to fall in the gap between them.
        if len(above) >= 2 and is_prose(cutter.ink, whole):
            captions.append(whole)
            bands.append(whole)
            continue
        cuts = [
            gutter_column(cutter.ink, whole, boxes[i][2], boxes[j][0])
            for i, j in zip(above, above[1:], strict=False)
        ]
        if not above or None in cuts:
            bands.append(whole)
            continue
        edges = [whole[0], *[c for c in cuts if c is not None], whole[2]]
        for i, x1, x2 in zip(above, edges, edges[1:], strict=False):
            piece = cutter._content((x1, whole[1], x2, whole[3])) if x2 > x1 else None
            if piece is None:
                continue
            ob = boxes[i]
            # Panels below this panel's share of the band or the panel itself, not only
            # below the piece's ink: a letter stands left of its panel's box (over its
            # y tick labels).
            lo, hi = min(x1, ob[0]), max(x2, ob[2])
            below = [b for b in boxes if b[1] >= piece[3] - 2 and b[0] < hi and lo < b[2]]
            nearer = piece[1] - reach[i] < min((b[1] - piece[3] for b in below), default=10**9)
            # A line as wide as the panel above and not as any panel below is that
            # panel's own (its source line pasted just above the next row), however near.
            spans = shared_width(piece, ob) >= SPAN_OWN and all(
                shared_width(piece, b) < SPAN_OTHER for b in below
            )
            # A card (a tint or a frame along its bottom line and both sides) holds its
            # own text: text outside it below is figure text (a caption under the figure).
            carded = is_card(cutter.rgb, cutter.ink, ob)
            if (nearer or spans) and not carded:
                boxes[i] = (min(ob[0], piece[0]), ob[1], max(ob[2], piece[2]), piece[3])
                reach[i] = piece[3] if nearer else reach[i]
            else:
                bands.append(piece)
    return boxes, bands


def ink_and_runs(image: Image.Image) -> tuple[BoolArr, BoolArr, BoolArr]:
    """Ink of ``image``, and its ink on long vertical and horizontal runs, as the panel
    finder sees them: the drawing the figure's confidence looks for in each panel."""
    rgb = to_rgb_array(image)
    cutter = _Cutter(rgb, _page_colour(rgb))
    return cutter.ink, cutter.runs[0], cutter.runs[1]


def _reading_order(boxes: list[Box]) -> list[Box]:
    """Row by row (boxes whose vertical extents overlap by half share a row), left to right."""
    return [b for row in panel_rows(boxes) for b in row]


def _titles(image: Image.Image, panels: Panels, ocr: OcrEngine) -> tuple[list[str | None], str]:
    """OCR the peeled bands: text over one panel is its title; across panels, the figure's."""
    titles: list[str | None] = [None] * len(panels.boxes)
    figure_title: list[str] = []
    top = min(b[1] for b in panels.boxes)
    # One OCR call per line of bands (letters above a row of panels share a line).
    lines: list[list[int]] = []
    for b in sorted(panels.bands, key=lambda b: b[1]):
        if b[3] - b[1] > 120:
            continue
        if lines and b[1] < lines[-1][3] and b[3] > lines[-1][1]:
            last = lines[-1]
            lines[-1] = [
                min(last[0], b[0]), min(last[1], b[1]), max(last[2], b[2]), max(last[3], b[3])
            ]
        else:
            lines.append(list(b))
    for x1, y1, x2, y2 in lines:
        band = (max(0, x1 - 4), max(0, y1 - 3), x2 + 4, y2 + 3)
        words = ocr.words(image, box=band, psm=11)
        for word in words:
            if not word.text.strip() or word.confidence < 30:
                continue
            cx = (word.bbox[0] + word.bbox[2]) / 2.0
            cy = (word.bbox[1] + word.bbox[3]) / 2.0
            best, best_d = None, float("inf")
            for i, b in enumerate(panels.boxes):
                if not (b[0] - 4 <= cx <= b[2] + 4):
                    continue
                d = b[1] - cy if cy < b[1] else cy - b[3] if cy > b[3] else 0.0
                if 0 <= d < best_d:
                    best, best_d = i, d
            spans = sum(1 for b in panels.boxes if b[0] <= word.bbox[2] and word.bbox[0] <= b[2])
            if best is None or spans > 1 and best_d > 60:
                # A figure's title is above its panels; a line below them (source
                # lines of pasted charts side by side) is no title.
                if cy < top:
                    figure_title.append(word.text)
                continue
            prev = titles[best]
            titles[best] = f"{prev} {word.text}" if prev else word.text
    return titles, " ".join(figure_title)


def detect_figure(
    image: Image.Image, ocr: OcrEngine, prepared: Prepared | None = None
) -> Layout:
    """Detect the panels of a figure; one panel means a single chart (see module
    docstring), read from ``prepared`` (the kind classifier's fills) when given."""
    panels = find_panels(image)
    w, h = image.size
    if len(panels.boxes) <= 1:
        from refocus_dsl.detect.chart import detect_chart

        chart = detect_chart(image, ocr, prepared)
        box = panels.boxes[0] if panels.boxes else (0, 0, w, h)
        return Layout(
            width=chart.width,
            height=chart.height,
            kind=chart.kind,
            chart=chart.chart,
            subplots=(Subplot(0, box, None),),
            notes=("one panel: detected as a single chart",) + chart.notes,
            confidence=chart.confidence,
            detector=chart.detector,
        )
    titles: list[str | None] = [None] * len(panels.boxes)
    fig_title = ""
    if panels.bands:
        titles, fig_title = _titles(image, panels, ocr)
    subplots = tuple(Subplot(i, b, titles[i]) for i, b in enumerate(panels.boxes))
    subplots = with_panel_layouts(image, subplots, ocr)
    notes = [f"{len(subplots)} panels"]
    if fig_title:
        notes.append(f"figure title: {fig_title}")
    evidence = panels.evidence
    return Layout(
        width=w, height=h, kind="figure", subplots=subplots, notes=tuple(notes),
        confidence=figure_confidence(evidence, len(subplots)) if evidence else None,
        detector={"evidence": evidence.as_dict()} if evidence else None,
    )
