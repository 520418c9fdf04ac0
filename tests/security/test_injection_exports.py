"""The corpus in a spreadsheet: Annex A's workbook writer (every list goes through it) keeps
each text as a string cell, a formula's first sign neutralised, and numbers and dates typed."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook  # type: ignore[import-untyped]

from joinedup.core.spreadsheet import REPLACEMENT, is_formula_like, workbook_text
from joinedup.reports import annex_a
from tests.security.conftest import figure
from tests.security.corpus import CONTROL, CORPUS, FORMULAS


def test_annex_a_cells_are_never_formulas_and_numbers_stay_numbers() -> None:
    columns = ["Child identifier", "Worker", "Age", "Date", "Change"]
    rows = [[f"ID{i}", text, 7, date(2026, 5, 1), -3] for i, (_, text) in enumerate(CORPUS)]
    rows.append(["=HEADER", "plain", 0, date(2026, 5, 2), -0.5])
    content = annex_a._workbook(  # the writer every Annex A list goes through
        [("List 1", [*columns[:-1], "=SUM(A1)"], rows)], datetime(2026, 11, 23, tzinfo=UTC)
    )
    sheet = load_workbook(io.BytesIO(content))["List 1"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    live = [c.coordinate for c in cells if isinstance(c.value, str) and is_formula_like(c.value)]
    figure(f"Annex A workbook: {len(cells)} cells, formula cells {len(formulas)} (target 0), "
           f"formula-like text {len(live)} (target 0)")  # fmt: skip
    assert formulas == [] and live == []
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    for (_, text), row in zip(CORPUS, body[:-1], strict=True):
        assert row[1] == workbook_text(text)  # a formula's sign neutralised, nothing else
        assert row[1] == ("'" + text if text in FORMULAS else text) or text == CONTROL
        assert row[2] == 7 and row[4] == -3 and isinstance(row[3], datetime)
    assert body[-1][0] == "'=HEADER" and body[-1][4] == -0.5
    assert sheet["E1"].value == "'=SUM(A1)"
    control = next(
        row[1] for (_, text), row in zip(CORPUS, body[:-1], strict=True) if text == CONTROL
    )
    assert control == CONTROL.replace("\x1b", REPLACEMENT).replace("\x07", REPLACEMENT)
