"""One root exception for everything refocus-dsl raises on purpose.

Library callers catch :class:`RefocusError`; the CLI turns it into a message
and an exit code, never a traceback. Subclasses say which stage failed;
``exit_code`` says whose problem it is: 1 the program or the data (the
default), 2 the command line or a file it names (:data:`USAGE`), 70 a bug in
refocus-dsl itself (:data:`INTERNAL`, never raised on purpose).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from refocus_dsl.lang.diagnostics import Diagnostic


EXIT_PROBLEM = 1
"""Exit status for a program or data problem."""
USAGE = 2
"""Exit status for a usage or file error: a missing file, a bad option, a missing setting."""
INTERNAL = 70
"""Exit status when refocus-dsl itself failed (BSD's EX_SOFTWARE): a bug to report."""


class RefocusError(Exception):
    """Root of every error this package raises deliberately.

    ``exit_code=USAGE`` marks a usage or file error (no such file, unreadable,
    a setting missing) as opposed to a problem in the program or the data.
    """

    exit_code: int = EXIT_PROBLEM

    def __init__(self, *args: object, exit_code: int | None = None) -> None:
        super().__init__(*args)
        if exit_code is not None:
            self.exit_code = exit_code


class ProgramError(RefocusError):
    """A program did not parse or did not check; carries every diagnostic found."""

    def __init__(self, diagnostics: Sequence[Diagnostic], source: str = "") -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        self.source = source
        first = self.diagnostics[0].message if self.diagnostics else "invalid program"
        more = len(self.diagnostics) - 1
        super().__init__(first + (f" (and {more} more)" if more > 0 else ""))


class LayoutError(RefocusError):
    """A layout document is malformed, or a layout could not be detected."""


class ImageError(RefocusError):
    """An image could not be read, or is outside what we accept (size, format)."""


class LimitError(RefocusError):
    """A configured limit (pixels, turns, program size, ...) was exceeded."""


class PluginError(RefocusError):
    """A plugin could not be loaded, registered or run; the message names the distribution.

    ``plugin`` is what failed, as pluggy keeps it: the :class:`~refocus_dsl.plugin.Plugin`
    (or the tool's :class:`~refocus_dsl.plugin.ToolSpec` when a tool fails while
    running), or the entry point's name when nothing could be loaded; ``source`` is
    the distribution and version it came from.
    """

    def __init__(self, message: str, *, plugin: object = None, source: str = "") -> None:
        super().__init__(message)
        self.plugin = plugin
        self.source = source


class OcrUnavailableError(RefocusError):
    """No OCR backend could be started; the message says what to install."""


class ModelError(RefocusError):
    """The model endpoint failed in a way retries could not fix."""
