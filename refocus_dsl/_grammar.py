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
from importlib import resources
from pathlib import Path
from typing import Any

GRAMMAR_NAME = "refocus.lark"


def grammar_path() -> Path:
    """Where the grammar file is (package data first, then the source checkout)."""
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
    rule_index: dict[Any, int] = {}
    rules: list[Rule] = []
    for r in lk.rules:
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
    n_states = max(table.states) + 1
    actions: list[dict[str, int]] = [{} for _ in range(n_states)]
    for state, acts in table.states.items():
        row = actions[state]
        for symbol, (action, arg) in acts.items():
            if action.name == "Shift":
                row[str(symbol)] = int(arg)
            else:
                row[str(symbol)] = -(rule_index[arg] + 1)
    # The lexer: Lark's terminal order (priority, then longest possible match,
    # then longest pattern, then name), one alternation of named groups.
    terms = sorted(
        lk.terminals,
        key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name),
    )
    token_re = re.compile("|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terms))
    return Tables(
        actions=tuple(actions),
        rules=tuple(rules),
        start=int(table.start_states["start"]),
        end=int(table.end_states["start"]),
        token_re=token_re,
        terminals=frozenset(t.name for t in lk.terminals),
        ignore=frozenset(lk.ignore_tokens),
    )


def tables() -> Tables:
    """The grammar's tables, built on first use and kept for the process."""
    global _tables
    t = _tables
    if t is None:
        with _lock:
            if _tables is None:
                _tables = _build()
            t = _tables
    return t
