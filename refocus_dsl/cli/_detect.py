"""Layout sub-commands: ``detect`` (one image, or many) and ``eval-layout`` (a scored manifest).

Data goes to stdout (a human summary, or JSON with ``--json``); progress and
notes go to stderr. Deliberate errors propagate as
:class:`~refocus_dsl.errors.RefocusError` and the dispatcher prints one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from refocus_dsl.cli._common import (
    add_engine,
    add_kind,
    add_max_pixels,
    add_ocr,
    add_ocr_time,
    ocr_time,
)
from refocus_dsl.layout import Layout

RAW = argparse.RawDescriptionHelpFormatter

DETECT_EPILOG = """\
examples:
  refocus detect table.png                          kind, columns and rows with their labels
  refocus detect table.png --json > layout.json     the layout JSON (refocus-layout/1)
  refocus detect chart.png --overlay boxes.png      draw what was found over the image
  refocus detect table.png --kind table --ocr pytesseract --no-cache
  refocus detect images/ --out-dir layouts/         every image of a folder, on every core
  refocus detect questions.jsonl --jsonl layouts.jsonl   the images a manifest names

With --jsonl or --out-dir, many images are detected in worker processes (one per
core, --workers N), with progress on stderr; a rerun skips the images already
written and tries failed ones again. --out-dir writes DIR/<image path>.json,
ready to be named as a question's "layout" for `refocus eval --layouts gold`.

The layout is cached by image content and detector version (in memory and under
$XDG_CACHE_HOME/refocus-dsl/layouts; REFOCUS_NO_CACHE=1 or --no-cache skips it).
"""

EVAL_EPILOG = """\
examples:
  refocus eval-layout data/tables/wtq/manifest.jsonl
  refocus eval-layout manifest.jsonl --json > scores.json
  refocus eval-layout manifest.jsonl --limit 20 --overlays overlays/

A manifest has one JSON object a line: {"id", "image", "gold", "style", ...}, paths
relative to the manifest's folder; gold files are refocus-layout/1 documents.
Figures are given overall and per group (the manifest's `style`, else `dataset`,
else its folder). Progress goes to stderr.
"""


def add_parsers(sub: Any) -> None:
    """Register ``detect`` and ``eval-layout``."""
    p = sub.add_parser(
        "detect",
        help="find the table grid, chart bars or figure panels in an image",
        description="Detect the layout of a table, bar chart or multi-panel figure "
        "from its pixels.",
        epilog=DETECT_EPILOG,
        formatter_class=RAW,
    )
    p.add_argument(
        "image",
        help="image file (PNG, JPEG, ...); or, with --jsonl or --out-dir, a folder of "
        "images or a JSON Lines manifest whose lines name an \"image\"",
    )
    add_kind(p)
    p.add_argument("--json", action="store_true", help="print the layout JSON")
    p.add_argument(
        "--overlay", metavar="OUT.png", help="write the image with the boxes drawn on it"
    )
    add_ocr(p)
    p.add_argument(
        "--no-cache", action="store_true", help="detect afresh, do not read or write the cache"
    )
    batch = p.add_argument_group("many images (a folder or a manifest)")
    batch.add_argument("--jsonl", metavar="OUT.jsonl", help="one layout per line, appended")
    batch.add_argument("--out-dir", metavar="DIR", help="one DIR/<image>.json per image")
    batch.add_argument(
        "--no-resume", action="store_true", help="detect every image again (default: skip done)"
    )
    batch.add_argument(
        "--workers", type=int, default=None, metavar="N",
        help="processes detecting at once (default: one per core)",
    )
    add_engine(batch)
    add_max_pixels(p)
    add_ocr_time(p)
    p.set_defaults(handler=_detect)

    e = sub.add_parser(
        "eval-layout",
        help="score detected layouts against gold layouts (a JSONL manifest)",
        description="Detect every image of a manifest and score it against its gold layout.",
        epilog=EVAL_EPILOG,
        formatter_class=RAW,
    )
    e.add_argument("manifest", help="JSON Lines manifest")
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    e.add_argument(
        "--kind",
        choices=["gold", "auto", "table", "chart", "figure"],
        default="gold",
        help="what to detect: the gold's kind (default), or auto-classify, or force one",
    )
    e.add_argument("--limit", type=int, metavar="N", help="only the first N images")
    e.add_argument("--overlays", metavar="DIR", help="write an overlay image per input here")
    add_ocr(e)
    e.set_defaults(handler=_eval)


def _box(box: tuple[int, int, int, int] | None) -> str:
    return str(list(box)) if box is not None else "none"


def summary(layout: Layout) -> str:
    """A few lines a person can read: what was found, with headers and labels."""
    lines = [f"kind: {layout.kind}  ({layout.width}x{layout.height})"]
    t = layout.table
    if t is not None:
        n_head = len(t.header_rows)
        lines.append(
            f"table {list(t.bbox)}: {len(t.columns)} columns, {len(t.rows)} rows "
            f"({n_head} header row{'s' if n_head != 1 else ''})"
        )
        for c in t.columns:
            lines.append(f"  column {c.index}: {c.header!r}  {list(c.bbox)}")
        for r in t.rows:
            tag = " [header]" if r.is_header else ""
            lines.append(f"  row {r.index}: {r.label!r}{tag}  {list(r.bbox)}")
    ch = layout.chart
    if ch is not None:
        plot = list(ch.plot_bbox) if ch.plot_bbox else "?"
        lines.append(
            f"{ch.orientation or '?'} {ch.type} chart, plot {plot}"
            + (f", title {ch.title!r}" if ch.title else "")
        )
        for se in ch.series:
            color = "#{:02x}{:02x}{:02x}".format(*se.color) if se.color else "?"
            lines.append(f"  series {se.index + 1}: {se.label!r}  colour {color}")
        for cat in ch.categories:
            bar = list(cat.bar_bbox) if cat.bar_bbox else None
            lines.append(f"  category {cat.index}: {cat.label!r}  bar {bar}")
            if ch.series:  # each series' bar, so bars("...", series=...) can be checked by eye
                for se, one in zip(ch.series, cat.bars, strict=False):
                    lines.append(f"    {se.label or f'series {se.index + 1}'}: {_box(one)}")
    for sp in layout.subplots:
        lines.append(
            f"  panel {sp.index + 1}: {list(sp.bbox)}" + (f" {sp.title!r}" if sp.title else "")
        )
    if layout.confidence is not None:
        lines.append(f"confidence: {layout.confidence:.2f}")
    for note in layout.notes:
        lines.append(f"note: {note}")
    det = layout.detector or {}
    secs = det.get("seconds", {})
    if det:
        ocr = det.get("ocr", {})
        lines.append(
            f"detector {det.get('version', '?')}, OCR {ocr.get('backend', '?')} "
            f"({det.get('ocr_calls', '?')} calls), {secs.get('total', 0):.3f}s"
            + (" (cached)" if det.get("cache") == "hit" else "")
        )
    return "\n".join(lines)


def _detect(args: argparse.Namespace) -> int:
    if args.jsonl or args.out_dir or Path(args.image).is_dir():
        return _detect_many(args)
    from refocus_dsl.cli._paths import (
        check_image_extension,
        check_output_file,
        refuse_input_overwrite,
    )
    from refocus_dsl.cli._stdio import image_input, is_stdio, text_stream, write_image
    from refocus_dsl.detect import detect_layout
    from refocus_dsl.imageio import load_image

    if args.json and is_stdio(args.overlay):
        print("refocus detect: error: --overlay - and --json both write standard output",
              file=sys.stderr)  # fmt: skip
        return 2
    check_output_file(args.overlay, "--overlay")
    refuse_input_overwrite(args.overlay, [("input image", args.image)], "--overlay")
    check_image_extension(args.overlay, "--overlay")
    loaded = load_image(image_input(args.image), args.max_pixels)
    layout = detect_layout(loaded, args.kind, ocr=args.ocr, cache=False if args.no_cache else None,
                           ocr_time=ocr_time(args))
    if args.overlay:
        from refocus_dsl.overlay import draw_overlay

        out = write_image(draw_overlay(loaded.image, layout), args.overlay)
        print(f"overlay written to {out}", file=sys.stderr)
    if args.json:
        print(layout.to_json(indent=1))
    else:
        print(summary(layout), file=text_stream(args.overlay))
    return 0


def _detect_many(args: argparse.Namespace) -> int:
    from refocus_dsl.batch import BatchOptions, Report, run_batch
    from refocus_dsl.cli._paths import (
        check_output_file,
        check_output_folder,
        refuse_input_overwrite,
    )
    from refocus_dsl.loop.detection import DetectSettings
    from refocus_dsl.progress import ProgressDisplay, logger

    if bool(args.jsonl) == bool(args.out_dir):
        print("refocus detect: error: for many images give one of --jsonl OUT.jsonl or "
              "--out-dir DIR", file=sys.stderr)  # fmt: skip
        return 2
    if args.json or args.overlay:
        print("refocus detect: error: --json and --overlay are for one image", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("refocus detect: error: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.jsonl == "-" or args.out_dir == "-":
        flag = "--jsonl" if args.jsonl == "-" else "--out-dir"
        print(f"refocus detect: error: {flag} - : many images are written to a file that a rerun "
              "resumes from; name a file (or folder)", file=sys.stderr)  # fmt: skip
        return 2
    check_output_file(args.jsonl, "--jsonl")
    refuse_input_overwrite(args.jsonl, [("manifest", args.image)], "--jsonl")
    if args.out_dir:
        check_output_folder(args.out_dir, "--out-dir")
    options = BatchOptions(
        jsonl=Path(args.jsonl) if args.jsonl else None,
        out_dir=Path(args.out_dir) if args.out_dir else None,
        resume=not args.no_resume,
        workers=args.workers,
        engine=args.engine,
        ray_address=args.ray_address,
    )
    settings = DetectSettings(args.kind, args.ocr, not args.no_cache, args.max_pixels,
                              ocr_time(args))
    shown: list[ProgressDisplay] = []

    def start(todo: int) -> Report:
        shown.append(ProgressDisplay(todo, "image", "detect", log=logger.getChild("detect")))
        return lambda line, failed: shown[0].item(line, failed=failed)

    try:
        result = run_batch(args.image, options, settings, start)
    finally:
        for display in shown:
            display.close()
    print(
        f"{result.images} images: {result.detected} detected, {result.skipped} already done, "
        f"{result.failed} failed, in {result.seconds:.1f} s -> {args.jsonl or args.out_dir}"
    )
    return 1 if result.failed else 0


def _eval(args: argparse.Namespace) -> int:
    from refocus_dsl.scoring import score_detection

    if args.limit is not None and args.limit < 0:
        print("refocus eval-layout: error: --limit must be >= 0", file=sys.stderr)
        return 2

    from refocus_dsl.progress import logger

    report = score_detection(
        args.manifest,
        kind=args.kind,
        limit=args.limit,
        ocr=args.ocr,
        overlays=args.overlays,
        progress=logger.getChild("eval-layout").info,  # -q silences it
    )
    if args.json:
        print(json.dumps(report.to_dict(), indent=1, sort_keys=True, ensure_ascii=False))
    else:
        print(report.to_text())
    return 0
