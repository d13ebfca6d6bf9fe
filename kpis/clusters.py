"""Per-segment customer sums for the cluster-robust rate interval, shared by every rate KPI.

A rate's interval (``stats.cluster_ratio_interval``) needs, per segment, Σ_c y_c², Σ_c y_c·n_c,
Σ_c n_c² and G = the number of customers with a unit (y_c numerator rows and n_c denominator rows
of customer c in the segment; a row without customer id is a customer of its own).
``ClusterIndex`` is built once per filtered, segmented table:

- a (segment, customer) pair with a single row — most pairs in a fine breakdown — contributes
  y, y, n, n with y, n ∈ {0, 1} (numerator rows are denominator rows), so the segment counts of
  numerator and denominator give their part: ``Σ_single y = k − Σ_multi y`` (k: numerator count);
- only rows of pairs with two rows or more are summed per pair (one weighted bincount over dense
  pair codes), memoised on the mask's content: KPIs sharing a mask (offered calls…) count it once.

The sums are integers, held exactly in float64: the order of the additions cannot change them.
"""

from __future__ import annotations

import numpy as np


class ClusterIndex:
    """The rows of a table that share a (segment, customer) pair with another row, and their
    dense pair codes and the segment of each pair."""

    def __init__(self, seg_codes: np.ndarray, ngroups: int, cust: np.ndarray) -> None:
        n = len(cust)
        self.ngroups = ngroups
        self._memo: dict[bytes, np.ndarray] = {}
        known = cust >= 0
        k = int(cust.max()) + 1 if n else 0
        if k == 0:
            self.rows, self.codes, self.npairs = np.zeros(0, np.int64), None, 0
            return
        ckey = np.where(known, cust, k)
        csize = np.bincount(ckey, minlength=k + 1)
        csize[k] = 0  # rows without customer: each one alone
        if ngroups == 1:  # the pairs are the customers
            multi = csize[ckey] >= 2
            # mostly repeat customers: sum every row with a customer (no gather per mask)
            sel = known if np.count_nonzero(multi) > 0.75 * n else multi
            self.rows = None if sel.all() else np.flatnonzero(sel)
            self.codes = cust if self.rows is None else cust[self.rows]
            self.pseg, self.starts, self.npairs = None, None, k
            return
        idx = np.flatnonzero(csize[ckey] >= 2)  # rows of customers seen twice or more
        pair, order = _pairs_by_segment(seg_codes[idx], cust[idx], ngroups, k)
        # pair: per row of idx (taken in ``order``), its (segment, customer) pair, numbered in
        # (segment, customer) order
        size = np.bincount(pair)
        multi = size >= 2
        keep = multi[pair]
        dense = np.cumsum(multi) - 1
        at = idx if order is None else idx[order]
        rows = at[keep]
        self.rows = None if len(rows) == n else rows
        self.codes = dense[pair[keep]]
        first = np.zeros(len(size), dtype=np.int64)  # a row of each pair
        first[pair] = np.arange(len(pair))
        self.pseg = seg_codes[at[first]][multi]
        self.npairs = int(np.count_nonzero(multi))
        sizes = np.bincount(self.pseg, minlength=ngroups)
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)[sizes > 0]
        self.present = sizes > 0

    def _pair_counts(self, mask: np.ndarray) -> np.ndarray:
        """Rows where mask, per multi-row pair (memoised on the mask's content)."""
        m = mask if self.rows is None else mask[self.rows]
        key = np.packbits(m).tobytes() + len(m).to_bytes(8, "little")
        hit = self._memo.get(key)
        if hit is None:
            hit = np.bincount(self.codes, weights=m, minlength=self.npairs)
            self._memo[key] = hit
        return hit

    def sums(self, num: np.ndarray, den: np.ndarray, k: np.ndarray, n: np.ndarray) -> tuple:
        """(Σ_c y_c², Σ_c y_c·n_c, Σ_c n_c², G) per segment for numerator rows ``num`` (within
        ``den``) and denominator rows ``den``, given their segment counts ``k`` and ``n``."""
        g = self.ngroups
        k, n = np.asarray(k, dtype="float64"), np.asarray(n, dtype="float64")
        if self.npairs == 0 or (self.rows is not None and len(self.rows) == 0):
            return k.copy(), k.copy(), n.copy(), n.copy()
        y, c = self._pair_counts(num), self._pair_counts(den)
        if g == 1:
            # products summed without BLAS (its thread wake-up costs more than the sum)
            syy, syn, snn = (np.array([(a * b).sum()]) for a, b in ((y, y), (y, c), (c, c)))
            clusters = np.array([float(np.count_nonzero(c))])
            sy, sc = np.array([y.sum()]), np.array([c.sum()])
        else:

            def per_seg(w):
                out = np.zeros(g)
                out[self.present] = np.add.reduceat(w, self.starts)
                return out

            syy, syn, snn = per_seg(y * y), per_seg(y * c), per_seg(c * c)
            clusters = per_seg((c > 0).astype("float64"))
            sy, sc = per_seg(y), per_seg(c)
        single_k, single_n = k - sy, n - sc
        return syy + single_k, syn + single_k, snn + single_n, clusters + single_n


def _radix_order(key: np.ndarray, bits: int) -> np.ndarray:
    """Stable order of non-negative integer keys below 2**bits: radix sorts on 16-bit digits,
    least significant first (NumPy's stable sort of uint16 is a radix sort)."""
    order = None
    for shift in range(0, bits, 16):
        k = key if order is None else key[order]
        digit = ((k >> shift) & 0xFFFF).astype(np.uint16)
        step = np.argsort(digit, kind="stable")
        order = step if order is None else order[step]
    return order if order is not None else np.zeros(0, dtype=np.int64)


def _pairs_by_segment(seg: np.ndarray, cust: np.ndarray, ngroups: int, k: int):
    """(pair number of each row in the returned order, the order or None for row order): pairs
    numbered 0, 1, … in (segment, customer) order. Dense key space: a counting pass, rows
    left in place; otherwise rows sorted on the key (segment, customer) by radix sorts."""
    if len(seg) == 0:
        return np.zeros(0, dtype=np.int64), None
    if float(ngroups) * k <= max(4 * len(seg), 1 << 20):
        key = seg * k + cust
        number = np.cumsum(np.bincount(key, minlength=ngroups * k) > 0) - 1
        return number[key], None
    cbits = max(int(k - 1).bit_length(), 1)
    bits = cbits + max(int(ngroups - 1).bit_length(), 1)
    if bits > 62:  # beyond int64: compare the two columns
        order = np.lexsort((cust, seg))
    else:
        dtype = np.uint32 if bits <= 32 else np.uint64
        key = (seg.astype(dtype) << dtype(cbits)) | cust.astype(dtype)
        order = _radix_order(key, bits)
        key = key[order]
        new = np.empty(len(order), dtype=bool)
        new[0] = True
        np.not_equal(key[1:], key[:-1], out=new[1:])
        return np.cumsum(new) - 1, order
    s, c = seg[order], cust[order]
    new = np.empty(len(order), dtype=bool)
    new[0] = True
    np.not_equal(s[1:], s[:-1], out=new[1:])
    new[1:] |= c[1:] != c[:-1]
    return np.cumsum(new) - 1, order
