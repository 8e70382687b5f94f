"""The Python API: ``govsim.run`` and ``govsim.load`` (issue 17).

``govsim.run`` runs the same seeded ensemble as the ``govsim run`` command (one runner,
`govsim.scenarios.runner`; common random numbers across scenarios), but keeps it in memory and
returns a `govsim.result.Result`; nothing is written until ``Result.save``. ``govsim.load``
reads a ``govsim run`` folder (or a saved result) back, checked against its manifest.

Example::

    import govsim
    res = govsim.run(["baseline", "dso_delay"], replications=10, seed=1)
    res.plot()
    res.to_frame(["transition_physical"]).head()
    res.save("out/my-run")
    same = govsim.load("out/my-run")
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from govsim.model.calendar import parse_date
from govsim.model.seeds import checked_seed
from govsim.result import Result
from govsim.scenarios.ensemble import (
    DEFAULT_REPLICATIONS,
    DEFAULT_SEED,
    ScenarioRef,
    resolve_scenarios,
    run_timings,
    simulate,
)
from govsim.scenarios.scenario import ScenarioError


def run(
    scenarios: ScenarioRef | Sequence[ScenarioRef] = "baseline",
    replications: int = DEFAULT_REPLICATIONS,
    seed: int = DEFAULT_SEED,
    *,
    workers: int = 1,
    municipalities: Sequence[str] | None = None,
    until: str | None = None,
    reference: str | None = None,
    progress: bool = True,
) -> Result:
    """Run scenarios as a seeded ensemble and return the result in memory.

    Args:
        scenarios: A shipped scenario name (``"baseline"``, see ``govsim run --help``), a path
            of a scenario file, a `Scenario`, or a list of them.
        replications: Replications per scenario; replication ``i`` has the same seed in every
            scenario (`govsim.scenarios.runner.replication_seeds`).
        seed: Root seed (the same root seed gives the same numbers, byte for byte).
        workers: Worker processes (1: in this process). In a script (not a notebook), call
            ``govsim.run`` with ``workers > 1`` under ``if __name__ == "__main__":``: the
            workers start by importing the script, as Python's multiprocessing does.
        municipalities: Only these municipalities or provinces (CBS codes, names, provinces).
        until: Last simulated month (``"2021-06"`` or a `datetime.date`), from 2013-01 to
            2029-12; default December 2029.
        reference: The scenario differences are taken against (default ``baseline`` if run,
            else the first).
        progress: Show a progress bar (on a terminal or in Jupyter).

    Raises:
        ScenarioError, ParameterError, TimelineError, CalendarError: Before anything runs, for
            unusable scenarios or arguments (all are `ValueError`).
    """
    refs = (
        [scenarios]
        if isinstance(scenarios, str | Path) or not isinstance(scenarios, Sequence)
        else list(scenarios)
    )
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ScenarioError(
            f"replications must be a whole number of at least 1, got {replications!r}"
        )
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ScenarioError(f"workers must be a whole number of at least 1, got {workers!r}")
    seed = checked_seed(seed)
    if until is not None:  # as the manifest records it: "YYYY-MM"
        until = parse_date(until).isoformat()[:7]
    chosen = resolve_scenarios(refs)
    started = time.perf_counter()
    data, results = simulate(
        chosen,
        replications,
        seed,
        reference=reference,
        until=until,
        municipalities=municipalities,
        workers=workers,
        progress=progress,
        desc="govsim.run",
    )
    arguments = {
        "replications": replications,
        "seed": seed,
        "workers": workers,
        "until": until,
        "municipalities": list(municipalities) if municipalities is not None else None,
        "seconds": round(time.perf_counter() - started, 3),
    }
    return Result(data, arguments, run_timings(results, [s.name for s in chosen]))


def load(folder: str | Path) -> Result:
    """Read a ``govsim run`` folder (or a saved `Result`) back, checked against its manifest.

    Raises:
        StoredRunError: The folder is not a complete, consistent govsim run.
    """
    from govsim.scenarios.stored import load_ensemble

    data, manifest = load_ensemble(folder)
    arguments = dict(manifest.get("arguments", {}))
    return Result(data, arguments, list(manifest["timings"]["runs"]), Path(folder))
