"""Free parameters of the calibration and their priors, each with its reason.

The free parameters are model parameters whose source says "assumption, to be calibrated"
(either with no empirical anchor at all, `Parameter.calibratable`, or with a sourced direction
and an assumed size, "size assumption, to be calibrated") **and** that the survey targets can
inform. Every such parameter considered has a prior here; the 15 the local screen at the
installed fit chose (`FREE`: the report's patterns' keepers, then those whose return to their
declared values costs the fit most; `experiments.calibration.local_screen`,
docs/calibration.md §13, §17, §18) are `PRIORS`; the others are
`CANDIDATES` and stay at their declared defaults. Settings of
the questionnaire (`INSTRUMENT`: the answer noise of the judgement items, of the importance,
satisfaction and needed-change items, and the emphasis scale of the steering-based items) are
screened and calibrated with them.

All priors are uniform on a sub-range of the parameter's declared range; the reason says why
the range is narrower where it is. pyabc samples on the parameters' own scale: its Gaussian
perturbation kernel proposes outside a range now and then, and such proposals are redrawn
without a simulation. (A logit sampling scale was tried and dropped: parameters that sit at a
bound drift to ever larger logits, and after eleven generations the prior density underflowed
and pyabc stopped on a NaN weight.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govsim.model.parameters import CALIBRATE, PARAMETERS

INSTRUMENT: tuple[str, ...] = (
    "answer_noise",
    "importance_noise",
    "satisfaction_noise",
    "change_noise",
    "emphasis_scale",
)
"""Calibrated settings of the questionnaire (not model parameters)."""


@dataclass(frozen=True)
class Prior:
    """Uniform prior of one free parameter.

    Attributes:
        name: Model parameter name, or an instrument setting in `INSTRUMENT`.
        low: Lower bound (inclusive).
        high: Upper bound (inclusive).
        informs: Target figures it moves (why the survey can inform it).
        reason: Why this range.
    """

    name: str
    low: float
    high: float
    informs: str
    reason: str

    @property
    def instrument(self) -> bool:
        """Whether this is a questionnaire setting rather than a model parameter."""
        return self.name in INSTRUMENT


_CONSIDERED_FIRST: tuple[Prior, ...] = (
    Prior(
        "transition_rate",
        0.02,
        0.4,
        "Table 3 satisfaction (3D at entry, now; Ow), prevention, decision quality",
        "the 3D transition had to be in place within two years ('te krap', report §3.3): "
        "from 2% (never in time) to 40% of the remaining work a month at full attention",
    ),
    Prior(
        "adoption_rate",
        0.005,
        0.3,
        "organisation suitable (3D), change integrality / ontschotting / speed, innovation",
        "from 0.5% to 30% of ready, not overloaded staff adopting a month",
    ),
    Prior(
        "undesired_mode_weight",
        0.0,
        1.0,
        "the appendix importance items built on the steering mix (their spread: the share "
        "'niet/nauwelijks belangrijk'), predictability",
        "the whole declared range: from a mode desired 'enigszins' getting no weight (like a "
        "rejected one) to its getting as much as a desired one",
    ),
    Prior(
        "deficit_pull",
        0.2,
        1.5,
        "monitoring, legitimacy and the responsive items (pull to performing: the share of "
        "the performing quadrant in the steering mix and so its spread between domains)",
        "P3 counter-movement; the direction is the report's, so the pull is never switched "
        "off (at least 0.2), and at most one and a half times the preferred mix's weight (the "
        "one-at-a-time sweeps of docs/calibration.md showed no effect above that)",
    ),
    Prior(
        "slow_progress_pull",
        0.2,
        1.5,
        "monitoring (pull to performing when transition lags)",
        "P3; never switched off (at least 0.2), up to one and a half times the preferred "
        "mix's weight",
    ),
    Prior(
        "initial_physical_cooperation",
        0.2,
        0.7,
        "regional and partner cooperation (Ow), administrative discretion, organisation "
        "suitable (Ow, through pooled capacity)",
        "above the social domain's 0.15 ('al sterk regionaal samenwerken', §2.3), at most "
        "0.7: the omgevingsdiensten pool the permits, not the whole physical domain",
    ),
    Prior(
        "reversion_rate",
        0.0,
        0.2,
        "as adoption_rate",
        "'vroeger of later' back to the comfort zone (§4.4): at most 20% a month",
    ),
    Prior(
        "learning_rate",
        0.005,
        0.3,
        "as adoption_rate (through readiness)",
        "monthly readiness gain at full training: within the declared range, below 0.3",
    ),
    Prior(
        "post_entry_urgency",
        0.05,
        0.8,
        "council / college involvement and steering (3D), regional cooperation (3D)",
        "urgency after entry into force: some, never the full urgency of the deadline",
    ),
    Prior(
        "attention_decay",
        0.0,
        0.2,
        "council / college involvement and steering (both domains)",
        "'lastig om de aandacht vast te houden' (§3.2): up to a fifth a month without urgency",
    ),
    Prior(
        "urgency_horizon_months",
        6.0,
        60.0,
        "Ow attention and cooperation (the Ow deadline lay 17-41 months ahead)",
        "a deadline is felt at half strength between half a year and five years ahead",
    ),
    Prior(
        "secretary_steering_weight",
        0.2,
        1.0,
        "importance items (the actual steering mix), change user central",
        "secretaries carry the steering philosophy 'actief uit naar hun bestuur' (§2.2) but "
        "the college weighs in: at least a fifth",
    ),
    Prior(
        "steering_adapt_rate",
        0.005,
        0.3,
        "importance items, change user central, predictability",
        "'incrementele verandering' (§3.2): a steering mix that moves between 0.5% and 30% of "
        "the way to its target a month (15% was the bound until round 4; the fits kept "
        "ending there)",
    ),
    Prior(
        "regional_legal_pull",
        0.2,
        3.0,
        "legitimacy, supply organised, administrative discretion",
        "P5 regional bodies' legality: never switched off (at least 0.2; the third calibration "
        "with a lower bound of 0 set it to 0 and lost P5's legal pull), up to three times the "
        "preferred mix's weight",
    ),
    Prior(
        "time_pressure_legal_pull",
        0.2,
        3.0,
        "legitimacy, responsive items (legal steering left over from the 3D deadline)",
        "P2: never switched off (at least 0.2), up to three times the preferred mix's weight",
    ),
    Prior(
        "cooperation_formation",
        0.005,
        0.3,
        "regional and partner cooperation, supply organised",
        "'De gevoelde urgentie om zaken regionaal te organiseren was groot' (§4.5): up to 30% of "
        "the gap a month at full urgency",
    ),
    Prior(
        "cooperation_decay",
        0.0,
        0.05,
        "regional cooperation (3D after entry, Ow)",
        "cooperation 'onder druk' after the transition (§4.5): at most 5% a month",
    ),
    Prior(
        "wait_threshold",
        0.2,
        0.7,
        "Omgevingswet satisfaction, organisation suitable (Ow), college and council involvement "
        "(Ow) through the share of municipalities that wait",
        "§4.3 'Sommige gemeentesecretarissen kiezen ervoor om te wachten': some wait, so the "
        "threshold lies inside the range of readiness the municipalities have (about 0.3-0.7)",
    ),
    Prior(
        "front_run_threshold",
        0.45,
        0.9,
        "as wait_threshold (the share that front-runs)",
        "§4.3 'anderen kiezen ervoor om actief te lobbyen': front-runners are a minority, so "
        "the threshold lies in the upper half of the readiness range",
    ),
    Prior(
        "prepare_effort",
        0.1,
        0.9,
        "Omgevingswet satisfaction and organisation suitable (how far preparing municipalities "
        "are in 2017)",
        "'incrementele verandering' (§3.2): some effort, never none and never all",
    ),
    Prior(
        "rules_share",
        0.1,
        0.7,
        "Table 3 satisfaction with the 3D at entry (how much of it waited for the 2014 laws)",
        "'te krap' (§3.3): a real part of the instruments waited for the laws and budgets of "
        "2014, but not most of them",
    ),
    Prior(
        "attention_renewal",
        0.01,
        0.5,
        "college and council involvement (both domains): without a floor, renewal and decay set "
        "the level together",
        "within the declared range; more than half the gap a month would make attention a switch",
    ),
    Prior(
        "council_grip",
        0.3,
        1.0,
        "council steering (both domains)",
        "'Wel betrokken, nog weinig sturing' (§3.2): a council steers on at most as much as it "
        "attends to, and on at least some of it",
    ),
    Prior(
        "incident_grip",
        0.05,
        0.5,
        "council steering (both domains: the gap between them)",
        "§3.3: councils steer the 3D 'scherper' because of its incidents, so never switched "
        "off (at least 0.05); at most half the attention again",
    ),
    Prior(
        "framework_release",
        0.0,
        0.9,
        "council steering (both domains: the gap between them, through the domains' transition "
        "progress)",
        "§3.2: 'de raad stelt de kaders vast, het overige is uitvoering' is offered as 'een "
        "mogelijke verklaring', so from none of the grip let go to most of it; not all of it, "
        "since a council keeps steering what comes back to it (§3.2, 43% and 39%)",
    ),
    Prior(
        "comfort_mode_weight",
        0.0,
        0.6,
        "importance items (the actual steering mix), predictability",
        "'met voorkeur voor één bepaalde rol' (§1.8): from no extra weight to a comfortable "
        "mode that dominates the desired mix",
    ),
    Prior(
        "organisation_spillover",
        0.0,
        1.0,
        "physical change items (integrality, speed, decompartmentalisation), prevention and "
        "innovation (Ow), organisation suitable",
        "from decentralisations run one by one (0) to one organisation-wide change (1) "
        "(§2.1 'organisatieveranderingstraject')",
    ),
    Prior(
        "satisfaction_base",
        0.4,
        0.8,
        "Table 3 (all three columns)",
        "a secretary whose transition is complete and on plan is at least neutral and at most "
        "'zeer geslaagd' (the 3D: 77% (very) successful)",
    ),
    Prior(
        "progress_satisfaction_weight",
        0.0,
        1.0,
        "Table 3 (Omgevingswet)",
        "'hoe vergevorderd de invoering is' (§2.3): from irrelevant to one satisfaction point per "
        "unit of transition still to do",
    ),
    Prior(
        "answer_noise",
        0.03,
        0.25,
        "Table 4 and the Omgevingswet's satisfaction (the spread of answers around each "
        "municipality's state)",
        "from a very precise reader (0.03, a sixth of a category) to one who is off by more "
        "than a category (0.25)",
    ),
    Prior(
        "importance_noise",
        0.03,
        0.25,
        "the appendix importance table",
        "the same range as answer_noise: how precisely a secretary rates the municipality's own "
        "strategy is not known beforehand",
    ),
    Prior(
        "satisfaction_noise",
        0.02,
        0.25,
        "Table 3 (satisfaction)",
        "a secretary reads his or her own satisfaction at least as precisely as any judgement "
        "(same upper bound as answer_noise) and at best to a tenth of a category",
    ),
    Prior(
        "change_noise",
        0.03,
        0.35,
        "Table 5 (large change needed)",
        "the reading error of answer_noise (same lower bound) plus the spread of the "
        "secretaries' ambitions, which the model does not hold (§3.2: some want more "
        "integrality, some think more leads to 'té grote complexiteit'): up to one and three "
        "quarter categories",
    ),
    Prior(
        "emphasis_scale",
        2.0,
        4.0,
        "every importance item resting on the steering mix, predictability",
        "an equal share of the four modes reads between the middle ('enigszins', k = 2) and the "
        "top of the scale (k = 4): 'De vier kwadranten zijn alle in enigerlei mate van belang' "
        "(§2.2)",
    ),
)
"""The parameters of the calibrations up to version 11 (model v2, 4 Dec 2026), with priors."""

_CONSIDERED_LATER: tuple[Prior, ...] = (
    Prior(
        "transition_focus_base",
        0.3,
        0.9,
        "Table 3, Table 4 organisation suitable (Ow)",
        "'veelal ligt de focus in de organisatie nog op de transitie' (§3.2): a substantial "
        "share, neither none nor all",
    ),
    Prior(
        "satisfaction_rate",
        0.02,
        0.6,
        "Table 3 (how fully satisfaction follows the state by entry and by 2017)",
        "from a slow (about four years to adjust) to a fast (two months) judgement",
    ),
    Prior(
        "resister_share",
        0.05,
        0.5,
        "as adoption_rate",
        "'een groep met weerstand' (§4.4): a minority of staff",
    ),
    Prior(
        "implementation_load",
        0.0,
        2.0,
        "organisation suitable (Ow), adoption in the 3D years (overload)",
        "'een extra taak, boven op de reguliere werkzaamheden' (§3.2): up to twice the regular "
        "workload on top",
    ),
    Prior(
        "adoption_weight",
        0.3,
        0.95,
        "change integrality, innovation, prevention (transformation = adoption + practice)",
        "transformation is mostly 'de nieuwe cultuur' of the organisation (§1.3) but also the "
        "practice with society (§2.1): neither part alone",
    ),
    Prior(
        "dso_uncertainty_weight",
        0.0,
        1.0,
        "Ow involvement and steering, regional cooperation (Ow)",
        "the declared range: from no effect to 'handelen minder urgent' entirely (Kader 10)",
    ),
    Prior(
        "social_budget_cut",
        0.0,
        0.5,
        "change national policy insight (3D), monitoring (deficit pull)",
        "'nieuwe taken met in totaal minder geld' (§3.3): up to half the pressure scale",
    ),
    Prior(
        "physical_implementation_cost",
        0.0,
        0.5,
        "change national policy insight (Ow), Ow steering (deficit pull)",
        "no national budget for the Omgevingswet (§3.2): up to half the pressure scale",
    ),
    Prior(
        "trust_gain",
        0.0,
        0.6,
        "change self-organisation",
        "Borne: trust rose for 33% of residents (§4.2): at most 60% of the gap per initiative",
    ),
    Prior(
        "trust_loss",
        0.0,
        0.6,
        "change self-organisation",
        "trust 'schaadt' under time pressure (§4.2): at most 60% per blocked initiative",
    ),
)
"""Parameters considered later and left at their declared defaults by the one-at-a-time
sweeps of the first rounds (docs/calibration.md)."""

NOT_INFORMED: dict[str, str] = {
    "cooperation_decay": "not identified: posterior 90% interval 0.001-0.046 on a prior of "
    "0-0.05 (width ratio 1.00)",
    "post_entry_urgency": "not identified: posterior 90% interval 0.06-0.74 on a prior of "
    "0.05-0.8 (width ratio 1.00)",
    "regional_legal_pull": "the posterior holds the declared value: 90% interval 0.20-0.33 "
    "(declared 0.3), fitted on the prior's lower bound 0.2",
}
"""Parameters the survey did not inform in the full 15-parameter calibration of 7 Dec 2026
(the free set of that morning, the local screen's top 15; run ``out/cal_v7``, docs/calibration.md
§17): the ABC's posterior was as wide as the prior, or it held the parameter's declared value.
Free, they spend the ABC's budget on dimensions it cannot resolve; fixed, they keep their
declared values (`screen.free_set` leaves them out)."""

FREE: tuple[str, ...] = (
    "emphasis_scale",
    "satisfaction_base",
    "steering_adapt_rate",
    "secretary_steering_weight",
    "transition_rate",
    "adoption_rate",
    "change_noise",
    "attention_renewal",
    "urgency_horizon_months",
    "comfort_mode_weight",
    "answer_noise",
    "importance_noise",
    "organisation_spillover",
    "prepare_effort",
    "wait_threshold",
)
"""The free parameters (calibration v2, issue 14): a screen at a fit, then one exchange at
the next fit (docs/calibration.md §17-§19).

Set B, chosen by the local screen (`experiments.calibration.local_screen`,
``docs/screen/local_screen.csv``) at the fit installed when it ran (version 12, 34 fitted
values; 7 Dec 2026) by `screen.free_set`'s rule:

1. the six parameters whose return to the declared value breaks one of the report's patterns
   that the fit keeps (`local_screen.pattern_keepers`): ``transition_rate``,
   ``attention_renewal``, ``urgency_horizon_months``, ``organisation_spillover``,
   ``prepare_effort``, ``wait_threshold``. A set that holds the last three at their declared
   values broke P12 (some wait for the DSO), P8 (the physical transition ahead of its
   transformation) or P1 (tight 3D lead time) on every acceptance seed;
2. then the parameters whose return raises the survey distance most (over all target figures,
   the 3D figures or the Omgevingswet figures; mean over 4 seeds), less the three the survey did
   not inform (`NOT_INFORMED`);
3. a split-off noise only with its source (`answer_noise` takes the place of
   ``importance_noise``, the 15th of step 2).

Set B's own fit (version 13, 7 Dec 2026) then held ``cooperation_formation`` at its declared
value (0.063 against 0.06; putting it back costs 0.04 on the screen's distance,
``docs/screen/local_screen_v13.csv``), while ``importance_noise``, fixed, would have gained
1.07 alone (``docs/screen/gain_screen_v13.csv``, `experiments.calibration.gain_screen`) without
breaking a pattern: `screen.exchange` puts it in ``cooperation_formation``'s place (one
exchange per fit; the pattern keepers and a free split-off's source stay).

What is left fixed either barely matters at the fit or is in `NOT_INFORMED`. The Morris
screen's top 15 (``docs/screen/screen.csv``, over the whole prior box) is another set: it
kept `dso_uncertainty_weight`, `resister_share`, `implementation_load`, `satisfaction_noise`
free and fixed `steering_adapt_rate`, `comfort_mode_weight`, `attention_renewal`,
`urgency_horizon_months`, which cost 2.1-11.7 when fixed at a fit (docs/calibration.md §13)."""

_ALL: tuple[Prior, ...] = (*_CONSIDERED_FIRST, *_CONSIDERED_LATER)

PRIORS: tuple[Prior, ...] = tuple(p for name in FREE for p in _ALL if p.name == name)
"""The free parameters with their priors (the default set), in `FREE` order."""

CANDIDATES: tuple[Prior, ...] = tuple(p for p in _ALL if p.name not in FREE)
"""The other parameters with priors: fixed at their declared defaults in calibration v2 (the
screen ranks them below the free set, or the survey does not identify them; their share of the
distance is stated in docs/calibration.md). `select_priors` accepts them by name."""

assert len(PRIORS) == len(FREE), "every free parameter needs a declared prior"


PRIOR_BY_NAME: dict[str, Prior] = {p.name: p for p in (*PRIORS, *CANDIDATES)}


class PriorError(ValueError):
    """A prior outside its parameter's declared range, or on a parameter not to calibrate."""


def check_priors(priors: Sequence[Prior] = PRIORS) -> None:
    """Raise `PriorError` unless every prior is valid.

    A model parameter must be declared, marked for calibration in its source, and its prior
    range must lie inside the declared range; an instrument setting must be in `INSTRUMENT`.
    """
    seen = set()
    for prior in priors:
        if prior.name in seen:
            raise PriorError(f"prior for '{prior.name}' declared twice")
        seen.add(prior.name)
        if not prior.low < prior.high:
            raise PriorError(f"prior for '{prior.name}': low {prior.low} >= high {prior.high}")
        if prior.instrument:
            continue
        if prior.name not in PARAMETERS:
            raise PriorError(f"prior for unknown parameter '{prior.name}'")
        declared = PARAMETERS[prior.name]
        if CALIBRATE not in declared.source:
            raise PriorError(
                f"'{prior.name}' is not marked for calibration in model/parameters.py "
                f"(source: {declared.source!r})"
            )
        if prior.low < declared.low or prior.high > declared.high:
            raise PriorError(
                f"prior for '{prior.name}' [{prior.low}, {prior.high}] leaves the declared range "
                f"[{declared.low}, {declared.high}]"
            )


def select_priors(names: Sequence[str] | None = None) -> tuple[Prior, ...]:
    """The priors of ``names`` (all of `PRIORS` if None), validated."""
    if names is None:
        chosen = PRIORS
    else:
        unknown = [n for n in names if n not in PRIOR_BY_NAME]
        if unknown:
            raise PriorError(f"no prior declared for {unknown}; see experiments.calibration.priors")
        chosen = tuple(PRIOR_BY_NAME[n] for n in names)
    check_priors(chosen)
    return chosen


def pyabc_prior(priors: Sequence[Prior] = PRIORS):
    """The priors as a `pyabc.Distribution` of uniform random variables."""
    import pyabc

    return pyabc.Distribution(
        **{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in priors}
    )


def split(values: Mapping[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """Split a particle into (model parameters, instrument settings)."""
    model = {k: float(v) for k, v in values.items() if k not in INSTRUMENT}
    instrument = {k: float(v) for k, v in values.items() if k in INSTRUMENT}
    return model, instrument
