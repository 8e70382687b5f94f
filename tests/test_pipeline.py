"""The calibration as a pipeline (`experiments.calibration.pipeline`) and its thin command.

Issue 14: "`experiments/calibration/pipeline.py` with `run(settings) -> Outcome`; each CLI
command ≤ 40 lines"; "a quick hold-out calibration runs end to end in < 3 minutes".
"""

from __future__ import annotations

import inspect
import json
from dataclasses import replace
from pathlib import Path

import pytest

from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration import cli, pipeline
from govsim.experiments.calibration.priors import FREE, PRIORS
from govsim.model.parameters import CALIBRATED_PATH


@pytest.mark.timeout(180)
def test_a_quick_holdout_calibration_runs_end_to_end(tmp_path, monkeypatch):
    from govsim.experiments.calibration import fit_report

    before = CALIBRATED_PATH.read_bytes()
    seen = []
    replicate = fit_report.replicate

    def spy(params, instrument, *args, **kwargs):
        seen.append(dict(instrument))
        return replicate(params, instrument, *args, **kwargs)

    monkeypatch.setattr(fit_report, "replicate", spy)
    settings = pipeline.PipelineSettings(
        calibration=cal.CalibrationSettings(
            **{**pipeline.QUICK, "population": 8, "generations": 1, "seed": 3},
            holdout=("table_5",),
        ),
        out=tmp_path / "cal",
        replications=2,
        acceptance_seeds=3,
        polish_evaluations=0,
        quick=True,
        progress=False,
    )
    outcome = pipeline.run(settings)
    assert outcome.run_id == 1 and not outcome.resumed and not outcome.installed
    assert {"report.md", "fit.csv", "calibrated_parameters.json", "calibration.db"} <= set(
        outcome.files
    )
    record = json.loads((tmp_path / "cal" / "calibrated_parameters.json").read_text())
    for part in ("parameters", "instrument", "provenance", "version"):
        assert record[part] == outcome.record[part], part
    prov = record["provenance"]
    assert prov["holdout"] == ["table_5"] and prov["fitted_figures"] == 97 - 17
    # how the ABC sampled, and pyabc's effective sample size of its last generation
    assert (prov["kernel"], prov["kernel_scaling"], prov["epsilon_alpha"]) == ("marginal", 4, 0.5)
    assert 0 < prov["final_ess"] <= 8
    # why the ABC stopped, which pyabc does not record
    assert prov["abc_stopped"].startswith(
        (f"it reached {prov['generations']} generation", "it used its budget")
    )
    # the hold-out is reported out of sample, next to the fitted figures
    groups = {row["group"]: row for row in record["fit"]["errors"]}
    assert groups["hold-out (not fitted)"]["figures"] == 17
    assert groups["in-sample (fitted)"]["figures"] == 80
    assert prov["warm_start"] is None  # never for a hold-out: the installed set saw table 5
    # the free set, and no more; Table 5 held out cannot inform Table 5's own noise, so it is
    # tied to the judgement items' noise
    assert set(record["parameters"]) | set(record["instrument"]) == set(FREE)
    assert record["instrument"]["change_noise"] == record["instrument"]["answer_noise"]
    assert prov["tied_settings"] == {"change_noise": "answer_noise"}
    # the replications read every setting the run left fixed at its declared value, not at
    # the installed set's
    expected = cal.full_instrument(record["instrument"])  # the record rounds to 6 digits
    assert seen and all(instrument == pytest.approx(expected, abs=1e-6) for instrument in seen)
    assert CALIBRATED_PATH.read_bytes() == before  # a quick run never installs
    assert "target figures inside the survey's margin" in outcome.summary()
    # the acceptance figure is the median over the replication seeds; the first seed is the
    # fit table's own, the others independent streams
    fit = record["fit"]
    by_seed = fit["inside_margin_by_seed"]
    assert len(by_seed) == 3 and len(set(fit["seeds"])) == 3
    assert by_seed[0] == fit["inside_margin"]
    assert fit["inside_margin_median"] == sorted(by_seed)[1]
    assert "acceptance_seeds.csv" in outcome.files
    report = (tmp_path / "cal" / "report.md").read_text()
    assert "the median over 3 replication seeds of 2 runs each" in report
    # the report's patterns checked in a run to the survey month per acceptance seed
    broken = fit["patterns_broken_by_seed"]
    assert len(broken) == 3 and all(isinstance(b, list) for b in broken)
    assert ("every report pattern the calibration checks holds" in report) == (not any(broken))
    assert all(name in report for b in broken for name in b)
    assert f"median over 3 replication seeds: {', '.join(map(str, by_seed))}" in (outcome.summary())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"calibration": cal.CalibrationSettings(population=1)}, "--population must be >= 2"),
        ({"replications": 5}, "--replications must be at least 20"),
        ({"polish_evaluations": -1}, "--polish-evaluations must be 0 or more"),
        ({"acceptance_seeds": 0}, "--acceptance-seeds must be at least 1, got 0"),
        ({"procs": 0}, "--procs must be 1 or more"),
        (
            {"calibration": cal.CalibrationSettings(max_walltime_minutes=-1)},
            "--max-minutes must be more than 0, got -1",
        ),
        (
            {"calibration": cal.CalibrationSettings(max_simulations=0)},
            "--max-simulations must be at least 1",
        ),
        ({"calibration": cal.CalibrationSettings(targets=("table_9",))}, "matches no target"),
        ({"judging": {"kernel": "joint"}}, "only the judging settings"),
    ],
)
def test_bad_settings_are_refused_before_anything_is_written(tmp_path, change, message):
    out = tmp_path / "never"
    base = {"calibration": cal.CalibrationSettings(), "out": out, **change}
    with pytest.raises((cal.CalibrationError, ValueError), match=message):
        pipeline.PipelineSettings(**base)
    assert not out.exists()


def test_a_stored_run_is_judged_again_with_judging_given_anew(tmp_path, monkeypatch):
    """--report-only/--resume with --pattern-jump or --judge-on-panel: the stored ABC's settings
    with those replaced; a new run takes them from its own settings."""
    stored = cal.CalibrationSettings(kernel="joint", pattern_jump=1.0)
    monkeypatch.setattr(
        cal, "calibrate", lambda *a, **k: cal.CalibrationResult(tmp_path, 1, stored, None, 0, True)
    )
    flags = ["--pattern-jump", "3", "--pattern-margin", "0.02"]
    args = cli.build_parser().parse_args(
        ["calibrate", "--report-only", "--out", str(tmp_path), *flags]
    )
    settings = cli.pipeline_settings(args)
    assert settings.judging == {"pattern_jump": 3.0, "pattern_margin": 0.02}
    result = pipeline.sample(settings)
    assert result.settings.pattern_jump == 3.0 and result.settings.kernel == "joint"
    assert result.settings.judge_nationally
    args = cli.build_parser().parse_args(
        ["calibrate", "--resume", "--out", str(tmp_path), "--judge-on-panel"]
    )
    result = pipeline.sample(cli.pipeline_settings(args))
    assert not result.settings.judge_nationally and result.settings.pattern_jump == 1.0
    # --fresh on a stored run drops its warm start; without it the stored start stays
    warm = {"satisfaction_base": 0.7}
    stored = cal.CalibrationSettings(start=warm)
    for flags, start in (([], warm), (["--fresh"], None)):
        args = cli.build_parser().parse_args(
            ["calibrate", "--report-only", "--out", str(tmp_path), *flags]
        )
        assert pipeline.sample(cli.pipeline_settings(args)).settings.start == start
    stored = cal.CalibrationSettings(kernel="joint", pattern_jump=1.0)
    # a new run: the flags are its own settings, nothing replaced afterwards
    args = cli.build_parser().parse_args(["calibrate", "--out", str(tmp_path / "new")])
    assert cli.pipeline_settings(args).judging is None
    assert pipeline.sample(cli.pipeline_settings(args)).settings == stored


def test_the_command_handlers_are_thin():
    for handler in (cli.cmd_calibrate, cli.cmd_survey):
        lines = inspect.getsource(handler).splitlines()
        assert len(lines) <= 40, (handler.__name__, len(lines))
    source = inspect.getsource(cli)
    assert "pipeline.run(" in source and "fit_report" not in source


def test_the_quick_help_states_the_quick_budget():
    parser = cli.build_parser()
    calibrate = parser._subparsers._group_actions[0].choices["calibrate"]
    assert f"{pipeline.QUICK_POLISH_EVALUATIONS} with --quick" in calibrate.format_help()


def test_at_most_fifteen_free_parameters():
    assert len(PRIORS) == len(FREE) <= 15


def test_a_set_that_fits_worse_than_the_installed_one_is_not_installed(tmp_path, monkeypatch):
    import govsim.model.parameters as parameters

    installed = tmp_path / "calibrated.json"
    installed.write_text(json.dumps({"fit": {"inside_margin": 64, "target_figures": 97}}))
    monkeypatch.setattr(parameters, "CALIBRATED_PATH", installed)
    worse = {"fit": {"inside_margin": 10, "target_figures": 97}}
    message = pipeline.install_refusal(worse)
    assert message.startswith("not installed: 10 of 97 target figures inside the margin")
    assert "against 64" in message
    assert pipeline.install_refusal({"fit": {"inside_margin": 64, "target_figures": 97}}) is None
    monkeypatch.setattr(parameters, "CALIBRATED_PATH", tmp_path / "none.json")
    assert pipeline.install_refusal(worse) is None  # nothing installed: nothing to keep


def test_records_with_medians_over_seeds_are_compared_by_their_medians(tmp_path, monkeypatch):
    import govsim.model.parameters as parameters

    installed = tmp_path / "calibrated.json"
    fit = {"inside_margin": 64, "inside_margin_median": 60.5, "target_figures": 97}
    installed.write_text(json.dumps({"fit": fit}))
    monkeypatch.setattr(parameters, "CALIBRATED_PATH", installed)
    # more inside on its first seed, fewer over the seeds: refused
    lucky = {"fit": {"inside_margin": 66, "inside_margin_median": 59.0, "target_figures": 97}}
    message = pipeline.install_refusal(lucky)
    assert message.startswith("not installed: 59 of 97")
    assert "against 60.5 for the installed set (median over replication seeds" in message
    steady = {"fit": {"inside_margin": 58, "inside_margin_median": 61.0, "target_figures": 97}}
    assert pipeline.install_refusal(steady) is None


def test_the_posterior_table_flags_a_parameter_as_wide_as_its_prior():
    import numpy as np
    import pandas as pd

    from govsim.experiments.calibration.fit_report import _identification_sentence
    from govsim.experiments.calibration.pipeline import WIDE_POSTERIOR, summarise_posterior
    from govsim.experiments.calibration.priors import PRIOR_BY_NAME

    rng = np.random.default_rng(7)
    a, b = PRIOR_BY_NAME["transition_rate"], PRIOR_BY_NAME["learning_rate"]
    n = 4000
    particles = pd.DataFrame(
        {
            "transition_rate": rng.uniform(a.low, a.high, n),  # as wide as the prior
            "learning_rate": rng.uniform(b.low, b.low + (b.high - b.low) / 5, n),  # a fifth
        }
    )
    table = summarise_posterior(
        particles, np.full(n, 1.0 / n), {"transition_rate": 0.2, "learning_rate": 0.1}
    )
    ratio = dict(zip(table["parameter"], table["width_ratio"], strict=True))
    assert ratio["transition_rate"] == pytest.approx(1.0, abs=0.03)
    assert ratio["learning_rate"] == pytest.approx(0.2, abs=0.02)
    assert ratio["transition_rate"] >= WIDE_POSTERIOR > ratio["learning_rate"]
    assert dict(zip(table["parameter"], table["identified"], strict=True)) == {
        "transition_rate": False,
        "learning_rate": True,
    }
    sentence = _identification_sentence(table)
    assert "Not identified" in sentence and "`transition_rate`" in sentence
    assert "learning_rate" not in sentence
    assert "Every free parameter" in _identification_sentence(table.iloc[1:])


def _fit(inside: float, broken: list[list[str]] | None = None) -> dict:
    fit = {"inside_margin": inside, "inside_margin_median": inside, "target_figures": 97}
    return {**fit, "patterns_broken_by_seed": broken if broken is not None else [[]] * 4}


def test_a_set_that_breaks_a_report_pattern_nationally_is_not_installed(tmp_path, monkeypatch):
    import govsim.model.parameters as parameters

    monkeypatch.setattr(parameters, "CALIBRATED_PATH", tmp_path / "none.json")
    broken = {"fit": _fit(90, [[], ["P8:transition_physical"], [], ["P12:wait", "P8:x"]])}
    message = pipeline.install_refusal(broken)
    assert message.startswith("not installed: the set breaks the report's pattern check(s)")
    assert "P12:wait, P8:transition_physical, P8:x" in message and "on 2 of 4 seeds" in message
    assert pipeline.install_refusal({"fit": _fit(90)}) is None


def test_the_pattern_check_is_run_when_a_record_does_not_hold_it(tmp_path, monkeypatch):
    """At the declared defaults the physical transformation runs ahead of its transition (P8)
    and the 3D satisfaction does not grow (P7) nationally, on every seed."""
    import govsim.model.parameters as parameters
    from govsim.experiments.calibration import acceptance as acc

    monkeypatch.setattr(parameters, "CALIBRATED_PATH", tmp_path / "none.json")
    declared = parameters.defaults(calibrated=False)
    broken = acc.patterns_by_seed(declared, [5, 6])
    assert all("P8:transition_physical" in b and "P7" in b for b in broken)
    record = {"parameters": {"transition_rate": 0.12}, "instrument": {}, "fit": {"x": 1}}
    message = pipeline.install_refusal(record)
    assert message.startswith("not installed: the set breaks")
    assert "P7" in message and "P8:transition_physical" in message and "on 4 of 4 seeds" in message


def test_at_most_fifteen_fitted_values_are_installed_and_a_larger_set_gives_way(
    tmp_path, monkeypatch
):
    import govsim.model.parameters as parameters

    installed = tmp_path / "calibrated.json"
    big = {f"p{k}": 0.1 for k in range(30)}
    installed.write_text(json.dumps({"parameters": big, "instrument": {}, "fit": _fit(66.5)}))
    monkeypatch.setattr(parameters, "CALIBRATED_PATH", installed)
    sixteen = {"parameters": {f"p{k}": 0.1 for k in range(14)}, "instrument": {"a": 1, "b": 2}}
    assert pipeline.fitted_count(sixteen) == 16 and pipeline.fitted_count({"fit": {}}) is None
    message = pipeline.install_refusal({**sixteen, "fit": _fit(90)})
    assert message == "not installed: 16 fitted values, more than the 15 issue 14 allows"
    # the installed set was fitted with 30: a set of 15 that keeps the patterns replaces it,
    # though it fits fewer figures
    fifteen = {"parameters": {f"p{k}": 0.1 for k in range(13)}, "instrument": {"a": 1, "b": 2}}
    assert pipeline.install_refusal({**fifteen, "fit": _fit(55)}) is None
    # between sets of at most 15 the fit decides
    installed.write_text(json.dumps({**fifteen, "fit": _fit(56)}))
    assert pipeline.install_refusal({**fifteen, "fit": _fit(55)}).startswith(
        "not installed: 55 of 97"
    )


def _fake_search(monkeypatch, candidates, evaluations, starts, warm=None):
    """`pipeline.choose` on fake candidates whose score is their value of ``x``; the local
    search from a start at x moves to x - 1, then x - 2 (or nowhere from x <= 2)."""
    from govsim.experiments.calibration.polish import PolishResult

    calls = []

    def search(start, settings, evaluations, **kwargs):
        calls.append((start["x"], evaluations))
        x = start["x"]
        path = [dict(start)] + ([{"x": x - 1}, {"x": x - 2}] if x > 2 else [])
        return PolishResult(path[-1], x - 2, x, evaluations, len(path) - 1, 0.1, path=path)

    monkeypatch.setattr(cal, "candidate_points", lambda history: dict(candidates))
    monkeypatch.setattr(
        cal, "score_points", lambda points, *a, **k: {n: float(p["x"]) for n, p in points.items()}
    )
    monkeypatch.setattr(pipeline, "polish", search)
    result = cal.CalibrationResult(None, 1, cal.CalibrationSettings(start=warm), None, 0, True)
    settings = pipeline.PipelineSettings(
        calibration=result.settings,
        out=Path("unused"),
        polish_evaluations=evaluations,
        polish_starts=starts,
        progress=False,
    )
    return result, settings, calls


def test_the_local_search_starts_from_the_best_k_candidates_with_a_share_each(monkeypatch):
    candidates = {"posterior_mean": {"x": 9.0}, "best_particle_1": {"x": 7.0}}
    candidates["best_particle_2"] = {"x": 8.0}
    result, settings, calls = _fake_search(monkeypatch, candidates, 90, 3, warm={"x": 7.5})
    choice = pipeline.choose(result, settings)
    # the three best by score (the warm start among them), each with a third of the budget
    assert calls == [(7.0, 30), (7.5, 30), (8.0, 30)]
    assert set(choice.searches) == {"best_particle_1", "installed", "best_particle_2"}
    # every search's points scored; the best of all chosen, with the search it came from
    assert choice.name == "polished[best_particle_1]" and choice.values == {"x": 5.0}
    assert choice.scores["polished[installed]-1"] == 6.5
    assert choice.start == "best_particle_1"
    assert choice.polished is choice.searches["best_particle_1"]
    # one start: the former names, and the best candidate is the start
    calls.clear()
    settings = replace(settings, polish_starts=1)
    choice = pipeline.choose(result, settings)
    assert calls == [(7.0, 90)] and choice.name == "polished" and choice.start == "best_particle_1"
    assert choice.scores["polished-1"] == 6.0 and set(choice.searches) == {"best_particle_1"}


def test_a_search_that_finds_nothing_leaves_the_best_candidate(monkeypatch):
    result, settings, calls = _fake_search(monkeypatch, {"a": {"x": 2.0}, "b": {"x": 1.5}}, 10, 5)
    choice = pipeline.choose(result, settings)
    assert calls == [(1.5, 5), (2.0, 5)]  # no more starts than candidates
    assert choice.name == "b" and choice.values == {"x": 1.5} and choice.start == "b"


def test_polish_starts_is_refused_below_one(tmp_path):
    with pytest.raises(cal.CalibrationError, match="--polish-starts must be 1 or more, got 0"):
        pipeline.PipelineSettings(
            calibration=cal.CalibrationSettings(), out=tmp_path, polish_starts=0
        )
    args = cli.build_parser().parse_args(["calibrate", "--out", str(tmp_path)])
    assert cli.pipeline_settings(args).polish_starts == 1
    args = cli.build_parser().parse_args(
        ["calibrate", "--out", str(tmp_path), "--polish-starts", "3"]
    )
    assert cli.pipeline_settings(args).polish_starts == 3


def test_the_report_names_every_start_of_the_local_search():
    from govsim.experiments.calibration import fit_report

    one = {"score": 6.0, "evaluations": 30, "improvements": 2, "start_distance": 7.0}
    polish = {
        "start": "best_particle_1",
        "evaluations": 30,
        "improvements": 2,
        "seconds": 4.0,
        "start_distance": 7.0,
        "distance": 5.0,
        "adopted": True,
        "legs": [],
        "starts": {
            "best_particle_1": {**one, "distance": 5.0},
            "installed": {**one, "score": 7.5, "distance": 5.5},
        },
    }
    sentence = fit_report._polish_sentence(polish)
    assert "from best_particle_1 evaluated 30 parameter sets" in sentence
    assert "one of 2 searches, from the best 2 candidates" in sentence
    assert "installed (score 7.5; 7 -> 5.5, 2 improvements)" in sentence
    assert "searches" not in fit_report._polish_sentence({**polish, "starts": {}})
