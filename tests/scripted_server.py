"""A tiny OpenAI-compatible chat-completions server that replies from a script.

Tests start it on 127.0.0.1 (a free port) in a thread and point the real
``openai`` client at it. Each scripted :class:`Reply` can be a normal
assistant message, an HTTP error (429, 500, ...), a delay (to provoke client
timeouts), a raw, malformed body (an HTML page, a gzip bomb with its
content-encoding header) or a body trickled a byte at a time. The server records every request body,
checks that every image part is a PNG data URI that decodes, checks how many
images the last user message carries when a reply says how many it expects,
and counts the most requests it had in flight at once.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image


@dataclass(frozen=True)
class Reply:
    text: str | None = ""
    status: int = 200
    delay_s: float = 0.0
    raw_body: bytes | None = None
    expect_images: int | None = None
    """Image parts the request's last user message must carry (None: not checked)."""
    usage: tuple[int, int] = (100, 20)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    trickle_s: float = 0.0
    """Send the body one byte at a time, this many seconds apart (a stalling server)."""


def image_parts(message: dict[str, Any]) -> list[str]:
    content = message.get("content")
    if not isinstance(content, list):
        return []
    return [
        p["image_url"]["url"]
        for p in content
        if isinstance(p, dict) and p.get("type") == "image_url"
    ]


def text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def decode_png(url: str) -> Image.Image:
    prefix = "data:image/png;base64,"
    if not url.startswith(prefix):
        raise ValueError(f"not a PNG data URI: {url[:40]!r}")
    data = base64.b64decode(url[len(prefix) :], validate=True)
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("data URI does not hold a PNG")
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


class _Listener(ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 refuses connections at eval --concurrency 32


class ScriptedServer:
    """Use as a context manager; ``base_url`` is what the openai client needs."""

    def __init__(self, script: Sequence[Reply] | Callable[[dict[str, Any]], Reply]) -> None:
        self._script = script if callable(script) else list(script)
        self._next = 0
        self._lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._httpd = _Listener(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------------ internals

    def _take(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if callable(self._script):
                pass
            elif self._next < len(self._script):
                reply = self._script[self._next]
                self._next += 1
                return reply
            else:
                self.problems.append(f"request {len(self.requests)}: script exhausted")
                return Reply(status=500, text="script exhausted")
        assert callable(self._script)
        return self._script(body)

    def _check_images(self, body: dict[str, Any], reply: Reply) -> None:
        messages = body.get("messages", [])
        for i, message in enumerate(messages):
            for url in image_parts(message):
                try:
                    decode_png(url)
                except Exception as exc:  # noqa: BLE001 - recorded for the test to assert
                    self.problems.append(f"message {i}: bad image: {exc}")
        if reply.expect_images is not None:
            users = [m for m in messages if m.get("role") == "user"]
            got = len(image_parts(users[-1])) if users else 0
            if got != reply.expect_images:
                with self._lock:
                    self.problems.append(
                        f"request {len(self.requests)}: expected {reply.expect_images} images "
                        f"in the last user message, got {got}"
                    )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    self._serve(raw)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _serve(self, raw: bytes) -> None:
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    server.problems.append("request body is not JSON")
                    self._send(400, b'{"error": {"message": "bad json"}}')
                    return
                reply = server._take(body)
                server._check_images(body, reply)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if reply.raw_body is not None:
                    self._send(reply.status, reply.raw_body, reply.headers, reply)
                    return
                if reply.status != 200:
                    err = {"error": {"message": reply.text or "error", "type": "scripted"}}
                    self._send(reply.status, json.dumps(err).encode(), reply.headers)
                    return
                payload = {
                    "id": f"chatcmpl-{len(server.requests)}",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "scripted"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.text},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {
                        "prompt_tokens": reply.usage[0],
                        "completion_tokens": reply.usage[1],
                        "total_tokens": sum(reply.usage),
                    },
                }
                self._send(200, json.dumps(payload).encode(), reply.headers, reply)

            def _send(
                self,
                status: int,
                data: bytes,
                headers: dict[str, str] | None = None,
                reply: Reply | None = None,
            ) -> None:
                try:
                    self.send_response(status)
                    ctype = reply.content_type if reply is not None else "application/json"
                    self.send_header("content-type", ctype)
                    self.send_header("content-length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply is not None and reply.trickle_s > 0:
                        for i in range(len(data)):
                            self.wfile.write(data[i : i + 1])
                            self.wfile.flush()
                            time.sleep(reply.trickle_s)
                        return
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler
