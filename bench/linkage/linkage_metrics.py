"""Accuracy of a clustering against the truth: pairwise and cluster-level precision, recall, F1.

Both clusterings are given as labels aligned by position: truth[i] and predicted[i] are the true
and predicted person of record i. Pairs are counted through the contingency table (for each
cell of records sharing a predicted and a true label, C(n, 2) pairs), never enumerated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class PairCounts:
    true_positive: int
    predicted: int
    actual: int

    def scores(self) -> Scores:
        return _scores(self.true_positive, self.predicted, self.actual)


class OutputInvalid(ValueError):
    """A tool's CLUSTERS.csv does not hold exactly one row per input record."""


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scores(correct: int, predicted: int, actual: int) -> Scores:
    """Precision is 1.0 when nothing was predicted; recall is 1.0 when there was nothing to find."""
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    return Scores(precision, recall, _f1(precision, recall))


def pair_counts(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> PairCounts:
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted labels must cover the same records")
    cells = Counter(zip(predicted, truth, strict=True))
    return PairCounts(
        true_positive=sum(_pairs(n) for n in cells.values()),
        predicted=sum(_pairs(n) for n in Counter(predicted).values()),
        actual=sum(_pairs(n) for n in Counter(truth).values()),
    )


def pairwise(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    """Over unordered pairs of records placed in the same cluster."""
    return pair_counts(truth, predicted).scores()


def _clusters(labels: Sequence[Hashable]) -> set[frozenset[int]]:
    members: dict[Hashable, list[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(label, []).append(index)
    return {frozenset(m) for m in members.values()}


def cluster_level(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    """A predicted cluster is correct when it holds exactly the records of one true cluster.

    Precision is over predicted clusters, recall over true clusters; singletons count.
    """
    if len(truth) != len(predicted):
        raise ValueError("truth and predicted labels must cover the same records")
    true, found = _clusters(truth), _clusters(predicted)
    return _scores(len(true & found), len(found), len(true))


def aligned(tool: str, record_ids: Sequence[str], rows: Sequence[tuple[str, str]]) -> list[str]:
    """The predicted label of each input record, in input order, from a tool's output rows.

    Raises OutputInvalid naming the tool and the record for a missing, repeated or unknown row.
    """
    expected = set(record_ids)
    found: dict[str, str] = {}
    for record_id, label in rows:
        if record_id not in expected:
            raise OutputInvalid(f"{tool}: output has a row for unknown record {record_id!r}")
        if record_id in found:
            raise OutputInvalid(f"{tool}: output has more than one row for record {record_id!r}")
        found[record_id] = label
    missing = next((r for r in record_ids if r not in found), None)
    if missing is not None:
        raise OutputInvalid(f"{tool}: output has no row for record {missing!r}")
    return [found[r] for r in record_ids]


def evaluate(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> Mapping[str, float]:
    pairs, clusters = pairwise(truth, predicted), cluster_level(truth, predicted)
    return {
        "pair_precision": pairs.precision,
        "pair_recall": pairs.recall,
        "pair_f1": pairs.f1,
        "cluster_precision": clusters.precision,
        "cluster_recall": clusters.recall,
        "cluster_f1": clusters.f1,
    }
