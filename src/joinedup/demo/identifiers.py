"""Seeded identifiers: NHS numbers in the never-issued 999 range, UPNs, agency local ids."""

from __future__ import annotations

import random

from joinedup.core.identifiers import UPN_LETTERS, nhs_number_valid, upn_check_letter, upn_valid

_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_NHS_SPACE = 1_000_000  # six free digits after the 999 prefix


def nhs_check_digit(body: str) -> int:
    """Modulus 11 over nine digits; 10 means the body can never carry a valid number."""
    total = sum(int(d) * w for d, w in zip(body, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    return 0 if check == 11 else check


class NhsNumbers:
    """Unique synthetic NHS numbers: 999 + a seeded permutation of six digits + check digit.

    The nhs-number package's generator draws from the global random module, so it cannot be
    seeded per run; this reproduces its synthetic range deterministically instead.
    """

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"{seed}:nhs")
        self._multiplier = rng.randrange(1, _NHS_SPACE // 10) * 10 + rng.choice((1, 3, 7, 9))
        self._offset = rng.randrange(_NHS_SPACE)
        self._next = 0

    def allocate(self) -> str:
        while self._next < _NHS_SPACE:
            serial = (self._next * self._multiplier + self._offset) % _NHS_SPACE
            self._next += 1
            body = f"999{serial:06d}"
            check = nhs_check_digit(body)
            if check != 10:
                return f"{body}{check}"
        raise ValueError("the synthetic NHS number range is exhausted; generate fewer people")


def corrupt_nhs(rng: random.Random, number: str) -> str:
    """The same number with a wrong check digit, so that modulus 11 fails."""
    choices = [d for d in "0123456789" if d != number[-1]]
    while True:
        bad = number[:-1] + rng.choice(choices)
        if not nhs_number_valid(bad):
            return bad


class Upns:
    """UPNs: check letter + LA number + school number + two-digit year + serial."""

    def __init__(self) -> None:
        self._serials: dict[tuple[str, str, int], int] = {}

    def allocate(self, la_code: str, school_number: str, year: int) -> str:
        key = (la_code, school_number, year % 100)
        serial = self._serials.get(key, 0)
        while serial >= 1000:  # a full year at one school rolls into the next number
            year += 1
            key = (la_code, school_number, year % 100)
            serial = self._serials.get(key, 0)
        self._serials[key] = serial + 1
        body = f"{la_code}{school_number}{year % 100:02d}{serial:03d}"
        return upn_check_letter(body) + body


def corrupt_upn(rng: random.Random, upn: str) -> str:
    letters = [c for c in UPN_LETTERS if c != upn[0]]
    bad = rng.choice(letters) + upn[1:]
    return bad if not upn_valid(bad) else corrupt_upn(rng, upn)


class LocalIds:
    """Per-system record numbers, counting up in the order people are first seen."""

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}

    def next(self, system: str) -> int:
        value = self._counters.get(system, 0) + 1
        self._counters[system] = value
        return value


def pnc_id(year: int, serial: int) -> str:
    """A Police National Computer style id, e.g. 19/402117K (check letter invented)."""
    letter = "ABCDEFGHJKLMNPQRTUVWXYZ"[(year * 7 + serial) % 23]
    return f"{year % 100:02d}/{serial:06d}{letter}"
