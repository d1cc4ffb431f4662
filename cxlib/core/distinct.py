"""Work done once per distinct value of a column, then taken back to every row.

Survey columns repeat themselves: a scale has a handful of answers, a million comments may hold far
fewer distinct texts. Parsing, masking or scoring each distinct value once keeps that work
proportional to what is distinct, never a loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def on_distinct(
    values: pd.Series, compute: Callable[[pd.Series], pd.Series | pd.DataFrame]
) -> pd.Series | pd.DataFrame:
    """``compute`` applied once to the distinct values of ``values``, its result taken back to
    every row (same index as ``values``).

    ``compute`` receives the distinct values as an object Series indexed from 0, followed by one
    missing entry (``None``) that stands for every missing value, and returns a Series or frame
    with one row per entry, in that order.
    """
    codes, distinct = pd.factorize(values)
    results = compute(pd.Series([*distinct, None], dtype=object))
    taken = results.iloc[np.where(codes < 0, len(distinct), codes)]
    taken.index = values.index
    return taken
