"""The paper's twelve calls lower to native statements; everything else in such a block is
a diagnostic."""

from __future__ import annotations

import pytest
from lang_helpers import REGISTRY, chart_layout, table_layout

from refocus_dsl.lang.ast import Call, Float, Integer, Keyword, Statement, String
from refocus_dsl.lang.checker import check
from refocus_dsl.lang.compat import HIGHLIGHT_ALPHA, PAPER_FUNCTIONS
from refocus_dsl.lang.parser import parse, parse_with_diagnostics
from refocus_dsl.lang.printer import format_program

GROUPS = {"columns": "columns", "rows": "rows", "x_values": "bars", "y_values": "bars"}
EFFECTS = {
    "mask": ("keep_only", ()),
    "draw": ("draw_box", (Keyword("color", String("red")), Keyword("width", Integer(5)))),
    "highlight": (
        "highlight",
        (Keyword("color", String("red")), Keyword("alpha", Float(50 / 255))),
    ),
}
TWELVE = [(g, e) for g in GROUPS for e in EFFECTS]


def test_there_are_twelve() -> None:
    assert len(TWELVE) == 12 == len(PAPER_FUNCTIONS)
    assert HIGHLIGHT_ALPHA == 50 / 255


@pytest.mark.parametrize(("group", "effect"), TWELVE, ids=[f"{g}_{e}" for g, e in TWELVE])
def test_each_paper_call_lowers(group: str, effect: str) -> None:
    fname = f"focus_on_{group}_with_{effect}"
    src = f'image_with_focus = {fname}(image_1, ["A", "B", 3], {group}_bbox)\n'
    src += "display(image_with_focus)\n"
    program, diags = parse_with_diagnostics(src)
    assert diags == []
    assert program is not None and len(program.statements) == 1
    stmt = program.statements[0]
    tool, keywords = EFFECTS[effect]
    target = Call(GROUPS[group], (String("A"), String("B"), String("3")))
    assert stmt == Statement(Call(tool, (target,), keywords))
    assert stmt.origin == fname and stmt.assign_to == "image_with_focus"
    # the lowered program is an ordinary one: it prints and re-parses to itself
    assert parse(format_program(program)) == program


def test_keyword_form_chaining_and_display() -> None:
    src = (
        "img1 = focus_on_columns_with_mask(image=image_1, columns_to_focus_on=['Year'], "
        "all_columns_bounding_boxes=columns_bbox)\n"
        "img2 = focus_on_rows_with_draw(img1, ['1996'], rows_bbox)\n"
        "display(img2)\n"
        "img3 = focus_on_rows_with_highlight(img2, ['4', '5'], rows_bbox)\n"
        "display(img3)\n"
    )
    program, diags = parse_with_diagnostics(src)
    assert diags == []
    assert program is not None
    assert [s.call.name for s in program.statements] == ["keep_only", "draw_box", "highlight"]
    assert [s.assign_to for s in program.statements] == ["img1", "img2", "img3"]
    assert check(program, table_layout(), REGISTRY) == []


def test_chart_calls_check_against_the_chart() -> None:
    src = "focus_on_x_values_with_mask(image_1, ['China', 'Indai'], x_values_bbox)\n"
    diags = check(src, chart_layout(), REGISTRY)
    assert [(d.code, d.column) for d in diags] == [("E203", src.index("'Indai'") + 1)]
    assert diags[0].suggestions and '"India"' in diags[0].suggestions[0]


@pytest.mark.parametrize(
    ("src", "code"),
    [
        ("focus_on_rows_with_mask(image_1, ['1'], columns_bbox)", "E208"),
        ("focus_on_rows_with_mask(img, ['1'], rows_bbox)", "E207"),
        ("display(nothing)", "E207"),
        ("focus_on_rows_with_mask(image_1, '1', rows_bbox, 4)", "E303"),
        ("focus_on_rows_with_mask(image_1)", "E302"),
        ("focus_on_rows_with_mask(image_1, [1.5], rows_bbox)", "E301"),
        ("focus_on_rows_with_mask(image_1, ['1'], rows_bbox, extra=1)", "E202"),
        ("import matplotlib", "E104"),
        ("image_1.show()", "E104"),
        ("for r in rows: focus_on_rows_with_mask(image_1, [r], rows_bbox)", "E104"),
        ("x = image_1[0:10]", "E104"),
    ],
)
def test_misuse_is_a_diagnostic(src: str, code: str) -> None:
    diags = parse_with_diagnostics(src)[1]
    assert code in [d.code for d in diags], diags


def test_restarting_from_the_input_image_warns() -> None:
    src = (
        "a = focus_on_columns_with_mask(image_1, ['Year'], columns_bbox)\n"
        "b = focus_on_rows_with_mask(image_1, ['4'], rows_bbox)\n"
    )
    diags = parse_with_diagnostics(src)[1]
    assert [(d.code, d.line) for d in diags] == [("W105", 2)]
    assert parse(src).statements[1].call.name == "keep_only"


def test_arbitrary_calls_are_unknown_tools() -> None:
    diags = check("os_system('rm -rf /')\nprint(image_1)\n", None, REGISTRY)
    assert [d.code for d in diags] == ["E201", "E201"]
