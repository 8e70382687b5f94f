"""The local worker pool (scenarios.pool) and the command's early start (govsim.launch)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from govsim import launch
from govsim.scenarios import pool
from govsim.scenarios.runner import RunTask, run_task, run_tasks


def worker_state(name: str) -> dict:
    """What a pool worker has loaded before its first task, its parent, cwd and one variable."""
    from govsim.model.fused.staff import staff_month

    return {
        "pid": os.getpid(),
        "parent": os.getppid(),
        "warm": "govsim.scenarios.pool_warmup" in sys.modules,
        "kernel_signatures": len(staff_month.signatures),
        "cwd": os.getcwd(),
        "variable": os.environ.get(name),
    }


@pytest.mark.skipif(not pool.forkserver_available(), reason="no fork server on this platform")
def test_workers_start_ready_with_this_process_cwd_and_environment(tmp_path, monkeypatch):
    assert pool.start_server()
    assert pool.start_server()  # a second call keeps the running server
    # set after the server started: the workers must still see them, as spawned ones would
    monkeypatch.setenv("GOVSIM_POOL_TEST", "set-after-start")
    monkeypatch.chdir(tmp_path)
    with pool.process_pool(2) as executor:
        states = list(executor.map(worker_state, ["GOVSIM_POOL_TEST"] * 4))
    for state in states:
        assert state["pid"] != os.getpid()
        assert state["parent"] != os.getpid()  # forked from the fork server, not from here
        assert state["warm"], "the fork server imported the warm-up module"
        assert state["kernel_signatures"] >= 1, "the compiled kernel was loaded before any task"
        assert state["cwd"] == str(tmp_path)
        assert state["variable"] == "set-after-start"
    monkeypatch.delenv("GOVSIM_POOL_TEST")
    with pool.process_pool(1) as executor:
        assert executor.submit(worker_state, "GOVSIM_POOL_TEST").result()["variable"] is None


def test_pooled_runs_equal_in_process_runs():
    from govsim.scenarios.loader import load_scenario

    tasks = [
        RunTask(load_scenario("baseline"), i, 100 + i, until="2016-06", municipalities=("Utrecht",))
        for i in range(3)
    ]
    here = [run_task(t).values for t in tasks]
    pooled = sorted(run_tasks(tasks, workers=2, chunksize=1, progress=False), key=lambda r: r.seed)
    assert [r.seed for r in pooled] == [100, 101, 102]
    for mine, theirs in zip(here, pooled, strict=True):
        assert mine.tobytes() == theirs.values.tobytes()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["run", "-j", "2"], True),
        (["run", "--workers", "2", "baseline"], True),
        (["run", "--workers=3"], True),
        (["run", "-j2"], True),
        (["run", "-j", "1"], False),
        (["run", "--workers", "2", "--workers", "1"], False),  # the last one counts
        (["lessons", "baseline", "-j", "2"], True),
        (["experiment", "run", "spec.toml", "-j", "2"], True),
        (["experiment", "run", "spec.toml", "-j", "2", "--dask"], False),
        (["experiment", "run", "spec.toml", "-j", "2", "--scheduler=tcp://h:8786"], False),
        (["experiment", "status", "out", "-j", "2"], False),
        (["survey", "-j", "2"], False),
        (["params"], False),
        (["run", "-j", "2", "--help"], False),
        (["run", "-j", "many"], False),
    ],
)
def test_the_command_starts_the_server_only_for_a_pool(argv, expected):
    assert launch.uses_local_pool(argv) is expected


def test_default_workers_follow_the_cpus(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert launch.uses_local_pool(["run"]) is False
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2})
    assert launch.uses_local_pool(["run"]) is True


def test_launch_runs_the_command_line(monkeypatch, capsys):
    started = []
    monkeypatch.setattr(pool, "start_server", lambda: started.append(True) or True)
    with pytest.raises(SystemExit) as stop:
        launch.main(["--version"])
    assert stop.value.code == 0
    assert started == []
    assert "0.1.0" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        launch.main(["run", "-j", "2", "--replications", "0"])
    assert stop.value.code == 2  # argparse refuses 0 replications, after the server started
    assert started == [True]


def test_figures_drawn_in_the_pool_are_the_figures_drawn_here(tmp_path):
    from govsim.scenarios.ensemble import simulate
    from govsim.scenarios.loader import load_scenario
    from govsim.scenarios.report import write_report

    data, _ = simulate(
        [load_scenario("baseline"), load_scenario("dso_delay")],
        2,
        5,
        municipalities=["Flevoland"],
        until="2016-06",
        progress=False,
    )
    here_report, here_pngs = write_report(data, tmp_path / "here", "nl", code_version="x")
    with pool.process_pool(2) as executor:
        pool_report, pool_pngs = write_report(
            data, tmp_path / "pool", "nl", code_version="x", executor=executor
        )
    assert [p.name for p in here_pngs] == [p.name for p in pool_pngs]
    assert "map_change.png" in [p.name for p in pool_pngs]
    for mine, theirs in zip(here_pngs, pool_pngs, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name
    assert here_report.read_bytes() == pool_report.read_bytes()


def test_the_command_with_two_workers_writes_what_one_writes(tmp_path):
    import subprocess

    def command(workers: int) -> Path:
        out = tmp_path / f"j{workers}"
        args = [sys.executable, "-m", "govsim", "run", "baseline", "dso_delay", "-n", "3"]
        args += ["--municipalities", "Flevoland", "--until", "2015-06", "--no-progress"]
        args += ["-j", str(workers), "--out", str(out), "--seed", "9"]
        done = subprocess.run(args, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"with {workers} worker(s)" in done.stdout
        return out

    one, two = command(1), command(2)
    for name in ("summary.csv", "summary.parquet", "series/baseline.parquet", "report.html"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
