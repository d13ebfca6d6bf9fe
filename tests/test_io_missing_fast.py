"""Missing cells of a large text column are decided on the rows whose first byte can start a
blank or a placeholder (``kpis.io.columns.maybe_missing``); the answer must be that of the full
test on every row, whatever the spaces, case, nulls and Arrow chunking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpis.io.columns import maybe_missing
from kpis.io.parsers import PLACEHOLDERS, is_missing, is_placeholder

_SET = pa.array(sorted(PLACEHOLDERS), type=pa.string())


def full_placeholder(arr) -> np.ndarray:
    """The former test, row by row over the whole column (kept here as the reference)."""
    short = pc.less_equal(pc.utf8_length(arr), 8)
    hit = pc.and_kleene(short, pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(arr)), _SET))
    return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)


def full_missing(arr) -> np.ndarray:
    blank = pc.or_kleene(pc.equal(pc.binary_length(arr), 0), pc.utf8_is_space(arr))
    out = np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False), dtype=bool)
    return out | full_placeholder(arr)


# cells that are missing, cells that are not, and cells that only look like it
MISSING = ["", " ", "   ", "\t", "\u00a0", "\u2003", "\u3000 ", " \x0b", "-", "--", "?", "N/A"]
MISSING += ["#n/a", "NULL", " null ", "(Null)", "(VIDE)", "None", "nan", "NaN", "\u00a0nan\u2003"]
MISSING += ["(vİde)"]  # İ lower-cases to i: the full test says placeholder, so must the fast one
FILLED = ["CT0", "CLI-227658", "A000123", "01/02/2026 09:15:00", "17,0", "-5", "non", "Nantes"]
FILLED += ["né", "é", "(vide) x", "nanx", "n/a/b", "#", "(", "x n/a", "--- ", "\u00e9nan", "0"]


def _column(values, large: bool, chunks: int, rng) -> pa.ChunkedArray:
    typ = pa.large_string() if large else pa.string()
    arr = pa.array(values, type=typ)
    cuts = np.sort(rng.choice(np.arange(1, len(values)), chunks - 1, replace=False))
    bounds = [0, *cuts.tolist(), len(values)]
    # slices of one array: each chunk starts at a non-zero offset into the shared buffers
    return pa.chunked_array([arr.slice(a, b - a) for a, b in zip(bounds, bounds[1:], strict=False)])


def test_fast_missing_equals_full_test_on_every_row():
    rng = np.random.default_rng(0)
    pool = MISSING + FILLED + [None]
    checked = 0
    for large in (True, False):
        for chunks in (1, 3, 7):
            values = [pool[i] for i in rng.integers(0, len(pool), 3000)]
            arr = _column(values, large, chunks, rng)
            # every missing cell is a candidate, on 32- and 64-bit offsets alike
            assert not (full_missing(arr) & ~maybe_missing(arr)).any()
            s = pd.Series(pd.arrays.ArrowExtensionArray(arr)).astype("str")
            got = is_missing(s).to_numpy()
            assert got.tolist() == full_missing(arr).tolist()
            assert is_placeholder(s).to_numpy().tolist() == full_placeholder(arr).tolist()
            checked += len(values)
    assert checked == 18_000


def test_each_cell_by_hand():
    cells = MISSING + FILLED
    s = pd.Series(cells, dtype="str")
    assert is_missing(s).tolist() == [True] * len(MISSING) + [False] * len(FILLED)


def test_candidates_are_few_on_ids_and_dates():
    """An id or date column gives no candidate: the exact test reads none of its rows."""
    ids = pa.chunked_array([pa.array(["CT1", "CT2", "01/02/2026 09:15:00", "17,0"])])
    assert maybe_missing(ids).tolist() == [False] * 4
    odd = pa.chunked_array([pa.array(["", None, " x", "nan", "Nantes", "-5", "\u00a0", "x"])])
    assert maybe_missing(odd).tolist() == [True] * 7 + [False]


def test_ids_trimmed_as_before():
    """Identifiers are trimmed only where an edge byte may be a space: same ids as trimming
    every cell, whatever the spaces (ASCII, no-break, em, ideographic) and the chunking."""
    from kpis.io.pseudonym import normalise_id

    rng = np.random.default_rng(1)
    pool = ["C1", " C2", "C3 ", "\u00a0C4", "C5\u2003", "\u3000C6\u3000", "CLI-9", "é7", "7é"]
    pool += ["\tC8", "C9\n", "", "x y"]
    for chunks, floats in ((1, False), (4, False), (3, True)):
        # without a '.0' anywhere, only the trimming look decides whether to change the column
        extra = ["4587.0", " 12.00 "] if floats else []
        values = [(pool + extra)[i] for i in rng.integers(0, len(pool) + len(extra), 2000)]
        arr = _column(values, True, chunks, rng)
        s = pd.Series(pd.arrays.ArrowExtensionArray(arr)).astype("str")
        want = s.str.strip().str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
        assert normalise_id(s).tolist() == want.tolist()
    # padded only with Unicode spaces (their bytes are not ASCII): still trimmed
    for cell in ("\u00a0C4", "C5\u2003", "\u3000C6"):
        s = pd.Series(["C1", cell, "é7"], dtype="str")
        assert normalise_id(s).tolist() == ["C1", cell.strip(), "é7"]
    clean = pd.Series(["C1", "C2", "é7"], dtype="str")
    assert normalise_id(clean) is clean  # nothing to change: the column itself, no copy
