"""The workshop app's building blocks without a user interface: map data, map and chart
rendering, texts, presets and sliders, the per-session state, exports and the command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from govsim.agents.secretary import MODES, ROLES
from govsim.model import GovernanceModel
from govsim.model.levers import StrategyRule
from govsim.model.mechanisms.steering import LEGAL_CAUSES, PERFORMING_CAUSES
from govsim.model.parameters import CHOICES, PARAMETERS, STRATEGIES
from govsim.viz import drilldown, export, i18n, presets, survey
from govsim.viz.charts import CHART_INDICATORS, ChartRenderer, timeline_events
from govsim.viz.map_view import MAP_INDICATORS, MapRenderer, municipality_values
from govsim.viz.session import Run, SeedError, Session, parse_seed
from govsim.viz.topo import border_lines, load_shapes

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def model() -> GovernanceModel:
    return GovernanceModel(rng=3).run(until="2018-06")


# ---------------------------------------------------------------------------- map data
def test_topojson_decodes_to_the_388_municipalities_of_the_model(model):
    shapes = load_shapes("municipalities")
    assert len(shapes) == 388
    assert sorted(s.code for s in shapes) == sorted(model.frame["code"])
    for shape in shapes:
        assert shape.rings, shape.code
        for ring in shape.rings:
            assert np.allclose(ring[0], ring[-1]), f"{shape.code}: ring not closed"
    assert len(load_shapes("provinces")) == 12
    assert len(load_shapes("youth_regions")) == 42
    assert len(border_lines("provinces")) > 12


def test_decoded_coordinates_lie_in_the_netherlands():
    every = np.concatenate([r for s in load_shapes("municipalities") for r in s.rings])
    lon = every[:, 0] / np.cos(np.radians(52.0))
    assert 3.3 < lon.min() < 3.5 and 7.1 < lon.max() < 7.3
    assert 50.7 < every[:, 1].min() < 50.8 and 53.4 < every[:, 1].max() < 53.6


# ---------------------------------------------------------------------------- map rendering
def test_map_colours_follow_the_indicator(model):
    renderer = MapRenderer(model.frame["code"].tolist(), "nl")
    renderer.configure("dominant_social", "nl")
    values = municipality_values(model, "dominant_social")
    assert set(np.unique(values)) <= set(range(len(MODES)))
    colours = renderer.colours(values)
    assert colours.shape == (388, 4)
    # same mode, same colour; different modes, different colours
    for a in range(len(MODES)):
        assert len({tuple(c) for c in colours[values == a]}) <= 1
    renderer.configure("transition_social", "en")
    low, high = renderer.colours(np.array([0.0, 1.0]))
    assert not np.allclose(low, high)


def test_map_changes_between_steps_and_picks_a_municipality():
    model = GovernanceModel(rng=5).run(until="2014-12")
    renderer = MapRenderer(model.frame["code"].tolist(), "nl")
    renderer.configure("transition_social", "nl", "provinces")
    before = renderer.render(model)
    assert before.startswith(PNG_MAGIC)
    for _ in range(6):
        model.step()
    after = renderer.render(model)
    assert before != after
    # clicking the middle of Utrecht's outline picks Utrecht
    row = drilldown.find_row(model, "Utrecht")
    ring = renderer.shapes[row].rings[0]
    centre = ring.mean(axis=0)
    assert renderer.paths[row].contains_point(centre)
    px, py = renderer.ax.transData.transform(centre)
    width, height = renderer.canvas.get_width_height()
    assert renderer.pick(px / width, 1 - py / height) == row
    assert renderer.pick(0.01, 0.01) is None  # the North Sea


def test_jpeg_rendering_for_the_live_view(model):
    renderer = MapRenderer(model.frame["code"].tolist(), "nl")
    renderer.configure("citizen_trust", "nl")
    image = Image.open(io.BytesIO(renderer.render(model, "jpeg")))
    assert image.format == "JPEG"
    with pytest.raises(ValueError, match="png"):
        renderer.render(model, "gif")


# ---------------------------------------------------------------------------- charts
def test_charts_draw_the_series_and_change_between_steps():
    session = Session()
    session.reset("baseline", 11)
    session.step(30)
    charts = ChartRenderer()
    first = charts.render([session.model], ["A"], "nl")
    session.step(12)
    second = charts.render([session.model], ["A"], "nl")
    assert first.startswith(PNG_MAGIC) and first != second
    assert all(name in session.model.datacollector.model_vars for name in CHART_INDICATORS)


def test_timeline_events_are_translated_and_dated():
    timeline = presets.load("baseline").timeline
    nl = timeline_events(timeline, "nl")
    en = timeline_events(timeline, "en")
    assert [e.date for e in nl] == [e.date for e in en] == sorted(e.date for e in nl)
    texts_nl = " | ".join(e.text for e in nl)
    texts_en = " | ".join(e.text for e in en)
    assert "uitstel aangekondigd" in texts_nl and "postponement announced" in texts_en
    assert "gemeenteraadsverkiezingen" in texts_nl and "municipal elections" in texts_en
    assert dt.date(2021, 1, 1) in [e.date for e in en if "entry into force" in e.text]


# ---------------------------------------------------------------------------- texts
def test_every_text_exists_in_both_languages():
    for key, (nl, en) in i18n.STRINGS.items():
        assert nl.strip() and en.strip(), key
    for name in MAP_INDICATORS:
        from govsim.viz.map_view import map_label

        assert map_label(name, "nl") != map_label(name, "en")
    for role in ROLES:
        assert i18n.role(role, "nl") and i18n.role(role, "en")
    for cause in (*LEGAL_CAUSES, *PERFORMING_CAUSES, "preferences"):
        assert f"cause_{cause}" in i18n.STRINGS, cause


def test_every_secretary_choice_has_dutch_and_english_labels_and_help():
    levers = [name for name, p in PARAMETERS.items() if p.lever]
    assert [s.key for s in presets.LEVER_SLIDERS] == levers  # every numeric lever has a slider
    for name in levers:
        for key in (f"lever_{name}", f"lever_{name}_help"):
            nl, en = i18n.STRINGS[key]
            assert nl.strip() and en.strip() and nl != en, key
    for key in presets.CHOICE_SELECTS:
        for text_key in (f"choice_{key}", f"choice_{key}_help"):
            nl, en = i18n.STRINGS[text_key]
            assert nl.strip() and en.strip() and nl != en, text_key
        for value in CHOICES[key].values:
            nl, en = i18n.choice_option(key, value, "nl"), i18n.choice_option(key, value, "en")
            assert nl.strip() and en.strip(), (key, value)
            assert "_" not in nl, (key, value)  # a translation, not the raw value
    assert i18n.choice_option("physical_strategy", "front_run", "nl") == "voorlopen"
    assert i18n.choice_option("role", "drawn", "nl").startswith("zoals in het scenario")
    assert i18n.t("choices", "nl") == "Keuzes van de secretaris"


def test_strategy_events_read_in_plain_language():
    change = {
        "date": dt.date(2016, 3, 1),
        "kind": "strategy_change",
        "domain": "physical",
        "from_strategy": "wait",
        "to_strategy": "front_run",
        "cause": "task_known",
    }
    assert i18n.event_sentence(change, "nl") == (
        "2016-03: strategie in het fysiek domein van afwachten naar voorlopen: taak bekend"
    )
    assert i18n.event_sentence(change, "en") == (
        "2016-03: strategy in the physical domain moved from wait to front-run: task known"
    )
    talks = {"date": dt.date(2018, 3, 1), "kind": "coalition_talks"}
    assert "coalition_talks" not in i18n.event_sentence(talks, "nl")
    assert "coalitie" in i18n.event_sentence(talks, "nl")


def test_event_sentences_in_plain_language():
    event = {
        "step": 39,
        "date": dt.date(2016, 3, 1),
        "municipality": 0,
        "kind": "mode_change",
        "domain": "social",
        "from_mode": "collaborative",
        "to_mode": "performing",
        "cause": "deficit",
    }
    assert i18n.event_sentence(event, "nl") == (
        "2016-03: sturing in het sociaal domein verschoof van samenwerkend naar presterend: "
        "tekorten"
    )
    assert i18n.event_sentence(event, "en") == (
        "2016-03: steering in the social domain moved from collaborative to performing: deficit"
    )
    secretary = {
        "date": dt.date(2018, 5, 1),
        "kind": "new_secretary",
        "role": "connector",
        "stance": "regisseur",
    }
    assert i18n.event_sentence(secretary, "nl") == (
        "2018-05: nieuwe gemeentesecretaris: verbinder, regisseur"
    )
    coalition = {
        "date": dt.date(2018, 3, 1),
        "kind": "coalition",
        "domain": "physical",
        "stance": "let_go",
    }
    assert "loslaten" in i18n.event_sentence(coalition, "nl")
    assert "let go" in i18n.event_sentence(coalition, "en")


def test_drilldown_describes_the_actors(model):
    row = drilldown.find_row(model, "Amersfoort")
    assert row is not None and drilldown.find_row(model, "GM0307") == row
    assert drilldown.find_row(model, "Atlantis") is None
    sections = {s.key: s for s in drilldown.sections(model, row, "en")}
    assert set(sections) == {
        "secretary",
        "choices",
        "college",
        "council",
        "staff",
        "citizens",
        "progress",
    }
    role = model.secretary_agents[row].role
    assert sections["secretary"].rows[0].text == i18n.role(role, "en")
    choices = sections["choices"].rows
    strategy = model.snapshot()[["strategy_social", "strategy_physical"]].iloc[row]
    assert [r.text for r in choices[:2]] == [i18n.term(s, "en") for s in strategy]
    levers = [i18n.lever(s.key, "en") for s in presets.LEVER_SLIDERS]
    assert [r.label for r in choices[2:]] == levers
    assert all(r.value is None or 0 <= r.value <= 1 for s in sections.values() for r in s.rows)
    lines = drilldown.event_lines(model, row, "nl")
    mine = [e for e in model.events if e["municipality"] == row]
    assert len(lines) == len(mine) and all(line[4] == "-" for line in lines)


# ---------------------------------------------------------------------------- presets and sliders
def test_sliders_take_their_ranges_from_the_parameters():
    for spec in (*presets.SLIDERS, *presets.LEVER_SLIDERS):
        if spec.is_parameter:
            p = PARAMETERS[spec.key]
            assert (spec.low, spec.high) == (p.low, p.high)
    assert presets.clamp(presets.SLIDER_BY_KEY["dso_delay"], 99.4) == 48


def test_untouched_sliders_leave_the_scenario_as_it_is():
    scenario = presets.load("baseline")
    params, timeline = presets.model_inputs(scenario, {})
    assert params == dict(scenario.params) and timeline == scenario.timeline
    same = {s.key: presets.scenario_value(scenario, s.key) for s in presets.SLIDERS}
    params, timeline = presets.model_inputs(scenario, same)
    assert timeline == scenario.timeline


def test_timeline_sliders_change_the_timeline():
    scenario = presets.load("baseline")
    _, t = presets.model_inputs(scenario, {"lead_time": 24})
    assert t.physical.final_entry() == dt.date(2018, 3, 1) and not t.physical.postponements
    _, t = presets.model_inputs(scenario, {"dso_delay": 12})
    assert t.dso_full == dt.date(2025, 1, 1)
    assert t.physical.final_entry() > scenario.timeline.physical.final_entry()
    _, t = presets.model_inputs(scenario, {"cooperation": 0.6})
    assert presets.cooperation_level(t) == pytest.approx(0.6)
    with pytest.raises(ValueError):
        presets.model_inputs(scenario, {"lead_time": 0})


def test_every_shipped_scenario_loads():
    names = presets.shipped()
    assert names[0] == "baseline" and len(names) >= 7
    for name in names:
        assert presets.load(name).name == name


# ---------------------------------------------------------------------------- session
@pytest.mark.parametrize("text", ["abc", "", "1.5", "-3", "9" * 40, None])
def test_bad_seeds_are_refused(text):
    with pytest.raises(SeedError):
        parse_seed(text)


def test_good_seeds_are_read():
    assert parse_seed(" 42 ") == 42
    assert parse_seed("1_000") == 1000


def test_bad_seed_keeps_the_current_runs():
    session = Session(["Utrecht"])
    session.reset("baseline", 1)
    before = session.runs
    with pytest.raises(SeedError):
        session.reset("baseline", "abc")
    assert session.runs is before


def test_side_by_side_runs_share_the_seed_and_step_together():
    session = Session()
    session.reset("baseline", 7, compare_with="dso_delay")
    a, b = session.runs
    assert (a.name, b.name) == ("baseline", "dso_delay") and a.seed == b.seed == 7
    assert np.array_equal(a.model.secretaries.role, b.model.secretaries.role)
    assert a.model.timeline != b.model.timeline
    session.step(3)
    assert a.model.steps == b.model.steps == 3


def test_b_switched_on_later_is_where_it_would_be_had_both_run_from_the_start():
    together = Session(["Utrecht"])
    together.reset("baseline", 5, {"dso_lobby": 0.8}, compare_with="dso_delay")
    together.step(30)
    later = Session(["Utrecht"])
    later.reset("baseline", 5, {"dso_lobby": 0.8})
    later.step(30)
    run_a = later.primary
    assert later.set_comparison("dso_delay") == []
    assert later.primary is run_a and later.runs[1].overrides == {"dso_lobby": 0.8}
    for mine, theirs in zip(later.runs, together.runs, strict=True):
        pd.testing.assert_frame_equal(mine.model.national_series(), theirs.model.national_series())
        assert mine.months.steps == theirs.months.steps == list(range(31))
    later.step(2)
    together.step(2)
    pd.testing.assert_frame_equal(later.runs[1].model.snapshot(), together.runs[1].model.snapshot())
    later.set_comparison(None)
    assert later.runs == [run_a] and later.steps == 32
    assert later.set_comparison("no_such_scenario")[0].startswith("no_such_scenario: ")
    assert later.runs[1].name == "baseline" and later.runs[1].model.steps == 32


def test_the_survey_month_is_kept_and_interviewed():
    session = Session(["Utrecht"])
    session.reset("baseline", 2)
    session.step(55)  # to 2017-07
    assert session.primary.survey_snapshot is None
    session.step()
    run = session.primary
    assert run.model.date == dt.date(2017, 8, 1)
    assert run.survey_snapshot is not None and len(run.survey_snapshot) == 26
    table = survey.simulated(run.survey_answers)
    assert set(table["item"]) <= set(i18n.SURVEY_ITEMS)
    assert table["percent"].between(0, 100).all()


def test_observed_survey_figures():
    observed = survey.observed()
    row = observed[(observed.item == "satisfaction_implementation") & (observed.domain == "social")]
    assert float(row.percent.iloc[0]) == pytest.approx(77.0)  # 64% (4) + 13% (5), Table 3
    assert set(observed.item) == set(i18n.SURVEY_ITEMS)


def test_run_builds_with_slider_overrides():
    run = Run.build(
        presets.load("baseline"), 4, {"regisseur_share": 0.9, "dso_delay": 6}, ["Utrecht"]
    )
    assert run.model.params["regisseur_share"] == 0.9
    assert run.model.timeline.dso_full == dt.date(2024, 7, 1)


def test_lever_slider_reaches_the_params_and_the_lever_arrays():
    session = Session(["Utrecht"])
    session.reset("baseline", 4, {"coach_college": 0.7}, compare_with="dso_delay")
    for run in session.runs:
        assert run.model.params["coach_college"] == pytest.approx(0.7)
        assert np.allclose(run.model.levers["coach_college"], 0.7)
        assert np.allclose(run.model.levers["dso_lobby"], 0.0)  # untouched: the scenario's
    row = drilldown.find_row(session.model, "Utrecht")
    assert session.model.secretary_agents[row].describe()["levers"]["coach_college"] == 0.7


def test_role_stance_and_strategy_selects_fix_every_secretary():
    overrides = {"role": "changer", "stance": "coach", "physical_strategy": "wait"}
    run = Run.build(presets.load("baseline"), 4, overrides, ["Utrecht"])
    model = run.model
    assert len(model.secretary_agents) == 26
    assert {a.role for a in model.secretary_agents} == {"changer"}
    assert {a.stance for a in model.secretary_agents} == {"coach"}
    assert (model.levers.strategy[:, 1] == STRATEGIES.index("wait")).all()
    assert (model.levers.strategy[:, 0] == -1).all()  # the social strategy is still chosen
    # a different role gives a different population
    other = Run.build(presets.load("baseline"), 4, {"role": "advocate"}, ["Utrecht"])
    assert {a.role for a in other.model.secretary_agents} == {"advocate"}


def test_choices_left_at_their_default_are_no_override():
    scenario = presets.load("baseline")
    assert presets.strategy_rules(scenario, {}) == scenario.strategy
    assert presets.set_choice({"role": "changer"}, "role", "drawn") == {}
    assert presets.set_choice({}, "physical_strategy", "chosen") == {}
    assert presets.set_choice({}, "stance", "coach") == {"stance": "coach"}
    assert presets.strategy_rules(scenario, {"role": "drawn", "lead_time": 30}) == ()
    assert presets.choice_value({}, "role") == "drawn"
    assert presets.choice_value({"role": "changer"}, "role") == "changer"
    with pytest.raises(ValueError):
        presets.strategy_rules(scenario, {"role": "boss"})


def test_the_national_choices_win_over_the_scenario_rules():
    scenario = dataclasses.replace(
        presets.load("baseline"),
        strategy=(
            StrategyRule("Utrecht", {"coach_college": 0.2, "role": "executor"}),
            StrategyRule("all", {"data_driven": 0.4}),
        ),
    )
    assert presets.scenario_value(scenario, "data_driven") == pytest.approx(0.4)
    assert presets.scenario_value(scenario, "coach_college") == 0.0
    rules = presets.strategy_rules(scenario, {"coach_college": 0.9, "role": "connector"})
    assert rules[:2] == scenario.strategy
    assert rules[-1] == StrategyRule("all", {"coach_college": 0.9, "role": "connector"})
    run = Run.build(scenario, 4, {"coach_college": 0.9, "role": "connector"}, ["Utrecht", "Zeist"])
    assert np.allclose(run.model.levers["coach_college"], 0.9)
    assert np.allclose(run.model.levers["data_driven"], 0.4)  # the scenario's own rule stays
    assert {a.role for a in run.model.secretary_agents} == {"connector"}


# ---------------------------------------------------------------------------- export
def test_exports_are_made_in_memory():
    session = Session(["Utrecht"])
    session.reset("baseline", 9, compare_with="time_pressure")
    session.step(14)
    assert export.charts_png(session, "en").startswith(PNG_MAGIC)
    assert export.map_png(session, "dominant_physical", "nl", "provinces").startswith(PNG_MAGIC)
    series = pd.read_csv(io.BytesIO(export.series_csv(session)))
    assert len(series) == 28 and set(series.scenario) == {"baseline", "time_pressure"}
    snap = pd.read_csv(io.BytesIO(export.snapshot_csv(session)))
    assert len(snap) == 52 and "secretary_role" in snap.columns
    events = pd.read_csv(io.BytesIO(export.events_csv(session, "nl")))
    assert "text" in events.columns and events["text"].str.match(r"^\d{4}-\d{2}: ").all()
    assert export.stem(session) == "govsim_baseline_vs_time_pressure_seed9_2014-02"


# ---------------------------------------------------------------------------- command line
def test_govsim_app_binds_to_localhost_and_runs_offline():
    import argparse

    from govsim.viz.cli import OFFLINE_ENV, app_command, app_env, register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["app"])
    assert (args.host, args.port) == ("127.0.0.1", 8765)
    command = app_command(args.host, args.port, open_browser=False)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert "govsim.viz.app" in command and "--production" in command and "--no-open" in command
    env = app_env({})
    assert env == {**OFFLINE_ENV, "GOVSIM_APP_SCENARIOS": ""}
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
