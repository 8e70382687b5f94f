"""How fast Play really goes: months per second over the last steps (issue 16, item 2).

The speed slider asks for a number of months per second; a step plus its redraw and the trip to
the browser can take longer than the slider's interval on a slow machine, or with two runs side
by side. Play then simulates several months per redraw (`batch`: the map and charts skip
months, the timeline keeps them all), and `Pace` measures the months per second delivered, so
the app shows the achieved speed next to the asked one instead of a promise it does not keep.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

WINDOW = 3.0
"""Seconds the achieved speed is measured over (the latest steps)."""
MAX_TICKS = 200
"""Redraws remembered at most."""
MAX_BATCH = 4
"""Months simulated between two redraws at most (`batch`)."""


class Pace:
    """Months shown during the last `WINDOW` seconds of one Play stretch.

    Args:
        clock: Seconds (monotonic); ``time.perf_counter`` by default.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.marks: deque[tuple[float, int]] = deque(maxlen=MAX_TICKS)
        """(time, months shown so far) after each redraw."""

    def restart(self) -> None:
        """Forget the earlier stretch (Play pressed again)."""
        self.marks.clear()

    def tick(self, months: int = 1) -> None:
        """A redraw showed ``months`` more months."""
        now = self.clock()
        total = self.marks[-1][1] + months if self.marks else months
        self.marks.append((now, total))
        while len(self.marks) > 3 and now - self.marks[1][0] >= WINDOW:
            self.marks.popleft()

    def rate(self) -> float | None:
        """Months per second over the measured redraws; None before three."""
        if len(self.marks) < 3:
            return None
        (t0, m0), (t1, m1) = self.marks[0], self.marks[-1]
        return (m1 - m0) / (t1 - t0) if t1 > t0 else None


def batch(asked: float, took: float, pause: float, most: int = MAX_BATCH) -> int:
    """Months to simulate before the next redraw so that Play keeps ``asked`` months/s.

    A redraw that takes ``took`` seconds, plus the ``pause`` that lets clicks through, leaves
    room for ``1 / asked`` s per month at most; when a single month does not fit, several are
    simulated and the map and charts show every ``n``-th month (never more than ``most``; every
    month is still stored for the timeline).
    """
    interval = 1.0 / max(asked, 0.1)
    return max(1, min(most, math.ceil((took + pause) / interval - 1e-9)))


def slow(asked: float, achieved: float | None) -> bool:
    """Whether Play delivers clearly less than asked (under 90 %)."""
    return achieved is not None and achieved < 0.9 * asked
