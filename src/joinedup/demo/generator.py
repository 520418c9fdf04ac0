"""Generate a synthetic local authority: records.jsonl (exchange format), casework.jsonl (the
home authority's own casework, for its services to replay) and truth.json.

Deterministic: every household draws from its own random.Random seeded by (seed, index), and
nothing depends on the clock, on hash order or on the global random module, so the same
arguments give byte-identical files.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from joinedup.demo import (
    caseepisode,
    community,
    education,
    health_routine,
    police,
    referrals,
    signals,
    trajectories,
    triggers,
    truth,
)
from joinedup.demo.agencies import build_directory
from joinedup.demo.context import Ctx, World
from joinedup.demo.emitter import Emitter, Json
from joinedup.demo.noise import IdentityBook
from joinedup.demo.population import _Draft, children_at_end, draft_household, finalise
from joinedup.demo.timeutil import iso_day

VERSION = "1.0"
_MAX_ATTEMPTS = 200


@dataclass(frozen=True)
class GenerationSummary:
    children: int
    households: int
    people: int
    records: int
    casework_steps: int
    trajectories: int
    out_dir: Path


def _history_start(as_of: date, years: int) -> int:
    try:
        return date(as_of.year - years, as_of.month, as_of.day).toordinal()
    except ValueError:  # 29 February
        return date(as_of.year - years, 3, 1).toordinal()


def _schedule(seed: int, children: int) -> list[str]:
    """Roles for the first households: trajectory, control, or none (empty string)."""
    rng = random.Random(f"{seed}:schedule")
    estimate = max(3, children // 3)
    n_traj = max(1, round(trajectories.SHARE * children / 1.75))
    n_ctrl = max(1, round(trajectories.CONTROL_SHARE * children / 1.75))
    roles = (
        ["trajectory"] * n_traj + ["control"] * n_ctrl + [""] * max(0, estimate - n_traj - n_ctrl)
    )
    rng.shuffle(roles)
    return roles


def _draft(world: World, rng: random.Random, remaining: int) -> tuple[_Draft, int]:
    for _ in range(_MAX_ATTEMPTS):
        draft = draft_household(world, rng)
        count = children_at_end(draft.hh, world.end)
        if count <= remaining:
            return draft, count
    raise RuntimeError("could not draw a household small enough")  # pragma: no cover


def _simulate(ctx: Ctx, role: str) -> bool:
    """Write every record of one household; False if it could not carry its role."""
    plan = trajectories.plan_for(ctx, control=role == "control") if role else None
    crisis_ids: list[str] = []
    if plan is None:
        referrals.run(ctx)
    else:
        crisis_ids = trajectories.statutory_history(ctx, plan)
    referrals.contacts(ctx)
    education.routine(ctx)
    triggers.emit_pending(ctx)
    if plan is not None:
        ids, crisis = signals.emit(ctx, plan)
        entry: Json = {
            "child_person_id": plan.child.pid,
            "household_id": ctx.hh.hid,
            "kind": plan.kind,
            "signals": ids,
        }
        if plan.control:
            ctx.world.controls.append(entry)
        else:
            entry.update(
                {"crisis": crisis, "crisis_date": iso_day(plan.crisis), "statutory": crisis_ids}
            )
            ctx.world.trajectories.append(entry)
    health_routine.routine(ctx)
    police.routine(ctx)
    community.routine(ctx)
    caseepisode.flush(ctx)
    truth.record_household(ctx)
    return bool(plan) or not role


def generate(
    *,
    children: int,
    years: int,
    seed: int,
    out_dir: Path,
    as_of: date = date(2026, 11, 20),
    progress: Callable[[int, int], None] | None = None,
) -> GenerationSummary:
    """Write out_dir/records.jsonl, out_dir/casework.jsonl and out_dir/truth.json.

    progress(done, total) is called as households are generated, counting children.
    """
    if children < 1 or years < 1:
        raise ValueError("children and years must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    end = as_of.toordinal()
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".demo-work-") as work:
        emitter = Emitter(Path(work), f"{as_of.isoformat()}T23:59:59+00:00")
        world = World(
            seed, _history_start(as_of, years), end, build_directory(seed, children), emitter
        )
        schedule = _schedule(seed, children)
        owed: list[str] = []
        made = index = 0
        while made < children:
            rng = random.Random(f"{seed}:household:{index}")
            draft, count = _draft(world, rng, children - made)
            hh = finalise(world, draft)
            ctx = Ctx(world, rng, hh, IdentityBook(rng, world.local_ids), children=draft.children)
            ctx.plan_rng = random.Random(f"{seed}:casework:{index}")  # leaves `rng` as it was
            role = schedule[index] if index < len(schedule) else ""
            if not role and owed:
                role = owed.pop()
            if not _simulate(ctx, role):
                owed.append(role)
            made += count
            index += 1
            if progress is not None:
                progress(made, children)
        mentions = emitter.finish(out_dir / "records.jsonl")
        world.plan.finish(out_dir / "casework.jsonl")
        generator: Json = {
            "version": VERSION,
            "children": children,
            "years": years,
            "seed": seed,
            "as_of": as_of.isoformat(),
            "history_start": iso_day(world.start),
            "households": index,
            "records": emitter.records,
            "records_by_type": dict(sorted(emitter.by_type.items())),
            "counts_period": "DfE reporting year ending 31 March",
            "casework_steps": world.plan.lines,
            "casework_steps_by_action": dict(sorted(world.plan.by_action.items())),
            "casework_left_out": dict(sorted(world.plan_skipped.items())),
        }
        truth.write(out_dir / "truth.json", world, generator, mentions)
    return GenerationSummary(
        children=made,
        households=index,
        people=world.people,
        records=emitter.records,
        casework_steps=world.plan.lines,
        trajectories=len(world.trajectories),
        out_dir=out_dir,
    )
