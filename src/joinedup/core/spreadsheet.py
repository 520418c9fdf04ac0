"""Spreadsheet formula injection ("CSV injection"), neutralised in one place for every export.

A cell a person typed can reach Excel or LibreOffice through a CSV or XLSX export; one that
begins with `=`, `+`, `-` or `@` (or a tab, carriage return or line feed, or the full-width
forms of those signs, which some spreadsheets also accept) may be run as a formula. OWASP's
advice: prefix such a cell with an apostrophe, so it is shown as the text it is. A number
stays a number: `-3` or `+1.5` is left alone, since a plain number cannot run anything.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: str) -> str:
    """The cell as text a spreadsheet will not run: a formula's first sign gets a leading `'`."""
    if not value.startswith(FORMULA_STARTS) or _NUMBER.fullmatch(value):
        return value
    return "'" + value


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet could read the text as a formula (what `neutralise` prevents)."""
    return value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value)


# XML 1.0, and so an XLSX file, cannot hold these control characters at all (openpyxl refuses
# them); they are shown as U+FFFD, the replacement character, so a reader sees one was there.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def needs_care(value: str) -> bool:
    """Whether a text needs `workbook_text` before it goes into a workbook."""
    return is_formula_like(value) or _NOT_IN_XML.search(value) is not None


def workbook_text(value: str) -> str:
    """A cell's text for an XLSX workbook: neutralised, and without characters XML forbids."""
    return _NOT_IN_XML.sub(REPLACEMENT, neutralise(value))
