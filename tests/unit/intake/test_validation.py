"""The exchange format is validated strictly, and every problem names its field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.intake.validation import RecordInvalid, parse_line, parse_object
from tests.factories.records import line, record


def errors_of(value: Any) -> list[tuple[str, str]]:
    with pytest.raises(RecordInvalid) as caught:
        parse_object(value)
    return [(e.field, e.message) for e in caught.value.errors]


def test_a_valid_record_parses_with_its_instant_in_utc() -> None:
    parsed = parse_line(line(record()))
    assert parsed.occurred_at == datetime(2024, 3, 14, 23, 10, tzinfo=UTC)
    assert parsed.date_precision == "minute"
    assert parsed.subjects[0].nhs_number_valid is True
    assert parsed.warnings == ()


def test_malformed_json_is_one_clear_error() -> None:
    with pytest.raises(RecordInvalid) as caught:
        parse_line(b'{"format": "joinedup/1",')
    assert caught.value.errors[0].field == "record"
    assert caught.value.errors[0].message.startswith("malformed JSON")


def test_non_utf8_bytes_are_named_with_their_column() -> None:
    with pytest.raises(RecordInvalid) as caught:
        parse_line(b'{"summary": "caf\xe9"}')
    assert caught.value.errors[0].message == "not valid UTF-8 (byte 0xe9 at column 17)"


def test_every_missing_required_field_is_reported_at_once() -> None:
    found = errors_of(record(summary=None, type=None, subjects=None))
    assert ("summary", "is required") in found
    assert ("type", "is required") in found
    assert ("subjects", "is required") in found


def test_wrong_types_name_the_nested_field() -> None:
    value = record()
    value["subjects"][0]["given_names"] = 42
    value["source"]["agency"] = "army"
    fields = [field for field, _ in errors_of(value)]
    assert "subjects.0.given_names" in fields
    assert "source.agency" in fields


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13", "20230101", "yesterday"])
def test_impossible_or_unreadable_dates_are_refused(bad: str) -> None:
    value = record()
    value["subjects"][0]["date_of_birth"] = bad
    assert errors_of(value)[0][0] == "subjects.0.date_of_birth"


def test_an_impossible_occurred_at_is_refused() -> None:
    assert errors_of(record(occurred_at="2023-02-30T10:00:00Z"))[0][0] == "occurred_at"


def test_an_unknown_event_type_is_refused() -> None:
    assert errors_of(record(type="burglary")) == [
        ("type", "'burglary' is not an event type of joinedup/1")
    ]


def test_an_unknown_top_level_field_is_refused() -> None:
    assert errors_of(record(priority="high")) == [
        ("priority", "is not a field of the exchange format")
    ]


def test_unknown_attribute_keys_are_kept_with_a_warning() -> None:
    parsed = parse_object(record(attributes={"children_present": True, "weapon": "knife"}))
    assert parsed.record.attributes["weapon"] == "knife"
    assert [w.field for w in parsed.warnings] == ["attributes.weapon"]


def test_a_known_attribute_of_the_wrong_type_is_refused() -> None:
    found = errors_of(record(attributes={"children_present": "yes", "risk_level": "extreme"}))
    assert ("attributes.children_present", "must be true or false") in found
    assert any(field == "attributes.risk_level" for field, _ in found)


def test_a_bad_nhs_check_digit_is_a_warning_and_is_not_trusted() -> None:
    value = record()
    value["subjects"][0]["nhs_number"] = "9990000019"
    parsed = parse_object(value)
    assert parsed.subjects[0].nhs_number == "9990000019"
    assert parsed.subjects[0].nhs_number_valid is False
    assert parsed.warnings[0].field == "subjects.0.nhs_number"


def test_an_nhs_number_that_is_not_ten_digits_is_an_error() -> None:
    value = record()
    value["subjects"][0]["nhs_number"] = "12345"
    assert errors_of(value) == [("subjects.0.nhs_number", "must be 10 digits")]


def test_upn_check_letter_is_verified() -> None:
    value = record()
    value["subjects"][0]["upn"] = "A820200101001"  # the right letter is U
    parsed = parse_object(value)
    assert parsed.subjects[0].upn_valid is False
    value["subjects"][0]["upn"] = "U820200101001"
    assert parse_object(value).subjects[0].upn_valid is True


def test_partial_dates_keep_their_precision() -> None:
    parsed = parse_object(record(occurred_at="2011-03", date_precision=None))
    assert parsed.date_precision == "month"
    assert parsed.occurred_at == datetime(2011, 3, 1, tzinfo=UTC)
    assert parsed.subjects[1].birth_date_precision == "year"


def test_a_precision_finer_than_the_date_is_refused() -> None:
    assert errors_of(record(occurred_at="2011", date_precision="day"))[0][0] == "date_precision"


def test_a_coarser_precision_truncates_the_instant() -> None:
    parsed = parse_object(record(occurred_at="2011-03-14T10:00:00Z", date_precision="month"))
    assert parsed.occurred_at == datetime(2011, 3, 1, tzinfo=UTC)


def test_a_local_date_time_is_read_as_uk_time_with_a_warning() -> None:
    parsed = parse_object(record(occurred_at="2024-07-01T10:00:00"))
    assert parsed.occurred_at == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)  # BST
    assert parsed.warnings[0].field == "occurred_at"


def test_a_record_needs_a_child_unless_it_is_about_an_adult_only() -> None:
    adult = {"ref": "a1", "role": "adult", "given_names": "Solo"}
    assert errors_of(record(subjects=[adult]))[0][0] == "subjects"
    parse_object(record(type="adult_risk", attributes={}, subjects=[adult]))


def test_subject_refs_must_be_unique() -> None:
    value = record()
    value["subjects"][1]["ref"] = "c1"
    assert errors_of(value)[0][0] == "subjects.1.ref"


def test_summary_over_ten_thousand_characters_is_refused() -> None:
    assert errors_of(record(summary="x" * 10_001))[0][0] == "summary"


def test_a_json_value_that_is_not_an_object_is_refused() -> None:
    assert errors_of([record()]) == [("record", "must be a JSON object")]


def test_the_content_hash_ignores_key_order_but_not_content() -> None:
    a = parse_object(record())
    reordered = dict(reversed(list(record().items())))
    assert parse_object(reordered).content_hash == a.content_hash
    assert parse_object(record(summary="Changed.")).content_hash != a.content_hash


@given(st.binary(max_size=200))
def test_no_byte_string_crashes_the_parser(raw: bytes) -> None:
    try:
        parse_line(raw)
    except RecordInvalid as invalid:
        assert invalid.errors and all(e.field and e.message for e in invalid.errors)


def test_the_end_of_care_gives_its_ssda903_reason_and_a_closure_its_cin_reason() -> None:
    care_end = record(type="cla_end", attributes={"reason": "E4A"})
    assert parse_object(care_end).record.attributes["reason"] == "E4A"
    assert (
        errors_of(record(type="cla_end", attributes={"reason": "RC8"}))[0][0] == "attributes.reason"
    )
    assert (
        errors_of(record(type="case_closed", attributes={"reason": "E4A"}))[0][0]
        == "attributes.reason"
    )
