"""Benchmark: layout detection on degraded and unseen-style images, per degradation and class.

Every development image goes through each chosen degradation (``_degrade``:
downscale, blur, JPEG, noise, contrast loss, combinations) with its gold boxes
moved to match; scan-like tables rendered with Pillow are added as their own
class. Detection runs as a user calls it (``detect_layout(image)``: kind auto,
no cache) and, for the counts, also with the kind given.

Sections: ``tables`` (wtq, pubtabnet and scan-like renders); ``charts``
(``_robust_charts``: the answer's bar on chartlens, labels and series on chartqa).
Others may add theirs to ``SECTIONS``.

    python benchmarks/bench_robustness.py                          # everything (slow)
    python benchmarks/bench_robustness.py --limit 8 --scan 10      # quick
    python benchmarks/bench_robustness.py --degradations clean down35 --classes scan
    python benchmarks/bench_robustness.py --sections tables --classes family_scan family_report
    python benchmarks/bench_robustness.py ... --split heldout     # final figures only
    python benchmarks/bench_robustness.py --json out.json

Timings are wall-clock per image in this process (single process, no cache).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _degrade import PRESETS, degradation, degrade_pair, render_scan_table
from _robust_charts import run_charts
from _table_family import STYLES, render_family_table, seeds
from PIL import Image

from refocus_dsl.detect import detect_layout
from refocus_dsl.imageio import load_image
from refocus_dsl.layout import Layout, load_layout
from refocus_dsl.ocr import OcrEngine, get_ocr
from refocus_dsl.scoring import read_manifest
from refocus_dsl.scoring.common import format_value, mean
from refocus_dsl.scoring.table import score_table

DEFAULT_DEGRADATIONS = ["clean", *[k for k in PRESETS if k != "clean"], "combo"]

TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("n", "n", "int"),
    ("col_count_exact", "cols#", "share"),
    ("row_count_exact", "rows#", "share"),
    ("col_iou50", "colIoU", "share"),
    ("row_iou50", "rowIoU", "share"),
    ("header_exact", "header", "share"),
    ("label_exact", "label", "share"),
    ("read_as_table", "table?", "share"),
    ("t_col_count_exact", "cols#K", "share"),
    ("t_row_count_exact", "rows#K", "share"),
    ("t_header_exact", "headerK", "share"),
    ("t_label_exact", "labelK", "share"),
    ("confidence", "conf", "mean"),
    ("seconds", "median", "median"),
    ("errors", "crashed", "share"),
)
"""Printed figures; ``K`` marks those with ``kind="table"`` given, the rest are kind auto."""


def default_data() -> Path:
    """``shared/data`` beside the repository (or beside its worktrees' folder), if there."""
    repo = Path(__file__).resolve().parents[1]
    for base in (repo.parent, repo.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return repo.parent / "shared" / "data"


@dataclass
class Result:
    """One image's figures; ``cls`` is its style or set, ``deg`` its degradation."""

    id: str
    cls: str
    deg: str
    scores: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    id: str
    cls: str
    deg: str
    image: Image.Image
    gold: Layout


def table_cases(args: argparse.Namespace) -> Iterator[Case]:
    """Development tables under each degradation, then scan-like renders."""
    classes = set(args.classes) if args.classes else None
    for name in ("wtq", "pubtabnet"):
        manifest = args.data / "tables" / name / "manifest.jsonl"
        if not manifest.is_file():
            print(f"bench_robustness: no manifest at {manifest} (use --data)", file=sys.stderr)
            continue
        rows = read_manifest(manifest)
        picked = []
        by_class: dict[str, int] = {}
        for row in rows:  # the first --limit of every class, so each class is present
            cls = row.group if name == "wtq" else name
            if classes is not None and cls not in classes:
                continue
            if args.limit is not None and by_class.get(cls, 0) >= args.limit:
                continue
            by_class[cls] = by_class.get(cls, 0) + 1
            picked.append((row, cls))
        for k, (row, cls) in enumerate(picked):
            assert row.gold is not None
            image = load_image(row.image).image
            gold = load_layout(row.gold)
            for deg_name in args.degradations:
                seed = 1000 * k + sum(map(ord, deg_name))
                deg = degradation(deg_name, seed)
                img, g = degrade_pair(image, gold, deg, seed)
                yield Case(row.id, cls, deg_name, img, g)
    if classes is None or "scan" in classes:
        for seed in range(args.scan):
            img, g = render_scan_table(seed)
            yield Case(f"scan_{seed}", "scan", "scan", img, g)
    for style in STYLES:
        if classes is not None and f"family_{style}" not in classes:
            continue
        for seed in seeds(args.split, args.family):
            img, g, info = render_family_table(seed, style)
            yield Case(
                f"{style}_{seed}_{info.font}_{info.header}", f"family_{style}", style, img, g
            )


def _detect(case: Case, kind: str, engine: OcrEngine) -> tuple[Layout, bool]:
    """The layout, and whether detection raised (scored as no table, and reported)."""
    try:
        return detect_layout(case.image, kind, ocr=engine, cache=False), False
    except Exception:  # noqa: BLE001 - a crash is a finding: count it, show it, go on
        print(f"{case.id} {case.deg} kind={kind}:\n{traceback.format_exc()}", file=sys.stderr)
        return Layout(case.gold.width, case.gold.height, "table"), True


def run_table_case(case: Case, engine: OcrEngine) -> Result:
    t0 = time.perf_counter()
    auto, failed = _detect(case, "auto", engine)
    seconds = time.perf_counter() - t0
    as_table, failed_t = (auto, failed) if auto.kind == "table" else _detect(case, "table", engine)
    scores: dict[str, float | None] = dict(score_table(auto, case.gold, {}))
    scores.update({f"t_{k}": v for k, v in score_table(as_table, case.gold, {}).items()})
    scores["read_as_table"] = float(auto.kind == "table")
    scores["confidence"] = auto.confidence
    scores["seconds"] = seconds
    scores["errors"] = float(failed or failed_t)
    return Result(case.id, case.cls, case.deg, scores)


def summarise(results: Sequence[Result]) -> dict[str, float | None]:
    out: dict[str, float | None] = {"n": float(len(results))}
    for key, _, fmt in TABLE_COLUMNS[1:]:
        values = [r.scores.get(key) for r in results]
        if fmt == "median":
            xs = [float(v) for v in values if v is not None]
            out[key] = statistics.median(xs) if xs else None
        else:
            out[key] = mean(values)
    return out


def _fmt(value: float | None, fmt: str) -> str:
    if fmt == "int":
        return "-" if value is None else str(int(value))
    if fmt == "median":
        return format_value(value, "seconds")
    return format_value(value, "share" if fmt == "share" else "mean")


def table_text(title: str, groups: dict[str, dict[str, float | None]]) -> str:
    width = max([len(title), *map(len, groups)]) + 2
    head = f"{title:{width}}" + "".join(f"{label:>9}" for _, label, _ in TABLE_COLUMNS)
    lines = [head]
    for name, summary in groups.items():
        cells = "".join(f"{_fmt(summary.get(k), fmt):>9}" for k, _, fmt in TABLE_COLUMNS)
        lines.append(f"{name:{width}}{cells}")
    return "\n".join(lines)


def report(results: Sequence[Result]) -> tuple[str, dict[str, Any]]:
    by_deg: dict[str, list[Result]] = {}
    by_cls: dict[str, list[Result]] = {}
    for r in results:
        by_deg.setdefault(r.deg, []).append(r)
        by_cls.setdefault(r.cls, []).append(r)
    deg_s = {k: summarise(v) for k, v in by_deg.items()}
    cls_s = {k: summarise(v) for k, v in by_cls.items()}
    cross = {
        f"{c}/{d}": summarise([r for r in by_cls[c] if r.deg == d])
        for c in by_cls
        for d in by_deg
        if any(r.deg == d for r in by_cls[c])
    }
    total = {"all": summarise(results)}
    text = "\n\n".join(
        [
            table_text("degradation", deg_s),
            table_text("class", cls_s),
            table_text("class/degradation", cross),
            table_text("overall", total),
            "K: with kind='table' given; other figures: kind auto, as a user calls it.",
        ]
    )
    return text, {"by_degradation": deg_s, "by_class": cls_s, "cross": cross, "overall": total}


def run_tables(args: argparse.Namespace, engine: OcrEngine) -> tuple[str, dict[str, Any]]:
    results: list[Result] = []
    for case in table_cases(args):
        res = run_table_case(case, engine)
        results.append(res)
        if not args.quiet:
            s = res.scores
            print(
                f"{case.cls:11} {case.deg:17} {case.id:32} cols {s['col_count_exact']} "
                f"rows {s['row_count_exact']} hdr {_fmt(s['header_exact'], 'share')} "
                f"lbl {_fmt(s['label_exact'], 'share')} kind_ok {s['read_as_table']} "
                f"{s['seconds']:.2f}s",
                file=sys.stderr,
                flush=True,
            )
    text, figures = report(results)
    if args.per_image:
        figures["images"] = [dataclass_dict(r) for r in results]
    return "== tables\n" + text, figures


def dataclass_dict(r: Result) -> dict[str, Any]:
    return {"id": r.id, "class": r.cls, "degradation": r.deg, "scores": r.scores}


SECTIONS: dict[str, Callable[[argparse.Namespace, OcrEngine], tuple[str, dict[str, Any]]]] = {
    "tables": run_tables,
    "charts": run_charts,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path, default=default_data(), help="holds tables/, charts/")
    ap.add_argument("--sections", nargs="+", default=list(SECTIONS), choices=list(SECTIONS))
    ap.add_argument(
        "--degradations",
        nargs="+",
        default=DEFAULT_DEGRADATIONS,
        help=f"from: {', '.join(DEFAULT_DEGRADATIONS)}",
    )
    ap.add_argument("--classes", nargs="+", help="only these classes (styles, sets, 'scan')")
    ap.add_argument("--limit", type=int, default=None, help="first N images of every class")
    ap.add_argument("--scan", type=int, default=40, help="how many scan-like tables to render")
    ap.add_argument(
        "--family", type=int, default=20, help="how many tables of each drawn style (_table_family)"
    )
    ap.add_argument(
        "--split",
        default="tune",
        choices=["tune", "heldout"],
        help="drawn tables' seed range: heldout only for final figures",
    )
    ap.add_argument("--json", type=Path, help="also write all figures here")
    ap.add_argument("--per-image", action="store_true", help="per-image scores in the JSON")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    for d in args.degradations:
        degradation(d, 0)  # unknown names fail here, before any work
    engine = get_ocr("auto")
    texts = []
    figures: dict[str, Any] = {}
    for name in args.sections:
        text, figs = SECTIONS[name](args, engine)
        texts.append(text)
        figures[name] = figs
    print("\n\n".join(texts))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
