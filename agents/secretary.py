"""The municipal secretary (gemeentesecretaris): one per municipality (report §1.8, §3.2-§3.4).

Role comes from two dimensions, own content agenda (yes/no) and focus (internal organisation,
college, network), giving the four ideal types of report §1.8, each comfortable with one of the
four steering modes (Van der Steen et al. 2014, report §1.7):

| role        | agenda | focus        | comfortable with |
|-------------|--------|--------------|------------------|
| advocate    | yes    | internal     | legal            |
| executor    | no     | college      | performing       |
| connector   | no     | network      | collaborative    |
| changer     | yes    | network      | responsive       |

Desired steering per mode and domain is drawn from Table 1 of the report (an **input** of the
model, never a calibration target). The secretary's preferred role is the comfortable role of one
of the modes he or she desires ("Momenteel is de persoonlijke voorkeur vaak doorslaggevend",
report §3.2). Stance: regisseur (directs the implementation) or coach/adviser of the director
(most secretaries, report §3.2, §5.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.agents.base import ArrayAgent, Column
from govsim.agents.modes import MODES, ROLES

ROLE_AGENDA: tuple[bool, ...] = (True, False, False, True)
ROLE_FOCUS: tuple[str, ...] = ("internal", "college", "network", "network")
ROLE_TRANSFORMATION_EXAMPLE: tuple[float, ...] = (0.0, 0.25, 0.75, 1.0)
"""How strongly each role links the decentralisation to organisation change and sets the example
for staff (report §1.8: the changer 'verbindt de decentralisaties aan organisatieveranderingen';
the connector works 'van buiten naar binnen'; the advocate guards feasibility). Assumption."""
ROLE_COOPERATION: tuple[float, ...] = (0.0, 0.25, 1.0, 0.5)
"""How strongly each role initiates regional cooperation (report §4.5; connector most).
Assumption."""

TABLE1_DESIRED = np.array([[0.08, 0.18], [0.48, 0.37], [0.82, 0.77], [0.86, 0.81]])
"""Share of secretaries desiring each mode (rows, MODES order) per domain (social, physical).
Report Table 1 (§2.2); the OCR's 'a2' and 'a1' are 82 and 81 per the running text."""
APPENDIX_REJECTED = np.array([[0.56, 0.46], [0.22, 0.25], [0.06, 0.07], [0.03, 0.02]])
"""Share of secretaries calling each mode (rows, MODES order) "Niet/nauwelijks belangrijk" per
domain (social, physical): report appendix table "Waardering van de strategie in de gemeente naar
mate van belangrijkheid", steering rows (inputs, like Table 1). The rest of those who do not call
a mode "(Zeer) belangrijk" call it "Matig belangrijk". The appendix's "(Zeer) belangrijk" column
holds Table 1's "(Zeer) gewenst" figures (rules 8 and 18), so the model reads its scale as how much
a mode is desired: "rejected" for "niet/nauwelijks", desired "only moderately" for "matig"."""
NEW_SECRETARY_REGISSEUR_FACTOR = 1.5
"""Secretaries appointed from 2015 on are more 'managerial' (report §3.2: 'Ik ben aangenomen om
deze veranderingen te bewerkstelligen'). Assumption on the size."""


def new_secretary_regisseur_share(params: dict) -> float:
    """Chance that a secretary appointed during the run is regisseur (report §3.2)."""
    return min(1.0, params["regisseur_share"] * NEW_SECRETARY_REGISSEUR_FACTOR)


def draw_desired(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw how much each of ``n`` secretaries desires each mode, per domain.

    One uniform number u per secretary and mode is compared with both domains' shares, so the
    answers for the two domains are as correlated as the tables allow (secretaries mostly keep
    the same view across domains, report §3.4): a mode is "(zeer) gewenst" when u is below its
    Table 1 share, rejected ("niet/nauwelijks belangrijk", appendix) when u is in the top
    `APPENDIX_REJECTED` share, "matig belangrijk" in between. Every secretary desires at least
    one mode.

    Returns:
        ``(desires, rejected)``: (n, 2, 4) booleans, "(zeer) gewenst" and
        "niet/nauwelijks belangrijk".
    """
    return desires_from(rng.random((n, 4)))


def desires_from(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`draw_desired` from its uniform numbers ``u`` (n, 4), one per secretary and mode."""
    desires = u[:, None, :] < TABLE1_DESIRED.T[None, :, :]
    for d in range(2):
        none = ~desires[:, d, :].any(axis=1)
        if none.any():
            ratio = u[none] / TABLE1_DESIRED[:, d][None, :]
            desires[np.flatnonzero(none), d, np.argmin(ratio, axis=1)] = True
    rejected = (u[:, None, :] >= 1.0 - APPENDIX_REJECTED.T[None, :, :]) & ~desires
    return desires, rejected


def draw_role(
    desires: np.ndarray, rng: np.random.Generator, fixed: np.ndarray | None = None
) -> np.ndarray:
    """Preferred role: comfortable role of one of the modes desired in the social domain.

    ``fixed`` (n,): a role a scenario sets (index into `ROLES`; -1 where the role is drawn).
    The draws are made either way, so fixing one municipality's role changes no other's.
    """
    return role_from(desires, rng.random(desires[:, 0, :].shape), fixed)


def role_from(desires: np.ndarray, u: np.ndarray, fixed: np.ndarray | None = None) -> np.ndarray:
    """`draw_role` from its uniform numbers ``u`` (n, 4)."""
    weights = desires[:, 0, :] * u
    role = np.argmax(weights, axis=1).astype(np.int8)
    if fixed is not None:
        role = np.where(fixed >= 0, fixed, role).astype(np.int8)
    return role


def draw_regisseur(
    n: int, share: float, rng: np.random.Generator, fixed: np.ndarray | None = None
) -> np.ndarray:
    """Stance (n,): True for a regisseur, with chance ``share``.

    ``fixed`` (n,): 1/0 where a scenario sets regisseur/coach, -1 where it is drawn (the draws
    are made either way).
    """
    return regisseur_from(rng.random(n), share, fixed)


def regisseur_from(u: np.ndarray, share: float, fixed: np.ndarray | None = None) -> np.ndarray:
    """`draw_regisseur` from its uniform numbers ``u`` (n,)."""
    drawn = u < share
    if fixed is None:
        return drawn
    return np.where(fixed >= 0, fixed == 1, drawn)


def desired_mix(
    desires: np.ndarray,
    role: np.ndarray,
    comfort_weight: float = 0.5,
    undesired_weight: float = 0.0,
    rejected: np.ndarray | None = None,
) -> np.ndarray:
    """Desired steering mix (n, 2, 4) from the desired modes and the preferred role.

    ``comfort_weight`` (parameter ``comfort_mode_weight``) goes to the mode the secretary's
    preferred role is comfortable with (report §1.8: most mix roles "met voorkeur voor één
    bepaalde rol"); the rest is spread over the modes with weight 1 for a desired mode and
    ``undesired_weight`` (parameter ``undesired_mode_weight``) for one that is only "matig
    belangrijk" (appendix table; "De vier kwadranten zijn alle in enigerlei mate van belang",
    report §2.2) and 0 for one in ``rejected`` ("niet/nauwelijks belangrijk"; None: no mode is).
    """
    weight = np.where(desires, 1.0, float(undesired_weight))
    if rejected is not None:
        weight = np.where(rejected, 0.0, weight)
    spread = weight / weight.sum(axis=2, keepdims=True)
    comfort = np.zeros_like(spread)
    comfort[np.arange(len(role)), :, role] = 1.0
    return (1.0 - comfort_weight) * spread + comfort_weight * comfort


@dataclass
class SecretaryArrays:
    """Per-municipality state of the secretaries.

    Attributes:
        role: Index into `ROLES`.
        regisseur: Directs the implementation (else coach/adviser).
        appointed_step: Step of appointment (<= 0: before the model starts).
        desires: (n, 2, 4) modes desired per domain (Table 1).
        rejected: (n, 2, 4) modes called "niet/nauwelijks belangrijk" (appendix table).
        desired_mix: (n, 2, 4) desired steering mix per domain.
        satisfaction: (n, 2) satisfaction with the implementation per domain, 0-1.
        satisfaction_at_entry: (n, 2) satisfaction in the month of entry into force (NaN before).
    """

    role: np.ndarray
    regisseur: np.ndarray
    appointed_step: np.ndarray
    desires: np.ndarray
    desired_mix: np.ndarray
    satisfaction: np.ndarray
    satisfaction_at_entry: np.ndarray
    rejected: np.ndarray

    @classmethod
    def create(
        cls,
        n: int,
        regisseur_share: float,
        rng: np.random.Generator,
        comfort_weight: float = 0.5,
        undesired_weight: float = 0.0,
        fixed_role: np.ndarray | None = None,
        fixed_regisseur: np.ndarray | None = None,
    ) -> SecretaryArrays:
        """Draw ``n`` secretaries.

        ``fixed_role`` and ``fixed_regisseur`` (n,) are the roles and stances a scenario sets
        (-1: drawn; `model.levers.LeverArrays`).
        """
        desires, rejected = draw_desired(n, rng)
        role = draw_role(desires, rng, fixed_role)
        return cls(
            role=role,
            regisseur=draw_regisseur(n, regisseur_share, rng, fixed_regisseur),
            appointed_step=-rng.integers(0, 120, n),
            desires=desires,
            desired_mix=desired_mix(desires, role, comfort_weight, undesired_weight, rejected),
            satisfaction=np.full((n, 2), 0.5),
            satisfaction_at_entry=np.full((n, 2), np.nan),
            rejected=rejected,
        )

    def replace(
        self,
        rows: np.ndarray,
        rng: np.random.Generator,
        params: dict,
        fixed_role: np.ndarray,
        fixed_regisseur: np.ndarray,
        step: int,
    ) -> None:
        """New secretaries in ``rows`` (ascending): new role, desires and stance (report §3.2).

        New secretaries are more often regisseur ("managerial", `NEW_SECRETARY_REGISSEUR_FACTOR`).
        A role or stance the scenario sets (``fixed_role``, ``fixed_regisseur`` (n,), -1 where
        drawn; `model.levers`) stays: it is the choice the scenario asks about, whoever holds
        the post. Each new secretary takes nine uniform numbers in turn (desires, role, stance),
        so replacing several at once draws what replacing them one by one would.
        """
        rows = np.asarray(rows, dtype=np.int64)
        u = rng.random((len(rows), 9))
        desires, rejected = desires_from(u[:, :4])
        role = role_from(desires, u[:, 4:8], fixed_role[rows])
        self.desires[rows] = desires
        self.rejected[rows] = rejected
        self.desired_mix[rows] = desired_mix(
            desires, role, params["comfort_mode_weight"], params["undesired_mode_weight"], rejected
        )
        self.role[rows] = role
        share = new_secretary_regisseur_share(params)
        self.regisseur[rows] = regisseur_from(u[:, 8], share, fixed_regisseur[rows])
        self.appointed_step[rows] = step

    def take_up(
        self,
        fixed_role: np.ndarray,
        fixed_regisseur: np.ndarray,
        params: dict,
    ) -> None:
        """The serving secretaries take up the role and stance a rule sets from this month.

        ``fixed_role`` and ``fixed_regisseur`` (n,) are -1 where nothing changes (the secretary
        keeps the role and stance held). A new role moves the comfortable mode of the desired
        mix (`desired_mix`); the desires themselves are the person's and stay. No random
        numbers are drawn, so a rule that starts mid-run leaves every stream where it was.
        """
        rows = np.flatnonzero(fixed_role >= 0)
        if len(rows):
            role = fixed_role[rows].astype(self.role.dtype)
            self.role[rows] = role
            self.desired_mix[rows] = desired_mix(
                self.desires[rows],
                role,
                params["comfort_mode_weight"],
                params["undesired_mode_weight"],
                self.rejected[rows],
            )
        stance = fixed_regisseur >= 0
        self.regisseur[stance] = fixed_regisseur[stance] == 1


class Secretary(ArrayAgent):
    """The municipal secretary of one municipality (DESIGN §2)."""

    role_index = Column("secretaries", "role", "Index into ROLES.")
    regisseur = Column("secretaries", "regisseur", "Directs the implementation (else coach).")
    appointed_step = Column("secretaries", "appointed_step", "Step of appointment.")
    desired_mix = Column("secretaries", "desired_mix", "(2, 4) desired steering mix.")
    satisfaction = Column("secretaries", "satisfaction", "(2,) satisfaction per domain.")

    @property
    def role(self) -> str:
        """Preferred role name (advocate, executor, connector, changer)."""
        return ROLES[self.role_index]

    @property
    def agenda(self) -> bool:
        """Whether the secretary has an own content agenda."""
        return ROLE_AGENDA[self.role_index]

    @property
    def focus(self) -> str:
        """Focus: internal organisation, college or network."""
        return ROLE_FOCUS[self.role_index]

    @property
    def stance(self) -> str:
        """``"regisseur"`` or ``"coach"``."""
        return "regisseur" if self.regisseur else "coach"

    @property
    def appointed_after_2015(self) -> bool:
        """Tenure: appointed on or after 1 Jan 2015 (report §3.2)."""
        return self.appointed_step >= self.model.calendar.step_of("2015-01-01")

    def replace(self, rng: np.random.Generator) -> None:
        """A new secretary is appointed: new role, desires and stance (report §3.2).

        New secretaries are more often regisseur ("managerial"). A role or stance the scenario
        sets for this municipality (`model.levers`) stays: it is the choice the scenario asks
        about, whoever holds the post.
        """
        model = self.model
        model.secretaries.replace(
            np.array([self.row]),
            rng,
            model.params,
            model.levers.role,
            model.levers.regisseur,
            model.steps,
        )
        self.model.log_event(self.row, "new_secretary", role=self.role, stance=self.stance)

    def describe(self) -> dict[str, Any]:
        """Plain data for a drill-down view."""
        return {
            "role": self.role,
            "agenda": self.agenda,
            "focus": self.focus,
            "stance": self.stance,
            "appointed_after_2015": self.appointed_after_2015,
            "desired_social": dict(zip(MODES, self.desired_mix[0].round(2).tolist(), strict=True)),
            "desired_physical": dict(
                zip(MODES, self.desired_mix[1].round(2).tolist(), strict=True)
            ),
            "satisfaction": self.satisfaction,
            "levers": {
                name: round(float(values[self.row]), 3)
                for name, values in self.model.levers.values.items()
            },
        }
