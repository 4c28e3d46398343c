"""Big images: a chart and a table upscaled to 36 MP, a dense table drawn at 36 MP, and a
blank 40 MP image.

Each case runs in its own process so that its peak memory (max RSS, which
includes the upscaled image itself) is its own. Prints seconds (wall and CPU),
peak MB and whether the structure matches what the same picture gives at its own
size (the dense table: its drawn column and row counts).
Targets (issue 9): the same structure, <= 4 s and <= 1.2 GB each; blank quick.

Run: python benchmarks/bench_big_images.py [--mp 36] [--chart PNG] [--table PNG]
Without --chart/--table a matplotlib chart and a drawn table are used.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from refocus_dsl.detect import detect_layout
from refocus_dsl.layout import Layout
from refocus_dsl.ocr import ocr_cpu_elsewhere, ocr_helper_peak_mb


def _chart() -> Image.Image:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    names = ["Asia", "Europe", "Africa", "Oceania", "Americas", "Arctic", "Other"]
    ax.bar(names, [41, 27, 18, 9, 33, 4, 12], color="#3b75af")
    ax.set_title("Share by region, %")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default()


def _table() -> Image.Image:
    rows = [["Year", "Sales", "Cost", "Profit"]] + [
        [str(2010 + r), str(100 + 7 * r), str(60 + 3 * r), str(40 + 4 * r)] for r in range(10)
    ]
    img = Image.new("RGB", (520, 40 + 30 * len(rows)), "white")
    d = ImageDraw.Draw(img)
    font = _font(16)
    for r, row in enumerate(rows):
        y = 20 + 30 * r
        d.line((20, y, 500, y), fill=(0, 0, 0))
        for c, text in enumerate(row):
            d.text((30 + 120 * c, y + 6), text, fill=(0, 0, 0), font=font)
    d.line((20, 20 + 30 * len(rows), 500, 20 + 30 * len(rows)), fill=(0, 0, 0))
    return img


DENSE_COLS, DENSE_PITCH = 20, 30


def _dense_table(side: int) -> Image.Image:
    """A ruled table drawn at its full size with fine structure: rows every 30 px, 20 px
    text, 20 columns (reduced to a 2 MP working copy its rules would be 6 px apart)."""
    n_rows = (side - 40) // DENSE_PITCH
    cw = (side - 40) // DENSE_COLS
    img = Image.new("L", (side, side), 255)
    d = ImageDraw.Draw(img)
    font = _font(20)
    for r in range(n_rows + 1):
        y = 20 + r * DENSE_PITCH
        d.line((20, y, 20 + cw * DENSE_COLS, y), fill=0)
    for c in range(DENSE_COLS + 1):
        x = 20 + c * cw
        d.line((x, 20, x, 20 + DENSE_PITCH * n_rows), fill=0)
    for r in range(n_rows):
        for c in range(DENSE_COLS):
            text = f"row {r}" if c == 0 else str((r * 7 + c * 13) % 1000)
            if r == 0:
                text = f"Col {c}"
            d.text((20 + c * cw + 8, 20 + r * DENSE_PITCH + 4), text, fill=0, font=font)
    return img.convert("RGB")


def _structure(layout: Layout) -> list[str]:
    if layout.table is not None:
        return [f"table {len(layout.table.columns)}x{len(layout.table.rows)}",
                *[c.header for c in layout.table.columns]]
    if layout.chart is not None:
        labels = [c.label for c in layout.chart.categories]
        return [f"chart {len(labels)}", *labels]
    return [f"{layout.kind} {len(layout.subplots)} panels"]


def _one(case: str, source: str, mp: float) -> dict[str, object]:
    if case == "blank":
        side = int((mp * 1e6) ** 0.5)
        big = Image.new("RGB", (side, side), "white")
        own: list[str] = []
    elif case == "dense":  # no own-size run to compare with: its drawn grid is the truth
        side = int((mp * 1e6) ** 0.5)
        big = _dense_table(side)
        own = [f"table {DENSE_COLS}x{(side - 40) // DENSE_PITCH}"]
    else:
        img = Image.open(source).convert("RGB") if source else (
            _chart() if case == "chart" else _table())
        own = _structure(detect_layout(img, "auto", cache=False))
        k = (mp * 1e6 / (img.width * img.height)) ** 0.5
        big = img.resize((round(img.width * k), round(img.height * k)),
                         Image.Resampling.BICUBIC)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime + ocr_cpu_elsewhere()
    t0 = time.perf_counter()
    found = _structure(detect_layout(big, "auto", cache=False))
    seconds = time.perf_counter() - t0
    # OCR runs in a helper process: its peak and CPU count too
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0 + ocr_helper_peak_mb()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    same = found[:1] == own if case == "dense" else (found == own or case == "blank")
    return {"case": case, "size": f"{big.width}x{big.height}", "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu.ru_utime + cpu.ru_stime + ocr_cpu_elsewhere() - cpu0, 2),
            "peak_mb": round(peak), "same": same,
            "own": own[:1], "big": found[:1]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mp", type=float, default=36.0)
    ap.add_argument("--chart", type=Path)
    ap.add_argument("--table", type=Path)
    ap.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(_one(args.one[0], args.one[1], float(args.one[2]))))
        return 0
    cases = (("chart", args.chart, args.mp), ("table", args.table, args.mp),
             ("dense", None, args.mp), ("blank", None, max(40.0, args.mp)))
    print(f"{'case':<6} {'size':>12} {'seconds':>8} {'CPU s':>6} {'peak MB':>8}  same structure")
    for case, source, mp in cases:
        out = subprocess.run(
            [sys.executable, __file__, "--one", case, str(source or ""), str(mp)],
            capture_output=True, text=True, check=False)
        if out.returncode != 0:
            print(f"{case:<6} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['case']:<6} {r['size']:>12} {r['seconds']:>8} {r['cpu_seconds']:>6} "
              f"{r['peak_mb']:>8}  "
              f"{r['same']} ({r['own']} -> {r['big']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
