"""Widget-level tests of the workshop app (Solara, no browser).

Each test renders the app's components into ipywidgets inside its own Solara kernel context
(one context per test, as one browser tab has one), then clicks buttons and sets widget values
from Python, as the front end would.
"""

from __future__ import annotations

import threading
import time
import uuid

import ipyvuetify as v
import numpy as np
import pytest
import solara
from solara.server import kernel, kernel_context

from govsim.viz import app as viz_app
from govsim.viz import drilldown, i18n, presets
from govsim.viz.app import App


@pytest.fixture
def context():
    """A fresh Solara kernel context: the state of one browser session."""
    ctx = kernel_context.VirtualKernelContext(
        id=f"test-{uuid.uuid4()}", kernel=kernel.Kernel(), session_id="test-session"
    )
    with ctx:
        yield ctx
    ctx.close()


@pytest.fixture
def rendered(context):
    """The whole app for one session: (render context, its Session)."""
    sessions = []
    real = viz_app.new_session

    def capture(municipalities=None):
        session = real(municipalities)
        sessions.append(session)
        return session

    viz_app.new_session = capture
    try:
        _box, rc = solara.render(App(), handle_error=False)
    finally:
        viz_app.new_session = real
    yield rc, sessions[0]
    rc.close()


def html(rc, ref: str) -> str:
    return rc.find(meta_ref=ref).widget.unsafe_innerHTML


def button_text(rc, ref: str) -> str:
    return next(c for c in rc.find(meta_ref=ref).widget.children if isinstance(c, str))


def secretary_texts(rc) -> list[str]:
    """The value column of the drill-down's secretary section."""
    rows = rc.find(meta_ref="section_secretary_0").find(meta_ref="row_text")
    return [w.unsafe_innerHTML for w in rows.widgets]


def wait_until(condition, timeout: float = 20.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_language_switch_changes_visible_labels(rendered):
    rc, _ = rendered
    assert button_text(rc, "step") == "Stap"
    assert button_text(rc, "reset") == "Opnieuw"
    indicator = rc.find(meta_ref="map_indicator").widget
    assert indicator.label == "Kleur op de kaart"
    rc.find(meta_ref="lang_en").widget.click()
    assert button_text(rc, "step") == "Step"
    assert button_text(rc, "reset") == "Reset"
    assert rc.find(meta_ref="map_indicator").widget.label == "Map colour"
    labels = [item["text"] for item in rc.find(meta_ref="map_indicator").widget.items]
    assert "transformation — social domain (3D)" in labels
    rc.find(meta_ref="lang_nl").widget.click()
    assert button_text(rc, "play") == "Afspelen"


def test_step_advances_the_date_label(rendered):
    rc, session = rendered
    assert html(rc, "month") == "maand 0 van 204"
    step = rc.find(meta_ref="step").widget
    step.click()
    step.click()
    assert session.steps == 2
    assert html(rc, "date") == "2013-02"
    assert html(rc, "month") == "maand 2 van 204"


def test_step_redraws_the_map_and_the_charts(rendered):
    rc, _ = rendered
    map_before = rc.find(meta_ref="map_0").widget.src
    charts_before = rc.find(meta_ref="charts").widget.src
    assert map_before.startswith("data:image/png;base64,")
    for _ in range(3):
        rc.find(meta_ref="step").widget.click()
    assert rc.find(meta_ref="map_0").widget.src != map_before
    assert rc.find(meta_ref="charts").widget.src != charts_before


def test_drilldown_shows_the_chosen_municipality(rendered):
    rc, session = rendered
    rc.find(meta_ref="step").widget.click()
    rc.find(meta_ref="municipality").widget.v_model = "Utrecht"
    assert html(rc, "muni_header_0").startswith("Utrecht (Utrecht, ")
    row = drilldown.find_row(session.model, "Utrecht")
    role = session.model.secretary_agents[row].role
    stance = session.model.secretary_agents[row].stance
    assert secretary_texts(rc)[:2] == [i18n.role(role, "nl"), i18n.stance(stance, "nl")]
    rc.find(meta_ref="lang_en").widget.click()
    assert secretary_texts(rc)[:2] == [i18n.role(role, "en"), i18n.stance(stance, "en")]
    assert "inhabitants" in html(rc, "muni_header_0")
    choices = rc.find(meta_ref="section_choices_0").find(meta_ref="row_text").widgets
    assert choices[0].unsafe_innerHTML in {
        i18n.term(s, "en") for s in ("wait", "prepare", "front_run")
    }


def test_clicking_the_map_picks_a_municipality(rendered):
    rc, session = rendered
    image = rc.find(meta_ref="map_0").widget
    row = drilldown.find_row(session.model, "Groningen")
    # where Groningen lies on the image, from the map's own transform
    from govsim.viz.map_view import MapRenderer

    size = viz_app.MAP_SIZE
    probe = MapRenderer.for_display(
        session.model.frame["code"].tolist(), "nl", size.width, size.height
    )
    probe.render(session.model)
    ring = probe.shapes[row].rings[0]
    px, py = probe.ax.transData.transform(ring.mean(axis=0))
    width, height = probe.canvas.get_width_height()
    image.vue_pick({"x": px / width, "y": 1 - py / height})
    assert html(rc, "muni_header_0").startswith("Groningen (Groningen, ")
    assert rc.find(meta_ref="municipality").widget.v_model == "Groningen"


def test_preset_change_resets_the_model_with_the_scenario_timeline(rendered):
    rc, session = rendered
    rc.find(meta_ref="step").widget.click()
    rc.find(meta_ref="scenario").widget.v_model = "dso_delay"
    assert session.primary.name == "dso_delay"
    assert session.steps == 0
    assert session.model.timeline == presets.load("dso_delay").timeline
    assert session.model.timeline != presets.load("baseline").timeline
    # the lead-time slider shows the new scenario's own value
    shown = presets.scenario_value(presets.load("dso_delay"), "lead_time")
    assert rc.find(meta_ref="slider_lead_time").widget.v_model == shown


def test_a_bad_seed_shows_a_message_and_keeps_the_model(rendered):
    rc, session = rendered
    model = session.model
    rc.find(meta_ref="seed").widget.v_model = "abc"
    rc.find(meta_ref="reset").widget.click()  # must not raise
    alert = rc.find(meta_ref="error").widget
    assert "abc" in alert.children[0] and "toevalsgetal" in alert.children[0].lower()
    assert session.model is model
    rc.find(meta_ref="seed").widget.v_model = "77"
    rc.find(meta_ref="reset").widget.click()
    rc.find(meta_ref="error").assert_empty()
    assert session.primary.seed == 77 and session.model is not model


def test_slider_change_alters_the_model_after_reset(rendered):
    rc, session = rendered
    assert session.model.params["regisseur_share"] != 0.9
    rc.find(meta_ref="slider_regisseur_share").widget.v_model = 0.9
    rc.find(meta_ref="slider_dso_delay").widget.v_model = 12
    rc.find(meta_ref="pending").assert_single()
    assert session.model.params["regisseur_share"] != 0.9  # only at Reset
    rc.find(meta_ref="reset").widget.click()
    assert session.model.params["regisseur_share"] == 0.9
    assert (
        session.model.timeline.dso_full.year == presets.load("baseline").timeline.dso_full.year + 1
    )
    rc.find(meta_ref="pending").assert_empty()


def test_secretary_choices_are_labelled_and_reach_the_model_after_reset(rendered):
    rc, session = rendered
    role = rc.find(meta_ref="select_role").widget
    assert role.label == "Rol van de secretaris"
    assert role.v_model == "drawn"
    texts = [item["text"] for item in role.items]
    assert texts[0] == "zoals in het scenario (geloot)" and "veranderaar" in texts
    strategy = rc.find(meta_ref="select_physical_strategy").widget
    assert [i["text"] for i in strategy.items][1:] == ["afwachten", "voorbereiden", "voorlopen"]
    assert html(rc, "label_coach_college") == "Coach het college (les 6)"
    role.v_model = "changer"
    rc.find(meta_ref="slider_coach_college").widget.v_model = 0.7
    rc.find(meta_ref="pending").assert_single()
    summary = rc.find(v.ExpansionPanelHeader).widget.children[0]
    assert summary == "Keuzes van de secretaris — 2 gewijzigd"
    assert {a.role for a in session.model.secretary_agents} != {"changer"}  # only at Reset
    rc.find(meta_ref="reset").widget.click()
    assert {a.role for a in session.model.secretary_agents} == {"changer"}
    assert session.model.params["coach_college"] == pytest.approx(0.7)
    assert np.allclose(session.model.levers["coach_college"], 0.7)
    rc.find(meta_ref="pending").assert_empty()
    assert rc.find(meta_ref="select_role").widget.v_model == "changer"
    rc.find(meta_ref="lang_en").widget.click()
    assert rc.find(meta_ref="select_role").widget.label == "The secretary's role"
    assert html(rc, "label_coach_college") == "Coach the college (lesson 6)"
    # back to 'drawn': no override any more
    rc.find(meta_ref="select_role").widget.v_model = "drawn"
    rc.find(meta_ref="reset").widget.click()
    assert session.primary.overrides == {"coach_college": pytest.approx(0.7)}


def test_a_slider_that_does_not_fit_shows_a_message(rendered, monkeypatch):
    rc, session = rendered
    model = session.model

    def refuse(scenario, overrides=None, where="all"):
        raise ValueError("set_lead_time: months = 130 is out of range")

    monkeypatch.setattr(presets, "model_inputs", refuse)
    rc.find(meta_ref="slider_lead_time").widget.v_model = 100
    rc.find(meta_ref="reset").widget.click()  # must not raise
    message = rc.find(meta_ref="error").widget.children[0]
    assert message.startswith("Opnieuw starten lukte niet") and "months = 130" in message
    assert session.model is model


def test_survey_panel_shows_simulated_answers_after_the_survey_month(rendered):
    rc, session = rendered
    tabs = rc.find(v.Tabs).widget
    tabs.v_model = 0
    note = rc.find(meta_ref="survey_note").widget.unsafe_innerHTML
    assert "2017-08" in note
    before = rc.find(meta_ref="survey").widget.src
    session.step(55)
    rc.find(meta_ref="step").widget.click()  # to 2017-08: the secretaries are interviewed
    assert session.primary.survey_answers is not None
    rc.find(meta_ref="survey_note").assert_empty()
    assert rc.find(meta_ref="survey").widget.src != before


def test_export_offers_charts_and_data(rendered):
    rc, _ = rendered
    rc.find(v.Tabs).widget.v_model = 2
    rc.find(meta_ref="lang_en").widget.click()
    buttons = rc.find(v.Btn).widgets
    labels = {c for b in buttons for c in b.children if isinstance(c, str)}
    assert {"Charts (PNG)", "Map (PNG)", "National series (CSV)", "Events (CSV)"} <= labels


def test_play_and_pause(rendered):
    rc, session = rendered
    rc.find(meta_ref="speed").widget.v_model = 12
    play = rc.find(meta_ref="play").widget
    play.click()
    assert button_text(rc, "play") == "Pauze"
    assert rc.find(meta_ref="step").widget.disabled
    wait_until(lambda: session.steps >= 3)
    # the facilitator may click while it plays
    rc.find(meta_ref="lang_en").widget.click()
    wait_until(lambda: button_text(rc, "play") == "Pause")
    rc.find(meta_ref="lang_nl").widget.click()
    wait_until(lambda: button_text(rc, "play") == "Pauze")
    rc.find(meta_ref="play").widget.click()
    wait_until(lambda: button_text(rc, "play") == "Afspelen")
    time.sleep(0.3)
    steps = session.steps
    time.sleep(0.5)
    assert session.steps == steps
    wait_until(lambda: html(rc, "month") == f"maand {steps} van 204")


def test_play_does_not_step_while_a_render_pass_runs(rendered):
    """Play steps only while no render pass runs (`viz.app.wait_for_render`).

    A click renders its change in the thread that received it; a step during that pass asks
    for one more pass. Where a pass took longer than Play's pause (a loaded CI machine), the
    passes never ended and reacton replaced the page with "Too many renders triggered" (the
    browser test of Pause failed so). Holding the render lock here stands for such a pass.
    """
    rc, session = rendered
    rc.find(meta_ref="speed").widget.v_model = 24
    rc.find(meta_ref="play").widget.click()
    wait_until(lambda: session.steps >= 2)
    with rc.thread_lock:
        time.sleep(0.5)  # a step that had begun ends
        held = session.steps
        time.sleep(1.0)
        assert session.steps == held
    wait_until(lambda: session.steps > held)
    rc.find(meta_ref="play").widget.click()
    wait_until(lambda: button_text(rc, "play") == "Afspelen")


def test_wait_for_render_returns_when_the_pass_ends_or_after_its_timeout():
    lock = threading.Lock()
    lock.acquire()
    threading.Timer(0.3, lock.release).start()
    started = time.perf_counter()
    viz_app.wait_for_render(lock)
    assert 0.25 < time.perf_counter() - started < 5.0
    assert not lock.locked()  # released again: the render is not held up
    lock.acquire()
    started = time.perf_counter()
    viz_app.wait_for_render(lock, timeout=0.2)
    assert 0.15 < time.perf_counter() - started < 2.0
    assert lock.locked()
    started = time.perf_counter()
    viz_app.wait_for_render(None)
    assert time.perf_counter() - started < 0.1


def test_side_by_side_runs_step_together(rendered):
    rc, session = rendered
    rc.find(meta_ref="compare").widget.v_model = True
    assert len(session.runs) == 2
    rc.find(meta_ref="scenario_b").widget.v_model = "time_pressure"
    assert [r.name for r in session.runs] == ["baseline", "time_pressure"]
    assert session.runs[0].seed == session.runs[1].seed
    rc.find(meta_ref="map_1").assert_single()
    rc.find(meta_ref="step").widget.click()
    assert [r.model.steps for r in session.runs] == [1, 1]
    rc.find(meta_ref="municipality").widget.v_model = "Delft"
    assert html(rc, "muni_header_1").startswith("B: ")


def test_each_session_has_its_own_model():
    sessions = []
    for _ in range(2):
        ctx = kernel_context.VirtualKernelContext(
            id=f"test-{uuid.uuid4()}", kernel=kernel.Kernel(), session_id=str(uuid.uuid4())
        )
        with ctx:
            real = viz_app.new_session
            viz_app.new_session = lambda m=None, real=real: sessions.append(real(m)) or sessions[-1]
            try:
                _box, rc = solara.render(App(), handle_error=False)
            finally:
                viz_app.new_session = real
            rc.find(meta_ref="step").widget.click()
            if len(sessions) == 1:
                rc.find(meta_ref="step").widget.click()
            rc.close()
        ctx.close()
    first, second = sessions
    assert first is not second and first.model is not second.model
    assert (first.steps, second.steps) == (2, 1)
