"""Program to canonical text: one statement per line, what ``parse`` reads back.

Canonical means: double-quoted strings with escapes, positional arguments
before keywords, ``", "`` between arguments, no assignments (paper calls are
written as the statements they were lowered to), ``True``/``False``,
colours lower-case. ``parse(format_program(p)) == p`` for every program
(equality ignores spans); the tests check this on random ASTs.
"""

from __future__ import annotations

import math
import re

from refocus_dsl.lang.ast import (
    Boolean,
    Call,
    Color,
    Expr,
    Float,
    Integer,
    ListLit,
    Name,
    Program,
    Statement,
    String,
)

__all__ = ["format_program", "format_statement", "format_expr", "quote"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_COLOR = re.compile(r"#[0-9a-f]{6}(?:[0-9a-f]{2})?\Z")
_RESERVED = frozenset({"True", "False", "true", "false"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]')


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    simple = _ESCAPES.get(ch)
    if simple is not None:
        return simple
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        raise ValueError(f"string contains a lone surrogate U+{code:04X}; it cannot be written")
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def quote(text: str) -> str:
    """``text`` as a double-quoted string literal."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def _name(name: str) -> str:
    if not _IDENT.match(name) or name in _RESERVED:
        raise ValueError(f"{name!r} cannot be written as a name")
    return name


def _float(value: float) -> str:
    if math.isnan(value):
        raise ValueError("NaN cannot be written in a program")
    if math.isinf(value):
        return "1e999" if value > 0 else "-1e999"
    return repr(value)


def format_expr(expr: Expr) -> str:
    """One argument value as canonical text."""
    if isinstance(expr, String):
        return quote(expr.value)
    if isinstance(expr, Boolean):
        return "True" if expr.value else "False"
    if isinstance(expr, Integer):
        return str(int(expr.value))
    if isinstance(expr, Float):
        return _float(float(expr.value))
    if isinstance(expr, Color):
        value = expr.value.lower()
        if not _COLOR.match(value):
            raise ValueError(f"{expr.value!r} is not a #rrggbb or #rrggbbaa colour")
        return value
    if isinstance(expr, Name):
        return _name(expr.name)
    if isinstance(expr, ListLit):
        return "[" + ", ".join(format_expr(e) for e in expr.items) + "]"
    if isinstance(expr, Call):
        return format_call(expr)
    raise TypeError(f"not an expression: {type(expr).__name__}")


def format_call(call: Call) -> str:
    parts = [format_expr(a) for a in call.args]
    parts.extend(f"{_name(k.name)}={format_expr(k.value)}" for k in call.keywords)
    return f"{_name(call.name)}({', '.join(parts)})"


def format_statement(stmt: Statement) -> str:
    return format_call(stmt.call)


def format_program(program: Program) -> str:
    """Canonical text of ``program``: one statement per line, ending with a newline."""
    return "".join(format_statement(s) + "\n" for s in program.statements)
