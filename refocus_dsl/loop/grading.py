"""Whether an answer is right: the relaxed and exact matches, and the paper's optional
model judge (asked through the same endpoint)."""

from __future__ import annotations

import re
from typing import Any

from refocus_dsl.loop.client import AsyncChatClient
from refocus_dsl.loop.metrics import exact_match, relaxed_match


def score(answer: str | None, gold: str) -> dict[str, bool]:
    return {"relaxed": relaxed_match(answer, gold), "exact": exact_match(answer, gold)}


JUDGE_PROMPT = """\
You grade answers to questions about charts and tables.
Question: {question}
Gold answer: {gold}
Model answer: {answer}
Does the model answer mean the same as the gold answer (numbers may differ by rounding)?
Reply with exactly one word: yes or no."""


_FIRST_WORD = re.compile(r"[A-Za-z]+")


def judge_verdict(reply: str) -> bool | None:
    """The judge's first word: yes -> True, no -> False, anything else -> None (not
    counted: "Yesterday ..." or "Maybe" is no verdict)."""
    m = _FIRST_WORD.search(reply)
    word = m.group(0).lower() if m else ""
    return True if word == "yes" else False if word == "no" else None


async def judge(
    client: AsyncChatClient, question: str, gold: str, answer: str | None
) -> dict[str, Any]:
    """The paper's optional model judge, through the same endpoint."""
    if answer is None:
        return {"verdict": False, "reply": "(no answer)"}
    text = JUDGE_PROMPT.format(question=question, gold=gold, answer=answer)
    completion = await client.complete([{"role": "user", "content": text}])
    reply = (completion.text or "").strip()
    return {
        "verdict": judge_verdict(reply),
        "reply": reply[:200],
        "usage": completion.usage.to_dict(),
    }
