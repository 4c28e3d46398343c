"""Multi-panel figures composed from matplotlib drawings, with exact gold panel boxes.

Why: the development figures are regular grids of one chart style with generous
gaps. Real figures are not; this composer draws the classes of figure that fail
(see the class list below) so that panel detection and the kind classifier can
be measured on them. Every class draws its panels with matplotlib in a random
style (bar, grouped bar, horizontal bar, line plot, or a ruled table as a panel)
and knows each panel's box exactly: the panel's visible extent (its frame when
it has one, else its ink), never the letters or titles beside it.

Classes:
  narrow_gap   unframed panels whose ink is only 4-10 px apart
  uneven_rows  one wide panel above two or three, rows of unequal height
  tinted_grid  framed panels whose plot area is tinted and crossed by gridlines
  title        a figure title above the panels
  letters      panel letters "(a)", "b" ... in the panels' top-left corners
  framed       each panel inside a drawn frame, small gaps
  mixed        bar charts, line plots and tables side by side
  chartqa      development ChartQA charts (if a folder is given) with narrow, uneven gaps

Whole matplotlib figures (one ``plt.figure``, panels placed by matplotlib itself;
gold = each axes' tight box, colour bar included, shrunk to its ink; letters and
the suptitle are figure text, outside every panel):
  mpl_despine  2x2 (or 2x3) bar charts without top/right spines (seaborn's despine)
  mpl_gridspec gridspec rows of unequal height and count (one wide panel above 2-3),
               often a suptitle
  mpl_letters  panel letters "(a)", "b", "A" beside the axes' top-left corners
  mpl_shared   shared axes (inner tick labels hidden), tight or constrained layout
  mpl_legend   legends outside the axes, right of or under each plot
  mpl_heatmap  heatmaps with colour bars beside line and bar panels

Whole figures as papers draw them (``_paper_figures``: same gold rule):
  paper_shared    one grid sharing x and y (only the outer panels carry tick labels),
                  panels 4-15 px apart
  paper_colorbar  a row of heatmaps with one colour bar for the row at its right end
                  (gold: the colour bar is the panel it stands beside; see docs/layout.md)
  paper_legend    one legend for a row, under it and spanning it (gold: in no panel, like a
                  caption)
  paper_inset     panels with a small inset axes inside the plot area
  paper_captions  "(a) ..." captions under each panel instead of corner letters (gold: the
                  caption is the panel's title, outside its box)
  paper_photo     photo and microscopy panels (textured images, some with a scale bar)
                  beside plots, or a grid of them a few pixels apart
  paper_widths    rows whose panels have different widths (width ratios 1:2, 2:1:1 ...)
"""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from refocus_dsl.layout import Box, Layout, Subplot  # noqa: E402

PASTED = (
    "narrow_gap", "uneven_rows", "tinted_grid", "title", "letters", "framed", "mixed", "chartqa",
)
WHOLE = ("mpl_despine", "mpl_gridspec", "mpl_letters", "mpl_shared", "mpl_legend", "mpl_heatmap")
PAPER = ("paper_shared", "paper_colorbar", "paper_legend", "paper_inset", "paper_captions",
         "paper_photo", "paper_widths")
CLASSES = PASTED + WHOLE + PAPER
STYLES = (
    "default", "ggplot", "seaborn-v0_8-darkgrid", "seaborn-v0_8-whitegrid", "bmh", "classic",
    "fivethirtyeight", "seaborn-v0_8-white",
)
TINTED = ("ggplot", "seaborn-v0_8-darkgrid", "bmh", "fivethirtyeight")
WORDS = ("Asia", "Europe", "Africa", "Oceania", "North", "South", "Retail", "Energy", "Health",
         "Media", "Banks", "Autos", "Food", "Travel", "Steel", "Chips")


@dataclass(frozen=True)
class Composed:
    """One composed figure, its gold layout and a one-line description."""

    image: Image.Image
    gold: Layout
    cls: str
    desc: str


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def _plot(ax: plt.Axes, what: str, rng: random.Random) -> None:
    n = rng.randint(3, 7)
    names = rng.sample(WORDS, n)
    values = [rng.uniform(1, 100) for _ in range(n)]
    if what == "bar":
        ax.bar(names, values)
        ax.tick_params(axis="x", labelrotation=rng.choice([0, 0, 30, 45]))
    elif what == "barh":
        ax.barh(names, values)
    elif what == "grouped":
        x = np.arange(n)
        for k in range(2):
            ax.bar(x + 0.38 * k, [rng.uniform(1, 100) for _ in range(n)], 0.38, label=f"S{k}")
        ax.set_xticks(x + 0.19, names)
        ax.legend(fontsize=7)
    else:  # line
        xs = np.arange(2010, 2010 + rng.randint(6, 12))
        for _ in range(rng.randint(1, 3)):
            ax.plot(xs, np.cumsum([rng.uniform(-3, 5) for _ in xs]), marker=rng.choice("o.s"))
    if rng.random() < 0.5:
        ax.set_title(rng.choice(("Revenue", "Share of users", "Growth, %", "Output")), fontsize=9)
    ax.tick_params(labelsize=8)


def _table_panel(w: int, h: int, rng: random.Random, page: tuple[int, int, int]) -> Image.Image:
    """A small ruled table drawn as a panel."""
    rows, cols = rng.randint(4, 8), rng.randint(3, 4)
    img = Image.new("RGB", (w, h), page)
    d = ImageDraw.Draw(img)
    font = _font(13)
    cw, rh = (w - 10) // cols, min(28, (h - 10) // rows)
    for r in range(rows + 1):
        d.line((5, 5 + r * rh, 5 + cols * cw, 5 + r * rh), fill=(90, 90, 90))
    for c in range(cols + 1):
        d.line((5 + c * cw, 5, 5 + c * cw, 5 + rows * rh), fill=(90, 90, 90))
    for r in range(rows):
        for c in range(cols):
            text = ("Item", "2019", "2020", "2021")[c] if r == 0 else (
                rng.choice(WORDS) if c == 0 else f"{rng.uniform(0, 99):.1f}")
            d.text((10 + c * cw, 5 + r * rh + (rh - 14) // 2), text, fill=(0, 0, 0), font=font)
    return img.crop((0, 0, w, min(h, 5 + rows * rh + 6)))


def render_panel(
    what: str, w: int, h: int, style: str, rng: random.Random, page: tuple[int, int, int]
) -> Image.Image:
    """One panel, ``w`` x ``h`` px before cropping to its ink on ``page``."""
    if what == "table":
        return _table_panel(w, h, rng, page)
    with plt.style.context(style):
        fig = plt.figure(figsize=(w / 100, h / 100), dpi=100)
        ax = fig.add_subplot(1, 1, 1)
        _plot(ax, what, rng)
        fig.tight_layout(pad=0.3)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100, facecolor=tuple(c / 255 for c in page))
        plt.close(fig)
    buf.seek(0)
    img = Image.open(buf).convert("RGB")
    return img


def ink_box(img: Image.Image, page: tuple[int, int, int]) -> Box:
    """Where ``img`` differs visibly from ``page`` (its visible extent)."""
    a = np.asarray(img, dtype=np.int16)
    ink = np.abs(a - np.asarray(page, dtype=np.int16)).max(axis=2) > 12
    ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not ys.size:
        return (0, 0, img.width, img.height)
    return (int(xs[0]), int(ys[0]), int(xs[-1]) + 1, int(ys[-1]) + 1)


def _framed(img: Image.Image, pad: int, colour: tuple[int, int, int]) -> Image.Image:
    out = Image.new("RGB", (img.width + 2 * pad, img.height + 2 * pad), img.getpixel((0, 0)))
    out.paste(img, (pad, pad))
    ImageDraw.Draw(out).rectangle((0, 0, out.width - 1, out.height - 1), outline=colour,
                                  width=random.Random(img.width).choice([1, 2]))
    return out


@dataclass(frozen=True)
class _Spec:
    rows: list[int]  # panels per row
    gap: tuple[int, int]  # across, down
    framed: bool
    tinted: bool
    title: bool
    letters: str  # "", "above", "corner"
    kinds: tuple[str, ...]
    page: tuple[int, int, int]


def _spec(cls: str, rng: random.Random) -> _Spec:
    grid = rng.choice(([2], [3], [1, 1], [2, 2], [3, 3], [2, 3], [1, 3]))
    wide = rng.choice(([1, 3], [1, 2], [3, 1], [2, 1]))
    narrow = (rng.randint(4, 10), rng.randint(4, 10))
    normal = (rng.randint(12, 40), rng.randint(12, 40))
    page = (255, 255, 255) if rng.random() < 0.8 else (rng.randint(236, 248),) * 3
    plain = ("bar", "barh", "grouped", "line")
    return _Spec(
        rows=wide if cls == "uneven_rows" else grid,
        gap=narrow if cls in ("narrow_gap", "chartqa") else (
            (rng.randint(3, 14), rng.randint(3, 14)) if cls == "framed" else normal),
        framed=cls in ("tinted_grid", "framed") or (cls == "mixed" and rng.random() < 0.3),
        tinted=cls == "tinted_grid",
        title=cls == "title" or rng.random() < 0.15,
        letters="corner" if cls == "letters" else ("above" if rng.random() < 0.2 else ""),
        kinds=plain + ("table",) if cls == "mixed" else plain,
        page=page,
    )


def _panels(
    spec: _Spec, cls: str, total_w: int, rng: random.Random, sources: list[Path]
) -> list[list[Image.Image]]:
    rows: list[list[Image.Image]] = []
    for n in spec.rows:
        pw = (total_w - (n - 1) * spec.gap[0]) // n
        ph = rng.randint(200, 330) if n > 1 else rng.randint(180, 260)
        row = []
        for k in range(n):
            if cls == "chartqa" and sources:
                with Image.open(rng.choice(sources)) as im:
                    src = im.convert("RGB")
                img = src.resize((pw, round(src.height * pw / src.width)), Image.Resampling.LANCZOS)
                row.append(img.crop(ink_box(img, spec.page)))
                continue
            what = rng.choice(spec.kinds)
            if cls == "mixed" and k == 0 and "table" in spec.kinds:
                what = rng.choice(("table", "line"))
            style = rng.choice(TINTED if spec.tinted else STYLES)
            img = render_panel(what, pw, ph, style, rng, spec.page)
            img = img.crop(ink_box(img, spec.page))
            if spec.framed:
                img = _framed(img, rng.randint(2, 8), rng.choice([(0, 0, 0), (120, 120, 120)]))
            row.append(img)
        rows.append(row)
    return rows


def compose(cls: str, rng: random.Random, sources: Sequence[Path] = ()) -> Composed:
    """One figure of class ``cls``."""
    spec = _spec(cls, rng)
    total_w = rng.randint(700, 1100)
    rows = _panels(spec, cls, total_w, rng, list(sources))
    margin = rng.randint(0, 24)
    title_h = 44 if spec.title else 0
    letter_h = 26 if spec.letters == "above" else 0
    corner_w = 26 if spec.letters == "corner" else 0
    widths = [sum(p.width for p in row) + spec.gap[0] * (len(row) - 1) + corner_w * len(row)
              for row in rows]
    heights = [max(p.height for p in row) for row in rows]
    W = 2 * margin + max(widths)
    H = 2 * margin + title_h + sum(heights) + (letter_h + spec.gap[1]) * len(rows) - spec.gap[1]
    fig = Image.new("RGB", (W, H), spec.page)
    d = ImageDraw.Draw(fig)
    letter_font = _font(rng.choice([16, 20]))
    if spec.title:
        text = rng.choice(("Figure 3: Results by region", "Market overview, 2010-2021",
                           "Performance across benchmarks"))
        tw = d.textlength(text, font=_font(24))
        d.text(((W - tw) / 2, margin + 6), text, fill=(0, 0, 0), font=_font(24))
    gold: list[Subplot] = []
    y = margin + title_h
    k = 0
    for row, rh in zip(rows, heights, strict=True):
        x = margin
        y += letter_h
        for p in row:
            name = f"({chr(97 + k)})" if rng.random() < 0.5 else chr(97 + k)
            if spec.letters == "above":
                d.text((x, y - letter_h + 2), name, fill=(0, 0, 0), font=letter_font)
            elif spec.letters == "corner":
                d.text((x, y), name, fill=(0, 0, 0), font=letter_font)
                x += corner_w
            fig.paste(p, (x, y))
            gold.append(Subplot(k, (x, y, x + p.width, y + p.height), None))
            x += p.width + spec.gap[0]
            k += 1
        y += rh + spec.gap[1]
    desc = (f"rows {spec.rows} gap {spec.gap} framed {spec.framed} title {spec.title} "
            f"letters {spec.letters or '-'} page {spec.page[0]}")
    return Composed(fig, Layout(W, H, "figure", subplots=tuple(gold)), cls, desc)


def composed_set(
    per_class: int, seed: int, sources: list[Path], classes: tuple[str, ...] = CLASSES
) -> list[Composed]:
    """``per_class`` figures of every class (``chartqa`` only when ``sources`` is not empty)."""
    out = []
    for cls in classes:
        if cls == "chartqa" and not sources:
            continue
        rng = random.Random(f"{seed}-{cls}")
        if cls in PAPER:
            from _paper_figures import compose_paper

            out.extend(compose_paper(cls, rng) for _ in range(per_class))
            continue
        make = compose_whole if cls in WHOLE else lambda c, r: compose(c, r, sources)
        out.extend(make(cls, rng) for _ in range(per_class))
    return out


def _whole_plot(ax: plt.Axes, what: str, rng: random.Random, despine: bool) -> list[plt.Axes]:
    """Draw one panel of a whole figure; the axes that make up the panel (a heatmap's
    colour bar is part of its panel)."""
    extra: list[plt.Axes] = []
    if what == "heatmap":
        n, m = rng.randint(4, 8), rng.randint(4, 8)
        im = ax.imshow(np.array([[rng.random() for _ in range(m)] for _ in range(n)]),
                       cmap=rng.choice(("viridis", "magma", "coolwarm", "Blues")))
        ax.set_xticks(range(m), [f"c{j}" for j in range(m)])
        ax.set_yticks(range(n), [f"r{i}" for i in range(n)])
        extra.append(ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04).ax)
    else:
        _plot(ax, what, rng)
    if despine:
        ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    return [ax, *extra]


def _whole_layout(cls: str, rng: random.Random) -> tuple[list[list[int]], list[float]]:
    """Panels per row (columns of a gridspec row span evenly) and the rows' height ratios."""
    if cls == "mpl_gridspec":
        rows = rng.choice(([1, 3], [1, 2], [2, 3], [3, 1], [1, 2, 2]))
        ratios = [rng.uniform(0.7, 1.6) for _ in rows]
        return [[n] for n in rows], ratios
    grid = rng.choice(([2, 2], [2, 2], [3, 3], [2], [3], [2, 2, 2])) if cls != "mpl_despine" \
        else rng.choice(([2, 2], [2, 2], [2, 2], [3, 3], [2]))
    return [[n] for n in grid], [1.0] * len(grid)


def _tight_ink(rgb: np.ndarray, box: Box, page: np.ndarray) -> Box:
    """``box`` shrunk to where it differs visibly from the page (text boxes have margins)."""
    x1, y1, x2, y2 = box
    sub = np.abs(rgb[y1:y2, x1:x2].astype(np.int16) - page).max(axis=2) > 12
    ys, xs = np.flatnonzero(sub.any(axis=1)), np.flatnonzero(sub.any(axis=0))
    if not ys.size:
        return box
    return (x1 + int(xs[0]), y1 + int(ys[0]), x1 + int(xs[-1]) + 1, y1 + int(ys[-1]) + 1)


def gold_panels(rgb: np.ndarray, panels: Sequence[Sequence[plt.Axes]]) -> list[Subplot]:
    """Each panel's gold box: the union of its axes' tight boxes (tick labels, axis
    labels, title, colour bar), shrunk to where it differs from the page."""
    h, w = rgb.shape[:2]
    page = rgb[0, 0].astype(np.int16)
    gold: list[Subplot] = []
    for k, panel in enumerate(panels):
        bbs = [b for b in (a.get_tightbbox() for a in panel) if b is not None]
        x1, x2 = min(b.x0 for b in bbs), max(b.x1 for b in bbs)
        y1, y2 = min(b.y0 for b in bbs), max(b.y1 for b in bbs)
        box = (max(0, int(x1)), max(0, int(h - y2)), min(w, int(np.ceil(x2))),
               min(h, int(np.ceil(h - y1))))
        gold.append(Subplot(k, _tight_ink(rgb, box, page), None))
    return gold


def compose_whole(cls: str, rng: random.Random) -> Composed:
    """One whole matplotlib figure of class ``cls`` (see the module docstring)."""
    rows, ratios = _whole_layout(cls, rng)
    ncols = 6  # every row's panels span an equal share of six gridspec columns
    despine = cls == "mpl_despine" or rng.random() < 0.3
    style = rng.choice(("default", "seaborn-v0_8-white", "seaborn-v0_8-ticks",
                        "seaborn-v0_8-whitegrid") if despine else STYLES)
    width = rng.uniform(7.0, 11.0)
    height = sum(ratios) * rng.uniform(2.4, 3.4)
    layout = "constrained" if rng.random() < 0.4 else "tight"
    kinds = ["bar", "grouped", "barh", "line"] if cls != "mpl_despine" else ["bar", "grouped",
                                                                             "bar", "barh"]
    if cls == "mpl_heatmap":
        kinds = ["heatmap", "heatmap", "line", "bar"]
    share = cls == "mpl_shared"
    suptitle = cls == "mpl_gridspec" and rng.random() < 0.7 or rng.random() < 0.15
    letters = cls == "mpl_letters" or rng.random() < 0.15
    with plt.style.context(style):
        fig = plt.figure(figsize=(width, height), dpi=100, layout=layout)
        gs = fig.add_gridspec(len(rows), ncols, height_ratios=ratios)
        panels: list[list[plt.Axes]] = []
        first: plt.Axes | None = None
        for r, (n,) in enumerate(rows):
            span = ncols // n if ncols % n == 0 else 2
            for k in range(n):
                kw = {"sharey": first, "sharex": first} if share and first is not None else {}
                ax = fig.add_subplot(gs[r, k * span : (k + 1) * span], **kw)
                what = "line" if share else rng.choice(kinds)  # shared axes: one scale
                panel = _whole_plot(ax, what, rng, despine)
                if share:
                    if first is not None and k > 0:
                        ax.tick_params(labelleft=False)
                    first = first or ax
                if cls == "mpl_legend" and what != "heatmap":
                    for j in range(2 if what != "grouped" else 0):
                        ax.plot([], [], label=rng.choice(WORDS) + f" {j}")
                    where = rng.choice(("right", "below"))
                    anchor = (1.02, 1.0) if where == "right" else (0.5, -0.18)
                    loc = "upper left" if where == "right" else "upper center"
                    ax.legend(loc=loc, bbox_to_anchor=anchor, fontsize=7, frameon=rng.random() < .5)
                panels.append(panel)
        if suptitle:
            fig.suptitle(rng.choice(("Figure 2: Results by region", "Market overview",
                                     "Performance across benchmarks")), fontsize=14)
        names: list[plt.Text] = []
        if letters:  # axes text, so the layout makes room; hidden when gold is measured
            fmt = rng.choice(("({})", "{}", "{}.", "upper"))
            for k, panel in enumerate(panels):
                name = chr(65 + k) if fmt == "upper" else fmt.format(chr(97 + k))
                names.append(panel[0].text(-0.08, 1.04, name, transform=panel[0].transAxes,
                                           fontsize=13, fontweight="bold", ha="right",
                                           va="bottom"))
        fig.canvas.draw()
        w, h = fig.canvas.get_width_height()
        rgba = np.asarray(fig.canvas.buffer_rgba())
        rgb = np.array(rgba[:, :, :3])
        for t in names:
            t.set_visible(False)
        gold = gold_panels(rgb, panels)
        plt.close(fig)
    desc = (f"rows {[n for (n,) in rows]} style {style} layout {layout} despine {despine} "
            f"suptitle {suptitle} letters {letters}")
    return Composed(Image.fromarray(rgb), Layout(w, h, "figure", subplots=tuple(gold)), cls, desc)
