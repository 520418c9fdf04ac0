"""What a record says about a child, as the default rules read it: the kinds of record that
are a concern about the child's welfare (and a family's material need, which is not one), a
school absence's share of sessions, one move told by several agencies, an offence that makes an
adult a risk. Shared by the rules in `library.py`; the reasoning behind each is in
docs/rules.md."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from joinedup.chronology import classify
from joinedup.rules.engine import Reach
from joinedup.rules.facts import Fact

CONCERN_TYPES = ("concern", "disclosure", "injury", "anonymous_report", "weight_faltering",
                 "domestic_abuse_incident", "missing_episode", "antenatal_concern")  # fmt: skip
NEGLECT_CATEGORIES = frozenset({"neglect", "hunger", "hygiene", "supervision", "development"})
SERIOUS_OFFENCES = frozenset({"violence", "sexual", "weapons"})
ADULT_RISKS = frozenset({"substance_misuse", "mental_health", "domestic_abuse_perpetrator"})
LEAVING_TYPES = ("elective_home_education", "missing_education")
# A practitioner's worry about the child's welfare. An injury alone is not one (children hurt
# themselves; an A&E visit is common): it is when its explanation was found inconsistent.
WELFARE_TYPES = ("concern", "disclosure", "anonymous_report", "weight_faltering",
                 "missing_episode", "antenatal_concern")  # fmt: skip
# A family's material need: a concern of these categories is one about the child's care only
# when the practitioner saw the child (a food bank's voucher is help asked for, not neglect).
NEED_CATEGORIES = frozenset({"hunger"})
SOCIAL_CARE = "childrens_social_care"
SESSIONS_A_DAY = 2  # a school day is two sessions (morning and afternoon)


def serious_offence(offence: Fact) -> bool:
    return offence.attribute("category") in SERIOUS_OFFENCES or bool(
        offence.attribute("against_child")
    )


def reach_for(types: tuple[str, ...], days: int) -> Reach:
    return Reach(dict.fromkeys(types, days))


def counted(n: int, noun: str) -> str:
    """`1 contact`, `3 contacts`; `1 change`, `2 changes`."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def neglect_sign(f: Fact) -> bool:
    return f.type == "weight_faltering" or (
        f.type == "concern" and f.attribute("category") in NEGLECT_CATEGORIES and not need_only(f)
    )


def welfare(f: Fact) -> bool:
    """A concern about the child's welfare: an injury counts only with an inconsistent
    explanation; a family's material need told by a service that did not see the child
    (`need_only`) is not one."""
    if f.type == "injury":
        return bool(f.attribute("explanation_consistent") == "no")
    return f.type in WELFARE_TYPES and not need_only(f)


def need_only(f: Fact) -> bool:
    """A concern of material need (hunger) from a service that did not see the child — a food
    bank's voucher, the family asking for help — rather than a practitioner who saw the child
    hungry (a school, a nursery, a health visitor, or a source that says `child_seen`: the
    chronology's `classify.seen`). Poverty is not neglect."""
    return (
        f.type == "concern"
        and f.attribute("category") in NEED_CATEGORIES
        and not classify.seen(f.type, f.agency, f.attributes)
    )


def near(f: Fact, others: Sequence[Fact], days: int) -> bool:
    """Whether `f` happened within `days` (either side) of one of `others`."""
    return any(abs((f.occurred - o.occurred).days) <= days for o in others)


def with_child(facts: Sequence[Fact]) -> set[int]:
    """The adults these records name together with the child (in the child's life then)."""
    return {who.person_id for f in facts if f.about_child for who in f.adults}


def absence_percent(f: Fact) -> float:
    """The share of a period's sessions missed, in per cent: the sessions missed over two a
    weekday from the period's start to its end (bank holidays and training days make the true
    number of sessions smaller, so this never overstates); 0 when the period is not given."""
    missed, start, end = (f.attribute(k) for k in ("sessions_missed", "period_start",
                                                    "period_end"))  # fmt: skip
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        days = weekdays(first, last)
        return 100 * int(missed) / (SESSIONS_A_DAY * days) if days > 0 else 0.0
    except (TypeError, ValueError):
        return 0.0


def weekdays(first: date, last: date) -> int:
    """Monday to Friday from `first` to `last`, both included."""
    if last < first:
        return 0
    whole, rest = divmod((last - first).days + 1, 7)
    return whole * 5 + sum(1 for i in range(rest) if (first.weekday() + i) % 7 < 5)


def moves(records: Sequence[Fact], same_days: int) -> list[list[Fact]]:
    """Records of a change of address grouped into moves: the agencies that hear of one move
    record it over the following weeks, so a record within `same_days` of a move's first record
    is the same move, unless both name their new postcode and the postcodes differ."""
    found: list[list[Fact]] = []
    for f in sorted(records, key=lambda r: (r.occurred, r.event_id)):
        current = found[-1] if found else None
        near = current is not None and (f.occurred - current[0].occurred).days <= same_days
        if current is not None and near and _same_place(current, f):
            current.append(f)
        else:
            found.append([f])
    return found


def moved_to(move: Fact, home: str) -> str:
    """The authority a move went to, as written (home when the record does not say)."""
    return str(move.attribute("to_local_authority") or home).strip().casefold()


def authority_of(move: Sequence[Fact]) -> str | None:
    """The local authority a move went to, as its records write it (casefolded; the first that
    names one), or None when none does."""
    return next((named for f in move if (named := moved_to(f, ""))), None)


def _same_place(move: Sequence[Fact], record: Fact) -> bool:
    to = _postcode(record)
    known = {p for p in (_postcode(m) for m in move) if p}
    return not to or not known or to in known


def _postcode(f: Fact) -> str:
    return str(f.attribute("to_postcode") or "").replace(" ", "").upper()
