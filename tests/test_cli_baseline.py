"""The `govsim` command line: baseline run, parameter listing, bad input."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from govsim.baseline import summary_table, table_text
from govsim.cli import build_parser, main
from govsim.model import PARAMETERS
from govsim.model.parameters import CHOICES, calibrated_values, defaults


def _govsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govsim", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_params_prints_every_parameter(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    for name, p in PARAMETERS.items():
        assert name in out
        assert f"[{p.low:g}, {p.high:g}]" in out
    for name in CHOICES:
        assert name in out
    assert out.count("source: ") == len(PARAMETERS) + len(CHOICES)


def test_params_csv_is_parseable_and_complete(capsys):
    assert main(["params", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["name"] for r in rows] == [*PARAMETERS, *CHOICES]
    for row in rows[len(PARAMETERS) :]:
        choice = CHOICES[row["name"]]
        assert row["lever"] == "yes" and row["low"] == row["high"] == ""
        assert row["unit"].split()[2:] == list(choice.values)
    used, fitted = defaults(), calibrated_values()
    for row in rows[: len(PARAMETERS)]:
        p = PARAMETERS[row["name"]]
        assert float(row["default"]) == used[p.name] and float(row["declared"]) == p.default
        assert row["calibrated"] == ("yes" if p.name in fitted else "no")
        assert float(row["low"]) == p.low and float(row["high"]) == p.high
        assert row["source"] == p.source
    # the default is what a run uses: the installed set's value, not the declared one
    rate = next(r for r in rows if r["name"] == "transition_rate")
    assert rate["calibrated"] == "yes" and float(rate["default"]) == fitted["transition_rate"]
    assert float(rate["default"]) != float(rate["declared"]) == 0.12


def test_params_table_shows_the_value_a_run_uses_and_the_declared_one(capsys):
    assert main(["params"]) == 0
    out = capsys.readouterr().out
    assert f"{len(calibrated_values())} come from the calibrated set" in out
    line = next(x for x in out.splitlines() if x.startswith("transition_rate "))
    assert line.split()[1] == f"{calibrated_values()['transition_rate']:.4g}"
    assert line.endswith("(calibrated; declared 0.12)")
    assert "calibrated" not in next(x for x in out.splitlines() if x.startswith("staff_floor "))


def test_params_calibratable_lists_only_free_parameters(capsys):
    assert main(["params", "--calibratable", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    names = {r["name"] for r in rows}
    assert names == {n for n, p in PARAMETERS.items() if p.calibratable}
    assert 0 < len(names) < len(PARAMETERS)


def test_baseline_writes_series_summary_and_figure(tmp_path, capsys, baseline):
    out = tmp_path / "run"
    assert main(["baseline", "--seed", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    series_path = out / "national_series.csv"
    summary_path = out / "summary.txt"
    png = out / "transition_transformation.png"
    for path in (series_path, summary_path, png):
        assert path.exists() and path.stat().st_size > 0
        assert f"wrote {path}" in printed
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    series = pd.read_csv(series_path, index_col="date", parse_dates=True)
    assert len(series) == 204
    assert series.index[0] == pd.Timestamp("2013-01-01")
    assert series.index[-1] == pd.Timestamp("2029-12-01")
    # the same seed through the API gives the same numbers (up to CSV rounding)
    cached = baseline(3).series
    np.testing.assert_allclose(
        series["transition_social"], cached["transition_social"], rtol=1e-12, atol=1e-14
    )
    text = summary_path.read_text(encoding="utf-8")
    assert "seed 3" in text
    assert "2017-08 (survey 2017)" in text
    assert "2015-01 (3D in force)" in printed


def test_summary_table_in_dutch_has_dutch_labels(baseline):
    table = summary_table(baseline(1).series, "nl")
    assert any("transitie" in str(label) for label in table.index)
    assert table.shape[1] == 5
    assert table.notna().all().all()
    assert table.columns[0] == "2015-01 (3D's in werking)"
    assert "2017-08 (enquête 2017)" in table.columns
    text = table_text(table, "nl")
    assert "0,5" in text or "0,6" in text or "0,7" in text
    assert re.search(r"\d\.\d", text) is None
    assert "." in table_text(table, "en").split("\n")[1]


def test_baseline_seed_not_a_number_exits_2_without_traceback():
    result = _govsim("baseline", "--seed", "notanumber")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "a seed is a whole number from 0 to 2**128 - 1" in result.stderr
    assert "notanumber" in result.stderr


def test_unknown_subcommand_and_bad_language_exit_2():
    with pytest.raises(SystemExit) as info:
        main(["simulate"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["baseline", "--lang", "de"])
    assert info.value.code == 2


def test_every_subcommand_has_help(capsys):
    parser = build_parser()
    for command in ("baseline", "params"):
        with pytest.raises(SystemExit) as info:
            parser.parse_args([command, "--help"])
        assert info.value.code == 0
        assert "usage: govsim " + command in capsys.readouterr().out


def test_baseline_refuses_an_out_it_cannot_make_before_it_runs(tmp_path, capsys):
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    assert main(["baseline", "--out", str(tmp_path / "link" / "x")]) == 2
    err = capsys.readouterr().err
    assert "link is a symbolic link to" in err and "which does not exist" in err
    assert main(["baseline", "--out", str(tmp_path / "file")]) == 2
    assert "file is a file, not a folder; nothing was written" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "link"]
    assert not (tmp_path / "nowhere").exists()
