"""`joinedup ingest FILE.jsonl`: bulk intake of the exchange format."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.flows.intake import resolving_store
from joinedup.intake.bulk import BulkIngest, IngestSummary, InputUnreadable, default_rejects_path


def ingest(
    file: Path = typer.Argument(..., help="A JSON Lines file in the joinedup/1 format."),
    rejects: Path | None = typer.Option(None, help="Where bad lines go [FILE.rejects.jsonl]."),
    batch_size: int | None = typer.Option(None, min=1, help="Records per transaction."),
) -> None:
    """Store every good record; put every bad line, with its errors, in the rejects file.

    Exit 0 when nothing was rejected, 1 when some lines were, 2 when the input cannot be
    read at all, 3 when the database cannot be reached.
    """
    code = run_ingest(file, rejects, batch_size)
    raise typer.Exit(code)


def run_ingest(file: Path, rejects: Path | None, batch_size: int | None) -> int:
    current = common.settings()
    rejects_path = rejects or default_rejects_path(file)
    size = file.stat().st_size if file.is_file() else 0
    with common.progress_bar(in_bytes=True) as bar:
        task = bar.add_task(f"Ingesting {file.name}", total=size or None)
        job = BulkIngest(
            engine=common.engine(current),
            actor=common.cli_actor(),
            clock=SystemClock(),
            batch_size=batch_size or current.intake_batch_size,
            max_line_bytes=current.intake_max_line_bytes,
            report=lambda text: bar.console.print(text, markup=False, soft_wrap=True),
            progress=lambda n: bar.advance(task, n),
            store=resolving_store(current),
        )
        try:
            summary = job.run(file, rejects_path)
        except InputUnreadable as exc:
            common.errors.print(f"error: {exc}", markup=False)
            rejects_path.unlink(missing_ok=True)
            return 2
        except SQLAlchemyError as exc:
            common.errors.print(f"error: the database failed: {type(exc).__name__}", markup=False)
            return 3
    return _finish(summary, rejects_path)


def _finish(summary: IngestSummary, rejects_path: Path) -> int:
    if warned := summary.warnings_line():
        common.errors.print(warned, markup=False)
    common.console.print(summary.line())
    if summary.rejected:
        common.errors.print(f"Rejected lines and their errors: {rejects_path}", markup=False)
        return 1
    rejects_path.unlink(missing_ok=True)
    return 0
