"""``govsim experiment``: run, query and the wiring into a ``govsim`` parser."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsim.experiments.cli import main as experiment_main
from govsim.experiments.cli import register

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


def test_a_query_error_names_only_the_views_the_experiment_has(experiment, capsys):
    """The spec keeps no series; before, the message said 'Table with name series does not
    exist! ... The views are runs, series and points'."""
    from govsim.cli import main

    assert main(["experiment", "query", str(experiment), "SELECT * FROM series"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govsim experiment query: the query cannot be answered:")
    assert "series does not exist" in err
    assert err.rstrip().endswith("The views are runs and points")
    assert "runs, series and points" not in err
    assert main(["experiment", "query", str(experiment), "DROP VIEW runs"]) == 2
    err = capsys.readouterr().err
    assert "only reads" in err and err.rstrip().endswith("The views are runs and points")


def test_the_common_flags_on_experiment_subcommands(experiment, capsys, request):
    """-q, -v and --version on `govsim experiment run/query/...` (before: 'govsim: error:
    unrecognized arguments: -q'); a wrong flag is reported by the subcommand itself."""
    import logging

    from govsim.cli import main

    request.addfinalizer(lambda: logging.getLogger("govsim").setLevel(logging.WARNING))
    spec = experiment.parent / "spec.toml"
    assert main(["experiment", "run", str(spec), "--out", str(experiment), "-j", "1", "-q"]) == 0
    out, err = capsys.readouterr()
    assert "12 already complete, 0 to run" in out and err == ""
    assert logging.getLogger("govsim").level == logging.ERROR
    assert (
        main(["experiment", "query", str(experiment), "SELECT count(*) AS n FROM runs", "-v"]) == 0
    )
    assert "12" in capsys.readouterr().out
    assert logging.getLogger("govsim").level == logging.INFO
    assert main(["experiment", "-vv", "query", str(experiment), "SELECT 1 AS one"]) == 0
    assert logging.getLogger("govsim").level == logging.DEBUG  # given to the parent: kept
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["experiment", "sensitivity", str(experiment), "--outcome", "x", "--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("govsim ")
    with pytest.raises(SystemExit) as exit_:
        main(["experiment", "run", str(spec), "--out", str(experiment), "--bogus"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "govsim experiment run: error: unrecognized arguments: --bogus" in err
    assert err.startswith("usage: govsim experiment run ")


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


# ---------------------------------------------------------------------------- secretary's levers
LEVERS_SPEC = """
[experiment]
name = "levers_test"
scenario = "baseline"
replications = 2
seed = 3
municipalities = ["Utrecht"]      # the province (26 municipalities), the city among them
until = "2014-12"

[design]
method = "factorial"

[[factors]]
name = "role"
levels = ["changer", "advocate", "executor"]

[[factors]]
name = "coach_college"
where = "Utrecht"                 # the municipality Utrecht only
levels = [0.0, 1.0]

[[outcomes]]
indicator = "transformation_social"
date = "2014-12"
"""


@pytest.fixture(scope="module")
def lever_experiment(tmp_path_factory) -> Path:
    from govsim.experiments.run import run_experiment

    tmp = tmp_path_factory.mktemp("levers")
    spec = tmp / "spec.toml"
    spec.write_text(LEVERS_SPEC, encoding="utf-8")
    out = tmp / "out"
    report = run_experiment(spec, out, workers=1, progress=False)
    assert report.status == "complete" and report.runs_done == 12
    return out


def test_a_where_factor_changes_only_that_municipality(lever_experiment):
    from dataclasses import replace

    from govsim.experiments.run import plan
    from govsim.experiments.spec import load_spec
    from govsim.scenarios.runner import Outputs, run_task

    p = plan(load_spec(lever_experiment.parent / "spec.toml"))
    task = p.tasks[1 * 2]  # point 1: changer, coach_college 1 in Utrecht, replication 0
    assert task.overrides == {}
    snapshot_task = replace(
        task,
        until="2013-02",
        outputs=Outputs(
            snapshot_dates=("end",),
            snapshot_columns=("name", "lever_coach_college", "secretary_role"),
        ),
    )
    snap = run_task(snapshot_task).snapshots["end"].set_index("name")
    national = task.resolved_parameters()["coach_college"]
    assert len(snap) == 26 and national != 1.0
    assert snap.loc["Utrecht", "lever_coach_college"] == 1.0
    others = snap.drop(index="Utrecht")["lever_coach_college"]
    assert (others == national).all()
    assert (snap["secretary_role"] == "changer").all()  # a choice without where: everywhere
    point0 = replace(snapshot_task, strategy=p.tasks[0].strategy)
    assert (
        run_task(point0).snapshots["end"].set_index("name").loc["Utrecht", "lever_coach_college"]
        == national
    )


def test_categorical_levels_are_stored_as_texts_and_change_the_outcome(lever_experiment):
    import pyarrow.parquet as pq

    from govsim.experiments.store import load_points, load_runs, query

    runs = load_runs(lever_experiment)
    assert runs["role"].tolist() == [
        r for r in ("changer", "advocate", "executor") for _ in range(4)
    ]
    assert runs["coach_college@Utrecht"].tolist() == [0.0, 0.0, 1.0, 1.0] * 3
    part = next((lever_experiment / "runs").glob("part-*.parquet"))
    schema = pq.read_schema(part)
    assert str(schema.field("role").type) == "string"
    assert str(pq.read_schema(lever_experiment / "points.parquet").field("role").type) == "string"
    assert (
        load_points(lever_experiment)["role"].tolist()
        == ["changer"] * 2 + ["advocate"] * 2 + ["executor"] * 2
    )
    means = query(
        lever_experiment,
        "SELECT role, avg(transformation_social_2014) AS t, count(*) AS n, "
        'avg("coach_college@Utrecht") AS c FROM runs GROUP BY role',
    ).set_index("role")
    assert means["n"].tolist() == [4, 4, 4] and (means["c"] == 0.5).all()
    # the changer transforms faster than the advocate (same seeds: common random numbers)
    assert means.loc["changer", "t"] > means.loc["advocate", "t"] + 0.02
    changer = runs[runs["role"] == "changer"]["transformation_social_2014"].to_numpy()
    advocate = runs[runs["role"] == "advocate"]["transformation_social_2014"].to_numpy()
    assert (changer > advocate).all()


def test_lever_experiment_resumes_and_refuses_a_changed_where(lever_experiment, tmp_path):
    import json
    import shutil

    from govsim.experiments.run import run_experiment
    from govsim.experiments.spec import ExperimentError

    spec = lever_experiment.parent / "spec.toml"
    again = run_experiment(spec, lever_experiment, workers=1, progress=False)
    assert (again.runs_skipped, again.runs_done) == (12, 0)
    manifest = json.loads((lever_experiment / "manifest.json").read_text(encoding="utf-8"))
    factors = manifest["design"]["factors"]
    assert factors[0] == {
        "name": "role",
        "key": "role",
        "kind": "choice",
        "integer": False,
        "where": "all",
        "levels": ["changer", "advocate", "executor"],
    }
    assert (factors[1]["name"], factors[1]["key"], factors[1]["where"]) == (
        "coach_college@Utrecht",
        "coach_college",
        "Utrecht",
    )
    assert ["role", "string"] in manifest["columns"]["runs"]
    changed = tmp_path / "changed.toml"
    changed.write_text(LEVERS_SPEC.replace('where = "Utrecht"', 'where = "Amersfoort"'), "utf-8")
    copy = tmp_path / "copy"
    shutil.copytree(lever_experiment, copy)
    with pytest.raises(ExperimentError, match="different experiment"):
        run_experiment(changed, copy, workers=1, progress=False)
    (copy / "manifest.json").unlink()  # without a manifest the stored design is compared
    with pytest.raises(ExperimentError, match="design of a different experiment"):
        run_experiment(_swapped(tmp_path), copy, workers=1, progress=False)


def _swapped(tmp_path: Path) -> Path:
    path = tmp_path / "swap.toml"
    path.write_text(
        LEVERS_SPEC.replace(
            '["changer", "advocate", "executor"]', '["advocate", "changer", "executor"]'
        ),
        encoding="utf-8",
    )
    return path


def test_discovery_with_a_categorical_factor_and_no_sensitivity(lever_experiment, capsys):
    from govsim.experiments.discovery import discover
    from govsim.experiments.sensitivity import sensitivity
    from govsim.experiments.spec import ExperimentError
    from govsim.experiments.store import load_runs

    runs = load_runs(lever_experiment)
    threshold = float(runs[runs["role"] == "changer"]["transformation_social_2014"].min())
    assert (runs[runs["role"] == "advocate"]["transformation_social_2014"] < threshold).all()
    result = discover(lever_experiment, "transformation_social_2014", threshold, write=False)
    role = result.box.limits.set_index("factor").loc["role"]
    assert role["restricted_low"] and "changer" in role["levels"]
    assert "advocate" not in role["levels"]
    assert "the secretary's role is changer" in result.statements["en"]
    assert "de rol van de secretaris is veranderaar" in result.statements["nl"]
    with pytest.raises(ExperimentError, match="needs a design with method = 'morris' or 'sobol'"):
        sensitivity(lever_experiment, "transformation_social_2014", write=False)
    assert (
        experiment_main(
            ["sensitivity", str(lever_experiment), "--outcome", "transformation_social_2014"]
        )
        == 2
    )
    assert "factorial" in capsys.readouterr().err


def test_discover_states_roles_in_dutch_in_nl(lever_experiment, capsys):
    """Before: 'de rol van de secretaris is changer' in the Dutch statement."""
    from govsim.cli import main
    from govsim.experiments.store import load_runs

    runs = load_runs(lever_experiment)
    changer = runs[runs["role"] == "changer"]["transformation_social_2014"]
    argv = ["experiment", "discover", str(lever_experiment), "--outcome"]
    argv += ["transformation_social_2014", "--threshold", repr(float(changer.min()))]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    nl = next(line for line in lines if line.startswith("NL: "))
    en = next(line for line in lines if line.startswith("EN: "))
    assert "de rol van de secretaris is veranderaar" in nl
    assert not any(word in nl for word in ("changer", "executor", "advocate"))
    assert "the secretary's role is changer" in en


def test_morris_over_a_lever_for_two_selections(tmp_path):
    from govsim.experiments.run import run_experiment
    from govsim.experiments.sensitivity import sensitivity
    from govsim.experiments.store import load_points

    spec = tmp_path / "morris.toml"
    spec.write_text(
        """
[experiment]
scenario = "baseline"
seed = 2
municipalities = ["Utrecht"]

[design]
method = "morris"
samples = 2
seed = 1

[[factors]]
name = "coach_college"
where = "Utrecht"
range = [0, 1]

[[factors]]
name = "coach_college"
where = "size_class <20k"
column = "coach_small"
range = [0, 1]

[[outcomes]]
indicator = "college_attention_social"
date = "2014-12"
""",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    report = run_experiment(spec, out, workers=1, progress=False)
    assert report.runs_done == 6
    assert list(load_points(out, raw=True).columns) == [
        "point",
        "coach_college@Utrecht",
        "coach_small",
    ]
    result = sensitivity(out, "college_attention_social_2014", write=False)
    assert set(result.table["factor"]) == {"coach_college@Utrecht", "coach_small"}
    assert np.isfinite(result.table["mu_star"]).all()


def test_a_long_experiment_asks_for_yes_before_writing_anything(tmp_path, capsys, monkeypatch):
    import govsim.experiments.run as run

    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    # 12 runs stand in for a large experiment: time it, and call anything over 1e-6 h long
    monkeypatch.setattr(run, "ESTIMATE_FROM_RUNS", 10)
    monkeypatch.setattr(run, "CONFIRM_HOURS", 1e-6)
    assert experiment_main(["run", str(spec), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "has 12 runs; at the measured rate of this machine that takes about" in err
    assert "add --yes to run it" in err and "Traceback" not in err
    assert not out.exists()
    argv = ["run", str(spec), "--out", str(out), "--workers", "1", "--yes"]
    assert experiment_main(argv) == 0
    assert "complete: 12 of 12 runs" in capsys.readouterr().out


def test_a_small_experiment_is_not_timed_first(monkeypatch):
    import govsim.experiments.run as run
    from govsim.experiments.spec import loads_spec

    def never(_task):
        raise AssertionError("timed a run of a small experiment")

    monkeypatch.setattr("govsim.scenarios.runner.run_task", never)
    assert run.estimated_hours(run.plan(loads_spec(SPEC)), 2) is None


def test_an_unreachable_scheduler_is_refused_before_the_store_is_written(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    argv = ["run", str(spec), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"]
    assert experiment_main(argv) == 2
    err = capsys.readouterr().err
    assert "cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'" in err
    assert "nothing was written" in err and "Traceback" not in err
    assert not out.exists()
