"""Timeline adjustments (scenarios/adjust.py): the DSO rule, lead times and added policies."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.model import MonthCalendar, Timeline
from govsim.model.timeline import Postponement
from govsim.scenarios import adjust
from govsim.scenarios.adjust import (
    AdjustError,
    add_months,
    delay_dso,
    earliest_entry_for_dso,
    months_between,
    next_change_date,
    postpone_for_dso,
    set_lead_time,
    set_physical_lead_time,
    with_budget_shock,
    with_coalition_choice,
    with_cooperation,
    with_postponement,
)
from govsim.scenarios.scenario import ScenarioError

D = dt.date
BASE = Timeline()


# ---------------------------------------------------------------------------- date helpers
def test_add_months_and_months_between() -> None:
    assert add_months(D(2019, 7, 1), 36) == D(2022, 7, 1)
    assert add_months(D(2016, 1, 31), 1) == D(2016, 2, 29)
    assert add_months(D(2024, 1, 1), -36) == D(2021, 1, 1)
    assert add_months(D(2013, 12, 15), 1) == D(2014, 1, 15)
    assert months_between(D(2016, 3, 1), D(2018, 3, 1)) == 24


def test_next_change_date() -> None:
    assert next_change_date(D(2021, 1, 1)) == D(2021, 1, 1)
    assert next_change_date(D(2021, 1, 2)) == D(2021, 7, 1)
    assert next_change_date(D(2021, 7, 1)) == D(2021, 7, 1)
    assert next_change_date(D(2021, 8, 1)) == D(2022, 1, 1)


# ---------------------------------------------------------------------------- the DSO rule
def test_baseline_satisfies_the_dso_rule() -> None:
    assert earliest_entry_for_dso(BASE) == BASE.physical.final_entry() == D(2021, 1, 1)
    assert postpone_for_dso(BASE) is BASE
    assert delay_dso(BASE, 0) == BASE


@given(st.integers(min_value=0, max_value=60))
@settings(max_examples=61)
def test_delay_dso_any_months(months: int) -> None:
    delayed = delay_dso(BASE, months)
    delayed.validate()
    delayed.compile(MonthCalendar())
    for old, new in ((BASE.dso_start, delayed.dso_start), (BASE.dso_full, delayed.dso_full)):
        assert months_between(old, new) == months
        assert new.day == old.day
    final = delayed.physical.final_entry()
    assert final >= BASE.physical.final_entry()
    assert final >= earliest_entry_for_dso(delayed)
    assert final.day == 1 and final.month in (1, 7)
    assert months_between(final, delayed.dso_full) <= adjust.DSO_ENTRY_LEAD_MONTHS
    assert delayed.physical.postponements[: len(BASE.physical.postponements)] == (
        BASE.physical.postponements
    )
    assert len(delayed.physical.postponements) == 1 + (months > 0)
    if months:
        added = delayed.physical.postponements[-1]
        assert added.announced == D(2020, 1, 1)  # 12 months before 2021-01-01
        assert months <= months_between(D(2021, 1, 1), final) < months + 6
    assert delayed.social == BASE.social
    assert delayed.physical.completion == BASE.physical.completion


def test_delay_dso_36() -> None:
    delayed = delay_dso(BASE, 36)
    assert (delayed.dso_start, delayed.dso_full) == (D(2022, 7, 1), D(2027, 1, 1))
    assert delayed.physical.postponements[-1] == Postponement(D(2020, 1, 1), D(2024, 1, 1))


def test_delay_dso_without_postponement_and_with_announcement() -> None:
    only_dso = delay_dso(BASE, 24, postpone_entry=False)
    assert only_dso.physical == BASE.physical
    assert only_dso.dso_full == D(2026, 1, 1)
    announced = delay_dso(BASE, 24, announced="2019-03-01")
    assert announced.physical.postponements[-1] == Postponement(D(2019, 3, 1), D(2023, 1, 1))
    with pytest.raises(AdjustError) as info:
        delay_dso(BASE, 24, announced=D(2021, 2, 1))
    assert info.value.argument == "announced"
    assert "2021-02-01" in str(info.value) and "2017-07-01" in str(info.value)
    with pytest.raises(AdjustError, match="announced"):
        delay_dso(BASE, 24, announced=D(2017, 1, 1))  # before the previous announcement


def test_delay_dso_large_moves_completion() -> None:
    delayed = delay_dso(BASE, 120)
    assert delayed.physical.final_entry() == D(2031, 1, 1)
    assert delayed.physical.completion == D(2031, 1, 1)
    delayed.validate()


def test_delay_dso_not_needed_when_entry_is_late_enough() -> None:
    late = with_postponement(BASE, "physical", D(2020, 5, 20), D(2024, 1, 1))
    delayed = delay_dso(late, 12)
    assert delayed.physical == late.physical
    assert delayed.dso_full == D(2025, 1, 1)


@pytest.mark.parametrize("months", [-1, 121, 2.5, True, "12", None])
def test_delay_dso_rejects_bad_months(months: object) -> None:
    with pytest.raises(ScenarioError) as info:
        delay_dso(BASE, months)  # type: ignore[arg-type]
    message = str(info.value)
    assert message.startswith("delay_dso: months = ")
    assert "0 to 120" in message
    assert isinstance(info.value, ValueError)
    assert "\n" not in message


def test_adjustments_do_not_change_their_argument() -> None:
    before = Timeline()
    delay_dso(before, 30)
    set_physical_lead_time(before, 12)
    with_cooperation(before, "physical", D(2016, 1, 1), 0.5)
    assert before == Timeline()


# ---------------------------------------------------------------------------- lead times
@given(st.integers(min_value=6, max_value=60))
def test_set_physical_lead_time(months: int) -> None:
    timeline = set_physical_lead_time(BASE, months)
    timeline.validate()
    physical = timeline.physical
    assert physical.known == BASE.physical.known
    assert physical.entry == add_months(physical.known, months)
    assert months_between(physical.known, physical.final_entry()) == months
    assert physical.postponements == ()
    assert physical.completion == BASE.physical.completion
    assert timeline.social == BASE.social


@given(
    st.integers(min_value=6, max_value=60),
    st.dates(min_value=D(2013, 1, 1), max_value=D(2020, 12, 1)).map(lambda d: d.replace(day=1)),
)
def test_set_physical_lead_time_with_known(months: int, known: dt.date) -> None:
    physical = set_physical_lead_time(BASE, months, known=known).physical
    assert physical.known == known
    assert months_between(known, physical.entry) == months


def test_set_lead_time_checks() -> None:
    with pytest.raises(AdjustError, match="completion"):
        set_physical_lead_time(BASE, 60, known=D(2026, 1, 1))
    with pytest.raises(AdjustError, match="1 to 120"):
        set_physical_lead_time(BASE, 0)
    with pytest.raises(AdjustError, match="'social', 'physical'"):
        set_lead_time(BASE, "fysiek", 24)
    social = set_lead_time(BASE, "social", 12).social
    assert social.entry == D(2014, 1, 1)


# ---------------------------------------------------------------------------- events, policies
def test_with_cooperation() -> None:
    timeline = with_cooperation(BASE, "physical", "2016-03-01", 0.7, 0.3)
    (policy,) = timeline.cooperation_policies
    assert (policy.start, policy.intensity, policy.training) == (D(2016, 3, 1), 0.7, 0.3)
    compiled = timeline.compile(MonthCalendar())
    k = MonthCalendar().step_of("2016-03")
    assert compiled.cooperation_floor[k, 1] == 0.7
    assert compiled.cooperation_floor[k - 1, 1] == 0.0
    for bad in (
        dict(domain="fysiek"),
        dict(intensity=1.5),
        dict(training=-0.1),
        dict(start="2031-01-01"),
        dict(start="2021-02-30"),
    ):
        kwargs = dict(domain="physical", start="2016-03-01", intensity=0.7, training=0.3)
        kwargs.update(bad)
        with pytest.raises(AdjustError) as info:
            with_cooperation(BASE, **kwargs)
        assert info.value.argument == next(iter(bad))


def test_with_budget_shock() -> None:
    timeline = with_budget_shock(BASE, D(2018, 1, 1), "social", 0.2)
    compiled = timeline.compile(MonthCalendar())
    k = MonthCalendar().step_of("2018-01")
    assert compiled.budget_shock[k, 0] == pytest.approx(0.2)
    assert np.count_nonzero(compiled.budget_shock) == 1
    with pytest.raises(AdjustError, match=r"-1\.0 to 1\.0"):
        with_budget_shock(BASE, D(2018, 1, 1), "social", 2.0)
    with pytest.raises(AdjustError, match="2013-01-01 to 2029-12-31"):
        with_budget_shock(BASE, D(2012, 1, 1), "social", 0.1)


def test_with_coalition_choice() -> None:
    timeline = with_coalition_choice(BASE, "2018-03-21", "physical", "let_go", 0.6)
    assert timeline.coalition_choices[0].share == 0.6
    with pytest.raises(AdjustError, match="2018-03-21") as info:
        with_coalition_choice(BASE, "2018-03-20", "physical", "let_go")
    assert info.value.argument == "election"
    with pytest.raises(AdjustError, match="'steer', 'let_go'"):
        with_coalition_choice(BASE, "2018-03-21", "physical", "loslaten")


def test_with_postponement() -> None:
    timeline = with_postponement(BASE, "physical", "2020-05-20", "2022-01-01")
    assert timeline.physical.final_entry() == D(2022, 1, 1)
    with pytest.raises(AdjustError, match="inconsistent"):
        with_postponement(BASE, "physical", "2021-06-01", "2022-01-01")  # after the entry
