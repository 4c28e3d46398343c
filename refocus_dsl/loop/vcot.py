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
from refocus_dsl.loop.trace import find_traces, load_trace, trace_image


@dataclass(frozen=True)
class ExportCount:
    written: int
    wrong: int
    unscored: int


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


def vcot_record(folder: Path, doc: dict[str, Any], base: Path) -> dict[str, Any]:
    conversations = []
    focus: list[list[int]] = []
    for turn in doc.get("turns") or []:
        if not isinstance(turn, dict) or turn.get("kind") == "planner":
            continue
        image = _rel(trace_image(folder, turn.get("edited_image")), base)
        boxes = [b for b in (turn.get("boxes") or []) if isinstance(b, list) and len(b) == 4]
        if image is not None:
            focus.extend(boxes)
        conversations.append(
            {
                "response": turn.get("reply") or "",
                "images": [image] if image is not None else [],
                "program": turn.get("program"),
            }
        )
    original = (doc.get("image") or {}).get("file", "input.png")
    return {
        "id": doc.get("id") or folder.name,
        "image": _rel(trace_image(folder, original), base),
        "query": doc.get("question"),
        "answer": doc.get("gold_answer")
        if doc.get("gold_answer") is not None
        else doc.get("answer"),
        "focus_areas": focus,
        "conversations": conversations,
    }


def export_vcot(paths: Sequence[str | Path], out: str | Path) -> ExportCount:
    folders = find_traces(list(paths))
    if not folders:
        raise TraceError("no trace folders found in " + ", ".join(map(str, paths)))
    target = Path(out)
    base = target.parent
    written = wrong = unscored = 0
    lines = []
    for folder in folders:
        doc = load_trace(folder)
        verdict = _correct(doc)
        if verdict is None:
            unscored += 1
            continue
        if not verdict:
            wrong += 1
            continue
        lines.append(json.dumps(vcot_record(folder, doc, base), ensure_ascii=False))
        written += 1
    try:
        target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise TraceError(f"cannot write {target}: {exc.strerror or exc}") from None
    return ExportCount(written, wrong, unscored)
