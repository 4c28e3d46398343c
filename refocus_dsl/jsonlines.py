"""JSON Lines, read one way everywhere: datasets, detection manifests, scoring manifests.

Each reader used to loop over lines with ``json.loads`` on its own, and only one of them
caught what a hostile file can make ``json.loads`` raise besides a syntax error (a
5000-digit number is a ``ValueError``, deep nesting a ``RecursionError``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any


def json_lines(
    lines: Iterable[str],
    source: object,
    error: Callable[[str], Exception],
    on_problem: Callable[[str], None] | None = None,
) -> Iterator[tuple[int, str, Any]]:
    """``(line number, "source:line", value)`` for each non-blank line.

    A line that is not JSON raises ``error("source:line: not valid JSON (why)")``, or,
    when ``on_problem`` is given, is passed to it and skipped, so a reader can report
    every bad line at once.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            message = f"{where}: not valid JSON ({exc.msg})"
        except (ValueError, RecursionError) as exc:  # a 5000-digit number, deep nesting
            message = f"{where}: not valid JSON ({type(exc).__name__}: {exc})"
        else:
            yield number, where, value
            continue
        if on_problem is None:
            raise error(message)
        on_problem(message)
