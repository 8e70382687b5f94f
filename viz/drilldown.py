"""Drill-down into one municipality: its actors' state and a plain-language log of its events.

Reads the Mesa agents' ``describe()`` (secretary with its lever values, college, council) and
the model's arrays for staff, citizens and the strategy per domain; returns plain data that the
app shows and the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from govsim.agents.modes import MODES
from govsim.model.parameters import STRATEGIES
from govsim.viz import i18n, names


@dataclass(frozen=True)
class Row:
    """One line of a drill-down section: a label, its text, and a 0-1 value for a bar."""

    label: str
    text: str
    value: float | None = None


@dataclass(frozen=True)
class Section:
    """A titled group of rows (secretary, college, council, staff, citizens, progress)."""

    key: str
    title: str
    rows: tuple[Row, ...]


def find_row(model: Any, name: str | None) -> int | None:
    """Row of the municipality called ``name``, or None.

    ``name`` is the official name, the CBS code, or a name `viz.names.resolve` knows (an alias
    such as "Den Haag", or the name without accents, case or apostrophes).
    """
    if not name:
        return None
    frame = model.frame
    for column in ("name", "code"):
        hits = np.flatnonzero(frame[column].to_numpy() == name)
        if len(hits):
            return int(hits[0])
    official = names.resolve(name, frame["name"].tolist())
    if official is None:
        return None
    return int(np.flatnonzero(frame["name"].to_numpy() == official)[0])


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pct(value: float) -> str:
    return f"{100 * float(value):.0f}%"


def _pct1(value: float, lang: str) -> str:
    return f"{i18n.number(100 * float(value), 1, lang)}%"


def _pair(values: Any, lang: str) -> list[tuple[str, float]]:
    return [
        (i18n.t("social_short", lang), float(values[0])),
        (i18n.t("physical_short", lang), float(values[1])),
    ]


def sections(model: Any, row: int, lang: str = i18n.DEFAULT_LANG) -> list[Section]:
    """The drill-down of municipality ``row`` in ``lang``."""
    t = i18n.t
    sec = model.secretary_agents[row].describe()
    col = model.college_agents[row].describe()
    cou = model.council_agents[row].describe()
    st = model.state
    out: list[Section] = []

    yes_no = {True: t("yes", lang), False: t("no", lang)}
    rows = [
        Row(t("role", lang), i18n.role(sec["role"], lang)),
        Row(t("stance", lang), i18n.stance(sec["stance"], lang)),
        Row(t("agenda", lang), yes_no[bool(sec["agenda"])]),
        Row(t("focus", lang), t(f"focus_{sec['focus']}", lang)),
        Row(t("appointed_after_2015", lang), yes_no[bool(sec["appointed_after_2015"])]),
    ]
    for name, value in _pair(sec["satisfaction"], lang):
        rows.append(Row(f"{t('satisfaction', lang)} ({name})", _pct(value), value))
    out.append(Section("secretary", t("secretary", lang), tuple(rows)))
    out.append(choices_section(model, row, sec.get("levers", {}), lang))

    rows = []
    for name, value in _pair(col["attention"], lang):
        rows.append(Row(f"{t('attention', lang)} ({name})", _pct(value), value))
    for name, value in _pair(col["stance"], lang):
        rows.append(
            Row(f"{t('steering_stance', lang)} ({name})", i18n.number(value, 2, lang), value)
        )
    rows.append(Row(t("risk_aversion", lang), _pct(col["risk_aversion"]), col["risk_aversion"]))
    out.append(Section("college", t("college", lang), tuple(rows)))

    rows = []
    for name, value in _pair(cou["attention"], lang):
        rows.append(Row(f"{t('attention', lang)} ({name})", _pct(value), value))
    rows.append(
        Row(t("trust_in_citizens", lang), _pct(cou["trust_in_citizens"]), cou["trust_in_citizens"])
    )
    rows.append(
        Row(t("reopen_tendency", lang), _pct(cou["reopen_tendency"]), cou["reopen_tendency"])
    )
    out.append(Section("council", t("council", lang), tuple(rows)))

    adoption = model.team_adoption[row]
    rows = [
        Row(f"{t('adoption', lang)} ({name})", _pct(value), value)
        for name, value in (*_pair(adoption, lang), (t("other_short", lang), float(adoption[2])))
    ]
    mine = model.staff.municipality == row
    if mine.any():
        readiness = float(model.staff.readiness[mine].mean())
        rows.append(Row(t("readiness", lang), _pct(readiness), readiness))
    out.append(Section("staff", t("staff", lang), tuple(rows)))

    part = model.last_participation
    rows = []
    for d, name in enumerate((t("social_short", lang), t("physical_short", lang))):
        share = float(part.participants[row, d] / max(part.citizens[row, d], 1))
        rows.append(Row(f"{t('participation', lang)} ({name})", _pct1(share, lang), share))
    citizens = model.citizens.municipality == row
    if citizens.any():
        trust = float(model.citizens.trust[citizens].mean())
        rows.append(Row(t("trust", lang), _pct(trust), trust))
    out.append(Section("citizens", t("citizens", lang), tuple(rows)))

    rows = []
    for d, domain in enumerate(("social", "physical")):
        short = t(f"{domain}_short", lang)
        rows.append(
            Row(
                f"{_cap(i18n.term('transition', lang))} ({short})",
                _pct(st.transition[row, d]),
                float(st.transition[row, d]),
            )
        )
        rows.append(
            Row(
                f"{_cap(i18n.term('transformation', lang))} ({short})",
                _pct(st.transformation[row, d]),
                float(st.transformation[row, d]),
            )
        )
        mode = MODES[int(st.steering[row, d].argmax())]
        rows.append(Row(f"{t('steering', lang)} ({short})", i18n.term(mode, lang)))
        rows.append(
            Row(
                f"{_cap(i18n.term('cooperation', lang))} ({short})",
                _pct(st.cooperation[row, d]),
                float(st.cooperation[row, d]),
            )
        )
    out.append(Section("progress", t("progress", lang), tuple(rows)))
    return out


def choices_section(
    model: Any, row: int, levers: dict[str, float], lang: str = i18n.DEFAULT_LANG
) -> Section:
    """The secretary's choices in municipality ``row``.

    Its strategy per domain (wait, prepare, front-run; "task not yet known" before the task is)
    and the numeric lever values (``levers``, from the secretary's ``describe()``).
    """
    t = i18n.t
    rows = []
    known_step = model.compiled.known_step
    for d, domain in enumerate(("social", "physical")):
        if model.steps >= int(known_step[d]):
            text = i18n.term(STRATEGIES[int(model.state.strategy[row, d])], lang)
        else:
            text = t("task_not_known", lang)
        rows.append(Row(f"{t('strategy', lang)} ({t(f'{domain}_short', lang)})", text))
    for name, value in levers.items():
        rows.append(Row(i18n.lever(name, lang), i18n.number(value, 1, lang), float(value)))
    return Section("choices", t("choices", lang), tuple(rows))


def header(model: Any, row: int, lang: str = i18n.DEFAULT_LANG) -> str:
    """``Name (province, 12.345 inhabitants)``."""
    frame = model.frame
    number = i18n.integer(int(frame["population"].iloc[row]), lang)
    return (
        f"{frame['name'].iloc[row]} ({frame['province'].iloc[row]}, {number} "
        f"{i18n.t('inhabitants', lang)})"
    )


def event_lines(
    model: Any, row: int, lang: str = i18n.DEFAULT_LANG, upto: int | None = None
) -> list[str]:
    """The municipality's events so far (up to step ``upto`` if given) as lines, oldest first."""
    cal = model.calendar
    lines = []
    for event in model.events:
        if event["municipality"] != row or (upto is not None and event["step"] > upto):
            continue
        lines.append(
            i18n.event_sentence({**event, "date": cal.date_of(max(event["step"], 1))}, lang)
        )
    return lines


def past_progress(progress: Any, row: int, lang: str = i18n.DEFAULT_LANG) -> Section:
    """The progress section of municipality ``row`` in a stored past month.

    Args:
        progress: ``MonthView.progress`` (municipalities x 2 domains x transition,
            transformation, dominant steering mode, cooperation).
        row: Municipality row.
        lang: ``nl`` or ``en``.
    """
    t = i18n.t
    rows = []
    for d, domain in enumerate(("social", "physical")):
        short = t(f"{domain}_short", lang)
        transition, transformation, mode, cooperation = (float(x) for x in progress[row, d])
        for name, value in (("transition", transition), ("transformation", transformation)):
            rows.append(Row(f"{_cap(i18n.term(name, lang))} ({short})", _pct(value), value))
        rows.append(Row(f"{t('steering', lang)} ({short})", i18n.term(MODES[int(mode)], lang)))
        rows.append(
            Row(f"{_cap(i18n.term('cooperation', lang))} ({short})", _pct(cooperation), cooperation)
        )
    return Section("progress", t("progress", lang), tuple(rows))
