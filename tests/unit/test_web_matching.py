"""Match probabilities, weights and compared identities, in the words the pages use."""

from __future__ import annotations

import pytest

from joinedup.people.linkage.types import Level
from joinedup.web import matching
from joinedup.web.formatting import partial_date


@pytest.mark.parametrize(
    ("weight", "words"),
    [
        (7.8, "strong evidence for"),
        (4.0, "strong evidence for"),
        (1.46, "some evidence for"),
        (0.78, "neutral"),
        (0.0, "neutral"),
        (-0.8, "neutral"),
        (-1.0, "some evidence against"),
        (-3.9, "some evidence against"),
        (-4.0, "strong evidence against"),
        (-12.0, "strong evidence against"),
    ],
)
def test_each_weight_reads_as_evidence_for_or_against(weight: float, words: str) -> None:
    assert matching.evidence(weight) == words


@pytest.mark.parametrize(
    ("probability", "shown", "strength"),
    [
        (0.8776, "87.8%", "strong"),
        (0.9996, "99.9%", "very strong"),  # never rounded up to a certainty
        (1.0, "100.0%", "very strong"),
        (0.61, "61.0%", "possible"),
        (0.2, "20.0%", "weak"),
        (None, "Not scored", "not scored"),
    ],
)
def test_probabilities_as_percentages_and_words(
    probability: float | None, shown: str, strength: str
) -> None:
    assert matching.percent(probability) == shown
    assert matching.strength(probability) == strength


def test_a_compared_identity_keeps_the_precision_of_its_date_of_birth() -> None:
    month = {"dob_y": 2011, "dob_m": 3, "dob_d": None, "pc": "ZZ11ZZ", "given_all": ["amy", "jo"]}
    fields = matching.identity_fields(month)
    assert partial_date(fields["dob"]) == "March 2011"
    assert partial_date(matching.identity_fields({"dob_y": 2011})["dob"]) == "2011"
    assert matching.identity_fields({})["dob"] is None
    assert fields["postcode"] == "ZZ1 1ZZ" and fields["given"] == "Amy Jo"
    assert matching.postcode("zz1 1zz") == "ZZ1 1ZZ"


def test_the_starting_point_and_the_comparisons_add_up_to_the_match_weight() -> None:
    levels = [Level("given", "exact", 7.81, "x"), Level("place", "different", -0.8, "y")]
    assert matching.starting_weight(2.85, levels) == pytest.approx(-4.16)
    assert matching.signed(-0.8) == "\u22120.80" and matching.signed(7.81) == "+7.81"
