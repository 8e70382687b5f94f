"""Benchmark: agent-steps per second of a national run against Mesa's own Boltzmann model.

Issue 15 asks for a national run at >= 40x the agent-steps per second of Mesa's Boltzmann
wealth model (the example shipped with Mesa, `mesa.examples`) on the same machine. Both run in
this process, one after the other, pinned to one core, best of ``--repeats``:

- govsim: create and run 2013-2029 at default density (all agents: staff, citizens,
  secretaries, colleges, councils), collecting every indicator;
- Boltzmann: ``--boltzmann-agents`` agents on a square grid of about one agent per cell, run
  ``--boltzmann-steps`` steps, twice: as shipped (``model.step()``, with its data collection
  every step) and the agents alone (``model.agents.shuffle_do("step")``, no collection). The
  ratio against the agents alone is the conservative one and the one held against the target.

Usage: python benchmarks/bench_boltzmann.py [--repeats 5] [--boltzmann-agents 1000]
"""

from __future__ import annotations

import argparse
import os
import time


def _best(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    """Time both models and print agent-steps per second and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--boltzmann-agents", type=int, default=1000)
    parser.add_argument("--boltzmann-steps", type=int, default=100)
    args = parser.parse_args()
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    except (AttributeError, OSError):
        pass

    from mesa.examples.basic.boltzmann_wealth_model.model import (
        BoltzmannScenario,
        BoltzmannWealth,
    )

    from govsim.model import GovernanceModel

    GovernanceModel(rng=0, municipalities=["Utrecht"]).run()  # warm-up: imports, kernels
    agents = len(GovernanceModel(rng=0).agents)
    steps = GovernanceModel(rng=0).calendar.n_steps
    ours = _best(lambda: GovernanceModel(rng=1).run(), args.repeats)

    side = max(1, round(args.boltzmann_agents**0.5))

    def boltzmann(collect: bool) -> None:
        scenario = BoltzmannScenario(n=args.boltzmann_agents, width=side, height=side, rng=1)
        model = BoltzmannWealth(scenario)
        for _ in range(args.boltzmann_steps):
            if collect:
                model.step()
            else:
                model.agents.shuffle_do("step")

    ours_rate = agents * steps / ours
    print(f"govsim national run: {agents:,} agents x {steps} months in {ours:.3f} s")
    print(f"  {ours_rate / 1e6:.1f} M agent-steps/s")
    rates = {}
    for label, collect in (("as shipped", True), ("agents only", False)):
        theirs = _best(lambda c=collect: boltzmann(c), args.repeats)
        rates[label] = args.boltzmann_agents * args.boltzmann_steps / theirs
        print(
            f"Mesa Boltzmann ({label}): {args.boltzmann_agents:,} agents x "
            f"{args.boltzmann_steps} steps in {theirs:.3f} s, "
            f"{rates[label] / 1e6:.3f} M agent-steps/s, "
            f"ratio {ours_rate / rates[label]:.0f}x"
        )
    print(
        f"ratio against the agents alone: {ours_rate / rates['agents only']:.0f}x (target >= 40x)"
    )


if __name__ == "__main__":
    main()
