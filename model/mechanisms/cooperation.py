"""Regional cooperation: forms under urgency, erodes without it (pattern P5)."""

from __future__ import annotations

import numpy as np

from govsim.model.ufuncs import clip

INITIAL_SOCIAL_COOPERATION = 0.15
"""Social-domain cooperation intensity in 2013: low before the 3D (the youth-care regions formed
for it, report §4.5). Assumption on the number. The physical domain's starts at the parameter
``initial_physical_cooperation``: already pooled in the omgevingsdiensten (report §2.3)."""


def region_mean(values: np.ndarray, region: np.ndarray, n_regions: int) -> np.ndarray:
    """Mean of ``values`` (M,) over each municipality's region, returned per municipality."""
    total = np.bincount(region, weights=values, minlength=n_regions)
    size = np.bincount(region, minlength=n_regions)
    return (total / np.maximum(size, 1))[region]


def form_regional_cooperation(
    cooperation: np.ndarray,
    urgency: np.ndarray,
    capacity: np.ndarray,
    role_cooperation: np.ndarray,
    regions: tuple[tuple[np.ndarray, int], tuple[np.ndarray, int]],
    floor: np.ndarray,
    params: dict,
) -> None:
    """Update cooperation (M, 2) in place (P5).

    - Urgency builds cooperation, most where capacity is small: "Regionale samenwerking was bij
      de invoering van de 3D's echt nodig ... De gevoelde urgentie om zaken regionaal te
      organiseren was groot"; for the Omgevingswet "is deze urgentie ... veel minder groot"
      (report §4.5). Connector secretaries initiate it ("initiator van regionale samenwerking").
    - Without urgency it erodes: "ontstaan er wensen om meer maatwerk per gemeente te bieden.
      Daardoor staat de regionale samenwerking ... onder druk" (report §4.5).
    - Municipalities move towards their region's level (youth-care region for the social domain,
      omgevingsdienst for the physical domain), and a policy can set a floor (report §4.5, De6).
    """
    need = 1.0 - 0.7 * capacity
    u = urgency[None, :]
    form = params["cooperation_formation"] * u * need[:, None]
    form *= (1.0 + 0.5 * role_cooperation)[:, None] * (1.0 - cooperation)
    erode = params["cooperation_decay"] * (1.0 - u) * cooperation
    cooperation += form - erode
    for d, (region, n_regions) in enumerate(regions):
        mean = region_mean(cooperation[:, d], region, n_regions)
        cooperation[:, d] += params["regional_coupling"] * (mean - cooperation[:, d])
    np.maximum(cooperation, floor[None, :], out=cooperation)
    clip(cooperation, 0.0, 1.0, out=cooperation)
