"""The retrying client against the scripted server, with the real openai client."""

from __future__ import annotations

import pytest
from scripted_server import Reply, ScriptedServer

from refocus_dsl.errors import ModelError
from refocus_dsl.loop.client import ChatClient, backoff_delay
from refocus_dsl.loop.config import ConfigError, EndpointConfig, resolve_config

MSG = [{"role": "user", "content": "hello"}]


def _config(url: str, **kw: object) -> EndpointConfig:
    args: dict[str, object] = dict(
        model="scripted", base_url=url, api_key="k", backoff_s=0.001, backoff_max_s=0.01
    )
    args.update(kw)
    return EndpointConfig(**args)  # type: ignore[arg-type]


def test_429_then_success_is_retried() -> None:
    sleeps: list[float] = []
    with ScriptedServer([Reply(status=429, headers={"retry-after": "0"}), Reply(text="ok")]) as s:
        c = ChatClient(_config(s.base_url), sleep=sleeps.append)
        got = c.complete(MSG)
    assert got.text == "ok"
    assert got.retries == 1 and got.errors == ("HTTP 429",)
    assert len(s.requests) == 2 and len(sleeps) == 1
    assert got.usage.total_tokens == 120


def test_5xx_and_malformed_json_are_retried() -> None:
    script = [Reply(status=503), Reply(raw_body=b"{not json"), Reply(text="fine")]
    with ScriptedServer(script) as s:
        got = ChatClient(_config(s.base_url)).complete(MSG)
    assert got.text == "fine" and got.retries == 2
    assert got.errors[0] == "HTTP 503" and got.errors[1].startswith("unreadable response")


def test_timeout_is_retried() -> None:
    script = [Reply(delay_s=1.5, text="late"), Reply(text="on time")]
    with ScriptedServer(script) as s:
        got = ChatClient(_config(s.base_url, timeout_s=0.3)).complete(MSG)
    assert got.text == "on time"
    assert got.errors == ("timeout",)


def test_other_4xx_fails_at_once() -> None:
    with ScriptedServer([Reply(status=400, text="bad model"), Reply(text="never")]) as s:
        with pytest.raises(ModelError, match="HTTP 400"):
            ChatClient(_config(s.base_url)).complete(MSG)
        assert len(s.requests) == 1


def test_gives_up_after_max_retries() -> None:
    with ScriptedServer([Reply(status=500)] * 3) as s:
        with pytest.raises(ModelError, match="gave up after 3 attempts"):
            ChatClient(_config(s.base_url, max_retries=2)).complete(MSG)
        assert len(s.requests) == 3


def test_backoff_doubles_with_jitter_and_cap() -> None:
    cfg = EndpointConfig(model="m", backoff_s=1.0, backoff_max_s=5.0)
    assert backoff_delay(0, cfg, None, lambda: 1.0) == 1.0
    assert backoff_delay(2, cfg, None, lambda: 1.0) == 4.0
    assert backoff_delay(5, cfg, None, lambda: 1.0) == 5.0
    assert backoff_delay(2, cfg, None, lambda: 0.0) == 2.0
    assert backoff_delay(0, cfg, 3.0, lambda: 0.0) == 3.0


def test_config_precedence() -> None:
    env = {"OPENAI_BASE_URL": "http://env/v1", "REFOCUS_MODEL": "env-model"}
    assert resolve_config(env={}) is None
    cfg = resolve_config(env=env)
    assert cfg is not None and cfg.base_url == "http://env/v1" and cfg.model == "env-model"
    cfg = resolve_config(model="flag", base_url="http://flag/v1", env=env)
    assert cfg is not None and (cfg.model, cfg.base_url) == ("flag", "http://flag/v1")
    cfg = resolve_config(env={"OPENAI_API_KEY": "sk-x"})
    assert cfg is not None and cfg.base_url is None and cfg.model == "gpt-4o"
    with pytest.raises(ConfigError):
        EndpointConfig(model="m", timeout_s=0)


def test_auth_failure_says_what_to_check() -> None:
    with ScriptedServer([Reply(status=401, text="invalid key")]) as s:
        with pytest.raises(ModelError, match="HTTP 401.*OPENAI_API_KEY"):
            ChatClient(_config(s.base_url)).complete(MSG)


def test_refused_parameters_are_dropped_once() -> None:
    script = [
        Reply(status=400, text="Unsupported value: 'temperature' does not support 0.0"),
        Reply(status=400, text="'max_tokens' is not supported; use 'max_completion_tokens'"),
        Reply(text="ok"),
        Reply(status=400, text="'temperature' is still wrong"),
    ]
    with ScriptedServer(script) as s:
        client = ChatClient(_config(s.base_url, max_retries=0))
        got = client.complete(MSG)
        assert got.text == "ok" and len(got.errors) == 2
        sent = s.requests[2]
        assert "temperature" not in sent and "max_tokens" not in sent
        assert sent["max_completion_tokens"] == 2048
        with pytest.raises(ModelError, match="HTTP 400"):
            client.complete(MSG)
