"""PRIM scenario discovery (EMA Workbench) finds known boxes and states them in nl and en."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsim.scenarios.runner as runner
from govsim.experiments.cli import main as experiment_main
from govsim.experiments.discovery import PrimBox, discover, find_box, statement
from govsim.experiments.run import run_experiment
from govsim.experiments.spec import ExperimentError

pytestmark = pytest.mark.timeout(300)


def synthetic(n: int = 1000, seed: int = 1) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(
        {
            "a": rng.uniform(0, 1, n),
            "b": rng.uniform(0, 1, n),
            "c": rng.uniform(0, 1, n),
            "d": rng.integers(0, 36, n),
        }
    )
    y = ((x["a"] > 0.6) & (x["b"] < 0.3)).to_numpy()
    return x, y


def test_prim_finds_a_known_box_on_synthetic_data():
    x, y = synthetic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # our wrapper silences EMA Workbench's known warnings
        box = find_box(x, y)
    limits = box.limits.set_index("factor")
    assert limits.loc["a", "restricted_low"] and not limits.loc["a", "restricted_high"]
    assert limits.loc["b", "restricted_high"] and not limits.loc["b", "restricted_low"]
    assert abs(limits.loc["a", "low"] - 0.6) < 0.03
    assert abs(limits.loc["b", "high"] - 0.3) < 0.03
    assert set(box.restricted()["factor"]) == {"a", "b"}
    stats = box.stats
    assert stats["density"] > 0.95 and stats["coverage"] >= 0.8 and stats["res_dim"] == 2
    assert box.n_interest == int(y.sum()) and box.n_runs == 1000
    # the trade-off: coverage falls and density rises along the trajectory
    t = box.trajectory
    assert t["coverage"].iloc[0] == 1.0 and t["density"].iloc[-1] > t["density"].iloc[0]


def test_prim_with_a_restricted_whole_number_factor():
    """EMA Workbench 3.0 pastes float quantiles into integer columns, which pandas 3 refuses;
    find_box works around it and rounds the whole-number limits inwards."""
    x, _ = synthetic(seed=3)
    y = ((x["d"] <= 12) & (x["a"] > 0.5)).to_numpy()
    box = find_box(x, y)
    limits = box.limits.set_index("factor")
    assert limits.loc["d", "restricted_high"] and limits.loc["d", "high"] == 12.0
    assert float(limits.loc["d", "high"]).is_integer()
    inside = (x["d"] <= limits.loc["d", "high"]) & (x["a"] >= limits.loc["a", "low"])
    assert inside.sum() == box.trajectory.loc[box.chosen, "n"]


def test_choice_of_box_on_the_trajectory():
    x, y = synthetic(seed=2)
    loose = find_box(x, y, min_coverage=1.0)
    assert loose.stats["coverage"] == 1.0
    assert find_box(x, y, box=0).stats["mass"] == 1.0
    with pytest.raises(ExperimentError, match="not on the peeling trajectory"):
        find_box(x, y, box=999)
    with pytest.raises(ExperimentError, match="none of the"):
        find_box(x, np.zeros(len(y), dtype=bool))
    with pytest.raises(ExperimentError, match="all 1000 runs"):
        find_box(x, np.ones(len(y), dtype=bool))


def test_statement_wording():
    trajectory = pd.DataFrame(
        {
            "coverage": [1.0, 0.76],
            "density": [0.3, 0.83],
            "mass": [1.0, 0.27],
            "res_dim": [0, 2],
            "n": [100, 27],
            "k": [30, 23],
        }
    )
    limits = pd.DataFrame(
        {
            "factor": ["dso_delay_months", "physical_cooperation", "training_intensity"],
            "low": [0.0, 0.6, 0.2],
            "high": [12.0, 1.0, 0.9],
            "min": [0.0, 0.0, 0.2],
            "max": [48.0, 1.0, 0.9],
            "restricted_low": [False, True, False],
            "restricted_high": [True, False, False],
        }
    )
    box = PrimBox(trajectory, 1, limits, 100, 30)
    outcome = {"indicator": "transformation_physical", "date": "2029-12", "statistic": "value"}
    factors = {
        "dso_delay_months": {"kind": "lever", "integer": True},
        "physical_cooperation": {
            "kind": "lever",
            "label": {
                "nl": "de regionale samenwerkingsintensiteit",
                "en": "regional cooperation intensity",
            },
        },
        "training_intensity": {"kind": "parameter"},
    }
    full = dt.date(2024, 1, 1)
    en = statement(box, outcome, 0.5, True, "en", factors=factors, dso_full=full)
    nl = statement(box, outcome, 0.5, True, "nl", factors=factors, dso_full=full)
    assert en.startswith(
        "transformation — physical domain (Environment Act) at the end of 2029 ≥ 0.5 in 83% of "
        "runs where the DSO is fully available by January 2025 (≤ 12 months' delay) and "
        "regional cooperation intensity ≥ 0.6 (coverage 76%"
    )
    assert nl.startswith(
        "transformatie — fysiek domein (Omgevingswet) eind 2029 ≥ 0,5 in 83% van de runs waarin "
        "het DSO uiterlijk in januari 2025 volledig beschikbaar is (≤ 12 maanden vertraging) en "
        "de regionale samenwerkingsintensiteit ≥ 0,6 (dekking 76%"
    )
    below = statement(box, outcome, 0.25, False, "en", factors=factors, dso_full=full)
    assert "≤ 0.25 in 83% of runs" in below


# ---------------------------------------------------------------------------- from a store
LHS = """
[experiment]
name = "discovery_test"
scenario = "baseline"
replications = 1
seed = 4
municipalities = ["Flevoland"]

[design]
method = "lhs"
samples = 400

[[factors]]
name = "dso_delay_months"
range = [0, 48]

[[factors]]
name = "physical_cooperation"
range = [0.0, 1.0]
label = { nl = "de regionale samenwerkingsintensiteit", en = "regional cooperation intensity" }

[[factors]]
name = "training_intensity"
range = [0.2, 0.9]

[[outcomes]]
indicator = "transformation_physical"
date = "2029-12"
"""


def known_box_run(task: runner.RunTask) -> runner.RunResult:
    """Stand-in for the model: transformation is high iff the DSO is complete by Jan 2025 and
    the cooperation policy's intensity is at least 0.6 (read from the task's timeline)."""
    timeline = task.scenario.timeline
    coop = max((p.intensity for p in timeline.cooperation_policies), default=0.0)
    good = timeline.dso_full <= dt.date(2025, 1, 1) and coop >= 0.6
    value = (0.7 if good else 0.3) + 0.05 * task.overrides["training_intensity"]
    columns = task.outputs.columns()
    dates = np.array(["2029-12-01"], dtype="datetime64[D]")
    return runner.RunResult(
        task.scenario.name,
        task.replication,
        task.seed,
        task.key,
        columns,
        dates,
        np.full((1, len(columns)), value),
    )


@pytest.fixture
def lhs_experiment(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(runner, "run_task", known_box_run)
    path = tmp_path / "lhs.toml"
    path.write_text(LHS, encoding="utf-8")
    out = tmp_path / "out"
    run_experiment(path, out, workers=1, progress=False)
    return out


def test_discover_through_the_store_and_the_command_line(lhs_experiment, capsys):
    result = discover(lhs_experiment, "transformation_physical_2029", 0.5)
    limits = result.box.limits.set_index("factor")
    assert set(result.box.restricted()["factor"]) == {"dso_delay_months", "physical_cooperation"}
    assert 11 <= limits.loc["dso_delay_months", "high"] <= 13
    assert 0.59 <= limits.loc["physical_cooperation", "low"] <= 0.66
    assert result.box.stats["density"] > 0.95
    en, nl = result.statements["en"], result.statements["nl"]
    assert "the DSO is fully available by" in en and "regional cooperation intensity ≥ 0.6" in en
    assert "het DSO uiterlijk in" in nl and "de regionale samenwerkingsintensiteit ≥ 0,6" in nl
    png, csv, js = result.files
    assert png.suffix == ".png" and png.stat().st_size > 10_000
    assert len(pd.read_csv(csv)) == len(result.box.trajectory)
    record = json.loads(js.read_text(encoding="utf-8"))
    assert record["statement"] == result.statements and record["direction"] == "above"

    code = experiment_main(
        [
            "discover",
            str(lhs_experiment),
            "--outcome",
            "transformation_physical_2029",
            "--threshold",
            "0.5",
            "--below",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "NL: " in printed and "EN: " in printed and "≤ 0.5" in printed


def test_discover_mistakes_exit_2(lhs_experiment, capsys):
    code = experiment_main(
        ["discover", str(lhs_experiment), "--outcome", "nope", "--threshold", "0.5"]
    )
    err = capsys.readouterr().err
    assert code == 2 and "its outcomes are: transformation_physical_2029" in err
    code = experiment_main(
        [
            "discover",
            str(lhs_experiment),
            "--outcome",
            "transformation_physical_2029",
            "--threshold",
            "5",
        ]
    )
    assert code == 2 and "none of the 400 runs" in capsys.readouterr().err


def test_discover_states_the_threshold_as_given(lhs_experiment, capsys):
    """Before: --threshold 0.656 was stated as '≥ 0.66' / '≥ 0,66' (rounded to 2 decimals)."""
    from govsim.cli import main

    argv = ["experiment", "discover", str(lhs_experiment), "--outcome"]
    argv += ["transformation_physical_2029", "--threshold", "0.656"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    nl = next(line for line in lines if line.startswith("NL: "))
    en = next(line for line in lines if line.startswith("EN: "))
    assert "eind 2029 ≥ 0,656 in " in nl and "0,66 " not in nl
    assert "at the end of 2029 ≥ 0.656 in " in en and "0.66 " not in en
    assert "runs have transformation_physical_2029 ≥ 0.656; PRIM trajectory" in lines[0]


def test_exact_number_text_keeps_what_was_given():
    from govsim.experiments.levers import condition_text, exact_number_text

    assert exact_number_text(0.656, "nl") == "0,656"
    assert exact_number_text(0.656, "en") == "0.656"
    assert exact_number_text(0.5, "nl") == "0,5"
    assert exact_number_text(0.1234567, "en") == "0.123457"
    assert exact_number_text(12.0, "en") == "12"
    levels = ["executor", "connector", "changer"]
    assert (
        condition_text("role", "choice", None, None, "nl", levels=levels)
        == "de rol van de secretaris is uitvoerder, verbinder of veranderaar"
    )
    assert (
        condition_text("role", "choice", None, None, "en", levels=levels)
        == "the secretary's role is executor, connector or changer"
    )
    assert (
        condition_text("social_strategy", "choice", None, None, "nl", levels=["front_run"])
        == "de strategie in het sociaal domein is voorlopen"
    )
