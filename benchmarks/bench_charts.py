"""Chart and figure layout benchmark over the shared development data.

Run on demand (prints figures; nothing asserts):

    python benchmarks/bench_charts.py [--data ../shared/data/charts] [--limit N]
        [--only chartqa,chartlens-plotqa-matsa,figures] [--json OUT.json]
        [--overlays DIR] [--drawn N [--styles negative,stacked] [--seed S] [--failures]]

Sets: ``chartqa/`` (gold labels and orientation), ``chartlens-plotqa-matsa/``
(one answer bar box per question and no gold layout: eval-layout scores
such rows on the answer-bar metrics alone), ``figures/`` (gold panel boxes).
Targets (issue 4): chartqa orientation >= 98%, label F1 >= 90%, order >= 90%;
chartlens answer bar found >= 90%, with label in question >= 80%; figures panel
count exact >= 95%, panel F1@0.75 >= 95%; median <= 0.3 s per chart.
Timings are wall-clock in one process; on a shared machine read the median.

``--drawn N`` instead draws N charts of each style of ``_drawn_charts`` (negative,
stacked, 100% stacked, wrapped labels, legend inside a tinted plot, many thin bars,
values inside bars; seeds ``--seed`` on) and detects them as a user calls it (kind auto,
no cache): the answer's bar found, read as a chart, label F1 and order, median seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _drawn_charts import STYLES, draw  # noqa: E402

from refocus_dsl.detect import detect_layout  # noqa: E402
from refocus_dsl.scoring import EvalReport, score_detection  # noqa: E402
from refocus_dsl.scoring.chart import score_chart  # noqa: E402
from refocus_dsl.scoring.common import mean  # noqa: E402

SETS = ("chartqa", "chartlens-plotqa-matsa", "figures")
DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "charts"


def run(data: Path, only: list[str], limit: int | None, overlays: Path | None) -> list[EvalReport]:
    reports = []
    for name in only:
        folder = data / name
        if not (folder / "manifest.jsonl").is_file():
            print(f"skipped {name}: no manifest under {folder}", file=sys.stderr)
            continue
        ov = overlays / name if overlays is not None else None
        # chartlens rows have no gold layout, only the answer bar's box: the
        # runner scores them on the answer-bar metrics alone.
        kind = "figure" if name == "figures" else "chart"
        manifest = folder / "manifest.jsonl"
        reports.append(score_detection(manifest, kind=kind, limit=limit, overlays=ov))
        text = reports[-1].to_text().splitlines()
        print("\n".join([f"== {name}", *text[1:]]))
        print()
    return reports


DRAWN_KEYS = ("answer_bar_found", "read_as_chart", "label_f1_image", "order_correct")


def run_drawn(styles: list[str], n: int, seed: int, failures: bool) -> dict[str, Any]:
    """Each drawn style's figures over seeds ``seed .. seed + n - 1`` (kind auto, no cache)."""
    figures: dict[str, Any] = {}
    print(f"{'style':15}" + "".join(f"{k[:14]:>16}" for k in DRAWN_KEYS) + f"{'median s':>10}")
    for style in styles:
        rows: list[dict[str, Any]] = []
        for s in range(seed, seed + n):
            d = draw(style, s)
            t0 = time.perf_counter()
            found = detect_layout(d.image, "auto", cache=False)
            scores: dict[str, Any] = dict(score_chart(found, d.gold, d.row))
            scores["seconds"] = time.perf_counter() - t0
            scores["read_as_chart"] = float(found.kind == "chart")
            rows.append(scores)
            if failures and (scores["answer_bar_found"] != 1.0 or found.kind != "chart"):
                cats = found.chart.categories if found.chart is not None else ()
                print(f"  {style} seed {s}: kind {found.kind}, {len(cats)} categories "
                      f"(gold {len(d.gold.chart.categories) if d.gold.chart else 0}), "
                      f"answer {d.row['answer_bar_bbox']}, found "
                      f"{[c.bars for c in cats][:12]}", file=sys.stderr)
        out = {k: mean([r.get(k) for r in rows]) for k in DRAWN_KEYS}
        out["median_s"] = statistics.median(r["seconds"] for r in rows)
        figures[style] = out
        cells = "".join(
            f"{'-' if out[k] is None else format(out[k], '.3f'):>16}" for k in DRAWN_KEYS
        )
        print(f"{style:15}{cells}{out['median_s']:>10.2f}", flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the charts data folder")
    ap.add_argument("--only", default=",".join(SETS), help="comma-separated sets to run")
    ap.add_argument("--limit", type=int, default=None, help="first N images of each set")
    ap.add_argument("--json", type=Path, default=None, help="write all reports as JSON here")
    ap.add_argument("--overlays", type=Path, default=None, help="write overlay PNGs here")
    ap.add_argument("--drawn", type=int, default=0, help="N drawn charts of each style instead")
    ap.add_argument("--styles", default=",".join(STYLES), help="drawn styles to run")
    ap.add_argument("--seed", type=int, default=0, help="first drawn seed")
    ap.add_argument("--failures", action="store_true", help="list drawn charts missed")
    args = ap.parse_args(argv)
    if args.drawn:
        styles = [s.strip() for s in args.styles.split(",") if s.strip()]
        figures = run_drawn(styles, args.drawn, args.seed, args.failures)
        if args.json is not None:
            args.json.write_text(json.dumps(figures, indent=1), "utf-8")
        return 0
    if not args.data.is_dir():
        print(f"error: no data folder {args.data} (pass --data)", file=sys.stderr)
        return 1
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    reports = run(args.data, only, args.limit, args.overlays)
    if args.json is not None:
        args.json.write_text(json.dumps([r.to_dict() for r in reports], indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
