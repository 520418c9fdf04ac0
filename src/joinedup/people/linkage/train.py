"""Training the model with Splink 5, unsupervised, on the identities it is given.

1. Given-name equivalences are learned from identities that share a valid NHS number or UPN: two
   names used for the same identifier (by at most four names in all: more is a shared or
   mistyped number) are forms of one name. This is how "Kasia" comes to mean "Katarzyna"
   without anyone typing in a list of Polish diminutives.
2. Splink estimates u from random pairs, the prior from the trusted identifiers, and m by
   expectation maximisation on two blocking rules that each leave the other's comparisons free.
   EM is never blocked on the postcode: that teaches the model "same household", not "same child".
"""

from __future__ import annotations

import gc
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jellyfish
import pyarrow as pa

from joinedup.people.linkage import normalise as n
from joinedup.people.linkage.comparisons import (
    COMPARISONS,
    SIMILAR,
    deletions,
    spell,
    splink_comparison,
)
from joinedup.people.linkage.model import (
    FEATURE_COLUMNS,
    KEY_COLUMNS,
    PARTIAL_DATE_KEYS,
    TF_COLUMNS,
    LinkageModel,
    block_values,
    equivalence_table,
    features,
)
from joinedup.people.linkage.types import Features, Identity

log = logging.getLogger(__name__)

MIN_SUPPORT = 1
PREDICTION_RULES = (*(k for k in KEY_COLUMNS if k not in PARTIAL_DATE_KEYS.values()), "nhs", "upn")


@dataclass(frozen=True, slots=True)
class Prepared:
    """Distinct identities (one row per signature) and, for every input, its row."""

    rows: list[Features]
    row_of: list[int]  # input index -> index into rows
    equivalences: dict[str, frozenset[str]]
    sources: list[frozenset[str]] | None = None  # each row's agencies, where several sent rows


def learn_equivalences(identities: Sequence[Identity]) -> dict[str, frozenset[str]]:
    """Given names that the same trusted identifier carries, seen for several people."""
    names_by_id: dict[str, set[str]] = defaultdict(set)
    family_by_id: dict[str, set[str]] = defaultdict(set)
    for identity in identities:
        tokens = n.name_tokens(identity.given_names)
        if not tokens:
            continue
        for key in (identity.nhs_number and f"n:{identity.nhs_number}",
                    identity.upn and f"u:{identity.upn}"):  # fmt: skip
            if key:
                names_by_id[key].add(tokens[0])
                family_by_id[key].update(n.name_tokens(identity.family_name))
    support: dict[tuple[str, str], int] = defaultdict(int)
    for key, all_names in names_by_id.items():
        names = all_names - family_by_id[key]  # a family name in the given field is a swap
        if len(names) < 2 or len(names) > 4:  # more than four names is a shared or wrong number
            continue
        ordered = sorted(names)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                alike = jellyfish.jaro_winkler_similarity(a, b) >= SIMILAR
                if alike or b in n.nickname_variants(a):
                    continue  # already alike without learning
                support[(a, b)] += 1
    pairs = [pair for pair, count in support.items() if count >= MIN_SUPPORT]
    return equivalence_table(pairs)


def prepare(identities: Sequence[Identity], equivalences: dict[str, frozenset[str]]) -> Prepared:
    rows: list[Features] = []
    index_of: dict[str, int] = {}
    row_of: list[int] = []
    sources: list[frozenset[str]] = []
    interned: dict[frozenset[str], frozenset[str]] = {}
    # The same identity sent by several agencies is featured once (features ignore the source).
    seen: dict[tuple[object, ...], int] = {}
    # Millions of small dicts, none of them cyclic: the cycle collector would only walk them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for identity in identities:
            held = _held(identity)
            index = seen.get(held)
            if index is None:
                feats = features(identity, equivalences)
                index = index_of.get(feats["sig"])
                if index is None:
                    index = index_of[feats["sig"]] = len(rows)
                    rows.append(feats)
                    sources.append(frozenset())
                seen[held] = index
            row_of.append(index)
            if identity.source_agency and identity.source_agency not in sources[index]:
                found = sources[index] | {identity.source_agency}
                sources[index] = interned.setdefault(found, found)
    finally:
        if collecting:
            gc.enable()
    # Sources tell attestations apart only where a file has several (clustering counts rows else).
    several = len(set().union(*interned)) > 1
    return Prepared(rows, row_of, equivalences, sources if several else None)


def _held(identity: Identity) -> tuple[object, ...]:
    """Everything of an identity that its features read (all but the source agency)."""
    return (
        identity.given_names, identity.family_name, identity.other_names,
        identity.date_of_birth, identity.sex, identity.nhs_number, identity.upn,
        identity.postcode, identity.address, identity.school_urn, identity.adults,
    )  # fmt: skip


_LIST = pa.list_(pa.string())
SCHEMA = pa.schema(
    [
        ("unique_id", pa.int64()),
        *[
            (c, _LIST if c in ("given_all", "given_var", "family_all", "adults") else pa.string())
            for c in FEATURE_COLUMNS
            if not c.startswith("dob_")
        ],
        ("given_del", _LIST),  # comparisons.deletions of "given", for SQL only
        ("dob_y", pa.int32()),
        ("dob_m", pa.int32()),
        ("dob_d", pa.int32()),
        ("dob_o", pa.int64()),
        *[(k, pa.string()) for k in KEY_COLUMNS],
    ]
)


def to_arrow(rows: Sequence[Features]) -> pa.Table:
    columns: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    # The SQL compares a row's known forms of its given name only with other rows' given names
    # and their one-letter deletions, and the deletions only with other rows' known forms: what
    # no other row could meet is left out of the table (most of a name's nicknames, and most
    # deletions: "imm", "jmm" of "jimm"), the same levels for less work. The rows' features,
    # which online scoring and clustering read, keep everything.
    forms: set[str] = set().union(*(row["given_var"] or () for row in rows))
    met: set[str] = set().union(*(row["given_all"] or () for row in rows))
    met.update(d for row in rows for d in deletions(row["given"]))
    for i, row in enumerate(rows):
        columns["unique_id"].append(i)
        for c in FEATURE_COLUMNS:
            columns[c].append(row[c])
        columns["given_var"][-1] = [v for v in row["given_var"] or () if v in met] or None
        columns["given_del"].append([d for d in deletions(row["given"]) if d in forms] or None)
        for k, v in block_values(row).items():
            columns[k].append(v)
    return pa.Table.from_pydict(columns, schema=SCHEMA)


def settings(dialect: str) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-4,
        "comparisons": [splink_comparison(c, dialect) for c in COMPARISONS],
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": spell(rule, dialect)} for k in PREDICTION_RULES for rule in _rules(k)
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "max_iterations": 20,
        # Past this EM only moves the prior, which batch.recalibrated counts afresh anyway.
        "em_convergence": 0.001,
    }


def _rules(key: str) -> list[str]:
    """The blocking rules of a key: equal on both sides, or for a year key, the partial
    record's key (either side) equal to the other's."""
    partial = PARTIAL_DATE_KEYS.get(key)
    if partial is None:
        return [f'l."{key}" = r."{key}"']
    return [f'l."{partial}" = r."{key}"', f'l."{key}" = r."{partial}"']


def train(linker: Any, rows: int, dialect: str = "duckdb") -> None:
    """Estimate the model's parameters on a linker whose data are registered."""
    # A first guess (recalibrated on the persons found, batch.recalibrated).
    linker.training.estimate_probability_two_random_records_match(
        [
            spell(rule, dialect)
            for rule in (
                'l."nhs" = r."nhs"',
                'l."upn" = r."upn"',
                'l."dob_o" = r."dob_o" AND l."given" = r."given" AND l."family" = r."family"',
            )
        ],
        recall=0.6,
    )
    pairs = min(2e6, max(2e5, rows * 8))
    # One pass over the sampled pairs for every comparison: Splink's default (ten chunks per
    # comparison, stopping once each level is seen 100 times) runs all ten for the rare levels
    # (a shared NHS number, swapped names), 80 queries where 9 give the same counts.
    linker.training.estimate_u_using_random_sampling(max_pairs=pairs, seed=1, num_chunks=1)
    # Blocked on the date of birth: trains the names, sex, place, school and identifiers.
    linker.training.estimate_parameters_using_expectation_maximisation(
        spell('l."dob_o" = r."dob_o"', dialect), estimate_without_term_frequencies=True
    )
    # Blocked on the two names' sounds: trains the date of birth (and the rest once more).
    linker.training.estimate_parameters_using_expectation_maximisation(
        spell('l."k_gf" = r."k_gf"', dialect), estimate_without_term_frequencies=True
    )


def model_from_linker(linker: Any, prepared: Prepared, trained_on: dict[str, Any]) -> LinkageModel:
    splink_json = linker.misc.save_model_to_json()
    return LinkageModel(
        splink=splink_json,
        equivalences=prepared.equivalences,
        term_frequencies=frequencies(prepared.rows, range(len(prepared.rows))),
        trained_on=trained_on,
    )


def frequencies(rows: Sequence[Features], persons: Sequence[int]) -> dict[str, dict[str, float]]:
    """For each name column, the share of persons who bear each name (`persons[i]` is row i's
    person; each row its own person gives Splink's per-record term frequencies)."""
    tables: dict[str, dict[str, float]] = {}
    for column in TF_COLUMNS:
        bearers: dict[str, set[int]] = defaultdict(set)
        for row, person in zip(rows, persons, strict=True):
            if row[column] is not None:
                bearers[row[column]].add(person)
        everyone = len({p for ids in bearers.values() for p in ids}) or 1
        tables[column] = {name: len(ids) / everyone for name, ids in sorted(bearers.items())}
    return tables
