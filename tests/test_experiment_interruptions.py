"""An experiment stopped part-way says how far it got, keeps its runs, and resumes (scale audit).

Ctrl-C, a worker process killed (out of memory) and a cluster that goes away end in one
paragraph (no traceback) that says how many runs are stored and that the same command
resumes; the manifest follows the chunks as they are written; `query` and `discover` on a
partial experiment say it is partial; a part cut short is named, not a DuckDB traceback; a
port that accepts a connection but is no Dask scheduler is refused within a deadline.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import socket
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from govsim import cli
from govsim.experiments import run as run_module
from govsim.experiments.cli import main as experiment_main
from govsim.experiments.run import ExperimentInterrupted, check_scheduler, run_experiment
from govsim.experiments.spec import ExperimentError
from govsim.experiments.store import ExperimentStore, load_runs

SPEC = """
[experiment]
name = "stops"
scenario = "baseline"
replications = 2
seed = 5
municipalities = ["Flevoland"]
until = "2014-06"

[design]
method = "factorial"

[[factors]]
name = "training_intensity"
levels = [0.2, 0.4, 0.6, 0.8]

[[outcomes]]
indicator = "transformation_social"
date = "2014-06"
"""
RUNS = 8


class StopsAfter(cf.Executor):
    """Runs the first ``good`` batches in this process; later ones fail with ``error``.

    A failing batch fails a moment after it was sent, as a batch on a worker that dies (or a
    Ctrl-C while waiting): the batches done before it are collected first.
    """

    def __init__(self, good: int, error: BaseException) -> None:
        self.good, self.error, self.calls = good, error, 0

    def submit(self, fn, /, *args, **kwargs):
        self.calls += 1
        future: cf.Future = cf.Future()
        if self.calls > self.good:
            threading.Timer(0.2, _fail, [future, self.error]).start()
        else:
            future.set_result(fn(*args, **kwargs))
        return future


def _fail(future: cf.Future, error: BaseException) -> None:
    if future.set_running_or_notify_cancel():  # not if the runner cancelled it meanwhile
        future.set_exception(error)


@pytest.fixture
def spec(tmp_path) -> Path:
    path = tmp_path / "spec.toml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("error", "raised", "status"),
    [
        (KeyboardInterrupt(), ExperimentInterrupted, "interrupted"),
        (BrokenProcessPool("a worker died"), ExperimentError, "failed"),
    ],
)
def test_a_run_stopped_part_way_says_what_is_stored_and_resumes(
    spec, tmp_path, error, raised, status
):
    out = tmp_path / "out"
    stopper = StopsAfter(3, error)
    with pytest.raises(raised, match=r"3 of 8 runs are stored in .*; run the same command"):
        run_experiment(spec, out, executor=stopper, chunk=1, progress=False)
    assert manifest(out)["status"] == status
    assert manifest(out)["counts"]["runs_complete"] == 3
    assert len(load_runs(out)) == 3
    assert ExperimentStore(out).incomplete_note() == (
        "note: 3 of 8 runs are stored; the experiment is incomplete (run the same `govsim "
        "experiment run` command to finish it)"
    )
    report = run_experiment(spec, out, workers=1, progress=False)
    assert (report.runs_skipped, report.runs_done, report.status) == (3, 5, "complete")
    whole = run_experiment(spec, tmp_path / "whole", workers=1, progress=False)
    assert whole.runs_done == RUNS
    assert (
        load_runs(out)
        .drop(columns="wall_time")
        .equals(load_runs(tmp_path / "whole").drop(columns="wall_time"))
    )
    assert ExperimentStore(out).incomplete_note() is None


def test_any_other_failure_of_a_local_run_still_shows_its_traceback(spec, tmp_path):
    with pytest.raises(ZeroDivisionError):
        run_experiment(
            spec,
            tmp_path / "out",
            executor=StopsAfter(1, ZeroDivisionError()),
            chunk=1,
            progress=False,
        )


def test_the_manifest_counts_the_runs_as_their_chunks_are_written(spec, tmp_path, monkeypatch):
    seen = []
    write = ExperimentStore.write_manifest

    def watched(self, record):
        seen.append(record["counts"]["runs_complete"])
        write(self, record)

    monkeypatch.setattr(ExperimentStore, "write_manifest", watched)
    run_experiment(spec, tmp_path / "out", workers=1, chunk=2, progress=False)
    assert [n for n in seen if n] == [2, 4, 6, 8, 8]


def test_ctrl_c_on_the_command_line_is_one_line_and_exit_130(spec, tmp_path, capsys, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise ExperimentInterrupted(
            "interrupted: 3 of 8 runs are stored in X; run the same command"
        )

    monkeypatch.setattr(run_module, "run_experiment", interrupted)
    code = cli.main(["experiment", "run", str(spec), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 130
    assert err == (
        "govsim experiment: interrupted: 3 of 8 runs are stored in X; run the same command\n"
    )


def test_query_and_discover_say_when_the_experiment_is_partial(spec, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(ExperimentInterrupted):
        run_experiment(
            spec, out, executor=StopsAfter(5, KeyboardInterrupt()), chunk=1, progress=False
        )
    assert experiment_main(["query", str(out), "SELECT count(*) AS n FROM runs"]) == 0
    captured = capsys.readouterr()
    assert "note: 5 of 8 runs are stored" in captured.err
    assert " 5" in captured.out


def test_a_part_cut_short_is_named_by_query_not_a_duckdb_traceback(spec, tmp_path, capsys):
    out = tmp_path / "out"
    run_experiment(spec, out, workers=1, chunk=4, progress=False)
    part = ExperimentStore(out).run_parts()[0]
    part.write_bytes(part.read_bytes()[:100])
    assert experiment_main(["query", str(out), "SELECT count(*) FROM runs"]) == 2
    err = capsys.readouterr().err
    assert "the runs of " in err and "cannot be read" in err
    assert "run the experiment again to set the damaged file aside" in err
    assert "Traceback" not in err


def test_discover_with_a_threshold_outside_the_outcome_gives_its_range(tmp_path, capsys):
    spec = tmp_path / "lhs.toml"
    spec.write_text(
        SPEC.replace('method = "factorial"', 'method = "lhs"\nsamples = 12').replace(
            "levels = [0.2, 0.4, 0.6, 0.8]", "range = [0.1, 0.9]"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run_experiment(spec, out, workers=1, progress=False)
    argv = ["discover", str(out), "--outcome", "transformation_social_2014_06", "--threshold", "5"]
    assert experiment_main(argv) == 2
    err = capsys.readouterr().err
    assert "none of the 24 runs meets the condition" in err
    assert "'transformation_social_2014_06' lies between " in err and "(quartiles " in err


def test_a_port_that_is_no_dask_scheduler_is_refused_within_the_deadline(monkeypatch):
    """A listening socket that never answers: Client() would wait for ever."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held = []
    threading.Thread(target=lambda: held.append(server.accept()), daemon=True).start()
    monkeypatch.setattr(run_module, "SCHEDULER_CHECK_DEADLINE", 3.0)
    started = time.monotonic()
    try:
        with pytest.raises(ExperimentError, match="gave no Dask handshake within 3 s"):
            check_scheduler(f"tcp://127.0.0.1:{server.getsockname()[1]}")
    finally:
        server.close()
    assert time.monotonic() - started < 10


def test_what_counts_as_workers_lost():
    import asyncio

    from distributed.comm.core import CommClosedError

    from govsim.experiments.run import workers_lost

    assert workers_lost(BrokenProcessPool("killed"), on_dask=False)
    assert not workers_lost(OSError("disk"), on_dask=False)  # a local run's own error
    for exc in (CommClosedError("gone"), asyncio.CancelledError(), TimeoutError()):
        assert workers_lost(exc, on_dask=True), exc
    assert not workers_lost(ZeroDivisionError(), on_dask=True)  # a bug shows its traceback
    assert not workers_lost(SystemExit(1), on_dask=True)
