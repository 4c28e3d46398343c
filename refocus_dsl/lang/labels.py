"""Label text: how names compare, how close two texts are, and lookups over one group.

One normalisation serves the checker (``columns("Year")``), the scorers
(detected text against gold) and the offline planner (question words against
labels): Unicode NFKC, case-folded, whitespace collapsed. Similarity and edit
distance come from ``rapidfuzz`` (C++, the same measures as difflib's ratio and
the textbook Levenshtein distance, many times faster).

On a detected layout, whose text OCR read, a name that matches nothing exactly
may still match the one label that is clearly its likely misreading
(:func:`ocr_similarity`); gold layouts get no such leeway.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

__all__ = [
    "normalize_label",
    "loose_label",
    "compact_label",
    "similarity",
    "edit_distance",
    "typo_distance",
    "nearest",
    "OCR_MATCH",
    "ocr_similarity",
    "ocr_folded",
    "LabelSet",
    "find_label",
]

_norm_cache: dict[str, str] = {}


def normalize_label(text: str | None) -> str:
    """How labels compare: NFKC, case-folded, whitespace collapsed to single spaces."""
    if not text:
        return ""
    norm = _norm_cache.get(text)
    if norm is None:
        if text.isascii():
            norm = " ".join(text.lower().split())
        else:
            norm = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
        if len(_norm_cache) >= 4096:
            _norm_cache.clear()
        _norm_cache[text] = norm
    return norm


def compact_label(text: str | None) -> str:
    """A normalised label with no whitespace at all ("Net Income" -> "netincome")."""
    return normalize_label(text).replace(" ", "")


def loose_label(text: str) -> str:
    """A label with punctuation and spaces removed (the second, looser match)."""
    norm = normalize_label(text)
    loose = "".join(ch for ch in norm if ch.isalnum())
    return loose or norm


def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0..1 (difflib's ratio measure: 2 * matches / total length)."""
    return float(fuzz.ratio(a, b)) / 100.0


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions."""
    return int(Levenshtein.distance(a, b))


def typo_distance(a: str, b: str) -> int:
    """The slips of a typist: as :func:`edit_distance`, and two neighbours swapped
    ("germnay") counts as one (optimal string alignment)."""
    return int(OSA.distance(a, b))


def nearest(query: str, candidates: Sequence[str], n: int = 3) -> list[str]:
    """The candidates closest to ``query`` (after normalisation, similarity >= 0.6), best
    first; among equals the later in sort order first (as ``difflib.get_close_matches``)."""
    by_norm: dict[str, str] = {}
    for c in candidates:
        by_norm.setdefault(normalize_label(c), c)
    found = process.extract(
        normalize_label(query), list(by_norm), scorer=fuzz.ratio, score_cutoff=60, limit=None
    )
    best = sorted(((score, choice) for choice, score, _i in found), reverse=True)[:n]
    return [by_norm[choice] for _score, choice in best]


OCR_MATCH = 0.8
"""Least similarity of the loose forms for an OCR-tolerant label match."""


_OCR_CONFUSIONS = (("rn", "m"), ("cl", "d"), ("vv", "w"), ("1", "l"), ("i", "l"), ("|", "l"))
"""Letter groups OCR reads for one another, each mapped to one spelling (after case
folding, so l/1/I, O/0 and G/C fold too: see :func:`ocr_folded`)."""
_OCR_CHARS = str.maketrans({"0": "o", "g": "c"})


def ocr_folded(text: str) -> str:
    """``text`` with the usual OCR confusions (rn/m, cl/d, vv/w, l/1/I, O/0, G/C) spelled
    one way, so that "Burnley" and "Bumley" fold to the same text."""
    out = text.translate(_OCR_CHARS)
    for seen, meant in _OCR_CONFUSIONS:
        out = out.replace(seen, meant)
    return out


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def ocr_similarity(query: str, label: str) -> float:
    """How well a name matches a label that OCR read, 0..1 (see :meth:`LabelSet.find_ocr`).

    Compared loose (no case, spaces or punctuation): the whole label, or, when the
    label is shorter, the query's end or start of the label's length (a label that
    the image itself clips at its edge, "ember 2018" for "November 2018"), each also
    with the usual OCR confusions folded (:func:`ocr_folded`: "Bumley" for "Burnley"
    scores 1). Numbers must agree exactly: "2017" never matches "2018". Short names
    never match.
    """
    q, lab = loose_label(query), loose_label(label)
    if len(q) < 5 or len(lab) < 4:
        return 0.0
    segments = [q]
    if len(lab) < len(q) and len(lab) >= max(5, len(q) // 2):
        segments += [q[-len(lab) :], q[: len(lab)]]
    best = 0.0
    d_lab = _digits(lab)
    for seg in segments:
        d_seg = _digits(seg)
        # A stray digit in a label with no number is an OCR slip ("1" for "l").
        if d_seg != d_lab and (d_seg or len(d_lab) > 1):
            continue
        best = max(best, similarity(seg, lab), similarity(ocr_folded(seg), ocr_folded(lab)))
    return best


class LabelSet:
    """Exact-after-normalisation and loose lookups over one group's labels, and, for
    labels read by OCR, an OCR-tolerant one."""

    __slots__ = ("labels", "exact", "loose", "read_by_ocr")

    def __init__(self, labels: Sequence[str], read_by_ocr: bool = False) -> None:
        self.labels = list(labels)
        self.read_by_ocr = read_by_ocr
        self.exact: dict[str, list[int]] = {}
        self.loose: dict[str, list[int]] = {}
        for i, lab in enumerate(labels):
            self.exact.setdefault(normalize_label(lab), []).append(i)
            self.loose.setdefault(loose_label(lab), []).append(i)

    def find(self, query: str) -> list[int]:
        """Indices labelled ``query`` after normalisation, failing that loosely."""
        hit = self.exact.get(normalize_label(query))
        if hit is None:
            hit = self.loose.get(loose_label(query))
        return hit or []

    def find_ocr(self, query: str) -> list[int]:
        """The one label OCR most likely misread for ``query`` ("Cermany" for "Germany"),
        when the labels were read by OCR and exactly one text is clearly closest."""
        if not self.read_by_ocr:
            return []
        scores: dict[str, float] = {}
        for lab in self.labels:
            key = loose_label(lab)
            if key and key not in scores:
                scores[key] = ocr_similarity(query, lab)
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if not ranked or ranked[0][1] < OCR_MATCH:
            return []
        if len(ranked) > 1 and ranked[1][1] > ranked[0][1] - 0.05:
            return []  # two texts about as close: no guess
        hits = self.loose[ranked[0][0]]
        return list(hits) if len(hits) == 1 else []  # a guess names one thing


def find_label(labels: Sequence[str], query: str, *, read_by_ocr: bool) -> list[int]:
    """Indices of the labels that ``bars(query)`` (or columns, rows, subplots) selects:
    exact, then loose, then (``read_by_ocr``) the OCR-tolerant match. For scorers and
    tools that ask what a name would select without a program."""
    labs = LabelSet(labels, read_by_ocr)
    return labs.find(query) or labs.find_ocr(query)
