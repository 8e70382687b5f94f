"""Compiled cores of the secretary's attention and the transition sub-steps (issue 15).

`secretary_attention` fuses `strategy.strategy_agenda`, `transition.secretary_attention_split`
and `transition.organisational_attention`; `transition_month` fuses the whole of the transition
sub-step, from `transition.instrument_capacity` to `produce_instruments` and
`MunicipalState.update_transition`. The mechanisms in `model.mechanisms.transition` and
`model.mechanisms.strategy` stay the reference (``backend="numpy"``) and carry the report's
sources; the kernels repeat their floating-point operations in the same order, one
municipality at a time, so both backends give the same bits:

- sums over a domain's instruments and over the secretary's four attention weights run left
  to right, as numpy reduces these short rows (`instruments.domain_mean`);
- ``transition**4`` (a libm ``pow`` in numpy) is computed by the caller in numpy and passed in;
- ``integrality**2`` is numpy's ``square``: one product, as here;
- `np.maximum`, `np.minimum` and the ``clip`` ufunc propagate NaN, as `_maximum`, `_minimum` and
  `_clip` do; the kernels use numpy's error model, so a zero capacity divides to inf (or NaN) as
  in numpy instead of raising.

Everything the kernels take from other modules (the instruments' layout, the mechanisms'
assumed constants, the strategy codes) is passed in as an argument, never read as a global: a
cached kernel keeps the globals it was compiled with, and numba only recompiles when this file
changes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from govsim.agents.secretary import ROLE_TRANSFORMATION_EXAMPLE
from govsim.model.fused.scalar import clip as _clip
from govsim.model.fused.scalar import maximum as _maximum
from govsim.model.fused.scalar import minimum as _minimum
from govsim.model.instruments import (
    DOMAIN_OF,
    DSO_INDEX,
    DUE_AT_ENTRY,
    NEEDS_RULES,
    PLAN_INDEX,
    POOLING,
    SPECIALIST,
    VISION_INDEX,
)
from govsim.model.mechanisms.strategy import PREPARE, STRATEGY_AGENDA, WAIT
from govsim.model.mechanisms.transition import (
    DSO_PREPARED_BASE,
    SPECIALIST_FLOOR,
    SPECIALIST_NEED,
    VISION_FIRST,
)

ROLE_EXAMPLE: np.ndarray = np.asarray(ROLE_TRANSFORMATION_EXAMPLE, dtype=np.float64)
"""Example (per role) the secretary sets, as `GovernanceModel.role_example` reads it."""
AGENDA: np.ndarray = np.asarray(STRATEGY_AGENDA, dtype=np.float64)
"""`strategy.STRATEGY_AGENDA` as an array (per strategy)."""
LAYOUT: np.ndarray = np.array(
    [
        DOMAIN_OF,
        SPECIALIST,
        DUE_AT_ENTRY,
        NEEDS_RULES,
        [VISION_INDEX if j == PLAN_INDEX else -1 for j in range(len(DOMAIN_OF))],
    ],
    dtype=np.int64,
)
"""The instruments (`model.instruments`) for `transition_month`, one column each: domain,
needs specialists, due at entry, waits for the national rules, and the instrument it follows
(the omgevingsplan follows the omgevingsvisie, -1 for none)."""
POOLING_SHARE: np.ndarray = np.ascontiguousarray(POOLING, dtype=np.float64)
"""`instruments.POOLING` (per instrument)."""
ASSUMED: np.ndarray = np.array(
    [SPECIALIST_NEED, SPECIALIST_FLOOR, VISION_FIRST, DSO_PREPARED_BASE], dtype=np.float64
)
"""The assumptions of `model.mechanisms.transition` that `transition_month` uses, in this
order: `SPECIALIST_NEED`, `SPECIALIST_FLOOR`, `VISION_FIRST`, `DSO_PREPARED_BASE`."""
CODES: np.ndarray = np.array([WAIT, PREPARE, DSO_INDEX], dtype=np.int64)
"""The strategies wait and prepare (`strategy.STRATEGIES`) and the DSO connection's column."""


def _secretary_attention(
    urgency: np.ndarray,
    strategy: np.ndarray,
    known: np.ndarray,
    role: np.ndarray,
    link_lever: np.ndarray,
    dso_lobby: np.ndarray,
    coach_college: np.ndarray,
    college_attention: np.ndarray,
    regisseur: np.ndarray,
    bonus: float,
    outside_weight: float,
    role_example: np.ndarray,
    agenda: np.ndarray,
    split: np.ndarray,
    attention: np.ndarray,
) -> None:
    """The secretary's attention split (M, 4) and the organisation's attention (M, 2).

    See `model.mechanisms.strategy.strategy_agenda`,
    `model.mechanisms.transition.secretary_attention_split` and
    `model.mechanisms.transition.organisational_attention` (fused), with the role's example
    of `GovernanceModel.role_example` (``role_example[role]``) and the link
    ``example + (1 - example) * link_lever`` of the schedule.

    Args:
        urgency: (2,) national urgency per domain.
        strategy: (M, 2) strategy index per domain.
        known: (2,) whether each domain's task is known.
        role: (M,) the secretary's role index.
        link_lever: (M,) lever ``link_organisation_change``.
        dso_lobby: (M,) lever ``dso_lobby``.
        coach_college: (M,) lever ``coach_college``.
        college_attention: (M, 2) the college's attention.
        regisseur: (M,) whether the secretary directs the implementation.
        bonus: Parameter ``regisseur_bonus``.
        outside_weight: `transition.OUTSIDE_WEIGHT`.
        role_example: `ROLE_EXAMPLE`.
        agenda: `AGENDA`.
        split: (M, 4) out: ``secretary_split``.
        attention: (M, 2) out: the organisation's ``attention``.
    """
    n = strategy.shape[0]
    weights = np.empty(4)
    for i in range(n):
        for d in range(2):
            own = agenda[strategy[i, d]] * (1.0 if known[d] else 0.0)
            weights[d] = 0.1 + _maximum(urgency[d], own)
        example = role_example[role[i]]
        link = example + (1.0 - example) * link_lever[i]
        weights[2] = 0.2 + 0.6 * link
        weights[3] = outside_weight * (dso_lobby[i] + coach_college[i])
        total = ((weights[0] + weights[1]) + weights[2]) + weights[3]
        for c in range(4):
            split[i, c] = weights[c] / total
        stance = 1.0 + bonus * (1.0 if regisseur[i] else 0.0)
        for d in range(2):
            secretary = _minimum(1.0, 2.0 * split[i, d])
            att = 0.5 * college_attention[i, d] + 0.5 * secretary
            attention[i, d] = _clip(att * stance, 0.0, 1.0)


def _transition_month(
    capacity: np.ndarray,
    cooperation: np.ndarray,
    specialists: np.ndarray,
    integrality: np.ndarray,
    transformation_first: np.ndarray,
    data_driven: np.ndarray,
    dso_lobby: np.ndarray,
    attention: np.ndarray,
    strategy: np.ndarray,
    transition4: np.ndarray,
    instruments: np.ndarray,
    dso_preparation: np.ndarray,
    credibility: np.ndarray,
    known: np.ndarray,
    in_force: np.ndarray,
    rules_known: np.ndarray,
    entry_step: np.ndarray,
    completion_step: np.ndarray,
    step: int,
    dso_availability: float,
    pooling_gain: float,
    complexity_cost: float,
    rate: float,
    focus_base: float,
    prepare_effort: float,
    dso_rate: float,
    rules_share: float,
    layout: np.ndarray,
    pooling: np.ndarray,
    assumed: np.ndarray,
    codes: np.ndarray,
    pressure: np.ndarray,
    time_pressure: np.ndarray,
    effort: np.ndarray,
    started: np.ndarray,
    intensity: np.ndarray,
    work: np.ndarray,
    transition: np.ndarray,
) -> None:
    """One month of the transition: pressure, effort, work and production.

    See, fused in this order, `model.mechanisms.transition.specialist_factor`,
    `complexity_factor`, `instrument_capacity`, `due_steps`, `instrument_pressure`,
    `time_pressure`, `transition_effort`, `model.mechanisms.strategy.ready_to_start`,
    `strategy.started`, `strategy.transition_intensity`, the schedule's work
    (attention × effort × intensity × known), `transition.prepare_dso`, `connect_dso`,
    `instrument_ceiling`, `produce_instruments` (skipping the DSO connection) and
    `MunicipalState.update_transition`. ``instruments`` and ``dso_preparation`` are advanced in
    place; the outputs (fresh arrays, as numpy's) are filled.

    Args:
        capacity: (M,) implementation capacity.
        cooperation: (M, 2) regional cooperation.
        specialists: (M, 2) share of specialists per domain's team.
        integrality: (M,) lever ``integrality``.
        transformation_first: (M,) lever ``transformation_first``.
        data_driven: (M,) lever ``data_driven``.
        dso_lobby: (M,) lever ``dso_lobby``.
        attention: (M, 2) the organisation's attention.
        strategy: (M, 2) strategy index per domain.
        transition4: (M, 2) last month's transition to the fourth power (numpy's ``**4``).
        instruments: (M, n_instruments) progress, advanced in place.
        dso_preparation: (M,) the municipal DSO line, advanced in place.
        credibility: (2,) credibility of the deadlines.
        known: (2,) whether each domain's task is known.
        in_force: (2,) whether each domain's law is in force.
        rules_known: (2,) whether each domain's national rules are final.
        entry_step: (2,) the entry step as announced this month.
        completion_step: (2,) the completion step.
        step: The month.
        dso_availability: National DSO availability.
        pooling_gain: Parameter ``pooling_gain``.
        complexity_cost: Parameter ``integrality_complexity``.
        rate: Parameter ``transition_rate``.
        focus_base: Parameter ``transition_focus_base``.
        prepare_effort: Parameter ``prepare_effort``.
        dso_rate: Parameter ``dso_connect_rate``.
        rules_share: Parameter ``rules_share``.
        layout: `LAYOUT`.
        pooling: `POOLING_SHARE`.
        assumed: `ASSUMED`.
        codes: `CODES`.
        pressure: (M, n_instruments) out: ``instrument_pressure``.
        time_pressure: (M, 2) out: ``time_pressure``.
        effort: (M, 2) out: ``transition_effort``.
        started: (M, 2) out: the month's ``started``.
        intensity: (M, n_instruments) out: the month's ``intensity``.
        work: (M, n_instruments) out: ``work``.
        transition: (M, 2) out: this month's ``transition``.
    """
    n, c = instruments.shape
    specialist_need, specialist_floor, vision_first, prepared_base = (
        assumed[0],
        assumed[1],
        assumed[2],
        assumed[3],
    )
    wait, prepare, dso = codes[0], codes[1], codes[2]
    domain, specialist, due_at_entry, needs_rules, follows = (
        layout[0],
        layout[1],
        layout[2],
        layout[3],
        layout[4],
    )
    # per month, not per municipality: readiness, deadlines, ceilings, counts (numpy's (c,) rows)
    ready = np.empty(2, dtype=np.bool_)
    ready[0] = rules_known[0] or in_force[0]
    ready[1] = (rules_known[1] and dso_availability > 0.0) or in_force[1]
    months = np.empty(c)
    ceiling = np.empty(c)
    pooled_gain = np.empty(c)
    count = np.zeros(2)
    for j in range(c):
        d = domain[j]
        due = entry_step[d] if due_at_entry[j] else completion_step[d]
        left = np.float64(due - step)
        months[j] = left if left > 0 else 12.0
        waiting = needs_rules[j] != 0 and not rules_known[d]
        ceiling[j] = 1.0 - rules_share if waiting else 1.0
        pooled_gain[j] = pooling_gain * pooling[j]
        count[d] += 1.0
    cap = np.empty(c)
    gain = np.empty(c)
    for i in range(n):
        c_i = capacity[i]
        integ = integrality[i]
        complexity = 1.0 - complexity_cost * (integ * integ)
        # capacity and time pressure per instrument
        for j in range(c):
            d = domain[j]
            pooled = c_i + pooled_gain[j] * cooperation[i, d] * (1.0 - c_i)
            spec = 1.0
            if specialist[j]:
                enough = _minimum(1.0, specialists[i, d] / specialist_need)
                spec = specialist_floor + (1.0 - specialist_floor) * enough
            cap[j] = pooled * spec * complexity
            required = (1.0 - instruments[i, j]) / months[j]
            p = _clip(required / (rate * cap[j]), 0.0, 1.0)
            pressure[i, j] = p * (1.0 if known[d] else 0.0)
        # felt time pressure, transition effort, whether the organisation works at all
        focus = focus_base * (1.0 - transformation_first[i])
        for d in range(2):
            total = 0.0
            first = True
            for j in range(c):
                if domain[j] == d:
                    total = pressure[i, j] if first else total + pressure[i, j]
                    first = False
            time_pressure[i, d] = total / count[d] * credibility[d]
            share = focus + (1.0 - focus) * time_pressure[i, d]
            effort[i, d] = _clip(share, 0.0, 1.0) * (1.0 - transition4[i, d])
            waits = strategy[i, d] == wait and not ready[d]
            started[i, d] = 1.0 if (not waits and known[d]) else 0.0
        # intensity and work per instrument
        for j in range(c):
            d = domain[j]
            s = strategy[i, d]
            p = pressure[i, j]
            if s == wait:
                intensity[i, j] = p if ready[d] else 0.0
            elif s == prepare:
                intensity[i, j] = _maximum(p, prepare_effort)
            else:
                intensity[i, j] = 1.0
            share = attention[i, d] * effort[i, d]
            work[i, j] = share * intensity[i, j] * (1.0 if known[d] else 0.0)
        # the DSO: the municipal line, then the connection to what the nation delivered
        boost = data_driven[i] + dso_lobby[i]
        prep = dso_preparation[i]
        step_prep = _minimum(dso_rate * cap[dso] * work[i, dso] * (1.0 + boost), 1.0)
        prep = _clip(prep + step_prep * (1.0 - prep), 0.0, 1.0)
        dso_preparation[i] = prep
        prepared = prepared_base + (1.0 - prepared_base) * prep
        speed = dso_rate * cap[dso] * work[i, dso] * prepared
        connection = instruments[i, dso]
        gap = _maximum(dso_availability - connection, 0.0)
        instruments[i, dso] = _clip(connection + _minimum(speed, 1.0) * gap, 0.0, 1.0)
        # the other instruments (the DSO connection gains nothing here)
        for j in range(c):
            gain[j] = rate * cap[j] * work[i, j] * (1.0 - instruments[i, j])
        for j in range(c):
            if follows[j] >= 0:
                gain[j] *= vision_first + (1.0 - vision_first) * instruments[i, follows[j]]
        gain[dso] = 0.0
        for j in range(c):
            progress = _minimum(instruments[i, j] + gain[j], ceiling[j])
            instruments[i, j] = _clip(progress, 0.0, 1.0)
        # the domains' transition: the mean of their instruments
        for d in range(2):
            total = 0.0
            first = True
            for j in range(c):
                if domain[j] == d:
                    total = instruments[i, j] if first else total + instruments[i, j]
                    first = False
            transition[i, d] = total / count[d]


secretary_attention = njit(cache=True, nogil=True)(_secretary_attention)
transition_month = njit(cache=True, nogil=True, error_model="numpy")(_transition_month)

__all__ = ["AGENDA", "ASSUMED", "CODES", "LAYOUT", "POOLING_SHARE", "ROLE_EXAMPLE"]
__all__ += ["secretary_attention", "transition_month"]
