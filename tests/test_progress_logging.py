"""The refocus logger, -v/-q, retry messages, and the progress bar on a terminal."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from loop_helpers import write_dataset
from scripted_server import Reply, ScriptedServer

from refocus_dsl.cli import main
from refocus_dsl.loop.client import ChatClient
from refocus_dsl.loop.config import EndpointConfig


def test_a_retried_request_says_why(caplog: pytest.LogCaptureFixture) -> None:
    script = [Reply(status=503, text="busy"), Reply(status=429, text="slow down"), Reply("hi")]
    with ScriptedServer(script) as s, caplog.at_level(logging.INFO, logger="refocus"):
        cfg = EndpointConfig(model="m", base_url=s.base_url, backoff_s=0.001, max_retries=3)
        client = ChatClient(cfg)
        assert client.complete([{"role": "user", "content": "x"}]).text == "hi"
        client.close()
    retries = [r for r in caplog.records if r.name == "refocus.client"]
    assert [r.levelno for r in retries] == [logging.WARNING, logging.WARNING]
    assert "HTTP 503; retry 1 of 3 in " in retries[0].getMessage()
    assert "HTTP 429; retry 2 of 3 in " in retries[1].getMessage()
    assert f"m at {s.base_url}" in retries[0].getMessage()


def test_quiet_and_verbose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_dataset(tmp_path, 2)
    seen: list[int] = []

    def script(body: dict[str, object]) -> Reply:
        seen.append(1)
        return Reply(status=500) if len(seen) in (1, 4) else Reply("ANSWER: 2011")

    with ScriptedServer(script) as s:
        args = ["eval", data, "--layouts", "gold", "--base-url", s.base_url, "--model", "m",
                "--concurrency", "1"]  # fmt: skip
        assert main([*args, "--out", str(tmp_path / "a"), "-q"]) == 0
        quiet = capsys.readouterr().err
        assert main(["-v", *args, "--out", str(tmp_path / "b")]) == 0
        verbose = capsys.readouterr().err
    assert "[2/2]" not in quiet and "retry 1 of" in quiet, "-q keeps warnings only"
    assert "refocus: warning: m at" in quiet
    assert "[2/2] q1: answered, right" in verbose
    assert "sending 2 messages with 1 images" in verbose and "reply in" in verbose


def test_progress_bar_on_a_terminal_lines_elsewhere(tmp_path: Path) -> None:
    pty = pytest.importorskip("pty")
    data = write_dataset(tmp_path, 3)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFOCUS_"))}
    command = [sys.executable, "-m", "refocus_dsl", "eval", data, "--layouts", "gold"]
    master, slave = pty.openpty()
    # a terminal that reports columns but no lines (as `script` gives): tqdm drew nothing
    import fcntl
    import struct
    import termios

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 0, 100, 0, 0))
    with subprocess.Popen(
        [*command, "--out", str(tmp_path / "tty")], stdout=subprocess.DEVNULL, stderr=slave,
        env=env,
    ) as proc:  # fmt: skip
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0
    os.close(master)
    tty = b"".join(chunks).decode("utf-8", "replace")
    assert "3/3" in tty and "question/s" in tty, tty[-500:]
    assert "100%" in tty and "<00:00" in tty, "a bar with rate and time left"
    assert "[1/3] q0" not in tty, "per-question lines only with -v under a bar"
    piped = subprocess.run(
        [*command, "--out", str(tmp_path / "pipe")], capture_output=True, text=True, env=env,
        timeout=60, check=True,
    )  # fmt: skip
    assert "question/s" not in piped.stderr and "\r" not in piped.stderr
    assert "refocus: [3/3] q" in piped.stderr and ": offline, -, 1 turns" in piped.stderr


def test_a_slow_reply_says_it_is_still_waiting(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import refocus_dsl.loop.client as client_module

    monkeypatch.setattr(client_module, "WAIT_NOTICE_S", 0.2)
    with ScriptedServer([Reply("late", delay_s=0.7)]) as s, caplog.at_level(logging.INFO):
        client = ChatClient(EndpointConfig(model="m", base_url=s.base_url, timeout_s=5))
        assert client.complete([{"role": "user", "content": "x"}]).text == "late"
        client.close()
    waits = [r.getMessage() for r in caplog.records if "no reply yet" in r.getMessage()]
    assert len(waits) >= 2, waits  # at 0.2, 0.4, 0.6 s, and more on a loaded machine
    assert waits[0] == f"m at {s.base_url}: no reply yet after 0 s (gives up at 5 s)"
