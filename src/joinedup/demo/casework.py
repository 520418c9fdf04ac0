"""Replay the home authority's casework history (casework.jsonl) through its casework services.

Each line is one step (planfile.py) taken at its own time: the clock is set to the line's `at`,
and the step is taken by a demo practitioner through `casework.contacts` or `casework.service`,
exactly as a person at a screen would, so every contact, case, step, deadline, chronology record
and audit entry is the services' own. Lines are taken in batches, one unit of work per batch,
each step inside a savepoint: a step the services refuse is rolled back alone, counted by
action and error (never by child) and the replay goes on; a correct plan has none.

The child of each episode is found through the record the plan names (record id and subject
ref in records.jsonl, ingested first): the person the ingest linked that subject to.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from joinedup.access.models import User
from joinedup.access.roles import Actor, Role
from joinedup.casework import contacts, leaving_care, pathway, service
from joinedup.casework.chronicle import Authority
from joinedup.casework.leaving_care_models import LeavingCare
from joinedup.casework.models import Case, Contact
from joinedup.casework.views import Referrer
from joinedup.core.errors import JoinedUpError, NotFound
from joinedup.db.session import unit_of_work
from joinedup.intake.models import Mention, RecordVersion, SourceRecord
from joinedup.people.models import MentionLink
from joinedup.workforce import service as workforce

BATCH = 500
ROLES = {"mash": Role.MASH_PRACTITIONER, "manager": Role.TEAM_MANAGER,
         "chair": Role.REVIEWING_OFFICER}  # fmt: skip
ACCOUNTS = {"mash": "mash", "manager": "team.manager", "chair": "iro"}


@dataclass
class ReplaySummary:
    steps: int = 0
    contacts: int = 0
    cases: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # "action: error (fields)" -> steps
    refused_ids: list[str] = field(default_factory=list)  # the plan's line ids, the first 50
    unresolved: int = 0  # episodes whose child's record is not linked to a person
    joined: int = 0  # episodes whose child's case was open already: another child's, joined
    joined_steps: int = 0  # the steps of those episodes after their contact, not replayed
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"Casework replayed: {self.steps:,} steps, {self.contacts:,} contacts, "
            f"{self.cases:,} cases in {self.seconds:,.0f} s; refused {sum(self.refused.values())}"
            f", children not found {self.unresolved}"
            + (f"; contacts added to a case open already {self.joined} (their episodes' "
               f"{self.joined_steps:,} later steps not replayed)" if self.joined else "")
            + "."
        )  # fmt: skip


@dataclass
class _Episode:
    person_id: int | None
    case_id: int | None = None
    joined: bool = False  # its contact went to a case open already: its own steps cannot follow


class Replay:
    def __init__(
        self,
        engine: Engine,
        authority: Authority,
        on_refused: Callable[[str, str], None] | None = None,
    ) -> None:
        self.engine = engine
        self.authority = authority
        self.on_refused = on_refused  # told each refusal as it happens: (plan line id, what)
        self.episodes: dict[str, _Episode] = {}
        self.summary = ReplaySummary()
        self.traced: list[bytes] = []
        self.user_ids: dict[str, int] = {}
        self.persons: dict[tuple[str, str], int] = {}

    def actor(self, who: str) -> Actor:
        label = ACCOUNTS.get(who, who)
        role = ROLES.get(who, Role.SOCIAL_WORKER)
        return Actor(role=role, label=label, user_id=self.user_ids.get(label))

    def run(self, plan: Path, progress: Callable[[int], None] | None = None) -> ReplaySummary:
        started = time.monotonic()
        with unit_of_work(self.engine, write=False) as session:
            rows = session.execute(select(User.username, User.id))
            self.user_ids = {username: user_id for username, user_id in rows}
            self.persons = persons_of(session, children_of(plan))
        for batch in _batches(plan, BATCH):
            with unit_of_work(self.engine) as session:
                for line in batch:
                    self.step(session, line)
            if progress is not None:
                progress(len(batch))
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def step(self, session: Session, line: dict[str, Any]) -> None:
        episode = self.episodes.get(line["episode"])
        if episode is None:
            child = line.get("child")
            person_id = self.persons.get((child["record_id"], child["ref"])) if child else None
            episode = self.episodes[line["episode"]] = _Episode(person_id)
            if person_id is None:
                self.summary.unresolved += 1
        if episode.person_id is None or (line["action"] != "contact" and episode.case_id is None):
            self.summary.joined_steps += episode.joined
            return
        now = datetime.fromisoformat(line["at"])
        before = _last_record(session) if line.get("trace") else 0
        try:
            with session.begin_nested():
                if line["action"] == "contact":
                    self.contact(session, episode, line, now)
                elif line["action"].startswith("leaving_care:"):
                    self.leaving_care(session, episode, line, now)
                else:
                    self.act(session, episode, line, now)
        except JoinedUpError as exc:
            fields = ", ".join(sorted({e.field for e in exc.errors}))
            what = f"{line['action']}: {type(exc).__name__}" + (f" ({fields})" if fields else "")
            self.summary.refused[what] += 1
            if len(self.summary.refused_ids) < 50:
                self.summary.refused_ids.append(str(line["id"]))
            if self.on_refused is not None:
                self.on_refused(str(line["id"]), what)
            return
        self.summary.steps += 1
        if line.get("trace"):
            self.trace(session, line["id"], before)

    def contact(self, session: Session, ep: _Episode, line: dict[str, Any], now: datetime) -> None:
        f = line["fields"]
        mash, late = self.actor("mash"), f.get("late_reason", "")
        assert ep.person_id is not None  # noqa: S101 - checked by the caller
        c = contacts.raise_contact(
            session=session, actor=mash, authority=self.authority, person_id=ep.person_id,
            source_kind=f["source_kind"], referral_source=f["referral_source"],
            referrer=Referrer(**f["referrer"]), summary=f["summary"],
            received_at=datetime.fromisoformat(f["received_at"]), now=now,
        )  # fmt: skip
        c = contacts.triage(session=session, actor=mash, contact_id=c.id, urgency=f["urgency"],
                            expected_version=c.version, now=now)  # fmt: skip
        decision, rationale = f["decision"], f["rationale"]
        if decision in pathway.OPENS_CASE and service.open_case_of(session, ep.person_id):
            # The child's case is open already, which the plan did not foresee: the store holds
            # two of the plan's children as one person (identity resolution joined them). The
            # front door does what the service asks, adds the contact to the open case; this
            # episode's own steps, planned for a case of its own, cannot follow.
            decision, rationale = pathway.OPEN_CASE, "Added to the child's open case."
            ep.joined = True
        c = contacts.decide(session=session, actor=mash, contact_id=c.id, decision=decision,
                            rationale=rationale, late_reason=late,
                            expected_version=c.version, now=now)  # fmt: skip
        c = contacts.sign_off(session=session, actor=self.actor("manager"),
                              authority=self.authority, contact_id=c.id, approve=True,
                              expected_version=c.version, now=now)  # fmt: skip
        self.summary.contacts += 1
        if ep.joined:
            self.summary.joined += 1
            return
        ep.case_id = c.case_id
        self.summary.cases += c.case_id is not None

    def act(self, session: Session, ep: _Episode, line: dict[str, Any], now: datetime) -> None:
        assert ep.case_id is not None  # noqa: S101 - checked by the caller
        fields = dict(line.get("fields") or {})
        if line["action"] == "allocate" and fields["label"] in self.user_ids:
            fields["user_id"] = self.user_ids[fields["label"]]
        case = session.get(Case, ep.case_id)
        assert case is not None  # noqa: S101 - opened by this replay
        on, actor = date.fromisoformat(line["on"]), self.actor(line["actor"])
        view = service.act(
            session=session, actor=actor, authority=self.authority,
            case_id=ep.case_id, action=line["action"], outcome=line.get("outcome", ""),
            on=on, fields=fields, expected_version=case.version,
            late_reason=line.get("late_reason", ""), now=now,
        )  # fmt: skip
        if line["action"] == "allocate":
            # As `flows.allocation` does: the period the new worker holds the case from, so the
            # workforce dashboard's changes of social worker count the demo's history too.
            workforce.record_allocation(
                session=session, actor=actor, case_id=view.id, person_id=view.person_id,
                user_id=fields.get("user_id"), label=str(fields["label"]),
                team=str(fields.get("team") or ""), on=on, over_cap=False, now=now,
            )  # fmt: skip

    def leaving_care(
        self, session: Session, ep: _Episode, line: dict[str, Any], now: datetime
    ) -> None:
        """A step of the young person's leaving care support (demo/caseleaving.py)."""
        assert ep.person_id is not None  # noqa: S101 - checked by the caller
        action = line["action"].removeprefix("leaving_care:")
        on, actor = date.fromisoformat(line["on"]), self.actor(line["actor"])
        fields = dict(line.get("fields") or {})
        if action == "open":
            leaving_care.open_record(session=session, actor=actor, authority=self.authority,
                                     person_id=ep.person_id, on=on,
                                     fields={**fields, "case_id": ep.case_id}, now=now)  # fmt: skip
            return
        if action == "allocate_adviser" and fields["label"] in self.user_ids:
            fields["user_id"] = self.user_ids[fields["label"]]
        record_id = leaving_care.open_record_of(session, ep.person_id)
        if record_id is None:
            raise NotFound("no leaving care support is open for this young person")
        record = session.get(LeavingCare, record_id)
        assert record is not None  # noqa: S101 - found above
        leaving_care.act(session=session, actor=actor, authority=self.authority,
                         record_id=record_id, action=action, on=on, fields=fields,
                         expected_version=record.version,
                         late_reason=line.get("late_reason", ""), now=now)  # fmt: skip

    def trace(self, session: Session, plan_id: str, before: int) -> None:
        """Which chronology records a traced step wrote (for truth.json's `statutory`)."""
        ids = list(session.scalars(select(SourceRecord.record_id).where(SourceRecord.id > before)
                                   .order_by(SourceRecord.id)))  # fmt: skip
        self.traced.append(orjson.dumps({"id": plan_id, "records": ids}))


def children_of(plan: Path) -> set[tuple[str, str]]:
    """The (record, subject) of every child the plan's episodes begin with."""
    found: set[tuple[str, str]] = set()
    with plan.open("rb") as lines:
        for raw in lines:
            child = orjson.loads(raw).get("child")
            if child:
                found.add((child["record_id"], child["ref"]))
    return found


def persons_of(session: Session, children: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The person the ingest linked each of the plan's records of a child to, in one pass.

    A record's id is unique only within its source organisation, which the plan does not
    name, so no index serves a look-up by the id alone: one look-up an episode scanned the
    store's mentions each time (on the 60,000-child authority, about 75,000 scans of two
    million mentions). One pass over the latest versions' links reads them all.
    """
    query = (
        select(SourceRecord.record_id, Mention.ref, MentionLink.person_id)
        .join(RecordVersion, RecordVersion.source_record_id == SourceRecord.id)
        .join(Mention, Mention.event_id == RecordVersion.id)
        .join(MentionLink, MentionLink.mention_id == Mention.id)
        .where(RecordVersion.version == SourceRecord.latest_version)
        .order_by(MentionLink.mention_id)
        .execution_options(yield_per=10_000)
    )
    found: dict[tuple[str, str], int] = {}
    for record_id, ref, person_id in session.execute(query):
        if (record_id, ref) in children:
            found.setdefault((record_id, ref), person_id)
    return found


def already_replayed(engine: Engine) -> bool:
    """Whether the database holds casework already (a rebuild does not replay it again)."""
    with unit_of_work(engine, write=False) as session:
        return session.scalar(select(func.count()).select_from(Contact)) != 0


def _last_record(session: Session) -> int:
    session.flush()
    return session.scalar(select(func.max(SourceRecord.id))) or 0


def _batches(plan: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with plan.open("rb") as lines:
        for raw in lines:
            batch.append(orjson.loads(raw))
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def count_steps(plan: Path) -> int:
    with plan.open("rb") as lines:
        return sum(1 for _ in lines)


def replay(
    *,
    engine: Engine,
    plan: Path,
    authority: Authority,
    progress: Callable[[int], None] | None = None,
    on_refused: Callable[[str, str], None] | None = None,
) -> ReplaySummary:
    """Take every step of `plan` through the services; write the traced steps' records beside it
    (casework.replayed.jsonl). `on_refused` hears of each refused step as it happens (its plan
    line id and what was refused: the action, the error and the fields named; no personal
    data), so that a build of an hour or more shows a refusal when it happens, not at its end."""
    job = Replay(engine, authority, on_refused)
    summary = job.run(plan, progress)
    plan.with_name("casework.replayed.jsonl").write_bytes(b"".join(t + b"\n" for t in job.traced))
    return summary
