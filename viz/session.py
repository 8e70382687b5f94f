"""Per-browser-session model state: one run, or two runs side by side with the same seed.

Nothing here is shared between sessions: the app creates one `Session` per browser tab (the
module-level model of the SolaraViz examples would be shared between tabs). The class is plain
Python (no Solara), so it is tested and benchmarked on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from govsim.model import GovernanceModel
from govsim.model.calendar import parse_date
from govsim.scenarios.scenario import Scenario
from govsim.viz import presets, survey

DEFAULT_SEED = 20180101
"""The seed of `govsim baseline`, so the app starts where the command line does."""
MAX_SEED = 2**63 - 1


class SeedError(ValueError):
    """A seed field that is not a whole number from 0 to 2**63-1."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(f"seed must be a whole number from 0 to {MAX_SEED}, got {text!r}")


def parse_seed(text: Any) -> int:
    """The seed in a text field (spaces allowed around it).

    Raises:
        SeedError: If the text is not a whole number from 0 to 2**63-1.
    """
    raw = "" if text is None else str(text)
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise SeedError(raw) from None
    if not 0 <= value <= MAX_SEED:
        raise SeedError(raw)
    return value


@dataclass
class Run:
    """One scenario being simulated.

    Attributes:
        scenario: The scenario (title, description, inputs).
        seed: The seed.
        overrides: Slider and choice overrides applied at construction (numbers; the choices
            role, stance and strategy as text).
        params: The parameter overrides given to the model.
        model: The model.
        survey_snapshot: `GovernanceModel.snapshot()` in the survey month, once reached.
        survey_answers: The questionnaire's answers in the survey month (None before, or when
            the questionnaire is not available).
    """

    scenario: Scenario
    seed: int
    overrides: dict[str, Any]
    params: dict[str, Any]
    model: GovernanceModel
    survey_snapshot: pd.DataFrame | None = None
    survey_answers: pd.DataFrame | None = None

    @classmethod
    def build(
        cls,
        scenario: Scenario,
        seed: int,
        overrides: Mapping[str, Any] | None = None,
        municipalities: Sequence[str] | None = None,
    ) -> Run:
        """Build the model of ``scenario`` with ``seed`` and the slider ``overrides``.

        The secretary's choices among the overrides (lever sliders, role, stance, strategy)
        reach the model as a national rule after the scenario's own (`presets.strategy_rules`).
        """
        params, timeline = presets.model_inputs(scenario, overrides)
        rules = presets.strategy_rules(scenario, overrides)
        model = GovernanceModel(
            params, timeline, rng=seed, municipalities=municipalities, strategy=rules
        )
        return cls(scenario, seed, dict(overrides or {}), params, model)

    @property
    def name(self) -> str:
        """Scenario name."""
        return self.scenario.name

    def step(self) -> None:
        """One month; in the survey month, keeps a snapshot and interviews the secretaries."""
        if not self.model.running:
            return
        self.model.step()
        if self.survey_snapshot is None and self.model.date >= parse_date(survey.SURVEY_MONTH):
            self.survey_snapshot = self.model.snapshot()
            self.survey_answers = survey.interview(self.model, self.seed)


class Session:
    """The runs of one browser session and what was asked for them.

    Args:
        municipalities: Optional subset of municipalities (tests); all 388 by default.
    """

    def __init__(self, municipalities: Sequence[str] | None = None) -> None:
        self.municipalities = municipalities
        self.lock = threading.RLock()
        self.runs: list[Run] = []
        self.version = 0
        self.messages: list[str] = []

    # ------------------------------------------------------------------ building
    def reset(
        self,
        scenario: str,
        seed: Any,
        overrides: Mapping[str, Any] | None = None,
        compare_with: str | None = None,
    ) -> list[str]:
        """Start again: ``scenario`` (and ``compare_with`` side by side) with the same seed.

        Returns:
            Notes for the facilitator (e.g. a scenario that fell back to the baseline).

        Raises:
            SeedError: If ``seed`` is not a valid seed; the current runs are kept.
            ValueError: If a slider does not fit a scenario; the current runs are kept.
        """
        value = parse_seed(seed)
        notes: list[str] = []
        names = [scenario] + ([compare_with] if compare_with else [])
        loaded = []
        for name in names:
            try:
                loaded.append(presets.load(name))
            except (ValueError, OSError) as exc:
                notes.append(f"{name}: {exc}")
                loaded.append(presets.load(presets.BASELINE))
        runs = [Run.build(s, value, overrides, self.municipalities) for s in loaded]
        with self.lock:
            self.runs = runs
            self.messages = notes
            self.version += 1
        return notes

    # ------------------------------------------------------------------ stepping
    def step(self, n: int = 1) -> bool:
        """Advance every run ``n`` months together; returns whether they can go on."""
        with self.lock:
            for _ in range(n):
                if not self.running:
                    break
                for run in self.runs:
                    run.step()
            self.version += 1
            return self.running

    @property
    def running(self) -> bool:
        """Whether the runs have months left."""
        return bool(self.runs) and all(r.model.running for r in self.runs)

    @property
    def primary(self) -> Run:
        """The first (or only) run."""
        return self.runs[0]

    @property
    def model(self) -> GovernanceModel:
        """The first run's model."""
        return self.runs[0].model

    @property
    def side_by_side(self) -> bool:
        """Whether two runs are shown."""
        return len(self.runs) > 1

    @property
    def steps(self) -> int:
        """Months simulated so far."""
        return self.model.steps if self.runs else 0

    @property
    def n_steps(self) -> int:
        """Months in the simulated period."""
        return self.model.calendar.n_steps if self.runs else 0
