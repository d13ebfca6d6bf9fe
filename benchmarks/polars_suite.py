"""The KPI suite of ``benchmarks.run`` (DuckDB SQL) as idiomatic Polars: ``pl.read_csv`` of the
French export (';', decimal comma, 'dd/mm/yyyy HH:MM:SS', 'oui'/'non'), recontact flags by a
window over (customer, motif), then one aggregation per grouping for contacts, one for the
motif shares and one for surveys. Polars is a benchmark-only dependency (the ``bench`` extra).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

WEEK = pl.duration(days=7)


def read_french_csv(path: Path, headers: dict, bools: set, dates: tuple, fmt: str):
    """The export as a typed frame with the canonical names (customer ids hashed to integers,
    as Pilote's pseudonyms are)."""
    df = pl.read_csv(path, separator=";", decimal_comma=True, infer_schema_length=10_000)
    exprs = []
    for field, header in headers.items():
        col = pl.col(header)
        if field in bools:
            col = col == "oui"
        elif field in dates:
            col = col.str.to_datetime(fmt, strict=False)
        elif field == "customer_id":
            col = col.hash()
        exprs.append(col.alias(field))
    return df.select(exprs)


def flags(c: pl.DataFrame):
    """``eligible`` (7 days of hindsight) and ``followed`` (same customer and motif again within
    7 days): one sort by (customer, motif, time, row), then the next row of the same pair.
    Returns (frame, last timestamp)."""
    c = c.with_row_index("_row", offset=2)
    last = c["started_at"].max()
    c = c.sort(["customer_id", "motif", "started_at", "_row"], nulls_last=True)
    st, cust, motif = pl.col("started_at"), pl.col("customer_id"), pl.col("motif")
    same = (cust == cust.shift(-1)) & (motif == motif.shift(-1))
    c = c.with_columns(
        eligible=cust.is_not_null() & st.is_not_null() & (st + WEEK <= last),
        followed=(
            cust.is_not_null() & motif.is_not_null() & same & (st.shift(-1) - st <= WEEK)
        ).fill_null(False),
    )
    return c, last


def _stat(name: str, v: pl.Expr, cond: pl.Expr) -> list[pl.Expr]:
    return [
        v.filter(cond).sum().alias(f"{name}_sum"),
        v.filter(cond).count().alias(f"{name}_n"),
        (v * v).filter(cond).sum().alias(f"{name}_sq"),
    ]


def contact_aggs(last) -> list[pl.Expr]:
    c = pl.col
    ans, wait, st = c("answered"), c("wait_s"), c("started_at")
    talk, hold, acw = c("talk_s"), c("hold_s"), c("acw_s")
    t0, h0, a0 = talk.fill_null(0), hold.fill_null(0), acw.fill_null(0)
    short = ~(~ans & (wait < 5))
    mins = st.dt.hour().cast(pl.Int32) * 60 + st.dt.minute().cast(pl.Int32)
    ticket, res = c("ticket_id").is_not_null(), c("resolved_at")
    dur = (res - st).dt.total_seconds(fractional=True)
    done = ticket & (res >= st)
    elig, fol, cust = c("eligible"), c("followed"), c("customer_id")
    # telephony KPIs: inbound calls presented = the telephone channel (no direction mapped)
    tel = c("canal") == "telephone"
    return [
        (ans.is_not_null() & tel).sum().alias("offered"),
        (ans & tel).sum().alias("handled"),
        (~ans & tel).sum().alias("abandoned"),
        pl.len().alias("volume"),
        (ans & (wait <= 20) & tel).sum().alias("sl_num"),
        (ans.is_not_null() & short & tel).sum().alias("sl5_den"),
        (ans & (wait <= 20) & short & tel).sum().alias("sl5_num"),
        *_stat("asa", wait, ans & tel),
        *_stat("wait", wait, ans.is_not_null() & tel),
        *_stat("dmc", t0 + h0, ans & (talk.is_not_null() | hold.is_not_null())),
        *_stat("acw", acw, ans),
        *_stat(
            "dmt",
            t0 + h0 + a0,
            ans & (talk.is_not_null() | hold.is_not_null() | acw.is_not_null()),
        ),
        *_stat("dmt_nh", t0 + a0, ans & (talk.is_not_null() | acw.is_not_null())),
        c("converted").count().alias("conv_den"),
        c("converted").sum().alias("conv_num"),
        (~((st.dt.weekday() <= 5) & mins.is_between(480, 1139))).sum().alias("hno"),
        c("resolved_first_contact").count().alias("fcr_den"),
        c("resolved_first_contact").sum().alias("fcr_num"),
        c("transferred").filter(c("niveau") == "N1").count().alias("tr_den"),
        (c("transferred") & (c("niveau") == "N1")).sum().alias("tr_num"),
        c("avoidable").count().alias("av_den"),
        c("avoidable").sum().alias("av_num"),
        c("selfcare_redirected").count().alias("sc_den"),
        c("selfcare_redirected").sum().alias("sc_num"),
        dur.filter(done).sum().alias("mttr_sum"),
        done.sum().alias("mttr_n"),
        (dur * dur).filter(done).sum().alias("mttr_sq"),
        (done & (dur <= 86400)).sum().alias("sla_num"),
        (
            ticket
            & (
                (res >= st)
                | (res.is_null() & ((pl.lit(last) - st).dt.total_seconds(fractional=True) > 86400))
            )
        )
        .sum()
        .alias("sla_den"),
        (ticket & (st <= last) & (res.is_null() | (res > last))).sum().alias("backlog"),
        (elig & fol).sum().alias("rc_num"),
        elig.sum().alias("rc_den"),
        cust.filter(elig & fol).n_unique().alias("rcc_num"),
        cust.filter(elig).n_unique().alias("rcc_den"),
        (elig & ans & ~fol).sum().alias("fcrm_num"),
        (elig & ans).sum().alias("fcrm_den"),
        pl.struct(c("agent_id"), st.dt.date()).filter(ans).n_unique().alias("agent_days"),
        (ans & c("agent_id").is_not_null()).sum().alias("prod_num"),
    ]


SURVEY_AGGS = [
    pl.col("csat_score").count().alias("csat_den"),
    (pl.col("csat_score") >= 4).sum().alias("csat_num"),
    pl.col("csat_score").sum().alias("csat_sum"),
    (pl.col("csat_score") ** 2).sum().alias("csat_sq"),
    pl.col("nps_score").count().alias("nps_n"),
    (pl.col("nps_score") >= 9).sum().alias("nps_pro"),
    (pl.col("nps_score") <= 6).sum().alias("nps_det"),
    pl.col("ces_score").count().alias("ces_n"),
    pl.col("ces_score").sum().alias("ces_sum"),
    (pl.col("ces_score") ** 2).sum().alias("ces_sq"),
    (pl.col("ces_score") <= 2).sum().alias("ces_low"),
    pl.col("resolved_declared").count().alias("fcrs_den"),
    pl.col("resolved_declared").sum().alias("fcrs_num"),
]


def _grouped(frame: pl.DataFrame, grouping: dict, t: str, aggs) -> pl.DataFrame:
    keys = [pl.col(k) for k in grouping.get("by", [])]
    if grouping.get("period") == "month":
        keys.append(pl.col(t).dt.truncate("1mo").alias("period"))
    if not keys:
        return frame.select(aggs)
    return frame.group_by(keys).agg(aggs)


def suite(c: pl.DataFrame, s: pl.DataFrame, last, grouping: dict) -> int:
    """Every KPI's numbers for one grouping; returns the number of result rows."""
    n = len(_grouped(c, grouping, "started_at", contact_aggs(last)))
    by = list(grouping.get("by", []))
    keys = [pl.col(k) for k in by]
    names = list(by)
    if grouping.get("period") == "month":
        keys.append(pl.col("started_at").dt.truncate("1mo").alias("period"))
        names.append("period")
    extra = [] if "motif" in by else [pl.col("motif")]
    motifs = c.filter(pl.col("motif").is_not_null()).group_by([*keys, *extra]).len()
    total = pl.col("len").sum()
    motifs = motifs.with_columns(total=total.over(names) if names else total)
    n += len(motifs)
    if "niveau" in by:
        s = s.join(c.select("contact_id", "niveau"), on="contact_id", how="left")
    n += len(_grouped(s, grouping, "answered_at", SURVEY_AGGS))
    return n


def check(c: pl.DataFrame, last, pilote) -> dict:
    """A few overall figures from Polars beside Pilote's (``compute`` output): same numerators
    and denominators, as ``benchmarks.run.duckdb_check`` does for DuckDB."""
    row = c.select(contact_aggs(last)).row(0, named=True)
    got = pilote.set_index("kpi")
    pairs = {
        "answer_rate": ("handled", "offered"),
        "service_level": ("sl_num", "offered"),
        "recontact_rate_contacts": ("rc_num", "rc_den"),
        "recontact_rate": ("rcc_num", "rcc_den"),
        "fcr_measured": ("fcrm_num", "fcrm_den"),
        "sla_compliance": ("sla_num", "sla_den"),
        "agent_days": ("agent_days", None),
    }
    out = {}
    for kpi, (num, den) in pairs.items():
        p = got.loc[kpi]
        same = int(p["numerator"]) == int(row[num]) and (
            den is None or int(p["denominator"]) == int(row[den])
        )
        out[kpi] = bool(same)
    return out
