"""Every prior free on a gate's training figures: does the in-sample gain carry out of sample?

The installed record fits at most 15 values (version 14: 56.5 of 97 figures inside the
margin); the ceiling (`ceiling`) frees all 44 declared priors and reaches 71 from it (73.5 from
version 12, which fitted 34). Both are in-sample figures: they were fitted on the figures they
are scored on. This diagnostic asks the validation's question of that procedure
(docs/validation.md): start from a gate's own 15-parameter calibration (``docs/validation/<gate>/
calibrated_parameters.json``: fitted on the gate's training figures only), free every declared
prior, search with the calibration's own local search (`polish.polish`) on the training figures
only, and score the gate's in-sample and out-of-sample figures at the start and the end
(`validation.verdict`, per replication seed; the medians over the seeds). If the extra
parameters fit structure, the held-out figures improve with the fitted ones; if they fit noise
and the fitted figures' idiosyncrasies, the held-out figures get worse.

Usage: ``python -m govsim.experiments.calibration.overfit cross_domain [--evaluations 2400]
[--out docs/screen/overfit_cross_domain_v14.json]`` (about 8.5 minutes on two cores at the
defaults). The answer depends on the start: the held-out figures lost 9-12 points from the
gates of docs/calibration.md §16 and gained 11-12 from version 14's (§19).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration.polish import POLISH_EVALUATIONS, timed_polish
from govsim.experiments.calibration.priors import PRIOR_BY_NAME
from govsim.experiments.calibration.validation import (
    GATES,
    Gate,
    median_verdict,
    seed_verdicts,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"

HELD_OUT_GATES: tuple[str, ...] = tuple(g.name for g in GATES if g.out_group == "holdout")
"""The gates whose out-of-sample figures are target figures left out of the fit."""


def held_out_gate(gate_name: str) -> Gate:
    """The gate called ``gate_name``, one of `HELD_OUT_GATES`.

    Raises:
        ValueError: ``gate_name`` is not one of `HELD_OUT_GATES`.
    """
    if gate_name not in HELD_OUT_GATES:
        raise ValueError(f"gate must be one of {list(HELD_OUT_GATES)}, got {gate_name!r}")
    return next(g for g in GATES if g.name == gate_name)


def gate_settings(gate: Gate) -> cal.CalibrationSettings:
    """The calibration's settings with every declared prior free, fitted on ``gate``'s figures."""
    return cal.CalibrationSettings(
        priors=tuple(PRIOR_BY_NAME), targets=gate.targets, holdout=gate.holdout
    )


def gate_record(gate: Gate) -> Path:
    """The committed 15-parameter calibration of ``gate`` (docs/validation/<gate>/)."""
    return DOCS / "validation" / gate.name / "calibrated_parameters.json"


def complete_point(
    point: Mapping[str, float],
    settings: cal.CalibrationSettings,
    held: tuple[Mapping[str, float], Mapping[str, float]],
) -> tuple[dict[str, float], dict[str, float]]:
    """Model parameters and instrument settings (complete) at ``point``, the rest from ``held``.

    As the calibration's simulator builds them (`abc.SurveySimulator.parameters`, the tied
    settings of ``settings`` applied).
    """
    return cal.SurveySimulator(
        seed=settings.seed,
        tied=settings.tied_settings(),
        base=dict(held[0]),
        instrument_base=dict(held[1]),
    ).parameters(point)


def scores(
    point: Mapping[str, float],
    settings: cal.CalibrationSettings,
    gate: Gate,
    held: tuple[Mapping[str, float], Mapping[str, float]],
    replications: int,
    seeds: Sequence[int],
    municipalities: Sequence[str] | None = None,
) -> dict[str, Any]:
    """``gate``'s verdict at ``point``, the median over ``seeds`` (`validation.median_verdict`).

    Args:
        point: Values of the free parameters.
        settings: The run's settings (`gate_settings`).
        gate: The gate.
        held: Model parameters and instrument settings for everything ``point`` does not set.
        replications: Runs per seed.
        seeds: Replication seeds.
        municipalities: Simulate only these (None: all 388, as the gates score).
    """
    params, instrument = complete_point(point, settings, held)
    verdicts = seed_verdicts(
        params, instrument, gate, replications, seeds, municipalities=municipalities
    )
    return {"seeds": [int(s) for s in seeds], **median_verdict(verdicts, gate)}


def reach(
    gate_name: str,
    evaluations: int = POLISH_EVALUATIONS,
    replications: int = 20,
    seeds: int = acc.REPLICATION_SEEDS,
    n_procs: int = 2,
    record: Path | None = None,
    municipalities: Sequence[str] | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Free every prior from ``gate_name``'s calibration, fit its training figures, score both.

    Args:
        gate_name: One of `HELD_OUT_GATES`.
        evaluations: The local search's budget (1: the start only).
        replications: Runs per seed.
        seeds: Replication seeds (`acceptance.replication_seeds` of its default seed).
        n_procs: Worker processes of the search.
        record: The start (default `gate_record`); parameters it lacks take declared values.
        municipalities: Score on these only (None: all 388); the search judges as a
            calibration does (all 388, the pattern jump and margin).
        progress: Show the search's progress bar.

    Returns:
        ``gate``, ``record``, ``free`` (the names), ``search``, ``start`` and ``end`` (each its
        point and `scores`) and ``provenance`` (`govsim.provenance.record`).

    Raises:
        ValueError: ``gate_name`` is not one of `HELD_OUT_GATES`.
    """
    from govsim import provenance

    gate = held_out_gate(gate_name)
    path = gate_record(gate) if record is None else Path(record)
    held = acc.record_point(path)
    settings = gate_settings(gate)
    start = acc.free_point(settings, *held)
    result, search = timed_polish(
        start,
        settings,
        evaluations,
        n_procs=n_procs,
        progress=progress,
        base=held[0],
        instrument_base=held[1],
    )
    chosen = acc.replication_seeds(acc.DEFAULT_SEED, seeds)
    end = {k: float(v) for k, v in result.point.items()}
    return {
        "gate": gate.name,
        "record": path.relative_to(DOCS.parent).as_posix()
        if path.is_relative_to(DOCS.parent)
        else str(path),
        "free": list(start),
        "search": search,
        "start": {
            "point": start,
            "scores": scores(start, settings, gate, held, replications, chosen, municipalities),
        },
        "end": {
            "point": end,
            "scores": scores(end, settings, gate, held, replications, chosen, municipalities),
        },
        "provenance": provenance.record(
            seeds={"search": settings.seed + 3, "replications": chosen}
        ),
    }


def summary_line(outcome: Mapping[str, Any]) -> str:
    """One line: in-sample and out-of-sample share inside at the start and the end."""
    start, end = outcome["start"]["scores"], outcome["end"]["scores"]

    def side(name: str) -> str:
        a, b = start[name], end[name]
        return (
            f"{name.replace('_', '-')} ({a['figures']} figures) {a['share_inside']:.0%}"
            f" -> {b['share_inside']:.0%}, MAE {a['mae_points']:.1f} -> {b['mae_points']:.1f}"
        )

    search = outcome["search"]
    return (
        f"{outcome['gate']}: {len(outcome['free'])} parameters free from the gate's calibration, "
        f"local search {search['evaluations']} evaluations ({search['moves']} moves, "
        f"{search['seconds']:.0f} s); medians over {len(end['seeds'])} seeds: "
        f"{side('in_sample')}; {side('out_of_sample')}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the search for one gate, print the summary line, write the outcome if asked."""
    from govsim.scenarios.atomic import write_text

    parser = argparse.ArgumentParser(
        prog="python -m govsim.experiments.calibration.overfit",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("gate", choices=HELD_OUT_GATES)
    acc.add_search_arguments(parser, POLISH_EVALUATIONS)
    parser.add_argument("--out", type=Path, default=None, help="write the outcome (JSON) here")
    args = parser.parse_args(argv)
    try:
        outcome = reach(args.gate, args.evaluations, args.replications, args.seeds, args.workers)
    except ValueError as exc:  # the gate's calibration cannot be read
        hint = f"run the gate first (validation --gates {args.gate})"
        print(f"overfit: {exc}; {hint}", file=sys.stderr)
        return 2
    print(summary_line(outcome))
    if args.out is not None:
        write_text(args.out, json.dumps(outcome, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
