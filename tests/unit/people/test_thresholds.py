"""The thresholds decide link, review or new person: a model of our own makes that exact."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from joinedup.people.linkage.types import Comparison, Features, Identity, Level
from joinedup.people.models import ReviewTask
from tests.unit.people.support import Store, child, nhs, people, rec

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


@pytest.mark.parametrize("apart", [False, True])
def test_a_record_fitting_two_persons_alike_is_asked_about_only_if_they_cannot_be_one(
    people: Store, apart: bool
) -> None:
    """Two persons the model could not join (the review band). If they may be one child whose
    records are not yet joined, a record that fits both alike links to the better. If they
    cannot be one (each holds an NHS number of their own), a record that fits both alike is a
    question about which, with a task naming each."""
    people.model = FixedModel(0.9)  # the review band: each a person of their own
    first = rec(child(given_names="Ann", nhs_number=nhs(510)))
    second = rec(child(given_names="Anne", nhs_number=nhs(620) if apart else None))
    people.submit(first)
    people.submit(second)
    two = {people.person(first["record_id"]), people.person(second["record_id"])}
    assert len(two) == 2
    people.model = FixedModel(0.999)  # every pair alike, each above the upper threshold
    vague = rec(child(given_names="Annie"))
    people.submit(vague)
    link = people.link(vague["record_id"])
    asked = select(ReviewTask).where(ReviewTask.mention_id == link.mention_id)
    tasks = people.session.scalars(asked).all()
    if apart:
        assert link.method == "new_person" and link.person_id not in two
        assert {t.candidate_person_id for t in tasks} == two
        assert {t.reason for t in tasks} == {"the record fits two persons"}
    else:
        assert link.method == "model" and link.person_id in two
        assert not tasks
