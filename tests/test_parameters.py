"""The declared parameters and how `resolve_parameters` checks them."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.model import PARAMETERS, GovernanceModel, ParameterError, resolve_parameters
from govsim.model.parameters import CALIBRATE, defaults

NAMES = sorted(PARAMETERS)
INTEGER_NAMES = [n for n in NAMES if PARAMETERS[n].integer]
FLOAT_NAMES = [n for n in NAMES if not PARAMETERS[n].integer]


def test_there_are_parameters_of_both_kinds():
    assert len(NAMES) >= 40
    assert set(INTEGER_NAMES) >= {"staff_floor", "citizen_floor"}
    assert "training_intensity" in FLOAT_NAMES


@pytest.mark.parametrize("name", NAMES)
def test_declaration_is_complete_and_default_in_range(name):
    p = PARAMETERS[name]
    assert p.name == name
    assert p.low < p.high
    assert p.low <= p.default <= p.high
    assert p.unit.strip()
    assert p.source.strip()
    assert p.description.strip()
    if p.integer:
        assert float(p.default) == int(p.default)
        assert float(p.low) == int(p.low) and float(p.high) == int(p.high)


def test_calibratable_flag_follows_the_source_text():
    free = {n for n in NAMES if PARAMETERS[n].calibratable}
    assert free == {n for n in NAMES if CALIBRATE in PARAMETERS[n].source}
    # a report passage whose size is assumed is free; a fully sourced value is not
    assert PARAMETERS["reversion_rate"].calibratable
    assert not PARAMETERS["learning_by_doing_share"].calibratable
    assert PARAMETERS["transition_rate"].calibratable


def test_resolve_without_overrides_gives_every_parameter_within_range():
    values = resolve_parameters()
    assert set(values) == set(NAMES)
    for name, value in values.items():
        p = PARAMETERS[name]
        assert p.low <= value <= p.high, name
    assert values == defaults()
    # a fresh dict each time: callers may change it without touching the next model
    values["training_intensity"] = 0.0
    assert resolve_parameters()["training_intensity"] == defaults()["training_intensity"]


def test_override_is_applied_and_others_keep_their_defaults():
    values = resolve_parameters({"training_intensity": 0.9, "staff_floor": 20})
    assert values["training_intensity"] == 0.9
    assert values["staff_floor"] == 20
    assert isinstance(values["staff_floor"], int)
    assert values["resister_share"] == defaults()["resister_share"]


def test_unknown_name_is_rejected_and_named():
    with pytest.raises(ParameterError, match="unknown parameter 'foo_bar_baz'"):
        resolve_parameters({"foo_bar_baz": 1.0})


def test_unknown_name_close_to_a_real_one_gets_a_hint():
    with pytest.raises(ParameterError) as info:
        resolve_parameters({"training_intensty": 0.5})
    message = str(info.value)
    assert "training_intensty" in message
    assert "training_intensity" in message


@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_is_rejected_naming_parameter_and_range(name):
    p = PARAMETERS[name]
    span = p.high - p.low
    for bad in (p.high + span + 1, p.low - span - 1):
        with pytest.raises(ParameterError) as info:
            resolve_parameters({name: bad})
        message = str(info.value)
        assert f"'{name}'" in message
        assert "out of range" in message
        assert f"[{p.low}, {p.high}]" in message


def test_range_message_reads_as_expected():
    with pytest.raises(ParameterError, match=re.escape("[0.0, 1.0]")) as info:
        resolve_parameters({"training_intensity": 1.5})
    assert "training_intensity" in str(info.value)
    assert "1.5" in str(info.value)


@pytest.mark.parametrize("name", INTEGER_NAMES)
def test_integer_parameters_reject_fractions(name):
    p = PARAMETERS[name]
    with pytest.raises(ParameterError, match=name):
        resolve_parameters({name: 2.5})
    inside = p.low + 0.5  # within the range, so only the integer check can reject it
    with pytest.raises(ParameterError, match="whole number"):
        resolve_parameters({name: inside})
    # a float that is a whole number is fine and comes back as int
    value = resolve_parameters({name: float(p.low + 1)})[name]
    assert value == int(p.low + 1)
    assert isinstance(value, int)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [True, False, "0.5", None, [0.5], math.nan])
def test_non_numbers_booleans_and_nan_are_rejected(name, bad):
    with pytest.raises(ParameterError, match=name):
        resolve_parameters({name: bad})


@given(data=st.data())
def test_any_in_range_value_is_accepted_unchanged(data):
    name = data.draw(st.sampled_from(NAMES))
    p = PARAMETERS[name]
    if p.integer:
        value = data.draw(st.integers(int(p.low), int(p.high)))
    else:
        value = data.draw(st.floats(p.low, p.high, allow_nan=False))
    assert resolve_parameters({name: value})[name] == value


def test_model_rejects_unknown_keyword():
    with pytest.raises(ParameterError, match="'foo'"):
        GovernanceModel(foo=1)


def test_model_rejects_out_of_range_in_params_mapping():
    with pytest.raises(ParameterError, match="resister_share"):
        GovernanceModel(params={"resister_share": 0.95})


def test_keyword_overrides_win_over_params_mapping():
    model = GovernanceModel(
        params={"training_intensity": 0.1},
        rng=1,
        municipalities=["Ameland"],
        training_intensity=0.7,
    )
    assert model.params["training_intensity"] == 0.7


def test_unknown_municipality_is_rejected():
    with pytest.raises(ParameterError, match="Atlantis"):
        GovernanceModel(rng=1, municipalities=["Atlantis"])
