"""The security battery's injection corpus (tests/security/corpus.py) in a real browser: no
script it carries ever runs (no dialog fires in Chromium) on the pages that show it, and each
page shows the text itself. Here, not in tests/security, so it shares the browser tests' one
Chromium (their session fixtures) instead of starting another later in the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import Engine, select
from tests.factories.people import child, concern
from tests.security.conftest import figure
from tests.security.corpus import ATTRIBUTE, CORPUS, IMG, SCRIPT, SVG

from joinedup.access.roles import Actor, Role
from joinedup.config import Settings
from joinedup.db.session import unit_of_work
from joinedup.flows.intake import submit_and_resolve
from joinedup.intake.models import Mention, SourceRecord
from joinedup.intake.validation import parse_object
from joinedup.people.models import MentionLink
from joinedup.testing import FrozenClock

pytestmark = pytest.mark.browser
HOSTILE = [SCRIPT, IMG, SVG, ATTRIBUTE]


def hostile_records(engine: Engine, settings: Settings) -> tuple[int, list[int]]:
    """The corpus as records about one child, committed for the server; (child, record ids)."""
    records = [
        concern(child("Dialoga", nhs_number="9990000018"), record_id=f"dlg:{i}", summary=text,
                author={"name": text[:200], "role": "teacher"})
        for i, (_, text) in enumerate(CORPUS)
    ]  # fmt: skip
    with unit_of_work(engine) as session:
        submit_and_resolve(
            session=session,
            actor=Actor(role=Role.PARTNER_SYSTEM, label="dialog-feed"),
            parsed_records=[parse_object(r) for r in records],
            now=FrozenClock().now(),
            settings=settings,
        )
    with unit_of_work(engine, write=False) as session:
        person = session.scalar(
            select(MentionLink.person_id)
            .join(Mention, Mention.id == MentionLink.mention_id)
            .where(Mention.given_names == "Dialoga")
        )
        ids = list(
            session.scalars(select(SourceRecord.id).where(SourceRecord.record_id.like("dlg:%")))
        )
    assert person is not None and len(ids) == len(CORPUS)
    return person, ids


def test_no_dialog_fires_on_the_pages_that_show_the_corpus(
    page: Page,
    sign_in: Callable[..., None],
    seeded: dict[str, Any],
    clean_engine: Engine,
    settings: Settings,
) -> None:
    person, ids = hostile_records(clean_engine, settings)
    dialogs: list[str] = []

    def refuse(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    sign_in(page, "team.manager")
    page.evaluate("() => alert('probe')")  # the listener hears a dialog that does fire
    assert dialogs == ["probe"]
    dialogs.clear()
    paths = ["/records", f"/children/{person}", f"/children/{person}/chronology?per_page=100",
             *[f"/records/{n}" for n in ids]]  # fmt: skip
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("load")
    page.goto(f"/children/{person}/chronology?per_page=100")
    for text in HOSTILE:
        expect(page.get_by_text(text).first).to_be_attached()
    page.goto("/children?" + urlencode({"given_names": SCRIPT, "family_name": IMG}))
    page.wait_for_load_state("load")
    figure(f"Chromium: {len(paths) + 1} pages showing the corpus, dialogs fired "
           f"{len(dialogs)} (target 0)")  # fmt: skip
    assert dialogs == []
