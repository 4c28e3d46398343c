"""``-`` for standard input and output, and the exit codes: 0 success, 1 program or
data problems, 2 usage or file errors. Real processes, real pipes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from loop_helpers import write_table_files
from PIL import Image

COMMAND = [sys.executable, "-m", "refocus_dsl"]


def _refocus(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "REFOCUS_"))}
    return subprocess.run(
        [*COMMAND, *args], input=stdin, capture_output=True, env=env, timeout=120, check=False
    )


def test_detect_reads_standard_input(tmp_path: Path) -> None:
    img, _ = write_table_files(tmp_path)
    done = _refocus("detect", "-", "--json", stdin=Path(img).read_bytes())
    assert done.returncode == 0, done.stderr
    layout = json.loads(done.stdout)
    assert (layout["image"]["width"], layout["image"]["height"]) == Image.open(img).size


def test_check_reads_the_layout_from_standard_input(tmp_path: Path) -> None:
    _, lay = write_table_files(tmp_path)
    layout = Path(lay).read_bytes()
    good = _refocus("check", "-e", 'keep_only(columns("Year"))', "--layout", "-", stdin=layout)
    assert good.returncode == 0, good.stderr
    assert b"labels checked against the layout" in good.stderr
    bad = _refocus("check", "-e", 'keep_only(columns("Revenue"))', "--layout", "-", stdin=layout)
    assert bad.returncode == 1 and b"Revenue" in bad.stdout
    broken = _refocus("check", "-e", 'keep_only(columns("Year"))', "--layout", "-", stdin=b"{")
    assert broken.returncode == 1 and b"<stdin>:1:2: not valid JSON" in broken.stderr
    twice = _refocus("check", "-", "--layout", "-", stdin=layout)
    assert twice.returncode == 2 and b"both read standard input" in twice.stderr


def test_run_writes_the_image_to_standard_output(tmp_path: Path) -> None:
    img, _ = write_table_files(tmp_path)
    program = "mask(region(0, 0, 0.5, 1))"
    done = _refocus("run", img, "-e", program, "-o", "-")
    assert done.returncode == 0, done.stderr
    out = Image.open(io.BytesIO(done.stdout))
    assert out.format == "PNG" and out.size == Image.open(img).size
    assert b"wrote <stdout>" in done.stderr
    piped = _refocus("run", "-", "-e", program, "-o", "-", stdin=Path(img).read_bytes())
    assert piped.returncode == 0 and piped.stdout == done.stdout
    clash = _refocus("run", img, "-e", program, "-o", "-", "--json")
    assert clash.returncode == 2 and clash.stdout == b""


def test_plan_image_to_stdout_moves_its_text_to_stderr(tmp_path: Path) -> None:
    img, lay = write_table_files(tmp_path)
    done = _refocus("plan", "-", "What was the cost in 2011?", "--layout", lay, "-o", "-",
                    stdin=Path(img).read_bytes())  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert Image.open(io.BytesIO(done.stdout)).size == Image.open(img).size
    assert b"keep_only(" in done.stderr


def test_exit_codes(tmp_path: Path) -> None:
    img, lay = write_table_files(tmp_path)
    missing = str(tmp_path / "missing.png")
    for args in (
        ("detect", missing),
        ("run", missing, "-e", "mask(region(0, 0, 1, 1))", "-o", str(tmp_path / "o.png")),
        ("ask", missing, "q?", "--offline"),
        ("check", str(tmp_path / "missing.rf")),
        ("check", "-e", "mask(rows(\"1\"))", "--layout", str(tmp_path / "missing.json")),
        ("eval", str(tmp_path / "missing.jsonl"), "--offline"),
        ("run", img),  # argparse: -o is required
    ):
        done = _refocus(*args)
        assert done.returncode == 2, (args, done.stderr)
        assert b"Traceback" not in done.stderr
    not_an_image = tmp_path / "text.png"
    not_an_image.write_text("hello")
    assert _refocus("detect", str(not_an_image)).returncode == 1, "a data problem"
    assert _refocus("check", "-e", "mask(").returncode == 1, "a program problem"
    assert _refocus("run", img, "-e", "mask(region(0, 0, 1, 1))",
                    "-o", str(tmp_path / "ok.png")).returncode == 0  # fmt: skip
