"""Households: births (twins and triplets too), partners who come and go, names that change.

A household is built whole, then checked against the number of children the authority still
needs at the as-of day, and only then given person ids, NHS numbers and UPNs (finalise), so a
rejected draft leaves no trace in the numbering.
"""

from __future__ import annotations

import math
import random

from joinedup.demo import calibration as cal
from joinedup.demo.context import World
from joinedup.demo.identifiers import pnc_id
from joinedup.demo.model import Household, Person, Residence, Spell
from joinedup.demo.names import (
    CULTURE_BY_KEY,
    CULTURES,
    FORBIDDEN_NAMES,
    MIXED_ETHNICITY,
    Culture,
    feminine_surname,
    masculine_surname,
)
from joinedup.demo.places import HOME, NEIGHBOURS, Address, make_address
from joinedup.demo.timeutil import YEAR, birthday, iso_day, ordinal, poisson_days
from joinedup.demo.variants import TWIN_PAIRS

_CULTURE_WEIGHTS = [c.weight for c in CULTURES]
_DOUBLE_BARRELLED = frozenset({"english", "irish", "caribbean", "nigerian"})


def _given(rng: random.Random, culture: Culture, sex: str, adult: bool) -> str:
    pool = culture.male if sex == "M" else culture.female
    if adult and rng.random() < 0.7:
        pool = (culture.adult_male if sex == "M" else culture.adult_female) or pool
    while True:
        name = rng.choice(pool)
        if name not in FORBIDDEN_NAMES:
            return name


def _person(
    rng: random.Random,
    culture: Culture,
    sex: str,
    dob: int,
    surname: str,
    since: int,
    *,
    adult: bool,
) -> Person:
    return Person(
        "",
        _given(rng, culture, sex, adult),
        sex,
        dob,
        culture.key,
        [(since, surname)],
        "",
        culture.ethnicity,
        culture.language,
        adult=adult,
    )


def _births(rng: random.Random, world: World, tier: int) -> list[tuple[int, int]]:
    """(birth day, number of babies) for each maternity, eldest first."""
    n = rng.choices((1, 2, 3, 4, 5), weights=cal.CHILDREN_PER_FAMILY[tier])[0]
    years = (world.end - world.start) / YEAR
    age = rng.uniform(-0.6, 17.0 + years)
    out: list[tuple[int, int]] = []
    while len(out) < n and age > -0.7:
        roll = rng.random()
        babies = 3 if roll < cal.TRIPLETS else 2 if roll < cal.TRIPLETS + cal.TWINS else 1
        out.append((world.end - int(age * YEAR), babies))
        age -= 1.0 + rng.gammavariate(2.0, 1.1)
    return out


class _Draft:
    """A household being drawn: people, spells and the day each adult came or went."""

    def __init__(self, world: World, rng: random.Random, culture: Culture, tier: int) -> None:
        self.world, self.rng, self.culture, self.tier = world, rng, culture, tier
        self.hh = Household("", culture.key, tier)
        self.children: list[Person] = []

    def adult(
        self, sex: str, dob: int, surname: str, since: int, culture: Culture | None = None
    ) -> Person:
        c = culture or self.culture
        person = _person(self.rng, c, sex, dob, surname, since, adult=True)
        self._risks(person)
        return person

    def _risks(self, person: Person) -> None:
        rng, tier = self.rng, self.tier
        table = cal.MOTHER_RISKS if person.sex == "F" else cal.FATHER_RISKS
        person.risks = [risk for risk, rates in table.items() if rng.random() < rates[tier]]
        if person.sex == "M" and rng.random() < cal.FATHER_VIOLENT[tier]:
            self.make_violent(person)

    def make_violent(self, person: Person) -> None:
        person.violent = True
        if "domestic_abuse_perpetrator" not in person.risks:
            person.risks.append("domestic_abuse_perpetrator")
        if self.rng.random() < 0.4:
            other = _given(self.rng, CULTURE_BY_KEY[person.culture], person.sex, True)
            person.alias = f"{other} {person.surnames[-1][1]}"

    def join(self, person: Person, start: int, end: int | None = None, relation: str = "") -> None:
        self.hh.members.append(Spell(person, start, end))
        if relation:
            self.hh.relation[person.pid or str(id(person))] = relation


def _surname(rng: random.Random, culture: Culture) -> str:
    while True:
        name = rng.choice(culture.surnames)
        if name not in FORBIDDEN_NAMES:
            return name


def _child_surname(culture: Culture, sex: str, father_name: str, father_given: str) -> str:
    if culture.key == "somali":
        return father_given
    return (
        feminine_surname(father_name, culture.key, married=False)
        if sex == "F"
        else (masculine_surname(father_name))
    )


def _partner_timeline(
    draft: _Draft, mother: Person, father: Person | None, start: int
) -> list[tuple[Person, int, int | None]]:
    """Spells of the men in the household: the father, then up to two later partners."""
    rng, world, tier = draft.rng, draft.world, draft.tier
    horizon_start = world.start - int(2 * YEAR)
    spells: list[tuple[Person, int, int | None]] = []
    lone_since = start
    if father is not None:
        split = poisson_days(rng, horizon_start, world.end, cal.SEPARATION[tier])
        end = split[0] if split else None
        spells.append((father, start, end))
        if end is None:
            return spells
        lone_since = end
    for _ in range(2):
        joins = poisson_days(rng, max(lone_since, horizon_start), world.end, cal.NEW_PARTNER[tier])
        if not joins:
            break
        join = joins[0]
        partner_culture = (
            draft.culture
            if rng.random() < 0.85
            else rng.choices(CULTURES, weights=_CULTURE_WEIGHTS)[0]
        )
        partner = draft.adult(
            "M",
            mother.dob + rng.randint(-8 * 365, 3 * 365),
            _surname(rng, partner_culture),
            mother.dob,
            partner_culture,
        )
        if rng.random() < cal.PARTNER_VIOLENT[tier]:
            draft.make_violent(partner)
        leaves = poisson_days(rng, join + 60, world.end, cal.PARTNER_LEAVES)
        spells.append((partner, join, leaves[0] if leaves else None))
        if not leaves:
            break
        lone_since = leaves[0]
    return spells


def _present(spells: list[tuple[Person, int, int | None]], day: int) -> Person | None:
    for person, start, end in spells:
        if start <= day and (end is None or day < end):
            return person
    return None


def _make_children(
    draft: _Draft,
    mother: Person,
    births: list[tuple[int, int]],
    men: list[tuple[Person, int, int | None]],
) -> None:
    rng, culture = draft.rng, draft.culture
    absent_name = _surname(rng, culture)
    double = culture.key in _DOUBLE_BARRELLED and rng.random() < 0.06
    for day, babies in births:
        father = _present(men, day - 270) or _present(men, day)
        sexes = [rng.choice("FM") for _ in range(babies)]
        names: list[str] = []
        if babies >= 2 and rng.random() < 0.45:
            a, sa, b, sb = rng.choice(TWIN_PAIRS)
            names, sexes[0], sexes[1] = [a, b], sa, sb
        group: list[Person] = []
        for i, sex in enumerate(sexes):
            child_culture = (
                CULTURE_BY_KEY[father.culture] if father and rng.random() < 0.5 else (culture)
            )
            given = names[i] if i < len(names) else _given(rng, child_culture, sex, False)
            while given in [p.given for p in group]:
                given = _given(rng, child_culture, sex, False)
            if father is not None:
                surname = _child_surname(
                    CULTURE_BY_KEY[father.culture], sex, father.surnames[0][1], father.given
                )
                if double:
                    surname = f"{mother.surnames[0][1]}-{surname}"
            elif rng.random() < 0.35:
                surname = _child_surname(culture, sex, absent_name, absent_name)
            else:
                base = mother.surname_at(day)
                surname = masculine_surname(base) if sex == "M" else base
            child = _person(rng, child_culture, sex, day, surname, day, adult=False)
            child.given, child.mother, child.father = given, mother, father
            child.born = day <= draft.world.end
            child.ethnicity = _child_ethnicity(mother, father)
            group.append(child)
        for child in group:
            child.twin_of = [str(id(c)) for c in group if c is not child]
        draft.children.extend(group)


def _child_ethnicity(mother: Person, father: Person | None) -> str:
    if father is None or father.ethnicity == mother.ethnicity:
        return mother.ethnicity
    return MIXED_ETHNICITY.get(frozenset({mother.ethnicity, father.ethnicity}), "MOTH")


def _rename_after_marriage(
    draft: _Draft, mother: Person, men: list[tuple[Person, int, int | None]]
) -> None:
    """A new partner marries the mother; she and (often) her children take his name."""
    rng = draft.rng
    for partner, join, leave in men[1:]:
        if rng.random() >= cal.STEP_NAME_CHANGE:
            continue
        wed = join + rng.randint(180, 900)
        if wed >= draft.world.end or (leave is not None and wed >= leave):
            continue
        new = partner.surnames[0][1]
        mother.surnames.append((wed, feminine_surname(new, partner.culture, married=True)))
        change = wed + rng.randint(0, 120)
        for child in draft.children:
            if child.dob < join and child.father is not partner and rng.random() < 0.75:
                old = child.surname_at(change)
                name = (
                    f"{old}-{new}"
                    if rng.random() < 0.25
                    else _child_surname(
                        CULTURE_BY_KEY[partner.culture], child.sex, new, partner.given
                    )
                )
                child.surnames.append((change, name))
        return


def _residences(draft: _Draft, since: int) -> None:
    rng, world, tier = draft.rng, draft.world, draft.tier
    years = (world.end - world.start) / YEAR
    p_move_la = (1 - math.exp(-cal.LA_MOVE_RATE * years)) * cal.MOBILITY[tier]
    roll = rng.random()
    moved_in = roll < p_move_la
    moved_out = p_move_la <= roll < 2 * p_move_la
    cut = rng.randint(world.start, world.end)
    elsewhere = rng.choice(NEIGHBOURS)
    first = make_address(rng, elsewhere if moved_in else HOME)
    draft.hh.residences.append(Residence(first, since))
    periods = [(cut if moved_in else world.start, cut if moved_out else world.end)]
    for day in poisson_days(
        rng, periods[0][0], periods[0][1], cal.HOME_MOVE_RATE * cal.MOBILITY[tier]
    ):
        move(draft.hh, day, make_address(rng, HOME))
    if moved_in:
        move(draft.hh, cut, make_address(rng, HOME))
    if moved_out:
        move(draft.hh, cut, make_address(rng, elsewhere))


def move(hh: Household, day: int, address: Address) -> None:
    """End the residence covering `day` and start a new one there (keeps later ones)."""
    for i, r in enumerate(hh.residences):
        if r.covers(day) and r.start < day:
            hh.residences.insert(i + 1, Residence(address, day, r.end))
            r.end = day
            return


def draft_household(world: World, rng: random.Random) -> _Draft:
    culture = rng.choices(CULTURES, weights=_CULTURE_WEIGHTS)[0]
    tier = rng.choices(range(4), weights=cal.TIER_SHARES)[0]
    draft = _Draft(world, rng, culture, tier)
    births = _births(rng, world, tier)
    first_age = max(16.0, min(44.0, rng.gauss(*cal.MOTHER_AGE_AT_FIRST[tier])))
    mother_dob = births[0][0] - int(first_age * YEAR)
    births = [b for b in births if b[0] - mother_dob < 46 * YEAR]
    since = min(births[0][0] - 365, world.start - int(cal.BURN_IN_YEARS * YEAR))
    maiden = _surname(rng, culture)
    mother = draft.adult(
        "F", mother_dob, feminine_surname(maiden, culture.key, married=False), mother_dob
    )
    father: Person | None = None
    if rng.random() < cal.COUPLE[tier]:
        fculture = culture if rng.random() < 0.9 else rng.choices(CULTURES, _CULTURE_WEIGHTS)[0]
        father = draft.adult(
            "M",
            mother_dob - int(rng.gauss(2.5, 4) * YEAR),
            _surname(rng, fculture),
            mother_dob,
            fculture,
        )
        if rng.random() >= culture.own_surname and culture.key != "somali":
            mother.surnames.append(
                (since, feminine_surname(father.surnames[0][1], fculture.key, married=True))
            )
    men = _partner_timeline(draft, mother, father, since)
    draft.join(mother, since)
    for man, start, end in men:
        draft.join(man, start, end, "" if man is father else "partner")
        if man is not father:
            draft.hh.joined[str(id(man))] = start
    _make_children(draft, mother, births, men)
    _rename_after_marriage(draft, mother, men)
    for child in draft.children:
        leaves = None
        if rng.random() < 0.5:
            leaves = birthday(child.dob, 18) + rng.randint(0, 730)
        draft.join(child, child.dob, leaves if leaves and leaves < world.end else None)
    if rng.random() < cal.GRANDPARENT.get(culture.key, 0.03):
        gran = draft.adult("F", mother_dob - int(rng.uniform(18, 34) * YEAR), maiden, mother_dob)
        gran.risks = []
        draft.join(gran, since, None, "grandparent")
        mother.mother = gran
    _residences(draft, since)
    draft.hh.gp_index = rng.randrange(len(world.directory.gps))
    return draft


def children_at_end(hh: Household, end: int) -> int:
    if not hh.in_home(end):
        return 0
    return sum(1 for c in hh.children_at(end))


def finalise(world: World, draft: _Draft) -> Household:
    """Give the accepted household its ids, NHS numbers and UPNs."""
    hh = draft.hh
    hh.hid = world.new_hid()
    old_keys = {str(id(p)): p for p in hh.people()}
    for person in hh.people():
        person.pid = world.new_pid()
        person.nhs = world.nhs.allocate()
    for key, person in old_keys.items():
        if key in hh.relation:
            hh.relation[person.pid] = hh.relation.pop(key)
        if key in hh.joined:
            hh.joined[person.pid] = hh.joined.pop(key)
    for child in draft.children:
        child.twin_of = [old_keys[k].pid for k in child.twin_of]
        _assign_upn(world, draft.rng, hh, child)
    for person in hh.people():
        if person.violent:
            person.ids["pnc"] = _pnc(draft.rng, person)
    return hh


def _pnc(rng: random.Random, person: Person) -> str:
    first_arrest = person.dob + int(rng.uniform(16, 30) * YEAR)
    return pnc_id(int(iso_day(first_arrest)[:4]), rng.randrange(1, 999_999))


def _assign_upn(world: World, rng: random.Random, hh: Household, child: Person) -> None:
    born = iso_day(child.dob)
    year = int(born[:4]) + (5 if int(born[5:7]) >= 9 else 4)
    entry = ordinal(year, 9, 1)
    if entry > world.end:
        return
    address = hh.address_at(entry)
    if address is not None and address.in_home:
        number = rng.choice(world.directory.primaries).number
        child.upn = world.upns.allocate(HOME.la_code, number, year)
    else:
        la = address.authority.la_code if address is not None else rng.choice(NEIGHBOURS).la_code
        child.upn = world.upns.allocate(la, f"{rng.randint(2000, 2999):04d}", year)
