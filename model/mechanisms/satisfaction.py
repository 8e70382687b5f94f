"""Secretary satisfaction with the implementation (pattern P7; report §2.3, table 3)."""

from __future__ import annotations

import numpy as np


def satisfaction_target(
    transition: np.ndarray,
    expected: np.ndarray,
    transformation: np.ndarray,
    incident_pressure: np.ndarray,
    budget: np.ndarray,
) -> np.ndarray:
    """Satisfaction (M, 2) each secretary heads for, in [0, 1].

    Satisfaction judges progress against plan ("Hierbij kijkt men wel primair naar de transitie
    en niet naar de transformatie", report §2.3), a little transformation, and is dented by
    incidents and deficits. After entry into force the 3D transition catches up, so satisfaction
    rises (77% at implementation, 81-91% after entry, P7). Weights assumed.
    """
    score = (
        0.55
        + 1.0 * (transition - expected[None, :])
        + 0.35 * transformation
        - 0.2 * np.minimum(incident_pressure, 1.0)
        - 0.1 * budget
    )
    return np.clip(score, 0.0, 1.0)


def update_satisfaction(
    satisfaction: np.ndarray, target: np.ndarray, known: np.ndarray, rate: float
) -> None:
    """Move satisfaction (M, 2) towards ``target`` where the task is known, in place."""
    satisfaction += np.where(known[None, :], rate * (target - satisfaction), 0.0)
