"""The demo authority's own casework, replayed through the casework services: nothing refused,
every child found, and the services' own records give truth.json's counts, year by year."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from joinedup.access.roles import Actor
from joinedup.casework import pathway
from joinedup.casework.chronicle import Authority
from joinedup.casework.clocks import london_day
from joinedup.casework.models import Case, CaseStep, Contact
from joinedup.config import Settings
from joinedup.core.clock import SystemClock
from joinedup.demo.casework import already_replayed, children_of, count_steps, persons_of, replay
from joinedup.demo.generator import generate
from joinedup.demo.timeutil import reporting_year
from joinedup.flows.intake import resolving_store
from joinedup.intake.bulk import BulkIngest
from joinedup.intake.models import Event, Mention, Organisation, RecordVersion, SourceRecord
from joinedup.people.models import MentionLink, Person
from joinedup.workforce.models import AllocationPeriod

FLOWS = {
    "assessment": "assessments",
    "strategy_discussion": "strategy_discussions",
    "section47": "section47s",
    "cp_plan_start": "cp_plan_starts",
    "cp_plan_end": "cp_plan_ends",
    "cla_start": "cla_starts",
    "cla_end": "cla_ends",
    "case_closed": "case_closures",
}


def _build(out: Path, engine: Engine, settings: Settings) -> Any:
    generate(children=400, years=3, seed=8, out_dir=out)
    job = BulkIngest(
        engine=engine,
        actor=Actor.system("test"),
        clock=SystemClock(),
        batch_size=500,
        max_line_bytes=settings.intake_max_line_bytes,
        report=lambda _: None,
        store=resolving_store(settings),
    )
    job.run(out / "records.jsonl", out / "rejects")
    authority = Authority(settings.authority_name, settings.authority_code)
    return replay(engine=engine, plan=out / "casework.jsonl", authority=authority)


def _flows(session: Session, authority: str, first: date, last: date) -> dict[int, Counter[str]]:
    """Per DfE reporting year: what the services wrote on the chronology."""
    out: dict[int, Counter[str]] = {}
    rows = session.execute(
        select(Event.type, Event.occurred_at, Event.attributes)
        .join(Organisation, Organisation.id == Event.organisation_id)
        .where(Organisation.name == authority)
    )
    for kind, at, attributes in rows:
        day = london_day(at)
        if not first <= day <= last:
            continue
        year = out.setdefault(reporting_year(day.toordinal()), Counter())
        if kind == "contact_outcome":
            year["contacts"] += 1
            year["referrals"] += attributes.get("outcome") == "referral"
        elif kind in FLOWS:
            year[FLOWS[kind]] += 1
    return out


def _stocks(session: Session, marches: list[date]) -> dict[int, Counter[str]]:
    """On each 31 March (and the as-of day): open cases, plans, children looked after."""
    cases = list(session.execute(select(Case.referral_on, Case.closed_on)))
    spans = {
        kind: list(
            session.execute(
                select(CaseStep.started_on, CaseStep.completed_on).where(CaseStep.kind == kind)
            )
        )
        for kind in ("cp_plan", "cla_episode")
    }
    out: dict[int, Counter[str]] = {}
    for march in marches:
        year = out.setdefault(reporting_year(march.toordinal()), Counter())
        year["cin"] = sum(s <= march and (e is None or march < e) for s, e in cases)
        year["cp_plans"] = sum(s <= march and (e is None or march < e) for s, e in spans["cp_plan"])
        year["cla"] = sum(s <= march and (e is None or march < e) for s, e in spans["cla_episode"])
    return out


def test_the_casework_history_goes_through_the_services_and_gives_the_truths_counts(
    tmp_path: Path, clean_engine: Engine, settings: Settings
) -> None:
    out = tmp_path / "authority"
    summary = _build(out, clean_engine, settings)
    assert not summary.refused and summary.unresolved == 0
    assert summary.steps == count_steps(out / "casework.jsonl") > 500
    truth = orjson.loads((out / "truth.json").read_bytes())
    first, last = (date.fromisoformat(truth["generator"][k]) for k in ("history_start", "as_of"))
    wanted = ("contacts", "referrals", *FLOWS.values(), "cin", "cp_plans", "cla")
    expected = {int(y): Counter({k: c.get(k, 0) for k in wanted})
                for y, c in truth["counts_by_year"].items()}  # fmt: skip
    marches = [
        d for y in range(first.year, last.year + 1) if first <= (d := date(y, 3, 31)) <= last
    ]
    if reporting_year(last.toordinal()) not in {reporting_year(d.toordinal()) for d in marches}:
        marches.append(last)  # the part-year's stock is taken on the as-of day
    with Session(clean_engine) as session:
        got = _flows(session, settings.authority_name, first, last)
        for year, stocks in _stocks(session, marches).items():
            got.setdefault(year, Counter()).update(stocks)
        assert {y: Counter({k: got.get(y, Counter())[k] for k in wanted}) for y in expected} == (
            expected
        )
        stages = Counter(session.scalars(select(Case.stage)))
        late = session.scalar(select(CaseStep.id).where(CaseStep.late_reason.is_not(None)).limit(1))
        lone = session.scalar(select(Contact.id).where(Contact.case_id.is_(None)).limit(1))
        allocated = session.scalar(
            select(func.count(CaseStep.id)).where(CaseStep.kind == "allocation")
        )
        periods = session.scalar(select(func.count(AllocationPeriod.id)))
    # Every allocation the replay made left its period, as the allocation flow does.
    assert allocated and periods == allocated
    assert stages[pathway.CLOSED] and sum(stages.values()) > stages[pathway.CLOSED]
    assert late is not None and lone is not None
    assert already_replayed(clean_engine)


def test_the_plans_children_are_found_in_one_pass_as_the_ingest_linked_them(
    tmp_path: Path, clean_engine: Engine, settings: Settings
) -> None:
    """`persons_of` reads every episode's child at once: each is the person the latest version's
    mention of that subject is linked to, a child; a record or subject not in the store is
    absent (the replay counts it unresolved), and records the plan does not name are not read
    in."""
    out = tmp_path / "authority"
    _build(out, clean_engine, settings)
    children = children_of(out / "casework.jsonl")
    assert len(children) > 50
    with Session(clean_engine) as session:
        found = persons_of(session, {*children, ("no:such-record", "c1")})  # used below too
        assert set(found) == children
        for (record_id, ref), person_id in sorted(found.items())[:40]:
            linked = session.scalar(
                select(MentionLink.person_id)
                .join(Mention, Mention.id == MentionLink.mention_id)
                .join(RecordVersion, RecordVersion.id == Mention.event_id)
                .join(SourceRecord, SourceRecord.id == RecordVersion.source_record_id)
                .where(SourceRecord.record_id == record_id, Mention.ref == ref,
                       RecordVersion.version == SourceRecord.latest_version)
            )  # fmt: skip
            assert linked == person_id
            assert session.get_one(Person, person_id).kind == "child"
        assert persons_of(session, set()) == {}
    # A step the services refuse is counted with the fields they named and its plan line's id.
    lines = [orjson.loads(raw) for raw in (out / "casework.jsonl").read_bytes().splitlines()]
    contact = next(line for line in lines if line["action"] == "contact")
    bad = {
        **contact,
        "id": "X000001:1",
        "episode": "X000001",
        "fields": {**contact["fields"], "referral_source": "ZZ"},
    }
    (tmp_path / "bad.jsonl").write_bytes(orjson.dumps(bad) + b"\n")
    authority = Authority(settings.authority_name, settings.authority_code)
    heard: list[tuple[str, str]] = []
    refused = replay(
        engine=clean_engine,
        plan=tmp_path / "bad.jsonl",
        authority=authority,
        on_refused=lambda line_id, what: heard.append((line_id, what)),
    )
    assert refused.refused == Counter({"contact: ValidationFailed (referral_source)": 1})
    assert refused.refused_ids == ["X000001:1"]
    # ... and told as it happens, so that an hour's build shows it then, not at its end.
    assert heard == [("X000001:1", "contact: ValidationFailed (referral_source)")]

    # Two of the plan's children that the store holds as one person (identity resolution joined
    # them): the second referral finds the first one's case open. The front door adds the
    # contact to that case, as the service asks; the episode's own later steps are not taken.
    with Session(clean_engine) as session:
        open_now = set(session.scalars(select(Case.person_id).where(Case.stage != "closed")))
    referral = next(
        line
        for line in lines
        if line["action"] == "contact"
        and line["fields"]["decision"] == "referral"
        and found[(line["child"]["record_id"], line["child"]["ref"])] not in open_now
    )
    follows = next(
        line
        for line in lines
        if line["episode"] == referral["episode"] and line["action"] != "contact"
    )
    twice = [
        {**referral, "id": "J000001:1", "episode": "J000001"},
        {**referral, "id": "J000002:1", "episode": "J000002"},
        {**follows, "id": "J000002:2", "episode": "J000002"},
    ]  # fmt: skip
    (tmp_path / "joined.jsonl").write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in twice))
    joined = replay(engine=clean_engine, plan=tmp_path / "joined.jsonl", authority=authority)
    assert not joined.refused
    assert (joined.contacts, joined.cases, joined.joined, joined.joined_steps) == (2, 1, 1, 1)
    assert "contacts added to a case open already 1" in joined.line()
    with Session(clean_engine) as session:
        first, second = session.scalars(select(Contact).order_by(Contact.id.desc()).limit(2)).all()[
            ::-1
        ]
        assert (first.decision, second.decision) == ("referral", "open_case")
        assert second.case_id == first.case_id is not None


def test_a_trajectorys_statutory_steps_are_traced_to_the_records_the_services_wrote(
    tmp_path: Path, clean_engine: Engine, settings: Settings
) -> None:
    out = tmp_path / "authority"
    _build(out, clean_engine, settings)
    truth = orjson.loads((out / "truth.json").read_bytes())
    traced = {t["id"]: t["records"] for t in map(orjson.loads, (out / "casework.replayed.jsonl")
                                                 .read_bytes().splitlines())}  # fmt: skip
    home = [t for t in truth["trajectories"] if any(s in traced for s in t["statutory"])]
    assert home
    with Session(clean_engine) as session:
        from joinedup.intake.models import SourceRecord

        for trajectory in home:
            records = [r for s in trajectory["statutory"] for r in traced.get(s, [])]
            kinds = set(session.scalars(
                select(Event.type).join(SourceRecord, SourceRecord.id == Event.source_record_id)
                .where(SourceRecord.record_id.in_(records))))  # fmt: skip
            assert {"strategy_discussion", "section47"} <= kinds
