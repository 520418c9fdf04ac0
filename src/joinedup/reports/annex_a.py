"""Ofsted ILACS Annex A: the eleven inspection lists as one Excel workbook, from the live store.

One sheet per list, the template's columns in its order (`annex_a_labels`), labelled values,
dates as Excel dates shown dd/mm/yyyy. Most lists cover the six months to the inspection day
(`as_of`); the adoption lists twelve. What casework does not record is never guessed: a list
Joined Up cannot fill is written with its headers alone, a column it cannot fill is blank, and
`NOT_HELD` says why (the command prints it; docs/returns-annex-a.md explains each).

Access: `Action.RETURNS_EXPORT` (performance officer, system), checked before anything is read
and audited once with the row count of each list.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import authorise, require
from joinedup.core.spreadsheet import needs_care, workbook_text
from joinedup.reports import annex_a_care, annex_a_leavers, annex_a_lists
from joinedup.reports import annex_a_labels as L
from joinedup.reports.annex_a_lists import Context, Row, months_before
from joinedup.reports.annex_a_read import read
from joinedup.reports.children import ChildFacts, child_facts

DATE_FORMAT = "DD/MM/YYYY"
BUILDERS: tuple[Callable[[Context], list[Row]] | None, ...] = (
    annex_a_lists.list1, annex_a_lists.list2, annex_a_lists.list3, annex_a_lists.list4,
    annex_a_lists.list5, annex_a_lists.list6, annex_a_lists.list7, annex_a_care.list8,
    None, annex_a_care.list10, None,
)  # fmt: skip
NOT_HELD_LISTS = {
    "List 11 Adopters": "the adopters' journey (enquiry, stages 1 and 2, approval, matching) is "
    "not recorded in Joined Up",
}
_L8 = "List 8 Children in care"
NOT_HELD_COLUMNS: dict[tuple[str, str], str] = {
    ("List 2 Early help", "Assessment start date"): "no early help assessment is recorded; "
    "the rows are children stepped down to early help by the front door or an assessment",
    ("List 2 Early help", "Assessment completion date"): "as above",
    ("List 2 Early help", "Organisation completing assessment"): "as above",
    (_L8, "What is the permanence plan for this child?"): "the permanence plan is not recorded",
    (_L8, "Date of Last IRO Visit / Contact to the Child"): "IRO visits are not recorded",
    (_L8, "Date of Last Health Assessment"): "health assessments are not recorded",
    (_L8, "Date of Last Dental Check"): "dental checks are not recorded",
    (_L8, "Placement Location"): "no table of local authority areas by postcode",
    (_L8, "LA of Placement"): "no table of local authority areas by postcode",
    (_L8, "Was the child offered a Return Interview after their last missing episode (Y/N)?"):
        "return interviews are not recorded",
    (_L8, "Did the child accept a Return Interview after their last missing episode (Y/N)?"):
        "return interviews are not recorded",
    ("List 10 Adoption", "Family identifier"): "adoptive families are not recorded",
    ("List 10 Adoption", "Date of Decision that Child Should be Placed for Adoption"):
        "the agency decision maker's decision is not recorded",
    ("List 10 Adoption", "Date of Matching Child and Prospective Adopters"):
        "matching is not recorded",
    ("List 10 Adoption",
     "Date of Decision that Child Should No Longer be Placed for Adoption"):
        "the reversal of the decision is not recorded",
    ("List 10 Adoption", "Reason Why Child No Longer Placed for Adoption"):
        "the reversal of the decision is not recorded",
}  # fmt: skip


@dataclass(frozen=True)
class AnnexA:
    workbook: bytes
    as_of: date
    rows: dict[str, int]  # sheet name -> rows

    def not_held(self) -> list[str]:
        """What is left empty, and why: the lists Joined Up cannot fill, the lists with nothing
        in their period this time, then the columns it cannot fill."""
        said = [f"{name}: no rows: {why}" for name, why in NOT_HELD_LISTS.items()]
        said += [
            f"{name}: no rows: nothing recorded meets its rule in the period"
            for name, rows in self.rows.items()
            if not rows and name not in NOT_HELD_LISTS
        ]
        said += [f"{sheet}, '{column}': blank: {why}"
                 for (sheet, column), why in not_held_columns().items()]  # fmt: skip
        return said


def not_held_columns() -> dict[tuple[str, str], str]:
    columns = dict(NOT_HELD_COLUMNS)
    if not annex_a_care.records_missing():
        why = "missing episodes are not recorded yet"
        columns[(_L8, L.MISSING_COUNT)] = why
        columns[(_L8, L.ABSENT_COUNT)] = why
    if annex_a_care.records_adoption_decisions():
        for column in _ADOPTION_DECISIONS:
            columns.pop(("List 10 Adoption", column), None)
    return columns


_ADOPTION_DECISIONS = (
    "Date of Decision that Child Should be Placed for Adoption",
    "Date of Matching Child and Prospective Adopters",
    "Date of Decision that Child Should No Longer be Placed for Adoption",
    "Reason Why Child No Longer Placed for Adoption",
)


def export_annex_a(*, session: Session, actor: Actor, as_of: date, now: datetime) -> bytes:
    """The Annex A workbook (.xlsx) as it stood on `as_of`."""
    return annex_a(session=session, actor=actor, as_of=as_of, now=now).workbook


def annex_a(*, session: Session, actor: Actor, as_of: date, now: datetime) -> AnnexA:
    """The workbook and its row counts (see the module's docstring)."""
    authorise(session=session, actor=actor, action=Action.RETURNS_EXPORT, resource_type="annex_a")
    since12 = months_before(as_of, 12)
    work = read(session, since=since12, as_of=as_of)
    ctx = Context(as_of, months_before(as_of, 6), since12, work, work.cases_of(),
                  annex_a_lists.disabilities(work))  # fmt: skip
    built = [build(ctx) if build is not None else [] for build in BUILDERS]
    built[8] = annex_a_leavers.list9(session, ctx)
    facts = child_facts(session, {pid for rows in built for pid, _ in rows})
    sheets = [(name, columns, _rows(columns, rows, facts, as_of))
              for (name, columns), rows in zip(L.SHEETS, built, strict=True)]  # fmt: skip
    counts = {name: len(rows) for name, _, rows in sheets}
    require(session=session, actor=actor, action=Action.RETURNS_EXPORT, resource_type="annex_a",
            detail={"as_of": as_of.isoformat(), "rows": counts,
                    "children": len(facts)}, now=now)  # fmt: skip
    return AnnexA(_workbook(sheets, now), as_of, counts)


def age(born: date | None, on: date) -> int | None:
    """Whole years from birth to `on`; none for a child not yet born or without a birth date."""
    if born is None or born > on:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _rows(
    columns: Sequence[str], rows: list[Row], facts: dict[int, ChildFacts], as_of: date
) -> list[list[Any]]:
    """Each row with the child's common columns first, in date order."""
    return [_full_row(columns, facts[pid], values, as_of)
            for pid, values in sorted(rows, key=_sort_key)]  # fmt: skip


def _full_row(
    columns: Sequence[str], facts: ChildFacts, values: tuple[Any, ...], as_of: date
) -> list[Any]:
    common = [facts.la_child_id, L.GENDER[facts.sex], L.label(L.ETHNICITY, facts.ethnicity),
              facts.birth_date, age(facts.birth_date, as_of)]  # fmt: skip
    if columns[1] == "Family identifier":  # List 10: second, and not recorded
        common.insert(1, None)
    return [*common, *values]


def _sort_key(row: Row) -> tuple[date, int]:
    """By the list's first date (contact, referral, start), then by child."""
    return next((v for v in row[1] if isinstance(v, date)), date.min), row[0]


def _workbook(sheets: Sequence[tuple[str, Sequence[str], list[list[Any]]]], now: datetime) -> bytes:
    book: Any = Workbook(write_only=True)
    book.properties.creator = "Joined Up"
    book.properties.created = book.properties.modified = now.replace(tzinfo=None)
    bold = Font(bold=True)
    for name, columns, rows in sheets:
        sheet = book.create_sheet(title=name)
        for letter_index, column in enumerate(columns):
            width = min(max(len(column) * 0.9, 12), 45)
            sheet.column_dimensions[_letter(letter_index)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, column, bold) for column in columns])
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: Any, value: Any, font: Any = None) -> Any:
    """A date (formatted dd/mm/yyyy) or a header (bold) as a cell; text that could run as a
    formula, or holds a character XML forbids, made safe and typed as a string
    (core/spreadsheet.py); anything else as itself,
    which the write-only sheet stores without making a cell object (most of the time)."""
    if isinstance(value, str) and needs_care(value):
        cell = WriteOnlyCell(sheet, value=workbook_text(value))
        cell.data_type = "s"  # never a formula, whatever the text
        if font is not None:
            cell.font = font
        return cell
    if not isinstance(value, date) and font is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def _letter(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
