"""Validating one record of the exchange format, strictly, with every problem named by field.

`parse_line` reads one line of a bulk file; `parse_object` one JSON value from the API. Both
return a `Parsed` record ready to store, or raise `RecordInvalid` with every error found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from joinedup.core.errors import FieldError
from joinedup.core.identifiers import nhs_number_valid, upn_valid
from joinedup.core.ids import sha256_hex
from joinedup.intake.attributes import ADULT_ONLY_TYPES, ATTRIBUTES, Spec
from joinedup.intake.dates import (
    PRECISIONS,
    DateError,
    parse_full_date,
    parse_moment,
    parse_partial_date,
    truncate,
)
from joinedup.intake.schemas import ExchangeRecord, Subject

_UPN_SHAPE = re.compile(r"[A-Z]\d{11}[0-9A-Z]")


class RecordInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ParsedSubject:
    subject: Subject
    birth_date: date | None
    birth_date_precision: str | None
    expected_date_of_delivery: date | None
    nhs_number: str | None
    nhs_number_valid: bool | None
    upn_valid: bool | None


@dataclass(frozen=True)
class Parsed:
    record: ExchangeRecord
    occurred_at: datetime
    date_precision: str
    recorded_at: datetime | None
    subjects: tuple[ParsedSubject, ...]
    payload: str
    content_hash: str
    warnings: tuple[FieldError, ...]


def parse_line(raw: bytes) -> Parsed:
    """One line of a JSON Lines file (without its newline)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordInvalid(
            [
                FieldError(
                    "record",
                    f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})",
                    "encoding",
                )
            ]
        ) from None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise RecordInvalid([FieldError("record", f"malformed JSON: {exc}", "json")]) from None
    return parse_object(value, payload=text)


def parse_object(value: Any, *, payload: str | None = None) -> Parsed:
    """One decoded JSON value; `payload` is the text exactly as received, when there is one."""
    if not isinstance(value, dict):
        raise RecordInvalid([FieldError("record", "must be a JSON object", "type")])
    try:
        record = ExchangeRecord.model_validate(value)
    except ValidationError as exc:
        raise RecordInvalid(_pydantic_errors(exc)) from None
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    occurred_at, precision = _moment_and_precision(record, errors, warnings)
    recorded_at = _recorded_at(record, errors, warnings)
    _check_attributes(record, errors, warnings)
    subjects = tuple(_subject(i, s, errors, warnings) for i, s in enumerate(record.subjects))
    _check_subject_set(record, errors)
    if errors:
        raise RecordInvalid(errors)
    assert occurred_at is not None and precision is not None  # noqa: S101 - set when no errors
    return Parsed(
        record=record,
        occurred_at=occurred_at,
        date_precision=precision,
        recorded_at=recorded_at,
        subjects=subjects,
        payload=payload if payload is not None else orjson.dumps(value).decode(),
        content_hash=sha256_hex(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)),
        warnings=tuple(warnings),
    )


def _pydantic_errors(exc: ValidationError) -> list[FieldError]:
    found = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(part) for part in err["loc"]) or "record"
        kind = err["type"]
        message = {
            "missing": "is required",
            "extra_forbidden": "is not a field of the exchange format",
        }.get(kind, err["msg"])
        found.append(FieldError(field, message, kind))
    return found


def _moment_and_precision(
    record: ExchangeRecord, errors: list[FieldError], warnings: list[FieldError]
) -> tuple[datetime | None, str | None]:
    try:
        moment, natural, offset_missing = parse_moment(record.occurred_at)
    except DateError as exc:
        errors.append(FieldError("occurred_at", str(exc), "date"))
        return None, None
    if offset_missing:
        warnings.append(_no_offset("occurred_at"))
    precision = record.date_precision or natural
    if PRECISIONS.index(precision) > PRECISIONS.index(natural):
        errors.append(
            FieldError(
                "date_precision",
                f"'{precision}' is finer than occurred_at '{record.occurred_at}' ({natural})",
                "precision",
            )
        )
        return None, None
    return truncate(moment, precision), precision


def _recorded_at(
    record: ExchangeRecord, errors: list[FieldError], warnings: list[FieldError]
) -> datetime | None:
    if record.recorded_at is None:
        return None
    try:
        moment, _, offset_missing = parse_moment(record.recorded_at)
    except DateError as exc:
        errors.append(FieldError("recorded_at", str(exc), "date"))
        return None
    if offset_missing:
        warnings.append(_no_offset("recorded_at"))
    return moment


def _no_offset(field: str) -> FieldError:
    return FieldError(field, "has no UTC offset: read as UK local time", "offset")


def _check_attributes(
    record: ExchangeRecord, errors: list[FieldError], warnings: list[FieldError]
) -> None:
    specs = ATTRIBUTES.get(record.type)
    if specs is None:
        errors.append(
            FieldError("type", f"'{record.type}' is not an event type of joinedup/1", "enum")
        )
        return
    for key, value in record.attributes.items():
        spec = specs.get(key)
        if spec is None:
            warnings.append(
                FieldError(
                    f"attributes.{key}", f"not an attribute of '{record.type}': kept", "unknown"
                )
            )
            continue
        problem = _attribute_problem(spec, value)
        if problem:
            errors.append(FieldError(f"attributes.{key}", problem, "attribute"))


def _attribute_problem(spec: Spec, value: Any) -> str | None:
    kind = spec.kind
    if kind == "boolean" and not isinstance(value, bool):
        return "must be true or false"
    if kind == "string" and not isinstance(value, str):
        return "must be a string"
    if kind in ("number", "integer"):
        ok = isinstance(value, int) if kind == "integer" else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            return f"must be {'a whole number' if kind == 'integer' else 'a number'}"
        if spec.minimum is not None and value < spec.minimum:
            return f"must not be less than {spec.minimum:g}"
    if kind == "date":
        if not isinstance(value, str):
            return "must be a date, YYYY-MM-DD"
        try:
            parse_full_date(value)
        except DateError as exc:
            return str(exc)
    if spec.choices and value not in spec.choices:
        return f"'{value}' is not one of: {', '.join(spec.choices)}"
    return None


def _subject(
    index: int, subject: Subject, errors: list[FieldError], warnings: list[FieldError]
) -> ParsedSubject:
    at = f"subjects.{index}"
    birth: tuple[date, str] | None = None
    edd: date | None = None
    if subject.date_of_birth is not None:
        try:
            birth = parse_partial_date(subject.date_of_birth)
        except DateError as exc:
            errors.append(FieldError(f"{at}.date_of_birth", str(exc), "date"))
    if subject.expected_date_of_delivery is not None:
        try:
            edd = parse_full_date(subject.expected_date_of_delivery)
        except DateError as exc:
            errors.append(FieldError(f"{at}.expected_date_of_delivery", str(exc), "date"))
    nhs, nhs_ok = _nhs_number(at, subject.nhs_number, errors, warnings)
    return ParsedSubject(
        subject=subject,
        birth_date=birth[0] if birth else None,
        birth_date_precision=birth[1] if birth else None,
        expected_date_of_delivery=edd,
        nhs_number=nhs,
        nhs_number_valid=nhs_ok,
        upn_valid=_upn(at, subject.upn, errors, warnings),
    )


def _nhs_number(
    at: str, value: str | None, errors: list[FieldError], warnings: list[FieldError]
) -> tuple[str | None, bool | None]:
    if value is None:
        return None, None
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        errors.append(FieldError(f"{at}.nhs_number", "must be 10 digits", "nhs_number"))
        return None, None
    if not nhs_number_valid(digits):
        warnings.append(
            FieldError(
                f"{at}.nhs_number",
                "check digit is wrong: kept as sent, not used for matching",
                "check_digit",
            )
        )
        return digits, False
    return digits, True


def _upn(
    at: str, value: str | None, errors: list[FieldError], warnings: list[FieldError]
) -> bool | None:
    if value is None:
        return None
    if not _UPN_SHAPE.fullmatch(value):
        errors.append(
            FieldError(f"{at}.upn", "must be a letter then 12 digits (or 11 and a letter)", "upn")
        )
        return None
    if not upn_valid(value):
        warnings.append(
            FieldError(
                f"{at}.upn",
                "check letter is wrong: kept as sent, not used for matching",
                "check_letter",
            )
        )
        return False
    return True


def _check_subject_set(record: ExchangeRecord, errors: list[FieldError]) -> None:
    seen: set[str] = set()
    for index, subject in enumerate(record.subjects):
        if subject.ref in seen:
            errors.append(FieldError(f"subjects.{index}.ref", f"'{subject.ref}' is used twice"))
        seen.add(subject.ref)
    has_child = any(s.role in ("child", "unborn") for s in record.subjects)
    if not has_child and record.type not in ADULT_ONLY_TYPES:
        errors.append(
            FieldError("subjects", "must include a child or an unborn child for this type")
        )
