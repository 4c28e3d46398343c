"""Which of two readings of one image is better supported, for ``kind="auto"``.

The classifier sees only pixels, so a ruled or shaded table can look like bars, a
figure like one chart, and a table cut at its bands like panels. When the chosen
reading is poor, :mod:`refocus_dsl.detect` reads the runner-up kind too and keeps the
reading these tests support. Each test names what a reading must show to count
(bars that are bars, panels that are not slices of one table), so a reading that
rests on the other kind's marks loses.
"""

from __future__ import annotations

from refocus_dsl.layout import Box, Layout, Subplot, box_area

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

EDGE_PX = 1
"""A bar ending this close to the image's edge (or its panel's) runs into it."""


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


def cut_by_edge(chart: Layout) -> bool:
    """Whether every bar of substance of a chart reading runs into the image's edge. A
    chart draws its bars whole, inside its axes and margins; a fill that the picture's
    border cuts (the dark surround of a photographed page) has no known length, so it
    is no bar to go by."""
    bars = _substantial(chart)
    w, h = chart.width, chart.height
    return bool(bars) and all(b[0] <= EDGE_PX or b[1] <= EDGE_PX or b[2] >= w - EDGE_PX
                              or b[3] >= h - EDGE_PX for b in bars)


def _worded_columns(table: Layout) -> int:
    """How many of a table reading's columns hold a word (two letters or digits or more)
    in their header or a cell: a table's text fills several columns; a chart's title,
    tick and legend lines read as a table fill its first column and leave the rest
    empty or with single specks."""
    if table.table is None:
        return 0

    def worded(text: str) -> bool:
        return sum(ch.isalnum() for ch in text) >= 2

    cols = {c.index for c in table.table.columns if worded(c.header)}
    cols |= {c.col for c in table.table.cells if worded(c.text)}
    return len(cols)


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
    fragments, bars cut by the image's edge or bars that are the table's own bands; and,
    sure of itself, over a chart that names no category.
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
    # Fragments, or bars cut by the image's edge, are no bars to show; what the table
    # reading found must then be a table's text, in more than one column.
    worded = grid and _worded_columns(table) >= 2
    if worded and fragments_only(chart):
        return "the chart reading's bars are fragments (its longest is under a fifth of the image)"
    if worded and cut_by_edge(chart) and (table.confidence or 0.0) > (chart.confidence or 0.0):
        return ("the chart reading's bars run into the image's edge (a photo's surround) "
                "and the table reading is surer")
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
    slices count as charts only with bars of substance that are not bands. Plots on a
    tinted ground, side by side, can be read as one chart whose few huge "bars" are the
    panels' plot areas (:func:`bars_are_panels`): then the panels need not be charts.
    """
    panels = figure.subplots if figure.kind == "figure" else ()
    if len(panels) < 2:
        return None
    if bars_are_panels(other, figure):
        found = f"the chart reading's bars are the figure reading's {len(panels)} panels"
    else:
        charts = _charts_among(panels)
        if 2 * charts < len(panels):
            return None
        found = f"the figure reading finds {len(panels)} panels, {charts} of them charts"
    if (figure.confidence or 0.0) <= (other.confidence or 0.0):
        return None
    return (f"{found}, and the figure reading is surer ({figure.confidence or 0.0:.2f} against "
            f"{other.confidence or 0.0:.2f})")


def _charts_among(panels: tuple[Subplot, ...]) -> int:
    """How many panels a figure reading reads as charts; panels that are slices (see
    :func:`_slices`) count only with bars of substance that are not bands."""
    sliced = _slices([p.bbox for p in panels])
    return sum(
        1 for p in panels
        if p.layout is not None and p.layout.chart is not None
        and not (sliced and not _bar_chart(p.layout, p.bbox))
    )


def _inside(box: Box, panel: Box) -> bool:
    return (box[0] >= panel[0] - EDGE_PX and box[1] >= panel[1] - EDGE_PX
            and box[2] <= panel[2] + EDGE_PX and box[3] <= panel[3] + EDGE_PX)


def bars_are_panels(chart: Layout, figure: Layout) -> bool:
    """Whether a chart reading's bars are a figure reading's panels: two or more bars,
    each inside a panel of its own and filling at least half of it. Tinted plot areas
    side by side (line or scatter plots on a grey ground) look like a few huge bars to
    the chart detector; a chart's bars are narrow beside the plot they stand in."""
    if chart.kind != "chart" or figure.kind != "figure":
        return False
    bars, panels = _bars(chart), [p.bbox for p in figure.subplots]
    if len(bars) < 2:
        return False
    held = []
    for b in bars:
        home = [k for k, p in enumerate(panels) if _inside(b, p)]
        if len(home) != 1 or 2 * box_area(b) < box_area(panels[home[0]]):
            return False
        held.append(home[0])
    return len(set(held)) == len(held)


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


def fat_bars(chart: Layout) -> bool:
    """Whether a chart reading has two or more bars and every one is thicker across its
    category axis than it is long: plot areas on a tinted ground, side by side, read
    as bars. A chart's axis is scaled to its data, so its longest bars are long."""
    bars, horizontal = _bars(chart), _horizontal(chart)
    return len(bars) >= 2 and all(
        (b[3] - b[1] if horizontal else b[2] - b[0]) > _length(b, horizontal) for b in bars)


def figure_of_plots(figure: Layout, chart: Layout) -> str | None:
    """Why a figure reading beats a chart reading whose bars are its panels (see
    :func:`bars_are_panels`), or None: it must also be surer."""
    return figure_wins(figure, chart) if bars_are_panels(chart, figure) else None


def _each_bar(chart: Layout) -> list[Box]:
    """Every bar of a chart reading, one box each (a group's bars apart)."""
    if chart.chart is None:
        return []
    return [b for cat in chart.chart.categories
            for b in ([x for x in cat.bars if x is not None] or
                      ([cat.bar_bbox] if cat.bar_bbox is not None else []))]


def _cut_pair(a: Subplot, b: Subplot) -> bool:
    """Whether panel ``b``, next after ``a`` along their bars' category axis, continues
    one chart that a narrow gap cut: bars of both run into the gap from either side,
    stand on one baseline, and the gap is no wider than those bars are thick."""
    la, lb = a.layout, b.layout
    if la is None or lb is None or la.chart is None or lb.chart is None:
        return False
    horizontal = _horizontal(la)
    if horizontal != _horizontal(lb):
        return False
    i, j = (1, 0) if horizontal else (0, 1)  # along the categories, along the values
    gap = b.bbox[i] - a.bbox[i + 2]
    across = min(a.bbox[j + 2], b.bbox[j + 2]) - max(a.bbox[j], b.bbox[j])
    if gap < -EDGE_PX or across < 0.5 * min(a.bbox[j + 2] - a.bbox[j], b.bbox[j + 2] - b.bbox[j]):
        return False
    ends = [x for x in _each_bar(la) if x[i + 2] >= a.bbox[i + 2] - EDGE_PX]
    starts = [x for x in _each_bar(lb) if x[i] <= b.bbox[i] + EDGE_PX]
    if not ends or not starts or gap > max(x[i + 2] - x[i] for x in ends + starts):
        return False
    # the baseline: where most bars of each panel start along the value axis
    base = j if horizontal else j + 2
    sides = [sorted(x[base] for x in _each_bar(lay)) for lay in (la, lb)]
    return abs(sides[0][len(sides[0]) // 2] - sides[1][len(sides[1]) // 2]) <= 2 * EDGE_PX + 1


def cut_through_bars(figure: Layout) -> bool:
    """Whether a figure reading cut one chart in two: two of its panels continue each
    other's bars across a gap narrower than a bar (see :func:`_cut_pair`). Panels of
    their own have an axis or tick labels, and their gap, between them. Checked on the
    figure reading alone, so other figures cost nothing more."""
    panels = figure.subplots if figure.kind == "figure" else ()
    return any(_cut_pair(a, b) for a in panels for b in panels if a is not b)


def chart_beats_cut(chart: Layout, figure: Layout) -> str | None:
    """Why a chart reading beats a figure reading that cut its bars, or None: it names
    its categories and is sure."""
    if not cut_through_bars(figure) or unlabelled(chart):
        return None
    sure = chart.confidence or 0.0
    if sure < SURE_CHART:
        return None
    return (f"the figure reading's panels cut one chart's bars in two, and the chart reading "
            f"is sure ({sure:.2f})")
