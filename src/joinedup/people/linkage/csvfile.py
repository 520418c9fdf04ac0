"""The standalone linkage file: `joinedup link FILE.csv --out CLUSTERS.csv`.

For data migration and benchmarking: the same comparisons, guards and thresholds as online
resolution, trained on the file itself. A file with any bad line is refused whole, every error
named by line and field, and nothing is written.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from joinedup.core.identifiers import nhs_number_valid, upn_valid
from joinedup.people.linkage.normalise import date_parts
from joinedup.people.linkage.types import Identity

HEADER = (
    "record_id", "given_names", "family_name", "other_names", "date_of_birth", "sex",
    "nhs_number", "upn", "postcode", "address", "school_urn", "source_agency",
)  # fmt: skip
OUT_HEADER = ("record_id", "person_id")
MAX_ERRORS = 50
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_NHS = re.compile(r"^\d{10}$")
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")

# A child's numbers recur on every record about them: each is checked once.
_nhs_valid = lru_cache(maxsize=2**16)(nhs_number_valid)
_upn_valid = lru_cache(maxsize=2**16)(upn_valid)


@dataclass(slots=True)
class LinkFile:
    record_ids: list[str] = field(default_factory=list)
    identities: list[Identity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class LinkFileInvalid(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def read(path: Path) -> LinkFile:
    errors: list[str] = []
    result = LinkFile()
    seen: dict[str, int] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = csv.reader(handle)
            header = next(rows, None)
            if header is None:
                raise LinkFileInvalid([f"{path}:1: the file is empty (expected the header)"])
            if tuple(h.strip() for h in header) != HEADER:
                raise LinkFileInvalid([f"{path}:1: the header must be exactly: {','.join(HEADER)}"])
            for line, row in _numbered(rows):
                problems = _check(row, line, path, seen, result)
                errors.extend(problems)
                if len(errors) >= MAX_ERRORS:
                    errors.append(f"{path}: stopped after {MAX_ERRORS} errors")
                    break
    except UnicodeDecodeError as exc:
        raise LinkFileInvalid([f"{path}: not UTF-8 text ({exc.reason})"]) from exc
    except csv.Error as exc:
        raise LinkFileInvalid([f"{path}: not a CSV file ({exc})"]) from exc
    if errors:
        raise LinkFileInvalid(errors)
    return result


def _numbered(rows: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for index, row in enumerate(rows, start=2):
        if row:  # a blank line is not a record
            yield index, row


def _check(
    row: list[str], line: int, path: Path, seen: dict[str, int], result: LinkFile
) -> list[str]:
    where = f"{path}:{line}"
    if len(row) != len(HEADER):
        return [f"{where}: expected {len(HEADER)} values, found {len(row)}"]
    value = dict(zip(HEADER, (v.strip() for v in row), strict=True))
    errors: list[str] = []
    record_id = value["record_id"]
    if not record_id:
        errors.append(f"{where}: record_id: required")
    elif record_id in seen:
        errors.append(f"{where}: record_id: {record_id!r} already on line {seen[record_id]}")
    else:
        seen[record_id] = line
    dob = value["date_of_birth"]
    if dob and not _DATE.match(dob):
        errors.append(f"{where}: date_of_birth: expected YYYY-MM-DD, YYYY-MM or YYYY")
    elif dob and None in date_parts(dob)[: dob.count("-") + 1]:
        errors.append(f"{where}: date_of_birth: {dob!r} is not a date")
    if value["sex"] and value["sex"] not in ("F", "M", "U", "I"):
        errors.append(f"{where}: sex: expected F, M, U or I")
    nhs = value["nhs_number"].replace(" ", "")
    if nhs and not _NHS.match(nhs):
        errors.append(f"{where}: nhs_number: expected 10 digits")
    upn = value["upn"].upper()
    if upn and not _UPN.match(upn):
        errors.append(f"{where}: upn: expected a letter, 11 digits and a check character")
    if errors:
        return errors
    if nhs and not _nhs_valid(nhs):
        result.warnings.append(f"{where}: nhs_number: check digit wrong; not used for matching")
        nhs = ""
    if upn and not _upn_valid(upn):
        result.warnings.append(f"{where}: upn: check letter wrong; not used for matching")
        upn = ""
    result.record_ids.append(record_id)
    result.identities.append(
        Identity(
            given_names=value["given_names"] or None,
            family_name=value["family_name"] or None,
            other_names=tuple(o.strip() for o in value["other_names"].split("|") if o.strip()),
            date_of_birth=dob or None,
            sex=value["sex"] or None,
            nhs_number=nhs or None,
            upn=upn or None,
            postcode=value["postcode"] or None,
            address=value["address"] or None,
            school_urn=value["school_urn"] or None,
            source_agency=value["source_agency"] or None,
        )
    )
    return []


def write(path: Path, record_ids: list[str], labels: list[int]) -> None:
    """CLUSTERS.csv: one row per input record, persons numbered in order of first appearance."""
    numbers: dict[int, int] = {}
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(OUT_HEADER)
        for record_id, label in zip(record_ids, labels, strict=True):
            number = numbers.setdefault(label, len(numbers) + 1)
            out.writerow((record_id, f"P{number:07d}"))
    tmp.replace(path)
