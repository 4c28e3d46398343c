"""Diagnostics: errors as values, with stable codes and source spans.

Codes: E1xx parse, E2xx names and labels, E3xx types and values, E4xx limits,
Wxxx warnings. Rendering (text with caret, JSON) lives here too so that the
checker, the CLI and the model loop all show a problem the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR
