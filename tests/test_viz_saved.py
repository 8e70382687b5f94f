"""A session saved to a file and opened again: replayed to its month (issue 16)."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import solara

from govsim.viz import app as viz_app
from govsim.viz import presets, saved
from govsim.viz.session import Session

SUBSET = ["Borne", "Hengelo", "Enschede"]


@pytest.fixture(scope="module")
def played():
    session = Session(SUBSET)
    session.reset(presets.BASELINE, 4242, {"role": "changer", "coach_college": 0.6}, where="GM0147")
    session.step(7)
    return session


def test_the_file_holds_scenario_seed_choices_and_month(played):
    record = json.loads(saved.dumps(played))
    assert record == {
        "format": "govsim-app-session",
        "version": 1,
        "scenario": presets.BASELINE,
        "compare_with": None,
        "seed": "4242",
        "overrides": {"role": "changer", "coach_college": 0.6},
        "where": "GM0147",
        "live": [],
        "step": 7,
        "date": "2013-07-01",
    }


def test_the_saved_file_is_named_as_the_other_downloads_in_the_room_s_language(played):
    assert (
        viz_app.session_filename(played, "nl")
        == "govsim_basis_toevalsgetal4242_2013-07_sessie.json"
    )
    assert viz_app.session_filename(played, "en") == "govsim_baseline_seed4242_2013-07_session.json"


def test_opening_replays_to_the_saved_month(played):
    again = Session(SUBSET)
    again.reset(presets.BASELINE, 1)
    notes = saved.open_record(again, saved.loads(saved.dumps(played)))
    assert notes == []
    assert again.steps == 7 and again.model.date == played.model.date
    np.testing.assert_array_equal(
        again.model.state.transformation, played.model.state.transformation
    )
    assert again.primary.months.steps == list(range(8))
    np.testing.assert_array_equal(
        again.primary.months.at(4).map_values["transformation_social"],
        played.primary.months.at(4).map_values["transformation_social"],
    )
    assert again.model.levers["coach_college"][0] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json", "no JSON"),
        (b'{"format": "other"}', "format must be"),
        (b'{"format": "govsim-app-session", "scenario": "baseline", "seed": "x"}', "seed"),
        (
            b'{"format": "govsim-app-session", "scenario": "baseline", "seed": "1", "step": -2}',
            "step must be",
        ),
    ],
)
def test_a_file_that_is_no_saved_session_is_refused(data, message):
    with pytest.raises(saved.SavedSessionError, match=message):
        saved.loads(data)


def make_state(session: Session):
    """An `AppState` outside a page (plain reactive variables), for its methods."""
    defaults = {
        "lang": "nl",
        "scenario": presets.BASELINE,
        "compare": False,
        "scenario_b": presets.BASELINE,
        "seed_text": "1",
        "overrides": {},
        "applied": {},
        "version": 0,
        "resets": 0,
        "running": True,
        "playing": False,
        "speed": 6.0,
        "error": None,
        "map_indicator": viz_app.DEFAULT_MAP,
        "borders": "",
        "selected": "",
        "busy": False,
        "epoch": 0,
        "discard": None,
        "view_step": None,
        "scope": "all",
        "applied_scope": "all",
        "presenter": False,
        "drill_open": False,
        "achieved": None,
    }
    fields = [
        f.name
        for f in dataclasses.fields(viz_app.AppState)
        if f.name not in ("session", "pace", "render_lock")
    ]
    assert sorted(fields) == sorted(defaults)
    return viz_app.AppState(session, **{k: solara.reactive(v) for k, v in defaults.items()})


def test_the_app_opens_a_saved_session_with_its_choices(played):
    other = Session(SUBSET)
    other.reset(presets.BASELINE, 1)
    state = make_state(other)
    assert state.open_saved(saved.dumps(played))
    assert state.seed_text.value == "4242"
    assert state.overrides.value == {"role": "changer", "coach_college": 0.6}
    assert state.scope.value == state.applied_scope.value == "GM0147"
    assert not state.pending
    assert other.steps == 7 and state.shown_step() == 7
    np.testing.assert_array_equal(
        other.model.state.transformation, played.model.state.transformation
    )


def test_the_app_keeps_its_run_for_a_bad_file():
    other = Session(SUBSET)
    other.reset(presets.BASELINE, 1)
    other.step(2)
    state = make_state(other)
    assert not state.open_saved(b'{"format": "other"}')
    assert other.steps == 2
    assert state.error_text().startswith("Dit bestand is geen bewaarde sessie: ")
