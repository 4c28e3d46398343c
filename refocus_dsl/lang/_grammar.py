"""The grammar file and the Lark parser made from it.

``grammar/refocus.lark`` is the one definition of the syntax. Lark analyses it
(LALR(1), contextual lexer) and parses with its own runtime; the analysis is
kept in Lark's grammar cache (a file in the user's cache directory, rebuilt by
Lark whenever the grammar, the options, Lark or Python changes) so a fresh
process does not pay for it again. ``REFOCUS_NO_CACHE=1`` turns the file off.

The grammar ships in the wheel as ``refocus_dsl/grammar/refocus.lark``; in a
source checkout it is read from the repository's top-level ``grammar/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

GRAMMAR_NAME = "refocus.lark"


def grammar_path() -> Path:
    """Where the grammar file is (package data first, then the source checkout)."""
    here = Path(__file__).resolve().parent.parent  # the refocus_dsl package
    packaged = here / "grammar" / GRAMMAR_NAME
    if packaged.is_file():
        return packaged
    return here.parent / "grammar" / GRAMMAR_NAME


def grammar_text() -> str:
    """The grammar source."""
    return grammar_path().read_text(encoding="utf-8")


def lark_parser(**options: Any) -> Any:
    """A ``lark.Lark`` for the grammar (LALR, strict, positions), e.g. for tools and tests.

    ``strict=True`` makes a shift/reduce conflict or two terminals that can match the
    same text an error (Lark needs the optional ``interegular`` package for the latter).
    """
    from lark import Lark

    opts: dict[str, Any] = {
        "parser": "lalr",
        "strict": True,
        "propagate_positions": True,
        "maybe_placeholders": False,
    }
    opts.update(options)
    return Lark(grammar_text(), **opts)


def _cache_file() -> str | bool:
    """Lark's grammar cache file for this Lark and Python, or False when there is none
    (disabled, no writable home, or a folder or file that others could write).

    Lark keys the file's content on the grammar and the options and builds again on
    any change; the name carries Lark's and Python's versions so installs that share
    the directory do not overwrite each other's file.
    """
    if os.environ.get("REFOCUS_NO_CACHE", "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    import lark

    xdg = os.environ.get("XDG_CACHE_HOME")
    try:
        base = Path(xdg) if xdg else Path.home() / ".cache"
        folder = base / "refocus-dsl"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        version = f"{sys.version_info[0]}{sys.version_info[1]}"
        file = folder / f"grammar-lark{lark.__version__}-py{version}.cache"
        if not (_only_mine(folder) and (not file.exists() or _only_mine(file))):
            return False
    except (OSError, RuntimeError):  # no home, read-only: build in memory every time
        return False
    return str(file)


def _only_mine(path: Path) -> bool:
    """Whether ``path`` is this user's and no one else may write it: Lark unpickles its
    cache file, so a file another user could have written must never be read."""
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows: no owner and mode bits
        return True
    st = path.stat()
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def runtime_parser(transformer: Any) -> Any:
    """The parser used by :func:`refocus_dsl.lang.parser.parse`: Lark's LALR runtime with
    ``transformer`` applied as each rule is reduced (no parse tree is built)."""
    from lark import Lark

    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=False,
        transformer=transformer,
        cache=_cache_file(),
    )


OPENERS = frozenset({"LPAR", "LSQB"})
CLOSERS = {"RPAR": "LPAR", "RSQB": "LSQB"}
"""Bracket terminals of the grammar; a closer maps to its opener."""


def first_on_line(text: str, tok: Any) -> bool:
    """Whether only whitespace comes before the Lark token ``tok`` on its line."""
    return not text[tok.start_pos - (tok.column - 1) : tok.start_pos].strip()
