"""Transformation progress: emerges from staff adoption and participation practice."""

from __future__ import annotations

import numpy as np


def transformation_progress(
    adoption: np.ndarray, practice: np.ndarray, adoption_weight: float
) -> np.ndarray:
    """Transformation (M, 2) in [0, 1]; never set by hand.

    Report Kader 2: transformation is "het omgaan met de nieuwe taken ... Houding en gedrag
    staan centraal"; for the Omgevingswet "De transformatie gaat over de nieuwe cultuur" (§1.3).
    Here: the share of the domain's staff working the new way, and the participation practice
    with society (the "andere verhouding tussen overheid en samenleving", §2.1).
    """
    return adoption_weight * adoption + (1.0 - adoption_weight) * practice
