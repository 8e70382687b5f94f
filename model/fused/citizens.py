"""Compiled core of the month's citizens-and-council sub-step (`model.schedule._citizens`).

Issue 15. The sub-step runs as two compiled calls around numpy's second draw, whose size is the
number of participants the first call finds:

- `take_part`: the openness of each municipality (`model.mechanisms.participation.openness`,
  masked by the known domains), who takes part (`participation.participate`, first part), the
  citizens per (municipality, domain of interest), and the month's end for everyone who does
  not take part (fatigue recovers, willingness follows trust);
- `settle`: the initiatives of the participants and their fate, with
  `participation.society_plan_legitimacy` (`participate`, second part), then
  `participation.update_practice`, `participation.update_council_trust` and
  `model.mechanisms.council.update_council_steering`.

The mechanisms stay the reference (``backend="numpy"``) and carry the report's sources; the
kernels repeat their floating-point operations in the same order, so both backends give the same
bits (tests/test_fused_agents.py, tests/test_fused.py): a citizen who does not take part ends the
month with the same arithmetic as in `participate`; both draws (``rng.random(citizens.n)``, then
``rng.random((2, participants))``) are made by the caller in numpy from stream ``citizens``; the
counts are exact integers; `_minimum`, `_maximum` and `_clip` are numpy's `np.minimum`,
`np.maximum` and ``clip`` to the bit. The mechanisms' constants and default rates are passed in
(`RATES`), not frozen into the cached machine code.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from govsim.model.fused.scalar import clip as _clip
from govsim.model.fused.scalar import maximum as _maximum
from govsim.model.fused.scalar import minimum as _minimum
from govsim.model.instruments import ACCESS_INDEX, VISION_INDEX
from govsim.model.mechanisms.council import COUNCIL_STEERING_RATE

PRACTICE_RATE = 0.1
"""The ``rate`` `participation.update_practice` smooths practice with (its default)."""
COUNCIL_TRUST_RATE = 0.02
"""The ``rate`` `participation.update_council_trust` moves council trust with (its default)."""
RATES: np.ndarray = np.array([PRACTICE_RATE, COUNCIL_TRUST_RATE, COUNCIL_STEERING_RATE])
"""`PRACTICE_RATE`, `COUNCIL_TRUST_RATE` and `council.COUNCIL_STEERING_RATE`, as `settle`
reads them."""
VISION_COLUMNS: np.ndarray = np.array([ACCESS_INDEX, VISION_INDEX], dtype=np.int64)
"""The instruments (per domain) whose progress is the shared vision of
`participation.society_plan_legitimacy` (``state.instruments[:, VISION_COLUMNS]``)."""


def _take_part(
    steering: np.ndarray,
    time_pressure: np.ndarray,
    known: np.ndarray,
    municipality: np.ndarray,
    interest: np.ndarray,
    capacity: np.ndarray,
    trust: np.ndarray,
    willingness: np.ndarray,
    fatigue: np.ndarray,
    participating: np.ndarray,
    draw: np.ndarray,
    params: np.ndarray,
    openness: np.ndarray,
    everyone: np.ndarray,
    who: np.ndarray,
) -> int:
    """Openness, who takes part, and the month of those who do not; the participants' number.

    See `model.mechanisms.participation.openness` and `participation.participate` (its draw of
    who takes part, the outcome's ``citizens`` count, and fatigue and willingness of those who
    do not take part), which this fuses.

    Args:
        steering: (M, 2, 4) ``state.steering``.
        time_pressure: (M, 2) ``state.time_pressure``.
        known: (2,) ``Month.known``.
        municipality: Citizen arrays (`CitizenArrays`); ``participating`` is set, and
            ``fatigue`` and ``willingness`` of those who do not take part are updated, in place.
        interest: See ``municipality``.
        capacity: See ``municipality``.
        trust: See ``municipality``.
        willingness: See ``municipality``.
        fatigue: See ``municipality``.
        participating: See ``municipality``.
        draw: (n_citizens,) the first draw, ``rng.random(citizens.n)`` from stream ``citizens``.
        params: (10,) `params_vector`; this reads ``time_pressure_closure``,
            ``participation_rate`` and ``fatigue_recovery``.
        openness: (M, 2) filled with the month's openness (``Month.openness``).
        everyone: (M, 2) filled with the citizens per municipality and domain of interest.
        who: (n_citizens,) its first (returned) entries are set to the participants, in order.

    Returns:
        The number of participants.
    """
    closure, rate, fatigue_recovery = params[6], params[7], params[8]
    n_m = steering.shape[0]
    for i in range(n_m):
        for d in range(2):
            open_ = (steering[i, d, 2] + steering[i, d, 3]) * (1.0 - closure * time_pressure[i, d])
            openness[i, d] = open_ * (1.0 if known[d] else 0.0)
            everyone[i, d] = 0.0
    decay = 1.0 - fatigue_recovery
    count = 0
    run = -1  # citizens come in runs of one municipality: count them per run
    in_run = physical = 0
    for i in range(municipality.shape[0]):
        m, d = municipality[i], interest[i]
        if m != run:
            if run >= 0:
                everyone[run, 0] += in_run - physical
                everyone[run, 1] += physical
            run, in_run, physical = m, 0, 0
        in_run += 1
        physical += d
        p = rate * capacity[i] * willingness[i] * openness[m, d] * (1.0 - fatigue[i])
        if draw[i] < p:
            participating[i] = True
            who[count] = i
            count += 1
        else:
            participating[i] = False
            f = fatigue[i] * decay
            fatigue[i] = f
            w = willingness[i]
            w += 0.05 * (trust[i] - w) - 0.02 * f
            willingness[i] = _clip(w, 0.0, 1.0)
    if run >= 0:
        everyone[run, 0] += in_run - physical
        everyone[run, 1] += physical
    return count


def _settle(
    who: np.ndarray,
    draws: np.ndarray,
    municipality: np.ndarray,
    interest: np.ndarray,
    trust: np.ndarray,
    willingness: np.ndarray,
    fatigue: np.ndarray,
    initiatives: np.ndarray,
    facilitated: np.ndarray,
    blocked: np.ndarray,
    openness: np.ndarray,
    practice_breadth: np.ndarray,
    practice_quality: np.ndarray,
    instruments: np.ndarray,
    vision_columns: np.ndarray,
    council_reopen: np.ndarray,
    council_trust: np.ndarray,
    council_steering: np.ndarray,
    council_attention: np.ndarray,
    incident_pressure: np.ndarray,
    transition: np.ndarray,
    params: np.ndarray,
    rates: np.ndarray,
    outcome: np.ndarray,
) -> None:
    """The participants' initiatives and their fate; practice and the councils, in place.

    See `model.mechanisms.participation.participate` (from the second draw on),
    `participation.society_plan_legitimacy`, `participation.update_practice`,
    `participation.update_council_trust` and `model.mechanisms.council.update_council_steering`,
    which this fuses in that order.

    Args:
        who: The participants (`take_part`), at least ``draws.shape[1]`` of them.
        draws: (2, participants) the second draw, ``rng.random((2, participants))``.
        municipality: Citizen arrays (`CitizenArrays`); the participants' ``trust``,
            ``fatigue``, ``willingness`` and counts are updated in place.
        interest: See ``municipality``.
        trust: See ``municipality``.
        willingness: See ``municipality``.
        fatigue: See ``municipality``.
        initiatives: See ``municipality``.
        facilitated: See ``municipality``.
        blocked: See ``municipality``.
        openness: (M, 2) the month's openness (`take_part`).
        practice_breadth: (M, 2) ``state.practice_breadth``, updated in place.
        practice_quality: (M, 2) ``state.practice_quality``, updated in place.
        instruments: (M, n_instruments) ``state.instruments``.
        vision_columns: `VISION_COLUMNS`.
        council_reopen: (M,) the councils' reopen tendency.
        council_trust: (M,) the councils' trust in citizens, updated in place.
        council_steering: (M, 2) the councils' steering, updated in place.
        council_attention: (M, 2) the councils' attention.
        incident_pressure: (M, 2) the colleges' incident pressure.
        transition: (M, 2) ``state.transition``, the frameworks the councils have set.
        params: (10,) `params_vector`; this reads ``initiative_rate``, ``trust_gain``,
            ``trust_loss``, ``fatigue_gain``, ``council_grip``, ``incident_grip`` and
            ``framework_release``.
        rates: `RATES`.
        outcome: (5, M, 2) the `ParticipationOutcome` counts: ``citizens`` filled by
            `take_part`; participants, initiatives, facilitated and blocked are filled here.
    """
    initiative_rate, trust_gain, trust_loss = params[0], params[1], params[2]
    fatigue_gain, grip, incident_grip = params[3], params[4], params[5]
    release = params[9]
    practice_rate, trust_rate, steering_rate = rates[0], rates[1], rates[2]
    n_m = openness.shape[0]
    outcome[1:] = 0.0
    for j in range(draws.shape[1]):
        i = who[j]
        m, d = municipality[i], interest[i]
        po = openness[m, d]
        initiative = draws[0, j] < initiative_rate
        reopen = council_reopen[m] * (1.0 - council_trust[m]) * council_steering[m, d]
        legitimacy = _clip(practice_breadth[m, d] * instruments[m, vision_columns[d]], 0.0, 1.0)
        reopen = reopen * (1.0 - legitimacy)
        is_blocked = initiative and draws[1, j] < _clip(0.5 * (1.0 - po) + reopen, 0.0, 1.0)
        is_facilitated = initiative and not is_blocked
        t = trust[i]
        t += trust_gain * (1.0 - t) if is_facilitated else 0.0
        t -= trust_loss * t if is_blocked else 0.0
        t += 0.02 * po * (1.0 - t) if not initiative else 0.0
        t = _clip(t, 0.0, 1.0)
        trust[i] = t
        f = fatigue[i]
        f = f + fatigue_gain * (1.0 - f)
        fatigue[i] = f
        w = willingness[i]
        w += 0.05 * (t - w) - 0.02 * f
        willingness[i] = _clip(w, 0.0, 1.0)
        outcome[1, m, d] += 1.0
        if initiative:
            initiatives[i] += 1
            outcome[2, m, d] += 1.0
        if is_facilitated:
            facilitated[i] += 1
            outcome[3, m, d] += 1.0
        if is_blocked:
            blocked[i] += 1
            outcome[4, m, d] += 1.0

    for i in range(n_m):
        for d in range(2):
            # update_practice
            quality = practice_quality[i, d]
            started = outcome[2, i, d]
            if started > 0:
                quality += practice_rate * (outcome[3, i, d] / started - quality)
            else:
                quality += 0.0
            practice_quality[i, d] = quality
            share = outcome[1, i, d] / _maximum(outcome[0, i, d], 1.0)
            breadth = practice_breadth[i, d]
            breadth += practice_rate * (_minimum(share / 0.15, 1.0) - breadth)
            practice_breadth[i, d] = breadth
            # update_council_steering
            target = council_attention[i, d] * (
                grip + incident_grip * _minimum(incident_pressure[i, d], 1.0)
            )
            target = target * (1.0 - release * transition[i, d])
            steering = council_steering[i, d]
            steering += steering_rate * (_clip(target, 0.0, 1.0) - steering)
            council_steering[i, d] = _clip(steering, 0.0, 1.0)
        # update_council_trust
        started = -0.0 + outcome[2, i, 0] + outcome[2, i, 1]
        facilitated_sum = -0.0 + outcome[3, i, 0] + outcome[3, i, 1]
        council = council_trust[i]
        if started > 0:
            council += trust_rate * (facilitated_sum / started - council)
        else:
            council += 0.0
        council_trust[i] = _clip(council, 0.0, 1.0)


def params_vector(params: dict) -> np.ndarray:
    """The model parameters the two kernels read, in order.

    `settle`'s six, then `take_part`'s three, then `settle`'s ``framework_release``.
    """
    return np.array(
        [
            params["initiative_rate"],
            params["trust_gain"],
            params["trust_loss"],
            params["fatigue_gain"],
            params["council_grip"],
            params["incident_grip"],
            params["time_pressure_closure"],
            params["participation_rate"],
            params["fatigue_recovery"],
            params["framework_release"],
        ],
        dtype=np.float64,
    )


take_part = njit(cache=True, nogil=True, error_model="numpy")(_take_part)
settle = njit(cache=True, nogil=True, error_model="numpy")(_settle)

__all__ = ["RATES", "VISION_COLUMNS", "params_vector", "settle", "take_part"]
