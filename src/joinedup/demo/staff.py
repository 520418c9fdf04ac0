"""Invented practitioners for each organisation, with contact routes that reach nobody.

Telephone numbers are from Ofcom's ranges reserved for drama (01632 960nnn); e-mail domains
end in .example (RFC 2606).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from joinedup.demo.names import CULTURES
from joinedup.demo.variants import strip_diacritics

if TYPE_CHECKING:
    from joinedup.demo.agencies import Org

Json = dict[str, object]

_ROLES: dict[str, tuple[tuple[str, int], ...]] = {
    "police": (
        ("response officer", 12),
        ("public protection unit officer", 4),
        ("missing persons coordinator", 2),
    ),
    "acute": (
        ("emergency department nurse", 8),
        ("paediatric registrar", 4),
        ("midwife", 6),
        ("hospital safeguarding nurse", 2),
    ),
    "community": (("health visitor", 10), ("school nurse", 4), ("paediatric dietitian", 1)),
    "mental_health": (("community mental health nurse", 3), ("drug and alcohol worker", 3)),
    "ambulance": (("paramedic", 4),),
    "gp": (("general practitioner", 3), ("practice nurse", 1)),
    "school": (
        ("designated safeguarding lead", 1),
        ("attendance officer", 1),
        ("head teacher", 1),
        ("class teacher", 2),
    ),
    "ey": (("nursery manager", 1), ("key worker", 2)),
    "housing": (("housing options officer", 4), ("tenancy officer", 3)),
    "csc": (
        ("MASH social worker", 6),
        ("social worker", 20),
        ("team manager", 4),
        ("child protection chair", 3),
        ("independent reviewing officer", 3),
    ),
    "probation": (("probation officer", 4),),
    "yjs": (("youth justice officer", 3),),
    "voluntary_da": (("independent domestic violence adviser", 3),),
    "voluntary_food": (("food bank coordinator", 2),),
    "voluntary_youth": (("youth worker", 3),),
    "early_help": (("early help practitioner", 6),),
    "other": (("club welfare officer", 2),),
}


def _title(rng: random.Random, role: str, given: str, surname: str) -> str:
    initial = given[0]
    if role in ("response officer", "public protection unit officer"):
        rank = "DC" if role.startswith("public") else "PC"
        return f"{rank} {rng.randint(1000, 9999)} {initial} {surname}"
    if role in ("general practitioner", "paediatric registrar"):
        return f"Dr {initial} {surname}"
    if role in ("head teacher", "class teacher", "designated safeguarding lead"):
        return f"{rng.choice(('Mr', 'Mrs', 'Ms', 'Miss'))} {initial} {surname}"
    return f"{given} {surname}"


def add_staff(seed: int, org: Org, kind: str, domain: str) -> None:
    rng = random.Random(f"{seed}:staff:{org.key}")
    for role, count in _ROLES[kind]:
        pool: list[Json] = []
        for _ in range(count):
            culture = rng.choices(CULTURES, weights=[c.weight for c in CULTURES])[0]
            sex = rng.choice("FM")
            names = (
                culture.adult_female or culture.female
                if sex == "F"
                else (culture.adult_male or culture.male)
            )
            given, surname = rng.choice(names), rng.choice(culture.surnames)
            if rng.random() < 0.5:
                local = strip_diacritics(f"{given}.{surname}").lower().replace("'", "")
                contact = f"{local.replace(' ', '')}@{domain}.example"
            else:
                contact = f"01632 960{rng.randint(0, 999):03d}"
            pool.append(
                {"name": _title(rng, role, given, surname), "role": role, "contact": contact}
            )
        org.authors[role] = pool
