"""The workforce dashboard: for managers and senior leaders; every chart has its table."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.functional.web.test_casework_pages import audit, referred
from tests.functional.web.test_web_pages import signed_in

from joinedup.access.roles import Actor
from joinedup.db.session import unit_of_work
from joinedup.testing import FrozenClock
from joinedup.workforce.seed import seed_demo_workforce


def test_the_dashboard_shows_rates_spend_and_a_table_beside_every_chart(
    client: TestClient, clean_engine: Engine, clock: FrozenClock
) -> None:
    referred(client, clean_engine)
    with unit_of_work(clean_engine) as session:
        seed_demo_workforce(session=session, actor=Actor.system("test"),
                            today=clock.now().date(), now=clock.now())  # fmt: skip
    page = signed_in(client, "head.of.service").get("/workforce")
    assert page.status_code == 200
    text = page.text
    assert text.count('role="presentation"') == 3  # three charts (the logo is an SVG too)
    for table in ("distribution", "spend", "changes", "caseloads"):
        assert f'<table class="govuk-table" id="{table}">' in text
    # 15 posts, 14 case-holding: 13 FTE... of which 3 vacant; 3 agency of the filled.
    assert re.search(r"Vacancy rate</dt><dd[^>]*>2[0-9]%", text)
    assert "Agency rate" in text and "£201,000" in text  # three agency posts at £67,000
    assert 'Children not allocated</dt><dd class="govuk-summary-list__value">1 ' in text
    assert ("head.of.service", "permitted") in audit(clean_engine, "workforce:read")


def test_a_social_worker_may_not_see_the_dashboard(
    client: TestClient, clean_engine: Engine
) -> None:
    assert signed_in(client, "social.worker").get("/workforce").status_code == 403
    assert ("social.worker", "refused") in audit(clean_engine, "workforce:read")
