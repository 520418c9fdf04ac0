"""The statutory pathway as one table: which action, with which outcome, moves a case where.

Anything not in the table is refused with `InvalidTransition`, naming the stage and the actions
the stage allows. The table is the single source of truth for the services, the pages (which
offer only the actions the table allows) and the state-machine test.
"""

from __future__ import annotations

from joinedup.core.errors import InvalidTransition

# -- contacts at the front door ----------------------------------------------------------------

RECEIVED, AWAITING_SIGNOFF, DECIDED = "received", "awaiting_signoff", "decided"
CONTACT_STATUSES = (RECEIVED, AWAITING_SIGNOFF, DECIDED)
# The decision on a contact, and what follows it.
NFA, EARLY_HELP, REFERRAL, STRATEGY, OPEN_CASE = (
    "no_further_action",
    "early_help",
    "referral",
    "strategy_discussion",
    "open_case",
)
CONTACT_DECISIONS = {
    NFA: "No further action",
    EARLY_HELP: "Early help",
    OPEN_CASE: "Add to the child's open case, for the allocated worker",
    REFERRAL: "Referral to children's social care: child and family assessment",
    STRATEGY: "Referral with a strategy discussion (reasonable cause to suspect significant harm)",
}
OPENS_CASE = frozenset({REFERRAL, STRATEGY})
CONTACT_TRANSITIONS: dict[tuple[str, str], str] = {
    (RECEIVED, "triage"): RECEIVED,
    (RECEIVED, "request_information"): RECEIVED,
    (RECEIVED, "decide"): AWAITING_SIGNOFF,
    (AWAITING_SIGNOFF, "sign_off"): DECIDED,
    (AWAITING_SIGNOFF, "return"): RECEIVED,  # the manager sends the decision back
    (AWAITING_SIGNOFF, "request_information"): AWAITING_SIGNOFF,
    (DECIDED, "send_outcome"): DECIDED,
}
SOURCE_KINDS = {
    "partner": "A partner agency's concern",
    "prompt": "A Joined Up prompt",
    "public": "A member of the public or the family",
    "other_authority": "Another local authority",
}
URGENCIES = ("red", "amber", "green")

# -- cases -------------------------------------------------------------------------------------

ASSESSMENT = "assessment"
SECTION47 = "section47"
AWAITING_CONFERENCE = "awaiting_conference"
CHILD_IN_NEED = "child_in_need"
CHILD_PROTECTION = "child_protection"
LOOKED_AFTER = "looked_after"
CLOSED = "closed"
STAGES = {
    ASSESSMENT: "Referral: child and family assessment",
    SECTION47: "Section 47 enquiry",
    AWAITING_CONFERENCE: "Awaiting the initial child protection conference",
    CHILD_IN_NEED: "Child in need",
    CHILD_PROTECTION: "Child protection plan",
    LOOKED_AFTER: "Looked after",
    CLOSED: "Closed",
}
OPEN_STAGES = tuple(s for s in STAGES if s != CLOSED)

# (stage, action, outcome) -> the next stage. An action with no outcome uses "".
TRANSITIONS: dict[tuple[str, str, str], str] = {
    (ASSESSMENT, "save_assessment", ""): ASSESSMENT,
    (ASSESSMENT, "complete_assessment", "child_in_need"): CHILD_IN_NEED,
    (ASSESSMENT, "complete_assessment", "no_further_action"): ASSESSMENT,
    (ASSESSMENT, "complete_assessment", "early_help"): ASSESSMENT,
    (ASSESSMENT, "strategy_discussion", "section47"): SECTION47,
    (ASSESSMENT, "strategy_discussion", "no_section47"): ASSESSMENT,
    (CHILD_IN_NEED, "strategy_discussion", "section47"): SECTION47,
    (CHILD_IN_NEED, "strategy_discussion", "no_section47"): CHILD_IN_NEED,
    (SECTION47, "save_assessment", ""): SECTION47,
    (SECTION47, "complete_assessment", "child_in_need"): SECTION47,
    (SECTION47, "complete_assessment", "no_further_action"): SECTION47,
    (SECTION47, "strategy_discussion", "section47"): SECTION47,  # the ICPC clock restarts
    (SECTION47, "complete_section47", "conference"): AWAITING_CONFERENCE,
    (SECTION47, "complete_section47", "child_in_need"): CHILD_IN_NEED,
    (SECTION47, "complete_section47", "not_substantiated"): ASSESSMENT,
    (AWAITING_CONFERENCE, "save_assessment", ""): AWAITING_CONFERENCE,
    (AWAITING_CONFERENCE, "complete_assessment", "child_in_need"): AWAITING_CONFERENCE,
    (AWAITING_CONFERENCE, "complete_assessment", "no_further_action"): AWAITING_CONFERENCE,
    (AWAITING_CONFERENCE, "book_conference", ""): AWAITING_CONFERENCE,
    (AWAITING_CONFERENCE, "initial_conference", "plan"): CHILD_PROTECTION,
    (AWAITING_CONFERENCE, "initial_conference", "child_in_need"): CHILD_IN_NEED,
    (AWAITING_CONFERENCE, "initial_conference", "no_further_action"): ASSESSMENT,
    (CHILD_PROTECTION, "core_group", ""): CHILD_PROTECTION,
    (CHILD_PROTECTION, "visit", ""): CHILD_PROTECTION,
    (CHILD_PROTECTION, "book_conference", ""): CHILD_PROTECTION,
    (CHILD_PROTECTION, "review_conference", "continue"): CHILD_PROTECTION,
    (CHILD_PROTECTION, "review_conference", "end_plan"): CHILD_IN_NEED,
    (CHILD_PROTECTION, "start_looked_after", ""): LOOKED_AFTER,
    (CHILD_IN_NEED, "cin_plan", ""): CHILD_IN_NEED,
    (CHILD_IN_NEED, "cin_review", "continue"): CHILD_IN_NEED,
    (CHILD_IN_NEED, "cin_review", "end"): CHILD_IN_NEED,  # then close
    (CHILD_IN_NEED, "visit", ""): CHILD_IN_NEED,
    (ASSESSMENT, "start_looked_after", ""): LOOKED_AFTER,
    (CHILD_IN_NEED, "start_looked_after", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "placement", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "legal_status", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "missing", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "cla_outcomes", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "adoption_decision", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "visit", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "cla_review", ""): LOOKED_AFTER,
    (LOOKED_AFTER, "end_looked_after", ""): CHILD_IN_NEED,
    (ASSESSMENT, "close", ""): CLOSED,
    (CHILD_IN_NEED, "close", ""): CLOSED,
    # Mid-enquiry or awaiting the conference only on a transfer to another authority (RC5):
    # `work._close` refuses any other reason there.
    (SECTION47, "close", ""): CLOSED,
    (AWAITING_CONFERENCE, "close", ""): CLOSED,
    # The assessment opened at the referral runs on to its end whatever the stage meanwhile.
    **{
        (stage, action, outcome): stage
        for stage in (CHILD_IN_NEED, CHILD_PROTECTION, LOOKED_AFTER)
        for action, outcome in (
            ("save_assessment", ""),
            ("complete_assessment", "child_in_need"),
            ("complete_assessment", "no_further_action"),
        )
    },
    **{(stage, "oversight", ""): stage for stage in OPEN_STAGES},
    **{(stage, "allocate", ""): stage for stage in OPEN_STAGES},
}

ACTION_TITLES = {
    "save_assessment": "Save the assessment",
    "complete_assessment": "Complete the child and family assessment",
    "strategy_discussion": "Record a strategy discussion",
    "complete_section47": "Record the outcome of the section 47 enquiry",
    "book_conference": "Book a conference",
    "initial_conference": "Record the initial child protection conference",
    "core_group": "Record a core group meeting",
    "visit": "Record a visit",
    "review_conference": "Record a review conference",
    "start_looked_after": "The child becomes looked after",
    "placement": "Record a placement",
    "legal_status": "Record a change of legal status (the placement stays)",
    "missing": "Record the child missing or away from placement",
    "cla_outcomes": "Record the year's health and outcomes (12 months looked after)",
    "adoption_decision": "Record the decision to place for adoption (or its reversal)",
    "cla_review": "Record a looked-after review",
    "end_looked_after": "The child stops being looked after",
    "cin_plan": "Record the child in need plan",
    "cin_review": "Record a child in need review",
    "close": "Close the case",
    "oversight": "Record management oversight or supervision",
    "allocate": "Allocate the case",
}


def outcomes(stage: str, action: str) -> list[str]:
    """The outcomes `action` may have at `stage` ([] when the stage does not allow it)."""
    return [o for (s, a, o) in TRANSITIONS if s == stage and a == action]


def actions(stage: str) -> list[str]:
    """The actions a stage allows, in the table's order."""
    return list(dict.fromkeys(a for (s, a, _) in TRANSITIONS if s == stage))


def next_stage(stage: str, action: str, outcome: str = "") -> str:
    """The stage after `action` with `outcome`, or InvalidTransition naming what is allowed."""
    try:
        return TRANSITIONS[(stage, action, outcome)]
    except KeyError:
        allowed = outcomes(stage, action)
        title = ACTION_TITLES.get(action, action)
        if not allowed:
            raise InvalidTransition(
                f"'{title}' is not allowed at the stage '{STAGES.get(stage, stage)}'; "
                f"allowed: {', '.join(ACTION_TITLES.get(a, a) for a in actions(stage)) or 'none'}"
            ) from None
        raise InvalidTransition(
            f"'{outcome}' is not an outcome of '{title}' at the stage "
            f"'{STAGES.get(stage, stage)}'; allowed: {', '.join(o or '(none)' for o in allowed)}"
        ) from None


def next_contact_status(status: str, action: str) -> str:
    try:
        return CONTACT_TRANSITIONS[(status, action)]
    except KeyError:
        allowed = [a for (s, a) in CONTACT_TRANSITIONS if s == status]
        raise InvalidTransition(
            f"'{action}' is not allowed for a contact that is '{status}'; "
            f"allowed: {', '.join(allowed) or 'none'}"
        ) from None
