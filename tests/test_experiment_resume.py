"""Resume after SIGKILL at random moments gives exactly the result set of an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from govsim.experiments.run import run_experiment
from govsim.experiments.store import ExperimentStore, load_runs, load_series

pytestmark = pytest.mark.timeout(600)

ROOT = Path(__file__).resolve().parent.parent
SPEC = """
[experiment]
name = "kill_test"
scenario = "baseline"
replications = 2
seed = 17
municipalities = ["Flevoland"]
until = "2016-12"

[design]
method = "lhs"
samples = 12

[[factors]]
name = "training_intensity"
range = [0.2, 0.9]

[[factors]]
name = "dso_delay_months"
range = [0, 36]

[[factors]]
name = "physical_cooperation"
range = [0.0, 1.0]

[[outcomes]]
indicator = "transformation_physical"
date = "2016-12"

[[outcomes]]
indicator = "transition_physical"
date = "2016-06"

[series]
indicators = ["transformation_physical", "college_attention_physical"]
every = "quarter"
"""
N_RUNS = 24


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "kill.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference_run(spec_path, tmp_path_factory) -> tuple[Path, float]:
    """The same experiment, uninterrupted, in this process: its folder and seconds per run."""
    out = tmp_path_factory.mktemp("reference") / "out"
    started = time.perf_counter()
    report = run_experiment(spec_path, out, workers=1, progress=False)
    assert report.runs_done == N_RUNS
    return out, (time.perf_counter() - started) / N_RUNS


@pytest.fixture(scope="module")
def reference(reference_run) -> Path:
    """The uninterrupted experiment's folder."""
    return reference_run[0]


def start(spec: Path, out: Path, workers: int) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "govsim.experiments.cli",
        "run",
        str(spec),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--chunk",
        "1",
        "--no-progress",
    ]
    return subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def committed(out: Path) -> int:
    return len(ExperimentStore(out).run_parts())


def kill_after_progress(proc: subprocess.Popen, out: Path, extra: float, group: bool) -> bool:
    """Wait for one more committed chunk (or the end), then ``extra`` seconds, then SIGKILL."""
    before = committed(out)
    deadline = time.monotonic() + 120
    while committed(out) <= before and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(extra)
    alive = proc.poll() is None
    if alive:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    proc.wait(timeout=60)
    return alive


def children_of(pid: int) -> list[int]:
    """Every descendant of ``pid`` (the pool's workers are children of its fork server)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    out: list[int] = []
    frontier = [pid]
    while frontier:
        found = [child for child, parent in parents.items() if parent in frontier]
        out += found
        frontier = found
    return out


def assert_same_results(out: Path, reference: Path) -> None:
    runs = load_runs(out)
    assert runs["run_id"].tolist() == list(range(N_RUNS)), "no lost or duplicated runs"
    pd.testing.assert_frame_equal(
        runs.drop(columns="wall_time"), load_runs(reference).drop(columns="wall_time")
    )
    pd.testing.assert_frame_equal(load_series(out), load_series(reference))
    assert not list(out.rglob("*.tmp"))
    series_parts = {p.name for p in ExperimentStore(out).series_dir.glob("part-*.parquet")}
    assert series_parts == {p.name for p in ExperimentStore(out).run_parts()}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["counts"]["runs_complete"] == N_RUNS


def test_resume_after_sigkill_at_random_moments(spec_path, reference_run, tmp_path):
    """Four kills, each while the experiment is still running, then a resume to the end.

    The moments scale with this machine's speed (a fixed 0.5-3 s outlasted the whole
    experiment on a fast one): the first kill comes at a random moment of 0.5-3 s or as soon
    as the first run is committed; the others up to three runs' time after a further commit.
    """
    reference, run_seconds = reference_run
    rng = random.Random(20180101)
    out = tmp_path / "out"
    killed_running = 0
    # 1: a kill at a random moment early on (imports, set-up, first runs)
    proc = start(spec_path, out, workers=1)
    moment = time.monotonic() + rng.uniform(0.5, 3.0)
    while time.monotonic() < moment and proc.poll() is None and committed(out) == 0:
        time.sleep(0.005)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        killed_running += 1
    proc.wait(timeout=60)
    # 2-4: kills at random moments after further progress (mid-run, mid-write, between chunks)
    for _ in range(3):
        proc = start(spec_path, out, workers=1)
        extra = rng.uniform(0.0, 3.0) * run_seconds
        killed_running += kill_after_progress(proc, out, extra, group=True)
    assert killed_running >= 3, "the kills must interrupt running experiments"
    assert len(load_runs(out)) < N_RUNS if out.exists() else True
    # finish: the same command again
    proc = start(spec_path, out, workers=1)
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode() if proc.stderr else ""
    assert_same_results(out, reference)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["sessions"]) >= 2


def test_resume_after_killing_the_parent_of_a_process_pool(spec_path, reference_run, tmp_path):
    """Kill -9 of a pool's parent, twice while it runs (up to three runs' time after a commit)."""
    reference, run_seconds = reference_run
    rng = random.Random(7)
    out = tmp_path / "out"
    for _ in range(2):
        proc = start(spec_path, out, workers=2)
        before = committed(out) if out.exists() else 0
        deadline = time.monotonic() + 120
        while (
            (committed(out) if (out / "runs").exists() else 0) <= before
            and proc.poll() is None
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 3.0) * run_seconds)
        workers = children_of(proc.pid)
        assert proc.poll() is None, "the kill must interrupt a running experiment"
        assert workers, "the running experiment has its pool's processes"
        proc.kill()  # kill -9 of the parent only: its pool workers must not linger
        proc.wait(timeout=60)
        deadline = time.monotonic() + 20
        while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
            for w in workers:  # reap if they became our zombies (they are not our children)
                try:
                    os.waitpid(w, os.WNOHANG)
                except ChildProcessError:
                    pass
            time.sleep(0.2)
        lingering = [
            w
            for w in workers
            if Path(f"/proc/{w}").exists()
            and "Z" not in (Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0])
        ]
        assert not lingering, f"pool workers {lingering} outlived their parent"
    proc = start(spec_path, out, workers=2)
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode() if proc.stderr else ""
    assert_same_results(out, reference)
