"""refocus eval never misleads: no resuming across settings, failures counted and shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from loop_helpers import write_dataset
from scripted_server import Reply, ScriptedServer

from refocus_dsl.cli import main


def _eval(data: str, out: Path, base_url: str, *more: str) -> int:
    return main(
        ["eval", data, "--out", str(out), "--layouts", "gold", "--base-url", base_url,
         "--retries", "1", *more]
    )  # fmt: skip


def test_eval_refuses_to_resume_traces_of_another_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out = write_dataset(tmp_path), tmp_path / "runs"
    with ScriptedServer(lambda body: Reply(text="ANSWER: 2011")) as s:
        assert _eval(data, out, s.base_url, "--model", "first") == 0
        capsys.readouterr()
        assert len(s.requests) == 3
        code = _eval(data, out, s.base_url, "--model", "other", "--mode", "direct")
        err = capsys.readouterr().err
        assert code == 1 and len(s.requests) == 3, "nothing was asked, nothing relabelled"
        assert "3 of 3 questions already have a trace made with other settings" in err
        assert "model 'first' there, 'other' now" in err and "mode 'refocus' there" in err
        assert "--no-resume" in err and "Traceback" not in err
        # the same settings resume (nothing to ask); --no-resume asks again with the new ones
        assert _eval(data, out, s.base_url, "--model", "first") == 0
        assert len(s.requests) == 3
        capsys.readouterr()
        assert _eval(data, out, s.base_url, "--model", "other", "--mode", "direct",
                     "--no-resume", "--json") == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert len(s.requests) == 6 and summary["run"]["model"] == "other"
    doc = json.loads((out / "q0" / "trace.json").read_text())
    assert doc["model"] == "other" and doc["settings"]["mode"] == "direct"


def test_no_resume_with_limit_counts_only_this_runs_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out = write_dataset(tmp_path), tmp_path / "runs"
    with ScriptedServer(lambda body: Reply(text="ANSWER: 2011")) as s:
        assert _eval(data, out, s.base_url, "--model", "a") == 0
        capsys.readouterr()
        assert _eval(data, out, s.base_url, "--model", "b", "--no-resume", "--limit", "1",
                     "--json") == 0  # fmt: skip
    summary = json.loads(capsys.readouterr().out)
    assert summary["complete"] == 1 and summary["other_settings"] == 2


def test_eval_where_every_request_fails_says_why_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, out = write_dataset(tmp_path, 4), tmp_path / "runs"

    def broken(body: dict[str, Any]) -> Reply:
        return Reply(status=500, text="the GPU fell over")

    with ScriptedServer(broken) as s:
        code = _eval(data, out, s.base_url, "--model", "m", "--concurrency", "1")
    captured = capsys.readouterr()
    assert code == 1
    assert len(s.requests) == 4 * 2, "one retry per question"
    cause = "gave up after 2 attempts (last: HTTP 500)"
    assert captured.err.count(cause) == 1, "each cause is printed once"
    assert captured.err.count("failed (the same cause as above)") == 3
    assert "failed 4" in captured.out and f"failed x4: m at {s.base_url}: {cause}" in captured.out
    assert "None" not in captured.out and "no question completed" in captured.out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["failed"] == 4 and summary["accuracy"]["scored"] == 0


def test_a_wrong_answer_is_no_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, out = write_dataset(tmp_path, 2), tmp_path / "runs"
    with ScriptedServer(lambda body: Reply(text="ANSWER: Paris")) as s:
        code = _eval(data, out, s.base_url, "--model", "m", "--json")
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["failed"] == 0 and summary["accuracy"]["relaxed"] == 0.0
