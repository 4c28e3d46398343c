"""Sub-commands of the model loop: ask, plan, eval, report, export-vcot."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from refocus_dsl.cli._common import (
    add_engine,
    add_max_pixels,
    add_ocr_time,
    add_prompt_style,
    add_request_settings,
    ocr_time,
)
from refocus_dsl.cli._paths import (
    check_image_extension,
    check_output_file,
    check_output_folder,
    refuse_input_overwrite,
    refuse_trace_overwrite,
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
from refocus_dsl.ocr_time import ocr_time_limit

_FMT = argparse.RawDescriptionHelpFormatter

ASK_EPILOG = """\
examples:
  refocus ask table.png "Which year had the highest earning?"
      offline (no endpoint configured): the planner edits the image, no answer
  OPENAI_BASE_URL=http://localhost:8000/v1 refocus ask chart.png "What is China's value?" \\
      --model Qwen2-VL-7B-Instruct --trace-dir traces/q1
      any OpenAI-compatible server (vLLM, Ollama, LM Studio); the trace folder
      keeps every message, program and edited image
  OPENAI_API_KEY=... refocus ask table.png "..." --model gpt-4o --prompt-style paper
      the ReFocus paper's own prompt and focus_on_* calls
  refocus ask chart.png "..." --layout chart.json --json
      use a known layout instead of detecting one; print the result as JSON

  refocus ask table.png "..." --offline
      the offline planner even when OPENAI_API_KEY is set: no request is made
  refocus ask chart.png "..." --base-url http://localhost:8000/v1 --model my-vlm \
      --max-images 2 --image-max-side 1024 --max-tokens 512
      a local server that takes two images per prompt; smaller images, shorter replies

endpoint: --base-url, else OPENAI_BASE_URL; key: OPENAI_API_KEY; model: --model, else
REFOCUS_MODEL (required with a base URL; gpt-4o for OpenAI's API); request settings:
--max-tokens, --temperature, --image-max-side, --max-images, else REFOCUS_MAX_TOKENS,
REFOCUS_TEMPERATURE, REFOCUS_IMAGE_MAX_SIDE, REFOCUS_MAX_IMAGES.
"""

PLAN_EXAMPLES = """\
examples:
  refocus plan table.png "What was the cost in 2011?"        print the planner's program
  refocus plan chart.png "Compare China and India" -o focus.png   also write the edited image
  refocus plan chart.png "..." --layout chart.json --json      the plan as JSON
"""

EVAL_EXAMPLES = """\
examples:
  refocus eval questions.jsonl --out runs/gpt4o --concurrency 8
  refocus eval questions.jsonl --out runs/gold --layouts gold --metric exact
  refocus eval questions.jsonl --out runs/x --limit 20      do 20 now; rerun to resume
  refocus eval questions.jsonl --out runs/base --mode direct   the no-edit baseline
  refocus eval questions.jsonl --out runs/plan --offline     the offline planner, no request

dataset lines: {"id": "q1", "image": "img/q1.png", "question": "...", "answer": "42",
                "layout": "img/q1.json" (optional), "dataset": "...", "type": "..."}
paths are relative to the dataset file, inside its folder (else --allow-outside-paths).
Without an endpoint the offline planner runs.
An --out folder holding traces made with other settings (model, mode, ...) is refused;
exit status 1 when any question failed (endpoint gave up, unreadable image), else 0.
"""

REPORT_EXAMPLES = """\
examples:
  refocus report runs/gpt4o -o report.html          every trace in an eval folder
  refocus report traces/q1 traces/q2 -o two.html    chosen trace folders
"""

VCOT_EXAMPLES = """\
examples:
  refocus export-vcot runs/gpt4o -o train.jsonl
      one line per correctly answered question: query, answer, focus_areas,
      conversations (response + images per turn); image paths relative to train.jsonl
"""


def add_parsers(sub: Any) -> None:
    """The model-loop commands: ask, plan, eval, report, export-vcot."""
    _add_ask(sub)
    _add_plan(sub)
    _add_eval(sub)
    _add_report(sub)
    _add_export(sub)


def _add_ask(sub: Any) -> None:
    p = sub.add_parser(
        "ask",
        help="answer a question about an image with the ReFocus loop",
        description="Ask a multimodal model a question about a table or chart image; the "
        "model edits the image (mask, highlight, box) through the refocus language before "
        "answering.",
        epilog=ASK_EPILOG,
        formatter_class=_FMT,
    )
    p.add_argument("image", help="the table or chart image (PNG, JPEG, ...)")
    p.add_argument("question", help="the question, quoted")
    _endpoint_args(p)
    p.add_argument("--max-turns", type=int, default=None, help="model turns (default 4)")
    add_max_pixels(p)
    add_ocr_time(p)
    p.add_argument("--trace-dir", help="write the trace folder here")
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace a trace already in --trace-dir (refused without this flag)",
    )
    p.add_argument("--layout", help="a refocus-layout/1 JSON file instead of detection")
    add_prompt_style(p)
    p.add_argument(
        "--mode",
        choices=("refocus", "direct", "planner"),
        default="refocus",
        help="refocus (default), or a baseline: direct (no edits) or planner (its edit shown)",
    )
    p.add_argument(
        "-o",
        "--output",
        help="write the last edited image here, in the format its extension names "
        "(.png, .jpg, ...; - for PNG on standard output)",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=_ask)


def _add_plan(sub: Any) -> None:
    p = sub.add_parser(
        "plan",
        help="the offline planner: what to focus on, as a program",
        description="Match the question's words, numbers and years to the layout's column "
        "headers, row labels and category labels and write a refocus program. No model.",
        epilog=PLAN_EXAMPLES,
        formatter_class=_FMT,
    )
    p.add_argument("image", help="the table or chart image (PNG, JPEG, ...)")
    p.add_argument("question", help="the question, quoted")
    p.add_argument("--layout", help="a refocus-layout/1 JSON file instead of detection")
    p.add_argument(
        "-o",
        "--output",
        help="write the edited image here, in the format its extension names "
        "(.png, .jpg, ...; - for PNG on standard output)",
    )
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    add_max_pixels(p)
    add_ocr_time(p)
    p.set_defaults(handler=_plan)


def _add_eval(sub: Any) -> None:
    p = sub.add_parser(
        "eval",
        help="run ask over a JSONL dataset, concurrently and resumably",
        description="Evaluate the loop on a dataset; one trace folder per question, a "
        "summary with relaxed (ChartQA) and exact-match accuracy by dataset and question "
        "type, turns, edits and tokens.",
        epilog=EVAL_EXAMPLES,
        formatter_class=_FMT,
    )
    p.add_argument("dataset", help="JSONL: id, image, question, answer, optional layout")
    p.add_argument("--out", default="refocus-eval", help="output folder (default refocus-eval)")
    p.add_argument("--concurrency", type=int, default=4, help="questions in flight (default 4)")
    p.add_argument(
        "--detect-workers",
        type=int,
        default=None,
        metavar="N",
        help="processes detecting layouts (default: one per core)",
    )
    add_engine(p)
    p.add_argument(
        "--layouts", choices=("detected", "gold"), default="detected",
        help="detected: detect every image (default); gold: the dataset's layout files",
    )  # fmt: skip
    p.add_argument(
        "--metric", choices=("relaxed", "exact"), default="relaxed",
        help="relaxed: ChartQA's 5%% tolerance on numbers (default); exact: exact match",
    )  # fmt: skip
    p.add_argument("--max-turns", type=int, default=4, help="model turns (default 4)")
    add_prompt_style(p)
    p.add_argument("--limit", type=int, help="run at most N new questions this time")
    p.add_argument("--judge", action="store_true", help="also ask the model to judge answers")
    add_max_pixels(p)
    add_ocr_time(p)
    p.add_argument("--no-resume", action="store_true", help="redo questions already done")
    p.add_argument(
        "--allow-outside-paths",
        action="store_true",
        help="read images and layouts outside the dataset file's folder (../, absolute paths)",
    )
    p.add_argument(
        "--mode",
        choices=("refocus", "direct", "planner"),
        default="refocus",
        help="refocus (the model edits; default), or a baseline: direct (no edits) or "
        "planner (the offline planner's edit, the model only answers)",
    )
    _endpoint_args(p)
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=_eval)


def _add_report(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="one self-contained HTML page from trace folders",
        description="Render traces as the paper's figures: image, thought, program, edited "
        "image, answer, right or wrong. Images are embedded; the page needs no other file.",
        epilog=REPORT_EXAMPLES,
        formatter_class=_FMT,
    )
    p.add_argument("traces", nargs="+", help="trace folders, or folders of trace folders")
    p.add_argument("-o", "--output", required=True, help="the HTML file to write")
    p.add_argument("--title", default="refocus report", help="the page title")
    p.add_argument(
        "--image-max-side", type=int, default=800, metavar="PX",
        help="embed images downscaled to this longest side (default 800; 0: full size)",
    )  # fmt: skip
    p.set_defaults(handler=_report)


def _add_export(sub: Any) -> None:
    p = sub.add_parser(
        "export-vcot",
        help="training data (the paper's VCoT format) from correct traces",
        description="Write one JSON line per correctly answered question: query, answer, "
        "focus_areas (boxes), conversations (each turn's response and images).",
        epilog=VCOT_EXAMPLES,
        formatter_class=_FMT,
    )
    p.add_argument("traces", nargs="+", help="trace folders, or folders of trace folders")
    p.add_argument("-o", "--output", required=True, help="the JSONL file to write")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(handler=_export)


def _endpoint_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="model name (else REFOCUS_MODEL; required with --base-url)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint (else OPENAI_BASE_URL)")
    p.add_argument("--timeout", type=float, default=None, help="deadline per request, s (120)")
    p.add_argument("--retries", type=int, default=None, help="retries on 429/5xx/timeout (4)")
    add_request_settings(p)
    p.add_argument(
        "--offline", action="store_true",
        help="the offline planner, no model request, even with OPENAI_API_KEY set",
    )  # fmt: skip


def _config(args: argparse.Namespace) -> Any:
    """The endpoint from flags and environment; None with --offline or when none is set."""
    from refocus_dsl.loop.config import resolve_config

    if args.offline:
        return None
    return resolve_config(
        model=args.model,
        base_url=args.base_url,
        timeout_s=args.timeout,
        max_retries=args.retries,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
        image_max_side=args.image_max_side,
        max_images=args.max_images,
    )


def _ask(args: argparse.Namespace) -> int:
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.loop.session import ask
    from refocus_dsl.loop.trace import turn_to_dict

    _check_image_output(args)
    refuse_trace_overwrite(args.trace_dir, args.overwrite)
    with ocr_time_limit(ocr_time(args)):  # every detection of the question keeps it
        result = ask(
            image_input(args.image),
            args.question,
            config=_config(args),
            offline=args.offline,
            max_turns=args.max_turns,
            layout=layout_input(args.layout),
            trace_dir=args.trace_dir,
            prompt_style=args.prompt_style,
            mode=args.mode,
            limits=Limits(max_pixels=args.max_pixels),
        )
    if result.layout is None:
        for note in result.notes:
            print(f"refocus ask: {note}", file=sys.stderr)
    if args.output and result.edited_images:
        write_image(result.edited_images[-1], args.output)
    elif args.output:
        print(f"refocus ask: no turn edited the image; {args.output} not written", file=sys.stderr)
    if args.json:
        doc = {
            "question": result.question,
            "answer": result.answer,
            "status": result.status,
            "message": result.message,
            "model": result.model,
            "layout_source": result.layout_source,
            "turns": [
                {k: v for k, v in turn_to_dict(t).items() if k != "steps"} for t in result.turns
            ],
            "usage": result.usage.to_dict(),
            "elapsed_s": round(result.elapsed_s, 3),
            "trace_dir": str(result.trace_dir) if result.trace_dir else None,
            "notes": list(result.notes),
        }
        print(json.dumps(doc, indent=1, ensure_ascii=False))
        return 0
    out = text_stream(args.output)  # stderr when the image goes to stdout
    for t in result.turns:
        print(f"--- turn {t.index + 1} ({t.kind})", file=out)
        if t.thought:
            print(f"thought: {t.thought}", file=out)
        if t.program:
            print(t.program.rstrip(), file=out)
        if t.diagnostics_text:
            print(t.diagnostics_text.rstrip(), file=out)
        if t.run_error:
            print(f"error: {t.run_error}", file=out)
        if t.edited:
            print(_edited_note(args, result, t), file=out)
    answer = result.answer if result.answer is not None else result.message or "(none)"
    print(f"answer: {answer}", file=out)
    if result.trace_dir:
        print(f"trace: {result.trace_dir}", file=sys.stderr)
    return 0


def _edited_note(args: argparse.Namespace, result: Any, turn: Any) -> str:
    """Where an edited turn's image went: a path only when a file was written (the trace
    folder, or -o for the last edit)."""
    if result.trace_dir is not None and turn.edited_file:
        return f"(edited image: {Path(str(result.trace_dir)) / str(turn.edited_file)})"
    last = max((t.index for t in result.turns if t.edited), default=-1)
    if args.output and turn.index == last:
        where = "standard output" if is_stdio(args.output) else args.output
        return f"(edited image: {where})"
    return "(the image was edited; --trace-dir or -o keeps it)"


def _plan(args: argparse.Namespace) -> int:
    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.loop.offline import planner_turn
    from refocus_dsl.loop.session import load_input_image, resolve_layout

    _check_image_output(args)
    limits = Limits(max_pixels=args.max_pixels)
    image = load_input_image(image_input(args.image), limits)
    with ocr_time_limit(ocr_time(args)):
        layout, source, notes = resolve_layout(image, layout_input(args.layout))
    planned = planner_turn(args.question, image, layout, None, limits)
    p, turn = planned.plan, planned.turn
    if args.output:
        if turn.edited_image is None:
            print("refocus plan: nothing to focus on; no image written", file=sys.stderr)
        else:
            write_image(turn.edited_image, args.output)
    if args.json:
        doc = {
            "question": p.question,
            "program": p.program,
            "focus": [
                {
                    "kind": f.kind,
                    "label": f.label,
                    "index": f.index,
                    "box": f.box,
                    "matched": f.matched,
                }
                for f in p.focus
            ],
            "reasons": list(p.reasons),
            "layout_source": source,
            "diagnostics": turn.diagnostics_text,
            "notes": list(notes),
        }
        print(json.dumps(doc, indent=1, ensure_ascii=False))
        return 0
    out = text_stream(args.output)
    for reason in p.reasons:
        print(f"# {reason}", file=out)
    out.write(p.program)
    if turn.diagnostics_text:
        print(turn.diagnostics_text, file=sys.stderr)
    return 0


def _check_image_output(args: argparse.Namespace) -> None:
    """``-o`` of ask and plan: an existing folder, never the input image or layout;
    standard input read once, standard output written once."""
    one_stdin(("IMAGE", args.image), ("--layout", args.layout))
    if args.json and is_stdio(args.output):
        raise RefocusError("-o - and --json both write standard output", exit_code=USAGE)
    check_output_file(args.output, "-o")
    refuse_input_overwrite(
        args.output, [("input image", args.image), ("layout", args.layout)], "-o"
    )
    check_image_extension(args.output, "-o")


def _eval(args: argparse.Namespace) -> int:
    from refocus_dsl.loop.evaluate import EvalOptions, format_summary, run_eval

    check_output_folder(args.out, "--out")
    options = EvalOptions(
        out=Path(args.out),
        concurrency=args.concurrency,
        layouts=args.layouts,
        metric=args.metric,
        max_turns=args.max_turns,
        prompt_style=args.prompt_style,
        limit=args.limit,
        judge=args.judge,
        resume=not args.no_resume,
        mode=args.mode,
        max_pixels=args.max_pixels,
        ocr_time=ocr_time(args),
        detect_workers=args.detect_workers,
        engine=args.engine,
        ray_address=args.ray_address,
        allow_outside_paths=args.allow_outside_paths,
    )
    summary = run_eval(args.dataset, _config(args), options)
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        print(format_summary(summary))
        print(f"summary: {Path(args.out) / 'summary.json'}", file=sys.stderr)
    # a wrong answer is a result; a question that could not be asked is a failure
    return 1 if summary.get("failed") else 0


def print_first_request(args: argparse.Namespace) -> int:
    """``refocus prompt --request IMAGE QUESTION``: the first request's JSON body, as it
    would be sent (images shortened unless --full-images); nothing is sent."""
    import os

    from refocus_dsl.lang.limits import Limits
    from refocus_dsl.loop.client import request_body
    from refocus_dsl.loop.config import resolve_config
    from refocus_dsl.loop.session import prepare

    image, question = args.request
    model = args.model or os.environ.get("REFOCUS_MODEL") or "MODEL"
    # The request settings as `ask` would resolve them (flags, then REFOCUS_* variables);
    # the key is a placeholder because nothing is sent and the body never holds it.
    config = resolve_config(
        model=model, api_key="unused", max_tokens=args.max_tokens,
        temperature=args.temperature, image_max_side=args.image_max_side,
        max_images=args.max_images,
    )  # fmt: skip
    if config is None:  # cannot happen: a key is given, so there is an endpoint
        raise RefocusError("no endpoint settings")
    with ocr_time_limit(ocr_time(args)):  # its detection keeps the limit, as ask's does
        prepared = prepare(
            image, question, config, layout=args.layout,
            prompt_style=args.prompt_style or "dsl", mode=args.mode,
            limits=Limits(max_pixels=args.max_pixels),
        )  # fmt: skip
    body = request_body(prepared.config, prepared.dialogue.api_messages())
    if not args.full_images:
        for message in body["messages"]:
            for part in message["content"] if isinstance(message["content"], list) else []:
                if part.get("type") == "image_url":
                    url = part["image_url"]["url"]
                    part["image_url"]["url"] = f"{url[:40]}... ({len(url):,} characters)"
    print(json.dumps(body, indent=1, ensure_ascii=False))
    return 0


def _report(args: argparse.Namespace) -> int:
    from refocus_dsl.loop.report import render_report, write_report

    side = args.image_max_side if args.image_max_side > 0 else None
    if is_stdio(args.output):
        page, n = render_report(args.traces, args.title, side)
        write_text(page, args.output)
    else:
        n = write_report(args.traces, args.output, args.title, side)
    print(f"wrote {args.output}: {n} questions", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    from refocus_dsl.loop.vcot import export_vcot, render_vcot

    if is_stdio(args.output):  # image paths relative to where the command runs
        text, count = render_vcot(args.traces, Path.cwd())
        write_text(text, args.output)
    else:
        count = export_vcot(args.traces, args.output)
    out = text_stream(args.output)
    if args.json:
        print(json.dumps(count.__dict__), file=out)
    else:
        print(
            f"wrote {args.output}: {count.written} questions "
            f"(left out: {count.wrong} answered wrongly, {count.unscored} not scored: "
            "no answer or no gold answer"
            + (f"; {count.skipped} unreadable" if count.skipped else "")
            + ")",
            file=out,
        )
    return 0
