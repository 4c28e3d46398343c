"""Checking one keyword argument of a tool against the parameter it declares.

A tool's :class:`~refocus_dsl.plugin.Param` says its type, range and choices;
here each type gets its own check, so the messages ("alpha of highlight must be
between 0 and 1, got 2") are written once. The checker calls :func:`check_value`
for every argument it binds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from refocus_dsl.colors import COLOR_NAMES, parse_color
from refocus_dsl.lang.ast import Boolean, Call, Color, Expr, Float, Integer, ListLit, Name, String
from refocus_dsl.lang.diagnostics import Diagnostic, as_float, diagnostic_at, number_text
from refocus_dsl.lang.labels import nearest
from refocus_dsl.plugin import Param

__all__ = ["check_value", "add_error", "did_you_mean", "describe"]


def add_error(
    diags: list[Diagnostic], node: Any, code: str, message: str, *suggestions: str, span: Any = None
) -> None:
    """Append an error at ``node`` (or ``span``), its suggestions joined into one hint."""
    hint = " ".join(s for s in suggestions if s)
    diags.append(
        diagnostic_at(
            span if span is not None else node.span,
            code,
            message,
            suggestions=(hint,) if hint else (),
        )
    )


def did_you_mean(word: str, options: Sequence[str]) -> str:
    close = nearest(word, options)
    return ("did you mean " + " or ".join(close) + "?") if close else ""


def describe(expr: Expr) -> str:
    """What an argument is, for "must be ..., got ..." messages."""
    if isinstance(expr, String):
        return f'the string "{expr.value[:30]}"'
    if isinstance(expr, Boolean):
        return "a boolean"
    if isinstance(expr, (Integer, Float)):
        return f"the number {number_text(expr.value)}"
    if isinstance(expr, Color):
        return f"the colour {expr.value}"
    if isinstance(expr, Name):
        return f"the name {expr.name}"
    if isinstance(expr, ListLit):
        return "a list"
    return f"a call of {expr.name}(...)"


def _range(p: Param) -> str:
    lo, hi = p.min, p.max
    if lo is not None and hi is not None:
        return f"between {number_text(lo)} and {number_text(hi)}"
    if lo is not None:
        return f"at least {number_text(lo)}"
    return f"at most {number_text(hi or 0)}"


def _number(diags: list[Diagnostic], tool: str, p: Param, expr: Expr) -> None:
    if not isinstance(expr, (Integer, Float)):
        hint = ""
        if isinstance(expr, String):
            try:
                float(expr.value)
                hint = f"write {expr.value.strip()} without quotes"
            except ValueError:
                pass
        kind = "a whole number" if p.type == "integer" else "a number"
        add_error(
            diags, expr, "E301", f"{p.name} of {tool} must be {kind}, got {describe(expr)}", hint
        )
        return
    v = expr.value
    if p.type == "integer" and isinstance(expr, Float):
        add_error(
            diags,
            expr,
            "E301",
            f"{p.name} of {tool} must be a whole number, got {v:g}",
            f"write {int(v)}" if math.isfinite(v) and v == int(v) else "",
        )
        return
    if not math.isfinite(as_float(v)):
        got = f", got {number_text(v)}" if isinstance(v, int) else ""
        add_error(diags, expr, "E304", f"{p.name} of {tool} must be a finite number{got}")
        return
    lo, hi = p.min, p.max
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        hint = ""
        if hi == 1 and lo == 0 and 2 <= v <= 255:
            hint = f"{p.name} is a fraction; {number_text(v)}/255 is {v / 255:.3f}"
        message = f"{p.name} of {tool} must be {_range(p)}, got {number_text(v)}"
        add_error(diags, expr, "E304", message, hint)


def _color(diags: list[Diagnostic], tool: str, p: Param, expr: Expr) -> None:
    if isinstance(expr, Color):
        return
    if isinstance(expr, (String, Name)):
        text = expr.value if isinstance(expr, String) else expr.name
        if parse_color(text) is not None:
            return
        names = list(COLOR_NAMES)
        add_error(
            diags,
            expr,
            "E311",
            f'unknown colour "{text}"',
            did_you_mean(text, names),
            "colours are: " + ", ".join(names) + ", or #rrggbb / #rrggbbaa",
        )
        return
    add_error(
        diags,
        expr,
        "E301",
        f"{p.name} of {tool} must be a colour, got {describe(expr)}",
        f'e.g. {p.name}="red" or {p.name}="#ff8800"',
    )


def _boolean(diags: list[Diagnostic], tool: str, p: Param, expr: Expr) -> None:
    if not isinstance(expr, Boolean):
        message = f"{p.name} of {tool} must be True or False, got {describe(expr)}"
        add_error(diags, expr, "E301", message)


def _string(diags: list[Diagnostic], tool: str, p: Param, expr: Expr) -> None:
    if not isinstance(expr, String):
        hint = f'write "{expr.name}" in quotes' if isinstance(expr, Name) else ""
        message = f"{p.name} of {tool} must be a string, got {describe(expr)}"
        add_error(diags, expr, "E301", message, hint)


def _enum(diags: list[Diagnostic], tool: str, p: Param, expr: Expr) -> None:
    if isinstance(expr, (String, Name)):
        text = expr.value if isinstance(expr, String) else expr.name
        if text in p.choices:
            return
        add_error(
            diags,
            expr,
            "E305",
            f'{p.name} of {tool} cannot be "{text}"',
            did_you_mean(text, list(p.choices)),
            "choices are: " + ", ".join(p.choices),
        )
        return
    choices = ", ".join(p.choices)
    message = f"{p.name} of {tool} must be one of {choices}; got {describe(expr)}"
    add_error(diags, expr, "E301", message)


_CHECKS: dict[str, Callable[[list[Diagnostic], str, Param, Expr], None]] = {
    "number": _number,
    "integer": _number,
    "color": _color,
    "boolean": _boolean,
    "string": _string,
    "enum": _enum,
}


def check_value(diags: list[Diagnostic], tool: str, p: Param, expr: Expr) -> None:
    """Append what is wrong with ``expr`` as parameter ``p`` of ``tool`` (nothing if fine)."""
    if isinstance(expr, Call):
        add_error(
            diags,
            expr,
            "E310",
            f"{p.name} of {tool} cannot be a call of {expr.name}(...)",
            f"give {p.name} a {p.type} value",
        )
        return
    check = _CHECKS.get(p.type)
    if check is not None:
        check(diags, tool, p, expr)
