"""The timeline to scrub, the live monitors and the "what changed" line (issue 16).

Unit tests of `viz.timeline` (the month store, the monitors, the sentence from a known event
log) and widget tests that the timeline slider changes the month the app shows.
"""

from __future__ import annotations

import datetime as dt

import ipyvuetify as v
import numpy as np
import pytest
from app_widgets import render_app

from govsim.viz import app as viz_app
from govsim.viz import drilldown, i18n, presets, survey, timeline
from govsim.viz.charts import ChartRenderer, series_arrays
from govsim.viz.map_view import MAP_INDICATORS, municipality_values
from govsim.viz.session import Session

SUBSET = ["Borne", "Hengelo", "Enschede", "Utrecht"]
"""Borne, Hengelo, Enschede and the province of Utrecht: 29 municipalities."""


@pytest.fixture(scope="module")
def stepped():
    """A session stepped 8 months, with each month's live map values kept on the side."""
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 11)
    live = {0: {k: municipality_values(session.model, k).copy() for k in MAP_INDICATORS}}
    for k in range(1, 9):
        session.step()
        live[k] = {key: municipality_values(session.model, key).copy() for key in MAP_INDICATORS}
    return session, live


# ---------------------------------------------------------------------------- the store
def test_the_store_keeps_every_month_and_its_map_values(stepped):
    session, live = stepped
    store = session.primary.months
    assert store.steps == list(range(9))
    assert store.latest == 8 == session.steps
    for k, values in live.items():
        view = store.at(k)
        assert view.step == k
        assert view.date == session.model.calendar.date_of(max(k, 1))
        for key in MAP_INDICATORS:
            np.testing.assert_allclose(view.map_values[key], values[key], rtol=1e-6, atol=1e-7)
    assert store.at(None) is store.at(8)
    assert store.at(99) is None


def test_the_store_holds_arrays_not_models(stepped):
    session, _ = stepped
    store = session.primary.months
    n = session.model.municipalities.n
    # 7 float32 + 2 int8 map arrays and (n, 2, 4) float32 progress figures per month
    per_month = n * (7 * 4 + 2 * 1) + n * 2 * 4 * 4
    assert store.at(3).nbytes == per_month
    assert store.nbytes() == 9 * per_month
    assert all(isinstance(a, np.ndarray) for a in store.at(3).map_values.values())


def test_the_store_keeps_the_drilldown_progress_of_the_month(stepped):
    session, _ = stepped
    view = session.primary.months.at(8)
    st = session.model.state
    np.testing.assert_allclose(view.progress[:, :, 0], st.transition, rtol=1e-6)
    np.testing.assert_allclose(view.progress[:, :, 1], st.transformation, rtol=1e-6)
    np.testing.assert_array_equal(view.progress[:, :, 2], st.steering.argmax(axis=2))
    row = drilldown.find_row(session.model, "Borne")
    section = drilldown.past_progress(view.progress, row, "en")
    texts = [r.text for r in section.rows]
    assert texts[0] == f"{100 * float(st.transition[row, 0]):.0f}%"
    assert texts[2] == i18n.term(
        ("legal", "performing", "collaborative", "responsive")[int(st.steering[row, 0].argmax())],
        "en",
    )


def test_monitors_come_from_the_indicators(stepped):
    session, _ = stepped
    model = session.model
    found = timeline.monitors(model)
    ind = model.indicators
    assert found["responsive_social"] == pytest.approx(ind["dominant_social_responsive"])
    assert found["responsive_physical"] == pytest.approx(ind["dominant_physical_responsive"])
    expected = (ind["on_schedule_social"] + ind["on_schedule_physical"]) / 2
    assert found["on_schedule"] == pytest.approx(expected)
    assert found["satisfaction"] == pytest.approx(np.median(model.secretaries.satisfaction))
    assert session.primary.months.at(8).monitors == found


def test_monitors_before_the_first_month_are_nan():
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 3)
    values = session.primary.months.at(0).monitors
    assert np.isnan(values["responsive_social"])
    assert viz_app.monitor_texts(session.primary.months.at(0), "nl")[0][1] == "–"


def test_charts_are_cut_at_a_past_month(stepped):
    session, _ = stepped
    x, values = series_arrays(session.model, ["transformation_social"], upto=3)
    full = session.model.datacollector.model_vars["transformation_social"]
    assert len(x) == 3 and values["transformation_social"].tolist() == pytest.approx(full[:3])
    renderer = ChartRenderer()
    labels = ["A"]
    past = renderer.render([session.model], labels, "nl", "png", upto=3)
    now = renderer.render([session.model], labels, "nl", "png")
    assert past != now
    assert renderer.render([session.model], labels, "nl", "png", upto=3) == past


# ---------------------------------------------------------------------------- what changed
KNOWN_EVENTS = [
    {"step": 2, "municipality": 5, "kind": "mode_change", "to_mode": "collaborative"},
    {"step": 51, "municipality": 1, "kind": "mode_change", "to_mode": "collaborative"},
    {"step": 52, "municipality": 1, "kind": "mode_change", "to_mode": "collaborative"},
    {"step": 53, "municipality": 2, "kind": "mode_change", "to_mode": "collaborative"},
    {"step": 53, "municipality": 3, "kind": "mode_change", "to_mode": "legal"},
    {"step": 54, "municipality": 4, "kind": "new_secretary"},
    {"step": 57, "municipality": 6, "kind": "mode_change", "to_mode": "collaborative"},
]
"""Steps 51-56 (2017-03 to 2017-08): municipalities 1 and 2 to collaborative (1 twice), one
new secretary; steps 2 and 57 lie outside."""


def test_what_changed_from_a_known_event_log():
    tl = presets.load(presets.BASELINE).timeline  # postponement announced 2017-07
    start, end = (50, dt.date(2017, 2, 1)), (56, dt.date(2017, 8, 1))
    assert timeline.what_changed(KNOWN_EVENTS, tl, start, end, "en") == (
        "since 2017-02: 2 municipalities moved to collaborative steering; 1 new secretary; "
        "1 postponement"
    )
    assert timeline.what_changed(KNOWN_EVENTS, tl, start, end, "nl") == (
        "sinds 2017-02: 2 gemeenten gingen over op samenwerkend sturen; 1 nieuwe secretaris; "
        "1 uitstel"
    )


def test_what_changed_says_so_when_nothing_changed():
    tl = presets.load(presets.BASELINE).timeline
    start, end = (60, dt.date(2017, 12, 1)), (62, dt.date(2018, 2, 1))
    assert timeline.what_changed(KNOWN_EVENTS, tl, start, end, "en") == (
        "since 2017-12: no big changes"
    )


def test_what_changed_reads_the_models_event_log(stepped):
    session, _ = stepped
    model = session.model
    log = model.event_log()
    first, last = session.primary.months.at(2), session.primary.months.at(8)
    stretch = log[(log["step"] > 2) & (log["step"] <= 8)]
    moved = stretch[(stretch["kind"] == "mode_change") & (stretch["to_mode"] == "collaborative")]
    n = moved["municipality"].nunique()
    text = timeline.what_changed(
        log, model.timeline, (first.step, first.date), (last.step, last.date), "en"
    )
    assert text.startswith(f"since {i18n.month(first.date)}: ")
    assert (f"{n} municipalities moved to collaborative steering" in text) == (n > 0)
    assert text == timeline.what_changed(
        model.events, model.timeline, (first.step, first.date), (last.step, last.date), "en"
    )


# ---------------------------------------------------------------------------- survey month
def test_survey_fieldwork_months():
    assert survey.in_fieldwork(dt.date(2017, 7, 1))
    assert survey.in_fieldwork(dt.date(2017, 9, 1))
    assert not survey.in_fieldwork(dt.date(2017, 10, 1))
    assert not survey.in_fieldwork(dt.date(2021, 6, 1))


def test_interview_now_is_kept_for_the_month(stepped):
    session, _ = stepped
    run = session.primary
    answers = survey.interview_now(run)
    assert run.survey_now[0] == 8
    assert set(answers["domain"]) == {"social", "physical"}
    assert answers["percent"].between(0, 100).all()
    assert survey.interview_now(run) is answers


# ---------------------------------------------------------------------------- the app
@pytest.fixture
def rendered():
    """The app on the subset in its own kernel context: (render context, session)."""
    yield from render_app(SUBSET)


def html(rc, ref: str) -> str:
    return rc.find(meta_ref=ref).widget.unsafe_innerHTML


def test_the_timeline_slider_shows_a_past_month(rendered):
    rc, session = rendered
    for _ in range(5):
        rc.find(meta_ref="step").widget.click()
    assert html(rc, "date") == "2013-05"
    slider = rc.find(meta_ref="timeline").widget
    assert slider.max == 5 and slider.v_model == 5
    live_map = rc.find(meta_ref="map_0").widget.src
    live_charts = rc.find(meta_ref="charts").widget.src
    slider.v_model = 2
    assert html(rc, "date") == "2013-02"
    assert html(rc, "month") == "teruggekeken — maand 2 van 204"
    assert "Terugkijken: 2013-02" in html(rc, "timeline_text")
    assert "vanaf de laatste maand (2013-05)" in html(rc, "timeline_text")
    assert rc.find(meta_ref="map_0").widget.src != live_map
    assert rc.find(meta_ref="charts").widget.src != live_charts
    assert session.steps == 5  # nothing re-simulated
    # the monitors show the month on the timeline
    shown = viz_app.monitor_texts(session.view(2), "nl")
    assert html(rc, "monitor_0_0") == shown[0][1]
    # back to now: the live pictures again
    rc.find(meta_ref="to_live").widget.click()
    assert html(rc, "date") == "2013-05"
    assert rc.find(meta_ref="map_0").widget.src == live_map


def test_stepping_from_a_past_month_continues_from_the_latest(rendered):
    rc, session = rendered
    for _ in range(4):
        rc.find(meta_ref="step").widget.click()
    rc.find(meta_ref="timeline").widget.v_model = 1
    assert html(rc, "date") == "2013-01"
    rc.find(meta_ref="step").widget.click()
    assert session.steps == 5
    assert html(rc, "date") == "2013-05"
    assert html(rc, "month") == "maand 5 van 204"
    assert rc.find(meta_ref="timeline").widget.v_model == 5


def test_the_drilldown_shows_the_month_on_the_timeline(rendered):
    rc, session = rendered
    for _ in range(6):
        rc.find(meta_ref="step").widget.click()
    rc.find(meta_ref="municipality").widget.v_model = "Borne"
    row = drilldown.find_row(session.model, "Borne")
    rc.find(meta_ref="timeline").widget.v_model = 3
    view = session.view(3)
    assert html(rc, "drilldown_past").startswith("Stand in 2013-03")
    texts = [
        w.unsafe_innerHTML
        for w in rc.find(meta_ref="section_progress_0").find(meta_ref="row_text").widgets
    ]
    assert texts[0] == f"{100 * float(view.progress[row, 0, 0]):.0f}%"
    rc.find(meta_ref="section_secretary_0").assert_empty()  # not stored per month
    lines = drilldown.event_lines(session.model, row, "nl", upto=3)
    shown = html(rc, "log_0")
    assert shown.count("<div>") == len(lines)


def test_the_what_changed_line_follows_a_stretch(rendered):
    rc, session = rendered
    for _ in range(3):
        session.step()
    rc.find(meta_ref="step").widget.click()  # a stretch of one month: 3 -> 4
    run = session.primary
    expected = timeline.what_changed(
        run.model.events,
        run.model.timeline,
        (3, run.months.at(3).date),
        (4, run.months.at(4).date),
        "nl",
    )
    assert html(rc, "changed") == expected
    assert expected.startswith("sinds 2013-03: ")
    rc.find(meta_ref="lang_en").widget.click()
    assert html(rc, "changed").startswith("since 2013-03: ")


def test_the_survey_panel_at_the_current_month(rendered):
    rc, session = rendered
    rc.find(v.Tabs).widget.v_model = 0
    session.step(54)
    rc.find(meta_ref="step").widget.click()  # 2017-07: in the fieldwork
    rc.find(meta_ref="survey_now").widget.v_model = True
    assert "2017-07" in html(rc, "survey_note")
    assert "met de gemeten cijfers" in html(rc, "survey_note")
    in_fieldwork = rc.find(meta_ref="survey").widget.src
    session.step(3)
    rc.find(meta_ref="step").widget.click()  # 2017-11: outside
    assert "Gemeten cijfers alleen in het veldwerk van 2017 (2017-07 tot 2017-09)" in html(
        rc, "survey_note"
    )
    assert rc.find(meta_ref="survey").widget.src != in_fieldwork
    assert session.primary.survey_now[0] == 59
