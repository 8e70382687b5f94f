"""Compiled per-agent kernels: one pass over the staff, two over the citizens, per month.

The mechanisms in `model.mechanisms.staff_learning` and `model.mechanisms.participation` state
the equations as numpy expressions and remain the reference (the ``"numpy"`` backend). The
kernels here do the same arithmetic, operation for operation and in the same order, in one
compiled loop per agent population, so the two backends give bit-identical results (tested in
tests/test_kernels.py). Random numbers are drawn by numpy from the model's streams outside the
kernels, in the same amounts and order as the reference, so a stream never depends on the
backend.

The backend is chosen per model (``GovernanceModel(backend=...)``); the default is ``"numba"``
(a declared dependency), and the environment variable ``GOVSIM_BACKEND`` overrides it (for
debugging with the plain numpy path).
"""

from __future__ import annotations

import os

import numpy as np
from numba import njit

BACKENDS: tuple[str, ...] = ("numba", "numpy")


def default_backend() -> str:
    """The backend used unless told otherwise: ``GOVSIM_BACKEND`` if it names one, else numba."""
    chosen = os.environ.get("GOVSIM_BACKEND", "").strip().lower()
    return chosen if chosen in BACKENDS else "numba"


def resolve_backend(backend: str | None) -> str:
    """Check a requested backend; None gives `default_backend`.

    Raises:
        ValueError: For a name outside `BACKENDS`.
    """
    if backend is None:
        return default_backend()
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    return backend


def _staff_month(
    municipality: np.ndarray,
    domain: np.ndarray,
    competence: np.ndarray,
    readiness: np.ndarray,
    resister: np.ndarray,
    generalist: np.ndarray,
    workload: np.ndarray,
    adopted: np.ndarray,
    adoptions: np.ndarray,
    team_work: np.ndarray,
    team_input: np.ndarray,
    peers: np.ndarray,
    draw: np.ndarray,
    load: float,
    learning_rate: float,
    peer_influence: float,
    adoption_rate: float,
    reversion_rate: float,
    resister_ceiling: float,
    threshold: float,
    threshold_span: float,
    adopted_per_team: np.ndarray,
    team_size: np.ndarray,
) -> None:
    """Workload, training, adoption/reversion and the team counts, in place.

    `staff_learning.update_workload`, `train_staff`, `adopt_and_revert` and the two counts of
    `team_adoption` (adopters and members per team), fused; ``adopted_per_team`` and
    ``team_size`` (M * 3,) are zeroed and refilled.
    """
    adopted_per_team[:] = 0.0
    team_size[:] = 0.0
    for i in range(municipality.shape[0]):
        m = municipality[i]
        k = domain[i]
        w = 1.0 + load * team_work[m, k]
        workload[i] = w
        r = readiness[i]
        res = resister[i]
        gain = learning_rate * team_input[m, k] * competence[i]
        gain *= (0.5 if res else 1.0) * (1.0 - r)
        peer = peer_influence * peers[m, k] * (1.0 - r)
        r = r + (gain + peer)
        ceiling = max(resister_ceiling, r - gain - peer) if res else 1.0
        r = min(max(r, 0.0), ceiling)
        readiness[i] = r
        overload = min(max(w - 1.0, 0.0), 1.0)
        ready = min(max((r - threshold) / threshold_span, 0.0), 1.0)
        p_adopt = adoption_rate * ready * (1.0 - overload)
        p_adopt *= (0.4 if res else 1.0) * (1.2 if generalist[i] else 1.0)
        p_revert = reversion_rate * (overload + (1.0 if res else 0.0) + (1.0 - r))
        if adopted[i]:
            if draw[i] < p_revert:
                adopted[i] = False
        elif draw[i] < p_adopt:
            adopted[i] = True
            adoptions[i] += 1
        team_size[m * 3 + k] += 1.0
        if adopted[i]:
            adopted_per_team[m * 3 + k] += 1.0


def _citizens_take_part(
    municipality: np.ndarray,
    interest: np.ndarray,
    capacity: np.ndarray,
    willingness: np.ndarray,
    fatigue: np.ndarray,
    openness: np.ndarray,
    draw: np.ndarray,
    rate: float,
    participating: np.ndarray,
    everyone: np.ndarray,
) -> int:
    """Who takes part this month (`participation.participate`, first part); their number.

    Also counts the citizens per (municipality, domain of interest) into ``everyone`` (M * 2,
    zeroed by the caller), the outcome's ``citizens``.
    """
    count = 0
    for i in range(municipality.shape[0]):
        everyone[municipality[i] * 2 + interest[i]] += 1.0
        o = openness[municipality[i], interest[i]]
        p = rate * capacity[i] * willingness[i] * o * (1.0 - fatigue[i])
        part = draw[i] < p
        participating[i] = part
        if part:
            count += 1
    return count


def _citizens_month(
    municipality: np.ndarray,
    interest: np.ndarray,
    trust: np.ndarray,
    willingness: np.ndarray,
    fatigue: np.ndarray,
    participating: np.ndarray,
    initiatives: np.ndarray,
    facilitated: np.ndarray,
    blocked: np.ndarray,
    openness: np.ndarray,
    council_reopen: np.ndarray,
    council_trust: np.ndarray,
    council_steering: np.ndarray,
    legitimacy: np.ndarray,
    use_legitimacy: bool,
    draws: np.ndarray,
    initiative_rate: float,
    trust_gain: float,
    trust_loss: float,
    fatigue_recovery: float,
    fatigue_gain: float,
    counts: np.ndarray,
) -> None:
    """Initiatives, their fate, trust, fatigue and willingness (`participate`, second part).

    ``draws`` (2, participants) are the reference's second draw; ``counts`` (4, M * 2) is
    zeroed and refilled with participants, initiatives, facilitated and blocked per cell.
    """
    counts[:, :] = 0.0
    j = 0
    decay = 1.0 - fatigue_recovery
    for i in range(municipality.shape[0]):
        f = fatigue[i]
        if participating[i]:
            m = municipality[i]
            d = interest[i]
            po = openness[m, d]
            initiative = draws[0, j] < initiative_rate
            reopen = council_reopen[m] * (1.0 - council_trust[m]) * council_steering[m, d]
            if use_legitimacy:
                reopen = reopen * (1.0 - legitimacy[m, d])
            limit = min(max(0.5 * (1.0 - po) + reopen, 0.0), 1.0)
            is_blocked = initiative and draws[1, j] < limit
            is_facilitated = initiative and not is_blocked
            j += 1
            t = trust[i]
            t += trust_gain * (1.0 - t) if is_facilitated else 0.0
            t -= trust_loss * t if is_blocked else 0.0
            t += 0.02 * po * (1.0 - t) if not initiative else 0.0
            trust[i] = min(max(t, 0.0), 1.0)
            fatigue[i] = f + fatigue_gain * (1.0 - f)
            cell = m * 2 + d
            counts[0, cell] += 1.0
            if initiative:
                initiatives[i] += 1
                counts[1, cell] += 1.0
            if is_facilitated:
                facilitated[i] += 1
                counts[2, cell] += 1.0
            if is_blocked:
                blocked[i] += 1
                counts[3, cell] += 1.0
        else:
            fatigue[i] = f * decay
        w = willingness[i]
        w += 0.05 * (trust[i] - w) - 0.02 * fatigue[i]
        willingness[i] = min(max(w, 0.0), 1.0)


def _group_quantiles(
    values: np.ndarray, group: np.ndarray, n_groups: int, levels: np.ndarray, out: np.ndarray
) -> None:
    """Percentiles ``out`` (n_groups + 1, levels, k) of ``values`` (M, k): all, then per group.

    `model.indicators._quantiles` in one compiled pass: linear interpolation between order
    statistics, 0 for an empty group. A group's values are taken as ``(v + 2g) - 2g``, as the
    reference's one-sort-for-all-groups key gives them back, so both agree to the bit.
    """
    m, k = values.shape
    buffer = np.empty(m)
    for g in range(n_groups + 1):
        shift = 2.0 * (g - 1)
        for c in range(k):
            n = 0
            for i in range(m):
                if g == 0:
                    buffer[n] = values[i, c]
                    n += 1
                elif group[i] == g - 1:
                    buffer[n] = (values[i, c] + shift) - shift
                    n += 1
            if n == 0:
                out[g, :, c] = 0.0
                continue
            ordered = np.sort(buffer[:n])
            for j in range(levels.shape[0]):
                pos = levels[j] * (n - 1)
                low = int(np.floor(pos))
                high = min(low + 1, n - 1)
                lo = ordered[low]
                out[g, j, c] = lo + (pos - low) * (ordered[high] - lo)


staff_month = njit(cache=True, nogil=True)(_staff_month)
citizens_take_part = njit(cache=True, nogil=True)(_citizens_take_part)
citizens_month = njit(cache=True, nogil=True)(_citizens_month)
group_quantiles = njit(cache=True, nogil=True)(_group_quantiles)
