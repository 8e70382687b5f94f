"""Sensitivity analysis recovers a known dominant factor (analytic function and the model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsim.scenarios.runner as runner
from govsim.experiments.cli import main as experiment_main
from govsim.experiments.run import run_experiment
from govsim.experiments.sensitivity import morris_table, sensitivity, sobol_table
from govsim.experiments.spec import ExperimentError

pytestmark = pytest.mark.timeout(600)

COEFFICIENTS = {"training_intensity": 4.0, "adoption_rate": 1.0, "satisfaction_rate": 0.0}


def spec(method: str, samples: int, replications: int = 1) -> str:
    return f"""
[experiment]
scenario = "baseline"
replications = {replications}
seed = 1
municipalities = ["Flevoland"]

[design]
method = "{method}"
samples = {samples}

[[factors]]
name = "training_intensity"
range = [0.0, 1.0]

[[factors]]
name = "adoption_rate"
range = [0.0, 1.0]

[[factors]]
name = "satisfaction_rate"
range = [0.0, 1.0]

[[outcomes]]
indicator = "transformation_physical"
date = "2029-12"
"""


def linear_run(task: runner.RunTask) -> runner.RunResult:
    """Stand-in for the model: y = 4 ti + 1 ar + 0 sr (+ replication noise that averages out)."""
    y = sum(c * task.overrides[name] for name, c in COEFFICIENTS.items())
    y += 0.01 * (1 if task.replication % 2 else -1)
    dates = np.array(["2029-12-01"], dtype="datetime64[D]")
    columns = task.outputs.columns()
    return runner.RunResult(
        task.scenario.name,
        task.replication,
        task.seed,
        task.key,
        columns,
        dates,
        np.full((1, len(columns)), y),
    )


def analytic_experiment(tmp_path: Path, monkeypatch, text: str) -> Path:
    monkeypatch.setattr(runner, "run_task", linear_run)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_experiment(path, out, workers=1, progress=False)
    return out


def test_morris_on_an_analytic_function_through_the_store(tmp_path, monkeypatch):
    out = analytic_experiment(tmp_path, monkeypatch, spec("morris", 6, replications=2))
    result = sensitivity(out, "transformation_physical_2029", resamples=200)
    table = result.table.set_index("factor")
    assert result.dominant() == "training_intensity"
    # elementary effects per whole range are the coefficients exactly (linear function)
    np.testing.assert_allclose(table["mu_star"], pd.Series(COEFFICIENTS)[table.index], atol=1e-9)
    np.testing.assert_allclose(table["sigma"], 0.0, atol=1e-9)
    assert [p.suffix for p in result.files] == [".csv", ".png"]
    assert all(p.exists() and p.stat().st_size > 0 for p in result.files)
    written = pd.read_csv(result.files[0])
    assert written["factor"].tolist()[0] == "training_intensity"


def test_sobol_on_an_analytic_function_through_the_store(tmp_path, monkeypatch):
    out = analytic_experiment(tmp_path, monkeypatch, spec("sobol", 256))
    result = sensitivity(out, "transformation_physical_2029", resamples=200)
    table = result.table.set_index("factor")
    variance = {k: c**2 / 12 for k, c in COEFFICIENTS.items()}
    share = {k: v / sum(variance.values()) for k, v in variance.items()}  # 16/17, 1/17, 0
    for name, expected in share.items():
        assert abs(table.loc[name, "S1"] - expected) < 0.05
        assert abs(table.loc[name, "ST"] - expected) < 0.05
    assert table.loc["training_intensity", "S1_conf"] > 0  # confidence intervals are there
    assert result.dominant() == "training_intensity"


def test_core_functions_on_raw_arrays():
    from SALib.sample import morris as morris_sample

    problem = {"num_vars": 2, "names": ["a", "b"], "bounds": [[0, 1], [0, 10]]}
    x = morris_sample.sample(problem, 8, num_levels=4, seed=3)
    y = 3 * x[:, 0] + 0.01 * x[:, 1]
    table = morris_table(problem, x, y, levels=4, resamples=100)
    assert table["factor"].tolist() == ["a", "b"]
    np.testing.assert_allclose(table["mu_star"], [3.0, 0.1])
    with pytest.raises(ExperimentError, match="Saltelli sample"):
        sobol_table(problem, np.zeros(5))  # not N × (D + 2) values


def test_morris_on_the_model_finds_training_intensity(tmp_path, capsys):
    """Utrecht, 2013-2029: training intensity dominates physical transformation in 2029;
    satisfaction_rate (inert: it only feeds the secretaries' satisfaction) does not, and
    physical_risk_weight (minor for transformation) less."""
    text = (
        spec("morris", 6)
        .replace('["Flevoland"]', '["Utrecht"]')
        .replace(
            '"adoption_rate"\nrange = [0.0, 1.0]', '"physical_risk_weight"\nrange = [0.0, 1.0]'
        )
    )
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run_experiment(path, out, workers=2, progress=False)
    code = experiment_main(
        ["sensitivity", str(out), "--outcome", "transformation_physical_2029", "--resamples", "200"]
    )
    printed = capsys.readouterr().out
    assert code == 0 and "most influential: training_intensity" in printed
    table = pd.read_csv(out / "analysis" / "sensitivity-transformation_physical_2029-morris.csv")
    table = table.set_index("factor")
    ti = table.loc["training_intensity"]
    assert ti["mu"] > 0.5 * ti["mu_star"] > 0  # more training, more transformation, mostly
    inert = table.loc["satisfaction_rate"]
    assert inert["mu_star"] < ti["mu_star"] / 5
    assert inert["mu_star_high"] < ti["mu_star_low"]
    # model v2: incidents reach the transformation through the college's steering, so the risk
    # weight is minor rather than inert (mu* 0.007 against 0.036 at the installed set)
    assert table.loc["physical_risk_weight", "mu_star"] < ti["mu_star"] / 2


def test_sensitivity_refuses_what_it_cannot_do(tmp_path, monkeypatch):
    out = analytic_experiment(tmp_path, monkeypatch, spec("lhs", 12))
    with pytest.raises(ExperimentError, match="needs a design with method = 'morris' or 'sobol'"):
        sensitivity(out, "transformation_physical_2029")
    morris_dir = analytic_experiment(tmp_path / "m", monkeypatch, spec("morris", 4))
    with pytest.raises(ExperimentError, match="its outcomes are: transformation_physical_2029"):
        sensitivity(morris_dir, "transformation_physical_2030")
    with pytest.raises(ExperimentError, match="--method sobol needs a design"):
        sensitivity(morris_dir, "transformation_physical_2029", "sobol")
    # a missing run: the analysis needs them all
    next(iter((morris_dir / "runs").glob("part-*.parquet"))).unlink()
    with pytest.raises(ExperimentError, match="runs are complete"):
        sensitivity(morris_dir, "transformation_physical_2029")
