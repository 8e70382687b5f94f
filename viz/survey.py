"""Adapter to the 2017 survey (the app's only import of `experiments`).

Observed figures come from `experiments.survey.observed`; simulated answers from the
questionnaire (`experiments.survey.questionnaire`). The panel
shows, per item and domain, the share of secretaries answering "yes" (for satisfaction: 4 or 5
on the five-point scale).
"""

from __future__ import annotations

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
