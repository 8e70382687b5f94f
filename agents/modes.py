"""The four steering modes and the secretary's four roles: names only, no Mesa.

Steering modes after Van der Steen et al. (2014), report §1.7; the roles (ideal types of the
secretary, one comfortable with each mode in this order) report §1.8. Kept apart from
`agents.secretary` so that the indicator and report code, which needs only the names, can be
imported without Mesa (the command line's parsers, a worker pool's parent process).
"""

from __future__ import annotations

MODES: tuple[str, str, str, str] = ("legal", "performing", "collaborative", "responsive")
"""Steering modes (report §1.7): legal, performing, collaborative, responsive."""

ROLES: tuple[str, str, str, str] = ("advocate", "executor", "connector", "changer")
"""The secretary's roles (report §1.8), each comfortable with the mode at the same position."""
