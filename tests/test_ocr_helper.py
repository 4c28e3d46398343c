"""The tesserocr helper process as a program that embeds the library meets it: many open
files, an interrupted start, a fork while another thread reads, a stray copy of the
package or a ``json.py`` in the working folder, no usable ``sys.executable``, a parent
killed mid-call, a Ctrl-C, absurd limits. Each test once failed on the first helper.

No timing targets: waits are bounds far above what the step takes.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

import refocus_dsl.ocr_worker as worker_mod
from refocus_dsl.errors import OcrUnavailableError
from refocus_dsl.ocr import TesserocrEngine, get_ocr, tessdata_dir
from refocus_dsl.ocr_time import OcrTimeLimit, ocr_time_limit
from refocus_dsl.ocr_worker import OcrWorker, WorkerFailed

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the helper's POSIX behaviour")


def _word(text: str) -> Image.Image:
    img = Image.new("RGB", (360, 90), "white")
    ImageDraw.Draw(img).text((20, 25), text, font=ImageFont.load_default(size=28), fill="black")
    return img


def _read(engine: TesserocrEngine, text: str) -> list[str]:
    return [w.text for w in engine.words(_word(text), psm=7)]


@pytest.fixture
def engine() -> TesserocrEngine:
    """An engine of the test's own (the shared one keeps its helper for other tests)."""
    own = TesserocrEngine()
    yield own
    own.close()


def _worker() -> OcrWorker:
    path = tessdata_dir()
    return OcrWorker("eng", path.rstrip("/") + "/" if path is not None else None)


_FAKE_HEAD = """
import json, os, signal, struct, sys
def send(payload):
    out = os.fdopen(1, "wb", closefd=False)
    out.write(struct.pack(">I", len(payload)) + payload)
    out.flush()
def main():
"""


def _fake_helper(path: Path, body: str) -> None:
    """A stand-in helper file whose ``main`` runs ``body`` (``send`` writes a frame)."""
    path.write_text(_FAKE_HEAD + textwrap.indent(textwrap.dedent(body), "    "))


def test_a_helper_on_descriptors_past_1024_is_read(engine: TesserocrEngine) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1100:
        pytest.skip("the open-file limit is under 1100")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1100), hard))
    held = []
    try:
        while not held or held[-1] < 1030:  # a server with many sockets open
            held.append(os.open(os.devnull, os.O_RDONLY))
        engine.close()  # the next helper's pipes are numbered past 1024, where select() fails
        assert _read(engine, "Harbour") == ["Harbour"]
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_start_interrupted_while_the_model_loads_leaves_no_stale_frame(
    engine: TesserocrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = worker_mod._readable

    def interrupted(fd: int, seconds: float) -> bool:
        monkeypatch.setattr(worker_mod, "_readable", real)
        raise KeyboardInterrupt  # Ctrl-C (or an alarm) before the helper said it is ready

    engine.close()
    monkeypatch.setattr(worker_mod, "_readable", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _read(engine, "Harbour")
    # the half-started helper's ready frame must not be taken for this call's answer
    assert _read(engine, "Geneva") == ["Geneva"]
    assert _read(engine, "Harbour") == ["Harbour"]


def test_an_interrupted_call_does_not_answer_the_next(
    engine: TesserocrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _read(engine, "Harbour")  # started
    real = worker_mod._readable

    def interrupted(fd: int, seconds: float) -> bool:
        monkeypatch.setattr(worker_mod, "_readable", real)
        raise KeyboardInterrupt

    monkeypatch.setattr(worker_mod, "_readable", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _read(engine, "Harbour")  # the helper is still reading "Harbour" when we give up
    assert _read(engine, "Geneva") == ["Geneva"]


@pytest.mark.parametrize("backend", ["tesserocr", "pytesseract"])
def test_a_huge_limit_is_no_overflow(backend: str) -> None:
    try:
        engine = get_ocr(backend)
    except OcrUnavailableError as exc:
        pytest.skip(str(exc))
    with ocr_time_limit(OcrTimeLimit(call_seconds=1e308, total_seconds=1e308)) as tally:
        assert [w.text for w in engine.words(_word("Harbour"), psm=7)] == ["Harbour"]
    assert tally.note() is None


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_fork_while_another_thread_reads_does_not_deadlock_the_child(
    engine: TesserocrEngine,
) -> None:
    _read(engine, "Harbour")
    parent_pipes = [engine._worker._proc.stdin.fileno(), engine._worker._proc.stdout.fileno()]  # type: ignore[union-attr]
    inside, release = threading.Event(), threading.Event()

    def busy() -> None:  # another thread is inside a call when the program forks
        with engine._lock:
            inside.set()
            release.wait(60)

    thread = threading.Thread(target=busy)
    thread.start()
    inside.wait(60)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            signal.alarm(60)
            shared = [os.path.exists(f"/proc/self/fd/{fd}") and
                      os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
                      for fd in parent_pipes]  # fmt: skip
            code = 0 if _read(engine, "Geneva") == ["Geneva"] and not any(shared) else 3
        finally:
            os._exit(code)
    release.set()
    thread.join()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0  # -14: stuck on the lock until the alarm
    assert _read(engine, "Harbour") == ["Harbour"]  # the parent's helper is untouched


def test_the_working_folder_is_not_on_the_helpers_path(
    engine: TesserocrEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "json.py").write_text("raise SystemExit('a user script named json.py')\n")
    stale = tmp_path / "refocus_dsl"
    stale.mkdir()
    (stale / "__init__.py").write_text("")
    (stale / "ocr_worker.py").write_text("raise SystemExit('an old copy of the package')\n")
    monkeypatch.chdir(tmp_path)
    engine.close()
    assert _read(engine, "Harbour") == ["Harbour"]


def test_a_helper_file_of_another_version_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the file on disk changed under a running program (an upgrade): its helper is refused
    other = tmp_path / "ocr_worker.py"
    _fake_helper(other, """
        send(b"R")  # the first helper's ready frame: no protocol, no file
        sys.stdin.buffer.read()
    """)
    monkeypatch.setattr(worker_mod, "_HELPER_FILE", str(other))
    worker = _worker()
    with pytest.raises(WorkerFailed, match="did not start the OCR helper"):
        worker.start()
    _fake_helper(other, """
        send(b"R" + json.dumps({"protocol": 1, "module": __file__}).encode())
        sys.stdin.buffer.read()
    """)
    with pytest.raises(WorkerFailed, match="another refocus_dsl.*protocol 1") as refused:
        worker.start()
    assert worker._proc is None  # stopped, not left running
    assert "the Python that has tesserocr" not in str(refused.value)  # no guess: it is known


@pytest.mark.parametrize("executable", ["", "/bin/false", "/no/such/python"])
def test_no_usable_python_is_a_clear_error(
    executable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", executable)
    with pytest.raises(OcrUnavailableError, match="tesserocr.*(Python|cannot run)"):
        TesserocrEngine()


def test_a_program_run_as_the_helpers_command_starts_no_helper(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFOCUS_OCR_HELPER", "1")  # a frozen app's executable ran the app
    with pytest.raises(WorkerFailed, match="itself an OCR helper"):
        _worker().start()


def _gone_within(pid: int, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_helper_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    # The parent hands the helper's stdin to a long-lived child of its own, so the helper
    # sees no end of input when the parent dies: only its own watch on the parent ends it.
    script = textwrap.dedent("""
        import subprocess, sys, time
        from refocus_dsl.ocr import TesserocrEngine
        engine = TesserocrEngine()
        proc = engine._worker._proc
        keeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                                  pass_fds=(proc.stdin.fileno(),))
        print(proc.pid, keeper.pid, flush=True)
        time.sleep(120)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    helper, keeper = (int(x) for x in parent.stdout.readline().split())
    try:
        parent.kill()
        parent.wait()
        assert _gone_within(helper, 60), "the helper outlived its parent"
    finally:
        for pid in (helper, keeper):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        parent.stdout.close()


def test_a_ctrl_c_reaching_the_helper_does_not_end_it(engine: TesserocrEngine) -> None:
    _read(engine, "Harbour")
    proc = engine._worker._proc
    assert proc is not None
    os.kill(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C goes to the whole process group
    assert _read(engine, "Geneva") == ["Geneva"]
    assert engine._worker._proc is proc and proc.poll() is None  # the same helper read it


def test_the_helpers_path_is_the_standard_one_without_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a helper file that reports its path instead of loading tesseract
    spy = tmp_path / "ocr_worker.py"
    _fake_helper(spy, """
        send(b"E" + json.dumps(sys.path).encode())
    """)
    monkeypatch.setattr(worker_mod, "_HELPER_FILE", str(spy))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkerFailed) as failed:
        _worker().start()
    path = json.loads(str(failed.value).split(" before it was ready")[0])
    assert "" not in path and str(tmp_path) not in path and "." not in path
    stdlib = os.path.dirname(os.__file__)
    assert stdlib in path
    assert all(p == stdlib or not p.endswith("site-packages") for p in path[: path.index(stdlib)])


def test_a_crop_that_crashes_tesseract_loses_its_words_not_the_detection(
    engine: TesserocrEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashing = tmp_path / "ocr_worker.py"  # a helper whose tesseract dies on every image
    _fake_helper(crashing, """
        send(b"R" + json.dumps({"protocol": 2, "module": os.path.realpath(__file__)}).encode())
        sys.stdin.buffer.read(4)
        os.kill(os.getpid(), signal.SIGSEGV)
    """)
    monkeypatch.setattr(worker_mod, "_HELPER_FILE", str(crashing.resolve()))
    engine.close()
    with ocr_time_limit() as tally:
        assert engine.words(_word("Harbour"), psm=7) == []  # crashed, and again on a new helper
    assert tally.crashed == 1 and engine.crashes == 1
    assert "ended tesseract" in str(tally.note()) and "raise the limits" not in str(tally.note())
    monkeypatch.undo()
    assert _read(engine, "Harbour") == ["Harbour"]  # a helper that works reads again


def test_an_engine_dropped_without_close_leaves_no_helper() -> None:
    engine = TesserocrEngine()
    _read(engine, "Harbour")
    proc = engine._worker._proc
    assert proc is not None
    pid, pipes = proc.pid, (proc.stdin, proc.stdout)
    del engine, proc
    gc.collect()
    assert all(stream is not None and stream.closed for stream in pipes)
    assert _gone_within(pid, 60), "the helper of a dropped engine still runs"


def test_a_model_that_does_not_load_is_named_without_a_guess_at_the_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The helper ran (it has tesserocr) and tesseract refused the model: the error says
    # so and points at the tessdata, not at the Python running the helper.
    (tmp_path / "eng.traineddata").write_bytes(b"")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    with pytest.raises(OcrUnavailableError) as failed:
        TesserocrEngine()
    message = str(failed.value)
    assert str(tmp_path) in message and "TESSDATA_PREFIX" in message
    assert "the Python that has tesserocr" not in message
    # A helper whose Python lacks tesserocr is told that, with the Python it ran.
    monkeypatch.delenv("TESSDATA_PREFIX")
    (tmp_path / "tesserocr.py").write_text("raise ImportError('No module named tesserocr')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with pytest.raises(WorkerFailed, match="No module named tesserocr.*the Python that has"):
        _worker().start()


class _CrashingWorker:
    """A stand-in helper whose first call crashes after ``spent`` of its limit (on a
    clock the test moves), and whose next call reads nothing."""

    cpu_seconds = 0.0

    def __init__(self, clock: list[float], spent: float) -> None:
        self.clock, self.spent, self.limits = clock, spent, []

    def tsv(self, grey: bytes, size: tuple[int, int], psm: int, seconds: float) -> str:
        self.limits.append(seconds)
        if len(self.limits) == 1:
            self.clock[0] += self.spent * seconds
            raise worker_mod.CallCrashed("the OCR helper exited")
        return ""

    def stop(self) -> None:
        pass


@pytest.mark.parametrize("spent", [0.75, 1.5])
def test_a_retry_after_a_crash_gets_what_is_left_of_the_limit(
    spent: float, engine: TesserocrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import refocus_dsl.ocr as ocr_mod

    clock = [1000.0]
    monkeypatch.setattr(ocr_mod.time, "perf_counter", lambda: clock[0])
    engine.close()
    stand_in = _CrashingWorker(clock, spent)
    monkeypatch.setattr(engine, "_worker", stand_in)
    with ocr_time_limit(OcrTimeLimit(call_seconds=8, total_seconds=60)) as tally:
        assert engine.words(_word("Harbour"), psm=7) == []
    if spent < 1:  # a quarter of the limit was left: the retry may take that, no more
        assert stand_in.limits == [8, 2] and tally.crashed == 0
    else:  # the crash came after the limit: no second try
        assert stand_in.limits == [8] and tally.crashed == 1


class _SlowPipe:
    """The helper's stdin, on which sending a request takes ``lag`` seconds of the
    worker's clock: a big image, or this thread waiting for a core on a busy machine."""

    def __init__(self, pipe: Any, clock: list[float], lag: float) -> None:
        self.pipe, self.clock, self.lag = pipe, clock, lag

    def write(self, data: bytes) -> int:
        self.clock[0] += self.lag
        return int(self.pipe.write(data))

    def flush(self) -> None:
        self.pipe.flush()

    def close(self) -> None:
        self.pipe.close()


def test_the_limit_of_a_call_runs_from_its_request(
    engine: TesserocrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A request that took longer than the limit to send: the reply, however quick once
    # the helper had it, comes after the limit and is not taken.
    clock = [1000.0]
    fake_time = types.SimpleNamespace(**vars(time))
    fake_time.monotonic = lambda: clock[0]
    monkeypatch.setattr(worker_mod, "time", fake_time)
    engine._worker.start()
    proc = engine._worker._proc
    assert proc is not None
    monkeypatch.setattr(proc, "stdin", _SlowPipe(proc.stdin, clock, 60.0))
    with ocr_time_limit(OcrTimeLimit(call_seconds=30)) as tally:
        assert engine.words(_word("Harbour"), psm=7) == []
    assert tally.cut == 1
