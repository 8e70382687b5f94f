"""The app opens only the shipped scenarios and the files the facilitator named (issue 18, 4)."""

from __future__ import annotations

import os

import pytest

from govsim.scenarios.scenario import ScenarioError
from govsim.viz import presets
from govsim.viz.cli import app_env, scenario_files
from govsim.viz.session import Session

MINE = """name = "workshop_room"
extends = "baseline"

[title]
nl = "Onze zaal"
en = "Our room"

[description]
nl = "Een scenario van de facilitator."
en = "A facilitator's scenario."
"""


@pytest.mark.parametrize(
    "value", ["/etc/passwd", "/proc/self/environ", "../scenarios/files/baseline.toml", "x.toml"]
)
def test_a_path_from_the_browser_is_not_opened(value):
    with pytest.raises(ValueError, match="is not on the scenario menu") as info:
        presets.load(value)
    assert "root:" not in str(info.value)  # nothing of the file's contents


def test_a_session_asked_for_a_path_falls_back_to_the_baseline():
    session = Session(["Utrecht"])
    notes = session.reset("/etc/passwd", 3)
    assert len(notes) == 1 and "is not on the scenario menu" in notes[0]
    assert "root:" not in notes[0]
    assert session.primary.name == presets.BASELINE


def test_a_file_the_facilitator_named_is_on_the_menu(tmp_path, monkeypatch):
    path = tmp_path / "workshop_room.toml"
    path.write_text(MINE)
    env = app_env({}, scenarios=[path])
    assert env[presets.SCENARIO_FILES_ENV] == str(path.resolve())
    monkeypatch.setenv(presets.SCENARIO_FILES_ENV, env[presets.SCENARIO_FILES_ENV])
    assert presets.available()[-1] == "workshop_room"
    assert presets.available()[: len(presets.shipped())] == presets.shipped()
    assert presets.load("workshop_room").title["en"] == "Our room"
    # the same file by its path is still not openable from the browser
    with pytest.raises(ValueError, match="not on the scenario menu"):
        presets.load(str(path))


def test_the_facilitators_files_are_checked_when_the_app_starts(tmp_path):
    with pytest.raises(ScenarioError, match="expected an existing scenario file"):
        scenario_files([str(tmp_path / "missing.toml")])
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\nnot toml at all [\n')
    with pytest.raises(ScenarioError):
        scenario_files([str(bad)])
    good = tmp_path / "good.toml"
    good.write_text(MINE)
    assert scenario_files([str(good)]) == [good]
    assert os.pathsep not in str(good)
