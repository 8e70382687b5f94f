"""The compiled kernels give the reference numbers, and a run that collects less ends the same.

`model.kernels` promises bit-identical results to the numpy expressions of the mechanisms
(issue 15: "test that both give the same numbers"); these tests compare whole runs, not only
single calls, so a kernel that drifts in any month shows.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.model import GovernanceModel, kernels
from govsim.model.fused.indicators import group_quantiles
from govsim.model.indicators import _QUANTILE_LEVELS, _quantiles
from govsim.model.parameters import ParameterError


def _arrays(obj: object) -> dict[str, np.ndarray]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


@pytest.fixture(scope="module")
def both_backends(run_province) -> dict[str, GovernanceModel]:
    """One province run (26 municipalities, 2013-2029, seed 5) per backend."""
    return {b: run_province(5, backend=b) for b in kernels.BACKENDS}


def test_numba_is_the_default(monkeypatch):
    monkeypatch.delenv("GOVSIM_BACKEND", raising=False)
    assert GovernanceModel(rng=1, municipalities=["Utrecht"]).backend == "numba"


def test_both_backends_give_bit_identical_series(both_backends):
    fast, ref = both_backends["numba"], both_backends["numpy"]
    assert fast.backend == "numba" and ref.backend == "numpy"
    series = fast.national_series()
    assert len(series) == 204
    pd.testing.assert_frame_equal(series, ref.national_series(), check_exact=True)
    pd.testing.assert_frame_equal(fast.snapshot(), ref.snapshot(), check_exact=True)
    pd.testing.assert_frame_equal(fast.event_log(), ref.event_log(), check_exact=True)


@pytest.mark.parametrize("population", ["staff", "citizens"])
def test_both_backends_leave_identical_agent_arrays(both_backends, population):
    fast = _arrays(getattr(both_backends["numba"], population))
    ref = _arrays(getattr(both_backends["numpy"], population))
    for name, values in fast.items():
        np.testing.assert_array_equal(values, ref[name], err_msg=f"{population}.{name}")
    # the run did something to them: not a comparison of two untouched arrays
    if population == "staff":
        assert fast["adopted"].mean() > 0.05 and (fast["adoptions"] > 1).any()
    else:
        assert fast["initiatives"].sum() > 0 and fast["fatigue"].max() > 0


def test_the_backends_draw_the_same_random_numbers(both_backends):
    states = [m.streams["staff"].bit_generator.state for m in both_backends.values()]
    assert states[0] == states[1]
    states = [m.streams["citizens"].bit_generator.state for m in both_backends.values()]
    assert states[0] == states[1]


@given(
    values=st.lists(st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3), min_size=1, max_size=40),
    n_groups=st.integers(1, 5),
    data=st.data(),
)
def test_group_quantiles_equal_the_reference(values, n_groups, data):
    v = np.array(values)
    group = np.array(
        data.draw(st.lists(st.integers(0, n_groups - 1), min_size=len(v), max_size=len(v))),
        dtype=np.int64,
    )
    ref = np.stack(_quantiles(v, group, n_groups))
    out = np.empty_like(ref)
    group_quantiles(v, group, n_groups, _QUANTILE_LEVELS, out)
    np.testing.assert_array_equal(out, ref)
    # and both are np.quantile's numbers, nationally and per (non-empty) group
    np.testing.assert_allclose(out[0], np.quantile(v, _QUANTILE_LEVELS, axis=0), atol=1e-12)
    for g in range(n_groups):
        rows = v[group == g]
        expected = np.quantile(rows, _QUANTILE_LEVELS, axis=0) if len(rows) else np.nan
        np.testing.assert_allclose(out[g + 1], expected, atol=1e-12)


def test_replacing_secretaries_at_once_draws_what_one_by_one_draws():
    rows = np.array([0, 3, 4, 11, 20])
    batch = GovernanceModel(rng=8, municipalities=["Utrecht"])
    single = GovernanceModel(rng=8, municipalities=["Utrecht"])
    batch.secretaries.replace(
        rows, np.random.default_rng(1), batch.params, batch.levers.role, batch.levers.regisseur, 7
    )
    rng = np.random.default_rng(1)
    for row in rows:
        single.secretaries.replace(
            np.array([row]), rng, single.params, single.levers.role, single.levers.regisseur, 7
        )
    a, b = _arrays(batch.secretaries), _arrays(single.secretaries)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert (batch.secretaries.appointed_step[rows] == 7).all()
    untouched = np.setdiff1d(np.arange(batch.municipalities.n), rows)
    assert (batch.secretaries.appointed_step[untouched] != 7).all()


def test_an_unknown_backend_is_refused_by_name():
    with pytest.raises(ParameterError, match="backend must be one of numba, numpy; got 'cuda'"):
        GovernanceModel(rng=1, municipalities=["Utrecht"], backend="cuda")


def test_the_environment_chooses_the_default_backend(monkeypatch):
    monkeypatch.setenv("GOVSIM_BACKEND", "numpy")
    assert GovernanceModel(rng=1, municipalities=["Utrecht"]).backend == "numpy"
    monkeypatch.setenv("GOVSIM_BACKEND", "numba")
    assert kernels.default_backend() == "numba"
    monkeypatch.setenv("GOVSIM_BACKEND", "fortran")  # not a backend: the default stays
    assert kernels.default_backend() == "numba"
    monkeypatch.delenv("GOVSIM_BACKEND")
    assert kernels.default_backend() == "numba"


def test_a_run_that_collects_nothing_ends_in_the_same_state(run_province):
    full = run_province(3, until="2017-08")
    lean = run_province(3, until="2017-08", collect=False)
    assert len(full.national_series()) == full.steps == 56  # 2013-01 to 2017-08
    assert lean.national_series().empty and lean.indicators == {}
    pd.testing.assert_frame_equal(full.snapshot(), lean.snapshot(), check_exact=True)
    for name, values in _arrays(full.state).items():
        np.testing.assert_array_equal(values, getattr(lean.state, name), err_msg=name)
