"""numpy's elementwise minimum, maximum and clip for one float, to the bit, for the kernels.

``np.maximum(a, b)`` and ``np.minimum(a, b)`` return ``b`` when the two compare equal (so
``np.maximum(-0.0, 0.0)`` is ``0.0``) and NaN when either is NaN; numpy's ``clip`` ufunc
(`model.ufuncs.clip`) keeps ``x`` when it equals a bound and passes NaN through. Python's
``min``/``max`` and numba's differ in exactly these cases, which would flip the sign of a zero
and so the bytes of a state array (tests/test_fused_pressures.py checks these against numpy
on a grid of special values).
"""

from __future__ import annotations

from numba import njit


def _maximum(a: float, b: float) -> float:
    """``np.maximum(a, b)`` for one pair: ``b`` on ties, NaN from either side."""
    return a if (a > b or a != a) else b


def _minimum(a: float, b: float) -> float:
    """``np.minimum(a, b)`` for one pair: ``b`` on ties, NaN from either side."""
    return a if (a < b or a != a) else b


def _clip(x: float, low: float, high: float) -> float:
    """Numpy's ``clip`` ufunc for one value: ``x`` on ties and when NaN."""
    if x < low:
        return low
    if x > high:
        return high
    return x


maximum = njit(cache=True, nogil=True)(_maximum)
minimum = njit(cache=True, nogil=True)(_minimum)
clip = njit(cache=True, nogil=True)(_clip)
