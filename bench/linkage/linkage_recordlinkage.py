"""The recordlinkage toolkit's standard unsupervised route.

Candidate pairs are the union of a few blocking passes; each pair gets binary features
(Jaro-Winkler ≥ 0.85 on names, exact agreement on the date of birth, postcode, sex and the
identifiers present); the ECM classifier (EM on binary features) labels matches, and matches
are clustered by connected components. When ECM does not converge to a sensible model (it
calls nothing or everything a match, or most features agree less often among its matches than
among its non-matches; a blocking column always agrees within its own block, so one such
feature is normal), the toolkit's documented rule "sum of agreements ≥ k" is used instead, and
the output says so.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

NAMES = ("given_names", "family_name")
EXACT = ("date_of_birth", "postcode", "sex", "nhs_number", "upn")
BLOCKS: tuple[tuple[str, ...], ...] = (
    ("given_names", "family_name"),
    ("date_of_birth",),
    ("postcode",),
    ("nhs_number",),
    ("upn",),
)
JARO_WINKLER = 0.85


def load(path: Path) -> Any:
    import pandas as pd

    return pd.read_csv(
        path, dtype=str, keep_default_na=False, na_values=[""], index_col="record_id"
    )


def candidates(frame: Any, present: set[str]) -> Any:
    import recordlinkage

    indexer = recordlinkage.Index()
    for block in BLOCKS:
        if set(block) <= present:
            indexer.block(list(block))
    return indexer.index(frame)


def features(frame: Any, pairs: Any, present: set[str]) -> Any:
    import recordlinkage

    compare = recordlinkage.Compare()
    for column in NAMES:
        if column in present:
            compare.string(
                column, column, method="jarowinkler", threshold=JARO_WINKLER, label=column
            )
    for column in EXACT:
        if column in present:
            compare.exact(column, column, label=column)
    return compare.compute(pairs, frame)


def _sensible(classifier: Any, matches: Any, pairs: int) -> bool:
    if not 0 < len(matches) < pairs:
        return False
    m, u = classifier.m_probs, classifier.u_probs
    telling = sum(1 for feature in m if m[feature][1] > u[feature][1])
    return telling > len(m) / 2


def classify(table: Any) -> tuple[Any, str]:
    """The matching pairs and how they were chosen."""
    import recordlinkage

    classifier = recordlinkage.ECMClassifier(binarize=None)
    try:
        matches = classifier.fit_predict(table)
    except (ValueError, ZeroDivisionError, FloatingPointError) as exc:  # degenerate input
        reason = f"ECM failed ({type(exc).__name__}: {exc})"
    else:
        if _sensible(classifier, matches, len(table)):
            return matches, f"ECM classifier (it puts the match share at {classifier.p:.1%})"
        reason = "ECM did not converge sensibly"
    k = math.ceil(table.shape[1] / 2) + 1
    return (
        table.index[table.sum(axis=1) >= k],
        f"{reason}; FELL BACK to sum of agreements ≥ {k} of {table.shape[1]}",
    )


def clusters(record_ids: Any, matches: Any) -> Any:
    """Connected components of the matching pairs: a label per record, in record order."""
    import numpy as np
    from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

    position = {r: i for i, r in enumerate(record_ids)}
    left = np.array([position[a] for a, _ in matches], dtype=np.int64)
    right = np.array([position[b] for _, b in matches], dtype=np.int64)
    n = len(record_ids)
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def run(input_csv: Path, out_csv: Path) -> list[str]:
    frame = load(input_csv)
    present = {c for c in (*NAMES, *EXACT) if frame[c].notna().any()}
    pairs = candidates(frame, present)
    table = features(frame, pairs, present)
    matches, method = classify(table)
    labels = clusters(list(frame.index), matches)
    with out_csv.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(("record_id", "person_id"))
        out.writerows(zip(frame.index, (f"C{label}" for label in labels), strict=True))
    blocks = ["+".join(b) for b in BLOCKS if set(b) <= present]
    return [
        f"{len(pairs):,} candidate pairs from blocks on {', '.join(blocks)}; "
        f"{len(matches):,} matches by {method}"
    ]
