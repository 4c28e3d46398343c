"""Static checking: every problem of a program, with codes, spans and suggestions.

``check(source, layout=None, registry=None, limits=None)`` takes program text
(whose parse errors become diagnostics) or a parsed :class:`~refocus_dsl.lang.ast.Program`
and returns every diagnostic, sorted by position: unknown tools and keyword
arguments, wrong types and arity, values outside the ranges the tool declares,
targets the tool does not accept, empty targets, labels the layout does not
have (with the nearest candidates), and programs over a limit. Without a
layout, everything but the labels is checked. Nothing is run. Targets are checked
by :mod:`refocus_dsl.lang.targets`, keyword values by :mod:`refocus_dsl.lang.param_values`.

Diagnostic codes (stable; ``docs/diagnostics.md`` lists the same table):

====  =====================================================================
E101  syntax error: unexpected token (the message says what was expected)
E102  unterminated string
E103  unexpected or control character
E104  Python that is not part of the language (import, loops, attributes,
      indexing, arithmetic, dictionaries, string prefixes)
E105  unbalanced brackets (never closed, unmatched, mismatched)
E106  invalid literal (bad escape, number too long)
E109  too many problems: parsing stopped, or the rest are not shown
E201  unknown tool
E202  unknown keyword argument
E203  unknown label (column, row, bar, series, subplot title, text)
E204  unknown target kind
E205  the layout lacks what the target needs (no table, chart, panels, position)
E206  ordinal out of range for the layout
E207  unknown variable (paper calls)
E208  wrong bbox dictionary for a paper call
E301  wrong type of argument
E302  missing argument (target or required parameter)
E303  too many positional arguments
E304  value out of range
E305  value not one of the allowed choices
E306  target kind not accepted by this tool
E307  empty target
E308  empty region
E309  argument given twice
E310  a call where a value belongs (a tool inside a tool, a call as a value)
E311  unknown colour
E401  program text over Limits.max_source_bytes
E402  more statements than Limits.max_statements
E403  more targets than Limits.max_targets
E404  brackets nested deeper than Limits.max_nesting
E405  string longer than Limits.max_string_length
W101  keep_only names every sibling, so nothing is masked
W102  a label named twice in one target
W103  the program has no statements
W104  an integer row ordinal where a row also starts with that number
W105  a paper call starts again from an older image; earlier edits stay
W106  a label matched only as its likely OCR misreading
W107  a series named by ordinal on a chart with no legend (its bar colours' order)
====  =====================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from refocus_dsl.lang.ast import (
    Call,
    Expr,
    ListLit,
    Name,
    Program,
    String,
)
from refocus_dsl.lang.diagnostics import (
    Diagnostic,
    Severity,
    diagnostic_at,
    with_source,
)
from refocus_dsl.lang.limits import DEFAULT_LIMITS, Limits, how_to_raise
from refocus_dsl.lang.param_values import add_error, check_value, describe, did_you_mean
from refocus_dsl.lang.target_kinds import TARGET_KINDS
from refocus_dsl.lang.targets import check_target
from refocus_dsl.lang.targets.index import layout_index
from refocus_dsl.plugin import REQUIRED, Param, ToolSpec

if TYPE_CHECKING:
    from refocus_dsl.layout import Layout

__all__ = ["check", "check_program", "CODES", "ToolLookup"]

CODES: dict[str, str] = {
    "E101": "syntax error: unexpected token (the message says what was expected)",
    "E102": "unterminated string",
    "E103": "unexpected or control character",
    "E104": "Python that is not part of the language (import, loops, attributes, indexing, "
    "arithmetic, dictionaries, string prefixes)",
    "E105": "unbalanced brackets (never closed, unmatched, mismatched)",
    "E106": "invalid literal (bad escape, number too long)",
    "E109": "too many problems: parsing stopped, or the rest are not shown",
    "E201": "unknown tool",
    "E202": "unknown keyword argument",
    "E203": "unknown label (column, row, bar, series, subplot title, text)",
    "E204": "unknown target kind",
    "E205": "the layout lacks what the target needs (no table, chart, panels, position)",
    "E206": "ordinal out of range for the layout",
    "E207": "unknown variable (paper calls)",
    "E208": "wrong bbox dictionary for a paper call",
    "E301": "wrong type of argument",
    "E302": "missing argument (target or required parameter)",
    "E303": "too many positional arguments",
    "E304": "value out of range",
    "E305": "value not one of the allowed choices",
    "E306": "target kind not accepted by this tool",
    "E307": "empty target",
    "E308": "empty region",
    "E309": "argument given twice",
    "E310": "a call where a value belongs (a tool inside a tool, a call as a value)",
    "E311": "unknown colour",
    "E401": "program text over Limits.max_source_bytes",
    "E402": "more statements than Limits.max_statements",
    "E403": "more targets than Limits.max_targets",
    "E404": "brackets nested deeper than Limits.max_nesting",
    "E405": "string longer than Limits.max_string_length",
    "W101": "keep_only names every sibling, so nothing is masked",
    "W102": "a label named twice in one target",
    "W103": "the program has no statements",
    "W104": "an integer row ordinal where a row also starts with that number",
    "W105": "a paper call starts again from an older image; earlier edits stay",
    "W106": "a label matched only as its likely OCR misreading",
    "W107": "a series named by ordinal on a chart with no legend (its bar colours' order)",
}
"""Every diagnostic code and what it means."""


class ToolLookup(Protocol):
    """What the checker needs of a registry (``refocus_dsl.registry.Registry`` has it)."""

    def get(self, name: str) -> ToolSpec | None: ...

    def tools(self) -> list[ToolSpec]: ...


def _as_target(kind: str, value: Expr) -> str:
    """``columns=["A", "B"]`` written as the target it meant: ``columns("A", "B")``."""
    from refocus_dsl.lang.printer import format_expr

    items = value.items if isinstance(value, ListLit) else (value,)
    try:
        return format_expr(Call(kind, tuple(items)))
    except (ValueError, TypeError):
        return f"{kind}(...)"


_by_name: dict[int, tuple[ToolSpec, dict[str, Param]]] = {}


def _params_by_name(spec: ToolSpec) -> tuple[ToolSpec, dict[str, Param]]:
    """``spec`` and its parameters by name, kept per spec (specs are frozen; the entry
    holds the spec, so its id is not reused while cached); read-only for callers."""
    entry = _by_name.get(id(spec))
    if entry is None or entry[0] is not spec:
        if len(_by_name) >= 256:
            _by_name.clear()
        entry = (spec, {p.name: p for p in spec.params})
        _by_name[id(spec)] = entry
    return entry


class _Checker:
    __slots__ = ("layout", "registry", "limits", "diags", "count", "over", "images", "_specs")

    def __init__(self, layout: Layout | None, registry: ToolLookup, limits: Limits) -> None:
        self.layout = layout
        self.registry = registry
        self.limits = limits
        self.diags: list[Diagnostic] = []
        self.count = 0
        self.over = False
        self.images = {"image_1"}
        self._specs: dict[str, tuple[ToolSpec, dict[str, Param]] | None] = {}

    def spec(self, name: str) -> tuple[ToolSpec, dict[str, Param]] | None:
        try:
            return self._specs[name]
        except KeyError:
            spec = self.registry.get(name)
            entry = _params_by_name(spec) if spec is not None else None
            self._specs[name] = entry
            return entry

    # ------------------------------------------------------------ statements

    def statement(self, call: Call) -> None:
        entry = self.spec(call.name)
        if entry is None:
            self.unknown_tool(call)
            return
        spec, by_name = entry
        args = call.args
        if (
            len(args) > 1
            and isinstance(args[0], Name)
            and isinstance(args[1], Call)
            and args[1].name in TARGET_KINDS
        ):
            # highlight(image_1, columns("A")): the paper's habit of passing the image.
            add_error(
                self.diags,
                args[0],
                "E301",
                f"{call.name} takes no image argument: the image is implicit",
                f"write {call.name}({args[1].name}(...)) without {args[0].name}",
            )
            args = args[1:]
        if args:
            self.target(call, spec, args[0])
        elif not any(kw.name in TARGET_KINDS for kw in call.keywords):
            add_error(
                self.diags,
                call,
                "E302",
                f"{call.name} needs a target as its first argument",
                f"e.g. {spec.example}" if spec.example else "",
            )
        params = spec.params
        bound: dict[str, Expr] = {}
        for i, arg in enumerate(args[1:]):
            if isinstance(arg, Call) and arg.name in TARGET_KINDS:
                self.second_target(call, args[0], arg)
                continue
            if i >= len(params):
                names = ", ".join(p.name for p in params)
                add_error(
                    self.diags,
                    arg,
                    "E303",
                    f"{call.name} takes a target and at most {len(params)} more arguments"
                    + (f" ({names})" if names else ""),
                    "pass the others by name, e.g. "
                    + (f"{params[0].name}=..." if params else f'{call.name}(columns("..."))'),
                )
                break
            bound[params[i].name] = arg
        for kw in call.keywords:
            p = by_name.get(kw.name)
            if p is None and kw.name in TARGET_KINDS and not args:
                add_error(
                    self.diags,
                    kw,
                    "E202",
                    f"the target is not a keyword argument: {call.name} has no argument "
                    f"named {kw.name}",
                    f"write {call.name}({_as_target(kw.name, kw.value)})",
                    span=kw.name_span,
                )
            elif p is None:
                pnames = [q.name for q in params]
                add_error(
                    self.diags,
                    kw,
                    "E202",
                    f"{call.name} has no argument named {kw.name}",
                    did_you_mean(kw.name, pnames),
                    f"its arguments are: {', '.join(pnames)}"
                    if pnames
                    else f"{call.name} takes only a target",
                    span=kw.name_span,
                )
            elif kw.name in bound:
                add_error(self.diags, kw, "E309", f"{call.name} got {kw.name} twice")
            else:
                bound[kw.name] = kw.value
        for p in params:
            expr = bound.get(p.name)
            if expr is None:
                if _is_required(p):
                    add_error(
                        self.diags,
                        call,
                        "E302",
                        f"{call.name} is missing its {p.name} argument",
                        f"add {p.name}=...",
                        span=call.name_span,
                    )
            else:
                check_value(self.diags, call.name, p, expr)

    def second_target(self, call: Call, first: Expr, extra: Call) -> None:
        """``highlight(columns("A"), columns("B"))``: one target per statement."""
        if isinstance(first, Call) and first.name == extra.name and not first.keywords:
            from refocus_dsl.lang.printer import format_expr

            try:
                merged = format_expr(Call(extra.name, first.args + extra.args))
                hint = f"name them in one target: {call.name}({merged})"
            except (ValueError, TypeError):
                hint = f"name them in one {extra.name}(...)"
        else:
            hint = f"write a second statement: {call.name}({extra.name}(...))"
        add_error(
            self.diags,
            extra,
            "E303",
            f"{call.name} takes one target; {extra.name}(...) is a second one",
            hint,
            span=extra.span,
        )
        self.count_targets(extra, check_target(extra, self.layout, self.diags).named)

    def unknown_tool(self, call: Call) -> None:
        name = call.name
        if name in TARGET_KINDS:
            tools = [t.name for t in self.registry.tools()]
            example = "highlight" if "highlight" in tools else (tools[0] if tools else "tool")
            add_error(
                self.diags,
                call,
                "E201",
                f"{name}(...) is a target, not an edit: say what to do with it",
                f"e.g. {example}({name}(...))",
                span=call.name_span,
            )
            self.target_only(call)
            return
        tools = [t.name for t in self.registry.tools()]
        if name.startswith("focus_on"):
            from refocus_dsl.lang.compat import PAPER_FUNCTIONS

            tools = tools + sorted(PAPER_FUNCTIONS)
        add_error(
            self.diags,
            call,
            "E201",
            f'unknown tool "{name}"',
            did_you_mean(name, tools),
            "tools are: " + ", ".join(tools),
            span=call.name_span,
        )
        if call.args and isinstance(call.args[0], Call) and call.args[0].name in TARGET_KINDS:
            self.target_only(call.args[0])

    def target_only(self, target: Call) -> None:
        self.count_targets(target, check_target(target, self.layout, self.diags).named)

    def count_targets(self, target: Call, count: int) -> None:
        self.count += count
        if self.count > self.limits.max_targets and not self.over:
            self.over = True
            add_error(
                self.diags,
                target,
                "E403",
                f"program names {self.count} targets; the limit is {self.limits.max_targets} "
                "(Limits.max_targets)",
                how_to_raise("max_targets"),
            )

    def target(self, call: Call, spec: ToolSpec, target: Expr) -> None:
        if isinstance(target, Call):
            kind = target.name
            if kind in TARGET_KINDS:
                if kind not in spec.targets:
                    accepted = [k for k in TARGET_KINDS if k in spec.targets]
                    add_error(
                        self.diags,
                        target,
                        "E306",
                        f"{call.name} does not take {kind}(...)",
                        f"{call.name} takes " + ", ".join(f"{k}(...)" for k in accepted),
                        span=target.name_span,
                    )
                want = call.name == "keep_only" and self.layout is not None
                result = check_target(target, self.layout, self.diags, resolve=want)
                self.count_targets(target, result.named)
                ts = result.targets
                if ts is not None and ts.siblings and set(ts.siblings) <= set(ts.boxes):
                    self.diags.append(
                        diagnostic_at(
                            target.span,
                            "W101",
                            f"keep_only names every {kind[:-1] if kind.endswith('s') else kind} "
                            f"of the group, so nothing is masked",
                            severity=Severity.WARNING,
                            suggestions=("name only the ones that matter",),
                        )
                    )
                return
            if self.registry.get(kind) is not None:
                add_error(
                    self.diags,
                    target,
                    "E310",
                    f"{kind}(...) is a tool; a tool call cannot be the target of {call.name}",
                    "write one statement per edit",
                    span=target.name_span,
                )
                return
            add_error(
                self.diags,
                target,
                "E204",
                f'unknown target kind "{kind}"',
                did_you_mean(kind, list(TARGET_KINDS)),
                "targets are: " + ", ".join(f"{k}(...)" for k in TARGET_KINDS),
                span=target.name_span,
            )
            return
        suggestion = ""
        if isinstance(target, String):
            suggestion = f'did you mean {self.guess_kind(target.value)}("{target.value}")?'
        add_error(
            self.diags,
            target,
            "E301",
            f"the first argument of {call.name} must be a target such as columns(...), "
            f"rows(...), bars(...) or region(...); got {describe(target)}",
            suggestion,
        )

    def guess_kind(self, label: str) -> str:
        if self.layout is not None:
            idx = layout_index(self.layout)
            for kind, labels in (
                ("columns", idx.column_labels),
                ("rows", idx.row_labels),
                ("bars", idx.category_labels),
            ):
                if labels.find(label):
                    return kind
            return "text"
        return "columns"


def _is_required(p: Param) -> bool:
    return p.default is REQUIRED


def check(
    source: str | Program,
    layout: Layout | None = None,
    registry: ToolLookup | None = None,
    limits: Limits | None = None,
) -> list[Diagnostic]:
    """Every problem of ``source`` (text or a parsed Program), sorted by position.

    ``layout`` enables label checks; ``registry`` defaults to the installed
    plugins (:func:`refocus_dsl.registry.default_registry`).
    """
    lim = limits if limits is not None else DEFAULT_LIMITS
    if not isinstance(source, str):
        return check_program(source, layout, registry, lim)
    from refocus_dsl.lang.parser import parse_with_diagnostics

    program, diags = parse_with_diagnostics(source, lim)
    if program is None:
        return with_source(diags, source)
    return check_program(program, layout, registry, lim, diags)


def check_program(
    program: Program,
    layout: Layout | None,
    registry: ToolLookup | None,
    limits: Limits,
    parse_diagnostics: Sequence[Diagnostic] = (),
) -> list[Diagnostic]:
    """Every problem of a parsed program, with the parser's own, sorted and capped."""
    lim = limits
    diags = list(parse_diagnostics)
    if registry is None:
        from refocus_dsl.registry import default_registry

        registry = default_registry()
    checker = _Checker(layout, registry, lim)
    for stmt in program.statements:
        checker.statement(stmt.call)
    if not program.statements and not any(d.severity is Severity.ERROR for d in diags):
        checker.diags.append(
            Diagnostic(
                "W103",
                "the program has no statements: the image stays as it is",
                1,
                1,
                1,
                1,
                severity=Severity.WARNING,
                suggestions=('write one edit per line, e.g. highlight(columns("Year"))',),
            )
        )
    if checker.diags:
        diags = diags + checker.diags
        diags.sort(key=lambda d: (d.line, d.column))
    if len(diags) > lim.max_diagnostics:
        rest = len(diags) - lim.max_diagnostics
        last = diags[lim.max_diagnostics - 1]
        diags = diags[: lim.max_diagnostics]
        diags.append(
            Diagnostic(
                "E109",
                f"too many problems: {rest} more not shown (Limits.max_diagnostics)",
                last.line,
                last.column,
                last.end_line,
                last.end_column,
                suggestions=("fix these first",),
            )
        )
    return with_source(diags, program.source)
