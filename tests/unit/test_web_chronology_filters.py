"""The chronology's filters from a query string: the same vocabulary for page, export and API."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.datastructures import QueryParams

from joinedup.chronology.views import Filters
from joinedup.web.chronology_filters import date_parts, parse_filters, query_string


def parse(text: str) -> tuple[Filters, dict[str, str]]:
    return parse_filters(QueryParams(text))


def test_nothing_asked_is_no_filter() -> None:
    assert parse("") == (Filters(), {})
    assert parse("page=3&agency=&since=") == (Filters(), {})


def test_every_filter_is_read_and_written_back_the_same() -> None:
    text = ("agency=police&agency=health&type=concern&severity=high&severity=low"
            "&since=2024-01-31&until=2024-06-30&household=yes&significant=yes")  # fmt: skip
    filters, errors = parse(text)
    assert errors == {}
    assert filters == Filters(
        agencies=frozenset({"police", "health"}),
        types=frozenset({"concern"}),
        severities=frozenset({"high", "low"}),
        since=date(2024, 1, 31),
        until=date(2024, 6, 30),
        household=True,
        significant_only=True,
    )
    again = query_string(filters, page="2")
    assert again == (
        "agency=health&agency=police&type=concern&severity=high&severity=low"
        "&since=2024-01-31&until=2024-06-30&household=yes&significant=yes&page=2"
    )
    assert parse(again)[0] == filters


def test_a_govuk_date_input_wins_over_the_text_and_is_shown_back() -> None:
    params = QueryParams("since-day=5&since-month=3&since-year=2024&since=2020-01-01")
    filters, errors = parse_filters(params)
    assert (filters.since, errors) == (date(2024, 3, 5), {})
    assert date_parts(params, "since", filters.since) == {"day": "5", "month": "3", "year": "2024"}
    canonical = QueryParams("since=2024-03-05")
    assert date_parts(canonical, "since", date(2024, 3, 5)) == {
        "day": "5", "month": "3", "year": "2024"}  # fmt: skip
    assert date_parts(canonical, "until", None) == {"day": "", "month": "", "year": ""}


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("since=2024-02-30", "since", "Date from must be a real date in the form YYYY-MM-DD"),
        ("until=yesterday", "until", "Date to must be a real date in the form YYYY-MM-DD"),
        ("since-day=1&since-year=2024", "since", "Date from must include a month"),
        ("until-day=1", "until", "Date to must include a month and year"),
        ("since-day=31&since-month=4&since-year=2024", "since", "Date from must be a real date"),
        ("since-day=1&since-month=4&since-year=24", "since", "Date from must be a real date"),
        ("since=2024-06-01&until=2024-01-01", "until", "Date to must be the same as or after"),
        ("severity=urgent", "severity", "Severity must be high, medium or low"),
        ("agency=<script>", "agency", "Choose agencies from the list"),
        ("type=Concern", "type", "Choose types from the list"),
        ("household=perhaps", "household", "Household must be yes or left out"),
    ],
)
def test_bad_input_names_its_field_and_that_filter_is_left_out(
    text: str, field: str, message: str
) -> None:
    filters, errors = parse(text)
    assert list(errors) == [field]
    assert errors[field].startswith(message)
    assert filters == Filters(since=filters.since)  # only a valid from-date is kept
