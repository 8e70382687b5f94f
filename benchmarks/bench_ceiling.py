"""Benchmark: how much two processes can gain on this machine, with nothing in between.

Times national runs (388 municipalities, 2013-2029, no data collection beyond the defaults) in
one process alone, then in two independent processes at once; no pool, no pickling, no files.
Each process imports govsim and loads the kernels before its clock starts. The ratio
``2 × (time per run alone) / (time per run with two at once)`` is the most that two workers of
``govsim run`` or ``govsim experiment run`` can reach here: on a virtual machine whose two
vCPUs share a host core's caches and memory bandwidth, each of two simultaneous runs is slower
than one alone. Rounds alternate (alone, together, alone, ...) because the machine's speed
drifts over minutes; the ceiling of each round pairs its "together" with the mean of the
"alone" before and after it.

Usage: python benchmarks/bench_ceiling.py [--runs 12] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CHILD = """
import sys, time
import numpy as np
from govsim.model import GovernanceModel
GovernanceModel({}, rng=np.random.default_rng(0), municipalities=["Utrecht"]).run(until="2014-12")
runs = int(sys.argv[1])
start = time.perf_counter()
for seed in range(runs):
    GovernanceModel({}, rng=np.random.default_rng(seed)).run()
print((time.perf_counter() - start) / runs)
"""


def _start(runs: int) -> subprocess.Popen[str]:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(runs)], stdout=subprocess.PIPE, text=True, env=env
    )


def _per_run(procs: list[subprocess.Popen[str]]) -> list[float]:
    out = []
    for proc in procs:
        stdout, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a benchmark process failed (exit {proc.returncode})")
        out.append(float(stdout.strip().splitlines()[-1]))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=12, help="national runs per process")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    alone = [_per_run([_start(args.runs)])[0]]
    ceilings = []
    for r in range(args.rounds):
        begun = time.perf_counter()
        pair = _per_run([_start(args.runs), _start(args.runs)])
        together = statistics.mean(pair)
        alone.append(_per_run([_start(args.runs)])[0])
        reference = (alone[-2] + alone[-1]) / 2
        ceiling = 2 * reference / together
        ceilings.append(ceiling)
        print(
            f"round {r + 1}: alone {alone[-2]:.3f} s and {alone[-1]:.3f} s per run; two at once "
            f"{pair[0]:.3f} s and {pair[1]:.3f} s per run ({time.perf_counter() - begun:.0f} s); "
            f"ceiling for two workers {ceiling:.2f}x"
        )
    print(
        f"ceiling for two workers on this machine: {statistics.median(ceilings):.2f}x "
        f"(median of {len(ceilings)} rounds; range {min(ceilings):.2f}-{max(ceilings):.2f}x)"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
