"""Answer scoring as the papers do it.

* relaxed accuracy (ChartQA): a numeric answer is right within 5% of the gold
  number; anything else must match after normalisation;
* exact match (tables, as in the ReFocus paper): normalised strings, numbers
  equal as numbers; several answers separated by ``||`` (or ``|``) match as a
  set, in any order.
"""

from __future__ import annotations

import re
from collections.abc import Callable

RELAXED_TOLERANCE = 0.05

_NUM = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
_SPACES = re.compile(r"\s+")
_EDGE_PUNCT = "\"'`.,;:!?()[]{}*_ "


def normalize(text: str) -> str:
    t = _SPACES.sub(" ", text.strip().lower())
    t = t.strip(_EDGE_PUNCT)
    t = re.sub(r"^(the|a|an) ", "", t)
    return t


def as_number(text: str) -> float | None:
    """``"1,234.5"``, ``"$12"``, ``"45%"``, ``"-3"`` as numbers; None for anything else."""
    t = normalize(text).replace(",", "").replace("$", "").replace("€", "").replace("£", "")
    t = t.rstrip("%").strip()
    if not _NUM.match(t):
        return None
    try:
        return float(t)
    except ValueError:  # pragma: no cover - the pattern admits only floats
        return None


def split_answers(text: str) -> list[str]:
    parts = text.split("||") if "||" in text else text.split("|") if "|" in text else [text]
    return [p for p in (s.strip() for s in parts) if p]


def _relaxed_one(pred: str, gold: str) -> bool:
    g, p = as_number(gold), as_number(pred)
    if g is not None and p is not None:
        if g == 0:
            return p == 0
        return abs(p - g) / abs(g) <= RELAXED_TOLERANCE
    return normalize(pred) == normalize(gold)


def _exact_one(pred: str, gold: str) -> bool:
    g, p = as_number(gold), as_number(pred)
    if g is not None and p is not None:
        return abs(p - g) <= 1e-9 * max(1.0, abs(g))
    return normalize(pred) == normalize(gold)


def _set_match(pred: str, gold: str, one: Callable[[str, str], bool]) -> bool:
    if one(pred, gold):
        return True
    golds, preds = split_answers(gold), split_answers(pred)
    if len(golds) != len(preds) or len(golds) < 2:
        return False
    left = list(preds)
    for g in golds:
        hit = next((p for p in left if one(p, g)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def relaxed_match(pred: str | None, gold: str) -> bool:
    return pred is not None and _set_match(pred, gold, _relaxed_one)


def exact_match(pred: str | None, gold: str) -> bool:
    return pred is not None and _set_match(pred, gold, _exact_one)


def question_type(gold: str) -> str:
    """A coarse type when the dataset gives none: numeric, multi or text."""
    if len(split_answers(gold)) > 1:
        return "multi"
    return "numeric" if as_number(gold) is not None else "text"
