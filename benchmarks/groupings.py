"""The three groupings of every speed benchmark (a module of its own: the Polars process of
``benchmarks.end_to_end`` imports it without loading NumPy or pandas)."""

GROUPINGS = {
    "overall": {},
    "canal×motif×niveau": {"by": ["canal", "motif", "niveau"]},
    "month": {"period": "month"},
}
