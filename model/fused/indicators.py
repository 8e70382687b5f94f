"""The month's national indicators in one compiled pass (`model.indicators.compute_indicators`).

The numpy reference computes the 180 indicators with some forty array operations and dict
updates; here one kernel fills a vector in the order of `ROW_NAMES`. Every sum is taken in the
order numpy takes it, so both backends agree to the bit (tests/test_fused_indicators.py):

- a contiguous row or 1-D array (``row.sum()``, ``array.mean()``): numpy's pairwise summation
  (`pairwise_sum`, numpy/_core/src/umath/loops_utils.h.src);
- a sum over the first axis (``a.sum(axis=0)``) and ``np.bincount(..., weights=...)``: one
  element after another, in index order.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PAIRWISE_BLOCK = 128
"""numpy's ``PW_BLOCKSIZE``: below it, eight running sums; above it, halve and recurse."""


def _pairwise_block(a: np.ndarray, start: int, n: int) -> float:
    """Sum in numpy's order, for at most `PAIRWISE_BLOCK` values.

    Eight running sums, combined as a small tree, then the rest one by one.
    """
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[start + i]
        return res
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = 8
    last = n - (n % 8)
    while i < last:
        r0 += a[start + i]
        r1 += a[start + i + 1]
        r2 += a[start + i + 2]
        r3 += a[start + i + 3]
        r4 += a[start + i + 4]
        r5 += a[start + i + 5]
        r6 += a[start + i + 6]
        r7 += a[start + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[start + i]
        i += 1
    return res


def _pairwise(a: np.ndarray, start: int, n: int) -> float:
    """Sum of ``a[start:start + n]`` (contiguous float64) in numpy's pairwise order.

    numpy's ``pairwise_sum_DOUBLE``: up to `PAIRWISE_BLOCK` values `_pairwise_block`; more are
    split in two halves (the first a multiple of 8 long) whose sums are added. The recursion is
    walked with an explicit stack (numba caches recursive functions badly): a node's two halves
    are summed before the node adds them, left before right.
    """
    if n <= PAIRWISE_BLOCK:
        return _pairwise_block(a, start, n)
    starts = np.empty(128, dtype=np.int64)
    sizes = np.empty(128, dtype=np.int64)
    split = np.zeros(128, dtype=np.bool_)
    sums = np.empty(128)
    top, done = 0, 0
    starts[0], sizes[0] = start, n
    while top >= 0:
        s, m = starts[top], sizes[top]
        if m <= PAIRWISE_BLOCK:
            sums[done] = _pairwise_block(a, s, m)
            done += 1
            top -= 1
        elif split[top]:
            sums[done - 2] = sums[done - 2] + sums[done - 1]
            done -= 1
            top -= 1
        else:
            split[top] = True
            half = m // 2
            half -= half % 8
            starts[top + 1], sizes[top + 1], split[top + 1] = s + half, m - half, False
            starts[top + 2], sizes[top + 2], split[top + 2] = s, half, False
            top += 2
    return sums[0]


def _pairwise_sum(a: np.ndarray) -> float:
    """``np.add.reduce(a)`` of a contiguous 1-D float64 array, to the bit: 0.0 plus `_pairwise`."""
    return 0.0 + _pairwise(a, 0, a.shape[0])


def _group_quantiles(
    values: np.ndarray, group: np.ndarray, n_groups: int, levels: np.ndarray, out: np.ndarray
) -> None:
    """Percentiles ``out`` (n_groups + 1, levels, k) of ``values`` (M, k): all, then per group.

    `model.indicators._quantiles` in one compiled pass: linear interpolation between order
    statistics, NaN (missing) for an empty group. A group's values are taken as
    ``(v + 2g) - 2g``, as the reference's one-sort-for-all-groups key gives them back, so both
    agree to the bit.
    """
    m, k = values.shape
    buffer = np.empty(m)
    for g in range(n_groups + 1):
        shift = 2.0 * (g - 1)
        for c in range(k):
            n = 0
            for i in range(m):
                if g == 0:
                    buffer[n] = values[i, c]
                    n += 1
                elif group[i] == g - 1:
                    buffer[n] = (values[i, c] + shift) - shift
                    n += 1
            if n == 0:
                out[g, :, c] = np.nan
                continue
            ordered = np.sort(buffer[:n])
            for j in range(levels.shape[0]):
                pos = levels[j] * (n - 1)
                low = int(np.floor(pos))
                high = min(low + 1, n - 1)
                lo = ordered[low]
                out[g, j, c] = lo + (pos - low) * (ordered[high] - lo)


def _indicator_row(
    stacked: np.ndarray,
    progress: np.ndarray,
    size: np.ndarray,
    n_sizes: int,
    levels: np.ndarray,
    strategy: np.ndarray,
    n_strategies: int,
    steering: np.ndarray,
    mode_changes: np.ndarray,
    participants: np.ndarray,
    citizens: np.ndarray,
    initiatives: np.ndarray,
    blocked: np.ndarray,
    known: np.ndarray,
    on_schedule_rows: np.ndarray,
    urgency: np.ndarray,
    incidents: np.ndarray,
    trust: np.ndarray,
    dso_availability: float,
    out: np.ndarray,
) -> None:
    """Fill ``out`` with the indicators in the order of `ROW_NAMES`.

    ``stacked`` (rows, M) holds the per-municipality quantities whose national mean is an
    indicator (`model.indicators._STACKED_NAMES`); ``on_schedule_rows`` are its two on-schedule
    rows, 0 for a domain not yet known. The rest as in `compute_indicators` (NaN for the means
    and percentiles of an empty size class).
    """
    m = stacked.shape[1]
    j = 0
    for r in range(stacked.shape[0]):  # national means: row sums (pairwise) / M
        out[j] = _pairwise_sum(stacked[r]) / m
        j += 1
    for d in range(2):
        if not known[d]:
            out[on_schedule_rows[d]] = 0.0
    counts = np.zeros(n_sizes)
    for i in range(m):
        counts[size[i]] += 1.0
    for q in range(4):  # size-class means: bincount with weights, in index order
        sums = np.zeros(n_sizes)
        for i in range(m):
            sums[size[i]] += progress[i, q]
        for c in range(n_sizes):  # a class without municipalities: NaN, no mean
            out[j] = sums[c] / counts[c] if counts[c] > 0.0 else np.nan
            j += 1
    quantiles = np.empty((n_sizes + 1, levels.shape[0], 4))
    _group_quantiles(progress, size, n_sizes, levels, quantiles)
    for g in range(n_sizes + 1):
        for lv in range(levels.shape[0]):
            for q in range(4):
                out[j] = quantiles[g, lv, q]
                j += 1
    for d in range(2):  # strategy shares of known domains
        tally = np.zeros(n_strategies)
        for i in range(m):
            tally[strategy[i, d]] += 1.0
        for s in range(n_strategies):
            out[j] = tally[s] / m * (1.0 if known[d] else 0.0)
            j += 1
    n_modes = steering.shape[2]
    for d in range(2):  # dominant mode (first maximum) shares
        tally = np.zeros(n_modes)
        for i in range(m):
            best = 0
            for k in range(1, n_modes):
                if steering[i, d, k] > steering[i, d, best]:
                    best = k
            tally[best] += 1.0
        for k in range(n_modes):
            out[j] = tally[k] / m
            j += 1
    for d in range(2):  # mean mix: a sum over the first axis, one row after another
        for k in range(n_modes):
            total = 0.0
            for i in range(m):
                total += steering[i, d, k]
            out[j] = total / m
            j += 1
    for d in range(2):
        for a in range(n_modes):
            for b in range(n_modes):
                if a != b:
                    out[j] = float(mode_changes[d, a, b])
                    j += 1
    for d in range(2):
        part = 0.0
        everyone = 0.0
        started = 0.0
        stopped = 0.0
        for i in range(m):
            part += participants[i, d]
            everyone += citizens[i, d]
            started += initiatives[i, d]
            stopped += blocked[i, d]
        out[j] = urgency[d]
        out[j + 1] = part / max(everyone, 1.0)
        out[j + 2] = incidents[d]
        out[j + 3] = stopped / max(started, 1.0)
        j += 4
    out[j] = _pairwise_sum(trust) / trust.shape[0]
    out[j + 1] = dso_availability


_pairwise_block = njit(cache=True, nogil=True)(_pairwise_block)
_pairwise = njit(cache=True, nogil=True)(_pairwise)
_pairwise_sum = njit(cache=True, nogil=True)(_pairwise_sum)
pairwise_sum = _pairwise_sum
_group_quantiles = njit(cache=True, nogil=True)(_group_quantiles)
group_quantiles = _group_quantiles
indicator_row = njit(cache=True, nogil=True)(_indicator_row)
