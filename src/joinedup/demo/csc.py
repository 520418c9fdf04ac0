"""Children's social care records migrated from a legacy case-management system.

One record per child per statutory step, as case-management systems hold them, with DfE
codes as attribute values. Records from a neighbouring authority are the history that came
with a family when it moved in (EXCHANGE.md: "history from a previous authority").
"""

from __future__ import annotations

from joinedup.demo.agencies import Org
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.timeutil import daytime, iso_day, iso_dt

SOURCE_WORDS = {
    "1A": "a family member",
    "1B": "a neighbour",
    "1C": "the young person",
    "1D": "a member of the public",
    "2A": "the school",
    "2B": "education services",
    "3A": "the GP",
    "3B": "the health visitor",
    "3C": "the school nurse",
    "3D": "community health",
    "3E": "the emergency department",
    "3F": "hospital services",
    "4": "another council service",
    "5A": "the family court",
    "5B": "probation",
    "5C": "a prison",
    "5D": "a legal agency",
    "6": "another local authority",
    "7": "police",
    "8": "a voluntary organisation",
    "9": "an anonymous caller",
    "10": "an unrecorded source",
}

CONTACT_TEXT = {
    "referral": "Contact from {src}. Threshold for statutory assessment met; progressed to "
    "referral.",
    "no_further_action": "Contact from {src}. Checks completed, no role for children's "
    "social care; no further action.",
    "early_help": "Contact from {src}. Below threshold; family offered early help support.",
    "information_and_advice": "Contact from {src}. Information and advice given to the referrer.",
    "already_open": "Contact from {src}. Case already open; passed to the allocated worker.",
}


def org_at(ctx: Ctx, day: int) -> Org | None:
    """The children's services of the authority the family lived in on `day`."""
    address = ctx.hh.address_at(day)
    if address is None:
        return None
    if address.in_home:
        return ctx.d.csc
    return ctx.d.other_csc.get(address.authority.name)


def is_open(ctx: Ctx, day: int) -> bool:
    return any(s is not None and s <= day and (e is None or day < e) for s, e in ctx.cases)


def family_adults(ctx: Ctx, day: int) -> list[Person]:
    return ctx.parents_at(day)[:3]


def step(
    ctx: Ctx,
    org: Org,
    kind: str,
    rtype: str,
    day: int,
    child: Person,
    attrs: Json | None,
    summary: str,
    role: str,
    *,
    lag: int = 0,
    adults: list[Person] | None = None,
    sensitivity: str = "normal",
    withhold: bool = False,
) -> str | None:
    """One statutory record for one child, with the family's adults as subjects."""
    rng = ctx.rng
    recorded = iso_dt(day + lag + (rng.random() < 0.2), daytime(rng))
    people = family_adults(ctx, day) if adults is None else adults
    subjects = ctx.subjects(org, day, [child], people)
    return ctx.emit(
        org,
        kind,
        rtype,
        iso_day(day),
        recorded,
        summary,
        attrs,
        subjects,
        role=role,
        sensitivity=sensitivity,
        withhold=withhold,
    )


def contact(
    ctx: Ctx, day: int, children: list[Person], source: str, outcome: str | None = None
) -> list[str]:
    """The front door's decision on a contact about each child (not itself a referral)."""
    org = org_at(ctx, day)
    if org is None or not children:
        return []
    if outcome is None:
        outcome = (
            "already_open"
            if is_open(ctx, day)
            else ctx.rng.choices(
                ("no_further_action", "information_and_advice", "early_help"), (45, 30, 25)
            )[0]
        )
    home = org is ctx.d.csc
    ids = _records(ctx, org, day, children, source, outcome, withhold=home)
    if home:  # the home front door's contacts are replayed through its casework services
        from joinedup.demo import caseepisode

        planned = day <= ctx.world.end
        ids = [caseepisode.contact(ctx, day, c, source, outcome) for c in children if planned]
        if outcome == "early_help":
            _early_help(ctx, day, children)
    return ids


def _records(
    ctx: Ctx,
    org: Org,
    day: int,
    children: list[Person],
    source: str,
    outcome: str,
    *,
    withhold: bool,
) -> list[str]:
    """The contact's record for each child (drawn, but withheld when casework replays it)."""
    text = CONTACT_TEXT[outcome].format(src=SOURCE_WORDS.get(source, "a partner agency"))
    ids = []
    for child in children:
        rid = step(
            ctx,
            org,
            "CON",
            "contact_outcome",
            day,
            child,
            {"outcome": outcome},
            text,
            "MASH social worker",
            lag=ctx.rng.randint(0, 1),
            withhold=withhold,
        )
        if rid is not None:
            ids.append(rid)
    return ids


def _early_help(ctx: Ctx, day: int, children: list[Person]) -> None:
    org, rng = ctx.d.early_help, ctx.rng
    if rng.random() < 0.35:
        return  # family declined or did not engage: nothing further recorded
    start = day + rng.randint(5, 30)
    subjects = ctx.subjects(org, start, children, family_adults(ctx, start))
    ctx.emit(
        org,
        "EH",
        "note",
        iso_day(start),
        iso_dt(start + rng.randint(0, 5), daytime(rng)),
        rng.choice(
            (
                "Early help assessment started with the family; lead practitioner allocated.",
                "Family support worker allocated following a MASH "
                "step-down; first home visit completed.",
            )
        ),
        None,
        subjects,
        role="early help practitioner",
    )
