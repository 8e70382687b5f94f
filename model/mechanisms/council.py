"""Council steering: the council's grip on each domain (report §3.2 table 4, §3.3, §4.2)."""

from __future__ import annotations

import numpy as np

RISK_GRIP = np.array([0.7, 0.5])
"""Grip a fully attentive council keeps on the social and the physical domain: councils steer
the 3D more sharply ("De gemeenteraden sturen hier dan ook scherper op dan bij de
Omgevingswet", report §3.3). Assumption on the numbers."""


def update_council_steering(
    steering: np.ndarray, attention: np.ndarray, incident_pressure: np.ndarray, rate: float = 0.05
) -> None:
    """Move council steering (M, 2) towards its attention × the domain's political risk, in place.

    Steering follows involvement but stays below it: many councils are involved, fewer steer
    (report §3.2, table 4: involvement 72/59%, steering 43/39%; "de raad stelt de kaders vast,
    het overige is uitvoering"). Incidents tighten the grip (report §3.3). A council with a firm
    grip reopens more of society's choices (see `participation.participate`).
    """
    target = attention * (RISK_GRIP[None, :] + 0.3 * np.minimum(incident_pressure, 1.0))
    steering += rate * (np.clip(target, 0.0, 1.0) - steering)
    np.clip(steering, 0.0, 1.0, out=steering)
