"""Sub-commands (placeholder until implemented)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(sub: Any) -> None:
    """Register this module's sub-commands on sub (an argparse subparsers action)."""
    del sub


def _unused(args: argparse.Namespace) -> int:
    return 0
