"""The demand page: three years of synthetic referrals forecast with a band and back-tested;
a series with no history says so; a social worker may not see it."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert
from tests.functional.web.test_web_pages import signed_in

from joinedup.casework.models import Case
from joinedup.db.session import unit_of_work
from joinedup.people.models import Person


def history(engine: Engine) -> None:
    """Referrals every month from November 2023 to October 2026, seasonal, each closed after
    about three months."""
    now = datetime(2026, 11, 23, tzinfo=UTC)
    rows, n = [], 0
    for k in range(36):
        month = date(2023 + (10 + k) // 12, (10 + k) % 12 + 1, 1)
        for i in range(int(40 + 10 * math.sin(2 * math.pi * k / 12) + k / 3)):
            n += 1
            referred = month + timedelta(days=i % 28)
            closed = referred + timedelta(days=80 + i % 30)
            rows.append({"id": n, "person_id": n, "stage": "closed", "referral_on": referred,
                         "closed_on": closed if closed < now.date() else None,
                         "referral_source": "1A", "opened_at": now, "updated_at": now,
                         "version": 1})  # fmt: skip
    for r in rows:
        if r["closed_on"] is None:
            r["stage"] = "child_in_need"
    with unit_of_work(engine) as session:
        session.execute(insert(Person), [{"id": r["id"], "kind": "child", "created_at": now}
                                         for r in rows])  # fmt: skip
        session.execute(insert(Case), rows)


def test_the_forecast_has_a_band_a_backtest_and_a_table(
    client: TestClient, clean_engine: Engine
) -> None:
    history(clean_engine)
    page = signed_in(client, "head.of.service").get("/workforce/demand")
    assert page.status_code == 200
    text = page.text
    assert '<table class="govuk-table" id="referrals">' in text
    assert '<table class="govuk-table" id="open-cases-at-month-end">' in text
    assert "November 2026" in text and "October 2027" in text
    assert text.count("Back-test: over the last 12 months") == 2  # referrals and open cases
    assert "Nothing recorded yet." in text  # no contacts in this store
    assert text.count("<polygon") == 2


def test_a_social_worker_may_not_see_demand(client: TestClient, clean_engine: Engine) -> None:
    assert signed_in(client, "social.worker").get("/workforce/demand").status_code == 403
