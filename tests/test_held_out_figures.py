"""Held-out figures, figure by figure: a gate's calibration and single values changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govsim.experiments.calibration import held_out_figures as hof
from govsim.experiments.calibration.acceptance import record_point

DOCS = Path(__file__).resolve().parents[1] / "docs"
CROSS = DOCS / "validation/cross_domain/calibrated_parameters.json"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("time_pressure_legal_pull", "expected NAME=VALUE"),
        ("no_such_thing=1", "'no_such_thing' is not a parameter with a prior"),
        ("council_grip=high", "'high' is not a number"),
        ("council_grip=1.5", "council_grip must lie in its prior [0.3, 1]"),
    ],
)
def test_a_bad_change_is_refused_in_one_line_that_says_why(text, says):
    with pytest.raises(ValueError) as error:
        hof.parse_change(text)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_the_variants_start_from_the_gates_calibration_and_change_one_value_each():
    params, instrument = record_point(CROSS)
    values = {**params, **instrument}
    end_file = DOCS / "screen/overfit_cross_domain_v14.json"
    points = hof.variants("cross_domain", ["council_grip=0.9", "trust_loss=0.3"], end_file)
    assert list(points) == ["start", "end", "council_grip=0.9", "trust_loss=0.3"]
    start = points["start"]
    assert start == {k: float(values[k]) for k in start}
    assert points["end"] == json.loads(end_file.read_text(encoding="utf-8"))["end"]["point"]
    for key, (name, value) in (("council_grip=0.9", ("council_grip", 0.9)),
                               ("trust_loss=0.3", ("trust_loss", 0.3))):  # fmt: skip
        changed = {k for k in start if points[key][k] != start[k]}
        assert changed == {name} and points[key][name] == value
    with pytest.raises(ValueError, match="an outcome of gate 'table_5', not 'cross_domain'"):
        hof.variants("cross_domain", [], DOCS / "screen/overfit_table_5_v14.json")


def test_the_same_value_scores_the_same_figures_and_a_changed_one_moves_the_legal_quadrant():
    """Common random numbers: the start and a 'change' to its own value give the same table;
    a much smaller pull to legal steering under time pressure moves the Omgevingswet's legal
    items (docs/calibration.md §19)."""
    start = hof.variants("cross_domain", [])["start"]
    same = f"time_pressure_legal_pull={start['time_pressure_legal_pull']:g}"
    points = hof.variants("cross_domain", [same, "time_pressure_legal_pull=0.2"])
    diff, summary = hof.held_out_differences(
        "cross_domain", points, replications=2, municipalities=["Utrecht"]
    )
    assert len(diff) == 46 and set(diff.index.get_level_values("domain")) == {"physical"}
    assert diff["start"].equals(diff[same])
    legal = diff.loc["importance_legitimacy"]
    assert (legal["time_pressure_legal_pull=0.2"] != legal["start"]).any()
    assert list(summary["figures"]) == [46, 46, 46]
    by_point = summary.set_index("point")
    for name in points:
        assert by_point.loc[name, "mae_points"] == pytest.approx(diff[name].abs().mean())
    assert by_point.loc["start", "inside"] == by_point.loc[same, "inside"]


def test_the_command_refuses_a_bad_change_in_one_line_and_an_unknown_gate(capsys):
    assert hof.main(["cross_domain", "council_grip=2"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "must lie in its prior [0.3, 1]" in err
    with pytest.raises(SystemExit) as stop:
        hof.main(["inputs"])
    assert stop.value.code == 2
