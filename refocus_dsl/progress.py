"""What long work tells the person waiting: the ``refocus`` logger and a progress bar.

Messages go through :mod:`logging` under the ``refocus`` logger (``refocus.client``
says when a request is retried and why, ``refocus.eval`` reports each question),
so a library user routes them like any other and the CLI's ``-v``/``-q`` set the
level. Long work shows a tqdm bar with rate and ETA when standard error is a
terminal, and one plain line per item when it is not (a log file, CI), where a
redrawn bar would be noise. tqdm: small, no dependencies of its own, and its
``write`` keeps log lines from tearing the bar.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tqdm import tqdm

LOGGER_NAME = "refocus"
logger = logging.getLogger(LOGGER_NAME)


class _TqdmHandler(logging.Handler):
    """Writes records through ``tqdm.write`` so a live bar is redrawn below them."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__()
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        try:
            from tqdm import tqdm  # imported on first use: 35 ms saved for every command

            tqdm.write(self.format(record), file=self.stream or sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never raise
            self.handleError(record)


class _Formatter(logging.Formatter):
    """``refocus: message``; warnings and errors also say their level."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.levelno >= logging.WARNING:
            text = f"{record.levelname.lower()}: {text}"
        return f"refocus: {text}"


def configure_logging(verbosity: int = 0, stream: IO[str] | None = None) -> None:
    """The CLI's logging: ``verbosity`` -1 (``-q``: warnings only), 0 (progress and
    retries), 1 or more (``-v``: each request and each question, also under a bar)."""
    level = logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG
    for old in [h for h in logger.handlers if isinstance(h, _TqdmHandler)]:
        logger.removeHandler(old)
    handler = _TqdmHandler(stream)
    handler.setFormatter(_Formatter())
    logger.addHandler(handler)
    logger.setLevel(level)


class ProgressDisplay:
    """Progress over ``total`` items: a bar on a terminal, else one line per item.

    :meth:`item` reports one finished item: under a bar its line is logged at DEBUG
    (``-v`` shows it) and failures always as warnings; without a bar every line is
    logged at INFO (failures as warnings).
    """

    def __init__(
        self,
        total: int,
        unit: str,
        desc: str,
        *,
        bar: bool | None = None,
        stream: IO[str] | None = None,
        log: logging.Logger = logger,
    ) -> None:
        out = stream or sys.stderr
        show = _is_terminal(out) if bar is None else bar
        quiet = not log.isEnabledFor(logging.INFO)
        self.log = log
        self._bar: tqdm[Any] | None = None
        if show and total > 0 and not quiet:
            # a terminal that reports no size (a fresh pty, some CI consoles) gets 80x24,
            # else tqdm draws nothing
            from tqdm import tqdm

            columns, lines = _size(out)
            self._bar = tqdm(
                total=total, unit=f" {unit}", desc=desc, file=out,
                dynamic_ncols=columns > 0 and lines > 0,
                ncols=None if columns > 0 else 80, nrows=None if lines > 0 else 24,
            )  # fmt: skip

    @property
    def has_bar(self) -> bool:
        return self._bar is not None

    def item(self, line: str, *, failed: bool = False, status: str = "") -> None:
        if failed:
            self.log.warning(line)
        elif self._bar is not None:
            self.log.debug(line)
        else:
            self.log.info(line)
        if self._bar is not None:
            if status:
                self._bar.set_postfix_str(status, refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressDisplay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _size(stream: IO[str]) -> tuple[int, int]:
    """Columns and lines of the terminal behind ``stream`` (0 where it reports none)."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return 0, 0
    return size.columns, size.lines


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["LOGGER_NAME", "ProgressDisplay", "configure_logging", "logger"]
