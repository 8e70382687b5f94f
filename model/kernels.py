"""The two backends of the month: compiled (``"numba"``) and the numpy reference (``"numpy"``).

The mechanisms (`model.mechanisms`) state the equations as numpy expressions and remain the
reference. The compiled cores of the sub-steps (`model.fused`) do the same arithmetic,
operation for operation and in the same order, in one compiled loop per sub-step, so the two
backends give bit-identical results (tests/test_fused.py, tests/test_kernels.py). Random numbers
are drawn by numpy from the model's streams outside the kernels, in the same amounts and order
as the reference, so a stream never depends on the backend.

The backend is chosen per model (``GovernanceModel(backend=...)``); the default is ``"numba"``
(a declared dependency), and the environment variable ``GOVSIM_BACKEND`` overrides it (for
debugging with the plain numpy path).
"""

from __future__ import annotations

import os

BACKENDS: tuple[str, ...] = ("numba", "numpy")


def default_backend() -> str:
    """The backend used unless told otherwise: ``GOVSIM_BACKEND`` if it names one, else numba."""
    chosen = os.environ.get("GOVSIM_BACKEND", "").strip().lower()
    return chosen if chosen in BACKENDS else "numba"


def resolve_backend(backend: str | None) -> str:
    """Check a requested backend; None gives `default_backend`.

    Raises:
        ValueError: For a name outside `BACKENDS`.
    """
    if backend is None:
        return default_backend()
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    return backend
