"""What a new user of the Python API meets: OCR slips in labels, printable diagnostics,
results that show themselves in a notebook, the overlay, and a prompt that tells the
truth about the checker."""

from __future__ import annotations

import dataclasses
import io
import re

from lang_helpers import table_layout
from PIL import Image

import refocus_dsl
from refocus_dsl import check, compile_program, draw_overlay, run
from refocus_dsl.lang.diagnostics import render_text
from refocus_dsl.lang.labels import ocr_folded
from refocus_dsl.layout import Column, Layout, Row, Table
from refocus_dsl.loop.prompt import DSL_EXAMPLES


def _clubs(detected: bool) -> Layout:
    names = ["Club", "Burnley", "Burton", "Barnsley", "Brentford"]
    rows = tuple(Row(i, n, i == 0, (0, i * 20, 200, i * 20 + 20)) for i, n in enumerate(names))
    ocr_read = [("Bumley" if n == "Burnley" else n) for n in names]
    rows = tuple(dataclasses.replace(r, label=lab) for r, lab in zip(rows, ocr_read, strict=True))
    cols = (Column(0, "Club", (0, 0, 100, 100)), Column(1, "Points", (100, 0, 200, 100)))
    table = Table((0, 0, 200, 100), cols, rows)
    return Layout(200, 100, "table", table, detector={"name": "test"} if detected else None)


def test_ocr_confusions_fold_together() -> None:
    assert ocr_folded("burnley") == ocr_folded("bumley")
    assert ocr_folded("clyde") == ocr_folded("dyde")
    assert ocr_folded("walsall") == ocr_folded("vvalsall")
    assert ocr_folded("oldham") == ocr_folded("0ldham")
    assert ocr_folded("germany") == ocr_folded("cermany")
    assert ocr_folded("ilford") == ocr_folded("1lford") == ocr_folded("liford")


def test_rows_burnley_finds_the_ocr_read_bumley_with_a_warning() -> None:
    detected = _clubs(detected=True)
    diags = check('highlight(rows("Burnley"))', detected)
    assert [d.code for d in diags] == ["W106"]
    assert '"Bumley"' in diags[0].message
    image = Image.new("RGB", (200, 100), "white")
    result = run('highlight(rows("Burnley"))', image, detected)
    assert result.trace[0].labels == ("Bumley",)
    # a gold layout gets no such leeway
    assert [d.code for d in check('highlight(rows("Burnley"))', _clubs(detected=False))] == ["E203"]


def test_str_of_a_diagnostic_is_the_caret_text() -> None:
    source = 'keep_only(columns("Earnings", "Year"))'
    diags = check(source, table_layout())
    assert str(diags[0]) + "\n" == render_text(diags, source)
    assert str(diags[0]).splitlines()[2].strip() == "^^^^^^^^^^"
    checked = compile_program("highlight(rowz(1))")
    assert "^^^^" in str(checked.diagnostics[0])


def test_results_show_themselves_in_a_notebook() -> None:
    layout = table_layout()
    result = run(
        'highlight(columns("Year"))', Image.new("RGB", (layout.width, layout.height)), layout
    )
    png = result._repr_png_()
    assert png is not None
    assert Image.open(io.BytesIO(png)).tobytes() == result.image.convert("RGB").tobytes()


def test_draw_overlay_is_public() -> None:
    layout = table_layout()
    image = Image.new("RGB", (layout.width, layout.height), "white")
    assert refocus_dsl.draw_overlay is draw_overlay
    drawn = draw_overlay(image, layout)
    assert drawn.size == image.size and drawn.getbbox() is not None
    assert drawn.tobytes() != image.tobytes()


def test_the_prompts_mistake_example_is_what_the_checker_says() -> None:
    """The example's columns are the test table's; on a gold and on a detected layout
    the checker must print the example's observation word for word."""
    block = DSL_EXAMPLES.split("(a program with a mistake)")[1].split("# EXAMPLE")[0]
    program = re.search(r"```refocus\n(.*?)\n```", block, re.S)
    assert program is not None
    shown = block.split("OBSERVATION: the program has errors:\n")[1].split("THOUGHT")[0]
    layout = table_layout()
    for lay in (layout, dataclasses.replace(layout, detector={"name": "test"})):
        assert compile_program(program.group(1), lay).render("program") == shown


def test_an_ask_result_shows_its_last_edit(no_endpoint: None) -> None:
    from loop_helpers import table_image_and_layout

    from refocus_dsl.loop import ask

    image, layout = table_image_and_layout()
    result = ask(image, "What was the earning in 2011?", layout=layout, notify=lambda _: None)
    assert result.edited_images
    png = result._repr_png_()
    assert png is not None
    shown = Image.open(io.BytesIO(png)).convert("RGB")
    assert shown.tobytes() == result.edited_images[-1].convert("RGB").tobytes()
