"""The printer and the grammar: random ASTs round-trip; strings the grammar generates parse;
our LALR driver accepts exactly what Lark's own parser accepts."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refocus_dsl._grammar import lark_parser
from refocus_dsl.ast import (
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
from refocus_dsl.limits import Limits
from refocus_dsl.parser import parse, parse_with_diagnostics
from refocus_dsl.printer import format_program

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


def test_driver_accepts_exactly_what_lark_accepts(strict_lark: Any) -> None:
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


def _spans(node: Any) -> list[Any]:
    """Every (type, span) in a tree, spans included (AST equality ignores them)."""
    import dataclasses

    out: list[Any] = []
    if isinstance(node, tuple):
        for item in node:
            out += _spans(item)
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name.endswith("span"):
                out.append((type(node).__name__, f.name, value))
            else:
                out += _spans(value)
    return out


def _both_paths(text: str) -> None:
    from refocus_dsl.parser import _Ctx, _fast_parse, _parse_statements

    fast = _Ctx(text, BIG, [])
    if not _fast_parse(fast):
        return
    full = _Ctx(text, BIG, [])
    _parse_statements(full)
    assert fast.statements == full.statements
    assert [s.assign_to for s in fast.statements] == [s.assign_to for s in full.statements]
    assert _spans(tuple(fast.statements)) == _spans(tuple(full.statements))
    assert fast.diags == full.diags


def test_fast_path_builds_what_the_table_driven_parser_builds(strict_lark: Any) -> None:
    from hypothesis.extra.lark import from_lark

    grammar_text = from_lark(
        strict_lark,
        explicit={
            "COLOR": st.sampled_from(["#ff0000", "#00FF00cc"]),
            "COMMENT": st.sampled_from(["# note\n", "#abcdef\n"]),
            "WS": st.sampled_from([" ", "\n", "\t", "\u00a0", "\n  "]),
        },
    )

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(grammar_text, st.lists(_NEAR, max_size=25).map("".join)))
    def run(text: str) -> None:
        _both_paths(text)

    run()
    # and the cases it must hand over: colours where comments may be meant, limits
    for text in ("#abcdef\nmask(rows(1))", "a(#abcdef)", 'a("\\x4")', "a(" * 20):
        _both_paths(text)


def test_cached_tables_are_current_and_equal_to_a_fresh_build() -> None:
    """refocus_dsl/_tables.py must be what Lark builds from the grammar now
    (after editing the grammar: python -m refocus_dsl._grammar)."""
    from refocus_dsl import _grammar

    text = _grammar.grammar_text()
    fresh = _grammar._build()
    cached = _grammar._from_cache(_grammar._digest(text))
    assert cached is not None, "refocus_dsl/_tables.py is stale: run python -m refocus_dsl._grammar"
    assert cached == fresh
    assert _grammar._from_cache("0" * 64) is None  # another grammar: not used
    from pathlib import Path

    module = Path(_grammar.__file__).with_name("_tables.py").read_text(encoding="utf-8")
    assert module == _grammar.tables_module(fresh, _grammar._digest(text))
