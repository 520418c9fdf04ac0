"""Two-factor sign-in in a real browser: setting up an authenticator on the first sign-in (the QR
code drawn as inline SVG under the strict content security policy), then signing in with a code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import Engine
from tests.factories.sign_in import PASSWORD, make_user

from joinedup.testing import FrozenClock

pytestmark = pytest.mark.browser
SignIn = Callable[..., None]


def test_a_person_sets_up_two_factor_then_signs_in_with_a_code(
    page: Page, sign_in: SignIn, seeded: dict[str, Any], clean_engine: Engine
) -> None:
    server_now = FrozenClock().now()  # the live server's clock stands still at this moment
    make_user(clean_engine, server_now)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    sign_in(page, "k.osei", PASSWORD)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    qr = page.locator("#qr-code svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box() is not None and qr.bounding_box()["width"] >= 100  # type: ignore[index]
    assert Axe().run(page).violations_count == 0
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct code")
    assert page.locator("#secret-key").inner_text().replace(" ", "") == secret
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(server_now))
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "k.osei", PASSWORD)
    expect(
        page.get_by_role("heading", name="Enter the code from your authenticator app")
    ).to_be_visible()
    # The server's clock stands still, so the code just used cannot be used again: the app's
    # next code (one step ahead, inside the drift window) signs in.
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(server_now + timedelta(seconds=30)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Home", level=1)).to_be_visible()
    page.goto("/account")
    expect(page.get_by_text("On: a code from your authenticator app")).to_be_visible()
    assert problems == []  # no script errors and no content-security-policy refusals
