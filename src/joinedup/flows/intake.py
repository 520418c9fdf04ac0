"""A record's journey: stored by intake, then each of its subjects resolved to a person.

One call, one transaction (the caller's unit of work): if resolution fails, the records are not
stored either. Intake stays unaware of people; people reads what intake stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.intake.bulk import StoreBatch
from joinedup.intake.models import Mention, RecordVersion
from joinedup.intake.service import Submitted, submit_records
from joinedup.intake.validation import Parsed
from joinedup.people.batchsql import among
from joinedup.people.mentions import Scorer, chunks
from joinedup.people.service import Thresholds, linkage_model, resolve_mentions


def submit_and_resolve(
    *,
    session: Session,
    actor: Actor,
    parsed_records: Sequence[Parsed],
    now: datetime,
    settings: Settings,
    model: Scorer | None = None,
) -> list[Submitted]:
    """Store the records (intake) and link the new versions' mentions to persons (people)."""
    results = submit_records(session=session, actor=actor, records=parsed_records, now=now)
    mention_ids = _new_mentions(session, results)
    if mention_ids:
        resolve_mentions(
            session=session,
            actor=actor,
            mention_ids=mention_ids,
            now=now,
            model=model or linkage_model(settings),
            thresholds=Thresholds.from_settings(settings),
        )
    return results


def resolving_store(settings: Settings) -> StoreBatch:
    """A bulk store (`intake.bulk.BulkIngest.store`) that also resolves each batch's mentions."""
    model = linkage_model(settings)

    def store(
        *, session: Session, actor: Actor, records: Sequence[Parsed], now: datetime
    ) -> list[Submitted]:
        return submit_and_resolve(
            session=session,
            actor=actor,
            parsed_records=records,
            now=now,
            settings=settings,
            model=model,
        )

    return store


def _new_mentions(session: Session, results: Sequence[Submitted]) -> list[int]:
    """The mentions of the record versions this submission wrote (accepted or new versions)."""
    wanted = {(r.source_record_id, r.version) for r in results if r.outcome != "unchanged"}
    found: list[int] = []
    for part in chunks(sorted({source for source, _ in wanted})):
        query = (
            select(Mention.id, RecordVersion.source_record_id, RecordVersion.version)
            .join(RecordVersion, RecordVersion.id == Mention.event_id)
            .where(among(session, RecordVersion.source_record_id, part))
        )
        found.extend(mid for mid, source, version in session.execute(query)
                     if (source, version) in wanted)  # fmt: skip
    return sorted(found)
