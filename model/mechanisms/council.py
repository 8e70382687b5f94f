"""Council steering: the council's grip on each domain (report §3.2 table 4, §3.3, §4.2)."""

from __future__ import annotations

import numpy as np

from govsim.model.ufuncs import clip

COUNCIL_STEERING_RATE = 0.3
"""Share of the gap to its target grip a council closes in a month: a council's grip follows its
attention within a few months ("de raad stelt de kaders vast", report §3.2). Assumption."""


def update_council_steering(
    steering: np.ndarray,
    attention: np.ndarray,
    incident_pressure: np.ndarray,
    grip: float = 0.7,
    rate: float = COUNCIL_STEERING_RATE,
    incident_grip: float = 0.3,
    frameworks: np.ndarray | None = None,
    release: float = 0.0,
) -> None:
    """Move council steering (M, 2) towards its attention × its grip (plus incidents), in place.

    Steering follows involvement but stays below it: many councils are involved, fewer steer
    (report §3.2, table 4: involvement 72/59%, steering 43/39%; "de raad stelt de kaders vast,
    het overige is uitvoering"). ``grip`` (parameter ``council_grip``) is the share of its
    attention a council turns into steering, in both domains (table 4: 43% and 39% see the
    council steer). Incidents tighten the grip by up to ``incident_grip`` (parameter
    ``incident_grip``) at full incident pressure (report §3.3): councils steer the 3D more sharply
    ("De gemeenteraden sturen hier dan ook scherper op dan bij de Omgevingswet", §3.3) because
    the incidents with vulnerable groups happen there. A council with a firm grip reopens more
    of society's choices (see `participation.participate`).

    Once the frameworks are set the council lets go: "Een mogelijke verklaring daarvoor is de
    kaderstellende rol van de gemeenteraad: de raad stelt de kaders vast, het overige is
    uitvoering en komt daarom niet meer bij de raad terug" (report §3.2, on table 4). The
    frameworks are the transition's new instruments, which go to the council for adoption ("de
    regels en verordeningen maken en deze voorleggen aan de raad", §4.2; for the Omgevingswet
    "het tijdig opstellen van de nieuwe instrumenten ... (omgevingsvisie, omgevingsplan,
    etc.)", §1.3). ``frameworks`` (M, 2) is the domain's transition progress; at full
    progress the target grip is ``1 - release`` (parameter ``framework_release``) of what it
    is while the frameworks are still being set. Without ``frameworks`` nothing is released.
    """
    target = attention * (grip + incident_grip * np.minimum(incident_pressure, 1.0))
    if frameworks is not None:
        target = target * (1.0 - release * np.asarray(frameworks))
    steering += rate * (clip(target, 0.0, 1.0) - steering)
    clip(steering, 0.0, 1.0, out=steering)
