"""The screens behind the free parameters: Morris (`screen`) and at the fit (`local_screen`)."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import numpy as np
import pandas as pd

from govsim.experiments.calibration.local_screen import pattern_keepers
from govsim.experiments.calibration.priors import (
    CANDIDATES,
    FREE,
    NOT_INFORMED,
    PRIOR_BY_NAME,
    PRIORS,
)
from govsim.experiments.calibration.screen import (
    DOMAIN_SCREENS,
    exchange,
    free_set,
    problem,
    screen,
)
from govsim.experiments.survey.items import SPLIT_FROM

NAMES = ("satisfaction_noise", "dso_uncertainty_weight", "transition_rate")


def test_the_screen_sees_which_domain_a_parameter_acts_on():
    table = screen(
        [PRIOR_BY_NAME[n] for n in NAMES], trajectories=3, seed=2, municipalities=["Utrecht"]
    ).set_index("parameter")
    assert list(table["rank"]) == [1, 2, 3] and set(table.index) == set(NAMES)
    # Table 3's satisfaction noise reads only the 3D satisfaction (the law in force)
    assert table.loc["satisfaction_noise", "mu_star_physical"] == 0.0
    assert table.loc["satisfaction_noise", "mu_star_social"] > 0.5
    # national DSO uncertainty acts on the Omgevingswet figures, hardly on the 3D ones
    dso = table.loc["dso_uncertainty_weight"]
    assert dso["mu_star_physical"] > 3 * dso["mu_star_social"]
    # importance is each parameter's largest mu* relative to the largest of its screen
    for name in DOMAIN_SCREENS:
        assert table[f"mu_star_{name}"].max() > 0
    assert np.isclose(table["importance"].max(), 1.0)
    assert table["importance"].between(0, 1).all()


def test_the_free_set_is_what_the_committed_local_screen_gives():
    docs = Path(__file__).resolve().parents[1] / "docs" / "screen"
    local = pd.read_csv(docs / "local_screen.csv")
    every = {p.name for p in (*PRIORS, *CANDIDATES)}
    assert len(local) == len(every) == 44 and set(local["parameter"]) == every
    assert local["rank"].tolist() == list(range(1, len(every) + 1))
    # six parameters keep a report pattern at the fit: all free, first
    keepers = pattern_keepers(local)
    assert len(keepers) == 6 and set(keepers) <= set(FREE)
    assert {"prepare_effort", "wait_threshold", "organisation_spillover"} <= set(keepers)
    set_b = free_set(local, keepers=keepers, excluded=tuple(NOT_INFORMED))
    # the plain top 15 is another set: it holds the three the survey did not inform in
    # place of three keepers
    plain = set(free_set(local))
    assert plain - set(set_b) == set(NOT_INFORMED)
    assert set(set_b) - plain == {"prepare_effort", "wait_threshold", "organisation_spillover"}
    # what set B left fixed either barely mattered at that fit (less than 15% of the largest
    # increase on every distance) or is one the survey did not inform
    fixed = local[~local["parameter"].isin(set_b) & ~local["parameter"].isin(NOT_INFORMED)]
    assert fixed["importance"].max() < 0.15
    # at set B's own fit (version 13) one exchange pays: importance_noise, whose freedom
    # gains most, takes the place of cooperation_formation, which the fit held at its
    # declared value
    costs = pd.read_csv(docs / "local_screen_v13.csv")
    gains = pd.read_csv(docs / "gain_screen_v13.csv")
    assert set(costs["parameter"]) == set(set_b) | set(gains["parameter"]) == every
    keepers_b = pattern_keepers(costs)
    assert set(keepers_b) == set(keepers)
    chosen = exchange(set_b, costs, gains, keepers=keepers_b, excluded=tuple(NOT_INFORMED))
    assert set(set_b) - set(chosen) == {"cooperation_formation"}
    assert set(chosen) - set(set_b) == {"importance_noise"}
    # (FREE lists it beside answer_noise, its source: the order the runs of §19 recorded)
    assert sorted(chosen) == sorted(FREE) and len(FREE) == 15
    leaver = costs.set_index("parameter").loc["cooperation_formation"]
    assert leaver["cost_all"] < gains.set_index("parameter").loc["importance_noise", "gain_all"]
    # at the exchanged set's own fit (version 14) no exchange pays: the free set is settled
    costs = pd.read_csv(docs / "local_screen_v14.csv")
    gains = pd.read_csv(docs / "gain_screen_v14.csv")
    assert set(pattern_keepers(costs)) == set(keepers)
    settled = exchange(FREE, costs, gains, keepers=keepers, excluded=tuple(NOT_INFORMED))
    assert settled == list(FREE)
    cheapest = costs.set_index("parameter").loc["importance_noise", "cost_all"]
    assert gains["gain_all"].max() < cheapest
    # the keepers come first: with three places, the three best-ranked keepers
    assert free_set(local, 3, keepers=keepers) == keepers[:3]
    # a parameter the fit holds at its declared value costs nothing
    same = local["at_fit"] == local["declared"]
    assert (local.loc[same, [f"cost_{n}" for n in DOMAIN_SCREENS]] == 0).all().all()
    # the Morris screen over the whole prior box ranks otherwise (docs/calibration.md §14)
    morris = pd.read_csv(docs / "screen.csv")
    assert len(morris) == 43 and set(free_set(morris)) != set(FREE)


def test_the_screen_problem_takes_the_priors_bounds():
    prob = problem([PRIOR_BY_NAME[n] for n in NAMES])
    assert prob["names"] == list(NAMES)
    assert prob["bounds"][1] == [PRIOR_BY_NAME[NAMES[1]].low, PRIOR_BY_NAME[NAMES[1]].high]


def test_a_split_off_noise_is_free_only_with_its_source():
    def table(names):
        return pd.DataFrame({"parameter": names, "rank": range(1, len(names) + 1)})

    names = ["a", "change_noise", "b", "importance_noise", "answer_noise", "c"]
    # the source comes in at the place of the lowest-ranked chosen one
    assert free_set(table(names), 4) == ["a", "change_noise", "b", "answer_noise"]
    # with the source already chosen nothing changes
    assert free_set(table(names), 5) == names[:5]
    # a split-off noise at the limit gives way to its source
    assert free_set(table(names), 2) == ["a", "answer_noise"]
    assert free_set(table(["a", "b", "c"]), 2) == ["a", "b"]
    # keepers first, excluded ones out (a keeper is never excluded)
    assert free_set(table(["a", "b", "c", "d"]), 2, keepers=["c"], excluded=["a"]) == ["b", "c"]
    assert free_set(table(["a", "b", "c"]), 2, keepers=["c"], excluded=["c"]) == ["a", "c"]
    # a source a chosen split-off needs is never the one that gives way
    # (two sources: answer_noise, 4th, stays; change_noise, the lowest-ranked one no split-off
    # needs, makes way for b)
    names = ["a", "importance_noise", "change_noise", "answer_noise", "b"]
    with patch.dict(SPLIT_FROM, {"importance_noise": "b"}):
        assert free_set(table(names), 4) == ["a", "importance_noise", "answer_noise", "b"]
