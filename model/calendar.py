"""Monthly calendar: converts between model steps and dates.

One step is one month (DESIGN §2). Step ``k`` (1-based) simulates month ``start + k - 1``; the
state collected after step ``k`` is labelled with that month. Scenarios speak in dates only; this
module is the single place where dates become step numbers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class CalendarError(ValueError):
    """A date or period the calendar cannot represent."""


def parse_date(value: str | dt.date) -> dt.date:
    """Parse an ISO date (``YYYY-MM-DD`` or ``YYYY-MM``) into a `datetime.date`.

    Raises:
        CalendarError: If the text is not a valid ISO date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(text + "-01")
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CalendarError(f"'{value}' is not a valid ISO date (YYYY-MM-DD)") from exc


def month_index(date: dt.date) -> int:
    """Return a running month number (year * 12 + month - 1)."""
    return date.year * 12 + date.month - 1


@dataclass(frozen=True)
class MonthCalendar:
    """The simulated period, Jan 2013 to Dec 2029 by default (204 monthly steps).

    Attributes:
        start: First simulated month (its first day).
        end: Last simulated month (any day in it).
    """

    start: dt.date = dt.date(2013, 1, 1)
    end: dt.date = dt.date(2029, 12, 1)

    def __post_init__(self) -> None:
        for name in ("start", "end"):  # ISO texts ("2015-01") as everywhere else
            object.__setattr__(self, name, parse_date(getattr(self, name)))
        if month_index(self.end) < month_index(self.start):
            raise CalendarError(
                f"end date {self.end.isoformat()} lies before start date "
                f"{self.start.isoformat()}: the simulated period must be at least one month"
            )

    @property
    def n_steps(self) -> int:
        """Number of monthly steps in the period."""
        return month_index(self.end) - month_index(self.start) + 1

    def step_of(self, date: str | dt.date) -> int:
        """Return the 1-based step that simulates the month containing ``date``.

        Dates before the start give steps <= 0 and dates after the end give steps beyond
        `n_steps`; both are valid for event arithmetic.
        """
        return month_index(parse_date(date)) - month_index(self.start) + 1

    def date_of(self, step: int) -> dt.date:
        """Return the first day of the month simulated by ``step``."""
        idx = month_index(self.start) + step - 1
        return dt.date(idx // 12, idx % 12 + 1, 1)

    def dates(self) -> list[dt.date]:
        """Return the month of every step, in order."""
        return [self.date_of(k) for k in range(1, self.n_steps + 1)]
