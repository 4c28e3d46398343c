"""Start-up cost: offline commands never import the openai client."""

from __future__ import annotations

import subprocess
import sys


def test_offline_paths_do_not_import_openai() -> None:
    code = (
        "import sys\n"
        "import refocus_dsl.cli as cli\n"
        "import refocus_dsl.loop.session, refocus_dsl.loop.evaluate, refocus_dsl.loop.offline\n"
        "cli.build_parser()\n"
        "print('openai' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"


def test_a_client_imports_openai_when_made() -> None:
    code = (
        "import sys\n"
        "from refocus_dsl.loop.client import ChatClient\n"
        "from refocus_dsl.loop.config import EndpointConfig\n"
        "ChatClient(EndpointConfig(model='m', base_url='http://127.0.0.1:9/v1', api_key='k'))\n"
        "print('openai' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "True"
