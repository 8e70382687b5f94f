"""Which free parameters the survey can inform: a Morris screen of the survey distance.

Issue 14 asks for at most 15 free parameters, the rest fixed "from the report, cited facts or a
sensitivity screen that shows they barely matter". This module is that screen: Morris
elementary effects (SALib, `experiments.sensitivity.morris_table`) of the survey distance
(`experiments.calibration.distance.SurveyDistance`, margin weighting) over the candidates'
prior ranges, every point simulated through the one survey path (`simulate_survey`: all
municipalities, response-weighted, answers expected over the noise) with common random numbers,
so an elementary effect is the parameter's and not the seed's.

The distance is screened three times: over every target figure, over the social-domain (3D)
figures and over the physical-domain (Omgevingswet) figures. A parameter that moves only one
domain's figures ranks on that domain's screen (`importance`), so a physical-only parameter is
not dropped because the 3D figures outnumber the physical ones.

Usage: ``python -m govsim.experiments.calibration.screen [--trajectories 12] [--workers 2]
[--out docs/screen]``; prints the table and the free set it implies.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from govsim.experiments.calibration.distance import SurveyDistance, fit_cells, simulated_statistics
from govsim.experiments.calibration.priors import PRIOR_BY_NAME, Prior, split
from govsim.experiments.survey.simulate import simulate_survey

DOMAIN_SCREENS: tuple[str, ...] = ("all", "social", "physical")
"""The three distances screened: every target figure, then each domain's figures."""

MAX_FREE = 15
"""At most this many free parameters (issue 14)."""

PATTERNS_KEY = "patterns_broken"
"""Key of `survey_distances`' count of broken pattern checks (with ``patterns=True``)."""


@dataclass(frozen=True)
class ScreenPoint:
    """One point of the Morris design, picklable for a worker process.

    Attributes:
        values: The candidates' values at this point.
        seed: The common seed of every point (common random numbers).
        municipalities: Optional subset of municipalities (tests); all 388 by default.
    """

    values: Mapping[str, float]
    seed: int
    municipalities: tuple[str, ...] | None = None


def distances(point: ScreenPoint) -> dict[str, float]:
    """The survey distance of one point, over all figures and per domain.

    Parameters the point does not set take their declared defaults (not an installed fit's).
    """
    from govsim.experiments.calibration.abc import full_instrument
    from govsim.model.parameters import defaults

    model_part, instrument = split(dict(point.values))
    return survey_distances(
        {**defaults(calibrated=False), **model_part},
        full_instrument(instrument),
        point.seed,
        point.municipalities,
    )


def survey_distances(
    params: Mapping[str, float],
    instrument: Mapping[str, float],
    seed: int,
    municipalities: Sequence[str] | None = None,
    patterns: bool = False,
) -> dict[str, float]:
    """The survey distance at complete ``params`` and ``instrument``, per `DOMAIN_SCREENS`.

    Margin weighting; every municipality interviewed, answers expected over the noise, so that
    two points with the same ``seed`` differ only by their values (common random numbers).
    With ``patterns``, also ``PATTERNS_KEY``: how many of the report's pattern checks the same
    run breaks in the survey month (`abc.pattern_shortfalls`).
    """
    survey = simulate_survey(
        dict(params),
        dict(instrument),
        seed,
        municipalities=municipalities,
        sample="all",
        weighting="response",
        expected=True,
        collect=patterns,
    )
    stats = simulated_statistics(survey.table)
    cells = fit_cells()
    observed = dict(zip(cells["key"], cells["share"].astype(float), strict=True))
    out = {}
    for name in DOMAIN_SCREENS:
        chosen = cells if name == "all" else cells[cells["domain"] == name]
        out[name] = SurveyDistance(chosen)(stats, observed)
    if patterns:
        from govsim.experiments.calibration.abc import pattern_violations

        out[PATTERNS_KEY] = float(len(pattern_violations(survey.model)))
    return out


def problem(priors: Sequence[Prior]) -> dict:
    """SALib problem of the candidates: their names and prior bounds."""
    return {
        "num_vars": len(priors),
        "names": [p.name for p in priors],
        "bounds": [[p.low, p.high] for p in priors],
    }


def screen(
    priors: Sequence[Prior],
    trajectories: int = 12,
    seed: int = 20170801,
    workers: int = 1,
    municipalities: Sequence[str] | None = None,
    levels: int = 4,
) -> pd.DataFrame:
    """Morris indices of the survey distance for ``priors``; one row per parameter.

    Returns:
        Columns ``parameter``, ``mu_star_<screen>`` and ``mu_star_conf_<screen>`` for each of
        `DOMAIN_SCREENS`, ``importance`` (the largest mu* relative to its screen's largest, 0-1)
        and ``rank`` (1 = most important), sorted by rank.
    """
    from SALib.sample import morris as morris_sample

    from govsim.experiments.sensitivity import morris_table

    prob = problem(priors)
    x = morris_sample.sample(prob, trajectories, num_levels=levels, seed=seed)
    panel = tuple(municipalities) if municipalities else None
    points = [ScreenPoint(dict(zip(prob["names"], row, strict=True)), seed, panel) for row in x]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(distances, points, chunksize=4))
    else:
        results = [distances(p) for p in points]
    frame = pd.DataFrame({"parameter": prob["names"]})
    for name in DOMAIN_SCREENS:
        y = np.array([r[name] for r in results])
        table = morris_table(prob, x, y, levels=levels, seed=seed).set_index("factor")
        frame[f"mu_star_{name}"] = table.loc[prob["names"], "mu_star"].to_numpy()
        frame[f"mu_star_conf_{name}"] = table.loc[prob["names"], "mu_star_conf"].to_numpy()
    relative = np.column_stack(
        [frame[f"mu_star_{n}"] / max(frame[f"mu_star_{n}"].max(), 1e-12) for n in DOMAIN_SCREENS]
    )
    frame["importance"] = relative.max(axis=1)
    frame = frame.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    return frame


def free_set(
    table: pd.DataFrame,
    limit: int = MAX_FREE,
    *,
    keepers: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> list[str]:
    """The ``limit`` parameters a screen's table puts first, in rank order.

    Either screen's: `screen` (Morris) or `local_screen.fixing_costs`. The ``keepers`` (the
    parameters the report's patterns need at the fit, `local_screen.pattern_keepers`) come
    first, then the rest by rank; the ``excluded`` (parameters a calibration could not
    inform, `priors.NOT_INFORMED`) are left out unless they are keepers. A noise split off
    another (`experiments.survey.items.SPLIT_FROM`: ``change_noise`` and ``importance_noise``
    off ``answer_noise``) is free only with its source: a run that fits none of the figures a
    split-off noise reads ties it to its source (`CalibrationSettings.tied_settings`; Table 5
    held out ties ``change_noise``), and a source left at its declared placeholder would make
    that hold-out read its figures with the placeholder. Where a chosen split-off's source is
    not among the ``limit``, the source takes the place of the last chosen parameter that no
    chosen split-off needs as its source.
    """
    from govsim.experiments.survey.items import SPLIT_FROM

    ranked = table.sort_values("rank")["parameter"].tolist()
    first = [n for n in ranked if n in set(keepers)]
    left_out = set(first) | set(excluded)
    priority = first + [n for n in ranked if n not in left_out]
    chosen = priority[:limit]
    for _ in range(limit):
        needed = {SPLIT_FROM[n] for n in chosen if n in SPLIT_FROM}
        missing = [s for s in needed if s not in chosen]
        if not missing:
            break
        drop = next(n for n in reversed(chosen) if n not in needed)
        chosen = [n for n in chosen if n != drop] + [min(missing, key=ranked.index)]
    return [n for n in ranked if n in chosen]


def exchange(
    free: Sequence[str],
    costs: pd.DataFrame,
    gains: pd.DataFrame,
    *,
    keepers: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> list[str]:
    """A free set after one exchange at its own fit: the best fixed parameter in, the cheapest out.

    Both screens are measured at the fit of ``free``: ``costs`` is `local_screen.fixing_costs`
    (what a free parameter costs when it goes back to its declared value), ``gains`` is
    `gain_screen.freeing_gains` (what a fixed one gains alone over its prior). The fixed
    parameter with the largest gain on all figures that breaks no pattern at its best value,
    is not ``excluded`` and whose source noise is free (`SPLIT_FROM`) takes the place of the
    free parameter that costs least on all figures, unless that one is one of the ``keepers``
    (the patterns need it) or is the source of a split-off noise free after the exchange —
    and only when the gain is larger than the cost. One exchange per pair of screens: after it
    the fit moves, and both screens must be measured again at the new fit.

    Args:
        free: The free set the screens were measured at.
        costs: The local screen's table at that fit (``parameter``, ``cost_all``).
        gains: The gain screen's table at that fit (``parameter``, ``gain_all``,
            ``patterns``).
        keepers: Free parameters the report's patterns need at that fit
            (`local_screen.pattern_keepers`).
        excluded: Parameters a calibration could not inform (`priors.NOT_INFORMED`).

    Returns:
        The free set, in ``free``'s order with the newcomer in the leaver's place; ``free``
        unchanged when no exchange pays.
    """
    from govsim.experiments.survey.items import SPLIT_FROM

    chosen = list(free)
    comers = gains[
        ~gains["parameter"].isin(set(chosen) | set(excluded))
        & (gains["patterns"] <= 0)
        & gains["parameter"].map(lambda n: n not in SPLIT_FROM or SPLIT_FROM[n] in chosen)
    ].sort_values("gain_all", ascending=False, kind="stable")
    if comers.empty:
        return chosen
    comer, gain = comers.iloc[0][["parameter", "gain_all"]]
    sources = {SPLIT_FROM[n] for n in (*chosen, comer) if n in SPLIT_FROM}
    leavers = costs[
        costs["parameter"].isin(chosen) & ~costs["parameter"].isin(set(keepers) | sources)
    ].sort_values("cost_all", kind="stable")
    if leavers.empty:
        return chosen
    out, cost = leavers.iloc[0][["parameter", "cost_all"]]
    if gain <= cost:
        return chosen
    chosen[chosen.index(out)] = comer
    return chosen


def show_and_write(
    table: pd.DataFrame,
    folder: Path | None,
    name: str,
    keepers: Sequence[str] = (),
    excluded: Sequence[str] = (),
) -> None:
    """Print a screen's table and its `free_set`; write the table to ``folder/name``."""
    from govsim.scenarios.atomic import atomic_path

    with pd.option_context("display.width", 160, "display.max_rows", 100):
        print(table.round(3).to_string(index=False))
    print("free set:", ", ".join(free_set(table, keepers=keepers, excluded=excluded)))
    if folder is not None:
        with atomic_path(folder / name) as tmp:
            table.to_csv(tmp, index=False)


def main(argv: Sequence[str] | None = None) -> None:
    """Screen every candidate parameter and print the table and the free set."""
    from govsim.experiments.calibration.priors import CANDIDATES, PRIORS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trajectories", type=int, default=12)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--seed", type=int, default=20170801)
    parser.add_argument("--out", type=Path, default=None, help="write screen.csv here")
    args = parser.parse_args(argv)
    names = dict.fromkeys(p.name for p in (*PRIORS, *CANDIDATES))
    priors = [PRIOR_BY_NAME[n] for n in names]
    table = screen(priors, args.trajectories, args.seed, args.workers)
    show_and_write(table, args.out, "screen.csv")


if __name__ == "__main__":
    main()
