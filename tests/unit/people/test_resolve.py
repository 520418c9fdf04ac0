"""Known answers for online resolution, on tiny hand-made records and the packaged model."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from joinedup.access.models import AuditEntry
from joinedup.people.models import LinkHistory, MentionLink, PersonIdentity, ReviewTask
from joinedup.people.resolve import Thresholds
from tests.unit.people.support import Store, adult, child, nhs, people, rec, upn

__all__ = ["people"]  # the fixture


def test_the_same_nhs_number_links_whatever_else_differs(people: Store) -> None:
    first = rec(child(nhs_number=nhs(1)))
    second = rec(child(nhs_number=nhs(1), given_names="Sandy", date_of_birth="2015-01-01"))
    people.submit(first)
    people.submit(second)
    assert people.person(second["record_id"]) == people.person(first["record_id"])
    assert people.link(second["record_id"]).method == "nhs_number"


def test_the_same_upn_links(people: Store) -> None:
    first = rec(child(upn=upn(4)), source={"agency": "education", "organisation": "School A"})
    second = rec(child(upn=upn(4), family_name="Otherway", address=None))
    people.submit(first, second)
    assert people.person(second["record_id"]) == people.person(first["record_id"])
    assert people.link(second["record_id"]).method == "upn"


def test_a_local_id_seen_before_from_the_same_organisation_links(people: Store) -> None:
    first = rec(child(local_ids={"mosaic": "P-77"}))
    again = rec(child(local_ids={"mosaic": "P-77"}, given_names="Zed", date_of_birth="2010"))
    elsewhere = rec(
        child(local_ids={"mosaic": "P-77"}, given_names="Zed", date_of_birth="2010"),
        source={"agency": "health", "organisation": "Testshire NHS Trust"},
    )
    people.submit(first, again, elsewhere)
    assert people.person(again["record_id"]) == people.person(first["record_id"])
    assert people.link(again["record_id"]).method == "local_id"
    # The same id from another organisation is another system's number: not trusted.
    assert people.link(elsewhere["record_id"]).method != "local_id"


def test_nhs_and_upn_naming_different_persons_is_not_guessed(people: Store) -> None:
    a = rec(child(nhs_number=nhs(5), given_names="Ann", family_name="Alpha", address=None))
    b = rec(child(upn=upn(6), given_names="Bea", family_name="Beta", date_of_birth="2012-01-01"))
    both = rec(child(nhs_number=nhs(5), upn=upn(6)))
    people.submit(a, b)
    people.submit(both)
    link = people.link(both["record_id"])
    assert link.person_id not in (people.person(a["record_id"]), people.person(b["record_id"]))
    tasks = people.session.scalars(
        select(ReviewTask).where(ReviewTask.mention_id == link.mention_id)
    )
    assert sorted(t.candidate_person_id for t in tasks) == sorted(
        [people.person(a["record_id"]), people.person(b["record_id"])]
    )


def test_an_identical_identity_links_as_the_same_identity(people: Store) -> None:
    first, second = rec(child()), rec(child())
    people.submit(first)
    people.submit(second)
    assert people.person(second["record_id"]) == people.person(first["record_id"])
    assert people.link(second["record_id"]).method == "same_identity"
    identity = people.session.scalars(select(PersonIdentity)).one()
    assert identity.mention_count == 2


def test_a_record_that_fits_two_children_alike_is_a_question_not_a_link(people: Store) -> None:
    """Two boys of one name at one address, ten years apart; a housing record names "Kamran
    Testbutt" there with no date of birth. Either could be meant: the model is not asked to
    choose. The record gets a person of its own and a review task naming both; the same
    identity again goes where the first went; a record with his date of birth links."""
    named = {"given_names": "Kamran", "family_name": "Testbutt"}
    older = rec(child(**named, date_of_birth="2007-04-01", nhs_number=nhs(310)))
    younger = rec(child(**named, date_of_birth="2017-12-01", nhs_number=nhs(420)))
    people.submit(older)
    people.submit(younger)
    boys = {people.person(older["record_id"]), people.person(younger["record_id"])}
    assert len(boys) == 2
    vague = rec(child(**named, date_of_birth=None), type="housing", attributes={})
    people.submit(vague)
    link = people.link(vague["record_id"])
    assert link.person_id not in boys and link.method == "new_person"
    tasks = people.session.scalars(
        select(ReviewTask).where(ReviewTask.mention_id == link.mention_id)
    ).all()
    assert {t.candidate_person_id for t in tasks} == boys
    assert {t.reason for t in tasks} == {"the record fits two persons"}
    assert all(
        t.match_probability >= people.settings.link_upper for t in tasks
    )  # each alone: a link
    again = rec(child(**named, date_of_birth=None), type="housing", attributes={})
    people.submit(again)
    assert people.person(again["record_id"]) == link.person_id
    assert people.link(again["record_id"]).method == "same_identity"
    assert people.session.scalar(select(func.count()).select_from(ReviewTask)) == 2
    dated = rec(child(**named, date_of_birth="2017-12-01"))
    people.submit(dated)
    assert people.person(dated["record_id"]) == people.person(younger["record_id"])


def test_a_link_must_beat_any_rival_by_the_odds_of_the_upper_threshold() -> None:
    assert abs(Thresholds(upper=0.95, lower=0.6).rival_bits - 4.2479) < 1e-4
    assert (
        Thresholds(upper=0.99, lower=0.6).rival_bits > Thresholds(upper=0.9, lower=0.6).rival_bits
    )


def test_twins_with_the_same_surname_birth_date_and_address_stay_apart(people: Store) -> None:
    twins = rec(
        child(ref="c1", given_names="Amelia", sex="F"),
        child(ref="c2", given_names="Olivia", sex="F", relationship="sibling"),
    )
    later = rec(
        child(given_names="Olivia", sex="F"), child(ref="c2", given_names="Amelia", sex="F")
    )
    people.submit(twins)
    people.submit(later)
    amelia, olivia = (
        people.person(twins["record_id"], "c1"),
        people.person(twins["record_id"], "c2"),
    )
    assert amelia != olivia
    assert people.person(later["record_id"], "c1") == olivia
    assert people.person(later["record_id"], "c2") == amelia


def test_a_nickname_is_linked_by_the_model(people: Store) -> None:
    first = rec(child(given_names="Alexander"))
    second = rec(child(given_names="Alex"), source={"agency": "education", "organisation": "S"})
    people.submit(first)
    people.submit(second)
    link = people.link(second["record_id"])
    assert link.person_id == people.person(first["record_id"])
    assert link.method == "model" and link.match_probability is not None
    assert link.match_probability >= people.settings.link_upper and link.model_version


def test_a_day_and_month_swapped_birth_date_is_linked(people: Store) -> None:
    first = rec(child(date_of_birth="2016-04-07"))
    second = rec(child(date_of_birth="2016-07-04"))
    people.submit(first)
    people.submit(second)
    assert people.person(second["record_id"]) == people.person(first["record_id"])
    assert people.link(second["record_id"]).method == "model"


def test_mentions_in_one_batch_see_each_other(people: Store) -> None:
    first, second = rec(child(given_names="Alexander")), rec(child(given_names="Alex"))
    people.submit(first, second)
    assert people.person(second["record_id"]) == people.person(first["record_id"])


def test_a_candidate_between_thresholds_opens_a_review_on_a_provisional_person(
    people: Store,
) -> None:
    first = rec(child())
    unsure = rec(
        child(date_of_birth="2016-05-07", address={"lines": ["9 Far Lane"], "postcode": "ZZ9 9ZZ"})
    )
    people.submit(first)
    people.submit(unsure)
    link = people.link(unsure["record_id"])
    assert link.person_id != people.person(first["record_id"]) and link.method == "new_person"
    task = people.session.scalars(select(ReviewTask)).one()
    assert (task.status, task.mention_id, task.person_id) == (
        "open",
        link.mention_id,
        link.person_id,
    )
    assert task.candidate_person_id == people.person(first["record_id"])
    lower, upper = people.settings.link_lower, people.settings.link_upper
    assert task.match_probability is not None and lower <= task.match_probability < upper
    assert {level["comparison"] for level in task.explanation} >= {"given", "dob", "place"}


def test_every_link_has_its_history_and_the_batch_one_audit_entry(people: Store) -> None:
    people.submit(rec(child(), adult()), rec(child()))
    links = people.session.scalar(select(func.count()).select_from(MentionLink))
    history = people.session.scalar(select(func.count()).select_from(LinkHistory))
    assert links == history == 3
    entries = people.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "people:resolve")
    ).all()
    assert len(entries) == 1 and len(entries[0].resource_ids) == 3
    assert entries[0].detail["persons_created"] == 2


def test_a_new_version_of_a_record_keeps_its_subjects_persons(people: Store) -> None:
    first = rec(child(), record_id="t:versioned")
    people.submit(first)
    corrected = rec(
        child(date_of_birth="2011-01-01", given_names="Alexandra"), record_id="t:versioned"
    )
    people.submit(corrected)
    assert people.link("t:versioned").method == "previous_version"
    assert people.persons() == 1


def test_a_corrected_nhs_number_stays_with_its_person(people: Store) -> None:
    """A source corrects a mistyped NHS number (one that passed the check digit) in a new
    version of its record: the number the person held only through the earlier version, which
    the correction supersedes, is not the person's, so there is nothing to ask about."""
    first = rec(child(nhs_number=nhs(510), upn=upn(51)), record_id="t:corrected")
    people.submit(first)
    person = people.person("t:corrected")
    people.submit(rec(child(nhs_number=nhs(620), upn=upn(51)), record_id="t:corrected"))
    link = people.link("t:corrected")
    assert (link.person_id, link.method) == (person, "previous_version")
    assert _tasks_for(people, link.mention_id) == []
    assert people.persons() == 1
    # A number another agency's current record holds is the person's: that still conflicts.
    people.submit(rec(child(nhs_number=nhs(620), upn=upn(51)), source=_GP))
    other = rec(child(nhs_number=nhs(730), upn=upn(51)), record_id="t:corrected")
    people.submit(other)
    conflicted = people.link("t:corrected")
    assert conflicted.person_id != person and conflicted.method == "new_person"
    (task,) = _tasks_for(people, conflicted.mention_id)
    assert task.reason == "the person holds a different NHS number"


def test_unborn_children_are_known_by_mother_and_expected_delivery(people: Store) -> None:
    mum = adult(nhs_number=nhs(9))
    unborn = {"ref": "u1", "role": "unborn", "expected_date_of_delivery": "2026-05-01"}
    first = rec(unborn, mum, type="antenatal_concern", attributes={"category": "other"})
    second = rec(
        {**unborn, "expected_date_of_delivery": "2026-05-20"},
        mum,
        type="antenatal_concern",
        attributes={"category": "other"},
    )
    people.submit(first)
    people.submit(second)
    assert people.person(second["record_id"], "u1") == people.person(first["record_id"], "u1")
    assert people.link(second["record_id"], "u1").method == "mother_and_edd"


def test_a_pregnancys_records_find_its_identity_beside_a_sisters_pregnancy(people: Store) -> None:
    """The mother's key points at one identity of one unborn child; a record about another
    pregnancy of hers, and then a repeat of it, must each find their own (no duplicate)."""
    mum = adult(nhs_number=nhs(11))

    def about(due: str) -> dict[str, Any]:
        unborn = {"ref": "u1", "role": "unborn", "expected_date_of_delivery": due}
        return rec(unborn, mum, type="antenatal_concern", attributes={"category": "other"})

    first, second = about("2026-05-01"), about("2026-05-20")
    people.submit(first)
    people.submit(second)  # the same pregnancy, a second identity of the unborn child
    repeat = about("2026-05-20")
    people.submit(repeat)  # finds that second identity, not a new one
    assert people.person(repeat["record_id"], "u1") == people.person(first["record_id"], "u1")
    later = about("2027-09-01")
    people.submit(later)
    assert people.person(later["record_id"], "u1") != people.person(first["record_id"], "u1")


_GP = {"agency": "health", "organisation": "Testshire GP"}


def _tasks_for(people: Store, mention_id: int) -> list[ReviewTask]:
    return list(
        people.session.scalars(select(ReviewTask).where(ReviewTask.mention_id == mention_id))
    )


def test_a_matching_upn_does_not_give_a_person_a_second_nhs_number(people: Store) -> None:
    """Twins at one school: the school's UPN for one twin on a record with the other twin's NHS
    number. The NHS number is one person's, so the records disagree: a review, not a link."""
    school = rec(child(nhs_number=nhs(7), upn=upn(7)))
    gp = {"agency": "health", "organisation": "Testshire GP"}
    other = rec(child(nhs_number=nhs(8), upn=upn(7)), source=gp)
    people.submit(school)
    people.submit(other)
    link = people.link(other["record_id"])
    assert link.person_id != people.person(school["record_id"])
    assert link.method == "new_person"
    (task,) = _tasks_for(people, link.mention_id)
    assert task.candidate_person_id == people.person(school["record_id"])
    assert task.reason == "the person holds a different NHS number"
    # The same NHS number with another UPN still links: the NHS number outranks the UPN.
    moved = rec(child(nhs_number=nhs(7), upn=upn(9)))
    people.submit(moved)
    assert people.person(moved["record_id"]) == people.person(school["record_id"])


def test_two_subjects_of_one_record_are_never_one_person(people: Store) -> None:
    """Twins named together: the second twin's UPN was wrongly held by the first twin's person
    (as after an earlier wrong link). The record names both, so it cannot be one person."""
    known = rec(child(given_names="Tomas", nhs_number=nhs(11), upn=upn(12)))
    both = rec(
        child(ref="c1", given_names="Tomas", nhs_number=nhs(11)),
        child(ref="c2", given_names="Tamas", upn=upn(12), relationship="sibling"),
    )
    people.submit(known)
    people.submit(both)
    tomas = people.person(known["record_id"])
    assert people.person(both["record_id"], "c1") == tomas
    second = people.link(both["record_id"], "c2")
    assert second.person_id != tomas and second.method == "new_person"
    (task,) = _tasks_for(people, second.mention_id)
    assert task.candidate_person_id == tomas
    assert task.reason == "another subject of the same record is this person"


def test_two_subjects_of_one_record_are_not_scored_onto_one_person(people: Store) -> None:
    """With no identifier at all, the model may find both twins like the one person known; the
    second subject of the record is then not linked to the person the first one was."""
    known = rec(child(given_names="Tomas"))
    both = rec(
        child(ref="c1", given_names="Tomas"),
        child(ref="c2", given_names="Tomas", relationship="sibling"),
    )
    people.submit(known)
    people.submit(both)
    first, second = people.person(both["record_id"], "c1"), people.person(both["record_id"], "c2")
    assert first == people.person(known["record_id"])
    assert second != first
