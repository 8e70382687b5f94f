"""How far the model gets with every declared prior free: the reach behind issue 14's 80%.

Issue 14 asks for at most 15 free parameters *and* at least 80% of the 97 target figures inside
the survey's margin. The 15 of `priors.FREE` reach 51.5-56.5 of 97 (version 14, installed:
56.5), version 12 (29 model parameters and 5 instrument settings fitted) 66.5
(docs/calibration.md §15-§19). This diagnostic asks what the model can reach at all, with the
same tools: every parameter that has a declared prior (`priors.PRIOR_BY_NAME`, model and
instrument) free, the calibration's own local search (`polish.polish`: the penalised distance
with the report's patterns, common random numbers, legs on fresh seeds) started from the
installed values, and the result scored as the acceptance figure is (`acceptance.over_seeds`:
the median over 4 replication seeds of figures inside the margin, every municipality). It fits
parameters, not mechanisms, and it is not installed: a set with every parameter free is what
issue 14 asks to avoid. It measures how much of the gap to 80% the parameters can close, in
sample; whether what they close carries to figures not fitted is `overfit`'s question (from
§16's gates it did not; from version 14's it does in part, short of the gates, §19).

Usage: ``python -m govsim.experiments.calibration.ceiling [--evaluations 2400] [--replications
20] [--out docs/screen/ceiling.json]`` (5-8 minutes on two cores at the defaults).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration.polish import POLISH_EVALUATIONS, timed_polish
from govsim.experiments.calibration.priors import PRIOR_BY_NAME


def all_free_settings() -> cal.CalibrationSettings:
    """The calibration's settings with every parameter that has a declared prior free."""
    return cal.CalibrationSettings(priors=tuple(PRIOR_BY_NAME))


def acceptance_at(
    point: Mapping[str, float],
    settings: cal.CalibrationSettings,
    replications: int,
    seeds: Sequence[int],
    municipalities: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The acceptance figure at ``point`` (every target figure; `acceptance.summarise`).

    The point completes as the calibration completes a particle (`abc.SurveySimulator.parameters`:
    declared values for the rest, tied instrument settings).
    """
    params, instrument = cal.SurveySimulator(
        seed=settings.seed, tied=settings.tied_settings()
    ).parameters(point)
    rows = acc.over_seeds(
        params,
        instrument,
        replications=replications,
        seeds=seeds,
        fit_keys=list(settings.fit_cells()["key"]),
        holdout_keys=[],
        municipalities=municipalities,
    )
    return acc.summarise(rows)


def reach(
    evaluations: int = POLISH_EVALUATIONS,
    replications: int = 20,
    seeds: int = acc.REPLICATION_SEEDS,
    n_procs: int = 2,
    municipalities: Sequence[str] | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Search with every prior free from the installed values; score start and end alike.

    Args:
        evaluations: The local search's budget of evaluated parameter sets (1: the start only).
        replications: Runs per acceptance seed.
        seeds: Acceptance seeds (`acceptance.replication_seeds` of its default seed).
        n_procs: Worker processes of the search.
        municipalities: Score on these only (None: all 388, as the acceptance figure); the
            search judges as a calibration does (all 388, the pattern jump and margin).
        progress: Show the search's progress bar.

    Returns:
        ``free`` (the names), ``search`` (evaluations, moves, seconds, the distances at the
        start and the end on their own legs' seeds), ``installed`` and ``all_free`` (each its
        acceptance summary and point) and ``provenance`` (`govsim.provenance.record`).
    """
    from govsim import provenance

    settings = all_free_settings()
    start = acc.installed_point(settings)
    result, search = timed_polish(start, settings, evaluations, n_procs=n_procs, progress=progress)
    chosen = acc.replication_seeds(acc.DEFAULT_SEED, seeds)
    return {
        "free": list(start),
        "search": search,
        "installed": {
            "acceptance": acceptance_at(start, settings, replications, chosen, municipalities),
            "point": start,
        },
        "all_free": {
            "acceptance": acceptance_at(
                result.point, settings, replications, chosen, municipalities
            ),
            "point": {k: float(v) for k, v in result.point.items()},
        },
        "provenance": provenance.record(
            seeds={"search": settings.seed + 3, "replications": chosen}
        ),
    }


def summary_line(outcome: Mapping[str, Any]) -> str:
    """One line: figures inside at the installed values and with every prior free."""
    before, after = outcome["installed"]["acceptance"], outcome["all_free"]["acceptance"]
    search = outcome["search"]
    return (
        f"{len(outcome['free'])} parameters free, local search {search['evaluations']} "
        f"evaluations ({search['moves']} moves, {search['seconds']:.0f} s): figures inside the "
        f"margin, {acc.change_line(before, after, ' at the installed values')}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the search, print the summary line, write the outcome as JSON if asked."""
    from govsim.scenarios.atomic import write_text

    parser = argparse.ArgumentParser(
        prog="python -m govsim.experiments.calibration.ceiling",
        description=__doc__.splitlines()[0],
    )
    acc.add_search_arguments(parser, POLISH_EVALUATIONS)
    parser.add_argument("--out", type=Path, default=None, help="write the outcome (JSON) here")
    args = parser.parse_args(argv)
    outcome = reach(args.evaluations, args.replications, args.seeds, args.workers)
    print(summary_line(outcome))
    if args.out is not None:
        text = json.dumps(outcome, indent=1, ensure_ascii=False) + "\n"
        write_text(args.out, text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
