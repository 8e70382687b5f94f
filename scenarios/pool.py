"""The local worker pool: processes forked from a server that has loaded govsim once.

A pool of freshly spawned interpreters pays, in every worker and at the start of every pool,
~1.5 s of imports and ~0.5 s to load the compiled kernels (issue 15): a tenth of the work of a
100-run national ensemble of 0.27 s runs, and the reason two workers stayed below 1.8× one.
Where the platform has it (Linux, macOS), the pool's workers are instead forked from
multiprocessing's *fork server*, a fresh single-threaded process that has imported govsim and
run one small model (`govsim.scenarios.pool_warmup`), so every worker starts ready. Forking
that server is safe even when this process runs threads (a progress bar, Dask, the app), which
forking this process itself is not. Elsewhere (Windows) the workers are spawned as before.

- `start_server` starts the fork server without waiting for it; the ``govsim`` command calls
  it first thing when it will use a pool (`govsim.launch`), so the server loads govsim while
  this process does. A pool made later finds it running; the server lives as long as this
  process.
- `process_pool` is the pool of ``govsim run``, ``govsim lessons`` and ``govsim experiment
  run``. Its workers take this process's working directory and ``sys.path`` (multiprocessing),
  its environment at the time the pool is made (`_prepare_worker`, as a spawned worker would),
  and end themselves when this process is gone (e.g. after ``kill -9``), so no orphaned worker
  lingers.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import threading
import time
from multiprocessing.context import BaseContext

PRELOAD: tuple[str, ...] = ("__main__", "govsim.scenarios.pool_warmup")
"""Modules the fork server imports before it forks workers (``__main__``: the script that
started this process, as multiprocessing's default)."""
WATCH_SECONDS = 0.5
"""How often a worker checks that its parent process is still there."""


def forkserver_available() -> bool:
    """Whether this platform has multiprocessing's fork server (POSIX: yes; Windows: no)."""
    return "forkserver" in multiprocessing.get_all_start_methods()


def pool_context() -> BaseContext:
    """The multiprocessing context of the pool: the preloaded fork server, else spawn."""
    if not forkserver_available():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(list(PRELOAD))
    return ctx


def start_server() -> bool:
    """Start the preloaded fork server now, without waiting for it to finish loading.

    Returns whether a fork server runs (False where the platform has none). Safe to call more
    than once: a running server is kept.
    """
    if not forkserver_available():
        return False
    pool_context()
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return True


def wait_until_ready() -> None:
    """Start the fork server if needed; return once a worker forked from it has answered.

    For benchmarks that compare worker counts on warm processes (the ``govsim`` command starts
    the server while it imports, `govsim.launch`).
    """
    with process_pool(1) as pool:
        pool.submit(int).result()


def warm_start() -> None:
    """Load the kernels in this process and start the fork server; return when it is ready.

    What the ``govsim`` command does at its start (`govsim.launch`, overlapped with its
    imports), for benchmarks that compare one and two workers on equally warm processes.
    """
    import govsim.scenarios.pool_warmup  # noqa: F401 - runs one small model here

    wait_until_ready()


def _prepare_worker(environment: dict[str, str]) -> None:
    """Pool-worker initializer: take the parent's environment, exit when the parent is gone.

    A worker forked from the fork server has the environment of the moment the server started;
    the parent's current one (e.g. ``GOVSIM_BACKEND`` set since) replaces it, as a spawned
    worker would have it. The watchdog reads multiprocessing's sentinel of the parent process
    (a pipe that closes when the parent exits, also after ``kill -9``).
    """
    os.environ.clear()
    os.environ.update(environment)
    parent = multiprocessing.parent_process()

    def watch() -> None:
        while parent is None or parent.is_alive():
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="govsim-parent-watch").start()


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A local process pool of ``workers`` ready workers that exit with their parent."""
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=pool_context(),
        initializer=_prepare_worker,
        initargs=(dict(os.environ),),
    )
