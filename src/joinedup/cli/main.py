"""The `joinedup` command line: thin — parse, call a service, print."""

from __future__ import annotations

import typer

from joinedup.cli import (
    accounts,
    audit,
    db,
    demo,
    governance,
    intake,
    link,
    outbox,
    practice,
    quality,
    replay,
    returns,
    rules,
    serve,
    workforce,
)

app = typer.Typer(
    name="joinedup",
    help="Joined Up: multi-agency child safeguarding.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(accounts.app, name="accounts")
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(governance.app, name="governance")
app.add_typer(rules.app, name="rules")
app.add_typer(outbox.app, name="outbox")
app.add_typer(practice.app, name="practice")
app.add_typer(workforce.app, name="workforce")
app.add_typer(quality.app, name="quality")
app.add_typer(returns.app, name="returns")
app.command("ingest")(intake.ingest)
app.command("link")(link.link)
app.command("replay")(replay.replay_command)
app.command("serve")(serve.serve)

if __name__ == "__main__":
    app()
