"""tesserocr in a helper process, so that one OCR call can be stopped at its time limit.

Why a process: tesseract finds words inside its layout pass before it recognises
any, and that pass checks no deadline. tesserocr's ``Recognize(timeout=ms)`` only
bounds recognition: on a 1-px checkerboard read as one line, its word pass ran
55-66 s whatever the timeout, and a thread cannot be stopped. A helper process
can be killed; the next call starts a new one (about 0.3 s, the model's load).

The helper keeps one API object, as the in-process engine did, and reads grey
images from its stdin and writes tesseract's TSV to its stdout, framed by a
4-byte length. It is started with ``python -m refocus_dsl.ocr_worker LANG PATH``
(a plain subprocess: a user's script is never imported again, as a
``multiprocessing`` spawn would do).
"""

from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import sys
import time
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

_LEN = struct.Struct(">I")
_CPU = struct.Struct(">d")


class CallTimedOut(Exception):
    """The helper did not answer within the call's time limit (it has been stopped)."""


class WorkerFailed(Exception):
    """The helper could not start or died; the message says why."""


def _write_frame(out: IO[bytes], payload: bytes) -> None:
    out.write(_LEN.pack(len(payload)) + payload)
    out.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


# ---------------------------------------------------------------- the helper's side


def _serve(lang: str, path: str) -> int:
    """The helper's loop: one reply frame per request frame, until stdin closes."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    try:
        import tesserocr
        from PIL import Image

        kwargs: dict[str, Any] = {"lang": lang, "psm": tesserocr.PSM.SPARSE_TEXT}
        if path:
            kwargs["path"] = path
        api = tesserocr.PyTessBaseAPI(**kwargs)
        api.SetVariable("tessedit_do_invert", "0")
    except Exception as exc:  # noqa: BLE001 - reported to the parent as the reason
        _write_frame(out, b"E" + str(exc).encode("utf-8", "replace"))
        return 1
    _write_frame(out, b"R")
    while True:
        try:
            header = json.loads(_read_exact(inp, _LEN.unpack(_read_exact(inp, 4))[0]))
            w, h, psm = int(header["w"]), int(header["h"]), int(header["psm"])
            pixels = _read_exact(inp, w * h)
        except EOFError:
            return 0
        api.SetPageSegMode(psm)
        api.SetImage(Image.frombytes("L", (w, h), pixels))
        api.SetSourceResolution(300)
        tsv = str(api.GetTSVText(0) or "").encode("utf-8")
        _write_frame(out, b"T" + _CPU.pack(time.process_time()) + tsv)


# ---------------------------------------------------------------- the parent's side


def _widen(proc: subprocess.Popen[bytes]) -> None:
    """Pipes of 1 MiB where the system allows (Linux): an image crosses in a few
    writes rather than dozens of 64 KiB ones, each waiting for the helper to run."""
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setsize is None:
        return
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            try:
                fcntl.fcntl(stream.fileno(), setsize, 1 << 20)
            except OSError:  # over the system's pipe-max-size: keep the default
                pass


class OcrWorker:
    """The parent's handle on one helper: started on first use, restarted after a kill
    or a fork (a forked child must not share its parent's pipes)."""

    def __init__(self, lang: str, path: str | None) -> None:
        self.lang = lang
        self.path = path or ""
        self._proc: subprocess.Popen[bytes] | None = None
        self._pid = 0
        self.cpu_seconds = 0.0
        """CPU time the helpers spent on calls (their own clock, reported with each reply;
        a stopped call's is lost): this process's clock no longer counts OCR."""
        self._helper_cpu = 0.0

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "refocus_dsl.ocr_worker", self.lang, self.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._proc, self._pid = proc, os.getpid()
        self._helper_cpu = 0.0
        _widen(proc)
        try:
            reply = self._reply(proc, 120.0)
        except CallTimedOut:
            raise WorkerFailed("the OCR helper did not start within 120 s") from None
        if reply[:1] != b"R":
            self.stop()
            raise WorkerFailed(reply[1:].decode("utf-8", "replace") or "the OCR helper failed")
        return proc

    def start(self) -> None:
        """Start the helper now (it loads the model); raises :class:`WorkerFailed`."""
        self._live()

    def _live(self) -> subprocess.Popen[bytes]:
        proc = self._proc
        if proc is None or self._pid != os.getpid() or proc.poll() is not None:
            if proc is not None and self._pid == os.getpid():
                self.stop()
            return self._start()
        return proc

    def _reply(self, proc: subprocess.Popen[bytes], seconds: float) -> bytes:
        """One frame from the helper within ``seconds``, else stop it and raise."""
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        deadline = time.monotonic() + seconds
        buf = b""
        want = 4
        size: int | None = None
        while len(buf) < want:
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(0.0, left))[0] if left > 0 else []
            if not ready:
                self.stop()
                raise CallTimedOut
            chunk = os.read(fd, want - len(buf))
            if not chunk:
                self.stop()
                raise WorkerFailed("the OCR helper exited")
            buf += chunk
            if size is None and len(buf) == 4:
                size = _LEN.unpack(buf)[0]
                buf, want = b"", size
        return buf

    def tsv(self, grey: bytes, size: tuple[int, int], psm: int, seconds: float) -> str:
        """Tesseract's TSV for an 8-bit grey image; raises :class:`CallTimedOut`."""
        proc = self._live()
        assert proc.stdin is not None
        header = json.dumps({"w": size[0], "h": size[1], "psm": int(psm)}).encode()
        try:
            proc.stdin.write(_LEN.pack(len(header)) + header + grey)
            proc.stdin.flush()
        except OSError:
            self.stop()
            raise WorkerFailed("the OCR helper exited") from None
        except BaseException:  # interrupted half-way: the helper would read a torn request
            self.stop()
            raise
        try:
            reply = self._reply(proc, seconds)
        except BaseException:  # Ctrl-C, an alarm: its late reply must not answer the next call
            self.stop()
            raise
        used = _CPU.unpack(reply[1 : 1 + _CPU.size])[0]
        self.cpu_seconds += max(0.0, used - self._helper_cpu)
        self._helper_cpu = used
        return reply[1 + _CPU.size :].decode("utf-8", "replace")

    def peak_mb(self) -> float:
        """The running helper's peak memory (Linux; 0 when unknown or not running)."""
        proc = self._proc
        if proc is None:
            return 0.0
        try:
            with open(f"/proc/{proc.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024.0
        except (OSError, ValueError, IndexError):
            pass
        return 0.0

    def stop(self) -> None:
        """Kill the helper (a new one starts on the next call)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


if __name__ == "__main__":
    sys.exit(_serve(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""))
