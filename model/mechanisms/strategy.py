"""A municipality's strategy per domain: wait, prepare or front-run (report §4.3, Kader 10).

"Sommige gemeentesecretarissen kiezen ervoor om te wachten tot er meer helderheid is over het
stelsel, zodat ze op een later moment hun organisatie gericht aan het werk kunnen zetten,
anderen kiezen ervoor om actief te lobbyen" (report §4.3). Many are still "in het stadium van
het ontwikkelen van een eigen visie" (§2.3). When and how hard a municipality works on a
decentralisation is a choice that follows its state — the secretary's role and stance, the
college's attention, its capacity, its experience, the clarity of the national frame, its
neighbours — and that it revises at set moments (`review_due`).
"""

from __future__ import annotations

import numpy as np

from govsim.model.instruments import DOMAIN_OF
from govsim.model.mechanisms.cooperation import region_mean
from govsim.model.ufuncs import clip

WAIT, PREPARE, FRONT_RUN = 0, 1, 2

ROLE_INITIATIVE: tuple[float, ...] = (0.0, 0.5, 0.5, 1.0)
"""How readily each role (advocate, executor, connector, changer) starts before the frame is
clear (report §1.8): the advocate "start als het benodigde budget en de menskracht voor de
implementatie zijn geregeld"; the executor takes decentralisations up "projectmatig" once the
college has a vision; the connector "pleit voor gemeenschappelijke visievorming als start"; the
changer "pleit voor experimenten". Order from the report, values assumed."""
STANCE_INITIATIVE: tuple[float, float] = (0.5, 1.0)
"""Readiness contributed by a coach (0.5) and a regisseur (1.0): a secretary who directs the
implementation sets its timing; a coach leaves it to the director (report §3.2 "Het zijn
veelal de afdelingshoofden die de implementatie ... regisseren"). Values assumed."""
STRATEGY_AGENDA: tuple[float, float, float] = (0.0, 0.5, 1.0)
"""How strongly a waiting, preparing and front-running organisation keeps its domain on the
college's and the secretary's agenda (the executor "brengt het college in stelling", §1.8; a
front-runner lobbies and experiments, §4.3). Values assumed."""
SECRETARY_WEIGHT = 0.5
"""Weight of the secretary's disposition (role and stance) in the readiness to act, against the
situation: "Momenteel is de persoonlijke voorkeur vaak doorslaggevend" (report §3.2). The size is
an assumption: as much as everything else together."""
LOBBY_CLARITY = 0.5
"""Share of the national uncertainty about the DSO a full lobby takes away for the lobbying
municipality: it knows what is coming ("zodat het stelsel zo sterk mogelijk aansluit bij de
gemeentelijke behoefte", §4.3). Assumption."""


def draw_experience(
    capacity: np.ndarray, share: float, rng: np.random.Generator, mean_capacity: float
) -> np.ndarray:
    """Which municipalities (M,) have experience of experiments before the Omgevingswet (1).

    Crisis- en herstelwet experiments or invitation planning: a share ``share`` (parameter
    ``experiment_share``), more of the larger ones (chance in proportion to capacity over
    ``mean_capacity``, the national mean). Report Kader 10: "Er is voorbeeldwerking vanuit de
    CHW en de experimenten met uitnodigingsplanologie".
    """
    chance = clip(share * capacity / mean_capacity, 0.0, 1.0)
    return (rng.random(len(capacity)) < chance).astype(np.float64)


def national_clarity(
    credibility: np.ndarray, rules_known: np.ndarray, dso_availability: float
) -> np.ndarray:
    """How clear the national frame is (2,), 0-1: the deadline's credibility × what is known.

    Report Kader 10: "Onzekerheid ten aanzien rijkseisen en uitstel maken handelen minder
    urgent"; §5.4 the secretaries ask the state for "helderheid over verplichtingen en timing".
    Social: whether the laws and budgets are final. Physical: the mean of whether the orders in
    council are final and whether the DSO has started (§4.3, "wachten tot er meer helderheid is
    over het stelsel").
    """
    known = np.asarray(rules_known, dtype=np.float64)
    frame = np.array([known[0], 0.5 * known[1] + 0.5 * float(dso_availability > 0.0)])
    return np.asarray(credibility, dtype=np.float64) * frame


def municipal_clarity(clarity: np.ndarray, dso_lobby: np.ndarray) -> np.ndarray:
    """Clarity (M, 2) as each municipality sees it.

    A DSO lobby takes part of the physical domain's uncertainty away (`LOBBY_CLARITY`; report
    §4.3 "actief te lobbyen").
    """
    out = np.tile(np.asarray(clarity, dtype=np.float64), (len(dso_lobby), 1))
    out[:, 1] += LOBBY_CLARITY * dso_lobby * (1.0 - out[:, 1])
    return out


def neighbours_acting(
    strategy: np.ndarray, regions: tuple[tuple[np.ndarray, int], ...]
) -> np.ndarray:
    """Share (M, 2) of each municipality's region that does not wait.

    The region is the youth-care region for the 3D, the omgevingsdienst for the Omgevingswet.

    Report §2.3: "Momenteel vindt er afstemming met de regiogemeenten en de ketenpartners
    plaats"; neighbours' progress is a reason to revise (DESIGN §8).
    """
    out = np.empty(strategy.shape, dtype=np.float64)
    for d, (region, n_regions) in enumerate(regions):
        out[:, d] = region_mean((strategy[:, d] != WAIT).astype(np.float64), region, n_regions)
    return out


def readiness_to_act(
    role: np.ndarray,
    regisseur: np.ndarray,
    college_attention: np.ndarray,
    pooled_capacity: np.ndarray,
    clarity: np.ndarray,
    urgency: np.ndarray,
    neighbours: np.ndarray,
    experience: np.ndarray,
) -> np.ndarray:
    """Readiness to act (M, 2), 0-1: the secretary's disposition and the situation, half each.

    The secretary's disposition is the mean of the role's initiative (`ROLE_INITIATIVE`, §1.8)
    and the stance (`STANCE_INITIATIVE`, §3.2); it weighs as much as everything else together
    (`SECRETARY_WEIGHT`) because "Momenteel is de persoonlijke voorkeur vaak doorslaggevend"
    (§3.2). The situation is the plain mean of the college's attention (a college "in
    stelling", §1.8), the capacity including what the region pools ("Voor de nieuwe rol is ander
    management nodig en daar beschikken niet alle gemeenten zomaar over", §4.4), the clarity of
    the national frame (Kader 10), the felt urgency (§3.3), the share of the region already
    acting (§2.3) and, for the Omgevingswet only, experience (M,): Crisis- en herstelwet
    experiments and invitation planning, or what the 3D taught ("voorbeeldwerking vanuit de CHW
    en de experimenten met uitnodigingsplanologie", Kader 10; "leren van de invoering van de
    3D's", §4.4).
    """
    disposition = 0.5 * (
        np.asarray(ROLE_INITIATIVE)[role]
        + np.asarray(STANCE_INITIATIVE)[regisseur.astype(np.int64)]
    )
    common = (
        college_attention
        + pooled_capacity
        + clarity
        + np.asarray(urgency, dtype=np.float64)[None, :]
        + neighbours
    )
    situation = common / 5.0
    situation[:, 1] = (common[:, 1] + experience) / 6.0
    return SECRETARY_WEIGHT * disposition[:, None] + (1.0 - SECRETARY_WEIGHT) * situation


def choose_strategy(
    readiness: np.ndarray,
    wait_threshold: float,
    front_run_threshold: float,
    start_early: np.ndarray,
) -> np.ndarray:
    """Strategy (M, 2) from the readiness to act.

    Below the wait threshold a municipality waits; lesson 4 "Benut de beschikbare tijd"
    (lever ``start_early``) lowers that threshold ("prepare rather than wait", §5.5). From
    ``front_run_threshold`` on it front-runs; in between it prepares. Waiting wins where the two
    thresholds cross.
    """
    wait_cut = wait_threshold * (1.0 - start_early)[:, None]
    return np.where(
        readiness < wait_cut, WAIT, np.where(readiness >= front_run_threshold, FRONT_RUN, PREPARE)
    ).astype(np.int8)


def review_due(
    step: int,
    known_step: np.ndarray,
    completion_step: np.ndarray,
    january: bool,
    postponed: np.ndarray,
    election: bool,
) -> np.ndarray:
    """Whether every municipality reviews its strategy this month, per domain (2,).

    A municipality chooses when a task becomes known and reviews each January, when it draws up
    its programme budget ("het opnemen van SMART doelen in de programmabegroting", report §2.2),
    when a postponement is announced ("Benutten van overgangstermijnen", Kader 10) and after an
    election (a new coalition, §5.5). A new secretary reviews too (`schedule`). A strategy is
    about timing the work before the deadlines: nothing is chosen before a task is known or
    after its completion date (for the 3D, entry into force), when the law simply applies.
    """
    step_known = np.asarray(known_step)
    open_ = (step >= step_known) & (step < np.asarray(completion_step))
    due = (step == step_known) | january | np.asarray(postponed) | election
    return open_ & due


def revise_strategy(
    strategy: np.ndarray,
    chosen: np.ndarray,
    due: np.ndarray,
    fixed: np.ndarray,
) -> np.ndarray:
    """New strategy (M, 2): ``chosen`` where a review is ``due`` (M, 2).

    A scenario's ``fixed`` strategy (M, 2; -1 where the municipality chooses) applies wherever
    one is set.
    """
    new = np.where(due, chosen, strategy)
    return np.where(fixed >= 0, fixed, new).astype(np.int8)


def ready_to_start(clarity_known: np.ndarray, in_force: np.ndarray) -> np.ndarray:
    """Whether a waiting municipality starts working (2,).

    It starts once the frame it waits for is there or the law is in force.

    Waiting means "wachten tot er meer helderheid is over het stelsel, zodat ze op een later
    moment hun organisatie gericht aan het werk kunnen zetten" (§4.3); the advocate starts once
    budget and manpower are arranged (§1.8). ``clarity_known`` (2,): the national rules final
    (and, for the Omgevingswet, the DSO started).
    """
    return np.asarray(clarity_known, dtype=bool) | np.asarray(in_force, dtype=bool)


def transition_intensity(
    strategy: np.ndarray, pressure: np.ndarray, ready: np.ndarray, prepare_effort: float
) -> np.ndarray:
    """How hard (M, n_instruments) each instrument is worked on, 0-1, by the domain's strategy.

    A waiting municipality does what its deadline requires (the instrument's time pressure) once
    it starts (``ready`` (2,)); a preparing one works at least at ``prepare_effort`` ("Benut de
    beschikbare tijd", §5.5) and harder when the deadline presses; a front-runner works at full
    effort from the start (§4.3, the changer's experiments, §1.8).
    """
    s = strategy[:, DOMAIN_OF]
    waiting = np.where(np.asarray(ready)[DOMAIN_OF][None, :], pressure, 0.0)
    preparing = np.maximum(pressure, prepare_effort)
    return np.where(s == WAIT, waiting, np.where(s == PREPARE, preparing, 1.0))


def started(strategy: np.ndarray, ready: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Whether (M, 2) the organisation works on a known domain at all.

    Everyone does but a waiting municipality that has not yet started (`ready_to_start`): it
    puts its organisation "op een later moment ... gericht aan het werk" (§4.3), transformation
    included.
    """
    waiting = (strategy == WAIT) & ~np.asarray(ready, dtype=bool)[None, :]
    return (~waiting & np.asarray(known, dtype=bool)[None, :]).astype(np.float64)


def strategy_agenda(strategy: np.ndarray, known: np.ndarray) -> np.ndarray:
    """How strongly (M, 2) the organisation's own strategy keeps a known domain on the agenda.

    See `STRATEGY_AGENDA`.
    """
    return np.asarray(STRATEGY_AGENDA)[strategy] * np.asarray(known, dtype=np.float64)[None, :]
