"""Fuzzing in the suite: random and mutated programs, layouts and replies.

0 uncaught exceptions, every case under 2 s (hypothesis deadline). The long run
is ``benchmarks/fuzz_long.py``.
"""

from __future__ import annotations

import random

from fuzz_helpers import (
    LAYOUTS,
    exercise_layout,
    exercise_program,
    exercise_reply,
    layout_json_text,
    mutate_text,
    random_layout_doc,
    random_program,
    random_reply,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow], database=None
)
KINDS = st.sampled_from(sorted(LAYOUTS))


@FUZZ
@given(seed=st.integers(0, 2**32), kind=KINDS, mutate=st.booleans())
def test_random_programs_never_escape(seed: int, kind: str, mutate: bool) -> None:
    rng = random.Random(seed)
    text = random_program(rng, LAYOUTS[kind])
    exercise_program(mutate_text(rng, text) if mutate else text, kind)


@FUZZ
@given(text=st.text(max_size=200), kind=KINDS)
def test_arbitrary_text_as_a_program_never_escapes(text: str, kind: str) -> None:
    exercise_program(text, kind)


@FUZZ
@given(seed=st.integers(0, 2**32))
def test_random_layout_documents_never_escape(seed: int) -> None:
    rng = random.Random(seed)
    exercise_layout(layout_json_text(rng, random_layout_doc(rng)))


@FUZZ
@given(seed=st.integers(0, 2**32))
def test_random_replies_never_escape(seed: int) -> None:
    exercise_reply(random_reply(random.Random(seed)))
