"""A scenario: what the model takes (parameters and timeline) plus names and descriptions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govsim.model.levers import StrategyRule, as_rules
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

    def __post_init__(self) -> None:
        """Check a scenario built in code as a file's is checked: before anything runs.

        ``strategy`` may be given as mappings (as `GovernanceModel` takes them); they become
        `StrategyRule` objects.

        Raises:
            ScenarioError: A field of the wrong kind (names the field and what is allowed).
            model.levers.LeverError: An unusable ``[[strategy]]`` rule.
        """
        if not isinstance(self.name, str) or not self.name:
            raise ScenarioError(f"a scenario's name must be a non-empty text, got {self.name!r}")
        for field_name in ("title", "description"):
            value = getattr(self, field_name)
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ScenarioError(
                    f"scenario '{self.name}': {field_name} must be a dict of texts by language, "
                    f'e.g. {{"nl": "...", "en": "..."}}, got {value!r:.80}'
                )
        if not isinstance(self.params, dict):
            raise ScenarioError(
                f"scenario '{self.name}': params must be a dict of parameter values by name, "
                f"got {self.params!r:.80}"
            )
        if not isinstance(self.timeline, Timeline):
            raise ScenarioError(
                f"scenario '{self.name}': timeline must be a Timeline, got "
                f"{type(self.timeline).__name__} {self.timeline!r:.60} (a shipped scenario's: "
                "govsim.scenarios.loader.load_scenario('dso_delay').timeline)"
            )
        object.__setattr__(self, "strategy", as_rules(self.strategy))

    def label(self, lang: str = "en") -> str:
        """Display name in ``lang`` (falls back to the name)."""
        return self.title.get(lang) or self.name
