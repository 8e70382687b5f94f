"""The secretary's choices live: "Nu toepassen" during a run (issue 16).

A room asks "what if we coach the college from now on?": the changed choices join the run as a
dated rule from the next month, the run goes on where it is, and saving, reopening, switching
side by side and the model's recipe all repeat it.
"""

from __future__ import annotations

import datetime as dt
import json

import ipyvuetify as v
import numpy as np
import pytest
from app_widgets import render_app

from govsim.agents import ROLES
from govsim.model.levers import StrategyRule
from govsim.model.persistence import fingerprint
from govsim.viz import drilldown, presets, saved
from govsim.viz.session import Session

SUBSET = ["Borne", "Hengelo", "Enschede", "Utrecht"]
BORNE = "GM0147"
COACH = {"coach_college": 0.9, "role": "changer"}


# ---------------------------------------------------------------------------- what applies
def test_only_the_choices_changed_since_they_last_applied_are_applied():
    scenario = presets.load(presets.BASELINE)
    applied = {"coach_college": 0.5, "lead_time": 24}
    overrides = {"coach_college": 0.5, "lead_time": 30, "role": "changer", "dso_lobby": 0.3}
    assert presets.choices_to_apply(scenario, overrides, applied) == {
        "role": "changer",
        "dso_lobby": 0.3,
    }  # the big slider lead_time waits for a Reset
    # a control set back applies the scenario's value again
    back = presets.choices_to_apply(scenario, {}, {"coach_college": 0.5, "role": "changer"})
    assert back == {
        "role": "drawn",
        "coach_college": presets.scenario_value(scenario, "coach_college"),
    }
    # a new scope: every touched choice applies there
    assert presets.choices_to_apply(scenario, applied, applied, scope_changed=True) == {
        "coach_college": 0.5
    }
    assert presets.choices_to_apply(scenario, applied, applied) == {}


# ---------------------------------------------------------------------------- the session
def test_applying_now_goes_on_from_the_month_reached_and_equals_the_run_built_with_it():
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 7)
    session.step(40)
    model = session.model
    before = model.national_series().copy()
    rule = session.apply_now(COACH, BORNE)
    assert rule == StrategyRule(BORNE, COACH, model.calendar.date_of(41))
    assert session.steps == 40 and session.model is model  # nothing simulated again
    session.step(30)
    np.testing.assert_array_equal(model.national_series().iloc[:40].to_numpy(), before.to_numpy())
    row = drilldown.find_row(model, BORNE)
    assert model.levers["coach_college"][row] == pytest.approx(0.9)
    assert model.secretaries.role[row] == ROLES.index("changer")
    assert np.all(np.delete(model.levers["coach_college"], row) == 0.0)
    built = Session(SUBSET)
    built.reset(presets.BASELINE, 7, live=[rule])
    built.step(70)
    assert fingerprint(built.model) == fingerprint(model)


def test_side_by_side_both_runs_get_the_rule_and_b_switched_on_later_keeps_it():
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 3, compare_with="dso_delay")
    session.step(24)
    session.apply_now({"dso_lobby": 1.0}, "all")
    assert [len(r.live) for r in session.runs] == [1, 1]
    assert all(np.all(r.model.levers["dso_lobby"] == 0.0) for r in session.runs)
    session.step(6)
    assert all(np.all(r.model.levers["dso_lobby"] == 1.0) for r in session.runs)
    late = Session(SUBSET)
    late.reset(presets.BASELINE, 3)
    late.step(24)
    late.apply_now({"dso_lobby": 1.0}, "all")
    late.step(6)
    late.set_comparison("dso_delay")
    assert late.runs[1].live == session.runs[1].live
    assert fingerprint(late.runs[1].model) == fingerprint(session.runs[1].model)


def test_nothing_to_apply_or_no_month_left_changes_nothing_and_a_bad_value_no_run():
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 3, compare_with="dso_delay")
    assert session.apply_now({}, "all") is None
    with pytest.raises(ValueError, match="coach_college"):
        session.apply_now({"coach_college": 2.0}, "all")
    assert [r.live for r in session.runs] == [(), ()]
    session.step(session.n_steps)
    assert not session.running
    assert session.apply_now(COACH, "all") is None


def test_a_saved_session_keeps_the_choices_applied_during_the_run():
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 9)
    session.step(30)
    session.apply_now(COACH, BORNE)
    session.step(12)
    data = saved.dumps(session)
    record = json.loads(data)
    assert record["live"] == [{"where": BORNE, "start": "2015-07-01", **COACH}]
    opened = Session(SUBSET)
    saved.open_record(opened, saved.loads(data))
    assert opened.live == session.live
    assert opened.steps == 42
    assert fingerprint(opened.model) == fingerprint(session.model)


@pytest.mark.parametrize(
    ("live", "fragment"),
    [
        ("soon", "live must be a list"),
        ([{"where": "Nowhere", "coach_college": 0.5, "start": "2015-01"}], "does not fit"),
        ([{"where": "all", "coach_college": 0.5}], "needs its 'start' month"),
        ([{"where": "all", "coach_college": 0.5, "start": "later"}], "is not a month"),
    ],
)
def test_a_saved_file_with_broken_live_choices_is_refused(live, fragment):
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 9)
    record = json.loads(saved.dumps(session))
    record["live"] = live
    with pytest.raises(saved.SavedSessionError, match=fragment):
        saved.loads(json.dumps(record))


# ---------------------------------------------------------------------------- the app
@pytest.fixture
def rendered():
    """The app on the subset in its own kernel context: (render context, session)."""
    yield from render_app(SUBSET)


def _step(rc, n):
    for _ in range(n):
        rc.find(meta_ref="step").widget.click()


def test_the_apply_now_button_applies_the_changed_choice_for_the_picked_municipality(rendered):
    rc, session = rendered
    button = rc.find(meta_ref="apply_now").widget
    assert button.disabled  # nothing changed
    _step(rc, 5)
    rc.find(meta_ref="municipality").widget.v_model = "Borne"
    rc.find(meta_ref="choices_scope").widget.v_model = True
    rc.find(meta_ref="slider_coach_college").widget.v_model = 0.8
    button = rc.find(meta_ref="apply_now").widget
    assert not button.disabled
    assert "2013-06" in button.children[0]
    model = session.model
    button.click()
    assert session.model is model and session.steps == 5  # the run goes on
    assert model.strategy_rules[-1] == StrategyRule(
        BORNE, {"coach_college": 0.8}, dt.date(2013, 6, 1)
    )
    assert rc.find(meta_ref="apply_now").widget.disabled  # applied: nothing left to apply
    rc.find(meta_ref="pending").assert_empty()
    live = rc.find(meta_ref="live_choices").widget
    assert "vanaf 2013-06 — Borne" in live.unsafe_innerHTML
    assert "0,8" in live.unsafe_innerHTML
    _step(rc, 1)
    row = drilldown.find_row(model, BORNE)
    assert model.levers["coach_college"][row] == pytest.approx(0.8)
    assert np.all(np.delete(model.levers["coach_college"], row) == 0.0)
    # a Reset starts again with the controls from the start, without the dated rule (six
    # months in: after a yes)
    rc.find(meta_ref="reset").widget.click()
    assert session.steps == 6 and rc.find(v.Dialog).widget.v_model is True
    yes = next(
        b for b in rc.find(v.Dialog).find(v.Btn).widgets if "Ja, opnieuw beginnen" in b.children
    )
    yes.click()
    assert session.steps == 0 and session.live == ()
    assert session.model.strategy_rules[-1] == StrategyRule(BORNE, {"coach_college": 0.8})
    rc.find(meta_ref="live_choices").assert_empty()


def test_a_big_slider_still_waits_for_reset_after_apply_now(rendered):
    rc, session = rendered
    _step(rc, 2)
    rc.find(meta_ref="slider_training_intensity").widget.v_model = 0.9
    rc.find(meta_ref="select_stance").widget.v_model = "coach"
    rc.find(meta_ref="apply_now").widget.click()
    assert session.live[-1].values == {"stance": "coach"}
    assert session.live[-1].where == "all"
    rc.find(meta_ref="pending").assert_single()  # training intensity
    _step(rc, 1)
    assert not session.model.secretaries.regisseur.any()
