"""Plain Splink 5 as a user following Splink's own deduplication tutorial would configure it.

No tuning to the data: NameComparison on each name with term-frequency adjustments, the date
of birth, sex, postcode and the identifiers; the tutorial's training sequence (λ from a
deterministic rule, u from random sampling, m by EM on two blocking rules); links at 0.95.
Partial dates of birth (YYYY or YYYY-MM) are set to null: padding them to the 1st of the
month would invent exact agreements.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

THRESHOLD = 0.95
PREDICT_FLOOR = 0.5
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COLUMNS = ("given_names", "family_name", "date_of_birth", "sex", "postcode", "nhs_number", "upn")


def load(path: Path) -> dict[str, list[str | None]]:
    """The columns Splink compares, as a dict of lists; empty values and partial dates null."""
    data: dict[str, list[str | None]] = {c: [] for c in ("record_id", *COLUMNS)}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column, values in data.items():
                values.append(row[column] or None)
    data["date_of_birth"] = [
        d if d and _FULL_DATE.match(d) else None for d in data["date_of_birth"]
    ]
    return data


def settings(present: set[str]) -> Any:
    """The tutorial's settings over the columns that hold any value in this dataset."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons = {
        "given_names": cl.NameComparison("given_names").configure(term_frequency_adjustments=True),
        "family_name": cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
        "date_of_birth": cl.DateOfBirthComparison(
            "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"
        ),
        "sex": cl.ExactMatch("sex"),
        "postcode": cl.PostcodeComparison("postcode"),
        "nhs_number": cl.ExactMatch("nhs_number"),
        "upn": cl.ExactMatch("upn"),
    }
    blocking: list[Any] = [block_on("given_names", "family_name")] + [
        block_on(c) for c in ("date_of_birth", "postcode", "nhs_number", "upn") if c in present
    ]
    return SettingsCreator(
        unique_id_column_name="record_id",
        link_type="dedupe_only",
        comparisons=[c for column, c in comparisons.items() if column in present],
        blocking_rules_to_generate_predictions=blocking,
    )


def run(input_csv: Path, out_csv: Path) -> list[str]:
    from splink import DuckDBAPI, Linker, block_on

    data = load(input_csv)
    present = {c for c in COLUMNS if any(v is not None for v in data[c])}
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(data, dataset_display_name="records"), settings(present))
    deterministic: list[Any] = [block_on("given_names", "family_name", "date_of_birth")]
    if "nhs_number" in present:
        deterministic.append(block_on("nhs_number"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    for rule in (block_on("given_names", "family_name"), block_on("date_of_birth")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=PREDICT_FLOOR)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=THRESHOLD
    )
    with out_csv.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(("record_id", "person_id"))
        out.writerows((r["record_id"], r["cluster_id"]) for r in clusters.as_record_list())
    skipped = sorted(set(COLUMNS) - present)
    return [
        f"clustered at match probability {THRESHOLD}; partial dates of birth set to null"
        + (f"; columns empty here, not compared: {', '.join(skipped)}" if skipped else "")
    ]
