"""Directions from the report, each over >= 10 replications of a shipped scenario against baseline.

Common random numbers make replication i of a scenario and of the baseline a pair; each check
takes the per-replication difference of an indicator (averaged over a window of months) and
requires the median difference to point the report's way and at least 80% of the pairs to agree.
Province subset: Groningen and Friesland (47 municipalities, 29 of them below 20,000
inhabitants, so the small-municipality classes are well filled).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from govsim.scenarios.ensemble import collect
from govsim.scenarios.loader import load_scenario
from govsim.scenarios.runner import make_tasks, replication_seeds, run_tasks
from govsim.scenarios.summary import EnsembleData

REPLICATIONS = 10
SEED = 20180101
PROVINCES = ("Groningen", "Friesland")
NAMES = ("baseline", "time_pressure", "dso_delay", "regional_cooperation")
AGREEMENT = 0.8
UNTIL = "2024-12"


@pytest.fixture(scope="module")
def data() -> EnsembleData:
    scenarios = [load_scenario(n) for n in NAMES]
    tasks = make_tasks(scenarios, REPLICATIONS, SEED, municipalities=PROVINCES, until=UNTIL)
    results = list(run_tasks(tasks, workers=2, progress=False))
    return collect(scenarios, results, replication_seeds(SEED, REPLICATIONS), "baseline", PROVINCES)


def paired(data: EnsembleData, name: str, indicator: str, start: str, end: str) -> np.ndarray:
    """Per replication: mean over [start, end] of scenario minus baseline."""
    i, j = data.date_index(start), data.date_index(end)
    assert i is not None and j is not None and i <= j
    window = slice(i, j + 1)
    mine = data.column(name, indicator)[:, window].mean(axis=1)
    base = data.column("baseline", indicator)[:, window].mean(axis=1)
    return mine - base


def check(diff: np.ndarray, sign: int, what: str) -> None:
    agree = float(np.mean(np.sign(diff) == sign))
    message = (
        f"{what}: median paired difference {np.median(diff):+.4f} "
        f"(range {diff.min():+.4f} .. {diff.max():+.4f}), {agree:.0%} of {len(diff)} pairs agree"
    )
    assert len(diff) >= 10, message
    assert np.sign(np.median(diff)) == sign, message
    assert agree >= AGREEMENT, message


def month(date: dt.date) -> str:
    return date.isoformat()[:7]


# ---------------------------------------------------------------------------- P1, P2
def test_time_pressure_brings_physical_transition_earlier(data):
    """P1: time pressure forces a start with transition (higher transition in 2018-2019)."""
    check(paired(data, "time_pressure", "transition_physical", "2018-01", "2019-12"), +1, "P1")


def test_time_pressure_lowers_transformation_at_entry(data):
    """P1/P2: too little room for transformation: lower at the scenario's own entry date."""
    entry = month(data.scenario("time_pressure").timeline.physical.final_entry())
    assert entry == "2018-03"
    check(paired(data, "time_pressure", "transformation_physical", entry, entry), -1, "P2")


# ---------------------------------------------------------------------------- P4, P9
def test_dso_delay_makes_physical_transition_later(data):
    """P4/P9: the municipalities wait for the DSO: lower physical transition in 2022-2024."""
    check(paired(data, "dso_delay", "transition_physical", "2022-01", "2024-12"), -1, "P4/P9")


def test_dso_delay_lowers_physical_urgency_in_between(data):
    """P4/P9: from the baseline DSO launch to the postponed entry urgency is lower."""
    base = data.scenario("baseline").timeline
    delayed = data.scenario("dso_delay").timeline
    start, end = month(base.dso_start), month(delayed.physical.final_entry())
    assert start < end
    check(paired(data, "dso_delay", "urgency_physical", start, end), -1, "P4 urgency")


# ---------------------------------------------------------------------------- P5
@pytest.mark.parametrize("size", ["lt10k", "10k_20k"])
def test_regional_cooperation_speeds_small_municipalities(data, size):
    """P5: pooled capacity: faster physical transition in small municipalities."""
    diff = paired(data, "regional_cooperation", f"transition_physical_{size}", "2016-03", "2020-12")
    check(diff, +1, f"P5 transition {size}")
    large = paired(data, "regional_cooperation", "transition_physical_gt100k", "2016-03", "2020-12")
    assert np.median(diff) > np.median(large), (np.median(diff), np.median(large))


def test_regional_cooperation_pulls_to_legal_steering(data):
    """P5: regional bodies lean to legality: a higher legal weight in the physical steering mix."""
    diff = paired(data, "regional_cooperation", "mix_physical_legal", "2017-01", UNTIL)
    check(diff, +1, "P5 legal")
