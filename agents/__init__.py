"""Mesa agents of govsim: five actor types (DESIGN §2, "Agents").

`Secretary`, `College` and `Council` (one of each per municipality) and `Staff` and `Citizen`
(many per municipality). Every agent is a Mesa `Agent`; its hot state lives in numpy arrays owned
by the model (struct-of-arrays) and the agent object is a view on its row.
"""

from govsim.agents.citizen import Citizen, CitizenArrays
from govsim.agents.college import College, CollegeArrays
from govsim.agents.council import Council, CouncilArrays
from govsim.agents.secretary import MODES, ROLES, Secretary, SecretaryArrays
from govsim.agents.staff import STAFF_DOMAINS, Staff, StaffArrays

__all__ = [
    "MODES",
    "ROLES",
    "STAFF_DOMAINS",
    "Citizen",
    "CitizenArrays",
    "College",
    "CollegeArrays",
    "Council",
    "CouncilArrays",
    "Secretary",
    "SecretaryArrays",
    "Staff",
    "StaffArrays",
]
