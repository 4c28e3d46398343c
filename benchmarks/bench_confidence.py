"""Benchmark: is a layout's ``confidence`` worth anything? A reliability table per kind.

Each development image is detected with its gold kind and judged right or wrong:

- table: column count and row count both exact;
- chart: category label F1 >= 0.9 and the labels in gold order (charts with
  fewer than two gold labels: F1 alone);
- figure: panel count exact and panel F1 at IoU 0.75 = 1.

Per kind it prints, for confidence buckets (< .5, .5-.7, .7-.9, >= .9, and none
when the detector gives no confidence), how many layouts fall in the bucket and
the share of them that is right; the last line is "share right among confidence
>= .9", the figure a caller trusting a sure layout relies on.

    python benchmarks/bench_confidence.py                  # every development set
    python benchmarks/bench_confidence.py --limit 20       # the first 20 of each set
    python benchmarks/bench_confidence.py --sets chartqa --degradation jpeg

``--degradation`` (a preset of ``_degrade`` that keeps the image size: blur, JPEG,
noise, contrast loss) detects degraded copies of the images against the same gold.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from _degrade import PRESETS, degrade
from bench_robustness import default_data

from refocus_dsl.detect import detect_layout
from refocus_dsl.imageio import load_image
from refocus_dsl.layout import Layout
from refocus_dsl.ocr import get_ocr
from refocus_dsl.scoring import read_manifest, score_detection

SETS: dict[str, str] = {
    "wtq": "tables/wtq",
    "pubtabnet": "tables/pubtabnet",
    "chartqa": "charts/chartqa",
    "figures": "charts/figures",
}

BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("< .5", -1.0, 0.5),
    (".5-.7", 0.5, 0.7),
    (".7-.9", 0.7, 0.9),
    (">= .9", 0.9, 2.0),
)


def is_right(kind: str, scores: Mapping[str, Any]) -> bool:
    """Whether one image's layout is right enough to act on (see the module docstring)."""
    if kind == "table":
        return bool(scores.get("col_count_exact") == 1.0 and scores.get("row_count_exact") == 1.0)
    if kind == "figure":
        return bool(scores.get("panel_count_exact") == 1.0 and scores.get("panel_f1_75") == 1.0)
    f1 = scores.get("label_f1_image")
    return f1 is not None and f1 >= 0.9 and scores.get("order_correct") != 0.0


def bucket(confidence: float | None) -> str:
    if confidence is None:
        return "none"
    return next(name for name, lo, hi in BUCKETS if lo <= confidence < hi)


def reliability(rows: list[tuple[float | None, bool]]) -> list[str]:
    """The printed table for one kind: bucket, count, share right."""
    lines = [f"  {'confidence':<12}{'n':>5}{'right':>8}"]
    for name in [b[0] for b in BUCKETS] + ["none"]:
        mine = [ok for c, ok in rows if bucket(c) == name]
        if name == "none" and not mine:
            continue
        share = f"{sum(mine) / len(mine):.3f}" if mine else "-"
        lines.append(f"  {name:<12}{len(mine):>5}{share:>8}")
    sure = [ok for c, ok in rows if c is not None and c >= 0.9]
    overall = sum(ok for _, ok in rows) / len(rows) if rows else 0.0
    lines.append(
        "  share right among confidence >= .9: "
        + (f"{sum(sure) / len(sure):.3f} ({sum(sure)}/{len(sure)})" if sure else "- (none)")
        + f"; right overall {overall:.3f} ({sum(ok for _, ok in rows)}/{len(rows)})"
    )
    return lines


SAME_SIZE = sorted(k for k, d in PRESETS.items() if d.scale == 1.0)
"""Degradations that keep the gold boxes where they are."""


def run_set(
    manifest: Path, limit: int | None, deg: str | None
) -> list[tuple[str, float | None, bool]]:
    """(kind, confidence, right) for each image of one development set."""
    engine = get_ocr("auto")
    confidence: dict[str, float | None] = {}

    def detect(path: Path, kind: str) -> Layout:
        image: Path | Any = path
        if deg is not None:
            image = degrade(load_image(path).image, PRESETS[deg], seed=0)
        layout = detect_layout(image, kind, ocr=engine, cache=False)
        confidence[str(path)] = layout.confidence
        return layout

    report = score_detection(manifest, limit=limit, detect=detect)
    rows = read_manifest(manifest)[: len(report.images)]
    return [
        (item["kind"], confidence.get(str(row.image)),
         not item.get("error") and is_right(item["kind"], item["scores"]))
        for row, item in zip(rows, report.images, strict=True)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=default_data())
    ap.add_argument("--sets", nargs="+", choices=sorted(SETS), default=list(SETS))
    ap.add_argument("--limit", type=int, default=None, help="first N images of each set")
    ap.add_argument("--degradation", choices=SAME_SIZE, default=None)
    args = ap.parse_args(argv)
    by_kind: dict[str, list[tuple[float | None, bool]]] = {}
    for name in args.sets:
        manifest = args.data / SETS[name] / "manifest.jsonl"
        if not manifest.is_file():
            print(f"{name}: no manifest at {manifest}", file=sys.stderr)
            continue
        rows = run_set(manifest, args.limit, args.degradation)
        for kind, conf, ok in rows:
            by_kind.setdefault(kind, []).append((conf, ok))
        print(f"{name}: {len(rows)} images", file=sys.stderr)
    print(f"degradation: {args.degradation or 'none'}; limit: {args.limit or 'all'}")
    for kind, rows in by_kind.items():
        print(f"{kind} ({len(rows)} images)")
        print("\n".join(reliability(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
