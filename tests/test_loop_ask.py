"""The turn loop end to end: real openai client, scripted server over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from loop_helpers import chart_image_and_layout, table_image_and_layout
from PIL import ImageChops
from scripted_server import Reply, ScriptedServer, decode_png, image_parts, text_of

from refocus_dsl.errors import ModelError
from refocus_dsl.loop import ask
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.language import render
from refocus_dsl.loop.trace import load_trace

KEEP = (
    "THOUGHT 0: Year and Earning matter.\nACTION 0:\n"
    '```refocus\nkeep_only(columns("Year", "Earning"))\n```'
)
ANSWER = "THOUGHT 1: The highest earning, 1,520, is in 2011.\nANSWER: 2011. TERMINATE"


def _cfg(server: ScriptedServer, **kw: Any) -> EndpointConfig:
    args: dict[str, Any] = dict(
        model="scripted", base_url=server.base_url, api_key="k", backoff_s=0.001, timeout_s=10
    )
    args.update(kw)
    return EndpointConfig(**args)


def _last_user(request: dict[str, Any]) -> dict[str, Any]:
    users: list[dict[str, Any]] = [m for m in request["messages"] if m["role"] == "user"]
    return users[-1]


def test_two_turns_edit_then_answer(tmp_path: Path) -> None:
    image, layout = table_image_and_layout()
    script = [Reply(text=KEEP, expect_images=1), Reply(text=ANSWER, expect_images=2)]
    with ScriptedServer(script) as s:
        result = ask(
            image,
            "Which year had the highest earning?",
            config=_cfg(s),
            layout=layout,
            trace_dir=tmp_path / "q1",
        )
    assert s.problems == []
    assert result.answer == "2011" and result.status == "answered"
    assert [t.kind for t in result.turns] == ["program", "answer"]
    assert result.edits == 1 and len(result.edited_images) == 1
    # the edited image went to the server first, then the original
    sent = [decode_png(u) for u in image_parts(_last_user(s.requests[1]))]
    assert (
        ImageChops.difference(
            sent[0].convert("RGB"), result.edited_images[0].convert("RGB")
        ).getbbox()
        is None
    )
    assert ImageChops.difference(sent[1].convert("RGB"), image).getbbox() is None
    # the Cost column is masked, the Year column untouched
    cost = layout.table.columns[2].bbox  # type: ignore[union-attr]
    year = layout.table.columns[1].bbox  # type: ignore[union-attr]
    edited = result.edited_images[0].convert("RGB")
    assert ImageChops.difference(edited.crop(year), image.crop(year)).getbbox() is None
    body = (cost[0], layout.table.rows[1].bbox[1], cost[2], cost[3])  # type: ignore[union-attr]
    assert ImageChops.difference(edited.crop(body), image.crop(body)).getbbox() is not None
    # the model saw the layout's labels
    first = text_of(_last_user(s.requests[0]))
    assert '"Earning"' in first and '"2011"' not in first and '"4"' in first
    # usage per turn
    assert result.usage.total_tokens == 240 and all(t.latency_s > 0 for t in result.turns)
    # the trace references images by file and holds no data URI
    raw = (tmp_path / "q1" / "trace.json").read_text()
    assert "data:image" not in raw
    doc = load_trace(tmp_path / "q1")
    assert doc["complete"] is True and doc["answer"] == "2011"
    assert (
        doc["turns"][0]["edited_image"] == "turn1.png" and (tmp_path / "q1" / "turn1.png").is_file()
    )
    assert doc["turns"][0]["boxes"], "resolved boxes are recorded"
    files = [p["file"] for m in doc["messages"] for p in m["content"] if p["type"] == "image"]
    assert files == ["input.png", "turn1.png", "input.png"]
    assert {"python", "openai"} <= set(doc["versions"])


def test_diagnostics_go_back_verbatim_then_fix(tmp_path: Path) -> None:
    image, layout = table_image_and_layout()
    bad = 'keep_only(columns("Earnings", "Year"))\n'
    script = [
        Reply(text=f"THOUGHT 0: focus.\n```refocus\n{bad}```", expect_images=1),
        Reply(text=KEEP, expect_images=0),
        Reply(text=ANSWER, expect_images=2),
    ]
    with ScriptedServer(script) as s:
        result = ask(image, "Which year earned most?", config=_cfg(s), layout=layout)
    assert s.problems == []
    assert result.answer == "2011"
    first = result.turns[0]
    assert first.diagnostics and first.edited_image is None
    feedback = text_of(_last_user(s.requests[1]))
    assert first.diagnostics_text.strip() and first.diagnostics_text.rstrip() in feedback
    from refocus_dsl.lang.checker import check

    expected = render(check(bad, layout=layout), bad)
    assert expected.rstrip() in feedback
    assert "^" in feedback and "Earnings" in feedback
    assert result.turns[1].edited


def test_paper_prompt_and_calls(tmp_path: Path) -> None:
    image, layout = table_image_and_layout()
    paper = (
        "THOUGHT 0: I need the Year and Earning columns.\nACTION 0:\n```python\n"
        "image_with_focused_columns = focus_on_columns_with_mask("
        'image_1, ["Year", "Earning"], columns_bbox)\n'
        "display(image_with_focused_columns)\n```"
    )
    script = [Reply(text=paper, expect_images=1), Reply(text=ANSWER, expect_images=2)]
    with ScriptedServer(script) as s:
        result = ask(image, "Which year?", config=_cfg(s), layout=layout, prompt_style="paper")
    assert s.problems == []
    user = text_of(_last_user(s.requests[0]))
    assert "def focus_on_columns_with_mask" in user and "columns_bbox" in user
    assert 'The columns in the image are: ["Index", "Year", "Cost", "Earning"]' in user
    assert 'The rows in the image start with: ["Index", "1", "2", "3", "4", "5"]' in user
    assert user.rstrip().endswith("# RESULT #:")
    feedback = _last_user(s.requests[1])
    assert text_of(feedback).startswith("OBSERVATION: Execution success.")
    assert "kind reminder that the original image" in text_of(feedback)
    assert result.answer == "2011" and result.edits == 1


def test_paper_prompt_for_horizontal_chart_uses_y_values() -> None:
    from dataclasses import replace

    image, layout = chart_image_and_layout()
    assert layout.chart is not None
    layout = replace(layout, chart=replace(layout.chart, orientation="horizontal"))
    with ScriptedServer([Reply(text="ANSWER: 45")]) as s:
        ask(image, "What is China's value?", config=_cfg(s), layout=layout, prompt_style="paper")
    user = text_of(_last_user(s.requests[0]))
    assert "focus_on_y_values_with_mask" in user and "y_values_bbox" in user
    assert 'The x values in the image are: []. The y values in the image are: ["China"' in user


def test_max_turns_then_final_answer() -> None:
    image, layout = table_image_and_layout()
    script = [Reply(text=KEEP), Reply(text=KEEP), Reply(text="FINAL ANSWER: 2011")]
    with ScriptedServer(script) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, max_turns=2)
    assert len(s.requests) == 3
    assert "You have used all 2 turns" in text_of(_last_user(s.requests[2]))
    assert "You have used all" not in text_of(_last_user(s.requests[1]))
    assert [t.kind for t in result.turns] == ["program", "program", "final"]
    assert result.answer == "2011" and result.hit_max_turns


def test_program_after_the_last_turn_is_not_run() -> None:
    image, layout = table_image_and_layout()
    with ScriptedServer([Reply(text=KEEP), Reply(text=KEEP)]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, max_turns=1)
    assert len(s.requests) == 2
    assert result.answer is None and result.status == "no_answer"
    assert result.edits == 1 and "not run" in result.turns[-1].note


def test_malformed_empty_and_two_block_replies_are_nudged() -> None:
    image, layout = table_image_and_layout()
    script = [
        Reply(text=None),
        Reply(text=""),
        Reply(text="Hmm, let me look at the table more carefully."),
        Reply(text='```refocus\nmask(rows("1"))\n```\n```refocus\nmask(rows("2"))\n```'),
        Reply(text="ANSWER: 2011"),
    ]
    with ScriptedServer(script) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, max_turns=6)
    assert [t.kind for t in result.turns] == [
        "empty",
        "empty",
        "malformed",
        "two_programs",
        "answer",
    ]
    feedback = [text_of(_last_user(r)) for r in s.requests[1:]]
    assert "empty" in feedback[0] and "no program block" in feedback[2]
    assert "2 program blocks" in feedback[3]
    assert result.answer == "2011" and result.edits == 0


def test_refusals_end_the_dialogue() -> None:
    image, layout = table_image_and_layout()
    no = "I'm sorry, but I can't help with that."
    with ScriptedServer([Reply(text=no), Reply(text=no)]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout)
    assert result.status == "refused" and result.answer is None
    assert "ordinary question" in text_of(_last_user(s.requests[1]))


def test_hostile_program_is_only_data() -> None:
    image, layout = table_image_and_layout()
    hostile = '```python\nimport os\nos.system("touch pwned")\nopen("/etc/passwd").read()\n```'
    with ScriptedServer([Reply(text=hostile), Reply(text="ANSWER: x")]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout)
    assert result.turns[0].diagnostics and not result.turns[0].edited
    assert not Path("pwned").exists()
    assert "did not run" in text_of(_last_user(s.requests[1]))


def test_429_then_success_inside_ask(tmp_path: Path) -> None:
    image, layout = table_image_and_layout()
    with ScriptedServer([Reply(status=429), Reply(text="ANSWER: 7")]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, trace_dir=tmp_path / "t")
    assert result.answer == "7" and result.turns[0].retries == 1
    assert load_trace(tmp_path / "t")["turns"][0]["retry_errors"] == ["HTTP 429"]


def test_endpoint_failure_raises_and_leaves_incomplete_trace(tmp_path: Path) -> None:
    image, layout = table_image_and_layout()
    with ScriptedServer([Reply(delay_s=1.0, text="late")] * 2) as s:
        cfg = _cfg(s, timeout_s=0.2, max_retries=1)
        with pytest.raises(ModelError, match="timeout"):
            ask(image, "q?", config=cfg, layout=layout, trace_dir=tmp_path / "t")
    doc = json.loads((tmp_path / "t" / "trace.json").read_text())
    assert doc["complete"] is False and doc["status"] == "error"


def test_offline_without_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "REFOCUS_MODEL"):
        monkeypatch.delenv(var, raising=False)
    image, layout = table_image_and_layout()
    said: list[str] = []
    result = ask(
        image,
        "What was the cost in 2011?",
        layout=layout,
        trace_dir=tmp_path / "o",
        notify=said.append,
    )
    assert said and "offline planner" in said[0]
    assert result.answer is None and result.message == "no answer without a model"
    assert result.status == "offline" and result.programs and result.edits == 1
    assert 'columns("Index", "Year", "Cost")' in result.programs[0]
    assert load_trace(tmp_path / "o")["status"] == "offline"


def test_layout_size_mismatch_is_a_clear_error() -> None:
    image, layout = table_image_and_layout()
    from dataclasses import replace

    from refocus_dsl.errors import LayoutError

    with pytest.raises(LayoutError, match="layout is for"):
        ask(
            image, "q?", layout=replace(layout, width=999), base_url="http://127.0.0.1:9/v1",
            model="m",
        )  # fmt: skip


def test_direct_baseline_runs_no_program() -> None:
    image, layout = table_image_and_layout()
    with ScriptedServer([Reply(text=KEEP, expect_images=1)]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, mode="direct")
    assert s.problems == [] and len(s.requests) == 1
    assert "refocus" not in s.requests[0]["messages"][0]["content"]
    assert result.status == "no_answer" and result.edits == 0
    assert "not run" in result.turns[0].note


def test_long_diagnostics_are_cut() -> None:
    image, layout = table_image_and_layout()
    huge = "```refocus\n" + 'mask(rows("nope"))\n' * 45 + "```"
    with ScriptedServer([Reply(text=huge), Reply(text="ANSWER: 1")]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout)
    feedback = text_of(_last_user(s.requests[1]))
    assert len(result.turns[0].diagnostics_text) > 6000
    assert "more characters cut" in feedback and len(feedback) < 7000


def test_top_level_exports() -> None:
    import refocus_dsl

    assert refocus_dsl.ask is ask
    assert refocus_dsl.AskResult.__name__ == "AskResult"


def test_hostile_server_shapes_do_not_break_the_loop(tmp_path: Path) -> None:
    image, layout = table_image_and_layout()

    def raw(content: Any, usage: Any) -> bytes:
        choice = {"index": 0, "message": {"role": "assistant", "content": content}}
        return json.dumps({"choices": [choice], "usage": usage}).encode()

    script = [
        Reply(raw_body=raw([{"type": "text", "text": "hmm"}], {"prompt_tokens": "lots"})),
        Reply(raw_body=b'{"error": {"message": "overloaded"}}'),
        Reply(text="x" * 300_000),
        Reply(text="THOUGHT: \ud800 <b>bold</b>\nANSWER: 2011 \ud800"),
    ]
    with ScriptedServer(script) as s:
        result = ask(
            image, "q?", config=_cfg(s), layout=layout, max_turns=5, trace_dir=tmp_path / "h"
        )
    # a 200 without choices is the endpoint failing: retried, not taken as an empty reply
    assert [t.kind for t in result.turns] == ["malformed", "malformed", "answer"]
    assert result.turns[1].retries == 1
    assert "did not send a chat completion" in result.turns[1].retry_errors[0]
    assert result.answer == "2011 ?"
    assert len(result.turns[1].reply) == 200_000
    assert result.usage.prompt_tokens == 2 * 100, "unreadable usage counts as 0"
    from refocus_dsl.loop.report import write_report

    assert write_report([tmp_path / "h"], tmp_path / "r.html") == 1
    assert "&lt;b&gt;bold&lt;/b&gt;" in (tmp_path / "r.html").read_text()


def test_paper_variables_carry_over_turns() -> None:
    image, layout = table_image_and_layout()
    first = (
        "```python\nimage_with_focused_columns = focus_on_columns_with_mask("
        'image_1, ["Year", "Earning"], columns_bbox)\ndisplay(image_with_focused_columns)\n```'
    )
    second = (
        "```python\nimg2 = focus_on_rows_with_draw("
        'image_with_focused_columns, ["4"], rows_bbox)\ndisplay(img2)\n```'
    )
    script = [Reply(text=first), Reply(text=second), Reply(text="ANSWER: 2011")]
    with ScriptedServer(script) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, prompt_style="paper")
    assert [t.edited for t in result.turns] == [True, True, False]
    a, b = result.edited_images
    table = layout.table
    assert table is not None
    cost, row1 = table.columns[2].bbox, table.rows[1].bbox
    cell = (cost[0], row1[1], cost[2], row1[3])  # masked in turn 1, far from row "4"
    assert ImageChops.difference(a.crop(cell), image.crop(cell)).getbbox() is not None
    assert ImageChops.difference(a.crop(cell), b.crop(cell)).getbbox() is None, "mask kept"
    assert ImageChops.difference(a, b).getbbox() is not None, "and the row box added"


def test_paper_errors_and_inline_final_answer() -> None:
    image, layout = table_image_and_layout()
    bad = '```python\nimg = focus_on_columns_with_mask(image_1, ["Yeer"], columns_bbox)\n```'
    final = "THOUGHT 1: ok.\nANSWER: The year is 2011. FINAL ANSWER: 2011. TERMINATE"
    with ScriptedServer([Reply(text=bad), Reply(text=final)]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, prompt_style="paper")
    feedback = text_of(_last_user(s.requests[1]))
    assert feedback.startswith("OBSERVATION: Execution error.")
    assert 'did you mean "Year"?' in feedback and "^^^^^^" in feedback
    assert result.answer == "2011"


def _one_program(statements: str) -> str:
    return f"THOUGHT 0: edit.\nACTION 0:\n```refocus\n{statements}\n```"


def test_ask_limits_bind_every_program_of_the_dialogue() -> None:
    from refocus_dsl.lang.checker import check
    from refocus_dsl.lang.limits import Limits

    image, layout = table_image_and_layout()
    sixty = "\n".join(['highlight(columns("Year"))'] * 60)
    # over the default 50 statements: E402 goes back to the model; with 100 it runs
    with ScriptedServer([Reply(text=_one_program(sixty)), Reply(text=ANSWER)]) as s:
        default = ask(image, "q?", config=_cfg(s), layout=layout)
    assert [d.code for d in default.turns[0].diagnostics if d.is_error] == ["E402"]
    assert not default.turns[0].edited
    with ScriptedServer([Reply(text=_one_program(sixty)), Reply(text=ANSWER)]) as s:
        raised = ask(image, "q?", config=_cfg(s), layout=layout, limits=Limits(max_statements=100))
    assert raised.turns[0].edited and not raised.turns[0].diagnostics
    # max_nesting=1: the loop refuses what check refuses
    nested = 'highlight(columns(["Year", "Earning"]))'
    tight = Limits(max_nesting=1)
    expected = [d.code for d in check(nested, layout, limits=tight) if d.is_error]
    assert expected == ["E404"]
    with ScriptedServer([Reply(text=_one_program(nested)), Reply(text=ANSWER)]) as s:
        result = ask(image, "q?", config=_cfg(s), layout=layout, limits=tight)
    assert [d.code for d in result.turns[0].diagnostics if d.is_error] == expected
    assert not result.turns[0].edited
