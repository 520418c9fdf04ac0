"""The identity review queue and person pages: decided by a person, audited, and reversible."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.factories.people import person_of, task_row, unsure_pair
from tests.functional.web.test_web_pages import signed_in

from joinedup.access.models import AuditEntry
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock


@pytest.fixture
def task_id(
    client: TestClient, clean_engine: Engine, settings: Settings, clock: FrozenClock
) -> int:
    return unsure_pair(clean_engine, settings, clock)


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def text_of(page: str) -> str:
    """The page's words without tags or runs of space, for asserting what a person reads."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def post(client: TestClient, path: str, page_path: str, **data: str) -> Any:
    token = csrf_of(client.get(page_path).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def audit(engine: Engine, action: str) -> list[AuditEntry]:
    with unit_of_work(engine, write=False) as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list(session.scalars(query))


def decisions(engine: Engine) -> list[tuple[str, str | None, str | None]]:
    """(who, why, what) of each review decision or reopening in the audit log."""
    return [
        (e.actor_label, e.reason, e.detail.get("decision"))
        for e in audit(engine, "people:review")
        if e.detail.get("decision")
    ]


def test_the_queue_lists_open_tasks_with_agency_match_and_strength(
    client: TestClient, task_id: int
) -> None:
    page = signed_in(client, "mash").get("/people/review")
    assert page.status_code == 200
    assert 'href="/people/review"' in page.text.split("govuk-service-navigation__list")[1]
    words = text_of(page.text)
    assert f"Task {task_id}" in words and "Showing 1 to 1 of 1" in words
    assert "Concern from police" in words
    row = task_row(client.app.state.engine, task_id)  # type: ignore[attr-defined]
    assert f"{row['match_probability'] * 100:.1f}%" in words
    assert re.search(r"\d+\.\d% (strong|possible|very strong)", words)
    assert f'href="/people/review/{task_id}"' in page.text
    assert f'href="/people/{row["candidate_person_id"]}"' in page.text
    confirmed = client.get("/people/review?status=confirmed")
    assert "There are no confirmed review tasks." in text_of(confirmed.text)
    assert f"Task {task_id}" in text_of(client.get("/people/review?status=all").text)
    assert "Showing 1 to 1" in text_of(client.get("/people/review?status=nonsense").text)


def test_the_task_shows_both_records_and_each_comparison_in_words(
    client: TestClient, task_id: int
) -> None:
    page = signed_in(client, "mash").get(f"/people/review/{task_id}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Date of birth 7 May 2016 7 April 2016" in words  # side by side, in words
    assert "Postcode ZZ9 9ZZ ZZ1 1ZZ" in words
    assert "Agency Police Police" in words
    assert "What the matching found" in words and "Match probability when raised" in words
    assert "Dates of birth with one of day, month or year different" in words
    assert re.search(r"(Strong|Some) evidence (for|against)", words)
    assert re.search(r"Date of birth .*? [+\u2212]\d+\.\d\d", words)
    assert 'name="rationale"' in page.text and "Confirm: same person" in words


def test_a_decision_without_a_rationale_is_refused_and_nothing_is_written(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "mash")
    path = f"/people/review/{task_id}"
    answer = post(client, f"{path}/decision", path, decision="confirm", rationale="   ")
    assert answer.status_code == 422
    assert "govuk-error-summary" in answer.text and 'href="#rationale"' in answer.text
    assert "Enter why you decided this" in answer.text
    assert "<title>Error: Review task" in answer.text
    assert task_row(clean_engine, task_id)["status"] == "open"
    assert decisions(clean_engine) == []
    no_choice = post(client, f"{path}/decision", path, rationale="checked with school")
    assert no_choice.status_code == 422 and 'href="#decision"' in no_choice.text


def test_confirm_then_reopen_with_reasons_each_audited(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "mash")
    path = f"/people/review/{task_id}"
    before = task_row(clean_engine, task_id)
    answer = post(client, f"{path}/decision", path, decision="confirm",
                  rationale="Same school <b>and</b> mother")  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == f"{path}?done=confirmed"
    row = task_row(clean_engine, task_id)
    assert row["status"] == "confirmed" and row["decided_by"] == "mash"
    assert person_of(clean_engine, row["mention_id"]) == before["candidate_person_id"]
    page = client.get(answer.headers["location"])
    words = text_of(page.text)
    assert "You confirmed that these records are the same person." in words
    assert "Decision Same person Decided by mash When 23 November 2026 09:00" in words
    assert "Same school &lt;b&gt;and&lt;/b&gt; mother" in page.text  # escaped, not markup
    refused = post(client, f"{path}/reopen", path, reason="")
    assert refused.status_code == 422 and 'href="#reason"' in refused.text
    again = post(client, f"{path}/decision", path, decision="reject", rationale="no")
    assert again.status_code == 409 and "govuk-error-summary" in again.text
    assert "cannot be rejected" in again.text and 'href="#outcome"' in again.text
    reopened = post(client, f"{path}/reopen", path, reason="The school was wrong")
    assert reopened.status_code == 303
    row = task_row(clean_engine, task_id)
    assert row["status"] == "open" and row["merge_id"] is None
    assert person_of(clean_engine, row["mention_id"]) == before["person_id"]
    words = text_of(client.get(f"{path}?done=reopened").text)
    assert "Reason given: The school was wrong" in words and "Your decision" in words
    assert decisions(clean_engine) == [
        ("mash", "Same school <b>and</b> mother", "confirm"),
        ("mash", "The school was wrong", "reopen"),
    ]


def test_reject_shows_in_the_rejected_filter(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "team.manager")
    path = f"/people/review/{task_id}"
    answer = post(client, f"{path}/decision", path, decision="reject", rationale="Twin brother")
    assert answer.status_code == 303
    assert task_row(clean_engine, task_id)["status"] == "rejected"
    listed = text_of(client.get("/people/review?status=rejected").text)
    assert f"Task {task_id}" in listed and "Different people" in listed
    assert "There are no open review tasks." in text_of(client.get("/people/review").text)


@pytest.mark.parametrize("username", ["dsl.school", "ig.officer", "iro"])
def test_the_queue_is_refused_to_roles_that_may_not_review_and_is_not_in_their_menu(
    client: TestClient, task_id: int, clean_engine: Engine, username: str
) -> None:
    home = signed_in(client, username).get("/")
    assert "/people/review" not in home.text
    for path in ("/people/review", f"/people/review/{task_id}"):
        assert client.get(path).status_code == 403
    refused = [e for e in audit(clean_engine, "people:review") if e.outcome == "refused"]
    assert [e.actor_label for e in refused] == [username, username]


def test_unknown_tasks_and_forged_forms(client: TestClient, task_id: int) -> None:
    signed_in(client, "mash")
    for path in ("/people/review/999999", "/people/review/abc", "/people/review/" + "9" * 30):
        assert client.get(path).status_code == 404
    forged = client.post(
        f"/people/review/{task_id}/decision",
        data={"csrf_token": "forged", "decision": "confirm", "rationale": "x"},
    )
    assert forged.status_code == 403 and "Your form could not be sent" in forged.text


def test_a_person_page_shows_identities_links_with_provenance_and_merges(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "mash")
    path = f"/people/review/{task_id}"
    post(client, f"{path}/decision", path, decision="confirm", rationale="Same GP")
    person = task_row(clean_engine, task_id)["candidate_person_id"]
    page = client.get(f"/people/{person}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Alexander Testperson" in words and f"Child, person {person}" in words
    assert "7 April 2016" in words and "7 May 2016" in words  # both identities over time
    assert "Confirmed by a practitioner" in words and "mash" in words
    assert f"merged into person {person}" in words and "Undo this merge" in words
    assert "Merge with another person" in words


def test_undoing_a_confirmed_merge_reopens_its_task(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "mash")
    path = f"/people/review/{task_id}"
    post(client, f"{path}/decision", path, decision="confirm", rationale="Same GP")
    row = task_row(clean_engine, task_id)
    person = f"/people/{row['candidate_person_id']}"
    undo = f"/people/merges/{row['merge_id']}/undo"
    empty = post(client, undo, person, person_id=str(row["candidate_person_id"]), reason="")
    assert empty.status_code == 422
    assert f'href="#undo-reason-{row["merge_id"]}"' in empty.text
    done = post(client, undo, person, person_id=str(row["candidate_person_id"]), reason="Wrong")
    assert done.status_code == 303 and done.headers["location"] == f"{person}?done=unmerged"
    assert "Undone" in text_of(client.get(done.headers["location"]).text)
    assert task_row(clean_engine, task_id)["status"] == "open"
    twice = post(client, undo, person, person_id=str(row["candidate_person_id"]), reason="x")
    assert twice.status_code == 409 and "already undone" in twice.text
    assert [e.reason for e in audit(clean_engine, "people:merge")] == ["Wrong"]


def test_merging_asks_for_confirmation_and_can_be_undone(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    row = task_row(clean_engine, task_id)
    this, other = row["person_id"], row["candidate_person_id"]
    signed_in(client, "team.manager")
    page = f"/people/{this}"
    form = {"into_person_id": str(other), "reason": "Health visitor confirms"}
    asked = post(client, f"{page}/merge", page, **form)
    assert asked.status_code == 200
    assert f"Are person {this} and person {other} the same person?" in text_of(asked.text)
    assert task_row(clean_engine, task_id)["status"] == "open"  # nothing merged yet
    assert audit(clean_engine, "people:merge") == []
    merged = post(client, f"{page}/merge", page, confirmed="yes", **form)
    assert (
        merged.status_code == 303 and merged.headers["location"] == f"/people/{other}?done=merged"
    )
    assert person_of(clean_engine, row["mention_id"]) == other
    words = text_of(client.get(page).text)
    assert f"This person was merged into person {other}" in words
    (entry,) = audit(clean_engine, "people:merge")
    assert (entry.actor_label, entry.reason, entry.resource_ids) == (
        "team.manager", "Health visitor confirms", [this, other]
    )  # fmt: skip
    gone = {"into_person_id": "987654", "reason": "x", "confirmed": "yes"}
    assert post(client, f"/people/{other}/merge", f"/people/{other}", **gone).status_code == 422
    again = post(client, f"/people/{this}/merge", f"/people/{other}", confirmed="yes", **form)
    assert again.status_code == 409 and "govuk-error-summary" in again.text


@pytest.mark.parametrize(
    ("into", "reason", "message"),
    [
        ("", "x", "Enter the number of the person to merge with"),
        ("abc", "x", "Person number must be a number"),
        ("SELF", "x", "Enter the number of another person, not this one"),
        ("987654", "x", "There is no person with that number"),
        ("OTHER", "", "Enter why these are the same person"),
    ],
)
def test_the_merge_form_names_each_problem(
    client: TestClient, task_id: int, clean_engine: Engine, into: str, reason: str, message: str
) -> None:
    row = task_row(clean_engine, task_id)
    into = into.replace("SELF", str(row["person_id"]))
    into = into.replace("OTHER", str(row["candidate_person_id"]))
    signed_in(client, "mash")
    page = f"/people/{row['person_id']}"
    answer = post(client, f"{page}/merge", page, into_person_id=into, reason=reason)
    assert answer.status_code == 422 and "govuk-error-summary" in answer.text
    assert message in answer.text
    assert audit(clean_engine, "people:merge") == []


def test_a_merge_against_a_recorded_decision_is_a_conflict_not_a_fault(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    signed_in(client, "mash")
    path = f"/people/review/{task_id}"
    post(client, f"{path}/decision", path, decision="reject", rationale="Different mothers")
    row = task_row(clean_engine, task_id)
    page = f"/people/{row['person_id']}"
    answer = post(client, f"{page}/merge", page, confirmed="yes",
                  into_person_id=str(row["candidate_person_id"]), reason="Sure")  # fmt: skip
    assert answer.status_code == 409
    assert "a decision on record says these are different people" in answer.text


def test_a_social_worker_reads_persons_but_may_not_merge(
    client: TestClient, task_id: int, clean_engine: Engine
) -> None:
    row = task_row(clean_engine, task_id)
    signed_in(client, "social.worker")
    page = f"/people/{row['person_id']}"
    shown = client.get(page)
    assert shown.status_code == 200 and "Merge with another person" not in shown.text
    refused = post(client, f"{page}/merge", page, confirmed="yes",
                   into_person_id=str(row["candidate_person_id"]), reason="Sure")  # fmt: skip
    assert refused.status_code == 403
    assert [e.outcome for e in audit(clean_engine, "people:merge")] == ["refused"]
    assert client.get("/people/999999").status_code == 404
