"""Urgency, time pressure and attention (patterns P1, P4, P9, P11)."""

from __future__ import annotations

import numpy as np

from model.timeline import CompiledTimeline


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


def time_pressure(
    transition: np.ndarray,
    capacity: np.ndarray,
    ct: CompiledTimeline,
    step: int,
    target: np.ndarray,
    params: dict,
) -> np.ndarray:
    """Time pressure (M, 2): pace needed to reach ``target`` (2,) by the next deadline vs. capacity.

    Report §3.3 and Kader 10: for the 3D "De termijn voor de invoering was ... te krap"; time
    pressure "dwong gemeenten te starten met de transitie" (P1). ``target`` is what must be in
    place at the next deadline (`expected_transition` at that deadline). After entry into force
    without a completion date, remaining gaps must be closed within a year.
    """
    months = months_to_deadline(ct, step)
    months = np.where(months > 0, months, 12.0)
    required = np.maximum(target[None, :] - transition, 0.0) / months[None, :]
    achievable = params["transition_rate"] * capacity[:, None]
    cred = deadline_credibility(ct, step, params["postponement_credibility_loss"])
    pressure = np.clip(required / achievable, 0.0, 1.0) * cred[None, :]
    return np.where(ct.known[step][None, :], pressure, 0.0)


def update_attention(
    attention: np.ndarray,
    engagement: np.ndarray,
    urgency: np.ndarray,
    incident_pressure: np.ndarray,
    risk_aversion: np.ndarray,
    params: dict,
    known: np.ndarray | None = None,
) -> None:
    """College or council attention (M, 2), in place: renewed by urgency, decays without it.

    Report §3.2: "Over de betrokkenheid bij de Omgevingswet wordt ... gezegd dat het lastig is om
    de aandacht vast te houden, door het vooruitschuiven van het moment van de implementatie"
    (P4). Renewal scales with each body's ``engagement`` (M,). Incidents renew attention in
    proportion to risk aversion (report §3.3). Without urgency attention decays towards
    ``attention_floor`` once the domain's task is known (``known`` (2,); all known when None),
    towards 0 before: a decentralisation on the agenda keeps a college and council involved
    ("Veel gemeenten zien betrokkenheid van het college en de gemeenteraad bij de 3D's ... en de
    Omgevingswet", report §3.2, table 4), but the energy of a deadline fades.
    """
    u = urgency[None, :] if urgency.ndim == 1 else urgency
    floor = params["attention_floor"] * (np.ones(2) if known is None else np.asarray(known, float))
    renew = params["attention_renewal"] * engagement[:, None] * u * (1.0 - attention)
    decay = params["attention_decay"] * (1.0 - u) * (attention - floor[None, :])
    shock = 0.2 * risk_aversion[:, None] * np.minimum(incident_pressure, 1.0) * (1.0 - attention)
    attention += renew - decay + shock
    np.clip(attention, 0.0, 1.0, out=attention)
