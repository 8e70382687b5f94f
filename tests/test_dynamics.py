"""Dynamics the report describes and municipalities that differ (issue 'model v2').

Every directional test compares runs with common random numbers over at least ten seeds on a
two-province subset (77 municipalities) and asserts the direction for every seed; the
heterogeneity tests read the national baseline runs of ``conftest.py``.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd
import pytest

from govsim.experiments.calibration.abc import SOME, TIGHT_PLAN
from govsim.experiments.survey.questionnaire import SURVEY_MONTH
from govsim.model import GovernanceModel
from govsim.model.timeline import Timeline
from govsim.scenarios.loader import load_scenario

SEEDS = tuple(range(10, 20))
SUBSET = ("Gelderland", "Utrecht")
FEW = SOME / 2
"""At least this share waits in every national run (about ten municipalities); the calibration
asks `SOME` of its panel's mean (P12), so that the pattern holds on seeds it was not fitted on.
Measured at the installed set: 5-8% wait until the review of July 2017, 1.5% after it."""
NEARLY_DONE = TIGHT_PLAN + 0.1
"""Upper bound on the social transition a year before entry: well short of done (model v1: 0.79)."""


@cache
def run(
    scenario: str = "baseline", seed: int = 10, until: str = "2029-12", **params
) -> pd.DataFrame:
    """National series of ``scenario`` on the subset, with parameter overrides (cached)."""
    s = load_scenario(scenario)
    model = GovernanceModel(
        {**s.params, **params}, s.timeline, rng=seed, municipalities=SUBSET, strategy=s.strategy
    )
    return model.run(until).national_series()


@cache
def run_timeline(timeline: Timeline, seed: int, until: str = "2019-12") -> pd.DataFrame:
    return (
        GovernanceModel(timeline=timeline, rng=seed, municipalities=SUBSET)
        .run(until)
        .national_series()
    )


# ---------------------------------------------------------------- municipalities that differ
def test_physical_transition_differs_between_municipalities_in_2016_2020(baseline_runs):
    """Waiting, preparing and front-running municipalities are far apart (model v1: 0.004).

    Measured at the installed set (version 11): the 10-90% gap is about 0.3 in 2016-2017 and
    0.04-0.07 in 2018-2020, once most municipalities have done what does not wait for the DSO.
    """
    for run_ in baseline_runs:
        s = run_.series.loc["2016-06":"2020-12"]
        gap = s["transition_physical_p90"] - s["transition_physical_p10"]
        assert gap.mean() > 0.1, (run_.seed, gap.mean())
        assert gap.loc["2016-06":"2017-12"].mean() > 0.2, run_.seed
        assert gap.loc["2017":"2020"].min() > 0.025, run_.seed
        median = s["transition_physical_p50"]
        assert np.all(s["transition_physical_p10"] <= median + 1e-12)
        assert np.all(median <= s["transition_physical_p90"] + 1e-12)


def test_start_and_strategy_differ_between_municipalities(baseline_runs):
    """P12 (§4.3): some secretaries wait, others lobby ('Sommige ... wachten, anderen ...')."""
    for run_ in baseline_runs:
        year = run_.series.loc["2017-01":SURVEY_MONTH]  # as the report saw it (and P12 reads)
        assert year["strategy_physical_wait"].mean() >= FEW, run_.seed
        assert year["strategy_physical_front_run"].mean() >= SOME, run_.seed
        assert year["strategy_physical_prepare"].max() > 0.3, run_.seed
        snap = run_.snapshot_survey
        assert snap["strategy_physical"].nunique() >= 2
        assert snap["instrument_omgevingsvisie"].std() > 0.05


def test_percentiles_are_carried_by_size_class(baseline):
    s = baseline(1).series
    for cls in ("lt10k", "10k_20k", "20k_50k", "50k_100k", "gt100k"):
        for q in ("transition", "transformation"):
            p10, p90 = s[f"{q}_physical_{cls}_p10"], s[f"{q}_physical_{cls}_p90"]
            assert np.all(p10 <= p90 + 1e-12), cls


def _equalised(model: GovernanceModel) -> None:
    """Set the sources of heterogeneity the report gives to one value for every municipality."""
    st, col = model.state, model.colleges
    st.capacity[:] = st.capacity.mean()
    st.experience[:] = 0.0
    for body in (col, model.councils):
        body.attention[:] = body.attention.mean(axis=0)
        body.engagement[:] = body.engagement.mean()
    col.stance[:] = col.stance.mean(axis=0)
    col.risk_aversion[:] = col.risk_aversion.mean()
    st.budget_sensitivity[:] = 1.0


@pytest.mark.parametrize("seed", (1, 2, 3))
def test_equal_sources_of_heterogeneity_shrink_the_spread(seed):
    """The spread comes from the mechanisms: equal role, stance, attention, capacity, experience.

    The equal role and stance (a connector who takes the regisseur's role) put every
    municipality's readiness in one band of the strategy; one at a threshold would let the
    small remaining differences (the region's pooled capacity and neighbours) split it.
    """
    subset = ("Gelderland", "Noord-Brabant")
    default = GovernanceModel(rng=seed, municipalities=subset).run("2020-12").national_series()
    same = GovernanceModel(
        rng=seed,
        municipalities=subset,
        secretary_turnover_per_year=0.0,
        strategy=[{"where": "all", "role": "connector", "stance": "regisseur"}],
    )
    _equalised(same)
    same = same.run("2020-12").national_series()

    def spread(series: pd.DataFrame) -> float:
        s = series.loc["2016-06":"2020-12"]
        return float((s["transition_physical_p90"] - s["transition_physical_p10"]).mean())

    assert spread(same) < 0.5 * spread(default), (spread(same), spread(default))


# ---------------------------------------------------------------- the report's own dynamics
@pytest.mark.parametrize("seed", SEEDS)
def test_a_postponement_never_raises_satisfaction_with_the_introduction(seed):
    """Kader 10 'Extra uitstel leidt tot kritiek vanuit gemeentesecretarissen'."""
    base, delayed = run(seed=seed), run("dso_delay", seed=seed)
    window = slice("2020-01", "2020-12")  # the postponement of dso_delay is announced 2020-01
    assert delayed.loc[window, "satisfaction_physical"].mean() <= (
        base.loc[window, "satisfaction_physical"].mean() + 1e-9
    )
    monthly = (
        delayed.loc[window, "satisfaction_physical"] - base.loc[window, "satisfaction_physical"]
    )
    assert (monthly <= 1e-9).all()
    # and the report's own postponement (July 2017) against a timeline without it
    plain = Timeline()
    kept = plain.with_domain("physical", dataclasses.replace(plain.physical, postponements=()))
    with_, without = run_timeline(plain, seed), run_timeline(kept, seed)
    after = slice("2017-07", "2018-06")
    assert with_.loc[after, "satisfaction_physical"].mean() <= (
        without.loc[after, "satisfaction_physical"].mean() + 1e-9
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_the_3d_lead_time_was_too_tight(seed):
    """§3.3 'De termijn voor de invoering was bij de 3D's ... te krap'."""
    s = run(seed=seed)
    # a year before entry the 3D is not nearly done (model v1: 0.79); the calibration asks more
    # of its panel (P1:tight: behind a straight-line plan, below TIGHT_PLAN)
    assert s.loc["2014-01-01", "transition_social"] < NEARLY_DONE, seed
    pressure = s["time_pressure_social"]
    assert pressure.loc["2014"].mean() > pressure.loc["2013"].mean(), seed
    assert pressure.loc["2013":"2014"].idxmax().year == 2014
    assert pressure.loc["2014-07":"2014-12"].mean() > 2 * pressure.loc["2016"].mean()


@pytest.mark.parametrize("seed", SEEDS)
def test_an_all_generalist_organisation_is_not_best_on_every_outcome(seed):
    """§4.4, §5.5 'de noodzaak om bepaalde specialismen te behouden'."""
    mixed, general = run(seed=seed), run(seed=seed, generalist_share=1.0)
    worse = {
        "incidents": general["incidents_social"].iloc[-1] > mixed["incidents_social"].iloc[-1],
        "3D in place at entry": general.loc["2015-01-01", "transition_social"]
        < mixed.loc["2015-01-01", "transition_social"],
    }
    assert all(worse.values()), (seed, worse)


@pytest.mark.parametrize("seed", SEEDS)
def test_instruments_can_carry_behaviour_change(seed):
    """Kampen, §4.4 'omgekeerd interveniëren': transition work does not only crowd out."""

    def transformation(il: float, strategy: str) -> float:
        model = GovernanceModel(
            rng=seed,
            municipalities=SUBSET,
            instrument_learning=il,
            strategy=[{"where": "all", "physical_strategy": strategy}],
        )
        return float(model.run("2021-12").national_series().loc["2019":"2021",
                     "transformation_physical"].mean())  # fmt: skip

    off = transformation(0.0, "front_run") - transformation(0.0, "prepare")
    on = transformation(0.8, "front_run") - transformation(0.8, "prepare")
    assert on > off, (seed, on, off)  # the instruments' work costs less transformation
    assert transformation(0.8, "front_run") > transformation(0.0, "front_run")


@pytest.mark.parametrize("seed", SEEDS)
def test_regional_cooperation_helps_the_dso_connection(seed):
    """Drechtsteden, §4.5: for 'de invoering van het digitale stelsel ... een enorm voordeel'."""
    base, regional = run(seed=seed), run("regional_cooperation", seed=seed)
    early = slice("2017-01", "2020-12")
    assert regional.loc[early, "dso_preparation"].mean() > base.loc[early, "dso_preparation"].mean()
    t = slice("2018-01", "2022-12")
    assert regional.loc[t, "transition_physical"].mean() > base.loc[t, "transition_physical"].mean()


@pytest.mark.parametrize("seed", SEEDS[:5])
def test_subversion_pulls_the_physical_domain_to_legal_steering(seed):
    """§2.2 'Zeker wanneer ondermijning aan de orde is', §4.2."""
    none, some = run(seed=seed, subversion_pull=0.0), run(seed=seed, subversion_pull=1.0)
    t = slice("2019", "2025")
    assert some.loc[t, "mix_physical_legal"].mean() > none.loc[t, "mix_physical_legal"].mean()
