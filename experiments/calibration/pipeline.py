"""The calibration as a pipeline: ABC, point estimate, local search, fit report, record.

`run(settings) -> Outcome` is what ``govsim calibrate`` does, without the command line
(issue 14: "calibration as a pipeline, not a command handler"). Its stages are functions of
their own: `sample` (pyabc ABC-SMC, `experiments.calibration.abc.calibrate`), `choose`
(the ABC's candidates and the warm start scored on fresh seeds, then the local search of
`experiments.calibration.polish` from the best, its points scored again), `report` (replications
at the chosen set through the one survey path, fit table, posterior table) and `write`
(CSV, PNG, report.md and the calibrated record, every file written atomically; the record
installed as the model's defaults only on request).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration import fit_report as fr
from govsim.experiments.calibration.abc import CalibrationError, CalibrationSettings
from govsim.experiments.calibration.acceptance import REPLICATION_SEEDS
from govsim.experiments.calibration.polish import POLISH_EVALUATIONS, PolishResult, polish
from govsim.experiments.calibration.priors import PRIOR_BY_NAME, select_priors, split
from govsim.provenance import code_label
from govsim.scenarios.atomic import folder_refusal, path_problem

log = logging.getLogger("govsim.calibrate")

QUICK = {
    "population": 16,
    "generations": 2,
    "municipalities": ("Utrecht",),
    "max_simulations": 400,
    "max_walltime_minutes": 1.2,
    "min_epsilon": 0.0,
    "kernel_scaling": 4.0,
    "judge_nationally": False,
}
"""``--quick``: 16 particles, 2 generations, the 26 municipalities of the province of Utrecht,
at most 400 simulations, the kernel at half the full run's width (`abc.KERNEL_SCALING`); the
judging after the ABC, the local search and the report's replications also run on Utrecht (a
full run does them on all 388 municipalities). Finishes in well under two minutes; for tests
and smoke runs, never installed as the model's defaults."""
QUICK_POLISH_EVALUATIONS = 9
"""``--quick``: evaluations of the local search after the ABC (two rounds of four)."""
POLISH_CHECKED = 8
"""The last points of the local search scored on fresh seeds (``polished`` is the last,
``polished-1`` the one before, ...)."""
MIN_REPLICATIONS = 20
"""Replications at the chosen set a full fit report needs."""
SCORING_REPLICATIONS = 8
"""Fresh runs each candidate (the ABC's point estimates, the warm start, the local search's
last points) is scored on before one is chosen (``--quick``: 2). Eight, not four: with the
jump per broken pattern check (`CalibrationSettings.pattern_jump`, 3) a break on one run in
eight adds about 0.4, as much as the local search's last points differ by, where one in four
would dominate the choice by the luck of four draws; a national run to the survey month costs
about a fifth of a second."""
JUDGING: tuple[str, ...] = ("pattern_jump", "pattern_margin", "judge_nationally")
"""Settings of the judging after the ABC, which the sampling never uses: they may change when a
stored run is resumed or reported on (`PipelineSettings.judging`)."""
SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file (an empty file is a new database)."""

WARM_START_NOTE = (
    "the calibrated set installed when the run began (model/data/calibrated_parameters.json; "
    "its values are stored with the run's settings) was scored with the ABC's candidates as "
    "a start of the local search"
)


@dataclass(frozen=True)
class PipelineSettings:
    """Everything one calibration run needs besides the ABC's own settings.

    Attributes:
        calibration: The ABC's settings (stored with the run).
        out: Report folder.
        db: pyabc's SQLite history (default ``out/calibration.db``).
        resume: Continue the run stored in ``db``.
        run_id: The stored run to resume or report (None: the latest).
        report_only: Report on the stored run without sampling.
        generations: With ``resume``: the generations of the run in total.
        procs: Worker processes.
        scheduler: Dask scheduler address (instead of local processes).
        replications: Runs at the chosen set for the fit report.
        acceptance_seeds: Replication seeds (each with ``replications`` runs) that the
            acceptance figure is the median over (`acceptance.REPLICATION_SEEDS`).
        polish_evaluations: Evaluations of the local search (0: none).
        install: Install the record as the model's defaults.
        quick: The ``--quick`` smoke run (never installed).
        polish_starts: Starts of the local search: the best ones of the ABC's candidates
            (and the warm start) by their score on fresh seeds, each searched with an equal
            share of ``polish_evaluations`` (`choose`).
        warm_start: Score the installed set as one more start of the local search
            (`warm_start_point`; ``--fresh`` turns it off, and drops a stored run's warm start
            when it is resumed or reported again).
        progress: Show progress bars.
        judging: With ``resume`` or ``report_only``: judging settings (`JUDGING`) given anew,
            applied over the stored run's (a stored ABC judged again, e.g. with another
            ``pattern_jump``, without sampling again).

    Raises:
        CalibrationError: For settings that cannot work (checked before anything is written).
    """

    calibration: CalibrationSettings
    out: Path
    db: Path | None = None
    resume: bool = False
    run_id: int | None = None
    report_only: bool = False
    generations: int | None = None
    procs: int = 2
    scheduler: str | None = None
    replications: int = MIN_REPLICATIONS
    acceptance_seeds: int = REPLICATION_SEEDS
    polish_evaluations: int = POLISH_EVALUATIONS
    install: bool = False
    quick: bool = False
    warm_start: bool = True
    polish_starts: int = 1
    progress: bool = True
    judging: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        cal_settings = self.calibration
        unknown = sorted(set(self.judging or {}) - set(JUDGING))
        if unknown:
            raise CalibrationError(
                f"only the judging settings ({', '.join(JUDGING)}) change on a stored run, "
                f"not {', '.join(unknown)}"
            )
        if cal_settings.population < 2 or cal_settings.generations < 1:
            raise CalibrationError("--population must be >= 2 and --generations >= 1")
        if self.replications < 1:
            raise CalibrationError(f"--replications must be at least 1, got {self.replications}")
        if self.replications < MIN_REPLICATIONS and not self.quick:
            raise CalibrationError(
                f"--replications must be at least {MIN_REPLICATIONS} for the fit report"
            )
        if self.acceptance_seeds < 1:
            raise CalibrationError(
                f"--acceptance-seeds must be at least 1, got {self.acceptance_seeds}"
            )
        if self.polish_evaluations < 0:
            raise CalibrationError(
                f"--polish-evaluations must be 0 or more, got {self.polish_evaluations}"
            )
        if self.polish_starts < 1:
            raise CalibrationError(f"--polish-starts must be 1 or more, got {self.polish_starts}")
        minutes, budget = cal_settings.max_walltime_minutes, cal_settings.max_simulations
        if minutes is not None and not minutes > 0:
            raise CalibrationError(f"--max-minutes must be more than 0, got {minutes:g}")
        if budget is not None and budget < 1:
            raise CalibrationError(f"--max-simulations must be at least 1, got {budget}")
        if self.procs < 1:
            raise CalibrationError(f"--procs must be 1 or more, got {self.procs}")
        cal_settings.fit_cells()  # the selections, before any simulation
        select_priors(cal_settings.priors)
        self.check_municipalities()
        self.check_paths()
        if self.scheduler:
            self.check_scheduler()

    def check_scheduler(self) -> None:
        """Refuse a Dask scheduler that cannot be reached, before anything is written."""
        from govsim.experiments.run import check_scheduler
        from govsim.experiments.spec import ExperimentError

        try:
            check_scheduler(self.scheduler)
        except ExperimentError as exc:
            raise CalibrationError(f"--scheduler: {exc}") from None

    def check_municipalities(self) -> None:
        """Refuse a municipality or province that does not exist, before anything is written."""
        from govsim.model.governance_model import select_municipalities
        from govsim.model.parameters import ParameterError

        for item in self.calibration.municipalities or ():
            try:
                select_municipalities([item])
            except ParameterError as exc:
                raise CalibrationError(f"--municipalities: {exc}") from None

    def check_paths(self) -> None:
        """Refuse an ``out`` and a ``db`` that cannot be written, or a ``db`` that is no database.

        ``out`` must be a folder or nothing, with nothing in its path in the way (a file, a
        symbolic link to nothing, a name too long: `scenarios.atomic.path_problem`), in a place
        this user may write; ``db`` a pyabc history (SQLite) file or nothing, likewise.
        """
        refusal = folder_refusal(
            self.out,
            shown=f"--out {self.out}",
            allowed="a new or existing folder for the report, one you may write into",
        )
        if refusal is not None:
            raise CalibrationError(refusal)
        db, flag = self.database, "--db" if self.db is not None else "the history database"
        problem = path_problem(db, folder=False)
        if problem is not None:
            raise CalibrationError(
                f"{flag} {db} cannot be written: {problem}; nothing was written. Allowed: the "
                "file of a pyabc history (SQLite) database, or a new file name in a folder"
            )
        if db.is_dir():
            raise CalibrationError(
                f"{flag} {db} is a folder. Allowed: the file of a pyabc history (SQLite) "
                "database, or a new file name"
            )
        if not db.is_file():
            return
        try:
            with db.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise CalibrationError(
                f"{flag} {db} cannot be read ({exc.strerror}). Allowed: a readable pyabc "
                "history (SQLite) database, or a new file name"
            ) from None
        if header and header != SQLITE_HEADER:
            raise CalibrationError(
                f"{flag} {db} is not an SQLite database (it does not start with the SQLite "
                "header). Allowed: the file of a pyabc history database written by govsim "
                "calibrate, or a new file name"
            )
        if header:
            problem = not_a_history(db)
            if problem is not None:
                raise CalibrationError(
                    f"{flag} {db} {problem}; it was left as it is. Allowed: the file of a pyabc "
                    "history database written by govsim calibrate, or a new file name"
                )

    @property
    def database(self) -> Path:
        """The history database."""
        return self.db if self.db is not None else self.out / "calibration.db"


PYABC_TABLES = frozenset({"abc_smc", "populations", "models", "particles"})
"""Tables every pyabc history holds (pyabc.storage)."""


def not_a_history(db: Path) -> str | None:
    """Why the SQLite file ``db`` is no pyabc history (read only; None if it is one).

    pyabc would otherwise add its tables to someone else's database, or fail deep inside with
    "Database has version 0" or "database disk image is malformed".
    """
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master")}
            if PYABC_TABLES <= tables:
                con.execute("SELECT count(*) FROM abc_smc").fetchone()
    except sqlite3.DatabaseError as exc:
        return f"cannot be read as an SQLite database ({exc})"
    missing = sorted(PYABC_TABLES - tables)
    if missing:
        return (
            f"is an SQLite database but not a pyabc history (it has no table {', '.join(missing)})"
        )
    return None


@dataclass
class Choice:
    """The chosen parameter set and how it was chosen."""

    name: str
    values: dict[str, float]
    scores: dict[str, float]
    start: str
    polished: PolishResult
    warm: dict[str, float] | None
    searches: dict[str, PolishResult] = field(default_factory=dict)
    """Every start of the local search and its outcome (``polished`` is the one of ``start``)."""


@dataclass
class Outcome:
    """What a calibration run produced (the files are in ``out``)."""

    out: Path
    run_id: int
    resumed: bool
    stats: dict[str, Any]
    record: dict[str, Any]
    acceptance: dict[str, Any]
    errors: pd.DataFrame
    installed: bool
    session_seconds: float
    total_seconds: float
    files: list[str] = field(default_factory=list)
    not_installed: str | None = None

    def summary(self) -> str:
        """The lines ``govsim calibrate`` prints."""
        s, a = self.stats, self.acceptance
        lines = [
            f"calibration run {self.run_id} ({'resumed' if self.resumed else 'new'}): "
            f"{s['simulations']} simulations, {s['generations']} "
            f"generation{'s' if s['generations'] != 1 else ''}, final epsilon "
            f"{s['final_epsilon']:.3g} (effective sample size {s['final_ess']:.3g} of "
            f"{self.record['provenance']['population_size']}), "
            f"ABC {s['abc_wall_time_seconds']:.0f} s of sampling "
            f"(this session {self.session_seconds:.0f} s), total {self.total_seconds:.0f} s; "
            f"the ABC stopped because {s['stopped']}",
            f"target figures inside the survey's margin of error: "
            f"{a['inside_margin_median']:g} of {a['target_figures']} "
            f"({100 * a['share_inside_margin_median']:.0f}%; median over "
            f"{len(a['seeds'])} replication seeds: "
            + ", ".join(str(v) for v in a["inside_margin_by_seed"])
            + ")",
            self.errors.to_string(index=False, float_format=lambda v: f"{v:.3g}"),
            f"wrote {self.out / 'report.md'} (and CSV, PNG) and "
            f"{self.out / 'calibrated_parameters.json'}",
        ]
        return "\n".join(lines)


def warm_start_point(settings: CalibrationSettings) -> dict[str, float] | None:
    """The installed calibrated set as a start of the local search, or None.

    A calibration of all target figures with the default free parameters may start its local
    search from the set it is to replace. Parameters the installed set lacks take their
    declared defaults; values are clipped to the priors. Never used when targets or a hold-out
    select figures (the installed set has seen all of them, so an out-of-sample check would not
    be one) or other free parameters are chosen.
    """
    from govsim.experiments.survey.questionnaire import instrument_settings
    from govsim.model.parameters import CALIBRATED_PATH, defaults

    if settings.targets or settings.holdout or settings.priors or not CALIBRATED_PATH.exists():
        return None
    installed = {**defaults(calibrated=True), **instrument_settings()}
    return {p.name: min(max(float(installed[p.name]), p.low), p.high) for p in select_priors(None)}


def sample(settings: PipelineSettings) -> cal.CalibrationResult:
    """Stage 1: the ABC (new, resumed or only read back), with any judging given anew."""
    result = cal.calibrate(
        settings.calibration,
        settings.database,
        resume=settings.resume,
        run_id=settings.run_id,
        n_procs=settings.procs,
        scheduler=settings.scheduler,
        generations=settings.generations if settings.resume else None,
        report_only=settings.report_only,
    )
    if settings.judging and (settings.resume or settings.report_only):
        result = replace(result, settings=replace(result.settings, **settings.judging))
    if not settings.warm_start and result.settings.start is not None:
        # --fresh on a stored run: its local search starts from the ABC's candidates only
        result = replace(result, settings=replace(result.settings, start=None))
    return result


def choose(result: cal.CalibrationResult, settings: PipelineSettings) -> Choice:
    """Stage 2: the ABC's candidates (and the warm start) scored, then the local search.

    The candidates (`abc.candidate_points`: point estimates of the ABC posterior and its best
    particles) are scored on fresh seeds (`abc.score_points`); the local search starts from
    the best ``polish_starts`` of them, each with an equal share of the evaluations. The
    searches' last points are scored on the same fresh seeds, and the best-scoring point of
    all is chosen.
    """
    cal_settings = result.settings
    reps = 2 if settings.quick else SCORING_REPLICATIONS
    points = cal.candidate_points(result.history)
    scores = cal.score_points(points, cal_settings, reps, progress=settings.progress)
    warm = cal_settings.start
    if warm is not None:
        points["installed"] = dict(warm)
        scores.update(cal.score_points({"installed": warm}, cal_settings, reps, progress=False))
    ranked = sorted(scores, key=scores.get)  # stable: a tie goes to the ABC's candidate
    name = ranked[0]
    starts = ranked[: settings.polish_starts]
    searches = {
        start: polish(
            points[start],
            cal_settings,
            settings.polish_evaluations // len(starts),
            n_procs=settings.procs,
            progress=settings.progress,
        )
        for start in starts
    }
    origin = {}
    for start, polished in searches.items():
        if not polished.improvements:
            continue
        # judged like the ABC's candidates, on fresh seeds: the search's last point and the
        # points it passed through before (a last step may only fit the search's own seeds)
        prefix = "polished" if len(starts) == 1 else f"polished[{start}]"
        named = {
            (prefix if k == 0 else f"{prefix}-{k}"): point
            for k, point in enumerate(reversed(polished.path[1:][-POLISH_CHECKED:]))
        }
        points.update(named)
        origin.update(dict.fromkeys(named, start))
        scores.update(cal.score_points(named, cal_settings, reps, progress=False))
    best = min(origin, key=scores.get, default=name)
    if scores[best] < scores[name]:
        name = best
    start = origin.get(name, starts[0])
    return Choice(name, dict(points[name]), scores, start, searches[start], warm, searches)


WIDE_POSTERIOR = 0.8
"""A parameter whose posterior 90% interval spans at least this share of its prior's 90%
interval is flagged as not identified by the fit (issue 14: "a parameter whose posterior is as
wide as its prior is flagged"); 0.8 leaves room for the sampling noise of a few hundred
particles in an interval that did not shrink."""


def posterior_table(result: cal.CalibrationResult, chosen: dict[str, float]) -> pd.DataFrame:
    """Per free parameter: prior, posterior median and 90% interval, and the chosen value."""
    particles, weights = cal.posterior(result.history)
    return summarise_posterior(particles, weights, chosen)


def summarise_posterior(
    particles: pd.DataFrame, weights: np.ndarray, chosen: Mapping[str, float]
) -> pd.DataFrame:
    """The posterior table from weighted particles (`posterior_table`).

    Columns: the calibrated value, the weighted posterior median and 90% interval (``q05``,
    ``q95``), the prior's range and declared default, ``width_ratio`` (the posterior's 90%
    interval over the uniform prior's, 0.9 of its range: 1 = no narrower than the prior) and
    ``identified`` (False where ``width_ratio`` >= `WIDE_POSTERIOR`).
    """
    from govsim.experiments.survey.items import INSTRUMENT_DEFAULTS
    from govsim.model.parameters import defaults

    declared = defaults(calibrated=False)
    rows = []
    for name in particles.columns:
        prior = PRIOR_BY_NAME[name]
        col = particles[name].to_numpy()
        q05 = cal.weighted_quantile(col, weights, 0.05)
        q95 = cal.weighted_quantile(col, weights, 0.95)
        ratio = (q95 - q05) / (0.9 * (prior.high - prior.low))
        rows.append(
            {
                "parameter": name,
                "calibrated": chosen[name],
                "posterior_median": cal.weighted_quantile(col, weights, 0.5),
                "q05": q05,
                "q95": q95,
                "prior_low": prior.low,
                "prior_high": prior.high,
                "declared_default": INSTRUMENT_DEFAULTS[name]
                if prior.instrument
                else declared[name],
                "width_ratio": ratio,
                "identified": bool(ratio < WIDE_POSTERIOR),
            }
        )
    return pd.DataFrame(rows)


@dataclass
class Report:
    """Stage 3's tables."""

    params: dict[str, float]
    instrument: dict[str, float]
    replications: pd.DataFrame
    table: pd.DataFrame
    errors: pd.DataFrame
    acceptance: dict[str, Any]
    posterior: pd.DataFrame
    seeds: pd.DataFrame


def report(result: cal.CalibrationResult, choice: Choice, settings: PipelineSettings) -> Report:
    """Stage 3: replications at the chosen set and the fit, per figure and per table."""
    from govsim.model.parameters import defaults

    cal_settings = result.settings
    model_part, instrument = split(choice.values)
    instrument = cal.with_tied(instrument, cal_settings.tied_settings())
    params = {**defaults(calibrated=False), **model_part}
    every_setting = cal.full_instrument(instrument, cal_settings.tied_settings())
    municipalities = cal_settings.municipalities if settings.quick else None
    fit_keys = list(cal_settings.fit_cells()["key"])
    holdout_keys = list(cal_settings.holdout_cells()["key"])
    seeds = acc.replication_seeds(cal_settings.seed + 2, settings.acceptance_seeds)
    reps = fr.replicate(
        params,
        every_setting,
        settings.replications,
        seeds[0],
        municipalities=municipalities,
        progress=settings.progress,
    )
    table = fr.fit_table(reps, fit_keys, holdout_keys, cal_settings.weighting)
    by_seed = acc.over_seeds(
        params,
        every_setting,
        replications=settings.replications,
        seeds=seeds,
        fit_keys=fit_keys,
        holdout_keys=holdout_keys,
        weighting=cal_settings.weighting,
        municipalities=municipalities,
        first=table,
        progress=settings.progress,
    )
    broken = acc.patterns_by_seed(params, seeds, municipalities)
    return Report(
        params=model_part,
        instrument=instrument,
        replications=reps,
        table=table,
        errors=fr.error_summary(table),
        acceptance={
            **fr.target_summary(table),
            **acc.summarise(by_seed),
            "patterns_broken_by_seed": broken,
        },
        posterior=posterior_table(result, choice.values),
        seeds=by_seed,
    )


def installed_record() -> tuple[int, Any]:
    """The installed record's version and its ``(parameters, instrument)`` (0, None if none)."""
    from govsim.model.parameters import CALIBRATED_PATH

    if not CALIBRATED_PATH.exists():
        return 0, None
    try:
        previous = json.loads(CALIBRATED_PATH.read_text())
        return int(previous.get("version", 0)), (previous["parameters"], previous["instrument"])
    except (ValueError, TypeError, KeyError, AttributeError):
        return 0, None


def provenance(
    result: cal.CalibrationResult, choice: Choice, rep: Report, settings: PipelineSettings
) -> dict[str, Any]:
    """How the record was obtained: the run, its settings, the choice and the code."""
    cal_settings, stats = result.settings, cal.summary(result)
    polished = choice.polished
    return {
        "database": str(settings.database.resolve()),
        "run_id": stats["run_id"],
        "date": stats["abc_finished"],
        "abc_started": stats["abc_started"],
        "report_date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "code_version": code_label(),
        "seed": cal_settings.seed,
        "simulations": stats["simulations"],
        "generations": stats["generations"],
        "population_size": cal_settings.population,
        "final_epsilon": stats["final_epsilon"],
        "abc_wall_time_seconds": stats["abc_wall_time_seconds"],
        "targets": cal.as_list(cal_settings.targets) or "all target figures",
        "holdout": cal.as_list(cal_settings.holdout) or [],
        "fitted_figures": len(cal_settings.fit_cells()),
        "municipalities": cal.as_list(cal_settings.municipalities),
        "report_municipalities": cal.as_list(cal_settings.municipalities)
        if settings.quick
        else None,
        "respondents": int(rep.replications["n"].max()),
        "pattern_constraints": cal_settings.patterns,
        "kernel": cal_settings.kernel,
        "kernel_scaling": cal_settings.kernel_scaling,
        "epsilon_alpha": cal_settings.epsilon_alpha,
        "final_ess": stats["final_ess"],
        "abc_stopped": stats["stopped"],
        "weighting": cal_settings.weighting,
        "answers": cal_settings.answers,
        "tied_settings": cal_settings.tied_settings(),
        "point_estimate": choice.name,
        "warm_start": None if choice.warm is None else WARM_START_NOTE,
        "candidate_scores": {k: round(float(v), 4) for k, v in choice.scores.items()},
        "polish": {
            "start": choice.start,
            "evaluations": polished.evaluations,
            "improvements": polished.improvements,
            "start_distance": polished.start_distance,
            "distance": polished.distance,
            "seconds": round(polished.seconds, 1),
            "adopted": choice.name.startswith("polished"),
            "legs": polished.legs,
            "starts": {
                start: {
                    "score": round(float(choice.scores[start]), 4),
                    "evaluations": search.evaluations,
                    "improvements": search.improvements,
                    "start_distance": search.start_distance,
                    "distance": search.distance,
                }
                for start, search in choice.searches.items()
            },
        },
        "replications": settings.replications,
        "acceptance_seeds": settings.acceptance_seeds,
        "sampler": f"dask {settings.scheduler}"
        if settings.scheduler
        else f"multicore x{settings.procs}",
        "priors": {
            p: [PRIOR_BY_NAME[p].low, PRIOR_BY_NAME[p].high] for p in rep.posterior["parameter"]
        },
    }


def calibrated_record(
    result: cal.CalibrationResult, choice: Choice, rep: Report, settings: PipelineSettings
) -> dict[str, Any]:
    """The calibrated parameter set with its provenance and fit (a new version if it changed)."""
    previous_version, installed_values = installed_record()
    values = (
        {k: round(float(v), 6) for k, v in rep.params.items()},
        {k: round(float(v), 6) for k, v in rep.instrument.items()},
    )
    bump = settings.install and not settings.quick and values != installed_values
    stats = cal.summary(result)
    return {
        "version": previous_version + 1 if bump else max(previous_version, 1),
        "label": f"survey-2017-run{stats['run_id']}-{dt.date.today():%Y%m%d}",
        "parameters": values[0],
        "instrument": values[1],
        "provenance": provenance(result, choice, rep, settings),
        "fit": {**rep.acceptance, "errors": rep.errors.to_dict(orient="records")},
    }


def fitted_count(record: Mapping[str, Any]) -> int | None:
    """How many values a calibrated record fitted (its parameters and instrument settings).

    A record stores exactly the values its calibration fitted (the free set, tied settings
    included) or, for a chain of refits, every value any step fitted; None when it stores none.
    """
    if "parameters" not in record:
        return None
    return len(record["parameters"]) + len(record.get("instrument", {}))


def pattern_check(record: Mapping[str, Any]) -> list[list[str]] | None:
    """A record's report-pattern check per acceptance seed (``fit.patterns_broken_by_seed``).

    The stored one, else `acceptance.patterns_by_seed` at the record's values on its own
    acceptance seeds (``fit.seeds``; the default 4 where it has none); None for a record that
    holds neither the check nor values.
    """
    fit = record.get("fit", {})
    if "patterns_broken_by_seed" in fit or "parameters" not in record:
        return fit.get("patterns_broken_by_seed")
    params, _ = acc.record_values(record)
    seeds = fit.get("seeds") or acc.replication_seeds(acc.DEFAULT_SEED, acc.REPLICATION_SEEDS)
    return acc.patterns_by_seed(params, seeds)


def install_refusal(record: dict[str, Any]) -> str | None:
    """Why ``record`` must not replace the installed set, or None if it may.

    In this order:

    - a set that breaks one of the report's patterns in national runs on an acceptance seed
      (``fit.patterns_broken_by_seed``, `acceptance.patterns_by_seed`; computed here when the
      record does not hold it) is not installed: the scenarios' figures would rest on dynamics
      the report contradicts;
    - a set fitted with more than `screen.MAX_FREE` values is not installed (issue 14: at most
      15 free parameters, model and instrument together);
    - an installed set fitted with more than that is not a valid default, and a set that
      passes the two checks above replaces it whatever its fit;
    - otherwise a run installs its set only if it keeps at least as many target figures inside
      the margin as the installed set's own record says it does (compared by the median over
      replication seeds where both records have one, else by the first seed's count).
    """
    from govsim.experiments.calibration.screen import MAX_FREE
    from govsim.model.parameters import CALIBRATED_PATH

    broken = pattern_check(record)
    if broken and any(broken):
        names = sorted({name for seed in broken for name in seed})
        return (
            f"not installed: the set breaks the report's pattern check(s) {', '.join(names)} "
            f"in national runs (on {sum(bool(b) for b in broken)} of {len(broken)} seeds)"
        )
    count = fitted_count(record)
    if count is not None and count > MAX_FREE:
        return f"not installed: {count} fitted values, more than the {MAX_FREE} issue 14 allows"
    if not CALIBRATED_PATH.exists():
        return None
    try:
        installed = json.loads(CALIBRATED_PATH.read_text())
        fit = installed["fit"]
        key = "inside_margin_median" if "inside_margin_median" in fit else "inside_margin"
        previous = float(fit[key])
    except (ValueError, KeyError, TypeError):
        return None
    held = fitted_count(installed)
    if held is not None and held > MAX_FREE:
        return None
    new = float(record["fit"].get(key, record["fit"]["inside_margin"]))
    if new >= previous:
        return None
    what = "median over replication seeds" if key == "inside_margin_median" else "one seed"
    return (
        f"not installed: {new:g} of {record['fit']['target_figures']} target figures inside "
        f"the margin against {previous:g} for the installed set ({what}; {CALIBRATED_PATH})"
    )


def _csv(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_csv(tmp, index=False)
    tmp.replace(path)


def write(
    result: cal.CalibrationResult,
    choice: Choice,
    rep: Report,
    record: dict[str, Any],
    settings: PipelineSettings,
) -> list[str]:
    """Stage 4: the report folder's files (each atomically); returns their names."""
    out = settings.out
    pops = cal.population_table(result.history)
    particles, weights = cal.posterior(result.history)
    _csv(rep.replications, out / "replications.csv")
    _csv(rep.seeds, out / "acceptance_seeds.csv")
    _csv(rep.table.drop(columns=["key"]), out / "fit.csv")
    _csv(particles.assign(weight=weights), out / "posterior.csv")
    _csv(pops, out / "populations.csv")
    scores = [{"candidate": k, "mean_distance": v} for k, v in choice.scores.items()]
    _csv(pd.DataFrame(scores), out / "candidates.csv")
    fr.plot_fit(rep.table, out / "fit_targets.png", ["fit", "holdout"], "target figures")
    fr.plot_fit(rep.table, out / "fit_inputs.png", ["input"], "input figures (never fitted)")
    fr.plot_posterior(particles, weights, choice.values, out)
    fr.plot_epsilon(pops, out / "epsilon.png")
    fr.write_markdown(
        out / "report.md",
        provenance=record["provenance"],
        chosen=choice.values,
        table=rep.table,
        errors=rep.errors,
        acceptance=rep.acceptance,
        pops=pops,
        scores=choice.scores,
        posterior_table=rep.posterior,
    )
    fr.write_json_atomic(out / "calibrated_parameters.json", record)
    return sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))


def run(settings: PipelineSettings) -> Outcome:
    """The whole calibration: sample, choose, report, write (and install if asked).

    Raises:
        CalibrationError: For a stored run (``resume``, ``report_only``) without its history
            database; nothing is made then (``out`` only once the stored run is read).
    """
    from govsim.model.parameters import CALIBRATED_PATH

    started = time.time()
    stored_run = settings.resume or settings.report_only
    if stored_run and not settings.database.is_file():
        what = "--resume" if settings.resume else "--report-only"
        raise CalibrationError(
            f"no calibration database at {settings.database}: {what} needs the history "
            "database of an earlier govsim calibrate run; nothing was written. Allowed: the "
            "--out folder of a run that wrote one (its calibration.db) or that database as "
            "--db, or a new run without --resume and --report-only"
        )
    if not stored_run:
        settings.out.mkdir(parents=True, exist_ok=True)  # by default its new database goes in it
    if settings.warm_start and not stored_run:
        # a stored run keeps the start it was made with
        start = warm_start_point(settings.calibration)
        settings = replace(settings, calibration=replace(settings.calibration, start=start))
    result = sample(settings)
    settings.out.mkdir(parents=True, exist_ok=True)  # a stored run's report: made only now
    session = time.time() - started
    choice = choose(result, settings)
    rep = report(result, choice, settings)
    record = calibrated_record(result, choice, rep, settings)
    files = write(result, choice, rep, record, settings)
    refusal = install_refusal(record) if settings.install and not settings.quick else None
    installed = settings.install and not settings.quick and refusal is None
    if installed:
        fr.write_json_atomic(CALIBRATED_PATH, record)
        log.info("installed as the model's defaults: %s", CALIBRATED_PATH)
    stats = cal.summary(result)
    return Outcome(
        out=settings.out,
        run_id=stats["run_id"],
        resumed=result.resumed,
        stats=stats,
        record=record,
        acceptance=rep.acceptance,
        errors=rep.errors,
        installed=installed,
        session_seconds=session,
        total_seconds=time.time() - started,
        files=files,
        not_installed=refusal,
    )
