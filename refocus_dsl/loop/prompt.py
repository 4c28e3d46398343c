# ruff: noqa: E501  (prompt text is kept as the model reads it, one sentence per line)
"""The model's instructions, in two styles.

``dsl``: the tool section is generated from the plugin registry (a new plugin
is offered to the model with no change here), followed by the image's layout
labels, worked examples in the paper's THOUGHT / ACTION / ANSWER style, and
the rules. ``paper``: the ReFocus paper's own prompt shape, with its Python
tool signatures and ``columns_bbox``-style arguments, so results compare with
the paper's; those calls are lowered by the parser, never executed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from refocus_dsl.layout import Layout
from refocus_dsl.loop.errors import LoopError

if TYPE_CHECKING:
    from refocus_dsl.registry import Registry

PromptStyle = Literal["dsl", "paper"]
PROMPT_STYLES: tuple[str, ...] = ("dsl", "paper")

MAX_LISTED_LABELS = 80
"""Labels listed per axis; a layout with more says how many were left out."""


@dataclass(frozen=True)
class Prompt:
    """The system text and the text of the first user message (the image follows it)."""

    style: PromptStyle
    system: str
    question: str


def _quoted(labels: Sequence[str]) -> str:
    readable = [label for label in labels if label.strip()]
    blank = len(labels) - len(readable)
    shown = [json.dumps(label, ensure_ascii=False) for label in readable[:MAX_LISTED_LABELS]]
    more = len(readable) - len(shown)
    text = ", ".join(shown) + (f", ... ({more} more)" if more > 0 else "")
    if blank:
        text += f" ({blank} without a readable label)"
    return text


def layout_labels(layout: Layout | None) -> dict[str, list[str]]:
    """Column headers, row labels, category labels and panel titles of a layout."""
    out: dict[str, list[str]] = {}
    if layout is None:
        return out
    if layout.table is not None:
        out["columns"] = [c.header for c in layout.table.columns]
        out["rows"] = [r.label for r in layout.table.rows if not r.is_header]
    if layout.chart is not None:
        out["categories"] = [c.label for c in layout.chart.categories]
    if layout.subplots:
        out["subplots"] = [s.title or str(s.index + 1) for s in layout.subplots]
    return out


def describe_layout(layout: Layout | None) -> str:
    """What the model may name, in the DSL's own words."""
    if layout is None:
        return (
            "No layout could be detected for this image, so columns(), rows() and bars() "
            "cannot be used; region(x1, y1, x2, y2) with fractions of the image still works."
        )
    lines: list[str] = []
    if layout.table is not None:
        t = layout.table
        body = [r for r in t.rows if not r.is_header]
        lines.append(
            f"The image is a table with {len(t.columns)} columns and {len(body)} body rows "
            f"({len(t.header_rows)} header row(s))."
        )
        lines.append(f"Column headers, for columns(...): {_quoted([c.header for c in t.columns])}")
        lines.append(
            f"Row labels (first cell of each row), for rows(...): {_quoted([r.label for r in body])}"
        )
    if layout.chart is not None:
        ch = layout.chart
        kind = f"{ch.orientation} " if ch.orientation else ""
        title = f" titled {json.dumps(ch.title, ensure_ascii=False)}" if ch.title else ""
        lines.append(
            f"The image is a {kind}{ch.type} chart{title} with {len(ch.categories)} categories."
        )
        lines.append(f"Category labels, for bars(...): {_quoted([c.label for c in ch.categories])}")
    if layout.subplots and len(layout.subplots) > 1:
        titled = [s for s in layout.subplots if s.title]
        lines.append(
            f"The figure has {len(layout.subplots)} panels, numbered from 1 in reading order "
            "(row by row, left to right), for subplots(...)."
        )
        if titled:
            lines.append(
                "Panel titles: "
                + ", ".join(
                    f"{s.index + 1}: {json.dumps(s.title, ensure_ascii=False)}" for s in titled
                )
            )
    if not lines:
        lines.append("Nothing could be located in this image; use region(x1, y1, x2, y2).")
    return "\n".join(lines)


DSL_EXAMPLES = """\
# EXAMPLE 1 (a table)
# USER REQUEST #: <an image here> Which year had the highest earning?
THOUGHT 0: Only the Year and Earning columns matter. I keep them and mask the rest.
ACTION 0:
```refocus
keep_only(columns("Year", "Earning"))
```
OBSERVATION: the program ran; the edited image follows.
THOUGHT 1: In the remaining columns the largest earning, 1,520, is in the row of 2011.
ANSWER: 2011. TERMINATE

# EXAMPLE 2 (a bar chart)
# USER REQUEST #: <an image here> What is the difference between China and India?
THOUGHT 0: I box the two bars the question names.
ACTION 0:
```refocus
draw_box(bars("China", "India"), color="red", width=4)
```
OBSERVATION: the program ran; the edited image follows.
THOUGHT 1: China is 45 and India is 30, so the difference is 15.
ANSWER: 15. TERMINATE

# EXAMPLE 3 (a program with a mistake)
ACTION 0:
```refocus
highlight(columns("Earnings"))
```
OBSERVATION: the program has errors:
E203 at program:1:19: no column named "Earnings" in this table
  highlight(columns("Earnings"))
                    ^^^^^^^^^^
  did you mean "Earning"? columns are: "Index", "Year", "Cost", "Earning"
THOUGHT 1: The header is "Earning"; I fix the name.
ACTION 1:
```refocus
highlight(columns("Earning"))
```

# EXAMPLE 4 (no edit needed)
# USER REQUEST #: <an image here> How many columns does the table have?
THOUGHT 0: I can count the headers directly.
ANSWER: 4. TERMINATE
"""

DSL_RULES = """\
# RULES #
1. Think step by step. Each reply is THOUGHT text followed by EITHER one ```refocus block
   (ACTION) OR a final line "ANSWER: <answer>" followed by TERMINATE, never both.
2. Write at most one program block per reply; put several edits in the same block.
3. Each program starts from the original image. After it runs you get the edited image
   and the original; if the program has errors you get them with what to fix.
4. Name columns, rows and bars exactly as listed below (case and spacing are forgiven).
   Panels are counted from 1. region() takes fractions of the image from 0 to 1.
5. Programs are not Python: only the tool calls listed above exist (no variables, loops,
   imports or arithmetic).
6. Use few edits. If an edit does not help, answer from the original image.
7. For several answers, separate them with " || " (for example: Alice || Bob).
   Give numbers without units unless the question asks for them.
"""


def _dsl_prompt(layout: Layout | None, question: str, tool_section: str) -> Prompt:
    system = "\n\n".join(
        [
            "You answer questions about an image of a table or chart. You may first edit "
            "the image to focus on what matters (mask, highlight or box columns, rows, bars, "
            "panels), by writing a short program in the refocus language; you then see the "
            "edited image and answer.",
            "# TOOLS #\n" + tool_section.strip(),
            DSL_RULES.strip(),
            "Below are examples of how to use the tools.\n\n" + DSL_EXAMPLES.strip(),
        ]
    )
    text = (
        f"# USER REQUEST #: {question.strip()}\n\n# THE IMAGE #\n{describe_layout(layout)}\n\n"
        "# RESULT #:"
    )
    return Prompt("dsl", system, text)


PAPER_TABLE_TOOLS = '''\
```python
def focus_on_columns_with_mask(image, columns_to_focus_on, all_columns_bounding_boxes):
    """Keep the columns to focus on and mask (white out) all other columns.
    Args:
        image (PIL.Image.Image): the input image
        columns_to_focus_on (List[str]): the column headers to focus on
        all_columns_bounding_boxes (Dict[Dict]]): always columns_bbox
    Returns:
        image_with_focused_columns (PIL.Image.Image)
    Example:
        image_with_focused_columns = focus_on_columns_with_mask(image_1, ["Year", "Earning"], columns_bbox)
        display(image_with_focused_columns)
    """

def focus_on_columns_with_draw(image, columns_to_focus_on, all_columns_bounding_boxes):
    """Draw a red box around the columns to focus on. Same arguments; always columns_bbox."""

def focus_on_columns_with_highlight(image, columns_to_focus_on, all_columns_bounding_boxes):
    """Add a light transparent red highlight to the columns to focus on; always columns_bbox."""

def focus_on_rows_with_mask(image, rows_to_focus_on, all_rows_bounding_boxes):
    """Keep the rows to focus on (and the header row) and mask all other rows.
    rows_to_focus_on are row headers (the first cell of each row); always rows_bbox.
    Example:
        image_with_focused_rows = focus_on_rows_with_mask(image_1, ["1996", "1997"], rows_bbox)
        display(image_with_focused_rows)
    """

def focus_on_rows_with_draw(image, rows_to_focus_on, all_rows_bounding_boxes):
    """Draw a red box around the rows to focus on; always rows_bbox."""

def focus_on_rows_with_highlight(image, rows_to_focus_on, all_rows_bounding_boxes):
    """Add a light transparent red highlight to the rows to focus on; always rows_bbox."""
```'''

PAPER_CHART_TOOLS = '''\
```python
def focus_on_{axis}_values_with_mask(image, {axis}_values_to_focus_on, all_{axis}_values_bounding_boxes):
    """Keep the bars of the {axis} values to focus on and mask all other bars.
    Args:
        image (PIL.Image.Image): the input image
        {axis}_values_to_focus_on (List[str]): the {axis}-axis labels to focus on
        all_{axis}_values_bounding_boxes (Dict[Dict]]): always {axis}_values_bbox
    Example:
        image_with_focused_bars = focus_on_{axis}_values_with_mask(image_1, ["2019", "2020"], {axis}_values_bbox)
        display(image_with_focused_bars)
    """

def focus_on_{axis}_values_with_draw(image, {axis}_values_to_focus_on, all_{axis}_values_bounding_boxes):
    """Draw a red box around the bars of the {axis} values to focus on; always {axis}_values_bbox."""

def focus_on_{axis}_values_with_highlight(image, {axis}_values_to_focus_on, all_{axis}_values_bounding_boxes):
    """Highlight the bars of the {axis} values to focus on in light red; always {axis}_values_bbox."""
```'''

PAPER_REQUIREMENTS = """\
# GOAL #: Based on the above tools, I want you to reason about how to solve the # USER REQUEST # and generate the actions step by step (each action is a python jupyter notebook code block) to solve the request.
You may need to use the tools above to process the images and make decisions based on the visual outputs of the previous code blocks.
Your visual ability is not perfect, so you should use these tools to assist you in reasoning about the images.

# REQUIREMENTS #:
1. The generated actions can resolve the given user request # USER REQUEST # perfectly. The user request is reasonable and can be solved. Try your best to solve the request.
2. The arguments of a tool must be the same format specified in # TOOL LIST #;
3. If you think you got the answer, use ANSWER: <your answer> Please extract the final answer in FINAL ANSWER: <final answer> and ends with TERMINATE.
4. All images in the initial user request are stored in PIL Image objects named image_1, image_2, ..., image_n. You can use these images in your code blocks. Use display() function to show the image in the notebook for you too see.
5. Use as few tools as possible. Only use the tools for the use cases written in the tool description. You can use multiple tools in a single action.
6. If you have multiple answers, please separate them with || marks. For example, if the answer is 'Alice' and 'Bob', you should write 'Alice || Bob'.
7. Each code block starts again from image_1: write all the calls you need in one block (only the listed tools and display() are available; nothing else in the block runs).
8. If you do not think you have enough information to answer the question on the images returned by the tools, you should directly answer the question based on the original image.
"""

PAPER_EXAMPLE_TABLE = """\
# EXAMPLE:
# USER REQUEST #: <A image here> Which Year has the highest Earning? The column headers are: ["Index", "Year", "Cost", "Earning"]. The row headers are: ["1", "2", "3", "4", "5"].
# RESULT #:
THOUGHT 0: To find the year with the highest earning, I need to focus on the Year and Earning columns.
ACTION 0:
```python
image_with_focused_columns = focus_on_columns_with_mask(image_1, ["Year", "Earning"], columns_bbox)
display(image_with_focused_columns)
```
OBSERVATION: Execution success. The output is as follows:
<the image outputs of the previous code is here.>
THOUGHT 1: The highest Earning is 1,520, in the Year 2011.
ANSWER: 2011. TERMINATE
"""

PAPER_EXAMPLE_CHART = """\
# EXAMPLE:
# USER REQUEST #: <A image here> What is the difference between the values of 2019 and 2020? The {axis} values are: ["2017", "2018", "2019", "2020"].
# RESULT #:
THOUGHT 0: I need to focus on the bars of 2019 and 2020.
ACTION 0:
```python
image_with_focused_bars = focus_on_{axis}_values_with_draw(image_1, ["2019", "2020"], {axis}_values_bbox)
display(image_with_focused_bars)
```
OBSERVATION: Execution success. The output is as follows:
<the image outputs of the previous code is here.>
THOUGHT 1: 2019 is 35 and 2020 is 42, so the difference is 7.
ANSWER: 7. TERMINATE
"""


def paper_axis(layout: Layout | None) -> str:
    """The paper names vertical-bar categories x values and horizontal-bar ones y values."""
    if layout is not None and layout.chart is not None and layout.chart.orientation == "horizontal":
        return "y"
    return "x"


def _paper_prompt(layout: Layout | None, question: str) -> Prompt:
    is_chart = layout is not None and layout.chart is not None and layout.table is None
    if is_chart:
        axis = paper_axis(layout)
        tools = PAPER_CHART_TOOLS.replace("{axis}", axis)
        example = PAPER_EXAMPLE_CHART.replace("{axis}", axis)
        labels = layout_labels(layout).get("categories", [])
        request = f"{question.strip()} The {axis} values are: [{_quoted(labels)}]."
        what = "a bar chart figure"
    else:
        tools = PAPER_TABLE_TOOLS
        example = PAPER_EXAMPLE_TABLE
        found = layout_labels(layout)
        request = (
            f"{question.strip()} The column headers are: [{_quoted(found.get('columns', []))}]. "
            f"The row headers are: [{_quoted(found.get('rows', []))}]."
        )
        what = "a table figure"
    system = (
        "Here are some tools that can help you. All are python codes. They are in tools.py and "
        "will be imported for you.\n"
        f"You will be given {what}: image_1 and a question.\n"
        "Notice that you, as an AI assistant, are not good at answering questions when there "
        "are too many unnecessary and irrelevant information. You should determine which are "
        "the relevant parts to the question, and specify them in a python list, using the "
        "given headers or labels.\n"
        "Below are the tools in tools.py:\n"
        f"{tools}\n\n{PAPER_REQUIREMENTS}\n"
        "Below are some examples of how to use the tools to solve the user requests.\n"
        f"{example}"
    )
    return Prompt("paper", system, f"# USER REQUEST #: {request}\n# RESULT #:")


def build_prompt(
    style: str,
    question: str,
    layout: Layout | None,
    registry: Registry | None = None,
) -> Prompt:
    """The prompt for one question; ``style`` is ``dsl`` or ``paper``."""
    if style == "paper":
        return _paper_prompt(layout, question)
    if style != "dsl":
        raise LoopError(f"unknown prompt style {style!r}; choose from {', '.join(PROMPT_STYLES)}")
    from refocus_dsl.docs_gen import prompt_tool_section
    from refocus_dsl.registry import default_registry

    section = prompt_tool_section(registry if registry is not None else default_registry())
    return _dsl_prompt(layout, question, section)


ANSWER_ONLY_SYSTEM = """\
You answer questions about an image of a table or chart.
Think briefly, then give the answer on a last line as: ANSWER: <answer>
For several answers, separate them with " || ". Give numbers without units unless asked."""


def build_answer_prompt(question: str, program: str | None = None) -> Prompt:
    """The baselines' prompt: answer directly, or from the offline planner's edit."""
    text = f"# USER REQUEST #: {question.strip()}"
    if program:
        text += (
            "\n\nThe first image was edited to focus on what the question names "
            f"(edits: {' '.join(program.split())}); the second image is the original."
        )
    return Prompt("dsl", ANSWER_ONLY_SYSTEM, text)
