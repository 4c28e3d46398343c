"""Nothing leaks: credentials in a base URL are redacted everywhere; model text, diagnostics
and labels reach the terminal without control sequences."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loop_helpers import table_image_and_layout
from scripted_server import Reply, ScriptedServer

from refocus_dsl.cli import main
from refocus_dsl.safetext import redact, redact_url, terminal_safe

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIP = "\x1b]52;c;cm0gLXJmIH4=\x07"
CLEAR = "\x1b[2J\x1b[H"


def _files(tmp_path: Path) -> tuple[str, str]:
    image, layout = table_image_and_layout()
    image.save(tmp_path / "t.png")
    (tmp_path / "t.json").write_text(layout.to_json())
    return str(tmp_path / "t.png"), str(tmp_path / "t.json")


def test_credentials_in_the_base_url_are_redacted_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    img, lay = _files(tmp_path)
    caplog.set_level(logging.DEBUG, logger="refocus")
    with ScriptedServer([Reply(status=500), Reply(status=503)]) as s:
        url = s.base_url.replace("http://", "http://alice:s3cret@")
        code = main(["ask", img, "q?", "--layout", lay, "--base-url", url, "--model", "m",
                     "--retries", "1", "--trace-dir", str(tmp_path / "tr")])  # fmt: skip
    out, err = capsys.readouterr()
    trace = (tmp_path / "tr" / "trace.json").read_text()
    assert code != 0 and "gave up" in err
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for text in (out, err, trace, logs):
        assert "s3cret" not in text and "alice" not in text
    doc = json.loads(trace)
    assert doc["complete"] is False and "127.0.0.1" in doc["error"]


def test_redaction_rules() -> None:
    assert redact_url("https://u:p@h.example:8443/v1") == "https://h.example:8443/v1"
    assert redact_url("http://h/v1") == "http://h/v1"
    assert redact("failed: http://u:p@h/v1/chat (x)") == "failed: http://***@h/v1/chat (x)"
    assert redact("mail me at a@b.c") == "mail me at a@b.c"


def test_model_text_reaches_the_terminal_without_control_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    img, lay = _files(tmp_path)
    reply = (
        f"THOUGHT: look {OSC_TITLE}here{CLEAR}.\n```refocus\nmask(columns(\"Year{OSC_CLIP}\"))\n"
        f"```\n"
    )
    with ScriptedServer([Reply(text=reply), Reply(text=f"ANSWER: 2011{OSC_CLIP}\x9b2J")]) as s:
        code = main(["ask", img, "q?", "--layout", lay, "--base-url", s.base_url,
                     "--model", "m"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0 and "answer: 2011" in out
    assert r"thought: look \x1b]0;pwned\x07here\x1b[2J\x1b[H." in out  # shown, inert
    for text in (out, err):
        assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text


def test_diagnostics_and_labels_are_printed_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lay = _files(tmp_path)
    doc = json.loads(Path(lay).read_text())
    doc["table"]["columns"][1]["header"] = f"Year{OSC_TITLE}"
    Path(lay).write_text(json.dumps(doc))
    main(["check", "-e", f'mask(columns("Yaer{CLEAR}"))', "--layout", lay])
    out, err = capsys.readouterr()
    assert "Yaer" in out + err
    assert "\x1b" not in out + err and "\x07" not in out + err


@settings(max_examples=200, deadline=2000)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_terminal_safe_leaves_no_control(text: str) -> None:
    clean = terminal_safe(text)
    assert not any(
        (ord(c) < 32 and c not in "\t\n\r") or 0x7F <= ord(c) <= 0x9F for c in clean
    )
    assert terminal_safe(clean) == clean


def test_an_escaped_label_is_shown_as_it_is_so_messages_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, lay = _files(tmp_path)
    doc = json.loads(Path(lay).read_text())
    doc["table"]["columns"][1]["header"] = f"{OSC_CLIP}Year"
    Path(lay).write_text(json.dumps(doc))
    main(["check", "-e", 'mask(columns("Year"))', "--layout", lay])
    out, err = capsys.readouterr()
    # the header is not "Year": the list of columns beside the error must say why
    assert r"\x1b]52;c;cm0gLXJmIH4=\x07Year" in out + err
    assert "\x1b" not in out + err and "\x07" not in out + err
