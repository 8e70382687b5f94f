"""Budget pressure and incidents (patterns P3; report §3.3)."""

from __future__ import annotations

import numpy as np

from govsim.model.ufuncs import clip

MAX_DEFICIT = 0.4
"""Budget pressure that growing deficits approach (saturating: the state added youth-care money
from 2019 on). Assumption."""
DATA_INVESTMENT = 0.05
"""Budget pressure of working fully data-driven in a known domain: "De overheid moet fors
investeren in informatievoorziening, informatiemanagement en digitale dienstverlening" (report
§4.1). Assumption on the size."""


def budget_target(
    months_in_force: np.ndarray,
    known: np.ndarray,
    before_completion: np.ndarray,
    transformation: np.ndarray,
    shocks: np.ndarray,
    params: dict,
    data_driven: np.ndarray | None = None,
) -> np.ndarray:
    """Budget pressure each municipality heads for (M, 2).

    Social domain: "nieuwe taken met in totaal minder geld" (report §3.3) from entry into force,
    then deficits grow towards `MAX_DEFICIT` ("oplopende tekorten in het sociaal domein", §2.2),
    less so where the
    transformation (prevention, "vroeg eropaf", §2.3) takes hold. Physical domain: municipalities
    pay for the implementation themselves (report §3.2, §5.4) until completion. ``shocks`` (2,)
    adds scenario budget shocks. Working data-driven (lesson 3, ``data_driven`` (M,)) aims the
    prevention of a transformed social domain with the district monitor ("meer inzicht ... in
    de gebieden waar preventie nodig is", §2.3), so transformation damps deficits more, and
    costs an investment in every known domain (`DATA_INVESTMENT`).
    """
    m = transformation.shape[0]
    data = np.zeros(m) if data_driven is None else np.asarray(data_driven, dtype=np.float64)
    years = np.maximum(months_in_force, 0.0) / 12.0
    deficit = MAX_DEFICIT * (1.0 - np.exp(-params["deficit_growth_per_year"] * years[0]))
    prevention = np.minimum(1.0, transformation[:, 0] * (1.0 + data))
    social = np.where(
        months_in_force[0] >= 0,
        params["social_budget_cut"] + deficit * (1.0 - prevention),
        0.0,
    )
    physical = np.full(
        m, params["physical_implementation_cost"] if known[1] and before_completion[1] else 0.0
    )
    investment = DATA_INVESTMENT * data[:, None] * np.asarray(known, dtype=np.float64)[None, :]
    return np.column_stack([social, physical]) + investment + shocks[None, :]


def update_budget_pressure(
    budget: np.ndarray, target: np.ndarray, sensitivity: np.ndarray, rate: float = 0.1
) -> None:
    """Move budget pressure (M, 2) towards ``target`` × the municipality's sensitivity, in place."""
    budget += rate * (target * sensitivity[:, None] - budget)
    clip(budget, 0.0, 1.0, out=budget)


def draw_incidents(
    transition: np.ndarray,
    in_force: np.ndarray,
    population: np.ndarray,
    params: dict,
    rng: np.random.Generator,
    specialist_gap: np.ndarray | None = None,
) -> np.ndarray:
    """Public incidents (M, 2) this month, Poisson, more where the transition is incomplete.

    Report §3.3: "De angst was dat er kwetsbare groepen buiten de boot vallen en er incidenten
    zouden plaatsvinden". Their political weight is applied by `update_incident_pressure`.
    Where specialists are lacking (``specialist_gap`` (M, 2): 1 minus `transition.
    specialist_factor`, scaled to 0-1) incidents are up to twice as frequent: youth care is "een
    sector met een groot risico op ernstige ongelukken met kinderen", so "De noodzaak om ...
    bepaalde specialismen te behouden blijft" (report §4.4).
    """
    rate = params["incident_rate"] * (population[:, None] / 1e5) * (1.0 - transition)
    if specialist_gap is not None:
        rate = rate * (1.0 + specialist_gap)
    return rng.poisson(rate * in_force[None, :]).astype(np.float64)


def update_incident_pressure(
    pressure: np.ndarray, incidents: np.ndarray, physical_weight: float, keep: float = 0.8
) -> None:
    """Incident pressure (M, 2) in place: decays by ``keep`` a month, rises by new incidents.

    A physical-domain incident weighs ``physical_weight`` of a social one: "Problemen in de
    jeugdzorg zijn spannender voor bestuurders en raadsleden dan de afweging of er gewoond mag
    worden in een bedrijfspand" (report §3.3).
    """
    pressure *= keep
    pressure += incidents * np.array([1.0, physical_weight])[None, :]
