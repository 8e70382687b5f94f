"""The process pool and Dask (a local cluster, an existing scheduler) give identical results."""

from __future__ import annotations

import json
from pathlib import Path

import distributed
import pandas as pd
import pytest

from govsim.experiments.cli import main as experiment_main
from govsim.experiments.run import run_experiment
from govsim.experiments.store import load_runs, load_series

pytestmark = pytest.mark.timeout(600)

SPEC = """
[experiment]
name = "dask_test"
scenario = "baseline"
replications = 2
seed = 99
municipalities = ["Flevoland"]
until = "2016-12"

[design]
method = "morris"
samples = 3
levels = 4

[[factors]]
name = "training_intensity"
range = [0.0, 1.0]

[[factors]]
name = "dso_delay_months"
range = [0, 36]

[[outcomes]]
indicator = "transformation_physical"
date = "2016-12"

[series]
indicators = ["transformation_physical"]
every = "year"
"""


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "dask.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def pool_result(spec_path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pool") / "out"
    report = run_experiment(spec_path, out, workers=2, chunk=2, progress=False)
    assert report.executor.startswith("local process pool") and report.runs_done == 18
    return out


def same(a: Path, b: Path) -> None:
    pd.testing.assert_frame_equal(
        load_runs(a).drop(columns="wall_time"), load_runs(b).drop(columns="wall_time")
    )
    pd.testing.assert_frame_equal(load_series(a), load_series(b))


def test_local_dask_cluster_gives_the_same_results(spec_path, pool_result, tmp_path, capsys):
    out = tmp_path / "out"
    code = experiment_main(
        ["run", str(spec_path), "--out", str(out), "--workers", "2", "--dask", "--chunk", "2"]
    )
    assert code == 0
    assert "local Dask cluster, 2 worker process(es)" in capsys.readouterr().out
    same(out, pool_result)


def test_existing_scheduler_gives_the_same_results(spec_path, pool_result, tmp_path):
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        out = tmp_path / "out"
        report = run_experiment(
            spec_path, out, workers=2, scheduler=cluster.scheduler_address, progress=False
        )
    assert report.executor.startswith("Dask cluster at tcp://")
    same(out, pool_result)


def test_dask_and_scheduler_exclude_each_other(spec_path, tmp_path):
    from govsim.experiments.spec import ExperimentError

    with pytest.raises(ExperimentError, match="either --dask"):
        run_experiment(spec_path, tmp_path / "out", dask=True, scheduler="tcp://x:1")
    assert not (tmp_path / "out").exists()


def test_without_workers_every_thread_of_the_cluster_is_kept_busy(spec_path, pool_result, tmp_path):
    """On a cluster, -j defaults to the cluster's threads, not this machine's CPUs (2 here)."""
    with distributed.LocalCluster(
        n_workers=3, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        out = tmp_path / "out"
        report = run_experiment(spec_path, out, scheduler=cluster.scheduler_address, progress=False)
    assert report.executor.endswith(", 3 threads")
    session = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sessions"][-1]
    assert session["workers"] == 3
    same(out, pool_result)


def test_a_cluster_whose_workers_run_other_model_code_is_refused(spec_path, tmp_path, monkeypatch):
    """Workers that would give other numbers (here: this process pretends to have other model
    code) are found before anything is written."""
    from govsim import provenance
    from govsim.experiments.spec import ExperimentError

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        real = provenance.model_fingerprint()
        with distributed.Client(cluster.scheduler_address) as client:
            assert set(client.run(provenance.model_fingerprint).values()) == {real}
        monkeypatch.setattr(provenance, "model_fingerprint", lambda: "0123456789abcdef")
        out = tmp_path / "out"
        with pytest.raises(ExperimentError, match="1 of 1 workers of the Dask cluster at") as err:
            run_experiment(spec_path, out, scheduler=cluster.scheduler_address, progress=False)
    assert f"(fingerprint {real} at tcp://" in str(err.value)
    assert "here 0123456789abcdef" in str(err.value) and "nothing was run" in str(err.value)
    assert not out.exists()
