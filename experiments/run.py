"""Run an experiment: design points → RunTasks → the one runner → Parquet chunks; resumable.

`run_experiment` (``govsim experiment run SPEC --out DIR``):

1. reads and checks the spec (`experiments.spec`) and builds every design point's scenario,
   parameters and strategy rules (`plan`), so that any mistake is reported before anything is
   written. A factor becomes a parameter override (a model parameter, also a secretary's
   numeric lever without ``where``), a timeline lever (`experiments.levers.apply_levers`) or,
   for a secretary's lever or choice with a ``where`` (a choice without one: ``"all"``), a
   `model.levers.StrategyRule` ``(where, {key: value})`` in `RunTask.strategy`, in factor order,
   applied after the base scenario's own ``[[strategy]]`` rules (later rules win);
2. opens the folder (new, or an earlier run of the *same* experiment: same fingerprint) under a
   lock, removes temporary files and uncommitted parts left by a killed run, and reads which runs
   are complete;
3. runs the rest through `scenarios.runner.run_tasks` (one runner, not two) in a local process
   pool (default), a local Dask cluster (``dask=True``) or an existing one (``scheduler=...``),
   writing every finished batch as one chunk (`experiments.store`);
4. records the session (times, counts, versions) in manifest.json.

Run ``point × replications + replication`` is ``run_id``. Its seed comes from
``numpy.random.SeedSequence(root)``: with common random numbers (default) replication ``r`` has
the seed ``SeedSequence(root).spawn(replications)[r]`` at every point (as `govsim run` does, so
differences between points are not noise); otherwise every run has its own child
``SeedSequence(root).spawn(runs)[run_id]``. The seed is stored with every run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from govsim.experiments.design import DesignMatrix, build_design
from govsim.experiments.levers import apply_levers
from govsim.experiments.spec import ExperimentError, Spec, SpecError, load_spec
from govsim.experiments.store import (
    DESIGN,
    POINTS,
    SPEC_COPY,
    ExperimentStore,
    runs_schema,
    schema_columns,
    series_schema,
    write_table,
)
from govsim.model.levers import StrategyRule
from govsim.model.parameters import ParameterError, resolve_parameters
from govsim.provenance import code_record, git_commit, model_fingerprint, package_versions
from govsim.scenarios.adjust import AdjustError
from govsim.scenarios.pool import process_pool
from govsim.scenarios.runner import (
    Outputs,
    RunResult,
    RunTask,
    replication_seeds,
    run_tasks,
)
from govsim.scenarios.scenario import Scenario

MANIFEST_VERSION = 1

CONFIRM_HOURS = 6.0
"""An experiment estimated to take longer than this asks for ``--yes`` (issue 18)."""
ESTIMATE_FROM_RUNS = 1000
"""Experiments with fewer runs are not timed first: even at 4x density (about 1.4 s a national
run) they end within an hour on one core."""


def estimated_hours(plan_: Plan, workers: int) -> float | None:
    """Hours the whole plan takes at the rate of one timed run here (None: too small to ask).

    Times the plan's first run in this process (its result is not kept) and scales by the
    number of runs and workers.
    """
    from govsim.scenarios.runner import run_task

    if plan_.n_runs < ESTIMATE_FROM_RUNS:
        return None
    started = time.perf_counter()
    run_task(plan_.tasks[0])
    seconds = time.perf_counter() - started
    return seconds * plan_.n_runs / max(1, workers) / 3600.0


# ---------------------------------------------------------------------------- plan
@dataclass
class Plan:
    """Everything an experiment runs, built and checked before anything is written.

    Attributes:
        spec: The spec.
        design: The design points.
        seeds: Seed of every run, indexed by run id.
        tasks: One `RunTask` per run, indexed by run id (``key`` = run id).
        fingerprint: Identity of the experiment (spec, base scenario, points, seeds).
    """

    spec: Spec
    design: DesignMatrix
    seeds: np.ndarray
    tasks: list[RunTask]
    fingerprint: str

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        return len(self.tasks)


def run_seeds(spec: Spec, n_points: int) -> np.ndarray:
    """Seed of every run (index: run id), from ``numpy.random.SeedSequence(spec.seed)``."""
    reps = spec.replications
    if spec.common_random_numbers:
        per_rep = np.asarray(replication_seeds(spec.seed, reps), dtype=np.int64)
        return np.tile(per_rep, n_points)
    children = np.random.SeedSequence(spec.seed).spawn(n_points * reps)
    return np.array([int(c.generate_state(1)[0]) for c in children], dtype=np.int64)


def plan(spec: Spec) -> Plan:
    """Build (and check) every run of ``spec``.

    Raises:
        SpecError: If a design point's timeline or parameters cannot be built; the message names
            the point and its factor values.
    """
    design = build_design(spec)
    base = spec.scenario
    levers = [f for f in spec.factors if f.kind == "lever"]
    national = [f for f in spec.factors if f.kind == "parameter" and f.where is None]
    rules = [f for f in spec.factors if f.where is not None]
    outputs = Outputs(indicators=spec.indicators(), dtype="float64")
    seeds = run_seeds(spec, design.n_points)
    reps = spec.replications
    tasks: list[RunTask] = []
    timelines: dict[tuple, Scenario] = {}
    for p in range(design.n_points):
        values = design.point(p)
        overrides = {f.key: values[f.name] for f in national}
        lever_values = tuple((f.key, values[f.name]) for f in levers)
        try:
            scenario = timelines.get(lever_values)
            if scenario is None:
                timeline = apply_levers(base.timeline, dict(lever_values)) if levers else None
                scenario = replace(base, timeline=timeline) if timeline is not None else base
                timelines[lever_values] = scenario
            resolve_parameters({**base.params, **overrides})
            strategy = tuple(StrategyRule(f.where, {f.key: values[f.name]}) for f in rules)
        except (AdjustError, ParameterError) as exc:
            shown = ", ".join(f"{k} = {v}" for k, v in values.items())
            raise SpecError(
                f"Experiment spec '{spec.label}': design point {p} ({shown}) cannot be run: "
                f"{exc} Allowed: factor ranges whose every combination the base scenario "
                "allows; narrow the ranges in [[factors]]."
            ) from None
        for r in range(reps):
            run_id = p * reps + r
            tasks.append(
                RunTask(
                    scenario=scenario,
                    replication=r,
                    seed=int(seeds[run_id]),
                    overrides=overrides,
                    until=spec.until,
                    municipalities=spec.municipalities,
                    outputs=outputs,
                    key=run_id,
                    strategy=strategy,
                )
            )
    if tasks:
        try:
            tasks[0].validate()
        except ValueError as exc:  # pragma: no cover - the spec checks catch these first
            raise SpecError(f"Experiment spec '{spec.label}': {exc}") from None
    return Plan(spec, design, seeds, tasks, fingerprint(spec, design, seeds))


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def fingerprint(spec: Spec, design: DesignMatrix, seeds: np.ndarray) -> str:
    """SHA-256 over what determines the results.

    That is the spec's settings (not its comments), the base scenario, the design points and
    the seeds.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps(_canonical(spec.data), sort_keys=True).encode())
    digest.update(spec.scenario.source_text.encode())
    digest.update(json.dumps(_canonical(spec.scenario.params), sort_keys=True).encode())
    digest.update(np.ascontiguousarray(design.values, dtype=np.float64).tobytes())
    for levels in design.categories:  # text levels behind the indices of categorical factors
        digest.update(json.dumps(list(levels) if levels is not None else None).encode())
    digest.update(np.ascontiguousarray(seeds, dtype=np.int64).tobytes())
    return digest.hexdigest()


# ---------------------------------------------------------------------------- results
def outcome_values(spec: Spec, result: RunResult) -> dict[str, float]:
    """The spec's scalar outcomes of one run."""
    months = result.dates.astype("datetime64[M]")
    out: dict[str, float] = {}
    for o in spec.outcomes:
        column = result.values[:, result.columns.index(o.indicator)]
        end = np.datetime64(o.date.isoformat()[:7], "M")
        if o.statistic == "value":
            hit = np.flatnonzero(months == end)
            out[o.name] = float(column[hit[0]]) if hit.size else float("nan")
            continue
        start = np.datetime64(o.start.isoformat()[:7], "M")  # type: ignore[union-attr]
        window = column[(months >= start) & (months <= end)]
        reduce = {"mean": np.mean, "min": np.min, "max": np.max}[o.statistic]
        out[o.name] = float(reduce(window)) if window.size else float("nan")
    return out


def result_tables(plan_: Plan, results: Sequence[RunResult]) -> tuple[pa.Table, pa.Table | None]:
    """Arrow tables (runs, series) of a batch of results, ordered by run id."""
    spec = plan_.spec
    reps = spec.replications
    ordered = sorted(results, key=lambda r: int(r.key))
    ids = np.array([int(r.key) for r in ordered], dtype=np.int64)
    points = ids // reps
    schema = runs_schema(spec)
    columns: dict[str, Any] = {
        "run_id": ids,
        "point": points,
        "replication": (ids % reps).astype(np.int32),
        "seed": plan_.seeds[ids],
    }
    for j, f in enumerate(spec.factors):
        columns[f.name] = plan_.design.column(j, points)
    values = [outcome_values(spec, r) for r in ordered]
    for o in spec.outcomes:
        columns[o.name] = np.array([v[o.name] for v in values], dtype=np.float64)
    columns["wall_time"] = np.array([r.wall_time for r in ordered], dtype=np.float64)
    runs = pa.table({k: pa.array(v, type=schema.field(k).type) for k, v in columns.items()})
    s_schema = series_schema(spec)
    if s_schema is None or spec.series is None:
        return runs, None
    blocks: dict[str, list[np.ndarray]] = {name: [] for name in s_schema.names}
    for run_id, r in zip(ids, ordered, strict=True):
        months = r.dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
        keep = np.array([spec.series.keeps(int(m)) for m in months], dtype=bool)
        n = int(keep.sum())
        blocks["run_id"].append(np.full(n, run_id, dtype=np.int64))
        blocks["point"].append(np.full(n, run_id // reps, dtype=np.int64))
        blocks["replication"].append(np.full(n, run_id % reps, dtype=np.int32))
        blocks["date"].append(r.dates[keep].astype("datetime64[D]"))
        for name in spec.series.indicators:
            blocks[name].append(r.values[keep, r.columns.index(name)].astype(np.float64))
    series = pa.table(
        {
            name: pa.array(np.concatenate(parts), type=s_schema.field(name).type)
            for name, parts in blocks.items()
        }
    )
    return runs, series


class ExperimentInterrupted(KeyboardInterrupt):
    """Ctrl-C during `run_experiment`; the message says how many runs are stored."""


# ---------------------------------------------------------------------------- executors
SCHEDULER_CHECK_TIMEOUT = "5s"
"""How long `check_scheduler` waits for the scheduler before the experiment writes anything."""
SCHEDULER_CHECK_DEADLINE = 15.0
"""Seconds after which `check_scheduler` gives up even if the connection has not failed: a
port that accepts the connection but does not speak Dask's protocol (a scheduler's dashboard
on 8787, a web server) makes ``distributed.Client`` wait for ever (its timeout covers the
connection, not the handshake)."""


def check_scheduler(scheduler: str) -> None:
    """Connect to the Dask scheduler once and close again: an unreachable one fails first.

    The connection is tried in a thread of its own, given `SCHEDULER_CHECK_DEADLINE` seconds;
    the workers connected then must run this command's model (`check_cluster_code`).

    Raises:
        ExperimentError: If the scheduler cannot be reached, what answers there is not a
            Dask scheduler, or its workers run other model code (nothing written yet).
    """
    import distributed

    outcome: dict[str, BaseException | None] = {}

    def connect() -> None:
        try:
            with distributed.Client(scheduler, timeout=SCHEDULER_CHECK_TIMEOUT) as client:
                try:
                    check_cluster_code(client, scheduler)
                except ExperimentError as refusal:
                    outcome["refusal"] = refusal
                outcome["error"] = None
        except BaseException as exc:  # whatever answers (or not) there is no usable scheduler
            outcome["error"] = exc

    attempt = threading.Thread(target=connect, name="govsim-scheduler-check", daemon=True)
    attempt.start()
    attempt.join(SCHEDULER_CHECK_DEADLINE)
    if "error" not in outcome:
        reason = (
            f"something answers there but gave no Dask handshake within "
            f"{SCHEDULER_CHECK_DEADLINE:g} s (a dashboard or web port, e.g. 8787?)"
        )
    elif outcome["error"] is None:
        if "refusal" in outcome:
            raise outcome["refusal"]
        return
    else:
        exc = outcome["error"]
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    raise ExperimentError(
        f"cannot reach the Dask scheduler at '{scheduler}': {reason}; nothing was written. "
        "Allowed: the address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786"
    )


def _worker_fingerprint() -> str:
    """`govsim.provenance.model_fingerprint` as a worker computes it (sent by reference)."""
    from govsim.provenance import model_fingerprint

    return model_fingerprint()


def check_cluster_code(client: Any, scheduler: str) -> None:
    """Refuse a cluster whose workers would compute other runs than this command would.

    Each worker reports `govsim.provenance.model_fingerprint` (the model's source and data,
    the calibrated set among them, numpy and numba); a worker with another one, e.g. on a node
    with an older checkout, would give other numbers under this experiment's name.

    Raises:
        ExperimentError: Some worker's fingerprint differs, or a worker cannot import govsim.
    """
    from govsim import provenance

    mine = provenance.model_fingerprint()
    try:
        theirs = client.run(_worker_fingerprint)
    except Exception as exc:  # a worker without govsim, or another version of it
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ExperimentError(
            f"the workers of the Dask cluster at '{scheduler}' cannot compute govsim's model "
            f"fingerprint ({reason}); install the same govsim on every node; nothing was run"
        ) from None
    other = sorted(worker for worker, print_ in theirs.items() if print_ != mine)
    if other:
        raise ExperimentError(
            f"{len(other)} of {len(theirs)} workers of the Dask cluster at '{scheduler}' run "
            f"other model code or another calibrated set than this command (fingerprint "
            f"{theirs[other[0]]} at {other[0]}, here {mine}): their runs would not be this "
            "experiment's; install the same govsim commit on every node; nothing was run"
        )


def workers_lost(exc: BaseException, on_dask: bool) -> bool:
    """Whether ``exc`` says the workers went away, not that a run failed.

    A local pool's worker killed (out of memory) breaks the pool; on Dask, a lost scheduler or
    worker shows as a closed connection, a timeout, a cancelled future or one of distributed's
    own errors (``KilledWorker``). A run's own error (a bug) is none of these.
    """
    if isinstance(exc, BrokenProcessPool):
        return True
    if not on_dask:
        return False
    gone = (OSError, TimeoutError, cf.CancelledError, asyncio.CancelledError)
    return isinstance(exc, gone) or type(exc).__module__.split(".")[0] == "distributed"


def cluster_threads(executor: cf.Executor | None) -> int | None:
    """Threads of the Dask cluster behind ``executor`` (None if it is no Dask executor)."""
    client = getattr(executor, "_client", None)
    if client is None:
        return None
    try:
        return sum(client.nthreads().values()) or None
    except Exception:  # a cluster that went away: the run will say so
        return None


@contextlib.contextmanager
def quiet_logger(name: str) -> Iterator[None]:
    """Silence logger ``name`` (below CRITICAL) for the duration, unless govsim is verbose."""
    logger = logging.getLogger(name)
    before = logger.level
    if logging.getLogger("govsim").getEffectiveLevel() > logging.DEBUG:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(before)


@contextlib.contextmanager
def open_executor(
    workers: int, dask: bool = False, scheduler: str | None = None
) -> Iterator[tuple[cf.Executor | None, str]]:
    """The executor to run on and a description of it.

    ``None`` (run in this process) for one local worker; a local process pool for more; a
    local Dask cluster (``dask``: ``workers`` single-threaded worker processes) or the Dask
    cluster at ``scheduler``, through ``Client.get_executor()``.
    """
    if dask or scheduler:
        try:
            import distributed
        except ImportError as exc:  # pragma: no cover - a dependency
            raise ExperimentError(f"--dask/--scheduler need dask.distributed: {exc}") from None
        with contextlib.ExitStack() as stack:
            if scheduler:
                # a scheduler lost mid-run: the client logs each failed reconnection with a
                # traceback; the run says it in one paragraph itself (`run_experiment`)
                stack.enter_context(quiet_logger("distributed.client"))
                try:
                    client = stack.enter_context(distributed.Client(scheduler, timeout="20s"))
                except (OSError, TimeoutError) as exc:
                    raise ExperimentError(
                        f"cannot reach the Dask scheduler at '{scheduler}': {exc}"
                    ) from None
                where = f"Dask cluster at {scheduler}"
            else:
                cluster = stack.enter_context(
                    distributed.LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # a free port: 8787 may be another's
                        silence_logs=logging.ERROR,
                    )
                )
                client = stack.enter_context(distributed.Client(cluster))
                where = f"local Dask cluster, {workers} worker process(es)"
            executor = stack.enter_context(client.get_executor(pure=False))
            yield executor, where
        return
    if workers == 1:
        yield None, "in this process"
        return
    pool = process_pool(workers)
    try:
        yield pool, f"local process pool, {workers} workers"
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------------------- manifest
def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_manifest(plan_: Plan) -> dict[str, Any]:
    """The manifest of a new experiment folder."""
    spec = plan_.spec
    design = plan_.design
    return {
        "govsim_experiment": MANIFEST_VERSION,
        "name": spec.name,
        "description": spec.description,
        "fingerprint": plan_.fingerprint,
        "status": "new",
        "created": _now(),
        "updated": _now(),
        "spec": {
            "path": str(spec.path) if spec.path is not None else None,
            "text": spec.text,
        },
        "scenario": {
            "ref": spec.scenario_ref,
            "name": spec.scenario.name,
            "path": str(spec.scenario.path) if spec.scenario.path is not None else None,
            "source_text": spec.scenario.source_text,
            "parameters": resolve_parameters(spec.scenario.params),
            "events": [
                {"date": d.isoformat(), "domain": dom, "event": what}
                for d, dom, what in spec.scenario.timeline.events()
            ],
        },
        "design": {
            "method": spec.design.method,
            "samples": spec.design.samples,
            "levels": spec.design.levels,
            "second_order": spec.design.second_order,
            "sampler_seed": spec.design.seed,
            "points": design.n_points,
            "factors": [f.as_dict() for f in spec.factors],
            "salib_problem": design.problem,
        },
        "outcomes": [o.as_dict() for o in spec.outcomes],
        "series": (
            {"indicators": list(spec.series.indicators), "every": spec.series.every}
            if spec.series is not None
            else None
        ),
        "municipalities": list(spec.municipalities) if spec.municipalities else None,
        "until": spec.until or "2029-12",
        "replications": spec.replications,
        "seeds": {
            "root_seed": spec.seed,
            "common_random_numbers": spec.common_random_numbers,
            "method": (
                "numpy.random.SeedSequence(root_seed).spawn(replications)[replication]"
                ".generate_state(1)[0]: replication r has the same seed at every point"
                if spec.common_random_numbers
                else "numpy.random.SeedSequence(root_seed).spawn(runs)[run_id].generate_state(1)[0]"
            ),
            "stored_in": "runs.seed",
        },
        "run_id": "point * replications + replication",
        "columns": {
            "runs": schema_columns(runs_schema(spec)),
            "series": schema_columns(series_schema(spec)),
        },
        "counts": {"points": design.n_points, "runs_total": plan_.n_runs, "runs_complete": 0},
        "code": code_record(),
        "packages": package_versions(),
        "sessions": [],
    }


# ---------------------------------------------------------------------------- running
@dataclass
class RunReport:
    """What `run_experiment` did.

    Attributes:
        out_dir: The experiment folder.
        runs_total: Runs in the experiment.
        runs_skipped: Runs already complete before this session.
        runs_done: Runs completed in this session.
        chunks_written: Chunk files written in this session.
        seconds: Wall time of this session.
        status: ``complete``, ``interrupted`` or ``failed``.
        executor: Where the runs ran.
        removed: Temporary or uncommitted files removed at the start.
    """

    out_dir: Path
    runs_total: int
    runs_skipped: int
    runs_done: int
    chunks_written: int
    seconds: float
    status: str
    executor: str
    removed: list[str]

    def summary(self) -> str:
        """One line for the terminal."""
        rate = self.runs_done / self.seconds * 60 if self.seconds > 0 and self.runs_done else 0
        plural = "" if self.runs_done == 1 else "s"
        text = (
            f"{self.status}: {self.runs_skipped + self.runs_done} of {self.runs_total} runs in "
            f"'{self.out_dir}' ({self.runs_done} run{plural} this time, {self.seconds:.1f} s"
        )
        if rate:
            text += f", {rate:.0f} runs/min"
        text += f", {self.executor}"
        if self.runs_skipped:
            text += f"; {self.runs_skipped} were already complete"
        return text + ")"


def _check_same_experiment(store: ExperimentStore, plan_: Plan) -> dict[str, Any] | None:
    store.check_usable()
    manifest = store.read_manifest()
    if manifest is not None:
        if manifest.get("fingerprint") != plan_.fingerprint:
            raise ExperimentError(
                f"'{store.root}' holds the results of a different experiment "
                f"('{manifest.get('name')}', fingerprint {str(manifest.get('fingerprint'))[:12]}; "
                f"this spec: {plan_.fingerprint[:12]}): the spec, its base scenario or the "
                "design changed. Nothing was written. Use another --out folder for the changed "
                "experiment, or the unchanged spec to resume."
            )
        return manifest
    if (store.root / POINTS).exists():
        if not _same_points(store.load_points(), plan_.design.frame()):
            raise ExperimentError(
                f"'{store.root}' holds the design of a different experiment; nothing was "
                "written. Use another --out folder."
            )
    return None


def _same_points(old: pd.DataFrame, new: pd.DataFrame) -> bool:
    """Whether two design tables are equal (numbers exactly, texts of categorical factors)."""
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return False
    for name in new.columns:
        a, b = old[name], new[name]
        if pd.api.types.is_numeric_dtype(b):
            if not pd.api.types.is_numeric_dtype(a) or not np.array_equal(
                a.to_numpy(dtype=np.float64), b.to_numpy(dtype=np.float64)
            ):
                return False
        elif a.astype(str).tolist() != b.astype(str).tolist():
            return False
    return True


def points_table(frame: pd.DataFrame) -> pa.Table:
    """A design table as Arrow: texts (categorical factors) as ``string``, like the runs table."""
    table = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)
    schema = pa.schema(
        [
            pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f
            for f in table.schema
        ]
    )
    return table.cast(schema)


def run_experiment(
    spec: Spec | str | Path,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    dask: bool = False,
    scheduler: str | None = None,
    chunk: int | None = None,
    executor: cf.Executor | None = None,
    progress: bool = True,
    command: Sequence[str] | None = None,
    log: Callable[[str], None] | None = None,
    yes: bool = False,
) -> RunReport:
    """Run (or resume) the experiment ``spec`` into ``out_dir``.

    Args:
        spec: A checked `Spec` or the path of a spec file.
        out_dir: Experiment folder: new, or one holding an earlier run of the same experiment.
        workers: Worker processes (default: the CPUs this process may use; 1: in this process).
        dask: Start a local Dask cluster of ``workers`` single-threaded worker processes.
        scheduler: Address of an existing Dask scheduler (``tcp://host:8786``).
        chunk: Runs per submitted batch and per chunk file (default: the runner's choice).
        executor: Any `concurrent.futures.Executor` to run on instead (overrides the above).
        progress: Show the runner's progress bar (on a terminal).
        command: The command line, recorded in the manifest.
        log: Called with progress messages (default: none).
        yes: Run even if the estimated duration exceeds `CONFIRM_HOURS`.

    Raises:
        SpecError: For an unusable spec (nothing written).
        ExperimentError: For a folder that holds something else, bad options, a busy folder.
    """
    started = time.perf_counter()
    say = log or (lambda _message: None)
    if not isinstance(spec, Spec):
        spec = load_spec(spec)
    if dask and scheduler:
        raise ExperimentError("give either --dask (a local cluster) or --scheduler ADDRESS")
    workers_given = workers is not None  # else a remote cluster's own size counts
    if workers is None:
        from govsim.argtypes import available_cpus

        workers = available_cpus()
    if workers < 1:
        raise ExperimentError(f"--workers must be at least 1, got {workers}")
    if chunk is not None and chunk < 1:
        raise ExperimentError(f"--chunk must be at least 1, got {chunk}")
    plan_ = plan(spec)
    store = ExperimentStore(out_dir)
    manifest = _check_same_experiment(store, plan_)
    if scheduler is not None and executor is None:
        check_scheduler(scheduler)
    if not yes and executor is None and scheduler is None:
        hours = estimated_hours(plan_, workers)
        if hours is not None and hours > CONFIRM_HOURS:
            raise ExperimentError(
                f"experiment '{spec.name}' has {plan_.n_runs:,} runs; at the measured rate of "
                f"this machine that takes about {hours:.1f} hours on {workers} worker(s) (more "
                f"than {CONFIRM_HOURS:g}); add --yes to run it, or use fewer points or "
                "replications, or a cluster (--scheduler)"
            )

    with store.lock():
        removed = [str(p.relative_to(store.root)) for p in store.clean()]
        _check_same_experiment(store, plan_)
        if not (store.root / POINTS).exists():
            write_table(points_table(plan_.design.frame()), store.root / POINTS)
        if not (store.root / DESIGN).exists():
            write_table(points_table(plan_.design.frame(raw=True)), store.root / DESIGN)
        if not (store.root / SPEC_COPY).exists():
            from govsim.scenarios.atomic import write_text

            write_text(store.root / SPEC_COPY, spec.text)
        if manifest is None:
            manifest = new_manifest(plan_)
        done, quarantined = store.scan()
        for path in quarantined:
            say(f"warning: set aside unreadable file {path}; its runs will be redone")
        complete = set(done.tolist())
        pending = [t for t in plan_.tasks if t.key not in complete]
        skipped = plan_.n_runs - len(pending)
        state = {"done": 0, "chunks": 0}
        workers_used = max(1, min(workers, len(pending) or 1))
        session: dict[str, Any] = {
            "started": _now(),
            "finished": None,
            "status": "running",
            "runs_at_start": skipped,
            "runs_done": 0,
            "chunks_written": 0,
            "workers": workers_used,
            "executor": None,
            "chunk": chunk,
            "command": list(command) if command is not None else None,
            "git_commit": git_commit()["commit"],
            "model_fingerprint": model_fingerprint(),
            "removed_at_start": removed,
        }
        manifest["sessions"].append(session)
        manifest["status"] = "running"
        manifest["updated"] = _now()
        manifest["counts"]["runs_complete"] = skipped
        say(
            f"experiment '{spec.name}': {plan_.design.n_points} points × {spec.replications} "
            f"replication(s) = {plan_.n_runs} runs; {skipped} already complete, "
            f"{len(pending)} to run"
        )

        def write(results: list[RunResult]) -> None:
            runs, series = result_tables(plan_, results)
            store.write_chunk(runs, series)
            state["done"] += len(results)
            state["chunks"] += 1
            # the manifest follows the chunks, so a long run can be watched (and a killed one
            # says how far it got)
            manifest["counts"]["runs_complete"] = skipped + state["done"]
            manifest["updated"] = _now()
            store.write_manifest(manifest)

        status = "failed"
        where = "nothing to run"
        lost: BaseException | None = None
        store.write_manifest(manifest)
        try:
            if pending:
                with contextlib.ExitStack() as stack:
                    if executor is not None:
                        pool, where = executor, type(executor).__name__
                    else:
                        pool, where = stack.enter_context(
                            open_executor(workers_used, dask=dask, scheduler=scheduler)
                        )
                    threads = cluster_threads(pool) if scheduler and not workers_given else None
                    if threads is not None:  # keep every worker of the cluster busy
                        workers_used = max(1, min(threads, len(pending)))
                        session["workers"] = workers_used
                        where += f", {threads} thread{'s' if threads != 1 else ''}"
                    session["executor"] = where
                    for _ in run_tasks(
                        pending,
                        executor=pool,
                        workers=workers_used,
                        chunksize=chunk,
                        progress=progress,
                        desc=f"experiment {spec.name}",
                        on_batch=write,
                    ):
                        pass
            status = "complete"
        except KeyboardInterrupt:
            status = "interrupted"
            lost = KeyboardInterrupt()
        except BaseException as exc:
            # a cluster that went away or a worker process killed (out of memory): the runs
            # stored so far stay, and the same command resumes; anything else is a bug to show
            if not workers_lost(exc, on_dask=bool(dask or scheduler)):
                raise
            lost = exc
        finally:
            session.update(
                finished=_now(),
                status=status,
                runs_done=state["done"],
                chunks_written=state["chunks"],
                seconds=round(time.perf_counter() - started, 3),
            )
            complete_now = skipped + state["done"]
            manifest["counts"]["runs_complete"] = complete_now
            manifest["counts"]["chunks"] = len(store.run_parts())
            if complete_now == plan_.n_runs:
                manifest["status"] = "complete"
            else:
                manifest["status"] = "incomplete" if status == "complete" else status
            manifest["updated"] = _now()
            store.write_manifest(manifest)
        if lost is not None:
            stored = (
                f"{complete_now:,} of {plan_.n_runs:,} runs are stored in {store.root}; run the "
                "same command to resume"
            )
            if isinstance(lost, KeyboardInterrupt):
                raise ExperimentInterrupted(f"interrupted: {stored}")
            reason = " ".join(str(lost).split())[:200] or type(lost).__name__
            raise ExperimentError(f"the run on the {where} failed ({reason}); {stored}")
    return RunReport(
        out_dir=store.root,
        runs_total=plan_.n_runs,
        runs_skipped=skipped,
        runs_done=state["done"],
        chunks_written=state["chunks"],
        seconds=time.perf_counter() - started,
        status=manifest["status"],
        executor=where,
        removed=removed,
    )
