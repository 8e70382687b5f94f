"""``govsim experiment``: run, query and analyse batch experiments.

`register` adds ``experiment`` with its subcommands to the ``govsim`` parser (govsim/cli.py)::

    govsim experiment run SPEC --out DIR [--workers K] [--dask | --scheduler ADDR] [--chunk N]
    govsim experiment query DIR "SQL" [--format table|csv]
    govsim experiment sensitivity DIR --outcome NAME [--method morris|sobol]
    govsim experiment discover DIR --outcome NAME --threshold X [--above | --below]

Mistakes (a broken spec, a folder of another experiment, bad SQL, an unknown outcome) are
printed as one paragraph on stderr with exit code 2, never a traceback, by the subcommands
themselves. ``python -m govsim.experiments.cli ...`` runs the same commands without the ``govsim``
entry point.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from govsim import argtypes
from govsim.experiments.spec import ExperimentError
from govsim.model.calendar import CalendarError
from govsim.model.parameters import ParameterError
from govsim.model.timeline import TimelineError
from govsim.scenarios.scenario import ScenarioError

USER_ERRORS: tuple[type[Exception], ...] = (
    ExperimentError,
    ScenarioError,
    ParameterError,
    TimelineError,
    CalendarError,
)


def _guard(name: str, func: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except USER_ERRORS as exc:
            from govsim.cli import one_paragraph

            print(f"govsim experiment {name}: {one_paragraph(str(exc))}", file=sys.stderr)
            return 2

    return run


# ---------------------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    """``govsim experiment run``."""
    from govsim.experiments.run import run_experiment

    command = ["govsim", "experiment", "run", args.spec, "--out", args.out]
    if not args.scheduler:  # a remote cluster has CPUs of its own
        args.workers, capped = argtypes.capped_workers(args.workers, "experiment run")
        if capped:
            print(capped, file=sys.stderr)
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.dask:
        command.append("--dask")
    if args.scheduler:
        command += ["--scheduler", args.scheduler]
    if args.chunk:
        command += ["--chunk", str(args.chunk)]
    report = run_experiment(
        args.spec,
        args.out,
        workers=args.workers,
        dask=args.dask,
        scheduler=args.scheduler,
        chunk=args.chunk,
        progress=not args.no_progress,
        command=command,
        log=lambda message: print(message, flush=True),
        yes=args.yes,
    )
    print(report.summary())
    print(f"manifest: {report.out_dir / 'manifest.json'}")
    print(f'query:    govsim experiment query {report.out_dir} "SELECT * FROM runs LIMIT 5"')
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """``govsim experiment query``."""
    from govsim.experiments.store import ExperimentStore, query

    frame = query(args.dir, args.sql)
    note = ExperimentStore(args.dir).incomplete_note()
    if note:
        print(note, file=sys.stderr)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False, lineterminator="\n")
        return 0
    if frame.empty:
        print(f"(no rows; columns: {', '.join(map(str, frame.columns))})")
        return 0
    print(frame.to_string(index=False, max_rows=args.max_rows))
    print(f"({len(frame)} row{'s' if len(frame) != 1 else ''})")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``govsim experiment sensitivity``."""
    from govsim.experiments.sensitivity import format_table, sensitivity

    if args.resamples < 2:  # one resample gives no spread: NaN intervals and numpy warnings
        raise ExperimentError(
            f"--resamples must be at least 2 for a bootstrap confidence interval, got "
            f"{args.resamples}"
        )
    result = sensitivity(
        args.dir,
        args.outcome,
        args.method,
        conf_level=args.conf_level,
        resamples=args.resamples,
        seed=args.seed,
    )
    level = f"{args.conf_level:.0%}"
    what = "mu* and its" if result.method == "morris" else "S1, ST and their"
    print(
        f"{result.method.capitalize()} indices of {result.outcome} ({what} {level} "
        "confidence half-widths):"
    )
    print(format_table(result))
    if result.second_order is not None:
        print("\nsecond order:")
        print(result.second_order.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(f"\nmost influential: {result.dominant()}")
    for path in result.files:
        print(f"wrote {path}")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    """``govsim experiment discover``."""
    from govsim.experiments.discovery import discover
    from govsim.experiments.store import ExperimentStore

    note = ExperimentStore(args.dir).incomplete_note()
    if note:
        print(note, file=sys.stderr)
    result = discover(
        args.dir,
        args.outcome,
        args.threshold,
        above=not args.below,
        min_coverage=args.min_coverage,
        box=args.box,
        peel_alpha=args.peel_alpha,
    )
    box = result.box
    print(
        f"{box.n_interest} of {box.n_runs} runs have {result.outcome} "
        f"{'≥' if result.above else '≤'} {result.threshold:g}; PRIM trajectory of "
        f"{len(box.trajectory)} boxes, chosen box {box.chosen}:"
    )
    shown = box.trajectory.rename_axis("box")
    print(shown.to_string(float_format=lambda v: f"{v:.3f}", max_rows=12))
    print()
    print(box.limits.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print()
    print(f"NL: {result.statements['nl']}")
    print(f"EN: {result.statements['en']}")
    for path in result.files:
        print(f"wrote {path}")
    return 0


# ---------------------------------------------------------------------------- parser
def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``experiment`` and its subcommands to ``subparsers`` (of `add_subparsers`)."""
    p = subparsers.add_parser(
        "experiment",
        help="batch experiments: run a spec, query results, sensitivity, scenario discovery",
        description="Batch experiments for researchers (docs/experiments.md): sweeps and "
        "samples from a TOML spec, resumable Parquet results, DuckDB queries, Morris/Sobol "
        "sensitivity analysis and PRIM scenario discovery.",
    )
    sub = p.add_subparsers(dest="experiment_command", required=True, metavar="SUBCOMMAND")

    r = sub.add_parser(
        "run",
        help="run (or resume) an experiment spec",
        description="Run every design point of SPEC (replications with seeds from the spec's "
        "root seed) and stream results into DIR as Parquet chunks plus manifest.json. Running "
        "the same command again resumes: completed runs are skipped, the rest is run. A broken "
        "spec is reported before anything is written.",
    )
    r.add_argument("spec", metavar="SPEC", help="experiment spec (.toml; see experiments/specs/)")
    r.add_argument("--out", required=True, metavar="DIR", help="experiment folder")
    r.add_argument(
        "--workers",
        "-j",
        type=argtypes.positive_int,
        default=None,
        help="worker processes (default: the number of CPUs; 1 runs in this process)",
    )
    where = r.add_mutually_exclusive_group()
    where.add_argument(
        "--dask",
        action="store_true",
        help="start a local Dask cluster of --workers single-threaded processes",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        type=argtypes.scheduler,
        default=None,
        help="use the existing Dask cluster at ADDRESS (tcp://host:8786)",
    )
    r.add_argument(
        "--chunk",
        type=argtypes.positive_int,
        default=None,
        metavar="N",
        help="runs per batch and per chunk file (default: the runner's choice)",
    )
    r.add_argument("--no-progress", action="store_true", help="no progress bar")
    r.add_argument(
        "--yes",
        action="store_true",
        help="run even if the estimated duration is above 6 hours (an experiment of 1,000 or "
        "more runs times one run first)",
    )
    r.set_defaults(func=_guard("run", cmd_run))

    q = sub.add_parser(
        "query",
        help="SQL (DuckDB) over an experiment's results",
        description="Answer SQL with DuckDB over the views runs (one row per run: run_id, "
        "point, replication, seed, factors, outcomes, wall_time), series (one row per run and "
        "kept month; only if the spec keeps series) and points (the design).",
    )
    q.add_argument("dir", metavar="DIR", help="experiment folder")
    q.add_argument("sql", metavar="SQL", help='e.g. "SELECT count(*) FROM runs"')
    q.add_argument("--format", choices=("table", "csv"), default="table")
    q.add_argument(
        "--max-rows", type=argtypes.positive_int, default=100, help="rows shown in a table"
    )
    q.set_defaults(func=_guard("query", cmd_query))

    s = sub.add_parser(
        "sensitivity",
        help="Morris or Sobol indices of an outcome, with confidence intervals",
        description="Morris (mu*, sigma) or Sobol (S1, ST, S2) indices with bootstrap "
        "confidence intervals (SALib) of one outcome; printed, and written to DIR/analysis as "
        "CSV and PNG. Needs a complete experiment with a morris or sobol design.",
    )
    s.add_argument("dir", metavar="DIR", help="experiment folder")
    s.add_argument("--outcome", required=True, metavar="NAME", help="outcome column of runs")
    s.add_argument(
        "--method", choices=("morris", "sobol"), default=None, help="default: the design's method"
    )
    s.add_argument("--conf-level", type=float, default=0.95, help="default 0.95")
    s.add_argument(
        "--resamples", type=argtypes.positive_int, default=1000, help="bootstrap resamples"
    )
    s.add_argument("--seed", type=argtypes.seed, default=0, help="bootstrap seed")
    s.set_defaults(func=_guard("sensitivity", cmd_sensitivity))

    d = sub.add_parser(
        "discover",
        help="PRIM scenario discovery: which factor ranges give an outcome",
        description="Mark runs whose outcome is at least (--above, default) or at most "
        "(--below) the threshold and find, with PRIM (EMA Workbench), the factor ranges where "
        "they concentrate. Prints the coverage/density trade-off and the chosen box in Dutch "
        "and English; writes a plot, the trajectory and the box to DIR/analysis.",
    )
    d.add_argument("dir", metavar="DIR", help="experiment folder")
    d.add_argument("--outcome", required=True, metavar="NAME", help="outcome column of runs")
    d.add_argument("--threshold", required=True, type=float, metavar="X")
    side = d.add_mutually_exclusive_group()
    side.add_argument("--above", action="store_true", help="outcome ≥ X (default)")
    side.add_argument("--below", action="store_true", help="outcome ≤ X")
    d.add_argument(
        "--min-coverage",
        type=float,
        default=0.8,
        help="choose the densest box with at least this coverage (default 0.8)",
    )
    d.add_argument("--box", type=int, default=None, help="choose this trajectory box instead")
    d.add_argument("--peel-alpha", type=float, default=0.05, help="PRIM peeling share")
    d.set_defaults(func=_guard("discover", cmd_discover))
    return p


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser (``python -m govsim.experiments.cli``): the experiment commands."""
    from govsim.cli import _Parser, add_common_flags

    parser = _Parser(prog="govsim")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register(sub)
    add_common_flags(parser)  # -v, -q and --version, as under ``govsim``
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``experiment ...`` (``argv`` without the program name); return the exit code."""
    parser = build_parser()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != "experiment":
        args = ["experiment", *args]
    parsed = parser.parse_args(args)
    from govsim.cli import apply_verbosity

    apply_verbosity(parsed)
    return int(parsed.func(parsed))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
