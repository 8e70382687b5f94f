"""The municipal council (gemeenteraad): one per municipality.

Involvement (attention) per domain, trust in citizens and a tendency to reopen choices made with
society: "Meer ruimte voor de samenleving betekent minder ruimte voor de raad" and "Het komt nu nog
te vaak voor dat keuzes uit de samenleving door de gemeenteraad worden herzien" (report §3.2,
§4.2). Council members distrust citizens: half say citizens pursue only self-interest, 85% that
they lack an eye for complexity (Abma 2012, cited in report §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.agents.base import ArrayAgent, Column

INITIAL_TRUST_IN_CITIZENS = 0.35
"""Council trust in citizens (0-1), low per Abma 2012 (report §4.2). Assumption on the number."""
NEW_MEMBER_SHARE = 0.5
"""Share of the council that is new after an election (assumption)."""
STEER_GRIP = 0.7
LET_GO_GRIP = 0.3
"""Council grip on a domain after a coalition chooses to steer or to let go (report §5.5).
Assumption."""


REOPEN_BETA = (4.0, 4.0)
"""Beta parameters of the spread of the councils' reopen tendency around its level."""
FRESH_TRUST_BETA = (8.0 * INITIAL_TRUST_IN_CITIZENS, 8.0 * (1 - INITIAL_TRUST_IN_CITIZENS))
"""Beta parameters of the trust in citizens that new council members bring (Abma 2012)."""


def reopen_tendency(level: float, draw: np.ndarray) -> np.ndarray:
    """Councils' tendency to reopen choices from ``draw`` ~ `REOPEN_BETA`, kept in [0, 1]."""
    return np.clip(level * 2.0 * draw, 0.0, 1.0)


def draw_reopen_tendency(n: int, level: float, rng: np.random.Generator) -> np.ndarray:
    """Councils' tendency to reopen choices, spread around ``level`` and kept in [0, 1]."""
    return reopen_tendency(level, rng.beta(*REOPEN_BETA, n))


@dataclass
class CouncilArrays:
    """Per-municipality state of the councils.

    Attributes:
        attention: (n, 2) involvement per domain, 0-1.
        steering: (n, 2) how firmly the council steers each domain (its grip), 0-1.
        engagement: How strongly urgency renews this body's attention, 0-1 (assumption: bodies
            differ in how much a national deadline moves them).
        trust_in_citizens: Council's trust in citizens, 0-1.
        reopen_tendency: Tendency to reopen choices made with society, 0-1.
    """

    attention: np.ndarray
    steering: np.ndarray
    engagement: np.ndarray
    trust_in_citizens: np.ndarray
    reopen_tendency: np.ndarray

    @classmethod
    def create(cls, n: int, reopen_level: float, rng: np.random.Generator) -> CouncilArrays:
        """Draw ``n`` councils."""
        k = 8.0
        return cls(
            attention=np.column_stack([rng.beta(4, 4, n), rng.beta(2, 6, n)]),
            steering=rng.beta(2, 2, (n, 2)),  # uninformative; not from table 4 (a target)
            engagement=rng.beta(4, 4, n),
            trust_in_citizens=rng.beta(
                k * INITIAL_TRUST_IN_CITIZENS, k * (1 - INITIAL_TRUST_IN_CITIZENS), n
            ),
            reopen_tendency=draw_reopen_tendency(n, reopen_level, rng),
        )


class Council(ArrayAgent):
    """The council of one municipality (DESIGN §2)."""

    attention = Column("councils", "attention", "(2,) involvement per domain.")
    steering = Column("councils", "steering", "(2,) how firmly the council steers each domain.")
    engagement = Column("councils", "engagement", "How strongly urgency renews attention, 0-1.")
    trust_in_citizens = Column("councils", "trust_in_citizens", "Trust in citizens, 0-1.")
    reopen_tendency = Column("councils", "reopen_tendency", "Tendency to reopen choices, 0-1.")

    @staticmethod
    def hold_elections(
        model: Any,
        domains: np.ndarray,
        steer: np.ndarray,
        fresh: np.ndarray,
        reopen_draw: np.ndarray,
    ) -> None:
        """A municipal election in every municipality at once (report §5.5, P11).

        Attention is renewed; part of the council is new, bringing the usual low trust in
        citizens (``fresh``, (M,) draws of `FRESH_TRUST_BETA`); the reopen tendency is redrawn
        (``reopen_draw``, (M,) draws of `REOPEN_BETA`); a coalition that lets go in a domain
        loosens the council's grip on it and reopens fewer of society's choices, one that steers
        does the opposite. ``domains`` and ``steer`` (M, L) are the coalition choices that apply
        to each municipality in order (domain index, -1 past a row's last choice; steer or let
        go), drawn by the model. Row by row the same arithmetic as one election at a time.
        """
        arrays = model.councils
        params = model.params
        arrays.attention += params["election_attention_boost"] * (1.0 - arrays.attention)
        arrays.trust_in_citizens[:] = (
            1 - NEW_MEMBER_SHARE
        ) * arrays.trust_in_citizens + NEW_MEMBER_SHARE * fresh
        tendency = reopen_tendency(params["council_reopen_tendency"], reopen_draw)
        for j in range(domains.shape[1]):  # each municipality's choices, in order
            for d in range(2):
                here = domains[:, j] == d
                let_go = np.flatnonzero(here & ~steer[:, j])
                steers = np.flatnonzero(here & steer[:, j])
                tendency[let_go] *= 0.5
                tendency[steers] *= 1.3
                arrays.steering[let_go, d] = np.minimum(arrays.steering[let_go, d], LET_GO_GRIP)
                arrays.steering[steers, d] = np.maximum(arrays.steering[steers, d], STEER_GRIP)
        arrays.reopen_tendency[:] = np.minimum(tendency, 1.0)

    def describe(self) -> dict[str, Any]:
        """Plain data for a drill-down view."""
        return {
            "attention": np.round(self.attention, 3).tolist(),
            "steering": np.round(self.steering, 3).tolist(),
            "trust_in_citizens": round(self.trust_in_citizens, 3),
            "reopen_tendency": round(self.reopen_tendency, 3),
        }
