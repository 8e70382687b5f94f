"""Staff: municipal employees in the social, physical or other domain (report §3.2, §4.4).

Hot state is held in `StaffArrays` (one row per staff agent) and updated vectorised by
`model.mechanisms.staff_learning`; `Staff` is the Mesa agent view on one row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from govsim.agents.base import ArrayAgent, Column

STAFF_DOMAINS: tuple[str, str, str] = ("social", "physical", "other")
DOMAIN_SPLIT: tuple[float, float, float] = (0.35, 0.30, 0.35)
"""Share of staff agents per domain (assumption: social and physical teams plus the rest)."""
INITIAL_ADOPTION = 0.05
"""Share already working the new way in 2013 (assumption: early experiments, report §3.2)."""


@dataclass
class StaffArrays:
    """Struct-of-arrays state of all staff agents.

    Attributes:
        municipality: Municipality row of each staff member.
        domain: 0 social, 1 physical, 2 other.
        competence: Ability to learn new competences, 0-1.
        readiness: Readiness for the new way of working, 0-1.
        resister: Member of the group that resists the change (report §4.4).
        generalist: Generalist rather than specialist (report §4.4).
        workload: Regular work is 1; implementation comes on top (report §3.2).
        adopted: Works the new way.
        adoptions: How often this member adopted (reversions show as adoptions > 1).
    """

    municipality: np.ndarray
    domain: np.ndarray
    competence: np.ndarray
    readiness: np.ndarray
    resister: np.ndarray
    generalist: np.ndarray
    workload: np.ndarray
    adopted: np.ndarray
    adoptions: np.ndarray

    @property
    def n(self) -> int:
        """Number of staff agents."""
        return len(self.municipality)

    @classmethod
    def create(
        cls,
        counts: np.ndarray,
        resister_share: float,
        rng: np.random.Generator,
        generalist_share: float = 0.3,
    ) -> StaffArrays:
        """Draw ``counts[m]`` staff for each municipality ``m``.

        ``generalist_share`` is the parameter of that name (report §4.4).

        Domains are assigned in fixed proportions within each municipality so that every
        municipality has social, physical and other teams.
        """
        municipality = np.repeat(np.arange(len(counts)), counts)
        n = len(municipality)
        # position within the municipality decides the domain: deterministic team sizes
        start = np.repeat(np.cumsum(counts) - counts, counts)
        pos = (np.arange(n) - start) / np.repeat(counts, counts)
        bounds = np.cumsum(DOMAIN_SPLIT)[:-1]
        domain = np.searchsorted(bounds, pos, side="right").astype(np.int8)
        readiness = rng.beta(2.0, 5.0, n)
        adopted = rng.random(n) < INITIAL_ADOPTION * (1.0 + readiness)
        return cls(
            municipality=municipality,
            domain=domain,
            competence=rng.beta(4.0, 3.0, n),
            readiness=readiness,
            resister=rng.random(n) < resister_share,
            generalist=rng.random(n) < generalist_share,
            workload=np.ones(n),
            adopted=adopted,
            adoptions=adopted.astype(np.int32),
        )


class Staff(ArrayAgent):
    """A municipal employee (DESIGN §2): competence, readiness, resistance, workload, adoption."""

    municipality = Column("staff", "municipality", "Municipality row.")
    domain_index = Column("staff", "domain", "0 social, 1 physical, 2 other.")
    competence = Column("staff", "competence", "Ability to learn, 0-1.")
    readiness = Column("staff", "readiness", "Readiness for the new way of working, 0-1.")
    resister = Column("staff", "resister", "Belongs to the group that resists the change.")
    generalist = Column("staff", "generalist", "Generalist rather than specialist.")
    workload = Column("staff", "workload", "1 = regular work; more = implementation on top.")
    adopted = Column("staff", "adopted", "Works the new way.")
    adoptions = Column("staff", "adoptions", "Times adopted (more than one means reversions).")

    @property
    def domain(self) -> str:
        """The staff member's domain name."""
        return STAFF_DOMAINS[self.domain_index]
