"""Scenario files: the shipped ones load and mean what they say; broken ones fail clearly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govsim.model import GovernanceModel, Timeline
from govsim.model.parameters import PARAMETERS, defaults
from govsim.model.timeline import CooperationPolicy, Postponement
from govsim.scenarios.adjust import add_months, earliest_entry_for_dso, months_between
from govsim.scenarios.loader import (
    FILES_DIR,
    STANDARD_SET,
    load_scenario,
    loads_scenario,
    shipped_scenarios,
)
from govsim.scenarios.scenario import Scenario, ScenarioError

D = dt.date
SHIPPED = shipped_scenarios()
REQUIRED_SHIPPED = (*STANDARD_SET, "dso_delay_regional", "let_go_2018")

RUN_RATE = defaults()["transition_rate"]
assert RUN_RATE != PARAMETERS["transition_rate"].default  # the case below needs a calibrated value
HEADER = """name = "broken"
[title]
nl = "Kapot"
en = "Broken"
[description]
nl = "Een kapot bestand."
en = "A broken file."
"""


# ---------------------------------------------------------------------------- shipped files
def test_shipped_names_standard_set_first() -> None:
    assert STANDARD_SET == (
        "baseline",
        "time_pressure",
        "dso_delay",
        "regional_cooperation",
        "as_it_happened",
    )
    assert tuple(SHIPPED[: len(STANDARD_SET)]) == STANDARD_SET
    rest = SHIPPED[len(STANDARD_SET) :]
    assert rest == sorted(rest)
    for name in REQUIRED_SHIPPED:
        assert name in SHIPPED
    assert sorted(SHIPPED) == sorted(p.stem for p in FILES_DIR.glob("*.toml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_loads_and_validates(name: str) -> None:
    scenario = load_scenario(name)
    assert isinstance(scenario, Scenario)
    assert scenario.name == name
    assert scenario.path == FILES_DIR / f"{name}.toml"
    assert scenario.source_text == (FILES_DIR / f"{name}.toml").read_text(encoding="utf-8")
    scenario.timeline.validate()
    for lang in ("nl", "en"):
        assert len(scenario.title[lang]) > 10
        assert len(scenario.description[lang]) > 100
        assert "§" in scenario.description[lang] or "Kader" in scenario.description[lang]
    assert scenario.title["nl"] != scenario.title["en"]
    # by name, by str path and by Path give the same scenario
    by_path = load_scenario(str(FILES_DIR / f"{name}.toml"))
    assert by_path.timeline == scenario.timeline
    assert by_path.params == scenario.params


def test_baseline_is_the_default_timeline() -> None:
    baseline = load_scenario("baseline")
    assert baseline.timeline == Timeline()
    assert baseline.params == {}
    assert "extends" not in baseline.source_text.split("[title]")[0]


def test_time_pressure_is_24_months_after_known_without_postponement() -> None:
    physical = load_scenario("time_pressure").timeline.physical
    assert physical.known == D(2016, 3, 1)
    assert physical.entry == add_months(physical.known, 24) == D(2018, 3, 1)
    assert months_between(physical.known, physical.final_entry()) == 24
    assert physical.postponements == ()
    assert physical.completion == Timeline().physical.completion


def test_dso_delay_is_36_months_with_the_postponement_that_follows() -> None:
    base = Timeline()
    delayed = load_scenario("dso_delay").timeline
    assert delayed.dso_full == add_months(base.dso_full, 36) == D(2027, 1, 1)
    assert delayed.dso_start == add_months(base.dso_start, 36) == D(2022, 7, 1)
    assert delayed.physical.final_entry() > base.physical.final_entry()
    assert delayed.physical.final_entry() == earliest_entry_for_dso(delayed) == D(2024, 1, 1)
    assert delayed.physical.postponements == (
        *base.physical.postponements,
        Postponement(D(2020, 1, 1), D(2024, 1, 1)),
    )
    assert delayed.social == base.social


def test_as_it_happened_chronology() -> None:
    physical = load_scenario("as_it_happened").timeline.physical
    assert physical.final_entry() == D(2024, 1, 1)
    assert len(physical.postponements) == 6
    assert physical.postponements[0] == Timeline().physical.postponements[0]
    assert [p.new_entry for p in physical.postponements] == [
        D(2021, 1, 1),
        D(2022, 1, 1),
        D(2022, 7, 1),
        D(2023, 1, 1),
        D(2023, 7, 1),
        D(2024, 1, 1),
    ]
    announced = [p.announced for p in physical.postponements]
    assert announced == sorted(announced)
    assert announced[1:3] == [D(2020, 5, 20), D(2021, 5, 28)]
    assert [(d.year, d.month) for d in announced[3:]] == [(2022, 2), (2022, 10), (2023, 1)]
    timeline = load_scenario("as_it_happened").timeline
    assert timeline.dso_full == D(2024, 1, 1)
    assert timeline.dso_start > Timeline().dso_start


def test_regional_cooperation_and_combination() -> None:
    policy = CooperationPolicy("physical", D(2016, 3, 1), 0.7, 0.3)
    regional = load_scenario("regional_cooperation").timeline
    assert regional.cooperation_policies == (policy,)
    combined = load_scenario("dso_delay_regional").timeline
    delayed = load_scenario("dso_delay").timeline
    assert combined.cooperation_policies == (policy,)
    assert combined.physical == delayed.physical
    assert (combined.dso_start, combined.dso_full) == (delayed.dso_start, delayed.dso_full)


def test_let_go_2018() -> None:
    (choice,) = load_scenario("let_go_2018").timeline.coalition_choices
    assert (choice.election, choice.domain, choice.stance, choice.share) == (
        D(2018, 3, 21),
        "physical",
        "let_go",
        0.6,
    )


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_runs(name: str) -> None:
    scenario = load_scenario(name)
    model = GovernanceModel(
        rng=1, params=scenario.params, timeline=scenario.timeline, municipalities=["Utrecht"]
    ).run()
    series = model.national_series()
    assert len(series) == model.calendar.n_steps
    assert series.loc["2029-12-01", "transition_physical"] > 0.5
    ct = model.compiled
    k = model.calendar.step_of(scenario.timeline.physical.final_entry())
    assert k >= ct.entry_step[k, 1]  # in force from the final entry date's step ...
    assert k - 1 < ct.entry_step[k - 1, 1]  # ... and not the month before
    assert ct.postponements[-1, 1] == len(scenario.timeline.physical.postponements)


# ---------------------------------------------------------------------------- user files
def test_user_file_extends_shipped_and_relative(tmp_path: Path) -> None:
    first = tmp_path / "mine.toml"
    # top-level keys (extends) come before the first [table]
    first.write_text(
        'extends = "dso_delay"\n'
        + HEADER.replace('"broken"', '"mine"')
        + "[parameters]\ntransition_rate = 0.2\nstaff_floor = 20\n",
        encoding="utf-8",
    )
    mine = load_scenario(first)
    assert mine.timeline == load_scenario("dso_delay").timeline
    assert mine.params == {"transition_rate": 0.2, "staff_floor": 20}
    assert isinstance(mine.params["staff_floor"], int)
    assert mine.title == {"nl": "Kapot", "en": "Broken"}

    second = tmp_path / "sub" / "second.toml"
    second.parent.mkdir()
    second.write_text(
        'name = "second"\nextends = "../mine.toml"\n[title]\nnl = "Tweede"\n'
        '[description]\nen = "Only English."\n[parameters]\ntransition_rate = 0.3\n'
        "[physical]\npostponements = []\n",
        encoding="utf-8",
    )
    second_scenario = load_scenario(str(second))
    assert second_scenario.params == {"transition_rate": 0.3, "staff_floor": 20}
    assert second_scenario.title == {"nl": "Tweede", "en": "Tweede"}
    assert second_scenario.description == {"nl": "Only English.", "en": "Only English."}
    assert second_scenario.timeline.physical.postponements == ()
    assert second_scenario.timeline.dso_full == D(2027, 1, 1)
    text = loads_scenario(second.read_text(encoding="utf-8"), path=second)
    assert text.timeline == second_scenario.timeline


def test_dso_dates_with_rule_and_lists_replace(tmp_path: Path) -> None:
    path = tmp_path / "dates.toml"
    path.write_text(
        'extends = "regional_cooperation"\n'
        + HEADER
        + "[dso]\nfull = 2026-03-01\nannounced = 2019-06-01\n"
        + '[[budget_shocks]]\ndate = "2019-01-01"\ndomain = "social"\nsize = 0.2\n',
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    physical = scenario.timeline.physical
    # earliest entry 2023-03 rounded up to 2023-07-01, announced as stated
    assert physical.postponements[-1] == Postponement(D(2019, 6, 1), D(2023, 7, 1))
    assert scenario.timeline.budget_shocks[0].size == 0.2
    assert scenario.timeline.cooperation_policies[0].intensity == 0.7  # inherited
    assert scenario.timeline.dso_start == D(2019, 7, 1)

    cleared = tmp_path / "cleared.toml"
    cleared.write_text(
        'extends = "regional_cooperation"\ncooperation = []\n' + HEADER, encoding="utf-8"
    )
    assert load_scenario(cleared).timeline == Timeline()


def test_unknown_name_lists_shipped_scenarios() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario("basline")
    message = str(info.value)
    assert "'basline'" in message
    for name in SHIPPED:
        assert name in message
    assert "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError, match="does not exist") as info:
        load_scenario(path)
    assert str(path) in str(info.value)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- broken files
BROKEN: list[tuple[str, str, tuple[str, ...]]] = [
    # (id, file text, substrings the message must contain: field, value, what is allowed)
    (
        "missing_name",
        HEADER.replace('name = "broken"\n', ""),
        ("'name'", "missing", "'title'"),
    ),
    (
        "unknown_top_key",
        'extend = "baseline"\n' + HEADER,
        ("'extend'", "'baseline'", "'extends'", "'parameters'", "'coalition'"),
    ),
    (
        "unknown_nested_key",
        HEADER + "[physical]\nentri = 2021-01-01\n",
        ("'physical.entri'", "2021-01-01", "'known'", "'entry'", "'postponements'"),
    ),
    (
        "unknown_postponement_key",
        HEADER
        + "[[physical.postponements]]\nannounced = 2017-07-01\nnew_entry = 2021-01-01\n"
        + "annonced = 2017-07-01\n",
        ("'physical.postponements[0].annonced'", "2017-07-01", "'new_entry'"),
    ),
    (
        "wrong_type",
        HEADER + '[[cooperation]]\ndomain = "physical"\nstart = 2016-03-01\nintensity = "high"\n',
        ("'cooperation[0].intensity'", "'high'", "not a number", "0.0 to 1.0"),
    ),
    (
        "title_not_a_table",
        HEADER.replace('[title]\nnl = "Kapot"\nen = "Broken"\n', "").replace(
            'name = "broken"\n', 'name = "broken"\ntitle = "Kapot"\n'
        ),
        ("'title'", "'Kapot'", "must be a table", "'nl', 'en'"),
    ),
    (
        "impossible_date_text",
        HEADER
        + "[[physical.postponements]]\nannounced = 2017-07-01\nnew_entry = 2021-01-01\n"
        + '[[physical.postponements]]\nannounced = 2020-01-01\nnew_entry = "2021-02-30"\n',
        ("'physical.postponements[1].new_entry'", "2021-02-30", "February 2021 has 28 days"),
    ),
    (
        "impossible_date_literal",
        HEADER + "[physical]\nentry = 2021-02-30\n",
        ("'physical.entry'", "2021-02-30", "line 9", "real calendar date"),
    ),
    (
        "date_outside_period",
        HEADER + '[[budget_shocks]]\ndate = 2031-01-01\ndomain = "social"\nsize = 0.1\n',
        ("'budget_shocks[0].date'", "2031-01-01", "2013-01-01", "2029-12-31"),
    ),
    (
        "value_out_of_range",
        HEADER + '[[cooperation]]\ndomain = "physical"\nstart = 2016-03-01\nintensity = 1.5\n',
        ("'cooperation[0].intensity'", "1.5", "out of range", "0.0 to 1.0"),
    ),
    (
        "postponements_out_of_order",
        HEADER
        + "[[physical.postponements]]\nannounced = 2018-01-01\nnew_entry = 2021-01-01\n"
        + "[[physical.postponements]]\nannounced = 2017-06-01\nnew_entry = 2022-01-01\n",
        ("'physical.postponements[1].announced'", "2017-06-01", "2018-01-01", "date order"),
    ),
    (
        "postponement_before_announcement",
        HEADER + "[[physical.postponements]]\nannounced = 2018-01-01\nnew_entry = 2017-12-01\n",
        ("'physical.postponements[0].new_entry'", "2017-12-01", "after 2018-01-01"),
    ),
    (
        "entry_before_known",
        HEADER + "[physical]\nknown = 2016-03-01\nentry = 2015-01-01\npostponements = []\n",
        ("'physical.entry'", "2015-01-01", "2016-03-01"),
    ),
    (
        "unknown_domain",
        HEADER + '[[cooperation]]\ndomain = "fysiek"\nstart = 2016-03-01\nintensity = 0.5\n',
        ("'cooperation[0].domain'", "'fysiek'", "'social', 'physical'"),
    ),
    (
        "unknown_stance",
        HEADER + '[[coalition]]\nelection = 2018-03-21\ndomain = "physical"\nstance = "loslaten"\n',
        ("'coalition[0].stance'", "'loslaten'", "'steer', 'let_go'"),
    ),
    (
        "not_an_election",
        HEADER + '[[coalition]]\nelection = 2018-03-20\ndomain = "social"\nstance = "steer"\n',
        ("'coalition[0].election'", "2018-03-20", *(e.isoformat() for e in Timeline().elections)),
    ),
    (
        "unknown_parameter",
        HEADER + "[parameters]\ntransition_rat = 0.1\n",
        ("'parameters.transition_rat'", "0.1", "'transition_rate'", "govsim params"),
    ),
    (
        "parameter_out_of_range",
        HEADER + "[parameters]\ntransition_rate = 5\n",
        # the default stated is what a run uses (the calibrated value), not the declared one
        ("'parameters.transition_rate'", "5", "0.005 to 0.5", f"default {RUN_RATE:.4g}."),
    ),
    (
        "parameter_not_whole",
        HEADER + "[parameters]\nstaff_floor = 12.5\n",
        ("'parameters.staff_floor'", "12.5", "whole number from 3 to 200"),
    ),
    (
        "toml_syntax",
        HEADER + '[physical]\nentry = "2021-01-01\n',
        ("syntax error", "line 9", "physical.entry"),
    ),
    ("empty_file", "", ("empty",)),
    ("only_comments", "# nothing here\n\n", ("no settings",)),
    (
        "extends_unknown",
        'extends = "basline"\n' + HEADER,
        ("'extends'", "'basline'", "did you mean 'baseline'", "as_it_happened"),
    ),
    (
        "extends_missing_file",
        'extends = "other.toml"\n' + HEADER,
        ("'extends'", "'other.toml'", "does not exist"),
    ),
    (
        "delay_not_whole",
        HEADER + "[dso]\ndelay_months = 2.5\n",
        ("'dso.delay_months'", "2.5", "whole number from 0 to 120"),
    ),
    (
        "delay_and_dates",
        HEADER + "[dso]\ndelay_months = 12\nfull = 2025-01-01\n",
        ("'dso.delay_months'", "12", "dso.full"),
    ),
    (
        "dso_announced_too_late",
        HEADER + "[dso]\ndelay_months = 24\nannounced = 2021-06-01\n",
        ("'dso.announced'", "2021-06-01", "2021-01-01"),
    ),
    (
        "lead_time_and_entry",
        HEADER + "[physical]\nlead_time_months = 24\nentry = 2019-01-01\n",
        ("'physical.lead_time_months'", "24", "physical.entry"),
    ),
    (
        "date_with_time",
        HEADER + "[physical]\nentry = 2021-01-01T09:00:00\n",
        ("'physical.entry'", "2021-01-01 09:00:00", "time of day"),
    ),
    (
        "boolean_as_number",
        HEADER + '[[budget_shocks]]\ndate = 2019-01-01\ndomain = "social"\nsize = true\n',
        ("'budget_shocks[0].size'", "true", "not a number"),
    ),
    (
        "array_expected",
        HEADER.replace('name = "broken"\n', 'name = "broken"\ncooperation = "yes"\n'),
        ("'cooperation'", "'yes'", "[[cooperation]]"),
    ),
    (
        "bad_name",
        HEADER.replace('name = "broken"', 'name = "Mijn Scenario"'),
        ("'name'", "'Mijn Scenario'", "lower-case"),
    ),
    (
        "completion_before_entry",
        HEADER + "[physical]\ncompletion = 2020-12-31\n",
        ("'physical.completion'", "2020-12-31", "2021-01-01"),
    ),
    (
        "rules_final_before_known",
        HEADER + "[social]\nrules_final = 2012-06-01\n",
        ("'social.rules_final'", "2012-06-01", "before the date the task is known", "2013-01-01"),
    ),
    (
        "strategy_unknown_key",
        HEADER + '[[strategy]]\nwhere = "all"\ncoach_colege = 0.5\n',
        ("'strategy[0].coach_colege'", "0.5", "did you mean 'coach_college'", "'dso_lobby'"),
    ),
    (
        "strategy_without_where",
        HEADER + "[[strategy]]\ncoach_college = 0.5\n",
        ("'strategy[0].where'", "missing", "'where'"),
    ),
    (
        "strategy_bad_where",
        HEADER + '[[strategy]]\nwhere = "province Atlantis"\ncoach_college = 0.5\n',
        ("'strategy[0].where'", "'province Atlantis'", "not a province", "Utrecht"),
    ),
    (
        "strategy_unknown_municipality",
        HEADER
        + '[[strategy]]\nwhere = "all"\nrole = "changer"\n[[strategy]]\n'
        + 'where = "Gotham"\nrole = "changer"\n',
        ("'strategy[1].where'", "'Gotham'", "names no municipality", "size_class"),
    ),
    (
        "strategy_bad_size_class",
        HEADER + '[[strategy]]\nwhere = "size_class <30k"\nstart_early = 1.0\n',
        ("'strategy[0].where'", "'size_class <30k'", "not a size class", "20k-50k"),
    ),
    (
        "strategy_bad_role",
        HEADER + '[[strategy]]\nwhere = "all"\nrole = "king"\n',
        ("'strategy[0].role'", "'king'", "'advocate'", "'changer'"),
    ),
    (
        "strategy_lever_out_of_range",
        HEADER + '[[strategy]]\nwhere = "Borne"\ndso_lobby = 1.5\n',
        ("'strategy[0].dso_lobby'", "1.5", "out of range", "from 0.0 to 1.0"),
    ),
    (
        "strategy_lever_not_a_number",
        HEADER + '[[strategy]]\nwhere = "Borne"\nintegrality = "much"\n',
        ("'strategy[0].integrality'", "'much'", "not a number"),
    ),
    (
        "strategy_sets_nothing",
        HEADER + '[[strategy]]\nwhere = "Borne"\n',
        ("'strategy[0]'", "sets no choice", "'coach_college'"),
    ),
    (
        "strategy_not_an_array",
        HEADER.replace('name = "broken"\n', 'name = "broken"\nstrategy = "all"\n'),
        ("'strategy'", "'all'", "[[strategy]]"),
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_gives_one_clear_paragraph(
    tmp_path: Path, case: str, text: str, expected: tuple[str, ...]
) -> None:
    path = tmp_path / f"{case}.toml"
    path.write_text(text, encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{part!r} not in: {message}"
    assert "\n" not in message and "\r" not in message
    assert "Traceback" not in message
    assert info.value.__cause__ is None or not isinstance(info.value.__cause__, KeyError)
    assert sorted(tmp_path.rglob("*")) == before


EVERY_STRATEGY_KEY = (
    HEADER
    + """
[[strategy]]                 # the secretary's choices; later tables win where they overlap
where = "all"
transformation_first = 0.8
link_organisation_change = 0.8
data_driven = 0.5
start_early = 0.8
integrality = 0.6
coach_college = 0.7
use_elections = 0.7
dso_lobby = 0.5

[[strategy]]
where = "size_class <20k"
role = "changer"
stance = "regisseur"
physical_strategy = "prepare"

[[strategy]]
where = "province Utrecht"
role = "connector"
social_strategy = "front_run"

[[strategy]]
where = "region Twente"
coach_college = 0.2

[[strategy]]
where = "Borne"
physical_strategy = "wait"
dso_lobby = 0.0
"""
)


def test_every_strategy_key_at_several_levels_loads_and_runs(tmp_path: Path) -> None:
    path = tmp_path / "every_key.toml"
    path.write_text(EVERY_STRATEGY_KEY, encoding="utf-8")
    scenario = load_scenario(path)
    from govsim.model.parameters import LEVERS

    keys = {k for rule in scenario.strategy for k in rule.values}
    assert keys == set(LEVERS)
    assert [r.where for r in scenario.strategy] == [
        "all", "size_class <20k", "province Utrecht", "region Twente", "Borne",
    ]  # fmt: skip
    model = GovernanceModel(
        scenario.params, scenario.timeline, rng=1, municipalities=["Overijssel", "Utrecht"],
        strategy=scenario.strategy,
    ).run("2016-06")  # fmt: skip
    snap = model.snapshot().set_index("name")
    assert snap.loc["Borne", "strategy_physical"] == "wait"
    assert snap.loc["Borne", "lever_dso_lobby"] == 0.0
    assert snap.loc["Enschede", "lever_coach_college"] == 0.2  # Twente
    assert snap.loc["Utrecht", "secretary_role"] == "connector"
    assert snap.loc["Zwolle", "lever_coach_college"] == 0.7
    # a file extending it adds its own rules after the base's
    child = tmp_path / "child.toml"
    child.write_text(
        'extends = "every_key.toml"\n' + HEADER.replace('"broken"', '"child"')
        + '[[strategy]]\nwhere = "all"\nrole = "drawn"\n',
        encoding="utf-8",
    )  # fmt: skip
    assert len(load_scenario(child).strategy) == 6


def test_broken_table_is_large_enough() -> None:
    assert len(BROKEN) >= 12
    assert len({b[0] for b in BROKEN}) == len(BROKEN)


def test_extends_cycle(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text('extends = "b.toml"\n' + HEADER.replace('"broken"', '"a"'), encoding="utf-8")
    b.write_text('extends = "a.toml"\n' + HEADER.replace('"broken"', '"b"'), encoding="utf-8")
    with pytest.raises(ScenarioError, match="cycle") as info:
        load_scenario(a)
    assert "\n" not in str(info.value)
    assert str(a) in str(info.value)


def test_documented_example_loads() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
    text = docs.read_text(encoding="utf-8")
    example = text.split("## Complete annotated example", 1)[1].split("```toml\n", 1)[1]
    example = example.split("```", 1)[0]
    scenario = loads_scenario(example, path=docs)
    timeline = scenario.timeline
    assert scenario.name == "my_scenario"
    assert scenario.params == {"transition_rate": 0.5, "staff_floor": 12}
    assert timeline.dso_full == D(2025, 1, 1)
    assert timeline.physical.postponements[-1] == Postponement(D(2019, 6, 1), D(2022, 1, 1))
    assert [len(x) for x in (timeline.budget_shocks, timeline.cooperation_policies)] == [1, 1]
    assert timeline.coalition_choices[0].share == 0.5
    # every key of the format appears in the example
    for key in ("extends", "lead_time_months", "start", "full", "postpone_entry", "announced"):
        assert key in example
    from govsim.model.parameters import LEVERS

    assert timeline.social.rules_final == D(2014, 7, 1)
    assert {k for rule in scenario.strategy for k in rule.values} == set(LEVERS)
    assert [rule.where for rule in scenario.strategy] == ["size_class <20k", "Borne", "all"]
    assert [rule.start for rule in scenario.strategy] == [None, None, D(2019, 1, 1)]
