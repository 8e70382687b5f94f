"""The transition made of its instruments: what a municipality must put in place per domain.

The report defines the transition as putting the new tasks and instruments in place (Kader 2:
"Het inregelen van de nieuwe taken, eisen en verantwoordelijkheden"; for the Omgevingswet "het
tijdig opstellen van de nieuwe instrumenten uit de Omgevingswet (omgevingsvisie,
omgevingsplan, etc.)", §1.3). A domain's transition progress is the plain mean of its
instruments' progress; each instrument has its own deadline, its own national precondition and
its own need for regional pooling and specialists, so only what needs the DSO waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ENTRY, COMPLETION = "entry", "completion"
RULES, DSO = "rules", "dso"


@dataclass(frozen=True)
class Instrument:
    """One part of a domain's transition.

    Attributes:
        name: Identifier (indicator ``instrument_<name>``, snapshot column).
        domain: 0 social (3D), 1 physical (Omgevingswet).
        due: ``"entry"`` (in place at entry into force) or ``"completion"`` (by the completion
            date; for the 3D both are 1 January 2015).
        national: ``"rules"`` (part of it waits for the national rules: parameter
            ``rules_share``), ``"dso"`` (all of it waits for the national DSO) or None.
        pooling: How much regional cooperation pools the capacity for it (0-1, times
            ``pooling_gain``).
        specialist: Whether it needs specialists (negotiators, planners, lawyers).
        learning: Whether working on it carries behaviour change (parameter
            ``instrument_learning``; Kampen, report §4.4).
        nl: Dutch label.
        en: English label.
        source: Report passage.
    """

    name: str
    domain: int
    due: str
    national: str | None
    pooling: float
    specialist: bool
    learning: bool
    nl: str
    en: str
    source: str


INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(
        "care_procurement",
        0,
        ENTRY,
        RULES,
        1.0,
        True,
        False,
        "inkoop van zorg",
        "procurement of care",
        "§1.1 'inkoop van zorg en ondersteuning'; §4.5 'Om de complexe diensten te kunnen "
        "inkopen hebben veel gemeenten ervoor gekozen om dit in regionaal verband te doen'; §4.4 "
        "'stevige onderhandelaars ... die kunnen onderhandelen met de zorgaanbieders'",
    ),
    Instrument(
        "access_teams",
        0,
        ENTRY,
        RULES,
        0.0,
        False,
        True,
        "toegang en wijkteams",
        "access and social teams",
        "§1.2 'het anders organiseren van de toegang tot collectief gefinancierde zorg'; §1.1 "
        "'Het verder ontwikkelen van de sociale teams'; §2.3 'meer generalistische competenties'",
    ),
    Instrument(
        "care_budgets",
        0,
        ENTRY,
        RULES,
        0.5,
        False,
        False,
        "budgetten en administratie",
        "budgets and administration",
        "Kader 10 'Inregelen van budgetten en garanderen van de zorg'; §2.3 'gemeenschappelijke "
        "uitvoeringsorganisaties'; the 2015 budgets followed the May circular of 2014",
    ),
    Instrument(
        "omgevingsvisie",
        1,
        COMPLETION,
        None,
        0.5,
        False,
        True,
        "omgevingsvisie",
        "environmental vision",
        "§1.3; §2.3 'Veel gemeenten zitten in het stadium van het ontwikkelen van een eigen "
        "visie'; §4.2 the vision trajectory as 'een instrument om meer tijd te investeren in die "
        "samenwerking'; §4.5 'een gedeelde ruimtelijke agenda of omgevingsvisie'",
    ),
    Instrument(
        "omgevingsplan",
        1,
        COMPLETION,
        RULES,
        0.25,
        True,
        True,
        "omgevingsplan",
        "environmental plan",
        "§1.3; §4.2 'Formuleer een visie ... Vervolgens kun je de visie vertalen in wet- en "
        "regelgeving'; §4.3 'nog niet alle bestemmingsplannen volwaardig gedigitaliseerd'",
    ),
    Instrument(
        "permit_process",
        1,
        ENTRY,
        RULES,
        0.5,
        False,
        False,
        "vergunningverlening (26 naar 8 weken)",
        "permit process (26 to 8 weeks)",
        "§1.1 'sneller en flexibeler, de termijn van vergunningverlening gaat van 26 naar 8 "
        "weken'; §1.3 'nee, tenzij' becomes 'ja, mits'; §4.5 the omgevingsdiensten",
    ),
    Instrument(
        "dso_connection",
        1,
        ENTRY,
        DSO,
        1.0,
        False,
        False,
        "aansluiting op het DSO",
        "connection to the DSO",
        "§4.3 'Het DSO wordt ontwikkeld langs een landelijke en een gemeentelijke lijn'; §4.5 "
        "Drechtsteden: 'In geval van complexe zaken, zoals de invoering van het digitale stelsel "
        "... is dat een enorm voordeel'; 'een gezamenlijk project gericht op de invoering van het "
        "digitale stelsel'",
    ),
)
"""The instruments in a fixed order (social first); a domain's transition is their mean."""

NAMES: tuple[str, ...] = tuple(i.name for i in INSTRUMENTS)
DOMAIN_OF: np.ndarray = np.array([i.domain for i in INSTRUMENTS], dtype=np.int64)
POOLING: np.ndarray = np.array([i.pooling for i in INSTRUMENTS])
SPECIALIST: np.ndarray = np.array([i.specialist for i in INSTRUMENTS])
LEARNING: np.ndarray = np.array([i.learning for i in INSTRUMENTS], dtype=np.float64)
DUE_AT_ENTRY: np.ndarray = np.array([i.due == ENTRY for i in INSTRUMENTS])
NEEDS_RULES: np.ndarray = np.array([i.national == RULES for i in INSTRUMENTS])
NEEDS_DSO: np.ndarray = np.array([i.national == DSO for i in INSTRUMENTS])
DSO_INDEX: int = NAMES.index("dso_connection")
VISION_INDEX: int = NAMES.index("omgevingsvisie")
PLAN_INDEX: int = NAMES.index("omgevingsplan")
ACCESS_INDEX: int = NAMES.index("access_teams")
COUNT_PER_DOMAIN: np.ndarray = np.bincount(DOMAIN_OF, minlength=2).astype(np.float64)
_DOMAIN_COLUMNS: tuple[slice, slice] = (
    slice(0, int(COUNT_PER_DOMAIN[0])),
    slice(int(COUNT_PER_DOMAIN[0]), len(INSTRUMENTS)),
)
"""Each domain's instruments as a column slice (social first, `INSTRUMENTS`)."""
_DOMAIN_COUNTS: tuple[int, int] = (int(COUNT_PER_DOMAIN[0]), int(COUNT_PER_DOMAIN[1]))
assert (DOMAIN_OF == np.repeat([0, 1], COUNT_PER_DOMAIN.astype(int))).all(), "social first"


def domain_mean(values: np.ndarray) -> np.ndarray:
    """Mean (M, 2) over each domain's instruments of ``values`` (M, n_instruments)."""
    out = np.empty((values.shape[0], 2))
    for d, columns in enumerate(_DOMAIN_COLUMNS):  # sum / count: what ``mean`` computes
        out[:, d] = values[:, columns].sum(axis=1) / _DOMAIN_COUNTS[d]
    return out


def by_instrument(domain_values: np.ndarray) -> np.ndarray:
    """Spread (M, 2) per-domain values to the instruments (M, n_instruments)."""
    return domain_values[:, DOMAIN_OF]
