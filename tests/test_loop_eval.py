"""refocus eval (concurrency, resume), the HTML report and the VCoT export."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from loop_helpers import table_image_and_layout
from scripted_server import Reply, ScriptedServer

from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.evaluate import EvalOptions, load_dataset, run_eval_async
from refocus_dsl.loop.report import write_report
from refocus_dsl.loop.trace import load_trace
from refocus_dsl.loop.vcot import export_vcot

PROGRAM = '```refocus\nkeep_only(columns("Year", "Earning"))\n```'
HOSTILE_THOUGHT = "THOUGHT: <script>alert('x')</script> & <img src=x onerror=alert(1)>"


def _dataset(tmp_path: Path, n: int) -> Path:
    image, layout = table_image_and_layout()
    image.save(tmp_path / "table.png")
    (tmp_path / "table.json").write_text(layout.to_json())
    lines = []
    for i in range(n):
        row: dict[str, Any] = {
            "id": f"q{i}",
            "image": "table.png",
            "question": f"Question number {i}: which year earned most?",
            "answer": "2011" if i % 3 else "1200",
            "layout": "table.json",
            "dataset": "tables" if i % 2 else "charts",
        }
        lines.append(json.dumps(row))
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _replier(delay: float) -> Any:
    def reply(body: dict[str, Any]) -> Reply:
        users = [m for m in body["messages"] if m["role"] == "user"]
        if len(users) == 1:
            return Reply(text=f"{HOSTILE_THOUGHT}\n{PROGRAM}", delay_s=delay, expect_images=1)
        return Reply(text="ANSWER: 2011", delay_s=delay, expect_images=2)

    return reply


def _cfg(server: ScriptedServer) -> EndpointConfig:
    return EndpointConfig(model="scripted", base_url=server.base_url, api_key="k", backoff_s=0.001)


def test_eval_concurrency_resume_report_and_vcot(tmp_path: Path) -> None:
    data = _dataset(tmp_path, 6)
    items = load_dataset(data)
    out = tmp_path / "run"
    said: list[str] = []
    with ScriptedServer(_replier(0.15)) as s:
        opts = EvalOptions(out=out, concurrency=3, layouts="gold", limit=2)
        first = asyncio.run(run_eval_async(items, _cfg(s), opts, said.append))
    assert s.problems == []
    assert first["complete"] == 2 and first["incomplete"] == 4
    assert len(s.requests) == 2 * 2, "--limit 2 ran two questions"
    # an interrupted question leaves an incomplete trace: it must be redone
    (out / "q2").mkdir()
    (out / "q2" / "trace.json").write_text(
        json.dumps({"schema": "refocus-trace/1", "complete": False})
    )
    with ScriptedServer(_replier(0.15)) as s2:
        opts = EvalOptions(out=out, concurrency=3, layouts="gold")
        summary = asyncio.run(run_eval_async(items, _cfg(s2), opts, said.append))
    assert s2.problems == []
    assert len(s2.requests) == 2 * 4, "only the four unfinished questions ran"
    assert 1 < s2.max_in_flight <= 3
    assert summary["complete"] == 6 and summary["run"]["resumed"] == 2
    assert summary["accuracy"]["relaxed"] == round(4 / 6, 4)
    assert summary["by_dataset"]["tables"]["n"] == 3
    assert summary["turns_per_question"] == 2 and summary["edits_per_question"] == 1
    assert summary["tokens"]["total"] == 6 * 240
    assert any("resuming: 2 of 6" in line for line in said)
    assert json.loads((out / "summary.json").read_text())["complete"] == 6
    doc = load_trace(out / "q0")
    assert (
        doc["correct"] is False and doc["gold_answer"] == "1200" and doc["layout_source"] == "given"
    )

    page = tmp_path / "report.html"
    assert write_report([out], page) == 6
    html = page.read_text()
    assert "<script>" not in html and "onerror=alert" not in html.replace(
        "onerror=alert(1)&gt;", ""
    )
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert html.count("data:image/png;base64,") == 18, "input, layout overlay, edit; x6"
    assert 'src="turn' not in html and 'src="input' not in html
    assert html.count("badge right") == 2 * 4 and html.count("badge wrong") == 2 * 2
    assert "accuracy, relaxed (6 scored)</th><td>66.7%" in html, "the eval summary as a table"
    order = [html.index(f"<h2>q{i} ") for i in range(6)]
    assert order == sorted(order)

    train = tmp_path / "train.jsonl"
    count = export_vcot([out], train)
    assert (count.written, count.wrong, count.unscored) == (4, 2, 0)
    rows = [json.loads(line) for line in train.read_text().splitlines()]
    assert {r["id"] for r in rows} == {"q1", "q2", "q4", "q5"}
    for r in rows:
        assert r["query"].startswith("Question number") and r["answer"] == "2011"
        assert r["focus_areas"] and all(
            set(b) == {"x1", "y1", "x2", "y2"} for b in r["focus_areas"]
        )
        first, second = r["conversations"]
        assert first["images"] == r["images"] and first["images"][0].endswith("input.png")
        assert second["images"][0].endswith("turn1.png") and len(second["images"]) == 2
        assert "ANSWER: 2011" in second["response"] and "keep_only" in first["response"]
        assert all((train.parent / p).is_file() for p in second["images"])
        assert list(r["columns_bbox"]) == ["Index", "Year", "Cost", "Earning"]
        assert r["source"] in ("tables", "charts")


def test_eval_without_endpoint_runs_the_planner(tmp_path: Path) -> None:
    data = _dataset(tmp_path, 2)
    out = tmp_path / "offline"
    said: list[str] = []
    summary = asyncio.run(
        run_eval_async(load_dataset(data), None, EvalOptions(out=out, layouts="gold"), said.append)
    )
    assert summary["complete"] == 2 and summary["accuracy"]["scored"] == 0
    assert summary["status"] == {"offline": 2}
    assert any("offline planner" in line for line in said)


def test_eval_max_pixels_refuses_each_larger_image(tmp_path: Path) -> None:
    data = _dataset(tmp_path, 2)
    said: list[str] = []
    opts = EvalOptions(out=tmp_path / "small", layouts="gold", max_pixels=100)
    summary = asyncio.run(run_eval_async(load_dataset(data), None, opts, said.append))
    assert summary["complete"] == 0 and summary["incomplete"] == 2
    assert summary["failed"] == 2
    assert sum("failed: " in line and "over the limit of 100;" in line for line in said) == 1
    assert sum("failed (the same cause as above)" in line for line in said) == 1


def test_dataset_errors_name_the_line(tmp_path: Path) -> None:
    import pytest

    from refocus_dsl.loop.errors import LoopError

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "image": "x.png", "question": "q", "answer": "1"}\n{"id": "b"}\n')
    with pytest.raises(LoopError, match=r"bad.jsonl:2: missing or invalid 'image'"):
        load_dataset(bad)
    bad.write_text("not json\n")
    with pytest.raises(LoopError, match="bad.jsonl:1: not valid JSON"):
        load_dataset(bad)


def test_every_bad_dataset_line_is_reported_at_once(tmp_path: Path) -> None:
    import pytest

    from refocus_dsl.loop.errors import LoopError

    good = '{"id": "%s", "image": "x.png", "question": "q", "answer": "1"}'
    lines = [good % "a", "not json", '{"id": "b"}', good % "a", good % "", '{"id": [1], '
             '"image": "x.png", "question": "q", "answer": "1"}', good % "c"]  # fmt: skip
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(LoopError) as caught:
        load_dataset(bad)
    text = str(caught.value)
    assert "5 bad line(s)" in text
    for fragment in ("bad.jsonl:2: not valid JSON", "bad.jsonl:3: missing or invalid 'image'",
                     "bad.jsonl:4: duplicate id 'a'", "bad.jsonl:5: 'id' must be",
                     "bad.jsonl:6: 'id' must be"):  # fmt: skip
        assert fragment in text, fragment
    assert "bad.jsonl:7" not in text and "bad.jsonl:1:" not in text
    bad.write_text("\n".join(["nope"] * 30) + "\n")
    with pytest.raises(LoopError, match=r"30 bad line\(s\)[\s\S]*and 10 more"):
        load_dataset(bad)
    bad.write_text("nope\n" * 50_000)  # a huge bad file: a short message all the same
    with pytest.raises(LoopError, match=r"50000 bad line\(s\)[\s\S]*and 49980 more") as big:
        load_dataset(bad)
    assert len(str(big.value).splitlines()) == 22


def _planner_eval_with_judge(
    tmp_path: Path, out: str, judge_says: Callable[[], str], concurrency: int
) -> tuple[ScriptedServer, dict[str, Any]]:
    """Three questions, the planner baseline, a scripted answer and a scripted judge."""
    data = _dataset(tmp_path, 3)

    def reply(body: dict[str, Any]) -> Reply:
        first = body["messages"][0]
        if isinstance(first["content"], str) and "You grade answers" in first["content"]:
            return Reply(text=judge_says())
        return Reply(text="THOUGHT: the boxed row.\nANSWER: 2011", expect_images=2)

    with ScriptedServer(reply) as s:
        opts = EvalOptions(
            out=tmp_path / out, concurrency=concurrency, layouts="gold", mode="planner",
            judge=True,
        )
        summary = asyncio.run(run_eval_async(load_dataset(data), _cfg(s), opts, lambda _: None))
    return s, summary


def test_planner_baseline_with_model_judge(tmp_path: Path) -> None:
    s, summary = _planner_eval_with_judge(tmp_path, "b", lambda: "Yes.", concurrency=2)
    assert s.problems == []
    assert len(s.requests) == 3 * 2, "one answer and one judgement per question"
    doc = load_trace(tmp_path / "b" / "q1")
    assert [t["kind"] for t in doc["turns"]] == ["planner", "answer"]
    assert doc["turns"][0]["program"] and doc["turns"][0]["edited_image"] == "turn1.png"
    assert doc["judge"]["verdict"] is True and doc["mode"] == "planner"
    assert summary["accuracy"]["judge"] == 1.0 and summary["turns_per_question"] == 1


def test_model_judge_verdicts_no_and_unclear(tmp_path: Path) -> None:
    from refocus_dsl.loop.grading import judge_verdict

    assert judge_verdict("**Yes**") is True and judge_verdict("No, it differs.") is False
    assert judge_verdict("Yesterday's value") is None and judge_verdict("") is None
    replies = iter(["No.", "Maybe, hard to say.", "yes"])
    s, summary = _planner_eval_with_judge(
        tmp_path, "j", lambda: next(replies), concurrency=1
    )
    assert s.problems == []
    verdicts = [load_trace(tmp_path / "j" / f"q{i}")["judge"]["verdict"] for i in (0, 1, 2)]
    assert verdicts == [False, None, True]
    # The unclear reply is not counted: one yes of two verdicts.
    assert summary["accuracy"]["judge"] == 0.5


def test_hostile_ids_stay_inside_the_output_folder() -> None:
    from refocus_dsl.loop.dataset import safe_folder_name

    names = {safe_folder_name(i) for i in ("../../etc", "a/b", "..", "", "q 1", "q_1", "ü")}
    assert len(names) == 7, "distinct ids keep distinct folders"
    for name in names:
        assert "/" not in name and "\\" not in name and not name.startswith(".") and name
    assert safe_folder_name("q1") == "q1"
