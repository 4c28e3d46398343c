"""The ReFocus loop: a model answers by editing the image through the refocus language.

``ask(image, question)`` runs the dialogue against any OpenAI-compatible
endpoint (or the offline planner when none is configured) and returns an
:class:`AskResult`. Traces, the HTML report, evaluation and training-data
export live in sibling modules.
"""

from __future__ import annotations

from refocus_dsl.loop.config import EndpointConfig, resolve_config
from refocus_dsl.loop.planner import Plan, plan
from refocus_dsl.loop.session import AskResult, ask

__all__ = ["AskResult", "EndpointConfig", "Plan", "ask", "plan", "resolve_config"]
