"""Case audit pages: drawing a round, the auditor's form, moderation, actions, the dashboard."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from tests.functional.web.test_casework_pages import audit, post_form
from tests.functional.web.test_web_pages import signed_in
from tests.unit.quality.support import case

from joinedup.db.session import unit_of_work
from joinedup.quality.models import CaseAudit, QualityAction

GRADED = {
    **{
        f"{k}-grade": "good"
        for k in ("child_seen", "seen_alone", "risk_analysis", "oversight", "timeliness", "plan")
    },
    "voice-grade": "inadequate",
    **{
        f"{k}-comment": "Checked against the record."
        for k in (
            "child_seen",
            "seen_alone",
            "voice",
            "risk_analysis",
            "oversight",
            "timeliness",
            "plan",
        )
    },
    "overall": "good",
    "overall_comment": "Good work, but the child's voice is missing.",
}


def cases(engine: Engine, n: int = 6, manager: str = "manager.holder") -> None:
    from joinedup.access.roles import Actor, Role

    holder = Actor(Role.TEAM_MANAGER, manager, None)
    with unit_of_work(engine) as session:
        for i in range(n):
            case(session, "child_in_need" if i % 2 else "looked_after", manager=holder)


def draw(client: TestClient, **changes: str) -> str:
    signed_in(client, "head.of.service")
    data = {"title": "Winter 2026", "method": "random", "size": "2", "seed": "7", **changes}
    done = post_form(client, "/case-audits", "/case-audits", **data)
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


def first_audit(engine: Engine) -> CaseAudit:
    with unit_of_work(engine, write=False) as session:
        row = session.scalars(select(CaseAudit).order_by(CaseAudit.id)).first()
        assert row is not None
        session.expunge(row)
        return row


def version(page: str, action: str) -> str:
    form = page.split(f'action="{action}"', 1)[1]
    found = re.search(r'name="version" value="(\d+)"', form)
    assert found
    return found.group(1)


def test_a_round_is_drawn_graded_moderated_and_shown_on_the_dashboard(
    client: TestClient, clean_engine: Engine
) -> None:
    cases(clean_engine)
    where = draw(client)
    page = client.get(where).text
    assert "<code>7</code>" in page and "Drawn from</dt>" in page
    assert page.count("/case-audits/cases/") == 2  # one of each stratum: 3 and 3 cases
    audit_row = first_audit(clean_engine)
    path = f"/case-audits/cases/{audit_row.id}"

    signed_in(client, "iro")
    form = client.get(path).text
    done = post_form(
        client, path, f"{path}/grades", version=version(form, f"{path}/grades"), **GRADED
    )
    assert done.status_code == 303
    page = client.get(path).text
    assert "Awaiting moderation, audited by iro" in page

    # The auditor may not moderate their own audit.
    own = post_form(
        client,
        path,
        f"{path}/moderation",
        outcome="agreed",
        version=version(page, f"{path}/moderation"),
    )
    assert own.status_code == 409 and "second auditor" in own.text

    signed_in(client, "head.of.service")
    page = client.get(path).text
    done = post_form(
        client,
        path,
        f"{path}/moderation",
        outcome="changed",
        grade="inadequate",
        reasons="The child's voice is absent from every visit.",
        version=version(page, f"{path}/moderation"),
    )
    assert done.status_code == 303
    page = client.get(path).text
    assert "Changed to Inadequate: The child&#39;s voice is absent" in page

    dashboard = client.get("/dashboard").text
    grades = dashboard.split('id="audit-grades"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"Inadequate</th>\s*<td[^>]*>1</td>\s*<td[^>]*>100%", grades)
    themes = dashboard.split('id="audit-themes-standard"', 1)[1].split("</table>", 1)[0]
    assert re.search(r"voice is recorded</th>\s*<td[^>]*>1</td>\s*<td[^>]*>1</td>", themes)
    assert re.search(r"Winter 2026</th>\s*<td[^>]*>1</td>\s*<td[^>]*>1</td>", dashboard)
    assert ("iro", "permitted") in audit(clean_engine, "case_audits:conduct")


def test_the_form_names_each_missing_grade_and_comment(
    client: TestClient, clean_engine: Engine
) -> None:
    cases(clean_engine)
    draw(client)
    path = f"/case-audits/cases/{first_audit(clean_engine).id}"
    signed_in(client, "iro")
    form = client.get(path).text
    sent = post_form(
        client,
        path,
        f"{path}/grades",
        version=version(form, f"{path}/grades"),
        **{**GRADED, "voice-comment": "", "plan-grade": ""},
    )
    assert sent.status_code == 400
    summary = sent.text.split("govuk-error-summary", 1)[1].split("</ul>", 1)[0]
    assert 'href="#voice-comment"' in summary and 'href="#plan-grade"' in summary
    assert first_audit(clean_engine).status == "to_do"


def test_a_manager_may_not_audit_a_case_they_manage(
    client: TestClient, clean_engine: Engine
) -> None:
    cases(clean_engine, manager="team.manager")
    draw(client)
    path = f"/case-audits/cases/{first_audit(clean_engine).id}"
    signed_in(client, "team.manager")
    form = client.get(path).text
    sent = post_form(
        client, path, f"{path}/grades", version=version(form, f"{path}/grades"), **GRADED
    )
    assert sent.status_code == 409 and "hold or manage" in sent.text


def test_actions_are_added_and_completed(client: TestClient, clean_engine: Engine) -> None:
    cases(clean_engine)
    draw(client)
    path = f"/case-audits/cases/{first_audit(clean_engine).id}"
    signed_in(client, "iro")
    bad = post_form(
        client,
        path,
        f"{path}/actions",
        description="Update the plan.",
        owner="manager.holder",
        **{"due_on-day": "31", "due_on-month": "2", "due_on-year": "2027"},
    )
    assert bad.status_code == 400 and 'href="#due_on-day"' in bad.text
    done = post_form(
        client,
        path,
        f"{path}/actions",
        description="Update the plan.",
        owner="manager.holder",
        **{"due_on-day": "1", "due_on-month": "12", "due_on-year": "2026"},
    )
    assert done.status_code == 303
    listed = client.get("/case-audits/actions").text
    assert "Update the plan." in listed and "manager.holder" in listed
    with unit_of_work(clean_engine, write=False) as session:
        action = session.scalars(select(QualityAction)).one()
    complete = f"/case-audits/actions/{action.id}/complete"
    empty = post_form(
        client, path, complete, version=str(action.version), note="", audit=str(action.audit_id)
    )
    assert empty.status_code == 400 and f'href="#note-{action.id}"' in empty.text
    done = post_form(
        client,
        path,
        complete,
        version=str(action.version),
        note="Plan updated.",
        audit=str(action.audit_id),
    )
    assert done.status_code == 303
    assert "Done: Plan updated." in client.get(path).text


def test_a_round_needs_a_title_and_a_whole_number_seed(
    client: TestClient, clean_engine: Engine
) -> None:
    signed_in(client, "head.of.service")
    sent = post_form(
        client, "/case-audits", "/case-audits", title="", method="random", size="5", seed="abc"
    )
    assert sent.status_code == 400 and 'href="#seed"' in sent.text
    sent = post_form(
        client, "/case-audits", "/case-audits", title="", method="random", size="5", seed=""
    )
    assert sent.status_code == 400 and 'href="#title"' in sent.text


def test_a_social_worker_may_not_see_case_audits(client: TestClient, clean_engine: Engine) -> None:
    assert signed_in(client, "social.worker").get("/case-audits").status_code == 403
    assert ("social.worker", "refused") in audit(clean_engine, "case_audits:conduct")


def test_only_those_who_may_draw_a_round_are_offered_the_form(
    client: TestClient, clean_engine: Engine
) -> None:
    assert 'action="/case-audits"' in signed_in(client, "head.of.service").get("/case-audits").text
    page = signed_in(client, "iro").get("/case-audits")
    assert page.status_code == 200 and 'action="/case-audits"' not in page.text
