"""The compiled strategy review (`model.fused.strategy`) equals the numpy reference to the bit.

`model.schedule._strategy` runs `model.mechanisms.strategy` (``backend="numpy"``) or the fused
kernel (``backend="numba"``). These tests run both on the same random inputs, call for call,
and compare the readiness, the strategy, the change counts and the event log exactly; and they
replay every month of a real run through both paths.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from govsim.model import GovernanceModel, governance_model, schedule
from govsim.model.fused import strategy as fused
from govsim.model.mechanisms import cooperation
from govsim.model.mechanisms import strategy as mech

STEPS = 40


class _Levers:
    def __init__(self, values: dict[str, np.ndarray], strategy: np.ndarray) -> None:
        self.values, self.strategy = values, strategy

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]


class _Model(SimpleNamespace):
    def log_event(self, municipality: int, kind: str, **fields) -> None:
        self.events.append({"municipality": municipality, "kind": kind, **fields})


def _fake_model(
    seed: int, k: int, january: bool, share_new: float, share_fixed: float
) -> tuple[_Model, schedule.Month]:
    """Random inputs of `_strategy` for ``n`` municipalities in a few regions."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    postponements = np.cumsum(rng.random((STEPS + 1, 2)) < 0.1, axis=0).astype(np.int64)
    known_step = rng.integers(0, STEPS, 2).astype(np.int64)
    ct = SimpleNamespace(
        postponements=postponements,
        election=rng.random(STEPS + 1) < 0.2,
        known_step=known_step,
        completion_step=(known_step + rng.integers(0, STEPS, 2)).astype(np.int64),
    )
    n_youth, n_od = int(rng.integers(1, 8)), int(rng.integers(1, 8))
    youth = rng.integers(0, n_youth, n).astype(np.int64)
    od = rng.integers(0, n_od, n).astype(np.int64)
    state = SimpleNamespace(
        capacity=rng.random(n),
        cooperation=rng.random((n, 2)),
        clarity=rng.random(2),
        urgency=rng.random(2),
        experience=(rng.random(n) < 0.3).astype(np.float64),
        transformation=rng.random((n, 2)) * (rng.random((n, 1)) < 0.5),
        strategy=rng.integers(0, 3, (n, 2)).astype(np.int8),
        readiness=rng.random((n, 2)),
        strategy_changes=rng.integers(0, 5, (2, 3, 3)).astype(np.int64),
    )
    fixed = np.where(rng.random((n, 2)) < share_fixed, rng.integers(0, 3, (n, 2)), -1).astype(
        np.int8
    )
    levers = _Levers({"dso_lobby": rng.random(n), "start_early": rng.random(n)}, fixed)
    model = _Model(
        backend="numpy",
        state=state,
        compiled=ct,
        params={
            "pooling_gain": float(rng.random()),
            "wait_threshold": float(rng.uniform(0.2, 0.7)),
            "front_run_threshold": float(rng.uniform(0.4, 0.9)),
        },
        calendar=SimpleNamespace(date_of=lambda _k: dt.date(2020, 1 if january else 6, 1)),
        municipalities=SimpleNamespace(
            region_of=lambda d: (youth, n_youth) if d == 0 else (od, n_od)
        ),
        secretaries=SimpleNamespace(
            role=rng.integers(0, 4, n).astype(np.int8), regisseur=rng.random(n) < 0.5
        ),
        colleges=SimpleNamespace(attention=rng.random((n, 2))),
        levers=levers,
        events=[],
    )
    month = schedule.Month(
        k=k,
        known=k >= known_step,
        in_force=np.zeros(2, dtype=bool),
        new_secretary=rng.random(n) < share_new,
    )
    return model, month


def _both(model: _Model, month: schedule.Month) -> tuple[_Model, _Model]:
    runs = []
    for backend in ("numba", "numpy"):
        m = copy.deepcopy(model)
        m.backend = backend
        schedule._strategy(m, month)
        runs.append(m)
    return runs[0], runs[1]


def _assert_same(fast: _Model, ref: _Model) -> None:
    for name in ("strategy", "readiness", "strategy_changes"):
        a, b = getattr(fast.state, name), getattr(ref.state, name)
        assert a.dtype == b.dtype and a.shape == b.shape, name
        assert a.tobytes() == b.tobytes(), name
    assert fast.events == ref.events


@settings(max_examples=300, deadline=None)
@given(
    seed=hst.integers(0, 2**32 - 1),
    k=hst.integers(1, STEPS),
    january=hst.booleans(),
    share_new=hst.sampled_from([0.0, 0.1, 0.5]),
    share_fixed=hst.sampled_from([0.0, 0.0, 0.2]),
)
def test_the_fused_review_equals_the_mechanisms(seed, k, january, share_new, share_fixed):
    model, month = _fake_model(seed, k, january, share_new, share_fixed)
    fast, ref = _both(model, month)
    _assert_same(fast, ref)


def test_the_random_reviews_change_strategies_with_every_cause():
    """The comparison above is not between untouched arrays: reviews happen, for every cause."""
    causes: set[str] = set()
    moved = 0
    for seed in range(300):
        model, month = _fake_model(seed, 1 + seed % STEPS, seed % 3 == 0, 0.3, 0.1 * (seed % 2))
        fast, ref = _both(model, month)
        _assert_same(fast, ref)
        moved += not np.array_equal(fast.state.readiness, model.state.readiness)
        causes |= {e["cause"] for e in fast.events}
    assert causes == set(fused.CAUSES)
    assert moved > 100


def test_nothing_due_leaves_everything_as_it_was():
    model, month = _fake_model(11, 5, False, 0.0, 0.0)
    month.known[:] = False
    model.compiled.known_step[:] = STEPS + 1
    fast, ref = _both(model, month)
    _assert_same(fast, ref)
    assert fast.state.readiness.tobytes() == model.state.readiness.tobytes()
    assert fast.state.strategy.tobytes() == model.state.strategy.tobytes()
    assert fast.events == []


def test_the_readiness_is_the_mechanisms_readiness():
    """Where everyone reviews, the kernel's readiness is `readiness_to_act` of the inputs."""
    model, month = _fake_model(3, 10, True, 1.0, 0.0)
    model.compiled.known_step[:] = 1
    model.compiled.completion_step[:] = STEPS + 5
    month.known[:] = True
    st, p, lev = model.state, model.params, model.levers
    regions = tuple(model.municipalities.region_of(d) for d in (0, 1))
    expected = mech.readiness_to_act(
        model.secretaries.role,
        model.secretaries.regisseur,
        model.colleges.attention,
        st.capacity[:, None] + p["pooling_gain"] * st.cooperation * (1.0 - st.capacity[:, None]),
        mech.municipal_clarity(st.clarity, lev["dso_lobby"]),
        st.urgency,
        mech.neighbours_acting(st.strategy, regions),
        np.maximum(st.experience, st.transformation[:, 0]),
    )
    fast, _ = _both(model, month)
    assert fast.state.readiness.tobytes() == expected.tobytes()
    # the regional share the kernel divides equals `cooperation.region_mean`'s
    for d, (region, n_regions) in enumerate(regions):
        share = fused.region_share_acting(model.state.strategy, d, region, n_regions)
        acting = (model.state.strategy[:, d] != mech.WAIT).astype(np.float64)
        assert (
            share[region].tobytes() == cooperation.region_mean(acting, region, n_regions).tobytes()
        )


def test_every_month_of_a_run_reviews_the_same_on_both_paths(monkeypatch):
    """Replay `_strategy` of a numpy run through the fused path, month by month."""
    model = GovernanceModel(rng=4, municipalities=["Utrecht"], backend="numpy")
    checked = {"ran": 0, "events": 0}
    reference = schedule._strategy

    def both(m: GovernanceModel, month: schedule.Month) -> None:
        st = m.state
        before = (st.strategy, st.readiness, st.strategy_changes.copy(), len(m.events))
        m.backend = "numba"
        reference(m, month)
        fast = (st.strategy, st.readiness, st.strategy_changes.copy(), m.events[before[3] :])
        st.strategy, st.readiness = before[0], before[1]
        st.strategy_changes[...] = before[2]
        del m.events[before[3] :]
        m.backend = "numpy"
        reference(m, month)
        assert fast[0].tobytes() == st.strategy.tobytes()
        assert fast[1].tobytes() == st.readiness.tobytes()
        assert np.array_equal(fast[2], st.strategy_changes)
        assert fast[3] == m.events[before[3] :]
        checked["ran"] += fast[1] is not before[1]
        checked["events"] += len(fast[3])

    month_plan = tuple(
        dataclasses.replace(s, run=both) if s.run is reference else s for s in schedule.MONTH
    )
    monkeypatch.setattr(governance_model, "MONTH", month_plan)
    model.run()
    assert checked["ran"] > 20 and checked["events"] > 20


@pytest.fixture(scope="module")
def compiled_timeline():
    """The national timeline compiled on the default calendar (postponements, DSO and all)."""
    return GovernanceModel(rng=0, municipalities=["Utrecht"], backend="numpy").compiled


@settings(max_examples=40, deadline=None)
@given(
    values=hst.fixed_dictionaries(
        {
            "urgency_horizon_months": hst.floats(3.0, 120.0),
            "postponement_credibility_loss": hst.floats(0.0, 0.9),
            "post_entry_urgency": hst.floats(0.0, 1.0),
            "post_entry_half_life_months": hst.floats(3.0, 240.0),
            "dso_uncertainty_weight": hst.floats(0.0, 1.0),
        }
    )
)
def test_the_fused_urgency_equals_the_mechanisms_every_month(compiled_timeline, values):
    ct = compiled_timeline
    seen = set()
    for k in range(1, len(ct.election)):
        runs = []
        for backend in ("numba", "numpy"):
            model = SimpleNamespace(
                backend=backend, state=SimpleNamespace(), compiled=ct, params=values
            )
            schedule._urgency(model, schedule.Month(k, ct.known[k], None, None))
            runs.append(model.state)
        fast, ref = runs
        for name in ("credibility", "urgency", "clarity"):
            a, b = getattr(fast, name), getattr(ref, name)
            assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), (k, name)
        assert fast.dso_availability == ref.dso_availability
        seen.add(tuple(fast.urgency.round(3)))
    assert len(seen) > 50  # the urgency moves over the run
