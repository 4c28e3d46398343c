"""Options several sub-commands share."""

from __future__ import annotations

import argparse

from refocus_dsl.lang.limits import DEFAULT_MAX_PIXELS
from refocus_dsl.ocr_time import DEFAULT_OCR_CALL_SECONDS, DEFAULT_OCR_TOTAL_SECONDS, OcrTimeLimit


def positive_int(text: str) -> int:
    """A whole number of at least 1 (an argparse type)."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def positive_seconds(text: str) -> float:
    """A positive, finite number of seconds (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def add_ocr_time(p: argparse.ArgumentParser) -> None:
    """``--ocr-seconds`` and ``--ocr-budget``: how long OCR may take."""
    p.add_argument(
        "--ocr-seconds", type=positive_seconds, default=DEFAULT_OCR_CALL_SECONDS, metavar="S",
        help=f"stop one OCR call after S seconds (default {DEFAULT_OCR_CALL_SECONDS:g}); its "
        "text is then not read, and the layout's notes say so",
    )
    p.add_argument(
        "--ocr-budget", type=positive_seconds, default=DEFAULT_OCR_TOTAL_SECONDS, metavar="S",
        help=f"all OCR of one image at most S seconds (default {DEFAULT_OCR_TOTAL_SECONDS:g})",
    )


def ocr_time(args: argparse.Namespace) -> OcrTimeLimit:
    """The OCR time limit the options of :func:`add_ocr_time` give."""
    return OcrTimeLimit(args.ocr_seconds, args.ocr_budget)


def add_max_pixels(p: argparse.ArgumentParser) -> None:
    """``--max-pixels N``: the image size limit (width x height), for one command."""
    p.add_argument(
        "--max-pixels", type=positive_int, default=DEFAULT_MAX_PIXELS, metavar="N",
        help=f"refuse images larger than N pixels (default {DEFAULT_MAX_PIXELS:,}); "
        "a guard against decompression bombs, raise it for huge scans",
    )


def add_engine(p: argparse.ArgumentParser) -> None:
    """``--engine local|ray`` and ``--ray-address``: where detection (and questions) run."""
    p.add_argument(
        "--engine", choices=("local", "ray"), default="local",
        help="local: processes on this machine (default); ray: a Ray cluster "
        '(pip install "refocus-dsl[ray]")',
    )  # fmt: skip
    p.add_argument(
        "--ray-address", metavar="ADDR", default=None,
        help="with --engine ray: the cluster to join (auto: the one `ray start --head` "
        "started here); default: start a local one",
    )  # fmt: skip


def add_prompt_style(p: argparse.ArgumentParser) -> None:
    """``--prompt-style dsl|paper``: which system prompt the model gets."""
    p.add_argument(
        "--prompt-style", choices=("dsl", "paper"), default="dsl",
        help="dsl: the refocus language's prompt (default); paper: the ReFocus paper's "
        "wording, asking for the same programs",
    )  # fmt: skip


def add_kind(p: argparse.ArgumentParser) -> None:
    """``--kind``: which detector reads the image."""
    p.add_argument(
        "--kind", choices=("auto", "table", "chart", "figure"), default="auto",
        help="what the image is: auto (default: classify it), or force a detector",
    )  # fmt: skip


def add_ocr(p: argparse.ArgumentParser) -> None:
    """``--ocr``: which tesseract binding reads the text."""
    p.add_argument(
        "--ocr", choices=("auto", "tesserocr", "pytesseract"), default="auto",
        help="OCR backend: auto (default: tesserocr if installed, else pytesseract), or force one",
    )  # fmt: skip


def add_request_settings(p: argparse.ArgumentParser) -> None:
    """What each model request asks for: reply length, temperature, image size and count."""
    p.add_argument(
        "--max-tokens", type=positive_int, default=None, metavar="N",
        help="longest reply, in tokens (else REFOCUS_MAX_TOKENS, else 2048)",
    )  # fmt: skip
    p.add_argument(
        "--temperature", type=float, default=None, metavar="T",
        help="sampling temperature 0..2 (else REFOCUS_TEMPERATURE, else 0)",
    )  # fmt: skip
    p.add_argument(
        "--image-max-side", type=positive_int, default=None, metavar="PX",
        help="downscale images sent to the model to this longest side (else "
        "REFOCUS_IMAGE_MAX_SIDE; default full size); traces keep full size",
    )  # fmt: skip
    p.add_argument(
        "--max-images", type=positive_int, default=None, metavar="N",
        help="images per request at most, oldest left out first (else REFOCUS_MAX_IMAGES; "
        "for servers that limit them, e.g. vLLM --limit-mm-per-prompt)",
    )  # fmt: skip
