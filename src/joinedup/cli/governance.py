"""`joinedup governance`: subject access exports, the retention review and disposal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import orjson
import typer
from sqlalchemy.orm import Session

from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.core.errors import Conflict, NotFound, NotPermitted, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.governance import disposal, stewardship
from joinedup.governance import sar as subject_access
from joinedup.governance.retention import Rules
from joinedup.governance.sar_html import render

T = TypeVar("T")
app = typer.Typer(help="Information governance: subject access and retention.",
                  no_args_is_help=True)  # fmt: skip


@app.command("sar")
def sar(
    person: int = typer.Option(..., "--person", min=1, help="The data subject's person id."),
    out: Path = typer.Option(..., help="Directory for the JSON, HTML and manifest."),
    requester: int | None = typer.Option(
        None, min=1, help="The requester's person id, when it is not the data subject."
    ),
    recipient: str = typer.Option("The data subject", help="Who receives it (the register)."),
) -> None:
    """Export everything held about a person, third parties and protected identities withheld;
    recorded in the sharing register. Nothing is recorded unless all three files are written."""
    engine = common.engine(common.settings())
    try:
        with unit_of_work(engine) as session:
            done = subject_access.export(
                session=session, actor=common.cli_actor(), person_id=person,
                requester_person_id=requester, recipient=recipient, now=SystemClock().now(),
            )  # fmt: skip
            stem = f"subject-access-{person}"
            files = {
                out / f"{stem}.json": done.json_bytes,
                out / f"{stem}.html": render(done.document).encode(),
                out / f"{stem}.manifest.json": orjson.dumps(
                    done.manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
                ),
            }
            _write_all(files)
    except NotFound as error:
        common.errors.print(f"--person: {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    except ValidationFailed as error:
        common.errors.print(f"Export refused: {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    counts = ", ".join(f"{k} {v}" for k, v in done.manifest["sections"].items())
    withheld = ", ".join(f"{k} {v}" for k, v in done.manifest["withheld"].items())
    common.console.print(f"Subject access export for person {person} in {out}.", soft_wrap=True)
    common.console.print(f"Sections: {counts}.", soft_wrap=True)
    common.console.print(f"Withheld: {withheld}.", soft_wrap=True)
    common.console.print(f"Recorded in the sharing register as disclosure {done.disclosure_id}.")


def _write_all(files: dict[Path, bytes]) -> None:
    """Every file, or none: those already written are removed if a later one fails."""
    written: list[Path] = []
    try:
        for path, data in files.items():
            common.write_atomically(path, data)
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _rules() -> Rules:
    return Rules.from_settings(common.settings())


def _run(work: Callable[[Session], T]) -> T:
    """One unit of work; a domain refusal exits 2 with its fields named, nothing written."""
    engine = common.engine(common.settings())
    try:
        with unit_of_work(engine) as session:
            return work(session)
    except (NotFound, Conflict, NotPermitted) as error:
        common.errors.print(f"Refused: {error}", soft_wrap=True)
        raise typer.Exit(2) from None
    except ValidationFailed as error:
        named = "; ".join(f"--{e.field.replace('_', '-')}: {e.message}" for e in error.errors)
        common.errors.print(f"Refused: {named or error}", soft_wrap=True)
        raise typer.Exit(2) from None


@app.command("retention")
def retention(
    as_of: datetime = typer.Option(..., "--as-of", formats=["%Y-%m-%d"], help="YYYY-MM-DD."),
) -> None:
    """List every child due for a retention review by DATE, with holds and decisions."""
    items = _run(lambda session: stewardship.review_list(
        session=session, actor=common.cli_actor(), rules=_rules(), as_of=as_of.date(),
        now=SystemClock().now()))  # fmt: skip
    common.console.print(f"{len(items)} children due for review by {as_of.date().isoformat()}.")
    for item in items:
        r = item.retention
        decided = item.decision.decision if item.decision else "none"
        common.console.print(
            f"  person {r.person_id}: {r.retention_class} until {r.until.isoformat()}; "
            f"status {item.status}; decision {decided}; holds {len(item.holds)}",
            soft_wrap=True,
        )


@app.command("hold")
def hold(
    person: int = typer.Option(..., "--person", min=1, help="The child's person id."),
    reason: str = typer.Option(..., help="Why (an inquiry, a claim, a court order)."),
) -> None:
    """Place a legal hold: nothing about the child is disposed of while it is in force."""
    placed = _run(lambda session: stewardship.place_hold(
        session=session, actor=common.cli_actor(), person_id=person, reason=reason,
        now=SystemClock().now()).id)  # fmt: skip
    common.console.print(f"Legal hold {placed} placed on person {person}.")


@app.command("lift")
def lift(
    hold_id: int = typer.Option(..., "--hold", min=1, help="The legal hold's id."),
    reason: str = typer.Option(..., help="Why it is no longer needed."),
) -> None:
    """Lift a legal hold, with a reason."""
    _run(lambda session: stewardship.lift_hold(session=session, actor=common.cli_actor(),
                                               hold_id=hold_id, reason=reason,
                                               now=SystemClock().now()))  # fmt: skip
    common.console.print(f"Legal hold {hold_id} lifted.")


@app.command("decide")
def decide(
    person: int = typer.Option(..., "--person", min=1, help="The child's person id."),
    decision: str = typer.Option(..., help="retain, extend or dispose."),
    reason: str = typer.Option(..., help="Why."),
    review_on: datetime | None = typer.Option(
        None, "--review-on", formats=["%Y-%m-%d"], help="extend: the next review, YYYY-MM-DD."
    ),
) -> None:
    """Record a retention decision (dispose: only when due, closed and not on hold)."""
    made = _run(lambda session: stewardship.decide(
        session=session, actor=common.cli_actor(), rules=_rules(), person_id=person,
        decision=decision, reason=reason, review_on=review_on.date() if review_on else None,
        now=SystemClock().now()).id)  # fmt: skip
    common.console.print(f"Decision {made} recorded: {decision} person {person}.")


@app.command("dispose")
def dispose() -> None:
    """Act on recorded decisions to dispose (never on anything else), skipping any child now
    under a legal hold or with an open case; personal data anonymised, the audit log kept."""
    actor, rules, now = common.cli_actor(), _rules(), SystemClock().now()
    report = _run(lambda session: disposal.dispose_decided(
        session=session, actor=actor, rules=rules, now=now))  # fmt: skip
    common.console.print(f"Disposed of {len(report.disposed)} children's personal data.")
    for person_id, why in report.skipped.items():
        common.console.print(f"  person {person_id} skipped: {why}", soft_wrap=True)
