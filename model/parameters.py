"""The model's parameters, declared in one place.

Every parameter has a name, default, unit, allowed range and a source: a passage of the report
("Leren Decentraliseren", BMC Advies / VGS 2018; cited as "report §x.y"), a cited fact, or the
words "assumption, to be calibrated". `resolve_parameters` is the only way parameters enter a
model: unknown names and out-of-range values raise `ParameterError` naming the parameter and its
allowed range.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

CALIBRATE = "assumption, to be calibrated"


class ParameterError(ValueError):
    """A parameter name or value that the model does not accept."""


@dataclass(frozen=True)
class Parameter:
    """One declared model parameter.

    Attributes:
        name: Identifier used in scenario files, sliders and experiment specs.
        default: Value used when nothing overrides it.
        unit: Unit of the value (``"share"``, ``"per month"``, ...).
        low: Smallest allowed value (inclusive).
        high: Largest allowed value (inclusive).
        source: Report passage or cited fact, or ``CALIBRATE``.
        description: One line saying what the parameter does.
        integer: Whether the value must be a whole number.
        lever: Whether it is one of the secretary's choices (report §5.5, the seven lessons;
            §4.3), settable per municipality, size class, province or nationally in a scenario
            file's ``[[strategy]]`` tables (`model.levers`).
    """

    name: str
    default: float
    unit: str
    low: float
    high: float
    source: str
    description: str
    integer: bool = False
    lever: bool = False

    @property
    def calibratable(self) -> bool:
        """Whether the parameter is a free parameter for calibration (its size is assumed)."""
        return CALIBRATE in self.source

    def check(self, value: object) -> float:
        """Return ``value`` as a number if it is allowed, else raise `ParameterError`.

        Any real number passes the type check (Python's and numpy's, e.g. a value taken from a
        DataFrame or ``np.linspace``); bools, texts and None do not.
        """
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ParameterError(
                f"parameter '{self.name}' must be a number in [{self.low}, {self.high}] "
                f"({self.unit}), got {value!r}"
            )
        number = float(value)
        if math.isnan(number) or not (self.low <= number <= self.high):
            raise ParameterError(
                f"parameter '{self.name}' = {value!r} is out of range: allowed "
                f"[{self.low}, {self.high}] ({self.unit})"
            )
        if self.integer:
            if number != int(number):
                raise ParameterError(
                    f"parameter '{self.name}' must be a whole number in "
                    f"[{int(self.low)}, {int(self.high)}], got {value!r}"
                )
            return int(number)
        return number


def _p(name, default, unit, low, high, source, description, integer=False) -> Parameter:
    return Parameter(name, default, unit, low, high, source, description, integer)


LEVER_UNIT = "0-1 (0: as the typical secretary of 2017 did; 1: fully as the lesson asks)"
"""Scale of the secretary's numeric choices: 0 leaves the model's calibrated behaviour of 2017
as it is (the report describes what most secretaries did), 1 follows the lesson completely."""


def _lever(name: str, source: str, description: str) -> Parameter:
    return Parameter(name, 0.0, LEVER_UNIT, 0.0, 1.0, source, description, False, True)


_DECLARED: tuple[Parameter, ...] = (
    # --- agent density (report appendix: 388 municipalities; DESIGN §2) ---------------------
    _p(
        "staff_per_1000",
        1.0,
        "staff agents per 1,000 inhabitants",
        0.05,
        10.0,
        "scale choice: one agent stands for ~7 municipal employees (≈7 per 1,000 inhabitants)",
        "Staff agents per 1,000 inhabitants.",
    ),
    _p(
        "staff_floor",
        12,
        "staff agents",
        3,
        200,
        "scale choice: enough agents per team to form a peer group in small municipalities",
        "Minimum number of staff agents per municipality.",
        True,
    ),
    _p(
        "citizens_per_1000",
        1.5,
        "citizen agents per 1,000 inhabitants",
        0.05,
        20.0,
        "scale choice",
        "Citizen agents per 1,000 inhabitants.",
    ),
    _p(
        "citizen_floor",
        15,
        "citizen agents",
        3,
        500,
        "scale choice",
        "Minimum number of citizen agents per municipality.",
        True,
    ),
    # --- secretary (report §1.8, §3.2, §5.3) ---------------------------------------------------
    _p(
        "regisseur_share",
        0.2,
        "share of secretaries",
        0.0,
        1.0,
        "report §3.2/§5.3: secretaries 'pakken veelal niet de rol van regisseur' (most coach); "
        "share itself " + CALIBRATE,
        "Share of secretaries who direct the implementation themselves instead of coaching.",
    ),
    _p(
        "regisseur_bonus",
        0.25,
        "relative attention gain",
        0.0,
        1.0,
        CALIBRATE,
        "Extra organisational attention when the secretary acts as regisseur (report §3.2).",
    ),
    _p(
        "comfort_mode_weight",
        0.5,
        "share of the desired mix",
        0.0,
        1.0,
        "report §1.8: most secretaries combine roles 'met voorkeur voor één bepaalde rol'; "
        "weight " + CALIBRATE,
        "Share of a secretary's desired steering mix given to the preferred role's own mode.",
    ),
    _p(
        "undesired_mode_weight",
        0.0,
        "weight relative to a desired mode",
        0.0,
        1.0,
        "report §2.2 'De vier kwadranten zijn alle in enigerlei mate van belang'; appendix "
        "table: of the secretaries who do not call a mode '(Zeer) belangrijk', many call it "
        "'Matig belangrijk' (3D rules: 35 of 91); weight " + CALIBRATE,
        "Weight a secretary's desired steering mix gives a mode he or she calls only "
        "'matig belangrijk' (appendix table), against 1 for a desired mode (Table 1) and 0 for "
        "one called 'niet/nauwelijks belangrijk'.",
    ),
    _p(
        "secretary_turnover_per_year",
        0.08,
        "per year",
        0.0,
        0.5,
        "report §3.2: secretaries appointed from 2015 on form a distinct group; rate assumed",
        "Yearly chance that a municipality appoints a new secretary.",
    ),
    _p(
        "role_example_weight",
        0.8,
        "relative learning gain",
        0.0,
        3.0,
        CALIBRATE,
        "How much a connector/changer secretary's example speeds staff learning (report §4.4 "
        "'Geef het juiste voorbeeld').",
    ),
    # --- strategy per municipality and domain (report §1.8, §2.3, §4.3, Kader 10) -------------
    _p(
        "wait_threshold",
        0.4,
        "readiness to act (0-1)",
        0.0,
        1.0,
        "report §4.3: 'Sommige gemeentesecretarissen kiezen ervoor om te wachten tot er meer "
        "helderheid is over het stelsel, zodat ze op een later moment hun organisatie gericht "
        "aan het werk kunnen zetten'; §1.8: the advocate 'start als het benodigde budget en de "
        "menskracht voor de implementatie zijn geregeld'; level " + CALIBRATE,
        "Readiness to act below which a municipality waits for the national rules and system.",
    ),
    _p(
        "front_run_threshold",
        0.65,
        "readiness to act (0-1)",
        0.0,
        1.0,
        "report §4.3: 'anderen kiezen ervoor om actief te lobbyen'; §1.8: the changer 'pleit "
        "voor experimenten'; Kader 10: 'voorbeeldwerking vanuit de CHW en de experimenten met "
        "uitnodigingsplanologie'; level " + CALIBRATE,
        "Readiness to act from which a municipality front-runs (starts at full effort, lobbies, "
        "experiments); at or below wait_threshold nobody prepares.",
    ),
    _p(
        "prepare_effort",
        0.5,
        "share of full transition effort",
        0.0,
        1.0,
        "report §5.5 'Benut de beschikbare tijd'; §3.2: secretaries 'zetten vooral in op een "
        "incrementele verandering'; size " + CALIBRATE,
        "Effort a preparing municipality gives its transition while the deadline does not yet "
        "press (more when it does).",
    ),
    _p(
        "experiment_share",
        0.25,
        "share of municipalities",
        0.0,
        1.0,
        "report Kader 10: 'Er is voorbeeldwerking vanuit de CHW en de experimenten met "
        "uitnodigingsplanologie'; §3.2: 'In het fysieke domein is ervaring opgedaan met de "
        "Crisis- en Herstelwet (CHW)'; share " + CALIBRATE,
        "Share of municipalities (more of the larger ones) with experience of Crisis- en "
        "herstelwet experiments or invitation planning before the Omgevingswet.",
    ),
    # --- urgency and attention (P4, P9, P11; report §3.3, Kader 10) -----------------------------
    _p(
        "urgency_horizon_months",
        18.0,
        "months",
        3.0,
        120.0,
        CALIBRATE,
        "Months to a deadline at which felt urgency is half its maximum (report §3.3).",
    ),
    _p(
        "postponement_credibility_loss",
        0.3,
        "share per postponement",
        0.0,
        0.9,
        "report Kader 10: 'Door uitstel is het lastiger om het thema op de agenda te houden'; "
        "size " + CALIBRATE,
        "Loss of deadline credibility at each announced postponement.",
    ),
    _p(
        "post_entry_urgency",
        0.35,
        "urgency (0-1)",
        0.0,
        1.0,
        CALIBRATE,
        "Urgency after entry into force when no completion date follows.",
    ),
    _p(
        "post_entry_half_life_months",
        24.0,
        "months",
        3.0,
        240.0,
        "report §4.5: once 'de transitie ... in het algemeen succesvol is verlopen, ontstaan er "
        "wensen om meer maatwerk per gemeente'; size " + CALIBRATE,
        "Half-life of the urgency that remains once implementation is due and complete.",
    ),
    _p(
        "dso_uncertainty_weight",
        0.5,
        "share",
        0.0,
        1.0,
        "report §4.3, Kader 10: 'Onzekerheid ten aanzien rijkseisen en uitstel maken handelen "
        "minder urgent'; size " + CALIBRATE,
        "How much an unfinished national DSO lowers physical-domain urgency.",
    ),
    _p(
        "attention_renewal",
        0.15,
        "per month",
        0.0,
        1.0,
        CALIBRATE,
        "Rate at which urgency renews college and council attention (report §3.2).",
    ),
    _p(
        "attention_decay",
        0.06,
        "per month",
        0.0,
        1.0,
        "report §3.2: 'lastig om de aandacht vast te houden, door het vooruitschuiven'; size "
        + CALIBRATE,
        "Rate at which attention decays without urgency.",
    ),
    _p(
        "council_grip",
        0.7,
        "steering per unit of attention",
        0.0,
        1.0,
        "report §3.2, table 4: 'Wel betrokken, nog weinig sturing' (involvement 72%, steering "
        "43% for the 3D); 'de raad stelt de kaders vast, het overige is uitvoering'; size "
        + CALIBRATE,
        "Share of its attention a council turns into steering, in both domains.",
    ),
    _p(
        "incident_grip",
        0.3,
        "steering per unit of attention at full incident pressure",
        0.0,
        0.5,
        "report §3.3: 'De gemeenteraden sturen hier dan ook scherper op dan bij de "
        "Omgevingswet' (the incidents with vulnerable groups in the 3D); direction sourced, "
        "size " + CALIBRATE,
        "Extra share of its attention a council turns into steering at full incident pressure.",
    ),
    _p(
        "framework_release",
        0.5,
        "share of the grip at full transition",
        0.0,
        1.0,
        "report §3.2, on table 4's lower council steering: 'de kaderstellende rol van de "
        "gemeenteraad: de raad stelt de kaders vast, het overige is uitvoering en komt daarom "
        "niet meer bij de raad terug'; the frameworks are the transition's instruments (§1.3), "
        "put to the council (§4.2); size " + CALIBRATE,
        "Share of its grip a council lets go once the domain's frameworks (its transition) are "
        "set.",
    ),
    _p(
        "election_attention_boost",
        0.4,
        "share of the gap to 1",
        0.0,
        1.0,
        "report §5.5 'Benut de verkiezingen'; size " + CALIBRATE,
        "Attention renewed by a municipal election (P11).",
    ),
    # --- transition (P1, P9; report Kader 2, §1.3, §4.3) ---------------------------------------
    _p(
        "transition_rate",
        0.12,
        "per month at full attention",
        0.005,
        0.5,
        CALIBRATE,
        "Monthly transition production at full capacity and attention.",
    ),
    _p(
        "transition_focus_base",
        0.6,
        "share of effort",
        0.0,
        1.0,
        "report §3.2/§5.3: 'veelal ligt de focus in de organisatie nog op de transitie'; size "
        + CALIBRATE,
        "Share of effort on transition when there is no time pressure.",
    ),
    _p(
        "rules_share",
        0.4,
        "share of an instrument",
        0.0,
        1.0,
        "report Kader 10 / §3.3: 'Onzekerheid ten aanzien rijkseisen en uitstel maken handelen "
        "minder urgent'; §5.4: 'helderheid over verplichtingen en timing'; the 3D laws were "
        "adopted in 2014 (DESIGN §2), the Omgevingswet's orders in council published in August "
        "2018; size " + CALIBRATE,
        "Part of a rules-dependent instrument (care procurement, budgets, access, omgevingsplan, "
        "permit process) that cannot be finished before the national rules are final.",
    ),
    _p(
        "instrument_learning",
        0.3,
        "learning input per unit of transition work",
        0.0,
        1.0,
        "report §4.4, Kampen: 'We gebruiken het traject voor het opstellen van instrumenten uit "
        "de Omgevingswet (omgevingsvisie en omgevingsplan) om de gedragsverandering te "
        "realiseren ... In Kampen bleek dit te werken' ('omgekeerd interveniëren'); size "
        + CALIBRATE,
        "How much work on the instruments that carry behaviour change (omgevingsvisie, "
        "omgevingsplan, the social teams) counts as learning by doing for the domain's staff.",
    ),
    _p(
        "integrality_complexity",
        0.3,
        "share of transition production",
        0.0,
        1.0,
        "report §3.3: 'Nog meer integraliteit dan in de bestaande situatie leidt tot te grote "
        "complexiteit'; §5.5: 'Bevorder integraliteit, maar maak het niet te complex'; size "
        + CALIBRATE,
        "Transition production lost to coordination at full integrality (grows with its square).",
    ),
    _p(
        "generalist_share",
        0.3,
        "share of staff",
        0.0,
        1.0,
        "report §4.4: 'de opkomst van ruimtelijke generalisten'; 'een stap in het "
        "transformatieproces was het beleggen van meer werkzaamheden bij generalisten'; but "
        "'De noodzaak om binnen de brede blik bepaalde specialismen te behouden blijft'; share "
        "assumed",
        "Share of staff who are generalists rather than specialists.",
    ),
    _p(
        "pooling_gain",
        0.6,
        "share of the capacity gap closed",
        0.0,
        1.0,
        "report §4.5 (Alblasserdam/Drechtsteden: expertise of neighbours); size " + CALIBRATE,
        "How much regional cooperation closes a small municipality's capacity gap (P5).",
    ),
    _p(
        "dso_connect_rate",
        0.3,
        "per month",
        0.0,
        1.0,
        CALIBRATE,
        "Rate at which a municipality connects to the available part of the DSO.",
    ),
    # --- staff (P6; report §3.2, §4.4) ----------------------------------------------------------
    _p(
        "training_intensity",
        0.5,
        "0-1",
        0.0,
        1.0,
        "report §4.4: trainings, congresses, MOOC; level " + CALIBRATE,
        "How much the organisation invests in training for the new way of working.",
    ),
    _p(
        "learning_by_doing_share",
        0.5,
        "share of training",
        0.0,
        1.0,
        "report §4.4: information sharing is 'maar beperkt effectief'; learning by doing with "
        "feedback 'veel effectiever'",
        "Share of training done as learning by doing (the rest is lectures and congresses).",
    ),
    _p(
        "lecture_effectiveness",
        0.25,
        "relative to learning by doing",
        0.0,
        1.0,
        "report §4.4 ('beperkt effectief'); size " + CALIBRATE,
        "Learning effect of lectures relative to learning by doing.",
    ),
    _p(
        "organisation_spillover",
        0.3,
        "share of learning input",
        0.0,
        1.0,
        "report §2.1: secretaries use the decentralisations as 'een vehikel voor de gewenste "
        "cultuur- en organisatieverandering' and some run them as 'een "
        "organisatieveranderingstraject'; §4.4 the Omgevingswet is linked to 'lopende "
        "organisatieveranderingstrajecten' and Kampen 'kiest ervoor om te leren van de "
        "invoering van de 3D's'; size " + CALIBRATE,
        "Share of the organisation-wide change that reaches the rest of the organisation and "
        "a domain not yet known; weight of the rest of the organisation among a team's peers.",
    ),
    _p(
        "learning_rate",
        0.08,
        "per month",
        0.0,
        0.5,
        CALIBRATE,
        "Monthly readiness gain at full training and example.",
    ),
    _p(
        "peer_influence",
        0.02,
        "per month",
        0.0,
        0.5,
        CALIBRATE,
        "Pull of a staff member's readiness towards the team's adoption share.",
    ),
    _p(
        "adoption_rate",
        0.06,
        "per month",
        0.0,
        1.0,
        CALIBRATE,
        "Monthly chance that a fully ready, not overloaded staff member adopts the new way.",
    ),
    _p(
        "reversion_rate",
        0.03,
        "per month",
        0.0,
        1.0,
        "report §4.4: staff 'geneigd om zich vroeger of later te herstellen en terug te keren "
        "naar hun comfortzone'; size " + CALIBRATE,
        "Monthly chance that an adopter reverts, scaled by overload, resistance and unreadiness.",
    ),
    _p(
        "resister_share",
        0.2,
        "share of staff",
        0.0,
        0.8,
        "report §3.2/§4.4: 'niet iedereen zal naar verwachting de benodigde verandering kunnen "
        "maken', 'er is een groep met weerstand'; share " + CALIBRATE,
        "Share of staff who resist the change.",
    ),
    _p(
        "implementation_load",
        0.8,
        "extra workload at full transition effort",
        0.0,
        3.0,
        "report §3.2: the implementation 'zorgt voor een grote druk op de ambtelijke "
        "organisatie, omdat het een extra taak is, boven op de reguliere werkzaamheden'; "
        "size " + CALIBRATE,
        "Extra workload that transition work puts on the domain's staff.",
    ),
    _p(
        "adoption_weight",
        0.7,
        "share of transformation",
        0.0,
        1.0,
        "report §1.3 'transformatie gaat over de nieuwe cultuur'; split " + CALIBRATE,
        "Weight of staff adoption (vs. participation practice) in transformation progress.",
    ),
    # --- steering (P2, P3, P5, P8; report §2.2, §4.2, §4.5) -------------------------------------
    _p(
        "steering_adapt_rate",
        0.025,
        "per month",
        0.0,
        1.0,
        CALIBRATE,
        "Rate at which the actual steering mix moves towards its target.",
    ),
    _p(
        "secretary_steering_weight",
        0.6,
        "share",
        0.0,
        1.0,
        CALIBRATE,
        "Weight of the secretary's desired mix against the college's stance.",
    ),
    _p(
        "time_pressure_legal_pull",
        0.8,
        "pull per unit time pressure",
        0.0,
        5.0,
        "report §4.2 (P2): 'Onder tijdsdruk neigen actoren terug te vallen op oude "
        "rolpatronen'; size " + CALIBRATE,
        "Pull to legal steering under time pressure.",
    ),
    _p(
        "slow_progress_pull",
        1.0,
        "pull per unit lag",
        0.0,
        5.0,
        "report §2.2 (P3): 'tegenbeweging ... als reactie op een te traag verlopend proces'; "
        "size " + CALIBRATE,
        "Pull to performing steering when transition lags the plan.",
    ),
    _p(
        "deficit_pull",
        0.5,
        "pull per unit budget pressure",
        0.0,
        5.0,
        "report §2.2 (P3): 'oplopende tekorten in het sociaal domein'; size " + CALIBRATE,
        "Pull to performing steering under budget pressure.",
    ),
    _p(
        "regional_legal_pull",
        0.3,
        "pull per unit cooperation",
        0.0,
        5.0,
        "report §4.5 (P5): 'Regionale organisaties en GR's focussen sterk op rechtmatigheid'; "
        "size " + CALIBRATE,
        "Pull of regional bodies towards legal steering.",
    ),
    _p(
        "incident_pull",
        0.5,
        "pull per unit incident pressure",
        0.0,
        5.0,
        "report §3.3: fear of incidents with vulnerable groups; size " + CALIBRATE,
        "Pull to legal steering after incidents.",
    ),
    _p(
        "subversion_pull",
        0.2,
        "pull per unit of exposure and openness",
        0.0,
        5.0,
        "report §2.2: 'Zeker wanneer ondermijning aan de orde is, kan de gemeentesecretaris een "
        "rechtmatige overheid verkiezen boven een responsieve'; §4.2: criminal subversion 'is met "
        "name een factor in het fysieke domein ... meer vrijheid voor inwoners en ondernemers kan "
        "immers misbruikt worden'; size " + CALIBRATE,
        "Pull of the physical domain's steering to legal where a municipality is exposed to "
        "subversion, in proportion to how open it is.",
    ),
    # --- budget (P3; report §3.3, Kader 10) -----------------------------------------------------
    _p(
        "social_budget_cut",
        0.2,
        "budget pressure (0-1)",
        0.0,
        1.0,
        "report §3.3: 'nieuwe taken met in totaal minder geld'; size " + CALIBRATE,
        "Budget pressure in the social domain at entry into force.",
    ),
    _p(
        "deficit_growth_per_year",
        0.25,
        "per year (rate towards the maximum deficit)",
        0.0,
        1.0,
        "report §2.2: 'oplopende tekorten in het sociaal domein'; size " + CALIBRATE,
        "Yearly growth of social-domain deficits, damped by transformation.",
    ),
    _p(
        "physical_implementation_cost",
        0.15,
        "budget pressure (0-1)",
        0.0,
        1.0,
        "report §3.2/§5.4: no national budget for the Omgevingswet; size " + CALIBRATE,
        "Budget pressure from implementing the Omgevingswet without a transfer.",
    ),
    # --- incidents (report §3.3) ----------------------------------------------------------------
    _p(
        "incident_rate",
        0.03,
        "per month per 100,000 inhabitants",
        0.0,
        1.0,
        CALIBRATE,
        "Chance of a public incident when the domain's transition is incomplete.",
    ),
    _p(
        "physical_risk_weight",
        0.4,
        "relative to social",
        0.0,
        1.0,
        "report §3.3: 'Problemen in de jeugdzorg zijn spannender ... dan de afweging of er "
        "gewoond mag worden in een bedrijfspand'; size " + CALIBRATE,
        "Political weight of a physical-domain incident relative to a social one.",
    ),
    # --- regional cooperation (P5; report §2.3, §4.5) -------------------------------------------
    _p(
        "initial_physical_cooperation",
        0.3,
        "cooperation intensity (0-1)",
        0.0,
        0.9,
        "report §2.3: 'gemeenten in het fysieke domein [werken] met de Omgevingsdiensten al "
        "sterk regionaal samen. Het is al geregeld en vanzelfsprekend'; level " + CALIBRATE,
        "Physical-domain regional cooperation in 2013 (the omgevingsdiensten), above the social "
        "domain's 0.15.",
    ),
    _p(
        "cooperation_formation",
        0.06,
        "per month",
        0.0,
        1.0,
        "report §4.5: 'De gevoelde urgentie om zaken regionaal te organiseren was groot'; size "
        + CALIBRATE,
        "Rate at which urgency builds regional cooperation.",
    ),
    _p(
        "cooperation_decay",
        0.005,
        "per month",
        0.0,
        1.0,
        "report §4.5: after the transition 'staat de regionale samenwerking ... onder druk'; "
        "size " + CALIBRATE,
        "Rate at which cooperation erodes without urgency.",
    ),
    _p(
        "regional_coupling",
        0.1,
        "per month",
        0.0,
        1.0,
        CALIBRATE,
        "Pull of a municipality's cooperation towards its region's mean.",
    ),
    # --- citizens and council (P10; report §4.2) ------------------------------------------------
    _p(
        "participation_rate",
        0.25,
        "per month at full capacity and openness",
        0.0,
        1.0,
        CALIBRATE,
        "Monthly chance that an able, willing citizen takes part when invited.",
    ),
    _p(
        "initiative_rate",
        0.2,
        "per participation",
        0.0,
        1.0,
        CALIBRATE,
        "Chance that taking part comes with an initiative of one's own.",
    ),
    _p(
        "council_reopen_tendency",
        0.3,
        "0-1",
        0.0,
        1.0,
        "report §3.2: 'Het komt nu nog te vaak voor dat keuzes uit de samenleving door de "
        "gemeenteraad worden herzien'; size " + CALIBRATE,
        "Council's tendency to reopen choices made with society (veto player).",
    ),
    _p(
        "trust_gain",
        0.15,
        "share of gap per facilitated initiative",
        0.0,
        1.0,
        "report §4.2: Borne, trust rose for 33% of residents after participation; size "
        + CALIBRATE,
        "Trust gained when an initiative is facilitated.",
    ),
    _p(
        "trust_loss",
        0.25,
        "share per blocked initiative",
        0.0,
        1.0,
        "report §4.2: 'Door de tijdsdruk ... schaadt ook het vertrouwen in de gemeente'; size "
        + CALIBRATE,
        "Trust lost when an initiative is blocked or reopened.",
    ),
    _p(
        "fatigue_gain",
        0.2,
        "share of gap per participation",
        0.0,
        1.0,
        "report §4.2: 'Hoe voorkomen we participatiemoeheid?'; size " + CALIBRATE,
        "Fatigue from taking part.",
    ),
    _p(
        "fatigue_recovery",
        0.1,
        "per month",
        0.0,
        1.0,
        CALIBRATE,
        "Monthly recovery from participation fatigue.",
    ),
    _p(
        "time_pressure_closure",
        0.7,
        "share",
        0.0,
        1.0,
        "report §4.2 (P2): 'Belangenbehartigers konden toen hun rol niet meer pakken'; size "
        + CALIBRATE,
        "How much time pressure closes the door to participation.",
    ),
    # --- satisfaction (P7; report §2.3, table 3) ------------------------------------------------
    _p(
        "satisfaction_rate",
        0.3,
        "per month",
        0.0,
        1.0,
        CALIBRATE,
        "Rate at which a secretary's satisfaction follows the state of the implementation.",
    ),
    _p(
        "satisfaction_base",
        0.55,
        "satisfaction (0-1)",
        0.3,
        0.9,
        "report §2.3, table 3: 77% of secretaries call the 3D implementation (very) successful; "
        "level " + CALIBRATE,
        "Satisfaction of a secretary whose transition is complete and on plan.",
    ),
    _p(
        "progress_satisfaction_weight",
        0.3,
        "satisfaction per unit of transition",
        0.0,
        1.0,
        "report §2.3: the Omgevingswet's low satisfaction 'is deels te verklaren door het "
        "verschil in hoe vergevorderd de invoering is'; size " + CALIBRATE,
        "How much the part of the transition not yet done lowers satisfaction.",
    ),
    _p(
        "postponement_criticism",
        0.3,
        "satisfaction per unit of lost credibility",
        0.0,
        1.0,
        "report Kader 10: 'Extra uitstel leidt tot kritiek vanuit gemeentesecretarissen. Door "
        "uitstel is het lastiger om het thema op de agenda te houden'; size " + CALIBRATE,
        "How much the credibility a postponement costs lowers satisfaction with the introduction.",
    ),
    # --- the secretary's choices: the seven lessons (report §5.5) and the DSO lobby (§4.3) ------
    _lever(
        "transformation_first",
        "report §5.5 lesson 1 'Bezint eer ge begint': 'Ook in het fysieke domein ligt het gevaar "
        "op de loer dat gemeenten dezelfde strategie blijven voeren als men nu reeds hanteert. "
        "Sturing op de gewenste transformatie is noodzakelijk'",
        "Steer on the transformation from the start: less of the effort on transition when the "
        "deadline does not press, and a faster break with the inherited steering mix.",
    ),
    _lever(
        "link_organisation_change",
        "report §5.5 lesson 2 'Gebruik decentralisaties als katalysator voor eigen doelen. Sla "
        "twee vliegen in één klap: koppel de decentralisaties aan de al ingezette "
        "organisatieveranderingen'; §4.4",
        "Couple the decentralisations to the organisation change already running: more of the "
        "secretary's attention on the organisation-wide change (on top of what the role does).",
    ),
    _lever(
        "data_driven",
        "report §5.5 lesson 3 'Sluit aan bij de digitaliserende samenleving ... In het sociaal "
        "domein liggen veel kansen voor datagebruik die nog niet worden gepakt'; §2.3 the "
        "social monitor per district shows 'de gebieden waar preventie nodig is'; §4.3 the "
        "municipal line of the DSO; §4.1 'fors investeren in informatievoorziening'",
        "Work data-driven: the municipal line of the DSO is prepared faster and the social "
        "monitor aims prevention (deficits fall more with transformation), at an investment "
        "cost in budget pressure.",
    ),
    _lever(
        "start_early",
        "report §5.5 lesson 4 'Benut de beschikbare tijd ... het is wijs om deze tijdsdruk te "
        "voorkomen bij de implementatie van de Omgevingswet'",
        "Prepare rather than wait: lowers the readiness to act below which a municipality waits.",
    ),
    _lever(
        "integrality",
        "report §5.5 lesson 5 'Stuur op integraliteit. Breng medewerkers van verschillende "
        "sectoren met elkaar in gesprek. Bevorder integraliteit, maar maak het niet te complex. "
        "Geef medewerkers die betrokken zijn geweest bij de 3D's ook een rol in de implementatie "
        "van de Omgevingswet'; §4.4 Kampen",
        "Mixed teams: staff learn from the whole organisation (3D staff in the Omgevingswet), at "
        "a coordination cost in transition production (integrality_complexity).",
    ),
    _lever(
        "coach_college",
        "report §5.5 lesson 6 'Coach het college. Houd het bestuur scherp op zijn rol en zijn "
        "bijdrage aan de rolverandering'; lesson 4 'Houd wel de aandacht van college en "
        "gemeenteraad vast'; §4.4 'Manage de verwachtingen in het college en de gemeenteraad'",
        "Coach the college: keeps college (and, through the griffie, council) attention, moves "
        "the college's steering towards the secretary's, tempers impatience for results; costs "
        "the secretary's time.",
    ),
    _lever(
        "use_elections",
        "report §5.5 lesson 7 'Benut de verkiezingen ... Organiseer ... gesprekken tijdens de "
        "coalitieonderhandeling op welke thema's het college en de gemeenteraad willen sturen "
        "en waar zij willen loslaten'",
        "Chance that the secretary organises the talks at an election: the new coalition then "
        "steers or lets go per domain as the secretary's desired steering says.",
    ),
    _lever(
        "dso_lobby",
        "report §4.3: 'anderen kiezen ervoor om actief te lobbyen, zodat het stelsel zo sterk "
        "mogelijk aansluit bij de gemeentelijke behoefte'; the secretaries' role: 'het opzetten "
        "van een lobby richting de rijksoverheid'; §5.4 'een krachtige aanpak van het DSO'",
        "Lobby and work on the municipal line of the DSO: faster preparation of the connection "
        "and less uncertainty about the system; costs the secretary's time.",
    ),
)

PARAMETERS: Mapping[str, Parameter] = MappingProxyType({p.name: p for p in _DECLARED})


@dataclass(frozen=True)
class Choice:
    """One of the secretary's categorical choices, settable per municipality (`model.levers`).

    Attributes:
        name: Key in a scenario file's ``[[strategy]]`` table.
        default: Value when nothing sets it: the model draws or chooses it.
        values: Allowed values (the default first).
        source: Report passage.
        description: One line saying what the choice does.
    """

    name: str
    default: str
    values: tuple[str, ...]
    source: str
    description: str

    def check(self, value: object) -> str:
        """Return ``value`` if it is allowed, else raise `ParameterError`."""
        if not isinstance(value, str) or value not in self.values:
            raise ParameterError(
                f"'{self.name}' must be one of {', '.join(repr(v) for v in self.values)}, "
                f"got {value!r}"
            )
        return value


STRATEGIES: tuple[str, str, str] = ("wait", "prepare", "front_run")
"""A municipality's strategy per domain (report §4.3, Kader 10; `model.mechanisms.strategy`)."""

_CHOICES: tuple[Choice, ...] = (
    Choice(
        "role",
        "drawn",
        ("drawn", "advocate", "executor", "connector", "changer"),
        "report §1.8: the four roles (belangenbehartiger, uitvoerder, verbinder, veranderaar); "
        "§3.2 improvement point 'het vervullen bij de decentralisaties van een rol als verbinder "
        "en veranderaar. Momenteel is de persoonlijke voorkeur vaak doorslaggevend'",
        "The secretary's preferred role; 'drawn' draws it from the desired steering (Table 1). "
        "Kept when a new secretary is appointed.",
    ),
    Choice(
        "stance",
        "drawn",
        ("drawn", "regisseur", "coach"),
        "report §3.2/§5.3: secretaries 'pakken veelal niet de rol van regisseur van de "
        "transitie, maar stellen zich op als coach of adviseur'; improvement point 'het invullen "
        "van de rol van regisseur in de transitie'",
        "Whether the secretary directs the implementation or coaches its director; 'drawn' "
        "draws it (regisseur_share). Kept when a new secretary is appointed.",
    ),
    Choice(
        "social_strategy",
        "chosen",
        ("chosen", *STRATEGIES),
        "report §4.3 and Kader 10: waiting for the national rules versus lobbying and starting",
        "The 3D strategy: 'chosen' lets the municipality choose and revise it; otherwise fixed.",
    ),
    Choice(
        "physical_strategy",
        "chosen",
        ("chosen", *STRATEGIES),
        "report §4.3: 'Sommige gemeentesecretarissen kiezen ervoor om te wachten tot er meer "
        "helderheid is over het stelsel ... anderen kiezen ervoor om actief te lobbyen'; "
        "Kader 10 'Benutten van overgangstermijnen'",
        "The Omgevingswet strategy: 'chosen' lets the municipality choose and revise it; "
        "otherwise fixed (e.g. 'wait' for the DSO).",
    ),
)

CHOICES: Mapping[str, Choice] = MappingProxyType({c.name: c for c in _CHOICES})

LEVERS: tuple[str, ...] = (*CHOICES, *(p.name for p in _DECLARED if p.lever))
"""Every key a ``[[strategy]]`` table may set besides ``where``: the choices, then the numeric
levers (declared parameters with ``lever=True``)."""


CALIBRATED_PATH = Path(__file__).parent / "data" / "calibrated_parameters.json"
"""The versioned calibrated parameter set (written by `govsim calibrate`). Where present, its
values replace the declared defaults; the file records how they were obtained."""


def checked_values(values: Mapping[str, float], source: str) -> Mapping[str, float]:
    """``values`` of a calibrated record, each a known parameter within its declared range.

    Raises:
        ParameterError: For an unknown name or a value out of range (the message starts with
            ``source``).
    """
    for name, value in values.items():
        if name not in PARAMETERS:
            raise ParameterError(f"{source}: unknown parameter '{name}'")
        try:
            PARAMETERS[name].check(value)
        except ParameterError as exc:
            raise ParameterError(f"{source}: {exc}") from None
    return MappingProxyType(dict(values))


@cache
def calibrated_values() -> Mapping[str, float]:
    """Calibrated values from `CALIBRATED_PATH` ({} if there is no calibrated set yet)."""
    if not CALIBRATED_PATH.exists():
        return MappingProxyType({})
    record = json.loads(CALIBRATED_PATH.read_text(encoding="utf-8"))
    return checked_values(record.get("parameters", {}), CALIBRATED_PATH.name)


def defaults(calibrated: bool = True) -> dict[str, float]:
    """Return a fresh dict of all default parameter values.

    Args:
        calibrated: Use the calibrated set where there is one (else the declared defaults).
    """
    values = {name: p.default for name, p in PARAMETERS.items()}
    if calibrated:
        values.update(calibrated_values())
    return values


def resolve_parameters(overrides: Mapping[str, object] | None = None) -> dict[str, float]:
    """Return the full parameter set with ``overrides`` applied and checked.

    Args:
        overrides: Parameter values to change, by name.

    Returns:
        A dict with one value per declared parameter.

    Raises:
        ParameterError: For an unknown name or a value outside the declared range.
    """
    values = defaults()
    for name, value in (overrides or {}).items():
        if name not in PARAMETERS:
            close = [n for n in PARAMETERS if n.split("_")[0] == str(name).split("_")[0]]
            hint = f" (did you mean: {', '.join(close)}?)" if close else ""
            raise ParameterError(
                f"unknown parameter '{name}'{hint}; see `govsim params` for the full list"
            )
        values[name] = PARAMETERS[name].check(value)
    return values
