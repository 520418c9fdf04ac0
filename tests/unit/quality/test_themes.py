"""Themes across audits: the arithmetic, and the themes read from the store."""

from __future__ import annotations

from sqlalchemy.orm import Session

from joinedup.quality import audits, themes
from joinedup.quality.themes import Graded, Share
from tests.unit.quality.support import AUDITOR, COMMENTS, GOOD, LEADER, MODERATOR, NOW, case


def graded(team: str, overall: str, round_title: str = "R1", **grades: str) -> Graded:
    return Graded(round_title, team, {**GOOD, **grades}, overall)


def test_shares_per_standard_team_and_round() -> None:
    found = themes.themes(
        [
            graded("A", "good"),
            graded("A", "inadequate", voice="inadequate", plan="requires_improvement"),
            graded("B", "requires_improvement", voice="requires_improvement"),
            graded("B", "outstanding", "R2", voice="outstanding"),
        ]
    )
    assert found.graded == 4
    assert found.overall == {
        "outstanding": 1,
        "good": 1,
        "requires_improvement": 1,
        "inadequate": 1,
    }
    standards = {s.label: (s.graded, s.weak) for s in found.by_standard}
    assert standards["The child's voice is recorded"] == (4, 2)
    assert standards["Quality of the plan"] == (4, 1)
    assert standards["The child was seen"] == (4, 0)
    assert found.by_team == [Share("A", 2, 1), Share("B", 2, 1)]
    assert found.by_round == [Share("R1", 3, 2), Share("R2", 1, 0)]
    assert found.by_round[0].share == 2 / 3


def test_no_audits_means_no_share_rather_than_zero() -> None:
    found = themes.themes([])
    assert found.graded == 0
    assert all(s.share is None for s in found.by_standard)
    assert found.by_team == []


def test_themes_from_the_store_use_the_moderated_grade(session: Session) -> None:
    case(session, team="Team A")
    case(session, team="Team B")
    row = audits.draw_round(
        session=session, actor=LEADER, title="Spring", method="random", size=2, seed=1, now=NOW
    )
    a, b = audits.get_round(session=session, actor=AUDITOR, round_id=row.id).audits
    for audit, voice in ((a, "inadequate"), (b, "good")):
        audits.submit(
            session=session,
            actor=AUDITOR,
            audit_id=audit.id,
            grades={**GOOD, "voice": voice},
            comments=COMMENTS,
            overall="good",
            overall_comment="Fine.",
            expected_version=audit.version,
            now=NOW,
        )
    audits.moderate(
        session=session,
        actor=MODERATOR,
        audit_id=a.id,
        outcome="changed",
        grade="inadequate",
        reasons="The child's voice is absent.",
        expected_version=a.version,
        now=NOW,
    )
    found = themes.read(session)
    assert (found.graded, found.moderated, found.changed) == (2, 1, 1)
    assert found.overall["inadequate"] == 1 and found.overall["good"] == 1
    voice = next(s for s in found.by_standard if s.label == "The child's voice is recorded")
    assert (voice.graded, voice.weak) == (2, 1)
    weak_team = a.team
    assert {s.label: s.weak for s in found.by_team} == {
        "Team A": int(weak_team == "Team A"),
        "Team B": int(weak_team == "Team B"),
    }
    only = themes.read(session, team="Team B")
    assert only.graded == 1
