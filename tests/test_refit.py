"""Refitting a few parameters of the installed set, the rest held at their installed values."""

from __future__ import annotations

import json

import pytest

from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration import refit
from govsim.experiments.calibration.priors import PriorError
from govsim.model import parameters
from govsim.model.parameters import CALIBRATED_PATH, defaults


def test_a_search_of_one_evaluation_scores_the_installed_set_itself():
    """The parameters not refitted keep their installed (not their declared) values: the start
    scores exactly what the acceptance command scores at the installed set, on the same seeds."""
    outcome = refit.refit(["framework_release"], evaluations=1, replications=2, seeds=1, n_procs=1)
    assert outcome["start"]["point"] == {"framework_release": defaults()["framework_release"]}
    assert outcome["end"]["point"] == outcome["start"]["point"]
    assert outcome["search"]["evaluations"] == 1 and outcome["search"]["moves"] == 0
    installed = acc.summarise(acc.installed(seeds=1, replications=2))
    start = outcome["start"]["acceptance"]
    assert {k: start[k] for k in installed} == installed
    assert start["inside_margin"] == installed["inside_margin_by_seed"][0]
    assert start["target_figures"] == 97


def test_the_record_changes_only_the_refitted_values_and_keeps_its_lineage():
    previous = json.loads(CALIBRATED_PATH.read_text(encoding="utf-8"))
    acceptance = {
        "seeds": [1],
        "inside_margin_by_seed": [70],
        "inside_margin_median": 70.0,
        "share_inside_margin_median": 70 / 97,
        "rmse_points_median": 5.0,
        "target_figures": 97,
        "inside_margin": 70,
        "share_inside_margin": 70 / 97,
    }
    outcome = {
        "names": ["council_grip", "answer_noise"],
        "search": {"evaluations": 10, "moves": 2},
        "start": {"point": {"council_grip": 0.5, "answer_noise": 0.2}, "acceptance": {}},
        "end": {"point": {"council_grip": 0.93, "answer_noise": 0.11}, "acceptance": acceptance},
    }
    record = refit.refit_record(outcome, previous)
    assert record["version"] == previous["version"] + 1
    assert record["parameters"]["council_grip"] == 0.93  # a model parameter
    assert record["instrument"]["answer_noise"] == 0.11  # an instrument setting
    changed = {k for k, v in record["parameters"].items() if previous["parameters"].get(k) != v}
    assert changed == {"council_grip"}
    assert {
        k for k in record["instrument"] if record["instrument"][k] != previous["instrument"][k]
    } == {"answer_noise"}
    earlier = previous["provenance"].get("refits", [])
    for key, value in previous["provenance"].items():
        if key != "refits":
            assert record["provenance"][key] == value
    assert record["provenance"]["refits"][:-1] == earlier  # earlier refits are kept
    lineage = record["provenance"]["refits"][-1]
    assert lineage["names"] == ["council_grip", "answer_noise"]
    assert lineage["from_version"] == previous["version"]
    assert record["fit"]["inside_margin_median"] == 70.0
    for name, value in record["parameters"].items():
        parameters.PARAMETERS[name].check(value)


def test_a_name_without_a_prior_is_refused_in_one_line(capsys):
    with pytest.raises(SystemExit) as stop:
        refit.main(["council_grip", "no_such_parameter"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "no_such_parameter" in err and "Traceback" not in err
    with pytest.raises(PriorError):
        refit.refit(["council_grip", "council_grip"], evaluations=1)


@pytest.fixture
def installed_copy(tmp_path, monkeypatch):
    """A record of 15 fitted values (the installed set's values of the free parameters) that
    the command may replace; the national pattern check is taken as kept (it has its own tests
    in test_pipeline.py)."""
    from govsim.experiments.calibration.priors import FREE

    record = json.loads(CALIBRATED_PATH.read_text(encoding="utf-8"))
    for part in ("parameters", "instrument"):
        record[part] = {k: v for k, v in record[part].items() if k in FREE}
    assert len(record["parameters"]) + len(record["instrument"]) == len(FREE) == 15
    copy = tmp_path / "calibrated_parameters.json"
    copy.write_text(json.dumps(record), encoding="utf-8")
    monkeypatch.setattr(parameters, "CALIBRATED_PATH", copy)
    monkeypatch.setattr(acc, "patterns_by_seed", lambda params, seeds, m=None: [[]] * len(seeds))
    return copy


def _claim(path, inside: float) -> None:
    record = json.loads(path.read_text(encoding="utf-8"))
    record["fit"]["inside_margin_median"] = inside
    path.write_text(json.dumps(record), encoding="utf-8")


ARGS = ["transition_rate", "--evaluations", "1", "--replications", "1", "--seeds", "1"]
"""A refit of one of the installed set's own fitted values (one outside them would make a 16th,
which `pipeline.install_refusal` refuses)."""


def test_install_refuses_a_refit_that_fits_worse_and_leaves_the_record(installed_copy, capsys):
    _claim(installed_copy, 97.0)
    before = installed_copy.read_bytes()
    assert refit.main([*ARGS, "--workers", "1", "--install"]) == 1
    assert "not installed" in capsys.readouterr().err
    assert installed_copy.read_bytes() == before


def test_install_writes_the_next_version_when_the_refit_fits_as_well(
    installed_copy, tmp_path, capsys
):
    _claim(installed_copy, 0.0)
    previous = json.loads(installed_copy.read_text(encoding="utf-8"))
    out = tmp_path / "record.json"
    assert refit.main([*ARGS, "--workers", "1", "--out", str(out), "--install"]) == 0
    assert "installed version" in capsys.readouterr().out
    record = json.loads(installed_copy.read_text(encoding="utf-8"))
    assert record == json.loads(out.read_text(encoding="utf-8"))
    assert record["version"] == previous["version"] + 1
    assert record["parameters"]["transition_rate"] == defaults()["transition_rate"]
    assert len(record["parameters"]) + len(record["instrument"]) <= 15
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_install_refuses_a_refit_that_would_make_a_sixteenth_fitted_value(installed_copy, capsys):
    _claim(installed_copy, 0.0)
    before = installed_copy.read_bytes()
    args = ["framework_release", *ARGS[1:], "--workers", "1", "--install"]
    assert refit.main(args) == 1
    assert "16 fitted values, more than the 15 issue 14 allows" in capsys.readouterr().err
    assert installed_copy.read_bytes() == before
