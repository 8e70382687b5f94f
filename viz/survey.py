"""Adapter to the 2017 survey (the app's only import of `experiments`).

Observed figures come from `experiments.survey.observed`; simulated answers from the
questionnaire (`experiments.survey.questionnaire`). The panel
shows, per item and domain, the share of secretaries answering "yes" (for satisfaction: 4 or 5
on the five-point scale).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from govsim.viz.i18n import SURVEY_ITEMS

SURVEY_MONTH = "2017-08"
"""Month of the survey of municipal secretaries (fieldwork summer 2017)."""

SATISFIED = ("4", "5")


@cache
def observed() -> pd.DataFrame:
    """Observed shares (percent) for the panel's items: columns item, domain, percent, label_nl."""
    from govsim.experiments.survey.observed import load_observed

    data = load_observed()
    data = data[data["role"] == "target"]
    rows = []
    for item in SURVEY_ITEMS:
        for domain in ("social", "physical"):
            part = data[(data["item"] == item) & (data["domain"] == domain)]
            if part.empty:
                continue
            if item.startswith("satisfaction"):
                value = float(part[part["category"].isin(SATISFIED)]["percent"].sum(min_count=1))
            else:
                yes = part[part["category"] == "yes"]["percent"]
                value = float(yes.iloc[0]) if len(yes) else np.nan
            rows.append(
                {
                    "item": item,
                    "domain": domain,
                    "percent": value,
                    "label_nl": str(part["item_label_nl"].iloc[0]),
                }
            )
    return pd.DataFrame(rows, columns=["item", "domain", "percent", "label_nl"])


def interview(model: Any, seed: int) -> pd.DataFrame | None:
    """Ask the questionnaire of every simulated secretary now.

    Called by `viz.session.Run` in the survey month. Every municipality answers
    (``sample="all"``), so the figures carry no sampling noise; ``seed`` drives the answer noise.
    """
    from govsim.experiments.survey import questionnaire

    return questionnaire.interview(model, "all", seed)


def simulated(answers: pd.DataFrame | None) -> pd.DataFrame | None:
    """The panel's shares (item, domain, percent) from an `interview` table (None passes)."""
    if answers is None:
        return None
    return _panel_rows(pd.DataFrame(answers))


def _panel_rows(table: pd.DataFrame) -> pd.DataFrame | None:
    needed = {"item", "domain", "category", "percent"}
    if not needed <= set(table.columns):
        return None
    rows = []
    for item in SURVEY_ITEMS:
        for domain in ("social", "physical"):
            part = table[(table["item"] == item) & (table["domain"] == domain)]
            if part.empty:
                continue
            cats = SATISFIED if item.startswith("satisfaction") else ("yes",)
            rows.append(
                {
                    "item": item,
                    "domain": domain,
                    "percent": float(
                        part[part["category"].astype(str).isin(cats)]["percent"].sum()
                    ),
                }
            )
    return pd.DataFrame(rows, columns=["item", "domain", "percent"])


def fieldwork() -> tuple[dt.date, dt.date]:
    """First and last month of the 2017 fieldwork (`experiments.survey.questionnaire`)."""
    from govsim.experiments.survey.questionnaire import FIELDWORK

    return FIELDWORK


def in_fieldwork(date: dt.date) -> bool:
    """Whether month ``date`` lies in the 2017 fieldwork (observed figures compare only there).

    The rule of `experiments.survey.simulate.SimulatedSurvey.in_fieldwork`.
    """
    first, last = fieldwork()
    month = dt.date(date.year, date.month, 1)
    return first <= month <= last


def interview_now(run: Any) -> pd.DataFrame | None:
    """The panel's shares of ``run``'s secretaries asked in its current month.

    One interview per month is kept on the run (``run.survey_now``: the step and the answers),
    so a redraw does not ask again and memory stays at one table.
    """
    step = int(run.model.steps)
    cached = getattr(run, "survey_now", None)
    if cached is not None and cached[0] == step:
        return cached[1]
    answers = simulated(interview(run.model, run.seed)) if step > 0 else None
    run.survey_now = (step, answers)
    return answers
