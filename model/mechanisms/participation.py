"""Citizen participation, initiatives, council reopening and trust (patterns P2, P10)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govsim.agents.citizen import CitizenArrays
from govsim.model.ufuncs import clip


def openness(steering: np.ndarray, pressure: np.ndarray, closure: float) -> np.ndarray:
    """How open (M, 2) the municipality is to society: collaborative + responsive steering.

    Time pressure closes the door (P2, report §4.2): "Door de tijdsdruk moesten we ... zelf de
    regels en verordeningen maken ... Belangenbehartigers konden toen hun rol niet meer pakken."
    """
    return (steering[..., 2] + steering[..., 3]) * (1.0 - closure * pressure)


def society_plan_legitimacy(breadth: np.ndarray, vision: np.ndarray) -> np.ndarray:
    """How strongly (M, 2) society's own plans bind the council, 0-1.

    Breda, Omgevingsplan Markdal (report §4.2): "Omdat het plan uit de samenleving is
    opgekomen, is het lastig te legitimeren waarom je als gemeenteraad iets anders zou
    besluiten." A plan binds in proportion to how broadly residents take part (``breadth``,
    `update_practice`) and how far a vision shared with society stands (``vision`` (M, 2): the
    omgevingsvisie in the physical domain, the social teams in the 3D, where "visies al dikwijls
    samen met partners ontwikkeld" were, §4.2).
    """
    return clip(breadth * vision, 0.0, 1.0)


@dataclass
class ParticipationOutcome:
    """Counts (M, 2) of one month of participation per municipality and domain."""

    citizens: np.ndarray
    participants: np.ndarray
    initiatives: np.ndarray
    facilitated: np.ndarray
    blocked: np.ndarray


def participate(
    citizens: CitizenArrays,
    open_: np.ndarray,
    council_reopen: np.ndarray,
    council_trust: np.ndarray,
    council_steering: np.ndarray,
    params: dict,
    rng: np.random.Generator,
    legitimacy: np.ndarray | None = None,
) -> ParticipationOutcome:
    """One month of participation, initiatives and their fate; updates citizens in place (P10).

    - Who takes part depends on capacity ("doenvermogen", WRR 2017), willingness, fatigue and the
      municipality's openness; high-capacity citizens dominate ("usual suspects", report §4.2).
    - An initiative is blocked when the municipality is closed, or reopened by a council that
      distrusts citizens and keeps a firm grip on the domain ("Het komt nu nog te vaak voor dat
      keuzes uit de samenleving door de gemeenteraad worden herzien", report §3.2), less so
      where society's plans bind the council (``legitimacy`` (M, 2),
      `society_plan_legitimacy`: the council as "Raad van Toezicht" rather than "hindermacht",
      §2.2).
    - Trust follows experience: a facilitated initiative raises it (Borne: trust rose for 33%), a
      blocked or reopened one lowers it; being heard raises it a little.
    - Taking part tires (participatiemoeheid); fatigue recovers slowly; willingness follows trust.

    Only the few who take part get further random draws, which keeps a national month cheap.
    """
    m, d = citizens.municipality, citizens.interest
    o = open_[m, d]
    p_part = (
        params["participation_rate"]
        * citizens.capacity
        * citizens.willingness
        * o
        * (1.0 - citizens.fatigue)
    )
    part = rng.random(citizens.n) < p_part
    who = np.flatnonzero(part)
    pm, pd_, po = m[who], d[who], o[who]
    draws = rng.random((2, len(who)))
    initiative = draws[0] < params["initiative_rate"]
    reopen = council_reopen[pm] * (1.0 - council_trust[pm]) * council_steering[pm, pd_]
    if legitimacy is not None:
        reopen = reopen * (1.0 - legitimacy[pm, pd_])
    blocked = initiative & (draws[1] < clip(0.5 * (1.0 - po) + reopen, 0.0, 1.0))
    facilitated = initiative & ~blocked

    t = citizens.trust[who]
    t += np.where(facilitated, params["trust_gain"] * (1.0 - t), 0.0)
    t -= np.where(blocked, params["trust_loss"] * t, 0.0)
    t += np.where(~initiative, 0.02 * po * (1.0 - t), 0.0)
    citizens.trust[who] = clip(t, 0.0, 1.0)
    f = citizens.fatigue
    tired = f[who]
    f *= 1.0 - params["fatigue_recovery"]
    f[who] = tired + params["fatigue_gain"] * (1.0 - tired)
    citizens.willingness += 0.05 * (citizens.trust - citizens.willingness) - 0.02 * f
    clip(citizens.willingness, 0.0, 1.0, out=citizens.willingness)
    citizens.participating[:] = part
    citizens.initiatives[who] += initiative
    citizens.facilitated[who] += facilitated
    citizens.blocked[who] += blocked

    n_m = open_.shape[0]
    cell = pm * 2 + pd_

    def count(mask: np.ndarray | None) -> np.ndarray:
        w = None if mask is None else mask.astype(np.float64)
        return np.bincount(cell, weights=w, minlength=n_m * 2).reshape(n_m, 2).astype(np.float64)

    everyone = np.bincount(m * 2 + d, minlength=n_m * 2).reshape(n_m, 2).astype(np.float64)
    return ParticipationOutcome(
        everyone, count(None), count(initiative), count(facilitated), count(blocked)
    )


def update_practice(
    quality: np.ndarray, breadth: np.ndarray, outcome: ParticipationOutcome, rate: float = 0.1
) -> None:
    """Participation practice in place: quality (share facilitated), breadth (share taking part).

    Both are smoothed over about a year. Breadth saturates at 15% of residents taking part in a
    month (assumption). Practice feeds transformation: it is the "andere verhouding tussen
    overheid en samenleving" of report §2.1.
    """
    has = outcome.initiatives > 0
    share = np.divide(
        outcome.facilitated, outcome.initiatives, out=np.zeros_like(quality), where=has
    )
    quality += np.where(has, rate * (share - quality), 0.0)
    part_share = outcome.participants / np.maximum(outcome.citizens, 1.0)
    breadth += rate * (np.minimum(part_share / 0.15, 1.0) - breadth)


def update_council_trust(
    trust: np.ndarray, outcome: ParticipationOutcome, rate: float = 0.02
) -> None:
    """Council trust in citizens (M,), in place: rises with good experiences of participation.

    Report §4.2: "Het begint met bewustzijn" — councils that see initiatives succeed learn to
    trust citizens; with no initiatives nothing changes.
    """
    init = outcome.initiatives.sum(axis=1)
    fac = outcome.facilitated.sum(axis=1)
    share = np.divide(fac, init, out=np.zeros_like(trust), where=init > 0)
    trust += np.where(init > 0, rate * (share - trust), 0.0)
    clip(trust, 0.0, 1.0, out=trust)
