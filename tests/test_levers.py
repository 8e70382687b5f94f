"""The secretary's choices per municipality: ``where`` selections, rules and their arrays."""

from __future__ import annotations

import numpy as np
import pytest

from govsim.agents import ROLES
from govsim.model import GovernanceModel
from govsim.model.levers import (
    NUMERIC_LEVERS,
    ROLE_NAMES,
    LeverArrays,
    LeverError,
    StrategyRule,
    as_rules,
    parse_where,
)
from govsim.model.municipalities import load_municipalities
from govsim.model.parameters import CHOICES, LEVERS, PARAMETERS, STRATEGIES, defaults

FRAME = load_municipalities()


def mask(where: str) -> np.ndarray:
    return parse_where(where).mask(FRAME)


def test_the_role_names_of_the_levers_are_the_agents_roles():
    assert ROLE_NAMES == ROLES
    assert CHOICES["role"].values == ("drawn", *ROLES)


def test_every_lever_is_declared_once_with_a_source_and_the_issue_keys_exist():
    issue_keys = {
        "role",
        "stance",
        "transformation_first",
        "link_organisation_change",
        "data_driven",
        "start_early",
        "integrality",
        "coach_college",
        "use_elections",
        "dso_lobby",
    }
    assert issue_keys <= set(LEVERS)
    assert len(LEVERS) == len(set(LEVERS))
    for name in NUMERIC_LEVERS:
        p = PARAMETERS[name]
        assert p.lever and (p.low, p.high, p.default) == (0.0, 1.0, 0.0)
        assert "report" in p.source
    for choice in CHOICES.values():
        assert choice.default == choice.values[0]
        assert "report" in choice.source


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("all", 388),
        ("province Utrecht", 26),
        ("province fryslân", (FRAME["province"] == "Friesland").sum()),
        ("size_class <10k", (FRAME["size_class"] == 0).sum()),
        ("size_class <20k", (FRAME["size_class"] <= 1).sum()),
        ("size_class 20k-50k", (FRAME["size_class"] == 2).sum()),
        ("size_class >=50k", (FRAME["size_class"] >= 3).sum()),
        ("size_class >100k", (FRAME["size_class"] == 4).sum()),
        ("size_class gt100k", (FRAME["size_class"] == 4).sum()),
        ("region Twente", (FRAME["youth_region_name"] == "Twente").sum()),
        ("GM0344", 1),
        ("Borne", 1),
        ("Den Haag", 1),
        ("den bosch", 1),
        ("Sudwest-Fryslan", 1),
    ],
)
def test_where_selects_the_municipalities_it_names(where, expected):
    assert mask(where).sum() == expected


def test_size_class_bounds_partition_the_country():
    below, above = mask("size_class <20k"), mask("size_class >=20k")
    assert not (below & above).any()
    assert (below | above).all()
    assert np.all(FRAME.loc[below, "population"] < 20_000)


@pytest.mark.parametrize(
    ("where", "problem", "allowed"),
    [
        ("province Atlantis", "is not a province", "Utrecht"),
        ("size_class <30k", "is not a size class", "10k"),
        ("region Nowhere", "not a youth-care region", "JZ01"),
        ("Gotham", "names no municipality", "province NAME"),
        ("", "must be a text", "all"),
    ],
)
def test_a_bad_where_says_what_is_wrong_and_what_is_allowed(where, problem, allowed):
    with pytest.raises(LeverError) as info:
        parse_where(where)
    assert problem in info.value.problem
    assert allowed in info.value.allowed


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"role": "king"}, "'role' = 'king' is not allowed"),
        ({"stance": 1}, "'stance' = 1 is not allowed"),
        ({"coach_college": 1.5}, "'coach_college' = 1.5 is not allowed"),
        ({"coach_college": "high"}, "'coach_college' = 'high'"),
        ({"training_intensity": 0.5}, "unknown key 'training_intensity'"),
        ({}, "sets no choice"),
    ],
)
def test_bad_rule_values_are_refused(values, fragment):
    with pytest.raises(LeverError, match=fragment.replace("(", r"\(")):
        StrategyRule.from_mapping({"where": "all", **values})


def test_later_rules_win_where_they_overlap_and_national_values_fill_the_rest():
    params = defaults()
    params["coach_college"] = 0.1
    rules = as_rules(
        [
            {"where": "province Utrecht", "coach_college": 0.5, "role": "changer"},
            {"where": "Utrecht", "coach_college": 0.9, "stance": "regisseur"},
            {"where": "size_class <10k", "physical_strategy": "wait"},
        ]
    )
    levers = LeverArrays.resolve(rules, FRAME, params)
    province = FRAME["province"].to_numpy() == "Utrecht"
    city = FRAME["name"].to_numpy() == "Utrecht"
    small = FRAME["size_class"].to_numpy() == 0
    assert np.all(levers["coach_college"][city] == 0.9)
    assert np.all(levers["coach_college"][province & ~city] == 0.5)
    assert np.all(levers["coach_college"][~province] == 0.1)
    assert np.all(levers.role[province] == ROLES.index("changer"))
    assert np.all(levers.role[~province] == -1)
    assert levers.regisseur[city].tolist() == [1] and np.all(levers.regisseur[~city] == -1)
    assert np.all(levers.strategy[small, 1] == STRATEGIES.index("wait"))
    assert np.all(levers.strategy[~small, 1] == -1) and np.all(levers.strategy[:, 0] == -1)
    # 'drawn' and 'chosen' undo an earlier rule
    undo = as_rules([*rules, {"where": "all", "role": "drawn", "physical_strategy": "chosen"}])
    again = LeverArrays.resolve(undo, FRAME, params)
    assert np.all(again.role == -1) and np.all(again.strategy == -1)


def test_a_model_applies_its_rules_to_roles_stances_and_fixed_strategies():
    model = GovernanceModel(
        rng=3,
        municipalities=["Utrecht"],
        strategy=[
            {"where": "all", "role": "advocate", "stance": "coach"},
            {"where": "Amersfoort", "role": "changer", "stance": "regisseur"},
            {"where": "all", "physical_strategy": "front_run"},
        ],
    )
    names = model.frame["name"].tolist()
    i = names.index("Amersfoort")
    assert model.secretaries.role[i] == ROLES.index("changer")
    assert model.secretaries.regisseur[i]
    others = np.arange(len(names)) != i
    assert np.all(model.secretaries.role[others] == ROLES.index("advocate"))
    assert not model.secretaries.regisseur[others].any()
    model.run("2016-02")
    assert np.all(model.state.strategy[:, 1] == 0)  # not chosen before the task is known
    model.run("2016-03")
    assert np.all(model.state.strategy[:, 1] == STRATEGIES.index("front_run"))
    changes = [
        e for e in model.events if e["kind"] == "strategy_change" and e["domain"] == "physical"
    ]
    assert changes and all(e["cause"] == "scenario" for e in changes)


def test_a_new_secretary_keeps_the_role_and_stance_the_scenario_sets():
    model = GovernanceModel(
        rng=4,
        municipalities=["Utrecht"],
        secretary_turnover_per_year=0.5,
        strategy=[{"where": "all", "role": "connector", "stance": "regisseur"}],
    ).run("2020-12")
    assert any(e["kind"] == "new_secretary" for e in model.events)
    assert np.all(model.secretaries.role == ROLES.index("connector"))
    assert model.secretaries.regisseur.all()


def test_fixing_one_municipalitys_role_changes_no_other_municipality():
    plain = GovernanceModel(rng=5, municipalities=["Utrecht"])
    fixed = GovernanceModel(
        rng=5, municipalities=["Utrecht"], strategy=[{"where": "Amersfoort", "role": "changer"}]
    )
    i = plain.frame["name"].tolist().index("Amersfoort")
    others = np.arange(plain.municipalities.n) != i
    np.testing.assert_array_equal(plain.secretaries.role[others], fixed.secretaries.role[others])
    np.testing.assert_array_equal(plain.secretaries.desires, fixed.secretaries.desires)


def test_the_snapshot_shows_the_levers_and_the_strategy():
    model = GovernanceModel(
        rng=1, municipalities=["Utrecht"], strategy=[{"where": "Amersfoort", "dso_lobby": 0.7}]
    ).run("2017-08")
    snap = model.snapshot()
    row = snap.set_index("name").loc["Amersfoort"]
    assert row["lever_dso_lobby"] == 0.7
    assert set(snap["strategy_physical"]) <= set(STRATEGIES)
    assert {"instrument_omgevingsvisie", "dso_preparation", "readiness_physical"} <= set(snap)
