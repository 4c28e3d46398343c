"""Chart and figure layout benchmark over the shared development data.

Run on demand (prints figures; nothing asserts):

    python benchmarks/bench_charts.py [--data ../shared/data/charts] [--limit N]
        [--only chartqa,chartlens-plotqa-matsa,figures] [--json OUT.json]
        [--overlays DIR]

Sets: ``chartqa/`` (gold labels and orientation), ``chartlens-plotqa-matsa/``
(one answer bar box per question and no gold layout: eval-layout scores
such rows on the answer-bar metrics alone), ``figures/`` (gold panel boxes).
Targets (issue 4): chartqa orientation >= 98%, label F1 >= 90%, order >= 90%;
chartlens answer bar found >= 90%, with label in question >= 80%; figures panel
count exact >= 95%, panel F1@0.75 >= 95%; median <= 0.3 s per chart.
Timings are wall-clock in one process; on a shared machine read the median.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from refocus_dsl.scoring import EvalReport, score_detection

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the charts data folder")
    ap.add_argument("--only", default=",".join(SETS), help="comma-separated sets to run")
    ap.add_argument("--limit", type=int, default=None, help="first N images of each set")
    ap.add_argument("--json", type=Path, default=None, help="write all reports as JSON here")
    ap.add_argument("--overlays", type=Path, default=None, help="write overlay PNGs here")
    args = ap.parse_args(argv)
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
