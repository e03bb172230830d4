"""Column operations that pandas makes slow on a million text values.

pandas' text columns are Arrow arrays, but some of its methods still walk their argument in Python:
`Series.isin(other)` turns every value of `other` into a Python object first, a tenth of a second for a
hundred thousand deal ids. And a column of a million cells mostly holds a few thousand distinct values:
what is computed per value is computed once per distinct one (`by_distinct`).
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


def positions(values: pd.Series, among) -> np.ndarray:
    """For each of `values`, the position of the first equal value in `among`, or -1 (always for a missing one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    among = pd.Series(among).reset_index(drop=True)
    if isinstance(values.dtype, pd.StringDtype) and isinstance(among.dtype, pd.StringDtype):
        found = pc.index_in(
            pa.array(values), value_set=pa.array(among).cast(pa.array(values[:0]).type), skip_nulls=True
        )
        return found.fill_null(-1).to_numpy(zero_copy_only=False).astype("int64")
    firsts = among[~among.duplicated()].dropna()
    found = pd.Index(firsts).get_indexer(values)
    found = np.where(found >= 0, firsts.index.to_numpy()[found], -1)
    return np.where(pd.isna(values).to_numpy(), -1, found).astype("int64")


def by_distinct(values: pd.Series, compute) -> pd.Series:
    """`compute(distinct values)` (a Series of them, in order of first appearance) set back on every row of
    `values`, keeping the result's dtype; a missing value gives a missing result."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    computed = compute(pd.Series(uniques, dtype=object if not len(uniques) else None))
    if len(computed):
        # Taken as an array, never through Python objects: a million texts cost milliseconds, not a second.
        result = pd.Series(computed.array.take(np.where(codes < 0, 0, codes)), index=values.index)
    else:
        result = pd.Series(computed.reindex(range(len(codes))).to_numpy(), index=values.index, dtype=computed.dtype)
    result[codes < 0] = pd.NA if computed.dtype != "datetime64[ns]" else pd.NaT
    return result


def mapped(values: pd.Series, mapping: pd.Series) -> pd.Series:
    """`values.map(mapping)` for a column with few distinct values: each one looked up once."""
    return by_distinct(values, lambda uniques: uniques.map(mapping))
