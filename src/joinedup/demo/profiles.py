"""Identity-noise rates for each kind of agency (reproduced in docs/demo-authority.md).

Assumptions informed by practice, not published statistics: police and the public key names
afresh at every contact and hold few identifiers; health holds NHS numbers; schools hold UPNs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Profile:
    nickname: float  # a nickname instead of the given name
    misspell: float  # per name: a known variant or a keying error
    diacritics: float  # the names held without diacritics
    swap: float  # given and family names the wrong way round
    half_surname: float  # only one half of a double family name
    old_surname: float  # a previous family name still held after a change
    aliases: float  # previous names and aliases listed in other_names
    reenter: float  # each record keys the identity afresh
    dob_missing: float
    dob_partial: float  # year or year-month only
    dob_swap: float  # day and month exchanged
    dob_typo: float  # a day, month or year slip
    nhs: float  # the NHS number is held at all
    nhs_bad: float  # of those held: a wrong check digit
    upn: float  # the UPN is held (pupils only)
    upn_bad: float  # of those held: a wrong check letter
    postcode_typo: float
    stale_address: float  # the previous address, within four months of a move
    address: float  # an address is given at all
    family_missing: float
    sex_unknown: float


# Systems that hold language and ethnicity (DfE codes) for the people they serve.
DEMOGRAPHICS = frozenset({"health", "gp", "school", "csc", "early_help"})

# fmt: off
_NAMES = {  # nickname misspell diacritics swap half_surname old_surname aliases reenter
    "police":     (0.10, 0.07,  0.75, 0.02,  0.35, 0.30, 0.50, 0.35),
    "ambulance":  (0.12, 0.08,  0.80, 0.01,  0.40, 0.30, 0.00, 0.50),
    "health":     (0.02, 0.015, 0.35, 0.005, 0.15, 0.20, 0.20, 0.00),
    "gp":         (0.01, 0.01,  0.20, 0.003, 0.10, 0.15, 0.30, 0.00),
    "school":     (0.08, 0.01,  0.25, 0.003, 0.20, 0.10, 0.40, 0.00),
    "ey":         (0.15, 0.03,  0.40, 0.005, 0.20, 0.20, 0.10, 0.00),
    "housing":    (0.03, 0.03,  0.60, 0.01,  0.30, 0.30, 0.20, 0.00),
    "csc":        (0.03, 0.02,  0.20, 0.003, 0.10, 0.05, 0.70, 0.00),
    "early_help": (0.06, 0.02,  0.30, 0.005, 0.15, 0.10, 0.40, 0.00),
    "probation":  (0.05, 0.03,  0.50, 0.01,  0.20, 0.30, 0.80, 0.00),
    "yjs":        (0.10, 0.02,  0.40, 0.005, 0.20, 0.20, 0.50, 0.00),
    "voluntary":  (0.25, 0.06,  0.60, 0.01,  0.40, 0.40, 0.20, 0.20),
    "other":      (0.30, 0.08,  0.70, 0.01,  0.40, 0.40, 0.00, 0.30),
    "public":     (0.40, 0.15,  0.90, 0.02,  0.50, 0.50, 0.00, 1.00),
}
_BIRTH = {  # date of birth: missing, partial, day-month swap, typo
    "police":     (0.1,  0.04, 0.015, 0.02),
    "ambulance":  (0.15, 0.05, 0.01,  0.02),
    "health":     (0.01, 0.0,  0.003, 0.004),
    "gp":         (0.0,  0.0,  0.002, 0.003),
    "school":     (0.0,  0.0,  0.002, 0.003),
    "ey":         (0.02, 0.02, 0.005, 0.01),
    "housing":    (0.2,  0.1,  0.01,  0.01),
    "csc":        (0.01, 0.0,  0.003, 0.003),
    "early_help": (0.02, 0.0,  0.005, 0.005),
    "probation":  (0.0,  0.0,  0.005, 0.01),
    "yjs":        (0.0,  0.0,  0.005, 0.005),
    "voluntary":  (0.5,  0.2,  0.01,  0.02),
    "other":      (0.6,  0.2,  0.01,  0.02),
    "public":     (1.0,  0.0,  0.0,   0.0),
}
_HELD = {  # nhs, nhs_bad, upn, upn_bad, postcode_typo, stale, address, family_missing, sex_unknown
    "police":     (0.03,  0.05,  0.0,  0.0,   0.04,  0.15, 0.97, 0.0, 0.01),
    "ambulance":  (0.35,  0.02,  0.0,  0.0,   0.05,  0.2,  0.97, 0.0, 0.01),
    "health":     (0.96,  0.006, 0.0,  0.0,   0.01,  0.2,  0.97, 0.0, 0.0),
    "gp":         (0.985, 0.004, 0.0,  0.0,   0.01,  0.25, 0.97, 0.0, 0.0),
    "school":     (0.02,  0.0,   0.97, 0.005, 0.015, 0.1,  0.97, 0.0, 0.0),
    "ey":         (0.1,   0.02,  0.0,  0.0,   0.03,  0.2,  0.97, 0.0, 0.0),
    "housing":    (0.0,   0.0,   0.0,  0.0,   0.02,  0.1,  0.97, 0.0, 0.0),
    "csc":        (0.8,   0.01,  0.5,  0.005, 0.01,  0.05, 0.97, 0.0, 0.0),
    "early_help": (0.3,   0.01,  0.2,  0.005, 0.02,  0.1,  0.97, 0.0, 0.0),
    "probation":  (0.1,   0.02,  0.0,  0.0,   0.03,  0.2,  0.97, 0.0, 0.0),
    "yjs":        (0.3,   0.01,  0.4,  0.005, 0.02,  0.1,  0.97, 0.0, 0.0),
    "voluntary":  (0.0,   0.0,   0.0,  0.0,   0.04,  0.2,  0.6,  0.0, 0.0),
    "other":      (0.0,   0.0,   0.0,  0.0,   0.05,  0.2,  0.5,  0.0, 0.0),
    "public":     (0.0,   0.0,   0.0,  0.0,   0.08,  0.3,  0.9,  0.5, 0.2),
}
# fmt: on

PROFILES: dict[str, Profile] = {
    kind: Profile(*_NAMES[kind], *_BIRTH[kind], *_HELD[kind]) for kind in _NAMES
}
