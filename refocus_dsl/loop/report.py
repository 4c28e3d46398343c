"""``refocus report``: one self-contained HTML page from trace folders.

Each question is shown the way the paper's figures show it: the image, each
turn's thought and program, the edited image, the answer, right or wrong.
Images are embedded as data URIs (no external files); every piece of text
from a trace, model replies included, is HTML-escaped, and a
Content-Security-Policy forbids scripts, so a hostile reply cannot run in the
reader's browser.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from refocus_dsl.loop.errors import TraceError
from refocus_dsl.loop.trace import find_traces, load_trace, trace_image

MAX_EMBED_BYTES = 25_000_000
"""Images larger than this are not embedded (the page says so)."""

_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#222;
padding:0 12px}
h1{font-size:22px}h2{font-size:16px;margin:0 0 6px}
.q{border:1px solid #ccc;border-radius:8px;padding:14px;margin:18px 0;background:#fff}
.meta{color:#666;font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px}
.right{background:#d9f2dd;color:#17612a}.wrong{background:#fadbd8;color:#8a1c12}
.none{background:#eee;color:#555}
.row{display:flex;gap:14px;flex-wrap:wrap;align-items:flex-start}
.col{flex:1 1 420px;min-width:300px}
figure{margin:6px 0}figcaption{font-size:12px;color:#666}
img{max-width:100%;border:1px solid #ddd}
pre{background:#f6f8fa;padding:8px;white-space:pre-wrap;word-break:break-word;margin:4px 0}
.diag{background:#fff4e5}
.turn{border-top:1px dashed #ddd;padding-top:8px;margin-top:8px}
.answer{font-size:15px}
table.sum td{padding:2px 10px}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _img(folder: Path, name: Any, caption: str) -> str:
    path = trace_image(folder, name)
    if path is None:
        return ""
    data = path.read_bytes()
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return f"<p class=meta>{_e(name)}: not a PNG, not shown</p>"
    if len(data) > MAX_EMBED_BYTES:
        return f"<p class=meta>{_e(name)}: {len(data)} bytes, too large to embed</p>"
    uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    cap = _e(caption)
    return f'<figure><img alt="{cap}" src="{uri}"><figcaption>{cap}</figcaption></figure>'


def _badge(correct: Any) -> str:
    if correct is True:
        return '<span class="badge right">correct</span>'
    if correct is False:
        return '<span class="badge wrong">wrong</span>'
    return '<span class="badge none">not scored</span>'


def _turn(folder: Path, turn: dict[str, Any]) -> str:
    parts = [
        f'<div class="turn"><div class=meta>turn {_e(int(turn.get("index", 0)) + 1)}: '
        f"{_e(turn.get('kind'))}"
    ]
    usage = turn.get("usage") or {}
    if usage.get("total_tokens"):
        parts.append(f", {_e(usage.get('total_tokens'))} tokens")
    if turn.get("latency_s"):
        parts.append(f", model {_e(turn.get('latency_s'))} s")
    if turn.get("retries"):
        why = "; ".join(map(str, turn.get("retry_errors") or []))
        parts.append(f", {_e(turn.get('retries'))} retries ({_e(why)})")
    if turn.get("note"):
        parts.append(f" &middot; {_e(turn.get('note'))}")
    parts.append("</div>")
    if turn.get("thought"):
        parts.append(f"<p><b>Thought.</b> {_e(turn.get('thought'))}</p>")
    program = turn.get("program")
    body = ['<div class="row"><div class="col">']
    if program:
        body.append(f"<b>Program</b><pre>{_e(program)}</pre>")
    if turn.get("diagnostics_text"):
        body.append(f'<b>Diagnostics</b><pre class="diag">{_e(turn.get("diagnostics_text"))}</pre>')
    if turn.get("run_error"):
        body.append(f'<pre class="diag">{_e(turn.get("run_error"))}</pre>')
    if turn.get("answer"):
        body.append(f'<p class="answer"><b>Answer:</b> {_e(turn.get("answer"))}</p>')
    if (
        not program
        and not turn.get("answer")
        and turn.get("reply")
        and turn.get("kind") != "answer"
    ):
        body.append(f"<b>Reply</b><pre>{_e(turn.get('reply'))}</pre>")
    body.append('</div><div class="col">')
    body.append(_img(folder, turn.get("edited_image"), "edited image"))
    body.append("</div></div>")
    return "".join(parts + body) + "</div>"


def _question(folder: Path, doc: dict[str, Any]) -> str:
    ident = doc.get("id") or folder.name
    correct = doc.get("correct")
    usage = doc.get("usage") or {}
    turns = [t for t in (doc.get("turns") or []) if isinstance(t, dict)]
    head = (
        f'<section class="q"><h2>{_e(ident)} {_badge(correct)}</h2>'
        f"<p><b>Question.</b> {_e(doc.get('question'))}</p>"
        f"<p class=meta>model {_e(doc.get('model') or 'none (offline planner)')} &middot; "
        f"prompt {_e(doc.get('prompt_style'))} &middot; layout {_e(doc.get('layout_source'))} "
        f"&middot; status {_e(doc.get('status'))} &middot; {len(turns)} turns &middot; "
        f"{_e(usage.get('total_tokens', 0))} tokens</p>"
    )
    original = (doc.get("image") or {}).get("file", "input.png")
    row = (
        f'<div class="row"><div class="col">{_img(folder, original, "original image")}</div></div>'
    )
    body = "".join(_turn(folder, t) for t in turns)
    gold = doc.get("gold_answer")
    answer = doc.get("answer")
    final = (
        '<p class="answer"><b>Final answer:</b> '
        + _e(answer if answer is not None else doc.get("message") or "(none)")
        + (f" &middot; <b>gold:</b> {_e(gold)}" if gold is not None else "")
        + "</p>"
    )
    if doc.get("error"):
        final += f'<pre class="diag">{_e(doc.get("error"))}</pre>'
    return head + row + body + final + "</section>"


def _summaries(paths: Sequence[str | Path]) -> str:
    """The eval summaries (``summary.json``) of the folders given, as text blocks."""
    import json

    from refocus_dsl.loop.evaluate import format_summary

    blocks = []
    for p in map(Path, paths):
        try:
            doc = json.loads((p / "summary.json").read_text(encoding="utf-8"))
            blocks.append(f"<h2>{_e(p.name)}</h2><pre>{_e(format_summary(doc))}</pre>")
        except (OSError, ValueError, KeyError, TypeError):
            continue  # no summary (or not ours): the page still shows every trace
    return "".join(blocks)


def build_report(
    folders: Sequence[Path], title: str = "refocus report", summary_html: str = ""
) -> str:
    docs: list[tuple[Path, dict[str, Any]]] = []
    for folder in folders:
        docs.append((folder, load_trace(folder)))
    scored = [d for _, d in docs if isinstance(d.get("correct"), bool)]
    right = sum(1 for d in scored if d["correct"])
    acc = (
        f"{right}/{len(scored)} correct ({100 * right / len(scored):.1f}%)"
        if scored
        else "not scored"
    )
    head = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p>{len(docs)} questions &middot; {_e(acc)}</p>" + summary_html
    )
    return head + "".join(_question(f, d) for f, d in docs) + "</body></html>\n"


def render_report(
    paths: Sequence[str | Path], title: str = "refocus report"
) -> tuple[str, int]:
    """The page for the traces in ``paths``, and the number of questions in it."""
    folders = find_traces(list(paths))
    if not folders:
        raise TraceError("no trace folders found in " + ", ".join(map(str, paths)))
    return build_report(folders, title, _summaries(paths)), len(folders)


def write_report(
    paths: Sequence[str | Path], out: str | Path, title: str = "refocus report"
) -> int:
    """Write the page; returns the number of questions in it."""
    page, n = render_report(paths, title)
    try:
        Path(out).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise TraceError(f"cannot write {out}: {exc.strerror or exc}") from None
    return n
