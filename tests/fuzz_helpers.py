"""Random and mutated programs, layout documents and model replies, from a seeded RNG.

The suite's property tests draw a seed from hypothesis; the long run in
``benchmarks/fuzz_long.py`` draws seeds itself. Both call the same ``exercise_*``
functions, which raise only when the package lets something other than a
deliberate :class:`~refocus_dsl.errors.RefocusError` escape.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

from lang_helpers import chart_layout, figure_layout, table_layout
from PIL import Image

from refocus_dsl.errors import RefocusError
from refocus_dsl.lang.limits import Limits
from refocus_dsl.lang.pipeline import compile_program
from refocus_dsl.layout import Layout, layout_from_dict, layout_to_dict, parse_layout_json
from refocus_dsl.loop.replies import parse_reply

TOOLS = ("mask", "highlight", "dim", "draw_box", "underline", "keep_only", "crop", "zoom")
PARAMS = ("color", "alpha", "amount", "width", "fill", "margin", "scale", "nope")
TARGETS = ("columns", "rows", "cells", "region", "bars", "text", "subplots", "series", "what")
STRANGE = (
    "", " ", "\x00", "\u202e", "\ud800", "\x1b]0;x\x07", "é", "🙂", "\\", '"', "'", "\n",
    "ﬁ", "Ⅻ", "١٢", "ß", "İ", "\t", "#", "%", "{", "[", "(", ")", "]", "}", ",", "=",
)  # fmt: skip
NUMBERS = (
    "0", "1", "-1", "0.5", "1e400", "-1e400", "1" + "0" * 400, "0x10", "1_000", "nan", "inf",
    "1e-400", "3.", ".5", "-0", "2", "4", "5", "99999999999999999999", "1.5e3",
)  # fmt: skip
COLORS = ('"yellow"', '"#ff0000"', '"#fff"', '"notacolor"', '"rgb(1,2,3)"', '""', '"#zzzzzz"')

LAYOUTS: dict[str, Layout] = {
    "table": table_layout(),
    "chart": chart_layout(),
    "figure": figure_layout(),
}
IMAGES = {k: Image.new("RGB", (v.width, v.height), "white") for k, v in LAYOUTS.items()}
FUZZ_LIMITS = Limits(max_pixels=4_000_000)


def _labels(layout: Layout) -> list[str]:
    out: list[str] = []
    if layout.table is not None:
        out += [c.header for c in layout.table.columns] + [r.label for r in layout.table.rows]
        out += [c.text for c in layout.table.cells]
    if layout.chart is not None:
        out += [c.label for c in layout.chart.categories]
    for sp in layout.subplots:
        out += [sp.title or ""]
    return [x for x in out if x] or ["x"]


def _string(rng: random.Random, labels: list[str]) -> str:
    roll = rng.random()
    if roll < 0.6:
        text = rng.choice(labels)
        if rng.random() < 0.3:  # an OCR-like slip
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice(STRANGE + ("0", "O", "l", "1")) + text[i:]
    else:
        text = "".join(rng.choice(STRANGE) for _ in range(rng.randrange(4)))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(rng: random.Random, labels: list[str], depth: int) -> str:
    roll = rng.random()
    if roll < 0.35:
        return _string(rng, labels)
    if roll < 0.65:
        return rng.choice(NUMBERS)
    if roll < 0.75:
        return rng.choice(COLORS)
    if roll < 0.85 and depth < 3:
        return _target(rng, labels, depth + 1)
    if roll < 0.93:
        items = [_value(rng, labels, depth + 1) for _ in range(rng.randrange(3))]
        return "[" + ", ".join(items) + "]"
    return rng.choice(("true", "false", "none", "x", "-", "()", "..."))


def _target(rng: random.Random, labels: list[str], depth: int = 0) -> str:
    name = rng.choice(TARGETS)
    args = [_value(rng, labels, depth + 1) for _ in range(rng.randrange(5))]
    if name == "region" and rng.random() < 0.7:
        args = [rng.choice(NUMBERS[:4] + ("0.25", "0.75", "1.5")) for _ in range(4)]
    if rng.random() < 0.2:
        args.append(f"{rng.choice(('row', 'col', 'near', 'panel'))}={_value(rng, labels, depth)}")
    return f"{name}({', '.join(args)})"


def random_program(rng: random.Random, layout: Layout) -> str:
    """A few statements of tool calls on targets, most of them nearly valid."""
    labels = _labels(layout)
    lines = []
    for _ in range(rng.randrange(1, 5)):
        args = [_target(rng, labels)] if rng.random() < 0.95 else []
        for _ in range(rng.randrange(3)):
            args.append(f"{rng.choice(PARAMS)}={_value(rng, labels, 1)}")
        lines.append(f"{rng.choice(TOOLS)}({', '.join(args)})")
    return "\n".join(lines)


def mutate_text(rng: random.Random, text: str, steps: int = 3) -> str:
    """Insert, delete, duplicate or swap characters and slices."""
    for _ in range(rng.randrange(1, steps + 1)):
        if not text:
            text = rng.choice(STRANGE)
            continue
        i = rng.randrange(len(text))
        j = min(len(text), i + rng.randrange(1, 8))
        op = rng.randrange(5)
        if op == 0:
            text = text[:i] + text[j:]
        elif op == 1:
            text = text[:i] + rng.choice(STRANGE + ("(", ")", ",", "=", '"')) + text[i:]
        elif op == 2:
            text = text[:i] + text[i:j] * rng.randrange(2, 6) + text[j:]
        elif op == 3:
            k = rng.randrange(len(text))
            text = text[:i] + text[k : k + 6] + text[i:]
        else:
            text = text[:i] + rng.choice(NUMBERS) + text[j:]
    return text


def exercise_program(text: str, kind: str) -> None:
    """Parse, check and (when clean) run ``text``; only deliberate errors may escape."""
    layout = LAYOUTS[kind]
    checked = compile_program(text, layout, limits=FUZZ_LIMITS)
    checked.render()
    if checked.ok:
        try:
            checked.run(IMAGES[kind])
        except RefocusError:
            pass


# ---------------------------------------------------------------- layouts

_WEIRD_VALUES: tuple[Any, ...] = (
    None, True, 0, -1, 2**31, 2**70, 1.5, float("nan"), float("inf"), -float("inf"), "",
    "x", "\ud800", [], {}, [0, 0, 0], [0, 0, 1, 1], [5, 5, 1, 1], [0, "a", 1, 1],
    [1e308, 0, 1e308, 1], {"a": [[[]]]}, "refocus-layout/1", "table", "chart", "figure",
)  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def mutate_layout_doc(rng: random.Random, doc: dict[str, Any]) -> Any:
    """Replace, delete or duplicate a few nodes of a layout document."""
    doc = copy.deepcopy(doc)
    for _ in range(rng.randrange(1, 4)):
        paths = _paths(doc)
        path = rng.choice(paths)
        if not path:
            if rng.random() < 0.1:
                return rng.choice(_WEIRD_VALUES)
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        op = rng.randrange(8)
        value = parent[key]
        if op >= 4 and isinstance(value, (int, float)) and not isinstance(value, bool):
            # a plausible slip: a number moved, flipped or made fractional
            parent[key] = rng.choice((value + rng.randint(-50, 50), -value, value * 0.5, 0))
        elif op >= 4 and isinstance(value, str):
            parent[key] = mutate_text(rng, value, steps=1)
        elif op == 0:
            parent[key] = copy.deepcopy(rng.choice(_WEIRD_VALUES))
        elif op == 1 and isinstance(parent, dict):
            del parent[key]
        elif op == 2 and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        else:
            parent[key] = copy.deepcopy(rng.choice(_WEIRD_VALUES + (doc.get("image"),)))
    return doc


def random_layout_doc(rng: random.Random) -> Any:
    base = layout_to_dict(LAYOUTS[rng.choice(list(LAYOUTS))])
    return mutate_layout_doc(rng, base)


def layout_json_text(rng: random.Random, doc: Any) -> str:
    """The document as JSON text, sometimes mutated at the character level."""
    text = json.dumps(doc, allow_nan=True, ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.3:
        text = mutate_text(rng, text, steps=2)
    return text


def exercise_layout(text: str, kind: str | None = None) -> None:
    """Read a layout document and, when it reads, check a program against it and write it."""
    try:
        doc = parse_layout_json(text.encode("utf-8", "surrogatepass"), "fuzz")
        layout = layout_from_dict(doc)
    except RefocusError:
        return
    layout.to_json().encode("utf-8")
    rng = random.Random(len(text))
    program = random_program(rng, layout)
    checked = compile_program(program, layout, limits=FUZZ_LIMITS)
    if checked.ok and layout.width * layout.height <= 1_000_000:
        try:
            checked.run(Image.new("RGB", (layout.width, layout.height), "white"))
        except RefocusError:
            pass


# ---------------------------------------------------------------- replies

_REPLY_PIECES = (
    "THOUGHT: ", "ACTION 0:\n", "```refocus\n", "```python\n", "```\n", "```", "\n",
    "ANSWER: ", "FINAL ANSWER: ", "TERMINATE", "I'm sorry", "2011", "3.5.", "U.S.",
    'mask(columns("Year"))\n', "\uff1a", "*", " ", "\r\n", "\x1b[2J", "\u2028",
)  # fmt: skip


def random_reply(rng: random.Random) -> str:
    pieces = [rng.choice(_REPLY_PIECES) for _ in range(rng.randrange(30))]
    text = "".join(pieces) * rng.choice((1, 1, 1, 2, 50, 500))
    return mutate_text(rng, text) if rng.random() < 0.3 else text


def exercise_reply(text: str) -> None:
    reply = parse_reply(text)
    if reply.program is not None:
        exercise_program(reply.program[:2000], "table")
