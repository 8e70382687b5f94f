"""What fixing each parameter at its declared value costs at a fitted point: a local screen.

Issue 14 fixes every parameter outside the free set "from the report, cited facts or a
sensitivity screen that shows they barely matter". The Morris screen (`screen`) ranks the
parameters by their effect over the whole prior box, most of which lies far from the survey;
a parameter can matter little there and much where the model fits. This screen asks the
question the choice of a free set turns on: at a fitted point (by default the installed record,
fitted on all 97 target figures), how much worse does the survey distance get when one
parameter is put back at its declared value (the report's or a cited fact's; for the
instrument, its placeholder) and everything else stays? A parameter the point
already holds at its declared value costs nothing (the fit was reached without it).

The distance is that of the Morris screen (`screen.survey_distances`: margin weighting, every
municipality, answers expected over the noise), over all target figures and per domain, the
mean over ``--seeds`` seeds with common random numbers, so a cost is the parameter's and not the
seed's. ``importance`` is a parameter's largest cost relative to the largest on that distance.

The calibration's objective is the survey distance *and* the report's patterns (`abc`'s
penalty), so the same run also counts the pattern checks broken in the survey month
(`abc.pattern_shortfalls`; column ``patterns``): a parameter whose declared value breaks a
pattern the fitted point keeps (`pattern_keepers`) does not "barely matter" for the dynamics,
however little it moves the survey figures. At version 12 these are six, three of them outside
the free set: ``prepare_effort`` (24th on the survey distance; at its declared 0.5 every
15-parameter fit put the physical transformation ahead of its transition, P8, in national
runs), ``wait_threshold`` (P12) and ``organisation_spillover``. The ranking stays by survey
cost: ranked first, the three displaced ``change_noise``, ``regional_legal_pull`` and
``comfort_mode_weight``, and the full calibration with that free set fitted 32.5 of 97 (against
51.5) and still broke P1:tight (docs/calibration.md §17).

At a fit of the free set itself every fixed parameter sits at its declared value and costs
nothing here; its mirror, `gain_screen`, asks what freeing each of them would gain, and
`screen.exchange` weighs the two (docs/calibration.md §19).

Caveat: the fitted point saw every target figure, the Omgevingswet and Table 5 figures too, so
a free set chosen here has seen the figures the hold-out tests hold out (docs/calibration.md
§13 says what that means for the out-of-sample gates).

Usage: ``python -m govsim.experiments.calibration.local_screen [--record FILE] [--seeds 4]
[--workers 2] [--out docs/screen]``; prints the table and the 15 it ranks highest.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from govsim.experiments.calibration.screen import (
    DOMAIN_SCREENS,
    PATTERNS_KEY,
    show_and_write,
    survey_distances,
)

DEFAULT_SEEDS = 4
"""Seeds the costs are averaged over (common random numbers within each seed)."""

DEFAULT_SEED = 20170801
"""The first seed (the calibration's); the others are derived from it."""

PATTERN_BREAK = 0.5
"""A parameter whose return to its declared value breaks, on average over the seeds, at least
this many more of the report's pattern checks than the fitted point does (one check on half
the seeds) is listed as one the patterns need (`pattern_keepers`)."""


def declared_value(name: str) -> float:
    """The declared value of a model parameter or an instrument setting."""
    from govsim.experiments.survey.items import INSTRUMENT_DEFAULTS
    from govsim.model.parameters import PARAMETERS

    if name in INSTRUMENT_DEFAULTS:
        return float(INSTRUMENT_DEFAULTS[name])
    return float(PARAMETERS[name].default)


def _distances(task: tuple[dict[str, float], dict[str, float], int, tuple[str, ...] | None]):
    params, instrument, seed, municipalities = task
    return survey_distances(params, instrument, seed, municipalities, patterns=True)


def distances_of(tasks: Sequence[tuple], workers: int) -> list[dict[str, float]]:
    """The screens' distances and broken patterns for each task, in order.

    A task is ``(params, instrument, seed, municipalities)`` for `screen.survey_distances`
    with patterns; ``workers`` processes simulate them.
    """
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            return list(pool.map(_distances, tasks))
    return [_distances(t) for t in tasks]


def mean_distances(
    params: Mapping[str, float],
    instrument: Mapping[str, float],
    moves: Sequence[tuple[str, float]],
    seeds: Sequence[int],
    municipalities: Sequence[str] | None = None,
    workers: int = 1,
) -> tuple[dict[str, float], list[dict[str, float]]]:
    """The screens' distances and broken patterns at a point and with one value moved at a time.

    Each is the mean over ``seeds`` (common random numbers within a seed) of
    `screen.survey_distances` with patterns, over every municipality or ``municipalities``.

    Args:
        params: Every model parameter at the point.
        instrument: Every instrument setting at the point.
        moves: ``(name, value)`` pairs: a model parameter or instrument setting and the value
            it takes, everything else held at the point.
        seeds: Seeds to average over.
        municipalities: Simulate only these (tests); all 388 by default.
        workers: Processes to simulate in.

    Returns:
        The point's means, and the means of each move in ``moves``' order.
    """
    panel = tuple(municipalities) if municipalities else None
    base_p, base_i = dict(params), dict(instrument)
    tasks = [(base_p, base_i, int(s), panel) for s in seeds]
    for name, value in moves:
        p, i = dict(base_p), dict(base_i)
        (i if name in i else p)[name] = float(value)
        tasks += [(p, i, int(s), panel) for s in seeds]
    results = distances_of(tasks, workers)
    k = len(seeds)
    means = [
        {n: float(np.mean([r[n] for r in results[k * j : k * (j + 1)]])) for n in results[0]}
        for j in range(len(moves) + 1)
    ]
    return means[0], means[1:]


def fixing_costs(
    params: Mapping[str, float],
    instrument: Mapping[str, float],
    candidates: Sequence[str],
    seeds: Sequence[int],
    municipalities: Sequence[str] | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """The cost, per candidate, of putting it back at its declared value at a fitted point.

    Args:
        params: Every model parameter at the fitted point.
        instrument: Every instrument setting at the fitted point.
        candidates: Parameter and instrument names to screen.
        seeds: Seeds to average over; each seed's costs use that seed throughout.
        municipalities: Simulate only these (tests); all 388 by default.
        workers: Processes to simulate in.

    Returns:
        One row per candidate: ``parameter``, ``at_fit``, ``declared``, ``cost_<screen>`` for
        each of `DOMAIN_SCREENS` (the mean over seeds of the distance's increase; 0 where the
        point holds the declared value), ``patterns`` (the mean over seeds of the pattern
        checks broken beyond the fitted point's, `abc.pattern_shortfalls`), ``importance``
        (largest cost relative to its screen's largest, 0-1) and ``rank`` (1 = costliest to
        fix, by ``importance``), sorted by rank.
    """
    base_p, base_i = dict(params), dict(instrument)
    moved = [n for n in candidates if base_i.get(n, base_p.get(n)) != declared_value(n)]
    base, at_declared = mean_distances(
        params,
        instrument,
        [(n, declared_value(n)) for n in moved],
        seeds,
        municipalities,
        workers,
    )
    measured = (*DOMAIN_SCREENS, PATTERNS_KEY)
    cost = {name: dict.fromkeys(measured, 0.0) for name in candidates}
    for name, means in zip(moved, at_declared, strict=True):
        cost[name] = {n: means[n] - base[n] for n in measured}
    frame = pd.DataFrame(
        {
            "parameter": list(candidates),
            "at_fit": [base_i.get(n, base_p.get(n)) for n in candidates],
            "declared": [declared_value(n) for n in candidates],
            **{f"cost_{n}": [cost[c][n] for c in candidates] for n in DOMAIN_SCREENS},
            "patterns": [cost[c][PATTERNS_KEY] for c in candidates],
        }
    )
    relative = np.column_stack(
        [
            frame[f"cost_{n}"].clip(lower=0) / max(frame[f"cost_{n}"].max(), 1e-12)
            for n in DOMAIN_SCREENS
        ]
    )
    frame["importance"] = relative.max(axis=1)
    frame = frame.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


def pattern_keepers(table: pd.DataFrame) -> list[str]:
    """Parameters of a `fixing_costs` table that the report's patterns need, in rank order.

    Those whose declared value breaks a pattern the fitted point keeps (`PATTERN_BREAK`).
    """
    keep = table[table["patterns"] >= PATTERN_BREAK].sort_values("rank")
    return keep["parameter"].tolist()


def add_point_arguments(parser: argparse.ArgumentParser, table: str) -> None:
    """The arguments a screen at a fitted point takes: the record, the seeds, workers, output."""
    from govsim import argtypes

    parser.add_argument("--record", type=Path, default=None, help="a calibrated record (JSON)")
    parser.add_argument("--seeds", type=argtypes.positive_int, default=DEFAULT_SEEDS)
    parser.add_argument("--seed", type=argtypes.seed, default=DEFAULT_SEED)
    parser.add_argument(
        "--workers", type=argtypes.positive_int, default=min(2, os.cpu_count() or 1)
    )
    parser.add_argument("--out", type=Path, default=None, help=f"write {table} here")


def fitted_point(
    parser: argparse.ArgumentParser, record: Path | None
) -> tuple[dict[str, float], dict[str, float]]:
    """The point a screen runs at: ``record``'s values, or the installed set without one.

    A record the model refuses ends the command with a one-line error (exit 2).
    """
    from govsim.experiments.calibration.acceptance import record_point
    from govsim.experiments.survey.questionnaire import instrument_settings
    from govsim.model.parameters import defaults

    if record is None:
        return defaults(), instrument_settings()
    try:
        return record_point(record)
    except ValueError as exc:
        parser.exit(2, f"error: {exc}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Screen every parameter with a prior at a fitted record; print the table and the free set."""
    from govsim.experiments.calibration.acceptance import replication_seeds
    from govsim.experiments.calibration.priors import CANDIDATES, NOT_INFORMED, PRIORS

    parser = argparse.ArgumentParser(
        prog="python -m govsim.experiments.calibration.local_screen",
        description=__doc__.splitlines()[0],
    )
    add_point_arguments(parser, "local_screen.csv")
    args = parser.parse_args(argv)
    params, instrument = fitted_point(parser, args.record)
    names = list(dict.fromkeys(p.name for p in (*PRIORS, *CANDIDATES)))
    table = fixing_costs(
        params, instrument, names, replication_seeds(args.seed, args.seeds), workers=args.workers
    )
    keepers = pattern_keepers(table)
    show_and_write(table, args.out, "local_screen.csv", keepers, tuple(NOT_INFORMED))
    print("needed by the report's patterns:", ", ".join(keepers) or "none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
