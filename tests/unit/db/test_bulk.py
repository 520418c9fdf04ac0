"""The engine-native bulk path stores exactly what the ORM stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.db.bulk import bulk_insert, reserve_ids
from joinedup.intake.models import Mention, Organisation


def test_bulk_rows_read_back_as_orm_rows(session: Session) -> None:
    org = Organisation(
        agency="police",
        name="Bulk Police",
        created_at=datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=1))),
    )
    session.add(org)
    session.flush()
    [ident] = reserve_ids(session, Organisation.__table__, 1)  # type: ignore[arg-type]
    assert ident > org.id
    bulk_insert(
        session,
        Organisation.__table__,
        [  # type: ignore[arg-type]
            {
                "id": ident,
                "agency": "police",
                "name": "Bulk Police 2",
                "code": None,
                "created_at": datetime(2024, 1, 2, 2, 4, 5, 678901, tzinfo=UTC),
            }
        ],
    )
    session.expire_all()
    first, second = session.scalars(select(Organisation).order_by(Organisation.id)).all()
    assert (
        first.created_at == second.created_at == datetime(2024, 1, 2, 2, 4, 5, 678901, tzinfo=UTC)
    )
    assert second.code is None


def test_bulk_json_dates_and_booleans_round_trip(session: Session) -> None:
    from joinedup.intake.models import Event, RecordVersion, SourceRecord

    now = datetime(2024, 5, 6, tzinfo=UTC)
    org = Organisation(agency="health", name="Bulk Trust", created_at=now)
    session.add(org)
    session.flush()
    source = SourceRecord(
        organisation_id=org.id, record_id="r1", latest_version=1, first_received_at=now
    )
    session.add(source)
    session.flush()
    version = RecordVersion(
        source_record_id=source.id,
        version=1,
        content_hash="0" * 64,
        payload="{}",
        warnings=[],
        received_at=now,
    )
    session.add(version)
    session.flush()
    session.add(
        Event(
            id=version.id,
            source_record_id=source.id,
            organisation_id=org.id,
            agency="health",
            type="note",
            occurred_at=now,
            date_precision="day",
            recorded_at=now,
            summary="s",
            attributes={"a": [1, "é"]},
            sensitivity="normal",
        )
    )
    session.flush()
    bulk_insert(
        session,
        Mention.__table__,
        [  # type: ignore[arg-type]
            {
                "event_id": version.id,
                "ref": "c1",
                "role": "child",
                "other_names": ["Zoë", "Zoe"],
                "birth_date": date(2019, 2, 28),
                "local_ids": {"gp": "x1"},
                "victim": True,
                "perpetrator": False,
                "address_lines": [],
                "nhs_number_valid": None,
            }
        ],
    )
    mention = session.scalars(select(Mention)).one()
    assert mention.other_names == ["Zoë", "Zoe"]
    assert mention.birth_date == date(2019, 2, 28)
    assert mention.local_ids == {"gp": "x1"}
    assert (mention.victim, mention.perpetrator, mention.nhs_number_valid) == (True, False, None)
