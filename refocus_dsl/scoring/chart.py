"""Scoring bar-chart and figure layouts against gold (the kind-scorer protocol of ``common``).

Charts: orientation right; category labels matched one-to-one after removing
whitespace and case (gold labels come from data tables that sometimes lose a
space at a line break, so spaces cannot count); precision, recall and F1 per
image and pooled over images; whether the matched labels come in gold order.
For a manifest row with ``answer_bar_bbox`` (the bar that answers a question),
whether some detected category's bar box (its union box, or one of its own bars
for grouped and stacked bars) has IoU >= 0.5 with it, and then:

- whether that category's label is a phrase of the question (whole words,
  case-insensitive): the strict figure; beside it, whether the question names
  any detected category at all, which bounds it (many questions name none:
  "across all countries, what is the maximum ...?");
- whether some phrase of the question, written as ``bars("<phrase>")``, selects
  that category on the detected layout: the checker's own lookup, which on
  detected layouts accepts a label's likely OCR misreading (W106);
- the same with phrases of the question or of its gold answer: for "which
  country ...?" questions the model names the category it picks, which the
  answer holds.

The union-only variant of the strict figure is reported beside them.

Figures: panel count exact; panel F1 at IoU 0.5 and 0.75 (one-to-one matching).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from refocus_dsl.lang.labels import compact_label, find_label, normalize_label
from refocus_dsl.layout import Box, Category, Layout
from refocus_dsl.scoring.common import ImageScores, MetricSpec, iou, match_boxes, mean

METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("orientation_correct", "orientation right"),
    MetricSpec("label_precision", "category label precision (pooled)"),
    MetricSpec("label_recall", "category label recall (pooled)"),
    MetricSpec("label_f1", "category label F1 (pooled)"),
    MetricSpec("label_f1_image", "category label F1 (mean per image)"),
    MetricSpec("order_correct", "label order right"),
    MetricSpec("answer_bar_found", "answer bar found (IoU >= 0.5)"),
    MetricSpec("answer_bar_labeled", "answer bar found, label in question"),
    MetricSpec("question_names_category", "  (question names some category at all)"),
    MetricSpec("answer_bar_named", "  ... bars(<question phrase>) selects it"),
    MetricSpec("answer_bar_named_qa", "  ... bars(<question/answer phrase>)"),
    MetricSpec("answer_bar_found_union", "answer bar = a category's union box"),
    MetricSpec("answer_bar_labeled_union", "  ... and label in question"),
    MetricSpec("panel_count_exact", "panel count exact"),
    MetricSpec("panel_f1_50", "panel F1 at IoU 0.5"),
    MetricSpec("panel_f1_75", "panel F1 at IoU 0.75"),
)

_WORD = re.compile(r"\w+")


def _match_labels(pred: Sequence[str], gold: Sequence[str]) -> list[tuple[int, int]]:
    """One-to-one exact matches (of compacted labels), each gold taken in order once."""
    free: dict[str, list[int]] = {}
    for j, g in enumerate(gold):
        free.setdefault(g, []).append(j)
    pairs = []
    for i, p in enumerate(pred):
        if p and free.get(p):
            pairs.append((i, free[p].pop(0)))
    return pairs


def label_in_question(label: str | None, question: str) -> bool:
    """Whether a category label is a phrase of the question (whole words, case-insensitive)."""
    lt = _WORD.findall(normalize_label(label))
    if not lt:
        return False
    qt = _WORD.findall(normalize_label(question))
    n = len(lt)
    if any(qt[k : k + n] == lt for k in range(len(qt) - n + 1)):
        return True
    key = "".join(lt)
    return len(key) >= 4 and key in "".join(qt)


_PHRASE_WORDS = 8
"""Longest question phrase tried as a name (labels are rarely longer)."""


def named_by(text: str, cats: Sequence[Category], read_by_ocr: bool) -> set[int]:
    """Indices of the categories that ``bars("<phrase>")`` selects for some phrase of
    ``text`` (runs of up to eight words, punctuation at their ends dropped)."""
    words = [w.strip(".,;:!?\"()[]") for w in text.split()]
    words = [w for w in words if w]
    labels = [c.label for c in cats]
    out: set[int] = set()
    for n in range(1, min(_PHRASE_WORDS, len(words)) + 1):
        for k in range(len(words) - n + 1):
            out.update(find_label(labels, " ".join(words[k : k + n]), read_by_ocr=read_by_ocr))
    return out


def _f1(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _score_figure(detected: Layout, gold: Layout) -> ImageScores:
    gold_boxes: list[Box | None] = [s.bbox for s in gold.subplots]
    pred_boxes: list[Box | None] = [s.bbox for s in detected.subplots]
    if not pred_boxes and detected.kind != "figure":
        pred_boxes = [(0, 0, detected.width, detected.height)]  # one panel: the whole image
    pairs, n_p, n_g = match_boxes(pred_boxes, gold_boxes)
    out: ImageScores = {"panel_count_exact": float(n_p == n_g), "panels": n_p, "gold_panels": n_g}
    for thr, key in ((0.5, "panel_f1_50"), (0.75, "panel_f1_75")):
        hits = sum(1 for _, _, x in pairs if x >= thr)
        out[key] = _f1(hits, n_p, n_g)[2]
    return out


def _score_answer(detected: Layout, row: Mapping[str, Any]) -> ImageScores:
    box = row.get("answer_bar_bbox")
    if not isinstance(box, (list, tuple)) or len(box) != 4:
        return {
            "answer_bar_found": None,
            "answer_bar_labeled": None,
            "question_names_category": None,
            "answer_bar_named": None,
            "answer_bar_named_qa": None,
            "answer_bar_found_union": None,
            "answer_bar_labeled_union": None,
        }
    gold_box: Box = (int(box[0]), int(box[1]), int(box[2]), int(box[3]))
    question = str(row.get("question") or "")
    cats = detected.chart.categories if detected.chart is not None else ()
    # The gold box is one bar; a grouped or stacked category has several, and its
    # bar_bbox is their union: a hit on the category's own bar counts, and the strict
    # union-only figure is reported beside it.
    union = [c for c in cats if iou(c.bar_bbox, gold_box) >= 0.5]
    hits = [
        i for i, c in enumerate(cats)
        if iou(c.bar_bbox, gold_box) >= 0.5 or any(
            b is not None and iou(b, gold_box) >= 0.5 for b in c.bars
        )
    ]
    ocr = detected.detector is not None
    named = named_by(question, cats, ocr) if hits else set()
    answer = str(row.get("answer") or "")
    named_qa = named | named_by(answer, cats, ocr) if hits and answer else named
    return {
        "answer_bar_found": float(bool(hits)),
        "answer_bar_labeled": float(
            any(label_in_question(cats[i].label, question) for i in hits)
        ),
        "question_names_category": float(
            any(label_in_question(c.label, question) for c in cats)
        ),
        "answer_bar_named": float(bool(named.intersection(hits))),
        "answer_bar_named_qa": float(bool(named_qa.intersection(hits))),
        "answer_bar_found_union": float(bool(union)),
        "answer_bar_labeled_union": float(
            any(label_in_question(c.label, question) for c in union)
        ),
    }


def score_chart(detected: Layout, gold: Layout, row: Mapping[str, Any]) -> ImageScores:
    """One image's chart or figure metrics; metrics that do not apply are None."""
    out: ImageScores = {m.key: None for m in METRICS}
    if gold.kind == "figure":
        out.update(_score_figure(detected, gold))
        return out
    out.update(_score_answer(detected, row))
    det = detected.chart
    gch = gold.chart
    if gch is None:
        return out
    if gch.orientation is not None:
        out["orientation_correct"] = float(det is not None and det.orientation == gch.orientation)
    gold_labels = [compact_label(c.label) for c in gch.categories]
    if gold_labels and any(gold_labels):
        pred_labels = [compact_label(c.label) for c in det.categories] if det is not None else []
        pred_labels = [p for p in pred_labels if p]  # an empty label claims nothing
        pairs = _match_labels(pred_labels, gold_labels)
        p, r, f = _f1(len(pairs), len(pred_labels), len(gold_labels))
        out.update(
            {
                "label_precision": p,
                "label_recall": r,
                "label_f1_image": f,
                "label_tp": len(pairs),
                "label_pred": len(pred_labels),
                "label_gold": len(gold_labels),
            }
        )
        if len(gold_labels) >= 2:
            gold_order = [j for _, j in sorted(pairs)]
            out["order_correct"] = float(
                len(pairs) >= 2 and gold_order == sorted(gold_order)
            )
    return out


def aggregate_chart(items: Sequence[Mapping[str, Any]]) -> dict[str, float | None]:
    """Means over images, except label precision/recall/F1 which pool the counts."""
    out: dict[str, float | None] = {m.key: mean([it.get(m.key) for it in items]) for m in METRICS}
    counted = [it for it in items if it.get("label_gold") is not None]
    if counted:
        tp = sum(int(it["label_tp"]) for it in counted)
        n_pred = sum(int(it["label_pred"]) for it in counted)
        n_gold = sum(int(it["label_gold"]) for it in counted)
        p, r, f = _f1(tp, n_pred, n_gold)
        out.update({"label_precision": p, "label_recall": r, "label_f1": f})
    else:
        out.update({"label_precision": None, "label_recall": None, "label_f1": None})
    return out
