"""DfE code lists (CIN census and SSDA903), stored as the values themselves.

See RETURNS.md §4.2 and §5.2.
"""

from __future__ import annotations

REFERRAL_SOURCES = frozenset(
    {
        "1A",
        "1B",
        "1C",
        "1D",
        "2A",
        "2B",
        "3A",
        "3B",
        "3C",
        "3D",
        "3E",
        "3F",
        "4",
        "5A",
        "5B",
        "5C",
        "5D",
        "6",
        "7",
        "8",
        "9",
        "10",
    }
)
PRIMARY_NEED = frozenset({"N0", "N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9"})
CATEGORY_OF_ABUSE = frozenset({"NEG", "PHY", "EMO", "SAB", "MUL"})
REASON_FOR_CLOSURE = frozenset({f"RC{n}" for n in range(1, 10)})
LEGAL_STATUS = frozenset(
    {"C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"}
)
# SSDA903 reason an episode of care ceased (REC).
REASON_CEASED = frozenset(
    {"X1", "E11", "E12", "E2", "E3", "E4A", "E4B", "E13", "E41", "E45", "E46", "E47", "E48",
     "E5", "E6", "E7", "E9", "E14", "E15", "E16", "E17", "E8"}
)  # fmt: skip
