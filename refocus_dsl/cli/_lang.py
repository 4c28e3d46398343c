"""The language sub-commands: ``check``, ``run``, ``plugins``, ``docs``, ``prompt``.

Each handler returns an exit code (0 fine, 1 the program or input has errors);
deliberate errors propagate as :class:`~refocus_dsl.errors.RefocusError` and
the dispatcher prints them as one line. Output that is data goes to stdout
(with ``--json`` as JSON); progress and notes go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

from refocus_dsl.cli._common import add_max_pixels, add_ocr_time, add_request_settings, ocr_time
from refocus_dsl.cli._paths import (
    check_image_extension,
    check_output_file,
    refuse_input_overwrite,
)
from refocus_dsl.cli._stdio import (
    image_input,
    is_stdio,
    layout_input,
    one_stdin,
    text_stream,
    write_image,
    write_text,
)
from refocus_dsl.errors import USAGE, RefocusError
from refocus_dsl.ocr_time import UNREAD, ocr_time_limit

RAW = argparse.RawDescriptionHelpFormatter

CHECK_EPILOG = """\
examples:
  refocus check program.rf                       syntax, tools, arguments, ranges
  refocus check program.rf --layout table.json   ... and every label against the layout
  refocus check -e 'keep_only(columns("Year"))' --layout table.json
  echo 'mask(region(0, 0, 0.5, 1))' | refocus check -
  refocus check program.rf --json                diagnostics as JSON (for tools and models)

exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
"""

RUN_EPILOG = """\
examples:
  refocus run table.png program.rf --layout table.json -o out.png
  refocus run table.png -e 'highlight(rows("1996"), color="yellow")' -o out.png
  refocus run chart.png program.rf -o out.png --trace trace.json
  refocus run table.png program.rf -o out.png --json     trace as JSON on stdout

Without --layout the layout is detected from the pixels (not needed, and not
done, when every target is a region(...)). The program is checked first; a
program with errors is not run (exit 1, diagnostics as for `check`).
"""

PLUGINS_EPILOG = """\
examples:
  refocus plugins            name, summary and providing package of every edit tool
  refocus plugins --json     the same with every parameter's type, default and range
"""

DOCS_EPILOG = """\
examples:
  refocus docs                       print the language reference
  refocus docs -o docs/language.md   write it to a file
"""

PROMPT_EPILOG = """\
examples:
  refocus prompt             the tool section of the model's prompt, from the plugins
  refocus prompt --prompt-style paper       the paper style's system prompt and first message
  refocus prompt --request table.png "Which year earned most?" --layout table.json
      the full first request as JSON (images shortened; --full-images keeps them)
"""


def add_parsers(sub: Any) -> None:
    """Register this module's sub-commands on sub (an argparse subparsers action)."""
    p = sub.add_parser(
        "check",
        help="check a program without running it",
        description="Check a program statically: syntax, tools, arguments, types, ranges, "
        "and (with --layout) every label it names.",
        epilog=CHECK_EPILOG,
        formatter_class=RAW,
    )
    _program_args(p)
    p.add_argument("--layout", metavar="L.json", help="layout to check labels against")
    p.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser(
        "run",
        help="apply a program to an image",
        description="Check a program, then apply its edits in order to the image.",
        epilog=RUN_EPILOG,
        formatter_class=RAW,
    )
    p.add_argument("image", metavar="IMAGE", help="input image (PNG, JPEG, ...)")
    _program_args(p)
    p.add_argument("--layout", metavar="L.json", help="layout of IMAGE (default: detect it)")
    p.add_argument("-o", "--output", metavar="OUT.png", required=True, help="edited image")
    p.add_argument("--trace", metavar="T.json", help="write the trace of every statement")
    p.add_argument("--json", action="store_true", help="print the result (trace) as JSON")
    add_max_pixels(p)
    add_ocr_time(p)
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "plugins",
        help="list the edit tools and the packages that provide them",
        description="List every edit tool found through the refocus_dsl.plugins entry points.",
        epilog=PLUGINS_EPILOG,
        formatter_class=RAW,
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_plugins)

    p = sub.add_parser(
        "docs",
        help="print the language reference (or write it with -o)",
        description="Generate the language reference from the installed plugins.",
        epilog=DOCS_EPILOG,
        formatter_class=RAW,
    )
    p.add_argument(
        "-o", "--output", metavar="PATH", default="-",
        help="write it to PATH (default: standard output)",
    )
    p.set_defaults(handler=cmd_docs)

    p = sub.add_parser(
        "prompt",
        help="print the tool section of the model's prompt",
        description="Print the tool section of the model's prompt, generated from the plugins.",
        epilog=PROMPT_EPILOG,
        formatter_class=RAW,
    )
    p.add_argument(
        "--prompt-style", choices=("dsl", "paper"), default=None,
        help="print this style's system prompt and first user message",
    )  # fmt: skip
    p.add_argument(
        "--request", nargs=2, metavar=("IMAGE", "QUESTION"),
        help="print the full first request for IMAGE and QUESTION, as JSON",
    )  # fmt: skip
    p.add_argument("--layout", metavar="L.json", help="with --request: the layout (else detected)")
    p.add_argument(
        "--mode", choices=("refocus", "direct", "planner"), default="refocus",
        help="with --request: refocus (default), or a baseline",
    )  # fmt: skip
    p.add_argument(
        "--full-images", action="store_true",
        help="with --request: keep the images' data URIs whole",
    )  # fmt: skip
    p.add_argument("--model", help="with --request: model name (else REFOCUS_MODEL)")
    add_request_settings(p)
    add_max_pixels(p)
    add_ocr_time(p)
    p.set_defaults(handler=cmd_prompt)


def _program_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "program", metavar="PROGRAM",
        help="program file, '-' for standard input, or the program text with -e",
    )
    p.add_argument(
        "-e", "--expr", action="store_true", help="PROGRAM is the program text itself"
    )


# ---------------------------------------------------------------- helpers


def read_program(args: argparse.Namespace) -> tuple[str, str]:
    """``(text, name for messages)`` of the program the user pointed at."""
    if args.expr:
        return str(args.program), "<expr>"
    if args.program == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(args.program)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RefocusError(
            f"cannot read program {path}: {exc.strerror or exc}", exit_code=USAGE
        ) from None
    try:
        return data.decode("utf-8"), str(path)
    except UnicodeDecodeError as exc:
        raise RefocusError(f"program {path} is not UTF-8 text ({exc.reason})") from None


def render_text(diagnostics: Sequence[Any], source: str, filename: str) -> str:
    from refocus_dsl.lang.diagnostics import render_text as render

    return render(list(diagnostics), source, filename)


def diagnostics_json(diagnostics: Sequence[Any], source: str = "") -> list[dict[str, Any]]:
    """Diagnostics as JSON values (the front-end's own JSON rendering)."""
    from refocus_dsl.lang.diagnostics import diagnostics_to_json

    return diagnostics_to_json(list(diagnostics), source)


def _load_layout(path: str | None) -> Any:
    if path is None:
        return None
    from refocus_dsl.layout import load_layout

    source = layout_input(path)
    return None if source is None else load_layout(source)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=1, ensure_ascii=False))


def _summary(diagnostics: Sequence[Any]) -> str:
    errors = sum(1 for d in diagnostics if d.is_error)
    warnings = len(diagnostics) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def _check_text(text: str, layout: Any) -> list[Any]:
    from refocus_dsl.lang.pipeline import compile_program

    return list(compile_program(text, layout).diagnostics)


# ---------------------------------------------------------------- commands


def cmd_check(args: argparse.Namespace) -> int:
    one_stdin(("PROGRAM", None if args.expr else args.program), ("--layout", args.layout))
    text, name = read_program(args)
    layout = _load_layout(args.layout)
    diagnostics = _check_text(text, layout)
    has_errors = any(d.is_error for d in diagnostics)
    if args.json:
        _print_json(
            {
                "file": name,
                "ok": not has_errors,
                "layout": args.layout,
                "diagnostics": diagnostics_json(diagnostics, text),
            }
        )
    elif diagnostics:
        print(render_text(diagnostics, text, name).rstrip("\n"))
        print(f"{name}: {_summary(diagnostics)}", file=sys.stderr)
    else:
        checked = "labels checked against the layout"
        if layout is None:
            checked = "no layout given, labels not checked"
        print(f"{name}: no problems ({checked})", file=sys.stderr)
    return 1 if has_errors else 0


def _layout_for(args: argparse.Namespace, loaded: Any) -> Any:
    if args.layout is not None:
        return _load_layout(args.layout)
    try:
        detect = import_module("refocus_dsl.detect")
    except ImportError:
        detect = None
    fn = getattr(detect, "detect_layout", None)
    if fn is None:
        raise RefocusError(
            "no --layout given and layout detection is not installed; "
            "pass --layout L.json (a refocus-layout/1 document)"
        )
    print(f"refocus run: detecting the layout of {args.image} ...", file=sys.stderr)
    with ocr_time_limit(ocr_time(args)):
        layout = fn(loaded)
    for note in layout.notes:  # labels the program names may be missing for this reason
        if UNREAD in note:
            print(f"refocus run: note: {note}", file=sys.stderr)
    return layout


def _refuse(args: argparse.Namespace, diagnostics: Sequence[Any], text: str, name: str) -> int:
    if args.json:
        _print_json({"ok": False, "file": name, "diagnostics": diagnostics_json(diagnostics, text)})
    else:
        print(render_text(diagnostics, text, name).rstrip("\n"), file=text_stream(args.output))
        print(f"{name}: {_summary(diagnostics)}; nothing was run", file=sys.stderr)
    return 1


def _only_regions(program: Any) -> bool:
    """True when every target is a region(...): such a program needs no layout (no OCR)."""
    from refocus_dsl.lang.ast import Call

    targets = [st.call.args[0] if st.call.args else None for st in program.statements]
    return all(isinstance(t, Call) and t.name == "region" for t in targets)


def _refuse_run_overwrites(args: argparse.Namespace) -> None:
    """Neither -o nor --trace may name an input (or each other)."""
    program = None if args.expr else args.program
    inputs = [("input image", args.image), ("program", program), ("layout", args.layout)]
    check_output_file(args.output, "-o")
    refuse_input_overwrite(args.output, inputs, "-o")
    check_image_extension(args.output, "-o")
    check_output_file(args.trace, "--trace")
    refuse_input_overwrite(args.trace, [*inputs, ("output image", args.output)], "--trace")


def cmd_run(args: argparse.Namespace) -> int:
    from refocus_dsl.imageio import load_image
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.lang.pipeline import compile_program

    one_stdin(
        ("IMAGE", args.image), ("PROGRAM", None if args.expr else args.program),
        ("--layout", args.layout),
    )  # fmt: skip
    if args.json and is_stdio(args.output):
        raise RefocusError("-o - and --json both write standard output", exit_code=USAGE)
    if is_stdio(args.trace) and (args.json or is_stdio(args.output)):
        other = "--json" if args.json else "-o -"
        raise RefocusError(f"--trace - and {other} both write standard output", exit_code=USAGE)
    text, name = read_program(args)
    _refuse_run_overwrites(args)
    # Syntax, tools and arguments first: no point detecting a layout for a broken program.
    checked = compile_program(text, None, limits=Limits(max_pixels=args.max_pixels))
    if not checked.ok or checked.program is None:
        return _refuse(args, checked.diagnostics, text, name)
    loaded = load_image(image_input(args.image), args.max_pixels)
    if args.layout is not None or not _only_regions(checked.program):
        checked = checked.against(_layout_for(args, loaded))
        if not checked.ok:
            return _refuse(args, checked.diagnostics, text, name)
    diagnostics = checked.diagnostics
    result = checked.run(loaded)
    out_path = write_image(result.image, args.output)
    if args.trace:
        write_text(result.trace_json() + "\n", args.trace)
    if args.json:
        doc = result.to_dict()
        doc.update({"ok": True, "file": name, "output": out_path})
        doc["diagnostics"] = diagnostics_json(diagnostics, text)
        _print_json(doc)
    else:
        for note in result.notes:
            print(f"note: {note}", file=sys.stderr)
        w, h = result.image.size
        print(
            f"wrote {out_path} ({w}x{h} {result.image.mode}, {len(result.trace)} edit(s))",
            file=sys.stderr,
        )
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    """List the tools; a broken plugin is reported (exit 1) and the others still listed."""
    from refocus_dsl.lang.docs_gen import signature
    from refocus_dsl.plugin import REQUIRED
    from refocus_dsl.registry import default_registry

    registry = default_registry()
    broken = 1 if registry.broken else 0
    rows: list[dict[str, Any]] = []
    for tool in registry.tools():
        dist, version = registry.source_of(tool.name)
        rows.append(
            {
                "name": tool.name,
                "summary": tool.summary,
                "distribution": dist,
                "version": version,
                "signature": signature(tool),
                "targets": sorted(tool.targets),
                "changes_geometry": tool.changes_geometry,
                "example": tool.example,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "required": p.default is REQUIRED,
                        "default": None if p.default is REQUIRED else p.default,
                        "min": p.min,
                        "max": p.max,
                        "choices": list(p.choices),
                        "doc": p.doc,
                    }
                    for p in tool.params
                ],
            }
        )
    if args.json:
        _print_json(rows)
        return broken  # the broken plugins were logged on stderr
    width = max((len(r["name"]) for r in rows), default=4)
    for r in rows:
        print(f"{r['name']:<{width}}  {r['distribution']} {r['version']}".rstrip())
        print(f"{'':<{width}}  {r['summary']}")
    if registry.disabled:
        print(f"switched off: {', '.join(registry.disabled)}")
    for bad in registry.broken:
        print(f"BROKEN {bad.entry_point} ({bad.distribution} {bad.version}): {bad.error}".strip())
    return broken


def cmd_docs(args: argparse.Namespace) -> int:
    from refocus_dsl.lang.docs_gen import language_reference
    from refocus_dsl.registry import default_registry

    text = language_reference(default_registry())
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    path = Path(args.output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise RefocusError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"wrote {path}", file=sys.stderr)
    return 0


def cmd_prompt(args: argparse.Namespace) -> int:
    if args.request:
        from refocus_dsl.cli._loop import print_first_request

        return print_first_request(args)
    if args.prompt_style is not None:
        from refocus_dsl.loop.prompt import build_prompt

        prompt = build_prompt(args.prompt_style, "QUESTION", None)
        sys.stdout.write(
            f"{prompt.system.rstrip()}\n\n--- first user message (the image follows it) ---\n"
            f"{prompt.question.rstrip()}\n"
        )
        return 0
    from refocus_dsl.lang.docs_gen import prompt_tool_section
    from refocus_dsl.registry import default_registry

    sys.stdout.write(prompt_tool_section(default_registry()))
    return 0
