"""Installing a finished calibration's record as the model's defaults."""

from __future__ import annotations

import json

import pytest

from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration import install


def _fit(inside: float) -> dict:
    return {"inside_margin": inside, "inside_margin_median": inside, "target_figures": 97}


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """An installed record of 15 fitted values (version 7) the command may replace."""
    import govsim.model.parameters as parameters

    path = tmp_path / "calibrated.json"
    record = {
        "version": 7,
        "parameters": {"transition_rate": 0.2},
        "instrument": {"answer_noise": 0.2},
        "fit": _fit(50),
    }
    path.write_text(json.dumps(record))
    monkeypatch.setattr(parameters, "CALIBRATED_PATH", path)
    return path


def _record(tmp_path, inside: float, **fit) -> str:
    path = tmp_path / "run" / "calibrated_parameters.json"
    path.parent.mkdir(exist_ok=True)
    body = {
        "version": 7,
        "label": "survey-2017-run1",
        "parameters": {"transition_rate": 0.3, "wait_threshold": 0.45},
        "instrument": {"answer_noise": 0.22},
        "fit": {**_fit(inside), **fit},
    }
    path.write_text(json.dumps(body))
    return str(path)


def test_a_record_that_passes_the_checks_is_installed_as_the_next_version(
    installed, tmp_path, monkeypatch, capsys
):
    seen = []

    def kept(params, seeds, municipalities=None):
        seen.append((params["transition_rate"], params["wait_threshold"], list(seeds)))
        return [[] for _ in seeds]

    monkeypatch.setattr(acc, "patterns_by_seed", kept)
    source = _record(tmp_path, 51, seeds=[1, 2, 3, 4])
    assert install.main([source]) == 0
    assert "installed version 8" in capsys.readouterr().out
    written = json.loads(installed.read_text())
    assert written["version"] == 8 and written["parameters"]["transition_rate"] == 0.3
    # the national pattern check ran on the record's own acceptance seeds and is kept with it
    assert seen == [(0.3, 0.45, [1, 2, 3, 4])]
    assert written["fit"]["patterns_broken_by_seed"] == [[], [], [], []]
    assert json.loads((tmp_path / "run" / "calibrated_parameters.json").read_text())["version"] == 7
    assert not list(installed.parent.glob("*.tmp"))


def test_a_refused_record_leaves_the_installed_set_and_says_why_in_one_line(
    installed, tmp_path, capsys
):
    before = installed.read_text()
    worse = _record(tmp_path, 40, patterns_broken_by_seed=[[]] * 4)
    assert install.main([worse]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("govsim install: ") and "not installed: 40 of 97" in err
    assert "\n" not in err and "Traceback" not in err
    broken = _record(tmp_path, 90, patterns_broken_by_seed=[["P12:wait"], [], [], []])
    assert install.main([broken]) == 2
    assert "P12:wait" in capsys.readouterr().err
    assert installed.read_text() == before


def test_a_file_that_is_not_a_record_is_refused_in_one_line(installed, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    for text in ("{", '{"parameters": {}}', '{"parameters": {"transition_rate": 9}, '
                 '"instrument": {}, "fit": {"target_figures": 97}}'):  # fmt: skip
        bad.write_text(text)
        assert install.main([str(bad)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"govsim install: {bad}") and "\n" not in err
    assert "transition_rate" in err
    assert install.main([str(tmp_path / "none.json")]) == 2
    assert "not a calibrated record" in capsys.readouterr().err
