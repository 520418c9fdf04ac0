"""A backtest: the rules over every child's time line in the live store, day by day, as replay
would evaluate them, writing nothing (a dry run).

It answers a partnership's two questions before it changes a threshold: how many prompts would
the front door get (per 1,000 children per year, by rule), and — on a generated authority,
whose truth file says which harm stories were planted — would the rules have asked about those
children before their crisis, and how long before.

Each child's time line is read with the facts query (`facts_sql`, every record at any age) for
batches of children at once. The rules are evaluated as of each day a record happened, in time
order; a rule only on the days a record of a type it reads happened (on other days it can find
nothing it did not find before: the circles are the store's as they are now, unlike replay's,
which grow as records arrive). A finding opens a prompt exactly as live intake decides
(`service.step`): a prompt stays open for the day it opened (new evidence that day joins it)
and is taken as answered by the next (the deadline is one working day), so a later finding
opens a new prompt only with evidence of a kind the prompts answered in the last year did not
show (another agency or record type), or a graver urgency.

The rate's period is read from the days the rules were evaluated on (each child's days with a
record a rule reads), not from every record in the store: a store that also holds casework
(contacts, care episodes going back years for a child long in care) or records of types no
rule reads would otherwise stretch the period and understate the rate.

Each prompt is routed as live intake routes it: to the allocated worker when the child's case
here was open on the day it fired (the case's referral to its closure), else to the front
door. The front door's share is its load; a worker's prompt is news about a child already
being worked with.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from joinedup.access.policy import Action
from joinedup.access.roles import Actor
from joinedup.access.service import require
from joinedup.casework.service import CasePeriod, case_periods
from joinedup.intake.models import Event, Mention, Organisation, SourceRecord
from joinedup.people.batchsql import among
from joinedup.people.models import MentionLink, Person
from joinedup.rules import engine, facts_sql
from joinedup.rules.circles import CHILD_KINDS, read_scopes, without_jit
from joinedup.rules.engine import ANY_TYPE, Finding, Reach, Rule
from joinedup.rules.facts import Timeline
from joinedup.rules.service import Answered, step

CHUNK = 2000  # children read and evaluated together
DAYS_A_YEAR = 365.25
# The period: the days between these shares of the days the rules were evaluated on, widened
# to the whole (divided by the share between them), so that a few old records (an adult's
# offence years before, earlier involvement) do not stretch it and evenly spread records give
# their span.
SPAN_FROM, SPAN_TO = 0.025, 0.975


@dataclass(frozen=True, slots=True)
class Opened:
    """A prompt the dry run would have opened."""

    child: int
    rule_id: str
    as_of: date
    to_case: bool = False  # routed to the child's open case here, not to the front door


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A planted harm story (a generator's truth file): its child, as persons of this store."""

    ref: str  # the generator's person id
    kind: str
    crisis: date | None  # None: a control (signals, no crisis)
    persons: frozenset[int]


@dataclass
class Backtest:
    """What the dry run opened. Rates are per 1,000 of `population`, the children (0-17) living
    in the area (the ONS mid-year estimate; a generated authority's truth file says), as
    England's referral rate is; without it, per 1,000 of `children`, every child and unborn
    child the store holds — children who moved away or grew up during the period, children
    recorded once while visiting, unborn children — which are more than live there at once,
    so that rate understates the front door's load."""

    children: int
    records: int  # every current record in the store
    rules: list[str]
    first_day: date | None = None  # of the period (`period`)
    last_day: date | None = None
    opened: list[Opened] = field(default_factory=list)
    seconds: float = 0.0
    population: int | None = None

    @property
    def denominator(self) -> int:
        return self.population or self.children

    @property
    def among(self) -> str:
        """Whose rate it is, in words: "60,000 children living in the area"."""
        if self.population is not None:
            return f"{self.population:,} children living in the area"
        return f"{self.children:,} children in the store"

    @property
    def years(self) -> float:
        if self.first_day is None or self.last_day is None:
            return 0.0
        middle = max(1, (self.last_day - self.first_day).days) / DAYS_A_YEAR
        return middle / (SPAN_TO - SPAN_FROM)

    @property
    def period_words(self) -> str:
        """The rules' period, in words: "records over 5.0 years (the middle 95 %: …, widened)"."""
        if self.first_day is None or self.last_day is None:
            return "no records"
        first, last = (f"{d.day} {d:%B %Y}" for d in (self.first_day, self.last_day))
        return f"records over {self.years:.1f} years (the middle 95 %: {first} to {last}, widened)"

    def per_1000_per_year(self, rule_id: str | None = None) -> float:
        n = sum(1 for o in self.opened if rule_id is None or o.rule_id == rule_id)
        return self.rate(n)

    def rate(self, n: int) -> float:
        """`n` a year per 1,000 children of the denominator."""
        if not self.denominator or not self.years:
            return 0.0
        return n * 1000 / self.denominator / self.years

    def by_rule(self) -> Counter[str]:
        return Counter(o.rule_id for o in self.opened)

    @property
    def to_front_door(self) -> int:
        """Prompts the front door would have had: those about a child with no case open here."""
        return sum(1 for o in self.opened if not o.to_case)

    @property
    def children_prompted(self) -> int:
        """Children with at least one prompt over the period."""
        return len({o.child for o in self.opened})


@dataclass(frozen=True, slots=True)
class Recall:
    trajectories: int
    found: int
    lead_days: tuple[int, ...]  # of those found: crisis day less the first prompt's day
    controls: int
    controls_prompted: int
    unmatched: int  # trajectories whose child this store does not hold

    @property
    def rate(self) -> float:
        return self.found / self.trajectories if self.trajectories else 0.0

    @property
    def median_lead(self) -> float | None:
        return statistics.median(self.lead_days) if self.lead_days else None


def run(
    *,
    session: Session,
    actor: Actor,
    rules: Sequence[Rule[Any]],
    progress: Callable[[int, int], None] = lambda done, total: None,
    chunk: int = CHUNK,
    population: int | None = None,
) -> Backtest:
    """Every child's time line through the rules, day by day; nothing is written but the audit
    entry (the backtest reads every record, and shows only counts)."""
    started = time.perf_counter()
    children = list(session.scalars(
        select(Person.id).where(Person.kind.in_(sorted(CHILD_KINDS)),
                                Person.merged_into_id.is_(None)).order_by(Person.id)))  # fmt: skip
    current = ~Event.superseded
    records = session.scalar(select(func.count()).select_from(Event).where(current)) or 0
    earliest = session.scalar(select(func.min(Event.occurred_at)).where(current))
    require(session=session, actor=actor, action=Action.PROMPTS_EVALUATE, resource_type="person",
            detail={"view": "backtest", "children": len(children), "records": records})  # fmt: skip
    result = Backtest(len(children), records, [r.id for r in rules], population=population)
    without_jit(session)
    reach = engine.reach_of(rules)
    reads = [(rule, rule.reach()) for rule in rules]
    evaluated: Counter[date] = Counter()
    for start in range(0, len(children), chunk):
        scopes = read_scopes(session, children[start : start + chunk])
        found = list({s.child: s for s in scopes.values()}.values())
        since = earliest.date() if earliest is not None else None  # every record the rules read
        timelines = facts_sql.read_timelines(session, found, reach, since=since)
        cases = case_periods(session, list(timelines))
        for child, timeline in timelines.items():
            opened = dry_run(reads, timeline, evaluated)
            result.opened.extend(routed(opened, cases.get(child, [])))
        progress(min(start + chunk, len(children)), len(children))
    result.first_day, result.last_day = period(evaluated)
    result.seconds = time.perf_counter() - started
    return result


def routed(opened: Iterable[Opened], cases: Sequence[CasePeriod]) -> Iterator[Opened]:
    """Each prompt routed as live intake routes it (`rules.service`): to the allocated worker
    when the child's case here was open on the day it fired, else to the front door."""
    for o in opened:
        yield replace(o, to_case=True) if any(c.open_on(o.as_of) for c in cases) else o


def period(days: Counter[date]) -> tuple[date | None, date | None]:
    """The 2.5th and the 97.5th percentile of `days` (how many of each day): the period is the
    span between them, widened (`Backtest.years`)."""
    total = days.total()
    if not total:
        return None, None
    marks = [max(0, min(total - 1, int(total * share))) for share in (SPAN_FROM, SPAN_TO)]
    found: list[date] = []
    seen = 0
    for day in sorted(days):
        seen += days[day]
        while len(found) < len(marks) and marks[len(found)] < seen:
            found.append(day)
    return found[0], found[1]


def dry_run(
    reads: Sequence[tuple[Rule[Any], Reach]],
    timeline: Timeline,
    evaluated: Counter[date] | None = None,
) -> Iterator[Opened]:
    """The prompts one child's time line would have opened, in time order; each day the rules
    are evaluated on is counted into `evaluated`."""
    kinds: dict[date, set[str]] = defaultdict(set)
    sighted: set[date] = set()
    for f in timeline.facts:
        kinds[f.occurred].add(f.type)
        if f.about_child and f.adults:
            sighted.add(f.occurred)
    opened_on: dict[str, date] = {}
    live: dict[str, list[int]] = {}
    answered: dict[str, list[Answered]] = defaultdict(list)
    plans = [(rule, reach.types, ANY_TYPE in reach.days, reach.sightings is not None)
             for rule, reach in reads]  # fmt: skip
    for day in sorted(kinds):
        today, met = kinds[day], day in sighted
        read = False
        for rule, types, every, sights in plans:
            if not (every or (sights and met) or not types.isdisjoint(today)):
                continue
            read = True
            finding = rule.evaluate(timeline, day)
            if finding is None:
                continue
            same_day = live.get(rule.id) if opened_on.get(rule.id) == day else None
            earlier = answered[rule.id]
            action = step(same_day, earlier if same_day is None else [], finding, day)
            if action is None:
                continue
            what, ids = action
            if what == "open":
                opened_on[rule.id], live[rule.id] = day, list(ids)
                earlier.append(_answered(day, finding))
                yield Opened(timeline.person_id, rule.id, day)
            else:
                live[rule.id] = [*live[rule.id], *ids]
                earlier[-1] = _grown(earlier[-1], finding)
        if read and evaluated is not None:
            evaluated[day] += 1


def _answered(day: date, finding: Finding) -> Answered:
    """A prompt the dry run opened, as it will be answered by the next day."""
    facts = finding.evidence
    ids = frozenset(f.event_id for f in facts)
    kinds = frozenset(f.agency for f in facts), frozenset(f.type for f in facts)
    return Answered(day, finding.urgency, ids, *kinds)


def _grown(prompt: Answered, finding: Finding) -> Answered:
    """The same day's prompt with a later finding's evidence added (as live intake adds it)."""
    more = _answered(prompt.as_of, finding)
    urgency = max(prompt.urgency, more.urgency, key=engine.URGENCIES.index)
    return Answered(prompt.as_of, urgency, prompt.evidence | more.evidence,
                    prompt.agencies | more.agencies, prompt.types | more.types)  # fmt: skip


# -- the generator's truth -----------------------------------------------------------------


class TruthFileInvalid(ValueError):
    """A truth file that is not one `joinedup demo build` wrote; the message names the file."""


def read_population(path: Path) -> int | None:
    """The children (0-17) a generated authority was built with, from its truth file's first
    line (`{"generator": {..., "children": N, ...},`); None when the file does not start so
    (`read_truth` says what else is wrong with it)."""
    key = b'{"generator":'
    with path.open("rb") as file:
        line = file.readline()
    if not line.startswith(key):
        return None
    try:
        generator = orjson.loads(line[len(key) :].rstrip(b",\n"))
    except orjson.JSONDecodeError as error:
        raise TruthFileInvalid(f"{path}:1: generator: {error}") from None
    children = generator.get("children") if isinstance(generator, dict) else None
    if not isinstance(children, int) or isinstance(children, bool) or children < 1:
        raise TruthFileInvalid(f"{path}:1: generator.children: expected a whole number above 0")
    return children


def read_truth(session: Session, path: Path) -> list[Trajectory]:
    """The planted trajectories and controls of a `joinedup demo build` truth file, each child
    found in this store through the records that name them (the generator's mentions, matched
    by organisation, record id and subject ref), followed to their survivor.

    The file is read line by line (a 60,000-child authority's is hundreds of megabytes): only the
    stories' lines and the mentions of their children are parsed."""
    stories: list[dict[str, Any]] = []
    seen_trajectories = False
    for number, line in enumerate(_lines(path), 1):
        for key, planted in ((b'"trajectories":', True), (b'"controls":', False)):
            if line.startswith(key):
                seen_trajectories = seen_trajectories or planted
                try:
                    found = orjson.loads(line[len(key) :].rstrip(b",\n"))
                except orjson.JSONDecodeError as error:
                    raise TruthFileInvalid(f"{path}:{number}: {key.decode()} {error}") from None
                for story in found:
                    stories.append({**story, "is_trajectory": planted})
    if not seen_trajectories:
        raise TruthFileInvalid(
            f'{path}: not a truth file of `joinedup demo build` (no "trajectories" line)'
        )
    wanted = {s["child_person_id"] for s in stories}
    keys: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for line in _lines(path):
        if line.startswith(b'{"record_id"') and b'"person_id"' in line:
            item = orjson.loads(line.rstrip(b",\n"))
            if item.get("person_id") in wanted:
                keys[item["person_id"]].add((item["organisation"], item["record_id"], item["ref"]))
    persons = _persons(session, keys)
    found = []
    for s in stories:
        crisis = date.fromisoformat(s["crisis_date"]) if s["is_trajectory"] else None
        ref = s["child_person_id"]
        found.append(Trajectory(ref, s["kind"], crisis, frozenset(persons.get(ref, ()))))
    return found


def recall(result: Backtest, stories: Sequence[Trajectory]) -> Recall:
    """A trajectory is found when any prompt fired for its child before the crisis day; its
    lead is the days from the first such prompt to the crisis."""
    first: dict[int, list[date]] = defaultdict(list)
    for o in result.opened:
        first[o.child].append(o.as_of)
    found, leads, unmatched, controls, prompted = 0, [], 0, 0, 0
    for s in stories:
        days = sorted(d for p in s.persons for d in first.get(p, ()))
        if s.crisis is None:
            controls += 1
            prompted += bool(days)
            continue
        if not s.persons:
            unmatched += 1
        before = [d for d in days if d < s.crisis]
        if before:
            found += 1
            leads.append((s.crisis - before[0]).days)
    trajectories = sum(1 for s in stories if s.crisis is not None)
    return Recall(trajectories, found, tuple(sorted(leads)), controls, prompted, unmatched)


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        yield from file


def _persons(session: Session, keys: dict[str, set[tuple[str, str, str]]]) -> dict[str, set[int]]:
    """Each generator person's persons in this store (survivors of any merge)."""
    whose = {key: ref for ref, found in keys.items() for key in found}
    record_ids = sorted({record_id for _, record_id, _ in whose})
    linked: dict[str, set[int]] = defaultdict(set)
    for part in range(0, len(record_ids), 5000):
        rows = session.execute(
            select(Organisation.name, SourceRecord.record_id, Mention.ref, MentionLink.person_id)
            .join(SourceRecord, SourceRecord.organisation_id == Organisation.id)
            .join(Event, Event.source_record_id == SourceRecord.id)
            .join(Mention, Mention.event_id == Event.id)
            .join(MentionLink, MentionLink.mention_id == Mention.id)
            .where(among(session, SourceRecord.record_id, record_ids[part : part + 5000]))
        )
        for organisation, record_id, ref, person in rows:
            owner = whose.get((organisation, record_id, ref))
            if owner is not None:
                linked[owner].add(person)
    scopes = read_scopes(session, {p for found in linked.values() for p in found})
    return {ref: {scopes[p].child for p in found if p in scopes} for ref, found in linked.items()}
