"""tesserocr in a helper process, so that one OCR call can be stopped at its time limit.

Why a process: tesseract finds words inside its layout pass before it recognises
any, and that pass checks no deadline. tesserocr's ``Recognize(timeout=ms)`` only
bounds recognition: on a 1-px checkerboard read as one line, its word pass ran
55-66 s whatever the timeout, and a thread cannot be stopped. A helper process
can be killed; the next call starts a new one (about 0.3 s, the model's load).

The helper keeps one API object, as the in-process engine did, and reads grey
images from its stdin and writes tesseract's TSV to its stdout, framed by a
4-byte length. It is a plain subprocess of ``sys.executable`` (a user's script is
never imported again, as a ``multiprocessing`` spawn would do) that runs this
very file by its path, with the working folder off its path, so a ``json.py`` or
an older ``refocus_dsl`` copy there is never run; its first frame names the file
and protocol it runs, which the parent checks (a file upgraded under a running
program is refused, not misread). It ignores Ctrl-C (the parent stops it) and
exits when its parent is gone, so a killed program leaves no tesseract running.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
import weakref
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

_LEN = struct.Struct(">I")
_CPU = struct.Struct(">d")
_PROTOCOL = 2
"""The frames' layout; the helper's ready frame says it, with the file it runs."""
_HELPER_ENV = "REFOCUS_OCR_HELPER"
"""Set in the helper's environment: a program that finds it set is itself a helper
(a frozen app whose executable ran the app again) and must not start another."""
_BOOT = (
    "import sys\n"
    "if not getattr(sys.flags, 'safe_path', False): del sys.path[0]\n"
    "from importlib.util import module_from_spec, spec_from_file_location\n"
    "spec = spec_from_file_location('refocus_ocr_helper', sys.argv.pop(1))\n"
    "helper = module_from_spec(spec); spec.loader.exec_module(helper)\n"
    "sys.exit(helper.main())"
)
"""The helper's command: this very file, run by path (it imports only the standard
library, tesserocr and Pillow), with the working folder off the path and nothing
put before the standard library (a site folder first would let an old ``pathlib``
or ``enum`` backport there replace the real one)."""
_HELPER_FILE = os.path.realpath(__file__)
_ORPHAN_POLL_S = 0.5


class CallTimedOut(Exception):
    """The helper did not answer within the call's time limit (it has been stopped)."""


class WorkerFailed(Exception):
    """The helper could not start or died; the message says why."""


class HelperRefused(WorkerFailed):
    """The helper ran and why it cannot serve is known (no tesserocr, a model that does
    not load, another version of this file): a message that needs no guess at the cause."""


class CallCrashed(WorkerFailed):
    """The helper died during a call (tesseract crashed on the image, or was killed)."""


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


def _exit_when_orphaned(parent: int) -> None:
    """End the helper once its parent is gone (killed mid-call, say): a pathological
    call would otherwise keep a core busy for a minute with nobody waiting for it."""
    while os.getppid() == parent:
        time.sleep(_ORPHAN_POLL_S)
    os._exit(0)


def _serve(lang: str, path: str, parent: int) -> int:
    """The helper's loop: one reply frame per request frame, until stdin closes."""
    inp, out = sys.stdin.buffer, os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print (a library's, tesseract's) must not land between frames
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the parent's to handle
    if parent:
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    try:
        import tesserocr
        from PIL import Image
    except ImportError as exc:
        _write_frame(out, b"E" + f"{exc} (is {sys.executable} the Python that has "
                     "tesserocr?)".encode("utf-8", "replace"))
        return 1
    try:
        kwargs: dict[str, Any] = {"lang": lang, "psm": tesserocr.PSM.SPARSE_TEXT}
        if path:
            kwargs["path"] = path
        api = tesserocr.PyTessBaseAPI(**kwargs)
        api.SetVariable("tessedit_do_invert", "0")
    except Exception as exc:  # noqa: BLE001 - reported to the parent as the reason
        _write_frame(out, b"E" + str(exc).encode("utf-8", "replace"))
        return 1
    ready = {"protocol": _PROTOCOL, "module": _HELPER_FILE}
    _write_frame(out, b"R" + json.dumps(ready).encode("utf-8"))
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


def _readable(fd: int, seconds: float) -> bool:
    """Whether ``fd`` has data (or its end) within ``seconds``. poll, not select:
    select refuses descriptors from 1024 up, which a server's program reaches."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(max(0, math.ceil(seconds * 1000))))
    return bool(select.select([fd], [], [], seconds)[0])  # pragma: no cover - Windows


def _command() -> list[str]:
    """The helper's command line; raises :class:`WorkerFailed` where it cannot run."""
    if os.environ.get(_HELPER_ENV):
        raise WorkerFailed("this process is itself an OCR helper's command (its Python "
                           "ran a program, not the helper): no helper of its own")
    if getattr(sys, "frozen", False) or not sys.executable:
        raise WorkerFailed("no Python executable to run the OCR helper with "
                           f"(sys.executable is {sys.executable!r})")
    return [sys.executable, "-c", _BOOT, _HELPER_FILE]


def _check_ready(reply: bytes) -> None:
    """The helper's first frame: it is ready, and runs this file, at this protocol."""
    if reply[:1] == b"E":
        raise HelperRefused(reply[1:].decode("utf-8", "replace") or "the OCR helper failed")
    try:
        ready = json.loads(reply[1:]) if reply[:1] == b"R" else None
    except ValueError:
        ready = None
    if not isinstance(ready, dict):
        raise WorkerFailed(f"{sys.executable!r} did not start the OCR helper "
                           f"(it answered {reply[:40]!r})")
    mine = _HELPER_FILE
    if ready.get("module") != mine or ready.get("protocol") != _PROTOCOL:
        raise HelperRefused(f"the OCR helper runs another refocus_dsl ({ready.get('module')}, "
                           f"protocol {ready.get('protocol')}) than this process ({mine}, "
                           f"protocol {_PROTOCOL}): was it upgraded while this program ran?")


_WORKERS: weakref.WeakSet[OcrWorker] = weakref.WeakSet()


def _forget_helpers_after_fork() -> None:
    """In a forked child: drop the parent's helpers (their pipes are the parent's;
    the child starts its own on its first call) without stopping them."""
    for worker in list(_WORKERS):
        worker._forget()


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
        _WORKERS.add(self)

    def _start(self) -> subprocess.Popen[bytes]:
        command = _command() + [self.lang, self.path, str(os.getpid())]
        try:
            proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, _HELPER_ENV: "1"},
            )
        except OSError as exc:  # sys.executable gone, not executable, no processes left
            raise WorkerFailed(f"cannot run {sys.executable!r}: {exc}") from None
        self._proc, self._pid = proc, os.getpid()
        self._helper_cpu = 0.0
        try:
            _widen(proc)
            _check_ready(self._reply(proc, 120.0))
        except CallTimedOut:
            raise WorkerFailed("the OCR helper did not start within 120 s") from None
        except HelperRefused:  # its own reason (a tessdata that does not load, say)
            self.stop()
            raise
        except WorkerFailed as exc:
            self.stop()
            raise WorkerFailed(f"{exc} before it was ready ({sys.executable} -c ...: is it "
                               "the Python that has tesserocr?)") from None
        except BaseException:  # a failed start, or Ctrl-C / an alarm while the model loads:
            self.stop()  # its ready frame must not be read as the next call's answer
            raise
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
            if left <= 0 or not _readable(fd, left):
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
        # The limit runs from the request on: timed from after it, a reply the helper
        # wrote while this thread waited for a core (or sent a big image) was taken
        # however late it came.
        sent = time.monotonic()
        try:
            proc.stdin.write(_LEN.pack(len(header)) + header + grey)
            proc.stdin.flush()
        except OSError:
            self.stop()
            raise CallCrashed("the OCR helper exited") from None
        except BaseException:  # interrupted half-way: the helper would read a torn request
            self.stop()
            raise
        try:
            reply = self._reply(proc, seconds - (time.monotonic() - sent))
        except WorkerFailed as exc:
            raise CallCrashed(str(exc)) from None
        except BaseException:  # Ctrl-C, an alarm: its late reply must not answer the next call
            self.stop()
            raise
        if reply[:1] != b"T" or len(reply) < 1 + _CPU.size:
            self.stop()
            raise CallCrashed(f"the OCR helper answered out of turn ({reply[:20]!r})")
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

    def _forget(self) -> None:
        """Let go of a helper this process did not start (a forked child's copy): its
        pipe ends become /dev/null, so nothing the copy still holds (a half-written
        request in a buffer) reaches the parent's helper, and they close with it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.returncode = 0  # the parent's child: not ours to wait for
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    os.dup2(devnull, stream.fileno(), inheritable=False)
        finally:
            os.close(devnull)

    def __del__(self) -> None:
        # An engine dropped without close(): subprocess keeps an unfinished Popen (and
        # so the pipe the helper waits on) alive for ever; stop the helper here.
        if self._proc is not None and self._pid == os.getpid():
            try:
                self.stop()
            except Exception:  # noqa: BLE001, S110 - at interpreter exit modules may be gone
                pass

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


def main() -> int:
    """The helper: ``LANG [TESSDATA [PARENT_PID]]`` (see :data:`_BOOT`)."""
    args = sys.argv[1:]
    parent = int(args[2]) if len(args) > 2 and args[2].isdigit() else 0
    return _serve(args[0], args[1] if len(args) > 1 else "", parent)


def _stop_helpers() -> None:
    """At exit: stop and reap this process's helpers (an orphan is left to whatever
    adopts it, and a container's first process often reaps nobody)."""
    for worker in list(_WORKERS):
        if worker._pid == os.getpid():
            worker.stop()


atexit.register(_stop_helpers)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_helpers_after_fork)

if __name__ == "__main__":
    sys.exit(main())
