"""What an evaluation run is asked to do (``refocus eval``'s options), checked when made."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from refocus_dsl.lang.limits import DEFAULT_MAX_PIXELS, Limits
from refocus_dsl.loop.config import EndpointConfig
from refocus_dsl.loop.errors import LoopError
from refocus_dsl.ocr_time import DEFAULT_OCR_TIME, OcrTimeLimit

if TYPE_CHECKING:
    from refocus_dsl.loop.dataset import Item

LayoutChoice = Literal["detected", "gold"]
Metric = Literal["relaxed", "exact"]
MAX_CONCURRENCY = 256


@dataclass(frozen=True)
class EvalOptions:
    out: Path
    concurrency: int = 4
    layouts: LayoutChoice = "detected"
    metric: Metric = "relaxed"
    max_turns: int = 4
    prompt_style: str = "dsl"
    limit: int | None = None
    """Run at most this many new questions (the rest wait for the next run)."""
    judge: bool = False
    resume: bool = True
    mode: str = "refocus"
    """``refocus``, or a baseline: ``direct`` (no edits) or ``planner`` (the planner's edit)."""
    max_pixels: int = DEFAULT_MAX_PIXELS
    """Largest image accepted, in pixels (``--max-pixels``)."""
    ocr_time: OcrTimeLimit = DEFAULT_OCR_TIME
    """How long OCR may take on each image (``--ocr-seconds``, ``--ocr-budget``)."""
    allow_outside_paths: bool = False
    """Read images and layouts outside the dataset file's folder (``--allow-outside-paths``)."""
    detect_workers: int | None = None
    """Processes detecting layouts (``--detect-workers``); None: one per core."""
    engine: str = "local"
    """``local`` (this machine) or ``ray`` (a Ray cluster: ``--engine ray``)."""
    ray_address: str | None = None
    """The Ray cluster to join (``auto``, ``ray://host:10001``); None starts a local one."""

    def settings(self, config: EndpointConfig | None) -> dict[str, Any]:
        """What decides a question's result: traces made with other settings are not
        resumed (see :func:`check_resumable`)."""
        return {
            "model": config.model if config is not None else None,
            "request": config.request_settings() if config is not None else None,
            "mode": self.mode,
            "prompt_style": self.prompt_style,
            "layouts": self.layouts,
            "max_turns": self.max_turns,
            "limits": asdict(Limits(max_pixels=self.max_pixels)),
        }

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise LoopError(f"concurrency must be 1..{MAX_CONCURRENCY}, got {self.concurrency}")
        if self.layouts not in ("detected", "gold"):
            raise LoopError(f"--layouts must be detected or gold, got {self.layouts!r}")
        if self.mode not in ("refocus", "direct", "planner"):
            raise LoopError(f"mode must be refocus, direct or planner, got {self.mode!r}")
        if self.metric not in ("relaxed", "exact"):
            raise LoopError(f"metric must be relaxed or exact, got {self.metric!r}")
        if self.engine not in ("local", "ray"):
            raise LoopError(f"--engine must be local or ray, got {self.engine!r}")
        if self.detect_workers is not None and not 1 <= self.detect_workers <= MAX_CONCURRENCY:
            raise LoopError(
                f"detect workers must be 1..{MAX_CONCURRENCY}, got {self.detect_workers}"
            )


def needs_detection(item: Item, options: EvalOptions) -> bool:
    return options.layouts == "detected" or item.layout is None
