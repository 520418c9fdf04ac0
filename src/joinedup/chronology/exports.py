"""Exporting a child's chronology as a PDF or a CSV file, recorded in the sharing register.

An export leaves the system, so it is checked (`chronology:export`), read through the same
service as the page (what the exporting user may see, and no more: withheld summaries stay
withheld), rendered, hashed, and recorded in the information-sharing register and the audit
log, all in the caller's transaction. docs/exports.md describes both files.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import ROLE_TITLES, Actor
from joinedup.access.service import authorise, require
from joinedup.chronology import child
from joinedup.chronology.export_pdf import Cover, Row, render_pdf
from joinedup.chronology.service import get_chronology
from joinedup.chronology.views import Chronology, Entry, Filters, Subject
from joinedup.core.dates import UK, date_time, occurred, partial_date
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.core.spreadsheet import FORMULA_STARTS, neutralise
from joinedup.people.circle import circle_of
from joinedup.sharing.service import check_disclosure, record_disclosure
from joinedup.sharing.views import BASIS_LABELS

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "FORMULA_STARTS",
    "ExportFile",
    "Preview",
    "export_chronology",
    "neutralise",
    "preview_export",
]

Format = Literal["pdf", "csv"]
FORMATS: dict[str, str] = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}
WHAT = "chronology_export"


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    media_type: str
    content: bytes
    disclosure_id: int


@dataclass(frozen=True, slots=True)
class Preview:
    """What an export would hold, for the form that asks to whom and why."""

    person_id: int
    name: str
    entries: int
    total: int
    withheld_summaries: int
    sealed: int
    filters: list[str]  # in words


def preview_export(
    *, session: Session, actor: Actor, person_id: int, filters: Filters, now: datetime
) -> Preview:
    """Check that the actor may export, and say what the export would hold: one audited read
    (the chronology's). The relationship an export needs is checked without a second entry,
    nothing having left yet; a refusal is audited as any is."""
    authorise(session=session, actor=actor, action=Action.CHRONOLOGY_EXPORT, resource_type="person")
    found = get_chronology(
        session=session, actor=actor, person_id=person_id, filters=filters, now=now,
        per_page=None,
    )  # fmt: skip
    authorise(session=session, actor=actor, action=Action.CHRONOLOGY_EXPORT,
              resource_type="person", resource_ids=[found.person_id], child=[found.person_id],
              detail={"step": "preview"}, now=now)  # fmt: skip
    return Preview(
        person_id=found.person_id,
        name=found.name,
        entries=len(found.entries),
        total=found.total,
        withheld_summaries=sum(e.summary is None for e in found.entries),
        sealed=found.restricted_withheld,
        filters=filter_words(filters),
    )


def export_chronology(
    *,
    session: Session,
    actor: Actor,
    person_id: int,
    filters: Filters,
    fmt: str,
    recipient: str,
    purpose: str,
    lawful_basis: str,
    now: datetime,
) -> ExportFile:
    """The child's chronology, filtered, as a file for `recipient`; recorded in the register."""
    authorise(session=session, actor=actor, action=Action.CHRONOLOGY_EXPORT, resource_type="person")
    errors = check_disclosure(recipient=recipient, purpose=purpose, lawful_basis=lawful_basis)
    if fmt not in FORMATS:
        errors.insert(0, FieldError("format", "Select whether to export a PDF or a CSV file"))
    if errors:
        raise ValidationFailed("The chronology cannot be exported", errors)
    found = get_chronology(
        session=session, actor=actor, person_id=person_id, filters=filters, now=now,
        per_page=None,
    )  # fmt: skip
    _may_export(session, actor, found.person_id, "export", now)
    own = circle_of(session=session, actor=actor, person_id=found.person_id).persons
    if fmt == "pdf":
        cover = _cover(session, actor, found, own, recipient, purpose, lawful_basis, now)
        content = render_pdf(cover, [pdf_row(e) for e in found.entries], created=now)
    else:
        content = render_csv(found)
    filename = f"chronology-{found.person_id}-{now.astimezone(UK):%Y%m%d-%H%M}.{fmt}"
    disclosure_id = record_disclosure(
        session=session,
        actor=actor,
        action=Action.CHRONOLOGY_EXPORT,
        person_ids=_disclosed(own, found.entries),
        what=WHAT,
        entry_count=len(found.entries),
        details={"format": fmt, "child": found.person_id, "filters": filter_codes(filters),
                 "filename": filename, "bytes": len(content)},
        sha256=hashlib.sha256(content).hexdigest(),
        recipient=recipient,
        purpose=purpose,
        lawful_basis=lawful_basis,
        now=now,
    )  # fmt: skip
    return ExportFile(filename, FORMATS[fmt], content, disclosure_id)


def _may_export(session: Session, actor: Actor, person_id: int, step: str, now: datetime) -> None:
    """An export needs a relationship of the actor's own with the child: reading under
    break-glass lets a worker see the record, never send it on (ADR 0012)."""
    require(session=session, actor=actor, action=Action.CHRONOLOGY_EXPORT,
            resource_type="person", resource_ids=[person_id], child=[person_id],
            detail={"step": step}, now=now)  # fmt: skip


# -- the CSV file ------------------------------------------------------------------------------


def _flag(value: bool) -> str:
    return "Yes" if value else "No"


CSV_COLUMNS: tuple[tuple[str, Callable[[Entry], str]], ...] = (
    ("Date", lambda e: occurred(e.occurred_at, e.date_precision)),
    ("Date (ISO 8601)", lambda e: iso_date(e.occurred_at, e.date_precision)),
    ("Date precision", lambda e: e.date_precision),
    ("Recorded", lambda e: date_time(e.recorded_at)),
    ("Received", lambda e: date_time(e.received_at)),
    ("Agency", lambda e: words(e.agency)),
    ("Organisation", lambda e: e.organisation),
    ("Author", lambda e: e.author or ""),
    ("Author role", lambda e: e.author_role or ""),
    ("Author contact", lambda e: e.author_contact or ""),
    ("Type", lambda e: words(e.type)),
    ("Severity", lambda e: words(e.severity)),
    ("Statutory step", lambda e: _flag(e.statutory)),
    ("People", lambda e: people(e.subjects)),
    ("About the child", lambda e: _flag(e.about_child)),
    ("Summary", lambda e: e.summary or ""),
    ("Summary withheld", lambda e: e.withheld or ""),
    ("Marked significant", lambda e: _flag(e.mark is not None)),
    ("Significance note", lambda e: (e.mark.note or "") if e.mark else ""),
    ("Source record", lambda e: e.record_id),
)


def render_csv(found: Chronology) -> bytes:
    """One row per entry under a header row; UTF-8 with a byte-order mark, so Excel reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in CSV_COLUMNS])
    for entry in found.entries:
        writer.writerow([neutralise(cell(entry)) for _, cell in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


# -- the PDF's rows ----------------------------------------------------------------------------


def pdf_row(entry: Entry) -> Row:
    """Date, agency and organisation, author, type and severity, people, summary."""
    when = occurred(entry.occurred_at, entry.date_precision)
    if entry.mark is not None:
        when += "\nMarked significant" + (f": {entry.mark.note}" if entry.mark.note else "")
    author = "\n".join(x for x in (entry.author, entry.author_role, entry.author_contact) if x)
    summary = entry.summary if entry.summary is not None else f"Withheld. {entry.withheld or ''}"
    return (
        when,
        f"{words(entry.agency)}\n{entry.organisation}",
        author or "Not recorded",
        f"{words(entry.type)}\n{words(entry.severity)} severity",
        "\n".join(person(s) for s in entry.subjects),
        summary.strip(),
    )


# -- shared words ------------------------------------------------------------------------------


def words(code: str | None) -> str:
    """A stored code for reading: `domestic_abuse_incident` → `Domestic abuse incident`."""
    text = (code or "").replace("_", " ")
    return text[:1].upper() + text[1:]


def iso_date(moment: datetime, precision: str) -> str:
    """ISO 8601 only as precise as the source knew it: `2011`, `2011-03`, `2011-03-14`, or a
    UK time to the minute with its offset."""
    if precision == "minute":
        return moment.astimezone(UK).isoformat(timespec="minutes")
    day = moment.astimezone(UTC)
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}"}.get(precision, f"{day:%Y-%m-%d}")


def person(subject: Subject) -> str:
    """`Mark Newman (parents partner, perpetrator)`."""
    notes = [words(subject.relationship).lower()] if subject.relationship else []
    notes += ["victim"] * subject.victim + ["perpetrator"] * subject.perpetrator
    name = subject.name or f"Person {subject.person_id}"
    return f"{name} ({', '.join(notes)})" if notes else name


def people(subjects: tuple[Subject, ...]) -> str:
    return "; ".join(person(s) for s in subjects)


def filter_codes(filters: Filters) -> dict[str, object]:
    """The filters as the register keeps them: codes and ISO dates, only those applied."""
    codes: dict[str, object] = {
        "agencies": sorted(filters.agencies),
        "types": sorted(filters.types),
        "severities": sorted(filters.severities),
        "since": filters.since.isoformat() if filters.since else None,
        "until": filters.until.isoformat() if filters.until else None,
        "household": filters.household,
        "significant_only": filters.significant_only,
    }
    return {k: v for k, v in codes.items() if v}


def filter_words(filters: Filters) -> list[str]:
    """The filters in words, one line each; the whole chronology when none is applied."""
    lines = []
    for label, chosen in (("Agencies", filters.agencies), ("Types", filters.types),
                          ("Severity", filters.severities)):  # fmt: skip
        if chosen:
            lines.append(f"{label}: {', '.join(words(c) for c in sorted(chosen))}")
    if filters.since:
        lines.append(f"Happened on or after {occurred(_midnight(filters.since), 'day')}")
    if filters.until:
        lines.append(f"Happened on or before {occurred(_midnight(filters.until), 'day')}")
    if filters.household:
        lines.append("Household: the records of siblings and adults in the household included")
    if filters.significant_only:
        lines.append("Only events marked as significant")
    return lines or ["None: the whole chronology"]


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _disclosed(own: tuple[int, ...], entries: list[Entry]) -> list[int]:
    """The child (and every person merged into them), then everyone named in an exported entry."""
    others = {s.person_id for e in entries for s in e.subjects} - set(own)
    return [*own, *sorted(others)]


def _cover(
    session: Session,
    actor: Actor,
    found: Chronology,
    own: tuple[int, ...],
    recipient: str,
    purpose: str,
    lawful_basis: str,
    now: datetime,
) -> Cover:
    dobs = child.identity(session, own)["dobs"]
    withheld = sum(e.summary is None for e in found.entries)
    return Cover(
        name=found.name or f"Person {found.person_id}",
        person_id=found.person_id,
        date_of_birth=partial_date(dobs[0].value) if dobs else None,
        other_dates_of_birth=len(dobs) - 1 if dobs else 0,
        exported_by=f"{actor.label} ({ROLE_TITLES[actor.role]})",
        exported_at=date_time(now),
        recipient=recipient.strip(),
        purpose=purpose.strip(),
        lawful_basis=BASIS_LABELS[lawful_basis],
        filters=filter_words(found.filters),
        shown=len(found.entries),
        total=found.total,
        withheld_summaries=withheld,
        sealed=found.restricted_withheld,
    )
