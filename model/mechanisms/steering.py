"""Steering drift on the four-mode simplex and the log of dominant-mode changes (P2, P3, P5, P8).

Modes in order: legal, performing, collaborative, responsive (Van der Steen et al. 2014,
report §1.7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govsim.model.ufuncs import clip

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
COACHED_PATIENCE = 0.5
"""Share of the pull to performing under slow progress that a fully coaching secretary takes
away by managing expectations ("Manage de verwachtingen in het college en de gemeenteraad. In
het sociaal domein is er al ongeduld na twee jaar", report §4.4). Assumption."""

LEGAL_CAUSES = ("time_pressure", "regional_bodies", "incidents", "subversion")
PERFORMING_CAUSES = ("slow_progress", "deficit")


SUBVERSION_EXPOSURE_SHAPE = (2.0, 5.0)
"""Beta shape of municipalities' exposure to criminal subversion (mean 0.29): no data; the
report names it a risk, not a measure (§4.2). Assumption."""


def draw_subversion_exposure(n: int, rng: np.random.Generator) -> np.ndarray:
    """Exposure (n,) of each municipality to criminal subversion, 0-1.

    Drawn from `SUBVERSION_EXPOSURE_SHAPE` (report §4.2 "Ook criminele ondermijning kan een rol
    spelen").
    """
    return rng.beta(*SUBVERSION_EXPOSURE_SHAPE, n)


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
        subversion: To legal in the physical domain where the municipality is exposed to
            criminal subversion (report §2.2 "Zeker wanneer ondermijning aan de orde is",
            §4.2).
    """

    time_pressure: np.ndarray
    regional_bodies: np.ndarray
    incidents: np.ndarray
    slow_progress: np.ndarray
    deficit: np.ndarray
    subversion: np.ndarray

    def legal(self) -> np.ndarray:
        """Total pull to legal steering."""
        return self.time_pressure + self.regional_bodies + self.incidents + self.subversion

    def performing(self) -> np.ndarray:
        """Total pull to performing steering."""
        return self.slow_progress + self.deficit


def progress_lag(expected: np.ndarray, transition: np.ndarray, known: np.ndarray) -> np.ndarray:
    """How far (M, 2) a known domain's transition lags the plan, 0-1.

    The plan is `transition.expected_transition`; the lag is the "te traag verlopend proces" of
    P3 (report §2.2).
    """
    lag = clip(np.asarray(expected)[None, :] - transition, 0.0, 1.0)
    return lag * np.asarray(known, dtype=np.float64)[None, :]


def subversion_pressure(exposure: np.ndarray, openness: np.ndarray) -> np.ndarray:
    """Subversion risk (M, 2): exposure times openness, in the physical domain only.

    The municipality's ``exposure`` (M,) times how open its physical domain is (``openness``
    (M, 2), `participation.openness`); zero in the social domain.

    Report §4.2: criminal subversion "is met name een factor in het fysieke domein en een risico
    bij de Omgevingswet; meer vrijheid voor inwoners en ondernemers kan immers misbruikt
    worden ... Dat vereist voldoende veiligheid (via checks)".
    """
    out = np.zeros_like(openness)
    out[:, 1] = exposure * openness[:, 1]
    return out


def steering_pulls(
    pressure: np.ndarray,
    cooperation: np.ndarray,
    incident_pressure: np.ndarray,
    lag: np.ndarray,
    budget: np.ndarray,
    params: dict,
    subversion: np.ndarray | None = None,
    coaching: np.ndarray | None = None,
) -> SteeringPulls:
    """Compute the pulls (see `SteeringPulls`) from the municipality's situation.

    ``subversion`` (M, 2): `subversion_pressure`. ``coaching`` (M,): the secretary's coaching of
    the college (lesson 6), which tempers the impatience behind the pull to performing under
    slow progress (`COACHED_PATIENCE`).
    """
    patience = 1.0 if coaching is None else (1.0 - COACHED_PATIENCE * np.asarray(coaching))[:, None]
    risk = np.zeros_like(pressure) if subversion is None else subversion
    return SteeringPulls(
        time_pressure=params["time_pressure_legal_pull"] * pressure,
        regional_bodies=params["regional_legal_pull"] * cooperation,
        incidents=params["incident_pull"] * np.minimum(incident_pressure, 1.0),
        slow_progress=params["slow_progress_pull"] * lag * patience,
        deficit=params["deficit_pull"] * budget,
        subversion=params["subversion_pull"] * risk,
    )


def preferred_mix(
    desired: np.ndarray,
    college: np.ndarray,
    secretary_weight: float,
    coaching: np.ndarray | None = None,
) -> np.ndarray:
    """The mix (M, 2, 4) a municipality prefers: the secretary's desired mix and the college's.

    The secretary advises, the college decides (report §1.8: the secretary is "adviseur van het
    college"): ``secretary_weight`` (parameter ``secretary_steering_weight``) of the secretary's
    ``desired`` mix and the rest of the ``college`` mix (`agents.college.college_mix`).
    Coaching the college on its role (lesson 6, ``coaching`` (M,): "Bij de 3D's zagen we
    regelmatig dat er te weinig werd gestuurd op het realiseren van de rolverandering", §5.5)
    moves the college towards the secretary: the weight rises towards 1.
    """
    w = np.full(desired.shape[0], float(secretary_weight))
    if coaching is not None:
        w = w + (1.0 - w) * np.asarray(coaching)
    w = w[:, None, None]
    return w * desired + (1.0 - w) * college


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


def adapt_rate(rate: float, transformation_first: np.ndarray) -> np.ndarray:
    """Drift rate (M,) of the steering mix.

    Steering on the transformation from the start (lesson 1, ``transformation_first`` (M,))
    breaks faster with the inherited mix ("het gevaar ... dat gemeenten dezelfde strategie
    blijven voeren als men nu reeds hanteert", §5.5); at 1 the rate doubles, capped at 1.
    """
    return np.minimum(1.0, rate * (1.0 + np.asarray(transformation_first)))


def drift_steering(
    steering: np.ndarray,
    target: np.ndarray,
    rate: float | np.ndarray,
    known: np.ndarray | None = None,
) -> None:
    """Move the actual mix (M, 2, 4) towards ``target`` in place; stays on the simplex.

    Steering changes slowly: secretaries "zetten vooral in op een incrementele verandering"
    (report §3.2). Before a domain's decentralisation is known (``known`` (2,) False) it changes
    at `PRE_TASK_DRIFT` of the rate: the decentralisation is the catalyst ("Gebruik
    decentralisaties als katalysator", report §5.5). A convex combination of two points on the
    simplex stays on it.
    """
    factor = 1.0 if known is None else np.where(known, 1.0, PRE_TASK_DRIFT)[None, :, None]
    r = np.reshape(rate, (-1, 1, 1)) if np.ndim(rate) else rate
    steering += r * factor * (target - steering)


def change_cause(new_mode: int, pulls: SteeringPulls, m: int, d: int) -> str:
    """Name the strongest reason for a move into ``new_mode`` (municipality ``m``, domain ``d``)."""
    if new_mode == LEGAL:
        values = [getattr(pulls, c)[m, d] for c in LEGAL_CAUSES]
        return LEGAL_CAUSES[int(np.argmax(values))] if max(values) > 0 else "preferences"
    if new_mode == PERFORMING:
        values = [getattr(pulls, c)[m, d] for c in PERFORMING_CAUSES]
        return PERFORMING_CAUSES[int(np.argmax(values))] if max(values) > 0 else "preferences"
    return "preferences"
