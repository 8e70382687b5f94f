"""ABC-SMC calibration of the model to the 2017 survey, with pyabc and its SQLite history.

One simulation = build the model with a particle's parameters, run it to the survey month
(2017-08), interview **all** its municipalities with the virtual questionnaire and weight the
size classes as in the real response (`experiments.survey.questionnaire.response_weights`): the
expected value of the 126-respondent survey without its sampling noise, which the distance then
compares with the published figures, weighted by the survey's own sampling error
(`experiments.calibration.distance`).

**Patterns as constraints.** A particle whose run breaks one of the report's patterns that can
be seen by the survey date (P1, P4, P5, P6, P7, P8, P12; see `pattern_shortfalls`) gets a graded
penalty added to its distance: by how much each check misses, in margins of the survey
(`pattern_penalty`; 0 when every pattern holds). The calibration looks for parameters that fit
the survey *and* keep the dynamics the report describes (pattern-oriented modelling, Grimm et
al. 2005), and its threshold falls while the patterns are being repaired (a flat 1000 per
broken pattern, used before, stalled it when every particle broke one).

**Sampling.** The perturbation kernel is the product of one-dimensional normal kernel densities,
one per parameter, each with a defensive mixture and truncated to the parameter's prior, so no
proposal is redrawn (`make_transition`, `kernels.BoundedNormalTransition`), widened by
`CalibrationSettings.kernel_scaling` so the importance weights stay spread (pyabc's effective
sample size per generation is in `population_table`), and the threshold a quantile of the last
generation's distances (`CalibrationSettings.epsilon_alpha`).

**Store and resume.** The history is pyabc's SQLite database (``sqlite:///PATH``); the
calibration settings are stored with the run (pyabc ``meta_info``), so ``resume`` continues a
stopped run (interrupted, or finished at fewer generations) with the same targets and priors.

**Reproducibility.** The simulation of a particle is seeded from the run seed and the
particle's values, so a given parameter set always gives the same simulated survey. pyabc's
parallel samplers reseed their worker processes from the operating system, so *which*
particles are proposed differs between runs; only ``n_procs=1`` (single-core sampler, seeded
with the run seed) repeats a calibration exactly.
"""

from __future__ import annotations

import ast
import hashlib
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from govsim.experiments.calibration.distance import (
    SurveyDistance,
    observed_statistics,
    select_cells,
    simulated_statistics,
)
from govsim.experiments.calibration.priors import Prior, pyabc_prior, select_priors, split
from govsim.experiments.survey import simulate
from govsim.experiments.survey.items import INSTRUMENT_DEFAULTS, READ_WITH, SPLIT_FROM
from govsim.experiments.survey.observed import MARGIN_OF_ERROR_90
from govsim.experiments.survey.questionnaire import SURVEY_MONTH
from govsim.experiments.survey.simulate import SimulatedSurvey
from govsim.model.parameters import defaults
from govsim.model.timeline import DOMAINS

CALIBRATION_PANEL: tuple[str, ...] = (
    "Noord-Brabant",
    "Zuid-Holland",
    "Utrecht",
    "Groningen",
    "Friesland",
)
"""Provinces simulated during the ABC (197 municipalities, about half the population, every
size class: 13 / 58 / 85 / 25 / 16). The model's municipalities differ only in population and
region, so the response-weighted shares of this panel estimate the national ones at half the
cost of a national run; the extra simulation noise (a share's standard error rises from about
2.5 to 3.6 points at p = 0.5) is about the survey's own. The fit report's replications run on
all 388 municipalities. ``--municipalities`` changes the panel."""

SOME = 0.05
"""'Sommige' and 'anderen' (§4.3) read as at least this share of the municipalities (P12)."""
TIGHT_PLAN = 0.5
"""A straight-line plan from January 2013 to entry in January 2015 stands at half a year before
entry (January 2014): a lead time 'te krap' (§3.3) leaves the transition behind it (P1:tight)."""
PATTERN_SCALE = MARGIN_OF_ERROR_90 / 100.0
"""A pattern's shortfall (a share or level in [0, 1]) is counted in margins of the survey's
error, 6.1 points (report Bijlage 1): missing a pattern by one margin adds 1 to the distance."""
PATTERN_TIE = 0.001
"""Shortfall of a strict check broken by an exact tie (a tenth of a point; e.g. no reversion
at all against "reversions occur"), so that a broken check never counts 0."""
PATTERN_MISSING = 1.0
"""Shortfall of a check on a missing value (NaN): the whole [0, 1] scale."""
PATTERN_KEY = "pattern_violations"
"""Summary statistic holding the number of broken patterns (not a survey figure)."""
PATTERN_PREFIX = "pattern:"
"""Prefix of the summary statistics holding each check's shortfall (``pattern:P8:...``)."""
META_KEY = "govsim_calibration"
"""Key of the calibration settings in the pyabc run's meta information."""

log = logging.getLogger("govsim.calibrate")


class CalibrationError(RuntimeError):
    """A calibration that cannot run or resume as asked."""


ANSWERS: tuple[str, ...] = ("expected", "sampled")
"""How simulated answers become survey figures in the distance (see `CalibrationSettings`)."""
KERNELS: tuple[str, ...] = ("joint", "marginal")
"""Perturbation kernels of the ABC (`make_transition`)."""
KERNEL = "marginal"
"""Default `CalibrationSettings.kernel` (docs/calibration.md §4, §12)."""
KERNEL_SCALING = 8.0
"""Default `CalibrationSettings.kernel_scaling` (pyabc's default is 1). Measured with 150
particles and 15 free parameters (docs/calibration.md §12): at 8 the effective sample size stayed
at 35-64% of the population in every generation of an 11-generation run; at 4 it fell to 10% at
the end. Few particles need less (`pipeline.QUICK` uses 4): Silverman's bandwidth grows as the
population shrinks, and a wide kernel then proposes mostly outside the priors."""
MAX_MINUTES = 25.0
"""Default `CalibrationSettings.max_walltime_minutes`: pyabc checks it between generations, so
with the last generation a full run samples for at most about 30 minutes on two cores."""
EPSILON_ALPHA = 0.5
"""Default `CalibrationSettings.epsilon_alpha` (the median, pyabc's default)."""
PATTERN_MARGIN = 0.01
"""Default `CalibrationSettings.pattern_margin`: in the judging after the ABC a pattern check
holds only with one point (a share of 0.01) to spare. The chosen set is judged on a few runs and
must keep the patterns on the install check's other seeds: where the fit pulls a compared
quantity to its pattern's threshold, it lands on the edge, and a run's noise breaks it on
about half of other seeds. At the point of the run of 7 Dec 2026 (``out/cal_v9``) the social
transition of January 2014 (P1:tight) varied by about half a point between runs, so one point
is about two of its standard deviations (docs/calibration.md §18)."""
PATTERN_JUMP = 3.0
"""Default `CalibrationSettings.pattern_jump`: what every broken pattern check adds to the
distance of the local search and of the scoring after the ABC, on top of the graded penalty
(which adds 1 per survey margin of shortfall). The install rules refuse a set that breaks a
pattern on any acceptance seed, so the judging treats a break almost as a constraint: at 3 a
break on one of the local search's three replications costs 1, more than the 0.3-0.8 by which
its last points differ. With the graded penalty alone the 15-parameter run of the morning of
7 Dec 2026 (``out/cal_v7``) broke P12, P8 and P1 by 0.1-5.4 points on the acceptance seeds;
with a jump of 1 the later run (``out/cal_v9``) broke P1:tight and P12:wait on 2 of 4 seeds.
A jump alone does not keep the chosen set off a pattern's edge (at 3, without
`PATTERN_MARGIN`, the same run broke P1:tight on all four: the smallest of noisy scores wins on
the lucky draws); with the margin it does (docs/calibration.md §18)."""


@dataclass(frozen=True)
class CalibrationSettings:
    """Everything that defines a calibration run (stored with the run for ``resume``).

    Attributes:
        population: Particles per generation.
        generations: Maximum number of generations (populations) in total.
        seed: Run seed (simulation seeds derive from it and the particle).
        municipalities: Province or municipality subset (None: all 388).
        targets: Patterns of the target figures to fit (None: all; see `select_cells`).
        holdout: Patterns of target figures left out of the fit and reported out-of-sample.
        priors: Names of the free parameters (None: all of `priors.PRIORS`).
        patterns: Whether runs that break the report's patterns are penalised.
        weighting: How the figures are weighted in the distance (``"margin"``: the report's
            margin of error for every figure; ``"binomial"``: the sampling error at each
            observed share; see `experiments.calibration.distance`).
        min_epsilon: Stop when the acceptance threshold falls below this (1 = within the
            survey's sampling error on average).
        max_simulations: Stop after this many simulations of the run in total, over all
            sessions (None: no limit).
        max_walltime_minutes: Stop a session after the first generation that ends later than
            this many minutes after its start (None: no limit). pyabc checks it between
            generations only, so a session overruns by up to one generation (the last
            generation of the full default run took 6 minutes, 3,418 simulations).
        min_acceptance_rate: Abandon a generation (and stop) once it has run
            ``population / min_acceptance_rate`` simulations without accepting ``population``
            particles (pyabc's ``min_acceptance_rate``): bounds that overrun (at the default 0.04
            and population 150: 3,750 simulations, about 6.5 minutes on two cores).
        answers: How the simulated secretaries' answers become survey figures: ``"expected"``
            (the shares expected over the answer noise, in closed form,
            `experiments.survey.questionnaire.answer_probabilities`) or ``"sampled"`` (one draw
            of every respondent's answer noise per simulation, as a single survey would give;
            the only way before 29 Nov 2026, so a stored run without this setting resumes with
            it). Expected shares take the instrument's sampling noise out of the distance: on
            the panel one draw moves a figure by about 2-3 points (sd), a third of the margin.
        start: Values of the free parameters scored as one more start of the local search
            after the ABC (the warm start: the calibrated set installed when the run began,
            `experiments.calibration.cli.warm_start_point`); None: the ABC's point only.
            Stored with the run, so ``--resume`` and ``--report-only`` start from the same.
        kernel: The perturbation kernel (`make_transition`): ``"marginal"``, the product of
            one-dimensional kernel densities, one per parameter (pyabc's
            ``AggregatedTransition``), or ``"joint"``, one kernel density over all parameters
            (the only kernel before issue 14). In 15 dimensions the joint density varies by
            orders of magnitude between its own samples and leaks out of the prior box, so the
            importance weights degenerate (docs/calibration.md §12).
        kernel_scaling: Factor on the covariance of pyabc's perturbation kernels
            (``MultivariateNormalTransition(scaling=...)``, on top of Silverman's bandwidth).
            A wider kernel makes the proposal flatter over the accepted region, so the
            importance weights (prior / proposal) vary less and the effective sample size stays
            up, at the price of a lower acceptance rate and, for the joint kernel, many
            proposals outside the priors (redrawn by pyabc).
        epsilon_alpha: Quantile of the last generation's distances that becomes the next
            threshold (pyabc's ``QuantileEpsilon(alpha)``; 0.5 the median).
        pattern_jump: Added to the distance per broken pattern check when the candidates are
            judged after the ABC and in the local search (`PenalisedDistance`); the ABC itself
            uses the graded penalty only, so that its threshold can follow a repair.
        pattern_margin: In that judging, what every pattern check must keep to spare
            (`pattern_shortfalls`): a set on the edge of a pattern breaks it on other seeds.
        judge_nationally: Judge the candidates after the ABC and run the local search on all
            388 municipalities (the acceptance runs' scope) instead of ``municipalities``: a
            pattern such as P12 (a few municipalities wait) held on the 5-province panel and
            broke nationally (docs/calibration.md §17).
    """

    population: int = 150
    generations: int = 16
    seed: int = 20170801
    municipalities: tuple[str, ...] | None = CALIBRATION_PANEL
    targets: tuple[str, ...] | None = None
    holdout: tuple[str, ...] | None = None
    priors: tuple[str, ...] | None = None
    patterns: bool = True
    weighting: str = "margin"
    min_epsilon: float = 1.0
    max_simulations: int | None = 60_000
    max_walltime_minutes: float | None = MAX_MINUTES
    min_acceptance_rate: float = 0.04
    answers: str = "expected"
    start: dict[str, float] | None = None
    kernel: str = KERNEL
    kernel_scaling: float = KERNEL_SCALING
    epsilon_alpha: float = EPSILON_ALPHA
    pattern_jump: float = PATTERN_JUMP
    pattern_margin: float = PATTERN_MARGIN
    judge_nationally: bool = True

    def __post_init__(self) -> None:
        if self.answers not in ANSWERS:
            raise ValueError(f"answers must be one of {', '.join(ANSWERS)}, got {self.answers!r}")
        if self.kernel not in KERNELS:
            raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, got {self.kernel!r}")
        if not self.kernel_scaling > 0:
            raise ValueError(f"kernel_scaling must be more than 0, got {self.kernel_scaling}")
        if not 0 < self.epsilon_alpha <= 1:
            raise ValueError(f"epsilon_alpha must be in (0, 1], got {self.epsilon_alpha}")
        if not self.pattern_jump >= 0:
            raise ValueError(f"pattern_jump must be 0 or more, got {self.pattern_jump}")
        if not 0 <= self.pattern_margin <= 0.1:
            raise ValueError(f"pattern_margin must be from 0 to 0.1, got {self.pattern_margin}")

    def to_json(self) -> str:
        """The settings as JSON."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CalibrationSettings:
        """Settings from `to_json` output."""
        raw = json.loads(text)
        unknown = sorted(set(raw) - set(cls.__dataclass_fields__))
        if unknown:
            raise CalibrationError(
                f"stored calibration settings name unknown fields {', '.join(unknown)}: the run "
                "was made by another version of govsim; start a new database"
            )
        for key in ("municipalities", "targets", "holdout", "priors"):
            if raw.get(key) is not None:
                raw[key] = tuple(raw[key])
        return cls(**raw)

    def judging_municipalities(self) -> tuple[str, ...] | None:
        """Where the candidates are judged and the local search runs (None: all 388)."""
        return None if self.judge_nationally else self.municipalities

    def judging_distance(self) -> PenalisedDistance:
        """The distance of the judging after the ABC: graded penalty plus `pattern_jump`."""
        return PenalisedDistance(
            self.fit_cells(), self.patterns, self.weighting, jump=self.pattern_jump
        )

    def judging_simulator(self, seed: int, **options: Any) -> SurveySimulator:
        """The simulator of the judging after the ABC (scoring and the local search).

        On `judging_municipalities`, each pattern check with `pattern_margin` to spare;
        ``options`` are further `SurveySimulator` fields (common random numbers, the base values
        of the local search).
        """
        return SurveySimulator(
            seed,
            self.judging_municipalities(),
            answers=self.answers,
            tied=self.tied_settings(),
            pattern_margin=self.pattern_margin,
            **options,
        )

    def fit_cells(self):
        """The target figures fitted (targets minus hold-out)."""
        return select_cells(self.targets, self.holdout)

    def tied_settings(self) -> dict[str, str]:
        """Split-off instrument settings no fitted figure is read with, and their source.

        A setting split off another (`experiments.survey.items.SPLIT_FROM`) is informed only
        by the figures it reads (`READ_WITH`): a hold-out of Table 5 leaves ``change_noise``
        to its prior, and the held-out figures would be predicted with an arbitrary reading
        error. Such a setting is not free in the run; it takes the value of the setting it was
        split from, as a calibrated set from before the split does.
        """
        fitted = set(self.fit_cells()["source_table"])
        return {name: src for name, src in SPLIT_FROM.items() if not fitted & READ_WITH[name]}

    def free_priors(self) -> tuple[Prior, ...]:
        """The run's free parameters: the selected priors less the `tied_settings`."""
        tied = self.tied_settings()
        return tuple(p for p in select_priors(self.priors) if p.name not in tied)

    def holdout_cells(self):
        """The target figures reported out-of-sample (hold-out, or all not in ``targets``)."""
        fitted = set(self.fit_cells()["key"])
        cells = select_cells()
        return cells[~cells["key"].isin(fitted)].reset_index(drop=True)


def with_tied(instrument: Mapping[str, float], tied: Mapping[str, str]) -> dict[str, float]:
    """The instrument settings with every tied setting set to its source's value."""
    out = dict(instrument)
    for name, source in tied.items():
        if source in out:
            out[name] = out[source]
    return out


def full_instrument(
    instrument: Mapping[str, float],
    tied: Mapping[str, str] | None = None,
    base: Mapping[str, float] = INSTRUMENT_DEFAULTS,
) -> dict[str, float]:
    """Every instrument setting: ``instrument``'s, the rest from ``base`` (the declared values).

    The survey path fills a setting it is not given from the *installed* calibrated set
    (`simulate.simulate_survey`); a calibration must not, or the settings it leaves fixed
    would carry the values an earlier fit gave them (docs/calibration.md §12).
    """
    return with_tied({**base, **instrument}, tied or {})


def particle_seed(seed: int, particle: Mapping[str, float]) -> np.random.SeedSequence:
    """Seed of one simulation: from the run seed and the particle's values."""
    text = json.dumps({k: round(float(v), 12) for k, v in sorted(particle.items())})
    digest = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
    return np.random.SeedSequence([int(seed), digest])


def _shortfall(gaps: Sequence[float], strict: bool = True) -> float:
    """How far a check of ``gap < 0`` (strict) or ``gap <= 0`` for every gap is from holding.

    The sum of the positive gaps, in the units the check compares; 0 exactly when the check
    holds. A strict check broken by a tie (gap exactly 0: no reversion at all against "more
    than none") gets `PATTERN_TIE`, and a check on a missing value (NaN) `PATTERN_MISSING`, so
    the shortfall is positive exactly when the check fails.
    """
    values = [float(g) for g in gaps]
    if any(np.isnan(g) for g in values):
        return PATTERN_MISSING
    broken = any(g >= 0.0 if strict else g > 0.0 for g in values)
    if not broken:
        return 0.0
    return sum(max(g, 0.0) for g in values) + (PATTERN_TIE if strict else 0.0)


def pattern_shortfalls(model: Any, margin: float = 0.0) -> dict[str, float]:
    """Per check of the report's patterns: how far a run in the survey month is from keeping it.

    The checks are those of ``tests/test_patterns.py`` that a run to the survey month can show,
    on the national means of the run (every compared quantity is a share or level in [0, 1]):

    - P1: at 3D entry the social transition exceeds 0.5, twice the transformation, and the
      transformation is below 0.3; and the 3D lead time was "te krap" (§3.3): a year before
      entry the social transition is behind the even pace of a straight-line plan (below half);
    - P12: "Sommige gemeentesecretarissen kiezen ervoor om te wachten ..., anderen kiezen ervoor
      om actief te lobbyen" (§4.3): in 2017 at least `SOME` of the municipalities wait and at
      least `SOME` front-run in the physical domain;
    - P4: in 2017 college and council attention to the physical domain stay below the social;
    - P5: in 2017 social cooperation exceeds physical and has grown since 2013;
    - P6: staff adoption stays below 1 - resister_share / 2 and reversions occur;
    - P7: secretaries' satisfaction with the 3D in 2017 exceeds their satisfaction at entry;
    - P8: desired collaborative + responsive steering exceeds the actual in 2017, and in 2017
      transition exceeds transformation in both domains.

    Args:
        model: A run standing in the survey month (with its national series).
        margin: How much every compared quantity must keep to spare (in its own units, a share
            of 0.01 is a point): 0 for the report's patterns themselves (the ABC, the install
            check); `CalibrationSettings.pattern_margin` when candidates are judged, so that the
            chosen set keeps the patterns on other seeds too.

    Returns:
        Check name -> shortfall (`_shortfall`: the sum of the amounts by which the compared
        quantities miss, 0 where the check holds), in the order of the list above.
    """

    def check(gaps: Sequence[float], strict: bool = True) -> float:
        return _shortfall([float(g) + margin for g in gaps], strict)

    series = model.national_series()
    out: dict[str, float] = {}
    entry = series.loc["2015-01-01"]
    t, f = entry["transition_social"], entry["transformation_social"]
    out["P1"] = check([0.5 - t, f - 0.3, 2 * f - t, 0.3 - (t - f)])
    out["P1:tight"] = check([series.loc["2014-01-01", "transition_social"] - TIGHT_PLAN])
    year = series.loc["2017"]
    for strategy in ("wait", "front_run"):
        share = year[f"strategy_physical_{strategy}"].mean()
        out[f"P12:{strategy}"] = check([SOME - share], strict=False)
    for body in ("college_attention", "council_attention"):
        gap = year[f"{body}_physical"].mean() - year[f"{body}_social"].mean()
        out[f"P4:{body}"] = check([gap])
    coop = series["cooperation_social"]
    social = year["cooperation_social"].mean()
    out["P5"] = check([year["cooperation_physical"].mean() - social, coop.iloc[0] - social])
    bound = 1.0 - model.params["resister_share"] / 2.0
    for d in DOMAINS:
        out[f"P6:{d}"] = check([series[f"staff_adoption_{d}"].max() - bound])
    out["P6:reversions"] = check([-(model.staff.adoptions > 1).mean()])
    sec = model.secretaries
    gap = np.nanmean(sec.satisfaction_at_entry[:, 0]) - np.nanmean(sec.satisfaction[:, 0])
    out["P7"] = check([gap])
    for d, dom in enumerate(DOMAINS):
        desired = sec.desired_mix[:, d, 2:].sum(axis=1).mean()
        actual = (year[f"mix_{dom}_collaborative"] + year[f"mix_{dom}_responsive"]).mean()
        out[f"P8:steering_{dom}"] = check([actual - desired])
        gap = year[f"transformation_{dom}"].mean() - year[f"transition_{dom}"].mean()
        out[f"P8:transition_{dom}"] = check([gap])
    return out


def pattern_violations(model: Any) -> list[str]:
    """The report's patterns broken by a run standing in the survey month (2017-08).

    The checks of `pattern_shortfalls` (see there for the patterns and their sources).

    Returns:
        Short names of the broken patterns (empty when all hold).
    """
    return broken_patterns(pattern_shortfalls(model))


def broken_patterns(shortfalls: Mapping[str, float]) -> list[str]:
    """Names of the checks with a positive shortfall (`pattern_shortfalls`)."""
    return [name for name, value in shortfalls.items() if value > 0.0]


def pattern_penalty(shortfalls: Mapping[str, float] | Sequence[float]) -> float:
    """The graded pattern penalty: every check's shortfall in margins of the survey.

    ``sum_k shortfall_k / PATTERN_SCALE``: a run that misses a pattern by the survey's margin
    of error (6.1 points of a share) adds 1, what a survey fit off by its own sampling error
    on every figure scores; 0 exactly when every pattern holds. Unlike the flat penalty of
    earlier rounds (1000 per broken pattern) it falls while the patterns are being repaired,
    so the ABC's threshold can follow.
    """
    values = shortfalls.values() if isinstance(shortfalls, Mapping) else shortfalls
    return float(sum(float(v) for v in values)) / PATTERN_SCALE


@dataclass
class SurveySimulator:
    """The pyabc model: a particle's parameters -> simulated survey figures.

    Args:
        seed: Run seed.
        municipalities: Optional subset of municipalities.
        base: Parameter values for everything the particle does not set (default: the
            *declared* defaults, so a calibration never depends on an earlier calibrated set).
        instrument_base: The same for the instrument settings (default: their declared
            values, `INSTRUMENT_DEFAULTS`; see `full_instrument`).
        common_random_numbers: Seed every particle's simulation from ``seed`` alone instead of
            from ``seed`` and the particle (`particle_seed`): two parameter sets are then
            compared on the same random draws (used by `experiments.calibration.polish`).
        answers: ``"expected"`` or ``"sampled"`` (see `CalibrationSettings`).
        tied: Instrument settings that take the value of another
            (`CalibrationSettings.tied_settings`).
        pattern_margin: What the pattern checks must keep to spare (`pattern_shortfalls`; 0
            in the ABC, `CalibrationSettings.pattern_margin` when candidates are judged).
    """

    seed: int
    municipalities: tuple[str, ...] | None = None
    base: dict[str, float] = field(default_factory=lambda: defaults(calibrated=False))
    instrument_base: dict[str, float] = field(default_factory=lambda: dict(INSTRUMENT_DEFAULTS))
    common_random_numbers: bool = False
    answers: str = "expected"
    tied: dict[str, str] = field(default_factory=dict)
    pattern_margin: float = 0.0

    def seed_sequence(self, particle: Mapping[str, float]) -> np.random.SeedSequence:
        """Seed sequence of a particle's simulation (model and interview streams spawn from it)."""
        if self.common_random_numbers:
            return np.random.SeedSequence(int(self.seed))
        return particle_seed(self.seed, particle)

    def parameters(
        self, particle: Mapping[str, float]
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Full model parameters and the instrument settings of a particle."""
        model_part, instrument = split(particle)
        return {**self.base, **model_part}, full_instrument(
            instrument, self.tied, self.instrument_base
        )

    def survey(self, particle: Mapping[str, float], seed: Any = None) -> SimulatedSurvey:
        """The particle's simulated survey (`simulate_survey`, every municipality, weighted).

        ``seed`` replaces the particle's own seed sequence (`seed_sequence`).
        """
        params, instrument = self.parameters(particle)
        return simulate.simulate_survey(
            params,
            instrument,
            self.seed_sequence(particle) if seed is None else seed,
            SURVEY_MONTH,
            municipalities=self.municipalities,
            sample="all",
            weighting="response",
            expected=self.answers == "expected",
            collect=True,  # the pattern check reads the national series
        )

    def run(self, particle: Mapping[str, float], seed: Any = None) -> Any:
        """The particle's model, run to the survey month (the one `survey` interviews)."""
        return self.survey(particle, seed).model

    def __call__(self, particle: Mapping[str, float]) -> dict[str, float]:
        """Simulated survey shares (response-weighted, all municipalities) and the patterns.

        Besides the figures: each pattern check's shortfall (`PATTERN_PREFIX` + name,
        `pattern_shortfalls`) and the number of broken checks (`PATTERN_KEY`).
        """
        survey = self.survey(particle)
        stats = simulated_statistics(survey.table)
        shortfalls = pattern_shortfalls(survey.model, self.pattern_margin)
        stats.update({PATTERN_PREFIX + name: value for name, value in shortfalls.items()})
        stats[PATTERN_KEY] = float(len(broken_patterns(shortfalls)))
        return stats


def stored_shortfalls(x: Mapping[str, float]) -> dict[str, float]:
    """The pattern shortfalls held in simulated summary statistics (`SurveySimulator`)."""
    n = len(PATTERN_PREFIX)
    return {k[n:]: float(v) for k, v in x.items() if k.startswith(PATTERN_PREFIX)}


class PenalisedDistance(SurveyDistance):
    """`SurveyDistance` plus the graded `pattern_penalty` of the simulated run.

    Args:
        cells: The fitted target figures.
        patterns: Whether the report's patterns are penalised at all.
        weighting: How the figures are weighted (`SurveyDistance`).
        jump: Added per broken check on top of the graded penalty (0 in the ABC;
            `CalibrationSettings.pattern_jump` when candidates are judged).
    """

    def __init__(
        self, cells, patterns: bool = True, weighting: str = "margin", jump: float = 0.0
    ) -> None:
        super().__init__(cells, weighting)
        self.patterns = patterns
        self.jump = float(jump)

    def penalty(self, x: Mapping[str, float]) -> float:
        """The pattern penalty of simulated statistics ``x`` (0 when patterns are off)."""
        if not self.patterns:
            return 0.0
        shortfalls = list(stored_shortfalls(x).values())
        return pattern_penalty(shortfalls) + self.jump * sum(v > 0 for v in shortfalls)

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float], *args, **kwargs) -> float:
        """Survey distance, plus the pattern penalty when enabled."""
        return super().__call__(x, x0) + self.penalty(x)


def db_url(path: Path | str) -> str:
    """SQLAlchemy URL (as pyabc takes it) of an SQLite file."""
    return f"sqlite:///{Path(path).resolve()}"


def make_sampler(n_procs: int = 2, scheduler: str | None = None, seed: int | None = None):
    """A pyabc sampler: Dask with a scheduler address, else multicore (or single core).

    The local samplers check the evaluation cap of ``min_acceptance_rate`` while they sample
    (``check_max_eval``), so a generation that cannot reach it is cut short; pyabc's Dask sampler
    has no such check and stops the run after such a generation instead.
    """
    import pyabc

    if scheduler:
        from distributed import Client

        return pyabc.sampler.DaskDistributedSampler(dask_client=Client(scheduler), batch_size=4)
    if n_procs <= 1:
        if seed is not None:
            np.random.seed(seed % 2**32)  # noqa: NPY002 - pyabc samples with the legacy global
        return pyabc.sampler.SingleCoreSampler(check_max_eval=True)
    return pyabc.sampler.MulticoreEvalParallelSampler(n_procs=n_procs, check_max_eval=True)


def stored_settings(path: Path | str, run_id: int | None = None) -> tuple[int, CalibrationSettings]:
    """The run id (latest if None) and settings of a calibration stored in ``path``."""
    import pyabc

    if not Path(path).exists():
        raise CalibrationError(f"no calibration database at {path}")
    history = pyabc.History(db_url(path))
    runs = history.all_runs()
    if not runs:
        raise CalibrationError(f"{path} holds no calibration run")
    rid = int(run_id) if run_id is not None else max(int(r.id) for r in runs)
    if rid not in {int(r.id) for r in runs}:
        raise CalibrationError(f"{path} has no run {rid} (runs: {[int(r.id) for r in runs]})")
    history.id = rid
    options = ast.literal_eval(history.get_abc().json_parameters or "{}")
    if META_KEY not in options:
        raise CalibrationError(f"run {rid} in {path} was not made by govsim calibrate")
    return rid, CalibrationSettings.from_json(options[META_KEY])


@dataclass
class CalibrationResult:
    """What a calibration session produced."""

    db: Path
    run_id: int
    settings: CalibrationSettings
    history: Any
    wall_time: float
    resumed: bool


DEFENSIVE_SHARE = 0.5
"""Share of the perturbation mixture spread evenly over the last population's particles."""


def defensive_transition(share: float = DEFENSIVE_SHARE, scaling: float = 1.0):
    """The multivariate normal kernel of pyabc with a *defensive* mixture (Hesterberg 1995).

    pyabc perturbs particles drawn with their importance weights. In 16 dimensions those
    weights degenerate after one generation (an effective sample size of a few particles), the
    weighted covariance of the kernel becomes near-singular, and in trials the proposal density
    underflowed until pyabc stopped on a NaN weight. Here the mixture weights are
    ``(1 - share) w + share / n``: every accepted particle keeps a floor share of the proposals
    and of the covariance. The new particles' importance weights use the density of this same
    mixture, so the posterior stays exactly weighted. ``scaling`` is pyabc's factor on the
    kernel covariance (`CalibrationSettings.kernel_scaling`).
    """
    import pyabc

    class DefensiveMultivariateNormalTransition(pyabc.MultivariateNormalTransition):
        def fit(self, X, w):
            w = np.asarray(w, dtype=np.float64)
            w = w / w.sum()
            super().fit(X, (1.0 - share) * w + share / len(w))

    return DefensiveMultivariateNormalTransition(scaling=scaling)


def make_transition(kernel: str, priors: Sequence[Prior], scaling: float = 1.0):
    """The perturbation kernel of `CalibrationSettings.kernel` over the parameters of ``priors``.

    ``"joint"``: one `defensive_transition` over all parameters (a 15-dimensional kernel
    density). ``"marginal"``: pyabc's ``AggregatedTransition`` of one defensive kernel density
    per parameter, truncated to the parameter's prior (`kernels.BoundedNormalTransition`), so
    the proposal is the product of the one-dimensional kernel densities of the parameters (each
    parameter perturbed from its own draw of the last population) and never leaves the priors.
    """
    import pyabc

    from govsim.experiments.calibration.kernels import BoundedNormalTransition

    if kernel not in KERNELS:
        raise ValueError(f"kernel must be one of {', '.join(KERNELS)}, got {kernel!r}")
    if kernel == "joint":
        return defensive_transition(scaling=scaling)
    return pyabc.AggregatedTransition(
        {p.name: BoundedNormalTransition(p.low, p.high, DEFENSIVE_SHARE, scaling) for p in priors}
    )


def build_abc(settings: CalibrationSettings, sampler: Any):
    """The pyabc ABCSMC object for ``settings``."""
    import pyabc

    priors = settings.free_priors()
    distance = PenalisedDistance(settings.fit_cells(), settings.patterns, settings.weighting)
    simulator = SurveySimulator(
        settings.seed,
        settings.municipalities,
        answers=settings.answers,
        tied=settings.tied_settings(),
    )
    return pyabc.ABCSMC(
        simulator,
        pyabc_prior(priors),
        distance,
        population_size=settings.population,
        transitions=make_transition(settings.kernel, priors, settings.kernel_scaling),
        sampler=sampler,
        eps=pyabc.epsilon.QuantileEpsilon(alpha=settings.epsilon_alpha),
    )


def calibrate(
    settings: CalibrationSettings,
    db: Path | str,
    *,
    resume: bool = False,
    run_id: int | None = None,
    n_procs: int = 2,
    scheduler: str | None = None,
    generations: int | None = None,
    report_only: bool = False,
) -> CalibrationResult:
    """Run (or resume) an ABC-SMC calibration stored in the SQLite database ``db``.

    Args:
        settings: The calibration to run (ignored on resume except for the stopping limits;
            the stored settings are used).
        db: Path of the SQLite file (created if needed; several runs may share it).
        resume: Continue the stored run ``run_id`` (latest if None) up to its total
            generations (or ``generations``) instead of starting a new one.
        run_id: Run to resume.
        n_procs: Worker processes of the multicore sampler (1: single core, seeded).
        scheduler: Address of a Dask scheduler (uses pyabc's Dask sampler).
        generations: On resume, the new total number of generations.
        report_only: Load the stored run ``run_id`` (latest if None) without sampling.

    Returns:
        The result with the pyabc History.
    """
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    if report_only:
        import pyabc

        rid, stored = stored_settings(db, run_id)
        history = pyabc.History(db_url(db))
        history.id = rid
        if history.max_t < 0:
            raise CalibrationError(f"run {rid} in {db} has no complete generation")
        return CalibrationResult(db, rid, stored, history, 0.0, True)
    if resume:
        rid, stored = stored_settings(db, run_id)
        settings = replace(
            stored,
            generations=generations if generations is not None else stored.generations,
            max_walltime_minutes=settings.max_walltime_minutes,
            max_simulations=settings.max_simulations,
        )
    sampler = make_sampler(n_procs, scheduler, settings.seed)
    abc = build_abc(settings, sampler)
    start = time.time()
    if resume:
        history = abc.load(db_url(db), rid)
        done = history.max_t + 1
        remaining = settings.generations - done
        if remaining <= 0:
            log.info("run %d already has %d generations; nothing to do", rid, done)
            if scheduler and hasattr(sampler, "shutdown"):
                sampler.shutdown()
            return CalibrationResult(db, rid, settings, history, 0.0, True)
        log.info("resuming run %d at generation %d of %d", rid, done, settings.generations)
        already = history.total_nr_simulations
    else:
        history = abc.new(
            db_url(db), observed_statistics(), meta_info={META_KEY: settings.to_json()}
        )
        remaining = settings.generations
        already = 0
        log.info(
            "new run %d: %d free parameters, %d target figures, population %d, up to %d "
            "generations",
            history.id,
            len(settings.free_priors()),
            len(settings.fit_cells()),
            settings.population,
            settings.generations,
        )
    limits: dict[str, Any] = {
        "minimum_epsilon": settings.min_epsilon,
        "max_nr_populations": remaining,
        "min_acceptance_rate": settings.min_acceptance_rate,
    }
    if settings.max_simulations is not None:
        # pyabc counts the run's simulations over all sessions
        limits["max_total_nr_simulations"] = settings.max_simulations
        if already >= settings.max_simulations:
            log.info(
                "run %d already used %d of %d simulations: one more generation at most "
                "(raise --max-simulations to continue further)",
                history.id,
                already,
                settings.max_simulations,
            )
    if settings.max_walltime_minutes is not None:
        limits["max_walltime"] = timedelta(minutes=settings.max_walltime_minutes)
    try:
        history = abc.run(**limits)
    except (AssertionError, FloatingPointError, ValueError) as exc:
        # pyabc gives up on a generation whose weights cannot be normalised; the generations
        # stored before it are complete and usable (and the run can be resumed)
        log.warning("pyabc stopped in a generation (%s); using the stored generations", exc)
        history = abc.history
        if history.max_t < 0:
            raise CalibrationError(f"the calibration stopped before any generation: {exc}") from exc
    finally:
        if scheduler and hasattr(sampler, "shutdown"):
            sampler.shutdown()  # close our Dask client (the cluster itself stays up)
    if history.max_t < 0:
        raise CalibrationError(
            "the calibration stopped before any generation: the first generation accepted "
            f"fewer than {settings.population} particles within "
            f"{settings.population / settings.min_acceptance_rate:.0f} simulations "
            f"(min_acceptance_rate {settings.min_acceptance_rate})"
            if settings.min_acceptance_rate > 0
            else "the calibration stopped before any generation"
        )
    return CalibrationResult(db, history.id, settings, history, time.time() - start, resume)


def posterior(history: Any, t: int | None = None):
    """(particles DataFrame, weights) of generation ``t`` (the last if None)."""
    frame, weights = history.get_distribution(m=0, t=history.max_t if t is None else t)
    return frame, np.asarray(weights, dtype=np.float64)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Quantile ``q`` of ``values`` under ``weights``."""
    order = np.argsort(values)
    v, w = np.asarray(values)[order], np.asarray(weights)[order]
    cum = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(q, cum, v))


def candidate_points(history: Any, n_best: int = 3) -> dict[str, dict[str, float]]:
    """Point estimates to choose the calibrated set from.

    The weighted posterior mean, the weighted marginal medians, the unweighted medians of the
    accepted population (robust when the importance weights degenerate), and the ``n_best``
    accepted particles of the last generation with the smallest distance.
    """
    frame, weights = posterior(history)
    names = list(frame.columns)
    out = {
        "posterior_mean": {n: float(np.average(frame[n], weights=weights)) for n in names},
        "posterior_median": {
            n: weighted_quantile(frame[n].to_numpy(), weights, 0.5) for n in names
        },
        "population_median": {n: float(np.median(frame[n])) for n in names},
    }
    dist = history.get_weighted_distances(t=history.max_t)
    order = np.argsort(dist["distance"].to_numpy())[:n_best]
    for rank, i in enumerate(order):
        out[f"best_particle_{rank + 1}"] = {n: float(frame.iloc[i][n]) for n in names}
    return out


def evaluate(
    simulator: SurveySimulator,
    particle: Mapping[str, float],
    distance: PenalisedDistance,
    replications: int,
    seed: int,
    observed: Mapping[str, float] | None = None,
) -> list[float]:
    """Distances of ``replications`` independent simulations of one particle.

    ``observed`` is `observed_statistics()` (read from the survey file when None; a caller
    that evaluates many particles passes it once).
    """
    obs = observed_statistics() if observed is None else observed
    out = []
    for r in range(replications):
        sim = replace(simulator, seed=seed + 7919 * (r + 1))
        out.append(distance(sim(particle), obs))
    return out


def score_points(
    points: Mapping[str, Mapping[str, float]],
    settings: CalibrationSettings,
    replications: int = 4,
    progress: bool = True,
) -> dict[str, float]:
    """Mean penalised distance of each named point over ``replications`` fresh simulations.

    Judged as after the ABC: `CalibrationSettings.judging_distance` (the jump per broken check),
    each check with `CalibrationSettings.pattern_margin` to spare, on
    `CalibrationSettings.judging_municipalities`. The same seeds for every call (run seed + 1),
    so scores of separate calls compare.
    """
    from tqdm import tqdm

    distance = settings.judging_distance()
    simulator = settings.judging_simulator(settings.seed + 1)
    scores = {}
    items = tqdm(points.items(), desc="scoring the calibrated set", disable=not progress)
    for name, values in items:
        scores[name] = float(np.mean(evaluate(simulator, values, distance, replications, 11)))
    return scores


def population_table(history: Any):
    """Per generation: epsilon, particles, simulations, acceptance rate, effective sample size.

    ``ess`` is pyabc's effective sample size (``weighted_statistics.effective_sample_size``) of
    the generation's normalised importance weights, ``ess_share`` the same over the particles;
    ``seconds`` the generation's wall time as pyabc records it.
    """
    from pyabc.weighted_statistics import effective_sample_size

    pops = history.get_all_populations()
    pops = pops[pops["t"] >= 0].copy()
    pops["acceptance_rate"] = pops["particles"] / pops["samples"]
    ess = []
    for t in pops["t"]:
        _, w = history.get_distribution(m=0, t=int(t))
        w = np.asarray(w, dtype=np.float64)
        ess.append(float(effective_sample_size(w / w.sum())))
    pops["ess"] = ess
    pops["ess_share"] = pops["ess"] / pops["particles"]
    pops["seconds"] = pops["wall_time"].astype(float)
    columns = ["t", "epsilon", "particles", "samples", "acceptance_rate", "ess", "ess_share"]
    return pops[[*columns, "seconds"]].reset_index(drop=True)


def summary(result: CalibrationResult) -> dict[str, Any]:
    """Numbers for the provenance record and the closing line of the command."""
    pops = population_table(result.history)
    stored = result.history.get_all_populations()
    abc_run = result.history.get_abc()
    end = abc_run.end_time or stored["population_end_time"].max()
    return {
        "run_id": int(result.run_id),
        "abc_started": abc_run.start_time.isoformat(timespec="seconds"),
        "abc_finished": pd.Timestamp(end).isoformat(timespec="seconds"),
        "abc_wall_time_seconds": round(float(stored["wall_time"].sum()), 1),
        "generations": len(pops),
        "simulations": int(result.history.total_nr_simulations),
        "final_epsilon": float(pops["epsilon"].iloc[-1]) if len(pops) else float("nan"),
        "final_ess": round(float(pops["ess"].iloc[-1]), 1) if len(pops) else float("nan"),
        "session_seconds": round(result.wall_time, 1),
        "stopped": stop_reason(result, len(pops)),
    }


def stop_reason(result: CalibrationResult, generations: int) -> str:
    """Why the ABC stopped, from its settings and what it stored (pyabc does not record it).

    The limits are tried in the order pyabc checks them after a generation; the last case is a
    generation abandoned for its acceptance rate (or pyabc giving up on its weights).
    """
    settings, history = result.settings, result.history
    simulations = int(history.total_nr_simulations)
    stored = history.get_all_populations()
    stored = stored[stored["t"] >= 0]
    final_epsilon = float(stored["epsilon"].iloc[-1])
    sampled = max(result.wall_time, float(stored["wall_time"].astype(float).sum()))
    if generations >= settings.generations:
        plural = "s" if settings.generations != 1 else ""
        return f"it reached {settings.generations} generation{plural} (--generations)"
    if final_epsilon <= settings.min_epsilon:
        return f"epsilon reached its minimum {settings.min_epsilon:g}"
    if settings.max_simulations is not None and simulations >= settings.max_simulations:
        return (
            f"it used its budget of {settings.max_simulations:,} simulations "
            f"({simulations:,}; --max-simulations)"
        )
    minutes = settings.max_walltime_minutes
    if minutes is not None and sampled >= 0.9 * 60 * minutes:  # pyabc: after a generation
        return f"it reached its wall-time limit of {minutes:g} minutes (--max-minutes)"
    return (
        f"a generation did not accept {settings.population} particles within "
        f"{settings.population / max(settings.min_acceptance_rate, 1e-9):,.0f} simulations "
        f"(min_acceptance_rate {settings.min_acceptance_rate:g}), or pyabc gave up on its "
        "weights (see the log)"
    )


def as_list(values: Sequence[str] | None) -> list[str] | None:
    """Tuple -> list for JSON (None stays None)."""
    return None if values is None else list(values)
