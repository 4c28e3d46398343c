"""OCR behind one small interface (interface only; backends to be implemented).

Backends: ``tesserocr`` (in-process, fastest) and ``pytesseract`` (a tesseract
binary on PATH). Words come back in original-image pixels with confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from refocus_dsl.layout import Box


@dataclass(frozen=True)
class Word:
    text: str
    bbox: Box
    confidence: float  # 0..100, as tesseract reports it
    line_id: int = 0  # words with the same line_id were read as one text line


class OcrEngine(Protocol):
    name: str

    def words(self, image: Image.Image, *, box: Box | None = None, psm: int = 11) -> list[Word]:
        """Words found in ``image`` (or in ``box`` of it), in original-image pixels."""
        ...


def get_ocr(backend: str = "auto") -> OcrEngine:
    """The fastest available backend, or the one named; raises OcrUnavailableError."""
    raise NotImplementedError
