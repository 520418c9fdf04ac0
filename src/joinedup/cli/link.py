"""`joinedup link FILE.csv --out CLUSTERS.csv`: standalone identity linkage (no database)."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path

import typer

from joinedup.cli import common
from joinedup.people.linkage import csvfile
from joinedup.people.linkage.model import ModelFileInvalid, load_model


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


def link(
    file: Path | None = typer.Argument(
        None,
        help="A CSV with the header record_id,given_names,family_name,other_names,"
        "date_of_birth,sex,nhs_number,upn,postcode,address,school_urn,source_agency.",
    ),
    out: Path | None = typer.Option(None, help="CLUSTERS.csv to write: record_id,person_id."),
    everything: bool = typer.Option(
        False, "--all", help="Re-link every mention in the database and reconcile the store."
    ),
    engine: EngineName = typer.Option(EngineName.duckdb, help="Where Splink runs."),
    model: Path | None = typer.Option(
        None, help="Score with this trained model instead of training on FILE."
    ),
    save_model: Path | None = typer.Option(None, help="Also write the trained model here."),
    threshold: float | None = typer.Option(
        None, min=0.5, max=0.999999, help="Link at this match probability [JOINEDUP_LINK_UPPER]."
    ),
) -> None:
    """Cluster the records of FILE into persons, training on FILE itself (unsupervised).

    The same comparisons, guards and threshold as online resolution. Exit 2 when FILE is
    invalid (every error is printed with its line; nothing is written).

    With --all instead of FILE: re-link every mention in the database (retrained on it unless
    --model is given), never undoing a person's decision, and reconcile the live links.
    """
    from joinedup.people.linkage.batch import link as run_link

    settings = common.settings()
    if everything == (file is not None) or (file is not None and out is None):
        common.errors.print("error: give FILE with --out, or --all", markup=False)
        raise typer.Exit(2)
    if everything:
        _relink_all(engine, model, save_model, threshold or settings.link_upper)
        return
    assert file is not None and out is not None  # noqa: S101 - checked above
    try:
        data = csvfile.read(file)
        trained = load_model(model) if model else None
    except FileNotFoundError:
        common.errors.print(f"error: {file}: no such file", markup=False)
        raise typer.Exit(2) from None
    except csvfile.LinkFileInvalid as exc:
        for line in exc.errors:
            common.errors.print(line, markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except ModelFileInvalid as exc:
        common.errors.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    for warning in data.warnings[:20]:
        common.errors.print(f"warning: {warning}", markup=False, soft_wrap=True)
    if len(data.warnings) > 20:
        common.errors.print(f"warning: … and {len(data.warnings) - 20} more", markup=False)
    started = time.perf_counter()
    result = run_link(
        data.identities,
        threshold=threshold or settings.link_upper,
        engine=engine.value,
        model=trained,
        progress=lambda text: common.errors.print(text, markup=False),
    )
    csvfile.write(out, data.record_ids, result.labels)
    if save_model:
        result.model.save(save_model)
    persons = len(set(result.labels))
    common.console.print(
        f"{len(data.record_ids):,} records → {persons:,} persons in "
        f"{time.perf_counter() - started:.1f} s ({result.links:,} links; {result.guarded:,} "
        f"pairs held apart by a guard; {result.refused:,} joins refused by a constraint)",
        markup=False,
    )


def _relink_all(
    engine: EngineName, model: Path | None, save_model: Path | None, threshold: float
) -> None:
    from joinedup.core.clock import SystemClock
    from joinedup.db.session import unit_of_work
    from joinedup.people.relink import relink_all

    settings = common.settings()
    try:
        trained = load_model(model) if model else None
    except ModelFileInvalid as exc:
        common.errors.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    with unit_of_work(common.engine(settings)) as session:
        summary, used = relink_all(
            session=session,
            actor=common.cli_actor(),
            now=SystemClock().now(),
            threshold=threshold,
            engine=engine.value,
            model=trained,
            progress=lambda text: common.errors.print(text, markup=False),
        )
    if save_model:
        used.save(save_model)
    common.console.print(summary.line(), markup=False)
    common.console.print(
        f"model {used.version}; {summary.timings['total']:.0f} s"
        + (f"; saved to {save_model} (set JOINEDUP_LINK_MODEL_PATH to use it online)"
           if save_model else ""),
        markup=False,
    )  # fmt: skip
