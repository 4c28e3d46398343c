"""An evaluation's summary, built from the traces on disk (so a resumed run counts the
questions answered before), and its text form."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from refocus_dsl.loop.dataset import Item
from refocus_dsl.loop.eval_options import Metric
from refocus_dsl.loop.trace import is_complete, load_trace


def _rate(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


def summarize(
    out: Path, items: Sequence[Item], metric: Metric = "relaxed", settings_id: str | None = None
) -> dict[str, Any]:
    """Accuracy by dataset and question type, turns, edits and tokens, from the traces on disk.

    With ``settings_id`` (a :func:`fingerprint`), only traces made with those settings
    count; the others are "other_settings" (left by an earlier ``--no-resume --limit``).
    """
    groups: dict[str, dict[str, list[bool]]] = {
        "dataset": defaultdict(list),
        "type": defaultdict(list),
    }
    relaxed: list[bool] = []
    exact: list[bool] = []
    judged: list[bool] = []
    turns: list[int] = []
    edits: list[int] = []
    status: Counter[str] = Counter()
    tokens = Counter[str]()
    missing = other = 0
    for item in items:
        folder = out / item.folder
        if not is_complete(folder):
            missing += 1
            continue
        doc = load_trace(folder)
        if settings_id is not None and doc.get("settings_fingerprint") != settings_id:
            other += 1
            continue
        status[str(doc.get("status"))] += 1
        t = [x for x in (doc.get("turns") or []) if isinstance(x, dict)]
        turns.append(sum(1 for x in t if x.get("kind") != "planner"))
        edits.append(sum(1 for x in t if x.get("edited_image")))
        for key, val in (doc.get("usage") or {}).items():
            if isinstance(val, int):
                tokens[key] += val
        scores = doc.get("scores") or {}
        if not scores:
            continue
        relaxed.append(bool(scores.get("relaxed")))
        exact.append(bool(scores.get("exact")))
        ok = bool(scores.get(metric))
        groups["dataset"][item.dataset].append(ok)
        groups["type"][item.type].append(ok)
        verdict = (doc.get("judge") or {}).get("verdict")
        if isinstance(verdict, bool):
            judged.append(verdict)
    n = len(turns)
    return {
        "questions": len(items),
        "complete": n,
        "incomplete": missing,
        "other_settings": other,
        "metric": metric,
        "accuracy": {
            "relaxed": _rate(sum(relaxed), len(relaxed)),
            "exact": _rate(sum(exact), len(exact)),
            "judge": _rate(sum(judged), len(judged)),
            "scored": len(relaxed),
        },
        "by_dataset": {
            k: {"n": len(v), "accuracy": _rate(sum(v), len(v))}
            for k, v in sorted(groups["dataset"].items())
        },
        "by_type": {
            k: {"n": len(v), "accuracy": _rate(sum(v), len(v))}
            for k, v in sorted(groups["type"].items())
        },
        "status": dict(sorted(status.items())),
        "turns_per_question": round(sum(turns) / n, 3) if n else None,
        "edits_per_question": round(sum(edits) / n, 3) if n else None,
        "tokens": {
            "prompt": tokens["prompt_tokens"],
            "completion": tokens["completion_tokens"],
            "total": tokens["total_tokens"],
            "per_question": round(tokens["total_tokens"] / n, 1) if n else None,
        },
    }


def format_summary(summary: Mapping[str, Any]) -> str:
    """The summary as a few aligned lines for a terminal."""
    acc = summary["accuracy"]

    def pct(v: Any) -> str:
        return "n/a" if v is None else f"{100 * v:.1f}%"

    failed = summary.get("failed") or 0
    other = summary.get("other_settings") or 0
    lines = [
        f"questions {summary['questions']}, complete {summary['complete']}, "
        f"incomplete {summary['incomplete']}, failed {failed}"
        + (f", made with other settings {other}" if other else ""),
    ]
    causes = (summary.get("run") or {}).get("failures") or {}
    if isinstance(causes, Mapping):
        for cause, count in list(causes.items())[:10]:
            lines.append(f"  failed x{count}: {cause}")
    lines += [
        f"accuracy ({summary['metric']}): relaxed {pct(acc['relaxed'])}, exact "
        f"{pct(acc['exact'])}, judge {pct(acc['judge'])} over {acc['scored']} scored",
    ]
    for title, key in (("by dataset", "by_dataset"), ("by question type", "by_type")):
        if summary[key]:
            lines.append(f"{title}:")
            for name, row in summary[key].items():
                lines.append(f"  {name:<24} n={row['n']:<5} {pct(row['accuracy'])}")
    if summary["complete"]:
        lines.append(
            f"turns/question {summary['turns_per_question']}, edits/question "
            f"{summary['edits_per_question']}, status {summary['status']}"
        )
    else:
        lines.append("turns/question n/a (no question completed)")
    tok = summary["tokens"]
    per = f" ({tok['per_question']} per question)" if tok.get("per_question") is not None else ""
    lines.append(
        f"tokens: prompt {tok['prompt']}, completion {tok['completion']}, total {tok['total']}{per}"
    )
    return "\n".join(lines)


__all__ = ["format_summary", "summarize"]
