"""The injection corpus: hostile text for every free-text field the battery can reach.

Each entry is (name, text). Every one must be stored verbatim, shown escaped, and neutralised
in spreadsheet exports; `NUL` is the one that must be refused (422 naming the field).
"""

from __future__ import annotations

SCRIPT = "<script>alert('xss-script')</script>"
IMG = "<img src=x onerror=\"alert('xss-img')\">"
SVG = "<svg/onload=alert('xss-svg')>"
ATTRIBUTE = "\" autofocus onfocus=\"alert('xss-attr')"
TEMPLATE = "{{7*7}} {% if 1 %}jinja{% endif %} ${7*7} #{7*7}"
SQL = "Robert'); DROP TABLE source_records;-- ' OR '1'='1"
FORMULA = "=cmd|' /C calc'!A0"
AT_FORMULA = "@SUM(1+1)"
PLUS_FORMULA = '+HYPERLINK("http://example.invalid","x")'
MINUS_FORMULA = "-2+3+cmd|' /C calc'!A0"
FULL_WIDTH_FORMULA = "\uff1dSUM(1+1)"
CONTROL = "tab\there\rcarriage\x1bescape\x07bell\x7fdel"
RTL = "harmless\u202etxt.exe\u202c and \u2066isolate\u2069"
LONG = ("Lorem ipsum dolor sit amet, " * 400)[:10_000]
NUL = "before\x00after"

CORPUS: list[tuple[str, str]] = [
    ("script", SCRIPT),
    ("img", IMG),
    ("svg", SVG),
    ("attribute", ATTRIBUTE),
    ("template", TEMPLATE),
    ("sql", SQL),
    ("formula", FORMULA),
    ("at-formula", AT_FORMULA),
    ("plus-formula", PLUS_FORMULA),
    ("minus-formula", MINUS_FORMULA),
    ("full-width-formula", FULL_WIDTH_FORMULA),
    ("control", CONTROL),
    ("rtl", RTL),
    ("long", LONG),
]
# The markup that must never reach a page unescaped.
RAW_MARKUP = ["<script>alert(", "<img src=x onerror", "<svg/onload", 'autofocus onfocus="alert']
FORMULAS = [FORMULA, AT_FORMULA, PLUS_FORMULA, MINUS_FORMULA, FULL_WIDTH_FORMULA]
