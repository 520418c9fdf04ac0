"""Information governance's pages: reports, retention, holds and subject access, as pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from tests.functional.web.test_web_pages import signed_in
from tests.unit.governance.support import Family, family

from joinedup.access.roles import Actor
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.governance.models import LegalHold
from joinedup.sharing.models import Disclosure
from joinedup.testing import FrozenClock


def _family(engine: Engine, feed: Actor, clock: FrozenClock, settings: Settings) -> Family:
    with unit_of_work(engine) as session:
        return family(session, feed, clock, settings)


def _token(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/governance").text)
    assert found
    return found.group(1)


def test_the_reports_and_the_review_list_for_information_governance_only(
    client: TestClient, clean_engine: Engine, feed_actor: Actor, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    known = _family(clean_engine, feed_actor, clock, settings)
    worker = signed_in(client, "social.worker")
    assert worker.get("/governance").status_code == 403
    # Refused before the input is read: no form, no error summary for those it does not serve.
    assert worker.get("/governance/who-looked?person=ten").status_code == 403
    assert worker.get(f"/governance/who-looked?person={known.child}").status_code == 403
    assert worker.get("/governance/retention").status_code == 403
    client.cookies.clear()
    ig = signed_in(client, "ig.officer")
    hub = ig.get("/governance")
    assert hub.status_code == 200 and "Who looked at a child" in hub.text
    looked = ig.get(f"/governance/who-looked?person={known.child}")
    assert looked.status_code == 200
    assert "police-feed" in looked.text  # the feed's submission named the child
    bad = ig.get("/governance/who-looked?person=ten")
    assert bad.status_code == 400
    assert "There is a problem" in bad.text and 'href="#person"' in bad.text
    due = ig.get("/governance/retention?as_of=2041-04-07")
    assert due.status_code == 200
    assert f'href="/governance/who-looked?person={known.child}">{known.child}</a>' in due.text
    dates = ig.get("/governance/activity?account=ig.officer&since=2026-13-01&until=2026-11-01")
    assert dates.status_code == 400 and 'href="#since"' in dates.text
    seen = ig.get("/governance/activity?account=ig.officer&since=2020-01-01&until=2030-01-01")
    assert seen.status_code == 200 and "naming" in seen.text


def test_a_hold_and_a_subject_access_export_from_the_pages(
    client: TestClient, clean_engine: Engine, feed_actor: Actor, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    known = _family(clean_engine, feed_actor, clock, settings)
    ig = signed_in(client, "ig.officer")
    token = _token(ig)
    missing = ig.post("/governance/holds", data={"csrf_token": token, "person": str(known.child),
                                                 "reason": " "})  # fmt: skip
    assert missing.status_code == 400 and 'href="#reason"' in missing.text
    form = {"csrf_token": token, "person": str(known.child), "reason": "Inquiry."}
    held = ig.post("/governance/holds", data=form, follow_redirects=False)
    assert held.status_code == 303
    export = ig.post("/governance/subject-access",
                     data={"csrf_token": token, "sar_person": str(known.child)})  # fmt: skip
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    assert "Alexander" in export.text and "Mariusz" not in export.text
    with clean_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(LegalHold)) == 1
        assert connection.scalar(select(func.count()).select_from(Disclosure)) == 1
