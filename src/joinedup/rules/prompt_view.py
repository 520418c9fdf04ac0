"""One prompt as a person reads it before answering: its question, its evidence, its history.

The evidence is shown as each record's provenance (agency, organisation, type, when it happened,
as precisely as the source knew), never its free text: the prompt page links to each record,
whose own page applies the record's sensitivity. Reading a prompt is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
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


def get_prompt(*, session: Session, actor: Actor, prompt_id: int, now: datetime) -> PromptDetail:
    prompt = session.get(Prompt, prompt_id)
    if prompt is None:
        raise NotFound(f"no prompt {prompt_id}")
    require(
        session=session,
        actor=actor,
        action=Action.PROMPTS_READ,
        resource_type="prompt",
        resource_ids=[prompt_id],
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
    return PromptDetail(prompt, evidence)
