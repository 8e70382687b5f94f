"""Which held-out figures a change of values carries, figure by figure.

`overfit` says how many of a gate's held-out figures a search over every prior gains; this says
which ones, and which single values carry them (docs/calibration.md §19). It scores the gate's
committed calibration (``docs/validation/<gate>/calibrated_parameters.json``), optionally the
end of an overfit search (``--end``, its JSON), and the calibration with each ``NAME=VALUE``
changed alone, all on the same replication seed (the first acceptance seed by default), so the
figures differ only by the values changed. The gate's figures are scored as the gate scores
them (all 388 municipalities, the margin of each figure).

Usage: ``python -m govsim.experiments.calibration.held_out_figures cross_domain
time_pressure_legal_pull=0.34 [--end docs/screen/overfit_cross_domain_v14.json] [--out F.csv]``
(about 4 s per variant).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration.overfit import (
    HELD_OUT_GATES,
    complete_point,
    gate_record,
    gate_settings,
    held_out_gate,
)
from govsim.experiments.calibration.priors import PRIOR_BY_NAME
from govsim.experiments.calibration.validation import gate_tables

FIGURE = ["item", "domain", "category"]


def parse_change(text: str) -> tuple[str, float]:
    """``NAME=VALUE`` as (name, value), the value inside the name's prior.

    Raises:
        ValueError: Not of that form, an unknown name, or a value outside the prior (one line
            that names the allowed range).
    """
    name, sep, raw = text.partition("=")
    if not sep:
        raise ValueError(f"{text!r}: expected NAME=VALUE, e.g. time_pressure_legal_pull=0.34")
    prior = PRIOR_BY_NAME.get(name)
    if prior is None:
        raise ValueError(
            f"{name!r} is not a parameter with a prior (see experiments/calibration/priors.py)"
        )
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{text!r}: {raw!r} is not a number") from None
    if not prior.low <= value <= prior.high:
        raise ValueError(f"{text!r}: {name} must lie in its prior [{prior.low:g}, {prior.high:g}]")
    return name, value


def variants(
    gate_name: str, changes: Sequence[str], end: Path | None = None
) -> dict[str, dict[str, float]]:
    """The points to score: ``start`` (the gate's calibration), ``end`` and one per change.

    Args:
        gate_name: One of `overfit.HELD_OUT_GATES`.
        changes: ``NAME=VALUE`` texts (`parse_change`), each applied alone to the start.
        end: An overfit outcome (JSON) of the same gate whose end point is scored as ``end``.
    """
    gate = held_out_gate(gate_name)
    start = acc.free_point(gate_settings(gate), *acc.record_point(gate_record(gate)))
    points = {"start": start}
    if end is not None:
        outcome = json.loads(Path(end).read_text(encoding="utf-8"))
        if outcome.get("gate") != gate_name:
            raise ValueError(
                f"{end}: an outcome of gate {outcome.get('gate')!r}, not {gate_name!r}"
            )
        points["end"] = {**start, **outcome["end"]["point"]}
    for text in changes:
        name, value = parse_change(text)
        points[f"{name}={value:g}"] = {**start, name: value}
    return points


def held_out_differences(
    gate_name: str,
    points: Mapping[str, Mapping[str, float]],
    replications: int = 20,
    seed: int = acc.DEFAULT_SEED,
    municipalities: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulated minus observed per held-out figure at each point, and a summary per point.

    Returns:
        (differences: one row per held-out figure, one column per point, and ``observed``;
        summary: per point the figures inside the margin, their number and the MAE).
    """
    gate = held_out_gate(gate_name)
    settings = gate_settings(gate)
    held = acc.record_point(gate_record(gate))
    first = acc.replication_seeds(seed, 1)
    columns, rows, observed = {}, [], None
    for name, point in points.items():
        params, instrument = complete_point(point, settings, held)
        tables = gate_tables(params, instrument, gate, replications, first, None, municipalities)
        _, table = next(iter(tables))
        out = table[table["group"] == "holdout"].set_index(FIGURE)
        columns[name] = out["difference"]
        observed = out["observed"]
        rows.append(
            {
                "point": name,
                "inside": int(out["within"].sum()),
                "figures": len(out),
                "mae_points": float(out["difference"].abs().mean()),
            }
        )
    differences = pd.DataFrame(columns).assign(observed=observed)
    return differences, pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the summary and the table; write the table as CSV if asked."""
    from govsim import argtypes
    from govsim.scenarios.atomic import write_text

    parser = argparse.ArgumentParser(
        prog="python -m govsim.experiments.calibration.held_out_figures",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("gate", choices=HELD_OUT_GATES)
    parser.add_argument("changes", nargs="*", metavar="NAME=VALUE")
    parser.add_argument("--end", type=Path, default=None, help="an overfit outcome (JSON)")
    parser.add_argument("--replications", type=argtypes.positive_int, default=20)
    parser.add_argument("--out", type=Path, default=None, help="write the table (CSV) here")
    args = parser.parse_args(argv)
    try:
        points = variants(args.gate, args.changes, args.end)
    except (ValueError, OSError, KeyError) as exc:
        print(f"held_out_figures: {exc}", file=sys.stderr)
        return 2
    differences, summary = held_out_differences(args.gate, points, args.replications)
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(differences.to_string(float_format=lambda v: f"{v:.1f}"))
    if args.out is not None:
        write_text(args.out, differences.to_csv(float_format="%.4f"))
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
