"""Identity noise: how each kind of agency holds a person, as real systems do.

Each organisation keeps its own record of a person, made when it first meets them, so most
noise is persistent per organisation and person (a school that keys "Kasia" keeps "Kasia").
Agencies whose staff key names afresh at each event (police, the public, ambulance crews)
re-enter the identity at the profile's `reenter` rate. Rates are documented in
docs/demo-authority.md and are assumptions informed by practice, not published statistics.
"""

from __future__ import annotations

import random
from datetime import date

from joinedup.demo.agencies import Org
from joinedup.demo.identifiers import LocalIds, corrupt_nhs, corrupt_upn
from joinedup.demo.model import Household, Person
from joinedup.demo.places import Address, address_json, postcode_typo
from joinedup.demo.profiles import DEMOGRAPHICS, PROFILES, Profile
from joinedup.demo.timeutil import iso_day
from joinedup.demo.variants import half_of_double, misspell, nickname, strip_diacritics

Json = dict[str, object]


def _real_date(text: str) -> str | None:
    """The text if it is a date that exists (a year typo can move 29 February), else None."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return None
    return text


def _dob(rng: random.Random, p: Profile, dob: int) -> str | None:
    text = iso_day(dob)
    roll = rng.random()
    if roll < p.dob_missing:
        return None
    roll -= p.dob_missing
    if roll < p.dob_partial:
        return text[:4] if rng.random() < 0.5 else text[:7]
    roll -= p.dob_partial
    y, m, d = text[:4], text[5:7], text[8:]
    if roll < p.dob_swap and int(d) <= 12 and d != m:
        return f"{y}-{d}-{m}"
    roll -= p.dob_swap
    if roll < p.dob_typo:
        which = rng.random()
        if which < 0.4:
            return iso_day(dob + rng.choice((-1, 1)))
        if which < 0.7:
            return _real_date(f"{int(y) + rng.choice((-1, 1))}-{m}-{d}") or iso_day(dob + 1)
        return f"{y}-{m}-{int(d) % 28 + 1:02d}"
    return text


_ID_PREFIX = {
    "police_niche": "N",
    "trust_mrn": "RX",
    "community_ref": "WC",
    "gp_system": "E",
    "school_mis": "A",
    "ey_ref": "EY",
    "housing_ref": "HO",
    "tenancy_ref": "T",
    "lcs": "",
    "eh_ref": "EH",
    "ndelius": "X",
    "yjs_ref": "YJ",
}


_DUPLICATE = 0.25  # of re-keyed identities, the share saved as a new person (a duplicate)


class IdentityBook:
    """Every organisation's own record of every person it has met, within one household."""

    def __init__(self, rng: random.Random, local_ids: LocalIds) -> None:
        self.rng = rng
        self.local_ids = local_ids
        self._held: dict[tuple[str, str, str], Json] = {}
        self._postcodes: dict[tuple[str, str], str] = {}

    def reset(self) -> None:
        self._held.clear()
        self._postcodes.clear()

    def _local_id(self, org: Org, person: Person) -> str | None:
        if org.id_system is None:
            return None
        value = person.ids.get(org.key)
        if value is None:
            # Unique within the id system, so that one practice's number never names
            # a patient of another practice that uses the same system.
            n = self.local_ids.next(org.id_system)
            value = f"{_ID_PREFIX.get(org.id_system, 'ID')}{n:07d}"
            person.ids[org.key] = value
        return value

    def _names(self, p: Profile, person: Person, surname: str, day: int) -> tuple[str, str]:
        rng = self.rng
        given = person.given
        if day - person.dob < 21 and rng.random() < 0.5:
            given = rng.choice(("Baby", "Baby Boy" if person.sex == "M" else "Baby Girl"))
        elif rng.random() < p.nickname:
            given = nickname(rng, given) or given
        if rng.random() < p.misspell:
            given = misspell(rng, given)
        previous = person.previous_surnames(day)
        if previous and rng.random() < p.old_surname:
            surname = previous[-1]
        if rng.random() < p.half_surname:
            surname = half_of_double(rng, surname) or surname
        if rng.random() < p.misspell:
            surname = misspell(rng, surname)
        if rng.random() < p.diacritics:
            given, surname = strip_diacritics(given), strip_diacritics(surname)
        return given, surname

    def _identity(
        self, org: Org, person: Person, day: int, surname: str, *, duplicate: bool = False
    ) -> Json:
        rng, p = self.rng, PROFILES[org.profile]
        given, family = self._names(p, person, surname, day)
        if rng.random() < p.swap:
            given, family = family, given
        ident: Json = {"given_names": given}
        if family and rng.random() >= p.family_missing:
            ident["family_name"] = family
        others = [f"{person.given} {n}" for n in person.previous_surnames(day)]
        if person.alias:
            others.append(person.alias)
        if others and rng.random() < p.aliases:
            ident["other_names"] = others
        dob = _dob(rng, p, person.dob)
        if dob is not None:
            ident["date_of_birth"] = dob
        ident["sex"] = "U" if rng.random() < p.sex_unknown else person.sex
        if rng.random() < p.nhs:
            ident["nhs_number"] = (
                corrupt_nhs(rng, person.nhs) if rng.random() < p.nhs_bad else person.nhs
            )
        if person.upn and day >= person.dob + 1460 and rng.random() < p.upn:
            ident["upn"] = corrupt_upn(rng, person.upn) if rng.random() < p.upn_bad else person.upn
        local = self._local_id(org, person)
        if duplicate and org.id_system:  # keyed afresh as a new person: a duplicate record
            local = f"{_ID_PREFIX.get(org.id_system, 'ID')}{self.local_ids.next(org.id_system):07d}"
        ids: dict[str, str] = {org.id_system: local} if org.id_system and local else {}
        if org.agency == "police" and "pnc" in person.ids:
            ids["police_pnc"] = person.ids["pnc"]
        if ids:
            ident["local_ids"] = ids
        if org.profile in DEMOGRAPHICS:
            ident["language"] = person.language
            ident["ethnicity"] = person.ethnicity
        return ident

    def held(self, org: Org, person: Person, day: int) -> Json:
        surname = person.surname_at(day)
        if day - person.dob < 21:  # a newborn's name is often not yet known
            return self._identity(org, person, day, surname)
        key = (org.key, person.pid, surname)
        ident = self._held.get(key)
        if ident is None:
            ident = self._identity(org, person, day, surname)
            self._held[key] = ident
        elif PROFILES[org.profile].reenter and self.rng.random() < PROFILES[org.profile].reenter:
            duplicate = self.rng.random() < _DUPLICATE
            return self._identity(org, person, day, surname, duplicate=duplicate)
        return ident

    def unborn(self, org: Org, person: Person, mother: Person, day: int) -> Json:
        ident: Json = {
            "family_name": mother.surname_at(day),
            "expected_date_of_delivery": iso_day(person_due(person)),
            "sex": "U",
        }
        if PROFILES[org.profile].nhs > 0.5 and self.rng.random() < 0.3:
            ident["given_names"] = "Unborn"
        return ident

    def address(self, org: Org, hh: Household, day: int, override: Address | None) -> Json | None:
        p, rng = PROFILES[org.profile], self.rng
        if rng.random() >= p.address:
            return None
        address = override or hh.address_at(day)
        if override is None:
            previous, moved = hh.previous_address(day)
            if previous is not None and day - moved < 120 and rng.random() < p.stale_address:
                address = previous
        if address is None:
            return None
        key = (org.key, address.postcode)
        postcode = self._postcodes.get(key)
        if postcode is None:
            postcode = (
                postcode_typo(rng, address.postcode)
                if rng.random() < p.postcode_typo
                else address.postcode
            )
            self._postcodes[key] = postcode
        return address_json(address, postcode)


def person_due(person: Person) -> int:
    """The expected date of delivery recorded in pregnancy (the birth rarely falls on it)."""
    return person.dob + (int(person.pid[1:]) % 29) - 14
