"""truth.json: who everyone really is, where they lived, and which stories were planted.

The application never reads this file; tests and benchmarks of linkage and rules do. People
and households are serialised as each household is finished; mentions stream from a spill
file, so memory holds no more than the people and households themselves.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import BinaryIO

import orjson

from joinedup.demo.context import Ctx, World
from joinedup.demo.emitter import Json
from joinedup.demo.model import Household, Person
from joinedup.demo.noise import person_due
from joinedup.demo.timeutil import birthday, iso_day


def person_json(person: Person, end: int) -> bytes:
    born = person.born and person.dob <= end
    record: Json = {
        "person_id": person.pid,
        "kind": "adult" if person.adult else "child",
        "given_names": person.given,
        "family_name": person.surname_at(end),
        "previous_family_names": person.previous_surnames(end),
        "date_of_birth": iso_day(person.dob) if born else None,
        "sex": person.sex,
        "nhs_number": person.nhs,
        "upn": person.upn,
        "twin_of": person.twin_of or None,
    }
    if not born:
        record["expected_date_of_delivery"] = iso_day(person_due(person))
    if person.alias:
        record["alias"] = person.alias
    return orjson.dumps(record)


def household_json(hh: Household) -> bytes:
    def day(value: int | None) -> str | None:
        return None if value is None else iso_day(value)

    return orjson.dumps(
        {
            "household_id": hh.hid,
            "kind": hh.kind,
            "members": [
                {"person_id": s.person.pid, "from": day(s.start), "to": day(s.end)}
                for s in hh.members
            ],
            "addresses": [
                {
                    "postcode": r.address.postcode,
                    "local_authority": r.address.authority.name,
                    "from": day(r.start),
                    "to": day(r.end),
                }
                for r in hh.residences
            ],
        }
    )


def record_household(ctx: Ctx) -> None:
    """Serialise the household, its placements and everyone in them; count 31 March children."""
    world = ctx.world
    seen: set[str] = set()
    for hh in (ctx.hh, *ctx.placements):
        world.households_json.add(household_json(hh))
        for person in hh.people():
            if person.pid not in seen:
                world.people_json.add(person_json(person, world.end))
                seen.add(person.pid)
    for march in world.march31:
        for child in ctx.children:
            if not (child.born and child.dob <= march < birthday(child.dob, 18)):
                continue
            home = ctx.household_of(child, march)
            spell = next((s for s in home.members if s.person is child and s.covers(march)), None)
            if spell is not None and (home.in_home(march) or home.kind == "placement"):
                world.count(march, "children")


def _copy(part: Path, out: BinaryIO) -> None:
    with part.open("rb") as source:
        shutil.copyfileobj(source, out, 1 << 20)
    part.unlink()


def write(path: Path, world: World, generator: Json, mentions: Path) -> None:
    counts = {
        str(year): dict(sorted(values.items())) for year, values in sorted(world.counts.items())
    }
    with path.open("wb") as out:
        out.write(b'{"generator":' + orjson.dumps(generator) + b',\n"people":[\n')
        _copy(world.people_json.close(), out)
        out.write(b'\n],\n"mentions":[\n')
        _copy(mentions, out)
        out.write(b'\n],\n"households":[\n')
        _copy(world.households_json.close(), out)
        out.write(b'\n],\n"trajectories":' + orjson.dumps(world.trajectories))
        out.write(b',\n"controls":' + orjson.dumps(world.controls))
        out.write(b',\n"counts_by_year":' + orjson.dumps(counts) + b"}\n")
