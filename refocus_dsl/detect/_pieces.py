"""Solid runs of one palette colour grouped into pieces, before they are bars' rectangles.

Why a module of its own: these steps work on the label image and on plain
(colour, x1, y1, x2, y2) pieces only (runs, rows grouped, thin lines healed over,
wandering edges knitted, fills grown over what is drawn inside them); what makes a
piece a bar is :mod:`._bars`' business.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from refocus_dsl.detect._raster import I32, I64

Piece = tuple[int, int, int, int, int]
"""A solid run group before it is a bar's rectangle: (colour, x1, y1, x2, y2)."""


def runs(labels: I32, min_len: int) -> tuple[I64, I64, I64, I64]:
    """All horizontal runs of one label: (row, x1, x2, label) arrays, label >= 0."""
    h, w = labels.shape
    padded = np.concatenate([labels, np.full((h, 1), -2, dtype=np.int32)], axis=1).ravel()
    change = np.flatnonzero(padded[1:] != padded[:-1]) + 1
    starts = np.concatenate([np.zeros(1, dtype=np.int64), change])
    ends = np.concatenate([change, np.array([padded.size], dtype=np.int64)])
    vals = padded[starts]
    keep = (vals >= 0) & (ends - starts >= min_len)
    starts, ends, vals = starts[keep], ends[keep], vals[keep]
    rows = starts // (w + 1)
    x1 = starts % (w + 1)
    return rows, x1, x1 + (ends - starts), vals.astype(np.int64)


def group_runs(rows: I64, x1: I64, x2: I64, vals: I64) -> list[Piece]:
    """Runs with the same (label, x1, x2) on consecutive rows -> (label, x1, y1, x2, y2)."""
    if rows.size == 0:
        return []
    order = np.lexsort((rows, x2, x1, vals))
    r, a, b, v = rows[order], x1[order], x2[order], vals[order]
    new = np.ones(r.size, dtype=bool)
    new[1:] = (v[1:] != v[:-1]) | (a[1:] != a[:-1]) | (b[1:] != b[:-1]) | (r[1:] != r[:-1] + 1)
    idx = np.flatnonzero(new)
    last = np.concatenate([idx[1:] - 1, np.array([r.size - 1])])
    return [
        (int(v[i]), int(a[i]), int(r[i]), int(b[i]), int(r[j]) + 1)
        for i, j in zip(idx.tolist(), last.tolist(), strict=True)
    ]


def heal(
    labels: I32, excluded: set[int], width: int = 3, along: int | None = None,
    background: int | None = None,
) -> I32:
    """Thin lines (gridlines, dashes) drawn across a fill, at most ``width`` px wide,
    painted over with the fill when the same colour lies on both sides of them.

    ``along``: the axis the bars sought run along (0: vertical bars); across that axis
    a gap showing the ``background`` colour is left: it is the plot's background
    between two bars of a dense chart, not a line drawn over one bar."""
    out: I32 = labels.copy()
    ok = labels >= 0
    for c in excluded:
        ok &= labels != c
    for axis in (0, 1):
        src = out if axis == 0 else out.T
        okv = ok if axis == 0 else ok.T
        n = src.shape[0]
        keep_gaps = along is not None and axis != along and background is not None
        for k in range(1, width + 1):
            if n <= k + 1:
                continue
            a, b = src[: n - k - 1], src[k + 1 :]
            fill = (a == b) & okv[: n - k - 1]
            if keep_gaps:
                for j in range(1, k + 1):
                    fill &= src[j : j + n - k - 1] != background
            for j in range(1, k + 1):
                np.copyto(src[j : j + n - k - 1], a, where=fill)
    return out


def knit(raw: list[Piece], jitter: int) -> list[Piece]:
    """Pieces of one colour on touching rows whose sides differ by at most ``jitter`` px,
    joined: on a blurred or grainy image a bar's edge pixels fall either side of it
    row by row, so its rows no longer start and end alike and it comes apart into
    strips. The joined piece keeps the sides of its tallest part."""
    out: list[list[int]] = []
    open_by: dict[tuple[int, int], list[int]] = {}  # (colour, next row) -> pieces ending there
    for c, a, y1, b, y2 in sorted(raw, key=lambda t: (t[0], t[2], t[1])):
        best = -1
        for i in open_by.get((c, y1), []):
            m = out[i]
            if abs(m[1] - a) <= jitter and abs(m[3] - b) <= jitter:
                best = i
                break
        if best < 0:
            out.append([c, a, y1, b, y2, y2 - y1])
            open_by.setdefault((c, y2), []).append(len(out) - 1)
            continue
        m = out[best]
        open_by[(c, y1)].remove(best)
        if y2 - y1 > m[5]:  # the taller part's sides
            m[1], m[3], m[5] = a, b, y2 - y1
        m[4] = y2
        open_by.setdefault((c, y2), []).append(best)
    return [(c, a, y1, b, y2) for c, a, y1, b, y2, _ in out]


def _run_length(ok: npt.NDArray[np.bool_]) -> int:
    """How many leading entries are true."""
    return int(ok.size if ok.all() else np.argmin(ok))


def past_objects(labels: I32, piece: list[int]) -> list[int]:
    """A fill grown over what is drawn inside it at an end (a marker or a value printed
    at a bar's foot cuts it off its baseline): beyond the end, as long as both its edges
    go on in its colour and it covers most of the rows (columns) there. Rejoining pieces
    above and below needs a piece beyond the object; at a bar's foot there is none."""
    c, a, y1, b, y2 = piece
    if b - a < 6 or y2 - y1 < 6:
        return piece
    edges = labels[:, [a + 1, b - 2]] == c
    down = _run_length(edges[y2:].all(axis=1))
    up = _run_length(edges[:y1][::-1].all(axis=1))
    if down and np.mean(labels[y2 : y2 + down, a:b] == c) >= 0.3:
        y2 += down
    if up and np.mean(labels[y1 - up : y1, a:b] == c) >= 0.3:
        y1 -= up
    rows = labels[[y1 + 1, y2 - 2], :] == c
    right = _run_length(rows[:, b:].all(axis=0))
    left = _run_length(rows[:, :a][:, ::-1].all(axis=0))
    if right and np.mean(labels[y1:y2, b : b + right] == c) >= 0.3:
        b += right
    if left and np.mean(labels[y1:y2, a - left : a] == c) >= 0.3:
        a -= left
    return [c, a, y1, b, y2]


def without_inner(before: list[list[int]], after: list[list[int]]) -> list[list[int]]:
    """``after`` less the pieces that lie inside a grown piece of their colour (the
    pieces either side of the object it grew over, and the copies it became)."""
    grown = [p for p, q in zip(after, before, strict=True) if p != q]
    if not grown:
        return after
    arr = np.asarray(after, dtype=np.int64).reshape(-1, 5)
    inner = np.zeros(len(after), dtype=bool)
    for c, a, y1, b, y2 in {tuple(p) for p in grown}:
        inside = (arr[:, 0] == c) & (arr[:, 1] >= a) & (arr[:, 2] >= y1) & (arr[:, 3] <= b)
        inside &= arr[:, 4] <= y2
        first = int(np.flatnonzero(inside & (arr[:, 1] == a) & (arr[:, 2] == y1)
                                   & (arr[:, 3] == b) & (arr[:, 4] == y2))[0])
        inside[first] = False  # the grown piece itself, once
        inner |= inside
    return [p for p, drop in zip(after, inner, strict=True) if not drop]
