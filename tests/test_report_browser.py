"""The HTML report as a person sees it: opened in headless Chromium.

The DOM Chromium builds (``--dump-dom``) must hold the index, the summary table,
the images and the hostile reply as inert text; screenshots of the page and of
its "only wrong or failed" view (a CSS ``:target`` filter: the page runs no
script) must show the right badges. Skipped where no Chromium is installed.
"""

from __future__ import annotations

import asyncio
import base64
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from loop_helpers import write_dataset
from PIL import Image
from scripted_server import Reply, ScriptedServer

from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.evaluate import EvalOptions, load_dataset, run_eval_async
from refocus_dsl.loop.report import write_report

BROWSER = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)
needs_browser = pytest.mark.skipif(
    BROWSER is None,
    reason="headless Chromium is not installed (apt-get install chromium): the report's "
    "browser test needs a real browser",
)
HOSTILE = "THOUGHT: <img src=x onerror=alert(1)> <script>alert('x')</script>\n"
PROGRAM = '```refocus\nkeep_only(columns("Year", "Earning"))\n```'
GREEN, RED = (0xD9, 0xF2, 0xDD), (0xFA, 0xDB, 0xD8)  # the right and wrong badges


def _run(tmp_path: Path) -> Path:
    """An eval of four questions: q0 and q2 wrong, q1 right, q3 failed (HTTP 500)."""
    data = write_dataset(tmp_path, 4)

    def reply(body: dict[str, Any]) -> Reply:
        question = str(body["messages"][1]["content"][0]["text"])
        if "q3?" in question:
            return Reply(status=500)
        if len([m for m in body["messages"] if m["role"] == "user"]) == 1:
            return Reply(text=HOSTILE + PROGRAM)
        return Reply(text="ANSWER: 2011" if "q1?" in question else "ANSWER: Paris")

    out = tmp_path / "run"
    with ScriptedServer(reply) as s:
        cfg = EndpointConfig(model="m", base_url=s.base_url, max_retries=0)
        opts = EvalOptions(out=out, layouts="gold", concurrency=2)
        asyncio.run(run_eval_async(load_dataset(data), cfg, opts, lambda _: None))
    page = tmp_path / "report.html"
    write_report([out], page)
    return page


def _browser(*args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _count(shot: Path, colour: tuple[int, int, int]) -> int:
    image = Image.open(shot).convert("RGB")
    return sum(n for n, c in (image.getcolors(1 << 24) or []) if c == colour)


def test_embedded_images_are_downscaled(tmp_path: Path) -> None:
    page = _run(tmp_path).read_text()
    uris = re.findall(r'src="data:image/(?:png|jpeg);base64,([^"]+)"', page)
    assert len(uris) == 4 * 2 + 3, "input and layout overlay per question, three edits"
    sizes = [Image.open(io.BytesIO(base64.b64decode(u))).size for u in uris]
    assert all(max(size) <= 800 for size in sizes)


@needs_browser
def test_what_a_person_sees_in_chromium(tmp_path: Path) -> None:
    page = _run(tmp_path)
    dumped = _browser("--dump-dom", page.as_uri())
    assert dumped.returncode == 0, dumped.stderr[-500:]
    dom = dumped.stdout
    index = dom[dom.index('<table class="index">') : dom.index("</table>")]
    assert len(re.findall(r'<tr class="(ok|problem)">', index)) == 4
    assert index.count("badge wrong") == 3 and index.count("badge right") == 1, "2 wrong, 1 failed"
    assert '<a href="#item3">q2</a>' in index and "Paris" in index
    assert "accuracy, relaxed (3 scored)</th><td>33.3%</td>" in dom
    assert "failed</th><td>1</td>" in dom
    assert dom.count("<section") == 4 and dom.count("<img") == 11
    assert "<script" not in dom and "onerror" not in re.sub(r"&lt;img[^<]*", "", dom)
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom, "the hostile reply is shown as text"

    every = tmp_path / "every.png"
    wrong = tmp_path / "wrong.png"
    size = "--window-size=1100,3000"
    assert _browser(size, f"--screenshot={every}", page.as_uri()).returncode == 0
    assert _browser(size, f"--screenshot={wrong}", page.as_uri() + "#only-wrong").returncode == 0
    assert _count(every, GREEN) > 0 and _count(every, RED) > 0
    assert _count(wrong, GREEN) == 0, "the filter hides the right answer (index row and section)"
    assert _count(wrong, RED) > 0
