"""The acceptance figure over replication seeds (`experiments.calibration.acceptance`).

Issue 14: ">= 80% of target figures inside the margin (median over 4 replication seeds)".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govsim.experiments.calibration import acceptance as acc
from govsim.experiments.calibration import fit_report as fr
from govsim.experiments.calibration.distance import select_cells
from govsim.experiments.survey.questionnaire import instrument_settings
from govsim.model.parameters import defaults

UTRECHT = ("Utrecht",)


def test_the_first_seed_is_the_given_one_and_the_others_are_distinct_and_repeatable():
    seeds = acc.replication_seeds(20170803, 4)
    assert seeds[0] == 20170803 and len(set(seeds)) == 4
    assert acc.replication_seeds(20170803, 4) == seeds
    assert acc.replication_seeds(20170803, 2) == seeds[:2]  # more seeds extend, never reshuffle
    assert acc.replication_seeds(5, 4)[1:] != seeds[1:]
    with pytest.raises(ValueError, match="at least 1, got 0"):
        acc.replication_seeds(1, 0)


def test_rows_per_seed_and_their_median():
    keys = list(select_cells()["key"])
    params, instrument = defaults(), instrument_settings()
    seeds = acc.replication_seeds(11, 3)
    rows = acc.over_seeds(
        params,
        instrument,
        replications=2,
        seeds=seeds,
        fit_keys=keys,
        holdout_keys=[],
        municipalities=UTRECHT,
    )
    assert list(rows["seed"]) == seeds
    assert (rows["target_figures"] == 97).all()
    # each row is the fit table of its own seed's replications
    reps = fr.replicate(params, instrument, 2, seeds[2], municipalities=UTRECHT, progress=False)
    table = fr.fit_table(reps, keys, [])
    assert rows["inside_margin"].iloc[2] == int(table.loc[table["group"] == "fit", "within"].sum())
    targets = table[table["group"] == "fit"]
    assert rows["rmse_points"].iloc[2] == pytest.approx(
        float(np.sqrt(np.mean(targets["difference"] ** 2)))
    )
    summary = acc.summarise(rows)
    assert summary["inside_margin_median"] == float(np.median(rows["inside_margin"]))
    assert summary["inside_margin_by_seed"] == list(rows["inside_margin"])
    # a table passed for the first seed is used as it is, not recomputed
    fake = table.assign(within=table["within"].where(table["group"] != "fit", False))
    again = acc.over_seeds(
        params,
        instrument,
        replications=2,
        seeds=seeds[:1],
        fit_keys=keys,
        holdout_keys=[],
        municipalities=UTRECHT,
        first=fake,
    )
    assert again["inside_margin"].iloc[0] == 0


def test_the_median_of_an_even_count_lies_between_the_middle_two():
    rows = pd.DataFrame(
        {
            "seed": [1, 2, 3, 4],
            "target_figures": [97] * 4,
            "inside_margin": [60, 64, 57, 61],
            "share_inside_margin": [60 / 97, 64 / 97, 57 / 97, 61 / 97],
            "rmse_points": [6.0, 5.0, 7.0, 6.5],
        }
    )
    summary = acc.summarise(rows)
    assert summary["inside_margin_median"] == 60.5
    assert summary["rmse_points_median"] == 6.25


def test_the_command_prints_the_median_and_writes_the_rows(tmp_path, capsys, monkeypatch):
    calls = []

    def small(seeds, replications, seed, progress, record):
        calls.append((seeds, replications, seed, record))
        return pd.DataFrame(
            {
                "seed": acc.replication_seeds(seed, seeds),
                "target_figures": [97] * seeds,
                "inside_margin": [50, 52][:seeds],
                "share_inside_margin": [50 / 97, 52 / 97][:seeds],
                "rmse_points": [7.0, 6.0][:seeds],
            }
        )

    monkeypatch.setattr(acc, "installed", small)
    out = tmp_path / "rows.csv"
    assert acc.main(["--seeds", "2", "--replications", "3", "--out", str(out)]) == 0
    assert calls == [(2, 3, acc.DEFAULT_SEED, None)]
    printed = capsys.readouterr().out
    assert "median over 2 seeds: 51 of 97 target figures inside the margin (53%)" in printed
    assert list(pd.read_csv(out)["inside_margin"]) == [50, 52]
    with pytest.raises(SystemExit):
        acc.main(["--seeds", "0"])


def test_a_record_is_read_over_the_declared_defaults(tmp_path):
    import json

    from govsim.experiments.survey.items import INSTRUMENT_DEFAULTS

    path = tmp_path / "calibrated_parameters.json"
    record = {"parameters": {"transition_rate": 0.3}, "instrument": {"importance_noise": 0.2}}
    path.write_text(json.dumps(record))
    params, instrument = acc.record_point(path)
    assert params["transition_rate"] == 0.3
    declared = defaults(calibrated=False)
    assert all(params[k] == v for k, v in declared.items() if k != "transition_rate")
    assert instrument == {**INSTRUMENT_DEFAULTS, "importance_noise": 0.2}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a calibrated record"),
        ('{"parameters": {}}', "not a calibrated record"),
        ('{"parameters": {"warp_speed": 1}, "instrument": {}}', "unknown parameter 'warp_speed'"),
        ('{"parameters": {"transition_rate": 9}, "instrument": {}}', "transition_rate"),
        ('{"parameters": {}, "instrument": {"loudness": 1}}', "unknown instrument setting"),
    ],
)
def test_a_bad_record_is_one_paragraph_without_traceback(tmp_path, capsys, content, message):
    path = tmp_path / "record.json"
    path.write_text(content)
    with pytest.raises(SystemExit) as exit_info:
        acc.main(["--record", str(path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
