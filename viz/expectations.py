"""The app's tab "What the report expects": a scenario's ``[[expect]]`` tables, live.

For each run whose scenario states expectations (`scenarios.expectations`): the report's words
and passage, and the month they are about. When the other run of a side-by-side comparison is
the reference (the baseline), the two runs share their seed, so the difference between them at
that month is a paired difference of one replication: shown once the runs have reached the
month, with the verdict the report's rule gives a band of one value (agrees, disagrees, no
noticeable difference). The scenario report's verdicts rest on ten replications; one run can
differ, which the tab says.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from govsim.scenarios.expectations import Expectation, moment_date, verdict
from govsim.viz import i18n

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.timeline import Timeline
    from govsim.viz.session import Run

REFERENCE = "baseline"
"""The scenario the expectations are stated against (`scenarios.loader.STANDARD_SET`'s first)."""


@dataclass(frozen=True)
class Row:
    """One expectation of one run, as the tab shows it.

    Attributes:
        run: Index of the run (0: A, 1: B).
        expectation: What the report expects.
        when: The month it is about.
        delta: This run less the reference run at that month (None: no reference run shown,
            or the month not reached yet).
        verdict: `scenarios.expectations.VERDICTS` of ``delta`` (None with it).
    """

    run: int
    expectation: Expectation
    when: dt.date
    delta: float | None
    verdict: str | None


def value_at(run: Run, indicator: str, when: dt.date) -> float | None:
    """The national ``indicator`` of ``run`` in the month of ``when`` (None: not reached)."""
    model = run.model
    step = model.calendar.step_of(when)
    collected = model.datacollector.model_vars.get(indicator, [])
    if step < 1 or len(collected) < step:
        return None
    return float(collected[step - 1])


def reference_run(runs: Sequence[Run]) -> int | None:
    """Index of the reference run among two runs side by side (None: none of them is)."""
    names = [r.name for r in runs]
    if len(runs) < 2 or REFERENCE not in names:
        return None
    return names.index(REFERENCE)


@cache
def _declared_reference() -> Timeline:
    """The reference scenario's timeline as its file declares it (no reference run shown).

    Read once, not at every refresh of the tab.
    """
    from govsim.scenarios.loader import load_scenario

    return load_scenario(REFERENCE).timeline


def rows(runs: Sequence[Run]) -> list[Row]:
    """Every expectation of every run's scenario, with the live difference where there is one."""
    ref = reference_run(runs)
    out = []
    for i, run in enumerate(runs):
        if run.name == REFERENCE:
            continue
        timeline = run.model.timeline
        reference = runs[ref].model.timeline if ref is not None else _declared_reference()
        end = run.model.calendar.date_of(run.model.calendar.n_steps)
        for e in run.scenario.expectations:
            when = moment_date(
                e.at,
                timeline.physical.final_entry(),
                reference.physical.final_entry(),
                end,
            )
            mine = value_at(run, e.indicator, when)
            theirs = value_at(runs[ref], e.indicator, when) if ref is not None else None
            if mine is None or theirs is None:
                out.append(Row(i, e, when, None, None))
                continue
            delta = mine - theirs
            out.append(Row(i, e, when, delta, verdict(e.direction, delta, delta)))
    return out


def _row_html(row: Row, compared: bool, lang: str) -> str:
    e = row.expectation
    what = (
        f"{i18n.indicator(e.indicator, lang)}: {i18n.t('expect_' + e.direction, lang)}, "
        + i18n.t("expect_when", lang, date=i18n.month(row.when))
    )
    if row.delta is None:
        live = i18n.t("expect_waiting", lang) if compared else ""
    else:
        delta = i18n.t("expect_delta", lang, delta=i18n.number(row.delta, 2, lang, sign=True))
        live = f"{delta}: <b>{i18n.t('expect_' + str(row.verdict), lang)}</b>"
    source = html.escape(e.passage(lang))
    return (
        f"<li class='govsim-expect {row.verdict or 'waiting'}'>{html.escape(e.words(lang))}"
        f"<br><span class='govsim-source'>{html.escape(what)} — {source}</span>"
        + (f"<br>{live}" if live else "")
        + "</li>"
    )


def html_body(runs: Sequence[Run], labels: Sequence[str], lang: str) -> str:
    """The tab's body: per run its scenario's expectations (`rows`), live when compared.

    Args:
        runs: The session's runs (A, and B side by side).
        labels: Their labels (``A: title``, ``B: title``).
        lang: ``nl`` or ``en``.
    """
    found = rows(runs)
    if not found:
        return f"<div class='govsim-hint'>{i18n.t('expect_none', lang)}</div>"
    compared = reference_run(runs) is not None
    note = i18n.t("expect_one_run" if compared else "expect_hint", lang)
    parts = [f"<div class='govsim-hint'>{note}</div>"]
    for i in sorted({r.run for r in found}):
        parts.append(f"<div class='govsim-section-title'>{html.escape(labels[i])}</div><ul>")
        parts += [_row_html(r, compared, lang) for r in found if r.run == i]
        parts.append("</ul>")
    return "".join(parts)
