"""New secretaries in one compiled pass (`agents.secretary.SecretaryArrays.replace`).

A month replaces a handful of the 388 secretaries (turnover, report §3.2); the reference does
it with some forty numpy operations on a few rows. The kernel does the same arithmetic per new
secretary from the same nine uniform numbers each (drawn by numpy outside): the desired and
rejected modes (`agents.secretary.desires_from`, Table 1 and the appendix table), the role
(`role_from`), the stance (`regisseur_from`) and the desired mix (`desired_mix`). The tables
and weights come in as arguments, so a cached kernel never keeps an old table.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from govsim.agents import secretary


def _replace(
    rows: np.ndarray,
    u: np.ndarray,
    fixed_role: np.ndarray,
    fixed_regisseur: np.ndarray,
    step: int,
    desired_share: np.ndarray,
    rejected_share: np.ndarray,
    comfort_weight: float,
    undesired_weight: float,
    regisseur_share: float,
    role: np.ndarray,
    regisseur: np.ndarray,
    appointed_step: np.ndarray,
    desires: np.ndarray,
    rejected: np.ndarray,
    mix: np.ndarray,
) -> None:
    """Replace the secretaries of ``rows`` in place, from their uniform numbers ``u`` (rows, 9).

    ``desired_share`` and ``rejected_share`` (4 modes, 2 domains): `TABLE1_DESIRED` and
    `APPENDIX_REJECTED`; ``regisseur_share``: the chance a new secretary is regisseur.
    """
    n_modes = desired_share.shape[0]
    for j in range(rows.shape[0]):
        i = rows[j]
        for d in range(2):  # desires_from
            any_desired = False
            for k in range(n_modes):
                want = u[j, k] < desired_share[k, d]
                desires[i, d, k] = want
                any_desired = any_desired or want
            if not any_desired:  # the mode closest to being desired
                best = 0
                lowest = u[j, 0] / desired_share[0, d]
                for k in range(1, n_modes):
                    ratio = u[j, k] / desired_share[k, d]
                    if ratio < lowest:
                        best, lowest = k, ratio
                desires[i, d, best] = True
            for k in range(n_modes):
                rejected[i, d, k] = u[j, k] >= 1.0 - rejected_share[k, d] and not desires[i, d, k]
        if fixed_role[i] >= 0:  # role_from: the desired social mode with the largest number
            chosen = fixed_role[i]
        else:
            chosen = 0
            top = (1.0 if desires[i, 0, 0] else 0.0) * u[j, 4]
            for k in range(1, n_modes):
                weight = (1.0 if desires[i, 0, k] else 0.0) * u[j, 4 + k]
                if weight > top:
                    chosen, top = k, weight
        role[i] = chosen
        for d in range(2):  # desired_mix
            total = -0.0
            for k in range(n_modes):
                w = 1.0 if desires[i, d, k] else undesired_weight
                if rejected[i, d, k]:
                    w = 0.0
                mix[i, d, k] = w
                total += w
            for k in range(n_modes):
                comfort = 1.0 if k == chosen else 0.0
                mix[i, d, k] = (1.0 - comfort_weight) * (mix[i, d, k] / total) + (
                    comfort_weight * comfort
                )
        if fixed_regisseur[i] >= 0:  # regisseur_from
            regisseur[i] = fixed_regisseur[i] == 1
        else:
            regisseur[i] = u[j, 8] < regisseur_share
        appointed_step[i] = step


replace = njit(cache=True, nogil=True, error_model="numpy")(_replace)


def replace_secretaries(
    sec: secretary.SecretaryArrays,
    rows: np.ndarray,
    rng: np.random.Generator,
    params: dict,
    fixed_role: np.ndarray,
    fixed_regisseur: np.ndarray,
    step: int,
) -> None:
    """`SecretaryArrays.replace` by the kernel: the same draw from ``rng``, the same state."""
    u = rng.random((len(rows), 9))
    replace(
        rows,
        u,
        fixed_role,
        fixed_regisseur,
        step,
        secretary.TABLE1_DESIRED,
        secretary.APPENDIX_REJECTED,
        float(params["comfort_mode_weight"]),
        float(params["undesired_mode_weight"]),
        secretary.new_secretary_regisseur_share(params),
        sec.role,
        sec.regisseur,
        sec.appointed_step,
        sec.desires,
        sec.rejected,
        sec.desired_mix,
    )
