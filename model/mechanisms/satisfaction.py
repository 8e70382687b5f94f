"""Secretary satisfaction with the implementation (pattern P7; report §2.3, table 3)."""

from __future__ import annotations

import numpy as np

from govsim.model.ufuncs import clip

TRANSFORMATION_WEIGHT = 0.1
"""Weight of the transformation in a secretary's satisfaction, against 1 for the transition:
"Hierbij kijkt men wel primair naar de transitie en niet naar de transformatie" (report §2.3).
Assumption on the number."""


def satisfaction_target(
    transition: np.ndarray,
    expected: np.ndarray,
    transformation: np.ndarray,
    incident_pressure: np.ndarray,
    budget: np.ndarray,
    base: float = 0.55,
    progress_weight: float = 0.0,
    in_force: np.ndarray | None = None,
    credibility: np.ndarray | None = None,
    criticism: float = 0.0,
) -> np.ndarray:
    """Satisfaction (M, 2) each secretary heads for, in [0, 1].

    Satisfaction judges the transition ("Hierbij kijkt men wel primair naar de transitie en niet
    naar de transformatie", report §2.3): how far the introduction is (``progress_weight`` × the
    part not yet done: the Omgevingswet's low satisfaction "is deels te verklaren door het
    verschil in hoe vergevorderd de invoering is", §2.3), and, once the law is in force
    (``in_force`` (2,)), progress against the requirement: before entry the plan is not yet a
    yardstick, so a postponement never makes a municipality look ahead of plan. A postponement
    draws criticism instead (``criticism`` × the credibility it cost, ``credibility`` (2,);
    Kader 10 "Extra uitstel leidt tot kritiek vanuit gemeentesecretarissen"). A little
    transformation (`TRANSFORMATION_WEIGHT`); incidents and deficits dent it. ``base`` is the
    satisfaction of a secretary whose transition is complete and on plan. After entry into force
    the 3D transition catches up, so satisfaction rises (77% at implementation, 81-91% after
    entry, P7). The weights of incidents and deficits are assumed.
    """
    force = np.ones(2) if in_force is None else np.asarray(in_force, dtype=np.float64)
    cred = np.ones(2) if credibility is None else np.asarray(credibility, dtype=np.float64)
    score = (
        base
        + force[None, :] * (transition - expected[None, :])
        - progress_weight * (1.0 - transition)
        - criticism * (1.0 - cred)[None, :]
        + TRANSFORMATION_WEIGHT * transformation
        - 0.2 * np.minimum(incident_pressure, 1.0)
        - 0.1 * budget
    )
    return clip(score, 0.0, 1.0)


def update_satisfaction(
    satisfaction: np.ndarray, target: np.ndarray, known: np.ndarray, rate: float
) -> None:
    """Move satisfaction (M, 2) towards ``target`` where the task is known, in place."""
    satisfaction += np.where(known[None, :], rate * (target - satisfaction), 0.0)
