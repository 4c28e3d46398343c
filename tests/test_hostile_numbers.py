"""Integers past the float range (309+ digits) are diagnostics, never an OverflowError:
in check, in run, in the CLI and in the model loop."""

from __future__ import annotations

import pytest
from lang_helpers import table_layout
from loop_helpers import table_image_and_layout
from PIL import Image
from scripted_server import Reply, ScriptedServer

from refocus_dsl import ProgramError, check, run
from refocus_dsl.cli import main
from refocus_dsl.loop import ask
from refocus_dsl.loop.config import EndpointConfig

BIG = "1" + "0" * 400

PROGRAMS = [
    (f"highlight(region(0, 0, 1, 1), alpha={BIG})", "alpha"),
    (f"highlight(region(0, 0, 1, 1), alpha=-{BIG})", "alpha"),
    (f"highlight(region(0, 0, {BIG}, 1))", "x2"),
    (f"draw_box(region(0, 0, 1, 1), width={BIG})", "width"),
]


@pytest.mark.parametrize(("source", "name"), PROGRAMS)
def test_check_says_which_number(source: str, name: str) -> None:
    diags = check(source)
    assert [d.code for d in diags] == ["E304"]
    assert name in diags[0].message and "401-digit number" in diags[0].message


def test_huge_ordinals_are_out_of_range() -> None:
    diags = check(f"highlight(columns({BIG}))", table_layout())
    assert [d.code for d in diags] == ["E206"]
    assert len(diags[0].message) < 200


def test_run_refuses_with_the_diagnostic() -> None:
    image = Image.new("RGB", (40, 30), "white")
    with pytest.raises(ProgramError) as err:
        run(PROGRAMS[0][0], image)
    assert err.value.diagnostics[0].code == "E304"


def test_cli_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-e", PROGRAMS[0][0]]) == 1
    assert "E304" in capsys.readouterr().out


def test_the_loop_sends_it_back() -> None:
    image, layout = table_image_and_layout()
    reply = f"THOUGHT: x\n```refocus\n{PROGRAMS[0][0]}\n```"
    with ScriptedServer([Reply(text=reply), Reply(text="ANSWER: 2011")]) as s:
        cfg = EndpointConfig(model="m", base_url=s.base_url, api_key="k", backoff_s=0.001)
        result = ask(image, "q?", config=cfg, layout=layout)
    assert result.answer == "2011"
    assert [d.code for d in result.turns[0].diagnostics] == ["E304"]
