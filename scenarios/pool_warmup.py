"""Imported by the worker pool's fork server: load govsim and its compiled kernels once.

`govsim.scenarios.pool` forks its workers from a server that imports this module first, so
every worker starts with the runner imported and the numba kernels loaded from their cache
(compiled, on a fresh install). `warm_up` runs the 26 municipalities of Utrecht for two years,
which calls every sub-step of the month (0.05 s once the kernels are loaded); `warm_figures`
loads matplotlib for the report's figures, which `govsim run` draws in the pool too. Then it moves
every object made so far to the collector's permanent generation (`gc.freeze`), so that the
workers' garbage collections do not touch, and copy, the pages they share. A failure here
is ignored: the workers then load what they need themselves, and a real error shows up, with
its message, in the first real run.
"""

from __future__ import annotations

import contextlib
import gc

WARM_UP_MUNICIPALITIES = ("Utrecht",)
WARM_UP_UNTIL = "2014-12"


def warm_up() -> None:
    """Run one small model so that the compiled kernels are loaded in this process."""
    from govsim.scenarios.loader import load_scenario
    from govsim.scenarios.runner import RunTask, run_task

    task = RunTask(
        scenario=load_scenario("baseline"),
        replication=0,
        seed=0,
        until=WARM_UP_UNTIL,
        municipalities=WARM_UP_MUNICIPALITIES,
    )
    run_task(task)


def warm_figures() -> None:
    """Import the report's plotting (matplotlib, Agg) and draw one empty figure (font cache)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import govsim.scenarios.report  # noqa: F401 - the report's figures are drawn in workers

    fig = plt.figure(figsize=(1, 1))
    fig.text(0.5, 0.5, "govsim")
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


with contextlib.suppress(Exception):
    warm_up()
with contextlib.suppress(Exception):
    warm_figures()
gc.freeze()  # what is loaded now is shared with the workers: their collector leaves it be
