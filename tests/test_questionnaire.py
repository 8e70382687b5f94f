"""The virtual questionnaire (experiments/survey/questionnaire.py, items.py)."""

from __future__ import annotations

import contextlib
import dataclasses
from functools import cache

import numpy as np
import pandas as pd
import pytest

from govsim.experiments.survey import questionnaire as questionnaire_module
from govsim.experiments.survey.items import ITEM_BY_ID, ITEMS, SurveyState
from govsim.experiments.survey.observed import load_observed
from govsim.experiments.survey.questionnaire import (
    SURVEY_MONTH,
    answer_codes,
    answer_probabilities,
    categorise,
    check_asked_month,
    compare,
    interview,
    response_quota,
    response_weights,
    sample_respondents,
)
from govsim.model import GovernanceModel
from govsim.model.municipalities import SIZE_CLASSES

OBS = load_observed()
KEYS = ["item", "domain", "category", "source_table"]


@cache
def survey_model(seed: int = 3) -> GovernanceModel:
    """A national model run to the survey month (shared; interviews do not change it)."""
    return GovernanceModel(rng=seed).run(until=SURVEY_MONTH)


@pytest.fixture(scope="module")
def model() -> GovernanceModel:
    return survey_model()


@pytest.fixture(scope="module")
def table(model) -> pd.DataFrame:
    return interview(model, "stratified", rng=11)


def test_every_observed_target_and_input_figure_has_a_simulated_row(table):
    rows = OBS[OBS["role"].isin(["target", "input"])]
    rows = rows[~rows["item"].isin(["response_size_class", "population_size_class"])]
    merged = rows[KEYS].merge(table[KEYS], on=KEYS, how="left", indicator=True)
    missing = merged[merged["_merge"] == "left_only"]
    assert missing.empty, missing.to_string()


def test_roles_follow_the_data_file(table):
    roles = OBS.drop_duplicates("item").set_index("item")["role"]
    for item, role in table.drop_duplicates("item").set_index("item")["role"].items():
        assert roles[item] == role, item
    # Table 1 and the desired-steering rows initialise the secretaries: inputs
    assert set(table.loc[table["role"] == "input", "item"]) == {
        "desired_legal",
        "desired_performing",
        "desired_collaborative",
        "desired_responsive",
    }


def test_categories_sum_to_100_per_item_domain_and_table(table, model):
    for frame in (table, interview(model, "all", rng=2)):
        sums = frame.groupby(["item", "domain", "source_table"])["percent"].sum()
        assert np.allclose(sums.to_numpy(), 100.0), sums[~np.isclose(sums, 100.0)]
        assert frame["percent"].between(0.0, 100.0).all()


def test_category_sets_per_table(table):
    cats = table.groupby("source_table")["category"].agg(lambda s: set(s))
    assert cats["appendix_importance"] == {"not_hardly", "moderately", "important"}
    assert cats["table_3"] == {"1", "2", "3", "4", "5"}
    for t in ("table_1", "table_2", "table_4", "table_5"):
        assert cats[t] == {"yes", "no"}


def test_table_2_repeats_the_appendix_important_share(table):
    app = table[
        (table["source_table"] == "appendix_importance") & (table["category"] == "important")
    ]
    t2 = table[(table["source_table"] == "table_2") & (table["category"] == "yes")]
    merged = t2.merge(app, on=["item", "domain"], suffixes=("_t2", "_app"))
    assert len(merged) == len(t2) > 0
    np.testing.assert_allclose(merged["percent_t2"], merged["percent_app"])


def test_stratified_sample_mirrors_the_real_response(model, table):
    quota = response_quota()
    assert [quota[c] for c in SIZE_CLASSES] == [3, 31, 64, 14, 14]
    rows = sample_respondents(
        model.municipalities.size_class, "stratified", np.random.default_rng(1)
    )
    counts = np.bincount(model.municipalities.size_class[rows], minlength=5)
    assert counts.tolist() == [3, 31, 64, 14, 14]
    assert len(np.unique(rows)) == 126
    assert int(table["n"].max()) == 126
    everyone = interview(model, "all", rng=1)
    assert int(everyone["n"].max()) == model.municipalities.n == 388


def test_province_subset_interviews_what_is_there():
    small = GovernanceModel(rng=1, municipalities=["Utrecht"]).run(until=SURVEY_MONTH)
    rows = sample_respondents(
        small.municipalities.size_class, "stratified", np.random.default_rng(0)
    )
    assert 0 < len(rows) <= small.municipalities.n
    t = interview(small, "stratified", rng=0)
    assert np.allclose(t.groupby(["item", "domain", "source_table"])["percent"].sum(), 100.0)


def test_different_seeds_give_different_but_close_answers(model):
    a = interview(model, "stratified", rng=1)
    b = interview(model, "stratified", rng=2)
    diff = (a["percent"] - b["percent"]).abs()
    assert diff.max() > 0.0  # another sample and other answer noise
    assert diff.mean() < 6.0  # but the same secretaries' state
    # another model seed: different municipalities' histories, same parameters
    c = interview(survey_model(4), "stratified", rng=1)
    diff_model = (a["percent"] - c["percent"]).abs()
    assert diff_model.max() > 0.0
    assert diff_model.mean() < 8.0


def test_same_seed_gives_the_same_interview(model):
    pd.testing.assert_frame_equal(
        interview(model, "stratified", rng=5), interview(model, "stratified", rng=5)
    )


def test_without_answer_noise_the_answers_are_a_function_of_the_state(model):
    quiet = {
        "answer_noise": 0.0,
        "satisfaction_noise": 0.0,
        "change_noise": 0.0,
        "importance_noise": 0.0,
    }
    a = interview(model, "all", rng=1, **quiet)
    b = interview(model, "all", rng=99, **quiet)
    pd.testing.assert_frame_equal(a, b)


def shares_with(model, rng, **noise) -> pd.Series:
    """Interview shares of every municipality with every answer noise 0 except ``noise``."""
    quiet = dict.fromkeys(
        ("answer_noise", "satisfaction_noise", "change_noise", "importance_noise"), 0.0
    )
    table = interview(model, "all", rng=rng, **{**quiet, **noise})
    return table.set_index(KEYS)["percent"]


def test_importance_noise_reads_only_the_appendix_table(model):
    """The appendix (and Table 2, its repeat) is read with importance_noise, nothing else."""

    def shares(rng, noise):
        return shares_with(model, rng, importance_noise=noise)

    a, b = shares(1, 0.2), shares(99, 0.2)
    differs = a.index[(a - b).abs() > 1e-9]
    assert set(differs.get_level_values(3)) <= {"appendix_importance", "table_1", "table_2"}
    assert "appendix_importance" in set(differs.get_level_values(3))
    appendix = {i.item for i in ITEMS if "appendix_importance" in i.tables}
    assert set(differs.get_level_values(0)) <= appendix
    # a noisier reading moves answers out of the category a quiet one gives most often: on
    # at least two items in three (a latent near a category's edge can gain its mode from the
    # noise; 0.79 of the items at calibrated set version 11, 0.75 at version 14) and by more
    # than three points on average
    quiet = shares(1, 0.0).xs("appendix_importance", level=3)
    top_quiet = quiet.groupby(level=[0, 1]).max()
    top_loud = a.xs("appendix_importance", level=3).groupby(level=[0, 1]).max()
    assert (top_loud <= top_quiet + 1e-9).mean() > 2 / 3
    assert top_loud.mean() < top_quiet.mean() - 3.0


def test_change_noise_reads_only_the_needed_change_items(model):
    """Table 5 is read with change_noise, every other item with its own noise."""

    def shares(rng, noise):
        return shares_with(model, rng, change_noise=noise)

    a, b = shares(1, 0.3), shares(99, 0.3)
    differs = a.index[(a - b).abs() > 1e-9]
    assert set(differs.get_level_values(3)) == {"table_5"}
    assert {i.item for i in ITEMS if "table_5" in i.tables} == set(differs.get_level_values(0))
    # the wider the spread of ambitions, the more even the "large change needed" shares
    quiet = shares(1, 0.0).xs("table_5", level=3).xs("yes", level=2)
    loud = a.xs("table_5", level=3).xs("yes", level=2)
    assert (loud - 50.0).abs().mean() < (quiet - 50.0).abs().mean()


def test_national_insight_is_the_mean_of_what_is_still_open_nationally(model):
    """3D in force: only the money (B); Omgevingswet ahead: mean(1 - clarity, B)."""
    state = SurveyState.from_model(model)
    assert state.in_force.tolist() == [True, False]
    latent = ITEM_BY_ID["change_national_policy_insight"].latent(state)
    np.testing.assert_allclose(latent[:, 0], state.budget[:, 0])
    expected = (1.0 - state.national_clarity[1] + state.budget[:, 1]) / 2.0
    np.testing.assert_allclose(latent[:, 1], expected)


def test_monitoring_rests_on_the_social_monitor_extended_to_the_physical_domain(model):
    """Social: emph[performing] x social T; physical: x mean(social T, physical T) (§2.3)."""
    state = SurveyState.from_model(model)
    latent = ITEM_BY_ID["importance_monitoring"].latent(state)
    social_t, physical_t = state.transition[:, 0], state.transition[:, 1]
    emph = state.emph("performing")
    np.testing.assert_allclose(latent[:, 0], emph[:, 0] * social_t)
    np.testing.assert_allclose(latent[:, 1], emph[:, 1] * (social_t + physical_t) / 2.0)
    # by the survey the physical transition lags the social one, so the physical monitor is
    # less in place than the social one at the same emphasis
    assert np.all(physical_t < social_t)
    # a municipality without a monitor (no transition in either domain) rates it 0
    state.transition[:] = 0.0
    assert np.all(ITEM_BY_ID["importance_monitoring"].latent(state) == 0.0)
    # the physical indicators alone make half a monitor
    state.transition[:, 1] = 1.0
    np.testing.assert_allclose(
        ITEM_BY_ID["importance_monitoring"].latent(state)[:, 1], emph[:, 1] / 2.0
    )


def test_items_named_together_in_section_3_2_rest_on_staff_readiness(model):
    """Resident needs, customer satisfaction and innovation rise with staff readiness (§3.2,
    §4.4); decision-quality change needed falls with it."""
    state = SurveyState.from_model(model)
    names = (
        "importance_resident_needs",
        "importance_customer_satisfaction",
        "importance_innovation",
        "change_decision_quality",
    )
    before = {n: ITEM_BY_ID[n].latent(state).copy() for n in names}
    raised = state.readiness[:, :2] < 1.0
    assert raised.mean() > 0.9
    state.readiness[:, :2] = np.minimum(state.readiness[:, :2] + 0.3, 1.0)
    for n in names[:3]:
        after = ITEM_BY_ID[n].latent(state)
        assert np.all(after[raised] > before[n][raised]), n
    after = ITEM_BY_ID["change_decision_quality"].latent(state)
    assert np.all(after[raised] < before["change_decision_quality"][raised])
    resident = ITEM_BY_ID["importance_resident_needs"].latent(state)
    np.testing.assert_allclose(resident, (state.emph("responsive") + state.readiness[:, :2]) / 2.0)


def test_satisfaction_noise_reads_only_satisfaction_with_a_law_in_force(model):
    """The 3D (in force) is read with satisfaction_noise, the Omgevingswet with answer_noise."""

    def shares(rng, sat_noise):
        return shares_with(model, rng, satisfaction_noise=sat_noise)

    a, b = shares(1, 0.3), shares(99, 0.3)
    changed = set(a.index[(a - b).abs() > 1e-9].get_level_values(0))
    assert changed == {"satisfaction_implementation", "satisfaction_after_entry"}
    differs = a.index[(a - b).abs() > 1e-9]
    assert set(differs.get_level_values(1)) == {"social"}
    # wider noise spreads the 3D answers over more categories
    quiet = shares(1, 0.0).loc["satisfaction_after_entry", "social"]
    loud = a.loc["satisfaction_after_entry", "social"]
    assert (loud > 0).sum() > (quiet > 0).sum()


def test_answers_follow_the_state_they_rest_on():
    low = GovernanceModel(rng=2, municipalities=["Utrecht"]).run(until=SURVEY_MONTH)
    high = GovernanceModel(rng=2, municipalities=["Utrecht"]).run(until=SURVEY_MONTH)
    low.councils.attention[:] = 0.1
    high.councils.attention[:] = 0.95
    share = {}
    for name, m in (("low", low), ("high", high)):
        t = interview(m, "all", rng=0, answer_noise=0.05)
        sel = (t["item"] == "council_involvement") & (t["category"] == "yes")
        share[name] = t.loc[sel].set_index("domain")["percent"]
    assert (share["low"] < 5.0).all() and (share["high"] > 95.0).all()


def test_satisfaction_items_read_the_secretaries_state(model):
    state = SurveyState.from_model(model)
    impl = ITEM_BY_ID["satisfaction_implementation"].latent(state)
    np.testing.assert_array_equal(impl[:, 0], model.secretaries.satisfaction_at_entry[:, 0])
    np.testing.assert_array_equal(impl[:, 1], model.secretaries.satisfaction[:, 1])
    after = ITEM_BY_ID["satisfaction_after_entry"].latent(state)
    np.testing.assert_array_equal(after[:, 0], model.secretaries.satisfaction[:, 0])


def test_every_item_is_documented_and_its_latent_score_lies_in_the_unit_interval(model):
    state = SurveyState.from_model(model)
    for item in ITEMS:
        assert item.passage and item.uses, item.item
        assert item.role in ("input", "target")
        latent = np.asarray(item.latent(state), dtype=float)
        assert latent.shape == (model.municipalities.n, 2), item.item
        for d, dom in enumerate(("social", "physical")):
            if dom in item.domains:
                col = latent[:, d]
                assert np.isfinite(col).all(), item.item
                assert col.min() >= 0.0 and col.max() <= 1.0, item.item


def test_categorise_uses_the_declared_equal_width_bins():
    latent = np.array([[0.1, 0.3], [0.5, 0.7], [0.9, np.nan]])
    codes = categorise(latent, np.zeros_like(latent))
    assert codes.tolist() == [[1, 2], [3, 4], [5, 0]]


def test_response_weights_give_each_class_its_response_share(model):
    w = response_weights(model.municipalities.size_class)
    per_class = np.bincount(model.municipalities.size_class, weights=w, minlength=5)
    np.testing.assert_allclose(per_class, [3, 31, 64, 14, 14])


def test_the_questionnaire_refuses_a_model_that_has_not_run():
    fresh = GovernanceModel(rng=1, municipalities=["Utrecht"])
    with pytest.raises(ValueError, match="at least one month"):
        check_asked_month(fresh)
    with pytest.raises(ValueError, match="at least one month"):
        interview(fresh)


def test_compare_marks_figures_inside_the_margin(table):
    result = compare(table)
    t3 = result[(result["item"] == "satisfaction_after_entry") & (result["category"] == "4")]
    assert len(t3) == 1 and t3["observed"].iloc[0] == 73.0
    ref = result[result["role"] == "reference"]
    assert len(ref) == 1 and ref["observed"].iloc[0] == 91.0
    four_five = table[
        (table["item"] == "satisfaction_after_entry") & table["category"].isin(["4", "5"])
    ]["percent"].sum()
    assert ref["percent"].iloc[0] == pytest.approx(four_five)
    within = result["within"].dropna().astype(bool)
    assert (within == (result.loc[within.index, "difference"].abs() <= 6.1)).all()


def test_survey_command_prints_simulated_vs_observed(tmp_path, capsys):
    from govsim.experiments.calibration.cli import main

    out = tmp_path / "survey.csv"
    code = main(["survey", "--seed", "3", "--municipalities", "Utrecht", "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "TARGETS" in text and "INPUTS" in text and "satisfaction_after_entry" in text
    saved = pd.read_csv(out)
    assert {"percent", "observed", "within"} <= set(saved.columns)


def test_survey_command_rejects_a_bad_sample(capsys):
    from govsim.experiments.calibration.cli import main

    with pytest.raises(SystemExit):
        main(["survey", "--sample", "half"])


def test_expected_shares_are_the_mean_of_the_sampled_interviews(model):
    """`expected=True` gives the average over the answer noise (law of large numbers)."""
    expected = interview(model, "all", rng=1, weighting="response", expected=True)
    draws = [interview(model, "all", rng=s, weighting="response") for s in range(120)]
    mean = sum(d["percent"].to_numpy() for d in draws) / len(draws)
    spread = np.std([d["percent"].to_numpy() for d in draws], axis=0)
    # one draw moves figures by points; the mean of 120 agrees to a fraction of a point
    assert spread.mean() > 1.0
    np.testing.assert_allclose(mean, expected["percent"].to_numpy(), atol=0.8)
    assert np.abs(mean - expected["percent"].to_numpy()).mean() < 0.2
    sums = expected.groupby(["item", "domain", "source_table"])["percent"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 100.0)
    # the sample is drawn either way: a stratified interview asks 126 respondents
    assert int(interview(model, "stratified", rng=3, expected=True)["n"].max()) == 126


def test_expected_shares_without_noise_are_the_answers():
    latent = np.array([[0.1, 0.3], [0.5, 0.7], [0.9, np.nan], [0.2, 0.8]])
    state = SurveyState.__new__(SurveyState)
    state.in_force = np.array([True, False])
    item = dataclasses.replace(ITEM_BY_ID["importance_legitimacy"], latent=lambda s: latent)
    rows = np.arange(len(latent))
    with patched_items((item,)):
        probs = answer_probabilities(state, rows, 0.0, importance_noise=0.0)[item.item]
        codes = answer_codes(state, rows, np.random.default_rng(0), 0.0, importance_noise=0.0)
        noisy = answer_probabilities(state, rows, 0.0, importance_noise=0.1)[item.item]
    asked = ~np.isnan(latent)
    np.testing.assert_array_equal(probs[asked].argmax(axis=1) + 1, codes[item.item][asked])
    np.testing.assert_array_equal(probs[asked].max(axis=1), 1.0)
    assert np.isnan(probs[2, 1]).all()
    # a score on a category bound goes up, as `categorise` has it
    assert probs[3, 0, 1] == 1.0 and probs[3, 1, 4] == 1.0
    # with noise: Phi-differences, centred on the score's own category
    np.testing.assert_allclose(noisy[asked].sum(axis=1), 1.0)
    assert noisy[1, 0, 2] == pytest.approx(0.6827, abs=1e-3)  # 0.5 ± one sd inside [0.4, 0.6)


@contextlib.contextmanager
def patched_items(items):
    """Let the questionnaire ask only ``items`` (for unit tests of the answer functions)."""
    saved = questionnaire_module.ITEMS
    questionnaire_module.ITEMS = tuple(items)
    try:
        yield
    finally:
        questionnaire_module.ITEMS = saved
