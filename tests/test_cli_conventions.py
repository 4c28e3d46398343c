"""Unix conventions of the CLI: plugins switched off, broken plugins reported, the
prompt styles and the first request, edited-image paths only when written."""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fake_dist import write_dist
from loop_helpers import write_table_files
from PIL import Image

from refocus_dsl.cli import build_parser, main
from refocus_dsl.registry import default_registry, disable_plugins


@pytest.fixture()
def plugins_back() -> object:
    yield None
    disable_plugins(())


def test_disable_plugin_removes_its_tool(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], plugins_back: object
) -> None:
    monkeypatch.setenv("REFOCUS_DISABLE_PLUGINS", "underline")
    disable_plugins(["mask"])  # as --disable-plugin mask does
    names = default_registry().names()
    assert "underline" not in names and "mask" not in names and "highlight" in names
    assert main(["plugins", "--disable-plugin", "mask"]) == 0
    out = capsys.readouterr().out
    assert "switched off: mask (refocus-dsl), underline (refocus-dsl)" in out
    assert main(["check", "-e", 'underline(rows("2011"))']) == 1
    assert "underline" in capsys.readouterr().out, "an unknown tool now"
    monkeypatch.delenv("REFOCUS_DISABLE_PLUGINS")
    assert main(["--disable-plugin", "crop", "plugins", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert "crop" not in {r["name"] for r in rows} and "underline" in {r["name"] for r in rows}


def _env_with(site: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFOCUS_")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(more)
    return env


def test_a_broken_plugin_stops_no_command(tmp_path: Path) -> None:
    site = write_dist(
        tmp_path / "site", "refocus-broken", "0.3", {"sparkle": "refocus_broken:PLUGIN"},
        {"refocus_broken": "raise RuntimeError('sparkle needs a GPU')\n"},
    )  # fmt: skip
    command = [sys.executable, "-m", "refocus_dsl"]
    listed = subprocess.run(
        [*command, "plugins"], capture_output=True, text=True, env=_env_with(site), timeout=60
    )
    assert listed.returncode == 1, "reported as a problem"
    assert "mask" in listed.stdout and "BROKEN sparkle (refocus-broken 0.3)" in listed.stdout
    assert "sparkle needs a GPU" in listed.stdout and "Traceback" not in listed.stderr
    assert "REFOCUS_DISABLE_PLUGINS=sparkle" in listed.stderr, "the warning says how to switch off"
    checked = subprocess.run(
        [*command, "check", "-e", 'mask(rows("2011"))'],
        capture_output=True, text=True, env=_env_with(site), timeout=60,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    quiet = subprocess.run(
        [*command, "plugins"], capture_output=True, text=True, timeout=60,
        env=_env_with(site, REFOCUS_DISABLE_PLUGINS="refocus-broken"),
    )  # fmt: skip
    assert quiet.returncode == 0 and "BROKEN" not in quiet.stdout and quiet.stderr == ""
    assert "switched off: sparkle (refocus-broken)" in quiet.stdout


def test_prompt_styles_and_the_first_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_endpoint: None
) -> None:
    assert main(["prompt", "--prompt-style", "paper"]) == 0
    paper = capsys.readouterr().out
    assert "focus_on_columns_with_mask" in paper and "first user message" in paper
    assert main(["prompt", "--prompt-style", "dsl"]) == 0
    assert "```refocus" in capsys.readouterr().out
    img, lay = write_table_files(tmp_path)
    assert main(["prompt", "--request", img, "Which year?", "--layout", lay, "--model", "m"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["model"] == "m" and body["max_tokens"] == 2048 and body["temperature"] == 0
    system, user = body["messages"]
    assert system["role"] == "system" and "keep_only" in system["content"]
    texts = [p["text"] for p in user["content"] if p["type"] == "text"]
    urls = [p["image_url"]["url"] for p in user["content"] if p["type"] == "image_url"]
    assert "Which year?" in texts[0] and '"Earning"' in texts[0]
    assert len(urls) == 1 and urls[0].startswith("data:image/png;base64,")
    assert urls[0].endswith("characters)"), "shortened unless --full-images"


def test_the_printed_request_honours_the_request_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_endpoint: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    img, lay = write_table_files(tmp_path)
    monkeypatch.setenv("REFOCUS_TEMPERATURE", "0.5")
    argv = ["prompt", "--request", img, "Which year?", "--layout", lay, "--full-images",
            "--image-max-side", "40", "--max-tokens", "99"]  # fmt: skip
    assert main(argv) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["max_tokens"] == 99 and body["temperature"] == 0.5
    (url,) = [p["image_url"]["url"] for p in body["messages"][1]["content"]
              if p["type"] == "image_url"]  # fmt: skip
    sent = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert max(sent.size) == 40, sent.size


def test_edited_image_path_only_when_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_endpoint: None
) -> None:
    img, lay = write_table_files(tmp_path)
    assert main(["ask", img, "What was the cost in 2011?", "--layout", lay]) == 0
    out = capsys.readouterr().out
    assert "(the image was edited; --trace-dir or -o keeps it)" in out
    assert "turn1.png" not in out
    trace = tmp_path / "tr"
    assert main(["ask", img, "What was the cost in 2011?", "--layout", lay,
                 "--trace-dir", str(trace)]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert f"(edited image: {trace / 'turn1.png'})" in out and (trace / "turn1.png").is_file()


def _options_without_help(parser: argparse.ArgumentParser, name: str) -> list[str]:
    missing: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                missing += _options_without_help(sub, f"{name} {sub_name}")
        elif action.help is None:
            missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    return missing


def test_every_option_and_argument_says_what_it_is_for() -> None:
    assert _options_without_help(build_parser(), "refocus") == []


@pytest.mark.parametrize("verbose", [False, True])
def test_a_bug_of_ours_is_a_message_and_exit_70_with_the_traceback_only_on_v(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    verbose: bool,
) -> None:
    import refocus_dsl.detect

    def broken(*_: object, **__: object) -> None:
        raise ValueError("attempt to get argmax of an empty sequence")

    monkeypatch.setattr(refocus_dsl.detect, "detect_layout", broken)
    image = tmp_path / "t.png"
    Image.new("RGB", (40, 30), "white").save(image)
    code = main(["detect", str(image), "--no-cache", *(["-v"] if verbose else [])])
    err = capsys.readouterr().err
    assert code == 70
    assert "refocus detect: internal error: ValueError: attempt to get argmax" in err
    assert "bug in refocus-dsl" in err
    assert ("Traceback" in err) is verbose
    assert ("-v for the traceback" in err) is not verbose


def test_a_ctrl_c_before_the_command_runs_is_no_traceback() -> None:
    # Building the parser (and loading plugins) takes a good part of a second: a Ctrl-C
    # then ends the program with a line and 130, as one during the command does.
    code = (
        "import sys, refocus_dsl.cli as cli\n"
        "def interrupted(): raise KeyboardInterrupt\n"
        "cli.build_parser = interrupted\n"
        "sys.exit(cli.main(['detect', 'x.png']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert "Traceback" not in done.stderr
    assert done.returncode == 130 and "interrupted" in done.stderr
