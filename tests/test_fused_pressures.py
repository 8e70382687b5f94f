"""The compiled attention, budget, incidents and cooperation (`model.fused.pressures`) equal the
numpy mechanisms to the bit, call for call, on random inputs.

The reference is the numpy path of `model.schedule` (`_attention`, `_budget`, `_cooperation`)
written out on plain arrays: `strategy.strategy_agenda`, `urgency.attention_drive`,
`urgency.update_attention`, `budget.budget_target`, `budget.update_budget_pressure`,
`transition.specialist_factor`, `budget.draw_incidents`, `budget.update_incident_pressure` and
`cooperation.form_regional_cooperation`. Inputs include the edges (0, 1, -0.0, values out of
range) where numpy's ``minimum``/``maximum``/``clip`` decide ties and signs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.agents.secretary import ROLE_COOPERATION
from govsim.model import GovernanceModel
from govsim.model.fused import pressures as fused
from govsim.model.mechanisms import budget, cooperation, strategy, transition, urgency
from govsim.model.ufuncs import clip

SEEDS = st.integers(0, 2**32 - 1)
SIZES = st.integers(1, 40)
SETTINGS = settings(max_examples=60, deadline=None)


def _bits(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a).tobytes()


def _edgy(rng: np.random.Generator, shape: Any, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """Uniform values with some set to the bounds, to -0.0 and just out of range."""
    a = rng.uniform(low, high, shape)
    pick = rng.random(shape)
    a[pick < 0.08] = low
    a[(pick >= 0.08) & (pick < 0.16)] = high
    a[(pick >= 0.16) & (pick < 0.2)] = -0.0
    a[(pick >= 0.2) & (pick < 0.24)] = high + 0.25
    a[(pick >= 0.24) & (pick < 0.27)] = low - 0.1
    return a


# --------------------------------------------------------------------------------- the helpers
def test_min_max_and_clip_follow_numpy_on_ties_signs_and_nan():
    special = np.array([-0.0, 0.0, 1.0, -1.0, 0.5, 2.0, np.nan, np.inf, -np.inf])
    a, b = (x.ravel() for x in np.meshgrid(special, special))
    for ours, theirs in ((fused._maximum, np.maximum), (fused._minimum, np.minimum)):
        got = np.array([ours(x, y) for x, y in zip(a.tolist(), b.tolist(), strict=True)])
        assert _bits(got) == _bits(theirs(a, b))
    got = np.array([fused._clip(x, 0.0, 1.0) for x in special.tolist()])
    assert _bits(got) == _bits(clip(special, 0.0, 1.0))


# ------------------------------------------------------------------------------- the attention
def _attention_inputs(seed: int, m: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {
        "strategy": rng.integers(0, 3, (m, 2)).astype(np.int8),
        "known": rng.random(2) < 0.75,
        "urgency": _edgy(rng, 2),
        "coach": _edgy(rng, m),
        "college_attention": _edgy(rng, (m, 2)),
        "college_engagement": _edgy(rng, m),
        "council_attention": _edgy(rng, (m, 2)),
        "council_engagement": _edgy(rng, m),
        "incident_pressure": _edgy(rng, (m, 2), 0.0, 3.0),
        "risk_aversion": _edgy(rng, m),
        "params": {
            "attention_renewal": float(rng.uniform(0.0, 1.0)),
            "attention_decay": float(rng.uniform(0.0, 1.0)),
        },
    }


def _attention_reference(x: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """`model.schedule._attention`'s numpy path."""
    agenda = strategy.strategy_agenda(x["strategy"], x["known"])
    coach = x["coach"]
    drives = (
        urgency.attention_drive(x["urgency"], agenda, coach, x["known"]),
        urgency.attention_drive(
            x["urgency"], agenda, urgency.COACHED_COUNCIL_SHARE * coach, x["known"]
        ),
    )
    out = (x["college_attention"].copy(), x["council_attention"].copy())
    engagement = (x["college_engagement"], x["council_engagement"])
    for attention, eng, drive in zip(out, engagement, drives, strict=True):
        urgency.update_attention(
            attention, eng, drive, x["incident_pressure"], x["risk_aversion"], x["params"]
        )
    return out


@SETTINGS
@given(seed=SEEDS, m=SIZES)
def test_attention_equals_the_reference(seed, m):
    x = _attention_inputs(seed, m)
    college, council = x["college_attention"].copy(), x["council_attention"].copy()
    fused.attention_month(
        x["strategy"],
        x["known"],
        x["urgency"],
        x["coach"],
        college,
        x["college_engagement"],
        council,
        x["council_engagement"],
        x["incident_pressure"],
        x["risk_aversion"],
        x["params"]["attention_renewal"],
        x["params"]["attention_decay"],
    )
    ref_college, ref_council = _attention_reference(x)
    assert _bits(college) == _bits(ref_college)
    assert _bits(council) == _bits(ref_council)


def test_attention_moves():
    x = _attention_inputs(3, 40)
    x["known"][:] = True
    before = x["college_attention"].copy(), x["council_attention"].copy()
    ref = _attention_reference(x)
    assert not np.array_equal(ref[0], before[0]) and not np.array_equal(ref[1], before[1])
    assert not np.array_equal(ref[0], ref[1])


# ---------------------------------------------------------------------- the budget and incidents
def _budget_inputs(seed: int, m: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(0, 205))
    wide = _edgy(rng, (m, 5))  # specialists are a strided (M, 2) view in the model
    return {
        "k": k,
        "entry": rng.integers(max(k - 80, 0), k + 40, 2),
        "completion": rng.integers(max(k - 80, 0), k + 80, 2),
        "known": rng.random(2) < 0.75,
        "in_force": rng.random(2) < 0.75,
        "budget": _edgy(rng, (m, 2)),
        "sensitivity": _edgy(rng, m, 0.0, 2.0),
        "transformation": _edgy(rng, (m, 2)),
        "shocks": rng.uniform(-0.2, 0.3, 2) * (rng.random(2) < 0.5),
        "data_driven": _edgy(rng, m),
        "specialists": wide[:, 1:4:2],
        "transition": np.minimum(_edgy(rng, (m, 2)), 1.0),  # rates stay >= 0
        "population": rng.uniform(1e3, 9e5, m),
        "pressure": _edgy(rng, (m, 2), 0.0, 3.0),
        "total": rng.integers(0, 50, 2).astype(np.float64),
        "params": {
            "deficit_growth_per_year": float(rng.uniform(0.0, 1.5)),
            "social_budget_cut": float(rng.uniform(0.0, 0.3)),
            "physical_implementation_cost": float(rng.uniform(0.0, 0.3)),
            "incident_rate": float(rng.uniform(0.0, 3.0)),
            "physical_risk_weight": float(rng.uniform(0.0, 1.0)),
        },
        "seed": seed,
    }


def _budget_reference(x: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """`model.schedule._budget`'s numpy path."""
    p, k = x["params"], x["k"]
    b, pressure, total = x["budget"].copy(), x["pressure"].copy(), x["total"].copy()
    target = budget.budget_target(
        (k - x["entry"]).astype(np.float64),
        x["known"],
        k <= x["completion"],
        x["transformation"],
        x["shocks"],
        p,
        x["data_driven"],
    )
    budget.update_budget_pressure(b, target, x["sensitivity"])
    gap = (1.0 - transition.specialist_factor(x["specialists"])) / (
        1.0 - transition.SPECIALIST_FLOOR
    )
    incidents = budget.draw_incidents(
        x["transition"],
        x["in_force"],
        x["population"],
        p,
        np.random.default_rng(x["seed"]),
        gap,
    )
    budget.update_incident_pressure(pressure, incidents, p["physical_risk_weight"])
    total += incidents.sum(axis=0)
    return b, pressure, total, incidents


def _budget_fused(x: dict[str, Any]) -> tuple[np.ndarray, ...]:
    """`model.schedule._budget`'s numba path."""
    p, k = x["params"], x["k"]
    b, pressure, total = x["budget"].copy(), x["pressure"].copy(), x["total"].copy()
    social_months = k - int(x["entry"][0])
    physical_open = bool(x["known"][1]) and k <= int(x["completion"][1])
    rates = fused.budget_month(
        b,
        x["sensitivity"],
        x["transformation"],
        x["data_driven"],
        x["known"],
        x["shocks"],
        p["social_budget_cut"],
        fused.social_deficit(social_months, p["deficit_growth_per_year"]),
        social_months >= 0,
        p["physical_implementation_cost"] if physical_open else 0.0,
        x["specialists"],
        x["transition"],
        x["population"],
        x["in_force"],
        p["incident_rate"],
    )
    incidents = np.random.default_rng(x["seed"]).poisson(rates)
    fused.incident_month(pressure, incidents, p["physical_risk_weight"], total)
    return b, pressure, total, incidents.astype(np.float64)


@SETTINGS
@given(seed=SEEDS, m=SIZES)
def test_budget_and_incidents_equal_the_reference(seed, m):
    x = _budget_inputs(seed, m)
    assert not x["specialists"].flags.c_contiguous
    for got, ref in zip(_budget_fused(x), _budget_reference(x), strict=True):
        assert _bits(got) == _bits(ref)


def test_budget_and_incidents_move():
    x = _budget_inputs(11, 40)
    x["known"][:], x["in_force"][:] = True, True
    x["k"], x["entry"][:] = 100, 40
    b, pressure, total, incidents = _budget_reference(x)
    assert not np.array_equal(b, x["budget"]) and incidents.sum() > 0
    assert not np.array_equal(pressure, x["pressure"]) and (total > x["total"]).any()


def test_the_deficit_is_numpys_exp():
    for months in (-5, 0, 1, 7, 12, 150):
        years = np.maximum(np.array([months, 3], dtype=np.float64), 0.0) / 12.0
        ref = budget.MAX_DEFICIT * (1.0 - np.exp(-0.37 * years[0]))
        assert _bits(np.float64(fused.social_deficit(months, 0.37))) == _bits(ref)


# ----------------------------------------------------------------------------- the cooperation
def _cooperation_inputs(seed: int, m: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n_youth, n_od = int(rng.integers(1, 8)), int(rng.integers(1, 8))
    return {
        "cooperation": _edgy(rng, (m, 2)),
        "urgency": _edgy(rng, 2),
        "capacity": _edgy(rng, m),
        "role": rng.integers(0, len(ROLE_COOPERATION), m).astype(np.int8),
        # more regions than used ones: empty regions divide by max(size, 1)
        "youth": (rng.integers(0, n_youth, m), n_youth + int(rng.integers(0, 2))),
        "od": (rng.integers(0, n_od, m), n_od + int(rng.integers(0, 2))),
        "floor": rng.uniform(0.0, 0.6, 2) * (rng.random(2) < 0.5),
        "params": {
            "cooperation_formation": float(rng.uniform(0.0, 1.0)),
            "cooperation_decay": float(rng.uniform(0.0, 1.0)),
            "regional_coupling": float(rng.uniform(0.0, 1.0)),
        },
    }


def _cooperation_reference(x: dict[str, Any]) -> np.ndarray:
    """`model.schedule._cooperation`'s numpy path."""
    c = x["cooperation"].copy()
    cooperation.form_regional_cooperation(
        c,
        x["urgency"],
        x["capacity"],
        np.asarray(ROLE_COOPERATION)[x["role"]],
        (x["youth"], x["od"]),
        x["floor"],
        x["params"],
    )
    return c


def _cooperation_fused(x: dict[str, Any]) -> np.ndarray:
    c = x["cooperation"].copy()
    p = x["params"]
    fused.cooperation_month(
        c,
        x["urgency"],
        x["capacity"],
        x["role"],
        *x["youth"],
        *x["od"],
        x["floor"],
        p["cooperation_formation"],
        p["cooperation_decay"],
        p["regional_coupling"],
    )
    return c


@SETTINGS
@given(seed=SEEDS, m=SIZES)
def test_cooperation_equals_the_reference(seed, m):
    x = _cooperation_inputs(seed, m)
    assert _bits(_cooperation_fused(x)) == _bits(_cooperation_reference(x))


def test_cooperation_moves_and_couples_regions():
    x = _cooperation_inputs(5, 40)
    ref = _cooperation_reference(x)
    assert not np.array_equal(ref, x["cooperation"])
    uncoupled = dict(x, params=dict(x["params"], regional_coupling=0.0))
    assert not np.array_equal(_cooperation_fused(uncoupled), ref)


# ------------------------------------------------------------------------------ a whole run
@pytest.mark.parametrize("levers", [None, {"where": "all", "coach_college": 1.0}])
def test_college_and_council_arrays_are_the_same_after_a_run(levers):
    """The colleges' and councils' arrays are outside the run's fingerprint: compare them here."""
    rule = [] if levers is None else [levers]
    runs = [
        GovernanceModel(rng=9, municipalities=["Utrecht"], backend=b, strategy=rule).run()
        for b in ("numba", "numpy")
    ]
    for part in ("colleges", "councils"):
        fast, ref = (getattr(m, part) for m in runs)
        for name, values in vars(fast).items():
            assert _bits(values) == _bits(getattr(ref, name)), f"{part}.{name}"
    assert runs[0].colleges.incident_pressure.any()
    assert _bits(runs[0].state.incidents_total) == _bits(runs[1].state.incidents_total)
