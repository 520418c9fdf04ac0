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
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

import jellyfish
from sqlalchemy import ColumnElement, Dialect, Integer, String, func, literal_column, select
from sqlalchemy.orm import Session

from joinedup.intake.models import Event, Mention
from joinedup.people import merges
from joinedup.people.batchsql import among
from joinedup.people.linkage import normalise as n
from joinedup.people.models import MentionLink, Person, PersonIdentity, PersonKey
from joinedup.people.search_terms import Terms
from joinedup.people.views import ChildMatch

CHILD_KINDS = ("child", "unborn")
MAX_CANDIDATES = 300  # persons read from each index; more says "refine your search"
SHORT_SOUND, SHORT_SOUND_SPELLING = 3, 0.65  # see sound_alike
NAME_FLOOR = 0.85  # the least name similarity that still counts as the name searched for
Equivalences = Mapping[str, frozenset[str]]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Held:
    """One identity a person was recorded with, as search reads it."""

    person_id: int
    features: dict[str, Any]
    mention_count: int
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class Candidate:
    """A current child or unborn child who meets every term, with the identities that say so."""

    person_id: int
    kind: str
    score: float
    identities: tuple[Held, ...]


@dataclass(frozen=True, slots=True)
class Found:
    candidates: list[Candidate]  # best first
    truncated: bool  # an index held more persons than were read: there may be more matches


# A person as an anchoring index finds them: (kind, merged into).
Rows = dict[int, tuple[str, int | None]]


def find(session: Session, terms: Terms, equivalences: Equivalences) -> Found:
    """Every current child meeting the terms, best first (see the module's docstring)."""
    rows, truncated = _anchor(session, terms, equivalences)
    kinds = _current(session, rows)
    identities = _identities(session, _members(session, kinds))
    found: list[Candidate] = []
    for person_id, held in identities.items():
        score = _fit(terms, held, equivalences)
        if score is not None:
            found.append(Candidate(person_id, kinds[person_id], score, tuple(held)))
    found.sort(key=lambda c: (-c.score, c.person_id))
    return Found(found, truncated)


# -- candidates from an index -----------------------------------------------------------------


def _anchor(session: Session, terms: Terms, eq: Equivalences) -> tuple[Rows, bool]:
    """Persons (as recorded, before merges) from the most selective index the terms allow."""
    if terms.nhs or terms.upn:
        key = f"n:{terms.nhs}" if terms.nhs else f"u:{terms.upn}"
        return _by_keys(session, [key])
    if terms.dob is not None:
        return _by(session, feature(session, "dob_o") == terms.dob.toordinal())
    if terms.postcode:
        return _by(session, feature(session, "pc") == terms.postcode)
    # The family name as a whole, the given and family sounds (nicknames too), then, for a
    # double family name, each part: as many of each as the limit allows.
    found = [_by(session, feature(session, "family") == terms.family_joined)]
    if keys := name_keys(terms, eq):
        found.append(_by_keys(session, keys))
    if len(terms.family) > 1:
        found.append(_by(session, feature(session, "family").in_(terms.family)))
    rows: Rows = {}
    for more, _ in found:
        rows.update(more)
    return rows, any(cut for _, cut in found)


def _by(session: Session, where: ColumnElement[bool]) -> tuple[Rows, bool]:
    """Children whose identities meet `where` (an indexed feature), at most MAX_CANDIDATES."""
    query = (
        select(Person.id, Person.kind, Person.merged_into_id)
        .join(PersonIdentity, PersonIdentity.person_id == Person.id)
        .where(where, Person.kind.in_(CHILD_KINDS))
        .order_by(Person.id)  # the same children on every request when there are too many
        .limit(MAX_CANDIDATES + 1)
    )
    return _rows(session.execute(query).all())


def _by_keys(session: Session, keys: Sequence[str]) -> tuple[Rows, bool]:
    """Children holding any of these look-up keys (person_keys' index), at most MAX_CANDIDATES."""
    query = (
        select(Person.id, Person.kind, Person.merged_into_id)
        .join(PersonKey, PersonKey.person_id == Person.id)
        .where(PersonKey.key.in_(keys), Person.kind.in_(CHILD_KINDS))
        .order_by(Person.id)
        .limit(MAX_CANDIDATES + 1)
    )
    return _rows(session.execute(query).all())


def _rows(found: Sequence[Any]) -> tuple[Rows, bool]:
    return {pid: (kind, into) for pid, kind, into in found}, len(found) > MAX_CANDIDATES


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


def _current(session: Session, rows: Rows) -> dict[int, str]:
    """The current children the rows stand for: each person, or whom it was merged into."""
    current = {pid: kind for pid, (kind, into) in rows.items() if into is None}
    merged = {into for _, into in rows.values() if into is not None}
    seen = set(rows)
    while merged - seen:
        pending = merged - seen
        seen |= pending
        found = session.execute(
            select(Person.id, Person.kind, Person.merged_into_id).where(
                among(session, Person.id, pending)
            )
        ).all()
        current.update({pid: kind for pid, kind, into in found if into is None})
        merged = {into for _, _, into in found if into is not None}
    return {pid: kind for pid, kind in current.items() if kind in CHILD_KINDS}


def _members(session: Session, survivors: Iterable[int]) -> dict[int, int]:
    """Every person whose identities belong to a survivor (itself and all merged into it)."""
    family = merges.family(session, survivors)
    rows = session.execute(select(family.c.member, family.c.asked))
    return {int(member): int(asked) for member, asked in rows}


def _identities(session: Session, owner: dict[int, int]) -> dict[int, list[Held]]:
    found: dict[int, list[Held]] = {}
    if not owner:
        return found
    query = select(
        PersonIdentity.person_id,
        PersonIdentity.features,
        PersonIdentity.mention_count,
        PersonIdentity.last_seen,
    ).where(among(session, PersonIdentity.person_id, owner))
    for row in session.execute(query.order_by(PersonIdentity.id)):
        found.setdefault(owner[row.person_id], []).append(Held(*row))
    return found


# -- how well a person fits -------------------------------------------------------------------


def _fit(terms: Terms, held: Sequence[Held], eq: Equivalences) -> float | None:
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
    if sound_alike(held, wanted):
        return 0.9
    pairs = [(wanted, held), *((a, b) for a in terms.family for b in parts)]
    return max(jellyfish.jaro_winkler_similarity(a, b) for a, b in pairs)


def sound_alike(a: str, b: str) -> bool:
    """The same sound-alike key; a short key ("Zofia" and "Savi" are both SF) only for names
    that are also spelt alike."""
    code = n.phonetic(a)
    if code != n.phonetic(b):
        return False
    return (
        len(code) >= SHORT_SOUND or jellyfish.jaro_winkler_similarity(a, b) >= SHORT_SOUND_SPELLING
    )


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
    if any(sound_alike(t, h) for t in terms.given for h in held):
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
