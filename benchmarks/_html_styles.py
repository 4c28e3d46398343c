"""A second, independent rendering pipeline of issue 9's hidden styles: web pages in Chromium.

``_unseen_styles`` draws scans, figures and charts with Pillow and matplotlib, and the
detectors have been tuned against those looks. Here the same classes of image are written
as HTML, CSS and SVG and rendered by headless Chromium (its own text rasteriser, hinting,
anti-aliasing and layout engine), and every gold box is read from the DOM with
``getBoundingClientRect`` and scaled exactly as the image is:

- ``html_table_report``: report tables with two-level headers, group hairlines, hairlines
  between body rows, indented rows, a bold total row, a caption and notes;
- ``html_table_scan``: about 400 px wide, a ruled grid, bold section rows spanning the
  table, the screenshot then degraded as a cheap scan gives it (downscaled, blurred,
  greyed, noisy, JPEG'd);
- ``html_figure``: a grid of SVG panels (hand-written and matplotlib's SVG) with titles,
  panel letters, uneven rows and narrow gaps, sometimes a figure title and a caption;
- ``html_chart_column``, ``html_chart_bar``, ``html_chart_grouped``: SVG bar charts in the
  look of ChartQA's sources (Statista, Pew): value labels, gridlines, legends, wrapped or
  turned labels, a source line.

Gold follows ``layout-schema``, as ``_unseen_styles``'s does: column and row boundaries in
the middle of the gaps or on the rules, a column's header its header cells' text joined
with one space, a row's label its first cell's text, a panel its drawn ink (plot, title,
letter), a category's bar box the union of its bars.
"""

from __future__ import annotations

import base64
import html as htmlmod
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from _unseen_styles import (
    GEOMETRY_JS,
    Context,
    Sample,
    Style,
    map_table,
    scale_box,
    table_from_geometry,
)
from PIL import Image, ImageFilter

from refocus_dsl.layout import Box, Category, Chart, Layout, Series, Subplot

FONTS = (
    "Liberation Sans",
    "Liberation Serif",
    "Liberation Sans Narrow",
    "DejaVu Sans",
    "DejaVu Serif",
    "DejaVu Sans Condensed",
)
SANS = (
    "Liberation Sans",
    "DejaVu Sans",
    "Liberation Sans Narrow",
    "DejaVu Sans Condensed",
)

# Vocabularies of our own (not the first pipeline's), so no word list is shared with it.
PLACES = [
    "Ontario",
    "Quebec",
    "Bavaria",
    "Saxony",
    "Lombardy",
    "Tuscany",
    "Andalusia",
    "Catalonia",
    "Flanders",
    "Wallonia",
    "Scotland",
    "Wales",
    "Texas",
    "Oregon",
    "Victoria",
    "Queensland",
    "Gauteng",
    "Punjab",
    "Kerala",
    "Hokkaido",
    "Kyushu",
    "Jalisco",
    "Yucatan",
    "Patagonia",
    "Brittany",
    "Normandy",
    "Silesia",
    "Moravia",
    "Zealand",
    "Jutland",
    "Lapland",
    "Tyrol",
]
INDUSTRIES = [
    "Mining",
    "Utilities",
    "Construction",
    "Retail trade",
    "Wholesale",
    "Transport",
    "Hospitality",
    "Information",
    "Finance",
    "Real estate",
    "Education",
    "Health care",
    "Arts",
    "Public sector",
    "Fishing",
    "Forestry",
]
SECTION_NAMES = [
    "Northern districts",
    "Southern districts",
    "Urban areas",
    "Rural areas",
    "Full-time",
    "Part-time",
    "Under 35",
    "35 and over",
    "Cohort 2019",
    "Cohort 2021",
    "Men",
    "Women",
]
MEASURE_NAMES = [
    "Output",
    "Jobs",
    "Wages",
    "Hours",
    "Firms",
    "Exports",
    "Profit",
    "Price",
    "Volume",
    "Yield",
    "Debt",
    "Assets",
    "Visits",
    "Claims",
    "Orders",
    "Stock",
]
GROUP_NAMES = [
    "2019",
    "2020",
    "2021",
    "2022",
    "2023",
    "Q1",
    "Q2",
    "Actual",
    "Target",
    "Budget",
]
UNITS = ["(%)", "(000s)", "(EUR m)", "(index)", "(hrs)"]
BRANDS = [
    "Netflix",
    "Disney+",
    "Hulu",
    "Spotify",
    "Deezer",
    "Uber",
    "Lyft",
    "Airbnb",
    "Zoom",
    "Slack",
    "Discord",
    "Twitch",
    "Etsy",
    "eBay",
    "Shopify",
    "Alibaba",
    "Tencent",
    "Baidu",
]
LONG_CATS = [
    "Paying bills online",
    "Watching live sports",
    "Reading the news",
    "Buying groceries",
    "Booking a doctor visit",
    "Learning a language",
    "Working from home",
    "Video calls with family",
    "Sharing photos",
    "Comparing prices",
    "Listening to podcasts",
    "Playing mobile games",
]
YEARS = [str(y) for y in range(2008, 2025)]
TOTALS = ["Total", "All regions", "Overall"]
FIGURE_TITLES = ["Results across settings", "Main experiments", "Effect of data size"]


def rng(style: str, seed: int) -> random.Random:
    return random.Random(f"html:{style}:{seed}")


def esc(text: str) -> str:
    return htmlmod.escape(text, quote=True)


def figure_number(r: random.Random, kind: str) -> str:
    """A table cell as reports print them: thousands, decimals, shares, negatives in brackets."""
    if kind == "int":
        return f"{r.randint(100, 250000):,}"
    if kind == "pct":
        return f"{r.uniform(0.1, 80):.1f}"
    if kind == "neg":
        v = r.uniform(-40, 60)
        return f"({abs(v):.1f})" if v < 0 else f"{v:.1f}"
    if kind == "money":
        return f"{r.uniform(0.5, 900):.2f}"
    return r.choice(["—", "n.a."]) if r.random() < 0.15 else f"{r.uniform(0, 9.99):.2f}"


# ---------------------------------------------------------------- rendering


DOM_JS = """() => [...document.querySelectorAll('[data-g]')].map(e => {
  const r = e.getBoundingClientRect();
  const d = e.dataset;
  return {g: d.g, box: [r.left, r.top, r.right, r.bottom],
          text: (d.t ?? e.innerText ?? e.textContent ?? '').replace(/\\s+/g, ' ').trim(),
          i: d.i === undefined ? -1 : Number(d.i), k: d.k === undefined ? -1 : Number(d.k)};
})"""
"""Every element marked ``data-g`` (what it is), its box, its text (``data-t`` when the
printed text is split over tspans), and its ``data-i`` / ``data-k`` numbers."""


def render(ctx: Context, html: str, scale: float) -> tuple[Image.Image, Any, list[dict[str, Any]]]:
    """Chromium's screenshot of ``#wrap`` at ``scale`` device pixels per CSS pixel, with the
    table geometry (when there is a ``#t``) and every ``data-g`` element, boxes moved to the
    image's pixels."""
    page = ctx.page(scale, (1500, 1500))
    page.set_content(html)
    geo = page.evaluate(f"() => document.getElementById('t') ? ({GEOMETRY_JS})() : null")
    marked = page.evaluate(DOM_JS)
    wx1, wy1, wx2, wy2 = page.evaluate(
        "() => { const r = document.getElementById('wrap').getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; }"
    )
    clip = {"x": wx1, "y": wy1, "width": wx2 - wx1, "height": wy2 - wy1}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    for m in marked:
        b = m["box"]
        m["box"] = [
            (b[0] - wx1) * scale,
            (b[1] - wy1) * scale,
            (b[2] - wx1) * scale,
            (b[3] - wy1) * scale,
        ]
    if geo is not None:
        geo["origin"] = (wx1, wy1)
    return image, geo, marked


def el(tag: str, text: str | None = None, inner: str | None = None, **attrs: object) -> str:
    """One SVG element with every attribute quoted (``font_size`` is written ``font-size``,
    ``data_g`` ``data-g``; floats to two decimals); ``text`` is escaped, ``inner`` is markup."""
    out = []
    for key, v in attrs.items():
        shown = f"{v:.2f}" if isinstance(v, float) else str(v)
        out.append(f'{key.replace("_", "-")}="{esc(shown)}"')
    head = f"<{tag} {' '.join(out)}"
    body = esc(text) if text is not None else inner
    return f"{head} />" if body is None else f"{head}>{body}</{tag}>"


def svg(w: int, h: int, parts: Sequence[str]) -> str:
    return f"<svg width={w} height={h} xmlns='http://www.w3.org/2000/svg'>{''.join(parts)}</svg>"


def int_box(b: Sequence[float]) -> Box:
    return (
        int(math.floor(b[0])),
        int(math.floor(b[1])),
        int(math.ceil(b[2])),
        int(math.ceil(b[3])),
    )


def union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def ink_box(image: Image.Image, box: Box, level: int = 20) -> Box:
    """``box`` shrunk to the pixels in it that differ from the page (the top-left corner's
    colour) by more than ``level``: a panel's element is laid out wider than its drawing."""
    a = np.asarray(image, dtype=np.int16)
    x1, y1, x2, y2 = (
        max(0, box[0]),
        max(0, box[1]),
        min(image.width, box[2]),
        min(image.height, box[3]),
    )
    ink = np.abs(a[y1:y2, x1:x2] - a[0, 0]).max(axis=2) > level
    ys, xs = np.nonzero(ink)
    if not len(xs):
        return (x1, y1, x2, y2)
    return (
        x1 + int(xs.min()),
        y1 + int(ys.min()),
        x1 + int(xs.max()) + 1,
        y1 + int(ys.max()) + 1,
    )


def degrade_scan(image: Image.Image, r: random.Random, seed: int, factor: float) -> Image.Image:
    """A page as a cheap scan returns it: reduced by ``factor`` (with one of four resamplers),
    blurred, black lifted to grey on tinted paper, sensor noise, JPEG."""
    w, h = image.size
    resample = r.choice(
        [
            Image.Resampling.BOX,
            Image.Resampling.BILINEAR,
            Image.Resampling.BICUBIC,
            Image.Resampling.LANCZOS,
        ]
    )
    small = image.convert("L").resize(
        (max(16, round(w * factor)), max(16, round(h * factor))), resample
    )
    small = small.filter(ImageFilter.GaussianBlur(r.uniform(0.35, 0.9)))
    ink = np.array([r.randint(15, 60)] * 3, dtype=np.float32)
    paper = np.array([r.randint(236, 252), r.randint(232, 248), r.randint(220, 240)], np.float32)
    v = np.asarray(small, dtype=np.float32)[..., None] / 255.0
    arr = ink + v * (paper - ink)
    arr = arr + np.random.default_rng(seed).normal(0, r.uniform(1.5, 5.0), arr.shape[:2])[..., None]
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=r.randint(40, 78))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


# ---------------------------------------------------------------- report tables


def _report_table_html(r: random.Random) -> tuple[str, int, str]:
    """A report table: two-level headers with a hairline under each group (mostly), hairlines
    between body rows, indented sub-rows, a bold total row; caption above, notes below."""
    two_level = r.random() < 0.8
    n_groups = r.choice([2, 2, 3]) if two_level else 0
    per = r.choice([2, 3]) if two_level else 0
    n_val = n_groups * per if two_level else r.randint(3, 6)
    kinds = [r.choice(["int", "pct", "neg", "money", "plain"]) for _ in range(n_val)]
    subs = r.sample(MEASURE_NAMES, per if two_level else n_val)
    if r.random() < 0.4:  # units under some headers, on their own line
        subs = [f"{s}<br>{r.choice(UNITS)}" if r.random() < 0.5 else s for s in subs]
    groups = r.sample(GROUP_NAMES, n_groups)
    stub = r.choice(["Region", "Industry", "", "Area", "Sector"])
    hair = r.random() < 0.8
    upper = r.random() < 0.3
    line = r.choice(["#ccc", "#ddd", "#e4e4e4", "#bbb"])
    hairline = f"tbody tr + tr td {{ border-top: 1px solid {line}; }}" if hair else ""
    css = f"""
body {{ margin: 0; background: #fff; }}
#wrap {{ display: inline-block; padding: {r.randint(10, 24)}px {r.randint(12, 26)}px;
        font-family: '{r.choice(FONTS)}'; font-size: {r.choice([12, 13, 14, 15])}px;
        color: {r.choice(["#000", "#1a1a1a", "#333"])}; background: #fff; }}
.cap {{ font-weight: {r.choice([400, 700])}; margin-bottom: {r.randint(4, 10)}px;
        max-width: 640px; }}
.note {{ font-size: 0.8em; color: #444; margin-top: 4px; max-width: 640px; }}
table {{ border-collapse: collapse; border-top: {r.choice([1, 2])}px solid #000;
         border-bottom: {r.choice([1, 2])}px solid #000; }}
th, td {{ padding: {r.randint(2, 5)}px {r.randint(6, 12)}px; white-space: nowrap; }}
th {{ font-weight: {r.choice([700, 600, 400])}; vertical-align: bottom; }}
th.sub {{ text-align: {r.choice(["right", "center"])};
          {"text-transform: uppercase; font-size: .8em; letter-spacing: .04em;" if upper else ""} }}
th.grp {{ text-align: center; padding-bottom: 0; }}
th.grp span {{ display: block; border-bottom: 1px solid #000; padding-bottom: 2px; margin: 0 4px; }}
thead tr:last-child th {{ border-bottom: 1px solid #000; }}
td {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.l {{ text-align: left; }}
td.in {{ padding-left: {r.randint(18, 30)}px; }}
tr.par td {{ font-weight: 700; }}
tr.tot td {{ font-weight: 700; border-top: 1px solid #000; }}
{hairline}
"""
    rows = []
    if two_level:
        rows.append(
            f"<tr><th rowspan=2 style='text-align:left'>{esc(stub)}</th>"
            + "".join(f"<th class=grp colspan={per}><span>{g}</span></th>" for g in groups)
            + "</tr><tr>"
            + "".join(f"<th class=sub>{s}</th>" for _ in groups for s in subs)
            + "</tr>"
        )
    else:
        rows.append(
            f"<tr><th style='text-align:left'>{esc(stub)}</th>"
            + "".join(f"<th class=sub>{s}</th>" for s in subs)
            + "</tr>"
        )
    names = iter(r.sample(PLACES, len(PLACES)))
    parents = iter(r.sample(INDUSTRIES, len(INDUSTRIES)))
    body: list[str] = []
    n_body = r.randint(5, 12)
    while len(body) < n_body:
        if r.random() < 0.3 and len(body) + 3 <= n_body:
            cells = "".join(f"<td>{figure_number(r, k)}</td>" for k in kinds)
            body.append(f"<tr class=par><td class=l>{next(parents)}</td>{cells}</tr>")
            for _ in range(r.randint(2, 3)):
                cells = "".join(f"<td>{figure_number(r, k)}</td>" for k in kinds)
                body.append(f"<tr><td class='l in'>{next(names)}</td>{cells}</tr>")
        else:
            cells = "".join(f"<td>{figure_number(r, k)}</td>" for k in kinds)
            body.append(f"<tr><td class=l>{next(names)}</td>{cells}</tr>")
    if r.random() < 0.5:
        cells = "".join(f"<td>{figure_number(r, k)}</td>" for k in kinds)
        body.append(f"<tr class=tot><td class=l>{r.choice(TOTALS)}</td>{cells}</tr>")
    what = f"{r.choice(MEASURE_NAMES)} by {(stub or 'area').lower()}"
    cap = f"Table {r.randint(1, 12)}: {what}, {r.choice(YEARS)}"
    notes = r.sample(
        [
            "Notes: Figures in brackets are negative.",
            "Source: Statistical office, annual survey.",
            "— not available; n.a. not applicable.",
            "Estimates are provisional.",
        ],
        r.randint(0, 2),
    )
    html = (
        f"<!DOCTYPE html><html><head><style>{css}</style></head><body><div id=wrap>"
        + (f"<div class=cap>{cap}</div>" if r.random() < 0.8 else "")
        + f"<table id=t><thead>{''.join(rows)}</thead><tbody>{''.join(body)}</tbody></table>"
        + "".join(f"<div class=note>{esc(n)}</div>" for n in notes)
        + "</div></body></html>"
    )
    return html, 2 if two_level else 1, "hairlines" if hair else "booktabs"


def html_table_report(seed: int, ctx: Context) -> Sample:
    """A report table as a web page or a PDF viewer shows it, at 1-2 device pixels per CSS px."""
    r = rng("html_table_report", seed)
    page, n_header, look = _report_table_html(r)
    scale = r.choice([1.0, 1.0, 1.25, 1.5, 2.0])
    image, geo, _ = render(ctx, page, scale)
    table = table_from_geometry(geo, n_header, scale)
    gold = Layout(image.width, image.height, "table", table=table)
    return Sample("html_table_report", seed, image, gold, {"variant": look, "scale": scale})


# ---------------------------------------------------------------- scan-like tables


def _scan_table_html(r: random.Random, font_px: int) -> str:
    """A ruled grid with a bold header row and bold section rows spanning the table."""
    n_val = r.randint(3, 6)
    kinds = [r.choice(["int", "pct", "money", "neg"]) for _ in range(n_val)]
    heads = [r.choice(["District", "Area", "Unit", "Province"])] + r.sample(MEASURE_NAMES, n_val)
    rule = r.choice([2, 2, 3])
    shade_sec = r.choice(["transparent", "transparent", "#d8d8d8", "#e6e6e6"])
    shade_head = r.choice(["transparent", "transparent", "#e0e0e0"])
    css = f"""
body {{ margin: 0; background: #fff; }}
#wrap {{ display: inline-block; padding: {r.randint(14, 40)}px; background: #fff;
        font-family: '{r.choice(FONTS)}'; font-size: {font_px}px; color: #000; }}
.title {{ font-weight: 700; margin-bottom: {r.randint(6, 14)}px; }}
.foot {{ font-size: .8em; margin-top: 6px; }}
table {{ border-collapse: collapse; border: {rule + 1}px solid #000; }}
th, td {{ border: {rule}px solid #000; padding: {r.randint(4, 9)}px {r.randint(12, 26)}px;
         white-space: nowrap; }}
th {{ font-weight: 700; background: {shade_head}; text-align: {r.choice(["center", "right"])}; }}
th:first-child, td:first-child {{ text-align: left; }}
td {{ text-align: right; }}
tr.sec td {{ font-weight: 700; background: {shade_sec}; text-align: left;
            {"font-style: italic;" if r.random() < 0.2 else ""} }}
"""
    rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in heads) + "</tr>"]
    names = iter(r.sample(PLACES, len(PLACES)))
    for sec in r.sample(SECTION_NAMES, r.randint(2, 3)):
        rows.append(f"<tr class=sec><td colspan={n_val + 1}>{sec}</td></tr>")
        for _ in range(r.randint(2, 5)):
            rows.append(
                f"<tr><td>{next(names)}</td>"
                + "".join(f"<td>{figure_number(r, k)}</td>" for k in kinds)
                + "</tr>"
            )
    title = f"TABLE {r.randint(1, 30)}. {r.choice(MEASURE_NAMES).upper()} BY DISTRICT"
    foot = f"Source: Annual returns, {r.choice(YEARS)}."
    return (
        f"<!DOCTYPE html><html><head><style>{css}</style></head><body><div id=wrap>"
        + (f"<div class=title>{title}</div>" if r.random() < 0.5 else "")
        + f"<table id=t>{''.join(rows)}</table>"
        + (f"<div class=foot>{foot}</div>" if r.random() < 0.4 else "")
        + "</div></body></html>"
    )


def html_table_scan(seed: int, ctx: Context) -> Sample:
    """The scan-like table: drawn large, then reduced to about 400 px wide (text 8.5-13 px),
    blurred, greyed, noisy and JPEG'd; gold scaled by the same factor."""
    r = rng("html_table_scan", seed)
    font_px = r.randint(22, 30)
    page = _scan_table_html(r, font_px)
    image, geo, _ = render(ctx, page, 1.0)
    table = table_from_geometry(geo, 1, 1.0)
    f = min(max(r.randint(360, 440) / image.width, 8.5 / font_px), 13.0 / font_px)
    small = degrade_scan(image, r, seed, f)
    fx, fy = small.width / image.width, small.height / image.height
    table = map_table(table, lambda b: scale_xy(b, fx, fy))
    gold = Layout(small.width, small.height, "table", table=table)
    return Sample("html_table_scan", seed, small, gold, {"factor": round(f, 3)})


def scale_xy(box: Box, fx: float, fy: float) -> Box:
    if fx == fy:
        return scale_box(box, fx)
    return (
        round(box[0] * fx),
        round(box[1] * fy),
        round(box[2] * fx),
        round(box[3] * fy),
    )


# ---------------------------------------------------------------- figures


PALETTES = (
    ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"),
    ("#4477aa", "#ee6677", "#228833", "#ccbb44"),
    ("#000000", "#e69f00", "#56b4e9", "#009e73"),
    ("#5e3c99", "#e66101", "#fdb863", "#b2abd2"),
)


def _ticks(lo: float, hi: float, n: int) -> list[float]:
    step = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(step))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= step), default=step)
    start = math.ceil(lo / step) * step
    return [round(start + i * step, 10) for i in range(int((hi - start) / step + 1e-9) + 1)]


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) >= 0.01 or v == 0 else f"{v:.0e}"


def _svg_plot(r: random.Random, nrng: np.random.Generator, w: int, h: int) -> str:
    """A hand-written SVG plot filling w x h: lines, scatter, bars or a heatmap, on one of
    four looks (despined, boxed, tinted with white gridlines, light grey grid)."""
    look = r.choice(["despined", "boxed", "tinted", "grid"])
    kind = r.choice(["line", "scatter", "bars", "heat", "line"])
    pal = r.choice(PALETTES)
    fs = r.choice([9, 10, 11])
    left, bottom, top, right = fs * 3 + 6, fs * 2 + 8, 6, 8
    titled = r.random() < 0.4  # axis titles
    if titled:
        left += fs + 4
        bottom += fs + 4
    px0, py0, px1, py1 = left, top, w - right, h - bottom
    pw, ph = px1 - px0, py1 - py0
    parts: list[str] = []
    if look == "tinted":
        parts.append(el("rect", x=px0, y=py0, width=pw, height=ph, fill="#e5e5e5"))
    xs_t = _ticks(0, 10, r.randint(4, 6))
    lo, hi = sorted((float(nrng.uniform(-5, 5)), float(nrng.uniform(10, 100))))
    ys_t = _ticks(lo, hi, r.randint(3, 5))
    lo, hi = ys_t[0], ys_t[-1] if ys_t[-1] > ys_t[0] else ys_t[0] + 1

    def sx(v: float) -> float:
        return px0 + (v - xs_t[0]) / (xs_t[-1] - xs_t[0]) * pw

    def sy(v: float) -> float:
        return py1 - (v - lo) / (hi - lo) * ph

    grid = {"tinted": "#ffffff", "grid": "#d9d9d9"}.get(look)
    for t in xs_t:
        if grid and kind not in ("bars", "heat"):
            parts.append(el("line", x1=sx(t), y1=py0, x2=sx(t), y2=py1, stroke=grid))
        parts.append(
            el("text", _fmt(t), x=sx(t), y=py1 + fs + 4, font_size=fs, text_anchor="middle")
        )
    for t in ys_t:
        if grid and kind != "heat":
            parts.append(el("line", x1=px0, y1=sy(t), x2=px1, y2=sy(t), stroke=grid))
        y = sy(t) + fs * 0.35
        parts.append(el("text", _fmt(t), x=px0 - 4, y=y, font_size=fs, text_anchor="end"))
    n = int(nrng.integers(2, 4))
    if kind == "line":
        xs = np.linspace(xs_t[0], xs_t[-1], int(nrng.integers(8, 30)))
        for k in range(n):
            wave = np.sin(xs / nrng.uniform(1, 4) + k) * nrng.uniform(0.3, 1)
            ys = lo + (hi - lo) * (0.5 + 0.35 * wave)
            pts = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(xs, ys, strict=True))
            width = r.choice([1.2, 1.8, 2.5])
            parts.append(el("polyline", points=pts, fill="none", stroke=pal[k], stroke_width=width))
            if r.random() < 0.4:
                parts += [
                    el("circle", cx=sx(x), cy=sy(y), r=2.5, fill=pal[k])
                    for x, y in zip(xs, ys, strict=True)
                ]
    elif kind == "scatter":
        for k in range(n):
            for _ in range(int(nrng.integers(15, 50))):
                x, y = nrng.uniform(xs_t[0], xs_t[-1]), nrng.uniform(lo, hi)
                dot = r.choice([2, 3])
                parts.append(el("circle", cx=sx(x), cy=sy(y), r=dot, fill=pal[k], fill_opacity=0.8))
    elif kind == "bars":
        m = int(nrng.integers(3, 8))
        band = pw / m
        for i in range(m):
            top_y = sy(nrng.uniform(lo + (hi - lo) * 0.1, hi))
            x = px0 + band * (i + 0.15)
            parts.append(
                el("rect", x=x, y=top_y, width=band * 0.7, height=py1 - top_y, fill=pal[i % 2])
            )
    else:
        m, q = int(nrng.integers(5, 12)), int(nrng.integers(4, 9))
        cw, ch = pw / m, ph / q
        for i in range(m):
            for j in range(q):
                v = int(nrng.uniform(40, 250))
                colour = f"rgb({255 - v // 3},{255 - v // 2},{255 - v})"
                x, y = px0 + i * cw, py0 + j * ch
                parts.append(el("rect", x=x, y=y, width=cw + 0.5, height=ch + 0.5, fill=colour))
    axis = "#222"
    if look == "boxed" or (look == "tinted" and r.random() < 0.5):
        parts.append(el("rect", x=px0, y=py0, width=pw, height=ph, fill="none", stroke=axis))
    elif look in ("despined", "grid"):
        parts.append(el("line", x1=px0, y1=py1, x2=px1, y2=py1, stroke=axis))
        parts.append(el("line", x1=px0, y1=py0, x2=px0, y2=py1, stroke=axis))
    if titled:
        xlab = r.choice(["Time (s)", "Epoch", "Dose (mg)", "Year"])
        parts.append(el("text", xlab, x=px0 + pw / 2, y=h - 3, font_size=fs, text_anchor="middle"))
        cy = py0 + ph / 2
        turn = f"rotate(-90 {fs} {cy:.1f})"
        ylab = r.choice(["Accuracy", "Response", "Count", "Rate"])
        parts.append(
            el("text", ylab, x=fs, y=cy, font_size=fs, text_anchor="middle", transform=turn)
        )
    if kind in ("line", "scatter") and r.random() < 0.4:
        lx, ly = px1 - 70, py0 + 8
        for k in range(n):
            y = ly + k * (fs + 4)
            name = ["Model", "Baseline", "Control", "Ours"][k]
            parts.append(el("rect", x=lx, y=y, width=10, height=fs - 2, fill=pal[k]))
            parts.append(el("text", name, x=lx + 14, y=y + fs - 2, font_size=fs))
    return svg(w, h, parts)


def _mpl_plot(r: random.Random, nrng: np.random.Generator, w: int, h: int) -> str:
    """matplotlib's SVG of one plot, w x h CSS px, inlined as an image Chromium draws."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sheet = r.choice(["default", "ggplot", "seaborn-v0_8-whitegrid", "bmh", "classic"])
    with plt.style.context(sheet), plt.rc_context({"font.size": r.choice([7, 8, 9])}):
        fig, ax = plt.subplots(figsize=(w / 72, h / 72), dpi=72)
        what = r.choice(["line", "hist", "scatter", "bar"])
        if what == "line":
            x = np.linspace(0, 10, 50)
            for k in range(int(nrng.integers(1, 4))):
                ax.plot(x, np.cumsum(nrng.normal(0, 1, 50)) + k * 3, label=f"run {k + 1}")
            if r.random() < 0.5:
                ax.legend(fontsize=7)
        elif what == "hist":
            ax.hist(nrng.normal(0, 1, 400), bins=int(nrng.integers(10, 30)))
        elif what == "scatter":
            ax.scatter(nrng.normal(0, 1, 80), nrng.normal(0, 1, 80), s=8)
        else:
            ax.bar(range(5), nrng.uniform(1, 9, 5))
        fig.tight_layout(pad=0.3)
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
    data = base64.b64encode(buf.getvalue().encode()).decode()
    return f"<img src='data:image/svg+xml;base64,{data}' width={w} height={h}>"


def _figure_html(r: random.Random, nrng: np.random.Generator) -> tuple[str, dict[str, Any]]:
    fw = r.randint(640, 1150)
    gap = r.choice([4, 5, 6, 8, 10, 12, 20])
    vgap = r.choice([gap, gap, r.randint(4, 24)])
    shapes = (
        (3,),
        (2,),
        (1, 3),
        (2, 3),
        (3, 2),
        (2, 2),
        (1, 2),
        (3, 1),
        (2, 1, 3),
        (4, 2),
    )
    counts = r.choice(shapes)
    fam = r.choice(SANS)
    letter_form = r.choice(["{}", "({})", "{}.", "{})"])
    upper = r.random() < 0.5
    letters = r.random() < 0.8
    letter_pos = r.choice(["corner", "title", "above"])
    titles = r.random() < 0.6
    card = r.choice(["none", "none", "none", "border", "tint"])
    panels: list[str] = []
    k = 0
    rows_html = []
    for n in counts:
        rh = r.randint(160, 300)
        weights = [r.uniform(0.7, 1.6) for _ in range(n)]
        inner = fw - gap * (n - 1)
        ws = [int(inner * wt / sum(weights)) for wt in weights]
        cells = []
        for w in ws:
            ch = "abcdefghij"[k]
            letter = letter_form.format(ch.upper() if upper else ch) if letters else ""
            head_h = 0
            head = ""
            title = r.choice(
                [
                    "Training loss",
                    "Validation",
                    "Ablation",
                    "Dose response",
                    "Out of domain",
                    "Seasonal trend",
                    "Scaling",
                    "Error by group",
                ]
            )
            if titles or (letters and letter_pos != "corner"):
                text = title if titles else ""
                if letters and letter_pos == "title":
                    text = f"<b>{letter}</b> {text}"
                head_h = 18
                head = (
                    f"<div style='height:{head_h}px;font-size:12px;line-height:{head_h}px;"
                    f"text-align:{r.choice(['left', 'center'])};"
                    "white-space:nowrap;overflow:hidden'>"
                    + (f"<b>{letter}</b>" if letters and letter_pos == "above" else "")
                    + f"{text}</div>"
                )
            plot_h = rh - head_h
            plot = (
                _mpl_plot(r, nrng, w, plot_h)
                if r.random() < 0.35
                else _svg_plot(r, nrng, w, plot_h)
            )
            corner = (
                f"<div style='position:absolute;left:2px;top:{head_h}px;font-weight:700;"
                f"font-size:{r.choice([13, 14, 16])}px'>{letter}</div>"
                if letters and letter_pos == "corner"
                else ""
            )
            deco = {
                "none": "",
                "border": "outline:1px solid #cfcfcf;outline-offset:-1px;",
                "tint": "background:#f4f4f6;",
            }[card]
            cells.append(
                f"<div data-g=panel data-i={k} style='position:relative;width:{w}px;height:{rh}px;"
                f"{deco}'>{head}{plot}{corner}</div>"
            )
            panels.append(letter)
            k += 1
        rows_html.append(
            f"<div style='display:flex;gap:{gap}px;justify-content:center'>{''.join(cells)}</div>"
        )
    css = f"""body {{ margin: 0; background: #fff; }}
#wrap {{ display: inline-block; padding: {r.randint(4, 20)}px; background: #fff;
        font-family: '{fam}'; color: #111; }}
#grid {{ display: flex; flex-direction: column; gap: {vgap}px; width: {fw}px; }}
svg text {{ font-family: '{fam}'; fill: #222; }}
.ftitle {{ font-size: {r.choice([14, 16, 18])}px; font-weight: 700; text-align: center;
          margin-bottom: 8px; }}
.fcap {{ font-size: 12px; margin-top: 10px; width: {fw}px; line-height: 1.35; }}
"""
    ftitle = r.random() < 0.4
    caption = r.random() < 0.3
    body = (
        (
            f"<div class=ftitle>Figure {r.randint(1, 9)}: {r.choice(FIGURE_TITLES)}</div>"
            if ftitle
            else ""
        )
        + f"<div id=grid>{''.join(rows_html)}</div>"
        + (
            f"<div class=fcap><b>Figure {r.randint(1, 9)}.</b> Panels show the measured response"
            " under each condition; shaded areas are 95% intervals, and every panel shares"
            " the same horizontal axis. Data from the second trial.</div>"
            if caption
            else ""
        )
    )
    html = f"<!DOCTYPE html><html><head><style>{css}</style></head><body><div id=wrap>{body}</div>"
    html += "</body></html>"
    info = {
        "rows": "+".join(map(str, counts)),
        "gap": gap,
        "card": card,
        "letters": letter_pos if letters else "none",
        "title": ftitle,
        "caption": caption,
    }
    return html, info


def html_figure(seed: int, ctx: Context) -> Sample:
    """A multi-panel figure laid out by the browser: rows of 1-4 panels of unequal widths and
    heights, narrow gaps, panel titles and letters; sometimes reduced and JPEG'd after."""
    r = rng("html_figure", seed)
    nrng = np.random.default_rng(r.randrange(2**32))
    page, info = _figure_html(r, nrng)
    scale = r.choice([1.0, 1.0, 1.0, 2.0])
    image, _, marked = render(ctx, page, scale)
    boxes = [
        ink_box(image, int_box(m["box"]))
        for m in sorted(marked, key=lambda m: m["i"])
        if m["g"] == "panel"
    ]
    if r.random() < 0.3:  # a figure cut out of a PDF page: reduced, JPEG'd
        f = r.uniform(0.6, 0.9)
        small = image.resize(
            (round(image.width * f), round(image.height * f)), Image.Resampling.LANCZOS
        )
        fx, fy = small.width / image.width, small.height / image.height
        image = jpeg(small, r.randint(60, 90))
        boxes = [scale_xy(b, fx, fy) for b in boxes]
        info["reduced"] = round(f, 2)
    panels = tuple(Subplot(k, b) for k, b in enumerate(boxes))
    gold = Layout(image.width, image.height, "figure", subplots=panels)
    return Sample("html_figure", seed, image, gold, info)


# ---------------------------------------------------------------- bar charts

STATISTA = ("#0d6cbf", "#1f3c6e", "#9ec3e6", "#f2a541")
PEW = ("#d1a730", "#a35e2a", "#6f8c3b", "#3d6a8c", "#8a8a8a")
CHARTQA_LIKE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f")


def _nice_max(v: float) -> float:
    mag = 10 ** math.floor(math.log10(v))
    return next(m * mag for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * mag >= v)


def _wrap(label: str, width_px: float, fs: int) -> list[str]:
    """Words onto lines no wider than ``width_px`` (0.55 em a character, as the sans fonts run)."""
    most = max(4, int(width_px / (0.55 * fs)))
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


@dataclass(frozen=True)
class ChartSpec:
    """What a bar chart shows and how it is drawn."""

    cats: list[str]
    series: list[str]
    values: np.ndarray
    horizontal: bool
    look: str
    palette: tuple[str, ...]
    pct: bool
    decimals: int

    def fmt(self, v: float) -> str:
        return f"{v:.{self.decimals}f}%" if self.pct else f"{v:,.{self.decimals}f}"


SERIES_NAMES = ["Men", "Women", "Ages 18-29", "Ages 65+", "Online", "In store", "Urban", "Rural"]
CHART_TITLES = [
    "Number of monthly active users",
    "Revenue by segment",
    "Share of adults who use each service",
    "Annual growth in sales",
    "Most popular activities online",
]


def _chart_spec(r: random.Random, style: str) -> ChartSpec:
    horizontal = style == "html_chart_bar" or (style == "html_chart_grouped" and r.random() < 0.35)
    n_series = r.randint(2, 4) if style == "html_chart_grouped" else 1
    if horizontal:
        cats = r.sample(LONG_CATS + BRANDS, r.randint(4, 10))
    elif style == "html_chart_grouped":
        cats = r.sample(BRANDS, r.randint(3, 7)) if r.random() < 0.5 else YEARS[-r.randint(3, 8) :]
    else:
        cats = r.choice(
            [
                YEARS[-r.randint(5, 15) :],
                r.sample(BRANDS, r.randint(4, 12)),
                r.sample(LONG_CATS, r.randint(4, 8)),
            ]
        )
    look = "pew" if (horizontal and r.random() < 0.6) or r.random() < 0.2 else "statista"
    palette = PEW if look == "pew" else r.choice([STATISTA, CHARTQA_LIKE])
    series = r.sample(SERIES_NAMES, n_series)
    pct = r.random() < 0.5
    top = r.uniform(20, 100) if pct else r.uniform(5, 5000)
    values = np.round(
        np.array([[r.uniform(0.08, 1.0) * top for _ in cats] for _ in range(n_series)]), 1
    )
    decimals = 0 if (not pct and top > 200) or r.random() < 0.4 else 1
    return ChartSpec(cats, series, values, horizontal, look, palette, pct, decimals)


def _legend(spec: ChartSpec, x: float, y: float, fs: int, dots: bool) -> list[str]:
    parts = []
    for k, s in enumerate(spec.series):
        if dots:
            parts.append(el("circle", cx=x + 6, cy=y + 6, r=6, fill=spec.palette[k]))
        else:
            parts.append(el("rect", x=x, y=y, width=11, height=11, fill=spec.palette[k]))
        parts.append(el("text", s, x=x + 16, y=y + 10, font_size=fs))
        x += 30 + int(len(s) * fs * 0.6)
    return parts


def _bar_and_value(
    spec: ChartSpec, i: int, k: int, box: tuple[float, float, float, float], fs: int, inside: bool
) -> list[str]:
    """Bar ``k`` of category ``i`` (marked for the gold) and its value label."""
    x, y, w, h = box
    v = spec.fmt(float(spec.values[k][i]))
    fill = spec.palette[k]
    parts = [el("rect", data_g="bar", data_i=i, data_k=k, x=x, y=y, width=w, height=h, fill=fill)]
    if spec.horizontal:
        vfs = min(fs, int(h * 0.9))
        if vfs >= 7:
            parts.append(el("text", v, x=x + w + 4, y=y + h / 2 + vfs * 0.35, font_size=vfs))
        return parts
    vfs = min(fs - 1, int(w / max(3, len(v)) * 1.7))
    if vfs < 7:
        return parts
    mid = x + w / 2
    if inside and h > vfs + 8:
        parts.append(
            el("text", v, x=mid, y=y + vfs + 3, font_size=vfs, text_anchor="middle", fill="#fff")
        )
    else:
        parts.append(el("text", v, x=mid, y=y - 4, font_size=vfs, text_anchor="middle"))
    return parts


def _category_label(
    spec: ChartSpec, i: int, at: float, base: float, fs: int, rot: bool, lines: list[str]
) -> str:
    """Category ``i``'s label (marked for the gold): at the left of horizontal bars, under
    vertical ones turned 45 degrees or wrapped onto lines."""
    label = spec.cats[i]
    if spec.horizontal:
        return el(
            "text", label, data_g="label", data_i=i, x=base - 8, y=at + fs * 0.35,
            font_size=fs, text_anchor="end",
        )  # fmt: skip
    if rot:
        turn = f"rotate(-45 {at:.2f} {base + 14})"
        return el(
            "text", label, data_g="label", data_i=i, x=at, y=base + 14, font_size=fs,
            text_anchor="end", transform=turn,
        )  # fmt: skip
    spans = "".join(
        f'<tspan x="{at:.2f}" dy="{0 if j == 0 else fs + 3}">{esc(line)}</tspan>'
        for j, line in enumerate(lines)
    )
    return el(
        "text", inner=spans, data_g="label", data_i=i, data_t=label, x=at, y=base + fs + 6,
        font_size=fs, text_anchor="middle",
    )  # fmt: skip


def _chart_html(r: random.Random, spec: ChartSpec) -> tuple[str, dict[str, Any]]:
    """An SVG bar chart on a page: title, legend, gridlines, bars marked for the gold, value
    labels, category labels (wrapped or turned 45 degrees), a source line."""
    n, n_series, statista = len(spec.cats), len(spec.series), spec.look == "statista"
    W = r.choice([800, 800, 640, 700, 900]) if statista else r.choice([560, 640, 700])
    H = r.randint(420, 620)
    fs = r.choice([11, 12, 13])
    fam = r.choice(SANS)
    parts: list[str] = []
    y = 8
    if r.random() < 0.7:
        parts.append(el("text", r.choice(CHART_TITLES), x=12, y=y + 16, font_size=17,
                        font_weight=700))  # fmt: skip
        y += 24
        if r.random() < 0.5:
            sub = "% of respondents" if spec.pct else "in millions"
            parts.append(el("text", sub, x=12, y=y + 13, font_size=12, fill="#666"))
            y += 20
    legend_below = n_series > 1 and r.random() >= 0.6
    if n_series > 1 and not legend_below:
        parts += _legend(spec, 12, y + 6, fs, dots=False)
        y += 26
    foot_h = 34 + (22 if legend_below else 0)
    rot = not spec.horizontal and (r.random() < 0.35 or n > 10)
    wrapped = [_wrap(c, (W - 80) / n * 0.95, fs) for c in spec.cats]
    if spec.horizontal:
        px0, px1 = 24 + max(len(c) for c in spec.cats) * fs * 0.56, W - 60
        py0, py1 = y + 10, H - foot_h
    else:
        longest = max(len(c) for c in spec.cats)
        label_h = longest * fs * 0.45 + 10 if rot else max(map(len, wrapped)) * (fs + 3) + 8
        px0 = 60 if statista else 20
        px1 = W - 20 - (46 if statista and r.random() < 0.5 else 0)  # Statista's side buttons
        py0, py1 = y + 16, H - foot_h - label_h
    parts += _value_axis(r, spec, (px0, py0, px1, py1), fs)
    band = ((py1 - py0) if spec.horizontal else (px1 - px0)) / n
    fill = r.uniform(0.55, 0.8) if n_series == 1 else r.uniform(0.7, 0.9)
    bw = band * fill / n_series
    inside = r.random() < 0.3 and n_series == 1
    vmax = _value_max(spec)
    for i in range(n):
        for k in range(n_series):
            v = float(spec.values[k][i])
            off = band * (1 - fill) / 2 + k * bw
            if spec.horizontal:
                box = (px0, py0 + i * band + off, v / vmax * (px1 - px0), bw)
            else:
                bh = v / vmax * (py1 - py0)
                box = (px0 + i * band + off, py1 - bh, bw, bh)
            parts += _bar_and_value(spec, i, k, box, fs, inside)
        at = (py0 if spec.horizontal else px0) + (i + 0.5) * band
        parts.append(_category_label(spec, i, at, px0 if spec.horizontal else py1, fs, rot,
                                     wrapped[i]))  # fmt: skip
    if spec.horizontal:
        parts.append(el("line", x1=px0, y1=py0, x2=px0, y2=py1, stroke="#333"))
    else:
        parts.append(el("line", x1=px0, y1=py1, x2=px1, y2=py1, stroke="#333"))
    if legend_below:
        parts += _legend(spec, px0, H - 50, fs, dots=True)
    parts += _chart_footer(r, spec, W, H, py0, side_buttons=px1 < W - 40)
    html = (
        "<!DOCTYPE html><html><head><style>body { margin: 0; } #wrap { display: inline-block;"
        f" background: #fff; font-family: '{fam}'; }}</style></head><body><div id=wrap>"
        f"{svg(W, H, parts)}</div></body></html>"
    )
    variant = spec.look + (" horizontal" if spec.horizontal else "") + (" rot45" if rot else "")
    return html, {"variant": variant}


def _value_max(spec: ChartSpec) -> float:
    return _nice_max(float(spec.values.max()) * 1.08)


def _value_axis(
    r: random.Random, spec: ChartSpec, plot: tuple[float, float, float, float], fs: int
) -> list[str]:
    """Gridlines at even steps of the value axis, and Statista's value tick labels."""
    px0, py0, px1, py1 = plot
    vmax = _value_max(spec)
    grid = spec.look == "statista" or r.random() < 0.3
    steps = r.choice([4, 5])
    dash = r.choice([None, "3 3"])
    extra: dict[str, object] = {"stroke_dasharray": dash} if dash else {}
    parts = []
    for t in (vmax * s / steps for s in range(steps + 1)):
        if spec.horizontal:
            x = px0 + t / vmax * (px1 - px0)
            if grid:
                parts.append(el("line", x1=x, y1=py0, x2=x, y2=py1, stroke="#dcdcdc", **extra))
            continue
        y = py1 - t / vmax * (py1 - py0)
        if grid:
            parts.append(el("line", x1=px0, y1=y, x2=px1, y2=y, stroke="#dcdcdc", **extra))
        if spec.look == "statista":
            tick = f"{t:g}%" if spec.pct else f"{t:,.0f}"
            parts.append(
                el("text", tick, x=px0 - 8, y=y + 4, font_size=fs - 1, text_anchor="end",
                   fill="#555")
            )  # fmt: skip
    return parts


def _chart_footer(
    r: random.Random, spec: ChartSpec, W: int, H: int, py0: float, side_buttons: bool
) -> list[str]:
    """Statista's copyright, link and side buttons, or Pew's source line and brand."""
    if spec.look != "statista":
        source = f"Source: Survey of adults, {r.choice(YEARS[-6:])}."
        return [
            el("text", source, x=12, y=H - 24, font_size=10, fill="#777"),
            el("text", "PEW RESEARCH CENTER", x=12, y=H - 8, font_size=11, font_weight=700),
        ]
    year = r.choice(YEARS[-5:])
    parts = [
        el("text", f"© Statista {year}", x=W - 12, y=H - 10, font_size=11, text_anchor="end",
           fill="#555"),
        el("text", "Additional Information", x=12, y=H - 10, font_size=11, fill="#0d6cbf"),
    ]  # fmt: skip
    if side_buttons:
        for j in range(r.randint(4, 6)):
            y = py0 + j * 40
            parts.append(el("rect", x=W - 46, y=y, width=32, height=32, rx=4, fill="#f0f2f5"))
            parts.append(el("circle", cx=W - 30, cy=y + 16, r=6, fill="#8a99a8"))
    return parts


def _chart_sample(style: str, seed: int, ctx: Context) -> Sample:
    r = rng(style, seed)
    spec = _chart_spec(r, style)
    page, info = _chart_html(r, spec)
    scale = r.choice([1.0, 1.0, 1.0, 1.25])
    image, _, marked = render(ctx, page, scale)
    n_series = len(spec.series)
    bars: dict[tuple[int, int], Box] = {
        (m["i"], m["k"]): int_box(m["box"]) for m in marked if m["g"] == "bar"
    }
    labels = {m["i"]: int_box(m["box"]) for m in marked if m["g"] == "label"}
    if r.random() < 0.3:  # a chart saved as JPEG, as many are on the web
        image = jpeg(image, r.randint(55, 90))
        info["jpeg"] = True
    categories = []
    for i, c in enumerate(spec.cats):
        own = tuple(bars[(i, k)] for k in range(n_series))
        categories.append(Category(i, c, labels[i], union(own), None, own))
    chart_series = (
        tuple(Series(k, s, None, None) for k, s in enumerate(spec.series)) if n_series > 1 else ()
    )
    orient = "horizontal" if spec.horizontal else "vertical"
    chart = Chart("bar", orient, None, None, tuple(categories), chart_series)
    gold = Layout(image.width, image.height, "chart", chart=chart)
    qi, qk = r.randrange(len(spec.cats)), r.randrange(n_series)
    question = (
        f"What is the value of {spec.cats[qi]}?"
        if n_series == 1
        else f"What is the value for {spec.series[qk]} in {spec.cats[qi]}?"
    )
    extra = info | {
        "question": question,
        "answer": spec.fmt(float(spec.values[qk][qi])),
        "answer_bar_bbox": list(bars[(qi, qk)]),
        "scale": scale,
    }
    return Sample(style, seed, image, gold, extra)


def html_chart_column(seed: int, ctx: Context) -> Sample:
    """Vertical bars in Statista's look (value labels, gridlines, wrapped or turned labels)."""
    return _chart_sample("html_chart_column", seed, ctx)


def html_chart_bar(seed: int, ctx: Context) -> Sample:
    """Horizontal bars, mostly in Pew's look (labels at the left, values at the bars' ends)."""
    return _chart_sample("html_chart_bar", seed, ctx)


def html_chart_grouped(seed: int, ctx: Context) -> Sample:
    """Grouped bars (2-4 series) with a legend above or below the plot."""
    return _chart_sample("html_chart_grouped", seed, ctx)


HTML_STYLES: dict[str, Style] = {
    "html_table_report": Style(html_table_report, "table", "tables-report"),
    "html_table_scan": Style(html_table_scan, "table", "tables-scan"),
    "html_figure": Style(html_figure, "figure", "figures"),
    "html_chart_column": Style(html_chart_column, "chart", "charts"),
    "html_chart_bar": Style(html_chart_bar, "chart", "charts"),
    "html_chart_grouped": Style(html_chart_grouped, "chart", "charts"),
}
