"""Finding a child: candidates from indexes, ranked by how well each person fits every term.

Candidates come from one index, the most selective the search allows: an NHS number or UPN
(`person_keys`), a date of birth or a postcode (expression indexes over the identity features
resolution stores), else the family name and the blocking keys that pair the sounds of a given
and a family name (nicknames included, so "Bill Smith" reaches "William Smith"). Each candidate
is followed to the person it is now (merges), only children and unborn children are kept, and
every term must be met by some identity the person was recorded with: identifiers, date and
postcode exactly; names fuzzily, as matching compares them (nicknames, learned equivalences,
sound, Jaro–Winkler similarity for typing slips). Nothing is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import jellyfish
from sqlalchemy import ColumnElement, Dialect, Integer, String, func, literal_column, select
from sqlalchemy.orm import Session

from joinedup.intake.models import Event, Mention
from joinedup.people.batchsql import among
from joinedup.people.linkage import normalise as n
from joinedup.people.models import MentionLink, Person, PersonIdentity, PersonKey
from joinedup.people.search_terms import Terms
from joinedup.people.views import ChildMatch

CHILD_KINDS = ("child", "unborn")
MAX_CANDIDATES = 1000  # persons read from the anchoring index; more says "refine your search"
NAME_FLOOR = 0.85  # the least name similarity that still counts as the name searched for
Equivalences = Mapping[str, frozenset[str]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A current child or unborn child who meets every term, with the identities that say so."""

    person_id: int
    kind: str
    score: float
    identities: tuple[PersonIdentity, ...]


@dataclass(frozen=True, slots=True)
class Found:
    candidates: list[Candidate]  # best first
    truncated: bool  # the anchoring index held more persons than were read


def find(session: Session, terms: Terms, equivalences: Equivalences) -> Found:
    """Every current child meeting the terms, best first (see the module's docstring)."""
    raw, truncated = _anchor(session, terms, equivalences)
    survivors = _survivors(session, raw)
    kinds = _kinds(session, set(survivors.values()))
    members = _members(session, [p for p, kind in kinds.items() if kind in CHILD_KINDS])
    identities = _identities(session, members)
    found: list[Candidate] = []
    for person_id, held in identities.items():
        score = _fit(terms, held, equivalences)
        if score is not None:
            found.append(Candidate(person_id, kinds[person_id], score, tuple(held)))
    found.sort(key=lambda c: (-c.score, c.person_id))
    return Found(found, truncated)


# -- candidates from an index -----------------------------------------------------------------


def _anchor(session: Session, terms: Terms, eq: Equivalences) -> tuple[set[int], bool]:
    """Persons (as recorded, before merges) from the most selective index the terms allow."""
    if terms.nhs or terms.upn:
        key = f"n:{terms.nhs}" if terms.nhs else f"u:{terms.upn}"
        return set(session.scalars(select(PersonKey.person_id).where(PersonKey.key == key))), False
    if terms.dob is not None:
        return _by(session, feature(session, "dob_o") == terms.dob.toordinal())
    if terms.postcode:
        return _by(session, feature(session, "pc") == terms.postcode)
    families = {terms.family_joined, *terms.family}
    persons, truncated = _by(session, among(session, feature(session, "family"), families))
    keys = name_keys(terms, eq)
    if keys:
        persons |= set(
            session.scalars(
                select(PersonKey.person_id).where(among(session, PersonKey.key, keys)).distinct()
            )
        )
    return persons, truncated


def _by(session: Session, where: ColumnElement[bool]) -> tuple[set[int], bool]:
    query = (
        select(PersonIdentity.person_id)
        .join(Person, Person.id == PersonIdentity.person_id)
        .where(where, Person.kind.in_(CHILD_KINDS))
        .distinct()
        .limit(MAX_CANDIDATES + 1)
    )
    found = set(session.scalars(query))
    return found, len(found) > MAX_CANDIDATES


def feature(session: Session, name: str) -> ColumnElement[Any]:
    """An identity feature, written exactly as its expression index is (migration 0004)."""
    return _feature_sql(session.get_bind().dialect, name)


@lru_cache(maxsize=16)
def _feature_sql(dialect: Dialect, name: str) -> ColumnElement[Any]:
    column = PersonIdentity.features[name]
    expression = column.as_integer() if name == "dob_o" else column.as_string()
    text = str(expression.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return literal_column(text, Integer() if name == "dob_o" else String())


def name_keys(terms: Terms, eq: Equivalences) -> list[str]:
    """The `k_gf` blocking keys (given and family sounds) of every variant of the given names."""
    if not terms.given or not terms.family:
        return []
    givens = {n.phonetic(v) for t in terms.given for v in _variants(t, eq)} - {""}
    families = {n.phonetic(f) for f in {terms.family_joined, *terms.family}} - {""}
    return sorted({"k_gf:" + "|".join(sorted((g, f))) for g in givens for f in families})


def _variants(token: str, eq: Equivalences) -> frozenset[str]:
    return n.nickname_variants(token) | eq.get(token, frozenset())


# -- from persons as recorded to persons now --------------------------------------------------


def _survivors(session: Session, persons: Iterable[int]) -> dict[int, int]:
    """Each person's survivor: itself, or the person it was merged into (through chains)."""
    now = {p: p for p in persons}
    pending, seen = set(now), set(now)
    while pending:
        rows = session.execute(
            select(Person.id, Person.merged_into_id).where(
                among(session, Person.id, pending), Person.merged_into_id.is_not(None)
            )
        ).all()
        into: dict[int, int] = {pid: target for pid, target in rows if target is not None}
        for start, current in now.items():
            now[start] = into.get(current, current)
        pending = set(into.values()) - seen
        seen |= pending
    return now


def _kinds(session: Session, persons: set[int]) -> dict[int, str]:
    if not persons:
        return {}
    rows = session.execute(
        select(Person.id, Person.kind).where(
            among(session, Person.id, persons), Person.merged_into_id.is_(None)
        )
    )
    return {pid: kind for pid, kind in rows}


def _members(session: Session, survivors: Sequence[int]) -> dict[int, int]:
    """Every person whose identities belong to a survivor (itself and all merged into it)."""
    owner = {p: p for p in survivors}
    frontier = set(survivors)
    while frontier:
        rows = session.execute(
            select(Person.id, Person.merged_into_id).where(
                among(session, Person.merged_into_id, frontier)
            )
        ).all()
        frontier = set()
        for pid, into in rows:
            if pid not in owner and into is not None:
                owner[pid] = owner[into]
                frontier.add(pid)
    return owner


def _identities(session: Session, owner: dict[int, int]) -> dict[int, list[PersonIdentity]]:
    found: dict[int, list[PersonIdentity]] = {}
    if not owner:
        return found
    query = select(PersonIdentity).where(among(session, PersonIdentity.person_id, owner))
    for identity in session.scalars(query.order_by(PersonIdentity.id)):
        found.setdefault(owner[identity.person_id], []).append(identity)
    return found


# -- how well a person fits -------------------------------------------------------------------


def _fit(terms: Terms, held: Sequence[PersonIdentity], eq: Equivalences) -> float | None:
    """The mean of each term's best fit over the identities; None if a term is not met."""
    features = [i.features for i in held]
    scores: list[float] = []
    exact = (("nhs", terms.nhs), ("upn", terms.upn), ("pc", terms.postcode))
    for column, wanted in exact:
        if wanted is not None:
            scores.append(1.0 if any(f.get(column) == wanted for f in features) else 0.0)
    if terms.dob is not None:
        scores.append(max(_date_fit(terms, f) for f in features))
    if terms.family:
        scores.append(max(family_fit(terms, f) for f in features))
    if terms.given:
        scores.append(max(given_fit(terms, f, eq) for f in features))
    if not scores or min(scores) < NAME_FLOOR:
        return None
    return sum(scores) / len(scores)


def _date_fit(terms: Terms, f: Mapping[str, Any]) -> float:
    """1 for the same day; 0.9 where only the year (and month) were recorded and agree."""
    dob = terms.dob
    if dob is None or f.get("dob_y") != dob.year:
        return 0.0
    if f.get("dob_o") is not None:
        return 1.0 if f["dob_o"] == dob.toordinal() else 0.0
    month = f.get("dob_m")
    return 0.9 if month is None or month == dob.month else 0.0


def family_fit(terms: Terms, f: Mapping[str, Any]) -> float:
    """The same family name, part of a double one, the same sound, or a slip of typing."""
    held = f.get("family")
    if not held:
        return 0.0
    wanted = terms.family_joined
    if held == wanted:
        return 1.0
    parts = set(f.get("family_all") or ())
    if set(terms.family) <= parts or (parts and parts <= set(terms.family)):
        return 0.95
    if n.phonetic(held) == n.phonetic(wanted):
        return 0.9
    pairs = [(wanted, held), *((a, b) for a in terms.family for b in parts)]
    return max(jellyfish.jaro_winkler_similarity(a, b) for a, b in pairs)


def given_fit(terms: Terms, f: Mapping[str, Any], eq: Equivalences) -> float:
    """The same given name, a nickname or learned equivalent, the same sound, or a slip."""
    held = list(f.get("given_all") or ())
    if not held:
        return 0.0
    if set(terms.given) & set(held):
        return 1.0
    variants = set(f.get("given_var") or ())
    for token in terms.given:
        if token in variants or _variants(token, eq) & set(held):
            return 0.95
    sounds = {n.phonetic(h) for h in held}
    if any(n.phonetic(t) in sounds for t in terms.given):
        return 0.9
    return max(jellyfish.jaro_winkler_similarity(t, h) for t in terms.given for h in held)


# -- what a result shows ----------------------------------------------------------------------


def summaries(session: Session, shown: Sequence[Candidate]) -> list[ChildMatch]:
    """For each child shown: name, date of birth, sex, postcode district, agencies; no more."""
    if not shown:
        return []
    query = (
        select(
            MentionLink.person_id,
            Mention.given_names,
            Mention.family_name,
            Event.agency,
            func.count(),
        )
        .join(Mention, Mention.id == MentionLink.mention_id)
        .join(Event, Event.id == Mention.event_id)
        .where(among(session, MentionLink.person_id, [c.person_id for c in shown]))
        .group_by(MentionLink.person_id, Mention.given_names, Mention.family_name, Event.agency)
    )
    names: dict[int, Counter[tuple[str | None, str | None]]] = {}
    agencies: dict[int, set[str]] = {}
    for person_id, given, family, agency, count in session.execute(query):
        names.setdefault(person_id, Counter())[(given, family)] += count
        agencies.setdefault(person_id, set()).add(agency)
    return [
        _summary(c, names.get(c.person_id, Counter()), len(agencies.get(c.person_id, ())))
        for c in shown
    ]


def _summary(
    candidate: Candidate, names: Counter[tuple[str | None, str | None]], agencies: int
) -> ChildMatch:
    features = [(i.features, i.mention_count) for i in candidate.identities]
    name, tokens = _usual_name(names)
    known = {t for f, _ in features for t in (*(f["given_all"] or ()), *(f["family_all"] or ()))}
    latest = max(candidate.identities, key=lambda i: (i.features["pcd"] is not None, i.last_seen))
    return ChildMatch(
        person_id=candidate.person_id,
        kind=candidate.kind,
        name=name,
        other_names=bool(known - tokens),
        date_of_birth=_date_of_birth(features),
        sex=_usual((f["sex"], count) for f, count in features),
        district=latest.features["pcd"],
        agencies=agencies,
    )


def _usual_name(
    names: Counter[tuple[str | None, str | None]],
) -> tuple[str | None, set[str]]:
    """The name most often recorded (spellings that differ only in case or accents count as
    one), shown in its most usual spelling; and its tokens."""
    groups: dict[tuple[str, ...], Counter[str]] = {}
    for (given, family), count in names.items():
        text = " ".join(part for part in (given, family) if part)
        if text:
            tokens = (*n.name_tokens(given), *n.name_tokens(family))
            groups.setdefault(tokens, Counter())[text] += count
    if not groups:
        return None, set()
    tokens = max(groups, key=lambda t: (groups[t].total(), t))
    spellings = groups[tokens]
    # Of spellings recorded as often, one in mixed case reads better than capitals.
    text = max(spellings, key=lambda s: (spellings[s], s != s.upper(), s))
    return text, set(tokens)


def _date_of_birth(features: list[tuple[dict[str, Any], int]]) -> str | None:
    """The most precise date of birth recorded, the most often recorded at that precision."""
    dates = [
        (sum(x is not None for x in parts), parts, count)
        for f, count in features
        if (parts := (f["dob_y"], f["dob_m"], f["dob_d"]))[0] is not None
    ]
    if not dates:
        return None
    precision = max(p for p, _, _ in dates)
    year, month, day = _usual((parts, c) for p, parts, c in dates if p == precision) or (0, 0, 0)
    return "-".join([f"{year:04d}", *(f"{x:02d}" for x in (month, day) if x is not None)])


def _usual(values: Iterable[tuple[T | None, int]]) -> T | None:
    """The value recorded most often (None values are not recorded ones)."""
    counts: Counter[T] = Counter()
    for value, count in values:
        if value is not None:
            counts[value] += count
    return counts.most_common(1)[0][0] if counts else None
