"""Trace folders: everything one question did, on disk, for reports and training data.

Layout of a folder::

    trace.json      every message (images by file name, never inlined), each
                    turn's program, diagnostics, resolved boxes, usage and
                    timings, the layout, versions; ``complete`` is false when
                    the dialogue was cut short by an endpoint failure
    input.png       the original image
    turnN.png       the edited image of turn N (1-based), when its program ran

``trace.json`` is written last and atomically, so a folder whose
``trace.json`` says ``complete: true`` is finished (this is what
``refocus eval`` resumes on).
"""

from __future__ import annotations

import json
import os
import platform
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from refocus_dsl.layout import layout_to_dict
from refocus_dsl.loop.dialogue import Turn
from refocus_dsl.loop.errors import TraceError
from refocus_dsl.loop.language import jsonable
from refocus_dsl.progress import logger
from refocus_dsl.safetext import redact, redact_url

log = logger.getChild("trace")

if TYPE_CHECKING:
    from refocus_dsl.loop.question import AskResult

SCHEMA = "refocus-trace/1"
TRACE_FILE = "trace.json"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    try:
        from refocus_dsl import __version__

        out["refocus_dsl"] = __version__
    except ImportError:  # pragma: no cover
        pass
    for dist in ("openai", "pillow", "lark"):
        try:
            from importlib.metadata import version

            out[dist] = version(dist)
        except Exception:  # noqa: BLE001 - a missing version is not worth failing a trace
            continue
    return out


def turn_to_dict(turn: Turn) -> dict[str, Any]:
    return {
        "index": turn.index,
        "kind": turn.kind,
        "reply": turn.reply,
        "thought": turn.thought,
        "program": turn.program,
        "language": turn.language,
        "diagnostics": jsonable(list(turn.diagnostics)),
        "diagnostics_text": turn.diagnostics_text,
        "run_error": turn.run_error,
        "steps": jsonable(list(turn.steps)),
        "boxes": [list(b) for b in turn.boxes],
        "edited_image": turn.edited_file,
        "answer": turn.answer,
        "usage": turn.usage.to_dict(),
        "latency_s": round(turn.latency_s, 4),
        "own_s": round(turn.own_s, 5),
        "retries": turn.retries,
        "retry_errors": list(turn.retry_errors),
        "finish_reason": turn.finish_reason,
        "note": turn.note,
    }


def result_to_dict(result: AskResult, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "complete": result.status != "error",
        "question": result.question,
        "answer": result.answer,
        "status": result.status,
        "error": redact(result.error),
        "message": result.message,
        "notes": list(result.notes),
        "image": {"file": "input.png", "width": result.image.width, "height": result.image.height},
        "layout": layout_to_dict(result.layout) if result.layout is not None else None,
        "layout_source": result.layout_source,
        "model": result.model,
        "base_url": redact_url(result.base_url),
        "prompt_style": result.prompt_style,
        "max_turns": result.max_turns,
        "turns": [turn_to_dict(t) for t in result.turns],
        "messages": [m.to_trace() for m in result.messages],
        "usage": result.usage.to_dict(),
        "timings": {
            "elapsed_s": round(result.elapsed_s, 4),
            "model_s": round(result.model_s, 4),
            "own_s": round(result.own_s, 5),
        },
        "versions": versions(),
    }
    if extra:
        doc.update({k: jsonable(v) for k, v in extra.items() if k not in ("schema", "turns")})
    return doc


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


_TURN_IMAGE = re.compile(r"^turn\d+\.png$")


def _remove_stale_turn_images(folder: Path, keep: set[str]) -> None:
    """Delete turn images an earlier trace left here, so a rewritten trace never
    shows another run's edits as its own."""
    for child in folder.iterdir():
        if _TURN_IMAGE.match(child.name) and child.name not in keep and child.is_file():
            child.unlink()


def write_trace(
    result: AskResult, directory: str | Path, extra: Mapping[str, Any] | None = None
) -> AskResult:
    """Write the folder (images first, ``trace.json`` last); return the result with its path."""
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, ref in result.images.items():
            _atomic_write(folder / name, ref.png)
        _remove_stale_turn_images(folder, set(result.images))
        doc = result_to_dict(result, extra)
        _atomic_write(folder / TRACE_FILE, json.dumps(doc, ensure_ascii=False, indent=1).encode())
    except OSError as exc:
        raise TraceError(f"cannot write trace to {folder}: {exc.strerror or exc}") from None
    return replace(result, trace_dir=folder)


def update_trace(directory: str | Path, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Add fields (``correct``, ``gold_answer`` ...) to an existing trace.json."""
    folder = Path(directory)
    doc = load_trace(folder)
    doc.update({k: jsonable(v) for k, v in changes.items()})
    _atomic_write(folder / TRACE_FILE, json.dumps(doc, ensure_ascii=False, indent=1).encode())
    return doc


def load_trace(directory: str | Path) -> dict[str, Any]:
    path = Path(directory) / TRACE_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TraceError(f"{directory}: no {TRACE_FILE} (not a trace folder)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise TraceError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise TraceError(f"{path}: not a {SCHEMA} document")
    return doc


def is_complete(directory: str | Path) -> bool:
    try:
        return bool(load_trace(directory).get("complete"))
    except TraceError:
        return False


def trace_image(directory: str | Path, name: Any) -> Path | None:
    """The path of an image named in a trace, only if it is a plain file inside the folder.

    Trace files may come from elsewhere: a name such as ``../../x`` is refused, and so
    is a symbolic link, wherever it points.
    """
    if not isinstance(name, str) or not _SAFE_NAME.match(name) or name.startswith("."):
        return None
    path = Path(directory) / name
    # a symbolic link (to /etc/passwd, to another user's image) is not a plain file here
    if path.is_symlink() or not path.is_file():
        return None
    return path


_BROKEN = (
    TraceError, TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError
)  # fmt: skip
"""What reading a trace with wrongly typed fields (a list where an object belongs, ...)
raises; such a trace is skipped, not the whole report."""

T = TypeVar("T")


def each_trace(folders: Sequence[Path], use: Callable[[Path, dict[str, Any]], T]) -> list[T]:
    """``use(folder, trace)`` for every folder; a trace that cannot be read or used is
    skipped with a warning on the ``refocus.trace`` logger, and the others go on."""
    out: list[T] = []
    for folder in folders:
        try:
            out.append(use(folder, load_trace(folder)))
        except _BROKEN as exc:
            why = exc if isinstance(exc, TraceError) else f"{type(exc).__name__}: {exc}"
            log.warning("skipped %s: a field has the wrong type or shape (%s)", folder, why)
    return out


def _natural(path: Path) -> list[tuple[int, int | str]]:
    """Sort key that puts q2 before q10."""
    return [(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", path.name) if t]


def find_traces(paths: list[str | Path]) -> list[Path]:
    """Trace folders named directly, or found one level below (an eval output folder)."""
    found: list[Path] = []
    for p in map(Path, paths):
        if (p / TRACE_FILE).is_file():
            found.append(p)
        elif p.is_dir():
            found.extend(
                sorted((c for c in p.iterdir() if (c / TRACE_FILE).is_file()), key=_natural)
            )
        else:
            raise TraceError(f"{p}: not a trace folder or a folder of traces")
    return found
