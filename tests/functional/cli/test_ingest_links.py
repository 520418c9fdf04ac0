"""`joinedup ingest` links every stored record's subjects to persons in the same batch."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select

from joinedup.access.models import AuditEntry
from joinedup.intake.models import Mention
from joinedup.people.models import MentionLink
from tests.factories.records import jsonl, numbered
from tests.functional.cli.test_ingest_cli import run


def test_an_ingested_file_is_linked_and_a_bad_line_leaves_nothing(
    tmp_path: Path, database_url: str, clean_engine: Engine
) -> None:
    file = tmp_path / "feed.jsonl"
    file.write_bytes(jsonl([numbered(1), numbered(2), numbered(3, type="burglary")]))
    done = run(database_url, file, "--batch-size", "1")
    assert done.returncode == 1, done.stderr
    with clean_engine.connect() as connection:
        mentions = connection.scalar(select(func.count()).select_from(Mention))
        links = connection.scalars(select(MentionLink.person_id)).all()
        batches = connection.scalars(
            select(AuditEntry.resource_ids).where(AuditEntry.action == "people:resolve")
        ).all()
    assert mentions == len(links) == 4
    assert len(set(links)) <= 3  # the child is one person
    assert [len(ids) for ids in batches] == [2, 2]  # one entry a batch, each transaction's own
