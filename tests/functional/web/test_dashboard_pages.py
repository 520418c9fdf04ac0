"""The leaders' dashboard as pages: every chart with its table, filters that explain a bad
value, the CSV of every figure, and a refusal for roles without reports:read."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.functional.web.test_casework_pages import audit, referred
from tests.functional.web.test_people_review import text_of
from tests.functional.web.test_web_pages import signed_in

TRENDS = ("contacts", "referrals", "assessments", "enquiries", "cp_plans", "looked_after",
          "prompts", "early_help")  # fmt: skip


def test_a_head_of_service_sees_each_chart_with_its_table(
    client: TestClient, clean_engine: Engine
) -> None:
    referred(client, clean_engine)  # a concern today (23 November 2026), referred
    page = signed_in(client, "head.of.service").get("/dashboard")
    assert page.status_code == 200
    html = page.text
    assert html.count('role="presentation"') == len(TRENDS)  # the logo is an SVG too
    for table in (*TRENDS, "overdue-teams", "overdue-agencies", "prompts-by-rule"):
        assert re.search(f'<table class="govuk-table[^"]*" id="{table}">', html), table
    words = text_of(html)
    assert "Showing December 2025 to November 2026 for every team" in words
    assert "November 2026 1 1 1 100%" in words  # contacts: received, due, in time, share
    assert "JOINEDUP_CHILD_POPULATION" in words  # no population set: rates need it
    assert "<script>" not in html and "onclick" not in html
    assert ("head.of.service", "permitted") in audit(clean_engine, "reports:read")
    home = text_of(client.get("/").text)
    assert "Performance Contacts, referrals, timeliness" in home


def test_an_empty_store_renders_with_zeros(client: TestClient, clean_engine: Engine) -> None:
    page = signed_in(client, "performance").get("/dashboard?from=2026-01&to=2026-11")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Nothing overdue." in words and "No prompts in the period." in words
    assert "Caseloads are shown to the roles that may read the workforce dashboard" in words


def test_a_bad_filter_is_explained_on_the_page(client: TestClient, clean_engine: Engine) -> None:
    signed_in(client, "head.of.service")
    for query, message in (
        ("from=2026-13", "Enter the first month as a year and month, for example 2026-04"),
        ("from=last+year", "Enter the first month as a year and month"),
        ("to=2027-01", "The last month cannot be after this month"),
        ("from=2026-11&to=2026-01", "The first month must not be after the last month"),
        ("from=2019-01&to=2026-11", "Choose at most 60 months"),
        ("team=Nobody", "Choose a team from the list"),
    ):
        page = client.get(f"/dashboard?{query}")
        assert page.status_code == 400, query
        words = text_of(page.text)
        assert "There is a problem" in words and message in words, query
    assert client.get("/dashboard.csv?to=soon").status_code == 400


def test_the_csv_holds_every_figure_with_the_same_filters(
    client: TestClient, clean_engine: Engine
) -> None:
    referred(client, clean_engine)
    answer = signed_in(client, "head.of.service").get("/dashboard.csv?from=2026-10&to=2026-11")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="dashboard-2026-10-to-2026-11.csv"' in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["figure", "month or label", "measure", "value"]
    assert ["referrals", "2026-11", "Referrals", "1"] in rows
    assert ["referrals", "2026-10", "Referrals", "0"] in rows
    assert ["contacts", "2026-11", "Within 1 working day (share)", "1"] in rows
    assert ["filter", "", "from", "2026-10"] in rows
    assert {r[1] for r in rows if r[0] == "referrals"} == {"2026-10", "2026-11"}
    assert ("head.of.service", "permitted") in audit(clean_engine, "reports:read")


def test_a_social_worker_may_not_see_the_dashboard(
    client: TestClient, clean_engine: Engine
) -> None:
    signed_in(client, "social.worker")
    assert client.get("/dashboard").status_code == 403
    assert client.get("/dashboard.csv").status_code == 403
    assert ("social.worker", "refused") in audit(clean_engine, "reports:read")
    assert "Performance" not in text_of(client.get("/").text)
