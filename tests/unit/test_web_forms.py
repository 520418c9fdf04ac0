"""A date field's error is keyed by its first box, wherever a page shows it (web.forms)."""

from __future__ import annotations

from joinedup.web.forms import date_errors


def test_each_date_fields_error_moves_to_its_first_box_in_order() -> None:
    found = date_errors({"kind": "Choose a kind", "from_on": "Enter a date", "to_on": "Later"},
                        ("from_on", "to_on"))  # fmt: skip
    assert list(found.items()) == [
        ("kind", "Choose a kind"),
        ("from_on-day", "Enter a date"),
        ("to_on-day", "Later"),
    ]


def test_a_prefixed_date_and_other_fields_stay_apart() -> None:
    errors = {"a-details": "Enter the details", "a-on": "Not in the future"}
    assert date_errors(errors, ("a-on", "a-booked_for")) == {
        "a-details": "Enter the details",
        "a-on-day": "Not in the future",
    }
    assert date_errors({}, ("on",)) == {}
