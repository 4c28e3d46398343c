"""``refocus eval``: run ``ask`` over a JSONL dataset, concurrently, resumably.

Each line is ``{"id", "image", "question", "answer"}`` with optional
``layout`` (a path or an inline layout document, used with ``--layouts gold``),
``dataset`` and ``type``. Paths are relative to the JSONL file. Every
question gets a trace folder under the output folder; a folder whose trace
is complete is skipped on the next run, so an interrupted evaluation resumes
where it stopped. Questions run as asyncio tasks under a semaphore, so with
``concurrency`` N exactly N requests are in flight while work remains, and
with one client for the whole run. The distinct images to detect are detected
once each, in a process pool on every core (:mod:`refocus_dsl.loop.detection`),
a bounded distance ahead of the questions that need them.

Every trace records the settings it was made with (model, mode, prompt
style, layouts, max turns, the program's limits, the request settings) and
their fingerprint. Resuming into a folder whose complete traces were made with
other settings is refused with a message that names what differs: mixing two
runs under one summary would mislabel the first run's answers.
"""


from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from refocus_dsl.errors import RefocusError
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.dataset import Item, load_dataset
from refocus_dsl.loop.engines import Engine, make_engine
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.eval_options import EvalOptions, needs_detection
from refocus_dsl.loop.eval_summary import format_summary, summarize
from refocus_dsl.loop.grading import score
from refocus_dsl.loop.trace import is_complete, load_trace, write_trace
from refocus_dsl.progress import ProgressDisplay, logger

log = logger.getChild("eval")

if TYPE_CHECKING:
    from refocus_dsl.loop.session import LayoutInput


def fingerprint(settings: Mapping[str, Any]) -> str:
    """A short, stable digest of the settings (stored in each trace)."""
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _differences(old: Any, new: Mapping[str, Any], prefix: str = "") -> list[str]:
    if not isinstance(old, Mapping):
        return ["made before traces recorded their settings"]
    out: list[str] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            out.extend(_differences(a, b, f"{prefix}{key}."))
        elif a != b:
            out.append(f"{prefix}{key} {a!r} there, {b!r} now")
    return out


def check_resumable(out: Path, items: Sequence[Item], settings: Mapping[str, Any]) -> None:
    """Refuse to resume into ``out`` when a complete trace there was made with other
    settings; the message says what differs and what to do."""
    wanted = fingerprint(settings)
    others: list[tuple[str, Any]] = []
    for item in items:
        folder = out / item.folder
        if not is_complete(folder):
            continue
        doc = load_trace(folder)
        if doc.get("settings_fingerprint") != wanted:
            others.append((item.id, doc.get("settings")))
    if not others:
        return
    first_id, first_settings = others[0]
    what = "; ".join(_differences(first_settings, settings)[:6]) or "settings differ"
    raise LoopError(
        f"{out}: {len(others)} of {len(items)} questions already have a trace made with "
        f"other settings (e.g. {first_id}: {what}). Resuming would mix two runs in one "
        "summary. Write to another --out folder, or pass --no-resume to ask every question "
        "again with these settings."
    )


@dataclass
class Progress:
    total: int
    done: int = 0
    skipped: int = 0
    correct: int = 0
    scored: int = 0
    errors: int = 0
    started: float = field(default_factory=time.perf_counter)
    causes: Counter[str] = field(default_factory=Counter)

    def failed(self, item_id: str, cause: str, report: Report) -> None:
        """Count a question that failed for a reason other than a wrong answer; print
        each distinct cause once (twenty identical HTTP 500 messages help nobody)."""
        self.done += 1
        self.errors += 1
        cause = cause or "unknown error"
        first = cause not in self.causes
        self.causes[cause] += 1
        said = f"failed: {cause}" if first else "failed (the same cause as above)"
        report(f"[{self.done}/{self.total}] {item_id}: {said}", True, "")


Report = Callable[[str, bool, str], None]
"""Where a finished question is reported: (line, failed, status for a progress bar)."""


def _reporter(say: Callable[[str], None] | None, display: ProgressDisplay | None) -> Report:
    def report(line: str, failed: bool, status: str) -> None:
        if say is not None:
            say(line)
        if display is not None:
            display.item(line, failed=failed, status=status)

    return report


async def _one(
    item: Item,
    layout: LayoutInput,
    engine: Engine,
    config: EndpointConfig | None,
    options: EvalOptions,
    progress: Progress,
    report: Report,
) -> None:
    folder = options.out / item.folder
    extra: dict[str, Any] = {
        "id": item.id,
        "gold_answer": item.answer,
        "dataset": item.dataset,
        "question_type": item.type,
        "layouts": options.layouts,
        "mode": options.mode,
        "image_source": str(item.image),
        "settings": (settings := options.settings(config)),
        "settings_fingerprint": fingerprint(settings),
    }
    if options.layouts == "gold" and item.layout is None:
        extra["layout_note"] = "no gold layout for this question; detected one"
    try:
        answered = await engine.answer(item, layout)
    except Exception as exc:  # noqa: BLE001 - one broken question must not end the run
        kind = "" if isinstance(exc, RefocusError) else f"{type(exc).__name__}: "
        progress.failed(item.id, f"{kind}{exc}", report)
        return
    result = answered.result
    unscored = result.status in ("offline", "error")
    scores = {} if unscored else score(result.answer, item.answer)
    extra["scores"] = scores
    extra["correct"] = scores.get(options.metric) if scores else None
    if answered.judge is not None:
        extra["judge"] = answered.judge
    if result.status == "error":
        extra["failure"] = result.error
    try:
        await asyncio.to_thread(write_trace, result, folder, extra)
    except RefocusError as exc:  # one unwritable folder must not end the run
        progress.failed(item.id, str(exc), report)
        return
    if result.status == "error":
        progress.failed(item.id, result.error, report)
        return
    progress.done += 1
    if extra["correct"] is not None:
        progress.scored += 1
        progress.correct += bool(extra["correct"])
    acc = f" acc {progress.correct}/{progress.scored}" if progress.scored else ""
    mark = {True: "right", False: "wrong", None: "-"}[extra["correct"]]
    report(
        f"[{progress.done}/{progress.total}] {item.id}: {result.status}, {mark}, "
        f"{len(result.turns)} turns, {result.edits} edits{acc}",
        False,
        acc.strip(),
    )


async def run_eval_async(
    items: Sequence[Item],
    config: EndpointConfig | None,
    options: EvalOptions,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run the questions; ``say`` takes every progress line (tests, embedding), else they
    go to the ``refocus.eval`` logger under a progress bar when stderr is a terminal."""
    try:
        options.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = exc.strerror or exc
        raise LoopError(f"cannot make the output folder {options.out}: {why}") from None
    settings = options.settings(config)
    if options.resume:
        check_resumable(options.out, items, settings)
    todo: list[Item] = []
    skipped = 0
    for item in items:
        if options.resume and is_complete(options.out / item.folder):
            skipped += 1
        else:
            todo.append(item)
    if options.limit is not None:
        todo = todo[: max(0, options.limit)]
    note = say if say is not None else log.info
    if skipped:
        note(f"resuming: {skipped} of {len(items)} questions already have a complete trace")
    if config is None:
        note("eval: no model endpoint configured; the offline planner runs (no answers)")
    progress = Progress(total=len(todo))
    display = ProgressDisplay(len(todo), "question", "eval", log=log) if say is None else None
    report = _reporter(say, display)
    from refocus_dsl.registry import default_registry

    default_registry()  # load plugins once, before worker threads need them
    engine = make_engine(todo, config, options)
    # Questions enter in order through a window a little wider than the requests in
    # flight, so detection runs ahead of the model by a bounded amount.
    window = asyncio.Semaphore(options.concurrency + 2 * engine.detect_workers)
    semaphore = asyncio.Semaphore(options.concurrency)

    async def guarded(item: Item) -> None:
        async with window:
            layout: LayoutInput = item.layout if options.layouts == "gold" else None
            if needs_detection(item, options):
                layout = await engine.layout_for(item.image)
            async with semaphore:
                await _one(item, layout, engine, config, options, progress, report)

    try:
        await asyncio.gather(*(guarded(item) for item in todo))
    finally:
        if display is not None:
            display.close()
        await engine.close()
    summary = summarize(options.out, items, options.metric, fingerprint(settings))
    summary["failed"] = progress.errors
    summary["run"] = {
        "new": progress.done,
        "resumed": skipped,
        "errors": progress.errors,
        "failures": dict(progress.causes.most_common()),
        "seconds": round(time.perf_counter() - progress.started, 3),
        "concurrency": options.concurrency,
        "mode": options.mode,
        "model": config.model if config is not None else None,
    }
    try:
        (options.out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    except OSError as exc:
        raise LoopError(f"cannot write {options.out / 'summary.json'}: {exc}") from None
    return summary


def run_eval(
    dataset: str | Path,
    config: EndpointConfig | None,
    options: EvalOptions,
    say: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Blocking entry point (what the CLI calls)."""
    items = load_dataset(dataset, allow_outside_paths=options.allow_outside_paths)
    return asyncio.run(run_eval_async(items, config, options, say))


__all__ = [
    "EvalOptions",
    "Item",
    "check_resumable",
    "fingerprint",
    "format_summary",
    "load_dataset",
    "run_eval",
    "run_eval_async",
    "summarize",
]
