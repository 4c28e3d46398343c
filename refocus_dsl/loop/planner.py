"""The offline planner: choose what to focus on from the question and the layout alone.

No model is involved. Question words, numbers and years are matched against
column headers, row labels (and cell texts), category labels and panel names;
matching forgives case, punctuation, plurals, thousands separators and small
spelling differences (OCR slips). The plan is written as a refocus program,
so it goes through the same checker and interpreter as a model's program.
It serves ``ask`` without an endpoint, ``refocus plan``, and as the baseline in
evaluations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from refocus_dsl.lang.labels import normalize_label, typo_distance
from refocus_dsl.layout import Box, Category, Cell, Chart, Layout, Row

FocusKind = Literal["columns", "rows", "bars", "series", "subplots"]

STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or is are was were be been what which who
    whom whose how many much does do did than that this these those its it as per between
    across over under during value number amount""".split()
)
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+", re.UNICODE)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_YEAR_RANGE = re.compile(
    r"\b((?:1[5-9]|2[0-9])\d\d)\s*(?:-|–|to|and|through|until|till)\s*((?:1[5-9]|2[0-9])\d\d)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(1[5-9]|2[0-9])\d\d")
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
}
_PANEL_WORDS = r"(?:panel|subplot|sub-plot|plot|chart|graph|figure|subfigure|image)"
MAX_INFLECTION = 3
"""Letters one word may add to the end of another and still name it ("prison" /
"prisoner", "german" / "germany", "president" / "presidential")."""


@dataclass(frozen=True)
class Focus:
    kind: FocusKind
    label: str
    index: int
    box: Box | None
    matched: str
    """The words of the question that matched."""
    series: str | None = None
    """For one series' bar of a category: that series' legend label."""


@dataclass(frozen=True)
class Plan:
    question: str
    program: str
    """A refocus program, or "" when nothing in the question names part of the image."""
    focus: tuple[Focus, ...]
    reasons: tuple[str, ...]

    @property
    def boxes(self) -> tuple[Box, ...]:
        return tuple(f.box for f in self.focus if f.box is not None)


def singular(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Normalised (case-folded, NFKC), singular word and number tokens (``2,000`` is
    ``2000``)."""
    text = _THOUSANDS.sub("", normalize_label(text).replace("&", " and "))
    return [singular(t) for t in _TOKEN.findall(text)]


def _same(a: str, b: str) -> bool:
    """Label word ``a`` names question word ``b``."""
    if a == b:
        return True
    if a[0].isdigit() or b[0].isdigit():
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    if min(len(a), len(b)) < 5 or a[0] != b[0]:
        return False
    # A typo or OCR slip (one edit or swap: "franciso", "germnay") or an inflection
    # ("mention" / "mentioned"). A looser similarity named "Earning" for "meaning" and
    # "prince" for "province"; a first letter is rarely the one misread or mistyped.
    short, long = sorted((a, b), key=len)
    return typo_distance(a, b) <= 1 or (
        long.startswith(short) and len(long) - len(short) <= MAX_INFLECTION
    )


def _cut(a: str, b: str) -> bool:
    return len(a) >= 4 and len(b) >= len(a) + 2 and (b.endswith(a) or b.startswith(a))


def match_label(label: str, question_tokens: Sequence[str]) -> str | None:
    """The question words that name ``label``, or None.

    All of the label's content words must occur in the question (three in
    four for labels of four or more content words), in any order.
    """
    words = tokens(label)
    content = [w for w in words if w not in STOPWORDS] or words
    if not content:
        return None
    hits: list[str] = []
    for w in content:
        hit = next((q for q in question_tokens if _same(w, q)), None)
        if hit is None and len(content) > 1:
            # a word of a longer label cut at the image edge or by OCR: "lary" for
            # "ancillary" (never for one-word labels, where "sing" would match "singapore")
            hit = next((q for q in question_tokens if _cut(w, q)), None)
        if hit is not None:
            hits.append(hit)
    need = len(content) if len(content) < 4 else -(-3 * len(content) // 4)
    years = [w for w in content if _YEAR.fullmatch(w)]
    if len(hits) < need:
        # OCR adds noise around a year ("2015 Year", ";sf 2017"): the year decides
        if years and len(content) <= 3 and all(y in question_tokens for y in years):
            return " ".join(years)
        return None
    if len(content) == 1 and content[0] in STOPWORDS:
        return None
    return " ".join(hits)


def _year_ranges(question: str) -> list[tuple[int, int]]:
    text = _THOUSANDS.sub("", question)
    out = []
    for m in _YEAR_RANGE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        out.append((min(a, b), max(a, b)))
    return out


def _in_range(label: str, ranges: Iterable[tuple[int, int]]) -> bool:
    s = label.strip()
    return bool(re.fullmatch(r"(1[5-9]|2[0-9])\d\d", s)) and any(
        a <= int(s) <= b for a, b in ranges
    )


def _drop_subsumed(found: list[Focus]) -> list[Focus]:
    """Keep "Gold medals" and drop "Gold" when both matched the same words."""
    keep = []
    for f in found:
        mine = set(tokens(f.label))
        if any(g is not f and g.kind == f.kind and mine < set(tokens(g.label)) for g in found):
            continue
        keep.append(f)
    return keep


MAX_WORDS = frozenset(
    "highest largest most maximum max greatest biggest top peak best longest".split()
)
MIN_WORDS = frozenset("lowest smallest least minimum min fewest worst shortest".split())


def _superlative(question: str) -> str | None:
    """``max`` or ``min`` when the question asks for an extreme ("the highest ...")."""
    words = re.findall(r"[a-z]+", question.lower())
    found = None
    for i, w in enumerate(words):
        if i > 0 and words[i - 1] in ("at", "second", "third"):
            continue  # "at least 5", "second highest": not the extreme
        if w in MAX_WORDS:
            found = found or "max"
        elif w in MIN_WORDS:
            found = found or "min"
    return found


def _extreme_bar(
    cats: Sequence[Category], orientation: str | None, want: str | None
) -> Focus | None:
    """The category whose bar is longest (or shortest), read from the layout's geometry."""
    if want is None:
        return None
    sized = []
    for c in cats:
        if c.bar_bbox is None:
            continue
        x1, y1, x2, y2 = c.bar_bbox
        sized.append((x2 - x1 if orientation == "horizontal" else y2 - y1, c))
    if len(sized) < 2:
        return None
    sized.sort(key=lambda t: t[0], reverse=want == "max")
    c = sized[0][1]
    if sized[0][0] == sized[1][0] or not c.label.strip():
        return None  # a tie, or a bar whose label could not be read: nothing to name
    return Focus("bars", c.label, c.index, c.region or c.bar_bbox, f"the {want}imum bar")


def _number(text: str) -> float | None:
    t = _THOUSANDS.sub("", text).replace("$", "").replace("%", "").strip()
    try:
        return float(t)
    except ValueError:
        return None


def _is_measure(cells: Sequence[Cell], col: int) -> bool:
    """A column of numbers that are not just years (the thing a superlative ranks)."""
    values = [_number(c.text) for c in cells if c.col == col and c.row > 0]
    numbers = [v for v in values if v is not None]
    if len(numbers) < 2 or len(numbers) < len(values) / 2:
        return False
    return not all(v.is_integer() and 1500 <= v <= 2100 for v in numbers)


def _extreme_row(cells: Sequence[Cell], body: Sequence[Row], col: int, want: str) -> Focus | None:
    """The body row whose value in column ``col`` is largest (or smallest)."""
    rows = {r.index: r for r in body}
    values = []
    for cell in cells:
        if cell.col == col and cell.row in rows:
            value = _number(cell.text)
            if value is not None:
                values.append((value, rows[cell.row]))
    if len(values) < 2:
        return None
    values.sort(key=lambda t: t[0], reverse=want == "max")
    r = values[0][1]
    if values[0][0] == values[1][0] or not r.label.strip():
        return None  # a tie, or a row without a label to name it by
    return Focus("rows", r.label, r.index, r.bbox, f"the {want}imum value")


def _lit(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _args(labels: Iterable[str]) -> str:
    seen: list[str] = []
    for label in labels:
        if label not in seen:
            seen.append(label)
    return ", ".join(_lit(s) for s in seen)


def _match_all(
    kind: FocusKind, items: Iterable[tuple[int, str, Box | None]], q: Sequence[str], question: str
) -> list[Focus]:
    ranges = _year_ranges(question)
    found = []
    for index, label, box in items:
        if not label.strip():
            continue
        hit = match_label(label, q)
        if hit is None and ranges and _in_range(label, ranges):
            hit = f"{label} (in a year range)"
        if hit is not None:
            found.append(Focus(kind, label, index, box, hit))
    return _drop_subsumed(found)


def _subplot_numbers(
    question: str, count: int, titles: Sequence[str | None]
) -> list[tuple[int, str]]:
    q = question.lower()
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"\(([a-z])\)|\b" + _PANEL_WORDS + r"\s*\(?([a-z]|\d+)\)?(?![\w])", q):
        tag = m.group(1) or m.group(2)
        n = int(tag) if tag.isdigit() else ord(tag) - ord("a") + 1
        out.append((n, m.group(0)))
    for word, n in ORDINALS.items():
        if re.search(rf"\b{word}\s+{_PANEL_WORDS}", q):
            out.append((n, word))
    for i, title in enumerate(titles):
        if title and re.fullmatch(r"\(?[a-z]\)?", title.strip().lower()):
            continue  # bare letters are handled above
        if title and match_label(title, tokens(question)):
            out.append((i + 1, title))
    return sorted({(n, w) for n, w in out if 1 <= n <= count})


def _named_series(chart: Chart, q: Sequence[str]) -> list[tuple[int, str, str]]:
    """(index, label, matched words) of the legend entries the question names."""
    found = _match_all(
        "series", ((k, s.label or "", None) for k, s in enumerate(chart.series)), q, ""
    )
    return [(f.index, f.label, f.matched) for f in found]


def _series_extreme(chart: Chart, k: int, want: str | None) -> Category | None:
    """The category whose bar of series ``k`` is longest (or shortest)."""
    if want is None:
        return None
    sized = []
    for c in chart.categories:
        bar = c.bars[k] if k < len(c.bars) else None
        if bar is not None and c.label.strip():
            x1, y1, x2, y2 = bar
            sized.append((x2 - x1 if chart.orientation == "horizontal" else y2 - y1, c))
    if len(sized) < 2:
        return None
    sized.sort(key=lambda t: t[0], reverse=want == "max")
    return None if sized[0][0] == sized[1][0] else sized[0][1]


def _plan_chart(
    chart: Chart,
    q: Sequence[str],
    question: str,
    panel: int | None,
    lines: list[str],
    focus: list[Focus],
    reasons: list[str],
) -> None:
    """Categories (and series) of one chart the question names, as draw_box lines;
    ``panel``: the figure panel it is (``subplot=N``), or None for the image's own."""
    cats = chart.categories
    where = f", subplot={panel}" if panel is not None else ""
    bars = _match_all(
        "bars", ((c.index, c.label, c.region or c.bar_bbox) for c in cats), q, question
    )
    series = _named_series(chart, q) if chart.series else []
    want = _superlative(question)
    box = 'color="red", width=3)'
    if series and len(series) < len(chart.series):
        for k, label, matched in series:
            picked = [f for f in bars if k < len(cats[f.index].bars) and cats[f.index].bars[k]]
            if not picked:
                top = _series_extreme(chart, k, want) if not bars else None
                if top is None:
                    lines.append(f"draw_box(series({_lit(label)}{where}), {box}")
                    focus.append(Focus("series", label, k, None, matched))
                    reasons.append(f"series named: {label} ({matched})")
                    continue
                picked = [
                    Focus("bars", top.label, top.index, top.bars[k], f"the {want}imum {label} bar")
                ]
            picked.sort(key=lambda f: f.index)
            args = _args(f.label for f in picked)
            lines.append(f"draw_box(bars({args}, series={_lit(label)}{where}), {box}")
            focus.extend(
                Focus("bars", f.label, f.index, cats[f.index].bars[k], f.matched, label)
                for f in picked
            )
            reasons.append(
                f"series {label} ({matched}) in: "
                + ", ".join(f"{f.label} ({f.matched})" for f in picked)
            )
        return
    if not bars:
        extreme = _extreme_bar(cats, chart.orientation, want)
        if extreme is not None:
            bars = [extreme]
    if bars and len(bars) < len(cats):
        _draw_boxes("bars", bars, "categories", where, lines, focus, reasons)


def _draw_boxes(
    kind: str,
    found: list[Focus],
    what: str,
    where: str,
    lines: list[str],
    focus: list[Focus],
    reasons: list[str],
) -> None:
    """One draw_box line around what was found, in layout order, and why."""
    found.sort(key=lambda f: f.index)
    lines.append(f'draw_box({kind}({_args(f.label for f in found)}{where}), color="red", width=3)')
    focus.extend(found)
    reasons.append(f"{what} named: " + ", ".join(f"{f.label} ({f.matched})" for f in found))


def plan(question: str, layout: Layout | None) -> Plan:
    """What to focus on for ``question``, as a program for ``layout``'s image."""
    if layout is None:
        return Plan(question, "", (), ("no layout: nothing to name",))
    q = tokens(question)
    reasons: list[str] = []
    lines: list[str] = []
    focus: list[Focus] = []
    if layout.table is not None and layout.table.columns:
        table = layout.table
        columns = _match_all(
            "columns", ((c.index, c.header, c.bbox) for c in table.columns), q, question
        )
        body = [r for r in table.rows if not r.is_header]
        rows = _match_all("rows", ((r.index, r.label, r.bbox) for r in body), q, question)
        # A value named in another column (a year, a name) points at its row and column.
        by_row = {r.index: r for r in body}
        by_col = {c.index: c for c in table.columns}
        named_rows = {f.index for f in rows}
        ranges = _year_ranges(question)
        for cell in table.cells:
            row = by_row.get(cell.row)
            if row is None or cell.col == 0 or cell.row in named_rows or not row.label.strip():
                continue
            words = tokens(cell.text)
            if not words or all(w in STOPWORDS for w in words):
                continue
            hit = match_label(cell.text, q)
            if hit is None and _in_range(cell.text, ranges):
                hit = f"{cell.text.strip()} (in a year range)"
            if hit is not None and (len(words) > 1 or len(words[0]) >= 3):
                rows.append(Focus("rows", row.label, row.index, row.bbox, f"{hit} (a cell)"))
                named_rows.add(cell.row)
                col = by_col.get(cell.col)
                if col is not None and all(f.index != col.index for f in columns):
                    columns.append(
                        Focus("columns", col.header, col.index, col.bbox, f"{hit} (a cell)")
                    )
        if columns and len(columns) < len(table.columns):
            kept = sorted(columns, key=lambda f: f.index)
            if rows and all(f.index != 0 for f in kept) and table.columns[0].header.strip():
                first = table.columns[0]
                kept.insert(
                    0, Focus("columns", first.header, first.index, first.bbox, "row labels")
                )
            lines.append(f"keep_only(columns({_args(f.label for f in kept)}))")
            focus.extend(kept)
            reasons.append("columns named: " + ", ".join(f"{f.label} ({f.matched})" for f in kept))
        want = _superlative(question)
        named = [f.index for f in columns if f.index != 0 and "(a cell)" not in f.matched]
        measures = [c for c in named if _is_measure(table.cells, c)]
        if not rows and want and len(measures) == 1:
            extreme = _extreme_row(table.cells, body, measures[0], want)
            if extreme is not None:
                rows = [extreme]
        if rows and len(rows) < len(body):
            _draw_boxes("rows", rows, "rows", "", lines, focus, reasons)
    if layout.chart is not None and layout.chart.categories:
        _plan_chart(layout.chart, q, question, None, lines, focus, reasons)
    for n, sub in enumerate(layout.subplots, start=1):
        inner = sub.layout
        if len(layout.subplots) > 1 and inner is not None and inner.chart is not None:
            _plan_chart(inner.chart, q, question, n, lines, focus, reasons)
    if len(layout.subplots) > 1:
        subs = _subplot_numbers(question, len(layout.subplots), [s.title for s in layout.subplots])
        if subs:
            numbers = sorted({n for n, _ in subs})
            lines.append(f"keep_only(subplots({', '.join(str(n) for n in numbers)}))")
            for n, word in subs:
                s = layout.subplots[n - 1]
                focus.append(Focus("subplots", str(n), s.index, s.bbox, word))
            reasons.append("panels named: " + ", ".join(f"{n} ({w})" for n, w in subs))
    if not lines:
        reasons.append("nothing in the question names a column, row, category or panel")
    return Plan(question, "\n".join(lines) + ("\n" if lines else ""), tuple(focus), tuple(reasons))
