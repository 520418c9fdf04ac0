"""The rapid-review document as a PDF (fpdf2, with the chronology export's fonts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from joinedup.chronology.export_pdf import FAMILY, font_paths
from joinedup.quality.incidents import KINDS, RapidReview


def render_review(review: RapidReview, authority: str, *, created: datetime) -> bytes:
    """Cover facts, each agency's involvement, the significant events and the analysis."""
    i = review.incident
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    for style, path in font_paths().items():
        pdf.add_font(FAMILY, style, path)
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(f"Rapid review: serious incident {i.id}")
    pdf.set_creator("Joined Up")
    pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 8, f"Rapid review: serious incident {i.id}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    facts = [
        ("Authority", authority),
        ("Joined Up person number", str(i.person_id)),
        ("What happened", f"{KINDS.get(i.kind, i.kind)} on {i.incident_on.isoformat()}"),
        ("Authority aware", i.aware_on.isoformat()),
        ("Panel notified", i.notified_on.isoformat() if i.notified_on else "Not yet"),
        ("Review period", f"{i.review_from.isoformat()} to {i.review_to.isoformat()}"),
        ("Records shown", f"{len(review.entries)} ({review.withheld} sealed not shown)"),
    ]
    _table(pdf, (55, 125), facts, headings=False)
    _heading(pdf, "Each agency's involvement")
    rows = [(a.agency, str(a.records), str(a.contacts),
             a.first.isoformat() if a.first else "", a.last.isoformat() if a.last else "")
            for a in review.involvement]  # fmt: skip
    _table(pdf, (50, 25, 35, 35, 35), [("Agency", "Records", "Contacts raised", "First",
                                         "Last"), *rows])  # fmt: skip
    _heading(pdf, "Significant events")
    events = [(e.occurred_at.date().isoformat(), e.agency, e.type, e.summary or "(withheld)")
              for e in review.significant]  # fmt: skip
    _table(pdf, (25, 30, 35, 90), [("Date", "Agency", "Type", "Summary"), *events])
    _heading(pdf, "Reviewers' analysis")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5, i.analysis or "Not yet written.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 12)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, widths: tuple[int, ...], rows: Sequence[tuple[str, ...]],
           headings: bool = True) -> None:  # fmt: skip
    pdf.set_font(FAMILY, "", 9)
    style = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(col_widths=widths, line_height=5, padding=1, text_align="LEFT",
                   first_row_as_headings=headings, headings_style=style) as table:  # fmt: skip
        for values in rows:
            table.row(values)
