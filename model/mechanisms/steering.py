"""Steering drift on the four-mode simplex and the log of dominant-mode changes (P2, P3, P5, P8).

Modes in order: legal, performing, collaborative, responsive (Van der Steen et al. 2014,
report §1.7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEGAL, PERFORMING, COLLABORATIVE, RESPONSIVE = range(4)
INITIAL_MIX = np.array(
    [
        [
            0.25,
            0.45,
            0.18,
            0.12,
        ],  # social: "startte vanuit de traditie van de presterende overheid"
        [0.45, 0.30, 0.15, 0.10],  # physical: classic planning, "nee, tenzij" (report §1.3)
    ]
)
"""Mean actual steering mix in 2013 per domain (report §2.3 box, §1.3). Mixes assumed."""

PRE_TASK_DRIFT = 0.2
"""Share of the steering drift rate before a domain's decentralisation is known. Assumption."""

LEGAL_CAUSES = ("time_pressure", "regional_bodies", "incidents")
PERFORMING_CAUSES = ("slow_progress", "deficit")


def initial_steering(n: int, rng: np.random.Generator, concentration: float = 40.0) -> np.ndarray:
    """Draw the 2013 steering mix (n, 2, 4) around `INITIAL_MIX` (Dirichlet)."""
    return np.stack([rng.dirichlet(concentration * INITIAL_MIX[d], n) for d in range(2)], axis=1)


@dataclass
class SteeringPulls:
    """Pulls (M, 2) away from the preferred mix, each from one passage of the report.

    Attributes:
        time_pressure: To legal (P2, report §4.2 "Onder tijdsdruk neigen actoren terug te vallen
            op oude rolpatronen, waarin de overheid bepaalt").
        regional_bodies: To legal (P5, report §4.5 "Regionale organisaties en GR's focussen
            sterk op rechtmatigheid").
        incidents: To legal (report §3.3, fear of incidents with vulnerable groups).
        slow_progress: To performing (P3, report §2.2 "tegenbeweging van een samenwerkende naar
            een prestatiegerichte overheid, juist als reactie op een te traag verlopend proces").
        deficit: To performing (P3, "als gevolg van de oplopende tekorten in het sociaal domein").
    """

    time_pressure: np.ndarray
    regional_bodies: np.ndarray
    incidents: np.ndarray
    slow_progress: np.ndarray
    deficit: np.ndarray

    def legal(self) -> np.ndarray:
        """Total pull to legal steering."""
        return self.time_pressure + self.regional_bodies + self.incidents

    def performing(self) -> np.ndarray:
        """Total pull to performing steering."""
        return self.slow_progress + self.deficit


def steering_pulls(
    pressure: np.ndarray,
    cooperation: np.ndarray,
    incident_pressure: np.ndarray,
    lag: np.ndarray,
    budget: np.ndarray,
    params: dict,
) -> SteeringPulls:
    """Compute the pulls (see `SteeringPulls`) from the municipality's situation."""
    return SteeringPulls(
        time_pressure=params["time_pressure_legal_pull"] * pressure,
        regional_bodies=params["regional_legal_pull"] * cooperation,
        incidents=params["incident_pull"] * np.minimum(incident_pressure, 1.0),
        slow_progress=params["slow_progress_pull"] * lag,
        deficit=params["deficit_pull"] * budget,
    )


def steering_target(preferred: np.ndarray, pulls: SteeringPulls) -> np.ndarray:
    """Target mix (M, 2, 4): the preferred mix with the pulls' mass added, renormalised.

    The preferred mix combines the secretary's desired mix and the college's stance (P8: 80-90%
    of secretaries desire collaborative or responsive steering, report §2.2).
    """
    legal, performing = pulls.legal(), pulls.performing()
    target = preferred.copy()
    target[..., LEGAL] += legal
    target[..., PERFORMING] += performing
    return target / (1.0 + legal + performing)[..., None]


def drift_steering(
    steering: np.ndarray, target: np.ndarray, rate: float, known: np.ndarray | None = None
) -> None:
    """Move the actual mix (M, 2, 4) towards ``target`` in place; stays on the simplex.

    Steering changes slowly: secretaries "zetten vooral in op een incrementele verandering"
    (report §3.2). Before a domain's decentralisation is known (``known`` (2,) False) it changes
    at `PRE_TASK_DRIFT` of the rate: the decentralisation is the catalyst ("Gebruik
    decentralisaties als katalysator", report §5.5). A convex combination of two points on the
    simplex stays on it.
    """
    factor = 1.0 if known is None else np.where(known, 1.0, PRE_TASK_DRIFT)[None, :, None]
    steering += rate * factor * (target - steering)


def change_cause(new_mode: int, pulls: SteeringPulls, m: int, d: int) -> str:
    """Name the strongest reason for a move into ``new_mode`` (municipality ``m``, domain ``d``)."""
    if new_mode == LEGAL:
        values = [getattr(pulls, c)[m, d] for c in LEGAL_CAUSES]
        return LEGAL_CAUSES[int(np.argmax(values))] if max(values) > 0 else "preferences"
    if new_mode == PERFORMING:
        values = [getattr(pulls, c)[m, d] for c in PERFORMING_CAUSES]
        return PERFORMING_CAUSES[int(np.argmax(values))] if max(values) > 0 else "preferences"
    return "preferences"
