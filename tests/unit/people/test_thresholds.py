"""The thresholds decide link, review or new person: a model of our own makes that exact."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from joinedup.people.linkage.types import Comparison, Features, Identity, Level
from joinedup.people.models import ReviewTask
from tests.unit.people.support import Store, child, people, rec

__all__ = ["people"]  # the fixture


@dataclass
class FixedModel:
    """Every pair sharing a family name scores `probability`; a guard when given names differ."""

    probability: float
    guard_given: bool = False
    version: str = "fixed-1"

    def features(self, identity: Identity) -> Features:
        return {
            "nhs": identity.nhs_number, "upn": identity.upn, "given": identity.given_names,
            "family": identity.family_name, "dob_d": None,
            "sig": f"{identity.given_names}|{identity.family_name}|{identity.date_of_birth}",
        }  # fmt: skip

    def blocking_keys(self, features: Features) -> list[str]:
        return [f"f:{features['family']}"]

    def compare(self, a: Features, b: Features) -> Comparison:
        guard = "different given names" if self.guard_given and a["given"] != b["given"] else None
        level = Level("family", "exact", 1.0, "the same family name")
        return Comparison(1.0, self.probability, (level,), guard)


@pytest.mark.parametrize(
    ("probability", "linked", "tasks"),
    [(0.995, True, 0), (0.99, True, 0), (0.9, False, 1), (0.8, False, 1), (0.5, False, 0)],
)
def test_upper_links_between_reviews_below_creates(
    people: Store, probability: float, linked: bool, tasks: int
) -> None:
    people.model = FixedModel(probability)
    first, second = rec(child(given_names="Ann")), rec(child(given_names="Anne"))
    people.submit(first)
    people.submit(second)
    same = people.person(second["record_id"]) == people.person(first["record_id"])
    assert same is linked
    assert len(people.session.scalars(select(ReviewTask)).all()) == tasks


def test_a_guarded_pair_is_never_linked_nor_proposed(people: Store) -> None:
    people.model = FixedModel(0.999999, guard_given=True)
    first, second = rec(child(given_names="Ann")), rec(child(given_names="Anne"))
    people.submit(first, second)
    assert people.person(second["record_id"]) != people.person(first["record_id"])
    assert not people.session.scalars(select(ReviewTask)).all()
