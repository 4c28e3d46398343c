"""``subplot=N`` on table and chart targets: the same query on one panel's own layout.

A figure's panels may carry their own layouts (``subplots[i].layout``, boxes in
the whole image's coordinates), so ``bars("Q2", subplot=2)`` is ``bars("Q2")``
asked of panel 2: no other change to what the kinds mean.
"""

from __future__ import annotations

import dataclasses

from refocus_dsl.lang.ast import Call, Integer
from refocus_dsl.lang.diagnostics import Diagnostic, diagnostic_at
from refocus_dsl.lang.targets.analysis import describe
from refocus_dsl.layout import Layout


def panel_layout(
    call: Call, layout: Layout | None, diags: list[Diagnostic]
) -> tuple[Call, Layout | None, bool]:
    """``call`` without its ``subplot=`` keyword and the panel's layout to check it on;
    False (after a diagnostic) when the panel cannot be named. Without a layout the
    keyword is only type-checked."""
    kws = [kw for kw in call.keywords if kw.name == "subplot"]
    rest = tuple(kw for kw in call.keywords if kw.name != "subplot")
    stripped = dataclasses.replace(call, keywords=rest)
    if len(kws) > 1:
        diags.append(diagnostic_at(kws[1].span, "E309", f"{call.name}() got subplot twice"))
        return stripped, layout, False
    value = kws[0].value
    if not isinstance(value, Integer) or value.value < 1:
        got = f"{value.value}" if isinstance(value, Integer) else describe(value)
        diags.append(
            diagnostic_at(
                value.span,
                "E304" if isinstance(value, Integer) else "E301",
                f"subplot= takes a panel ordinal from 1, got {got}",
                suggestions=("panels count from 1 in reading order, e.g. subplot=2",),
            )
        )
        return stripped, layout, False
    if layout is None:
        return stripped, None, True
    n, subs = value.value, sorted(layout.subplots, key=lambda s: s.index)
    if not subs:
        diags.append(
            diagnostic_at(
                kws[0].span,
                "E205",
                f"subplot={n} needs a figure of panels, but this image's layout has none "
                f"(it is a {layout.kind})",
                suggestions=(f"leave out subplot=: this image is one {layout.kind}",),
            )
        )
        return stripped, layout, False
    if n > len(subs):
        count = f"{len(subs)} subplot{'s' if len(subs) != 1 else ''}"
        diags.append(
            diagnostic_at(
                value.span,
                "E206",
                f"subplot {n} does not exist: this figure has {count} (ordinals count from 1)",
            )
        )
        return stripped, layout, False
    panel = subs[n - 1].layout
    if panel is None:
        have = [str(i + 1) for i, s in enumerate(subs) if s.layout is not None]
        diags.append(
            diagnostic_at(
                value.span,
                "E205",
                f"subplot {n} has no layout of its own: no chart or table was found in it",
                suggestions=(
                    ("panels with one: " + ", ".join(have)) if have
                    else "mark the whole panel with subplots(...) or a region(...)",
                ),
            )
        )
        return stripped, layout, False
    return stripped, panel, True
