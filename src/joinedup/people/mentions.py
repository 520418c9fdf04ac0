"""Mentions as the resolver reads them: loaded a batch at a time, turned into `Identity`s.

The model is anything with the four members of `LinkageModel` (`Scorer`), so that tests about
the resolver's own logic (thresholds, constraints) can use a tiny model of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Executable, Table, select
from sqlalchemy.orm import Session

from joinedup.intake.models import Event, Mention, SourceRecord
from joinedup.people.batchsql import VALUES, among_bound, run_among
from joinedup.people.linkage.types import Comparison, Features, Identity
from joinedup.people.models import MentionLink

_M: Table = Mention.__table__  # type: ignore[assignment]
_E: Table = Event.__table__  # type: ignore[assignment]
_L: Table = MentionLink.__table__  # type: ignore[assignment]
_S: Table = SourceRecord.__table__  # type: ignore[assignment]
CHUNK = 50_000


class Scorer(Protocol):
    """What resolution needs of a linkage model (`joinedup.people.linkage.model.LinkageModel`)."""

    @property
    def version(self) -> str: ...

    def features(self, identity: Identity) -> Features: ...

    def blocking_keys(self, features: Features) -> list[str]: ...

    def compare(self, a: Features, b: Features) -> Comparison: ...


@dataclass(slots=True)
class MentionRow:
    """A mention with what resolution and households need of its event."""

    id: int
    event_id: int
    ref: str
    role: str
    relationship: str | None
    given_names: str | None
    family_name: str | None
    other_names: tuple[str, ...]
    date_of_birth: str | None
    expected_date_of_delivery: date | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    local_ids: dict[str, str]
    address_lines: tuple[str, ...]
    postcode: str | None
    school_urn: str | None
    organisation_id: int
    agency: str
    source_record_id: int
    occurred_at: datetime
    event_type: str
    attributes: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.role if self.role in ("child", "adult", "unborn") else "adult"

    def local_keys(self) -> list[str]:
        """Trusted keys: a source's own id for a person, scoped to the organisation and system."""
        return [
            f"l:{self.organisation_id}:{system}:{value}"[:160]
            for system, value in sorted(self.local_ids.items())
            if value
        ]

    def identity(self, adults: Sequence[str] = ()) -> Identity:
        return Identity(
            given_names=self.given_names,
            family_name=self.family_name,
            other_names=self.other_names,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            nhs_number=self.nhs_number,
            upn=self.upn,
            postcode=self.postcode,
            address=", ".join(self.address_lines) or None,
            school_urn=self.school_urn,
            source_agency=self.agency,
            adults=tuple(adults),
        )


def full_name(row: MentionRow) -> str:
    return " ".join(x for x in (row.given_names, row.family_name) if x)


def adults_of(rows: Iterable[MentionRow]) -> dict[int, tuple[str, ...]]:
    """For each event: the "given family" of its adult subjects."""
    found: dict[int, list[str]] = {}
    for row in rows:
        if row.role == "adult" and (name := full_name(row)):
            found.setdefault(row.event_id, []).append(name)
    return {event: tuple(names) for event, names in found.items()}


def chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# What a MentionRow is read from (mentions joined to their events).
COLUMNS = [
    _M.c.id, _M.c.event_id, _M.c.ref, _M.c.role, _M.c.relationship, _M.c.given_names,
    _M.c.family_name, _M.c.other_names, _M.c.date_of_birth, _M.c.expected_date_of_delivery,
    _M.c.sex, _M.c.nhs_number, _M.c.nhs_number_valid, _M.c.upn, _M.c.upn_valid,
    _M.c.local_ids, _M.c.address_lines, _M.c.postcode, _M.c.school_urn,
    _E.c.organisation_id, _E.c.agency, _E.c.source_record_id, _E.c.occurred_at, _E.c.type,
    _E.c.attributes,
]  # fmt: skip


def load_event_mentions(session: Session, mention_ids: Sequence[int]) -> list[MentionRow]:
    """Every mention of the events these mentions belong to, in id order (one query a chunk)."""
    return _load(session, mention_ids, linked=False).rows


class EventMentions(NamedTuple):
    rows: list[MentionRow]
    linked: dict[int, int]  # mention → the person it is linked to now (mentions not linked absent)
    revised: set[int]  # the source records among the rows' that have more than one version


def load_event_mentions_and_links(session: Session, mention_ids: Sequence[int]) -> EventMentions:
    """`load_event_mentions`, with each mention's link and whether its record has earlier or
    later versions, in the same query."""
    return _load(session, mention_ids, linked=True)


def _load(session: Session, mention_ids: Sequence[int], *, linked: bool) -> EventMentions:
    found = EventMentions([], {}, set())
    rows: dict[int, MentionRow] = {}

    def build(dialect: str) -> Executable:
        events = select(_M.c.event_id).where(among_bound(dialect, _M.c.id, VALUES))
        query = select(*COLUMNS).join(_E, _E.c.id == _M.c.event_id)
        query = query.where(_M.c.event_id.in_(events.scalar_subquery()))
        if linked:
            query = (
                query.add_columns(_L.c.person_id, _S.c.latest_version)
                .outerjoin(_L, _L.c.mention_id == _M.c.id)
                .join(_S, _S.c.id == _E.c.source_record_id)
            )
        return query

    name = "mentions.linked" if linked else "mentions"
    for r in run_among(session, name, build, mention_ids, CHUNK):
        rows[r.id] = mention_row(r)
        if linked and r.person_id is not None:
            found.linked[r.id] = r.person_id
        if linked and r.latest_version > 1:
            found.revised.add(r.source_record_id)
    found.rows.extend(rows[key] for key in sorted(rows))
    return found


def mention_row(r: Any) -> MentionRow:
    """A MentionRow from a result row with `COLUMNS`."""
    return MentionRow(
        id=r.id,
        event_id=r.event_id,
        ref=r.ref,
        role=r.role,
        relationship=r.relationship,
        given_names=r.given_names,
        family_name=r.family_name,
        other_names=tuple(r.other_names or ()),
        date_of_birth=r.date_of_birth,
        expected_date_of_delivery=r.expected_date_of_delivery,
        sex=r.sex,
        nhs_number=r.nhs_number if r.nhs_number_valid else None,
        upn=r.upn if r.upn_valid else None,
        local_ids=dict(r.local_ids or {}),
        address_lines=tuple(r.address_lines or ()),
        postcode=r.postcode,
        school_urn=r.school_urn,
        organisation_id=r.organisation_id,
        agency=r.agency,
        source_record_id=r.source_record_id,
        occurred_at=r.occurred_at,
        event_type=r.type,
        attributes=dict(r.attributes or {}),
    )
