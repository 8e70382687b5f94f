"""The secretary's choices from a month on: dated ``[[strategy]]`` rules and `add_strategy`.

Issue 16 ("the secretary's choices live"): a room asks "what if we coach the college from
now on?" mid-run. A rule with ``start`` applies from that month; a rule added during a run is
the same as the run built with it from the start, so recipes, saved sessions and side-by-side
replays repeat it exactly.
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from govsim.agents import ROLES
from govsim.agents.secretary import desired_mix
from govsim.model import GovernanceModel
from govsim.model.calendar import MonthCalendar
from govsim.model.levers import LeverError, StrategyRule, active_rules
from govsim.model.persistence import fingerprint, replay
from govsim.scenarios.cli import parse_strategy_option
from govsim.scenarios.loader import load_scenario
from govsim.scenarios.scenario import ScenarioError

PROVINCE = ["Utrecht"]
COACH = {"where": "all", "coach_college": 0.9, "role": "changer", "stance": "coach"}


def model(strategy=(), seed: int = 11, **kw) -> GovernanceModel:
    return GovernanceModel(rng=seed, municipalities=PROVINCE, strategy=list(strategy), **kw)


# ---------------------------------------------------------------------------- the rule
def test_a_rule_keeps_the_first_day_of_its_start_month_and_says_it_in_its_mapping():
    rule = StrategyRule("all", {"coach_college": 0.5}, "2019-06-17")
    assert rule.start == dt.date(2019, 6, 1)
    assert rule.to_mapping() == {"where": "all", "start": "2019-06-01", "coach_college": 0.5}
    assert StrategyRule.from_mapping(rule.to_mapping()) == rule
    assert StrategyRule("all", {"coach_college": 0.5}).to_mapping() == {
        "where": "all",
        "coach_college": 0.5,
    }


@pytest.mark.parametrize("start", ["soon", "2019-13", 2019.0])
def test_a_start_that_is_no_month_is_refused(start):
    with pytest.raises(LeverError, match="is not a month") as info:
        StrategyRule("all", {"coach_college": 0.5}, start)
    assert "2019-01" in info.value.allowed


def test_the_start_step_counts_from_the_calendar_and_the_period_bounds_it():
    calendar = MonthCalendar()
    assert StrategyRule("all", {"dso_lobby": 1.0}).start_step(calendar) == 1
    assert StrategyRule("all", {"dso_lobby": 1.0}, "2013-01").start_step(calendar) == 1
    assert StrategyRule("all", {"dso_lobby": 1.0}, "2014-03").start_step(calendar) == 15
    with pytest.raises(LeverError, match="outside the simulated period") as info:
        StrategyRule("all", {"dso_lobby": 1.0}, "2030-01").start_step(calendar)
    assert info.value.allowed == "a month from 2013-01 to 2029-12"
    with pytest.raises(LeverError, match="outside the simulated period"):
        model([{**COACH, "start": "2012-12"}])


def test_active_rules_keep_their_order_and_leave_out_what_has_not_started():
    rules = (
        StrategyRule("all", {"dso_lobby": 0.2}),
        StrategyRule("all", {"dso_lobby": 0.9}, "2018-01"),
        StrategyRule("Utrecht", {"dso_lobby": 0.5}, "2016-01"),
    )
    calendar = MonthCalendar()
    assert active_rules(rules, calendar, calendar.step_of("2015-12")) == rules[:1]
    assert active_rules(rules, calendar, calendar.step_of("2016-01")) == (rules[0], rules[2])
    assert active_rules(rules, calendar, calendar.step_of("2018-01")) == rules


# ---------------------------------------------------------------------------- in the model
def test_a_dated_rule_leaves_the_run_untouched_until_its_month_and_changes_it_after():
    plain = model().run("2019-12")
    dated = model([{**COACH, "start": "2018-04"}]).run("2019-12")
    before, after = plain.national_series(), dated.national_series()
    np.testing.assert_array_equal(
        before.loc[:"2018-03"].to_numpy(), after.loc[:"2018-03"].to_numpy()
    )
    assert not np.array_equal(before.loc["2018-04":].to_numpy(), after.loc["2018-04":].to_numpy())
    assert np.all(dated.levers["coach_college"] == 0.9)
    assert np.all(plain.levers["coach_college"] == 0.0)


def test_the_levers_change_in_the_start_month_and_not_before():
    dated = model([{**COACH, "start": "2016-05"}]).run("2016-04")
    assert np.all(dated.levers["coach_college"] == 0.0)
    assert np.all(dated.levers.role == -1)
    dated.run("2016-05")
    assert np.all(dated.levers["coach_college"] == 0.9)
    assert np.all(dated.levers.role == ROLES.index("changer"))


def test_the_serving_secretary_takes_up_the_role_and_stance_and_keeps_the_desires():
    before = model(secretary_turnover_per_year=0.0).run("2017-02")
    desires = before.secretaries.desires.copy()
    appointed = before.secretaries.appointed_step.copy()
    dated = model([{**COACH, "start": "2017-03"}], secretary_turnover_per_year=0.0)
    dated.run("2017-03")
    sec = dated.secretaries
    assert np.all(sec.role == ROLES.index("changer"))
    assert not sec.regisseur.any()
    np.testing.assert_array_equal(sec.desires, desires)
    np.testing.assert_array_equal(sec.appointed_step, appointed)
    expected = desired_mix(
        sec.desires,
        sec.role,
        dated.params["comfort_mode_weight"],
        dated.params["undesired_mode_weight"],
        sec.rejected,
    )
    np.testing.assert_array_equal(sec.desired_mix, expected)


def test_a_later_drawn_role_leaves_the_serving_secretary_as_set_and_frees_the_next_one():
    rules = [
        {"where": "all", "role": "executor"},
        {"where": "all", "role": "drawn", "start": "2015-01"},
    ]
    run = model(rules, secretary_turnover_per_year=0.0).run("2015-01")
    assert np.all(run.secretaries.role == ROLES.index("executor"))
    assert np.all(run.levers.role == -1)


def test_a_rule_added_during_the_run_is_the_run_built_with_it_from_the_start():
    for backend in ("numba", "numpy"):
        built = model([{**COACH, "start": "2018-03"}], backend=backend).run("2021-06")
        live = model(backend=backend).run("2018-02")
        live.add_strategy([{k: v for k, v in COACH.items()}])  # no start: the next month
        live.run("2021-06")
        assert live.strategy_rules[-1].start == dt.date(2018, 3, 1)
        assert fingerprint(live) == fingerprint(built), backend
        assert live.event_log().equals(built.event_log())


def test_a_live_rule_replays_from_the_recipe_and_through_pickle():
    live = model().run("2016-09")
    live.add_strategy([{"where": "Amersfoort", "dso_lobby": 1.0, "role": "connector"}])
    live.run("2017-08")
    again = replay(live.recipe(), live.steps)
    assert fingerprint(again) == fingerprint(live)
    assert fingerprint(pickle.loads(pickle.dumps(live))) == fingerprint(live)


def test_a_rule_for_a_month_already_simulated_is_refused_and_changes_nothing():
    live = model().run("2018-06")
    rules = live.strategy_rules
    with pytest.raises(LeverError, match="has been simulated already") as info:
        live.add_strategy(
            [{"where": "all", "dso_lobby": 1.0}, {**COACH, "start": "2018-06"}]  # 2nd bad
        )
    assert info.value.allowed == "a month from 2018-07 on"
    assert live.strategy_rules == rules
    live.add_strategy([{**COACH, "start": "2020-01"}])
    assert len(live.strategy_rules) == len(rules) + 1


# ---------------------------------------------------------------------------- files and flags
def _scenario(tmp_path: Path, start: str) -> Path:
    path = tmp_path / "coach_from_2019.toml"
    path.write_text(
        'name = "coach_from_2019"\nextends = "baseline"\n'
        'title = { nl = "Coachen vanaf 2019", en = "Coaching from 2019" }\n'
        'description = { nl = "x", en = "x" }\n'
        f'[[strategy]]\nwhere = "all"\nstart = {start}\ncoach_college = 0.8\n',
        encoding="utf-8",
    )
    return path


def test_a_scenario_file_states_the_month_a_rule_starts(tmp_path):
    scenario = load_scenario(_scenario(tmp_path, "2019-01-01"))
    assert scenario.strategy[-1] == StrategyRule("all", {"coach_college": 0.8}, "2019-01")
    with pytest.raises(ScenarioError, match=r"strategy\[0\]\.start.*outside the allowed period"):
        load_scenario(_scenario(tmp_path, "2031-01-01"))


def test_a_scenario_table_with_only_where_and_start_is_refused(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text(
        'name = "empty"\nextends = "baseline"\ntitle = { nl = "x", en = "x" }\n'
        'description = { nl = "x", en = "x" }\n[[strategy]]\nwhere = "all"\nstart = 2019-01-01\n',
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="sets no choice besides 'where'"):
        load_scenario(path)


def test_the_json_schema_describes_start(tmp_path):
    out = tmp_path / "scenario.schema.json"
    subprocess.run(
        [sys.executable, "-m", "govsim", "schema", "scenario", "--out", str(out)], check=True
    )
    schema = json.loads(out.read_text(encoding="utf-8"))
    rule = schema["$defs"]["StrategyRule"]["properties"]["start"]
    assert "first month" in json.dumps(rule)


def test_the_strategy_flag_takes_a_start_month():
    rule = parse_strategy_option("size_class <20k: coach_college=0.7, start=2019-01")
    assert rule == StrategyRule("size_class <20k", {"coach_college": 0.7}, "2019-01")
    with pytest.raises(ScenarioError, match="a month from 2013-01 to 2029-12"):
        parse_strategy_option("all: coach_college=0.7, start=2031-01")
    with pytest.raises(ScenarioError, match="sets no choice besides 'start'"):
        parse_strategy_option("all: start=2019-01")
