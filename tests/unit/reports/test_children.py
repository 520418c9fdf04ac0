"""A return's facts about a child are what most of the child's records agree on; what no record
says stays unknown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from joinedup.config import Settings
from joinedup.core.identifiers import upn_check_letter
from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.reports.children import _Votes, child_facts
from joinedup.testing import FrozenClock
from tests.factories.people import child, concern, ingest, person_of

NHS = "9990000018"


def _upn(body: str) -> str:
    return upn_check_letter(body) + body


def _wrong_letter(body: str) -> str:
    return ("A" if upn_check_letter(body) != "A" else "B") + body


def _mention(engine: Engine, record_id: str) -> int:
    with engine.connect() as connection:
        found = connection.scalar(
            select(Mention.id)
            .join(Event, Event.id == Mention.event_id)
            .join(SourceRecord, SourceRecord.id == Event.source_record_id)
            .where(SourceRecord.record_id == record_id)
        )
    assert found is not None
    return found


def test_the_value_most_records_agree_on_wins(
    clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    good = _upn("820400109001")
    other = _upn("820400109002")
    ingest(clean_engine, settings, clock,
           concern(child(nhs_number=NHS, upn=good, ethnicity="WBRI", sex="M"), record_id="a:1"),
           concern(child(nhs_number=NHS, upn=good, ethnicity="WBRI", sex="M"), record_id="a:2"),
           concern(child(nhs_number=NHS, upn=other, ethnicity="MOTH", sex="U",
                         address={"lines": ["2 New Street"], "town": "Testtown",
                                  "postcode": "ZZ2 2ZZ"}),
                   record_id="a:3", occurred_at="2024-05-01T10:00:00+00:00"))  # fmt: skip
    person = person_of(clean_engine, _mention(clean_engine, "a:1"))
    assert person == person_of(clean_engine, _mention(clean_engine, "a:3"))
    with Session(clean_engine) as session:
        facts = child_facts(session, [person])[person]
    assert facts.upn == good
    assert facts.ethnicity == "WBRI"
    assert facts.sex == "M"
    assert facts.birth_date == date(2016, 4, 7)
    assert facts.postcode == "ZZ2 2ZZ"  # the latest record's
    assert facts.la_child_id == str(person)


def test_what_no_record_says_is_unknown(
    clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    ingest(clean_engine, settings, clock,
           concern(child(nhs_number=NHS, sex="U", date_of_birth="2016",
                         upn=_wrong_letter("820400109003")), record_id="b:1"))  # fmt: skip
    person = person_of(clean_engine, _mention(clean_engine, "b:1"))
    with Session(clean_engine) as session:
        facts = child_facts(session, [person, 999_999])
    mine = facts[person]
    assert (mine.upn, mine.birth_date, mine.sex, mine.ethnicity) == (None, None, "U", "NOBT")
    assert facts[999_999].ethnicity == "NOBT"  # a person with no records at all


def test_between_records_of_the_same_moment_the_later_arrival_wins(
    clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> None:
    """Two agencies' records of the same moment, one value each: the record that arrived last
    decides, whatever order the database reads the rows in (on PostgreSQL it may be any)."""
    same = "2024-05-01T10:00:00+00:00"
    ingest(clean_engine, settings, clock,
           concern(child(nhs_number=NHS, ethnicity="WBRI", sex="M"), record_id="c:1",
                   occurred_at=same),
           concern(child(nhs_number=NHS, ethnicity="MOTH", sex="M",
                         address={"lines": ["2 New Street"], "town": "Testtown",
                                  "postcode": "ZZ2 2ZZ"}),
                   record_id="c:2", occurred_at=same))  # fmt: skip
    person = person_of(clean_engine, _mention(clean_engine, "c:1"))
    with Session(clean_engine) as session:
        facts = child_facts(session, [person])[person]
    assert (facts.ethnicity, facts.postcode) == ("MOTH", "ZZ2 2ZZ")


def test_a_tie_is_broken_by_the_latest_record_in_any_order_of_reading() -> None:
    at = datetime(2024, 5, 1, 10, tzinfo=UTC)
    reads = [("WBRI", at, 7), ("MOTH", at, 9), ("WBRI", at - timedelta(days=1), 3),
             ("MOTH", at - timedelta(days=2), 4)]  # fmt: skip
    for order in (reads, reads[::-1], reads[1:] + reads[:1]):
        votes = _Votes()
        for value, when, mention_id in order:
            votes.add(value, when, mention_id)
        assert votes.winner() == "MOTH"  # two each; both latest at 10:00; MOTH arrived after
