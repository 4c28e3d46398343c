"""Where the model lives: endpoint settings from flags, then the environment.

Any OpenAI-compatible chat-completions server works (OpenAI, vLLM, Ollama,
LM Studio, ...). Precedence is flag, then ``OPENAI_BASE_URL`` /
``OPENAI_API_KEY`` / ``REFOCUS_MODEL`` and the ``REFOCUS_*`` request settings
(:data:`ENV_SETTINGS`). With neither a base URL nor a key there is no
endpoint, and callers fall back to the offline planner. A base URL other than
OpenAI's needs a model name: guessing ``gpt-4o`` for a user's own server only
produces a 404 later.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from refocus_dsl.errors import USAGE
from refocus_dsl.loop.errors import LoopError

DEFAULT_MODEL = "gpt-4o"
"""Model name used for OpenAI's own API (a key and no base URL) when none is named."""
OPENAI_HOST = "api.openai.com"
DEFAULT_TEMPERATURE = 0.0
DEFAULT_MAX_TOKENS = 2048
MAX_IMAGE_SIDE_MIN = 32
"""The smallest ``image_max_side`` accepted (smaller images say nothing to a model)."""

ENV_SETTINGS = {
    "max_tokens": "REFOCUS_MAX_TOKENS",
    "temperature": "REFOCUS_TEMPERATURE",
    "image_max_side": "REFOCUS_IMAGE_MAX_SIDE",
    "max_images": "REFOCUS_MAX_IMAGES",
}
"""Environment variables for the request settings (a flag wins over its variable)."""

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MAX_RETRIES = 4
DEFAULT_BACKOFF_S = 1.0
DEFAULT_BACKOFF_MAX_S = 30.0


_N = TypeVar("_N", int, float)


class ConfigError(LoopError):
    """An endpoint setting is invalid or missing (a negative timeout, no model name, ...)."""

    exit_code = USAGE


@dataclass(frozen=True)
class EndpointConfig:
    """One chat endpoint and how patiently to talk to it.

    ``backoff_s`` is the first retry's delay; each retry doubles it (up to
    ``backoff_max_s``) and applies full jitter in [50%, 100%]. ``timeout_s``
    is a total deadline for each HTTP attempt (headers and body), not the dialogue.
    ``image_max_side``
    downscales every image sent to the model to at most that many pixels on its
    longest side (traces keep full size); ``max_images`` caps the images in one
    request (servers such as vLLM's ``--limit-mm-per-prompt`` refuse more): the
    oldest are left out first and the model is told so.
    """

    model: str
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_s: float = DEFAULT_BACKOFF_S
    backoff_max_s: float = DEFAULT_BACKOFF_MAX_S
    temperature: float | None = DEFAULT_TEMPERATURE
    max_tokens: int | None = DEFAULT_MAX_TOKENS
    image_max_side: int | None = None
    max_images: int | None = None

    def __post_init__(self) -> None:
        if not self.model.strip():
            raise ConfigError("model name is empty")
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise ConfigError(f"temperature must be 0..2, got {self.temperature}")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise ConfigError(f"max tokens must be 1 or more, got {self.max_tokens}")
        if self.image_max_side is not None and self.image_max_side < MAX_IMAGE_SIDE_MIN:
            raise ConfigError(
                f"image max side must be {MAX_IMAGE_SIDE_MIN} pixels or more, "
                f"got {self.image_max_side}"
            )
        if self.max_images is not None and self.max_images < 1:
            raise ConfigError(f"max images must be 1 or more, got {self.max_images}")
        if not self.timeout_s > 0:
            raise ConfigError(f"timeout must be positive, got {self.timeout_s}")
        if self.max_retries < 0:
            raise ConfigError(f"max retries must be 0 or more, got {self.max_retries}")
        if self.backoff_s < 0 or self.backoff_max_s < 0:
            raise ConfigError("backoff delays must be 0 or more")

    def request_settings(self) -> dict[str, object]:
        """The settings that shape a reply (recorded with eval traces; see resume)."""
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "image_max_side": self.image_max_side,
            "max_images": self.max_images,
        }

    def describe(self) -> str:
        """Model and URL, never the key (safe for logs and traces)."""
        from refocus_dsl.safetext import redact_url

        return f"{self.model} at {redact_url(self.base_url) or 'the OpenAI API'}"


def resolve_config(
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    timeout_s: float | None = None,
    max_retries: int | None = None,
    backoff_s: float | None = None,
    backoff_max_s: float | None = None,
    max_tokens: int | None = None,
    temperature: float | None = None,
    image_max_side: int | None = None,
    max_images: int | None = None,
    env: Mapping[str, str] | None = None,
) -> EndpointConfig | None:
    """The endpoint named by arguments, then environment; None when none is configured.

    Raises :class:`ConfigError` when a base URL other than OpenAI's is given without
    a model name, or a ``REFOCUS_*`` setting is not a number.
    """
    environ = os.environ if env is None else env
    url = base_url or environ.get("OPENAI_BASE_URL") or None
    key = api_key or environ.get("OPENAI_API_KEY") or None
    if url is None and key is None:
        return None
    name = model or environ.get("REFOCUS_MODEL") or None
    if name is None:
        if url is not None and OPENAI_HOST not in url:
            raise ConfigError(
                f"no model named for the endpoint at {url}: pass --model NAME or set "
                "REFOCUS_MODEL to the name that server serves (its /v1/models lists them)"
            )
        name = DEFAULT_MODEL
    return EndpointConfig(
        model=name,
        base_url=url,
        # Local servers (vLLM, Ollama, LM Studio) ignore the key, but the client wants one.
        api_key=key or "not-needed",
        timeout_s=DEFAULT_TIMEOUT_S if timeout_s is None else timeout_s,
        max_retries=DEFAULT_MAX_RETRIES if max_retries is None else max_retries,
        backoff_s=DEFAULT_BACKOFF_S if backoff_s is None else backoff_s,
        backoff_max_s=DEFAULT_BACKOFF_MAX_S if backoff_max_s is None else backoff_max_s,
        max_tokens=_setting(max_tokens, "max_tokens", int, DEFAULT_MAX_TOKENS, environ),
        temperature=_setting(temperature, "temperature", float, DEFAULT_TEMPERATURE, environ),
        image_max_side=_setting(image_max_side, "image_max_side", int, None, environ),
        max_images=_setting(max_images, "max_images", int, None, environ),
    )


def _setting(
    given: _N | None,
    name: str,
    kind: Callable[[str], _N],
    default: _N | None,
    environ: Mapping[str, str],
) -> _N | None:
    """A request setting: the argument, else its environment variable, else the default."""
    if given is not None:
        return given
    var = ENV_SETTINGS[name]
    text = environ.get(var, "").strip()
    if not text:
        return default
    try:
        return kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise ConfigError(f"{var}={text!r} is not {what}") from None
