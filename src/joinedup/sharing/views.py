"""What the sharing services hand to the faces, and the lawful bases a disclosure may rest on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class LawfulBasis:
    code: str
    label: str  # the basis in a sentence, as the register and the form show it
    hint: str  # when it applies


# Safeguarding first: the basis most disclosures by a children's service rest on.
LAWFUL_BASES: tuple[LawfulBasis, ...] = (
    LawfulBasis(
        "safeguarding",
        "Safeguarding: UK GDPR Article 6(1)(e) public task, with the Data Protection Act 2018, "
        "Schedule 1, paragraph 18 (safeguarding of children and of individuals at risk)",
        "To protect a child from harm, where consent cannot be sought or would put them at risk.",
    ),
    LawfulBasis(
        "legal_obligation",
        "Legal obligation: UK GDPR Article 6(1)(c)",
        "A statute requires the disclosure, for example a duty to co-operate with an inquiry.",
    ),
    LawfulBasis(
        "court_order",
        "Court order: UK GDPR Article 6(1)(c), with the Data Protection Act 2018, Schedule 2, "
        "paragraph 5 (disclosure required by law or for legal proceedings)",
        "A court has ordered the disclosure; keep a copy of the order.",
    ),
    LawfulBasis(
        "consent",
        "Consent: UK GDPR Article 6(1)(a), and Article 9(2)(a) for special category data",
        "The person (or someone with parental responsibility) agreed, freely and in writing.",
    ),
)
BASIS_LABELS: dict[str, str] = {b.code: b.label for b in LAWFUL_BASES}


@dataclass(frozen=True, slots=True)
class DisclosureView:
    id: int
    disclosed_at: datetime
    by_label: str
    by_user_id: int | None
    by_role: str
    person_ids: list[int]
    what: str
    details: dict[str, Any]
    entry_count: int
    sha256: str | None
    recipient: str
    purpose: str
    lawful_basis: str

    @property
    def lawful_basis_label(self) -> str:
        return BASIS_LABELS.get(self.lawful_basis, self.lawful_basis)


@dataclass(frozen=True, slots=True)
class DisclosurePage:
    items: list[DisclosureView]
    total: int


# The grounds for a decision not to share (the 2026 Act's duty yields where disclosure would be
# more detrimental to the child; the DPA 2018 exemptions cover the rest).
WITHHOLDING_GROUNDS: tuple[LawfulBasis, ...] = (
    LawfulBasis(
        "more_detrimental",
        "Disclosure would be more detrimental to the child than not sharing "
        "(Children's Wellbeing and Schools Act 2026)",
        "Sharing would put the child at greater risk, for example by alerting an abuser.",
    ),
    LawfulBasis(
        "risk_to_a_person",
        "Disclosure could cause serious harm to a person (Data Protection Act 2018, "
        "Schedule 3, paragraph 5)",
        "A referrer, a neighbour or a family member could be harmed if identified.",
    ),
    LawfulBasis(
        "crime",
        "Disclosure would prejudice the prevention or detection of crime (Data Protection Act "
        "2018, Schedule 2, paragraph 2)",
        "The police have asked that an investigation not be disclosed yet.",
    ),
    LawfulBasis(
        "not_relevant",
        "Not relevant to the child's safety or welfare",
        "What was asked for would not help the recipient keep the child safe.",
    ),
)
GROUND_LABELS: dict[str, str] = {g.code: g.label for g in WITHHOLDING_GROUNDS}


@dataclass(frozen=True, slots=True)
class NonDisclosureView:
    id: int
    decided_at: datetime
    by_label: str
    by_role: str
    person_ids: list[int]
    what: str
    requester: str
    ground: str
    reason: str

    @property
    def ground_label(self) -> str:
        return GROUND_LABELS.get(self.ground, self.ground)


@dataclass(frozen=True, slots=True)
class NonDisclosurePage:
    items: list[NonDisclosureView]
    total: int
