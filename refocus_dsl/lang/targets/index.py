"""What label lookups need from one layout, computed once per layout."""

from __future__ import annotations

from collections.abc import Sequence

from refocus_dsl.lang.labels import LabelSet, loose_label, normalize_label
from refocus_dsl.layout import Box, Category, Column, Layout, Row, Series, Subplot

__all__ = ["LayoutIndex", "layout_index", "union", "intersect"]


def union(boxes: Sequence[Box | None]) -> Box | None:
    """The smallest box holding every given box (None when none is given)."""
    bs = [b for b in boxes if b is not None]
    if not bs:
        return None
    return (
        min(b[0] for b in bs),
        min(b[1] for b in bs),
        max(b[2] for b in bs),
        max(b[3] for b in bs),
    )


def intersect(a: Box, b: Box) -> Box | None:
    """The overlap of two half-open boxes (None when they do not overlap)."""
    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    if x2 <= x1 or y2 <= y1:
        return None
    return (x1, y1, x2, y2)


class LayoutIndex:
    """A layout's groups in order, with their label lookups and boxes."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        table = layout.table
        self.columns: list[Column] = sorted(table.columns, key=lambda c: c.index) if table else []
        rows = sorted(table.rows, key=lambda r: r.index) if table else []
        self.body_rows: list[Row] = [r for r in rows if not r.is_header]
        self.all_rows: list[Row] = rows
        self.header_boxes: tuple[Box, ...] = tuple(r.bbox for r in rows if r.is_header)
        # A detected layout's text was read by OCR; a gold layout's was not.
        ocr = layout.detector is not None
        self.read_by_ocr = ocr
        self.column_labels = LabelSet([c.header for c in self.columns], ocr)
        self.row_labels = LabelSet([r.label for r in rows], ocr)
        chart = layout.chart
        self.categories: list[Category] = (
            sorted(chart.categories, key=lambda c: c.index) if chart else []
        )
        self.category_labels = LabelSet([c.label for c in self.categories], ocr)
        self.category_boxes: list[Box | None] = [
            c.region if c.region is not None else union([c.bar_bbox, c.label_bbox])
            for c in self.categories
        ]
        self.series: list[Series] = sorted(chart.series, key=lambda s: s.index) if chart else []
        self.series_labels = LabelSet([s.label or "" for s in self.series], ocr)
        self._series_boxes: list[list[Box | None]] | None = None
        self.subplots: list[Subplot] = sorted(layout.subplots, key=lambda s: s.index)
        self.subplot_titles = LabelSet([s.title or "" for s in self.subplots], ocr)
        self.whole: Box = (0, 0, layout.width, layout.height)
        self._cells: dict[tuple[int, int], Box] | None = None
        self._texts: list[tuple[str, Box]] | None = None
        self._text_keys: list[tuple[str, str]] | None = None

    @property
    def table_extent(self) -> Box | None:
        return self.layout.table.bbox if self.layout.table is not None else None

    def chart_extent(self) -> Box | None:
        chart = self.layout.chart
        plot = chart.plot_bbox if chart is not None else None
        return union([plot, *self.category_boxes])

    @property
    def legend_read(self) -> bool:
        """Whether any series has a label (a legend was read), or only bar colours."""
        return any(s.label for s in self.series)

    def series_boxes(self) -> list[list[Box | None]]:
        """``[k][i]``: what targets name for series k's bar in category i (None: no bar).

        A bar standing beside the others of its group gets its band: its own width,
        across the plot area (so its value label goes with it), as a category gets
        its region. A stacked segment shares its width with the others of its stack,
        so it is its own box.
        """
        if self._series_boxes is None:
            chart = self.layout.chart
            plot = chart.plot_bbox if chart is not None else None
            vertical = chart is None or chart.orientation != "horizontal"
            out: list[list[Box | None]] = [[] for _ in self.series]
            for cat in self.categories:
                bars = list(cat.bars[: len(self.series)])
                bars += [None] * (len(self.series) - len(bars))
                for k in range(len(bars)):
                    out[k].append(_series_box(k, bars, plot, vertical))
            self._series_boxes = out
        return self._series_boxes

    def cell_box(self, row: Row, col: Column) -> Box | None:
        if self._cells is None:
            cells: dict[tuple[int, int], Box] = {}
            table = self.layout.table
            for c in table.cells if table is not None else ():
                if c.bbox is not None:
                    cells[(c.row, c.col)] = c.bbox
            self._cells = cells
        box = self._cells.get((row.index, col.index))
        return box if box is not None else intersect(row.bbox, col.bbox)

    def texts(self) -> list[tuple[str, Box]]:
        """Every piece of text the layout places: (text, box)."""
        if self._texts is None:
            out: list[tuple[str, Box]] = []
            table = self.layout.table
            if table is not None:
                for cell in table.cells:
                    if cell.bbox is not None and cell.text:
                        out.append((cell.text, cell.bbox))
                if not table.cells:
                    first_col = self.columns[0].bbox if self.columns else None
                    header = union(list(self.header_boxes))
                    for col in self.columns:
                        box = intersect(col.bbox, header) if header else col.bbox
                        if col.header and box is not None:
                            out.append((col.header, box))
                    for row in self.all_rows:
                        box = intersect(row.bbox, first_col) if first_col else row.bbox
                        if row.label and box is not None:
                            out.append((row.label, box))
            for cat, box in zip(self.categories, self.category_boxes, strict=True):
                lbox = cat.label_bbox or box
                if cat.label and lbox is not None:
                    out.append((cat.label, lbox))
            for sub in self.subplots:
                if sub.title:
                    out.append((sub.title, sub.bbox))
            self._texts = out
        return self._texts

    def text_keys(self) -> list[tuple[str, str]]:
        """The normalised and loose form of each of :meth:`texts`, in the same order."""
        if self._text_keys is None:
            self._text_keys = [(normalize_label(t), loose_label(t)) for t, _ in self.texts()]
        return self._text_keys


def _series_box(k: int, group: list[Box | None], plot: Box | None, vertical: bool) -> Box | None:
    """Series k's target box in one category (see :meth:`LayoutIndex.series_boxes`)."""
    bar = group[k]
    if bar is None or plot is None:
        return bar
    lo, hi = (bar[0], bar[2]) if vertical else (bar[1], bar[3])
    for j, other in enumerate(group):
        if other is None or j == k:
            continue
        olo, ohi = (other[0], other[2]) if vertical else (other[1], other[3])
        if min(hi, ohi) - max(lo, olo) > 0.5 * min(hi - lo, ohi - olo):
            return bar  # a stack: the segment alone
    if vertical:
        return (bar[0], min(bar[1], plot[1]), bar[2], max(bar[3], plot[3]))
    return (min(bar[0], plot[0]), bar[1], max(bar[2], plot[2]), bar[3])


_cache: dict[int, LayoutIndex] = {}


def layout_index(layout: Layout) -> LayoutIndex:
    """The index of ``layout``, kept for the last few layouts (each is checked, then run)."""
    idx = _cache.get(id(layout))
    if idx is None or idx.layout is not layout:
        if len(_cache) >= 16:
            _cache.clear()
        idx = LayoutIndex(layout)
        _cache[id(layout)] = idx
    return idx
