"""The govsim model: municipalities, timeline, parameters, mechanisms and `GovernanceModel`."""

from model.calendar import MonthCalendar
from model.governance_model import GovernanceModel
from model.parameters import PARAMETERS, ParameterError, resolve_parameters
from model.timeline import Timeline, TimelineError

__all__ = [
    "PARAMETERS",
    "GovernanceModel",
    "MonthCalendar",
    "ParameterError",
    "Timeline",
    "TimelineError",
    "resolve_parameters",
]
