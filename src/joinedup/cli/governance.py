"""`joinedup governance`: subject access exports, the retention review and disposal."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from joinedup.cli import common
from joinedup.core.clock import SystemClock
from joinedup.core.errors import NotFound, ValidationFailed
from joinedup.db.session import unit_of_work
from joinedup.governance import sar as subject_access
from joinedup.governance.sar_html import render

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
