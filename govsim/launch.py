"""The ``govsim`` command's entry point: start the worker pool's server early, then the CLI.

Importing the command line takes ~0.7 s (numpy, pandas; `govsim.model` and `govsim.agents`
load Mesa and the compiled kernels only when a model is built), loading govsim for a run
another ~1.5 s. A command that will run a local process pool (``govsim run``, ``govsim
lessons``, ``govsim experiment run`` with more than one worker, the default on a machine with
more than one CPU) first starts the pool's fork server
(`govsim.scenarios.pool.start_server`), which then loads govsim and its compiled kernels while
this process imports the rest: the workers are ready when the runs begin (issue 15).
Arguments are only peeked at here; `govsim.cli` parses and checks them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

POOL_COMMANDS: tuple[tuple[str, ...], ...] = (("run",), ("lessons",), ("experiment", "run"))
"""Commands that run their simulations on the local process pool."""
ELSEWHERE = ("--dask", "--scheduler")
"""Options that send the runs to Dask instead of the local pool."""


def _workers_option(argv: Sequence[str]) -> str | None:
    """The value of the last ``--workers``/``-j`` option in ``argv`` (None if not given)."""
    value = None
    for i, arg in enumerate(argv):
        if arg in ("--workers", "-j") and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-j") and len(arg) > 2:
            value = arg[2:]
    return value


def uses_local_pool(argv: Sequence[str]) -> bool:
    """Whether ``govsim argv`` will (probably) run a local process pool of two or more workers.

    A guess from the words alone: a wrong guess only starts a server that stays unused (or
    leaves it to the pool to start), never changes what the command does.
    """
    words = [a for a in argv if not a.startswith("-")]
    if not any(tuple(words[: len(c)]) == c for c in POOL_COMMANDS):
        return False
    if any(a == opt or a.startswith(opt + "=") for a in argv for opt in ELSEWHERE):
        return False
    if any(a in ("-h", "--help", "--version") for a in argv):
        return False
    value = _workers_option(argv)
    if value is None:  # the commands' default: one worker per CPU
        from govsim.argtypes import available_cpus

        return available_cpus() > 1
    try:
        return int(value) > 1
    except ValueError:
        return False


def main(argv: Sequence[str] | None = None) -> int:
    """Start the pool's server if the command will use it, then run `govsim.cli.main`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if uses_local_pool(args):
        from govsim.scenarios.pool import start_server

        start_server()
    from govsim.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
