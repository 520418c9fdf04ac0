"""What the home authority's practitioners write in each casework step (all invented)."""

from __future__ import annotations

import random

from joinedup.demo.agencies import Directory, Org
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person
from joinedup.demo.timeutil import YEAR

# Who a referral source is: the organisation that raises the contact, and its practitioner.
PUBLIC = frozenset({"1A", "1B", "1C", "1D", "9", "10"})
LEGAL = {"5A": "Wyvern Family Court", "5C": "HM Prison Wyvern", "5D": "Wyvern Legal Services"}
INDIVIDUALS = {
    "1A": "A family member",
    "1B": "A neighbour",
    "1C": "The young person",
    "1D": "A member of the public",
    "9": "Anonymous caller",
    "10": "Not recorded",
}
LATE = {
    "contact": (
        "Awaited the police check before deciding.",
        "High volume at the front door; decided the next morning.",
        "Needed the health visitor's information before deciding.",
    ),
    "complete_assessment": (
        "The family did not engage for three weeks; several visits with no answer.",
        "The family were abroad for part of the assessment.",
        "Awaited reports from the school and the GP.",
        "Worker absence; the assessment was reallocated.",
    ),
    "strategy_discussion": (
        "Police were not available until the next working day.",
        "Health colleagues could not attend the same day.",
    ),
    "initial_conference": (
        "Conference moved to allow the father, in custody, to take part.",
        "No chair available within 15 working days.",
        "Conference rearranged: the family's interpreter was not available.",
    ),
    "review_conference": (
        "Review moved to fit the family's court hearing.",
        "Chair on leave; the review was rearranged.",
    ),
    "core_group": ("Core group rearranged around the school holidays.",),
    "visit": (
        "No answer at the planned visit; seen at the next attempt.",
        "Child unwell on the planned day.",
        "Worker absence; visit covered by the duty worker late.",
    ),
    "cla_review": ("Review rearranged: the child asked to move it after exams.",),
    "oversight": (
        "Team manager post vacant; oversight recorded on return.",
        "Supervision cancelled for court; recorded at the next opportunity.",
    ),
}
WORKERS = 18  # social workers allocated cases (plus the demo account social.worker)
CIC_WORKERS = 6
ASSESSMENT_TEAM = "Assessment and intervention team"
CIC_TEAM = "Children in care team"
DEMO_WORKER, DEMO_MANAGER = "social.worker", "team.manager"
CIC_MANAGER = "tm.children.in.care"


def late_reason(rng: random.Random, action: str) -> str:
    return rng.choice(LATE.get(action, ("Recorded late.",)))


def referrer_org(d: Directory, rng: random.Random, source: str, gp_index: int) -> Org:
    """The organisation a contact comes from, by the generator's source code (calibration.py)."""
    by_code = {
        "3A": d.gps[gp_index % len(d.gps)],
        "3B": d.community,
        "3C": d.community,
        "3D": d.community,
        "3E": d.acute,
        "3F": d.acute,
        "4": d.housing,
        "5B": d.probation,
        "6": next(iter(d.other_csc.values())),
        "7": d.police,
        "8": d.food_bank,
    }
    if source in by_code:
        return by_code[source]
    if source in ("2A", "2B"):
        return rng.choice(d.primaries).org
    return d.public


def referrer(org: Org, rng: random.Random, source: str) -> Json:
    """Who raised the contact and how to reach them (invented)."""
    if source in LEGAL:
        return {"name": "Duty officer", "organisation": LEGAL[source], "agency": "other",
                "contact": "Not given"}  # fmt: skip
    roles = sorted(r for r in org.authors if org.authors[r])
    author = org.author(rng, rng.choice(roles)) if roles else None
    if author is None:
        name = INDIVIDUALS.get(source, "Not recorded")
        return {
            "name": name,
            "organisation": org.name,
            "agency": org.agency,
            "contact": "Not given",
        }
    return {"name": author["name"], "organisation": org.name, "agency": org.agency,
            "contact": author["contact"]}  # fmt: skip


def attendees(d: Directory, rng: random.Random) -> list[Json]:
    out: list[Json] = []
    for org, role, agency in (
        (d.csc, "social worker", "childrens_social_care"),
        (d.police, "public protection unit officer", "police"),
        (d.community, "health visitor", "health"),
    ):
        person = org.author(rng, role)
        name = str(person["name"]) if person else role.capitalize()
        out.append({"agency": agency, "name": name, "role": role})
    return out


def chair(d: Directory, rng: random.Random) -> str:
    person = d.csc.author(rng, "child protection chair")
    return str(person["name"]) if person else "Conference chair"


def assessed(rng: random.Random, outcome: str, tier: int) -> Json:
    seen = outcome != "closed_early" and rng.random() > 0.04
    alone = seen and rng.random() < 0.7
    need = rng.choice(("N1", "N1", "N1", "N4", "N5", "N3", "N8")) if tier >= 2 else "N4"
    fields: Json = {
        "child_seen": seen,
        "seen_alone": alone,
        "factors": ["21"]
        if outcome in ("no_further_action", "closed_early")
        else sorted(rng.sample(["2A", "3A", "4A", "16A", "18B", "19B", "20", "22A"], 2)),
        "analysis": {
            "child_in_need": "Needs identified; a child in need plan is agreed with the family.",
            "no_further_action": "No role for children's social care; signposted to universal "
            "services.",
            "early_help": "Needs can be met by early help; step down agreed with the family.",
            "closed_early": "Checks with partner agencies show no role for children's social "
            "care; closed with no further action.",
        }[outcome],
        "primary_need": need if outcome == "child_in_need" else "N9",
    }
    if seen and rng.random() < 0.85:
        fields["child_views"] = rng.choice(
            ("Said things are fine at home but wants more time with dad.",
             "Worried about arguments at home; likes school.",
             "Did not want to talk about home; drew a picture of the family.")
        )  # fmt: skip
    else:
        fields["views_not_recorded_reason"] = (
            "Too young to give views; observed with parent." if seen else "Child not seen."
        )
    return fields


# How often a child the demo assesses has a disability (an assumption: most have none), and the
# codes' weights (learning disability and autism the most common).
DISABLED = 0.07
DISABILITY_CODES = {"LD": 0.24, "AUT": 0.22, "COMM": 0.14, "BEH": 0.14, "CON": 0.06,
                    "MOB": 0.05, "HAND": 0.04, "PC": 0.03, "HEAR": 0.03, "VIS": 0.03,
                    "INC": 0.01, "DDA": 0.01}  # fmt: skip
NOT_BEFORE_3 = frozenset({"LD", "AUT", "COMM", "BEH", "CON"})  # seldom identified in infancy


def disabilities(seed: int, child: Person, day: int) -> list[str]:
    """The DfE disability codes an assessment on `day` records for `child` (NONE alone when it
    has none). Drawn once per child from its own stream, so every assessment of the child
    agrees and no other draw of the demo changes."""
    rng = random.Random(f"{seed}:disability:{child.pid}")
    if rng.random() >= DISABLED:
        return ["NONE"]
    codes = {_code(rng)}
    if rng.random() < 0.3:
        codes.add(_code(rng))
    if day - child.dob < 3 * YEAR:
        codes -= NOT_BEFORE_3
    return sorted(codes) or ["NONE"]


def _code(rng: random.Random) -> str:
    return rng.choices(list(DISABILITY_CODES), list(DISABILITY_CODES.values()))[0]


# What an assessment alongside a section 47 enquiry found even when the concern was not
# substantiated: the concern itself (CIN factors), never "21 no factors identified".
CONCERNS = ("2A", "2B", "3A", "4A", "16A", "18B", "19B", "20", "22A")


def recorded(seed: int, child: Person, day: int, fields: Json, *, enquiry: bool) -> Json:
    """A completed assessment's fields with the child's disabilities, and after an enquiry
    the factors of its concern (from streams of their own: no other draw changes)."""
    fields = {**fields, "disabilities": disabilities(seed, child, day)}
    if enquiry and fields.get("factors") == ["21"]:
        rng = random.Random(f"{seed}:concern:{child.pid}:{day}")
        fields["factors"] = sorted(rng.sample(CONCERNS, rng.choice((1, 2))))
    return fields
