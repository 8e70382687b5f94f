"""govsim: an agent-based simulation of governance change in Dutch municipalities.

After 'Leren Decentraliseren' (BMC/VGS 2018). The command line is ``govsim`` (`govsim.cli`);
in Python::

    import govsim
    result = govsim.run(["baseline", "dso_delay"], replications=10, seed=1)
    result.plot()
    frame = result.to_frame()          # tidy, datetime64 dates
    result.save("out/my-run")          # a govsim run folder; govsim.load() reads it back

The model itself is `govsim.model.GovernanceModel` (a Mesa model); its sub-packages are
`govsim.model`, `govsim.agents`, `govsim.scenarios`, `govsim.viz` and `govsim.experiments`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["GovernanceModel", "Result", "__version__", "load", "run", "scenario_names"]

if TYPE_CHECKING:  # pragma: no cover
    from govsim.api import load, run
    from govsim.model.governance_model import GovernanceModel
    from govsim.result import Result


def scenario_names() -> list[str]:
    """Names of the shipped scenarios (what ``govsim.run`` accepts besides files)."""
    from govsim.scenarios.loader import shipped_scenarios

    return shipped_scenarios()


def __dir__() -> list[str]:
    # the lazy names too, so that tab completion offers govsim.run, govsim.load, ...
    return sorted({*globals(), *__all__})


def __getattr__(name: str) -> Any:
    # Lazy: ``import govsim`` (and ``govsim --version``) stays fast; the model loads on use.
    if name in ("run", "load"):
        from govsim import api

        return getattr(api, name)
    if name == "Result":
        from govsim.result import Result

        return Result
    if name == "GovernanceModel":
        from govsim.model.governance_model import GovernanceModel

        return GovernanceModel
    raise AttributeError(f"module 'govsim' has no attribute {name!r}")
