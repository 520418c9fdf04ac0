"""Turns events into exchange-format records and writes them in recorded_at order.

Each record is serialised as soon as it is made and spilled to a file for its month of
recording, keyed by (recorded_at, sequence); at the end each month is sorted in memory and
appended to records.jsonl. Memory therefore stays near one month of records whatever the size.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import orjson

from joinedup.demo.agencies import Org

Json = dict[str, object]
Subject = tuple[Json, str]  # the subject as the record carries it, and the true person id
# The agencies whose records best carry a child's identity (NHS numbers, UPNs), best first.
ANCHOR_RANK = {"health": 0, "education": 1, "early_years": 2}
UNBORN_RANK = 10  # added for a record of the child before birth (the worst kind of anchor)


class Fragments:
    """JSON values written one after another, comma-separated, into a spill file.

    orjson over-allocates the bytes it returns, so holding many small values in memory
    costs several kilobytes each; writing them out at once keeps memory flat.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._out = path.open("wb", buffering=1 << 20)
        self._separator = b""

    def add(self, value: bytes) -> None:
        self._out.write(self._separator)
        self._out.write(value)
        self._separator = b",\n"

    def close(self) -> Path:
        self._out.close()
        return self.path


class Emitter:
    def __init__(self, work_dir: Path, cutoff: str) -> None:
        self.work_dir = work_dir
        self.cutoff = cutoff
        self._buckets: dict[str, BinaryIO] = {}
        self._mentions = Fragments(work_dir / "mentions.part")
        self._seq = 0
        self._serials: dict[tuple[str, str, str], int] = {}
        self.by_type: dict[str, int] = {}
        self.records = 0
        # Each child's best record of their own: (rank, record id, subject ref), by person id.
        self.anchors: dict[str, tuple[int, str, str]] = {}

    def emit(
        self,
        org: Org,
        kind: str,
        rtype: str,
        occurred: str,
        recorded: str,
        summary: str,
        attributes: Json | None,
        subjects: list[Subject],
        *,
        author: Json | None = None,
        precision: str | None = None,
        sensitivity: str = "normal",
        withhold: bool = False,
    ) -> str | None:
        """Write one record; None if it would be recorded after the end of the history, or is
        withheld (the home authority's casework, which its services replay instead)."""
        if withhold or recorded > self.cutoff or not subjects:
            return None
        year = occurred[:4]
        key = (org.key, kind, year)
        serial = self._serials.get(key, 0) + 1
        self._serials[key] = serial
        record_id = f"{org.key}:{kind}-{year}-{serial:06d}"
        record: Json = {"format": "joinedup/1", "record_id": record_id, "source": org.source}
        if author is not None:
            record["author"] = author
        record["type"] = rtype
        record["occurred_at"] = occurred
        if precision is not None:
            record["date_precision"] = precision
        record["recorded_at"] = recorded
        record["summary"] = summary
        if attributes:
            record["attributes"] = attributes
        if sensitivity != "normal":
            record["sensitivity"] = sensitivity
        record["subjects"] = [s for s, _ in subjects]
        self._write(recorded, orjson.dumps(record))
        self._mention(record_id, org.name, subjects)
        self._anchor(record_id, org.agency, subjects)
        self.by_type[rtype] = self.by_type.get(rtype, 0) + 1
        self.records += 1
        return record_id

    def _write(self, recorded: str, line: bytes) -> None:
        month = recorded[:7]
        bucket = self._buckets.get(month)
        if bucket is None:
            bucket = (self.work_dir / f"records-{month}.part").open("wb", buffering=1 << 16)
            self._buckets[month] = bucket
        self._seq += 1
        bucket.write(b"%s|%010d\t%s\n" % (recorded.encode(), self._seq, line))

    def _mention(self, record_id: str, organisation: str, subjects: list[Subject]) -> None:
        for subject, person_id in subjects:
            self._mentions.add(
                orjson.dumps(
                    {
                        "record_id": record_id,
                        "organisation": organisation,
                        "ref": subject["ref"],
                        "person_id": person_id,
                    }
                )
            )

    def _anchor(self, record_id: str, agency: str, subjects: list[Subject]) -> None:
        for subject, person_id in subjects:
            role = subject["role"]
            if role == "adult":
                continue
            rank = ANCHOR_RANK.get(agency, 3) + (UNBORN_RANK if role == "unborn" else 0)
            held = self.anchors.get(person_id)
            if held is None or rank < held[0]:
                self.anchors[person_id] = (rank, record_id, str(subject["ref"]))

    def finish(self, records_path: Path) -> Path:
        """Write records.jsonl in recorded_at order; return the mentions fragment file."""
        mentions = self._mentions.close()
        with records_path.open("wb") as out:
            for month in sorted(self._buckets):
                self._buckets[month].close()
                part = self.work_dir / f"records-{month}.part"
                lines = part.read_bytes().splitlines()
                part.unlink()
                lines.sort()
                out.writelines(line[line.index(b"\t") + 1 :] + b"\n" for line in lines)
        return mentions
