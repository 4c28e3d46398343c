"""Text to :class:`~refocus_dsl.lang.ast.Program`: parse errors as diagnostics, never exceptions.

The syntax is ``grammar/refocus.lark`` and the parser is Lark's LALR runtime
(:mod:`refocus_dsl.lang._grammar`), which calls :class:`~refocus_dsl.lang._ast_builder.AstBuilder`
at each reduction to build the program tree with its spans. This module drives it
token by token (``Lark.parse_interactive``) to watch the brackets, and recovers from
errors:

- The text size is checked before anything else (E401); bracket depth while
  parsing (E404), so hostile input cannot make any later recursive pass blow up.
- On a syntax error the parser reports what it expected, in words (Lark's
  ``UnexpectedToken.accepts``; :mod:`refocus_dsl.lang._syntax_errors`), then skips to the
  next line that starts a statement (a name followed by ``(`` or ``=``) or past a
  ``;``, and parses again from there: one broken statement does not hide the
  problems of the others. After ``Limits.max_errors`` it stops (E109).

After parsing, :mod:`refocus_dsl.lang.compat` lowers the ReFocus paper's calls to
ordinary statements.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from refocus_dsl.errors import ProgramError
from refocus_dsl.lang._grammar import CLOSERS, OPENERS, first_on_line
from refocus_dsl.lang.ast import Program
from refocus_dsl.lang.diagnostics import Diagnostic, Severity, diagnostic_at
from refocus_dsl.lang.limits import DEFAULT_LIMITS, Limits, how_to_raise

if TYPE_CHECKING:
    from refocus_dsl.lang._ast_builder import ParseRun

__all__ = ["parse", "parse_with_diagnostics"]


@dataclass(frozen=True)
class _Runtime:
    """Lark's parser for the grammar, and the patterns recovery uses to find where the
    next statement starts (made from the grammar's own terminals)."""

    lark: Any
    skip: re.Pattern[str]
    """The next string, colour, comment, stray quote, ``;`` or newline."""
    statement: re.Pattern[str]
    """Whitespace, then a name (group 1)."""
    call_or_assign: re.Pattern[str]
    """Whitespace and comments, then ``(`` or ``=``."""


_lock = threading.Lock()
_runtime: _Runtime | None = None


def _get_runtime() -> _Runtime:
    global _runtime
    rt = _runtime
    if rt is None:
        with _lock:
            if _runtime is None:
                _runtime = _make_runtime()
            rt = _runtime
    return rt


def _make_runtime() -> _Runtime:
    from refocus_dsl.lang._ast_builder import AstBuilder
    from refocus_dsl.lang._grammar import runtime_parser

    lk = runtime_parser(AstBuilder())

    def rx(name: str) -> str:
        return f"(?:{lk.get_terminal(name).pattern.to_regexp()})"

    ws, comment = rx("WS"), rx("COMMENT")
    return _Runtime(
        lark=lk,
        skip=re.compile(
            f"(?P<STRING>{rx('STRING')})|(?P<COLOR>{rx('COLOR')})|(?P<COMMENT>{comment})"
            "|(?P<QUOTE>[\"'][^\n]*)|(?P<SEMICOLON>;)|(?P<NEWLINE>\n)"
        ),
        statement=re.compile(f"{ws}?({rx('NAME')})"),
        call_or_assign=re.compile(f"(?:{ws}|{comment})*[(=]"),
    )


# ---------------------------------------------------------------- the driver


def _end_token(text: str) -> Any:
    from lark import Token

    n = len(text)
    line = text.count("\n") + 1
    col = n - (text.rfind("\n") + 1) + 1
    return Token("$END", "", n, line, col, line, col, n)


def _flush(ip: Any, end: Any) -> None:
    """Finish what the parser holds as if the text ended here, so that a complete
    statement just before an error is kept (its reduction waits for a lookahead)."""
    from lark.exceptions import UnexpectedInput

    try:
        ip.feed_token(end)
    except UnexpectedInput:
        pass


def _parse_from(run: ParseRun, rt: _Runtime, source: str, end: Any) -> tuple[int, bool] | None:
    """Parse ``source`` (the text, blanked before where this attempt starts) until its
    end or the first error; on an error, report it and return where recovery starts
    looking for the next statement, and whether that place is first on its line."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    from refocus_dsl.lang._ast_builder import token_span

    max_nesting = run.limits.max_nesting
    ip = rt.lark.parse_interactive(source)
    brackets: list[Any] = []
    prev: Any = None
    cur: Any = None
    popped: Any = None
    try:
        for tok in ip.iter_parse():  # each token is seen here just before the parser takes it
            kind = tok.type
            popped = None
            if kind in OPENERS:
                if len(brackets) >= max_nesting:
                    run.error(
                        token_span(tok),
                        "E404",
                        f"brackets nest more than {max_nesting} deep (Limits.max_nesting)",
                        (how_to_raise("max_nesting"),),
                    )
                    _flush(ip, end)
                    return tok.start_pos, first_on_line(run.text, tok)
                brackets.append(tok)
            elif kind in CLOSERS and brackets and brackets[-1].type == CLOSERS[kind]:
                popped = brackets.pop()
            prev, cur = cur, tok
        ip.feed_token(end)
        return None
    except UnexpectedCharacters as e:
        from refocus_dsl.lang._syntax_errors import char_error

        resume = char_error(run, e.pos_in_stream or 0, e.line, e.column)
        _flush(ip, end)
        return resume, False
    except UnexpectedToken as e:
        from refocus_dsl.lang._syntax_errors import syntax_error

        tok = e.token
        before = cur  # the lexer found a token this state cannot take (or the end)
        if tok is cur:  # the parser refused a token the lexer gave it: undo its bracket
            before = prev
            if tok.type in OPENERS:
                brackets.pop()
            elif popped is not None:
                brackets.append(popped)
        starts_statement = (
            tok.type == "NAME" and rt.call_or_assign.match(run.text, tok.end_pos) is not None
        )
        syntax_error(run, tok, ip.accepts(), before, brackets, starts_statement)
        _flush(ip, end)
        if tok.type == "$END":
            return None
        return tok.start_pos, first_on_line(run.text, tok)


def _resync(rt: _Runtime, text: str, pos: int, first: bool) -> int:
    """Where parsing resumes after an error at ``pos``: the next line that starts a
    statement (a name, then ``(`` or ``=``, or a Python keyword to report), or just
    after a ``;``; else the end. ``first``: ``pos`` is first on its line."""
    from refocus_dsl.lang._syntax_errors import PY_KEYWORDS

    def statement_at(p: int) -> int:
        m = rt.statement.match(text, p)
        if m is None:
            return -1
        if m.group(1) in PY_KEYWORDS or rt.call_or_assign.match(text, m.end()) is not None:
            return m.start(1)
        return -1

    if first and (at := statement_at(pos)) >= 0:
        return at
    while (m := rt.skip.search(text, pos)) is not None:
        pos = m.end()
        kind = m.lastgroup
        if kind == "SEMICOLON":
            return pos
        if kind == "NEWLINE" and (at := statement_at(pos)) >= 0:
            return at
    return len(text)


def _blank(text: str, upto: int) -> str:
    """``text`` with everything before ``upto`` turned to spaces (newlines kept), so a
    new parse starts there with every position and line number unchanged."""
    head = "\n".join(" " * len(part) for part in text[:upto].split("\n"))
    return head + text[upto:]


def _parse_statements(run: ParseRun) -> None:
    from refocus_dsl.lang._ast_builder import active

    rt = _get_runtime()
    text = run.text
    n = len(text)
    end = _end_token(text)
    max_errors = run.limits.max_errors
    outer = active.run
    active.run = run
    try:
        source = text
        while (stop := _parse_from(run, rt, source, end)) is not None:
            pos, first = stop
            if run.errors >= max_errors:
                if pos < n:
                    _too_many_errors(run, end)
                return
            resume = _resync(rt, text, pos, first)
            if resume >= n:
                return
            source = _blank(text, resume)
    finally:
        active.run = outer


def _too_many_errors(run: ParseRun, end: Any) -> None:
    """E109, at the end of the text (``end``, the end-of-input token)."""
    limit = run.limits.max_errors
    run.diags.append(
        Diagnostic(
            "E109",
            f"too many syntax errors; stopped after {limit} (Limits.max_errors)",
            end.line,
            end.column,
            end.line,
            end.column,
            severity=Severity.ERROR,
            suggestions=(how_to_raise("max_errors"),),
        )
    )


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
    from refocus_dsl.lang._ast_builder import ParseRun

    run = ParseRun(text, lim, diags)
    _parse_statements(run)
    statements = run.statements
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
            from refocus_dsl.lang.compat import lower

            statements = lower(statements, diags)
            break
    if diags:
        diags.sort(key=lambda d: (d.line, d.column))
    return Program(tuple(statements), text), diags


def parse(text: str, limits: Limits | None = None) -> Program:
    """Parse ``text`` into a Program; raise ProgramError carrying every diagnostic on errors."""
    program, diags = parse_with_diagnostics(text, limits)
    if program is None or any(d.severity is Severity.ERROR for d in diags):
        raise ProgramError(diags, text)
    return program
