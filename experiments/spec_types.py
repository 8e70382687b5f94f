"""The types of a checked experiment spec: its factors, outcomes, series, design and the spec.

`experiments.spec` builds them from a spec file (docs/experiments.md); the design, runner,
store and analyses read them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsim.experiments.levers import CHOICE_LABELS, LEVERS
from govsim.scenarios.scenario import Scenario


@dataclass(frozen=True)
class Factor:
    """One varied input.

    Attributes:
        name: Column name in the results (design and runs tables, SALib and PRIM): the spec's
            ``column``, else ``key@where`` if a ``where`` is written, else ``key``.
        kind: ``"parameter"``, ``"lever"`` (timeline lever, `experiments.levers`) or
            ``"choice"`` (a categorical choice of the secretary, `model.parameters.CHOICES`).
        levels: Values of a factorial design (None for sampled designs); texts for a choice.
        low: Lower end of the range (sampled designs; or factorial levels from a range).
        high: Upper end of the range.
        distribution: ``uniform``, ``triangular``, ``normal`` (truncated to the range) or
            ``loguniform``.
        peak: Mode of a triangular distribution.
        mean: Mean of a normal distribution.
        sd: Standard deviation of a normal distribution.
        integer: Values are whole numbers (sampled values are rounded).
        label: Optional display names ``{"nl": ..., "en": ...}``.
        key: The parameter, lever or choice the factor sets (default: ``name``).
        where: The municipalities a secretary's lever or choice is set for (a
            `model.levers.StrategyRule`; ``"all"`` for a choice without ``where``); None for a
            national parameter override or a timeline lever.
    """

    name: str
    kind: str
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    distribution: str = "uniform"
    peak: float | None = None
    mean: float | None = None
    sd: float | None = None
    integer: bool = False
    label: dict[str, str] | None = None
    key: str = ""
    where: str | None = None

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)

    @property
    def categorical(self) -> bool:
        """Whether the levels are texts (a choice) rather than numbers."""
        return self.kind == "choice"

    def salib(self) -> tuple[list[float], str]:
        """SALib ``bounds`` entry and ``dists`` name of this factor."""
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.distribution == "triangular":
            return [low, high, (float(self.peak) - low) / (high - low)], "triang"  # type: ignore[arg-type]
        if self.distribution == "normal":
            return [low, high, float(self.mean), float(self.sd)], "truncnorm"  # type: ignore[arg-type]
        if self.distribution == "loguniform":
            return [low, high], "logunif"
        return [low, high], "unif"

    def display(self, lang: str = "en") -> str:
        """Display name in ``lang``: the spec's label, else the lever's or choice's, else name."""
        if self.label:
            return self.label.get(lang) or next(iter(self.label.values()))
        if self.kind == "lever":
            return LEVERS[self.key].label[lang]
        if self.kind == "choice" and self.where == "all":
            return CHOICE_LABELS[self.key][lang]
        return self.name

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the manifest."""
        out: dict[str, Any] = {
            "name": self.name,
            "key": self.key,
            "kind": self.kind,
            "integer": self.integer,
        }
        if self.where is not None:
            out["where"] = self.where
        if self.levels is not None:
            out["levels"] = list(self.levels)
        if self.low is not None:
            out["range"] = [self.low, self.high]
            out["distribution"] = self.distribution
        for key in ("peak", "mean", "sd"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.label:
            out["label"] = dict(self.label)
        return out


@dataclass(frozen=True)
class Outcome:
    """A scalar outcome of every run: an indicator's value (or mean/min/max) at a month.

    Attributes:
        name: Column name in the results.
        indicator: National indicator (`model.indicators`).
        date: Month (first day) of the value, or the last month of the period.
        statistic: ``value``, ``mean``, ``min`` or ``max``.
        start: First month of the period for mean/min/max (None for ``value``).
    """

    name: str
    indicator: str
    date: dt.date
    statistic: str = "value"
    start: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the manifest."""
        out = {
            "name": self.name,
            "indicator": self.indicator,
            "date": self.date.isoformat()[:7],
            "statistic": self.statistic,
        }
        if self.start is not None:
            out["from"] = self.start.isoformat()[:7]
        return out


@dataclass(frozen=True)
class SeriesSpec:
    """Time series kept for every run.

    Attributes:
        indicators: Indicator names.
        every: ``month``, ``quarter`` (Mar, Jun, Sep, Dec) or ``year`` (December).
    """

    indicators: tuple[str, ...]
    every: str = "month"

    def keeps(self, month: int) -> bool:
        """Whether rows of calendar month ``month`` (1-12) are kept."""
        if self.every == "year":
            return month == 12
        if self.every == "quarter":
            return month % 3 == 0
        return True


@dataclass(frozen=True)
class Design:
    """How the points are generated.

    Attributes:
        method: ``factorial``, ``lhs``, ``sobol`` or ``morris``.
        samples: LHS points, Sobol base sample N (power of 2) or Morris trajectories.
        levels: Factorial levels for factors given as a range; Morris grid levels.
        second_order: Sobol: also sample for second-order indices.
        seed: Seed of the sampler.
    """

    method: str
    samples: int | None = None
    levels: int | None = None
    second_order: bool = False
    seed: int = 0


@dataclass(frozen=True)
class Spec:
    """A checked experiment spec.

    Attributes:
        path: The spec file (None when read from text).
        text: The file's text.
        name: Experiment name.
        description: Free text.
        scenario_ref: The ``scenario`` field as written.
        scenario: The base scenario.
        replications: Runs per point.
        seed: Root seed of the per-run seeds.
        common_random_numbers: Replication ``r`` uses the same seed at every point.
        municipalities: Optional subset.
        until: Last simulated month as ISO text, or None for December 2029.
        design: The design.
        factors: The factors, in order (design columns); a secretary's lever may appear more
            than once, for different ``where`` selections.
        outcomes: Scalar outcomes.
        series: Time series to keep (None: none).
    """

    path: Path | None
    text: str
    name: str
    description: str
    scenario_ref: str
    scenario: Scenario
    replications: int
    seed: int
    common_random_numbers: bool
    municipalities: tuple[str, ...] | None
    until: str | None
    design: Design
    factors: tuple[Factor, ...]
    outcomes: tuple[Outcome, ...]
    series: SeriesSpec | None
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def label(self) -> str:
        """How the spec is named in messages."""
        return str(self.path) if self.path is not None else "<text>"

    def factor(self, name: str) -> Factor:
        """The factor whose column is ``name``."""
        for f in self.factors:
            if f.name == name:
                return f
        raise KeyError(name)

    def outcome(self, name: str) -> Outcome:
        """The outcome named ``name``."""
        for o in self.outcomes:
            if o.name == name:
                return o
        raise KeyError(name)

    def indicators(self) -> tuple[str, ...]:
        """Every indicator a run must keep (outcomes, then series), without repeats."""
        names = [o.indicator for o in self.outcomes]
        if self.series is not None:
            names += list(self.series.indicators)
        return tuple(dict.fromkeys(names))
