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
TRANSFERRED = "RC5"  # case closed on a transfer to another local authority
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

# -- SSDA903 (RETURNS.md §5.2) --------------------------------------------------------------------

# Category of need on an episode (CIN): N1–N8 (no N0/N9 in the 903).
CATEGORY_OF_NEED = frozenset({f"N{n}" for n in range(1, 9)})
# Who provides the placement; PR0 (parents or a person with parental responsibility) only with P1.
PLACEMENT_PROVIDER = frozenset({f"PR{n}" for n in range(6)})
# Placement types that need no Ofsted URN (rules 218/222): the rest need one.
URN_NOT_NEEDED = frozenset(
    {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
)
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Reason for a change of placement (on the episode that ends, REASON_PLACE_CHANGE).
REASON_PLACE_CHANGE = frozenset(
    {"CARPL", "CLOSE", "ALLEG", "STAND", "CUSTOD", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE",
     "OTHER", "APPRR"}
)  # fmt: skip
# How the child took part in their looked-after review (REVIEW_CODE); PN0 is for under-4s.
REVIEW_PARTICIPATION = frozenset({f"PN{n}" for n in range(8)})
# A missing episode: M missing (whereabouts unknown), A away without authorisation.
MISSING = frozenset({"M", "A"})
# Why a social worker episode began (SW_REASON, validator rule SW13STG1).
SW_REASON = frozenset(
    {"MANAGE", "FCONTA", "LEFTRL", "ORGRST", "TSPROC", "ABSENC", "CHCHAN", "PCCHAN", "SWDIED",
     "OTHERS"}
)  # fmt: skip
# UPN unknown reasons the 903 accepts (rule 168).
UPN_UNKNOWN_903 = frozenset({f"UN{n}" for n in range(1, 6)})
# The child's permanence before this period of care (PrevPerm): Z1 none, else with an LA and date.
PREVIOUS_PERMANENCE = frozenset({"P1", "P2", "P3", "P4", "Z1"})
# Why a child looked after 12 months has no SDQ score (OC2 SDQ_REASON).
SDQ_REASON = frozenset({"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"})
# Why a decision that a child should be placed for adoption was reversed (REASON_PLACED_CEASED).
REASON_PLACED_CEASED = frozenset({"RD1", "RD2", "RD3", "RD4"})
# AD1: the adopters' sexes and legal status; the reasons an episode ends in an adoption.
ADOPTERS_SEX = frozenset({"M1", "F1", "MM", "FF", "MF"})
ADOPTERS_LEGAL_STATUS = frozenset({"L0", "L11", "L12", "L2", "L3", "L4"})
ADOPTED = frozenset({"E11", "E12"})
# A special guardianship order to former foster carers (E45 relatives, E46 others) ends care
# from a foster placement (U1-U6): the carers are the child's foster carers (rule 516).
SGO_TO_FOSTER_CARERS = frozenset({"E45", "E46"})
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
# SSDA903 OC3, care leavers (RETURNS.md §5.2): in touch, activity, accommodation (a letter, then
# 1 suitable or 2 not; no fixed abode and custody are never suitable, rule 133).
IN_TOUCH = frozenset({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"})
NOT_IN_TOUCH_NO_DETAILS = frozenset({"DIED", "RHOM"})  # activity, accommodation 0 (rule 344)
ACTIVITY = frozenset({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6"})
ACCOMMODATION = frozenset("BCDEGHKRSTUVWXYZ")
NEVER_SUITABLE = frozenset({"S", "X"})
