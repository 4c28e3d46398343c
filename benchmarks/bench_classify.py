"""The kind classifier: a confusion matrix over every development set and its degraded
variants, and its cost beside detection's.

Sets: tables (wtq, pubtabnet), charts (chartqa, chartlens-plotqa-matsa), figures
(the 40 development figures) and the composed figure classes
(``_figure_composer``), each clean and through the degradations of
``_degrade`` (downscale, blur, JPEG, noise, contrast, and the scan-like mix).
Prints, per set and degradation, how often the kind is right and what it was
taken for, and the classifier's median time. Target (issue 9): right >= .97 on
each; cost <= a fifth of detection time.

Run: python benchmarks/bench_classify.py [--n 40] [--degradations clean,down50,...]
     [--data DIR] (the shared data folder holding tables/ and charts/)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from PIL import Image

from refocus_dsl.detect.classify import classify_kind

HERE = Path(__file__).resolve().parent
SETS = {
    "wtq": ("tables/wtq", "table"),
    "pubtabnet": ("tables/pubtabnet", "table"),
    "chartqa": ("charts/chartqa", "chart"),
    "chartlens": ("charts/chartlens-plotqa-matsa", "chart"),
    "figures": ("charts/figures", "figure"),
    "composed": ("", "figure"),
}


def _images(data: Path, name: str, folder: str, n: int) -> Iterator[Image.Image]:
    if name == "composed":
        from _figure_composer import CLASSES, composed_set

        sources = sorted((data / "charts" / "chartqa").glob("*.png"))
        per = max(1, n // len(CLASSES))
        for fig in composed_set(per, 7, sources):
            yield fig.image
        return
    files = sorted((data / folder).rglob("*.png"))
    for f in files[:: max(1, len(files) // n)][:n]:
        with Image.open(f) as im:
            im.load()
            yield im.convert("RGB") if im.mode not in ("RGB", "RGBA", "L") else im.copy()


def main(argv: list[str] | None = None) -> int:
    from _degrade import PRESETS, degrade

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--n", type=int, default=40, help="images a set (spread over the set)")
    ap.add_argument("--degradations", default="clean,down50,blur1,jpeg30,scanlike")
    ap.add_argument("--sets", default=",".join(SETS))
    args = ap.parse_args(argv)
    names = [d.strip() for d in args.degradations.split(",") if d.strip()]
    print(f"{'set':<10} {'degradation':<17} {'n':>4} {'right':>6}  taken for"
          f"{'':<28} median ms")
    total = Counter[str]()
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        folder, want = SETS[name]
        images = list(_images(args.data, name, folder, args.n))
        if not images:
            print(f"{name:<10} no images under {args.data / folder}")
            continue
        for deg_name in names:
            seen: Counter[str] = Counter()
            times = []
            for k, img in enumerate(images):
                im = degrade(img.convert("RGB"), PRESETS[deg_name], seed=k)
                t0 = time.perf_counter()
                seen[classify_kind(im)] += 1
                times.append(time.perf_counter() - t0)
            n = sum(seen.values())
            total["n"] += n
            total["right"] += seen[want]
            taken = ", ".join(f"{k} {v}" for k, v in seen.most_common())
            print(f"{name:<10} {deg_name:<17} {n:>4} {seen[want] / n:6.3f}  {taken:<36} "
                  f"{1000 * statistics.median(times):6.0f}")
    if total["n"]:
        print(f"{'ALL':<28} {total['n']:>4} {total['right'] / total['n']:6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
