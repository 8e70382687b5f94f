"""``govsim survey`` and ``govsim calibrate``: the virtual questionnaire and the calibration.

`register` adds both subcommands to the ``govsim`` parser (govsim/cli.py calls it). The module
also runs on its own: ``python -m experiments.calibration.cli calibrate --quick``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from govsim.provenance import code_label

QUICK = {
    "population": 16,
    "generations": 2,
    "municipalities": ("Utrecht",),
    "max_simulations": 400,
    "max_walltime_minutes": 1.2,
    "min_epsilon": 0.0,
}
"""``--quick``: 16 particles, 2 generations, the 26 municipalities of the province of Utrecht
(a national run costs ~0.3 s, Utrecht ~0.05 s), at most 400 simulations; the report's
replications also run on Utrecht (a full run reports on all 388 municipalities). Finishes in
well under two minutes; for tests and smoke runs, never installed as the model's defaults."""
QUICK_POLISH_EVALUATIONS = 9
"""``--quick``: evaluations of the local search after the ABC (two rounds of four)."""
POLISH_CHECKED = 8
"""The last points of the local search scored on fresh seeds (``polished`` is the last,
``polished-1`` the one before, ...)."""


WARM_START_NOTE = (
    "the calibrated set installed when the run began (model/data/calibrated_parameters.json; "
    "its values are stored with the run's settings) was scored with the ABC's candidates as "
    "a start of the local search"
)


def warm_start_point(settings: Any) -> dict[str, float] | None:
    """The installed calibrated set as a start of the local search, or None.

    A calibration of all target figures with the default free parameters may start its local
    search from the set it is to replace (a recalibration after a model change keeps what the
    last one found instead of relying on a 10-minute ABC alone). Parameters the installed set
    lacks take their declared defaults; values are clipped to the priors.
    Never used when ``--targets`` or ``--holdout`` select figures (the installed set has seen
    all of them, so an out-of-sample check would not be one) or other free parameters are
    chosen. A new run stores the point in its settings (`CalibrationSettings.start`).

    Returns:
        Values of every free parameter, or None when no set is installed or it does not apply.
    """
    from experiments.calibration.priors import select_priors
    from experiments.survey.questionnaire import instrument_settings
    from model.parameters import CALIBRATED_PATH, defaults

    if settings.targets or settings.holdout or settings.priors or not CALIBRATED_PATH.exists():
        return None
    # what the model and the questionnaire use as their defaults: the installed set, completed
    installed = {**defaults(calibrated=True), **instrument_settings()}
    return {p.name: min(max(float(installed[p.name]), p.low), p.high) for p in select_priors(None)}


class CommandError(Exception):
    """A user mistake in a survey or calibrate command (printed without a traceback)."""


def _user_error(exc: Exception) -> Exception:
    from govsim.cli import UserError

    return UserError(str(exc))


# ------------------------------------------------------------------------------- survey
def cmd_survey(args: argparse.Namespace) -> int:
    """``govsim survey``: the questionnaire at a month, simulated vs observed per item."""
    from experiments.survey import simulate
    from experiments.survey.questionnaire import format_comparison
    from model.parameters import ParameterError

    if args.out and Path(args.out).is_dir():
        message = f"--out names the CSV file to write; {args.out} is a folder"
        raise _user_error(ValueError(message))
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
    if args.out:
        write_csv_atomic(result, Path(args.out))
        print(f"wrote {args.out}")
    return 0


def write_csv_atomic(frame: Any, path: Path) -> None:
    """Write ``frame`` as CSV under a temporary name in the same folder, then rename it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)


# ---------------------------------------------------------------------------- calibrate
def _settings(args: argparse.Namespace):
    from experiments.calibration.abc import CalibrationSettings

    base = CalibrationSettings()
    values: dict[str, Any] = {}
    if args.quick:
        values.update(QUICK)
    for name in ("population", "generations", "seed"):
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    if args.max_minutes is not None:
        values["max_walltime_minutes"] = args.max_minutes
    if args.max_simulations is not None:
        values["max_simulations"] = args.max_simulations
    if args.municipalities:
        values["municipalities"] = tuple(args.municipalities)
    if args.targets:
        values["targets"] = tuple(args.targets)
    if args.holdout:
        values["holdout"] = tuple(args.holdout)
    if args.no_patterns:
        values["patterns"] = False
    if args.weighting is not None:
        values["weighting"] = args.weighting
    if args.answers is not None:
        values["answers"] = args.answers
    settings = base.__class__(**{**base.__dict__, **values})
    if settings.population < 2 or settings.generations < 1:
        raise CommandError("--population must be >= 2 and --generations >= 1")
    settings.fit_cells()  # validate the selections now, before any simulation
    if not (args.fresh or args.resume or args.report_only):
        # a stored run keeps the start it was made with
        settings = replace(settings, start=warm_start_point(settings))
    return settings


def _setup_logging(quiet: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    mine = logging.getLogger("govsim.calibrate")
    mine.handlers[:] = [handler]
    mine.setLevel(logging.WARNING if quiet else logging.INFO)
    mine.propagate = False
    level = logging.WARNING if quiet else logging.INFO
    for name in ["ABC", *logging.Logger.manager.loggerDict]:
        if name == "ABC" or name.startswith("ABC."):
            logging.getLogger(name).setLevel(level)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``govsim calibrate``: ABC-SMC, fit report, calibrated parameter set."""
    from experiments.calibration.abc import CalibrationError
    from experiments.calibration.distance import SelectionError
    from experiments.calibration.priors import PriorError

    try:
        return _calibrate(args)
    except (CalibrationError, SelectionError, PriorError, CommandError) as exc:
        raise _user_error(exc) from exc


def _calibrate(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from experiments.calibration import abc as cal
    from experiments.calibration import fit_report as fr
    from experiments.calibration.polish import POLISH_EVALUATIONS, polish
    from experiments.calibration.priors import PRIOR_BY_NAME, split
    from experiments.survey.items import INSTRUMENT_DEFAULTS
    from model.parameters import CALIBRATED_PATH, defaults

    if args.replications < 20 and not args.quick:
        raise CommandError("--replications must be at least 20 for the fit report")
    if args.polish_evaluations is not None and args.polish_evaluations < 0:
        raise CommandError(f"--polish-evaluations must be 0 or more, got {args.polish_evaluations}")
    _setup_logging(args.quiet)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    db = Path(args.db) if args.db else out / "calibration.db"
    if (args.resume or args.report_only) and (
        args.targets or args.holdout or args.municipalities or args.weighting or args.answers
    ):
        raise CommandError(
            "--resume continues a stored run with its own targets, hold-out, municipalities, "
            "weighting and answers; drop --targets/--holdout/--municipalities/--weighting/"
            "--answers (or start a new run)"
        )
    settings = _settings(args)
    started = time.time()
    result = cal.calibrate(
        settings,
        db,
        resume=args.resume,
        run_id=args.run_id,
        n_procs=args.procs,
        scheduler=args.scheduler,
        generations=args.generations if args.resume else None,
        report_only=args.report_only,
    )
    settings = result.settings
    abc_seconds = time.time() - started
    stats = cal.summary(result)
    progress = not args.quiet
    score_reps = 2 if args.quick else 4
    name, chosen, scores = cal.choose_point(
        result.history, settings, replications=score_reps, progress=progress
    )
    warm = settings.start
    if warm is not None:
        # the installed set as one more candidate start, scored like the ABC's (see --fresh)
        scores.update(cal.score_points({"installed": warm}, settings, score_reps, progress=False))
        if scores["installed"] < scores[name]:
            name, chosen = "installed", warm
    budget = args.polish_evaluations
    if budget is None:
        budget = QUICK_POLISH_EVALUATIONS if args.quick else POLISH_EVALUATIONS
    start_name = name
    polished = polish(chosen, settings, budget, n_procs=args.procs, progress=progress)
    if polished.improvements:
        # judged like the ABC's candidates, on fresh seeds: the search's last point and the
        # points it passed through before (a last step may only fit the search's own seeds)
        path = polished.path[1:][-POLISH_CHECKED:]
        named = {
            ("polished" if k == 0 else f"polished-{k}"): point
            for k, point in enumerate(reversed(path))
        }
        scores.update(cal.score_points(named, settings, score_reps, progress=False))
        best = min(named, key=scores.get)
        if scores[best] < scores[name]:
            name, chosen = best, named[best]
    model_part, instrument = split(chosen)
    tied = settings.tied_settings()
    instrument = cal.with_tied(instrument, tied)
    params = {**defaults(calibrated=False), **model_part}
    report_municipalities = settings.municipalities if args.quick else None
    reps = fr.replicate(
        params,
        instrument,
        args.replications,
        settings.seed + 2,
        municipalities=report_municipalities,
        progress=progress,
    )
    fit_keys = list(settings.fit_cells()["key"])
    holdout_keys = list(settings.holdout_cells()["key"])
    table = fr.fit_table(reps, fit_keys, holdout_keys, settings.weighting)
    errors = fr.error_summary(table)
    acceptance = fr.target_summary(table)
    pops = cal.population_table(result.history)
    particles, weights = cal.posterior(result.history)

    posterior_rows = []
    for pname in particles.columns:
        prior = PRIOR_BY_NAME[pname]
        col = particles[pname].to_numpy()
        posterior_rows.append(
            {
                "parameter": pname,
                "calibrated": chosen[pname],
                "posterior_median": cal.weighted_quantile(col, weights, 0.5),
                "q05": cal.weighted_quantile(col, weights, 0.05),
                "q95": cal.weighted_quantile(col, weights, 0.95),
                "prior_low": prior.low,
                "prior_high": prior.high,
                "declared_default": INSTRUMENT_DEFAULTS[pname]
                if prior.instrument
                else defaults(False)[pname],
            }
        )
    posterior_table = pd.DataFrame(posterior_rows)

    version_prev, installed_values = 0, None
    if CALIBRATED_PATH.exists():
        try:
            previous = json.loads(CALIBRATED_PATH.read_text())
            version_prev = int(previous.get("version", 0))
            installed_values = (previous.get("parameters"), previous.get("instrument"))
        except (ValueError, TypeError, AttributeError):
            version_prev = 0
    new_values = (
        {k: round(float(v), 6) for k, v in model_part.items()},
        {k: round(float(v), 6) for k, v in instrument.items()},
    )
    # a new version only when the values change (re-reporting a run keeps its version)
    bump = args.install and not args.quick and new_values != installed_values
    now = dt.datetime.now().astimezone()
    provenance = {
        "database": str(db.resolve()),
        "run_id": stats["run_id"],
        "date": stats["abc_finished"],
        "abc_started": stats["abc_started"],
        "report_date": now.isoformat(timespec="seconds"),
        "code_version": code_label(),
        "seed": settings.seed,
        "simulations": stats["simulations"],
        "generations": stats["generations"],
        "population_size": settings.population,
        "final_epsilon": stats["final_epsilon"],
        "abc_wall_time_seconds": stats["abc_wall_time_seconds"],
        "targets": cal.as_list(settings.targets) or "all target figures",
        "holdout": cal.as_list(settings.holdout) or [],
        "fitted_figures": len(fit_keys),
        "municipalities": cal.as_list(settings.municipalities),
        "report_municipalities": cal.as_list(report_municipalities),
        "respondents": int(reps["n"].max()),
        "pattern_constraints": settings.patterns,
        "weighting": settings.weighting,
        "answers": settings.answers,
        "tied_settings": tied,
        "point_estimate": name,
        "warm_start": None if warm is None else WARM_START_NOTE,
        "candidate_scores": {k: round(float(v), 4) for k, v in scores.items()},
        "polish": {
            "start": start_name,
            "evaluations": polished.evaluations,
            "improvements": polished.improvements,
            "start_distance": polished.start_distance,
            "distance": polished.distance,
            "seconds": round(polished.seconds, 1),
            "adopted": name.startswith("polished"),
            "legs": polished.legs,
        },
        "replications": args.replications,
        "sampler": f"dask {args.scheduler}" if args.scheduler else f"multicore x{args.procs}",
        "priors": {p: [PRIOR_BY_NAME[p].low, PRIOR_BY_NAME[p].high] for p in particles.columns},
    }
    record = {
        "version": version_prev + 1 if bump else max(version_prev, 1),
        "label": f"survey-2017-run{stats['run_id']}-{now:%Y%m%d}",
        "parameters": new_values[0],
        "instrument": new_values[1],
        "provenance": provenance,
        "fit": {
            **acceptance,
            "errors": errors.to_dict(orient="records"),
        },
    }

    reps.to_csv(out / "replications.csv", index=False)
    table.drop(columns=["key"]).to_csv(out / "fit.csv", index=False)
    particles.assign(weight=weights).to_csv(out / "posterior.csv", index=False)
    pops.to_csv(out / "populations.csv", index=False)
    pd.DataFrame([{"candidate": k, "mean_distance": v} for k, v in scores.items()]).to_csv(
        out / "candidates.csv", index=False
    )
    fr.plot_fit(table, out / "fit_targets.png", ["fit", "holdout"], "target figures")
    fr.plot_fit(table, out / "fit_inputs.png", ["input"], "input figures (never fitted)")
    fr.plot_posterior(particles, weights, chosen, out)
    fr.plot_epsilon(pops, out / "epsilon.png")
    fr.write_markdown(
        out / "report.md",
        provenance=provenance,
        chosen=chosen,
        table=table,
        errors=errors,
        acceptance=acceptance,
        pops=pops,
        scores=scores,
        posterior_table=posterior_table,
    )
    fr.write_json_atomic(out / "calibrated_parameters.json", record)
    installed = False
    if args.install and not args.quick:
        fr.write_json_atomic(CALIBRATED_PATH, record)
        installed = True

    share = acceptance["share_inside_margin"]
    print(
        f"calibration run {stats['run_id']} ({'resumed' if result.resumed else 'new'}): "
        f"{stats['simulations']} simulations, {stats['generations']} generations, final epsilon "
        f"{stats['final_epsilon']:.3g}, ABC {stats['abc_wall_time_seconds']:.0f} s of sampling "
        f"(this session {abc_seconds:.0f} s), "
        f"total {time.time() - started:.0f} s"
    )
    print(
        f"target figures inside the survey's margin of error: {acceptance['inside_margin']} of "
        f"{acceptance['target_figures']} ({100 * share:.0f}%)"
    )
    print(errors.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print(f"wrote {out / 'report.md'} (and CSV, PNG) and {out / 'calibrated_parameters.json'}")
    if installed:
        print(f"installed as the model's defaults: {CALIBRATED_PATH}")
    elif not args.quick:
        print("not installed (--no-install)")
    del np
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
    p.add_argument("--seed", type=int, default=20170801, help="random seed (default 20170801)")
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
        type=float,
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
    p.add_argument("--run-id", type=int, help="run to resume or report (default: the latest)")
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
    p.add_argument("--scheduler", help="Dask scheduler address (uses pyabc's Dask sampler)")
    p.add_argument(
        "--procs", type=int, default=2, help="worker processes (default 2; 1 = exact repeat)"
    )
    p.add_argument("--seed", type=int, default=None, help="run seed (default 20170801)")
    p.add_argument("--population", type=int, default=None, help="particles per generation")
    p.add_argument("--generations", type=int, default=None, help="maximum generations in total")
    p.add_argument("--max-minutes", type=float, default=None, help="wall-time limit of the ABC")
    p.add_argument("--max-simulations", type=int, default=None, help="simulation budget")
    p.add_argument(
        "--municipalities", nargs="+", metavar="NAME", help="province or municipality subset"
    )
    p.add_argument(
        "--replications", type=int, default=20, help="runs at the calibrated set (>= 20)"
    )
    p.add_argument(
        "--polish-evaluations",
        type=int,
        default=None,
        metavar="N",
        help="parameter sets the local search after the ABC may evaluate (default 2400, "
        f"{QUICK_POLISH_EVALUATIONS} with --quick; 0: install the ABC's own point estimate)",
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help="start the local search from the ABC's point estimate only, not also from the "
        "installed calibrated set (always so with --targets or --holdout; a resumed run keeps "
        "its own start)",
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
        "--no-patterns",
        action="store_true",
        help="do not penalise runs that break the report's patterns P1 P4-P8",
    )
    p.add_argument(
        "--install",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="write the result to model/data/calibrated_parameters.json (default; never "
        "with --quick)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_calibrate)


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone parser with the two subcommands."""
    parser = argparse.ArgumentParser(prog="govsim")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``survey`` or ``calibrate`` stand-alone; user mistakes exit with code 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:
        if type(exc).__name__ in ("UserError", "CommandError"):
            print(f"govsim {args.command}: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
