"""`govsim report DIR` re-renders a finished run's report from its stored data (issue 17)."""

import hashlib
import json

import pytest

from govsim.cli import main
from govsim.model.timeline import Timeline, timeline_from_mapping, timeline_to_mapping
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.loader import load_scenario, shipped_scenarios


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "run"
    run_ensemble(
        ["baseline", "dso_delay"],
        replications=2,
        seed=3,
        out_dir=out,
        lang="en",
        municipalities=["Borne"],
        progress=False,
    )
    return out


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_report_in_the_other_language_keeps_the_data_and_updates_the_manifest(finished, capsys):
    data = {p: p.read_bytes() for p in (finished / "series").glob("*.parquet")}
    before = (finished / "report.html").read_text(encoding="utf-8")
    assert main(["report", str(finished), "--lang", "nl"]) == 0
    assert "report.html" in capsys.readouterr().out
    after = (finished / "report.html").read_text(encoding="utf-8")
    assert after != before and "lang='nl'" in after and "lang='en'" in before
    for path, content in data.items():
        assert path.read_bytes() == content
    manifest = json.loads((finished / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["arguments"]["lang"] == "nl"
    for name, digest in manifest["files"].items():
        assert _sha(finished / name) == digest, name
    assert not (finished / ".govsim-incomplete").exists()
    assert main(["report", str(finished), "--lang", "en"]) == 0
    assert (finished / "report.html").read_text(encoding="utf-8") == before


def test_a_report_drawn_again_in_dutch_equals_a_fresh_dutch_runs(finished, tmp_path):
    fresh = tmp_path / "fresh-nl"
    run_ensemble(
        ["baseline", "dso_delay"],
        replications=2,
        seed=3,
        out_dir=fresh,
        lang="nl",
        municipalities=["Borne"],
        progress=False,
    )
    try:
        assert main(["report", str(finished), "--lang", "nl"]) == 0
        again = (finished / "report.html").read_bytes()
        assert b"lang='nl'" in again
        assert again == (fresh / "report.html").read_bytes()
        figures = sorted((fresh / "figures").glob("*"))
        assert len(figures) >= 3
        for figure in figures:
            assert (finished / "figures" / figure.name).read_bytes() == figure.read_bytes()
    finally:
        assert main(["report", str(finished), "--lang", "en"]) == 0


def test_report_refuses_a_folder_that_is_not_a_finished_run(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no manifest.json" in err and "Traceback" not in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("name", shipped_scenarios())
def test_every_shipped_timeline_survives_the_manifest(name):
    timeline = load_scenario(name).timeline
    stored = json.loads(json.dumps(timeline_to_mapping(timeline)))
    assert timeline_from_mapping(stored) == timeline


def test_the_default_timeline_round_trips():
    assert timeline_from_mapping(timeline_to_mapping(Timeline())) == Timeline()
