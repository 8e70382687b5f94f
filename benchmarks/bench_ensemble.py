"""Benchmark: `govsim run` ensembles with 1 and 2 worker processes.

Runs the standard set (5 scenarios) × 20 replications at national scale (388 municipalities,
2013-2029) once per worker count, through `scenarios.ensemble.run_ensemble` (the same path as
``govsim run``: runner, Parquet files, figures, report, manifest), and prints per worker count:
wall time (total, of which the runs and the writing), runs per minute, the speed-up over the
first worker count, the mean wall and CPU time of one run inside its worker and a CPU-bound
lower bound for idle cores. It prints the load average before and after: other processes on the
machine slow the wall times down (the CPU times much less). It also checks that every worker
count wrote byte-identical data files.

With ``--command`` it also times the whole command, ``govsim run`` in a new process per worker
count (imports, the pool's fork server, runs, writing), as a user waits for it. With ``--pairs N``
it times only the whole command, N times for one and for two workers in alternating order, and
prints every pair's speed-up, their mean, median and range (issue 15's target: 2 workers
>= 1.8x one).

Usage: python benchmarks/bench_ensemble.py [--replications 20] [--workers 1 2]
       [--scenarios baseline dso_delay ...] [--municipalities Utrecht] [--until 2020-12]
       [--no-report] [--chunksize N] [--command] [--pairs N]
Target (issue 4): 5 scenarios × 20 replications at national scale in <= 2 minutes with 2 workers.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from govsim.scenarios.cli import standard_set
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.pool import warm_start

DATA_FILES = ("summary.parquet", "summary.csv")


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", nargs="+", default=list(standard_set()))
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--municipalities", nargs="+", default=None)
    parser.add_argument("--until", default=None)
    parser.add_argument("--seed", type=int, default=20180101)
    parser.add_argument("--chunksize", type=int, default=None)
    parser.add_argument("--no-report", action="store_true", help="skip figures and report")
    parser.add_argument("--command", action="store_true", help="also time `govsim run` itself")
    parser.add_argument(
        "--pairs",
        type=int,
        default=0,
        metavar="N",
        help="only time the whole command: N pairs of the first and last worker count",
    )
    args = parser.parse_args(argv)
    if args.pairs > 0:
        return 0 if time_pairs(args, args.pairs) else 1

    n_runs = len(args.scenarios) * args.replications
    scale = "national" if args.municipalities is None else ", ".join(args.municipalities)
    print(
        f"{len(args.scenarios)} scenarios × {args.replications} replications = {n_runs} runs; "
        f"{scale}; until {args.until or '2029-12'}; report {'no' if args.no_report else 'yes'}"
    )
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"CPUs {cpus}; load average before: {_load()} (other processes slow the figures down)")
    print(
        f"{'workers':>7} {'total s':>8} {'runs s':>7} {'write s':>8} {'runs/min':>9} "
        f"{'speed-up':>8} {'s/run':>6} {'cpu/run':>6}"
    )
    warm_start()
    rows = []
    with tempfile.TemporaryDirectory(prefix="govsim-bench-") as tmp:
        for workers in args.workers:
            out = Path(tmp) / f"w{workers}"
            start = time.perf_counter()
            result = run_ensemble(
                args.scenarios,
                replications=args.replications,
                seed=args.seed,
                workers=workers,
                out_dir=out,
                municipalities=args.municipalities,
                until=args.until,
                chunksize=args.chunksize,
                progress=False,
                report=not args.no_report,
            )
            total = time.perf_counter() - start
            timings = result.manifest["timings"]
            runs_s = timings["runs_seconds"]
            per_run = sum(r["seconds"] for r in timings["runs"]) / n_runs
            cpu_run = sum(r["cpu_seconds"] for r in timings["runs"]) / n_runs
            rows.append((workers, total, runs_s, out, cpu_run, total - runs_s))
            base_total = rows[0][1]
            print(
                f"{workers:>7} {total:>8.1f} {runs_s:>7.1f} {total - runs_s:>8.1f} "
                f"{60 * n_runs / total:>9.1f} {base_total / total:>7.2f}x {per_run:>6.2f} "
                f"{cpu_run:>6.2f}"
            )
        reference = rows[0][3]
        same = all(
            (reference / f).read_bytes() == (out / f).read_bytes()
            for _, _, _, out, _, _ in rows[1:]
            for f in (*DATA_FILES, *(f"series/{s}.parquet" for s in args.scenarios))
        )
    print(f"identical data files across worker counts: {'yes' if same else 'NO'}")
    print(f"load average after: {_load()}")
    if len(rows) > 1:
        w0, t0, r0, *_ = rows[0]
        w1, t1, r1, *_ = rows[-1]
        print(
            f"scaling {w0} -> {w1} workers: {t0 / t1:.2f}x total, {r0 / r1:.2f}x runs only "
            f"(target: {n_runs} runs in <= 120 s with 2 workers)"
        )
    for workers, _, _, _, cpu_run, write_s in rows:
        print(
            f"{workers} worker(s), lower bound on otherwise idle cores (run CPU time / workers "
            f"+ writing, no pool start-up): ~{cpu_run * n_runs / workers + write_s:.0f} s"
        )
    if args.command:
        time_commands(args)
    return 0 if same else 1


def _command(args: argparse.Namespace, workers: int, out: Path) -> list[str]:
    """The ``govsim run`` command line for ``workers`` worker processes writing into ``out``."""
    govsim = shutil.which("govsim", path=os.path.dirname(sys.executable)) or "govsim"
    cmd = [govsim, "run", *args.scenarios, "-n", str(args.replications)]
    cmd += ["--seed", str(args.seed), "-j", str(workers), "--no-progress", "--out", str(out)]
    if args.municipalities:
        cmd += ["--municipalities", *args.municipalities]
    if args.until:
        cmd += ["--until", args.until]
    if args.no_report:
        cmd.append("--no-report")
    return cmd


def _timed(cmd: list[str]) -> float:
    """Wall seconds of one command in a new process (its output is not shown)."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def time_commands(args: argparse.Namespace) -> None:
    """Time ``govsim run`` in a new process per worker count and print the speed-up."""
    print("whole command (govsim run ..., a new process each):")
    first = None
    with tempfile.TemporaryDirectory(prefix="govsim-bench-cmd-") as tmp:
        for workers in args.workers:
            wall = _timed(_command(args, workers, Path(tmp) / f"w{workers}"))
            first = first or wall
            print(f"{workers:>7} worker(s): {wall:6.1f} s, {first / wall:.2f}x")


def time_pairs(args: argparse.Namespace, pairs: int, target: float = 1.8) -> bool:
    """Time the whole command with the first and the last worker count, ``pairs`` times.

    The order alternates (one then two, two then one, ...) because this machine's speed drifts
    over minutes; each pair's speed-up compares its two neighbouring runs. Both runs of a pair
    must write the same summary and report, to the byte. Returns whether they all did.
    """
    few, many = args.workers[0], args.workers[-1]
    print(
        f"whole command, {pairs} pairs of govsim run ({few} and {many} workers, alternating "
        f"order; load average before: {_load()}):"
    )
    ratios, same = [], True
    with tempfile.TemporaryDirectory(prefix="govsim-bench-pairs-") as tmp:
        for k in range(pairs):
            order = (few, many) if k % 2 == 0 else (many, few)
            wall = {w: _timed(_command(args, w, Path(tmp) / f"p{k}w{w}")) for w in order}
            outputs = [Path(tmp) / f"p{k}w{w}" for w in (few, many)]
            files = ("summary.csv",) if args.no_report else ("summary.csv", "report.html")
            same_k = all(
                (outputs[0] / f).read_bytes() == (outputs[1] / f).read_bytes() for f in files
            )
            same = same and same_k
            ratios.append(wall[few] / wall[many])
            print(
                f"  pair {k + 1:>2}: {few} worker(s) {wall[few]:5.1f} s, {many} worker(s) "
                f"{wall[many]:5.1f} s, {ratios[-1]:.2f}x{'' if same_k else ', OUTPUTS DIFFER'}"
            )
    reached = sum(r >= target for r in ratios)
    print(
        f"speed-up over {pairs} pairs: mean {statistics.mean(ratios):.2f}x, median "
        f"{statistics.median(ratios):.2f}x, range {min(ratios):.2f}-{max(ratios):.2f}x; "
        f"{reached} of {pairs} at or above {target}x; load average after: {_load()}"
    )
    return same


if __name__ == "__main__":
    raise SystemExit(main())
