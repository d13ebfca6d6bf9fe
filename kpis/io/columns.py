"""Column helpers for large imports: Arrow views, distinct values, and parsing each distinct value
once.

Exports repeat a few values millions of times (channels, yes/no, durations to the tenth of a
second): a parser run on the distinct values, then spread back to the rows by their codes, gives
the same values and the same invalid mask as the parser run on every row, at a fraction of the
cost. ``by_distinct`` does that when a sample says the column has few distinct values.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_POOL_LOCK = threading.Lock()
_POOL_USERS = [0, None]  # imports running, the pool to restore after the last one


def system_allocator(func):
    """Run ``func`` with Arrow allocating through the C library's allocator, which gives large
    freed blocks back to the system at once; Arrow's default (mimalloc) keeps them per thread,
    so the temporaries of a large import added up (peak resident memory of a 1M-row import
    about 18 % lower). Buffers remember their pool: restoring the default later is safe."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        with _POOL_LOCK:
            if not _POOL_USERS[0]:
                _POOL_USERS[1] = pa.default_memory_pool()
                pa.set_memory_pool(pa.system_memory_pool())
            _POOL_USERS[0] += 1
        try:
            return func(*args, **kwargs)
        finally:
            with _POOL_LOCK:
                _POOL_USERS[0] -= 1
                if not _POOL_USERS[0]:
                    pa.set_memory_pool(_POOL_USERS[1])

    return run


def release_arrow_memory() -> None:
    """Give the memory Arrow's allocator keeps after a large parse back to the system, so that
    it does not add to the peak of what follows."""
    pa.default_memory_pool().release_unused()


def release_memory() -> None:
    """``release_arrow_memory``, then the C library's heap: glibc keeps the blocks freed by the
    worker threads (their arenas) until trimmed — at 1M contacts, 130 MB of an import's freed
    temporaries and source cells stay resident otherwise. No-op where there is no glibc."""
    release_arrow_memory()
    if _LIBC[0] is None:
        try:
            _LIBC[0] = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _LIBC[0] = False
    if _LIBC[0]:
        _LIBC[0](0)


_LIBC: list = [None]


#: a column goes through ``by_distinct`` when its sample has at most this share of distinct values
DISTINCT_MAX_RATIO = 0.2
SAMPLE_SIZE = 5000


def arrow_text(s: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow strings behind a pandas ``str`` column (no copy), or None for other dtypes."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        arr = pa.array(s)
        return arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    return None


#: first bytes a missing cell (blank, or a placeholder such as "-", "N/A", "null", "?",
#: "#N/A", "(vide)") can start with: a space or control character, a non-ASCII character (Unicode
#: spaces, letters that lower-case to ASCII), or the first character of a placeholder
_MISSING_FIRST = np.zeros(256, dtype=bool)
_MISSING_FIRST[:0x21] = True
_MISSING_FIRST[0x7F:] = True
_MISSING_FIRST[list(b"?-nN#(")] = True


_SPACE_BYTE = np.zeros(256, dtype=bool)  # bytes a whitespace character can start or end with
_SPACE_BYTE[:0x21] = True
_SPACE_BYTE[0x7F:] = True


def maybe_padded(arr: pa.ChunkedArray) -> np.ndarray:
    """Rows whose first or last byte may belong to a whitespace character (ASCII space or
    control, or any non-ASCII byte); the others need no trimming. Nulls and empty cells: False."""
    return _edge_rows(arr, lambda first, last: _SPACE_BYTE[first] | _SPACE_BYTE[last], False)


def maybe_missing(arr: pa.ChunkedArray) -> np.ndarray:
    """Rows that may be missing (null, empty, or a first byte in ``_MISSING_FIRST``); every other
    row is filled for sure. Read from the Arrow offsets and first bytes, without a pass over the
    text; the exact test then runs on these rows only."""
    return _edge_rows(arr, lambda first, _last: _MISSING_FIRST[first], True)


def _edge_rows(arr: pa.ChunkedArray, test, empty: bool) -> np.ndarray:
    """``test(first bytes, last bytes)`` per row from the Arrow offsets (no pass over the text);
    empty and null cells get ``empty``; chunks of another type: every row True."""
    parts = []
    for chunk in arr.chunks:
        n = len(chunk)
        if not n:
            continue
        if not (pa.types.is_large_string(chunk.type) or pa.types.is_string(chunk.type)):
            parts.append(np.ones(n, dtype=bool))
            continue
        _valid, offs, data = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offs, dtype=width)[chunk.offset : chunk.offset + n + 1]
        starts, ends = offsets[:-1], offsets[1:]
        blank = ends == starts
        text = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
        if len(text):  # an empty cell's bytes are clipped into the text, then overwritten
            top = len(text) - 1
            cand = test(text[np.minimum(starts, top)], text[np.clip(ends - 1, 0, top)])
        else:
            cand = np.zeros(n, dtype=bool)
        if chunk.null_count:
            blank |= np.asarray(chunk.is_null())
        cand[blank] = empty
        parts.append(cand)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def on_candidates(arr: pa.ChunkedArray, test: Callable[[pa.Array], np.ndarray]) -> np.ndarray:
    """``test`` (a row mask over Arrow text) run on the ``maybe_missing`` rows only; False
    elsewhere."""
    out = np.zeros(len(arr), dtype=bool)
    rows = np.flatnonzero(maybe_missing(arr))
    if len(rows) == len(arr):
        return test(arr)
    if len(rows):
        out[rows] = test(arr.take(pa.array(rows)))
    return out


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
    codes are the row numbers, found without numbering the values (``all_distinct``)."""
    arr = arrow_text(s)
    if arr is not None and all_distinct(arr):
        return np.arange(len(arr), dtype=np.int64)
    return factorize(s)[0]


_HASH_MUL = np.uint64(0x100000001B3)
_HASH_LEN = np.uint64(0x9E3779B97F4A7C15)
_HASH_POW = np.cumprod(np.full(1024, _HASH_MUL, dtype=np.uint64), dtype=np.uint64)
_HASH_STEP = 1 << 17  # rows per step: bounds the per-byte temporaries


def row_hashes(arr: pa.ChunkedArray) -> np.ndarray | None:
    """A 64-bit hash of each cell's bytes (a polynomial over the bytes, mixed with the length;
    equal texts get equal hashes), column-wise in NumPy from the Arrow buffers; None when the
    column holds nulls or is not text. Different texts may share a hash: a caller that needs
    an exact answer settles a shared hash with an exact test."""
    out = np.empty(len(arr), dtype=np.uint64)
    at = 0
    for chunk in arr.chunks:
        n = len(chunk)
        if not n:
            continue
        if chunk.null_count or not (
            pa.types.is_large_string(chunk.type) or pa.types.is_string(chunk.type)
        ):
            return None
        _valid, offs, data = chunk.buffers()
        width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
        offsets = np.frombuffer(offs, dtype=width)[chunk.offset : chunk.offset + n + 1]
        text = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
        for a in range(0, n, _HASH_STEP):
            b = min(n, a + _HASH_STEP)
            starts = offsets[a:b].astype(np.int64)
            length = offsets[a + 1 : b + 1].astype(np.int64) - starts
            h = length.astype(np.uint64) * _HASH_LEN
            body = text[starts[0] : starts[-1] + length[-1]]
            if len(body):
                rel = starts - starts[0]
                pos = np.arange(len(body)) - np.repeat(rel, length)
                terms = body.astype(np.uint64) * _HASH_POW[pos & 1023]
                full = length > 0  # an empty cell has no bytes: its hash is its length's
                h[full] ^= np.add.reduceat(terms, rel[full])
            out[at + a : at + b] = h
        at += n
    return out


def all_distinct(arr: pa.ChunkedArray) -> bool:
    """True when no two cells of ``arr`` hold the same value (nulls count as one value). The
    cells' hashes are sorted (no hash table of texts): no two equal hashes proves it; otherwise
    Arrow's exact distinct count decides."""
    h = row_hashes(arr)
    if h is not None:
        h.sort()
        if not (h[1:] == h[:-1]).any():
            return True
    return len(pc.unique(arr)) == len(arr)


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
