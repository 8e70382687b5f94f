"""Effort allocation and transition production, with the DSO (patterns P1, P5, P8, P9)."""

from __future__ import annotations

import numpy as np


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


def secretary_attention_split(urgency: np.ndarray, role_example: np.ndarray) -> np.ndarray:
    """Secretary's attention (M, 3) over social, physical and organisation change.

    Attention follows urgency; secretaries who link the decentralisations to organisation change
    (changers, connectors) give that link a larger share (report §1.8, §5.5 "koppel de
    decentralisaties aan de al ingezette organisatieveranderingen").
    """
    weights = np.column_stack(
        [
            np.full(len(role_example), 0.1 + urgency[0]),
            np.full(len(role_example), 0.1 + urgency[1]),
            0.2 + 0.6 * role_example,
        ]
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
    return np.clip(att * (1.0 + bonus * regisseur[:, None]), 0.0, 1.0)


def transition_effort(
    transition: np.ndarray, pressure: np.ndarray, focus_base: float
) -> np.ndarray:
    """Share of effort (M, 2) going to transition rather than transformation (P1, P8).

    Report §3.2: secretaries see transformation as the main task, "maar veelal ligt de focus in
    de organisatie nog op de transitie"; time pressure pushes effort further to transition
    (report §3.3, Kader 10). Once the transition is nearly done, effort turns to transformation.
    """
    share = focus_base + (1.0 - focus_base) * pressure
    return np.clip(share, 0.0, 1.0) * (1.0 - transition**4)


def produce_transition(
    transition: np.ndarray,
    capacity: np.ndarray,
    attention: np.ndarray,
    effort: np.ndarray,
    known: np.ndarray,
    dso_connection: np.ndarray,
    params: dict,
    urgency: np.ndarray | None = None,
) -> None:
    """Advance transition progress (M, 2) in place (report Kader 2, §1.3).

    Production is capacity × attention × effort × action on the remaining work. *Action*
    (`urgency_action`) is the part of the involved organisation's work that is actually done
    now: a share ``urgency_action_share`` of it waits for felt national ``urgency`` (2,)
    ("Wel betrokken, nog weinig sturing", report §3.2; "Onzekerheid ten aanzien rijkseisen en
    uitstel maken handelen minder urgent", Kader 10). The physical domain's
    share ``dso_share`` needs the DSO connection: the transition cannot complete before the
    national DSO is there ("Het digitale stelsel is de kurk waarop de Omgevingswet drijft",
    report §4.3; "Gemeenten wachten ten aanzien van de ICT-component af", P9).
    """
    action = urgency_action(urgency, params["urgency_action_share"])
    gain = params["transition_rate"] * capacity * attention * effort * action * (1.0 - transition)
    transition += np.where(known[None, :], gain, 0.0)
    ceiling = 1.0 - params["dso_share"] * (1.0 - dso_connection)
    np.minimum(transition[:, 1], ceiling, out=transition[:, 1])
    np.clip(transition, 0.0, 1.0, out=transition)


def urgency_action(urgency: np.ndarray | None, share: float) -> np.ndarray | float:
    """Part (2,) of the involved organisation's transition work done now: ``1 - share + share × u``.

    A decentralisation can have the college's and council's attention (Table 4: involved) while
    the work waits for the deadline to become real: the Omgevingswet's introduction was "nog
    maar" at 40% satisfaction "deels te verklaren door het verschil in hoe vergevorderd de
    invoering is" (report §2.3), its lead time "te ruim en te fluide" (§3.3). ``share`` 0 leaves
    production to involvement alone; ``urgency`` None means full urgency.
    """
    if urgency is None:
        return 1.0
    return 1.0 - share + share * np.clip(np.asarray(urgency, dtype=np.float64), 0.0, 1.0)


def connect_dso(
    dso_connection: np.ndarray, attention: np.ndarray, availability: float, rate: float
) -> None:
    """Connect municipalities (M,) to the available part of the national DSO, in place (P9).

    Report §4.3: the DSO is built along a national and a municipal line; municipalities can only
    connect to what the national line has delivered ("In 2024 moeten alle oorspronkelijk beoogde
    digitale functies ... volledig beschikbaar zijn").
    """
    dso_connection += rate * attention * np.maximum(availability - dso_connection, 0.0)
    np.clip(dso_connection, 0.0, 1.0, out=dso_connection)


def expected_transition(
    known_step: np.ndarray, entry_step: np.ndarray, completion_step: np.ndarray, step: int
) -> np.ndarray:
    """Planned transition progress (2,) at ``step``.

    Where the law must be fully in place at entry into force (the 3D: "Per 1 januari 2015 moesten
    de gemeenten ervoor zorg dragen dat de noodzakelijke ondersteuning beschikbaar was", report
    §4.5), the plan is a straight line from 'task known' to entry. Where a completion date
    follows (the Omgevingswet: "De datum waarop de invoering moet zijn afgerond is ... 2029",
    report §1.1), `REQUIRED_AT_ENTRY` must be in place at entry and the rest by completion.
    """
    staged = completion_step > entry_step
    at_entry = np.where(staged, REQUIRED_AT_ENTRY, 1.0)
    before = at_entry * np.clip((step - known_step) / np.maximum(entry_step - known_step, 1), 0, 1)
    after = at_entry + (1.0 - at_entry) * np.clip(
        (step - entry_step) / np.maximum(completion_step - entry_step, 1), 0.0, 1.0
    )
    return np.where(step <= entry_step, before, after)


def next_deadline_target(
    entry_step: np.ndarray, completion_step: np.ndarray, step: int
) -> np.ndarray:
    """Transition (2,) that must be in place at the next deadline (entry, then completion)."""
    staged = completion_step > entry_step
    return np.where((step < entry_step) & staged, REQUIRED_AT_ENTRY, 1.0)


REQUIRED_AT_ENTRY = 0.5
"""Share of a staged transition required at entry into force (the minimum requirements for
entry; the rest in the transition period to completion). Assumption."""
