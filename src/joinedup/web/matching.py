"""How identity matching reads on a page: probabilities, weights and features in plain words.

Presentation only: the people domain decides and scores; this module says what its numbers
mean to a practitioner. The API uses the same words so that both faces agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from joinedup.people.linkage.types import Level
from joinedup.people.views import PersonDetail, ReviewTaskDetail
from joinedup.web.formatting import humanise, partial_date, sex

# What each comparison of the linkage model looked at.
COMPARISON_TITLES = {
    "nhs": "NHS number",
    "upn": "Unique pupil number",
    "given": "Given name",
    "family": "Family name",
    "dob": "Date of birth",
    "sex": "Sex",
    "place": "Address",
    "school": "School",
    "adults": "Adults named with the child",
}

# Weights are log2 Bayes factors: +4 makes "the same person" 16 times more likely, -4 16 times
# less likely; between -1 and +1 (at most twice either way) a comparison says little.
STRONG, SOME = 4.0, 1.0
_STRENGTH = ((0.95, "very strong"), (0.80, "strong"), (0.50, "possible"))


def evidence(weight: float) -> str:
    """A comparison's contribution to the match weight, in words."""
    if weight >= STRONG:
        return "strong evidence for"
    if weight >= SOME:
        return "some evidence for"
    if weight > -SOME:
        return "neutral"
    if weight > -STRONG:
        return "some evidence against"
    return "strong evidence against"


def starting_weight(total: float, levels: Sequence[Level]) -> float:
    """What the total holds besides the comparisons: the prior (two records at random)."""
    return total - sum(level.weight for level in levels)


def strength(probability: float | None) -> str:
    """How likely the two are one person, in a word or two."""
    if probability is None:
        return "not scored"
    for floor, words in _STRENGTH:
        if probability >= floor:
            return words
    return "weak"


def percent(probability: float | None) -> str:
    """`89.6%`; to one decimal place, never rounded up to a certainty it is not."""
    if probability is None:
        return "Not scored"
    shown = min(round(probability * 100, 1), 99.9) if probability < 1 else 100.0
    return f"{shown:.1f}%"


def signed(weight: float | None) -> str:
    """A weight with its sign, `+5.20` or `−1.30` (a true minus sign)."""
    if weight is None:
        return ""
    return f"+{weight:.2f}" if weight >= 0 else f"\u2212{abs(weight):.2f}"


def sentence(text: str) -> str:
    """Words as the start of a sentence: the first letter a capital, the rest untouched."""
    return text[:1].upper() + text[1:]


def comparison_title(name: str) -> str:
    return COMPARISON_TITLES.get(name, name.replace("_", " ").capitalize())


def _words(tokens: Any) -> str | None:
    if not tokens:
        return None
    parts = tokens if isinstance(tokens, list | tuple) else [tokens]
    return " ".join(str(part).title() for part in parts)


def birth_date(features: dict[str, Any]) -> str | None:
    """The compared date of birth as `YYYY[-MM[-DD]]`, to show with `partial_date`."""
    year, month, day = features.get("dob_y"), features.get("dob_m"), features.get("dob_d")
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def postcode(compact: str | None) -> str | None:
    """`ZZ11ZZ` → `ZZ1 1ZZ`."""
    if not compact:
        return None
    compact = compact.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 4 else compact


def identity_fields(features: dict[str, Any]) -> dict[str, str | None]:
    """An identity as the matching compares it (names lower-cased and accents removed there)."""
    return {
        "given": _words(features.get("given_all") or features.get("given")),
        "family": _words(features.get("family_all") or features.get("family")),
        "dob": birth_date(features),
        "sex": features.get("sex"),
        "nhs": features.get("nhs"),
        "upn": features.get("upn"),
        "address": _words(features.get("addr")),
        "postcode": postcode(features.get("pc")),
        "school": features.get("school"),
        "adults": ", ".join(_words(a) or "" for a in features.get("adults") or []) or None,
    }


# How a record came to be linked to its person (the link's method), in words.
METHODS = {
    "new_person": "first record of this person",
    "same_identity": "identical details to an earlier record",
    "previous_version": "an earlier version of the same record",
    "local_id": "the agency's own reference",
    "nhs_number": "the same NHS number",
    "upn": "the same unique pupil number",
    "model": "matched by the linkage model",
    "confirmed": "confirmed by a practitioner",
    "merge": "merged by a practitioner",
    "mother_and_edd": "the same mother and expected date of delivery",
}


def method(code: str) -> str:
    return METHODS.get(code, code.replace("_", " "))


def side_by_side(
    detail: ReviewTaskDetail, candidate: PersonDetail
) -> list[tuple[str, str | None, str | None]]:
    """(what, the new record, the candidate identity it was compared with), row by row."""
    new = detail.mention
    held = identity_fields(detail.compared_with.features) if detail.compared_with else {}
    agencies = sorted({link.agency for link in candidate.links})
    return [
        ("Given names", new.given_names, held.get("given")),
        ("Family name", new.family_name, held.get("family")),
        ("Other names", ", ".join(new.other_names) or None, "Included in the names above"),
        ("Date of birth", partial_date(new.date_of_birth), partial_date(held.get("dob"))),
        ("Sex", sex(new.sex) or None, sex(held.get("sex")) or None),
        ("NHS number", new.nhs_number, held.get("nhs")),
        ("Unique pupil number", new.upn, held.get("upn")),
        ("Address", new.address, held.get("address")),
        ("Postcode", new.postcode, held.get("postcode")),
        ("School (URN)", new.school_urn, held.get("school")),
        (
            "Agency",
            humanise(new.agency),
            ", ".join(humanise(a) for a in agencies) or None,
        ),
    ]
