"""Demonstration accounts: one per kind of person who uses Joined Up (DOMAIN.md), all synthetic.

They share one published password and have no second factor, so they exist only in demo mode:
`ensure_demo_accounts` takes the caller's `demo` flag (pass `settings.demo_accounts`) and
refuses to run without it. The display names are invented; no real person is meant.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from joinedup.access.accounts import create_user
from joinedup.access.models import User
from joinedup.access.roles import ROLE_TITLES, Actor, Role

DEMO_PASSWORD = "synthetic-demo-only"  # noqa: S105 - published on purpose; demo mode only


class DemoModeOff(RuntimeError):
    """Demo accounts were asked for while demo mode is off (JOINEDUP_DEMO_ACCOUNTS)."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    description: str

    @property
    def role_title(self) -> str:
        return ROLE_TITLES[self.role]

    @property
    def email(self) -> str | None:
        """A synthetic address (a reserved domain, RFC 2606) where notifications are e-mailed."""
        return f"{self.username}@kestrelford.example" if self.signs_in else None

    @property
    def signs_in(self) -> bool:
        """People sign in with the demo password; a partner system uses an API token instead."""
        return self.role is not Role.PARTNER_SYSTEM


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "dsl.school",
        "Ruth Adebayo-Kline",
        Role.PARTNER_PRACTITIONER,
        "Designated safeguarding lead at a primary school",
    ),
    DemoAccount(
        "pc.police",
        "PC Tomasz Whitfield",
        Role.PARTNER_PRACTITIONER,
        "Police officer, public protection unit",
    ),
    DemoAccount(
        "midwife",
        "Niamh Okafor-Bright",
        Role.PARTNER_PRACTITIONER,
        "Community midwife, maternity services (health)",
    ),
    DemoAccount(
        "mash",
        "Imogen Farrant-Oduya",
        Role.MASH_PRACTITIONER,
        "MASH practitioner at the front door",
    ),
    DemoAccount(
        "social.worker", "Declan Marwood", Role.SOCIAL_WORKER, "Social worker, assessment team"
    ),
    DemoAccount(
        "team.manager", "Saoirse Pembleton", Role.TEAM_MANAGER, "Team manager, assessment team"
    ),
    DemoAccount(
        "iro",
        "Hamish Okonjo-Reeve",
        Role.REVIEWING_OFFICER,
        "Independent reviewing officer and conference chair",
    ),
    DemoAccount(
        "head.of.service",
        "Beatrix Lannigan",
        Role.SENIOR_LEADER,
        "Head of service, children's social care",
    ),
    DemoAccount(
        "performance",
        "Kwame Ashdown-Ruiz",
        Role.PERFORMANCE_OFFICER,
        "Performance officer, statutory returns",
    ),
    DemoAccount(
        "ig.officer",
        "Philippa Strand-Mahoney",
        Role.INFORMATION_GOVERNANCE,
        "Information governance officer",
    ),
    DemoAccount(
        "police.feed",
        "Police records feed",
        Role.PARTNER_SYSTEM,
        "The police force's system, which sends records through the API",
    ),
)


def ensure_demo_accounts(
    *, session: Session, actor: Actor, now: datetime, demo: bool
) -> list[DemoAccount]:
    """Create whichever demo accounts are missing (idempotent); existing ones are left as they are.

    Raises DemoModeOff unless `demo` is true; creation passes the access gate as `actor`
    (the system actor), so each new account is audited.
    """
    if not demo:
        raise DemoModeOff("demo accounts exist only in demo mode (JOINEDUP_DEMO_ACCOUNTS=true)")
    existing = set(
        session.scalars(
            select(User.username).where(User.username.in_([a.username for a in DEMO_ACCOUNTS]))
        )
    )
    for account in DEMO_ACCOUNTS:
        if account.username not in existing:
            made = create_user(
                session=session,
                actor=actor,
                username=account.username,
                display_name=account.display_name,
                role=account.role,
                password=DEMO_PASSWORD if account.signs_in else secrets.token_urlsafe(32),
                now=now,
            )
            made.email = account.email
    return list(DEMO_ACCOUNTS)
