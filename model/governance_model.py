"""`GovernanceModel`: the Mesa model of governance change in the 388 municipalities of 2017.

One step is one month (Jan 2013 - Dec 2029 by default). Institutional actors (secretary, college,
council: one each per municipality) and many staff and citizen agents are Mesa agents whose hot
state lives in arrays owned by the model; each step runs the sub-steps of `model.schedule.MONTH`
in order (docs/ODD.md §3, "Process overview and scheduling", is generated from it).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import mesa
import numpy as np
import pandas as pd

from govsim.agents import (
    MODES,
    Citizen,
    CitizenArrays,
    College,
    CollegeArrays,
    Council,
    CouncilArrays,
    Secretary,
    SecretaryArrays,
    Staff,
    StaffArrays,
)
from govsim.agents.secretary import ROLE_TRANSFORMATION_EXAMPLE, ROLES
from govsim.model import kernels
from govsim.model.calendar import MonthCalendar
from govsim.model.indicators import INDICATORS
from govsim.model.instruments import INSTRUMENTS
from govsim.model.levers import (
    LeverArrays,
    LeverError,
    StrategyRule,
    UnmatchedRuleWarning,
    active_rules,
    as_rules,
    unmatched,
)
from govsim.model.mechanisms import cooperation, participation, staff_learning, steering, strategy
from govsim.model.mechanisms import transition as transition_mechanisms
from govsim.model.municipalities import (
    MunicipalityArrays,
    load_municipalities,
    select_municipalities,
)
from govsim.model.parameters import STRATEGIES, ParameterError, resolve_parameters
from govsim.model.schedule import MONTH, Month
from govsim.model.seeds import checked_rng
from govsim.model.state import MunicipalState
from govsim.model.timeline import DOMAINS, Timeline

STREAMS: tuple[str, ...] = (
    "init_secretaries",
    "init_colleges",
    "init_councils",
    "init_staff",
    "init_citizens",
    "init_municipal",
    "secretary_turnover",
    "elections",
    "incidents",
    "staff",
    "citizens",
    "init_context",
)
"""Named child random streams: each mechanism draws from its own, so a change in one
mechanism's draws does not shift any other's."""


@cache
def national_mean_capacity() -> float:
    """Mean implementation capacity of the 388 municipalities.

    A fixed reference, so that a province subset draws its experience as the whole country would.
    """
    population = load_municipalities()["population"].to_numpy(dtype=np.float64)
    return float(transition_mechanisms.capacity_from_population(population).mean())


class IndicatorCollector(mesa.DataCollector):
    """Mesa's `DataCollector` for the national indicators, without a copy per value.

    Every model reporter reads one float of ``model.indicators`` (computed once per step by
    `model.indicators.compute_indicators`, a new dict each step); floats are immutable, so the
    value is stored as it is instead of through ``deepcopy``. The step's dict is kept as it is
    and spread into Mesa's per-indicator lists (``model_vars``) when they are read, which costs
    a tenth of appending 180 values every month. Everything else (``get_model_vars_dataframe``,
    tables, agent reporters) is Mesa's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._steps: list[dict[str, float]] = []
        super().__init__(*args, **kwargs)

    @property
    def model_vars(self) -> dict[str, list[Any]]:
        """Mesa's collected values per model reporter, brought up to date."""
        if self._steps:
            steps, self._steps = self._steps, []
            for name, column in self._model_vars.items():
                column.extend([values[name] for values in steps])
        return self._model_vars

    @model_vars.setter
    def model_vars(self, value: dict[str, list[Any]]) -> None:
        self._model_vars = value

    def collect(self, model: mesa.Model) -> None:
        """Store this step's indicators (then anything else Mesa collects)."""
        self._steps.append(model.indicators)
        if self.agent_reporters or self.agenttype_reporters:
            reporters, self.model_reporters = self.model_reporters, {}
            try:
                super().collect(model)
            finally:
                self.model_reporters = reporters


def _seed_sequence(rng: np.random.Generator) -> dict[str, Any] | None:
    """The Generator's SeedSequence (its child streams come from it), for `recipe`."""
    seq = rng.bit_generator.seed_seq
    if not isinstance(seq, np.random.SeedSequence):
        return None
    return {
        "entropy": seq.entropy,
        "spawn_key": tuple(seq.spawn_key),
        "pool_size": seq.pool_size,
        "n_children_spawned": seq.n_children_spawned,
    }


class GovernanceModel(mesa.Model):
    """Governance change in Dutch municipalities under the 3D and the Omgevingswet.

    Args:
        params: Parameter overrides by name (see `model.parameters`).
        timeline: Exogenous events; the baseline timeline if None.
        rng: Seed (a whole number from 0 to 2**128 - 1) or numpy Generator; all randomness
            comes from it. None: a fresh seed from the operating system.
        calendar: Simulated period; Jan 2013 - Dec 2029 if None.
        municipalities: Optional subset (CBS codes, names or provinces, see
            `model.municipalities.select_municipalities`: "Utrecht" is the province, "GM0344"
            or "municipality Utrecht" the city); all 388 if None.
        strategy: The secretary's choices per municipality: `model.levers.StrategyRule` objects
            or mappings with ``where`` and lever keys (a scenario's ``[[strategy]]`` tables),
            applied in order. A rule whose ``where`` selects none of the municipalities
            simulated changes nothing and gives an `model.levers.UnmatchedRuleWarning`.
        backend: ``"numba"`` (compiled per-agent kernels) or ``"numpy"`` (the reference
            expressions, for debugging); both give the same numbers (`model.kernels`). None:
            `model.kernels.default_backend`.
        collect: Whether to compute and collect the national indicators every month
            (`national_series`). A run that only reads the final state (the survey,
            `snapshot`) passes False and skips that work; the state is the same either way.
        **overrides: Further parameter overrides as keywords (for sliders and batch runs).

    Raises:
        ParameterError: For unknown parameters or values out of range, or an argument of the
            wrong kind (a seed that is not a whole number, a timeline that is not a `Timeline`).
        TimelineError: For an inconsistent timeline.
    """

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        timeline: Timeline | None = None,
        *,
        rng: Any = None,
        calendar: MonthCalendar | None = None,
        municipalities: Sequence[str] | None = None,
        strategy: Sequence[StrategyRule | Mapping[str, Any]] | None = None,
        backend: str | None = None,
        collect: bool = True,
        **overrides: Any,
    ) -> None:
        rng = checked_rng(rng)
        if "seed" in overrides:
            raise ParameterError(
                "GovernanceModel takes its seed as rng=..., not seed=... (e.g. "
                "GovernanceModel(rng=1))"
            )
        if timeline is not None and not isinstance(timeline, Timeline):
            raise ParameterError(
                f"timeline must be a Timeline, got {type(timeline).__name__} {timeline!r:.60} "
                "(a scenario's: govsim.scenarios.loader.load_scenario('dso_delay').timeline)"
            )
        if not isinstance(collect, bool | np.bool_):
            raise ParameterError(f"collect must be True or False, got {collect!r:.60}")
        super().__init__(rng=rng)
        self._made_with = {
            "seed": int(rng) if isinstance(rng, int | np.integer) else None,
            "rng_state": self._rng,  # Mesa: the Generator's state before any draw
            "seed_sequence": _seed_sequence(self.rng),
            "municipalities": None if municipalities is None else list(municipalities),
        }
        try:
            self.backend = kernels.resolve_backend(backend)
        except ValueError as error:
            raise ParameterError(str(error)) from None
        self.params = resolve_parameters({**(params or {}), **overrides})
        self.calendar = calendar or MonthCalendar()
        self.timeline = timeline or Timeline()
        self.compiled = self.timeline.compile(self.calendar)
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        self.frame = select_municipalities(municipalities)
        self.municipalities = MunicipalityArrays.from_frame(self.frame)
        self.strategy_rules = as_rules(strategy)
        for sentence in unmatched(self.strategy_rules, self.frame):
            warnings.warn(sentence, UnmatchedRuleWarning, stacklevel=2)
        self._rule_starts = {r.start_step(self.calendar) for r in self.strategy_rules} - {1}
        self.levers = LeverArrays.resolve(
            active_rules(self.strategy_rules, self.calendar, 1), self.frame, self.params
        )
        self.events: list[dict[str, Any]] = []
        self._build_population()
        self.shock_level = np.cumsum(self.compiled.budget_shock, axis=0)
        self.team_adoption = staff_learning.team_adoption(self.staff, self.municipalities.n)
        self.last_participation = participation.ParticipationOutcome(
            *(np.zeros((self.municipalities.n, 2)) for _ in range(5))
        )
        self.indicators: dict[str, float] = {}
        self.collect = bool(collect)
        self.datacollector = IndicatorCollector(
            model_reporters={i.name: _reporter(i.name) for i in INDICATORS}
        )
        self.running = True

    # ------------------------------------------------------------------ initialisation
    def _build_population(self) -> None:
        p, s, mun = self.params, self.streams, self.municipalities
        n = mun.n
        self.secretaries = SecretaryArrays.create(
            n,
            p["regisseur_share"],
            s["init_secretaries"],
            p["comfort_mode_weight"],
            p["undesired_mode_weight"],
            self.levers.role,
            self.levers.regisseur,
        )
        self.colleges = CollegeArrays.create(n, s["init_colleges"])
        self.councils = CouncilArrays.create(n, p["council_reopen_tendency"], s["init_councils"])
        staff_counts = np.maximum(
            p["staff_floor"], np.rint(mun.population / 1000.0 * p["staff_per_1000"])
        ).astype(np.int64)
        citizen_counts = np.maximum(
            p["citizen_floor"], np.rint(mun.population / 1000.0 * p["citizens_per_1000"])
        ).astype(np.int64)
        self.staff = StaffArrays.create(
            staff_counts, p["resister_share"], s["init_staff"], p["generalist_share"]
        )
        self.citizens = CitizenArrays.create(citizen_counts, s["init_citizens"])
        rng = s["init_municipal"]
        capacity = transition_mechanisms.capacity_from_population(mun.population)
        context = s["init_context"]
        self.state = MunicipalState.create(
            capacity=capacity,
            steering=steering.initial_steering(n, rng),
            cooperation=(cooperation.INITIAL_SOCIAL_COOPERATION, p["initial_physical_cooperation"]),
            budget_sensitivity=np.clip(rng.lognormal(0.0, 0.3, n), 0.5, 2.0),
            experience=strategy.draw_experience(
                capacity, p["experiment_share"], context, national_mean_capacity()
            ),
            subversion_exposure=steering.draw_subversion_exposure(n, context),
        )
        self.state.specialists = staff_learning.team_specialists(self.staff, n)
        self._institutional: tuple[list[Secretary], list[College], list[Council]] | None = None
        self._views_created = False

    # ------------------------------------------------------------------ agent views
    def _institutional_agents(self) -> tuple[list[Secretary], list[College], list[Council]]:
        """The `Secretary`, `College` and `Council` agents (views on their rows), made once.

        Like the staff and citizen views (`create_views`), the mechanisms never need them; they
        are created the first time anyone asks for them (`secretary_agents`, `college_agents`,
        `council_agents`) or for the model's agents, all three kinds together and always before
        the staff and citizens, so their ``unique_id`` are those of agents created with the model.
        """
        if self._institutional is None:
            n = self.municipalities.n
            self._institutional = (
                [Secretary(self, i) for i in range(n)],
                [College(self, i) for i in range(n)],
                [Council(self, i) for i in range(n)],
            )
        return self._institutional

    @property
    def secretary_agents(self) -> list[Secretary]:
        """The `Secretary` agent of each municipality, in row order."""
        return self._institutional_agents()[0]

    @property
    def college_agents(self) -> list[College]:
        """The `College` agent of each municipality, in row order."""
        return self._institutional_agents()[1]

    @property
    def council_agents(self) -> list[Council]:
        """The `Council` agent of each municipality, in row order."""
        return self._institutional_agents()[2]

    def create_views(self) -> None:
        """Create the `Staff` and `Citizen` agent objects (views on their array rows) once.

        The mechanisms never need them: they update the arrays. They are created the first
        time anyone asks Mesa for the model's agents (`agents`, `agents_by_type`,
        `agent_types`), so a run for the survey or an experiment does not build some 40,000
        Python objects it never reads. The institutional agents are made first (if nobody has
        asked for them yet), so the staff's and citizens' ``unique_id`` follow theirs in row
        order, as if all had been created with the model.
        """
        if self._views_created:
            return
        self._institutional_agents()
        self._views_created = True
        for i in range(self.staff.n):
            Staff(self, i)
        for i in range(self.citizens.n):
            Citizen(self, i)

    @property
    def agents(self) -> Any:
        """All Mesa agents of the model (creates the staff and citizen views first)."""
        self.create_views()
        return super().agents

    @property
    def agents_by_type(self) -> dict[type, Any]:
        """Mesa agents by type (creates the staff and citizen views first)."""
        self.create_views()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Agent types of the model (creates the staff and citizen views first)."""
        self.create_views()
        return super().agent_types

    # ------------------------------------------------------------------ helpers
    @property
    def date(self) -> Any:
        """Month simulated by the last step (the start month before any step).

        After the last month of the calendar it stays there, however often `step` is called.
        """
        return self.calendar.date_of(min(max(self.steps, 1), self.calendar.n_steps))

    def log_event(self, municipality: int, kind: str, **fields: Any) -> None:
        """Record a municipality event for drill-down and reports (plain data)."""
        self.events.append(
            {"step": self.steps, "municipality": municipality, "kind": kind, **fields}
        )

    def role_example(self) -> np.ndarray:
        """Per municipality: how strongly the secretary's role sets the example (0-1)."""
        return np.asarray(ROLE_TRANSFORMATION_EXAMPLE)[self.secretaries.role]

    # ------------------------------------------------------------------ the monthly step
    def recipe(self) -> dict[str, Any]:
        """What made this model: ``GovernanceModel``'s arguments and seed (`model.persistence`).

        ``model.persistence.replay(model.recipe(), model.steps)`` is the same run again.
        """
        return {
            **self._made_with,
            "params": dict(self.params),
            "timeline": self.timeline,
            "calendar": self.calendar,
            "strategy": list(self.strategy_rules),
            "backend": self.backend,
            "collect": self.collect,
        }

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as the recipe and the months run; unpickling replays it (`model.persistence`).

        Raises:
            ModelNotPicklable: The model was changed by hand, so its recipe does not replay it.
        """
        from govsim.model.persistence import reduce_model

        return reduce_model(self)

    def step(self) -> None:
        """Simulate one month: the sub-steps of `model.schedule.MONTH`, in order."""
        k = self.steps
        if k > self.calendar.n_steps:
            self.running = False
            return
        if k in self._rule_starts:
            self._start_rules(k)
        ct = self.compiled
        month = Month(
            k=k,
            known=ct.known[k],
            in_force=k >= ct.entry_step[k],
            new_secretary=np.zeros(self.municipalities.n, dtype=bool),
        )
        for sub in MONTH:
            sub.run(self, month)
        if k >= self.calendar.n_steps:
            self.running = False

    def _start_rules(self, k: int) -> None:
        """Resolve the secretary's choices again in month ``k``, where a dated rule starts.

        The serving secretaries take up a role or stance that changes now (`take_up`); numeric
        levers and fixed strategies are read every month, so they apply from this month on.
        """
        old = self.levers
        self.levers = LeverArrays.resolve(
            active_rules(self.strategy_rules, self.calendar, k), self.frame, self.params
        )
        role = np.where(self.levers.role != old.role, self.levers.role, -1)
        stance = np.where(self.levers.regisseur != old.regisseur, self.levers.regisseur, -1)
        self.secretaries.take_up(role, stance, self.params)

    def add_strategy(self, rules: Sequence[StrategyRule | Mapping[str, Any]]) -> None:
        """Add the secretary's choices during a run: ``rules`` apply from their ``start``.

        A rule without ``start`` applies from the next month. Every rule must start after the
        month simulated last, so the run is the one a model built with all its rules from the
        start gives (`recipe` records them; `model.persistence.replay` repeats it).

        Raises:
            LeverError: For a rule the model cannot use, or one that starts in a month already
                simulated or outside the simulated period.
        """
        added = []
        for rule in as_rules(rules):
            if rule.start is None:
                rule = StrategyRule(rule.where, rule.values, self.calendar.date_of(self.steps + 1))
            step = rule.start_step(self.calendar)
            if step <= self.steps:
                raise LeverError(
                    f"'start' = {rule.start:%Y-%m} has been simulated already",
                    f"a month from {self.calendar.date_of(self.steps + 1):%Y-%m} on",
                )
            added.append((rule, step))
        for sentence in unmatched((rule for rule, _ in added), self.frame):
            warnings.warn(sentence, UnmatchedRuleWarning, stacklevel=2)
        for rule, step in added:
            self.strategy_rules = (*self.strategy_rules, rule)
            self._rule_starts.add(step)

    # ------------------------------------------------------------------ running and output
    def run(self, until: Any = None) -> GovernanceModel:
        """Run to the end of the calendar, or up to and including the month ``until``."""
        last = (
            self.calendar.n_steps
            if until is None
            else min(self.calendar.step_of(until), self.calendar.n_steps)
        )
        while self.steps < last:
            self.step()
        return self

    def national_series(self) -> pd.DataFrame:
        """Collected national indicators, one row per simulated month (index: month start)."""
        frame = self.datacollector.get_model_vars_dataframe()
        frame.index = pd.DatetimeIndex(
            [self.calendar.date_of(k) for k in range(1, len(frame) + 1)], name="date"
        )
        return frame

    def snapshot(self) -> pd.DataFrame:
        """Per-municipality state now, one row per municipality (map, survey, drill-down).

        The columns are gathered first and joined once: inserting them one by one into a
        DataFrame cost ~50 ms a call (pandas copies its string index on every insert).
        """
        st, sec = self.state, self.secretaries
        mun = self.municipalities
        cit = self.citizens
        n = mun.n
        citizens_n = np.bincount(cit.municipality, minlength=n)
        base = self.frame[
            ["code", "name", "province", "youth_region", "od_cluster", "population", "size_class"]
        ]
        frame: dict[str, Any] = {}  # the columns, in order; one DataFrame built at the end
        dominant = st.steering.argmax(axis=2)
        for d, dom in enumerate(DOMAINS):
            frame[f"transition_{dom}"] = st.transition[:, d]
            frame[f"transformation_{dom}"] = st.transformation[:, d]
            frame[f"dominant_{dom}"] = [MODES[i] for i in dominant[:, d]]
            for k, mode in enumerate(MODES):
                frame[f"mix_{dom}_{mode}"] = st.steering[:, d, k]
                frame[f"desired_{dom}_{mode}"] = sec.desired_mix[:, d, k]
            frame[f"time_pressure_{dom}"] = st.time_pressure[:, d]
            frame[f"budget_{dom}"] = st.budget[:, d]
            frame[f"cooperation_{dom}"] = st.cooperation[:, d]
            frame[f"attention_{dom}"] = st.attention[:, d]
            frame[f"college_attention_{dom}"] = self.colleges.attention[:, d]
            frame[f"college_stance_{dom}"] = self.colleges.stance[:, d]
            frame[f"council_attention_{dom}"] = self.councils.attention[:, d]
            frame[f"council_steering_{dom}"] = self.councils.steering[:, d]
            frame[f"staff_adoption_{dom}"] = self.team_adoption[:, d]
            frame[f"satisfaction_{dom}"] = sec.satisfaction[:, d]
            frame[f"satisfaction_at_entry_{dom}"] = sec.satisfaction_at_entry[:, d]
            frame[f"participation_{dom}"] = self.last_participation.participants[:, d] / np.maximum(
                self.last_participation.citizens[:, d], 1
            )
            frame[f"incident_pressure_{dom}"] = self.colleges.incident_pressure[:, d]
            frame[f"mode_changes_{dom}"] = np.bincount(
                [
                    e["municipality"]
                    for e in self.events
                    if e["kind"] == "mode_change" and e["domain"] == dom
                ],
                minlength=n,
            )
        for d, dom in enumerate(DOMAINS):
            frame[f"strategy_{dom}"] = [STRATEGIES[i] for i in st.strategy[:, d]]
            frame[f"readiness_{dom}"] = st.readiness[:, d]
        for c, instrument in enumerate(INSTRUMENTS):
            frame[f"instrument_{instrument.name}"] = st.instruments[:, c]
        frame["dso_preparation"] = st.dso_preparation
        frame["experience"] = st.experience
        for name, values in self.levers.values.items():
            frame[f"lever_{name}"] = values
        frame["staff_adoption_other"] = self.team_adoption[:, 2]
        frame["staff_readiness"] = np.bincount(
            self.staff.municipality, weights=self.staff.readiness, minlength=n
        ) / np.bincount(self.staff.municipality, minlength=n)
        frame["dso_connection"] = st.dso_connection
        frame["capacity"] = st.capacity
        frame["secretary_role"] = [ROLES[r] for r in sec.role]
        frame["secretary_regisseur"] = sec.regisseur.copy()
        frame["secretary_appointed_after_2015"] = sec.appointed_step >= self.calendar.step_of(
            "2015-01-01"
        )
        frame["council_trust_in_citizens"] = self.councils.trust_in_citizens
        frame["council_reopen_tendency"] = self.councils.reopen_tendency
        frame["citizen_trust"] = (
            np.bincount(cit.municipality, weights=cit.trust, minlength=n) / citizens_n
        )
        frame["staff_agents"] = np.bincount(self.staff.municipality, minlength=n)
        frame["citizen_agents"] = citizens_n
        return pd.concat([base, pd.DataFrame(frame, index=base.index)], axis=1)

    def event_log(self) -> pd.DataFrame:
        """All logged events with their month and municipality name."""
        frame = pd.DataFrame(self.events)
        if frame.empty:
            return pd.DataFrame(columns=["step", "date", "municipality", "name", "kind"])
        frame["date"] = [self.calendar.date_of(max(s, 1)) for s in frame["step"]]
        frame["name"] = self.frame["name"].to_numpy()[frame["municipality"].to_numpy()]
        return frame


def _reporter(name: str) -> Any:
    def read(model: GovernanceModel) -> float:
        return model.indicators[name]

    read.__name__ = f"report_{name}"
    return read
