"""Benchmark: table-layout detection on the development tables, ours beside img2table.

Runs ``refocus eval-layout``'s scorer over ``tables/wtq`` and ``tables/pubtabnet``
and, on the same images in the same run, img2table (a benchmark-only
dependency: ``pip install img2table``), converting its largest extracted table
into our layout format so the very same metrics apply. img2table reads text with
the tesseract binary (``TesseractOCR``); without the binary it runs structure
only (no OCR, bordered tables only) and the text metrics are then not
comparable, which the output says.

    python benchmarks/bench_tables.py                      # data found at ../shared/data/tables
    python benchmarks/bench_tables.py --data DIR --limit 40 --sets wtq
    python benchmarks/bench_tables.py --no-img2table --json out.json

Timings are wall-clock per image in this process (single process, no cache);
on a shared machine they include the other processes' load, so the CPU time
of this process and its children is printed too. Both OCRs run
single-threaded by default: ``OMP_THREAD_LIMIT`` is set (``--tesseract-threads``,
default 1) before either OCR starts, because img2table's ``TesseractOCR`` copies
the environment when it is created and its tesseract processes would otherwise
use every core (which made img2table look about 4x slower than it is here).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from refocus_dsl.layout import Column, Layout, Row, Table
from refocus_dsl.ocr import ocr_cpu_elsewhere
from refocus_dsl.scoring import EvalReport, score_detection
from refocus_dsl.scoring.common import format_value

KEYS = [
    ("col_count_exact", "column count exact", "share"),
    ("row_count_exact", "row count exact", "share"),
    ("both_count_exact", "both counts exact", "share"),
    ("col_iou", "column box mean IoU", "mean"),
    ("col_iou50", "column boxes IoU>=0.5", "share"),
    ("row_iou", "row box mean IoU", "mean"),
    ("row_iou50", "row boxes IoU>=0.5", "share"),
    ("header_exact", "header text exact", "share"),
    ("header_anls", "header text ANLS", "mean"),
    ("label_exact", "row label exact", "share"),
    ("label_anls", "row label ANLS", "mean"),
    ("complete", "complete usable layout", "share"),
    ("seconds_median", "seconds per image, median", "seconds"),
    ("seconds_p95", "seconds per image, p95", "seconds"),
    ("ocr_calls", "OCR calls per image", "count"),
    ("errors", "images that failed", "count"),
]


def default_data() -> Path:
    """``../shared/data/tables`` next to the repository, if it is there."""
    repo = Path(__file__).resolve().parents[1]
    return repo.parent / "shared" / "data" / "tables"


class Img2TableBaseline:
    """img2table's largest table as a refocus layout (columns, rows, header and labels)."""

    def __init__(self) -> None:
        from img2table.ocr import TesseractOCR

        self.with_ocr = shutil.which("tesseract") is not None
        self.ocr = TesseractOCR(n_threads=1, lang="eng") if self.with_ocr else None

    def __call__(self, path: Path, kind: str) -> Layout:
        from img2table.document import Image as I2TImage

        from refocus_dsl.imageio import load_image

        img = load_image(path).image
        try:
            tables = I2TImage(src=str(path)).extract_tables(
                ocr=self.ocr,
                implicit_rows=True,
                implicit_columns=self.with_ocr,
                borderless_tables=self.with_ocr,
                min_confidence=50,
            )
        except Exception as exc:  # noqa: BLE001 - a baseline failure is a score of zero, not a crash
            return Layout(img.width, img.height, "table", None, notes=(f"img2table failed: {exc}",))
        if not tables:
            return Layout(img.width, img.height, "table", None, notes=("img2table found no table",))
        tab = max(tables, key=lambda t: (t.bbox.x2 - t.bbox.x1) * (t.bbox.y2 - t.bbox.y1))
        bx = (int(tab.bbox.x1), int(tab.bbox.y1), int(tab.bbox.x2), int(tab.bbox.y2))
        rows_cells = [list(r) for r in tab.content.values()]
        n_cols = max((len(r) for r in rows_cells), default=0)
        lefts: list[list[int]] = [[] for _ in range(n_cols)]
        for r in rows_cells:
            for j, c in enumerate(r):
                lefts[j].append(int(c.bbox.x1))
        xs = [bx[0]] + [sorted(v)[len(v) // 2] for v in lefts[1:]] + [bx[2]]
        for j in range(1, len(xs)):
            xs[j] = max(xs[j], xs[j - 1])
        ys = [bx[1]]
        for r in rows_cells[1:]:
            ys.append(max(ys[-1], min(int(c.bbox.y1) for c in r)))
        ys.append(bx[3])

        def text(c: Any) -> str:
            return " ".join(str(c.value or "").split())

        header = rows_cells[0] if rows_cells else []
        columns = tuple(
            Column(j, text(header[j]) if j < len(header) else "", (xs[j], bx[1], xs[j + 1], bx[3]))
            for j in range(n_cols)
        )
        rows = tuple(
            Row(i, text(r[0]) if r else "", i == 0, (bx[0], ys[i], bx[2], ys[i + 1]))
            for i, r in enumerate(rows_cells)
        )
        return Layout(img.width, img.height, "table", Table(bx, columns, rows))


def cpu_seconds() -> float:
    """CPU time of this process, its finished children (img2table's tesseract runs
    as child processes) and our OCR helper process: unlike wall-clock time, other
    processes' load barely moves it."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime + ocr_cpu_elsewhere()


def side_by_side(name: str, ours: EvalReport, theirs: EvalReport | None, note: str) -> str:
    lines = [
        f"== {name}: {len(ours.images)} images",
        f"{'metric':32}{'refocus-dsl':>14}{'img2table':>14}",
    ]
    for key, label, fmt in KEYS:
        a = format_value(ours.overall.get(key), fmt)
        b = format_value(theirs.overall.get(key), fmt) if theirs is not None else "-"
        lines.append(f"{label:32}{a:>14}{b:>14}")
    if note:
        lines.append(note)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data", type=Path, default=default_data(), help="folder holding wtq/ and pubtabnet/"
    )
    ap.add_argument("--sets", nargs="+", default=["wtq", "pubtabnet"])
    ap.add_argument("--limit", type=int, default=None, help="first N images of each set")
    ap.add_argument("--no-img2table", action="store_true", help="only our detector")
    ap.add_argument("--json", type=Path, help="also write all figures here")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument(
        "--tesseract-threads", type=int, default=1, metavar="N",
        help="OMP_THREAD_LIMIT for both OCRs, set before either starts (default 1)",
    )  # fmt: skip
    args = ap.parse_args(argv)
    # before any OCR object exists: img2table's TesseractOCR copies os.environ when made
    os.environ["OMP_THREAD_LIMIT"] = str(args.tesseract_threads)

    baseline: Img2TableBaseline | None = None
    note = ""
    if not args.no_img2table:
        try:
            baseline = Img2TableBaseline()
        except ImportError:
            note = "img2table is not installed (pip install img2table): baseline skipped"
        else:
            if not baseline.with_ocr:
                note = (
                    "img2table ran WITHOUT OCR (no tesseract binary): structure only, bordered "
                    "tables only; its header/label text figures are not comparable"
                )
    progress = None if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    out: dict[str, Any] = {}
    texts = []
    for name in args.sets:
        manifest = args.data / name / "manifest.jsonl"
        if not manifest.is_file():
            print(f"bench_tables: no manifest at {manifest} (use --data)", file=sys.stderr)
            return 1
        t0, c0 = time.perf_counter(), cpu_seconds()
        ours = score_detection(manifest, limit=args.limit, progress=progress)
        t_ours, c_ours = time.perf_counter() - t0, cpu_seconds() - c0
        theirs = None
        if baseline is not None:
            t0, c0 = time.perf_counter(), cpu_seconds()
            theirs = score_detection(manifest, limit=args.limit, progress=progress, detect=baseline)
            t_theirs, c_theirs = time.perf_counter() - t0, cpu_seconds() - c0
        print(ours.to_text())
        print()
        n = max(1, len(ours.images))
        cpu = f"{'CPU seconds per image, mean':32}{c_ours / n:>13.3f}s" + (
            f"{c_theirs / n:>13.3f}s" if theirs is not None else f"{'-':>14}"
        )
        text = side_by_side(name, ours, theirs, note) + "\n" + cpu
        texts.append(text)
        out[name] = {
            "refocus_dsl": {
                "overall": ours.overall,
                "groups": ours.groups,
                "wall_s": round(t_ours, 1),
                "cpu_s": round(c_ours, 1),
            },
            "img2table": (
                {
                    "overall": theirs.overall, "groups": theirs.groups,
                    "wall_s": round(t_theirs, 1), "cpu_s": round(c_theirs, 1),
                }  # fmt: skip
                if theirs is not None
                else None
            ),
        }
    print("\n\n".join(texts))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
