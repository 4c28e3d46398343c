"""Draw the bundled sample images (our own data, free to ship).

    python examples/make_samples.py

writes examples/sample_table.png and examples/sample_chart.png. The PNGs are
committed so the quick start needs nothing but the package; this script says
exactly how they were made.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent

TABLE = [
    ["Year", "Revenue", "Cost", "Earning", "Staff"],
    ["2018", "1,240", "910", "330", "41"],
    ["2019", "1,385", "1,002", "383", "44"],
    ["2020", "1,102", "958", "144", "39"],
    ["2021", "1,530", "1,071", "459", "47"],
    ["2022", "1,694", "1,198", "496", "52"],
    ["2023", "1,610", "1,240", "370", "55"],
]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        import matplotlib

        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
        return ImageFont.truetype(str(path), size)
    except (ImportError, OSError):
        return ImageFont.load_default(size=size)


def draw_table(path: Path) -> None:
    widths = [90, 130, 110, 120, 90]
    row_h, pad_x, margin = 36, 12, 24
    width = sum(widths) + 2 * margin
    height = row_h * len(TABLE) + 2 * margin + 34
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    title = "Company results, 2018-2023 (thousand USD)"
    draw.text((margin, 12), title, fill="#333333", font=_font(15))
    top = margin + 34
    for r, row in enumerate(TABLE):
        y = top + r * row_h
        if r == 0:
            draw.rectangle([margin, y, width - margin - 1, y + row_h - 1], fill="#dfe6ee")
        x = margin
        for c, text in enumerate(row):
            font = _font(15, bold=(r == 0))
            tw = draw.textlength(text, font=font)
            tx = x + pad_x if c == 0 or r == 0 else x + widths[c] - pad_x - tw
            draw.text((tx, y + 9), text, fill="black", font=font)
            x += widths[c]
    bottom = top + row_h * len(TABLE)
    for r in range(len(TABLE) + 1):
        y = top + r * row_h
        draw.line([margin, y, width - margin - 1, y], fill="#888888", width=1)
    x = margin
    for w in [*widths, 0]:
        draw.line([x, top, x, bottom], fill="#888888", width=1)
        x += w
    image.save(path, optimize=True)


def draw_chart(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    countries = ["China", "India", "Brazil", "Germany", "Japan", "Kenya"]
    gains = [6.1, 7.2, 2.9, 1.4, 0.9, 5.3]
    fig, ax = plt.subplots(figsize=(8, 5), dpi=100)
    ax.bar(countries, gains, color="#4878a8")
    ax.set_title("Annual gain by country (%)")
    ax.set_ylabel("Gain (%)")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    draw_table(HERE / "sample_table.png")
    draw_chart(HERE / "sample_chart.png")
    print("wrote", HERE / "sample_table.png", "and", HERE / "sample_chart.png")
