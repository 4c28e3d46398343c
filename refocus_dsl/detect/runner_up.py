"""Which of two readings of one image is better supported, for ``kind="auto"``.

The classifier sees only pixels, so a ruled or shaded table can look like bars, a
figure like one chart, and a table cut at its bands like panels. When the chosen
reading is poor, :mod:`refocus_dsl.detect` reads the runner-up kind too and keeps the
reading these tests support. Each test names what a reading must show to count
(bars that are bars, panels that are not slices of one table), so a reading that
rests on the other kind's marks loses.
"""

from __future__ import annotations

from refocus_dsl.layout import Box, Layout

SURE_TABLE = 0.88
"""Table confidence at which a table reading beats an unsure chart reading."""

SURE_CHART = 0.88
"""Chart confidence under which a classifier's several pieces are read as a figure too."""

SUBSTANCE = 0.2
"""Share of its plot's extent along the value axis that a chart's longest bar reaches
at least. A chart's value axis is scaled to its data, so its longest bar fills a good
part of it (a fifth and more in every dev and drawn chart); the pieces of glyphs,
rules and frames that text or a table breaks into are a few pixels long."""

ONE_LENGTH = 0.9
"""Bars within this share of the longest are taken for bars of one length."""

ACROSS = 0.9
"""Share of the image that bars looking like a table's bands run across at least."""

GRID_SLACK = 0.05
"""Share of the table's extent a band may stop short of its edge at each end."""


def unlabelled(chart: Layout) -> bool:
    """Whether a chart reading names no category at all."""
    return chart.chart is None or not any(c.label.strip() for c in chart.chart.categories)


def _bars(chart: Layout) -> list[Box]:
    """Each category's bars as one box (a stack or group runs from its axis to its
    furthest end)."""
    if chart.chart is None:
        return []
    out: list[Box] = []
    for cat in chart.chart.categories:
        boxes = [b for b in cat.bars if b is not None] or (
            [cat.bar_bbox] if cat.bar_bbox is not None else [])
        if boxes:
            out.append((min(b[0] for b in boxes), min(b[1] for b in boxes),
                        max(b[2] for b in boxes), max(b[3] for b in boxes)))
    return out


def _horizontal(chart: Layout) -> bool:
    return chart.chart is not None and chart.chart.orientation == "horizontal"


def _length(box: Box, horizontal: bool) -> int:
    return box[2] - box[0] if horizontal else box[3] - box[1]


def _extent(chart: Layout, within: Box | None) -> int:
    box = within if within is not None else (0, 0, chart.width, chart.height)
    return _length(box, _horizontal(chart))


def _substantial(chart: Layout, within: Box | None = None) -> list[Box]:
    """The bars reaching at least :data:`SUBSTANCE` of ``within`` (the chart's panel;
    the whole image by default) along the value axis."""
    horizontal = _horizontal(chart)
    least = SUBSTANCE * _extent(chart, within)
    return [b for b in _bars(chart) if _length(b, horizontal) >= least]


def fragments_only(chart: Layout, within: Box | None = None) -> bool:
    """Whether every bar of a chart reading is a fragment, none of substance. A reading
    with no bar box at all is not judged here."""
    return bool(_bars(chart)) and not _substantial(chart, within)


def _of_one_length(chart: Layout, within: Box | None = None) -> list[Box]:
    """The bars of substance of the longest one's length, when they are two or more and
    at least half of those bars (or the only one): what a table's bands look like."""
    bars = _substantial(chart, within)
    if not bars:
        return []
    horizontal = _horizontal(chart)
    longest = max(_length(b, horizontal) for b in bars)
    same = [b for b in bars if _length(b, horizontal) >= ONE_LENGTH * longest]
    if len(bars) == 1 or (len(same) >= 2 and 2 * len(same) >= len(bars)):
        return same
    return []


def may_be_bands(chart: Layout, within: Box | None = None) -> bool:
    """Whether a chart reading's bars look like a table's bands (header band, section
    rows, zebra stripes): of one length, running across nearly all of ``within`` (the
    whole image by default) as bands run across a table that fills it but for its
    margins. A real chart's bars start at an axis beside their labels and stop short
    of the far edge."""
    same = _of_one_length(chart, within)
    horizontal = _horizontal(chart)
    return bool(same) and (
        max(_length(b, horizontal) for b in same) >= ACROSS * _extent(chart, within))


def bands_of(chart: Layout, table: Layout) -> bool:
    """Whether the chart's bars are the table's bands: bars of one length (see
    :func:`may_be_bands`) running across the table's grid from its first column to its
    last (from its top row to its bottom one for vertical bars). Real bars start at an
    axis beside their labels and end at their values."""
    if table.table is None:
        return False
    horizontal = _horizontal(chart)
    grid = table.table.bbox
    lo, hi = (grid[0], grid[2]) if horizontal else (grid[1], grid[3])
    slack = GRID_SLACK * (hi - lo) + 2
    ends = [(b[0], b[2]) if horizontal else (b[1], b[3]) for b in _of_one_length(chart)]
    across = [e for e in ends if e[0] <= lo + slack and e[1] >= hi - slack]
    bars = _substantial(chart)
    return len(across) == len(bars) == 1 or (len(across) >= 2 and 2 * len(across) >= len(bars))


def table_wins(table: Layout, chart: Layout) -> str | None:
    """Why the table reading beats the chart reading, or None when it does not.

    The table detector also finds a grid in many real charts (axis ticks and gridlines
    look like rules), so its confidence alone is no proof. It wins when the chart
    reading has no bars to show: none at all, or (when the chart reading is unsure) only
    fragments or bars that are the table's own bands; and, sure of itself, over a chart
    that names no category.
    Unlabelled bars of substance with no confidence are still a chart: a shrunk or
    blurred chart whose tick labels are too small to read.
    """
    if table.table is None or len(table.table.columns) < 2:
        return None
    grid = len(table.table.rows) >= 2
    no_bars = chart.chart is None or not chart.chart.categories
    if grid and no_bars:
        return "the chart reading found no bars"
    # Short bars or bars of one length are no proof of a table when the chart reading is
    # sure: small values on a fixed axis (percentages under 20 on a 0-100 scale) are
    # short, and a table read as a chart is a poor one (its bars fit no axis, its labels
    # are row text).
    grid = grid and (chart.confidence or 0.0) < SURE_CHART
    if grid and fragments_only(chart):
        return "the chart reading's bars are fragments (its longest is under a fifth of the image)"
    if grid and bands_of(chart, table):
        return "the chart reading's bars are the table's bands (one length, across its grid)"
    if unlabelled(chart) and (table.confidence or 0.0) >= SURE_TABLE:
        sure = table.confidence or 0.0
        return f"the chart reading names no category and the table reading is sure ({sure:.2f})"
    return None


def _slices(boxes: list[Box]) -> bool:
    """Whether panels are slices of one block: each spans the block's whole width (a
    stack of rows) or each its whole height (a row of columns)."""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    rows = all(b[2] - b[0] >= ONE_LENGTH * (x1 - x0) for b in boxes)
    cols = all(b[3] - b[1] >= ONE_LENGTH * (y1 - y0) for b in boxes)
    return rows or cols


def _bar_chart(chart: Layout, panel: Box) -> bool:
    """Whether a panel's chart reading shows bars of substance that are not bands."""
    return bool(_substantial(chart, panel)) and not may_be_bands(chart, panel)


def figure_wins(figure: Layout, other: Layout) -> str | None:
    """Why the figure reading beats a poor table or chart reading, or None.

    Charts pasted side by side share the heights of their tick labels, so the
    classifier can take them for one table cut at its column gaps; white cards on a
    grey page can hide their gaps from it and come back as one chart. Their figure
    reading finds two or more panels, at least half of them charts, and is surer than
    the other reading. A table cut at its bands or rules also comes apart into panels,
    but only into slices (full-width rows, or full-height columns) whose "charts" rest
    on fragments of text and rules or on the stripes themselves: panels that are
    slices count as charts only with bars of substance that are not bands.
    """
    panels = figure.subplots if figure.kind == "figure" else ()
    if len(panels) < 2:
        return None
    sliced = _slices([p.bbox for p in panels])
    charts = sum(
        1 for p in panels
        if p.layout is not None and p.layout.chart is not None
        and not (sliced and not _bar_chart(p.layout, p.bbox))
    )
    if 2 * charts < len(panels):
        return None
    if (figure.confidence or 0.0) <= (other.confidence or 0.0):
        return None
    return (f"the figure reading finds {len(panels)} panels, {charts} of them charts, and "
            f"is surer ({figure.confidence or 0.0:.2f} against {other.confidence or 0.0:.2f})")


def sliced_without_bars(figure: Layout) -> bool:
    """Whether a figure reading's panels are slices of one block and none of them is a
    bar chart (bars of substance that are not bands): what a table cut at its rules
    gives. Checked on the figure reading alone, so other figures cost nothing more."""
    panels = figure.subplots if figure.kind == "figure" else ()
    if len(panels) < 2 or not _slices([p.bbox for p in panels]):
        return False
    return not any(p.layout is not None and p.layout.chart is not None
                   and _bar_chart(p.layout, p.bbox) for p in panels)


def table_beats_slices(table: Layout, figure: Layout) -> str | None:
    """Why the table reading beats a figure reading of slices, or None.

    A ruled table cut at its rules or at a misregistered band of a scan comes apart into
    full-width slices the classifier can take for panels. When no slice is a bar chart
    (bars of substance that are not bands), a table reading with a grid that is sure,
    and surer than the figure reading, wins.
    """
    if not sliced_without_bars(figure):
        return None
    if table.table is None or len(table.table.columns) < 2 or len(table.table.rows) < 2:
        return None
    sure = table.confidence or 0.0
    if sure < SURE_TABLE or sure <= (figure.confidence or 0.0):
        return None
    return (f"the figure reading's {len(figure.subplots)} panels are slices of one block "
            f"with no bar chart, and the table reading is sure ({sure:.2f})")
