"""School records: termly absence, exclusions, moves, home education, concerns and injuries."""

from __future__ import annotations

import itertools
import math

from joinedup.demo import calibration as cal
from joinedup.demo import health
from joinedup.demo.agencies import School
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.schooling import Disruption, Roll, phase_bounds, rolls, school_at
from joinedup.demo.timeutil import YEAR, daytime, iso_day, iso_dt, ordinal, poisson_in, year_of

# Half terms: (start month, day, end month, day, possible sessions, year offset).
_TERMS = (
    (9, 4, 10, 24, 70, 0),
    (11, 3, 12, 19, 68, 0),
    (1, 5, 2, 13, 58, 1),
    (2, 23, 3, 27, 50, 1),
    (4, 14, 5, 22, 54, 1),
    (6, 1, 7, 21, 72, 1),
)
_ABSENCE_MEDIAN = 0.040  # DfE 2023/24: ~20% of pupils persistently absent (>= 10% of sessions)
_ABSENCE_SIGMA = 0.8
CONCERNS = (
    ("behaviour", "Dysregulated in class; struggled to settle after the weekend."),
    ("hunger", "Arrived without breakfast and asked staff for food at break."),
    ("hygiene", "Uniform unwashed for several days; peers commenting on smell."),
    ("emotional", "Tearful and withdrawn; said things are difficult at home."),
    ("neglect", "Not collected at the end of the day; parent not answering the phone."),
    ("supervision", "Reports being left to look after younger siblings in the evening."),
    ("online", "Disclosed contact with an older unknown person through a game chat."),
    ("physical", "Flinched when a member of staff raised an arm; no marks seen."),
)


def school_record(
    ctx: Ctx,
    school: School,
    day: int,
    child: Person,
    kind: str,
    rtype: str,
    attrs: Json | None,
    text: str,
    role: str,
    *,
    lag: int = 0,
    sensitivity: str = "normal",
) -> str | None:
    home = ctx.household_of(child, day)
    subjects = ctx.subjects(
        school.org, day, [child], home.adults_at(day)[:1], child_extra={"school_urn": school.urn}
    )
    return ctx.emit(
        school.org,
        kind,
        rtype,
        iso_day(day),
        iso_dt(day + lag, daytime(ctx.rng)),
        text,
        attrs,
        subjects,
        role=role,
        sensitivity=sensitivity,
    )


def concern(
    ctx: Ctx, school: School, day: int, child: Person, category: str, text: str
) -> str | None:
    return school_record(
        ctx,
        school,
        day,
        child,
        "CON",
        "concern",
        {"category": category},
        text,
        "designated safeguarding lead",
        lag=ctx.rng.randint(0, 1),
    )


def disclosure(
    ctx: Ctx, school: School, day: int, child: Person, category: str, text: str
) -> str | None:
    return school_record(
        ctx,
        school,
        day,
        child,
        "DIS",
        "disclosure",
        {"category": category, "to_whom": "class teacher"},
        text,
        "designated safeguarding lead",
        sensitivity="sensitive" if category == "sexual" else "normal",
    )


def exclusion(ctx: Ctx, school: School, day: int, child: Person, permanent: bool) -> str | None:
    ctx.world.count(day, "permanent_exclusions" if permanent else "suspensions")
    text = (
        "Permanently excluded following a serious incident; place arranged at the pupil "
        "referral unit."
        if permanent
        else f"Suspended for {ctx.rng.choice((1, 2, 3, 5))} days for persistent disruptive "
        "behaviour; reintegration meeting booked."
    )
    return school_record(
        ctx,
        school,
        day,
        child,
        "EXC",
        "exclusion",
        {"kind": "permanent" if permanent else "suspension"},
        text,
        "head teacher",
    )


def change_of_school(
    ctx: Ctx, school: School, day: int, child: Person, from_urn: str, to_urn: str, text: str
) -> str | None:
    return school_record(
        ctx,
        school,
        day,
        child,
        "MOV",
        "change_of_school",
        {"from_urn": from_urn, "to_urn": to_urn},
        text,
        "head teacher",
        lag=ctx.rng.randint(0, 10),
    )


def withdrawn(ctx: Ctx, school: School, day: int, child: Person, kind: str) -> str | None:
    if kind == "ehe":
        ctx.world.count(day, "elective_home_education")
        return school_record(
            ctx,
            school,
            day,
            child,
            "EHE",
            "elective_home_education",
            None,
            "Parent has written to deregister the child for elective home education; LA notified.",
            "designated safeguarding lead",
        )
    ctx.world.count(day, "missing_education")
    return school_record(
        ctx,
        school,
        day,
        child,
        "CME",
        "missing_education",
        None,
        "Child missing education: not attended for 10 school days and "
        "family not contactable; CME referral made.",
        "attendance officer",
        lag=ctx.rng.randint(5, 15),
    )


def absence(
    ctx: Ctx, school: School, child: Person, start: int, end: int, sessions: int, possible: int
) -> str | None:
    persistent = sessions * 10 >= possible
    if persistent:
        ctx.world.count(end, "persistent_absence_terms")
    text = (
        f"Attendance {100 - round(100 * sessions / possible)}% this term "
        f"({sessions} of {possible} sessions missed)."
        + (" Persistently absent; attendance support meeting offered." if persistent else "")
    )
    return school_record(
        ctx,
        school,
        end,
        child,
        "ABS",
        "school_absence",
        {
            "sessions_missed": sessions,
            "period_start": iso_day(start),
            "period_end": iso_day(end),
            "persistent": persistent,
        },
        text,
        "attendance officer",
        lag=ctx.rng.randint(3, 10),
    )


def _terms(roll: list[Roll], child: Person, propensity: float, ctx: Ctx) -> None:
    rng = ctx.rng
    first, last = year_of(roll[0].start) - 1, year_of(roll[-1].end)
    for year in range(first, last + 1):
        missed = offered = 0
        for sm, sd, em, ed, possible, offset in _TERMS:
            start, end = ordinal(year + offset, sm, sd), ordinal(year + offset, em, ed)
            school = school_at(roll, start)
            if school is None or school_at(roll, end - 1) is not school or end > ctx.world.end:
                continue
            rate = min(0.9, propensity * math.exp(rng.gauss(0.0, 0.5)))
            sessions = round(possible * rate)
            missed, offered = missed + sessions, offered + possible
            if sessions * 100 >= possible * 6 and sessions >= 3:
                absence(ctx, school, child, start, end, sessions, possible)
                if sessions * 5 >= possible and rng.random() < 0.3:
                    school_record(
                        ctx,
                        school,
                        end + rng.randint(5, 20),
                        child,
                        "NTE",
                        "note",
                        None,
                        "Attendance meeting with parent: support plan agreed; "
                        "warned about a penalty notice.",
                        "attendance officer",
                    )
        _count_year(ctx, year, missed, offered)


def _count_year(ctx: Ctx, year: int, missed: int, offered: int) -> None:
    """DfE's measure: pupils missing 10% or more of the year's possible sessions."""
    if offered >= 300:  # on roll for most of the school year
        summer = ordinal(year + 1, 7, 21)
        ctx.world.count(summer, "pupils_full_year")
        if missed * 10 >= offered:
            ctx.world.count(summer, "pupils_persistently_absent")


def _disruptions(ctx: Ctx, child: Person) -> list[Disruption]:
    if child.pid in ctx.disruptions:
        return ctx.disruptions[child.pid]
    rng, tier = ctx.rng, ctx.hh.tier
    entry, _, leave = phase_bounds(child)
    on_roll = [(max(s, entry), min(e, leave)) for s, e in ctx.child_periods(child)]
    on_roll = [(s, e) for s, e in on_roll if s < e]
    out: list[Disruption] = []
    for kind, rate in (
        ("ehe", cal.EHE_START[tier]),
        ("cme", cal.CME_RATE[tier]),
        ("excluded", cal.PERMANENT_EXCLUSION[tier]),
    ):
        days = poisson_in(rng, on_roll, rate)
        if days and not out:
            back = days[0] + rng.randint(40, 400) if rng.random() < 0.5 else None
            out.append(Disruption(kind, days[0], back))
    ctx.disruptions[child.pid] = out
    return out


def _moves(ctx: Ctx, child: Person, roll: list[Roll]) -> None:
    rng = ctx.rng
    for before, after in itertools.pairwise(roll):
        if before.end == after.start and before.school is not after.school:
            transition = before.school.phase == "primary" and after.school.phase == "secondary"
            change_of_school(
                ctx,
                after.school,
                after.start,
                child,
                before.school.urn,
                after.school.urn,
                "Transition to secondary school."
                if transition
                else "In-year admission from another local school.",
            )
    first = roll[0]
    entry = phase_bounds(child)[0]
    if first.start > entry + 30 and first.start > ctx.world.start:
        change_of_school(
            ctx,
            first.school,
            first.start,
            child,
            f"98{rng.randint(1000, 9999)}",
            first.school.urn,
            "In-year admission; pupil moved from another area.",
        )
    last = roll[-1]
    _, _, leave = phase_bounds(child)
    if last.end < min(leave, ctx.world.end) and not ctx.hh.in_home(last.end):
        change_of_school(
            ctx,
            last.school,
            last.end,
            child,
            last.school.urn,
            f"98{rng.randint(1000, 9999)}",
            "Left the school: family moved out of the area; records sent to the new school.",
        )


def _pupil_events(ctx: Ctx, child: Person, roll: list[Roll]) -> None:
    rng, tier = ctx.rng, ctx.hh.tier
    spans = [(r.start, r.end) for r in roll]
    for day in poisson_in(rng, spans, cal.SUSPENSION_RATE[tier]):
        school = school_at(roll, day)
        if school is not None and (school.phase != "primary" or rng.random() < 0.2):
            exclusion(ctx, school, day, child, False)
    for day in poisson_in(rng, spans, cal.SCHOOL_CONCERN[tier]):
        school = school_at(roll, day)
        if school is not None:
            category, text = rng.choice(CONCERNS)
            concern(ctx, school, day, child, category, text)
    for day in poisson_in(rng, spans, (0.02, 0.04, 0.08, 0.12)[tier]):
        school = school_at(roll, day)
        if school is not None:
            health.record_injury(
                ctx,
                school.org,
                day,
                child,
                medical=False,
                consistent="yes" if rng.random() < 0.9 else "unknown",
                mobile="yes",
            )
    for day in poisson_in(rng, spans, (0.001, 0.005, 0.02, 0.04)[tier]):
        school = school_at(roll, day)
        if school is not None:
            category = rng.choice(("emotional", "physical", "sexual", "neglect"))
            disclosure(
                ctx,
                school,
                day,
                child,
                category,
                "Child made a disclosure to their "
                "class teacher; recorded verbatim and passed to the DSL.",
            )


def _measurement(ctx: Ctx, child: Person, roll: list[Roll]) -> None:
    """National Child Measurement Programme: reception and year 6, by the school nurses."""
    entry = phase_bounds(child)[0]
    for years in (0, 6):
        day = entry + int((years + 0.5) * YEAR)
        school = school_at(roll, day)
        if school is None or day > ctx.world.end:
            continue
        centile = ctx.rng.choice((2, 9, 25, 50, 50, 75, 91, 98, 99))
        ctx.emit(
            ctx.d.community,
            "NCMP",
            "note",
            iso_day(day),
            iso_dt(day + ctx.rng.randint(1, 20), daytime(ctx.rng)),
            f"National Child Measurement Programme at school: BMI on the {centile}th "
            "centile; letter sent to parents.",
            None,
            ctx.subjects(ctx.d.community, day, [child], [], child_extra={"school_urn": school.urn}),
            role="school nurse",
        )


def routine(ctx: Ctx) -> None:
    rng, tier = ctx.rng, ctx.hh.tier
    for child in ctx.children:
        if not child.born:
            continue
        disruptions = _disruptions(ctx, child)
        roll = rolls(ctx, child, disruptions, special=rng.random() < 0.012)
        ctx.rolls[child.pid] = roll
        if not roll:
            continue
        propensity = (
            _ABSENCE_MEDIAN * cal.ABSENCE_MULT[tier] * math.exp(rng.gauss(0.0, _ABSENCE_SIGMA))
        )
        _terms(roll, child, propensity, ctx)
        _measurement(ctx, child, roll)
        _moves(ctx, child, roll)
        _pupil_events(ctx, child, roll)
        for d in disruptions:
            school = school_at(roll, d.day - 1)
            if school is None:
                continue
            if d.kind == "excluded":
                exclusion(ctx, school, d.day, child, True)
            else:
                withdrawn(ctx, school, d.day, child, d.kind)
