"""Whole matplotlib figures drawn the way papers compose them, with exact gold panel boxes.

Why: the other composed classes vary gaps, rows, frames and tints; papers add things
around and inside panels that those do not draw: axes shared across a grid (only the
outer panels carry tick labels, the panels a few pixels apart), one colour bar or one
legend for a whole row, insets, "(a) ..." captions under panels, photo and microscopy
panels (textured images, scale bars) beside plots, and rows of panels of different
widths. The classes are listed in ``_figure_composer``'s docstring.

Gold (``_figure_composer.gold_panels``): each panel's axes' tight boxes united, shrunk to
their ink. Figure-level text (a suptitle, shared axis labels, a row's legend, captions,
letters) is in no panel; a colour bar shared by a row is the panel it stands beside
(the nearest, as a thin strip of drawing beside a panel is read: docs/layout.md).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from _figure_composer import STYLES, WORDS, Composed, _plot, gold_panels  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

from refocus_dsl.layout import Layout  # noqa: E402

PHOTOS = ("fluorescence", "brightfield", "sem")
CAPTIONS = ("Accuracy vs. epochs", "Loss on the test set", "Ablation", "Ours vs. baseline",
            "Runtime (s)", "Effect of depth")


def photo(kind: str, rng: random.Random, size: tuple[int, int] = (200, 200)) -> np.ndarray:
    """A textured picture of ``kind``: fluorescence (bright blobs on black), bright-field
    (stained blobs on a light, slightly tinted field) or an electron micrograph (grey
    grain with blobs)."""
    h, w = size
    g = np.random.default_rng(rng.randrange(1 << 30))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    blobs = np.zeros((h, w), np.float32)
    for _ in range(rng.randint(8, 40)):
        cy, cx, r = g.uniform(0, h), g.uniform(0, w), g.uniform(3, 16)
        blobs += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (r * r))
    blobs = np.clip(blobs, 0, 1)
    noise = Image.fromarray(g.integers(0, 256, (h, w), dtype=np.uint8))
    grain = np.asarray(noise.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 2.0))),
                       np.float32) / 255.0
    if kind == "fluorescence":
        tint = np.array(rng.choice(((0.2, 1, 0.3), (1, 0.2, 0.3), (0.3, 0.5, 1), (1, 1, 0.3))))
        lum = np.clip(blobs * 0.9 + grain * 0.15, 0, 1)
        out = lum[:, :, None] * tint[None, None, :] * 255
    elif kind == "brightfield":
        field = np.array((rng.uniform(225, 245), rng.uniform(215, 235), rng.uniform(220, 240)))
        stain = np.array((rng.uniform(90, 150), rng.uniform(40, 90), rng.uniform(110, 170)))
        mix = np.clip(blobs * 0.85 + (grain - 0.5) * 0.2, 0, 1)[:, :, None]
        out = field * (1 - mix) + stain * mix
    else:
        lum = np.clip(0.35 + 0.35 * blobs + 0.4 * (grain - 0.5), 0, 1)
        out = np.repeat(lum[:, :, None] * 255, 3, axis=2)
    return np.clip(out, 0, 255).astype(np.uint8)


def _photo_panel(ax: plt.Axes, rng: random.Random) -> None:
    """A photo with its axes off, sometimes a scale bar (a bar and its length) inside it."""
    kind = rng.choice(PHOTOS)
    img = photo(kind, rng, (rng.randint(150, 260), rng.randint(150, 260)))
    ax.imshow(img, interpolation="nearest")
    ax.set_axis_off()
    if rng.random() < 0.6:
        h, w = img.shape[:2]
        colour = "black" if kind == "brightfield" else "white"
        x2, y = w * 0.92, h * 0.9
        ax.plot([x2 - w * 0.25, x2], [y, y], color=colour, linewidth=3, solid_capstyle="butt")
        ax.text(x2 - w * 0.125, y - h * 0.04, rng.choice(("50 µm", "10 µm", "1 mm")),
                color=colour, ha="center", va="bottom", fontsize=7)


def _scatter(ax: plt.Axes, rng: random.Random) -> None:
    g = np.random.default_rng(rng.randrange(1 << 30))
    for _ in range(rng.randint(1, 3)):
        ax.scatter(g.normal(0, 1, 40), g.normal(0, 1, 40), s=8)
    ax.tick_params(labelsize=8)


def _heatmap(ax: plt.Axes, rng: random.Random, cmap: str) -> plt.cm.ScalarMappable:
    n, m = rng.randint(4, 9), rng.randint(4, 9)
    im = ax.imshow(np.array([[rng.random() for _ in range(m)] for _ in range(n)]), cmap=cmap,
                   vmin=0, vmax=1)
    ax.set_xticks(range(m), [f"c{j}" for j in range(m)])
    ax.set_yticks(range(n), [f"r{i}" for i in range(n)])
    ax.tick_params(labelsize=7)
    return im


def _draw(ax: plt.Axes, what: str, rng: random.Random) -> None:
    if what == "photo":
        _photo_panel(ax, rng)
    elif what == "scatter":
        _scatter(ax, rng)
    else:
        _plot(ax, what, rng)


Built = tuple[list[list[plt.Axes]], list[Callable[[], None]], str]
"""The panels (each its axes), what to take away before gold is measured (text in no
panel that the layout made room for), a description."""


def _shared(fig: plt.Figure, rng: random.Random) -> Built:
    rows, cols = rng.choice(((2, 2), (2, 3), (3, 2), (1, 3), (2, 4)))
    space = rng.uniform(0.02, 0.08)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False,
                        gridspec_kw={"wspace": space, "hspace": space * 1.5})
    what = rng.choice(("line", "scatter"))
    for ax in axes.flat:
        _draw(ax, what, rng)
    if rng.random() < 0.5:
        fig.supxlabel("Time (s)", fontsize=10)
        fig.supylabel("Response", fontsize=10)
    return [[a] for a in axes.flat], [], f"{rows}x{cols} space {space:.2f}"


def _colorbar(fig: plt.Figure, rng: random.Random) -> Built:
    rows, cols = rng.choice(((1, 2), (1, 3), (2, 2), (2, 3), (1, 4)))
    axes = fig.subplots(rows, cols, squeeze=False)
    cmap = rng.choice(("viridis", "magma", "coolwarm", "Blues"))
    panels: list[list[plt.Axes]] = []
    for r in range(rows):
        ims = [_heatmap(ax, rng, cmap) for ax in axes[r]]
        bar = fig.colorbar(ims[-1], ax=list(axes[r]), fraction=0.04, pad=0.02)
        panels.extend([a] for a in axes[r])
        panels[-1].append(bar.ax)  # the row's colour bar is the panel beside it
    return panels, [], f"{rows}x{cols} {cmap}"


def _legend(fig: plt.Figure, rng: random.Random) -> Built:
    rows, cols = rng.choice(((1, 2), (1, 3), (2, 2), (2, 3)))
    axes = fig.subplots(rows, cols, squeeze=False)
    names = rng.sample(WORDS, 3)
    xs = np.arange(2010, 2022)
    for ax in axes.flat:
        for name in names:
            ax.plot(xs, np.cumsum([rng.uniform(-3, 5) for _ in xs]), label=name)
        ax.tick_params(labelsize=8)
        if rng.random() < 0.5:
            ax.set_title(rng.choice(CAPTIONS), fontsize=9)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(names),
               frameon=rng.random() < 0.5, fontsize=9)
    return [[a] for a in axes.flat], [], f"{rows}x{cols}"


def _inset(fig: plt.Figure, rng: random.Random) -> Built:
    rows, cols = rng.choice(((1, 2), (2, 2), (1, 3), (2, 3)))
    axes = fig.subplots(rows, cols, squeeze=False)
    panels: list[list[plt.Axes]] = []
    for ax in axes.flat:
        _draw(ax, rng.choice(("line", "scatter", "bar")), rng)
        if rng.random() < 0.6:
            x0 = rng.choice((0.08, 0.55))
            inset = ax.inset_axes((x0, rng.choice((0.5, 0.55)), 0.38, 0.4))
            _draw(inset, rng.choice(("line", "scatter")), rng)
            inset.tick_params(labelsize=6)
        panels.append([ax])  # the inset is inside its panel's axes
    return panels, [], f"{rows}x{cols}"


def _captions(fig: plt.Figure, rng: random.Random) -> Built:
    rows, cols = rng.choice(((1, 2), (1, 3), (2, 2), (2, 3)))
    axes = fig.subplots(rows, cols, squeeze=False)
    undo: list[Callable[[], None]] = []
    spacing = rng.uniform(1.5, 2.2)
    for k, ax in enumerate(axes.flat):
        _draw(ax, rng.choice(("line", "bar", "scatter", "grouped")), rng)
        # The caption is set as a last line of the x label, centred under the axes as a
        # subfigure caption is, so the layout makes room for it; gold is measured
        # with the x label alone.
        label = rng.choice(("Epoch", "Size", "Year", ""))
        caption = f"({chr(97 + k)}) {rng.choice(CAPTIONS)}"
        ax.set_xlabel(f"{label}\n{caption}" if label else caption, fontsize=9,
                      linespacing=spacing, labelpad=4 if label else 8)
        undo.append(lambda ax=ax, label=label: ax.set_xlabel(label))
    return [[a] for a in axes.flat], undo, f"{rows}x{cols}"


def _photos(fig: plt.Figure, rng: random.Random) -> Built:
    if rng.random() < 0.4:  # a grid of micrographs a few pixels apart
        rows, cols = rng.choice(((2, 2), (2, 3), (1, 3), (2, 4), (3, 3)))
        gap = rng.randint(3, 10)
        w, h = fig.canvas.get_width_height()
        size = min((w * 0.9 - gap * (cols - 1)) / cols, (h * 0.9 - gap * (rows - 1)) / rows)
        panels: list[list[plt.Axes]] = []
        for r in range(rows):
            for c in range(cols):
                x = 0.05 * w + c * (size + gap)
                y = h - 0.05 * h - (r + 1) * size - r * gap
                ax = fig.add_axes((x / w, y / h, size / w, size / h))
                _photo_panel(ax, rng)
                ax.set_aspect("auto")
                panels.append([ax])
        return panels, [], f"photo grid {rows}x{cols} gap {gap}"
    rows, cols = rng.choice(((1, 3), (2, 2), (2, 3), (1, 2)))
    fig.set_layout_engine("constrained")
    axes = fig.subplots(rows, cols, squeeze=False)
    kinds = ["photo"] * cols if rows > 1 else ["photo"] * (cols - 1)
    out = []
    for r in range(rows):
        plan = kinds if r == 0 else [rng.choice(("line", "bar", "scatter")) for _ in range(cols)]
        plan = plan + [rng.choice(("line", "bar"))] * (cols - len(plan))
        for ax, what in zip(axes[r], plan, strict=True):
            _draw(ax, what, rng)
            out.append([ax])
    return out, [], f"photos {rows}x{cols}"


def _widths(fig: plt.Figure, rng: random.Random) -> Built:
    rows = rng.choice(([(2, 1)], [(1, 2)], [(2, 1, 1)], [(1, 2), (2, 1)], [(1, 1, 2), (3, 1)]))
    gs = fig.add_gridspec(len(rows), 12)
    panels: list[list[plt.Axes]] = []
    for r, ratios in enumerate(rows):
        at = 0
        for ratio in ratios:
            span = 12 * ratio // sum(ratios)
            ax = fig.add_subplot(gs[r, at : at + span])
            _draw(ax, rng.choice(("line", "bar", "scatter", "barh", "photo")), rng)
            at += span
            panels.append([ax])
    return panels, [], f"widths {rows}"


BUILDERS: dict[str, Callable[[plt.Figure, random.Random], Built]] = {
    "paper_shared": _shared, "paper_colorbar": _colorbar, "paper_legend": _legend,
    "paper_inset": _inset, "paper_captions": _captions, "paper_photo": _photos,
    "paper_widths": _widths,
}


def compose_paper(cls: str, rng: random.Random) -> Composed:
    """One whole figure of paper class ``cls``."""
    style = rng.choice(STYLES)
    width, height = rng.uniform(7.0, 11.0), rng.uniform(3.2, 6.5)
    layout = None if cls in ("paper_shared", "paper_photo") else rng.choice(
        ("constrained", "tight"))
    if cls == "paper_legend" or cls == "paper_colorbar":
        layout = "constrained"  # "outside" legends and a row's colour bar need it
    with plt.style.context(style):
        fig = plt.figure(figsize=(width, height), dpi=100, layout=layout)
        panels, hidden, desc = BUILDERS[cls](fig, rng)
        if cls == "paper_shared":
            fig.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.95)
        fig.canvas.draw()
        w, h = fig.canvas.get_width_height()
        rgb = np.array(np.asarray(fig.canvas.buffer_rgba())[:, :, :3])
        for take_away in hidden:
            take_away()
        gold = gold_panels(rgb, panels)
        plt.close(fig)
    return Composed(Image.fromarray(rgb), Layout(w, h, "figure", subplots=tuple(gold)), cls,
                    f"{desc} style {style} layout {layout}")
