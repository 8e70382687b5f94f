"""CSV files with floats as ``%.6g``, written as pandas writes them, in a third of the time.

``DataFrame.to_csv(float_format=...)`` formats every float through a Python call chain
(about 1.5 µs a value); an ensemble's ``summary.csv`` holds some 700,000 values, so writing it
took longer than a second of a ``govsim run`` with only the writing left to do. `csv_text`
formats each column with one list comprehension and joins the lines; where a text value would
need quoting, or a column has a type the fast path does not format as pandas does (dates with
times, categories), it hands the frame to pandas. Either way the text is pandas' to the byte
(tests/test_csv_writer.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

NEWLINE = "\n"
"""The line ending of every CSV the project writes."""
NEEDS_QUOTES = (",", '"', "\n", "\r")
"""Characters that make pandas (the csv module, minimal quoting) quote a field."""
TEXT_KINDS = ("string", "date", "empty")
"""`pandas.api.types.infer_dtype` kinds of a text column the fast path writes as ``str(v)``:
only strings, or only dates (``datetime.date``: ISO text, as pandas writes them), none
missing (or no rows at all)."""


def _column(values: pd.Series, float_format: str) -> list[str] | None:
    """The column's fields as pandas writes them, or None where the fast path does not apply."""
    dtype = values.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return ["" if v != v else float_format % v for v in values.tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return [str(v) for v in values.tolist()]
    if (isinstance(dtype, np.dtype) and dtype.kind == "O") or isinstance(dtype, pd.StringDtype):
        kind = pd.api.types.infer_dtype(values, skipna=False)
        if kind not in TEXT_KINDS or values.isna().any():
            return None  # numbers, missing values or mixed types in a text column: pandas
        raw = values.tolist()
        text = {v: str(v) for v in set(raw)}  # few distinct names and dates: format each once
        fields = text.values()
        if "" in fields or any(c in field for field in fields for c in NEEDS_QUOTES):
            return None
        return list(map(text.__getitem__, raw))
    return None


def csv_text(frame: pd.DataFrame, float_format: str = "%.6g") -> str:
    """``frame.to_csv(index=False, lineterminator=NEWLINE, float_format=...)``, faster."""
    reference: dict[str, Any] = {"index": False, "lineterminator": NEWLINE}
    columns = [_column(frame[name], float_format) for name in frame.columns]
    header = [str(name) for name in frame.columns]
    if (
        not len(frame.columns)
        or frame.columns.has_duplicates
        or any(c is None for c in columns)
        or any(ch in name for name in header for ch in NEEDS_QUOTES)
    ):
        return frame.to_csv(float_format=float_format, **reference)
    lines = [",".join(header), *(",".join(row) for row in zip(*columns, strict=True))]
    return "\n".join(lines) + "\n"
