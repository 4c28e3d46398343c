"""Hyphen, en dash or em dash: told apart by the dash's measured width, not by OCR.

Why: tesseract reads nearly every en dash as a hyphen ('1940-41' for '1940–41',
'Rose-Hulman') or as an em dash ('1992 — 22'); on the development tables a third
of the header and row-label misses were only that. The three differ in length
(fonts draw a hyphen about a third of an em, an en dash half to 0.56 em, an em
dash a whole em), so the bar's ink width against the line's text height decides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from refocus_dsl.layout import Box
from refocus_dsl.ocr import Word

DASHES = "-‐‑–—―"
"""Characters OCR may give for a dash (hyphen-minus, hyphens, en, em, bar)."""
HYPHEN_MAX = 0.45
"""Widest hyphen, in the text's cap height (top of its tallest letters to its baseline):
a hyphen's ink is .32-.40 of it (DejaVu, Arial), an en dash's .53-.78."""
EN_DASH_MAX = 1.0
"""Widest en dash, in the cap height (an em dash's ink is about 1.37 of it)."""
MIN_BAR = 0.2
"""Shortest dash, in the cap height (a crossbar's overhang beside its stem is about .1)."""
_MIN_CONTRAST = 80
"""Darkest ink at least this far under white: else no reliable width."""


def _bar_runs(ink: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Column runs of a word's ink that hold only a thin bar across its middle, with no
    ink in the columns either side: its dashes (a 4's or a t's bar joins its stem; a
    dash touching a serif, in tiny serif text, is not found and stays as read)."""
    h, w = ink.shape
    has: npt.NDArray[np.bool_] = np.asarray(ink.any(axis=0), dtype=np.bool_)
    top = np.where(has, ink.argmax(axis=0), h)
    bottom = np.where(has, h - 1 - ink[::-1].argmax(axis=0), -1)
    bar = has & (top >= 0.25 * h) & (bottom <= 0.8 * h) & (bottom - top + 1 <= max(1, 0.3 * h))
    runs: list[tuple[int, int]] = []
    start = -1
    for x, b in enumerate([*bar.tolist(), False]):
        if b and start < 0:
            start = x
        elif not b and start >= 0:
            if (start == 0 or not has[start - 1]) and (x == w or not has[x]):
                runs.append((start, x))
            start = -1
    return runs


def cap_height(ink: npt.NDArray[np.bool_]) -> float | None:
    """Rows from the top of the tallest letters to the baseline (the bottom most ink
    columns share; descenders are few columns), or None without ink."""
    has = ink.any(axis=0)
    if not has.any():
        return None
    h = ink.shape[0]
    bottoms = (h - 1 - ink[::-1].argmax(axis=0))[has]
    baseline = int(np.bincount(bottoms).argmax())
    top = int(np.flatnonzero(ink.any(axis=1))[0])
    return float(baseline - top + 1) if baseline > top else None


def _bar_width(crop: npt.NDArray[np.uint8], a: int, b: int, dark: int) -> float:
    """A bar's width with its anti-aliased ends counted by their coverage."""
    lo, hi = max(0, a - 1), min(crop.shape[1], b + 1)
    cover = (255.0 - crop[:, lo:hi].min(axis=0)) / max(1.0, 255.0 - dark)
    return float(np.clip(cover, 0.0, 1.0).sum())


def _dash_for(width: float, cap: float) -> str:
    ratio = width / max(cap, 1e-6)
    return "-" if ratio < HYPHEN_MAX else "–" if ratio < EN_DASH_MAX else "—"


def _crop(pixels: npt.NDArray[np.uint8], bbox: Box, box: Box, unit: int) -> npt.NDArray[np.uint8]:
    x1, y1 = max(0, (bbox[0] - box[0]) * unit), max(0, (bbox[1] - box[1]) * unit)
    x2, y2 = max(0, (bbox[2] - box[0]) * unit), max(0, (bbox[3] - box[1]) * unit)
    return pixels[y1:y2, x1:x2]


def _ink(crop: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_] | None:
    """Dark-on-white ink of a crop, or None when it is too faint to measure."""
    if crop.size == 0:
        return None
    dark = int(crop.min())
    if dark > 255 - _MIN_CONTRAST:
        return None
    return np.asarray(crop < (255 + dark) / 2, dtype=np.bool_)


def _measured(word: Word, crop: npt.NDArray[np.uint8], cap: float) -> str:
    """``word``'s text (its pixels ``crop``) with each dash set by its width against
    ``cap``; unchanged when its bars cannot be matched to its dashes."""
    at = [i for i, ch in enumerate(word.text) if ch in DASHES]
    ink = _ink(crop)
    if ink is None:
        return word.text
    dark = int(crop.min())
    if len(word.text) == 1:  # a dash on its own: its box is the bar
        cols = np.flatnonzero(ink.any(axis=0))
        runs = [(int(cols[0]), int(cols[-1]) + 1)] if cols.size else []
    else:
        runs = [(a, b) for a, b in _bar_runs(ink) if b - a >= MIN_BAR * cap]
    if len(runs) != len(at):
        return word.text
    chars = list(word.text)
    for i, (a, b) in zip(at, runs, strict=True):
        chars[i] = _dash_for(_bar_width(crop, a, b, dark), cap)
    return "".join(chars)


def dashes_by_width(
    words: Sequence[Word], pixels: npt.NDArray[np.uint8], box: Box, unit: int = 1
) -> list[Word]:
    """``words`` of one region (``box``, in layout pixels; ``pixels``: its cleaned
    dark-on-white pixels, ``unit`` to a layout pixel) with every dash a hyphen, an en
    dash or an em dash by its width against the cap height of its line's other words
    (a line of dashes alone is kept as read: nothing there gives the text's height)."""
    caps: dict[int, float] = {}
    for line in {w.line_id for w in words}:
        others = [w.bbox for w in words if w.line_id == line and w.text.strip(DASHES)]
        if not others:
            continue
        span = (min(b[0] for b in others), min(b[1] for b in others),
                max(b[2] for b in others), max(b[3] for b in others))
        ink = _ink(_crop(pixels, span, box, unit))
        cap = cap_height(ink) if ink is not None else None
        if cap is not None:
            caps[line] = cap
    out = []
    for w in words:
        if w.line_id in caps and any(ch in DASHES for ch in w.text):
            text = _measured(w, _crop(pixels, w.bbox, box, unit), caps[w.line_id])
            w = Word(text, w.bbox, w.confidence, w.line_id)
        out.append(w)
    return out
