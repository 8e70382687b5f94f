"""Distance between simulated and observed survey figures, weighted by the survey's sampling error.

Each **target cell** is one published figure: an item × domain × answer category of Table 3,
Table 4, Table 5 or the appendix importance table (Table 2 repeats the appendix's
"(zeer) belangrijk" column and is not counted twice; Table 1 and the desired-steering rows of
the appendix are **inputs** and never enter). Figures the OCR left unreadable are skipped.

The distance is the mean squared standardised difference over the selected cells::

    d = mean_k (s_k - o_k)^2 / v_k

with s and o the simulated and observed shares (0-1) and v_k the sampling variance of figure k,
in one of two weightings (`WEIGHTINGS`):

- ``margin`` (default): the survey's sampling error as the report states it, one margin of
  error of 6.1 points at 90% confidence for every figure (report Bijlage 1), so
  v = (0.061 / 1.645)^2 for all k. This is the yardstick of the acceptance criterion (a figure
  fits when it lies within ±6.1 points), so the calibration minimises what it is judged by.
- ``binomial``: the sampling variance at each observed share,
  v_k = p_k (1 - p_k) / n * (N - n) / (N - 1), with n = 126 respondents, N = 388
  municipalities (finite-population correction) and p_k the observed share shrunk by the
  Agresti-Coull rule p = (x + 2) / (n + 4), x = o n, so that a published 0% still has a sampling
  error (about 1 point) instead of an infinite weight. It weights the figures near 0% or 100%
  up to 15 times more than those near 50%; with a model that cannot place every small share
  exactly, those few figures dominate the fit (in a trial, minimising it lowered the distance
  while the number of figures within the margin fell from 54 to 48).

If the model were the truth, each term would be about one squared standard normal (for the
margin weighting: at most one, as the margin is the largest sampling error), so d ≈ 1 marks a
fit within sampling error.

Selections (``--targets``, ``--holdout``): a list of patterns, each matching a cell when it
equals the cell's item id, domain or source table, or matches the item id as a shell pattern
(``importance_*``), or names ``item:domain``. Examples: ``social``, ``table_3``,
``satisfaction_*``, ``organisation_suitable:physical``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from govsim.experiments.survey.observed import (
    MARGIN_OF_ERROR_90,
    POPULATION_N,
    SURVEY_N,
    Z90,
    load_observed,
)

FIT_TABLES: tuple[str, ...] = ("appendix_importance", "table_3", "table_4", "table_5")
"""Source tables whose target figures enter the distance (Table 2 duplicates the appendix)."""

WEIGHTINGS: tuple[str, ...] = ("margin", "binomial")
"""How the figures are weighted: by the report's one margin of error, or by the binomial
sampling error at each observed share (see the module docstring)."""


class SelectionError(ValueError):
    """A target or hold-out pattern that selects nothing, or selects inputs."""


def cell_key(item: str, domain: str, category: str, table: str) -> str:
    """Key of one survey figure, used as a summary-statistic name: ``table:item:domain:cat``."""
    return f"{table}:{item}:{domain}:{category}"


def cell_keys(frame: pd.DataFrame) -> list[str]:
    """Keys (`cell_key`) of the rows of a survey frame."""
    return [
        cell_key(r.item, r.domain, r.category, r.source_table)
        for r in frame[["item", "domain", "category", "source_table"]].itertuples(index=False)
    ]


def fit_cells(observed: pd.DataFrame | None = None) -> pd.DataFrame:
    """All observed target figures that can enter the distance, with their ``key``.

    Returns:
        The target rows of `FIT_TABLES` with a figure, plus columns ``key`` and ``share``
        (percent / 100).
    """
    obs = load_observed() if observed is None else observed
    sel = (
        (obs["role"] == "target")
        & obs["source_table"].isin(list(FIT_TABLES))
        & obs["percent"].notna()
    )
    cells = obs[sel].reset_index(drop=True).copy()
    cells["key"] = cell_keys(cells)
    cells["share"] = cells["percent"].astype(float) / 100.0
    return cells


def _matches(pattern: str, row: pd.Series) -> bool:
    if ":" in pattern:
        item, domain = pattern.split(":", 1)
        return fnmatch.fnmatchcase(row["item"], item) and row["domain"] == domain
    return pattern in (row["item"], row["domain"], row["source_table"]) or fnmatch.fnmatchcase(
        row["item"], pattern
    )


def select_cells(
    patterns: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    observed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fit cells selected by ``patterns`` (all if None) minus those matching ``exclude``.

    Raises:
        SelectionError: If a pattern matches no cell (a typo), names an input item, or the
            selection is empty.
    """
    cells = fit_cells(observed)
    obs = load_observed() if observed is None else observed
    inputs = obs[obs["role"] == "input"]

    def mask(pats: Iterable[str]) -> np.ndarray:
        out = np.zeros(len(cells), dtype=bool)
        for pat in pats:
            hit = cells.apply(lambda r, p=pat: _matches(p, r), axis=1).to_numpy(dtype=bool)
            if not hit.any():
                as_input = inputs.apply(lambda r, p=pat: _matches(p, r), axis=1)
                if as_input.any():
                    raise SelectionError(
                        f"'{pat}' names input figures (they initialise the model and never "
                        "enter the distance)"
                    )
                raise SelectionError(
                    f"'{pat}' matches no target figure; use an item id "
                    f"(e.g. satisfaction_after_entry), a domain (social, physical), a table "
                    f"({', '.join(FIT_TABLES)}), a shell pattern (importance_*) or item:domain"
                )
            out |= hit
        return out

    keep = mask(patterns) if patterns else np.ones(len(cells), dtype=bool)
    if exclude:
        keep &= ~mask(exclude)
    if not keep.any():
        raise SelectionError("the selection leaves no target figure to fit")
    return cells[keep].reset_index(drop=True)


def sampling_variance(
    share: np.ndarray | float, n: int = SURVEY_N, population: int = POPULATION_N
) -> np.ndarray:
    """Sampling variance of an observed share (0-1), with shrinkage and finite-population term."""
    x = np.asarray(share, dtype=np.float64) * n
    p = (x + 2.0) / (n + 4.0)
    fpc = (population - n) / (population - 1)
    return p * (1.0 - p) / n * fpc


class SurveyDistance:
    """Callable distance for pyabc: ``d(x, x0)`` over a fixed set of cell keys.

    Args:
        cells: The selected fit cells (from `select_cells`); their observed shares fix the
            weights, so the distance is the same whichever argument is the observation.
        weighting: ``"margin"`` or ``"binomial"`` (`WEIGHTINGS`).

    Only the keys of ``cells`` are read, so inputs and unselected figures can be present in the
    summary statistics without any effect.
    """

    def __init__(self, cells: pd.DataFrame, weighting: str = "margin") -> None:
        if weighting not in WEIGHTINGS:
            raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}, got {weighting!r}")
        self.keys: tuple[str, ...] = tuple(cells["key"])
        self.weighting = weighting
        if weighting == "margin":
            sd = MARGIN_OF_ERROR_90 / 100.0 / Z90
            self.variance = np.full(len(self.keys), sd * sd)
        else:
            self.variance = sampling_variance(cells["share"].to_numpy())

    def terms(self, x: Mapping[str, float], x0: Mapping[str, float]) -> np.ndarray:
        """Standardised squared difference per key."""
        s = np.array([float(x[k]) for k in self.keys])
        o = np.array([float(x0[k]) for k in self.keys])
        return (s - o) ** 2 / self.variance

    def __call__(self, x: Mapping[str, float], x0: Mapping[str, float], *args, **kwargs) -> float:
        """Mean standardised squared difference (pyabc passes further arguments; ignored)."""
        terms = self.terms(x, x0)
        return float(np.mean(terms)) if np.all(np.isfinite(terms)) else float("inf")


def observed_statistics(observed: pd.DataFrame | None = None) -> dict[str, float]:
    """The observed shares of every fit cell, keyed by `cell_key` (the pyabc observation)."""
    cells = fit_cells(observed)
    return dict(zip(cells["key"], cells["share"].astype(float), strict=True))


def simulated_statistics(table: pd.DataFrame) -> dict[str, float]:
    """Shares (0-1) of an interview table keyed by `cell_key` (all rows, inputs included)."""
    return dict(zip(cell_keys(table), (table["percent"] / 100.0).astype(float), strict=True))
