"""Recontact windowing: for each contact, does the same customer come back within the window?

A contact is *followed* when the next contact of the same customer (on the same motif when
``same_motif``) starts at most ``window_days`` days after it. Contacts are ordered by customer,
[motif,] start time, then file order (``_file``, ``_row``; row position when absent), so a tie in
time counts as a recontact only when the later row comes later in the file. Looking at the next
contact only is enough: it is the nearest one in time.

A contact is *censored* when its window runs past the last timestamp of the data
(``started_at + window > max(started_at)``); with ``exclude_censored`` it leaves both numerator
and denominator. Contacts without a customer id or a start time are outside both. With
``same_motif``, a contact whose motif is missing matches no other contact (it is never followed
and never follows) but stays in the denominator.

Flags are computed once per dataset and parameters on the whole, unfiltered contacts table
(journeys cross channels and providers), then reused for every segment and filter: results are
kept in a small cache keyed on the frame's identity, shape, columns and the parameters.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd

from kpis.clusters import _radix_order

_CACHE: OrderedDict[tuple, tuple[pd.DataFrame, pd.DataFrame]] = OrderedDict()
_CACHE_SIZE = 8
NS_PER_DAY = 86_400 * 10**9


def clear_cache() -> None:
    _CACHE.clear()
    _CODES.clear()


def _fingerprint(df: pd.DataFrame) -> tuple:
    return (id(df), len(df), tuple(df.columns))


def _int_codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a key column and its not-missing mask (categorical codes kept)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.to_numpy().astype(np.int64)
        return codes, codes >= 0
    if pd.api.types.is_integer_dtype(s.dtype):
        known = s.notna().to_numpy()
        return s.to_numpy(dtype="int64", na_value=0), known
    codes, _ = pd.factorize(s, use_na_sentinel=True)
    return codes.astype(np.int64), codes >= 0


_CODES: OrderedDict[tuple, tuple[pd.DataFrame, np.ndarray]] = OrderedDict()


def customer_codes(contacts: pd.DataFrame) -> np.ndarray:
    """Dense codes 0..k−1 of ``customer_id`` (−1 when missing), cached per dataset."""
    key = _fingerprint(contacts)
    hit = _CODES.get(key)
    if hit is not None and hit[0] is contacts:
        return hit[1]
    codes = pd.factorize(contacts["customer_id"], use_na_sentinel=True)[0].astype(np.int64)
    _CODES[key] = (contacts, codes)
    while len(_CODES) > 4:
        _CODES.popitem(last=False)
    return codes


def file_order(df: pd.DataFrame) -> np.ndarray:
    """Rank of each row in file order: ``_file`` (text order) then ``_row``; else position."""
    n = len(df)
    if "_row" not in df.columns:
        return np.arange(n, dtype=np.int64)
    row = pd.to_numeric(df["_row"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    row = np.where(np.isnan(row), np.inf, row)
    if "_file" in df.columns and isinstance(df["_file"].dtype, pd.CategoricalDtype):
        # rank of each file name in text order, looked up by category code (no text per row)
        names = np.asarray(df["_file"].cat.categories.astype("str"), dtype=object)
        rank = np.argsort(np.argsort(names, kind="stable"), kind="stable")
        codes = df["_file"].cat.codes.to_numpy()
        fcodes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
    elif "_file" in df.columns:
        fcodes, _ = pd.factorize(df["_file"].astype("str"), sort=True)
    else:
        fcodes = np.zeros(n, dtype=np.int64)
    step_f = np.diff(fcodes)
    if n < 2 or np.all((step_f > 0) | ((step_f == 0) & (np.diff(row) > 0))):
        return np.arange(n, dtype=np.int64)  # already in file order: no sort
    order = np.lexsort((np.arange(n), row, fcodes))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    return rank


def recontact_flags(
    contacts: pd.DataFrame,
    window_days: float = 7,
    same_motif: bool = True,
    exclude_censored: bool = True,
) -> pd.DataFrame:
    """Per-contact recontact flags, indexed like ``contacts``.

    Columns: ``has_customer`` (bool), ``followed`` (bool: next contact of the customer[, same
    motif] within the window), ``censored`` (bool: window runs past the last timestamp),
    ``eligible`` (bool: in the denominators), ``recontact`` (nullable boolean: ``followed`` where
    eligible, else missing).

    Needs ``customer_id`` and ``started_at`` (and ``motif`` when ``same_motif``); raises KeyError
    naming the missing fields otherwise.
    """
    needed = ["customer_id", "started_at"] + (["motif"] if same_motif else [])
    missing = [f for f in needed if f not in contacts.columns]
    if missing:
        raise KeyError(missing)
    key = (_fingerprint(contacts), float(window_days), bool(same_motif))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is contacts:
        _CACHE.move_to_end(key)
        base = hit[1]
    else:
        base = _compute(contacts, float(window_days), bool(same_motif))
        _CACHE[key] = (contacts, base)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    eligible = base["in_scope"].to_numpy()
    if exclude_censored:
        eligible = eligible & ~base["censored"].to_numpy()
    followed = base["followed"].to_numpy()
    rec = pd.array(followed, dtype="boolean")
    rec[~eligible] = pd.NA
    return pd.DataFrame(
        {
            "has_customer": base["has_customer"].to_numpy(),
            "followed": followed,
            "censored": base["censored"].to_numpy(),
            "eligible": eligible,
            "recontact": rec,
        },
        index=contacts.index,
    )


def _compute(df: pd.DataFrame, window_days: float, same_motif: bool) -> pd.DataFrame:
    n = len(df)
    cust = customer_codes(df)  # dense codes, shared with the cluster-robust intervals
    has_cust = cust >= 0
    t_series = df["started_at"]
    has_time = t_series.notna().to_numpy()
    t = t_series.to_numpy(dtype="datetime64[ns]").view(np.int64)
    window = int(round(window_days * NS_PER_DAY))
    last = t[has_time].max() if has_time.any() else 0
    censored = has_time & (t + window > last)
    in_scope = has_cust & has_time
    followed = np.zeros(n, dtype=bool)

    idx = np.flatnonzero(in_scope)
    if same_motif:
        motif, motif_ok = _int_codes(df["motif"])
        idx = idx[motif_ok[idx]]  # a missing motif matches nothing
    if len(idx) > 1:
        # Rows in (time, file order), then stable sorts by motif and customer: each
        # customer's [motif's] contacts end up adjacent and still in time order.
        forder = file_order(df)[idx]
        ti = t[idx]
        dt, dfo = np.diff(ti), np.diff(forder)
        if not np.all((dt > 0) | ((dt == 0) & (dfo > 0))):
            idx = idx[np.lexsort((forder, ti))]
        del forder, ti, dt, dfo  # free before the sorts (memory peak at 5M rows)
        # one stable sort on (customer, motif): radix passes over the dense codes' bits
        key = cust[idx]
        bits = max(int(key.max()).bit_length(), 1)
        if same_motif:
            m = motif[idx]
            mbits = max(int(m.max()).bit_length(), 1)
            if bits + mbits <= 62:
                key = (key << mbits) | m
            bits += mbits
        if bits <= 62:
            idx = idx[_radix_order(key, bits)]
        else:  # beyond int64: stable sorts on each code
            idx = idx[np.lexsort((m, key)) if same_motif else np.argsort(key, kind="stable")]
        same = cust[idx[1:]] == cust[idx[:-1]]
        if same_motif:
            same &= motif[idx[1:]] == motif[idx[:-1]]
        followed[idx[:-1]] = same & ((t[idx[1:]] - t[idx[:-1]]) <= window)
    return pd.DataFrame(
        {
            "has_customer": has_cust,
            "followed": followed,
            "censored": censored,
            "in_scope": in_scope,
        }
    )
