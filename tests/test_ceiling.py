"""The reach diagnostic: every declared prior free, searched from the installed values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration import ceiling
from govsim.experiments.calibration.priors import FREE, INSTRUMENT, PRIOR_BY_NAME
from govsim.experiments.survey.questionnaire import instrument_settings
from govsim.model.parameters import defaults

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_declared_prior_is_free_and_starts_at_its_installed_value():
    settings = ceiling.all_free_settings()
    start = acc.installed_point(settings)
    assert set(start) == set(PRIOR_BY_NAME)
    assert set(FREE) < set(start) and set(INSTRUMENT) <= set(start)
    installed = {**defaults(), **instrument_settings()}
    assert start == {name: float(installed[name]) for name in start}


def test_the_installed_point_scores_what_the_acceptance_command_scores():
    """Split into model and instrument the way the calibration does, the start is the installed
    set to the figure: the same seeds give the same acceptance summary."""
    settings = ceiling.all_free_settings()
    seeds = acc.replication_seeds(acc.DEFAULT_SEED, 1)
    ours = ceiling.acceptance_at(acc.installed_point(settings), settings, 2, seeds)
    theirs = acc.summarise(acc.installed(seeds=1, replications=2))
    assert ours == theirs
    assert 0 < ours["inside_margin_median"] <= 97


def test_a_search_of_one_evaluation_keeps_the_start_and_scores_it_twice_alike():
    outcome = ceiling.reach(
        evaluations=1, replications=2, seeds=1, n_procs=1, municipalities=["Utrecht"]
    )
    assert outcome["all_free"]["point"] == outcome["installed"]["point"]
    assert outcome["all_free"]["acceptance"] == outcome["installed"]["acceptance"]
    assert outcome["search"]["evaluations"] == 1 and outcome["search"]["moves"] == 0
    line = ceiling.summary_line(outcome)
    assert f"{len(PRIOR_BY_NAME)} parameters free" in line
    median = outcome["installed"]["acceptance"]["inside_margin_median"]
    assert f"{median:g} at the installed values" in line


def test_the_command_writes_its_outcome_and_refuses_a_bad_budget(tmp_path, capsys):
    out = tmp_path / "ceiling.json"
    args = ["--evaluations", "1", "--replications", "1", "--seeds", "1", "--workers", "1"]
    assert ceiling.main([*args, "--out", str(out)]) == 0
    outcome = json.loads(out.read_text(encoding="utf-8"))
    assert set(outcome["free"]) == set(PRIOR_BY_NAME)
    assert outcome["all_free"]["acceptance"] == outcome["installed"]["acceptance"]
    assert outcome["provenance"]["seeds"]["replications"] == [acc.DEFAULT_SEED]
    assert set(outcome["provenance"]) == {"code", "packages", "seeds"}
    assert "wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        ceiling.main(["--evaluations", "0"])
    assert stop.value.code == 2
    assert "--evaluations: must be at least 1, got 0" in capsys.readouterr().err


def test_the_committed_reach_from_version_14_starts_there_and_stays_short_of_80_percent():
    """docs/screen/ceiling_v14.json (docs/calibration.md §19): started from the installed set,
    every prior free, the figures inside rise but stay below 80% of 97 (78)."""
    outcome = json.loads((DOCS / "screen/ceiling_v14.json").read_text(encoding="utf-8"))
    assert outcome["installed"]["point"] == acc.installed_point(ceiling.all_free_settings())
    assert set(outcome["free"]) == set(PRIOR_BY_NAME)
    before = outcome["installed"]["acceptance"]["inside_margin_median"]
    after = outcome["all_free"]["acceptance"]["inside_margin_median"]
    assert before == acc.summarise(acc.installed())["inside_margin_median"]
    assert before + 10 < after < 0.8 * 97
    assert outcome["provenance"]["code"]["git_dirty"] is False
