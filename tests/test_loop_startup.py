"""Costs paid once: offline commands never import the openai client; each image is
PNG-encoded once per turn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def _openai_imported_after(*lines: str) -> bool:
    """Run ``lines`` in a fresh interpreter; was openai imported by then?"""
    code = "\n".join(("import sys", *lines, "print('openai' in sys.modules)"))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return out.stdout.strip() == "True"


def test_offline_paths_do_not_import_openai() -> None:
    assert not _openai_imported_after(
        "import refocus_dsl.cli as cli",
        "import refocus_dsl.loop.session, refocus_dsl.loop.evaluate, refocus_dsl.loop.offline",
        "cli.build_parser()",
    )


def test_a_client_imports_openai_when_made() -> None:
    assert _openai_imported_after(
        "from refocus_dsl.loop.client import ChatClient",
        "from refocus_dsl.loop.config import EndpointConfig",
        "ChatClient(EndpointConfig(model='m', base_url='http://127.0.0.1:9/v1', api_key='k'))",
    )


def test_one_png_encode_per_image_per_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Input and edited image are each encoded once: the requests, the retry and the
    trace reuse the bytes."""
    from loop_helpers import table_image_and_layout
    from PIL import Image
    from scripted_server import Reply, ScriptedServer

    from refocus_dsl.loop import ask
    from refocus_dsl.loop.config import EndpointConfig

    image, layout = table_image_and_layout()
    encoded: list[tuple[int, int]] = []
    save = Image.Image.save

    def counting_save(self: Image.Image, fp: Any, format: Any = None, **kw: Any) -> None:  # noqa: A002
        if str(format or "").upper() == "PNG":
            encoded.append(self.size)
        save(self, fp, format, **kw)

    monkeypatch.setattr(Image.Image, "save", counting_save)
    program = '```refocus\nkeep_only(columns("Year", "Earning"))\n```'
    script = [Reply(text=program), Reply(status=503), Reply(text="ANSWER: 2011")]
    with ScriptedServer(script) as s:
        cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k", backoff_s=0.001)
        result = ask(image, "Which year?", config=cfg, layout=layout, trace_dir=tmp_path / "t")
    assert result.edits == 1 and len(s.requests) == 3  # the 503 was retried with the same bytes
    assert len(encoded) == 2  # the input once, the edited image once
