"""Syntax errors in words: what was found, what was expected, and what to do instead.

The parser (Lark's LALR runtime) says which token it could not take and which
terminals it would have taken (``UnexpectedToken.accepts``); this module turns that
into a diagnostic a model can act on. Python that is not part of the language
(``import``, loops, attribute access, indexing, arithmetic, dicts, string prefixes,
code fences) gets its own message (E104) instead of a bare "unexpected token", and
brackets get E105 with the place of the bracket that is open.
"""

from __future__ import annotations

import keyword
import unicodedata
from typing import Any

from refocus_dsl.lang._ast_builder import ParseRun, span_between, token_span
from refocus_dsl.lang._grammar import CLOSERS, first_on_line
from refocus_dsl.lang.ast import Span

BRACKET_TEXT = {"LPAR": "(", "RPAR": ")", "LSQB": "[", "RSQB": "]"}
PY_KEYWORDS = frozenset(keyword.kwlist) - {"True", "False", "None"}
STATEMENT_HINT = 'each statement is one tool call, e.g. highlight(columns("Year"))'

_TOKEN_WORDS = {
    "RPAR": '")"',
    "RSQB": '"]"',
    "COMMA": '","',
    "EQUAL": '"="',
    "LPAR": '"("',
    "LSQB": '"["',
    "SEMICOLON": '";"',
    "NAME": "a name",
    "STRING": "a string",
    "INT": "a number",
    "FLOAT": "a number",
    "COLOR": "a colour",
    "$END": "end of input",
}
_WORD_ORDER = (
    "RPAR",
    "RSQB",
    "COMMA",
    "EQUAL",
    "LPAR",
    "LSQB",
    "NAME",
    "STRING",
    "INT",
    "FLOAT",
    "COLOR",
    "SEMICOLON",
    "$END",
)
_VALUE_TOKENS = frozenset({"NAME", "STRING", "INT", "FLOAT", "LSQB"})


def expected_words(expected: set[str]) -> str:
    """Terminal names as a reader would say them: ``")" or ","``, ``a value``."""
    exp = set(expected)
    words: list[str] = []
    if _VALUE_TOKENS <= exp:
        exp -= _VALUE_TOKENS | {"COLOR"}
        value = "a value"
    else:
        value = ""
    if {"NAME", "SEMICOLON", "$END"} <= exp:  # between statements
        exp -= {"NAME", "SEMICOLON", "$END"}
        words.append("a statement")
    for k in _WORD_ORDER:
        if k in exp:
            w = _TOKEN_WORDS[k]
            if w not in words:
                words.append(w)
    if value:
        words.append(value)
    if not words:
        return "nothing more here"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _describe(tok: Any) -> str:
    kind = tok.type
    text: str = tok.value
    short = text if len(text) <= 24 else text[:20] + "..."
    if kind == "NAME":
        return f'name "{short}"'
    if kind == "STRING":
        return f"string {short}"
    if kind in ("INT", "FLOAT"):
        return f"number {short}"
    if kind == "COLOR":
        return f"colour {short}"
    if kind == "$END":
        return "end of input"
    return f'"{text}"'


_KEYWORD_HINTS = {
    "import": "imports are not part of the language: the tools are already there",
    "from": "imports are not part of the language: the tools are already there",
    "for": "loops are not part of the language: write one statement per edit",
    "while": "loops are not part of the language: write one statement per edit",
    "def": "function definitions are not part of the language: write one statement per edit",
    "lambda": "functions are not part of the language",
    "class": "classes are not part of the language",
    "if": "conditions are not part of the language: write only the edits you want",
    "elif": "conditions are not part of the language: write only the edits you want",
    "else": "conditions are not part of the language: write only the edits you want",
    "return": "return is not part of the language: the last edit is the result",
}

_CHAR_HINTS = {
    ".": "attribute access and methods (x.y) are not part of the language",
    "{": "dictionaries are not part of the language; the paper's boxes are named by "
    "columns_bbox, rows_bbox, x_values_bbox or y_values_bbox",
    "}": "dictionaries are not part of the language",
    ":": "blocks, dictionaries and slices are not part of the language",
    "+": "arithmetic is not part of the language: write the value itself, e.g. 0.5",
    "-": "arithmetic is not part of the language: write the value itself, e.g. -2",
    "*": "arithmetic and unpacking are not part of the language: write the values themselves",
    "/": "arithmetic is not part of the language: write the value itself, e.g. 0.25",
    "%": "arithmetic and formatting are not part of the language",
    "@": "decorators and operators are not part of the language",
    "<": "comparisons are not part of the language",
    ">": "comparisons are not part of the language",
    "!": "comparisons are not part of the language",
    "&": "operators are not part of the language",
    "|": "operators are not part of the language",
    "^": "operators are not part of the language",
    "~": "operators are not part of the language",
    "`": "backquotes are not part of the language: remove code fences (```) around the "
    "program and write strings in quotes",
}
_STRING_PREFIXES = frozenset({"f", "r", "b", "u", "rb", "br", "fr", "rf"})


def _python_construct(run: ParseRun, tok: Any, prev: Any) -> bool:
    """Report Python that is not part of the language around ``tok``; False if it is not."""
    kind = tok.type
    if prev is not None and prev.type == "NAME":
        word: str = prev.value
        if word in PY_KEYWORDS and kind not in ("LPAR", "EQUAL"):
            hint = _KEYWORD_HINTS.get(word, f'"{word}" is Python, not part of the language')
            message = f'"{word}" is not allowed: {hint}'
            run.error(token_span(prev), "E104", message, (STATEMENT_HINT,))
            return True
        if kind == "STRING" and word.lower() in _STRING_PREFIXES and prev.end_pos == tok.start_pos:
            run.error(
                span_between(prev, tok),
                "E104",
                f'string prefixes ({word}"...") are not part of the language: write a plain string',
            )
            return True
    if kind == "LPAR" and prev is not None and prev.type in ("EQUAL", "COMMA", "LPAR", "LSQB"):
        run.error(
            token_span(tok),
            "E104",
            "tuples and grouping parentheses are not part of the language",
            ('write colours as a name or "#rrggbb", several values as a list [...]',),
        )
        return True
    if kind == "LSQB" and prev is not None and prev.type in ("NAME", "RPAR", "RSQB", "STRING"):
        run.error(
            token_span(tok),
            "E104",
            "indexing and slicing (x[...]) are not part of the language",
            ('name labels directly, e.g. columns("Year")',),
        )
        return True
    return False


def _bracket_error(
    run: ParseRun, tok: Any, expected: set[str], brackets: list[Any], starts_statement: bool
) -> bool:
    """Report a closer that matches nothing, or an opener never closed; False if neither."""
    kind = tok.type
    innermost = brackets[-1].type if brackets else None
    if kind in CLOSERS and kind not in expected and CLOSERS[kind] != innermost:
        if not brackets:
            run.error(token_span(tok), "E105", f'unmatched "{BRACKET_TEXT[kind]}"')
            return True
        opener = brackets[-1]
        want = ")" if opener.type == "LPAR" else "]"
        run.error(
            token_span(tok),
            "E105",
            f'"{BRACKET_TEXT[kind]}" does not match "{BRACKET_TEXT[opener.type]}" '
            f"at {opener.line}:{opener.column}; expected {expected_words(expected)}",
            (f'close it with "{want}"',),
        )
        return True
    if brackets and (kind == "$END" or (starts_statement and first_on_line(run.text, tok))):
        opener = brackets[-1]
        closer = ")" if opener.type == "LPAR" else "]"
        where = "the end of the program" if kind == "$END" else f"line {tok.line}"
        run.error(
            token_span(opener),
            "E105",
            f'"{BRACKET_TEXT[opener.type]}" is never closed before {where}; '
            f"expected {expected_words(expected)}",
            (f'add the missing "{closer}"',),
        )
        return True
    return False


def syntax_error(
    run: ParseRun,
    tok: Any,
    expected: set[str],
    prev: Any,
    brackets: list[Any],
    starts_statement: bool,
) -> None:
    """Report the token the parser could not take.

    ``expected`` is what it would have taken, ``prev`` the token before (None at a
    statement's start), ``brackets`` the open brackets, innermost last, and
    ``starts_statement`` whether ``tok`` is a name followed by ``(`` or ``=``.
    """
    kind = tok.type
    if _python_construct(run, tok, prev):
        return
    if _bracket_error(run, tok, expected, brackets, starts_statement):
        return
    suggestions: tuple[str, ...] = ()
    wanted = expected_words(expected)
    if kind == "EQUAL" and prev is not None and prev.type == "EQUAL":
        suggestions = ("comparisons are not part of the language",)
    elif expected == {"NAME"} and prev is not None and prev.type == "EQUAL" and not brackets:
        wanted = "a tool call"
        suggestions = ('only a tool call can be assigned, e.g. img = highlight(columns("Year"))',)
    elif ({"NAME", "$END"} <= expected and "COMMA" not in expected) or expected == {
        "LPAR",
        "EQUAL",
    }:
        suggestions = (STATEMENT_HINT,)
    elif kind in ("NAME", "STRING", "INT", "FLOAT", "COLOR", "LSQB") and "COMMA" in expected:
        suggestions = ('separate arguments with ","',)
    message = f"unexpected {_describe(tok)}; expected {wanted}"
    run.error(token_span(tok), "E101", message, suggestions)


def char_error(run: ParseRun, pos: int, line: int, col: int) -> int:
    """Report the character no terminal matches at ``pos``; return where to go on from."""
    text = run.text
    ch = text[pos]
    if ch in "\"'":
        eol = text.find("\n", pos)
        if eol < 0:
            eol = len(text)
        end = eol
        if end > pos + 1 and text[end - 1] == "\r":
            end -= 1
        run.error(
            Span(pos, end, line, col, line, col + end - pos),
            "E102",
            "unterminated string: it has no closing quote on this line",
            (f"add the closing {ch}",),
        )
        return eol
    span = Span(pos, pos + 1, line, col, line, col + 1)
    hint = _CHAR_HINTS.get(ch)
    if hint is not None:
        more = (STATEMENT_HINT,) if ch in ".`" else ()
        run.error(span, "E104", f'"{ch}" is not allowed: {hint}', more)
        return pos + 1
    category = unicodedata.category(ch)
    code = f"U+{ord(ch):04X}"
    if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
        what = "control character" if category == "Cc" else "invisible or invalid character"
        run.error(span, "E103", f"unexpected {what} {code}", ("delete it",))
    else:
        run.error(span, "E103", f'unexpected character "{ch}" ({code})', ("delete it",))
    return pos + 1
