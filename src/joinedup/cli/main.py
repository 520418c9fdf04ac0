"""The `joinedup` command line: thin — parse, call a service, print.

Each command's module is imported only when that command runs (or when help lists them all), so
`joinedup outbox relay` from cron, or `joinedup link` on a file, does not first load the returns,
the forecasting and the web stack it does not use.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer import _click as click  # typer 0.29 carries its own click; its groups take these types
from typer.core import TyperGroup

DATABASE_FAILED = 3  # the exit code of a command the database failed (as `ingest`'s)

# name -> (module in joinedup.cli, its attribute): a Typer of subcommands, or one command.
COMMANDS: dict[str, tuple[str, str]] = {
    "accounts": ("accounts", "app"),
    "audit": ("audit", "app"),
    "db": ("db", "app"),
    "demo": ("demo", "app"),
    "governance": ("governance", "app"),
    "rules": ("rules", "app"),
    "outbox": ("outbox", "app"),
    "practice": ("practice", "app"),
    "workforce": ("workforce", "app"),
    "quality": ("quality", "app"),
    "returns": ("returns", "app"),
    "ingest": ("intake", "ingest"),
    "link": ("link", "link"),
    "replay": ("replay", "replay_command"),
    "serve": ("serve", "serve"),
}


def load(name: str) -> click.Command:
    """The click command for `name`, built as `add_typer`/`command` would have built it."""
    module, attribute = COMMANDS[name]
    target: Any = getattr(importlib.import_module(f"joinedup.cli.{module}"), attribute)
    holder = typer.Typer(add_completion=False)
    holder.callback()(_nothing)  # a callback makes the holder a group, whatever it holds
    if isinstance(target, typer.Typer):
        holder.add_typer(target, name=name)
    else:
        holder.command(name)(target)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)  # noqa: S101 - the holder has a callback
    return group.commands[name]


def _nothing() -> None:
    pass


class LazyGroup(TyperGroup):
    """The root group: lists every command, imports one when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(dict.fromkeys([*super().list_commands(ctx), *COMMANDS]))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands[cmd_name] = load(cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a database that fails (locked, unreachable, not a database) ends it
        with a clear message and exit code 3, not a traceback. The message names the error's
        kind only: a driver's text can quote the values of the statement that failed."""
        try:
            return super().invoke(ctx)
        except Exception as error:
            from sqlalchemy.exc import SQLAlchemyError  # imported here: most commands never fail

            if not isinstance(error, SQLAlchemyError):
                raise
            cause = type(getattr(error, "orig", None) or error).__name__
            click.echo(
                f"error: the database failed ({type(error).__name__}: {cause}); the command "
                "stopped, and what it had not committed was rolled back. Is the database "
                "reachable, and is another process holding it (a build, a backup)?",
                err=True,
            )
            raise typer.Exit(DATABASE_FAILED) from error


app = typer.Typer(
    name="joinedup",
    cls=LazyGroup,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def root() -> None:
    """Joined Up: multi-agency child safeguarding."""


if __name__ == "__main__":
    app()
