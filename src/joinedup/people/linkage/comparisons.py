"""The comparisons of the linkage model, each level written once for SQL and once for Python.

Splink evaluates the SQL (on DuckDB or Spark) when it trains and when it re-links in batch;
online resolution evaluates the Python, against the m and u probabilities Splink trained. A
test checks on generated records that both give the same level for every pair, so the two
cannot drift apart.

Levels are tried in order and the first that holds wins, as in Splink. The design follows what
multi-agency data teaches (shared/design/SPLINK5.md): the household is shared by siblings and
twins, so the address is compared once (postcode, not also its lines), and given names, sex and
trusted identifiers are what tell children of one household apart; `guard` turns their
disagreement into a rule that no weight of household evidence can overturn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jellyfish

Features = dict[str, Any]
Predicate = Callable[[Features, Features], bool]

# Jaro-Winkler: a keying slip, not another name ("Jon"/"John", "Szymańska"/"Szyamńska").
SIMILAR = 0.88


@dataclass(frozen=True, slots=True)
class LevelSpec:
    label: str
    sql: str  # a template: {contains}, {overlaps}, {jw} name the dialect's functions
    test: Predicate
    text: str  # how a practitioner reads it
    null: bool = False
    tf: str | None = None  # adjusted for how common the value is (Splink's term frequencies)


@dataclass(frozen=True, slots=True)
class ComparisonSpec:
    name: str
    title: str
    columns: tuple[str, ...]
    levels: tuple[LevelSpec, ...]

    def level_of(self, a: Features, b: Features) -> int:
        for index, level in enumerate(self.levels):
            if level.test(a, b):
                return index
        raise AssertionError(f"{self.name}: no level matched")  # the last level is always true


DIALECTS = {
    "duckdb": {
        "contains": "list_contains",
        "overlaps": "list_has_any",
        "jw": "jaro_winkler_similarity",
    },
    "spark": {"contains": "array_contains", "overlaps": "arrays_overlap", "jw": "jaro_winkler"},
}


def _jw(x: str | None, y: str | None) -> float:
    if x is None or y is None:
        return 0.0
    return float(jellyfish.jaro_winkler_similarity(x, y))


def _one_edit(x: str | None, y: str | None) -> bool:
    """One letter added, lost or changed, in names of four letters or more ("Noah"/"Niah")."""
    if x is None or y is None or len(x) < 4 or len(y) < 4:
        return False
    return int(jellyfish.levenshtein_distance(x, y)) <= 1


def _similar(x: str | None, y: str | None) -> bool:
    return _jw(x, y) >= SIMILAR or _one_edit(x, y)


def _similar_sql(column: str) -> str:
    left, right = f'"{column}_l"', f'"{column}_r"'
    return (
        f"({{jw}}({left}, {right}) >= {SIMILAR} OR (length({left}) >= 4 AND length({right}) >= 4"
        f" AND levenshtein({left}, {right}) <= 1))"
    )


def _alike_sql(left: str, right: str) -> str:
    """`_similar` between two columns of either side ('"given_l"', '"family_r"')."""
    return (
        f"({{jw}}({left}, {right}) >= {SIMILAR} OR (length({left}) >= 4 AND length({right}) >= 4"
        f" AND levenshtein({left}, {right}) <= 1))"
    )


# A short form keeps the beginning or the end of the full name ("Bart" for "Bartosz", "Seun"
# for "Oluwaseun", "Xander" for "Alexander"): at least this many letters of it.
SHORT_FORM = 3


def _short_form(x: str | None, y: str | None) -> bool:
    if x is None or y is None or x == y:
        return False
    short, full = (x, y) if len(x) < len(y) else (y, x)
    return len(short) >= SHORT_FORM and (full.startswith(short) or full.endswith(short))


def _short_form_sql() -> str:
    ends = " OR ".join(
        f'{side}("{a}", length("{b}")) = "{b}"'
        for side in ("left", "right")
        for a, b in (("given_l", "given_r"), ("given_r", "given_l"))
    )
    return (
        f'(least(length("given_l"), length("given_r")) >= {SHORT_FORM}'
        f' AND "given_l" <> "given_r" AND ({ends}))'
    )


@lru_cache(maxsize=100_000)
def deletions(name: str | None) -> tuple[str, ...]:
    """A name of four letters or more with one letter dropped, each way ("jimm": "jim", "imm",
    "jmm"): a keying slip of a shorter name is one of these, compared as lists overlap."""
    if name is None or len(name) < 4:
        return ()
    return tuple(dict.fromkeys(name[:i] + name[i + 1 :] for i in range(len(name))))


def _form_slip(a: Features, b: Features) -> bool:
    """One given name a slip of a known form of the other: a letter added to a nickname or
    short form ("Jimm" for Jim, a form of James; "Beckky" for Becky, of Rebecca)."""
    return bool(
        set(deletions(a["given"])) & set(b["given_var"] or ())
        or set(deletions(b["given"])) & set(a["given_var"] or ())
    )


def _overlap(x: list[str] | None, y: list[str] | None) -> bool:
    return bool(x) and bool(y) and not set(x).isdisjoint(y)  # type: ignore[arg-type]


def _has(xs: list[str] | None, value: str | None) -> bool:
    return value is not None and bool(xs) and value in xs  # type: ignore[operator]


def _swapped(a: Features, b: Features) -> bool:
    """Given and family names exchanged, each crossing exact or with a slip ("Llloyd William")."""
    return (_has(b["family_all"], a["given"]) or _similar(a["given"], b["family"])) and (
        _has(a["family_all"], b["given"]) or _similar(b["given"], a["family"])
    )


def _null(*columns: str) -> LevelSpec:
    sql = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return LevelSpec(
        "missing",
        sql,
        lambda a, b: any(a[c] is None or b[c] is None for c in columns),
        "not held by one of the records",
        null=True,
    )


def _else(label: str, text: str) -> LevelSpec:
    return LevelSpec(label, "ELSE", lambda a, b: True, text)


def _identifier(name: str, title: str) -> ComparisonSpec:
    return ComparisonSpec(
        name,
        title,
        (name,),
        (
            _null(name),
            LevelSpec(
                "same",
                f'"{name}_l" = "{name}_r"',
                lambda a, b: a[name] == b[name],
                f"the same {title}",
            ),
            _else("different", f"different {title}s"),
        ),
    )


_SWAP_SQL = (
    '({contains}("family_all_r", "given_l") OR ' + _alike_sql('"given_l"', '"family_r"') + ")"
    ' AND ({contains}("family_all_l", "given_r") OR ' + _alike_sql('"given_r"', '"family_l"') + ")"
)

GIVEN = ComparisonSpec(
    "given",
    "given name",
    ("given", "given_all", "given_var", "family", "family_all"),
    (
        _null("given"),
        LevelSpec(
            "exact",
            '"given_l" = "given_r"',
            lambda a, b: a["given"] == b["given"],
            "the same given name",
            tf="given",
        ),
        LevelSpec(
            "equivalent",
            '{overlaps}("given_all_l", "given_all_r") OR {overlaps}("given_all_l", "given_var_r")'
            f' OR {{overlaps}}("given_var_l", "given_all_r") OR {_short_form_sql()}',
            lambda a, b: (
                _overlap(a["given_all"], b["given_all"])
                or _overlap(a["given_all"], b["given_var"])
                or _overlap(a["given_var"], b["given_all"])
                or _short_form(a["given"], b["given"])
            ),
            "a known form of the same given name (a nickname, a short form, a middle name, an"
            " alias, or a spelling seen for the same NHS number or UPN)",
        ),
        LevelSpec(
            "similar",
            _similar_sql("given"),
            lambda a, b: _similar(a["given"], b["given"]),
            "given names that differ by a slip of the keyboard",
        ),
        LevelSpec(
            "a slip of a known form",
            '{overlaps}("given_del_l", "given_var_r") OR {overlaps}("given_del_r", "given_var_l")',
            _form_slip,
            'a given name keyed with a slip of a known form of the other ("Jimm" for Jim, a'
            " form of James)",
        ),
        LevelSpec("swapped", _SWAP_SQL, _swapped, "given and family names the wrong way round"),
        _else("different", "different given names"),
    ),
)

FAMILY = ComparisonSpec(
    "family",
    "family name",
    ("family", "family_all", "given"),
    (
        _null("family"),
        LevelSpec(
            "exact",
            '"family_l" = "family_r"',
            lambda a, b: a["family"] == b["family"],
            "the same family name",
            tf="family",
        ),
        LevelSpec(
            "shared part or previous name",
            '{overlaps}("family_all_l", "family_all_r")',
            lambda a, b: _overlap(a["family_all"], b["family_all"]),
            "one part of a double family name, or a previous family name, in common",
        ),
        LevelSpec(
            "similar",
            _similar_sql("family"),
            lambda a, b: _similar(a["family"], b["family"]),
            "family names that differ by a slip of the keyboard or a lost accent",
        ),
        LevelSpec("swapped", _SWAP_SQL, _swapped, "given and family names the wrong way round"),
        _else("different", "different family names"),
    ),
)


def _dob_swapped(a: Features, b: Features) -> bool:
    return (
        a["dob_o"] is not None
        and b["dob_o"] is not None
        and a["dob_y"] == b["dob_y"]
        and a["dob_m"] == b["dob_d"]
        and a["dob_d"] == b["dob_m"]
    )


def _dob_slip(a: Features, b: Features) -> bool:
    """Full dates a day apart (a birth either side of midnight, a day keyed one out), the year
    one out with day and month the same ("2019-07-09"/"2018-07-09"), or the day's two digits
    exchanged ("2016-07-03"/"2016-07-30"): the common slips, each rare between two children."""
    if a["dob_o"] is None or b["dob_o"] is None:
        return False
    if abs(a["dob_o"] - b["dob_o"]) <= 1:
        return True
    same_y, same_m, same_d = (a[p] == b[p] for p in ("dob_y", "dob_m", "dob_d"))
    if same_m and same_d:
        return bool(abs(a["dob_y"] - b["dob_y"]) == 1)
    x, y = a["dob_d"], b["dob_d"]
    return bool(same_y and same_m and x == (y % 10) * 10 + y // 10)


_DOB_SLIP_SQL = (
    '"dob_o_l" IS NOT NULL AND "dob_o_r" IS NOT NULL AND (abs("dob_o_l" - "dob_o_r") <= 1'
    ' OR ("dob_m_l" = "dob_m_r" AND "dob_d_l" = "dob_d_r" AND abs("dob_y_l" - "dob_y_r") = 1)'
    ' OR ("dob_y_l" = "dob_y_r" AND "dob_m_l" = "dob_m_r"'
    ' AND "dob_d_l" = ("dob_d_r" % 10) * 10 + floor("dob_d_r" / 10)))'
)


def _dob_near(a: Features, b: Features) -> bool:
    if a["dob_o"] is None or b["dob_o"] is None:
        return False
    if abs(a["dob_o"] - b["dob_o"]) <= 1:
        return True
    same = sum(a[part] == b[part] for part in ("dob_y", "dob_m", "dob_d"))
    return bool(same == 2)


def _dob_partial(a: Features, b: Features) -> bool:
    return (
        (a["dob_o"] is None or b["dob_o"] is None)
        and a["dob_y"] == b["dob_y"]
        and (a["dob_m"] is None or b["dob_m"] is None or a["dob_m"] == b["dob_m"])
    )


DOB = ComparisonSpec(
    "dob",
    "date of birth",
    ("dob_y", "dob_m", "dob_d", "dob_o"),
    (
        _null("dob_y"),
        LevelSpec(
            "exact",
            '"dob_o_l" = "dob_o_r"',
            lambda a, b: a["dob_o"] is not None and a["dob_o"] == b["dob_o"],
            "the same date of birth",
        ),
        LevelSpec(
            "day and month swapped",
            '"dob_o_l" IS NOT NULL AND "dob_o_r" IS NOT NULL AND "dob_y_l" = "dob_y_r"'
            ' AND "dob_m_l" = "dob_d_r" AND "dob_d_l" = "dob_m_r"',
            _dob_swapped,
            "the same date of birth with day and month exchanged",
        ),
        LevelSpec(
            "a slip",
            _DOB_SLIP_SQL,
            _dob_slip,
            "dates of birth a day apart, a year apart on the same day, or with the day's two"
            " digits exchanged",
        ),
        LevelSpec(
            "one part different",
            '"dob_o_l" IS NOT NULL AND "dob_o_r" IS NOT NULL AND (abs("dob_o_l" - "dob_o_r") <= 1'
            ' OR (CAST("dob_y_l" = "dob_y_r" AS INT) + CAST("dob_m_l" = "dob_m_r" AS INT)'
            ' + CAST("dob_d_l" = "dob_d_r" AS INT)) = 2)',
            _dob_near,
            "dates of birth with one of day, month or year different",
        ),
        LevelSpec(
            "partial agrees",
            '("dob_o_l" IS NULL OR "dob_o_r" IS NULL) AND "dob_y_l" = "dob_y_r"'
            ' AND ("dob_m_l" IS NULL OR "dob_m_r" IS NULL OR "dob_m_l" = "dob_m_r")',
            _dob_partial,
            "a partial date of birth (year, or month and year) that agrees",
        ),
        _else("different", "different dates of birth"),
    ),
)

SEX = ComparisonSpec(
    "sex",
    "sex",
    ("sex",),
    (
        _null("sex"),
        LevelSpec("same", '"sex_l" = "sex_r"', lambda a, b: a["sex"] == b["sex"], "the same sex"),
        _else("different", "different sexes"),
    ),
)


def _place_missing(a: Features, b: Features) -> bool:
    return (a["pc"] is None or b["pc"] is None) and (a["addr"] is None or b["addr"] is None)


def _same_address(a: Features, b: Features) -> bool:
    """Alike lines with the same house and flat numbers (flats of one block differ in those)."""
    return (
        a["addr"] is not None
        and b["addr"] is not None
        and a["addr_no"] == b["addr_no"]
        and _jw(a["addr"], b["addr"]) >= 0.92
    )


_SAME_ADDRESS_SQL = (
    '("addr_no_l" = "addr_no_r" OR ("addr_no_l" IS NULL AND "addr_no_r" IS NULL))'
    ' AND {jw}("addr_l", "addr_r") >= 0.92'
)

# Postcode and address are one comparison, so that a household is counted once.
PLACE = ComparisonSpec(
    "place",
    "address",
    ("pc", "pcd", "addr", "addr_no"),
    (
        LevelSpec(
            "missing",
            '("pc_l" IS NULL OR "pc_r" IS NULL) AND ("addr_l" IS NULL OR "addr_r" IS NULL)',
            _place_missing,
            "not held by one of the records",
            null=True,
        ),
        LevelSpec(
            "same address",
            f'"pc_l" = "pc_r" AND {_SAME_ADDRESS_SQL}',
            lambda a, b: a["pc"] is not None and a["pc"] == b["pc"] and _same_address(a, b),
            "the same address and postcode",
        ),
        LevelSpec(
            "same postcode",
            '"pc_l" = "pc_r"',
            lambda a, b: a["pc"] is not None and a["pc"] == b["pc"],
            "the same postcode, another address",
        ),
        LevelSpec(
            "same address, other postcode",
            _SAME_ADDRESS_SQL,
            _same_address,
            "the same address with a different or missing postcode",
        ),
        LevelSpec(
            "same district",
            '"pcd_l" = "pcd_r"',
            lambda a, b: a["pcd"] is not None and a["pcd"] == b["pcd"],
            "the same postcode district",
        ),
        _else("different", "postcodes in different districts"),
    ),
)

SCHOOL = ComparisonSpec(
    "school",
    "school",
    ("school",),
    (
        _null("school"),
        LevelSpec(
            "same",
            '"school_l" = "school_r"',
            lambda a, b: a["school"] == b["school"],
            "the same school",
        ),
        _else("different", "different schools"),
    ),
)

ADULTS = ComparisonSpec(
    "adults",
    "adults named with the child",
    ("adults",),
    (
        _null("adults"),
        LevelSpec(
            "shared adult",
            '{overlaps}("adults_l", "adults_r")',
            lambda a, b: _overlap(a["adults"], b["adults"]),
            "an adult named with the child in both records",
        ),
        _else("no shared adult", "no adult named in common"),
    ),
)

NHS = _identifier("nhs", "NHS number")
UPN = _identifier("upn", "unique pupil number")

COMPARISONS: tuple[ComparisonSpec, ...] = (NHS, UPN, GIVEN, FAMILY, DOB, SEX, PLACE, SCHOOL, ADULTS)
GUARDED: tuple[ComparisonSpec, ...] = (NHS, UPN, GIVEN, SEX)  # what `guard` reads


def guard(spec_levels: dict[str, str]) -> str | None:
    """Why a pair must not be linked automatically, from its level labels; None if it may be."""
    shared_id = spec_levels["nhs"] == "same" or spec_levels["upn"] == "same"
    if spec_levels["nhs"] == "different" and spec_levels["upn"] != "same":
        return "different NHS numbers"
    if spec_levels["upn"] == "different" and spec_levels["nhs"] != "same":
        return "different unique pupil numbers"
    if shared_id:
        return None
    if spec_levels["given"] == "different":
        return "different given names: twins or siblings share everything else"
    if spec_levels["sex"] == "different":
        return "different sexes"
    return None


def spell(sql: str, dialect: str) -> str:
    """Identifiers quoted as the dialect quotes them (Spark reads "x" as a string)."""
    return re.sub(r'"(\w+)"', r"`\1`", sql) if dialect == "spark" else sql


def splink_comparison(spec: ComparisonSpec, dialect: str) -> dict[str, Any]:
    """The comparison as a Splink settings dictionary for one SQL dialect."""
    functions = DIALECTS[dialect]
    levels_json: list[dict[str, Any]] = []
    for level in spec.levels:
        entry: dict[str, Any] = {
            "sql_condition": spell(level.sql.format(**functions), dialect),
            "label_for_charts": level.label,
        }
        if level.null:
            entry["is_null_level"] = True
        if level.tf:
            entry["tf_adjustment_column"] = level.tf
            entry["tf_adjustment_weight"] = 1.0
        levels_json.append(entry)
    return {
        "output_column_name": spec.name,
        "comparison_description": spec.title,
        "comparison_levels": levels_json,
    }
