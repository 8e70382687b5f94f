"""Every text the workshop app shows, in Dutch and English (one place).

Indicator names come from `model.indicators` (`label`, `TERMS`), so an indicator reads the same in
the app, the reports and the experiments. This module adds the app's own words: buttons, slider
names, roles, causes of a change of steering, and the plain-language sentences of the drill-down
event log ("2016-03: sturing in het sociaal domein verschoof van samenwerkend naar presterend:
tekorten"). The headers of the exported tables are in `viz.columns`, next to the columns they
name; municipality aliases in `viz.names`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from govsim.model.indicators import TERMS
from govsim.model.indicators import label as indicator_label

LANGS: tuple[str, str] = ("nl", "en")
DEFAULT_LANG = "nl"

STRINGS: dict[str, tuple[str, str]] = {
    # page
    "app_title": ("Leren decentraliseren — simulatie", "Learning to decentralise — simulation"),
    "app_subtitle": (
        "388 gemeenten (2017), 3D en Omgevingswet",
        "388 municipalities (2017), 3D and Environment Act",
    ),
    "language": ("Taal", "Language"),
    "date": ("Datum", "Date"),
    "month_of": ("maand {step} van {n}", "month {step} of {n}"),
    "finished": ("einde van de simulatie", "end of the simulation"),
    # timeline, monitors, what changed (issue 16)
    "timeline": ("Tijdlijn", "Timeline"),
    "timeline_live": ("Nu: {date}", "Now: {date}"),
    "timeline_past": (
        "Terugkijken: {date}. 'Stap' en 'Start' gaan verder vanaf de laatste maand ({latest}).",
        "Looking back: {date}. 'Step' and 'Play' continue from the latest month ({latest}).",
    ),
    "timeline_to_live": ("Naar nu", "Back to now"),
    "presenter_on": ("Grote kaart", "Big map"),
    "presenter_off": ("Alles tonen", "Show all"),
    "drill_open": ("Gemeente zoeken", "Find a municipality"),
    "drill_close": ("Sluiten", "Close"),
    "speed_achieved": ("gehaald: {rate} per seconde", "achieved: {rate} per second"),
    "export_session": ("Sessie bewaren (.json)", "Save the session (.json)"),
    "session_open": (
        "Bewaarde sessie openen: klik hier om het bestand (.json) te kiezen, of sleep het hierheen",
        "Open a saved session: click here to choose its file (.json), or drop it here",
    ),
    "session_hint": (
        "Een bewaarde sessie bevat scenario, toevalsgetal, keuzes en maand; bij openen wordt "
        "de run opnieuw afgespeeld tot die maand.",
        "A saved session holds the scenario, seed, choices and month; opening it replays the "
        "run to that month.",
    ),
    "saved_invalid": (
        "Dit bestand is geen bewaarde sessie: {error}",
        "This file is not a saved session: {error}",
    ),
    "choices_scope_one": ("Alleen voor {name}", "Only for {name}"),
    "choices_scope_none": (
        "Alleen voor één gemeente (kies eerst een gemeente)",
        "Only for one municipality (pick a municipality first)",
    ),
    "choices_from_reset": (
        "'Nu toepassen': de gewijzigde keuzes gelden vanaf de volgende maand en de run gaat "
        "door. 'Opnieuw': de run begint in 2013 opnieuw, met deze keuzes vanaf het begin.",
        "'Apply now': the changed choices apply from the next month and the run goes on. "
        "'Reset': the run starts again in 2013, with these choices from the start.",
    ),
    "choices_apply_now": ("Nu toepassen (vanaf {date})", "Apply now (from {date})"),
    "choices_applied_title": ("Toegepast tijdens de run:", "Applied during the run:"),
    "choices_live_line": ("vanaf {date} — {scope}: {what}", "from {date} — {scope}: {what}"),
    "choices_everywhere": ("alle gemeenten", "every municipality"),
    "drilldown_past": (
        "Stand in {date}: voortgang en gebeurtenissen tot die maand.",
        "As of {date}: progress and the events up to that month.",
    ),
    "looking_back": ("teruggekeken", "looking back"),
    "monitors": ("Monitor", "Monitor"),
    "monitor_responsive_social": (
        "Vooral responsief (sociaal)",
        "Mainly responsive (social)",
    ),
    "monitor_responsive_physical": (
        "Vooral responsief (fysiek)",
        "Mainly responsive (physical)",
    ),
    "monitor_on_schedule": ("Op schema", "On schedule"),
    "monitor_satisfaction": ("Tevredenheid (mediaan)", "Satisfaction (median)"),
    "changed_since": ("sinds {date}: {what}", "since {date}: {what}"),
    "changed_moved": (
        "{n} gemeenten gingen over op {mode} sturen",
        "{n} municipalities moved to {mode} steering",
    ),
    "changed_secretary": ("{n} nieuwe secretaris", "{n} new secretary"),
    "changed_secretaries": ("{n} nieuwe secretarissen", "{n} new secretaries"),
    "changed_postponement": ("{n} uitstel", "{n} postponement"),
    "changed_postponements": ("{n} keer uitstel", "{n} postponements"),
    "changed_nothing": ("geen grote veranderingen", "no big changes"),
    # presets and controls
    "presets": ("Scenario", "Scenario"),
    "scenario": ("Scenario", "Scenario"),
    "seed": ("Toevalsgetal (seed)", "Random seed"),
    "seed_invalid": (
        "Het toevalsgetal moet een geheel getal zijn van 0 tot en met 2^128 − 1 ({max}), "
        "niet '{text}'. Het model is niet opnieuw gestart.",
        "The seed must be a whole number from 0 to 2^128 − 1 ({max}), not '{text}'. "
        "The model was not reset.",
    ),
    "seed_hint": (
        "Geheel getal van 0 tot en met 2^128 − 1; Enter start opnieuw.",
        "Whole number from 0 to 2^128 − 1; Enter resets.",
    ),
    "reset": ("Opnieuw", "Reset"),
    "step": ("Stap", "Step"),
    "play": ("Afspelen", "Play"),
    "pause": ("Pauze", "Pause"),
    "speed": ("Snelheid (maanden per seconde)", "Speed (months per second)"),
    "controls": ("Bediening", "Controls"),
    "side_by_side": ("Twee scenario's naast elkaar", "Two scenarios side by side"),
    "scenario_b": ("Vergelijk met", "Compare with"),
    "run_a": ("A", "A"),
    "run_b": ("B", "B"),
    "reset_error": ("Opnieuw starten lukte niet: {error}", "Reset failed: {error}"),
    # confirmation before a run is discarded
    "discard_title": ("Deze run weggooien?", "Discard this run?"),
    "discard_text": (
        "De simulatie staat op {date} (maand {step} van {n}). {action} begint opnieuw bij "
        "maand 0; wat deze run liet zien gaat verloren.",
        "The simulation is at {date} (month {step} of {n}). {action} starts again at month 0; "
        "what this run showed is lost.",
    ),
    "discard_scenario": ("Overstappen op scenario '{name}'", "Switching to scenario '{name}'"),
    "discard_text_reset": (
        "De simulatie staat op {date} (maand {step} van {n}). Opnieuw beginnen zet haar terug "
        "op maand 0, met de keuzes op de knoppen; wat deze run liet zien gaat verloren.",
        "The simulation is at {date} (month {step} of {n}). Starting again takes it back to "
        "month 0, with the choices on the controls; what this run showed is lost.",
    ),
    "discard_ok": ("Ja, opnieuw beginnen", "Yes, start again"),
    "discard_cancel": ("Nee, deze run houden", "No, keep this run"),
    "scenario_missing": (
        "Scenario '{name}' kon niet worden geladen ({error}); de basislijn wordt gebruikt.",
        "Scenario '{name}' could not be loaded ({error}); using the baseline.",
    ),
    # sliders
    "sliders": ("Knoppen voor de zaal", "Levers for the room"),
    "sliders_hint": (
        "Wijzigingen gelden na 'Opnieuw'.",
        "Changes take effect at 'Reset'.",
    ),
    "sliders_pending": (
        "Gewijzigd — druk op 'Opnieuw' om toe te passen.",
        "Changed — press 'Reset' to apply.",
    ),
    "sliders_restore": ("Terug naar het scenario", "Back to the scenario"),
    "slider_lead_time": (
        "Tijd tot de Omgevingswet ingaat (maanden)",
        "Time to the Environment Act deadline (months)",
    ),
    "slider_dso_delay": ("Extra vertraging DSO (maanden)", "Extra DSO delay (months)"),
    "slider_cooperation": (
        "Regionale samenwerking fysiek domein (intensiteit)",
        "Regional cooperation, physical domain (intensity)",
    ),
    "slider_regisseur_share": (
        "Aandeel secretarissen als regisseur (i.p.v. coach)",
        "Share of secretaries as director (not coach)",
    ),
    "slider_training_intensity": ("Intensiteit van opleiding", "Training intensity"),
    "slider_learning_by_doing_share": (
        "Leren door te doen (i.p.v. colleges)",
        "Learning by doing (not lectures)",
    ),
    "slider_council_reopen_tendency": (
        "Neiging van de raad keuzes te heropenen",
        "Council's tendency to reopen choices",
    ),
    # the secretary's choices (report §5.5, the seven lessons; §4.3 the DSO lobby)
    "choices": ("Keuzes van de secretaris", "The secretary's choices"),
    "choices_hint": (
        "Voor alle gemeenten, of alleen de gekozen gemeente. 0 = zoals de gemiddelde "
        "secretaris in 2017, 1 = volledig zoals de les vraagt.",
        "For every municipality, or only the one picked. 0 = as the typical secretary of "
        "2017 did, 1 = fully as the lesson asks.",
    ),
    "lever_transformation_first": (
        "Eerst sturen op transformatie (les 1)",
        "Steer on transformation first (lesson 1)",
    ),
    "lever_transformation_first_help": (
        "Minder inzet op de transitie zolang de deadline niet knelt, sneller los van de oude "
        "sturing.",
        "Less effort on the transition while the deadline does not press, a faster break with "
        "the inherited steering.",
    ),
    "lever_link_organisation_change": (
        "Koppel aan de organisatieverandering (les 2)",
        "Link to the organisation change (lesson 2)",
    ),
    "lever_link_organisation_change_help": (
        "Meer aandacht van de secretaris voor de verandering van de hele organisatie.",
        "More of the secretary's attention on the organisation-wide change.",
    ),
    "lever_data_driven": ("Datagedreven werken (les 3)", "Work data-driven (lesson 3)"),
    "lever_data_driven_help": (
        "Gemeentelijke kant van het DSO sneller klaar, de sociale monitor richt preventie "
        "(tekorten dalen meer); kost eerst budget.",
        "Municipal side of the DSO ready sooner, the social monitor aims prevention (deficits "
        "fall more); costs budget first.",
    ),
    "lever_start_early": (
        "Benut de tijd: vroeg beginnen (les 4)",
        "Use the time: start early (lesson 4)",
    ),
    "lever_start_early_help": (
        "Voorbereiden in plaats van afwachten: een gemeente wacht minder snel af.",
        "Prepare rather than wait: a municipality is slower to wait.",
    ),
    "lever_integrality": (
        "Integraal werken, gemengde teams (les 5)",
        "Integrality, mixed teams (lesson 5)",
    ),
    "lever_integrality_help": (
        "Medewerkers leren van de hele organisatie (3D-ervaring in de Omgevingswet); kost "
        "coördinatie en wat transitietempo.",
        "Staff learn from the whole organisation (3D experience in the Environment Act); costs "
        "coordination and some transition pace.",
    ),
    "lever_coach_college": ("Coach het college (les 6)", "Coach the college (lesson 6)"),
    "lever_coach_college_help": (
        "Houdt de aandacht van college en raad vast, brengt de sturing van het college dichter "
        "bij die van de secretaris, tempert ongeduld; kost tijd van de secretaris.",
        "Keeps the attention of college and council, brings the college's steering closer to "
        "the secretary's, tempers impatience; costs the secretary's time.",
    ),
    "lever_use_elections": ("Benut de verkiezingen (les 7)", "Use the elections (lesson 7)"),
    "lever_use_elections_help": (
        "Kans dat de secretaris bij verkiezingen gesprekken organiseert: de nieuwe coalitie "
        "stuurt of laat los zoals de secretaris wil.",
        "Chance that the secretary organises talks at an election: the new coalition steers or "
        "lets go as the secretary wishes.",
    ),
    "lever_dso_lobby": ("Lobby en werk aan het DSO", "Lobby and work on the DSO"),
    "lever_dso_lobby_help": (
        "Snellere voorbereiding op het DSO en minder onzekerheid over het stelsel; kost tijd "
        "van de secretaris.",
        "Faster preparation for the DSO and less uncertainty about the system; costs the "
        "secretary's time.",
    ),
    "choice_role": ("Rol van de secretaris", "The secretary's role"),
    "choice_role_help": (
        "Dezelfde rol voor alle secretarissen, ook na een wisseling; 'geloot' volgt de gewenste "
        "sturing.",
        "The same role for every secretary, also after a change; 'drawn' follows the desired "
        "steering.",
    ),
    "choice_stance": ("Houding van de secretaris", "The secretary's stance"),
    "choice_stance_help": (
        "Zelf de invoering regisseren of de regisseur coachen; 'geloot' volgt het aandeel "
        "regisseurs.",
        "Direct the implementation or coach its director; 'drawn' follows the share of directors.",
    ),
    "choice_physical_strategy": ("Strategie Omgevingswet", "Environment Act strategy"),
    "choice_physical_strategy_help": (
        "Vast voor alle gemeenten (bijv. afwachten tot het DSO er is); anders kiest en herziet "
        "elke gemeente zelf.",
        "Fixed for every municipality (e.g. wait for the DSO); otherwise each municipality "
        "chooses and revises.",
    ),
    "choices_changed": ("{n} gewijzigd", "{n} changed"),
    "choice_drawn": ("zoals in het scenario (geloot)", "as in the scenario (drawn)"),
    "choice_chosen": (
        "zoals in het scenario (gemeente kiest)",
        "as in the scenario (municipality chooses)",
    ),
    # map
    "map": ("Kaart", "Map"),
    "map_indicator": ("Kleur op de kaart", "Map colour"),
    "borders": ("Grenzen", "Borders"),
    "borders_none": ("geen", "none"),
    "borders_provinces": ("provincies", "provinces"),
    "borders_youth_regions": ("jeugdzorgregio's", "youth-care regions"),
    "map_click_hint": (
        "Klik op een gemeente voor details.",
        "Click a municipality for details.",
    ),
    "dominant_mode": ("dominante sturing", "dominant steering"),
    "unit_index": ("index 0–1", "index 0–1"),
    "unit_share": ("aandeel 0–1", "share 0–1"),
    "unit_count": ("aantal", "count"),
    "map_attribution": (
        "Kaart: Bron: CBS (PDOK, cartomap/nl)",
        "Map: Source: CBS (PDOK, cartomap/nl)",
    ),
    # charts
    "charts": ("Landelijk verloop", "National trends"),
    "panel_tt_social": ("Sociaal domein (3D)", "Social domain (3D)"),
    "panel_tt_physical": ("Fysiek domein (Ow)", "Physical domain (EA)"),
    "panel_steering_social": ("Sturing — sociaal", "Steering — social"),
    "panel_steering_physical": ("Sturing — fysiek", "Steering — physical"),
    "panel_staff": ("Medewerkers: nieuw werken", "Staff: the new way"),
    "panel_satisfaction": ("Tevredenheid secretaris", "Secretary satisfaction"),
    "panel_trust": ("Vertrouwen", "Trust"),
    "panel_cooperation": ("Regionale samenwerking", "Regional cooperation"),
    "citizen_trust_line": ("inwoners in gemeente", "citizens' trust"),
    "council_trust_line": ("raad in inwoners", "council's trust"),
    "now": ("nu", "now"),
    "events": ("Gebeurtenissen in de tijdlijn", "Timeline events"),
    "overlay_note": ("Doorgetrokken: {a} — gestreept: {b}", "Solid: {a} — dashed: {b}"),
    # timeline events
    "ev_known": ("{domain}: taak bekend", "{domain}: task known"),
    "ev_entry_planned": (
        "{domain}: inwerkingtreding gepland",
        "{domain}: entry into force planned",
    ),
    "ev_postponed": (
        "{domain}: uitstel aangekondigd, nieuwe datum {date}",
        "{domain}: postponement announced, new date {date}",
    ),
    "ev_entry": ("{domain}: inwerkingtreding", "{domain}: entry into force"),
    "ev_completion": ("{domain}: implementatie af", "{domain}: implementation complete"),
    "ev_dso_start": ("DSO: start", "DSO: launch"),
    "ev_dso_full": ("DSO: volledig beschikbaar", "DSO: fully available"),
    "ev_election": ("gemeenteraadsverkiezingen", "municipal elections"),
    "ev_shock": ("{domain}: budgetschok {size}", "{domain}: budget shock {size}"),
    "ev_cooperation": (
        "{domain}: beleid regionale samenwerking ({intensity})",
        "{domain}: regional cooperation policy ({intensity})",
    ),
    "tag_3d": ("3D", "3D"),
    "tag_ow": ("Ow", "EA"),
    "tag_postponed": ("uitstel", "delay"),
    "tag_dso": ("DSO", "DSO"),
    "tag_election": ("verk.", "elect."),
    "tag_policy": ("regio", "region"),
    "tag_shock": ("budget", "budget"),
    # survey
    "survey": ("Enquête 2017: model en werkelijkheid", "2017 survey: model and reality"),
    "survey_observed": ("gemeten (enquête 2017)", "observed (2017 survey)"),
    "survey_simulated": ("gesimuleerd", "simulated"),
    "survey_waiting": (
        "Het gesimuleerde antwoord verschijnt zodra het model {date} bereikt.",
        "The simulated answers appear once the model reaches {date}.",
    ),
    "survey_percent": ("% van de secretarissen", "% of secretaries"),
    "survey_now_switch": ("Enquête in de huidige maand", "Survey in the current month"),
    "survey_now_title": (
        "Enquête in de huidige maand (model)",
        "Survey in the current month (model)",
    ),
    "survey_now_fieldwork": (
        "Gevraagd in {date}, binnen het veldwerk van 2017 ({first} tot {last}): met de gemeten "
        "cijfers.",
        "Asked in {date}, within the 2017 fieldwork ({first} to {last}): with the observed "
        "figures.",
    ),
    "survey_now_outside": (
        "Gevraagd in {date}. Gemeten cijfers alleen in het veldwerk van 2017 ({first} tot {last}).",
        "Asked in {date}. Observed figures only in the 2017 fieldwork ({first} to {last}).",
    ),
    "survey_now_latest": (
        "(De enquête is van de laatste maand, niet van de maand op de tijdlijn.)",
        "(The survey is of the latest month, not of the month on the timeline.)",
    ),
    # drill-down
    "drilldown": ("Gemeente in detail", "Municipality in detail"),
    "pick_municipality": ("Kies een gemeente", "Choose a municipality"),
    "search_placeholder": (
        "Typ een naam, bijv. Den Haag of Den Bosch",
        "Type a name, e.g. The Hague or Den Bosch",
    ),
    "no_match": ("Geen gemeente gevonden voor '{query}'.", "No municipality matches '{query}'."),
    "no_municipality": (
        "Kies een gemeente in de lijst of klik op de kaart.",
        "Choose a municipality from the list or click on the map.",
    ),
    "secretary": ("Gemeentesecretaris", "Municipal secretary"),
    "role": ("Rol", "Role"),
    "stance": ("Houding", "Stance"),
    "agenda": ("Eigen inhoudelijke agenda", "Own content agenda"),
    "focus": ("Focus", "Focus"),
    "appointed_after_2015": ("Benoemd vanaf 2015", "Appointed from 2015 on"),
    "satisfaction": ("Tevredenheid", "Satisfaction"),
    "college": ("College van B en W", "Executive (college)"),
    "council": ("Gemeenteraad", "Council"),
    "attention": ("Aandacht", "Attention"),
    "steering_stance": ("Sturen (1) of loslaten (0)", "Steer (1) or let go (0)"),
    "risk_aversion": ("Politieke risicomijding", "Political risk aversion"),
    "trust_in_citizens": ("Vertrouwen in inwoners", "Trust in citizens"),
    "reopen_tendency": ("Neiging keuzes te heropenen", "Tendency to reopen choices"),
    "staff": ("Medewerkers", "Staff"),
    "adoption": ("Werkt op de nieuwe manier", "Working the new way"),
    "readiness": ("Bereidheid", "Readiness"),
    "citizens": ("Inwoners", "Citizens"),
    "participation": ("Participatie", "Participation"),
    "trust": ("Vertrouwen in de gemeente", "Trust in the municipality"),
    "progress": ("Voortgang", "Progress"),
    "steering": ("Sturing", "Steering"),
    "event_log": ("Wat er gebeurde", "What happened"),
    "no_events": ("Nog geen gebeurtenissen.", "No events yet."),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    "social_short": ("sociaal", "social"),
    "physical_short": ("fysiek", "physical"),
    "other_short": ("overig", "other"),
    "strategy": ("Strategie", "Strategy"),
    "task_not_known": ("taak nog niet bekend", "task not yet known"),
    "province": ("Provincie", "Province"),
    "inhabitants": ("inwoners", "inhabitants"),
    # roles and stances (report §1.8, §3.2)
    "role_advocate": ("belangenbehartiger", "advocate"),
    "role_executor": ("uitvoerder", "executor"),
    "role_connector": ("verbinder", "connector"),
    "role_changer": ("veranderaar", "changer"),
    "stance_regisseur": ("regisseur", "director (regisseur)"),
    "stance_coach": ("coach", "coach"),
    "focus_internal": ("interne organisatie", "internal organisation"),
    "focus_college": ("college", "college"),
    "focus_network": ("netwerk", "network"),
    # causes of a change of dominant steering (model.mechanisms.steering.change_cause)
    "cause_time_pressure": ("tijdsdruk", "time pressure"),
    "cause_regional_bodies": ("regionale samenwerkingsverbanden", "regional bodies"),
    "cause_incidents": ("incidenten", "incidents"),
    "cause_slow_progress": ("trage voortgang", "slow progress"),
    "cause_deficit": ("tekorten", "deficit"),
    "cause_subversion": ("ondermijning", "criminal subversion"),
    "cause_preferences": (
        "voorkeuren van secretaris en college",
        "preferences of secretary and college",
    ),
    # event sentences
    "log_mode_change": (
        "{date}: sturing in het {domain} verschoof van {from_mode} naar {to_mode}: {cause}",
        "{date}: steering in the {domain} moved from {from_mode} to {to_mode}: {cause}",
    ),
    "log_new_secretary": (
        "{date}: nieuwe gemeentesecretaris: {role}, {stance}",
        "{date}: new municipal secretary: {role}, {stance}",
    ),
    "log_election": ("{date}: gemeenteraadsverkiezingen", "{date}: municipal elections"),
    "log_coalition_steer": (
        "{date}: nieuwe coalitie kiest in het {domain} voor sturen",
        "{date}: new coalition chooses to steer in the {domain}",
    ),
    "log_coalition_let_go": (
        "{date}: nieuwe coalitie kiest in het {domain} voor loslaten",
        "{date}: new coalition chooses to let go in the {domain}",
    ),
    "log_strategy_change": (
        "{date}: strategie in het {domain} van {from_strategy} naar {to_strategy}: {cause}",
        "{date}: strategy in the {domain} moved from {from_strategy} to {to_strategy}: {cause}",
    ),
    "log_coalition_talks": (
        "{date}: secretaris organiseert gesprekken met de nieuwe coalitie over sturen en loslaten",
        "{date}: the secretary organises talks with the new coalition on steering and letting go",
    ),
    "scause_task_known": ("taak bekend", "task known"),
    "scause_review": ("herziening", "review"),
    "scause_postponement": ("uitstel", "postponement"),
    "scause_election": ("verkiezingen", "elections"),
    "scause_new_secretary": ("nieuwe secretaris", "new secretary"),
    "scause_scenario": ("keuze in het scenario", "choice in the scenario"),
    "log_other": ("{date}: {kind}", "{date}: {kind}"),
    "domain_social_in": ("sociaal domein", "social domain"),
    "domain_physical_in": ("fysiek domein", "physical domain"),
    # export
    "export": ("Exporteren voor de nabespreking", "Export for the debrief"),
    "export_charts": ("Grafieken (PNG)", "Charts (PNG)"),
    "export_map": ("Kaart (PNG)", "Map (PNG)"),
    "export_series": ("Landelijke reeksen (CSV)", "National series (CSV)"),
    "export_snapshot": ("Gemeenten nu (CSV)", "Municipalities now (CSV)"),
    "export_events": ("Gebeurtenissen (CSV)", "Events (CSV)"),
    "export_hint": (
        "CSV met puntkomma en decimale komma (Excel in het Nederlands).",
        "CSV with commas and decimal points.",
    ),
    # captions of the exported images
    "caption_map": ("Kaart: {indicator}", "Map: {indicator}"),
    "caption_scenario": ("Scenario: {title}", "Scenario: {title}"),
    "caption_seed_month": (
        "Toevalsgetal (seed): {seed} · maand {date} (maand {step} van {n})",
        "Random seed: {seed} · month {date} (month {step} of {n})",
    ),
    "caption_indicator": ("Indicator: {name}", "Indicator: {name}"),
    "caption_indicators": (
        "Indicatoren: landelijke reeksen per maand (0–1), één per paneel",
        "Indicators: national monthly series (0–1), one per panel",
    ),
    "caption_levers_none": (
        "Knoppen en keuzes: zoals in het scenario",
        "Levers and choices: as in the scenario",
    ),
    "caption_levers": ("Gewijzigd: {changes}", "Changed: {changes}"),
    "caption_source": (
        "Leren decentraliseren — simulatie (govsim)",
        "Learning to decentralise — simulation (govsim)",
    ),
    # words in the names of exported files
    "file_seed": ("toevalsgetal", "seed"),
    "file_charts": ("grafieken", "charts"),
    "file_map": ("kaart", "map"),
    "file_series": ("landelijke-reeksen", "national-series"),
    "file_snapshot": ("gemeenten", "municipalities"),
    "file_events": ("gebeurtenissen", "events"),
    "file_session": ("sessie", "session"),
    # kinds of logged events (the events CSV)
    "kind_mode_change": ("wisseling dominante sturing", "change of dominant steering"),
    "kind_new_secretary": ("nieuwe gemeentesecretaris", "new municipal secretary"),
    "kind_election": ("gemeenteraadsverkiezingen", "municipal elections"),
    "kind_strategy_change": ("wisseling van strategie", "change of strategy"),
    "kind_coalition_talks": ("gesprekken met de nieuwe coalitie", "talks with the new coalition"),
    "kind_coalition": ("keuze nieuwe coalitie", "choice of the new coalition"),
    "coalition_steer": ("sturen", "steer"),
    "coalition_let_go": ("loslaten", "let go"),
    # tabs
    "tab_details": ("Gemeente", "Municipality"),
    "tab_survey": ("Enquête", "Survey"),
    "tab_expect": ("Verwachtingen rapport", "The report expects"),
    # the report's expectations of a scenario (viz.expectations)
    "expect_title": (
        "Wat het rapport 'Leren Decentraliseren' van dit scenario verwacht",
        "What the report 'Leren Decentraliseren' expects of this scenario",
    ),
    "expect_none": (
        "De getoonde scenario's noemen geen verwachtingen van het rapport.",
        "The scenarios shown state no expectations of the report.",
    ),
    "expect_hint": (
        "Vergelijk met Basis ('Vergelijk met') om per verwachting het verschil in deze run te "
        "zien.",
        "Compare with Baseline ('Compare with') to see the difference in this run for each "
        "expectation.",
    ),
    "expect_one_run": (
        "Eén run tegen Basis met hetzelfde toevalsgetal. Het scenariorapport (govsim run) "
        "oordeelt over tien runs; één run kan daarvan afwijken.",
        "One run against Baseline with the same seed. The scenario report (govsim run) judges "
        "over ten runs; one run can differ from that.",
    ),
    "expect_when": ("in {date}", "in {date}"),
    "expect_waiting": ("nog niet bereikt", "not reached yet"),
    "expect_delta": ("in deze run {delta} t.o.v. Basis", "in this run {delta} against Baseline"),
    "expect_higher": ("hoger", "higher"),
    "expect_lower": ("lager", "lower"),
    "expect_agrees": ("zoals het rapport verwacht", "as the report expects"),
    "expect_disagrees": ("tegen de verwachting in", "against the expectation"),
    "expect_unclear": ("geen merkbaar verschil", "no noticeable difference"),
    "tab_export": ("Export", "Export"),
}
"""Key -> (Dutch, English)."""

SURVEY_ITEMS: dict[str, tuple[str, str]] = {
    "satisfaction_implementation": (
        "tevreden over de invoering (4-5)",
        "satisfied with the implementation (4-5)",
    ),
    "organisation_suitable": ("organisatie is geschikt", "organisation is suitable"),
    "college_involvement": ("college betrokken", "college involved"),
    "college_steering": ("college stuurt", "college steers"),
    "council_involvement": ("raad betrokken", "council involved"),
    "council_steering": ("raad stuurt", "council steers"),
    "importance_regional_cooperation": (
        "regionale samenwerking belangrijk",
        "regional cooperation important",
    ),
    "change_user_central": ("gebruiker meer centraal", "user more central"),
    "change_self_organisation": (
        "meer zelforganisatie samenleving",
        "more self-organisation of society",
    ),
}
"""Survey items shown in the survey panel (short labels; the data file has the full Dutch text)."""


def _index(lang: str) -> int:
    return 0 if lang == "nl" else 1


def t(key: str, lang: str = DEFAULT_LANG, **fields: Any) -> str:
    """The text ``key`` in ``lang`` (``"nl"`` or ``"en"``), formatted with ``fields``."""
    text = STRINGS[key][_index(lang)]
    return text.format(**fields) if fields else text


def term(name: str, lang: str = DEFAULT_LANG) -> str:
    """A model term (domain, steering mode, ...) in ``lang``, from `model.indicators.TERMS`."""
    return TERMS[name][_index(lang)]


def indicator(name: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a national indicator (see `model.indicators.label`)."""
    return indicator_label(name, lang)


def survey_item(item: str, lang: str = DEFAULT_LANG, fallback: str = "") -> str:
    """Short label of a survey item (falls back to ``fallback`` or the item name)."""
    if item in SURVEY_ITEMS:
        return SURVEY_ITEMS[item][_index(lang)]
    return fallback or item


def month(date: dt.date | Any) -> str:
    """``YYYY-MM`` of a date (the event log and the date label use it)."""
    if hasattr(date, "strftime"):
        return date.strftime("%Y-%m")
    return str(date)[:7]


def number(value: float, digits: int = 2, lang: str = DEFAULT_LANG, *, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals: a decimal comma in Dutch (``0,25``), a point in English.

    ``sign`` writes a ``+`` before positive values (``+0,10``).
    """
    text = f"{float(value):+.{digits}f}" if sign else f"{float(value):.{digits}f}"
    return text.replace(".", ",") if lang == "nl" else text


def integer(value: int, lang: str = DEFAULT_LANG) -> str:
    """A whole number with thousands grouped: ``12.345`` in Dutch, ``12,345`` in English."""
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "nl" else text


def role(name: str, lang: str = DEFAULT_LANG) -> str:
    """Secretary role (advocate, executor, connector, changer) in ``lang``."""
    return t(f"role_{name}", lang)


def stance(name: str, lang: str = DEFAULT_LANG) -> str:
    """Secretary stance (regisseur, coach) in ``lang``."""
    return t(f"stance_{name}", lang)


def cause(name: str, lang: str = DEFAULT_LANG) -> str:
    """Cause of a change of dominant steering in ``lang`` (unknown causes are shown as given)."""
    key = f"cause_{name}"
    return t(key, lang) if key in STRINGS else str(name)


def lever(name: str, lang: str = DEFAULT_LANG) -> str:
    """Label of a numeric lever of the secretary (``coach_college``, ...) in ``lang``."""
    return t(f"lever_{name}", lang)


def choice_option(key: str, value: str, lang: str = DEFAULT_LANG) -> str:
    """An option of a choice select: a role, a stance, a strategy, or the default's words."""
    if value in ("drawn", "chosen"):
        return t(f"choice_{value}", lang)
    if key == "role":
        return role(value, lang)
    if key == "stance":
        return stance(value, lang)
    return term(value, lang)


def strategy_cause(name: str, lang: str = DEFAULT_LANG) -> str:
    """Why a municipality changed its strategy in ``lang`` (unknown causes as given)."""
    key = f"scause_{name}"
    return t(key, lang) if key in STRINGS else str(name)


def event_sentence(event: Mapping[str, Any], lang: str = DEFAULT_LANG) -> str:
    """One plain-language line for an `event_log()` row of a municipality.

    Example:
        ``2016-03: sturing in het sociaal domein verschoof van samenwerkend naar presterend:
        tekorten`` / ``2016-03: steering in the social domain moved from collaborative to
        performing: deficit``.
    """
    date = month(event.get("date"))
    kind = event.get("kind")
    if kind == "mode_change":
        return t(
            "log_mode_change",
            lang,
            date=date,
            domain=t(f"domain_{event['domain']}_in", lang),
            from_mode=term(event["from_mode"], lang),
            to_mode=term(event["to_mode"], lang),
            cause=cause(event.get("cause", ""), lang),
        )
    if kind == "new_secretary":
        return t(
            "log_new_secretary",
            lang,
            date=date,
            role=role(event["role"], lang),
            stance=stance(event["stance"], lang),
        )
    if kind == "election":
        return t("log_election", lang, date=date)
    if kind == "strategy_change":
        return t(
            "log_strategy_change",
            lang,
            date=date,
            domain=t(f"domain_{event['domain']}_in", lang),
            from_strategy=term(event["from_strategy"], lang),
            to_strategy=term(event["to_strategy"], lang),
            cause=strategy_cause(event.get("cause", ""), lang),
        )
    if kind == "coalition_talks":
        return t("log_coalition_talks", lang, date=date)
    if kind == "coalition":
        key = "log_coalition_let_go" if event.get("stance") == "let_go" else "log_coalition_steer"
        return t(key, lang, date=date, domain=t(f"domain_{event['domain']}_in", lang))
    return t("log_other", lang, date=date, kind=kind)
