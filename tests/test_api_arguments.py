"""Arguments of the Python API are checked as the command line checks them (API audit, 8 Dec).

A seed that is not a whole number, a month outside the run, a selection that is empty or a
scenario built in code with fields of the wrong kind are refused before anything runs, with a
message that names the argument; what a researcher naturally passes (numpy numbers, a date, one
rule alone, one name alone) is taken as meant.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings

import numpy as np
import pytest

import govsim
from govsim.experiments.survey.simulate import simulate_survey
from govsim.model.calendar import CalendarError, MonthCalendar
from govsim.model.governance_model import GovernanceModel
from govsim.model.levers import LeverError, StrategyRule, UnmatchedRuleWarning
from govsim.model.municipalities import select_municipalities
from govsim.model.parameters import ParameterError, resolve_parameters
from govsim.model.seeds import MAX_SEED, checked_seed
from govsim.scenarios.ensemble import make_tasks, say_unmatched
from govsim.scenarios.loader import load_scenario
from govsim.scenarios.scenario import Scenario, ScenarioError

SMALL = ["Borne"]


# ---------------------------------------------------------------------------- seeds
@pytest.mark.parametrize("bad", [1.7, "5", True, -1, MAX_SEED + 1, None, np.bool_(True)])
def test_a_seed_that_is_not_a_whole_number_in_range_is_refused(bad):
    with pytest.raises(ParameterError, match=r"seed must be a whole number from 0 to 2\*\*128"):
        checked_seed(bad)
    with pytest.raises(ParameterError, match=r"^seed must be"):
        govsim.run("baseline", replications=1, seed=bad, municipalities=SMALL, progress=False)


def test_numpy_integers_are_seeds_and_give_the_same_run():
    assert checked_seed(np.int64(5)) == 5 and type(checked_seed(np.uint32(5))) is int
    a = GovernanceModel(rng=np.int64(3), municipalities=SMALL).run("2014-01")
    b = GovernanceModel(rng=3, municipalities=SMALL).run("2014-01")
    assert a.national_series().equals(b.national_series())


@pytest.mark.parametrize("bad", [1.7, "abc", -1, True])
def test_the_model_names_its_rng_argument(bad):
    with pytest.raises(ParameterError, match=r"^rng must be a whole number .* numpy Generator"):
        GovernanceModel(rng=bad, municipalities=SMALL)


def test_seed_is_not_a_parameter_of_the_model_and_the_message_says_rng():
    with pytest.raises(ParameterError, match=r"rng=\.\.\., not seed="):
        GovernanceModel(seed=1, municipalities=SMALL)


def test_the_survey_checks_its_seed_and_its_instrument():
    with pytest.raises(ParameterError, match=r"^seed must be"):
        simulate_survey(seed=1.7, municipalities=SMALL, sample="all")
    with pytest.raises(ValueError, match="unknown instrument setting 'answer_nose'; allowed: "):
        simulate_survey(seed=1, instrument={"answer_nose": 0.1}, municipalities=SMALL)
    for value in (float("inf"), "0.1", True):
        with pytest.raises(ValueError, match="answer_noise must be a finite number >= 0"):
            simulate_survey(seed=1, instrument={"answer_noise": value}, municipalities=SMALL)
    with pytest.raises(ValueError, match="emphasis_scale must be a finite number > 0"):
        simulate_survey(seed=1, instrument={"emphasis_scale": float("inf")}, municipalities=SMALL)


# ---------------------------------------------------------------------------- months
def test_until_as_a_date_is_stored_as_its_month_and_saves(tmp_path):
    res = govsim.run(
        "baseline", 1, 1, municipalities=SMALL, until=dt.date(2014, 3, 9), progress=False
    )
    assert res.arguments["until"] == "2014-03"
    assert str(res.dates[-1])[:7] == "2014-03"
    folder = res.save(tmp_path / "run", report=False)
    assert govsim.load(folder).arguments["until"] == "2014-03"


@pytest.mark.parametrize("until", ["2040-01", "2012-06"])
def test_until_outside_the_run_is_refused_as_on_the_command_line(until):
    with pytest.raises(CalendarError, match="outside the simulated months 2013-01 to 2029-12"):
        govsim.run("baseline", 1, 1, municipalities=SMALL, until=until, progress=False)


def test_a_calendar_takes_iso_months():
    assert MonthCalendar("2015-01", "2020-12") == MonthCalendar(
        dt.date(2015, 1, 1), dt.date(2020, 12, 1)
    )
    assert MonthCalendar("2015-01", "2020-12").n_steps == 72


# ---------------------------------------------------------------------------- selections
def test_a_name_that_is_also_a_province_selects_the_province_unless_told():
    assert len(select_municipalities(["Utrecht"])) == 26
    assert len(select_municipalities(["province Utrecht"])) == 26
    city = select_municipalities(["municipality Utrecht"])
    assert list(city["name"]) == ["Utrecht"] and list(city["code"]) == ["GM0344"]
    assert list(select_municipalities(["gemeente Groningen"])["name"]) == ["Groningen"]


def test_one_name_alone_is_a_selection_of_one_and_an_empty_one_is_refused():
    assert list(select_municipalities("Borne")["name"]) == ["Borne"]
    with pytest.raises(ParameterError, match="selection of municipalities is empty"):
        GovernanceModel(rng=1, municipalities=[])
    with pytest.raises(ParameterError, match="'province Nowhere' is not a 2017 municipality"):
        select_municipalities(["province Nowhere"])


# ---------------------------------------------------------------------------- parameters
def test_numpy_numbers_are_parameter_values():
    values = resolve_parameters(
        {"staff_floor": np.int64(12), "training_intensity": np.float32(0.5)}
    )
    assert values["staff_floor"] == 12 and type(values["staff_floor"]) is int
    assert values["training_intensity"] == 0.5
    with pytest.raises(ParameterError, match="must be a number"):
        resolve_parameters({"training_intensity": np.bool_(True)})


def test_arguments_of_the_wrong_kind_are_named():
    with pytest.raises(ParameterError, match="timeline must be a Timeline, got str"):
        GovernanceModel(rng=1, timeline="dso_delay", municipalities=SMALL)
    with pytest.raises(ParameterError, match="collect must be True or False"):
        GovernanceModel(rng=1, collect="no", municipalities=SMALL)
    with pytest.raises(LeverError, match="must be a list of rules, got str"):
        GovernanceModel(rng=1, strategy="coach_college=1", municipalities=SMALL)


def test_one_rule_alone_is_a_list_of_one():
    rule = {"where": "all", "coach_college": 0.7}
    one = GovernanceModel(rng=1, strategy=rule, municipalities=SMALL)
    listed = GovernanceModel(rng=1, strategy=[rule], municipalities=SMALL)
    assert one.strategy_rules == listed.strategy_rules
    assert one.levers.values["coach_college"].tolist() == [0.7]


# ---------------------------------------------------------------- rules that select nothing
def test_a_rule_for_a_place_outside_the_run_warns_that_it_changes_nothing():
    with pytest.warns(UnmatchedRuleWarning, match="'Amersfoort' selects none of the 25"):
        model = GovernanceModel(
            rng=3,
            municipalities=["Overijssel"],
            strategy=[{"where": "Amersfoort", "coach_college": 1}],
        )
    assert model.levers.values["coach_college"].max() == 0.0
    model.run("2014-01")
    with pytest.warns(UnmatchedRuleWarning, match="'province Utrecht' selects none"):
        model.add_strategy([{"where": "province Utrecht", "coach_college": 1}])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnmatchedRuleWarning)
        model.add_strategy([{"where": "Borne", "coach_college": 1}])  # in the run: no warning


def test_a_run_says_an_unmatched_rule_once_per_scenario_not_once_per_run(caplog):
    base = load_scenario("baseline")
    mine = Scenario(
        "mine", {"en": "Mine"}, {"en": "d"}, strategy=[{"where": "Amersfoort", "dso_lobby": 1}]
    )
    tasks = make_tasks([base, mine], 3, 1, municipalities=SMALL)
    with caplog.at_level(logging.WARNING, logger="govsim"):
        say_unmatched(tasks)
    assert [r.getMessage() for r in caplog.records] == [
        "scenario 'mine': the rule for where = 'Amersfoort' selects none of the 1 "
        "municipalities simulated, so it changes nothing"
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnmatchedRuleWarning)  # the runs themselves stay quiet
        res = govsim.run([base, mine], 2, 1, municipalities=SMALL, until="2014-01", progress=False)
    assert res.scenarios == ["baseline", "mine"]


# ---------------------------------------------------------------------------- scenarios in code
def test_a_scenario_built_in_code_takes_mappings_as_rules_and_saves(tmp_path):
    mine = Scenario(
        "mine", {"en": "Mine"}, {"en": "d"}, strategy=[{"where": "all", "coach_college": 1.0}]
    )
    assert isinstance(mine.strategy[0], StrategyRule)
    res = govsim.run(
        ["baseline", mine], 1, 1, municipalities=SMALL, until="2015-06", progress=False
    )
    folder = res.save(tmp_path / "run")
    assert govsim.load(folder).scenarios == ["baseline", "mine"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": None}, "title must be a dict of texts by language"),
        ({"description": {"en": 1}}, "description must be a dict of texts"),
        ({"timeline": "dso_delay"}, "timeline must be a Timeline, got str"),
        ({"params": [("x", 1)]}, "params must be a dict"),
    ],
)
def test_a_scenario_of_the_wrong_kind_is_refused_when_built(fields, message):
    args = {"title": {"en": "M"}, "description": {"en": "d"}, **fields}
    with pytest.raises(ScenarioError, match=message):
        Scenario("mine", **args)


def test_a_bad_rule_in_a_scenario_is_refused_when_built():
    with pytest.raises(LeverError, match="no_such_lever"):
        Scenario("mine", {"en": "M"}, {"en": "d"}, strategy=[{"where": "all", "no_such_lever": 1}])


# ---------------------------------------------------------------------------- the result
@pytest.fixture(scope="module")
def small_result():
    return govsim.run("baseline", 2, 1, municipalities=SMALL, until="2014-06", progress=False)


def test_one_indicator_alone_is_a_list_of_one(small_result):
    one = small_result.to_frame("transition_physical")
    assert set(one["indicator"]) == {"transition_physical"}
    assert one.equals(small_result.to_frame(["transition_physical"]))


def test_plot_and_save_refuse_what_they_cannot_do(small_result, tmp_path):
    with pytest.raises(ValueError, match="columns must be a whole number of at least 1, got 0"):
        small_result.plot(columns=0)
    with pytest.raises(ValueError, match="lang must be 'nl' or 'en', got 'fr'"):
        small_result.plot(lang="fr")
    with pytest.raises(ValueError, match="lang must be 'nl' or 'en', got 'fr'"):
        small_result.save(tmp_path / "fr", lang="fr")
    assert not (tmp_path / "fr").exists()


def test_tab_completion_offers_the_api():
    assert {"run", "load", "Result", "GovernanceModel", "scenario_names"} <= set(dir(govsim))


def test_a_seed_sequence_seeds_the_model_as_mesa_allows():
    a = GovernanceModel(rng=np.random.SeedSequence(5), municipalities=SMALL).run("2014-01")
    b = GovernanceModel(rng=np.random.SeedSequence(5), municipalities=SMALL).run("2014-01")
    assert a.national_series().equals(b.national_series())
