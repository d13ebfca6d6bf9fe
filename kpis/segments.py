"""Group-by engine: one factorisation of the segment keys, then a bincount per measure.

``Segmenter`` turns the segment fields (and an optional period: day, week, month) of a table into
one integer group code per row, once. Every ratio or mean KPI is then a handful of
``np.bincount(codes, weights)`` calls over per-row 0/1 and value columns (Σnumerator,
Σdenominator, Σx, Σx²): one group-by serves all KPIs and the intervals come from the same sums.
Missing key values form their own segment, so segment sums always add up to the overall ones.
Groups come out sorted by key (category order for categoricals, missing last).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

PERIODS = ("day", "week", "month")
PERIOD_COLUMN = "period"


def period_start(t: pd.Series, period: str) -> np.ndarray:
    """Start of the day, ISO week (Monday) or month of each timestamp, as datetime64[ns]."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS} or None, not {period!r}")
    v = t.to_numpy(dtype="datetime64[ns]")
    nat = np.isnat(v)
    if period == "month":
        out = v.astype("datetime64[M]").astype("datetime64[ns]")
    else:
        d = v.astype("datetime64[D]")
        if period == "week":
            days = d.view(np.int64)
            # 1970-01-01 was a Thursday: (days + 3) % 7 is 0 on Mondays.
            d = (days - np.where(nat, 0, (days + 3) % 7)).view("datetime64[D]")
        out = d.astype("datetime64[ns]")
    out[nat] = np.datetime64("NaT")
    return out


def _key_codes(s: pd.Series) -> tuple[np.ndarray, int, object]:
    """Codes 0..k (k = missing) for one key column, the number of codes, and a decoder."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        codes = s.cat.codes.to_numpy().astype(np.int64)
        k = len(cats)
        codes[codes < 0] = k
        return codes, k + 1, ("cat", s.dtype)
    codes, uniques = pd.factorize(s, sort=True, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    k = len(uniques)
    codes[codes < 0] = k
    return codes, k + 1, ("plain", uniques, s.dtype)


def _period_codes(t: pd.Series, period: str) -> tuple[np.ndarray, int, object]:
    """Dense codes of the period of each timestamp (no hashing): index − first index."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS} or None, not {period!r}")
    v = t.to_numpy(dtype="datetime64[ns]")
    nat = np.isnat(v)
    if period == "month":
        idx = v.astype("datetime64[M]").view(np.int64)
    else:
        idx = v.astype("datetime64[D]").view(np.int64)
        if period == "week":
            idx = (idx + 3) // 7  # weeks starting on Monday (1970-01-01 was a Thursday)
    if nat.all():
        return np.zeros(len(v), dtype=np.int64), 1, ("period", 0, period)
    lo = int(idx[~nat].min())
    k = int(idx[~nat].max()) - lo + 1
    codes = np.where(nat, k, idx - lo)
    return codes, k + 1, ("period", lo, period)


def _decode(codes: np.ndarray, size: int, decoder, name: str) -> pd.Series:
    missing = codes == size - 1
    if decoder[0] == "period":
        lo, period = decoder[1], decoder[2]
        idx = codes + lo
        if period == "month":
            vals = idx.astype("datetime64[M]")
        elif period == "week":
            vals = (idx * 7 - 3).astype("datetime64[D]")
        else:
            vals = idx.astype("datetime64[D]")
        vals = vals.astype("datetime64[ns]")
        vals[missing] = np.datetime64("NaT")
        return pd.Series(vals, name=name)
    if decoder[0] == "cat":
        c = np.where(missing, -1, codes)
        return pd.Series(pd.Categorical.from_codes(c, dtype=decoder[1]), name=name)
    uniques, dtype = decoder[1], decoder[2]
    c = np.where(missing, -1, codes)
    vals = uniques.take(c, allow_fill=True)
    out = pd.Series(vals, name=name)
    try:
        return out.astype(dtype)
    except (TypeError, ValueError):
        return out


#: below this share of true rows a mask's codes are gathered before counting; above it, the mask
#: weighs a single pass over every code (a random boolean gather of 1M codes costs 2–5 ms against
#: 1.5 ms for the weighted count)
SPARSE_MASK = 0.05


class Segmenter:
    """Group codes of a table's rows by ``keys`` (+ ``period`` of ``time_field``)."""

    def __init__(
        self,
        df: pd.DataFrame,
        keys: Sequence[str] = (),
        period: str | None = None,
        time_field: str | None = None,
    ) -> None:
        self.keys = list(keys)
        self.period = period
        self._counts: dict[bytes, np.ndarray] = {}
        n = len(df)
        self.n_rows = n
        cols: list[tuple[str, pd.Series]] = [(k, df[k]) for k in self.keys]
        parts = [_key_codes(s) for _, s in cols]
        if period is not None:
            if time_field is None or time_field not in df.columns:
                raise KeyError(time_field)
            cols.append((PERIOD_COLUMN, df[time_field]))
            parts.append(_period_codes(df[time_field], period))
        self.columns = [c for c, _ in cols]
        self._starts: np.ndarray | None = None
        if not cols:
            self.codes = np.zeros(n, dtype=np.int64)
            self.ngroups = 1
            self.groups = pd.DataFrame(index=pd.RangeIndex(1))
            return
        sizes = [p[1] for p in parts]
        space = float(np.prod([float(s) for s in sizes]))
        if space < 2**62:
            combined = np.zeros(n, dtype=np.int64)
            for i, (codes, size, dec) in enumerate(parts):
                combined *= size
                combined += codes
                parts[i] = (None, size, dec)  # free the key's codes (memory at 5M rows)
            del codes
            if space <= max(4.0 * n, 1e6):  # dense key space: a lookup table, no hashing
                present = np.bincount(combined, minlength=int(space)) > 0
                uniq = np.flatnonzero(present)
                lut = np.full(int(space), -1, dtype=np.int64)
                lut[uniq] = np.arange(len(uniq))
                self.codes = lut[combined]
            else:
                self.codes, uniq = pd.factorize(combined, sort=True)
                self.codes = self.codes.astype(np.int64)
            self.ngroups = len(uniq)
            per_key = []
            rest = np.asarray(uniq, dtype=np.int64)
            for size in reversed(sizes):
                per_key.append(rest % size)
                rest = rest // size
            per_key.reverse()
        else:  # too many combinations for one int64: factorise the code tuples
            frame = pd.DataFrame({i: p[0] for i, p in enumerate(parts)})
            uniq = frame.drop_duplicates().sort_values(list(frame.columns))
            uniq = uniq.reset_index(drop=True)
            merged = frame.merge(uniq.reset_index(), how="left", on=list(frame.columns))
            self.codes = merged["index"].to_numpy(dtype=np.int64)
            self.ngroups = len(uniq)
            per_key = [uniq[i].to_numpy() for i in range(len(parts))]
        self.groups = pd.DataFrame(
            {
                name: _decode(codes, size, dec, name)
                for (name, _), codes, (_, size, dec) in zip(cols, per_key, parts, strict=True)
            }
        )
        c = self.codes
        if self.ngroups > 1 and not np.any(c[1:] < c[:-1]):
            # rows already grouped (time-ordered rows by period): each group is one run of
            # rows, counted by one pass over the mask (a bincount accumulating into the same
            # slot row after row is ~3× slower)
            self._starts = np.searchsorted(c, np.arange(self.ngroups))

    def sum(self, values, mask: np.ndarray | None = None, clean: bool = False) -> np.ndarray:
        """Σ values per group (missing values count as 0), optionally over rows where mask.

        ``clean``: the caller vouches there is no NaN and no mask (no temporary copy)."""
        v = np.asarray(values)
        if v.dtype == bool:
            return self.count(v if mask is None else (v & mask))
        v = v.astype("float64", copy=False)
        if not clean:
            keep = ~np.isnan(v) if mask is None else (mask & ~np.isnan(v))
            v = np.where(keep, v, 0.0)
        if self.ngroups == 1:
            return np.array([v.sum()]) if len(v) else np.zeros(1)
        return np.bincount(self.codes, weights=v, minlength=self.ngroups)

    def count(self, mask: np.ndarray) -> np.ndarray:
        """Number of rows where mask, per group (memoised on the mask's content: two KPIs
        building the same rows from different expressions count them once)."""
        m = np.asarray(mask, dtype=bool)
        if self.ngroups == 1:  # cheaper than the memo's key
            return np.array([float(np.count_nonzero(m))])
        # the packed bits themselves are the key (1 bit a row): equal keys, equal masks
        key = np.packbits(m).tobytes() + len(m).to_bytes(8, "little")
        hit = self._counts.get(key)
        if hit is not None:
            return hit.copy()
        if self._starts is not None and len(m) == self.n_rows:  # groups are runs of rows
            out = np.add.reduceat(m, self._starts, dtype=np.int64).astype("float64")
        elif np.count_nonzero(m) < SPARSE_MASK * len(m):  # few rows: take their codes
            out = np.bincount(self.codes[m], minlength=self.ngroups).astype("float64")
        else:  # the mask as 0/1 weights: one pass, no gather of the codes (exact below 2⁵³)
            out = np.bincount(self.codes, weights=m, minlength=self.ngroups)
        self._counts[key] = out
        return out.copy()

    def count_distinct(self, entity: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Number of distinct entity codes (non-negative ints) among rows where mask, per group."""
        mask = np.asarray(mask, dtype=bool)
        g = self.codes[mask]
        e = np.asarray(entity, dtype=np.int64)[mask]
        if len(g) == 0:
            return np.zeros(self.ngroups)
        width = _bitset_width(e, self.ngroups)
        if width is not None:
            return _bitset_counts(g, e, self.ngroups, width)
        m = int(e.max()) + 1
        if float(self.ngroups) * m < 2**62:
            pairs = pd.unique(g * m + e)
            return np.bincount(pairs // m, minlength=self.ngroups).astype("float64")
        pairs = pd.DataFrame({"g": g, "e": e}).drop_duplicates()
        return np.bincount(pairs["g"].to_numpy(), minlength=self.ngroups).astype("float64")

    def distinct_any(
        self, entity: np.ndarray, mask: np.ndarray, flag: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per group: distinct entities among rows where mask, and how many of them have at
        least one such row where flag."""
        mask = np.asarray(mask, dtype=bool)
        e = np.asarray(entity, dtype=np.int64)[mask]
        f = np.asarray(flag, dtype=bool)[mask]
        if len(e) == 0:
            return np.zeros(self.ngroups), np.zeros(self.ngroups)
        g = self.codes[mask]
        width = _bitset_width(e, self.ngroups)
        if width is not None:
            return (
                _bitset_counts(g, e, self.ngroups, width),
                _bitset_counts(g[f], e[f], self.ngroups, width),
            )
        m = int(e.max()) + 1
        if self.ngroups == 1:
            codes, uniq = pd.factorize(e)
            grp = np.zeros(len(uniq), dtype=np.int64)
        else:
            codes, uniq = pd.factorize(g * m + e)
            grp = np.asarray(uniq, dtype=np.int64) // m
        hit = np.bincount(codes[f], minlength=len(uniq)) > 0
        den = np.bincount(grp, minlength=self.ngroups).astype("float64")
        num = np.bincount(grp[hit], minlength=self.ngroups).astype("float64")
        return den, num

    def keys_frame(self) -> pd.DataFrame:
        return self.groups.copy()


_CHUNK = 1 << 18


def _bitset_width(e: np.ndarray, ngroups: int) -> int | None:
    """Codes per group for ``_bitset_counts`` (max code + 1), or None when the codes are
    negative or the bitset would take more than 8 bytes per row (then: hashing)."""
    if len(e) == 0 or int(e.min()) < 0:
        return None
    width = int(e.max()) + 1
    n_words = ngroups * ((width + 63) // 64)
    return width if n_words * 8 <= max(8 * len(e), 1 << 20) else None


def _bitset_counts(g: np.ndarray, e: np.ndarray, ngroups: int, width: int) -> np.ndarray:
    """Distinct ``e`` (codes in [0, width)) per group ``g``: one byte per (group, code) slot when
    the slots take at most 8 bytes a row, else one bit per slot, each group's bits starting on
    a 64-bit word so that a popcount per word summed by group gives the counts (both faster
    than hashing the pairs)."""
    words_per_group = (width + 63) // 64
    if len(e) == 0:
        return np.zeros(ngroups)
    if ngroups * width <= max(8 * len(e), 1 << 20):
        # small enough for one byte a slot: plain scatters (ufunc.at is ~4× slower)
        seen = np.zeros(ngroups * width, dtype=bool)
        for start in range(0, len(e), _CHUNK):
            seen[g[start : start + _CHUNK].astype(np.int64) * width + e[start : start + _CHUNK]] = 1
        return np.count_nonzero(seen.reshape(ngroups, width), axis=1).astype("float64")
    words = np.zeros(ngroups * words_per_group, dtype=np.uint64)
    step = words_per_group * 64
    for start in range(0, len(e), _CHUNK):  # bounded temporaries, whatever the row count
        key = g[start : start + _CHUNK].astype(np.int64) * step + e[start : start + _CHUNK]
        bit = np.left_shift(np.uint64(1), (key & 63).astype(np.uint64))
        np.bitwise_or.at(words, key >> 6, bit)
    return np.bitwise_count(words).reshape(ngroups, words_per_group).sum(axis=1).astype("float64")
