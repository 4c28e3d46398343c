"""The charts section of ``bench_robustness.py``: development charts under degradations.

Sets: ``chartlens-plotqa-matsa`` (one answer bar box per question: is the answer's
bar found, IoU >= .5 with a category's bar or one of its series' bars) and
``chartqa`` (gold labels: label F1, order, and for grouped charts whether the
legend's series are read exactly). Each image goes through every chosen
degradation, its boxes scaled with it, and is detected as a user calls it
(``detect_layout(image)``: kind auto, no cache).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

from _degrade import degradation, degrade_pair
from PIL import Image

from refocus_dsl.detect import detect_layout
from refocus_dsl.imageio import load_image
from refocus_dsl.lang.labels import compact_label
from refocus_dsl.layout import Layout, load_layout
from refocus_dsl.ocr import OcrEngine
from refocus_dsl.scoring import read_manifest
from refocus_dsl.scoring.chart import score_chart
from refocus_dsl.scoring.common import format_value, mean

SETS = ("chartlens-plotqa-matsa", "chartqa")

COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("n", "n", "int"),
    ("answer_bar_found", "answer", "share"),
    ("read_as_chart", "chart?", "share"),
    ("k_answer_bar_found", "answerK", "share"),
    ("label_f1_image", "labelF1", "share"),
    ("k_label_f1_image", "labelF1K", "share"),
    ("order_correct", "order", "share"),
    ("series_exact", "series", "share"),
    ("seconds", "median", "median"),
    ("errors", "crashed", "share"),
)
"""Printed figures (means over the images a figure applies to; ``median`` of seconds).
``K``: with ``kind="chart"`` given (the chart detector's own share of the failures)."""

Case = tuple[str, str, str, Image.Image, Layout, dict[str, Any]]
"""(id, set, degradation, image, gold layout, manifest row with boxes scaled)."""


def _scaled_row(row: dict[str, Any], sx: float, sy: float) -> dict[str, Any]:
    out = dict(row)
    box = row.get("answer_bar_bbox")
    if isinstance(box, (list, tuple)) and len(box) == 4:
        out["answer_bar_bbox"] = [
            round(box[0] * sx), round(box[1] * sy), round(box[2] * sx), round(box[3] * sy)
        ]
    return out


def chart_cases(args: argparse.Namespace) -> Iterator[Case]:
    """The first ``--limit`` images of each set under each chosen degradation."""
    for name in SETS:
        manifest = args.data / "charts" / name / "manifest.jsonl"
        if not manifest.is_file():
            print(f"bench_robustness: no manifest at {manifest} (use --data)", file=sys.stderr)
            continue
        rows = read_manifest(manifest)
        if name.startswith("chartlens"):  # only rows with one answer bar can be scored
            rows = [r for r in rows if isinstance(r.extra.get("answer_bar_bbox"), list)]
        rows = rows[: args.limit] if args.limit else rows
        for k, row in enumerate(rows):
            image = load_image(row.image).image
            gold = (
                load_layout(row.gold) if row.gold is not None
                else Layout(image.width, image.height, "chart")
            )
            for deg_name in args.degradations:
                seed = 1000 * k + sum(map(ord, deg_name))
                img, g = degrade_pair(image, gold, degradation(deg_name, seed), seed)
                sx, sy = img.width / image.width, img.height / image.height
                yield row.id, name, deg_name, img, g, _scaled_row(dict(row.extra), sx, sy)


def run_chart_case(case: Case, engine: OcrEngine) -> dict[str, float | None]:
    cid, _, deg, image, gold, row = case
    t0 = time.perf_counter()
    try:
        found, failed = detect_layout(image, "auto", ocr=engine, cache=False), False
    except Exception:  # noqa: BLE001 - a crash is a finding: count it, show it, go on
        print(f"{cid} {deg}:\n{traceback.format_exc()}", file=sys.stderr)
        found, failed = Layout(image.width, image.height, "chart"), True
    scores: dict[str, float | None] = {
        k: (float(v) if isinstance(v, (int, float)) else None)
        for k, v in score_chart(found, gold, row).items()
    }
    scores["seconds"] = time.perf_counter() - t0
    scores["read_as_chart"] = float(found.kind == "chart")
    # Kind auto that chose the chart detector is what kind="chart" gives.
    as_chart = found if found.kind == "chart" or failed else _as_chart(image, engine)
    for key, v in score_chart(as_chart, gold, row).items():
        if key in ("answer_bar_found", "label_f1_image"):
            scores["k_" + key] = float(v) if isinstance(v, (int, float)) else None
    scores["errors"] = float(failed)
    want = row.get("series")
    if isinstance(want, list) and len(want) >= 2:
        got = [s.label or "" for s in found.chart.series] if found.chart is not None else []
        scores["series_exact"] = float(
            [compact_label(x) for x in got] == [compact_label(str(x)) for x in want]
        )
    return scores


def _as_chart(image: Image.Image, engine: OcrEngine) -> Layout:
    try:
        return detect_layout(image, "chart", ocr=engine, cache=False)
    except Exception:  # noqa: BLE001 - counted as a miss; the auto run showed any crash
        return Layout(image.width, image.height, "chart")


def _summary(results: Sequence[dict[str, float | None]]) -> dict[str, float | None]:
    out: dict[str, float | None] = {"n": float(len(results))}
    for key, _, fmt in COLUMNS[1:]:
        values = [r.get(key) for r in results]
        if fmt == "median":
            xs = [float(v) for v in values if v is not None]
            out[key] = statistics.median(xs) if xs else None
        else:
            out[key] = mean(values)
    return out


def _text(title: str, groups: dict[str, dict[str, float | None]]) -> str:
    width = max([len(title), *map(len, groups)]) + 2
    lines = [f"{title:{width}}" + "".join(f"{label:>9}" for _, label, _ in COLUMNS)]
    for name, s in groups.items():
        cells = []
        for key, _, fmt in COLUMNS:
            v = s.get(key)
            if fmt == "int":
                cells.append("-" if v is None else str(int(v)))
            else:
                cells.append(format_value(v, "seconds" if fmt == "median" else "share"))
        lines.append(f"{name:{width}}" + "".join(f"{c:>9}" for c in cells))
    return "\n".join(lines)


def run_charts(args: argparse.Namespace, engine: OcrEngine) -> tuple[str, dict[str, Any]]:
    """Every chosen degradation of the development charts: figures per degradation and set."""
    by_deg: dict[str, list[dict[str, float | None]]] = {}
    by_set: dict[str, list[dict[str, float | None]]] = {}
    cross: dict[str, list[dict[str, float | None]]] = {}
    for case in chart_cases(args):
        cid, name, deg = case[0], case[1], case[2]
        scores = run_chart_case(case, engine)
        by_deg.setdefault(deg, []).append(scores)
        by_set.setdefault(name, []).append(scores)
        cross.setdefault(f"{name}/{deg}", []).append(scores)
        if not args.quiet:
            print(f"{name:24} {deg:17} {cid:28} answer {scores.get('answer_bar_found')} "
                  f"chart {scores['read_as_chart']} {scores['seconds']:.2f}s",
                  file=sys.stderr, flush=True)
    figures = {
        "by_degradation": {k: _summary(v) for k, v in by_deg.items()},
        "by_set": {k: _summary(v) for k, v in by_set.items()},
        "cross": {k: _summary(v) for k, v in cross.items()},
    }
    text = "\n\n".join(
        [
            _text("degradation", figures["by_degradation"]),
            _text("set", figures["by_set"]),
            _text("set/degradation", figures["cross"]),
            "answer: the answer's bar found (chartlens); labelF1, order, series: chartqa.",
        ]
    )
    return "== charts\n" + text, figures
