"""Benchmark of the model loop's own costs, against the scripted server.

1. One ask turn's own time (parse, check against the layout, run, PNG-encode
   the edited image) on an 800x600 bar chart. Target: at most 30 ms. The
   model's latency is excluded: the scripted server answers at once, and the
   figure is what the dialogue spends between receiving a reply and being
   ready to send the next request.
2. ``refocus eval`` with concurrency 8 against a server that takes 0.3 s per
   reply: the server counts the most requests it had in flight at once
   (target: 8).

3. ``refocus eval`` with detected layouts (distinct generated tables, two
   questions each) at concurrency 1, 8 and 32, against precomputed layouts,
   and the same through the Ray engine (a local Ray started once, before the
   timed runs): wall time and cores used (CPU time of this process and all
   its descendants over wall time; the target at concurrency 8 is >= 85% of
   the machine's cores), and a projection of the cost of 2,500 and 100,000
   questions. Needs Linux (/proc) and, for the Ray rows, ``ray``.

Run: python benchmarks/bench_loop.py [--repeat 40] [--items 32] [--images 24]
Figures are medians; on a shared machine they are inflated by other load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from loop_helpers import chart_image_and_layout, table_image_and_layout  # noqa: E402
from scripted_server import Reply, ScriptedServer  # noqa: E402
from table_helpers import draw_table, make_cells  # noqa: E402

from refocus_dsl.loop import ask  # noqa: E402
from refocus_dsl.loop.config import EndpointConfig  # noqa: E402
from refocus_dsl.loop.evaluate import EvalOptions, load_dataset, run_eval_async  # noqa: E402

PROGRAM = (
    "THOUGHT 0: box the two bars.\n```refocus\n"
    'draw_box(bars("China", "India"), color="red", width=4)\n'
    'highlight(bars("Japan"))\n```'
)


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"median {1000 * statistics.median(values):6.2f} ms, p95 {1000 * p95:6.2f} ms"


def bench_turn(repeat: int) -> None:
    from refocus_dsl.lang.checker import check
    from refocus_dsl.lang.interpreter import execute
    from refocus_dsl.lang.parser import parse
    from refocus_dsl.loop.images import png_bytes

    image, layout = chart_image_and_layout(800, 600)
    source = PROGRAM.split("```refocus\n")[1].split("```")[0]
    own: list[float] = []
    with ScriptedServer(
        lambda body: Reply(text=PROGRAM if len(body["messages"]) == 2 else "ANSWER: 15")
    ) as s:
        cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k")
        ask(image, "warm-up", config=cfg, layout=layout)
        for _ in range(repeat):
            result = ask(image, "What is China minus India?", config=cfg, layout=layout)
            assert result.turns[0].edited, result.turns[0].diagnostics_text
            own.append(result.turns[0].own_s)
    parse_check, run, encode = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        program = parse(source)
        check(program, layout=layout)
        t1 = time.perf_counter()
        out = execute(program, image, layout)
        t2 = time.perf_counter()
        png_bytes(out.image)
        t3 = time.perf_counter()
        parse_check.append(t1 - t0)
        run.append(t2 - t1)
        encode.append(t3 - t2)
    print("one ask turn, own time, 800x600 chart, 2-statement program:")
    print(f"  whole turn (reply parse + parse + check + run + encode): {_ms(own)}  target <= 30 ms")
    print(f"    parse + check : {_ms(parse_check)}")
    print(f"    run           : {_ms(run)}")
    print(f"    PNG encode    : {_ms(encode)}")


def bench_eval(items: int, delay: float, concurrency: int) -> None:
    image, layout = table_image_and_layout()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        image.save(root / "t.png")
        (root / "t.json").write_text(layout.to_json())
        with open(root / "d.jsonl", "w") as f:
            for i in range(items):
                row = {"id": f"q{i}", "image": "t.png", "question": f"q{i}?", "answer": "2011",
                       "layout": "t.json"}  # fmt: skip
                f.write(json.dumps(row) + "\n")

        def reply(body: dict[str, object]) -> Reply:
            return Reply(text="ANSWER: 2011", delay_s=delay)

        with ScriptedServer(reply) as s:
            cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k")
            opts = EvalOptions(out=root / "out", concurrency=concurrency, layouts="gold")
            t0 = time.perf_counter()
            summary = asyncio.run(
                run_eval_async(load_dataset(root / "d.jsonl"), cfg, opts, lambda _: None)
            )
            elapsed = time.perf_counter() - t0
    serial = items * delay
    print(f"eval, {items} questions, server delay {delay} s, concurrency {concurrency}:")
    print(f"  max requests in flight: {s.max_in_flight} (target {concurrency})")
    print(f"  wall time {elapsed:.2f} s (serial would be >= {serial:.1f} s); "
          f"{summary['complete']} complete")  # fmt: skip


def _cpu_seconds() -> float:
    """CPU seconds of this process, its live descendants (Ray's processes) and every child
    any of them has reaped (pool workers), read from /proc (Linux)."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                text = fh.read()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        # ppid; utime + stime + cutime + cstime (the reaped children's)
        stats[int(entry)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0))[1]
        todo.extend(children.get(pid, []))
    return total / os.sysconf("SC_CLK_TCK")


def _detection_dataset(root: Path, images: int, per_image: int) -> Path:
    """Distinct tables (so nothing is served from a cache), ``per_image`` questions each."""
    styles = ("grid", "zebra", "hrules", "booktabs")
    with open(root / "d.jsonl", "w") as f:
        for i in range(images):
            drawn = draw_table(make_cells(12 + i % 5, 5, i), style=styles[i % len(styles)])
            drawn.image.save(root / f"t{i}.png")
            (root / f"t{i}.json").write_text(_gold(drawn.image).to_json())
            for q in range(per_image):
                row = {"id": f"q{i}-{q}", "image": f"t{i}.png", "question": f"q{q}?",
                       "answer": "2011", "layout": f"t{i}.json"}  # fmt: skip
                f.write(json.dumps(row) + "\n")
    return root / "d.jsonl"


def _gold(image: object) -> Any:
    from refocus_dsl.detect import detect_layout

    return detect_layout(image, "table", cache=False)  # type: ignore[arg-type]


def run_measured(dataset: Path, out: Path, cfg: EndpointConfig, opts: EvalOptions) -> tuple[
    float, float, dict[str, Any]
]:
    """(wall seconds, cores used, summary) of one evaluation with a fresh layout cache."""
    import refocus_dsl.cache

    os.environ["REFOCUS_CACHE_DIR"] = str(out / "cache")
    refocus_dsl.cache._DEFAULT = None  # a fresh process-wide cache too: every run detects
    cpu0, t0 = _cpu_seconds(), time.perf_counter()
    summary = asyncio.run(run_eval_async(load_dataset(dataset), cfg, opts, lambda _: None))
    wall = time.perf_counter() - t0
    return wall, (_cpu_seconds() - cpu0) / wall, summary


def bench_detection(
    images: int, per_image: int, delay: float, levels: list[int], engines: list[str]
) -> None:
    cores = len(os.sched_getaffinity(0))
    n = images * per_image
    print(f"eval with detection: {images} distinct tables x {per_image} questions = {n}, "
          f"server delay {delay} s, {cores} cores, load average {os.getloadavg()[0]:.2f} "
          "at start (other jobs' load inflates wall time and deflates cores used)")  # fmt: skip
    runs = [("local", "gold"), ("local", "detected"), ("ray", "detected")]
    seen: dict[tuple[str, str, int], tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        dataset = _detection_dataset(root, images, per_image)
        with ScriptedServer(lambda body: Reply(text="ANSWER: 2011", delay_s=delay)) as s:
            cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k")
            for engine, layouts in runs:
                if engine not in engines:
                    continue
                if engine == "ray":
                    _start_ray(cores)
                for c in levels:
                    out = root / f"{engine}-{layouts}{c}"
                    ray = {"engine": "ray"} if engine == "ray" else {}  # runs on older code too
                    opts = EvalOptions(out=out, concurrency=c, layouts=layouts, **ray)
                    wall, used, summary = run_measured(dataset, out, cfg, opts)
                    assert summary["complete"] == n, summary
                    seen[(engine, layouts, c)] = (wall, used)
                    share = f"{used:4.2f} of {cores} ({100 * used / cores:3.0f}%)"
                    print(f"  {engine:5} {layouts:8} concurrency {c:>2}: wall {wall:6.2f} s, "
                          f"cores used {share}")  # fmt: skip
    _project(seen, n, delay)


def _start_ray(cores: int) -> None:
    """One local Ray for the Ray rows, started before they are timed, as a cluster would
    be; its workers keep no layout cache, so every run detects."""
    import ray

    ray.init(
        num_cpus=cores, include_dashboard=False, log_to_driver=False,
        runtime_env={"env_vars": {"REFOCUS_NO_CACHE": "1"}},
    )  # fmt: skip


def _project(seen: dict[tuple[str, str, int], tuple[float, float]], n: int, delay: float) -> None:
    detected = {k: v for k, v in seen.items() if k[1] == "detected"}
    if not detected:
        return
    (engine, _, c), (wall, used) = min(detected.items(), key=lambda kv: kv[1][0])
    print(f"  projection from the fastest detected run ({engine}, concurrency {c}: "
          f"{wall / n:.3f} s and {wall * used / n:.3f} CPU s per question; model latency "
          f"{delay} s, one reply per question; a real model's turns dominate):")  # fmt: skip
    for total in (2_500, 100_000):
        secs = wall / n * total
        print(f"    {total:>7} questions: {secs / 60:7.1f} min wall on this machine, "
              f"{wall * used / n * total / 3600:6.2f} CPU hours")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--items", type=int, default=32)
    ap.add_argument("--delay", type=float, default=0.3)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--images", type=int, default=24, help="distinct images to detect")
    ap.add_argument("--per-image", type=int, default=2, help="questions per image")
    ap.add_argument("--levels", default="1,8,32", help="concurrency levels with detection")
    ap.add_argument("--only", choices=("turn", "eval", "detection"), help="run one part")
    ap.add_argument("--engines", default="local,ray", help="engines with detection")
    args = ap.parse_args()
    if args.only in (None, "turn"):
        bench_turn(args.repeat)
    if args.only in (None, "eval"):
        bench_eval(args.items, args.delay, args.concurrency)
    if args.only in (None, "detection"):
        levels = [int(x) for x in args.levels.split(",")]
        engines = args.engines.split(",")
        bench_detection(args.images, args.per_image, args.delay, levels, engines)


if __name__ == "__main__":
    main()
