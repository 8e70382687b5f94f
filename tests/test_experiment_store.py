"""The experiment store: chunks, manifest, resume, crash leftovers, pandas and DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govsim.experiments.store as store_module
from govsim import provenance
from govsim.experiments.run import run_experiment
from govsim.experiments.spec import ExperimentError
from govsim.experiments.store import ExperimentStore, load_points, load_runs, load_series, query

SPEC = """
[experiment]
name = "store_test"
scenario = "baseline"
replications = 2
seed = 3
municipalities = ["Flevoland"]
until = "2015-12"

[design]
method = "lhs"
samples = 5

[[factors]]
name = "training_intensity"
range = [0.2, 0.9]

[[factors]]
name = "dso_delay_months"
range = [0, 24]

[[outcomes]]
indicator = "transformation_physical"
date = "2015-12"

[[outcomes]]
indicator = "transition_social"
date = "2014-06"

[series]
indicators = ["transition_social", "urgency_physical"]
every = "year"
"""
N_RUNS = 10


def write_spec(tmp_path: Path, text: str = SPEC) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Path:
    """A complete experiment folder (10 short runs, in this process)."""
    tmp = tmp_path_factory.mktemp("store")
    out = tmp / "out"
    report = run_experiment(write_spec(tmp), out, workers=1, chunk=3, progress=False)
    assert report.status == "complete" and report.runs_done == N_RUNS
    return out


def test_layout_and_manifest(finished):
    store = ExperimentStore(finished)
    assert (finished / "spec.toml").read_text(encoding="utf-8") == SPEC
    assert len(store.run_parts()) == 4  # chunks of 3, 3, 3, 1 runs
    assert len(store.series_parts()) == 4
    manifest = json.loads((finished / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["counts"] == {
        "points": 5,
        "runs_total": N_RUNS,
        "runs_complete": N_RUNS,
        "chunks": 4,
    }
    assert manifest["seeds"]["root_seed"] == 3 and manifest["spec"]["text"] == SPEC
    assert manifest["packages"]["SALib"] and manifest["packages"]["duckdb"]
    assert manifest["code"] == provenance.code_record() and manifest["fingerprint"]
    (session,) = manifest["sessions"]
    assert session["runs_done"] == N_RUNS and session["status"] == "complete"
    assert not list(finished.rglob("*.tmp"))


def test_runs_as_pandas(finished):
    runs = load_runs(finished)
    assert runs["run_id"].tolist() == list(range(N_RUNS))
    assert runs["point"].tolist() == [i // 2 for i in range(N_RUNS)]
    assert runs["replication"].tolist() == [0, 1] * 5
    assert runs["seed"].nunique() == 2  # common random numbers: one seed per replication
    points = load_points(finished)
    merged = runs.merge(points, on="point", suffixes=("", "_design"))
    np.testing.assert_array_equal(merged["training_intensity"], merged["training_intensity_design"])
    assert runs["dso_delay_months"].dtype == np.int64
    assert runs["transformation_physical_2015"].between(0, 1).all()
    assert (runs["wall_time"] > 0).all()


def test_series_as_pandas(finished):
    series = load_series(finished)
    assert len(series) == N_RUNS * 3  # Decembers of 2013, 2014, 2015
    assert set(pd.to_datetime(series["date"]).dt.month) == {12}
    assert list(series.columns) == [
        "run_id",
        "point",
        "replication",
        "date",
        "transition_social",
        "urgency_physical",
    ]


def test_duckdb_query_row_count(finished):
    assert query(finished, "SELECT count(*) AS n FROM runs")["n"].item() == N_RUNS
    assert query(finished, "SELECT count(*) AS n FROM series")["n"].item() == N_RUNS * 3
    assert query(finished, "SELECT count(*) AS n FROM points")["n"].item() == 5
    joined = query(
        finished,
        "SELECT r.point, avg(s.transition_social) AS m FROM runs r JOIN series s USING (run_id) "
        "GROUP BY r.point ORDER BY r.point",
    )
    assert joined["point"].tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ExperimentError, match="cannot be answered"):
        query(finished, "SELECT nope FROM runs")


def test_rerun_of_a_complete_experiment_runs_nothing(finished):
    before = sorted(p.name for p in ExperimentStore(finished).run_parts())
    report = run_experiment(write_spec(finished.parent), finished, workers=1, progress=False)
    assert (report.runs_done, report.runs_skipped, report.status) == (0, N_RUNS, "complete")
    assert sorted(p.name for p in ExperimentStore(finished).run_parts()) == before


def test_leftovers_of_a_crash_are_ignored_then_removed(tmp_path, finished):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(finished, out)
    store = ExperimentStore(out)
    first = store.run_parts()[0]
    runs_in_first = load_runs(out).query("run_id in @pd.read_parquet(@first).run_id").shape[0]
    # a kill between the series and the runs rename: the series part has no runs part
    first.unlink()
    # a kill during writing: temporary files
    (out / "runs" / ".part-x.parquet.abc.tmp").write_bytes(b"PAR1 half a file")
    (out / "series" / ".part-y.parquet.abc.tmp").write_bytes(b"")
    assert len(load_runs(out)) == N_RUNS - runs_in_first
    assert query(out, "SELECT count(*) AS n FROM series")["n"].item() == 3 * (
        N_RUNS - runs_in_first
    )
    report = run_experiment(write_spec(tmp_path), out, workers=1, progress=False)
    assert report.runs_done == runs_in_first
    assert set(report.removed) == {
        "runs/.part-x.parquet.abc.tmp",
        f"series/{first.name}",
        "series/.part-y.parquet.abc.tmp",
    }
    pd.testing.assert_frame_equal(
        load_runs(out).drop(columns="wall_time"), load_runs(finished).drop(columns="wall_time")
    )
    pd.testing.assert_frame_equal(load_series(out), load_series(finished))


def test_crash_between_series_and_runs_part_then_resume(tmp_path, finished, monkeypatch):
    out = tmp_path / "out"
    real = store_module.write_table
    calls = {"n": 0}

    def failing(table, path):
        if path.parent.name == "runs":
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("disk on fire")
        return real(table, path)

    monkeypatch.setattr(store_module, "write_table", failing)
    with pytest.raises(OSError, match="disk on fire"):
        run_experiment(write_spec(tmp_path), out, workers=1, chunk=4, progress=False)
    monkeypatch.setattr(store_module, "write_table", real)
    assert len(load_runs(out)) == 4
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["counts"]["runs_complete"] == 4
    report = run_experiment(write_spec(tmp_path), out, workers=1, chunk=4, progress=False)
    assert (report.runs_skipped, report.runs_done) == (4, 6)
    pd.testing.assert_frame_equal(
        load_runs(out).drop(columns="wall_time"), load_runs(finished).drop(columns="wall_time")
    )
    pd.testing.assert_frame_equal(load_series(out), load_series(finished))


def test_unreadable_part_is_set_aside_and_redone(tmp_path, finished):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(finished, out)
    victim = ExperimentStore(out).run_parts()[1]
    victim.write_bytes(b"not parquet at all")
    with pytest.raises(ExperimentError, match="cannot be read"):
        load_runs(out)
    report = run_experiment(write_spec(tmp_path), out, workers=1, progress=False)
    assert report.runs_done == 3 and (out / "quarantine").is_dir()
    pd.testing.assert_frame_equal(
        load_runs(out).drop(columns="wall_time"), load_runs(finished).drop(columns="wall_time")
    )


def test_other_experiment_in_the_folder_is_refused(tmp_path, finished):
    import shutil

    out = tmp_path / "out"
    shutil.copytree(finished, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    changed = write_spec(tmp_path, SPEC.replace("seed = 3", "seed = 4"))
    with pytest.raises(ExperimentError, match="different experiment"):
        run_experiment(changed, out, workers=1, progress=False)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_folder_with_foreign_files_is_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(ExperimentError, match="not an experiment's"):
        run_experiment(write_spec(tmp_path), out, workers=1, progress=False)
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]


def test_busy_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    store = ExperimentStore(out)
    with store.lock(), pytest.raises(ExperimentError, match="another process"):
        run_experiment(write_spec(tmp_path), out, workers=1, progress=False)


def test_empty_views_before_any_run_finished(tmp_path, monkeypatch):
    out = tmp_path / "out"

    def no_runs(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("govsim.experiments.run.run_tasks", no_runs)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(write_spec(tmp_path), out, workers=1, progress=False)
    assert query(out, "SELECT count(*) AS n FROM runs")["n"].item() == 0
    assert query(out, "SELECT count(*) AS n FROM series")["n"].item() == 0
    assert list(load_runs(out).columns)[:4] == ["run_id", "point", "replication", "seed"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "interrupted"


def test_not_an_experiment_folder(tmp_path):
    with pytest.raises(ExperimentError, match="not an experiment folder"):
        query(tmp_path, "SELECT 1")
