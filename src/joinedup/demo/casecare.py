"""What the home authority's casework records about a looked-after child for the SSDA903.

Where each child is placed (type, provider, Ofsted URN, postcodes), how their placements and
legal status change, how they take part in their reviews, when they go missing, and their
permanence before care. Every draw here comes from random numbers of its own, derived from the
seed, the child and the day (`_rng`): nothing is taken from the household's or the casework
plan's generators, so which children exist and every other record stay as they were.

All URNs are synthetic ("SC99" and digits; XXXXXXX for the adoption agency), as are the
postcodes (places.py: areas Royal Mail does not use).
"""

from __future__ import annotations

import csv
import math
import random
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from joinedup.casework.steps import SEXES_OF_STATUS
from joinedup.core import dfe_codes
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.places import HOME, NEIGHBOURS, Authority, make_address
from joinedup.demo.timeutil import YEAR, birthday, iso_day

if TYPE_CHECKING:
    from joinedup.demo.context import Ctx
    from joinedup.demo.statutory import Episode, Step

ADOPTION = frozenset({"E11", "E12"})
SGO = dfe_codes.SGO_TO_FOSTER_CARERS
# How long a status the law keeps short lasts before the next (L1 police protection: 72 hours;
# L2 an emergency protection order: 8 days; J2 PACE: until the court).
SHORT_STATUS = {"L1": (1, 3, ("C1", "V2")), "L2": (3, 8, ("C1",)), "J2": (1, 2, ("J1",))}
MOVE_REASONS = (("CARPL", 45), ("CREQB", 14), ("CREQO", 10), ("CHILD", 6), ("LAREQ", 5),
                ("STAND", 5), ("CLOSE", 5), ("OTHER", 10))  # fmt: skip
TAKING_PART = (("PN1", 50), ("PN2", 15), ("PN3", 5), ("PN4", 5), ("PN5", 15), ("PN6", 5),
               ("PN7", 5))  # fmt: skip
RAA = "XXXXXXX"  # a placement for adoption through the regional adoption agency


def _rng(ctx: Ctx, *parts: object) -> random.Random:
    return random.Random(":".join((str(ctx.world.seed), "ssda903", *map(str, parts))))


def _pick(r: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return r.choices([c for c, _ in weighted], [w for _, w in weighted])[0]


def _urn(r: random.Random, provider: str, place: str) -> str:
    """A synthetic Ofsted URN for the fostering service, home or agency (none where the DfE
    needs none)."""
    if place in ("P1", "R1", "R2", "R5") or place.startswith("T") or place.startswith("Z1"):
        return ""
    if place.startswith("A"):
        return RAA
    if provider in ("PR1", "PR2"):  # the authority's own fostering service or homes
        return f"SC99{'01' if provider == 'PR1' else '02'}{r.randint(0, 9)}{r.randint(0, 9)}"
    return f"SC99{3 if provider == 'PR4' else 4}{r.randint(100, 199)}"


def _provider(r: random.Random, authority: Authority, place: str) -> str:
    if place == "P1":
        return "PR0"
    if authority is HOME:
        return _pick(r, (("PR1", 70), ("PR4", 22), ("PR5", 8)))
    return _pick(r, (("PR2", 25), ("PR4", 55), ("PR5", 20)))


def _home_postcode(ctx: Ctx, day: int) -> str:
    for residence in reversed(ctx.hh.residences):
        if residence.start < day:
            return residence.address.postcode
    return ""


def start_fields(ctx: Ctx, child: Person, day: int, legal: str) -> Json:
    """The placement the child went to on becoming looked after, and what else is recorded."""
    r = _rng(ctx, child.pid, day, "start")
    place = "A6" if legal == "E1" else "U3" if legal == "C2" else "U6"
    home = ctx.household_of(child, day)
    address = home.residences[0].address if home is not ctx.hh and home.residences else None
    authority = address.authority if address is not None else HOME
    provider = _provider(r, authority, place)
    age = (day - child.dob) / YEAR
    permanence = _pick(r, (("Z1", 97), ("P2", 2), ("P3", 1))) if age >= 1 else "Z1"
    fields: Json = {
        "legal_status": legal,
        "placement_type": place,
        "placement_provider": provider,
        "urn": _urn(r, provider, place),
        "placement_postcode": address.postcode if address is not None else "",
        "home_postcode": _home_postcode(ctx, day),
        "intended_to_18": legal == "C2",
        "category_of_need": "N6" if legal.startswith("J") else _pick(
            r, (("N1", 70), ("N4", 10), ("N5", 10), ("N8", 10))),
        "previous_permanence": permanence,
    }  # fmt: skip
    if permanence != "Z1":
        fields["previous_permanence_la"] = r.choice(("WAL", "SCO"))  # rule 633: real codes
        fields["previous_permanence_on"] = iso_day(child.dob + r.randint(180, int(age * YEAR)))
    return fields


def adoption_fields(ctx: Ctx, child: Person, day: int, start: int, seen: dict[str, int]) -> Json:
    """The AD1 details of an adoption ending a period on `day`: the decision and the placement
    for adoption as planned (`seen`), a match between them, the adopters."""
    r = _rng(ctx, child.pid, day, "adopted")
    decided = seen.get("decided", start)
    placed = seen.get("placed", day)
    matched = min(max(decided, placed - r.randint(1, 15)), day - 1)
    return {
        "adoption_decided_on": iso_day(min(decided, matched)),
        "adoption_matched_on": iso_day(matched),
        "adopted_by_foster_carers": False,  # placed for adoption with new carers (A6)
        "adopters": (adopters := r.choice((1, 2, 2, 2))),
        **_adopters(r, adopters),
    }  # fmt: skip


def _adopters(r: random.Random, adopters: int) -> dict[str, str]:
    """The adopters' sexes and legal status, one story (casework.steps.SEXES_OF_STATUS)."""
    if adopters == 1:
        return {"adopters_sex": r.choice(("M1", "F1", "F1")), "adopters_legal_status": "L0"}
    status = _pick(r, (("L11", 70), ("L12", 5), ("L2", 5), ("L3", 15), ("L4", 5)))
    sexes = _pick(r, (("MF", 80), ("FF", 10), ("MM", 10)))
    allowed = SEXES_OF_STATUS.get(status)
    if allowed is not None and sexes not in allowed:
        sexes = r.choice(allowed)
    return {"adopters_sex": sexes, "adopters_legal_status": status}


def participation(ctx: Ctx, child: Person, day: int) -> str:
    """How the child took part in a review: PN0 under 4, otherwise as children mostly do."""
    if (day - child.dob) / YEAR < 4:
        return "PN0"
    return _pick(_rng(ctx, child.pid, day, "review"), TAKING_PART)


def _move(ctx: Ctx, r: random.Random, child: Person, day: int, place: str) -> Json:
    authority = HOME if r.random() < 0.65 else r.choice(NEIGHBOURS)
    provider = _provider(r, authority, place)
    return {
        "placement_type": place,
        "placement_provider": provider,
        "urn": _urn(r, provider, place),
        "placement_postcode": make_address(r, authority).postcode,
        "intended_to_18": place in ("U1", "U4"),
        "reason_for_change": "Placement changed: see the care plan.",
        "reason_code": _pick(r, MOVE_REASONS),
    }


def _place_for(r: random.Random, age: float, months_in: float, foster_only: bool) -> str:
    """A child whose care ends in a special guardianship order to their foster carers (E45,
    E46) stays in foster care: the order is made to the carers they live with (rule 516)."""
    if age >= 13 and r.random() < 0.4 and not foster_only:
        return "K2"  # a children's home
    return "U4" if months_in > 6 and r.random() < 0.5 else "U6"


def care_steps(ep: Episode, child: Person) -> list[Step]:
    """Within each of the child's periods of care: the short legal statuses ending, moves of
    placement (and, before an adoption, the placement for adoption) and missing episodes."""
    from joinedup.demo.statutory import Step

    ctx, out = ep.ctx, []
    for period in ep.cla:
        if period.child is not child:
            continue
        r = _rng(ctx, child.pid, period.start, "period")
        end = period.end if period.end is not None else ctx.world.end + 1
        short = SHORT_STATUS.get(period.legal)
        if short is not None and period.start + short[1] < end:
            day = period.start + r.randint(short[0], short[1])
            attrs: Json = {"legal_status": r.choice(short[2])}
            out.append(Step(day, child, "LGS", "cla_legal", attrs, "Legal status changed.", ""))
        adopted = period.reason in ADOPTION and period.end is not None
        last = end - (r.randint(120, 300) if adopted else 30)
        moves = r.choices((0, 1, 2, 3), (55, 28, 12, 5))[0]
        span = range(period.start + 20, last)
        days = sorted(r.sample(span, moves)) if len(span) > moves else []
        for day in days:
            age = (day - child.dob) / YEAR
            place = _place_for(r, age, (day - period.start) / 30, period.reason in SGO)
            fields = _move(ctx, r, child, day, place)
            out.append(Step(day, child, "PLM", "cla_move", fields, "Placement changed.", ""))
        decided: Json
        if period.legal == "E1":  # a placement order: the decision to place came first
            decided = {"decided_on": iso_day(period.start)}
            out.append(Step(period.start, child, "ADD", "cla_adoption", decided, "Adoption.", ""))
        if adopted and last > period.start + 21 and period.legal != "E1":  # E1: placed already
            fields = {**_move(ctx, r, child, last, "A6"), "placement_provider": "PR1",
                      "urn": RAA, "reason_code": "CARPL", "legal_status": "E1"}  # fmt: skip
            on = max(period.start + 1, last - r.randint(20, 60))
            decided = {"decided_on": iso_day(on)}
            out.append(Step(on, child, "ADD", "cla_adoption", decided, "Adoption.", ""))
            out.append(Step(last, child, "PLM", "cla_move", fields, "Placed for adoption.", ""))
        if (period.start - child.dob) / YEAR >= 11 and r.random() < 0.25:
            free = period.start + 5
            for _ in range(r.randint(1, 3)):
                if free >= end - 6:
                    break
                began = r.randint(free, min(free + 120, end - 6))
                came_back = began + r.randint(0, 3)
                free = came_back + 5
                attrs = {"missing": _pick(r, (("M", 70), ("A", 30))),
                         "started_on": iso_day(began)}  # fmt: skip
                if came_back < end:
                    attrs["ended_on"] = iso_day(came_back)
                recorded = came_back if came_back < end else began
                out.append(Step(recorded, child, "MIS", "cla_missing", attrs, "Missing.", ""))
        out.extend(_outcomes(ctx, child, period.start, end))
    return out


# Ends of care after which the child goes home, and stays a child in need with their social
# worker while the return settles (the care plan's support for the return home). A remand that
# ends (E14) sends the child home too (`care.RETURNS_HOME`): the youth justice service works with
# them, and their social worker stays while the return settles, as after any return home. A care
# leaver at 18 (E5, E17) is an adult: the leaving care service takes over, which casework does
# not hold. A transfer (E3) is the other authority's child: the case closes (RC5).
RETURNED_HOME = frozenset({"E4A", "E4B", "E13", "E8", "E14"})
SUPPORT_DAYS = (150, 0.5, 60, 365)  # median, spread (lognormal), shortest, longest
HOME_VISIT = "Visit after the return home: child seen alone; settling back with the family."


def after_care(ep: Episode, child: Person, mine: list[Step]) -> list[Step]:
    """The child's steps with support after a return home: a closure before the support ends
    moves to its end (RC7), or goes if that is after the history, or becomes a transfer (RC5)
    if the family moved away first; with visits every four to six weeks meanwhile."""
    from joinedup.demo.statutory import Step

    ended = [s for s in mine if s.child is child and s.rtype == "cla_end"]
    closed = [s for s in mine if s.child is child and s.rtype == "case_closed"]
    if not ended or len(closed) != 1 or closed[0].day < ended[-1].day:
        return mine
    home, close = ended[-1], closed[0]
    reason, closure = (home.attrs or {}).get("reason"), (close.attrs or {}).get("reason")
    if reason not in RETURNED_HOME or closure == dfe_codes.TRANSFERRED:
        return mine  # not a return home, or the family moved away
    ctx = ep.ctx
    r = _rng(ctx, child.pid, home.day, "support")
    median, sigma, low, high = SUPPORT_DAYS
    until = home.day + max(low, min(high, int(median * math.exp(r.gauss(0.0, sigma)))))
    if close.day >= until:
        return mine  # the case stayed open long enough
    moved = _moved_away(ep, home.day)
    out = [s for s in mine if s is not close]
    day = home.day + r.randint(7, 14)
    while day < min(until, moved or until, ctx.world.end + 1):
        out.append(Step(day, child, "VIS", "note", None, HOME_VISIT, "social worker"))
        day += r.randint(28, 42)
    if moved is not None and moved <= min(until, ctx.world.end):
        text = "Family moved to another local authority; case transferred and closed."
        out.append(
            Step(moved, child, "CLS", "case_closed", {"reason": dfe_codes.TRANSFERRED}, text, "")
        )
    elif until <= ctx.world.end:
        text = "Support after the return home ended: needs met; case closed."
        out.append(Step(until, child, "CLS", "case_closed", {"reason": "RC7"}, text, ""))
    return out


def _moved_away(ep: Episode, day: int) -> int | None:
    """The first day after `day` on which the family lived in another authority."""
    for residence in ep.ctx.hh.residences:
        if residence.start > day and residence.address.authority.name != ep.la:
            return residence.start
    return None


def _outcomes(ctx: Ctx, child: Person, start: int, end: int) -> list[Step]:
    """Each 31 March the child has been looked after 12 months, the year's health and outcomes
    (OC2), recorded in the weeks before, with only the items the DfE asks of their age."""
    from joinedup.demo.statutory import Step

    out = []
    for march in ctx.world.march31:
        if (
            not (start <= march - 365 and march < end)
            or f"{date.fromordinal(march):%m%d}" != "0331"
        ):
            continue  # the world's last stock day may be its as-of day: no outcomes are due then
        r = _rng(ctx, child.pid, march, "outcomes")
        year_start = march - 364
        misuse = birthday(child.dob, 11) <= march and r.random() < 0.06
        fields: Json = {"health_assessment": r.random() < 0.95,
                        "immunisations": r.random() < 0.88, "teeth_check": r.random() < 0.85,
                        "substance_misuse": misuse}  # fmt: skip
        if birthday(child.dob, 5) > march:
            fields["health_check"] = r.random() < 0.9
        if birthday(child.dob, 4) > march or birthday(child.dob, 17) <= year_start:
            pass  # no SDQ under 4 or from 17
        elif birthday(child.dob, 4) <= year_start and birthday(child.dob, 17) > march:
            if r.random() < 0.8:
                fields["sdq_score"] = r.randint(3, 30)
            else:
                fields["sdq_reason"] = r.choice(("SDQ2", "SDQ3", "SDQ4", "SDQ5"))
        else:
            fields["sdq_reason"] = "SDQ1"  # 4 or 17 during the year
        if birthday(child.dob, 10) <= march:
            fields["convicted"] = r.random() < 0.04
        if misuse:
            fields["intervention_received"] = received = r.random() < 0.7
            if not received:
                fields["intervention_offered"] = r.random() < 0.8
        day = max(start + 1, march - r.randint(3, 25))
        out.append(Step(day, child, "OUT", "cla_outcomes", fields, "Outcomes.", ""))
    return out


def postcode_rows(postcodes: set[str]) -> list[dict[str, str]]:
    """The demo's invented postcodes as a lookup for the 903 validator (pcd, laua, and synthetic
    grid references 1–2 km apart within an area, areas 20–40 km apart)."""
    areas = {a.area: (a.la_code, i) for i, a in enumerate((HOME, *NEIGHBOURS))}
    rows = []
    for postcode in sorted(postcodes):
        area = postcode[:2]
        if area not in areas:
            continue
        code, index = areas[area]
        r = random.Random(f"postcode:{postcode}")
        east = 450_000 + (index % 3) * 30_000 + r.randint(0, 8_000)
        north = 300_000 + (index // 3) * 30_000 + r.randint(0, 8_000)
        rows.append({"pcd": postcode, "laua": code, "oseast1m": str(east),
                     "osnrth1m": str(north)})  # fmt: skip
    return rows


def write_postcode_lookup(directory: Path, out: Path) -> int:
    """The lookup of the postcodes in an SSDA903 export's episodes.csv (for `joinedup returns
    validate --patch-postcodes`); returns how many it holds."""
    with (directory / "episodes.csv").open(newline="", encoding="utf-8") as handle:
        found = {r[c] for r in csv.DictReader(handle) for c in ("HOME_POST", "PL_POST") if r[c]}
    rows = postcode_rows(found)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["pcd", "laua", "oseast1m", "osnrth1m"])
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
