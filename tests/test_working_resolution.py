"""Big images are analysed on a reduced copy with text read from the original, and
give the structure the same picture gives at its own size."""

from __future__ import annotations

import io

import matplotlib
import pytest
from PIL import Image

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from table_helpers import draw_table, make_cells  # noqa: E402

from refocus_dsl.detect import _scale, detect_layout  # noqa: E402
from refocus_dsl.ocr import OcrEngine  # noqa: E402


def _chart() -> Image.Image:
    fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
    ax.bar(["North", "South", "East", "West", "Centre"], [4, 7, 3, 6, 5], color="#2a7ab9")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def _upscaled(img: Image.Image, k: int) -> Image.Image:
    return img.resize((img.width * k, img.height * k), Image.Resampling.BICUBIC)


@pytest.fixture()
def small_work_size(monkeypatch: pytest.MonkeyPatch) -> None:
    # A modest image stands for a huge one: any image over 0.4 MP is analysed reduced.
    monkeypatch.setattr(_scale, "WORK_PIXELS", 400_000)


def test_factor_brings_any_size_under_the_limit() -> None:
    for size in ((1, 1), (640, 480), (6000, 6000), (40000, 3)):
        k = _scale.working_factor(size, 2_000_000)
        assert (size[0] // k) * (size[1] // k) <= 2_000_000
        assert k == 1 or (size[0] // (k - 1)) * (size[1] // (k - 1)) > 2_000_000


def test_upscaled_chart_gives_the_same_categories(ocr: OcrEngine, small_work_size: None) -> None:
    img = _chart()
    own = detect_layout(img, "chart", ocr=ocr, cache=False)
    big = detect_layout(_upscaled(img, 2), "chart", ocr=ocr, cache=False)
    assert any("analysed at 1/2 size" in n for n in big.notes)
    assert own.chart is not None and big.chart is not None
    assert [c.label for c in big.chart.categories] == [c.label for c in own.chart.categories]
    assert (big.width, big.height) == (img.width * 2, img.height * 2)
    for a, b in zip(own.chart.categories, big.chart.categories, strict=True):
        assert a.bar_bbox is not None and b.bar_bbox is not None
        assert all(abs(2 * p - q) <= 6 for p, q in zip(a.bar_bbox, b.bar_bbox, strict=True))


def test_upscaled_table_gives_the_same_grid(ocr: OcrEngine, small_work_size: None) -> None:
    img = draw_table(make_cells(6, 4, 3)).image
    own = detect_layout(img, "table", ocr=ocr, cache=False)
    big = detect_layout(_upscaled(img, 2), "table", ocr=ocr, cache=False)
    assert own.table is not None and big.table is not None
    assert len(big.table.columns) == len(own.table.columns)
    assert len(big.table.rows) == len(own.table.rows)
    assert [c.header for c in big.table.columns] == [c.header for c in own.table.columns]


def test_the_note_says_which_pixels_the_text_was_read_from(
    ocr: OcrEngine, small_work_size: None
) -> None:
    """A reduced copy's text is read from the original, except a table photographed at
    an angle, whose text is read on the straightened working copy."""
    from test_table_perspective import PULLS, _photographed

    drawn = draw_table(make_cells(6, 4, 3), style="grid", size=18)
    photo, _ = _photographed(drawn, PULLS[0])
    for img, source in ((drawn.image, "the original"), (photo, "that copy, straightened")):
        notes = detect_layout(_upscaled(img, 2), "table", ocr=ocr, cache=False).notes
        reduced = [n for n in notes if n.startswith("analysed at 1/")]
        assert len(reduced) == 1 and reduced[0].endswith(f"text read from {source}")


def test_edge_ramp_tells_an_enlargement_from_a_sharp_picture() -> None:
    img = draw_table(make_cells(6, 4, 3)).image
    own = _scale.edge_ramp(img)
    assert own is not None and own <= 1.5  # a crisp render: edges rise in about a pixel
    for k in (3, 6):
        big = _scale.edge_ramp(_upscaled(img, k))
        assert big is not None and 0.6 * k <= big <= 1.2 * k
    assert _scale.edge_ramp(Image.new("RGB", (400, 300), "white")) is None


def test_an_enlargement_is_analysed_near_its_own_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_scale, "WORK_PIXELS", 1_000_000)
    img = draw_table(make_cells(6, 4, 3)).image
    big = _upscaled(img, 6)
    budget = _scale.working_factor(big.size)
    factor = _scale.choose_factor(big)
    assert factor > budget  # the pixel budget alone would keep most of the 6x blur
    assert big.width / factor >= img.width  # back towards its own size, never under it
    ramp = _scale.edge_ramp(big)
    assert ramp is not None and ramp / factor <= 2.0  # edges about as sharp as the original's
    sharp = Image.new("RGB", big.size, "white")  # the same size drawn crisp: the budget's
    sharp.paste(draw_table(make_cells(40, 6, 5), size=40).image)
    assert _scale.choose_factor(sharp) == _scale.working_factor(sharp.size)


def test_an_enlarged_soft_scan_gives_the_same_grid(
    ocr: OcrEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small soft table blown up 8x: reduced only to the pixel budget (to 4x its own
    size), its rules stayed blur several pixels wide, were not read as rules, and two of
    its five columns were lost."""
    from PIL import ImageFilter

    monkeypatch.setattr(_scale, "WORK_PIXELS", 1_000_000)

    cells = make_cells(8, 5, 7)
    img = draw_table(cells, size=11, pad=4).image.filter(ImageFilter.GaussianBlur(0.8))
    own = detect_layout(img, "table", ocr=ocr, cache=False)
    big = detect_layout(_upscaled(img, 8), "table", ocr=ocr, cache=False)
    assert own.table is not None and big.table is not None
    assert len(own.table.columns) == len(cells[0]) and len(own.table.rows) == len(cells)
    assert len(big.table.columns) == len(own.table.columns)
    assert len(big.table.rows) == len(own.table.rows)


@pytest.mark.parametrize(
    "image",
    [
        Image.new("L", (3000, 1000)),
        Image.new("P", (4000, 600)),
        Image.new("LA", (2500, 1000)),
        Image.new("RGBA", (40000, 60)),
        Image.new("1", (3000, 1000)),
        Image.new("I;16", (2000, 1500)),
        Image.new("RGB", (20000, 15)),
    ],
    ids=lambda im: f"{im.mode}-{im.width}x{im.height}",
)
def test_measuring_an_odd_image_never_fails(image: Image.Image) -> None:
    """Any mode and shape the loader lets through: no edges means no measure, and the
    factor falls back to the pixel budget's."""
    assert _scale.edge_ramp(image) is None
    assert _scale.choose_factor(image) == _scale.working_factor(image.size)
