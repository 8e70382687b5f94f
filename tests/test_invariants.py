"""Invariants that hold after every step, for any seed and plausible parameters."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.agents import MODES
from govsim.model import GovernanceModel
from govsim.model.indicators import INDICATORS
from govsim.model.municipalities import SIZE_CLASSES
from govsim.model.timeline import DOMAINS

SUBSETS = (("Flevoland",), ("Zeeland",), ("Ameland", "Vlieland", "Amsterdam", "Rotterdam"))

UNIT_ARRAYS = (
    ("state", "transition"),
    ("state", "transformation"),
    ("state", "cooperation"),
    ("state", "budget"),
    ("state", "attention"),
    ("state", "time_pressure"),
    ("state", "dso_connection"),
    ("state", "instruments"),
    ("state", "dso_preparation"),
    ("state", "readiness"),
    ("state", "instrument_pressure"),
    ("state", "work"),
    ("state", "transition_effort"),
    ("state", "practice_quality"),
    ("state", "practice_breadth"),
    ("colleges", "attention"),
    ("councils", "attention"),
    ("councils", "steering"),
    ("councils", "trust_in_citizens"),
    ("councils", "reopen_tendency"),
    ("staff", "readiness"),
    ("citizens", "trust"),
    ("citizens", "willingness"),
    ("citizens", "fatigue"),
    ("secretaries", "satisfaction"),
)


def _check_step(model: GovernanceModel, previous_transition: np.ndarray) -> None:
    for store, name in UNIT_ARRAYS:
        values = getattr(getattr(model, store), name)
        assert np.all(np.isfinite(values)), (store, name)
        assert values.min() >= 0.0 and values.max() <= 1.0, (store, name, model.steps)
    assert np.all(model.state.urgency >= 0) and np.all(model.state.urgency <= 1)
    mix = model.state.steering
    assert mix.min() >= 0.0
    np.testing.assert_allclose(mix.sum(axis=2), 1.0, rtol=0, atol=1e-9)
    assert np.all(model.state.instruments >= previous_transition)
    assert np.all(np.isin(model.state.strategy, (0, 1, 2)))
    np.testing.assert_allclose(model.state.secretary_split.sum(axis=1), 1.0, atol=1e-12)


@given(
    seed=st.integers(0, 2**32 - 1),
    subset=st.sampled_from(SUBSETS),
    training_intensity=st.floats(0.0, 1.0),
    time_pressure_legal_pull=st.floats(0.0, 5.0),
    implementation_load=st.floats(0.0, 3.0),
    rules_share=st.floats(0.0, 1.0),
    wait_threshold=st.floats(0.0, 1.0),
    council_reopen_tendency=st.floats(0.0, 1.0),
    lever=st.sampled_from(
        ["coach_college", "integrality", "dso_lobby", "data_driven", "transformation_first"]
    ),
    level=st.floats(0.0, 1.0),
)
@settings(max_examples=8)
def test_values_stay_in_unit_interval_and_mixes_on_the_simplex(
    seed,
    subset,
    training_intensity,
    time_pressure_legal_pull,
    implementation_load,
    rules_share,
    wait_threshold,
    council_reopen_tendency,
    lever,
    level,
):
    model = GovernanceModel(
        rng=seed,
        municipalities=list(subset),
        training_intensity=training_intensity,
        time_pressure_legal_pull=time_pressure_legal_pull,
        implementation_load=implementation_load,
        rules_share=rules_share,
        wait_threshold=wait_threshold,
        council_reopen_tendency=council_reopen_tendency,
        strategy=[{"where": "all", lever: level, "use_elections": 1.0}],
    )
    previous = model.state.instruments.copy()
    _check_step(model, previous)
    while model.running:
        model.step()
        _check_step(model, previous)
        previous = model.state.instruments.copy()
    assert model.steps == model.calendar.n_steps == 204
    series = model.national_series()
    assert len(series) == 204
    # missing only, and throughout, where a size class has no municipality in the subset
    present = {SIZE_CLASSES[c] for c in np.unique(model.municipalities.size_class)}
    empty = [i.name for i in INDICATORS if set(i.parts) & (set(SIZE_CLASSES) - present)]
    assert series[empty].isna().all().all()
    assert not series.drop(columns=empty).isna().any().any()


@given(seed=st.integers(0, 2**32 - 1), adoption_weight=st.floats(0.0, 1.0))
@settings(max_examples=5)
def test_transformation_is_derived_from_adoption_and_practice(seed, adoption_weight):
    model = GovernanceModel(rng=seed, municipalities=["Flevoland"], adoption_weight=adoption_weight)
    for until in ("2014-06", "2017-08", "2022-01"):
        model.run(until)
        st_ = model.state
        expected = (
            adoption_weight * model.team_adoption[:, :2]
            + (1 - adoption_weight) * st_.practice_quality * st_.practice_breadth
        )
        np.testing.assert_allclose(st_.transformation, expected, rtol=0, atol=1e-12)
        assert st_.transformation.min() >= 0.0


def test_national_series_has_every_indicator_and_no_nan(baseline):
    series = baseline(1).series
    assert list(series.columns) == [i.name for i in INDICATORS]
    assert len(series) == 204
    assert not series.isna().any().any()
    assert np.isfinite(series.to_numpy(dtype=float)).all()
    for name in series.columns:
        if name.startswith(("transition_", "transformation_", "mix_", "dominant_")):
            assert series[name].between(0.0, 1.0).all(), name


def test_national_transition_never_falls_and_transformation_stays_positive(baseline_runs):
    for run in baseline_runs:
        for d in DOMAINS:
            assert np.all(np.diff(run.series[f"transition_{d}"]) >= 0)
            assert run.series[f"transformation_{d}"].min() >= 0.0
        for d in DOMAINS:
            shares = run.series[[f"dominant_{d}_{m}" for m in MODES]].sum(axis=1)
            np.testing.assert_allclose(shares, 1.0, atol=1e-12)
            mixes = run.series[[f"mix_{d}_{m}" for m in MODES]].sum(axis=1)
            np.testing.assert_allclose(mixes, 1.0, atol=1e-9)


def test_snapshot_has_no_nan_outside_entry_satisfaction(baseline):
    snap = baseline(1).snapshot_end
    assert len(snap) == 388
    numeric = snap.select_dtypes("number")
    assert not numeric.isna().any().any()
    # satisfaction at entry is NaN until entry into force; both laws are in force by 2029
    assert snap["satisfaction_at_entry_physical"].notna().all()


def test_satisfaction_at_entry_is_nan_before_the_omgevingswet(baseline):
    survey = baseline(1).snapshot_survey
    assert survey["satisfaction_at_entry_physical"].isna().all()
    assert survey["satisfaction_at_entry_social"].notna().all()


def test_all_12_directed_mode_changes_occur_in_a_national_run(baseline):
    run = baseline(1)
    counts = run.model.state.mode_changes.sum(axis=0)  # both domains combined
    off_diagonal = counts[~np.eye(4, dtype=bool)]
    assert off_diagonal.size == 12
    assert np.all(off_diagonal > 0), counts.tolist()
    assert np.all(np.diag(counts) == 0)
    last = run.series.iloc[-1]
    for a, ma in enumerate(MODES):
        for b, mb in enumerate(MODES):
            if a == b:
                continue
            combined = sum(last[f"mode_changes_{d}_{ma}_{mb}"] for d in DOMAINS)
            assert combined == counts[a, b]
            assert combined > 0


def test_mode_change_log_agrees_with_counts_and_cumulative_series(baseline):
    run = baseline(1)
    events = run.model.event_log()
    changes = events[events["kind"] == "mode_change"]
    assert len(changes) == run.model.state.mode_changes.sum()
    assert set(changes["cause"]) <= {
        "subversion",
        "time_pressure",
        "regional_bodies",
        "incidents",
        "slow_progress",
        "deficit",
        "preferences",
    }
    cols = [c for c in run.series.columns if c.startswith("mode_changes_")]
    assert len(cols) == 24
    assert (run.series[cols].diff().iloc[1:] >= 0).all().all()
    per_mun = run.snapshot_end["mode_changes_social"] + run.snapshot_end["mode_changes_physical"]
    assert per_mun.sum() == len(changes)
    # logged from/to modes match the dominant mode change in the social domain
    social = changes[changes["domain"] == "social"]
    table = social.groupby(["from_mode", "to_mode"]).size()
    for (ma, mb), count in table.items():
        assert count == run.model.state.mode_changes[0, MODES.index(ma), MODES.index(mb)]
