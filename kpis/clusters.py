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
import pandas as pd


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
        codes, uniq = pd.factorize(seg_codes[idx] * k + cust[idx])
        size = np.bincount(codes)
        multi = size >= 2
        pseg = np.asarray(uniq, dtype=np.int64)[multi] // k
        # dense codes of the multi-row pairs, ordered by segment: per-segment sums are then
        # contiguous reductions
        by_seg = np.argsort(pseg.astype(np.int16 if ngroups < 2**15 else np.int64), kind="stable")
        dense = np.full(len(uniq), -1, dtype=np.int64)
        dense[np.flatnonzero(multi)[by_seg]] = np.arange(len(by_seg))
        keep = multi[codes]
        self.rows = None if keep.all() and len(idx) == n else idx[keep]
        self.codes = dense[codes[keep]]
        self.pseg = pseg[by_seg]
        self.npairs = len(by_seg)
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
