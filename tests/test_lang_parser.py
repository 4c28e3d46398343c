"""The parser: literals, spans, errors with what was expected, recovery, limits, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lang_helpers import REGISTRY

from refocus_dsl.errors import ProgramError, RefocusError
from refocus_dsl.lang.ast import (
    Boolean,
    Call,
    Color,
    Float,
    Integer,
    Keyword,
    ListLit,
    Name,
    Program,
    Span,
    Statement,
    String,
)
from refocus_dsl.lang.checker import check
from refocus_dsl.lang.limits import Limits
from refocus_dsl.lang.parser import parse, parse_with_diagnostics


def codes(text: str, limits: Limits | None = None) -> list[str]:
    return [d.code for d in parse_with_diagnostics(text, limits)[1]]


def test_statements_literals_and_keywords() -> None:
    p = parse(
        "keep_only(columns(\"Year\", 'Earning'))\n"
        "draw_box(rows(4, -2), color=#FF0000, width=5, flag=true, off=False);\n"
        "mask(region(.1, 2e-1, 0.5, 1.), fill=red, items=[1, 'x',],)\n"
    )
    assert p.statements[0] == Statement(
        Call("keep_only", (Call("columns", (String("Year"), String("Earning"))),))
    )
    draw = p.statements[1].call
    assert draw.args == (Call("rows", (Integer(4), Integer(-2))),)
    assert draw.keywords == (
        Keyword("color", Color("#ff0000")),
        Keyword("width", Integer(5)),
        Keyword("flag", Boolean(True)),
        Keyword("off", Boolean(False)),
    )
    mask = p.statements[2].call
    assert mask.args[0] == Call("region", (Float(0.1), Float(0.2), Float(0.5), Float(1.0)))
    assert mask.keywords[0].value == Name("red")
    assert mask.keywords[1].value == ListLit((Integer(1), String("x")))


def test_string_escapes_and_unicode() -> None:
    p = parse(r'text("a\"b\\c\n\t\x41\u00e9\U0001F600\q", "年份 ☃")')
    assert p.statements[0].call.args == (String('a"b\\c\n\tAé😀\\q'), String("年份 ☃"))


def test_spans_point_at_the_text() -> None:
    src = 'x = highlight(\n    columns("Year"),\n    alpha=0.5)\n'
    stmt = parse(src).statements[0]
    assert stmt.assign_to == "x"
    assert stmt.span == Span(0, len(src) - 1, 1, 1, 3, 15)
    col = stmt.call.args[0]
    assert isinstance(col, Call)
    assert src[col.span.start : col.span.end] == 'columns("Year")'
    assert (col.span.line, col.span.column, col.name_span.end_column) == (2, 5, 12)
    kw = stmt.call.keywords[0]
    assert src[kw.span.start : kw.span.end] == "alpha=0.5"
    assert src[kw.name_span.start : kw.name_span.end] == "alpha"


def test_comments_blank_lines_semicolons_and_colour_after_comment() -> None:
    src = (
        "\n# deface the table\n#abcdef is a comment here\nmask(rows(1));;\n"
        "\nmask(rows(2), fill=#abcdef) # c\n"
    )
    p = parse(src)
    assert [s.call.args[0] for s in p.statements] == [
        Call("rows", (Integer(1),)),
        Call("rows", (Integer(2),)),
    ]
    assert p.statements[1].call.keywords[0].value == Color("#abcdef")


def test_parse_raises_one_error_with_every_diagnostic() -> None:
    with pytest.raises(ProgramError) as info:
        parse("a(1 2)\nb(3 4)\n")
    assert isinstance(info.value, RefocusError)
    assert [d.line for d in info.value.diagnostics] == [1, 2]
    assert "(and 1 more)" in str(info.value)


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("a(1 2)", "E101", 'expected ")" or ","'),
        ("a([1 2])", "E101", 'expected "]" or ","'),
        ("a(b=)", "E101", "expected a value"),
        ("x = 5", "E101", "expected a tool call"),
        ('a("abc)', "E102", "unterminated string"),
        ("a(\x07)", "E103", "U+0007"),
        ("a(€)", "E103", "€"),
        ("import os", "E104", "imports"),
        ("while x:\n  a(1)", "E104", "loops"),
        ("a(x.y)", "E104", "attribute"),
        ("a(x[0])", "E104", "indexing"),
        ("a(1 + 2)", "E104", "arithmetic"),
        ("a({'k': 1})", "E104", "dictionaries"),
        ('a(f"x")', "E104", "string prefixes"),
        ("a(1", "E105", "never closed"),
        ("a(1))", "E105", "unmatched"),
        ("a([1)]", "E105", "does not match"),
        (r'a("\x4")', "E106", "hex digits"),
    ],
)
def test_each_parse_error(text: str, code: str, words: str) -> None:
    program, diags = parse_with_diagnostics(text)
    assert diags and diags[0].code == code, diags
    assert words in diags[0].message


def test_recovery_reports_every_broken_statement_and_keeps_the_good_ones() -> None:
    src = (
        'keep_only(columns("A")\nhighlight(rows("1") "2")\nmask(rows("3"))\n'
        'bad stuff here\nmask(rows("4"))\n'
    )
    program, diags = parse_with_diagnostics(src)
    assert [(d.code, d.line) for d in diags] == [("E105", 1), ("E101", 2), ("E101", 4)]
    assert program is not None
    assert [s.span.line for s in program.statements] == [3, 5]
    # the unclosed bracket is pointed at, not the next line
    assert (diags[0].line, diags[0].column) == (1, 10)


def test_error_count_is_bounded() -> None:
    src = "".join(f'a(1 "{i}")\n' for i in range(100))
    diags = parse_with_diagnostics(src)[1]
    assert len(diags) == 21 and diags[-1].code == "E109"
    assert len(parse_with_diagnostics(src, Limits(max_errors=5))[1]) == 6


def test_limits_source_size_statements_nesting_strings() -> None:
    assert codes("a(1)\n" * 20, Limits(max_source_bytes=50)) == ["E401"]
    # bytes, not characters
    assert codes('a("' + "é" * 30 + '")', Limits(max_source_bytes=40)) == ["E401"]
    assert codes("a(1)\n" * 51) == ["E402"]
    assert codes("a(1)\n" * 3, Limits(max_statements=3)) == []
    assert codes("a(" + "[" * 17 + "]" * 17 + ")") == ["E404"]
    assert codes("a(" + "[" * 15 + "]" * 15 + ")") == []
    assert codes('a("' + "x" * 1001 + '")') == ["E405"]
    assert codes('a("' + "x" * 20 + '")', Limits(max_string_length=10)) == ["E405"]


def test_limits_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="max_statements"):
        Limits(max_statements=0)
    with pytest.raises(ValueError, match="max_nesting"):
        Limits(max_nesting=10_000)


def test_deepest_allowed_nesting_parses_checks_and_prints() -> None:
    from refocus_dsl.lang.printer import format_program

    lim = Limits(max_nesting=200)
    deep = "mask(" + "f(" * 199 + ")" * 199 + ")\n"
    program = parse(deep, lim)
    assert format_program(program) == deep
    check(deep, registry=REGISTRY, limits=lim)
    listy = "mask(columns(" + "[" * 198 + '"A"' + "]" * 198 + "))"
    check(listy, registry=REGISTRY, limits=lim)


def test_deep_nesting_and_huge_input_are_diagnostics_not_crashes() -> None:
    deep = "a(" + "b(" * 10_000 + ")" * 10_000 + ")"
    assert "E404" in codes(deep, Limits(max_source_bytes=10**6))
    deep_list = "a(" + "[" * 10_000
    assert "E404" in codes(deep_list, Limits(max_source_bytes=10**6))
    huge = 'mask(rows("1"))\n' * 100_000
    assert codes(huge) == ["E401"]
    many_args = "a(" + "1," * 20_000 + ")"
    program, diags = parse_with_diagnostics(many_args)
    assert diags == [] and program is not None
    assert len(program.statements[0].call.args) == 20_000


def test_parse_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        parse_with_diagnostics(b"a(1)")  # type: ignore[arg-type]


def test_empty_program() -> None:
    assert parse("") == Program(())
    assert parse("  # only a comment\n\n") == Program(())


_ALPHABET = st.sampled_from(
    list("abc_()[]\"',=#;. \n\t\\-+0123456789eE{}:xX") + ["é", "年", "\x00", "\x07"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_ALPHABET, max_size=80))
def test_near_miss_text_never_raises(text: str) -> None:
    program, diags = parse_with_diagnostics(text)
    assert program is not None
    for d in diags:
        assert d.code[0] in "EW" and 1 <= d.line and 1 <= d.column
    check(text, registry=REGISTRY)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    parse_with_diagnostics(text)
    check(text, registry=REGISTRY)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    parse_with_diagnostics(text)
    check(text, registry=REGISTRY)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 3000),
    st.sampled_from(["(", "[", "a(", '"', "'", "\x00", "\\", "#"]),
)
def test_repetition_of_hostile_pieces_never_raises(n: int, piece: str) -> None:
    parse_with_diagnostics(piece * n)
    check("mask(" + piece * n, registry=REGISTRY)


def test_parses_in_threads_keep_their_own_statements_and_diagnostics() -> None:
    """Lark calls one shared AST builder; each thread's parse must still get only its own
    statements and diagnostics."""
    from concurrent.futures import ThreadPoolExecutor

    def one(i: int) -> tuple[list[str], list[tuple[str, int]]]:
        src = f'mask(rows("{i}"))\nbad {i}\n' + f'highlight(columns("c{i}"), alpha=0.{i % 9 + 1})\n'
        program, diags = parse_with_diagnostics(src)
        assert program is not None
        names = [str(s.call.args[0].args[0].value) for s in program.statements]  # type: ignore[union-attr]
        return names, [(d.code, d.line) for d in diags]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(200)))
    for i, (names, diags) in enumerate(results):
        assert names == [str(i), f"c{i}"]
        assert diags == [("E101", 2)]


def test_grammar_cache_file_is_written_and_a_broken_one_is_rebuilt(tmp_path: Path) -> None:
    """Lark's grammar cache lives under XDG_CACHE_HOME; a truncated file costs a rebuild,
    never a failure (a fresh interpreter, since the parser is made once per process)."""
    import os
    import subprocess
    import sys

    code = "import refocus_dsl as r; print(len(r.parse('mask(rows(1)); crop(rows(2))').statements))"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "REFOCUS_NO_CACHE": ""}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run() == "2"
    files = list((tmp_path / "refocus-dsl").glob("grammar-lark*.cache"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    whole = files[0].read_bytes()
    files[0].write_bytes(whole[: len(whole) // 2])  # as if another process were writing it
    assert run() == "2"
    again = files[0].read_bytes()  # written again, whole (its bytes vary with hash order)
    assert again.split(b"\n")[0] == whole.split(b"\n")[0] and len(again) > len(whole) * 0.9


def test_grammar_cache_is_not_used_where_others_could_write_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lark unpickles its cache file: one in a folder anyone may write to is never read.
    from refocus_dsl.lang._grammar import _cache_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("REFOCUS_NO_CACHE", "")
    mine = _cache_file()
    assert isinstance(mine, str) and Path(mine).parent == tmp_path / "refocus-dsl"
    (tmp_path / "refocus-dsl").chmod(0o777)
    assert _cache_file() is False
    (tmp_path / "refocus-dsl").chmod(0o700)
    Path(mine).write_bytes(b"")
    Path(mine).chmod(0o666)
    assert _cache_file() is False
    Path(mine).chmod(0o600)
    assert _cache_file() == mine
