"""Rules services: evaluate the children a new record touches, open prompts, decide, escalate.

Every function takes the acting `Actor`, passes the access gate and writes its audit entry in
the caller's transaction; services flush, never commit. Status changes go through one
transition table; anything else raises `InvalidTransition`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.relationships import hidden_from
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, record, require
from joinedup.casework import service as casework
from joinedup.casework.service import Allocation
from joinedup.chronology import service as chronology
from joinedup.core.errors import FieldError, InvalidTransition, NotFound, ValidationFailed
from joinedup.core.workdays import add_working_days
from joinedup.intake.models import Event, SourceRecord
from joinedup.people import merges
from joinedup.rules import engine, facts_sql
from joinedup.rules.circles import without_jit
from joinedup.rules.engine import Finding, Rule
from joinedup.rules.facts import Timeline
from joinedup.rules.models import Prompt
from joinedup.rules.timeline import from_chronology

OPEN, ESCALATED, DECIDED = "open", "escalated", "decided"
LIVE = (OPEN, ESCALATED)
OUTCOMES = ("contact_created", "added_to_case", "no_further_action")
TRANSITIONS: dict[tuple[str, str], str] = {
    (OPEN, "escalate"): ESCALATED,
    (OPEN, "decide"): DECIDED,
    (ESCALATED, "decide"): DECIDED,
}
RATIONALE_LIMIT = 5000


def evaluate_children(
    *,
    session: Session,
    actor: Actor,
    person_ids: Collection[int],
    new_event_ids: Collection[int],
    rules: Sequence[Rule[Any]],
    now: datetime,
) -> list[Prompt]:
    """Evaluate the rules for each child, as of the day of each new record on their time line,
    reading each child's whole chronology (the reference path; live intake reads only what the
    rules reach, `evaluate_records`).

    Returns the prompts opened or given new evidence. While a prompt is open, new evidence is
    added to it; once it is answered, a finding of the same rule for the same child opens a new
    prompt only with evidence of another kind or a graver urgency (`step`).
    """
    timelines = chronology.get_timelines(
        session=session, actor=actor, person_ids=sorted(person_ids), now=now
    )
    allocated = casework.allocations(session, [t.person_id for t in timelines])

    def routed(found: chronology.Timeline) -> Callable[[], dict[str, Any]]:
        return lambda: _route(allocated.get(found.person_id), chronology.case_open(found.entries))

    lines = [(from_chronology(found), routed(found)) for found in timelines]
    return _evaluate(session, actor, lines, set(new_event_ids), rules, now)


def evaluate_records(
    *,
    session: Session,
    actor: Actor,
    event_ids: Collection[int],
    rules: Sequence[Rule[Any]],
    now: datetime,
) -> list[Prompt]:
    """Live intake: evaluate the rules for every child the new records touch — the children
    they name and the children in the circles of everyone they name (a record about an adult
    touches the children they live with) — as of the day of each new record.

    Reads only what the rules reach (`facts_sql`), for the whole batch in a few statements;
    otherwise exactly as `evaluate_children`: the same findings, one open prompt per rule and
    child, a re-fire only on evidence of another kind, and the same audit entries (the persons
    read, and the prompts opened or given new evidence)."""
    if not rules or not event_ids:
        return []
    authorise(session=session, actor=actor, action=Action.PROMPTS_EVALUATE, resource_type="person")
    without_jit(session)
    scopes, since = facts_sql.touched_since(session, event_ids)
    if not scopes:
        return []
    record(
        session=session,
        actor=actor,
        action=Action.PROMPTS_EVALUATE,
        resource_type="person",
        resource_ids=sorted({p for s in scopes.values() for p in s.everyone}),
        detail={"view": "rules", "children": sorted(scopes)},
        now=now,
    )
    reach = engine.reach_of(rules)
    timelines = facts_sql.read_timelines(
        session, list(scopes.values()), reach, since=since, also=event_ids
    )

    def routed(child: int) -> Callable[[], dict[str, Any]]:
        @cache  # read once for the child, however many of their prompts open
        def route() -> dict[str, Any]:
            allocation = casework.allocations(session, [child]).get(child)
            return _route(allocation, facts_sql.case_open(session, scopes[child]))

        return route

    lines = [(timelines[child], routed(child)) for child in sorted(timelines)]
    return _evaluate(session, actor, lines, set(event_ids), rules, now)


def decide_prompt(
    *, session: Session, actor: Actor, prompt_id: int, outcome: str, rationale: str, now: datetime
) -> Prompt:
    """End a prompt with an outcome and a written rationale; nothing closes silently."""
    errors = []
    if outcome not in OUTCOMES:
        errors.append(FieldError("outcome", "Choose what was done about this prompt"))
    if not rationale.strip():
        errors.append(FieldError("rationale", "Write why, in a sentence or more"))
    elif len(rationale) > RATIONALE_LIMIT:
        errors.append(FieldError("rationale", f"Write at most {RATIONALE_LIMIT} characters"))
    if errors:
        raise ValidationFailed("The decision is not complete", errors)
    prompt = _prompt_or_raise(session, prompt_id)
    require(
        session=session,
        actor=actor,
        action=Action.PROMPTS_DECIDE,
        resource_type="prompt",
        resource_ids=[prompt.id],
        reason=rationale,
        detail={"outcome": outcome},
        now=now,
    )
    _move(prompt, "decide", now, {"by": actor.label, "outcome": outcome})
    prompt.outcome, prompt.rationale = outcome, rationale.strip()
    prompt.decided_by, prompt.decided_by_user_id = actor.label, actor.user_id
    prompt.decided_at = now
    session.flush()
    return prompt


def escalate_overdue(*, session: Session, actor: Actor, now: datetime) -> list[Prompt]:
    """Escalate every open prompt left unanswered past its working-day deadline."""
    overdue = list(
        session.scalars(
            select(Prompt).where(Prompt.status == OPEN, Prompt.due_at <= now).order_by(Prompt.id)
        )
    )
    if not overdue:
        return []
    require(
        session=session,
        actor=actor,
        action=Action.PROMPTS_ESCALATE,
        resource_type="prompt",
        resource_ids=[p.id for p in overdue],
        now=now,
    )
    for prompt in overdue:
        _move(prompt, "escalate", now, {"to": prompt.manager_label or "front-door manager"})
        prompt.escalated_at = now
    session.flush()
    return overdue


def list_prompts(
    *,
    session: Session,
    actor: Actor,
    person_id: int | None = None,
    live_only: bool = True,
    queue: str | None = None,
    assigned_user_id: int | None = None,
) -> list[Prompt]:
    """Prompts, oldest first: a child's (those raised about a person since merged into the
    child too), or every live one; `queue="front_door"` for the front door's,
    `queue="escalated"` for the managers', `assigned_user_id` for a worker's."""
    query = select(Prompt).order_by(Prompt.created_at, Prompt.id)
    if person_id is not None:
        family = merges.family(session, [person_id])
        query = query.join(family, family.c.member == Prompt.person_id)
    if queue == "front_door":
        query = query.where(Prompt.route == "front_door")
    elif queue == "escalated":
        query = query.where(Prompt.status == ESCALATED)
    elif queue is not None:
        raise ValidationFailed("Unknown queue", [FieldError("queue", f"'{queue}' is not a queue")])
    if assigned_user_id is not None:
        query = query.where(Prompt.assigned_user_id == assigned_user_id)
    if live_only:
        query = query.where(Prompt.status.in_(LIVE))
    found = list(session.scalars(query))
    hidden = hidden_from(session, actor, [p.person_id for p in found])  # ADR 0012
    found = [p for p in found if p.person_id not in hidden]
    require(
        session=session,
        actor=actor,
        action=Action.PROMPTS_READ,
        resource_type="prompt",
        resource_ids=[p.id for p in found],
        child=None if person_id is None else [person_id],
    )
    return found


# -- internals ---------------------------------------------------------------------------------


def _findings(
    rules: Sequence[Rule[Any]], facts: Timeline, new: set[int]
) -> list[tuple[date, Finding]]:
    """Findings as of the day of each new record, and — for a record that arrived late — as of
    each later day on the time line, where a pattern it completes may have become visible.

    On a new record's day every rule is evaluated (the record may have brought a child and an
    adult's history together). On a later day, only the rules that read a type of record
    that happened that day: a rule's evidence is records it reads, so without one of them on
    the day it can find nothing it did not find on an earlier day evaluated."""
    days = {f.occurred for f in facts.facts if f.event_id in new}
    if not days:
        return []
    kinds: dict[date, set[str]] = {}
    sighted: set[date] = set()
    for f in facts.facts:
        if f.occurred > min(days):
            kinds.setdefault(f.occurred, set()).add(f.type)
            if f.about_child and f.adults:
                sighted.add(f.occurred)
    reads = [(rule, rule.reach()) for rule in rules]
    found = []
    for as_of in sorted(days | kinds.keys()):
        today, seen = kinds.get(as_of, set()), as_of in sighted
        chosen = rules if as_of in days else [
            r for r, reach in reads if engine.evaluated_on(reach, today, seen)]  # fmt: skip
        for finding in engine.evaluate(chosen, facts, as_of):
            if as_of in days or new & set(finding.evidence_ids):
                found.append((as_of, finding))
    return found


def _route(allocation: Allocation | None, case_open_elsewhere: bool) -> dict[str, Any]:
    """To the allocated worker and their manager when the child's case is open here; to the case
    (unallocated) when only the statutory records say one is open; else to the front door."""
    if allocation is not None:
        return {"route": "case", "case_id": allocation.case_id,
                "assigned_user_id": allocation.user_id, "assigned_label": allocation.label,
                "manager_label": allocation.manager_label}  # fmt: skip
    return {"route": "case" if case_open_elsewhere else "front_door"}


def _evaluate(
    session: Session,
    actor: Actor,
    lines: Iterable[tuple[Timeline, Callable[[], dict[str, Any]]]],
    new: set[int],
    rules: Sequence[Rule[Any]],
    now: datetime,
) -> list[Prompt]:
    """Each child's findings applied to their prompts; one audit entry for the prompts.

    The prompts of every child with a finding are read in one statement, and the kinds of the
    answered ones' evidence (`_Kinds`) in one more, only when a finding needs them."""
    found = [(facts.person_id, route, f) for facts, route in lines
             if (f := _findings(rules, facts, new))]  # fmt: skip
    if not found:
        return []
    children = sorted({child for child, _, _ in found})
    earlier: dict[tuple[int, str], list[Prompt]] = {}
    # a child's prompts, and those raised about a person since merged into the child
    family = merges.family(session, children)
    query = (
        select(family.c.asked, Prompt)
        .join(family, family.c.member == Prompt.person_id)
        .order_by(Prompt.id)
    )
    for child, p in session.execute(query):
        earlier.setdefault((child, p.rule_id), []).append(p)
    kinds = _Kinds(session, [p for ps in earlier.values() for p in ps if p.status == DECIDED])
    touched: dict[int, Prompt] = {}  # by identity: new prompts have no id until the flush
    for child, route, findings in found:
        for as_of, finding in findings:
            prompts = earlier.setdefault((child, finding.rule_id), [])
            prompt = _apply(session, child, prompts, finding, as_of, route, now, kinds)
            if prompt is not None:
                touched[id(prompt)] = prompt
                if prompt not in prompts:
                    prompts.append(prompt)
    if touched:
        session.flush()  # the prompts opened, in one statement, and those given evidence
        children = sorted({p.person_id for p in touched.values()})
        record(
            session=session,
            actor=actor,
            action=Action.PROMPTS_EVALUATE,
            resource_type="prompt",
            resource_ids=sorted(p.id for p in touched.values()),
            detail={"children": children},
            now=now,
        )
    return list(touched.values())


# An answered prompt covers the kinds of record it showed for a year from the day it fired: a
# later finding of its rule opens a new prompt only with new evidence of another kind (an agency
# or a record type it did not show) or of a higher urgency; after a year, a fresh look.
ANSWER_COVERS_DAYS = 365


@dataclass(frozen=True, slots=True)
class Answered:
    """An answered (decided) prompt, as a later finding of its rule for the child sees it."""

    as_of: date
    urgency: str
    evidence: frozenset[int]
    agencies: frozenset[str]
    types: frozenset[str]


def step(
    live: Sequence[int] | None, answered: Sequence[Answered], finding: Finding, as_of: date
) -> tuple[str, list[int]] | None:
    """What a finding does to a rule's prompts for a child: `("add", events)` to the live
    prompt (evidence it has not got), `("open", evidence)` when it brings evidence no earlier
    prompt had *of another kind* — from an agency or of a record type that no prompt answered in
    the last year showed — or a higher urgency than theirs; or nothing: more of the same is not
    a new question. Pure, so the backtest's dry run decides exactly as live does."""
    evidence = finding.evidence_ids
    if live is not None:
        had = set(live)
        added = [e for e in evidence if e not in had]
        return ("add", added) if added else None
    seen = {e for a in answered for e in a.evidence}
    new = [f for f in finding.evidence if f.event_id not in seen]
    if not new:
        return None
    recent = [a for a in answered if (as_of - a.as_of).days < ANSWER_COVERS_DAYS]
    if not recent:
        return ("open", evidence)
    agencies = {x for a in recent for x in a.agencies}
    types = {x for a in recent for x in a.types}
    other_kind = any(f.agency not in agencies or f.type not in types for f in new)
    level = engine.URGENCIES.index
    higher = level(finding.urgency) > max(level(a.urgency) for a in recent)
    return ("open", evidence) if other_kind or higher else None


class _Kinds:
    """The agency and type of every record in the evidence of some decided prompts, read in one
    statement the first time they are asked for (and never, if they are not)."""

    def __init__(self, session: Session, decided: Sequence[Prompt]) -> None:
        self.session, self.decided = session, decided
        self.known: dict[int, tuple[str, str]] | None = None

    def answered(self, prompts: Iterable[Prompt]) -> list[Answered]:
        """The decided prompts among these (each one of `decided`), as `step` sees them."""
        found = []
        for p in prompts:
            if p.status != DECIDED:
                continue
            kinds = self._read()
            known = [kinds[e] for e in p.evidence if e in kinds]
            agencies, types = frozenset(a for a, _ in known), frozenset(t for _, t in known)
            found.append(Answered(p.as_of, p.urgency, frozenset(p.evidence), agencies, types))
        return found

    def _read(self) -> dict[int, tuple[str, str]]:
        if self.known is None:
            ids = sorted({e for p in self.decided for e in p.evidence})
            query = select(Event.id, Event.agency, Event.type).where(Event.id.in_(ids))
            self.known = {e: (agency, kind) for e, agency, kind in self.session.execute(query)}
        return self.known


def _apply(
    session: Session,
    person: int,
    earlier: Sequence[Prompt],
    finding: Finding,
    as_of: date,
    route: Callable[[], dict[str, Any]],
    now: datetime,
    kinds: _Kinds,
) -> Prompt | None:
    evidence = finding.evidence_ids
    live = next((p for p in earlier if p.status in LIVE), None)
    answered = [] if live is not None else kinds.answered(earlier)
    action = step(None if live is None else live.evidence, answered, finding, as_of)
    if action is None:
        return None
    if live is not None:
        added = action[1]
        live.evidence = [*live.evidence, *added]
        live.urgency = max(live.urgency, finding.urgency, key=engine.URGENCIES.index)
        live.explanation, live.updated_at = finding.explanation, now
        live.history = [*live.history, _event(now, "evidence_added", events=added)]
        return live
    prompt = Prompt(
        person_id=person,
        rule_id=finding.rule_id,
        rule_version=finding.rule_version,
        urgency=finding.urgency,
        explanation=finding.explanation,
        evidence=evidence,
        as_of=as_of,
        status=OPEN,
        created_at=now,
        due_at=_next_working_day(now),
        updated_at=now,
        history=[_event(now, "fired", events=evidence)],
        **route(),
    )
    session.add(prompt)  # flushed with the others (`_evaluate`)
    return prompt


def _move(prompt: Prompt, action: str, now: datetime, detail: dict[str, Any]) -> None:
    target = TRANSITIONS.get((prompt.status, action))
    if target is None:
        raise InvalidTransition(f"a prompt that is {prompt.status} cannot {action}")
    prompt.status, prompt.updated_at = target, now
    prompt.history = [*prompt.history, _event(now, action, **detail)]


def _event(now: datetime, kind: str, **detail: Any) -> dict[str, Any]:
    return {"at": now.isoformat(), "event": kind, **detail}


def _next_working_day(now: datetime) -> datetime:
    """The same time one working day on: the deadline for a human to answer."""
    day = add_working_days(now.astimezone(UTC).date(), 1)
    return datetime.combine(day, time(now.hour, now.minute), tzinfo=UTC)


def _prompt_or_raise(session: Session, prompt_id: int) -> Prompt:
    prompt = session.get(Prompt, prompt_id)
    if prompt is None:
        raise NotFound(f"no prompt {prompt_id}")
    return prompt


def evidence_records(session: Session, prompts: Iterable[Prompt]) -> dict[int, list[str]]:
    """Each prompt's evidence as the sources' record ids, in time order (for replay)."""
    ids = {e for p in prompts for e in p.evidence}
    rows = session.execute(
        select(Event.id, SourceRecord.record_id)
        .join(SourceRecord, SourceRecord.id == Event.source_record_id)
        .where(Event.id.in_(ids))
    )
    names = dict(rows.all())
    return {p.id: [names[e] for e in p.evidence if e in names] for p in prompts}
