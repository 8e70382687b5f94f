"""Findings first (issue 17): findings, tones, glossary, bands, the map of the change."""

import dataclasses
import re

import numpy as np
import pytest

from govsim.model.indicators import BETTER, INDICATORS, MEANING, better, label
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.findings import Finding, findings, inputs_of, months_to_reach, tone
from govsim.scenarios.loader import load_scenario
from govsim.scenarios.report import drawing_order, glossary_rows, render_html
from govsim.scenarios.report_text import band_text, finding_sentence, months_word, ui

PLACES = ["Utrecht"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    copy = dataclasses.replace(load_scenario("baseline"), name="copy_of_baseline")
    return run_ensemble(
        ["baseline", "dso_delay", "regional_cooperation", copy],
        replications=3,
        seed=11,
        out_dir=tmp_path_factory.mktemp("findings") / "run",
        municipalities=PLACES,
        progress=False,
    )


def test_the_report_opens_with_the_findings(run):
    page = run.report.read_text(encoding="utf-8")
    order = [
        page.index(x) for x in ("id='findings'", "<img", "<table class='key'>", "id='glossary'")
    ]
    assert order == sorted(order)
    cards = page.split("id='findings'", 1)[1].split("<img", 1)[0]
    for name in ("Baseline", "DSO delay", "Regional cooperation"):
        assert name in cards
    assert cards.count("<li class=") >= 3 * 3


def test_a_later_dso_delays_the_physical_transition_by_months_with_a_band(run):
    data = run.data
    found = {f.key: f for f in findings(data, "dso_delay")}
    reach = found["f_reach"]
    assert reach.tone == "worse" and reach.values["delta"] >= 12  # the DSO comes 36 months later
    assert reach.values["low"] <= reach.values["delta"] <= reach.values["high"]
    text = finding_sentence(reach, data, "en")
    assert re.search(r"\d+ months later than in Baseline \(", text)
    nl = finding_sentence(reach, data, "nl")
    assert "maanden later dan in Basis" in nl
    # the months come from the replications: recompute them
    mine = months_to_reach(data.column("dso_delay", "transition_physical"), 0.9)
    ref = months_to_reach(data.column("baseline", "transition_physical"), 0.9)
    assert reach.values["delta"] == pytest.approx(np.median(mine - ref))


def test_one_month_is_singular_in_the_sentence_and_its_band(run):
    reach = next(f for f in findings(run.data, "dso_delay") if f.key == "f_reach")
    one = dataclasses.replace(reach, values={**reach.values, "delta": 1.0, "low": 1.0, "high": 1.0})
    text = finding_sentence(one, run.data, "en")
    assert "1 month later than in Baseline" in text and "+1 month" in text
    assert "months" not in text
    nl = finding_sentence(one, run.data, "nl")
    assert "1 maand later dan in Basis" in nl and "maanden" not in nl
    two = dataclasses.replace(
        reach, values={**reach.values, "delta": -2.0, "low": -3.0, "high": -1.0}
    )
    assert "2 months earlier" in finding_sentence(two, run.data, "en")
    assert [months_word(n, "nl") for n in (-1, 1, 0, 2)] == ["maand", "maand", "maanden", "maanden"]


def test_a_scenario_identical_to_the_reference_has_one_finding_saying_so(run):
    (only,) = findings(run.data, "copy_of_baseline")
    assert only.key == "f_none"
    assert "No outcome differs noticeably" in finding_sentence(only, run.data, "en")


def test_a_scenario_never_reports_its_own_input_as_its_finding(run):
    data = run.data
    assert {"cooperation_social", "cooperation_physical"} <= inputs_of(data, "regional_cooperation")
    for f in findings(data, "regional_cooperation"):
        assert not str(f.values.get("indicator", "")).startswith("cooperation"), f
    # in the table its cooperation row says "set by the scenario" and has no colour
    table = run.report.read_text(encoding="utf-8").split("<table class='key'>", 1)[1]
    group = table.split(label("cooperation_physical", "en"), 1)[1].split("<tr class='group'>", 1)[0]
    row = group.split("Regional cooperation", 1)[1].split("</tr>", 1)[0]
    assert "set by the scenario" in row and "d better" not in row and "d worse" not in row
    other = group.split("DSO delay", 1)[1].split("</tr>", 1)[0]
    assert "set by the scenario" not in other  # the DSO scenario does not set cooperation


def test_colours_follow_better_or_worse_not_the_sign():
    assert better("transition_physical") == 1 and better("budget_social") == -1
    assert better("urgency_physical") == 0 and better("mix_physical_legal") == 0
    assert tone("transition_physical", -0.05, -0.01) == "worse"
    assert tone("budget_physical", -0.05, -0.01) == "better"
    assert tone("urgency_physical", 0.2, 0.3) == "neutral"  # +0.25 urgency: no judgement
    assert tone("transition_physical", -0.004, 0.02) == "neutral"  # band includes zero
    assert tone("transition_physical", -0.02, -0.004) == "neutral"  # prints as -0.02 to -0.00


def test_a_band_without_width_is_stated_as_one_value():
    assert band_text(0.29, 0.29, "en") == "+0.29 in every replication"
    assert band_text(0.291, 0.2949, "nl") == "in elke replicatie +0,29"
    assert band_text(0.1, 0.3, "en") == "5-95%: +0.10 to +0.30"


def test_the_glossary_explains_every_quantity_with_unit_and_direction():
    quantities = {i.quantity for i in INDICATORS}
    assert quantities <= set(MEANING)
    rows = {r["label"]: r for r in glossary_rows("en")}
    assert len(rows) == len(quantities)
    assert "instruments" in rows["transition"]["meaning"]
    assert rows["transition"]["direction"].startswith("↑")
    assert rows["budget pressure"]["direction"].startswith("↓")
    assert rows["urgency"]["direction"] == ui("better_none", "en")
    assert set(BETTER) <= quantities


def test_narrow_bands_get_a_note_and_wide_ones_none(run):
    page = run.report.read_text(encoding="utf-8")
    note = ui("narrow_band", "en").split("{width}")[0]
    one = dataclasses.replace(run.data, seeds=run.data.seeds[:1])
    one.values = {k: v[:1] for k, v in run.data.values.items()}
    from govsim.scenarios.report import figures_spec

    single = render_html(one, [(figures_spec()[0], b"png")], "en")
    assert note in single  # one replication: no band at all
    assert page.count(note) < len(figures_spec())  # the staff figure's bands are visible


def test_the_reference_is_drawn_last(run):
    assert drawing_order(run.data)[-1] == "baseline"


def test_the_map_of_the_change_is_drawn_from_stored_municipal_values(run):
    m = run.data.municipal
    assert m is not None and len(m.codes) == 26 and m.dates[0] == "2021-01-01"
    delta = np.median(
        m.column("dso_delay", "transition_physical") - m.column("baseline", "transition_physical"),
        axis=0,
    )
    assert (delta < 0).all()  # every municipality is behind at 2021-01 when the DSO comes later
    assert (run.out_dir / "figures" / "map_change.png").read_bytes()[:4] == b"\x89PNG"
    assert "municipalities.parquet" in run.manifest["files"]
    import govsim

    back = govsim.load(run.out_dir)
    np.testing.assert_array_equal(back.data.municipal.values["dso_delay"], m.values["dso_delay"])


def test_finding_objects_are_plain_data():
    f = Finding("f_none", "neutral", {"eps": 0.005})
    assert f.tone == "neutral" and f.values["eps"] == 0.005
