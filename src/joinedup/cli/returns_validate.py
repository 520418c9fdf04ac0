"""`joinedup returns validate`: the DfE rules on a CIN census XML file and/or SSDA903 CSVs."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from joinedup.cli import common
from joinedup.cli.returns import app
from joinedup.reports import validation


@app.command("validate")
def validate_command(
    year: int = typer.Option(
        ..., "--year", help="The year the collection ends (2026 = April 2025 to March 2026)."
    ),
    cin: Path | None = typer.Option(None, "--cin", help="A CIN census XML file."),
    ssda903: Path | None = typer.Option(None, "--ssda903", help="A directory of 903 CSVs."),
    ssda903_previous: Path | None = typer.Option(
        None, "--ssda903-previous", help="The previous year's 903 CSVs (for year-on-year rules)."
    ),
    ssda903_earlier: list[Path] = typer.Option(
        [],
        "--ssda903-earlier",
        help="An earlier year's 903 CSVs, before the previous year's (repeatable): rules 1001 "
        "and 1002 then see a care leaver's care before the two years they read.",
    ),
    ignore: list[str] = typer.Option([], "--ignore", help="A rule code to skip (repeatable)."),
    la_code: str | None = typer.Option(
        None, "--la-code", help="The authority's code for the 903 area rules [settings]."
    ),
    patch_la_lookup: list[str] = typer.Option(
        [], "--patch-la-lookup", help="CODE[=UPPER]: add an area to the 903 lookup (repeatable)."
    ),
    patch_postcodes: Path | None = typer.Option(
        None, "--patch-postcodes", help="CSV pcd,laua,oseast1m,osnrth1m to add to the lookup."
    ),
    synthetic_la: list[str] = typer.Option(
        [],
        "--synthetic-la",
        help="A made-up LA code (the demo's 990-995): its failures on the "
        "DfE's code lists are listed, not counted (repeatable).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    limit: int = typer.Option(20, "--limit", min=1, help="Places shown per failing rule."),
    validators_python: Path | None = typer.Option(
        None, envvar="JOINEDUP_VALIDATORS_PYTHON", help="[.venv-validators/bin/python]"
    ),
    timeout: float = typer.Option(
        validation.DEFAULT_TIMEOUT_SECONDS, "--timeout", min=1, help="Seconds."
    ),
) -> None:
    """Run the DfE validators (csc-validator-be-cin, csc-validator-be-903) and print the
    failures by level, rule and child.

    Exit 0 when there are no error-level failures (queries allowed), 1 when there are, 2 when an
    input cannot be used, 3 when the validators are missing, crash or run out of time.
    """
    code = la_code if la_code is not None else common.settings().authority_code
    try:
        report = validation.validate(
            year=year, cin=cin, ssda903=ssda903, ssda903_previous=ssda903_previous,
            ssda903_earlier=ssda903_earlier, la_code=code, ignore=ignore,
            patch_la_lookup=[code, *patch_la_lookup],
            patch_postcodes=patch_postcodes, synthetic_la=synthetic_la,
            python=validators_python, timeout=timeout,
        )  # fmt: skip
    except validation.ReturnInputInvalid as error:
        common.errors.print(f"error: {error}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from error
    except validation.ValidatorsUnavailable as error:
        common.errors.print(f"error: {error}", markup=False, soft_wrap=True)
        raise typer.Exit(3) from error
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=1))  # plain: never wrapped to the terminal
    else:
        common.console.print(
            validation.format_report(report, limit=limit), markup=False, soft_wrap=True
        )
    if not report.passed:
        raise typer.Exit(1)
