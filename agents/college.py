"""The college of mayor and aldermen (college van B en W): one per municipality.

Involvement (attention) and steering per domain, and political risk aversion: incidents with
vulnerable people in the social domain weigh more than a permit question (report §3.3). Attention
decays without urgency and is renewed by elections and incidents (report §3.2, §5.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.agents.base import ArrayAgent, Column

STEER_STANCE = 0.8
LET_GO_STANCE = 0.2
"""Stance after a coalition chooses to steer or to let go in a domain (report §5.5). Assumption."""
STEER_MIX = np.array([0.5, 0.5, 0.0, 0.0])
LET_GO_MIX = np.array([0.0, 0.0, 0.5, 0.5])
"""A steering college leans on rules and SMART goals; one that lets go on networks and society
(report §1.7, Kader 5). Assumption on the exact mixes."""
NEW_STANCE_BETA = (3, 3)
"""Beta parameters of the partly new stance of a coalition in a domain it makes no choice on."""


@dataclass(frozen=True)
class TalksChoice:
    """A coalition's choice that came out of talks the secretary organised (lesson 7).

    Attributes:
        domain: ``"social"`` or ``"physical"``.
        stance: ``"steer"`` or ``"let_go"``.
    """

    domain: str
    stance: str


def talks_choices(desired_mix: np.ndarray, taken: Sequence[str] = ()) -> list[TalksChoice]:
    """What coalition talks decide per domain (``desired_mix`` (2, 4) of the secretary).

    Report §5.5 lesson 7, "Benut de verkiezingen. ... Organiseer in samenwerking met de
    bestuursadviseur gesprekken tijdens de coalitieonderhandeling op welke thema's het college
    en de gemeenteraad willen sturen en waar zij willen loslaten": the coalition lets go where
    the secretary's desired steering leans to the collaborative and responsive half (at least
    half its weight), and steers elsewhere. Domains in ``taken`` already have a scenario's
    coalition choice and keep it.
    """
    out = []
    for d, domain in enumerate(("social", "physical")):
        if domain in taken:
            continue
        open_half = float(desired_mix[d, 2] + desired_mix[d, 3])
        out.append(TalksChoice(domain, "let_go" if open_half >= 0.5 else "steer"))
    return out


def college_mix(stance: np.ndarray) -> np.ndarray:
    """Steering mix the college pushes for, from its stance (1 steer ... 0 let go)."""
    s = np.asarray(stance)[..., None]
    return s * STEER_MIX + (1.0 - s) * LET_GO_MIX


@dataclass
class CollegeArrays:
    """Per-municipality state of the colleges.

    Attributes:
        attention: (n, 2) involvement per domain, 0-1.
        engagement: How strongly urgency renews this body's attention, 0-1 (assumption: bodies
            differ in how much a national deadline moves them).
        stance: (n, 2) steering stance per domain: 1 steers, 0 lets go.
        risk_aversion: Political risk aversion, 0-1.
        incident_pressure: (n, 2) recent incidents, decaying.
    """

    attention: np.ndarray
    engagement: np.ndarray
    stance: np.ndarray
    risk_aversion: np.ndarray
    incident_pressure: np.ndarray

    @classmethod
    def create(cls, n: int, rng: np.random.Generator) -> CollegeArrays:
        """Draw ``n`` colleges."""
        return cls(
            attention=np.column_stack([rng.beta(4, 4, n), rng.beta(2, 6, n)]),
            engagement=rng.beta(5, 3, n),
            stance=rng.beta(3, 3, (n, 2)),
            risk_aversion=rng.beta(3, 3, n),
            incident_pressure=np.zeros((n, 2)),
        )


class College(ArrayAgent):
    """The executive of one municipality (DESIGN §2)."""

    attention = Column("colleges", "attention", "(2,) involvement per domain.")
    engagement = Column("colleges", "engagement", "How strongly urgency renews attention, 0-1.")
    stance = Column("colleges", "stance", "(2,) 1 steers, 0 lets go.")
    risk_aversion = Column("colleges", "risk_aversion", "Political risk aversion, 0-1.")
    incident_pressure = Column("colleges", "incident_pressure", "(2,) recent incidents.")

    @staticmethod
    def form_coalitions(
        model: Any,
        domains: np.ndarray,
        steer: np.ndarray,
        talks: np.ndarray,
        stance_draw: np.ndarray,
    ) -> None:
        """After an election every new coalition sets its agenda at once (report §5.5, P11).

        Attention is renewed; where the secretary organised coalition talks (``talks`` (M,),
        lesson 7) the decentralisations are on the coalition's agenda and attention is renewed
        once more. Where a coalition choice applies to a municipality (``domains`` and ``steer``
        (M, L): a scenario's, drawn by the model, or one from the talks, `talks_choices`; domain
        -1 past a row's last choice), the stance follows it; elsewhere the new coalition's
        stance is partly new (``stance_draw`` (M, 2), draws of `NEW_STANCE_BETA` where no choice
        applies). Row by row the same arithmetic as one coalition at a time.
        """
        arrays = model.colleges
        boost = model.params["election_attention_boost"]
        arrays.attention += boost * (1.0 - arrays.attention)
        again = np.flatnonzero(talks)
        arrays.attention[again] += boost * (1.0 - arrays.attention[again])
        chosen = np.zeros((len(talks), 2), dtype=bool)
        for j in range(domains.shape[1]):  # each municipality's choices, in order
            for d in range(2):
                here = domains[:, j] == d
                chosen[:, d] |= here
                arrays.stance[here & steer[:, j], d] = STEER_STANCE
                arrays.stance[here & ~steer[:, j], d] = LET_GO_STANCE
        for d in range(2):
            free = np.flatnonzero(~chosen[:, d])
            arrays.stance[free, d] = 0.5 * arrays.stance[free, d] + 0.5 * stance_draw[free, d]

    def describe(self) -> dict[str, Any]:
        """Plain data for a drill-down view."""
        return {
            "attention": np.round(self.attention, 3).tolist(),
            "stance": np.round(self.stance, 3).tolist(),
            "risk_aversion": round(self.risk_aversion, 3),
        }
