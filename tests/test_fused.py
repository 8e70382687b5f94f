"""The compiled month (``backend="numba"``) equals the numpy reference to the bit, levers and all.

`model.kernels` and `model.fused` replace the numeric core of the month's sub-steps by compiled
loops (issue 15); the mechanisms' numpy expressions stay the reference (``backend="numpy"``).
These tests run both backends under conditions that reach every branch of the fused code (the
secretary's levers at their ends and in between, fixed strategies, a dated rule, parameters at
their bounds, the whole country) and compare the complete state, the random streams, the
national series and the event log.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsim.model import GovernanceModel
from govsim.model.parameters import PARAMETERS
from govsim.model.persistence import fingerprint

NUMERIC = ("transformation_first", "link_organisation_change", "data_driven", "start_early")
NUMERIC += ("integrality", "coach_college", "use_elections", "dso_lobby")

LEVER_MIX = [
    {"where": "all", "coach_college": 0.9, "dso_lobby": 1.0, "integrality": 1.0},
    {"where": "Utrecht", "role": "changer", "stance": "regisseur", "transformation_first": 1.0},
    {"where": "Amersfoort", "physical_strategy": "wait", "social_strategy": "front_run"},
    {"where": "Zeist", "data_driven": 1.0, "start_early": 1.0, "link_organisation_change": 1.0},
    {"where": "all", "use_elections": 0.7, "start": "2018-03"},
    {"where": "Houten", "stance": "coach", "role": "advocate", "start": "2016-05"},
]
"""Levers that differ between municipalities and change during the run (province Utrecht)."""


def _pair(**kwargs) -> tuple[GovernanceModel, GovernanceModel]:
    runs = tuple(GovernanceModel(backend=b, **kwargs) for b in ("numba", "numpy"))
    for m in runs:
        m.run()
    return runs


def _assert_same(fast: GovernanceModel, ref: GovernanceModel) -> None:
    assert fingerprint(fast) == fingerprint(ref)
    pd.testing.assert_frame_equal(fast.national_series(), ref.national_series(), check_exact=True)
    pd.testing.assert_frame_equal(fast.event_log(), ref.event_log(), check_exact=True)


def test_the_national_run_is_the_same_on_both_backends():
    fast, ref = _pair(rng=20130101)
    _assert_same(fast, ref)
    # the run reached the states the fused code handles: both domains known, strategies chosen
    last = fast.national_series().iloc[-1]
    assert last["transition_social"] > 0.5 and last["transition_physical"] > 0.1
    assert len(fast.event_log()) > 1000


def test_levers_that_differ_and_change_during_the_run_give_the_same_run():
    fast, ref = _pair(rng=7, municipalities=["Utrecht"], strategy=LEVER_MIX)
    _assert_same(fast, ref)


@pytest.mark.parametrize("end", ["low", "high"])
def test_every_parameter_at_one_end_of_its_range_gives_the_same_run(end):
    values = {
        p.name: getattr(p, end)
        for p in PARAMETERS.values()
        if isinstance(p.default, float) and p.name not in NUMERIC and p.low is not None
    }
    fast, ref = _pair(rng=3, municipalities=["Zeeland"], **values)
    _assert_same(fast, ref)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    levers=st.fixed_dictionaries({name: st.floats(0.0, 1.0) for name in NUMERIC}),
)
def test_any_levers_give_the_same_run(seed, levers):
    fast, ref = _pair(rng=seed, municipalities=["Flevoland"], strategy=[{"where": "all", **levers}])
    _assert_same(fast, ref)
