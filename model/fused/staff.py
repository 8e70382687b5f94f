"""Compiled core of the month's staff sub-step (`model.schedule._staff`), issue 15.

`staff_month` does the whole sub-step in one compiled call: first, per municipality, the
learning input and peer shares of its three teams and their transition work, then one pass over
the staff (workload, training, adoption and reversion), then the new adoption share of each
team. It fuses, in this order, `model.mechanisms.staff_learning.instrument_load`,
`model.instruments.domain_mean`, `staff_learning.learning_input` (with
`model.mechanisms.transition.organisation_change` and `GovernanceModel.role_example`),
`staff_learning.mixed_spillover`, `staff_learning.spread_organisation_change`,
`staff_learning.peer_share`, `staff_learning._team_work`, `staff_learning.update_workload`,
`staff_learning.train_staff`, `staff_learning.adopt_and_revert` and
`staff_learning.team_adoption`. The mechanisms stay the reference (``backend="numpy"``) and
carry the report's sources; the kernel repeats their floating-point operations in the same
order, so both backends give the same bits (tests/test_fused_agents.py, tests/test_fused.py):

- the short row sums of `domain_mean`, `_team_work` and ``mean(axis=1)`` run left to right from
  -0.0, as numpy reduces rows of fewer than eight values;
- `_maximum`, `_minimum` and `_clip` are numpy's `np.maximum`, `np.minimum` and ``clip`` to the
  bit, NaN and the sign of zero included;
- the adoption draw (``rng.random(staff.n)``) is made by the caller in numpy, from the same
  stream as the reference, and passed in;
- the team counts are exact integers, so counting them per run of staff in the same team gives
  what `np.bincount` gives.

The mechanisms' constants are passed in (`CONSTANTS`, `ROLE_EXAMPLE`, `DOMAIN_OF`,
`COUNT_PER_DOMAIN`) rather than frozen into the cached machine code, so changing one of them
cannot leave a stale compiled kernel behind.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from govsim.agents.secretary import ROLE_TRANSFORMATION_EXAMPLE
from govsim.model.fused.scalar import clip as _clip
from govsim.model.fused.scalar import maximum as _maximum
from govsim.model.fused.scalar import minimum as _minimum
from govsim.model.instruments import COUNT_PER_DOMAIN, DOMAIN_OF
from govsim.model.mechanisms.staff_learning import (
    ADOPTION_THRESHOLD,
    N_TEAMS,
    RESISTER_CEILING,
)
from govsim.model.mechanisms.transition import ORGANISATION_CHANGE_SCALE

assert N_TEAMS == 3, "the kernel's teams: social, physical, other"

ROLE_EXAMPLE: np.ndarray = np.asarray(ROLE_TRANSFORMATION_EXAMPLE, dtype=np.float64)
"""Example (per role) the secretary sets, as `GovernanceModel.role_example` reads it."""
CONSTANTS: np.ndarray = np.array(
    [ORGANISATION_CHANGE_SCALE, RESISTER_CEILING, ADOPTION_THRESHOLD, 1.0 - ADOPTION_THRESHOLD]
)
"""`transition.ORGANISATION_CHANGE_SCALE`, `staff_learning.RESISTER_CEILING`,
`staff_learning.ADOPTION_THRESHOLD` and ``1 - ADOPTION_THRESHOLD`` (as `adopt_and_revert`
computes it), as `staff_month` reads them."""


def _staff_month(
    work: np.ndarray,
    learning: np.ndarray,
    domain_of: np.ndarray,
    count_per_domain: np.ndarray,
    transition_effort: np.ndarray,
    attention: np.ndarray,
    started: np.ndarray,
    secretary_split: np.ndarray,
    role: np.ndarray,
    role_example: np.ndarray,
    joint_training: np.ndarray,
    known: np.ndarray,
    integrality: np.ndarray,
    team_share: np.ndarray,
    municipality: np.ndarray,
    domain: np.ndarray,
    competence: np.ndarray,
    readiness: np.ndarray,
    resister: np.ndarray,
    generalist: np.ndarray,
    workload: np.ndarray,
    adopted: np.ndarray,
    adoptions: np.ndarray,
    draw: np.ndarray,
    params: np.ndarray,
    constants: np.ndarray,
) -> np.ndarray:
    """One month of the staff: learning input, workload, training, adoption; in place.

    See `model.mechanisms.staff_learning.instrument_load`, `model.instruments.domain_mean`,
    `staff_learning.learning_input`, `model.mechanisms.transition.organisation_change`,
    `staff_learning.mixed_spillover`, `staff_learning.spread_organisation_change`,
    `staff_learning.peer_share`, `staff_learning._team_work`, `staff_learning.update_workload`,
    `staff_learning.train_staff`, `staff_learning.adopt_and_revert` and
    `staff_learning.team_adoption`, which this fuses in that order.

    Args:
        work: (M, n_instruments) transition work on each instrument (``state.work``).
        learning: (n_instruments,) `model.instruments.LEARNING`.
        domain_of: (n_instruments,) `model.instruments.DOMAIN_OF` (social first).
        count_per_domain: (2,) `model.instruments.COUNT_PER_DOMAIN`.
        transition_effort: (M, 2) ``state.transition_effort``.
        attention: (M, 2) ``state.attention``.
        started: (M, 2) ``Month.started``.
        secretary_split: (M, 4) ``state.secretary_split``.
        role: (M,) the secretaries' roles.
        role_example: `ROLE_EXAMPLE`.
        joint_training: (2,) this month's row of ``compiled.joint_training``.
        known: (2,) ``Month.known``.
        integrality: (M,) the ``integrality`` lever.
        team_share: (M, 3) last month's ``team_adoption``.
        municipality: Staff arrays (`StaffArrays`); ``readiness``, ``workload``, ``adopted``
            and ``adoptions`` are updated in place.
        domain: See ``municipality``.
        competence: See ``municipality``.
        readiness: See ``municipality``.
        resister: See ``municipality``.
        generalist: See ``municipality``.
        workload: See ``municipality``.
        adopted: See ``municipality``.
        adoptions: See ``municipality``.
        draw: (n_staff,) the adoption draw, ``rng.random(staff.n)`` from stream ``staff``.
        params: (11,) ``instrument_learning``, ``learning_by_doing_share``,
            ``lecture_effectiveness``, ``training_intensity``, ``role_example_weight``,
            ``organisation_spillover``, ``implementation_load``, ``learning_rate``,
            ``peer_influence``, ``adoption_rate``, ``reversion_rate`` (`params_vector`).
        constants: `CONSTANTS`.

    Returns:
        The new team adoption (M, 3): each team's share of staff working the new way.
    """
    il, doing, lecture, intensity = params[0], params[1], params[2], params[3]
    example_weight, spillover, load, learning_rate = params[4], params[5], params[6], params[7]
    peer_influence, adoption_rate, reversion_rate = params[8], params[9], params[10]
    scale, ceiling_base, threshold, span = constants[0], constants[1], constants[2], constants[3]
    n_m, n_instruments = work.shape

    # learning_input: the training per team and the method, the same for every municipality
    method = doing + (1.0 - doing) * lecture
    training = np.empty(3)
    training[0] = _clip(intensity + joint_training[0], 0.0, 1.0)
    training[1] = _clip(intensity + joint_training[1], 0.0, 1.0)
    training[2] = _clip(intensity + 0.0, 0.0, 1.0)
    relief = np.empty(n_instruments)  # instrument_load's (1 - instrument_learning * learning)
    for j in range(n_instruments):
        relief[j] = 1.0 - il * learning[j]

    team_work = np.empty((n_m, 3))
    team_input = np.empty((n_m, 3))
    peers = np.empty((n_m, 3))
    domain_work = np.empty(2)
    sums = np.empty(2)
    instrument_sums = np.empty(2)
    for i in range(n_m):
        # instrument_load + domain_mean, and domain_mean(work * LEARNING)
        sums[0] = sums[1] = -0.0
        instrument_sums[0] = instrument_sums[1] = -0.0
        for j in range(n_instruments):
            d = domain_of[j]
            sums[d] += work[i, j] * relief[j]
            instrument_sums[d] += work[i, j] * learning[j]
        for d in range(2):
            transition_work = sums[d] / count_per_domain[d]
            team_work[i, d] = transition_work
            transformation_work = (1.0 - transition_effort[i, d]) * attention[i, d] * started[i, d]
            instrument_work = instrument_sums[d] / count_per_domain[d]
            domain_work[d] = _minimum(transformation_work + il * instrument_work, 1.0)
        team_work[i, 2] = (-0.0 + team_work[i, 0] + team_work[i, 1]) / 2 / 3.0  # _team_work
        # learning_input, organisation_change, mixed_spillover, spread_organisation_change
        example = 1.0 + example_weight * role_example[role[i]]
        change = _minimum(1.0, scale * secretary_split[i, 2])
        spill = spillover + (1.0 - spillover) * integrality[i]
        rest = spill * (training[2] * method * example * (0.15 + 0.85 * change))
        team_input[i, 2] = rest
        for d in range(2):
            own = training[d] * method * example * (0.15 + 0.85 * domain_work[d])
            team_input[i, d] = own if known[d] else rest
        # peer_share
        organisation = (-0.0 + team_share[i, 0] + team_share[i, 1] + team_share[i, 2]) / 3
        for t in range(3):
            peers[i, t] = (1.0 - spill) * team_share[i, t] + spill * organisation

    # update_workload, train_staff, adopt_and_revert; the counts of team_adoption
    team_size = np.zeros(n_m * 3, dtype=np.int64)
    team_adopted = np.zeros(n_m * 3, dtype=np.int64)
    cell = -1
    size = adopters = 0
    w = rate = peer_share = overload = 0.0
    for i in range(municipality.shape[0]):
        c = municipality[i] * 3 + domain[i]
        if c != cell:  # staff come in runs of one team: its numbers once per run
            if cell >= 0:
                team_size[cell] += size
                team_adopted[cell] += adopters
            cell, size, adopters = c, 0, 0
            m, k = municipality[i], domain[i]
            w = 1.0 + load * team_work[m, k]
            rate = learning_rate * team_input[m, k]
            peer_share = peer_influence * peers[m, k]
            overload = _clip(w - 1.0, 0.0, 1.0)
        workload[i] = w
        r = readiness[i]
        res = resister[i]
        gain = rate * competence[i]
        gain *= (0.5 if res else 1.0) * (1.0 - r)
        peer = peer_share * (1.0 - r)
        r = r + (gain + peer)
        ceiling = _maximum(ceiling_base, r - gain - peer) if res else 1.0
        r = _clip(r, 0.0, ceiling)
        readiness[i] = r
        # both chances, then a choice without branches (who has adopted is unpredictable)
        ready = _clip((r - threshold) / span, 0.0, 1.0)
        p_adopt = adoption_rate * ready * (1.0 - overload)
        p_adopt *= (0.4 if res else 1.0) * (1.2 if generalist[i] else 1.0)
        p_revert = reversion_rate * (overload + (1.0 if res else 0.0) + (1.0 - r))
        was = adopted[i]
        new = (draw[i] < p_adopt) & (not was)
        now = ((not (draw[i] < p_revert)) & was) | new
        adopted[i] = now
        adoptions[i] += new
        size += 1
        adopters += now
    if cell >= 0:
        team_size[cell] += size
        team_adopted[cell] += adopters

    share = np.empty((n_m, 3))
    for i in range(n_m):
        for t in range(3):
            c = i * 3 + t
            share[i, t] = team_adopted[c] / max(team_size[c], 1)
    return share


def params_vector(params: dict) -> np.ndarray:
    """The model parameters `staff_month` reads, in its order (``params`` argument)."""
    return np.array(
        [
            params["instrument_learning"],
            params["learning_by_doing_share"],
            params["lecture_effectiveness"],
            params["training_intensity"],
            params["role_example_weight"],
            params["organisation_spillover"],
            params["implementation_load"],
            params["learning_rate"],
            params["peer_influence"],
            params["adoption_rate"],
            params["reversion_rate"],
        ],
        dtype=np.float64,
    )


staff_month = njit(cache=True, nogil=True, error_model="numpy")(_staff_month)

__all__ = ["CONSTANTS", "COUNT_PER_DOMAIN", "DOMAIN_OF", "ROLE_EXAMPLE", "params_vector"]
__all__ += ["staff_month"]
