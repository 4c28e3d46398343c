"""report and export-vcot: a trace with wrongly typed fields is skipped with a warning;
a symlinked image pointing outside the trace folder is never embedded."""

from __future__ import annotations

import base64
import json
import logging
import os
from pathlib import Path

import pytest
from loop_helpers import table_image_and_layout
from scripted_server import Reply, ScriptedServer

from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.report import write_report
from refocus_dsl.loop.session import ask
from refocus_dsl.loop.trace import update_trace
from refocus_dsl.loop.vcot import export_vcot


def _trace(folder: Path) -> Path:
    image, layout = table_image_and_layout()
    edit = "```refocus\nmask(region(0, 0, 0.5, 1))\n```"
    with ScriptedServer([Reply(text=edit), Reply(text="ANSWER: 2011")]) as s:
        cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k")
        ask(image, "q?", config=cfg, layout=layout, trace_dir=folder)
    update_trace(folder, {"correct": True, "gold_answer": "2011", "id": folder.name})
    return folder


@pytest.mark.parametrize(
    "breakage",
    [
        {"turns": {"0": "not a list"}},
        {"image": "input.png"},
        {"usage": [1, 2]},
        {"turns": [{"index": "first", "usage": "x"}]},
        {"turns": [{"index": 0, "boxes": [["a", 1, 2, 3]], "edited_image": "turn1.png"}]},
        {"layout": {"table": {"columns": [{"bbox": [0, 0, 1]}], "rows": "x"}}},
    ],
)
def test_one_bad_trace_is_skipped_and_the_rest_reported(
    tmp_path: Path, breakage: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    good = _trace(tmp_path / "runs" / "q1")
    bad = _trace(tmp_path / "runs" / "q2")
    doc = json.loads((bad / "trace.json").read_text())
    doc.update(breakage)
    (bad / "trace.json").write_text(json.dumps(doc))
    caplog.set_level(logging.WARNING, logger="refocus")
    n = write_report([tmp_path / "runs"], tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    assert 1 <= n <= 2 and "<h2>q1" in page
    count = export_vcot([tmp_path / "runs"], tmp_path / "v.jsonl")
    lines = (tmp_path / "v.jsonl").read_text().splitlines()
    assert count.written == len(lines) >= 1 and json.loads(lines[0])["id"] == good.name
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    if n == 1:
        assert any("q2" in m for m in skipped)
    assert count.written + count.skipped + count.wrong + count.unscored == 2


def test_a_symlinked_image_is_not_embedded(tmp_path: Path) -> None:
    folder = _trace(tmp_path / "t")
    secret = tmp_path / "secret.png"
    secret.write_bytes((folder / "input.png").read_bytes() + b"SECRET-MARKER")
    (folder / "input.png").unlink()
    os.symlink(secret, folder / "input.png")
    write_report([folder], tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    marker = base64.b64encode(secret.read_bytes()).decode()[-40:]
    assert marker not in page and page.count("<img") == 1  # only turn1.png
    export_vcot([folder], tmp_path / "v.jsonl")
    record = json.loads((tmp_path / "v.jsonl").read_text())
    assert record["images"] == []
