"""Panel finding on whole matplotlib figures of the classes real figures come in: gridlines
over tinted plots and heatmaps, plots without top/right spines, unequal gridspec rows,
panel letters, cards pasted with no gap. Each is drawn here; gold is each panel's axes
(with its colour bar) as matplotlib itself places them."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib
import numpy as np
import pytest
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from refocus_dsl.detect.figure import find_panels  # noqa: E402
from refocus_dsl.layout import Box  # noqa: E402
from refocus_dsl.scoring.common import iou  # noqa: E402

Draw = Callable[[plt.Figure], list[list[plt.Axes]]]


def render(draw: Draw, size: tuple[float, float], style: str = "default") -> tuple[
    Image.Image, list[Box]
]:
    """The figure ``draw`` makes, and each panel's box (its axes' tight boxes, united)."""
    with plt.style.context(style):
        fig = plt.figure(figsize=size, dpi=100, layout="tight")
        panels = draw(fig)
        fig.canvas.draw()
        w, h = fig.canvas.get_width_height()
        rgb = np.array(np.asarray(fig.canvas.buffer_rgba())[:, :, :3])
        boxes: list[Box] = []
        for axes in panels:
            bbs = [b for b in (a.get_tightbbox() for a in axes) if b is not None]
            boxes.append((round(min(b.x0 for b in bbs)), round(h - max(b.y1 for b in bbs)),
                          round(max(b.x1 for b in bbs)), round(h - min(b.y0 for b in bbs))))
        plt.close(fig)
    return Image.fromarray(rgb), boxes


def assert_panels(image: Image.Image, want: list[Box], at: float = 0.75) -> None:
    found = find_panels(image).boxes
    assert len(found) == len(want), (found, want)
    for got, box in zip(found, want, strict=True):
        assert iou(got, box) >= at, (got, box)


def _lines(ax: plt.Axes, seed: int) -> None:
    """Lines over part of the shared x and y ranges: gridlines beyond them cross nothing."""
    rng = np.random.default_rng(seed)
    xs = np.arange(2010, 2014 + 2 * seed)
    for _ in range(2):
        ax.plot(xs, 8 * seed + np.cumsum(rng.uniform(0, 2, xs.size)), marker="o")


def _bars(ax: plt.Axes, values: list[float]) -> None:
    ax.bar([f"c{i}" for i in range(len(values))], values)


@pytest.mark.parametrize("style", ["seaborn-v0_8-darkgrid", "ggplot"])
def test_white_gridlines_on_a_tinted_plot_do_not_cut_it(style: str) -> None:
    # White gridlines are page-coloured lines crossing the plot: they are no gaps.
    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        axs = fig.subplots(2, 2, sharex=True, sharey=True)
        for k, ax in enumerate(axs.flat):
            _lines(ax, k)
        return [[ax] for ax in axs.flat]

    image, want = render(draw, (9, 6), style)
    assert_panels(image, want)


def test_heatmaps_with_gridlines_over_them_stay_whole() -> None:
    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        rng = np.random.default_rng(3)
        out = []
        for k in range(3):
            ax = fig.add_subplot(1, 3, k + 1)
            im = ax.imshow(rng.random((6, 5)), cmap="viridis")
            ax.set_xticks(range(5), [f"c{j}" for j in range(5)])
            out.append([ax, fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04).ax])
        return out

    image, want = render(draw, (11, 3.5), "seaborn-v0_8-darkgrid")
    assert_panels(image, want)


def test_ggplot_heatmaps_with_gridlines_through_small_cells_stay_whole() -> None:
    # ggplot draws white gridlines through the cells' centres: with cells about 20 px
    # wide, a gridline's fringe lies within a few pixels of every cell edge, and no run
    # of ink reaches 48 px, yet each heatmap is one panel.
    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        rng = np.random.default_rng(5)
        axs = fig.subplots(1, 3)
        for ax, cmap in zip(axs[:2], ("viridis", "magma"), strict=True):
            ax.imshow(rng.random((8, 10)), cmap=cmap, aspect="auto")
        axs[2].plot(np.cumsum(rng.normal(size=40)))
        return [[ax] for ax in axs]

    image, want = render(draw, (7.5, 2.4), "ggplot")
    assert_panels(image, want)


@pytest.mark.parametrize(("rows", "cols"), [(2, 2), (1, 3)])
def test_despined_bar_grid_is_not_cut_at_a_bar_edge(rows: int, cols: int) -> None:
    # With no top spine, the tallest bar's edge runs from the plot's top to its axis: a
    # straight step across the whole plot, crossed only by the axis at one end.
    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        axs = fig.subplots(rows, cols, squeeze=False)
        for k, ax in enumerate(axs.flat):
            _bars(ax, [30 + 9 * k, 100, 45, 20 + 5 * k, 60])
            ax.set_ylim(0, 100)  # the tallest bar reaches the top of the plot
            ax.spines[["top", "right"]].set_visible(False)
        return [[ax] for ax in axs.flat]

    image, want = render(draw, (4 * cols, 3.2 * rows))
    assert_panels(image, want)


def _card(w: int, h: int, bars: list[int]) -> Image.Image:
    """A white card with a soft grey border band (as web charts are shot) and bars."""
    card = np.full((h, w, 3), 255, dtype=np.uint8)
    for k, tone in enumerate((245, 243, 241, 236, 244)):  # the border band, outside in
        card[k, k : w - k] = card[h - 1 - k, k : w - k] = tone
        card[k : h - k, k] = card[k : h - k, w - 1 - k] = tone
    base = h - 40
    card[base : base + 2, 30 : w - 20] = 60
    for i, v in enumerate(bars):
        x = 40 + i * (w - 70) // len(bars)
        card[base - v : base, x : x + 24] = (40, 110, 200)
    return Image.fromarray(card)


def test_cards_pasted_with_no_gap_and_unequal_heights() -> None:
    # Two cards edge to edge on a grey page, the left one shorter: page shows under it
    # beside the taller card's border band, which stays with the taller card.
    page = Image.new("RGB", (2 * 21 + 300 + 340, 2 * 21 + 420), (233, 233, 233))
    page.paste(_card(300, 220, [120, 80, 150, 60]), (21, 21))
    page.paste(_card(340, 420, [300, 200, 250, 120, 90]), (321, 21))
    assert_panels(page, [(21, 21, 321, 241), (321, 21, 661, 441)], at=0.9)



def test_confidence_is_lower_for_a_plot_cut_into_pieces() -> None:
    # Evidence from the panels: a clean grid of plots scores high; the same figure read
    # as pieces (fragments without plot lines of their own, unequal, out of line) lower.
    from refocus_dsl.detect.figure import find_panels as panels_of
    from refocus_dsl.detect.figure_confidence import figure_confidence, figure_evidence

    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        axs = fig.subplots(2, 2)
        for k, ax in enumerate(axs.flat):
            _bars(ax, [30 + 9 * k, 80, 45, 20 + 5 * k, 60])
        return [[ax] for ax in axs.flat]

    image, want = render(draw, (8, 6))
    found = panels_of(image)
    assert found.evidence is not None
    good = figure_confidence(found.evidence, len(found.boxes))
    assert good >= 0.9, found.evidence
    from refocus_dsl.detect.figure import ink_and_runs

    x1, y1, x2, y2 = want[0]
    mid = (x1 + x2) // 2
    pieces = ((x1, y1, mid, y2), (mid, y1 + 15, x2, y2), *want[1:])
    bad = figure_evidence(pieces, *ink_and_runs(image))
    assert bad.seams == 1
    assert figure_confidence(bad, len(pieces)) < good - 0.1, bad


@pytest.mark.parametrize("style", ["seaborn-v0_8-darkgrid", "ggplot"])
def test_grouped_bars_on_a_tinted_plot_are_not_cut_where_they_touch(style: str) -> None:
    # Touching bars of two series, the tallest reaching the top: their edges are steps
    # across the whole plot, but between two fills, not between two panels.
    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        axs = fig.subplots(2, 2)
        for k, ax in enumerate(axs.flat):
            x = np.arange(5)
            ax.bar(x, [40 + 5 * k, 100, 35, 60, 50], 0.4)
            ax.bar(x + 0.4, [20, 45, 70 - 5 * k, 30, 55], 0.4)
            ax.set_xticks(x + 0.2, [f"c{i}" for i in range(5)])
            ax.set_ylim(0, 100)
        return [[ax] for ax in axs.flat]

    image, want = render(draw, (8, 6), style)
    assert_panels(image, want)


def test_white_cards_3px_apart_on_a_grey_page_are_two_panels() -> None:
    # A thin page-coloured gap between two white cards is darker than the cards: it is
    # no white gridline over a tint (as on a copy reduced to half size, gaps shrink).
    def card(bars: list[int]) -> Image.Image:
        a = np.full((260, 300, 3), 255, dtype=np.uint8)
        a[220:222, 20:280] = 60
        for i, v in enumerate(bars):
            a[220 - v : 220, 30 + 60 * i : 60 + 60 * i] = (40, 110, 200)
        return Image.fromarray(a)

    page = Image.new("RGB", (2 * 10 + 600 + 3, 2 * 10 + 260), (231, 231, 231))
    page.paste(card([120, 80, 190, 60]), (10, 10))
    page.paste(card([50, 150, 100, 170]), (313, 10))
    assert_panels(page, [(10, 10, 310, 270), (313, 10, 613, 270)], at=0.9)


def _tinted_bar_panel(gap: int, heights: list[int]) -> Image.Image:
    """A darkgrid-like bar panel: a tinted plot with white gridlines (the vertical ones
    under the bars), bars ``gap`` px apart, tick marks as small dark blocks."""
    w = 60 + len(heights) * (30 + gap) + 10
    a = np.full((260, w, 3), 255, dtype=np.uint8)
    a[10:231, 40:w] = (234, 234, 242)
    for y in range(30, 230, 40):
        a[y, 40:w] = 255
        a[y - 4 : y + 5, 20:35] = 60
    for k, v in enumerate(heights):
        x = 45 + k * (30 + gap) + gap
        a[10:230, x + 15] = 255
        a[230 - v : 230, x : x + 30] = (31, 119, 180)
        a[238:249, x + 5 : x + 25] = 60
    return Image.fromarray(a)


@pytest.mark.parametrize("gap", [5, 6, 7, 8, 9])
def test_bars_a_few_pixels_apart_on_a_tinted_plot_are_not_cut(gap: int) -> None:
    # The tallest bar's edge runs nearly the plot's height, and beside it only a strip
    # of tint narrower than the fill test's depth lies before the next bar: the strip
    # between two bars of one colour is the plot showing through, not a seam.
    panels = [_tinted_bar_panel(gap, [50, 216, 200, 45, 30]),
              _tinted_bar_panel(gap, [40, 30, 218, 190, 50])]
    page = Image.new("RGB", (sum(p.width for p in panels) + 36, 272), "white")
    want, x = [], 12
    for p in panels:
        page.paste(p, (x, 6))
        want.append((x + 20, 6 + 10, x + p.width, 6 + 249))
        x += p.width + 12
    assert_panels(page, want, at=0.9)


def _scatter_with_inset(span: tuple[int, int], seed: int) -> np.ndarray:
    """A tinted scatter plot with white gridlines; along ``span`` of its y=140 gridline
    an inset's lower edge lies one pixel lower (there the white line is at 141, the
    inset's tick labels just above it), and a legend box stands on the rest of it."""
    rng = np.random.default_rng(seed)
    a = np.full((280, 360, 3), 255, np.uint8)
    a[10:270, 40:350] = 229
    for y in range(40, 270, 50):
        a[y - 4 : y + 5, 20:35] = 60
        a[y, 40:350] = 255
    for x in range(60, 350, 60):
        a[10:270, x] = 255
    s, e = span
    a[140, s:e] = 229
    a[141, s:e] = 255
    a[60:126, s + 10 : e - 10] = 240
    for x in range(s + 14, e - 14, 18):
        a[128:136, x : x + 9] = 70
    a[118:139, 275:345] = 250
    a[124:132, 282:338] = 40
    for _ in range(60):
        y, x = rng.integers(14, 266), rng.integers(44, 346)
        a[y - 2 : y + 3, x - 2 : x + 3] = (220, 80, 60)
    return a


@pytest.mark.parametrize("span", [(90, 230), (110, 250)])
def test_a_gridline_a_pixel_off_along_part_of_it_does_not_cut_the_plot(
    span: tuple[int, int],
) -> None:
    # Neither line alone has fills beside it along half the plot (the inset's labels and
    # the legend break them), but together they cross the plot's tint from end to end.
    a = np.full((580, 740, 3), 255, np.uint8)
    want = []
    for k, (y, x) in enumerate(((5, 5), (5, 375), (295, 5), (295, 375))):
        a[y : y + 280, x : x + 360] = _scatter_with_inset(span, k + 1)
        want.append((x + 20, y + 10, x + 350, y + 270))
    assert_panels(Image.fromarray(a), want, at=0.9)


@pytest.mark.parametrize("seed", [0, 4])
def test_curves_crossing_light_gridlines_do_not_cut_a_despined_plot(seed: int) -> None:
    # Light vertical gridlines, a gridline along the plot's top (its top tick) and the
    # axis along its bottom: each gridline is a straight step from edge to edge of the
    # plot, but the curves run through it, so it is inside one drawing.
    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        axs = fig.subplots(1, 3, gridspec_kw={"width_ratios": [3, 1.2 + 0.2 * seed, 2.5]})
        x = np.linspace(0, 10, 40)
        for k, ax in enumerate(axs):
            for j in range(3):
                ax.plot(x, 37.5 + 10 * np.sin(x / (1 + j) + seed + k), lw=1.5)
            ax.set_ylim(25, 50)
            ax.set_yticks([25, 50])
            ax.set_xlim(0, 10)
            ax.grid(True, color="#dcdcdc")
            ax.spines[["top", "right"]].set_visible(False)
        return [[ax] for ax in axs]

    image, want = render(draw, (9, 2.6))
    assert_panels(image, want)


@pytest.mark.parametrize(("seed", "size"), [(0, (7, 2.2)), (3, (9, 2.6))])
def test_a_boxed_scatter_with_light_gridlines_is_not_cut_at_them(
    seed: int, size: tuple[float, float]
) -> None:
    # Light top and right spines, light vertical gridlines from the top spine to the x
    # axis, and the top y tick label centred on the top spine: its top is a few pixels
    # over the spine (as on a copy at half size), so the spine lies near the box's end.
    # It still runs on across every gridline: each is inside one plot (no dot on them).
    def draw(fig: plt.Figure) -> list[list[plt.Axes]]:
        axs = fig.subplots(1, 3, gridspec_kw={"width_ratios": [2.5, 1.5 + 0.3 * seed, 2]})
        rng = np.random.default_rng(seed)
        for ax in axs:
            x = rng.uniform(0, 10, 40)
            x = x[np.abs(x / 2.5 - np.round(x / 2.5)) > 0.12]
            ax.scatter(x, rng.uniform(20, 40, x.size), s=6)
            ax.set_xlim(0, 10)
            ax.set_ylim(20, 40)
            ax.set_yticks([20, 40])
            ax.set_xticks([0, 2.5, 5, 7.5, 10])
            ax.tick_params(labelsize=7)
            ax.grid(True, axis="x", color="#d9d9d9")
            for side in ("top", "right"):
                ax.spines[side].set_color("#d9d9d9")
        return [[ax] for ax in axs]

    image, want = render(draw, size)
    assert_panels(image, want)
