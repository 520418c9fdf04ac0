"""Bulk intake of a JSON Lines file: streamed, validated line by line, stored in batches.

Each batch is one transaction, so a run that is killed leaves whole batches only; run again,
the committed records are found unchanged and the rest are stored: one copy of each record.
Every bad line goes to the rejects file with its errors and its raw text: nothing is lost.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

import orjson
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.core.clock import Clock
from joinedup.core.errors import FieldError
from joinedup.db.session import unit_of_work
from joinedup.intake.service import Outcome, Submitted, submit_records
from joinedup.intake.validation import Parsed, RecordInvalid, parse_line

_CHUNK = 1 << 20
# Warnings are stored with each record version; the first few are also printed.
WARNINGS_SHOWN = 20
# A rejected line is copied whole into the rejects file up to this size; beyond it, the copy
# is cut and marked so (the source file still holds it).
_KEEP_RAW = 64 << 20


class StoreBatch(Protocol):
    """Stores one batch in the caller's transaction: `submit_records`, or a flow around it."""

    def __call__(
        self, *, session: Session, actor: Actor, records: Sequence[Parsed], now: datetime
    ) -> list[Submitted]: ...


class InputUnreadable(Exception):
    """The input cannot be read at all (missing, a directory, no permission, empty)."""


@dataclass
class IngestSummary:
    lines: int = 0
    accepted: int = 0
    unchanged: int = 0
    new_versions: int = 0
    rejected: int = 0
    with_warnings: int = 0

    def warnings_line(self) -> str | None:
        if not self.with_warnings:
            return None
        hidden = max(0, self.with_warnings - WARNINGS_SHOWN)
        more = f" ({hidden:,} not shown)" if hidden else ""
        return (
            f"{self.with_warnings:,} records were stored with warnings{more}; "
            "each warning is kept with its record."
        )

    def line(self) -> str:
        return (
            f"accepted {self.accepted}, unchanged {self.unchanged}, "
            f"new versions {self.new_versions}, rejected {self.rejected}"
        )


@dataclass(frozen=True)
class Line:
    number: int
    raw: bytes
    size: int


def read_lines(stream: IO[bytes]) -> Iterator[Line]:
    """Lines without their newline, however long, keeping at most `_KEEP_RAW` bytes of each."""
    number = 0
    while chunk := stream.readline(_CHUNK):
        number += 1
        parts, size = [chunk], len(chunk)
        while not chunk.endswith(b"\n"):
            chunk = stream.readline(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size <= _KEEP_RAW:
                parts.append(chunk)
        raw = b"".join(parts)
        yield Line(number, raw[:-1] if raw.endswith(b"\n") else raw, size)


def reject_entry(line: Line, errors: list[FieldError]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "line": line.number,
        "errors": [{"field": e.field, "message": e.message} for e in errors],
    }
    try:
        entry["raw"] = line.raw.decode("utf-8")
    except UnicodeDecodeError:
        entry["raw"] = line.raw.decode("utf-8", "backslashreplace")
        entry["raw_base64"] = base64.b64encode(line.raw).decode("ascii")
    if line.size > len(line.raw) + 1:
        entry["raw_truncated_at_bytes"] = len(line.raw)
    return entry


@dataclass
class BulkIngest:
    """One run over one file; `report` receives each `FILE:LINE: field: message`.

    `store` writes each batch: intake's own `submit_records` unless the caller passes a flow
    that does more in the same transaction (the CLI resolves identities too, ADR 0006).
    """

    engine: Engine
    actor: Actor
    clock: Clock
    batch_size: int
    max_line_bytes: int
    report: Callable[[str], None]
    progress: Callable[[int], None] = lambda _bytes: None
    store: StoreBatch = submit_records

    def run(self, path: Path, rejects_path: Path) -> IngestSummary:
        """Parse on this thread while the previous batch is written on another.

        At most one batch is being written at a time, in file order, each in its own
        transaction; the drivers release the GIL while the database works, so on two cores
        parsing and writing overlap. A failed write stops the run at that batch.
        """
        stream = _open(path)
        summary = IngestSummary()
        batch: list[Parsed] = []
        pending: Future[list[Submitted]] | None = None
        with stream, rejects_path.open("wb") as rejects, ThreadPoolExecutor(1) as writer:
            for line in read_lines(stream):
                self.progress(line.size)
                if not line.raw.strip():
                    continue
                summary.lines += 1
                parsed = self._parse(path, line, rejects, summary)
                if parsed is not None:
                    batch.append(parsed)
                if len(batch) >= self.batch_size:
                    _tally(pending, summary)
                    pending, batch = writer.submit(self._store, batch), []
            _tally(pending, summary)
            _tally(writer.submit(self._store, batch) if batch else None, summary)
        if summary.lines == 0:
            raise InputUnreadable(f"{path}: holds no records (the file is empty)")
        return summary

    def _parse(
        self, path: Path, line: Line, rejects: IO[bytes], summary: IngestSummary
    ) -> Parsed | None:
        try:
            if line.size > self.max_line_bytes:
                raise RecordInvalid(
                    [
                        FieldError(
                            "record",
                            f"line is {line.size:,} bytes; the limit is {self.max_line_bytes:,}",
                            "too_long",
                        )
                    ]
                )
            parsed = parse_line(line.raw)
        except RecordInvalid as invalid:
            summary.rejected += 1
            rejects.write(orjson.dumps(reject_entry(line, invalid.errors)) + b"\n")
            for error in invalid.errors:
                self.report(f"{path}:{line.number}: {error.field}: {error.message}")
            return None
        if parsed.warnings:
            summary.with_warnings += 1
            for warning in parsed.warnings if summary.with_warnings <= WARNINGS_SHOWN else ():
                self.report(f"{path}:{line.number}: warning: {warning.field}: {warning.message}")
        return parsed

    def _store(self, batch: list[Parsed]) -> list[Submitted]:
        with unit_of_work(self.engine) as session:
            return self.store(
                session=session, actor=self.actor, records=batch, now=self.clock.now()
            )


def _tally(pending: Future[list[Submitted]] | None, summary: IngestSummary) -> None:
    """Wait for a batch's write and count what became of its records."""
    if pending is None:
        return
    for result in pending.result():
        if result.outcome is Outcome.ACCEPTED:
            summary.accepted += 1
        elif result.outcome is Outcome.NEW_VERSION:
            summary.new_versions += 1
        else:
            summary.unchanged += 1


def _open(path: Path) -> IO[bytes]:
    try:
        if path.is_dir():
            raise InputUnreadable(f"{path}: is a directory, not a file")
        return path.open("rb")
    except FileNotFoundError:
        raise InputUnreadable(f"{path}: no such file") from None
    except PermissionError:
        raise InputUnreadable(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputUnreadable(f"{path}: cannot be read ({exc.strerror})") from None


def default_rejects_path(path: Path) -> Path:
    """`FILE.rejects.jsonl` beside FILE (records.jsonl → records.rejects.jsonl)."""
    stem = path.name[: -len(".jsonl")] if path.name.endswith(".jsonl") else path.name
    return path.with_name(f"{stem}.rejects.jsonl")
