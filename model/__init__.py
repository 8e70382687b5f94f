"""The govsim model: municipalities, timeline, parameters, mechanisms and `GovernanceModel`."""

from govsim.model.calendar import MonthCalendar
from govsim.model.governance_model import GovernanceModel
from govsim.model.parameters import PARAMETERS, ParameterError, resolve_parameters
from govsim.model.timeline import Timeline, TimelineError

__all__ = [
    "PARAMETERS",
    "GovernanceModel",
    "MonthCalendar",
    "ParameterError",
    "Timeline",
    "TimelineError",
    "resolve_parameters",
]
