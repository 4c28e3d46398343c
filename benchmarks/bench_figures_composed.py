"""Panel detection on freshly composed figures: a check beyond the 40 dev figures.

The development figures are 40 grids of real chart PNGs. This benchmark builds
new ones the same way, from the ChartQA bar charts of the development set, with
a seeded random choice of grid (1x2, 2x1, 2x2, 1x3, 2x3, 3x1, 3x2), panel width
(380-720 px), gaps (0-40 px, across and down drawn separately), margin (0-40 px),
page (white or light grey) and panel letters "(a)", "(b)", ... above the panels
(left-aligned or centred). Panels keep their aspect ratio and are top-aligned in
their row, as in the dev set. Each figure's gold boxes are known exactly; the
scorer is ``refocus eval-layout``'s.

A second mode, ``--classes``, composes the failure classes of real figures
(``_figure_composer``: narrow gaps, unequal rows, tinted gridded plots in frames,
figure titles, corner letters, framed panels, mixed content, pasted from matplotlib
drawings; whole matplotlib figures: despined 2x2 grids, gridspec rows of unequal
height, letters, shared axes, legends outside the axes, heatmaps; and figures as papers
compose them (``_paper_figures``): grids sharing axes, a row's colour bar or legend,
insets, "(a) ..." captions, photo and microscopy panels, panels of different widths) and prints, per
class, panel count exact and F1 with ``kind="auto"`` (as a user gets it) and with
``kind="figure"``, and how often it is read as a figure.

Run: python benchmarks/bench_figures_composed.py [--n 120] [--seed 1] [--failures DIR]
     python benchmarks/bench_figures_composed.py --classes [--per-class 20] [--only CLS]
         [--dev FOLDER_OF_DEV_FIGURES]  (adds them to the confidence reliability table)
The source images are read in place, never copied; composed figures are only
written (with --failures) when detection misses.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from refocus_dsl.detect import classify_image, detect_layout
from refocus_dsl.layout import Layout, Subplot
from refocus_dsl.scoring.chart import score_chart

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "data" / "charts" / "chartqa"
GRIDS = ((1, 2), (2, 1), (2, 2), (1, 3), (2, 3), (3, 1), (3, 2))
LETTER_BAND = 34


def compose(sources: list[Path], rng: random.Random) -> tuple[Image.Image, Layout, str]:
    """One random figure, its gold layout, and a short description of its parameters."""
    rows, cols = rng.choice(GRIDS)
    width = rng.randint(380, 720)
    gap_x, gap_y = rng.randint(0, 40), rng.randint(0, 40)
    margin = rng.randint(0, 40)
    grey = rng.randint(228, 240)
    page = rng.choice([(255, 255, 255), (grey, grey, grey)])
    letters = rng.random() < 0.4
    centred = rng.random() < 0.5
    band = LETTER_BAND if letters else 0
    panels = []
    for _ in range(rows * cols):
        with Image.open(rng.choice(sources)) as im:
            rgb = im.convert("RGB")
        panels.append(rgb.resize((width, round(rgb.height * width / rgb.width)),
                                 Image.Resampling.LANCZOS))
    row_h = [max(p.height for p in panels[r * cols : (r + 1) * cols]) for r in range(rows)]
    size = (2 * margin + cols * width + (cols - 1) * gap_x,
            2 * margin + sum(row_h) + rows * band + (rows - 1) * gap_y)
    figure = Image.new("RGB", size, page)
    draw = ImageDraw.Draw(figure)
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(
            "DejaVuSans.ttf", 22
        )
    except OSError:
        font = ImageFont.load_default()
    gold = []
    y = margin
    for r in range(rows):
        x = margin
        for c in range(cols):
            i = r * cols + c
            if letters:
                text = f"({chr(ord('a') + i)})"
                tx = x + (width - draw.textlength(text, font=font)) / 2 if centred else x
                draw.text((tx, y + 4), text, fill=(0, 0, 0), font=font)
            figure.paste(panels[i], (x, y + band))
            gold.append(Subplot(i, (x, y + band, x + width, y + band + panels[i].height), None))
            x += width + gap_x
        y += row_h[r] + band + gap_y
    desc = (f"grid {rows}x{cols} width {width} gap {gap_x},{gap_y} margin {margin} "
            f"page {page[0]} letters {letters}")
    return figure, Layout(size[0], size[1], "figure", subplots=tuple(gold)), desc


def _panel_scores(found: Layout, gold: Layout) -> dict[str, float]:
    s = score_chart(found, gold, {})
    keys = ("panel_count_exact", "panel_f1_50", "panel_f1_75")
    return {key: float(s[key] or 0.0) for key in keys}


def run_classes(args: argparse.Namespace, sources: list[Path]) -> int:
    """Per-class figures on the composed failure classes."""
    from _figure_composer import CLASSES, composed_set

    classes = tuple(args.only) if args.only else CLASSES
    if "chartqa" in classes and not sources:
        print(f"class chartqa skipped: no PNG images under {args.data} (see --data)",
              file=sys.stderr)
    figures = composed_set(args.per_class, args.seed, sources, classes)
    rows: dict[str, list[dict[str, float]]] = {}
    for k, fig in enumerate(figures):
        t0 = time.perf_counter()
        auto = detect_layout(fig.image, "auto", cache=False)
        t_auto = time.perf_counter() - t0
        forced = detect_layout(fig.image, "figure", cache=False)
        a, f = _panel_scores(auto, fig.gold), _panel_scores(forced, fig.gold)
        rows.setdefault(fig.cls, []).append({
            **{f"auto_{key}": v for key, v in a.items()},
            **{f"fig_{key}": v for key, v in f.items()},
            "as_figure": float(auto.kind == "figure"),
            "classified": float(classify_image(fig.image)[0] == "figure"),
            "seconds": t_auto,
            "confidence": -1.0 if auto.confidence is None else auto.confidence,
            "right": float(a["panel_count_exact"] == 1.0 and a["panel_f1_75"] == 1.0),
        })
        if f["panel_f1_75"] != 1.0 or auto.kind != "figure":
            print(f"missed {fig.cls} {k}: {fig.desc}: kind {auto.kind}, "
                  f"{len(forced.subplots)} panels found, {len(fig.gold.subplots)} drawn",
                  file=sys.stderr)
            if args.failures is not None:
                args.failures.mkdir(parents=True, exist_ok=True)
                fig.image.save(args.failures / f"{fig.cls}_{args.seed}_{k}.png")
    cols = (("auto_panel_count_exact", "count"), ("auto_panel_f1_50", "F1@.5"),
            ("auto_panel_f1_75", "F1@.75"), ("fig_panel_count_exact", "count(fig)"),
            ("fig_panel_f1_75", "F1@.75(fig)"), ("as_figure", "as figure"),
            ("classified", "classified"))
    print(f"composed figure classes (seed {args.seed}, {args.per_class} a class); "
          "count/F1 with kind auto, (fig) with kind figure")
    print(f"{'class':<12} {'n':>3} " + " ".join(f"{name:>11}" for _, name in cols) + "  median s")
    every = [r for rs in rows.values() for r in rs]
    for cls, rs in [*rows.items(), ("ALL", every)]:
        cells = " ".join(f"{sum(r[key] for r in rs) / len(rs):11.3f}" for key, _ in cols)
        print(f"{cls:<12} {len(rs):>3} {cells}  {statistics.median(r['seconds'] for r in rs):.3f}")
    if args.dev is not None:
        every += dev_rows(args.dev)
    print_reliability(every)
    return 0


def dev_rows(folder: Path) -> list[dict[str, float]]:
    """The development figures (gold JSON beside each PNG), detected with kind auto."""
    from refocus_dsl.layout import load_layout

    out = []
    for png in sorted(folder.glob("*.png")):
        gold = load_layout(png.with_suffix(".json"))
        found = detect_layout(png, "auto", cache=False)
        a = _panel_scores(found, gold)
        right = a["panel_count_exact"] == 1.0 and a["panel_f1_75"] == 1.0
        if not right:
            print(f"missed dev {png.name}: kind {found.kind}, {len(found.subplots)} panels "
                  f"found, {len(gold.subplots)} drawn", file=sys.stderr)
        out.append({"confidence": -1.0 if found.confidence is None else found.confidence,
                    "right": float(right)})
    print(f"development figures (kind auto): {sum(r['right'] for r in out):.0f} / {len(out)} "
          "right (count exact and F1@.75 = 1)")
    return out


def print_reliability(rows: list[dict[str, float]]) -> None:
    """How often a reading is right per confidence bucket (none: a reading with no
    confidence, e.g. a table)."""
    print("confidence (kind auto)   n   right")
    for name, lo, hi in (("none", -2.0, 0.0), ("< .5", 0.0, 0.5), (".5-.7", 0.5, 0.7),
                         (".7-.9", 0.7, 0.9), (">= .9", 0.9, 2.0)):
        mine = [r["right"] for r in rows if lo <= r["confidence"] < hi]
        share = f"{sum(mine) / len(mine):.3f}" if mine else "-"
        print(f"  {name:<20} {len(mine):>4}   {share}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT, help="folder of chart PNGs")
    ap.add_argument("--n", type=int, default=120, help="figures to compose")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--failures", type=Path, help="write figures that were missed here")
    ap.add_argument("--classes", action="store_true", help="the composed failure classes")
    ap.add_argument("--per-class", type=int, default=20)
    ap.add_argument("--only", nargs="*", help="only these classes")
    ap.add_argument("--dev", type=Path, help="with --classes: also these development figures "
                    "(PNG + gold JSON) in the confidence table")
    args = ap.parse_args(argv)
    sources = sorted(args.data.glob("*.png"))
    if args.classes:
        return run_classes(args, sources)
    if not sources:
        print(f"no PNG images under {args.data}", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    scores: list[dict[str, float]] = []
    seconds: list[float] = []
    for k in range(args.n):
        figure, gold, desc = compose(sources, rng)
        t0 = time.perf_counter()
        found = detect_layout(figure, "figure", cache=False)
        seconds.append(time.perf_counter() - t0)
        s = score_chart(found, gold, {})
        scores.append({key: float(s[key] or 0.0)
                       for key in ("panel_count_exact", "panel_f1_50", "panel_f1_75")})
        if s["panel_f1_75"] != 1.0:
            print(f"missed {k}: {desc}: {s['panels']} panels found, {s['gold_panels']} drawn",
                  file=sys.stderr)
            if args.failures is not None:
                args.failures.mkdir(parents=True, exist_ok=True)
                figure.save(args.failures / f"composed_{args.seed}_{k}.png")
    n = len(scores)
    print(f"composed figures: {n} (seed {args.seed}, from {len(sources)} charts)")
    for key, name in (("panel_count_exact", "panel count exact"),
                      ("panel_f1_50", "panel F1 at IoU 0.5"),
                      ("panel_f1_75", "panel F1 at IoU 0.75")):
        print(f"{name:<24} {100.0 * sum(x[key] for x in scores) / n:6.1f}%")
    ordered = sorted(seconds)
    print(f"{'seconds, median / p95':<24} {statistics.median(seconds):.3f} / "
          f"{ordered[min(n - 1, int(0.95 * n))]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
