"""Endpoint faults end in a clear error, within the deadline and the size bound.

The real openai client against the scripted server: a body trickled a byte at a
time, a gzip bomb, an HTML page sent with 200 OK.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from pathlib import Path

import pytest
from loop_helpers import table_image_and_layout
from scripted_server import Reply, ScriptedServer

from refocus_dsl.errors import ModelError
from refocus_dsl.loop.client import AsyncChatClient, ChatClient
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.session import ask
from refocus_dsl.loop.transport import MAX_RESPONSE_BYTES, ResponseUndecodable, bounded_body

MSG = [{"role": "user", "content": "hello"}]
HTML = b"<!doctype html><html><body><h1>Sign in</h1></body></html>"


def _config(url: str, **kw: object) -> EndpointConfig:
    args: dict[str, object] = dict(
        model="scripted", base_url=url, api_key="k", backoff_s=0.001, backoff_max_s=0.01
    )
    args.update(kw)
    return EndpointConfig(**args)  # type: ignore[arg-type]


def _ok_body(text: str) -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", "content": text}}
    return json.dumps({"choices": [choice], "usage": {}}).encode()


def _gzip_bomb(decoded_bytes: int) -> bytes:
    """A gzip body that inflates to ``decoded_bytes`` (built in 1 MiB steps)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    step = b"\0" * (1 << 20)
    parts = [comp.compress(step) for _ in range(decoded_bytes >> 20)]
    return b"".join(parts) + comp.flush()


def test_a_trickling_server_cannot_outlast_the_deadline() -> None:
    # 400 bytes a byte every 0.1 s: every read is within the 1 s timeout, the whole is not
    trickle = Reply(raw_body=_ok_body("x" * 300), trickle_s=0.1)
    with ScriptedServer([trickle]) as s:
        client = ChatClient(_config(s.base_url, timeout_s=1.0, max_retries=0))
        try:
            with pytest.raises(ModelError, match=r"gave up after 1 attempts \(last: timeout\)"):
                client.complete(MSG)
        finally:
            client.close()


def test_the_async_client_has_the_same_deadline() -> None:
    async def go(url: str) -> None:
        client = AsyncChatClient(_config(url, timeout_s=1.0, max_retries=0))
        try:
            with pytest.raises(ModelError, match="timeout"):
                await client.complete(MSG)
        finally:
            await client.close()

    with ScriptedServer([Reply(raw_body=_ok_body("x" * 300), trickle_s=0.1)]) as s:
        asyncio.run(go(s.base_url))


def test_a_gzip_bomb_is_not_inflated_whole() -> None:
    bomb = _gzip_bomb(4 * MAX_RESPONSE_BYTES)
    assert len(bomb) < MAX_RESPONSE_BYTES // 50
    reply = Reply(raw_body=bomb, headers={"content-encoding": "gzip"})
    with ScriptedServer([reply, reply]) as s:
        client = ChatClient(_config(s.base_url, max_retries=1))
        try:
            with pytest.raises(ModelError, match="over the limit of 8,388,608 bytes"):
                client.complete(MSG)
        finally:
            client.close()
        assert len(s.requests) == 2  # retried once, then a clear error


def test_a_small_gzip_reply_still_reads() -> None:
    body = zlib.compress(_ok_body("fine"))
    with ScriptedServer([Reply(raw_body=body, headers={"content-encoding": "deflate"})]) as s:
        client = ChatClient(_config(s.base_url))
        try:
            assert client.complete(MSG).text == "fine"
        finally:
            client.close()


def test_bounded_body_stops_at_the_limit() -> None:
    async def chunks() -> list[bytes]:
        async def raw():  # type: ignore[no-untyped-def]
            yield _gzip_bomb(4 << 20)

        return [c async for c in bounded_body(raw(), "gzip", 1000)]

    with pytest.raises(Exception, match="over the limit of 1,000 bytes"):
        asyncio.run(chunks())


def test_an_html_page_is_a_transport_failure(tmp_path: Path) -> None:
    page = Reply(raw_body=HTML, content_type="text/html")
    with ScriptedServer([page, page, Reply(text="ANSWER: 2011")]) as s:
        client = ChatClient(_config(s.base_url, max_retries=2))
        try:
            got = client.complete(MSG)
        finally:
            client.close()
    assert got.text == "ANSWER: 2011" and got.retries == 2
    assert all("did not send a chat completion" in e for e in got.errors)
    assert "Sign in" in got.errors[0]

    image, layout = table_image_and_layout()
    with ScriptedServer([page, page]) as s:
        with pytest.raises(ModelError, match="did not send a chat completion"):
            ask(image, "q?", config=_config(s.base_url, max_retries=1), layout=layout,
                trace_dir=tmp_path / "t")  # fmt: skip
    doc = json.loads((tmp_path / "t" / "trace.json").read_text())
    assert doc["complete"] is False and doc["status"] == "error"
    assert doc["turns"] == []


def test_a_completion_with_no_choices_is_a_transport_failure() -> None:
    empty = Reply(raw_body=json.dumps({"choices": [], "usage": {}}).encode())
    with ScriptedServer([empty, Reply(text="ANSWER: 7")]) as s:
        client = ChatClient(_config(s.base_url, max_retries=1))
        try:
            got = client.complete(MSG)
        finally:
            client.close()
    assert got.text == "ANSWER: 7" and got.retries == 1
    assert "a completion with no choices" in got.errors[0]


def test_a_broken_gzip_body_is_undecodable_not_a_zlib_crash() -> None:
    async def chunks() -> list[bytes]:
        async def raw():  # type: ignore[no-untyped-def]
            yield b"\x1f\x8b\x08\x00" + b"not deflate data at all" * 4

        return [c async for c in bounded_body(raw(), "gzip", 1000)]

    with pytest.raises(ResponseUndecodable, match="not valid gzip"):
        asyncio.run(chunks())
