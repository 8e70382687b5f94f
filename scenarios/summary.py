"""Summaries of ensembles: medians and 5-95% bands, and paired differences from a reference.

Arrays here have the shape (replications, dates, indicators). Quantiles use numpy's default
(linear interpolation), so the median of an even number of replications is the mean of the
middle two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsim.scenarios.scenario import Scenario

LOW_Q, HIGH_Q = 0.05, 0.95
STATISTICS: tuple[str, ...] = ("median", "p05", "p95", "mean")


@dataclass(frozen=True)
class Band:
    """Median, 5% and 95% quantiles and mean over replications (arrays of the same shape)."""

    median: np.ndarray
    p05: np.ndarray
    p95: np.ndarray
    mean: np.ndarray


def band(values: np.ndarray, axis: int = 0) -> Band:
    """Summarise ``values`` over ``axis`` (the replications)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.shape[axis] == 0:
        raise ValueError("cannot summarise zero replications")
    median, p05, p95 = np.quantile(arr, [0.5, LOW_Q, HIGH_Q], axis=axis)
    return Band(median=median, p05=p05, p95=p95, mean=arr.mean(axis=axis))


def paired_difference(values: np.ndarray, reference: np.ndarray) -> Band:
    """Band of per-replication differences ``values - reference`` (common random numbers).

    Replication ``i`` of both ensembles used the same seed, so the difference per replication
    is the scenario's effect for that draw of chance; its median and 5-95% band say how large
    the effect is and how certain.
    """
    a, b = np.asarray(values, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"paired ensembles differ in shape: {a.shape} vs {b.shape}")
    return band(a - b, axis=0)


def summary_frame(
    scenario: str,
    dates: np.ndarray,
    columns: Sequence[str],
    values: np.ndarray,
) -> pd.DataFrame:
    """Long summary of one scenario: one row per indicator and date.

    Columns: scenario, indicator, date, median, p05, p95, mean. Rows are ordered by indicator
    (in ``columns`` order), then date.
    """
    arr = np.asarray(values, dtype=np.float64)
    _, n_dates, n_cols = arr.shape
    if n_dates != len(dates) or n_cols != len(columns):
        raise ValueError(
            f"values of shape {arr.shape} do not match {len(dates)} dates × {len(columns)} columns"
        )
    b = band(arr, axis=0)

    def flat(x: np.ndarray) -> np.ndarray:
        return x.T.reshape(-1)  # indicator-major, then date

    return pd.DataFrame(
        {
            "scenario": pd.Series([scenario] * (n_dates * n_cols), dtype="string"),
            "indicator": pd.Series(np.repeat(np.asarray(columns, dtype=object), n_dates)).astype(
                "string"
            ),
            "date": np.tile(np.asarray(dates, dtype="datetime64[D]"), n_cols),
            "median": flat(b.median),
            "p05": flat(b.p05),
            "p95": flat(b.p95),
            "mean": flat(b.mean),
        }
    )


@dataclass
class MunicipalValues:
    """Per-municipality state at a few months, every replication: who gains, who loses.

    Attributes:
        codes: CBS codes of the municipalities (the order of the third axis).
        dates: The months of the snapshots (ISO dates).
        columns: Snapshot columns kept (`MUNICIPAL_COLUMNS`).
        values: Per scenario name: array (replications, dates, municipalities, columns).
    """

    codes: tuple[str, ...]
    dates: tuple[str, ...]
    columns: tuple[str, ...]
    values: dict[str, np.ndarray]

    def column(self, name: str, column: str, date: int = 0) -> np.ndarray:
        """Array (replications, municipalities) of one column at snapshot ``date``."""
        return self.values[name][:, date, :, self.columns.index(column)]


MUNICIPAL_COLUMNS: tuple[str, ...] = (
    "transition_physical",
    "transformation_physical",
    "transition_social",
    "transformation_social",
)
"""Snapshot columns an ensemble keeps per municipality (the report's map of the change)."""


@dataclass
class EnsembleData:
    """The results of an ensemble in memory: what the report and the summary are made from.

    Attributes:
        scenarios: The scenarios, in the order given (`scenarios.scenario.Scenario`).
        reference: Name of the scenario that differences are taken against (``baseline``).
        dates: Month of every row (``datetime64[D]``).
        columns: Indicator names.
        seeds: Seed of every replication (common to all scenarios).
        values: Per scenario name: array (replications, dates, indicators).
        municipalities: The municipality subset run (None: all 388).
        root_seed: The root seed the replication seeds were derived from.
        municipal: Per-municipality snapshots (None when the runs kept none).
        lessons: The ranked lessons when asked for (``govsim run --lessons WHERE``): ``where``,
            ``replications``, ``top_share`` and ``table`` (`scenarios.advice.Ranking`).
    """

    scenarios: list[Scenario]
    reference: str
    dates: np.ndarray
    columns: tuple[str, ...]
    seeds: list[int]
    values: dict[str, np.ndarray]
    municipalities: tuple[str, ...] | None = None
    root_seed: int | None = None
    municipal: MunicipalValues | None = None
    lessons: dict[str, Any] | None = None

    @property
    def names(self) -> list[str]:
        """Scenario names in order."""
        return [s.name for s in self.scenarios]

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name``."""
        return next(s for s in self.scenarios if s.name == name)

    def column(self, name: str, indicator: str) -> np.ndarray:
        """Array (replications, dates) of one indicator of one scenario."""
        return self.values[name][:, :, self.columns.index(indicator)]

    def band(self, name: str, indicator: str) -> Band:
        """Median and 5-95% band over replications of one indicator (arrays over dates)."""
        return band(self.column(name, indicator), axis=0)

    def difference(self, name: str, indicator: str) -> Band:
        """Paired difference from the reference scenario (arrays over dates)."""
        return paired_difference(
            self.column(name, indicator), self.column(self.reference, indicator)
        )

    def date_index(self, when: str | np.datetime64) -> int | None:
        """Row of the month containing ``when`` (None if outside the simulated period)."""
        month = np.datetime64(str(when)[:7], "M")
        months = self.dates.astype("datetime64[M]")
        hits = np.flatnonzero(months == month)
        return int(hits[0]) if len(hits) else None

    def summary(self) -> pd.DataFrame:
        """Long summary of every scenario (see `summary_frame`), scenarios in order."""
        return pd.concat(
            [summary_frame(s, self.dates, self.columns, self.values[s]) for s in self.names],
            ignore_index=True,
        )
