"""How often the offline planner's focus covers the gold answer bar.

On the ChartLens PlotQA/MATSA bar charts (the manifest gives the question and
``answer_bar_bbox``, the one bar that answers it), for each question with a
single gold bar: detect the layout from pixels, plan from the question alone,
and ask whether the boxes of the targets the planner picked (each category's
region, the band that edits act on) cover the gold bar: at least half of the
gold bar's area inside one picked region. Also reported: how often the
detected layout has *some* category covering the gold bar (the ceiling for
any planner on detected layouts), how often the planner picked anything,
and how many categories it picked.

Run: python benchmarks/bench_planner.py [DATA_DIR] [--limit N]
DATA_DIR defaults to ../shared/data/charts/chartlens-plotqa-matsa next to the
repository. The images are read in place, never copied.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from refocus_dsl.detect import detect_layout
from refocus_dsl.imageio import load_image
from refocus_dsl.layout import Box
from refocus_dsl.loop.planner import plan

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parent.parent / "shared" / "data" / "charts" / "chartlens-plotqa-matsa"


def covered(gold: Box, box: Box, share: float = 0.5) -> bool:
    ix = max(0, min(gold[2], box[2]) - max(gold[0], box[0]))
    iy = max(0, min(gold[3], box[3]) - max(gold[1], box[1]))
    area = max(1, (gold[2] - gold[0]) * (gold[3] - gold[1]))
    return ix * iy >= share * area


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("data", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", help="also write per-question results here")
    args = ap.parse_args()
    root = Path(args.data)
    manifest = root / "manifest.jsonl"
    if not manifest.is_file():
        print(f"no manifest at {manifest}; pass the data folder", file=sys.stderr)
        return 1
    rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r.get("answer_bar_bbox")]
    if args.limit:
        rows = rows[: args.limit]
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    picked: list[int] = []
    seconds: list[float] = []
    results = []
    for i, row in enumerate(rows, 1):
        x1, y1, x2, y2 = (int(v) for v in row["answer_bar_bbox"])
        gold: Box = (x1, y1, x2, y2)
        group = stats[row["dataset"]]
        group["questions"] += 1
        image = load_image(root / row["image"]).image
        t0 = time.perf_counter()
        try:
            layout = detect_layout(image, "chart")
        except Exception as exc:  # noqa: BLE001 - count and go on
            group["detect_failed"] += 1
            results.append({"id": row["id"], "error": str(exc)})
            continue
        seconds.append(time.perf_counter() - t0)
        cats = layout.chart.categories if layout.chart else ()
        regions = [c.region or c.bar_bbox for c in cats]
        if any(r is not None and covered(gold, r) for r in regions):
            group["layout_covers"] += 1
        p = plan(row["question"], layout)
        boxes = [f.box for f in p.focus if f.kind == "bars" and f.box is not None]
        if boxes:
            group["planned"] += 1
            picked.append(len(boxes))
        hit = any(covered(gold, b) for b in boxes)
        group["covered"] += hit
        results.append({"id": row["id"], "covered": hit, "program": p.program, "picked": len(boxes),
                        "categories": len(cats)})  # fmt: skip
        if i % 25 == 0:
            print(f"  {i}/{len(rows)}", file=sys.stderr)
    total: dict[str, int] = defaultdict(int)
    print(f"planner coverage of the gold answer bar ({len(rows)} questions with one gold bar)")
    head = ("set", "n", "covered", "planned", "layout covers", "detect fail")
    print(f"{head[0]:<8} {head[1]:>4} {head[2]:>9} {head[3]:>9} {head[4]:>14} {head[5]:>12}")
    for name, g in sorted(stats.items()) + [("all", total)]:
        if name != "all":
            for k, v in g.items():
                total[k] += v
        n = g["questions"] or 1
        print(
            f"{name:<8} {g['questions']:>4} {100 * g['covered'] / n:>8.1f}% "
            f"{100 * g['planned'] / n:>8.1f}% {100 * g['layout_covers'] / n:>13.1f}% "
            f"{g['detect_failed']:>12}"
        )
    if picked:
        print(
            f"categories picked when planned: median {statistics.median(picked)}, max {max(picked)}"
        )
    if seconds:
        print(f"detection: median {statistics.median(seconds):.2f} s per image (shared machine)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
