"""Fuzz ``detect_layout``: odd crops, sizes and modes of generated and development images.

    python benchmarks/fuzz_detect.py --data DATA_DIR --n 300 --seed 0
    python benchmarks/fuzz_detect.py --data DATA_DIR --seed 0 --only 17 --kinds chart --save out/

Every case is one image, read with kind auto and each forced kind (no cache). An image
comes from a source (a generator of this folder: the unseen styles, the Chromium-drawn
styles when playwright and a Chromium are there, composed and paper figures, drawn charts,
the table family; a development image under ``--data``; or a synthetic pattern: one or two
colours, stripes, noise, checkerboards, tiny images) and then goes through a random
transform: a crop at a random box, a thin strip, a corner, one gold piece (panel, cell,
bar) with a few px of jitter, a heavy downscale, an extreme aspect ratio, a tiling of two
crops, a mode (L, P, RGBA, LA, 1, I;16). A deliberate ``RefocusError`` (too small, no
text) is a sane answer; anything else that escapes is a crash. Crashes are printed with
the case number, kind and innermost frame of the package, grouped by place, and with the
command that replays the case. Case ``i`` of ``--seed s`` is the same image on every run.
Seeds of the generators are drawn from 5000-5999 (never the held-out blocks).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("REFOCUS_NO_CACHE", "1")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from refocus_dsl.detect import detect_layout  # noqa: E402
from refocus_dsl.errors import RefocusError  # noqa: E402
from refocus_dsl.layout import Box, Layout  # noqa: E402

ALARM_S = 90
KINDS = ("auto", "table", "chart", "figure")
SOURCE_SEEDS = (5000, 5006)
"""Generator seeds are drawn from this small block, so a run reuses (caches) sources."""
TRANSFORMS = ["whole", "crop", "crop", "strip", "strip", "corner", "piece", "piece", "downscale",
              "aspect", "tile", "pad", "trim", "trim", "mosaic", "mosaic"]


class _Stalled(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Stalled()


# ---------------------------------------------------------------- sources


Source = tuple[Image.Image, list[Box]]
"""An image and its gold pieces (panels, cells, bars, labels) to crop at."""


def _gold_boxes(layout: Layout | None) -> list[Box]:
    if layout is None:
        return []
    boxes: list[Box] = [s.bbox for s in layout.subplots]
    for sub in layout.subplots:
        boxes.extend(_gold_boxes(sub.layout) if sub.layout is not None else [])
    if layout.table is not None:
        boxes.append(layout.table.bbox)
        boxes.extend(c.bbox for c in layout.table.cells if c.bbox is not None)
        boxes.extend(c.bbox for c in layout.table.columns)
        boxes.extend(r.bbox for r in layout.table.rows)
    if layout.chart is not None:
        if layout.chart.plot_bbox is not None:
            boxes.append(layout.chart.plot_bbox)
        for cat in layout.chart.categories:
            boxes.extend(b for b in (cat.label_bbox, cat.bar_bbox, cat.region) if b is not None)
    return boxes


class Sources:
    """Source images by name and seed, made on first use and kept."""

    def __init__(self, data: Path | None, names: list[str]) -> None:
        self.data = data
        self._ctx: Any = None
        self._cache: dict[tuple[str, int], Source] = {}
        self._dev = sorted(
            p for p in (data.rglob("*") if data else []) if p.suffix.lower() in (".png", ".jpg")
        )
        self.makers: dict[str, Callable[[int], Source]] = {}
        self._register()
        unknown = [n for n in names if n not in self.makers and n not in ("synth", "synthchart")]
        if unknown:
            raise SystemExit(f"unknown sources: {unknown}; known: synth, {sorted(self.makers)}")
        self.names = names

    def _context(self) -> Any:
        if self._ctx is None:
            from _unseen_styles import Context

            self._ctx = Context(self.data or Path("."))
        return self._ctx

    def _register(self) -> None:
        from _unseen_styles import STYLES

        for name, style in STYLES.items():
            if name.startswith("chart_owid"):
                continue  # needs downloaded data

            def unseen(seed: int, make: Any = style.make) -> Source:
                s = make(seed, self._context())
                return s.image, _gold_boxes(s.gold)

            self.makers[f"unseen:{name}"] = unseen
        try:
            from _html_styles import HTML_STYLES
        except ImportError:
            HTML_STYLES = {}
        for name, style in HTML_STYLES.items():

            def html(seed: int, make: Any = style.make) -> Source:
                s = make(seed, self._context())
                return s.image, _gold_boxes(s.gold)

            self.makers[f"html:{name}"] = html
        from _figure_composer import PAPER, PASTED, WHOLE, compose, compose_whole
        from _paper_figures import compose_paper

        for cls in PASTED + WHOLE + PAPER:
            if cls == "chartqa":
                continue

            def composed(seed: int, cls: str = cls) -> Source:
                rng = random.Random(f"{seed}-{cls}")
                make = compose_paper if cls in PAPER else (
                    compose_whole if cls in WHOLE else compose)
                c = make(cls, rng)
                return c.image, _gold_boxes(c.gold)

            self.makers[f"figure:{cls}"] = composed
        from _drawn_charts import STYLES as DRAWN
        from _drawn_charts import draw

        for name in DRAWN:

            def drawn(seed: int, name: str = name) -> Source:
                d = draw(name, seed)
                return d.image, _gold_boxes(d.gold)

            self.makers[f"drawn:{name}"] = drawn
        from _table_family import STYLES as FAMILY
        from _table_family import render_family_table

        for name in FAMILY:

            def family(seed: int, name: str = name) -> Source:
                img, gold, _ = render_family_table(seed, name)
                return img, _gold_boxes(gold)

            self.makers[f"family:{name}"] = family
        if self._dev:

            def dev(seed: int) -> Source:
                path = self._dev[seed % len(self._dev)]
                gold = path.with_suffix(".json")
                boxes: list[Box] = []
                if gold.exists():
                    try:
                        from refocus_dsl.layout import load_layout

                        boxes = _gold_boxes(load_layout(gold))
                    except Exception:  # noqa: BLE001 - gold is only a hint where to crop
                        boxes = []
                with Image.open(path) as im:
                    return im.convert("RGB"), boxes

            self.makers["dev"] = dev

    def get(self, name: str, seed: int) -> Source:
        key = (name, seed)
        if key not in self._cache:
            if len(self._cache) > 64:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = self.makers[name](seed)
        return self._cache[key]

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.close()


def _synth(r: random.Random) -> Image.Image:
    """A synthetic pattern: sizes from tiny to long strips, flat, striped, noisy, drawn."""
    w = r.choice([r.randint(16, 40), r.randint(16, 400), r.randint(200, 1400)])
    h = r.choice([r.randint(16, 40), r.randint(16, 400), r.randint(200, 1000)])
    if r.random() < 0.05:
        w, h = r.randint(1, 20), r.randint(1, 20)
    npr = np.random.default_rng(r.randrange(2**32))
    c1 = tuple(r.randrange(256) for _ in range(3))
    c2 = tuple(r.randrange(256) for _ in range(3))
    kind = r.choice(["flat", "halves", "hstripes", "vstripes", "noise", "checker", "rects",
                     "lines", "bars", "text"])
    img = Image.new("RGB", (w, h), c1)
    d = ImageDraw.Draw(img)
    if kind == "halves":
        if r.random() < 0.5:
            d.rectangle((0, 0, r.randint(0, w), h), fill=c2)
        else:
            d.rectangle((0, 0, w, r.randint(0, h)), fill=c2)
    elif kind in ("hstripes", "vstripes"):
        pitch, thick = r.randint(2, 40), r.randint(1, 6)
        for p in range(r.randint(0, pitch), w if kind == "vstripes" else h, pitch):
            box = (p, 0, p + thick - 1, h) if kind == "vstripes" else (0, p, w, p + thick - 1)
            d.rectangle(box, fill=c2)
    elif kind == "noise":
        return Image.fromarray(npr.integers(0, 256, (h, w, 3), dtype=np.uint8))
    elif kind == "checker":
        cell = r.randint(1, 30)
        y, x = np.mgrid[0:h, 0:w]
        a = ((x // cell + y // cell) % 2).astype(bool)
        arr = np.where(a[..., None], np.array(c1, np.uint8), np.array(c2, np.uint8))
        return Image.fromarray(arr.astype(np.uint8))
    elif kind == "rects":
        for _ in range(r.randint(1, 30)):
            x0, y0 = r.randint(-10, w), r.randint(-10, h)
            d.rectangle((x0, y0, x0 + r.randint(0, w // 2 + 1), y0 + r.randint(0, h // 2 + 1)),
                        fill=tuple(r.randrange(256) for _ in range(3)),
                        outline=c2 if r.random() < 0.5 else None)
    elif kind == "lines":
        for _ in range(r.randint(1, 40)):
            if r.random() < 0.5:
                y0 = r.randint(0, h)
                d.line((r.randint(0, w), y0, r.randint(0, w), y0), fill=c2, width=r.randint(1, 3))
            else:
                x0 = r.randint(0, w)
                d.line((x0, r.randint(0, h), x0, r.randint(0, h)), fill=c2, width=r.randint(1, 3))
    elif kind == "bars":
        n = r.randint(1, 60)
        base = h - r.randint(0, max(1, h // 4))
        pitch = max(1, w // n)
        for i in range(n):
            top = r.randint(0, base)
            d.rectangle((i * pitch, top, i * pitch + max(0, pitch // 2 - 1), base), fill=c2)
        if r.random() < 0.5:
            d.line((0, base, w, base), fill=(0, 0, 0))
    elif kind == "text":
        for _ in range(r.randint(1, 25)):
            d.text((r.randint(-5, w), r.randint(-5, h)), r.choice(
                ["Total", "2019", "12.5%", "Asia", "a", "Revenue (m)", "x", "-3"]), fill=c2)
    return img


WORDS = ("Total", "2019", "12.5%", "Asia", "Revenue (m)", "-3", "Q4", "United Kingdom",
         "0", "100", "n/a", "Share of GDP", "x", "1,234", "Mar", "(a)")


def _synth_chart(r: random.Random) -> Image.Image:
    """A bar chart drawn with extremes: 1-40 bars of 1-90 px, zero-height and full-height
    bars, a baseline anywhere (on the image's edge too), labels in real fonts of 6-40 px
    that may run off the image, axes and gridlines or none; turned for horizontal bars."""
    from _unseen_styles import font

    w, h = r.randint(16, 900), r.randint(16, 700)
    bg = r.choice([(255, 255, 255), (235, 235, 235), (20, 20, 30)])
    ink = (0, 0, 0) if sum(bg) > 300 else (240, 240, 240)
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    n = r.choice([1, 2, 3, r.randint(4, 12), r.randint(12, 40)])
    base = r.choice([h - 1, h - r.randint(0, 5), h - r.randint(5, max(6, h // 3)), h // 2, 0])
    left = r.choice([0, r.randint(0, 5), r.randint(5, max(6, w // 4))])
    pitch = max(1, (w - left) / max(1, n))
    bw = max(1, int(pitch * r.uniform(0.05, 1.0)))
    colours = [tuple(r.randrange(256) for _ in range(3)) for _ in range(r.randint(1, 4))]
    size = r.choice([6, 8, 10, 12, 16, 24, 40])
    fnt = font(r.choice(["DejaVu Sans", "Liberation Serif"]), size)
    if r.random() < 0.4:
        for y in range(base, -1, -r.randint(4, 80)):
            d.line((left, y, w, y), fill=(200, 200, 200))
    for i in range(n):
        x0 = int(left + i * pitch)
        top = r.choice([base, base - 1, r.randint(min(0, base), base), 0, r.randint(0, h)])
        d.rectangle((x0, min(top, base), x0 + bw - 1, max(top, base)), fill=r.choice(colours))
        if r.random() < 0.8:
            d.text((x0 + r.randint(-size, size), base + r.randint(-size, size)),
                   r.choice(WORDS), font=fnt, fill=ink)
    if r.random() < 0.6:
        d.line((left, base, w, base), fill=ink, width=r.randint(1, 3))
        d.line((left, 0, left, h), fill=ink, width=r.randint(1, 3))
    if r.random() < 0.3:
        img = img.transpose(r.choice([Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270,
                                      Image.Transpose.TRANSPOSE]))
    return img


# ---------------------------------------------------------------- transforms


def _clip(box: tuple[int, int, int, int], w: int, h: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    x0, y0 = min(max(0, x0), w - 1), min(max(0, y0), h - 1)
    return x0, y0, min(max(x0 + 1, x1), w), min(max(y0 + 1, y1), h)


def _transform(img: Image.Image, boxes: list[Box], r: random.Random) -> tuple[Image.Image, str]:
    w, h = img.size
    how = r.choice(TRANSFORMS)
    desc = how
    if how == "crop":
        x0, y0 = r.randint(0, w - 1), r.randint(0, h - 1)
        box = _clip((x0, y0, x0 + r.randint(1, w), y0 + r.randint(1, h)), w, h)
        img, desc = img.crop(box), f"crop {box}"
    elif how == "strip":
        thick = r.choice([r.randint(1, 12), r.randint(12, 20), r.randint(16, 40)])
        if r.random() < 0.5:
            y0 = r.randint(0, max(0, h - thick))
            box = _clip((r.randint(0, w // 3), y0, w - r.randint(0, w // 3), y0 + thick), w, h)
        else:
            x0 = r.randint(0, max(0, w - thick))
            box = _clip((x0, r.randint(0, h // 3), x0 + thick, h - r.randint(0, h // 3)), w, h)
        img, desc = img.crop(box), f"strip {box}"
    elif how == "corner":
        fw, fh = r.uniform(0.05, 0.6), r.uniform(0.05, 0.6)
        cw, ch = max(1, int(w * fw)), max(1, int(h * fh))
        x0, y0 = r.choice([0, w - cw]), r.choice([0, h - ch])
        box = _clip((x0, y0, x0 + cw, y0 + ch), w, h)
        img, desc = img.crop(box), f"corner {box}"
    elif how == "piece" and boxes:
        b = r.choice(boxes)
        j = r.randint(0, 6)
        box = _clip((round(b[0]) - r.randint(-j, j), round(b[1]) - r.randint(-j, j),
                     round(b[2]) + r.randint(-j, j), round(b[3]) + r.randint(-j, j)), w, h)
        img, desc = img.crop(box), f"piece {box}"
    elif how == "downscale":
        f = r.choice([r.uniform(0.03, 0.15), r.uniform(0.15, 0.5)])
        size = (max(1, round(w * f)), max(1, round(h * f)))
        img, desc = img.resize(size, r.choice([Image.NEAREST, Image.BILINEAR, Image.LANCZOS])), \
            f"downscale {size}"
    elif how == "aspect":
        if r.random() < 0.5:
            size = (max(1, round(w * r.uniform(2, 12))), max(1, round(h * r.uniform(0.05, 0.4))))
        else:
            size = (max(1, round(w * r.uniform(0.05, 0.4))), max(1, round(h * r.uniform(2, 6))))
        size = (min(size[0], 12000), min(size[1], 12000))
        img, desc = img.resize(size, Image.BILINEAR), f"aspect {size}"
    elif how == "tile":
        a = img.crop(_clip((0, 0, r.randint(1, w), r.randint(1, h)), w, h))
        b = img.crop(_clip((r.randint(0, w - 1), r.randint(0, h - 1), w, h), w, h))
        side = r.random() < 0.5
        out = Image.new("RGB", (a.width + b.width, max(a.height, b.height)) if side else
                        (max(a.width, b.width), a.height + b.height), "white")
        out.paste(a.convert("RGB"), (0, 0))
        out.paste(b.convert("RGB"), (a.width, 0) if side else (0, a.height))
        img, desc = out, f"tile {'side' if side else 'stack'}"
    elif how == "trim":
        # Crop to the ink's bounding box, or a few px into it: plots touch the edges.
        grey = np.asarray(img.convert("L"), dtype=np.int16)
        ink = np.abs(grey - int(np.median(grey))) > 40
        ys, xs = np.nonzero(ink)
        if len(xs):
            k = r.randint(-3, 1)
            box = _clip((int(xs.min()) - k, int(ys.min()) - k, int(xs.max()) + 1 + k,
                         int(ys.max()) + 1 + k), w, h)
            img, desc = img.crop(box), f"trim {k} {box}"
    elif how == "mosaic":
        # A grid of small pieces: panels of a few dozen px, some thin, tight or no gaps.
        nx, ny, gap = r.randint(1, 6), r.randint(1, 5), r.choice([0, 1, 2, 4, 8, 12])
        cw, ch = r.randint(8, 220), r.randint(8, 200)
        page = r.choice([(255, 255, 255), (240, 240, 240), (0, 0, 0)])
        out = Image.new("RGB", (nx * cw + (nx + 1) * gap, ny * ch + (ny + 1) * gap), page)
        rgb = img.convert("RGB")
        for k in range(nx * ny):
            if r.random() < 0.5 and boxes:
                b = r.choice(boxes)
                piece = rgb.crop(_clip((round(b[0]), round(b[1]), round(b[2]), round(b[3])), w, h))
            else:
                x0, y0 = r.randint(0, w - 1), r.randint(0, h - 1)
                piece = rgb.crop(_clip((x0, y0, x0 + r.randint(1, max(1, w, cw // 2 + 1)),
                                        y0 + r.randint(1, max(1, h, ch // 2 + 1))), w, h))
            piece = piece.resize((r.randint(max(1, cw // 3), cw), r.randint(max(1, ch // 3), ch)))
            out.paste(piece, (gap + (k % nx) * (cw + gap), gap + (k // nx) * (ch + gap)))
        img, desc = out, f"mosaic {nx}x{ny} {cw}x{ch} gap {gap}"
    elif how == "pad":
        p = r.randint(0, 3)
        out = Image.new("RGB", (w + 2 * p, h + 2 * p), tuple(r.randrange(256) for _ in range(3)))
        out.paste(img.convert("RGB"), (p, p))
        img, desc = out, f"pad {p}"
    mode = r.choice(["RGB"] * 6 + ["L", "P", "RGBA", "LA", "1", "I;16"])
    if mode != "RGB":
        desc += f" mode {mode}"
        if mode == "P":
            img = img.convert("RGB").quantize(r.choice([2, 4, 16, 256]))
        elif mode == "RGBA":
            img = img.convert("RGBA")
            img.putalpha(r.choice([0, 128, 255]))
        elif mode == "I;16":
            arr = np.asarray(img.convert("L"), dtype=np.uint16) * 257
            img = Image.fromarray(arr)  # uint16: mode I;16
        else:
            img = img.convert(mode)
    return img, desc


def make_case(sources: Sources, seed: int, i: int) -> tuple[Image.Image, str]:
    """Case ``i`` of run ``seed``: the image and what it is."""
    r = random.Random(seed * 1_000_003 + i)
    name = r.choice(sources.names)
    if name in ("synth", "synthchart"):
        img, what = (_synth(r), "synth") if name == "synth" else (_synth_chart(r), "synthchart")
        if r.random() < 0.3:
            img, how = _transform(img, [], r)
            what += f" {how}"
        return img, f"{what} {img.size[0]}x{img.size[1]} {img.mode}"
    src_seed = r.randrange(*SOURCE_SEEDS)
    if name == "dev":
        src_seed = r.randrange(1_000_000)
    img, boxes = sources.get(name, src_seed)
    img, how = _transform(img, boxes, r)
    if r.random() < 0.3 and img.mode == "RGB":
        img, again = _transform(img, [], r)
        how += f", {again}"
    return img, f"{name} seed {src_seed} {how} -> {img.size[0]}x{img.size[1]} {img.mode}"


# ---------------------------------------------------------------- run


def _place(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "refocus_dsl" in f.filename] or frames
    f = ours[-1]
    return f"{type(exc).__name__} at {Path(f.filename).name}:{f.lineno} ({f.name})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None, help="development data folder")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="first case number")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--sources", default="", help="comma-separated; default every one")
    ap.add_argument("--transforms", default="", help="comma-separated; default every one")
    ap.add_argument("--source-seeds", default="5000-5006", help="generator seeds A-B (B excluded)")
    ap.add_argument("--only", default="", help="comma-separated case numbers to replay")
    ap.add_argument("--save", type=Path, default=None, help="save each case's image here")
    ap.add_argument("--traceback", action="store_true", help="print full tracebacks")
    args = ap.parse_args()
    global SOURCE_SEEDS, TRANSFORMS
    a, b = args.source_seeds.split("-")
    SOURCE_SEEDS = (int(a), int(b))
    TRANSFORMS = args.transforms.split(",") if args.transforms else TRANSFORMS
    probe = Sources(args.data, [])
    mixed = ["synth", "synthchart", "synthchart", *probe.makers]
    names = args.sources.split(",") if args.sources else mixed
    sources = Sources(args.data, names)
    cases = ([int(c) for c in args.only.split(",")] if args.only
             else range(args.start, args.start + args.n))
    kinds = args.kinds.split(",")
    signal.signal(signal.SIGALRM, _alarm)
    crashes: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    outcomes: Counter[str] = Counter()
    runs = crashed_images = done = 0
    t_start = time.perf_counter()
    try:
        for i in cases:
            try:
                img, what = make_case(sources, args.seed, i)
            except Exception as exc:  # noqa: BLE001 - a generator's own failure is no case
                print(f"case {i}: source failed: {type(exc).__name__}: {exc}", flush=True)
                outcomes["source failed"] += 1
                continue
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                img.save(args.save / f"case{i}.png")
            hit = False
            for kind in kinds:
                runs += 1
                t0 = time.perf_counter()
                signal.alarm(ALARM_S)
                try:
                    lay = detect_layout(img, kind, cache=False)
                    outcomes[f"ok {lay.kind}"] += 1
                except RefocusError:
                    outcomes["refused"] += 1
                except _Stalled:
                    outcomes["stalled"] += 1
                    print(f"case {i} kind {kind}: STALLED > {ALARM_S} s  [{what}]", flush=True)
                except Exception as exc:  # noqa: BLE001 - what escapes is the finding
                    key = _place(exc)
                    crashes[key] += 1
                    hit = True
                    examples.setdefault(key, []).append(f"{i}/{kind}")
                    print(f"case {i} kind {kind}: CRASH {key}: {str(exc)[:80]}  [{what}]",
                          flush=True)
                    if args.traceback:
                        traceback.print_exc()
                finally:
                    signal.alarm(0)
                took = time.perf_counter() - t0
                if took > 20:
                    print(f"case {i} kind {kind}: slow {took:.1f} s  [{what}]", flush=True)
            crashed_images += hit
            done += 1
            if done % 25 == 0:
                print(f"... {done} images, {runs} runs, {crashed_images} crashed, "
                      f"{time.perf_counter() - t_start:.0f} s", file=sys.stderr, flush=True)
    finally:
        sources.close()
    wall = time.perf_counter() - t_start
    print(f"\n{len(cases)} images, {runs} detect_layout runs in {wall:.0f} s; "
          f"{crashed_images} images crashed, {sum(crashes.values())} crashing runs")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for key, n in crashes.most_common():
        ex = examples[key]
        first_case, first_kind = ex[0].split("/")
        print(f"  {n:4d}  {key}  e.g. {', '.join(ex[:5])}")
        print(f"        replay: python benchmarks/fuzz_detect.py --seed {args.seed} "
              f"--only {first_case} --kinds {first_kind} --traceback"
              + (" --data DATA" if args.data else ""))
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
