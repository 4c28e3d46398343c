"""Lark callbacks that build the frozen AST (:mod:`refocus_dsl.lang.ast`) while Lark parses.

The parser hands an :class:`AstBuilder` to Lark (``Lark(..., transformer=...)``): at
each reduction Lark calls the method named after the rule with the rule's children,
tokens and the nodes earlier calls returned (rules whose name starts with ``_`` are
spliced into their parent by Lark). Spans come straight from the tokens, so no parse
tree is built and positions cost nothing extra. Rule and terminal names are those of
``grammar/refocus.lark``.

Statements are recorded on the parse being run as they complete, so the ones before
a syntax error are kept whatever happens after. Problems with a literal (a bad
escape, a string over the limit) are diagnostics on that parse, which the builder
finds through :data:`active` (one parse per thread at a time).
"""

from __future__ import annotations

import builtins
import re
import threading
from typing import Any

from lark import Transformer

from refocus_dsl.lang.ast import (
    Boolean,
    Call,
    Color,
    Expr,
    Float,
    Integer,
    Keyword,
    ListLit,
    Name,
    Span,
    Statement,
    String,
)
from refocus_dsl.lang.diagnostics import Diagnostic, diagnostic_at
from refocus_dsl.lang.limits import Limits, how_to_raise

_BOOLEANS = {"True": True, "False": False, "true": True, "false": False}
_MAX_NUMBER_CHARS = 4000  # Python refuses int() of longer digit strings


class ParseRun:
    """One parse: its text, limits, diagnostics and the statements completed so far."""

    __slots__ = ("text", "limits", "diags", "statements", "errors")

    def __init__(self, text: str, limits: Limits, diags: list[Diagnostic]) -> None:
        self.text = text
        self.limits = limits
        self.diags = diags
        self.statements: list[Statement] = []
        self.errors = 0

    def error(self, span: Span, code: str, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.diags.append(diagnostic_at(span, code, message, suggestions=suggestions))
        self.errors += 1


class _Active(threading.local):
    run: ParseRun | None = None


active = _Active()
"""The parse running in this thread (set by the parser around Lark's parse)."""


def _run() -> ParseRun:
    run = active.run
    if run is None:  # pragma: no cover - the parser sets it before Lark runs
        raise RuntimeError("AstBuilder called outside refocus_dsl.lang.parser")
    return run


def token_span(tok: Any) -> Span:
    """The span of one Lark token (tokens never span lines)."""
    return Span(tok.start_pos, tok.end_pos, tok.line, tok.column, tok.end_line, tok.end_column)


def span_between(first: Any, last: Any) -> Span:
    """From the start of token ``first`` to the end of token ``last``."""
    return Span(
        first.start_pos, last.end_pos, first.line, first.column, last.end_line, last.end_column
    )


def _span_to(first: Any, node: Span) -> Span:
    """From the start of token ``first`` to the end of ``node``."""
    return Span(first.start_pos, node.end, first.line, first.column, node.end_line, node.end_column)


# ---------------------------------------------------------------- literals

_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def _unescape(run: ParseRun, body: str, tok: Any) -> str:
    """Python's escapes; an unknown one stands for itself with its backslash (as in Python)."""
    problems: list[str] = []

    def one(m: re.Match[str]) -> str:
        hexa = m.group(1) or m.group(2) or m.group(3)
        if hexa is not None:
            code = int(hexa, 16)
            if code > 0x10FFFF:
                problems.append(f"\\U{hexa} is beyond the last Unicode code point")
                return m.group(0)
            if 0xD800 <= code <= 0xDFFF:
                problems.append(f"{m.group(0)} is a lone surrogate, not a character")
                return m.group(0)
            return chr(code)
        ch = m.group(4)
        if ch in "xuU":
            digits = {"x": 2, "u": 4, "U": 8}[ch]
            problems.append(f"\\{ch} must be followed by {digits} hex digits")
            return m.group(0)
        return _SIMPLE_ESCAPES.get(ch, "\\" + ch)

    value = _ESCAPE.sub(one, body)
    if problems:
        run.error(token_span(tok), "E106", f"invalid escape in string: {problems[0]}")
    return value


def _string(run: ParseRun, tok: Any) -> String:
    body = tok.value[1:-1]
    if "\\" in body:
        body = _unescape(run, body, tok)
    limit = run.limits.max_string_length
    if len(body) > limit:
        run.error(
            token_span(tok),
            "E405",
            f"string of {len(body):,} characters; the limit is {limit:,} "
            "(Limits.max_string_length)",
            (how_to_raise("max_string_length"),),
        )
    return String(body, token_span(tok))


def _digits(run: ParseRun, tok: Any) -> str | None:
    """The number's text, or None (and E106) when Python would refuse to convert it."""
    text: str = tok.value
    if len(text) > _MAX_NUMBER_CHARS:
        run.error(token_span(tok), "E106", f"number of {len(text):,} digits is too long")
        return None
    return text


def value_of(run: ParseRun, item: Any) -> Expr:
    """The node for one child: a literal token becomes its node, a node stays as it is."""
    kind = getattr(item, "type", None)
    if kind is None:
        return item  # type: ignore[no-any-return]
    if kind == "STRING":
        return _string(run, item)
    if kind == "NAME":
        word: str = item.value
        flag = _BOOLEANS.get(word)
        if flag is not None:
            return Boolean(flag, token_span(item))
        return Name(word, token_span(item))
    if kind == "INT":
        digits = _digits(run, item)
        return Integer(0 if digits is None else int(digits), token_span(item))
    if kind == "FLOAT":
        digits = _digits(run, item)
        return Float(0.0 if digits is None else float(digits), token_span(item))
    if kind == "COLOR":
        return Color(item.value.lower(), token_span(item))
    raise AssertionError(f"token {kind} is not a value")  # the grammar rules this out


# ---------------------------------------------------------------- one method per rule


class AstBuilder(Transformer[Any, Any]):
    """Builds AST nodes as Lark reduces rules (see the module docstring)."""

    def start(self, children: list[Any]) -> None:
        return None

    def stmt(self, children: list[Any]) -> None:
        call: Call = children[0]
        _run().statements.append(Statement(call, span=call.span))

    def assign(self, children: list[Any]) -> None:
        name, call = children[0], children[2]
        _run().statements.append(
            Statement(call, assign_to=name.value, span=_span_to(name, call.span))
        )

    def call(self, children: list[Any]) -> Call:
        run = _run()
        name = children[0]
        args: list[Expr] = []
        keywords: list[Keyword] = []
        for item in children[2:-1]:
            if type(item) is Keyword:
                keywords.append(item)
            elif getattr(item, "type", None) != "COMMA":
                args.append(value_of(run, item))
        return Call(
            name.value,
            tuple(args),
            tuple(keywords),
            span=span_between(name, children[-1]),
            name_span=token_span(name),
        )

    def kwarg(self, children: list[Any]) -> Keyword:
        name = children[0]
        value = value_of(_run(), children[2])
        return Keyword(
            name.value, value, span=_span_to(name, value.span), name_span=token_span(name)
        )

    def list(self, children: builtins.list[Any]) -> ListLit:
        run = _run()
        items = tuple(
            value_of(run, c) for c in children[1:-1] if getattr(c, "type", None) != "COMMA"
        )
        return ListLit(items, span_between(children[0], children[-1]))
