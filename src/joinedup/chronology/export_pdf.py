"""Laying out a chronology as a PDF (fpdf2): a cover block, then every entry in a wrapped table.

Every page carries the OFFICIAL-SENSITIVE marking at its head and foot, and "Page n of N". The
text is set in DejaVu Sans, whose TrueType files `make setup` copies into `fonts/` beside this
module (`python -m joinedup.web.assets`), so names like "Łukasz Wiśniewski" print as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

MARKING = "OFFICIAL-SENSITIVE"
FONTS = Path(__file__).parent / "fonts"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
# Landscape A4 less 12 mm margins: 273 mm across, shared by the table's columns.
HEADINGS = ("Date", "Agency and organisation", "Author", "Type and severity", "People", "Summary")
WIDTHS = (30, 40, 34, 34, 45, 90)


class FontMissing(RuntimeError):
    """The PDF cannot be made without its Unicode font; the message says how to install it."""


@dataclass(frozen=True, slots=True)
class Cover:
    """What the first page says about the export: whose chronology, who sent it, to whom, why."""

    name: str
    person_id: int
    date_of_birth: str | None
    other_dates_of_birth: int
    exported_by: str
    exported_at: str
    recipient: str
    purpose: str
    lawful_basis: str
    filters: list[str]
    shown: int
    total: int
    withheld_summaries: int
    sealed: int


Row = tuple[str, str, str, str, str, str]  # one cell per heading


class _Document(FPDF):
    def header(self) -> None:
        self.set_font(FAMILY, "B", 9)
        self.cell(0, 5, MARKING, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 4, MARKING, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")


def font_paths(folder: Path = FONTS) -> dict[str, Path]:
    """The regular and bold TrueType files, or FontMissing naming the step that installs them."""
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    for path in paths.values():
        if not path.is_file():
            raise FontMissing(
                f"The PDF font {path} is missing: run `make setup` (or `npm ci` and then "
                "`python -m joinedup.web.assets`) to install it"
            )
    return paths


def render_pdf(cover: Cover, rows: Sequence[Row], *, created: datetime) -> bytes:
    """The whole document as bytes."""
    pdf = _Document(orientation="L", unit="mm", format="A4")
    for style, path in font_paths().items():
        pdf.add_font(FAMILY, style, path)
    pdf.set_margins(12, 10, 12)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(f"Chronology of person {cover.person_id}")
    pdf.set_creator("Joined Up")
    pdf.set_creation_date(created)
    pdf.add_page()
    _cover(pdf, cover)
    _entries(pdf, rows)
    return bytes(pdf.output())


def _cover(pdf: FPDF, cover: Cover) -> None:
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 8, f"Chronology of {cover.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    born = cover.date_of_birth or "Not recorded"
    if cover.other_dates_of_birth:
        born += f" (other dates of birth recorded: {cover.other_dates_of_birth})"
    shown = f"{cover.shown} of {cover.total} entries on the chronology"
    facts = [
        ("Date of birth", born),
        ("Joined Up person number", str(cover.person_id)),
        ("Exported by", cover.exported_by),
        ("Exported on", cover.exported_at),
        ("Shared with", cover.recipient),
        ("Purpose", cover.purpose),
        ("Lawful basis", cover.lawful_basis),
        ("Filters applied", "\n".join(cover.filters)),
        ("Entries", shown),
    ]
    pdf.set_font(FAMILY, "", 10)
    with pdf.table(
        col_widths=(50, 223), first_row_as_headings=False, line_height=5,
        borders_layout="HORIZONTAL_LINES", padding=1, text_align="LEFT",
    ) as table:  # fmt: skip
        for key, value in facts:
            row = table.row()
            row.cell(key, style=FontFace(emphasis="BOLD"))
            row.cell(value)
    pdf.ln(3)
    for line in _notes(cover):
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _notes(cover: Cover) -> list[str]:
    lines = [
        "This chronology holds only what the person who exported it was permitted to see. "
        "The export is recorded in the audit log and in the information-sharing register."
    ]
    withheld = cover.withheld_summaries
    if withheld:
        lines.append(
            f"{_count(withheld, 'summary is', 'summaries are')} withheld: health or sexual-health "
            "detail that the exporter's role may not see. Each entry says so below."
        )
    if cover.sealed:
        lines.append(f"{_count(cover.sealed, 'sealed record is', 'sealed records are')} not "
                     "included.")  # fmt: skip
    return lines


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _entries(pdf: FPDF, rows: Sequence[Row]) -> None:
    if not rows:
        pdf.set_font(FAMILY, "B", 11)
        pdf.multi_cell(0, 6, "No entries match the filters applied.")
        return
    pdf.set_font(FAMILY, "", 8)
    with pdf.table(
        col_widths=WIDTHS, line_height=4, padding=1, repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        text_align="LEFT", v_align="TOP",
    ) as table:  # fmt: skip
        table.row(HEADINGS)
        for values in rows:
            table.row(values)
