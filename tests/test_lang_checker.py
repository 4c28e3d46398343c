"""The checker: every problem collected, with the right span and a useful suggestion."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lang_helpers import REGISTRY, table_layout

from refocus_dsl.lang.checker import CODES, check
from refocus_dsl.lang.diagnostics import Severity
from refocus_dsl.lang.limits import Limits
from refocus_dsl.lang.parser import parse

TABLE = table_layout()


def test_valid_program_has_no_diagnostics() -> None:
    src = (
        'keep_only(columns("Year", "Earning"))\n'
        'draw_box(rows("1996"), "blue", 4)\n'
        'highlight(cells(row=1, col="Cost"), color="#00ff0080", alpha=1)\n'
        'label(text("1,204"), text="here", side=bottom, bold=True)\n'
    )
    assert check(src, TABLE, REGISTRY) == []


def test_collects_every_problem_not_only_the_first() -> None:
    src = (
        'keep_only(columns("Earnings"))\n'
        "highlight(rows(1), alpha=2, colour=red)\n"
        "frobnicate(columns())\n"
        'mask(region(0, 0, 0, 1), fill="sky")\n'
    )
    diags = check(src, TABLE, REGISTRY)
    assert [(d.code, d.line) for d in diags] == [
        ("E203", 1),
        ("E304", 2),
        ("E202", 2),
        ("E201", 3),
        ("E307", 3),
        ("E308", 4),
        ("E311", 4),
    ]


def test_unknown_label_span_and_suggestions() -> None:
    src = 'keep_only(columns("Earnings", "Year"))'
    (d,) = check(src, TABLE, REGISTRY)
    assert (d.code, d.line, d.column, d.end_column) == ("E203", 1, 19, 29)
    assert d.message == 'no column named "Earnings" in this table'
    assert d.suggestions == (
        'did you mean "Earning"? columns are: "Index", "Year", "Cost", "Earning"',
    )


def test_without_layout_everything_but_labels_is_checked() -> None:
    src = 'keep_only(columns("Nope"))\nhighlight(rows("x"), alpha=3)\n'
    assert [d.code for d in check(src, None, REGISTRY)] == ["E304"]


def test_check_accepts_a_parsed_program() -> None:
    program = parse('highlight(columns("Yeer"))')
    assert [d.code for d in check(program, TABLE, REGISTRY)] == ["E203"]


def test_targets_limit_counts_the_whole_program() -> None:
    src = 'highlight(columns("Year", "Cost"))\nmask(rows(1, 2, 3))\n'
    assert check(src, TABLE, REGISTRY, Limits(max_targets=5)) == []
    diags = check(src, TABLE, REGISTRY, Limits(max_targets=4))
    assert [(d.code, d.line) for d in diags] == [("E403", 2)]
    assert "Limits(max_targets=...)" in diags[0].suggestions[0]


def test_warnings_do_not_count_as_errors() -> None:
    diags = check('keep_only(columns("Index", "Year", "Cost", "Earning"))', TABLE, REGISTRY)
    assert [d.code for d in diags] == ["W101"]
    assert diags[0].severity is Severity.WARNING and not diags[0].is_error
    assert [d.code for d in check("", None, REGISTRY)] == ["W103"]


def test_image_argument_is_explained_once() -> None:
    diags = check('highlight(image_1, columns("Year"), alpha=0.2)', TABLE, REGISTRY)
    assert [d.code for d in diags] == ["E301"]
    assert "implicit" in diags[0].message


def test_default_registry_is_used_when_none_is_given() -> None:
    assert check('highlight(columns("Year"))', TABLE) == []
    assert [d.code for d in check("no_such_tool(columns('Year'))", TABLE)] == ["E201"]


def test_docs_list_every_code() -> None:
    doc = (Path(__file__).parent.parent / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| ([EW]\d{3}) \| (.+) \|$", doc, re.M))
    assert table == CODES


def test_checker_docstring_lists_every_code() -> None:
    import refocus_dsl.lang.checker as checker

    assert checker.__doc__ is not None
    assert set(re.findall(r"^([EW]\d{3})  ", checker.__doc__, re.M)) == set(CODES)


def test_pixel_limit_default_is_the_image_loaders() -> None:
    from refocus_dsl.imageio import DEFAULT_MAX_PIXELS

    assert Limits().max_pixels == DEFAULT_MAX_PIXELS


def test_tool_hint_for_keyword_target() -> None:
    (d,) = check('keep_only(columns=["Year", "Cost"])', TABLE, REGISTRY)
    assert d.code == "E202" and d.suggestions == ('write keep_only(columns("Year", "Cost"))',)


_WORDS = [
    "keep_only",
    "mask",
    "highlight",
    "draw_box",
    "underline",
    "label",
    "columns",
    "rows",
    "cells",
    "bars",
    "subplots",
    "region",
    "text",
    "color",
    "alpha",
    "width",
    "fill",
    "row",
    "col",
    "side",
    "bold",
    "x1",
    "red",
    "image_1",
    "display",
    "focus_on_rows_with_mask",
    "rows_bbox",
]


def _program_text() -> st.SearchStrategy[str]:
    leaf = st.one_of(
        st.sampled_from(
            [
                '"Year"',
                '"1996"',
                '"x"',
                '""',
                "0",
                "1",
                "-3",
                "0.5",
                "2.5",
                "True",
                "#ff0000",
                "red",
                "image_1",
                "[]",
                '["Cost", 2]',
            ]
        ),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        arg = st.one_of(inner, st.tuples(st.sampled_from(_WORDS), inner).map("=".join))
        return st.tuples(st.sampled_from(_WORDS), st.lists(arg, max_size=4)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        )

    expr = st.recursive(leaf, extend, max_leaves=6)
    stmt = st.tuples(st.sampled_from(_WORDS), st.lists(expr, max_size=3)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})"
    )
    return st.lists(stmt, max_size=4).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_program_text(), st.sampled_from([None, "table", "chart", "figure"]))
def test_checking_random_programs_of_real_names_never_raises(text: str, kind: str | None) -> None:
    from lang_helpers import LAYOUTS

    layout = LAYOUTS[kind]() if kind else None
    for d in check(text, layout, REGISTRY):
        assert d.code in CODES
    # and whatever checks cleanly also resolves
    from refocus_dsl.lang.ast import Call
    from refocus_dsl.lang.targets import resolve

    if not [d for d in check(text, layout, REGISTRY) if d.is_error] and layout is not None:
        for stmt in parse(text).statements:
            t = stmt.call.args[0]
            assert isinstance(t, Call)
            resolve(t, layout, layout.width, layout.height)


def test_diagnostics_are_capped() -> None:
    src = "highlight(columns(" + '"Yeer", ' * 300 + "))"
    diags = check(src, TABLE, REGISTRY, Limits(max_targets=1000))
    assert len(diags) == 101 and diags[-1].code == "E109"
    assert "more not shown" in diags[-1].message
