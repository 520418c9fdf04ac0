"""The escalation's one transition table: only an open escalation moves; every resolution is
final; anything the table lacks is refused with InvalidTransition."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core.errors import InvalidTransition
from joinedup.practice.escalation_rules import STATUS_TITLES, TRANSITIONS, next_status

ACTIONS = sorted({a for _, a in TRANSITIONS} | {"reopen", "delete", ""})


@given(st.sampled_from(sorted(STATUS_TITLES)), st.sampled_from(ACTIONS))
def test_the_table_is_the_only_way_a_status_changes(status: str, action: str) -> None:
    if (status, action) in TRANSITIONS:
        assert next_status(status, action) == TRANSITIONS[(status, action)]
    else:
        with pytest.raises(InvalidTransition):
            next_status(status, action)


def test_resolutions_are_final_and_reachable_only_from_open() -> None:
    assert {s for s, _ in TRANSITIONS} == {"open"}
    assert set(TRANSITIONS.values()) == set(STATUS_TITLES)
    for final in ("upheld", "not_upheld", "withdrawn"):
        for action in ACTIONS:
            with pytest.raises(InvalidTransition, match="any more"):
                next_status(final, action)
