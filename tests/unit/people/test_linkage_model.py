"""Known answers for each difficulty of multi-agency identities, on tiny hand-made records.

The packaged default model scores every pair; the assertions are about levels, guards and the
link decision at the default threshold, so a change that breaks a difficulty fails here.
"""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from joinedup.config import Settings
from joinedup.people.linkage.cluster import cluster
from joinedup.people.linkage.comparisons import DOB
from joinedup.people.linkage.model import LinkageModel, block_values, load_model
from joinedup.people.linkage.train import _held, prepare, settings
from joinedup.people.linkage.types import Identity

UPPER = Settings().link_upper

CHILD = Identity(
    given_names="Zofia",
    family_name="Szymańska",
    date_of_birth="2015-03-07",
    sex="F",
    postcode="KF3 6UB",
    address="35 Sallow House",
    school_urn="990123",
    source_agency="health",
)


@pytest.fixture(scope="module")
def model() -> LinkageModel:
    return load_model()


def levels(model: LinkageModel, a: Identity, b: Identity) -> dict[str, str]:
    found = model.compare(model.features(a), model.features(b))
    return {level.comparison: level.label for level in found.levels}


def linked(model: LinkageModel, a: Identity, b: Identity) -> bool:
    found = model.compare(model.features(a), model.features(b))
    return found.guard is None and found.match_probability >= UPPER


def test_the_same_identity_links_and_every_comparison_explains_itself(model: LinkageModel) -> None:
    found = model.compare(model.features(CHILD), model.features(CHILD))
    assert found.guard is None
    assert found.match_probability >= UPPER
    texts = {level.comparison: level.text for level in found.levels}
    assert texts["given"] == "the same given name"
    assert texts["dob"] == "the same date of birth"
    assert all(level.weight > 0 for level in found.levels if level.label in ("exact", "same"))


def test_nicknames_are_the_same_given_name(model: LinkageModel) -> None:
    alexander = replace(CHILD, given_names="Alexander", sex="M")
    alex = replace(alexander, given_names="Alex", source_agency="police")
    assert levels(model, alexander, alex)["given"] == "equivalent"
    assert linked(model, alexander, alex)


def test_diacritics_and_transliteration_do_not_matter(model: LinkageModel) -> None:
    plain = replace(CHILD, family_name="Szymanska", given_names="Zofia")
    assert levels(model, CHILD, plain)["family"] == "exact"
    assert linked(model, CHILD, plain)


def test_one_half_of_a_double_family_name(model: LinkageModel) -> None:
    double = replace(CHILD, family_name="Baker-Szymańska")
    assert levels(model, CHILD, double)["family"] == "shared part or previous name"
    assert linked(model, CHILD, double)


def test_a_step_parents_surname_with_the_previous_name_held(model: LinkageModel) -> None:
    renamed = replace(CHILD, family_name="Clarke", other_names=("Zofia Szymańska",))
    assert levels(model, CHILD, renamed)["family"] == "shared part or previous name"
    assert linked(model, CHILD, renamed)


def test_given_and_family_names_swapped(model: LinkageModel) -> None:
    swapped = replace(CHILD, given_names="Szymańska", family_name="Zofia", source_agency="police")
    assert levels(model, CHILD, swapped)["given"] == "swapped"
    assert linked(model, CHILD, swapped)


def test_given_and_family_names_swapped_with_a_slip(model: LinkageModel) -> None:
    swapped = replace(CHILD, given_names="Szymańska", family_name="Zoffia", source_agency="police")
    assert levels(model, CHILD, swapped)["given"] == "swapped"
    assert linked(model, CHILD, swapped)


@pytest.mark.parametrize(("full", "short"), [("Bartosz", "Bart"), ("Oluwatobi", "Tobi")])
def test_a_short_form_keeps_the_beginning_or_the_end_of_the_name(
    model: LinkageModel, full: str, short: str
) -> None:
    a = replace(CHILD, given_names=full, sex="M")
    b = replace(a, given_names=short, source_agency="early_years")
    assert levels(model, a, b)["given"] == "equivalent"
    assert linked(model, a, b)
    assert levels(model, a, replace(b, given_names=short[:2]))["given"] == "different"


@pytest.mark.parametrize(
    ("full", "slipped"), [("James", "Jimm"), ("Rebecca", "Beckky"), ("Joseph", "Joee")]
)
def test_a_slip_of_a_known_form_of_the_name(model: LinkageModel, full: str, slipped: str) -> None:
    a = replace(CHILD, given_names=full, sex="M" if full != "Rebecca" else "F")
    b = replace(a, given_names=slipped, source_agency="early_years")
    assert levels(model, a, b)["given"] == "a slip of a known form"
    found = model.compare(model.features(a), model.features(b))
    assert found.guard is None
    assert linked(model, a, b)


def test_twins_one_a_letter_from_a_form_of_the_other_stay_apart_when_attested(
    model: LinkageModel,
) -> None:
    """Twins "James" and "Jimm" (a name of its own, known so by every agency) are not one
    child: the slip level joins a name keyed once, not two names each attested by two sources."""
    james = [
        model.features(replace(CHILD, given_names="James", sex="M", postcode=p)) for p in "ABC"
    ]
    jimm = [model.features(replace(CHILD, given_names="Jimm", sex="M", postcode=p)) for p in "DEF"]
    rows = james + jimm
    edges = [(0, 1, 20.0), (1, 2, 20.0), (3, 4, 20.0), (4, 5, 20.0), (2, 3, 15.0)]
    agencies = [frozenset({a}) for a in ("health", "education", "early_years")]
    labels, refused = cluster(rows, edges, sources=[*agencies, *agencies])
    assert labels[0] != labels[3] and refused == 1
    # Keyed once by one agency, it is the same child.
    labels, _ = cluster(rows, edges, sources=[*agencies, *[frozenset({"police"})] * 3])
    assert len(set(labels)) == 1


def test_a_letter_dropped_from_a_different_name_is_not_a_form_of_it(model: LinkageModel) -> None:
    a = replace(CHILD, given_names="Maja")
    for other in ("Marta", "Amelia", "Zuzanna"):
        assert levels(model, a, replace(a, given_names=other))["given"] == "different"


@pytest.mark.parametrize(
    ("date_of_birth", "label"),
    [
        ("2015-07-03", "day and month swapped"),
        ("2015-03-08", "a slip"),  # a day apart
        ("2016-03-07", "a slip"),  # the year one out
        ("2014-03-07", "a slip"),
        ("2015-04-07", "one part different"),
        ("2018-03-07", "one part different"),
        ("2015-03", "partial agrees"),
        ("2015", "partial agrees"),
    ],
)
def test_dates_of_birth_swapped_slipped_and_partial(
    model: LinkageModel, date_of_birth: str, label: str
) -> None:
    other = replace(CHILD, date_of_birth=date_of_birth, source_agency="police")
    assert levels(model, CHILD, other)["dob"] == label
    assert linked(model, CHILD, other)


def test_a_day_keyed_with_its_digits_exchanged_is_a_slip(model: LinkageModel) -> None:
    third = replace(CHILD, date_of_birth="2016-07-03")
    thirtieth = replace(third, date_of_birth="2016-07-30", source_agency="police")
    assert levels(model, third, thirtieth)["dob"] == "a slip"
    assert levels(model, third, replace(thirtieth, date_of_birth="2016-07-13"))["dob"] == (
        "one part different"
    )


def test_a_slipped_date_outweighs_another_part_different(model: LinkageModel) -> None:
    """A day apart or the year one out is the commoner slip and rarer between two children."""
    weights = dict(zip((lv.label for lv in DOB.levels), model.level_weights("dob"), strict=True))
    assert weights["a slip"] > weights["one part different"] + 1


def test_twins_born_either_side_of_midnight_stay_apart(model: LinkageModel) -> None:
    twin = replace(CHILD, given_names="Maja", date_of_birth="2015-03-08")
    found = model.compare(model.features(CHILD), model.features(twin))
    assert {lv.comparison: lv.label for lv in found.levels}["dob"] == "a slip"
    assert found.guard is not None and "twins" in found.guard
    assert not linked(model, CHILD, twin)


def test_a_different_date_of_birth_counts_against(model: LinkageModel) -> None:
    other = replace(CHILD, date_of_birth="2011-10-22")
    found = model.compare(model.features(CHILD), model.features(other))
    dob = next(level for level in found.levels if level.comparison == "dob")
    assert dob.label == "different"
    assert dob.weight < 0


def test_a_move_in_the_same_district_and_the_same_school(model: LinkageModel) -> None:
    moved = replace(CHILD, postcode="KF3 9ZZ", address="2 Other Road")
    found = levels(model, CHILD, moved)
    assert found["place"] == "same district"
    assert found["school"] == "same"
    assert linked(model, CHILD, moved)


def test_the_same_adults_in_the_household(model: LinkageModel) -> None:
    a = replace(CHILD, adults=("Beata Szymańska",))
    b = replace(CHILD, adults=("Beata Szymanska", "Robert Szymanski"), postcode=None)
    assert levels(model, a, b)["adults"] == "shared adult"


def test_twins_are_held_apart_however_much_else_they_share(model: LinkageModel) -> None:
    twin = replace(CHILD, given_names="Maja")
    found = model.compare(model.features(CHILD), model.features(twin))
    assert found.guard is not None
    assert "twins" in found.guard
    assert not linked(model, CHILD, twin)


def test_twins_of_opposite_sex_with_one_nickname_between_them(model: LinkageModel) -> None:
    alexander = replace(CHILD, given_names="Alexander", sex="M")
    alexandra = replace(CHILD, given_names="Alex", sex="F")
    found = model.compare(model.features(alexander), model.features(alexandra))
    assert found.guard == "different sexes"


def test_different_nhs_numbers_are_different_people(model: LinkageModel) -> None:
    a = replace(CHILD, nhs_number="9434765919")
    b = replace(CHILD, nhs_number="9434765870")
    assert model.compare(model.features(a), model.features(b)).guard == "different NHS numbers"


def test_a_shared_nhs_number_outweighs_a_new_name(model: LinkageModel) -> None:
    a = replace(CHILD, nhs_number="9434765919", given_names="Baby Girl")
    b = replace(CHILD, nhs_number="9434765919", given_names="Zofia")
    found = model.compare(model.features(a), model.features(b))
    assert found.guard is None
    assert found.match_probability >= UPPER


def test_a_vague_record_does_not_chain_twins_into_one_person(model: LinkageModel) -> None:
    rows = [
        model.features(CHILD),
        model.features(replace(CHILD, given_names="Maja")),
        model.features(replace(CHILD, given_names=None, source_agency="public")),
    ]
    # The vague record scores above the threshold against both twins.
    edges = []
    for i, j in ((0, 2), (1, 2)):
        found = model.compare(rows[i], rows[j])
        assert found.guard is None
        edges.append((i, j, found.match_weight))
    labels, refused = cluster(rows, edges)
    assert labels[0] != labels[1]
    assert refused == 1


def test_twins_with_similar_names_each_well_attested_stay_apart(model: LinkageModel) -> None:
    lily = [model.features(replace(CHILD, given_names="Lily", postcode=p)) for p in ("A", "B", "C")]
    lila = [model.features(replace(CHILD, given_names="Lila", postcode=p)) for p in ("D", "E", "F")]
    rows = lily + lila
    edges = [(0, 1, 20.0), (1, 2, 20.0), (3, 4, 20.0), (4, 5, 20.0), (2, 3, 15.0)]
    labels, _ = cluster(rows, edges)
    assert len({labels[i] for i in (0, 1, 2)}) == 1
    assert labels[0] != labels[3]
    # A single slip ("Lila" once) joins the person it was keyed for.
    labels, _ = cluster([*lily, lila[0]], [(0, 1, 20.0), (1, 2, 20.0), (2, 3, 15.0)])
    assert len(set(labels)) == 1


def test_a_persons_decision_that_two_are_different_is_never_overruled(model: LinkageModel) -> None:
    rows = [model.features(CHILD), model.features(replace(CHILD, source_agency="police"))]
    labels, refused = cluster(rows, [(0, 1, 30.0)], cannot=[(0, 1)])
    assert labels[0] != labels[1]
    assert refused == 1
    labels, _ = cluster(rows, [], must=[(0, 1)])
    assert labels[0] == labels[1]


def test_placeholder_names_are_no_name(model: LinkageModel) -> None:
    for name in ("Baby Boy", "Baby Gril", "Unborn", "Baby"):
        assert model.features(replace(CHILD, given_names=name))["given"] is None


def test_a_slip_one_agency_copies_into_every_record_is_attested_once(
    model: LinkageModel,
) -> None:
    ruta = [
        model.features(replace(CHILD, given_names="Ruta", postcode=p, source_agency=s))
        for p, s in (("A", "health"), ("B", "education"), ("C", "early_years"))
    ]
    rtua = [model.features(replace(CHILD, given_names="Rtua", postcode=p)) for p in "DEF"]
    rows = ruta + rtua
    edges = [(0, 1, 20.0), (1, 2, 20.0), (3, 4, 20.0), (4, 5, 20.0), (2, 3, 15.0)]
    one_agency = [frozenset({a}) for a in ("health", "education", "early_years")]
    labels, _ = cluster(rows, edges, sources=[*one_agency, *[frozenset({"police"})] * 3])
    assert len(set(labels)) == 1  # police's "Rtua", three times over, is one slip
    # Twins whose similar names several agencies each attest stay apart.
    labels, _ = cluster(rows, edges, sources=[*one_agency, *one_agency])
    assert labels[0] != labels[3]


def test_a_mistyped_postcode_still_finds_the_same_home_in_batch(model: LinkageModel) -> None:
    vague = replace(CHILD, given_names="Zoffia", family_name=None, date_of_birth=None)
    slipped = block_values(model.features(replace(vague, postcode="KF3 6BU")))
    home = block_values(model.features(CHILD))
    assert {k for k, v in slipped.items() if v and v == home[k]} == {"k_da"}
    assert home["k_da"] == "KF3|35 sallow house"
    assert block_values(model.features(replace(vague, address=None)))["k_da"] is None
    assert not any(k.startswith("k_da:") for k in model.blocking_keys(model.features(CHILD)))


def test_a_partial_date_of_birth_meets_its_year_in_batch(model: LinkageModel) -> None:
    """A record with only the year of birth shares a key with the same year and name sound
    ("Ed Hilll 2012-03" and "Edward Hill 2012-03-27"), in batch only, and only where one of
    the two has no full date."""
    full = replace(CHILD, given_names="Edward", family_name="Hill", date_of_birth="2012-03-27")
    partial = replace(full, given_names="Ed", family_name="Hilll", date_of_birth="2012-03")
    partial = replace(partial, postcode=None, address=None, school_urn=None)
    a, b = block_values(model.features(full)), block_values(model.features(partial))
    assert {k for k, v in a.items() if v and v == b[k]} == {"k_yf"}
    assert (a["k_yfp"], b["k_yfp"]) == (None, b["k_yf"])  # only the partial date's record
    assert not any(
        k.startswith(("k_yf:", "k_yg:")) for k in model.blocking_keys(model.features(full))
    )
    rules = [
        r["blocking_rule"] for r in settings("duckdb")["blocking_rules_to_generate_predictions"]
    ]
    assert {'l."k_yfp" = r."k_yf"', 'l."k_yf" = r."k_yfp"'} <= set(rules)
    assert 'l."k_yf" = r."k_yf"' not in rules


def test_an_identity_sent_by_several_agencies_is_one_row_with_every_source() -> None:
    # Features ignore only the source: the key that spares repeats their features holds the rest.
    assert len(_held(CHILD)) == len(fields(CHILD)) - 1
    police = replace(CHILD, source_agency="police")
    prepared = prepare([CHILD, police, replace(police, sex="M")], {})
    assert prepared.row_of == [0, 0, 1]
    assert prepared.sources is not None
    assert prepared.sources[0] == {"health", "police"}
