"""A prompt's answer, and what it sets going: a contact at the front door, or the open case.

The rules domain ends the prompt (outcome and rationale); casework raises the contact. One call,
one transaction: a prompt is never marked "contact created" without its contact, nor "added to
the case" when the child has no open case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.casework import contacts
from joinedup.casework import service as casework
from joinedup.casework.chronicle import Authority
from joinedup.casework.views import Referrer
from joinedup.core.errors import FieldError, ValidationFailed
from joinedup.rules import service as rules
from joinedup.rules.models import Prompt

# A contact a prompt makes is raised by the authority's own children's social care: the DfE
# referral source "5A" (LA services: social care), as RETURNS.md lists it.
PROMPT_REFERRAL_SOURCE = "5A"


def decide_prompt(
    *,
    session: Session,
    actor: Actor,
    authority: Authority,
    prompt_id: int,
    outcome: str,
    rationale: str,
    now: datetime,
) -> Prompt:
    """Answer a prompt; "contact_created" raises the contact, "added_to_case" needs the case."""
    prompt = rules.decide_prompt(session=session, actor=actor, prompt_id=prompt_id,
                                 outcome=outcome, rationale=rationale, now=now)  # fmt: skip
    if outcome == "contact_created":
        contact = contacts.raise_contact(
            session=session,
            actor=actor,
            authority=authority,
            person_id=prompt.person_id,
            source_kind="prompt",
            referral_source=PROMPT_REFERRAL_SOURCE,
            referrer=Referrer(
                actor.label, authority.name, "childrens_social_care", "through Joined Up"
            ),
            summary=f"A Joined Up prompt ({prompt.rule_id}): {prompt.explanation} "
            f"Decision: {prompt.rationale}",
            received_at=now,
            prompt_id=prompt.id,
            now=now,
        )
        prompt.contact_id = contact.id
    elif outcome == "added_to_case":
        case_id = casework.open_case_of(session, prompt.person_id)
        if case_id is None:
            message = "the child has no open case here: create a contact instead"
            raise ValidationFailed("The prompt cannot be added to a case",
                                   [FieldError("outcome", message)])  # fmt: skip
        prompt.case_id = case_id
    session.flush()
    return prompt
