"""The govsim model: municipalities, timeline, parameters, mechanisms and `GovernanceModel`.

The names below are loaded when first used (PEP 562), so a module that needs only the calendar
or the parameters (every command line's parser, the pool's parent process) does not import Mesa
and the compiled kernels with them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govsim.lazy import lazy_attributes

if TYPE_CHECKING:  # pragma: no cover
    from govsim.model.calendar import MonthCalendar
    from govsim.model.governance_model import GovernanceModel
    from govsim.model.parameters import PARAMETERS, ParameterError, resolve_parameters
    from govsim.model.timeline import Timeline, TimelineError

_WHERE: dict[str, str] = {
    "PARAMETERS": "govsim.model.parameters",
    "GovernanceModel": "govsim.model.governance_model",
    "MonthCalendar": "govsim.model.calendar",
    "ParameterError": "govsim.model.parameters",
    "Timeline": "govsim.model.timeline",
    "TimelineError": "govsim.model.timeline",
    "resolve_parameters": "govsim.model.parameters",
}

__all__ = [
    "PARAMETERS",
    "GovernanceModel",
    "MonthCalendar",
    "ParameterError",
    "Timeline",
    "TimelineError",
    "resolve_parameters",
]

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
