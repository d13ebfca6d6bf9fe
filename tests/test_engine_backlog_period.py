"""Backlog per month: items open at the end of each month (resolved_at at or after the start
of the next month, or never resolved), counted by hand on the table written here."""

from __future__ import annotations

import pandas as pd

from kpis.engine import compute


def _items() -> pd.DataFrame:
    rows = [
        # started,            resolved
        ("2024-01-10 09:00", "2024-01-31 23:59"),  # January, resolved in January: closed
        ("2024-01-15 09:00", "2024-02-01 00:00"),  # resolved at February's first instant: open
        ("2024-01-20 09:00", None),  # never resolved: open
        ("2024-02-03 09:00", "2024-03-05 10:00"),  # February, resolved in March: open
        ("2024-02-04 09:00", "2024-02-29 23:59"),  # leap day, still February: closed
        ("2024-03-01 09:00", "2024-03-02 09:00"),  # March, resolved in March: closed
        ("2024-03-31 10:00", None),  # last start (the backlog's instant): open
    ]
    return pd.DataFrame(
        {
            "ticket_id": [f"t{i}" for i in range(len(rows))],
            "started_at": pd.to_datetime([s for s, _ in rows]),
            "resolved_at": pd.to_datetime([r for _, r in rows]),
        }
    )


def test_backlog_by_month():
    out = compute({"contacts": _items()}, ["backlog"], period="month")
    got = dict(zip(out["period"].dt.strftime("%Y-%m"), out["value"], strict=True))
    assert got == {"2024-01": 2.0, "2024-02": 1.0, "2024-03": 1.0}
