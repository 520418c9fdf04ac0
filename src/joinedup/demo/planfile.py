"""casework.jsonl: the home authority's casework, as steps for the casework services to replay.

Each line is one step of one child's episode (`episode`), in the order the services must take
them (`at`, then the order they were planned). The first line of an episode, its contact, names
the child by one of the child's own records in records.jsonl (`child`: a record id and subject
ref), so the replay finds the person the ingest linked it to: an episode whose child has no
record of their own is not planned at all. Lines are spilled to one file per
month, like the records, and sorted at the end; memory stays flat.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import orjson

from joinedup.demo.emitter import Json


class PlanWriter:
    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self._buckets: dict[str, BinaryIO] = {}
        self._seq = 0
        self._episodes = 0
        self.lines = 0
        self.by_action: dict[str, int] = {}

    def new_episode(self) -> str:
        self._episodes += 1
        return f"E{self._episodes:06d}"

    def add(self, at: str, line: Json) -> str:
        """Spill one step; returns its plan id."""
        self._seq += 1
        plan_id = f"{line['episode']}:{self._seq}"
        line = {"id": plan_id, "at": at, **line}
        month = at[:7]
        bucket = self._buckets.get(month)
        if bucket is None:
            bucket = (self.work_dir / f"plan-{month}.part").open("wb", buffering=1 << 16)
            self._buckets[month] = bucket
        bucket.write(b"%s|%010d\t%s\n" % (at.encode(), self._seq, orjson.dumps(line)))
        action = str(line["action"])
        self.by_action[action] = self.by_action.get(action, 0) + 1
        self.lines += 1
        return plan_id

    def finish(self, path: Path) -> None:
        """Write the plan in order."""
        with path.open("wb") as out:
            for month in sorted(self._buckets):
                self._buckets[month].close()
                part = self.work_dir / f"plan-{month}.part"
                lines = part.read_bytes().splitlines()
                part.unlink()
                lines.sort()
                out.writelines(line[line.index(b"\t") + 1 :] + b"\n" for line in lines)
