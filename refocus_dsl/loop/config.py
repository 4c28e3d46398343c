"""Where the model lives: endpoint settings from flags, then the environment.

Any OpenAI-compatible chat-completions server works (OpenAI, vLLM, Ollama,
LM Studio, ...). Precedence is flag, then ``OPENAI_BASE_URL`` /
``OPENAI_API_KEY`` / ``REFOCUS_MODEL``. With neither a base URL nor a key
there is no endpoint, and callers fall back to the offline planner.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from refocus_dsl.loop.errors import LoopError

DEFAULT_MODEL = "gpt-4o"
"""Model name used when a key or base URL is set but no model is named."""

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MAX_RETRIES = 4
DEFAULT_BACKOFF_S = 1.0
DEFAULT_BACKOFF_MAX_S = 30.0


class ConfigError(LoopError):
    """An endpoint setting is invalid (a negative timeout, an empty model name, ...)."""


@dataclass(frozen=True)
class EndpointConfig:
    """One chat endpoint and how patiently to talk to it.

    ``backoff_s`` is the first retry's delay; each retry doubles it (up to
    ``backoff_max_s``) and applies full jitter in [50%, 100%]. ``timeout_s``
    bounds each HTTP request, not the whole dialogue.
    """

    model: str
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_s: float = DEFAULT_BACKOFF_S
    backoff_max_s: float = DEFAULT_BACKOFF_MAX_S
    temperature: float | None = 0.0
    max_tokens: int | None = 2048

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("model name is empty")
        if not self.timeout_s > 0:
            raise ConfigError(f"timeout must be positive, got {self.timeout_s}")
        if self.max_retries < 0:
            raise ConfigError(f"max retries must be 0 or more, got {self.max_retries}")
        if self.backoff_s < 0 or self.backoff_max_s < 0:
            raise ConfigError("backoff delays must be 0 or more")

    def request_settings(self) -> dict[str, object]:
        """The settings that shape a reply (recorded with eval traces; see resume)."""
        return {"temperature": self.temperature, "max_tokens": self.max_tokens}

    def with_(self, **changes: object) -> EndpointConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    def describe(self) -> str:
        """Model and URL, never the key (safe for logs and traces)."""
        return f"{self.model} at {self.base_url or 'the OpenAI API'}"


def resolve_config(
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout_s: float | None = None,
    max_retries: int | None = None,
    backoff_s: float | None = None,
    backoff_max_s: float | None = None,
    env: Mapping[str, str] | None = None,
) -> EndpointConfig | None:
    """The endpoint named by flags, then environment; None when none is configured."""
    environ = os.environ if env is None else env
    url = base_url or environ.get("OPENAI_BASE_URL") or None
    key = api_key or environ.get("OPENAI_API_KEY") or None
    if url is None and key is None:
        return None
    name = model or environ.get("REFOCUS_MODEL") or DEFAULT_MODEL
    return EndpointConfig(
        model=name,
        base_url=url,
        # Local servers (vLLM, Ollama, LM Studio) ignore the key, but the client wants one.
        api_key=key or "not-needed",
        timeout_s=DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s,
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
        backoff_s=DEFAULT_BACKOFF_S if backoff_s is None else backoff_s,
        backoff_max_s=DEFAULT_BACKOFF_MAX_S if backoff_max_s is None else backoff_max_s,
    )
