"""Pixel work done once per image: the kind classifier's, handed to the detector it chose.

Why: ``kind="auto"`` classifies an image before detecting it, and both read the
same fills. What the classifier computed on the image (at the image's own size) is
passed on in a :class:`Prepared` value, so the chosen detector starts from it
instead of recomputing it. A value is tied to the size it was made for; a detector
given one for another size (the classifier worked on a reduced copy) ignores it.
"""

from __future__ import annotations

from dataclasses import dataclass

from refocus_dsl.detect._raster import U8, Palette


@dataclass(frozen=True, eq=False)
class Prepared:
    """The pixels a bar chart's fills are read from, and their colour palette."""

    size: tuple[int, int]
    """(width, height) of the image these were computed for."""
    flat: U8
    """RGB with grain flattened (a clean image's pixels as they are): what the palette
    labels and the bars are read from."""
    palette: Palette
    grain: float = 0.0
    """Grain left in ``flat`` (0 on flat fills): when there is any, the chart
    detector knits wandering edges and refines its bars' sides."""

    def fits(self, size: tuple[int, int]) -> bool:
        """Whether this was computed for an image of ``size``."""
        return self.size == size
