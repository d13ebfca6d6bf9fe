"""Column helpers for large imports: Arrow views, distinct values, and parsing each distinct value
once.

Exports repeat a few values millions of times (channels, yes/no, durations to the tenth of a
second): a parser run on the distinct values, then spread back to the rows by their codes, gives
the same values and the same invalid mask as the parser run on every row, at a fraction of the
cost. ``by_distinct`` does that when a sample says the column has few distinct values.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: a column goes through ``by_distinct`` when its sample has at most this share of distinct values
DISTINCT_MAX_RATIO = 0.2
SAMPLE_SIZE = 5000


def arrow_text(s: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow strings behind a pandas ``str`` column (no copy), or None for other dtypes."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        arr = pa.array(s)
        return arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    return None


def factorize(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Codes (in order of first appearance, missing cells included as a value) and the distinct
    values, so that ``uniques.iloc[codes]`` gives the column back."""
    if isinstance(s.dtype, pd.CategoricalDtype):  # already coded; missing becomes a last value
        cats = s.cat.categories
        codes = s.cat.codes.to_numpy().astype(np.int32)
        codes[codes < 0] = len(cats)
        uniques = pd.Series(pd.Index(cats).append(pd.Index([None], dtype=cats.dtype)))
        return codes, uniques.astype(cats.dtype)
    arr = arrow_text(s)
    if arr is not None and len(arr):
        enc = pc.dictionary_encode(arr, null_encoding="encode")
        chunks = [c for c in enc.chunks if len(c)]
        if chunks:
            # every chunk carries the dictionary built so far: the last one holds all values
            codes = np.concatenate([np.asarray(c.indices) for c in chunks])  # int32
            uniques = pd.Series(chunks[-1].dictionary.to_pandas(), dtype=s.dtype)
            return codes, uniques
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    return codes, pd.Series(uniques, dtype=s.dtype)


def distinct_codes(s: pd.Series) -> np.ndarray:
    """``factorize``'s codes; when every value differs (the usual case for contact ids) the
    codes are the row numbers, found with one hash pass that builds no per-row output."""
    arr = arrow_text(s)
    if arr is not None and len(pc.unique(arr)) == len(arr):
        return np.arange(len(arr), dtype=np.int64)
    return factorize(s)[0]


def few_distinct(s: pd.Series, max_ratio: float | None = None) -> bool:
    """True when an evenly spaced sample of the column has few distinct values."""
    ratio = DISTINCT_MAX_RATIO if max_ratio is None else max_ratio
    n = len(s)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return True
    if n == 0 or not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
        return False
    step = max(1, n // SAMPLE_SIZE)
    sample = s.iloc[::step]
    return sample.nunique(dropna=False) <= ratio * len(sample)


def spread(values: pd.Series, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """``values`` (one per distinct value) back to one per row."""
    taken = values.array.take(codes)
    return pd.Series(taken, index=index, name=values.name)


def by_distinct(s: pd.Series, parse: Callable[[pd.Series], object], spread_result) -> object:
    """``parse`` run once per distinct value of ``s``, its result spread back to the rows by
    ``spread_result(result, codes, index)``."""
    codes, uniques = factorize(s)
    return spread_result(parse(uniques), codes, s.index)
