"""Each child's share of a home-authority episode, milestone by milestone, as casework steps.

`episode` turns the milestones statutory.py and care.py drew (already cut where the family left,
casefile.py) into `caseplan.act` calls for each child; `contact` does the same for a contact that
stops at the front door. `flush` writes a household's plans once all its records are made, so
that each child is named by a record of their own; counts for truth.json are applied then.
"""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING

from joinedup.casework import pathway as p
from joinedup.core.dfe_codes import TRANSFERRED
from joinedup.core.workdays import is_working_day
from joinedup.demo import casecare, caseleaving
from joinedup.demo import caseplan as plan
from joinedup.demo import casetext as text
from joinedup.demo.context import Ctx
from joinedup.demo.emitter import UNBORN_RANK, Json
from joinedup.demo.model import Person

if TYPE_CHECKING:
    from joinedup.demo.statutory import Episode, Step

ADULT_DAYS = 6574  # 18 years
TRANSFER_AFTER_CARE = (5, 20)  # days from care to the children in care team's worker

ORDER = {
    "contact_outcome": 0,
    "referral": 0,
    "strategy_discussion": 1,
    "assessment": 2,
    "section47": 3,
    "cla_start": 4,
    "cla_legal": 5,
    "cla_move": 5,
    "cla_missing": 8,
    "cla_adoption": 5,
    "cla_outcomes": 8,
    "cp_conference": 5,
    "cp_plan_start": 5,
    "core_group": 6,
    "note": 7,
    "oversight": 8,
    "cla_end": 9,
    "cp_plan_end": 9,
    "case_closed": 10,
    "leaving_care": 11,
}
ASSESSED = {
    "not_in_need": "no_further_action",
    "early_help": "early_help",
    "child_in_need": "child_in_need",
    "child_protection_conference": "child_in_need",
}
CONCLUDED = {"icpc_convened": "conference", "child_in_need": "child_in_need"}
MULTIPLE = ["NEG", "EMO"]
CONTACT_DECISIONS = {
    "no_further_action": (p.NFA, "Checks completed; no role for children's social care."),
    "information_and_advice": (p.NFA, "Information and advice given to the referrer."),
    "early_help": (p.EARLY_HELP, "Below threshold; family offered early help support."),
    "already_open": (p.NFA, "The child's case is open: passed to the allocated worker."),
}


def contact(ctx: Ctx, day: int, child: Person, source: str, outcome: str) -> str:
    """A contact that stops at the front door; returns its plan id."""
    decision, rationale = CONTACT_DECISIONS[outcome]
    t = plan.contact(ctx, child, day, source, decision, rationale)
    ctx.plan_tracks.append(t)
    return t.ids[0]


def episode(ep: Episode, steps: list[Step]) -> None:
    ctx = ep.ctx
    steps = steps + _core_groups(ep) + _oversight(ep)
    for child in ep.children:
        mine = [
            s
            for s in steps
            if s.child is child or (s.child is None and s.day - child.dob < ADULT_DAYS)
        ]
        mine = casecare.after_care(ep, child, mine + casecare.care_steps(ep, child))
        mine += caseleaving.steps(ep, child)
        days = _days(mine)
        mine.sort(key=lambda s: (days[id(s)], ORDER.get(s.rtype, 7)))
        first = next((s for s in mine if s.rtype == "referral"), None)
        if first is None:
            continue
        if _still_open(ctx, child, first.day):
            _skip(ctx, "referral_while_open")
            continue
        strategy = any(s.rtype == "strategy_discussion" and s.day - first.day <= 3 for s in mine)
        source = str((first.attrs or {}).get("referral_source", "10"))
        decision = p.STRATEGY if strategy else p.REFERRAL
        t = plan.contact(ctx, child, first.day, source, decision, first.text)
        for s in mine:
            _transfer_due(ctx, t, days[id(s)])
            done = s.rtype in ("referral", "contact_outcome", "cp_plan_start")  # with the contact
            if not done and not _step(ctx, t, s, days[id(s)], mine):
                _skip(ctx, s.rtype if s.rtype != "note" else s.kind)
        _transfer_due(ctx, t, ctx.world.end)
        ctx.plan_tracks.append(t)
        ctx.plan_last[child.pid] = t
        ep.ids.extend(t.ids)


def _days(mine: list[Step]) -> dict[int, int]:
    """When each milestone is recorded: a section 47 enquiry when it concludes (no later than the
    conference it convenes), everything else on its day."""
    days = {id(s): s.day for s in mine}
    conferences = sorted(s.day for s in mine if s.rtype == "cp_conference")
    for s in mine:
        if s.rtype == "section47":
            concluded = s.day + s.lag
            later = [c for c in conferences if c >= s.day]
            days[id(s)] = min(concluded, later[0]) if later else concluded
    return days


def _still_open(ctx: Ctx, child: Person, day: int) -> bool:
    last = ctx.plan_last.get(child.pid)
    if last is None or not last.stages:
        return False
    closed_on, stage = last.stages[-1]
    return stage != p.CLOSED or closed_on >= day


def _skip(ctx: Ctx, what: str) -> None:
    ctx.world.plan_skipped[what] = ctx.world.plan_skipped.get(what, 0) + 1


def _step(ctx: Ctx, t: plan.Track, s: Step, day: int, mine: list[Step]) -> bool:
    rng, attrs, r = ctx.plan_rng, s.attrs or {}, s.rtype
    if r == "assessment":
        outcome = ASSESSED[str(attrs["outcome"])]
        if t.stage != p.ASSESSMENT and outcome == "early_help":
            outcome = "no_further_action"
        return plan.act(
            ctx, t, day, "complete_assessment", outcome, text.assessed(rng, outcome, ctx.hh.tier)
        )
    if r == "strategy_discussion":
        outcome = "section47" if attrs.get("outcome") == "section47_enquiry" else "no_section47"
        return plan.act(
            ctx,
            t,
            day,
            "strategy_discussion",
            outcome,
            {"attendees": text.attendees(ctx.d, rng), "reasons": s.text},
        )
    if r == "section47":
        outcome = CONCLUDED.get(str(attrs["outcome"]), "not_substantiated")
        return plan.act(ctx, t, day, "complete_section47", outcome, {"findings": s.text})
    if r == "cp_conference":
        return _conference(ctx, t, s, day, mine)
    if r == "cp_plan_end":
        return attrs.get("outcome") != "transferred_to_other_authority" or _transfer(ctx, t, day)
    if r == "cla_start":
        return _looked_after(ctx, t, s, day)
    if r == "cla_end":
        reason = str(attrs.get("reason") or attrs.get("outcome"))
        ending: Json = {"reason_ceased": reason, "notes": s.text}
        if reason in casecare.ADOPTION and t.cla is not None:
            start = t.cla[0].toordinal()
            ending.update(casecare.adoption_fields(ctx, t.child, day, start, t.adoption))
        elif "decided" in t.adoption and not _adoption_reversed(ctx, t, day, reason):
            return False
        return plan.act(ctx, t, day, "end_looked_after", "", ending)
    if r == "case_closed":
        return _close(ctx, t, s, day)
    if r == "leaving_care":
        return plan.leaving_care(t, day, attrs)
    if r == "core_group":
        return t.stage != p.CHILD_PROTECTION or plan.act(
            ctx,
            t,
            day,
            "core_group",
            "",
            {"attendees": text.attendees(ctx.d, rng), "notes": s.text},
        )
    if r == "oversight":
        return t.stage in ("", p.CLOSED) or plan.act(
            ctx,
            t,
            day,
            "oversight",
            "",
            {
                "kind": s.kind,
                "risk_analysis": s.text,
                "decisions": "Plan agreed; next steps recorded on the case.",
            },
        )
    if r == "note" and s.kind == "VIS":
        return _visit(ctx, t, s, day)
    if r == "note" and s.kind == "LAR":
        taking_part = casecare.participation(ctx, t.child, day)
        return plan.act(ctx, t, day, "cla_review", "", {"notes": s.text,
                                                         "participation": taking_part})  # fmt: skip
    if r == "note" and s.kind == "LGL":  # the final hearing: the interim care order becomes full
        return t.legal != "C1" or _legal(ctx, t, day, "C2", s.text)
    if r == "cla_legal":
        return _legal(ctx, t, day, str(attrs["legal_status"]), s.text)
    if r == "cla_move":
        fields = dict(attrs)
        if fields.get("legal_status") == t.legal:
            fields.pop("legal_status")
        done = plan.act(ctx, t, day, "placement", "", fields)
        if done and str(fields["placement_type"]).startswith("A"):
            t.adoption["placed"] = day
        return done
    if r == "cla_missing":
        return plan.act(ctx, t, day, "missing", "", {**attrs, "notes": s.text})
    if r == "cla_adoption":
        t.adoption["decided"] = day
        return plan.act(ctx, t, day, "adoption_decision", "", dict(attrs))
    if r == "cla_outcomes":
        return plan.act(ctx, t, day, "cla_outcomes", "", dict(attrs))
    return False


def _legal(ctx: Ctx, t: plan.Track, day: int, status: str, notes: str) -> bool:
    if status == t.legal or t.cla is None:
        return True  # nothing changes
    return plan.act(ctx, t, day, "legal_status", "", {"legal_status": status, "notes": notes})


def _visit(ctx: Ctx, t: plan.Track, s: Step, day: int) -> bool:
    if t.stage == p.ASSESSMENT and "assessment" in t.due:
        # After a strategy discussion with no enquiry, the single-agency assessment ends.
        assessed = text.assessed(ctx.plan_rng, "child_in_need", ctx.hh.tier)
        plan.act(ctx, t, day, "complete_assessment", "child_in_need", assessed)
    seen = "not seen" not in s.text
    return plan.act(
        ctx,
        t,
        day,
        "visit",
        "",
        {"child_seen": seen, "seen_alone": seen and "alone" in s.text, "notes": s.text},
    )


def _conference(ctx: Ctx, t: plan.Track, s: Step, day: int, mine: list[Step]) -> bool:
    outcome = str((s.attrs or {}).get("outcome"))
    fields: Json = {
        "chair": text.chair(ctx.d, ctx.plan_rng),
        "attendees": text.attendees(ctx.d, ctx.plan_rng),
        "categories": [],
        "decision": s.text,
    }
    if outcome in ("child_protection_plan", "no_plan"):
        if outcome == "child_protection_plan":
            start = next((x for x in mine if x.rtype == "cp_plan_start" and x.day == s.day), None)
            category = str((start.attrs or {}).get("category_of_abuse", "NEG")) if start else "NEG"
            fields["categories"] = MULTIPLE if category == "MUL" else [category]
        result = "plan" if outcome == "child_protection_plan" else "child_in_need"
        return plan.act(ctx, t, day, "initial_conference", result, fields)
    result = "continue" if outcome == "plan_continues" else "end_plan"
    return plan.act(ctx, t, day, "review_conference", result, fields)


def _adoption_reversed(ctx: Ctx, t: plan.Track, day: int, reason: str) -> bool:
    """Care ends other than by adoption after a decision to place for adoption: the decision
    ceases that day (SSDA903 PlacedAdoption, rule 557), for the other authority's care after a
    transfer (RD4, any other reason) or because the child's needs changed (RD1)."""
    decided = date.fromordinal(t.adoption.pop("decided")).isoformat()
    fields: Json = {"decided_on": decided, "ceased_on": date.fromordinal(day).isoformat(),
                    "reason_placed_ceased": "RD4" if reason == "E3" else "RD1"}  # fmt: skip
    return plan.act(ctx, t, day, "adoption_decision", "", fields)


def _looked_after(ctx: Ctx, t: plan.Track, s: Step, day: int) -> bool:
    legal = str((s.attrs or {}).get("legal_status"))
    if t.stage == p.SECTION47:  # removed in an emergency: the enquiry concludes that day
        plan.act(
            ctx,
            t,
            day,
            "complete_section47",
            "child_in_need",
            {
                "findings": "Enquiry "
                "concluded on the day the child was removed to a place of safety."
            },
        )
    fields = casecare.start_fields(ctx, t.child, day, legal)
    if not plan.act(ctx, t, day, "start_looked_after", "", fields):
        return False
    t.adoption = {"placed": day} if str(fields["placement_type"]).startswith("A") else {}
    number = ctx.plan_rng.randint(1, text.CIC_WORKERS)
    # The case moves to the children in care team as the process has it, at a transfer planned
    # some days after care begins (the worker who brought the child into care settles the
    # placement first), never the same day: an episode of a day or two is not a social worker's
    # (SSDA903 SW09STG2). Drawn from its own seed, so the rest of the plan is unchanged.
    delay = random.Random(f"{t.episode}:{day}:transfer").randint(*TRANSFER_AFTER_CARE)
    t.transfer = (day + delay, {
        "label": f"sw.cic.{number:02d}", "team": text.CIC_TEAM,
        "manager_label": text.CIC_MANAGER, "sw_reason": "TSPROC",
    })  # fmt: skip
    return True


def _transfer_due(ctx: Ctx, t: plan.Track, day: int) -> None:
    """The planned move to the children in care team, on its day, if the child is still looked
    after then (a child home within days stays with the worker who had them)."""
    if t.transfer is None or day < t.transfer[0]:
        return
    (on, fields), t.transfer = t.transfer, None
    if t.stage == p.LOOKED_AFTER and plan.act(ctx, t, on, "allocate", "", fields):
        t.worker = str(fields["label"])


def _transfer(ctx: Ctx, t: plan.Track, day: int) -> bool:
    """The family moved to another authority: the plan ends there. An enquiry, or a conference
    it convened, is not concluded or held here: the case closes with it (`_close`, RC5)."""
    if t.stage == p.CHILD_PROTECTION:
        return plan.act(
            ctx,
            t,
            day,
            "review_conference",
            "end_plan",
            {
                "chair": text.chair(ctx.d, ctx.plan_rng),
                "categories": [],
                "decision": "Plan ended: "
                "the family has moved and the new authority holds its transfer-in conference.",
            },
        )
    return True


def _close(ctx: Ctx, t: plan.Track, s: Step, day: int) -> bool:
    reason = str((s.attrs or {}).get("reason"))
    if reason == TRANSFERRED:
        _transfer(ctx, t, day)
    elif t.stage == p.AWAITING_CONFERENCE:
        day, reason = _conference_before_closing(ctx, t, day, reason)
    if t.stage in (p.SECTION47, p.AWAITING_CONFERENCE):
        if reason != TRANSFERRED:  # casework closes an enquiry's case only on a transfer
            return False
        if "assessment" in t.due:  # completed before the case closes, as any closure needs
            plan.act(ctx, t, day, "complete_assessment", "child_in_need",
                     text.assessed(ctx.plan_rng, "child_in_need", ctx.hh.tier))  # fmt: skip
    if t.stage == p.ASSESSMENT and "assessment" in t.due:  # the pathway closes only an assessed
        outcome = "early_help" if reason == "RC9" else "no_further_action"  # case
        plan.act(
            ctx,
            t,
            day,
            "complete_assessment",
            outcome,
            text.assessed(ctx.plan_rng, "closed_early", ctx.hh.tier),
        )
    return plan.act(ctx, t, day, "close", "", {"closure_reason": reason, "notes": s.text})


def _core_groups(ep: Episode) -> list[Step]:
    from joinedup.demo.statutory import Step

    rng, out = ep.ctx.plan_rng, []
    for start, end in ep.cp:
        day = start + rng.randint(8, 13)
        while day < end:
            out.append(
                Step(
                    day,
                    None,
                    "CG",
                    "core_group",
                    None,
                    "Core group meeting: the plan reviewed with the family and agencies.",
                    "social worker",
                )
            )
            day += rng.randint(21, 29)
    return out


def _oversight(ep: Episode) -> list[Step]:
    """A manager's oversight soon after the referral, and in the last months of the history
    for most cases still open (the rest are left without: the no-oversight list)."""
    from joinedup.demo.statutory import Step

    rng, world = ep.ctx.plan_rng, ep.ctx.world
    note = "Case direction reviewed; risks and the plan considered."
    out = [Step(ep.start + rng.randint(10, 26), None, "oversight", "oversight", None, note, "")]
    if rng.random() < 0.8:
        day = max(ep.start + 40, world.end - 100) + rng.randint(0, 20)
        while day <= world.end:
            out.append(Step(day, None, "supervision", "oversight", None, note, ""))
            day += rng.randint(18, 27)
    return out


def _conference_before_closing(ctx: Ctx, t: plan.Track, day: int, reason: str) -> tuple[int, str]:
    """A history that closes a case, other than on a transfer (RC5, which closes it as it
    stands), while the initial conference its enquiry convened is still to be held: casework
    rightly will not close it (the case would wait for the conference for ever, and the census
    would carry an enquiry with no conference: CIN rule 8740). The conference is held first, on
    a working day, and decides no plan is needed; the case closes then, not as "after
    assessment" (RC8, RC9: CIN rule 2990)."""
    while not is_working_day(date.fromordinal(day)) and day < ctx.world.end:
        day += 1
    fields: Json = {
        "chair": text.chair(ctx.d, ctx.plan_rng),
        "attendees": text.attendees(ctx.d, ctx.plan_rng),
        "categories": [],
        "decision": "No child protection plan is needed; the case is to close.",
    }
    plan.act(ctx, t, day, "initial_conference", "no_further_action", fields)
    return day, "RC7" if reason in ("RC8", "RC9") else reason


def flush(ctx: Ctx) -> None:
    """Write the household's plans, each child named by their own best record; count them."""
    world = ctx.world
    anchors = world.emitter.anchors
    for t in ctx.plan_tracks:
        anchor = anchors.get(t.child.pid)
        if anchor is None or anchor[0] >= UNBORN_RANK:  # known only before birth: the store
            # holds them as an unborn person, whom casework does not record about
            _skip(ctx, "no_record_of_the_child")
            continue
        for at, line in t.lines:
            if line.get("child") is not None:
                line["child"] = {"record_id": anchor[1], "ref": anchor[2]}
            world.plan.add(at, line)
        for day, metric in t.counts:
            world.count(day, metric)
        _stocks(ctx, t)
    ctx.plan_tracks.clear()


def _stocks(ctx: Ctx, t: plan.Track) -> None:
    world = ctx.world
    for march in world.march31:
        stage = ""
        for day, after in t.stages:
            if day <= march:
                stage = after
        if stage in ("", p.CLOSED):
            continue
        world.count(march, "cin")
        if stage == p.CHILD_PROTECTION:
            world.count(march, "cp_plans")
        elif stage == p.LOOKED_AFTER:
            world.count(march, "cla")
