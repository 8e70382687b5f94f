"""The seeds the model accepts, checked in one place for every caller (API, CLI, app).

A seed is a whole number from 0 to `MAX_SEED`; numpy's `SeedSequence` takes any non-negative
integer, but a seed beyond 128 bits adds nothing to its entropy (numpy's SeedSequence pools 128
bits) and a 400-digit one is a typo. A float such as 1.7 is refused rather than truncated: a run
stored with seed 1.7 that used seed 1 would not be reproducible from its manifest.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from govsim.model.parameters import ParameterError

MAX_SEED = 2**128 - 1
"""Largest seed accepted."""


def checked_seed(value: Any, name: str = "seed") -> int:
    """``value`` as a seed (a Python int), or a `ParameterError` that names ``name``.

    Whole numbers (``int``, numpy integers) from 0 to `MAX_SEED` pass; bools, floats, texts and
    None do not.

    Raises:
        ParameterError: ``value`` is not such a whole number.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ParameterError(
            f"{name} must be a whole number from 0 to 2**128 - 1, got {value!r} "
            f"({type(value).__name__})"
        )
    seed = int(value)
    if not 0 <= seed <= MAX_SEED:
        shown = str(seed) if len(str(seed)) <= 40 else f"a number of {len(str(seed))} digits"
        raise ParameterError(f"{name} must be a whole number from 0 to 2**128 - 1, got {shown}")
    return seed


def checked_rng(value: Any, name: str = "rng") -> Any:
    """``value`` if it can seed a model, as Mesa takes it.

    None, a numpy `Generator`, `SeedSequence` or `BitGenerator`, or a seed (`checked_seed`).

    Raises:
        ParameterError: Anything else (names ``name`` and what is allowed).
    """
    numpy_kinds = (np.random.Generator, np.random.SeedSequence, np.random.BitGenerator)
    if value is None or isinstance(value, numpy_kinds):
        return value
    try:
        return checked_seed(value, name)
    except ParameterError as error:
        raise ParameterError(
            f"{error}; or pass a numpy Generator (or SeedSequence), or None"
        ) from None
