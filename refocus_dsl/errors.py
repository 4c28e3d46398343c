"""One root exception for everything refocus-dsl raises on purpose.

Library callers catch :class:`RefocusError`; the CLI turns it into a message
and an exit code, never a traceback. Subclasses say which stage failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from refocus_dsl.diagnostics import Diagnostic


class RefocusError(Exception):
    """Root of every error this package raises deliberately."""


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
    """A plugin could not be loaded or registered; the message names the distribution."""


class OcrUnavailableError(RefocusError):
    """No OCR backend could be started; the message says what to install."""


class ModelError(RefocusError):
    """The model endpoint failed in a way retries could not fix."""
