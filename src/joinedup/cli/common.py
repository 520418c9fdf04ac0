"""What every command shares: settings, the engine, the console and progress bars."""

from __future__ import annotations

import getpass

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Engine

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.db.session import make_engine

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def settings() -> Settings:
    return Settings()


def engine(current: Settings) -> Engine:
    return make_engine(current.database_url)


def cli_actor() -> Actor:
    """The operator at the command line, audited by their account name on this machine."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor.system(f"cli:{who}")


def progress_bar(*, in_bytes: bool = False) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn() if in_bytes else MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=False,
    )
