"""Capacity, attention, effort and the production of the instruments (P1, P5, P8, P9).

A domain's transition is the mean progress of its instruments (`model.instruments`): each has
its own deadline, national precondition, regional pooling and need for specialists.
"""

from __future__ import annotations

import numpy as np

from govsim.model.instruments import (
    DOMAIN_OF,
    DUE_AT_ENTRY,
    NEEDS_RULES,
    PLAN_INDEX,
    POOLING,
    SPECIALIST,
    VISION_INDEX,
    domain_mean,
)
from govsim.model.ufuncs import clip

ORGANISATION_CHANGE_SCALE = 3.0
"""An organisation-wide change reaches full strength when a third of the secretary's attention
goes to it (`organisation_change`). Assumption."""
OUTSIDE_WEIGHT = 0.3
"""Weight of the secretary's work outside the organisation (the DSO lobby, coaching the
college) in the attention split, per unit of each lever: time the domains do not get (report
§4.3 "De invoering van het DSO geniet daarom veel aandacht van de gemeentesecretarissen").
Assumption."""
SPECIALIST_NEED = 0.5
"""Share of specialists a team needs for specialist work at full speed (report §4.4 "veel
vragen zo specialistisch zijn dat een generalist niet alle noodzakelijke kennis daarvoor
bezit"). Assumption."""
SPECIALIST_FLOOR = 0.5
"""Speed of specialist work in a team without specialists: generalists do part of it.
Assumption."""
VISION_FIRST = 0.5
"""Speed of work on the omgevingsplan before there is an omgevingsvisie, relative to after:
"Formuleer een visie ... De visie moet leidend zijn. Vervolgens kun je de visie vertalen in wet-
en regelgeving" (report §4.2). Assumption."""
DSO_PREPARED_BASE = 0.5
"""Speed of connecting to the DSO for a municipality that has not prepared its municipal line,
relative to a fully prepared one (report §4.3: the municipal line is how municipalities "nu al
kunnen anticiperen op het digitale stelsel"). Assumption."""


def capacity_from_population(population: np.ndarray) -> np.ndarray:
    """Implementation capacity (M,) in [0.25, 1] growing with the log of population.

    Small municipalities lack the specialist capacity of large ones and pool it regionally
    (report §2.3: "Veel kleinere en middelgrote gemeenten hebben inkoop voor de 3D's gezamenlijk
    georganiseerd"). Shape assumed: 0.6 at 20,000 inhabitants, +0.25 per tenfold.
    """
    return np.clip(0.6 + 0.25 * np.log10(population / 20_000.0), 0.25, 1.0)


def pooled_capacity(capacity: np.ndarray, cooperation: np.ndarray, gain: float) -> np.ndarray:
    """Capacity (M, 2) including what regional cooperation adds: most for small municipalities.

    Report §4.5 (Alblasserdam in the Drechtsteden): "kan ... goed gebruikmaken van de expertise
    van haar buurtgemeenten. In geval van complexe zaken, zoals de invoering van het digitale
    stelsel ... is dat een enorm voordeel" (P5).
    """
    c = capacity[:, None]
    return c + gain * cooperation * (1.0 - c)


def specialist_factor(specialist_share: np.ndarray) -> np.ndarray:
    """Speed (M, 2) of specialist work given the share of specialists in each domain's team.

    Report §4.4 and §5.5: "De noodzaak om bepaalde specialismen te behouden (binnen de brede
    blik) blijft dus aanwezig"; the 3D needed "stevige onderhandelaars" for procurement. Full
    speed from `SPECIALIST_NEED` on, `SPECIALIST_FLOOR` without specialists.
    """
    enough = np.minimum(1.0, specialist_share / SPECIALIST_NEED)
    return SPECIALIST_FLOOR + (1.0 - SPECIALIST_FLOOR) * enough


def complexity_factor(integrality: np.ndarray, cost: float) -> np.ndarray:
    """Share (M,) of transition production left after coordinating integral work.

    Report §3.3: "Nog meer integraliteit dan in de bestaande situatie leidt tot te grote
    complexiteit"; lesson 5 "maak het niet te complex" (§5.5). ``cost`` (parameter
    ``integrality_complexity``) is the loss at full integrality; it grows with its square.
    """
    return 1.0 - cost * np.asarray(integrality) ** 2


def instrument_capacity(
    capacity: np.ndarray,
    cooperation: np.ndarray,
    pooling_gain: float,
    specialists: np.ndarray,
    complexity: np.ndarray,
) -> np.ndarray:
    """Capacity (M, n_instruments) for each instrument.

    The municipality's capacity, pooled regionally as far as the instrument allows
    (`model.instruments` ``pooling`` × ``pooling_gain`` × the domain's cooperation; report
    §4.5), slowed where specialist work lacks specialists (`specialist_factor`) and by the
    coordination cost of integral work (`complexity_factor`).
    """
    c = capacity[:, None]
    coop = cooperation[:, DOMAIN_OF]
    pooled = c + pooling_gain * POOLING[None, :] * coop * (1.0 - c)
    spec = np.where(SPECIALIST[None, :], specialists[:, DOMAIN_OF], 1.0)
    return pooled * spec * complexity[:, None]


def due_steps(entry_step: np.ndarray, completion_step: np.ndarray) -> np.ndarray:
    """Deadline (n_instruments,) of each instrument: the announced entry or the completion."""
    return np.where(DUE_AT_ENTRY, entry_step[DOMAIN_OF], completion_step[DOMAIN_OF])


def instrument_pressure(
    progress: np.ndarray,
    capacity: np.ndarray,
    due: np.ndarray,
    step: int,
    rate: float,
    known: np.ndarray,
) -> np.ndarray:
    """Time pressure (M, n_instruments): pace needed to finish by the deadline vs. achievable.

    Report §3.3 and Kader 10: for the 3D "De termijn voor de invoering was ... te krap"; time
    pressure "dwong gemeenten te starten met de transitie" (P1). After the deadline, remaining
    gaps must be closed within a year. Zero before the task is known.
    """
    months = (due - step).astype(np.float64)
    months = np.where(months > 0, months, 12.0)
    required = (1.0 - progress) / months[None, :]
    pressure = clip(required / (rate * capacity), 0.0, 1.0)
    return pressure * np.asarray(known, dtype=np.float64)[DOMAIN_OF][None, :]


def time_pressure(pressure: np.ndarray, credibility: np.ndarray) -> np.ndarray:
    """Felt time pressure (M, 2): the mean of the domain's instruments' pressure.

    Scaled by the deadline's credibility: a postponed deadline presses less (Kader 10).
    """
    return domain_mean(pressure) * np.asarray(credibility)[None, :]


def secretary_attention_split(
    urgency: np.ndarray, agenda: np.ndarray, link: np.ndarray, outside: np.ndarray
) -> np.ndarray:
    """Secretary's attention (M, 4) over social, physical, organisation change and outside work.

    A domain gets attention by its urgency or by the organisation's own strategy (``agenda``
    (M, 2), `strategy.strategy_agenda`), whichever is larger. Secretaries who link the
    decentralisations to organisation change give that link a larger share (``link`` (M,): the
    role's example and lesson 2, report §1.8, §5.5 "koppel de decentralisaties aan de al
    ingezette organisatieveranderingen"). Lobbying and coaching (``outside`` (M,)) take time
    the domains do not get (`OUTSIDE_WEIGHT`).
    """
    drive = np.maximum(np.asarray(urgency)[None, :], agenda)
    weights = np.column_stack(
        [0.1 + drive[:, 0], 0.1 + drive[:, 1], 0.2 + 0.6 * link, OUTSIDE_WEIGHT * outside]
    )
    return weights / weights.sum(axis=1, keepdims=True)


def organisational_attention(
    college_attention: np.ndarray,
    secretary_split: np.ndarray,
    regisseur: np.ndarray,
    bonus: float,
) -> np.ndarray:
    """Attention (M, 2) the organisation gives each domain: college and secretary together.

    A secretary who directs the implementation (regisseur) adds ``bonus``; most act as coach or
    adviser instead (report §3.2, §5.3: improvement point "het invullen van de rol van regisseur
    in de transitie, in plaats van coach-adviseur in de tweede lijn").
    """
    secretary = np.minimum(1.0, 2.0 * secretary_split[:, :2])
    att = 0.5 * college_attention + 0.5 * secretary
    return clip(att * (1.0 + bonus * regisseur[:, None]), 0.0, 1.0)


def organisation_change(secretary_split: np.ndarray) -> np.ndarray:
    """Strength (M,) of the organisation-wide change: the secretary's attention to it.

    Full at a third of that attention (`ORGANISATION_CHANGE_SCALE`; report §2.1 "een
    organisatieveranderingstraject").
    """
    return np.minimum(1.0, ORGANISATION_CHANGE_SCALE * secretary_split[:, 2])


def transition_effort(
    transition: np.ndarray,
    pressure: np.ndarray,
    focus_base: float,
    transformation_first: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Share of a domain's work (M, 2) going to transition rather than transformation (P1, P8).

    Report §3.2: secretaries see transformation as the main task, "maar veelal ligt de focus in
    de organisatie nog op de transitie"; time pressure pushes effort further to transition
    (report §3.3, Kader 10). Steering on the transformation from the start (lesson 1, lever
    ``transformation_first`` (M,)) lowers the share the transition takes when the deadline
    does not press. Once the transition is nearly done, effort turns to transformation.
    """
    focus = focus_base * (1.0 - np.asarray(transformation_first, dtype=np.float64))
    focus = np.reshape(focus, (-1, 1)) if np.ndim(focus) else focus
    share = focus + (1.0 - focus) * pressure
    return clip(share, 0.0, 1.0) * (1.0 - transition**4)


def instrument_ceiling(rules_known: np.ndarray, rules_share: float) -> np.ndarray:
    """Most progress (n_instruments,) each instrument can reach this month.

    Before the national rules are final, ``1 - rules_share`` for a rules-dependent instrument
    (report Kader 10 "Onzekerheid ten aanzien rijkseisen"; the 3D's contracts and budgets waited
    for the 2014 laws and the May circular), 1 otherwise. The DSO connection has its own limit
    (`connect_dso`).
    """
    waiting = NEEDS_RULES & ~np.asarray(rules_known, dtype=bool)[DOMAIN_OF]
    return np.where(waiting, 1.0 - rules_share, 1.0)


def produce_instruments(
    progress: np.ndarray,
    capacity: np.ndarray,
    work: np.ndarray,
    ceiling: np.ndarray,
    rate: float,
    skip: int | None = None,
) -> None:
    """Advance the instruments' progress (M, n_instruments) in place (report Kader 2, §1.3).

    Production is ``rate`` × capacity × work on the remaining part, up to the instrument's
    ceiling (`instrument_ceiling`). The omgevingsplan follows the omgevingsvisie
    (`VISION_FIRST`). ``skip``: an instrument advanced elsewhere (the DSO connection).
    """
    gain = rate * capacity * work * (1.0 - progress)
    gain[:, PLAN_INDEX] *= VISION_FIRST + (1.0 - VISION_FIRST) * progress[:, VISION_INDEX]
    if skip is not None:
        gain[:, skip] = 0.0
    progress += gain
    np.minimum(progress, ceiling[None, :], out=progress)
    clip(progress, 0.0, 1.0, out=progress)


def prepare_dso(
    preparation: np.ndarray,
    capacity: np.ndarray,
    work: np.ndarray,
    rate: float,
    boost: np.ndarray,
) -> None:
    """Prepare the municipal line of the DSO (M,) in place, also before the system is there.

    Report §4.3: "De gemeentelijke lijn voltrekt zich bij gemeenten en richt zich op de manier
    waarop zij nu al kunnen anticiperen op het digitale stelsel"; it means "het opgeven van
    eigen schaduwregistraties". ``capacity`` (M,) is the DSO instrument's, pooled regionally (a
    joint DSO project, §4.5). ``boost`` (M,): working data-driven and lobbying (lessons 3 and
    §4.3) speed it.
    """
    preparation += np.minimum(rate * capacity * work * (1.0 + boost), 1.0) * (1.0 - preparation)
    clip(preparation, 0.0, 1.0, out=preparation)


def connect_dso(
    connection: np.ndarray,
    capacity: np.ndarray,
    work: np.ndarray,
    preparation: np.ndarray,
    availability: float,
    rate: float,
) -> None:
    """Connect municipalities (M,) to the available part of the national DSO, in place (P9).

    Report §4.3: the DSO is built along a national and a municipal line; municipalities can only
    connect to what the national line has delivered ("In 2024 moeten alle oorspronkelijk beoogde
    digitale functies ... volledig beschikbaar zijn"). A prepared municipal line connects
    faster (`DSO_PREPARED_BASE`); regional cooperation pools the capacity (``capacity``: the
    instrument's, Drechtsteden §4.5).
    """
    speed = rate * capacity * work * (DSO_PREPARED_BASE + (1.0 - DSO_PREPARED_BASE) * preparation)
    connection += np.minimum(speed, 1.0) * np.maximum(availability - connection, 0.0)
    clip(connection, 0.0, 1.0, out=connection)


def expected_transition(
    known_step: np.ndarray, entry_step: np.ndarray, completion_step: np.ndarray, step: int
) -> np.ndarray:
    """Planned transition progress (2,) at ``step``: the mean of the instruments' plans.

    Each instrument's plan is a straight line from 'task known' to its deadline: the 3D had to be
    in place at entry ("Per 1 januari 2015 moesten de gemeenten ervoor zorg dragen dat de
    noodzakelijke ondersteuning beschikbaar was", report §4.5); of the Omgevingswet, the permit
    process and the DSO connection at entry, the omgevingsvisie and omgevingsplan by completion
    ("De datum waarop de invoering moet zijn afgerond is ... 2029", §1.1).
    """
    due = due_steps(np.asarray(entry_step), np.asarray(completion_step))
    start = np.asarray(known_step)[DOMAIN_OF]
    plan = clip((step - start) / np.maximum(due - start, 1), 0.0, 1.0)
    return np.array([plan[DOMAIN_OF == d].mean() for d in range(2)])
