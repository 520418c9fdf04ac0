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
# Ethnicity (CIN, SSDA903 and Annex A); NOBT when not yet obtained.
ETHNICITY = frozenset(
    {"WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
     "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"}
)  # fmt: skip
NOT_OBTAINED = "NOBT"
# Disability (CIN census); NONE stands alone.
DISABILITY = frozenset(
    {"NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA"}
)
# Why a child has no UPN (CIN accepts UN1–UN7; SSDA903 only UN1–UN5).
UPN_UNKNOWN = frozenset({f"UN{n}" for n in range(1, 8)})
