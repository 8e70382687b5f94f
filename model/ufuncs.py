"""numpy's clip ufunc without its Python wrapper, for the many small arrays of a month.

``np.clip(a, low, high)`` on a float array with both bounds calls the ufunc ``clip``
(numpy/_core/_methods.py ``_clip``) after some argument handling that costs more than clipping
an (M, 2) array. `clip` is that ufunc: the same numbers, bit for bit. Only for float arrays and
both bounds given (an integer array's out-of-range Python-int bounds are what ``np.clip`` handles
before the ufunc).
"""

from __future__ import annotations

import numpy as np

try:
    from numpy._core.umath import clip
except ImportError:  # pragma: no cover - a numpy without the private module
    clip = np.clip

__all__ = ["clip"]
