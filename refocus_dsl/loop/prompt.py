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

from refocus_dsl.layout import Layout, Series
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
        lines.extend(_series_lines(ch.series))
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
        for s in layout.subplots:
            inner = s.layout
            n = s.index + 1
            if inner is not None and inner.chart is not None and inner.chart.categories:
                cats = _quoted([c.label for c in inner.chart.categories])
                lines.append(
                    f"Panel {n} is a bar chart; its category labels, for bars(..., subplot={n}): "
                    + cats
                )
                lines.extend(_series_lines(inner.chart.series, f", subplot={n}"))
            elif inner is not None and inner.table is not None:
                lines.append(
                    f"Panel {n} is a table; its column headers, for columns(..., subplot={n}): "
                    + _quoted([c.header for c in inner.table.columns])
                )
    if not lines:
        lines.append("Nothing could be located in this image; use region(x1, y1, x2, y2).")
    return "\n".join(lines)


def _series_lines(series: Sequence[Series], where: str = "") -> list[str]:
    """How the model names the series of a grouped or stacked chart."""
    if not series:
        return []
    if any(s.label for s in series):
        return [
            f"Series (legend), for series(...{where}) and bars(..., series=...{where}): "
            + _quoted([s.label or "" for s in series])
        ]
    return [
        f"The bars come in {len(series)} series told apart by colour only (no legend): "
        f"series(1{where}) to series({len(series)}{where}), in drawing order."
    ]


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

# EXAMPLE 3 (one bar of a grouped bar chart)
# USER REQUEST #: <an image here> What share of women live in the South?
THOUGHT 0: Each region has a bar for Women and one for Men; I box the Women bar of South.
ACTION 0:
```refocus
draw_box(bars("South", series="Women"), color="red", width=4)
```
OBSERVATION: the program ran; the edited image follows.
THOUGHT 1: The boxed bar reads 52%.
ANSWER: 52. TERMINATE

# EXAMPLE 4 (a program with a mistake)
ACTION 0:
```refocus
highlight(columns("Earn"))
```
OBSERVATION: the program has errors:
E203 at program:1:19: no column named "Earn" in this table
  highlight(columns("Earn"))
                    ^^^^^^
  did you mean "Year" or "Earning"? columns are: "Index", "Year", "Cost", "Earning"
THOUGHT 1: The header is "Earning"; I fix the name.
ACTION 1:
```refocus
highlight(columns("Earning"))
```

# EXAMPLE 5 (no edit needed)
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

PAPER_CHART_TOOLS = "\n".join(
    [
        "```python",
        *(
            f'''def focus_on_{axis}_values_with_{how}(image, {axis}_values_to_focus_on, all_{axis}_values_bounding_boxes):
    """{what} Especially useful for {kind} bar charts.
    Args:
        image (PIL.Image.Image): the input image
        {axis}_values_to_focus_on (List[str]): the {axis} values (axis labels) to focus on
        all_{axis}_values_bounding_boxes (Dict[Dict]): always {axis}_values_bbox
    Returns:
        image_with_focused_{axis}_values (PIL.Image.Image)
    Example:
        image_with_focused_{axis}_values = focus_on_{axis}_values_with_{how}(image_1, ["2005", "2006"], {axis}_values_bbox)
        display(image_with_focused_{axis}_values)
    """
'''
            for axis, kind in (("x", "vertical"), ("y", "horizontal"))
            for how, what in (
                ("mask", "Keep the bars of the values to focus on and mask out all the others."),
                ("draw", "Draw a red box around the bars of the values to focus on."),
                (
                    "highlight",
                    "Add a light transparent red highlight to the bars of the values to focus on.",
                ),
            )
        ),
        "```",
    ]
)

PAPER_SYSTEM = """You are a helpful multimodal AI assistant. Solve tasks using your vision, coding and language skills.
You can suggest python code (in a python coding block) for the user to execute; the user replies with the text and image outputs of the code. In a dialogue, the variables your earlier code blocks assigned stay available.
Do not include multiple code blocks in one response. If the result shows an error, fix it and send the full code again.
For each turn, you should first do a "THOUGHT", based on the images and text you see.
If you think you get the answer to the initial user request, reply with "ANSWER: <your answer>" and end with "TERMINATE".
"""

PAPER_GOAL = """# GOAL #: Based on the above tools, I want you to reason about how to solve the # USER REQUEST # and generate the actions step by step (each action is a python jupyter notebook code block) to solve the request.
You may need to use the tools above to process the images and make decisions based on the visual outputs of the previous code blocks.
Your visual ability is not perfect, so you should use these tools to assist you in reasoning about the images.

# REQUIREMENTS #:
1. The generated actions can resolve the given user request # USER REQUEST # perfectly. The user request is reasonable and can be solved. Try your best to solve the request.
2. The arguments of a tool must be the same format specified in # TOOL LIST #;
3. If you think you got the answer, use ANSWER: <your answer> Please extract the final answer in FINAL ANSWER: <final answer> and ends with TERMINATE.
4. All images in the initial user request are stored in PIL Image objects named image_1, image_2, ..., image_n. You can use these images in your code blocks. Use display() function to show the image in the notebook for you too see.
5. Use as few tools as possible. Only use the tools for the use cases written in the tool description. You can use multiple tools in a single action.
6. If you have multiple answers, please separate them with || marks. For example, if the answer is 'Alice' and 'Bob', you should write 'Alice||Bob'.
7. If you do not think you have enough information to answer the question on the images returned by the tools, you should directly answer the question based on the original image.
8. Only the listed tools and display() are available in a code block; nothing else in it is run.
"""

_PAPER_OBSERVED = """OBSERVATION: Execution success. The output is as follows:
<the image outputs of the previous code is here.>
If you can get the answer, please reply with ANSWER: <your answer> Please extract the final answer in FINAL ANSWER: <final answer> and ends with TERMINATE. Otherwise, please generate the next THOUGHT and ACTION."""

PAPER_EXAMPLE_TABLE = f"""# EXAMPLE: Simple question that does not require any tool
# USER REQUEST #: <A image here> What is the title of this table?
# USER Bounding Box Info: columns_bbox, where keys are column headers and values are column bounding boxes. rows_bbox, where keys are row headers and values are row bounding boxes. The columns in the image are: ["Grade", "Mentor", "Salary"]. The rows in the image start with: ["Grade", "A", "B", "C"].
# USER IMAGE stored in image_1, as PIL image.
# RESULT #:
THOUGHT 0: The question does not require any tool. The title above the table is "Staff".
ACTION 0: No action needed.
ANSWER: The title of the table is "Staff". FINAL ANSWER: Staff. TERMINATE

# EXAMPLE: Focus on specific columns and rows in the image
# USER REQUEST #: <A image here> What is the sum of the earnings after 2006?
# USER Bounding Box Info: columns_bbox, where keys are column headers and values are column bounding boxes. rows_bbox, where keys are row headers and values are row bounding boxes. The columns in the image are: ["Index", "Year", "Cost", "Earning"]. The rows in the image start with: ["Index", "0", "1", "2", "3", "4", "5"].
# USER IMAGE stored in image_1, as PIL image.
# RESULT #:
THOUGHT 0: I need the 'Year' and 'Earning' columns, and the rows after 2006: the row of 2006 starts with "3", so the rows starting with "4" and "5".
ACTION 0:
```python
image_with_focused_columns = focus_on_columns_with_mask(image_1, ["Year", "Earning"], columns_bbox)
image_with_focused_rows = focus_on_rows_with_draw(image_with_focused_columns, ["4", "5"], rows_bbox)
display(image_with_focused_rows)
```
{_PAPER_OBSERVED}
THOUGHT 1: The earnings after 2006 are 165,498 and 198,765, which sum to 364,263.
ACTION 1: No action needed.
ANSWER: The sum of the earnings after 2006 is 364,263. FINAL ANSWER: 364263. TERMINATE
"""

PAPER_EXAMPLE_CHART = f"""# EXAMPLE: Focus on specific x values in a vertical bar chart
# USER REQUEST #: <A image here> What is the annual gain in China?
# USER Bounding Box Info: x_values_bbox, storing x values and coordinates. y_values_bbox, storing y values and coordinates. The x values in the image are: ["China", "USA", "UK"]. The y values in the image are: [].
# USER IMAGE stored in image_1, as PIL image.
# RESULT #:
THOUGHT 0: This is a vertical bar chart; I focus on the x value 'China'.
ACTION 0:
```python
image_with_focused_x_values = focus_on_x_values_with_highlight(image_1, ["China"], x_values_bbox)
display(image_with_focused_x_values)
```
{_PAPER_OBSERVED}
THOUGHT 1: The annual gain in China is $100,000.
ACTION 1: No action needed.
ANSWER: The annual gain in China is $100,000. FINAL ANSWER: 100000. TERMINATE

# EXAMPLE: Focus on specific y values in a horizontal bar chart
# USER REQUEST #: <A image here> How many games did Josh win?
# USER Bounding Box Info: x_values_bbox, storing x values and coordinates. y_values_bbox, storing y values and coordinates. The x values in the image are: []. The y values in the image are: ["Josh", "Alice", "Bob"].
# USER IMAGE stored in image_1, as PIL image.
# RESULT #:
THOUGHT 0: This is a horizontal bar chart; I focus on the y value 'Josh'.
ACTION 0:
```python
image_with_focused_y_values = focus_on_y_values_with_draw(image_1, ["Josh"], y_values_bbox)
display(image_with_focused_y_values)
```
{_PAPER_OBSERVED}
THOUGHT 1: Josh won 3 games.
ACTION 1: No action needed.
ANSWER: Josh won 3 games. FINAL ANSWER: 3. TERMINATE
"""

PAPER_NOW = (
    "Now please generate only THOUGHT 0 and ACTION 0 in RESULT. If no action needed, also reply "
    "with ANSWER: <your answer> Please extract the final answer in FINAL ANSWER: <final answer> "
    "and ends with TERMINATE:\n# RESULT #:"
)


def paper_axis(layout: Layout | None) -> str:
    """The paper names vertical-bar categories x values and horizontal-bar ones y values."""
    if layout is not None and layout.chart is not None and layout.chart.orientation == "horizontal":
        return "y"
    return "x"


def _pylist(labels: Sequence[str]) -> str:
    return "[" + _quoted(labels) + "]" if labels else "[]"


def _paper_prompt(layout: Layout | None, question: str) -> Prompt:
    """The paper's message shapes: tools, goal and requirements, examples, then the request
    with its "USER Bounding Box Info" line, all in the first user message."""
    is_chart = layout is not None and layout.chart is not None and layout.table is None
    found = layout_labels(layout)
    if is_chart:
        axis = paper_axis(layout)
        labels = found.get("categories", [])
        xs, ys = (labels, []) if axis == "x" else ([], labels)
        intro = (
            "You will be given a chart figure: image_1 and a question.\n"
            "Notice that you, as an AI assistant, are not good at answering questions when there "
            "are too many unnecessary and irrelevant information.\n"
            "If you are dealing with a vertical bar chart figure, you should determine which are "
            "the relevant x values to the question, and specify them in a python list, using the "
            "given x value names. If you are dealing with a horizontal bar chart figure, do the "
            "same with the given y values."
        )
        tools, example = PAPER_CHART_TOOLS, PAPER_EXAMPLE_CHART
        info = (
            "# USER Bounding Box Info: x_values_bbox, storing x values and coordinates. "
            "y_values_bbox, storing y values and coordinates. "
            f"The x values in the image are: {_pylist(xs)}. The y values in the image are: {_pylist(ys)}."
        )
    else:
        intro = (
            "You will be given a table figure: image_1 and a question.\n"
            "Notice that you, as an AI assistant, are not good at answering questions when there "
            "are too many unnecessary and irrelevant information. You should determine which are "
            "the relevant columns to the question, and specify them in a python list, using the "
            "given column headers. You should also determine which are the relevant rows to the "
            "question, and specify them in a python list, using the given row headers.\n"
            "You could select the tools to focus on some columns / rows, or mask out some "
            "columns / rows. Use whichever tool you think is more appropriate."
        )
        tools, example = PAPER_TABLE_TOOLS, PAPER_EXAMPLE_TABLE
        starters: list[str] = []
        if layout is not None and layout.table is not None:
            starters = [r.label for r in layout.table.rows]
        info = (
            "# USER Bounding Box Info: columns_bbox, where keys are column headers and values are "
            "column bounding boxes. rows_bbox, where keys are row headers and values are row "
            f"bounding boxes. The columns in the image are: {_pylist(found.get('columns', []))}. "
            f"The rows in the image start with: {_pylist(starters)}."
        )
    text = "\n".join(
        [
            "Here are some tools that can help you. All are python codes. They are in tools.py "
            "and will be imported for you.",
            intro,
            "Below are the tools in tools.py:",
            tools,
            PAPER_GOAL,
            "Below are some examples of how to use the tools to solve the user requests. You can "
            "refer to them for help. You can also refer to the tool descriptions for more "
            "information.\n",
            example,
            f"# USER REQUEST #: <A image here> {question.strip()}",
            info,
            "# USER IMAGE stored in image_1, as PIL image.",
            PAPER_NOW,
        ]
    )
    return Prompt("paper", PAPER_SYSTEM, text)


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
    from refocus_dsl.lang.docs_gen import prompt_tool_section
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
