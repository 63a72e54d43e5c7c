"""Properties of watched-interval arithmetic over many generated cases (hypothesis): merging
is a union that is sorted, disjoint, idempotent and order-blind; cleaning untrusted JSON never
fails and stays inside the video."""

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from courses.learning.progress import intervals_clean, intervals_length, intervals_merge

# Tenths of a second, as the player reports them.
seconds = st.integers(min_value=0, max_value=36_000).map(lambda tenths: tenths / 10)
intervals = st.lists(st.tuples(seconds, seconds).map(list), max_size=30)


def covered(merged, point: float) -> bool:
    return any(start <= point <= end for start, end in merged)


@given(intervals)
def test_merged_intervals_are_sorted_disjoint_and_non_empty(raw):
    merged = intervals_merge(raw)
    assert all(start < end for start, end in merged)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))


@given(intervals)
def test_merging_is_the_union_of_the_played_intervals(raw):
    merged = intervals_merge(raw)
    for start, end in raw:
        if end > start:
            assert covered(merged, start) and covered(merged, end)
            assert any(m_start <= start and end <= m_end for m_start, m_end in merged)
    endpoints = {value for pair in raw for value in pair}
    assert all(start in endpoints and end in endpoints for start, end in merged)
    played = [end - start for start, end in raw if end > start]
    assert max(played, default=0) <= intervals_length(merged) <= sum(played) + 1e-9


@given(intervals, st.randoms(use_true_random=False))
def test_merging_is_idempotent_and_blind_to_order(raw, random):
    merged = intervals_merge(raw)
    assert intervals_merge(merged) == merged
    assert intervals_merge([*raw, *merged]) == merged  # a resent heartbeat adds nothing
    shuffled = list(raw)
    random.shuffle(shuffled)
    assert intervals_merge(shuffled) == merged


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers()
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(json_values, st.floats(min_value=1, max_value=36_000))
def test_cleaning_any_json_gives_merged_intervals_inside_the_video(raw, duration):
    cleaned = intervals_clean(raw, duration)
    assert intervals_merge(cleaned) == cleaned
    assert all(0 <= start < end <= duration + 0.05 for start, end in cleaned)
    assert all(math.isfinite(value) for pair in cleaned for value in pair)


@given(intervals, st.floats(min_value=1, max_value=3_600))
def test_cleaning_claimed_intervals_never_credits_more_than_the_video(raw, duration):
    assert intervals_length(intervals_clean(raw, duration)) <= duration + 0.05
