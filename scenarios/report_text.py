"""Words of the scenario report that are not indicator labels, in Dutch and English.

Indicator and term labels come from `model.indicators.label` (the one place for those); this
module holds the few other words of the report (section titles, legend entries, table headers,
sentence templates), number and date formatting per language, and the short generated text per
scenario. Dutch is first-class: every string exists in both languages, Dutch first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

import numpy as np

from govsim.model.indicators import BY_NAME, label
from govsim.model.levers import StrategyRule
from govsim.model.timeline import DOMAINS, Timeline
from govsim.scenarios.scenario import Scenario
from govsim.scenarios.summary import EnsembleData

UI: dict[str, tuple[str, str]] = {
    "title": ("Scenariovergelijking", "Scenario comparison"),
    "subtitle": (
        "Decentralisaties in Nederlandse gemeenten (3D en Omgevingswet), naar "
        "'Leren Decentraliseren' (BMC/VGS 2018)",
        "Decentralisations in Dutch municipalities (3D and Environment Act), after "
        "'Leren Decentraliseren' (BMC/VGS 2018)",
    ),
    "run_info": (
        "{n} replicaties per scenario met gemeenschappelijke toevalsgetallen (replicatie i "
        "gebruikt in elk scenario dezelfde seed; hoofdseed {seed}); {where}. Lijnen: mediaan; "
        "banden: 5-95% van de replicaties. Verschillen met {ref}: mediaan en 5-95%-band van de "
        "verschillen per replicatie.",
        "{n} replications per scenario with common random numbers (replication i uses the same "
        "seed in every scenario; root seed {seed}); {where}. Lines: median; bands: 5-95% of "
        "the replications. Differences from {ref}: median and 5-95% band of the per-replication "
        "differences.",
    ),
    "all_municipalities": ("alle {n} gemeenten", "all {n} municipalities"),
    "subset": ("deelverzameling: {what}", "subset: {what}"),
    "code_version": ("Modelversie", "Model version"),
    "scenarios": ("Scenario's", "Scenarios"),
    "reference": ("referentie", "reference"),
    "events": ("Gebeurtenissen", "Events"),
    "summary_text": ("Wat verandert er", "What changes"),
    "fig_transition": (
        "Transitie en transformatie per domein",
        "Transition and transformation per domain",
    ),
    "fig_steering": ("Sturingsstijlen", "Steering modes"),
    "fig_urgency": ("Urgentie en aandacht", "Urgency and attention"),
    "fig_staff": ("Medewerkers die nieuw werken", "Staff working the new way"),
    "fig_participation": ("Participatie en vertrouwen", "Participation and trust"),
    "fig_cooperation": ("Regionale samenwerking", "Regional cooperation"),
    "fig_dso": ("Digitaal Stelsel Omgevingswet (DSO)", "Digital system (DSO)"),
    "table": ("Kernindicatoren op kerndata", "Key indicators at key dates"),
    "table_note": (
        "Per cel: mediaan [5-95%]; daaronder het verschil met {ref} (Δ, mediaan van de "
        "gepaarde verschillen per replicatie [5-95%]). 'Inwerkingtreding' is de uiteindelijke "
        "inwerkingtreding van de Omgevingswet in elk scenario.",
        "Per cell: median [5-95%]; below it the difference from {ref} (Δ, median of the paired "
        "per-replication differences [5-95%]). 'Entry into force' is each scenario's final "
        "entry into force of the Environment Act.",
    ),
    "indicator": ("indicator", "indicator"),
    "scenario": ("scenario", "scenario"),
    "survey": ("enquête {date}", "survey {date}"),
    "entry": ("inwerkingtreding", "entry into force"),
    "median": ("mediaan", "median"),
    "band": ("5-95%-band", "5-95% band"),
    "legend_entry": ("inwerkingtreding", "entry into force"),
    "legend_postponed": ("uitstel aangekondigd", "postponement announced"),
    "legend_dso": ("DSO volledig beschikbaar", "DSO fully available"),
    "year": ("jaar", "year"),
    "share": ("aandeel", "share"),
    "index": ("index 0-1", "index 0-1"),
    # events (scenario section)
    "ev_known": ("{domain}: taak bekend vanaf {date}", "{domain}: task known from {date}"),
    "ev_entry": ("{domain}: inwerkingtreding gepland op {date}", "{domain}: entry planned {date}"),
    "ev_postponed": (
        "{domain}: uitstel aangekondigd op {announced}, nieuwe inwerkingtreding {date}",
        "{domain}: postponement announced {announced}, new entry {date}",
    ),
    "ev_completion": ("{domain}: gereed uiterlijk {date}", "{domain}: complete by {date}"),
    "ev_dso": (
        "DSO: start {start}, volledig beschikbaar {full}",
        "DSO: launch {start}, fully available {full}",
    ),
    "ev_shock": (
        "{domain}: budgetschok {size} vanaf {date}",
        "{domain}: budget shock {size} from {date}",
    ),
    "ev_coop": (
        "{domain}: regionale samenwerking ten minste {intensity} vanaf {date}"
        " (gezamenlijke training {training})",
        "{domain}: regional cooperation at least {intensity} from {date}"
        " (joint training {training})",
    ),
    "ev_coalition": (
        "verkiezingen {date}: {share} van de coalities kiest in het {domain} voor {stance}",
        "elections {date}: {share} of coalitions choose to {stance} in the {domain}",
    ),
    "steer": ("sturen", "steer"),
    "let_go": ("loslaten", "let go"),
    "params": ("Parameters", "Parameters"),
    "choices": ("Keuzes van de secretaris", "The secretary's choices"),
    "choices_from": ("vanaf {month}", "from {month}"),
    # generated text
    "txt_reference": (
        "{name} is het referentiescenario: de verschillen in dit rapport zijn verschillen hiermee.",
        "{name} is the reference scenario: the differences in this report are taken against it.",
    ),
    "txt_no_change": (
        "Geen indicator wijkt merkbaar af van {ref} (alle verschillen kleiner dan {eps}).",
        "No indicator differs noticeably from {ref} (all differences smaller than {eps}).",
    ),
    "txt_most": (
        "Ten opzichte van {ref} verandert {label} het meest: {diff} in {date} ({band}).",
        "Compared with {ref}, {label} changes most: {diff} in {date} ({band}).",
    ),
    "txt_next": (
        "Daarna volgt {label}: {diff} in {date}.",
        "Next comes {label}: {diff} in {date}.",
    ),
    "txt_half": (
        "De helft van de transitie in het fysiek domein wordt bereikt in {date}{cmp}.",
        "Half of the physical domain's transition is reached in {date}{cmp}.",
    ),
    "txt_half_never": (
        "De helft van de transitie in het fysiek domein wordt niet bereikt vóór {date}{cmp}.",
        "Half of the physical domain's transition is not reached before {date}{cmp}.",
    ),
    "cmp_earlier": (", {n} {months} eerder dan {ref}", ", {n} {months} earlier than {ref}"),
    "cmp_later": (", {n} {months} later dan {ref}", ", {n} {months} later than {ref}"),
    "cmp_same": (", net als in {ref}", ", as in {ref}"),
    "cmp_ref_never": (" ({ref} bereikt dit niet)", " ({ref} does not reach it)"),
    "txt_end": (
        "In {date} is de transformatie in het fysiek domein {value} ({diff} ten opzichte van "
        "{ref}).",
        "By {date} the physical domain's transformation is {value} ({diff} compared with {ref}).",
    ),
    "txt_end_ref": (
        "In {date} staat de transitie in het fysiek domein op {transition} en de transformatie "
        "op {transformation}.",
        "By {date} the physical domain's transition stands at {transition} and its "
        "transformation at {transformation}.",
    ),
    # findings (scenarios.findings)
    "findings": ("Bevindingen", "Findings"),
    "expect_title": (
        "Wat het rapport verwacht, en wat het model laat zien",
        "What the report expects, and what the model shows",
    ),
    "expect_note": (
        "Per scenario wat het rapport 'Leren Decentraliseren' van de what-if verwacht (met de "
        "passage), naast de gepaarde verschillen van het model met {ref} op dat moment: mediaan "
        "en 5-95%-band. Het model stemt in als de band (afgerond zoals getoond) aan de "
        "verwachte kant van nul ligt, wijkt af als hij aan de andere kant ligt; anders is er "
        "geen merkbaar verschil. Afwijkingen worden getoond, niet weggelaten.",
        "Per scenario what the report 'Leren Decentraliseren' expects of the what-if (with the "
        "passage), beside the model's paired differences from {ref} at that moment: median and "
        "5-95% band. The model agrees when the band (rounded as shown) lies on the expected side "
        "of zero and disagrees when it lies on the other side; otherwise there is no noticeable "
        "difference. Disagreements are shown, not left out.",
    ),
    "expect_tally": (
        "Van de {n} verwachtingen: het model stemt in met {agrees}, wijkt af van {disagrees}, "
        "geen merkbaar verschil bij {unclear}.",
        "Of the {n} expectations the model agrees with {agrees}, disagrees with {disagrees} and "
        "shows no noticeable difference for {unclear}.",
    ),
    "expect_expected": ("verwachting van het rapport", "the report expects"),
    "expect_when": ("moment", "when"),
    "expect_model": ("model: verschil met {ref}", "model: difference from {ref}"),
    "expect_verdict": ("oordeel", "verdict"),
    "expect_higher": ("hoger", "higher"),
    "expect_lower": ("lager", "lower"),
    "verdict_agrees": ("stemt in", "agrees"),
    "verdict_disagrees": ("wijkt af", "disagrees"),
    "verdict_unclear": ("geen merkbaar verschil", "no noticeable difference"),
    "verdict_not_checked": ("niet getoetst", "not checked"),
    "expect_tally_not_checked": (
        " {not_checked} niet getoetst: hun moment ligt buiten de run.",
        " {not_checked} not checked: their moment lies outside the run.",
    ),
    "moment_entry": ("inwerkingtreding", "entry into force"),
    "moment_reference_entry": ("inwerkingtreding in {ref}", "entry into force in {ref}"),
    "moment_end": ("einde", "end"),
    "moment_outside": ("buiten de run", "outside the run"),
    "findings_note": (
        "Per scenario wat het model anders laat verlopen dan in {ref}: mediaan over de "
        "replicaties met de 5-95%-band van de gepaarde verschillen. Groen: beter voor de "
        "implementatie, rood: slechter (alleen als de band nul uitsluit); wat een scenario zelf "
        "instelt, zoals de komst van het DSO of een samenwerkingsnorm, is geen bevinding.",
        "Per scenario what the model makes go differently from {ref}: median over the "
        "replications with the 5-95% band of the paired differences. Green: better for the "
        "implementation, red: worse (only when the band excludes zero); what a scenario sets "
        "itself, such as the DSO's arrival or a cooperation floor, is not a finding.",
    ),
    "f_ref_reach": (
        "{domain}: {level} van de transitie is bereikt in {date}.",
        "{domain}: {level} of the transition is reached in {date}.",
    ),
    "f_ref_reach_never": (
        "{domain}: {level} van de transitie wordt niet bereikt vóór {end}.",
        "{domain}: {level} of the transition is not reached before {end}.",
    ),
    "f_reach": (
        "{domain}: {level} van de transitie is bereikt in {date}, {shift} ({band}).",
        "{domain}: {level} of the transition is reached in {date}, {shift} ({band}).",
    ),
    "f_reach_same": (
        "{domain}: {level} van de transitie is bereikt in {date}, net als in {ref}.",
        "{domain}: {level} of the transition is reached in {date}, as in {ref}.",
    ),
    "f_reach_never": (
        "{domain}: {level} van de transitie wordt in {never} van de {n} replicaties niet "
        "bereikt vóór {end}.",
        "{domain}: {level} of the transition is not reached before {end} in {never} of {n} "
        "replications.",
    ),
    "shift_later": ("{n} {months} later dan in {ref}", "{n} {months} later than in {ref}"),
    "shift_earlier": ("{n} {months} eerder dan in {ref}", "{n} {months} earlier than in {ref}"),
    "month_1": ("maand", "month"),
    "shift_same": ("in dezelfde maand als in {ref}", "in the same month as in {ref}"),
    "months": ("maanden", "months"),
    "f_ref_schedule": (
        "Bij de inwerkingtreding van de Omgevingswet ({date}) heeft {value} van de gemeenten "
        "de transitie op schema.",
        "At the Environment Act's entry into force ({date}) {value} of municipalities have "
        "their transition on schedule.",
    ),
    "f_schedule": (
        "Bij de inwerkingtreding ({date}) heeft {value} van de gemeenten de transitie op schema: "
        "{delta} procentpunt ten opzichte van {ref} ({band}).",
        "At entry into force ({date}) {value} of municipalities have their transition on "
        "schedule: {delta} percentage points against {ref} ({band}).",
    ),
    "f_ref_level": (
        "In {date} staat de transformatie in het fysiek domein op {value}.",
        "By {date} the physical domain's transformation stands at {value}.",
    ),
    "f_level": (
        "In {date} staat de transformatie in het fysiek domein op {value}: {delta} ten opzichte "
        "van {ref} ({band}).",
        "By {date} the physical domain's transformation stands at {value}: {delta} against "
        "{ref} ({band}).",
    ),
    "f_level_same": (
        "In {date} staat de transformatie in het fysiek domein op {value}, net als in {ref}.",
        "By {date} the physical domain's transformation stands at {value}, as in {ref}.",
    ),
    "f_ref_spread": (
        "Gemeenten verschillen: bij de inwerkingtreding ({date}) loopt de transitie in het "
        "fysiek domein van {p10} (10e percentiel) tot {p90} (90e percentiel).",
        "Municipalities differ: at entry into force ({date}) the physical domain's transition "
        "runs from {p10} (10th percentile) to {p90} (90th percentile).",
    ),
    "f_groups": (
        "Naar grootte, bij de inwerkingtreding ({date}): {worst} {worst_delta} ({band}), "
        "{best} {best_delta} in de transitie van het fysiek domein ten opzichte van {ref}.",
        "By size, at entry into force ({date}): {worst} {worst_delta} ({band}), {best} "
        "{best_delta} in the physical domain's transition against {ref}.",
    ),
    "f_largest": (
        "Grootste andere verandering: {label}, {delta} in {date} ({band}).",
        "Largest other change: {label}, {delta} in {date} ({band}).",
    ),
    "f_none": (
        "Geen uitkomst wijkt merkbaar af van {ref} (alle verschillen kleiner dan {eps}).",
        "No outcome differs noticeably from {ref} (all differences smaller than {eps}).",
    ),
    "band_range": ("5-95%: {low} tot {high}", "5-95%: {low} to {high}"),
    "band_same": ("in elke replicatie {value}", "{value} in every replication"),
    "glossary": ("Begrippen", "Glossary"),
    "lessons_title": ("Wat moeten we nu doen? ({where})", "What should we do next? ({where})"),
    "lessons_note": (
        "Elke les van §5.5 en elke keuze van de secretaris toegepast op deze gemeenten bovenop "
        "{ref}, {n} gepaarde replicaties per keuze; effect: mediaan [5-95%] van de gepaarde "
        "verschillen; rang met de 5-95%-band uit herbemonstering van de replicaties.",
        "Every lesson of §5.5 and every choice of the secretary applied to these municipalities "
        "on top of {ref}, {n} paired replications per choice; effect: median [5-95%] of the "
        "paired differences; rank with the 5-95% band from resampling the replications.",
    ),
    "where_line": (
        "{where}; {n} replicaties per scenario, hoofdseed {seed}.",
        "{where}; {n} replications per scenario, root seed {seed}.",
    ),
    "glossary_note": (
        "Transitie is het inrichten van de nieuwe taken (de 'technische' kant: instrumenten, "
        "processen, budgetten); transformatie is anders gaan werken (integraal, vanuit de "
        "inwoner). Het rapport: de transitie is bij de meeste gemeenten gelukt, de "
        "transformatie is nog volop gaande. Pijl: welke kant beter is voor de implementatie.",
        "Transition is setting up the new tasks (the 'technical' side: instruments, processes, "
        "budgets); transformation is working differently (integrated, from the citizen's "
        "side). The report: most municipalities managed the transition, the transformation is "
        "still under way. Arrow: which way is better for the implementation.",
    ),
    "unit": ("eenheid", "unit"),
    "meaning": ("betekenis", "meaning"),
    "better_up": ("hoger is beter", "higher is better"),
    "better_down": ("lager is beter", "lower is better"),
    "better_none": ("geen oordeel", "no judgement"),
    "unit_share": ("aandeel 0-1", "share 0-1"),
    "unit_index": ("index 0-1", "index 0-1"),
    "unit_count": ("aantal", "count"),
    "narrow_band": (
        "De 5-95%-banden zijn in deze figuur smaller dan {width}: ze vallen binnen de lijnen.",
        "The 5-95% bands in this figure are narrower than {width}: they lie within the lines.",
    ),
    "fig_heterogeneity": (
        "Verschillen tussen gemeenten (10e, 50e en 90e percentiel)",
        "Differences between municipalities (10th, 50th and 90th percentile)",
    ),
    "input": ("ingesteld door het scenario", "set by the scenario"),
    "fig_map": (
        "Wie wint, wie verliest: de verandering per gemeente",
        "Who gains, who loses: the change per municipality",
    ),
    "map_title": (
        "{label}: verschil met {ref} per gemeente, {date}",
        "{label}: difference from {ref} per municipality, {date}",
    ),
    "map_unit": (
        "verschil (mediaan van de gepaarde verschillen; index 0-1); rood slechter, blauw beter",
        "difference (median of the paired differences; index 0-1); red worse, blue better",
    ),
}
"""Report words that are not indicator labels: key -> (Dutch, English)."""

MONTHS: dict[str, tuple[str, ...]] = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

NOTICEABLE = 0.005
"""Differences smaller than this (on 0-1 indicators) count as no change in the text."""

TEXT_CANDIDATES: tuple[str, ...] = tuple(
    [
        f"{q}_{d}"
        for d in DOMAINS
        for q in (
            "transition",
            "transformation",
            "urgency",
            "time_pressure",
            "college_attention",
            "council_attention",
            "staff_adoption",
            "participation",
            "cooperation",
            "budget",
            "satisfaction",
        )
    ]
    + [
        f"mix_{d}_{m}"
        for d in DOMAINS
        for m in ("legal", "performing", "collaborative", "responsive")
    ]
    + ["citizen_trust", "council_trust", "dso_connection"]
)
"""Indicators the generated text may name (0-1 indicators; no exogenous inputs, no counts)."""


def short_label(scenario: Scenario, lang: str = "en") -> str:
    """The scenario's title up to its first colon (``"Tijdsdruk: ..."`` -> ``"Tijdsdruk"``)."""
    return scenario.label(lang).split(":", 1)[0].strip() or scenario.name


def ui(key: str, lang: str = "en") -> str:
    """A report word or template in ``lang`` (``"nl"`` or ``"en"``)."""
    return UI[key][0 if lang == "nl" else 1]


def number(value: float, lang: str = "en", signed: bool = False, digits: int = 2) -> str:
    """Format a number: decimal comma in Dutch, optional sign, ``–`` for NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    value = 0.0 if round(value, digits) == 0 else value
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if lang == "nl" else text


def value_text(value: object, lang: str = "en") -> str:
    """A value as a file states it: a number in full (decimal comma in Dutch), text as is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:g}".replace("-", "−")
    return text.replace(".", ",") if lang == "nl" else text


def settings_text(values: Mapping[str, object], lang: str = "en") -> str:
    """``key = value`` pairs in key order (a scenario's parameters or a rule's choices)."""
    return ", ".join(f"{k} = {value_text(v, lang)}" for k, v in sorted(values.items()))


def choices_text(rules: Sequence[StrategyRule], lang: str = "en") -> str:
    """A scenario's ``[[strategy]]`` rules (and ``--strategy``) in order: where, what, from when."""
    parts = []
    for rule in rules:
        start = (
            ""
            if rule.start is None
            else " (" + ui("choices_from", lang).format(month=month(rule.start, lang)) + ")"
        )
        parts.append(f"{rule.where}: {settings_text(rule.values, lang)}{start}")
    return "; ".join(parts)


def month(value: dt.date | np.datetime64 | str, lang: str = "en") -> str:
    """Format a month as e.g. ``januari 2021`` / ``January 2021``."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return f"{MONTHS['nl' if lang == 'nl' else 'en'][day.month - 1]} {day.year}"


def day(value: dt.date, lang: str = "en") -> str:
    """Format a date as e.g. ``1 januari 2021`` / ``1 January 2021``."""
    return f"{value.day} {month(value, lang)}"


def domain_name(domain: str, lang: str) -> str:
    """Label of a domain (``social``/``physical``) via `model.indicators.label`."""
    return label(domain, lang)


def timeline_events(timeline: Timeline, lang: str = "en") -> list[tuple[dt.date, str]]:
    """The timeline's dated events as (date, sentence) in ``lang``, in date order."""
    out: list[tuple[dt.date, str]] = []
    for d in DOMAINS:
        dom = timeline.domain(d)
        name = domain_name(d, lang)
        out.append((dom.known, ui("ev_known", lang).format(domain=name, date=day(dom.known, lang))))
        out.append((dom.entry, ui("ev_entry", lang).format(domain=name, date=day(dom.entry, lang))))
        for p in dom.postponements:
            text = ui("ev_postponed", lang).format(
                domain=name, announced=day(p.announced, lang), date=day(p.new_entry, lang)
            )
            out.append((p.announced, text))
        if dom.completion:
            out.append(
                (
                    dom.completion,
                    ui("ev_completion", lang).format(domain=name, date=day(dom.completion, lang)),
                )
            )
    out.append(
        (
            timeline.dso_start,
            ui("ev_dso", lang).format(
                start=day(timeline.dso_start, lang), full=day(timeline.dso_full, lang)
            ),
        )
    )
    for s in timeline.budget_shocks:
        text = ui("ev_shock", lang).format(
            domain=domain_name(s.domain, lang),
            size=number(s.size, lang, signed=True),
            date=day(s.date, lang),
        )
        out.append((s.date, text))
    for p in timeline.cooperation_policies:
        text = ui("ev_coop", lang).format(
            domain=domain_name(p.domain, lang),
            intensity=number(p.intensity, lang),
            training=number(p.training, lang),
            date=day(p.start, lang),
        )
        out.append((p.start, text))
    for c in timeline.coalition_choices:
        text = ui("ev_coalition", lang).format(
            date=day(c.election, lang),
            share=f"{round(100 * c.share)}%",
            domain=domain_name(c.domain, lang),
            stance=ui(c.stance, lang),
        )
        out.append((c.election, text))
    return sorted(out, key=lambda e: e[0])


def _largest_changes(data: EnsembleData, name: str) -> list[tuple[float, str, int, object]]:
    """(|median difference|, indicator, date row, band) per candidate, largest first.

    The scenario's own inputs (`scenarios.findings.inputs_of`) are not candidates.
    """
    from govsim.scenarios.findings import inputs_of

    skip = inputs_of(data, name)
    found = []
    for ind in TEXT_CANDIDATES:
        if ind not in data.columns or BY_NAME[ind].unit == "count" or ind in skip:
            continue
        diff = data.difference(name, ind)
        row = int(np.argmax(np.abs(diff.median)))
        found.append((float(abs(diff.median[row])), ind, row, diff))
    return sorted(found, key=lambda f: (-f[0], f[1]))


def first_reaching(series: np.ndarray, level: float) -> int | None:
    """First row where ``series`` reaches ``level`` (None if never)."""
    hits = np.flatnonzero(series >= level)
    return int(hits[0]) if len(hits) else None


def scenario_text(data: EnsembleData, name: str, lang: str = "en") -> str:
    """Two to four sentences saying what changed most in scenario ``name`` vs the reference."""
    ref_label = short_label(data.scenario(data.reference), lang)
    end_row = len(data.dates) - 1
    end = month(data.dates[end_row], lang)
    sentences: list[str] = []
    if name == data.reference:
        sentences.append(ui("txt_reference", lang).format(name=ref_label))
    else:
        changes = _largest_changes(data, name)
        if not changes or changes[0][0] < NOTICEABLE:
            sentences.append(
                ui("txt_no_change", lang).format(
                    ref=ref_label, eps=number(NOTICEABLE, lang, digits=3)
                )
            )
        else:
            _, ind, row, diff = changes[0]
            sentences.append(
                ui("txt_most", lang).format(
                    ref=ref_label,
                    label=label(ind, lang),
                    diff=number(diff.median[row], lang, signed=True),
                    date=month(data.dates[row], lang),
                    band=band_text(float(diff.p05[row]), float(diff.p95[row]), lang),
                )
            )
            if len(changes) > 1 and changes[1][0] >= NOTICEABLE:
                _, ind2, row2, diff2 = changes[1]
                sentences.append(
                    ui("txt_next", lang).format(
                        label=label(ind2, lang),
                        diff=number(diff2.median[row2], lang, signed=True),
                        date=month(data.dates[row2], lang),
                    )
                )
    if "transition_physical" in data.columns:
        sentences.append(_half_sentence(data, name, lang, ref_label, end))
    if "transformation_physical" in data.columns and "transition_physical" in data.columns:
        if name == data.reference:
            sentences.append(
                ui("txt_end_ref", lang).format(
                    date=end,
                    transition=number(data.band(name, "transition_physical").median[end_row], lang),
                    transformation=number(
                        data.band(name, "transformation_physical").median[end_row], lang
                    ),
                )
            )
        else:
            sentences.append(
                ui("txt_end", lang).format(
                    date=end,
                    value=number(data.band(name, "transformation_physical").median[end_row], lang),
                    diff=number(
                        data.difference(name, "transformation_physical").median[end_row],
                        lang,
                        signed=True,
                    ),
                    ref=ref_label,
                )
            )
    return " ".join(sentences[:4])


def _half_sentence(data: EnsembleData, name: str, lang: str, ref_label: str, end: str) -> str:
    mine = first_reaching(data.band(name, "transition_physical").median, 0.5)
    cmp = ""
    if name != data.reference:
        ref = first_reaching(data.band(data.reference, "transition_physical").median, 0.5)
        if ref is None:
            cmp = "" if mine is None else ui("cmp_ref_never", lang).format(ref=ref_label)
        elif mine is not None:
            if mine != ref:
                key = "cmp_earlier" if mine < ref else "cmp_later"
                n = abs(ref - mine)
                cmp = ui(key, lang).format(n=n, months=months_word(n, lang), ref=ref_label)
            else:
                cmp = ui("cmp_same", lang).format(ref=ref_label)
    if mine is None:
        return ui("txt_half_never", lang).format(date=end, cmp=cmp)
    return ui("txt_half", lang).format(date=month(data.dates[mine], lang), cmp=cmp)


def band_text(low: float, high: float, lang: str = "en", digits: int = 2, unit: str = "") -> str:
    """A 5-95% band of a difference, or "the same in every replication" when it has no width.

    ``+0.29 (5-95%: +0.29 to +0.29)`` says nothing a reader can use: when both ends print the
    same, the band is stated as one value.
    """
    lo, hi = number(low, lang, True, digits), number(high, lang, True, digits)
    suffix = f" {unit}" if unit else ""
    if lo == hi:
        return ui("band_same", lang).format(value=lo + suffix)
    return ui("band_range", lang).format(low=lo, high=hi + suffix)


def months_word(n: float, lang: str = "en") -> str:
    """The word "month" for a count of (minus) one, else "months", in ``lang``."""
    return ui("month_1" if abs(n) == 1 else "months", lang)


def percent(value: float, lang: str = "en") -> str:
    """A share as a whole percentage (``0.43`` -> ``43%``)."""
    return "–" if value is None or math.isnan(value) else f"{round(100 * value)}%"


def finding_sentence(finding, data: EnsembleData, lang: str = "en") -> str:
    """One `scenarios.findings.Finding` as a sentence in ``lang``."""
    v = finding.values
    ref = short_label(data.scenario(data.reference), lang)
    text = ui(finding.key, lang)
    fields: dict[str, str] = {"ref": ref}
    if "domain" in v:
        name = domain_name(v["domain"], lang)
        fields["domain"] = name[:1].upper() + name[1:]
        fields["level"] = percent(v["level"], lang)
        fields["end"] = month(v["end"], lang)
        fields["n"], fields["never"] = str(v["n"]), str(v["never"])
        fields["date"] = month(v["date"], lang) if v["date"] is not None else "–"
        if finding.key == "f_reach":
            shift = round(v["delta"])
            key = "shift_later" if shift > 0 else "shift_earlier" if shift < 0 else "shift_same"
            fields["shift"] = ui(key, lang).format(
                n=abs(shift), months=months_word(shift, lang), ref=ref
            )
            low, high = round(v["low"]), round(v["high"])
            unit = months_word(low if low == high else 2, lang)  # a band of one value: its number
            fields["band"] = band_text(v["low"], v["high"], lang, 0, unit)
        return text.format(**fields)
    fields["date"] = month(v["date"], lang) if "date" in v else ""
    if finding.key in ("f_ref_schedule", "f_schedule"):
        fields["value"] = percent(v["value"], lang)
        if "delta" in v:
            fields["delta"] = number(100 * v["delta"], lang, True, 0)
            fields["band"] = band_text(100 * v["low"], 100 * v["high"], lang, 0)
        return text.format(**fields)
    if finding.key == "f_ref_spread":
        return text.format(**fields, p10=number(v["p10"], lang), p90=number(v["p90"], lang))
    if finding.key == "f_groups":
        return text.format(
            **fields,
            worst=label(v["worst"], lang),
            worst_delta=number(v["worst_delta"], lang, True),
            band=band_text(v["worst_low"], v["worst_high"], lang),
            best=label(v["best"], lang),
            best_delta=number(v["best_delta"], lang, True),
        )
    if finding.key == "f_none":
        return text.format(**fields, eps=number(v["eps"], lang, digits=3))
    if "value" in v:
        fields["value"] = number(v["value"], lang)
    if "delta" in v:
        fields["delta"] = number(v["delta"], lang, True)
        fields["band"] = band_text(v["low"], v["high"], lang)
    if "indicator" in v:
        fields["label"] = label(v["indicator"], lang)
    return text.format(**fields)
