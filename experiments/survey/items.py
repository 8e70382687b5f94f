"""The items of the virtual questionnaire: how each question is answered from the model state.

The 2017 questionnaire (report Bijlage 2/3, "Van kader naar vragenlijst": seven parts, 63
sub-questions) asked every municipal secretary to rate items on five-point scales; the report
publishes them as Tables 1-5 and the appendix table (see ``data/README.md``). The virtual
questionnaire answers the same items for every simulated secretary.

**The instrument** (fixed, declared here, the same for every item):

1. Each item has a *latent score* in [0, 1] per municipality and domain: a documented function
   of the model state, built only from state variables that are themselves in [0, 1] and have a
   meaning on that scale (a share of staff, a progress, an attention, a steering weight). An item
   resting on several states takes their plain mean ("each contributes"), or their product where
   the report's passage needs both at once ("only together"). There are no per-item weights,
   intercepts or scales: nothing in this module is tuned to an observed figure.
2. Each respondent reads his or her latent score with *answer noise*: a normal error with
   standard deviation ``importance_noise`` (the appendix table, the secretary's valuation of
   the municipality's own strategy; see `IMPORTANCE_NOISE`), ``answer_noise`` (Table 4's
   judgements of the organisation, council and college, and the introduction of a law still
   ahead; see `ANSWER_NOISE`), ``satisfaction_noise`` (Table 3, satisfaction with a
   decentralisation in force; see `SATISFACTION_NOISE`) or ``change_noise`` (Table 5, the
   needed change; see `CHANGE_NOISE`): one number per part of the questionnaire whose
   judgements differ in kind, drawn independently per respondent, item and domain from a
   seeded generator.
3. The noisy score is placed on the five-point scale by equal-width bins (`LIKERT_CUTS`): 1
   below 0.2, 2 below 0.4, 3 below 0.6, 4 below 0.8, 5 above. The published categories are
   collapses of that scale: Table 3 keeps 1-5; the appendix table's three categories are 1-2
   "niet/nauwelijks belangrijk", 3 "matig belangrijk", 4-5 "(zeer) belangrijk"; the one-figure
   tables 1, 2, 4 and 5 publish the share in 4-5 ("(zeer) gewenst", "(zeer) belangrijk",
   "grote verandering nodig"), reported here as ``yes`` (with its complement ``no``).

Shorthand used in the item docs (per municipality, per domain d = social 0 / physical 1):
``T`` transition progress, ``F`` transformation progress, ``A`` share of the domain's staff
working the new way, ``C`` regional cooperation intensity, ``B`` budget pressure, ``P``
participation practice (share of citizens' initiatives facilitated), ``emph[mode]`` the
*emphasis* on a steering mode in the actual steering mix: its weight times the instrument's
``emphasis_scale`` k, capped at 1 (``min(1, k × weight)``; see `EMPHASIS_SCALE`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from govsim.agents.modes import MODES
from govsim.model.mechanisms.transition import pooled_capacity
from govsim.model.mechanisms.urgency import deadline_credibility

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.governance_model import GovernanceModel

DOMAINS: tuple[str, str] = ("social", "physical")

LIKERT_CUTS: tuple[float, float, float, float] = (0.2, 0.4, 0.6, 0.8)
"""Upper bounds of the answer categories 1-4 on the latent [0, 1] scale (equal-width bins).
Part of the instrument: the report's five-point scales are read as equal intervals."""

ANSWER_NOISE: float = 0.1
"""Standard deviation of a respondent's answer error on the latent [0, 1] scale (half a
category) for the judgements of others: Table 4 (is the organisation suitable, are council and
college involved, do they steer) and the satisfaction with the introduction of a law still
ahead (Table 3, Omgevingswet). Instrument parameter: its default is used until a calibration
supplies a value (``instrument.answer_noise`` in ``model/data/calibrated_parameters.json``),
because the model knows nothing about how precisely a secretary reads his or her own
organisation."""

IMPORTANCE_NOISE: float = 0.1
"""Standard deviation of the answer error on the appendix table, "Waardering van de strategie
in de gemeente naar mate van belangrijkheid" (and Table 2, which repeats it): how important
each element is in the municipality's strategy, a strategy the secretary shapes (report §3.2,
"Momenteel is de persoonlijke voorkeur vaak doorslaggevend"), so read more directly than the
behaviour of council and college in Table 4. Instrument parameter, calibrated with the model
(``instrument.importance_noise`` in ``model/data/calibrated_parameters.json``); 0.1 until
then."""

SATISFACTION_NOISE: float = 0.1
"""Standard deviation of the answer error on Table 3's satisfaction with a decentralisation that
has entered into force (in 2017: the 3D). Looking back on an implementation that has happened, a
secretary reads his or her own satisfaction directly; the introduction of a law still ahead (the
Omgevingswet, with its national system unknown) is a judgement like the other items and is read
with ``answer_noise``. Instrument parameter, calibrated with the model
(``instrument.satisfaction_noise`` in ``model/data/calibrated_parameters.json``); 0.1 until
then."""

CHANGE_NOISE: float = 0.1
"""Standard deviation of the answer error on Table 5, "Grote verandering nodig" (the
questionnaire's part "Inhoudelijke doelen", report Bijlage 3). These items ask how much a
secretary thinks must still change, a gap between the state and an ambition; the model has the
state but not each secretary's ambition ("sommige gemeentesecretarissen zijn van mening dat nog
meer integraliteit leidt tot té grote complexiteit", §3.2, next to the 35-51% who want more),
so the spread of ambitions around the common one adds to the reading error here and nowhere
else. Instrument parameter, calibrated with the model (``instrument.change_noise`` in
``model/data/calibrated_parameters.json``); 0.1 (as `ANSWER_NOISE`) until then."""

EMPHASIS_SCALE: float = 2.0
"""How a steering mode's weight in the actual mix reads on the latent importance scale:
``emph = min(1, k × weight)``. The steering mix is a composition (the four weights sum to 1),
while the survey's importance ratings are not (a secretary can call every quadrant important:
"De vier kwadranten zijn alle in enigerlei mate van belang", report §2.2). k = 2 puts a mode
with an equal share (1/4) at the middle of the scale ("matig"); k = 4 puts it at the top.
Instrument parameter: one number for every steering-based item, calibrated with the model
(``instrument.emphasis_scale`` in ``model/data/calibrated_parameters.json``); 2.0 until then."""

INSTRUMENT_DEFAULTS: dict[str, float] = {
    "answer_noise": ANSWER_NOISE,
    "importance_noise": IMPORTANCE_NOISE,
    "satisfaction_noise": SATISFACTION_NOISE,
    "change_noise": CHANGE_NOISE,
    "emphasis_scale": EMPHASIS_SCALE,
}
"""The instrument's free settings at their declared values (a calibration may replace them)."""

SPLIT_FROM: dict[str, str] = {"change_noise": "answer_noise", "importance_noise": "answer_noise"}
"""Instrument settings split off another one. A calibration that fits none of the tables a
split-off setting reads (`READ_WITH`) cannot inform it, so it is tied to the one it was split
from (``CalibrationSettings.tied_settings``)."""

READ_WITH: dict[str, frozenset[str]] = {
    "change_noise": frozenset({"table_5"}),
    "importance_noise": frozenset({"appendix_importance", "table_2"}),
}
"""The source tables whose figures a split-off setting (`SPLIT_FROM`) reads (the questionnaire
reads an item with it when the item appears in one of them); a calibration that fits none of
them cannot inform it (see ``CalibrationSettings.tied_settings``)."""

THREE = ("not_hardly", "moderately", "important")
"""Categories of the appendix importance table (1-2, 3, 4-5 on the five-point scale)."""
FIVE = ("1", "2", "3", "4", "5")
"""Categories of Table 3."""
BINARY = ("yes", "no")
"""Categories of the one-figure tables: ``yes`` = categories 4-5 of the five-point scale."""

DESIRED_LATENT = 0.8
UNDESIRED_LATENT = 0.5
REJECTED_LATENT = 0.2
"""Latent score of a steering mode a secretary desires ("(zeer) gewenst", Table 1), calls
"matig belangrijk" or "niet/nauwelijks belangrijk" (appendix table): the middle of each answer
band (input items only; they never count as fit)."""


@dataclass
class SurveyState:
    """The model state the questionnaire reads, per municipality (M) and domain (2).

    Built once per interview by `SurveyState.from_model`; every array is (M, 2) unless noted.
    Nothing here changes the model.
    """

    size_class: np.ndarray  # (M,)
    transition: np.ndarray
    transformation: np.ndarray
    mix: np.ndarray  # (M, 2, 4) actual steering mix
    desires: np.ndarray  # (M, 2, 4) bool, Table 1 (input)
    rejected: np.ndarray  # (M, 2, 4) bool, "niet/nauwelijks belangrijk" (appendix, input)
    desired_mix: np.ndarray  # (M, 2, 4)
    cooperation: np.ndarray
    budget: np.ndarray
    college_attention: np.ndarray
    council_attention: np.ndarray
    council_steering: np.ndarray
    college_stance: np.ndarray
    adoption: np.ndarray  # (M, 3) social, physical, other team
    readiness: np.ndarray  # (M, 3) mean readiness per team
    overload: np.ndarray  # (M, 3) mean overload (workload above regular) per team, 0-1
    pooled_capacity: np.ndarray
    satisfaction: np.ndarray
    satisfaction_at_entry: np.ndarray
    citizen_trust: np.ndarray  # mean trust of the citizens engaged in each domain
    citizen_capacity: np.ndarray  # mean capacity of the citizens engaged in each domain
    practice_quality: np.ndarray  # share of citizens' initiatives the municipality facilitates
    national_clarity: np.ndarray  # (2,) credibility of the deadline x availability of the system
    in_force: np.ndarray  # (2,) bool: the domain's decentralisation has entered into force
    emphasis_scale: float = EMPHASIS_SCALE

    @property
    def n(self) -> int:
        """Number of municipalities."""
        return len(self.size_class)

    def emph(self, mode: str) -> np.ndarray:
        """(M, 2) emphasis on ``mode`` in the actual steering mix: min(1, k × its weight)."""
        return np.minimum(1.0, self.emphasis_scale * self.mix[..., MODES.index(mode)])

    @classmethod
    def from_model(
        cls, model: GovernanceModel, emphasis_scale: float = EMPHASIS_SCALE
    ) -> SurveyState:
        """Read the state of ``model`` (any month; the questionnaire checks the month)."""
        st, staff, cit = model.state, model.staff, model.citizens
        n = model.municipalities.n
        team = staff.municipality * 3 + staff.domain
        size = np.maximum(np.bincount(team, minlength=3 * n), 1).reshape(n, 3)

        def team_mean(values: np.ndarray) -> np.ndarray:
            return np.bincount(team, weights=values, minlength=3 * n).reshape(n, 3) / size

        cell = cit.municipality * 2 + cit.interest
        cit_n = np.bincount(cell, minlength=2 * n).reshape(n, 2)
        residents = np.maximum(np.bincount(cit.municipality, minlength=n), 1)

        def citizen_mean(values: np.ndarray) -> np.ndarray:
            per_cell = np.bincount(cell, weights=values, minlength=2 * n).reshape(n, 2)
            overall = np.bincount(cit.municipality, weights=values, minlength=n) / residents
            return np.where(cit_n > 0, per_cell / np.maximum(cit_n, 1), overall[:, None])

        k = max(model.steps, 1)
        cred = deadline_credibility(
            model.compiled, k, model.params["postponement_credibility_loss"]
        )
        in_force = k >= model.compiled.entry_step[k]
        availability = np.array([1.0, float(model.compiled.dso_availability[k])])
        # the social domain's law is in force and complete: nothing national is pending
        availability[0] = 1.0 if in_force[0] else availability[0]
        return cls(
            size_class=model.municipalities.size_class.copy(),
            transition=st.transition.copy(),
            transformation=st.transformation.copy(),
            mix=st.steering.copy(),
            desires=model.secretaries.desires.copy(),
            rejected=model.secretaries.rejected.copy(),
            desired_mix=model.secretaries.desired_mix.copy(),
            cooperation=st.cooperation.copy(),
            budget=st.budget.copy(),
            college_attention=model.colleges.attention.copy(),
            council_attention=model.councils.attention.copy(),
            council_steering=model.councils.steering.copy(),
            college_stance=model.colleges.stance.copy(),
            adoption=np.asarray(model.team_adoption, dtype=np.float64).copy(),
            readiness=team_mean(staff.readiness),
            overload=team_mean(np.clip(staff.workload - 1.0, 0.0, 1.0)),
            pooled_capacity=pooled_capacity(
                st.capacity, st.cooperation, model.params["pooling_gain"]
            ),
            satisfaction=model.secretaries.satisfaction.copy(),
            satisfaction_at_entry=model.secretaries.satisfaction_at_entry.copy(),
            citizen_trust=citizen_mean(cit.trust),
            citizen_capacity=citizen_mean(cit.capacity),
            practice_quality=st.practice_quality.copy(),
            national_clarity=np.asarray(cred, dtype=np.float64) * availability,
            in_force=np.asarray(in_force, dtype=bool).copy(),
            emphasis_scale=float(emphasis_scale),
        )


Latent = Callable[[SurveyState], np.ndarray]
"""Maps the survey state to the latent score (M, 2) of an item (NaN where not asked)."""


@dataclass(frozen=True)
class Item:
    """One question of the virtual questionnaire.

    Attributes:
        item: Item id as in ``survey_2017.csv``.
        scale: ``"importance"`` (appendix three categories + the one-figure ``yes`` share of
            Table 1 or 2), ``"likert"`` (Table 3, five categories) or ``"binary"`` (Tables 4 and 5,
            ``yes``/``no``).
        tables: Source tables the item appears in, in the order (multi-category table first).
        domains: Domains the item is asked for.
        role: ``"input"`` (initialises the model; never fit) or ``"target"``.
        latent: The answer function (see `Latent`).
        uses: The state variables the answer rests on, in the module's shorthand.
        passage: The report passage the answer function rests on.
    """

    item: str
    scale: str
    tables: tuple[str, ...]
    domains: tuple[str, ...]
    role: str
    latent: Latent
    uses: str
    passage: str


def _mean(*arrays: np.ndarray) -> np.ndarray:
    return np.mean(np.stack(np.broadcast_arrays(*arrays)), axis=0)


def _desired(mode: str) -> Latent:
    j = MODES.index(mode)
    return lambda s: np.where(
        s.desires[..., j],
        DESIRED_LATENT,
        np.where(s.rejected[..., j], REJECTED_LATENT, UNDESIRED_LATENT),
    )


def _social_only(values: np.ndarray) -> np.ndarray:
    out = np.asarray(values, dtype=np.float64).copy()
    out[:, 1] = np.nan
    return out


def _satisfaction_implementation(s: SurveyState) -> np.ndarray:
    # 3D: satisfaction in the month of entry into force (how the implementation went);
    # Omgevingswet: satisfaction now (its introduction is under way).
    return np.column_stack([s.satisfaction_at_entry[:, 0], s.satisfaction[:, 1]])


def _organisation_suitable(s: SurveyState) -> np.ndarray:
    # 3D: suitable for the *transformation*; Omgevingswet: suitable for the *transition*.
    transformation = _mean(s.adoption[:, 0], s.readiness[:, 0])
    transition = s.pooled_capacity[:, 1] * (1.0 - s.overload[:, 1])
    return np.column_stack([transformation, transition])


def _monitoring(s: SurveyState) -> np.ndarray:
    # The 3D's social monitor is in place as far as the social transition is; the physical
    # domain's monitor is that one extended with physical indicators (report §2.3), in place
    # as far as both transitions are.
    social = s.transition[:, 0]
    monitor = np.column_stack([social, _mean(social, s.transition[:, 1])])
    return s.emph("performing") * monitor


def _national_insight(s: SurveyState) -> np.ndarray:
    # A law still ahead leaves two national things open (its rules and date, its money); for a
    # law in force only the money is still open, so the item is the mean of the open ones.
    ahead = _mean(1.0 - s.national_clarity[None, :], s.budget)
    return np.where(s.in_force[None, :], s.budget, ahead)


ITEMS: tuple[Item, ...] = (
    # ---- Table 1 / appendix: desired steering (INPUTS: they initialise the secretaries) -------
    *(
        Item(
            f"desired_{mode}",
            "importance",
            ("appendix_importance", "table_1"),
            DOMAINS,
            "input",
            _desired(mode),
            "the secretary's desired modes (agents.secretary.draw_desired, from Table 1 and the "
            "appendix's 'niet/nauwelijks' shares)",
            "report §2.2, Table 1 and the appendix table: desired steering per mode",
        )
        for mode in MODES
    ),
    # ---- appendix importance table and Table 2: the strategy in the municipality -------------
    Item(
        "importance_prevention",
        "importance",
        ("appendix_importance", "table_2"),
        DOMAINS,
        "target",
        lambda s: _mean(s.transition, s.transformation),
        "mean(T, F)",
        "report §2.3: prevention ('vroeg eropaf') saves social costs once the new tasks are in "
        "place and 'vraagt om meer generalistische competenties' (the transformation); in the "
        "physical domain 'gaat de aandacht meer uit naar beleidsvorming' (the tasks are not yet "
        "in place)",
    ),
    Item(
        "importance_supply_organised",
        "importance",
        ("appendix_importance", "table_2"),
        DOMAINS,
        "target",
        lambda s: s.emph("legal") * s.pooled_capacity,
        "emph[legal] x pooled capacity (only together: supply organised by contract, by a "
        "municipality or region with the capacity to do it)",
        "report Table 2, which places 'Aanbod georganiseerd' (with prevention) under 'De "
        "rechtmatige overheid', the legal quadrant; §2.3: 'de inkoop bij zorgaanbieders [is] "
        "een belangrijke taak ... bij de 3D's', done by contract, and 'Veel kleinere en "
        "middelgrote gemeenten hebben inkoop voor de 3D's gezamenlijk georganiseerd' (the "
        "capacity pooled in the region, model.mechanisms.transition.pooled_capacity)",
    ),
    Item(
        "importance_legitimacy",
        "importance",
        ("appendix_importance",),
        DOMAINS,
        "target",
        lambda s: s.emph("legal"),
        "emph[legal]",
        "appendix table (legal quadrant, 'Legitimiteit en rechtmatigheid beleid'); report §2.2 "
        "'Het handhaven van regels blijft ... fundamenteel'",
    ),
    Item(
        "importance_innovation",
        "importance",
        ("appendix_importance",),
        DOMAINS,
        "target",
        lambda s: _mean(s.emph("responsive"), s.readiness[:, :2]),
        "mean(emph[responsive], R) (R: mean readiness of the domain's staff for the new way of "
        "working)",
        "report §3.2 'Creativiteit en flexibiliteit nodig' (of the staff); §4.4 'nieuwe "
        "competenties'; §2.2 open kaders and 'maatwerkoplossingen' (responsive steering)",
    ),
    Item(
        "importance_monitoring",
        "importance",
        ("appendix_importance", "table_2"),
        DOMAINS,
        "target",
        _monitoring,
        "emph[performing] x M (only together: performance steering with a monitor in place; M "
        "the social T in the social domain, mean(social T, physical T) in the physical one, "
        "whose monitor is the social monitor extended with physical indicators)",
        "report Table 2 (performing quadrant); §2.3 'Veel gemeenten hebben een sociale monitor "
        "ingericht ... Een aantal gemeentesecretarissen geeft aan die monitor te willen "
        "uitbreiden met indicatoren voor ontwikkelingen in de fysieke leefomgeving': the "
        "monitor is set up with the 3D's new tasks ('monitoring en verantwoording' on the 3D "
        "agenda, §1.2) and the physical domain's is that one extended, in place as far as its "
        "own transition is; §2.2 'monitoring en audits', SMART goals",
    ),
    Item(
        "importance_user_participation",
        "importance",
        ("appendix_importance",),
        DOMAINS,
        "target",
        lambda s: _mean(s.emph("collaborative"), s.emph("responsive")),
        "mean(emph[collaborative], emph[responsive])",
        "report §2.2 'De gebruiker (burger, cliënt, leerling, initiatiefnemer) vormt dus meer en "
        "meer het vertrekpunt voor het overheidshandelen' (the right half of the schema)",
    ),
    Item(
        "importance_regional_cooperation",
        "importance",
        ("appendix_importance", "table_2"),
        DOMAINS,
        "target",
        lambda s: s.cooperation,
        "C",
        "report §2.3 and §4.5: 'De regionale samenwerking is sterker bij de 3D's dan bij de "
        "Omgevingswet' (P5)",
    ),
    Item(
        "importance_partner_cooperation",
        "importance",
        ("appendix_importance", "table_2"),
        DOMAINS,
        "target",
        lambda s: _mean(s.emph("collaborative"), s.cooperation),
        "mean(emph[collaborative], C)",
        "report Table 2 (collaborative quadrant) and §2.3: 'In het sociaal domein zijn "
        "ketenpartners veelal ook opdrachtnemer ... Dit is in belangrijke mate een "
        "samenwerkingsvraagstuk'",
    ),
    Item(
        "importance_resident_needs",
        "importance",
        ("appendix_importance",),
        DOMAINS,
        "target",
        lambda s: _mean(s.emph("responsive"), s.readiness[:, :2]),
        "mean(emph[responsive], R) (R: mean readiness of the domain's staff for the new way of "
        "working)",
        "appendix table (responsive quadrant): 'Reageren op vragen uit samenleving' and 'De "
        "behoefte van de inwoners'; §4.4 'Leren van de 3D's': 'generalisten: professionals met "
        "een brede scope, die de vraagarticulatie bij de cliënt kunnen bewerkstelligen. Dit "
        "past bij het idee de gebruiker centraal' and 'In de nieuwe aanpak gaat het om "
        "maatwerk ... Daarom is er een andere organisatie met andere professionals nodig'; "
        "§3.2 names it with innovation and customer satisfaction ('scoren op de volgende "
        "zaken hoger: ... meer klanttevredenheid, behoefte van de inwoners, vernieuwing in het "
        "vinden van oplossingen')",
    ),
    Item(
        "importance_customer_satisfaction",
        "importance",
        ("appendix_importance",),
        DOMAINS,
        "target",
        lambda s: _mean(s.emph("responsive"), s.emph("performing"), s.readiness[:, :2]),
        "mean(emph[responsive], emph[performing], R)",
        "appendix table (responsive quadrant); customer satisfaction is the measured "
        "(performing, §2.2 'monitoring en audits') side of responsiveness, delivered by staff "
        "ready for the new way of working as resident needs is (§4.4; §3.2 names the two "
        "together)",
    ),
    # ---- Table 3: satisfaction (P7) ---------------------------------------------------------
    Item(
        "satisfaction_implementation",
        "likert",
        ("table_3",),
        DOMAINS,
        "target",
        _satisfaction_implementation,
        "3D: the secretary's satisfaction state in the month of entry into force (Jan 2015); "
        "Omgevingswet: the satisfaction state now",
        "report §2.3 and Table 3: satisfaction with the implementation of the 3D (77%) and the "
        "introduction of the Omgevingswet (40%); 'Hierbij kijkt men wel primair naar de "
        "transitie' (model.mechanisms.satisfaction)",
    ),
    Item(
        "satisfaction_after_entry",
        "likert",
        ("table_3",),
        ("social",),
        "target",
        lambda s: _social_only(s.satisfaction),
        "the secretary's satisfaction state now (social domain)",
        "report §2.3 and Table 3: satisfaction with the 3D now, after entry into force (81% in "
        "the table; the text's 91% is a reference only)",
    ),
    # ---- Table 4: the organisation, council and college --------------------------------------
    Item(
        "organisation_suitable",
        "binary",
        ("table_4",),
        DOMAINS,
        "target",
        _organisation_suitable,
        "3D (suitable for the transformation): mean(A, mean staff readiness) of the social "
        "team; Omgevingswet (suitable for the transition): pooled capacity x (1 - mean overload) "
        "of the physical team",
        "report Table 4 'Organisatie is geschikt voor respectievelijk transformatie en "
        "transitie'; §3.2 'een extra taak, boven op de reguliere werkzaamheden', 'niet "
        "iedereen zal ... de benodigde verandering kunnen maken'; §4.5 expertise of neighbours",
    ),
    Item(
        "council_involvement",
        "binary",
        ("table_4",),
        DOMAINS,
        "target",
        lambda s: s.council_attention,
        "council attention",
        "report §3.2 'Wel betrokken, nog weinig sturing'; 'lastig om de aandacht vast te "
        "houden' (P4)",
    ),
    Item(
        "council_steering",
        "binary",
        ("table_4",),
        DOMAINS,
        "target",
        lambda s: s.council_steering,
        "the council's grip on the domain (model.mechanisms.council: follows attention, below "
        "it; tightened by incidents and by a coalition that chooses to steer)",
        "report §3.2 'de raad stelt de kaders vast, het overige is uitvoering'; §5.5 coalitions "
        "choose 'waar zij willen sturen en waar zij willen loslaten' (P11)",
    ),
    Item(
        "college_involvement",
        "binary",
        ("table_4",),
        DOMAINS,
        "target",
        lambda s: s.college_attention,
        "college attention",
        "report §3.2 'Veel gemeenten zien betrokkenheid van het college ... bij de 3D's'",
    ),
    Item(
        "college_steering",
        "binary",
        ("table_4",),
        DOMAINS,
        "target",
        lambda s: _mean(s.college_attention, s.college_stance),
        "mean(college attention, college stance to steer)",
        "report §3.2 'De sturing van college en gemeenteraad zien we terug bij veel minder "
        "gemeenten'; §5.5 (P11)",
    ),
    # ---- Table 5: large change needed ---------------------------------------------------------
    Item(
        "change_integrality",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: 1.0 - s.transformation,
        "1 - F",
        "report §3.2 'De decentralisaties stimuleren een verandering ... op het gebied van "
        "integraliteit van sectoren en ontschotting' (the transformation)",
    ),
    Item(
        "change_decompartmentalisation",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: 1.0 - _mean(s.transformation, s.adoption[:, 2:3]),
        "1 - mean(F, A of the rest of the organisation)",
        "report §3.2 'De decentralisaties stimuleren een verandering ... op het gebied van "
        "integraliteit van sectoren en ontschotting' (with integrality, the transformation); "
        "'samenwerken binnen de ambtelijke organisatie' (§3.1): walls come down only when the "
        "rest of the organisation works the new way too",
    ),
    Item(
        "change_user_central",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: 1.0 - _mean(s.practice_quality, s.adoption[:, :2]),
        "1 - mean(P, A) (P: share of citizens' initiatives the municipality facilitates; A: "
        "share of the domain's staff working the new way)",
        "report §2.2 'De gebruiker (burger, cliënt, leerling, initiatiefnemer) vormt dus meer en "
        "meer het vertrekpunt'; §1.3 'meer ruimte ... voor initiatieven'; §2.3 the new way of "
        "working 'vraagt om meer generalistische competenties': the user is central where "
        "initiatives get room and staff work the new way",
    ),
    Item(
        "change_self_organisation",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: 1.0 - _mean(s.citizen_trust, s.citizen_capacity),
        "1 - mean(trust, capacity) of the citizens engaged in the domain",
        "report §3.2 'zelforganiserend vermogen van de samenleving': society's capacity "
        "('vermogen') to organise itself; §4.2 trust and participation, and the capacity of "
        "the 'usual suspects' (P10)",
    ),
    Item(
        "change_national_policy_insight",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        _national_insight,
        "the mean of what is still open nationally: a law ahead (Omgevingswet) mean(1 - national "
        "clarity, B), national clarity = deadline credibility x availability of the national "
        "system; a law in force (3D) B, only the money is still open",
        "report Kader 10 'Onzekerheid ten aanzien rijkseisen en uitstel'; §4.3 the DSO; §3.3 "
        "'nieuwe taken met in totaal minder geld' and, for the 3D, 'Inregelen van budgetten' "
        "(Kader, implementation phase) and 'de oplopende tekorten in het sociaal domein' (§2.2)",
    ),
    Item(
        "change_predictability",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: 1.0 - _mean(s.emph("legal"), s.emph("performing")),
        "1 - mean(emph[legal], emph[performing])",
        "report §2.2 'Als gemeenten de rol van rechtmatige overheid zouden loslaten, ontstaat "
        "er onzekerheid bij inwoners en bedrijfsleven'; rules and agreed, measured performance "
        "(the left half of the schema) each make the government predictable",
    ),
    Item(
        "change_administrative_discretion",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: s.cooperation * s.emph("legal"),
        "C x emph[legal] (only together: a regional body that steers on legality)",
        "report §4.5 'Regionale organisaties en GR's focussen sterk op rechtmatigheid'; §2.3 "
        "'lokale afwegingsruimte' against 'regionale afstemming' (P5)",
    ),
    Item(
        "change_decision_speed",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: 1.0 - s.adoption[:, :2],
        "1 - A",
        "report §3.2 self-organising teams make 'een slagvaardiger organisatie, die in staat is "
        "om sneller te handelen'",
    ),
    Item(
        "change_decision_quality",
        "binary",
        ("table_5",),
        DOMAINS,
        "target",
        lambda s: 1.0 - _mean(s.transformation, s.practice_quality, s.readiness[:, :2]),
        "1 - mean(F, P, R)",
        "report §1.3: 'een gedragsverandering. Zo moet er meer ruimte ontstaan voor "
        "initiatieven ... bestuurders krijgen armslag voor snellere en betere besluiten': the "
        "new way of working and room for initiatives make better decisions; §4.4: the old "
        "organisation stood for 'correcte besluitvorming volgens vastgestelde regels. In de "
        "nieuwe aanpak gaat het om maatwerk ... Daarom is er een andere organisatie met andere "
        "professionals nodig' (the staff's readiness for the new way of working)",
    ),
)
"""Every item of the virtual questionnaire, in the order of the report's tables."""

ITEM_BY_ID: dict[str, Item] = {i.item: i for i in ITEMS}

__all__ = [
    "ANSWER_NOISE",
    "BINARY",
    "CHANGE_NOISE",
    "DOMAINS",
    "EMPHASIS_SCALE",
    "FIVE",
    "IMPORTANCE_NOISE",
    "INSTRUMENT_DEFAULTS",
    "ITEMS",
    "ITEM_BY_ID",
    "LIKERT_CUTS",
    "READ_WITH",
    "SATISFACTION_NOISE",
    "SPLIT_FROM",
    "THREE",
    "Item",
    "SurveyState",
]
