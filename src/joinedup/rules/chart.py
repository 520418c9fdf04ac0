"""The backtest as a chart: prompts per 1,000 children per year by rule, as an SVG document.

No charting library is installed (ARCHITECTURE.md lists none), so the chart is plain SVG from
the standard library: horizontal bars, all rules, the front door's share of them (prompts
about children with no case open here), then one a rule, with the partnership's ceiling marked
and the recall and lead time, where measured, in the title.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from joinedup.rules.backtest import Backtest, Recall

WIDTH, BAR, GAP, LEFT, TOP = 760, 22, 8, 190, 88


def svg(result: Backtest, found: Recall | None = None, ceiling: float = 10.0) -> str:
    """An SVG document (UTF-8 text) of the backtest's prompts per 1,000 children per year."""
    rates = sorted(((r, result.per_1000_per_year(r)) for r in result.rules),
                   key=lambda item: -item[1])  # fmt: skip
    total = result.per_1000_per_year()
    top = max([ceiling, total, *(v for _, v in rates)]) * 1.1 or 1.0
    scale = (WIDTH - LEFT - 70) / top
    height = TOP + (len(rates) + 2) * (BAR + GAP) + 50
    title = f"Prompts per 1,000 children per year: {total:.1f} in all ({result.among})"
    # The period is the rules' (the days they were evaluated on); the count is the store's.
    period = f"The rules read {result.period_words}; {result.records:,} records in the store."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="Arial, sans-serif" font-size="13" '
        'role="img">',
        f"<title>{escape(title)}. {escape(period)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="16" y="26" font-size="15" font-weight="bold">{escape(title)}</text>',
        f'<text x="16" y="46">{escape(period)}</text>',
    ]
    if found is not None and found.trajectories:
        lead = "—" if found.median_lead is None else f"{found.median_lead:.0f} days"
        line = (f"Seeded trajectories found before the crisis: {found.found} of "
                f"{found.trajectories} ({found.rate:.0%}); median lead time {lead}")  # fmt: skip
        parts.append(f'<text x="16" y="66">{escape(line)}</text>')
    rows = [("all rules", total), ("to the front door", result.rate(result.to_front_door)), *rates]
    for i, (label, value) in enumerate(rows):
        y = TOP + i * (BAR + GAP)
        colour = ("#0b0c0c", "#505a5f")[i] if i < 2 else "#1d70b8"
        parts += [
            f'<text x="{LEFT - 8}" y="{y + BAR * 0.7:.0f}" text-anchor="end">'
            f"{escape(label)}</text>",
            f'<rect x="{LEFT}" y="{y}" width="{max(1.0, value * scale):.1f}" height="{BAR}" '
            f'fill="{colour}"/>',
            f'<text x="{LEFT + value * scale + 6:.1f}" y="{y + BAR * 0.7:.0f}">{value:.2f}</text>',
        ]
    x = LEFT + ceiling * scale
    bottom = TOP + len(rows) * (BAR + GAP)
    parts += [
        f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{bottom}" stroke="#d4351c" '
        'stroke-width="2" stroke-dasharray="6 4"/>',
        f'<text x="{x + 4:.1f}" y="{bottom + 18}" fill="#d4351c">ceiling {ceiling:g} per 1,000 '
        "children per year (all rules)</text>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"
