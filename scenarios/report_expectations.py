"""The scenario report's section "What the report expects, and what the model shows".

Turns `scenarios.expectations.checks` into the template's rows, in Dutch or English: per
scenario and expectation the report's words and passage, the moment, the model's paired
difference (median and 5-95% band) and the verdict.
"""

from __future__ import annotations

from typing import Any

from govsim.model.indicators import label
from govsim.scenarios.expectations import MOMENTS, Check, all_checks, tally
from govsim.scenarios.report_text import month, number, short_label, ui
from govsim.scenarios.summary import EnsembleData


def _when(check: Check, ref: str, lang: str) -> str:
    at = check.expectation.at
    if check.date is None:
        return ui("moment_outside", lang)
    if at in MOMENTS:
        name = ui(f"moment_{at}", lang).format(ref=ref)
        return f"{name} ({month(check.date, lang)})"
    return month(check.date, lang)


def _difference(check: Check, lang: str) -> str:
    if check.date is None:
        return "–"
    return (
        f"{number(check.delta, lang, signed=True)} "
        f"[{number(check.low, lang, signed=True)}; {number(check.high, lang, signed=True)}]"
    )


def _tally(pairs: list[tuple[str, Check]], lang: str) -> str:
    count = tally([c for _, c in pairs])
    text = ui("expect_tally", lang).format(n=len(pairs), **count)
    if count["not_checked"]:
        text += ui("expect_tally_not_checked", lang).format(**count)
    return text


def expectations_context(data: EnsembleData, lang: str = "en") -> dict[str, Any] | None:
    """The section's title, notes and rows; None when no scenario states an expectation."""
    ref = short_label(data.scenario(data.reference), lang)
    pairs = all_checks(data)
    if not pairs:
        return None
    rows = [
        {
            "scenario": short_label(data.scenario(name), lang),
            "says": c.expectation.words(lang),
            "source": c.expectation.passage(lang),
            "indicator": f"{label(c.expectation.indicator, lang)}: "
            + ui(f"expect_{c.expectation.direction}", lang),
            "when": _when(c, ref, lang),
            "difference": _difference(c, lang),
            "verdict": ui(f"verdict_{c.verdict}", lang),
            "tone": c.verdict,
        }
        for name, c in pairs
    ]
    return {
        "title": ui("expect_title", lang),
        "note": ui("expect_note", lang).format(ref=ref),
        "tally": _tally(pairs, lang),
        "headers": [
            ui("scenario", lang),
            ui("expect_expected", lang),
            ui("expect_when", lang),
            ui("expect_model", lang).format(ref=ref),
            ui("expect_verdict", lang),
        ],
        "rows": rows,
    }
