"""The long fuzz run: many random and mutated programs, layouts and replies, on one core.

    python benchmarks/fuzz_long.py --programs 100000 --layouts 10000 --replies 10000

Each case is timed, in CPU time of this process (what the case costs, whatever
else the machine runs) and in wall time; the run reports uncaught exceptions
(anything other than a deliberate RefocusError, grouped by type and place) and
cases over 2 s of CPU time (and, separately, of wall time). The generators are
warmed up first, so the one-off import of plugins and parser tables is no case. A case
that runs past 30 s is stopped by an alarm and counted as slow. The generators
are the suite's (tests/fuzz_helpers.py), so a failure found here can become a
property test's example.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import fuzz_helpers as fz  # noqa: E402

from refocus_dsl.ocr import ocr_cpu_elsewhere  # noqa: E402

SLOW_S = 2.0
ALARM_S = 30


class _Stalled(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Stalled()


def _run(
    name: str, n: int, seed: int, case: Callable[[random.Random], Callable[[], None]]
) -> dict[str, Any]:
    errors: Counter[str] = Counter()
    examples: dict[str, int] = {}
    slow: list[tuple[int, float]] = []
    slow_wall: list[tuple[int, float]] = []
    worst = worst_wall = 0.0
    started = time.perf_counter()
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        thunk = case(rng)
        c0, t0 = time.process_time() + ocr_cpu_elsewhere(), time.perf_counter()
        signal.alarm(ALARM_S)
        try:
            thunk()
        except _Stalled:
            errors["stalled past the alarm"] += 1
        except Exception as exc:  # noqa: BLE001 - counting what escapes is the point
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            errors[key] += 1
            examples.setdefault(key, i)
        finally:
            signal.alarm(0)
        took = time.process_time() + ocr_cpu_elsewhere() - c0  # OCR's helper too
        wall = time.perf_counter() - t0
        worst, worst_wall = max(worst, took), max(worst_wall, wall)
        if took > SLOW_S:
            slow.append((i, round(took, 2)))
        if wall > SLOW_S:
            slow_wall.append((i, round(wall, 2)))
        if (i + 1) % 10_000 == 0:
            print(f"{name}: {i + 1}/{n}, {sum(errors.values())} uncaught, {len(slow)} slow",
                  file=sys.stderr, flush=True)  # fmt: skip
    return {
        "cases": n,
        "uncaught": sum(errors.values()),
        "by_kind": dict(errors),
        "first_case": examples,
        "over_2s": len(slow),
        "slow_cases": slow[:20],
        "worst_s": round(worst, 3),
        "over_2s_wall": len(slow_wall),
        "slow_wall_cases": slow_wall[:20],
        "worst_wall_s": round(worst_wall, 3),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _program_case(rng: random.Random) -> Callable[[], None]:
    kind = rng.choice(sorted(fz.LAYOUTS))
    text = fz.random_program(rng, fz.LAYOUTS[kind])
    if rng.random() < 0.5:
        text = fz.mutate_text(rng, text)
    return lambda: fz.exercise_program(text, kind)


def _layout_case(rng: random.Random) -> Callable[[], None]:
    text = fz.layout_json_text(rng, fz.random_layout_doc(rng))
    return lambda: fz.exercise_layout(text)


def _reply_case(rng: random.Random) -> Callable[[], None]:
    text = fz.random_reply(rng)
    return lambda: fz.exercise_reply(text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--programs", type=int, default=100_000)
    ap.add_argument("--layouts", type=int, default=10_000)
    ap.add_argument("--replies", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    _program_case(random.Random(0))()  # imports: plugins, parser tables, Pillow plugins
    report = {
        "programs": _run("programs", args.programs, args.seed, _program_case),
        "layouts": _run("layouts", args.layouts, args.seed, _layout_case),
        "replies": _run("replies", args.replies, args.seed, _reply_case),
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for name, r in report.items():
            print(f"{name:9} {r['cases']:>7} cases  {r['uncaught']} uncaught  "
                  f"{r['over_2s']} over 2 s CPU (worst {r['worst_s']} s)  "
                  f"{r['over_2s_wall']} over 2 s wall (worst {r['worst_wall_s']} s)  "
                  f"({r['seconds']} s)")  # fmt: skip
            for kind, count in r["by_kind"].items():
                print(f"    {count} x {kind} (first at case {r['first_case'][kind]})")
    bad = sum(r["uncaught"] + r["over_2s"] for r in report.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
