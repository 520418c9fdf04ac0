"""bench/linkage.py's scoring and datasets: known answers on tiny hand-made clusterings, and the
child-record extraction checked against a tiny generated authority."""

from __future__ import annotations

import csv
import itertools
import random
import sys
from pathlib import Path

import orjson
import pytest

sys.path.insert(0, str(Path(__file__).parents[3] / "bench" / "linkage"))

from linkage_data import (
    HEADER,
    IDENTITY,
    Mention,
    child_mentions,
    collapse,
    components,
    febrl3,
    febrl4,
    read_clusters,
    write_csv,
)
from linkage_metrics import (
    OutputInvalid,
    aligned,
    cluster_level,
    pair_counts,
    pairwise,
)

from joinedup.demo.generator import generate

# Pairwise ------------------------------------------------------------------------------------


def test_a_perfect_clustering_scores_one() -> None:
    truth = ["a", "a", "a", "b", "c", "c"]
    predicted = [7, 7, 7, 8, 9, 9]  # labels are arbitrary; only the grouping counts
    assert pairwise(truth, predicted).f1 == 1.0
    assert cluster_level(truth, predicted).f1 == 1.0


def test_splitting_three_into_two_and_one_keeps_precision_and_loses_two_thirds_of_recall() -> None:
    scores = pairwise(["a", "a", "a"], [1, 1, 2])
    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(0.5)


def test_merging_two_people_costs_precision_only() -> None:
    counts = pair_counts(["a", "a", "b"], [1, 1, 1])
    assert (counts.true_positive, counts.predicted, counts.actual) == (1, 3, 1)
    scores = counts.scores()
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == 1.0


def test_all_singletons_predicted_for_all_singletons_true_is_perfect() -> None:
    scores = pairwise(["a", "b", "c"], [1, 2, 3])
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_nothing_linked_when_links_were_due_has_zero_recall_and_f1() -> None:
    scores = pairwise(["a", "a", "b", "b"], [1, 2, 3, 4])
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 0.0, 0.0)


def test_counting_by_contingency_equals_enumerating_pairs() -> None:
    rng = random.Random(5)
    for _ in range(30):
        n = rng.randint(1, 40)
        truth = [rng.randint(0, 8) for _ in range(n)]
        predicted = [rng.randint(0, 8) for _ in range(n)]
        pairs = list(itertools.combinations(range(n), 2))
        together_true = {p for p in pairs if truth[p[0]] == truth[p[1]]}
        together_predicted = {p for p in pairs if predicted[p[0]] == predicted[p[1]]}
        counts = pair_counts(truth, predicted)
        assert counts.true_positive == len(together_true & together_predicted)
        assert counts.predicted == len(together_predicted)
        assert counts.actual == len(together_true)


def test_labels_must_cover_the_same_records() -> None:
    with pytest.raises(ValueError):
        pairwise(["a", "b"], [1])


# Cluster level -------------------------------------------------------------------------------


def test_cluster_f1_counts_only_exact_cluster_matches_singletons_included() -> None:
    truth = ["a", "a", "a", "b", "c", "c"]
    predicted = [1, 1, 2, 3, 4, 4]  # {a} split 2+1; {b} and {c} exact
    scores = cluster_level(truth, predicted)
    assert scores.precision == pytest.approx(2 / 4)
    assert scores.recall == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3))


def test_an_overlapping_but_unequal_cluster_is_not_correct() -> None:
    scores = cluster_level(["a", "a", "b"], [1, 1, 1])
    assert (scores.precision, scores.recall, scores.f1) == (0.0, 0.0, 0.0)


# A tool's output -----------------------------------------------------------------------------


def test_aligned_returns_labels_in_input_order() -> None:
    assert aligned("t", ["r1", "r2"], [("r2", "B"), ("r1", "A")]) == ["A", "B"]


@pytest.mark.parametrize(
    ("rows", "named"),
    [
        ([("r1", "A")], "no row for record 'r2'"),
        ([("r1", "A"), ("r2", "B"), ("r2", "C")], "more than one row for record 'r2'"),
        ([("r1", "A"), ("r2", "B"), ("zz", "C")], "unknown record 'zz'"),
    ],
)
def test_a_missing_repeated_or_unknown_row_is_an_error_naming_tool_and_record(
    rows: list[tuple[str, str]], named: str
) -> None:
    with pytest.raises(OutputInvalid, match=f"^splink: .*{named}"):
        aligned("splink", ["r1", "r2"], rows)


def test_read_clusters_wants_the_contract_header(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("record_id,person_id\nr1,P1\nr2,P1\n", encoding="utf-8")
    bad.write_text("id,cluster\nr1,P1\n", encoding="utf-8")
    assert read_clusters(good) == [("r1", "P1"), ("r2", "P1")]
    with pytest.raises(ValueError, match="record_id,person_id"):
        read_clusters(bad)


# Datasets ------------------------------------------------------------------------------------


def test_components_join_linked_records_and_leave_the_rest_alone() -> None:
    labels = components(["a", "b", "c", "d"], [("a", "b"), ("c", "b")])
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_febrl3_truth_is_the_entity_number_and_no_identifier_is_passed_off_as_nhs() -> None:
    data = febrl3()
    assert len(data.rows) == 5000
    assert len(set(data.truth)) == 2000
    pairs = zip(data.rows, data.truth, strict=True)
    assert all(row["record_id"].split("-")[1] == entity for row, entity in pairs)
    assert not any(r["nhs_number"] or r["upn"] or r["sex"] for r in data.rows)
    assert all(len(r["date_of_birth"]) in (0, 10) for r in data.rows)


def test_febrl4_pairs_every_record_of_a_with_one_of_b() -> None:
    data = febrl4()
    assert len(data.rows) == 10000
    assert len(set(data.truth)) == 5000
    agencies: dict[str, set[str]] = {}
    for row, entity in zip(data.rows, data.truth, strict=True):
        agencies.setdefault(entity, set()).add(row["source_agency"])
    assert all(a == {"a", "b"} for a in agencies.values())


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("authority")
    generate(children=25, years=2, seed=11, out_dir=out)
    return out


def test_every_child_mention_becomes_a_row_with_its_true_person(authority: Path) -> None:
    truth = orjson.loads((authority / "truth.json").read_bytes())
    person = {(m["record_id"], m["ref"]): m["person_id"] for m in truth["mentions"]}
    expected = []
    for line in (authority / "records.jsonl").read_bytes().splitlines():
        record = orjson.loads(line)
        expected += [
            (record["record_id"], s["ref"]) for s in record["subjects"] if s["role"] == "child"
        ]
    mentions = list(child_mentions(authority / "records.jsonl", authority / "truth.json"))
    assert len(mentions) == len(expected) > 0
    assert len({m.row["record_id"] for m in mentions}) == len(mentions)
    for mention, (record_id, ref) in zip(mentions, expected, strict=True):
        assert mention.row["record_id"].split("|")[1:] == [record_id, ref]
        assert mention.person_id == person[(record_id, ref)]
        assert mention.row["source_agency"]


def test_the_rows_are_a_valid_link_file(authority: Path, tmp_path: Path) -> None:
    mentions = list(child_mentions(authority / "records.jsonl", authority / "truth.json"))
    write_csv(tmp_path / "in.csv", (m.row for m in mentions))
    with (tmp_path / "in.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == HEADER
    assert all(len(r) == len(HEADER) for r in rows[1:])
    assert len(rows) - 1 == len(mentions)


def _mention(organisation: str, person: str, given: str = "Amy") -> Mention:
    row = dict.fromkeys(HEADER, "")
    row.update({"record_id": f"{organisation}|{person}|{given}", "given_names": given})
    return Mention(row, person, organisation)


def test_collapse_drops_only_exact_repeats_within_one_organisation_and_person() -> None:
    mentions = [
        _mention("900", "P1"),
        _mention("900", "P1"),  # repeat: dropped
        _mention("901", "P1"),  # another organisation: kept
        _mention("900", "P2"),  # another person (a twin with the same details): kept
        _mention("900", "P1", given="Aimee"),  # a variant: kept
    ]
    kept, dropped = collapse(mentions)
    assert dropped == 1
    assert kept == [mentions[0], *mentions[2:]]
    assert set(IDENTITY) == set(HEADER) - {"record_id"}
