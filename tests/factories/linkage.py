"""Linkage test data: a small generated authority's child mentions as a link file, with truth."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson

from joinedup.demo.generator import generate
from joinedup.people.linkage.csvfile import HEADER


@dataclass(frozen=True)
class LinkSet:
    rows: list[list[str]]  # in HEADER order
    truth: dict[str, str]  # record_id -> person_id
    twins: list[tuple[str, str]]  # person ids of twins

    def write(self, path: Path) -> Path:
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(HEADER)
            out.writerows(self.rows)
        return path


@cache
def child_mentions(children: int, seed: int, directory: Path) -> LinkSet:
    """Every child subject of a generated authority, one row each (distinct per org and person)."""
    out = directory / f"authority-{children}-{seed}"
    if not (out / "truth.json").exists():
        generate(children=children, years=5, seed=seed, out_dir=out)
    truth_doc = orjson.loads((out / "truth.json").read_bytes())
    person_of = {
        (m["organisation"], m["record_id"], m["ref"]): m["person_id"] for m in truth_doc["mentions"]
    }
    twins = [
        (p["person_id"], other)
        for p in truth_doc["people"]
        for other in (
            [p["twin_of"]] if isinstance(p.get("twin_of"), str) else p.get("twin_of") or []
        )
    ]
    rows: list[list[str]] = []
    truth: dict[str, str] = {}
    seen: set[tuple[object, ...]] = set()
    with (out / "records.jsonl").open("rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            organisation = record["source"]["organisation"]
            for subject in record["subjects"]:
                if subject["role"] != "child":
                    continue
                address = subject.get("address") or {}
                values = [
                    subject.get("given_names") or "",
                    subject.get("family_name") or "",
                    "|".join(subject.get("other_names") or []),
                    subject.get("date_of_birth") or "",
                    subject.get("sex") or "",
                    subject.get("nhs_number") or "",
                    subject.get("upn") or "",
                    address.get("postcode") or "",
                    ", ".join(address.get("lines") or []),
                    subject.get("school_urn") or "",
                    record["source"]["agency"],
                ]
                person = person_of[(organisation, record["record_id"], subject["ref"])]
                key = (organisation, person, *values)
                if key in seen:
                    continue
                seen.add(key)
                record_id = f"{record['record_id']}#{subject['ref']}"
                truth[record_id] = person
                rows.append([record_id, *values])
    return LinkSet(rows, truth, twins)


def pairwise(truth: dict[str, str], predicted: dict[str, str]) -> tuple[float, float]:
    """(precision, recall) over record pairs placed together."""
    from collections import Counter

    def pairs(counter: Counter[object]) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    both = pairs(Counter((predicted[r], truth[r]) for r in truth))
    said = pairs(Counter(predicted[r] for r in truth))
    real = pairs(Counter(truth.values()))
    return (both / said if said else 1.0), (both / real if real else 1.0)
