"""Mesa agents of govsim: five actor types (DESIGN §2, "Agents").

`Secretary`, `College` and `Council` (one of each per municipality) and `Staff` and `Citizen`
(many per municipality). Every agent is a Mesa `Agent`; its hot state lives in numpy arrays owned
by the model (struct-of-arrays) and the agent object is a view on its row.

The names below are loaded when first used (PEP 562): `govsim.agents.modes` (the mode and role
names) can be imported without Mesa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govsim.lazy import lazy_attributes

if TYPE_CHECKING:  # pragma: no cover
    from govsim.agents.citizen import Citizen, CitizenArrays
    from govsim.agents.college import College, CollegeArrays
    from govsim.agents.council import Council, CouncilArrays
    from govsim.agents.modes import MODES, ROLES
    from govsim.agents.secretary import Secretary, SecretaryArrays
    from govsim.agents.staff import STAFF_DOMAINS, Staff, StaffArrays

_WHERE: dict[str, str] = {
    "MODES": "govsim.agents.modes",
    "ROLES": "govsim.agents.modes",
    "STAFF_DOMAINS": "govsim.agents.staff",
    "Citizen": "govsim.agents.citizen",
    "CitizenArrays": "govsim.agents.citizen",
    "College": "govsim.agents.college",
    "CollegeArrays": "govsim.agents.college",
    "Council": "govsim.agents.council",
    "CouncilArrays": "govsim.agents.council",
    "Secretary": "govsim.agents.secretary",
    "SecretaryArrays": "govsim.agents.secretary",
    "Staff": "govsim.agents.staff",
    "StaffArrays": "govsim.agents.staff",
}

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

__getattr__, __dir__ = lazy_attributes(__name__, _WHERE)
