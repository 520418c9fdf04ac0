"""The trained linkage model, used online without Splink: features, blocking keys, scoring.

A model file holds the Splink model (settings with trained m and u probabilities, exactly as
`linker.misc.save_model_to_json` writes it) and the given-name equivalences learned from records
that share a trusted identifier. Scoring a pair evaluates the Python form of each comparison
level (comparisons.py) and adds Splink's log2 Bayes factors, so a mention is scored in
microseconds instead of a database round trip per pair.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from joinedup.people.linkage import normalise as n
from joinedup.people.linkage.comparisons import COMPARISONS, guard
from joinedup.people.linkage.types import Comparison, Features, Identity, Level

FORMAT = "joinedup-linkage/1"
DEFAULT_MODEL = "default_model.json"

# The columns a features dict holds, in a fixed order (the signature hashes them in this order).
FEATURE_COLUMNS = (
    "nhs", "upn", "given", "given_all", "given_var", "family", "family_all",
    "dob_y", "dob_m", "dob_d", "dob_o", "sex", "pc", "pcd", "addr", "addr_no",
    "school", "adults",
)  # fmt: skip
KEY_COLUMNS = (
    "k_dg", "k_df", "k_gf", "k_pg", "k_pf", "k_dp", "k_da", "k_yg", "k_yf", "k_ygp", "k_yfp",
)  # fmt: skip
# Keys batch linkage blocks on but online look-ups do not: a home's key finds every record of
# the household for each mention, look-ups the online budget cannot spare; a record it alone
# would find becomes a new person online, and the next batch re-linking joins it.
BATCH_ONLY_KEYS = frozenset({"k_da", "k_yg", "k_yf", "k_ygp", "k_yfp"})
# The year of birth with a name's sound pairs a record with a partial date of birth ("2014",
# "2012-03") with the records of that year: every record with a year holds k_yg and k_yf, only
# a record with a partial date k_ygp and k_yfp, and batch linkage blocks on one side's partial
# key equal to the other's (the records with full dates of one year and one name's sound are
# many, and share the date keys already).
PARTIAL_DATE_KEYS = {"k_yg": "k_ygp", "k_yf": "k_yfp"}
TF_COLUMNS = ("given", "family")


class ModelFileInvalid(ValueError):
    """A model file that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class _Weights:
    """log2 Bayes factors per comparison level, in the order of the comparison's levels."""

    by_comparison: dict[str, tuple[float, ...]]


@dataclass(slots=True)
class LinkageModel:
    splink: dict[str, Any]
    equivalences: dict[str, frozenset[str]] = field(default_factory=dict)
    # How common each name is (share of identities), for the exact-name levels.
    term_frequencies: dict[str, dict[str, float]] = field(default_factory=dict)
    trained_on: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    _weights: _Weights | None = None
    _prior_weight: float = 0.0
    _u_exact: dict[str, float | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._weights = _weights_from(self.splink)
        self._u_exact = _u_of_tf_levels(self.splink)
        prior = float(self.splink.get("probability_two_random_records_match", 1e-4))
        self._prior_weight = math.log2(prior / (1 - prior))
        if not self.version:
            self.version = hashlib.sha256(self.to_json()).hexdigest()[:12]

    # -- features -------------------------------------------------------------------------------

    def features(self, identity: Identity) -> Features:
        return features(identity, self.equivalences)

    def blocking_keys(self, features: Features) -> list[str]:
        return blocking_keys(features)

    # -- scoring --------------------------------------------------------------------------------

    def compare(self, a: Features, b: Features) -> Comparison:
        if self._weights is None:  # pragma: no cover - set in __post_init__
            raise ModelFileInvalid("the model has no weights")
        total = self._prior_weight
        found: list[Level] = []
        labels: dict[str, str] = {}
        for spec in COMPARISONS:
            index = spec.level_of(a, b)
            level = spec.levels[index]
            weight = self._weights.by_comparison[spec.name][index]
            if level.tf:
                weight += self.tf_adjustment(spec.name, level.tf, a, b)
            labels[spec.name] = level.label
            total += weight
            found.append(Level(spec.name, level.label, round(weight, 2), level.text))
        return Comparison(
            match_weight=total,
            match_probability=probability(total),
            levels=tuple(found),
            guard=guard(labels),
        )

    def tf_adjustment(self, comparison: str, column: str, a: Features, b: Features) -> float:
        """Splink's term-frequency adjustment: a rare name agreeing is stronger evidence."""
        table = self.term_frequencies.get(column)
        if not table:
            return 0.0
        found = [t for t in (table.get(a[column]), table.get(b[column])) if t is not None]
        u_exact = self._u_exact[comparison]
        if not found or u_exact is None:
            return 0.0
        return math.log2(u_exact) - math.log2(max(*found, 1e-12))

    def level_weights(self, comparison: str) -> tuple[float, ...]:
        """The weight of each level of a comparison, in the comparison's order (null first)."""
        if self._weights is None:  # pragma: no cover - set in __post_init__
            raise ModelFileInvalid("the model has no weights")
        return self._weights.by_comparison[comparison]

    @property
    def prior_weight(self) -> float:
        """log2 of the prior odds that two identities are one person."""
        return self._prior_weight

    # -- persistence ----------------------------------------------------------------------------

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "format": FORMAT,
                "trained_on": self.trained_on,
                "term_frequencies": self.term_frequencies,
                "equivalences": sorted(
                    [a, b] for a, names in self.equivalences.items() for b in names if a < b
                ),
                "splink": self.splink,
            },
            option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS,
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.to_json())


def features(identity: Identity, equivalences: Mapping[str, frozenset[str]]) -> Features:
    """What the comparisons read of one identity (JSON-ready; lists are None when empty)."""
    given_tokens = n.name_tokens(identity.given_names)
    family_tokens = n.name_tokens(identity.family_name)
    alias_given, alias_family = n.split_other_names(identity.other_names)
    given_all = list(dict.fromkeys((*given_tokens, *alias_given)))
    variants: set[str] = set()
    for token in given_all:
        variants |= n.nickname_variants(token)
        variants |= equivalences.get(token, frozenset())
    family_all = list(dict.fromkeys((*family_tokens, *alias_family)))
    year, month, day = n.date_parts(identity.date_of_birth)
    postcode, district = n.postcode(identity.postcode)
    adults = sorted({_adult_key(a) for a in identity.adults} - {""})
    result: Features = {
        "nhs": identity.nhs_number or None,
        "upn": identity.upn or None,
        "given": given_tokens[0] if given_tokens else None,
        "given_all": given_all or None,
        "given_var": sorted(variants - set(given_all)) or None,
        "family": "".join(family_tokens) or None,
        "family_all": family_all or None,
        "dob_y": year,
        "dob_m": month,
        "dob_d": day,
        "dob_o": n.ordinal(year, month, day),
        "sex": n.sex(identity.sex),
        "pc": postcode,
        "pcd": district,
        "addr": (addr := n.address(identity.address)),
        "addr_no": " ".join(w for w in addr.split() if w.isdigit()) or None if addr else None,
        "school": identity.school_urn or None,
        "adults": adults or None,
    }
    result["sig"] = signature(result)
    return result


def blocking_keys(features: Features) -> list[str]:
    """The look-up keys of an identity: blocking keys, and its NHS number and UPN if valid."""
    keys = [
        f"{column}:{value}"
        for column, value in block_values(features).items()
        if value and column not in BATCH_ONLY_KEYS
    ]
    if features["nhs"]:
        keys.append(f"n:{features['nhs']}")
    if features["upn"]:
        keys.append(f"u:{features['upn']}")
    return keys


def probability(weight: float) -> float:
    odds: float = 2.0 ** max(min(weight, 1000.0), -1000.0)
    return odds / (1 + odds)


def signature(features: Mapping[str, Any]) -> str:
    """A stable hash of everything compared: equal signatures compare as identical."""
    payload = orjson.dumps([features[c] for c in FEATURE_COLUMNS])
    return hashlib.blake2b(payload, digest_size=12).hexdigest()


def block_values(features: Features) -> dict[str, str | None]:
    """The blocking keys as columns (batch) — online look-ups use the same values as strings,
    less BATCH_ONLY_KEYS.

    Each key pairs two facts so that one error (a swapped name, a slipped date, a move) still
    leaves another key shared: date of birth with given or family sound, the two names' sounds
    in either order, postcode with given or family sound, date of birth with postcode; in batch
    also the home (postcode district and address) and the year of birth with either name's sound.
    """
    given = n.phonetic(features["given"]) if features["given"] else None
    family = n.phonetic(features["family"]) if features["family"] else None
    dob, year = features["dob_o"], features["dob_y"]
    pc = features["pc"]
    names = sorted(x for x in (given, family) if x)
    return {
        "k_dg": f"{dob}|{given}" if dob is not None and given else None,
        "k_df": f"{dob}|{family}" if dob is not None and family else None,
        "k_gf": "|".join(names) if len(names) == 2 else None,
        "k_pg": f"{pc}|{given}" if pc and given else None,
        "k_pf": f"{pc}|{family}" if pc and family else None,
        "k_dp": f"{dob}|{pc}" if dob is not None and pc else None,
        "k_da": _district_address(features),
        "k_yg": f"{year}|{given}" if year is not None and given else None,
        "k_yf": f"{year}|{family}" if year is not None and family else None,
        "k_ygp": f"{year}|{given}" if year is not None and dob is None and given else None,
        "k_yfp": f"{year}|{family}" if year is not None and dob is None and family else None,
    }


def _district_address(features: Features) -> str | None:
    """The postcode district and the address's first words: one home, whatever the postcode's
    inward code (often mistyped: "KF9 7UE" as "KF9 7EU") or the names' spellings."""
    if not features["pcd"] or not features["addr"]:
        return None
    return f"{features['pcd']}|{' '.join(features['addr'].split()[:3])}"


def _adult_key(name: str) -> str:
    tokens = n.name_tokens(name)
    if not tokens:
        return ""
    return f"{tokens[0]}|{tokens[-1]}" if len(tokens) > 1 else tokens[0]


def _weights_from(splink: dict[str, Any]) -> _Weights:
    by_name = {c["output_column_name"]: c for c in splink.get("comparisons", [])}
    weights: dict[str, tuple[float, ...]] = {}
    for spec in COMPARISONS:
        comparison = by_name.get(spec.name)
        if comparison is None:
            raise ModelFileInvalid(f"the model has no comparison {spec.name!r}")
        levels = comparison["comparison_levels"]
        if [lv.get("label_for_charts") for lv in levels] != [lv.label for lv in spec.levels]:
            raise ModelFileInvalid(
                f"comparison {spec.name!r}: its levels differ from this version of Joined Up"
            )
        weights[spec.name] = tuple(_bayes_factor_weight(lv) for lv in levels)
    return _Weights(weights)


def _u_of_tf_levels(splink: dict[str, Any]) -> dict[str, float | None]:
    """For each comparison with a term-frequency level, that level's u probability."""
    found: dict[str, float | None] = {}
    for comparison in splink.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("tf_adjustment_column"):
                u = level.get("u_probability")
                found[comparison["output_column_name"]] = float(u) if u else None
    return found


def _bayes_factor_weight(level: Mapping[str, Any]) -> float:
    if level.get("is_null_level"):
        return 0.0
    m, u = level.get("m_probability"), level.get("u_probability")
    if m is None or u is None or m <= 0 or u <= 0:
        return 0.0  # untrained: no evidence either way
    return math.log2(m / u)


def equivalence_table(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for a, b in pairs:
        table.setdefault(a, set()).add(b)
        table.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in table.items()}


def from_json(data: bytes, source: str) -> LinkageModel:
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise ModelFileInvalid(f"{source}: not JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileInvalid(f"{source}: not a Joined Up linkage model (format {FORMAT})")
    try:
        return LinkageModel(
            splink=doc["splink"],
            equivalences=equivalence_table((a, b) for a, b in doc.get("equivalences", [])),
            term_frequencies=doc.get("term_frequencies", {}),
            trained_on=doc.get("trained_on", {}),
        )
    except ModelFileInvalid as exc:
        raise ModelFileInvalid(f"{source}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileInvalid(f"{source}: malformed ({exc})") from exc


@lru_cache(maxsize=8)
def load_model(path: Path | None = None) -> LinkageModel:
    """The model at `path`, or the default model packaged with Joined Up."""
    if path is None:
        data = resources.files("joinedup.people.linkage").joinpath(DEFAULT_MODEL).read_bytes()
        return from_json(data, f"joinedup/people/linkage/{DEFAULT_MODEL}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelFileInvalid(f"{path}: cannot be read ({exc.strerror})") from exc
    return from_json(data, str(path))
