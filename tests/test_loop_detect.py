"""ask with no layout goes through layout detection, and the model sees what was found."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image
from scripted_server import Reply, ScriptedServer, text_of

from refocus_dsl.loop import ask
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.evaluate import EvalOptions, load_dataset, run_eval_async
from refocus_dsl.loop.prompt import MAX_LISTED_LABELS, layout_labels
from refocus_dsl.loop.trace import load_trace
from refocus_dsl.ocr import OcrEngine


def _bar_chart(
    labels: Sequence[str] = ("Brazil", "Canada", "France", "Mexico"),
    values: Sequence[float] = (12, 30, 22, 17),
) -> Image.Image:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.bar(list(labels), list(values), color="#4a7bd0")
    ax.set_title("Exports")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


@pytest.fixture(autouse=True)
def private_layout_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Detection caches layouts on disk; each test starts from an empty cache of its own."""
    from refocus_dsl import cache

    monkeypatch.setattr(cache, "_DEFAULT", cache.LayoutCache(tmp_path / "layout-cache"))


def test_detected_layout_reaches_the_prompt(ocr: OcrEngine) -> None:
    """Needs OCR (the ``ocr`` fixture skips where none is installed); any other
    failure of detection fails the test."""
    image = _bar_chart()
    with ScriptedServer([Reply(text="ANSWER: Canada", expect_images=1)]) as s:
        cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k")
        result = ask(image, "Which country exports most?", config=cfg)
    assert s.problems == []
    assert result.answer == "Canada"
    assert result.layout_source == "detected" and result.layout is not None
    prompt = text_of([m for m in s.requests[0]["messages"] if m["role"] == "user"][0])
    found = layout_labels(result.layout)
    labels = [x for k in ("columns", "rows", "categories") for x in found.get(k, []) if x.strip()]
    if not labels:
        pytest.skip("detection found no readable label in this chart")
    for label in labels[:MAX_LISTED_LABELS]:
        assert json.dumps(label, ensure_ascii=False) in prompt


def test_eval_detects_each_image(tmp_path: Path) -> None:
    """Detection runs once per question, in worker threads, image after image."""
    rows = []
    for i, (labels, values) in enumerate(
        ((["Oslo", "Lima", "Cairo"], [3, 7, 5]), (["Peru", "Chad", "Fiji", "Oman"], [9, 2, 4, 6]))
    ):
        _bar_chart(labels, values).save(tmp_path / f"c{i}.png")
        rows.append(
            {"id": f"c{i}", "image": f"c{i}.png", "question": "Which is largest?", "answer": "x"}
        )
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    said: list[str] = []
    with ScriptedServer(lambda body: Reply(text="ANSWER: x")) as s:
        cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k")
        opts = EvalOptions(out=tmp_path / "o", concurrency=2, layouts="detected")
        summary = asyncio.run(
            run_eval_async(load_dataset(tmp_path / "d.jsonl"), cfg, opts, said.append)
        )
    assert summary["complete"] == 2, said
    for i in range(2):
        doc = load_trace(tmp_path / "o" / f"c{i}")
        assert doc["layout_source"] == "detected", doc["notes"]
