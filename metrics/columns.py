"""Column operations that pandas makes slow on a million text values, done in Arrow instead.

pandas' text columns are Arrow arrays, but some of its methods still walk their argument in Python:
`Series.isin(other)` turns every value of `other` into a Python object first, a tenth of a second for a
hundred thousand deal ids.
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def is_in(values: pd.Series, among) -> np.ndarray:
    """`values.isin(among)` as a numpy bool array, a missing value never in it, for text of any length."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(values.dtype, pd.StringDtype):
        return values.isin(among).fillna(False).to_numpy(dtype=bool)
    among = pd.Series(among).dropna().unique()
    found = pc.is_in(pa.array(values), value_set=pa.array(among, type=pa.array(values[:0]).type), skip_nulls=True)
    return found.to_numpy(zero_copy_only=False)
