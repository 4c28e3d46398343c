"""Bad and unusual images: a clear error or a conversion note, never a traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from refocus_dsl.cli import main
from refocus_dsl.detect import detect_layout
from refocus_dsl.errors import ImageError, LimitError
from refocus_dsl.imageio import check_detectable, load_image, normalize_image


def test_missing_empty_garbage_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "nope.png")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(ImageError, match="not an image"):
        load_image(empty)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"this is not a picture at all")
    with pytest.raises(ImageError, match="not an image"):
        load_image(junk)
    with pytest.raises(ImageError, match="directory"):
        load_image(tmp_path)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file(tmp_path: Path, fmt: str) -> None:
    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    path = tmp_path / f"t.{fmt.lower()}"
    img.save(path, fmt)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(ImageError, match="truncated|decode"):
        load_image(path)


def test_pixel_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("1", (3000, 2000)).save(path)
    with pytest.raises(LimitError, match="over the limit"):
        load_image(path, max_pixels=1_000_000)
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb)  # 400 Mpx: refused from the header alone
    with pytest.raises(LimitError):
        load_image(bomb)


def test_too_small_for_detection(tmp_path: Path) -> None:
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1), "black").save(path)
    loaded = load_image(path)  # a 1x1 image is an image ...
    assert loaded.image.size == (1, 1)
    with pytest.raises(ImageError, match="too small"):  # ... but holds no layout
        check_detectable(loaded.image)
    with pytest.raises(ImageError, match="1x1"):
        detect_layout(path, "table", cache=False)


@pytest.mark.parametrize(
    ("make", "mode", "note"),
    [
        (lambda: Image.new("CMYK", (20, 20), (0, 0, 0, 0)), "RGB", "CMYK"),
        (lambda: Image.new("RGB", (20, 20), "blue").convert("P"), "RGB", "palette"),
        (lambda: Image.fromarray(np.full((20, 20), 50000, np.uint16)), "L", "8-bit"),
        (lambda: Image.new("1", (20, 20), 1), "L", "1-bit"),
        (lambda: Image.fromarray(np.full((20, 20), 0.5, np.float32)), "L", "F image"),
    ],
)
def test_conversions_are_noted(make, mode: str, note: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = make()
    path = tmp_path / "x.tiff"
    src.save(path)
    loaded = load_image(path)
    assert loaded.image.mode == mode
    assert any(note in n for n in loaded.notes), loaded.notes


def test_sixteen_bit_values_are_scaled_not_clipped() -> None:
    arr = np.array([[0, 65535], [32768, 1000]], dtype=np.uint16)
    out = normalize_image(Image.fromarray(arr))
    assert np.asarray(out.image).tolist() == [[0, 255], [128, 4]]


def test_alpha_is_kept_and_read_as_white_for_detection(tmp_path: Path) -> None:
    img = Image.new("RGBA", (64, 40), (0, 0, 0, 0))
    path = tmp_path / "a.png"
    img.save(path)
    loaded = load_image(path)
    assert loaded.image.mode == "RGBA" and loaded.notes == ()
    layout = detect_layout(loaded, "table", cache=False)
    assert any("transparent" in n for n in layout.notes)
    assert layout.table is None  # transparent = white = blank


def test_animated_uses_first_frame_and_says_so(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (30, 20), c) for c in ("red", "green", "blue")]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    loaded = load_image(path)
    assert any("animated" in n and "first" in n for n in loaded.notes), loaded.notes
    r, g, b = loaded.image.convert("RGB").getpixel((5, 5))  # type: ignore[misc]
    assert r > 200 and g < 50 and b < 50


def test_cli_reports_a_bad_image_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    assert main(["detect", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("refocus detect: error:") and "\n" not in err
    assert "Traceback" not in err


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_exif_orientation_is_applied_so_boxes_match_what_a_person_sees(
    tmp_path: Path, fmt: str
) -> None:
    """A phone photo stored sideways with Orientation=6 (turn 90 degrees clockwise) is read
    upright, with a note; the tag is gone afterwards, so reading it again turns nothing."""
    stored = Image.new("RGB", (80, 40), "white")
    stored.paste((255, 0, 0), (0, 0, 20, 20))  # red in the stored top-left corner
    exif = stored.getexif()
    exif[0x0112] = 6
    path = tmp_path / f"phone.{fmt.lower()}"
    stored.save(path, fmt, exif=exif.tobytes())
    loaded = load_image(path)
    assert loaded.image.size == (40, 80)
    red, _, blue = loaded.image.getpixel((30, 10))  # now the top-right corner
    assert red > 200 and blue < 60
    assert any("EXIF orientation (6)" in note for note in loaded.notes)
    again = normalize_image(loaded.image)
    assert again.image.size == (40, 80) and again.notes == ()


def test_broken_or_odd_exif_orientation_reads_the_pixels_as_stored(tmp_path: Path) -> None:
    stored = Image.new("RGB", (80, 40), "white")
    exif = stored.getexif()
    exif[0x0112] = 99  # no such orientation
    odd = tmp_path / "odd.png"
    stored.save(odd, exif=exif.tobytes())
    broken = tmp_path / "broken.png"
    stored.save(broken, exif=b"Exif\x00\x00not a tiff header")
    for path in (odd, broken):
        loaded = load_image(path)
        assert loaded.image.size == (80, 40) and loaded.notes == ()


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow: "Corrupt EXIF data"
def test_a_damaged_exif_block_never_raises_a_traceback() -> None:
    """Bytes flipped inside a phone JPEG's EXIF block (orientation, camera, date): the
    image loads, turned or as stored, or is refused with an ImageError. Turning it once
    went through Pillow's EXIF writer, which failed with struct.error on some of these."""
    import io
    import random

    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Cam"
    exif[0x8769] = {0x9003: "2020:01:01 00:00:00"}
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG", exif=exif.tobytes())
    data = buf.getvalue()
    start = data.find(b"Exif")
    rng = random.Random(0)
    for _ in range(600):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randint(start + 6, start + 80)] = rng.randint(0, 255)
        try:
            loaded = load_image(bytes(damaged))
        except ImageError:
            continue
        assert loaded.image.size in ((40, 30), (30, 40))


@pytest.mark.parametrize("mode", ["La", "RGBa", "LAB", "HSV", "YCbCr", "RGBX", "I;16B", "PA"])
def test_every_mode_pillow_holds_in_memory_is_read(mode: str) -> None:
    """An image handed over as an object may be in a mode no file gives (premultiplied
    "La" has no route to RGB); it is converted to a mode the tools handle, or refused
    with an ImageError, never a bare ValueError."""
    image = Image.new(mode, (24, 16))
    loaded = normalize_image(image)
    assert loaded.image.mode in {"RGB", "RGBA", "L", "LA"}
    assert loaded.image.size == (24, 16)
    if mode not in {"PA", "I;16B"}:
        assert any(mode in n for n in loaded.notes), loaded.notes
