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
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from refocus_dsl.errors import USAGE, RefocusError
from refocus_dsl.jsonlines import json_lines
from refocus_dsl.lang.limits import DEFAULT_MAX_PIXELS, Limits
from refocus_dsl.loop.client import AsyncChatClient
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.metrics import exact_match, question_type, relaxed_match
from refocus_dsl.loop.trace import is_complete, load_trace, update_trace, write_trace
from refocus_dsl.progress import ProgressDisplay, logger

log = logger.getChild("eval")

if TYPE_CHECKING:
    from refocus_dsl.loop.engines import Engine
    from refocus_dsl.loop.session import LayoutInput

LayoutChoice = Literal["detected", "gold"]
Metric = Literal["relaxed", "exact"]
MAX_CONCURRENCY = 256


@dataclass(frozen=True)
class Item:
    id: str
    image: Path
    question: str
    answer: str
    layout: Path | Mapping[str, Any] | None = None
    dataset: str = ""
    type: str = ""

    @property
    def folder(self) -> str:
        return safe_folder_name(self.id)


_TAME_ID = re.compile(r"[a-z0-9_][a-z0-9_.-]{0,79}")
_HASHED = re.compile(r".*-[0-9a-f]{8}")
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{i}" for p in ("com", "lpt") for i in range(10)]
)


def safe_folder_name(item_id: str) -> str:
    """A folder name for an id: the id itself when it is tame (lower case letters, digits,
    ``_.-``), else a cleaned form plus a hash of the exact id.

    One id, one folder: a tame id that itself looks hashed (``a_b-7dbde935``) is hashed
    again, so it never meets the folder of ``"a b"``; ids differing only in case (``Q1``,
    ``q1``) get different names on case-insensitive file systems too.
    """
    tame = (
        _TAME_ID.fullmatch(item_id) is not None
        and _HASHED.fullmatch(item_id) is None
        and item_id.split(".")[0] not in _RESERVED
    )
    if tame:
        return item_id
    clean = re.sub(r"[^A-Za-z0-9_.-]", "_", item_id)[:80].strip(".") or "item"
    return clean + "-" + hashlib.sha1(item_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _inside(base: Path, rel: str, where: str, key: str, allow_outside: bool) -> Path:
    """``base / rel``, refused when it leaves the dataset's folder (unless allowed)."""
    path = base / rel
    if allow_outside:
        return path
    root = base.resolve()
    target = path.resolve()
    if Path(rel).is_absolute() or (target != root and root not in target.parents):
        raise LoopError(
            f"{where}: {key} {rel!r} is outside the dataset's folder; pass "
            "--allow-outside-paths to read it (allow_outside_paths=True in Python)"
        )
    return path


def load_dataset(path: str | Path, *, allow_outside_paths: bool = False) -> list[Item]:
    """Read and validate a dataset file; errors name the line. Image and layout paths must
    stay inside the dataset file's folder unless ``allow_outside_paths``."""
    source = Path(path)
    if str(path) == "-":  # standard input; image paths are relative to the working folder
        lines = sys.stdin.read().splitlines()
        return _parse_dataset(lines, Path("<stdin>"), Path.cwd(), allow_outside_paths)
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LoopError(
            f"cannot read dataset {source}: {exc.strerror or exc}", exit_code=USAGE
        ) from None
    except UnicodeDecodeError:
        raise LoopError(f"{source}: not UTF-8 text") from None
    return _parse_dataset(lines, source, source.parent, allow_outside_paths)


MAX_REPORTED_PROBLEMS = 20


def _parse_dataset(
    lines: Sequence[str], source: Path, base: Path, allow_outside_paths: bool = False
) -> list[Item]:
    """Every line checked before any is run; all bad lines reported at once (the first
    ``MAX_REPORTED_PROBLEMS``), so a big dataset is not fixed one error per run."""
    items: list[Item] = []
    shown: list[str] = []  # the first problems, word for word; the rest only counted
    count = 0

    def problem(message: str) -> None:
        nonlocal count
        count += 1
        if len(shown) < MAX_REPORTED_PROBLEMS:
            shown.append(message)

    seen: set[str] = set()
    folders: dict[str, str] = {}
    for number, where, row in json_lines(lines, source, LoopError, problem):
        try:
            item = _parse_item(number, where, row, source, base, allow_outside_paths)
            _claim_id(item.id, where, seen, folders)
        except LoopError as exc:
            problem(str(exc))
            continue
        items.append(item)
    if count:
        more = count - len(shown)
        tail = f"\n... and {more} more" if more else ""
        raise LoopError(
            f"{source}: {count} bad line(s); nothing was run\n" + "\n".join(shown) + tail
        )
    if not items:
        raise LoopError(f"{source}: no questions")
    return items


def _claim_id(item_id: str, where: str, seen: set[str], folders: dict[str, str]) -> None:
    """Ids are unique, and so are the trace folders they name (case-insensitively)."""
    if item_id in seen:
        raise LoopError(f"{where}: duplicate id {item_id!r}")
    folder = safe_folder_name(item_id).casefold()
    if folder in folders:
        raise LoopError(
            f"{where}: id {item_id!r} would share the trace folder of id "
            f"{folders[folder]!r}; rename one"
        )
    seen.add(item_id)
    folders[folder] = item_id


def _parse_item(
    number: int, where: str, row: Any, source: Path, base: Path, allow_outside_paths: bool
) -> Item:
    if not isinstance(row, dict):
        raise LoopError(f"{where}: expected an object")
    for key in ("image", "question", "answer"):
        if not isinstance(row.get(key), (str, int, float)) or isinstance(row.get(key), bool):
            raise LoopError(f"{where}: missing or invalid {key!r}")
    raw_id = row.get("id", f"line{number}")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id).strip():
        raise LoopError(f"{where}: 'id' must be a non-empty string or a whole number")
    raw_layout = row.get("layout")
    layout: Path | Mapping[str, Any] | None
    if isinstance(raw_layout, str):
        layout = _inside(base, raw_layout, where, "layout", allow_outside_paths)
    elif isinstance(raw_layout, dict):
        layout = raw_layout
    else:
        layout = None
    answer = str(row["answer"])
    return Item(
        id=str(raw_id),
        image=_inside(base, str(row["image"]), where, "image", allow_outside_paths),
        question=str(row["question"]),
        answer=answer,
        layout=layout,
        dataset=str(row.get("dataset") or source.stem),
        type=str(row.get("type") or row.get("question_type") or question_type(answer)),
    )


@dataclass(frozen=True)
class EvalOptions:
    out: Path
    concurrency: int = 4
    layouts: LayoutChoice = "detected"
    metric: Metric = "relaxed"
    max_turns: int = 4
    prompt_style: str = "dsl"
    limit: int | None = None
    """Run at most this many new questions (the rest wait for the next run)."""
    judge: bool = False
    resume: bool = True
    mode: str = "refocus"
    """``refocus``, or a baseline: ``direct`` (no edits) or ``planner`` (the planner's edit)."""
    max_pixels: int = DEFAULT_MAX_PIXELS
    """Largest image accepted, in pixels (``--max-pixels``)."""
    allow_outside_paths: bool = False
    """Read images and layouts outside the dataset file's folder (``--allow-outside-paths``)."""
    detect_workers: int | None = None
    """Processes detecting layouts (``--detect-workers``); None: one per core."""
    engine: str = "local"
    """``local`` (this machine) or ``ray`` (a Ray cluster: ``--engine ray``)."""
    ray_address: str | None = None
    """The Ray cluster to join (``auto``, ``ray://host:10001``); None starts a local one."""

    def settings(self, config: EndpointConfig | None) -> dict[str, Any]:
        """What decides a question's result: traces made with other settings are not
        resumed (see :func:`check_resumable`)."""
        return {
            "model": config.model if config is not None else None,
            "request": config.request_settings() if config is not None else None,
            "mode": self.mode,
            "prompt_style": self.prompt_style,
            "layouts": self.layouts,
            "max_turns": self.max_turns,
            "limits": asdict(Limits(max_pixels=self.max_pixels)),
        }

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise LoopError(f"concurrency must be 1..{MAX_CONCURRENCY}, got {self.concurrency}")
        if self.layouts not in ("detected", "gold"):
            raise LoopError(f"--layouts must be detected or gold, got {self.layouts!r}")
        if self.mode not in ("refocus", "direct", "planner"):
            raise LoopError(f"mode must be refocus, direct or planner, got {self.mode!r}")
        if self.metric not in ("relaxed", "exact"):
            raise LoopError(f"metric must be relaxed or exact, got {self.metric!r}")
        if self.engine not in ("local", "ray"):
            raise LoopError(f"--engine must be local or ray, got {self.engine!r}")
        if self.detect_workers is not None and not 1 <= self.detect_workers <= MAX_CONCURRENCY:
            raise LoopError(
                f"detect workers must be 1..{MAX_CONCURRENCY}, got {self.detect_workers}"
            )


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


def score(answer: str | None, gold: str) -> dict[str, bool]:
    return {"relaxed": relaxed_match(answer, gold), "exact": exact_match(answer, gold)}


JUDGE_PROMPT = """\
You grade answers to questions about charts and tables.
Question: {question}
Gold answer: {gold}
Model answer: {answer}
Does the model answer mean the same as the gold answer (numbers may differ by rounding)?
Reply with exactly one word: yes or no."""


_FIRST_WORD = re.compile(r"[A-Za-z]+")


def judge_verdict(reply: str) -> bool | None:
    """The judge's first word: yes -> True, no -> False, anything else -> None (not
    counted: "Yesterday ..." or "Maybe" is no verdict)."""
    m = _FIRST_WORD.search(reply)
    word = m.group(0).lower() if m else ""
    return True if word == "yes" else False if word == "no" else None


async def judge(
    client: AsyncChatClient, question: str, gold: str, answer: str | None
) -> dict[str, Any]:
    """The paper's optional model judge, through the same endpoint."""
    if answer is None:
        return {"verdict": False, "reply": "(no answer)"}
    text = JUDGE_PROMPT.format(question=question, gold=gold, answer=answer)
    completion = await client.complete([{"role": "user", "content": text}])
    reply = (completion.text or "").strip()
    return {
        "verdict": judge_verdict(reply),
        "reply": reply[:200],
        "usage": completion.usage.to_dict(),
    }


def needs_detection(item: Item, options: EvalOptions) -> bool:
    return options.layouts == "detected" or item.layout is None


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
    from refocus_dsl.loop.engines import make_engine

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


def _rate(hits: int, n: int) -> float | None:
    return round(hits / n, 4) if n else None


def summarize(
    out: Path, items: Sequence[Item], metric: Metric = "relaxed", settings_id: str | None = None
) -> dict[str, Any]:
    """Accuracy by dataset and question type, turns, edits and tokens, from the traces on disk.

    With ``settings_id`` (a :func:`fingerprint`), only traces made with those settings
    count; the others are "other_settings" (left by an earlier ``--no-resume --limit``).
    """
    groups: dict[str, dict[str, list[bool]]] = {
        "dataset": defaultdict(list),
        "type": defaultdict(list),
    }
    relaxed: list[bool] = []
    exact: list[bool] = []
    judged: list[bool] = []
    turns: list[int] = []
    edits: list[int] = []
    status: Counter[str] = Counter()
    tokens = Counter[str]()
    missing = other = 0
    for item in items:
        folder = out / item.folder
        if not is_complete(folder):
            missing += 1
            continue
        doc = load_trace(folder)
        if settings_id is not None and doc.get("settings_fingerprint") != settings_id:
            other += 1
            continue
        status[str(doc.get("status"))] += 1
        t = [x for x in (doc.get("turns") or []) if isinstance(x, dict)]
        turns.append(sum(1 for x in t if x.get("kind") != "planner"))
        edits.append(sum(1 for x in t if x.get("edited_image")))
        for key, val in (doc.get("usage") or {}).items():
            if isinstance(val, int):
                tokens[key] += val
        scores = doc.get("scores") or {}
        if not scores:
            continue
        relaxed.append(bool(scores.get("relaxed")))
        exact.append(bool(scores.get("exact")))
        ok = bool(scores.get(metric))
        groups["dataset"][item.dataset].append(ok)
        groups["type"][item.type].append(ok)
        verdict = (doc.get("judge") or {}).get("verdict")
        if isinstance(verdict, bool):
            judged.append(verdict)
    n = len(turns)
    return {
        "questions": len(items),
        "complete": n,
        "incomplete": missing,
        "other_settings": other,
        "metric": metric,
        "accuracy": {
            "relaxed": _rate(sum(relaxed), len(relaxed)),
            "exact": _rate(sum(exact), len(exact)),
            "judge": _rate(sum(judged), len(judged)),
            "scored": len(relaxed),
        },
        "by_dataset": {
            k: {"n": len(v), "accuracy": _rate(sum(v), len(v))}
            for k, v in sorted(groups["dataset"].items())
        },
        "by_type": {
            k: {"n": len(v), "accuracy": _rate(sum(v), len(v))}
            for k, v in sorted(groups["type"].items())
        },
        "status": dict(sorted(status.items())),
        "turns_per_question": round(sum(turns) / n, 3) if n else None,
        "edits_per_question": round(sum(edits) / n, 3) if n else None,
        "tokens": {
            "prompt": tokens["prompt_tokens"],
            "completion": tokens["completion_tokens"],
            "total": tokens["total_tokens"],
            "per_question": round(tokens["total_tokens"] / n, 1) if n else None,
        },
    }


def format_summary(summary: Mapping[str, Any]) -> str:
    """The summary as a few aligned lines for a terminal."""
    acc = summary["accuracy"]

    def pct(v: Any) -> str:
        return "n/a" if v is None else f"{100 * v:.1f}%"

    failed = summary.get("failed") or 0
    other = summary.get("other_settings") or 0
    lines = [
        f"questions {summary['questions']}, complete {summary['complete']}, "
        f"incomplete {summary['incomplete']}, failed {failed}"
        + (f", made with other settings {other}" if other else ""),
    ]
    causes = (summary.get("run") or {}).get("failures") or {}
    if isinstance(causes, Mapping):
        for cause, count in list(causes.items())[:10]:
            lines.append(f"  failed x{count}: {cause}")
    lines += [
        f"accuracy ({summary['metric']}): relaxed {pct(acc['relaxed'])}, exact "
        f"{pct(acc['exact'])}, judge {pct(acc['judge'])} over {acc['scored']} scored",
    ]
    for title, key in (("by dataset", "by_dataset"), ("by question type", "by_type")):
        if summary[key]:
            lines.append(f"{title}:")
            for name, row in summary[key].items():
                lines.append(f"  {name:<24} n={row['n']:<5} {pct(row['accuracy'])}")
    if summary["complete"]:
        lines.append(
            f"turns/question {summary['turns_per_question']}, edits/question "
            f"{summary['edits_per_question']}, status {summary['status']}"
        )
    else:
        lines.append("turns/question n/a (no question completed)")
    tok = summary["tokens"]
    per = f" ({tok['per_question']} per question)" if tok.get("per_question") is not None else ""
    lines.append(
        f"tokens: prompt {tok['prompt']}, completion {tok['completion']}, total {tok['total']}{per}"
    )
    return "\n".join(lines)


__all__ = [
    "EvalOptions",
    "check_resumable",
    "fingerprint",
    "Item",
    "format_summary",
    "load_dataset",
    "run_eval",
    "run_eval_async",
    "summarize",
    "update_trace",
]
