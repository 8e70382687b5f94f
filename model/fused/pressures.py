"""Compiled attention, budget, incident and cooperation updates (issue 15).

One compiled pass per sub-step replaces the numpy expressions of `_attention`, `_budget` and
`_cooperation` in `model.schedule`. The mechanism functions stay the reference (``backend=
"numpy"``) and carry the report's sources; the kernels here do the same floating-point
operations in the same order, so both backends give bit-identical results (tests/
test_fused_pressures.py, tests/test_fused.py). The budget's one transcendental (the ``np.exp`` of
the growing social deficit) and the Poisson draws of the incidents stay in numpy.

numpy's ``maximum``/``minimum`` take the second operand on ties and propagate NaN; its ``clip``
keeps the value on ties: `_maximum`, `_minimum` and `_clip` do the same, signed zeros included.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from govsim.agents.secretary import ROLE_COOPERATION
from govsim.model.fused.scalar import clip as _clip
from govsim.model.fused.scalar import maximum as _maximum
from govsim.model.fused.scalar import minimum as _minimum
from govsim.model.mechanisms import budget, strategy, transition, urgency

_AGENDA = np.asarray(strategy.STRATEGY_AGENDA, dtype=np.float64)
_ROLE_COOPERATION = np.asarray(ROLE_COOPERATION, dtype=np.float64)
_COUNCIL_SHARE = float(urgency.COACHED_COUNCIL_SHARE)
_SPECIALIST_NEED = float(transition.SPECIALIST_NEED)
_SPECIALIST_FLOOR = float(transition.SPECIALIST_FLOOR)
_GAP_SPAN = 1.0 - transition.SPECIALIST_FLOOR
_MAX_DEFICIT = float(budget.MAX_DEFICIT)
_DATA_INVESTMENT = float(budget.DATA_INVESTMENT)
_BUDGET_RATE = 0.1
"""`budget.update_budget_pressure`'s default ``rate``."""
_INCIDENT_KEEP = 0.8
"""`budget.update_incident_pressure`'s default ``keep``."""


def _attend(
    attention: float, engagement: float, drive: float, shock: float, renewal: float, decay: float
) -> float:
    """One body's new attention in one domain (`model.mechanisms.urgency.update_attention`).

    ``drive`` is `urgency.attention_drive`'s; ``shock`` is 0.2 x risk aversion x the incident
    pressure capped at 1.
    """
    renew = renewal * engagement * drive * (1.0 - attention)
    fade = decay * (1.0 - drive) * attention
    return _clip(attention + (renew - fade + shock * (1.0 - attention)), 0.0, 1.0)


def _attention_month(
    strategy_: np.ndarray,
    known: np.ndarray,
    urgency_: np.ndarray,
    coaching: np.ndarray,
    college_attention: np.ndarray,
    college_engagement: np.ndarray,
    council_attention: np.ndarray,
    council_engagement: np.ndarray,
    incident_pressure: np.ndarray,
    risk_aversion: np.ndarray,
    renewal: float,
    decay: float,
) -> None:
    """College and council attention (M, 2), in place.

    Fuses `model.mechanisms.strategy.strategy_agenda`, `model.mechanisms.urgency.attention_drive`
    (the council's coaching is `urgency.COACHED_COUNCIL_SHARE` of the college's) and
    `model.mechanisms.urgency.update_attention` for the college, then the council; both react to
    the college's incident pressure with the college's risk aversion.

    Args:
        strategy_: (M, 2) strategy index per domain.
        known: (2,) whether each domain's task is known.
        urgency_: (2,) national urgency.
        coaching: (M,) the secretary's coaching of the college (lever ``coach_college``).
        college_attention: (M, 2) updated in place.
        college_engagement: (M,).
        council_attention: (M, 2) updated in place.
        council_engagement: (M,).
        incident_pressure: (M, 2) the college's.
        risk_aversion: (M,) the college's.
        renewal: Parameter ``attention_renewal``.
        decay: Parameter ``attention_decay``.
    """
    for i in range(strategy_.shape[0]):
        coach_college = coaching[i]
        coach_council = _COUNCIL_SHARE * coaching[i]
        shock_weight = 0.2 * risk_aversion[i]
        for d in range(2):
            k = 1.0 if known[d] else 0.0
            agenda = _AGENDA[strategy_[i, d]] * k
            held = (1.0 - urgency_[d]) * (1.0 - agenda)
            shock = shock_weight * _minimum(incident_pressure[i, d], 1.0)
            college_attention[i, d] = _attend(
                college_attention[i, d],
                college_engagement[i],
                (1.0 - held * (1.0 - coach_college)) * k,
                shock,
                renewal,
                decay,
            )
            council_attention[i, d] = _attend(
                council_attention[i, d],
                council_engagement[i],
                (1.0 - held * (1.0 - coach_council)) * k,
                shock,
                renewal,
                decay,
            )


def _budget_month(
    budget_: np.ndarray,
    sensitivity: np.ndarray,
    transformation: np.ndarray,
    data_driven: np.ndarray,
    known: np.ndarray,
    shocks: np.ndarray,
    social_base: float,
    deficit: float,
    social_on: bool,
    physical: float,
    specialists: np.ndarray,
    transition_: np.ndarray,
    population: np.ndarray,
    in_force: np.ndarray,
    incident_rate: float,
) -> np.ndarray:
    """Budget pressure (M, 2) in place; returns the incidents' Poisson rates (M, 2).

    Fuses `model.mechanisms.budget.budget_target` (its social deficit, with the ``np.exp``,
    computed in numpy by `social_deficit`), `model.mechanisms.budget.update_budget_pressure`,
    `model.mechanisms.transition.specialist_factor` (as the specialist gap) and the rate of
    `model.mechanisms.budget.draw_incidents`, whose draws stay in numpy.

    Args:
        budget_: (M, 2) budget pressure, updated in place.
        sensitivity: (M,) the municipality's budget sensitivity.
        transformation: (M, 2) transformation (column 0: the social domain's).
        data_driven: (M,) lever ``data_driven``.
        known: (2,) whether each domain's task is known.
        shocks: (2,) scenario budget shocks this month.
        social_base: Parameter ``social_budget_cut``.
        deficit: The social deficit (`social_deficit`).
        social_on: Whether the social law is in force (months in force >= 0).
        physical: The physical domain's target (implementation cost or 0).
        specialists: (M, 2) share of specialists per team.
        transition_: (M, 2) transition progress.
        population: (M,).
        in_force: (2,) whether each domain's law is in force.
        incident_rate: Parameter ``incident_rate``.

    Returns:
        (M, 2) the Poisson rates `budget.draw_incidents` draws from.
    """
    m = budget_.shape[0]
    rates = np.empty((m, 2))
    for i in range(m):
        data = data_driven[i]
        prevention = _minimum(1.0, transformation[i, 0] * (1.0 + data))
        social = social_base + deficit * (1.0 - prevention) if social_on else 0.0
        scale = sensitivity[i]
        size = population[i] / 1e5
        invest = _DATA_INVESTMENT * data
        for d in range(2):
            k = 1.0 if known[d] else 0.0
            base = social if d == 0 else physical
            target = base + invest * k + shocks[d]
            b = budget_[i, d]
            budget_[i, d] = _clip(b + _BUDGET_RATE * (target * scale - b), 0.0, 1.0)
            enough = _minimum(1.0, specialists[i, d] / _SPECIALIST_NEED)
            factor = _SPECIALIST_FLOOR + (1.0 - _SPECIALIST_FLOOR) * enough
            gap = (1.0 - factor) / _GAP_SPAN
            rate = incident_rate * size * (1.0 - transition_[i, d])
            rates[i, d] = rate * (1.0 + gap) * (1.0 if in_force[d] else 0.0)
    return rates


def _incident_month(
    pressure: np.ndarray, incidents: np.ndarray, physical_weight: float, total: np.ndarray
) -> None:
    """Incident pressure (M, 2) and the national incident count (2,), in place.

    `model.mechanisms.budget.update_incident_pressure` and the schedule's running total. The
    incidents are whole numbers, so their sum is exact in any order.

    Args:
        pressure: (M, 2) the college's incident pressure, updated in place.
        incidents: (M, 2) the month's incidents (integers, as drawn).
        physical_weight: Parameter ``physical_risk_weight``.
        total: (2,) incidents so far, updated in place.
    """
    counted = np.zeros(2)
    for i in range(pressure.shape[0]):
        for d in range(2):
            n = float(incidents[i, d])
            weight = 1.0 if d == 0 else physical_weight
            pressure[i, d] = pressure[i, d] * _INCIDENT_KEEP + n * weight
            counted[d] += n
    for d in range(2):
        total[d] += counted[d]


def _cooperation_month(
    cooperation_: np.ndarray,
    urgency_: np.ndarray,
    capacity: np.ndarray,
    role: np.ndarray,
    youth_region: np.ndarray,
    n_youth_regions: int,
    od_cluster: np.ndarray,
    n_od_clusters: int,
    floor: np.ndarray,
    formation: float,
    decay: float,
    coupling: float,
) -> None:
    """Regional cooperation (M, 2), in place.

    Fuses `model.mechanisms.cooperation.form_regional_cooperation` with its
    `model.mechanisms.cooperation.region_mean` (a region's total summed in municipality order,
    as ``np.bincount`` does) and the secretary's `ROLE_COOPERATION`.

    Args:
        cooperation_: (M, 2) updated in place.
        urgency_: (2,) national urgency.
        capacity: (M,) the organisation's capacity.
        role: (M,) the secretary's role index.
        youth_region: (M,) youth-care region (social domain).
        n_youth_regions: Number of youth-care regions.
        od_cluster: (M,) omgevingsdienst (physical domain).
        n_od_clusters: Number of omgevingsdiensten.
        floor: (2,) policy floor of cooperation this month.
        formation: Parameter ``cooperation_formation``.
        decay: Parameter ``cooperation_decay``.
        coupling: Parameter ``regional_coupling``.
    """
    m = cooperation_.shape[0]
    youth_total = np.zeros(n_youth_regions)
    youth_size = np.zeros(n_youth_regions, dtype=np.int64)
    od_total = np.zeros(n_od_clusters)
    od_size = np.zeros(n_od_clusters, dtype=np.int64)
    for i in range(m):
        need = 1.0 - 0.7 * capacity[i]
        connector = 1.0 + 0.5 * _ROLE_COOPERATION[role[i]]
        for d in range(2):
            u = urgency_[d]
            c = cooperation_[i, d]
            form = formation * u * need
            form = form * (connector * (1.0 - c))
            erode = decay * (1.0 - u) * c
            cooperation_[i, d] = c + (form - erode)
        youth_total[youth_region[i]] += cooperation_[i, 0]
        youth_size[youth_region[i]] += 1
        od_total[od_cluster[i]] += cooperation_[i, 1]
        od_size[od_cluster[i]] += 1
    for i in range(m):
        for d in range(2):
            if d == 0:
                r = youth_region[i]
                mean = youth_total[r] / max(youth_size[r], 1)
            else:
                r = od_cluster[i]
                mean = od_total[r] / max(od_size[r], 1)
            c = cooperation_[i, d]
            c = c + coupling * (mean - c)
            cooperation_[i, d] = _clip(_maximum(c, floor[d]), 0.0, 1.0)


def social_deficit(months_in_force: int, growth_per_year: float) -> float:
    """The social domain's growing deficit, as `model.mechanisms.budget.budget_target` has it.

    numpy's ``exp`` on a float64 scalar, as in the reference (numba's ``exp`` may differ in the
    last bit); the whole months make ``max(months, 0) / 12`` exact in plain Python.
    """
    years = max(float(months_in_force), 0.0) / 12.0
    return float(_MAX_DEFICIT * (1.0 - np.exp(np.float64(-growth_per_year * years))))


_attend = njit(cache=True, nogil=True)(_attend)
attention_month = njit(cache=True, nogil=True)(_attention_month)
budget_month = njit(cache=True, nogil=True)(_budget_month)
incident_month = njit(cache=True, nogil=True)(_incident_month)
cooperation_month = njit(cache=True, nogil=True)(_cooperation_month)
