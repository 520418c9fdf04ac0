"""The linkage model's contract with the rest of the people domain (no Splink here).

An `Identity` is one mention's identity as a source held it. The model turns it into
`Features` (a JSON-ready dict, stored beside the person so that candidates are scored without
recomputing), blocking keys (indexed in the store), and compares two feature sets into a
`Comparison`: the Fellegi–Sunter match weight, each comparison's contribution in words, and a
guard when the pair must never be linked automatically (different trusted identifiers, the
signature of twins or siblings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Features = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Identity:
    given_names: str | None = None
    family_name: str | None = None
    other_names: tuple[str, ...] = ()
    date_of_birth: str | None = None  # "YYYY", "YYYY-MM" or "YYYY-MM-DD" as sent
    sex: str | None = None  # F, M, U, I
    nhs_number: str | None = None  # only a number whose check digit passed
    upn: str | None = None  # only a UPN whose check letter passed
    postcode: str | None = None
    address: str | None = None  # address lines joined with ", "
    school_urn: str | None = None
    source_agency: str | None = None
    # For a child: the adults named with them in the same record ("given family" each).
    adults: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Level:
    """One comparison's outcome for a pair and its contribution to the match weight."""

    comparison: str  # e.g. "date_of_birth"
    label: str  # the level, e.g. "day and month swapped"
    weight: float  # log2 Bayes factor: positive is evidence for the same person
    text: str  # in words a practitioner understands


@dataclass(frozen=True, slots=True)
class Comparison:
    match_weight: float
    match_probability: float
    levels: tuple[Level, ...]
    # Why the pair must not be linked automatically, whatever the weight (None: no guard).
    guard: str | None = None
