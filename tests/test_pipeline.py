"""compile_program: one parse-check-run step that the API, the loop and the CLI share."""

from __future__ import annotations

from pathlib import Path

import pytest
from lang_helpers import table_layout
from PIL import Image

import refocus_dsl
from refocus_dsl import CheckedProgram, Limits, ProgramError, compile_program, run


def test_compile_program_reports_and_runs() -> None:
    layout = table_layout()
    checked = compile_program('highlight(columns("Year"))', layout)
    assert isinstance(checked, CheckedProgram)
    assert checked.ok and checked.diagnostics == () and checked.program is not None
    image = Image.new("RGB", (layout.width, layout.height), "white")
    result = checked.run(image)
    assert result.image.size == image.size and len(result.trace) == 1
    bad = compile_program('highlight(columns("Nope"))', layout)
    assert not bad.ok and [d.code for d in bad.diagnostics] == ["E203"]
    assert "^^^^^^" in bad.render()
    with pytest.raises(ProgramError) as info:
        bad.run(image)
    assert info.value.diagnostics[0].code == "E203"


def test_compile_program_limits_bind_parse_and_check() -> None:
    text = 'highlight(columns(["Year"]))'
    assert compile_program(text).ok
    tight = compile_program(text, limits=Limits(max_nesting=1))
    assert [d.code for d in tight.errors] == ["E404"]
    unparsable = compile_program("x" * 100, limits=Limits(max_source_bytes=10))
    assert unparsable.program is None and not unparsable.ok


def test_against_checks_labels_once_a_layout_is_known() -> None:
    layout = table_layout()
    checked = compile_program('highlight(columns("Nope"))')
    assert checked.ok  # no layout: labels are not checked
    assert [d.code for d in checked.against(layout).diagnostics] == ["E203"]
    image = Image.new("RGB", (layout.width, layout.height), "white")
    with pytest.raises(ProgramError):
        checked.run(image, layout)


def test_run_takes_a_path(tmp_path: Path) -> None:
    layout = table_layout()
    path = tmp_path / "t.png"
    Image.new("RGB", (layout.width, layout.height), "white").save(path)
    by_path = run('highlight(columns("Year"))', str(path), layout)
    by_image = run('highlight(columns("Year"))', Image.open(path), layout)
    assert by_path.image.tobytes() == by_image.image.tobytes()
    assert run('highlight(columns("Year"))', path, layout).image.size == by_image.image.size


def test_top_level_exports() -> None:
    assert refocus_dsl.compile_program is compile_program
    assert "compile_program" in refocus_dsl.__all__ and "CheckedProgram" in refocus_dsl.__all__
