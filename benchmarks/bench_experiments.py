"""Benchmark of batch experiments: throughput, parallel speed-up and Dask overhead.

    .venv/bin/python benchmarks/bench_experiments.py [--runs 32] [--tiny 200] [--json FILE]

Measures, through the real path (`experiments.run.run_experiment`: spec → design → runner →
Parquet store):

1. throughput in runs per minute at national scale (388 municipalities, 2013-2029) with one
   worker (in process) and with two workers (local process pool); the speed-up target is
   2 workers ≥ 1.8 × one worker;
2. the overhead per run of the Dask path (a local cluster, ``--dask``) against the process pool,
   on tiny runs (one month of one province, so that the run itself costs almost nothing) and
   on the national runs;
3. an estimate of the wall time of a 1,000-run national experiment with two workers (target:
   about 15 minutes on a 2-core machine).

Throughput is given both over the whole command (start-up of worker processes included) and in
steady state (from the first to the last chunk written). As the ``govsim`` command does at its
start (`govsim.launch`), the kernels are loaded here and the pool's fork server is started
before anything is timed, so one and two workers start equally warm. The machine's load
average is printed: other processes competing for the CPUs slow everything down, the
two-worker case most.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from govsim.experiments.run import run_experiment
from govsim.experiments.spec import loads_spec
from govsim.experiments.store import ExperimentStore
from govsim.scenarios.pool import warm_start

NATIONAL = """
[experiment]
name = "bench_national"
scenario = "baseline"
replications = 1
seed = 1

[design]
method = "lhs"
samples = {runs}

[[factors]]
name = "training_intensity"
range = [0.3, 0.8]

[[factors]]
name = "dso_delay_months"
range = [0, 36]

[[outcomes]]
indicator = "transformation_physical"
date = "2029-12"

[series]
indicators = ["transformation_physical", "transition_physical"]
every = "year"
"""

TINY = """
[experiment]
name = "bench_tiny"
scenario = "baseline"
replications = 1
seed = 1
municipalities = ["Flevoland"]

[design]
method = "lhs"
samples = {runs}

[[factors]]
name = "training_intensity"
range = [0.3, 0.8]

[[factors]]
name = "dso_delay_months"
range = [0, 36]

[[outcomes]]
indicator = "transformation_physical"
date = "2013-01"
"""


def measure(text: str, runs: int, label: str, **options: Any) -> dict[str, Any]:
    spec = loads_spec(text.format(runs=runs), path=Path(f"{label}.toml"))
    with tempfile.TemporaryDirectory(prefix="govsim-bench-") as tmp:
        out = Path(tmp) / "out"
        cpu0 = _cpu()
        start = time.perf_counter()
        report = run_experiment(spec, out, progress=False, **options)
        wall = time.perf_counter() - start
        cpu = _cpu() - cpu0
        parts = sorted(p.stat().st_mtime for p in ExperimentStore(out).run_parts())
        first_batch = ExperimentStore(out).load_runs(["run_id"]).shape[0] / max(len(parts), 1)
    assert report.runs_done == runs, report
    steady = None
    if len(parts) >= 3 and parts[-1] > parts[0]:
        steady = (runs - first_batch) / (parts[-1] - parts[0]) * 60
    return {
        "case": label,
        "runs": runs,
        "executor": report.executor,
        "wall_s": wall,
        "runs_per_min": runs / wall * 60,
        "steady_runs_per_min": steady,
        "startup_s": wall - (runs / steady * 60) if steady else None,
        # a process pool's workers are children of the fork server, not of this process, so
        # getrusage(RUSAGE_CHILDREN) never sees their time: not measured (None)
        "cpu_s": None if report.executor.startswith("local process pool") else cpu,
        "cpu_s_per_run": None if report.executor.startswith("local process pool") else cpu / runs,
    }


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the Dask workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _seconds(value: float | None) -> str:
    """``value`` seconds to two decimals, or "n/a" if not measured."""
    return "n/a" if value is None else f"{value:.2f} s"


def show(row: dict[str, Any]) -> None:
    steady, cpu = row["steady_runs_per_min"], row["cpu_s_per_run"]
    print(
        f"  {row['case']:<28} {row['runs']:>4} runs {row['wall_s']:7.1f} s  "
        f"{row['runs_per_min']:6.1f} runs/min"
        + (f"  (steady {steady:6.1f} runs/min)" if steady else "")
        + f"  cpu {_seconds(row['cpu_s_per_run'])}{'' if cpu is None else '/run'}"
        + f"  [{row['executor']}]",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=32, help="national runs per case")
    parser.add_argument("--tiny", type=int, default=200, help="tiny runs for the overhead")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()

    load_before = os.getloadavg()
    print(f"CPUs available: {len(os.sched_getaffinity(0))}; load average {load_before[0]:.2f}")
    rows: list[dict[str, Any]] = []
    warm_start()

    print("national runs (388 municipalities, 2013-2029):")
    for label, options in (
        ("national, 1 worker", {"workers": 1}),
        ("national, 2 workers (pool)", {"workers": 2}),
        ("national, 2 workers (Dask)", {"workers": 2, "dask": True}),
    ):
        rows.append(measure(NATIONAL, args.runs, label, **options))
        show(rows[-1])

    print("tiny runs (1 month of Flevoland; chunk of 4 runs per submission):")
    for label, options in (
        ("tiny, 2 workers (pool)", {"workers": 2, "chunk": 4}),
        ("tiny, 2 workers (Dask)", {"workers": 2, "dask": True, "chunk": 4}),
    ):
        rows.append(measure(TINY, args.tiny, label, **options))
        show(rows[-1])

    one, two, dask, tiny_pool, tiny_dask = rows
    rate1 = one["steady_runs_per_min"] or one["runs_per_min"]
    rate2 = two["steady_runs_per_min"] or two["runs_per_min"]
    speedup = rate2 / rate1
    speedup_wall = two["runs_per_min"] / one["runs_per_min"]
    per_run_tiny = (tiny_dask["wall_s"] - tiny_pool["wall_s"]) / args.tiny
    steady_tiny = None
    if tiny_dask["steady_runs_per_min"] and tiny_pool["steady_runs_per_min"]:
        steady_tiny = 60 / tiny_dask["steady_runs_per_min"] - 60 / tiny_pool["steady_runs_per_min"]
    per_run_national = (dask["wall_s"] - two["wall_s"]) / args.runs
    startup = two["startup_s"] or 0.0
    estimate = startup + 1000 / rate2 * 60
    load_after = os.getloadavg()
    # what two otherwise idle CPUs would do: CPU seconds per run of the one-worker case, two
    # such workers in parallel
    idle_rate2 = 2 * 60 / one["cpu_s_per_run"]

    print("summary:")
    print(f"  1 worker : {rate1:6.1f} runs/min (steady), {one['runs_per_min']:6.1f} overall")
    print(f"  2 workers: {rate2:6.1f} runs/min (steady), {two['runs_per_min']:6.1f} overall")
    print(
        f"  speed-up 2 vs 1 worker: {speedup:.2f}× steady, {speedup_wall:.2f}× overall "
        "(target ≥ 1.8×)"
    )
    print(
        f"  Dask vs process pool, tiny runs: {per_run_tiny * 1000:+.1f} ms per run overall"
        + (f", {steady_tiny * 1000:+.1f} ms per run in steady state" if steady_tiny else "")
    )
    print(
        f"  Dask vs process pool, national runs: {per_run_national * 1000:+.0f} ms per run "
        "(cluster start-up included)"
    )
    print(
        f"  estimate for 1,000 national runs with 2 workers: {estimate / 60:.1f} min "
        "(target ~15 min)"
    )
    print(
        f"  CPU time per national run: {_seconds(one['cpu_s_per_run'])} (1 worker), "
        f"{_seconds(dask['cpu_s_per_run'])} (Dask, its start-up included); on two "
        f"idle CPUs 2 workers would do about {idle_rate2:.0f} runs/min, 1,000 runs in "
        f"{1000 / idle_rate2 + startup / 60:.1f} min"
    )
    print(
        f"  load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} on "
        f"{len(os.sched_getaffinity(0))} CPUs (other processes slow the figures down)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "rows": rows,
                    "speedup_steady": speedup,
                    "speedup_overall": speedup_wall,
                    "dask_overhead_per_run_tiny_s": per_run_tiny,
                    "dask_overhead_per_run_tiny_steady_s": steady_tiny,
                    "dask_overhead_per_run_national_s": per_run_national,
                    "estimate_1000_runs_s": estimate,
                    "idle_two_cpu_runs_per_min": idle_rate2,
                    "load_before": load_before,
                    "load_after": load_after,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
