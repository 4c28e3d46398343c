"""Eval manifests: paths stay in the dataset's folder; ids never share a trace folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refocus_dsl.cli import main
from refocus_dsl.loop.dataset import load_dataset, safe_folder_name
from refocus_dsl.loop.errors import LoopError


def _write(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def _row(qid: str, image: str, **extra: object) -> dict[str, object]:
    return {"id": qid, "image": image, "question": "q?", "answer": "1", **extra}


def test_paths_outside_the_dataset_folder_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "set"
    data.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    for image in ("../secret.png", str(tmp_path / "secret.png"), "img/../../secret.png"):
        bad = _write(data / "d.jsonl", _row("q", image))
        with pytest.raises(LoopError, match="outside the dataset's folder.*--allow-outside"):
            load_dataset(bad)
        assert load_dataset(bad, allow_outside_paths=True)[0].image.name == "secret.png"
    bad = _write(data / "d.jsonl", _row("q", "ok.png", layout="../secret.json"))
    with pytest.raises(LoopError, match="layout '../secret.json' is outside"):
        load_dataset(bad)
    inside = _write(data / "d.jsonl", _row("q", "img/a.png", layout="img/../a.json"))
    assert load_dataset(inside)[0].image == data / "img" / "a.png"


def test_the_cli_refuses_outside_paths_before_any_work(
    tmp_path: Path, no_endpoint: None, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _write(tmp_path / "d.jsonl", _row("q", "/etc/hostname"))
    code = main(["eval", str(data), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code != 0 and "outside the dataset's folder" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "q").exists()


def test_ids_never_share_a_folder() -> None:
    assert safe_folder_name("a b") != safe_folder_name("a_b-" + safe_folder_name("a b")[-8:])
    assert safe_folder_name("a b") == "a_b-7dbde935"
    assert safe_folder_name("a_b-7dbde935") != "a_b-7dbde935"
    assert safe_folder_name("Q1").casefold() != safe_folder_name("q1").casefold()
    assert safe_folder_name("con") != "con" and safe_folder_name("q1") == "q1"


@settings(max_examples=200, deadline=2000)
@given(st.lists(st.text(max_size=12), min_size=2, max_size=6, unique=True))
def test_folder_names_are_injective_and_safe(ids: list[str]) -> None:
    names = [safe_folder_name(i) for i in ids]
    assert len({n.casefold() for n in names}) == len(ids)
    for n in names:
        assert n and "/" not in n and "\\" not in n and not n.startswith(".") and len(n) <= 89


def test_a_manifest_number_too_long_to_read_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "d.jsonl"
    bad.write_text('{"id": "q", "image": "a.png", "question": "q", "answer": 1' + "0" * 5000 + "}")
    with pytest.raises(LoopError, match="d.jsonl:1: not valid JSON"):
        load_dataset(bad)
