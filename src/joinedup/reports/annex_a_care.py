"""Annex A List 8 (children in care) and List 10 (adoption), from the periods of care on cases.

A period of care is a case's `cla_episode` step (from the child becoming looked after to the
reason it ceased); its placements, reviews and visits are the case's steps within it. The
SSDA903 fields (placement provider, URN, UASC, category of need, legal status changes, missing
episodes) are read with `.get`: a field casework does not record is left blank, never guessed.
"""

from __future__ import annotations

from datetime import date

from joinedup.casework import steps as casework_steps
from joinedup.reports import annex_a_labels as L
from joinedup.reports.annex_a_lists import Context, Row, legal_statuses, primary_need
from joinedup.reports.annex_a_read import StepRow

ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
FOSTERING_FOR_ADOPTION = frozenset({"U2", "U5"})
ADOPTED = frozenset({"E11", "E12"})


def records_missing() -> bool:
    """Whether casework records missing episodes (the SSDA903 `missing` step)."""
    return "missing" in casework_steps.MODELS


def records_adoption_decisions() -> bool:
    """Whether casework records decisions to place for adoption (the SSDA903 step)."""
    return "adoption_decision" in casework_steps.MODELS


def _within(ctx: Context, episode: StepRow, kind: str) -> list[StepRow]:
    """The case's steps of `kind` begun during the period of care, oldest first."""
    end = episode.completed_on or ctx.as_of
    return [s for s in ctx.work.of(episode.case_id, kind)
            if episode.started_on <= s.started_on <= end]  # fmt: skip


def _last_done(ctx: Context, episode: StepRow, kind: str) -> date | None:
    end = episode.completed_on or ctx.as_of
    days = [
        s.completed_on
        for s in ctx.work.of(episode.case_id, kind)
        if s.done and s.completed_on is not None and episode.started_on <= s.completed_on <= end
    ]
    return max((d for d in days if d is not None), default=None)


def _uasc(ctx: Context, person_id: int) -> bool:
    for kind in ("cla_episode", "placement"):
        for s in ctx.child_steps(person_id, kind):
            ended = s.completed_on if s.done else None
            if s.details.get("uasc") is True and (ended is None or ended >= ctx.since12):
                return True
    return any(s.done and ctx.in12(s.completed_on) and "9A" in (s.details.get("factors") or [])
               for s in ctx.child_steps(person_id, "assessment"))  # fmt: skip


def _missing(ctx: Context, person_id: int, kind: str) -> int | None:
    if not records_missing():
        return None
    count = 0
    for s in ctx.child_steps(person_id, "missing"):
        began = s.details.get("started_on") or s.started_on.isoformat()
        if s.details.get("missing") == kind and ctx.in12(date.fromisoformat(str(began))):
            count += 1
    return count


def _placements_in_year(ctx: Context, person_id: int) -> int:
    return sum(
        s.started_on <= ctx.as_of
        and (not s.done or (s.completed_on is not None and s.completed_on >= ctx.since12))
        for s in ctx.child_steps(person_id, "placement")
    )


def list8(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    for case in ctx.work.cases.values():
        for episode in ctx.work.of(case.id, "cla_episode"):
            ceased = episode.completed_on if episode.done else None
            if not ctx.active6(episode.started_on, ceased):
                continue
            pid = case.person_id
            placements = _within(ctx, episode, "placement")
            place = placements[-1] if placements else None
            pd = place.details if place else {}
            end = ceased or ctx.as_of
            statuses = [(day, code) for day, code in legal_statuses(ctx, case.id)
                        if episode.started_on <= day <= end]  # fmt: skip
            need = (episode.details.get("category_of_need")
                    or (placements[0].details.get("category_of_need") if placements else None)
                    or primary_need(ctx, case.id))  # fmt: skip
            again = any(ctx.since12 <= e.started_on < episode.started_on
                        for e in ctx.child_steps(pid, "cla_episode"))  # fmt: skip
            rows.append((pid, (
                L.YES if _uasc(ctx, pid) else L.NO, ctx.disabled(pid), episode.started_on,
                L.label(L.PRIMARY_NEED, need), L.YES if again else L.NO,
                statuses[-1][0] if statuses else None,
                L.label(L.LEGAL_STATUS, statuses[-1][1]) if statuses else None,
                _last_done(ctx, episode, "cla_review"), _last_done(ctx, episode, "visit"),
                None, None, None, None,  # permanence plan, IRO, health, dental: not recorded
                _placements_in_year(ctx, pid), ceased,
                L.label(L.REASON_CEASED, episode.outcome) if ceased else None,
                place.started_on if place else None,
                L.label(L.PLACEMENT_TYPE, pd.get("placement_type")),
                L.label(L.PLACEMENT_PROVIDER, pd.get("placement_provider")),
                pd.get("placement_postcode") or None, pd.get("urn") or None,
                None, None,  # placement location and its authority: not derived
                _missing(ctx, pid, "M"), _missing(ctx, pid, "A"),
                None, None,  # return interviews: not recorded
                *ctx.allocated(case.id))))  # fmt: skip
    return rows


def _day(value: object) -> date | None:
    """A date kept in a step's details (ISO text); none when absent."""
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _decision(ctx: Context, episode: StepRow) -> dict[str, object] | None:
    """The latest decision to place for adoption recorded in the period of care by `as_of`
    (SSDA903 `adoption_decision` steps, when casework records them)."""
    found = [s for s in _within(ctx, episode, "adoption_decision") if s.done]
    return dict(found[-1].details) if found else None


def list10(ctx: Context) -> list[Row]:
    """Children on the adoption pathway in the last 12 months, as far as casework shows it: a
    decision to place for adoption (or its reversal), placed for adoption (A3–A6), under a
    placement order (E1), or adopted (E11, E12). The values start
    at the disability column; `annex_a` puts the blank family identifier before the child's."""
    chosen: dict[int, tuple[Row, date]] = {}
    for case in ctx.work.cases.values():
        for episode in ctx.work.of(case.id, "cla_episode"):
            ceased = episode.completed_on if episode.done else None
            if episode.started_on > ctx.as_of or (ceased is not None and ceased < ctx.since12):
                continue
            placements = _within(ctx, episode, "placement")
            placed = [
                p.started_on
                for p in placements
                if p.details.get("placement_type") in ADOPTION_PLACEMENTS
            ]
            ffa = [
                p.started_on
                for p in placements
                if p.details.get("placement_type") in FOSTERING_FOR_ADOPTION
            ]
            end = ceased or ctx.as_of
            order = [
                day
                for day, code in legal_statuses(ctx, case.id)
                if code == "E1" and episode.started_on <= day <= end
            ]
            adopted = ceased if episode.outcome in ADOPTED else None
            decision = _decision(ctx, episode)
            if not (placed or order or adopted or decision):
                continue
            decided = _day(decision.get("decided_on") if decision else None)
            reversed_on = _day(decision.get("ceased_on") if decision else None)
            reason = str(decision.get("reason_placed_ceased")) if decision and reversed_on else None
            row = (case.person_id, (
                ctx.disabled(case.person_id), episode.started_on,
                decided or _day(episode.details.get("adoption_decided_on")),
                order[0] if order else None,
                _day(episode.details.get("adoption_matched_on")) if adopted else None,
                placed[0] if placed else None, adopted, reversed_on,
                L.label(L.NO_LONGER_PLACED, reason), ffa[0] if ffa else None))  # fmt: skip
            known = chosen.get(case.person_id)
            if known is None or known[1] < episode.started_on:
                chosen[case.person_id] = (row, episode.started_on)
    return [row for row, _ in chosen.values()]
