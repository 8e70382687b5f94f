"""One survey path (`simulate_survey`): its seeding rule, its dates, and that every caller uses it.

Issue 14: "`simulate_survey(params, instrument, seed, date)` is the single function that
`govsim survey`, the ABC simulator and the fit report call"; "the survey at another date
returns every item".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsim.cli import main
from govsim.experiments.calibration import abc as cal
from govsim.experiments.calibration import fit_report
from govsim.experiments.survey import simulate
from govsim.experiments.survey.simulate import simulate_survey, survey_date, survey_seeds

PANEL = ("Utrecht",)
KEYS = ["item", "domain", "category", "source_table"]


@pytest.fixture(scope="module")
def in_2017() -> simulate.SimulatedSurvey:
    return simulate_survey(seed=4, municipalities=PANEL, sample="all")


@pytest.fixture(scope="module")
def in_2021() -> simulate.SimulatedSurvey:
    return simulate_survey(seed=4, date="2021-06", municipalities=PANEL, sample="all")


def test_a_survey_at_another_date_asks_every_item(in_2017, in_2021):
    assert in_2021.date.isoformat() == "2021-06-01" and in_2021.model.date == in_2021.date
    assert in_2017.date.isoformat() == "2017-08-01"
    a = in_2017.table.set_index(KEYS).sort_index()
    b = in_2021.table.set_index(KEYS).sort_index()
    assert a.index.equals(b.index) and len(a) > 150
    # every item and domain sums to 100% at both dates
    sums = in_2021.table.groupby(["item", "domain", "source_table"])["percent"].sum()
    np.testing.assert_allclose(sums, 100.0)
    # four years on, the municipalities answer differently
    assert (a["percent"] - b["percent"]).abs().max() > 5.0


def test_observed_figures_only_for_the_2017_fieldwork(in_2017, in_2021):
    assert in_2017.in_fieldwork and not in_2021.in_fieldwork
    then, later = in_2017.comparison(), in_2021.comparison()
    assert then["observed"].notna().sum() > 90 and (then["role"] == "reference").any()
    assert later["observed"].isna().all() and later["within"].isna().all()
    assert not (later["role"] == "reference").any()


def test_one_seed_gives_the_same_survey_and_the_rule_is_stated_once():
    a = simulate_survey(seed=11, municipalities=PANEL)
    b = simulate_survey(seed=11, municipalities=PANEL)
    c = simulate_survey(seed=12, municipalities=PANEL)
    pd.testing.assert_frame_equal(a.table, b.table, check_exact=True)
    assert not a.table["percent"].equals(c.table["percent"])
    ss = np.random.SeedSequence(99)
    first, again = survey_seeds(ss), survey_seeds(ss)  # a SeedSequence is not used up
    assert [s.generate_state(2).tolist() for s in first] == [
        s.generate_state(2).tolist() for s in again
    ]
    assert [s.spawn_key for s in survey_seeds(5)] == [(0,), (1,)]


@pytest.mark.parametrize(
    ("date", "message"),
    [("2040-01", "outside the simulated months 2013-01 to 2029-12"), ("soon", "such as 2017-08")],
)
def test_a_bad_date_is_refused_with_the_allowed_range(date, message):
    with pytest.raises(ValueError, match=message):
        survey_date(date)


def test_the_survey_command_fields_the_questionnaire_at_a_date(tmp_path, capsys):
    out = tmp_path / "monitor.csv"
    code = main(["survey", "--date", "2021-06", "--municipalities", "Utrecht", "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "fielded 2021-06 (no observed figures)" in text and "TARGETS" in text
    saved = pd.read_csv(out)
    assert saved["observed"].isna().all() and len(saved) > 150
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_survey_command_refuses_a_date_outside_the_calendar(tmp_path, capsys):
    out = tmp_path / "x.csv"
    code = main(["survey", "--date", "2040-01", "--municipalities", "Utrecht", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "govsim survey: survey date 2040-01 lies outside" in err and "Traceback" not in err
    assert not out.exists()


def test_the_survey_command_refuses_a_folder_as_out(tmp_path, capsys):
    assert main(["survey", "--municipalities", "Utrecht", "--out", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_cli_abc_and_fit_report_all_go_through_simulate_survey(monkeypatch, tmp_path, capsys):
    calls: list[tuple[str, str]] = []
    real = simulate.simulate_survey

    def spy(*args, **kwargs):
        survey = real(*args, **kwargs)
        calls.append((str(survey.date), kwargs.get("sample", "stratified")))
        return survey

    monkeypatch.setattr(simulate, "simulate_survey", spy)
    assert main(["survey", "--municipalities", "Utrecht"]) == 0
    assert calls == [("2017-08-01", "stratified")]
    stats = cal.SurveySimulator(1, PANEL)({"answer_noise": 0.2})
    assert calls[-1] == ("2017-08-01", "all") and cal.PATTERN_KEY in stats
    reps = fit_report.replicate({}, {}, 2, seed=3, municipalities=PANEL, progress=False)
    assert len(calls) == 4 and set(reps["replication"]) == {0, 1}
    capsys.readouterr()


def test_a_difference_that_rounds_to_zero_prints_plus_zero_never_minus_zero():
    from govsim.experiments.survey.questionnaire import compare, format_comparison, load_observed

    observed = load_observed()
    simulated = observed[observed["role"] == "target"].head(3).copy()
    simulated["percent"] = simulated["percent"] + np.array([-0.04, 0.04, -2.0])
    rows = format_comparison(compare(simulated, observed)).splitlines()
    shown = [r for r in rows if any(item in r for item in simulated["item"])]
    assert [r.split()[-2] for r in shown[:3]] == ["+0.0", "+0.0", "-2.0"]
    assert not any(" -0.0 " in r for r in rows)
