"""Ofsted Annex A: each list's sheet, its columns in order, and the template's labelled values.

Column names are those of the Annex A template as liia-tools reads it
(`liiatools/annex_a_pipeline/spec/Annex_A_schema.yml`, the source RETURNS.md §6 cites; where
RETURNS.md abbreviates a heading, e.g. "Was an ICPC deemed unnecessary?", the full heading is
used). Labelled values follow the same source; the letters run in the order of the DfE code
tables (RETURNS.md §4.2 and §5.2). Two departures, both documented in docs/returns-annex-a.md:
ethnicity NOBT is `t) NOBT` (the letter after `s) REFU`, as D2I's Annex A extract writes it),
and source 5D (early help, added to the DfE list after the template's letters were fixed) is
`p1) 5D: LA services`, so that `u) 10: Unknown` keeps its letter.
"""

from __future__ import annotations

from string import ascii_lowercase

COMMON = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")
DISABILITY = "Does the Child have a Disability"
ALLOCATED = ("Allocated Team", "Allocated Worker")

LIST1 = (*COMMON, "Date of Contact", "Contact Source")
LIST2 = (*COMMON, "Assessment start date", "Assessment completion date",
         "Organisation completing assessment")  # fmt: skip
LIST3 = (*COMMON, "Date of referral", "Referral Source", "Referral NFA?",
         "Number of Referrals in Last 12 Months", *ALLOCATED)  # fmt: skip
LIST4 = (*COMMON, DISABILITY, "Continuous Assessment Start Date",
         "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
         "Was the child assessed as requiring LA children's social care support?",
         *ALLOCATED)  # fmt: skip
LIST5 = (*COMMON, DISABILITY, "Strategy discussion initiating Section 47 Enquiry Start Date",
         "Was an Initial Child Protection Conference deemed unnecessary?",
         "Date of Initial Child Protection Conference",
         "Did the Initial Child Protection Conference Result in a Child Protection Plan",
         "Number of Section 47 Enquiries in the last 12 months",
         "Number of ICPCs in the last 12 months", *ALLOCATED)  # fmt: skip
LIST6 = (*COMMON, DISABILITY, "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
         "CIN Closure Date", "Reason for Closure", "Case Status", *ALLOCATED)  # fmt: skip
LIST7 = (*COMMON, DISABILITY, "Child Protection Plan Start Date", "Initial Category of Abuse",
         "Latest Category of Abuse", "Date of the Last Statutory Visit",
         "Was the Child Seen Alone?", "Date of latest review conference",
         "Child Protection Plan End Date",
         "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
         "Months (Y/N)",
         "Number of Previous Child Protection Plans", *ALLOCATED)  # fmt: skip
MISSING_COUNT = ("Number of Episodes the Child has been 'Missing' from their Placement in the "
                 "last 12 months")  # fmt: skip
ABSENT_COUNT = ("Number of Episodes the Child has been 'Absent' from their Placement in the "
                "last 12 months")  # fmt: skip
LIST8 = (*COMMON, "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
         DISABILITY, "Date Started to be Looked After", "Child's Category of Need",
         "Is this a second or subsequent period of being a Looked After Child within the last "
         "12 months (Y/N)",
         "Start date of current legal status", "Child's Legal Status",
         "Date of Latest Statutory Review", "Date of Last Social Work Visit",
         "What is the permanence plan for this child?",
         "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment",
         "Date of Last Dental Check", "Number of Placements in the Last 12 months",
         "Date Ceased to be Looked After", "Reason Ceased to be Looked After",
         "Start Date of Most Recent Placement", "Placement Type", "Placement Provider",
         "Placement postcode", "URN of Placement", "Placement Location", "LA of Placement",
         MISSING_COUNT, ABSENT_COUNT,
         "Was the child offered a Return Interview after their last missing episode (Y/N)?",
         "Did the child accept a Return Interview after their last missing episode (Y/N)?",
         *ALLOCATED)  # fmt: skip
LIST9 = (*COMMON, "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over "
         "(Y/N)", DISABILITY, *ALLOCATED, "Allocated Personal Advisor", "Eligibility Category",
         "Latest Pathway Plan Review Date", "LA in Touch", "Latest Date of Contact",
         "Type of Accommodation", "Suitability of Accommodation", "Activity Status")  # fmt: skip
LIST10 = ("Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
          "Age of Child (Years)", DISABILITY, "Date the Child Entered Care",
          "Date of Decision that Child Should be Placed for Adoption", "Date of Placement Order",
          "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
          "Date of Adoption Order",
          "Date of Decision that Child Should No Longer be Placed for Adoption",
          "Reason Why Child No Longer Placed for Adoption",
          "Date the child was placed for fostering in FFA or concurrent planning placement"
          )  # fmt: skip
LIST11 = ("Individual adopter identifier", "Family identifier", "Gender", "Ethnicity",
          "Disability", "Is the (prospective) adopter fostering for adoption?",
          "Date enquiry received", "Date Stage 1 started", "Date Stage 1 ended",
          "Date Stage 2 started", "Date Stage 2 ended", "Date application submitted",
          "Date application approved", "Date adopter matched with child(ren)",
          "Date child/children placed with adopter(s)", "No. of children placed",
          "Date of Adoption Order", "Date of leaving adoption process",
          "Reason for leaving adoption process")  # fmt: skip

# (sheet name, columns), List 1 to List 11.
SHEETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("List 1 Contacts", LIST1),
    ("List 2 Early help", LIST2),
    ("List 3 Referrals", LIST3),
    ("List 4 Assessments", LIST4),
    ("List 5 Section 47", LIST5),
    ("List 6 Children in need", LIST6),
    ("List 7 Child protection", LIST7),
    ("List 8 Children in care", LIST8),
    ("List 9 Care leavers", LIST9),
    ("List 10 Adoption", LIST10),
    ("List 11 Adopters", LIST11),
)


def _lettered(pairs: list[tuple[str, str]]) -> dict[str, str]:
    return {code: f"{ascii_lowercase[i]}) {text}" for i, (code, text) in enumerate(pairs)}


YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
GENDER = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}  # d) Neither: not held
ETHNICITY = _lettered([(c, c) for c in (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT")])  # fmt: skip
_SOURCE_GROUPS = (
    ("Individual", ("1A", "1B", "1C", "1D")),
    ("Schools", ("2A",)),
    ("Education services", ("2B",)),
    ("Health services", ("3A", "3B", "3C", "3D", "3E", "3F")),
    ("Housing", ("4",)),
    ("LA services", ("5A", "5B", "5C")),
    ("Police", ("6",)),
    ("Other legal agency", ("7",)),
    ("Other", ("8",)),
    ("Anonymous", ("9",)),
    ("Unknown", ("10",)),
)
SOURCE = _lettered([(code, f"{code}: {group}") for group, codes in _SOURCE_GROUPS
                    for code in codes])  # fmt: skip
SOURCE["5D"] = "p1) 5D: LA services"
PRIMARY_NEED = {
    "N1": "N1 - Abuse or neglect",
    "N2": "N2 - Child's disability",
    "N3": "N3 - Parental disability or illness",
    "N4": "N4 - Family in acute stress",
    "N5": "N5 - Family dysfunction",
    "N6": "N6 - Socially unacceptable behaviour",
    "N7": "N7 - Low income",
    "N8": "N8 - Absent parenting",
    "N9": "N9 - Cases other than children in need",
    "N0": "N0 - Not stated",
}
CLOSURE = {
    "RC1": "RC1 - Adopted",
    "RC2": "RC2 - Died",
    "RC3": "RC3 - Child arrangements order",
    "RC4": "RC4 - Special guardianship order",
    "RC5": "RC5 - Transferred to services of another local authority",
    "RC6": "RC6 - Transferred to adult social care services",
    "RC7": "RC7 - Services ceased for any other reason, including child no longer in need",
    "RC8": "RC8 - Case closed after assessment, no further action",
    "RC9": "RC9 - Case closed after assessment, referred to early help",
}
LOOKED_AFTER, CP_PLAN, CIN_PLAN, OPEN_ASSESSMENT, CLOSED_EPISODE = (
    "a) Looked after child",
    "b) Child Protection plan",
    "c) Child in need plan",
    "d) Open assessment",
    "e) Closed episode",
)
ABUSE = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}
LEGAL_STATUS = {
    "C1": "C1: ICO",
    "C2": "C2: FCO",
    "D1": "D1: Freeing order",
    "E1": "E1: Placement order",
    "V2": "V2: Single period under S20",
    "V3": "V3: Short term breaks, episodes recorded",
    "V4": "V4: Short term breaks, agreements recorded",
    "L1": "L1: Police protection LA accommodation",
    "L2": "L2: EPO",
    "L3": "L3: Child assessment order LA accommodation",
    "J1": "J1: Remanded to LA or youth detention",
    "J2": "J2: LA accommodation under PACE",
    "J3": "J3: Youth rehabilitation order",
}
REASON_CEASED = _lettered([
    ("E11", "E11: Adopted - application unopposed"),
    ("E12", "E12: Adopted - consent dispensed"),
    ("E2", "E2: Died"),
    ("E3", "E3: Care taken by another LA"),
    ("E4A", "E4A: Returned home to live with parents or relatives - part of planning"),
    ("E4B", "E4B: Returned home to live with parents or relatives - not part of planning"),
    ("E13", "E13: Parents, relatives or other with no parental responsibility"),
    ("E41", "E41: Residence order granted"),
    ("E45", "E45: Special Guardianship Orders - former carer relative/friend"),
    ("E46", "E46: Special Guardianship Orders - former carer other"),
    ("E47", "E47: Special Guardianship Orders - relative/friend"),
    ("E48", "E48: Special Guardianship Orders - other"),
    ("E5", "E5: Moved into independent living - supported"),
    ("E6", "E6: Moved into independent living - no support"),
    ("E7", "E7: Transferred to residential care funded by adult social services"),
    ("E9", "E9: Sentenced to custody"),
    ("E14", "E14: Accommodation on remand ended"),
    ("E15", "E15: Age assessment determined child was 18 or over"),
    ("E16", "E16: Child moved abroad"),
    ("E8", "E8: Care ceased for any other reason"),
    ("X1", "X1: CodeError"),
    ("E17", "E17: Aged 18+ and remained with current carers"),
])  # fmt: skip
# The 2023 template's placement types; K3 and Z11–Z14 (2025-26) are not in it: written as codes.
PLACEMENT_TYPE = {
    **_lettered([
        ("U1", "U1: Foster placement - relatives - long term"),
        ("U2", "U2: Foster placement - relative - FFA"),
        ("U3", "U3: Foster placement - relative - not FFA"),
        ("U4", "U4: Foster placement - long term"),
        ("U5", "U5: Foster placement - FFA"),
        ("U6", "U6: Foster placement - not FFA"),
        ("A3", "A3: Placed for adoption - consent - current foster"),
        ("A4", "A4: Placed for adoption - consent - not foster"),
        ("A5", "A5: Placed for adoption - order - foster"),
        ("A6", "A6: Placed for adoption - order - not foster"),
        ("P1", "P1: Placed with parents"),
        ("P2", "P2: Independent living"),
        ("P3", "P3: Residential employment"),
        ("H5", "H5: Residential accommodation"),
        ("K1", "K1: Secure Children's Homes"),
        ("K2", "K2: Children's Homes"),
        ("R1", "R1: Residential Care Home"),
        ("R2", "R2: NHS/Health Trust"),
        ("R3", "R3: Family Centre or Mother and Baby Unit"),
        ("R5", "R5: Young Offender Institution"),
        ("S1", "S1: Residential school"),
        ("Z1", "Z1: Other placements"),
        ("T0", "T0: Temporary placement"),
        ("T1", "T1: Temporary placement - hospital"),
        ("T2", "T2: Temporary placement - holiday"),
        ("T3", "T3: Temporary placement - carer holiday"),
    ]),
    "T4": "zz) T4: Temporary placement - seven days or less",
}  # fmt: skip
NO_LONGER_PLACED = {
    "RD1": "RD1 - The child\u2019s needs changed subsequent to the decision",
    "RD2": "RD2 - The Court did not make a placement order",
    "RD3": "RD3 - Prospective adopters could not be found",
    "RD4": "RD4 - Any other reason",
}
PLACEMENT_PROVIDER = _lettered([
    ("PR0", "PR0: Parents/Parental responsibility"),
    ("PR1", "PR1: Own provision"),
    ("PR2", "PR2: Other LA provision"),
    ("PR3", "PR3: Other public provision"),
    ("PR4", "PR4: Private provision"),
    ("PR5", "PR5: Voluntary/third sector"),
])  # fmt: skip


def label(table: dict[str, str], code: str | None) -> str | None:
    """The template's label for `code`; a code the template lacks as itself; None stays None."""
    if code is None or code == "":
        return None
    return table.get(code, code)


def yes_no(value: bool | None) -> str:
    return UNKNOWN if value is None else (YES if value else NO)
