"""Rendering: the caret sits under the span in a terminal (wide characters, tabs); JSON."""

from __future__ import annotations

import json

from lang_helpers import REGISTRY, table_layout

from refocus_dsl.lang.checker import check
from refocus_dsl.lang.diagnostics import Diagnostic, diagnostics_to_json, display_width, render_text


def test_design_example() -> None:
    src = 'keep_only(columns("Earnings", "Year"))\n'
    text = render_text(check(src, table_layout(), REGISTRY), src)
    assert text == (
        'E203 at 1:19: no column named "Earnings" in this table\n'
        '  keep_only(columns("Earnings", "Year"))\n'
        "                    ^^^^^^^^^^\n"
        '  did you mean "Earning"? columns are: "Index", "Year", "Cost", "Earning"\n'
    )


def test_filename_in_position() -> None:
    d = Diagnostic("E201", "unknown tool", 2, 1, 2, 3)
    assert render_text([d], "a\nbb(1)\n", "prog.rf").startswith("E201 at prog.rf:2:1: ")


def test_wide_characters_and_tabs_move_the_caret() -> None:
    src = '\thighlight(text("年份"), color=bad)\n'
    col = src.index("bad") + 1
    d = Diagnostic("E311", "unknown colour", 1, col, 1, col + 3)
    lines = render_text([d], src).splitlines()
    shown, caret = lines[1][2:], lines[2][2:]
    assert "\t" not in shown and shown.startswith("    highlight")
    start = caret.index("^")
    assert caret.count("^") == 3
    # the caret starts at the terminal column where "bad" starts
    assert display_width(shown[: shown.index("bad")]) == start
    assert display_width("年份") == 4 and display_width("e\u0301") == 1


def test_control_characters_and_long_lines_stay_readable() -> None:
    src = "a(\x07)"
    d = Diagnostic("E103", "control", 1, 3, 1, 4)
    assert "\x07" not in render_text([d], src)
    long = "x" * 5000 + "BAD" + "y" * 5000
    d = Diagnostic("E101", "bad", 1, 5001, 1, 5004)
    lines = render_text([d], long).splitlines()
    assert len(lines[1]) < 200
    assert lines[1][lines[2].index("^") : lines[2].index("^") + 3] == "BAD"


def test_caret_past_end_of_line_and_multiline_span() -> None:
    src = "a(1\n"
    d = Diagnostic("E105", "never closed", 1, 4, 1, 4)
    assert render_text([d], src).splitlines()[2] == "     ^"
    d2 = Diagnostic("E101", "x", 1, 1, 3, 2)
    assert render_text([d2], "abc\nd\nef").splitlines()[2] == "  ^^^"


def test_json_has_every_field() -> None:
    src = 'highlight(columns("Yeer"))\n'
    out = diagnostics_to_json(check(src, table_layout(), REGISTRY), src)
    json.dumps(out)
    (d,) = out
    assert d["code"] == "E203" and d["severity"] == "error"
    assert (d["line"], d["column"], d["end_line"], d["end_column"]) == (1, 19, 1, 25)
    assert d["source_line"] == 'highlight(columns("Yeer"))'
    assert d["suggestions"] and "Year" in d["suggestions"][0]


def test_no_diagnostics_render_as_nothing() -> None:
    assert render_text([], "a(1)") == "" and diagnostics_to_json([], "") == []
