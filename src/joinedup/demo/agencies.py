"""The organisations of the synthetic authority and their (invented) practitioners.

Codes are fictional but shaped like the real ones: a two-digit force code, three-character NHS
trust ODS codes beginning R9, practice codes K99nnn, six-digit school URNs beginning 99,
Ofsted early years numbers EYnnnnnn, DfE local authority numbers 990 to 995. Telephone numbers
are from Ofcom's ranges reserved for drama (01632 960nnn), so none reaches a real line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from joinedup.demo.places import (
    GP_NAMES,
    HOME,
    NEIGHBOURS,
    NURSERY_NAMES,
    PRIMARY_KINDS,
    PRIMARY_STEMS,
    SECONDARY_NAMES,
    Authority,
)
from joinedup.demo.staff import add_staff

Json = dict[str, object]


@dataclass(slots=True, eq=False)
class Org:
    key: str  # prefix of this organisation's record ids
    agency: str
    name: str
    code: str | None
    profile: str  # identity-noise profile (see noise.PROFILES)
    id_system: str | None  # the local_ids key its records carry
    source: Json = field(default_factory=dict)
    authors: dict[str, list[Json]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.source = {"agency": self.agency, "organisation": self.name}
        if self.code:
            self.source["organisation_code"] = self.code

    def author(self, rng: random.Random, role: str) -> Json | None:
        pool = self.authors.get(role)
        if not pool:
            return None
        return rng.choice(pool)


@dataclass(slots=True, eq=False)
class School:
    org: Org
    phase: str  # primary, secondary, special, alternative
    urn: str
    number: str  # four-digit DfE establishment number (in UPNs)
    districts: tuple[int, ...]


@dataclass(slots=True, eq=False)
class Directory:
    """Every organisation that sends records, sized to the authority's child population."""

    police: Org
    acute: Org
    community: Org
    mental_health: Org
    ambulance: Org
    gps: list[Org]
    primaries: list[School]
    secondaries: list[School]
    special: School
    alternative: School
    nurseries: list[Org]
    housing: Org
    housing_association: Org
    csc: Org
    other_csc: dict[str, Org]
    early_help: Org
    probation: Org
    yjs: Org
    womens_aid: Org
    food_bank: Org
    youth_project: Org
    public: Org
    sports: Org

    def schools(self) -> list[School]:
        return [*self.primaries, *self.secondaries, self.special, self.alternative]

    def school_for(self, rng: random.Random, phase: str, district: int) -> School:
        pool = self.primaries if phase == "primary" else self.secondaries
        local = [s for s in pool if district in s.districts]
        return rng.choice(local if local and rng.random() < 0.88 else pool)


def _school(seed: int, name: str, phase: str, serial: int, districts: tuple[int, ...]) -> School:
    urn = f"99{serial:04d}"
    number = f"{2000 + serial:04d}" if phase == "primary" else f"{4000 + serial:04d}"
    org = Org(f"urn{urn}", "education", name, urn, "school", "school_mis")
    add_staff(seed, org, "school", "school-" + urn)
    return School(org, phase, urn, number, districts)


def _org(
    seed: int,
    key: str,
    agency: str,
    name: str,
    code: str | None,
    profile: str,
    id_system: str | None,
    staff: str,
    domain: str,
) -> Org:
    org = Org(key, agency, name, code, profile, id_system)
    add_staff(seed, org, staff, domain)
    return org


def _csc(seed: int, authority: Authority) -> Org:
    key = "kcs" if authority is HOME else f"cs{authority.la_code}"
    return _org(
        seed,
        key,
        "childrens_social_care",
        f"{authority.council} Children's Services",
        authority.la_code,
        "csc",
        "lcs",
        "csc",
        key,
    )


def build_directory(seed: int, children: int) -> Directory:
    n_districts = len(HOME.districts)
    n_primary = max(4, round(children * 7 / 18 / 320))
    n_secondary = max(2, round(children * 5 / 18 / 1100))
    primaries = [
        _school(
            seed,
            f"{PRIMARY_STEMS[i % len(PRIMARY_STEMS)]} "
            f"{PRIMARY_KINDS[(i // len(PRIMARY_STEMS) + i) % len(PRIMARY_KINDS)]}",
            "primary",
            i + 1,
            (i % n_districts,),
        )
        for i in range(n_primary)
    ]
    secondaries = [
        _school(
            seed,
            SECONDARY_NAMES[i % len(SECONDARY_NAMES)]
            + ("" if i < len(SECONDARY_NAMES) else f" ({i // len(SECONDARY_NAMES) + 1})"),
            "secondary",
            500 + i,
            tuple(d for d in range(n_districts) if d % n_secondary == i % n_secondary),
        )
        for i in range(n_secondary)
    ]
    n_gp = max(3, children // 1800)
    gps = [
        _org(
            seed,
            f"gp{i + 1:03d}",
            "health",
            f"{PRIMARY_STEMS[i % len(PRIMARY_STEMS)]} {GP_NAMES[i % len(GP_NAMES)]}",
            f"K99{i + 1:03d}",
            "gp",
            "gp_system",
            "gp",
            f"k99{i + 1:03d}.nhs",
        )
        for i in range(n_gp)
    ]
    nurseries = [
        _org(
            seed,
            f"ey{i + 1:03d}",
            "early_years",
            NURSERY_NAMES[i % len(NURSERY_NAMES)]
            + ("" if i < len(NURSERY_NAMES) else f" {HOME.districts[i % n_districts]}"),
            f"EY{770100 + i:06d}",
            "ey",
            "ey_ref",
            "ey",
            f"ey{i + 1:03d}",
        )
        for i in range(max(2, children // 2500))
    ]
    return Directory(
        police=_org(
            seed,
            "kwp",
            "police",
            "Kestrelford and Wyvern Police",
            "98",
            "police",
            "police_niche",
            "police",
            "kwp.police",
        ),
        acute=_org(
            seed,
            "kht",
            "health",
            "Kestrelford Hospitals NHS Foundation Trust",
            "R9K",
            "health",
            "trust_mrn",
            "acute",
            "kht.nhs",
        ),
        community=_org(
            seed,
            "wch",
            "health",
            "Wyvern Community Health NHS Trust",
            "R9W",
            "health",
            "community_ref",
            "community",
            "wch.nhs",
        ),
        mental_health=_org(
            seed,
            "wpt",
            "health",
            "Wyvern Partnership NHS Foundation Trust",
            "R9M",
            "health",
            "trust_mrn",
            "mental_health",
            "wpt.nhs",
        ),
        ambulance=_org(
            seed,
            "was",
            "health",
            "Wyvern Ambulance Service NHS Trust",
            "R9A",
            "ambulance",
            None,
            "ambulance",
            "was.nhs",
        ),
        gps=gps,
        primaries=primaries,
        secondaries=secondaries,
        special=_school(seed, "Brookfield Special School", "special", 900, ()),
        alternative=_school(seed, "Kestrelford Pupil Referral Unit", "alternative", 950, ()),
        nurseries=nurseries,
        housing=_org(
            seed,
            "khs",
            "housing",
            "Kestrelford Borough Council Housing Options",
            "990",
            "housing",
            "housing_ref",
            "housing",
            "kestrelford.gov",
        ),
        housing_association=_org(
            seed,
            "wyh",
            "housing",
            "Wyvern Homes",
            "L9921",
            "housing",
            "tenancy_ref",
            "housing",
            "wyvernhomes",
        ),
        csc=_csc(seed, HOME),
        other_csc={a.name: _csc(seed, a) for a in NEIGHBOURS},
        early_help=_org(
            seed,
            "keh",
            "other",
            "Kestrelford Early Help and Family Hubs",
            "990",
            "early_help",
            "eh_ref",
            "early_help",
            "kestrelford.gov",
        ),
        probation=_org(
            seed,
            "pbs",
            "probation",
            "Probation Service, Kestrelford and Wyvern",
            None,
            "probation",
            "ndelius",
            "probation",
            "probation",
        ),
        yjs=_org(
            seed,
            "kyj",
            "youth_justice",
            "Kestrelford Youth Justice Service",
            "990",
            "yjs",
            "yjs_ref",
            "yjs",
            "kestrelford.gov",
        ),
        womens_aid=_org(
            seed,
            "kwa",
            "voluntary",
            "Kestrelford Women's Aid",
            None,
            "voluntary",
            None,
            "voluntary_da",
            "kwa",
        ),
        food_bank=_org(
            seed,
            "hfb",
            "voluntary",
            "Harbour Lane Food Bank",
            None,
            "voluntary",
            None,
            "voluntary_food",
            "harbourlane",
        ),
        youth_project=_org(
            seed,
            "odp",
            "voluntary",
            "Open Door Young People's Project",
            None,
            "voluntary",
            None,
            "voluntary_youth",
            "opendoor",
        ),
        public=_org(
            seed,
            "pub",
            "public",
            "Kestrelford public reporting line",
            None,
            "public",
            None,
            "other",
            "kestrelford.gov",
        ),
        sports=_org(
            seed,
            "kbx",
            "other",
            "Kestrelford Amateur Boxing and Fitness Club",
            None,
            "other",
            None,
            "other",
            "kbx",
        ),
    )
