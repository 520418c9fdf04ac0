"""A record's journey: stored by intake, each of its subjects resolved to a person, then the
rules evaluated for every child it touches, and the notifications it calls for written to the
outbox (Operation Encompass, CP-IS; flows/notify.py).

One call, one transaction (the caller's unit of work): if resolution or the rules fail, the
records are not stored either. Intake stays unaware of people and rules; people reads what
intake stored; rules read what both wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.flows.notify import notify_events
from joinedup.intake.bulk import StoreBatch
from joinedup.intake.models import Mention, RecordVersion
from joinedup.intake.service import Submitted, submit_records
from joinedup.intake.validation import Parsed
from joinedup.people.batchsql import among
from joinedup.people.mentions import Scorer, chunks
from joinedup.people.service import Thresholds, linkage_model, resolve_mentions
from joinedup.rules import service as rules_service
from joinedup.rules.config import rules_for
from joinedup.rules.engine import Rule


def submit_and_resolve(
    *,
    session: Session,
    actor: Actor,
    parsed_records: Sequence[Parsed],
    now: datetime,
    settings: Settings,
    model: Scorer | None = None,
    rules: Sequence[Rule[Any]] | None = None,
) -> list[Submitted]:
    """Store the records (intake), link the new versions' mentions to persons (people), and
    evaluate the rules (the settings' rules file unless `rules` are given) for every child the
    new versions touch, opening or adding to prompts."""
    results = submit_records(session=session, actor=actor, records=parsed_records, now=now)
    mention_ids, event_ids = new_mentions(session, results)
    if mention_ids:
        resolve_mentions(
            session=session,
            actor=actor,
            mention_ids=mention_ids,
            now=now,
            model=model or linkage_model(settings),
            thresholds=Thresholds.from_settings(settings),
        )
    if event_ids:
        rules_service.evaluate_records(
            session=session,
            actor=actor,
            event_ids=event_ids,
            rules=rules_for(settings.rules_path).rules if rules is None else rules,
            now=now,
        )
        notify_events(session=session, actor=actor, event_ids=event_ids, settings=settings,
                      now=now)  # fmt: skip
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


def new_mentions(session: Session, results: Sequence[Submitted]) -> tuple[list[int], list[int]]:
    """The mentions of the record versions this submission wrote (accepted or new versions),
    and those versions' events."""
    wanted = {(r.source_record_id, r.version) for r in results if r.outcome != "unchanged"}
    found: list[int] = []
    events: set[int] = set()
    for part in chunks(sorted({source for source, _ in wanted})):
        query = (
            select(Mention.id, Mention.event_id, RecordVersion.source_record_id,
                   RecordVersion.version)
            .join(RecordVersion, RecordVersion.id == Mention.event_id)
            .where(among(session, RecordVersion.source_record_id, part))
        )  # fmt: skip
        for mid, event, source, version in session.execute(query):
            if (source, version) in wanted:
                found.append(mid)
                events.add(event)
    return sorted(found), sorted(events)
