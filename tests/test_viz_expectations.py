"""The app's tab "What the report expects" (viz/expectations.py), on a province subset."""

import datetime as dt

import ipyvuetify as v
import pytest
from app_widgets import render_app

from govsim.viz import expectations as ve
from govsim.viz.session import Session

PLACES = ["Utrecht"]


def _step_to(session: Session, month: str) -> None:
    target = session.model.calendar.step_of(month)
    session.step(target - session.steps)


@pytest.fixture
def pair():
    session = Session(PLACES)
    session.reset("dso_delay", 7, compare_with="baseline")
    return session


def test_before_the_month_the_rows_wait_and_after_it_they_hold_the_paired_difference(pair):
    waiting = ve.rows(pair.runs)
    assert [r.expectation.indicator for r in waiting] == [
        e.indicator for e in pair.runs[0].scenario.expectations
    ]
    assert all(r.run == 0 and r.delta is None and r.verdict is None for r in waiting)
    transition = waiting[0]
    assert transition.when == dt.date(2021, 1, 1)  # the baseline's entry into force
    _step_to(pair, "2021-01-01")
    now = ve.rows(pair.runs)[0]
    step = pair.model.calendar.step_of("2021-01-01")
    a = pair.runs[0].model.datacollector.model_vars["transition_physical"][step - 1]
    b = pair.runs[1].model.datacollector.model_vars["transition_physical"][step - 1]
    assert now.delta == pytest.approx(a - b) and now.delta < 0  # the DSO later: behind
    assert now.verdict == "agrees"


def test_alone_or_beside_another_scenario_the_tab_shows_the_words_without_a_difference():
    session = Session(PLACES)
    session.reset("dso_delay", 7)
    found = ve.rows(session.runs)
    # no reference run: 'reference_entry' is the baseline file's entry into force
    assert found[0].when == dt.date(2021, 1, 1) and found[0].delta is None
    body = ve.html_body(session.runs, ["A: DSO-vertraging"], "nl")
    assert "Vergelijk met Basis" in body and "nog niet bereikt" not in body
    assert "achilleshiel" in body and "rapport Kader 10" in body and "report Kader" not in body
    session.reset("time_pressure", 7, compare_with="dso_delay")
    assert ve.reference_run(session.runs) is None
    assert {r.run for r in ve.rows(session.runs)} == {0, 1}


def test_the_body_says_what_the_run_shows_in_either_language(pair):
    _step_to(pair, "2021-01-01")
    labels = ["A: DSO delay", "B: Baseline"]
    en = ve.html_body(pair.runs, labels, "en")
    assert "One run against Baseline with the same seed" in en
    assert "in this run −" not in en and "in this run -0." in en
    assert "<b>as the report expects</b>" in en and "A: DSO delay" in en
    nl = ve.html_body(pair.runs, labels, "nl")
    assert "in deze run -0," in nl and "<b>zoals het rapport verwacht</b>" in nl
    baseline_only = Session(PLACES)
    baseline_only.reset("baseline", 7)
    assert "noemen geen verwachtingen" in ve.html_body(baseline_only.runs, ["A"], "nl")


@pytest.fixture
def rendered_utrecht():
    """The whole app on the municipalities of Utrecht: (render context, its Session)."""
    yield from render_app(PLACES)


def test_the_app_tab_follows_the_run(rendered_utrecht):
    rc, session = rendered_utrecht
    rc.find(v.Tabs).widget.v_model = 3
    body = rc.find(meta_ref="expectations").widget
    assert "noemen geen verwachtingen" in body.unsafe_innerHTML  # the baseline alone
    rc.find(meta_ref="compare").widget.v_model = True  # B: the first other scenario
    assert len(session.runs) == 2
    text = rc.find(meta_ref="expectations").widget.unsafe_innerHTML
    assert "B: " in text and "nog niet bereikt" in text
    _step_to(session, session.runs[1].model.timeline.physical.final_entry().isoformat())
    rc.find(meta_ref="step").widget.click()
    text = rc.find(meta_ref="expectations").widget.unsafe_innerHTML
    assert (
        "in deze run" in text and "nog niet bereikt" not in text.split("B: ")[1].split("</ul>")[0]
    )
