"""A workshop session saved to a file and opened again (issue 16).

The file is small JSON: the scenario (and the one side by side), the seed, the sliders and the
secretary's choices (with where they apply), the choices applied during the run with the month
they started ("Nu toepassen": ``live``, `model.levers.StrategyRule` mappings) and the month
reached. Opening it replays the run
to that month (`open_record`), so the map, charts, timeline and monitors are as they were.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from govsim.model.levers import LeverError, StrategyRule
from govsim.viz.session import Session, parse_seed

FORMAT = "govsim-app-session"
VERSION = 1


class SavedSessionError(ValueError):
    """A file that is not a saved app session (the message says what is wrong)."""


def record(session: Session) -> dict[str, Any]:
    """What ``session`` needs to be replayed: scenario(s), seed, choices and month."""
    with session.lock:
        runs = session.runs
        first = runs[0]
        return {
            "format": FORMAT,
            "version": VERSION,
            "scenario": first.name,
            "compare_with": runs[1].name if len(runs) > 1 else None,
            "seed": str(first.seed),
            "overrides": dict(first.overrides),
            "where": first.where,
            "live": [rule.to_mapping() for rule in first.live],
            "step": int(first.model.steps),
            "date": first.model.date.isoformat(),
        }


def dumps(session: Session) -> bytes:
    """``session`` as the bytes of a saved-session file (UTF-8 JSON)."""
    return json.dumps(record(session), indent=2, ensure_ascii=False).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    """The checked record in a saved-session file.

    Raises:
        SavedSessionError: If it is not JSON of this format, or a field does not fit.
    """
    try:
        raw = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SavedSessionError(f"not a saved session (no JSON): {exc}") from None
    if not isinstance(raw, Mapping) or raw.get("format") != FORMAT:
        raise SavedSessionError(f"not a saved session (format must be {FORMAT!r})")
    return _checked(raw)


def _checked(raw: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(raw.get("scenario"), str):
        raise SavedSessionError("a saved session needs a scenario name")
    compare_with = raw.get("compare_with")
    if compare_with is not None and not isinstance(compare_with, str):
        raise SavedSessionError("compare_with must be a scenario name or null")
    try:
        parse_seed(raw.get("seed"))
    except ValueError as exc:
        raise SavedSessionError(str(exc)) from None
    overrides = raw.get("overrides", {})
    step = raw.get("step", 0)
    if not isinstance(overrides, Mapping):
        raise SavedSessionError("overrides must be a table of slider and choice values")
    if not isinstance(step, int) or isinstance(step, bool) or step < 0:
        raise SavedSessionError(f"step must be a whole number of months, got {step!r}")
    live = raw.get("live", [])
    if not isinstance(live, list) or not all(isinstance(r, Mapping) for r in live):
        raise SavedSessionError("live must be a list of dated choices (tables with 'where')")
    try:
        rules = tuple(StrategyRule.from_mapping(r) for r in live)
    except LeverError as exc:
        raise SavedSessionError(f"a choice applied during the run does not fit: {exc}") from None
    if any(rule.start is None for rule in rules):
        raise SavedSessionError("every choice applied during the run needs its 'start' month")
    return {
        "scenario": raw["scenario"],
        "live": rules,
        "compare_with": compare_with,
        "seed": str(raw["seed"]),
        "overrides": dict(overrides),
        "where": str(raw.get("where", "all")),
        "step": step,
    }


def open_record(session: Session, saved: Mapping[str, Any]) -> list[str]:
    """Start ``session`` again as ``saved`` says and replay it to the saved month.

    Returns:
        Notes for the facilitator (`Session.reset`).

    Raises:
        ValueError: If a choice does not fit the scenario; the current runs are kept.
    """
    notes = session.reset(
        saved["scenario"],
        saved["seed"],
        saved["overrides"],
        saved["compare_with"],
        where=saved["where"],
        live=saved["live"],
    )
    session.step(min(int(saved["step"]), session.n_steps))
    return notes
