"""The role policy: one table of which roles may take which actions.

Which children a permitted role may act on is `access.relationships` (role × relationship),
and restricted children are `access.restriction`'s; both are enforced by
`access.service.require` when the caller names the child (ADR 0012).
"""

from __future__ import annotations

from enum import StrEnum

from joinedup.access.roles import Role


class Action(StrEnum):
    RECORDS_SUBMIT = "records:submit"
    RECORDS_READ = "records:read"
    RECORDS_READ_SENSITIVE = "records:read_sensitive"
    RECORDS_READ_RESTRICTED = "records:read_restricted"
    AUDIT_READ = "audit:read"
    ACCOUNTS_MANAGE = "accounts:manage"
    PEOPLE_RESOLVE = "people:resolve"
    PEOPLE_READ = "people:read"
    PEOPLE_REVIEW = "people:review"
    PEOPLE_MERGE = "people:merge"
    CHILDREN_SEARCH = "children:search"
    CHRONOLOGY_READ = "chronology:read"
    CHRONOLOGY_MARK = "chronology:mark"
    CHRONOLOGY_EXPORT = "chronology:export"
    PROMPTS_EVALUATE = "prompts:evaluate"
    PROMPTS_READ = "prompts:read"
    PROMPTS_DECIDE = "prompts:decide"
    PROMPTS_ESCALATE = "prompts:escalate"
    SHARING_READ = "sharing:read"
    CONTACTS_RAISE = "contacts:raise"
    CONTACTS_READ = "contacts:read"
    CONTACTS_TRIAGE = "contacts:triage"
    CONTACTS_SIGN_OFF = "contacts:sign_off"
    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"
    CASES_CHAIR = "cases:chair"
    CASES_OVERSEE = "cases:oversee"
    NOTIFICATIONS_SEND = "notifications:send"
    INBOX_READ = "inbox:read"
    CHILDREN_LOOKUP = "children:lookup"
    CHILDREN_RESTRICT = "children:restrict"
    CHILDREN_READ_RESTRICTED = "children:read_restricted"
    CHILDREN_BREAK_GLASS = "children:break_glass"
    WORKFORCE_READ = "workforce:read"
    WORKFORCE_MANAGE = "workforce:manage"
    REPORTS_READ = "reports:read"
    RETURNS_EXPORT = "returns:export"
    EARLY_HELP_READ = "early_help:read"
    EARLY_HELP_WRITE = "early_help:write"
    ESCALATIONS_RAISE = "escalations:raise"
    ESCALATIONS_READ = "escalations:read"
    ESCALATIONS_RESOLVE = "escalations:resolve"
    CONSULTATIONS_RECORD = "consultations:record"
    CASE_AUDITS_MANAGE = "case_audits:manage"
    CASE_AUDITS_CONDUCT = "case_audits:conduct"
    CASE_AUDITS_MODERATE = "case_audits:moderate"
    INCIDENTS_MANAGE = "incidents:manage"
    GOVERNANCE_SUBJECT_ACCESS = "governance:subject_access"
    GOVERNANCE_RETENTION = "governance:retention"
    GOVERNANCE_DISPOSE = "governance:dispose"
    IDENTITIES_PROTECT = "identities:protect"
    SHARING_WITHHOLD = "sharing:withhold"


_PRACTICE = {
    Role.MASH_PRACTITIONER,
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.REVIEWING_OFFICER,
}

POLICY: dict[Action, frozenset[Role]] = {
    Action.RECORDS_SUBMIT: frozenset(
        {Role.PARTNER_SYSTEM, Role.PARTNER_PRACTITIONER, Role.SYSTEM, *_PRACTICE}
    ),
    Action.RECORDS_READ: frozenset({Role.SYSTEM, *_PRACTICE}),
    # Health and sexual-health detail: the roles that work the case, not the front door.
    Action.RECORDS_READ_SENSITIVE: frozenset(
        {Role.SYSTEM, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.REVIEWING_OFFICER}
    ),
    # Sealed records: named roles only. The trust issue names them; until then, nobody in the app.
    Action.RECORDS_READ_RESTRICTED: frozenset({Role.SYSTEM}),
    Action.AUDIT_READ: frozenset({Role.INFORMATION_GOVERNANCE, Role.SYSTEM}),
    Action.ACCOUNTS_MANAGE: frozenset({Role.SYSTEM}),
    # Linking the mentions of submitted records is part of submitting them.
    Action.PEOPLE_RESOLVE: frozenset(
        {Role.PARTNER_SYSTEM, Role.PARTNER_PRACTITIONER, Role.SYSTEM, *_PRACTICE}
    ),
    Action.PEOPLE_READ: frozenset({Role.SYSTEM, *_PRACTICE}),
    # Deciding whether two records are one child: the front door and the case-holding roles.
    Action.PEOPLE_REVIEW: frozenset(
        {Role.SYSTEM, Role.MASH_PRACTITIONER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
    ),
    Action.PEOPLE_MERGE: frozenset({Role.SYSTEM, Role.MASH_PRACTITIONER, Role.TEAM_MANAGER}),
    # Finding a child and reading the joined-up record: the roles that work with children's
    # social care records. Partners get a flag, never the chronology (the sharing issue).
    Action.CHILDREN_SEARCH: frozenset({Role.SYSTEM, *_PRACTICE}),
    Action.CHRONOLOGY_READ: frozenset({Role.SYSTEM, *_PRACTICE}),
    # Marking a significant event curates the chronology: the case-holding roles.
    Action.CHRONOLOGY_MARK: frozenset(
        {Role.SYSTEM, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.REVIEWING_OFFICER}
    ),
    # An export leaves the system: recorded in the audit log and the sharing register.
    Action.CHRONOLOGY_EXPORT: frozenset(
        {Role.SYSTEM, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.REVIEWING_OFFICER}
    ),
    # Rules run inside intake, as whoever submitted the records: evaluating is part of it.
    Action.PROMPTS_EVALUATE: frozenset(
        {Role.PARTNER_SYSTEM, Role.PARTNER_PRACTITIONER, Role.SYSTEM, *_PRACTICE}
    ),
    Action.PROMPTS_READ: frozenset({Role.SYSTEM, *_PRACTICE}),
    # Answering a prompt: the front door and the case-holding roles.
    Action.PROMPTS_DECIDE: frozenset(
        {Role.SYSTEM, Role.MASH_PRACTITIONER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
    ),
    Action.PROMPTS_ESCALATE: frozenset({Role.SYSTEM}),
    # The information-sharing register: what was disclosed, to whom and why.
    Action.SHARING_READ: frozenset({Role.INFORMATION_GOVERNANCE, Role.SYSTEM}),
    # Any professional may raise a concern with the front door; they do not see the case after.
    Action.CONTACTS_RAISE: frozenset({Role.PARTNER_PRACTITIONER, Role.SYSTEM, *_PRACTICE}),
    Action.CONTACTS_READ: frozenset({Role.SYSTEM, *_PRACTICE}),
    # Triage and the decision on a contact: the front door, and the managers who sign it off.
    Action.CONTACTS_TRIAGE: frozenset(
        {Role.SYSTEM, Role.MASH_PRACTITIONER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
    ),
    Action.CONTACTS_SIGN_OFF: frozenset({Role.SYSTEM, Role.TEAM_MANAGER}),
    Action.CASES_READ: frozenset({Role.SYSTEM, *_PRACTICE}),
    # The steps of a case: the case-holding roles.
    Action.CASES_WRITE: frozenset(
        {Role.SYSTEM, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.REVIEWING_OFFICER}
    ),
    # Conferences and looked-after reviews are chaired independently of the case's line.
    Action.CASES_CHAIR: frozenset({Role.SYSTEM, Role.REVIEWING_OFFICER, Role.TEAM_MANAGER}),
    # Allocation, supervision and management oversight.
    Action.CASES_OVERSEE: frozenset({Role.SYSTEM, Role.TEAM_MANAGER}),
    # A notification (Operation Encompass, CP-IS, a contact's outcome) is written by whoever's
    # work caused it, in their transaction, and recorded in the sharing register.
    Action.NOTIFICATIONS_SEND: frozenset(
        {Role.PARTNER_SYSTEM, Role.PARTNER_PRACTITIONER, Role.SYSTEM, *_PRACTICE}
    ),
    # Everyone who signs in reads their own inbox (the service filters to the reader's own).
    Action.INBOX_READ: frozenset(set(Role) - {Role.PARTNER_SYSTEM}),
    # The partner look-up: a flag for a child the partner has a legitimate relationship with.
    Action.CHILDREN_LOOKUP: frozenset({Role.PARTNER_PRACTITIONER, Role.SYSTEM}),
    # Marking a child restricted (adoption, a staff member's own family, a public figure), and
    # lifting it: managers and information governance (ADR 0012).
    Action.CHILDREN_RESTRICT: frozenset(
        {Role.SYSTEM, Role.TEAM_MANAGER, Role.INFORMATION_GOVERNANCE}
    ),
    # Seeing every restricted child: the platform only; people see one when it names them.
    Action.CHILDREN_READ_RESTRICTED: frozenset({Role.SYSTEM}),
    # Opening a child's record without a relationship, with a written reason (ADR 0012).
    Action.CHILDREN_BREAK_GLASS: frozenset(
        {Role.MASH_PRACTITIONER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.REVIEWING_OFFICER}
    ),
    # Caseloads, allocation suggestions and the workforce dashboard: the managers who allocate
    # and the senior leaders who staff the service. Teams and posts are kept by managers.
    Action.WORKFORCE_READ: frozenset({Role.SYSTEM, Role.TEAM_MANAGER, Role.SENIOR_LEADER}),
    Action.WORKFORCE_MANAGE: frozenset({Role.SYSTEM, Role.TEAM_MANAGER}),
    # The leaders' dashboard: counts and rates, no child named. Managers see their teams' figures.
    Action.REPORTS_READ: frozenset(
        {Role.SYSTEM, Role.TEAM_MANAGER, Role.SENIOR_LEADER, Role.PERFORMANCE_OFFICER}
    ),
    # Statutory returns (CIN census, SSDA903, Annex A) hold every child's record: the
    # performance officer who submits them, and the platform's own command line.
    Action.RETURNS_EXPORT: frozenset({Role.SYSTEM, Role.PERFORMANCE_OFFICER}),
    # Early help: the lead professional may come from any agency (a partner sees only the
    # episodes they lead: practice/early_help.py); the front door and case-holding roles too.
    Action.EARLY_HELP_READ: frozenset({Role.PARTNER_PRACTITIONER, Role.SYSTEM, *_PRACTICE}),
    Action.EARLY_HELP_WRITE: frozenset({Role.PARTNER_PRACTITIONER, Role.SYSTEM, *_PRACTICE}),
    # Professional challenge: any practitioner may escalate a decision they disagree with; the
    # managers and leaders resolve it (which stage each may resolve: practice/escalations.py).
    Action.ESCALATIONS_RAISE: frozenset(
        {Role.PARTNER_PRACTITIONER, Role.SENIOR_LEADER, Role.SYSTEM, *_PRACTICE}
    ),
    Action.ESCALATIONS_READ: frozenset(
        {
            Role.SYSTEM,
            Role.MASH_PRACTITIONER,
            Role.SOCIAL_WORKER,
            Role.TEAM_MANAGER,
            Role.SENIOR_LEADER,
        }
    ),
    Action.ESCALATIONS_RESOLVE: frozenset(
        {
            Role.SYSTEM,
            Role.MASH_PRACTITIONER,
            Role.SOCIAL_WORKER,
            Role.TEAM_MANAGER,
            Role.SENIOR_LEADER,
        }
    ),
    # An advice call to the front door: the front door records the concern and its advice.
    Action.CONSULTATIONS_RECORD: frozenset(
        {Role.SYSTEM, Role.MASH_PRACTITIONER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER}
    ),
    # Case audits (quality/audits.py): leaders draw a round; team managers, heads of service and
    # reviewing officers audit and moderate, never a case they hold or manage, never moderating
    # their own audit (enforced by the service, ADR 0016).
    Action.CASE_AUDITS_MANAGE: frozenset({Role.SYSTEM, Role.TEAM_MANAGER, Role.SENIOR_LEADER}),
    Action.CASE_AUDITS_CONDUCT: frozenset(
        {Role.SYSTEM, Role.TEAM_MANAGER, Role.SENIOR_LEADER, Role.REVIEWING_OFFICER}
    ),
    Action.CASE_AUDITS_MODERATE: frozenset(
        {Role.SYSTEM, Role.TEAM_MANAGER, Role.SENIOR_LEADER, Role.REVIEWING_OFFICER}
    ),
    # Serious incidents: notification, rapid review, local review and learning actions. The
    # rapid review's chronology is read through the chronology service, with its own checks.
    Action.INCIDENTS_MANAGE: frozenset(
        {Role.SYSTEM, Role.TEAM_MANAGER, Role.SENIOR_LEADER, Role.REVIEWING_OFFICER}
    ),
    # Information governance (governance/): subject access exports, the retention review, legal
    # holds and disposal decisions. Disposal itself is information governance's or the platform's.
    Action.GOVERNANCE_SUBJECT_ACCESS: frozenset({Role.SYSTEM, Role.INFORMATION_GOVERNANCE}),
    Action.GOVERNANCE_RETENTION: frozenset({Role.SYSTEM, Role.INFORMATION_GOVERNANCE}),
    Action.GOVERNANCE_DISPOSE: frozenset({Role.SYSTEM, Role.INFORMATION_GOVERNANCE}),
    # Protecting an informant's identity (a referrer, a neighbour): whoever records or triages
    # the contact, and information governance.
    Action.IDENTITIES_PROTECT: frozenset(
        {
            Role.SYSTEM,
            Role.INFORMATION_GOVERNANCE,
            Role.MASH_PRACTITIONER,
            Role.SOCIAL_WORKER,
            Role.TEAM_MANAGER,
        }
    ),
    # Recording a decision not to share (the register's other half): whoever answers partners'
    # requests — the front door, the case-holding roles — and information governance.
    Action.SHARING_WITHHOLD: frozenset(
        {
            Role.SYSTEM,
            Role.INFORMATION_GOVERNANCE,
            Role.MASH_PRACTITIONER,
            Role.SOCIAL_WORKER,
            Role.TEAM_MANAGER,
            Role.REVIEWING_OFFICER,
        }
    ),
}


def permits(role: Role, action: Action) -> bool:
    return role in POLICY[action]
