"""Reply parsing and answer scoring: pure functions, no server."""

from __future__ import annotations

import pytest

from refocus_dsl.loop.metrics import exact_match, question_type, relaxed_match
from refocus_dsl.loop.replies import parse_reply


def test_program_block_with_thought() -> None:
    r = parse_reply(
        'THOUGHT 0: keep two columns.\nACTION 0:\n```refocus\nkeep_only(columns("A"))\n```'
    )
    assert r.kind == "program"
    assert r.program == 'keep_only(columns("A"))\n'
    assert r.language == "refocus"
    assert r.thought == "keep two columns."


def test_paper_python_block_is_a_program() -> None:
    text = (
        "ACTION 0:\n```python\nimg = focus_on_rows_with_draw(image_1, ['3'], rows_bbox)\n"
        "display(img)\n```"
    )
    r = parse_reply(text)
    assert r.kind == "program" and r.language == "python"
    assert "focus_on_rows_with_draw" in (r.program or "")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("THOUGHT 1: done.\nANSWER: 2011. TERMINATE", "2011"),
        ("ANSWER: maybe\nFINAL ANSWER: 42\nTERMINATE", "42"),
        ("**Final Answer:** U.S.", "U.S."),
        ("ANSWER:\nAlice || Bob\nTERMINATE", "Alice || Bob"),
        ("answer: 3.5", "3.5"),
        ("ANSWER: Josh won 3 games. FINAL ANSWER: 3. TERMINATE", "3"),
        ("ANSWER: x\nFINAL ANSWER:", "x"),
        ("THOUGHT 1: so ANSWER: 7", "7"),
    ],
)
def test_answers(text: str, answer: str) -> None:
    r = parse_reply(text)
    assert r.kind == "answer"
    assert r.answer == answer


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (None, "empty"),
        ("   \n", "empty"),
        ("I think the answer is somewhere in the table.", "malformed"),
        ('```refocus\nmask(rows("1"))\n```\nand\n```refocus\nmask(rows("2"))\n```', "two_programs"),
        ('```json\n{"a": 1}\n```', "malformed"),
        ('```refocus\nmask(rows("1"))', "malformed"),
        ("```refocus\n\n```", "malformed"),
        ("I'm sorry, but I can't help with that.", "refusal"),
        ("All done. TERMINATE", "malformed"),
        ("I need the answer: first the columns", "malformed"),
    ],
)
def test_bad_replies_are_classified(text: str | None, kind: str) -> None:
    r = parse_reply(text)
    assert r.kind == kind
    assert r.program is None
    assert kind == "empty" or r.note


def test_answer_inside_code_block_does_not_count() -> None:
    r = parse_reply('```refocus\n# ANSWER: 5\nmask(rows("1"))\n```')
    assert r.kind == "program" and r.answer is None


def test_huge_reply_is_cut_not_crashed() -> None:
    r = parse_reply("x" * 500_000 + "\nANSWER: 1")
    assert r.kind == "malformed" and "cut" in r.note


@pytest.mark.parametrize(
    ("pred", "gold", "relaxed", "exact"),
    [
        ("104", "100", True, False),
        ("106", "100", False, False),
        ("1,000", "1000", True, True),
        ("45%", "45", True, True),
        ("the United States.", "united states", True, True),
        ("Bob || Alice", "Alice||Bob", True, True),
        ("Alice|Bob", "Alice || Bob", True, True),
        ("Alice || Carol", "Alice||Bob", False, False),
        ("0", "0", True, True),
        (None, "1", False, False),
    ],
)
def test_scoring(pred: str | None, gold: str, relaxed: bool, exact: bool) -> None:
    assert relaxed_match(pred, gold) is relaxed
    assert exact_match(pred, gold) is exact


def test_question_type() -> None:
    assert question_type("12.5") == "numeric"
    assert question_type("a || b") == "multi"
    assert question_type("China") == "text"
