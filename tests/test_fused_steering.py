"""The compiled transformation, steering and satisfaction (`model.fused.steering`) equal the
numpy mechanisms to the bit, call for call, on random inputs.

The reference is the numpy path of `model.schedule` (`_transformation`, `_steering`,
`_satisfaction`) written out on plain arrays: the mechanism functions of
`model.mechanisms.transformation`, `steering`, `satisfaction`, `transition.expected_transition`
and `agents.college.college_mix`, the count of dominant-mode changes and `change_cause`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.agents.college import college_mix
from govsim.model.fused import steering as fused
from govsim.model.instruments import COUNT_PER_DOMAIN
from govsim.model.mechanisms import satisfaction, steering, transformation, transition

N = 37
PULLS = (
    "time_pressure_legal_pull",
    "regional_legal_pull",
    "incident_pull",
    "subversion_pull",
    "slow_progress_pull",
    "deficit_pull",
)


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


def _steering_inputs(seed: int, strided: bool) -> dict[str, Any]:
    """Random inputs of one month's steering; some pulls zero so every cause is reached."""
    rng = np.random.default_rng(seed)
    n_steps = int(rng.integers(2, 240))
    k = int(rng.integers(0, n_steps + 1))
    known_step = rng.integers(0, n_steps, 2)
    desired = rng.dirichlet(np.ones(4), (N, 2))
    if strided:  # as in the model: a (M, 2, 4) view of a wider array
        wide = np.zeros((N, 2, 6))
        wide[..., 1:5] = desired
        desired = wide[..., 1:5]
    params = {name: float(rng.uniform(0.0, 1.0)) * (rng.random() < 0.8) for name in PULLS}
    params["secretary_steering_weight"] = float(rng.uniform(0.0, 1.0))
    params["steering_adapt_rate"] = float(rng.uniform(0.0, 1.0))
    mix = rng.dirichlet(np.ones(4), (N, 2))
    mix[: N // 4] = [0.3, 0.3, 0.2, 0.2]  # ties: the first maximum is the dominant mode
    mix[N // 4 : N // 3] = [0.1, 0.3, 0.3, 0.3]
    pressure = rng.uniform(0.0, 2.0, (N, 2)) * (rng.random((N, 2)) < 0.7)
    cooperation = rng.uniform(0.0, 1.0, (N, 2)) * (rng.random((N, 2)) < 0.7)
    if rng.random() < 0.3:  # ties between causes: the first strongest pull is named
        cooperation = pressure.copy()
        params["regional_legal_pull"] = params["time_pressure_legal_pull"]
    return {
        "k": k,
        "known_step": known_step,
        "entry_step": known_step + rng.integers(-3, 60, 2),
        "completion_step": known_step + rng.integers(-3, 200, 2),
        "known": rng.random(2) < 0.7,
        "transition": rng.uniform(0.0, 1.0, (N, 2)),
        "time_pressure": pressure,
        "cooperation": cooperation,
        "incident_pressure": rng.uniform(0.0, 1.5, (N, 2)) * (rng.random((N, 2)) < 0.5),
        "budget": rng.uniform(0.0, 1.0, (N, 2)) * (rng.random((N, 2)) < 0.6),
        "exposure": rng.beta(2.0, 5.0, N),
        "openness": rng.uniform(0.0, 1.0, (N, 2)) * (rng.random((N, 2)) < 0.7),
        "coaching": rng.uniform(0.0, 1.0, N) * (rng.random(N) < 0.5),
        "transformation_first": rng.uniform(0.0, 1.0, N) * (rng.random(N) < 0.5),
        "desired": desired,
        "stance": rng.uniform(0.0, 1.0, (N, 2)),
        "steering": mix,
        "mode_changes": rng.integers(0, 5, (2, 4, 4)),
        "params": params,
    }


def _reference_steering(x: dict[str, Any]) -> tuple[np.ndarray, list[tuple]]:
    """The numpy path of `schedule._steering` on the inputs: the plan and the mode changes."""
    p, known = x["params"], x["known"]
    expected = transition.expected_transition(
        x["known_step"], x["entry_step"], x["completion_step"], x["k"]
    )
    pulls = steering.steering_pulls(
        x["time_pressure"],
        x["cooperation"],
        x["incident_pressure"],
        steering.progress_lag(expected, x["transition"], known),
        x["budget"],
        p,
        steering.subversion_pressure(x["exposure"], x["openness"]),
        x["coaching"],
    )
    preferred = steering.preferred_mix(
        x["desired"], college_mix(x["stance"]), p["secretary_steering_weight"], x["coaching"]
    )
    before = x["steering"].argmax(axis=2)
    steering.drift_steering(
        x["steering"],
        steering.steering_target(preferred, pulls),
        steering.adapt_rate(p["steering_adapt_rate"], x["transformation_first"]),
        known,
    )
    after = x["steering"].argmax(axis=2)
    rows, doms = np.nonzero(before != after)
    was, now = before[rows, doms], after[rows, doms]
    if len(rows):
        np.add.at(x["mode_changes"], (doms, was, now), 1)
    events = [
        (m, d, a, b, steering.change_cause(b, pulls, m, d))
        for m, d, a, b in zip(rows.tolist(), doms.tolist(), was.tolist(), now.tolist(), strict=True)
    ]
    return expected, events


def _fused_steering(x: dict[str, Any]) -> tuple[np.ndarray, list[tuple]]:
    """`fused.steering_month` on the inputs, the way `schedule._steering` calls it."""
    p = x["params"]
    expected = np.empty(2)
    changes = np.empty((2 * N, 5), dtype=np.int64)
    count = fused.steering_month(
        x["k"],
        x["known_step"],
        x["entry_step"],
        x["completion_step"],
        fused.DUE_AT_ENTRY,
        fused.DOMAIN_OF,
        x["known"],
        x["transition"],
        x["time_pressure"],
        x["cooperation"],
        x["incident_pressure"],
        x["budget"],
        x["exposure"],
        x["openness"],
        x["coaching"],
        x["transformation_first"],
        x["desired"],
        x["stance"],
        fused.COLLEGE_MIXES,
        *(p[name] for name in PULLS),
        p["secretary_steering_weight"],
        p["steering_adapt_rate"],
        steering.COACHED_PATIENCE,
        steering.PRE_TASK_DRIFT,
        x["steering"],
        expected,
        x["mode_changes"],
        changes,
    )
    events = [(m, d, a, b, fused.CAUSES[c]) for m, d, a, b, c in changes[:count].tolist()]
    return expected, events


def _copy(x: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.copy() if isinstance(value, np.ndarray) else value for key, value in x.items()
    }


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), strided=st.booleans())
def test_steering_month_equals_the_mechanisms(seed, strided):
    x = _steering_inputs(seed, strided)
    ref, fast = _copy(x), _copy(x)
    if strided:
        fast["desired"] = x["desired"]  # keep the view, not a contiguous copy
    ref_expected, ref_events = _reference_steering(ref)
    fast_expected, fast_events = _fused_steering(fast)
    assert _bits(fast_expected) == _bits(ref_expected)
    assert _bits(fast["steering"]) == _bits(ref["steering"])
    assert (fast["mode_changes"] == ref["mode_changes"]).all()
    assert fast_events == ref_events
    # the drift moved the mix, and the counts moved with the events
    assert not np.array_equal(fast["steering"], x["steering"])
    assert fast["mode_changes"].sum() - x["mode_changes"].sum() == len(fast_events)


def test_steering_month_reaches_every_cause_and_plan_branch():
    """Over a few seeds the kernel logs every cause, so `CAUSES` and the codes line up."""
    causes: set[str] = set()
    plans: set[float] = set()
    for seed in range(60):
        x = _steering_inputs(seed, strided=False)
        x["params"]["steering_adapt_rate"] = 1.0  # large moves: many mode changes
        ref, fast = _copy(x), _copy(x)
        ref_expected, ref_events = _reference_steering(ref)
        fast_expected, fast_events = _fused_steering(fast)
        assert fast_events == ref_events
        assert _bits(fast_expected) == _bits(ref_expected)
        causes |= {e[4] for e in fast_events}
        plans |= set(fast_expected.tolist())
    assert causes == set(fused.CAUSES)
    assert {0.0, 1.0} <= plans and len(plans) > 10  # before, after and during the plan


def test_the_plan_sums_fewer_than_eight_instruments_per_domain():
    """numpy's mean adds fewer than 8 values left to right, as the kernel's loop does."""
    assert (COUNT_PER_DOMAIN < 8).all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_transformation_progress_equals_the_mechanism(seed):
    rng = np.random.default_rng(seed)
    adoption = rng.uniform(0.0, 1.0, (N, 3))
    quality, breadth = rng.uniform(0.0, 1.0, (2, N, 2))
    weight = float(rng.uniform(0.0, 1.0))
    ref = transformation.transformation_progress(adoption[:, :2], quality * breadth, weight)
    out = np.full((N, 2), np.nan)
    fused.transformation_progress(adoption, quality, breadth, weight, out)
    assert _bits(out) == _bits(ref)
    assert not np.isnan(out).any()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_satisfaction_month_equals_the_mechanisms(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 100))
    entry = np.where(rng.random(2) < 0.5, k, rng.integers(1, 100, 2))
    args = {
        "transition": rng.uniform(0.0, 1.0, (N, 2)),
        "expected": rng.uniform(0.0, 1.0, 2),
        "transformation": rng.uniform(0.0, 1.0, (N, 2)),
        "incident_pressure": rng.uniform(0.0, 1.5, (N, 2)),
        "budget": rng.uniform(0.0, 1.0, (N, 2)) * (rng.random((N, 2)) < 0.5),
        "base": float(rng.uniform(0.3, 0.9)),
        "progress_weight": float(rng.uniform(0.0, 0.5)),
        "in_force": rng.random(2) < 0.5,
        "credibility": rng.uniform(0.0, 1.0, 2),
        "criticism": float(rng.uniform(0.0, 0.6)),
    }
    known = rng.random(2) < 0.7
    rate = float(rng.uniform(0.0, 1.0))
    start = rng.uniform(0.0, 1.0, (N, 2))
    at_entry = rng.uniform(0.0, 1.0, (N, 2))

    ref, ref_entry = start.copy(), at_entry.copy()
    target = satisfaction.satisfaction_target(**args)
    satisfaction.update_satisfaction(ref, target, known, rate)
    for d in range(2):
        if k == entry[d]:
            ref_entry[:, d] = ref[:, d]

    fast, fast_entry = start.copy(), at_entry.copy()
    fused.satisfaction_month(
        k,
        *args.values(),
        satisfaction.TRANSFORMATION_WEIGHT,
        known,
        rate,
        entry,
        fast,
        fast_entry,
    )
    assert _bits(fast) == _bits(ref)
    assert _bits(fast_entry) == _bits(ref_entry)
    assert known.any() == (not np.array_equal(fast, start))  # moved where a task is known
