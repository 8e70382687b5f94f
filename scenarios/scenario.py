"""A scenario: what the model takes (parameters and timeline) plus names and descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsim.model.levers import StrategyRule
from govsim.model.timeline import Timeline
from govsim.scenarios.expectations import Expectation


class ScenarioError(ValueError):
    """An unusable scenario file; the message names file, field, value and what is allowed."""


@dataclass(frozen=True)
class Scenario:
    """One scenario, ready to run.

    Attributes:
        name: Short identifier (the file stem for shipped scenarios), e.g. ``"baseline"``.
        title: ``{"nl": ..., "en": ...}`` display names.
        description: ``{"nl": ..., "en": ...}`` one-paragraph descriptions.
        params: Parameter overrides (validated against `model.parameters`).
        timeline: The exogenous timeline.
        strategy: The secretary's choices per municipality (``[[strategy]]`` tables, in order;
            a base scenario's come first).
        expectations: What the report expects this what-if to change (``[[expect]]`` tables,
            `scenarios.expectations`; not inherited from a base scenario).
        source_text: The file's text as read (recorded in manifests).
        path: Where the file was read from (None for scenarios built in code).
    """

    name: str
    title: dict[str, str]
    description: dict[str, str]
    params: dict[str, Any] = field(default_factory=dict)
    timeline: Timeline = field(default_factory=Timeline)
    strategy: tuple[StrategyRule, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    source_text: str = ""
    path: Path | None = None

    def label(self, lang: str = "en") -> str:
        """Display name in ``lang`` (falls back to the name)."""
        return self.title.get(lang) or self.name
