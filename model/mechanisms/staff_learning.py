"""Staff workload, learning and adoption of the new way of working (patterns P1, P6)."""

from __future__ import annotations

import numpy as np

from govsim.agents.staff import StaffArrays
from govsim.model.ufuncs import clip

N_TEAMS = 3  # social, physical, other
RESISTER_CEILING = 0.5
"""Readiness a resister does not get beyond: "niet iedereen zal naar verwachting de benodigde
verandering kunnen maken" (report §3.2). Assumption on the level."""
ADOPTION_THRESHOLD = 0.3
"""Readiness below which nobody adopts the new way: the new competences are not there yet
("de bestaande mensen beschikken niet automatisch over nieuwe competenties", report §4.4).
Assumption."""


def team_index(staff: StaffArrays) -> np.ndarray:
    """Team of each staff member: municipality × domain, flattened (municipality * 3 + domain)."""
    return staff.municipality * N_TEAMS + staff.domain


def team_adoption(staff: StaffArrays, n_municipalities: int) -> np.ndarray:
    """Share of each team (M, 3) that works the new way."""
    idx = team_index(staff)
    size = np.bincount(idx, minlength=n_municipalities * N_TEAMS)
    adopted = np.bincount(idx, weights=staff.adopted, minlength=n_municipalities * N_TEAMS)
    return (adopted / np.maximum(size, 1)).reshape(n_municipalities, N_TEAMS)


def instrument_load(
    work: np.ndarray, learning: np.ndarray, instrument_learning: float
) -> np.ndarray:
    """Workload (M, n_instruments) that transition work puts on top of the regular work.

    Work on an instrument that carries behaviour change (``learning`` (n_instruments,) 1) is the
    change itself where a municipality uses it that way, so that share (``instrument_learning``)
    does not come on top: Kampen uses "het traject voor het opstellen van instrumenten uit de
    Omgevingswet (omgevingsvisie en omgevingsplan) om de gedragsverandering te realiseren"
    ("omgekeerd interveniëren", report §4.4).
    """
    return work * (1.0 - instrument_learning * learning)[None, :]


def _team_work(transition_work: np.ndarray) -> np.ndarray:
    """Transition work (M, 3) per team: the two domains' and a third of their mean for "other"."""
    m, k = transition_work.shape
    team_work = np.empty((m, k + 1))
    team_work[:, :k] = transition_work
    team_work[:, k] = transition_work.sum(axis=1) / k / 3.0  # sum / count: what mean computes
    return team_work


def update_workload(staff: StaffArrays, transition_work: np.ndarray, load: float) -> None:
    """Workload in place: regular work (1) plus implementation on top (report §3.2).

    "de implementatie zorgt voor een grote druk op de ambtelijke organisatie, omdat het een extra
    taak is, boven op de reguliere werkzaamheden". ``transition_work`` (M, 2) is the effort a
    domain puts into transition; staff outside the two domains carry a third of the mean.
    """
    team_work = _team_work(transition_work)
    staff.workload[:] = 1.0 + load * team_work[staff.municipality, staff.domain]


def team_specialists(staff: StaffArrays, n_municipalities: int) -> np.ndarray:
    """Share of specialists (M, 2) in each municipality's social and physical team."""
    idx = team_index(staff)
    size = np.maximum(np.bincount(idx, minlength=n_municipalities * N_TEAMS), 1)
    general = np.bincount(idx, weights=staff.generalist, minlength=n_municipalities * N_TEAMS)
    return (1.0 - general / size).reshape(n_municipalities, N_TEAMS)[:, :2]


def learning_input(
    transformation_work: np.ndarray,
    organisation_change: np.ndarray,
    role_example: np.ndarray,
    joint_training: np.ndarray,
    params: dict,
    instrument_work: np.ndarray | None = None,
) -> np.ndarray:
    """Learning input per team (M, 3) from training, the secretary's example and the work.

    Report §4.4: information sharing (congresses, lectures, presentations) "is maar beperkt
    effectief; veel effectiever is het om de ambtelijke organisatie zelf aan de slag te laten gaan
    (en daarop feedback te krijgen)" (P6). "Geef het juiste voorbeeld": connectors and changers
    set the example and link the decentralisations to organisation change (report §4.4, §5.5).
    ``joint_training`` (2,) is extra training bought regionally (report §4.5, De6). Work on the
    instruments that carry behaviour change (``instrument_work`` (M, 2): the omgevingsvisie,
    the omgevingsplan, the social teams) counts at ``instrument_learning``: Kampen uses "het
    traject voor het opstellen van instrumenten uit de Omgevingswet ... om de
    gedragsverandering te realiseren" (§4.4), so transition work does not only crowd out
    transformation.
    """
    doing = params["learning_by_doing_share"]
    method = doing + (1.0 - doing) * params["lecture_effectiveness"]
    training = clip(params["training_intensity"] + np.append(joint_training, 0.0), 0.0, 1.0)
    example = 1.0 + params["role_example_weight"] * role_example
    domain_work = transformation_work
    if instrument_work is not None:
        domain_work = transformation_work + params["instrument_learning"] * instrument_work
    work = np.column_stack([np.minimum(domain_work, 1.0), organisation_change])
    return training[None, :] * method * example[:, None] * (0.15 + 0.85 * work)


def spread_organisation_change(
    team_input: np.ndarray, known: np.ndarray, spillover: float | np.ndarray
) -> np.ndarray:
    """Learning input (M, 3) once the organisation-wide change is spread over the teams.

    ``team_input`` is `learning_input`: the domain teams' input from their own transformation
    work, the rest of the organisation's (team 2) from the secretary's organisation change.
    A domain team learns from its own decentralisation once that is known. The organisation-wide
    change reaches the rest of the organisation, and a domain team whose decentralisation is
    not yet known, at ``spillover`` (parameter ``organisation_spillover``) of its strength:
    secretaries use the decentralisations as "een vehikel voor de gewenste cultuur- en
    organisatieverandering binnen de eigen organisatie" and some run them "niet per
    decentralisatie, maar als ... een organisatieveranderingstraject" (report §2.1); they link
    the Omgevingswet to "lopende organisatieveranderingstrajecten" (report §4.4). With spillover
    0 only the domain teams of known decentralisations learn.
    """
    out = np.empty_like(team_input)
    out[:, 2] = np.asarray(spillover) * team_input[:, 2]
    out[:, :2] = np.where(np.asarray(known)[None, :], team_input[:, :2], out[:, 2:3])
    return out


def mixed_spillover(spillover: float, integrality: np.ndarray) -> np.ndarray:
    """Spillover (M,) between teams once a secretary steers on integrality (lesson 5).

    Mixed teams bring it towards 1 ("Breng medewerkers van verschillende sectoren met elkaar in
    gesprek ... Geef medewerkers die betrokken zijn geweest bij de 3D's ook een rol in de
    implementatie van de Omgevingswet", report §5.5).
    """
    return spillover + (1.0 - spillover) * np.asarray(integrality)


def peer_share(team_share: np.ndarray, spillover: float | np.ndarray) -> np.ndarray:
    """Share of each team's peers (M, 3) who work the new way.

    A team's peers are its own members and, at ``spillover`` (parameter
    ``organisation_spillover``), the rest of the organisation: where the decentralisations are
    run as one organisation-wide change (report §2.1 'organisatieveranderingstraject'), the
    departments learn from each other, and the Omgevingswet builds on the 3D experience (report
    §4.4, box Kampen: "De gemeente Kampen kiest ervoor om te leren van de invoering van de 3D's";
    the report's aim is that "Bij de Omgevingswet kan geleerd worden van de" 3D, §1.1).
    """
    organisation = team_share.mean(axis=1, keepdims=True)
    s = np.reshape(spillover, (-1, 1)) if np.ndim(spillover) else spillover
    return (1.0 - s) * team_share + s * organisation


def train_staff(
    staff: StaffArrays, team_input: np.ndarray, team_share: np.ndarray, params: dict
) -> None:
    """Readiness in place: training, the example and colleagues raise it (P6).

    Resisters learn at half speed and not beyond `RESISTER_CEILING` ("er is een groep met
    weerstand", report §4.4; a resister who starts above it keeps the level); competence
    scales learning; colleagues who already work the new way bring others along, in proportion
    to the team's adoption share (learning by doing together, report §4.4).
    """
    m, k = staff.municipality, staff.domain
    gain = params["learning_rate"] * team_input[m, k] * staff.competence
    gain *= np.where(staff.resister, 0.5, 1.0) * (1.0 - staff.readiness)
    peer = params["peer_influence"] * team_share[m, k] * (1.0 - staff.readiness)
    staff.readiness += gain + peer
    ceiling = np.where(
        staff.resister, np.maximum(RESISTER_CEILING, staff.readiness - gain - peer), 1.0
    )
    clip(staff.readiness, 0.0, ceiling, out=staff.readiness)


def adopt_and_revert(staff: StaffArrays, params: dict, rng: np.random.Generator) -> None:
    """Adoption and reversion in place (report §3.2, §4.4; P6).

    Staff whose readiness exceeds `ADOPTION_THRESHOLD` adopt the new way unless overloaded,
    faster the readier they are; adopters revert "vroeger of later" to their
    comfort zone, more so when overloaded, resisting or not really ready ("de bestaande mensen
    beschikken niet automatisch over nieuwe competenties en zijn geneigd om zich ... te
    herstellen en terug te keren naar hun comfortzone").
    """
    overload = clip(staff.workload - 1.0, 0.0, 1.0)
    draw = rng.random(staff.n)
    ready = clip((staff.readiness - ADOPTION_THRESHOLD) / (1.0 - ADOPTION_THRESHOLD), 0.0, 1.0)
    p_adopt = params["adoption_rate"] * ready * (1.0 - overload)
    p_adopt *= np.where(staff.resister, 0.4, 1.0) * np.where(staff.generalist, 1.2, 1.0)
    p_revert = params["reversion_rate"] * (
        overload + np.where(staff.resister, 1.0, 0.0) + (1.0 - staff.readiness)
    )
    new = ~staff.adopted & (draw < p_adopt)
    revert = staff.adopted & (draw < p_revert)
    staff.adopted[new] = True
    staff.adopted[revert] = False
    staff.adoptions[new] += 1
