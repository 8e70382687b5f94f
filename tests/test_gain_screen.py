"""The gain screen (what freeing a fixed parameter gains at a fit) and the free set's exchange."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from govsim.experiments.calibration import gain_screen as gs
from govsim.experiments.calibration import local_screen as ls
from govsim.experiments.calibration.screen import (
    DOMAIN_SCREENS,
    PATTERNS_KEY,
    exchange,
    survey_distances,
)
from govsim.experiments.survey.items import INSTRUMENT_DEFAULTS
from govsim.model.parameters import defaults

PANEL = ("Utrecht",)


def point() -> tuple[dict[str, float], dict[str, float]]:
    """Declared values with one model parameter moved."""
    params = defaults(calibrated=False)
    params.update(transition_rate=0.35)
    return params, dict(INSTRUMENT_DEFAULTS)


def test_a_gain_is_the_point_s_distance_less_the_best_on_the_grid():
    params, instrument = point()
    seeds = [3, 4]
    values = [0.3, 0.9]
    table = gs.freeing_gains(
        params, instrument, {"council_grip": values}, seeds, municipalities=PANEL
    ).set_index("parameter")
    base = [survey_distances(params, instrument, s, PANEL) for s in seeds]
    moved = {
        v: [survey_distances({**params, "council_grip": v}, instrument, s, PANEL) for s in seeds]
        for v in values
    }
    for n in DOMAIN_SCREENS:
        best = min(np.mean([r[n] for r in moved[v]]) for v in values)
        expected = max(0.0, np.mean([b[n] for b in base]) - best)
        assert table.loc["council_grip", f"gain_{n}"] == pytest.approx(expected, abs=1e-12)
    assert table.loc["council_grip", "at_fit"] == defaults(calibrated=False)["council_grip"]


def test_gains_rank_the_candidates_and_name_the_best_value_and_its_patterns(monkeypatch):
    calls = []

    def fake(params, instrument, seed, municipalities=None, patterns=False):
        calls.append(seed)
        # the distance falls as council_grip nears 0.9 and as importance_noise nears 0.2;
        # council_grip above 0.8 breaks a check on one of the two seeds
        social = 4 * abs(params["council_grip"] - 0.9)
        physical = 2 * abs(instrument["importance_noise"] - 0.2)
        broken = float(params["council_grip"] > 0.8 and seed == 1)
        return {
            "all": social + physical,
            "social": social,
            "physical": physical,
            PATTERNS_KEY: broken,
        }

    monkeypatch.setattr(ls, "survey_distances", fake)
    params, instrument = point()
    params["council_grip"] = 0.7
    instrument["importance_noise"] = 0.1
    candidates = {
        "council_grip": [0.5, 0.9],
        "importance_noise": [0.05, 0.2, 0.25],
        "incident_grip": [0.1, 0.5],
    }
    table = gs.freeing_gains(params, instrument, candidates, [1, 2]).set_index("parameter")
    assert len(calls) == 2 * (1 + 2 + 3 + 2)
    assert table.loc["council_grip", "gain_social"] == pytest.approx(0.8)
    assert table.loc["council_grip", "gain_physical"] == 0.0
    assert table.loc["council_grip", "best"] == 0.9
    assert table.loc["council_grip", "patterns"] == pytest.approx(0.5)
    assert table.loc["importance_noise", "gain_all"] == pytest.approx(0.2)
    assert table.loc["importance_noise", "best"] == 0.2
    assert table.loc["importance_noise", "patterns"] == 0.0
    # nothing gained: no gain, the fitted value stands
    assert table.loc["incident_grip", "gain_all"] == 0.0
    assert table.loc["incident_grip", "best"] == params["incident_grip"]
    assert table.sort_values("rank").index.tolist() == [
        "council_grip",
        "importance_noise",
        "incident_grip",
    ]


def test_the_grid_runs_from_bound_to_bound():
    assert gs.grid(0.2, 0.7, 6) == pytest.approx([0.2, 0.3, 0.4, 0.5, 0.6, 0.7])


def test_the_command_refuses_a_grid_without_both_bounds_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        gs.main(["--grid", "1", "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "--grid" in err and "\n" not in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_the_command_refuses_a_bad_record_in_one_line(tmp_path, capsys):
    bad = tmp_path / "record.json"
    bad.write_text(json.dumps({"parameters": {"council_grip": 7.0}, "instrument": {}}))
    with pytest.raises(SystemExit) as stop:
        gs.main(["--record", str(bad), "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "council_grip" in err and "\n" not in err and "Traceback" not in err


def costs(**cost: float) -> pd.DataFrame:
    """A local screen's table."""
    return pd.DataFrame({"parameter": list(cost), "cost_all": list(cost.values())})


def gains(**gain: float) -> pd.DataFrame:
    """A gain screen's table; no pattern broken at any best value."""
    return pd.DataFrame({"parameter": list(gain), "gain_all": list(gain.values()), "patterns": 0.0})


def test_the_largest_gain_takes_the_cheapest_place_when_it_pays():
    free = ["a", "b", "c"]
    chosen = exchange(free, costs(a=3.0, b=0.1, c=2.0), gains(x=0.5, y=1.0))
    assert chosen == ["a", "y", "c"]
    # a gain no larger than the cost: no exchange
    assert exchange(free, costs(a=3.0, b=1.0, c=2.0), gains(x=0.5, y=1.0)) == free


def test_the_exchange_spares_the_keepers_and_skips_what_breaks_a_pattern_or_is_excluded():
    free = ["a", "b", "c"]
    c = costs(a=3.0, b=0.1, c=2.0)
    # b keeps a pattern: c (the next cheapest) leaves
    assert exchange(free, c, gains(y=2.5), keepers=["b"]) == ["a", "b", "y"]
    # y breaks a pattern at its best value, z is excluded: x comes in
    g = gains(x=0.5, y=1.0, z=3.0)
    g.loc[g["parameter"] == "y", "patterns"] = 1.0
    assert exchange(free, c, g, excluded=["z"]) == ["a", "x", "c"]
    # every free parameter a keeper: no exchange
    assert exchange(free, c, gains(y=9.0), keepers=free) == free


def test_a_split_off_noise_comes_in_only_with_its_source_which_stays():
    # importance_noise is split off answer_noise (SPLIT_FROM)
    free = ["answer_noise", "b"]
    c = costs(answer_noise=0.01, b=0.5)
    g = gains(importance_noise=2.0)
    # the source is the cheapest but stays: b leaves
    assert exchange(free, c, g) == ["answer_noise", "importance_noise"]
    # without its source the split-off noise cannot come in
    assert exchange(["a", "b"], costs(a=1.0, b=0.5), g) == ["a", "b"]
