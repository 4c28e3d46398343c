"""The chart and figure scorer: label matching, order, answer bars, panels, pooling."""

from __future__ import annotations

import pytest

from refocus_dsl.lang.labels import compact_label as label_key
from refocus_dsl.layout import Category, Chart, Layout, Subplot
from refocus_dsl.scoring.chart import aggregate_chart, label_in_question, score_chart


def _chart(
    labels: list[str],
    orientation: str = "vertical",
    bars: list[tuple[int, int, int, int] | None] | None = None,
) -> Layout:
    bars = bars or [None] * len(labels)
    cats = tuple(
        Category(i, t, None, b, None) for i, (t, b) in enumerate(zip(labels, bars, strict=True))
    )
    return Layout(400, 300, "chart", chart=Chart(orientation=orientation, categories=cats))  # type: ignore[arg-type]


def test_label_key_ignores_spaces_case_and_width() -> None:
    assert label_key("Home Alone (1990)") == label_key("home alone(1990)")
    assert label_key("２０１９") == "2019"
    assert label_key(None) == ""


def test_label_in_question_needs_whole_words() -> None:
    assert label_in_question("2015", "What was Southwest's net income in 2015?")
    assert label_in_question("Q400", "How many Q400 did Alaska airlines own?")
    assert not label_in_question("20", "What was the value in 2015?")
    assert not label_in_question("", "anything")


def test_answer_bar_named_by_a_phrase_as_the_checker_resolves_it() -> None:
    import dataclasses

    bars = [(10, 50, 60, 200), (80, 100, 130, 200), (150, 90, 200, 200)]
    det = dataclasses.replace(
        _chart(["Cermany", "ember 2018", "Japan"], bars=bars), detector={"name": "refocus-dsl"}
    )
    stub = Layout(400, 300, "chart")
    row = {"answer_bar_bbox": [10, 50, 60, 200], "question": "What was the share of Germany?",
           "answer": "12%"}
    s = score_chart(det, stub, row)
    # Strictly, "Cermany" is no phrase of the question; bars("Germany") selects it.
    assert s["answer_bar_labeled"] == 0.0 and s["answer_bar_named"] == 1.0
    # The answer names the category a "which" question picks.
    which = {"answer_bar_bbox": [150, 90, 200, 200], "question": "Which country ranks last?",
             "answer": "Japan"}
    s = score_chart(det, stub, which)
    assert s["answer_bar_named"] == 0.0 and s["answer_bar_named_qa"] == 1.0
    # Naming another category selects the wrong bar: no credit.
    wrong = {"answer_bar_bbox": [80, 100, 130, 200], "question": "And in Japan?", "answer": "x"}
    s = score_chart(det, stub, wrong)
    assert s["answer_bar_found"] == 1.0 and s["answer_bar_named_qa"] == 0.0
    # A gold layout (no detector) gets no OCR leeway.
    gold_like = dataclasses.replace(det, detector=None)
    assert score_chart(gold_like, stub, row)["answer_bar_named"] == 0.0


def test_labels_precision_recall_and_order() -> None:
    gold = _chart(["China", "India", "United States", "Brazil"])
    det = _chart(["China", "lndia", "UnitedStates", "Brazil", "Other"], "vertical")
    s = score_chart(det, gold, {})
    assert s["orientation_correct"] == 1.0
    assert s["label_tp"] == 3 and s["label_pred"] == 5 and s["label_gold"] == 4
    assert s["label_precision"] == pytest.approx(3 / 5)
    assert s["label_recall"] == pytest.approx(3 / 4)
    assert s["order_correct"] == 1.0
    swapped = _chart(["India", "China", "United States", "Brazil"], "horizontal")
    s2 = score_chart(swapped, gold, {})
    assert s2["order_correct"] == 0.0 and s2["orientation_correct"] == 0.0


def test_empty_labels_claim_nothing() -> None:
    gold = _chart(["A1", "B2"])
    s = score_chart(_chart(["", "B2"]), gold, {})
    assert s["label_pred"] == 1 and s["label_precision"] == 1.0
    assert s["order_correct"] == 0.0  # one match cannot show an order


def test_answer_bar_found_and_labeled() -> None:
    det = _chart(["2015", "2016"], bars=[(10, 50, 60, 200), (80, 100, 130, 200)])
    stub = Layout(400, 300, "chart")
    row = {"answer_bar_bbox": [80, 98, 131, 200], "question": "What was the income in 2016?"}
    s = score_chart(det, stub, row)
    assert s["answer_bar_found"] == 1.0 and s["answer_bar_labeled"] == 1.0
    assert s["question_names_category"] == 1.0
    row2 = {"answer_bar_bbox": [80, 98, 131, 200], "question": "What was the income in 2015?"}
    s2 = score_chart(det, stub, row2)
    assert s2["answer_bar_found"] == 1.0 and s2["answer_bar_labeled"] == 0.0
    assert s2["question_names_category"] == 1.0  # it names the other bar
    none = {"answer_bar_bbox": [80, 98, 131, 200], "question": "Which year was highest?"}
    assert score_chart(det, stub, none)["question_names_category"] == 0.0
    far = {"answer_bar_bbox": [300, 0, 320, 10], "question": "in 2016"}
    assert score_chart(det, stub, far)["answer_bar_found"] == 0.0
    assert score_chart(det, stub, {})["answer_bar_found"] is None


def test_panels() -> None:
    gold = Layout(
        200,
        100,
        "figure",
        subplots=(Subplot(0, (0, 0, 100, 100)), Subplot(1, (100, 0, 200, 100))),
    )
    det = Layout(
        200,
        100,
        "figure",
        subplots=(Subplot(0, (0, 0, 100, 100)), Subplot(1, (100, 0, 160, 100))),
    )
    s = score_chart(det, gold, {})
    assert s["panel_count_exact"] == 1.0
    assert s["panel_f1_50"] == 1.0  # IoU 0.6 for the second panel
    assert s["panel_f1_75"] == pytest.approx(0.5)
    one = score_chart(Layout(200, 100, "chart"), gold, {})
    assert one["panel_count_exact"] == 0.0


def test_aggregate_pools_label_counts() -> None:
    items = [
        {"label_tp": 9, "label_pred": 10, "label_gold": 10, "label_f1_image": 0.9},
        {"label_tp": 0, "label_pred": 0, "label_gold": 2, "label_f1_image": 0.0},
    ]
    agg = aggregate_chart(items)
    assert agg["label_precision"] == pytest.approx(0.9)
    assert agg["label_recall"] == pytest.approx(9 / 12)
    assert agg["label_f1_image"] == pytest.approx(0.45)


def test_answer_bar_may_be_one_bar_of_a_group() -> None:
    group = Category(
        0, "2016", None, (10, 50, 70, 200), None, bars=((10, 50, 40, 200), (40, 120, 70, 200))
    )
    det = Layout(400, 300, "chart", chart=Chart(orientation="vertical", categories=(group,)))
    row = {"answer_bar_bbox": [40, 119, 70, 200], "question": "How much in 2016?"}
    s = score_chart(det, Layout(400, 300, "chart"), row)
    assert s["answer_bar_found"] == 1.0 and s["answer_bar_labeled"] == 1.0
    assert s["answer_bar_found_union"] == 0.0
