"""What `govsim calibrate` refuses before it writes anything, and the files it writes (audit).

A database that is SQLite but no pyabc history is left as it is (pyabc added its tables to it
and then failed); an empty --out is not the current folder; --resume with --report-only, and a
wall-time limit that is not a finite number, are refused; the record is strict JSON (no NaN).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from test_hostile_inputs import fails  # one paragraph, exit 2, no traceback

from govsim.experiments.calibration.fit_report import write_json_atomic
from govsim.experiments.calibration.pipeline import not_a_history
from govsim.model.parameters import CALIBRATED_PATH


def test_an_sqlite_file_that_is_no_pyabc_history_is_refused_and_left_alone(capsys, tmp_path):
    db = tmp_path / "mine.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE notes (text)")
        con.execute("INSERT INTO notes VALUES ('keep me')")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for extra in ([], ["--resume"], ["--report-only"]):
        out = tmp_path / f"cal{len(extra)}"
        err = fails(capsys, ["calibrate", "--quick", "--out", str(out), "--db", str(db), *extra])
        assert f"--db {db} is an SQLite database but not a pyabc history" in err
        assert "it was left as it is" in err
        assert not out.exists()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_damaged_database_is_named(tmp_path):
    db = tmp_path / "cut.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE t (a)")
        con.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 200)
    db.write_bytes(db.read_bytes()[:5000])
    assert "cannot be read as an SQLite database" in not_a_history(db)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--out", ""], "--out must name a folder; got an empty name"),
        (["--out", "{tmp}/c", "--db", ""], "--db must name the history database's file"),
        (["--out", "{tmp}/c", "--resume", "--report-only"], "give one of them"),
        (["--out", "{tmp}/c", "--max-minutes", "inf"], "--max-minutes: must be a number above 0"),
        (["--out", "{tmp}/c", "--max-minutes", "0"], "--max-minutes: must be a number above 0"),
    ],
)
def test_flags_that_cannot_work_are_refused_before_anything_is_written(
    capsys, tmp_path, monkeypatch, argv, message
):
    monkeypatch.chdir(tmp_path)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    err = fails(capsys, ["calibrate", "--quick", *argv])
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_installed_record_is_strict_json():
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    record = json.loads(CALIBRATED_PATH.read_text(encoding="utf-8"), parse_constant=refuse)
    assert record["parameters"]


def test_records_are_written_with_null_for_a_figure_that_has_none(tmp_path):
    path = tmp_path / "r.json"
    write_json_atomic(path, {"a": float("nan"), "b": [1.5, float("inf")], "c": {"d": 2}})
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "a": None,
        "b": [1.5, None],
        "c": {"d": 2},
    }
    assert "NaN" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "argv",
    [["calibrate", "--quick", "--out", "/proc/govsim_x"], ["survey", "--out", "/proc/x.csv"]],
)
def test_a_place_that_takes_no_new_entries_is_one_paragraph(capsys, argv):
    err = fails(capsys, argv)
    assert "no such file or directory. Allowed: files and folders you may write into" in err
