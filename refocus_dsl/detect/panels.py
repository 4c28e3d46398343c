"""Each panel's own layout: the bar chart inside one panel of a figure.

Why: a question about a figure often names a bar of one panel; with the panel's
own layout, ``bars("Q2", subplot=2)`` can name it. Each panel is cut out,
detected as a bar chart, and every box moved back into the whole image's
coordinates (the panel layout keeps the image's size, so a target resolves on
it exactly as on the image's own layout). Only charts are looked for: the kind
classifier would cost as much again per panel, and panels are mostly charts;
the format also carries a table panel, for gold layouts and other detectors.
"""

from __future__ import annotations

import dataclasses

from PIL import Image

from refocus_dsl.layout import Box, Category, Chart, Layout, Series, Subplot, Table
from refocus_dsl.ocr import OcrEngine

MIN_PANEL = 48
"""Panels smaller than this many pixels either way hold no readable chart or table."""


def _move(box: Box | None, dx: int, dy: int) -> Box | None:
    return None if box is None else (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)


def _moved_table(t: Table, dx: int, dy: int) -> Table:
    def m(b: Box) -> Box:
        moved = _move(b, dx, dy)
        assert moved is not None
        return moved

    return Table(
        bbox=m(t.bbox),
        columns=tuple(dataclasses.replace(c, bbox=m(c.bbox)) for c in t.columns),
        rows=tuple(dataclasses.replace(r, bbox=m(r.bbox)) for r in t.rows),
        cells=tuple(dataclasses.replace(c, bbox=_move(c.bbox, dx, dy)) for c in t.cells),
    )


def _moved_chart(ch: Chart, dx: int, dy: int) -> Chart:
    cats = tuple(
        Category(
            index=c.index,
            label=c.label,
            label_bbox=_move(c.label_bbox, dx, dy),
            bar_bbox=_move(c.bar_bbox, dx, dy),
            region=_move(c.region, dx, dy),
            bars=tuple(_move(b, dx, dy) for b in c.bars),
        )
        for c in ch.categories
    )
    series = tuple(
        Series(s.index, s.label, _move(s.label_bbox, dx, dy), s.color) for s in ch.series
    )
    return dataclasses.replace(
        ch, plot_bbox=_move(ch.plot_bbox, dx, dy), categories=cats, series=series
    )


def moved_layout(panel: Layout, box: Box, width: int, height: int) -> Layout:
    """A layout detected in the crop ``box`` of an image, in that image's coordinates."""
    dx, dy = box[0], box[1]
    return dataclasses.replace(
        panel,
        width=width,
        height=height,
        table=_moved_table(panel.table, dx, dy) if panel.table is not None else None,
        chart=_moved_chart(panel.chart, dx, dy) if panel.chart is not None else None,
        subplots=(),
        detector=None,
    )


def _usable(layout: Layout) -> bool:
    if layout.chart is not None:
        return any(c.label.strip() for c in layout.chart.categories)
    return layout.table is not None and len(layout.table.columns) >= 2


def panel_layout(image: Image.Image, box: Box, ocr: OcrEngine) -> Layout | None:
    """The bar chart inside one panel (with a labelled category), or None."""
    from refocus_dsl.detect.chart import detect_chart

    x1, y1, x2, y2 = box
    if x2 - x1 < MIN_PANEL or y2 - y1 < MIN_PANEL:
        return None
    found = detect_chart(image.crop(box), ocr)
    if not _usable(found):
        return None
    return moved_layout(found, box, image.width, image.height)


def with_panel_layouts(image: Image.Image, subplots: tuple[Subplot, ...], ocr: OcrEngine) -> tuple[
    Subplot, ...
]:
    """``subplots`` with each panel's own layout where one is found."""
    return tuple(
        dataclasses.replace(s, layout=panel_layout(image, s.bbox, ocr)) for s in subplots
    )
