"""Compiled cores of the transformation, steering and satisfaction sub-steps (issue 15).

One loop per sub-step over the municipalities and domains does the arithmetic of the numpy
mechanisms, operation for operation and in the same order, so both backends give the same bits:

- `transformation_progress`: see `model.mechanisms.transformation.transformation_progress`.
- `steering_month`: see `model.mechanisms.transition.expected_transition`,
  `model.mechanisms.steering.progress_lag`, `subversion_pressure`, `steering_pulls`,
  `preferred_mix` (with `agents.college.college_mix`), `steering_target`, `adapt_rate`,
  `drift_steering` and `change_cause`, and the count of dominant-mode changes.
- `satisfaction_month`: see `model.mechanisms.satisfaction.satisfaction_target` and
  `update_satisfaction`, and the satisfaction kept at entry into force.

The mechanism modules stay the reference (``backend="numpy"``) and carry the report's sources.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from govsim.agents.college import LET_GO_MIX, STEER_MIX
from govsim.model.instruments import COUNT_PER_DOMAIN, DOMAIN_OF, DUE_AT_ENTRY
from govsim.model.mechanisms.steering import LEGAL_CAUSES, PERFORMING_CAUSES

__all__ = ["CAUSES", "COLLEGE_MIXES", "DOMAIN_OF", "DUE_AT_ENTRY"]
__all__ += ["satisfaction_month", "steering_month", "transformation_progress"]

CAUSES: tuple[str, ...] = ("preferences", *LEGAL_CAUSES, *PERFORMING_CAUSES)
"""Names of the cause codes `steering_month` writes: 0 preferences, then the legal pulls in the
order of `LEGAL_CAUSES` (1-4), then the performing pulls of `PERFORMING_CAUSES` (5-6)."""
assert CAUSES == (
    "preferences",
    "time_pressure",
    "regional_bodies",
    "incidents",
    "subversion",
    "slow_progress",
    "deficit",
), "the kernel's cause codes follow this order"

# `steering_month` sums a domain's instrument plans in a plain loop, left to right: numpy's
# ``mean`` does the same for fewer than 8 values (its pairwise summation starts at 8).
assert (COUNT_PER_DOMAIN < 8).all(), "numpy sums fewer than 8 values left to right, as the kernel"

COLLEGE_MIXES: np.ndarray = np.ascontiguousarray(np.stack([STEER_MIX, LET_GO_MIX]))
"""(2, 4) the mix of a steering college and of one that lets go (`agents.college`)."""


def _transformation_progress(
    adoption: np.ndarray,
    quality: np.ndarray,
    breadth: np.ndarray,
    adoption_weight: float,
    out: np.ndarray,
) -> None:
    """Transformation (M, 2) into ``out``.

    See `model.mechanisms.transformation.transformation_progress`; ``adoption`` is the team
    adoption (M, 3) of which the first two columns are the domains, and the practice is
    ``quality * breadth``.
    """
    rest = 1.0 - adoption_weight
    for m in range(out.shape[0]):
        for d in range(2):
            practice = quality[m, d] * breadth[m, d]
            out[m, d] = adoption_weight * adoption[m, d] + rest * practice


def _dominant(v0: float, v1: float, v2: float, v3: float) -> int:
    """Index of the first maximum of four modes, as ``np.argmax`` (the first NaN counts as it)."""
    if np.isnan(v0):
        return 0
    best, top = 0, v0
    if np.isnan(v1):
        return 1
    if v1 > top:
        best, top = 1, v1
    if np.isnan(v2):
        return 2
    if v2 > top:
        best, top = 2, v2
    if np.isnan(v3):
        return 3
    if v3 > top:
        best = 3
    return best


def _cause(new_mode: int, pulls: np.ndarray) -> int:
    """Cause code (index into `CAUSES`) of a move into ``new_mode``; see `change_cause`.

    ``pulls``: (6,) time pressure, regional bodies, incidents, subversion, slow progress,
    deficit.
    """
    if new_mode == 0:
        first, count = 0, 4
    elif new_mode == 1:
        first, count = 4, 2
    else:
        return 0
    best = first
    for j in range(first + 1, first + count):
        if pulls[j] > pulls[best]:
            best = j
    return best + 1 if pulls[best] > 0 else 0


def _steering_month(
    k: int,
    known_step: np.ndarray,
    entry_step: np.ndarray,
    completion_step: np.ndarray,
    due_at_entry: np.ndarray,
    domain_of: np.ndarray,
    known: np.ndarray,
    transition: np.ndarray,
    time_pressure: np.ndarray,
    cooperation: np.ndarray,
    incident_pressure: np.ndarray,
    budget: np.ndarray,
    exposure: np.ndarray,
    openness: np.ndarray,
    coaching: np.ndarray,
    transformation_first: np.ndarray,
    desired: np.ndarray,
    stance: np.ndarray,
    college_mixes: np.ndarray,
    time_pressure_pull: float,
    regional_pull: float,
    incident_pull: float,
    subversion_pull: float,
    slow_progress_pull: float,
    deficit_pull: float,
    secretary_weight: float,
    adapt_rate: float,
    coached_patience: float,
    pre_task_drift: float,
    steering: np.ndarray,
    expected: np.ndarray,
    mode_changes: np.ndarray,
    changes: np.ndarray,
) -> int:
    """The month's plan and steering drift; returns the number of dominant-mode changes.

    Fuses `transition.expected_transition` (into ``expected`` (2,), for step ``k``;
    ``entry_step`` is the (2,) row of step ``k``), `steering.progress_lag`,
    `steering.subversion_pressure`, `steering.steering_pulls` (the ``*_pull`` weights: the
    parameters ``time_pressure_legal_pull``, ``regional_legal_pull``, ``incident_pull``,
    ``subversion_pull``, ``slow_progress_pull``, ``deficit_pull``), `steering.preferred_mix`
    with `college_mix` (``college_mixes`` (2, 4): `COLLEGE_MIXES`), `steering.steering_target`,
    `steering.adapt_rate` and `steering.drift_steering` (``steering`` (M, 2, 4) in place).

    Each change of a cell's dominant mode (``np.argmax``) is added to ``mode_changes``
    (2, 4, 4) and written, in row-major order, to a row of ``changes`` (2M, 5): municipality,
    domain, old mode, new mode and the cause code of `steering.change_cause` (see `CAUSES`).
    """
    # transition.expected_transition
    for d in range(2):
        total = 0.0
        count = 0
        for i in range(domain_of.shape[0]):
            if domain_of[i] != d:
                continue
            due = entry_step[d] if due_at_entry[i] else completion_step[d]
            start = known_step[d]
            span = due - start
            if span < 1:
                span = 1
            plan = float(k - start) / float(span)
            total += min(max(plan, 0.0), 1.0)
            count += 1
        expected[d] = total / count
    pulls = np.empty(6)
    n_changes = 0
    for m in range(steering.shape[0]):
        patience = 1.0 - coached_patience * coaching[m]
        w = secretary_weight + (1.0 - secretary_weight) * coaching[m]
        r = min(1.0, adapt_rate * (1.0 + transformation_first[m]))
        for d in range(2):
            # progress_lag, subversion_pressure, steering_pulls
            lag = min(max(expected[d] - transition[m, d], 0.0), 1.0)
            lag = lag * (1.0 if known[d] else 0.0)
            risk = exposure[m] * openness[m, 1] if d == 1 else 0.0
            pulls[0] = time_pressure_pull * time_pressure[m, d]
            pulls[1] = regional_pull * cooperation[m, d]
            pulls[2] = incident_pull * min(incident_pressure[m, d], 1.0)
            pulls[3] = subversion_pull * risk
            pulls[4] = slow_progress_pull * lag * patience
            pulls[5] = deficit_pull * budget[m, d]
            legal = pulls[0] + pulls[1] + pulls[2] + pulls[3]
            performing = pulls[4] + pulls[5]
            denominator = 1.0 + legal + performing
            # preferred_mix, steering_target, drift_steering
            rate = r * (1.0 if known[d] else pre_task_drift)
            s = stance[m, d]
            mix = steering[m, d]
            before = _dominant(mix[0], mix[1], mix[2], mix[3])
            for j in range(4):
                college = s * college_mixes[0, j] + (1.0 - s) * college_mixes[1, j]
                target = w * desired[m, d, j] + (1.0 - w) * college
                if j == 0:
                    target = target + legal
                elif j == 1:
                    target = target + performing
                target = target / denominator
                mix[j] = mix[j] + rate * (target - mix[j])
            after = _dominant(mix[0], mix[1], mix[2], mix[3])
            if after != before:
                mode_changes[d, before, after] += 1
                changes[n_changes, 0] = m
                changes[n_changes, 1] = d
                changes[n_changes, 2] = before
                changes[n_changes, 3] = after
                changes[n_changes, 4] = _cause(after, pulls)
                n_changes += 1
    return n_changes


def _satisfaction_month(
    k: int,
    transition: np.ndarray,
    expected: np.ndarray,
    transformation: np.ndarray,
    incident_pressure: np.ndarray,
    budget: np.ndarray,
    base: float,
    progress_weight: float,
    in_force: np.ndarray,
    credibility: np.ndarray,
    criticism: float,
    transformation_weight: float,
    known: np.ndarray,
    rate: float,
    entry_step: np.ndarray,
    satisfaction: np.ndarray,
    satisfaction_at_entry: np.ndarray,
) -> None:
    """Satisfaction (M, 2) towards its target, in place; kept at entry into force.

    Fuses `satisfaction.satisfaction_target` (``transformation_weight``:
    `satisfaction.TRANSFORMATION_WEIGHT`) and `satisfaction.update_satisfaction`; where
    ``k`` is a domain's entry step (``entry_step`` (2,): the row of step ``k``) the domain's
    column is copied to ``satisfaction_at_entry``.
    """
    for m in range(satisfaction.shape[0]):
        for d in range(2):
            tr = transition[m, d]
            force = 1.0 if in_force[d] else 0.0
            score = base + force * (tr - expected[d])
            score = score - progress_weight * (1.0 - tr)
            score = score - criticism * (1.0 - credibility[d])
            score = score + transformation_weight * transformation[m, d]
            score = score - 0.2 * min(incident_pressure[m, d], 1.0)
            score = score - 0.1 * budget[m, d]
            target = min(max(score, 0.0), 1.0)
            now = satisfaction[m, d]
            satisfaction[m, d] = now + (rate * (target - now) if known[d] else 0.0)
    for d in range(2):
        if k == entry_step[d]:
            for m in range(satisfaction.shape[0]):
                satisfaction_at_entry[m, d] = satisfaction[m, d]


transformation_progress = njit(cache=True, nogil=True)(_transformation_progress)
_dominant = njit(cache=True, nogil=True)(_dominant)
_cause = njit(cache=True, nogil=True)(_cause)
steering_month = njit(cache=True, nogil=True)(_steering_month)
satisfaction_month = njit(cache=True, nogil=True)(_satisfaction_month)
