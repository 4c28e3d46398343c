"""``refocus report``: one self-contained HTML page from trace folders.

An index heads the page (question, answer, gold, right or wrong, turns; a
link shows only the wrong or failed ones, in CSS, since the page runs no
script), then the evaluation summary as a table, then each question the way
the paper's figures show it: the input image beside the detected layout's
overlay, each turn's thought and program, the edited image, the answer.
Images are embedded as data URIs (no external files), downscaled to
:data:`REPORT_IMAGE_MAX_SIDE` and encoded as a palette PNG or a JPEG, whichever
is smaller, so a page of many questions stays small; every piece of text
from a trace, model replies included, is HTML-escaped, and a
Content-Security-Policy forbids scripts, so a hostile reply cannot run in the
reader's browser.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PIL import Image

from refocus_dsl.imageio import on_white
from refocus_dsl.loop.errors import TraceError
from refocus_dsl.loop.trace import each_trace, find_traces, trace_image

MAX_EMBED_BYTES = 25_000_000
"""Images larger than this are not embedded (the page says so)."""
REPORT_IMAGE_MAX_SIDE = 800
"""Longest side of an embedded image, in pixels (``refocus report --image-max-side``)."""
JPEG_QUALITY = 85
"""Text in a scanned table stays readable at this quality."""
QUESTION_CHARS = 140
"""A question longer than this is cut in the index (the section shows it whole)."""

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
table.sum td,table.sum th{padding:2px 10px;text-align:left}
table.index{border-collapse:collapse;width:100%;font-size:13px}
table.index td,table.index th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left;
vertical-align:top}
.filter a{margin-right:12px}
#only-wrong:target ~ table.index tr.ok,#only-wrong:target ~ section.q.ok{display:none}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _open(folder: Path, name: Any) -> Image.Image | str | None:
    """The trace's image ``name`` decoded, a note saying why it is not shown, or None
    when the trace names no such file (a hostile name is refused by ``trace_image``)."""
    from refocus_dsl.errors import RefocusError
    from refocus_dsl.imageio import load_image

    path = trace_image(folder, name)
    if path is None:
        return None
    try:
        size = path.stat().st_size
        if size > MAX_EMBED_BYTES:  # checked before reading: a huge file is never loaded
            return f"{name}: {size} bytes, too large to embed"
        data = path.read_bytes()
    except OSError as exc:
        return f"{name}: cannot be read ({exc.strerror or exc}), not shown"
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return f"{name}: not a PNG, not shown"
    try:
        return load_image(data).image  # the pixel limit guards against a bomb
    except RefocusError as exc:
        return f"{name}: not shown ({exc})"


def _figure(image: Image.Image | str | None, caption: str, max_side: int | None) -> str:
    """An embedded image: downscaled to ``max_side`` (None: full size), compactly encoded."""
    if image is None:
        return ""
    if isinstance(image, str):
        return f"<p class=meta>{_e(image)}</p>"
    shown = on_white(image)
    if max_side is not None and max(shown.size) > max_side:
        shown = shown.copy()
        shown.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    mime, data = _smallest(shown)
    uri = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    cap = _e(caption)
    w, h = image.size
    return (
        f'<figure><img alt="{cap}" src="{uri}"><figcaption>{cap} ({w}x{h})</figcaption></figure>'
    )


def _smallest(image: Image.Image) -> tuple[str, bytes]:
    """The image as a 256-colour PNG or a JPEG, whichever is smaller: charts and ruled
    tables are a few flat colours (a palette PNG is a fifth of a JPEG), scans are not."""
    png = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(png, format="PNG", optimize=True)
    jpeg = io.BytesIO()
    image.save(jpeg, format="JPEG", quality=JPEG_QUALITY)
    if jpeg.tell() < png.tell():
        return "image/jpeg", jpeg.getvalue()
    return "image/png", png.getvalue()


def _overlay(image: Image.Image | str | None, layout: Any) -> Image.Image | str | None:
    """The trace's layout drawn over its input image (what the checker matched against)."""
    if not isinstance(image, Image.Image) or not isinstance(layout, Mapping):
        return None
    from refocus_dsl.errors import RefocusError
    from refocus_dsl.layout import layout_from_dict
    from refocus_dsl.overlay import draw_overlay

    try:
        found = layout_from_dict(layout)
    except (RefocusError, ValueError, TypeError, KeyError) as exc:
        return f"layout not shown ({exc})"
    if (found.width, found.height) != image.size:
        return "layout not shown (it is for an image of another size)"
    return draw_overlay(image, found)


_BADGES = {
    "right": '<span class="badge right">correct</span>',
    "wrong": '<span class="badge wrong">wrong</span>',
    "failed": '<span class="badge wrong">failed</span>',
    "none": '<span class="badge none">not scored</span>',
}


def _badge(verdict: str) -> str:
    return _BADGES.get(verdict, _BADGES["none"])


def _turn(folder: Path, turn: dict[str, Any], max_side: int | None) -> str:
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
    body.append(_figure(_open(folder, turn.get("edited_image")), "edited image", max_side))
    body.append("</div></div>")
    return "".join(parts + body) + "</div>"


def _verdict(doc: Mapping[str, Any]) -> str:
    """``right``, ``wrong``, ``failed`` (the question could not be asked) or ``none``."""
    correct = doc.get("correct")
    if correct is True:
        return "right"
    if correct is False:
        return "wrong"
    return "failed" if doc.get("status") == "error" or doc.get("failure") else "none"


def _turns(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [t for t in (doc.get("turns") or []) if isinstance(t, dict)]


def _question(
    folder: Path, doc: dict[str, Any], anchor: str, max_side: int | None
) -> str:
    ident = doc.get("id") or folder.name
    verdict = _verdict(doc)
    usage = _get(doc, "usage") if isinstance(_get(doc, "usage"), dict) else {}
    turns = _turns(doc)
    kept = "ok" if verdict in ("right", "none") else "problem"
    head = (
        f'<section class="q {kept}" id="{anchor}"><h2>{_e(ident)} {_badge(verdict)}</h2>'
        f"<p><b>Question.</b> {_e(doc.get('question'))}</p>"
        f"<p class=meta>model {_e(doc.get('model') or 'none (offline planner)')} &middot; "
        f"prompt {_e(doc.get('prompt_style'))} &middot; layout {_e(doc.get('layout_source'))} "
        f"&middot; status {_e(doc.get('status'))} &middot; {len(turns)} turns &middot; "
        f"{_e(_get(usage, 'total_tokens') or 0)} tokens</p>"
    )
    original = _open(folder, _get(doc, "image", "file") or "input.png")
    overlay = _figure(_overlay(original, doc.get("layout")), "detected layout", max_side)
    if overlay and doc.get("layout_source") != "detected":
        overlay = overlay.replace("detected layout", "layout (given)")
    row = (
        f'<div class="row"><div class="col">{_figure(original, "input image", max_side)}</div>'
        f'<div class="col">{overlay}</div></div>'
    )
    body = "".join(_turn(folder, t, max_side) for t in turns)
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


def _index(docs: Sequence[tuple[Path, dict[str, Any]]]) -> str:
    """One row per question, linked to its section; wrong and failed ones can be shown alone."""
    rows = []
    for n, (folder, doc) in enumerate(docs, start=1):
        verdict = _verdict(doc)
        kept = "ok" if verdict in ("right", "none") else "problem"
        question = str(doc.get("question") or "")
        if len(question) > QUESTION_CHARS:
            question = question[: QUESTION_CHARS - 3] + "..."
        answer = doc.get("answer")
        rows.append(
            f'<tr class="{kept}"><td><a href="#item{n}">{_e(doc.get("id") or folder.name)}</a></td>'
            f"<td>{_e(question)}</td><td>{_e(answer if answer is not None else '')}</td>"
            f"<td>{_e(doc.get('gold_answer') if doc.get('gold_answer') is not None else '')}</td>"
            f"<td>{_badge(verdict)}</td><td>{len(_turns(doc))}</td></tr>"
        )
    return (
        '<p class="filter"><a href="#only-wrong">show only wrong or failed</a>'
        '<a href="#all">show all</a></p>'
        '<table class="index"><thead><tr><th>id</th><th>question</th><th>answer</th>'
        "<th>gold</th><th>result</th><th>turns</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _get(doc: Any, *keys: str) -> Any:
    for key in keys:
        doc = doc.get(key) if isinstance(doc, Mapping) else None
    return doc


def _na(value: Any) -> Any:
    return "n/a" if value is None else value


def _pct(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{100 * value:.1f}%"
    return "n/a"


def _summary_table(name: str, doc: Mapping[str, Any]) -> str:
    """An eval's ``summary.json`` as a table (read defensively: any JSON may be there)."""
    acc = _get(doc, "accuracy")
    rows = [
        ("questions", _get(doc, "questions")),
        ("complete", _get(doc, "complete")),
        ("failed", _get(doc, "failed") or 0),
        ("incomplete", _get(doc, "incomplete")),
        (f"accuracy, relaxed ({_get(acc, 'scored')} scored)", _pct(_get(acc, "relaxed"))),
        ("accuracy, exact", _pct(_get(acc, "exact"))),
        ("accuracy, model judge", _pct(_get(acc, "judge"))),
    ]
    for title, key in (("dataset", "by_dataset"), ("question type", "by_type")):
        groups = _get(doc, key)
        for group, row in (groups.items() if isinstance(groups, Mapping) else []):
            rows.append((f"{title} {group} (n={_get(row, 'n')})", _pct(_get(row, "accuracy"))))
    rows += [
        ("turns per question", _na(_get(doc, "turns_per_question"))),
        ("edits per question", _na(_get(doc, "edits_per_question"))),
        ("tokens, total", _get(doc, "tokens", "total")),
        ("tokens per question", _na(_get(doc, "tokens", "per_question"))),
        ("model", _get(doc, "run", "model") or "none (offline planner)"),
        ("mode", _get(doc, "run", "mode")),
    ]
    failures = _get(doc, "run", "failures")
    for cause, count in (list(failures.items())[:10] if isinstance(failures, Mapping) else []):
        rows.append((f"failed x{count}", cause))
    cells = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<h2>summary: {_e(name)}</h2><table class="sum">{cells}</table>'


def _summaries(paths: Sequence[str | Path]) -> str:
    """The eval summaries (``summary.json``) of the folders given, as tables."""
    blocks = []
    for p in map(Path, paths):
        try:
            doc = json.loads((p / "summary.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # no summary: the page still shows every trace
        if isinstance(doc, Mapping):
            blocks.append(_summary_table(p.name, doc))
    return "".join(blocks)


def build_report(
    folders: Sequence[Path],
    title: str = "refocus report",
    summary_html: str = "",
    image_max_side: int | None = REPORT_IMAGE_MAX_SIDE,
) -> str:
    sections: list[str] = []

    def render(folder: Path, doc: dict[str, Any]) -> tuple[Path, dict[str, Any]]:
        sections.append(_question(folder, doc, f"item{len(sections) + 1}", image_max_side))
        return folder, doc

    pairs = each_trace(folders, render)
    docs = [d for _, d in pairs]
    scored = [d for d in docs if isinstance(d.get("correct"), bool)]
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
        '<span id="only-wrong"></span><span id="all"></span>'
        f"<h1>{_e(title)}</h1><p>{len(docs)} questions &middot; {_e(acc)}</p>"
        + _index(pairs)
        + summary_html
    )
    return head + "".join(sections) + "</body></html>\n"


def render_report(
    paths: Sequence[str | Path],
    title: str = "refocus report",
    image_max_side: int | None = REPORT_IMAGE_MAX_SIDE,
) -> tuple[str, int]:
    """The page for the traces in ``paths``, and the number of questions in it."""
    folders = find_traces(list(paths))
    if not folders:
        raise TraceError("no trace folders found in " + ", ".join(map(str, paths)))
    page = build_report(folders, title, _summaries(paths), image_max_side)
    return page, page.count('<section class="q ')


def write_report(
    paths: Sequence[str | Path],
    out: str | Path,
    title: str = "refocus report",
    image_max_side: int | None = REPORT_IMAGE_MAX_SIDE,
) -> int:
    """Write the page; returns the number of questions in it. ``image_max_side`` None
    embeds images at full size."""
    page, n = render_report(paths, title, image_max_side)
    try:
        Path(out).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise TraceError(f"cannot write {out}: {exc.strerror or exc}") from None
    return n
