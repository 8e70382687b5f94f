"""The comparison report (scenarios/report.py, report_text.py) and `govsim run` (cli.py)."""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime as dt
import html
import re
from pathlib import Path

import numpy as np
import pytest

from govsim.model.indicators import label
from govsim.model.parameters import ParameterError
from govsim.model.timeline import Timeline
from govsim.scenarios import cli
from govsim.scenarios.ensemble import run_ensemble
from govsim.scenarios.report import KEY_INDICATORS, figures_spec, render_html
from govsim.scenarios.report_text import UI, number, scenario_text, timeline_events, ui
from govsim.scenarios.scenario import Scenario

PROVINCE = ["Utrecht"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def scenario(name: str, nl: str, en: str, timeline: Timeline | None = None, **params) -> Scenario:
    return Scenario(
        name=name,
        title={"nl": nl, "en": en},
        description={"nl": f"Beschrijving van {nl}.", "en": f"Description of {en}."},
        params=params,
        timeline=timeline or Timeline(),
    )


def scenarios() -> list[Scenario]:
    base = Timeline()
    delayed = dataclasses.replace(base, dso_full=dt.date(2026, 1, 1))
    short = dataclasses.replace(
        base,
        physical=dataclasses.replace(base.physical, entry=dt.date(2018, 3, 1), postponements=()),
    )
    return [
        scenario("baseline", "Basisscenario", "Baseline scenario"),
        scenario("dso_delay", "Vertraging DSO", "Delayed DSO", delayed),
        scenario("time_pressure", "Tijdsdruk", "Time pressure", short),
        scenario("same_as_baseline", "Kopie van de basis", "Copy of baseline"),
    ]


@pytest.fixture(scope="module")
def dutch(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "nl"
    return run_ensemble(
        scenarios(),
        replications=2,
        seed=3,
        workers=1,
        out_dir=out,
        lang="nl",
        municipalities=PROVINCE,
        progress=False,
    )


@pytest.fixture(scope="module")
def english(dutch):
    """The English page of the same ensemble (without figures: they are drawn once, in Dutch)."""
    return render_html(dutch.data, [], "en", code_version="test")


def images(page: str) -> list[str]:
    return re.findall(r"<img [^>]*src='([^']*)'", page)


def test_report_is_self_contained(dutch, english):
    for page in (dutch.report.read_text(encoding="utf-8"), english):
        assert "http://" not in page and "https://" not in page
        assert "<script" not in page and "<link" not in page and "@import" not in page
        srcs = images(page)
        assert all(s.startswith("data:image/png;base64,") for s in srcs)
        assert re.findall(r"(?:src|href)=['\"]([^'\"]*)", page) == srcs
    assert len(images(dutch.report.read_text(encoding="utf-8"))) == len(figures_spec())


def test_figures_are_saved_and_embedded(dutch):
    page = dutch.report.read_text(encoding="utf-8")
    embedded = [base64.b64decode(s.split(",", 1)[1]) for s in images(page)]
    saved = [(dutch.out_dir / "figures" / f"{f.name}.png").read_bytes() for f in figures_spec()]
    assert embedded == saved
    assert all(png.startswith(PNG_MAGIC) for png in saved)
    assert "figures/transition_transformation.png" in dutch.files


def test_every_scenario_label_is_in_the_report(dutch, english):
    nl = dutch.report.read_text(encoding="utf-8")
    en = english
    for s in scenarios():
        assert s.label("nl") in nl
        assert s.label("en") in en
        assert s.description["nl"] in nl


def test_dutch_report_speaks_dutch(dutch, english):
    nl = dutch.report.read_text(encoding="utf-8")
    en = english
    assert "<html lang='nl'>" in nl and "<html lang='en'>" in en
    for word in ("transitie", "transformatie", "Kernindicatoren op kerndata", "inwerkingtreding"):
        assert word in nl
    assert label("transition_physical", "nl") in nl
    assert label("transition_physical", "en") in en
    assert "Key indicators at key dates" in en and "Kernindicatoren" not in en
    assert "0,5" in nl or "0,4" in nl or "0,3" in nl  # decimal comma


def test_key_table_has_every_key_indicator_and_date(dutch):
    page = dutch.report.read_text(encoding="utf-8")
    table = page.split("<table class='key'>", 1)[1].split("</table>", 1)[0]
    for ind in KEY_INDICATORS:
        assert label(ind, "nl").replace("<", "&lt;") in table
    for header in ("enquête 2017-08", "2024-01", "2029-12", "inwerkingtreding"):
        assert header in table
    # each scenario's own entry date; time pressure enters in March 2018
    assert "inwerkingtreding 2018-03" in table and "inwerkingtreding 2021-01" in table
    assert table.count("Δ ") == len(KEY_INDICATORS) * 4 * 3  # 3 non-reference scenarios × 4 dates


def test_generated_text_names_the_largest_change(dutch):
    data = dutch.data
    for lang in ("nl", "en"):
        ref = scenario_text(data, "baseline", lang)
        assert ui("txt_reference", lang).split("{name}")[1][:20] in ref
        same = scenario_text(data, "same_as_baseline", lang)
        assert ui("txt_no_change", lang).split("{ref}")[0] in same
        text = scenario_text(data, "time_pressure", lang)
        assert 2 <= text.count(". ") + 1 <= 4
        diffs = {
            ind: np.abs(data.difference("time_pressure", ind).median).max()
            for ind in ("transition_physical", "time_pressure_physical", "urgency_physical")
        }
        assert max(diffs.values()) > 0.01
        assert "transition" in text or "transitie" in text
    delayed = scenario_text(data, "dso_delay", "en")
    assert delayed.startswith("Compared with Baseline scenario,")


def test_formatting_and_ui_strings():
    assert number(0.456, "nl") == "0,46" and number(0.456, "en") == "0.46"
    assert number(-0.1, "en", signed=True) == "−0.10"
    assert number(-0.001, "en", signed=True) == "+0.00"
    assert all(len(v) == 2 and all(v) for v in UI.values())
    events = timeline_events(Timeline(), "nl")
    assert [d for d, _ in events] == sorted(d for d, _ in events)
    assert any("uitstel aangekondigd op 1 juli 2017" in t for _, t in events)


# ---------------------------------------------------------------------------- govsim run
def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="govsim")
    cli.register(top.add_subparsers(dest="command"))
    return top


def test_run_command_defaults():
    args = parser().parse_args(["run"])
    assert args.scenarios == [] and args.replications == 10 and args.seed == 20180101
    assert args.out == "out/scenarios" and args.lang == "en" and args.workers is None
    assert cli.standard_set()[0] == "baseline" and len(cli.standard_set()) == 5
    with pytest.raises(SystemExit):
        parser().parse_args(["run", "--replications", "0"])
    with pytest.raises(SystemExit):
        parser().parse_args(["run", "--lang", "de"])


def test_run_command_passes_arguments_and_prints_the_report(monkeypatch, capsys, dutch):
    seen = {}

    def fake(names, **kwargs):
        seen.update(kwargs, names=names)
        return dutch

    monkeypatch.setattr(cli, "run_ensemble", fake)
    args = parser().parse_args(
        [
            *("run", "a", "b.toml", "-n", "4", "--seed", "9", "-j", "2", "--out", "x"),
            *("--lang", "nl", "--municipalities", "Utrecht", "Zeeland"),
        ]
    )
    assert args.func(args) == 0
    assert seen["names"] == ["a", "b.toml"]
    assert seen["replications"] == 4 and seen["seed"] == 9 and seen["workers"] == 2
    assert seen["out_dir"] == "x" and seen["lang"] == "nl"
    assert seen["municipalities"] == ["Utrecht", "Zeeland"]
    assert seen["command"][:4] == ["govsim", "run", "a", "b.toml"]
    out = capsys.readouterr().out
    assert f"report:   {dutch.report.resolve()}" in out


def test_run_command_raises_scenario_errors_and_writes_nothing(monkeypatch, tmp_path):
    out = tmp_path / "out"
    bad = scenario("bad", "Fout", "Bad", no_such_parameter=2.0)

    def resolve(names, **kwargs):
        return run_ensemble([scenarios()[0], bad], **kwargs)

    monkeypatch.setattr(cli, "run_ensemble", resolve)
    args = parser().parse_args(["run", "--out", str(out), "--municipalities", "Utrecht"])
    with pytest.raises(ParameterError, match="no_such_parameter"):
        args.func(args)
    assert not Path(out).exists()


def test_run_command_end_to_end_with_shipped_scenarios(tmp_path, capsys):
    out = tmp_path / "run"
    args = parser().parse_args(
        [
            *("run", "baseline", "time_pressure", "-n", "2", "-j", "1", "--out", str(out)),
            *("--municipalities", "Utrecht", "--until", "2018-12", "--no-report", "--no-progress"),
        ]
    )
    assert args.func(args) == 0
    assert (out / "series" / "time_pressure.parquet").exists()
    assert not (out / "report.html").exists()
    printed = capsys.readouterr().out
    assert "4 runs (2 scenarios × 2 replications)" in printed
    manifest = (out / "manifest.json").read_text(encoding="utf-8")
    assert "lead_time_months = 24" in manifest  # the scenario file's text


def test_run_command_unknown_scenario_writes_nothing(tmp_path):
    from govsim.scenarios.scenario import ScenarioError

    out = tmp_path / "run"
    args = parser().parse_args(["run", "baseline", "no_such_scenario", "--out", str(out)])
    with pytest.raises(ScenarioError, match="no_such_scenario"):
        args.func(args)
    assert not out.exists()


def test_a_figure_drawn_from_its_slice_is_the_figure_drawn_from_all_data(dutch, tmp_path):
    from govsim.scenarios.report import draw_figure, figure_data

    for spec in figures_spec():
        part = figure_data(dutch.data, spec)
        wanted = {c for row in spec.grid for c in row if c is not None}
        assert set(part.columns) == wanted & set(dutch.data.columns)
        assert all(v.shape[2] == len(part.columns) for v in part.values.values())
        assert (part.municipal is not None) == (spec.name == "map_change")
        whole = draw_figure(dutch.data, spec, tmp_path / f"all_{spec.name}.png", "nl")
        assert draw_figure(part, spec, tmp_path / f"part_{spec.name}.png", "nl") == whole
    sizes = [len(figure_data(dutch.data, s).values["baseline"].tobytes()) for s in figures_spec()]
    assert max(sizes) < dutch.data.values["baseline"].nbytes / 5


def test_year_ticks_are_the_date_locators_ticks():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from govsim.scenarios.report import year_ticks

    for first, last in (("2013-01", "2029-12"), ("2016-05", "2021-02"), ("2015-02", "2015-11")):
        dates = np.arange(first, last, dtype="datetime64[M]").astype("datetime64[D]")
        fig, ax = plt.subplots()
        ax.plot(dates.astype("datetime64[ms]").astype(object), np.zeros(len(dates)))
        x = mdates.date2num(dates)
        ax.set_xlim(x[0], x[-1])
        ax.xaxis.set_major_locator(mdates.YearLocator(4))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        fig.canvas.draw()
        shown = [(t.get_loc(), t.label1.get_text()) for t in ax.xaxis.get_major_ticks()]
        lo, hi = ax.get_xlim()
        expected = [(d, s) for d, s in zip(*year_ticks(dates), strict=True) if lo <= d <= hi]
        assert [s for _, s in shown if lo <= _ <= hi] == [s for _, s in expected]
        assert np.allclose([d for d, _ in shown if lo <= d <= hi], [d for d, _ in expected])
        plt.close(fig)
    assert year_ticks(np.array(["2013-01-01", "2029-12-01"], dtype="datetime64[D]"))[1] == [
        "2016",
        "2020",
        "2024",
        "2028",
    ]


def test_the_report_states_each_scenarios_parameters_and_the_secretarys_choices(tmp_path):
    from govsim.model.levers import StrategyRule

    chosen = dataclasses.replace(
        scenario("chosen", "Gekozen", "Chosen", transition_rate=0.35),
        strategy=(
            StrategyRule("Utrecht", {"physical_strategy": "wait"}),
            StrategyRule("all", {"start_early": 0.5}, start=dt.date(2019, 1, 1)),
        ),
    )
    out = run_ensemble(
        [scenario("baseline", "Basisscenario", "Baseline scenario"), chosen],
        replications=1,
        seed=3,
        out_dir=tmp_path / "run",
        lang="nl",
        municipalities=PROVINCE,
        progress=False,
    )
    page = out.report.read_text(encoding="utf-8")
    section = page.split("Gekozen", 2)[-1]
    assert "Parameters: transition_rate = 0,35" in section
    assert (
        "Keuzes van de secretaris: Utrecht: physical_strategy = wait; "
        "all: start_early = 0,5 (vanaf januari 2019)" in section
    )
    assert "taak bekend vanaf 1 januari 2013" in page
    english = html.unescape(render_html(out.data, [], "en", code_version="test"))
    assert (
        "The secretary's choices: Utrecht: physical_strategy = wait; all: start_early = 0.5 "
        "(from January 2019)" in english
    )
    assert "task known from 1 January 2013" in english
    assert english.count("The secretary's choices") == 1  # the baseline states none
