"""The Ray engine gives the same layouts and the same summary as the local engine.

One local Ray per test session (two CPUs, no dashboard, a small object store),
in one xdist group so that only one worker starts it. Its workers do not use
the layout cache, so each engine really detects.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loop_helpers import write_dataset
from scripted_server import Reply, ScriptedServer, text_of
from table_helpers import draw_table, make_cells

from refocus_dsl.batch import BatchOptions, run_batch
from refocus_dsl.cli import main
from refocus_dsl.layout import layout_from_dict, layout_to_dict
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.detection import DetectSettings
from refocus_dsl.loop.evaluate import EvalOptions, load_dataset, run_eval_async
from refocus_dsl.loop.trace import load_trace

pytestmark = pytest.mark.xdist_group("ray")


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=100 * 1024 * 1024,
        log_to_driver=False,
        runtime_env={"env_vars": {"REFOCUS_NO_CACHE": "1"}},
    )
    yield
    ray.shutdown()


def _tables(root: Path, per_image: int) -> Path:
    with open(root / "d.jsonl", "w") as f:
        for i in range(3):
            cells = make_cells(4 + i, 3, i)
            draw_table(cells, style="grid").image.save(root / f"t{i}.png")
            for q in range(per_image):
                question = f"What is the {cells[0][1]} of {cells[1][0]}? <{cells[1][1]}|{q}>"
                row = {"id": f"q{i}-{q}", "image": f"t{i}.png", "answer": cells[1][1],
                       "question": question}  # fmt: skip
                f.write(json.dumps(row) + "\n")
    return root / "d.jsonl"


def _reply(body: dict[str, Any]) -> Reply:
    """A program first, then the gold answer for every other question, else a wrong one."""
    messages = body["messages"]
    asked = text_of(messages[1])
    if len(messages) == 2:
        header = asked.split("What is the ")[1].split(" of ")[0]
        return Reply(text=f'```refocus\nkeep_only(columns("{header}"))\n```')
    gold, q = asked.split("<")[1].split(">")[0].split("|")
    return Reply(text=f"ANSWER: {gold if q == '0' else 'no idea'}")


def _layout(doc: dict[str, Any]) -> dict[str, Any]:
    layout = layout_to_dict(layout_from_dict(doc))
    layout.pop("detector", None)  # timings differ between runs
    return layout


@pytest.mark.usefixtures("ray_cluster")
def test_ray_eval_gives_the_local_layouts_and_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFOCUS_CACHE_DIR", str(tmp_path / "cache"))
    data = _tables(tmp_path, per_image=2)
    items = load_dataset(data)
    summaries = {}
    with ScriptedServer(_reply) as server:
        cfg = EndpointConfig(model="m", base_url=server.base_url, api_key="k")
        for engine in ("local", "ray"):
            opts = EvalOptions(out=tmp_path / engine, concurrency=3, engine=engine)
            summaries[engine] = asyncio.run(run_eval_async(items, cfg, opts, lambda _: None))
    local, ray = summaries["local"], summaries["ray"]
    assert local["complete"] == ray["complete"] == 6
    assert local["failed"] == ray["failed"] == 0
    for key in ("accuracy", "by_dataset", "by_type", "status", "edits_per_question"):
        assert local[key] == ray[key], key
    assert local["edits_per_question"] > 0  # the programs ran on detected layouts
    for item in items:
        a = load_trace(tmp_path / "local" / item.folder)
        b = load_trace(tmp_path / "ray" / item.folder)
        assert a["layout_source"] == b["layout_source"] == "detected"
        assert _layout(a["layout"]) == _layout(b["layout"])
        assert a["answer"] == b["answer"]
    # resuming on Ray skips what is done, as the local engine does
    said: list[str] = []
    with ScriptedServer(_reply) as server:
        cfg = EndpointConfig(model="m", base_url=server.base_url, api_key="k")
        again = EvalOptions(out=tmp_path / "ray", concurrency=3, engine="ray")
        asyncio.run(run_eval_async(items, cfg, again, said.append))
        assert not server.requests
    assert any("6 of 6 questions already have a complete trace" in s for s in said)


@pytest.mark.usefixtures("ray_cluster")
def test_ray_offline_eval_with_gold_layouts_matches_local(tmp_path: Path) -> None:
    """No endpoint: the actors run the offline planner; the driver reads the gold files."""
    items = load_dataset(write_dataset(tmp_path, n=2))
    runs = {}
    for engine in ("local", "ray"):
        opts = EvalOptions(out=tmp_path / engine, layouts="gold", engine=engine)
        summary = asyncio.run(run_eval_async(items, None, opts, lambda _: None))
        assert summary["complete"] == 2 and summary["status"] == {"offline": 2}
        runs[engine] = [load_trace(tmp_path / engine / i.folder) for i in items]
    for a, b in zip(runs["local"], runs["ray"], strict=True):
        assert a["layout_source"] == b["layout_source"] == "given"
        assert [t.get("program") for t in a["turns"]] == [t.get("program") for t in b["turns"]]


@pytest.mark.usefixtures("ray_cluster")
def test_ray_batch_detection_gives_the_local_layouts(tmp_path: Path) -> None:
    _tables(tmp_path, per_image=1)
    settings = DetectSettings(cache=False)
    lines = {}
    for engine in ("local", "ray"):
        out = tmp_path / f"{engine}.jsonl"
        options = BatchOptions(jsonl=out, engine=engine, workers=2)
        result = run_batch(tmp_path / "d.jsonl", options, settings, lambda n: lambda *_: None)
        assert (result.detected, result.failed) == (3, 0)
        rows = [json.loads(x) for x in out.read_text().splitlines()]
        lines[engine] = {r["image"]: _layout(r["layout"]) for r in rows}
    assert lines["local"] == lines["ray"]


@pytest.mark.usefixtures("no_endpoint")
def test_engine_ray_without_ray_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    data = _tables(tmp_path, per_image=1)
    code = main(["eval", str(data), "--out", str(tmp_path / "o"), "--engine", "ray"])
    assert code == 2
    assert 'pip install "refocus-dsl[ray]"' in capsys.readouterr().err


def test_an_address_where_nothing_listens_is_refused_at_once() -> None:
    from refocus_dsl.loop.ray_engine import unreachable

    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    problem = unreachable(f"127.0.0.1:{port}", timeout_s=2)
    assert problem is not None and f"127.0.0.1:{port}" in problem
    assert unreachable("auto") is None and unreachable(None) is None
