"""The one survey path: parameters, instrument settings, a seed and a date -> the figures.

`simulate_survey` is the only function that builds a model for the questionnaire. `govsim
survey`, the ABC's simulator (`experiments.calibration.abc.SurveySimulator`), the local search
and the fit report (`experiments.calibration.fit_report.replicate`) all call it, so they share
one seeding rule (`survey_seeds`) and one way of running the model: a survey fielded in another
month than the 2017 one ("a virtual monitor", issue 14) is the same call with another ``date``.
Observed figures belong to the 2017 fieldwork only (`SimulatedSurvey.comparison`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govsim.experiments.survey.items import INSTRUMENT_DEFAULTS
from govsim.experiments.survey.observed import load_observed
from govsim.experiments.survey.questionnaire import (
    FIELDWORK,
    SURVEY_MONTH,
    compare,
    interview,
)
from govsim.model.calendar import MonthCalendar, parse_date
from govsim.model.seeds import checked_seed

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.governance_model import GovernanceModel


@dataclass(frozen=True)
class SimulatedSurvey:
    """One simulated survey and the model it asked.

    Attributes:
        table: The `interview` table (one row per item, domain, category and source table).
        model: The model, standing at ``date``.
        date: First day of the month the questionnaire was fielded in.
    """

    table: pd.DataFrame
    model: GovernanceModel
    date: dt.date

    @property
    def in_fieldwork(self) -> bool:
        """Whether the date falls in the 2017 fieldwork (July-September 2017)."""
        return FIELDWORK[0] <= self.date <= FIELDWORK[1]

    def comparison(self) -> pd.DataFrame:
        """`compare` with the 2017 figures in the fieldwork; elsewhere no observed figures.

        Outside the fieldwork the ``observed``, ``difference`` and ``within`` columns are empty:
        the 2017 answers say nothing about what secretaries would have said in another month.
        """
        observed = load_observed()
        return compare(self.table, observed if self.in_fieldwork else observed.iloc[0:0])


def survey_seeds(seed: Any) -> tuple[np.random.SeedSequence, np.random.SeedSequence]:
    """The seeding rule: the model's and the interview's seed sequences from one seed.

    Both are children of ``seed`` (an integer, a `numpy.random.SeedSequence` or None for fresh
    entropy). A SeedSequence is copied first, so one seed gives the same two children however
    often it is used.
    """
    if isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
    else:
        seed = np.random.SeedSequence(None if seed is None else checked_seed(seed))
    model_ss, interview_ss = seed.spawn(2)
    return model_ss, interview_ss


def survey_date(date: str | dt.date, calendar: MonthCalendar | None = None) -> dt.date:
    """The first day of the month ``date`` names, checked against the model's calendar.

    Raises:
        ValueError: If it is not a date, or lies outside the calendar's months.
    """
    calendar = calendar or MonthCalendar()
    try:
        month = parse_date(date).replace(day=1)
    except (TypeError, ValueError):
        raise ValueError(
            f"survey date must be a month such as 2017-08 or 2021-06; got {date!r}"
        ) from None
    first, last = calendar.date_of(1), calendar.date_of(calendar.n_steps)
    if not first <= month <= last:
        raise ValueError(
            f"survey date {month:%Y-%m} lies outside the simulated months "
            f"{first:%Y-%m} to {last:%Y-%m}"
        )
    return month


def simulate_survey(
    params: Mapping[str, Any] | None = None,
    instrument: Mapping[str, float] | None = None,
    seed: Any = None,
    date: str | dt.date = SURVEY_MONTH,
    *,
    municipalities: Sequence[str] | None = None,
    sample: str = "stratified",
    weighting: str = "none",
    expected: bool = False,
    collect: bool = False,
) -> SimulatedSurvey:
    """Build a model, run it to ``date`` and field the 2017 questionnaire there.

    Args:
        params: Model parameters (as `GovernanceModel` takes them; None: the installed
            defaults).
        instrument: Instrument settings (answer noises, emphasis scale); a setting left out
            takes its installed calibrated value (`instrument_settings`).
        seed: Seed of the run (`survey_seeds`).
        date: The month the questionnaire is fielded (default the 2017 survey's, 2017-08).
        municipalities: Optional subset of municipalities (names, codes, provinces).
        sample: ``"stratified"`` (126 respondents as in 2017) or ``"all"``.
        weighting: ``"none"`` or ``"response"`` (see `interview`).
        expected: Shares expected over the answer noise instead of one draw of it.
        collect: Collect the national indicators on the way (the ABC's pattern check reads
            them); off by default, as the interview reads only the final state.

    Returns:
        The interview table, the model and the month asked.

    Raises:
        ValueError: For a date outside the calendar, an unknown instrument setting or one that
            is not a finite number in its range, or another invalid interview argument.
        model.parameters.ParameterError: For unknown or out-of-range parameters, or a seed
            that is not a whole number from 0 to 2**128 - 1.
    """
    from govsim.model import GovernanceModel

    month = survey_date(date)
    settings = dict(instrument or {})
    unknown = sorted(set(settings) - set(INSTRUMENT_DEFAULTS))
    if unknown:
        raise ValueError(
            f"unknown instrument setting {unknown[0]!r}; allowed: {', '.join(INSTRUMENT_DEFAULTS)}"
        )
    model_ss, interview_ss = survey_seeds(seed)
    model = GovernanceModel(
        dict(params or {}),
        rng=np.random.default_rng(model_ss),
        municipalities=municipalities,
        collect=collect,
    )
    model.run(until=month)
    table = interview(
        model,
        sample,
        np.random.default_rng(interview_ss),
        **settings,
        weighting=weighting,
        expected=expected,
    )
    return SimulatedSurvey(table=table, model=model, date=month)
