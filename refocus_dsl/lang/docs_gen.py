"""The language reference and the prompt's tool section, generated from the registry.

Both are pure functions of the registered tool declarations, so a new plugin
appears in ``docs/language.md`` (``refocus docs``) and in the model's prompt
(``refocus prompt``) with no change here; a test keeps the committed reference
equal to what :func:`language_reference` writes for the built-in tools.
"""

from __future__ import annotations

from refocus_dsl.colors import COLOR_NAMES
from refocus_dsl.plugin import ALL_TARGET_KINDS, REQUIRED, Param, ToolSpec
from refocus_dsl.registry import Registry

GROUP_NOTES: dict[str, str] = {
    "columns": "Group: every column of the table; the header row is protected.",
    "rows": "Group: every body row; header rows are protected, so keep_only(rows(...)) "
    "keeps the header.",
    "cells": "Group: every body cell; the header row is protected.",
    "bars": "Each bar is its category's band across the plot, tick label included. "
    "Group: every category. With `series=` (a legend label or ordinal from 1), that "
    "series' own bar in each named category instead; group: every bar of every series.",
    "series": "Each bar is its own band across the plot (a stacked segment: its own box), "
    "so its value label goes with it; axes, tick labels and legend are no bar. Group: every "
    "bar of every series. On a chart without a legend, ordinals count the bar colours "
    "(warning W107).",
    "subplots": "Group: every panel.",
    "region": "Needs no layout. No group: keep_only masks the rest of the image.",
    "text": "No group: keep_only masks the rest of the image.",
}
"""What each target kind's group is, i.e. what keep_only and dim act on."""


def target_rows() -> list[tuple[str, str, str, str]]:
    """``(kind, signature, example, meaning)`` of every target query (target_kinds.py)."""
    from refocus_dsl.lang.targets import TARGET_KINDS

    return [
        (k.name, k.signature, k.example, f"{k.summary[:1].upper()}{k.summary[1:]}. "
         + GROUP_NOTES.get(k.name, ""))
        for k in TARGET_KINDS.values()
    ]


def paper_rows() -> list[tuple[str, str]]:
    """The twelve paper calls and the native statement each one is lowered to (compat.py)."""
    from refocus_dsl.lang.compat import HIGHLIGHT_ALPHA, PAPER_FUNCTIONS

    effects = {
        "mask": "keep_only({t})",
        "draw": 'draw_box({t}, color="red", width=5)',
        "highlight": f'highlight({{t}}, color="red", alpha={HIGHLIGHT_ALPHA!r})',
    }
    rows = []
    for name, (group, effect, kind) in PAPER_FUNCTIONS.items():
        call = f'{name}(image_1, ["A", "B"], {group}_bbox)'
        rows.append((call, effects[effect].format(t=f'{kind}("A", "B")')))
    return rows


def _default(p: Param) -> str:
    if p.default is REQUIRED:
        return "required"
    if isinstance(p.default, bool):
        return "true" if p.default else "false"
    if isinstance(p.default, str):
        return f'"{p.default}"'
    return str(p.default)


def _range(p: Param) -> str:
    if p.type == "enum":
        return " | ".join(p.choices)
    if p.min is None and p.max is None:
        return ""
    lo = "" if p.min is None else _num(p.min)
    hi = "" if p.max is None else _num(p.max)
    return f"{lo}..{hi}"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def signature(tool: ToolSpec) -> str:
    """``name(target, param=default, ...)`` as a model would write the call."""
    parts = ["target"]
    for p in tool.params:
        parts.append(p.name if p.default is REQUIRED else f"{p.name}={_default(p)}")
    return f"{tool.name}({', '.join(parts)})"


def _kinds(tool: ToolSpec) -> str:
    if set(tool.targets) == set(ALL_TARGET_KINDS):
        return "any"
    return ", ".join(sorted(tool.targets))


def _tool_section(tool: ToolSpec, registry: Registry) -> list[str]:
    dist, version = registry.source_of(tool.name)
    lines = [f"### `{tool.name}`", "", tool.summary, ""]
    if tool.details.strip():
        lines.extend([tool.details.strip(), ""])
    lines.append(f"    {signature(tool)}")
    lines.append("")
    lines.append(f"Targets: {_kinds(tool)}. From: `{dist}`.")
    if tool.changes_geometry:
        lines.append(
            "Changes the image size. Later statements still name things of the original image; "
            "their boxes are mapped onto the new canvas and cut to it, so an area edit (mask, "
            "keep_only, highlight, dim) gives the same pixels before or after a crop (an "
            "outline is drawn on the cut box; zoom also resamples). A later target left "
            "entirely outside is a note, "
            "not an "
            "error (the edit runs with nothing named; a later crop or zoom is skipped)."
        )
    lines.append("")
    if tool.params:
        lines.append("| parameter | type | default | range | meaning |")
        lines.append("|---|---|---|---|---|")
        for p in tool.params:
            lines.append(
                f"| `{p.name}` | {p.type} | `{_default(p)}` | {_cell(_range(p))} | {_cell(p.doc)} |"
            )
        lines.append("")
    if tool.example:
        lines.append("Example:")
        lines.append("")
        lines.append(f"    {tool.example}")
        lines.append("")
    return lines


_INTRO = """\
# The refocus language

<!-- Generated by `refocus docs` from the installed plugins' declarations.
     Do not edit by hand: change the tool declarations, then
     run `refocus docs -o docs/language.md`. -->

A program is a few statements, one edit each, applied in order to one canvas:

    # keep only two columns, then box two rows
    keep_only(columns("Year", "Earning"))
    draw_box(rows("4", "5"), color="red", width=4)

## Syntax

- One call of an edit tool per statement; statements usually go one per line and may
  end with `;`. `#` starts a comment (except in a colour literal such as `#ff0000`).
- The first argument of every tool is a **target** (below). Other parameters are given
  by keyword (`color="red"`) or, in declared order, by position.
- Values: strings in single or double quotes (with backslash escapes; any Unicode),
  integers, decimal numbers, `true`/`false` (or `True`/`False`), lists `[...]`,
  colours.
- Colours: `#rrggbb`, `#rrggbbaa`, or one of these names (quoted or bare):
  {colors}.
  On greyscale images a colour counts as its luminance (as Pillow's `convert("L")`).
  In `highlight`, the colour's own alpha (from `#rrggbbaa`) multiplies `alpha`.
- There are no variables, loops, arithmetic, attribute access or imports: every
  program terminates and its cost is known before it runs.

## Targets

Targets are layout queries. Labels match after whitespace and case normalisation, then
ignoring punctuation and spaces; on a detected layout, whose text OCR read, a name that
still matches nothing selects the one label that is clearly its likely misreading,
the usual OCR confusions (rn/m, cl/d, vv/w, l/1/I, O/0, G/C) counting as no difference
(`"Burnley"` for a detected `"Bumley"`; numbers must agree), with warning W106. Any
other unknown label is an error that lists the nearest candidates. All coordinates
refer to the original image, also after a `crop`.

Labels may also be given as a list (`columns(["A", "B"])`, as the paper writes), and an
integer is an ordinal counted from 1 (`columns(2)`, `rows(1)` is the first body row).

In a figure of several panels, `subplot=N` (counted from 1 in reading order) asks
`columns`, `rows`, `cells`, `bars` or `series` of panel N's own table or chart:
`draw_box(bars("Q2", subplot=2))`.

| target | example | meaning |
|---|---|---|
{targets}

## Edit semantics

For a target with boxes T on image I giving I' (boxes are half-open pixel
rectangles, clipped to the image):

- Every edit is pure and deterministic: the same program, image and layout give the
  same bytes. Image size and mode are kept (RGB, RGBA, L and LA; palette, 16-bit and
  other modes are converted first and the run says so). The alpha channel of RGBA and
  LA images is only changed by tools that set pixels to a colour (`mask`, `keep_only`,
  `draw_box`, `underline`), which write the colour's alpha.
- Overlapping target boxes act as their union: `highlight` blends each pixel of the
  union once (not once per box); filling tools give the same result either way.
- Blends compute `round((1 - a) * I + a * c)` per colour channel in double precision,
  rounding halves to even (Python's `round`).

## Tools

"""

_PAPER = """\
## Paper-compatible calls

The ReFocus paper's twelve calls run unchanged (and are never executed as Python):
`focus_on_{{columns,rows,x_values,y_values}}_with_{{mask,draw,highlight}}(image_1, ["A", "B"],
columns_bbox)`, also as `img = focus_on_...(...)`, chained on an earlier result, and
followed by `display(img)`. Row masks keep the header row, as in the paper. They mean:

| paper call | same as |
|---|---|
{rows}

The bbox argument names `columns_bbox`, `rows_bbox`, `x_values_bbox` and `y_values_bbox`
stand for the image's layout. Anything else in such a block (imports, loops, attribute
access, other calls) is a diagnostic, never executed.

## Diagnostics

Every problem is reported with a stable code, a span and, where it helps, a
suggestion: E1xx parse, E2xx names and labels, E3xx types and values, E4xx limits,
Wxxx warnings. See [diagnostics.md](diagnostics.md) for the full list.
"""


def language_reference(registry: Registry) -> str:
    """The whole Markdown reference: syntax, targets, semantics, every tool, paper calls."""
    colors = ", ".join(f"`{n}`" for n in COLOR_NAMES)
    targets = "\n".join(
        f"| `{sig}` | `{ex}` | {_cell(doc.strip())} |" for _k, sig, ex, doc in target_rows()
    )
    out = _INTRO.format(colors=colors, targets=targets).splitlines()
    for tool in registry.tools():
        out.extend(_tool_section(tool, registry))
    rows = "\n".join(f"| `{a}` | `{b}` |" for a, b in paper_rows())
    out.extend(_PAPER.format(rows=rows).splitlines())
    return "\n".join(out).rstrip() + "\n"


def prompt_tool_section(registry: Registry) -> str:
    """Compact text for the model's prompt: targets, then one block per tool."""
    lines = [
        "Write a program: one edit per line, each `tool(target, param=value, ...)`.",
        "Targets:",
    ]
    from refocus_dsl.lang.targets import TARGET_KINDS

    for kind in TARGET_KINDS.values():
        lines.append(f"  {kind.example}  # {kind.summary}")
    panels = "/".join(k.name for k in TARGET_KINDS.values() if k.in_panels)
    lines.append(
        f"  In one panel of a figure, add subplot=N to {panels}: "
        'bars("Q2", subplot=2)'
    )
    names = ", ".join(sorted(set(COLOR_NAMES) - _ALIASES))
    lines.append(f"Colours: a name ({names}) or #rrggbb.")
    lines.append("Tools:")
    for tool in registry.tools():
        ranges = [
            f"{p.name} {_range(p)}" for p in tool.params if _range(p)
        ]
        extra = f" [{'; '.join(ranges)}]" if ranges else ""
        lines.append(f"  {signature(tool)}{extra}")
        lines.append(f"    {tool.summary}")
        if tool.example:
            lines.append(f"    e.g. {tool.example}")
    return "\n".join(lines) + "\n"


_ALIASES = frozenset({"grey", "lightgrey", "darkgrey"})
