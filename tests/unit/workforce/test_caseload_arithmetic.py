"""Caseload arithmetic on hand-made posts and cases, and its properties."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from joinedup.workforce.caseload import (
    KIND_OF_STAGE,
    OpenCase,
    Post,
    Weights,
    distribution,
    loads,
    suggestions,
    waiting_days,
)

D = date(2026, 11, 2)
FULL = Post(1, 101, "sw.full", "Assessment", 1.0)
HALF = Post(2, 102, "sw.half", "Assessment", 0.5)


def case(n: int, stage: str, user: int | None) -> OpenCase:
    return OpenCase(n, 1000 + n, stage, user, D)


def test_counts_weights_and_loads_per_fte() -> None:
    cases = [case(1, "child_protection", 101), case(2, "looked_after", 101),
             case(3, "child_in_need", 102), case(4, "section47", 102),
             case(5, "assessment", None)]  # fmt: skip
    full, half = loads([FULL, HALF], cases, Weights(), 18)
    assert (full.children, full.weighted, full.cap) == (2, 2.75, 18)
    assert full.by_kind == {"child_protection": 1, "looked_after": 1}
    assert (half.children, half.weighted, half.cap) == (2, 2.5, 9)
    assert (half.per_fte, half.weighted_per_fte) == (4, 5)


def test_the_cap_is_broken_by_the_child_after_the_cap() -> None:
    cases = [case(n, "child_in_need", 102) for n in range(9)]
    (half,) = loads([HALF], cases[:8], Weights(), 18)
    assert not half.breaks_cap()  # the ninth child reaches the cap of 9
    (half,) = loads([HALF], cases, Weights(), 18)
    assert half.breaks_cap() and half.spare == 0


def test_a_siblings_worker_comes_first_then_spare_capacity_and_the_absent_are_left_out() -> None:
    third = Post(3, 103, "sw.away", "Assessment", 1.0)
    busy = [case(n, "child_in_need", 101) for n in range(10)]
    found = loads([FULL, HALF, third], busy, Weights(), 18)
    ranked = suggestions(found, frozenset(), frozenset({103}))
    assert [s.load.post.label for s in ranked] == ["sw.half", "sw.full"]  # 9 spare beats 8
    ranked = suggestions(found, frozenset({101}), frozenset({103}))
    assert [(s.load.post.label, s.continuity) for s in ranked] == [("sw.full", True),
                                                                    ("sw.half", False)]  # fmt: skip


def test_waiting_time_and_distribution() -> None:
    assert waiting_days(D, date(2026, 11, 12)) == 10
    assert waiting_days(D, date(2026, 11, 1)) == 0
    assert distribution([0, 5, 12, 18, 30], [0, 10, 18]) == [2, 1, 2]


stages = st.sampled_from(sorted(KIND_OF_STAGE))
users = st.sampled_from([101, 102, None])


@given(st.lists(st.tuples(stages, users), max_size=60))
def test_every_allocated_child_counts_once_and_weights_bound_the_load(
    rows: list[tuple[str, int | None]],
) -> None:
    cases = [case(n, stage, user) for n, (stage, user) in enumerate(rows)]
    found = loads([FULL, HALF], cases, Weights(), 18)
    assert sum(f.children for f in found) == sum(1 for c in cases if c.user_id is not None)
    for f in found:
        assert sum(f.by_kind.values()) == f.children
        assert f.children * 1.0 <= f.weighted + 1e-9 <= f.children * 1.5 + 1e-9
        assert f.breaks_cap() == (f.children + 1 > f.cap)


@given(st.lists(st.floats(min_value=0, max_value=1e6), max_size=50))
def test_distribution_keeps_every_value(values: list[float]) -> None:
    assert sum(distribution(values, [0, 10, 18, 25])) == len(values)


@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8))
def test_suggestions_without_continuity_never_put_less_spare_first(held: list[int]) -> None:
    posts = [Post(i, 200 + i, f"sw.{i}", "T", 1.0) for i in range(len(held))]
    cases = [case(i * 100 + k, "child_in_need", 200 + i) for i, n in enumerate(held)
             for k in range(n)]  # fmt: skip
    spare = [s.load.spare for s in suggestions(loads(posts, cases, Weights(), 18), frozenset())]
    assert spare == sorted(spare, reverse=True)
