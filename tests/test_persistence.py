"""A GovernanceModel pickles by replay of its recipe (issue 17; `model.persistence`)."""

import pickle

import numpy as np
import pandas as pd
import pytest

from govsim.model.governance_model import GovernanceModel
from govsim.model.persistence import ModelNotPicklable, fingerprint

PLACE = ["Borne"]


@pytest.mark.parametrize("rng", [11, "generator", None], ids=["int", "generator", "unseeded"])
def test_a_pickled_model_goes_on_exactly_as_the_original(rng):
    seed = np.random.default_rng(4) if rng == "generator" else rng
    model = GovernanceModel(rng=seed, municipalities=PLACE, staff_per_1000=9.0)
    model.run("2016-06")
    copy = pickle.loads(pickle.dumps(model))
    assert copy.steps == model.steps == 42
    assert copy.params == model.params and copy.params["staff_per_1000"] == 9.0
    assert fingerprint(copy) == fingerprint(model)
    model.run()
    copy.run()
    pd.testing.assert_frame_equal(copy.national_series(), model.national_series(), check_exact=True)
    pd.testing.assert_frame_equal(copy.snapshot(), model.snapshot(), check_exact=True)


def test_the_strategy_and_timeline_travel_with_the_model():
    from govsim.scenarios.loader import load_scenario

    scenario = load_scenario("regional_cooperation")
    model = GovernanceModel(
        scenario.params,
        scenario.timeline,
        rng=5,
        municipalities=PLACE,
        strategy=[{"where": "Borne", "role": "changer"}],
    )
    model.run("2015-01")
    copy = pickle.loads(pickle.dumps(model))
    assert copy.timeline == scenario.timeline
    assert [r.to_mapping() for r in copy.strategy_rules] == [{"where": "Borne", "role": "changer"}]


def test_a_model_changed_by_hand_says_how_to_keep_it_instead():
    model = GovernanceModel(rng=2, municipalities=PLACE)
    model.step()
    model.staff.adopted[:] = True  # changed by hand between steps
    model.step()
    with pytest.raises(ModelNotPicklable, match="changed after it was made") as error:
        pickle.dumps(model)
    assert "govsim.run(...).save(folder)" in str(error.value)


def test_a_timeline_replaced_by_hand_is_a_change_by_hand():
    """The steps read the compiled timeline; a replay would compile the new one and diverge."""
    from govsim.scenarios.loader import load_scenario

    model = GovernanceModel(rng=9, municipalities=PLACE)
    model.run("2016-01")
    model.timeline = load_scenario("dso_delay").timeline
    with pytest.raises(ModelNotPicklable, match="changed after it was made"):
        pickle.dumps(model)


def test_stepping_past_the_end_keeps_the_last_month():
    model = GovernanceModel(rng=1, municipalities=PLACE, collect=False).run()
    for _ in range(5):
        model.step()
    assert not model.running
    assert model.date.isoformat() == "2029-12-01"
