"""What our pipeline got wrong on the child records, by cause (run after bench/linkage.py).

    .venv/bin/python bench/linkage/linkage_errors.py [--model MODEL.json] [--show 20]

Reads var/bench/linkage/children/input.csv, joined-up.csv and the generator's truth. Counts:
fragments of split children (each part of a child other than its largest), clusters that mix
children, twin pairs merged, and the cluster F1 with and without records that carry a name and
nothing else (no date of birth, address, postcode, school or identifier). With --model (the
model `joinedup link --save-model` wrote for the same file), each fragment is put down to a
cause by its best-scoring pair with the rest of its child: never compared (no blocking key or
identifier shared), guarded, above the threshold (a clustering constraint refused the join), in
the review band, or below the lower threshold.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import linkage_data
import linkage_metrics

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "var" / "bench" / "linkage" / "children"
SOURCE = ROOT / "var" / "bench" / "children-5000-y5-s2026"
UPPER, LOWER = 0.95, 0.60


def twins(truth_json: Path) -> set[frozenset[str]]:
    doc = orjson.loads(truth_json.read_bytes())
    found = set()
    for person in doc.get("people", []):
        for other in person.get("twin_of") or ():
            found.add(frozenset((person["person_id"], other)))
    return found


def _identity(row: linkage_data.Row) -> object:
    from joinedup.people.linkage.types import Identity

    return Identity(
        given_names=row["given_names"] or None,
        family_name=row["family_name"] or None,
        other_names=tuple(x for x in row["other_names"].split("|") if x),
        date_of_birth=row["date_of_birth"] or None,
        sex=row["sex"] or None,
        nhs_number=row["nhs_number"] or None,
        upn=row["upn"] or None,
        postcode=row["postcode"] or None,
        address=row["address"] or None,
        school_urn=row["school_urn"] or None,
        source_agency=row["source_agency"] or None,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path)
    parser.add_argument("--show", type=int, default=0, help="print this many fragments a cause")
    parser.add_argument("--out", default="joined-up.csv", help="the tool's CLUSTERS.csv")
    args = parser.parse_args()
    data = linkage_data.children(SOURCE, children=5000, years=5, seed=2026)
    predicted = linkage_metrics.aligned(
        "joined-up", data.record_ids, linkage_data.read_clusters(FOLDER / args.out)
    )
    truth, rows = data.truth, data.rows
    scores = linkage_metrics.evaluate(truth, predicted)
    keep = [i for i, r in enumerate(rows) if not linkage_data.name_only(r)]
    without = linkage_metrics.evaluate([truth[i] for i in keep], [predicted[i] for i in keep])
    print(
        f"records {len(rows):,}, name-only {len(rows) - len(keep):,}; pair P/R/F1 "
        f"{scores['pair_precision']:.4f}/{scores['pair_recall']:.4f}/{scores['pair_f1']:.4f}, "
        f"cluster F1 {scores['cluster_f1']:.4f}; without name-only records: pair F1 "
        f"{without['pair_f1']:.4f}, cluster F1 {without['cluster_f1']:.4f}"
    )
    parts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    members: dict[str, set[str]] = defaultdict(set)
    for i, (t, p) in enumerate(zip(truth, predicted, strict=True)):
        parts[t][p].append(i)
        members[p].add(t)
    fragments: list[tuple[str, list[int], list[int]]] = []
    for t, by_cluster in parts.items():
        ordered = sorted(by_cluster.values(), key=lambda m: (-len(m), m[0]))
        rest = ordered[0]
        for fragment in ordered[1:]:
            fragments.append((t, fragment, rest))
    mixed = [p for p, ts in members.items() if len(ts) > 1]
    pairs = twins(SOURCE / "truth.json")
    merged = [pair for pair in pairs if any(pair <= ts for ts in members.values())]
    only = sum(all(linkage_data.name_only(rows[i]) for i in f) for _, f, _ in fragments)
    print(
        f"fragments {len(fragments)} ({only} name-only), mixed clusters {len(mixed)}, "
        f"twin pairs merged {len(merged)} of {len(pairs)}"
    )
    if not args.model:
        return
    from joinedup.people.linkage.model import block_values, load_model

    model = load_model(args.model)
    feats: dict[int, dict[str, object]] = {}

    def f(i: int) -> dict[str, object]:
        if i not in feats:
            feats[i] = model.features(_identity(rows[i]))  # type: ignore[arg-type]
        return feats[i]

    def shares_key(a: dict[str, object], b: dict[str, object]) -> bool:
        ka, kb = block_values(a), block_values(b)
        if any(v and kb[k] == v for k, v in ka.items()):
            return True
        return any(a[c] and a[c] == b[c] for c in ("nhs", "upn"))

    causes: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    for _child, fragment, rest in fragments:
        best = None
        compared = False
        for i in fragment:
            for j in rest:
                a, b = f(i), f(j)
                compared = compared or shares_key(a, b)
                c = model.compare(a, b)
                key = (c.guard is None, c.match_probability)
                if best is None or key > best[0]:
                    best = (key, i, j, c)
        if best is None:  # every fragment and rest hold a record
            continue
        _, i, j, c = best
        if not compared:
            cause = "never compared"
        elif c.guard:
            cause = "guarded"
        elif c.match_probability >= UPPER:
            cause = "refused by clustering"
        elif c.match_probability >= LOWER:
            cause = "review band"
        else:
            cause = "below lower"
        cause += " (name-only)" if all(linkage_data.name_only(rows[k]) for k in fragment) else ""
        causes[cause] += 1
        if shown[cause] < args.show:
            shown[cause] += 1
            print(f"  [{cause}] p={c.match_probability:.3f} {c.guard or ''}")
            for k in (i, j):
                r = rows[k]
                print(
                    f"      {r['given_names']!s:14} {r['family_name']!s:18} {r['other_names']!s:10}"
                    f" {r['date_of_birth']:10} {r['sex']:1} {r['postcode']:8} {r['nhs_number']:10}"
                    f" {r['upn']:13} {r['source_agency']}"
                )
    for cause, count in causes.most_common():
        print(f"{count:5}  {cause}")


if __name__ == "__main__":
    main()
