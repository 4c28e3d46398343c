"""Text to :class:`~refocus_dsl.ast.Program`: parse errors as diagnostics, never exceptions.

The syntax is ``grammar/refocus.lark``; :mod:`refocus_dsl._grammar` has Lark
build its LALR(1) table (kept in a generated module while the grammar file
is unchanged). This module drives that table with a lean loop of its own (a
regex lexer over the grammar's terminals, shift/reduce over the grammar's
actions, one small callback per rule that builds AST nodes with spans
straight from the tokens), because Lark's general parse loop costs several
times our budget. Valid programs take a faster road still: a recursive
descent over the same tokens that gives up, handing the text to the table
loop, at anything unexpected (tests check both build identical programs).
The table loop is also what recovers from errors:

- The text size is checked before anything else (E401); bracket depth while
  parsing (E404), so hostile input cannot make the parser or any later
  recursive pass blow up.
- On a syntax error the parser reports what it expected, in words, then
  skips to the next line that starts a statement (a name followed by ``(`` or
  ``=``) or past a ``;``, and carries on: one broken statement does not hide
  the problems of the others. After ``Limits.max_errors`` it stops (E109).
- Python that is not part of the language (``import``, loops, attribute
  access, indexing, arithmetic, dicts, string prefixes) gets its own message
  (E104) instead of a bare "unexpected token".

After parsing, :mod:`refocus_dsl.compat` lowers the ReFocus paper's calls to
ordinary statements.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from refocus_dsl.ast import (
    Boolean,
    Call,
    Color,
    Expr,
    Float,
    Integer,
    Keyword,
    ListLit,
    Name,
    Program,
    Span,
    Statement,
    String,
)
from refocus_dsl.diagnostics import Diagnostic, Severity, diagnostic_at
from refocus_dsl.errors import ProgramError
from refocus_dsl.limits import DEFAULT_LIMITS, Limits, how_to_raise

__all__ = ["parse", "parse_with_diagnostics", "token_span"]

Tok = tuple[str, int, int, int, int]
"""A token: (terminal, start offset, end offset, line, column); never spans lines."""

_Value = Any
"""What the value stack holds: tokens, AST nodes, spliced lists."""

_BOOLEANS = {"True": True, "False": False, "true": True, "false": False}
_OPENERS = frozenset({"LPAR", "LSQB"})
_CLOSERS = {"RPAR": "LPAR", "RSQB": "LSQB"}
_BRACKET_TEXT = {"LPAR": "(", "RPAR": ")", "LSQB": "[", "RSQB": "]"}
_MAX_NUMBER_CHARS = 4000  # Python refuses int() of longer digit strings
_PY_KEYWORDS = frozenset(keyword.kwlist) - {"True", "False", "None"}


# ---------------------------------------------------------------- fast node construction
#
# The AST classes are frozen dataclasses, whose generated ``__init__`` sets
# each field through ``object.__setattr__``: several times the cost of the
# whole rest of parsing a typical program. The parser builds nodes by filling
# the instance dict directly; the result is the same object (``_check_fields``
# verifies, once, that these makers set exactly each class's fields).

_new = object.__new__


def _mk_span(start: int, end: int, line: int, col: int, end_line: int, end_col: int) -> Span:
    s = _new(Span)
    d = s.__dict__
    d["start"] = start
    d["end"] = end
    d["line"] = line
    d["column"] = col
    d["end_line"] = end_line
    d["end_column"] = end_col
    return s


def _mk_leaf(cls: type[Any], field: str, value: Any, span: Span) -> Any:
    o = _new(cls)
    d = o.__dict__
    d[field] = value
    d["span"] = span
    return o


def _mk_call(
    name: str, args: tuple[Expr, ...], keywords: tuple[Keyword, ...], span: Span, name_span: Span
) -> Call:
    o = _new(Call)
    d = o.__dict__
    d["name"] = name
    d["args"] = args
    d["keywords"] = keywords
    d["span"] = span
    d["name_span"] = name_span
    return o


def _mk_keyword(name: str, value: Expr, span: Span, name_span: Span) -> Keyword:
    o = _new(Keyword)
    d = o.__dict__
    d["name"] = name
    d["value"] = value
    d["span"] = span
    d["name_span"] = name_span
    return o


def _mk_statement(call: Call, assign_to: str | None, span: Span) -> Statement:
    o = _new(Statement)
    d = o.__dict__
    d["call"] = call
    d["assign_to"] = assign_to
    d["origin"] = None
    d["span"] = span
    return o


def _mk_program(statements: tuple[Statement, ...], source: str) -> Program:
    o = _new(Program)
    d = o.__dict__
    d["statements"] = statements
    d["source"] = source
    return o


def _check_fields() -> None:
    """The makers above must set exactly the fields of the AST classes (ast.py may grow)."""
    from dataclasses import fields

    sample = _mk_span(0, 0, 1, 1, 1, 1)
    leaf = {
        String: "value",
        Integer: "value",
        Float: "value",
        Boolean: "value",
        Color: "value",
        Name: "name",
        ListLit: "items",
    }
    made: list[Any] = [sample] + [_mk_leaf(c, f, None, sample) for c, f in leaf.items()]
    made += [
        _mk_call("a", (), (), sample, sample),
        _mk_keyword("a", String("x"), sample, sample),
        _mk_statement(Call("a"), None, sample),
        _mk_program((), ""),
    ]
    for obj in made:
        want = {f.name for f in fields(obj)}
        if set(obj.__dict__) != want:
            raise RuntimeError(
                f"parser.py builds {type(obj).__name__} with fields {sorted(obj.__dict__)}, "
                f"but ast.py declares {sorted(want)}: update the makers in parser.py"
            )


def token_span(tok: Tok) -> Span:
    """The span of one token (tokens never span lines)."""
    kind, start, end, line, col = tok
    s = _new(Span)
    d = s.__dict__
    d["start"] = start
    d["end"] = end
    d["line"] = line
    d["column"] = col
    d["end_line"] = line
    d["end_column"] = col + end - start
    return s


def _span2(a: Tok, b: Tok) -> Span:
    """From the start of token ``a`` to the end of token ``b``."""
    s = _new(Span)
    d = s.__dict__
    d["start"] = a[1]
    d["end"] = b[2]
    d["line"] = a[3]
    d["column"] = a[4]
    d["end_line"] = b[3]
    d["end_column"] = b[4] + b[2] - b[1]
    return s


class _Ctx:
    """What the rule callbacks need: the text, the limits, where to put results."""

    __slots__ = ("text", "limits", "diags", "statements", "errors")

    def __init__(self, text: str, limits: Limits, diags: list[Diagnostic]) -> None:
        self.text = text
        self.limits = limits
        self.diags = diags
        self.statements: list[Statement] = []
        self.errors = 0

    def error(self, span: Span, code: str, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.diags.append(diagnostic_at(span, code, message, suggestions=suggestions))
        self.errors += 1


# ---------------------------------------------------------------- literals

_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def _unescape(ctx: _Ctx, body: str, tok: Tok) -> str:
    """Python's escapes; an unknown one stands for itself with its backslash (as in Python)."""
    problems: list[str] = []

    def one(m: re.Match[str]) -> str:
        hexa = m.group(1) or m.group(2) or m.group(3)
        if hexa is not None:
            code = int(hexa, 16)
            if code > 0x10FFFF:
                problems.append(f"\\U{hexa} is beyond the last Unicode code point")
                return m.group(0)
            if 0xD800 <= code <= 0xDFFF:
                problems.append(f"{m.group(0)} is a lone surrogate, not a character")
                return m.group(0)
            return chr(code)
        ch = m.group(4)
        if ch in "xuU":
            digits = {"x": 2, "u": 4, "U": 8}[ch]
            problems.append(f"\\{ch} must be followed by {digits} hex digits")
            return m.group(0)
        return _SIMPLE_ESCAPES.get(ch, "\\" + ch)

    value = _ESCAPE.sub(one, body)
    if problems:
        ctx.error(token_span(tok), "E106", f"invalid escape in string: {problems[0]}")
    return value


def _literal(ctx: _Ctx, tok: Tok) -> Expr:
    kind, start, end = tok[0], tok[1], tok[2]
    text = ctx.text
    if kind == "STRING":
        body = text[start + 1 : end - 1]
        if "\\" in body:
            body = _unescape(ctx, body, tok)
        if len(body) > ctx.limits.max_string_length:
            ctx.error(
                token_span(tok),
                "E405",
                f"string of {len(body):,} characters; the limit is "
                f"{ctx.limits.max_string_length:,} (Limits.max_string_length)",
                (how_to_raise("max_string_length"),),
            )
        return _mk_leaf(String, "value", body, token_span(tok))  # type: ignore[no-any-return]
    if kind == "NAME":
        word = text[start:end]
        flag = _BOOLEANS.get(word)
        if flag is not None:
            return _mk_leaf(Boolean, "value", flag, token_span(tok))  # type: ignore[no-any-return]
        return _mk_leaf(Name, "name", word, token_span(tok))  # type: ignore[no-any-return]
    if kind == "INT":
        if end - start > _MAX_NUMBER_CHARS:
            ctx.error(token_span(tok), "E106", f"number of {end - start:,} digits is too long")
            return Integer(0, token_span(tok))
        return _mk_leaf(Integer, "value", int(text[start:end]), token_span(tok))  # type: ignore[no-any-return]
    if kind == "FLOAT":
        if end - start > _MAX_NUMBER_CHARS:
            ctx.error(token_span(tok), "E106", f"number of {end - start:,} digits is too long")
            return Float(0.0, token_span(tok))
        return _mk_leaf(Float, "value", float(text[start:end]), token_span(tok))  # type: ignore[no-any-return]
    if kind == "COLOR":
        return _mk_leaf(Color, "value", text[start:end].lower(), token_span(tok))  # type: ignore[no-any-return]
    raise AssertionError(f"token {kind} is not a value")  # the grammar rules this out


def _value(ctx: _Ctx, item: Any) -> Expr:
    if type(item) is tuple:
        return _literal(ctx, item)
    return item  # type: ignore[no-any-return]


# ---------------------------------------------------------------- rule callbacks


def _on_start(ctx: _Ctx, children: list[Any]) -> None:
    return None


def _on_stmt(ctx: _Ctx, children: list[Any]) -> None:
    call: Call = children[0]
    ctx.statements.append(_mk_statement(call, None, call.span))


def _on_assign(ctx: _Ctx, children: list[Any]) -> None:
    name: Tok = children[0]
    call: Call = children[2]
    s = call.span
    span = _mk_span(name[1], s.end, name[3], name[4], s.end_line, s.end_column)
    target = ctx.text[name[1] : name[2]]
    ctx.statements.append(_mk_statement(call, target, span))


def _on_call(ctx: _Ctx, children: list[Any]) -> Call:
    name: Tok = children[0]
    args: list[Expr] = []
    keywords: list[Keyword] = []
    for item in children[2:-1]:
        if type(item) is tuple:
            if item[0] != "COMMA":
                args.append(_literal(ctx, item))
        elif type(item) is Keyword:
            keywords.append(item)
        else:
            args.append(item)
    return _mk_call(
        ctx.text[name[1] : name[2]],
        tuple(args),
        tuple(keywords),
        _span2(name, children[-1]),
        token_span(name),
    )


def _on_kwarg(ctx: _Ctx, children: list[Any]) -> Keyword:
    name: Tok = children[0]
    value = _value(ctx, children[2])
    s = value.span
    return _mk_keyword(
        ctx.text[name[1] : name[2]],
        value,
        _mk_span(name[1], s.end, name[3], name[4], s.end_line, s.end_column),
        token_span(name),
    )


def _on_list(ctx: _Ctx, children: list[Any]) -> ListLit:
    items = tuple(
        _value(ctx, c) for c in children[1:-1] if not (type(c) is tuple and c[0] == "COMMA")
    )
    return _mk_leaf(ListLit, "items", items, _span2(children[0], children[-1]))  # type: ignore[no-any-return]


_CALLBACKS: dict[str, Callable[[_Ctx, list[Any]], Any]] = {
    "start": _on_start,
    "stmt": _on_stmt,
    "assign": _on_assign,
    "call": _on_call,
    "kwarg": _on_kwarg,
    "list": _on_list,
}

_Driver = tuple[
    tuple[dict[str, int], ...],
    tuple[tuple[str, int, Any], ...],
    int,
    int,
    "re.Pattern[str]",
    "tuple[re.Pattern[str], re.Pattern[str]] | None",
]
_driver: _Driver | None = None


def _fast_lexer(token_re: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The fast path's lexer: the same terminals in the same order, with two changes
    that make the regex engine several times cheaper and keep every match the same.

    - Each terminal's name is an empty group after its pattern, so every branch
      starts with a character test the engine uses to skip it at once (a branch that
      opens with a group is entered and left for every character); the kind is
      still ``lastgroup`` and the token is the whole match (past the whitespace).
    - Whitespace is not a token of its own but group 1 before each token (no other
      terminal can start with a whitespace character), so it costs no loop turn.

    Also a pattern for whitespace alone, for the end of the text. None when the
    pattern is not the usual alternation of named groups (then ``_tokens_plain``).
    """
    parts = re.split(r"\|?\(\?P<(\w+)>", token_re.pattern)
    if parts[0] or "WS" not in parts[1::2]:
        return None
    ws = ""
    branches = []
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if not body.endswith(")") or "(?P" in body:
            return None
        if name == "WS":
            ws = body[:-1]
        else:
            branches.append(f"(?:{body[:-1]})(?P<{name}>)")
    m = re.fullmatch(r"(\[[^\]]*\])\+", ws)
    if m is None:
        return None
    cls = m.group(1)
    if any(re.match(b, ch) for b in branches for ch in _WS_PROBE if re.match(cls, ch)):
        return None  # pragma: no cover - a terminal that starts with whitespace
    return re.compile(f"({cls}*)(?:{'|'.join(branches)})"), re.compile(f"{cls}*")


_WS_PROBE = " \t\x0c\r\n\xa0\u2000\u200b\u3000\ufeff"


def _get_driver() -> _Driver:
    """Tables plus one callback per rule (None for spliced rules), resolved once."""
    global _driver
    if _driver is None:
        from refocus_dsl._grammar import tables

        _check_fields()
        t = tables()
        rules: list[tuple[str, int, Any]] = []
        for r in t.rules:
            if r.inline:
                rules.append((r.origin, r.size, None))
                continue
            callback = _CALLBACKS.get(r.name)
            if callback is None:
                raise RuntimeError(f"grammar rule {r.name!r} has no callback in parser.py")
            rules.append((r.origin, r.size, callback))
        _driver = (t.actions, tuple(rules), t.start, t.end, t.token_re, _fast_lexer(t.token_re))
    return _driver


# ---------------------------------------------------------------- error messages

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
_STATEMENT_HINT = 'each statement is one tool call, e.g. highlight(columns("Year"))'


def _expected_words(expected: set[str]) -> str:
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


def _describe(ctx: _Ctx, tok: Tok) -> str:
    kind = tok[0]
    text = ctx.text[tok[1] : tok[2]]
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


def _line_start_of(tok: Tok) -> int:
    return tok[1] - (tok[4] - 1)


def _is_first_on_line(text: str, tok: Tok) -> bool:
    return not text[_line_start_of(tok) : tok[1]].strip()


def _syntax_error(
    ctx: _Ctx,
    tok: Tok,
    expected: set[str],
    prev: Tok | None,
    brackets: list[Tok],
    next_kind: str | None,
) -> None:
    text = ctx.text
    kind = tok[0]
    # LALR merges states, so a closer of the other bracket kind may look
    # acceptable; only the innermost open bracket's closer is.
    expected = set(expected)
    innermost = brackets[-1][0] if brackets else None
    if innermost != "LPAR":
        expected.discard("RPAR")
    if innermost != "LSQB":
        expected.discard("RSQB")
    if prev is not None and prev[0] == "NAME":
        word = text[prev[1] : prev[2]]
        if word in _PY_KEYWORDS and kind not in ("LPAR", "EQUAL"):
            hint = _KEYWORD_HINTS.get(word, f'"{word}" is Python, not part of the language')
            ctx.error(
                token_span(prev), "E104", f'"{word}" is not allowed: {hint}', (_STATEMENT_HINT,)
            )
            return
        if kind == "STRING" and word.lower() in _STRING_PREFIXES and prev[2] == tok[1]:
            ctx.error(
                _span2(prev, tok),
                "E104",
                f'string prefixes ({word}"...") are not part of the language: write a plain string',
            )
            return
    if kind == "LPAR" and prev is not None and prev[0] in ("EQUAL", "COMMA", "LPAR", "LSQB"):
        ctx.error(
            token_span(tok),
            "E104",
            "tuples and grouping parentheses are not part of the language",
            ('write colours as a name or "#rrggbb", several values as a list [...]',),
        )
        return
    if kind == "LSQB" and prev is not None and prev[0] in ("NAME", "RPAR", "RSQB", "STRING"):
        ctx.error(
            token_span(tok),
            "E104",
            "indexing and slicing (x[...]) are not part of the language",
            ('name labels directly, e.g. columns("Year")',),
        )
        return
    if kind in _CLOSERS and kind not in expected and _CLOSERS[kind] != innermost:
        if not brackets:
            ctx.error(token_span(tok), "E105", f'unmatched "{_BRACKET_TEXT[kind]}"')
            return
        opener = brackets[-1]
        want = ")" if opener[0] == "LPAR" else "]"
        ctx.error(
            token_span(tok),
            "E105",
            f'"{_BRACKET_TEXT[kind]}" does not match "{_BRACKET_TEXT[opener[0]]}" '
            f"at {opener[3]}:{opener[4]}; expected {_expected_words(expected)}",
            (f'close it with "{want}"',),
        )
        return
    starts_statement = kind == "NAME" and next_kind in ("LPAR", "EQUAL")
    if brackets and (kind == "$END" or (starts_statement and _is_first_on_line(text, tok))):
        opener = brackets[-1]
        closer = ")" if opener[0] == "LPAR" else "]"
        where = "the end of the program" if kind == "$END" else f"line {tok[3]}"
        ctx.error(
            token_span(opener),
            "E105",
            f'"{_BRACKET_TEXT[opener[0]]}" is never closed before {where}; '
            f"expected {_expected_words(expected)}",
            (f'add the missing "{closer}"',),
        )
        return
    suggestions: tuple[str, ...] = ()
    wanted = _expected_words(expected)
    if kind == "EQUAL" and prev is not None and prev[0] == "EQUAL":
        suggestions = ("comparisons are not part of the language",)
    elif expected == {"NAME"} and prev is not None and prev[0] == "EQUAL" and not brackets:
        wanted = "a tool call"
        suggestions = ('only a tool call can be assigned, e.g. img = highlight(columns("Year"))',)
    elif ({"NAME", "$END"} <= expected and "COMMA" not in expected) or expected == {
        "LPAR",
        "EQUAL",
    }:
        suggestions = (_STATEMENT_HINT,)
    elif kind in ("NAME", "STRING", "INT", "FLOAT", "COLOR", "LSQB") and "COMMA" in expected:
        suggestions = ('separate arguments with ","',)
    ctx.error(
        token_span(tok),
        "E101",
        f"unexpected {_describe(ctx, tok)}; expected {wanted}",
        suggestions,
    )


def _char_error(ctx: _Ctx, pos: int, line: int, lstart: int) -> int:
    """Report the character no terminal matches at ``pos``; return where to go on from."""
    text = ctx.text
    ch = text[pos]
    col = pos - lstart + 1
    if ch in "\"'":
        eol = text.find("\n", pos)
        if eol < 0:
            eol = len(text)
        end = eol
        if end > pos + 1 and text[end - 1] == "\r":
            end -= 1
        ctx.error(
            Span(pos, end, line, col, line, col + end - pos),
            "E102",
            "unterminated string: it has no closing quote on this line",
            (f"add the closing {ch}",),
        )
        return eol
    span = Span(pos, pos + 1, line, col, line, col + 1)
    hint = _CHAR_HINTS.get(ch)
    if hint is not None:
        more = (_STATEMENT_HINT,) if ch in ".`" else ()
        ctx.error(span, "E104", f'"{ch}" is not allowed: {hint}', more)
        return pos + 1
    category = unicodedata.category(ch)
    code = f"U+{ord(ch):04X}"
    if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
        what = "control character" if category == "Cc" else "invisible or invalid character"
        ctx.error(span, "E103", f"unexpected {what} {code}", ("delete it",))
    else:
        ctx.error(span, "E103", f'unexpected character "{ch}" ({code})', ("delete it",))
    return pos + 1


# ---------------------------------------------------------------- recovery


def _resync(
    ctx: _Ctx, pos: int, line: int, lstart: int, token_re: re.Pattern[str], first_on_line: bool
) -> tuple[int, int, int]:
    """Where parsing resumes after an error at ``pos``: the next line that starts a
    statement (a name, then ``(`` or ``=``), or just after a ``;``; else the end."""
    text = ctx.text
    n = len(text)
    match = token_re.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            if text[pos] in "\"'":
                eol = text.find("\n", pos)
                pos = n if eol < 0 else eol
            else:
                pos += 1
            first_on_line = False
            continue
        kind = m.lastgroup
        end = m.end()
        if kind == "WS":
            k = text.count("\n", pos, end)
            if k:
                line += k
                lstart = text.rindex("\n", pos, end) + 1
                first_on_line = True
            pos = end
            continue
        if kind == "COMMENT":
            pos = end
            continue
        if kind == "SEMICOLON":
            return end, line, lstart
        if (
            kind == "NAME"
            and first_on_line
            and (
                _next_kind(text, end, token_re) in ("LPAR", "EQUAL")
                or text[pos:end] in _PY_KEYWORDS
            )
        ):
            return pos, line, lstart
        first_on_line = False
        pos = end
    return n, line, lstart


def _next_kind(text: str, pos: int, token_re: re.Pattern[str]) -> str | None:
    """The terminal after ``pos`` (skipping whitespace and comments), None at an error or end."""
    n = len(text)
    while pos < n:
        m = token_re.match(text, pos)
        if m is None:
            return None
        kind = m.lastgroup
        if kind not in ("WS", "COMMENT"):
            return kind
        pos = m.end()
    return "$END"


# ---------------------------------------------------------------- the driver


def _parse_statements(ctx: _Ctx) -> None:
    actions, rules, start_state, end_state, token_re, _fast = _get_driver()
    text = ctx.text
    limits = ctx.limits
    max_nesting = limits.max_nesting
    max_errors = limits.max_errors
    match = token_re.match
    n = len(text)
    pos = 0
    line = 1
    lstart = 0
    stack = [start_state]
    values: list[_Value] = []
    brackets: list[Tok] = []
    prev: Tok | None = None
    while True:
        # ---- next token
        if pos < n:
            m = match(text, pos)
            if m is None:
                pos = _char_error(ctx, pos, line, lstart)
                _flush(ctx, actions, rules, end_state, stack, values)
                if ctx.errors >= max_errors:
                    break
                stack = [start_state]
                values = []
                brackets = []
                prev = None
                pos, line, lstart = _resync(ctx, pos, line, lstart, token_re, False)
                continue
            kind = m.lastgroup or ""
            end = m.end()
            if kind == "WS":
                k = text.count("\n", pos, end)
                if k:
                    line += k
                    lstart = text.rindex("\n", pos, end) + 1
                pos = end
                continue
            if kind == "COMMENT":
                pos = end
                continue
            if kind == "COLOR" and "COLOR" not in actions[stack[-1]]:
                # Not where a value goes: then "#..." is a comment (as Lark's contextual lexer).
                eol = text.find("\n", pos)
                pos = n if eol < 0 else eol
                continue
            tok: Tok = (kind, pos, end, line, pos - lstart + 1)
        else:
            kind = "$END"
            end = n
            tok = (kind, n, n, line, n - lstart + 1)
        # ---- feed it
        accepted = False
        too_deep = False
        while True:
            state = stack[-1]
            act = actions[state].get(kind)
            if act is None:
                break
            if act >= 0:
                if kind in _OPENERS:
                    if len(brackets) >= max_nesting:
                        ctx.error(
                            token_span(tok),
                            "E404",
                            f"brackets nest more than {max_nesting} deep (Limits.max_nesting)",
                            (how_to_raise("max_nesting"),),
                        )
                        too_deep = True
                        break
                    brackets.append(tok)
                elif kind in _CLOSERS:
                    brackets.pop()
                stack.append(act)
                values.append(tok)
                accepted = True
                break
            origin, size, callback = rules[~act]
            if size == 1 and callback is None:
                # A unit rule that splices: the value stays as it is.
                stack[-1] = actions[stack[-2]][origin]
            else:
                if size:
                    children = values[-size:]
                    del values[-size:]
                    del stack[-size:]
                    values.append(_reduce(ctx, children, callback))
                else:
                    values.append([] if callback is None else callback(ctx, []))
                stack.append(actions[stack[-1]][origin])
            if kind == "$END" and stack[-1] == end_state:
                return
        if accepted:
            prev = tok
            pos = end
            continue
        # ---- syntax error: report, keep what parsed, resume at the next statement
        if not too_deep:
            expected = _viable(actions, rules, end_state, stack)
            next_kind = _next_kind(text, end, token_re) if kind == "NAME" else None
            _syntax_error(ctx, tok, expected, prev, brackets, next_kind)
        _flush(ctx, actions, rules, end_state, stack, values)
        if kind == "$END" or ctx.errors >= max_errors:
            break
        first = not text[lstart:pos].strip()
        stack = [start_state]
        values = []
        brackets = []
        prev = None
        pos, line, lstart = _resync(ctx, pos, line, lstart, token_re, first)
    if ctx.errors >= max_errors and pos < n:
        last = text.count("\n") + 1
        col = n - (text.rfind("\n") + 1) + 1
        ctx.diags.append(
            Diagnostic(
                "E109",
                f"too many syntax errors; stopped after {max_errors} (Limits.max_errors)",
                last,
                col,
                last,
                col,
                severity=Severity.ERROR,
                suggestions=(how_to_raise("max_errors"),),
            )
        )


def _viable(
    actions: tuple[dict[str, int], ...],
    rules: tuple[tuple[str, int, Any], ...],
    end_state: int,
    stack: list[int],
) -> set[str]:
    """Terminals that can really come next. LALR merges lookaheads, so a state may
    list tokens that only lead to an error after some reductions; simulate each."""
    out: set[str] = set()
    for term in actions[stack[-1]]:
        if not (term.isupper() or term == "$END"):
            continue
        states = list(stack)
        for _ in range(10_000):
            act = actions[states[-1]].get(term)
            if act is None:
                break
            if act >= 0:
                out.add(term)
                break
            origin, size, _callback = rules[~act]
            if size:
                del states[-size:]
            states.append(actions[states[-1]][origin])
            if term == "$END" and states[-1] == end_state:
                out.add(term)
                break
    return out


def _flush(
    ctx: _Ctx,
    actions: tuple[dict[str, int], ...],
    rules: tuple[tuple[str, int, Any], ...],
    end_state: int,
    stack: list[int],
    values: list[_Value],
) -> None:
    """Finish what the stack holds as if the text ended here, so that complete
    statements before an error are kept (their reduction waits for a lookahead)."""
    while True:
        act = actions[stack[-1]].get("$END")
        if act is None or act >= 0:
            return
        origin, size, callback = rules[~act]
        if size:
            children = values[-size:]
            del values[-size:]
            del stack[-size:]
            values.append(_reduce(ctx, children, callback))
        else:
            values.append([] if callback is None else callback(ctx, []))
        stack.append(actions[stack[-1]][origin])
        if stack[-1] == end_state:
            return


def _reduce(ctx: _Ctx, children: list[Any], callback: Any) -> Any:
    """Splice child lists (left-recursive helper rules extend the first in place, so a
    long argument list costs linear time) and call the rule's callback, if any."""
    first = children[0]
    if type(first) is list:
        flat = first
    else:
        flat = [first]
    for c in children[1:]:
        if type(c) is list:
            flat.extend(c)
        else:
            flat.append(c)
    return flat if callback is None else callback(ctx, flat)


# ---------------------------------------------------------------- the fast path
#
# Most programs are valid. For them a recursive descent over the same
# terminals builds the same AST in about half the time of the table-driven
# loop; at the first thing it does not expect (any error, a "#..." colour
# where a comment may be meant, anything unusual) it gives up and the
# table-driven parser above parses the text from the start, so diagnostics
# and recovery come from one place. A property test checks that both paths
# give identical programs and diagnostics.


class _GiveUp(Exception):
    """The fast path met something it leaves to the table-driven parser."""


_VALUE_KINDS = frozenset({"STRING", "INT", "FLOAT", "COLOR", "NAME"})


def _tokens(text: str, lexer: tuple[re.Pattern[str], re.Pattern[str]]) -> list[Tok]:
    token_re, ws_re = lexer
    pos = 0
    line = 1
    lstart = 0
    out: list[Tok] = []
    append = out.append
    # Each match starts where the last one ended (typeshed does not know scanner()).
    match: Callable[[], re.Match[str] | None] = token_re.scanner(text).match  # type: ignore[attr-defined]
    while (m := match()) is not None:
        start = m.end(1)  # past the whitespace before the token
        if start != pos:
            k = text.count("\n", pos, start)
            if k:
                line += k
                lstart = text.rindex("\n", pos, start) + 1
        pos = m.end()
        kind = m.lastgroup
        if kind != "COMMENT":
            append((kind, start, pos, line, start - lstart + 1))  # type: ignore[arg-type]
    # Stopped at the end, at trailing whitespace, or at a character no terminal matches.
    n = len(text)
    if pos != n:
        tail = ws_re.match(text, pos)
        if tail is None or tail.end() != n:
            raise _GiveUp
        k = text.count("\n", pos)
        if k:
            line += k
            lstart = text.rindex("\n", pos) + 1
        pos = n
    append(("$END", pos, pos, line, pos - lstart + 1))
    return out


def _tokens_plain(text: str, token_re: re.Pattern[str]) -> list[Tok]:
    pos = 0
    line = 1
    lstart = 0
    out: list[Tok] = []
    append = out.append
    for m in token_re.finditer(text):
        start, end = m.span()
        if start != pos:  # finditer skipped a character no terminal matches
            raise _GiveUp
        kind = m.lastgroup
        pos = end
        if kind == "WS":
            k = text.count("\n", start, pos)
            if k:
                line += k
                lstart = text.rindex("\n", start, pos) + 1
        elif kind != "COMMENT":
            append((kind, start, pos, line, start - lstart + 1))  # type: ignore[arg-type]
    if pos != len(text):
        raise _GiveUp
    append(("$END", pos, pos, line, pos - lstart + 1))
    return out


def _fast_parse(ctx: _Ctx) -> bool:
    """Parse ``ctx.text`` if it is a plain valid program; False to use the full parser."""
    driver = _get_driver()
    lexer = driver[5]
    errors_before = len(ctx.diags)
    try:
        toks = _tokens(ctx.text, lexer) if lexer is not None else _tokens_plain(ctx.text, driver[4])
        _Descent(ctx, toks).program()
        if ctx.errors >= ctx.limits.max_errors:
            raise _GiveUp
    except _GiveUp:
        del ctx.diags[errors_before:]
        return False
    return True


class _Descent:
    """Recursive descent over a token list; every method takes and returns the index."""

    __slots__ = ("ctx", "text", "toks", "depth", "max_depth", "max_string")

    def __init__(self, ctx: _Ctx, toks: list[Tok]) -> None:
        self.ctx = ctx
        self.text = ctx.text
        self.toks = toks
        self.depth = 0
        self.max_depth = ctx.limits.max_nesting
        self.max_string = ctx.limits.max_string_length

    def program(self) -> None:
        toks = self.toks
        text = self.text
        statements = self.ctx.statements
        call = self.call
        i = 0
        while True:
            tok = toks[i]
            kind = tok[0]
            if kind == "$END":
                return
            if kind == "SEMICOLON":
                i += 1
                continue
            if kind != "NAME":
                raise _GiveUp
            nxt = toks[i + 1][0]
            if nxt == "LPAR":
                node, i = call(tok, i + 2)
                statements.append(_mk_statement(node, None, node.span))
            elif nxt == "EQUAL":
                head = toks[i + 2]
                if head[0] != "NAME" or toks[i + 3][0] != "LPAR":
                    raise _GiveUp
                node, i = call(head, i + 4)
                cs = node.span
                span = _mk_span(tok[1], cs.end, tok[3], tok[4], cs.end_line, cs.end_column)
                statements.append(_mk_statement(node, text[tok[1] : tok[2]], span))
            else:
                raise _GiveUp

    def call(self, name_tok: Tok, i: int) -> tuple[Call, int]:
        """After ``NAME (``: arguments up to the closing ``)``."""
        self.depth += 1
        if self.depth > self.max_depth:
            raise _GiveUp
        toks = self.toks
        text = self.text
        args: list[Expr] = []
        keywords: list[Keyword] = []
        while True:
            tok = toks[i]
            kind = tok[0]
            if kind == "RPAR":
                break
            if kind == "NAME" and toks[i + 1][0] == "EQUAL":
                value, i = self.expr(i + 2)
                vs = value.span
                span = _mk_span(tok[1], vs.end, tok[3], tok[4], vs.end_line, vs.end_column)
                kw = _new(Keyword)
                d = kw.__dict__
                d["name"] = text[tok[1] : tok[2]]
                d["value"] = value
                d["span"] = span
                d["name_span"] = token_span(tok)
                keywords.append(kw)
            else:
                value, i = self.expr(i)
                args.append(value)
            sep = toks[i][0]
            if sep == "COMMA":
                i += 1
            elif sep != "RPAR":
                raise _GiveUp
        self.depth -= 1
        node = _new(Call)
        d = node.__dict__
        d["name"] = text[name_tok[1] : name_tok[2]]
        d["args"] = tuple(args)
        d["keywords"] = tuple(keywords)
        d["span"] = _span2(name_tok, tok)
        d["name_span"] = token_span(name_tok)
        return node, i + 1

    def expr(self, i: int) -> tuple[Expr, int]:
        toks = self.toks
        tok = toks[i]
        kind = tok[0]
        if kind == "STRING":
            start, end = tok[1], tok[2]
            body = self.text[start + 1 : end - 1]
            if "\\" in body or len(body) > self.max_string:
                return _literal(self.ctx, tok), i + 1
            node = _new(String)
            d = node.__dict__
            d["value"] = body
            d["span"] = token_span(tok)
            return node, i + 1
        if kind in _VALUE_KINDS:
            if kind == "NAME" and toks[i + 1][0] == "LPAR":
                return self.call(tok, i + 2)
            return _literal(self.ctx, tok), i + 1
        if kind == "LSQB":
            self.depth += 1
            if self.depth > self.max_depth:
                raise _GiveUp
            i += 1
            items: list[Expr] = []
            while True:
                t = toks[i]
                if t[0] == "RSQB":
                    break
                item, i = self.expr(i)
                items.append(item)
                sep = toks[i][0]
                if sep == "COMMA":
                    i += 1
                elif sep != "RSQB":
                    raise _GiveUp
            self.depth -= 1
            return _mk_leaf(ListLit, "items", tuple(items), _span2(tok, t)), i + 1
        raise _GiveUp


# ---------------------------------------------------------------- public API


def _too_big(text: str, limits: Limits) -> int:
    """UTF-8 size of ``text`` when over the limit, else 0 (without encoding small texts)."""
    limit = limits.max_source_bytes
    if len(text) * 4 <= limit:
        return 0
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else 0


def parse_with_diagnostics(
    text: str, limits: Limits | None = None
) -> tuple[Program | None, list[Diagnostic]]:
    """Parse ``text``; return the program and every problem found while parsing.

    The program holds every statement that parsed (with paper calls lowered),
    so a checker can report on them too; it must not be run when any returned
    diagnostic is an error. It is None only when nothing could be parsed at all
    (the text is over the size limit).
    """
    lim = limits if limits is not None else DEFAULT_LIMITS
    diags: list[Diagnostic] = []
    if not isinstance(text, str):
        raise TypeError(f"parse() takes text (str), not {type(text).__name__}")
    size = _too_big(text, lim)
    if size:
        diags.append(
            Diagnostic(
                "E401",
                f"program is {size:,} bytes; the limit is {lim.max_source_bytes:,} bytes "
                "(Limits.max_source_bytes)",
                1,
                1,
                1,
                1,
                suggestions=(how_to_raise("max_source_bytes"),),
            )
        )
        return None, diags
    ctx = _Ctx(text, lim, diags)
    if not _fast_parse(ctx):
        ctx = _Ctx(text, lim, diags)
        _parse_statements(ctx)
    statements = ctx.statements
    if len(statements) > lim.max_statements:
        extra = statements[lim.max_statements]
        diags.append(
            diagnostic_at(
                extra.span,
                "E402",
                f"program has {len(statements)} statements; the limit is {lim.max_statements} "
                "(Limits.max_statements)",
                suggestions=(how_to_raise("max_statements"),),
            )
        )
    for s in statements:
        name = s.call.name
        if name.startswith("focus_on_") or name == "display":
            from refocus_dsl.compat import lower

            statements = lower(statements, diags)
            break
    if diags:
        diags.sort(key=lambda d: (d.line, d.column))
    return _mk_program(tuple(statements), text), diags


def parse(text: str, limits: Limits | None = None) -> Program:
    """Parse ``text`` into a Program; raise ProgramError carrying every diagnostic on errors."""
    program, diags = parse_with_diagnostics(text, limits)
    if program is None or any(d.severity is Severity.ERROR for d in diags):
        raise ProgramError(diags, text)
    return program
