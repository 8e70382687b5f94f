"""What the report expects a scenario to change, held against what the model shows.

A scenario file may state, in ``[[expect]]`` tables, what the report *Leren Decentraliseren*
expects its what-if to do to an indicator: higher or lower than the reference scenario, at a
moment (the scenario's entry into force of the Omgevingswet, the reference's, the end of the
run or a date), with the passage it rests on. The report then says per expectation whether the
model agrees: the 5-95% band of the paired differences lies on the expected side of zero
(*agrees*), on the other side (*disagrees*), or straddles it (*no clear difference*). Where the
model and the report part ways the report says so instead of hiding it (developers' brief,
"Validation discipline").

Expectations are the file's own: a scenario that ``extends`` another does not inherit them
(they are about what this what-if changes against the reference).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from govsim.scenarios.summary import EnsembleData

DIRECTIONS: tuple[str, ...] = ("higher", "lower")
"""The expected side of the reference."""
MOMENTS: tuple[str, ...] = ("entry", "reference_entry", "end")
"""Named moments an expectation may be checked at (else a date YYYY-MM-DD):
``entry`` the scenario's final entry into force of the Omgevingswet, ``reference_entry`` the
reference scenario's, ``end`` the last simulated month."""
VERDICTS: tuple[str, ...] = ("agrees", "disagrees", "unclear", "not_checked")
"""The model agrees (band on the expected side of zero), disagrees (on the other side), or
shows no clear difference (the band straddles zero); ``not_checked`` when the moment lies
outside the run's months (a run ``--until`` before it) or the run lacks the indicator."""
DIGITS = 2
"""A band is judged as the report prints it, rounded to this many digits (as `findings.tone`)."""


@dataclass(frozen=True)
class Expectation:
    """One ``[[expect]]`` table of a scenario file.

    Attributes:
        indicator: A national indicator (`model.indicators`).
        direction: ``"higher"`` or ``"lower"`` than the reference.
        at: One of `MOMENTS` or a date ``YYYY-MM-DD``.
        says: The expectation in words, ``{"nl": ..., "en": ...}``.
        source: The passage of the report it rests on (section and quotation).
    """

    indicator: str
    direction: str
    at: str
    says: dict[str, str]
    source: str

    def words(self, lang: str) -> str:
        """The expectation in ``lang`` (the other language's words if it has none)."""
        return self.says.get(lang) or next(iter(self.says.values()))

    def passage(self, lang: str) -> str:
        """The source in ``lang``: a leading "report" reads "rapport" in Dutch.

        The project cites "report §x.y"; the quotation after it stays the report's own Dutch.
        """
        if lang == "nl" and self.source.startswith("report "):
            return "rapport " + self.source.removeprefix("report ")
        return self.source

    def to_mapping(self) -> dict[str, Any]:
        """Plain data for a run's manifest (`from_mapping` reads it back)."""
        return {
            "indicator": self.indicator,
            "direction": self.direction,
            "at": self.at,
            "says": dict(self.says),
            "source": self.source,
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Expectation:
        """The expectation `to_mapping` wrote."""
        return cls(
            indicator=str(data["indicator"]),
            direction=str(data["direction"]),
            at=str(data["at"]),
            says=dict(data["says"]),
            source=str(data["source"]),
        )


@dataclass(frozen=True)
class Check:
    """An expectation held against the model's paired differences.

    Attributes:
        expectation: What the report expects.
        date: The month it is checked at (None: outside the run's months; ``not_checked``).
        delta: Median paired difference from the reference at that month.
        low: Its 5th percentile over the replications.
        high: Its 95th percentile.
        verdict: One of `VERDICTS`.
    """

    expectation: Expectation
    date: np.datetime64 | None
    delta: float
    low: float
    high: float
    verdict: str


def verdict(direction: str, low: float, high: float, digits: int = DIGITS) -> str:
    """`VERDICTS` for a band ``low``-``high`` of differences and the expected ``direction``."""
    low, high = round(low, digits), round(high, digits)
    if np.isnan(low) or np.isnan(high) or not (low > 0 or high < 0):
        return "unclear"
    return "agrees" if (low > 0) == (direction == "higher") else "disagrees"


def moment_date(at: str, entry: dt.date, reference_entry: dt.date, end: dt.date) -> dt.date:
    """The first day of the month ``at`` names.

    Args:
        at: One of `MOMENTS` or a date ``YYYY-MM-DD``.
        entry: The scenario's final entry into force of the Omgevingswet.
        reference_entry: The reference scenario's.
        end: The last simulated month.
    """
    named = {"entry": entry, "reference_entry": reference_entry, "end": end}
    when = named[at] if at in named else dt.date.fromisoformat(at)
    return when.replace(day=1)


def moment(data: EnsembleData, name: str, at: str) -> int | None:
    """Row of ``data``'s months that ``at`` names for scenario ``name`` (None: not in the run)."""
    end = dt.date.fromisoformat(str(data.dates[-1])[:10])
    when = moment_date(
        at,
        data.scenario(name).timeline.physical.final_entry(),
        data.scenario(data.reference).timeline.physical.final_entry(),
        end,
    )
    return data.date_index(when.isoformat())


def check(data: EnsembleData, name: str, expectation: Expectation) -> Check:
    """Hold one expectation of scenario ``name`` against its paired differences."""
    row = moment(data, name, expectation.at)
    if row is None or expectation.indicator not in data.columns:
        return Check(expectation, None, np.nan, np.nan, np.nan, "not_checked")
    diff = data.difference(name, expectation.indicator)
    low, high = float(diff.p05[row]), float(diff.p95[row])
    return Check(
        expectation,
        data.dates[row],
        float(diff.median[row]),
        low,
        high,
        verdict(expectation.direction, low, high),
    )


def checks(data: EnsembleData, name: str) -> list[Check]:
    """Every expectation of scenario ``name`` checked (none for the reference itself)."""
    if name == data.reference:
        return []
    return [check(data, name, e) for e in data.scenario(name).expectations]


def all_checks(data: EnsembleData) -> list[tuple[str, Check]]:
    """Every scenario's checks with its name, in scenario and file order."""
    return [(name, c) for name in data.names for c in checks(data, name)]


def tally(found: Sequence[Check]) -> dict[str, int]:
    """How many checks end in each verdict (every verdict present, in `VERDICTS` order)."""
    return {v: sum(c.verdict == v for c in found) for v in VERDICTS}


TABLE_COLUMNS: tuple[str, ...] = (
    "scenario",
    "indicator",
    "direction",
    "at",
    "date",
    "median_difference",
    "p05_difference",
    "p95_difference",
    "verdict",
    "source",
)
"""Columns of `table` (``expectations.csv`` of a run)."""


def table(data: EnsembleData) -> pd.DataFrame:
    """Every scenario's checks, one row each, in scenario and file order (``expectations.csv``).

    The date is the month checked (empty outside the run); the differences are the scenario
    less the reference, median and 5-95% over the replications.
    """
    import pandas as pd

    rows = [
        {
            "scenario": name,
            "indicator": c.expectation.indicator,
            "direction": c.expectation.direction,
            "at": c.expectation.at,
            "date": "" if c.date is None else str(c.date)[:10],
            "median_difference": c.delta,
            "p05_difference": c.low,
            "p95_difference": c.high,
            "verdict": c.verdict,
            "source": c.expectation.source,
        }
        for name, c in all_checks(data)
    ]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
