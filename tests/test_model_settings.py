"""Model settings a local-model user needs: request settings, image size and count,
no guessed model for a user's own server, and --offline that makes no request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from loop_helpers import write_dataset, write_table_files
from scripted_server import Reply, ScriptedServer, decode_png, image_parts, text_of

from refocus_dsl.cli import main
from refocus_dsl.loop.config import ConfigError, EndpointConfig, resolve_config

PROGRAM = '```refocus\nkeep_only(columns("Year", "Earning"))\n```'


def _two_turns(body: dict[str, Any]) -> Reply:
    users = [m for m in body["messages"] if m["role"] == "user"]
    return Reply(text=PROGRAM if len(users) == 1 else "ANSWER: 2011")


def test_request_settings_reach_the_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    with ScriptedServer(_two_turns) as s:
        code = main(
            ["ask", img, "Which year?", "--layout", lay, "--base-url", s.base_url, "--model", "m",
             "--max-tokens", "77", "--temperature", "0.3", "--image-max-side", "256",
             "--trace-dir", str(tmp_path / "tr")]
        )  # fmt: skip
    assert code == 0 and s.problems == [] and len(s.requests) == 2
    for body in s.requests:
        assert body["max_tokens"] == 77 and body["temperature"] == 0.3
        sizes = [decode_png(u).size for m in body["messages"] for u in image_parts(m)]
        assert sizes and all(max(size) == 256 for size in sizes), sizes
    assert max(decode_png_file(tmp_path / "tr" / "input.png")) == 380, "the trace keeps full size"


def decode_png_file(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as image:
        return image.size


@pytest.mark.parametrize("limit", [1, 2])
def test_max_images_leaves_out_the_oldest_and_says_so(tmp_path: Path, limit: int) -> None:
    img, lay = write_table_files(tmp_path)
    with ScriptedServer(_two_turns) as s:
        code = main(
            ["ask", img, "Which year?", "--layout", lay, "--base-url", s.base_url, "--model", "m",
             "--max-images", str(limit), "-q"]
        )  # fmt: skip
    assert code == 0 and len(s.requests) == 2
    second = s.requests[1]["messages"]
    sent = [u for m in second for u in image_parts(m)]
    assert len(sent) == limit, "without the limit turn 2 sends three images"
    text = "\n".join(text_of(m) for m in second)
    assert text.count("left out: this server takes at most") == 3 - limit
    edited = second[-1]
    assert decode_png(image_parts(edited)[0]).size == (380, 200)
    if limit == 1:
        assert "[image input.png left out" in text_of(edited), "the original goes first"


def test_environment_settings_and_their_errors() -> None:
    env = {
        "OPENAI_BASE_URL": "http://localhost:8000/v1", "REFOCUS_MODEL": "qwen",
        "REFOCUS_MAX_TOKENS": "300", "REFOCUS_TEMPERATURE": "0.7",
        "REFOCUS_IMAGE_MAX_SIDE": "1024", "REFOCUS_MAX_IMAGES": "2",
    }  # fmt: skip
    cfg = resolve_config(env=env)
    assert cfg is not None
    assert (cfg.max_tokens, cfg.temperature, cfg.image_max_side, cfg.max_images) == (
        300, 0.7, 1024, 2,
    )  # fmt: skip
    flagged = resolve_config(env=env, max_tokens=10)
    assert flagged is not None and flagged.max_tokens == 10, "a flag wins over the environment"
    with pytest.raises(ConfigError, match="REFOCUS_MAX_TOKENS='lots' is not a whole number"):
        resolve_config(env={**env, "REFOCUS_MAX_TOKENS": "lots"})
    with pytest.raises(ConfigError, match="temperature must be 0..2"):
        EndpointConfig(model="m", temperature=3)
    from refocus_dsl import EndpointConfig as exported

    assert exported is EndpointConfig


def test_own_server_without_a_model_names_what_is_missing(
    tmp_path: Path, no_endpoint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match="pass --model NAME or set REFOCUS_MODEL"):
        resolve_config(base_url="http://localhost:8000/v1", env={})
    openai = resolve_config(env={"OPENAI_API_KEY": "sk-x"})
    assert openai is not None and openai.model == "gpt-4o", "OpenAI's own API keeps its default"
    img, lay = write_table_files(tmp_path)
    code = main(["ask", img, "q?", "--layout", lay, "--base-url", "http://127.0.0.1:9/v1"])
    err = capsys.readouterr().err
    assert code == 2 and "no model named for the endpoint at http://127.0.0.1:9/v1" in err
    assert "REFOCUS_MODEL" in err and "Traceback" not in err


def test_offline_makes_no_request_even_with_a_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = write_table_files(tmp_path)
    with ScriptedServer(_two_turns) as s:
        monkeypatch.setenv("OPENAI_BASE_URL", s.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-paid")
        monkeypatch.setenv("REFOCUS_MODEL", "m")
        code = main(["ask", img, "What was the cost in 2011?", "--layout", lay, "--offline"])
        ask_out = capsys.readouterr()
        data = write_dataset(tmp_path, 2)
        eval_code = main(["eval", data, "--out", str(tmp_path / "o"), "--offline", "--json"])
        summary = json.loads(capsys.readouterr().out)
    assert s.requests == [], "--offline sent nothing"
    assert code == 0 and "offline planner" in ask_out.err and "keep_only(" in ask_out.out
    assert eval_code == 0 and summary["status"] == {"offline": 2}
