"""Refit a few parameters of the installed set after a mechanism change.

A new mechanism changes what some fitted values mean: ``council_grip`` was the share of its
attention a council turns into steering; with ``framework_release`` (the council lets go once
the frameworks are set, report §3.2) it is that share *while* the frameworks are being set.
The installed record's values of such parameters no longer belong to the model, and a full
calibration frees a different set of 15 (`priors.FREE`). This step refits only the named
parameters, every other one held at its installed value, with the calibration's own local
search (`polish.polish`: the penalised distance with the report's patterns, common random
numbers, legs on fresh seeds) started from the installed values, and scores the start and the
end as issue 14's acceptance figure (`acceptance.over_seeds`: median over 4 replication seeds of
the target figures inside the margin, every municipality).

The new record keeps the previous one's provenance (the ABC run behind every value not refitted)
and appends this step's own to its ``refits``. With ``--install`` it replaces the installed
set, as a new version, only if it passes `pipeline.install_refusal`: the report's patterns
hold in the acceptance runs, the record has at most 15 fitted values (so a refit of version
12's 34 is never installed), and it keeps at least as many figures inside as the installed
record says.

Usage: ``python -m govsim.experiments.calibration.refit council_grip framework_release
[--evaluations 400] [--replications 20] [--seeds 4] [--out FILE.json] [--install]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration.polish import timed_polish
from govsim.experiments.calibration.priors import PriorError, select_priors, split

REFIT_EVALUATIONS = 400
"""Default budget of the local search: a few parameters need far fewer than the 2,400 of a
full calibration's search over 15."""


def complete(
    point: Mapping[str, float], base: Mapping[str, float], instrument: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, float]]:
    """``point``'s values over the installed ``base`` and ``instrument``."""
    model_part, instrument_part = split(point)
    return {**base, **model_part}, {**instrument, **instrument_part}


def refit(
    names: Sequence[str],
    evaluations: int = REFIT_EVALUATIONS,
    replications: int = 20,
    seeds: int = acc.REPLICATION_SEEDS,
    n_procs: int = 2,
    municipalities: Sequence[str] | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Search ``names`` from their installed values, the rest held; score start and end.

    Args:
        names: Parameters (or instrument settings) to refit; each needs a declared prior.
        evaluations: The local search's budget (1: the start only).
        replications: Runs per acceptance seed.
        seeds: Acceptance seeds (`acceptance.replication_seeds` of its default seed).
        n_procs: Worker processes of the search.
        municipalities: Score on these only (None: all 388, as the acceptance figure); the
            search itself judges as a calibration's local search does (all 388 municipalities,
            the pattern jump and margin: `CalibrationSettings.judging_distance`).
        progress: Show the search's progress bar.

    Returns:
        ``names``, ``search`` (evaluations, moves, seconds, legs, distances), ``start`` and
        ``end`` (each its point and acceptance summary).

    Raises:
        PriorError: A name without a declared prior, or named twice.
    """
    from govsim.experiments.calibration.distance import select_cells

    if len(set(names)) != len(names) or not names:
        raise PriorError(f"name each parameter to refit once; got {list(names)}")
    priors = select_priors(list(names))
    settings = cal.CalibrationSettings(priors=tuple(p.name for p in priors))
    base, instrument = acc.installed_values()
    start = acc.installed_point(settings)
    result, search = timed_polish(
        start,
        settings,
        evaluations,
        n_procs=n_procs,
        progress=progress,
        base=base,
        instrument_base=instrument,
    )
    chosen = acc.replication_seeds(acc.DEFAULT_SEED, seeds)
    keys = list(select_cells()["key"])

    def score(point: Mapping[str, float]) -> dict[str, Any]:
        params, inst = complete(point, base, instrument)
        rows = acc.over_seeds(
            params,
            inst,
            replications=replications,
            seeds=chosen,
            fit_keys=keys,
            holdout_keys=[],
            municipalities=municipalities,
        )
        first = rows.iloc[0]
        return {
            **acc.summarise(rows),
            "target_figures": int(first["target_figures"]),
            "inside_margin": int(first["inside_margin"]),
            "share_inside_margin": float(first["share_inside_margin"]),
        }

    end = {k: round(float(v), 6) for k, v in result.point.items()}  # as the record stores it
    return {
        "names": [p.name for p in priors],
        "search": {**search, "legs": result.legs},
        "start": {"point": start, "acceptance": score(start)},
        "end": {"point": end, "acceptance": score(end)},
    }


def refit_record(outcome: Mapping[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """The installed record ``previous`` with the refitted values, as its next version.

    Its provenance is the previous one's (the run behind every value not refitted) with this
    step appended to its list of ``refits`` (earlier refits kept, oldest first); its ``fit`` is
    the refitted set's acceptance figure.
    """
    from govsim.provenance import code_label

    base, instrument = dict(previous["parameters"]), dict(previous["instrument"])
    model_part, instrument_part = split(outcome["end"]["point"])
    base.update(model_part)
    instrument.update(instrument_part)
    version = int(previous.get("version", 0)) + 1
    return {
        "version": version,
        "label": f"{previous.get('label', 'installed')}-refit-{dt.date.today():%Y%m%d}",
        "parameters": base,
        "instrument": instrument,
        "provenance": {
            **previous.get("provenance", {}),
            "refits": [
                *previous.get("provenance", {}).get("refits", []),
                {
                    "names": list(outcome["names"]),
                    "from_version": int(previous.get("version", 0)),
                    "from_label": previous.get("label"),
                    "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "code_version": code_label(),
                    "search": dict(outcome["search"]),
                    "start": dict(outcome["start"]["point"]),
                    "start_acceptance": dict(outcome["start"]["acceptance"]),
                },
            ],
        },
        "fit": dict(outcome["end"]["acceptance"]),
    }


def summary_line(outcome: Mapping[str, Any]) -> str:
    """One line: the refitted values and the figures inside before and after."""
    before, after = outcome["start"]["acceptance"], outcome["end"]["acceptance"]
    moved = ", ".join(
        f"{k} {outcome['start']['point'][k]:.3g} -> {v:.3g}"
        for k, v in outcome["end"]["point"].items()
    )
    return (
        f"refit {moved} ({outcome['search']['evaluations']} evaluations, "
        f"{outcome['search']['seconds']:.0f} s): figures inside the margin, "
        f"{acc.change_line(before, after)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Refit, print the summary, write the record if asked and install it if it fits as well."""
    from govsim.experiments.calibration import fit_report as fr
    from govsim.experiments.calibration.pipeline import install_refusal
    from govsim.model.parameters import CALIBRATED_PATH

    parser = argparse.ArgumentParser(
        prog="python -m govsim.experiments.calibration.refit",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("names", nargs="+", help="parameters to refit (each with a prior)")
    acc.add_search_arguments(parser, REFIT_EVALUATIONS)
    parser.add_argument("--out", default=None, help="write the new record (JSON) here")
    parser.add_argument(
        "--install",
        action="store_true",
        help=f"replace {CALIBRATED_PATH.name} if the refit passes the install checks",
    )
    args = parser.parse_args(argv)
    try:
        select_priors(args.names)
    except PriorError as exc:
        parser.exit(2, f"govsim refit: {exc}\n")
    previous = json.loads(CALIBRATED_PATH.read_text(encoding="utf-8"))
    outcome = refit(args.names, args.evaluations, args.replications, args.seeds, args.workers)
    print(summary_line(outcome))
    record = refit_record(outcome, previous)
    if args.out is not None:
        fr.write_json_atomic(Path(args.out), record)
        print(f"wrote {args.out}")
    if args.install:
        refusal = install_refusal(record)
        if refusal is not None:
            print(refusal, file=sys.stderr)
            return 1
        fr.write_json_atomic(CALIBRATED_PATH, record)
        print(f"installed version {record['version']} in {CALIBRATED_PATH}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
