"""Benchmark: a national run (388 municipalities, Jan 2013 - Dec 2029, 204 monthly steps).

Prints, per agent density (0.25x, 1x, 4x the default staff and citizen densities): agent counts,
construction time, run time, total wall time per run, agent-steps per second and peak memory
(and how much of it the libraries and the model take), as medians over several runs. Each
density runs in a fresh subprocess pinned to one core so that peak memory (ru_maxrss) and
timings are its own.

Usage: python benchmarks/bench_model.py [--repeats 5] [--factors 0.25 1 4]
Target (issue 2): <= 1 s per national run at default density on one core, >= 30,000 staff +
citizen agents.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, sys, time
sys.path.insert(0, sys.argv[1])
if "govsim.model" in open(os.path.join(sys.argv[1], "pyproject.toml")).read():
    import govsim  # one-package layout: govsim.model is the tree's model/ folder
    govsim.__path__.append(sys.argv[1])
    from govsim.model.governance_model import GovernanceModel
    from govsim.model.parameters import defaults
else:  # a commit before the one-package layout
    from model.governance_model import GovernanceModel
    from model.parameters import defaults
try:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
except (AttributeError, OSError):
    pass
factor, repeats = float(sys.argv[2]), int(sys.argv[3])
d = defaults()
over = {"staff_per_1000": d["staff_per_1000"] * factor,
        "citizens_per_1000": d["citizens_per_1000"] * factor}
GovernanceModel(rng=0, municipalities=["Utrecht"], **over).run()  # warm-up (imports, caches)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
rows = []
for seed in range(repeats):
    t0 = time.perf_counter()
    m = GovernanceModel(rng=seed, **over)
    t1 = time.perf_counter()
    m.run()
    t2 = time.perf_counter()
    rows.append({"init": t1 - t0, "run": t2 - t1, "total": t2 - t0,
                 "staff": m.staff.n, "citizens": m.citizens.n, "steps": m.steps})
    del m  # one model at a time: the next is not built beside this one
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
print(json.dumps({"rows": rows, "peak_mb": peak, "base_mb": base}))
"""


def measure(factor: float, repeats: int) -> dict:
    """Run the child benchmark for one density factor and return its figures."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT), str(factor), str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    rows = data["rows"]
    agents = rows[0]["staff"] + rows[0]["citizens"]
    med = {k: statistics.median(r[k] for r in rows) for k in ("init", "run", "total")}
    return {
        "factor": factor,
        "staff": rows[0]["staff"],
        "citizens": rows[0]["citizens"],
        "agents": agents,
        **med,
        "agent_steps_per_s": agents * rows[0]["steps"] / med["run"],
        "peak_mb": data["peak_mb"],
        "base_mb": data.get("base_mb", float("nan")),
    }


def main() -> None:
    """Parse flags, run every density and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--factors", type=float, nargs="+", default=[0.25, 1.0, 4.0])
    args = parser.parse_args()
    print(f"national run, 388 municipalities, 204 steps, median of {args.repeats}, one core")
    print(
        f"{'density':>8} {'staff':>7} {'citizens':>9} {'init s':>7} {'run s':>7} "
        f"{'total s':>8} {'agent-steps/s':>14} {'peak MB':>8} {'libs MB':>8} {'model MB':>9}"
    )
    for factor in args.factors:
        r = measure(factor, args.repeats)
        print(
            f"{r['factor']:>7g}x {r['staff']:>7d} {r['citizens']:>9d} {r['init']:>7.3f} "
            f"{r['run']:>7.3f} {r['total']:>8.3f} {r['agent_steps_per_s']:>14,.0f} "
            f"{r['peak_mb']:>8.0f} {r['base_mb']:>8.0f} {r['peak_mb'] - r['base_mb']:>9.0f}"
        )
    print(
        "peak MB: the process's peak resident memory (one model at a time); libs MB: after the "
        "imports and the warm-up run (numpy, pandas with pyarrow, numba's compiled kernels, "
        "mesa); model MB: what the national runs add to that"
    )
    print(f"cpu: {os.cpu_count()} cores visible; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
