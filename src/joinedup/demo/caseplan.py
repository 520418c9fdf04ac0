"""The home authority's episodes as casework: the steps the casework services will be asked for.

The generator draws an episode as statutory milestones (statutory.py, care.py). For the home
authority each child's share of it becomes the actions of `casework.pathway.TRANSITIONS`, in
the pathway's order, with each action's fields, who takes it, and a late reason wherever the
action falls after the deadline the services will have set (the same pure clocks,
`casework.clocks`). A milestone the pathway does not allow at the child's stage is bridged by
the steps the pathway needs (a child removed in an emergency during a section 47 enquiry has the
enquiry concluded first; a referral closed with no further action has a short assessment) or,
if nothing honest bridges it, left out and counted in `World.plan_skipped`. The counts for
truth.json are made here, from the actions planned, so they are the casework's own counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from joinedup.casework import clocks
from joinedup.casework import pathway as p
from joinedup.demo import calibration as cal
from joinedup.demo import casetext as text
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import Json
from joinedup.demo.model import Person

UK = ZoneInfo("Europe/London")
EARLY = (p.ASSESSMENT, p.SECTION47, p.AWAITING_CONFERENCE)  # where an assessment can complete
COMPLETES = {  # the open step an action completes (its lateness is judged against its due date)
    "complete_assessment": "assessment",
    "strategy_discussion": "strategy_discussion",
    "initial_conference": "initial_conference",
    "review_conference": "review_conference",
    "core_group": "core_group",
    "visit": "visit",
    "cla_review": "cla_review",
    "oversight": "oversight",
}
# Routine steps the simulation drew late are mostly kept to time by the plan (assumption: about
# one visit in twenty, one core group in thirty, one looked-after review in twenty late).
ON_TIME = {"visit": 0.85, "core_group": 0.7, "cla_review": 0.8}
CHAIRED = frozenset({"initial_conference", "review_conference", "cla_review"})
MANAGED = frozenset({"oversight", "allocate"})


@dataclass(slots=True, eq=False)
class Track:
    """One child's case (or lone contact) as the plan has it, with the deadlines it will have."""

    episode: str
    child: Person
    worker: str = ""
    stage: str = ""
    due: dict[str, date] = field(default_factory=dict)
    section47_open: bool = False
    last_strategy: date | None = None
    icpc: date | None = None
    cla: tuple[date, bool] | None = None  # became looked after on, placement intended to 18
    placed_on: date | None = None  # the current placement's start
    legal: str = ""  # the current legal status while looked after
    adoption: dict[str, int] = field(default_factory=dict)  # decided, placed (days)
    cla_reviews: list[date] = field(default_factory=list)
    lines: list[tuple[str, Json]] = field(default_factory=list)
    counts: list[tuple[int, str]] = field(default_factory=list)
    stages: list[tuple[int, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # plan ids of the statutory steps
    minutes: dict[int, int] = field(default_factory=dict)  # the last minute used on each day
    last_day: int = 0  # of the latest step planned
    adviser: str = ""  # the personal adviser of the child's leaving care support
    transfer: tuple[int, Json] | None = None  # the planned move to the children in care team


def at_time(t: Track, day: int, minute: int) -> str:
    """An instant on `day` (London), after the track's earlier steps that day."""
    minute = max(minute, t.minutes.get(day, -1) + 1)
    t.minutes[day] = minute
    moment = datetime.combine(date.fromordinal(day), time(0), UK) + timedelta(minutes=minute)
    return moment.astimezone(UTC).isoformat()


def add(t: Track, day: int, line: Json, minute: int = 9 * 60) -> str:
    plan_id = f"{t.episode}:{len(t.lines) + 1}"
    t.last_day = max(t.last_day, day)
    t.lines.append((at_time(t, day, minute), {"id": plan_id, "episode": t.episode, **line}))
    return plan_id


def contact(ctx: Ctx, child: Person, day: int, source: str, decision: str, rationale: str) -> Track:
    """A contact decided at the front door; a referral or strategy decision opens the case."""
    rng, world = ctx.plan_rng, ctx.world
    t = Track(world.plan.new_episode(), child)
    org = text.referrer_org(ctx.d, rng, source, ctx.hh.gp_index)
    received = rng.randint(8 * 60, 16 * 60)
    decided_day, minute = day, received + rng.randint(30, 150)
    if decision not in p.OPENS_CASE:  # a referral is decided that day (weekends: the duty team)
        if rng.random() < 0.08:  # some decisions that stop at the front door come late
            decided_day, minute = day + rng.choice((2, 3, 4)), rng.randint(9 * 60, 15 * 60)
        decided_day += {5: 2, 6: 1}.get(date.fromordinal(decided_day).weekday(), 0)
        if decided_day > world.end:
            decided_day, minute = day, received + rng.randint(30, 150)
    received_at = at_time(t, day, received)
    referrer = text.referrer(org, rng, source)
    kind = "public" if source in text.PUBLIC else "other_authority" if source == "6" else "partner"
    fields: Json = {
        "received_at": received_at,
        "source_kind": kind,
        "referral_source": cal.DFE_SOURCE.get(source, source),
        "referrer": referrer,
        "summary": f"Concern about the child from {referrer['organisation']}.",
        "urgency": "red" if decision == p.STRATEGY else rng.choice(("amber", "amber", "green")),
        "decision": decision,
        "rationale": rationale,
    }
    due = clocks.london_day(clocks.contact_decision_due(datetime.fromisoformat(received_at)))
    if date.fromordinal(decided_day) > due:
        fields["late_reason"] = text.late_reason(rng, "contact")
    line: Json = {"action": "contact", "child": child.pid, "fields": fields}
    t.ids.append(add(t, decided_day, line, minute))
    t.counts.append((decided_day, "contacts"))
    if decision in p.OPENS_CASE:
        _open(ctx, t, decided_day, decision == p.STRATEGY)
    return t


def _open(ctx: Ctx, t: Track, day: int, strategy: bool) -> None:
    on = date.fromordinal(day)
    t.stage = p.ASSESSMENT
    t.stages.append((day, p.ASSESSMENT))
    t.due = {"assessment": clocks.assessment_due(on), "oversight": clocks.oversight_due(on)}
    if strategy:
        t.due["strategy_discussion"] = clocks.strategy_discussion_due(on)
    t.counts.append((day, "referrals"))
    last = ctx.last_referral.get(t.child.pid)
    if last is not None and day - last < 365:
        t.counts.append((day, "re_referrals"))
    ctx.last_referral[t.child.pid] = day
    number = ctx.plan_rng.randint(0, text.WORKERS)
    t.worker = text.DEMO_WORKER if number == 0 else f"sw.assess.{number:02d}"
    allocation: Json = {
        "label": t.worker,
        "team": text.ASSESSMENT_TEAM,
        "manager_label": text.DEMO_MANAGER,
    }
    act(ctx, t, day, "allocate", "", allocation)


def allowed(t: Track, action: str, outcome: str = "") -> bool:
    return (t.stage, action, outcome) in p.TRANSITIONS


def act(
    ctx: Ctx, t: Track, day: int, action: str, outcome: str = "", fields: Json | None = None
) -> bool:
    """Plan one action if the pathway allows it at the child's stage (False if not)."""
    if not allowed(t, action, outcome) or not _possible(t, action):
        return False
    if "assessment" in t.due and action != "complete_assessment":
        after = p.TRANSITIONS[(t.stage, action, outcome)]
        if after not in EARLY:  # leaving the stages where an assessment can still complete
            act(ctx, t, day, "complete_assessment", "child_in_need",
                text.assessed(ctx.plan_rng, "child_in_need", ctx.hh.tier))  # fmt: skip
            if not allowed(t, action, outcome):
                return False
    if action == "complete_assessment" and fields is not None:
        enquiry = t.stage in (p.SECTION47, p.AWAITING_CONFERENCE)
        fields = text.recorded(ctx.world.seed, t.child, day, fields, enquiry=enquiry)
    kind = COMPLETES.get(action)
    due = t.due.get(kind) if kind is not None else None
    if due is not None and day > due.toordinal() and ctx.plan_rng.random() < ON_TIME.get(action, 0):
        day = max(due.toordinal(), t.last_day)  # held by its due date after all
    on = date.fromordinal(day)
    line: Json = {"action": action, "on": on.isoformat()}
    if outcome:
        line["outcome"] = outcome
    line["fields"] = fields or {}
    line["actor"] = _actor(t, action)
    if kind is not None and kind in t.due and on > t.due[kind]:
        line["late_reason"] = text.late_reason(ctx.plan_rng, action)
    was = t.stage
    _effects(t, action, outcome, on, fields or {})
    after = p.TRANSITIONS[(t.stage, action, outcome)]
    if after != t.stage:
        t.stages.append((day, after))
    t.stage = after
    plan_id = add(t, day, line)
    if action not in (
        "visit",
        "oversight",
        "core_group",
        "allocate",
        "cla_review",
        "placement",
        "legal_status",
        "missing",
    ):
        t.ids.append(plan_id)
    for metric in _metrics(action, outcome, was):
        t.counts.append((day, metric))
    return True


def leaving_care(t: Track, day: int, attrs: Json) -> bool:
    """One step of the child's leaving care support (`demo.caseleaving`): not an action on the
    case, so the pathway does not gate it; the replay takes it to `casework.leaving_care`."""
    action, fields = str(attrs["action"]), attrs.get("fields") or {}
    assert isinstance(fields, dict)  # noqa: S101 - caseleaving writes a dict
    if action == "allocate_adviser":
        t.adviser = str(fields["label"])
    who = "manager" if action == "allocate_adviser" else t.adviser or t.worker
    line: Json = {"action": f"leaving_care:{action}", "on": date.fromordinal(day).isoformat(),
                  "fields": dict(fields), "actor": who}  # fmt: skip
    if attrs.get("late_reason"):
        line["late_reason"] = attrs["late_reason"]
    add(t, day, line)
    return True


def _actor(t: Track, action: str) -> str:
    if action in CHAIRED:
        return "chair"
    if action in MANAGED:
        return "manager"
    return t.worker


def _possible(t: Track, action: str) -> bool:
    """The services' own checks beyond the table: the step completed must be open."""
    if action == "complete_assessment":
        return "assessment" in t.due
    if action == "complete_section47":
        return t.section47_open
    if action == "initial_conference":
        return "initial_conference" in t.due
    if action == "close":
        return "assessment" not in t.due
    if action in (
        "cla_review",
        "end_looked_after",
        "placement",
        "legal_status",
        "missing",
        "cla_outcomes",
        "adoption_decision",
    ):
        return t.cla is not None
    return True


def _metrics(action: str, outcome: str, was: str) -> list[str]:
    if action == "complete_assessment":
        return ["assessments"]
    if action == "strategy_discussion":
        return ["strategy_discussions"]
    if action == "complete_section47":
        return ["section47s"]
    if action == "initial_conference" and outcome == "plan":
        return ["cp_plan_starts"]
    if action == "review_conference" and outcome == "end_plan":
        return ["cp_plan_ends"]
    if action == "start_looked_after":
        return ["cla_starts", *(["cp_plan_ends"] if was == p.CHILD_PROTECTION else [])]
    if action == "end_looked_after":
        return ["cla_ends"]
    if action == "close":  # an enquiry ended by a transfer is one of the year's too
        return ["case_closures", *(["section47s"] if was == p.SECTION47 else [])]
    return []


def _end_plan(t: Track) -> None:
    for kind in ("core_group", "visit", "review_conference"):
        t.due.pop(kind, None)
    t.icpc = None


def _effects(t: Track, action: str, outcome: str, on: date, fields: Json) -> None:
    """What the services will open and close, so later steps know their deadlines."""
    kind = COMPLETES.get(action)
    if kind is not None:
        t.due.pop(kind, None)
    if action == "strategy_discussion":
        t.last_strategy = on
        t.section47_open = t.section47_open or outcome == "section47"
    elif action == "complete_section47":
        t.section47_open = False
        if outcome == "conference":
            t.due["initial_conference"] = clocks.icpc_due(t.last_strategy or on)
    elif action == "initial_conference" and outcome == "plan":
        t.icpc = on
        t.due["core_group"] = clocks.first_core_group_due(on)
        t.due["review_conference"] = clocks.review_conference_due(on, None)
        t.due["visit"] = clocks.cp_visit_due(on)
    elif action == "core_group":
        t.due["core_group"] = clocks.next_core_group_due(on)
    elif action == "visit":
        _next_visit(t, on)
    elif action == "review_conference":
        if outcome == "continue":
            t.due["review_conference"] = clocks.review_conference_due(t.icpc or on, on)
        else:
            _end_plan(t)
    elif action == "start_looked_after":
        if t.stage == p.CHILD_PROTECTION:
            _end_plan(t)
        intended = bool(fields.get("intended_to_18"))
        t.cla, t.cla_reviews = (on, intended), []
        t.placed_on, t.legal = on, str(fields.get("legal_status") or "")
        t.due["cla_review"] = clocks.cla_review_due(on, [])
        t.due["visit"] = clocks.cla_visit_due(on, on, None, intended_to_18=intended)
    elif action == "placement" and t.cla is not None:
        intended = bool(fields.get("intended_to_18"))
        t.cla, t.placed_on = (t.cla[0], intended), on
        t.legal = str(fields.get("legal_status") or "") or t.legal
        t.due["visit"] = clocks.cla_visit_due(t.cla[0], on, None, intended_to_18=intended)
    elif action == "legal_status":
        t.legal = str(fields.get("legal_status") or "")
    elif action == "cla_review" and t.cla is not None:
        t.cla_reviews.append(on)
        t.due["cla_review"] = clocks.cla_review_due(t.cla[0], t.cla_reviews)
    elif action == "end_looked_after":
        t.cla, t.placed_on, t.legal = None, None, ""
        t.due.pop("cla_review", None)
        t.due.pop("visit", None)
    elif action == "close":
        t.due.clear()
        t.section47_open = False  # a transfer ends the enquiry with the case
    elif action == "oversight":
        t.due["oversight"] = clocks.oversight_due(on)


def _next_visit(t: Track, on: date) -> None:
    if t.stage == p.CHILD_PROTECTION:
        t.due["visit"] = clocks.cp_visit_due(on)
    elif t.stage == p.LOOKED_AFTER and t.cla is not None:
        start, intended = t.cla
        placed = t.placed_on or start
        t.due["visit"] = clocks.cla_visit_due(start, placed, on, intended_to_18=intended)
