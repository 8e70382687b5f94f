"""The compiled indicators (`model.fused.indicators`) equal `compute_indicators`' numpy path.

Sums are where compiled code usually drifts from numpy in the last bits; `pairwise_sum` takes
numpy's pairwise order, and the whole indicator row is compared exactly on model states of
several months (before and after each domain's task is known, with participation and changes
of the dominant mode), on a subset where a size class is empty, and on arrays hypothesis draws.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from govsim.model import GovernanceModel
from govsim.model.fused.indicators import pairwise_sum
from govsim.model.indicators import INDICATOR_NAMES, compute_indicators


def _both(model: GovernanceModel) -> tuple[dict[str, float], dict[str, float]]:
    results = []
    for backend in ("numba", "numpy"):
        model.backend = backend
        results.append(compute_indicators(model))
    return results[0], results[1]


@pytest.fixture(scope="module")
def national() -> GovernanceModel:
    return GovernanceModel(rng=4, backend="numpy", collect=False)


@pytest.mark.parametrize("month", ["2013-01", "2014-07", "2017-08", "2021-06", "2029-12"])
def test_every_indicator_is_the_same_to_the_bit(national, month):
    national.backend = "numpy"
    national.run(month)
    fast, ref = _both(national)
    assert list(fast) == INDICATOR_NAMES == list(ref)
    assert fast == ref  # exact float equality, value by value
    if month >= "2017-08":  # states where the branches matter: known domains, participation
        assert fast["on_schedule_physical"] > 0 and fast["participation_social"] > 0
        assert fast["strategy_social_prepare"] + fast["strategy_social_front_run"] > 0


def test_a_subset_without_some_size_classes_gives_the_same_row():
    model = GovernanceModel(rng=2, backend="numpy", municipalities=["Flevoland"], collect=False)
    model.run("2019-01")
    fast, ref = _both(model)
    assert list(fast) == list(ref)
    # the same bytes, NaN included (NaN != NaN, so not compared value by value)
    assert np.array(list(fast.values())).tobytes() == np.array(list(ref.values())).tobytes()
    empty = [k for k, v in ref.items() if k.startswith("transition_social_lt10k")]
    assert empty and all(np.isnan(ref[k]) for k in empty)  # Flevoland has no municipality < 10k


@settings(max_examples=200, deadline=None)
@given(
    arrays(
        np.float64,
        st.integers(0, 4000),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False),
    )
)
def test_pairwise_sum_is_numpys_sum(values):
    assert pairwise_sum(values) == np.add.reduce(values)


def test_pairwise_sum_differs_from_a_plain_loop_where_numpy_does():
    # without numpy's order the sum of these values would come out different
    values = np.random.default_rng(0).random(1000) * 1e3
    plain = 0.0
    for v in values:
        plain += v
    assert plain != np.add.reduce(values)
    assert pairwise_sum(values) == np.add.reduce(values)
