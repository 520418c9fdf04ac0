"""Identity features: names, dates of birth and places in the forms the comparisons use.

Names lose case, diacritics and transliteration differences (`unidecode`: "Szymańska" and
"Szymanska" become one), are split into tokens (hyphenated and double family names give each
part), and carry their variants: English nicknames and their full forms (`nicknames`), plus
equivalences the model learned from records that share a trusted identifier (a Polish "Kasia"
for "Katarzyna" is learned from the health and school records that name the same NHS number,
not from a list someone typed in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import jellyfish
from nicknames import NickNamer
from unidecode import unidecode

# Names that stand for "not yet named" or "not known": treated as no name at all.
PLACEHOLDER_NAMES = frozenset(
    {"baby", "boy", "girl", "unborn", "unknown", "infant", "child", "newborn", "nk", "na", "nfa"}
)
_NOT_LETTERS = re.compile(r"[^a-z ]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_NICKNAMER = NickNamer()


@lru_cache(maxsize=200_000)
def name_tokens(text: str | None) -> tuple[str, ...]:
    """Lower-case ASCII tokens of a name; hyphens and apostrophes split or join as sources do."""
    if not text:
        return ()
    ascii_text = unidecode(text).lower().replace("'", "").replace("-", " ")
    tokens = _NOT_LETTERS.sub(" ", ascii_text).split()
    if tokens and _not_yet_named(tokens[0]):
        return ()  # "Baby Boy", "Baby Gril", "Bby", "BabyG": not yet named, however keyed
    return tuple(t for t in tokens if t not in PLACEHOLDER_NAMES)


def _not_yet_named(token: str) -> bool:
    if token in ("baby", "unborn", "infant", "newborn") or token.startswith("baby"):
        return True
    # A slip of "baby" ("babby", "bayb", "bby"), unless it is a name in its own right ("abby").
    return (
        token[:1] == "b"
        and len(token) >= 3
        and jellyfish.damerau_levenshtein_distance(token, "baby") <= 1
        and not (_NICKNAMER.nicknames_of(token) or _NICKNAMER.canonicals_of(token))
    )


@lru_cache(maxsize=100_000)
def nickname_variants(token: str) -> frozenset[str]:
    """The token, its English nicknames and the names it is a nickname of."""
    return frozenset({token, *_NICKNAMER.nicknames_of(token), *_NICKNAMER.canonicals_of(token)})


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """A sound-alike key for blocking (Double-Metaphone-like, via jellyfish's metaphone)."""
    return jellyfish.metaphone(token)[:6] if token else ""


def split_other_names(others: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Aliases and previous names as (given tokens, family tokens): "Anna Example" gives both."""
    given: list[str] = []
    family: list[str] = []
    for other in others:
        tokens = name_tokens(other)
        if len(tokens) == 1:
            given.append(tokens[0])
            family.append(tokens[0])  # a single word may be either; both are only variants
        elif tokens:
            given.append(tokens[0])
            family.extend(tokens[1:])
    return tuple(dict.fromkeys(given)), tuple(dict.fromkeys(family))


@lru_cache(maxsize=200_000)  # a household's records repeat it
def date_parts(text: str | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of "YYYY", "YYYY-MM" or "YYYY-MM-DD"; None where unknown or invalid."""
    if not text:
        return None, None, None
    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts[:3]]
    except ValueError:
        return None, None, None
    year = numbers[0] if numbers and 1850 <= numbers[0] <= 2200 else None
    if year is None:
        return None, None, None
    month = numbers[1] if len(numbers) > 1 and 1 <= numbers[1] <= 12 else None
    day = numbers[2] if len(numbers) > 2 and month is not None and 1 <= numbers[2] <= 31 else None
    if day is not None and month is not None:
        try:
            date(year, month, day)
        except ValueError:
            day = None
    return year, month, day


def ordinal(year: int | None, month: int | None, day: int | None) -> int | None:
    if year is None or month is None or day is None:
        return None
    return date(year, month, day).toordinal()


@lru_cache(maxsize=200_000)  # a household's records repeat it
def postcode(text: str | None) -> tuple[str | None, str | None]:
    """(normalised postcode without spaces, outward code); (None, None) when not a postcode."""
    if not text:
        return None, None
    compact = re.sub(r"\s+", "", text.upper())
    match = _POSTCODE.match(compact)
    if match is None:
        return (compact or None), None
    return compact, match.group(1)


@lru_cache(maxsize=200_000)  # a household's records repeat it
def address(text: str | None) -> str | None:
    """Address lines as lower-case ASCII words ("Flat 3, Sallow Ho." -> "flat 3 sallow ho")."""
    if not text:
        return None
    words = re.sub(r"[^a-z0-9]+", " ", unidecode(text).lower()).split()
    return " ".join(words) or None


def sex(text: str | None) -> str | None:
    return text if text in ("F", "M") else None
