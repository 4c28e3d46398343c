"""Hostile images against ``detect_layout``: every one gets a clear error or a sane layout,
never a traceback, a hang or runaway memory.

Degenerate sizes and strips, blank, single-colour, noise, checkerboards, 1-px grids,
transparency, unusual modes (LA, P with transparency, I;16, I, F with NaN, CMYK JPEG,
1-bit, animated GIF), quality-1 JPEG, every row a different colour, thousands of thin
bars, and 36-40 MP versions of the worst. Each (image, kind) runs in its own process
(peak memory is its own) under a timeout. Prints the outcome, wall and CPU seconds and
peak MB. Targets: no TRACEBACK or TIMEOUT; <= 5 s CPU and <= 1.2 GB up to 36 MP.

Run: python benchmarks/bench_hostile.py [--kinds auto,table,chart,figure] [--big]
     [--only NAME,...] [--timeout S]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

Maker = Callable[[np.random.Generator], Image.Image]


def _noise(w: int, h: int) -> Maker:
    return lambda rng: Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8))


def _checker(w: int, h: int, cell: int) -> Maker:
    def make(rng: np.random.Generator) -> Image.Image:
        y, x = np.mgrid[0:h, 0:w]
        return Image.fromarray((((x // cell + y // cell) % 2) * 255).astype(np.uint8))

    return make


def _grid(w: int, h: int, pitch: int) -> Maker:
    def make(rng: np.random.Generator) -> Image.Image:
        a = np.full((h, w), 255, np.uint8)
        a[::pitch, :] = 0
        a[:, ::pitch] = 0
        return Image.fromarray(a)

    return make


def _gradient(w: int, h: int) -> Maker:
    def make(rng: np.random.Generator) -> Image.Image:
        y, x = np.mgrid[0:h, 0:w]
        a = np.stack([x * 255 // w, y * 255 // h, (x + y) * 255 // (w + h)], -1)
        a = a.astype(np.float32) + rng.normal(0, 6, a.shape).astype(np.float32)
        return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))

    return make


def _rows(w: int, h: int) -> Maker:
    return lambda rng: Image.fromarray(
        rng.integers(0, 256, (h, 1, 3), dtype=np.uint8).repeat(w, axis=1)
    )


def _thin_bars(w: int, h: int, pitch: int) -> Maker:
    def make(rng: np.random.Generator) -> Image.Image:
        a = np.full((h, w), 255, np.uint8)
        for x in range(0, w, pitch):
            a[h - int(rng.integers(h // 50 + 1, h - 1)) :, x : x + pitch // 2] = 60
        return Image.fromarray(a)

    return make


def _rgba_half(rng: np.random.Generator) -> Image.Image:
    a = rng.integers(0, 256, (600, 800, 4), dtype=np.uint8)
    a[..., 3] = 128
    return Image.fromarray(a, "RGBA")


def _p_transparent(rng: np.random.Generator) -> Image.Image:
    p = Image.new("P", (800, 600), 0)
    p.putpalette([255, 255, 255, 0, 0, 0] + [0] * 762)
    ImageDraw.Draw(p).rectangle((100, 100, 300, 500), fill=1)
    p.info["transparency"] = 0
    return p


CASES: dict[str, tuple[Maker, str]] = {
    # name: (maker, file format); 16x16 is the smallest size detection takes.
    "1x1": (lambda rng: Image.new("RGB", (1, 1), "white"), "PNG"),
    "1x5000": (lambda rng: Image.new("RGB", (1, 5000), "white"), "PNG"),
    "16x16-black": (lambda rng: Image.new("RGB", (16, 16), "black"), "PNG"),
    "white": (lambda rng: Image.new("RGB", (1200, 900), "white"), "PNG"),
    "single-colour": (lambda rng: Image.new("RGB", (1200, 900), (200, 30, 30)), "PNG"),
    "noise": (_noise(1200, 900), "PNG"),
    "checker-1px": (_checker(1200, 900, 1), "PNG"),
    "checker-8px": (_checker(1200, 900, 8), "PNG"),
    "grid-1px": (_grid(1200, 900, 2), "PNG"),
    "rgba-clear": (lambda rng: Image.new("RGBA", (800, 600), (0, 0, 0, 0)), "PNG"),
    "rgba-half": (_rgba_half, "PNG"),
    "p-transparent": (_p_transparent, "PNG"),
    "i16-noise": (lambda rng: Image.fromarray(rng.integers(0, 65535, (600, 800)).astype(
        np.uint16)), "PNG"),
    "f-nan": (lambda rng: Image.fromarray(np.full((600, 800), np.nan, np.float32)), "TIFF"),
    "cmyk": (lambda rng: Image.new("CMYK", (800, 600), (0, 0, 0, 0)), "JPEG"),
    "1-bit-noise": (lambda rng: Image.fromarray(rng.integers(0, 2, (600, 800)).astype(bool)),
                    "PNG"),
    "gradient-q1": (_gradient(1200, 900), "JPEG-1"),
    "every-row": (_rows(1200, 900), "PNG"),
    "20000x50": (lambda rng: Image.new("RGB", (20000, 50), "white"), "PNG"),
    "bars-1000": (_thin_bars(2000, 1000, 2), "PNG"),
}
BIG: dict[str, tuple[Maker, str]] = {
    "blank-40mp": (lambda rng: Image.new("L", (8000, 5000), 255), "PNG"),
    "noise-36mp": (_noise(6000, 6000), "PNG"),
    "gradient-36mp": (_gradient(6000, 6000), "JPEG"),
    "grid-1px-36mp": (_grid(6000, 6000, 2), "PNG"),
    "every-row-36mp": (_rows(6000, 6000), "PNG"),
    "bars-60000x600": (_thin_bars(60000, 600, 4), "PNG"),
}

_CHILD = """
import json, resource, sys, time
from refocus_dsl.detect import detect_layout
from refocus_dsl.errors import RefocusError
from refocus_dsl.ocr import ocr_cpu_elsewhere, ocr_helper_peak_mb
t0, c0 = time.perf_counter(), time.process_time() + ocr_cpu_elsewhere()
try:
    lay = detect_layout(sys.argv[1], sys.argv[2], cache=False)
    out = f"ok {lay.kind}"
except RefocusError as exc:
    out = f"error: {str(exc)[:70]}"
# VmHWM is this process's own peak; ru_maxrss keeps the parent's across fork and exec.
try:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    rss = int(hwm.split()[1]) / 1024
except (OSError, IndexError, ValueError):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rss += ocr_helper_peak_mb()  # OCR runs in a helper process
cpu = time.process_time() + ocr_cpu_elsewhere() - c0
print(json.dumps([out, time.perf_counter() - t0, cpu, rss]))
"""


def _save(image: Image.Image, fmt: str, path: Path) -> None:
    if fmt == "JPEG-1":
        image.convert("RGB").save(path, "JPEG", quality=1)
    else:
        image.save(path, fmt)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kinds", default="auto,table,chart,figure")
    ap.add_argument("--big", action="store_true", help="also the 36-40 MP images")
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--timeout", type=float, default=120.0)
    args = ap.parse_args()
    cases = dict(CASES, **(BIG if args.big else {}))
    if args.only:
        cases = {k: v for k, v in cases.items() if k in args.only.split(",")}
    env = dict(os.environ, REFOCUS_NO_CACHE="1")
    bad = 0
    print(f"{'image':16} {'kind':7} {'wall s':>7} {'cpu s':>6} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (make, fmt) in cases.items():
            path = Path(tmp) / f"{name}.{'jpg' if fmt.startswith('JPEG') else fmt.lower()}"
            _save(make(np.random.default_rng(0)), fmt, path)
            for kind in args.kinds.split(","):
                try:
                    run = subprocess.run(
                        [sys.executable, "-c", _CHILD, str(path), kind], env=env,
                        capture_output=True, text=True, timeout=args.timeout,
                    )
                except subprocess.TimeoutExpired:
                    print(f"{name:16} {kind:7} TIMEOUT after {args.timeout:.0f} s")
                    bad += 1
                    continue
                if run.returncode != 0:
                    last = (run.stderr.strip().splitlines() or ["?"])[-1]
                    print(f"{name:16} {kind:7} TRACEBACK {last[:90]}")
                    bad += 1
                    continue
                out, wall, cpu, rss = json.loads(run.stdout.strip().splitlines()[-1])
                flag = "  SLOW" if cpu > 5 else ""
                flag += "  BIG" if rss > 1200 else ""
                print(f"{name:16} {kind:7} {wall:7.2f} {cpu:6.2f} {rss:8.0f}  {out}{flag}")
    print(f"{bad} tracebacks or timeouts")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
