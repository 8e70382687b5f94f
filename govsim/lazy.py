"""Names a package imports from its modules only when first used (PEP 562).

`govsim.model` and `govsim.agents` export Mesa-based classes; loading them lazily keeps Mesa
and the compiled kernels out of processes that only need a calendar, the parameters or the
mode names (the command line's parsers, a worker pool's parent process).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_attributes(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``.

    Args:
        package: The package's ``__name__``.
        where: Each exported name and the module that defines it.

    Returns:
        ``__getattr__`` imports the defining module of a name on first use and keeps the value
        in the package (later uses are plain attribute lookups); an unknown name raises
        AttributeError. ``__dir__`` lists the package's attributes and every exported name.
    """

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__
