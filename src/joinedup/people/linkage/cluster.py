"""Clustering scored pairs into persons without ever joining what must stay apart.

Plain connected components let one vague record (no given name, say) chain two twins into one
person. Here edges are taken strongest first, and two groups join only if nothing forbids it:
different NHS numbers or UPNs, different sexes, no given name in common (by the model's own
given-name comparison), or a person's decision that they are not the same (a cannot-link).
Decisions that they are the same (must-links) are joined first, unconditionally.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from joinedup.people.linkage.comparisons import DOB, GIVEN
from joinedup.people.linkage.types import Features

_NAME_FIELDS = frozenset(("given", "given_all", "given_var", "family", "family_all"))
_DOB_FIELDS = frozenset(("dob_y", "dob_m", "dob_d", "dob_o"))
_DOB_AGREE = frozenset({"exact", "day and month swapped", "a slip", "one part different"})
# A spelling held by this many identities of a group is the person's name, not a slip: two
# groups whose names are only similar ("Lily" and "Lila", twins) are not joined on it. Where the
# identities' sources are known, independent sources are counted instead: an agency that copies
# its own slip ("Rtua") into every later record attests it once, while twins are each known by
# name to several agencies (health, school, early years).
ATTESTED = 3
ATTESTING_SOURCES = 2


@dataclass(slots=True)
class _Group:
    members: list[int]
    nhs: set[str] = field(default_factory=set)
    upn: set[str] = field(default_factory=set)
    sex: set[str] = field(default_factory=set)
    names: dict[tuple[object, ...], Features] = field(default_factory=dict)
    named_rows: int = 0
    name_sources: set[str] = field(default_factory=set)
    dobs: dict[int, Features] = field(default_factory=dict)


# Groups are compared many times over as they grow: each pair of names or dates once.
_GIVEN_LABELS: dict[tuple[object, object], str] = {}
_DOB_AGREEMENT: dict[tuple[int, int], bool] = {}


def _given_label(ka: tuple[object, ...], a: Features, kb: tuple[object, ...], b: Features) -> str:
    key = (ka, kb)
    found = _GIVEN_LABELS.get(key)
    if found is None:
        if len(_GIVEN_LABELS) > 1_000_000:
            _GIVEN_LABELS.clear()
        found = _GIVEN_LABELS[key] = GIVEN.levels[GIVEN.level_of(a, b)].label
    return found


def _dobs_agree(da: int, a: Features, db: int, b: Features) -> bool:
    key = (da, db)
    found = _DOB_AGREEMENT.get(key)
    if found is None:
        if len(_DOB_AGREEMENT) > 1_000_000:
            _DOB_AGREEMENT.clear()
        found = _DOB_AGREEMENT[key] = DOB.levels[DOB.level_of(a, b)].label in _DOB_AGREE
    return found


def _name_key(row: Features) -> tuple[object, ...]:
    """The name fields as a hashable key (lists as tuples)."""
    given_all, given_var, family_all = row["given_all"], row["given_var"], row["family_all"]
    return (
        row["given"],
        tuple(given_all) if given_all else given_all,
        tuple(given_var) if given_var else given_var,
        row["family"],
        tuple(family_all) if family_all else family_all,
    )


class Clustering:
    def __init__(
        self,
        rows: Sequence[Features],
        cannot: Mapping[int, set[int]] | None = None,
        sources: Sequence[frozenset[str]] | None = None,
    ) -> None:
        self.rows = rows
        self.sources = sources
        self.parent = list(range(len(rows)))
        self.groups: dict[int, _Group] = {}  # made when a row is first joined
        self.cannot = cannot or {}
        self.refused = 0

    def group(self, root: int) -> _Group:
        found = self.groups.get(root)
        if found is not None:
            return found
        row = self.rows[root]
        group = self.groups[root] = _Group([root])
        if nhs := row.get("nhs"):
            group.nhs.add(nhs)
        if upn := row.get("upn"):
            group.upn.add(upn)
        if sex := row.get("sex"):
            group.sex.add(sex)
        if row.get("given") and row.keys() >= _NAME_FIELDS:
            group.names[_name_key(row)] = row  # only its name fields are read
            group.named_rows = 1
            if self.sources is not None:  # a row of unknown source is a source of its own
                group.name_sources.update(self.sources[root] or {f"row {root}"})
        if row.get("dob_o") is not None and row.keys() >= _DOB_FIELDS:
            group.dobs[row["dob_o"]] = row  # only its date fields are read
        return group

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def conflict(self, x: _Group, y: _Group) -> bool:
        if x.nhs and y.nhs and x.nhs.isdisjoint(y.nhs):
            return True
        if x.upn and y.upn and x.upn.isdisjoint(y.upn):
            return True
        if self._forbidden(x, y):
            return True
        if not (x.nhs.isdisjoint(y.nhs) and x.upn.isdisjoint(y.upn)):
            return False  # a shared trusted identifier outranks names and sex
        if len(x.sex | y.sex) > 1:
            return True
        if (
            x.dobs
            and y.dobs
            and not any(
                _dobs_agree(da, a, db, b) for da, a in x.dobs.items() for db, b in y.dobs.items()
            )
        ):
            return True  # every full date of birth of one disagrees with every one of the other
        return self._names_conflict(x, y)

    def _attested(self, x: _Group, y: _Group) -> bool:
        """Whether each group's names are attested often enough to be names, not slips."""
        if self.sources is None:
            return min(x.named_rows, y.named_rows) >= ATTESTED
        return min(len(x.name_sources), len(y.name_sources)) >= ATTESTING_SOURCES

    def _names_conflict(self, x: _Group, y: _Group) -> bool:
        if not (x.names and y.names):
            return False
        labels = {
            _given_label(ka, a, kb, b) for ka, a in x.names.items() for kb, b in y.names.items()
        }
        if labels & {"exact", "equivalent", "swapped"}:
            return False
        if labels & {"similar", "a slip of a known form"}:
            return self._attested(x, y)
        return True

    def _forbidden(self, x: _Group, y: _Group) -> bool:
        """A person decided that a member of one is not the same as a member of the other."""
        if not self.cannot:
            return False
        small, large = (x, y) if len(x.members) <= len(y.members) else (y, x)
        large_root = self.find(large.members[0])
        return any(
            self.find(other) == large_root
            for member in small.members
            for other in self.cannot.get(member, ())
        )

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        x, y = self.group(ra), self.group(rb)
        if not force and self.conflict(x, y):
            self.refused += 1
            return False
        if len(x.members) < len(y.members):
            ra, rb, x, y = rb, ra, y, x
        self.parent[rb] = ra
        x.members.extend(y.members)
        x.nhs |= y.nhs
        x.upn |= y.upn
        x.sex |= y.sex
        x.names.update(y.names)
        x.named_rows += y.named_rows
        x.name_sources |= y.name_sources
        x.dobs.update(y.dobs)
        del self.groups[rb]
        return True

    def labels(self) -> list[int]:
        return [self.find(i) for i in range(len(self.parent))]


def cluster(
    rows: Sequence[Features],
    edges: Iterable[tuple[int, int, float]],
    *,
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    sources: Sequence[frozenset[str]] | None = None,
) -> tuple[list[int], int]:
    """A cluster label for every row, and how many joins the constraints refused.

    `edges` are (row, row, match weight) pairs already above the threshold and without a guard;
    `sources` (optional) the source agencies that sent each row.
    """
    cannot_map: dict[int, set[int]] = {}
    for a, b in cannot:
        cannot_map.setdefault(a, set()).add(b)
        cannot_map.setdefault(b, set()).add(a)
    clustering = Clustering(rows, cannot_map, sources)
    for a, b in must:
        clustering.union(a, b, force=True)
    for a, b, _ in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):  # ties: reproducibly
        clustering.union(a, b)
    return clustering.labels(), clustering.refused


def persons_conflict(a: Sequence[Features], b: Sequence[Features]) -> bool:
    """Whether two sets of identities (a mention's and a person's) cannot be one person.

    The same checks clustering makes before joining two groups, so that online resolution
    does not link a mention to a person through one vague identity (a record with no date of
    birth) when the person's other identities rule it out.
    """
    if not a or not b:
        return False
    clustering = Clustering([*a, *b])
    for i in range(1, len(a)):
        clustering.union(0, i, force=True)
    for j in range(len(a) + 1, len(a) + len(b)):
        clustering.union(len(a), j, force=True)
    x = clustering.group(clustering.find(0))
    y = clustering.group(clustering.find(len(a)))
    return clustering.conflict(x, y)
