"""Errors of the model loop (all under :class:`refocus_dsl.errors.RefocusError`)."""

from __future__ import annotations

from refocus_dsl.errors import ModelError, RefocusError

__all__ = ["LoopError", "ModelError", "TraceError"]


class LoopError(RefocusError):
    """A loop setting or input is invalid (prompt style, turn count, dataset line, ...)."""


class TraceError(RefocusError):
    """A trace folder is missing, unreadable or not a refocus trace."""
