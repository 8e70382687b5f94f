"""Urgency, time pressure and attention (patterns P1, P4, P9, P11)."""

from __future__ import annotations

import numpy as np

from govsim.model.timeline import CompiledTimeline
from govsim.model.ufuncs import clip


def deadline_credibility(ct: CompiledTimeline, step: int, loss: float) -> np.ndarray:
    """Credibility (2,) of each domain's announced deadline: every postponement costs ``loss``.

    Report Kader 10: "Extra uitstel leidt tot kritiek ... Door uitstel is het lastiger om het
    thema op de agenda te houden" (P4).
    """
    return (1.0 - loss) ** ct.postponements[step]


def months_to_deadline(ct: CompiledTimeline, step: int) -> np.ndarray:
    """Months (2,) to the next deadline: entry into force, then completion; 0 when past both."""
    entry = ct.entry_step[step]
    target = np.where(step < entry, entry, ct.completion_step)
    return np.maximum(target - step, 0).astype(np.float64)


def national_urgency(ct: CompiledTimeline, step: int, params: dict) -> np.ndarray:
    """Felt urgency (2,) per domain from the national timeline (P4, P9).

    Urgency rises as the deadline nears (half at ``urgency_horizon_months``), is scaled by the
    deadline's credibility, stays at least at ``post_entry_urgency`` once the law is in force,
    fades with half-life ``post_entry_half_life_months`` once the completion date has passed
    (after the transition "ontstaan er wensen om meer maatwerk per gemeente", report §4.5), and
    is zero before the task is known. In the physical domain an unfinished national DSO lowers it:
    "Onzekerheid ten aanzien rijkseisen en uitstel maken handelen minder urgent" (report
    Kader 10); the Omgevingswet's lead time was "te ruim en te fluide om de energie ... vast te
    houden" (report §3.3).
    """
    cred = deadline_credibility(ct, step, params["postponement_credibility_loss"])
    months = months_to_deadline(ct, step)
    felt = cred / (1.0 + months / params["urgency_horizon_months"])
    in_force = step >= ct.entry_step[step]
    after = params["post_entry_urgency"] * cred
    since = np.maximum(step - ct.completion_step, 0)
    faded = after * 0.5 ** (since / params["post_entry_half_life_months"])
    complete = step >= ct.completion_step
    urgency = np.where(complete, faded, np.where(in_force, np.maximum(felt, after), felt))
    urgency[1] *= 1.0 - params["dso_uncertainty_weight"] * (1.0 - ct.dso_availability[step])
    return np.where(ct.known[step], urgency, 0.0)


COACHED_COUNCIL_SHARE = 0.5
"""Share of the secretary's coaching that reaches the council, through the griffie (report §1.8
"Hij/zij betrekt de gemeenteraad erbij via de griffier"; §4.4 "Investeer in de griffie").
Assumption."""


def attention_drive(
    urgency: np.ndarray, agenda: np.ndarray, coaching: np.ndarray, known: np.ndarray
) -> np.ndarray:
    """What renews a college's or council's attention (M, 2), 0-1, per known domain.

    Any of three (a probabilistic 'or'): the national deadline's urgency (P4: "lastig om de
    aandacht vast te houden, door het vooruitschuiven van het moment van de implementatie",
    §3.2); the organisation's own strategy putting the domain on the agenda (``agenda`` (M, 2),
    `strategy.strategy_agenda`); and the secretary's coaching (``coaching`` (M,), lesson 6
    "Coach het college. Houd het bestuur scherp op zijn rol" and lesson 4 "Houd wel de
    aandacht van college en gemeenteraad vast", §5.5). Nothing renews an unknown domain.
    """
    u = np.asarray(urgency, dtype=np.float64)[None, :]
    drive = 1.0 - (1.0 - u) * (1.0 - agenda) * (1.0 - np.asarray(coaching)[:, None])
    return drive * np.asarray(known, dtype=np.float64)[None, :]


def update_attention(
    attention: np.ndarray,
    engagement: np.ndarray,
    drive: np.ndarray,
    incident_pressure: np.ndarray,
    risk_aversion: np.ndarray,
    params: dict,
) -> None:
    """College or council attention (M, 2), in place: renewed by its ``drive``, decays without.

    Report §3.2: "Over de betrokkenheid bij de Omgevingswet wordt ... gezegd dat het lastig is om
    de aandacht vast te houden, door het vooruitschuiven van het moment van de implementatie"
    (P4). Renewal scales with each body's ``engagement`` (M,) and its ``drive`` (M, 2,
    `attention_drive`); without drive attention decays towards zero, so a college whose
    organisation waits and whose secretary does not coach loses the subject. Incidents renew
    attention in proportion to risk aversion (report §3.3).
    """
    renew = params["attention_renewal"] * engagement[:, None] * drive * (1.0 - attention)
    decay = params["attention_decay"] * (1.0 - drive) * attention
    shock = 0.2 * risk_aversion[:, None] * np.minimum(incident_pressure, 1.0) * (1.0 - attention)
    attention += renew - decay + shock
    clip(attention, 0.0, 1.0, out=attention)
