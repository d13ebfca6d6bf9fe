"""Data preparation for the ready-made cross-analyses ("Analyses croisées"): each function returns
the DataFrame a chart draws (no Streamlit, no Altair). Values come from ``kpis.engine.compute``
so they match the dashboard; every row carries ``n`` (to size points) and, for rates, the Wilson
interval. ``ANALYSES`` lists them with the rules whose findings go in their panel.

Every function takes the **whole** tables and the global ``filters`` (the engine's
``{field: value or list, "date": (start, end)}``, rows chosen by ``kpis.filters.filter_rows``):
KPIs go through the engine with those filters, so recontact flags are computed on the whole
contacts table (a phone call followed by an e-mail stays "recontacted" under canal = telephone)
and the figures equal the dashboard's under the same filters. Never pass pre-filtered tables.
A filter on a field the contacts lack makes the engine's KPIs not computable and the other
analyses raise ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpis.engine import compute
from kpis.filters import filter_rows

# analysis id -> (title fr, title en, rule ids of its findings panel)
ANALYSES = {
    "fcr_recontact": (
        "FCR × recontact",
        "FCR × recontact",
        ("fcr_ok_recontact_rising", "recontact_varies_by_motif"),
    ),
    "declared_measured": (
        "FCR déclaré vs mesuré",
        "Declared vs measured FCR",
        ("fcr_declared_above_measured", "fcr_declared_vs_survey"),
    ),
    "wait_abandon": (
        "Attente × abandon",
        "Wait × abandon",
        ("long_wait", "qos_below_nf345", "staffing_erlang", "answer_abandon_not_100"),
    ),
    "volume_recontact": (
        "Volume × recontact dans le temps",
        "Volume × recontact over time",
        ("recontact_follows_volume",),
    ),
    "dmt_motif": (
        "DMT × motif",
        "Handling time × motif",
        ("dmt_short_within_motif", "dmt_long_within_motif"),
    ),
    "transfer_motif": ("Transfert × motif", "Transfer × motif", ("transfer_high",)),
    "csat_fcr": (
        "CSAT × FCR",
        "CSAT × FCR",
        ("scores_opposite_fcr", "survey_sample_small", "score_moved_after_event"),
    ),
    "avoidable_pareto": (
        "Pareto des motifs évitables",
        "Avoidable motifs Pareto",
        ("avoidable_high", "motifs_concentrated"),
    ),
    "ho_hno": ("HO / HNO par canal", "In / out of hours by channel", ("hno_share_high",)),
}


def _contacts(tables, filters) -> pd.DataFrame:
    """The contacts that pass the filters; ValueError when a filter field is missing."""
    c = tables["contacts"]
    picked = filter_rows(c, filters, table="contacts")
    if picked.missing:
        raise ValueError(f"contacts lacks {', '.join(picked.missing)} (filter field)")
    return picked.rows


def _pair(tables, x_kpi, y_kpi, by, params=None, period=None, filters=None) -> pd.DataFrame:
    r = compute(tables, [x_kpi, y_kpi], by=by, period=period, filters=filters, params=params)
    keys = [*by, *(["period"] if period else [])]
    r = r[r["status"] != "not_computable"]
    cols = ["value", "ci_low", "ci_high", "n"]
    x = r[r["kpi"] == x_kpi][[*keys, *cols]].rename(columns={c: f"x_{c}" for c in cols})
    y = r[r["kpi"] == y_kpi][[*keys, *cols]].rename(columns={c: f"y_{c}" for c in cols})
    if keys:
        out = x.merge(y, on=keys, how="inner")
    else:  # one row each: side by side (their row labels differ)
        out = pd.concat([x.reset_index(drop=True), y.reset_index(drop=True)], axis=1)
    out["n"] = out[["x_n", "y_n"]].max(axis=1)
    for k in by:
        out[k] = out[k].astype("str")
    return out.reset_index(drop=True)


def pairing(
    tables,
    x_kpi: str,
    y_kpi: str,
    by: str | None,
    params=None,
    period: str | None = None,
    filters=None,
) -> pd.DataFrame:
    """Any KPI × any KPI by any segment (free pairing): x_*, y_*, n per segment."""
    return _pair(tables, x_kpi, y_kpi, [by] if by else [], params, period, filters)


def fcr_recontact(tables, by: str = "motif", params=None, filters=None) -> pd.DataFrame:
    """Declared FCR (x) and per-contact recontact rate (y) by motif, agent or week."""
    if by == "week":
        return _pair(tables, "fcr", "recontact_rate_contacts", [], params, "week", filters)
    return _pair(tables, "fcr", "recontact_rate_contacts", [by], params, None, filters)


def declared_measured(tables, by: str = "provider", params=None, filters=None) -> pd.DataFrame:
    """Declared, measured and survey FCR by segment, long form (kpi, value, CI, n)."""
    r = compute(
        tables,
        ["fcr", "fcr_measured", "fcr_survey"],
        by=[by] if by else None,
        filters=filters,
        params=params,
    )
    r = r[r["status"] != "not_computable"].copy()
    if by:
        r[by] = r[by].astype("str")
    return r[[*([by] if by else []), "kpi", "value", "ci_low", "ci_high", "n"]].reset_index(
        drop=True
    )


def _phone_offered(c: pd.DataFrame) -> np.ndarray:
    m = c["answered"].notna().to_numpy().copy()
    if "canal" in c.columns and (c["canal"].astype("str") == "telephone").any():
        m &= (c["canal"].astype("str") == "telephone").to_numpy()
    if "direction" in c.columns:
        m &= (c["direction"].astype("str") != "sortant").to_numpy()
    return m


def wait_abandon(tables, filters=None) -> pd.DataFrame:
    """Inbound calls by weekday × hour: mean wait, abandon rate (Wilson), n."""
    from kpis.stats import wilson_interval

    c = _contacts(tables, filters)
    m = _phone_offered(c)
    t = c["started_at"][m]
    ans = c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)[m]
    df = pd.DataFrame(
        {
            "weekday": t.dt.day_of_week.to_numpy(),
            "hour": t.dt.hour.to_numpy(),
            "wait_s": pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)[m],
            "abandoned": ~ans,
        }
    )
    g = df.groupby(["weekday", "hour"]).agg(
        n=("abandoned", "size"), abandoned=("abandoned", "sum"), wait_s=("wait_s", "mean")
    )
    g = g.reset_index()
    lo, hi = wilson_interval(g["abandoned"], g["n"])
    g["abandon_rate"] = 100 * g["abandoned"] / g["n"]
    g["ci_low"], g["ci_high"] = 100 * lo, 100 * hi
    return g


def volume_recontact(
    tables, params=None, max_lag: int = 3, filters=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weekly volume and recontact rate, and their detrended correlation by lag (0..max_lag)."""
    from kpis.rules import RuleData, Undecidable
    from kpis.stats import partial_corr

    # the rules' data under the filters: complete weeks of the filtered contacts' span
    d = RuleData(tables, params, filters)
    try:
        rec = d.weekly("recontact_rate_contacts")
        vol = d.kpi("volume", period="week")
    except Undecidable as err:  # e.g. a filter field the contacts lack
        raise ValueError(str(err)) from None
    vol = vol[["period", "value"]].rename(columns={"value": "volume"})
    w = (
        rec[["period", "value", "ci_low", "ci_high", "n"]]
        .rename(columns={"value": "recontact"})
        .merge(vol, on="period")
    )
    lags = []
    for lag in range(max_lag + 1):
        if len(w) - lag >= 6:
            c = partial_corr(
                w["volume"].to_numpy()[: len(w) - lag], w["recontact"].to_numpy()[lag:]
            )
            lags.append({"lag": lag, **c})
    return w, pd.DataFrame(lags)


def dmt_by(tables, by: str = "motif", within: str | None = None, filters=None) -> pd.DataFrame:
    """Handling time (talk + hold + acw) by ``by`` (and ``within``, e.g. agent within motif):
    mean with t interval, median, quartiles, n."""
    from kpis.rules import RuleData
    from kpis.stats import mean_ci

    c = _contacts(tables, filters)
    d = RuleData({"contacts": c})
    dmt = d.handling_time()
    keys = [by] + ([within] if within else [])
    ok = np.isfinite(dmt) & c[keys].notna().all(axis=1).to_numpy()
    df = c.loc[ok, keys].astype("str").assign(dmt=dmt[ok])
    rows = []
    for key, part in df.groupby(keys):
        key = key if isinstance(key, tuple) else (key,)
        mean, lo, hi, n = mean_ci(part["dmt"])
        q = part["dmt"].quantile([0.25, 0.5, 0.75]).to_numpy()
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "value": mean,
                "ci_low": lo,
                "ci_high": hi,
                "q1": q[0],
                "median": q[1],
                "q3": q[2],
                "n": n,
            }
        )
    return pd.DataFrame(rows)


def transfer_motif(tables, params=None, filters=None) -> pd.DataFrame:
    """Level-1 transfer rate by motif (Wilson) and the transfers by type, long form."""
    r = compute(tables, ["transfer_rate"], by=["motif"], filters=filters, params=params)
    r = r[r["status"] != "not_computable"][["motif", "value", "ci_low", "ci_high", "n"]].copy()
    r["motif"] = r["motif"].astype("str")
    c = _contacts(tables, filters)
    if "transfer_to" in c.columns:
        tr = c["transferred"].astype("boolean").to_numpy(dtype=bool, na_value=False)
        types = (
            c.loc[tr]
            .groupby(["motif", "transfer_to"], observed=True)
            .size()
            .rename("transfers")
            .reset_index()
            .astype({"motif": "str", "transfer_to": "str"})
        )
        r = r.merge(types, on="motif", how="left")
    return r.reset_index(drop=True)


def csat_fcr(tables, by: str = "motif", params=None, filters=None) -> pd.DataFrame:
    """CSAT (y) against survey FCR (x) by segment, from the surveys."""
    return _pair(tables, "fcr_survey", "csat", [by], params, None, filters)


def avoidable_pareto(tables, params=None, filters=None) -> pd.DataFrame:
    """Motifs by volume: count, share, cumulative share, avoidable flag (from the flag or the
    avoidable_motifs parameter)."""
    c = _contacts(tables, filters)
    motifs = list((params or {}).get("avoidable_motifs") or [])
    counts = c["motif"].astype("str")[c["motif"].notna()].value_counts()
    out = pd.DataFrame({"motif": counts.index, "n": counts.to_numpy()})
    out["share"] = 100 * out["n"] / out["n"].sum()
    out["cum_share"] = out["share"].cumsum()
    if motifs:
        out["avoidable"] = out["motif"].isin([str(m) for m in motifs])
    elif "avoidable" in c.columns:
        av = c.groupby(c["motif"].astype("str"))["avoidable"].apply(
            lambda s: bool(s.astype("boolean").mean() >= 0.5) if s.notna().any() else False
        )
        out["avoidable"] = out["motif"].map(av).fillna(False).astype(bool)
    else:
        out["avoidable"] = False
    return out


def ho_hno(tables, params=None, filters=None) -> pd.DataFrame:
    """Contacts in and out of opening hours by channel, with the HNO share (Wilson)."""
    r = compute(tables, ["ho_hno"], by=["canal"], filters=filters, params=params)
    r = r[r["status"] != "not_computable"].copy()
    r["canal"] = r["canal"].astype("str")
    r["hno"] = r["numerator"]
    r["ho"] = r["denominator"] - r["numerator"]
    return r[["canal", "ho", "hno", "value", "ci_low", "ci_high", "n"]].reset_index(drop=True)


def drill(tables, segment: Mapping, limit: int = 500, filters=None) -> pd.DataFrame:
    """The contacts behind a point: rows of contacts that pass ``filters`` and match ``segment``
    ({field: value or list}; ``period`` = week start; ``hour``/``weekday`` = time of day / day
    of week)."""
    c = _contacts(tables, filters)
    m = np.ones(len(c), dtype=bool)
    for k, v in segment.items():
        vals = v if isinstance(v, (list, tuple, set)) else [v]
        if k == "period":
            start = pd.Timestamp(vals[0])
            m &= (
                (c["started_at"] >= start) & (c["started_at"] < start + pd.Timedelta(days=7))
            ).to_numpy()
        elif k == "hour":
            m &= c["started_at"].dt.hour.isin([int(x) for x in vals]).to_numpy()
        elif k == "weekday":
            m &= c["started_at"].dt.day_of_week.isin([int(x) for x in vals]).to_numpy()
        elif k in c.columns:
            m &= c[k].astype("str").isin([str(x) for x in vals]).to_numpy()
    return c[m].head(limit)
