"""The one runner: runs the model for scenarios and experiments, in process or on any executor.

Everything that runs `GovernanceModel` for an ensemble (``govsim run``) or a batch experiment
(``govsim experiment run``) goes through this module (DESIGN §7, "one runner, not two").

- A `RunTask` says what to run: a `Scenario`, parameter overrides, a seed, how far, where, and
  which outputs to keep. It is plain, picklable data, small to send: workers get tasks and
  build the model themselves (a model pickles too, as its recipe, but replays on arrival).
- `run_task` runs one task and returns a `RunResult`: plain data (numpy arrays and, optionally,
  per-municipality snapshot DataFrames), never a model.
- `run_tasks` runs many tasks in process (``workers=1``), in a local process pool
  (``workers > 1``) or on any `concurrent.futures.Executor` you pass, e.g. a Dask
  ``distributed.Client(...).get_executor()``. Tasks are sent in batches so that short runs do not
  drown in scheduling overhead; results are yielded as batches complete, with a progress bar.

Seeds follow the common-random-numbers design: `replication_seeds` derives one seed per
replication from a root seed with `numpy.random.SeedSequence.spawn`, and replication ``i`` uses
the same seed in every scenario, so differences between scenarios show the scenarios' effect,
not noise. The seed is recorded in every `RunResult`.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govsim.model.calendar import CalendarError, MonthCalendar, parse_date
from govsim.model.indicators import BY_NAME, INDICATORS
from govsim.model.levers import StrategyRule, UnmatchedRuleWarning
from govsim.model.parameters import ParameterError, resolve_parameters
from govsim.scenarios.pool import process_pool
from govsim.scenarios.scenario import Scenario

ALL_INDICATORS: tuple[str, ...] = tuple(i.name for i in INDICATORS)
"""Every national indicator, in `model.indicators.INDICATORS` order (the default output)."""


def replication_seeds(root_seed: int, n: int) -> list[int]:
    """One seed per replication, derived from ``root_seed`` (common random numbers).

    Replication ``i`` gets ``int(SeedSequence(root_seed).spawn(n)[i].generate_state(1)[0])``;
    the first ``k`` seeds do not depend on ``n``, so adding replications keeps the earlier ones.
    """
    if n < 0:
        raise ValueError(f"number of replications must be >= 0, got {n}")
    children = np.random.SeedSequence(int(root_seed)).spawn(n)
    return [int(child.generate_state(1)[0]) for child in children]


@dataclass(frozen=True)
class Outputs:
    """Which outputs a run keeps.

    Attributes:
        indicators: National indicators to keep (names from `model.indicators`); None: all.
        snapshot_dates: Months (ISO dates) at which to keep a per-municipality snapshot
            (`GovernanceModel.snapshot`); ``"end"`` means the last simulated month.
        snapshot_columns: Snapshot columns to keep (always with ``code``); None: all.
        dtype: Float type of the national series (``"float64"`` or ``"float32"``).
    """

    indicators: tuple[str, ...] | None = None
    snapshot_dates: tuple[str, ...] = ()
    snapshot_columns: tuple[str, ...] | None = None
    dtype: str = "float64"

    def columns(self) -> tuple[str, ...]:
        """The indicator names kept, in order."""
        return ALL_INDICATORS if self.indicators is None else tuple(self.indicators)

    def validate(self) -> None:
        """Raise `ParameterError` for unknown indicators, bad dates or an unknown dtype."""
        unknown = [n for n in self.columns() if n not in BY_NAME]
        if unknown:
            raise ParameterError(
                f"unknown indicator(s) {', '.join(map(repr, unknown))}; the indicators are "
                "listed in model.indicators.INDICATORS"
            )
        if self.dtype not in ("float64", "float32"):
            raise ParameterError(f"output dtype must be 'float64' or 'float32', got {self.dtype!r}")
        for when in self.snapshot_dates:
            if when != "end":
                parse_date(when)


@dataclass(frozen=True)
class RunTask:
    """One model run: plain, picklable data that a worker turns into a model.

    Attributes:
        scenario: Scenario to run (its ``params`` and ``timeline``).
        replication: Replication number (0-based).
        seed: Seed of the model's random generator (see `replication_seeds`).
        overrides: Parameter overrides on top of the scenario's (experiments, sliders).
        until: Last simulated month (ISO date); None: the end of the calendar (Dec 2029).
        municipalities: Optional subset (CBS codes, names or provinces); None: all 388.
        outputs: What to keep (`Outputs`).
        key: Free label carried into the result unchanged (e.g. an experiment's point id).
        strategy: Further ``[[strategy]]`` rules applied after the scenario's own (experiment
            factors set for a selection of municipalities, the CLI's ``--strategy``).
    """

    scenario: Scenario
    replication: int
    seed: int
    overrides: Mapping[str, Any] = field(default_factory=dict)
    until: str | None = None
    municipalities: tuple[str, ...] | None = None
    outputs: Outputs = field(default_factory=Outputs)
    key: Any = None
    strategy: tuple[StrategyRule, ...] = ()

    def rules(self) -> tuple[StrategyRule, ...]:
        """The secretary's choices of this run: the scenario's rules, then the task's."""
        return (*self.scenario.strategy, *self.strategy)

    def parameters(self) -> dict[str, Any]:
        """Parameter overrides given to the model: the scenario's, then the task's."""
        return {**self.scenario.params, **self.overrides}

    def resolved_parameters(self) -> dict[str, float]:
        """The full parameter set of this run (raises `ParameterError` if invalid)."""
        return resolve_parameters(self.parameters())

    def validate(self) -> None:
        """Check everything a worker would trip over, without running the model.

        Raises:
            ParameterError: Unknown or out-of-range parameter, unknown municipality or indicator.
            TimelineError: An inconsistent timeline.
            CalendarError: An unusable date.
        """
        from govsim.model.municipalities import select_municipalities

        self.resolved_parameters()
        self.scenario.timeline.validate()
        self.outputs.validate()
        calendar = MonthCalendar()
        if self.until is not None and not 1 <= calendar.step_of(self.until) <= calendar.n_steps:
            raise CalendarError(
                f"until = '{parse_date(self.until).isoformat()[:7]}' lies outside the simulated "
                f"months {calendar.start.isoformat()[:7]} to {calendar.end.isoformat()[:7]}"
            )
        select_municipalities(self.municipalities)


@dataclass
class RunResult:
    """What one run returns: plain data only.

    Attributes:
        scenario: Scenario name.
        replication: Replication number.
        seed: Seed used.
        key: The task's ``key``.
        columns: Indicator names (columns of ``values``).
        dates: Month of every row, ``datetime64[D]`` (first day of the month).
        values: National series, shape (len(dates), len(columns)).
        snapshots: Per-municipality snapshots by requested date (as given in `Outputs`).
        wall_time: Seconds spent on this run in its worker (model construction included).
        cpu_time: CPU seconds of the worker process for this run (unaffected by other load).
    """

    scenario: str
    replication: int
    seed: int
    key: Any
    columns: tuple[str, ...]
    dates: np.ndarray
    values: np.ndarray
    snapshots: dict[str, pd.DataFrame] = field(default_factory=dict)
    wall_time: float = 0.0
    cpu_time: float = 0.0

    def frame(self) -> pd.DataFrame:
        """The national series as a DataFrame (index: month, columns: indicators)."""
        index = pd.DatetimeIndex(self.dates, name="date")
        return pd.DataFrame(self.values, index=index, columns=list(self.columns))

    def series(self, name: str) -> np.ndarray:
        """One indicator's series."""
        return self.values[:, self.columns.index(name)]


def run_task(task: RunTask) -> RunResult:
    """Run one task in this process and return its plain-data result."""
    from govsim.model.governance_model import GovernanceModel

    start, cpu_start = time.perf_counter(), time.process_time()
    out = task.outputs
    with warnings.catch_warnings():  # said once per scenario before the runs (say_unmatched)
        warnings.simplefilter("ignore", UnmatchedRuleWarning)
        model = GovernanceModel(
            params=task.parameters(),
            timeline=task.scenario.timeline,
            rng=task.seed,
            municipalities=task.municipalities,
            strategy=task.rules(),
        )
    cal: MonthCalendar = model.calendar
    last = cal.n_steps if task.until is None else min(cal.step_of(task.until), cal.n_steps)
    snapshots: dict[str, pd.DataFrame] = {}
    wanted = sorted(
        ((last if d == "end" else min(cal.step_of(d), last), d) for d in out.snapshot_dates),
        key=lambda pair: pair[0],
    )
    for step, label in wanted:
        while model.steps < step:
            model.step()
        snap = model.snapshot()
        if out.snapshot_columns is not None:
            keep = ["code", *(c for c in out.snapshot_columns if c != "code")]
            snap = snap[keep]
        snapshots[label] = snap
    while model.steps < last:
        model.step()
    columns = out.columns()
    frame = model.datacollector.get_model_vars_dataframe()
    values = frame[list(columns)].to_numpy(dtype=np.dtype(out.dtype), copy=True)
    dates = np.array([cal.date_of(k) for k in range(1, len(frame) + 1)], dtype="datetime64[D]")
    return RunResult(
        scenario=task.scenario.name,
        replication=task.replication,
        seed=task.seed,
        key=task.key,
        columns=columns,
        dates=dates,
        values=values,
        snapshots=snapshots,
        wall_time=time.perf_counter() - start,
        cpu_time=time.process_time() - cpu_start,
    )


def run_batch(tasks: Sequence[RunTask]) -> list[RunResult]:
    """Run a batch of tasks one after the other (the unit of work sent to an executor)."""
    return [run_task(task) for task in tasks]


MAX_CHUNK = 4
"""Most tasks per batch chosen by `default_chunksize`."""


def default_chunksize(n_tasks: int, workers: int) -> int:
    """Tasks per batch: about ten batches per worker, at most `MAX_CHUNK` tasks per batch.

    Small enough to balance the load (the last round leaves at most one small batch per
    worker) and to stream results; large enough that per-submission overhead (pickling the
    scenario, scheduling: ~1 ms in a process pool, tens of ms on Dask) is shared by several
    runs. Pass an explicit ``chunksize`` to `run_tasks` for very short runs on Dask.
    """
    if n_tasks <= 0:
        return 1
    return max(1, min(MAX_CHUNK, math.ceil(n_tasks / (10 * max(workers, 1)))))


def batches(
    tasks: Sequence[RunTask], chunksize: int, workers: int | None = None
) -> list[list[RunTask]]:
    """Split ``tasks`` into consecutive batches of at most ``chunksize``.

    With ``workers``, the batches shrink towards the end so that the workers finish together
    (guided self-scheduling, Polychronopoulos & Kuck 1987, IEEE Trans. Computers 36(12)): a
    batch holds at most ``ceil(remaining / (2 * workers))`` tasks, so the last ones go out one
    by one. (Four 0.27 s national runs in the last batch kept one of two workers idle for a
    second at the end of a 15 s ensemble.)
    """
    if chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, got {chunksize}")
    out: list[list[RunTask]] = []
    start = 0
    while start < len(tasks):
        size = chunksize
        if workers is not None:
            size = max(1, min(chunksize, math.ceil((len(tasks) - start) / (2 * workers))))
        out.append(list(tasks[start : start + size]))
        start += size
    return out


def in_notebook() -> bool:
    """Whether this process is a Jupyter kernel (tqdm then draws a notebook widget)."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    ip = shell.get_ipython()
    return ip is not None and hasattr(ip, "kernel")


def _progress_bar(total: int, progress: bool | Any, desc: str) -> Any:
    """A tqdm bar: shown on a terminal or in Jupyter when ``progress`` is True, else hidden."""
    from tqdm.auto import tqdm

    if progress is False or progress is None:
        disable = True
    else:
        shown = in_notebook() or (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
        disable = not shown
    return tqdm(total=total, desc=desc, unit="run", disable=disable, smoothing=0.1)


def run_tasks(
    tasks: Iterable[RunTask],
    executor: cf.Executor | None = None,
    workers: int = 1,
    chunksize: int | None = None,
    progress: bool = True,
    desc: str = "govsim",
    max_pending: int | None = None,
    on_batch: Callable[[list[RunResult]], None] | None = None,
) -> Iterator[RunResult]:
    """Run ``tasks``; yield each `RunResult` as soon as its batch is complete.

    Args:
        tasks: The runs to do.
        executor: Any `concurrent.futures.Executor` (a process pool, a Dask
            ``Client.get_executor()``, ...). It is used, not shut down. If None: in process
            when ``workers == 1``, else a local process pool of ``workers`` ready workers
            (`scenarios.pool`) that is shut down at the end.
        workers: Number of worker processes for the default executor (and the batch size
            heuristic).
        chunksize: Tasks per submitted batch; None: `default_chunksize`.
        progress: Show a tqdm progress bar with ETA on stderr (only when stderr is a terminal).
        desc: Progress bar label.
        max_pending: Most batches submitted but not finished at a time (bounds memory for long
            experiments); None: ``4 * workers + 4``.
        on_batch: Called in this process with each completed batch (e.g. to write a chunk file)
            before its results are yielded.

    Yields:
        Results in completion order (use ``replication``/``scenario``/``key`` to sort).

    Raises:
        Whatever a run raises (the first failing batch stops the iteration; batches not yet
        started are cancelled).
    """
    task_list = list(tasks)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    size = chunksize or default_chunksize(len(task_list), workers)
    jobs = batches(task_list, size, workers if workers > 1 or executor is not None else None)
    bar = _progress_bar(len(task_list), progress, desc)
    try:
        if executor is None and workers == 1:
            for job in jobs:
                results = run_batch(job)
                if on_batch is not None:
                    on_batch(results)
                bar.update(len(results))
                yield from results
            return
        own = executor is None
        pool = process_pool(min(workers, max(len(jobs), 1))) if own else executor
        limit = max_pending or 4 * workers + 4
        try:
            pending: set[cf.Future] = set()
            queue = iter(jobs)
            exhausted = False
            while pending or not exhausted:
                while not exhausted and len(pending) < limit:
                    job = next(queue, None)
                    if job is None:
                        exhausted = True
                        break
                    pending.add(pool.submit(run_batch, job))
                if not pending:
                    break
                done, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for future in done:
                    results = future.result()
                    if on_batch is not None:
                        on_batch(results)
                    bar.update(len(results))
                    yield from results
        except BaseException:
            for future in pending:
                future.cancel()
            raise
        finally:
            if own:
                pool.shutdown(wait=True, cancel_futures=True)
    finally:
        bar.close()


def make_tasks(
    scenarios: Sequence[Scenario],
    replications: int,
    seed: int,
    *,
    overrides: Mapping[str, Any] | None = None,
    until: str | None = None,
    municipalities: Sequence[str] | None = None,
    outputs: Outputs | None = None,
) -> list[RunTask]:
    """Tasks for ``replications`` replications of every scenario, with common random numbers.

    Replication ``i`` of every scenario gets seed ``replication_seeds(seed, replications)[i]``.
    Tasks are ordered replication-major (all scenarios of replication 0 first).
    """
    seeds = replication_seeds(seed, replications)
    subset = tuple(municipalities) if municipalities is not None else None
    return [
        RunTask(
            scenario=s,
            replication=r,
            seed=seeds[r],
            overrides=dict(overrides or {}),
            until=until,
            municipalities=subset,
            outputs=outputs or Outputs(),
        )
        for r in range(replications)
        for s in scenarios
    ]
