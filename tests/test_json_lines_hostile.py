"""Every JSON Lines reader (eval datasets, detection and scoring manifests) answers a
hostile line with an error naming the line, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from refocus_dsl.batch import BatchError, collect_images
from refocus_dsl.errors import LayoutError
from refocus_dsl.loop.dataset import load_dataset
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.scoring import read_manifest

HOSTILE = {
    "huge number": '{"image": "a.png", "n": ' + "9" * 5000 + "}",
    "deep nesting": '{"image": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "not json": '{"image": "a.png",',
}

READERS: dict[str, tuple[Callable[[Path], object], type[Exception]]] = {
    "eval dataset": (load_dataset, LoopError),
    "detect manifest": (collect_images, BatchError),
    "scoring manifest": (read_manifest, LayoutError),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_line_is_an_error_naming_it(tmp_path: Path, reader: str, case: str) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text("\n" + HOSTILE[case] + "\n", encoding="utf-8")
    read, error = READERS[reader]
    with pytest.raises(error, match=r"m\.jsonl:2: not valid JSON"):
        read(path)


def test_a_scoring_manifest_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes('{"image": "\xe9.png", "gold": "g.json"}\n'.encode("latin-1"))
    with pytest.raises(LayoutError, match="not UTF-8"):
        read_manifest(path)
