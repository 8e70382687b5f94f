"""The municipal council (gemeenteraad): one per municipality.

Involvement (attention) per domain, trust in citizens and a tendency to reopen choices made with
society: "Meer ruimte voor de samenleving betekent minder ruimte voor de raad" and "Het komt nu nog
te vaak voor dat keuzes uit de samenleving door de gemeenteraad worden herzien" (report §3.2,
§4.2). Council members distrust citizens: half say citizens pursue only self-interest, 85% that
they lack an eye for complexity (Abma 2012, cited in report §4.2).
"""

from __future__ import annotations

from collections.abc import Sequence
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


def draw_reopen_tendency(n: int, level: float, rng: np.random.Generator) -> np.ndarray:
    """Councils' tendency to reopen choices, spread around ``level`` and kept in [0, 1]."""
    return np.clip(level * 2.0 * rng.beta(4.0, 4.0, n), 0.0, 1.0)


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

    def hold_election(self, choices: Sequence[Any], rng: np.random.Generator) -> None:
        """A municipal election (report §5.5, P11).

        Attention is renewed; part of the council is new, bringing the usual low trust in
        citizens; a coalition that lets go in a domain loosens the council's grip on it and
        reopens fewer of society's choices, one that steers does the opposite.
        """
        arrays = self.model.councils
        params = self.model.params
        arrays.attention[self.row] += params["election_attention_boost"] * (
            1.0 - arrays.attention[self.row]
        )
        k = 8.0
        fresh = rng.beta(k * INITIAL_TRUST_IN_CITIZENS, k * (1 - INITIAL_TRUST_IN_CITIZENS))
        arrays.trust_in_citizens[self.row] = (1 - NEW_MEMBER_SHARE) * arrays.trust_in_citizens[
            self.row
        ] + NEW_MEMBER_SHARE * fresh
        tendency = draw_reopen_tendency(1, params["council_reopen_tendency"], rng)[0]
        for choice in choices:  # the coalition choices that apply here (drawn by the model)
            d = 0 if choice.domain == "social" else 1
            if choice.stance == "let_go":
                tendency *= 0.5
                arrays.steering[self.row, d] = min(arrays.steering[self.row, d], LET_GO_GRIP)
            else:
                tendency *= 1.3
                arrays.steering[self.row, d] = max(arrays.steering[self.row, d], STEER_GRIP)
        arrays.reopen_tendency[self.row] = min(1.0, tendency)
        self.model.log_event(self.row, "election")

    def describe(self) -> dict[str, Any]:
        """Plain data for a drill-down view."""
        return {
            "attention": np.round(self.attention, 3).tolist(),
            "steering": np.round(self.steering, 3).tolist(),
            "trust_in_citizens": round(self.trust_in_citizens, 3),
            "reopen_tendency": round(self.reopen_tendency, 3),
        }
