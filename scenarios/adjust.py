"""Pure functions that change a `Timeline`: used by scenario files and by the workshop sliders.

Every function checks its inputs, returns a new, valid `Timeline` and leaves its argument as it
was. A bad input raises `AdjustError` (a `ScenarioError`, hence a `ValueError`) whose one-line
message names the function, the argument, the value and what is allowed.

The DSO rule (`delay_dso`, `postpone_for_dso`)
----------------------------------------------
The Omgevingswet cannot enter into force before the national digital system (DSO) is
sufficiently available (report §4.3: "Het DSO bouwt de digitale infrastructuur die noodzakelijk
is voor de uitvoering van de Omgevingswet"; Kader 10: the DSO is "de achilleshiel"). The plan the
report knew puts the entry on 1 Jan 2021 (§1.1) and full DSO availability in 2024 (§4.3): the law
was to enter with the DSO's basic functions, `DSO_ENTRY_LEAD_MONTHS` = 36 months before all
functions were there. The rule keeps that margin:

    earliest entry = DSO full availability - 36 months,
    rounded up to the next fixed change date (1 January or 1 July, the central government's
    "vaste verandermomenten").

If the Omgevingswet's final entry date lies before the earliest entry, one postponement is added
with the earliest entry as its new date. It is announced on the given date or by default
`ANNOUNCEMENT_LEAD_MONTHS` = 12 months before the entry it replaces (never before the previous
announcement or the date the task became known). The completion date stays as it is — when
the entry moved from 2019 to 2021, "De datum waarop de invoering moet zijn afgerond is echter
ongewijzigd, namelijk 2029" (§1.1) — unless the new entry falls after it; then completion moves
to the new entry. On the baseline, a delay of 0 months changes nothing and any delay of n months
postpones the entry from 2021-01-01 by n months, rounded up to the next 1 January or 1 July.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import replace
from typing import Any

from govsim.model.calendar import CalendarError, month_index, parse_date
from govsim.model.timeline import (
    BudgetShock,
    CoalitionChoice,
    CooperationPolicy,
    Postponement,
    Timeline,
    TimelineError,
)
from govsim.scenarios.scenario import ScenarioError
from govsim.scenarios.schema import (
    DOMAIN_NAMES,
    PERIOD_END,
    PERIOD_START,
    PLAUSIBLE_END,
    PLAUSIBLE_START,
    STANCES,
    one_line,
    quoted,
    show,
)

DSO_ENTRY_LEAD_MONTHS = 36
"""The Omgevingswet may enter at most this many months before the DSO is fully available (the
plan the report knew: entry 2021-01-01, DSO complete 2024; report §1.1, §4.3)."""
ANNOUNCEMENT_LEAD_MONTHS = 12
"""A postponement that follows from the DSO is announced this long before the entry it replaces."""
CHANGE_MONTHS: tuple[int, ...] = (1, 7)
"""Fixed change dates of central government: laws enter into force on 1 January or 1 July."""
MAX_DELAY_MONTHS = 120
MAX_LEAD_MONTHS = 120


class AdjustError(ScenarioError):
    """A bad argument to an adjustment; ``argument`` and ``value`` say which one."""

    def __init__(
        self, function: str, argument: str | None, value: Any, problem: str, allowed: str = ""
    ) -> None:
        self.function = function
        self.argument = argument
        self.value = value
        self.problem = problem
        self.allowed = allowed
        if argument is None:
            head = f"{function}: {problem}"
        else:
            head = f"{function}: {argument} = {show(value)} {problem}"
        text = head.rstrip(". ") + "."
        if allowed:
            text += f" Allowed: {allowed.rstrip('. ')}."
        super().__init__(one_line(text))


# ---------------------------------------------------------------------------- date arithmetic
def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` moved by whole ``months`` (the day is kept, or clamped to the month's last day)."""
    idx = month_index(date) + months
    year, month = divmod(idx, 12)
    month += 1
    return dt.date(year, month, min(date.day, _calendar.monthrange(year, month)[1]))


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from ``earlier`` to ``later`` (by month, ignoring the day)."""
    return month_index(later) - month_index(earlier)


def next_change_date(date: dt.date) -> dt.date:
    """The first 1 January or 1 July on or after ``date``."""
    candidate = date if date.day == 1 else add_months(date.replace(day=1), 1)
    while candidate.month not in CHANGE_MONTHS:
        candidate = add_months(candidate, 1)
    return candidate


# ---------------------------------------------------------------------------- argument checks
def _date(function: str, argument: str, value: Any, low=PLAUSIBLE_START, high=PLAUSIBLE_END):
    allowed = f"a date (datetime.date or 'YYYY-MM-DD') from {low.isoformat()} to {high.isoformat()}"
    if not isinstance(value, dt.date | str):
        raise AdjustError(function, argument, value, "is not a date", allowed)
    try:
        date = parse_date(value)
    except CalendarError:
        raise AdjustError(function, argument, value, "is not a real date", allowed) from None
    if not low <= date <= high:
        raise AdjustError(function, argument, value, "lies outside the allowed period", allowed)
    return date


def _event_date(function: str, argument: str, value: Any) -> dt.date:
    return _date(function, argument, value, PERIOD_START, PERIOD_END)


def _whole(function: str, argument: str, value: Any, low: int, high: int) -> int:
    allowed = f"a whole number of months from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise AdjustError(function, argument, value, "is not a whole number", allowed)
    if not low <= value <= high:
        raise AdjustError(function, argument, value, "is out of range", allowed)
    return int(value)


def _number(function: str, argument: str, value: Any, low: float, high: float) -> float:
    allowed = f"a number from {low} to {high}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AdjustError(function, argument, value, "is not a number", allowed)
    number = float(value)
    if number != number or not low <= number <= high:
        raise AdjustError(function, argument, value, "is out of range", allowed)
    return number


def _choice(function: str, argument: str, value: Any, options: tuple[str, ...]) -> str:
    if value not in options:
        raise AdjustError(function, argument, value, "is not allowed", f"one of {quoted(options)}")
    return value


def _valid(function: str, timeline: Timeline) -> Timeline:
    try:
        timeline.validate()
    except TimelineError as exc:
        raise AdjustError(
            function, None, None, f"the result would be inconsistent: {exc}"
        ) from None
    return timeline


# ---------------------------------------------------------------------------- the DSO
def earliest_entry_for_dso(timeline: Timeline) -> dt.date:
    """The earliest entry into force of the Omgevingswet the DSO allows (module docstring)."""
    return next_change_date(add_months(timeline.dso_full, -DSO_ENTRY_LEAD_MONTHS))


def postpone_for_dso(timeline: Timeline, *, announced: dt.date | str | None = None) -> Timeline:
    """Add the postponement the DSO rule requires, if any (see the module docstring).

    Args:
        timeline: The timeline to adjust.
        announced: When the postponement is announced (default: 12 months before the entry it
            replaces, not before the previous announcement). Ignored if no postponement is needed.

    Returns:
        ``timeline`` itself if the final entry already satisfies the rule, else a new timeline.
    """
    name = "postpone_for_dso"
    when = None if announced is None else _date(name, "announced", announced)
    physical = timeline.physical
    current = physical.final_entry()
    earliest = earliest_entry_for_dso(timeline)
    if current >= earliest:
        return timeline
    previous = physical.postponements[-1].announced if physical.postponements else physical.known
    if when is None:
        when = max(add_months(current, -ANNOUNCEMENT_LEAD_MONTHS), previous)
    elif not previous <= when < current:
        raise AdjustError(
            name,
            "announced",
            when,
            f"does not fit: the postponement to {earliest} must be announced before the entry "
            f"it replaces ({current}) and not before the previous announcement ({previous})",
            f"a date from {previous} up to (not including) {current}",
        )
    if when >= current:
        raise AdjustError(
            name,
            None,
            None,
            f"the entry into force {current} cannot be postponed: it leaves no time to announce "
            f"a postponement after {previous}",
        )
    completion = physical.completion
    if completion is not None and completion < earliest:
        completion = earliest
    new_physical = replace(
        physical,
        postponements=(*physical.postponements, Postponement(when, earliest)),
        completion=completion,
    )
    return _valid(name, timeline.with_domain("physical", new_physical))


def delay_dso(
    timeline: Timeline,
    months: int,
    *,
    postpone_entry: bool = True,
    announced: dt.date | str | None = None,
) -> Timeline:
    """The DSO ``months`` later (start and full availability), with the postponement that follows.

    Args:
        timeline: The timeline to adjust.
        months: Delay in whole months, 0 to `MAX_DELAY_MONTHS`.
        postpone_entry: Apply the DSO rule (module docstring): postpone the Omgevingswet's entry
            so that it is no earlier than 36 months before full DSO availability.
        announced: Announcement date of that postponement (default: 12 months before the entry
            it replaces).

    Returns:
        A new, valid timeline.
    """
    months = _whole("delay_dso", "months", months, 0, MAX_DELAY_MONTHS)
    if not isinstance(postpone_entry, bool):
        raise AdjustError("delay_dso", "postpone_entry", postpone_entry, "is not a boolean")
    delayed = replace(
        timeline,
        dso_start=add_months(timeline.dso_start, months),
        dso_full=add_months(timeline.dso_full, months),
    )
    delayed = _valid("delay_dso", delayed)
    if not postpone_entry:
        return delayed
    try:
        return postpone_for_dso(delayed, announced=announced)
    except AdjustError as exc:
        raise AdjustError("delay_dso", exc.argument, exc.value, exc.problem, exc.allowed) from None


# ---------------------------------------------------------------------------- deadlines
def set_lead_time(
    timeline: Timeline, domain: str, months: int, *, known: dt.date | str | None = None
) -> Timeline:
    """The domain's law enters into force ``months`` after the task is known, never postponed.

    Args:
        timeline: The timeline to adjust.
        domain: ``"social"`` or ``"physical"``.
        months: Lead time in whole months, 1 to `MAX_LEAD_MONTHS`.
        known: A new date from which the task is known (default: keep the domain's).

    Returns:
        A new, valid timeline; the completion date is kept and must not precede the new entry.
    """
    name = "set_lead_time"
    domain = _choice(name, "domain", domain, DOMAIN_NAMES)
    months = _whole(name, "months", months, 1, MAX_LEAD_MONTHS)
    old = timeline.domain(domain)
    start = old.known if known is None else _date(name, "known", known, high=PERIOD_END)
    entry = add_months(start, months)
    if old.completion is not None and old.completion < entry:
        raise AdjustError(
            name,
            "months",
            months,
            f"puts the entry into force ({entry}) after the completion date ({old.completion})",
            f"at most {months_between(start, old.completion)} months from {start}",
        )
    rules = old.rules_final if old.rules_final is None else max(old.rules_final, start)
    new = replace(old, known=start, entry=entry, postponements=(), rules_final=rules)
    return _valid(name, timeline.with_domain(domain, new))


def set_physical_lead_time(
    timeline: Timeline, months: int, *, known: dt.date | str | None = None
) -> Timeline:
    """The Omgevingswet enters into force ``months`` after it is known, with no postponements.

    The "time_pressure" idea: a lead time like the 3D's (24 months from Jan 2013 to 1 Jan 2015,
    report §1.2, Kader 10: "Tijdsdruk 'dwong' gemeenten om te starten met de transitie").
    """
    return set_lead_time(timeline, "physical", months, known=known)


def with_postponement(
    timeline: Timeline, domain: str, announced: dt.date | str, new_entry: dt.date | str
) -> Timeline:
    """Add a postponement: on ``announced`` the entry moves to ``new_entry`` (after the others)."""
    name = "with_postponement"
    domain = _choice(name, "domain", domain, DOMAIN_NAMES)
    when = _event_date(name, "announced", announced)
    new_entry = _date(name, "new_entry", new_entry)
    old = timeline.domain(domain)
    new = replace(old, postponements=(*old.postponements, Postponement(when, new_entry)))
    return _valid(name, timeline.with_domain(domain, new))


# ---------------------------------------------------------------------------- policies
def with_cooperation(
    timeline: Timeline, domain: str, start: dt.date | str, intensity: float, training: float = 0.0
) -> Timeline:
    """Add a regional cooperation policy (report §4.5: De6, Drechtsteden).

    Args:
        timeline: The timeline to adjust.
        domain: ``"social"`` or ``"physical"``.
        start: From when (inside the simulated period).
        intensity: Regional cooperation of at least this much, 0 to 1.
        training: Joint training added to training intensity, 0 to 1.
    """
    name = "with_cooperation"
    policy = CooperationPolicy(
        domain=_choice(name, "domain", domain, DOMAIN_NAMES),
        start=_event_date(name, "start", start),
        intensity=_number(name, "intensity", intensity, 0.0, 1.0),
        training=_number(name, "training", training, 0.0, 1.0),
    )
    return _valid(
        name, replace(timeline, cooperation_policies=(*timeline.cooperation_policies, policy))
    )


def with_budget_shock(
    timeline: Timeline, date: dt.date | str, domain: str, size: float
) -> Timeline:
    """Add a budget shock: budget pressure changes by ``size`` (-1 to 1) from ``date`` on."""
    name = "with_budget_shock"
    shock = BudgetShock(
        date=_event_date(name, "date", date),
        domain=_choice(name, "domain", domain, DOMAIN_NAMES),
        size=_number(name, "size", size, -1.0, 1.0),
    )
    return _valid(name, replace(timeline, budget_shocks=(*timeline.budget_shocks, shock)))


def with_coalition_choice(
    timeline: Timeline,
    election: dt.date | str,
    domain: str,
    stance: str,
    share: float = 1.0,
) -> Timeline:
    """Add a coalition choice at an election: steer or let go in a domain (report §5.5).

    Args:
        timeline: The timeline to adjust.
        election: One of the timeline's election dates.
        domain: ``"social"`` or ``"physical"``.
        stance: ``"steer"`` or ``"let_go"``.
        share: Share of municipalities whose coalition makes this choice, 0 to 1.
    """
    name = "with_coalition_choice"
    date = _date(name, "election", election)
    if date not in timeline.elections:
        raise AdjustError(
            name,
            "election",
            date,
            "is not an election date",
            f"one of {', '.join(e.isoformat() for e in timeline.elections)}",
        )
    choice = CoalitionChoice(
        election=date,
        domain=_choice(name, "domain", domain, DOMAIN_NAMES),
        stance=_choice(name, "stance", stance, STANCES),
        share=_number(name, "share", share, 0.0, 1.0),
    )
    return _valid(name, replace(timeline, coalition_choices=(*timeline.coalition_choices, choice)))
