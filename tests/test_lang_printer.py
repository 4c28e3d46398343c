"""The printer and the grammar: random ASTs round-trip; strings the grammar generates parse;
the parser (Lark's runtime with our recovery) reports a syntax error exactly when Lark's
plain parser rejects the text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refocus_dsl.lang._grammar import lark_parser
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
    Program,
    Statement,
    String,
)
from refocus_dsl.lang.limits import Limits
from refocus_dsl.lang.parser import parse, parse_with_diagnostics
from refocus_dsl.lang.printer import format_program

BIG = Limits(max_nesting=200, max_string_length=10**6, max_statements=10**4)
_RESERVED = {"True", "False", "true", "false", "display"}

_FIRST = "abcxyzABCXYZ_"
_REST = "abcxyz_0129XYZ"
names = st.builds(lambda a, b: a + b, st.sampled_from(_FIRST), st.text(_REST, max_size=6)).filter(
    lambda n: n not in _RESERVED and not n.startswith("focus_on_")
)
_HEX = st.text("0123456789abcdef", min_size=6, max_size=6)
leaves: st.SearchStrategy[Expr] = st.one_of(
    st.builds(String, st.text(max_size=20)),
    st.builds(Integer, st.integers(-(10**15), 10**15)),
    st.builds(Float, st.floats(allow_nan=False)),
    st.builds(Boolean, st.booleans()),
    st.builds(Color, st.builds(lambda a, b: "#" + a + b, _HEX, st.sampled_from(["", "80", "ff"]))),
    st.builds(Name, names),
)


def _calls(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    keywords = st.lists(st.builds(Keyword, names, children), max_size=3)
    return st.one_of(
        st.builds(ListLit, st.lists(children, max_size=4).map(tuple)),
        st.builds(Call, names, st.lists(children, max_size=4).map(tuple), keywords.map(tuple)),
    )


exprs = st.recursive(leaves, _calls, max_leaves=8)
statements = st.builds(  # one statement: a call of a tool name
    Statement,
    st.builds(
        Call,
        names,
        st.lists(exprs, max_size=4).map(tuple),
        st.lists(st.builds(Keyword, names, exprs), max_size=3).map(tuple),
    ),
)
programs = st.builds(Program, st.lists(statements, max_size=4).map(tuple))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs)
def test_print_then_parse_is_identity(program: Program) -> None:
    text = format_program(program)
    assert parse(text, BIG) == program
    assert format_program(parse(text, BIG)) == text


def test_printer_is_canonical() -> None:
    src = "x = draw_box( rows('4',\"5\") ,width=4, color = #FFAA00 ) ; mask(region(.1,0.2,1e-1,1.))"
    assert format_program(parse(src)) == (
        'draw_box(rows("4", "5"), width=4, color=#ffaa00)\nmask(region(0.1, 0.2, 0.1, 1.0))\n'
    )
    assert format_program(parse('text("a\\"b\\n\\x00\u2028é")')) == (
        'text("a\\"b\\n\\x00\\u2028é")\n'
    )


def test_printer_refuses_what_cannot_be_written() -> None:
    for bad in (Name("True"), Name("1x"), Float(float("nan")), Color("red"), String("\ud800")):
        with pytest.raises(ValueError):
            format_program(Program((Statement(Call("mask", (bad,))),)))


@pytest.fixture(scope="module")
def strict_lark() -> Any:
    """The full Lark parser (its own lexer and parse loop), as a reference. Strict when the
    optional ``interegular`` package is there (Lark needs it to check terminal collisions)."""
    import importlib.util

    return lark_parser(strict=importlib.util.find_spec("interegular") is not None)


def test_grammar_builds_strict() -> None:
    """strict=True: no shift/reduce conflict, no two terminals that can match the same text."""
    pytest.importorskip("interegular")
    lk = lark_parser()
    assert lk.options.strict and lk.options.parser == "lalr" and lk.options.propagate_positions


def test_grammar_strings_parse(strict_lark: Any) -> None:
    from hypothesis.extra.lark import from_lark

    strategy = from_lark(
        strict_lark,
        explicit={
            "COLOR": st.sampled_from(["#ff0000", "#00FF00cc"]),
            "COMMENT": st.sampled_from(["# note\n", "#\n"]),
            "WS": st.sampled_from([" ", "\n", "\t", "\u00a0"]),
        },
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def run(text: str) -> None:
        program, diags = parse_with_diagnostics(text, BIG)
        assert program is not None
        syntax = [d for d in diags if d.code in ("E101", "E102", "E103", "E104", "E105")]
        assert syntax == [], (text, syntax)

    run()


_NEAR = st.sampled_from(
    list("ab_()[]\"',=#;. \n1234567890-+eE.") + ["#ffffff", "True", "x=", "a(", "\\n", "\u00a0"]
)


def test_syntax_errors_exactly_when_lark_rejects(strict_lark: Any) -> None:
    from lark.exceptions import LarkError

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_NEAR, max_size=25).map("".join))
    def run(text: str) -> None:
        try:
            strict_lark.parse(text)
            lark_ok = True
        except LarkError:
            lark_ok = False
        diags = parse_with_diagnostics(text, BIG)[1]
        ours_ok = not any(d.code in ("E101", "E102", "E103", "E104", "E105") for d in diags)
        assert ours_ok == lark_ok, (text, diags)

    run()


def _call_spans(node: Any) -> list[tuple[int, ...]]:
    """(start, end, line, column, end line, end column) of every call in a tree."""
    out: list[tuple[int, ...]] = []
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Program):
            stack += [s.call for s in item.statements]
        elif isinstance(item, Call):
            s = item.span
            out.append((s.start, s.end, s.line, s.column, s.end_line, s.end_column))
            stack += list(item.args) + [k.value for k in item.keywords]
        elif isinstance(item, ListLit):
            stack += list(item.items)
    return sorted(out)


def test_spans_are_larks_positions(strict_lark: Any) -> None:
    """The spans the AST builder makes from tokens are the positions Lark itself
    propagates to each call (``propagate_positions=True``)."""
    from hypothesis.extra.lark import from_lark

    strategy = from_lark(
        strict_lark,
        explicit={
            "COLOR": st.sampled_from(["#ff0000", "#00FF00cc"]),
            "COMMENT": st.sampled_from(["# note\n", "#abcdef\n"]),
            "WS": st.sampled_from([" ", "\n", "\t", "\u00a0", "\n  "]),
        },
    )

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def run(text: str) -> None:
        program, diags = parse_with_diagnostics(text, BIG)
        assert program is not None
        if diags or any(s.origin for s in program.statements):
            return  # a bad escape, or a paper call rewritten by compat
        want = sorted(
            (m.start_pos, m.end_pos, m.line, m.column, m.end_line, m.end_column)
            for t in strict_lark.parse(text).iter_subtrees()
            if t.data == "call"
            for m in [t.meta]
        )
        assert _call_spans(program) == want

    run()
