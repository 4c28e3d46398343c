"""Realistic image degradations with the gold layout transformed to match, and scan-like tables.

Shared by the robustness benchmarks (tables, charts, figures). Everything is
deterministic for a given seed.

    from _degrade import PRESETS, degrade, degrade_pair, render_scan_table

    img2, gold2 = degrade_pair(img, gold, PRESETS["down50"], seed=3)
    img3, gold3 = degrade_pair(img, gold, random_degradation(seed=7), seed=7)
    scan_img, scan_gold = render_scan_table(seed=11)

A :class:`Degradation` is applied in the order a scanner or a re-encoded
screenshot would: contrast loss, downscaling (area average), Gaussian blur,
noise, JPEG. Only the downscale moves pixels, so the gold's boxes are scaled by
the same factors (:func:`scale_layout`, which walks any layout dataclass and
scales every field typed as a box, so new layout fields keep working).
"""

from __future__ import annotations

import dataclasses
import io
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont

from refocus_dsl.detect._scale import scale_layout
from refocus_dsl.layout import Cell, Column, Layout, Row, Table


@dataclass(frozen=True)
class Degradation:
    """One degradation: each field at its neutral value does nothing."""

    name: str
    scale: float = 1.0
    """Downscale factor (0.35-0.7 in the presets); boxes are scaled by it."""
    blur: float = 0.0
    """Gaussian blur radius in pixels of the degraded image."""
    jpeg: int | None = None
    """JPEG quality (30-70), or None for no re-encoding."""
    noise: float = 0.0
    """Standard deviation of additive Gaussian grey noise (0-255 scale)."""
    contrast: float = 1.0
    """Contrast factor (< 1: washed out towards the mean grey, as a faded scan)."""


PRESETS: dict[str, Degradation] = {
    d.name: d
    for d in (
        Degradation("clean"),
        Degradation("down70", scale=0.7),
        Degradation("down50", scale=0.5),
        Degradation("down35", scale=0.35),
        Degradation("blur1", blur=1.0),
        Degradation("jpeg30", jpeg=30),
        Degradation("noise", noise=8.0),
        Degradation("contrast", contrast=0.7),
        Degradation("down50_blur_jpeg", scale=0.5, blur=0.8, jpeg=50),
        Degradation("scanlike", scale=0.45, blur=0.7, jpeg=60, noise=4.0, contrast=0.8),
    )
}
"""Named degradations; ``combo`` (see :func:`random_degradation`) varies per seed."""


def random_degradation(seed: int) -> Degradation:
    """A random combination within the realistic ranges (each effect present or not)."""
    rng = np.random.default_rng(seed)
    on = rng.random(5) < 0.6
    return Degradation(
        "combo",
        scale=float(rng.uniform(0.35, 0.7)) if on[0] else 1.0,
        blur=float(rng.uniform(0.3, 1.0)) if on[1] else 0.0,
        jpeg=int(rng.integers(30, 71)) if on[2] else None,
        noise=float(rng.uniform(2.0, 8.0)) if on[3] else 0.0,
        contrast=float(rng.uniform(0.7, 0.9)) if on[4] else 1.0,
    )


def degradation(name: str, seed: int) -> Degradation:
    """A preset by name, or ``combo``: a random combination for this seed."""
    if name == "combo":
        return random_degradation(seed)
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(
            f"unknown degradation {name!r}; choose from combo, {', '.join(PRESETS)}"
        ) from None


def degrade(image: Image.Image, deg: Degradation, seed: int = 0) -> Image.Image:
    """``image`` degraded by ``deg`` (RGB out). Its size changes by ``deg.scale``."""
    img = image.convert("RGB")
    if deg.contrast != 1.0:
        img = ImageEnhance.Contrast(img).enhance(deg.contrast)
    if deg.scale != 1.0:
        size = scaled_size(img.size, deg.scale)
        img = img.resize(size, Image.Resampling.BOX if deg.scale < 1 else Image.Resampling.BICUBIC)
    if deg.blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(deg.blur))
    if deg.noise > 0:
        rng = np.random.default_rng(seed)
        arr = np.asarray(img, dtype=np.float32)
        grain = rng.normal(0.0, deg.noise, size=arr.shape[:2]).astype(np.float32)
        arr = np.clip(arr + grain[..., None], 0, 255).astype(np.uint8)
        img = Image.fromarray(arr, "RGB")
    if deg.jpeg is not None:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=int(deg.jpeg))
        buf.seek(0)
        img = Image.open(buf).convert("RGB")
    return img


def scaled_size(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def degrade_pair(
    image: Image.Image, gold: Layout, deg: Degradation, seed: int = 0
) -> tuple[Image.Image, Layout]:
    """The degraded image and its gold layout, boxes moved to match."""
    img = degrade(image, deg, seed)
    if img.size == (gold.width, gold.height):
        return img, gold
    return img, scale_layout(gold, img.size)


# ---------------------------------------------------------------- scan-like tables


def font_files() -> dict[str, tuple[str, str]]:
    """Regular and bold TrueType files of the families matplotlib bundles (always present)."""
    import matplotlib

    d = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    pairs = {
        "sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
        "serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
        "mono": ("DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"),
        "times": ("STIXGeneral.ttf", "STIXGeneralBol.ttf"),
    }
    return {
        k: (os.path.join(d, a), os.path.join(d, b))
        for k, (a, b) in pairs.items()
        if os.path.isfile(os.path.join(d, a)) and os.path.isfile(os.path.join(d, b))
    }


_HEADERS = (
    "Year Team Name City Score Total Country Points Round Party Votes Season Player Club "
    "Result Notes Winner Region Album Station Rank Title Record Venue Position Goals Area "
    "Population Date Opponent Attendance Label Chart Peak District Length Builder Owner"
).split()
_WORDS = (
    "North South East West River Lake Hill Park Union City Station Valley Green Royal "
    "National County Central Harbour Forest Bridge Castle Mill Field Grove Port Saint "
    "Alpha Boston Chicago Denver Geneva Houston Madrid Leeds Oslo Paris Quebec Rome Sydney "
    "Toronto Vienna Warsaw Berlin Dublin Lisbon Prague Athens Cairo Delhi Lima Kyoto"
).split()
_SECTIONS = (
    "Regular season|Playoffs|Group A|Group B|Northern region|Southern region|Before 1990|"
    "After 1990|Men|Women|Domestic|International|Phase one|Phase two|Singles|Albums"
).split("|")


def _cell_text(rng: np.random.Generator, kind: str) -> str:
    if kind == "int":
        return str(int(rng.integers(1, 10 ** int(rng.integers(1, 5)))))
    if kind == "float":
        return f"{rng.uniform(0, 100):.{int(rng.integers(1, 3))}f}"
    if kind == "year":
        return str(int(rng.integers(1950, 2024)))
    n = int(rng.integers(1, 3))
    return " ".join(str(rng.choice(_WORDS)) for _ in range(n))


@dataclass(frozen=True)
class ScanStyle:
    """How one scan-like table looks (drawn at ``zoom`` times, then shrunk to ``width``)."""

    family: str
    font_px: int
    width: int
    blur: float
    rule_grey: int
    ink_grey: int
    paper_grey: int
    header_shade: int | None
    jpeg: int | None


def _style(rng: np.random.Generator, families: list[str]) -> ScanStyle:
    return ScanStyle(
        family=str(rng.choice(families)),
        font_px=int(rng.integers(10, 14)),
        width=int(rng.integers(360, 460)),
        blur=float(rng.uniform(0.5, 1.0)),
        rule_grey=int(rng.integers(0, 120)),
        ink_grey=int(rng.integers(0, 60)),
        paper_grey=int(rng.integers(232, 256)),
        header_shade=int(rng.integers(200, 235)) if rng.random() < 0.4 else None,
        jpeg=int(rng.integers(45, 85)) if rng.random() < 0.6 else None,
    )


def render_scan_table(seed: int) -> tuple[Image.Image, Layout]:
    """A scan-like table (about 400 px wide, soft, ruled grid, bold spanning section rows).

    Drawn with Pillow at 3x with exact geometry, then shrunk, blurred, tinted and
    JPEG-compressed; the gold is the drawn geometry scaled to the final size.
    Columns are bounded by the grid's vertical rules (their centres), rows by the
    horizontal rules; a section row is one cell spanning every column and its
    text is the row's label.
    """
    rng = np.random.default_rng(seed)
    fonts = font_files()
    style = _style(rng, sorted(fonts))
    zoom = 3
    regular = ImageFont.truetype(fonts[style.family][0], style.font_px * zoom)
    bold = ImageFont.truetype(fonts[style.family][1], style.font_px * zoom)
    n_cols = int(rng.integers(3, 7))
    kinds = ["word"] + [
        str(rng.choice(["int", "float", "year", "word"])) for _ in range(n_cols - 1)
    ]
    headers = [str(h) for h in rng.choice(_HEADERS, size=n_cols, replace=False)]
    n_body = int(rng.integers(5, 13))
    n_sections = int(rng.integers(1, 4))
    section_at = set(
        int(i) for i in rng.choice(n_body, size=min(n_sections, n_body), replace=False)
    )
    if rng.random() < 0.5:  # a section title often opens the body
        section_at.add(0)
    sections = iter(rng.permutation(_SECTIONS))
    rows: list[tuple[str, list[str]]] = [("header", headers)]
    for i in range(n_body):
        if i in section_at:
            rows.append(("section", [str(next(sections))]))
        rows.append(("body", [_cell_text(rng, k) for k in kinds]))

    probe = ImageDraw.Draw(Image.new("L", (1, 1)))

    def text_w(t: str, f: ImageFont.FreeTypeFont) -> int:
        x1, _, x2, _ = probe.textbbox((0, 0), t, font=f)
        return int(x2 - x1)

    pad_x = int(rng.integers(4, 9)) * zoom
    pad_y = int(rng.integers(2, 5)) * zoom
    col_w = [0] * n_cols
    for kind, texts in rows:
        if kind == "section":
            continue
        for j, t in enumerate(texts):
            col_w[j] = max(col_w[j], text_w(t, bold if kind == "header" else regular) + 2 * pad_x)
    ascent, descent = regular.getmetrics()
    row_h = ascent + descent + 2 * pad_y
    rule = max(1, int(rng.integers(1, 3))) * zoom // 2 + 1
    margin = int(rng.integers(8, 30)) * zoom
    xs = [margin]
    for cw in col_w:
        xs.append(xs[-1] + cw + rule)
    ys = [margin]
    for _ in rows:
        ys.append(ys[-1] + row_h + rule)
    W, H = xs[-1] + rule + margin, ys[-1] + rule + margin
    paper = style.paper_grey
    img = Image.new("L", (W, H), paper)
    draw = ImageDraw.Draw(img)
    if style.header_shade is not None:
        draw.rectangle((xs[0], ys[0], xs[-1], ys[1]), fill=style.header_shade)
    for x in xs:
        draw.rectangle((x, ys[0], x + rule - 1, ys[-1] + rule - 1), fill=style.rule_grey)
    for y in ys:
        draw.rectangle((xs[0], y, xs[-1] + rule - 1, y + rule - 1), fill=style.rule_grey)
    numeric_right = rng.random() < 0.6
    cells: list[Cell] = []
    for r, (kind, texts) in enumerate(rows):
        y0 = ys[r] + rule + pad_y
        if kind == "section":
            # one cell across the table: erase the inner vertical rules of this row
            draw.rectangle((xs[0] + rule, ys[r] + rule, xs[-1] - 1, ys[r + 1] - 1), fill=paper)
            draw.text((xs[0] + rule + pad_x, y0), texts[0], font=bold, fill=style.ink_grey)
            cells.append(Cell(r, 0, texts[0], (xs[0], ys[r], xs[-1], ys[r + 1]), 1, n_cols))
            continue
        f = bold if kind == "header" else regular
        for j, t in enumerate(texts):
            tw = text_w(t, f)
            if kind == "header":
                x = xs[j] + (xs[j + 1] - xs[j] + rule - tw) // 2
            elif j > 0 and kinds[j] != "word" and numeric_right:
                x = xs[j + 1] - pad_x - tw
            else:
                x = xs[j] + rule + pad_x
            draw.text((x, y0), t, font=f, fill=style.ink_grey)
            cells.append(Cell(r, j, t, (xs[j], ys[r], xs[j + 1], ys[r + 1])))
    # gold boundaries on the rules' centres; the table box is the outer rules' extent
    c = rule / 2
    bx = (xs[0], ys[0], xs[-1] + rule, ys[-1] + rule)
    cx = [xs[0]] + [round(x + c) for x in xs[1:-1]] + [xs[-1] + rule]
    cy = [ys[0]] + [round(y + c) for y in ys[1:-1]] + [ys[-1] + rule]
    columns = tuple(Column(j, headers[j], (cx[j], bx[1], cx[j + 1], bx[3])) for j in range(n_cols))
    out_rows = tuple(
        Row(r, texts[0], kind == "header", (bx[0], cy[r], bx[2], cy[r + 1]))
        for r, (kind, texts) in enumerate(rows)
    )
    cells = [
        dataclasses.replace(
            cl, bbox=(cx[cl.col], cy[cl.row], cx[cl.col + cl.col_span], cy[cl.row + 1])
        )
        for cl in cells
    ]
    gold = Layout(W, H, "table", Table(bx, columns, out_rows, tuple(cells)), confidence=1.0)
    scale = style.width / W
    scan = Degradation(
        "scan", scale=scale, blur=style.blur, jpeg=style.jpeg, noise=float(rng.uniform(0, 4))
    )
    rgb = Image.merge("RGB", (img, img, img))
    return degrade_pair(rgb, gold, scan, seed)
