"""Column headers and cell values of the exported tables in the app's language.

The model's tables (`national_series`, `snapshot`, `event_log`) name their columns in
``snake_case`` and hold codes (``performing``, ``front_run``, ``True``). For the debrief the
CSV exports show labels instead: national indicators as `model.indicators.label` names them,
the per-municipality and event columns from the tables below, and values in words (``presterend``,
``voorlopen``, ``ja``). `localize` does both for one table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from govsim.model.indicators import BY_NAME, TERMS
from govsim.model.indicators import label as indicator_label
from govsim.model.municipalities import SIZE_CLASSES
from govsim.viz import i18n

TABLES: tuple[str, ...] = ("series", "snapshot", "events")
"""The exported tables: national series, municipalities now, logged events."""

FIXED: dict[str, tuple[str, str]] = {
    "scenario": ("scenario", "scenario"),
    "seed": ("toevalsgetal (seed)", "random seed"),
    "date": ("maand", "month"),
    "step": ("stap", "step"),
    "code": ("CBS-code", "CBS code"),
    "name": ("gemeente", "municipality"),
    "municipality": ("rij van de gemeente", "municipality row"),
    "province": ("provincie", "province"),
    "youth_region": ("jeugdzorgregio", "youth-care region"),
    "od_cluster": ("omgevingsdienst (cluster)", "environment service (cluster)"),
    "population": ("inwoners", "inhabitants"),
    "size_class": ("grootteklasse", "size class"),
    "experience": ("ervaring", "experience"),
    "capacity": ("capaciteit", "capacity"),
    "staff_readiness": ("bereidheid medewerkers", "staff readiness"),
    "secretary_role": ("rol secretaris", "secretary's role"),
    "secretary_regisseur": ("secretaris is regisseur", "secretary is director (regisseur)"),
    "secretary_appointed_after_2015": (
        "secretaris benoemd vanaf 2015",
        "secretary appointed from 2015 on",
    ),
    "council_trust_in_citizens": ("vertrouwen raad in inwoners", "council's trust in citizens"),
    "council_reopen_tendency": (
        "neiging raad keuzes te heropenen",
        "council's tendency to reopen choices",
    ),
    "staff_agents": ("medewerkers (agenten)", "staff (agents)"),
    "citizen_agents": ("inwoners (agenten)", "citizens (agents)"),
    "kind": ("soort", "kind"),
    "domain": ("domein", "domain"),
    "from_strategy": ("van strategie", "from strategy"),
    "to_strategy": ("naar strategie", "to strategy"),
    "cause": ("oorzaak", "cause"),
    "from_mode": ("van sturing", "from steering"),
    "to_mode": ("naar sturing", "to steering"),
    "role": ("rol", "role"),
    "stance": ("houding of keuze", "stance or choice"),
    "text": ("beschrijving", "description"),
}
"""Columns that are not national indicators: key -> (Dutch, English)."""

PER_DOMAIN: dict[str, tuple[str, str]] = {
    "dominant": ("dominante sturing", "dominant steering"),
    "mix": ("sturingsgewicht", "steering weight"),
    "desired": ("gewenst sturingsgewicht secretaris", "secretary's desired steering weight"),
    "attention": ("aandacht secretaris", "secretary's attention"),
    "college_stance": ("college: sturen (1) of loslaten (0)", "college: steer (1) or let go (0)"),
    "satisfaction_at_entry": (
        "tevredenheid secretaris bij inwerkingtreding",
        "secretary satisfaction at entry into force",
    ),
    "incident_pressure": ("incidentdruk", "incident pressure"),
    "readiness": ("gereedheid", "readiness"),
    "strategy": ("strategie", "strategy"),
    "mode_changes": ("wisselingen dominante sturing", "dominant-mode changes"),
}
"""Per-municipality columns ``<key>_<domain>`` (and ``<key>_<domain>_<mode>``)."""

_PER_DOMAIN = re.compile(
    r"^(?P<key>" + "|".join(sorted(PER_DOMAIN, key=len, reverse=True)) + r")_"
    r"(?P<domain>social|physical)(?:_(?P<mode>legal|performing|collaborative|responsive))?$"
)
LEVER_PREFIX = ("keuze secretaris: ", "secretary's choice: ")


def _i(lang: str) -> int:
    return 0 if lang == "nl" else 1


def _municipal_label(name: str, lang: str) -> str | None:
    """Label of a per-municipality column, or None if it is not one of `FIXED`/`PER_DOMAIN`."""
    if name in FIXED:
        return FIXED[name][_i(lang)]
    if name.startswith("lever_"):
        return LEVER_PREFIX[_i(lang)] + i18n.lever(name.removeprefix("lever_"), lang)
    match = _PER_DOMAIN.match(name)
    if match is None:
        return None
    text = f"{PER_DOMAIN[match['key']][_i(lang)]} — {TERMS[match['domain']][_i(lang)]}"
    return f"{text}, {TERMS[match['mode']][_i(lang)]}" if match["mode"] else text


def _composite(name: str, lang: str) -> str | None:
    """``<term>_<term>`` as ``term — term`` (``instrument_dso_connection``), or None."""
    parts = name.split("_")
    for cut in range(1, len(parts)):
        head, tail = "_".join(parts[:cut]), "_".join(parts[cut:])
        if head in TERMS and tail in TERMS:
            return f"{TERMS[head][_i(lang)]} — {TERMS[tail][_i(lang)]}"
    return None


def column_label(name: str, lang: str, table: str = "snapshot") -> str:
    """Header of column ``name`` of export ``table`` (see `TABLES`) in ``lang``.

    In the national series every indicator keeps its `model.indicators.label`; in the other
    tables the per-municipality meaning comes first (``mix_social_legal`` of one municipality is
    its steering weight, not the national mean); then the indicator labels, then two terms of
    `model.indicators.TERMS` joined. A name nobody labels is returned as it is.
    """
    if table == "series" and name in BY_NAME:
        return indicator_label(name, lang)
    found = _municipal_label(name, lang)
    if found is not None:
        return found
    if name in BY_NAME or name in TERMS:
        return indicator_label(name, lang)
    return _composite(name, lang) or name


def _words(translate: Callable[[str], str]) -> Callable[[Any], Any]:
    """Apply ``translate`` to text cells, leave missing values alone."""

    def convert(value: Any) -> Any:
        return translate(str(value)) if isinstance(value, str) else value

    return convert


def _stance(value: str, lang: str) -> str:
    if value in ("steer", "let_go"):
        return i18n.t(f"coalition_{value}", lang)
    return i18n.stance(value, lang)


def _kind(value: str, lang: str) -> str:
    key = f"kind_{value}"
    return i18n.t(key, lang) if key in i18n.STRINGS else value


def _size_class(value: Any, lang: str) -> Any:
    try:
        return TERMS[SIZE_CLASSES[int(value)]][_i(lang)]
    except (ValueError, IndexError, TypeError):
        return value


def _term_or_self(value: str, lang: str) -> str:
    return i18n.term(value, lang) if value in TERMS else value


def _value_converter(name: str, lang: str) -> Callable[[Any], Any] | None:
    """How the cells of column ``name`` read in ``lang`` (None: as they are)."""
    if re.fullmatch(r"(dominant|strategy)_(social|physical)", name) or name in (
        "from_mode",
        "to_mode",
        "from_strategy",
        "to_strategy",
        "domain",
    ):
        return _words(lambda v: _term_or_self(v, lang))
    if name in ("secretary_role", "role"):
        return _words(lambda v: i18n.role(v, lang))
    if name == "stance":
        return _words(lambda v: _stance(v, lang))
    if name == "kind":
        return _words(lambda v: _kind(v, lang))
    if name == "size_class":
        return lambda v: _size_class(v, lang)
    return None


def _causes(frame: pd.DataFrame, lang: str) -> list[Any]:
    """The cause column in words: steering causes for mode changes, else strategy causes."""
    out = []
    for kind, cause in zip(frame.get("kind", [None] * len(frame)), frame["cause"], strict=True):
        if not isinstance(cause, str):
            out.append(cause)
        elif kind == "mode_change":
            out.append(i18n.cause(cause, lang))
        else:
            out.append(i18n.strategy_cause(cause, lang))
    return out


def localize(frame: pd.DataFrame, lang: str, table: str) -> pd.DataFrame:
    """A copy of ``frame`` with headers (`column_label`) and values in words in ``lang``.

    Booleans read ``ja``/``nee`` (``yes``/``no``); modes, strategies, domains, roles, stances,
    event kinds and causes their `viz.i18n` words; numbers stay numbers.
    """
    out = frame.copy()
    yes_no = {True: i18n.t("yes", lang), False: i18n.t("no", lang)}
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_bool_dtype(column):
            out[name] = column.map(yes_no)
            continue
        if name == "cause":
            out[name] = _causes(frame, lang)
            continue
        convert = _value_converter(name, lang)
        if convert is not None:
            out[name] = column.astype(object).map(convert)
    out.columns = [column_label(name, lang, table) for name in out.columns]
    return out
