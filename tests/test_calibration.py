"""Calibration: distance, priors, patterns, quick end-to-end run with resume, fit quality."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest

from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration.distance import (
    FIT_TABLES,
    SelectionError,
    SurveyDistance,
    fit_cells,
    observed_statistics,
    sampling_variance,
    select_cells,
)
from govsim.experiments.calibration.fit_report import write_json_atomic
from govsim.experiments.calibration.priors import (
    CANDIDATES,
    PRIORS,
    Prior,
    PriorError,
    check_priors,
    pyabc_prior,
    select_priors,
)
from govsim.experiments.survey.items import INSTRUMENT_DEFAULTS
from govsim.experiments.survey.observed import load_observed
from govsim.experiments.survey.questionnaire import instrument_settings, interview
from govsim.model.parameters import CALIBRATED_PATH, PARAMETERS, defaults

OBS = observed_statistics()
CELLS = select_cells()
DIST = SurveyDistance(CELLS)


# ------------------------------------------------------------------------------ distance
def test_fit_cells_are_the_target_figures_counted_once():
    obs = load_observed()
    cells = fit_cells()
    assert set(cells["role"]) == {"target"}
    assert set(cells["source_table"]) == set(FIT_TABLES)  # Table 2 repeats the appendix
    assert cells["percent"].notna().all()
    expected = obs[
        (obs["role"] == "target") & obs["source_table"].isin(FIT_TABLES) & obs["percent"].notna()
    ]
    assert len(cells) == len(expected) == 97


def test_distance_is_zero_for_the_observation_itself():
    assert DIST(OBS, OBS) == 0.0


def test_distance_grows_with_the_deviation():
    rng = np.random.default_rng(0)
    direction = {k: rng.choice([-1.0, 1.0]) for k in OBS}
    values = []
    for step in (0.01, 0.03, 0.06, 0.12):
        x = {k: float(np.clip(v + step * direction[k], 0.0, 1.0)) for k, v in OBS.items()}
        values.append(DIST(x, OBS))
    assert values[0] > 0.0
    assert all(b > a for a, b in itertools.pairwise(values))
    # one figure off by its own standard error adds about one unit over the number of cells
    key = DIST.keys[0]
    x = dict(OBS)
    x[key] = OBS[key] + float(np.sqrt(DIST.variance[0]))
    assert DIST(x, OBS) == pytest.approx(1.0 / len(DIST.keys))


def test_sampling_variance_uses_the_finite_population_correction():
    v = float(sampling_variance(0.5))
    p = (63 + 2) / 130
    assert v == pytest.approx(p * (1 - p) / 126 * (388 - 126) / 387)
    assert float(sampling_variance(0.0)) > 0.0  # a published 0% still has an error


def test_margin_weighting_uses_the_reports_margin_for_every_figure():
    sd = 0.061 / 1.645
    np.testing.assert_allclose(DIST.variance, sd * sd)
    # a figure at the edge of the margin scores 1.645^2 whatever its observed share
    for key in (DIST.keys[0], DIST.keys[-1]):
        x = dict(OBS)
        x[key] = OBS[key] + 0.061
        assert DIST(x, OBS) * len(DIST.keys) == pytest.approx(1.645**2)


def test_binomial_weighting_weights_small_shares_up():
    binomial = SurveyDistance(CELLS, "binomial")
    np.testing.assert_allclose(binomial.variance, sampling_variance(CELLS["share"].to_numpy()))
    small = int(np.argmin(CELLS["share"]))
    half = int(np.argmin(np.abs(CELLS["share"] - 0.5)))
    assert binomial.variance[small] < binomial.variance[half] / 5
    with pytest.raises(ValueError, match="weighting"):
        SurveyDistance(CELLS, "uniform")


def test_inputs_never_enter_the_distance():
    obs = load_observed()
    inputs = obs[obs["role"] == "input"]
    input_keys = {
        f"{r.source_table}:{r.item}:{r.domain}:{r.category}" for r in inputs.itertuples(index=False)
    }
    assert not input_keys & set(DIST.keys)
    x = dict(OBS)
    for k in input_keys:
        x[k] = 1.0  # absurd input figures
    assert DIST(x, OBS) == 0.0
    for pattern in ("table_1", "desired_legal", "desired_*"):
        with pytest.raises(SelectionError, match="input"):
            select_cells([pattern])


def test_target_and_holdout_selections():
    social = select_cells(["social"])
    assert set(social["domain"]) == {"social"}
    t3 = select_cells(["table_3"])
    assert len(t3) == 15 and set(t3["source_table"]) == {"table_3"}
    sat = select_cells(["satisfaction_*"])
    assert set(sat["item"]) == {"satisfaction_implementation", "satisfaction_after_entry"}
    one = select_cells(["organisation_suitable:physical"])
    assert len(one) == 1
    rest = select_cells(None, ["table_3"])
    assert len(rest) == len(CELLS) - 15
    with pytest.raises(SelectionError, match="matches no target"):
        select_cells(["no_such_item"])
    with pytest.raises(SelectionError, match="leaves no target"):
        select_cells(["table_3"], ["table_3"])


def test_settings_split_fit_and_holdout():
    settings = cal.CalibrationSettings(targets=("table_3", "table_4"), holdout=("table_4",))
    fit = settings.fit_cells()
    hold = settings.holdout_cells()
    assert set(fit["source_table"]) == {"table_3"}
    assert not set(fit["key"]) & set(hold["key"])
    assert len(fit) + len(hold) == len(CELLS)
    again = cal.CalibrationSettings.from_json(settings.to_json())
    assert again == settings
    assert settings.weighting == "margin"
    binomial = cal.CalibrationSettings(weighting="binomial")
    assert cal.CalibrationSettings.from_json(binomial.to_json()).weighting == "binomial"


def test_settings_choose_expected_answers_and_keep_sampled_ones_when_stored():
    assert cal.CalibrationSettings().answers == "expected"
    sampled = cal.CalibrationSettings(answers="sampled")
    assert cal.CalibrationSettings.from_json(sampled.to_json()).answers == "sampled"
    with pytest.raises(ValueError, match="answers must be one of expected, sampled"):
        cal.CalibrationSettings(answers="mean")


def test_a_split_off_noise_that_no_fitted_figure_reads_is_tied_to_its_source():
    """A hold-out of Table 5 cannot inform Table 5's own noise: it takes answer_noise."""
    assert cal.CalibrationSettings().tied_settings() == {}
    # the default free set (priors.FREE, chosen by the screens) holds four instrument
    # settings; the other one stays at its declared value
    defaults = {p.name for p in cal.CalibrationSettings().free_priors()}
    instrument = {"emphasis_scale", "change_noise", "answer_noise", "importance_noise"}
    assert defaults & set(INSTRUMENT_DEFAULTS) == instrument
    assert len(defaults) == 15
    chosen = ("answer_noise", "change_noise", "importance_noise", "transition_rate")
    names = {p.name for p in cal.CalibrationSettings(priors=chosen).free_priors()}
    assert names == set(chosen)
    holdout = cal.CalibrationSettings(priors=chosen, holdout=("table_5",))
    assert holdout.tied_settings() == {"change_noise": "answer_noise"}
    assert "change_noise" not in {p.name for p in holdout.free_priors()}
    assert len(holdout.free_priors()) == len(names) - 1
    only_t3 = cal.CalibrationSettings(targets=("table_3",))
    assert set(only_t3.tied_settings()) == {"change_noise", "importance_noise"}
    # an item of the appendix in the fit informs importance_noise
    assert (
        "importance_noise"
        not in cal.CalibrationSettings(targets=("importance_legitimacy",)).tied_settings()
    )
    sim = cal.SurveySimulator(1, ("Utrecht",), tied=holdout.tied_settings())
    _, instrument = sim.parameters({"answer_noise": 0.21, "transition_rate": 0.3})
    assert instrument == {**INSTRUMENT_DEFAULTS, "answer_noise": 0.21, "change_noise": 0.21}
    assert cal.with_tied({"answer_noise": 0.2, "change_noise": 0.3}, {}) == {
        "answer_noise": 0.2,
        "change_noise": 0.3,
    }


def test_settings_a_calibration_leaves_fixed_take_their_declared_values_not_the_installed():
    """A fixed instrument setting is the declared placeholder, never an earlier fit's value.

    (The survey path fills a missing setting from the installed set: before this, a calibration
    of a free set without ``emphasis_scale`` ran at the installed set's 3.4, not at 2.0.)
    """
    installed = instrument_settings()
    assert any(installed[k] != v for k, v in INSTRUMENT_DEFAULTS.items())  # a real check
    params, instrument = cal.SurveySimulator(1, ("Utrecht",)).parameters(
        {"importance_noise": 0.2, "transition_rate": 0.3}
    )
    assert instrument == {**INSTRUMENT_DEFAULTS, "importance_noise": 0.2}
    declared = defaults(calibrated=False)
    assert params == {**declared, "transition_rate": 0.3}
    assert cal.full_instrument({}, base=installed) == installed


def test_expected_answers_take_the_answer_noise_out_of_the_simulated_figures():
    """Two draws of the answer noise differ; expected shares depend on the model run only."""
    point = {"answer_noise": 0.2, "importance_noise": 0.2, "change_noise": 0.2}
    panel = ("Gelderland",)
    sampled = cal.SurveySimulator(1, panel, answers="sampled")
    expected = cal.SurveySimulator(1, panel, answers="expected")
    model = expected.run(point)
    keys = [k for k in expected(point) if k != cal.PATTERN_KEY]
    a, b = (
        interview(model, "all", np.random.default_rng(s), weighting="response", **point)
        for s in (1, 2)
    )
    assert not np.allclose(a["percent"], b["percent"])
    e = expected(point)
    again = expected(point)
    assert all(e[k] == again[k] for k in keys)
    s = sampled(point)
    diff = np.array([abs(s[k] - e[k]) for k in keys])
    assert 0.0 < diff.mean() < 0.08  # the draw scatters figures around their expectation


# ------------------------------------------------------------------------------ priors
def test_priors_are_inside_the_declared_ranges_of_parameters_marked_for_calibration():
    check_priors(PRIORS)
    check_priors(CANDIDATES)
    for p in (*PRIORS, *CANDIDATES):
        assert p.reason and p.informs
        if not p.instrument:
            declared = PARAMETERS[p.name]
            assert declared.low <= p.low < p.high <= declared.high
            assert "to be calibrated" in declared.source
    with pytest.raises(PriorError, match="leaves the declared range"):
        check_priors([Prior("transition_rate", 0.0, 0.4, "x", "y")])
    with pytest.raises(PriorError, match="not marked for calibration"):
        check_priors([Prior("learning_by_doing_share", 0.1, 0.9, "x", "y")])
    with pytest.raises(PriorError, match="no prior"):
        select_priors(["nonsense"])


def test_pyabc_prior_is_uniform_on_each_range():
    priors = select_priors()
    dist = pyabc_prior(priors)
    frame = pd.DataFrame([dict(dist.rvs()) for _ in range(400)])
    for p in priors:
        col = frame[p.name]
        assert col.min() >= p.low and col.max() <= p.high
        width = p.high - p.low
        assert abs(col.mean() - (p.low + p.high) / 2) < 0.1 * width
        assert abs(col.std() - width / np.sqrt(12)) < 0.1 * width
        assert dist.pdf({q.name: (q.low + q.high) / 2 for q in priors}) > 0.0
    outside = {q.name: (q.low + q.high) / 2 for q in priors}
    outside[priors[0].name] = priors[0].high + 1.0
    assert dist.pdf(outside) == 0.0


# ------------------------------------------------------------------------------ patterns
def test_pattern_check_at_the_defaults_and_for_a_broken_run():
    """The installed set keeps the patterns on a fresh seed of the calibration's own panel.

    (Model v2's declared defaults break P7 and P8 and a single province is too small for P12's
    'some', a few municipalities: the calibration fits and checks on the five-province panel.)
    """
    sim = cal.SurveySimulator(
        seed=1,
        municipalities=cal.CALIBRATION_PANEL,
        base=defaults(),
        instrument_base=instrument_settings(),
    )
    ok = sim.run({})
    assert cal.pattern_violations(ok) == []
    # a transition that never gets going breaks P1 (and P7/P8 follow-ons)
    slow = sim.run({"transition_rate": 0.005})
    assert "P1" in cal.pattern_violations(slow)


def _pattern_model(**changes):
    """A stand-in for a model run to the survey month that keeps every pattern.

    ``changes`` overwrite series columns from 2017 on (``name=value``), or name ``entry`` (the
    social transition at 3D entry), ``adoptions`` (staff adoption counts) or ``wait``.
    """
    from types import SimpleNamespace

    index = pd.date_range("2013-01-01", "2017-08-01", freq="MS")
    series = pd.DataFrame(
        {
            "transition_social": 0.7,
            "transformation_social": 0.2,
            "transition_physical": 0.5,
            "transformation_physical": 0.3,
            "strategy_physical_wait": 0.1,
            "strategy_physical_front_run": 0.1,
            "college_attention_social": 0.6,
            "college_attention_physical": 0.3,
            "council_attention_social": 0.6,
            "council_attention_physical": 0.3,
            "cooperation_social": 0.5,
            "cooperation_physical": 0.3,
            "staff_adoption_social": 0.6,
            "staff_adoption_physical": 0.6,
            "mix_social_collaborative": 0.2,
            "mix_social_responsive": 0.2,
            "mix_physical_collaborative": 0.2,
            "mix_physical_responsive": 0.2,
        },
        index=index,
    )
    series.loc["2014-01-01", "transition_social"] = 0.4  # behind a straight-line plan
    series.loc["2013-01-01", "cooperation_social"] = 0.2  # cooperation grew
    series.loc["2015-01-01", "transition_social"] = changes.pop("entry", 0.7)
    series.loc["2017-01-01":, "strategy_physical_wait"] = changes.pop("wait", 0.1)
    adoptions = np.asarray(changes.pop("adoptions", [0, 1, 2, 1]))
    for name, value in changes.items():
        series.loc["2017-01-01":, name] = value
    desired = np.zeros((3, 2, 4))
    desired[:, :, 2:] = 0.3  # collaborative + responsive desired 0.6 > actual 0.4
    secretaries = SimpleNamespace(
        satisfaction=np.full((3, 2), 0.8),
        satisfaction_at_entry=np.full((3, 2), 0.7),
        desired_mix=desired,
    )
    return SimpleNamespace(
        national_series=lambda: series,
        params={"resister_share": 0.2},
        staff=SimpleNamespace(adoptions=adoptions),
        secretaries=secretaries,
    )


def test_graded_pattern_shortfall_is_zero_exactly_when_every_pattern_holds():
    ok = cal.pattern_shortfalls(_pattern_model())
    assert set(ok) == {
        "P1",
        "P1:tight",
        "P12:wait",
        "P12:front_run",
        "P4:college_attention",
        "P4:council_attention",
        "P5",
        "P6:social",
        "P6:physical",
        "P6:reversions",
        "P7",
        "P8:steering_social",
        "P8:transition_social",
        "P8:steering_physical",
        "P8:transition_physical",
    }
    assert all(v == 0.0 for v in ok.values())
    assert cal.pattern_violations(_pattern_model()) == []
    assert cal.pattern_penalty(ok) == 0.0
    # P8: physical transformation above transition by 0.1 (a strict check: plus the tie floor)
    short = cal.pattern_shortfalls(_pattern_model(transformation_physical=0.6))
    assert cal.broken_patterns(short) == ["P8:transition_physical"]
    assert short["P8:transition_physical"] == pytest.approx(0.1 + cal.PATTERN_TIE)
    assert cal.pattern_penalty(short) == pytest.approx((0.1 + cal.PATTERN_TIE) / 0.061)
    # the penalty grows with the shortfall, and a smaller miss still counts
    penalties = [
        cal.pattern_penalty(cal.pattern_shortfalls(_pattern_model(transformation_physical=f)))
        for f in (0.45, 0.5, 0.6, 0.8)
    ]
    assert penalties[0] == 0.0
    assert penalties[1] == pytest.approx(cal.PATTERN_TIE / 0.061)  # a tie breaks "exceeds"
    assert all(b > a for a, b in itertools.pairwise(penalties))
    # with a margin a check must hold with that much to spare: transformation 0.495 against
    # transition 0.5 holds, but not with a point to spare (miss 0.005 plus the tie floor)
    near = _pattern_model(transformation_physical=0.495)
    assert cal.broken_patterns(cal.pattern_shortfalls(near)) == []
    spared = cal.pattern_shortfalls(near, margin=0.01)
    assert cal.broken_patterns(spared) == ["P8:transition_physical"]
    assert spared["P8:transition_physical"] == pytest.approx(0.005 + cal.PATTERN_TIE)
    assert cal.pattern_shortfalls(_pattern_model(), margin=0.01) == ok  # all with room
    # P1 sums the misses of its comparisons: 0.45 at entry misses 0.5 by 0.05 and a lead of
    # 0.3 over the transformation (0.2) by 0.05, and is still above twice it
    p1 = cal.pattern_shortfalls(_pattern_model(entry=0.45))
    assert p1["P1"] == pytest.approx(0.05 + 0.05 + cal.PATTERN_TIE)
    p1 = cal.pattern_shortfalls(_pattern_model(entry=0.35))  # now also below 2 x 0.2
    assert p1["P1"] == pytest.approx(0.15 + 0.05 + 0.15 + cal.PATTERN_TIE)
    # P12 is "at least SOME": a non-strict check, no tie floor
    p12 = cal.pattern_shortfalls(_pattern_model(wait=0.03))
    assert p12["P12:wait"] == pytest.approx(cal.SOME - 0.03)
    assert cal.pattern_shortfalls(_pattern_model(wait=cal.SOME))["P12:wait"] == 0.0
    # no reversion at all breaks "reversions occur" by a tie; the count of broken patterns
    none = cal.pattern_shortfalls(_pattern_model(adoptions=[0, 1, 1]))
    assert none["P6:reversions"] == cal.PATTERN_TIE
    assert cal.broken_patterns(none) == ["P6:reversions"]
    two = cal.pattern_shortfalls(
        _pattern_model(transformation_physical=0.6, college_attention_physical=0.7)
    )
    assert cal.broken_patterns(two) == ["P4:college_attention", "P8:transition_physical"]
    assert two["P4:college_attention"] == pytest.approx(0.1 + cal.PATTERN_TIE)


def test_distance_with_patterns_adds_the_graded_penalty_to_the_survey_distance():
    rng = np.random.default_rng(3)
    x = {k: float(np.clip(v + rng.normal(0, 0.05), 0, 1)) for k, v in OBS.items()}
    survey = SurveyDistance(CELLS)(x, OBS)
    with_patterns = cal.PenalisedDistance(CELLS)
    without = cal.PenalisedDistance(CELLS, patterns=False)
    kept = {**x, **{cal.PATTERN_PREFIX + k: 0.0 for k in ("P1", "P7")}, cal.PATTERN_KEY: 0.0}
    assert with_patterns(kept, OBS) == pytest.approx(survey)
    broken = {**kept, cal.PATTERN_PREFIX + "P7": 0.0305, cal.PATTERN_PREFIX + "P1": 0.061}
    broken[cal.PATTERN_KEY] = 2.0
    assert with_patterns(broken, OBS) == pytest.approx(survey + 0.5 + 1.0)
    assert with_patterns(broken, OBS) >= survey
    assert without(broken, OBS) == pytest.approx(survey)  # --no-patterns
    # the simulator stores every check's shortfall and the number broken
    stats = cal.SurveySimulator(seed=1, municipalities=("Utrecht",))({})
    shortfalls = cal.stored_shortfalls(stats)
    assert len(shortfalls) == 15 and all(v >= 0.0 for v in shortfalls.values())
    assert stats[cal.PATTERN_KEY] == len(cal.broken_patterns(shortfalls))
    assert with_patterns(stats, OBS) == pytest.approx(
        SurveyDistance(CELLS)(stats, OBS) + cal.pattern_penalty(shortfalls)
    )
    assert with_patterns(stats, OBS) >= without(stats, OBS)


def test_judging_after_the_abc_adds_a_jump_per_broken_check_and_runs_nationally():
    rng = np.random.default_rng(4)
    x = {k: float(np.clip(v + rng.normal(0, 0.05), 0, 1)) for k, v in OBS.items()}
    survey = SurveyDistance(CELLS)(x, OBS)
    broken = {**x, cal.PATTERN_PREFIX + "P7": 0.0305, cal.PATTERN_PREFIX + "P1": 0.061}
    broken[cal.PATTERN_PREFIX + "P8"] = 0.0
    jump = cal.PenalisedDistance(CELLS, jump=1.0)
    # graded (0.5 + 1) plus 1 for each of the two broken checks; a kept check adds nothing
    assert jump(broken, OBS) == pytest.approx(survey + 1.5 + 2.0)
    assert cal.PenalisedDistance(CELLS, jump=0.0)(broken, OBS) == pytest.approx(survey + 1.5)
    assert cal.PenalisedDistance(CELLS, patterns=False, jump=1.0)(broken, OBS) == survey
    # the default settings judge with the jump, on all 388 municipalities; the ABC does not
    default = cal.CalibrationSettings()
    assert default.pattern_jump == cal.PATTERN_JUMP == 3.0
    assert default.judging_distance().jump == 3.0
    assert default.judging_municipalities() is None and default.municipalities is not None
    panel = cal.CalibrationSettings(judge_nationally=False, pattern_jump=0.5)
    assert panel.judging_municipalities() == panel.municipalities
    assert cal.CalibrationSettings.from_json(panel.to_json()) == panel
    with pytest.raises(ValueError, match="pattern_jump"):
        cal.CalibrationSettings(pattern_jump=-1.0)
    with pytest.raises(ValueError, match="pattern_margin"):
        cal.CalibrationSettings(pattern_margin=0.2)
    assert default.pattern_margin == cal.PATTERN_MARGIN == 0.01
    # the local search simulates where the settings judge
    from govsim.experiments.calibration.polish import Objective

    assert Objective(default, ["transition_rate"], 1, 3).simulator.municipalities is None
    assert Objective(default, ["transition_rate"], 1, 3).simulator.pattern_margin == 0.01
    assert cal.SurveySimulator(1).pattern_margin == 0.0  # the ABC: the patterns themselves
    assert Objective(panel, ["transition_rate"], 1, 3).distance.jump == 0.5
    assert Objective(panel, ["transition_rate"], 1, 3).simulator.municipalities == (
        panel.municipalities
    )
    # the flags set them; --quick judges on its own panel
    from govsim.experiments.calibration.cli import build_parser, calibration_settings

    args = build_parser().parse_args(
        ["calibrate", "--pattern-jump", "0", "--pattern-margin", "0", "--judge-on-panel"]
    )
    flagged = calibration_settings(args)
    assert (flagged.pattern_jump, flagged.pattern_margin, flagged.judge_nationally) == (
        0.0,
        0.0,
        False,
    )
    quick = calibration_settings(build_parser().parse_args(["calibrate", "--quick"]))
    assert quick.judging_municipalities() == ("Utrecht",)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["calibrate", "--pattern-jump", "-1"])


def test_particle_seed_is_deterministic():
    a = cal.particle_seed(1, {"x": 0.1, "y": 2.0})
    b = cal.particle_seed(1, {"y": 2.0, "x": 0.1})
    c = cal.particle_seed(1, {"x": 0.1000001, "y": 2.0})
    assert a.entropy == b.entropy and a.spawn_key == b.spawn_key
    assert np.random.default_rng(a).random() == np.random.default_rng(b).random()
    assert np.random.default_rng(a).random() != np.random.default_rng(c).random()


# ------------------------------------------------------------------------------ fit quality
def _calibrated_particle() -> dict[str, float]:
    """The installed calibrated set (parameters + instrument), or the declared defaults."""
    if CALIBRATED_PATH.exists():
        record = json.loads(CALIBRATED_PATH.read_text())
        return {**record["parameters"], **record.get("instrument", {})}
    return {}


def test_a_wrong_parameter_set_fits_measurably_worse_than_the_calibrated_one():
    calibrated = _calibrated_particle()
    wrong = {
        **calibrated,
        "transition_rate": 0.02,
        "adoption_rate": 0.3,
        "reversion_rate": 0.0,
        "attention_decay": 0.2,
        "post_entry_urgency": 0.05,
        "secretary_steering_weight": 0.2,
        "cooperation_formation": 0.3,
        "cooperation_decay": 0.0,
    }
    distance = cal.PenalisedDistance(CELLS, patterns=False)
    sim = cal.SurveySimulator(seed=7)
    good = np.mean(cal.evaluate(sim, calibrated, distance, 2, 3))
    bad = np.mean(cal.evaluate(sim, wrong, distance, 2, 3))
    assert bad > 2.0 * good, (good, bad)


# ------------------------------------------------------------------------------ end to end
def _run(args: list[str]) -> int:
    from govsim.experiments.calibration.cli import main

    return main(args)


def test_quick_calibration_runs_end_to_end_and_resumes_from_its_database(tmp_path, capsys):
    import pyabc

    before = CALIBRATED_PATH.read_bytes() if CALIBRATED_PATH.exists() else None
    out = tmp_path / "cal"
    db = tmp_path / "hist.db"
    common = ["calibrate", "--quick", "--out", str(out), "--db", str(db), "--quiet"]
    assert _run([*common, "--population", "8", "--generations", "1", "--seed", "5"]) == 0
    history = pyabc.History(f"sqlite:///{db}")
    assert len(history.all_runs()) == 1
    run_id = history.id
    assert history.max_t == 0  # one generation
    for name in (
        "report.md",
        "fit.csv",
        "posterior.csv",
        "populations.csv",
        "calibrated_parameters.json",
        "fit_targets.png",
        "fit_inputs.png",
        "posterior_marginals.png",
        "posterior_pairs.png",
        "epsilon.png",
    ):
        assert (out / name).exists(), name
    record = json.loads((out / "calibrated_parameters.json").read_text())
    prov = record["provenance"]
    assert prov["run_id"] == run_id and prov["seed"] == 5
    # the warm start (the installed set) is part of the stored run
    from govsim.experiments.calibration.pipeline import warm_start_point

    _, stored = cal.stored_settings(db)
    assert stored.start is not None and stored.start == warm_start_point(stored)
    assert "installed" in prov["candidate_scores"]
    assert prov["database"] == str(db.resolve())
    assert set(record["parameters"]) <= set(PARAMETERS)
    assert prov["simulations"] > 0 and np.isfinite(prov["final_epsilon"])
    # the local search ran with the quick budget; it is adopted only if it also wins on fresh seeds
    assert prov["polish"]["evaluations"] == 9
    legs = prov["polish"]["legs"]
    assert sum(leg["evaluations"] for leg in legs) == 9
    # each leg only moves to a better point on its own seeds (legs' seeds differ)
    assert all(leg["distance"] <= leg["start_distance"] for leg in legs)
    assert prov["polish"]["distance"] == legs[-1]["distance"]
    assert prov["polish"]["adopted"] == prov["point_estimate"].startswith("polished")
    assert "local search after the ABC" in (out / "report.md").read_text()
    fit = pd.read_csv(out / "fit.csv")
    assert {"median", "q05", "q95", "observed", "margin", "group"} <= set(fit.columns)
    assert set(fit.loc[fit["role"] == "input", "group"]) == {"input"}

    # "interrupted" after one generation: resume to two in the same database
    # (single-core sampler this time: the stored settings, not the sampler, define the run)
    assert _run([*common, "--resume", "--generations", "2", "--procs", "1"]) == 0
    history = pyabc.History(f"sqlite:///{db}")
    assert len(history.all_runs()) == 1
    history.id = run_id
    assert history.max_t == 1  # two populations, same run
    pops = cal.population_table(history)
    assert list(pops["t"]) == [0, 1]
    assert pops["epsilon"].iloc[1] <= pops["epsilon"].iloc[0]
    record = json.loads((out / "calibrated_parameters.json").read_text())
    assert record["provenance"]["run_id"] == run_id
    assert record["provenance"]["generations"] == 2
    # a quick run never replaces the model's calibrated defaults
    after = CALIBRATED_PATH.read_bytes() if CALIBRATED_PATH.exists() else None
    assert after == before
    capsys.readouterr()


def test_the_marginal_kernel_is_the_product_of_one_kernel_per_parameter():
    import pyabc

    from govsim.experiments.calibration.kernels import BoundedNormalTransition

    rng = np.random.default_rng(0)
    a_prior, b_prior = Prior("a", 0.0, 1.0, "", ""), Prior("b", 2.0, 4.0, "", "")
    frame = pd.DataFrame({"a": rng.uniform(0, 1, 40), "b": rng.uniform(2, 4, 40)})
    weights = rng.uniform(0.5, 1.5, 40)
    marginal = cal.make_transition("marginal", [a_prior, b_prior], scaling=4.0)
    assert isinstance(marginal, pyabc.AggregatedTransition)
    assert set(marginal.mapping) == {("a",), ("b",)}
    kernel_a = marginal.mapping[("a",)]
    assert isinstance(kernel_a, BoundedNormalTransition)
    assert (kernel_a.low, kernel_a.high) == (0.0, 1.0)
    marginal.fit(frame, weights / weights.sum())
    point = pd.DataFrame({"a": [0.3], "b": [3.1]})
    product = kernel_a.pdf(point[["a"]]) * marginal.mapping[("b",)].pdf(point[["b"]])
    assert float(np.squeeze(marginal.pdf(point))) == pytest.approx(float(np.squeeze(product)))
    # each one-dimensional kernel: Silverman's bandwidth x scaling on the defensive weights
    mixed = 0.5 * weights / weights.sum() + 0.5 / 40
    mixed /= mixed.sum()
    n_eff = 1.0 / np.sum(mixed**2)
    mean = np.sum(mixed * frame["a"])
    var = np.sum(mixed * (frame["a"] - mean) ** 2) / (1.0 - np.sum(mixed**2))
    bandwidth = (4.0 / n_eff / 3.0) ** (1.0 / 5.0)
    assert kernel_a.sd**2 == pytest.approx(var * bandwidth**2 * 4.0)
    joint = cal.make_transition("joint", [a_prior, b_prior], scaling=2.0)
    assert joint.scaling == 2.0 and not isinstance(joint, pyabc.AggregatedTransition)


def test_sampling_settings_are_stored_with_the_run_and_resume_the_same(tmp_path, monkeypatch):
    import pyabc

    defaults_ = cal.CalibrationSettings()
    assert (defaults_.kernel, defaults_.kernel_scaling, defaults_.epsilon_alpha) == (
        "marginal",
        8.0,
        0.5,
    )
    assert (defaults_.max_walltime_minutes, defaults_.max_simulations) == (25.0, 60_000)
    settings = cal.CalibrationSettings(
        population=4,
        generations=1,
        municipalities=("Utrecht",),
        max_simulations=None,
        kernel="joint",
        kernel_scaling=3.5,
        epsilon_alpha=0.4,
    )
    assert cal.CalibrationSettings.from_json(settings.to_json()) == settings
    for bad in ({"kernel_scaling": 0.0}, {"epsilon_alpha": 1.5}, {"kernel": "local"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            cal.CalibrationSettings(**bad)
    built = []
    original = cal.build_abc

    def spy(s, sampler):
        abc = original(s, sampler)
        transition = abc.transitions[0]
        built.append((type(transition).__name__, transition.scaling, abc.eps.alpha))
        return abc

    monkeypatch.setattr(cal, "build_abc", spy)
    db = tmp_path / "h.db"
    cal.calibrate(settings, db, n_procs=1)
    _, stored = cal.stored_settings(db)
    assert (stored.kernel, stored.kernel_scaling, stored.epsilon_alpha) == ("joint", 3.5, 0.4)
    # resumed with other (default) settings: the stored ones sample the run on
    result = cal.calibrate(cal.CalibrationSettings(), db, resume=True, generations=2, n_procs=1)
    joint = ("DefensiveMultivariateNormalTransition", 3.5, 0.4)
    assert built == [joint, joint]
    assert (result.settings.kernel, result.settings.kernel_scaling) == ("joint", 3.5)
    assert result.settings.epsilon_alpha == 0.4
    assert result.history.max_t == 1
    pops = cal.population_table(pyabc.History(f"sqlite:///{db}"))
    assert list(pops["t"]) == [0, 1]
    np.testing.assert_allclose(pops["ess_share"], pops["ess"] / pops["particles"])
    assert ((pops["ess"] > 0) & (pops["ess"] <= pops["particles"] + 1e-9)).all()


def test_resume_refuses_new_targets_and_a_missing_database(tmp_path, capsys):
    code = _run(
        ["calibrate", "--quick", "--out", str(tmp_path), "--resume", "--targets", "table_3"]
    )
    assert code == 2
    assert "--resume" in capsys.readouterr().err
    code = _run(
        ["calibrate", "--quick", "--out", str(tmp_path), "--resume", "--weighting", "binomial"]
    )
    assert code == 2
    assert "weighting" in capsys.readouterr().err
    code = _run(
        ["calibrate", "--quick", "--out", str(tmp_path), "--resume", "--kernel-scaling", "3"]
    )
    assert code == 2
    assert "--kernel-scaling" in capsys.readouterr().err
    code = _run(["calibrate", "--quick", "--out", str(tmp_path), "--resume"])
    assert code == 2
    assert "no calibration database" in capsys.readouterr().err


def test_calibrate_rejects_unknown_targets(tmp_path, capsys):
    code = _run(["calibrate", "--quick", "--out", str(tmp_path), "--targets", "nonsense"])
    assert code == 2
    assert "matches no target" in capsys.readouterr().err


def test_atomic_json_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "set.json"
    write_json_atomic(target, {"parameters": {"transition_rate": 0.2}})
    write_json_atomic(target, {"parameters": {"transition_rate": 0.3}})
    assert json.loads(target.read_text())["parameters"]["transition_rate"] == 0.3
    assert [p.name for p in target.parent.iterdir()] == ["set.json"]


def test_installed_calibration_is_valid_and_records_its_provenance():
    assert CALIBRATED_PATH.exists(), "the calibrated parameter set is part of the repository"
    record = json.loads(CALIBRATED_PATH.read_text())
    for name, value in record["parameters"].items():
        PARAMETERS[name].check(value)
        assert defaults()[name] == value
    prov = record["provenance"]
    for key in (
        "database",
        "run_id",
        "date",
        "code_version",
        "seed",
        "simulations",
        "final_epsilon",
        "targets",
    ):
        assert key in prov, key
    assert record["fit"]["share_inside_margin"] >= 0.0


FIT_FLOOR = 0.5
"""Share of the 97 target figures the installed set must keep inside the survey's margin. The
fifth round reached 84% (81 of 97) with the model before 'model v2' and 31 free parameters; the
model v2 refits with 34 fitted values 66-69%. Version 13, the first installed set of at most 15
fitted values (issue 14) that keeps the report's patterns with a point to spare, fits 51 of 97
(53%; 50-53 by seed, docs/calibration.md §18). This floor guards against regressions."""


def test_the_installed_defaults_fit_as_their_record_says():
    """The recorded fit holds: recomputed, the installed set keeps its figures inside the margin.

    Recomputed here, not read from the record: four national runs at the installed defaults,
    the figures expected over the answer noise (the fit report's medians of sampled interviews
    of 126 respondents agree within a few figures, docs/calibration.md §6).
    """
    from govsim.experiments.calibration.distance import cell_keys
    from govsim.experiments.survey.questionnaire import compare
    from govsim.experiments.survey.simulate import simulate_survey

    record = json.loads(CALIBRATED_PATH.read_text())
    assert record["fit"]["share_inside_margin"] >= FIT_FLOOR
    keys = set(cell_keys(CELLS))
    tables = []
    for seed in (1, 2, 3, 4):
        survey = simulate_survey(seed=seed, sample="all", weighting="response", expected=True)
        tables.append(survey.table)
    mean = tables[0].assign(percent=np.mean([t["percent"] for t in tables], axis=0))
    fit = compare(mean)
    fit = fit[[k in keys for k in cell_keys(fit)]]
    assert len(fit) == 97
    inside = int(fit["within"].astype(bool).sum())
    assert inside >= FIT_FLOOR * len(fit)
    assert inside >= record["fit"]["inside_margin"] - 6, (inside, record["fit"]["inside_margin"])


def test_docs_name_every_item_and_every_free_parameter():
    from pathlib import Path

    from govsim.experiments.survey.items import ITEMS

    text = (Path(__file__).resolve().parent.parent / "docs" / "calibration.md").read_text()
    for item in ITEMS:
        if item.role == "target":
            assert f"`{item.item}`" in text, item.item
    for prior in (*PRIORS, *CANDIDATES):
        assert f"`{prior.name}`" in text, prior.name


def test_quick_calibration_runs_on_a_dask_scheduler(tmp_path, capsys):
    import distributed

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        args = ["calibrate", "--quick", "--out", str(tmp_path), "--quiet"]
        args += ["--population", "6", "--generations", "1"]
        assert _run([*args, "--scheduler", cluster.scheduler_address]) == 0
    record = json.loads((tmp_path / "calibrated_parameters.json").read_text())
    assert record["provenance"]["sampler"].startswith("dask ")
    capsys.readouterr()


# ------------------------------------------------------------------------------ polish
UTRECHT = cal.CalibrationSettings(
    municipalities=("Utrecht",), patterns=False, judge_nationally=False
)


def _start_point() -> dict[str, float]:
    """Every free parameter at the middle of its prior (a deliberately poor start)."""
    return {p.name: (p.low + p.high) / 2 for p in PRIORS}


def test_common_random_numbers_give_every_particle_the_same_seed():
    crn = cal.SurveySimulator(seed=3, common_random_numbers=True)
    own = cal.SurveySimulator(seed=3)
    a, b = {"transition_rate": 0.1}, {"transition_rate": 0.2}
    assert crn.seed_sequence(a).entropy == crn.seed_sequence(b).entropy
    assert own.seed_sequence(a).spawn_key == cal.particle_seed(3, a).spawn_key
    assert own.seed_sequence(a).entropy != own.seed_sequence(b).entropy


def test_polish_lowers_the_distance_inside_the_priors_and_repeats_exactly():
    from govsim.experiments.calibration.polish import Objective, polish

    start = _start_point()
    kw = {"replications": 1, "n_procs": 1, "seed": 11, "progress": False, "legs": 1}
    first = polish(start, UTRECHT, 13, **kw)
    again = polish(start, UTRECHT, 13, **kw)
    assert first.evaluations == 13
    assert first.point == again.point and first.distance == again.distance
    # the path starts at the start and ends at the point, one entry per improvement
    assert len(first.path) == first.improvements + 1
    assert first.path[0] == pytest.approx(start) and first.path[-1] == first.point
    # it only ever moves to a better point, and a poor start leaves room to improve
    assert first.improvements >= 1
    assert first.distance < first.start_distance
    assert [d for _, d in first.trace] == sorted((d for _, d in first.trace), reverse=True)
    for prior in PRIORS:
        assert prior.low <= first.point[prior.name] <= prior.high
    # the reported distance is the objective's value at the point (common random numbers)
    objective = Objective(UTRECHT, [p.name for p in PRIORS], 1, 11)
    assert objective([first.point[p.name] for p in PRIORS]) == pytest.approx(first.distance)


def test_polish_legs_restart_on_fresh_seeds_and_repeat_exactly():
    from govsim.experiments.calibration.polish import Objective, leg_budgets, leg_seed, polish

    assert leg_budgets(2400, 3) == [800, 800, 800]
    assert leg_budgets(10, 3) == [4, 3, 3]
    assert leg_budgets(2, 3) == [1, 1] and leg_budgets(0, 3) == [1]
    assert leg_seed(11, 0) == 11 and len({leg_seed(11, k) for k in range(3)}) == 3
    start = _start_point()
    kw = {"replications": 1, "n_procs": 1, "seed": 11, "progress": False, "legs": 3}
    first = polish(start, UTRECHT, 15, **kw)
    again = polish(start, UTRECHT, 15, **kw)
    assert first.point == again.point and first.legs == again.legs
    assert first.evaluations == 15 == sum(leg["evaluations"] for leg in first.legs)
    assert [leg["seed"] for leg in first.legs] == [leg_seed(11, k) for k in range(3)]
    assert sum(leg["improvements"] for leg in first.legs) == first.improvements
    for leg in first.legs:  # within a leg the search only moves to a better point
        assert leg["distance"] <= leg["start_distance"]
    # each leg starts where the last ended, re-scored on its own seeds
    names = [p.name for p in PRIORS]
    last = Objective(UTRECHT, names, 1, first.legs[-1]["seed"])
    assert last([first.point[n] for n in names]) == pytest.approx(first.distance)
    assert first.start_distance == pytest.approx(first.legs[0]["start_distance"])


def test_polish_with_no_budget_returns_the_start_and_refuses_an_incomplete_one():
    from govsim.experiments.calibration.polish import polish

    start = _start_point()
    result = polish(start, UTRECHT, 1, replications=1, n_procs=1, seed=2, progress=False)
    assert result.point == pytest.approx(start) and result.improvements == 0
    with pytest.raises(ValueError, match="transition_rate"):
        polish({}, UTRECHT, 5, n_procs=1, progress=False)


def test_calibrate_rejects_a_negative_polish_budget(tmp_path, capsys):
    out = tmp_path / "cal"
    with pytest.raises(SystemExit) as stop:  # argparse's usage error: the flag's type refuses it
        _run(["calibrate", "--quick", "--out", str(out), "--polish-evaluations", "-1"])
    assert stop.value.code == 2
    assert "argument --polish-evaluations: must be 0 or more, got -1" in capsys.readouterr().err
    assert not out.exists()


def test_a_generation_below_the_minimum_acceptance_rate_is_abandoned(tmp_path):
    # 8 particles at an acceptance rate of at least 0.99: the generation may run 8 simulations
    # at most, which a real generation (acceptance about one half) never completes in
    settings = cal.CalibrationSettings(
        population=8,
        generations=1,
        municipalities=("Utrecht",),
        min_acceptance_rate=0.99,
        max_simulations=None,
    )
    with pytest.raises(cal.CalibrationError, match="before any generation"):
        cal.calibrate(settings, tmp_path / "h.db", n_procs=1)
    assert cal.CalibrationSettings().min_acceptance_rate == 0.04


# ------------------------------------------------------------------------------ warm start
def test_warm_start_is_the_installed_set_inside_the_priors_and_never_for_a_subset():
    from govsim.experiments.calibration.pipeline import warm_start_point
    from govsim.experiments.survey.questionnaire import calibrated_instrument

    settings = cal.CalibrationSettings()
    point = warm_start_point(settings)
    record = json.loads(CALIBRATED_PATH.read_text())
    installed = {**record["parameters"], **calibrated_instrument(record["instrument"])}
    assert set(point) == {p.name for p in PRIORS}
    for prior in PRIORS:
        assert prior.low <= point[prior.name] <= prior.high
        if prior.name in installed:
            expected = min(max(installed[prior.name], prior.low), prior.high)
            assert point[prior.name] == pytest.approx(expected)
    # a hold-out or target subset must not start from a set fitted on every figure
    for changed in ({"targets": ("table_3",)}, {"holdout": ("social",)}):
        assert warm_start_point(cal.CalibrationSettings(**changed)) is None
    # the start is stored with the run's settings, so a resumed run starts from the same
    stored = cal.CalibrationSettings(start=point)
    assert cal.CalibrationSettings.from_json(stored.to_json()) == stored


def test_a_calibrated_record_gives_its_instrument_settings_and_nothing_else():
    from govsim.experiments.survey.questionnaire import calibrated_instrument

    got = calibrated_instrument({"answer_noise": 0.2, "emphasis_scale": 3.0, "unknown": 1.0})
    assert got == {"answer_noise": 0.2, "emphasis_scale": 3.0}  # no value invented


def test_stored_settings_with_unknown_fields_are_refused():
    text = cal.CalibrationSettings().to_json().replace('"answers"', '"answer_mode"')
    with pytest.raises(cal.CalibrationError, match="unknown fields answer_mode"):
        cal.CalibrationSettings.from_json(text)


def test_the_posterior_is_drawn_with_pyabcs_own_plots(tmp_path, monkeypatch):
    import pyabc.visualization as viz

    from govsim.experiments.calibration.fit_report import plot_posterior
    from govsim.experiments.calibration.priors import FREE, PRIORS

    bounds = {p.name: (p.low, p.high) for p in PRIORS}
    rng = np.random.default_rng(3)
    names = list(FREE)
    particles = pd.DataFrame({n: rng.uniform(*bounds[n], 40) for n in names})
    # one parameter narrowed to a tenth of its prior: the best constrained, first in the pairs
    lo, hi = bounds[names[4]]
    particles[names[4]] = rng.uniform(lo, lo + (hi - lo) / 10, 40)
    chosen = {n: float(particles[n].iloc[0]) for n in names}
    one, matrix = [], []
    real_1d, real_matrix = viz.plot_kde_1d, viz.plot_kde_matrix

    def spy_1d(df, w, x, **kw):
        one.append((x, kw["xmin"], kw["xmax"], kw["refval"]))
        return real_1d(df, w, x, **kw)

    def spy_matrix(df, w, **kw):
        matrix.append((list(df.columns), kw["limits"], kw["refval"]))
        return real_matrix(df, w, **kw)

    monkeypatch.setattr(viz, "plot_kde_1d", spy_1d)
    monkeypatch.setattr(viz, "plot_kde_matrix", spy_matrix)
    marg, pairs = plot_posterior(particles, rng.uniform(0.5, 1.0, 40), chosen, tmp_path)
    assert [x for x, *_ in one] == names
    assert all((lo_, hi_) == bounds[x] and ref == {x: chosen[x]} for x, lo_, hi_, ref in one)
    ((columns, limits, ref),) = matrix
    assert len(columns) == 6 and columns[0] == names[4]
    assert limits == {n: bounds[n] for n in columns}
    assert ref == {n: chosen[n] for n in columns}
    assert marg.stat().st_size > 10_000 and pairs.stat().st_size > 10_000
