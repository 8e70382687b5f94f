"""`GovernanceModel`: the Mesa model of governance change in the 388 municipalities of 2017.

One step is one month (Jan 2013 - Dec 2029 by default). Institutional actors (secretary, college,
council: one each per municipality) and many staff and citizen agents are Mesa agents whose hot
state lives in arrays owned by the model; each step runs the mechanisms of `model.mechanisms` in
the order documented in docs/ODD.md §3 ("Process overview and scheduling").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import mesa
import numpy as np
import pandas as pd

from agents import (
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
from agents.college import college_mix
from agents.secretary import ROLE_COOPERATION, ROLE_TRANSFORMATION_EXAMPLE, ROLES
from model.calendar import MonthCalendar
from model.indicators import INDICATORS, compute_indicators
from model.mechanisms import (
    budget,
    cooperation,
    council,
    participation,
    satisfaction,
    staff_learning,
    steering,
    transformation,
    transition,
    urgency,
)
from model.municipalities import MunicipalityArrays, load_municipalities
from model.parameters import ParameterError, resolve_parameters
from model.state import MunicipalState
from model.timeline import DOMAINS, Timeline

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
)
"""Named child random streams: each mechanism draws from its own, so a change in one
mechanism's draws does not shift any other's."""


def select_municipalities(selection: Sequence[str] | None) -> pd.DataFrame:
    """Rows of `load_municipalities` for CBS codes, names or province names (None: all 388).

    Raises:
        ParameterError: If a code or name matches no municipality or province.
    """
    frame = load_municipalities()
    if selection is None:
        return frame
    keep = np.zeros(len(frame), dtype=bool)
    for item in selection:
        match = (frame["code"] == item) | (frame["name"] == item) | (frame["province"] == item)
        if not match.any():
            raise ParameterError(
                f"'{item}' is not a 2017 municipality code (GMxxxx), municipality name or province"
            )
        keep |= match.to_numpy()
    return frame[keep].reset_index(drop=True)


class GovernanceModel(mesa.Model):
    """Governance change in Dutch municipalities under the 3D and the Omgevingswet.

    Args:
        params: Parameter overrides by name (see `model.parameters`).
        timeline: Exogenous events; the baseline timeline if None.
        rng: Seed or numpy Generator; all randomness comes from it.
        calendar: Simulated period; Jan 2013 - Dec 2029 if None.
        municipalities: Optional subset (CBS codes, names or provinces); all 388 if None.
        **overrides: Further parameter overrides as keywords (for sliders and batch runs).

    Raises:
        ParameterError: For unknown parameters or values out of range.
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
        **overrides: Any,
    ) -> None:
        super().__init__(rng=rng)
        self.params = resolve_parameters({**(params or {}), **overrides})
        self.calendar = calendar or MonthCalendar()
        self.timeline = timeline or Timeline()
        self.compiled = self.timeline.compile(self.calendar)
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        self.frame = select_municipalities(municipalities)
        self.municipalities = MunicipalityArrays.from_frame(self.frame)
        self.events: list[dict[str, Any]] = []
        self._build_population()
        self._shock_level = np.cumsum(self.compiled.budget_shock, axis=0)
        self.team_adoption = staff_learning.team_adoption(self.staff, self.municipalities.n)
        self.last_participation = participation.ParticipationOutcome(
            *(np.zeros((self.municipalities.n, 2)) for _ in range(5))
        )
        self.indicators: dict[str, float] = {}
        self.datacollector = mesa.DataCollector(
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
        )
        self.colleges = CollegeArrays.create(n, s["init_colleges"])
        self.councils = CouncilArrays.create(n, p["council_reopen_tendency"], s["init_councils"])
        staff_counts = np.maximum(
            p["staff_floor"], np.rint(mun.population / 1000.0 * p["staff_per_1000"])
        ).astype(np.int64)
        citizen_counts = np.maximum(
            p["citizen_floor"], np.rint(mun.population / 1000.0 * p["citizens_per_1000"])
        ).astype(np.int64)
        self.staff = StaffArrays.create(staff_counts, p["resister_share"], s["init_staff"])
        self.citizens = CitizenArrays.create(citizen_counts, s["init_citizens"])
        rng = s["init_municipal"]
        self.state = MunicipalState.create(
            capacity=transition.capacity_from_population(mun.population),
            steering=steering.initial_steering(n, rng),
            cooperation=(cooperation.INITIAL_SOCIAL_COOPERATION, p["initial_physical_cooperation"]),
            budget_sensitivity=np.clip(rng.lognormal(0.0, 0.3, n), 0.5, 2.0),
        )
        self.secretary_agents = [Secretary(self, i) for i in range(n)]
        self.college_agents = [College(self, i) for i in range(n)]
        self.council_agents = [Council(self, i) for i in range(n)]
        for i in range(self.staff.n):
            Staff(self, i)
        for i in range(self.citizens.n):
            Citizen(self, i)

    # ------------------------------------------------------------------ helpers
    @property
    def date(self) -> Any:
        """Month simulated by the last step (the start month before any step)."""
        return self.calendar.date_of(max(self.steps, 1))

    def log_event(self, municipality: int, kind: str, **fields: Any) -> None:
        """Record a municipality event for drill-down and reports (plain data)."""
        self.events.append(
            {"step": self.steps, "municipality": municipality, "kind": kind, **fields}
        )

    def role_example(self) -> np.ndarray:
        """Per municipality: how strongly the secretary's role sets the example (0-1)."""
        return np.asarray(ROLE_TRANSFORMATION_EXAMPLE)[self.secretaries.role]

    # ------------------------------------------------------------------ the monthly step
    def step(self) -> None:
        """Simulate one month; see docs/ODD.md §3 for the order."""
        k = self.steps
        if k > self.calendar.n_steps:
            self.running = False
            return
        p, st, ct = self.params, self.state, self.compiled
        mun = self.municipalities
        known = ct.known[k]
        in_force = k >= ct.entry_step[k]
        self._institutional_events(k)

        # urgency and attention (P4, P9, P11)
        st.urgency = urgency.national_urgency(ct, k, p)
        deadline_target = transition.next_deadline_target(ct.entry_step[k], ct.completion_step, k)
        st.time_pressure = urgency.time_pressure(
            st.transition, st.capacity, ct, k, deadline_target, p
        )
        st.dso_availability = float(ct.dso_availability[k])
        # incidents are public: college and council both react, with the college's risk aversion
        for body in (self.colleges, self.councils):
            urgency.update_attention(
                body.attention,
                body.engagement,
                st.urgency,
                self.colleges.incident_pressure,
                self.colleges.risk_aversion,
                p,
                known,
            )

        # budget and incidents (P3)
        months_in_force = (k - ct.entry_step[k]).astype(np.float64)
        target = budget.budget_target(
            months_in_force,
            known,
            k <= ct.completion_step,
            st.transformation,
            self._shock_level[k],
            p,
        )
        budget.update_budget_pressure(st.budget, target, st.budget_sensitivity)
        incidents = budget.draw_incidents(
            st.transition, in_force, mun.population, p, self.streams["incidents"]
        )
        budget.update_incident_pressure(
            self.colleges.incident_pressure, incidents, p["physical_risk_weight"]
        )
        st.incidents_total += incidents.sum(axis=0)

        # regional cooperation (P5)
        role_coop = np.asarray(ROLE_COOPERATION)[self.secretaries.role]
        cooperation.form_regional_cooperation(
            st.cooperation,
            st.urgency,
            st.capacity,
            role_coop,
            (mun.region_of(0), mun.region_of(1)),
            ct.cooperation_floor[k],
            p,
        )

        # attention split, effort and transition (P1, P8, P9)
        example = self.role_example()
        st.secretary_split = transition.secretary_attention_split(st.urgency, example)
        st.attention = transition.organisational_attention(
            self.colleges.attention,
            st.secretary_split,
            self.secretaries.regisseur,
            p["regisseur_bonus"],
        )
        st.transition_effort = transition.transition_effort(
            st.transition, st.time_pressure, p["transition_focus_base"]
        )
        transition.connect_dso(
            st.dso_connection,
            st.attention[:, 1] * known[1],
            st.dso_availability,
            p["dso_connect_rate"],
        )
        pooled = transition.pooled_capacity(st.capacity, st.cooperation, p["pooling_gain"])
        transition.produce_transition(
            st.transition,
            pooled,
            st.attention,
            st.transition_effort,
            known,
            st.dso_connection,
            p,
            st.urgency,
        )

        # staff (P1, P6)
        work = st.transition_effort * st.attention * known[None, :]
        staff_learning.update_workload(self.staff, work, p["implementation_load"])
        transformation_work = (1.0 - st.transition_effort) * st.attention * known[None, :]
        org_change = np.minimum(1.0, 3.0 * st.secretary_split[:, 2])
        team_input = staff_learning.learning_input(
            transformation_work, org_change, example, ct.joint_training[k], p
        )
        # a domain team trains on its own task once it is known; the organisation-wide change
        # reaches the rest of the organisation and not-yet-known domains at the spillover share
        team_input = staff_learning.spread_organisation_change(
            team_input, known, p["organisation_spillover"]
        )
        peers = staff_learning.peer_share(self.team_adoption, p["organisation_spillover"])
        staff_learning.train_staff(self.staff, team_input, peers, p)
        staff_learning.adopt_and_revert(self.staff, p, self.streams["staff"])
        self.team_adoption = staff_learning.team_adoption(self.staff, mun.n)

        # citizens (P2, P10)
        open_ = participation.openness(st.steering, st.time_pressure, p["time_pressure_closure"])
        open_ = open_ * known[None, :]
        self.last_participation = participation.participate(
            self.citizens,
            open_,
            self.councils.reopen_tendency,
            self.councils.trust_in_citizens,
            self.councils.steering,
            p,
            self.streams["citizens"],
        )
        participation.update_practice(
            st.practice_quality, st.practice_breadth, self.last_participation
        )
        participation.update_council_trust(self.councils.trust_in_citizens, self.last_participation)
        council.update_council_steering(
            self.councils.steering,
            self.councils.attention,
            self.colleges.incident_pressure,
            p["council_grip"],
            incident_grip=p["incident_grip"],
        )

        # transformation (emergent)
        st.transformation = transformation.transformation_progress(
            self.team_adoption[:, :2],
            st.practice_quality * st.practice_breadth,
            p["adoption_weight"],
        )

        # steering (P2, P3, P5, P8)
        expected = transition.expected_transition(
            ct.known_step, ct.entry_step[k], ct.completion_step, k
        )
        lag = np.clip(expected[None, :] - st.transition, 0.0, 1.0) * known[None, :]
        pulls = steering.steering_pulls(
            st.time_pressure, st.cooperation, self.colleges.incident_pressure, lag, st.budget, p
        )
        w = p["secretary_steering_weight"]
        preferred = w * self.secretaries.desired_mix + (1 - w) * college_mix(self.colleges.stance)
        before = st.steering.argmax(axis=2)
        steering.drift_steering(
            st.steering, steering.steering_target(preferred, pulls), p["steering_adapt_rate"], known
        )
        self._log_mode_changes(before, st.steering.argmax(axis=2), pulls)

        # secretary satisfaction (P7)
        sat_target = satisfaction.satisfaction_target(
            st.transition,
            expected,
            st.transformation,
            self.colleges.incident_pressure,
            st.budget,
            p["satisfaction_base"],
            p["progress_satisfaction_weight"],
        )
        satisfaction.update_satisfaction(
            self.secretaries.satisfaction, sat_target, known, p["satisfaction_rate"]
        )
        for d in range(2):
            if k == ct.entry_step[k][d]:
                self.secretaries.satisfaction_at_entry[:, d] = self.secretaries.satisfaction[:, d]

        self.indicators = compute_indicators(self)
        self.datacollector.collect(self)
        if k >= self.calendar.n_steps:
            self.running = False

    def _institutional_events(self, k: int) -> None:
        """Secretary turnover and elections: per-agent behaviour of the institutional actors."""
        n = self.municipalities.n
        monthly = 1.0 - (1.0 - self.params["secretary_turnover_per_year"]) ** (1.0 / 12.0)
        rng = self.streams["secretary_turnover"]
        for row in np.flatnonzero(rng.random(n) < monthly):
            self.secretary_agents[row].replace(rng)
        if self.compiled.election[k]:
            rng = self.streams["elections"]
            choices = self.compiled.coalition.get(k, ())
            applies = rng.random((n, len(choices))) < np.array([c.share for c in choices])
            for row in range(n):
                mine = [c for c, a in zip(choices, applies[row], strict=True) if a]
                self.council_agents[row].hold_election(mine, rng)
                self.college_agents[row].form_coalition(mine, rng)

    def _log_mode_changes(self, before: np.ndarray, after: np.ndarray, pulls: Any) -> None:
        for m, d in zip(*np.nonzero(before != after), strict=True):
            a, b = int(before[m, d]), int(after[m, d])
            self.state.mode_changes[d, a, b] += 1
            self.log_event(
                int(m),
                "mode_change",
                domain=DOMAINS[d],
                from_mode=MODES[a],
                to_mode=MODES[b],
                cause=steering.change_cause(b, pulls, m, d),
            )

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
        """Per-municipality state now, one row per municipality (map, survey, drill-down)."""
        st, sec = self.state, self.secretaries
        mun = self.municipalities
        cit = self.citizens
        n = mun.n
        citizens_n = np.bincount(cit.municipality, minlength=n)
        frame = self.frame[
            ["code", "name", "province", "youth_region", "od_cluster", "population", "size_class"]
        ].copy()
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
        return frame

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
