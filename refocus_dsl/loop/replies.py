"""Reading a model's reply: thought, at most one program block, an answer.

Replies follow the ReFocus paper's THOUGHT / ACTION / ANSWER style. A program
is a fenced block tagged ``refocus`` (or ``python``/``py``, as the paper's
prompts and its fine-tuned model write, or untagged). The text is data: the
program is only ever handed to the parser. Everything that is not a clean
reply is classified so the loop can answer it and the trace can show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

ReplyKind = Literal["program", "answer", "empty", "malformed", "two_programs", "refusal"]

MAX_REPLY_CHARS = 200_000
"""Longer replies are cut before parsing (the checker bounds programs separately)."""

PROGRAM_LANGUAGES = frozenset({"refocus", "python", "py", "python3", "dsl", ""})

_FENCE_MARK = "```"
_LANG = re.compile(r"[ \t]*([A-Za-z0-9_+.-]*)")
_ANSWER = re.compile(
    r"^[ \t>*_#]*(FINAL[ \t]+ANSWER|ANSWER)[ \t*_]*[:\uff1a][ \t]*(.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_TERMINATE = re.compile(r"\bTERMINATE\b")
_THOUGHT_PREFIX = re.compile(r"^[ \t*_#]*(THOUGHT|ACTION)[ \t]*\d*[ \t*_]*:?[ \t*_]*", re.I | re.M)
_REFUSAL = re.compile(
    r"\b(I'?m sorry|I am sorry|I apologi[sz]e|I can(?:no|')t (?:help|assist|comply|answer|do)"
    r"|I (?:am|'m) (?:unable|not able) to|I won'?t be able to|I must decline)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedReply:
    """What one reply says. ``program`` is the text of the single program block, if any."""

    kind: ReplyKind
    text: str
    thought: str
    program: str | None = None
    language: str | None = None
    answer: str | None = None
    terminate: bool = False
    blocks: int = 0
    note: str = ""


_NUMBER_DOT = re.compile(r"[-+]?[\d,]*(?:\.\d+|\d)\.")
"""A number and a full stop ("3.5.", "2011."); one way to match each text, so linear."""


def _fences(text: str) -> tuple[list[tuple[str, str]], str]:
    """The fenced blocks ``(language, body)`` and the text outside them.

    A block opens with a backtick fence whose line gives the language and closes at the
    next fence. One pass with ``str.find``: linear in the text, whatever it holds (a
    regular expression here rescanned to the end of the text from every fence).
    """
    blocks: list[tuple[str, str]] = []
    prose: list[str] = []
    pos = 0
    while True:
        start = text.find(_FENCE_MARK, pos)
        if start < 0:
            break
        newline = text.find("\n", start + 3)
        close = text.find(_FENCE_MARK, newline + 1) if newline >= 0 else -1
        if close < 0:
            break  # an unclosed fence: the rest stays prose
        lang = _LANG.match(text, start + 3, newline)
        blocks.append((lang.group(1) if lang else "", text[newline + 1 : close]))
        prose.append(text[pos:start])
        prose.append("\n")
        pos = close + 3
    prose.append(text[pos:])
    return blocks, "".join(prose)


def _clean_answer(raw: str) -> str:
    text = _TERMINATE.sub("", raw).strip().strip("*_`").strip()
    # "2011." -> "2011", but keep "U.S." and "etc." readable abbreviations.
    if text.endswith(".") and not text.endswith(".."):
        last = text.rsplit(None, 1)[-1]
        if last.count(".") == 1 or _NUMBER_DOT.fullmatch(last):
            text = text[:-1].rstrip()
    return text


_FINAL_INLINE = re.compile(r"FINAL[ \t]+ANSWER[ \t*_]*[:\uff1a][ \t]*([^\n]*)", re.IGNORECASE)
_ANSWER_INLINE = re.compile(r"\bANSWER[ \t*_]*[:\uff1a][ \t]*([^\n]*)")  # upper case only


def _find_answer(prose: str) -> str | None:
    """FINAL ANSWER: anywhere (the paper writes "ANSWER: ... FINAL ANSWER: 3. TERMINATE" on
    one line), else the last ANSWER: line, else an ANSWER: inside a line."""
    finals = list(_FINAL_INLINE.finditer(prose))
    if finals:
        answer = _clean_answer(finals[-1].group(1))
        if answer:
            return answer
    lines = prose.split("\n")
    if not any(_ANSWER.match(line) for line in lines):
        inline = list(_ANSWER_INLINE.finditer(prose))
        answer = _clean_answer(inline[-1].group(1)) if inline else ""
        return answer or None
    # From the last line up, remembering the nearest non-empty line below that is not
    # itself an ANSWER: line ("ANSWER:" alone on its line, the answer on the next one).
    below: str | None = None
    for line in reversed(lines):
        match = _ANSWER.match(line)
        if match is None:
            if line.strip():
                below = line
            continue
        value = match.group(2)
        answer = _clean_answer(value) or (_clean_answer(below) if below is not None else "")
        if answer:
            return answer
    return None


def parse_reply(text: str | None) -> ParsedReply:
    """Classify one reply; never raises, whatever the text."""
    if text is None or not text.strip():
        return ParsedReply("empty", text or "", "", note="the reply was empty")
    if len(text) > MAX_REPLY_CHARS:
        cut = _classify(text[:MAX_REPLY_CHARS])
        why = f"reply cut at {MAX_REPLY_CHARS} characters"
        return replace(cut, note=f"{cut.note}; {why}" if cut.note else why)
    return _classify(text)


def _classify(text: str) -> ParsedReply:
    note = ""
    fenced, prose = _fences(text)
    blocks = [(lang.lower(), body) for lang, body in fenced]
    unterminated = _FENCE_MARK in prose
    programs = [(lang, body) for lang, body in blocks if lang in PROGRAM_LANGUAGES]
    answer = _find_answer(prose)
    terminate = bool(_TERMINATE.search(prose))
    thought_lines = [line for line in prose.splitlines() if not _ANSWER.match(line)]
    thought = _THOUGHT_PREFIX.sub("", "\n".join(thought_lines))
    thought = _TERMINATE.sub("", thought).strip()
    if len(programs) > 1:
        return ParsedReply(
            "two_programs",
            text,
            thought,
            answer=answer,
            terminate=terminate,
            blocks=len(programs),
            note=f"{len(programs)} program blocks in one reply",
        )
    if len(programs) == 1:
        lang, body = programs[0]
        if not body.strip():
            return ParsedReply(
                "malformed",
                text,
                thought,
                answer=answer,
                blocks=1,
                note="the program block is empty",
            )
        extra = "an answer was also given before seeing the edit" if answer else note
        return ParsedReply(
            "program",
            text,
            thought,
            program=body,
            language=lang or None,
            answer=answer,
            terminate=terminate,
            blocks=1,
            note=extra,
        )
    if answer is not None:
        return ParsedReply("answer", text, thought, answer=answer, terminate=terminate, note=note)
    if unterminated:
        return ParsedReply(
            "malformed", text, thought, note="a code block was opened but not closed"
        )
    if blocks:
        langs = ", ".join(sorted({lang or "untagged" for lang, _ in blocks}))
        return ParsedReply(
            "malformed",
            text,
            thought,
            blocks=len(blocks),
            note=f"a code block tagged {langs} is not a program (use ```refocus)",
        )
    if _REFUSAL.search(prose):
        return ParsedReply("refusal", text, thought, note="the model declined")
    if terminate:
        return ParsedReply(
            "malformed", text, thought, terminate=True, note="TERMINATE without ANSWER:"
        )
    return ParsedReply("malformed", text, thought, note="no program block and no ANSWER: line")
