"""What a search for a child asks, checked and put in the forms that matching uses.

A search may combine given names, family name, date of birth, postcode, NHS number and unique
pupil number. Any one of an NHS number, a UPN, a postcode or a family name is enough; a date of
birth or given names need another detail beside them. Names are normalised by the linkage's
own rules (`linkage/normalise.py`), so search reads "Łukasz" and "Lukasz", or "Smith-Jones" and
"Smith Jones", exactly as matching does. Each problem names its field (the form's and the API's
parameter names alike).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from unidecode import unidecode

from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.core.identifiers import nhs_number_valid, upn_valid
from joinedup.people.linkage import normalise as n

# The fields in the order the form shows them (and errors are listed).
FIELDS = ("given_names", "family_name", "date_of_birth", "postcode", "nhs_number", "upn")
MAX_NAME = 100
_DMY = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search as typed: every field optional, free text (checked by `terms_of`)."""

    given_names: str = ""
    family_name: str = ""
    date_of_birth: str = ""
    postcode: str = ""
    nhs_number: str = ""
    upn: str = ""

    def filled(self) -> list[str]:
        """The fields with something in them, in the form's order (never their values)."""
        return [name for name in FIELDS if getattr(self, name).strip()]


@dataclass(frozen=True, slots=True)
class Terms:
    """A checked search: name tokens as matching keeps them, a date, identifiers, a postcode."""

    given: tuple[str, ...] = ()
    family: tuple[str, ...] = ()
    dob: date | None = None
    postcode: str | None = None
    nhs: str | None = None
    upn: str | None = None

    @property
    def family_joined(self) -> str:
        """The family name as matching stores it: its tokens run together ("smithjones")."""
        return "".join(self.family)


def terms_of(query: SearchQuery, today: date) -> Terms:
    """The search's terms, or ValidationFailed naming each field that is wrong or missing."""
    errors: dict[str, str] = {}
    given = _name(query.given_names, "given_names", "Given names", errors)
    family = _name(query.family_name, "family_name", "Family name", errors)
    dob = _date_of_birth(query.date_of_birth.strip(), today, errors)
    postcode = _postcode(query.postcode.strip(), errors)
    nhs = _nhs(query.nhs_number.strip(), errors)
    upn = _upn(query.upn.strip(), errors)
    if not errors and not (nhs or upn or postcode or family or (dob and given)):
        errors.update(_not_enough(query))
    if errors:
        ordered = [FieldError(f, errors[f], "invalid") for f in FIELDS if f in errors]
        raise ValidationFailed("The search cannot be run: " + ordered[0].message, ordered)
    return Terms(given, family, dob, postcode, nhs, upn)


def _not_enough(query: SearchQuery) -> dict[str, str]:
    if not query.filled():
        return {"given_names": "Enter a name, date of birth, postcode, NHS number or UPN"}
    if query.date_of_birth.strip():
        return {
            "family_name": "Enter a name, postcode, NHS number or UPN as well as a date of birth"
        }
    return {
        "family_name": "Enter a family name, or a date of birth, postcode, NHS number or UPN, "
        "as well as given names"
    }


def _name(text: str, field: str, label: str, errors: dict[str, str]) -> tuple[str, ...]:
    value = text.strip()
    if not value:
        return ()
    if len(value) > MAX_NAME:
        errors[field] = f"{label} must be {MAX_NAME} characters or fewer"
        return ()
    if not _LETTER.search(unidecode(value)):
        errors[field] = f"{label} must include letters"
        return ()
    # Placeholders ("Baby", "Unknown") are no name at all, as in matching.
    return n.name_tokens(value)


def _date_of_birth(text: str, today: date, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    match = _DMY.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (iso := _ISO.match(text)):
        parts = (iso.group(1), iso.group(2), iso.group(3))
    if parts is None:
        errors["date_of_birth"] = "Date of birth must be a real date, like 27/3/2015"
        return None
    try:
        found = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        errors["date_of_birth"] = "Date of birth must be a real date, like 27/3/2015"
        return None
    if found > today:
        errors["date_of_birth"] = "Date of birth must be today or in the past"
        return None
    if found.year < 1900:
        errors["date_of_birth"] = "Date of birth must be after 1900"
        return None
    return found


def _postcode(text: str, errors: dict[str, str]) -> str | None:
    if not text:
        return None
    compact, district = n.postcode(text)
    if district is None or len(text) > 10:
        errors["postcode"] = "Enter a full postcode, like LS1 4AP"
        return None
    return compact


def _nhs(text: str, errors: dict[str, str]) -> str | None:
    if not text:
        return None
    digits = re.sub(r"[\s-]", "", text)
    if len(digits) != 10 or not digits.isdigit():
        errors["nhs_number"] = "NHS number must be 10 digits"
        return None
    if not nhs_number_valid(digits):
        errors["nhs_number"] = "Enter a valid NHS number: this one's check digit is wrong"
        return None
    return digits


def _upn(text: str, errors: dict[str, str]) -> str | None:
    if not text:
        return None
    value = re.sub(r"\s", "", text).upper()
    if not _UPN.fullmatch(value):
        errors["upn"] = "UPN must be a letter followed by 12 numbers (or 11 numbers and a letter)"
        return None
    if not upn_valid(value):
        errors["upn"] = "Enter a valid UPN: this one's check letter is wrong"
        return None
    return value
