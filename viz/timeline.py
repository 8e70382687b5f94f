"""The months already simulated, kept small enough to scrub back and forth (issue 16).

After every step a `MonthView` keeps what the views need of that month and nothing more: the
per-municipality values of every map indicator (float32 or int8), the drill-down's progress
figures per municipality, the live monitors and how many events had been logged. The national
charts need nothing extra: the model's data collector already holds every month, and the chart
is cut at the chosen month (`ChartRenderer.render(..., upto=step)`). Whole models are never
kept, so a full 2013-2030 run costs a few megabytes (`TimelineStore.nbytes`).

The "what changed" sentence of a Play stretch (`what_changed`) is built from the model's event
log and timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govsim.model.timeline import DOMAINS, Timeline
from govsim.viz import i18n
from govsim.viz.map_view import CATEGORICAL, MAP_INDICATORS, municipality_values

PROGRESS = ("transition", "transformation", "steering", "cooperation")
"""Drill-down progress figures stored per municipality and domain (steering: dominant mode)."""
MONITORS = ("responsive_social", "responsive_physical", "on_schedule", "satisfaction")
"""The live monitors, in display order."""


@dataclass(frozen=True)
class MonthView:
    """What the views show of one simulated month.

    Attributes:
        step: Months simulated (``model.steps``).
        date: The month (``model.date``).
        map_values: Per-municipality values of every map indicator.
        progress: ``(municipalities, 2 domains, len(PROGRESS))`` float32 drill-down figures.
        monitors: The live monitors (`monitors`).
        n_events: Events logged up to and including this month.
    """

    step: int
    date: dt.date
    map_values: Mapping[str, np.ndarray]
    progress: np.ndarray
    monitors: Mapping[str, float]
    n_events: int

    @property
    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return int(self.progress.nbytes + sum(a.nbytes for a in self.map_values.values()))


def monitors(model: Any) -> dict[str, float]:
    """The live monitors of ``model`` now (shares 0-1; satisfaction 0-1).

    ``responsive_*``: share of municipalities mainly responsive in the domain; ``on_schedule``:
    share on schedule (mean of both domains); ``satisfaction``: median secretary satisfaction
    (both domains). From ``model.indicators`` except the median, which the indicators do not
    hold (they hold the mean). NaN before the first step (no indicators yet).
    """
    ind = {k: float(v) for k, v in dict(model.indicators or {}).items()}
    nan = float("nan")
    sat = np.asarray(model.secretaries.satisfaction, dtype=np.float64)
    return {
        "responsive_social": ind.get("dominant_social_responsive", nan),
        "responsive_physical": ind.get("dominant_physical_responsive", nan),
        "on_schedule": float(np.mean([ind.get(f"on_schedule_{d}", nan) for d in DOMAINS])),
        "satisfaction": float(np.median(sat)) if sat.size else float("nan"),
    }


def progress_values(model: Any) -> np.ndarray:
    """The drill-down's progress figures of every municipality (see `PROGRESS`)."""
    st = model.state
    return np.stack(
        [
            np.asarray(st.transition, dtype=np.float32),
            np.asarray(st.transformation, dtype=np.float32),
            st.steering.argmax(axis=2).astype(np.float32),
            np.asarray(st.cooperation, dtype=np.float32),
        ],
        axis=2,
    )


def month_view(model: Any) -> MonthView:
    """The `MonthView` of ``model``'s current month."""
    values = {}
    for key in MAP_INDICATORS:
        raw = municipality_values(model, key)
        values[key] = raw.astype(np.int8 if key in CATEGORICAL else np.float32)
    return MonthView(
        step=int(model.steps),
        date=model.date,
        map_values=values,
        progress=progress_values(model),
        monitors=monitors(model),
        n_events=len(model.events),
    )


@dataclass
class TimelineStore:
    """The `MonthView` of every month simulated so far, by step."""

    months: dict[int, MonthView] = field(default_factory=dict)

    def record(self, model: Any) -> MonthView:
        """Keep ``model``'s current month (replacing a view of the same step)."""
        view = month_view(model)
        self.months[view.step] = view
        return view

    @property
    def steps(self) -> list[int]:
        """Stored steps, oldest first."""
        return sorted(self.months)

    @property
    def latest(self) -> int:
        """The latest stored step (0 if none)."""
        return max(self.months, default=0)

    def at(self, step: int | None) -> MonthView | None:
        """The view of ``step``, or of the latest month for None; None if not stored."""
        return self.months.get(self.latest if step is None else int(step))

    def nbytes(self) -> int:
        """Bytes held by all stored months' arrays."""
        return sum(view.nbytes for view in self.months.values())


# ---------------------------------------------------------------------------- what changed
def events_between(events: Sequence[Mapping[str, Any]], start: int, end: int) -> list[Mapping]:
    """Logged events of steps after ``start`` up to and including ``end``."""
    return [e for e in events if start < int(e["step"]) <= end]


def moved_to(events: Sequence[Mapping[str, Any]], mode: str) -> int:
    """How many municipalities changed steering to ``mode`` (in either domain) in ``events``."""
    return len(
        {
            int(e["municipality"])
            for e in events
            if e.get("kind") == "mode_change" and e.get("to_mode") == mode
        }
    )


def postponements_between(timeline: Timeline, start: dt.date, end: dt.date) -> int:
    """Postponements announced after month ``start`` up to and including month ``end``."""
    return sum(
        start < p.announced <= end
        for d in (timeline.social, timeline.physical)
        for p in d.postponements
    )


def what_changed(
    events: Sequence[Mapping[str, Any]] | pd.DataFrame,
    timeline: Timeline,
    start: tuple[int, dt.date],
    end: tuple[int, dt.date],
    lang: str = i18n.DEFAULT_LANG,
) -> str:
    """One plain sentence on a Play stretch, in ``lang``.

    Example: "since 2018-03: 41 municipalities moved to collaborative steering; 2 new
    secretaries; 1 postponement".

    Args:
        events: The model's events (``model.events`` or ``model.event_log()``).
        timeline: The run's timeline (postponements).
        start: (step, month) where the stretch began (not included).
        end: (step, month) where it ended (included).
        lang: ``nl`` or ``en``.
    """
    rows = events.to_dict("records") if isinstance(events, pd.DataFrame) else list(events)
    stretch = events_between(rows, start[0], end[0])
    parts = []
    for mode in ("collaborative", "responsive"):
        n = moved_to(stretch, mode)
        if n:
            parts.append(i18n.t("changed_moved", lang, n=n, mode=i18n.term(mode, lang)))
    secretaries = sum(e.get("kind") == "new_secretary" for e in stretch)
    if secretaries:
        key = "changed_secretary" if secretaries == 1 else "changed_secretaries"
        parts.append(i18n.t(key, lang, n=secretaries))
    postponed = postponements_between(timeline, start[1], end[1])
    if postponed:
        key = "changed_postponement" if postponed == 1 else "changed_postponements"
        parts.append(i18n.t(key, lang, n=postponed))
    body = "; ".join(parts) if parts else i18n.t("changed_nothing", lang)
    return i18n.t("changed_since", lang, date=i18n.month(start[1]), what=body)
