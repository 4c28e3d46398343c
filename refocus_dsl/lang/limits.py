"""Limits: every bound on what one program may cost.

A model writes the programs, so nothing it writes may be unbounded: the text,
the number of statements, the labels named, the nesting of brackets and the
length of strings all have defaults here, and going over one is an E4xx
diagnostic that names the limit and how to raise it (never a hang or a crash).
Pass your own ``Limits(...)`` to ``compile_program``, ``parse``, ``check``, ``run``
or ``ask`` to change them. The model loop's own bounds (turns) live with the loop
(:data:`refocus_dsl.loop.question.DEFAULT_MAX_TURNS`).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_PIXELS = 40_000_000
"""Largest image accepted, in pixels (40 megapixels). Defined here, where parsing can
read it without loading Pillow; :mod:`refocus_dsl.imageio` uses this value."""


MAX_NESTING = 200
"""The highest ``max_nesting`` accepted."""


@dataclass(frozen=True)
class Limits:
    """Bounds on one program; every field has a default."""

    max_source_bytes: int = 64 * 1024
    """Program text, in UTF-8 bytes; checked before parsing (E401)."""
    max_statements: int = 50
    """Statements in one program (E402)."""
    max_targets: int = 200
    """Labels, ordinals, cells and regions named in one program, all targets together (E403)."""
    max_nesting: int = 16
    """Depth of nested brackets, ``(`` and ``[`` together (E404); at most 200, so that
    no pass over a program can exhaust Python's recursion limit."""
    max_string_length: int = 1000
    """Characters in one string literal (E405)."""
    max_pixels: int = DEFAULT_MAX_PIXELS
    """Largest image accepted, in pixels (used by the interpreter)."""
    max_errors: int = 20
    """Syntax errors reported before the parser stops looking (E109)."""
    max_diagnostics: int = 100
    """Diagnostics ``check`` returns at most; the last says how many more there were (E109)."""

    def __post_init__(self) -> None:
        for name in (
            "max_source_bytes",
            "max_statements",
            "max_targets",
            "max_nesting",
            "max_string_length",
            "max_pixels",
            "max_errors",
            "max_diagnostics",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, got {value!r}")
        if self.max_nesting > MAX_NESTING:
            raise ValueError(f"Limits.max_nesting is at most {MAX_NESTING}, got {self.max_nesting}")


DEFAULT_LIMITS = Limits()
"""The limits used when a caller passes none."""


def how_to_raise(field: str) -> str:
    """The sentence every E4xx message ends with."""
    return f"raise it with Limits({field}=...)"
