"""``refocus eval`` with detected layouts: each distinct image detected once, in worker
processes, with the same layout as detecting it here."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from table_helpers import draw_table, make_cells

from refocus_dsl.detect import detect_layout
from refocus_dsl.layout import layout_from_dict
from refocus_dsl.loop.detection import DetectionPool, detect_image
from refocus_dsl.loop.evaluate import EvalOptions, load_dataset, run_eval_async
from refocus_dsl.loop.trace import load_trace


def _dataset(root: Path, images: int, per_image: int) -> Path:
    with open(root / "d.jsonl", "w") as f:
        for i in range(images):
            draw_table(make_cells(5 + i, 3, i), style="grid").image.save(root / f"t{i}.png")
            for q in range(per_image):
                row = {"id": f"q{i}-{q}", "image": f"t{i}.png", "question": "Total?", "answer": "1"}
                f.write(json.dumps(row) + "\n")
    return root / "d.jsonl"


def _grid(doc: dict[str, object]) -> tuple[object, ...]:
    layout = layout_from_dict(doc)
    assert layout.table is not None
    return (
        layout.kind,
        tuple(c.bbox for c in layout.table.columns),
        tuple((r.label, r.bbox) for r in layout.table.rows),
    )


@pytest.mark.usefixtures("no_endpoint")
def test_eval_detects_each_image_once_in_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("REFOCUS_CACHE_DIR", str(cache))  # the workers inherit it
    data = _dataset(tmp_path, images=3, per_image=2)
    out = tmp_path / "out"
    opts = EvalOptions(out=out, concurrency=2, layouts="detected", detect_workers=2)
    said: list[str] = []
    summary = asyncio.run(run_eval_async(load_dataset(data), None, opts, said.append))
    assert summary["complete"] == 6 and summary["failed"] == 0, said
    # one cache entry per distinct image: each was detected once, by a worker
    assert len(list(cache.rglob("*.json"))) == 3
    for i in range(3):
        here = detect_layout(tmp_path / f"t{i}.png", cache=False)
        for q in range(2):
            doc = load_trace(out / f"q{i}-{q}")
            assert doc["layout_source"] == "detected"
            assert _grid(doc["layout"]) == _grid(json.loads(here.to_json()))


def test_a_bad_image_is_a_note_and_the_pool_forgets_used_layouts(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    note = detect_image(str(bad))
    assert note.layout is None and "cannot read the image" in note.notes[0]

    async def run() -> tuple[int, int]:
        pool = DetectionPool([bad, bad], workers=1)
        try:
            first = await pool.layout_for(bad)
            after_one = len(pool._pending)
            await pool.layout_for(bad)
            assert first.layout is None
            return after_one, len(pool._pending)
        finally:
            pool.close()

    assert asyncio.run(run()) == (1, 0)
