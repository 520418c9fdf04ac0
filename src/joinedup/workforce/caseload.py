"""Caseload arithmetic: pure functions of open cases, posts and the authority's weights and cap.

A child counts once for the account that holds their open case. The *weighted* load multiplies
each child by the weight of their kind of case (`KIND_OF_STAGE`); loads per FTE divide by the
post's FTE. The cap is in children per FTE (default 18): a post of 0.5 FTE is capped at 9.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

CHILD_PROTECTION, LOOKED_AFTER, CHILD_IN_NEED, ASSESSMENT = (
    "child_protection",
    "looked_after",
    "child_in_need",
    "assessment",
)
KINDS = {
    CHILD_PROTECTION: "Child protection (enquiry, conference or plan)",
    LOOKED_AFTER: "Looked after",
    CHILD_IN_NEED: "Child in need",
    ASSESSMENT: "Assessment",
}
# A section 47 enquiry and the wait for its conference are child protection work.
KIND_OF_STAGE = {
    "assessment": ASSESSMENT,
    "section47": CHILD_PROTECTION,
    "awaiting_conference": CHILD_PROTECTION,
    "child_protection": CHILD_PROTECTION,
    "child_in_need": CHILD_IN_NEED,
    "looked_after": LOOKED_AFTER,
}
ROLES = {
    "social_worker": "Social worker",
    "senior_practitioner": "Senior practitioner",
    "team_manager": "Team manager",
    "family_support": "Family support worker",
}
CASE_HOLDING = frozenset({"social_worker", "senior_practitioner"})


@dataclass(frozen=True)
class Weights:
    child_protection: float = 1.5
    looked_after: float = 1.25
    child_in_need: float = 1.0
    assessment: float = 1.0

    def of(self, stage: str) -> float:
        return float(getattr(self, KIND_OF_STAGE.get(stage, ASSESSMENT)))


@dataclass(frozen=True)
class Post:
    """A filled, case-holding post (what the arithmetic needs; no personal data). A post with
    no account holds the cases allocated by its name."""

    worker_id: int
    user_id: int | None
    label: str
    team: str
    fte: float
    contract: str = "permanent"


@dataclass(frozen=True)
class OpenCase:
    case_id: int
    person_id: int
    stage: str
    user_id: int | None
    referral_on: date
    label: str | None = None  # the name it is allocated by, when not to an account


@dataclass(frozen=True)
class Load:
    post: Post
    children: int
    weighted: float
    cap: float
    by_kind: dict[str, int]

    @property
    def per_fte(self) -> float:
        return self.children / self.post.fte if self.post.fte else float("inf")

    @property
    def weighted_per_fte(self) -> float:
        return self.weighted / self.post.fte if self.post.fte else float("inf")

    @property
    def spare(self) -> float:
        return self.cap - self.children

    def breaks_cap(self, extra: int = 1) -> bool:
        """Whether `extra` more children would take the post over its cap."""
        return self.children + extra > self.cap


def cap_of(fte: float, cap_per_fte: float) -> float:
    return round(fte * cap_per_fte, 2)


def loads(
    posts: Iterable[Post], cases: Iterable[OpenCase], weights: Weights, cap_per_fte: float
) -> list[Load]:
    """Each post's count, weighted load and cap from the open cases its account holds."""
    held: dict[int | str, list[OpenCase]] = {}
    for c in cases:
        key = c.user_id if c.user_id is not None else c.label
        if key is not None:
            held.setdefault(key, []).append(c)
    result = []
    for post in posts:
        mine = held.get(post.user_id if post.user_id is not None else post.label, [])
        by_kind: dict[str, int] = {}
        for c in mine:
            kind = KIND_OF_STAGE.get(c.stage, ASSESSMENT)
            by_kind[kind] = by_kind.get(kind, 0) + 1
        weighted = round(sum(weights.of(c.stage) for c in mine), 2)
        result.append(Load(post, len(mine), weighted, cap_of(post.fte, cap_per_fte), by_kind))
    return result


@dataclass(frozen=True)
class Suggestion:
    load: Load
    continuity: bool  # holds a sibling's (or a household member's) open case
    over_cap: bool  # one more child would break the cap


def suggestions(
    candidates: Sequence[Load], continuity: frozenset[int], absent: frozenset[int] = frozenset()
) -> list[Suggestion]:
    """Who could take a child, best first: a sibling's worker first, then the most spare
    capacity (by weighted load per FTE to break ties), then the account name. Absent accounts
    and posts with no FTE or no account (nobody to allocate to) are left out."""
    usable = [c for c in candidates if c.post.fte > 0 and c.post.user_id is not None
              and c.post.user_id not in absent]  # fmt: skip
    ranked = sorted(
        usable,
        key=lambda c: (c.post.user_id not in continuity, -c.spare, c.weighted_per_fte,
                       c.post.label),
    )  # fmt: skip
    return [Suggestion(c, c.post.user_id in continuity, c.breaks_cap()) for c in ranked]


def waiting_days(referral_on: date, today: date) -> int:
    """Calendar days a child has waited since the referral (never negative)."""
    return max((today - referral_on).days, 0)


def distribution(values: Iterable[float], edges: Sequence[float]) -> list[int]:
    """How many values fall in each band [edges[i], edges[i+1]); the last band is open-ended."""
    counts = [0] * len(edges)
    for v in values:
        band = 0
        for i, edge in enumerate(edges):
            if v >= edge:
                band = i
        counts[band] += 1
    return counts
