"""The compiled staff and citizens sub-steps (`model.fused.staff`, `model.fused.citizens`).

Each kernel is compared, call for call, with the numpy mechanisms it fuses, on random agents
and random municipal state, with parameters anywhere in their ranges (their ends included):
every array it writes must equal the reference to the bit, with the same dtype and shape, and
the random stream must end in the same state.
"""

from __future__ import annotations

import copy
import inspect

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsim.agents.citizen import CitizenArrays
from govsim.agents.secretary import ROLE_TRANSFORMATION_EXAMPLE
from govsim.agents.staff import StaffArrays
from govsim.model.fused import citizens as fused_citizens
from govsim.model.fused import staff as fused_staff
from govsim.model.instruments import ACCESS_INDEX, LEARNING, NAMES, VISION_INDEX
from govsim.model.instruments import domain_mean as instrument_mean
from govsim.model.mechanisms import council, participation, staff_learning, transition
from govsim.model.parameters import PARAMETERS

STAFF_PARAMS = (
    "instrument_learning",
    "learning_by_doing_share",
    "lecture_effectiveness",
    "training_intensity",
    "role_example_weight",
    "organisation_spillover",
    "implementation_load",
    "learning_rate",
    "peer_influence",
    "adoption_rate",
    "reversion_rate",
)
CITIZEN_PARAMS = (
    "initiative_rate",
    "trust_gain",
    "trust_loss",
    "fatigue_gain",
    "council_grip",
    "incident_grip",
    "time_pressure_closure",
    "participation_rate",
    "fatigue_recovery",
    "framework_release",
)


def _params(names: tuple[str, ...]) -> st.SearchStrategy[dict[str, float]]:
    return st.fixed_dictionaries(
        {n: st.floats(PARAMETERS[n].low, PARAMETERS[n].high) for n in names}
    )


def _defaults(names: tuple[str, ...]) -> dict[str, float]:
    return {n: PARAMETERS[n].default for n in names}


def _unit(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values in [0, 1], a tenth of them exactly 0 or 1 (the clips' edges)."""
    x = rng.random(shape)
    edge = rng.random(shape) < 0.1
    return np.where(edge, rng.integers(0, 2, shape).astype(np.float64), x)


def _shuffled(arrays: object, rng: np.random.Generator) -> None:
    """Agents in random order, in place: the kernels may not rely on runs of a team."""
    order = rng.permutation(len(arrays.municipality))
    for name, value in vars(arrays).items():
        setattr(arrays, name, np.ascontiguousarray(value[order]))


def _same(fast: np.ndarray, ref: np.ndarray) -> None:
    assert fast.dtype == ref.dtype and fast.shape == ref.shape
    np.testing.assert_array_equal(fast, ref, strict=True)
    assert np.array_equal(np.signbit(fast), np.signbit(ref))


# --------------------------------------------------------------------------- staff


def _staff_case(seed: int, n_m: int, shuffle: bool) -> dict:
    rng = np.random.default_rng(seed)
    staff = StaffArrays.create(rng.integers(1, 60, n_m), 0.3, rng)
    staff.readiness[:] = _unit(rng, staff.n)
    staff.workload[:] = 1.0 + rng.random(staff.n)
    staff.adoptions[:] = rng.integers(0, 3, staff.n)
    if shuffle:
        _shuffled(staff, rng)
    k = len(NAMES)
    return {
        "staff": staff,
        "work": _unit(rng, (n_m, k)) * rng.integers(0, 2, (n_m, k)),
        "transition_effort": _unit(rng, (n_m, 2)),
        "attention": _unit(rng, (n_m, 2)),
        "started": rng.integers(0, 2, (n_m, 2)).astype(np.float64),
        "secretary_split": rng.dirichlet(np.ones(4), n_m),
        "role": rng.integers(0, len(ROLE_TRANSFORMATION_EXAMPLE), n_m).astype(np.int8),
        "joint_training": rng.random(2) * rng.integers(0, 2, 2),
        "known": rng.random(2) < 0.7,
        "integrality": _unit(rng, n_m),
        "team_share": _unit(rng, (n_m, 3)),
        "rng": np.random.default_rng(seed + 1),
    }


def _staff_reference(case: dict, p: dict) -> np.ndarray:
    """`model.schedule._staff` on the numpy backend, on ``case``'s arrays."""
    work, staff = case["work"], case["staff"]
    transition_work = instrument_mean(
        staff_learning.instrument_load(work, LEARNING, p["instrument_learning"])
    )
    team_input = staff_learning.learning_input(
        (1.0 - case["transition_effort"]) * case["attention"] * case["started"],
        transition.organisation_change(case["secretary_split"]),
        np.asarray(ROLE_TRANSFORMATION_EXAMPLE)[case["role"]],
        case["joint_training"],
        p,
        instrument_mean(work * LEARNING[None, :]),
    )
    spill = staff_learning.mixed_spillover(p["organisation_spillover"], case["integrality"])
    team_input = staff_learning.spread_organisation_change(team_input, case["known"], spill)
    peers = staff_learning.peer_share(case["team_share"], spill)
    staff_learning.update_workload(staff, transition_work, p["implementation_load"])
    staff_learning.train_staff(staff, team_input, peers, p)
    staff_learning.adopt_and_revert(staff, p, case["rng"])
    return staff_learning.team_adoption(staff, len(work))


def _staff_fused(case: dict, p: dict) -> np.ndarray:
    """`model.schedule._staff` on the numba backend, on ``case``'s arrays."""
    sf = case["staff"]
    return fused_staff.staff_month(
        case["work"],
        LEARNING,
        fused_staff.DOMAIN_OF,
        fused_staff.COUNT_PER_DOMAIN,
        case["transition_effort"],
        case["attention"],
        case["started"],
        case["secretary_split"],
        case["role"],
        fused_staff.ROLE_EXAMPLE,
        case["joint_training"],
        case["known"],
        case["integrality"],
        case["team_share"],
        sf.municipality,
        sf.domain,
        sf.competence,
        sf.readiness,
        sf.resister,
        sf.generalist,
        sf.workload,
        sf.adopted,
        sf.adoptions,
        case["rng"].random(sf.n),
        fused_staff.params_vector(p),
        fused_staff.CONSTANTS,
    )


def _compare_staff(case: dict, p: dict) -> tuple[dict, dict]:
    ref, fast = case, copy.deepcopy(case)
    before = copy.deepcopy(case["staff"])
    _same(_staff_fused(fast, p), _staff_reference(ref, p))
    for name in vars(before):
        _same(getattr(fast["staff"], name), getattr(ref["staff"], name))
    assert fast["rng"].bit_generator.state == ref["rng"].bit_generator.state
    return ref, {"staff": before}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 2),
    n_m=st.integers(1, 9),
    shuffle=st.booleans(),
    p=_params(STAFF_PARAMS),
)
def test_the_staff_kernel_equals_the_mechanisms(seed, n_m, shuffle, p):
    _compare_staff(_staff_case(seed, n_m, shuffle), p)


@pytest.mark.parametrize("shuffle", [False, True])
def test_the_staff_kernel_moves_the_staff(shuffle):
    p = _defaults(STAFF_PARAMS) | {"adoption_rate": 0.5, "reversion_rate": 0.2}
    after, before = _compare_staff(_staff_case(11, 7, shuffle), p)
    staff, old = after["staff"], before["staff"]
    assert (staff.readiness != old.readiness).mean() > 0.5
    assert (staff.workload != old.workload).mean() > 0.5
    assert (staff.adopted & ~old.adopted).any() and (~staff.adopted & old.adopted).any()
    assert (staff.adoptions > old.adoptions).any()


# --------------------------------------------------------------------------- citizens


def _citizens_case(seed: int, n_m: int, shuffle: bool) -> dict:
    rng = np.random.default_rng(seed)
    citizens = CitizenArrays.create(rng.integers(1, 80, n_m), rng)
    citizens.fatigue[:] = _unit(rng, citizens.n) * 0.5
    citizens.trust[:] = _unit(rng, citizens.n)
    if shuffle:
        _shuffled(citizens, rng)
    return {
        "citizens": citizens,
        "steering": rng.dirichlet(np.ones(4) * 0.5, (n_m, 2)),
        "time_pressure": _unit(rng, (n_m, 2)),
        "known": rng.random(2) < 0.8,
        "practice_breadth": _unit(rng, (n_m, 2)),
        "practice_quality": _unit(rng, (n_m, 2)),
        "instruments": _unit(rng, (n_m, len(NAMES))),
        "reopen_tendency": _unit(rng, n_m),
        "council_trust": _unit(rng, n_m),
        "council_steering": _unit(rng, (n_m, 2)),
        "council_attention": _unit(rng, (n_m, 2)),
        "incident_pressure": _unit(rng, (n_m, 2)) * 2.0,
        "transition": _unit(rng, (n_m, 2)),
        "rng": np.random.default_rng(seed + 1),
    }


def _citizens_reference(
    case: dict, p: dict
) -> tuple[np.ndarray, participation.ParticipationOutcome]:
    """`model.schedule._citizens` on the numpy backend: (openness, outcome)."""
    open_ = participation.openness(
        case["steering"], case["time_pressure"], p["time_pressure_closure"]
    )
    openness = open_ * case["known"][None, :]
    vision = case["instruments"][:, [ACCESS_INDEX, VISION_INDEX]]
    outcome = participation.participate(
        case["citizens"],
        openness,
        case["reopen_tendency"],
        case["council_trust"],
        case["council_steering"],
        p,
        case["rng"],
        participation.society_plan_legitimacy(case["practice_breadth"], vision),
    )
    participation.update_practice(case["practice_quality"], case["practice_breadth"], outcome)
    participation.update_council_trust(case["council_trust"], outcome)
    council.update_council_steering(
        case["council_steering"],
        case["council_attention"],
        case["incident_pressure"],
        p["council_grip"],
        incident_grip=p["incident_grip"],
        frameworks=case["transition"],
        release=p["framework_release"],
    )
    return openness, outcome


def _citizens_fused(case: dict, p: dict) -> tuple[np.ndarray, participation.ParticipationOutcome]:
    """`model.schedule._citizens` on the numba backend: (openness, outcome)."""
    ci, rng = case["citizens"], case["rng"]
    vector = fused_citizens.params_vector(p)
    openness = np.empty_like(case["time_pressure"])
    counts = np.empty((5, *openness.shape))
    who = np.empty(ci.n, dtype=np.int64)
    taking_part = fused_citizens.take_part(
        case["steering"],
        case["time_pressure"],
        case["known"],
        ci.municipality,
        ci.interest,
        ci.capacity,
        ci.trust,
        ci.willingness,
        ci.fatigue,
        ci.participating,
        rng.random(ci.n),
        vector,
        openness,
        counts[0],
        who,
    )
    fused_citizens.settle(
        who,
        rng.random((2, taking_part)),
        ci.municipality,
        ci.interest,
        ci.trust,
        ci.willingness,
        ci.fatigue,
        ci.initiatives,
        ci.facilitated,
        ci.blocked,
        openness,
        case["practice_breadth"],
        case["practice_quality"],
        case["instruments"],
        fused_citizens.VISION_COLUMNS,
        case["reopen_tendency"],
        case["council_trust"],
        case["council_steering"],
        case["council_attention"],
        case["incident_pressure"],
        case["transition"],
        vector,
        fused_citizens.RATES,
        counts,
    )
    return openness, participation.ParticipationOutcome(*counts)


def _compare_citizens(case: dict, p: dict) -> tuple[dict, dict, participation.ParticipationOutcome]:
    ref, fast = case, copy.deepcopy(case)
    before = copy.deepcopy(case)
    open_fast, out_fast = _citizens_fused(fast, p)
    open_ref, out_ref = _citizens_reference(ref, p)
    _same(open_fast, open_ref)
    for name in vars(out_ref):
        _same(getattr(out_fast, name), getattr(out_ref, name))
    for name in vars(before["citizens"]):
        _same(getattr(fast["citizens"], name), getattr(ref["citizens"], name))
    for name, value in ref.items():
        if isinstance(value, np.ndarray):
            _same(fast[name], value)
    assert fast["rng"].bit_generator.state == ref["rng"].bit_generator.state
    return ref, before, out_ref


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 2),
    n_m=st.integers(1, 9),
    shuffle=st.booleans(),
    p=_params(CITIZEN_PARAMS),
)
def test_the_citizens_kernels_equal_the_mechanisms(seed, n_m, shuffle, p):
    _compare_citizens(_citizens_case(seed, n_m, shuffle), p)


@pytest.mark.parametrize("shuffle", [False, True])
def test_the_citizens_kernels_move_citizens_practice_and_councils(shuffle):
    p = _defaults(CITIZEN_PARAMS) | {"participation_rate": 1.0, "initiative_rate": 0.6}
    after, before, outcome = _compare_citizens(_citizens_case(3, 8, shuffle), p)
    ci, old = after["citizens"], before["citizens"]
    assert ci.participating.any() and not ci.participating.all()
    assert outcome.initiatives.sum() > 0 and outcome.blocked.sum() > 0
    assert outcome.facilitated.sum() > 0
    for name in ("trust", "willingness", "fatigue"):
        assert (getattr(ci, name) != getattr(old, name)).any(), name
    for name in ("practice_breadth", "practice_quality", "council_trust", "council_steering"):
        assert not np.array_equal(after[name], before[name]), name


def test_the_kernels_rates_are_the_mechanisms_defaults():
    def default(f, name="rate"):
        return inspect.signature(f).parameters[name].default

    assert fused_citizens.RATES.tolist() == [
        default(participation.update_practice),
        default(participation.update_council_trust),
        default(council.update_council_steering),
    ]


@pytest.mark.parametrize("columns", [slice(0, 3), slice(3, 7), slice(0, 2)])
@pytest.mark.parametrize("n_rows", [1, 2, 3, 7, 388])
def test_numpy_sums_short_rows_left_to_right(columns, n_rows):
    # what the kernels' row sums (domain_mean, _team_work, peer_share's mean) rely on
    rng = np.random.default_rng(n_rows)
    values = rng.random((n_rows, 7)) * 10.0 ** rng.integers(-8, 9, (n_rows, 7))
    rows = values[:, columns]
    left_to_right = np.full(n_rows, -0.0)
    for j in range(rows.shape[1]):
        left_to_right = left_to_right + rows[:, j]
    _same(rows.sum(axis=1), left_to_right)
    _same(np.ascontiguousarray(rows).mean(axis=1), left_to_right / rows.shape[1])
