"""`govsim run` writes only into folders that are govsim's, one run at a time (issue 18)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.output_folder import (
    INCOMPLETE,
    LOCK,
    OutputFolderError,
    check_folder,
    folder_lock,
    remove_stale,
)
from govsim.scenarios.scenario import ScenarioError

ARGS = {
    "replications": 1,
    "seed": 3,
    "workers": 1,
    "municipalities": ["Utrecht"],
    "until": "2014-06",
    "progress": False,
    "report": False,
}


def test_a_folder_with_a_users_files_is_refused_before_anything_runs(tmp_path):
    out = tmp_path / "mine"
    (out / "series").mkdir(parents=True)
    (out / "report.html").write_text("my report")
    (out / "series" / "my.parquet").write_text("mine")
    with pytest.raises(OutputFolderError, match="holds files govsim did not write"):
        run_ensemble(["baseline"], out_dir=out, **ARGS)
    assert sorted(p.name for p in out.rglob("*")) == ["my.parquet", "report.html", "series"]
    assert issubclass(OutputFolderError, ScenarioError)  # a user error: one paragraph, exit 2


def test_force_writes_beside_a_users_files_and_removes_none_of_them(tmp_path):
    out = tmp_path / "mine"
    (out / "series").mkdir(parents=True)
    (out / "series" / "my.parquet").write_text("mine")
    (out / "notes.txt").write_text("keep")
    result = run_ensemble(["baseline"], out_dir=out, force=True, **ARGS)
    assert (out / "series" / "my.parquet").read_text() == "mine"
    assert (out / "notes.txt").read_text() == "keep"
    assert (out / "series" / "baseline.parquet").exists() and "manifest.json" in result.files
    assert not (out / INCOMPLETE).exists()
    # now the folder is govsim's: a second run (another scenario) replaces only govsim's files
    run_ensemble(["time_pressure"], out_dir=out, **ARGS)
    assert not (out / "series" / "baseline.parquet").exists()  # listed by the last manifest
    assert (out / "series" / "my.parquet").read_text() == "mine"


def test_a_stale_entry_outside_the_folder_is_never_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("x")
    out = tmp_path / "out"
    out.mkdir()
    assert remove_stale(out, {"../victim.txt"}, set()) == []
    assert victim.exists()


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_out_is_refused(name):
    with pytest.raises(OutputFolderError, match="--out must name a folder"):
        check_folder(name)


def test_a_file_as_out_is_refused(tmp_path):
    path = tmp_path / "file"
    path.write_text("")
    with pytest.raises(OutputFolderError, match="is a file, not a folder"):
        check_folder(path)


def test_a_stopped_run_leaves_a_folder_the_next_run_recovers(tmp_path):
    out = tmp_path / "stopped"
    out.mkdir()
    (out / INCOMPLETE).write_text("")
    (out / "summary.csv").write_text("half")
    (out / ".summary.csv.abc.tmp").write_text("temporary of a killed run")
    assert check_folder(out) == set()
    run_ensemble(["baseline"], out_dir=out, **ARGS)
    assert not (out / INCOMPLETE).exists() and not list(out.glob(".*.tmp"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert "summary.csv" in manifest["files"] and (out / "summary.csv").read_text() != "half"


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    out = tmp_path / "busy"
    code = (
        "import sys, time\n"
        "from govsim.scenarios.output_folder import folder_lock\n"
        "with folder_lock(sys.argv[2]):\n    print('locked', flush=True); time.sleep(30)"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    holder = subprocess.Popen(
        [sys.executable, "-c", code, root, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(OutputFolderError, match=f"another govsim run \\(pid {holder.pid}\\)"):
            with folder_lock(out):
                pass
        with pytest.raises(OutputFolderError, match="another govsim run"):
            run_ensemble(["baseline"], out_dir=out, **ARGS)
    finally:
        holder.kill()
        holder.wait()
    with folder_lock(out):  # released by the OS when the holder died
        assert (out / LOCK).exists()
