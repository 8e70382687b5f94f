"""The Python API (issue 17): govsim.run, Result, govsim.load, and a stored run re-read."""

import json

import numpy as np
import pandas as pd
import pytest

import govsim
from govsim.result import DEFAULT_PLOT, Result
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.scenario import ScenarioError
from govsim.scenarios.stored import StoredRunError

SMALL = {"municipalities": ["Utrecht", "Borne"], "until": "2019-12"}


@pytest.fixture(scope="module")
def result() -> Result:
    return govsim.run(["baseline", "dso_delay"], replications=3, seed=7, progress=False, **SMALL)


def test_run_gives_the_scenarios_replications_and_months_asked_for(result):
    assert result.scenarios == ["baseline", "dso_delay"]
    assert result.reference == "baseline"
    assert result.replications == 3 and len(set(result.seeds)) == 3
    assert result.dates[0] == pd.Timestamp("2013-01-01")
    assert result.dates[-1] == pd.Timestamp("2019-12-01") and len(result.dates) == 84
    assert result.data.values["baseline"].shape == (3, 84, len(result.indicators))


def test_same_seed_same_numbers_and_another_seed_others(result):
    again = govsim.run(["baseline", "dso_delay"], replications=3, seed=7, progress=False, **SMALL)
    other = govsim.run(["baseline"], replications=3, seed=8, progress=False, **SMALL)
    for name in result.scenarios:
        np.testing.assert_array_equal(result.data.values[name], again.data.values[name])
    assert not np.array_equal(result.data.values["baseline"], other.data.values["baseline"])


def test_the_api_and_the_command_give_the_same_data_files(result, tmp_path):
    """govsim.run(...).save() writes what govsim run writes, byte for byte."""
    saved = result.save(tmp_path / "api", report=False)
    run_ensemble(
        ["baseline", "dso_delay"],
        replications=3,
        seed=7,
        out_dir=tmp_path / "cli",
        progress=False,
        report=False,
        **SMALL,
    )
    for name in ("series/baseline.parquet", "series/dso_delay.parquet", "summary.csv"):
        assert (saved / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    from govsim.scenarios.ensemble import read_series

    frame = read_series(tmp_path / "cli")
    assert frame["date"].dtype == "datetime64[ns]"  # dates, not Python objects
    assert len(frame) == 2 * 3 * 84


def test_to_frame_is_tidy_with_datetime64_dates(result):
    frame = result.to_frame(["transition_physical", "satisfaction_social"])
    assert list(frame.columns) == ["scenario", "indicator", "replication", "seed", "date", "value"]
    assert frame["date"].dtype == "datetime64[ns]"
    assert isinstance(frame["scenario"].dtype, pd.CategoricalDtype)
    assert len(frame) == 2 * 2 * 3 * 84
    one = frame[
        (frame.scenario == "dso_delay")
        & (frame.indicator == "transition_physical")
        & (frame.replication == 1)
    ]
    np.testing.assert_array_equal(
        one["value"].to_numpy(), result.data.column("dso_delay", "transition_physical")[1]
    )
    wide = result.to_frame(["transition_physical"], wide=True)
    assert list(wide.columns) == ["scenario", "replication", "seed", "date", "transition_physical"]


def test_summary_and_difference(result):
    summary = result.summary(["transition_physical"])
    assert summary["date"].dtype == "datetime64[ns]"
    assert set(summary["scenario"]) == {"baseline", "dso_delay"}
    assert (summary["p05"] <= summary["median"]).all() and (
        summary["median"] <= summary["p95"]
    ).all()
    same = result.difference("transition_physical", "baseline")
    assert (same.to_numpy() == 0).all()
    later = result.difference("transition_physical", "dso_delay")
    assert later.index.dtype == "datetime64[ns]"
    assert later.loc["2019-12-01", "median"] < 0  # the DSO later: physical transition behind


def test_unknown_names_are_refused_with_what_exists(result):
    with pytest.raises(KeyError, match=r"unknown indicator.*transition_social"):
        result.to_frame(["no_such_thing"])
    with pytest.raises(KeyError, match="no scenario 'x'"):
        result.difference("transition_social", "x")
    with pytest.raises(ScenarioError, match="replications must be a whole number"):
        govsim.run("baseline", replications=0)
    with pytest.raises(ScenarioError, match="workers"):
        govsim.run("baseline", workers=True)


def test_to_xarray_has_the_dimensions_coordinates_and_units(result):
    ds = result.to_xarray()
    assert ds["transition_social"].dims == ("scenario", "replication", "date")
    assert ds["transition_social"].shape == (2, 3, 84)
    assert list(ds["scenario"].values) == ["baseline", "dso_delay"]
    assert list(ds["seed"].values) == result.seeds
    assert ds["transition_social"].attrs["units"] == "index"
    assert ds["on_schedule_social"].attrs["units"] == "share"
    np.testing.assert_array_equal(
        ds["transition_social"].sel(scenario="dso_delay").values,
        result.data.column("dso_delay", "transition_social"),
    )


def test_plot_draws_one_panel_per_indicator_with_a_line_per_scenario(result):
    fig = result.plot()
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == len(DEFAULT_PLOT)
    assert all(len(ax.get_lines()) == 2 for ax in visible)
    assert "transition" in visible[0].get_title()
    nl = result.plot(["transition_physical"], lang="nl")
    assert "fysiek" in nl.axes[0].get_title() and "mediaan" in nl._suptitle.get_text()


def test_reprs_are_short_and_say_what_is_inside(result):
    text = repr(result)
    assert len(text) < 400 and "baseline, dso_delay" in text and "3 replication" in text
    page = result._repr_html_()
    assert len(page) < 5000 and "<table" in page and "dso_delay" in page
    assert "2019-12" in page  # the last month, since the run stops before 2029-12


def test_save_and_load_give_the_same_result(result, tmp_path):
    folder = result.save(tmp_path / "run", report=False)
    back = govsim.load(folder)
    assert back.scenarios == result.scenarios and back.seeds == result.seeds
    assert back.arguments["seed"] == 7
    for name in result.scenarios:
        np.testing.assert_array_equal(back.data.values[name], result.data.values[name])
        assert back.data.scenario(name).timeline == result.data.scenario(name).timeline
    pd.testing.assert_frame_equal(back.to_frame(), result.to_frame())


def test_load_refuses_a_changed_an_incomplete_and_a_foreign_folder(result, tmp_path):
    folder = result.save(tmp_path / "run", report=False)
    series = folder / "series" / "baseline.parquet"
    series.write_bytes(series.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(StoredRunError, match="does not match the manifest"):
        govsim.load(folder)
    other = result.save(tmp_path / "other", report=False)
    (other / ".govsim-incomplete").write_text("x")
    with pytest.raises(StoredRunError, match="incomplete"):
        govsim.load(other)
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "manifest.json").write_text(json.dumps({"name": "not govsim"}))
    with pytest.raises(StoredRunError, match="not a govsim run manifest"):
        govsim.load(tmp_path / "foreign")
    with pytest.raises(StoredRunError, match="no such folder"):
        govsim.load(tmp_path / "missing")
    with pytest.raises(StoredRunError, match=r"manifest\.json: is a file, not a folder"):
        govsim.load(folder / "manifest.json")
