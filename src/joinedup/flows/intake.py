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

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.flows.notify import NOTIFIED_TYPES, notify_events
from joinedup.intake.bulk import StoreBatch
from joinedup.intake.service import Submitted, submit_records
from joinedup.intake.validation import Parsed
from joinedup.people.mentions import Scorer
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
    mention_ids, event_ids = new_mentions(results)
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
    notified = [
        r.event_id
        for r, parsed in zip(results, parsed_records, strict=True)
        if r.event_id is not None and r.mention_ids and parsed.record.type in NOTIFIED_TYPES
    ]
    if notified:
        notify_events(session=session, actor=actor, event_ids=notified, settings=settings, now=now)
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


def new_mentions(results: Sequence[Submitted]) -> tuple[list[int], list[int]]:
    """The mentions of the record versions this submission wrote (accepted or new versions),
    and those versions' events (intake returns both: nothing to read back)."""
    found = sorted(m for r in results for m in r.mention_ids)
    events = sorted({r.event_id for r in results if r.event_id is not None and r.mention_ids})
    return found, events
