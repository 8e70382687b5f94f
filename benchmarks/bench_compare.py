"""Benchmark: this working tree against an earlier commit, in paired runs, with the ratio.

Checks the commit out into a temporary git worktree and times both trees in alternating fresh
subprocesses (base, new, base, new, ...), each pinned to one core, so that a busy moment of a
shared machine falls on both. Prints medians and the speed-up for:

- ``survey``: create the model and run it to the survey month (2017-08), as the calibration
  does (without collecting national indicators where the tree supports ``collect=False``);
- ``national``: create and run 2013-2029 at default density, collecting every indicator.

Usage: python benchmarks/bench_compare.py [--base REF] [--rounds 3] [--repeats 5]
Targets (issue 15, against the commit before it): survey >= 5x, national >= 3x.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import inspect, json, os, sys, time
sys.path.insert(0, sys.argv[1])
if "govsim.model" in open(os.path.join(sys.argv[1], "pyproject.toml")).read():
    import govsim  # one-package layout: govsim.model is the tree's model/ folder
    govsim.__path__.append(sys.argv[1])
    from govsim.model.governance_model import GovernanceModel
else:  # a commit before the one-package layout
    from model.governance_model import GovernanceModel
try:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
except (AttributeError, OSError):
    pass
until = None if sys.argv[2] == "-" else sys.argv[2]
lean = sys.argv[3] == "lean" and "collect" in inspect.signature(GovernanceModel).parameters
kw = {"collect": False} if lean else {}
GovernanceModel(rng=0, municipalities=["Utrecht"], **kw).run()  # warm-up: imports, kernels
times = []
for seed in range(int(sys.argv[4])):
    t0 = time.perf_counter()
    GovernanceModel(rng=seed, **kw).run(until)
    times.append(time.perf_counter() - t0)
print(json.dumps(times))
"""

CASES = {"survey": ("2017-08", "lean"), "national": ("-", "full")}


def _times(root: Path, case: str, repeats: int) -> list[float]:
    until, collect = CASES[case]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), until, collect, str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(base: Path, rounds: int, repeats: int) -> dict[str, tuple[float, float]]:
    """Median seconds (base, new) per case, from alternating paired subprocess runs."""
    result = {}
    for case in CASES:
        times: dict[str, list[float]] = {"base": [], "new": []}
        for _ in range(rounds):
            times["base"] += _times(base, case, repeats)
            times["new"] += _times(ROOT, case, repeats)
        result[case] = (statistics.median(times["base"]), statistics.median(times["new"]))
    return result


def main() -> None:
    """Check out ``--base`` into a temporary worktree, compare and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="git commit to compare against")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of base and new")
    parser.add_argument("--repeats", type=int, default=5, help="runs per subprocess")
    args = parser.parse_args()
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", args.base],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="govsim-base-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), sha],
            check=True,
        )
        try:
            result = compare(tree, args.rounds, args.repeats)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True
            )
    n = args.rounds * args.repeats
    print(f"base {sha} against this working tree; median of {n} runs each, paired, one core")
    print(f"{'case':>9} {'base s':>8} {'new s':>8} {'speed-up':>9}")
    for case, (b, new) in result.items():
        print(f"{case:>9} {b:>8.3f} {new:>8.3f} {b / new:>8.2f}x")


if __name__ == "__main__":
    main()
