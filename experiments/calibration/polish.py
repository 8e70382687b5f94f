"""Polish the ABC's point estimate: a seeded local search for the posterior mode.

ABC-SMC with twenty-odd free parameters and a few thousand simulations approximates the
posterior well enough to locate the region that fits, but its importance weights collapse to a
handful of particles (the effective sample size falls to 1-9 of 150 after the first generations;
docs/calibration.md §6), so none of its point estimates (posterior mean, medians, best accepted
particle) is the best-fitting point of that region. With uniform priors, the mode of the ABC
posterior as epsilon shrinks is the parameter set with the smallest expected distance, and that
is what this step looks for, starting from the best-scoring of the ABC's candidates (or from
several of them: `pipeline.choose`, ``--polish-starts``).

**Method.** A (1 + lambda) evolution strategy within the prior bounds (Beyer & Schwefel 2002,
"Evolution strategies - a comprehensive introduction", Natural Computing 1: 3-52): each round
proposes ``lam`` neighbours of the current best (a Gaussian step of ``sigma`` times the prior
width on a random third of the parameters), evaluates them in parallel, and moves to the best
of them when it is better than the current point; ``sigma`` grows after a success and shrinks
after a failure. Every evaluation is the mean penalised distance
(`CalibrationSettings.judging_distance`: the graded pattern penalty plus
`CalibrationSettings.pattern_jump` per broken check of the report's patterns, each check
holding only with `CalibrationSettings.pattern_margin` to spare) over
``replications`` simulations of all 388 municipalities (unless
`CalibrationSettings.judge_nationally` is off) with *common random numbers* (the same seeds
for every candidate, `abc.SurveySimulator.common_random_numbers`), so two candidates differ
only by their parameters. The budget is split into `POLISH_LEGS` legs;
each leg starts from the best point so far with the initial step size and fresh common random
numbers. The budget is a number of evaluations, not a time, so a given seed repeats the search
exactly on any machine.

The objective is a stochastic, piecewise-constant function of the parameters (thresholds on
random draws), which defeats gradient and simplex methods; scipy's differential evolution would
need an order of magnitude more evaluations than the budget allows. Overfitting to the
polishing seeds is guarded against by the caller (`pipeline.choose`): scoring on fresh seeds
(`abc.score_points`) decides whether the polished point replaces the ABC's, and the points the
search passed through (`PolishResult.path`) are checked the same way, so that a last step that
only fits the search's seeds (or breaks a report pattern on others) is not installed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from govsim.experiments.calibration.abc import (
    CalibrationSettings,
    evaluate,
)
from govsim.experiments.calibration.distance import observed_statistics

POLISH_EVALUATIONS: int = 2400
"""Default budget of the full calibration: about 10 minutes on two cores (docs/calibration.md)."""
POLISH_REPLICATIONS: int = 3
"""Simulations (common random numbers) averaged per evaluated parameter set. Three, not two: a
pattern such as P12 (a few municipalities wait) must then hold on three seeds; with two, the
search settled on points where it held on its own seeds only (model v2, run v2c: P12 broken on
two of three fresh national seeds; docs/calibration.md §9)."""
LAMBDA: int = 4
"""Neighbours proposed per round (a multiple of the usual two worker processes)."""
SIGMA_START, SIGMA_MIN, SIGMA_MAX = 0.08, 0.02, 0.3
"""Step size of the proposals, as a share of each prior's width."""
MUTATION_SHARE: float = 1.0 / 3.0
"""Share of the parameters a proposal changes (at least one)."""
POLISH_LEGS: int = 3
"""Legs the budget is split into. Each leg restarts the step size and draws fresh common random
numbers, so the search neither stalls at the smallest step nor settles on what fits one set of
seeds only (sample-path optimisation with re-sampling: Homem-de-Mello 2003, "Variable-sample
methods for stochastic optimization", ACM TOMACS 13: 108-133). In the round-4 trials,
searches restarted this way kept finding improvements where one long search had shrunk its
step to the minimum and stopped moving (15 improvements in 2,400 evaluations)."""
LEG_SEED_STEP: int = 104_729
"""Offset between the seeds of successive legs (a prime, far from the replication offsets)."""


@dataclass
class PolishResult:
    """Outcome of `polish`.

    Attributes:
        point: The best parameter set found (the start when nothing was better).
        distance: Its mean penalised distance on the last leg's seeds.
        start_distance: The start's mean penalised distance on the first leg's seeds.
        evaluations: Parameter sets evaluated (including the start).
        improvements: Rounds that moved the point.
        seconds: Wall time.
        trace: (evaluations so far, best distance) at the start of every leg and after every
            improvement (distances of different legs are on different seeds).
        path: The point after every improvement (the start first), for the caller to check on
            fresh seeds: a point fitted on the search's own seeds may break a report pattern
            on others.
        legs: Per leg: its seed, evaluations, distance at its start and end (on its own
            seeds, so distances of different legs do not compare) and improvements.
    """

    point: dict[str, float]
    distance: float
    start_distance: float
    evaluations: int
    improvements: int
    seconds: float
    trace: list[tuple[int, float]] = field(default_factory=list)
    path: list[dict[str, float]] = field(default_factory=list)
    legs: list[dict[str, float]] = field(default_factory=list)


class Objective:
    """Mean penalised distance of a parameter set over fixed seeds (picklable for workers).

    `abc.evaluate` on a simulator with common random numbers: replication r runs with seed
    ``seed + 7919 (r + 1)`` for every parameter set.
    """

    def __init__(
        self,
        settings: CalibrationSettings,
        names: Sequence[str],
        replications: int,
        seed: int,
        base: Mapping[str, float] | None = None,
        instrument_base: Mapping[str, float] | None = None,
    ) -> None:
        self.names = tuple(names)
        self.distance = settings.judging_distance()
        # what the parameters not searched take (default: the declared values)
        held = {"base": base, "instrument_base": instrument_base}
        self.simulator = settings.judging_simulator(
            seed,
            common_random_numbers=True,
            **{name: dict(values) for name, values in held.items() if values is not None},
        )
        self.replications = replications
        self.seed = seed
        self.observed = observed_statistics()

    def __call__(self, vector: Sequence[float]) -> float:
        """Mean distance of the parameter set ``vector`` (in the order of ``names``)."""
        particle = dict(zip(self.names, map(float, vector), strict=True))
        return float(
            np.mean(
                evaluate(
                    self.simulator,
                    particle,
                    self.distance,
                    self.replications,
                    self.seed,
                    self.observed,
                )
            )
        )


def _map(pool: ProcessPoolExecutor | None, fn: Callable, items: list) -> list[float]:
    return list(pool.map(fn, items)) if pool is not None else [fn(x) for x in items]


def leg_budgets(evaluations: int, legs: int) -> list[int]:
    """Split ``evaluations`` over at most ``legs`` legs (earlier legs take the remainder)."""
    legs = max(1, min(int(legs), int(evaluations))) if evaluations > 0 else 1
    base, extra = divmod(max(int(evaluations), 1), legs)
    return [base + (1 if k < extra else 0) for k in range(legs)]


def leg_seed(seed: int, leg: int) -> int:
    """Seed of the common random numbers of leg ``leg`` (leg 0: ``seed`` itself)."""
    return int(seed) + LEG_SEED_STEP * int(leg)


def polish(
    start: Mapping[str, float],
    settings: CalibrationSettings,
    evaluations: int = POLISH_EVALUATIONS,
    *,
    replications: int = POLISH_REPLICATIONS,
    n_procs: int = 2,
    seed: int | None = None,
    progress: bool = True,
    legs: int = POLISH_LEGS,
    base: Mapping[str, float] | None = None,
    instrument_base: Mapping[str, float] | None = None,
) -> PolishResult:
    """Search the prior box around ``start`` for a smaller mean distance.

    Args:
        start: Values of every free parameter of ``settings`` (the ABC's chosen point).
        settings: The calibration (priors, fitted figures, weighting, patterns, panel).
        evaluations: Budget of evaluated parameter sets, the start included (0 or 1: only the
            start is evaluated and returned unchanged).
        replications: Common-random-number simulations per evaluation.
        n_procs: Worker processes (1: evaluate in this process).
        seed: Seed of the proposals and the simulations (default: the run seed + 3).
        progress: Show a progress bar.
        legs: Legs the budget is split into; each starts from the best point so far with fresh
            common random numbers (`leg_seed`) and the initial step size.
        base: Values of the model parameters not searched (default: the declared ones, as
            the calibration; `experiments.calibration.refit` passes the installed set).
        instrument_base: The same for the instrument settings.

    Returns:
        The `PolishResult`.
    """
    from tqdm import tqdm

    priors = settings.free_priors()
    names = [p.name for p in priors]
    missing = sorted(set(names) - set(start))
    if missing:
        raise ValueError(f"the start point lacks free parameters {missing}")
    low = np.array([p.low for p in priors])
    width = np.array([p.high for p in priors]) - low
    seed = settings.seed + 3 if seed is None else int(seed)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x901157]))
    best = np.clip(np.array([float(start[n]) for n in names]), low, low + width)
    budgets = leg_budgets(evaluations, legs)
    began = time.time()
    pool = ProcessPoolExecutor(n_procs) if n_procs > 1 and evaluations > 1 else None
    used, improvements = 0, 0
    trace: list[tuple[int, float]] = []
    path = [best]
    leg_records: list[dict[str, float]] = []
    bar = tqdm(total=sum(budgets), desc="polishing the calibrated set", disable=not progress)
    try:
        for k, budget in enumerate(budgets):
            objective = Objective(
                settings, names, replications, leg_seed(seed, k), base, instrument_base
            )
            best_d = _map(pool, objective, [best])[0]
            if k == 0:
                start_d = best_d
            leg_start_d, leg_used, leg_moves, sigma = best_d, 1, 0, SIGMA_START
            used += 1
            bar.update(1)
            trace.append((used, best_d))
            while leg_used + 1 <= budget:
                lam = min(LAMBDA, budget - leg_used)
                proposals = []
                for _ in range(lam):
                    mask = rng.random(len(names)) < MUTATION_SHARE
                    mask[rng.integers(len(names))] = True
                    step = rng.normal(0.0, sigma, len(names)) * width * mask
                    proposals.append(np.clip(best + step, low, low + width))
                scores = _map(pool, objective, proposals)
                used += lam
                leg_used += lam
                bar.update(lam)
                j = int(np.argmin(scores))
                if scores[j] < best_d:
                    best, best_d = proposals[j], scores[j]
                    improvements += 1
                    leg_moves += 1
                    trace.append((used, best_d))
                    path.append(best)
                    sigma = min(SIGMA_MAX, sigma * 1.25)
                    bar.set_postfix(leg=k + 1, distance=f"{best_d:.3g}")
                else:
                    sigma = max(SIGMA_MIN, sigma * 0.92)
            leg_records.append(
                {
                    "seed": leg_seed(seed, k),
                    "evaluations": leg_used,
                    "start_distance": float(leg_start_d),
                    "distance": float(best_d),
                    "improvements": leg_moves,
                }
            )
        bar.close()
    finally:
        if pool is not None:
            pool.shutdown()
    return PolishResult(
        point=dict(zip(names, map(float, best), strict=True)),
        distance=float(best_d),
        start_distance=float(start_d),
        evaluations=used,
        improvements=improvements,
        seconds=time.time() - began,
        trace=trace,
        path=[dict(zip(names, map(float, x), strict=True)) for x in path],
        legs=leg_records,
    )


def timed_polish(
    start: Mapping[str, float],
    settings: CalibrationSettings,
    evaluations: int = POLISH_EVALUATIONS,
    **options: Any,
) -> tuple[PolishResult, dict[str, Any]]:
    """`polish` (same arguments) and the summary a diagnostic's record keeps of the search.

    Returns:
        The result and ``{"evaluations", "moves", "seconds", "start_distance", "distance"}``
        (used by `ceiling`, `refit` and `overfit`).
    """
    began = time.time()
    result = polish(start, settings, evaluations, **options)
    return result, {
        "evaluations": result.evaluations,
        "moves": result.improvements,
        "seconds": round(time.time() - began, 1),
        "start_distance": result.start_distance,
        "distance": result.distance,
    }
