"""The people who use Joined Up (DOMAIN.md), plus the machine accounts that feed it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PARTNER_PRACTITIONER = "partner_practitioner"
    MASH_PRACTITIONER = "mash_practitioner"
    SOCIAL_WORKER = "social_worker"
    TEAM_MANAGER = "team_manager"
    REVIEWING_OFFICER = "reviewing_officer"
    SENIOR_LEADER = "senior_leader"
    PERFORMANCE_OFFICER = "performance_officer"
    INFORMATION_GOVERNANCE = "information_governance"
    PARTNER_SYSTEM = "partner_system"
    SYSTEM = "system"


ROLE_TITLES: dict[Role, str] = {
    Role.PARTNER_PRACTITIONER: "Partner practitioner",
    Role.MASH_PRACTITIONER: "MASH practitioner",
    Role.SOCIAL_WORKER: "Social worker",
    Role.TEAM_MANAGER: "Team manager",
    Role.REVIEWING_OFFICER: "Independent reviewing officer",
    Role.SENIOR_LEADER: "Head of service",
    Role.PERFORMANCE_OFFICER: "Performance officer",
    Role.INFORMATION_GOVERNANCE: "Information governance officer",
    Role.PARTNER_SYSTEM: "Partner system",
    Role.SYSTEM: "Joined Up (system)",
}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in person, a partner's system, or the platform's own command line.

    `label` is an account name, never a person's real name, so it may appear in logs.
    """

    role: Role
    label: str
    user_id: int | None = None
    organisation_id: int | None = None

    @classmethod
    def system(cls, label: str = "cli") -> Actor:
        return cls(role=Role.SYSTEM, label=label)
