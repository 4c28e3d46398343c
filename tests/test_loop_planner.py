"""The offline planner on hand-made layouts."""

from __future__ import annotations

import pytest
from loop_helpers import chart_image_and_layout, table_image_and_layout

from refocus_dsl.layout import Layout, Subplot
from refocus_dsl.loop.planner import match_label, plan, singular, tokens


def test_tokens_normalise_case_plurals_and_thousands() -> None:
    assert tokens("Total EARNINGS of 2,000 Countries") == [
        "total",
        "earning",
        "of",
        "2000",
        "country",
    ]
    assert (
        singular("boxes") == "box"
        and singular("bus") == "bus"
        and singular("analysis") == "analysis"
    )


@pytest.mark.parametrize(
    ("label", "question", "hit"),
    [
        ("Earning", "which year had the highest earnings?", True),
        ("Germany", "what about germnay?", True),
        ("Gross domestic product", "the gross domestic products of X", True),
        ("2011", "in 2011, what", True),
        ("2011", "in 2012, what", False),
        ("Cost", "what is the coast", False),
        ("The", "the answer", False),
        ("Earning", "what is the meaning of the peak?", False),
        ("Prince", "which province grew most?", False),
        ("Ground", "in which round did it win?", False),
        ("Prison", "how many prisoners were there?", True),
        ("San Francisco", "what about san franciso?", True),
    ],
)
def test_match_label(label: str, question: str, hit: bool) -> None:
    assert (match_label(label, tokens(question)) is not None) is hit


def test_table_columns_and_cells() -> None:
    _, layout = table_image_and_layout()
    p = plan("Which YEAR had high earnings?", layout)
    assert p.program == 'keep_only(columns("Year", "Earning"))\n'
    assert [f.label for f in p.focus] == ["Year", "Earning"]
    p = plan("What was the cost in 2011?", layout)
    assert 'keep_only(columns("Index", "Year", "Cost"))' in p.program
    assert 'draw_box(rows("4"), color="red", width=3)' in p.program


def test_year_range_expands() -> None:
    _, layout = table_image_and_layout()
    p = plan("Total cost from 2009 to 2011?", layout)
    assert 'rows("2", "3", "4")' in p.program


def test_chart_bars_fuzzy_and_no_match() -> None:
    _, layout = chart_image_and_layout()
    p = plan("Difference between china and INDIA?", layout)
    assert p.program == 'draw_box(bars("China", "India"), color="red", width=3)\n'
    assert len(p.boxes) == 2
    p = plan("What does this chart show?", layout)
    assert p.program == "" and "nothing" in p.reasons[0]
    assert plan("anything", None).program == ""


def test_naming_everything_is_no_focus() -> None:
    _, layout = chart_image_and_layout(labels=("A1", "B2"))
    assert plan("compare a1 and b2", layout).program == ""


def test_subplots_by_letter_ordinal_and_number() -> None:
    panels = tuple(Subplot(i, (i * 100, 0, i * 100 + 90, 90), f"({chr(97 + i)})") for i in range(4))
    layout = Layout(400, 100, "figure", subplots=panels)
    assert plan("In panel (b), what is the peak?", layout).program == "keep_only(subplots(2))\n"
    assert plan("Compare the first chart with subplot 4", layout).program == (
        "keep_only(subplots(1, 4))\n"
    )
    assert plan("What does (z) show?", layout).program == ""


def test_planner_programs_check_clean() -> None:
    from refocus_dsl.lang.checker import check

    for make, question in (
        (table_image_and_layout, "What was the cost and earning in 2011 and 2012?"),
        (chart_image_and_layout, "How much larger is Japan than Brazil?"),
    ):
        _, layout = make()
        p = plan(question, layout)
        assert p.program
        assert [d for d in check(p.program, layout=layout) if d.is_error] == []


def test_labels_with_quotes_are_escaped() -> None:
    from refocus_dsl.lang.checker import check

    _, layout = chart_image_and_layout(labels=('Say "hi"', "Back\\slash", "Plain"))
    p = plan('what about say "hi" and back\\slash', layout)
    assert "bars(" in p.program
    assert [d for d in check(p.program, layout=layout) if d.is_error] == []


def test_superlatives_point_at_the_extreme() -> None:
    _, table = table_image_and_layout()
    assert plan("Which year had the highest earnings?", table).program == (
        'keep_only(columns("Year", "Earning"))\ndraw_box(rows("4"), color="red", width=3)\n'
    )
    assert 'rows("2")' in plan("Which year had the lowest cost?", table).program
    assert "rows(" not in plan("Which year had at least 1,000 earning?", table).program
    _, chart = chart_image_and_layout()
    assert plan("Which country is the largest?", chart).program == (
        'draw_box(bars("China"), color="red", width=3)\n'
    )
    assert 'bars("Germany")' in plan("the minimum value?", chart).program


def test_cut_words_only_inside_longer_labels() -> None:
    assert match_label("lary businesses and refinery", tokens("ancillary businesses and refinery"))
    assert match_label("sing", tokens("the rate in Singapore")) is None


def test_unreadable_extreme_bar_is_not_replaced() -> None:
    _, chart = chart_image_and_layout(labels=("", "India", "Brazil", "Germany", "Japan"))
    assert plan("Which is the largest?", chart).program == "", "the tallest bar has no label"
    assert 'bars("Germany")' in plan("Which is the smallest?", chart).program
