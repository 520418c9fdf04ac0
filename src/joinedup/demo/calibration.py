"""Rates that shape the synthetic authority, with their sources.

Tiers are the household's level of need: 0 universal, 1 vulnerable (early help), 2 in need,
3 high need. Tuples are indexed by tier. National figures are for England; see
docs/demo-authority.md for the publications. Values marked "assumption" have no national
statistic behind them and are chosen to give plausible volumes.
"""

from __future__ import annotations

# --- population (ONS births and families; assumptions where noted) ---
TIER_SHARES = (0.78, 0.13, 0.07, 0.02)  # assumption, tuned to the DfE referral rate
CHILDREN_PER_FAMILY = (  # weights for 1..5 children (ONS Families and households, shape)
    (45, 36, 13, 4.5, 1.5),
    (40, 35, 16, 6, 3),
    (35, 33, 19, 8, 5),
    (30, 32, 21, 10, 7),
)
TWINS = 0.016  # ONS Births in England and Wales: ~15 multiple maternities per 1,000
TRIPLETS = 0.0004  # above the true rate (~0.01%) so small runs see one occasionally
MOTHER_AGE_AT_FIRST = ((29.5, 5.0), (26.0, 5.0), (24.0, 4.5), (22.0, 4.0))  # ONS: mean ~29
COUPLE = (0.78, 0.55, 0.42, 0.32)  # ONS: ~23% of families with children are lone-parent
SEPARATION = (0.02, 0.05, 0.08, 0.12)  # per couple-year (assumption)
NEW_PARTNER = (0.06, 0.10, 0.15, 0.22)  # per lone-parent-year (assumption)
PARTNER_LEAVES = 0.2  # per year (assumption)
PARTNER_VIOLENT = (0.03, 0.10, 0.30, 0.50)  # new partner with a history of violence
FATHER_VIOLENT = (0.01, 0.04, 0.15, 0.30)
MOTHER_RISKS = {
    "mental_health": (0.04, 0.12, 0.28, 0.45),
    "substance_misuse": (0.01, 0.05, 0.15, 0.35),
    "learning_disability": (0.005, 0.02, 0.05, 0.08),
}
FATHER_RISKS = {
    "mental_health": (0.03, 0.08, 0.15, 0.25),
    "substance_misuse": (0.03, 0.10, 0.25, 0.45),
}
STEP_NAME_CHANGE = 0.25  # a new partner marries the mother and the names change
GRANDPARENT = {"pakistani": 0.12, "bengali": 0.12, "indian": 0.10}  # else 0.03
LA_MOVE_RATE = 0.03  # households moving between authorities per year (ONS internal migration)
HOME_MOVE_RATE = 0.07  # moves within the authority per year (English Housing Survey, shape)
MOBILITY = (1.0, 1.4, 1.9, 2.6)

# --- children's social care (DfE Characteristics of children in need 2024; CLA 2024) ---
REFERRAL_RATE = (0.011, 0.10, 0.44, 1.1)  # family referral episodes per year, none open
BURN_IN_YEARS = 10  # episodes start before the history so that 31 March stocks are right
NFA_AT_REFERRAL = 0.07  # DfE 2023: 7.1% of referrals no further action
NOT_IN_NEED = 0.30  # DfE 2023: 29.9% assessed as not in need
STRATEGY = (0.10, 0.16, 0.30, 0.45)  # strategy discussion after a referral
SECTION47_AFTER_STRATEGY = 0.85
ICPC_AFTER_S47 = (0.25, 0.33, 0.42, 0.55)  # DfE 2020: 64 ICPCs vs 167 s47s per 10,000
PLAN_AT_ICPC = 0.88
CP_PLAN_MEDIAN_DAYS = 300  # DfE: most plans end within a year
CLA_FROM_CP = (0.05, 0.10, 0.20, 0.36)
CLA_DIRECT = (0.007, 0.014, 0.05, 0.13)  # emergency or s20 accommodation from an assessment
CIN_MEDIAN_DAYS = 200  # DfE 2024: almost half of episodes last 3 months or less
CIN_ESCALATE = 0.06
VISIT_DAYS = {"cin": 28, "cp": 14, "cla": 42}  # CP: 10 working days (local default)
NOT_SEEN = (0.04, 0.06, 0.10, 0.15)
CONTACT_RATE = (0.022, 0.17, 0.45, 0.75)  # contacts not becoming referrals, per family-year
# The generator draws referral sources with its own codes (below: "7" police, "6" another
# authority, "4" a council service, 5A-5D courts, probation, prison, other legal agencies);
# what it writes are the CIN census codes of RETURNS.md. Kept apart so that the draws, and so
# every partner's record, stay as they were.
DFE_SOURCE = {"7": "6", "6": "5C", "5A": "7", "5B": "7", "5C": "7", "5D": "7"}
REFERRAL_SOURCES = {  # generator codes; shares approximating DfE 2024 table C1
    "1A": 4.5,
    "1B": 1.0,
    "1C": 1.5,
    "1D": 1.0,
    "2A": 20.0,
    "2B": 1.0,
    "3A": 2.5,
    "3B": 2.0,
    "3C": 0.5,
    "3D": 2.0,
    "3E": 2.5,
    "3F": 5.0,
    "4": 10.0,
    "5A": 1.0,
    "5B": 1.0,
    "5C": 0.2,
    "5D": 1.0,
    "6": 3.0,
    "7": 29.0,
    "8": 5.0,
    "9": 2.0,
    "10": 0.8,
}
CATEGORY_OF_ABUSE = {"NEG": 50.0, "EMO": 36.0, "PHY": 7.0, "SAB": 4.0, "MUL": 3.0}
# SSDA903 legal status at the start of a period of care (DfE CLA 2024: most start on an
# interim care order or s20 accommodation; remands and police protection are a minority).
CLA_STATUS_FROM_PLAN = {"C1": 65.0, "V2": 20.0, "L2": 5.0, "C2": 5.0, "E1": 5.0}
CLA_STATUS_EMERGENCY = {"L1": 45.0, "C1": 40.0, "L2": 15.0}
CLA_STATUS_TEEN = {"V2": 60.0, "J1": 15.0, "J2": 10.0, "J3": 5.0, "C1": 10.0}

# --- partner agencies (per child-year unless stated) ---
ED_RATE_BY_AGE = ((1, 0.65), (5, 0.45), (15, 0.26), (18, 0.42))  # NHS A&E activity shape
URGENT_CARE_RATE = 0.12
TIER_HEALTH = (1.0, 1.3, 1.6, 2.0)
WNB_RATE = (0.05, 0.12, 0.35, 0.6)  # was-not-brought, per child-year
DA_RATE = (0.008, 0.06, 0.22, 0.55)  # police DA incidents per household-year (couple present)
DA_VIOLENT_MULT = 3.0
SUSPENSION_RATE = (0.10, 0.28, 0.65, 1.1)  # DfE 2022/23: 9.3 per 100 pupils (concentrated)
PERMANENT_EXCLUSION = (0.0006, 0.002, 0.007, 0.015)
SCHOOL_CONCERN = (0.015, 0.12, 0.35, 0.7)
EHE_START = (0.002, 0.006, 0.015, 0.03)  # DfE EHE statistics: ~1.2% of pupils at a time
CME_RATE = (0.001, 0.004, 0.01, 0.03)
ABSENCE_MULT = (1.0, 1.5, 2.1, 2.8)  # DfE: FSM pupils persistently absent twice as often
ANONYMOUS_RATE = (0.002, 0.012, 0.035, 0.06)  # per household-year
HOUSING_RATE = (0.004, 0.05, 0.12, 0.2)  # per household-year
MISSING_TEEN_RATE = (0.002, 0.02, 0.15, 0.45)  # missing episodes per teenager-year
