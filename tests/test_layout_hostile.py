"""Hostile layout files: every one is a clear LayoutError naming the field, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lang_helpers import table_layout

from refocus_dsl.errors import LayoutError
from refocus_dsl.layout import layout_to_dict, load_layout

BOX = "[0, 0, 50, 50]"


def _doc_text() -> str:
    doc = layout_to_dict(table_layout())
    doc["table"]["columns"][0]["bbox"] = [0, 0, 50, 50]
    return json.dumps(doc)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: t.replace(BOX, "[0, NaN, 50, 50]", 1), "table.columns[0].bbox"),
        (lambda t: t.replace(BOX, "[0, Infinity, 50, 50]", 1), "table.columns[0].bbox"),
        (lambda t: t.replace(BOX, "[0, -Infinity, 50, 50]", 1), "table.columns[0].bbox"),
        (lambda t: t.replace(BOX, "[0, 1e400, 50, 50]", 1), "table.columns[0].bbox"),
        (lambda t: t.replace(BOX, "[0, " + "9" * 5000 + ", 50, 50]", 1), "table.columns[0].bbox"),
        (lambda t: t.replace(BOX, "[0, " + "9" * 300 + ", 50, 50]", 1), "table.columns[0].bbox"),
        (lambda t: re.sub(r'"width": \d+', '"width": 1' + "0" * 5000, t, count=1), "image.width"),
        (lambda t: t[:-1] + ', "confidence": NaN}', "confidence"),
        (lambda t: t[:-1] + ', "detector": {"a": ' + "[" * 50 + "]" * 50 + "}}", "detector"),
    ],
)
def test_bad_numbers_name_the_field(tmp_path: Path, change: object, field: str) -> None:
    path = tmp_path / "l.json"
    path.write_text(change(_doc_text()))  # type: ignore[operator]
    with pytest.raises(LayoutError, match=re.escape(f"l.json: layout {field}: ")):
        load_layout(path)


def test_deep_nesting_and_encodings_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(_doc_text()[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(LayoutError, match="nested too deeply"):
        load_layout(path)
    path = tmp_path / "u16.json"
    path.write_bytes(_doc_text().encode("utf-16"))
    with pytest.raises(LayoutError, match="UTF-16; save it as UTF-8"):
        load_layout(path)
    path = tmp_path / "latin.json"
    path.write_bytes(_doc_text().replace('"Year"', '"Ann\u00e9e"').encode("latin-1"))
    with pytest.raises(LayoutError, match="not UTF-8 text"):
        load_layout(path)
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + _doc_text().encode())
    assert load_layout(path).kind == "table"  # a UTF-8 byte order mark is fine


def test_a_lone_surrogate_label_can_be_written_back(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(_doc_text().replace('"Year"', '"Y\\ud800"', 1))
    layout = load_layout(path)
    assert layout.to_json().encode("utf-8")
