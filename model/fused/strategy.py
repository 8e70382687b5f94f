"""Compiled cores of the month's urgency and strategy review (issue 15).

`strategy_month` (for `model.schedule._strategy`) decides in one compiled pass which
municipalities review their strategy this month, computes their readiness to act, chooses and
revises their strategy, counts the changes and lists them, with their causes, for the event log.
It fuses `model.mechanisms.strategy.review_due`, `readiness_to_act`, `municipal_clarity`,
`neighbours_acting`, `choose_strategy` and `revise_strategy` with
`model.mechanisms.transition.pooled_capacity`. `urgency_month` (for `model.schedule._urgency`)
fuses `model.mechanisms.urgency.national_urgency` and `strategy.national_clarity`; their powers
stay in numpy. Both do the same floating-point operations in the same order as the mechanisms,
so both backends give bit-identical runs (tests/test_fused_strategy.py, tests/test_fused.py).

The mechanisms' constants (`strategy.ROLE_INITIATIVE`, `STANCE_INITIATIVE`, `SECRETARY_WEIGHT`,
`LOBBY_CLARITY`) are passed in (`DISPOSITION`, `CONSTANTS`) rather than frozen into the cached
machine code, so changing one of them cannot leave a stale compiled kernel behind.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from govsim.model.mechanisms.strategy import (
    LOBBY_CLARITY,
    ROLE_INITIATIVE,
    SECRETARY_WEIGHT,
    STANCE_INITIATIVE,
)

CAUSES: tuple[str, ...] = (
    "review",
    "postponement",
    "election",
    "task_known",
    "new_secretary",
    "scenario",
)
"""The ``cause`` of a strategy_change event, by the code `strategy_month` lists."""
_REVIEW, _POSTPONEMENT, _ELECTION, _TASK_KNOWN, _NEW_SECRETARY, _SCENARIO = range(6)
_WAIT, _PREPARE, _FRONT_RUN = 0, 1, 2  # `strategy.WAIT`, `PREPARE`, `FRONT_RUN`


def disposition_table() -> np.ndarray:
    """The secretary's disposition (4 roles, 2 stances): `strategy.readiness_to_act`'s first part.

    ``0.5 * (ROLE_INITIATIVE[role] + STANCE_INITIATIVE[stance])``, the same arithmetic as
    the reference's per-municipality expression.
    """
    role = np.asarray(ROLE_INITIATIVE, dtype=np.float64)[:, None]
    stance = np.asarray(STANCE_INITIATIVE, dtype=np.float64)[None, :]
    return np.ascontiguousarray(0.5 * (role + stance))


DISPOSITION = disposition_table()
"""(4, 2) `disposition_table`, built once."""
CONSTANTS = np.array([SECRETARY_WEIGHT, LOBBY_CLARITY], dtype=np.float64)
"""`strategy.SECRETARY_WEIGHT` and `strategy.LOBBY_CLARITY`, as the kernel reads them."""


def _region_share_acting(
    strategy: np.ndarray, d: int, region: np.ndarray, n_regions: int
) -> np.ndarray:
    """Share of each region that does not wait, per region (`strategy.neighbours_acting`).

    `cooperation.region_mean` before its final indexing: ``np.bincount`` with weights adds in
    the municipalities' order, as this loop does; the count divides as a float.
    """
    total = np.zeros(n_regions, dtype=np.float64)
    size = np.zeros(n_regions, dtype=np.int64)
    for m in range(region.shape[0]):
        r = region[m]
        total[r] += 1.0 if strategy[m, d] != _WAIT else 0.0
        size[r] += 1
    out = np.empty(n_regions, dtype=np.float64)
    for r in range(n_regions):
        out[r] = total[r] / max(size[r], 1)
    return out


def _strategy_month(
    k: int,
    january: bool,
    election: np.ndarray,
    postponements: np.ndarray,
    known_step: np.ndarray,
    completion_step: np.ndarray,
    known: np.ndarray,
    new_secretary: np.ndarray,
    lever_strategy: np.ndarray,
    role: np.ndarray,
    regisseur: np.ndarray,
    disposition: np.ndarray,
    constants: np.ndarray,
    college_attention: np.ndarray,
    capacity: np.ndarray,
    cooperation: np.ndarray,
    pooling_gain: float,
    clarity: np.ndarray,
    dso_lobby: np.ndarray,
    urgency: np.ndarray,
    youth_region: np.ndarray,
    n_youth_regions: int,
    od_cluster: np.ndarray,
    n_od_clusters: int,
    experience: np.ndarray,
    transformation: np.ndarray,
    wait_threshold: float,
    front_run_threshold: float,
    start_early: np.ndarray,
    strategy: np.ndarray,
    readiness: np.ndarray,
    strategy_changes: np.ndarray,
) -> tuple[bool, np.ndarray, np.ndarray, np.ndarray]:
    """The month's strategy review; whether it ran, the new strategy and readiness, the changes.

    Fuses `model.mechanisms.strategy.review_due` (national reviews (2,), from ``k``, the
    ``january`` flag, ``election[k]`` and the postponements of ``postponements[k]`` over
    ``[k - 1]``), the new secretaries' reviews, the fixed strategies of ``lever_strategy``
    (known domains only), `strategy.readiness_to_act` with
    `model.mechanisms.transition.pooled_capacity`, `strategy.municipal_clarity`,
    `strategy.neighbours_acting` (regions ``youth_region`` for the social domain,
    ``od_cluster`` for the physical) and the experience ``max(experience, transformation[:,
    0])``, then `strategy.choose_strategy` and `strategy.revise_strategy`. The readiness is
    only computed where a review is due (the only place the reference uses it).

    Returns ``(False, strategy, readiness, empty)`` untouched when no review is due and no
    strategy is fixed (the schedule then changes nothing). Otherwise it adds every change of a
    known domain to ``strategy_changes`` (2, 3, 3) in place and returns True, the new strategy
    (M, 2) int8, the new readiness (M, 2) and the changes (n, 5) in row-major order: rows
    municipality, domain, old strategy, new strategy and the `CAUSES` code of the event.
    """
    n = strategy.shape[0]
    postponed = np.empty(2, dtype=np.bool_)
    national = np.empty(2, dtype=np.bool_)
    open_ = np.empty(2, dtype=np.bool_)
    any_postponed = False
    any_known_now = False
    for d in range(2):
        postponed[d] = postponements[k, d] > postponements[k - 1, d]
        any_postponed = any_postponed or postponed[d]
        any_known_now = any_known_now or k == known_step[d]
        window = (k >= known_step[d]) and (k < completion_step[d])
        reason = (k == known_step[d]) or january or postponed[d] or election[k]
        national[d] = window and reason
        open_[d] = known[d] and (k < completion_step[d])
    due = np.empty((n, 2), dtype=np.bool_)
    fixed = np.empty((n, 2), dtype=np.int64)
    anything = False
    for m in range(n):
        for d in range(2):
            due[m, d] = national[d] or (new_secretary[m] and open_[d])
            fixed[m, d] = lever_strategy[m, d] if known[d] else -1
            anything = anything or due[m, d] or fixed[m, d] >= 0
    if not anything:
        return False, strategy, readiness, np.empty((0, 5), dtype=np.int64)

    weight, lobby_clarity = constants[0], constants[1]
    acting_social = region_share_acting(strategy, 0, youth_region, n_youth_regions)
    acting_physical = region_share_acting(strategy, 1, od_cluster, n_od_clusters)
    new = np.empty((n, 2), dtype=np.int8)
    new_readiness = np.empty((n, 2), dtype=np.float64)
    n_changes = 0
    for m in range(n):
        wait_cut = wait_threshold * (1.0 - start_early[m])
        for d in range(2):
            s = strategy[m, d]
            if due[m, d]:
                c = capacity[m]
                pooled = c + pooling_gain * cooperation[m, d] * (1.0 - c)
                if d == 0:
                    clear = clarity[0]
                    neighbours = acting_social[youth_region[m]]
                else:
                    clear = clarity[1] + lobby_clarity * dso_lobby[m] * (1.0 - clarity[1])
                    neighbours = acting_physical[od_cluster[m]]
                common = college_attention[m, d] + pooled + clear + urgency[d] + neighbours
                if d == 0:
                    situation = common / 5.0
                else:
                    exp = max(experience[m], transformation[m, 0])
                    situation = (common + exp) / 6.0
                stance = 1 if regisseur[m] else 0
                ready = weight * disposition[role[m], stance] + (1.0 - weight) * situation
                new_readiness[m, d] = ready
                if ready < wait_cut:
                    s = _WAIT
                elif ready >= front_run_threshold:
                    s = _FRONT_RUN
                else:
                    s = _PREPARE
            else:
                new_readiness[m, d] = readiness[m, d]
            if fixed[m, d] >= 0:
                s = fixed[m, d]
            new[m, d] = s
            if known[d] and new[m, d] != strategy[m, d]:
                n_changes += 1

    cause = _TASK_KNOWN if any_known_now else _REVIEW
    if any_postponed:
        cause = _POSTPONEMENT
    elif election[k]:
        cause = _ELECTION
    changes = np.empty((n_changes, 5), dtype=np.int64)
    i = 0
    for m in range(n):
        for d in range(2):
            was, now = strategy[m, d], new[m, d]
            if not known[d] or now == was:
                continue
            strategy_changes[d, was, now] += 1
            why = _NEW_SECRETARY if new_secretary[m] and not national[d] else cause
            if k == known_step[d]:
                why = _TASK_KNOWN
            changes[i, 0] = m
            changes[i, 1] = d
            changes[i, 2] = was
            changes[i, 3] = now
            changes[i, 4] = _SCENARIO if fixed[m, d] >= 0 else why
            i += 1
    return True, new, new_readiness, changes


def _urgency_month(
    k: int,
    credibility: np.ndarray,
    fade: np.ndarray,
    entry_step: np.ndarray,
    completion_step: np.ndarray,
    known: np.ndarray,
    rules_known: np.ndarray,
    dso_availability: np.ndarray,
    horizon: float,
    post_entry_urgency: float,
    dso_uncertainty_weight: float,
) -> tuple[np.ndarray, np.ndarray]:
    """National urgency (2,) and clarity (2,) in month ``k``.

    Fuses `model.mechanisms.urgency.national_urgency` (with `urgency.months_to_deadline`) and
    `model.mechanisms.strategy.national_clarity`. Their powers are computed by numpy before the
    call, so they cannot differ from the reference in the last bit: ``credibility`` is
    `urgency.deadline_credibility` and ``fade`` the half-life factor ``0.5 ** (since /
    post_entry_half_life_months)``. ``entry_step``, ``known``, ``rules_known`` and
    ``dso_availability`` are the compiled timeline's arrays over all steps.
    """
    urgency = np.empty(2, dtype=np.float64)
    clarity = np.empty(2, dtype=np.float64)
    dso = dso_availability[k]
    for d in range(2):
        entry = entry_step[k, d]
        target = entry if k < entry else completion_step[d]
        months = float(max(target - k, 0))
        felt = credibility[d] / (1.0 + months / horizon)
        after = post_entry_urgency * credibility[d]
        if k >= completion_step[d]:
            u = after * fade[d]
        elif k >= entry:
            u = max(felt, after)
        else:
            u = felt
        if d == 1:
            u *= 1.0 - dso_uncertainty_weight * (1.0 - dso)
        urgency[d] = u if known[k, d] else 0.0
    frame_physical = 0.5 * (1.0 if rules_known[k, 1] else 0.0) + 0.5 * (1.0 if dso > 0.0 else 0.0)
    clarity[0] = credibility[0] * (1.0 if rules_known[k, 0] else 0.0)
    clarity[1] = credibility[1] * frame_physical
    return urgency, clarity


region_share_acting = njit(cache=True, nogil=True)(_region_share_acting)
strategy_month = njit(cache=True, nogil=True)(_strategy_month)
urgency_month = njit(cache=True, nogil=True)(_urgency_month)
