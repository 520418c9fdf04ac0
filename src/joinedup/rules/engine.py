"""The rule engine: each rule looks at a child's time line as of a day and may find a pattern.

A rule is a small declarative class (library.py) with an id, a version, a description and its
parameters (a pydantic model: a partnership sets them in YAML, validated at start-up). It never
scores: it either finds its pattern, naming the records that make it, or it does not.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from joinedup.rules.facts import Fact, Timeline

RED, AMBER, GREEN = "red", "amber", "green"
URGENCIES = (GREEN, AMBER, RED)
INFANT_DAYS = 365
UNDER_FIVE_DAYS = 5 * 365


ANY_TYPE = "*"  # in a `Reach`: records of every type


@dataclass(frozen=True, slots=True)
class Reach:
    """What a rule reads as of a day: how far back, by event type (`ANY_TYPE`: every type;
    None: at any age); and `sightings`, how far back it reads the records that name an adult
    with the child, of any type (with the first such record naming each adult, at any age:
    when they came into the child's life). A rule that reads something not declared here would
    miss it in live intake, which reads only what the rules reach (`facts_sql`); the parity
    tests compare it with the whole chronology."""

    days: Mapping[str, int | None] = field(default_factory=lambda: {ANY_TYPE: None})
    sightings: int | None = None

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self.days)


def combined(reaches: Iterable[Reach]) -> Reach:
    """The reach of several rules together: per type, the furthest any of them looks back."""
    days: dict[str, int | None] = {}
    sightings: int | None = None
    for reach in reaches:
        if reach.sightings is not None:
            sightings = max(sightings or 0, reach.sightings)
        for kind, back in reach.days.items():
            before = days.get(kind, 0)
            days[kind] = None if back is None or before is None else max(before, back)
    return Reach(days, sightings)


def evaluated_on(reach: Reach, kinds: Collection[str], sighted: bool) -> bool:
    """Whether a rule can find something new on a day with records of these types (`sighted`:
    one of them names an adult with the child): only when it reads one of them."""
    return ANY_TYPE in reach.days or bool(reach.types & set(kinds)) or (
        sighted and reach.sightings is not None)  # fmt: skip


def reach_of(rules: Iterable[Rule[Any]]) -> Reach:
    """What a set of rules reads together."""
    return combined(rule.reach() for rule in rules)


class Params(BaseModel):
    """A rule's parameters; unknown keys are an error, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    rule_version: str
    urgency: str
    evidence: tuple[Fact, ...]  # in time order
    explanation: str  # in words, naming the agencies and what they recorded

    @property
    def evidence_ids(self) -> list[int]:
        return [f.event_id for f in self.evidence]


P = TypeVar("P", bound=Params)


class Rule(ABC, Generic[P]):
    id: ClassVar[str]
    version: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    Parameters: type[P]

    def __init__(self, params: P | None = None) -> None:
        self.params: P = params if params is not None else self.Parameters()

    def reach(self) -> Reach:
        """What this rule reads (every record at any age, unless the rule says less)."""
        return Reach()

    @abstractmethod
    def evaluate(self, timeline: Timeline, as_of: date) -> Finding | None:
        """The pattern as of `as_of`, from facts that had happened by then; None if absent."""

    def found(
        self, timeline: Timeline, as_of: date, evidence: Iterable[Fact], urgency: str, text: str
    ) -> Finding:
        ordered = tuple(sorted(set(evidence), key=lambda f: (f.occurred, f.event_id)))
        return Finding(self.id, self.version, for_age(urgency, timeline, as_of), ordered, text)


def for_age(urgency: str, timeline: Timeline, as_of: date) -> str:
    """Babies are the most vulnerable: one step more urgent under one, at least amber under five."""
    age = timeline.age_in_days(as_of)
    if age is None:
        return urgency
    level = URGENCIES.index(urgency)
    if age < INFANT_DAYS:
        level = min(level + 1, len(URGENCIES) - 1)
    elif age < UNDER_FIVE_DAYS:
        level = max(level, URGENCIES.index(AMBER))
    return URGENCIES[level]


def evaluate(rules: Sequence[Rule[Any]], timeline: Timeline, as_of: date) -> list[Finding]:
    return [f for rule in rules if (f := rule.evaluate(timeline, as_of)) is not None]


def describe(facts: Sequence[Fact]) -> str:
    """ "3 records from police (2) and health (1)": the agencies behind a finding."""
    counts: dict[str, int] = {}
    for f in facts:
        counts[f.agency] = counts.get(f.agency, 0) + 1
    parts = [f"{agency.replace('_', ' ')} ({n})" for agency, n in sorted(counts.items())]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    noun = "record" if len(facts) == 1 else "records"
    return f"{len(facts)} {noun} from {joined}"
