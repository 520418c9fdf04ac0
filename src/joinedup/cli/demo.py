"""`joinedup demo`: the synthetic local authority, for demonstration, tests and benchmarks."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import orjson
import typer

from joinedup.cli import common
from joinedup.cli.intake import run_ingest

app = typer.Typer(help="The synthetic local authority.", no_args_is_help=True)

CHILDREN = typer.Option(10_000, min=1, help="Children (0-17) living in the authority.")
YEARS = typer.Option(5, min=1, max=30, help="Years of history, ending today.")
_STAMP = "generated.json"
SEED = typer.Option(2026, help="Seed: the same seed gives the same authority.")


@app.command("generate")
def generate(
    children: int = CHILDREN,
    years: int = YEARS,
    seed: int = SEED,
    out: Path = typer.Option(..., help="Directory for records.jsonl and truth.json."),
) -> None:
    """Write DIR/records.jsonl (as partner agencies send it) and DIR/truth.json (ground truth)."""
    _generate(children, years, seed, out)


@app.command("build")
def build(
    children: int = CHILDREN,
    years: int = YEARS,
    seed: int = SEED,
    out: Path | None = typer.Option(None, help="Where to keep the files [var/demo-N-Y-S]."),
) -> None:
    """Generate the authority (unless already generated with these settings), ingest its
    partners' records, then replay its own casework history through the casework services."""
    out = out or Path("var") / f"demo-{children}-{years}-{seed}"
    started = time.monotonic()
    if _already_generated(out, children, years, seed):
        common.console.print(f"Using the authority already generated in {out}.")
    else:
        _generate(children, years, seed, out)
    code = run_ingest(out / "records.jsonl", out / "records.rejects.jsonl", None)
    if code == 0:
        code = _replay_casework(out / "casework.jsonl")
    if code == 0 and common.settings().demo_accounts:
        _seed_workforce()
        _place_partners()
    common.console.print(f"Demo authority built in {time.monotonic() - started:,.0f} s.")
    if code != 0:
        raise typer.Exit(code)


def _replay_casework(plan: Path) -> int:
    """The home authority's own casework, through its services (joinedup.demo.casework)."""
    from joinedup.casework.chronicle import Authority
    from joinedup.demo.casework import already_replayed, count_steps, replay

    current = common.settings()
    engine = common.engine(current)
    if already_replayed(engine):
        common.console.print("The casework history is in the database already: not replayed.")
        return 0
    if current.demo_accounts:  # so that cases are allocated to the demo sign-ins' own accounts
        from joinedup.access.demo_accounts import ensure_demo_accounts
        from joinedup.core.clock import SystemClock
        from joinedup.db.session import unit_of_work

        with unit_of_work(engine) as session:
            ensure_demo_accounts(
                session=session, actor=common.cli_actor(), now=SystemClock().now(), demo=True
            )
    with common.progress_bar() as bar:
        task = bar.add_task("Replaying casework", total=count_steps(plan))
        summary = replay(
            engine=engine,
            plan=plan,
            authority=Authority(current.authority_name, current.authority_code),
            progress=lambda n: bar.advance(task, n),
            on_refused=lambda line_id, what: bar.console.print(
                f"refused at plan line {line_id}: {what}", markup=False, highlight=False
            ),
        )
    common.console.print(summary.line())
    for what, steps in sorted(summary.refused.items()):
        common.errors.print(f"refused: {what} ({steps} steps)", markup=False)
    if summary.refused_ids:
        common.errors.print(f"refused steps (plan line ids): {' '.join(summary.refused_ids)}",
                            markup=False)  # fmt: skip
    return 1 if summary.refused or summary.unresolved else 0


def _seed_workforce() -> None:
    """Teams and posts for the demo sign-ins (some vacant, some agency), after the casework
    replay has allocated cases to them; running it again adds nothing."""
    from joinedup.core.clock import SystemClock
    from joinedup.db.session import unit_of_work
    from joinedup.workforce.seed import seed_demo_workforce

    now = SystemClock().now()
    with unit_of_work(common.engine(common.settings())) as session:
        seeded = seed_demo_workforce(
            session=session, actor=common.cli_actor(), today=now.date(), now=now
        )
    common.console.print(
        f"Workforce: {seeded.teams} teams and {seeded.posts} posts added "
        f"({seeded.vacancies} vacant, {seeded.agency} agency)."
    )


def _place_partners() -> None:
    """The demo DSL in the school with the biggest roll, the demo officer in the police force."""
    from joinedup.core.clock import SystemClock
    from joinedup.db.session import unit_of_work
    from joinedup.demo.partners import place_demo_partners

    with unit_of_work(common.engine(common.settings())) as session:
        placed = place_demo_partners(session=session, actor=common.cli_actor(),
                                     now=SystemClock().now())  # fmt: skip
    for username, code in sorted(placed.items()):
        common.console.print(f"Partner: {username} works for organisation {code}.")


@app.command("accounts")
def accounts() -> None:
    """Create the demo sign-ins (one per role) and print them. Demo mode only."""
    from joinedup.cli.demo_accounts import print_demo_accounts

    print_demo_accounts()


def _generate(children: int, years: int, seed: int, out: Path) -> None:
    from joinedup.demo.generator import generate as generate_authority

    with common.progress_bar() as bar:
        task = bar.add_task("Generating households", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = generate_authority(
            children=children, years=years, seed=seed, out_dir=out, progress=progress
        )
    stamp = {"children": children, "years": years, "seed": seed, "records": summary.records,
             "generator": _generator_fingerprint()}  # fmt: skip
    (out / _STAMP).write_bytes(orjson.dumps(stamp))
    common.console.print(
        f"Generated {summary.records:,} records about {summary.children:,} children in "
        f"{summary.households:,} households ({summary.trajectories} harm trajectories) in {out}."
    )


def _already_generated(out: Path, children: int, years: int, seed: int) -> bool:
    """True when OUT holds a complete generation with these settings (its stamp is written last)."""
    stamp, records = out / _STAMP, out / "records.jsonl"
    if not (stamp.is_file() and records.is_file()):
        return False
    made = orjson.loads(stamp.read_bytes())
    wanted: dict[str, object] = {"children": children, "years": years, "seed": seed}
    wanted["generator"] = _generator_fingerprint()
    return all(made.get(key) == value for key, value in wanted.items())


def _generator_fingerprint() -> str:
    """A hash of the generator's source: a changed generator means the files are made again."""
    import joinedup.demo

    folder = Path(joinedup.demo.__file__).parent
    digest = hashlib.sha256()
    for source in sorted(folder.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


@app.command("train-linkage")
def train_linkage(
    out: Path = typer.Option(..., help="Where to write the model (JSON)."),
    children: int = typer.Option(5_000, min=100, help="Children in the training authority."),
) -> None:
    """Train the default linkage model on a synthetic authority (seed 7, not the demo's)."""
    from joinedup.demo.linkage_training import train_default

    model = train_default(children, common.settings().link_upper)
    model.save(out)
    common.console.print(f"model {model.version} written to {out}", markup=False)
