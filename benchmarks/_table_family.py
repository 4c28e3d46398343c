"""A family of drawn tables in the styles the unseen sets describe, with exact gold layouts.

Two styles, each varied over what a real document varies and the detector was
not tuned on, so a figure on them says something about tables we have never seen:

- ``scan``: a ruled grid about 320-480 px wide, soft (blur 0.6-1.5 px), JPEG
  40-80, paper tint and uneven illumination, slight skew (up to 0.7 degrees),
  rules 1-2 px, sometimes faint or broken, bold section rows spanning the
  table, two-line or merged (two-level) header cells, right-aligned numbers,
  a caption above and a footnote below, serif, sans or mono fonts.
- ``report``: a clean booktabs table (top, mid and bottom rules only, a short
  rule under a spanning header), multi-level headers, indented row labels
  under group rows, caption and footnote.

    from _table_family import STYLES, render_family_table, seeds
    for seed in seeds("tune", 20):
        image, gold, info = render_family_table(seed, "scan")

Seeds: ``tune`` (0...) while iterating; ``heldout`` (from 900000) only for the
final figures. Everything is drawn with Pillow at 3x with exact geometry, then
shrunk and degraded; the gold is the drawn geometry moved by the skew and
scaled to the final size. Column boxes span the table's height, row boxes its
width; boundaries lie on rules (their centres) or where one cell ends and the
next begins. ``rows[].label`` is the first cell's text (a section or group
row's own text); ``columns[].header`` the header cells above the column, top
to bottom, joined with one space.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from _degrade import Degradation, degrade_pair
from PIL import Image, ImageDraw, ImageFont

from refocus_dsl.layout import Box, Column, Layout, Row, Table

STYLES = ("scan", "report")
HELDOUT_START = 900_000
ZOOM = 3
MIN_TEXT_PX = 9.0
"""Smallest font size (px) of a drawn table at its final width."""

_SYSTEM_FONTS = {
    "dejavu-sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "dejavu-serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
    "dejavu-mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
    "liberation-sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    "liberation-serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"),
    "liberation-mono": ("LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf"),
    "liberation-narrow": ("LiberationSansNarrow-Regular.ttf", "LiberationSansNarrow-Bold.ttf"),
}
"""Font families by file name, found among the machine's fonts (matplotlib's font search)."""


def seeds(split: str, n: int) -> Iterator[int]:
    """``n`` seeds of the ``tune`` or ``heldout`` range."""
    if split not in ("tune", "heldout"):
        raise ValueError(f"unknown seed split {split!r}; choose tune or heldout")
    start = 0 if split == "tune" else HELDOUT_START
    return iter(range(start, start + n))


def family_fonts() -> dict[str, tuple[str, str]]:
    """Regular and bold font files: the machine's DejaVu/Liberation, else matplotlib's."""
    from matplotlib import font_manager

    found = {os.path.basename(p): p for p in font_manager.findSystemFonts()}
    out = {
        name: (found[reg], found[bold])
        for name, (reg, bold) in _SYSTEM_FONTS.items()
        if reg in found and bold in found
    }
    if not out:
        from _degrade import font_files

        out = dict(font_files())
    return out


# ---------------------------------------------------------------- content

_HEAD1 = (
    "Year|Team|Name|City|Score|Total|Country|Points|Round|Party|Votes|Season|Player|Club|"
    "Result|Notes|Winner|Region|Album|Station|Rank|Title|Record|Venue|Position|Goals|Area|"
    "Date|Opponent|Label|Peak|District|Length|Builder|Owner|Method|Model|Share|Change"
).split("|")
_HEAD2 = (
    "Population (2010)|Total points|Area (km²)|First elected|Date of birth|Seats won|"
    "Home team|Away team|Release date|Peak position|Mean (SD)|Sample size|Growth rate|"
    "Number of cases|Head coach|Final score|Vote share"
).split("|")
_GROUPS = "Results|Games|Medals|Seats|Scores|Share (%)|Period|Outcome|Totals|Group stage".split("|")
_SUBS = "W|L|D|Gold|Silver|Bronze|Won|Lost|Home|Away|Before|After|2019|2020|Mean|SD|n|%".split("|")
_WORDS = (
    "North South East West River Lake Hill Park Union City Station Valley Green Royal "
    "National County Central Harbour Forest Bridge Castle Mill Field Grove Port Saint "
    "Boston Chicago Denver Geneva Houston Madrid Leeds Oslo Paris Quebec Rome Sydney "
    "Toronto Vienna Warsaw Berlin Dublin Lisbon Prague Athens Cairo Delhi Lima Kyoto "
    "Anderson Baker Carter Dawson Ellis Foster Garcia Hughes Ivanov Jensen Kowalski"
).split()
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_SECTIONS = (
    "Regular season|Playoffs|Group A|Group B|Northern region|Southern region|Before 1990|"
    "After 1990|Men|Women|Domestic|International|Phase one|Phase two|Singles|Albums|"
    "Eastern Conference|Western Conference|Treatment arm|Control arm"
).split("|")
_CAPTIONS = (
    "Table 2. Results by region|Summary of the season|Table 4: Election results|"
    "Selected indicators, 2010-2020|Table 1 - Participants|Final standings"
).split("|")
_NOTES = (
    "Source: national statistics office.|* Provisional figures.|Note: values rounded.|"
    "a Includes overtime.|Figures in thousands."
).split("|")


def _cell(rng: np.random.Generator, kind: str) -> str:
    if kind == "int":
        v = int(rng.integers(1, 10 ** int(rng.integers(1, 6))))
        return f"{v:,}" if v >= 1000 and rng.random() < 0.6 else str(v)
    if kind == "float":
        return f"{rng.uniform(0, 100):.{int(rng.integers(1, 3))}f}"
    if kind == "pct":
        return f"{rng.uniform(0, 100):.1f}%"
    if kind == "year":
        return str(int(rng.integers(1950, 2024)))
    if kind == "date":
        return f"{int(rng.integers(1, 29))} {rng.choice(_MONTHS)} {int(rng.integers(1950, 2024))}"
    if kind == "score":
        return f"{int(rng.integers(0, 6))}-{int(rng.integers(0, 6))}"
    n = int(rng.integers(1, 4))
    return " ".join(str(rng.choice(_WORDS)) for _ in range(n))


# ---------------------------------------------------------------- style


@dataclass(frozen=True)
class FamilyStyle:
    """What one drawn table varies (printed with the benchmark's per-image lines)."""

    style: str
    font: str
    font_px: int
    width: int
    blur: float
    jpeg: int | None
    skew: float
    rule_px: float
    rule_grey: int
    broken_rules: bool
    header: str  # "single", "two_line" or "merged"
    caption: bool
    footnote: bool
    indent: bool


@dataclass
class _Spec:
    """The table's content before drawing."""

    head_rows: list[list[tuple[str, int]]]  # per header row: (text, columns spanned)
    first_head_spans: bool  # the first column's header spans every header row
    body: list[tuple[str, list[str]]]  # ("body"|"section"|"group"|"item", texts)
    numeric: list[bool]
    col_headers: list[str]


def _spec(
    rng: np.random.Generator, header: str, indent: bool, sections: int, most_cols: int = 6
) -> _Spec:
    n_cols = int(rng.integers(3, most_cols + 1))
    kinds = ["word"] + [
        str(rng.choice(["int", "float", "pct", "year", "date", "score", "word"]))
        for _ in range(n_cols - 1)
    ]
    numeric = [k not in ("word", "date") for k in kinds]
    pool = list(rng.permutation(_HEAD1))
    heads = [str(pool.pop()) for _ in range(n_cols)]
    if header == "two_line":
        for j in rng.choice(n_cols, size=int(rng.integers(1, 3)), replace=False):
            heads[int(j)] = str(rng.choice(_HEAD2))
    head_rows: list[list[tuple[str, int]]] = [[(h, 1) for h in heads]]
    col_headers = list(heads)
    first_spans = False
    if header == "merged" and n_cols >= 3:
        span = int(rng.integers(2, min(4, n_cols - 1) + 1))
        start = int(rng.integers(1, n_cols - span + 1))
        group = str(rng.choice(_GROUPS))
        subs = [str(s) for s in rng.choice(_SUBS, size=span, replace=False)]
        top: list[tuple[str, int]] = [(heads[0], 1)]
        top += [(heads[j], 1) for j in range(1, start)]
        top.append((group, span))
        top += [(heads[j], 1) for j in range(start + span, n_cols)]
        bottom = [("", 1)] * start + [(s, 1) for s in subs] + [("", 1)] * (n_cols - start - span)
        head_rows = [top, bottom]
        first_spans = True
        for k, j in enumerate(range(start, start + span)):
            col_headers[j] = f"{group} {subs[k]}"
    n_body = int(rng.integers(5, 13))
    body: list[tuple[str, list[str]]] = []
    sec_at = {int(i) for i in rng.choice(n_body, size=min(sections, n_body), replace=False)}
    if sections and rng.random() < 0.5:
        sec_at.add(0)
    names = iter(rng.permutation(_SECTIONS))
    for i in range(n_body):
        if i in sec_at:
            body.append(("group" if indent else "section", [str(next(names))]))
        row = [_cell(rng, k) for k in kinds]
        body.append(("item" if indent and sec_at else "body", row))
    return _Spec(head_rows, first_spans, body, numeric, col_headers)


# ---------------------------------------------------------------- drawing


@dataclass
class _Canvas:
    img: Image.Image
    draw: ImageDraw.ImageDraw
    paper: int


def _text_w(font: ImageFont.FreeTypeFont, text: str) -> int:
    x1, _, x2, _ = font.getbbox(text)
    return int(x2 - x1)


def _lines(text: str, two_line: bool) -> list[str]:
    """A header wrapped at its last space when the style wraps two-word headers."""
    if two_line and " " in text:
        i = text.rfind(" ")
        return [text[:i], text[i + 1 :]]
    return [text]


def _hline(
    cv: _Canvas, x1: int, x2: int, y: int, t: int, grey: int, broken: bool, rng: np.random.Generator
) -> None:
    cv.draw.rectangle((x1, y, x2 - 1, y + t - 1), fill=grey)
    if broken:
        for _ in range(int(rng.integers(1, 4))):
            gx = int(rng.integers(x1, max(x1 + 1, x2 - 8 * ZOOM)))
            cv.draw.rectangle(
                (gx, y, gx + int(rng.integers(2, 7)) * ZOOM, y + t - 1), fill=cv.paper
            )


def _vline(
    cv: _Canvas, x: int, y1: int, y2: int, t: int, grey: int, broken: bool, rng: np.random.Generator
) -> None:
    cv.draw.rectangle((x, y1, x + t - 1, y2 - 1), fill=grey)
    if broken and rng.random() < 0.5:
        gy = int(rng.integers(y1, max(y1 + 1, y2 - 6 * ZOOM)))
        cv.draw.rectangle((x, gy, x + t - 1, gy + int(rng.integers(2, 6)) * ZOOM), fill=cv.paper)


def _shift(box: Box, dx: float, dy: float) -> Box:
    return (round(box[0] + dx), round(box[1] + dy), round(box[2] + dx), round(box[3] + dy))


def _skewed(gold: Layout, angle: float, size: tuple[int, int]) -> Layout:
    """The gold after Pillow's ``rotate(angle)`` about the centre: each box moves with its
    centre (the angles are small, so boxes keep their size)."""
    cx, cy = size[0] / 2, size[1] / 2
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def move(box: Box) -> Box:
        mx, my = (box[0] + box[2]) / 2 - cx, (box[1] + box[3]) / 2 - cy
        return _shift(box, c * mx + s * my - mx, -s * mx + c * my - my)

    t = gold.table
    assert t is not None
    table = Table(
        move(t.bbox),
        tuple(Column(k.index, k.header, move(k.bbox)) for k in t.columns),
        tuple(Row(r.index, r.label, r.is_header, move(r.bbox)) for r in t.rows),
    )
    return Layout(gold.width, gold.height, "table", table, confidence=1.0)


def _pick_style(rng: np.random.Generator, style: str, fonts: Sequence[str]) -> FamilyStyle:
    scan = style == "scan"
    return FamilyStyle(
        style=style,
        font=str(rng.choice(sorted(fonts))),
        font_px=int(rng.integers(12, 17)),
        width=int(rng.integers(320, 481)) if scan else int(rng.integers(480, 900)),
        blur=float(rng.uniform(0.6, 1.5)) if scan else float(rng.choice([0.0, 0.4])),
        jpeg=int(rng.integers(40, 81))
        if scan
        else (int(rng.integers(75, 95)) if rng.random() < 0.4 else None),
        skew=float(rng.uniform(-0.7, 0.7)) if scan and rng.random() < 0.7 else 0.0,
        rule_px=float(rng.uniform(1.0, 2.0)),
        rule_grey=int(rng.integers(0, 170)) if scan else int(rng.integers(0, 60)),
        broken_rules=scan and rng.random() < 0.3,
        header=str(rng.choice(["single", "two_line", "merged"])),
        caption=rng.random() < 0.5,
        footnote=rng.random() < 0.5,
        indent=(not scan) and rng.random() < 0.6,
    )


def render_family_table(seed: int, style: str) -> tuple[Image.Image, Layout, FamilyStyle]:
    """One table of ``style`` (``scan`` or ``report``) for ``seed``: image, gold, what varied."""
    if style not in STYLES:
        raise ValueError(f"unknown table style {style!r}; choose from {', '.join(STYLES)}")
    rng = np.random.default_rng([seed, STYLES.index(style)])
    fonts = family_fonts()
    fs = _pick_style(rng, style, list(fonts))
    sections = (
        int(rng.integers(1, 4))
        if style == "scan"
        else (int(rng.integers(2, 4)) if fs.indent else 0)
    )
    # fewer columns until the text is at least MIN_TEXT_PX at the chosen width (a scan
    # whose text is smaller cannot be read by anyone)
    for most in range(6, 2, -1):
        spec = _spec(rng, fs.header, fs.indent, sections, most)
        reg = ImageFont.truetype(fonts[fs.font][0], fs.font_px * ZOOM)
        bold = ImageFont.truetype(fonts[fs.font][1], fs.font_px * ZOOM)
        small = ImageFont.truetype(fonts[fs.font][0], max(9, fs.font_px - 2) * ZOOM)
        n_cols = len(spec.numeric)
        two = fs.header == "two_line"
        pad_x = int(rng.integers(5, 11)) * ZOOM
        pad_y = int(rng.integers(2, 6)) * ZOOM
        indent_px = 3 * fs.font_px * ZOOM // 2 if fs.indent else 0
        ascent, descent = reg.getmetrics()
        line_h = ascent + descent
        # column widths from every single-column text
        col_w = [0] * n_cols
        for hr in spec.head_rows:
            j = 0
            for text, span in hr:
                if span == 1:
                    w = max((_text_w(bold, ln) for ln in _lines(text, two)), default=0)
                    col_w[j] = max(col_w[j], w + 2 * pad_x)
                j += span
        for kind, texts in spec.body:
            if kind in ("body", "item"):
                for j, t in enumerate(texts):
                    extra = indent_px if (kind == "item" and j == 0) else 0
                    col_w[j] = max(col_w[j], _text_w(reg, t) + 2 * pad_x + extra)
        natural_w = sum(col_w) / ZOOM
        scale = fs.width / natural_w
        if fs.font_px * scale >= MIN_TEXT_PX:
            break
    ruled = style == "scan"
    rule = max(1, round(fs.rule_px / scale * ZOOM)) if ruled else 0
    thick = max(1, round(fs.rule_px * 1.6 / scale * ZOOM))
    thin = max(1, round(fs.rule_px * 0.8 / scale * ZOOM))
    margin = int(rng.integers(10, 30)) * ZOOM
    cap_h = (line_h + 8 * ZOOM) if fs.caption else 0
    note_h = (line_h + 8 * ZOOM) if fs.footnote else 0
    xs = [margin]
    for cw in col_w:
        xs.append(xs[-1] + cw + rule)
    head_h = [
        (2 if two and any(" " in t for t, _ in hr) else 1) * line_h + 2 * pad_y + rule
        for hr in spec.head_rows
    ]
    body_h = line_h + 2 * pad_y + rule
    top = margin + cap_h + (thick if not ruled else 0)
    ys = [top]
    for hh in head_h:
        ys.append(ys[-1] + hh)
    for _ in spec.body:
        ys.append(ys[-1] + body_h)
    table_x2 = xs[-1] + rule
    table_y1 = top - (thick if not ruled else 0)
    table_y2 = ys[-1] + (rule if ruled else thick)
    W = table_x2 + margin
    H = table_y2 + note_h + margin
    paper = 255
    img = Image.new("L", (W, H), paper)
    cv = _Canvas(img, ImageDraw.Draw(img), paper)
    ink = int(rng.integers(0, 60))
    g = fs.rule_grey
    if fs.caption:
        cap = str(rng.choice(_CAPTIONS))
        cv.draw.text((xs[0], margin), cap, font=bold if rng.random() < 0.5 else reg, fill=ink)
    n_head = len(spec.head_rows)
    # rules
    if ruled:
        for y in ys:
            _hline(cv, xs[0], table_x2, y, rule, g, fs.broken_rules, rng)
        for j, x in enumerate(xs):
            for r in range(len(ys) - 1):
                y1, y2 = ys[r], ys[r + 1] + rule
                inner = 0 < j < n_cols
                if r >= n_head and spec.body[r - n_head][0] in ("section", "group") and inner:
                    continue
                if r < n_head and inner and _spanned(spec.head_rows[r], j):
                    continue
                _vline(cv, x, y1, y2, rule, g, fs.broken_rules, rng)
        if n_head == 2 and spec.first_head_spans:  # the first header cell spans both rows
            cv.draw.rectangle((xs[0] + rule, ys[1], xs[1] - 1, ys[1] + rule - 1), fill=paper)
    else:
        cv.draw.rectangle((xs[0], table_y1, table_x2 - 1, table_y1 + thick - 1), fill=g)
        cv.draw.rectangle((xs[0], ys[n_head] - thin, table_x2 - 1, ys[n_head] - 1), fill=g)
        cv.draw.rectangle((xs[0], ys[-1], table_x2 - 1, ys[-1] + thick - 1), fill=g)
        if n_head == 2:  # cmidrule under the spanning header
            j = 0
            for _t, span in spec.head_rows[0]:
                if span > 1:
                    cv.draw.rectangle(
                        (xs[j] + pad_x // 2, ys[1] - thin, xs[j + span] - pad_x // 2, ys[1] - 1),
                        fill=g,
                    )
                j += span
    # header text (bold, centred; the first column's left)
    for r, hr in enumerate(spec.head_rows):
        j = 0
        for text, span in hr:
            if not text:
                j += span
                continue
            y_top, y_bot = ys[r] + rule, ys[r + 1]
            if r == 0 and j == 0 and spec.first_head_spans:
                y_bot = ys[n_head]
            lines = _lines(text, two)
            block = len(lines) * line_h
            y0 = y_top + (y_bot - y_top - block) // 2
            for k, ln in enumerate(lines):
                tw = _text_w(bold, ln)
                if j == 0:
                    x = xs[0] + rule + pad_x
                else:
                    x = xs[j] + rule + (xs[j + span] - xs[j] - rule - tw) // 2
                cv.draw.text((x, y0 + k * line_h), ln, font=bold, fill=ink)
            j += span
    right = rng.random() < 0.7
    for i, (kind, texts) in enumerate(spec.body):
        r = n_head + i
        y0 = ys[r] + rule + pad_y
        if kind in ("section", "group"):
            cv.draw.text((xs[0] + rule + pad_x, y0), texts[0], font=bold, fill=ink)
            continue
        for j, t in enumerate(texts):
            tw = _text_w(reg, t)
            if j > 0 and spec.numeric[j] and right:
                x = xs[j + 1] - pad_x - tw
            else:
                x = xs[j] + rule + pad_x + (indent_px if kind == "item" and j == 0 else 0)
            cv.draw.text((x, y0), t, font=reg, fill=ink)
    if fs.footnote:
        cv.draw.text((xs[0], table_y2 + 6 * ZOOM), str(rng.choice(_NOTES)), font=small, fill=ink)
    # gold on the drawn geometry
    half = rule / 2
    cx = [xs[0]] + [round(x + half) for x in xs[1:-1]] + [table_x2]
    cy = [table_y1] + [round(y + half) for y in ys[1:-1]] + [table_y2]
    bx = (xs[0], table_y1, table_x2, table_y2)
    columns = tuple(
        Column(j, spec.col_headers[j], (cx[j], bx[1], cx[j + 1], bx[3])) for j in range(n_cols)
    )
    labels = [spec.head_rows[0][0][0]] * n_head + [texts[0] for _, texts in spec.body]
    if n_head == 2 and not spec.first_head_spans:
        labels[1] = spec.head_rows[1][0][0]
    rows = tuple(
        Row(r, labels[r], r < n_head, (bx[0], cy[r], bx[2], cy[r + 1])) for r in range(len(labels))
    )
    gold = Layout(W, H, "table", Table(bx, columns, rows), confidence=1.0)
    rgb = _paper(img, rng, ruled)
    if fs.skew:
        rgb = rgb.rotate(fs.skew, resample=Image.Resampling.BICUBIC, fillcolor=_corner(rgb))
        gold = _skewed(gold, fs.skew, (W, H))
    deg = Degradation(
        "family",
        scale=fs.width / (table_x2 - xs[0]),
        blur=fs.blur,
        jpeg=fs.jpeg,
        noise=float(rng.uniform(0, 4)) if ruled else 0.0,
    )
    out, g2 = degrade_pair(rgb, gold, deg, seed)
    return out, g2, fs


def _spanned(row: Sequence[tuple[str, int]], j: int) -> bool:
    """Whether column boundary ``j`` lies inside a cell of ``row`` that spans it."""
    start = 0
    for _, span in row:
        if start < j < start + span:
            return True
        start += span
    return False


def _corner(img: Image.Image) -> tuple[int, int, int]:
    px = img.getpixel((0, 0))
    assert isinstance(px, tuple)
    return (int(px[0]), int(px[1]), int(px[2]))


def _paper(img: Image.Image, rng: np.random.Generator, scan: bool) -> Image.Image:
    """Ink on tinted paper under uneven light (scans); white paper for reports."""
    grey = np.asarray(img, dtype=np.float32) / 255.0
    if not scan:
        tint = np.array([255.0, 255.0, 255.0], dtype=np.float32)
        light = np.ones_like(grey)
    else:
        base = float(rng.uniform(228, 255))
        tint = np.array(
            [base, base - float(rng.uniform(0, 8)), base - float(rng.uniform(0, 22))],
            dtype=np.float32,
        )
        h, w = grey.shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        phi = float(rng.uniform(0, 2 * math.pi))
        ramp = (xx / w - 0.5) * math.cos(phi) + (yy / h - 0.5) * math.sin(phi)
        light = 1.0 - float(rng.uniform(0.0, 0.16)) * (ramp + 0.5)
    arr = grey[..., None] * tint[None, None, :] * light[..., None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
