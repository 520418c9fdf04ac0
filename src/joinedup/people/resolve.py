"""Online resolution: each mention of a batch of new records to one person.

In order, for each mention: (0) the same subject of an earlier version of the same record,
(1) a source's own local id seen before, (2) a valid NHS number or UPN already held; when these
trusted facts disagree, or the person found holds another NHS number, or another subject of the
same record is that person already (the subjects of one record are different people), nothing
is guessed: a provisional person and a review task (ADR 0005, 2026-11-25). (3) An
identical, informative identity held by exactly one person. (4) Candidates sharing blocking keys,
scored by the linkage model: at or above the upper threshold, a link; between the thresholds, a
provisional person and a review task proposing the candidate; below, a new person.

The batch is read with one query per kind of look-up and written with the engine's bulk path.
Mentions of one batch see each other: what an earlier mention created is indexed in memory.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.people import store
from joinedup.people.ids import KeyPool
from joinedup.people.linkage.cluster import persons_conflict
from joinedup.people.linkage.types import Comparison, Features, Identity
from joinedup.people.mentions import (
    MentionRow,
    Scorer,
    adults_of,
    load_event_mentions_and_links,
)
from joinedup.people.store import IdentityState

MAX_CANDIDATES = 200
UNBORN_EDD_DAYS = 62
TRUSTED_PREFIXES = ("n:", "u:", "l:")
# When two trusted facts name different persons, which names the link (first wins).
_TRUSTED_ORDER = ("previous_version", "local_id", "nhs_number", "upn")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Match probabilities: at or above `upper` link; from `lower` up to `upper` review."""

    upper: float
    lower: float

    @property
    def rival_bits(self) -> float:
        """How much better than any other person (in match weight) a link's person must score.
        Given that the record is one of two persons, the odds that it is the better one are
        2 to the difference of their weights (the prior is the same for both), so a link is
        as sure against a rival as against a new person when the difference reaches the odds of
        `upper`: 4.25 bits at 0.95."""
        return math.log2(self.upper / (1 - self.upper))

    @classmethod
    def from_settings(cls, settings: Settings) -> Thresholds:
        return cls(upper=settings.link_upper, lower=settings.link_lower)


@dataclass(slots=True)
class Resolution:
    """What a batch's resolution did: each mention's person and how it was decided."""

    links: dict[int, int] = field(default_factory=dict)
    methods: dict[int, str] = field(default_factory=dict)
    review_task_ids: list[int] = field(default_factory=list)
    persons_created: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = Counter(self.methods.values())
        return {
            **dict(sorted(counts.items())),
            "persons_created": len(self.persons_created),
            "review_tasks": len(self.review_task_ids),
        }


@dataclass(slots=True)
class _Scored:
    person: int
    comparison: Comparison


class Batch:
    """One batch of mentions resolved in memory, then written in a few bulk statements."""

    def __init__(
        self,
        session: Session,
        model: Scorer,
        thresholds: Thresholds,
        actor: Actor,
        now: datetime,
    ) -> None:
        self.session, self.model, self.thresholds = session, model, thresholds
        self.actor, self.now = actor, now
        self.result = Resolution()
        self.kind: dict[int, str] = {}
        self.into: dict[int, int | None] = {}
        self.keys: dict[str, list[tuple[int, int]]] = {}
        self.holders: dict[str, set[int]] = {}
        self.identities: dict[int, IdentityState] = {}
        self.by_sig: dict[str, list[int]] = {}
        self.by_person: dict[int, list[int]] = {}
        self.absorbed: dict[int, list[int]] = {}
        self.cannot: set[frozenset[int]] = set()
        self.named: dict[int, set[int]] = {}  # event -> the persons its subjects are linked to
        self.previous: dict[tuple[int, str], tuple[int, int]] = {}
        self.revised: set[int] = set()
        self.ids = KeyPool(session, store.T_PERSON, store.T_IDENTITY)
        self.rows: dict[str, list[dict[str, Any]]] = {
            "persons": [], "identities": [], "keys": [], "links": [], "history": [], "tasks": [],
        }  # fmt: skip

    # -- the whole batch ------------------------------------------------------------------------

    def run(self, mention_ids: Sequence[int]) -> tuple[Resolution, list[MentionRow]]:
        rows, linked, self.revised = load_event_mentions_and_links(self.session, mention_ids)
        wanted = set(mention_ids) - set(linked)
        targets = [r for r in rows if r.id in wanted]
        # A mention makes at most one person and one identity: keys for a small batch's few.
        self.ids.block = min(self.ids.block, len(targets))
        adults = adults_of(rows)
        prepared: list[tuple[MentionRow, Features, list[str]]] = []
        for row in targets:
            if row.kind != "unborn":
                feats, blocking = _features(self.model, row.identity(_adults_for(row, adults)))
                prepared.append((row, feats, [*blocking, *row.local_keys()]))
        self._prefetch(prepared, {r.event_id for r in rows})
        for row, feats, keys in prepared:
            self._resolve(row, feats, keys)
        self._resolve_unborn([r for r in targets if r.kind == "unborn"], rows)
        self._write()
        return self.result, rows

    def _prefetch(
        self, prepared: list[tuple[MentionRow, Features, list[str]]], events: set[int]
    ) -> None:
        """Read what the batch needs: trusted keys and identical identities first, then the
        blocking keys of only those mentions that no trusted key or earlier version settles."""
        s = self.session
        trusted = {k for _, _, keys in prepared for k in keys if k.startswith(TRUSTED_PREFIXES)}
        self.keys = store.key_rows(s, trusted)
        sig_hits = store.identities_by_sig(s, {f["sig"] for _, f, _ in prepared})
        # Only a record with more than one version can have a subject linked in another.
        self.previous = store.previous_versions(
            s, {r.source_record_id for r, _, _ in prepared} & self.revised, events
        )
        hit = set(self.keys)
        unsettled = [
            (row, keys)
            for row, _, keys in prepared
            if (row.source_record_id, row.ref) not in self.previous and hit.isdisjoint(keys)
        ]
        blocking = {k for _, keys in unsettled for k in keys} - trusted
        self.keys.update(store.key_rows(s, blocking))
        person_ids = {p for rows in self.keys.values() for p, _ in rows}
        person_ids |= {i.person_id for i in sig_hits} | {p for _, p in self.previous.values()}
        found, cannot_links = store.persons_and_cannot_links(s, person_ids)
        self._learn_persons(found)
        for identity in sig_hits:
            self._hold(identity)
        wanted = {i for key in trusted for _, i in self.keys.get(key, ())}
        for identity in store.identities_by_id(s, wanted - set(self.identities)):
            self._hold(identity)
        # Candidates are scored against every identity they hold, and trusted matches are
        # checked against every identifier their person holds.
        everyone = {p for _, p in self.previous.values()}
        for row, keys in unsettled:
            everyone.update(p for p, _ in self._ranked(row.kind, keys))
        everyone = {p for person in everyone for p in self._merged_with(person)}
        for identity in store.identities_of_persons(s, everyone):
            if identity.id not in self.identities:
                self._hold(identity)
        survivors = {self.survivor(p) for p in self.kind}
        if not cannot_links:  # no constraint in force anywhere: none to look up
            return
        for a, b in store.cannot_link_pairs(s, survivors | set(self.kind)):
            self._know_persons({a, b})
            self.cannot.add(frozenset((self.survivor(a), self.survivor(b))))

    def _know_persons(self, ids: set[int]) -> None:
        self._learn_persons(store.persons(self.session, ids - set(self.kind)))

    def _learn_persons(self, found: dict[int, tuple[str, int | None]]) -> None:
        for pid, (kind, into) in found.items():
            self.kind[pid], self.into[pid] = kind, into
            if into is not None:
                self.absorbed.setdefault(into, []).append(pid)

    def _hold(self, identity: IdentityState) -> None:
        self.identities[identity.id] = identity
        self.by_sig.setdefault(identity.sig, []).append(identity.id)
        self.by_person.setdefault(identity.person_id, []).append(identity.id)

    def survivor(self, person: int) -> int:
        seen = 0
        while (into := self.into.get(person)) is not None and seen < 100:
            person, seen = into, seen + 1
        return person

    # -- one mention ----------------------------------------------------------------------------

    def _resolve(self, row: MentionRow, feats: Features, keys: list[str]) -> None:
        trusted = self._trusted(row, keys)
        persons = {p for _, p in trusted}
        if len(persons) > 1:
            self._conflict(row, feats, keys, persons, "trusted identifiers name different persons")
            return
        if persons:
            method, person = trusted[0]
            if reason := self._trusted_conflict(feats, person) or self._beside(row, person):
                self._conflict(row, feats, keys, {person}, reason)
                return
            self._link(row, feats, keys, person, method)
            return
        holder = self._same_identity(row, feats)
        if holder is not None and not self._beside(row, holder):
            self._link(row, feats, keys, holder, "same_identity")
            return
        self._score(row, feats, keys)

    def _trusted(self, row: MentionRow, keys: list[str]) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        previous = self.previous.get((row.source_record_id, row.ref))
        if previous is not None:
            found.append(("previous_version", self.survivor(previous[1])))
        for key in keys:
            method = {"l": "local_id", "n": "nhs_number", "u": "upn"}.get(key[:1])
            if method is None or key[1:2] != ":":
                continue
            for person, _ in self.keys.get(key, ()):
                found.append((method, self.survivor(person)))
        found.sort(key=lambda item: _TRUSTED_ORDER.index(item[0]))
        return list(dict.fromkeys(found))

    def _merged_with(self, person: int) -> set[int]:
        """The person and every person known to be merged into it."""
        stack, seen = [person], set()
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(self.absorbed.get(current, ()))
        return seen

    def _identities_of(self, person: int) -> list[IdentityState]:
        """The identities held in memory of a person and of the persons merged into it."""
        return [
            self.identities[i]
            for current in self._merged_with(person)
            for i in self.by_person.get(current, ())
        ]

    def _trusted_conflict(self, feats: Features, person: int) -> str | None:
        """`_identifier_conflict` for a trusted match, counting only the identities the person
        holds through current records: a number the person held only through a record's
        earlier version, which a correction superseded, is not theirs. (Asked of the store only
        when the identities held in memory conflict, which is rare.)"""
        if self._identifier_conflict(feats, person) is None:
            return None
        held = self._identities_of(person)
        stored = [i.id for i in held if not (i.new or i.dirty)]  # the batch's own are current
        current = store.current_identities(self.session, stored) if stored else set()
        kept = [i for i in held if i.new or i.dirty or i.id in current]
        return self._identifier_conflict(feats, person, kept)

    def _identifier_conflict(
        self, feats: Features, person: int, held: list[IdentityState] | None = None
    ) -> str | None:
        """A match whose person holds another valid NHS number and not this one, whatever else
        they share (an NHS number is one person's: a UPN or local id that matches as well says
        the records disagree, not that the person has two); or another UPN and not this one,
        unless the NHS number matches (it outranks the UPN, as in batch clustering). `held`:
        the person's identities to count (all those in memory unless given)."""
        held = self._identities_of(person) if held is None else held
        nhs = {i.features.get("nhs") for i in held} - {None}
        upn = {i.features.get("upn") for i in held} - {None}
        if feats["nhs"] and nhs and feats["nhs"] not in nhs:
            return "the person holds a different NHS number"
        if feats["upn"] and upn and feats["upn"] not in upn and feats["nhs"] not in nhs:
            return "the person holds a different unique pupil number"
        return None

    def _beside(self, row: MentionRow, person: int) -> str | None:
        """Another subject of the same record is linked to this person already: the subjects of
        one record are different people (twins named together, a mother and her daughter)."""
        if person in self._named_beside(row):
            return "another subject of the same record is this person"
        return None

    def _named_beside(self, row: MentionRow) -> set[int]:
        """The persons the record's other subjects are linked to so far."""
        return {self.survivor(p) for p in self.named.get(row.event_id, ())}

    def _holders(self, feats: Features) -> set[int]:
        """The persons holding an identity with exactly these features."""
        return {
            self.survivor(self.identities[i].person_id) for i in self.by_sig.get(feats["sig"], ())
        }

    def _same_identity(self, row: MentionRow, feats: Features) -> int | None:
        """The one person holding this exact identity, if it says enough to tell people apart."""
        if not (feats.get("given") and feats.get("family") and feats.get("dob_d")):
            return None
        holders = {p for p in self._holders(feats) if self.kind.get(p) == row.kind}
        return holders.pop() if len(holders) == 1 else None

    def _ranked(self, kind: str, keys: list[str]) -> list[tuple[int, set[int]]]:
        """Candidate persons of this kind sharing a key, most keys shared first, capped."""
        shared: dict[int, set[str]] = {}
        identity_ids: dict[int, set[int]] = {}
        for key in keys:
            for person, identity in self.keys.get(key, ()):
                survivor = self.survivor(person)
                if self.kind.get(survivor) != kind:
                    continue
                shared.setdefault(survivor, set()).add(key)
                identity_ids.setdefault(survivor, set()).add(identity)
        order = sorted(shared, key=lambda p: (-len(shared[p]), p))[:MAX_CANDIDATES]
        return [(p, identity_ids[p]) for p in order]

    def _score(self, row: MentionRow, feats: Features, keys: list[str]) -> None:
        scored: list[_Scored] = []
        beside = self._named_beside(row)
        for person, _ in self._ranked(row.kind, keys):
            if self._identifier_conflict(feats, person) or person in beside:
                continue  # holding another NHS number or UPN, or named beside it: another person
            held = self._identities_of(person)
            if persons_conflict([feats], [i.features for i in held]):
                continue  # another date of birth, sex or given name on every identity held
            comparison = self._best(feats, held)
            if comparison is not None:
                scored.append(_Scored(person, comparison))
        scored.sort(key=lambda s: -s.comparison.match_weight)
        kept: list[_Scored] = []
        for candidate in scored:  # never propose a person known to differ from a better one
            if not any(frozenset((candidate.person, k.person)) in self.cannot for k in kept):
                kept.append(candidate)
        best = kept[0] if kept else None
        if best is not None and best.comparison.match_probability >= self.thresholds.upper:
            rival = self._rival(scored)
            if rival is None:
                self._link(row, feats, keys, best.person, "model", best.comparison)
            else:
                self._ask_which(row, feats, keys, [best, rival], scored)
        elif best is not None and best.comparison.match_probability >= self.thresholds.lower:
            person = self._new_person(row.kind)
            self._link(row, feats, keys, person, "new_person")
            self._task(row, person, best.person, best.comparison, "the model is unsure")
        else:
            self._link(row, feats, keys, self._new_person(row.kind), "new_person")

    def _ask_which(
        self,
        row: MentionRow,
        feats: Features,
        keys: list[str],
        both: list[_Scored],
        scored: list[_Scored],
    ) -> None:
        """The record fits two persons who cannot be one: a person of its own (its keys indexed,
        so that an NHS number new to the store still gathers its records) and a review task
        naming each; or, when this very identity was placed before, where it went."""
        same = self._holders(feats) & {s.person for s in scored}
        if len(same) == 1:
            self._link(row, feats, keys, same.pop(), "same_identity")
            return
        person = self._new_person(row.kind)
        self._link(row, feats, keys, person, "new_person")
        for candidate in both:
            self._task(row, person, candidate.person, candidate.comparison,
                       "the record fits two persons")  # fmt: skip

    def _rival(self, scored: list[_Scored]) -> _Scored | None:
        """Another person the record fits nearly as well as the best (by less than
        `rival_bits`) who cannot be the best one (another date of birth, NHS number, sex or
        given name, or known to differ): two children of one name at one address, and a record
        with no date of birth. Which of them it is about is a question for a person, not the
        model (a tracing service likewise accepts only a unique match). A runner-up who could be
        the best one (the same child's records not yet joined) is no rival. `scored` is best
        first."""
        if len(scored) < 2:
            return None
        best = scored[0]
        held = [i.features for i in self._identities_of(best.person)]
        for runner in scored[1:]:
            if best.comparison.match_weight - runner.comparison.match_weight >= (
                self.thresholds.rival_bits
            ):
                return None
            pair = frozenset((best.person, runner.person))
            other = [i.features for i in self._identities_of(runner.person)]
            if pair in self.cannot or persons_conflict(held, other):
                return runner
        return None

    def _best(self, feats: Features, identities: list[IdentityState]) -> Comparison | None:
        best: Comparison | None = None
        for identity in identities:
            comparison = self.model.compare(feats, identity.features)
            if comparison.guard is None and (
                best is None or comparison.match_weight > best.match_weight
            ):
                best = comparison
        return best

    def _conflict(
        self, row: MentionRow, feats: Features, keys: list[str], persons: set[int], reason: str
    ) -> None:
        """Trusted facts disagree: a provisional person (or the one an identical conflict made
        before) holds the mention, with a review task for each person the facts name.

        The provisional person's trusted keys are not indexed, so later records carrying one of
        them go on finding the person they found before, and one conflict does not breed more.
        """
        untrusted = [k for k in keys if not k.startswith(TRUSTED_PREFIXES)]
        holder = self._same_identity(row, feats)
        if holder is not None and holder not in persons and not self._beside(row, holder):
            self._link(row, feats, untrusted, holder, "same_identity")
            return
        provisional = self._new_person(row.kind)
        self._link(row, feats, untrusted, provisional, "new_person")
        for person in sorted(persons):
            comparisons = [
                self.model.compare(feats, i.features) for i in self._identities_of(person)
            ]
            best = max(comparisons, key=lambda c: c.match_weight, default=None)
            self._task(row, provisional, person, best, reason)

    # -- unborn children ------------------------------------------------------------------------

    def _resolve_unborn(self, unborn: list[MentionRow], rows: list[MentionRow]) -> None:
        """An unborn child is known by its mother and expected date of delivery."""
        if not unborn:
            return
        events = {row.event_id for row in unborn}
        named = [r for r in rows if r.event_id in events and r.relationship == "mother"]
        earlier = store.linked(self.session, [r.id for r in named if r.id not in self.result.links])
        self._know_persons(set(earlier.values()))
        mothers: dict[int, int] = {}
        for row in named:
            person = self.result.links.get(row.id, earlier.get(row.id))
            if person is not None:
                mothers.setdefault(row.event_id, self.survivor(person))
        keys = {f"b:{m}" for m in mothers.values()}
        for key, found in store.key_rows(self.session, keys).items():
            self.keys.setdefault(key, []).extend(found)
        # A key points at one identity of its person: read every identity of those persons, so
        # that a second pregnancy's record (another due date) finds its own identity.
        unborn_persons = {p for k in keys for p, _ in self.keys.get(k, ())}
        self._know_persons(unborn_persons)
        for identity in store.identities_of_persons(self.session, unborn_persons):
            if identity.id not in self.identities:
                self._hold(identity)
        for row in unborn:
            self._resolve_one_unborn(row, mothers.get(row.event_id))

    def _resolve_one_unborn(self, row: MentionRow, mother: int | None) -> None:
        edd = row.expected_date_of_delivery
        feats: Features = {"mother": mother, "edd": edd.isoformat() if edd else None}
        feats["sig"] = f"unborn:{mother}:{feats['edd']}"
        if mother is None:
            self._link(row, feats, [], self._new_person("unborn"), "new_person")
            return
        key = f"b:{mother}"
        for person, _ in self.keys.get(key, ()):
            if self._beside(row, self.survivor(person)):
                continue  # twins expected: two unborn subjects of one record
            for other in self._identities_of(self.survivor(person)):
                if _same_pregnancy(feats["edd"], other.features.get("edd")):
                    self._link(row, feats, [key], self.survivor(person), "mother_and_edd")
                    return
        self._link(row, feats, [key], self._new_person("unborn"), "new_person")

    # -- recording ------------------------------------------------------------------------------

    def _new_person(self, kind: str) -> int:
        person = self.ids.take(store.T_PERSON)
        self.kind[person], self.into[person] = kind, None
        self.rows["persons"].append({"id": person, "kind": kind, "created_at": self.now})
        self.result.persons_created.append(person)
        return person

    def _link(
        self,
        row: MentionRow,
        feats: Features,
        keys: list[str],
        person: int,
        method: str,
        comparison: Comparison | None = None,
    ) -> None:
        identity = self._attach(row, feats, keys, person)
        self.rows["links"].append(
            {
                "mention_id": row.id,
                "person_id": person,
                "identity_id": identity,
                "method": method,
                "match_weight": comparison.match_weight if comparison else None,
                "match_probability": comparison.match_probability if comparison else None,
                "model_version": self.model.version if comparison else None,
                "decided_by_user_id": None,
                "decided_by": None,
                "decided_at": self.now,
            }
        )
        self.rows["history"].append(
            {
                "mention_id": row.id,
                "from_person_id": None,
                "to_person_id": person,
                "method": method,
                "reason": None,
                "actor": self.actor.label,
                "actor_user_id": self.actor.user_id,
                "at": self.now,
            }
        )
        self.result.links[row.id] = person
        self.result.methods[row.id] = method
        self.named.setdefault(row.event_id, set()).add(person)

    def _attach(self, row: MentionRow, feats: Features, keys: list[str], person: int) -> int:
        """The person's identity for these features: a sighting of a held one, or a new one."""
        for identity_id in self.by_sig.get(feats["sig"], ()):
            identity = self.identities[identity_id]
            if self.survivor(identity.person_id) == person:
                identity.sighted(row.occurred_at)
                # Equal features give equal blocking and identifier keys: only a source's
                # local id can be new to a held identity.
                local = [k for k in keys if k.startswith("l:")]
                self._add_keys(local, identity.person_id, identity.id)
                return identity.id
        identity = IdentityState(
            id=self.ids.take(store.T_IDENTITY),
            person_id=person,
            sig=feats["sig"],
            features=feats,
            first_seen=row.occurred_at,
            last_seen=row.occurred_at,
            mention_count=1,
            new=True,
        )
        self._hold(identity)
        self._add_keys(keys, person, identity.id)
        return identity.id

    def _add_keys(self, keys: list[str], person: int, identity: int) -> None:
        """Index the keys for the person: once a person (not once an identity), since
        candidates are scored against every identity of the persons a key finds."""
        for key in dict.fromkeys(keys):
            held = self.keys.setdefault(key, [])
            holders = self.holders.get(key)
            if holders is None:
                holders = self.holders[key] = {p for p, _ in held}
            if person in holders:
                continue
            holders.add(person)
            held.append((person, identity))
            self.rows["keys"].append({"key": key, "person_id": person, "identity_id": identity})

    def _task(
        self,
        row: MentionRow,
        person: int,
        candidate: int,
        comparison: Comparison | None,
        reason: str,
    ) -> None:
        self.rows["tasks"].append(
            {
                "mention_id": row.id,
                "person_id": person,
                "candidate_person_id": candidate,
                "reason": reason,
                "match_weight": comparison.match_weight if comparison else None,
                "match_probability": comparison.match_probability if comparison else None,
                "model_version": self.model.version if comparison else None,
                "explanation": [asdict(lv) for lv in comparison.levels] if comparison else [],
                "status": "open",
                "created_at": self.now,
            }
        )

    def _write(self) -> None:
        """The batch's rows: its new rows in one statement where the engine allows (see
        `bulk_insert_all`), its identities seen again by one UPDATE run."""
        s, rows = self.session, self.rows
        if rows["tasks"]:
            for task, key in zip(
                rows["tasks"], store.reserve(s, store.T_TASK, len(rows["tasks"])), strict=True
            ):
                task["id"] = key
                self.result.review_task_ids.append(key)
        store.update_identities(s, [i for i in self.identities.values() if i.dirty and not i.new])
        identities = [
            {
                "id": i.id, "person_id": i.person_id, "sig": i.sig, "features": i.features,
                "first_seen": i.first_seen, "last_seen": i.last_seen,
                "mention_count": i.mention_count,
            }
            for i in self.identities.values() if i.new
        ]  # fmt: skip
        store.insert_all(
            s,
            [
                (store.T_PERSON, rows["persons"]),
                (store.T_IDENTITY, identities),
                (store.T_KEY, rows["keys"]),
                (store.T_LINK, rows["links"]),
                (store.T_HISTORY, rows["history"]),
                (store.T_TASK, rows["tasks"]),
            ],
        )


# Features and blocking keys of identities seen lately, per model: most mentions repeat an
# identity already seen (the same child in the same agency's records).
_FEATURES: dict[int, tuple[Scorer, dict[Identity, tuple[Features, list[str]]]]] = {}
_FEATURES_KEPT = 100_000


def _features(model: Scorer, identity: Identity) -> tuple[Features, list[str]]:
    entry = _FEATURES.get(id(model))
    if entry is None or entry[0] is not model:
        entry = _FEATURES[id(model)] = (model, {})
    cache = entry[1]
    found = cache.get(identity)
    if found is None:
        if len(cache) >= _FEATURES_KEPT:
            cache.clear()
        features = model.features(identity)
        found = cache[identity] = (features, model.blocking_keys(features))
    return found


def _adults_for(row: MentionRow, adults: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    return adults.get(row.event_id, ()) if row.role == "child" else ()


def _same_pregnancy(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    gap = abs(date.fromisoformat(a) - date.fromisoformat(b))
    return gap <= timedelta(days=UNBORN_EDD_DAYS)
