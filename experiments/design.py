"""Design points of an experiment, sampled with SALib.

- ``factorial``: every combination of the factors' levels (the Cartesian product, first factor
  slowest). SALib has no full factorial sampler (its ``ff`` is a two-level *fractional*
  factorial), so the product is taken with `itertools.product`. Categorical factors (the
  secretary's choices, text levels) are held as level indices in the arrays and appear as their
  texts in `DesignMatrix.point` and `DesignMatrix.frame`.
- ``lhs``: Latin hypercube, `SALib.sample.latin.sample` (``samples`` points).
- ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence, `SALib.sample.sobol.sample`
  (``samples`` = base N; N × (D + 2) points, or N × (2D + 2) with ``second_order``), for
  `SALib.analyze.sobol`.
- ``morris``: elementary-effect trajectories, `SALib.sample.morris.sample` (``samples``
  trajectories on a ``levels`` grid; trajectories × (D + 1) points), for `SALib.analyze.morris`.

Non-uniform distributions (triangular, truncated normal, log-uniform) go through SALib's
``dists``. Every sampler is seeded with ``design.seed``, so a spec always gives the same points.
`DesignMatrix.raw` keeps the sampler's output (what the SALib analyses need); ``values`` are what
the model gets: clipped to the range (against rounding at the ends) and rounded for whole-number
factors.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsim.experiments.spec import Spec


@dataclass(frozen=True)
class DesignMatrix:
    """The points of a design.

    Attributes:
        method: Design method.
        names: Factor names (columns).
        raw: Sampler output, shape (points, factors).
        values: Values given to the model, shape (points, factors).
        integer: Per factor, whether values are whole numbers.
        problem: The SALib problem (names, bounds, dists); None for factorial designs.
        categories: Per factor, the text levels of a categorical factor (``raw`` and
            ``values`` then hold indices into them), else None; empty: no categorical factors.
    """

    method: str
    names: tuple[str, ...]
    raw: np.ndarray
    values: np.ndarray
    integer: tuple[bool, ...]
    problem: dict[str, Any] | None
    categories: tuple[tuple[str, ...] | None, ...] = ()

    def levels_of(self, j: int) -> tuple[str, ...] | None:
        """Text levels of factor ``j`` if it is categorical, else None."""
        return self.categories[j] if self.categories else None

    def column(self, j: int, rows: Any = slice(None), raw: bool = False) -> np.ndarray:
        """Values of factor ``j`` at ``rows``: int64, float64 or (categorical) texts."""
        source = self.raw if raw else self.values
        col = source[rows, j]
        levels = self.levels_of(j)
        if levels is not None:
            return np.asarray(levels, dtype=object)[col.astype(np.int64)]
        if self.integer[j] and not raw:
            return col.astype(np.int64)
        return col

    @property
    def n_points(self) -> int:
        """Number of points."""
        return int(self.values.shape[0])

    def point(self, index: int) -> dict[str, float | int | str]:
        """Factor values of point ``index`` (ints for whole-number factors, texts for choices)."""
        row = self.values[index]
        out: dict[str, float | int | str] = {}
        for j, (name, v, is_int) in enumerate(zip(self.names, row, self.integer, strict=True)):
            levels = self.levels_of(j)
            out[name] = levels[int(v)] if levels is not None else int(v) if is_int else float(v)
        return out

    def frame(self, raw: bool = False) -> pd.DataFrame:
        """The points as a DataFrame: ``point`` then one column per factor (texts for choices)."""
        data: dict[str, Any] = {"point": np.arange(self.n_points, dtype=np.int64)}
        for j, name in enumerate(self.names):
            data[name] = self.column(j, raw=raw)
        return pd.DataFrame(data)


def salib_problem(spec: Spec) -> dict[str, Any]:
    """The SALib problem of a sampled design (names, bounds, dists)."""
    bounds, dists = [], []
    for f in spec.factors:
        b, d = f.salib()
        bounds.append(b)
        dists.append(d)
    return {
        "num_vars": len(spec.factors),
        "names": [f.name for f in spec.factors],
        "bounds": bounds,
        "dists": dists,
    }


def design_size(spec: Spec) -> int:
    """Number of points ``spec``'s design has (without sampling)."""
    d = spec.design
    n_factors = len(spec.factors)
    if d.method == "factorial":
        return math.prod(len(f.levels or ()) for f in spec.factors)
    assert d.samples is not None
    if d.method == "lhs":
        return d.samples
    if d.method == "sobol":
        return d.samples * ((2 * n_factors + 2) if d.second_order else (n_factors + 2))
    return d.samples * (n_factors + 1)


def build_design(spec: Spec) -> DesignMatrix:
    """Sample (or enumerate) the design points of ``spec``."""
    d = spec.design
    names = tuple(f.name for f in spec.factors)
    integer = tuple(f.integer for f in spec.factors)
    categories = tuple(tuple(f.levels or ()) if f.categorical else None for f in spec.factors)
    if d.method == "factorial":
        axes = [
            range(len(f.levels or ())) if f.categorical else (f.levels or ()) for f in spec.factors
        ]
        grid = list(itertools.product(*axes))
        raw = np.asarray(grid, dtype=np.float64).reshape(len(grid), len(names))
        if not any(c is not None for c in categories):
            categories = ()
        return DesignMatrix(d.method, names, raw, raw.copy(), integer, None, categories)
    problem = salib_problem(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if d.method == "lhs":
            from SALib.sample import latin

            raw = latin.sample(problem, d.samples, seed=d.seed)
        elif d.method == "sobol":
            from SALib.sample import sobol

            raw = sobol.sample(
                problem, d.samples, calc_second_order=d.second_order, scramble=True, seed=d.seed
            )
        else:
            from SALib.sample import morris

            raw = morris.sample(problem, d.samples, num_levels=d.levels or 4, seed=d.seed)
    raw = np.asarray(raw, dtype=np.float64)
    low = np.array([f.low for f in spec.factors], dtype=np.float64)
    high = np.array([f.high for f in spec.factors], dtype=np.float64)
    values = np.clip(raw, low, high)
    for j, is_int in enumerate(integer):
        if is_int:
            values[:, j] = np.rint(values[:, j])
    return DesignMatrix(d.method, names, raw, values, integer, problem)
