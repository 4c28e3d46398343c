"""Target queries: what ``columns("Year")``, ``region(...)`` and friends mean on a layout.

Each query kind has an argument signature, validation that needs no layout
(types, arity, ranges) and resolution against a :class:`~refocus_dsl.layout.Layout`
into a :class:`~refocus_dsl.plugin.TargetSet` of pixel boxes. The checker and
the interpreter share this code, so what checks is what runs.

Kinds (ordinals count from 1, as a person counts):

=========================  ===========================================================
``columns(l, ...)``        table columns by header text, or ordinal ``columns(2)``
``rows(l, ...)``           table rows by the text of their first cell, or ordinal among
                           the body (non-header) rows: ``rows(1)`` is the first data row
``cells(row=.., col=..)``  crossings of rows and columns; each a label, an ordinal or a
                           list of them; leave one out for all (also ``cells(r, c)``)
``bars(l, ...)``           bar-chart categories by tick label, or ordinal
``subplots(n, ...)``       panels by ordinal (reading order), or by title text
``region(x1,y1,x2,y2)``    fractions of the image, each in 0..1, non-empty
``text(s, ...)``           wherever the layout shows that text (cells, headers, row
                           labels, categories, subplot titles): the pieces equal to
                           it, or if there are none, the pieces containing it
=========================  ===========================================================

Any label argument may also be a list (``columns(["A", "B"])``), as the paper writes.

Labels match after normalisation (Unicode NFKC, case-folded, whitespace
collapsed); failing that, ignoring punctuation and spaces (``"Earning ($)"``
matches ``"earning $"``). On a detected layout, whose text OCR read, a name
that still matches nothing may match the one label that is clearly its likely
misreading (``"Germany"`` -> ``"Cermany"``, ``"Burnley"`` -> ``"Bumley"``: the usual OCR
confusions count as no difference; or a label the image clips,
``"November 2018"`` -> ``"ember 2018"``; numbers must agree), with warning W106.
Gold layouts get no such leeway. Other near misses are errors with the nearest
candidates as suggestions. An integer is an ordinal, never a
label; where a row's first cell is that number too, a warning (W104) says
which row was meant and how to name the other one.

The package splits by stage: :mod:`refocus_dsl.lang.target_kinds` (what each kind is
called), :mod:`refocus_dsl.lang.labels` (how labels match), :mod:`.index` (what a
layout offers), :mod:`.analysis` (the steps every kind shares), then one module
per group of kinds (:mod:`.table`, :mod:`.chart`, :mod:`.image`).

``TargetSet`` fields: ``boxes`` (what was named, in the order named),
``labels``, ``siblings`` (every box of the group: all columns / all body rows /
all cells / all categories / all panels; none for region and text),
``protected`` (the table's header rows, for table targets) and ``extent``
(table box; plot area joined with the category bands; the whole image for
panels, regions and text).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from refocus_dsl.lang.ast import Call
from refocus_dsl.lang.diagnostics import Diagnostic, Severity, diagnostic_at
from refocus_dsl.lang.target_kinds import TARGET_KINDS, TargetKind
from refocus_dsl.lang.targets.analysis import TargetAnalysis
from refocus_dsl.lang.targets.chart import check_bars, check_series, check_subplots
from refocus_dsl.lang.targets.image import check_region, check_text
from refocus_dsl.lang.targets.panels import panel_layout
from refocus_dsl.lang.targets.table import check_cells, check_columns, check_rows
from refocus_dsl.layout import Layout
from refocus_dsl.plugin import TargetSet

__all__ = [
    "TargetKind",
    "TARGET_KINDS",
    "TargetCheck",
    "check_target",
    "resolve",
]


class TargetCheck(NamedTuple):
    """What checking one target found: how many things it names, and (with a layout,
    when asked and error-free) the resolved target set."""

    named: int
    targets: TargetSet | None = None


CHECKS: Mapping[str, Callable[[TargetAnalysis], None]] = MappingProxyType(
    {
        "columns": check_columns,
        "rows": check_rows,
        "cells": check_cells,
        "bars": check_bars,
        "series": check_series,
        "subplots": check_subplots,
        "region": check_region,
        "text": check_text,
    }
)
"""How each kind of :data:`TARGET_KINDS` is checked and resolved."""


def check_target(
    call: Call,
    layout: Layout | None,
    diags: list[Diagnostic],
    *,
    resolve: bool = False,
    width: int | None = None,
    height: int | None = None,
) -> TargetCheck:
    """Check one target call (its kind must be in :data:`TARGET_KINDS`), appending problems
    to ``diags``. Labels are checked only when a layout is given. With ``resolve=True``
    and no errors, the result carries the :class:`TargetSet`."""
    check = CHECKS.get(call.name)
    if check is None:
        raise ValueError(f"{call.name!r} is not a target kind")
    if TARGET_KINDS[call.name].in_panels and any(kw.name == "subplot" for kw in call.keywords):
        call, layout, ok = panel_layout(call, layout, diags)
        if not ok:
            return TargetCheck(0)
    a = TargetAnalysis(call, layout, diags, resolve, width, height)
    check(a)
    return TargetCheck(a.count, a.result)


def resolve(call: Call, layout: Layout | None, width: int, height: int) -> TargetSet:
    """The pixel boxes ``call`` names on an image of ``width`` x ``height`` with ``layout``.

    Raises :class:`~refocus_dsl.errors.ProgramError` with the diagnostics when the
    call does not resolve (the checker reports the same problems beforehand).
    """
    from refocus_dsl.errors import ProgramError

    diags: list[Diagnostic] = []
    kind = TARGET_KINDS.get(call.name)
    if kind is None or call.name not in CHECKS:
        diags.append(diagnostic_at(call.name_span, "E204", f"{call.name}() is not a target query"))
        raise ProgramError(diags)
    if layout is None and kind.needs_layout:
        diags.append(
            diagnostic_at(
                call.name_span, "E205", f"{call.name}() needs a layout of the image; none was given"
            )
        )
        raise ProgramError(diags)
    result = check_target(call, layout, diags, resolve=True, width=width, height=height)
    errors = [d for d in diags if d.severity is Severity.ERROR]
    if errors or result.targets is None:
        raise ProgramError(errors or diags)
    return result.targets
