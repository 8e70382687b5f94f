"""Per-municipality, per-domain state (DESIGN §2 "State per municipality and domain")."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class MunicipalState:
    """State of every municipality; domain axis 0 = social (3D), 1 = physical (Omgevingswet).

    Attributes:
        transition: (M, 2) transition progress, 0-1.
        transformation: (M, 2) transformation progress, 0-1 (derived, never set by hand).
        steering: (M, 2, 4) actual steering mix on the simplex (legal, performing,
            collaborative, responsive).
        urgency: (2,) felt urgency from the national timeline.
        time_pressure: (M, 2) pace needed vs. capacity.
        budget: (M, 2) budget pressure, 0-1.
        budget_sensitivity: (M,) how hard deficits hit this municipality.
        cooperation: (M, 2) regional cooperation intensity, 0-1.
        dso_connection: (M,) connection to the national DSO, 0-1.
        dso_availability: National DSO availability this month, 0-1.
        capacity: (M,) implementation capacity from size.
        attention: (M, 2) organisational attention per domain.
        transition_effort: (M, 2) share of effort on transition.
        secretary_split: (M, 3) secretary's attention over social, physical, organisation change.
        practice_quality: (M, 2) share of initiatives facilitated (smoothed).
        practice_breadth: (M, 2) breadth of participation (smoothed).
        incidents_total: (2,) cumulative incidents.
        mode_changes: (2, 4, 4) cumulative dominant-mode changes (from, to) per domain.
    """

    transition: np.ndarray
    transformation: np.ndarray
    steering: np.ndarray
    budget_sensitivity: np.ndarray
    cooperation: np.ndarray
    capacity: np.ndarray
    urgency: np.ndarray = field(default_factory=lambda: np.zeros(2))
    time_pressure: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    budget: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    dso_connection: np.ndarray = field(default_factory=lambda: np.zeros(0))
    dso_availability: float = 0.0
    attention: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    transition_effort: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    secretary_split: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    practice_quality: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    practice_breadth: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    incidents_total: np.ndarray = field(default_factory=lambda: np.zeros(2))
    mode_changes: np.ndarray = field(default_factory=lambda: np.zeros((2, 4, 4), dtype=np.int64))

    @classmethod
    def create(
        cls,
        capacity: np.ndarray,
        steering: np.ndarray,
        cooperation: tuple[float, float],
        budget_sensitivity: np.ndarray,
    ) -> MunicipalState:
        """Initial state for ``len(capacity)`` municipalities in Jan 2013."""
        n = len(capacity)
        return cls(
            transition=np.zeros((n, 2)),
            transformation=np.zeros((n, 2)),
            steering=steering,
            budget_sensitivity=budget_sensitivity,
            cooperation=np.tile(np.asarray(cooperation, dtype=np.float64), (n, 1)),
            capacity=capacity,
            time_pressure=np.zeros((n, 2)),
            budget=np.zeros((n, 2)),
            dso_connection=np.zeros(n),
            attention=np.zeros((n, 2)),
            transition_effort=np.zeros((n, 2)),
            secretary_split=np.full((n, 3), 1.0 / 3.0),
            practice_quality=np.full((n, 2), 0.5),
            practice_breadth=np.zeros((n, 2)),
        )
