"""The ``refocus`` command line: one sub-command module per concern.

Each module registers its sub-commands with :func:`add_parsers` and returns an
exit code from its handler; this module only dispatches and turns deliberate
errors into one-line messages instead of tracebacks. Exit status: 0 success,
1 the program or the data has problems, 2 a usage or file error (a bad option,
a missing file or setting).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from refocus_dsl.errors import RefocusError

EPILOG = """\
examples:
  refocus check program.rf --layout table.json      validate a program statically
  refocus run table.png program.rf -o out.png       apply a program to an image
  refocus detect chart.png --overlay boxes.png      find columns, rows, bars, panels
  refocus ask table.png "Which year earned most?"   the ReFocus loop (offline planner if no model)
  refocus plugins                                   list the edit tools and where they come from

Run `refocus COMMAND --help` for each command's options and examples.
"""


def build_parser() -> argparse.ArgumentParser:
    from refocus_dsl.cli import _detect, _lang, _loop

    parser = argparse.ArgumentParser(
        prog="refocus",
        description="Let a multimodal model think by editing table and chart images, safely.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    _add_verbosity(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (_lang, _detect, _loop):
        module.add_parsers(sub)
    for command in sub.choices.values():
        _add_verbosity(command, top=False)
    return parser


def _add_verbosity(p: argparse.ArgumentParser, *, top: bool) -> None:
    """``-v``/``-q`` before or after the command (the command's copy must not reset
    what was given before it, hence SUPPRESS there)."""
    default: object = 0 if top else argparse.SUPPRESS
    p.add_argument(
        "-v", "--verbose", action="count", default=default,
        help="say more: each model request and each question (repeatable)",
    )  # fmt: skip
    p.add_argument(
        "-q", "--quiet", action="count", default=default,
        help="say less: only warnings and errors, no progress",
    )  # fmt: skip
    p.add_argument(
        "--disable-plugin", action="append", metavar="NAME", default=[] if top else default,
        help="do not load this plugin (entry-point or distribution name; repeatable; "
        "also REFOCUS_DISABLE_PLUGINS=a,b)",
    )  # fmt: skip


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"refocus-dsl {version('refocus-dsl')}"
    except PackageNotFoundError:
        return "refocus-dsl (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; everything it prints is redacted and free of control sequences."""
    from refocus_dsl.safetext import safe_output

    with safe_output():
        try:
            return _main(argv)
        except KeyboardInterrupt:  # before the command ran (its parser, its plugins)
            print("refocus: interrupted", file=sys.stderr)
            return 130


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from refocus_dsl.progress import configure_logging

    configure_logging(args.verbose - args.quiet)
    from refocus_dsl.registry import disable_plugins

    disable_plugins(args.disable_plugin)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code: int = handler(args)
    except RefocusError as exc:
        print(f"refocus {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"refocus {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug of ours: a message, not a traceback
        return _internal_error(args, exc)
    return code


def _internal_error(args: argparse.Namespace, exc: Exception) -> int:
    """Report a failure no error class foresaw: what failed, that it is our bug, and
    how to get the traceback (``-v``) for the report."""
    import traceback

    from refocus_dsl.errors import INTERNAL

    if args.verbose > 0:
        traceback.print_exception(exc, file=sys.stderr)
    print(
        f"refocus {args.command}: internal error: {type(exc).__name__}: {exc}\n"
        "This is a bug in refocus-dsl, not in your input; please report it with the"
        " command and its input"
        + ("." if args.verbose > 0 else " (run again with -v for the traceback)."),
        file=sys.stderr,
    )
    return INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
