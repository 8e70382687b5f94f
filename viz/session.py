"""Per-browser-session model state: one run, or two runs side by side with the same seed.

Nothing here is shared between sessions: the app creates one `Session` per browser tab (the
module-level model of the SolaraViz examples would be shared between tabs). The class is plain
Python (no Solara), so it is tested and benchmarked on its own.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from govsim import argtypes
from govsim.model import GovernanceModel
from govsim.model.calendar import parse_date
from govsim.model.levers import StrategyRule
from govsim.scenarios.scenario import Scenario
from govsim.viz import presets, survey
from govsim.viz.timeline import MonthView, TimelineStore

DEFAULT_SEED = 20180101
"""The seed of `govsim baseline`, so the app starts where the command line does."""
MAX_SEED = argtypes.MAX_SEED
"""Largest seed: the command line's (`govsim.argtypes.seed`, 2**128 - 1), so every seed of a
command-line run can be replayed in the app and the other way round."""
MAX_SEED_DIGITS = len(str(MAX_SEED))
SHOWN_CHARS = 40
"""A refused seed longer than this is shown shortened (as the command line does)."""


class SeedError(ValueError):
    """A seed field that is not a whole number from 0 to `MAX_SEED` (2**128 - 1).

    Attributes:
        text: What the field held, shortened to `SHOWN_CHARS` characters for a message.
    """

    def __init__(self, text: str) -> None:
        self.text = text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."
        super().__init__(
            f"seed must be a whole number from 0 to 2**128 - 1 ({MAX_SEED}), got {self.text!r}"
        )


def parse_seed(text: Any) -> int:
    """The seed in a text field (spaces around it and ``_`` between digits allowed).

    Raises:
        SeedError: If the text is not a whole number from 0 to `MAX_SEED` (2**128 - 1).
    """
    raw = "" if text is None else str(text)
    digits = raw.strip().replace("_", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_SEED_DIGITS:
        raise SeedError(raw)
    value = int(digits)
    if value > MAX_SEED:
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
        where: Where the secretary's choices apply: ``all`` or one municipality's CBS code.
        survey_now: The panel's shares asked in the current month (step, shares), when asked
            (`viz.survey.interview_now`).
        months: What the views need of every month simulated so far (`viz.timeline`).
        live: The secretary's choices applied during the run ("Nu toepassen"), dated rules
            in the order given (`apply_now`); part of the model's rules, so a replay with them
            is the same run.
    """

    scenario: Scenario
    seed: int
    overrides: dict[str, Any]
    params: dict[str, Any]
    model: GovernanceModel
    survey_snapshot: pd.DataFrame | None = None
    survey_answers: pd.DataFrame | None = None
    months: TimelineStore = field(default_factory=TimelineStore)
    where: str = "all"
    survey_now: tuple[int, pd.DataFrame | None] | None = None
    live: tuple[StrategyRule, ...] = ()

    @classmethod
    def build(
        cls,
        scenario: Scenario,
        seed: int,
        overrides: Mapping[str, Any] | None = None,
        municipalities: Sequence[str] | None = None,
        where: str = "all",
        live: Sequence[StrategyRule] = (),
    ) -> Run:
        """Build the model of ``scenario`` with ``seed`` and the slider ``overrides``.

        The secretary's choices among the overrides (lever sliders, role, stance, strategy)
        reach the model as a rule after the scenario's own (`presets.strategy_rules`): national,
        or for the one municipality ``where`` names (a CBS code). The ``live`` rules (dated,
        from `apply_now` of an earlier run) follow them, so the run repeats that one.
        """
        params, timeline = presets.model_inputs(scenario, overrides, where)
        rules = presets.strategy_rules(scenario, overrides, where)
        model = GovernanceModel(
            params,
            timeline,
            rng=seed,
            municipalities=municipalities,
            strategy=(*rules, *live),
        )
        run = cls(scenario, seed, dict(overrides or {}), params, model, where=where)
        run.live = tuple(live)
        run.months.record(model)
        return run

    def apply_now(self, rule: StrategyRule) -> None:
        """Add the dated ``rule`` to the running model and to the choices applied live.

        Raises:
            ValueError: (`model.levers.LeverError`) for a rule that starts in a month already
                simulated or outside the period.
        """
        self.model.add_strategy([rule])
        self.live = (*self.live, rule)

    @property
    def name(self) -> str:
        """Scenario name."""
        return self.scenario.name

    def step(self) -> None:
        """One month; in the survey month, keeps a snapshot and interviews the secretaries."""
        if not self.model.running:
            return
        self.model.step()
        self.months.record(self.model)
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
        self.stretch_start = 0
        """Step where the current Play stretch (or single Step) began (`what_changed`)."""

    # ------------------------------------------------------------------ building
    def reset(
        self,
        scenario: str,
        seed: Any,
        overrides: Mapping[str, Any] | None = None,
        compare_with: str | None = None,
        where: str = "all",
        live: Sequence[StrategyRule] = (),
    ) -> list[str]:
        """Start again: ``scenario`` (and ``compare_with`` side by side) with the same seed.

        The secretary's choices among ``overrides`` apply to ``where``: ``all`` municipalities
        or one CBS code (`Run.build`); ``live`` are dated choices of a saved session.

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
        runs = [Run.build(s, value, overrides, self.municipalities, where, live) for s in loaded]
        with self.lock:
            self.runs = runs
            self.messages = notes
            self.stretch_start = 0
            self.version += 1
        return notes

    def set_comparison(self, compare_with: str | None) -> list[str]:
        """Show ``compare_with`` beside the current run, or (None) the current run alone.

        The current run (A) is kept as it is. Run B gets A's seed, sliders and choices and is
        simulated from month 0 up to A's month, every month stored for the timeline, so the
        pair is where it would be had both run together from the start (issue 16: "the run
        survives switching to side-by-side, B is computed up to the same month").

        Returns:
            Notes for the facilitator (a scenario that fell back to the baseline).
        """
        notes: list[str] = []
        with self.lock:
            if not self.runs:
                return notes
            primary = self.primary
            if compare_with is None:
                self.runs = [primary]
            else:
                try:
                    scenario = presets.load(compare_with)
                except (ValueError, OSError) as exc:
                    notes.append(f"{compare_with}: {exc}")
                    scenario = presets.load(presets.BASELINE)
                second = Run.build(
                    scenario,
                    primary.seed,
                    primary.overrides,
                    self.municipalities,
                    primary.where,
                    primary.live,
                )
                while second.model.steps < primary.model.steps and second.model.running:
                    second.step()
                self.runs = [primary, second]
            self.messages = [*self.messages, *notes]
            self.version += 1
        return notes

    def apply_now(self, values: Mapping[str, Any], where: str = "all") -> StrategyRule | None:
        """The secretary's choices ``values`` for ``where`` from the next month, in every run.

        The runs go on where they are (nothing is simulated again); side by side, A and B get
        the same dated rule. Returns it (None: nothing to apply, or no month left).

        Raises:
            ValueError: (`model.levers.LeverError`) for a value a lever does not allow; no
                run is changed.
        """
        with self.lock:
            if not values or not self.running:
                return None
            start = self.model.calendar.date_of(self.model.steps + 1)
            rule = StrategyRule(where or "all", dict(values), start)  # checked before any run
            for run in self.runs:
                run.apply_now(rule)
            self.version += 1
            return rule

    @property
    def live(self) -> tuple[StrategyRule, ...]:
        """The choices applied during the run (run A's; B has the same)."""
        return self.runs[0].live if self.runs else ()

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

    # ------------------------------------------------------------------ the timeline
    def view(self, step: int | None, run: int = 0) -> MonthView | None:
        """Run ``run``'s stored month ``step`` (the latest for None)."""
        with self.lock:
            return self.runs[run].months.at(step) if self.runs else None

    def shown_step(self, step: int | None) -> int:
        """The step the views show for a timeline choice ``step`` (None: the latest)."""
        latest = self.steps
        return latest if step is None else max(0, min(int(step), latest))

    def begin_stretch(self) -> None:
        """Start a new Play stretch at the current month."""
        self.stretch_start = self.steps
