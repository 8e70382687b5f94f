"""The secretary's choices as controls: national, or for the selected municipality (issue 16).

The rule the controls build (`presets.strategy_rules` with ``where``), the run it makes
(`Session.reset(..., where=...)`), and a widget test that a lever control for one municipality
changes that municipality's run after Reset.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from app_widgets import render_app

from govsim.model.levers import StrategyRule
from govsim.viz import drilldown, presets
from govsim.viz.session import Session

SUBSET = ["Borne", "Hengelo", "Enschede", "Utrecht"]
BORNE = "GM0147"


# ---------------------------------------------------------------------------- the rule
def test_the_controls_make_one_rule_for_the_chosen_municipality():
    scenario = presets.load(presets.BASELINE)
    overrides = {"role": "changer", "coach_college": 0.7, "data_driven": 0.4}
    rules = presets.strategy_rules(scenario, overrides, where=BORNE)
    assert rules[: len(scenario.strategy)] == tuple(scenario.strategy)
    assert rules[-1] == StrategyRule(
        BORNE, {"role": "changer", "coach_college": 0.7, "data_driven": 0.4}
    )
    national = presets.strategy_rules(scenario, overrides)
    assert national[-1].where == "all"


def test_choices_for_one_municipality_stay_out_of_the_national_parameters():
    scenario = presets.load(presets.BASELINE)
    overrides = {"coach_college": 0.7, "training_intensity": 0.5}
    national, _ = presets.model_inputs(scenario, overrides)
    one, _ = presets.model_inputs(scenario, overrides, where=BORNE)
    assert national["coach_college"] == pytest.approx(0.7)
    assert "coach_college" not in one  # the baseline leaves it at the installed default
    # a big slider that is no lever still applies nationally
    assert one["training_intensity"] == national["training_intensity"] == pytest.approx(0.5)


def test_a_run_with_choices_for_one_municipality():
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 5, {"role": "changer", "coach_college": 0.9}, where=BORNE)
    model = session.model
    row = drilldown.find_row(model, BORNE)
    coach = model.levers["coach_college"]
    assert coach[row] == pytest.approx(0.9)
    others = np.delete(coach, row)
    assert not np.allclose(others, 0.9)
    assert model.secretary_agents[row].role == "changer"
    assert session.primary.where == BORNE
    assert model.strategy_rules[-1].where == BORNE
    session.step(3)
    again = pickle.loads(pickle.dumps(model))  # the rule replays
    assert again.steps == 3
    np.testing.assert_allclose(again.state.transformation, model.state.transformation)


# ---------------------------------------------------------------------------- the app
@pytest.fixture
def rendered():
    """The app on the subset in its own kernel context: (render context, session)."""
    yield from render_app(SUBSET)


def test_a_lever_control_for_the_selected_municipality_changes_its_run(rendered):
    rc, session = rendered
    scope = rc.find(meta_ref="choices_scope").widget
    assert scope.disabled  # nothing picked yet
    assert scope.label == "Alleen voor één gemeente (kies eerst een gemeente)"
    rc.find(meta_ref="municipality").widget.v_model = "Borne"
    scope = rc.find(meta_ref="choices_scope").widget
    assert not scope.disabled and scope.label == "Alleen voor Borne"
    scope.v_model = True
    rc.find(meta_ref="select_role").widget.v_model = "changer"
    rc.find(meta_ref="slider_coach_college").widget.v_model = 0.8
    rc.find(meta_ref="pending").assert_single()
    row = drilldown.find_row(session.model, "Borne")
    before = session.model.levers["coach_college"].copy()
    assert before[row] != pytest.approx(0.8)  # only from Reset
    rc.find(meta_ref="reset").widget.click()
    levers = session.model.levers["coach_college"]
    assert levers[row] == pytest.approx(0.8)
    np.testing.assert_allclose(np.delete(levers, row), np.delete(before, row))
    assert session.model.secretary_agents[row].role == "changer"
    assert session.model.strategy_rules[-1] == StrategyRule(
        BORNE, {"role": "changer", "coach_college": 0.8}
    )
    rc.find(meta_ref="pending").assert_empty()
    rc.find(meta_ref="lang_en").widget.click()
    assert rc.find(meta_ref="choices_scope").widget.label == "Only for Borne"


def test_switching_the_scope_back_to_national_is_pending_until_reset(rendered):
    rc, session = rendered
    rc.find(meta_ref="municipality").widget.v_model = "Borne"
    rc.find(meta_ref="choices_scope").widget.v_model = True
    rc.find(meta_ref="slider_coach_college").widget.v_model = 0.6
    rc.find(meta_ref="reset").widget.click()
    assert session.primary.where == BORNE
    rc.find(meta_ref="choices_scope").widget.v_model = False
    rc.find(meta_ref="pending").assert_single()
    rc.find(meta_ref="reset").widget.click()
    assert session.primary.where == "all"
    assert np.allclose(session.model.levers["coach_college"], 0.6)
