"""Language benchmark: parse+check, one edit, cold start, and the paper's approach side by side.

Run on demand (it prints figures; nothing asserts on time):

    python benchmarks/bench_language.py [--repeat 2000]

Figures are medians of many runs (the machine may be shared, so the median is
what to read; p90 is shown for scale). Targets: parse+check of a 3-statement
program <= 0.5 ms; highlight(columns("A", "B")) on an 800x500 RGB image <= 1 ms;
``import refocus_dsl`` plus the first parse <= 150 ms, measured as whole fresh
processes (wall time, interpreter start-up included and also shown alone), with
Lark's grammar cache file in place and without it (REFOCUS_NO_CACHE=1). The paper
re-implemented as plain Pillow (an RGBA overlay the size of the image,
rectangles drawn on it, ``Image.alpha_composite`` of the whole image, converted
back to RGB) runs on the same image for the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageDraw

from refocus_dsl.layout import Column, Layout, Row, Table

WIDTH, HEIGHT = 800, 500
HEADERS = ("Index", "A", "B", "C", "D", "E")
PROGRAM = """\
keep_only(columns("A", "B"))
draw_box(rows("3", "4"), color="red", width=4)
highlight(cells(row="3", col="B"), color="yellow", alpha=0.4)
"""
ONE_STEP = 'highlight(columns("A", "B"), color="red", alpha=0.196)'


def table_layout() -> Layout:
    """An 800x500 table: 6 columns, a header row and 9 body rows."""
    cw, rh = WIDTH // len(HEADERS), HEIGHT // 10
    columns = tuple(
        Column(i, h, (i * cw, 0, (i + 1) * cw if i < len(HEADERS) - 1 else WIDTH, HEIGHT))
        for i, h in enumerate(HEADERS)
    )
    rows = tuple(
        Row(i, "Index" if i == 0 else str(i), i == 0, (0, i * rh, WIDTH, (i + 1) * rh))
        for i in range(10)
    )
    return Layout(WIDTH, HEIGHT, "table", table=Table((0, 0, WIDTH, HEIGHT), columns, rows))


def table_image() -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(img)
    for i in range(11):
        draw.line([(0, i * 50), (WIDTH, i * 50)], fill="black")
    for j in range(len(HEADERS)):
        for i in range(10):
            text = HEADERS[j] if i == 0 else f"{i * 7 + j}"
            draw.text((j * 133 + 10, i * 50 + 18), text, fill="black")
    return img


def timeit(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(median, p90) in microseconds."""
    for _ in range(min(50, repeat)):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fn()
        times.append((time.perf_counter_ns() - t0) / 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)]


def paper_focus_on_columns_with_highlight(
    image: Image.Image, columns_to_focus_on: list[str], all_columns_bounding_boxes: dict[str, Any]
) -> Image.Image:
    """The paper's tool, as plain Pillow: full-size overlay, alpha_composite, convert back."""
    overlay = Image.new("RGBA", image.size, (255, 255, 255, 0))
    draw = ImageDraw.Draw(overlay)
    for name, bbox in all_columns_bounding_boxes.items():
        if name in columns_to_focus_on:
            draw.rectangle([bbox["x1"], bbox["y1"], bbox["x2"], bbox["y2"]], fill=(255, 0, 0, 50))
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


_FIRST_PARSE = (
    "import time; t0 = time.perf_counter(); import refocus_dsl; "
    "refocus_dsl.parse('keep_only(columns(\"A\"))'); "
    "print((time.perf_counter() - t0) * 1000)"
)


@dataclass(frozen=True)
class ColdStart:
    """Medians over fresh interpreters, in ms: wall time inside Python, wall time of
    the whole process, and its CPU time (user + system), which another job's load on
    the machine barely changes."""

    inside: float
    wall: float
    cpu: float


def cold_start(repeat: int, code: str = _FIRST_PARSE, **env: str) -> ColdStart:
    """Run ``code`` in ``repeat`` fresh interpreters (with ``env`` added)."""
    import os
    import resource

    environ = {**os.environ, **env}
    inside, wall, cpu = [], [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environ
        ).stdout
        wall.append((time.perf_counter() - t0) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        cpu.append(used * 1000)
        inside.append(float(out.strip() or 0))
    return ColdStart(statistics.median(inside), statistics.median(wall), statistics.median(cpu))


def show(label: str, value: float, unit: str, extra: str = "") -> None:
    print(f"{label:<44} {value:9.1f} {unit}  {extra}".rstrip())


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=2000, help="runs per in-process measurement")
    ap.add_argument("--cold", type=int, default=9, help="fresh interpreters for the cold start")
    args = ap.parse_args()

    from refocus_dsl.lang.checker import check
    from refocus_dsl.lang.interpreter import execute
    from refocus_dsl.lang.parser import parse
    from refocus_dsl.lang.pipeline import run
    from refocus_dsl.registry import default_registry

    layout = table_layout()
    image = table_image()
    registry = default_registry()
    print(f"python {sys.version.split()[0]}; medians (p90) of {args.repeat} runs")
    print("note: the machine is shared with other jobs; absolute figures include their load")

    med, p90 = timeit(lambda: check(parse(PROGRAM), layout=layout, registry=registry), args.repeat)
    show("parse+check, 3 statements, with layout", med, "us", f"(p90 {p90:.1f})  target <= 500")
    med, p90 = timeit(lambda: parse(PROGRAM), args.repeat)
    show("  parse only", med, "us", f"(p90 {p90:.1f})")

    program = parse(ONE_STEP)
    print(f"one step: {ONE_STEP} on 800x500 RGB")
    med_run, p90 = timeit(lambda: run(program, image, layout, registry=registry), args.repeat)
    show("  run (check + execute)", med_run, "us", f"(p90 {p90:.1f})  target <= 1000")
    med_exec, p90 = timeit(lambda: execute(program, image, layout, registry=registry), args.repeat)
    show("  execute only (already checked)", med_exec, "us", f"(p90 {p90:.1f})")

    assert layout.table is not None
    bboxes = {
        c.header: {"x1": c.bbox[0], "y1": c.bbox[1], "x2": c.bbox[2], "y2": c.bbox[3]}
        for c in layout.table.columns
    }
    med_paper, p90 = timeit(
        lambda: paper_focus_on_columns_with_highlight(image, ["A", "B"], bboxes),
        max(200, args.repeat // 4),
    )
    show("  paper's focus_on_columns_with_highlight", med_paper, "us", f"(p90 {p90:.1f})")
    show("  ratio paper / run", med_paper / med_run, "x")
    show("  ratio paper / execute", med_paper / med_exec, "x")

    parse(PROGRAM)  # the grammar cache file exists from here on
    print(f"cold start: medians of {args.cold} fresh processes, wall (CPU = user + system)")
    bare = cold_start(args.cold, "print(0)")
    show("python -c 'print(0)' (interpreter alone)", bare.wall, "ms", f"(CPU {bare.cpu:.1f})")
    first = cold_start(args.cold)
    show(
        "import refocus_dsl + first parse, process",
        first.wall,
        "ms",
        f"(CPU {first.cpu:.1f})  target <= 150",
    )
    show("  of which inside Python", first.inside, "ms")
    nocache = cold_start(args.cold, REFOCUS_NO_CACHE="1")
    show("  the same without Lark's grammar cache", nocache.wall, "ms", f"(CPU {nocache.cpu:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
