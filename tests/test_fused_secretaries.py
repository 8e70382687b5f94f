"""New secretaries by the kernel (`model.fused.secretaries`) equal `SecretaryArrays.replace`.

Compared array by array and byte by byte on random secretaries, rows, fixed roles and stances
and parameters anywhere in their ranges (ends included), and the stream must end in the same
state. The cases reach the branches: a domain where no mode falls under its Table 1 share (the
closest mode is desired), rejected modes, a fixed and a drawn role and stance.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.agents.secretary import SecretaryArrays
from govsim.model.fused.secretaries import replace_secretaries

WEIGHTS = st.sampled_from([0.0, 1.0]) | st.floats(0.0, 1.0)


def _state(sec: SecretaryArrays) -> dict[str, bytes]:
    return {f.name: getattr(sec, f.name).tobytes() for f in dataclasses.fields(sec)}


def _both(seed, n, rows, fixed_role, fixed_stance, params):
    sec = SecretaryArrays.create(n, 0.3, np.random.default_rng(seed))
    sec.desired_mix = np.asfortranarray(sec.desired_mix)  # a non-contiguous layout, as in runs
    ref, fast = copy.deepcopy(sec), copy.deepcopy(sec)
    rng_ref, rng_fast = np.random.default_rng(seed + 1), np.random.default_rng(seed + 1)
    ref.replace(rows, rng_ref, params, fixed_role, fixed_stance, 17)
    replace_secretaries(fast, rows, rng_fast, params, fixed_role, fixed_stance, 17)
    assert rng_ref.bit_generator.state == rng_fast.bit_generator.state
    return sec, ref, fast


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(1, 40),
    data=st.data(),
    comfort=WEIGHTS,
    undesired=WEIGHTS,
    share=WEIGHTS,
)
def test_the_kernel_replaces_as_the_reference_does(seed, n, data, comfort, undesired, share):
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))))
    fixed_role = np.array(data.draw(st.lists(st.integers(-1, 3), min_size=n, max_size=n)))
    fixed_stance = np.array(data.draw(st.lists(st.integers(-1, 1), min_size=n, max_size=n)))
    params = {
        "comfort_mode_weight": comfort,
        "undesired_mode_weight": undesired,
        "regisseur_share": share,
    }
    _, ref, fast = _both(
        seed, n, rows, fixed_role.astype(np.int8), fixed_stance.astype(np.int8), params
    )
    assert _state(fast) == _state(ref)


def test_the_replaced_rows_change_and_the_others_stay():
    n = 300
    rows = np.arange(0, n, 2)
    none = np.full(n, -1, dtype=np.int8)
    params = {"comfort_mode_weight": 0.5, "undesired_mode_weight": 0.3, "regisseur_share": 0.4}
    sec, ref, fast = _both(5, n, rows, none, none, params)
    assert _state(fast) == _state(ref)
    kept = np.arange(1, n, 2)
    assert np.array_equal(fast.desired_mix[kept], sec.desired_mix[kept])
    assert (fast.appointed_step[rows] == 17).all() and (fast.appointed_step[kept] != 17).all()
    assert not np.array_equal(fast.desires[rows], sec.desires[rows])
    assert fast.rejected[rows].any() and fast.regisseur[rows].any()
    np.testing.assert_allclose(fast.desired_mix[rows].sum(axis=2), 1.0)


def test_a_fixed_role_and_stance_stay_whoever_is_appointed():
    n = 50
    rows = np.arange(n)
    params = {"comfort_mode_weight": 0.5, "undesired_mode_weight": 0.0, "regisseur_share": 0.0}
    role, stance = np.full(n, 3, dtype=np.int8), np.full(n, 1, dtype=np.int8)
    _, ref, fast = _both(9, n, rows, role, stance, params)
    assert _state(fast) == _state(ref)
    assert (fast.role == 3).all() and fast.regisseur.all()
    assert (fast.desired_mix[:, :, 3] >= 0.5).all()  # the changer's comfortable mode
