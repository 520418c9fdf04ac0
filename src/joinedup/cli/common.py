"""What every command shares: settings, the engine, the console, progress bars and writing a
file whole."""

from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from pydantic import ValidationError
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

from joinedup.config import Settings

if TYPE_CHECKING:  # the database and access layers are imported by the commands that use them
    from sqlalchemy import Engine

    from joinedup.access.roles import Actor

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False)


def settings() -> Settings:
    """The settings from the environment; a bad one stops the command naming the variable."""
    try:
        return Settings()
    except ValidationError as invalid:
        for problem in invalid.errors():
            where = "_".join(str(p) for p in problem["loc"]).upper()
            name = f"JOINEDUP_{where}: " if where else ""
            errors.print(f"Settings: {name}{problem['msg']}")
        raise typer.Exit(2) from None


def engine(current: Settings) -> Engine:
    from joinedup.db.session import make_engine

    return make_engine(current.database_url)


def cli_actor() -> Actor:
    """The operator at the command line, audited by their account name on this machine."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    from joinedup.access.roles import Actor

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


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file beside it, renamed over it: a reader sees
    the old file or the whole new one, never half of it, and a failure leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
