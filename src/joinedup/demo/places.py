"""The fictional borough of Kestrelford, its neighbours, streets and postcodes.

Postcode areas KF, AC, BK, DU, FV and HB are not used by Royal Mail, so no generated postcode
is a real one; the format (outward code, space, digit and two letters) is the real one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Authority:
    name: str
    council: str
    la_code: str  # DfE local authority number, as used in UPNs (fictional range)
    area: str  # postcode area
    districts: tuple[str, ...]


HOME = Authority(
    "Kestrelford",
    "Kestrelford Borough Council",
    "990",
    "KF",
    (
        "Oldgate",
        "Wyvern Heath",
        "Sallow End",
        "Marlbrook",
        "Tanners Green",
        "North Kestrel",
        "Heronsmere",
        "Cinderhill",
        "Foundry Bank",
        "Coppice Vale",
        "St Ebba's",
        "Quarry Hill",
    ),
)
NEIGHBOURS: tuple[Authority, ...] = (
    Authority(
        "Ashcombe",
        "Ashcombe Council",
        "991",
        "AC",
        ("Ashcombe", "Netherby", "Ferrow", "Long Ashcombe"),
    ),
    Authority(
        "Brackenmoor",
        "Brackenmoor Metropolitan Borough Council",
        "992",
        "BK",
        ("Brackenmoor", "Moorside", "Hagg Lane End"),
    ),
    Authority(
        "Dunmere",
        "Dunmere City Council",
        "993",
        "DU",
        ("Dunmere", "Eastwick", "Salter's Hythe", "Dunmere Docks"),
    ),
    Authority(
        "Fenwick Vale",
        "Fenwick Vale District Council",
        "994",
        "FV",
        ("Fenwick", "Orby", "Little Strand"),
    ),
    Authority(
        "Hollin Bridge",
        "Hollin Bridge Council",
        "995",
        "HB",
        ("Hollin Bridge", "Crookhaugh", "Windlestone"),
    ),
)

_PREFIXES = (
    "Larkspur",
    "Cinder",
    "Tanner's",
    "Mill",
    "Kestrel",
    "Wyvern",
    "Sallow",
    "Brook",
    "Furnace",
    "Weaver",
    "Coppice",
    "Heron",
    "Rook",
    "Alder",
    "Blackthorn",
    "Foundry",
    "Chapel",
    "Orchard",
    "Quarry",
    "Lantern",
    "Gable",
    "Marl",
    "Wharf",
    "Hollybush",
    "Saltings",
    "Tenter",
    "Dyer's",
    "Cooper's",
    "Ropewalk",
    "Kiln",
    "Spindle",
    "Lockgate",
    "Nightjar",
    "Meadowsweet",
    "Teasel",
    "Ashgrove",
    "Elmtree",
    "Pinfold",
    "Starling",
    "Goldcrest",
)
_SUFFIXES = (
    "Road",
    "Street",
    "Lane",
    "Close",
    "Avenue",
    "Way",
    "Court",
    "Grove",
    "Crescent",
    "Terrace",
    "Walk",
    "Rise",
    "Drive",
    "Gardens",
)
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters (Royal Mail omits C I K M O V)
_BLOCKS = ("House", "Court", "Tower", "Mews")

# Names of invented schools, practices and nurseries.
PRIMARY_STEMS = (
    "Larkspur",
    "Heronsmere",
    "Cinderhill",
    "Oldgate",
    "Marlbrook",
    "Sallow End",
    "Tanners Green",
    "Wyvern Heath",
    "Coppice Vale",
    "Foundry Bank",
    "Quarry Hill",
    "North Kestrel",
    "Rookwood",
    "Alderbrook",
    "Pinfold",
    "Kiln Lane",
)
PRIMARY_KINDS = (
    "Primary School",
    "Community Primary School",
    "Primary Academy",
    "CofE Primary School",
    "Catholic Primary School",
    "Infant and Junior School",
)
SECONDARY_NAMES = (
    "Kestrelford Academy",
    "Wyvern Heath High School",
    "St Ebba's Catholic High",
    "Oldgate School",
    "Marlbrook Community College",
    "Heronsmere Academy",
    "Cinderhill High School",
    "Coppice Vale School",
)
GP_NAMES = ("Medical Practice", "Surgery", "Health Centre", "Family Practice", "Medical Centre")
NURSERY_NAMES = (
    "Little Acorns Day Nursery",
    "Busy Bees Pre-school",
    "Rainbow Nursery",
    "Kestrel Cubs Nursery",
    "Sunflower Early Years",
    "Ladybird Pre-school",
    "Tiny Steps Nursery",
    "Owlets Day Nursery",
    "Puddle Ducks Pre-school",
)


@dataclass(frozen=True, slots=True)
class Address:
    lines: tuple[str, ...]
    town: str
    postcode: str
    authority: Authority

    @property
    def in_home(self) -> bool:
        return self.authority is HOME


def make_address(rng: random.Random, authority: Authority) -> Address:
    """An invented address whose postcode sits in the district it names."""
    district_index = rng.randrange(len(authority.districts))
    street = f"{rng.choice(_PREFIXES)} {rng.choice(_SUFFIXES)}"
    sector = 1 + sum(map(ord, street)) % 9
    unit = rng.choice(_UNIT_LETTERS) + rng.choice(_UNIT_LETTERS)
    postcode = f"{authority.area}{district_index + 1} {sector}{unit}"
    number = rng.randint(1, 160)
    district = authority.districts[district_index]
    if rng.random() < 0.18:
        block = f"{rng.choice(_PREFIXES)} {rng.choice(_BLOCKS)}"
        lines: tuple[str, ...] = (f"Flat {rng.randint(1, 40)}", block, street, district)
    else:
        lines = (f"{number} {street}", district)
    return Address(lines, authority.name, postcode, authority)


def district_of(address: Address) -> int:
    """The district index encoded in the outward code (KF7 -> 6)."""
    outward = address.postcode.split(" ")[0]
    return int(outward[len(address.authority.area) :]) - 1


def postcode_typo(rng: random.Random, postcode: str) -> str:
    """A keying error in a postcode: letters swapped or changed, the space lost, a digit slip."""
    outward, inward = postcode.split(" ")
    roll = rng.random()
    if roll < 0.3:
        return f"{outward} {inward[0]}{inward[2]}{inward[1]}"
    if roll < 0.55:
        return outward + inward
    if roll < 0.8:
        letter = rng.choice(_UNIT_LETTERS)
        return f"{outward} {inward[:2]}{letter}"
    digit = str((int(inward[0]) + rng.choice((1, 8))) % 10)
    return f"{outward} {digit}{inward[1:]}"


def address_json(address: Address, postcode: str | None = None) -> dict[str, object]:
    return {
        "lines": list(address.lines),
        "town": address.town,
        "postcode": postcode or address.postcode,
    }
