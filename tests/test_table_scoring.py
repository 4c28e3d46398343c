"""Layout metrics: IoU, one-to-one matching, text similarity, the table scorer, the runner."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from table_helpers import draw_table, make_cells

from refocus_dsl.errors import LayoutError
from refocus_dsl.lang.labels import edit_distance, normalize_label
from refocus_dsl.layout import Column, Layout, Row, Table, layout_to_dict
from refocus_dsl.scoring import read_manifest, score_detection
from refocus_dsl.scoring.common import anls, assign_max, iou, quantile
from refocus_dsl.scoring.table import score_table


def test_iou_basics() -> None:
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (10, 0, 20, 10)) == 0.0
    assert iou((0, 0, 10, 10), (5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert iou(None, (0, 0, 1, 1)) == 0.0


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=5), min_size=1, max_size=5
    ).filter(lambda m: len({len(r) for r in m}) == 1)
)
def test_assignment_is_optimal_and_one_to_one(weights: list[list[float]]) -> None:
    pairs = assign_max(weights)
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    got = sum(weights[i][j] for i, j in pairs)
    n, m = len(weights), len(weights[0])
    best = 0.0
    for perm in itertools.permutations(range(m), min(n, m)):
        rows = range(n) if n <= m else None
        if rows is not None:
            best = max(best, sum(weights[i][perm[i]] for i in range(n)))
    if n > m:
        for perm in itertools.permutations(range(n), m):
            best = max(best, sum(weights[perm[j]][j] for j in range(m)))
    assert got == pytest.approx(best, abs=1e-9)


def test_text_measures() -> None:
    assert normalize_label("  Goal\u00a0 Difference ") == "goal difference"
    assert edit_distance("kitten", "sitting") == 3
    assert anls("Year", "year") == 1.0
    assert anls("Yaer", "Year") == 0.5
    assert anls("abc", "xyz") == 0.0
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


def table_layout(xs: list[int], ys: list[int], headers: list[str], labels: list[str]) -> Layout:
    box = (xs[0], ys[0], xs[-1], ys[-1])
    cols = tuple(
        Column(i, headers[i], (xs[i], ys[0], xs[i + 1], ys[-1])) for i in range(len(xs) - 1)
    )
    rows = tuple(
        Row(i, labels[i], i == 0, (xs[0], ys[i], xs[-1], ys[i + 1])) for i in range(len(ys) - 1)
    )
    return Layout(400, 300, "table", Table(box, cols, rows))


def test_score_table_perfect_and_imperfect() -> None:
    gold = table_layout([10, 100, 200, 300], [10, 40, 70, 100], ["A", "B", "C"], ["A", "x", "y"])
    perfect = score_table(gold, gold, {})
    assert all(v == 1.0 for v in perfect.values()), perfect
    det = table_layout([10, 150, 300], [10, 40, 70, 100], ["a", "bee"], ["a", "X", "z"])
    s = score_table(det, gold, {})
    assert s["col_count_exact"] == 0.0 and s["row_count_exact"] == 1.0
    assert s["both_count_exact"] == 0.0 and s["complete"] == 0.0
    assert s["label_exact"] == pytest.approx(2 / 3)
    assert 0.0 < s["col_iou"] < 1.0  # type: ignore[operator]
    missing = score_table(Layout(400, 300, "table"), gold, {})
    assert missing["col_count_exact"] == 0.0 and missing["col_iou"] == 0.0


def write_manifest(tmp_path: Path, n: int) -> Path:
    lines = []
    for k in range(n):
        drawn = draw_table(make_cells(4, 3, k), style=("grid", "none")[k % 2], size=16, pad=8)
        drawn.image.save(tmp_path / f"t{k}.png")
        gold = table_layout(drawn.col_bounds, drawn.row_bounds, drawn.headers, drawn.labels)
        gold = Layout(drawn.image.width, drawn.image.height, "table", gold.table)
        (tmp_path / f"t{k}.json").write_text(json.dumps(layout_to_dict(gold)))
        lines.append(
            json.dumps(
                {
                    "id": f"t{k}",
                    "image": f"t{k}.png",
                    "gold": f"t{k}.json",
                    "style": ("grid", "none")[k % 2],
                }
            )
        )
    man = tmp_path / "manifest.jsonl"
    man.write_text("\n".join(lines) + "\n")
    return man


def test_evaluate_runs_a_manifest_overall_and_per_group(tmp_path: Path) -> None:
    man = write_manifest(tmp_path, 2)
    seen: list[str] = []
    rep = score_detection(man, progress=seen.append, overlays=tmp_path / "ov")
    assert len(rep.images) == 2 and len(seen) == 2
    assert set(rep.groups) == {"grid", "none"}
    assert rep.overall["col_count_exact"] == 1.0
    assert rep.overall["row_count_exact"] == 1.0
    assert rep.overall["seconds_median"] is not None and rep.overall["ocr_calls"] >= 1  # type: ignore[operator]
    assert sorted(p.name for p in (tmp_path / "ov").iterdir()) == ["t0.png", "t1.png"]
    text = rep.to_text()
    assert "column count exact" in text and "grid" in text
    doc = rep.to_dict()
    assert doc["n_images"] == 2 and doc["overall"]["header_exact"] == 1.0


def test_manifest_errors_name_the_line(tmp_path: Path) -> None:
    man = tmp_path / "m.jsonl"
    man.write_text('{"image": "a.png", "gold": "a.json"}\n{not json}\n')
    with pytest.raises(LayoutError, match=":2:"):
        read_manifest(man)
    man.write_text('{"image": "a.png"}\n')
    with pytest.raises(LayoutError, match="needs 'gold'"):
        read_manifest(man)
    man.write_text('{"gold": "a.json"}\n')
    with pytest.raises(LayoutError, match="needs 'image'"):
        read_manifest(man)


def test_chart_question_rows_need_no_gold_layout(tmp_path: Path) -> None:
    """ChartLens-style rows give only the answer bar's box; they score answer-bar metrics."""
    from PIL import Image

    from refocus_dsl.layout import Category, Chart

    Image.new("RGB", (200, 100), "white").save(tmp_path / "c.png")
    rows = [
        {"id": "hit", "image": "c.png", "question": "How much did China gain?",
         "answer_bar_bbox": [20, 10, 60, 90]},
        {"id": "miss", "image": "c.png", "question": "How much did India gain?",
         "answer_bar_bbox": [120, 10, 160, 90]},
    ]
    man = tmp_path / "m.jsonl"
    man.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [r.gold for r in read_manifest(man)] == [None, None]

    def detect(path: Path, kind: str) -> Layout:
        cat = Category(index=0, label="China", bar_bbox=(21, 10, 60, 90))
        chart = Chart(orientation="vertical", categories=(cat,))
        return Layout(width=200, height=100, kind="chart", chart=chart)

    rep = score_detection(man, detect=detect)
    scores = {im["id"]: im["scores"] for im in rep.images}
    assert scores["hit"]["answer_bar_found"] == 1.0
    assert scores["hit"]["answer_bar_labeled"] == 1.0
    assert scores["miss"]["answer_bar_found"] == 0.0
    assert rep.overall["answer_bar_found"] == 0.5
