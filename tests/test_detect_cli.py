"""`refocus detect`, `refocus eval-layout`, the overlay and the layout cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from table_helpers import draw_table, make_cells

from refocus_dsl.cache import LayoutCache, image_digest
from refocus_dsl.cli import main
from refocus_dsl.detect import detect_layout
from refocus_dsl.layout import load_layout
from refocus_dsl.ocr import get_ocr
from refocus_dsl.overlay import draw_overlay


@pytest.fixture()
def table_png(tmp_path: Path) -> Path:
    drawn = draw_table(make_cells(4, 3, 5), style="hrules", size=16, pad=8)
    path = tmp_path / "table.png"
    drawn.image.save(path)
    return path


def test_detect_json_is_a_valid_layout(table_png: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", str(table_png), "--kind", "table", "--json", "--no-cache"]) == 0
    doc = json.loads(capsys.readouterr().out)
    layout = load_layout(doc)
    assert doc["schema"] == "refocus-layout/1"
    assert (
        layout.table is not None and len(layout.table.columns) == 3 and len(layout.table.rows) == 4
    )


def test_detect_summary_and_overlay(
    table_png: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "overlay.png"
    assert (
        main(["detect", str(table_png), "--kind", "table", "--overlay", str(out), "--no-cache"])
        == 0
    )
    text = capsys.readouterr().out
    assert "3 columns, 4 rows (1 header row)" in text
    assert "column 0:" in text and "[header]" in text
    with Image.open(out) as ov, Image.open(table_png) as src:
        assert ov.size == src.size
        assert ov.convert("RGB").tobytes() != src.convert("RGB").tobytes()  # something was drawn


def test_detect_usage_errors_exit_2(table_png: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["detect", str(table_png), "--kind", "pie"])
    assert exc.value.code == 2


def test_eval_layout_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drawn = draw_table(make_cells(4, 3, 1), style="grid", size=16, pad=8)
    drawn.image.save(tmp_path / "a.png")
    assert main(["detect", str(tmp_path / "a.png"), "--kind", "table", "--json", "--no-cache"]) == 0
    (tmp_path / "a.json").write_text(capsys.readouterr().out)  # its own detection as gold
    (tmp_path / "m.jsonl").write_text(
        json.dumps({"id": "a", "image": "a.png", "gold": "a.json"}) + "\n"
    )
    assert main(["eval-layout", str(tmp_path / "m.jsonl"), "--json", "--quiet"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["overall"]["complete"] == 1.0 and rep["overall"]["header_exact"] == 1.0
    assert list(rep["groups"]) == [tmp_path.name]
    assert main(["eval-layout", str(tmp_path / "missing.jsonl")]) == 1


def test_second_detection_is_served_from_the_cache_without_ocr(
    tmp_path: Path, table_png: Path
) -> None:
    engine = get_ocr()
    cache = LayoutCache(tmp_path / "cache")
    first = detect_layout(table_png, "table", ocr=engine, cache=cache)
    calls = engine.calls
    second = detect_layout(table_png, "table", ocr=engine, cache=cache)
    assert engine.calls == calls
    assert second == first and (second.detector or {}).get("cache") == "hit"
    # a new cache on the same directory reads the JSON file written by the first
    fresh = LayoutCache(tmp_path / "cache")
    third = detect_layout(table_png, "table", ocr=engine, cache=fresh)
    assert engine.calls == calls and third == first
    assert list((tmp_path / "cache").rglob("*.json"))
    # another kind or another image is another key
    other = Image.open(table_png).convert("L")
    assert image_digest(other) != image_digest(Image.open(table_png))
    detect_layout(other, "table", ocr=engine, cache=cache)
    assert engine.calls > calls


def test_cache_can_be_memory_only_and_disabled_by_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFOCUS_NO_CACHE", "1")
    assert LayoutCache(tmp_path).directory is None
    monkeypatch.delenv("REFOCUS_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REFOCUS_CACHE_DIR", raising=False)
    assert LayoutCache().directory == tmp_path / "xdg" / "refocus-dsl" / "layouts"


def test_overlay_draws_charts_and_panels() -> None:
    from refocus_dsl.layout import Category, Chart, Layout, Subplot

    img = Image.new("RGB", (200, 120), "white")
    chart = Chart(
        orientation="vertical",
        plot_bbox=(20, 10, 190, 100),
        categories=(Category(0, "A", (30, 100, 60, 115), (35, 40, 55, 100), (20, 10, 105, 115)),),
    )
    out = draw_overlay(img, Layout(200, 120, "chart", chart=chart))
    assert out.size == img.size and out.getpixel((45, 60)) != (255, 255, 255)
    panels = Layout(
        200, 120, "figure", subplots=(Subplot(0, (0, 0, 100, 120)), Subplot(1, (100, 0, 200, 120)))
    )
    out2 = draw_overlay(img, panels)
    assert out2.getpixel((100, 60)) != (255, 255, 255)


def test_auto_kind_runs_the_classifier_and_says_so(table_png: Path) -> None:
    layout = detect_layout(table_png, "auto", cache=False)
    assert layout.kind in ("table", "chart", "figure")
    assert any(n.startswith(f"kind {layout.kind}:") for n in layout.notes), layout.notes


def test_detect_max_pixels_is_the_image_limit(
    table_png: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["detect", str(table_png), "--no-cache", "--max-pixels", "1000"]) == 1
    err = capsys.readouterr().err
    assert "over the limit of 1,000;" in err and "Traceback" not in err
