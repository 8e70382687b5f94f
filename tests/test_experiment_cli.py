"""``govsim experiment``: run, query and the wiring into a ``govsim`` parser."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pandas as pd
import pytest

from experiments.cli import main as experiment_main
from experiments.cli import register

SPEC = """
[experiment]
name = "cli_test"
scenario = "dso_delay"
replications = 3
seed = 8
municipalities = ["Flevoland"]

[design]
method = "factorial"

[[factors]]
name = "physical_cooperation"
levels = [0.0, 0.8]

[[factors]]
name = "param.training_intensity"
levels = [0.3, 0.6]

[[outcomes]]
indicator = "transformation_physical"
date = "2015-12"
"""


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    spec = tmp / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp / "out"
    assert experiment_main(["run", str(spec), "--out", str(out), "--workers", "1"]) == 0
    return out


def test_run_prints_a_summary(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    assert experiment_main(["run", str(spec), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "4 points × 3 replication(s) = 12 runs; 0 already complete, 12 to run" in printed
    assert "complete: 12 of 12 runs" in printed
    assert experiment_main(["run", str(spec), "--out", str(out), "--workers", "1"]) == 0
    assert "12 already complete, 0 to run" in capsys.readouterr().out


def test_query_table_and_csv(experiment, capsys):
    sql = (
        "SELECT physical_cooperation, training_intensity, count(*) AS n "
        "FROM runs GROUP BY ALL ORDER BY ALL"
    )
    assert experiment_main(["query", str(experiment), sql]) == 0
    printed = capsys.readouterr().out
    assert "(4 rows)" in printed
    assert experiment_main(["query", str(experiment), sql, "--format", "csv"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert frame["n"].tolist() == [3, 3, 3, 3]
    assert frame["physical_cooperation"].tolist() == [0.0, 0.0, 0.8, 0.8]


def test_query_mistakes_exit_2(experiment, tmp_path, capsys):
    assert experiment_main(["query", str(experiment), "SELEC 1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govsim experiment query: the query cannot be answered")
    assert "Traceback" not in err
    assert experiment_main(["query", str(tmp_path), "SELECT 1"]) == 2
    assert "not an experiment folder" in capsys.readouterr().err


def test_base_scenario_and_manifest(experiment):
    import json

    manifest = json.loads((experiment / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scenario"]["name"] == "dso_delay"
    assert manifest["sessions"][0]["command"][:3] == ["govsim", "experiment", "run"]
    assert manifest["design"]["factors"][1]["name"] == "training_intensity"


def test_register_adds_experiment_to_a_govsim_parser(capsys):
    parser = argparse.ArgumentParser(prog="govsim")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(
        ["experiment", "run", "s.toml", "--out", "d", "--workers", "2", "--dask", "--chunk", "3"]
    )
    assert (args.command, args.experiment_command, args.workers, args.dask, args.chunk) == (
        "experiment",
        "run",
        2,
        True,
        3,
    )
    with pytest.raises(SystemExit):
        parser.parse_args(
            ["experiment", "run", "s.toml", "--out", "d", "--dask", "--scheduler", "tcp://x:1"]
        )
    assert "not allowed with argument" in capsys.readouterr().err
    args = parser.parse_args(
        ["experiment", "discover", "d", "--outcome", "o", "--threshold", "0.5", "--below"]
    )
    assert args.below and args.threshold == 0.5
    with pytest.raises(SystemExit):
        parser.parse_args(["experiment", "sensitivity", "d", "--outcome", "o", "--method", "x"])
