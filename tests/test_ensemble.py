"""Ensembles (scenarios/ensemble.py) and summaries (scenarios/summary.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from govsim import provenance
from govsim.model.parameters import ParameterError, resolve_parameters
from govsim.model.timeline import Timeline, TimelineError
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.runner import replication_seeds
from govsim.scenarios.scenario import Scenario, ScenarioError
from govsim.scenarios.summary import band, paired_difference, summary_frame

PROVINCE = ["Utrecht"]
DATA_FILES = (
    "series/baseline.parquet",
    "series/dso_delay.parquet",
    "municipalities.parquet",
    "summary.parquet",
    "summary.csv",
)


def scenario(name: str, timeline: Timeline | None = None, **params) -> Scenario:
    return Scenario(
        name=name,
        title={"nl": f"{name} (nl)", "en": f"{name} (en)"},
        description={"nl": "beschrijving", "en": "description"},
        params=params,
        timeline=timeline or Timeline(),
        source_text=f'name = "{name}"\n',
    )


def pair() -> list[Scenario]:
    delayed = dataclasses.replace(Timeline(), dso_full=dt.date(2026, 1, 1))
    return [scenario("baseline"), scenario("dso_delay", delayed, dso_connect_rate=0.05)]


def ensemble(out: Path, **kwargs):
    args = {
        "replications": 3,
        "seed": 7,
        "workers": 1,
        "municipalities": PROVINCE,
        "until": "2024-12",
        "progress": False,
        "report": False,
    }
    return run_ensemble(pair(), out_dir=out, **{**args, **kwargs})


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ensemble") / "a"
    return ensemble(out)


# ---------------------------------------------------------------------------- reproducibility
def test_rerun_gives_byte_identical_data_files(first_run, tmp_path):
    again = ensemble(tmp_path / "b")
    for name in DATA_FILES:
        assert (first_run.out_dir / name).read_bytes() == (again.out_dir / name).read_bytes(), name


def test_process_pool_gives_the_in_process_files(first_run, tmp_path):
    pooled = ensemble(tmp_path / "pool", workers=2, chunksize=1)
    for name in DATA_FILES:
        assert (first_run.out_dir / name).read_bytes() == (pooled.out_dir / name).read_bytes(), name
    assert pooled.manifest["arguments"]["workers"] == 2


def test_series_files_hold_every_replication_in_order(first_run):
    frame = pd.read_parquet(first_run.out_dir / "series" / "dso_delay.parquet")
    assert list(frame.columns[:4]) == ["scenario", "replication", "seed", "date"]
    assert len(frame) == 3 * 144  # Jan 2013 - Dec 2024
    assert (frame["scenario"] == "dso_delay").all()
    assert frame["replication"].tolist() == sorted(frame["replication"].tolist())
    seeds = replication_seeds(7, 3)
    assert frame.groupby("replication")["seed"].first().tolist() == seeds
    first = frame[frame["replication"] == 0]
    assert first["date"].is_monotonic_increasing
    assert str(first["date"].iloc[0]) == "2013-01-01"
    np.testing.assert_array_equal(
        first["transition_physical"].to_numpy(),
        first_run.data.column("dso_delay", "transition_physical")[0],
    )
    # no pandas or timestamp metadata in the data files
    assert pq.read_schema(first_run.out_dir / "series" / "dso_delay.parquet").metadata is None


def test_summary_files_agree_with_the_series(first_run):
    summary = pd.read_parquet(first_run.out_dir / "summary.parquet")
    assert list(summary.columns) == [
        "scenario",
        "indicator",
        "date",
        "median",
        "p05",
        "p95",
        "mean",
    ]
    assert set(summary["scenario"]) == {"baseline", "dso_delay"}
    series = pd.read_parquet(first_run.out_dir / "series" / "baseline.parquet")
    at = series[series["date"] == dt.date(2022, 1, 1)]["transition_physical"].to_numpy()
    row = summary[
        (summary["scenario"] == "baseline")
        & (summary["indicator"] == "transition_physical")
        & (summary["date"] == dt.date(2022, 1, 1))
    ].iloc[0]
    assert row["median"] == pytest.approx(np.median(at))
    assert row["mean"] == pytest.approx(at.mean())
    assert (summary["p05"] <= summary["median"]).all()
    assert (summary["median"] <= summary["p95"]).all()
    csv = pd.read_csv(first_run.out_dir / "summary.csv")
    assert len(csv) == len(summary)


def test_manifest_records_what_reproduces_the_run(first_run):
    manifest = json.loads((first_run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seeds"]["root_seed"] == 7
    assert [r["seed"] for r in manifest["seeds"]["replications"]] == replication_seeds(7, 3)
    delayed = manifest["scenarios"][1]
    assert delayed["name"] == "dso_delay"
    assert delayed["source_text"] == 'name = "dso_delay"\n'
    assert delayed["overrides"] == {"dso_connect_rate": 0.05}
    assert delayed["parameters"] == resolve_parameters({"dso_connect_rate": 0.05})
    assert any(
        e["event"] == "DSO fully available" and e["date"] == "2026-01-01" for e in delayed["events"]
    )
    for package in ("mesa", "numpy", "pandas", "pyarrow"):
        assert manifest["packages"][package]
    assert manifest["code"]["govsim_version"]
    assert manifest["code"] == provenance.code_record()  # the one provenance module
    assert manifest["packages"] == provenance.package_versions()
    runs = manifest["timings"]["runs"]
    assert len(runs) == 6 and all(r["seconds"] > 0 and r["cpu_seconds"] > 0 for r in runs)
    assert manifest["timings"]["total_seconds"] >= manifest["timings"]["runs_seconds"]
    assert set(manifest["files"]) == set(DATA_FILES)
    assert manifest["arguments"]["municipalities"] == PROVINCE


# ---------------------------------------------------------------------------- nothing written
@pytest.mark.parametrize(
    ("scenarios", "error", "words"),
    [
        ([scenario("baseline"), scenario("x", no_such_parameter=1.0)], ParameterError, "no_such"),
        (
            [
                scenario("baseline"),
                scenario("x", dataclasses.replace(Timeline(), dso_full=dt.date(2018, 1, 1))),
            ],
            TimelineError,
            "DSO",
        ),
        ([scenario("baseline"), scenario("baseline")], ScenarioError, "twice"),
        ([scenario("base line")], ScenarioError, "file name"),
        ([], ScenarioError, "no scenarios"),
    ],
)
def test_invalid_scenarios_write_nothing(tmp_path, scenarios, error, words):
    out = tmp_path / "out"
    with pytest.raises(error, match=words):
        run_ensemble(
            scenarios, replications=2, out_dir=out, municipalities=PROVINCE, progress=False
        )
    assert not out.exists()


def test_unknown_municipality_writes_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ParameterError, match="Atlantis"):
        run_ensemble(
            pair(), replications=1, out_dir=out, municipalities=["Atlantis"], progress=False
        )
    assert not out.exists()


def test_a_failing_run_leaves_an_existing_folder_as_it_was(tmp_path, monkeypatch):
    import govsim.scenarios.runner as runner

    out = tmp_path / "kept"
    out.mkdir()
    (out / "note.txt").write_text("mine")
    calls = {"n": 0}
    real = runner.run_task

    def flaky(task):
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("worker died")
        return real(task)

    monkeypatch.setattr(runner, "run_task", flaky)
    with pytest.raises(RuntimeError, match="worker died"):
        ensemble(out, force=True)  # a folder with a file of the user's: --force
    assert sorted(p.name for p in out.iterdir()) == ["note.txt"]


# ---------------------------------------------------------------------------- summary statistics
def test_band_of_a_known_tiny_input():
    # 5 replications, 2 dates, 1 indicator
    values = np.array(
        [[[1.0], [10.0]], [[2.0], [30.0]], [[3.0], [20.0]], [[4.0], [50.0]], [[5.0], [40.0]]]
    )
    b = band(values)
    np.testing.assert_allclose(b.median[:, 0], [3.0, 30.0])
    np.testing.assert_allclose(b.mean[:, 0], [3.0, 30.0])
    np.testing.assert_allclose(b.p05[:, 0], [1.2, 12.0])  # linear interpolation: 1 + 0.2 * 1
    np.testing.assert_allclose(b.p95[:, 0], [4.8, 48.0])
    even = band(np.array([[0.0], [1.0], [3.0], [10.0]]))
    assert even.median[0] == pytest.approx(2.0)


def test_summary_frame_layout():
    values = np.arange(2 * 3 * 2, dtype=float).reshape(2, 3, 2)  # (replications, dates, indicators)
    dates = np.array(["2020-01-01", "2020-02-01", "2020-03-01"], dtype="datetime64[D]")
    frame = summary_frame("s", dates, ("a", "b"), values)
    assert frame["indicator"].tolist() == ["a", "a", "a", "b", "b", "b"]
    assert frame["median"].tolist() == [3.0, 5.0, 7.0, 4.0, 6.0, 8.0]
    with pytest.raises(ValueError):
        summary_frame("s", dates[:2], ("a", "b"), values)


def test_paired_difference_uses_the_pairing():
    ref = np.array([[0.0], [10.0], [20.0]])
    scen = ref + np.array([[1.0], [1.0], [1.0]])
    d = paired_difference(scen, ref)
    # paired: every replication differs by exactly 1; unpaired bands would be ~±20 wide
    assert d.median[0] == d.p05[0] == d.p95[0] == 1.0


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(1, 4), st.integers(1, 3)),
        elements=st.floats(-1e6, 1e6, allow_nan=False),
    )
)
def test_bands_are_ordered(values):
    b = band(values)
    assert np.all(b.p05 <= b.median)
    assert np.all(b.median <= b.p95)
    assert np.all(b.p05 >= values.min(axis=0)) and np.all(b.p95 <= values.max(axis=0))
