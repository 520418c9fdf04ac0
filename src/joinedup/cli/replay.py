"""`joinedup replay FILE.jsonl --out PROMPTS.jsonl`: when would Joined Up have asked?"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import typer
from sqlalchemy import Engine

from joinedup.cli import common
from joinedup.config import Settings
from joinedup.db import migrate
from joinedup.db.session import make_engine
from joinedup.flows.replay import Replayed, ReplayInputInvalid, read_time_line, replay
from joinedup.intake.validation import Parsed
from joinedup.rules.config import RulesFileInvalid, load_rules
from joinedup.rules.engine import Rule


def replay_command(
    file: Path = typer.Argument(..., help="A time line in the joinedup/1 format (JSON Lines)."),
    out: Path = typer.Option(..., help="Where to write one JSON line per prompt."),
    rules: Path | None = typer.Option(None, help="A partnership's rules file [the defaults]."),
) -> None:
    """Load the records into a fresh temporary store in the order they happened, with the same
    intake, identity resolution and rules as live, and write the prompts that would have fired.

    Exit 0 on success, 1 when a line of the file is not a valid record (nothing is replayed),
    2 when the file or the rules file cannot be used.
    """
    try:
        chosen = load_rules(rules)
        records = read_time_line(file)
    except (RulesFileInvalid, OSError) as error:
        common.errors.print(f"error: {error}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from error
    except ReplayInputInvalid as bad:
        for line in bad.errors:
            common.errors.print(line, markup=False, soft_wrap=True)
        raise typer.Exit(1) from bad
    with tempfile.TemporaryDirectory(prefix="joinedup-replay-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'replay.sqlite3'}"
        settings = common.settings().model_copy(update={"database_url": url})
        engine = make_engine(url)
        migrate.upgrade(engine)
        found = _run(engine, settings, records, chosen.rules, file.name)
        engine.dispose()
    out.write_bytes(b"".join(orjson.dumps(p.as_json()) + b"\n" for p in found))
    common.console.print(f"{len(records)} records replayed; {len(found)} prompts written to {out}")


def _run(
    engine: Engine,
    settings: Settings,
    records: Sequence[Parsed],
    rules: Sequence[Rule[Any]],
    name: str,
) -> list[Replayed]:
    with common.progress_bar() as bar:
        task = bar.add_task(f"Replaying {name}", total=len(records))
        return replay(
            engine=engine,
            settings=settings,
            actor=common.cli_actor(),
            records=records,
            rules=rules,
            progress=lambda: bar.advance(task),
        )
