"""The grammar file, and the LALR tables Lark builds from it (once, lazily).

``grammar/refocus.lark`` is the one definition of the syntax. Lark analyses it
(LALR(1), ``strict=True``: a shift/reduce conflict is an error, not a silent
choice) and we keep its parse table and terminal definitions. Parsing itself
runs in :mod:`refocus_dsl.parser`, a lean driver over exactly these tables and
a lexer made from exactly these terminals, because Lark's general-purpose
parse loop costs several times our budget of ~100 microseconds per program.

The grammar ships in the wheel as ``refocus_dsl/grammar/refocus.lark``; in a
source checkout it is read from the repository's top-level ``grammar/``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GRAMMAR_NAME = "refocus.lark"


def grammar_path() -> Path:
    """Where the grammar file is (package data first, then the source checkout)."""
    from importlib import resources

    try:
        packaged = resources.files("refocus_dsl") / "grammar" / GRAMMAR_NAME
        if packaged.is_file():
            return Path(str(packaged))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    return Path(__file__).resolve().parent.parent / "grammar" / GRAMMAR_NAME


def grammar_text() -> str:
    """The grammar source."""
    return grammar_path().read_text(encoding="utf-8")


@dataclass(frozen=True)
class Rule:
    """One grammar rule as the driver needs it."""

    origin: str
    size: int
    name: str
    """Callback name: the alias (``-> assign``) or the origin."""
    inline: bool
    """Rules whose name starts with ``_`` splice their children into the parent."""


@dataclass(frozen=True)
class Tables:
    """The parse table and lexer of the grammar.

    ``actions[state][symbol]`` is ``>= 0`` for shift/goto to that state and
    ``-(rule + 1)`` for a reduction by ``rules[rule]``.
    """

    actions: tuple[dict[str, int], ...]
    rules: tuple[Rule, ...]
    start: int
    end: int
    token_re: re.Pattern[str]
    terminals: frozenset[str]
    ignore: frozenset[str]


class _NoLexer:
    """Lark needs a lexer class to build a parser; we lex ourselves, so it is never used."""

    def __init__(self, conf: Any) -> None:
        self.conf = conf

    def lex(self, *args: Any) -> Any:  # pragma: no cover - never called
        raise NotImplementedError


_lock = threading.Lock()
_tables: Tables | None = None


def lark_parser(**options: Any) -> Any:
    """A ``lark.Lark`` for the grammar (LALR, strict, positions), e.g. for tools and tests."""
    from lark import Lark

    opts: dict[str, Any] = {
        "parser": "lalr",
        "strict": True,
        "propagate_positions": True,
        "maybe_placeholders": False,
    }
    opts.update(options)
    return Lark(grammar_text(), **opts)


_PROBES = ("", " ", "a", "Z", "_", "0", "9", "-", "+", ".", "e", '"', "'", "#", "(", ")", "\\")


def _punctuation_first(terms: list[Any]) -> list[Any]:
    """Lark's order, but single-character literals (brackets, commas) tried first.

    Python's ``re`` tries alternatives left to right, and punctuation is most of
    a program's tokens; moving it ahead of the regex terminals changes nothing
    when no regex terminal can match text starting with that character, which
    is checked here (else the order stays as Lark's).
    """
    literal = [t for t in terms if t.pattern.type == "str" and len(t.pattern.value) == 1]
    others = [t for t in terms if t not in literal]
    for t in literal:
        ch = t.pattern.value
        for o in others:
            rx = re.compile(o.pattern.to_regexp())
            if any(rx.match(ch + probe) for probe in _PROBES):
                return terms
    return literal + others


def _build() -> Tables:
    import lark.lexer
    from lark.lexer import Lexer

    class NoLexer(_NoLexer, Lexer):
        pass

    # With the optional ``interegular`` installed, Lark checks every pair of
    # terminal regexes for overlaps, its own meta-grammar's included: most of
    # a second, spent on every start. That check belongs to development (the
    # tests build the full strict lexer), so it is off while we build tables.
    saved = lark.lexer.has_interegular
    lark.lexer.has_interegular = False
    try:
        lk = lark_parser(lexer=NoLexer)
    finally:
        lark.lexer.has_interegular = saved
    table = lk.parser.parser.parser.parse_table
    # Lark numbers states and orders rules differently from run to run (hash
    # order); renumber both canonically so the generated module is stable.
    lark_rules = sorted(
        lk.rules,
        key=lambda r: (str(r.origin.name), [str(x.name) for x in r.expansion], str(r.alias)),
    )
    rule_index: dict[Any, int] = {}
    rules: list[Rule] = []
    for r in lark_rules:
        rule_index[r] = len(rules)
        origin = str(r.origin.name)
        rules.append(
            Rule(
                origin=origin,
                size=len(r.expansion),
                name=str(r.alias) if r.alias else origin,
                inline=origin.startswith("_") and not r.alias,
            )
        )
    start0 = table.start_states["start"]
    number: dict[Any, int] = {start0: 0}
    queue = [start0]
    for state in queue:
        for symbol in sorted(table.states[state], key=str):
            action, arg = table.states[state][symbol]
            if action.name == "Shift" and arg not in number:
                number[arg] = len(number)
                queue.append(arg)
    end0 = table.end_states["start"]
    if end0 not in number:  # pragma: no cover - the end state is a goto target
        number[end0] = len(number)
    actions: list[dict[str, int]] = [{} for _ in range(len(number))]
    for state, acts in table.states.items():
        if state not in number:
            continue
        row = actions[number[state]]
        for symbol, (action, arg) in acts.items():
            if action.name == "Shift":
                row[str(symbol)] = number[arg]
            else:
                row[str(symbol)] = -(rule_index[arg] + 1)
    # The lexer: Lark's terminal order (priority, then longest possible match,
    # then longest pattern, then name), one alternation of named groups.
    terms = sorted(
        lk.terminals,
        key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
    )
    token_re = re.compile(
        "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in _punctuation_first(terms))
    )
    return Tables(
        actions=tuple(actions),
        rules=tuple(rules),
        start=0,
        end=number[end0],
        token_re=token_re,
        terminals=frozenset(t.name for t in lk.terminals),
        ignore=frozenset(lk.ignore_tokens),
    )


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _from_cache(digest: str) -> Tables | None:
    """The tables of :mod:`refocus_dsl._tables` if they were made from this very grammar."""
    try:
        from refocus_dsl import _tables as cache
    except ImportError:  # pragma: no cover - the module ships with the package
        return None
    if getattr(cache, "GRAMMAR_SHA256", None) != digest:
        return None
    return Tables(
        actions=tuple(dict(row) for row in cache.ACTIONS),
        rules=tuple(Rule(*r) for r in cache.RULES),
        start=cache.START,
        end=cache.END,
        token_re=re.compile(cache.TOKEN_PATTERN),
        terminals=frozenset(cache.TERMINALS),
        ignore=frozenset(cache.IGNORE),
    )


def tables() -> Tables:
    """The grammar's tables, made on first use and kept for the process.

    Lark's analysis (and Lark's import) costs ~60 ms, so the tables it made for
    the current grammar are also kept in the generated module
    ``refocus_dsl/_tables.py``, used only when its recorded SHA-256 matches the
    grammar file read now; after any change to the grammar Lark builds them
    again (and ``python -m refocus_dsl._grammar`` rewrites the module).
    """
    global _tables
    t = _tables
    if t is None:
        with _lock:
            if _tables is None:
                text = grammar_text()
                _tables = _from_cache(_digest(text)) or _build()
            t = _tables
    return t


def tables_module(t: Tables, digest: str) -> str:
    """Python source of ``refocus_dsl/_tables.py`` for tables ``t`` (plain literals only)."""
    lines = [
        '"""Generated from grammar/refocus.lark by ``python -m refocus_dsl._grammar``.',
        "",
        "Do not edit. The LALR tables Lark computes for the grammar, used when GRAMMAR_SHA256",
        'matches the grammar file (see refocus_dsl._grammar.tables)."""',
        "",
        "# ruff: noqa: E501",
        "# fmt: off",
        f"GRAMMAR_SHA256 = {digest!r}",
        f"START = {t.start!r}",
        f"END = {t.end!r}",
        f"TOKEN_PATTERN = {t.token_re.pattern!r}",
        f"TERMINALS = {sorted(t.terminals)!r}",
        f"IGNORE = {sorted(t.ignore)!r}",
        "RULES = [",
    ]
    lines += [f"    {(r.origin, r.size, r.name, r.inline)!r}," for r in t.rules]
    lines.append("]")
    lines.append("ACTIONS = [")
    lines += [f"    {dict(sorted(row.items()))!r}," for row in t.actions]
    lines.append("]")
    return "\n".join(lines) + "\n"


def write_tables_module(path: Path | None = None) -> Path:
    """Rebuild the tables with Lark and write ``refocus_dsl/_tables.py``."""
    text = grammar_text()
    target = path or Path(__file__).resolve().parent / "_tables.py"
    target.write_text(tables_module(_build(), _digest(text)), encoding="utf-8")
    return target


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {write_tables_module()}")
