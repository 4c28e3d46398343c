"""``refocus export-vcot``: training data in the ReFocus paper's fine-tuning format.

One JSON line per question whose answer was right: ``query``, ``answer``,
``focus_areas`` (the pixel boxes the edits acted on), ``conversations`` (each
turn's ``response`` and the ``images`` it produced), plus the original
``image``. Image paths are written relative to the output file, so the file
and the trace folders move together.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refocus_dsl.loop.errors import TraceError
from refocus_dsl.loop.metrics import relaxed_match
from refocus_dsl.loop.trace import each_trace, find_traces, trace_image


@dataclass(frozen=True)
class ExportCount:
    written: int
    wrong: int
    unscored: int
    skipped: int = 0
    """Traces that could not be read or had wrongly typed fields (each logged)."""


def _correct(doc: dict[str, Any]) -> bool | None:
    value = doc.get("correct")
    if isinstance(value, bool):
        return value
    gold = doc.get("gold_answer")
    if isinstance(gold, str) and doc.get("answer") is not None:
        return relaxed_match(str(doc.get("answer")), gold)
    return None


def _rel(path: Path | None, base: Path) -> str | None:
    if path is None:
        return None
    return os.path.relpath(path.resolve(), base.resolve()).replace(os.sep, "/")


def _box(b: Sequence[Any]) -> dict[str, int]:
    """A box in the paper's format."""
    return {"x1": int(b[0]), "y1": int(b[1]), "x2": int(b[2]), "y2": int(b[3])}


def _bbox_dicts(doc: dict[str, Any]) -> dict[str, Any]:
    """The paper's ``columns_bbox`` / ``rows_bbox`` or ``x_values_bbox`` / ``y_values_bbox``."""
    layout = doc.get("layout")
    if not isinstance(layout, dict):
        return {}
    out: dict[str, Any] = {}
    table = layout.get("table")
    if isinstance(table, dict):
        out["columns_bbox"] = {
            str(c.get("header")): _box(c["bbox"])
            for c in table.get("columns") or []
            if isinstance(c, dict) and _is_box(c.get("bbox"))
        }
        out["rows_bbox"] = {
            str(r.get("label")): _box(r["bbox"])
            for r in table.get("rows") or []
            if isinstance(r, dict) and _is_box(r.get("bbox"))
        }
    chart = layout.get("chart")
    if isinstance(chart, dict):
        boxes: dict[str, dict[str, int]] = {}
        for c in chart.get("categories") or []:
            box = (c.get("region") or c.get("bar_bbox")) if isinstance(c, dict) else None
            if box is not None and _is_box(box):
                boxes[str(c.get("label"))] = _box(box)
        horizontal = chart.get("orientation") == "horizontal"
        out["x_values_bbox"] = {} if horizontal else boxes
        out["y_values_bbox"] = boxes if horizontal else {}
    return out


def _is_box(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )


def vcot_record(folder: Path, doc: dict[str, Any], base: Path) -> dict[str, Any]:
    """One training line. ``conversations[i]["images"]`` are the images the model had
    just been shown when it wrote ``response`` i: the original for the first turn (the
    paper's fine-tuning reads the input image from ``conversations[0]["images"]``), then
    the edited image and the original after each edit."""
    original = _rel(trace_image(folder, (doc.get("image") or {}).get("file", "input.png")), base)
    seen: list[str] = [original] if original is not None else []
    conversations = []
    focus: list[dict[str, int]] = []
    for turn in doc.get("turns") or []:
        if not isinstance(turn, dict) or turn.get("kind") == "planner":
            continue
        conversations.append(
            {"response": turn.get("reply") or "", "images": seen, "program": turn.get("program")}
        )
        edited = _rel(trace_image(folder, turn.get("edited_image")), base)
        if edited is not None:
            focus.extend(_box(b) for b in (turn.get("boxes") or []) if _is_box(b))
            seen = [edited] + ([original] if original is not None else [])
        else:
            seen = []
    gold = doc.get("gold_answer")
    return {
        "id": doc.get("id") or folder.name,
        "query": doc.get("question"),
        "answer": gold if gold is not None else doc.get("answer"),
        "focus_areas": focus,
        "conversations": conversations,
        "images": [original] if original is not None else [],
        "source": doc.get("dataset") or "",
        **_bbox_dicts(doc),
    }


def render_vcot(paths: Sequence[str | Path], base: Path) -> tuple[str, ExportCount]:
    """The JSON Lines text of the correctly answered traces (image paths relative to
    ``base``) and the counts; for writing to a file or to standard output."""
    folders = find_traces(list(paths))
    if not folders:
        raise TraceError("no trace folders found in " + ", ".join(map(str, paths)))

    def line(folder: Path, doc: dict[str, Any]) -> str | bool | None:
        verdict = _correct(doc)
        if not verdict:
            return verdict
        return json.dumps(vcot_record(folder, doc, base), ensure_ascii=False)

    results = each_trace(folders, line)
    lines = [r for r in results if isinstance(r, str)]
    wrong = sum(1 for r in results if r is False)
    unscored = sum(1 for r in results if r is None)
    count = ExportCount(len(lines), wrong, unscored, skipped=len(folders) - len(results))
    return "".join(line + "\n" for line in lines), count


def export_vcot(paths: Sequence[str | Path], out: str | Path) -> ExportCount:
    target = Path(out)
    text, count = render_vcot(paths, target.parent)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise TraceError(f"cannot write {target}: {exc.strerror or exc}") from None
    return count
