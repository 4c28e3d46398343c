"""Baseline candidates come from where pieces end, whatever few or tiny pieces a crop holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from refocus_dsl.detect._bars import Orientation, Rect, _baseline_candidates, value_span

_span = st.tuples(st.integers(0, 12), st.integers(1, 6)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=60, deadline=None)
@given(
    spans=st.lists(_span, min_size=1, max_size=6),
    orientation=st.sampled_from(["vertical", "horizontal"]),
    min_area=st.sampled_from([1.0, 20.0, 1e9]),
)
def test_candidates_lie_where_pieces_end_even_in_a_tiny_crop(
    spans: list[tuple[int, int]], orientation: Orientation, min_area: float
) -> None:
    # Pieces ending within a few pixels of the crop's edge (a panel cut tight to its bars)
    # once made the smoothing run past the histogram and crashed the panel's reading.
    cands = [
        Rect(0, 10 * i, a, 10 * i + 8, b) if orientation == "vertical"
        else Rect(0, a, 10 * i, b, 10 * i + 8)
        for i, (a, b) in enumerate(spans)
    ]
    ends = [e for r in cands for e in value_span(r, orientation)]
    peaks = _baseline_candidates(cands, orientation, min_area)
    assert peaks
    assert all(min(ends) - 2 <= p <= max(ends) + 2 for p in peaks)
