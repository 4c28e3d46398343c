"""Image limits: zoom checks its output before allocating; Pillow's limit follows ours;
only the formats we mean to read are opened."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from PIL import Image

from refocus_dsl.errors import ImageError, LimitError
from refocus_dsl.imageio import load_image
from refocus_dsl.lang.limits import Limits
from refocus_dsl.lang.pipeline import run
from refocus_dsl.plugin import EditContext

EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n%%EOF\n"


def test_zoom_checks_its_size_before_allocating(monkeypatch: pytest.MonkeyPatch) -> None:
    image = Image.new("RGB", (400, 300), "white")
    resized: list[tuple[int, int]] = []
    real = Image.Image.resize

    def spy(self: Image.Image, size: tuple[int, int], *a: object, **k: object) -> Image.Image:
        resized.append(size)
        return real(self, size, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, "resize", spy)
    with pytest.raises(LimitError, match=r"zoomed image would be 1600x1200 = 1,920,000 pixels"):
        run("zoom(region(0, 0, 1, 1), scale=4, margin=0)", image, limits=Limits(max_pixels=10**6))
    assert resized == [], "nothing was allocated at the refused size"
    out = run("zoom(region(0, 0, 1, 1), scale=2, margin=0)", image, limits=Limits(max_pixels=10**6))
    assert out.image.size == (800, 600)


def test_edit_context_carries_the_limit() -> None:
    ctx = EditContext(canvas=Image.new("L", (2, 2)), targets=None, params={})  # type: ignore[arg-type]
    assert ctx.max_pixels == Limits().max_pixels


def test_a_max_pixels_above_pillows_limit_raises_pillows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)  # Pillow's, scaled down
    path = tmp_path / "big.png"
    Image.new("L", (1500, 1000)).save(path)  # 1.5 MP: over Pillow's, under ours
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_image(path, max_pixels=2_000_000).image.size == (1500, 1000)
    with pytest.raises(LimitError, match=r"1500x1000 = 1,500,000 pixels, over the limit of 1,2"):
        load_image(path, max_pixels=1_200_000)


def test_an_eps_named_png_never_reaches_ghostscript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import EpsImagePlugin

    def never(*a: object, **k: object) -> None:
        raise AssertionError("Ghostscript was called")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", never)
    monkeypatch.setattr(EpsImagePlugin, "has_ghostscript", lambda: True)
    path = tmp_path / "chart.png"
    path.write_bytes(EPS)
    with pytest.raises(ImageError, match="not an image in a format we read"):
        load_image(path)
