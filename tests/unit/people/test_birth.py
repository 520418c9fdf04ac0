"""A person's date of birth is what most of their current records give to the day, the latest
record's among equals; leaving care and the returns read the same one (`people.birth`)."""

from __future__ import annotations

from datetime import date

from joinedup.casework import leaving_care
from joinedup.people.birth import birth_date, birth_dates
from joinedup.reports.children import child_facts
from tests.unit.people.support import Store, child, nhs, people, rec

__all__ = ["people"]  # the fixture


def boy(born: str) -> dict[str, object]:
    return child(nhs_number=nhs(5100), date_of_birth=born)


def read_by_all(people: Store, person: int) -> tuple[date | None, ...]:
    session = people.session
    return (birth_date(session, person), leaving_care.birth_date(session, person),
            child_facts(session, [person])[person].birth_date)  # fmt: skip


def test_a_corrected_date_of_birth_outvotes_the_versions_it_replaced(people: Store) -> None:
    """A record sent twice with 2008-01-01, then corrected to 2008-01-10: only the current
    version counts, so the correction wins (counting every version gave 2008-01-01, two to
    one, to leaving care while the returns said 2008-01-10)."""
    first = rec(boy("2008-01-01"), summary="First account.")
    people.submit(first)
    people.submit({**first, "summary": "Second account."})
    people.submit({**first, "subjects": [boy("2008-01-10")], "summary": "Date corrected."})
    person = people.person(first["record_id"])
    assert read_by_all(people, person) == (date(2008, 1, 10),) * 3


def test_among_equals_the_latest_record_wins_not_the_latest_to_arrive(people: Store) -> None:
    """Two records, one date each: the one about the later day wins, although the other
    arrived later (leaving care took the last to arrive, the returns the later day)."""
    later = rec(boy("2008-01-10"), occurred_at="2024-06-01T10:00:00+00:00")
    earlier = rec(boy("2008-01-01"), occurred_at="2024-01-01T10:00:00+00:00")
    people.submit(later)
    people.submit(earlier)
    person = people.person(later["record_id"])
    assert person == people.person(earlier["record_id"])
    assert read_by_all(people, person) == (date(2008, 1, 10),) * 3


def test_no_date_to_the_day_is_no_date(people: Store) -> None:
    only_year = rec(boy("2008"))
    people.submit(only_year)
    person = people.person(only_year["record_id"])
    assert read_by_all(people, person) == (None, None, None)
    assert birth_dates(people.session, []) == {}
