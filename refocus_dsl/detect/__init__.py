"""``detect_layout``: image in, :class:`~refocus_dsl.layout.Layout` out.

One entry point for every kind. ``kind="auto"`` asks
:func:`refocus_dsl.detect.classify.classify_kind` (tables when that module is
absent). Each kind's detector is a function ``detect_<kind>(image, ocr) ->
Layout`` in its own module; this module only loads the image, consults the
cache, times the work, counts OCR calls and records them in ``Layout.detector``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from PIL import Image

from refocus_dsl.cache import LayoutCache, default_cache
from refocus_dsl.detect._scale import (
    MIN_SIDE_PX,
    ScaledOcr,
    choose_factor,
    scale_layout,
    working_copy,
)
from refocus_dsl.detect.prepared import Prepared
from refocus_dsl.detect.runner_up import (
    SURE_CHART,
    SURE_TABLE,
    chart_beats_cut,
    cut_by_edge,
    cut_through_bars,
    fat_bars,
    figure_of_plots,
    figure_wins,
    fragments_only,
    may_be_bands,
    sliced_without_bars,
    table_beats_slices,
    table_wins,
    unlabelled,
)
from refocus_dsl.errors import LayoutError
from refocus_dsl.imageio import LoadedImage, check_detectable, load_image, normalize_image
from refocus_dsl.layout import Layout
from refocus_dsl.ocr import OcrEngine, get_ocr
from refocus_dsl.ocr_time import OcrTimeLimit, ocr_time_limit

DETECTOR_VERSION = "5"
"""Bumped whenever detection output can change outside the three detectors (the kind
classifier, the runner-up checks, the working copy); part of every cache key with each
detector's own VERSION."""

KINDS = ("auto", "table", "chart", "figure")

Detector = Callable[..., Layout]
"""``detect_<kind>(image, ocr)``; the chart and figure detectors also take a
:class:`~refocus_dsl.detect.prepared.Prepared` value."""

__all__ = ["DETECTOR_VERSION", "KINDS", "classify_image", "detect_layout"]


def _detector(kind: str) -> tuple[Detector, str]:
    """The detect function for ``kind`` and its module's VERSION."""
    module_name = {"table": "table", "chart": "chart", "figure": "figure"}[kind]
    name = f"refocus_dsl.detect.{module_name}"
    try:
        module = import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:  # the detector is there but something it imports is not
            raise
        raise LayoutError(f"no {kind} detector is installed ({exc})") from None
    fn: Detector = getattr(module, f"detect_{kind}")
    return fn, str(getattr(module, "VERSION", "0"))


def classify_image(image: Image.Image) -> tuple[str, str]:
    """(kind, how it was decided) for ``kind="auto"``."""
    found = _classified(image)
    return found.kind, found.how


@dataclass(frozen=True)
class _Classified:
    """The classifier's decision, how it was made, its pixel work for the detector, and
    how many big pieces (panels) it saw: two or more make a figure the runner-up."""

    kind: str
    how: str
    prepared: Prepared | None = None
    pieces: int = 0


def _classified(image: Image.Image) -> _Classified:
    try:
        module = import_module("refocus_dsl.detect.classify")
    except ImportError:
        return _Classified("table", "no classifier installed: assumed a table")
    analysis = module.analyse(image)
    kind = str(analysis.kind)
    if kind not in ("table", "chart", "figure"):
        return _Classified("table", f"classifier said {kind!r}: assumed a table")
    pieces = int(getattr(analysis.features, "n_panels", 0))
    return _Classified(kind, "classified automatically", analysis.prepared, pieces)


def _as_image(image: Image.Image | str | Path | LoadedImage) -> LoadedImage:
    if isinstance(image, LoadedImage):
        return image
    if isinstance(image, Image.Image):
        return normalize_image(image)
    if not isinstance(image, (str, Path, bytes)):
        hint = " (an array: PIL.Image.fromarray(a) first)" if hasattr(image, "shape") else ""
        raise TypeError(
            "detect_layout() takes a PIL image, a file path or the file's bytes, not "
            f"{type(image).__name__}{hint}"
        )
    return load_image(image)


def _versions() -> str:
    parts = [f"detect={DETECTOR_VERSION}"]
    for kind in ("table", "chart", "figure"):
        try:
            module = import_module(f"refocus_dsl.detect.{kind}")
        except ImportError:
            continue
        parts.append(f"{kind}={getattr(module, 'VERSION', '0')}")
    return ",".join(parts)


def _reread(
    kind: str, img: Image.Image, engine: OcrEngine, layout: Layout, notes: list[str],
    wins: Callable[[Layout, Layout], str | None], why_poor: str = "",
) -> tuple[str, str, Layout] | None:
    """The ``kind`` reading, when ``wins`` says why it beats ``layout`` (a doubtful
    reading of another kind)."""
    fn, version = _detector(kind)
    other = fn(img, engine)
    why = wins(other, layout)
    if why is None:
        return None
    notes.append(f"kind {kind}: {why_poor} and {why}" if why_poor else f"kind {kind}: {why}")
    return kind, version, other


def _figure_instead(
    img: Image.Image, engine: OcrEngine, layout: Layout, notes: list[str], why_poor: str,
    wins: Callable[[Layout, Layout], str | None] = figure_wins,
) -> tuple[str, str, Layout] | None:
    """The figure reading, when it beats ``layout`` (a poor reading of another kind)."""
    if len(import_module("refocus_dsl.detect.figure").find_panels(img).boxes) < 2:
        return None  # one panel: the figure detector would read it as one chart again
    return _reread("figure", img, engine, layout, notes, wins, why_poor)


def _chart_doubt(chart: Layout) -> str | None:
    """Why a chart reading may rest on another kind's marks, or None: it names no
    category, or, unsure, its bars are only fragments, run into the image's edge or
    have one length like a table's bands. Checked on the chart reading alone, so a
    sound chart costs nothing more."""
    if unlabelled(chart):
        return "the chart reading found no category labels"
    if (chart.confidence or 0.0) >= SURE_CHART:
        return None  # short or equal bars of a sure chart: small values, a fixed axis
    if fragments_only(chart):
        return "the chart reading's bars are fragments"
    if cut_by_edge(chart):
        return "the chart reading's bars run into the image's edge"
    if may_be_bands(chart):
        return "the chart reading's bars are of one length"
    return None


def _cross_checked(
    img: Image.Image, engine: OcrEngine, found: _Classified, reading: tuple[str, str, Layout],
    notes: list[str],
) -> tuple[str, str, Layout]:
    """(kind, version, layout) after reading the runner-up kind too, when the chosen
    reading is poor and the classifier's evidence left another kind close: then the
    better supported of the two readings is kept. Only such images pay for a second
    detector."""
    chosen, _, layout = reading
    if chosen != "table" and layout.kind == "chart":
        # The classifier sees only pixels; ruled or shaded tables can look like bars
        # (or like panels, which then come back as one chart). When the chart reading
        # is in doubt, let the table detector try; when it names nothing, or is unsure
        # and the classifier saw several pieces, the figure detector.
        if _chart_doubt(layout) is not None:
            table = _reread("table", img, engine, layout, notes, table_wins)
            if table is not None:
                return table
        if unlabelled(layout):
            figure = _figure_instead(img, engine, layout, notes, "the chart reading found no "
                                     "category labels and the table reading does not win")
            return figure or reading
        if found.pieces >= 2 and (layout.confidence or 0.0) < SURE_CHART:
            figure = _figure_instead(img, engine, layout, notes,
                                     "the chart reading of several pieces is unsure")
            return figure or reading
        if found.pieces >= 2 and fat_bars(layout):
            # Plots on tinted grounds side by side, read as one chart of huge bars.
            figure = _figure_instead(img, engine, layout, notes, "the chart reading's bars "
                                     "are thicker than long", figure_of_plots)
            return figure or reading
        return reading
    if chosen == "figure" and layout.kind == "figure" and sliced_without_bars(layout):
        # A table cut at its rules comes apart into slices: read it as a table too.
        return _reread("table", img, engine, layout, notes, table_beats_slices) or reading
    if chosen == "figure" and layout.kind == "figure" and cut_through_bars(layout):
        # One chart cut in two at a gap that whitespace or a bar's edge opened.
        return _reread("chart", img, engine, layout, notes, chart_beats_cut) or reading
    if chosen == "table" and found.pieces >= 2 and (layout.confidence or 0.0) < SURE_TABLE:
        # Two or more big pieces the classifier took for parts of one table, and the
        # table reading is unsure: they may be panels.
        figure = _figure_instead(img, engine, layout, notes, "the table reading is unsure")
        return figure or reading
    return reading


def _detect_kind(
    img: Image.Image, kind: str, engine: OcrEngine, notes: list[str]
) -> tuple[str, str, Layout, float]:
    """(kind chosen, its detector's version, the layout, seconds spent classifying)."""
    t0 = time.perf_counter()
    found = _classified(img) if kind == "auto" else None
    chosen = found.kind if found is not None else kind
    if found is not None:
        notes.append(f"kind {chosen}: {found.how}")
    t_cls = time.perf_counter() - t0
    fn, version = _detector(chosen)
    # The chart detector (also for a figure of one panel) starts from the fills the
    # classifier already read.
    prepared = found.prepared if found is not None else None
    layout = fn(img, engine, prepared) if chosen != "table" and prepared else fn(img, engine)
    if found is not None:
        chosen, version, layout = _cross_checked(img, engine, found, (chosen, version, layout),
                                                 notes)
    return chosen, version, layout, t_cls


def detect_layout(
    image: Image.Image | str | Path | LoadedImage,
    kind: str = "auto",
    *,
    ocr: OcrEngine | str | None = None,
    cache: LayoutCache | bool | None = None,
    ocr_time: OcrTimeLimit | None = None,
) -> Layout:
    """Detect the layout of a table, bar chart or multi-panel figure from pixels.

    ``ocr``: an engine, a backend name, or None for the fastest available.
    ``cache``: None for the process-wide cache (memory + disk), False for none,
    or a :class:`~refocus_dsl.cache.LayoutCache`.
    ``ocr_time``: how long OCR may take (None: the enclosing
    :func:`~refocus_dsl.ocr_time.ocr_time_limit`'s, else 15 s a call, 60 s in all); a call
    stopped at it leaves its text unread, which the layout's notes say (and such a
    layout is not cached).
    """
    if kind not in KINDS:
        raise LayoutError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    loaded = _as_image(image)
    img = loaded.image
    check_detectable(img)
    engine = ocr if ocr is not None and not isinstance(ocr, str) else get_ocr(ocr or "auto")
    store: LayoutCache | None
    if cache is None or cache is True:
        store = default_cache()
    elif cache is False:
        store = None
    else:
        store = cache
    model = str(getattr(engine, "model", ""))
    key = LayoutCache.key(img, kind, _versions(), engine.name, model) if store is not None else ""
    if store is not None:
        hit = store.get(key)
        if hit is not None:
            det = dict(hit.detector or {})
            det["cache"] = "hit"
            return dataclasses.replace(hit, detector=det)

    t0 = time.perf_counter()
    calls0, secs0 = engine.calls, engine.seconds
    notes = list(loaded.notes)
    if img.mode in ("RGBA", "LA"):
        lowest_alpha = img.getchannel("A").getextrema()[0]
        if isinstance(lowest_alpha, (int, float)) and lowest_alpha < 255:  # opaque RGBA: no note
            notes.append("transparent pixels are read as white")
    # Big images: structure from a reduced copy, text from the original (see _scale).
    factor = choose_factor(img)
    work = working_copy(img, factor)
    work_ocr: OcrEngine = engine if factor == 1 else ScaledOcr(engine, img, work, factor)
    if factor > 1:
        notes.append(f"analysed at 1/{factor} size ({work.width}x{work.height})")
        if min(work.size) < MIN_SIDE_PX:
            notes.append(f"at that size its short side is under {MIN_SIDE_PX} px, too thin "
                         "for a line of text: crop the image to its content")
    with ocr_time_limit(ocr_time) as tally:
        chosen, version, layout, t_cls = _detect_kind(work, kind, work_ocr, notes)
    cut_short = tally.note()
    if cut_short is not None:
        notes.append(cut_short)
    if factor > 1:
        layout = scale_layout(layout, img.size)
        # A table turned or photographed at an angle reads its text on the straightened
        # working copy (the original's pixels do not line up with its cells).
        straightened = {"perspective_px", "skew_degrees"} & set(layout.detector or {})
        at = notes.index(f"analysed at 1/{factor} size ({work.width}x{work.height})")
        notes[at] += ("; text read from that copy, straightened" if straightened
                      else "; text read from the original")
    total = time.perf_counter() - t0
    detector: dict[str, Any] = dict(layout.detector or {})
    detector.update(
        {
            "name": "refocus-dsl",
            "version": f"{DETECTOR_VERSION}/{chosen}-{version}",
            "ocr": {"backend": engine.name, "version": engine.version, "model": model},
            "ocr_calls": engine.calls - calls0,
            "seconds": {
                "total": round(total, 4),
                "classify": round(t_cls, 4),
                "ocr": round(engine.seconds - secs0, 4),
                **{k: v for k, v in dict(detector.get("seconds", {})).items() if k != "total"},
            },
        }
    )
    layout = dataclasses.replace(
        layout, notes=tuple(notes) + tuple(layout.notes), detector=detector
    )
    if store is not None and cut_short is None:
        store.put(key, layout)
    return layout
