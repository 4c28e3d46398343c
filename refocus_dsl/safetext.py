"""Text that leaves the process: credentials redacted, terminal controls made visible.

Model replies, OCR'd labels and error messages from servers are untrusted: printed
raw, an OSC sequence retitles the terminal or writes the clipboard, ``ESC[2J``
clears the screen. And a base URL such as ``http://user:pass@host/v1`` must never
reach a trace, a log or the screen with its password. :func:`redact` and
:func:`terminal_safe` are the one place both rules live; the CLI routes everything
it prints through :func:`safe_output`, and traces store redacted errors.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@\"'<>]+@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls except tab, newline and carriage return (progress bars redraw
with it), and the bidirectional overrides that make text read other than it is."""


def redact_url(url: str | None) -> str | None:
    """The URL without its ``user:password@`` part."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:  # a malformed port or address: fall back to the text rule
        return redact(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def redact(text: str) -> str:
    """``scheme://user:pass@host`` written anywhere in ``text`` becomes ``scheme://***@host``."""
    return _USERINFO.sub(r"\1***@", text) if "@" in text else text


def terminal_safe(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``).

    Escaping rather than deleting keeps messages true: a label that really holds
    ``ESC]0;x BEL Year`` is shown as such, so "no column named ..." never seems to
    contradict the list of columns printed beside it. With ESC itself made visible,
    no escape sequence can act on the terminal.
    """
    return _CONTROL.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class _SafeStream:
    """A text stream that redacts what is written and makes its controls visible."""

    def __init__(self, inner: IO[str]) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(terminal_safe(redact(text)))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, buffer, isatty, encoding, fileno ...
        return getattr(self._inner, name)


@contextmanager
def safe_output() -> Iterator[None]:
    """While active, everything written to standard output and error is redacted and
    shown with its control characters escaped (binary writes to ``.buffer`` pass unchanged)."""
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout = _SafeStream(old_out)
    sys.stderr = _SafeStream(old_err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = old_out, old_err
