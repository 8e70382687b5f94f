"""Citizens: residents who may take part and take initiatives (report §4.2, P10).

Hot state is held in `CitizenArrays` and updated vectorised by
`model.mechanisms.participation`; `Citizen` is the Mesa agent view on one row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govsim.agents.base import ArrayAgent, Column

INITIAL_TRUST_MEAN = 0.52
"""Trust of citizens in their local government: 5.2 out of 10 (Abma 2012, cited in report §4.2)."""
INITIAL_WILLINGNESS_MEAN = 0.54
"""Willing to help implement a shared vision: 54% (Borne, Denters & Klok 2015; report §4.2)."""


@dataclass
class CitizenArrays:
    """Struct-of-arrays state of all citizen agents.

    Attributes:
        municipality: Municipality row.
        interest: Domain the citizen engages in: 0 social, 1 physical.
        capacity: Capacity to participate ("doenvermogen", WRR 2017; report §4.2), 0-1.
        trust: Trust in the municipality, 0-1.
        willingness: Willingness to participate, 0-1.
        fatigue: Participation fatigue, 0-1.
        participating: Took part this month.
        initiatives: Initiatives taken so far.
        facilitated: Initiatives facilitated so far.
        blocked: Initiatives blocked or reopened by the council so far.
    """

    municipality: np.ndarray
    interest: np.ndarray
    capacity: np.ndarray
    trust: np.ndarray
    willingness: np.ndarray
    fatigue: np.ndarray
    participating: np.ndarray
    initiatives: np.ndarray
    facilitated: np.ndarray
    blocked: np.ndarray

    @property
    def n(self) -> int:
        """Number of citizen agents."""
        return len(self.municipality)

    @classmethod
    def create(cls, counts: np.ndarray, rng: np.random.Generator) -> CitizenArrays:
        """Draw ``counts[m]`` citizens for each municipality ``m``."""
        municipality = np.repeat(np.arange(len(counts)), counts)
        n = len(municipality)
        k = 8.0  # concentration of the Beta draws around their means
        return cls(
            municipality=municipality,
            interest=(rng.random(n) < 0.5).astype(np.int8),
            # skewed: a minority with high capacity, the 'usual suspects' (report §4.2)
            capacity=rng.beta(2.0, 2.5, n),
            trust=rng.beta(k * INITIAL_TRUST_MEAN, k * (1 - INITIAL_TRUST_MEAN), n),
            willingness=rng.beta(
                k * INITIAL_WILLINGNESS_MEAN, k * (1 - INITIAL_WILLINGNESS_MEAN), n
            ),
            fatigue=np.zeros(n),
            participating=np.zeros(n, dtype=bool),
            initiatives=np.zeros(n, dtype=np.int32),
            facilitated=np.zeros(n, dtype=np.int32),
            blocked=np.zeros(n, dtype=np.int32),
        )


class Citizen(ArrayAgent):
    """A resident (DESIGN §2): capacity, trust, willingness, fatigue, initiatives."""

    municipality = Column("citizens", "municipality", "Municipality row.")
    interest = Column("citizens", "interest", "0 social, 1 physical.")
    capacity = Column("citizens", "capacity", "Capacity to participate (doenvermogen), 0-1.")
    trust = Column("citizens", "trust", "Trust in the municipality, 0-1.")
    willingness = Column("citizens", "willingness", "Willingness to participate, 0-1.")
    fatigue = Column("citizens", "fatigue", "Participation fatigue, 0-1.")
    participating = Column("citizens", "participating", "Took part this month.")
    initiatives = Column("citizens", "initiatives", "Initiatives taken.")
    facilitated = Column("citizens", "facilitated", "Initiatives facilitated.")
    blocked = Column("citizens", "blocked", "Initiatives blocked or reopened.")
