"""Diagnostics: errors as values, with stable codes and source spans.

Codes: E1xx parse, E2xx names and labels, E3xx types and values, E4xx limits,
Wxxx warnings. Rendering (text with caret, JSON) lives here too so that the
checker, the CLI and the model loop all show a problem the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from refocus_dsl.lang.ast import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a program.

    Lines and columns are 1-based; ``end_column`` is exclusive. Columns count
    Unicode code points; rendering handles wide characters for the caret.
    """

    code: str
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    severity: Severity = Severity.ERROR
    suggestions: tuple[str, ...] = field(default=())
    note: str = ""
    source_line: str = field(default="", compare=False, repr=False)
    """The program line the diagnostic points at (for ``str``); set by the checker."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        """The text ``refocus check`` prints: position, message, the line, a caret."""
        from refocus_dsl.lang.render import render_line

        return render_line(self, self.source_line or None)


def with_source(diagnostics: Sequence[Diagnostic], source: str) -> list[Diagnostic]:
    """``diagnostics`` each carrying the line of ``source`` it points at."""
    if not diagnostics:
        return []
    lines = source.split("\n")
    return [
        replace(d, source_line=lines[d.line - 1]) if 1 <= d.line <= len(lines) else d
        for d in diagnostics
    ]


_SHOWN_DIGITS = 20
"""Integers longer than this are shown by their length, not digit by digit."""


def number_text(value: int | float) -> str:
    """A program's number as a message shows it: ``12``, ``0.5``, or "a 401-digit
    number" (a model may write any number of digits; none of them overflows here)."""
    if isinstance(value, int):
        digits = len(str(abs(value)))
        if digits > _SHOWN_DIGITS:
            return f"a {digits}-digit number"
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:g}"


def as_float(value: int | float) -> float:
    """``float(value)``, or an infinity of its sign for an integer past the float range."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def diagnostic_at(
    span: Span,
    code: str,
    message: str,
    *,
    severity: Severity = Severity.ERROR,
    suggestions: tuple[str, ...] = (),
    note: str = "",
) -> Diagnostic:
    """A diagnostic covering ``span`` (a node's or token's :class:`~refocus_dsl.lang.ast.Span`)."""
    return Diagnostic(
        code=code,
        message=message,
        line=span.line,
        column=span.column,
        end_line=span.end_line,
        end_column=span.end_column,
        severity=severity,
        suggestions=suggestions,
        note=note,
    )


def render_text(diagnostics: Sequence[Diagnostic], source: str, filename: str = "<input>") -> str:
    """Diagnostics as text with the source line and a caret (see :mod:`refocus_dsl.lang.render`)."""
    from refocus_dsl.lang.render import render_text as _render_text

    return _render_text(diagnostics, source, filename)


def diagnostics_to_json(diagnostics: Sequence[Diagnostic], source: str) -> list[dict[str, Any]]:
    """Diagnostics as JSON-ready dicts (see :mod:`refocus_dsl.lang.render`)."""
    from refocus_dsl.lang.render import diagnostics_to_json as _to_json

    return _to_json(diagnostics, source)
