"""Drawing an audit sample: stratified, random or risk-weighted, and reproducible from a seed.

The algorithm (docs/quality.md, "How the sample is drawn"):

1. The population is every case open on the day of the draw and every case closed within the
   look-back (default 90 days), each in one *stratum* by where it is on the pathway: looked after,
   child protection, child in need, assessment (including section 47 enquiries and cases awaiting
   a conference), and recently closed.
2. The sample's size is shared between the strata in proportion to their sizes by the largest
   remainder method (Hamilton): each stratum gets the whole part of its share, and the cases left
   go to the largest fractional parts (ties to the stratum first in `STRATA`). So each stratum's
   count differs from its exact proportional share by less than one case.
3. Within a stratum every case gets a number in (0, 1) from SHA-256 of the round's seed and the
   case id: `u = (int(sha256(f"{seed}:{case_id}")[:16 hex]) + 1) / (2**64 + 1)`. A random draw
   takes the cases with the largest `u`; a risk-weighted draw takes the largest `u ** (1 / w)`
   (Efraimidis and Spirakis' weighted sampling without replacement), where the weight `w` is
   1 plus the case's overdue steps (at most 4 counted), so a case with overdue work is up to
   five times as likely to be chosen as one without.

The same seed over the same population gives the same sample, whatever order the cases are read
in; a case's number does not depend on which other cases are in the population.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

STRATA = ("looked_after", "child_protection", "child_in_need", "assessment", "closed")
STRATUM_TITLES = {
    "looked_after": "Looked after",
    "child_protection": "Child protection plan",
    "child_in_need": "Child in need",
    "assessment": "Assessment or enquiry",
    "closed": "Recently closed",
}
METHODS = {"random": "Random", "risk": "Risk-weighted (overdue work more likely)"}
MAX_OVERDUE_WEIGHT = 4
_SCALE = 2**64


@dataclass(frozen=True, slots=True)
class Candidate:
    case_id: int
    stratum: str
    overdue_steps: int = 0

    @property
    def weight(self) -> float:
        return 1.0 + min(self.overdue_steps, MAX_OVERDUE_WEIGHT)


def stratum_of(stage: str) -> str:
    """The stratum of a case at a pathway stage (`casework.pathway.STAGES`)."""
    if stage in ("looked_after", "child_protection", "child_in_need", "closed"):
        return stage
    return "assessment"


def allocate(sizes: Mapping[str, int], n: int) -> dict[str, int]:
    """Share `n` between the strata in proportion to `sizes` (largest remainder)."""
    total = sum(sizes.values())
    n = min(max(n, 0), total)
    if total == 0:
        return dict.fromkeys(sizes, 0)
    order = {name: i for i, name in enumerate(STRATA)}
    exact = {name: n * size / total for name, size in sizes.items()}
    quota = {name: int(share) for name, share in exact.items()}
    left = n - sum(quota.values())
    ranked = sorted(exact, key=lambda s: (-(exact[s] - quota[s]), order.get(s, len(order)), s))
    for name in ranked[:left]:
        quota[name] += 1
    return quota


def uniform(seed: int, case_id: int) -> float:
    """A number in (0, 1) fixed by the seed and the case: the case's draw."""
    digest = hashlib.sha256(f"{seed}:{case_id}".encode()).hexdigest()
    return (int(digest[:16], 16) + 1) / (_SCALE + 1)


def draw(population: Sequence[Candidate], size: int, seed: int, method: str) -> list[Candidate]:
    """The sample, ordered by stratum (as `STRATA`) then case id."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: expected random or risk")
    by_stratum: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in population:
        by_stratum[candidate.stratum].append(candidate)
    quotas = allocate({s: len(found) for s, found in by_stratum.items()}, size)
    chosen: list[Candidate] = []
    for stratum, found in by_stratum.items():
        ranked = sorted(found, key=lambda c: (-_key(c, seed, method), c.case_id))
        chosen.extend(ranked[: quotas[stratum]])
    order = {name: i for i, name in enumerate(STRATA)}
    return sorted(chosen, key=lambda c: (order.get(c.stratum, len(order)), c.case_id))


def _key(candidate: Candidate, seed: int, method: str) -> float:
    u = uniform(seed, candidate.case_id)
    return u if method == "random" else u ** (1.0 / candidate.weight)
