"""Pixels as numpy arrays: flattening alpha, grey, the page colour, runs, a colour palette.

The one place every detector gets these from: the page colour (the commonest
colour, or grey, on the image's outer ring), the commonest grey of a block, and
maximal runs of True along a 1-D mask.

Chart and figure detection work on flat-coloured synthetic graphics, so a
coarse colour quantisation (32 levels a channel) groups each fill into one
label while anti-aliased edges fall into rare bins and are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

U8 = npt.NDArray[np.uint8]
F = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]

_SHIFT = 3  # 256 >> 3 = 32 levels a channel
_LEVELS = 256 >> _SHIFT


def to_rgb_array(image: Image.Image) -> U8:
    """RGB uint8 array of ``image``; transparent pixels become white (how viewers show them)."""
    if image.mode == "RGB":
        return np.asarray(image, dtype=np.uint8)
    if image.mode in ("RGBA", "LA", "PA", "P"):
        rgba = image.convert("RGBA")
        page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        page.alpha_composite(rgba)
        return np.asarray(page.convert("RGB"), dtype=np.uint8)
    return np.asarray(image.convert("RGB"), dtype=np.uint8)


def gray(rgb: U8) -> npt.NDArray[np.int16]:
    """Integer luminance (0..255), cheap and exact enough for ink masks."""
    r = rgb[..., 0].astype(np.int32)
    g = rgb[..., 1].astype(np.int32)
    b = rgb[..., 2].astype(np.int32)
    return ((r * 77 + g * 150 + b * 29) >> 8).astype(np.int16)


def grey_of(image: Image.Image) -> U8:
    """8-bit grey of ``image``; transparent pixels become white."""
    if image.mode in ("RGBA", "LA", "PA") or image.mode == "P":
        return np.asarray(Image.fromarray(to_rgb_array(image), "RGB").convert("L"), dtype=np.uint8)
    return np.asarray(image.convert("L"), dtype=np.uint8)


LIGHT_STEP = 6
"""Grey levels of illumination change across the page below which the page is left as it is."""


def even_light(grey: U8) -> U8:
    """``grey`` with uneven illumination taken off (a scan or photo lit from one side).

    The light is modelled as a quadratic surface over the page (a plane for light
    from one side, the curved terms for a photo's light falling off towards the
    corners), fitted to the paper seen on the image's outer ring (robustly: pixels
    far from the ring's typical grey, i.e. ink touching the edge, are left out,
    then those far from the first fit); the ring holds each term (the top and
    bottom rows the curve across, the sides the curve down). The page is divided
    by it, so ink stays as dark relative to its paper everywhere. Shading inside
    the image (header bands) is not on the ring and stays. Images lit evenly (the
    surface varies less than ``LIGHT_STEP``) are returned unchanged.
    """
    h, w = grey.shape
    if h < 8 or w < 8:
        return grey
    k = 2
    ys = np.r_[
        np.repeat(np.arange(k), w),
        np.repeat(np.arange(h - k, h), w),
        np.tile(np.arange(k, h - k), k),
        np.tile(np.arange(k, h - k), k),
    ]
    xs = np.r_[
        np.tile(np.arange(w), k),
        np.tile(np.arange(w), k),
        np.repeat(np.arange(k), h - 2 * k),
        np.repeat(np.arange(w - k, w), h - 2 * k),
    ]
    v = grey[ys, xs].astype(np.float64)
    a = _light_terms(xs / w - 0.5, ys / h - 0.5)
    keep = np.abs(v - np.median(v)) <= 40
    coef: F = np.zeros(a.shape[1])
    for _ in range(2):
        if keep.sum() < 20:
            return grey
        coef = np.asarray(np.linalg.lstsq(a[keep], v[keep], rcond=None)[0], dtype=np.float64)
        keep = np.abs(v - a @ coef) <= 12
    gy, gx = np.meshgrid(np.linspace(-0.5, 0.5, 9), np.linspace(-0.5, 0.5, 9), indexing="ij")
    probe = _light_terms(gx.ravel(), gy.ravel()) @ coef
    if float(probe.max() - probe.min()) < LIGHT_STEP or float(probe.min()) <= 16:
        return grey
    yy = (np.arange(h, dtype=np.float64) / h - 0.5)[:, None]
    xx = (np.arange(w, dtype=np.float64) / w - 0.5)[None, :]
    c = coef
    light = (c[0] + c[1] * xx + c[3] * xx * xx) + (c[2] + c[4] * yy) * yy + c[5] * xx * yy
    top = float(probe.max())
    out: U8 = np.clip(grey * (top / np.maximum(light, 1.0)), 0, 255).round().astype(np.uint8)
    return out


def _light_terms(x: F, y: F) -> F:
    """The light model's terms at page coordinates ``x``, ``y`` (each -0.5 .. 0.5)."""
    out: F = np.stack([np.ones_like(x), x, y, x * x, y * y, x * y], axis=1)
    return out


def runs(flags: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Maximal runs of True in a 1-D array, as half-open (start, end) spans."""
    if flags.size == 0 or not flags.any():
        return []
    d = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts = np.flatnonzero(d == 1).tolist()
    ends = np.flatnonzero(d == -1).tolist()
    return list(zip(starts, ends, strict=True))


def _window(
    a: npt.NDArray[np.bool_], length: int, axis: int, op: np.ufunc
) -> npt.NDArray[np.bool_]:
    """``op`` (logical and / or) over every window of ``length`` along ``axis``, one value
    per window start: the window doubles at each step, so about log2(length) passes
    over the array (running sums cost several times more)."""

    def part(x: npt.NDArray[np.bool_], lo: int, hi: int) -> npt.NDArray[np.bool_]:
        return x[lo:hi] if axis == 0 else x[:, lo:hi]

    out, k = a, 1
    while 2 * k <= length:
        n = out.shape[axis]
        out = op(part(out, 0, n - k), part(out, k, n))
        k *= 2
    if k < length:
        n = out.shape[axis]
        out = op(part(out, 0, n - (length - k)), part(out, length - k, n))
    return out


def long_runs(mask: npt.NDArray[np.bool_], length: int, axis: int) -> npt.NDArray[np.bool_]:
    """Pixels of ``mask`` on a run at least ``length`` long along ``axis`` (0: vertical,
    1: horizontal): rules, axes and frames, as against glyph strokes."""
    length = max(1, length)
    if mask.shape[axis] < length:
        return np.zeros_like(mask)
    # full: the window starting there is all set; a pixel is on a run when one of the
    # windows reaching it is full.
    full = _window(mask, length, axis, np.logical_and)
    pad = [(0, 0), (0, 0)]
    pad[axis] = (length - 1, length - 1)
    return _window(np.pad(full, pad), length, axis, np.logical_or)


def commonest_grey(block: npt.NDArray[np.integer]) -> int:
    """The commonest value (0..255) of a block of grey pixels: its background."""
    return int(np.bincount(np.asarray(block).ravel().clip(0, 255), minlength=256).argmax())


def border_grey(grey: npt.NDArray[np.integer]) -> int:
    """The page in grey: the commonest value on the image's outermost pixel ring."""
    return commonest_grey(np.concatenate([grey[0, :], grey[-1, :], grey[:, 0], grey[:, -1]]))


def noise_sigma(grey: npt.NDArray[np.integer], page: int) -> float:
    """Standard deviation of the grain on the page (0 for clean renders, a few levels for
    scans and noisy photos), from neighbouring page pixels' differences (robust MAD)."""
    a = np.asarray(grey, dtype=np.int16)
    if a.ndim != 2 or a.shape[1] < 2:
        return 0.0
    near = np.abs(a - page) < 30
    d = (a[:, 1:] - a[:, :-1])[near[:, 1:] & near[:, :-1]]
    if d.size < 100:
        return 0.0
    mad = float(np.median(np.abs(d - np.median(d))))
    return 1.4826 * mad / float(np.sqrt(2.0))


def otsu_level(values: npt.NDArray[np.integer]) -> int:
    """Otsu's threshold (0..255) splitting ``values`` into two classes, e.g. faint halo and
    ink strokes: the level that maximises the between-class variance."""
    hist = np.bincount(np.asarray(values).ravel().clip(0, 255), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * np.arange(256))
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (m0[-1] * w0 / total - m0) ** 2 / (w0 * w1 / total)
    between[~np.isfinite(between)] = 0.0
    return int(np.argmax(between))


def border_colour(rgb: U8) -> tuple[int, int, int]:
    """Most common colour on the image's outermost pixel ring: the page."""
    edge = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]).astype(np.int64)
    packed = (edge[:, 0] << 16) | (edge[:, 1] << 8) | edge[:, 2]
    values, counts = np.unique(packed, return_counts=True)
    top = int(values[int(np.argmax(counts))])
    return (top >> 16) & 255, (top >> 8) & 255, top & 255


def colour_distance(rgb: U8, colour: tuple[int, int, int]) -> npt.NDArray[np.int16]:
    """Largest per-channel difference from ``colour`` (Chebyshev), per pixel."""
    # Channel by channel: a reduction over the short last axis is ten times slower.
    out: npt.NDArray[np.int16] = np.abs(rgb[..., 0].astype(np.int16) - np.int16(colour[0]))
    for c in (1, 2):
        np.maximum(out, np.abs(rgb[..., c].astype(np.int16) - np.int16(colour[c])), out=out)
    return out


def colour_step(a: U8, b: U8) -> npt.NDArray[np.int16]:
    """Largest per-channel difference between the pixels of two RGB arrays of one shape
    (the step from one to the other), per pixel; channel by channel, as
    :func:`colour_distance`."""
    out: npt.NDArray[np.int16] = np.abs(a[..., 0].astype(np.int16) - b[..., 0])
    for c in (1, 2):
        np.maximum(out, np.abs(a[..., c].astype(np.int16) - b[..., c]), out=out)
    return out


@dataclass(frozen=True)
class Palette:
    """Per-pixel colour labels: ``labels[y, x]`` is a palette index or -1 (rare colour)."""

    labels: I32
    colours: tuple[tuple[int, int, int], ...]
    counts: tuple[int, ...]


def _folded_bins(hist: I64, min_count: int) -> tuple[list[int], I32]:
    """Frequent bins, each a colour unless a much fuller neighbour bin takes it in; the
    lookup from bin to colour index (-1: rare)."""
    big = np.flatnonzero(hist >= min_count)
    big_set = {int(b) for b in big}
    # A bin next to a much fuller bin is that fill's spill (noise, a bin edge): fold it in.
    # One step only, so a gradient of anti-aliased greys never chains into one colour.
    target: dict[int, int] = {}
    for b in big_set:
        r, g, bl = b // (_LEVELS * _LEVELS), (b // _LEVELS) % _LEVELS, b % _LEVELS
        best, best_n = b, int(hist[b]) * 4
        for dr, dg, db in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (-1, 0, 0), (0, -1, 0), (0, 0, -1)):
            nr, ng, nb = r + dr, g + dg, bl + db
            if not (0 <= nr < _LEVELS and 0 <= ng < _LEVELS and 0 <= nb < _LEVELS):
                continue
            n = (nr * _LEVELS + ng) * _LEVELS + nb
            if n in big_set and int(hist[n]) > best_n:
                best, best_n = n, int(hist[n])
        target[b] = best
    roots = sorted({t for b, t in target.items() if target.get(t, t) == t})
    index = {r: i for i, r in enumerate(roots)}
    lut = np.full(_LEVELS**3, -1, dtype=np.int32)
    for b, t in target.items():
        if t in index:  # else its target folds elsewhere: it is dropped as rare
            lut[b] = index[t]
    return roots, lut


def _bin_centres(bins: I64) -> npt.NDArray[np.float64]:
    """Each packed bin's centre colour (0..255 a channel), one row per bin."""
    rgb = np.stack([bins // (_LEVELS * _LEVELS), (bins // _LEVELS) % _LEVELS, bins % _LEVELS], -1)
    return np.asarray(rgb * (1 << _SHIFT) + (1 << (_SHIFT - 1)), dtype=np.float64)


def _merge_near(
    hist: I64, lut: I32, colours: npt.NDArray[np.float64], counts: I64, tolerance: float
) -> tuple[I32, npt.NDArray[np.int32]]:
    """Colours within ``tolerance`` of a fuller one are that fill (grain, JPEG's blocky
    chroma or a bin edge split it over bins of similar counts, in any direction); then
    every bin seen, however rare, takes the nearest colour within ``tolerance`` of its
    centre (plus half a bin: a centre is up to that far from its pixels).
    Returns the new bin lookup and, per old colour, its new index."""
    kept: list[int] = []  # old colour indices that stay colours, fullest first
    kept_colours = np.empty_like(colours)  # their colours, in the same order
    new_of = np.full(len(colours), -1, dtype=np.int32)
    for i in np.argsort(-counts, kind="stable").tolist():
        n_kept = len(kept)
        near = np.flatnonzero(
            np.abs(kept_colours[:n_kept] - colours[i]).max(axis=1) <= tolerance
        )
        new_of[i] = int(near[0]) if near.size else n_kept
        if not near.size:
            kept_colours[n_kept] = colours[i]
            kept.append(i)
    out = np.full(lut.shape, -1, dtype=np.int32)
    own = lut >= 0
    out[own] = new_of[lut[own]]
    rare = np.flatnonzero((hist > 0) & ~own)
    if kept and rare.size:
        dist = np.abs(_bin_centres(rare)[:, None, :] - colours[kept][None]).max(axis=2)
        nearest = dist.argmin(axis=1)
        ok = dist[np.arange(rare.size), nearest] <= tolerance + (1 << (_SHIFT - 1))
        out[rare[ok]] = nearest[ok].astype(np.int32)
    return out, new_of


def palette(rgb: U8, min_count: int, tolerance: float = 0.0) -> Palette:
    """Label every pixel with its frequent colour (bins of 8 levels, neighbouring bins merged).

    ``tolerance`` (0..255, how far grain or re-encoding spreads one fill): see
    :func:`_merge_near`.
    """
    q = rgb >> _SHIFT
    packed = (q[..., 0].astype(np.int32) * _LEVELS + q[..., 1]) * _LEVELS + q[..., 2]
    flat = packed.ravel()
    hist = np.bincount(flat, minlength=_LEVELS**3)
    roots, lut = _folded_bins(hist, min_count)
    counts = np.bincount(lut + 1, weights=hist, minlength=len(roots) + 1)[1:].astype(np.int64)
    # Each colour's channel sums from its bins' sums (whole numbers, so exact in floats):
    # labelling every pixel only once, at the end, and no gather of labelled pixels.
    own = np.flatnonzero(lut >= 0)
    sums = np.zeros((len(roots), 3), dtype=np.float64)
    if roots:
        for c in range(3):
            per_bin = np.bincount(flat, weights=rgb[..., c].ravel(), minlength=_LEVELS**3)
            sums[:, c] = np.bincount(lut[own], weights=per_bin[own], minlength=len(roots))
    means = sums / np.maximum(counts, 1)[:, None]
    if tolerance > 0 and roots:
        lut, new_of = _merge_near(hist, lut, means, counts, tolerance)
        # Merged colours: their pixels' mean; rare bins taken in are few and near.
        n = int(new_of.max()) + 1
        sums = np.stack(
            [np.bincount(new_of, weights=sums[:, c], minlength=n) for c in range(3)], -1
        )
        means = sums / np.maximum(np.bincount(new_of, weights=counts, minlength=n), 1)[:, None]
        counts = np.bincount(lut + 1, weights=hist, minlength=n + 1)[1:].astype(np.int64)
    colours = tuple((int(round(m[0])), int(round(m[1])), int(round(m[2]))) for m in means)
    return Palette(lut[packed], colours, tuple(int(c) for c in counts))
