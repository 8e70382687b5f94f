"""Seeded ensembles of scenarios: run, summarise, write data files, manifest and report.

`run_ensemble` runs every scenario ``replications`` times with common random numbers (through
`scenarios.runner`, the one runner) and writes to ``out_dir``:

- ``series/<scenario>.parquet``: every replication's national series (wide: columns
  scenario, replication, seed, date, then one column per indicator), rows ordered by
  replication and date;
- ``summary.parquet`` and ``summary.csv``: per scenario, indicator and date the median, 5% and
  95% quantiles and mean over replications (`scenarios.summary`);
- ``expectations.csv``: what the report expects of each what-if held against the model, one
  row per ``[[expect]]`` table (`scenarios.expectations.table`; only when a scenario states
  one);
- ``figures/*.png`` and ``report.html``: the comparison report (`scenarios.report`);
- ``manifest.json``: scenario files, seeds, resolved parameters, package and code versions,
  timings and the command, written last.

Data files hold no timestamps and have a fixed row order, so rerunning with the same arguments
reproduces them byte for byte; timings live only in the manifest. All scenarios are checked
before anything runs, all runs finish before anything is written, and every file is written to
a temporary name and renamed when complete: an invalid scenario or a failing run leaves
``out_dir`` untouched.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import contextvars
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from govsim.model.parameters import resolve_parameters
from govsim.model.timeline import timeline_to_mapping
from govsim.provenance import code_record, git_commit, govsim_version, package_versions
from govsim.scenarios.atomic import atomic_path, write_text
from govsim.scenarios.csv_writer import csv_text
from govsim.scenarios.expectations import table as expectation_table
from govsim.scenarios.output_folder import (
    LOCK,
    check_folder,
    clean_temporaries,
    folder_lock,
    mark_complete,
    mark_incomplete,
    record_writing,
    remove_stale,
    stopped_run_files,
)
from govsim.scenarios.pool import process_pool
from govsim.scenarios.runner import (
    Outputs,
    RunResult,
    RunTask,
    make_tasks,
    replication_seeds,
    run_tasks,
)
from govsim.scenarios.scenario import Scenario, ScenarioError
from govsim.scenarios.summary import MUNICIPAL_COLUMNS, EnsembleData, MunicipalValues

DEFAULT_REPLICATIONS = 10
DEFAULT_SEED = 20180101
DEFAULT_OUT = "out/scenarios"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "write_statistics": True}
PARQUET_THREADS = 2
"""Threads that write the Parquet files while the summary CSV is formatted."""

ScenarioRef = Scenario | str | Path
LOG = logging.getLogger("govsim.scenarios")


@dataclass
class EnsembleOutput:
    """What `run_ensemble` produced.

    Attributes:
        out_dir: The output folder.
        report: Path of ``report.html`` (None if no report was asked for).
        files: Every file written, relative to ``out_dir``.
        data: The ensemble in memory (`scenarios.summary.EnsembleData`).
        manifest: The manifest as written.
    """

    out_dir: Path
    report: Path | None
    files: list[str]
    data: EnsembleData
    manifest: dict[str, Any] = field(default_factory=dict)


def resolve_scenarios(refs: Sequence[ScenarioRef]) -> list[Scenario]:
    """Turn names, paths and `Scenario` objects into scenarios, checked and ready to run.

    Names and paths go through `scenarios.loader.load_scenario`. Every scenario's parameters
    and timeline are checked here, before anything runs.

    Raises:
        ScenarioError: For a bad file, a duplicate or unusable scenario name, no scenarios.
        ParameterError: For an unknown or out-of-range parameter.
        TimelineError: For an inconsistent timeline.
    """
    if not refs:
        raise ScenarioError("no scenarios given: name at least one scenario or scenario file")
    out: list[Scenario] = []
    for ref in refs:
        if isinstance(ref, Scenario):
            scenario = ref
        else:
            from govsim.scenarios.loader import load_scenario

            scenario = load_scenario(ref)
        if not NAME_PATTERN.match(scenario.name):
            raise ScenarioError(
                f"scenario name {scenario.name!r} cannot be used as a file name: use letters, "
                "digits, '_', '-' and '.', starting with a letter or digit"
            )
        if any(s.name == scenario.name for s in out):
            raise ScenarioError(
                f"scenario '{scenario.name}' is given twice: every scenario in one ensemble "
                "needs its own name"
            )
        resolve_parameters(scenario.params)
        scenario.timeline.validate()
        out.append(scenario)
    return out


def say_unmatched(tasks: Sequence[RunTask]) -> None:
    """Say once per scenario (not once per run) which of its rules selects no municipality.

    Such a rule does nothing: a rule for a place the run leaves out (``--municipalities``), or
    for a size class it has none of (`model.levers.unmatched`). Logged on ``govsim`` at
    WARNING: the command line prints it as ``govsim: ...``, Python's last-resort handler on
    standard error for the API.
    """
    from govsim.model.levers import unmatched
    from govsim.model.municipalities import select_municipalities

    frame = select_municipalities(tasks[0].municipalities)
    said = set()
    for task in tasks:
        if task.scenario.name in said:
            continue
        said.add(task.scenario.name)
        for sentence in unmatched(task.rules(), frame):
            LOG.warning("scenario '%s': %s", task.scenario.name, sentence)


def choose_reference(scenarios: Sequence[Scenario], reference: str | None = None) -> str:
    """Name of the scenario that differences are taken against.

    ``reference`` if given, else ``baseline`` if it is run, else the first scenario.
    """
    names = [s.name for s in scenarios]
    if reference is not None:
        if reference not in names:
            raise ScenarioError(
                f"reference scenario '{reference}' is not among the scenarios run "
                f"({', '.join(names)})"
            )
        return reference
    return "baseline" if "baseline" in names else names[0]


def report_outputs(reference: Scenario) -> Outputs:
    """What every run of an ensemble keeps (all national indicators, a few municipal columns).

    Per municipality `MUNICIPAL_COLUMNS` at the reference's entry into force of the
    Omgevingswet and at the end: the report's map of who gains and who loses.
    """
    entry = reference.timeline.physical.final_entry().isoformat()
    return Outputs(snapshot_dates=(entry, "end"), snapshot_columns=MUNICIPAL_COLUMNS)


def collect_municipal(
    scenarios: Sequence[Scenario], results: Sequence[RunResult], n_reps: int
) -> MunicipalValues | None:
    """Stack the runs' snapshots into `MunicipalValues` (None if the runs kept none)."""
    first = results[0]
    if not first.snapshots:
        return None
    labels = list(first.snapshots)
    last = str(first.dates[-1])[:10]
    dates = tuple(last if label == "end" else str(label)[:10] for label in labels)
    codes = tuple(first.snapshots[labels[0]]["code"].astype(str))
    columns = tuple(c for c in first.snapshots[labels[0]].columns if c != "code")
    by_key = {(r.scenario, r.replication): r for r in results}
    values = {
        s.name: np.stack(
            [
                np.stack(
                    [
                        by_key[(s.name, i)].snapshots[label][list(columns)].to_numpy(np.float64)
                        for label in labels
                    ]
                )
                for i in range(n_reps)
            ]
        )
        for s in scenarios
    }
    return MunicipalValues(codes, dates, columns, values)


def municipal_table(data: EnsembleData) -> pa.Table:
    """The per-municipality snapshots as one long Arrow table (fixed row order)."""
    m = data.municipal
    assert m is not None
    parts = []
    for name in data.names:
        arr = m.values[name]
        n_rep, n_dates, n_mun, _ = arr.shape
        rows = n_rep * n_dates * n_mun
        cols: dict[str, pa.Array] = {
            "scenario": pa.array([name] * rows, type=pa.string()),
            "replication": pa.array(np.repeat(np.arange(n_rep, dtype=np.int32), n_dates * n_mun)),
            "date": pa.array(
                np.tile(np.repeat(np.array(m.dates, dtype="datetime64[D]"), n_mun), n_rep),
                type=pa.date32(),
            ),
            "code": pa.array(list(m.codes) * (n_rep * n_dates), type=pa.string()),
        }
        flat = arr.reshape(rows, -1)
        for j, col in enumerate(m.columns):
            cols[col] = pa.array(np.ascontiguousarray(flat[:, j]), type=pa.float64())
        parts.append(pa.table(cols))
    return pa.concat_tables(parts)


def collect(
    scenarios: Sequence[Scenario],
    results: Sequence[RunResult],
    seeds: Sequence[int],
    reference: str,
    municipalities: Sequence[str] | None = None,
    root_seed: int | None = None,
) -> EnsembleData:
    """Assemble results (any order) into an `EnsembleData` ordered by scenario and replication."""
    if not results:
        raise ValueError("no results to collect")
    first = results[0]
    by_key = {(r.scenario, r.replication): r for r in results}
    values: dict[str, np.ndarray] = {}
    for s in scenarios:
        runs = [by_key[(s.name, i)] for i in range(len(seeds))]
        values[s.name] = np.stack([r.values for r in runs]).astype(np.float64, copy=False)
    return EnsembleData(
        scenarios=list(scenarios),
        reference=reference,
        dates=first.dates,
        columns=tuple(first.columns),
        seeds=list(seeds),
        values=values,
        municipalities=tuple(municipalities) if municipalities is not None else None,
        root_seed=root_seed,
        municipal=collect_municipal(scenarios, results, len(seeds)),
    )


def series_table(data: EnsembleData, name: str) -> pa.Table:
    """Every replication of one scenario as a wide Arrow table (fixed row order, no metadata)."""
    arr = data.values[name]
    n_rep, n_dates, _ = arr.shape
    columns: dict[str, pa.Array] = {
        "scenario": pa.array([name] * (n_rep * n_dates), type=pa.string()),
        "replication": pa.array(np.repeat(np.arange(n_rep, dtype=np.int32), n_dates)),
        "seed": pa.array(np.repeat(np.asarray(data.seeds, dtype=np.int64), n_dates)),
        "date": pa.array(np.tile(data.dates.astype("datetime64[D]"), n_rep), type=pa.date32()),
    }
    flat = arr.reshape(n_rep * n_dates, -1)
    for j, col in enumerate(data.columns):
        columns[col] = pa.array(np.ascontiguousarray(flat[:, j]), type=pa.float64())
    return pa.table(columns)


def summary_table(data: EnsembleData) -> pa.Table:
    """The long summary of every scenario as an Arrow table without pandas metadata."""
    frame = data.summary()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.cast(
        pa.schema(
            [
                ("scenario", pa.string()),
                ("indicator", pa.string()),
                ("date", pa.date32()),
                ("median", pa.float64()),
                ("p05", pa.float64()),
                ("p95", pa.float64()),
                ("mean", pa.float64()),
            ]
        )
    )
    return table.replace_schema_metadata(None)


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, **PARQUET_OPTIONS)


def read_series(out_dir: str | Path, scenario: str | None = None) -> Any:
    """Read ``series/*.parquet`` of an ensemble folder as one pandas DataFrame."""
    import pandas as pd

    folder = Path(out_dir) / "series"
    files = [folder / f"{scenario}.parquet"] if scenario else sorted(folder.glob("*.parquet"))
    frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")  # not date objects
    return frame


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def run_ensemble(
    scenarios: Sequence[ScenarioRef],
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    workers: int = 1,
    out_dir: str | Path = DEFAULT_OUT,
    lang: str = "en",
    *,
    municipalities: Sequence[str] | None = None,
    until: str | None = None,
    reference: str | None = None,
    executor: Any = None,
    chunksize: int | None = None,
    progress: bool = True,
    report: bool = True,
    command: Sequence[str] | None = None,
    force: bool = False,
    lessons: str | None = None,
    lessons_replications: int | None = None,
) -> EnsembleOutput:
    """Run an ensemble and write its data files, report and manifest into ``out_dir``.

    Args:
        scenarios: Shipped scenario names, scenario file paths or `Scenario` objects.
        replications: Replications per scenario (common random numbers across scenarios).
        seed: Root seed; replication seeds come from `scenarios.runner.replication_seeds`.
        workers: Worker processes (1: in this process).
        out_dir: Output folder (created, with its lock, once everything is checked; removed
            again if the run fails before writing into it).
        lang: Report language, ``"nl"`` or ``"en"``.
        municipalities: Optional subset (CBS codes, names or provinces).
        until: Last simulated month (ISO date); None: Dec 2029.
        reference: Scenario differences are taken against (default ``baseline`` or the first).
        executor: A `concurrent.futures.Executor` to use instead of the default.
        chunksize: Runs per submitted batch (default: `scenarios.runner.default_chunksize`).
        progress: Show a progress bar (on a terminal).
        report: Write the figures and the HTML report.
        command: The command line, recorded in the manifest.
        force: Write into a folder that holds files govsim did not write (they are kept;
            `scenarios.output_folder`).
        lessons: Also rank the lessons for this WHERE against the reference scenario
            (`scenarios.advice`; ``lessons.csv`` and a report section).
        lessons_replications: Replications per lesson (default ``replications``).

    Raises:
        ScenarioError, ParameterError, TimelineError, CalendarError: Before anything runs or
            is written, for unusable scenarios or arguments, or an output folder govsim may not
            write into (`scenarios.output_folder.OutputFolderError`).
    """
    started = time.perf_counter()
    if replications < 1:
        raise ScenarioError(f"--replications must be at least 1, got {replications}")
    if workers < 1:
        raise ScenarioError(f"--workers must be at least 1, got {workers}")
    if lang not in ("nl", "en"):
        raise ScenarioError(f"--lang must be 'nl' or 'en', got {lang!r}")
    check_folder(out_dir, force)
    if lessons is not None:
        from govsim.model.levers import LeverError, parse_where

        try:
            parse_where(lessons)
        except LeverError as exc:
            allowed = f" Allowed: {exc.allowed}." if exc.allowed else ""
            raise ScenarioError(f"--lessons {lessons!r}: {exc.problem}.{allowed}") from None
    chosen = resolve_scenarios(scenarios)
    lock = _EarlyLock(Path(out_dir))
    failed = True
    try:
        output = _run_and_write(
            lock,
            chosen,
            dict(
                replications=replications,
                seed=seed,
                workers=workers,
                lang=lang,
                municipalities=municipalities,
                until=until,
                chunksize=chunksize,
                executor=executor,
                report=report,
                command=command,
            ),
            reference=reference,
            progress=progress,
            force=force,
            lessons=lessons,
            lessons_replications=lessons_replications,
            started=started,
        )
        failed = False
        return output
    finally:
        lock.release(failed)


class _EarlyLock:
    """The output folder's lock, taken once everything is checked and before the first run.

    A second `govsim run` into the same folder is then refused at once (`folder_lock`), not
    after its own simulations. If the run fails, the lock file it made is removed again, and
    so is the folder if it made it and nothing was written into it.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.made_folder = not out.exists()
        self.made_lock = not (out / LOCK).exists()
        self.held = False
        self._stack = contextlib.ExitStack()

    def take(self) -> None:
        """Take the lock (`OutputFolderError` if another run holds it)."""
        self._stack.enter_context(folder_lock(self.out))
        self.held = True

    def release(self, failed: bool) -> None:
        """Release the lock; after a failure also remove what taking it made."""
        try:
            if failed and self.held:
                if self.made_lock:
                    (self.out / LOCK).unlink(missing_ok=True)
                if self.made_folder:
                    with contextlib.suppress(OSError):  # not empty: files were written
                        self.out.rmdir()
        finally:
            self._stack.close()


def _run_and_write(
    lock: _EarlyLock,
    chosen: Sequence[Scenario],
    args: dict[str, Any],
    *,
    reference: str | None,
    progress: bool,
    force: bool,
    lessons: str | None,
    lessons_replications: int | None,
    started: float,
) -> EnsembleOutput:
    """Simulate (taking ``lock`` before the first run), rank the lessons, write the folder."""
    replications, seed, workers = args["replications"], args["seed"], args["workers"]
    data, results = simulate(
        chosen,
        replications,
        seed,
        reference=reference,
        until=args["until"],
        municipalities=args["municipalities"],
        executor=args["executor"],
        workers=workers,
        chunksize=args["chunksize"],
        progress=progress,
        desc="govsim run",
        before_runs=lock.take,
    )
    if lessons is not None:
        from govsim.scenarios.advice import advise

        ranking = advise(
            data.scenario(data.reference),
            lessons,
            replications=lessons_replications or replications,
            seed=seed,
            workers=workers,
            progress=progress,
        )
        data.lessons = {
            "where": ranking.where,
            "replications": ranking.replications,
            "top_share": ranking.top_share,
            "table": ranking.table,
        }
    run_time = time.perf_counter() - started

    timings = run_timings(results, [s.name for s in chosen])
    return write_ensemble(
        lock.out,
        data,
        timings,
        args,
        force=force,
        started=started,
        run_time=run_time,
        locked=lock.held,
    )


def simulate(
    chosen: Sequence[Scenario],
    replications: int,
    seed: int,
    *,
    reference: str | None = None,
    until: str | None = None,
    municipalities: Sequence[str] | None = None,
    executor: Any = None,
    workers: int = 1,
    chunksize: int | None = None,
    progress: bool = True,
    desc: str = "govsim",
    before_runs: Callable[[], Any] | None = None,
) -> tuple[EnsembleData, list[RunResult]]:
    """Run resolved scenarios as an ensemble in memory (``govsim run`` and ``govsim.run``).

    Every run keeps `report_outputs` of the reference; replication ``i`` has the same seed in
    every scenario. Returns the collected ensemble and the runs (for their timings).
    """
    ref = choose_reference(chosen, reference)
    outputs = report_outputs(next(s for s in chosen if s.name == ref))
    tasks = make_tasks(
        chosen, replications, seed, until=until, municipalities=municipalities, outputs=outputs
    )
    tasks[0].validate()  # municipalities, dates and outputs are shared by every task
    say_unmatched(tasks)
    if before_runs is not None:  # everything is checked: e.g. take the output folder's lock
        before_runs()
    results = list(
        run_tasks(
            tasks,
            executor=executor,
            workers=min(workers, len(tasks)),
            chunksize=chunksize,
            progress=progress,
            desc=desc,
        )
    )
    seeds = replication_seeds(seed, replications)
    return collect(chosen, results, seeds, ref, municipalities, seed), results


def run_timings(results: Sequence[RunResult], order: Sequence[str]) -> list[dict[str, Any]]:
    """Wall and CPU seconds of every run, in scenario then replication order (for manifests)."""
    return sorted(
        (
            {
                "scenario": r.scenario,
                "replication": r.replication,
                "seed": r.seed,
                "seconds": round(r.wall_time, 4),
                "cpu_seconds": round(r.cpu_time, 4),
            }
            for r in results
        ),
        key=lambda t: (list(order).index(t["scenario"]), t["replication"]),
    )


def write_ensemble(
    out_dir: str | Path,
    data: EnsembleData,
    timings: list[dict[str, Any]],
    args: dict[str, Any],
    *,
    force: bool = False,
    started: float | None = None,
    run_time: float = 0.0,
    locked: bool = False,
) -> EnsembleOutput:
    """Write an ensemble held in memory as a ``govsim run`` folder (what `run_ensemble` writes).

    Holds the folder's lock, marks it incomplete while writing and writes the manifest last
    (`scenarios.output_folder`), so an interrupted write is recognised and recovered.

    Args:
        out_dir: The output folder.
        data: The ensemble.
        timings: Per-run timings (`run_timings`).
        args: ``replications, seed, workers, lang, municipalities, until, chunksize, executor,
            report, command`` as recorded in the manifest.
        force: Write into a folder holding files govsim did not write (they are kept).
        started: `time.perf_counter` at the start of the run (None: now).
        run_time: Seconds spent running the simulations.
        locked: This process holds the folder's lock already (`run_ensemble`).
    """
    started = time.perf_counter() if started is None else started
    out = Path(out_dir)
    check_folder(out, force)
    with contextlib.nullcontext() if locked else folder_lock(out):
        previous = check_folder(out, force)  # again: another run may have written meanwhile
        clean_temporaries(out)
        mark_incomplete(out, stopped_run_files(out) or set())
        with record_writing(out):
            output = _write_outputs(out, data, timings, previous, started, run_time, args)
        mark_complete(out)
    return output


def _write_data_files(out: Path, data: EnsembleData) -> list[Path]:
    """Write the series, municipal, lessons, expectations and summary files; return their paths.

    The Parquet files are encoded and compressed in two threads (pyarrow releases the GIL)
    while this thread computes the summary and formats its CSV, so the writing that follows
    the runs takes about half as long (issue 15).
    """
    written: list[Path] = []
    with cf.ThreadPoolExecutor(PARQUET_THREADS, thread_name_prefix="govsim-parquet") as threads:
        jobs = []

        def submit(table: pa.Table, path: Path) -> None:
            # in a copy of this context: the thread notes its file in the folder's journal
            jobs.append(threads.submit(contextvars.copy_context().run, write_parquet, table, path))
            written.append(path)

        for s in data.scenarios:
            submit(series_table(data, s.name), out / "series" / f"{s.name}.parquet")
        if data.municipal is not None:
            submit(municipal_table(data), out / "municipalities.parquet")
        if data.lessons is not None:
            with atomic_path(out / "lessons.csv") as tmp:
                data.lessons["table"].to_csv(
                    tmp, index=False, lineterminator="\n", float_format="%.6g"
                )
            written.append(out / "lessons.csv")
        checked = expectation_table(data)
        if len(checked):
            with atomic_path(out / "expectations.csv") as tmp:
                checked.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6g")
            written.append(out / "expectations.csv")
        table = summary_table(data)
        submit(table, out / "summary.parquet")
        with atomic_path(out / "summary.csv") as tmp:
            tmp.write_text(csv_text(table.to_pandas()), encoding="utf-8", newline="")
        written.append(out / "summary.csv")
        for job in jobs:
            job.result()  # a failed write raises here
    return written


def _write_outputs(
    out: Path,
    data: EnsembleData,
    timings: list[dict[str, Any]],
    previous: set[str],
    started: float,
    run_time: float,
    args: dict[str, Any],
) -> EnsembleOutput:
    """Write series, summary, report and (last) the manifest; remove this folder's stale files."""
    chosen, seeds, ref = data.scenarios, data.seeds, data.reference
    replications, seed, workers, lang = (
        args["replications"],
        args["seed"],
        args["workers"],
        args["lang"],
    )
    municipalities, until, chunksize = args["municipalities"], args["until"], args["chunksize"]
    executor, report, command = args["executor"], args["report"], args["command"]
    version = git_commit()
    report_path: Path | None = None
    if report:
        figure_workers = workers if executor is None else 1  # a Dask cluster: drawn here
        written, (report_path, pngs) = _write_with_report(data, out, lang, version, figure_workers)
        written += [*pngs, report_path]
    else:
        written = _write_data_files(out, data)
    remove_stale(out, previous, {p.resolve() for p in written})

    total = time.perf_counter() - started
    manifest = {
        "govsim_manifest": 1,
        "command": list(command) if command is not None else None,
        "arguments": {
            "scenarios": [s.name for s in chosen],
            "replications": replications,
            "seed": seed,
            "workers": workers,
            "out_dir": str(out),
            "lang": lang,
            "municipalities": list(municipalities) if municipalities is not None else None,
            "until": until,
            "reference": ref,
            "chunksize": chunksize,
            "executor": type(executor).__name__ if executor is not None else None,
        },
        "seeds": {
            "root_seed": seed,
            "method": "numpy.random.SeedSequence(root_seed).spawn(replications)[i]"
            ".generate_state(1)[0]; replication i uses the same seed in every scenario",
            "replications": [{"replication": i, "seed": s} for i, s in enumerate(seeds)],
        },
        "scenarios": [
            {
                "name": s.name,
                "title": s.title,
                "description": s.description,
                "path": str(s.path) if s.path is not None else None,
                "source_text": s.source_text,
                "overrides": s.params,
                "parameters": resolve_parameters(s.params),
                "strategy": [rule.to_mapping() for rule in s.strategy],
                "expectations": [e.to_mapping() for e in s.expectations],
                "timeline": timeline_to_mapping(s.timeline),
                "events": [
                    {"date": d.isoformat(), "domain": dom, "event": what}
                    for d, dom, what in s.timeline.events()
                ],
            }
            for s in chosen
        ],
        "code": {
            **code_record(),
        },
        "packages": package_versions(),
        "timings": {
            "total_seconds": round(total, 3),
            "runs_seconds": round(run_time, 3),
            "write_seconds": round(total - run_time, 3),
            "runs": timings,
        },
        "files": {str(p.relative_to(out)): _sha256(p) for p in written},
    }
    if data.lessons is not None:
        manifest["lessons"] = {k: v for k, v in data.lessons.items() if k != "table"}
    manifest = _jsonable(manifest)
    write_text(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    files = [str(p.relative_to(out)) for p in written] + ["manifest.json"]
    return EnsembleOutput(out, report_path, files, data, manifest)


def _code_label(version: dict[str, Any]) -> str:
    """The code version the report names: govsim's version, commit and a ``+`` if dirty."""
    code = govsim_version()
    if version["commit"]:
        code += f" ({version['commit'][:12]}{', +' if version['dirty'] else ''})"
    return code


def _write_report(
    data: EnsembleData, out: Path, lang: str, version: dict[str, Any]
) -> tuple[Path, list[Path]]:
    """The report alone, drawn in this process (``govsim report``: `scenarios.rerender`)."""
    from govsim.scenarios.report import write_report

    return write_report(data, out, lang, code_version=_code_label(version))


def _write_with_report(
    data: EnsembleData, out: Path, lang: str, version: dict[str, Any], workers: int = 1
) -> tuple[list[Path], tuple[Path, list[Path]]]:
    """The data files and the report: (data files, (report, pngs)).

    With ``workers`` > 1 the report's figures are drawn in a local pool of that size while
    this process writes the data files (`report.submit_figures`).
    """
    from govsim.scenarios.report import finish_report, submit_figures

    if workers <= 1:
        return _write_data_files(out, data), _write_report(data, out, lang, version)
    with process_pool(workers) as pool:
        figures = submit_figures(data, out, lang, pool)
        written = _write_data_files(out, data)
        return written, finish_report(data, out, figures, lang, _code_label(version))
