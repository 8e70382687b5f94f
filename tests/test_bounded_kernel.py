"""The bounded perturbation kernel of the ABC (`experiments.calibration.kernels`)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, stats

from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration.kernels import BoundedNormalTransition
from govsim.experiments.calibration.priors import PRIORS, pyabc_prior


def _fitted(centres, weights=None, low=0.0, high=1.0, scaling=8.0) -> BoundedNormalTransition:
    kernel = BoundedNormalTransition(low, high, 0.5, scaling)
    centres = np.asarray(centres, dtype=float)
    w = np.ones(len(centres)) if weights is None else np.asarray(weights, dtype=float)
    kernel.fit(pd.DataFrame({"x": centres}), w / w.sum())
    return kernel


@given(
    centres=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=12).filter(
        lambda c: max(c) - min(c) > 0.01  # a spread population (one value: the next test)
    ),
    scaling=st.floats(0.5, 16.0),
)
def test_the_density_integrates_to_one_over_the_range_and_is_zero_outside(centres, scaling):
    kernel = _fitted(centres, scaling=scaling)
    points = np.sort(np.unique(np.concatenate([[0.0, 1.0], kernel.centres])))
    total = sum(
        integrate.quad(lambda v: kernel.pdf({"x": v}), a, b, limit=200)[0]
        for a, b in itertools.pairwise(points)
    )
    assert total == pytest.approx(1.0, abs=1e-4)
    assert kernel.pdf({"x": -1e-9}) == 0.0 and kernel.pdf({"x": 1.0 + 1e-9}) == 0.0


def test_a_population_of_one_value_proposes_that_value():
    np.random.seed(1)  # noqa: NPY002
    kernel = _fitted([0.0, 0.0, 0.0])
    assert kernel.sd == pytest.approx(1e-9)
    draws = [kernel.rvs_single()["x"] for _ in range(50)]
    assert max(draws) < 1e-8 and min(draws) >= 0.0
    assert kernel.pdf({"x": 0.0}) > 1e8 and kernel.pdf({"x": 0.5}) == 0.0


def test_draws_stay_inside_and_follow_the_density():
    np.random.seed(3)  # noqa: NPY002 - the kernel draws from pyabc's global stream
    kernel = _fitted([0.02, 0.05, 0.9, 0.97, 1.0], weights=[5, 1, 1, 1, 2], scaling=8.0)
    draws = np.array([kernel.rvs_single()["x"] for _ in range(4000)])
    assert draws.min() >= 0.0 and draws.max() <= 1.0
    grid = np.linspace(0.0, 1.0, 2001)
    density = np.array([kernel.pdf({"x": v}) for v in grid])
    cdf = np.concatenate([[0.0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(grid))])

    def model_cdf(v):
        return np.interp(v, grid, cdf / cdf[-1])

    assert stats.kstest(draws, model_cdf).pvalue > 0.01
    # a DataFrame is scored row by row, like pyabc's kernels
    frame = pd.DataFrame({"x": [0.1, 0.5, 2.0]})
    np.testing.assert_allclose(
        kernel.pdf(frame), [kernel.pdf({"x": 0.1}), kernel.pdf({"x": 0.5}), 0.0]
    )


def test_a_collapsed_population_no_longer_proposes_outside_the_priors():
    """The stall of docs/calibration.md §12: 15 parameters, weights on one particle, at a bound.

    pyabc's unbounded kernel put a few proposals in a thousand inside all 15 priors; this one
    puts every proposal inside.
    """
    np.random.seed(5)  # noqa: NPY002
    rng = np.random.default_rng(5)
    n = 150
    frame = pd.DataFrame(
        {
            p.name: np.where(rng.uniform(size=n) < 0.5, p.high, rng.uniform(p.low, p.high, n))
            for p in PRIORS
        }
    )
    weights = np.full(n, 1e-3)
    weights[0] = 1.0
    kernel = cal.make_transition("marginal", PRIORS, scaling=8.0)
    kernel.fit(frame, weights / weights.sum())
    prior = pyabc_prior()
    proposals = [kernel.rvs() for _ in range(300)]
    assert all(prior.pdf(x) > 0 for x in proposals)
    assert all(kernel.pdf(x) > 0 for x in proposals)


def test_a_range_must_have_width():
    with pytest.raises(ValueError, match="high > low"):
        BoundedNormalTransition(1.0, 1.0)
    with pytest.raises(ValueError, match="one parameter per kernel"):
        BoundedNormalTransition(0.0, 1.0).fit(pd.DataFrame({"a": [0.1], "b": [0.2]}), np.ones(1))
