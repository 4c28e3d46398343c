"""An evaluation's questions: a JSONL file of ``{"id", "image", "question", "answer"}``.

Paths are relative to the file and may not leave its folder unless allowed; ids
become folder names, so they are checked and made safe. Every bad line is
reported at once (the first twenty in full, the rest counted), so a dataset is
fixed in one pass, not one error per run."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refocus_dsl.errors import USAGE
from refocus_dsl.jsonlines import json_lines
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.loop.metrics import question_type


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
