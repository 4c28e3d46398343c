"""The program tree: typed, frozen, positioned.

Every node carries a :class:`Span` into the source so that any later stage can
point at the text that caused a problem. Spans are excluded from equality, so
two programs that say the same thing compare equal however they were written
(this is what the print/re-parse round trip relies on).

A program is a sequence of statements; each statement is one call of an edit
tool, whose arguments are literals, lists, bare names, or calls of target
queries (``columns("Year")``, ``region(0.1, 0.2, 0.5, 0.6)``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A stretch of source text: 0-based offsets, 1-based line/column, ends exclusive."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def unknown() -> Span:
        return Span(0, 0, 1, 1, 1, 1)


_NOWHERE = Span.unknown()


def _span() -> Span:
    return field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True)
class String:
    value: str
    span: Span = _span()


@dataclass(frozen=True)
class Integer:
    value: int
    span: Span = _span()


@dataclass(frozen=True)
class Float:
    value: float
    span: Span = _span()


@dataclass(frozen=True)
class Boolean:
    value: bool
    span: Span = _span()


@dataclass(frozen=True)
class Color:
    """A ``#rrggbb`` or ``#rrggbbaa`` literal, kept as written (lower-cased)."""

    value: str
    span: Span = _span()


@dataclass(frozen=True)
class Name:
    """A bare identifier: a colour or enum word (``red``), or a paper-style variable."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class ListLit:
    items: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True)
class Keyword:
    name: str
    value: Expr
    span: Span = _span()
    name_span: Span = _span()


@dataclass(frozen=True)
class Call:
    """``name(args..., key=value...)``: an edit tool at statement level, a target query inside."""

    name: str
    args: tuple[Expr, ...] = ()
    keywords: tuple[Keyword, ...] = ()
    span: Span = _span()
    name_span: Span = _span()


Expr = String | Integer | Float | Boolean | Color | Name | ListLit | Call


@dataclass(frozen=True)
class Statement:
    """One edit. ``assign_to`` keeps a paper-style ``img = ...`` name; ``origin`` the
    paper call a statement was lowered from (for traces and messages), if any."""

    call: Call
    assign_to: str | None = field(default=None, compare=False)
    origin: str | None = field(default=None, compare=False)
    span: Span = _span()


@dataclass(frozen=True)
class Program:
    statements: tuple[Statement, ...]
    source: str = field(default="", compare=False, repr=False)
