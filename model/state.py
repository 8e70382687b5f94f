"""Per-municipality, per-domain state (DESIGN §2 "State per municipality and domain")."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from govsim.model.instruments import DSO_INDEX, INSTRUMENTS, domain_mean


@dataclass
class MunicipalState:
    """State of every municipality; domain axis 0 = social (3D), 1 = physical (Omgevingswet).

    Attributes:
        instruments: (M, n_instruments) progress of each instrument of the transition, 0-1
            (`model.instruments.INSTRUMENTS`).
        transition: (M, 2) transition progress: the mean of the domain's instruments, 0-1.
        transformation: (M, 2) transformation progress, 0-1 (derived, never set by hand).
        steering: (M, 2, 4) actual steering mix on the simplex (legal, performing,
            collaborative, responsive).
        strategy: (M, 2) strategy per domain: 0 wait, 1 prepare, 2 front-run.
        readiness: (M, 2) readiness to act at the last review, 0-1.
        urgency: (2,) felt urgency from the national timeline.
        clarity: (2,) clarity of the national frame (deadline credibility, rules, DSO).
        credibility: (2,) credibility of each announced deadline.
        plan: (2,) planned transition this month (`transition.expected_transition`).
        time_pressure: (M, 2) pace needed vs. capacity.
        instrument_pressure: (M, n_instruments) pace needed per instrument vs. capacity.
        budget: (M, 2) budget pressure, 0-1.
        budget_sensitivity: (M,) how hard deficits hit this municipality.
        cooperation: (M, 2) regional cooperation intensity, 0-1.
        dso_preparation: (M,) preparation of the municipal line of the DSO, 0-1.
        dso_availability: National DSO availability this month, 0-1.
        capacity: (M,) implementation capacity from size.
        experience: (M,) experience of Crisis- en herstelwet experiments (0 or 1).
        subversion_exposure: (M,) exposure to criminal subversion, 0-1.
        specialists: (M, 2) share of specialists in the social and physical team.
        attention: (M, 2) organisational attention per domain.
        transition_effort: (M, 2) share of the domain's work on transition.
        work: (M, n_instruments) transition work on each instrument this month.
        secretary_split: (M, 4) secretary's attention over social, physical, organisation
            change and outside work (lobby, coaching).
        practice_quality: (M, 2) share of initiatives facilitated (smoothed).
        practice_breadth: (M, 2) breadth of participation (smoothed).
        incidents_total: (2,) cumulative incidents.
        mode_changes: (2, 4, 4) cumulative dominant-mode changes (from, to) per domain.
        strategy_changes: (2, 3, 3) cumulative strategy changes (from, to) per domain.
    """

    instruments: np.ndarray
    transformation: np.ndarray
    steering: np.ndarray
    budget_sensitivity: np.ndarray
    cooperation: np.ndarray
    capacity: np.ndarray
    experience: np.ndarray
    subversion_exposure: np.ndarray
    transition: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    strategy: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int8))
    readiness: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    urgency: np.ndarray = field(default_factory=lambda: np.zeros(2))
    clarity: np.ndarray = field(default_factory=lambda: np.zeros(2))
    credibility: np.ndarray = field(default_factory=lambda: np.ones(2))
    plan: np.ndarray = field(default_factory=lambda: np.zeros(2))
    time_pressure: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    instrument_pressure: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    budget: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    dso_preparation: np.ndarray = field(default_factory=lambda: np.zeros(0))
    dso_availability: float = 0.0
    specialists: np.ndarray = field(default_factory=lambda: np.ones((0, 2)))
    attention: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    transition_effort: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    work: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    secretary_split: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    practice_quality: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    practice_breadth: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    incidents_total: np.ndarray = field(default_factory=lambda: np.zeros(2))
    mode_changes: np.ndarray = field(default_factory=lambda: np.zeros((2, 4, 4), dtype=np.int64))
    strategy_changes: np.ndarray = field(
        default_factory=lambda: np.zeros((2, 3, 3), dtype=np.int64)
    )

    @property
    def dso_connection(self) -> np.ndarray:
        """(M,) connection to the national DSO, 0-1: the DSO instrument's progress (a view)."""
        return self.instruments[:, DSO_INDEX]

    def update_transition(self) -> None:
        """Set ``transition`` to the mean of each domain's instruments."""
        self.transition = domain_mean(self.instruments)

    @classmethod
    def create(
        cls,
        capacity: np.ndarray,
        steering: np.ndarray,
        cooperation: tuple[float, float],
        budget_sensitivity: np.ndarray,
        experience: np.ndarray,
        subversion_exposure: np.ndarray,
    ) -> MunicipalState:
        """Initial state for ``len(capacity)`` municipalities in Jan 2013."""
        n = len(capacity)
        c = len(INSTRUMENTS)
        state = cls(
            instruments=np.zeros((n, c)),
            transformation=np.zeros((n, 2)),
            steering=steering,
            budget_sensitivity=budget_sensitivity,
            cooperation=np.tile(np.asarray(cooperation, dtype=np.float64), (n, 1)),
            capacity=capacity,
            experience=experience,
            subversion_exposure=subversion_exposure,
            strategy=np.zeros((n, 2), dtype=np.int8),
            readiness=np.zeros((n, 2)),
            time_pressure=np.zeros((n, 2)),
            instrument_pressure=np.zeros((n, c)),
            budget=np.zeros((n, 2)),
            dso_preparation=np.zeros(n),
            specialists=np.ones((n, 2)),
            attention=np.zeros((n, 2)),
            transition_effort=np.zeros((n, 2)),
            work=np.zeros((n, c)),
            secretary_split=np.full((n, 4), 0.25),
            practice_quality=np.full((n, 2), 0.5),
            practice_breadth=np.zeros((n, 2)),
        )
        state.update_transition()
        return state
