"""The Morris screen that chose the free parameters (`experiments.calibration.screen`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from govsim.experiments.calibration.priors import FREE, NOT_IDENTIFIED, PRIOR_BY_NAME
from govsim.experiments.calibration.screen import DOMAIN_SCREENS, free_set, problem, screen

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


def test_the_free_set_is_the_top_of_the_committed_screen_less_the_unidentified():
    committed = pd.read_csv(Path(__file__).resolve().parents[1] / "docs" / "screen" / "screen.csv")
    assert len(committed) == 43 and committed["rank"].tolist() == list(range(1, 44))
    assert free_set(committed, exclude=NOT_IDENTIFIED) == list(FREE)
    assert free_set(committed, 3, exclude=NOT_IDENTIFIED) == list(FREE[:3])
    # without the exclusion: the screen's own top 15, the unidentified among them
    top = free_set(committed)
    assert set(NOT_IDENTIFIED) < set(top) and len(top) == 15
    assert set(top) - set(NOT_IDENTIFIED) < set(FREE)
    assert not set(FREE) & set(NOT_IDENTIFIED)


def test_the_screen_problem_takes_the_priors_bounds():
    prob = problem([PRIOR_BY_NAME[n] for n in NAMES])
    assert prob["names"] == list(NAMES)
    assert prob["bounds"][1] == [PRIOR_BY_NAME[NAMES[1]].low, PRIOR_BY_NAME[NAMES[1]].high]
