"""ask with no layout goes through layout detection, and the model sees what was found."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from scripted_server import Reply, ScriptedServer, text_of

from refocus_dsl.loop import ask
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.prompt import MAX_LISTED_LABELS, layout_labels


def _bar_chart() -> Image.Image:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.bar(["Brazil", "Canada", "France", "Mexico"], [12, 30, 22, 17], color="#4a7bd0")
    ax.set_title("Exports")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def test_detected_layout_reaches_the_prompt() -> None:
    detect = pytest.importorskip("refocus_dsl.detect")
    image = _bar_chart()
    try:
        detect.detect_layout(image)
    except Exception as exc:  # noqa: BLE001 - no OCR on this machine: nothing to test here
        pytest.skip(f"layout detection unavailable: {exc}")
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
