"""Direction of every mechanism, called directly on small arrays, plus model-level directions."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govsim.agents import ROLES
from govsim.agents.citizen import CitizenArrays
from govsim.agents.staff import StaffArrays
from govsim.model import GovernanceModel, MonthCalendar, Timeline, resolve_parameters
from govsim.model.instruments import DOMAIN_OF, INSTRUMENTS, PLAN_INDEX, VISION_INDEX
from govsim.model.mechanisms import (
    budget,
    cooperation,
    council,
    participation,
    satisfaction,
    staff_learning,
    steering,
    strategy,
    transformation,
    transition,
    urgency,
)
from govsim.model.parameters import PARAMETERS

CAL = MonthCalendar()
BASE = Timeline()
NO_POSTPONEMENT = BASE.with_domain("physical", dataclasses.replace(BASE.physical, postponements=()))
LEGAL, PERFORMING, COLLABORATIVE, RESPONSIVE = range(4)
MODEL_SEEDS = (1, 2, 3)


def params(**overrides):
    return resolve_parameters(overrides)


def step(date: str) -> int:
    return CAL.step_of(date)


def copy_staff(staff: StaffArrays) -> StaffArrays:
    return StaffArrays(**{f.name: getattr(staff, f.name).copy() for f in dataclasses.fields(staff)})


def uniform_staff(n: int = 20_000, **values) -> StaffArrays:
    staff = StaffArrays.create(np.array([n]), 0.0, np.random.default_rng(0))
    for name, value in values.items():
        getattr(staff, name)[:] = value
    if "adoptions" not in values:  # adoptions count the adopters the test set up
        staff.adoptions[:] = staff.adopted
    return staff


# ================================================================ urgency (P4, P9)
def test_postponement_lowers_national_physical_urgency():
    p = params()
    base, kept = BASE.compile(CAL), NO_POSTPONEMENT.compile(CAL)
    before = step("2017-06")
    np.testing.assert_array_equal(
        urgency.national_urgency(base, before, p), urgency.national_urgency(kept, before, p)
    )
    for k in range(step("2017-07"), step("2019-01")):
        postponed = urgency.national_urgency(base, k, p)
        planned = urgency.national_urgency(kept, k, p)
        assert postponed[1] < planned[1]
        assert postponed[0] == planned[0]
    # at the announcement urgency drops below its level of the month before
    assert (
        urgency.national_urgency(base, step("2017-07"), p)[1]
        < urgency.national_urgency(base, before, p)[1]
    )


def test_postponement_costs_credibility():
    base = BASE.compile(CAL)
    loss = 0.3
    assert urgency.deadline_credibility(base, step("2017-06"), loss).tolist() == [1.0, 1.0]
    assert urgency.deadline_credibility(base, step("2017-07"), loss).tolist() == [1.0, 0.7]


def test_nearer_deadline_raises_urgency():
    p = params(urgency_horizon_months=18.0)  # half urgency 18 months out (the shape, not a fit)
    near = NO_POSTPONEMENT.with_domain(
        "physical", dataclasses.replace(NO_POSTPONEMENT.physical, entry=dt.date(2018, 1, 1))
    ).compile(CAL)
    far = NO_POSTPONEMENT.compile(CAL)
    k = step("2017-03")
    assert urgency.national_urgency(near, k, p)[1] > urgency.national_urgency(far, k, p)[1]
    # within one timeline, social urgency rises month by month towards the 3D entry
    social = [urgency.national_urgency(far, k, p)[0] for k in range(1, step("2015-01"))]
    assert np.all(np.diff(social) > 0)
    assert social[0] < 0.5 < social[-1]


def test_shorter_urgency_horizon_lowers_early_urgency():
    ct = BASE.compile(CAL)
    k = step("2013-06")
    short = urgency.national_urgency(ct, k, params(urgency_horizon_months=6.0))[0]
    long = urgency.national_urgency(ct, k, params(urgency_horizon_months=36.0))[0]
    assert short < long


def test_dso_unavailability_lowers_physical_urgency():
    p = params(dso_uncertainty_weight=0.5)
    ct = BASE.compile(CAL)
    missing = dataclasses.replace(ct, dso_availability=np.zeros_like(ct.dso_availability))
    ready = dataclasses.replace(ct, dso_availability=np.ones_like(ct.dso_availability))
    k = step("2018-06")
    u_missing = urgency.national_urgency(missing, k, p)
    u_ready = urgency.national_urgency(ready, k, p)
    assert u_missing[1] == pytest.approx(0.5 * u_ready[1])
    assert u_missing[0] == u_ready[0]
    # no weight, no effect
    p0 = params(dso_uncertainty_weight=0.0)
    assert urgency.national_urgency(missing, k, p0)[1] == urgency.national_urgency(ready, k, p0)[1]


def test_no_urgency_before_the_task_is_known():
    u = urgency.national_urgency(BASE.compile(CAL), step("2016-02"), params())
    assert u[1] == 0.0
    assert u[0] > 0.0


def test_time_pressure_rises_as_deadline_nears_and_falls_with_capacity():
    ct = BASE.compile(CAL)
    progress = np.full((3, len(INSTRUMENTS)), 0.5)
    capacity = np.repeat(np.array([[0.3], [0.6], [1.0]]), len(INSTRUMENTS), axis=1)

    def pressure(date):
        k = step(date)
        due = transition.due_steps(ct.entry_step[k], ct.completion_step)
        return transition.instrument_pressure(progress, capacity, due, k, 0.12, ct.known[k])

    early, late = pressure("2013-06"), pressure("2014-06")
    social = DOMAIN_OF == 0
    assert np.all(late[:, social] > early[:, social])
    assert np.all(np.diff(early[:, social], axis=0) < 0)  # more capacity, less pressure
    assert np.all(early[:, ~social] == 0.0)  # Omgevingswet not yet known in 2013
    # done instruments press no more; the domain's pressure is their mean times credibility
    k = step("2014-06")
    due = transition.due_steps(ct.entry_step[k], ct.completion_step)
    done = transition.instrument_pressure(
        np.ones_like(progress), capacity, due, k, 0.12, ct.known[k]
    )
    assert np.all(done == 0.0)
    felt = transition.time_pressure(late, np.array([1.0, 0.5]))
    np.testing.assert_allclose(felt[:, 0], late[:, social].mean(axis=1))


def test_physical_instruments_due_at_entry_press_harder_than_those_due_at_completion():
    ct = BASE.compile(CAL)
    k = step("2020-01")
    due = transition.due_steps(ct.entry_step[k], ct.completion_step)
    p = transition.instrument_pressure(
        np.zeros((1, len(INSTRUMENTS))), np.ones((1, len(INSTRUMENTS))), due, k, 0.05, ct.known[k]
    )[0]
    names = [i.name for i in INSTRUMENTS]
    assert p[names.index("permit_process")] > p[names.index("omgevingsplan")]
    assert p[names.index("dso_connection")] > p[names.index("omgevingsvisie")]


def test_attention_decays_without_drive_and_is_renewed_by_it():
    p = params(attention_renewal=0.15, attention_decay=0.06)
    engagement = np.full(3, 0.7)
    no_incidents, risk = np.zeros((3, 2)), np.full(3, 0.5)
    quiet = np.full((3, 2), 0.5)
    urgent = quiet.copy()
    urgency.update_attention(quiet, engagement, np.zeros((3, 2)), no_incidents, risk, p)
    urgency.update_attention(urgent, engagement, np.ones((3, 2)), no_incidents, risk, p)
    assert np.all(quiet < 0.5)
    assert np.all(urgent > 0.5)
    # incidents renew attention too, more for risk-averse colleges
    att = np.full((2, 2), 0.3)
    urgency.update_attention(
        att, np.full(2, 0.7), np.full((2, 2), 0.3), np.ones((2, 2)), np.array([0.1, 0.9]), p
    )
    assert np.all(att[1] > att[0])


def test_without_drive_attention_fades_to_zero_there_is_no_floor():
    p = params(attention_renewal=0.15, attention_decay=0.1)
    att = np.array([[0.9, 0.9], [0.1, 0.1]])
    for _ in range(200):
        urgency.update_attention(att, np.full(2, 0.7), np.zeros((2, 2)), np.zeros((2, 2)),
                                 np.full(2, 0.5), p)  # fmt: skip
    assert np.all(att < 0.01)


def test_attention_drive_combines_urgency_strategy_and_coaching():
    known = np.array([True, False])
    agenda = np.array([[0.0, 0.0], [0.5, 0.5], [0.0, 0.0]])
    coach = np.array([0.0, 0.0, 0.6])
    drive = urgency.attention_drive(np.array([0.2, 0.9]), agenda, coach, known)
    assert drive[0, 0] == pytest.approx(0.2)  # urgency alone
    assert drive[1, 0] == pytest.approx(1 - 0.8 * 0.5)  # a preparing organisation adds
    assert drive[2, 0] == pytest.approx(1 - 0.8 * 0.4)  # coaching adds (lesson 6)
    assert np.all(drive[:, 1] == 0.0)  # nothing renews attention to an unknown domain
    # a coached college's attention settles higher than an uncoached one
    p = params()
    plain, coached = np.full((1, 2), 0.3), np.full((1, 2), 0.3)
    for _ in range(60):
        for att, c in ((plain, 0.0), (coached, 1.0)):
            d = urgency.attention_drive(np.array([0.2, 0.2]), np.zeros((1, 2)), np.array([c]),
                                        np.array([True, True]))  # fmt: skip
            urgency.update_attention(att, np.full(1, 0.7), d, np.zeros((1, 2)), np.full(1, 0.5), p)
    assert np.all(coached > plain + 0.1)


# ================================================================ transition (P1, P5, P8, P9)
def test_effort_shifts_to_transition_under_time_pressure():
    trans = np.zeros((3, 2))
    pressure = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
    effort = transition.transition_effort(trans, pressure, 0.6)
    assert np.all(np.diff(effort[:, 0]) > 0)
    assert effort[0, 0] == pytest.approx(0.6)
    assert effort[2, 0] == pytest.approx(1.0)
    # once transition is nearly done, effort turns to transformation
    nearly = transition.transition_effort(np.full((3, 2), 0.95), pressure, 0.6)
    assert np.all(nearly < effort)


def test_transformation_first_lowers_the_transition_share_when_the_deadline_does_not_press():
    """Lesson 1 'Bezint eer ge begint' (lever transformation_first)."""
    trans, calm = np.zeros((2, 2)), np.zeros((2, 2))
    effort = transition.transition_effort(trans, calm, 0.6, np.array([0.0, 0.8]))
    assert effort[0, 0] == pytest.approx(0.6)
    assert effort[1, 0] == pytest.approx(0.6 * 0.2)
    # under full time pressure the deadline decides, whatever the lever
    full = transition.transition_effort(trans, np.ones((2, 2)), 0.6, np.array([0.0, 0.8]))
    np.testing.assert_allclose(full, 1.0)


def test_rules_dependent_instruments_wait_for_the_national_rules():
    names = [i.name for i in INSTRUMENTS]
    before = transition.instrument_ceiling(np.array([False, False]), 0.4)
    after = transition.instrument_ceiling(np.array([True, True]), 0.4)
    assert before[names.index("care_procurement")] == pytest.approx(0.6)
    assert before[names.index("omgevingsplan")] == pytest.approx(0.6)
    assert before[names.index("omgevingsvisie")] == 1.0  # a vision needs no national rules
    assert np.all(after == 1.0)
    progress = np.full((1, len(INSTRUMENTS)), 0.55)
    transition.produce_instruments(
        progress, np.ones_like(progress), np.ones_like(progress), before, 0.5
    )
    assert progress[0, names.index("care_procurement")] == pytest.approx(0.6)
    assert progress[0, names.index("omgevingsvisie")] > 0.6


def test_no_production_without_work_and_more_with_capacity_and_work():
    out = []
    for cap, work in ((0.4, 0.0), (0.4, 0.5), (0.8, 0.5), (0.8, 1.0)):
        x = np.zeros((1, len(INSTRUMENTS)))
        transition.produce_instruments(
            x, np.full_like(x, cap), np.full_like(x, work), np.ones(len(INSTRUMENTS)), 0.1
        )
        out.append(x[0, 0])
    assert out[0] == 0.0
    assert out[1] < out[2] < out[3]


def test_the_omgevingsplan_follows_the_omgevingsvisie():
    """'Formuleer een visie ... Vervolgens kun je de visie vertalen in wet- en regelgeving'."""
    ones = np.ones((2, len(INSTRUMENTS)))
    x = np.zeros((2, len(INSTRUMENTS)))
    x[1, VISION_INDEX] = 1.0
    transition.produce_instruments(x, ones, ones, np.ones(len(INSTRUMENTS)), 0.1)
    assert x[1, PLAN_INDEX] == pytest.approx(2 * x[0, PLAN_INDEX])


def test_specialist_work_slows_without_specialists_and_integrality_costs_capacity():
    spec = transition.specialist_factor(np.array([[0.0, 0.0], [0.25, 0.25], [0.7, 0.7]]))
    assert spec[0, 0] == pytest.approx(transition.SPECIALIST_FLOOR)
    assert spec[0, 0] < spec[1, 0] < spec[2, 0] == pytest.approx(1.0)
    cap = transition.instrument_capacity(np.full(3, 0.6), np.zeros((3, 2)), 0.6, spec, np.ones(3))
    specialist = np.array([i.specialist for i in INSTRUMENTS])
    assert np.all(cap[0, specialist] < cap[2, specialist])
    np.testing.assert_allclose(cap[0, ~specialist], cap[2, ~specialist])
    complexity = transition.complexity_factor(np.array([0.0, 0.5, 1.0]), 0.3)
    np.testing.assert_allclose(complexity, [1.0, 1 - 0.3 * 0.25, 0.7])


def test_regional_cooperation_pools_capacity_per_instrument():
    cap = transition.instrument_capacity(
        np.array([0.4, 0.4]), np.array([[0.0, 0.0], [0.8, 0.8]]), 0.6, np.ones((2, 2)),
        np.ones(2),
    )  # fmt: skip
    names = [i.name for i in INSTRUMENTS]
    gain = cap[1] - cap[0]
    assert gain[names.index("dso_connection")] > gain[names.index("omgevingsplan")] > 0.0
    assert gain[names.index("care_procurement")] > gain[names.index("access_teams")] == 0.0


def test_pooled_capacity_helps_small_municipalities_more_than_large():
    capacity = np.array([0.3, 0.9])
    coop = np.full((2, 2), 0.5)
    pooled = transition.pooled_capacity(capacity, coop, 0.6)
    gain = pooled - capacity[:, None]
    assert np.all(gain > 0)
    assert np.all(gain[0] > gain[1])
    assert np.all(pooled <= 1.0)
    no_coop = transition.pooled_capacity(capacity, np.zeros((2, 2)), 0.6)
    np.testing.assert_array_equal(no_coop, np.repeat(capacity[:, None], 2, axis=1))


def test_capacity_grows_with_population_within_bounds():
    cap = transition.capacity_from_population(np.array([919, 5_000, 20_000, 200_000, 850_000]))
    assert np.all(np.diff(cap) >= 0)
    assert cap[2] == pytest.approx(0.6)
    assert cap.min() >= 0.25 and cap.max() <= 1.0


def test_dso_connection_follows_national_availability_faster_when_prepared():
    conn = np.zeros(3)
    transition.connect_dso(conn, np.ones(3), np.ones(3), np.zeros(3), 0.0, 0.5)
    assert np.all(conn == 0.0)
    transition.connect_dso(conn, np.ones(3), np.array([0.0, 0.5, 1.0]), np.zeros(3), 0.6, 0.5)
    assert conn[0] == 0.0 and 0.0 < conn[1] < conn[2] <= 0.6
    plain, prepared = np.zeros(1), np.zeros(1)
    transition.connect_dso(plain, np.ones(1), np.full(1, 0.5), np.zeros(1), 1.0, 0.5)
    transition.connect_dso(prepared, np.ones(1), np.full(1, 0.5), np.ones(1), 1.0, 0.5)
    assert prepared[0] == pytest.approx(plain[0] / transition.DSO_PREPARED_BASE)


def test_the_municipal_line_of_the_dso_is_prepared_before_the_system_is_there():
    prep = np.zeros(3)
    transition.prepare_dso(prep, np.ones(3), np.full(3, 0.5), 0.2, np.array([0.0, 0.0, 1.0]))
    assert prep[0] > 0.0  # no availability needed
    assert prep[2] == pytest.approx(2 * prep[0])  # data-driven work and lobbying speed it
    none = np.zeros(1)
    transition.prepare_dso(none, np.ones(1), np.zeros(1), 0.2, np.ones(1))
    assert none[0] == 0.0


def test_secretary_attention_split_follows_urgency_strategy_and_role():
    split = transition.secretary_attention_split(
        np.array([0.9, 0.1]), np.zeros((2, 2)), np.array([0.0, 1.0]), np.zeros(2)
    )
    np.testing.assert_allclose(split.sum(axis=1), 1.0)
    assert np.all(split[:, 0] > split[:, 1])  # the urgent domain gets more
    assert split[1, 2] > split[0, 2]  # a changer links to organisation change
    # a front-running organisation keeps its domain on the secretary's agenda
    agenda = transition.secretary_attention_split(
        np.array([0.9, 0.1]), np.array([[0.0, 1.0]]), np.zeros(1), np.zeros(1)
    )
    assert agenda[0, 1] > split[0, 1]
    # lobbying and coaching take time from the domains
    busy = transition.secretary_attention_split(
        np.array([0.9, 0.1]), np.zeros((1, 2)), np.zeros(1), np.full(1, 2.0)
    )
    assert np.all(busy[0, :3] < split[0, :3]) and busy[0, 3] > 0.0


def test_regisseur_raises_organisational_attention():
    college = np.full((2, 2), 0.4)
    split = np.full((2, 4), 1 / 4)
    att = transition.organisational_attention(college, split, np.array([False, True]), 0.25)
    assert np.all(att[1] > att[0])


def test_organisation_change_is_full_at_a_third_of_the_secretary_attention():
    split = np.array([[0.4, 0.4, 0.1, 0.1], [0.2, 0.2, 0.5, 0.1]])
    np.testing.assert_allclose(transition.organisation_change(split), [0.3, 1.0])


def test_expected_transition_plan():
    ct = BASE.compile(CAL)
    k_entry = step("2015-01")
    e = transition.expected_transition(ct.known_step, ct.entry_step[k_entry], ct.completion_step, 1)
    assert e[0] == 0.0
    e = transition.expected_transition(
        ct.known_step, ct.entry_step[k_entry], ct.completion_step, k_entry
    )
    assert e[0] == pytest.approx(1.0)
    k = step("2021-01")
    e = transition.expected_transition(ct.known_step, ct.entry_step[k], ct.completion_step, k)
    # at entry: the permit process and the DSO connection are due, the vision and plan are not
    known, completion = ct.known_step[1], ct.completion_step[1]
    share = (k - known) / (completion - known)
    assert e[1] == pytest.approx(0.5 + 0.5 * share)
    k = step("2029-12")
    e = transition.expected_transition(ct.known_step, ct.entry_step[k], ct.completion_step, k)
    assert e[1] == pytest.approx(1.0)


# ================================================================ strategy (§4.3, Kader 10)
def _readiness(role=3, regisseur=True, attention=0.5, capacity=0.6, clarity=0.5, urgency=0.5,
               neighbours=0.5, experience=0.0):  # fmt: skip
    n = 1
    return strategy.readiness_to_act(
        np.full(n, role), np.full(n, regisseur), np.full((n, 2), attention),
        np.full((n, 2), capacity), np.full((n, 2), clarity), np.full(2, urgency),
        np.full((n, 2), neighbours), np.full(n, experience),
    )[0]  # fmt: skip


def test_readiness_to_act_rises_with_every_factor_the_report_names():
    base = _readiness(role=1, regisseur=False)
    assert np.all(_readiness(role=3, regisseur=False) > base)  # the changer pleads for experiments
    assert np.all(_readiness(role=0, regisseur=False) < base)  # the advocate waits for budget
    assert np.all(_readiness(role=1, regisseur=True) > base)
    for factor in ("attention", "capacity", "clarity", "urgency", "neighbours"):
        assert np.all(_readiness(role=1, regisseur=False, **{factor: 0.9}) > base), factor
    with_experience = _readiness(role=1, regisseur=False, experience=1.0)
    assert with_experience[1] > base[1] and with_experience[0] == base[0]  # CHW: physical only


def test_strategy_follows_the_thresholds_and_start_early_lowers_the_wait_threshold():
    ready = np.array([[0.2, 0.5], [0.45, 0.8]])
    chosen = strategy.choose_strategy(ready, 0.4, 0.7, np.zeros(2))
    assert chosen.tolist() == [[strategy.WAIT, strategy.PREPARE], [strategy.PREPARE,
                                                                   strategy.FRONT_RUN]]  # fmt: skip
    early = strategy.choose_strategy(ready, 0.4, 0.7, np.array([0.6, 0.0]))
    assert early[0, 0] == strategy.PREPARE  # lesson 4: prepare rather than wait
    crossed = strategy.choose_strategy(ready, 0.6, 0.3, np.zeros(2))
    assert crossed[0, 0] == strategy.WAIT  # waiting wins where the thresholds cross


def test_strategy_is_reviewed_at_the_moments_the_report_names_and_only_while_open():
    ct = BASE.compile(CAL)

    def due(date, january=False, postponed=(False, False), election=False):
        return strategy.review_due(step(date), ct.known_step, ct.completion_step, january,
                                   np.array(postponed), election).tolist()  # fmt: skip

    assert due("2013-01") == [True, False]  # the 3D known
    assert due("2013-05") == [False, False]
    assert due("2014-01", january=True) == [True, False]
    assert due("2016-03") == [False, True]  # the Omgevingswet known
    assert due("2017-07", postponed=(False, True)) == [False, True]  # the 3D is in force
    assert due("2018-03", election=True) == [False, True]
    assert due("2015-01", january=True) == [False, False]  # 3D in force: nothing to time
    fixed = np.array([[-1, 2]])
    new = strategy.revise_strategy(np.zeros((1, 2), np.int8), np.ones((1, 2), np.int8),
                                   np.array([[False, False]]), fixed)  # fmt: skip
    assert new.tolist() == [[0, 2]]


def test_intensity_by_strategy():
    pressure = np.full((3, len(INSTRUMENTS)), 0.2)
    strat = np.array([[strategy.WAIT] * 2, [strategy.PREPARE] * 2, [strategy.FRONT_RUN] * 2])
    waiting = strategy.transition_intensity(strat, pressure, np.array([False, False]), 0.5)
    assert np.all(waiting[0] == 0.0)  # waits for the national frame
    np.testing.assert_allclose(waiting[1], 0.5)
    np.testing.assert_allclose(waiting[2], 1.0)
    started = strategy.transition_intensity(strat, pressure, np.array([True, True]), 0.5)
    np.testing.assert_allclose(started[0], 0.2)  # then does what the deadline requires
    assert strategy.ready_to_start(np.array([False, False]), np.array([False, True])).tolist() == [
        False, True]  # fmt: skip
    assert strategy.started(strat, np.array([False, True]), np.array([True, True])).tolist() == [
        [0.0, 1.0], [1.0, 1.0], [1.0, 1.0]]  # fmt: skip


def test_clarity_of_the_national_frame_and_the_lobby():
    c = strategy.national_clarity(np.array([1.0, 0.7]), np.array([True, False]), 0.0)
    np.testing.assert_allclose(c, [1.0, 0.0])
    c = strategy.national_clarity(np.array([1.0, 0.7]), np.array([True, True]), 0.2)
    np.testing.assert_allclose(c, [1.0, 0.7])
    seen = strategy.municipal_clarity(np.array([1.0, 0.4]), np.array([0.0, 1.0]))
    assert seen[0, 1] == pytest.approx(0.4)
    assert seen[1, 1] == pytest.approx(0.4 + strategy.LOBBY_CLARITY * 0.6)
    np.testing.assert_allclose(seen[:, 0], 1.0)


def test_neighbours_acting_is_the_share_of_the_region_not_waiting():
    strat = np.array([[0, 1], [2, 0], [0, 0], [1, 1]], dtype=np.int8)
    region = (np.array([0, 0, 1, 1]), 2)
    share = strategy.neighbours_acting(strat, (region, region))
    np.testing.assert_allclose(share[:, 0], [0.5, 0.5, 0.5, 0.5])
    np.testing.assert_allclose(share[:, 1], [0.5, 0.5, 0.5, 0.5])
    strat[2, 0] = 2
    np.testing.assert_allclose(strategy.neighbours_acting(strat, (region, region))[2:, 0], 1.0)


def test_experience_is_drawn_more_often_for_larger_municipalities():
    cap = np.repeat([0.3, 0.9], 20_000)
    exp = strategy.draw_experience(cap, 0.25, np.random.default_rng(0), 0.6)
    assert exp[:20_000].mean() == pytest.approx(0.125, abs=0.01)
    assert exp[20_000:].mean() == pytest.approx(0.375, abs=0.01)
    assert np.all(strategy.draw_experience(cap, 0.0, np.random.default_rng(0), 0.6) == 0.0)


# ================================================================ staff (P1, P6)
def test_heavier_workload_lowers_adoption():
    p = params(adoption_rate=0.06)
    light = uniform_staff(readiness=0.8, adopted=False, workload=1.0)
    heavy = copy_staff(light)
    heavy.workload[:] = 1.6
    staff_learning.adopt_and_revert(light, p, np.random.default_rng(9))
    staff_learning.adopt_and_revert(heavy, p, np.random.default_rng(9))
    assert light.adopted.sum() > 1.5 * heavy.adopted.sum() > 0
    assert np.all(light.adopted[heavy.adopted])  # same draws: heavy adopters also adopt light
    assert light.adoptions.sum() == light.adopted.sum()


def test_workload_rises_with_transition_work():
    staff = StaffArrays.create(np.array([30, 30]), 0.2, np.random.default_rng(1))
    staff_learning.update_workload(staff, np.array([[0.0, 0.0], [1.0, 0.5]]), 0.8)
    assert np.all(staff.workload[staff.municipality == 0] == 1.0)
    busy = staff.workload[(staff.municipality == 1) & (staff.domain == 0)]
    assert np.allclose(busy, 1.8)
    other = staff.workload[(staff.municipality == 1) & (staff.domain == 2)]
    assert np.allclose(other, 1.0 + 0.8 * 0.75 / 3.0)


def test_resisters_revert_more():
    p = params(reversion_rate=0.03)
    willing = uniform_staff(readiness=0.8, adopted=True, workload=1.0, resister=False)
    resisting = copy_staff(willing)
    resisting.resister[:] = True
    staff_learning.adopt_and_revert(willing, p, np.random.default_rng(4))
    staff_learning.adopt_and_revert(resisting, p, np.random.default_rng(4))
    reverted_willing = (~willing.adopted).sum()
    reverted_resisting = (~resisting.adopted).sum()
    assert reverted_resisting > 3 * reverted_willing > 0


def test_overload_raises_reversion():
    p = params(reversion_rate=0.03)
    calm = uniform_staff(readiness=0.8, adopted=True, workload=1.0)
    busy = copy_staff(calm)
    busy.workload[:] = 2.0
    staff_learning.adopt_and_revert(calm, p, np.random.default_rng(4))
    staff_learning.adopt_and_revert(busy, p, np.random.default_rng(4))
    assert (~busy.adopted).sum() > (~calm.adopted).sum()


def test_lectures_help_less_than_learning_by_doing():
    args = (np.full((2, 2), 0.5), np.full(2, 0.3), np.zeros(2), np.zeros(2))
    lectures = staff_learning.learning_input(
        *args, params(learning_by_doing_share=0.0, lecture_effectiveness=0.25)
    )
    doing = staff_learning.learning_input(
        *args, params(learning_by_doing_share=1.0, lecture_effectiveness=0.25)
    )
    assert np.all(doing > lectures)
    np.testing.assert_allclose(lectures, 0.25 * doing)


def test_training_and_example_raise_learning_input():
    work = np.full((2, 2), 0.5)
    low = staff_learning.learning_input(
        work, np.full(2, 0.3), np.zeros(2), np.zeros(2), params(training_intensity=0.2)
    )
    high = staff_learning.learning_input(
        work, np.full(2, 0.3), np.zeros(2), np.zeros(2), params(training_intensity=0.8)
    )
    assert np.all(high > low)
    example = staff_learning.learning_input(
        work, np.full(2, 0.3), np.array([0.0, 1.0]), np.zeros(2), params(training_intensity=0.2)
    )
    assert np.all(example[1] > example[0])
    joint = staff_learning.learning_input(
        work, np.full(2, 0.3), np.zeros(2), np.array([0.3, 0.0]), params(training_intensity=0.2)
    )
    assert joint[0, 0] > low[0, 0] and joint[0, 1] == low[0, 1]


def test_training_raises_readiness_less_for_resisters():
    p = params(learning_rate=0.2, peer_influence=0.0)
    staff = StaffArrays.create(np.array([2000]), 0.5, np.random.default_rng(3))
    staff.readiness[:] = 0.2
    staff.competence[:] = 0.8
    staff_learning.train_staff(staff, np.ones((1, 3)), np.zeros((1, 3)), p)
    assert np.all(staff.readiness > 0.2)
    gain_resister = staff.readiness[staff.resister].mean() - 0.2
    gain_other = staff.readiness[~staff.resister].mean() - 0.2
    assert gain_resister == pytest.approx(0.5 * gain_other)


def test_team_adoption_counts_shares_per_team():
    staff = StaffArrays.create(np.array([10, 20]), 0.0, np.random.default_rng(0))
    staff.adopted[:] = False
    staff.adopted[(staff.municipality == 1) & (staff.domain == 1)] = True
    shares = staff_learning.team_adoption(staff, 2)
    assert shares.shape == (2, 3)
    assert shares[1, 1] == 1.0
    assert shares.sum() == 1.0


def test_transformation_weights_adoption_and_practice():
    adoption = np.array([[0.2, 0.8]])
    practice = np.array([[0.6, 0.0]])
    out = transformation.transformation_progress(adoption, practice, 0.7)
    np.testing.assert_allclose(out, [[0.7 * 0.2 + 0.3 * 0.6, 0.7 * 0.8]])


# ================================================================ citizens (P2, P10)
def test_openness_falls_under_time_pressure():
    mix = np.tile(np.array([0.2, 0.2, 0.3, 0.3]), (3, 2, 1))
    pressure = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
    open_ = participation.openness(mix, pressure, 0.7)
    assert open_[0, 0] == pytest.approx(0.6)
    assert np.all(np.diff(open_[:, 0]) < 0)
    legal_mix = np.tile(np.array([0.7, 0.3, 0.0, 0.0]), (3, 2, 1))
    assert np.all(participation.openness(legal_mix, pressure, 0.7) == 0.0)


def _participation_months(reopen: float, grip: float = 1.0, months: int = 6):
    citizens = CitizenArrays.create(np.array([20_000]), np.random.default_rng(1))
    rng = np.random.default_rng(2)
    p = params(participation_rate=0.5, initiative_rate=0.5)
    blocked = initiatives = 0.0
    for _ in range(months):
        out = participation.participate(
            citizens,
            np.full((1, 2), 0.8),
            np.array([reopen]),
            np.array([0.1]),
            np.full((1, 2), grip),
            p,
            rng,
        )
        blocked += out.blocked.sum()
        initiatives += out.initiatives.sum()
    return blocked, initiatives, citizens.trust.mean()


def test_council_reopening_blocks_more_initiatives_and_lowers_trust():
    blocked_low, init_low, trust_low_reopen = _participation_months(0.0)
    blocked_high, init_high, trust_high_reopen = _participation_months(0.9)
    assert init_low > 1000 and init_high > 1000
    assert blocked_high / init_high > blocked_low / init_low + 0.3
    assert trust_high_reopen < trust_low_reopen


def test_council_grip_makes_reopening_bite():
    blocked_loose, init_loose, trust_loose = _participation_months(0.9, grip=0.0)
    blocked_firm, init_firm, trust_firm = _participation_months(0.9, grip=1.0)
    assert blocked_firm / init_firm > blocked_loose / init_loose + 0.3
    assert trust_firm < trust_loose


def test_a_plan_from_society_binds_the_council():
    """Breda, Markdal (report §4.2): society's own plan is hard for the council to overturn."""
    legit = participation.society_plan_legitimacy(np.array([[0.2, 0.8]]), np.array([[1.0, 1.0]]))
    np.testing.assert_allclose(legit, [[0.2, 0.8]])
    assert participation.society_plan_legitimacy(np.ones((1, 2)), np.zeros((1, 2))).max() == 0.0
    blocked = []
    for bind in (0.0, 0.9):
        citizens = CitizenArrays.create(np.array([20_000]), np.random.default_rng(5))
        citizens.capacity[:] = 1.0
        citizens.willingness[:] = 1.0
        out = participation.participate(
            citizens, np.full((1, 2), 0.9), np.ones(1), np.zeros(1), np.ones((1, 2)),
            params(participation_rate=0.5, initiative_rate=0.5), np.random.default_rng(6),
            np.full((1, 2), bind),
        )  # fmt: skip
        blocked.append(out.blocked.sum() / out.initiatives.sum())
    assert blocked[1] < blocked[0]


def test_participation_needs_an_open_door():
    citizens = CitizenArrays.create(np.array([5_000]), np.random.default_rng(1))
    out = participation.participate(
        citizens, np.zeros((1, 2)), np.zeros(1), np.zeros(1), np.zeros((1, 2)), params(),
        np.random.default_rng(0),
    )  # fmt: skip
    assert out.participants.sum() == 0
    assert out.citizens.sum() == 5_000


def test_council_trust_follows_facilitated_initiatives():
    good = participation.ParticipationOutcome(
        *(np.array([[10.0, 10.0]]) for _ in range(2)),
        np.array([[10.0, 0.0]]),
        np.array([[10.0, 0.0]]),
        np.array([[0.0, 0.0]]),
    )
    bad = dataclasses.replace(good, facilitated=np.zeros((1, 2)), blocked=np.array([[10.0, 0.0]]))
    trust_good, trust_bad = np.array([0.35]), np.array([0.35])
    participation.update_council_trust(trust_good, good)
    participation.update_council_trust(trust_bad, bad)
    assert trust_good[0] > 0.35 > trust_bad[0]


# ================================================================ steering (P2, P3, P5, P8)
PREFERRED = np.tile(np.array([0.1, 0.2, 0.35, 0.35]), (1, 2, 1))


def _target(**situation):
    values = {
        "pressure": 0.0,
        "cooperation": 0.0,
        "incident_pressure": 0.0,
        "lag": 0.0,
        "budget": 0.0,
        "subversion": 0.0,
    }
    values.update(situation)
    arrays = {k: np.full((1, 2), v) for k, v in values.items()}
    pulls = steering.steering_pulls(
        arrays["pressure"],
        arrays["cooperation"],
        arrays["incident_pressure"],
        arrays["lag"],
        arrays["budget"],
        params(**PULLS),
        arrays["subversion"],
    )
    return steering.steering_target(PREFERRED, pulls)[0, 0]


PULLS = {
    name: PARAMETERS[name].default
    for name in (
        "time_pressure_legal_pull",
        "regional_legal_pull",
        "incident_pull",
        "slow_progress_pull",
        "deficit_pull",
        "subversion_pull",
    )
}
"""The pulls at their declared (non-zero) sizes: the test is of the mechanism, not of the
calibrated set (which may switch a pull off)."""


def test_no_pulls_keep_the_preferred_mix():
    np.testing.assert_allclose(_target(), PREFERRED[0, 0])


@pytest.mark.parametrize(
    ("situation", "mode"),
    [
        ({"pressure": 0.8}, LEGAL),
        ({"cooperation": 0.8}, LEGAL),
        ({"incident_pressure": 0.8}, LEGAL),
        ({"lag": 0.5}, PERFORMING),
        ({"budget": 0.5}, PERFORMING),
        ({"subversion": 0.8}, LEGAL),
    ],
)
def test_pulls_move_the_target_towards_their_mode(situation, mode):
    calm, pulled = _target(), _target(**situation)
    assert pulled[mode] > calm[mode]
    assert pulled[COLLABORATIVE] < calm[COLLABORATIVE]
    assert pulled[RESPONSIVE] < calm[RESPONSIVE]
    assert pulled.sum() == pytest.approx(1.0)


def test_stronger_time_pressure_pulls_harder_to_legal():
    legal = [_target(pressure=x)[LEGAL] for x in (0.0, 0.3, 0.6, 1.0)]
    assert np.all(np.diff(legal) > 0)


@given(
    seed=st.integers(0, 2**32 - 1),
    rate=st.floats(0.0, 1.0),
    pulls=st.lists(st.floats(0.0, 5.0), min_size=6, max_size=6),
)
def test_drift_steering_keeps_the_simplex_and_approaches_the_target(seed, rate, pulls):
    rng = np.random.default_rng(seed)
    mix = rng.dirichlet(np.ones(4), (6, 2))
    preferred = rng.dirichlet(np.ones(4), (6, 2))
    situation = [np.full((6, 2), v) for v in pulls]
    target = steering.steering_target(preferred, steering.SteeringPulls(*situation))
    assert target.min() >= 0
    np.testing.assert_allclose(target.sum(axis=2), 1.0, atol=1e-12)
    before = np.abs(mix - target).sum()
    steering.drift_steering(mix, target, rate)
    assert mix.min() >= 0
    np.testing.assert_allclose(mix.sum(axis=2), 1.0, rtol=0, atol=1e-9)
    assert np.abs(mix - target).sum() <= before + 1e-12


def test_initial_steering_is_on_the_simplex_near_the_initial_mix():
    mix = steering.initial_steering(2000, np.random.default_rng(0))
    np.testing.assert_allclose(mix.sum(axis=2), 1.0, atol=1e-12)
    np.testing.assert_allclose(mix.mean(axis=0), steering.INITIAL_MIX, atol=0.02)
    # the social domain starts performing, the physical legal (report §2.3 box, §1.3)
    assert mix.mean(axis=0)[0].argmax() == PERFORMING
    assert mix.mean(axis=0)[1].argmax() == LEGAL


def test_change_cause_names_the_strongest_pull():
    z = np.zeros((1, 2))
    pulls = steering.SteeringPulls(z + 0.1, z + 0.5, z, z + 0.2, z + 0.4, z)
    assert steering.change_cause(LEGAL, pulls, 0, 0) == "regional_bodies"
    assert steering.change_cause(PERFORMING, pulls, 0, 1) == "deficit"
    assert steering.change_cause(RESPONSIVE, pulls, 0, 0) == "preferences"
    risky = steering.SteeringPulls(z + 0.1, z + 0.2, z, z, z, z + 0.9)
    assert steering.change_cause(LEGAL, risky, 0, 1) == "subversion"


def test_subversion_pressure_is_physical_and_grows_with_openness():
    """Report §4.2: subversion 'is met name een factor in het fysieke domein'."""
    risk = steering.subversion_pressure(np.array([0.5, 0.5]), np.array([[0.8, 0.2], [0.8, 0.9]]))
    assert np.all(risk[:, 0] == 0.0)
    assert risk[1, 1] > risk[0, 1] > 0.0
    exposure = steering.draw_subversion_exposure(10_000, np.random.default_rng(0))
    assert 0.0 <= exposure.min() and exposure.max() <= 1.0
    assert exposure.mean() == pytest.approx(2 / 7, abs=0.01)


def test_coaching_tempers_the_pull_to_performing_under_slow_progress():
    lag = np.full((2, 2), 0.5)
    z = np.zeros((2, 2))
    pulls = steering.steering_pulls(z, z, z, lag, z, params(**PULLS), None, np.array([0.0, 1.0]))
    assert pulls.slow_progress[1, 0] == pytest.approx(
        pulls.slow_progress[0, 0] * (1 - steering.COACHED_PATIENCE)
    )


def test_coaching_moves_the_preferred_mix_towards_the_secretary():
    desired = np.tile(np.array([0.0, 0.1, 0.4, 0.5]), (2, 2, 1))
    college = np.tile(np.array([0.5, 0.5, 0.0, 0.0]), (2, 2, 1))
    mix = steering.preferred_mix(desired, college, 0.6, np.array([0.0, 1.0]))
    np.testing.assert_allclose(mix[0, 0], 0.6 * desired[0, 0] + 0.4 * college[0, 0])
    np.testing.assert_allclose(mix[1, 0], desired[1, 0])
    np.testing.assert_allclose(mix.sum(axis=2), 1.0)


def test_transformation_first_speeds_the_break_with_the_inherited_mix():
    rates = steering.adapt_rate(0.1, np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(rates, [0.1, 0.15, 0.2])
    assert steering.adapt_rate(0.8, np.ones(1))[0] == 1.0
    lag = steering.progress_lag(
        np.array([0.5, 0.5]), np.array([[0.2, 0.7]]), np.array([True, False])
    )
    np.testing.assert_allclose(lag, [[0.3, 0.0]])


# ================================================================ satisfaction (P7)
def test_satisfaction_rises_with_transition_ahead_of_plan():
    expected = np.array([0.5, 0.5])
    zeros = np.zeros((2, 2))
    target = satisfaction.satisfaction_target(
        np.array([[0.3, 0.3], [0.8, 0.8]]), expected, zeros, zeros, zeros
    )
    assert np.all(target[1] > target[0])
    hurt = satisfaction.satisfaction_target(
        np.full((2, 2), 0.5), expected, zeros, np.ones((2, 2)), np.ones((2, 2))
    )
    calm = satisfaction.satisfaction_target(np.full((2, 2), 0.5), expected, zeros, zeros, zeros)
    assert np.all(hurt < calm)


def test_satisfaction_falls_with_the_part_of_the_transition_still_to_do():
    """'deels te verklaren door het verschil in hoe vergevorderd de invoering is' (report §2.3)."""
    # both on plan, one far along, one just started
    transition = np.array([[0.9, 0.2]])
    expected = np.array([0.9, 0.2])
    zeros = np.zeros((1, 2))
    plain = satisfaction.satisfaction_target(transition, expected, zeros, zeros, zeros, 0.6, 0.0)
    weighted = satisfaction.satisfaction_target(transition, expected, zeros, zeros, zeros, 0.6, 0.5)
    assert plain[0, 0] == pytest.approx(plain[0, 1])  # plan only: equally satisfied
    assert weighted[0, 0] == pytest.approx(0.6 - 0.5 * 0.1)
    assert weighted[0, 1] == pytest.approx(0.6 - 0.5 * 0.8)
    higher = satisfaction.satisfaction_target(transition, expected, zeros, zeros, zeros, 0.7, 0.5)
    assert np.all(higher > weighted)


def test_before_entry_the_plan_is_no_yardstick_and_a_postponement_draws_criticism():
    """Kader 10 'Extra uitstel leidt tot kritiek': a later deadline never raises satisfaction."""
    transition = np.array([[0.4, 0.4]])
    zeros = np.zeros((1, 2))
    ahead = satisfaction.satisfaction_target(
        transition, np.array([0.1, 0.1]), zeros, zeros, zeros, 0.6, 0.3,
        np.array([True, False]),
    )  # fmt: skip
    behind = satisfaction.satisfaction_target(
        transition, np.array([0.9, 0.9]), zeros, zeros, zeros, 0.6, 0.3,
        np.array([True, False]),
    )  # fmt: skip
    assert ahead[0, 0] > behind[0, 0]  # in force: progress against the requirement counts
    assert ahead[0, 1] == pytest.approx(behind[0, 1])  # not yet in force: the plan does not
    credible = satisfaction.satisfaction_target(
        transition, np.zeros(2), zeros, zeros, zeros, 0.6, 0.3, np.array([False, False]),
        np.array([1.0, 1.0]), 0.3,
    )  # fmt: skip
    postponed = satisfaction.satisfaction_target(
        transition, np.zeros(2), zeros, zeros, zeros, 0.6, 0.3, np.array([False, False]),
        np.array([1.0, 0.7]), 0.3,
    )  # fmt: skip
    assert postponed[0, 1] == pytest.approx(credible[0, 1] - 0.3 * 0.3)
    assert postponed[0, 0] == pytest.approx(credible[0, 0])


def test_satisfaction_moves_only_where_the_task_is_known():
    sat = np.full((1, 2), 0.5)
    satisfaction.update_satisfaction(sat, np.full((1, 2), 0.9), np.array([True, False]), 0.3)
    assert sat[0, 0] == pytest.approx(0.62)
    assert sat[0, 1] == 0.5


# ================================================================ cooperation (P5)
def _cooperate(urgency_level, capacity, start=0.2, **overrides):
    coop = np.full((len(capacity), 2), start)
    n = len(capacity)
    regions = ((np.arange(n), n), (np.arange(n), n))  # each municipality its own region
    cooperation.form_regional_cooperation(
        coop,
        np.full(2, urgency_level),
        np.asarray(capacity),
        np.zeros(n),
        regions,
        np.zeros(2),
        params(**overrides),
    )
    return coop


def test_cooperation_grows_with_urgency_and_erodes_without():
    grown = _cooperate(0.8, [0.6])
    eroded = _cooperate(0.0, [0.6])
    assert np.all(grown > 0.2)
    assert np.all(eroded < 0.2)


@pytest.mark.parametrize("seed", MODEL_SEEDS)
def test_physical_cooperation_starts_at_its_parameter_and_social_below_it(run_province, seed):
    for level in (0.3, 0.6):
        model = GovernanceModel(
            rng=seed, municipalities=["Utrecht"], initial_physical_cooperation=level
        )  # built, not yet stepped
        np.testing.assert_allclose(model.state.cooperation[:, 1], level)
        np.testing.assert_allclose(
            model.state.cooperation[:, 0], cooperation.INITIAL_SOCIAL_COOPERATION
        )
    # a stronger start in 2013 leaves the Omgevingswet's cooperation higher in the survey month
    low = run_province(seed, "2017-08", initial_physical_cooperation=0.2)
    high = run_province(seed, "2017-08", initial_physical_cooperation=0.6)
    assert high.state.cooperation[:, 1].mean() > low.state.cooperation[:, 1].mean() + 0.01


def test_cooperation_grows_more_for_small_capacity_municipalities():
    coop = _cooperate(0.8, [0.3, 0.95])
    assert np.all(coop[0] > coop[1])


def test_connector_secretaries_initiate_cooperation():
    coop = np.full((2, 2), 0.2)
    regions = ((np.arange(2), 2), (np.arange(2), 2))
    cooperation.form_regional_cooperation(
        coop, np.full(2, 0.8), np.full(2, 0.6), np.array([0.0, 1.0]), regions, np.zeros(2), params()
    )
    assert np.all(coop[1] > coop[0])


def test_regional_coupling_pulls_towards_the_region_mean_and_policy_floor_binds():
    coop = np.array([[0.1, 0.1], [0.5, 0.5]])
    same_region = ((np.zeros(2, dtype=int), 1), (np.zeros(2, dtype=int), 1))
    cooperation.form_regional_cooperation(
        coop, np.zeros(2), np.full(2, 0.6), np.zeros(2), same_region, np.array([0.0, 0.45]),
        params(regional_coupling=0.5, cooperation_decay=0.0),
    )  # fmt: skip
    assert coop[0, 0] > 0.1 and coop[1, 0] < 0.5
    assert np.all(coop[:, 1] >= 0.45)


# ================================================================ budget and incidents (P3)
def test_budget_pressure_rises_after_entry():
    p = params(social_budget_cut=0.2)
    known, before_completion = np.array([True, False]), np.array([True, False])
    trans_, shocks = np.zeros((1, 2)), np.zeros(2)
    before = budget.budget_target(
        np.array([-6.0, -48.0]), known, before_completion, trans_, shocks, p
    )
    after = budget.budget_target(
        np.array([12.0, -48.0]), known, before_completion, trans_, shocks, p
    )
    later = budget.budget_target(
        np.array([60.0, -48.0]), known, before_completion, trans_, shocks, p
    )
    assert before[0, 0] == 0.0
    assert after[0, 0] >= 0.2
    assert later[0, 0] > after[0, 0]  # deficits grow
    pressure = np.zeros((1, 2))
    for target in (before, after, after, after):
        budget.update_budget_pressure(pressure, target, np.ones(1))
    assert pressure[0, 0] > 0.0


def test_transformation_damps_deficits():
    p = params()
    args = (np.array([60.0, 0.0]), np.array([True, True]), np.array([True, True]))
    low = budget.budget_target(*args, np.zeros((1, 2)), np.zeros(2), p)
    high = budget.budget_target(*args, np.ones((1, 2)), np.zeros(2), p)
    assert high[0, 0] < low[0, 0]
    assert high[0, 1] == low[0, 1] == pytest.approx(p["physical_implementation_cost"])


def test_data_driven_work_aims_prevention_and_costs_an_investment():
    """Lesson 3: the district monitor aims prevention (§2.3); data cost money (§4.1)."""
    p = params()
    args = (np.array([60.0, 0.0]), np.array([True, True]), np.array([True, True]))
    half = np.full((2, 2), 0.4)
    target = budget.budget_target(*args, half, np.zeros(2), p, np.array([0.0, 1.0]))
    deficit = budget.MAX_DEFICIT * (1 - np.exp(-p["deficit_growth_per_year"] * 5.0))
    plain = p["social_budget_cut"] + deficit * 0.6
    assert target[0, 0] == pytest.approx(plain)
    assert target[1, 0] == pytest.approx(p["social_budget_cut"] + deficit * 0.2
                                          + budget.DATA_INVESTMENT)  # fmt: skip
    assert target[1, 1] == pytest.approx(target[0, 1] + budget.DATA_INVESTMENT)


def test_missing_specialists_make_incidents_more_frequent():
    """Report §4.4: youth care keeps its specialists, 'een sector met een groot risico'."""
    p = params(incident_rate=0.5)
    pop = np.full(2000, 2e5)
    zeros = np.zeros((2000, 2))
    force = np.array([True, True])
    plain = budget.draw_incidents(zeros, force, pop, p, np.random.default_rng(3))
    gap = budget.draw_incidents(zeros, force, pop, p, np.random.default_rng(3), np.ones((2000, 2)))
    assert gap.sum() == pytest.approx(2 * plain.sum(), rel=0.05)


def test_incidents_need_the_law_in_force():
    p = params(incident_rate=1.0)
    pop = np.full(50, 1_000_000.0)
    trans_ = np.zeros((50, 2))
    off = budget.draw_incidents(trans_, np.array([False, False]), pop, p, np.random.default_rng(0))
    on = budget.draw_incidents(trans_, np.array([True, False]), pop, p, np.random.default_rng(0))
    assert off.sum() == 0
    assert on[:, 0].sum() > 0
    assert on[:, 1].sum() == 0
    done = budget.draw_incidents(
        np.ones((50, 2)), np.array([True, True]), pop, p, np.random.default_rng(0)
    )
    assert done.sum() == 0


def test_incidents_grow_with_population_and_unfinished_transition():
    p = params(incident_rate=0.5)
    in_force = np.array([True, True])
    rng = np.random.default_rng(1)
    small = budget.draw_incidents(np.zeros((400, 2)), in_force, np.full(400, 2e4), p, rng)
    large = budget.draw_incidents(np.zeros((400, 2)), in_force, np.full(400, 2e5), p, rng)
    half = budget.draw_incidents(np.full((400, 2), 0.5), in_force, np.full(400, 2e5), p, rng)
    assert small.sum() < half.sum() < large.sum()


def test_incident_pressure_decays_and_physical_incidents_weigh_less():
    pressure = np.array([[1.0, 0.0]])
    budget.update_incident_pressure(pressure, np.zeros((1, 2)), 0.4)
    assert pressure[0, 0] == pytest.approx(0.8)
    fresh = np.zeros((1, 2))
    budget.update_incident_pressure(fresh, np.array([[2.0, 2.0]]), 0.4)
    assert fresh[0, 0] == pytest.approx(2.0)
    assert fresh[0, 1] == pytest.approx(0.8)


# ================================================================ council steering (P10, P11)
def test_council_steering_follows_attention_and_incidents():
    grip = np.full((3, 2), 0.3)
    attention = np.array([[0.1, 0.1], [0.9, 0.9], [0.9, 0.9]])
    incidents = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    for _ in range(60):
        council.update_council_steering(grip, attention, incidents)
    assert np.all(grip[0] < 0.3)  # an inattentive council loosens its grip
    assert np.all(grip[1] > grip[0])
    assert np.all(grip[2] > grip[1])  # incidents tighten it
    assert grip[1, 0] == pytest.approx(grip[1, 1])  # without incidents: the same grip
    assert grip.max() <= 1.0


def test_council_grip_scales_steering_and_incidents_make_the_3d_sharper():
    attention = np.full((1, 2), 0.8)
    low, high = np.zeros((1, 2)), np.zeros((1, 2))
    for _ in range(200):
        council.update_council_steering(low, attention, np.zeros((1, 2)), 0.4)
        council.update_council_steering(high, attention, np.zeros((1, 2)), 0.9)
    assert high[0] == pytest.approx([0.72, 0.72], abs=1e-3)
    assert np.all(low < high)
    # incidents happen in the social domain: councils steer the 3D more sharply (report §3.3)
    social_incidents = np.array([[1.0, 0.0]])
    grip = np.zeros((1, 2))
    for _ in range(200):
        council.update_council_steering(grip, attention, social_incidents, 0.6)
    assert grip[0, 0] > grip[0, 1]


def test_incident_grip_sets_how_much_sharper_incidents_make_the_grip():
    attention = np.full((1, 2), 0.8)
    social_incidents = np.array([[1.0, 0.0]])
    sharp = {}
    for extra in (0.0, 0.1, 0.3):
        grip = np.zeros((1, 2))
        for _ in range(200):
            council.update_council_steering(
                grip, attention, social_incidents, 0.6, incident_grip=extra
            )
        sharp[extra] = grip[0].copy()
        # at the fixed point: attention x (grip + incident_grip x incident pressure)
        assert grip[0, 0] == pytest.approx(0.8 * (0.6 + extra), abs=1e-3)
        assert grip[0, 1] == pytest.approx(0.48, abs=1e-3)
    assert sharp[0.0][0] == pytest.approx(sharp[0.0][1], abs=1e-3)
    assert sharp[0.0][0] < sharp[0.1][0] < sharp[0.3][0]


def test_a_council_lets_go_of_the_frameworks_it_has_set():
    # report §3.2: "de raad stelt de kaders vast, het overige is uitvoering en komt daarom niet
    # meer bij de raad terug": the grip falls with the domain's transition progress
    attention = np.full((3, 2), 0.8)
    frameworks = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 0.2]])
    grip = np.zeros((3, 2))
    for _ in range(200):
        council.update_council_steering(
            grip, attention, np.zeros((3, 2)), 0.9, frameworks=frameworks, release=0.4
        )
    assert grip[:, 0] == pytest.approx(0.8 * 0.9 * (1.0 - 0.4 * frameworks[:, 0]), abs=1e-3)
    assert grip[0, 0] > grip[1, 0] > grip[2, 0]  # the more set, the less steered
    # a domain whose frameworks are set steers less than one still setting them, same attention
    assert grip[2, 0] < grip[2, 1]
    # no release: the frameworks do not matter
    held = np.zeros((3, 2))
    for _ in range(200):
        council.update_council_steering(
            held, attention, np.zeros((3, 2)), 0.9, frameworks=frameworks, release=0.0
        )
    assert held == pytest.approx(np.full((3, 2), 0.72), abs=1e-3)


def test_framework_release_narrows_the_gap_between_the_3d_and_the_omgevingswet():
    # in 2017 the 3D's frameworks are set (transition near 1) and the Omgevingswet's are not:
    # releasing the grip lowers the council's 3D steering more than its Omgevingswet steering
    from govsim.model.governance_model import GovernanceModel

    steering = {}
    for release in (0.0, 0.5):
        model = GovernanceModel(rng=3, framework_release=release, collect=False)
        model.run_for(model.calendar.step_of("2017-08"))
        assert model.state.transition[:, 0].mean() > model.state.transition[:, 1].mean() + 0.3
        steering[release] = model.councils.steering.mean(axis=0)
    drop = steering[0.0] - steering[0.5]
    assert np.all(drop > 0.0)
    assert drop[0] > drop[1] + 0.05


def test_organisation_change_reaches_other_teams_at_the_spillover_share():
    team_input = np.array([[0.4, 0.5, 0.8], [0.2, 0.3, 0.0]])
    known = np.array([True, False])
    out = staff_learning.spread_organisation_change(team_input, known, 0.25)
    assert out[:, 0] == pytest.approx([0.4, 0.2])  # known: its own input
    assert out[:, 2] == pytest.approx([0.2, 0.0])  # the rest: a quarter of the change's input
    assert out[:, 1] == pytest.approx([0.2, 0.0])  # not yet known: like the rest
    isolated = staff_learning.spread_organisation_change(team_input, known, 0.0)
    assert np.all(isolated[:, 1:] == 0.0)
    assert isolated[:, 0] == pytest.approx([0.4, 0.2])


def test_work_on_learning_instruments_counts_as_learning_and_less_as_load():
    """Kampen, report §4.4: 'omgekeerd interveniëren' (parameter instrument_learning)."""
    work = np.full((1, 2), 0.2)
    base = (work, np.full(1, 0.3), np.zeros(1), np.zeros(2))
    none = staff_learning.learning_input(*base, params(instrument_learning=0.0), np.ones((1, 2)))
    some = staff_learning.learning_input(*base, params(instrument_learning=0.5), np.ones((1, 2)))
    plain = staff_learning.learning_input(*base, params(instrument_learning=0.5))
    np.testing.assert_allclose(none, plain)
    assert np.all(some[:, :2] > none[:, :2])
    assert some[0, 2] == none[0, 2]  # the rest of the organisation learns from the change
    learning = np.array([1.0, 0.0])
    load = staff_learning.instrument_load(np.full((1, 2), 0.6), learning, 0.5)
    np.testing.assert_allclose(load, [[0.3, 0.6]])


def test_integrality_mixes_the_teams():
    spill = staff_learning.mixed_spillover(0.3, np.array([0.0, 0.5, 1.0]))
    np.testing.assert_allclose(spill, [0.3, 0.65, 1.0])
    share = np.array([[0.9, 0.0, 0.3], [0.9, 0.0, 0.3]])
    peers = staff_learning.peer_share(share, np.array([0.0, 1.0]))
    np.testing.assert_allclose(peers, [[0.9, 0.0, 0.3], [0.4, 0.4, 0.4]])


def test_team_specialists_is_the_share_of_non_generalists():
    staff = StaffArrays.create(np.array([1000, 1000]), 0.0, np.random.default_rng(0), 0.3)
    spec = staff_learning.team_specialists(staff, 2)
    assert spec.shape == (2, 2)
    np.testing.assert_allclose(spec, 0.7, atol=0.08)
    allround = StaffArrays.create(np.array([100]), 0.0, np.random.default_rng(0), 1.0)
    assert np.all(staff_learning.team_specialists(allround, 1) == 0.0)


def test_peers_include_the_rest_of_the_organisation_at_the_spillover_share():
    share = np.array([[0.9, 0.0, 0.3]])
    np.testing.assert_allclose(staff_learning.peer_share(share, 0.0), share)
    np.testing.assert_allclose(staff_learning.peer_share(share, 1.0), [[0.4, 0.4, 0.4]])
    half = staff_learning.peer_share(share, 0.5)
    np.testing.assert_allclose(half, [[0.65, 0.2, 0.35]])


# ================================================================ model-level directions
def _mean_transformation(model):
    return float(model.state.transformation.mean())


@pytest.mark.parametrize("seed", MODEL_SEEDS)
def test_connector_or_changer_secretary_raises_transformation(run_province, seed):
    def with_role(name):
        def setup(model):
            model.secretaries.role[:] = ROLES.index(name)

        return run_province(seed, "2020-12", setup=setup, secretary_turnover_per_year=0.0)

    advocate = _mean_transformation(with_role("advocate"))
    connector = _mean_transformation(with_role("connector"))
    changer = _mean_transformation(with_role("changer"))
    assert connector > advocate
    assert changer > advocate


@pytest.mark.parametrize("seed", MODEL_SEEDS)
def test_more_training_raises_transformation(run_province, seed):
    low = run_province(seed, "2020-12", training_intensity=0.1)
    high = run_province(seed, "2020-12", training_intensity=0.9)
    assert _mean_transformation(high) > _mean_transformation(low)


@pytest.mark.parametrize("seed", MODEL_SEEDS)
def test_learning_by_doing_raises_staff_adoption(run_province, seed):
    low = run_province(seed, "2020-12", learning_by_doing_share=0.1)
    high = run_province(seed, "2020-12", learning_by_doing_share=0.9)
    assert high.team_adoption[:, :2].mean() > low.team_adoption[:, :2].mean()


@pytest.mark.parametrize("seed", MODEL_SEEDS)
def test_council_reopening_lowers_citizen_trust(run_province, seed):
    low = run_province(seed, "2020-12", council_reopen_tendency=0.05)
    high = run_province(seed, "2020-12", council_reopen_tendency=0.9)
    assert high.citizens.trust.mean() < low.citizens.trust.mean()
    assert high.snapshot()["citizen_trust"].mean() < low.snapshot()["citizen_trust"].mean()
