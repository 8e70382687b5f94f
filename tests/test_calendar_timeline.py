"""The monthly calendar and the exogenous timeline (dates in, per-step arrays out)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.model import GovernanceModel, MonthCalendar, Timeline, TimelineError
from govsim.model.calendar import CalendarError, parse_date
from govsim.model.timeline import (
    BudgetShock,
    CoalitionChoice,
    CooperationPolicy,
    DomainTimeline,
    Postponement,
)

CAL = MonthCalendar()


# ---------------------------------------------------------------- calendar
def test_default_period_is_204_months_2013_to_2029():
    assert CAL.n_steps == 204
    assert CAL.date_of(1) == dt.date(2013, 1, 1)
    assert CAL.date_of(204) == dt.date(2029, 12, 1)
    dates = CAL.dates()
    assert len(dates) == 204
    assert dates[0] == dt.date(2013, 1, 1) and dates[-1] == dt.date(2029, 12, 1)
    assert all(b > a for a, b in itertools.pairwise(dates))


def test_known_dates_map_to_known_steps():
    assert CAL.step_of("2013-01-01") == 1
    assert CAL.step_of("2015-01-01") == 25
    assert CAL.step_of("2015-01-31") == 25
    assert CAL.step_of("2017-08") == 56
    assert CAL.step_of(dt.date(2029, 12, 31)) == 204
    assert CAL.step_of(dt.datetime(2014, 2, 3, 12, 0)) == 14
    # outside the period: still valid arithmetic
    assert CAL.step_of("2012-12-01") == 0
    assert CAL.step_of("2030-01-01") == 205


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_step_of_and_date_of_round_trip_over_dates(date):
    step = CAL.step_of(date)
    assert CAL.date_of(step) == date.replace(day=1)
    assert CAL.step_of(date.isoformat()) == step
    assert CAL.step_of(date.isoformat()[:7]) == step


@given(st.integers(-2000, 3000))
def test_date_of_and_step_of_round_trip_over_steps(step):
    assert CAL.step_of(CAL.date_of(step)) == step


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)),
    st.integers(0, 400),
)
def test_calendar_length_counts_months_inclusive(start, months):
    end_month = start.year * 12 + start.month - 1 + months
    end = dt.date(end_month // 12, end_month % 12 + 1, 1)
    cal = MonthCalendar(start=start, end=end)
    assert cal.n_steps == months + 1
    assert cal.step_of(end) == cal.n_steps


def test_end_before_start_raises_calendar_error():
    with pytest.raises(CalendarError, match="before start"):
        MonthCalendar(start=dt.date(2020, 1, 1), end=dt.date(2019, 12, 1))


def test_single_month_calendar_is_allowed():
    cal = MonthCalendar(start=dt.date(2020, 5, 1), end=dt.date(2020, 5, 31))
    assert cal.n_steps == 1


@pytest.mark.parametrize("bad", ["2017-13-01", "2017-02-30", "not a date", "17-01-01", ""])
def test_bad_iso_date_raises_calendar_error(bad):
    with pytest.raises(CalendarError, match="not a valid ISO date"):
        parse_date(bad)
    with pytest.raises(CalendarError):
        CAL.step_of(bad)


def test_calendar_error_is_a_value_error():
    assert issubclass(CalendarError, ValueError)
    assert issubclass(TimelineError, ValueError)


def test_model_uses_a_shorter_calendar():
    cal = MonthCalendar(start=dt.date(2014, 1, 1), end=dt.date(2014, 12, 1))
    model = GovernanceModel(rng=1, municipalities=["Flevoland"], calendar=cal).run()
    series = model.national_series()
    assert len(series) == 12
    assert series.index[0].date() == dt.date(2014, 1, 1)
    assert series.index[-1].date() == dt.date(2014, 12, 1)
    assert model.running is False


# ---------------------------------------------------------------- timeline validation
def _physical(**changes) -> DomainTimeline:
    return dataclasses.replace(Timeline().physical, **changes)


def test_baseline_timeline_is_valid_and_has_the_report_dates():
    tl = Timeline()
    tl.validate()
    assert tl.social.entry == dt.date(2015, 1, 1)
    assert tl.physical.entry == dt.date(2019, 1, 1)
    assert tl.physical.final_entry() == dt.date(2021, 1, 1)
    assert tl.physical.postponements[0].announced == dt.date(2017, 7, 1)
    assert tl.physical.completion == dt.date(2029, 12, 31)
    assert tl.dso_full == dt.date(2024, 1, 1)
    assert [e.year for e in tl.elections] == [2014, 2018, 2022, 2026]


def test_postponement_announced_after_the_entry_it_postpones():
    bad = _physical(postponements=(Postponement(dt.date(2019, 6, 1), dt.date(2021, 1, 1)),))
    with pytest.raises(TimelineError, match="comes after the entry into force"):
        Timeline().with_domain("physical", bad).validate()


def test_new_entry_before_its_announcement():
    bad = _physical(postponements=(Postponement(dt.date(2017, 7, 1), dt.date(2017, 1, 1)),))
    with pytest.raises(TimelineError, match="not after the announcement"):
        Timeline().with_domain("physical", bad).validate()


def test_postponements_out_of_date_order():
    bad = _physical(
        postponements=(
            Postponement(dt.date(2018, 1, 1), dt.date(2021, 1, 1)),
            Postponement(dt.date(2017, 6, 1), dt.date(2022, 1, 1)),
        )
    )
    with pytest.raises(TimelineError, match="date order"):
        Timeline().with_domain("physical", bad).validate()


def test_completion_before_entry():
    bad = _physical(completion=dt.date(2020, 6, 1))  # final entry is 2021-01-01
    with pytest.raises(TimelineError, match="completion"):
        Timeline().with_domain("physical", bad).validate()


def test_entry_before_task_is_known():
    bad = DomainTimeline(known=dt.date(2016, 1, 1), entry=dt.date(2015, 1, 1))
    with pytest.raises(TimelineError, match="before the date the task is known"):
        Timeline(social=bad).validate()


def test_dso_full_before_start():
    bad = dataclasses.replace(Timeline(), dso_full=dt.date(2019, 1, 1))
    with pytest.raises(TimelineError, match="DSO full availability"):
        bad.validate()


@pytest.mark.parametrize(
    "changes",
    [
        {"budget_shocks": (BudgetShock(dt.date(2018, 1, 1), "housing", 0.1),)},
        {"cooperation_policies": (CooperationPolicy("social", dt.date(2018, 1, 1), 1.5),)},
        {"coalition_choices": (CoalitionChoice(dt.date(2018, 3, 21), "social", "ignore"),)},
        {"coalition_choices": (CoalitionChoice(dt.date(2019, 3, 21), "social", "steer"),)},
    ],
)
def test_bad_scenario_events_raise(changes):
    with pytest.raises(TimelineError):
        dataclasses.replace(Timeline(), **changes).validate()


def test_model_refuses_an_inconsistent_timeline():
    bad = dataclasses.replace(Timeline(), dso_full=dt.date(2018, 1, 1))
    with pytest.raises(TimelineError):
        GovernanceModel(rng=1, timeline=bad, municipalities=["Flevoland"])


def test_events_are_sorted_and_include_the_postponement():
    events = Timeline().events()
    dates = [e[0] for e in events]
    assert dates == sorted(dates)
    texts = [e[2] for e in events if e[1] == "physical"]
    assert "postponement announced: entry 2021-01-01" in texts
    assert "DSO fully available" in texts


# ---------------------------------------------------------------- compiled timeline
def test_entry_step_changes_in_the_announcement_month():
    ct = Timeline().compile(CAL)
    before, at = CAL.step_of("2017-06-01"), CAL.step_of("2017-07-01")
    assert ct.entry_step[before, 1] == CAL.step_of("2019-01-01")
    assert ct.entry_step[at, 1] == CAL.step_of("2021-01-01")
    assert ct.entry_step[CAL.n_steps, 1] == CAL.step_of("2021-01-01")
    assert ct.postponements[before, 1] == 0 and ct.postponements[at, 1] == 1
    # the social domain never moves
    assert np.all(ct.entry_step[:, 0] == CAL.step_of("2015-01-01"))
    assert np.all(ct.postponements[:, 0] == 0)
    changes = np.flatnonzero(np.diff(ct.entry_step[:, 1]))
    assert changes.tolist() == [at - 1]


def test_known_and_completion_steps():
    ct = Timeline().compile(CAL)
    assert ct.known_step.tolist() == [1, CAL.step_of("2016-03-01")]
    assert ct.known[1].tolist() == [True, False]
    assert ct.known[CAL.step_of("2016-03-01")].tolist() == [True, True]
    assert ct.completion_step.tolist() == [CAL.step_of("2015-01-01"), CAL.step_of("2029-12-31")]


def test_elections_fall_in_their_months():
    ct = Timeline().compile(CAL)
    expected = [CAL.step_of(d) for d in ("2014-03", "2018-03", "2022-03", "2026-03")]
    assert np.flatnonzero(ct.election).tolist() == expected


def test_dso_availability_rises_monotonically_from_0_to_1():
    tl = Timeline()
    ct = tl.compile(CAL)
    a = ct.dso_availability
    s0, s1 = CAL.step_of(tl.dso_start), CAL.step_of(tl.dso_full)
    assert np.all(np.diff(a) >= 0)
    assert np.all(a[:s0] == 0.0)
    assert np.all(a[s1:] == 1.0)
    inside = a[s0:s1]
    assert np.all((inside > 0) & (inside < 1))
    assert np.all(np.diff(a[s0 - 1 : s1 + 1]) > 0)


def test_later_dso_shifts_availability_later():
    late = dataclasses.replace(Timeline(), dso_full=dt.date(2027, 1, 1))
    base, slow = Timeline().compile(CAL).dso_availability, late.compile(CAL).dso_availability
    assert np.all(slow <= base)
    assert slow[CAL.step_of("2024-01")] < 0.7
    assert base[CAL.step_of("2024-01")] == 1.0


def test_budget_shock_and_cooperation_policy_compile_to_their_months():
    tl = dataclasses.replace(
        Timeline(),
        budget_shocks=(BudgetShock(dt.date(2018, 1, 1), "social", 0.2),),
        cooperation_policies=(
            CooperationPolicy("physical", dt.date(2019, 1, 1), 0.6, training=0.3),
        ),
    )
    ct = tl.compile(CAL)
    k = CAL.step_of("2018-01")
    assert ct.budget_shock[k, 0] == pytest.approx(0.2)
    assert ct.budget_shock.sum() == pytest.approx(0.2)
    start = CAL.step_of("2019-01")
    assert np.all(ct.cooperation_floor[:start, 1] == 0.0)
    assert np.all(ct.cooperation_floor[start:, 1] == 0.6)
    assert np.all(ct.joint_training[start:, 1] == 0.3)
    assert np.all(ct.cooperation_floor[:, 0] == 0.0)
