"""What freeing each fixed parameter would gain at a fitted point: the local screen's mirror.

The local screen (`local_screen.fixing_costs`) asks what a fitted parameter costs when it goes
back to its declared value. At a fit with the issue-14 free set every other parameter already
sits at its declared value, so that screen can no longer say which of them a free set misses.
This one asks the other question: at the fitted point, how much lower can the survey distance
go when one fixed parameter alone moves over its prior (a grid of ``--grid`` values from the
prior's lower to its upper bound), everything else held? The answer is a lower bound on what
freeing it buys: a calibration moves the others with it.

Same distance and runs as the local screen (`screen.survey_distances`: margin weighting, every
municipality, answers expected over the noise, common random numbers per seed, mean over
``--seeds`` seeds), over all target figures and per domain, and the report's pattern checks
broken in the same runs (column ``patterns``: at the grid value best on all figures, beyond the
fitted point's). A gain bought by breaking a pattern is not one a calibration may keep.

Caveat as the local screen's: the fitted point saw every target figure, so what this screen
ranks has seen the figures the out-of-sample gates hold out.

Usage: ``python -m govsim.experiments.calibration.gain_screen [--record FILE] [--grid 6]
[--seeds 4] [--workers 2] [--out docs/screen]``; prints the table (``gain_screen.csv``).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from govsim.experiments.calibration.local_screen import (
    add_point_arguments,
    fitted_point,
    mean_distances,
)
from govsim.experiments.calibration.screen import DOMAIN_SCREENS, PATTERNS_KEY

DEFAULT_GRID = 6
"""Values per parameter, evenly spaced from the prior's lower to its upper bound."""


def grid(low: float, high: float, size: int) -> list[float]:
    """``size`` values evenly spaced from ``low`` to ``high`` (both included)."""
    return [float(v) for v in np.linspace(low, high, size)]


def freeing_gains(
    params: Mapping[str, float],
    instrument: Mapping[str, float],
    candidates: Mapping[str, Sequence[float]],
    seeds: Sequence[int],
    municipalities: Sequence[str] | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """The gain, per candidate, of moving it alone over its grid at a fitted point.

    Args:
        params: Every model parameter at the fitted point.
        instrument: Every instrument setting at the fitted point.
        candidates: Parameter or instrument name -> the values to try.
        seeds: Seeds to average over; each seed's distances use that seed throughout.
        municipalities: Simulate only these (tests); all 388 by default.
        workers: Processes to simulate in.

    Returns:
        One row per candidate: ``parameter``, ``at_fit``, ``gain_<screen>`` for each of
        `DOMAIN_SCREENS` (the fitted point's mean distance less the smallest mean over the
        grid; 0 when no grid value beats the point), ``best`` (the grid value with the largest
        gain on all figures; the fitted value when none gains), ``patterns`` (the pattern
        checks broken at ``best`` beyond the fitted point's, mean over seeds) and ``rank``
        (1 = largest gain on all figures), sorted by rank.
    """
    moves = [(name, float(v)) for name, values in candidates.items() for v in values]
    base, moved = mean_distances(params, instrument, moves, seeds, municipalities, workers)
    at_grid = dict(zip(moves, moved, strict=True))
    rows = []
    for name, values in candidates.items():
        scored = [at_grid[(name, float(v))] for v in values]
        gains = {n: max(0.0, base[n] - min(s[n] for s in scored)) for n in DOMAIN_SCREENS}
        at_fit = instrument[name] if name in instrument else params[name]
        best_j = int(np.argmin([s["all"] for s in scored]))
        improved = gains["all"] > 0
        rows.append(
            {
                "parameter": name,
                "at_fit": float(at_fit),
                **{f"gain_{n}": gains[n] for n in DOMAIN_SCREENS},
                "best": float(values[best_j]) if improved else float(at_fit),
                "patterns": scored[best_j][PATTERNS_KEY] - base[PATTERNS_KEY] if improved else 0.0,
            }
        )
    frame = pd.DataFrame(rows).sort_values("gain_all", ascending=False, kind="stable")
    frame = frame.reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


def main(argv: Sequence[str] | None = None) -> int:
    """Screen every fixed parameter with a prior at a fitted record; print and write the table."""
    from govsim import argtypes
    from govsim.experiments.calibration.acceptance import replication_seeds
    from govsim.experiments.calibration.priors import CANDIDATES
    from govsim.scenarios.atomic import atomic_path

    parser = argparse.ArgumentParser(
        prog="python -m govsim.experiments.calibration.gain_screen",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("--grid", type=argtypes.positive_int, default=DEFAULT_GRID)
    add_point_arguments(parser, "gain_screen.csv")
    args = parser.parse_args(argv)
    if args.grid < 2:
        parser.exit(2, "error: --grid needs at least 2 values (the prior's two bounds)\n")
    params, instrument = fitted_point(parser, args.record)
    candidates = {p.name: grid(p.low, p.high, args.grid) for p in CANDIDATES}
    table = freeing_gains(
        params,
        instrument,
        candidates,
        replication_seeds(args.seed, args.seeds),
        workers=args.workers,
    )
    with pd.option_context("display.width", 160, "display.max_rows", 100):
        print(table.round(3).to_string(index=False))
    if args.out is not None:
        with atomic_path(args.out / "gain_screen.csv") as tmp:
            table.to_csv(tmp, index=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
