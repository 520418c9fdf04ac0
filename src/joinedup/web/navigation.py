"""Navigation by role: a link is shown only to the roles the access policy lets use its page."""

from __future__ import annotations

from dataclasses import dataclass

from joinedup.access.policy import Action, permits
from joinedup.access.roles import Role


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    needs: Action | None = None  # None: every signed-in person
    description: str = ""


LINKS: tuple[Link, ...] = (
    Link("Home", "/"),
    Link(
        "Find a child",
        "/children",
        Action.CHILDREN_SEARCH,
        "Search by name, date of birth, postcode, NHS number or unique pupil number.",
    ),
    Link(
        "Raise a concern",
        "/concerns/new",
        Action.CONTACTS_RAISE,
        "Tell the front door about a child you are worried about.",
    ),
    Link(
        "Look up a child",
        "/partners/lookup",
        Action.CHILDREN_LOOKUP,
        "Check whether a child you work with is known to children's social care, and who leads.",
    ),
    Link(
        "Front door",
        "/front-door",
        Action.CONTACTS_TRIAGE,
        "Triage contacts, ask partners what they know, decide and sign off.",
    ),
    Link(
        "Prompts",
        "/prompts",
        Action.PROMPTS_DECIDE,
        "Questions about children whose concerns add up across agencies, waiting for an answer.",
    ),
    Link(
        "Deadlines",
        "/deadlines",
        Action.CASES_READ,
        "What is due and overdue on cases, partners' replies and oversight.",
    ),
    Link(
        "Escalations",
        "/escalations",
        Action.ESCALATIONS_RAISE,
        "Challenge a decision you disagree with, and follow it through the partnership's stages.",
    ),
    Link(
        "Early help",
        "/early-help",
        Action.EARLY_HELP_READ,
        "Help below the threshold for social care, led by a professional from any agency.",
    ),
    Link(
        "Workforce",
        "/workforce",
        Action.WORKFORCE_READ,
        "Caseloads against caps, vacancies, agency use and spend, changes of social worker.",
    ),
    Link(
        "Performance",
        "/dashboard",
        Action.REPORTS_READ,
        "Contacts, referrals, timeliness, child protection and looked-after figures by month.",
    ),
    Link(
        "Case audits",
        "/case-audits",
        Action.CASE_AUDITS_CONDUCT,
        "Audit a sample of cases against practice standards; moderation, actions and themes.",
    ),
    Link(
        "Serious incidents",
        "/incidents",
        Action.INCIDENTS_MANAGE,
        "Notification to the national panel, rapid reviews, local reviews and learning.",
    ),
    Link(
        "Records received",
        "/records",
        Action.RECORDS_READ,
        "See the records that partner agencies have sent, with their subjects and history.",
    ),
    Link(
        "Identity review",
        "/people/review",
        Action.PEOPLE_REVIEW,
        "Decide whether records the matching was unsure of are about the same person.",
    ),
    Link(
        "Audit log",
        "/audit",
        Action.AUDIT_READ,
        "See who looked at or changed what, and every access that was refused.",
    ),
    Link(
        "Information governance",
        "/governance",
        Action.GOVERNANCE_RETENTION,
        "Who looked at a child, what an account looked at, retention, holds and subject access.",
    ),
    Link(
        "Sharing register",
        "/sharing-register",
        Action.SHARING_READ,
        "Every disclosure of a child's information, and every decision not to share.",
    ),
    Link(
        "Inbox",
        "/inbox",
        Action.INBOX_READ,
        "Notifications for you and your organisation.",
    ),
    Link(
        "Your account",
        "/account",
        None,
        "Check who you are signed in as, or sign out on every device.",
    ),
)


def links_for(role: Role) -> list[Link]:
    return [link for link in LINKS if link.needs is None or permits(role, link.needs)]


def _within(link: Link, path: str) -> bool:
    """A page below the link's own (a record below the list): the link is active, not current."""
    return link.href != "/" and path.startswith(link.href + "/")


def navigation_for(role: Role | None, path: str) -> list[dict[str, object]]:
    """Items for the GOV.UK service navigation; none before signing in."""
    if role is None:
        return []
    return [
        {
            "text": link.text,
            "href": link.href,
            "current": path == link.href,
            "active": _within(link, path),
        }
        for link in links_for(role)
    ]
