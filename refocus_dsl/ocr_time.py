"""How long OCR may take: a limit per call and per detection, and what was cut.

A texture of 1-px cells read as one line kept tesseract busy for a minute; every
other bound of the library has a default, so OCR has one too. The limit and the
tally of one detection travel in a context variable, so concurrent detections in
threads or tasks each keep their own, and no detector passes them along.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

DEFAULT_OCR_CALL_SECONDS = 15.0
"""One OCR call's limit, wall seconds. Calls on ordinary images take 0.01-2 s; a
texture of 1-px cells read as one line took a minute before this limit."""
DEFAULT_OCR_TOTAL_SECONDS = 60.0
"""All of one detection's OCR calls together (a figure of many panels makes many)."""
LONGEST_WAIT_SECONDS = 7 * 86400.0
"""A limit above a week is waited as a week: the system's clocks and waits overflow on
10^10 s, and any finite limit is accepted (a user's way of saying "no limit")."""


@dataclass(frozen=True)
class OcrTimeLimit:
    """How long OCR may take: each call, and all calls of one detection together.

    Why both: the limit per call stops one pathological read early and leaves the
    other calls their time; the total bounds a detection whatever its number of calls.
    """

    call_seconds: float = DEFAULT_OCR_CALL_SECONDS
    total_seconds: float = DEFAULT_OCR_TOTAL_SECONDS

    def __post_init__(self) -> None:
        for name in ("call_seconds", "total_seconds"):
            value = getattr(self, name)
            seconds = math.nan
            if isinstance(value, numbers.Real) and not isinstance(value, bool):
                try:  # numpy's floats are numbers too; an int past a float's range is not
                    seconds = float(value)
                except OverflowError:
                    pass
            if not math.isfinite(seconds) or seconds <= 0:
                raise ValueError(
                    f"OcrTimeLimit.{name} must be a positive number of seconds, got {value!r}"
                )
            object.__setattr__(self, name, seconds)  # a float, whatever number was given


DEFAULT_OCR_TIME = OcrTimeLimit()

UNREAD = "text there is not read"
"""What the layout note of a detection whose OCR was cut says (:meth:`OcrTally.note`)."""


class OcrTally:
    """What one detection's OCR calls spent against its :class:`OcrTimeLimit`:
    seconds, calls stopped at the limit (``cut``), calls not made (``skipped``) and
    calls on which tesseract crashed, twice (``crashed``)."""

    __slots__ = ("crashed", "cut", "limit", "skipped", "spent")

    def __init__(self, limit: OcrTimeLimit) -> None:
        self.limit = limit
        self.spent = 0.0
        self.cut = 0
        self.skipped = 0
        self.crashed = 0

    def note(self) -> str | None:
        """The layout note when text was left unread, else None."""
        parts = []
        if self.cut:
            parts.append(f"{_calls(self.cut)} stopped at the {self.limit.call_seconds:g} s "
                         "limit a call")
        if self.skipped:
            parts.append(f"{_calls(self.skipped)} not made: the {self.limit.total_seconds:g} s "
                         "OCR budget of the detection was spent")
        if self.crashed:
            parts.append(f"{_calls(self.crashed)} ended tesseract (it crashed on that crop twice)")
        if not parts:
            return None
        hint = (" (raise the limits with OcrTimeLimit(call_seconds=..., total_seconds=...) or "
                "--ocr-seconds / --ocr-budget)") if self.cut or self.skipped else ""
        return "; ".join(parts) + f": {UNREAD}" + hint


def _calls(n: int) -> str:
    return "1 OCR call" if n == 1 else f"{n} OCR calls"


_TALLY: ContextVar[OcrTally | None] = ContextVar("refocus_ocr_tally", default=None)


@contextmanager
def ocr_time_limit(limit: OcrTimeLimit | None = None) -> Iterator[OcrTally]:
    """OCR calls made inside (in this thread or task) obey ``limit`` and are tallied.

    ``None``: the limit of the enclosing block, else the defaults. So a program may
    wrap a whole question (``with ocr_time_limit(OcrTimeLimit(5, 20)): ask(...)``)
    and every detection inside keeps that limit, each with a tally of its own.
    """
    outer = _TALLY.get()
    if limit is None:
        limit = outer.limit if outer is not None else DEFAULT_OCR_TIME
    tally = OcrTally(limit)
    token = _TALLY.set(tally)
    try:
        yield tally
    finally:
        _TALLY.reset(token)


def current_tally() -> OcrTally | None:
    """The tally of the detection this call belongs to (None outside one)."""
    return _TALLY.get()
