"""Diagnostics: errors as values, with stable codes and source spans.

Codes: E1xx parse, E2xx names and labels, E3xx types and values, E4xx limits,
Wxxx warnings. Showing them (text with caret, JSON) lives here too so that the
checker, the CLI and the model loop all show a problem the same way.

Text, one block per diagnostic (the form in DESIGN.md)::

    E203 at 1:19: no column named "Earnings" in this table
      keep_only(columns("Earnings", "Year"))
                        ^^^^^^^^^^
      did you mean "Earning"? columns are: "Index", "Year", "Cost", "Earning"

Each suggestion gets a line of its own. With a file name other than
``<input>`` the position reads ``prog.rf:1:19``. The caret lines up in a
terminal: East Asian wide characters count two columns, combining marks
none, tabs become spaces to the next multiple of four, control characters
show as ``?``. A very long line is shown as a window around the span.
Lines are split on ``\\n`` only, as the parser counts them.
"""

from __future__ import annotations

import math
import unicodedata
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


# Showing diagnostics.
TAB = 4
_WINDOW = 60


def _char_width(ch: str, col: int) -> tuple[str, int]:
    """How ``ch`` shows at display column ``col``: (text, width)."""
    if ch == "\t":
        n = TAB - col % TAB
        return " " * n, n
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return "?", 1
    if code < 0x300:
        return ch, 1
    if unicodedata.combining(ch):
        return ch, 0
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return "?", 1
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return ch, 2
    return ch, 1


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes (tabs to multiples of four)."""
    col = 0
    for ch in text:
        col += _char_width(ch, col)[1]
    return col


def _source_lines(source: str) -> list[str]:
    return source.split("\n")


def _caret(line: str, column: int, end_column: int) -> tuple[str, str]:
    """The line as shown and the caret line under code points [column, end_column)."""
    if line.endswith("\r"):
        line = line[:-1]
    c0 = max(0, min(column - 1, len(line)))
    c1 = max(c0 + 1, min(end_column - 1, len(line) + 1))
    left = 0
    right = len(line)
    if len(line) > 2 * _WINDOW + 40:
        left = max(0, c0 - _WINDOW)
        c1 = min(c1, c0 + _WINDOW)
        right = min(len(line), c1 + _WINDOW)
    pieces: list[str] = []
    col = 0
    start = width = 0
    if left > 0:
        pieces.append("...")
        col = 3
    for i in range(left, max(right, c1)):
        if i == c0:
            start = col
        if i < len(line):
            text, w = _char_width(line[i], col)
            if i < right:
                pieces.append(text)
        else:
            w = 1  # the caret may point just past the end of the line
        if c0 <= i < c1:
            width += w
        col += w
    if right < len(line):
        pieces.append("...")
    return "".join(pieces), " " * start + "^" * max(1, width)


def render_one(d: Diagnostic, lines: list[str] | None, filename: str = "<input>") -> str:
    line = lines[d.line - 1] if lines is not None and 1 <= d.line <= len(lines) else None
    return render_line(d, line, filename)


def render_line(d: Diagnostic, line: str | None, filename: str = "<input>") -> str:
    """One diagnostic as text, given the source line it points at (None: no caret)."""
    where = f"{d.line}:{d.column}" if filename == "<input>" else f"{filename}:{d.line}:{d.column}"
    out = [f"{d.code} at {where}: {d.message}"]
    if line is not None:
        end = d.end_column if d.end_line == d.line else len(line) + 1
        shown, caret = _caret(line, d.column, end)
        if shown.strip() or d.column > 1:
            out.append("  " + shown)
            out.append("  " + caret)
    for suggestion in d.suggestions:
        out.append("  " + suggestion)
    if d.note:
        out.append("  note: " + d.note)
    return "\n".join(out)


def render_text(diagnostics: Sequence[Diagnostic], source: str, filename: str = "<input>") -> str:
    """Every diagnostic as text (empty string for none), each ending with a newline."""
    if not diagnostics:
        return ""
    lines = _source_lines(source) if source else None
    return "".join(render_one(d, lines, filename) + "\n" for d in diagnostics)


def diagnostics_to_json(diagnostics: Sequence[Diagnostic], source: str) -> list[dict[str, Any]]:
    """Every diagnostic as a JSON-ready dict, with the source line it points at."""
    lines = _source_lines(source) if source else []
    out = []
    for d in diagnostics:
        line = lines[d.line - 1] if 1 <= d.line <= len(lines) else ""
        out.append(
            {
                "code": d.code,
                "severity": d.severity.value,
                "message": d.message,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
                "suggestions": list(d.suggestions),
                "note": d.note,
                "source_line": line[:-1] if line.endswith("\r") else line,
            }
        )
    return out
