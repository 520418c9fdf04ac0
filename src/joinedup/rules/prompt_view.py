"""One prompt as a person reads it before answering: its question, its evidence, its history.

The evidence is shown as each record's provenance (agency, organisation, type, when it happened,
as precisely as the source knew), never its free text: the prompt page links to each record,
whose own page applies the record's sensitivity. Reading a prompt is audited.

Prompts are one per child, so a family's incident can ask the same question about each of its
children: the page lists the prompts of the same rule, the same day, that share a record with
this one (brothers and sisters, as a rule), so that the front door answers the family's
question once, consistently, and reads each child's answer where it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record
from joinedup.core.errors import NotFound
from joinedup.intake.models import Event, Organisation, SourceRecord
from joinedup.rules.models import Prompt


@dataclass(frozen=True)
class Evidence:
    event_id: int
    source_record_id: int
    agency: str
    organisation: str
    type: str
    occurred_at: datetime
    date_precision: str


@dataclass(frozen=True)
class PromptDetail:
    prompt: Prompt
    evidence: list[Evidence]  # in time order
    together: list[Prompt]  # the same rule, the same day, a record shared: other children's


def get_prompt(*, session: Session, actor: Actor, prompt_id: int, now: datetime) -> PromptDetail:
    authorise(session=session, actor=actor, action=Action.PROMPTS_READ, resource_type="prompt",
              resource_ids=[prompt_id], now=now)  # fmt: skip
    prompt = session.get(Prompt, prompt_id)
    if prompt is None:
        raise NotFound(f"no prompt {prompt_id}")
    together = _together(session, actor, prompt)
    record(
        session=session,
        actor=actor,
        action=Action.PROMPTS_READ,
        resource_type="prompt",
        resource_ids=[prompt_id, *(o.id for o in together)],
        detail={"person": prompt.person_id},
        now=now,
    )
    rows = session.execute(
        select(Event.id, Event.source_record_id, Event.agency, Organisation.name, Event.type,
               Event.occurred_at, Event.date_precision)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .join(Organisation, Organisation.id == SourceRecord.organisation_id)
        .where(Event.id.in_(list(prompt.evidence)))
    )  # fmt: skip
    found = {r[0]: Evidence(*r) for r in rows}
    evidence = [found[e] for e in prompt.evidence if e in found]
    evidence.sort(key=lambda e: (e.occurred_at, e.event_id))
    return PromptDetail(prompt, evidence, together)


def _together(session: Session, actor: Actor, prompt: Prompt) -> list[Prompt]:
    """The other children's prompts of the same rule and day that share a record with this
    one, oldest first; none about a child restricted from the reader (ADR 0012)."""
    mine = set(prompt.evidence)
    found = [
        other
        for other in session.scalars(
            select(Prompt)
            .where(Prompt.rule_id == prompt.rule_id, Prompt.as_of == prompt.as_of,
                   Prompt.id != prompt.id, Prompt.person_id != prompt.person_id)
            .order_by(Prompt.id)
        )
        if mine.intersection(other.evidence)
    ]  # fmt: skip
    hidden = hidden_from(session, actor, [o.person_id for o in found])
    return [o for o in found if o.person_id not in hidden]
