"""The fast pixel helpers give exactly what the plain numpy they replaced gives.

Why: the kind classifier must stay a small share of detection time, so its hot paths
(and the detectors' it shares) compute medians from value counts, run statistics for
all runs at once and long runs by doubling windows. The decisions built on them were
tuned on the plain versions; these tests hold them to the same numbers.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect import _fills
from refocus_dsl.detect._raster import colour_step, long_runs
from refocus_dsl.detect.classify import _run_quantiles


def _naive_long_runs(ink: npt.NDArray[np.bool_], length: int, axis: int) -> npt.NDArray[np.bool_]:
    """Pixels on a run of ink at least ``length`` long along ``axis``, run by run."""
    a = ink if axis == 1 else ink.T
    out = np.zeros_like(a)
    for r, row in enumerate(a):
        start = None
        for i, v in enumerate([*row.tolist(), False]):
            if v and start is None:
                start = i
            elif not v and start is not None:
                if i - start >= length:
                    out[r, start:i] = True
                start = None
    return out if axis == 1 else out.T


def test_long_runs_are_the_runs_at_least_that_long() -> None:
    rng = np.random.default_rng(7)
    for _ in range(60):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        ink = rng.random((h, w)) < rng.random()
        length = int(rng.integers(1, 30))
        for axis in (0, 1):
            assert (long_runs(ink, length, axis) == _naive_long_runs(ink, length, axis)).all()


def test_run_quantiles_are_numpys_percentiles() -> None:
    rng = np.random.default_rng(3)
    for _ in range(100):
        values = rng.integers(0, int(rng.integers(1, 300)), int(rng.integers(1, 200)))
        if rng.random() < 0.3:
            values = values / np.maximum(1, rng.integers(1, 9, values.size))  # fractions too
        cuts = np.sort(rng.choice(np.arange(values.size + 1), 2 * int(rng.integers(1, 6))))
        starts, ends = cuts[::2], cuts[1::2]
        keep = ends > starts
        starts, ends = starts[keep], ends[keep]
        if not starts.size:
            continue
        for q in (0.1, 0.5, 0.9):
            got = _run_quantiles(values, starts, ends, q)
            want = [np.percentile(values[s:e], 100 * q) for s, e in zip(starts, ends, strict=True)]
            assert got.tolist() == [float(v) for v in want]


def test_median_from_counts_is_numpys_median() -> None:
    rng = np.random.default_rng(5)
    for _ in range(200):
        values = rng.integers(0, int(rng.integers(1, 600)), int(rng.integers(1, 400)))
        assert _fills._median(values) == float(np.median(values))


def test_grain_is_the_scaled_median_absolute_deviation() -> None:
    rng = np.random.default_rng(11)
    for _ in range(100):
        h, w = (int(v) for v in rng.integers(5, 50, 2))
        g = np.clip(rng.normal(rng.integers(0, 256), 30 * rng.random(), (h, w)), 0, 255)
        a = g.astype(np.int32)
        ok = (a > 8) & (a < 247)
        d = (a[:, 3:] - a[:, :-3])[ok[:, 3:] & ok[:, :-3]]
        want = 0.0 if d.size < 100 else (
            1.4826 * float(np.median(np.abs(d - np.median(d)))) / float(np.sqrt(2.0))
        )
        assert _fills.grain(g.astype(np.int16)) == want


def test_colour_step_is_the_largest_channel_difference() -> None:
    rng = np.random.default_rng(2)
    a = rng.integers(0, 256, (17, 23, 3), dtype=np.uint8)
    b = rng.integers(0, 256, (17, 23, 3), dtype=np.uint8)
    want = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2)
    assert (colour_step(a, b) == want).all()
