"""Pieces every layout scorer shares, and the protocol kind scorers follow.

A *kind scorer* is a module ``refocus_dsl.scoring.<kind>`` (``table``, ``chart``)
that provides:

- ``METRICS: tuple[MetricSpec, ...]``: what it reports, in print order;
- ``score_<kind>(detected: Layout, gold: Layout, row: Mapping[str, Any]) -> ImageScores``:
  one image's metrics (``row`` is the manifest line, for extras such as a
  question or ``answer_bar_bbox``); a metric that does not apply to this image
  is ``None`` and is left out of the aggregate;
- optionally ``aggregate_<kind>(items: Sequence[ImageScores]) -> dict[str, float | None]``;
  without it :func:`aggregate` (mean over images where the value is not None)
  is used. Shares are per-image 0/1 values, so their mean is the share.

The runner (:mod:`refocus_dsl.scoring`) adds the cost metrics (seconds, OCR
calls, peak memory) and the per-group breakdown; kind scorers never time.
Text compares through :mod:`refocus_dsl.lang.labels`, as the checker compares labels;
the rest is pure numpy/stdlib: scipy is not a runtime dependency.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from refocus_dsl.lang.labels import edit_distance, normalize_label
from refocus_dsl.layout import Box

MetricValue = float | int | None
ImageScores = dict[str, MetricValue]


@dataclass(frozen=True)
class MetricSpec:
    """One reported figure: ``fmt`` says how to print it (share as %, mean, seconds...)."""

    key: str
    label: str
    fmt: Literal["share", "mean", "seconds", "count", "mb"] = "share"


# ---------------------------------------------------------------- text


def anls(pred: str | None, gold: str | None, threshold: float = 0.5) -> float:
    """Normalised Levenshtein similarity of normalised texts, 0 below ``threshold`` (ANLS)."""
    p, g = normalize_label(pred), normalize_label(gold)
    if not p and not g:
        return 1.0
    sim = 1.0 - edit_distance(p, g) / max(len(p), len(g))
    return sim if sim >= threshold else 0.0


def text_exact(pred: str | None, gold: str | None) -> bool:
    return normalize_label(pred) == normalize_label(gold)


# ---------------------------------------------------------------- boxes


def iou(a: Box | None, b: Box | None) -> float:
    """Intersection over union of two half-open boxes (0 when either is missing or empty)."""
    if a is None or b is None:
        return 0.0
    ix = min(a[2], b[2]) - max(a[0], b[0])
    iy = min(a[3], b[3]) - max(a[1], b[1])
    if ix <= 0 or iy <= 0:
        return 0.0
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def iou_matrix(pred: Sequence[Box | None], gold: Sequence[Box | None]) -> list[list[float]]:
    return [[iou(p, g) for g in gold] for p in pred]


def assign_max(weights: Sequence[Sequence[float]]) -> list[tuple[int, int]]:
    """One-to-one assignment maximising the total weight (Hungarian method).

    ``weights[i][j]`` for prediction i and gold j; returns (i, j) pairs with a
    positive weight. Rectangular inputs are padded with zeros. O(n^3), fine for
    the tens of boxes a layout has.
    """
    n_p = len(weights)
    n_g = len(weights[0]) if n_p else 0
    if n_p == 0 or n_g == 0:
        return []
    n = max(n_p, n_g)
    big = max((w for row in weights for w in row), default=0.0)
    # cost[i][j] = big - weight (minimisation); padded cells cost `big`.
    cost = [
        [big - (weights[i][j] if i < n_p and j < n_g else 0.0) for j in range(n)] for i in range(n)
    ]
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    p = [0] * (n + 1)  # p[j]: row assigned to column j (1-based), 0 = none
    way = [0] * (n + 1)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = [math.inf] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = math.inf
            j1 = 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    pairs = []
    for j in range(1, n + 1):
        i = p[j]
        if i and i - 1 < n_p and j - 1 < n_g and weights[i - 1][j - 1] > 0:
            pairs.append((i - 1, j - 1))
    return sorted(pairs)


def match_boxes(
    pred: Sequence[Box | None], gold: Sequence[Box | None]
) -> tuple[list[tuple[int, int, float]], int, int]:
    """Best one-to-one matching by IoU: (pairs (i, j, iou), n_pred, n_gold)."""
    m = iou_matrix(pred, gold)
    return [(i, j, m[i][j]) for i, j in assign_max(m)], len(pred), len(gold)


def box_scores(pred: Sequence[Box | None], gold: Sequence[Box | None], prefix: str) -> ImageScores:
    """Mean IoU over gold boxes (unmatched gold count 0) and the share with IoU >= 0.5.

    Both are per gold box, so extra detected boxes do not help; ``<prefix>_precision50``
    counts detected boxes with a gold match at IoU >= 0.5. None when gold has no boxes.
    """
    if not gold:
        return {f"{prefix}_iou": None, f"{prefix}_iou50": None, f"{prefix}_precision50": None}
    pairs, n_p, n_g = match_boxes(pred, gold)
    ious = [x for _, _, x in pairs]
    hits = sum(1 for x in ious if x >= 0.5)
    return {
        f"{prefix}_iou": sum(ious) / n_g,
        f"{prefix}_iou50": hits / n_g,
        f"{prefix}_precision50": (hits / n_p) if n_p else 0.0,
    }


# ---------------------------------------------------------------- aggregation


def mean(values: Sequence[float | int | None]) -> float | None:
    xs = [float(v) for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated quantile (numpy's default), None for no values."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def aggregate(
    items: Sequence[Mapping[str, MetricValue]], specs: Sequence[MetricSpec]
) -> dict[str, float | None]:
    """Mean of each metric over the images where it applies (not None)."""
    return {s.key: mean([it.get(s.key) for it in items]) for s in specs}


def format_value(value: float | int | None, fmt: str) -> str:
    if value is None:
        return "-"
    if fmt == "share":
        return f"{100.0 * float(value):.1f}%"
    if fmt == "seconds":
        return f"{float(value):.3f}s"
    if fmt == "count":
        return f"{float(value):.1f}"
    if fmt == "mb":
        return f"{float(value):.1f}MB"
    return f"{float(value):.3f}"
