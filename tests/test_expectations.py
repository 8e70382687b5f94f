"""What the report expects of a what-if, held against the model (scenarios/expectations.py)."""

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.scenarios.cli import expectation_line
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.expectations import (
    VERDICTS,
    Expectation,
    all_checks,
    check,
    checks,
    moment,
    tally,
    verdict,
)
from govsim.scenarios.loader import load_scenario, loads_scenario, shipped_scenarios
from govsim.scenarios.rerender import rerender_report
from govsim.scenarios.scenario import ScenarioError
from govsim.scenarios.stored import StoredRunError, load_ensemble

HEADER = 'name = "mine"\nextends = "dso_delay"\n[title]\nen = "Mine"\n[description]\nen = "d"\n'


def expect(indicator="transition_physical", direction="lower", at='"reference_entry"', says=True):
    text = (
        f'[[expect]]\nindicator = "{indicator}"\ndirection = "{direction}"\nat = {at}\n'
        'source = "report Kader 10"\n'
    )
    return text + ('[expect.says]\nen = "Later."\nnl = "Later."\n' if says else "")


@pytest.mark.parametrize(
    ("direction", "low", "high", "expected"),
    [
        ("higher", 0.01, 0.03, "agrees"),
        ("lower", 0.01, 0.03, "disagrees"),
        ("lower", -0.03, -0.01, "agrees"),
        ("higher", -0.03, -0.01, "disagrees"),
        ("higher", -0.01, 0.02, "unclear"),
        ("higher", 0.003, 0.011, "unclear"),  # prints as +0.00 to +0.01: not noticeable
        ("lower", np.nan, np.nan, "unclear"),
    ],
)
def test_the_verdict_reads_the_band_as_the_report_prints_it(direction, low, high, expected):
    assert verdict(direction, low, high) == expected


def test_a_file_states_expectations_and_an_extending_file_does_not_inherit_them():
    own = loads_scenario(HEADER + expect() + expect("urgency_physical", at="2020-12-01"))
    assert [(e.indicator, e.at) for e in own.expectations] == [
        ("transition_physical", "reference_entry"),
        ("urgency_physical", "2020-12-01"),  # a TOML date, kept as its ISO text
    ]
    assert own.expectations[0].says == {"en": "Later.", "nl": "Later."}
    assert len(load_scenario("dso_delay").expectations) == 3
    assert loads_scenario(HEADER).expectations == ()  # extends dso_delay, states none


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            expect("transition_physicl"),
            "is not a model indicator (did you mean 'transition_physical'",
        ),
        (
            expect(direction="up"),
            "'expect[0].direction' = 'up' is not a known direction. Allowed: "
            "one of 'higher', 'lower'",
        ),
        (expect(at='"soon"'), "'expect[0].at' = 'soon' is neither a named moment nor a date"),
        (expect(at="2031-01-01"), "lies outside the simulated period. Allowed: 'entry'"),
        (expect(says=False), "expect[0].says"),
    ],
)
def test_a_wrong_expectation_is_refused_in_one_paragraph(table, message):
    with pytest.raises(ScenarioError) as info:
        loads_scenario(HEADER + table)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_every_shipped_expectation_cites_the_report():
    for name in shipped_scenarios():
        for e in load_scenario(name).expectations:
            assert e.source.startswith("report ") and set(e.says) == {"nl", "en"}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    mine = loads_scenario(
        HEADER
        + expect()  # the shipped expectation: transition lower at the reference's entry
        + expect(direction="higher")  # the same, the wrong way round
        + expect("council_attention_physical", at='"end"')
        + expect("urgency_physical", at="2020-12-01")
    )
    return run_ensemble(
        ["baseline", "dso_delay", mine],
        replications=3,
        seed=5,
        out_dir=tmp_path_factory.mktemp("expect") / "run",
        municipalities=["Utrecht"],
        progress=False,
    )


def test_each_check_is_the_paired_difference_at_its_moment(run):
    data = run.data
    found = checks(data, "mine")
    assert [c.date for c in found[:2]] == [np.datetime64("2021-01-01")] * 2
    assert found[2].date == data.dates[-1] and found[3].date == np.datetime64("2020-12-01")
    for c in found:
        row = moment(data, "mine", c.expectation.at)
        diff = data.difference("mine", c.expectation.indicator)
        assert (c.delta, c.low, c.high) == (diff.median[row], diff.p05[row], diff.p95[row])
    # the DSO three years later: the physical transition lags at the reference's entry
    assert found[0].high < 0 and found[0].verdict == "agrees"
    assert found[1].verdict == "disagrees"
    assert checks(data, "baseline") == []  # the reference expects nothing of itself


def test_a_moment_outside_the_run_is_not_checked(run):
    e = Expectation("transition_physical", "lower", "2012-06-01", {"en": "x"}, "report")
    c = check(run.data, "mine", e)
    assert c.date is None and c.verdict == "not_checked"


def test_a_run_that_ends_before_the_moments_says_they_were_not_checked(tmp_path):
    short = run_ensemble(
        ["baseline", "dso_delay"],
        replications=2,
        seed=5,
        out_dir=tmp_path / "short",
        municipalities=["Utrecht"],
        until="2018-06-01",
        progress=False,
    )
    found = [c for _, c in all_checks(short.data)]
    count = tally(found)
    # dso_delay's three moments (entry into force, 2020-12, entry again) lie after June 2018
    assert count == {"agrees": 0, "disagrees": 0, "unclear": 0, "not_checked": 3}
    assert expectation_line(short.data).endswith(
        "no noticeable difference for 0, not checked for 3 (their moment lies outside the run)"
    )
    page = short.report.read_text(encoding="utf-8")
    section = page.split("id='expectations'", 1)[1].split("</table>", 1)[0]
    assert "3 not checked: their moment lies outside the run." in section
    assert section.count("<td class='verdict not_checked'>not checked</td>") == 3
    assert "no noticeable difference</td>" not in section


def test_the_report_and_the_command_line_show_the_disagreement(run):
    page = run.report.read_text(encoding="utf-8")
    section = page.split("id='expectations'", 1)[1].split("</table>", 1)[0]
    found = [c for n in run.data.names for c in checks(run.data, n)]
    count = tally(found)
    assert sum(count.values()) == len(found) == 7 and set(count) == set(VERDICTS)
    assert (
        f"Of the 7 expectations the model agrees with {count['agrees']}, disagrees with "
        f"{count['disagrees']}" in section
    )
    assert section.count("<td class='verdict disagrees'>disagrees</td>") == count["disagrees"] >= 1
    assert "report Kader 10" in section and "entry into force in Baseline (January 2021)" in section
    line = expectation_line(run.data)
    assert line.startswith("expected: the report's 7 expectations")
    assert "(disagrees: mine: transition_physical higher" in line


def test_the_run_writes_every_check_to_expectations_csv(run):
    import pandas as pd

    table = pd.read_csv(run.out_dir / "expectations.csv", keep_default_na=False)
    found = [(n, c) for n in run.data.names for c in checks(run.data, n)]
    assert len(table) == len(found) == 7
    for row, (name, c) in zip(table.itertuples(), found, strict=True):
        assert (row.scenario, row.indicator, row.at) == (
            name,
            c.expectation.indicator,
            c.expectation.at,
        )
        assert row.median_difference == pytest.approx(c.delta, rel=1e-5, abs=1e-9)
        assert (row.date, row.verdict) == (str(c.date)[:10], c.verdict)
    manifest = json.loads((run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert "expectations.csv" in manifest["files"]


def test_the_stored_run_keeps_the_expectations_and_renders_them_in_dutch(run):
    data, _ = load_ensemble(run.out_dir)
    assert data.scenario("mine").expectations == run.data.scenario("mine").expectations
    page = rerender_report(run.out_dir, "nl").read_text(encoding="utf-8")
    assert "Wat het rapport verwacht, en wat het model laat zien" in page
    assert "<td class='verdict disagrees'>wijkt af</td>" in page
    section = page.split("id='expectations'", 1)[1].split("</table>", 1)[0]
    assert "rapport Kader 10" in section and "report Kader 10" not in section


def test_a_manifest_without_expectations_is_refused_by_name(run, tmp_path):
    manifest = json.loads((run.out_dir / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["scenarios"]:
        del entry["expectations"]
    folder = Path(tmp_path)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(StoredRunError, match="has no stored expectations: the folder was written"):
        load_ensemble(folder)


def test_the_standard_set_gives_the_verdicts_docs_scenarios_md_states(tmp_path):
    """`make run`'s ensemble (10 replications, all 388): 8 agree, 2 no noticeable difference."""
    from govsim.scenarios.ensemble import DEFAULT_REPLICATIONS, DEFAULT_SEED
    from govsim.scenarios.loader import STANDARD_SET

    out = run_ensemble(
        list(STANDARD_SET),
        replications=DEFAULT_REPLICATIONS,
        seed=DEFAULT_SEED,
        out_dir=tmp_path / "run",
        report=False,
        progress=False,
    )
    found = {
        (n, c.expectation.indicator): c.verdict for n in out.data.names for c in checks(out.data, n)
    }
    assert tally([c for n in out.data.names for c in checks(out.data, n)]) == {
        "agrees": 8,
        "disagrees": 0,
        "unclear": 2,
        "not_checked": 0,
    }
    assert found[("time_pressure", "transition_physical")] == "unclear"
    assert found[("regional_cooperation", "dso_connection")] == "unclear"


@given(
    low=st.floats(-1.0, 1.0, allow_nan=False),
    width=st.floats(0.0, 1.0, allow_nan=False),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_a_band_and_its_mirror_get_mirrored_verdicts(low, width, direction):
    """Mirroring the band about zero and flipping the direction leaves the verdict unchanged."""
    high = low + width
    other = "lower" if direction == "higher" else "higher"
    assert verdict(direction, low, high) == verdict(other, -high, -low)
    flipped = {"agrees": "disagrees", "disagrees": "agrees", "unclear": "unclear"}
    assert verdict(other, low, high) == flipped[verdict(direction, low, high)]
