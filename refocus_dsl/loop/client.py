"""Talking to the chat endpoint: one request, retried the way servers ask for.

Retries use exponential backoff with jitter on 429, 5xx, timeouts, dropped
connections and unreadable responses; any other 4xx fails at once (retrying a
bad request only burns quota). Each attempt has a total deadline (``timeout_s``:
headers and body together, so a server trickling a byte a second cannot hold
it) and a bounded response size (see :mod:`refocus_dsl.loop.transport`). A
200 response that is not a chat completion (an HTML login or error page) is a
transport failure, retried like a 502, never an empty reply. The openai
client's own retries are switched off so that the policy, the count of
retries and the latency recorded per turn are ours. ``openai`` is imported
when a client is made or a request fails, not with this module: it is a third
of a second that offline commands never need.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from refocus_dsl.errors import ModelError
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.progress import logger

log = logger.getChild("client")

if TYPE_CHECKING:
    import openai

Messages = Sequence[dict[str, Any]]

WAIT_NOTICE_S = 30.0
"""Seconds without a reply after which a request says it is still waiting (and again
after each such interval), on the ``refocus.client`` logger."""


@dataclass(frozen=True)
class Usage:
    """Tokens as the server reported them (0 when it did not)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
        )

    def to_dict(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }


@dataclass(frozen=True)
class Completion:
    """One model reply. ``text`` is None when the server sent no message content."""

    text: str | None
    usage: Usage
    latency_s: float
    retries: int
    finish_reason: str | None = None
    model: str | None = None
    errors: tuple[str, ...] = ()
    """The transient failures that were retried, in order (for the trace)."""


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def _retry_after(exc: openai.APIStatusError) -> float | None:
    try:
        value = exc.response.headers.get("retry-after")
        return None if value is None else max(0.0, float(value))
    except (ValueError, AttributeError):
        return None


def _classify(exc: Exception) -> _Retry:
    """Turn an openai error into a retry reason, or raise ModelError when it is final."""
    import openai

    if isinstance(exc, (openai.APITimeoutError, asyncio.TimeoutError)):
        return _Retry("timeout")
    if isinstance(exc, openai.APIConnectionError):
        return _Retry(f"connection error: {_short(exc.__cause__ or exc)}")
    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        if code == 429 or code >= 500 or code == 408:
            return _Retry(f"HTTP {code}", _retry_after(exc))
        raise ModelError(_refused(exc)) from None
    if isinstance(exc, (openai.APIResponseValidationError, ValueError)):
        return _Retry(f"unreadable response: {_short(exc)}")
    raise ModelError(f"model request failed: {_short(exc)}") from None


def _refused(exc: openai.APIStatusError) -> str:
    code = exc.status_code
    hint = {
        401: " (check OPENAI_API_KEY)",
        403: " (check OPENAI_API_KEY and the model's access)",
        404: " (check --base-url, which usually ends in /v1, and --model)",
    }.get(code, "")
    return f"the endpoint refused the request: HTTP {code}: {_short(exc)}{hint}"


def _adapt(args: dict[str, Any], exc: openai.BadRequestError, learned: set[str]) -> str | None:
    """Some models refuse ``temperature`` or want ``max_completion_tokens`` instead of
    ``max_tokens`` (OpenAI's reasoning models): change the request once for each,
    remember it for the client's later requests, and say what changed; None when the
    400 is about something else."""
    text = str(exc).lower()
    if "max_tokens" in args and "max_tokens" in text and "max_completion_tokens" in text:
        args["max_completion_tokens"] = args.pop("max_tokens")
        learned.add("max_completion_tokens")
        return "HTTP 400: the model wants max_completion_tokens; sent again with it"
    if "temperature" in args and "temperature" in text:
        del args["temperature"]
        learned.add("no-temperature")
        return "HTTP 400: the model refused temperature; sent again without it"
    return None


def _short(exc: BaseException, limit: int = 300) -> str:
    from refocus_dsl.safetext import redact

    text = redact(" ".join(str(exc).split()))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def backoff_delay(
    attempt: int, config: EndpointConfig, retry_after: float | None, rng: Callable[[], float]
) -> float:
    """Delay before retry ``attempt`` (0-based): doubling, capped, jittered to 50-100%."""
    base = min(config.backoff_max_s, config.backoff_s * (2.0**attempt))
    delay = base * (0.5 + 0.5 * rng())
    if retry_after is not None:
        delay = max(delay, min(retry_after, config.backoff_max_s))
    return delay


def _count(value: Any) -> int:
    """A token count as the server sent it; anything that is not a count is 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(0, value)
    if isinstance(value, float) and value == value and 0 <= value < 1e15:
        return int(value)
    return 0


def _field(obj: Any, name: str) -> Any:
    """``obj.name`` or ``obj[name]``: servers send shapes the client's models do not expect."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _content_text(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # a list of parts, as some servers send
        texts = [_field(p, "text") for p in content]
        joined = "".join(t for t in texts if isinstance(t, str))
        return joined or None
    return None


def _completion(response: Any, started: float, retries: int, errors: list[str]) -> Completion:
    choices = _field(response, "choices")
    if not isinstance(choices, list) or not choices:
        # openai hands back the text of a non-JSON body; a JSON body without choices
        # (or with an empty list) is no completion either. All are the endpoint failing,
        # not the model: retried, then a clear error.
        if isinstance(choices, list):
            what = "a completion with no choices"
        elif isinstance(response, str):
            what = f"{response[:60]!r}"
        else:
            what = type(response).__name__
        raise ValueError(f"the endpoint did not send a chat completion (got {what})")
    message = _field(choices[0], "message")
    text = _content_text(_field(message, "content"))
    finish = _field(choices[0], "finish_reason")
    usage = _field(response, "usage")
    model = _field(response, "model")
    return Completion(
        text=text,
        usage=Usage(
            _count(_field(usage, "prompt_tokens")), _count(_field(usage, "completion_tokens"))
        ),
        latency_s=time.perf_counter() - started,
        retries=retries,
        finish_reason=finish if isinstance(finish, str) else None,
        model=model if isinstance(model, str) else None,
        errors=tuple(errors),
    )


def request_body(
    config: EndpointConfig, messages: Messages, learned: set[str] | None = None
) -> dict[str, Any]:
    """The request body; ``learned`` holds what this endpoint refused before (see _adapt).
    ``refocus prompt --request`` prints it."""
    learned = learned or set()
    args: dict[str, Any] = {"model": config.model, "messages": list(messages)}
    if config.temperature is not None and "no-temperature" not in learned:
        args["temperature"] = config.temperature
    if config.max_tokens is not None:
        key = "max_completion_tokens" if "max_completion_tokens" in learned else "max_tokens"
        args[key] = config.max_tokens
    return args


class _Attempts:
    """One request's retry policy, shared by the blocking and the asyncio client.

    :meth:`failed` takes the exception of an attempt and says how long to wait
    before the next (None: a changed request goes again at once), or raises
    ModelError when the failure is final or the retries are spent.
    """

    def __init__(
        self,
        config: EndpointConfig,
        args: dict[str, Any],
        learned: set[str],
        rng: Callable[[], float],
    ) -> None:
        self.config = config
        self.args = args
        self.learned = learned
        self.rng = rng
        self.started = time.perf_counter()
        self.errors: list[str] = []
        self.attempt = 0
        if log.isEnabledFor(logging.DEBUG):
            messages = args.get("messages") or []
            images = sum(
                1
                for m in messages
                if isinstance(m.get("content"), list)
                for p in m["content"]
                if isinstance(p, dict) and p.get("type") == "image_url"
            )
            log.debug(
                "%s: sending %d messages with %d images", config.describe(), len(messages), images
            )

    def done(self, response: Any) -> Completion:
        completion = _completion(response, self.started, self.attempt, self.errors)
        log.debug(
            "%s: reply in %.2f s, %d tokens", self.config.describe(), completion.latency_s,
            completion.usage.total_tokens,
        )  # fmt: skip
        return completion

    def failed(self, exc: Exception) -> float | None:
        import openai

        if isinstance(exc, openai.BadRequestError):
            change = _adapt(self.args, exc, self.learned)
            if change is None:
                raise ModelError(_refused(exc)) from None
            log.info("%s: %s", self.config.describe(), change)
            self.errors.append(change)
            return None  # the same request without what the model refused; no wait
        retry = _classify(exc)
        self.errors.append(retry.reason)
        attempt = self.attempt
        self.attempt += 1
        if attempt >= self.config.max_retries:
            raise ModelError(
                f"{self.config.describe()}: gave up after {len(self.errors)} attempts "
                f"(last: {self.errors[-1]})"
            )
        delay = backoff_delay(attempt, self.config, retry.retry_after, self.rng)
        log.warning(
            "%s: %s; retry %d of %d in %.1f s",
            self.config.describe(), retry.reason, attempt + 1, self.config.max_retries, delay,
        )  # fmt: skip
        return delay


class ChatClient:
    """Blocking client: ``complete(messages) -> Completion`` with our retry policy.

    Each attempt runs on :class:`AsyncChatClient`'s code in a private event loop
    thread: asyncio is what gives an attempt a total deadline that a slow body
    cannot stretch.
    """

    def __init__(
        self,
        config: EndpointConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._rng = rng
        self._async = AsyncChatClient(config, rng=rng)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="refocus-client", daemon=True
        )
        self._thread.start()

    def complete(self, messages: Messages) -> Completion:
        args = request_body(self.config, messages, self._async.learned)
        attempts = _Attempts(self.config, args, self._async.learned, self._rng)
        while True:
            future = asyncio.run_coroutine_threadsafe(self._async.attempt(args), self._loop)
            try:
                return attempts.done(future.result())
            except _transient() as exc:
                delay = attempts.failed(exc)
            except BaseException:
                future.cancel()
                raise
            if delay is not None:
                self._sleep(delay)

    def close(self) -> None:
        if self._loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._async.close(), self._loop).result(timeout=5)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()


def _transient() -> tuple[type[Exception], ...]:
    """What one attempt may raise that the retry policy judges (ValueError: a body that is
    not JSON, or not a chat completion)."""
    import openai

    return (openai.OpenAIError, ValueError, asyncio.TimeoutError)


class AsyncChatClient:
    """The same policy for asyncio (used by ``refocus eval`` to keep N requests in flight)."""

    def __init__(
        self,
        config: EndpointConfig,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self._sleep = sleep
        self._rng = rng
        self.learned: set[str] = set()
        """What this endpoint refused before (see _adapt), for every later request."""
        import openai

        from refocus_dsl.loop.transport import bounded_async_client

        self._client = openai.AsyncOpenAI(
            api_key=config.api_key or "not-needed",
            base_url=config.base_url,
            timeout=config.timeout_s,
            max_retries=0,
            http_client=bounded_async_client(config.timeout_s),
        )

    async def attempt(self, args: dict[str, Any]) -> Any:
        """One request, bounded by a total deadline of ``timeout_s``; every
        :data:`WAIT_NOTICE_S` without a reply is logged, so a slow or hung server does not
        look like a frozen program."""
        request = asyncio.ensure_future(
            asyncio.wait_for(
                self._client.chat.completions.create(
                    **cast(Any, args), timeout=self.config.timeout_s
                ),
                self.config.timeout_s,
            )
        )
        waited = 0.0
        try:
            while True:
                done, _ = await asyncio.wait({request}, timeout=WAIT_NOTICE_S)
                if done:
                    return request.result()
                waited += WAIT_NOTICE_S
                log.info(
                    "%s: no reply yet after %.0f s (gives up at %.0f s)",
                    self.config.describe(), waited, self.config.timeout_s,
                )  # fmt: skip
        finally:
            if not request.done():
                request.cancel()

    async def complete(self, messages: Messages) -> Completion:
        args = request_body(self.config, messages, self.learned)
        attempts = _Attempts(self.config, args, self.learned, self._rng)
        while True:
            try:
                return attempts.done(await self.attempt(args))
            except _transient() as exc:
                delay = attempts.failed(exc)
            if delay is not None:
                await self._sleep(delay)

    async def close(self) -> None:
        await self._client.close()
