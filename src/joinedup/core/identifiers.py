"""National identifiers: the NHS number (modulus 11) and the DfE unique pupil number (UPN)."""

from __future__ import annotations

from nhs_number.validate import is_valid as _nhs_is_valid

# DfE "A guide to the UPN": the check letter alphabet omits I, O and S.
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs_number_valid(value: str) -> bool:
    """Ten digits whose modulus-11 check digit is right."""
    return len(value) == 10 and value.isdigit() and bool(_nhs_is_valid(value))


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (LA, school, year, serial).

    Each character is weighted by its position (2 to 13) and the sum taken modulo 23.
    The last character of a temporary UPN is a letter, valued by its place in the alphabet.
    """
    if len(body) != 12 or not body[:11].isdigit():
        raise ValueError("a UPN body is 11 digits and a digit or letter")
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += weight * value
    return UPN_LETTERS[total % 23]


def upn_valid(value: str) -> bool:
    """Thirteen characters, the first a check letter that matches the rest."""
    if len(value) != 13 or value[0] not in UPN_LETTERS:
        return False
    body = value[1:]
    if not body[:11].isdigit() or not (body[11].isdigit() or body[11] in UPN_LETTERS):
        return False
    return upn_check_letter(body) == value[0]
