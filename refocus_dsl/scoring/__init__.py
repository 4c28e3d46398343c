"""``refocus eval-layout``: detect every image of a manifest and score it against gold.

A manifest is JSON Lines, one image a line: ``{"id", "image", "gold", ...}``
with paths relative to the manifest's folder. Any other field rides along to
the kind scorer (questions, ``answer_bar_bbox``) and may name a group
(``style``, else ``dataset``, else the manifest's folder). Kind scorers live
in ``refocus_dsl.scoring.<kind>`` and follow the protocol in
:mod:`refocus_dsl.scoring.common`; this module adds the cost figures.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from refocus_dsl.errors import LayoutError, RefocusError
from refocus_dsl.jsonlines import json_lines
from refocus_dsl.layout import Layout, load_layout
from refocus_dsl.scoring.common import (
    ImageScores,
    MetricSpec,
    aggregate,
    format_value,
    mean,
    quantile,
)

COST_METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("seconds_median", "seconds per image, median", "seconds"),
    MetricSpec("seconds_p95", "seconds per image, p95", "seconds"),
    MetricSpec("ocr_calls", "OCR calls per image", "count"),
    MetricSpec("errors", "images that failed", "count"),
)

# gold kind -> (scorer module, score function, aggregate function name)
_SCORERS: dict[str, tuple[str, str, str]] = {
    "table": ("refocus_dsl.scoring.table", "score_table", "aggregate_table"),
    "chart": ("refocus_dsl.scoring.chart", "score_chart", "aggregate_chart"),
    "figure": ("refocus_dsl.scoring.chart", "score_chart", "aggregate_chart"),
}


@dataclass(frozen=True)
class ManifestRow:
    id: str
    image: Path
    gold: Path | None
    """None for a question-level chart row (``answer_bar_bbox``, no gold layout)."""
    group: str
    extra: Mapping[str, Any]


@dataclass
class EvalReport:
    """Per-image scores, and the aggregate overall and per group."""

    manifest: str
    metrics: tuple[MetricSpec, ...]
    overall: dict[str, float | None]
    groups: dict[str, dict[str, float | None]]
    images: list[dict[str, Any]] = field(default_factory=list)
    peak_rss_mb: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest,
            "n_images": len(self.images),
            "metrics": [{"key": m.key, "label": m.label, "format": m.fmt} for m in self.metrics],
            "overall": self.overall,
            "groups": self.groups,
            "peak_rss_mb": self.peak_rss_mb,
            "images": self.images,
        }

    def to_text(self) -> str:
        names = ["overall", *self.groups]
        cols = [self.overall, *self.groups.values()]
        counts = [len(self.images)] + [
            sum(1 for im in self.images if im["group"] == g) for g in self.groups
        ]
        width = max(len(m.label) for m in self.metrics) + 2
        head = "metric".ljust(width) + "".join(f"{n:>13}" for n in names)
        lines = [f"{self.manifest}", head, "-" * len(head)]
        lines.append("images".ljust(width) + "".join(f"{c:>13}" for c in counts))
        for m in self.metrics:
            vals = "".join(f"{format_value(c.get(m.key), m.fmt):>13}" for c in cols)
            lines.append(m.label.ljust(width) + vals)
        if self.peak_rss_mb is not None:
            lines.append(f"peak memory (max RSS of this process): {self.peak_rss_mb:.0f} MB")
        return "\n".join(lines)


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """Parse a manifest; every problem names the line."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise LayoutError(f"cannot read manifest {p}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise LayoutError(f"cannot read manifest {p}: not UTF-8 text") from None
    rows: list[ManifestRow] = []
    for n, _, doc in json_lines(text.splitlines(), p, LayoutError):
        if not isinstance(doc, dict) or "image" not in doc:
            raise LayoutError(f"{p}:{n}: a manifest line needs 'image' (and 'gold')")
        if "gold" not in doc and not _answer_bar_row(doc):
            raise LayoutError(
                f"{p}:{n}: a manifest line needs 'gold' (a layout file), or "
                "'answer_bar_bbox' for a chart question"
            )
        group = doc.get("style") or doc.get("dataset") or p.parent.name or "all"
        rows.append(
            ManifestRow(
                id=str(doc.get("id", Path(str(doc["image"])).stem)),
                image=p.parent / str(doc["image"]),
                gold=p.parent / str(doc["gold"]) if "gold" in doc else None,
                group=str(group),
                extra=doc,
            )
        )
    return rows


def _answer_bar_row(doc: Mapping[str, Any]) -> bool:
    return "answer_bar_bbox" in doc or "answer_bar_bboxes" in doc


def _gold_for(row: ManifestRow) -> Layout:
    """The row's gold layout; for a chart question without one, a chart of the image's size
    with nothing known, so that only the answer-bar metrics score it."""
    if row.gold is not None:
        return load_layout(row.gold)
    from PIL import Image, UnidentifiedImageError

    from refocus_dsl.imageio import IMAGE_FORMATS

    try:
        with Image.open(row.image, formats=IMAGE_FORMATS) as im:
            width, height = im.size
    except (OSError, UnidentifiedImageError) as exc:
        raise LayoutError(f"{row.image}: cannot read image size ({exc})") from None
    return Layout(width=width, height=height, kind="chart")


def _scorer(kind: str) -> tuple[Callable[..., ImageScores], Any, tuple[MetricSpec, ...]]:
    spec = _SCORERS.get(kind)
    if spec is None:
        raise LayoutError(f"no scorer for kind {kind!r}")
    try:
        module = import_module(spec[0])
    except ImportError as exc:
        raise LayoutError(f"no scorer for kind {kind!r} ({exc})") from None
    return getattr(module, spec[1]), getattr(module, spec[2], None), tuple(module.METRICS)


def _aggregate(items: Sequence[Mapping[str, Any]], kinds: Sequence[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for kind in dict.fromkeys(kinds):
        _, agg, specs = _scorer(kind)
        mine = [it["scores"] for it in items if it["kind"] == kind]
        if not mine:
            continue
        out.update(agg(mine) if agg is not None else aggregate(mine, specs))
    secs = [float(it["seconds"]) for it in items if it.get("seconds") is not None]
    out["seconds_median"] = quantile(secs, 0.5)
    out["seconds_p95"] = quantile(secs, 0.95)
    out["ocr_calls"] = mean([it.get("ocr_calls") for it in items])
    out["errors"] = float(sum(1 for it in items if it.get("error")))
    return out


def score_detection(
    manifest: str | Path,
    *,
    kind: str = "gold",
    limit: int | None = None,
    ocr: str = "auto",
    overlays: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    detect: Callable[[Path, str], Layout] | None = None,
) -> EvalReport:
    """Detect and score every image of ``manifest`` (``kind="gold"``: the gold's kind).

    ``detect`` replaces detection (for other detectors, e.g. a baseline in a
    benchmark): it gets the image path and the kind and returns a Layout.
    """
    from refocus_dsl.detect import detect_layout
    from refocus_dsl.ocr import get_ocr

    rows = read_manifest(manifest)
    if limit is not None:
        rows = rows[: max(0, limit)]
    engine = get_ocr(ocr) if detect is None else None
    out_dir = Path(overlays) if overlays is not None else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    items: list[dict[str, Any]] = []
    kinds: list[str] = []
    for n, row in enumerate(rows, 1):
        gold = _gold_for(row)
        want = gold.kind if kind == "gold" else kind
        item: dict[str, Any] = {"id": row.id, "group": row.group, "kind": gold.kind}
        score_fn, _, specs = _scorer(gold.kind)
        kinds.append(gold.kind)
        calls0 = engine.calls if engine is not None else 0
        t0 = time.perf_counter()
        try:
            if detect is not None:
                layout = detect(row.image, want)
            else:
                assert engine is not None
                layout = detect_layout(row.image, want, ocr=engine, cache=False)
        except RefocusError as exc:
            item["error"] = str(exc)
            layout = Layout(width=gold.width, height=gold.height, kind=gold.kind)
        item["seconds"] = round(time.perf_counter() - t0, 4)
        item["ocr_calls"] = (engine.calls - calls0) if engine is not None else None
        if kind == "auto":
            item["kind_correct"] = layout.kind == gold.kind
        item["scores"] = {k: v for k, v in score_fn(layout, gold, row.extra).items()}
        if out_dir is not None and not item.get("error"):
            from refocus_dsl.imageio import load_image
            from refocus_dsl.overlay import draw_overlay

            draw_overlay(load_image(row.image).image, layout).save(out_dir / f"{row.id}.png")
        items.append(item)
        if progress is not None:
            progress(
                f"[{n}/{len(rows)}] {row.id} {item['seconds']:.2f}s"
                + (f" error: {item['error']}" if item.get("error") else "")
            )
    metrics: list[MetricSpec] = []
    for k in dict.fromkeys(kinds):
        metrics.extend(_scorer(k)[2])
    if kind == "auto":
        metrics.append(MetricSpec("kind_correct", "kind classified right"))
        for it in items:
            it["scores"]["kind_correct"] = float(it.pop("kind_correct"))
    metrics.extend(COST_METRICS)
    groups: dict[str, list[dict[str, Any]]] = {}
    for it in items:
        groups.setdefault(it["group"], []).append(it)
    overall = _aggregate(items, [it["kind"] for it in items])
    if kind == "auto":
        overall["kind_correct"] = mean([it["scores"]["kind_correct"] for it in items])
    per_group: dict[str, dict[str, float | None]] = {}
    for g in sorted(groups):
        per_group[g] = _aggregate(groups[g], [it["kind"] for it in groups[g]])
        if kind == "auto":
            per_group[g]["kind_correct"] = mean([it["scores"]["kind_correct"] for it in groups[g]])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = rss / 1024.0 if sys.platform != "darwin" else rss / (1024.0 * 1024.0)
    return EvalReport(str(manifest), tuple(metrics), overall, per_group, items, round(peak, 1))
