"""The human-readable form of a subject access export: one self-contained HTML page, every
value escaped, no script, sections in the order of the JSON."""

from __future__ import annotations

from html import escape
from typing import Any

import orjson

TITLES = {
    "identities": "Names, dates of birth and identifiers",
    "addresses": "Addresses",
    "relationships": "Relationships",
    "records": "Records from every agency",
    "chronology": "Chronology",
    "contacts": "Contacts with the front door",
    "information_requests": "Requests for information from partners",
    "cases": "Casework",
    "prompts": "Prompts raised by the system",
    "sharing": "Information shared, and decisions not to share",
    "access_log": "Who accessed these records",
}


def render(document: dict[str, Any]) -> str:
    manifest = document["manifest"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>Subject access export: person {int(manifest['person_id'])}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #b1b4b6;padding:4px;"
        "vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:0}</style>",
        "</head><body>",
        f"<h1>Subject access export: person {int(manifest['person_id'])}</h1>",
        f"<p>Produced {escape(manifest['produced_at'])} by {escape(manifest['produced_by'])}. "
        f"{escape(manifest['review'])}</p>",
        "<h2>What was withheld, and why</h2>",
        _table(
            [
                {"reason": k, "why": manifest["withheld_because"][k], "count": v}
                for k, v in manifest["withheld"].items()
            ]
        ),
    ]
    for name, title in TITLES.items():
        rows = document.get(name, [])
        parts.append(f"<h2>{escape(title)} ({len(rows)})</h2>")
        parts.append(_table(rows) if rows else "<p>None held.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _table(rows: list[dict[str, Any]]) -> str:
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return f"<pre>{escape(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())}</pre>"
    return escape(str(value))
