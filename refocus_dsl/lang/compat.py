"""The ReFocus paper's calls, lowered to ordinary statements (never executed as Python).

The paper (Fu et al., 2025) let the model call twelve Python functions::

    image_with_focused_columns = focus_on_columns_with_mask(image_1, ["Year"], columns_bbox)
    display(image_with_focused_columns)

Programs written that way parse as calls like any other; this module turns
each into the same AST a native program would have:

============================  ================================================
paper call                    lowered to
============================  ================================================
``..._with_mask``             ``keep_only(<target>)`` (rows keep the header)
``..._with_draw``             ``draw_box(<target>, color="red", width=5)``
``..._with_highlight``        ``highlight(<target>, color="red", alpha=50/255)``
============================  ================================================

where ``<target>`` is ``columns(...)``, ``rows(...)`` or, for ``x_values`` and
``y_values``, ``bars(...)`` with the listed labels (integers become their text:
the paper's labels are dictionary keys). The alpha is exactly ``50/255``
(0.19607843137254902, printed in full), the paper's ``(255, 0, 0, 50)`` overlay.

The image argument must be ``image_1`` or a name an earlier statement assigned
(E207 otherwise); the bbox argument must be the dictionary matching the
function (``columns_bbox``, ``rows_bbox``, ``x_values_bbox``, ``y_values_bbox``;
E208 otherwise). ``display(name)`` is accepted and dropped. Edits apply in order
to one canvas, so a call that starts again from an older image (``image_1``
after other edits) gets warning W105: the earlier edits stay.
"""

from __future__ import annotations

from refocus_dsl.lang.ast import (
    Call,
    Expr,
    Float,
    Integer,
    Keyword,
    ListLit,
    Name,
    Statement,
    String,
)
from refocus_dsl.lang.diagnostics import Diagnostic, Severity, diagnostic_at
from refocus_dsl.lang.labels import nearest

__all__ = ["PAPER_FUNCTIONS", "INPUT_IMAGE", "BBOX_NAMES", "HIGHLIGHT_ALPHA", "lower"]

INPUT_IMAGE = "image_1"
"""The paper's name for the input image."""

HIGHLIGHT_ALPHA = 50 / 255
"""The paper's highlight: red at alpha 50 of 255."""

_GROUPS = {"columns": "columns", "rows": "rows", "x_values": "bars", "y_values": "bars"}
_EFFECTS = ("mask", "draw", "highlight")

PAPER_FUNCTIONS: dict[str, tuple[str, str, str]] = {
    f"focus_on_{group}_with_{effect}": (group, effect, kind)
    for group, kind in _GROUPS.items()
    for effect in _EFFECTS
}
"""Each paper function: (group, effect, target kind)."""

BBOX_NAMES = frozenset(f"{group}_bbox" for group in _GROUPS)


def _near(word: str, options: list[str]) -> tuple[str, ...]:
    close = nearest(word, options, n=1)
    return (f'did you mean "{close[0]}"?',) if close else ()


def _label(expr: Expr) -> Expr | None:
    if isinstance(expr, String):
        return expr
    if isinstance(expr, Integer):
        return String(str(expr.value), expr.span)
    return None


def _lower_call(
    stmt: Statement,
    group: str,
    effect: str,
    kind: str,
    known: list[str],
    current: str,
    diags: list[Diagnostic],
) -> Statement | None:
    call = stmt.call
    names = ("image", f"{group}_to_focus_on", f"all_{group}_bounding_boxes")
    bound = _bind(call, group, names, diags)
    image = bound.get("image")
    if image is not None:
        _check_image(call.name, image, known, current, diags)
    bbox = bound.get(names[2])
    if bbox is not None:
        _check_bbox(call.name, bbox, f"{group}_bbox", diags)
    labels = bound.get(names[1])
    items = None if labels is None else _labels(call.name, labels, diags)
    if labels is None or items is None:
        return None
    target = Call(kind, tuple(items), (), span=labels.span, name_span=labels.span)
    return Statement(
        _native_call(effect, target, call), assign_to=stmt.assign_to, origin=call.name,
        span=stmt.span,
    )  # fmt: skip


def _bind(
    call: Call, group: str, names: tuple[str, str, str], diags: list[Diagnostic]
) -> dict[str, Expr]:
    """The paper call's arguments by name; too many, unknown, twice given or missing: errors."""
    fname = call.name
    bound: dict[str, Expr] = {}
    for i, arg in enumerate(call.args):
        if i >= len(names):
            diags.append(
                diagnostic_at(
                    arg.span,
                    "E303",
                    f"{fname} takes 3 arguments (image, labels, {group}_bbox), got "
                    f"{len(call.args)}",
                )
            )
            break
        bound[names[i]] = arg
    for kw in call.keywords:
        if kw.name not in names:
            diags.append(
                diagnostic_at(
                    kw.name_span,
                    "E202",
                    f"{fname} has no argument named {kw.name}",
                    suggestions=_near(kw.name, list(names))
                    + ("its arguments are " + ", ".join(names),),
                )
            )
        elif kw.name in bound:
            diags.append(diagnostic_at(kw.span, "E309", f"argument {kw.name} given twice"))
        else:
            bound[kw.name] = kw.value
    for pname in names:
        if pname not in bound:
            diags.append(
                diagnostic_at(
                    call.span,
                    "E302",
                    f"{fname} is missing its {pname} argument",
                    suggestions=(f'write {fname}({INPUT_IMAGE}, ["..."], {group}_bbox)',),
                )
            )
    return bound


def _check_bbox(fname: str, bbox: Expr, wanted: str, diags: list[Diagnostic]) -> None:
    if not isinstance(bbox, Name):
        diags.append(
            diagnostic_at(
                bbox.span,
                "E301",
                f"the last argument of {fname} is the name {wanted}",
                suggestions=(f"write {wanted}; the boxes come from the image's layout",),
            )
        )
    elif bbox.name != wanted:
        diags.append(
            diagnostic_at(
                bbox.span,
                "E208",
                f"{fname} takes {wanted}, not {bbox.name}",
                suggestions=(f"write {wanted}",),
            )
        )


def _labels(fname: str, labels: Expr, diags: list[Diagnostic]) -> list[Expr] | None:
    """The labels to focus on as strings (integers become their text); None if not labels."""
    if not isinstance(labels, ListLit):
        lab = _label(labels)
        if lab is None:
            diags.append(
                diagnostic_at(
                    labels.span,
                    "E301",
                    f'the second argument of {fname} is a list of labels, e.g. ["Year"]',
                )
            )
            return None
        return [lab]
    items = []
    for item in labels.items:
        lab = _label(item)
        if lab is None:
            diags.append(
                diagnostic_at(item.span, "E301", f'labels of {fname} are strings, e.g. ["Year"]')
            )
            continue
        items.append(lab)
    return items


def _native_call(effect: str, target: Call, call: Call) -> Call:
    """The native statement for a paper effect: keep_only, draw_box or highlight."""
    span = call.span
    if effect == "mask":
        return Call("keep_only", (target,), (), span=span, name_span=call.name_span)
    if effect == "draw":
        style = (
            Keyword("color", String("red", span), span=span, name_span=span),
            Keyword("width", Integer(5, span), span=span, name_span=span),
        )
        return Call("draw_box", (target,), style, span=span, name_span=call.name_span)
    style = (
        Keyword("color", String("red", span), span=span, name_span=span),
        Keyword("alpha", Float(HIGHLIGHT_ALPHA, span), span=span, name_span=span),
    )
    return Call("highlight", (target,), style, span=span, name_span=call.name_span)


def _check_image(
    fname: str, image: Expr, known: list[str], current: str, diags: list[Diagnostic]
) -> None:
    if not isinstance(image, Name):
        diags.append(
            diagnostic_at(
                image.span,
                "E301",
                f"the first argument of {fname} is the image variable, e.g. {INPUT_IMAGE}",
            )
        )
    elif image.name not in known:
        diags.append(
            diagnostic_at(
                image.span,
                "E207",
                f'unknown variable "{image.name}"',
                suggestions=_near(image.name, known) + (f"known images: {', '.join(known)}",),
            )
        )
    elif image.name != current:
        diags.append(
            diagnostic_at(
                image.span,
                "W105",
                f"{fname} starts from {image.name}, but edits apply in order to one canvas: "
                f"the edits made since then stay",
                severity=Severity.WARNING,
                suggestions=(f"pass {current} to make that explicit",),
            )
        )


def lower(statements: list[Statement], diags: list[Diagnostic]) -> list[Statement]:
    """Replace paper calls by their native statements and drop ``display``; report misuse."""
    known = [INPUT_IMAGE]
    current = INPUT_IMAGE
    out: list[Statement] = []
    for stmt in statements:
        call = stmt.call
        if call.name == "display":
            _check_display(stmt, known, diags)
            continue
        spec = PAPER_FUNCTIONS.get(call.name)
        if spec is not None:
            lowered = _lower_call(stmt, *spec, known, current, diags)
            if lowered is not None:
                out.append(lowered)
        else:
            out.append(stmt)
        if stmt.assign_to is not None:
            if stmt.assign_to not in known:
                known.append(stmt.assign_to)
            current = stmt.assign_to
    return out


def _check_display(stmt: Statement, known: list[str], diags: list[Diagnostic]) -> None:
    call = stmt.call
    if stmt.assign_to is not None:
        diags.append(diagnostic_at(stmt.span, "E301", "display(...) returns nothing to assign"))
    if call.keywords:
        kw = call.keywords[0]
        diags.append(
            diagnostic_at(kw.name_span, "E202", f"display has no argument named {kw.name}")
        )
    if len(call.args) != 1:
        diags.append(
            diagnostic_at(
                call.span,
                "E303" if call.args else "E302",
                f"display takes one image, got {len(call.args)} arguments",
                suggestions=(f"write display({known[-1]})",),
            )
        )
        return
    arg = call.args[0]
    if not isinstance(arg, Name):
        diags.append(diagnostic_at(arg.span, "E301", "display takes an image variable"))
    elif arg.name not in known:
        diags.append(
            diagnostic_at(
                arg.span,
                "E207",
                f'unknown variable "{arg.name}"',
                suggestions=_near(arg.name, known) + (f"known images: {', '.join(known)}",),
            )
        )
