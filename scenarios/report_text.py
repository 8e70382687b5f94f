"""Words of the scenario report that are not indicator labels, in Dutch and English.

Indicator and term labels come from `model.indicators.label` (the one place for those); this
module holds the few other words of the report (section titles, legend entries, table headers,
sentence templates), number and date formatting per language, and the short generated text per
scenario. Dutch is first-class: every string exists in both languages, Dutch first.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from govsim.model.indicators import BY_NAME, label
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
    "ev_known": ("{domain}: taak bekend", "{domain}: task known"),
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
        "Ten opzichte van {ref} verandert {label} het meest: {diff} in {date} "
        "(5-95%: {low} tot {high}).",
        "Compared with {ref}, {label} changes most: {diff} in {date} (5-95%: {low} to {high}).",
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
    "cmp_earlier": (", {n} maanden eerder dan {ref}", ", {n} months earlier than {ref}"),
    "cmp_later": (", {n} maanden later dan {ref}", ", {n} months later than {ref}"),
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
        out.append((dom.known, ui("ev_known", lang).format(domain=name)))
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
    """(|median difference|, indicator, date row, band) per candidate, largest first."""
    found = []
    for ind in TEXT_CANDIDATES:
        if ind not in data.columns or BY_NAME[ind].unit == "count":
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
                    low=number(diff.p05[row], lang, signed=True),
                    high=number(diff.p95[row], lang, signed=True),
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
            if mine < ref:
                cmp = ui("cmp_earlier", lang).format(n=ref - mine, ref=ref_label)
            elif mine > ref:
                cmp = ui("cmp_later", lang).format(n=mine - ref, ref=ref_label)
            else:
                cmp = ui("cmp_same", lang).format(ref=ref_label)
    if mine is None:
        return ui("txt_half_never", lang).format(date=end, cmp=cmp)
    return ui("txt_half", lang).format(date=month(data.dates[mine], lang), cmp=cmp)
