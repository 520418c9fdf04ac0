"""The dashboard's figures as CSV rows: every figure the page shows, one a row."""

from __future__ import annotations

from joinedup.reports.dashboard import PROMPT_OUTCOMES, Column, Dashboard
from joinedup.rules.service import OUTCOMES


def csv_rows(d: Dashboard) -> list[tuple[str, str, str, str]]:
    """Every figure the page shows, one a row: (figure, month or label, measure, value)."""
    out = [("filter", "", "from", d.filters.start), ("filter", "", "to", d.filters.end),
           ("filter", "", "team", d.filters.team or "all teams"),
           ("filter", "", "child population", str(d.population or ""))]  # fmt: skip
    for t in d.trends:
        scope = " (whole authority)" if t.whole_authority and d.filters.team else ""
        for month, cells in t.rows:
            for col, value in zip(t.columns, cells, strict=True):
                out.append((t.key + scope, month.strftime("%Y-%m"), _measure(col), _value(value)))
    for o in d.overdue_by_team:
        out += [
            ("overdue by team", o.label, "overdue", str(o.count)),
            ("overdue by team", o.label, "oldest days overdue", str(o.oldest_days)),
        ]
    for o in d.overdue_by_agency:
        out += [
            ("overdue requests by agency", o.label, "overdue", str(o.count)),
            ("overdue requests by agency", o.label, "oldest days overdue", str(o.oldest_days)),
        ]
    names = ["prompts", *[PROMPT_OUTCOMES[o] for o in OUTCOMES], "awaiting an answer"]
    for rule, counts in d.prompts_by_rule:
        out += [
            ("prompts by rule", rule, name, str(n)) for name, n in zip(names, counts, strict=True)
        ]
    if d.workforce is not None:
        w = d.workforce
        for name, value in (
            ("case-holding posts", w.posts),
            ("FTE", w.fte),
            ("children allocated", w.children),
            ("children per FTE", w.per_fte),
            ("posts over cap", w.over_cap),
            ("agency rate", w.agency_rate),
            ("vacancy rate", w.vacancy_rate),
        ):
            out.append(("caseloads", "now", name, _value(value)))
    return out  # fmt: skip


def _measure(col: Column) -> str:
    return col.name + (" (share)" if col.kind == "percent" else "")


def _value(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
