"""Reading a hostile reply is linear-time and bounded (hypothesis deadlines, no timers)."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from refocus_dsl.loop.replies import MAX_REPLY_CHARS, parse_reply

FENCE = "```"
_TOKENS = st.sampled_from(
    [FENCE, f"{FENCE}refocus\n", f"{FENCE}x", "\n", "ANSWER:", "ANSWER: ", "FINAL ANSWER:",
     "1", "1,0", ".", "x1.", " ", "*", "TERMINATE", "THOUGHT 1:", "I'm sorry", "\uff1a",
     'mask(region(0, 0, 1, 1))', "\r", "\x1b]0;t\x07", "\u2028"]
)  # fmt: skip
"""Pieces replies are made of, so random replies hit every branch of the reader."""


@settings(deadline=2000, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, max_size=60), st.integers(1, 4000))
@example([FENCE + "x"], 50_000)  # was 22 s: every fence rescanned to the end of the text
@example(["ANSWER: " + "1" * 199_988 + ".x1."], 1)  # was 209 s: the number-dot regex
@example(["ANSWER:\n"], 25_000)  # every empty ANSWER: line looked ahead to the end
@example([FENCE, "\n"], 50_000)
@example([FENCE + "\n" + "\n" * 100], 1_900)
def test_reading_any_reply_is_fast_and_never_raises(pieces: list[str], repeat: int) -> None:
    text = "".join(pieces) * repeat
    reply = parse_reply(text)
    assert reply.kind in {"program", "answer", "empty", "malformed", "two_programs", "refusal"}
    assert len(reply.text) <= MAX_REPLY_CHARS
    if reply.program is not None:
        assert reply.program in text


def test_long_number_answer_keeps_its_reading() -> None:
    assert parse_reply("ANSWER: 2011.").answer == "2011"
    assert parse_reply("ANSWER: 3.5.").answer == "3.5"
    assert parse_reply("ANSWER: 1,020.").answer == "1,020"
    assert parse_reply("ANSWER: U.S.").answer == "U.S."
    assert parse_reply("ANSWER: " + "1" * 5000 + ".x1.").answer == "1" * 5000 + ".x1."


def test_an_over_long_reply_is_cut_and_says_so() -> None:
    text = "THOUGHT: x\n" + "y" * (MAX_REPLY_CHARS + 10) + "\nANSWER: 7"
    reply = parse_reply(text)
    assert f"cut at {MAX_REPLY_CHARS}" in reply.note
    assert reply.answer is None  # the answer lay beyond the limit


def test_fences_read_like_before() -> None:
    r = parse_reply("a\n```refocus  extra words\nmask(region(0,0,1,1))\n```\nANSWER: 3")
    assert r.kind == "program" and r.language == "refocus"
    assert r.program == "mask(region(0,0,1,1))\n" and r.answer == "3"
    r = parse_reply("```refocus\nmask(x)\n```\n```py\nmask(y)\n```")
    assert r.kind == "two_programs" and r.blocks == 2
    assert parse_reply("```refocus\nmask(x)\n").note == "a code block was opened but not closed"
    r = parse_reply("ANSWER:\n\nANSWER:\n  42 \n")
    assert r.answer == "42"
