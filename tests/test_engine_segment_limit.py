"""A breakdown too fine to compute is refused with a typed, bilingual error naming its fields."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpis import engine
from kpis.cli import main
from kpis.engine import MAX_SEGMENTS, compute
from kpis.errors import PiloteError, TooManySegments

N_MOTIFS = 60_000


def _contacts(n: int = N_MOTIFS) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    start = np.datetime64("2026-01-01T08:00:00", "s")
    return pd.DataFrame(
        {
            "contact_id": [f"C{i}" for i in range(n)],
            "started_at": (start + rng.integers(0, 60 * 86_400, n).astype("timedelta64[s]")).astype(
                "datetime64[ns]"
            ),
            "customer_id": rng.integers(0, n // 3, n),
            "canal": "telephone",
            "motif": [f"motif {i:05d}" for i in range(n)],  # one motif per contact
            "answered": rng.random(n) < 0.9,
            "wait_s": rng.exponential(30, n).round(),
        }
    )


def test_engine_refuses_60000_motifs_with_a_typed_error():
    assert N_MOTIFS > MAX_SEGMENTS
    with pytest.raises(TooManySegments) as err:
        compute({"contacts": _contacts()}, by="motif")
    exc = err.value
    assert isinstance(exc, PiloteError) and exc.code == "too_many_segments"
    assert exc.fields == ["motif"] and exc.segments == N_MOTIFS
    assert "« motif »" in exc.message("fr") and "60\u202f000 segments" in exc.message("fr")
    assert "'motif'" in exc.message("en") and "60,000 segments" in exc.message("en")
    assert "50,000" in exc.message("en")


def test_periods_count_in_the_segments(monkeypatch):
    c = _contacts(2_000)
    c["motif"] = c["motif"].str[-1]  # 10 motifs
    monkeypatch.setattr(engine, "MAX_SEGMENTS", 10)
    assert len(compute({"contacts": c}, ["volume"], by="motif")) == 10  # at the limit: fine
    with pytest.raises(TooManySegments) as err:  # 10 motifs × 3 months
        compute({"contacts": c}, ["volume"], by="motif", period="month")
    assert err.value.fields == ["motif", "period (month)"]
    assert err.value.segments > 10


def test_cli_compute_all_by_motif_and_month_exits_2_naming_motif(tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    _contacts().to_csv(path, index=False)
    code = main(
        ["--lang", "en", "compute", str(path), "--kpi", "all", "--by", "motif"]
        + ["--period", "month"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "'motif'" in err and "segments" in err and "Traceback" not in err
