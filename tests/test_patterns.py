"""The report's patterns (DESIGN §1, P1-P9) in national baseline runs over several seeds.

Directions and orders of magnitude only, never tuned numbers: each test asserts for every seed
of `PATTERN_SEEDS` what the report describes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from govsim.model import GovernanceModel, Timeline
from govsim.model.timeline import DOMAINS

ENTRY_3D = "2015-01-01"


def test_enough_distinct_seeds(baseline_runs):
    assert len({run.seed for run in baseline_runs}) >= 5


# ---------------------------------------------------------------- P1
def test_p1_time_pressure_forced_transition_before_transformation(baseline_runs):
    """P1: at 3D entry the social transition is far ahead of the transformation."""
    for run in baseline_runs:
        at_entry = run.series.loc[ENTRY_3D]
        transition, transformation = (
            at_entry["transition_social"],
            at_entry["transformation_social"],
        )
        assert transition > 0.5, (run.seed, transition)
        assert transformation < 0.3, (run.seed, transformation)
        assert transition - transformation > 0.3
        assert transition > 2 * transformation


def test_p1_time_pressure_is_highest_before_3d_entry(baseline_runs):
    """P1: time pressure in the social domain peaks in 2013-2014, before entry into force."""
    for run in baseline_runs:
        pressure = run.series["time_pressure_social"]
        before = pressure.loc["2013":"2014"].mean()
        assert before > pressure.loc["2015":"2016"].mean()
        assert before > pressure.loc["2017":"2029"].mean()
        assert pressure.idxmax().year in (2013, 2014)


# ---------------------------------------------------------------- P4
def test_p4_postponement_lowers_physical_urgency(baseline_runs):
    """P4: after the postponement to 2021, physical urgency in 2018 is below mid-2017."""
    for run in baseline_runs:
        urgency = run.series["urgency_physical"]
        just_before = urgency.loc["2017-06-01"]
        assert urgency.loc["2018"].mean() < just_before, run.seed
        assert urgency.loc["2017-07-01"] < just_before
        assert just_before > 0


def test_p4_college_attention_to_physical_domain_is_lower(baseline_runs):
    """P4: colleges give the Omgevingswet less attention than the 3D in 2017."""
    for run in baseline_runs:
        year = run.series.loc["2017"]
        assert year["college_attention_physical"].mean() < year["college_attention_social"].mean()
        assert year["council_attention_physical"].mean() < year["council_attention_social"].mean()


# ---------------------------------------------------------------- P5
def test_p5_social_cooperation_exceeds_physical_in_2017(baseline_runs):
    """P5: regional cooperation follows urgency, strong for the 3D, weaker for Omgevingswet."""
    for run in baseline_runs:
        year = run.series.loc["2017"]
        assert year["cooperation_social"].mean() > year["cooperation_physical"].mean(), run.seed
        # and it grew from its 2013 level under the 3D's urgency
        first = run.series["cooperation_social"].iloc[0]
        assert year["cooperation_social"].mean() > first


# ---------------------------------------------------------------- P6
def test_p6_staff_adoption_stays_well_below_one(baseline_runs):
    """P6: not all staff make the change; the resisting group keeps adoption down."""
    for run in baseline_runs:
        bound = 1.0 - run.model.params["resister_share"] / 2.0
        for d in DOMAINS:
            adoption = run.series[f"staff_adoption_{d}"]
            assert adoption.max() < bound, (run.seed, d, adoption.max(), bound)
            assert adoption.max() > 0.1  # but the new way does spread
        adopted = run.model.staff.adopted
        resister = run.model.staff.resister
        assert adopted[resister].mean() < adopted[~resister].mean()


def test_p6_reversions_occur(baseline_runs):
    """P6: staff drift back to their comfort zone (adopting more than once means reverting)."""
    for run in baseline_runs:
        adoptions = run.model.staff.adoptions
        assert (adoptions > 1).sum() > 0, run.seed
        assert (adoptions > 1).mean() > 0.01


# ---------------------------------------------------------------- P7
def test_p7_satisfaction_rose_after_3d_entry(baseline_runs):
    """P7: secretaries' satisfaction with the 3D in 2017 is above their satisfaction at entry."""
    for run in baseline_runs:
        snap = run.snapshot_survey
        now = snap["satisfaction_social"].mean()
        at_entry = snap["satisfaction_at_entry_social"].mean()
        assert now > at_entry, (run.seed, now, at_entry)


# ---------------------------------------------------------------- P8
def test_p8_desired_steering_exceeds_actual(baseline_runs):
    """P8: desired collaborative + responsive steering exceeds the actual mix in 2017."""
    for run in baseline_runs:
        snap = run.snapshot_survey
        year = run.series.loc["2017"]
        for d in DOMAINS:
            desired = (snap[f"desired_{d}_collaborative"] + snap[f"desired_{d}_responsive"]).mean()
            actual = (year[f"mix_{d}_collaborative"] + year[f"mix_{d}_responsive"]).mean()
            assert desired > actual, (run.seed, d, desired, actual)
            assert desired > 0.6  # the 80-90% of Table 1 favour these modes


def test_p8_practice_stays_on_transition(baseline_runs):
    """P8: in 2017 transition is ahead of transformation in both domains."""
    for run in baseline_runs:
        year = run.series.loc["2017"]
        for d in DOMAINS:
            transition = year[f"transition_{d}"].mean()
            transformation = year[f"transformation_{d}"].mean()
            assert transition > transformation, (run.seed, d, transition, transformation)


# ---------------------------------------------------------------- P9
@pytest.fixture(scope="module")
def late_dso_transition(baseline_runs):
    """Physical transition in Jan 2024 when the DSO is fully available only in 2027."""
    late = dataclasses.replace(Timeline(), dso_full=dt.date(2027, 1, 1))
    out = {}
    for run in baseline_runs:
        model = GovernanceModel(rng=run.seed, timeline=late).run("2024-01")
        out[run.seed] = model.national_series().loc["2024-01-01", "transition_physical"]
    return out


def test_p9_later_dso_holds_back_the_physical_transition(baseline_runs, late_dso_transition):
    """P9: municipalities wait for the national DSO; a later DSO means less transition."""
    for run in baseline_runs:
        on_time = run.series.loc["2024-01-01", "transition_physical"]
        assert on_time > late_dso_transition[run.seed], (
            run.seed,
            on_time,
            late_dso_transition[run.seed],
        )


def test_p9_dso_availability_series_follows_the_timeline(baseline):
    series = baseline(1).series["dso_availability"]
    assert series.loc[:"2019-06"].max() == 0.0
    assert series.loc["2024-01":].min() == 1.0
    assert np.all(np.diff(series) >= 0)
