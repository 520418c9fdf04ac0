"""Audit sampling: reproducible from its seed, stratified, random or risk-weighted."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.quality.sampling import STRATA, Candidate, allocate, draw, stratum_of, uniform

PROPERTIES = settings(max_examples=150, deadline=None)


def population(sizes: dict[str, int], first_id: int = 1) -> list[Candidate]:
    found, next_id = [], first_id
    for stratum, size in sizes.items():
        for _ in range(size):
            found.append(Candidate(next_id, stratum))
            next_id += 1
    return found


SIZES = {
    "looked_after": 120,
    "child_protection": 80,
    "child_in_need": 400,
    "assessment": 300,
    "closed": 100,
}


def test_the_same_seed_gives_the_same_sample_whatever_the_order_read() -> None:
    cases = population(SIZES)
    shuffled = cases[:]
    random.Random(7).shuffle(shuffled)
    for method in ("random", "risk"):
        assert draw(cases, 50, 20261124, method) == draw(shuffled, 50, 20261124, method)


def test_a_different_seed_gives_a_different_sample_of_a_large_population() -> None:
    cases = population(SIZES)
    samples = {tuple(c.case_id for c in draw(cases, 50, seed, "random")) for seed in range(20)}
    assert len(samples) == 20
    first, second = (set(draw(cases, 50, s, "random")) for s in (1, 2))
    assert len(first & second) < 25  # about 50 * 50 / 1000 = 2.5 expected in common


@PROPERTIES
@given(
    st.dictionaries(st.sampled_from(STRATA), st.integers(min_value=0, max_value=60), min_size=1),
    st.integers(min_value=0, max_value=200),
    st.integers(min_value=0, max_value=2**63 - 1),
    st.sampled_from(["random", "risk"]),
)
def test_each_stratum_gets_its_proportional_share_within_one_case(
    sizes: dict[str, int], size: int, seed: int, method: str
) -> None:
    cases = population(sizes)
    sample = draw(cases, size, seed, method)
    total = sum(sizes.values())
    assert len(sample) == min(size, total)
    assert len({c.case_id for c in sample}) == len(sample)  # no case twice
    counts = Counter(c.stratum for c in sample)
    for stratum, stratum_size in sizes.items():
        exact = min(size, total) * stratum_size / total if total else 0
        assert abs(counts[stratum] - exact) < 1
        assert counts[stratum] <= stratum_size


@PROPERTIES
@given(
    st.dictionaries(st.sampled_from(STRATA), st.integers(min_value=0, max_value=1000), min_size=1),
    st.integers(min_value=0, max_value=5000),
)
def test_allocation_adds_up_and_is_within_one_of_the_exact_share(
    sizes: dict[str, int], n: int
) -> None:
    quota = allocate(sizes, n)
    total = sum(sizes.values())
    assert sum(quota.values()) == min(n, total)
    for stratum, size in sizes.items():
        exact = min(n, total) * size / total if total else 0
        assert abs(quota[stratum] - exact) < 1


def test_allocation_known_answer() -> None:
    # 10 from 50 / 30 / 20: exact shares 5, 3, 2.
    assert allocate({"child_in_need": 50, "assessment": 30, "closed": 20}, 10) == {
        "child_in_need": 5,
        "assessment": 3,
        "closed": 2,
    }
    # 3 from 1 / 1 / 1 / 1: shares 0.75 each, the remainders go in STRATA order.
    found = allocate({"closed": 1, "looked_after": 1, "child_in_need": 1, "assessment": 1}, 3)
    assert found == {"looked_after": 1, "child_in_need": 1, "assessment": 1, "closed": 0}


@PROPERTIES
@given(st.integers(min_value=0, max_value=2**63 - 1), st.integers(min_value=1, max_value=10**9))
def test_a_cases_number_is_in_the_open_unit_interval(seed: int, case_id: int) -> None:
    assert 0 < uniform(seed, case_id) < 1


def test_risk_weighting_favours_cases_with_overdue_work() -> None:
    # Half the cases have 4 overdue steps (weight 5): over many seeds they fill far more than
    # half of a risk-weighted sample, and about half of a random one.
    cases = [Candidate(i, "child_in_need", 4 if i % 2 else 0) for i in range(1, 201)]
    risky = plain = 0
    for seed in range(200):
        risky += sum(c.overdue_steps > 0 for c in draw(cases, 20, seed, "risk"))
        plain += sum(c.overdue_steps > 0 for c in draw(cases, 20, seed, "random"))
    assert risky / (200 * 20) > 0.7
    assert 0.4 < plain / (200 * 20) < 0.6


def test_the_sample_is_ordered_by_stratum_then_case() -> None:
    sample = draw(population(SIZES), 30, 5, "random")
    keys = [(STRATA.index(c.stratum), c.case_id) for c in sample]
    assert keys == sorted(keys)


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown method"):
        draw(population(SIZES), 5, 1, "convenient")


@pytest.mark.parametrize(
    ("stage", "stratum"),
    [
        ("looked_after", "looked_after"),
        ("child_protection", "child_protection"),
        ("child_in_need", "child_in_need"),
        ("assessment", "assessment"),
        ("section47", "assessment"),
        ("awaiting_conference", "assessment"),
        ("closed", "closed"),
    ],
)
def test_stratum_of_each_stage(stage: str, stratum: str) -> None:
    assert stratum_of(stage) == stratum
