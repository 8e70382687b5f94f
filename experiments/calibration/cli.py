"""``govsim survey`` and ``govsim calibrate``: the virtual questionnaire and the calibration.

`register` adds both subcommands to the ``govsim`` parser (govsim/cli.py calls it). The module
also runs on its own: ``python -m govsim.experiments.calibration.cli calibrate --quick``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from govsim import argtypes
from govsim.experiments.calibration.acceptance import REPLICATION_SEEDS
from govsim.scenarios.atomic import path_problem, unwritable


class CommandError(Exception):
    """A user mistake in a survey or calibrate command (printed without a traceback)."""


def _user_error(exc: Exception) -> Exception:
    from govsim.cli import UserError

    return UserError(str(exc))


# ------------------------------------------------------------------------------- survey
def cmd_survey(args: argparse.Namespace) -> int:
    """``govsim survey``: the questionnaire at a month, simulated vs observed per item."""
    from govsim.experiments.survey import simulate
    from govsim.experiments.survey.questionnaire import format_comparison
    from govsim.model.parameters import ParameterError

    if args.out is not None:
        check_csv_out(args.out)
    instrument = {} if args.answer_noise is None else {"answer_noise": args.answer_noise}
    try:
        survey = simulate.simulate_survey(
            instrument=instrument,
            seed=args.seed,
            date=args.date,
            municipalities=args.municipalities,
            sample=args.sample,
        )
    except (ValueError, ParameterError) as exc:
        raise _user_error(exc) from exc
    result = survey.comparison()
    where = "the 2017 survey's month" if survey.in_fieldwork else "no observed figures"
    print(
        f"virtual survey, seed {args.seed}, sample {args.sample} "
        f"({int(survey.table['n'].max())} respondents), fielded {survey.date:%Y-%m} ({where})"
    )
    print(format_comparison(result))
    if args.out is not None:
        write_csv_atomic(result, Path(args.out))
        print(f"wrote {args.out}")
    return 0


def check_csv_out(out: str) -> None:
    """Refuse a survey ``--out`` that cannot be written as a file, before simulating.

    A folder, a part of the path that stands in the way (a file, a symbolic link to nothing, a
    name too long: `scenarios.atomic.path_problem`) or a read-only folder.

    Raises:
        UserError: One paragraph naming ``--out`` and what is allowed.
    """
    if not out.strip():
        raise _user_error(ValueError("--out must name the CSV file to write, got ''"))
    problem = path_problem(out, folder=False)
    if problem is not None:
        message = (
            f"--out {out} cannot be written: {problem}; nothing was written. Allowed: the name "
            "of a CSV file in a folder"
        )
        raise _user_error(ValueError(message))
    if Path(out).is_dir():
        raise _user_error(ValueError(f"--out names the CSV file to write; {out} is a folder"))
    probe = unwritable(out, folder=False)
    if probe is not None:
        message = (
            f"--out {out} cannot be written: {probe} is read-only for this user (or lies on a "
            "read-only file system); nothing was written. Allowed: a CSV file in a folder you "
            "may write into"
        )
        raise _user_error(ValueError(message))


def write_csv_atomic(frame: Any, path: Path) -> None:
    """Write ``frame`` as CSV under a temporary name in the same folder, then rename it.

    If writing fails (a full disk), the temporary file is removed and ``path`` left as it was.
    """
    from govsim.scenarios.atomic import atomic_path

    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


# ---------------------------------------------------------------------------- calibrate
def judging_flags(args: argparse.Namespace) -> dict[str, Any]:
    """The judging settings (`pipeline.JUDGING`) the flags give, those not given left out.

    ``--pattern-jump``, ``--pattern-margin``, ``--judge-on-panel``: a new run's settings, or
    given anew for a stored run (`PipelineSettings.judging`).
    """
    given = {"pattern_jump": args.pattern_jump, "pattern_margin": args.pattern_margin}
    judging = {k: v for k, v in given.items() if v is not None}
    if args.judge_on_panel:
        judging["judge_nationally"] = False
    return judging


def calibration_settings(args: argparse.Namespace):
    """The ABC's settings from the flags (`--quick` first, then each flag given)."""
    from govsim.experiments.calibration.abc import CalibrationSettings
    from govsim.experiments.calibration.pipeline import QUICK

    values: dict[str, Any] = dict(QUICK) if args.quick else {}
    flags = {
        "population": args.population,
        "generations": args.generations,
        "seed": args.seed,
        "max_walltime_minutes": args.max_minutes,
        "max_simulations": args.max_simulations,
        "weighting": args.weighting,
        "answers": args.answers,
        "kernel": args.kernel,
        "kernel_scaling": args.kernel_scaling,
        "epsilon_alpha": args.epsilon_alpha,
    }
    values.update({k: v for k, v in flags.items() if v is not None})
    for name in ("municipalities", "targets", "holdout"):
        if getattr(args, name):
            values[name] = tuple(getattr(args, name))
    if args.no_patterns:
        values["patterns"] = False
    values.update(judging_flags(args))
    return CalibrationSettings(**values)


def pipeline_settings(args: argparse.Namespace):
    """`pipeline.PipelineSettings` from the flags, checked before anything is written.

    Raises:
        CommandError: For flags that do not go together: a stored run's own settings given
            anew, or ``--install`` with ``--quick`` (which never installs).
    """
    from govsim.experiments.calibration.pipeline import QUICK_POLISH_EVALUATIONS, PipelineSettings
    from govsim.experiments.calibration.polish import POLISH_EVALUATIONS

    stored = ("targets", "holdout", "municipalities", "weighting", "answers")
    sampling = ("kernel", "kernel_scaling", "epsilon_alpha")
    stored_run = args.resume or args.report_only
    if stored_run and any(getattr(args, name) not in (None, []) for name in stored + sampling):
        raise CommandError(
            "--resume continues a stored run with its own targets, hold-out, municipalities, "
            "weighting, answers and sampling settings; drop --targets/--holdout/"
            "--municipalities/--weighting/--answers/--kernel/--kernel-scaling/--epsilon-alpha "
            "(or start a new run; --pattern-jump, --pattern-margin and --judge-on-panel may "
            "change)"
        )
    if args.quick and args.install:
        raise CommandError(
            "--quick never installs: its smoke run (a small population, two generations, the "
            "province of Utrecht) is no calibration to use as the model's defaults; drop "
            "--install to run the smoke run, or drop --quick for a full calibration that "
            "installs its result"
        )
    if not args.out.strip():  # Path("") is the current folder: the report would land there
        raise CommandError("--out must name a folder; got an empty name")
    if args.db is not None and not args.db.strip():
        raise CommandError("--db must name the history database's file; got an empty name")
    if args.resume and args.report_only:
        raise CommandError(
            "--resume samples further and --report-only samples nothing: give one of them"
        )
    judging = judging_flags(args) if stored_run else {}
    polish = args.polish_evaluations
    if polish is None:
        polish = QUICK_POLISH_EVALUATIONS if args.quick else POLISH_EVALUATIONS
    return PipelineSettings(
        calibration=calibration_settings(args),
        out=Path(args.out),
        db=Path(args.db) if args.db else None,
        resume=args.resume,
        run_id=args.run_id,
        report_only=args.report_only,
        generations=args.generations,
        procs=args.procs,
        scheduler=args.scheduler,
        replications=args.replications,
        acceptance_seeds=args.acceptance_seeds,
        polish_evaluations=polish,
        install=args.install is not False,  # None: not given, so installed (never --quick)
        quick=args.quick,
        warm_start=not args.fresh,
        polish_starts=args.polish_starts,
        progress=not args.quiet and sys.stderr.isatty(),  # no bars in a log file
        judging=judging or None,
    )


def _setup_logging(quiet: bool, verbose: int = 0) -> None:
    """Progress at INFO (the default and ``-v``), DEBUG with ``-vv``, warnings only with -q."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    mine = logging.getLogger("govsim.calibrate")
    mine.handlers[:] = [handler]
    level = logging.WARNING if quiet else logging.DEBUG if verbose >= 2 else logging.INFO
    mine.setLevel(level)
    mine.propagate = False
    for name in ["ABC", *logging.Logger.manager.loggerDict]:
        if name == "ABC" or name.startswith("ABC."):
            logging.getLogger(name).setLevel(level)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``govsim calibrate``: the calibration pipeline (`experiments.calibration.pipeline`)."""
    from govsim.experiments.calibration import pipeline
    from govsim.experiments.calibration.abc import CalibrationError
    from govsim.experiments.calibration.distance import SelectionError
    from govsim.experiments.calibration.priors import PriorError
    from govsim.model.parameters import CALIBRATED_PATH

    settings = None
    try:
        settings = pipeline_settings(args)
        _setup_logging(args.quiet, getattr(args, "verbose", 0))
        outcome = pipeline.run(settings)
    except (CalibrationError, SelectionError, PriorError, CommandError) as exc:
        raise _user_error(exc) from exc
    except KeyboardInterrupt:
        if settings is None:
            raise
        raise KeyboardInterrupt(
            f"interrupted; the generations finished so far are in {settings.database}: "
            f"'govsim calibrate --resume --out {settings.out}"
            f"{f' --db {settings.db}' if settings.db else ''}' continues the run"
        ) from None
    print(outcome.summary())
    if outcome.installed:
        print(f"installed as the model's defaults: {CALIBRATED_PATH}")
    elif outcome.not_installed:
        print(outcome.not_installed)
    elif not args.quick:
        print("not installed (--no-install)")
    return 0


# ------------------------------------------------------------------------------ parser
def register(subparsers: Any) -> None:
    """Add ``survey`` and ``calibrate`` to a ``govsim`` subparsers object."""
    p = subparsers.add_parser(
        "survey",
        help="the virtual 2017 questionnaire: simulated vs observed per item",
        description="Run the model to the survey month (2017-08, or --date), interview the "
        "simulated secretaries with the 2017 questionnaire and print simulated vs observed "
        "per item and answer category (targets, then inputs); observed figures only for the "
        "2017 fieldwork (July-September 2017).",
    )
    p.add_argument(
        "--seed", type=argtypes.seed, default=20170801, help="random seed (default 20170801)"
    )
    p.add_argument(
        "--date",
        default="2017-08",
        metavar="YYYY-MM",
        help="month the questionnaire is fielded (default 2017-08, the survey's; another "
        "month gives a virtual monitor without observed figures)",
    )
    p.add_argument(
        "--sample",
        choices=("stratified", "all"),
        default="stratified",
        help="stratified: 126 respondents as in the real response (3/31/64/14/14 by size "
        "class); all: every municipality",
    )
    p.add_argument("--out", help="also write the comparison as CSV to this file")
    p.add_argument(
        "--municipalities",
        nargs="+",
        metavar="NAME",
        help="province or municipality subset (default: all 388)",
    )
    p.add_argument(
        "--answer-noise",
        type=argtypes.bounded_float(0.0, 1.0),
        default=None,
        help=(
            "answer-noise sd of Table 4 and the Omgevingswet satisfaction "
            "(default: the calibrated value)"
        ),
    )
    p.set_defaults(func=cmd_survey)

    p = subparsers.add_parser(
        "calibrate",
        help="ABC-SMC calibration to the 2017 survey, fit report, calibrated defaults",
        description="Calibrate the free parameters to the survey's target figures with pyabc "
        "ABC-SMC (history in an SQLite database), write a fit report (Markdown, PNG, CSV) and "
        "the calibrated parameter set, and install it as the model's defaults "
        "(model/data/calibrated_parameters.json) unless --quick or --no-install.",
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="small smoke run (< 2 min): population 16, 2 generations, the province of "
        "Utrecht; never installed",
    )
    p.add_argument(
        "--out", default="out/calibration", help="report folder (default out/calibration)"
    )
    p.add_argument("--db", help="SQLite history database (default OUT/calibration.db)")
    p.add_argument("--resume", action="store_true", help="continue the stored run in --db")
    p.add_argument(
        "--run-id", type=argtypes.count, help="run to resume or report (default: the latest)"
    )
    p.add_argument(
        "--report-only",
        action="store_true",
        help="no sampling: write the fit report (and install) for the stored run in --db",
    )
    p.add_argument(
        "--targets",
        nargs="+",
        metavar="PATTERN",
        help="fit only these target figures: item ids, domains, tables (table_3, ...), shell "
        "patterns (importance_*) or item:domain; the rest are reported as hold-out",
    )
    p.add_argument(
        "--holdout", nargs="+", metavar="PATTERN", help="leave these target figures out of the fit"
    )
    p.add_argument(
        "--scheduler",
        type=argtypes.scheduler,
        metavar="ADDRESS",
        help="Dask scheduler address, tcp://host:8786 (uses pyabc's Dask sampler)",
    )
    p.add_argument(
        "--procs",
        type=argtypes.positive_int,
        default=2,
        help="worker processes (default 2; 1 = exact repeat)",
    )
    p.add_argument("--seed", type=argtypes.seed, default=None, help="run seed (default 20170801)")
    p.add_argument(
        "--population",
        type=argtypes.count,
        default=None,
        help="particles per generation (default 150; 16 with --quick)",
    )
    p.add_argument(
        "--generations",
        type=argtypes.count,
        default=None,
        help="maximum generations in total (default 16; 2 with --quick)",
    )
    p.add_argument(
        "--max-minutes",
        type=argtypes.bounded_float(0.0, 7 * 24 * 60.0),
        default=None,
        help="wall-time limit of the ABC in minutes, checked between generations (default 25; "
        "1.2 with --quick)",
    )
    p.add_argument(
        "--max-simulations",
        type=argtypes.count,
        default=None,
        help="simulation budget, checked between generations, so a run may go over it by part "
        "of a generation (default 60,000; 400 with --quick)",
    )
    p.add_argument(
        "--municipalities", nargs="+", metavar="NAME", help="province or municipality subset"
    )
    p.add_argument(
        "--replications",
        type=argtypes.count,
        default=20,
        help="runs at the calibrated set (default 20; fewer make the fit figures noisier)",
    )
    p.add_argument(
        "--acceptance-seeds",
        type=argtypes.count,
        default=REPLICATION_SEEDS,
        metavar="K",
        help=f"replication seeds, each with --replications runs, that the acceptance figure "
        f"(target figures inside the margin) is the median over (default {REPLICATION_SEEDS})",
    )
    p.add_argument(
        "--polish-evaluations",
        type=argtypes.count,
        default=None,
        metavar="N",
        help="parameter sets the local search after the ABC may evaluate (default 2400, "
        "9 with --quick; 0: the ABC's own point estimate)",
    )
    p.add_argument(
        "--polish-starts",
        type=argtypes.positive_int,
        default=1,
        metavar="K",
        help="start the local search from the best K of the ABC's candidates (and the warm "
        "start), each with 1/K of --polish-evaluations; the best point of all is chosen "
        "(default 1)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="start the local search from the ABC's point estimate only, not also from the "
        "installed calibrated set (always so with --targets or --holdout; with --resume or "
        "--report-only the stored run's warm start is dropped, otherwise it keeps its own)",
    )
    p.add_argument(
        "--weighting",
        choices=("margin", "binomial"),
        default=None,
        help="weights of the figures in the distance: the report's margin of error for every "
        "figure (default) or the binomial sampling error at each observed share",
    )
    p.add_argument(
        "--answers",
        choices=("expected", "sampled"),
        default=None,
        help="survey figures in the distance: the shares expected over the answer noise "
        "(default) or one draw of every respondent's answers per simulation",
    )
    p.add_argument(
        "--kernel-scaling",
        type=argtypes.bounded_float(0.0, 100.0),
        default=None,
        metavar="S",
        help="factor on the covariance of pyabc's perturbation kernels (default 8, 4 with "
        "--quick; pyabc's own 1): wider keeps the importance weights spread, at a lower "
        "acceptance rate",
    )
    p.add_argument(
        "--kernel",
        choices=("marginal", "joint"),
        default=None,
        help="perturbation kernel: one kernel density per parameter, their product (default), "
        "or one over all parameters",
    )
    p.add_argument(
        "--epsilon-alpha",
        type=argtypes.bounded_float(0.0, 1.0),
        default=None,
        metavar="Q",
        help="quantile of the last generation's distances that becomes the next threshold "
        "(default 0.5, the median)",
    )
    p.add_argument(
        "--no-patterns",
        action="store_true",
        help="do not penalise runs that break the report's patterns P1 P4-P8 P12 (by default "
        "each check's shortfall, in margins of the survey, is added to the distance)",
    )
    p.add_argument(
        "--pattern-jump",
        type=argtypes.bounded_float(0.0, 100.0, closed=True),
        default=None,
        metavar="J",
        help="added per broken pattern check when the candidates are judged after the ABC and "
        "in the local search (default 3; 1 is what a fit off by its sampling error on every "
        "figure scores); with --resume or --report-only the stored run is judged again with it",
    )
    p.add_argument(
        "--pattern-margin",
        type=argtypes.bounded_float(0.0, 0.1, closed=True),
        default=None,
        metavar="M",
        help="in that judging a pattern check holds only with M to spare (a share; default "
        "0.01, one point), so the chosen set keeps the patterns on other seeds too",
    )
    p.add_argument(
        "--judge-on-panel",
        action="store_true",
        help="judge the candidates and run the local search on --municipalities (the ABC's "
        "panel) instead of all 388 municipalities (so with --quick; with --resume or "
        "--report-only, for the stored run)",
    )
    p.add_argument(
        "--install",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write the result to model/data/calibrated_parameters.json (default; --quick "
        "never installs, and refuses --install)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_calibrate)


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser with the two subcommands."""
    from govsim.cli import _Parser, add_common_flags

    parser = _Parser(prog="govsim")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register(sub)
    add_common_flags(parser)  # -v and --version, as under ``govsim`` (-q is calibrate's own)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``survey`` or ``calibrate`` stand-alone; user mistakes exit with code 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from govsim.cli import UserError, apply_verbosity

    apply_verbosity(args)

    try:
        return int(args.func(args))
    except (UserError, CommandError) as exc:
        print(f"govsim {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
