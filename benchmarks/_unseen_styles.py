"""Independent generators of the image styles issue 9's hidden sets hold, with gold layouts.

Written apart from the detectors and from the development generators, so that
what is tuned on those is measured on something else: report tables rendered by
a browser (booktabs-like or light grids, two-level headers, indented row labels,
notes), small scan-like ruled tables with bold section rows, multi-panel figures
as matplotlib lays them out (mosaics with unequal rows, suptitles, panel letters,
despined or ggplot-framed panels) and as papers paste finished charts, and bar
charts in the look of ChartQA's test set (one colour, value labels, long labels,
45-degree labels, grouped with legends).

Every generator is a function ``(seed, context) -> Sample``: the same seed gives
the same image and gold. Gold follows the development sets' conventions
(``layout-schema``): column and row boundaries in the middle of the gaps or on
the rules, header text of stacked header cells joined with one space, a panel is
its axes with everything drawn for it (ticks, labels, its letter), a category's
bar box is its bars' union.
"""

from __future__ import annotations

import io
import math
import os
import random
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from refocus_dsl.layout import (
    Box,
    Category,
    Cell,
    Chart,
    Column,
    Layout,
    Row,
    Series,
    Subplot,
    Table,
)

# ---------------------------------------------------------------- common


class RendererMissing(Exception):
    """A style's renderer (Chromium, a data folder) is not available here; the style is skipped."""


@dataclass(frozen=True)
class Sample:
    """One generated image, its gold layout and the manifest extras a scorer reads."""

    style: str
    seed: int
    image: Image.Image
    gold: Layout
    extra: dict[str, Any] = field(default_factory=dict)


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
"""Browsers the report tables are rendered with (the first on PATH), unless $CHROMIUM names one."""


LAUNCH_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""Chromium runs headless, offline and quiet (Playwright gives it a new empty profile)."""


@dataclass
class Context:
    """What generators share over a run: the data folder and a lazily started browser."""

    data: Path
    _browser: Any = None
    _pw: Any = None
    _pages: dict[tuple[float, int, int], Any] = field(default_factory=dict)

    def page(self, scale: float = 1.0, size: tuple[int, int] = (1200, 900)) -> Any:
        """A headless Chromium page (Playwright) of ``size`` CSS pixels, ``scale`` device
        pixels per CSS pixel; the browser is started on first use."""
        if self._browser is None:
            self._start()
        key = (scale, *size)
        if key not in self._pages:
            self._pages[key] = self._browser.new_page(
                viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale
            )
        return self._pages[key]

    def _start(self) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise RendererMissing("playwright is not installed (pip install playwright)") from None
        chromium = os.environ.get("CHROMIUM") or next(
            (p for n in CHROMIUM_NAMES if (p := shutil.which(n))), None
        )
        if chromium is None:
            raise RendererMissing(
                f"no Chromium on PATH ({', '.join(CHROMIUM_NAMES)}; or set CHROMIUM)"
            )
        from playwright.sync_api import Error as PlaywrightError

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=chromium, args=list(LAUNCH_FLAGS)
            )
        except PlaywrightError as exc:
            self._pw.stop()
            self._pw = None
            raise RendererMissing(
                f"cannot start {chromium}: {exc.message.splitlines()[0]}"
            ) from None

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._pw.stop()
            self._browser = self._pw = None
            self._pages.clear()


def rng_for(style: str, seed: int) -> random.Random:
    return random.Random(f"unseen:{style}:{seed}")


@lru_cache(maxsize=32)
def font_file(family: str, bold: bool = False) -> str:
    """The machine's file for a font family (fontconfig's match; matplotlib's DejaVu without it)."""
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", f"{family}:bold" if bold else family],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found and Path(found).is_file():
        return found
    from matplotlib import font_manager

    return str(
        font_manager.findfont(
            font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
        )
    )


@lru_cache(maxsize=32)
def font(family: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_file(family, bold), size)


@lru_cache(maxsize=16)
def mpl_family(family: str) -> str:
    """Register the family's regular and bold files with matplotlib (its own font list may
    predate the fonts installed) and return the name matplotlib knows it by."""
    from matplotlib import font_manager

    for bold in (False, True):
        font_manager.fontManager.addfont(font_file(family, bold))
    return str(font_manager.FontProperties(fname=font_file(family)).get_name())


COUNTRIES = [
    "Austria",
    "Belgium",
    "Brazil",
    "Canada",
    "Chile",
    "Denmark",
    "Estonia",
    "Finland",
    "France",
    "Germany",
    "Greece",
    "Hungary",
    "India",
    "Ireland",
    "Italy",
    "Japan",
    "Kenya",
    "Mexico",
    "Norway",
    "Poland",
    "Portugal",
    "Spain",
    "Sweden",
    "Turkey",
    "Uganda",
    "Vietnam",
    "New Zealand",
    "South Africa",
    "United States",
    "United Kingdom",
]
MEASURES = [
    "Revenue",
    "Cost",
    "Margin",
    "Share",
    "Growth",
    "Users",
    "Sales",
    "Exports",
    "Imports",
    "Mean",
    "Median",
    "SD",
    "Total",
    "Change",
    "Rate",
    "Count",
    "Score",
    "Index",
]
GROUPS = ["Men", "Women", "Urban", "Rural", "Public", "Private", "Baseline", "Follow-up"]
SECTIONS = [
    "Agriculture",
    "Manufacturing",
    "Services",
    "Households",
    "Government",
    "Panel A",
    "Panel B",
    "Region North",
    "Region South",
    "Primary care",
    "Hospitals",
    "Exports total",
]
LONG_LABELS = [
    "Online shopping and delivery",
    "Streaming video services",
    "Public transport",
    "Social media platforms",
    "Banking and insurance",
    "Health and fitness apps",
    "News websites and blogs",
    "Video games and consoles",
    "Food delivery services",
    "Cloud storage providers",
    "Ride-hailing apps",
    "Smart home devices",
    "Messaging services",
    "Travel booking sites",
    "Music streaming",
]
ITEMS = [
    "Facebook",
    "YouTube",
    "Instagram",
    "TikTok",
    "WhatsApp",
    "Twitter",
    "Snapchat",
    "Pinterest",
    "LinkedIn",
    "Reddit",
    "Netflix",
    "Amazon",
    "Spotify",
    "Google",
    "Apple",
]


def number_text(r: random.Random, kind: str) -> str:
    if kind == "pct":
        return f"{r.uniform(0, 99):.1f}%"
    if kind == "int":
        return f"{r.randint(10, 99999):,}"
    if kind == "money":
        return f"${r.uniform(1, 999):.2f}"
    return f"{r.uniform(-9, 99):.2f}"


def _bounds(edges: Sequence[tuple[float, float]], lo: float, hi: float) -> list[int]:
    """Boundaries between consecutive (start, end) spans: midpoints of the gaps, ends at lo/hi."""
    out = [int(math.floor(lo))]
    for (_, e0), (s1, _) in zip(edges, edges[1:], strict=False):
        out.append(int(round((e0 + s1) / 2)))
    out.append(int(math.ceil(hi)))
    return out


def grid_table(
    bbox: Box,
    xs: Sequence[int],
    ys: Sequence[int],
    headers: Sequence[str],
    labels: Sequence[str],
    n_header: int,
    spanning_rows: Sequence[int] = (),
) -> Table:
    """A gold table from its column and row boundaries (boxes touch) and its names."""
    x1, y1, x2, y2 = bbox
    cols = tuple(Column(j, headers[j], (xs[j], y1, xs[j + 1], y2)) for j in range(len(xs) - 1))
    rows = tuple(
        Row(i, labels[i], i < n_header, (x1, ys[i], x2, ys[i + 1])) for i in range(len(ys) - 1)
    )
    cells: list[Cell] = []
    for i, row in enumerate(rows):
        if i in spanning_rows:
            cells.append(Cell(i, 0, row.label, (x1, row.bbox[1], x2, row.bbox[3]), 1, len(cols)))
            continue
        cells.append(
            Cell(i, 0, row.label, (cols[0].bbox[0], row.bbox[1], cols[0].bbox[2], row.bbox[3]))
        )
    return Table(bbox, cols, rows, tuple(cells))


def scale_box(box: Box, f: float) -> Box:
    return (
        int(round(box[0] * f)),
        int(round(box[1] * f)),
        int(round(box[2] * f)),
        int(round(box[3] * f)),
    )


# ---------------------------------------------------------------- report tables (Chromium)

_REPORT_CSS = """
body { margin: 0; background: #fff; }
#wrap { display: inline-block; padding: 18px 22px; font-family: '%(font)s'; font-size: %(size)spx;
        color: #111; }
.cap { margin-bottom: 8px; font-weight: %(capw)s; max-width: %(capmax)spx; }
.note { margin-top: 6px; font-size: 0.82em; color: #333; max-width: %(capmax)spx; }
table { border-collapse: collapse; }
td, th { padding: %(pv)spx %(ph)spx; white-space: nowrap; }
th { font-weight: %(thw)s; }
td.num, th.num { text-align: right; }
td.lab { text-align: left; }
td.ind { padding-left: %(indent)spx; }
tr.parent td.lab { font-weight: 600; }
"""
_BOOKTABS_CSS = """
table { border-top: 2px solid #000; border-bottom: 2px solid #000; }
thead tr:last-child th { border-bottom: 1px solid #000; }
th.grp { background: linear-gradient(#000, #000) no-repeat center bottom / calc(100%% - 10px) 1px; }
"""
_GRID_CSS = """
td, th { border: 1px solid %(line)s; }
thead th { background: %(head)s; }
tbody tr:nth-child(even) td { background: %(zebra)s; }
"""


def _report_html(r: random.Random) -> tuple[str, dict[str, Any]]:
    n_groups = r.choice([0, 2, 2, 3])
    per_group = r.choice([2, 2, 3])
    n_val = n_groups * per_group if n_groups else r.randint(3, 6)
    kinds = [r.choice(["pct", "int", "money", "float"]) for _ in range(n_val)]
    stub = r.choice(["Country", "Sector", "Characteristic", "Variable", "Region"])
    groups = r.sample(GROUPS, n_groups) if n_groups else []
    if n_groups:
        subs = r.sample(MEASURES, per_group)
        leaf = [s for _ in groups for s in subs]
    else:
        leaf = r.sample(MEASURES, n_val)
    # body: parents with indented children, or plain rows
    body: list[tuple[str, bool, bool]] = []  # (label, indented, parent)
    names = r.sample(SECTIONS + COUNTRIES[:12], 14)
    children = iter(r.sample(COUNTRIES[12:], len(COUNTRIES) - 12))
    n_body = r.randint(5, 12)
    while len(body) < n_body:
        name = names[len(body) % len(names)]
        if r.random() < 0.35 and len(body) + 3 <= n_body:
            body.append((name, False, True))
            for _ in range(r.randint(2, 3)):
                body.append((next(children), True, False))
        else:
            body.append((name, False, False))
    # unique labels keep the gold readable
    seen: dict[str, int] = {}
    fixed = []
    for lab, ind, par in body[:n_body]:
        seen[lab] = seen.get(lab, 0) + 1
        fixed.append((lab if seen[lab] == 1 else f"{lab} {seen[lab]}", ind, par))
    head = ["<thead>"]
    if n_groups:
        head.append(f"<tr><th rowspan=2 class=lab style='text-align:left'>{stub}</th>")
        head += [f"<th colspan={per_group} class=grp>{g}</th>" for g in groups]
        head.append("</tr><tr>")
        head += [f"<th class=num>{s}</th>" for s in leaf]
        head.append("</tr>")
    else:
        head.append(f"<tr><th style='text-align:left'>{stub}</th>")
        head += [f"<th class=num>{s}</th>" for s in leaf]
        head.append("</tr>")
    head.append("</thead><tbody>")
    for lab, ind, par in fixed:
        cls = "lab ind" if ind else "lab"
        tr = "<tr class=parent>" if par else "<tr>"
        vals = "".join(f"<td class=num>{number_text(r, k)}</td>" for k in kinds)
        head.append(f"{tr}<td class='{cls}'>{lab}</td>{vals}</tr>")
    head.append("</tbody>")
    caption = (
        f"Table {r.randint(1, 9)}. {r.choice(MEASURES)} by {stub.lower()}, {r.randint(2001, 2023)}"
    )
    notes = r.sample(
        [
            "Note: figures are rounded; totals may not add up.",
            "* p < 0.05; ** p < 0.01.",
            f"Source: national statistics office ({r.randint(2010, 2024)}).",
            "a Provisional estimate.",
        ],
        r.randint(1, 2),
    )
    style = r.choice(["booktabs", "booktabs", "grid"])
    params = {
        "font": r.choice(["Liberation Serif", "Liberation Sans", "DejaVu Sans", "DejaVu Serif"]),
        "size": r.choice([13, 14, 15, 16]),
        "capw": r.choice([400, 700]),
        "capmax": 700,
        "pv": r.choice([3, 4, 5]),
        "ph": r.choice([8, 10, 12]),
        "thw": r.choice([600, 700, 400]) if style == "booktabs" else 700,
        "indent": r.choice([22, 28, 34]),
        "line": r.choice(["#bbb", "#ccc", "#999"]),
        "head": r.choice(["#fff", "#f2f2f2", "#e8eef6"]),
        "zebra": r.choice(["#fff", "#fafafa", "#f4f6f8"]),
    }
    css = _REPORT_CSS + (_BOOKTABS_CSS if style == "booktabs" else _GRID_CSS)
    html = (
        f"<html><head><style>{css % params}</style></head><body><div id=wrap>"
        f"<div class=cap>{caption}</div><table id=t>{''.join(head)}</table>"
        + "".join(f"<div class=note>{n}</div>" for n in notes)
        + "</div></body></html>"
    )
    info = {"n_header": 2 if n_groups else 1, "style": style}
    return html, info


GEOMETRY_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect();
                    return [r.left, r.top, r.right, r.bottom]; };
  const t = document.getElementById('t');
  const rows = [...t.rows].map(tr => ({box: box(tr), cells: [...tr.cells].map(c => ({
      box: box(c), text: c.innerText.replace(/\\s+/g, ' ').trim(), col: c.cellIndex,
      colspan: c.colSpan, rowspan: c.rowSpan}))}));
  return {wrap: box(document.getElementById('wrap')), table: box(t), rows: rows};
}"""


def table_report(seed: int, ctx: Context) -> Sample:
    """A clean report table screenshotted from Chromium; gold read with getBoundingClientRect."""
    r = rng_for("table_report", seed)
    html, info = _report_html(r)
    return _report_sample("table_report", seed, ctx, html, info)


_PLAIN_CSS = {
    # hairline between every body row, a heavier rule above and below the table
    "hairlines": """
table { border-top: 2px solid #333; border-bottom: 2px solid #333; }
thead th { border-bottom: 1px solid #333; }
tbody td { border-bottom: 1px solid %(line)s; }
""",
    # whitespace only: no line anywhere, the header told apart by weight alone
    "open": "",
    # a dark header band with white text, zebra body, no lines
    "band": """
thead th { background: %(band)s; color: #fff; }
tbody tr:nth-child(even) td { background: %(zebra)s; }
""",
    # a full light grid
    "grid": """
td, th { border: 1px solid %(line)s; }
thead th { background: %(head)s; }
""",
}
_PLAIN_EXTRA_CSS = """
th.wrap { white-space: normal; max-width: %(hwrap)spx; vertical-align: bottom; }
td.wrap { white-space: normal; max-width: %(lwrap)spx; }
tr.total td { font-weight: 700; border-top: 1px solid #333; }
"""
LONG_HEADERS = [
    "Median household income (US$)",
    "Share of population (%)",
    "Change since 2010 (pp)",
    "Number of firms (thousands)",
    "Average hours worked per week",
    "Exports of goods (US$ bn)",
    "Unemployment rate, annual (%)",
    "Students per teacher",
]


def _plain_value(r: random.Random, kind: str) -> str:
    """A report table's value: sometimes missing, negative in brackets or with a unit."""
    u = r.random()
    if u < 0.05:
        return r.choice(["—", "n.a.", ".."])
    if kind == "brackets":
        v = r.uniform(-50, 80)
        return f"({-v:.1f})" if v < 0 else f"{v:.1f}"
    if kind == "signed":
        return f"{r.uniform(-9, 9):+.1f}"
    return number_text(r, kind)


def _report_plain_html(r: random.Random) -> tuple[str, dict[str, Any]]:
    """A single-header report table: rules, open, banded or gridded; long headers that wrap,
    long row labels that wrap, a bold total row, missing values and bracketed negatives."""
    look = r.choice(list(_PLAIN_CSS))
    n_val = r.randint(2, 7)
    kinds = [r.choice(["pct", "int", "money", "float", "brackets", "signed"]) for _ in range(n_val)]
    wrap_heads = r.random() < 0.5
    pool = MEASURES + (LONG_HEADERS if wrap_heads else [])
    leaf = r.sample(pool, n_val)
    stub = r.choice(["Country", "Sector", "Item", "Indicator", "Region", ""])
    wrap_labels = r.random() < 0.4
    n_body = r.randint(4, 14)
    pool_lab = COUNTRIES + SECTIONS + (LONG_LABELS + LONG_HEADERS if wrap_labels else [])
    labels = r.sample(pool_lab, n_body)
    total = r.random() < 0.4
    if total:
        labels[-1] = r.choice(["Total", "All countries", "Average", "World"])
    head = ["<thead><tr>", f"<th style='text-align:left'>{stub}</th>"]
    for h in leaf:
        cls = "num wrap" if len(h) > 14 else "num"
        head.append(f"<th class='{cls}'>{h}</th>")
    head.append("</tr></thead><tbody>")
    for i, lab in enumerate(labels):
        tr = "<tr class=total>" if total and i == n_body - 1 else "<tr>"
        cls = "lab wrap" if len(lab) > 18 else "lab"
        vals = "".join(f"<td class=num>{_plain_value(r, k)}</td>" for k in kinds)
        head.append(f"{tr}<td class='{cls}'>{lab}</td>{vals}</tr>")
    head.append("</tbody>")
    caption = f"Table {r.randint(1, 30)}: {r.choice(LONG_HEADERS)}, {r.randint(2001, 2023)}"
    notes = r.sample(
        [
            "Note: — not available; figures in brackets are negative.",
            f"Source: annual survey ({r.randint(2010, 2024)}).",
            "Totals may not add up because of rounding.",
        ],
        r.randint(0, 2),
    )
    params = {
        "font": r.choice(["Liberation Serif", "Liberation Sans", "DejaVu Sans", "DejaVu Serif"]),
        "size": r.choice([12, 13, 14, 15, 16]),
        "capw": r.choice([400, 700]),
        "capmax": 640,
        "pv": r.choice([2, 3, 4, 6]),
        "ph": r.choice([6, 8, 10, 14]),
        "thw": 400 if look == "open" and r.random() < 0.3 else 700,
        "indent": 24,
        "line": r.choice(["#bbb", "#ccc", "#999", "#ddd"]),
        "head": r.choice(["#fff", "#f2f2f2", "#e8eef6"]),
        "zebra": r.choice(["#f4f6f8", "#eeeeee", "#eef3f9"]),
        "band": r.choice(["#1f3b5a", "#2f5f8f", "#444444", "#0b6e4f"]),
        "hwrap": r.choice([90, 110, 130]),
        "lwrap": r.choice([140, 170]),
    }
    css = _REPORT_CSS + _PLAIN_CSS[look] + _PLAIN_EXTRA_CSS
    html = (
        f"<html><head><style>{css % params}</style></head><body><div id=wrap>"
        + (f"<div class=cap>{caption}</div>" if r.random() < 0.7 else "")
        + f"<table id=t>{''.join(head)}</table>"
        + "".join(f"<div class=note>{n}</div>" for n in notes)
        + "</div></body></html>"
    )
    return html, {"n_header": 1, "style": look}


def table_report_plain(seed: int, ctx: Context) -> Sample:
    """A clean single-header report table (no two-level header), screenshotted from Chromium."""
    r = rng_for("table_report_plain", seed)
    html, info = _report_plain_html(r)
    return _report_sample("table_report_plain", seed, ctx, html, info)


def _report_sample(style: str, seed: int, ctx: Context, html: str, info: dict[str, Any]) -> Sample:
    """The page's screenshot and its gold table read from the DOM (boxes touch mid-gap)."""
    page = ctx.page()
    page.set_content(html)
    geo = page.evaluate(GEOMETRY_JS)
    wx1, wy1, wx2, wy2 = geo["wrap"]
    clip = {"x": wx1, "y": wy1, "width": wx2 - wx1, "height": wy2 - wy1}
    image = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    geo["origin"] = (wx1, wy1)
    table = table_from_geometry(geo, info["n_header"])
    gold = Layout(image.width, image.height, "table", table=table)
    return Sample(style, seed, image, gold, {"variant": info["style"]})


def table_from_geometry(geo: dict[str, Any], n_header: int, scale: float = 1.0) -> Table:
    """The gold table of a rendered ``<table id=t>`` (``GEOMETRY_JS``'s reading, ``origin`` the
    screenshot's top-left), in image pixels at ``scale`` device pixels per CSS pixel: boundaries
    mid-gap, a column's header its header cells' text joined, a row's label its first cell's,
    a body row held by one cell across the table a spanning row."""
    ox, oy = geo["origin"]
    # resolve the grid: occupy[(row, col)] = cell, with row/col spans
    occupied: dict[tuple[int, int], dict[str, Any]] = {}
    for i, row in enumerate(geo["rows"]):
        j = 0
        for cell in row["cells"]:
            while (i, j) in occupied:
                j += 1
            for di in range(cell["rowspan"]):
                for dj in range(cell["colspan"]):
                    occupied[(i + di, j + dj)] = cell
            j += cell["colspan"]
    n_rows = len(geo["rows"])
    n_cols = 1 + max(j for _, j in occupied)
    col_edges = []
    for j in range(n_cols):
        singles = [c["box"] for (i, jj), c in occupied.items() if jj == j and c["colspan"] == 1]
        col_edges.append(
            ((min(b[0] for b in singles) - ox) * scale, (max(b[2] for b in singles) - ox) * scale)
        )
    row_edges = [((rw["box"][1] - oy) * scale, (rw["box"][3] - oy) * scale) for rw in geo["rows"]]
    tx1, ty1, tx2, ty2 = geo["table"]
    tbox: Box = (
        int(math.floor((tx1 - ox) * scale)),
        int(math.floor((ty1 - oy) * scale)),
        int(math.ceil((tx2 - ox) * scale)),
        int(math.ceil((ty2 - oy) * scale)),
    )
    xs = _bounds(col_edges, tbox[0], tbox[2])
    ys = _bounds(row_edges, tbox[1], tbox[3])
    headers = []
    for j in range(n_cols):
        parts: list[str] = []
        for i in range(n_header):
            text = occupied[(i, j)]["text"]
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        headers.append(" ".join(parts))
    labels = [occupied[(i, 0)]["text"] for i in range(n_rows)]
    spanning = [
        i
        for i, row in enumerate(geo["rows"])
        if i >= n_header and len(row["cells"]) == 1 and row["cells"][0]["colspan"] == n_cols > 1
    ]
    return grid_table(tbox, xs, ys, headers, labels, n_header, spanning)


# ---------------------------------------------------------------- scan-like tables (Pillow)


@dataclass(frozen=True)
class ScanPage:
    """A ruled table drawn at about 2.5x a scan's size (grey levels) and its gold there."""

    image: Image.Image
    table: Table
    size: int
    """The text's font size in pixels at drawing scale."""


def _scan_page(r: random.Random) -> ScanPage:
    """A ruled grid table with bold section rows spanning it, drawn large on white."""
    fam = r.choice(["Liberation Sans", "Liberation Serif", "DejaVu Sans", "DejaVu Serif"])
    size = r.randint(24, 30)  # drawn at about 2.5x, so 9-12 px once reduced
    reg, bold = font(fam, size), font(fam, size, bold=True)
    n_val = r.randint(3, 6)
    kinds = [r.choice(["pct", "int", "money", "float"]) for _ in range(n_val)]
    headers = [r.choice(["Item", "Category", "Country", "Group"])] + r.sample(MEASURES, n_val)
    sections = r.sample(SECTIONS, r.randint(2, 3))
    rows: list[tuple[str, list[str], bool]] = []  # (label, values, is_section)
    names = iter(r.sample(COUNTRIES, len(COUNTRIES)))
    for sec in sections:
        rows.append((sec, [], True))
        for _ in range(r.randint(2, 5)):
            rows.append((next(names), [number_text(r, k) for k in kinds], False))
    pad_x, pad_y = r.randint(12, 20), r.randint(8, 12)
    draw0 = ImageDraw.Draw(Image.new("L", (1, 1)))

    def width(text: str, f: ImageFont.FreeTypeFont) -> int:
        return int(math.ceil(draw0.textlength(text, font=f)))

    col_w = [max(width(headers[0], bold), *(width(lab, reg) for lab, v, s in rows if not s))]
    for j in range(n_val):
        col_w.append(
            max(width(headers[j + 1], bold), *(width(v[j], reg) for _, v, s in rows if not s))
        )
    col_w = [w + 2 * pad_x for w in col_w]
    sec_w = max(width(lab, bold) for lab, _, s in rows if s) + 2 * pad_x
    if sum(col_w) < sec_w:
        col_w[0] += sec_w - sum(col_w)
    line_h = size + 2 * pad_y + 4
    margin = r.randint(18, 40)
    W = sum(col_w) + 2 * margin
    H = line_h * (len(rows) + 1) + 2 * margin
    img = Image.new("L", (W, H), 255)
    d = ImageDraw.Draw(img)
    xs = [margin]
    for w in col_w:
        xs.append(xs[-1] + w)
    ys = [margin + k * line_h for k in range(len(rows) + 2)]
    rule = r.choice([2, 3])
    ink = r.randint(0, 50)
    for k, y in enumerate(ys):
        t = rule + 1 if k in (0, len(ys) - 1) else rule
        d.rectangle([xs[0], y - t // 2, xs[-1], y - t // 2 + t - 1], fill=ink)
    for j, x in enumerate(xs):
        t = rule + 1 if j in (0, len(xs) - 1) else rule
        for i in range(len(rows) + 1):
            if i > 0 and rows[i - 1][2] and 0 < j < len(xs) - 1:
                continue  # a section row spans the table: no inner rules through it
            d.rectangle([x - t // 2, ys[i], x - t // 2 + t - 1, ys[i + 1]], fill=ink)
    if r.random() < 0.5:  # light shading of section rows
        shade = r.randint(215, 235)
        for i, (_, _, is_sec) in enumerate(rows, 1):
            if is_sec:
                d.rectangle([xs[0] + 2, ys[i] + 2, xs[-1] - 2, ys[i + 1] - 2], fill=shade)
    text_ink = r.randint(0, 40)

    def put(text: str, f: ImageFont.FreeTypeFont, x0: int, x1: int, y0: int, align: str) -> None:
        w = width(text, f)
        x = x0 + pad_x if align == "left" else x1 - pad_x - w
        d.text((x, y0 + pad_y + 2), text, font=f, fill=text_ink)

    for j, h in enumerate(headers):
        put(h, bold, xs[j], xs[j + 1], ys[0], "left" if j == 0 else "right")
    for i, (lab, vals, is_sec) in enumerate(rows, 1):
        put(lab, bold if is_sec else reg, xs[0], xs[1], ys[i], "left")
        for j, v in enumerate(vals, 1):
            put(v, reg, xs[j], xs[j + 1], ys[i], "right")
    # gold at drawing scale: boundaries on the rules, table box the outer rules
    t_out = rule + 1
    tbox: Box = (
        xs[0] - t_out // 2,
        ys[0] - t_out // 2,
        xs[-1] - t_out // 2 + t_out,
        ys[-1] - t_out // 2 + t_out,
    )
    gx = [tbox[0], *xs[1:-1], tbox[2]]
    gy = [tbox[1], *ys[1:-1], tbox[3]]
    labels = [headers[0]] + [lab for lab, _, _ in rows]
    spanning = [i for i, (_, _, s) in enumerate(rows, 1) if s]
    return ScanPage(img, grid_table(tbox, gx, gy, headers, labels, 1, spanning), size)


def map_table(table: Table, move: Callable[[Box], Box]) -> Table:
    """The same table with every box moved by ``move`` (a scaling, turn or warp's bbox)."""
    return Table(
        move(table.bbox),
        tuple(Column(c.index, c.header, move(c.bbox)) for c in table.columns),
        tuple(Row(w.index, w.label, w.is_header, move(w.bbox)) for w in table.rows),
        tuple(
            Cell(c.row, c.col, c.text, move(c.bbox) if c.bbox else None, c.row_span, c.col_span)
            for c in table.cells
        ),
    )


def _tint_noise_jpeg(
    small: Image.Image,
    r: random.Random,
    seed: int,
    angle: float | None,
    quality: tuple[int, int] = (55, 85),
) -> tuple[Image.Image, float, tuple[int, int, int]]:
    """Paper tint, sensor noise, a slight turn (when ``angle`` is None, drawn at random)
    and JPEG, as a cheap scanner gives a grey page; returns the image, angle and tint."""
    tint = (r.randint(238, 252), r.randint(232, 246), r.randint(214, 235))
    arr = np.asarray(small, dtype=np.float32)[..., None] / 255.0 * np.array(tint, dtype=np.float32)
    nrng = np.random.default_rng(seed)
    arr = arr + nrng.normal(0, r.uniform(1.5, 4.0), arr.shape[:2])[..., None]
    rgb = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    if angle is None:
        angle = r.uniform(-0.5, 0.5) if r.random() < 0.5 else 0.0
    if angle:
        rgb = rgb.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=tint)
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=r.randint(*quality))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), angle, tint


def table_scan(seed: int, ctx: Context) -> Sample:
    """A small, soft, ruled table with bold section rows spanning it, as a scan gives it."""
    del ctx
    r = rng_for("table_scan", seed)
    page = _scan_page(r)
    W, H = page.image.size
    # reduce to about 400 px wide, text 8.5-13 px high: soft, as a low-dpi scan gives it
    f = min(max(r.randint(360, 440) / W, 8.5 / page.size), 13.0 / page.size)
    target_w = max(16, round(W * f))
    small = page.image.resize((target_w, max(16, round(H * f))), Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(r.uniform(0.4, 0.9)))
    image, angle, _ = _tint_noise_jpeg(small, r, seed, None)
    table = map_table(page.table, lambda b: scale_box(b, f))
    if angle:
        table = map_table(table, lambda b: rotate_box(b, angle, image.size))
    gold = Layout(image.width, image.height, "table", table=table)
    return Sample("table_scan", seed, image, gold, {"angle": round(angle, 2)})


def table_scan_soft(seed: int, ctx: Context) -> Sample:
    """The scan-like table at the soft end of what a scan gives: text 8-11 px high, blur
    0.8-1.2 px, grey ink (the drawing's black lifted to 40-90), JPEG quality 35-60."""
    del ctx
    r = rng_for("table_scan_soft", seed)
    page = _scan_page(r)
    W, H = page.image.size
    f = min(max(r.randint(360, 440) / W, 8.0 / page.size), 11.0 / page.size)
    small = page.image.resize(
        (max(16, round(W * f)), max(16, round(H * f))), Image.Resampling.BILINEAR
    )
    small = small.filter(ImageFilter.GaussianBlur(r.uniform(0.8, 1.2)))
    lift = r.randint(40, 90)  # faded toner: black prints as dark grey
    small = small.point(lambda v: lift + v * (255 - lift) // 255)
    image, angle, _ = _tint_noise_jpeg(small, r, seed, None, (35, 60))
    table = map_table(page.table, lambda b: scale_box(b, f))
    if angle:
        table = map_table(table, lambda b: rotate_box(b, angle, image.size))
    gold = Layout(image.width, image.height, "table", table=table)
    return Sample("table_scan_soft", seed, image, gold, {"angle": round(angle, 2)})


def _homography(src: Sequence[tuple[float, float]], dst: Sequence[tuple[float, float]]) -> Any:
    """The 3x3 projective map taking the four points ``src`` to ``dst``."""
    a, b = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    h = np.linalg.solve(np.array(a, dtype=float), np.array(b, dtype=float))
    return np.append(h, 1.0).reshape(3, 3)


def _warp_box(box: Box, hom: Any) -> Box:
    """The bounding box of ``box``'s four corners under the projective map ``hom``."""
    pts = (
        np.array(
            [[box[0], box[1], 1], [box[2], box[1], 1], [box[0], box[3], 1], [box[2], box[3], 1]],
            dtype=float,
        )
        @ hom.T
    )
    xs, ys = pts[:, 0] / pts[:, 2], pts[:, 1] / pts[:, 2]
    return (
        int(math.floor(xs.min())),
        int(math.floor(ys.min())),
        int(math.ceil(xs.max())),
        int(math.ceil(ys.max())),
    )


def table_scan_photo(seed: int, ctx: Context) -> Sample:
    """The scan-like table photographed: a slight perspective (corners pulled in by up to
    3.5%), light falling off across the page, 380-650 px wide, soft, tinted, JPEG'd."""
    del ctx
    r = rng_for("table_scan_photo", seed)
    page = _scan_page(r)
    W, H = page.image.size
    k = r.uniform(0.01, 0.035)
    src = [(0.0, 0.0), (W, 0.0), (W, H), (0.0, H)]
    sign = [(1, 1), (-1, 1), (-1, -1), (1, -1)]  # pulled inwards at each corner
    dst = [
        (x + sx * r.uniform(0, k) * W, y + sy * r.uniform(0, k) * H)
        for (x, y), (sx, sy) in zip(src, sign, strict=True)
    ]
    back = _homography(dst, src)  # Pillow asks, for each output pixel, where it comes from
    coeffs = tuple(float(c) for c in (back / back[2, 2]).flatten()[:8])
    warped = page.image.transform(
        (W, H), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor=255
    )
    fwd = _homography(src, dst)
    f = min(max(r.randint(380, 650) / W, 8.5 / page.size), 14.0 / page.size)
    small = warped.resize((max(16, round(W * f)), max(16, round(H * f))), Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 1.0)))
    # light falling off along one direction and towards the corners
    h, w = small.height, small.width
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = r.uniform(0, 2 * math.pi)
    ramp = ((xx / w - 0.5) * math.cos(t) + (yy / h - 0.5) * math.sin(t)) + 0.5
    vign = ((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2) * 2
    light = 1.0 - r.uniform(0.05, 0.25) * ramp - r.uniform(0.0, 0.15) * vign
    lit = Image.fromarray(np.clip(np.asarray(small, np.float32) * light, 0, 255).astype(np.uint8))
    image, _, _ = _tint_noise_jpeg(lit, r, seed, 0.0)
    table = map_table(page.table, lambda b: scale_box(_warp_box(b, fwd), f))
    gold = Layout(image.width, image.height, "table", table=table)
    return Sample("table_scan_photo", seed, image, gold, {"perspective": round(k, 3)})


def rotate_box(box: Box, angle: float, size: tuple[int, int]) -> Box:
    """The bounding box of ``box`` after Pillow's ``rotate(angle)`` about the image centre."""
    cx, cy = size[0] / 2, size[1] / 2
    a = math.radians(angle)
    pts = []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy  # Pillow turns counter-clockwise on screen
        pts.append(
            (cx + dx * math.cos(a) + dy * math.sin(a), cy - dx * math.sin(a) + dy * math.cos(a))
        )
    return (
        int(math.floor(min(p[0] for p in pts))),
        int(math.floor(min(p[1] for p in pts))),
        int(math.ceil(max(p[0] for p in pts))),
        int(math.ceil(max(p[1] for p in pts))),
    )


# ---------------------------------------------------------------- figures (matplotlib)

MOSAICS: tuple[tuple[str, ...], ...] = (
    ("AAA", "BCD"),  # one wide panel above three
    ("AAABBB", "CCDDEE"),  # two above three
    ("AB", "CC"),
    ("ABC", "DDE"),
    ("AB", "CD"),
    ("ABC",),
    ("AB",),
    ("A", "B"),
    ("AABB", "CDEF"),
)
LETTER_FORMS = ("{}", "({})", "{}.", "{})")


def _draw_panel(ax: Any, r: random.Random, nrng: np.random.Generator, framed: bool) -> None:
    """Random but plausible panel content: lines, scatter, bars, a heatmap or a histogram."""
    what = r.choice(["line", "line", "scatter", "bar", "heat", "hist"])
    x = np.linspace(0, 10, 40)
    if what == "line":
        for k in range(r.randint(1, 3)):
            ax.plot(x, np.cumsum(nrng.normal(0.2 * k, 1, x.size)), label=f"model {k + 1}")
        if r.random() < 0.4:
            ax.legend(fontsize=7, frameon=False)
    elif what == "scatter":
        ax.scatter(nrng.normal(0, 1, 60), nrng.normal(0, 1, 60), s=8)
    elif what == "bar":
        cats = r.sample(["A", "B", "C", "D", "E", "F"], r.randint(3, 6))
        ax.bar(cats, nrng.uniform(1, 10, len(cats)))
    elif what == "heat":
        ax.imshow(nrng.random((8, 10)), aspect="auto", cmap=r.choice(["viridis", "magma", "Blues"]))
    else:
        ax.hist(nrng.normal(0, 1, 300), bins=20)
    if r.random() < 0.6:
        ax.set_xlabel(r.choice(["epoch", "time (s)", "x", "dose (mg)", "year"]), fontsize=8)
    if r.random() < 0.6:
        ax.set_ylabel(r.choice(["accuracy", "loss", "y", "response", "count"]), fontsize=8)
    if r.random() < 0.3:
        ax.set_title(
            r.choice(["Training", "Validation", "Ablation", "Control", "Treated"]), fontsize=9
        )
    ax.tick_params(labelsize=7)
    if not framed and what != "heat":
        ax.spines[["top", "right"]].set_visible(False)


def _mpl_image(fig: Any) -> Image.Image:
    fig.canvas.draw()
    arr = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    return Image.fromarray(arr.copy(), "RGB")


def _figure(style: str, seed: int, framed: bool) -> Sample:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = rng_for(style, seed)
    nrng = np.random.default_rng(r.randrange(2**32))
    if style == "figure_boxed":
        sheet = r.choice(["boxed", "boxed_grid"])
    else:
        sheet = r.choice(["ggplot", "seaborn-v0_8-darkgrid", "framed"]) if framed else "default"
    rc: dict[str, Any] = {}
    if sheet == "framed":
        rc = {
            "axes.facecolor": "#eef0f4",
            "axes.grid": True,
            "grid.color": "white",
            "grid.linewidth": 1.0,
            "axes.edgecolor": "#222",
            "axes.linewidth": 1.0,
        }
    elif sheet == "boxed_grid":  # grey gridlines across a white plot, inside its frame
        rc = {"axes.grid": True, "grid.color": "#cccccc", "grid.linewidth": 0.8}
    if sheet in ("framed", "boxed", "boxed_grid"):
        sheets: list[Any] = ["default", rc]
    else:
        sheets = [sheet]
    sheets.append({"font.family": mpl_family(r.choice(["DejaVu Sans", "Liberation Sans"]))})
    for _attempt in range(6):
        mosaic = r.choice(MOSAICS)
        n_rows = len(mosaic)
        dpi = 100
        w_px = r.randint(640, 1100)
        h_px = int(sum(r.randint(190, 300) for _ in range(n_rows)))
        gap = r.randint(4, 10)
        with plt.style.context(sheets):
            fig = plt.figure(figsize=(w_px / dpi, h_px / dpi), dpi=dpi, layout="constrained")
            engine: Any = fig.get_layout_engine()
            engine.set(w_pad=gap / 2 / dpi, h_pad=gap / 2 / dpi, wspace=0, hspace=0)
            ratios = [r.uniform(0.7, 1.5) for _ in range(n_rows)]
            axd = fig.subplot_mosaic([list(row) for row in mosaic], height_ratios=ratios)
            names = sorted(axd)
            letter_form = r.choice(LETTER_FORMS)
            letters = r.random() < 0.75
            upper = r.random() < 0.5
            inside = r.random() < 0.4  # in the plot's top-left corner, else above its corner
            for k, name in enumerate(names):
                ax = axd[name]
                _draw_panel(ax, r, nrng, framed)
                if letters:
                    ch = "abcdefgh"[k].upper() if upper else "abcdefgh"[k]
                    ax.text(
                        0.03 if inside else -0.02,
                        0.96 if inside else 1.02,
                        letter_form.format(ch),
                        transform=ax.transAxes,
                        ha="left" if inside else "right",
                        va="top" if inside else "bottom",
                        fontsize=11,
                        fontweight="bold",
                    )
            if r.random() < 0.6:
                fig.suptitle(
                    r.choice(
                        [
                            "Figure 2: results across conditions",
                            "Performance of the proposed method",
                            "Effect of treatment over time",
                            "Comparison with baselines",
                        ]
                    ),
                    fontsize=12,
                )
            image = _mpl_image(fig)
            renderer: Any = fig.canvas.get_renderer()  # type: ignore[attr-defined]
            ink = ink_mask(image)
            boxes = [
                _grow_to_ink(_box_of(axd[name].get_tightbbox(renderer), image.height), ink)
                for name in names
            ]
            plt.close(fig)
        boxes = [
            (max(0, b[0]), max(0, b[1]), min(image.width, b[2]), min(image.height, b[3]))
            for b in boxes
        ]
        if _min_gap(boxes) >= 3:
            break
    panels = tuple(Subplot(k, b) for k, b in enumerate(_reading_order(boxes)))
    gold = Layout(image.width, image.height, "figure", subplots=panels)
    return Sample(
        style, seed, image, gold, {"mosaic": "/".join(mosaic), "gap": gap, "sheet": sheet}
    )


def ink_mask(image: Image.Image, level: int = 60) -> np.ndarray:
    """Pixels that differ clearly from the page (the top-left corner's colour)."""
    a = np.asarray(image, dtype=np.int16)
    return np.asarray(np.abs(a - a[0, 0]).max(axis=2) > level)


def _grow_to_ink(box: Box, ink: np.ndarray, most: int = 3) -> Box:
    """``box`` grown by up to ``most`` px on each side while the line outside it has ink:
    matplotlib's tight box leaves out half of a frame's stroke and its anti-aliasing."""
    x1, y1, x2, y2 = box
    h, w = ink.shape
    for _ in range(most):
        if x1 > 0 and ink[y1:y2, x1 - 1].any():
            x1 -= 1
        if x2 < w and ink[y1:y2, x2].any():
            x2 += 1
        if y1 > 0 and ink[y1 - 1, x1:x2].any():
            y1 -= 1
        if y2 < h and ink[y2, x1:x2].any():
            y2 += 1
    return (max(0, x1), max(0, y1), min(w, x2), min(h, y2))


def _min_gap(boxes: Sequence[Box]) -> int:
    """The smallest whitespace between two panel boxes (negative when they overlap)."""
    best = 10**6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            gx = max(b[0] - a[2], a[0] - b[2])
            gy = max(b[1] - a[3], a[1] - b[3])
            best = min(best, max(gx, gy))
    return best


def _reading_order(boxes: Sequence[Box]) -> list[Box]:
    """Row by row (a box starts a new row when it lies below the current row's top half)."""
    rest = sorted(boxes, key=lambda b: (b[1], b[0]))
    rows: list[list[Box]] = []
    for b in rest:
        if rows and b[1] < min(x[3] for x in rows[-1]) - 0.5 * min(x[3] - x[1] for x in rows[-1]):
            rows[-1].append(b)
        else:
            rows.append([b])
    return [b for row in rows for b in sorted(row, key=lambda b: b[0])]


def figure_mosaic(seed: int, ctx: Context) -> Sample:
    """Despined frameless panels in a matplotlib mosaic: narrow gaps, unequal rows, titles."""
    del ctx
    return _figure("figure_mosaic", seed, framed=False)


def figure_ggplot(seed: int, ctx: Context) -> Sample:
    """Framed panels whose plot area is tinted with full-width gridlines (ggplot, darkgrid)."""
    del ctx
    return _figure("figure_ggplot", seed, framed=True)


def figure_boxed(seed: int, ctx: Context) -> Sample:
    """matplotlib's default look: every panel boxed by its four spines on white, some with
    grey gridlines across the plot; narrow gaps, unequal rows, titles and letters."""
    del ctx
    return _figure("figure_boxed", seed, framed=True)


def _trim(image: Image.Image) -> Image.Image:
    """The image cut to its ink (what differs from the corner colour), one pixel of margin."""
    ys, xs = np.nonzero(ink_mask(image, 30))
    if not len(xs):
        return image
    w, h = image.size
    return image.crop(
        (
            max(0, int(xs.min()) - 1),
            max(0, int(ys.min()) - 1),
            min(w, int(xs.max()) + 2),
            min(h, int(ys.max()) + 2),
        )
    )


def figure_pasted(seed: int, ctx: Context) -> Sample:
    """Development chart images pasted in rows of different counts and heights, narrow gaps."""
    r = rng_for("figure_pasted", seed)
    sources = sorted((ctx.data / "charts" / "chartqa").glob("*.png"))
    if not sources:
        raise RendererMissing(f"no chart images under {ctx.data / 'charts' / 'chartqa'} (--data)")
    counts = r.choice([(1, 3), (2, 3), (3, 2), (2, 2), (1, 2), (2, 1), (3,), (2,)])
    width = r.randint(900, 1400)
    gap = r.randint(4, 10)
    margin = r.randint(4, 16)
    title_h = 0
    canvas_rows: list[list[tuple[Image.Image, Box]]] = []
    y = margin
    title = r.random() < 0.5
    trim = r.random() < 0.6  # cut each chart to its ink, so the gap seen is the gap drawn
    if title:
        title_h = 34
        y += title_h
    for n in counts:
        ims = []
        for path in r.sample(sources, n):
            with Image.open(path) as im:
                ims.append(_trim(im.convert("RGB")) if trim else im.convert("RGB"))
        inner = width - 2 * margin - gap * (n - 1)
        aspect_sum = sum(im.width / im.height for im in ims)
        h = min(int(inner / aspect_sum), int(0.42 * width))
        x = margin + (inner - int(h * aspect_sum)) // 2  # a short row is centred
        row = []
        for im in ims:
            w = int(round(h * im.width / im.height))
            row.append((im.resize((w, h), Image.Resampling.LANCZOS), (x, y, x + w, y + h)))
            x += w + gap
        canvas_rows.append(row)
        y += h + gap
    canvas = Image.new("RGB", (width, y - gap + margin), "white")
    d = ImageDraw.Draw(canvas)
    if title:
        d.text(
            (width // 2, margin + 4),
            "Figure 3. Survey results by region and year",
            anchor="mt",
            font=font("DejaVu Sans", 20, bold=True),
            fill=(20, 20, 20),
        )
    letters = r.random() < 0.7
    boxes: list[Box] = []
    for row in canvas_rows:
        for im, box in row:
            canvas.paste(im, box[:2])
            if letters:
                d.text(
                    (box[0] + 4, box[1] + 3),
                    "abcdefgh"[len(boxes)],
                    font=font("DejaVu Sans", 18, bold=True),
                    fill=(0, 0, 0),
                )
            boxes.append(box)
    panels = tuple(Subplot(k, b) for k, b in enumerate(boxes))
    gold = Layout(canvas.width, canvas.height, "figure", subplots=panels)
    return Sample(
        "figure_pasted", seed, canvas, gold, {"rows": "+".join(map(str, counts)), "gap": gap}
    )


# ---------------------------------------------------------------- bar charts (matplotlib)

STATISTA_BLUE = ("#2876dd", "#1f5fad", "#4a90d9", "#0f3b66")
PEW_COLORS = ("#d9a43b", "#7a9a3c", "#4f7f9f", "#a0522d", "#6b6b6b")


def _box_of(extent: Any, height: int) -> Box:
    return (
        int(math.floor(extent.x0)),
        int(math.floor(height - extent.y1)),
        int(math.ceil(extent.x1)),
        int(math.ceil(height - extent.y0)),
    )


def _chart(style: str, seed: int) -> Sample:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r = rng_for(style, seed)
    horizontal = style == "chart_horizontal" or (style == "chart_grouped" and r.random() < 0.4)
    n_series = r.randint(2, 3) if style in ("chart_grouped", "chart_grouped_rot45") else 1
    if style == "chart_horizontal":
        labels = r.sample(LONG_LABELS, r.randint(5, 11))
    elif style == "chart_rot45":
        labels = r.sample(COUNTRIES + ITEMS, r.randint(8, 14))
    elif style == "chart_grouped_rot45":
        labels = r.sample(COUNTRIES + ITEMS + LONG_LABELS[:6], r.randint(5, 10))
    elif style == "chart_grouped":
        labels = (
            [str(y) for y in range(r.randint(2008, 2014), 2024)][: r.randint(4, 8)]
            if r.random() < 0.5
            else r.sample(COUNTRIES, r.randint(4, 7))
        )
    else:
        labels = (
            [str(y) for y in range(2010, 2024)][: r.randint(5, 12)]
            if r.random() < 0.5
            else r.sample(ITEMS, r.randint(4, 9))
        )
    n = len(labels)
    pct = r.random() < 0.5
    values = np.array([[round(r.uniform(5, 95), 1) for _ in range(n)] for _ in range(n_series)])
    pew = r.random() < 0.3
    colors = r.sample(PEW_COLORS, n_series) if pew else list(STATISTA_BLUE[:n_series])
    w_px, h_px = (r.choice([640, 700]), r.randint(420, 640)) if pew else (800, 557)
    fam = r.choice(["DejaVu Sans", "Liberation Sans"])
    with plt.rc_context({"font.family": mpl_family(fam), "font.size": r.choice([9, 10, 11])}):
        fig, ax = plt.subplots(figsize=(w_px / 100, h_px / 100), dpi=100)
        pos = np.arange(n)
        width = 0.7 / n_series if n_series > 1 else r.uniform(0.55, 0.8)
        containers = []
        value_labels = r.random() < 0.8
        for k in range(n_series):
            off = (k - (n_series - 1) / 2) * width
            if horizontal:
                c = ax.barh(pos + off, values[k], height=width, color=colors[k], label=GROUPS[k])
            else:
                c = ax.bar(pos + off, values[k], width=width, color=colors[k], label=GROUPS[k])
            containers.append(c)
            if value_labels:
                ax.bar_label(
                    c, fmt="%.1f%%" if pct else "%.1f", padding=2, fontsize=8 if n_series > 1 else 9
                )
        if horizontal:
            ax.set_yticks(pos, labels)
            ax.invert_yaxis()
            ax.xaxis.grid(True, color="#dddddd", linestyle="--" if not pew else "-")
        else:
            rot = 45 if style in ("chart_rot45", "chart_grouped_rot45") else 0
            ax.set_xticks(
                pos,
                labels,
                rotation=rot,
                ha="right" if rot else "center",
                rotation_mode="anchor" if rot else "default",
            )
            ax.yaxis.grid(True, color="#dddddd", linestyle="--" if not pew else "-")
        ax.set_axisbelow(True)
        if not pew and r.random() < 0.4:  # Statista's light bands behind every other category
            span = ax.axhspan if horizontal else ax.axvspan
            for i in range(0, n, 2):
                span(i - 0.5, i + 0.5, color="#f4f4f4", zorder=0)
        for side in ("top", "right") + (("left",) if pew or horizontal else ()):
            ax.spines[side].set_visible(False)
        if pew:
            (ax.set_xticks if horizontal else ax.set_yticks)([])
        ax.tick_params(length=0)
        if n_series > 1 and style == "chart_grouped_rot45":
            # above the plot: below it the turned labels would run into it
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=n_series, frameon=False)
        elif n_series > 1:
            ax.legend(
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12 if not horizontal else -0.05),
                ncol=n_series,
                frameon=False,
            )
        if r.random() < 0.5 and style != "chart_grouped_rot45":
            ax.set_title(
                r.choice(
                    [
                        "Share of respondents",
                        "Annual revenue in million U.S. dollars",
                        "Number of users worldwide",
                    ]
                ),
                loc="left",
                fontsize=11,
            )
        fig.tight_layout(rect=_page_chrome(fig, r, pew))
        image = _mpl_image(fig)
        renderer: Any = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        H = image.height
        tick_labels = ax.get_yticklabels() if horizontal else ax.get_xticklabels()
        cats = []
        for i, lab in enumerate(labels):
            bars = tuple(_box_of(c.patches[i].get_window_extent(renderer), H) for c in containers)
            union = (
                min(b[0] for b in bars),
                min(b[1] for b in bars),
                max(b[2] for b in bars),
                max(b[3] for b in bars),
            )
            cats.append(
                Category(
                    i,
                    lab,
                    _box_of(tick_labels[i].get_window_extent(renderer), H),
                    union,
                    None,
                    bars,
                )
            )
        plt.close(fig)
    series = (
        tuple(Series(k, GROUPS[k], None, None) for k in range(n_series)) if n_series > 1 else ()
    )
    chart = Chart(
        "bar", "horizontal" if horizontal else "vertical", None, None, tuple(cats), series
    )
    gold = Layout(image.width, image.height, "chart", chart=chart)
    qi = r.randrange(n)
    qk = r.randrange(n_series)
    question = (
        f"What is the value of {labels[qi]}?"
        if n_series == 1
        else f"What is the value for {GROUPS[qk]} in {labels[qi]}?"
    )
    extra = {
        "question": question,
        "answer": f"{values[qk][qi]:.1f}",
        "answer_bar_bbox": list(cats[qi].bars[qk] or ()),
        "variant": ("pew" if pew else "statista") + (" horizontal" if horizontal else ""),
    }
    return Sample(style, seed, image, gold, extra)


def _page_chrome(fig: Any, r: random.Random, pew: bool) -> tuple[float, float, float, float]:
    """What surrounds the plot on the page a chart was cut from (Statista's side buttons and
    footer links, Pew's title, source line and brand); returns the rect left for the axes."""
    from matplotlib.patches import FancyBboxPatch

    if pew:
        fig.text(
            0.02,
            0.975,
            r.choice(
                [
                    "Most say the economy is recovering",
                    "Use of online platforms grew in every age group",
                    "Views differ sharply by party",
                ]
            ),
            ha="left",
            va="top",
            fontsize=13,
            fontweight="bold",
        )
        fig.text(
            0.02,
            0.925,
            "% of U.S. adults who say ...",
            ha="left",
            va="top",
            fontsize=9,
            color="#666666",
        )
        fig.text(
            0.02,
            0.05,
            f"Source: Survey of U.S. adults conducted March 1-{r.randint(7, 28)}, "
            f"{r.randint(2015, 2023)}.",
            ha="left",
            va="bottom",
            fontsize=7.5,
            color="#666666",
        )
        fig.text(
            0.02,
            0.015,
            "PEW RESEARCH CENTER",
            ha="left",
            va="bottom",
            fontsize=8,
            fontweight="bold",
        )
        return (0.0, 0.09, 1.0, 0.89)
    if r.random() < 0.4:
        return (0.0, 0.0, 1.0, 1.0)
    icons = mpl_family("DejaVu Sans")  # has the buttons' symbols
    for k, glyph in enumerate("★⚑⚙↗❞▤"[: r.randint(4, 6)]):
        y = 0.9 - k * 0.085
        fig.patches.append(
            FancyBboxPatch(
                (0.935, y),
                0.045,
                0.06,
                boxstyle="round,pad=0.004",
                transform=fig.transFigure,
                facecolor="#f3f3f3",
                edgecolor="none",
            )
        )
        fig.text(
            0.9575,
            y + 0.03,
            glyph,
            ha="center",
            va="center",
            fontsize=10,
            color="#9a9a9a",
            fontfamily=icons,
        )
    fig.text(
        0.02,
        0.02,
        "ℹ Additional Information",
        ha="left",
        va="bottom",
        fontsize=8,
        color="#1a66c9",
        fontfamily=icons,
    )
    fig.text(
        0.92,
        0.02,
        "Show source ℹ",
        ha="right",
        va="bottom",
        fontsize=8,
        color="#1a66c9",
        fontfamily=icons,
    )
    fig.text(
        0.92,
        0.065,
        f"© Statista {r.randint(2018, 2022)}",
        ha="right",
        va="bottom",
        fontsize=8,
        color="#555555",
    )
    return (0.0, 0.1, 0.92, 1.0)


OWID_COLORS = ("#6d3e91", "#c05917", "#58ac8c", "#286bbb", "#883039", "#bc8e5a", "#00295b")
OWID_TOPICS = (
    (
        "Per capita CO2 emissions, 2020",
        "Carbon dioxide emissions, measured in tonnes per person.",
        "t",
    ),
    ("Share of the population with access to electricity, 2019", "", "%"),
    (
        "Life expectancy at birth, 2021",
        "The average number of years a newborn would live.",
        " years",
    ),
    ("Daily supply of calories per person, 2018", "Measured in kilocalories per day.", " kcal"),
)


def chart_owid(seed: int, ctx: Context) -> Sample:
    """An Our World in Data bar chart (part of ChartQA's test set): horizontal bars with no axis,
    gridline or tick, the value printed after each bar, a serif title and grey subtitle
    top-left, the logo box top-right and source/licence lines at the bottom."""
    del ctx
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    r = rng_for("chart_owid", seed)
    title, subtitle, unit = r.choice(OWID_TOPICS)
    labels = r.sample(
        COUNTRIES + ["World", "Africa", "Europe", "Asia", "South America"], r.randint(4, 12)
    )
    top = {"%": 100.0, " years": 85.0, " kcal": 3800.0}.get(unit, 20.0)
    values = sorted((round(r.uniform(0.05, 1.0) * top, 1) for _ in labels), reverse=True)
    n = len(labels)
    per_bar = r.random() < 0.3
    colors = [r.choice(OWID_COLORS) for _ in labels] if per_bar else [r.choice(OWID_COLORS)] * n
    w_px, h_px = r.choice([850, 760]), r.randint(480, 620)
    serif, sans = (
        mpl_family("DejaVu Serif"),
        mpl_family(r.choice(["Liberation Sans", "DejaVu Sans"])),
    )
    with plt.rc_context({"font.family": sans, "font.size": r.choice([10, 11])}):
        fig, ax = plt.subplots(figsize=(w_px / 100, h_px / 100), dpi=100)
        pos = np.arange(n)
        c = ax.barh(pos, values, height=r.uniform(0.6, 0.8), color=colors)
        ax.bar_label(
            c,
            labels=[f"{v:,.1f}{unit}" if unit != " kcal" else f"{v:,.0f}{unit}" for v in values],
            padding=4,
            color="#555555",
        )
        ax.set_yticks(pos, labels)
        ax.invert_yaxis()
        ax.tick_params(length=0, axis="y", pad=6)
        ax.xaxis.set_visible(False)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.set_xlim(0, max(values) * 1.18)
        source = f"Source: {r.choice(['Global Carbon Project', 'World Bank', 'FAO', 'UN'])}"
        texts = (  # (x, y, text, size, colour, family, vertical anchor) in figure fractions
            (0.02, 0.975, title, 15, "#444444", serif, "top"),
            (0.02, 0.915, subtitle, 10, "#666666", sans, "top"),
            (0.02, 0.045, source, 8, "#666666", sans, "bottom"),
            (0.02, 0.012, "OurWorldInData.org/ • CC BY", 8, "#666666", sans, "bottom"),
        )
        for x, y, text, size, colour, family, va in texts:
            fig.text(x, y, text, ha="left", va=va, fontsize=size, color=colour, fontfamily=family)
        for height, colour in ((0.1, "#002147"), (0.012, "#ce261e")):  # the logo, its red foot
            fig.patches.append(
                Rectangle((0.885, 0.885), 0.1, height, transform=fig.transFigure, color=colour)
            )
        fig.text(
            0.935,
            0.94,
            "Our World\nin Data",
            ha="center",
            va="center",
            fontsize=8,
            color="white",
            fontfamily=serif,
        )
        fig.tight_layout(rect=(0.0, 0.08, 1.0, 0.86 if subtitle else 0.9))
        image = _mpl_image(fig)
        renderer: Any = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        H = image.height
        ticks = ax.get_yticklabels()
        cats = []
        for i, lab in enumerate(labels):
            bar = _box_of(c.patches[i].get_window_extent(renderer), H)
            cats.append(
                Category(
                    i, lab, _box_of(ticks[i].get_window_extent(renderer), H), bar, None, (bar,)
                )
            )
        plt.close(fig)
    chart = Chart("bar", "horizontal", None, None, tuple(cats), ())
    gold = Layout(image.width, image.height, "chart", chart=chart)
    qi = r.randrange(n)
    extra = {
        "question": f"What is the value of {labels[qi]}?",
        "answer": f"{values[qi]:.1f}",
        "answer_bar_bbox": list(cats[qi].bars[0] or ()),
        "variant": "owid" + (" colour per bar" if per_bar else ""),
    }
    return Sample("chart_owid", seed, image, gold, extra)


def chart_vertical(seed: int, ctx: Context) -> Sample:
    """One-colour vertical bars with value labels (Statista/Pew look)."""
    del ctx
    return _chart("chart_vertical", seed)


def chart_horizontal(seed: int, ctx: Context) -> Sample:
    """Horizontal bars with long category labels."""
    del ctx
    return _chart("chart_horizontal", seed)


def chart_rot45(seed: int, ctx: Context) -> Sample:
    """Many vertical bars whose labels are turned 45 degrees."""
    del ctx
    return _chart("chart_rot45", seed)


def chart_grouped(seed: int, ctx: Context) -> Sample:
    """Grouped bars of two or three series with a legend."""
    del ctx
    return _chart("chart_grouped", seed)


def chart_grouped_rot45(seed: int, ctx: Context) -> Sample:
    """Grouped vertical bars of two or three series whose labels are turned 45 degrees
    (the issue's chart whose category regions came back shifted by one bar)."""
    del ctx
    return _chart("chart_grouped_rot45", seed)


@dataclass(frozen=True)
class Style:
    """A generator, the kind it draws and the hidden set it stands for (whose targets apply)."""

    make: Callable[[int, Context], Sample]
    kind: str
    target_set: str


STYLES: dict[str, Style] = {
    "table_report": Style(table_report, "table", "tables-report"),
    "table_report_plain": Style(table_report_plain, "table", "tables-report"),
    "table_scan": Style(table_scan, "table", "tables-scan"),
    "table_scan_soft": Style(table_scan_soft, "table", "tables-scan"),
    "table_scan_photo": Style(table_scan_photo, "table", "tables-scan"),
    "figure_mosaic": Style(figure_mosaic, "figure", "figures"),
    "figure_ggplot": Style(figure_ggplot, "figure", "figures"),
    "figure_boxed": Style(figure_boxed, "figure", "figures"),
    "figure_pasted": Style(figure_pasted, "figure", "figures"),
    "chart_vertical": Style(chart_vertical, "chart", "charts"),
    "chart_horizontal": Style(chart_horizontal, "chart", "charts"),
    "chart_rot45": Style(chart_rot45, "chart", "charts"),
    "chart_grouped": Style(chart_grouped, "chart", "charts"),
    "chart_grouped_rot45": Style(chart_grouped_rot45, "chart", "charts"),
    "chart_owid": Style(chart_owid, "chart", "charts"),
}
