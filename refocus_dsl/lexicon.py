"""Whether a reading of a text region is made of known words: the evidence that picks
between two readings of the same pixels.

Why: on small, soft scans tesseract often reads a word as a non-word ('Hospitats',
'Revernve', 'Pane! &'), while another reading of the same pixels (contrast
stretched, another enlargement) gives the word. Confidence alone does not tell
them apart: both readings of mushy text are weak. A word list does, and it only
chooses among what a reader produced: text is never rewritten into a dictionary
word, so a name the list lacks ('Tech', a surname) loses nothing but support.

The list is pyspellchecker's word frequency list (about 160,000 English words,
place names included; pure Python, no network). Without the package, or for a
language it has no list for, every reading is unsupported and callers keep their
confidence-only choice.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

LANGS = {
    "eng": "en",
    "deu": "de",
    "fra": "fr",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "nld": "nl",
    "rus": "ru",
}
"""Tesseract language codes -> pyspellchecker's (the lists it ships)."""

_NUMBER = re.compile(r"^[-+(]?[$€£¥]?\d[\d,.:/]*%?\)?$")
_EDGE = re.compile(r"^[(\[]+|[)\].,;:]+$")
"""Brackets and trailing punctuation around a token; quotes stay (a stray quote mark is
what tesseract adds at a soft glyph's edge: '‘Year' is a misreading)."""

SUPPORT_LETTERS = 3
"""Letters a known word needs to support a reading on its own."""

_LOCK = threading.Lock()
_LISTS: dict[str, Callable[[str], bool] | None] = {}


def word_list(lang: str = "eng") -> Callable[[str], bool] | None:
    """A membership test for ``lang``'s word list (case-insensitive), loaded once per
    process (about half a second), or None when there is no list."""
    code = LANGS.get(lang)
    if code is None:
        return None
    with _LOCK:
        if code not in _LISTS:
            _LISTS[code] = _load(code)
        return _LISTS[code]


def _load(code: str) -> Callable[[str], bool] | None:
    try:
        from spellchecker import SpellChecker
    except ImportError:
        return None
    try:
        checker = SpellChecker(language=code, distance=1, case_sensitive=False)
    except Exception:  # noqa: BLE001 - a broken or partial install means "no list"
        return None

    def contains(word: str) -> bool:
        return word in checker

    return contains


def supported(text: str, lang: str = "eng") -> bool:
    """True when every token of ``text`` is a known word or a number (brackets and
    trailing punctuation aside), and one of them is a number or a word of three letters
    or more (SUPPORT_LETTERS): a lone letter is what noise or a symbol reads as ('#' as
    'z'), and the list holds most pairs of letters ('ss', 'te', 'ce'), so a two-letter
    reading of mush ('scs' read 'ss') is no evidence either."""
    known = word_list(lang)
    if known is None:
        return False
    tokens = [_EDGE.sub("", t) for t in text.split()]
    tokens = [t for t in tokens if t]
    numbers = [_NUMBER.match(t) is not None for t in tokens]
    if not any(n or len(t) >= SUPPORT_LETTERS for t, n in zip(tokens, numbers, strict=True)):
        return False
    return all(n or _known_word(t, known) for t, n in zip(tokens, numbers, strict=True))


def _known_word(token: str, known: Callable[[str], bool]) -> bool:
    """A word of the list, or words of it joined by hyphens ('runner-up')."""
    return all(p.replace("'", "").isalpha() and known(p) for p in token.split("-"))
