"""The HTTP layer under the openai client: a response may not be larger than a limit.

A hostile or broken endpoint can answer with a gzip bomb (a few MB that inflate
to GB) or an endless body. The openai client reads whole bodies (also of error
responses), so the bound sits in the transport it uses: every response body
is decoded here, gzip and deflate incrementally with a bounded output size,
and reading stops with :class:`ResponseTooLarge` once the decoded body passes
``max_bytes``. The overall deadline of a request is the client's (see
:mod:`refocus_dsl.loop.client`). The HTTP library is the one the installed
openai client is built on (``httpx`` or its successor), found at run time.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import AsyncIterator
from typing import Any

MAX_RESPONSE_BYTES = 8 * 1024 * 1024
"""Largest decoded response body accepted (8 MiB: a reply is cut at 200k characters)."""

ACCEPTED_ENCODINGS = "gzip, deflate"
"""What we ask for; any other content encoding is refused rather than decoded blindly."""


class ResponseTooLarge(ValueError):
    """The decoded response body passed the size limit."""


class ResponseUndecodable(ValueError):
    """The response's content encoding is not one we decode with a bound."""


def http_module() -> Any:
    """The HTTP library (``httpx``-like) of the installed openai client."""
    import openai

    for base in openai.DefaultAsyncHttpxClient.__mro__:
        if base.__name__ == "AsyncClient":
            return importlib.import_module(base.__module__.split(".")[0])
    return importlib.import_module("httpx")  # pragma: no cover - older openai releases


async def bounded_body(
    raw: AsyncIterator[bytes], encoding: str, max_bytes: int
) -> AsyncIterator[bytes]:
    """Decode ``raw`` chunks, never producing more than ``max_bytes`` in all."""
    decoder: Any = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder = zlib.decompressobj(wbits=zlib.MAX_WBITS | 32)  # gzip or zlib header
    elif encoding not in ("", "identity"):
        raise ResponseUndecodable(f"response content-encoding {encoding!r} is not accepted")
    total = 0
    async for chunk in raw:
        data = chunk
        while data:
            if decoder is None:
                out, data = data, b""
            else:
                try:
                    out = decoder.decompress(data, max_bytes - total + 1)
                except zlib.error as exc:
                    raise ResponseUndecodable(
                        f"response body is not valid {encoding}: {exc}"
                    ) from None
                data = decoder.unconsumed_tail
            total += len(out)
            if total > max_bytes:
                raise ResponseTooLarge(
                    f"response body over the limit of {max_bytes:,} bytes (decoded)"
                )
            if out:
                yield out
            if decoder is not None and not out:
                break


def bounded_async_client(timeout_s: float, max_bytes: int = MAX_RESPONSE_BYTES) -> Any:
    """An async HTTP client for ``openai.AsyncOpenAI(http_client=...)`` with the size bound."""
    import openai

    httpx = http_module()

    class _Stream(httpx.AsyncByteStream):  # type: ignore[misc, name-defined]
        def __init__(self, inner: Any, encoding: str) -> None:
            self._inner = inner
            self._encoding = encoding

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for out in bounded_body(self._inner.__aiter__(), self._encoding, max_bytes):
                yield out

        async def aclose(self) -> None:
            await self._inner.aclose()

    class _Transport(httpx.AsyncBaseTransport):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            self._inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: Any) -> Any:
            response = await self._inner.handle_async_request(request)
            encoding = response.headers.get("content-encoding", "").strip().lower()
            headers = [
                (k, v)
                for k, v in response.headers.multi_items()
                if k.lower() not in ("content-encoding", "content-length")
            ]
            return httpx.Response(
                response.status_code,
                headers=headers,
                stream=_Stream(response.stream, encoding),
                request=request,
                extensions=response.extensions,
            )

        async def aclose(self) -> None:
            await self._inner.aclose()

    return openai.DefaultAsyncHttpxClient(
        transport=_Transport(),
        timeout=timeout_s,
        headers={"accept-encoding": ACCEPTED_ENCODINGS},
    )
