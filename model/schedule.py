"""The month as declared data: the ordered sub-steps of `GovernanceModel.step`.

Each `SubStep` names what it does, the patterns of the report it serves (P1-P12, DESIGN §1), the
mechanism functions it calls, the state it reads and writes, and the function that runs it.
`GovernanceModel.step` runs `MONTH` in order; docs/ODD.md §3 is generated from it
(``docs/make_schedule_table.py``) and a test keeps the two equal. The run functions only wire
the model's arrays to the mechanisms (`model.mechanisms`); every equation lives in a mechanism.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.agents.college import NEW_STANCE_BETA, College, college_mix, talks_choices
from govsim.agents.council import FRESH_TRUST_BETA, REOPEN_BETA, Council
from govsim.agents.secretary import MODES, ROLE_COOPERATION, ROLES
from govsim.model.fused import citizens as fused_citizens
from govsim.model.fused import pressures as fused_pressures
from govsim.model.fused import secretaries as fused_secretaries
from govsim.model.fused import staff as fused_staff
from govsim.model.fused import steering as fused_steering
from govsim.model.fused import strategy as fused_strategy
from govsim.model.fused import transition as fused_transition
from govsim.model.indicators import compute_indicators
from govsim.model.instruments import ACCESS_INDEX, DOMAIN_OF, DSO_INDEX, LEARNING, VISION_INDEX
from govsim.model.instruments import domain_mean as instrument_mean
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
from govsim.model.parameters import STRATEGIES
from govsim.model.timeline import DOMAINS

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.governance_model import GovernanceModel


@dataclass
class Month:
    """What the sub-steps of one month hand each other (plain arrays, rebuilt every month).

    Attributes:
        k: The step (1-based month).
        known: (2,) whether each domain's task is known.
        in_force: (2,) whether each domain's law is in force.
        new_secretary: (M,) municipalities that appointed a new secretary this month.
        intensity: (M, n_instruments) how hard each instrument is worked on.
        started: (M, 2) 1 where the organisation works on a known domain at all.
        openness: (M, 2) openness to society this month.
        expected: (2,) planned transition this month.
    """

    k: int
    known: np.ndarray
    in_force: np.ndarray
    new_secretary: np.ndarray
    intensity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    started: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    openness: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    expected: np.ndarray = field(default_factory=lambda: np.zeros(2))


@dataclass(frozen=True)
class SubStep:
    """One named sub-step of the month.

    Attributes:
        name: Short name (ODD §3).
        patterns: The report's patterns it serves (P1-P12) or what else it is for.
        functions: The mechanism functions (and agent methods) it calls, in order.
        reads: State it reads ("prev": last month's value).
        writes: State it writes.
        run: ``run(model, month)``.
    """

    name: str
    patterns: tuple[str, ...]
    functions: tuple[str, ...]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    run: Callable[[GovernanceModel, Month], None]


# ------------------------------------------------------------------------------ the sub-steps
def _institutional_events(model: GovernanceModel, month: Month) -> None:
    n = model.municipalities.n
    p = model.params
    monthly = 1.0 - (1.0 - p["secretary_turnover_per_year"]) ** (1.0 / 12.0)
    rng = model.streams["secretary_turnover"]
    rows = np.flatnonzero(rng.random(n) < monthly)
    if len(rows):
        sec = model.secretaries
        fixed = (model.levers.role, model.levers.regisseur, model.steps)
        if model.backend == "numba":
            fused_secretaries.replace_secretaries(sec, rows, rng, p, *fixed)
        else:
            sec.replace(rows, rng, p, *fixed)
        month.new_secretary[rows] = True
        for row in rows.tolist():
            model.log_event(
                row,
                "new_secretary",
                role=ROLES[sec.role[row]],
                stance="regisseur" if sec.regisseur[row] else "coach",
            )
    k = month.k
    if not model.compiled.election[k]:
        return
    rng = model.streams["elections"]
    choices = model.compiled.coalition.get(k, ())
    applies = rng.random((n, len(choices))) < np.array([c.share for c in choices])
    talks = rng.random(n) < model.levers["use_elections"]
    mine = [[c for c, a in zip(choices, row, strict=True) if a] for row in applies.tolist()]
    for row in np.flatnonzero(talks).tolist():
        taken = {c.domain for c in mine[row]}
        mine[row] += talks_choices(model.secretaries.desired_mix[row], sorted(taken))
    domains, steer = _choice_arrays(mine)
    draws = _election_draws(domains, rng)
    Council.hold_elections(model, domains, steer, draws[:, 0], draws[:, 1])
    College.form_coalitions(model, domains, steer, talks, draws[:, 2:])
    for row, talked in enumerate(talks.tolist()):  # the events in row order, as they happen
        if talked:
            model.log_event(row, "coalition_talks")
        model.log_event(row, "election")
        for c in mine[row]:
            model.log_event(row, "coalition", domain=c.domain, stance=c.stance)


def _choice_arrays(mine: list[list[Any]]) -> tuple[np.ndarray, np.ndarray]:
    """The coalition choices per municipality as (M, L) arrays: domain index (-1: none), steer."""
    width = max(map(len, mine), default=0)
    domains = np.full((len(mine), width), -1, dtype=np.int64)
    steer = np.zeros((len(mine), width), dtype=bool)
    for row, row_choices in enumerate(mine):
        for j, c in enumerate(row_choices):
            domains[row, j] = 0 if c.domain == "social" else 1
            steer[row, j] = c.stance == "steer"
    return domains, steer


_ELECTION_BETA = np.array([FRESH_TRUST_BETA, REOPEN_BETA, NEW_STANCE_BETA, NEW_STANCE_BETA]).T
"""Beta parameters (2, 4) of an election's draws per municipality: a new council's trust, its
reopen tendency, a new college's stance per domain (only where no coalition choice applies)."""


def _election_draws(domains: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An election's random draws (M, 4), in the order of one municipality after another.

    Per municipality: the trust new council members bring, the council's reopen tendency, then
    the new college's stance in each domain where no coalition choice applies (0 elsewhere). One
    call draws them in exactly the order of one election at a time.
    """
    n = len(domains)
    drawn = np.ones((n, 4), dtype=bool)
    for d in range(2):
        drawn[:, 2 + d] = ~(domains == d).any(axis=1)
    a = np.broadcast_to(_ELECTION_BETA[0], (n, 4))[drawn]
    b = np.broadcast_to(_ELECTION_BETA[1], (n, 4))[drawn]
    draws = np.zeros((n, 4))
    draws[drawn] = rng.beta(a, b)
    return draws


def _urgency(model: GovernanceModel, month: Month) -> None:
    st, ct, p, k = model.state, model.compiled, model.params, month.k
    st.credibility = urgency.deadline_credibility(ct, k, p["postponement_credibility_loss"])
    if model.backend == "numba":
        # the powers stay in numpy: the credibility above and `national_urgency`'s fade
        since = np.maximum(k - ct.completion_step, 0)
        fade = 0.5 ** (since / p["post_entry_half_life_months"])
        st.urgency, st.clarity = fused_strategy.urgency_month(
            k,
            st.credibility,
            fade,
            ct.entry_step,
            ct.completion_step,
            ct.known,
            ct.rules_known,
            ct.dso_availability,
            float(p["urgency_horizon_months"]),
            float(p["post_entry_urgency"]),
            float(p["dso_uncertainty_weight"]),
        )
        st.dso_availability = float(ct.dso_availability[k])
        return
    st.urgency = urgency.national_urgency(ct, k, p)
    st.dso_availability = float(ct.dso_availability[k])
    st.clarity = strategy.national_clarity(st.credibility, ct.rules_known[k], st.dso_availability)


def _strategy(model: GovernanceModel, month: Month) -> None:
    st, ct, p, k = model.state, model.compiled, model.params, month.k
    date = model.calendar.date_of(k)
    if model.backend == "numba":
        (youth, n_youth), (od, n_od) = (model.municipalities.region_of(d) for d in (0, 1))
        ran, new, ready, changes = fused_strategy.strategy_month(
            k,
            date.month == 1,
            ct.election,
            ct.postponements,
            ct.known_step,
            ct.completion_step,
            month.known,
            month.new_secretary,
            model.levers.strategy,
            model.secretaries.role,
            model.secretaries.regisseur,
            fused_strategy.DISPOSITION,
            fused_strategy.CONSTANTS,
            model.colleges.attention,
            st.capacity,
            st.cooperation,
            float(p["pooling_gain"]),
            st.clarity,
            model.levers["dso_lobby"],
            st.urgency,
            youth,
            n_youth,
            od,
            n_od,
            st.experience,
            st.transformation,
            float(p["wait_threshold"]),
            float(p["front_run_threshold"]),
            model.levers["start_early"],
            st.strategy,
            st.readiness,
            st.strategy_changes,
        )
        if not ran:
            return
        st.readiness = ready
        for m, d, a, b, c in changes.tolist():  # row-major order, as below
            model.log_event(
                m,
                "strategy_change",
                domain=DOMAINS[d],
                from_strategy=STRATEGIES[a],
                to_strategy=STRATEGIES[b],
                cause=fused_strategy.CAUSES[c],
            )
        st.strategy = new
        return
    postponed = ct.postponements[k] > ct.postponements[k - 1]
    national = strategy.review_due(
        k, ct.known_step, ct.completion_step, date.month == 1, postponed, bool(ct.election[k])
    )
    open_ = month.known & (k < ct.completion_step)
    due = national[None, :] | (month.new_secretary[:, None] & open_[None, :])
    fixed = np.where(month.known[None, :], model.levers.strategy, -1)
    if not due.any() and not (fixed >= 0).any():
        return
    mun = model.municipalities
    regions = (mun.region_of(0), mun.region_of(1))
    ready = strategy.readiness_to_act(
        model.secretaries.role,
        model.secretaries.regisseur,
        model.colleges.attention,
        transition.pooled_capacity(st.capacity, st.cooperation, p["pooling_gain"]),
        strategy.municipal_clarity(st.clarity, model.levers["dso_lobby"]),
        st.urgency,
        strategy.neighbours_acting(st.strategy, regions),
        np.maximum(st.experience, st.transformation[:, 0]),
    )
    chosen = strategy.choose_strategy(
        ready, p["wait_threshold"], p["front_run_threshold"], model.levers["start_early"]
    )
    new = strategy.revise_strategy(st.strategy, chosen, due, fixed)
    st.readiness = np.where(due, ready, st.readiness)
    cause = "task_known" if (k == ct.known_step).any() else "review"
    if postponed.any():
        cause = "postponement"
    elif ct.election[k]:
        cause = "election"
    rows, doms = np.nonzero((new != st.strategy) & month.known[None, :])  # row-major order
    was, now = st.strategy[rows, doms], new[rows, doms]
    if len(rows):
        np.add.at(st.strategy_changes, (doms, was, now), 1)
    national_d, known_d = national.tolist(), ct.known_step.tolist()
    for m, d, a, b, appointed, scenario in zip(
        rows.tolist(),
        doms.tolist(),
        was.tolist(),
        now.tolist(),
        month.new_secretary[rows].tolist(),
        (fixed[rows, doms] >= 0).tolist(),
        strict=True,
    ):
        why = "new_secretary" if appointed and not national_d[d] else cause
        if k == known_d[d]:
            why = "task_known"
        model.log_event(
            m,
            "strategy_change",
            domain=DOMAINS[d],
            from_strategy=STRATEGIES[a],
            to_strategy=STRATEGIES[b],
            cause="scenario" if scenario else why,
        )
    st.strategy = new


def _attention(model: GovernanceModel, month: Month) -> None:
    st, p = model.state, model.params
    if model.backend == "numba":
        fused_pressures.attention_month(
            st.strategy,
            month.known,
            st.urgency,
            model.levers["coach_college"],
            model.colleges.attention,
            model.colleges.engagement,
            model.councils.attention,
            model.councils.engagement,
            model.colleges.incident_pressure,
            model.colleges.risk_aversion,
            p["attention_renewal"],
            p["attention_decay"],
        )
        return
    agenda = strategy.strategy_agenda(st.strategy, month.known)
    coach = model.levers["coach_college"]
    drives = (
        urgency.attention_drive(st.urgency, agenda, coach, month.known),
        urgency.attention_drive(
            st.urgency, agenda, urgency.COACHED_COUNCIL_SHARE * coach, month.known
        ),
    )
    # incidents are public: college and council both react, with the college's risk aversion
    for body, drive in zip((model.colleges, model.councils), drives, strict=True):
        urgency.update_attention(
            body.attention,
            body.engagement,
            drive,
            model.colleges.incident_pressure,
            model.colleges.risk_aversion,
            p,
        )


def _budget(model: GovernanceModel, month: Month) -> None:
    st, ct, p, k = model.state, model.compiled, model.params, month.k
    if model.backend == "numba":
        social_months = k - int(ct.entry_step[k, 0])
        physical_open = bool(month.known[1]) and k <= int(ct.completion_step[1])
        rates = fused_pressures.budget_month(
            st.budget,
            st.budget_sensitivity,
            st.transformation,
            model.levers["data_driven"],
            month.known,
            model.shock_level[k],
            p["social_budget_cut"],
            fused_pressures.social_deficit(social_months, p["deficit_growth_per_year"]),
            social_months >= 0,
            p["physical_implementation_cost"] if physical_open else 0.0,
            st.specialists,
            st.transition,
            model.municipalities.population,
            month.in_force,
            p["incident_rate"],
        )
        incidents = model.streams["incidents"].poisson(rates)
        fused_pressures.incident_month(
            model.colleges.incident_pressure,
            incidents,
            p["physical_risk_weight"],
            st.incidents_total,
        )
        return
    months_in_force = (k - ct.entry_step[k]).astype(np.float64)
    target = budget.budget_target(
        months_in_force,
        month.known,
        k <= ct.completion_step,
        st.transformation,
        model.shock_level[k],
        p,
        model.levers["data_driven"],
    )
    budget.update_budget_pressure(st.budget, target, st.budget_sensitivity)
    gap = (1.0 - transition.specialist_factor(st.specialists)) / (1.0 - transition.SPECIALIST_FLOOR)
    incidents = budget.draw_incidents(
        st.transition,
        month.in_force,
        model.municipalities.population,
        p,
        model.streams["incidents"],
        gap,
    )
    budget.update_incident_pressure(
        model.colleges.incident_pressure, incidents, p["physical_risk_weight"]
    )
    st.incidents_total += incidents.sum(axis=0)


def _cooperation(model: GovernanceModel, month: Month) -> None:
    st, mun = model.state, model.municipalities
    if model.backend == "numba":
        p = model.params
        fused_pressures.cooperation_month(
            st.cooperation,
            st.urgency,
            st.capacity,
            model.secretaries.role,
            *mun.region_of(0),
            *mun.region_of(1),
            model.compiled.cooperation_floor[month.k],
            p["cooperation_formation"],
            p["cooperation_decay"],
            p["regional_coupling"],
        )
        return
    cooperation.form_regional_cooperation(
        st.cooperation,
        st.urgency,
        st.capacity,
        np.asarray(ROLE_COOPERATION)[model.secretaries.role],
        (mun.region_of(0), mun.region_of(1)),
        model.compiled.cooperation_floor[month.k],
        model.params,
    )


def _secretary_attention(model: GovernanceModel, month: Month) -> None:
    st, p, lv = model.state, model.params, model.levers
    if model.backend == "numba":
        n = model.municipalities.n
        st.secretary_split, st.attention = np.empty((n, 4)), np.empty((n, 2))
        fused_transition.secretary_attention(
            st.urgency,
            st.strategy,
            month.known,
            model.secretaries.role,
            lv["link_organisation_change"],
            lv["dso_lobby"],
            lv["coach_college"],
            model.colleges.attention,
            model.secretaries.regisseur,
            p["regisseur_bonus"],
            transition.OUTSIDE_WEIGHT,
            fused_transition.ROLE_EXAMPLE,
            fused_transition.AGENDA,
            st.secretary_split,
            st.attention,
        )
        return
    example = model.role_example()
    link = example + (1.0 - example) * lv["link_organisation_change"]
    st.secretary_split = transition.secretary_attention_split(
        st.urgency,
        strategy.strategy_agenda(st.strategy, month.known),
        link,
        lv["dso_lobby"] + lv["coach_college"],
    )
    st.attention = transition.organisational_attention(
        model.colleges.attention,
        st.secretary_split,
        model.secretaries.regisseur,
        p["regisseur_bonus"],
    )


def _transition(model: GovernanceModel, month: Month) -> None:
    st, ct, p, lv, k = model.state, model.compiled, model.params, model.levers, month.k
    if model.backend == "numba":
        n, c = st.instruments.shape
        transition4 = st.transition**4  # numpy's pow, as `transition.transition_effort`'s
        st.instrument_pressure, st.time_pressure = np.empty((n, c)), np.empty((n, 2))
        st.transition_effort, st.work, st.transition = (
            np.empty((n, 2)),
            np.empty((n, c)),
            np.empty((n, 2)),
        )
        month.started, month.intensity = np.empty((n, 2)), np.empty((n, c))
        fused_transition.transition_month(
            st.capacity,
            st.cooperation,
            st.specialists,
            lv["integrality"],
            lv["transformation_first"],
            lv["data_driven"],
            lv["dso_lobby"],
            st.attention,
            st.strategy,
            transition4,
            st.instruments,
            st.dso_preparation,
            st.credibility,
            month.known,
            month.in_force,
            ct.rules_known[k],
            ct.entry_step[k],
            ct.completion_step,
            k,
            st.dso_availability,
            p["pooling_gain"],
            p["integrality_complexity"],
            p["transition_rate"],
            p["transition_focus_base"],
            p["prepare_effort"],
            p["dso_connect_rate"],
            p["rules_share"],
            fused_transition.LAYOUT,
            fused_transition.POOLING_SHARE,
            fused_transition.ASSUMED,
            fused_transition.CODES,
            st.instrument_pressure,
            st.time_pressure,
            st.transition_effort,
            month.started,
            month.intensity,
            st.work,
            st.transition,
        )
        return
    capacity = transition.instrument_capacity(
        st.capacity,
        st.cooperation,
        p["pooling_gain"],
        transition.specialist_factor(st.specialists),
        transition.complexity_factor(lv["integrality"], p["integrality_complexity"]),
    )
    due = transition.due_steps(ct.entry_step[k], ct.completion_step)
    rate = p["transition_rate"]
    st.instrument_pressure = transition.instrument_pressure(
        st.instruments, capacity, due, k, rate, month.known
    )
    st.time_pressure = transition.time_pressure(st.instrument_pressure, st.credibility)
    st.transition_effort = transition.transition_effort(
        st.transition, st.time_pressure, p["transition_focus_base"], lv["transformation_first"]
    )
    rules = ct.rules_known[k]
    waited_for = np.array([rules[0], rules[1] and st.dso_availability > 0.0])
    ready = strategy.ready_to_start(waited_for, month.in_force)
    month.started = strategy.started(st.strategy, ready, month.known)
    month.intensity = strategy.transition_intensity(
        st.strategy, st.instrument_pressure, ready, p["prepare_effort"]
    )
    share = (st.attention * st.transition_effort)[:, DOMAIN_OF]
    st.work = share * month.intensity * month.known[DOMAIN_OF][None, :]
    transition.prepare_dso(
        st.dso_preparation,
        capacity[:, DSO_INDEX],
        st.work[:, DSO_INDEX],
        p["dso_connect_rate"],
        lv["data_driven"] + lv["dso_lobby"],
    )
    connection = st.instruments[:, DSO_INDEX]
    transition.connect_dso(
        connection,
        capacity[:, DSO_INDEX],
        st.work[:, DSO_INDEX],
        st.dso_preparation,
        st.dso_availability,
        p["dso_connect_rate"],
    )
    st.instruments[:, DSO_INDEX] = connection
    transition.produce_instruments(
        st.instruments,
        capacity,
        st.work,
        transition.instrument_ceiling(rules, p["rules_share"]),
        rate,
        skip=DSO_INDEX,
    )
    st.update_transition()


def _staff(model: GovernanceModel, month: Month) -> None:
    st, p, lv = model.state, model.params, model.levers
    if model.backend == "numba":
        sf = model.staff
        draw = model.streams["staff"].random(sf.n)  # adopt_and_revert's draw
        model.team_adoption = fused_staff.staff_month(
            st.work,
            LEARNING,
            fused_staff.DOMAIN_OF,
            fused_staff.COUNT_PER_DOMAIN,
            st.transition_effort,
            st.attention,
            month.started,
            st.secretary_split,
            model.secretaries.role,
            fused_staff.ROLE_EXAMPLE,
            model.compiled.joint_training[month.k],
            month.known,
            lv["integrality"],
            model.team_adoption,
            sf.municipality,
            sf.domain,
            sf.competence,
            sf.readiness,
            sf.resister,
            sf.generalist,
            sf.workload,
            sf.adopted,
            sf.adoptions,
            draw,
            fused_staff.params_vector(p),
            fused_staff.CONSTANTS,
        )
        return
    load = staff_learning.instrument_load(st.work, LEARNING, p["instrument_learning"])
    transition_work = instrument_mean(load)
    transformation_work = (1.0 - st.transition_effort) * st.attention * month.started
    team_input = staff_learning.learning_input(
        transformation_work,
        transition.organisation_change(st.secretary_split),
        model.role_example(),
        model.compiled.joint_training[month.k],
        p,
        instrument_mean(st.work * LEARNING[None, :]),
    )
    spill = staff_learning.mixed_spillover(p["organisation_spillover"], lv["integrality"])
    team_input = staff_learning.spread_organisation_change(team_input, month.known, spill)
    peers = staff_learning.peer_share(model.team_adoption, spill)
    rng = model.streams["staff"]
    staff_learning.update_workload(model.staff, transition_work, p["implementation_load"])
    staff_learning.train_staff(model.staff, team_input, peers, p)
    staff_learning.adopt_and_revert(model.staff, p, rng)
    model.team_adoption = staff_learning.team_adoption(model.staff, model.municipalities.n)


def _citizens(model: GovernanceModel, month: Month) -> None:
    st, p = model.state, model.params
    if model.backend == "numba":
        ci, cn, rng = model.citizens, model.councils, model.streams["citizens"]
        vector = fused_citizens.params_vector(p)
        month.openness = np.empty_like(st.time_pressure)
        counts = np.empty((5, *st.time_pressure.shape))  # the ParticipationOutcome's five
        who = np.empty(ci.n, dtype=np.int64)
        taking_part = fused_citizens.take_part(
            st.steering,
            st.time_pressure,
            month.known,
            ci.municipality,
            ci.interest,
            ci.capacity,
            ci.trust,
            ci.willingness,
            ci.fatigue,
            ci.participating,
            rng.random(ci.n),
            vector,
            month.openness,
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
            month.openness,
            st.practice_breadth,
            st.practice_quality,
            st.instruments,
            fused_citizens.VISION_COLUMNS,
            cn.reopen_tendency,
            cn.trust_in_citizens,
            cn.steering,
            cn.attention,
            model.colleges.incident_pressure,
            st.transition,
            vector,
            fused_citizens.RATES,
            counts,
        )
        model.last_participation = participation.ParticipationOutcome(*counts)
        return
    open_ = participation.openness(st.steering, st.time_pressure, p["time_pressure_closure"])
    month.openness = open_ * month.known[None, :]
    vision = st.instruments[:, [ACCESS_INDEX, VISION_INDEX]]
    model.last_participation = participation.participate(
        model.citizens,
        month.openness,
        model.councils.reopen_tendency,
        model.councils.trust_in_citizens,
        model.councils.steering,
        p,
        model.streams["citizens"],
        participation.society_plan_legitimacy(st.practice_breadth, vision),
    )
    participation.update_practice(
        st.practice_quality, st.practice_breadth, model.last_participation
    )
    participation.update_council_trust(model.councils.trust_in_citizens, model.last_participation)
    council.update_council_steering(
        model.councils.steering,
        model.councils.attention,
        model.colleges.incident_pressure,
        p["council_grip"],
        incident_grip=p["incident_grip"],
        frameworks=st.transition,
        release=p["framework_release"],
    )


def _transformation(model: GovernanceModel, month: Month) -> None:
    st = model.state
    if model.backend == "numba":
        out = np.empty_like(st.practice_quality)
        fused_steering.transformation_progress(
            model.team_adoption,
            st.practice_quality,
            st.practice_breadth,
            model.params["adoption_weight"],
            out,
        )
        st.transformation = out
        return
    st.transformation = transformation.transformation_progress(
        model.team_adoption[:, :2],
        st.practice_quality * st.practice_breadth,
        model.params["adoption_weight"],
    )


def _steering(model: GovernanceModel, month: Month) -> None:
    st, ct, p, lv, k = model.state, model.compiled, model.params, model.levers, month.k
    if model.backend == "numba":
        month.expected = st.plan = np.empty(2)
        changes = np.empty((2 * len(st.steering), 5), dtype=np.int64)
        count = fused_steering.steering_month(
            k,
            ct.known_step,
            ct.entry_step[k],
            ct.completion_step,
            fused_steering.DUE_AT_ENTRY,
            fused_steering.DOMAIN_OF,
            month.known,
            st.transition,
            st.time_pressure,
            st.cooperation,
            model.colleges.incident_pressure,
            st.budget,
            st.subversion_exposure,
            month.openness,
            lv["coach_college"],
            lv["transformation_first"],
            model.secretaries.desired_mix,
            model.colleges.stance,
            fused_steering.COLLEGE_MIXES,
            p["time_pressure_legal_pull"],
            p["regional_legal_pull"],
            p["incident_pull"],
            p["subversion_pull"],
            p["slow_progress_pull"],
            p["deficit_pull"],
            p["secretary_steering_weight"],
            p["steering_adapt_rate"],
            steering.COACHED_PATIENCE,
            steering.PRE_TASK_DRIFT,
            st.steering,
            month.expected,
            st.mode_changes,
            changes,
        )
        for m, d, a, b, c in changes[:count].tolist():
            model.log_event(
                m,
                "mode_change",
                domain=DOMAINS[d],
                from_mode=MODES[a],
                to_mode=MODES[b],
                cause=fused_steering.CAUSES[c],
            )
        return
    month.expected = transition.expected_transition(
        ct.known_step, ct.entry_step[k], ct.completion_step, k
    )
    st.plan = month.expected
    pulls = steering.steering_pulls(
        st.time_pressure,
        st.cooperation,
        model.colleges.incident_pressure,
        steering.progress_lag(month.expected, st.transition, month.known),
        st.budget,
        p,
        steering.subversion_pressure(st.subversion_exposure, month.openness),
        lv["coach_college"],
    )
    preferred = steering.preferred_mix(
        model.secretaries.desired_mix,
        college_mix(model.colleges.stance),
        p["secretary_steering_weight"],
        lv["coach_college"],
    )
    before = st.steering.argmax(axis=2)
    steering.drift_steering(
        st.steering,
        steering.steering_target(preferred, pulls),
        steering.adapt_rate(p["steering_adapt_rate"], lv["transformation_first"]),
        month.known,
    )
    after = st.steering.argmax(axis=2)
    rows, doms = np.nonzero(before != after)  # row-major order
    was, now = before[rows, doms], after[rows, doms]
    if len(rows):
        np.add.at(st.mode_changes, (doms, was, now), 1)
    for m, d, a, b in zip(rows.tolist(), doms.tolist(), was.tolist(), now.tolist(), strict=True):
        model.log_event(
            m,
            "mode_change",
            domain=DOMAINS[d],
            from_mode=MODES[a],
            to_mode=MODES[b],
            cause=steering.change_cause(b, pulls, m, d),
        )


def _satisfaction(model: GovernanceModel, month: Month) -> None:
    st, ct, p, k = model.state, model.compiled, model.params, month.k
    sec = model.secretaries
    if model.backend == "numba":
        fused_steering.satisfaction_month(
            k,
            st.transition,
            month.expected,
            st.transformation,
            model.colleges.incident_pressure,
            st.budget,
            p["satisfaction_base"],
            p["progress_satisfaction_weight"],
            month.in_force,
            st.credibility,
            p["postponement_criticism"],
            satisfaction.TRANSFORMATION_WEIGHT,
            month.known,
            p["satisfaction_rate"],
            ct.entry_step[k],
            sec.satisfaction,
            sec.satisfaction_at_entry,
        )
        return
    target = satisfaction.satisfaction_target(
        st.transition,
        month.expected,
        st.transformation,
        model.colleges.incident_pressure,
        st.budget,
        p["satisfaction_base"],
        p["progress_satisfaction_weight"],
        month.in_force,
        st.credibility,
        p["postponement_criticism"],
    )
    satisfaction.update_satisfaction(sec.satisfaction, target, month.known, p["satisfaction_rate"])
    for d in range(2):
        if k == ct.entry_step[k][d]:
            sec.satisfaction_at_entry[:, d] = sec.satisfaction[:, d]


def _observation(model: GovernanceModel, month: Month) -> None:
    if not model.collect:
        return
    model.indicators = compute_indicators(model)
    model.datacollector.collect(model)


# ------------------------------------------------------------------------------ the month
MONTH: tuple[SubStep, ...] = (
    SubStep(
        "institutional events",
        ("P11", "tenure"),
        (
            "SecretaryArrays.replace",
            "talks_choices",
            "Council.hold_elections",
            "College.form_coalitions",
        ),
        ("parameters", "scenario coalition choices", "lever use_elections", "desired mix"),
        (
            "secretaries (role, desires, mix, stance, appointment)",
            "council attention, trust, reopen tendency, grip",
            "college attention, stance",
            "event log",
        ),
        _institutional_events,
    ),
    SubStep(
        "urgency and clarity",
        ("P4", "P9"),
        ("deadline_credibility", "national_urgency", "national_clarity"),
        ("timeline (deadlines, postponements, national rules, DSO)",),
        ("credibility", "urgency", "dso_availability", "clarity"),
        _urgency,
    ),
    SubStep(
        "strategy",
        ("P4", "P9", "heterogeneity"),
        (
            "review_due",
            "readiness_to_act",
            "pooled_capacity",
            "municipal_clarity",
            "neighbours_acting",
            "choose_strategy",
            "revise_strategy",
        ),
        (
            "role, regisseur",
            "college attention (prev)",
            "capacity, cooperation (prev)",
            "clarity, urgency",
            "strategy (prev)",
            "experience, transformation (prev)",
            "levers start_early, dso_lobby, fixed strategies",
        ),
        ("strategy", "readiness", "strategy_changes", "event log"),
        _strategy,
    ),
    SubStep(
        "college and council attention",
        ("P4", "P11"),
        ("strategy_agenda", "attention_drive", "update_attention"),
        (
            "urgency",
            "strategy",
            "lever coach_college",
            "engagement",
            "college incident_pressure (prev), risk_aversion",
        ),
        ("college attention", "council attention"),
        _attention,
    ),
    SubStep(
        "budget and incidents",
        ("P3",),
        (
            "budget_target",
            "update_budget_pressure",
            "specialist_factor",
            "draw_incidents",
            "update_incident_pressure",
        ),
        (
            "months in force",
            "transformation (prev)",
            "budget shocks",
            "lever data_driven",
            "specialists",
            "transition (prev)",
        ),
        ("budget", "college incident_pressure", "incidents_total"),
        _budget,
    ),
    SubStep(
        "regional cooperation",
        ("P5",),
        ("form_regional_cooperation", "region_mean"),
        ("urgency", "capacity", "secretary role", "regions", "policy floor"),
        ("cooperation",),
        _cooperation,
    ),
    SubStep(
        "secretary's attention",
        ("P8",),
        ("strategy_agenda", "secretary_attention_split", "organisational_attention"),
        (
            "urgency",
            "strategy",
            "role",
            "levers link_organisation_change, dso_lobby, coach_college",
            "college attention",
            "regisseur",
        ),
        ("secretary_split", "attention"),
        _secretary_attention,
    ),
    SubStep(
        "transition: the instruments",
        ("P1", "P5", "P8", "P9"),
        (
            "specialist_factor",
            "complexity_factor",
            "instrument_capacity",
            "due_steps",
            "instrument_pressure",
            "time_pressure",
            "transition_effort",
            "ready_to_start",
            "started",
            "transition_intensity",
            "prepare_dso",
            "connect_dso",
            "instrument_ceiling",
            "produce_instruments",
        ),
        (
            "instruments (prev)",
            "capacity, cooperation, specialists",
            "levers integrality, transformation_first, data_driven, dso_lobby",
            "deadlines, national rules, DSO availability",
            "credibility",
            "strategy",
            "attention",
        ),
        (
            "instrument_pressure",
            "time_pressure",
            "transition_effort",
            "work",
            "dso_preparation",
            "instruments",
            "transition",
        ),
        _transition,
    ),
    SubStep(
        "staff",
        ("P1", "P6"),
        (
            "instrument_load",
            "update_workload",
            "learning_input",
            "organisation_change",
            "mixed_spillover",
            "spread_organisation_change",
            "peer_share",
            "train_staff",
            "adopt_and_revert",
            "team_adoption",
        ),
        (
            "work",
            "started",
            "transition_effort",
            "attention",
            "secretary_split",
            "role",
            "joint training",
            "lever integrality",
            "team_adoption (prev)",
        ),
        ("staff workload, readiness, adopted, adoptions", "team_adoption"),
        _staff,
    ),
    SubStep(
        "citizens and council",
        ("P2", "P10"),
        (
            "openness",
            "society_plan_legitimacy",
            "participate",
            "update_practice",
            "update_council_trust",
            "update_council_steering",
        ),
        (
            "steering (prev)",
            "time_pressure",
            "practice_breadth (prev)",
            "omgevingsvisie, access_teams",
            "council reopen_tendency, trust_in_citizens, steering (prev), attention",
            "college incident_pressure",
            "transition (the frameworks set)",
        ),
        (
            "citizens' trust, fatigue, willingness, counters",
            "last_participation",
            "practice_quality, practice_breadth",
            "council trust_in_citizens, steering",
        ),
        _citizens,
    ),
    SubStep(
        "transformation",
        ("emergent",),
        ("transformation_progress",),
        ("team_adoption", "practice_quality, practice_breadth"),
        ("transformation",),
        _transformation,
    ),
    SubStep(
        "steering",
        ("P2", "P3", "P5", "P8"),
        (
            "expected_transition",
            "progress_lag",
            "subversion_pressure",
            "steering_pulls",
            "college_mix",
            "preferred_mix",
            "steering_target",
            "adapt_rate",
            "drift_steering",
            "change_cause",
        ),
        (
            "time_pressure",
            "cooperation",
            "incident_pressure",
            "transition",
            "budget",
            "subversion_exposure, openness",
            "desired mix, college stance",
            "levers coach_college, transformation_first",
        ),
        ("plan", "steering", "mode_changes", "event log"),
        _steering,
    ),
    SubStep(
        "satisfaction",
        ("P7",),
        ("satisfaction_target", "update_satisfaction"),
        (
            "transition",
            "plan",
            "credibility",
            "transformation",
            "incident_pressure",
            "budget",
        ),
        ("secretary satisfaction, satisfaction_at_entry",),
        _satisfaction,
    ),
    SubStep(
        "observation",
        ("output",),
        ("compute_indicators",),
        ("everything",),
        ("govsim.model.indicators", "one row of the national series"),
        _observation,
    ),
)
"""The month, in the order `GovernanceModel.step` runs it."""
