"""The offline planner and the model's prompt on grouped charts and figures of charts."""

from __future__ import annotations

import re

from lang_helpers import chart_panels_layout, grouped_chart_layout, unnamed_series_layout

from refocus_dsl.lang.checker import check
from refocus_dsl.loop.planner import plan
from refocus_dsl.loop.prompt import DSL_EXAMPLES, build_prompt, describe_layout


def _clean(program: str, layout: object) -> bool:
    return [d.code for d in check(program, layout)] == []  # type: ignore[arg-type]


def test_a_named_series_and_category_give_that_one_bar() -> None:
    layout = grouped_chart_layout()
    p = plan("What share of women live in the South?", layout)
    assert p.program == 'draw_box(bars("South", series="Women"), color="red", width=3)\n'
    assert _clean(p.program, layout)
    assert p.focus[0].series == "Women" and p.focus[0].box == layout.chart.categories[1].bars[0]  # type: ignore[union-attr]


def test_a_named_series_alone_is_every_bar_of_it() -> None:
    layout = grouped_chart_layout()
    p = plan("How do the figures for men compare?", layout)
    assert p.program == 'draw_box(series("Men"), color="red", width=3)\n'
    assert _clean(p.program, layout)


def test_a_superlative_picks_the_extreme_bar_of_the_named_series() -> None:
    layout = grouped_chart_layout()
    # Women: North 220 px, South 190, East 160; Men: North 180, South 160.
    assert 'bars("North", series="Women")' in plan("Where are the most women?", layout).program
    assert 'bars("South", series="Men")' in plan("Where are the fewest men?", layout).program


def test_without_a_series_name_the_plan_is_as_before() -> None:
    layout = grouped_chart_layout()
    assert plan("What is the total for the South?", layout).program == (
        'draw_box(bars("South"), color="red", width=3)\n'
    )
    assert plan("How many people?", unnamed_series_layout()).program == ""


def test_a_category_of_one_panel_is_named_with_its_subplot() -> None:
    layout = chart_panels_layout()
    p = plan("What is QSouth for women in the second chart?", layout)
    assert 'draw_box(bars("QSouth", series="Women", subplot=2), color="red", width=3)' in p.program
    assert _clean(p.program, layout)


def test_prompt_lists_series_and_panel_contents() -> None:
    text = describe_layout(grouped_chart_layout())
    assert 'Series (legend), for series(...) and bars(..., series=...): "Women", "Men"' in text
    assert "series(1) to series(2), in drawing order" in describe_layout(unnamed_series_layout())
    panels = describe_layout(chart_panels_layout())
    want = 'Panel 2 is a bar chart; its category labels, for bars(..., subplot=2): "QNorth"'
    assert want in panels
    assert "series(..., subplot=2)" in panels


def test_prompt_documents_the_new_targets_and_its_example_checks() -> None:
    prompt = build_prompt("dsl", "q?", grouped_chart_layout())
    assert 'series("Women")  # every bar of one series' in prompt.system
    assert 'bars("South", series="Women")  #' in prompt.system
    assert "add subplot=N to columns/rows/cells/bars/series" in prompt.system
    programs = re.findall(r"```refocus\n(.*?)```", DSL_EXAMPLES, re.S)
    assert any("series=" in p for p in programs)
    assert _clean(next(p for p in programs if "series=" in p), grouped_chart_layout())


def test_paper_prompt_is_unchanged_by_series() -> None:
    prompt = build_prompt("paper", "q?", grouped_chart_layout())
    assert "series(" not in prompt.system and "subplot=" not in prompt.system
