"""Observed figures of the 2017 survey of municipal secretaries ("Leren Decentraliseren").

The figures live in ``data/survey_2017.csv`` next to this module; ``data/README.md``
documents the source, the columns and every reconstruction of an OCR-garbled number.

Rows have a ``role``:

* ``input``: figures used to initialise the model (desired steering, Table 1 and the
  matching appendix rows; the response and population tables). They never count as fit.
* ``target``: figures that must emerge from the model dynamics (the calibration targets).
* ``reference``: figures kept for the record only (the running text's 91% that conflicts
  with Table 3); neither input nor target.

Example:
    >>> from govsim.experiments.survey.observed import targets
    >>> t = targets()
    >>> rows = t[(t.item == "satisfaction_after_entry") & t.category.isin(["4", "5"])]
    >>> float(rows.percent.sum())
    81.0
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

DATA_FILE: Path = Path(__file__).resolve().parent / "data" / "survey_2017.csv"
"""Path of the tidy data file."""

COLUMNS: tuple[str, ...] = (
    "item",
    "item_label_nl",
    "domain",
    "category",
    "percent",
    "n",
    "source_table",
    "section",
    "role",
    "note",
)
"""Columns of the data file, in order."""

ROLES: tuple[str, ...] = ("input", "target", "reference")
"""Allowed values of the ``role`` column."""

SURVEY_N: int = 126
"""Number of responding municipal secretaries (report, Bijlage 2)."""

POPULATION_N: int = 388
"""Number of Dutch municipalities in 2017."""

MARGIN_OF_ERROR_90: float = 6.1
"""Margin of error in percentage points at 90% confidence, as stated by the report.

:func:`margin_of_error` with the defaults gives 6.03; the report's 6.1 is reproduced with
n = 124 (6.10), i.e. it was probably computed on slightly fewer complete responses or with
a calculator using other rounding. The difference (0.07 points) is immaterial.
"""

_DTYPES: dict[str, str] = {
    "item": "string",
    "item_label_nl": "string",
    "domain": "string",
    "category": "string",
    "percent": "float64",
    "n": "Int64",
    "source_table": "string",
    "section": "string",
    "role": "string",
    "note": "string",
}


def load_observed(path: Path | str | None = None) -> pd.DataFrame:
    """Load the observed survey figures.

    Args:
        path: Alternative CSV file to read (defaults to the packaged ``survey_2017.csv``).

    Returns:
        One row per item, domain and answer category with the columns of :data:`COLUMNS`;
        ``percent`` is float (NaN where the figure could not be reconstructed), ``n`` is a
        nullable integer and ``note`` is an empty string where there is no note.
    """
    df = pd.read_csv(
        path or DATA_FILE,
        dtype=_DTYPES,
        keep_default_na=False,
        na_values={
            "percent": [""],
            "n": [""],
        },
    )
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"survey data lacks columns {missing}")
    return df.loc[:, list(COLUMNS)]


def targets(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the calibration targets (rows with role ``target``).

    Args:
        df: Frame as returned by :func:`load_observed`; loaded when omitted.

    Returns:
        The target rows, index reset.
    """
    df = load_observed() if df is None else df
    return df[df["role"] == "target"].reset_index(drop=True)


def inputs(df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the rows used to initialise the model (role ``input``).

    Args:
        df: Frame as returned by :func:`load_observed`; loaded when omitted.

    Returns:
        The input rows, index reset.
    """
    df = load_observed() if df is None else df
    return df[df["role"] == "input"].reset_index(drop=True)


Z90: float = 1.645
"""Normal quantile of a two-sided 90% interval (the report's confidence level)."""


def margin_of_error(
    n: int = SURVEY_N,
    population: int = POPULATION_N,
    p: float = 0.5,
    z: float = Z90,
) -> float:
    """Margin of error of a sample share, with finite-population correction.

    Computes ``100 * z * sqrt(p (1 - p) / n) * sqrt((N - n) / (N - 1))``.

    Args:
        n: Sample size (respondents).
        population: Population size N.
        p: Assumed share (0.5 gives the widest margin).
        z: Normal quantile (1.645 for 90% two-sided confidence).

    Returns:
        Margin of error in percentage points (6.03 for the defaults; the report says 6.1).

    Raises:
        ValueError: If n is not in [1, population] or p is not in [0, 1].
    """
    if not 1 <= n <= population:
        raise ValueError(f"need 1 <= n <= population, got n={n}, population={population}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must lie in [0, 1], got {p}")
    if population == 1:
        return 0.0
    fpc = (population - n) / (population - 1)
    return 100.0 * z * math.sqrt(p * (1.0 - p) / n * fpc)
