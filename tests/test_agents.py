"""The five actor types: counts, array-backed views, secretary roles and Table 1 desires."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.agents import MODES, ROLES, Citizen, College, Council, Secretary, Staff
from govsim.agents.secretary import APPENDIX_REJECTED, TABLE1_DESIRED, desired_mix, draw_desired
from govsim.agents.staff import DOMAIN_SPLIT
from govsim.model import GovernanceModel
from govsim.model.municipalities import load_municipalities

AGENT_TYPES = (Secretary, College, Council, Staff, Citizen)
ROLE_TABLE = {
    "advocate": (True, "internal", "legal"),
    "executor": (False, "college", "performing"),
    "connector": (False, "network", "collaborative"),
    "changer": (True, "network", "responsive"),
}


def _expected_counts(population, per_1000, floor):
    return np.maximum(floor, np.rint(np.asarray(population) / 1000.0 * per_1000)).astype(int)


@pytest.fixture(scope="module")
def zeeland():
    return GovernanceModel(rng=11, municipalities=["Zeeland"])


# ---------------------------------------------------------------- counts
def test_national_agent_counts_follow_population_and_defaults(baseline):
    run = baseline(1)
    model, snap = run.model, run.snapshot_end
    p = model.params
    pop = load_municipalities()["population"].to_numpy()
    staff = _expected_counts(pop, p["staff_per_1000"], p["staff_floor"])
    citizens = _expected_counts(pop, p["citizens_per_1000"], p["citizen_floor"])
    assert snap["staff_agents"].tolist() == staff.tolist()
    assert snap["citizen_agents"].tolist() == citizens.tolist()
    by_type = model.agents_by_type
    assert len(by_type[Secretary]) == 388
    assert len(by_type[College]) == 388
    assert len(by_type[Council]) == 388
    assert len(by_type[Staff]) == staff.sum() == model.staff.n
    assert len(by_type[Citizen]) == citizens.sum() == model.citizens.n
    # the scale: at least 30,000 staff + citizen agents nationally
    assert staff.sum() + citizens.sum() >= 30_000
    # the floor binds for small municipalities only
    assert staff.min() == p["staff_floor"]
    assert staff.max() == round(pop.max() / 1000 * p["staff_per_1000"])


@given(
    staff_per_1000=st.floats(0.05, 4.0),
    staff_floor=st.integers(3, 60),
    citizens_per_1000=st.floats(0.05, 4.0),
    citizen_floor=st.integers(3, 60),
)
@settings(max_examples=15)
def test_counts_per_municipality_match_density_parameters(
    staff_per_1000, staff_floor, citizens_per_1000, citizen_floor
):
    model = GovernanceModel(
        rng=3,
        municipalities=["Flevoland", "Ameland"],
        staff_per_1000=staff_per_1000,
        staff_floor=staff_floor,
        citizens_per_1000=citizens_per_1000,
        citizen_floor=citizen_floor,
    )
    snap = model.snapshot()
    pop = snap["population"].to_numpy()
    staff = _expected_counts(pop, staff_per_1000, staff_floor)
    citizens = _expected_counts(pop, citizens_per_1000, citizen_floor)
    assert snap["staff_agents"].tolist() == staff.tolist()
    assert snap["citizen_agents"].tolist() == citizens.tolist()
    assert len(model.agents_by_type[Staff]) == staff.sum()
    assert len(model.agents_by_type[Citizen]) == citizens.sum()
    per_mun = np.bincount([a.municipality for a in model.agents_by_type[Staff]], minlength=7)
    assert per_mun.tolist() == staff.tolist()


def test_one_institutional_actor_of_each_kind_per_municipality(zeeland):
    n = zeeland.municipalities.n
    assert n == 13
    for kind in (Secretary, College, Council):
        rows = sorted(a.row for a in zeeland.agents_by_type[kind])
        assert rows == list(range(n))


def test_staff_teams_split_by_domain_in_each_municipality(zeeland):
    staff = zeeland.staff
    for m in range(zeeland.municipalities.n):
        domains = staff.domain[staff.municipality == m]
        shares = np.bincount(domains, minlength=3) / len(domains)
        assert np.all(np.abs(shares - np.array(DOMAIN_SPLIT)) <= 1.0 / len(domains) + 1e-12)
        assert np.all(np.bincount(domains, minlength=3) > 0)


# ---------------------------------------------------------------- array-backed views
def test_staff_view_reads_and_writes_through_to_the_arrays(zeeland):
    agent = zeeland.agents_by_type[Staff][17]
    row = agent.row
    assert agent.readiness == zeeland.staff.readiness[row]
    agent.readiness = 0.777
    assert zeeland.staff.readiness[row] == 0.777
    zeeland.staff.readiness[row] = 0.123
    assert agent.readiness == 0.123
    assert isinstance(agent.readiness, float)
    assert agent.domain in ("social", "physical", "other")
    assert agent.domain == ("social", "physical", "other")[zeeland.staff.domain[row]]


def test_citizen_view_reads_and_writes_through_to_the_arrays(zeeland):
    agent = zeeland.agents_by_type[Citizen][5]
    row = agent.row
    agent.trust = 0.91
    assert zeeland.citizens.trust[row] == 0.91
    zeeland.citizens.trust[row] = 0.05
    assert agent.trust == 0.05
    assert agent.municipality == zeeland.citizens.municipality[row]


def test_college_and_council_views_return_their_rows(zeeland):
    college = zeeland.college_agents[4]
    assert college.attention.tolist() == zeeland.colleges.attention[4].tolist()
    council = zeeland.council_agents[4]
    council.reopen_tendency = 0.66
    assert zeeland.councils.reopen_tendency[4] == 0.66


def test_state_returns_the_rows_fields(zeeland):
    agent = zeeland.agents_by_type[Staff][3]
    state = agent.state()
    row = agent.row
    assert state["row"] == row
    expected = {
        "municipality",
        "domain_index",
        "competence",
        "readiness",
        "resister",
        "generalist",
        "workload",
        "adopted",
        "adoptions",
    }
    assert expected <= set(state)
    assert state["readiness"] == zeeland.staff.readiness[row]
    assert state["competence"] == zeeland.staff.competence[row]
    assert state["adopted"] == bool(zeeland.staff.adopted[row])
    citizen_state = zeeland.agents_by_type[Citizen][2].state()
    assert citizen_state["trust"] == zeeland.citizens.trust[citizen_state["row"]]
    secretary_state = zeeland.secretary_agents[1].state()
    assert secretary_state["desired_mix"] == zeeland.secretaries.desired_mix[1].tolist()


# ---------------------------------------------------------------- secretaries
def test_secretary_role_matches_agenda_focus_table(baseline):
    model = baseline(2).model
    roles_seen = set()
    for agent in model.secretary_agents:
        agenda, focus, _ = ROLE_TABLE[agent.role]
        assert agent.agenda is agenda
        assert agent.focus == focus
        assert agent.role == ROLES[model.secretaries.role[agent.row]]
        assert agent.stance == ("regisseur" if model.secretaries.regisseur[agent.row] else "coach")
        roles_seen.add(agent.role)
    assert roles_seen == set(ROLES)
    snap_roles = baseline(2).snapshot_end["secretary_role"].tolist()
    assert snap_roles == [a.role for a in model.secretary_agents]


def test_preferred_role_is_comfortable_with_a_desired_social_mode(baseline_runs):
    for run in baseline_runs:
        comfortable = [MODES.index(ROLE_TABLE[ROLES[r]][2]) for r in run.initial_roles]
        desired = run.initial_desires[np.arange(len(comfortable)), 0, comfortable]
        assert desired.all()


def test_desired_mix_is_on_the_simplex_and_favours_the_comfortable_mode(zeeland):
    mix = zeeland.secretaries.desired_mix
    assert np.all(mix >= 0)
    np.testing.assert_allclose(mix.sum(axis=2), 1.0, atol=1e-12)
    role = zeeland.secretaries.role
    c = zeeland.params["comfort_mode_weight"]
    comfort_weight = mix[np.arange(len(role)), :, role]
    # the comfortable mode is desired (the role is drawn from the desired modes), so it gets
    # the comfort weight plus an equal share of the rest, and no mode gets more
    assert np.all(comfort_weight >= c + (1.0 - c) / 4 - 1e-12)
    assert np.all(comfort_weight >= mix.max(axis=2) - 1e-12)


def test_comfort_mode_weight_concentrates_the_desired_mix():
    desires = np.array([[[False, True, True, True]] * 2])
    role = np.array([ROLES.index("changer")])
    even = desired_mix(desires, role, 0.0)
    peaked = desired_mix(desires, role, 0.6)
    np.testing.assert_allclose(even[0, 0], [0, 1 / 3, 1 / 3, 1 / 3])
    assert peaked[0, 0, MODES.index("responsive")] == pytest.approx(0.6 + 0.4 / 3)
    assert peaked[0, 0, MODES.index("performing")] == pytest.approx(0.4 / 3)


def test_undesired_mode_weight_gives_modes_not_desired_a_share():
    desires = np.array([[[False, True, True, True]] * 2])
    role = np.array([ROLES.index("changer")])
    none = desired_mix(desires, role, 0.0, 0.0)
    half = desired_mix(desires, role, 0.0, 0.5)
    full = desired_mix(desires, role, 0.0, 1.0)
    np.testing.assert_allclose(none[0, 0], [0, 1 / 3, 1 / 3, 1 / 3])
    # weight 0.5 against 1 for each of the three desired modes: 0.5 / 3.5 and 1 / 3.5
    np.testing.assert_allclose(half[0, 0], [0.5 / 3.5, 1 / 3.5, 1 / 3.5, 1 / 3.5])
    np.testing.assert_allclose(full[0, 0], [0.25] * 4)
    # the comfort weight still goes on top, and every mix stays on the simplex
    peaked = desired_mix(desires, role, 0.4, 0.5)
    assert peaked[0, 0, MODES.index("responsive")] == pytest.approx(0.4 + 0.6 / 3.5)
    np.testing.assert_allclose(peaked.sum(axis=2), 1.0)


def test_desired_modes_come_out_near_table_1(baseline_runs):
    desires = np.concatenate([r.initial_desires for r in baseline_runs])  # (388*5, 2, 4)
    assert desires.shape == (388 * len(baseline_runs), 2, 4)
    share = desires.mean(axis=0)  # (2 domains, 4 modes)
    assert share[0, MODES.index("collaborative")] == pytest.approx(0.82, abs=0.05)
    assert share[0, MODES.index("legal")] == pytest.approx(0.08, abs=0.04)
    assert share[1, MODES.index("collaborative")] == pytest.approx(0.77, abs=0.05)
    assert share[1, MODES.index("legal")] == pytest.approx(0.18, abs=0.04)
    np.testing.assert_allclose(share, TABLE1_DESIRED.T, atol=0.05)
    # the contrast of the table: responsive far more desired than legal in the social domain
    assert share[0, MODES.index("responsive")] > 5 * share[0, MODES.index("legal")]
    assert desires.any(axis=2).all()  # everyone desires at least one mode


def test_draw_desired_converges_to_table_1_for_many_secretaries():
    desires, rejected = draw_desired(40_000, np.random.default_rng(5))
    np.testing.assert_allclose(desires.mean(axis=0), TABLE1_DESIRED.T, atol=0.015)
    # the appendix's "niet/nauwelijks belangrijk" shares; the rest is "matig belangrijk"
    np.testing.assert_allclose(rejected.mean(axis=0), APPENDIX_REJECTED.T, atol=0.015)
    assert not (desires & rejected).any()
    moderate = 1.0 - desires.mean(axis=0) - rejected.mean(axis=0)
    assert moderate[0, MODES.index("legal")] == pytest.approx(0.35, abs=0.02)


def test_a_rejected_mode_gets_no_weight_and_a_moderate_one_the_undesired_weight():
    desires = np.array([[[False, False, True, True]] * 2])
    rejected = np.array([[[True, False, False, False]] * 2])
    role = np.array([ROLES.index("changer")])
    mix = desired_mix(desires, role, 0.0, 0.5, rejected)
    # legal rejected (0), performing enigszins (0.5), the two desired modes 1 each: / 2.5
    np.testing.assert_allclose(mix[0, 0], [0.0, 0.5 / 2.5, 1 / 2.5, 1 / 2.5])
    np.testing.assert_allclose(mix.sum(axis=2), 1.0)
    # without the appendix split every mode not desired is weighted alike
    np.testing.assert_allclose(
        desired_mix(desires, role, 0.0, 0.5)[0, 0], [1 / 6, 1 / 6, 1 / 3, 1 / 3]
    )


def test_replacing_a_secretary_logs_an_event_and_redraws():
    model = GovernanceModel(rng=2, municipalities=["Flevoland"])
    model.run("2013-03")
    sec = model.secretary_agents[0]
    sec.replace(np.random.default_rng(0))
    assert model.secretaries.appointed_step[0] == model.steps
    assert sec.appointed_after_2015 is False
    events = model.event_log()
    new = events[events["kind"] == "new_secretary"]
    assert (new["municipality"] == 0).any()
    assert new.iloc[-1]["role"] == sec.role
