"""The loop's sub-commands through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from loop_helpers import chart_image_and_layout, write_table_files
from scripted_server import Reply, ScriptedServer

from refocus_dsl.cli import main


def test_ask_offline_says_so(
    tmp_path: Path, no_endpoint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    out = tmp_path / "edited.png"
    code = main(["ask", img, "What was the cost in 2011?", "--layout", lay, "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    assert "offline planner" in captured.err
    assert "answer: no answer without a model" in captured.out
    assert 'keep_only(columns("Index", "Year", "Cost"))' in captured.out
    assert out.is_file()


def test_ask_json_against_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    img, lay = write_table_files(tmp_path)
    with ScriptedServer([Reply(text="THOUGHT: easy.\nANSWER: 2011 TERMINATE")]) as s:
        code = main(
            ["ask", img, "Which year?", "--layout", lay, "--base-url", s.base_url, "--model", "m",
             "--json", "--trace-dir", str(tmp_path / "tr")]
        )  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["answer"] == "2011" and doc["model"] == "m"
    assert doc["turns"][0]["kind"] == "answer" and doc["usage"]["total_tokens"] == 120
    assert (tmp_path / "tr" / "trace.json").is_file()
    assert s.requests[0]["model"] == "m"


def test_plan_json_and_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image, layout = chart_image_and_layout()
    image.save(tmp_path / "c.png")
    (tmp_path / "c.json").write_text(layout.to_json())
    out = tmp_path / "focus.png"
    code = main(
        ["plan", str(tmp_path / "c.png"), "India vs Japan?", "--layout", str(tmp_path / "c.json"),
         "--json", "-o", str(out)]
    )  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and [f["label"] for f in doc["focus"]] == ["India", "Japan"]
    assert doc["program"].startswith("draw_box(bars(") and out.is_file()


def test_errors_are_one_line(
    tmp_path: Path, no_endpoint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["ask", str(tmp_path / "missing.png"), "q?"])
    err = capsys.readouterr().err
    assert code == 2 and "missing.png" in err and "Traceback" not in err
    code = main(["report", str(tmp_path), "-o", str(tmp_path / "r.html")])
    assert code == 1 and "no trace folders" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["eval"])
    assert exc.value.code == 2


def test_report_and_export_commands(
    tmp_path: Path, no_endpoint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    assert (
        main(["ask", img, "cost in 2011?", "--layout", lay, "--trace-dir", str(tmp_path / "a")])
        == 0
    )
    assert main(["report", str(tmp_path / "a"), "-o", str(tmp_path / "r.html")]) == 0
    assert "data:image/png;base64," in (tmp_path / "r.html").read_text()
    capsys.readouterr()
    assert (
        main(["export-vcot", str(tmp_path / "a"), "-o", str(tmp_path / "v.jsonl"), "--json"]) == 0
    )
    assert json.loads(capsys.readouterr().out) == {
        "written": 0, "wrong": 0, "unscored": 1, "skipped": 0
    }


def test_help_teaches_by_example(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("ask", "plan", "eval", "report", "export-vcot"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "examples:" in capsys.readouterr().out


def test_eval_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    img, lay = write_table_files(tmp_path)
    rows = [
        {
            "id": f"q{i}",
            "image": "t.png",
            "question": f"q{i}?",
            "answer": "2011",
            "layout": "t.json",
        }
        for i in range(3)
    ]
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    with ScriptedServer(lambda body: Reply(text="ANSWER: 2011")) as s:
        code = main(
            ["eval", str(tmp_path / "d.jsonl"), "--out", str(tmp_path / "o"), "--layouts", "gold",
             "--concurrency", "2", "--base-url", s.base_url, "--model", "m", "--json"]
        )  # fmt: skip
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert code == 0 and summary["accuracy"]["relaxed"] == 1.0 and summary["complete"] == 3
    assert "[3/3]" in captured.err


def test_ask_max_pixels_is_the_image_limit(
    tmp_path: Path, no_endpoint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    code = main(["ask", img, "What was the cost in 2011?", "--layout", lay, "--max-pixels", "100"])
    err = capsys.readouterr().err
    assert code == 1
    assert "over the limit of 100;" in err and "Traceback" not in err
