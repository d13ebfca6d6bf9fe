"""Speed and memory of the KPI engine beside the same suite in DuckDB SQL.

    python -m benchmarks.run [--sizes 100000,1000000,5000000] [--repeat 3]

Per size, in a fresh subprocess (so peak memory is per size): synthetic contacts and surveys in
canonical dtypes (not timed), then

- suite: every registered KPI overall, by canal × motif × niveau, and by month — recontact
  flags computed once inside (cache cleared first);
- re-filter: one provider × one canal, every KPI again (flags reused, as in the app);
- DuckDB: the same numerators and denominators in SQL over the same pandas frames, flags
  materialised once (window LEAD), then the three groupings and the re-filter.

Reported: best of ``--repeat`` runs, the ratio Pilote ÷ DuckDB, and peak memory above the
loaded data while Pilote runs (RSS sampled every 2 ms). The CSV/Parquet import is the import
pipeline's job and is not measured here. DuckDB is a benchmark-only dependency.
"""

from __future__ import annotations

import os
import threading
import time
import tracemalloc

import numpy as np

from benchmarks.groupings import GROUPINGS
from benchmarks.sizes import results_per_size

SIZES = (100_000, 1_000_000, 5_000_000)
REFILTER = {"provider": "Interne", "canal": "telephone"}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


class PeakRSS:
    """Peak resident memory (MB) while the block runs, sampled in a thread."""

    def __enter__(self):
        self.peak = self.start = rss_mb()
        self._stop = False
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self):
        while not self._stop:
            self.peak = max(self.peak, rss_mb())
            time.sleep(0.002)

    def __exit__(self, *exc):
        self._stop = True
        self._t.join()
        self.peak = max(self.peak, rss_mb())


# DuckDB version of the suite ---------------------------------------------------------------------

# The telephony KPIs count inbound calls presented: the telephone channel only (Pilote's default
# ``telephony_channels``), every contact inbound and presented when, as here, no direction or
# offered flag is mapped.
CONTACT_AGGS_RAW = """
  count(answered) FILTER (WHERE canal = 'telephone') AS offered,
  count(*) FILTER (WHERE answered AND canal = 'telephone') AS handled,
  count(*) FILTER (WHERE NOT answered AND canal = 'telephone') AS abandoned,
  count(*) AS volume,
  count(*) FILTER (WHERE answered AND wait_s <= 20 AND canal = 'telephone') AS sl_num,
  count(*) FILTER (WHERE answered IS NOT NULL AND NOT (NOT answered AND wait_s < 5)
    AND canal = 'telephone') AS sl5_den,
  count(*) FILTER (WHERE answered AND wait_s <= 20 AND NOT (NOT answered AND wait_s < 5)
    AND canal = 'telephone') AS sl5_num,
  sum(wait_s) FILTER (WHERE answered AND canal = 'telephone') AS asa_sum,
  count(wait_s) FILTER (WHERE answered AND canal = 'telephone') AS asa_n,
  sum(wait_s * wait_s) FILTER (WHERE answered AND canal = 'telephone') AS asa_sq,
  sum(wait_s) FILTER (WHERE answered IS NOT NULL AND canal = 'telephone') AS wait_sum,
  count(wait_s) FILTER (WHERE answered IS NOT NULL AND canal = 'telephone') AS wait_n,
  sum(wait_s * wait_s) FILTER (WHERE answered IS NOT NULL AND canal = 'telephone') AS wait_sq,
  sum(coalesce(talk_s, 0) + coalesce(hold_s, 0))
    FILTER (WHERE answered AND (talk_s IS NOT NULL OR hold_s IS NOT NULL)) AS dmc_sum,
  count(*) FILTER (WHERE answered AND (talk_s IS NOT NULL OR hold_s IS NOT NULL)) AS dmc_n,
  sum((coalesce(talk_s, 0) + coalesce(hold_s, 0)) ^ 2)
    FILTER (WHERE answered AND (talk_s IS NOT NULL OR hold_s IS NOT NULL)) AS dmc_sq,
  sum(acw_s) FILTER (WHERE answered) AS acw_sum, count(acw_s) FILTER (WHERE answered) AS acw_n,
  sum(acw_s * acw_s) FILTER (WHERE answered) AS acw_sq,
  sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0)) FILTER (WHERE answered
    AND (talk_s IS NOT NULL OR hold_s IS NOT NULL OR acw_s IS NOT NULL)) AS dmt_sum,
  count(*) FILTER (WHERE answered
    AND (talk_s IS NOT NULL OR hold_s IS NOT NULL OR acw_s IS NOT NULL)) AS dmt_n,
  sum((coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(acw_s, 0)) ^ 2) FILTER (WHERE
    answered AND (talk_s IS NOT NULL OR hold_s IS NOT NULL OR acw_s IS NOT NULL)) AS dmt_sq,
  sum(coalesce(talk_s, 0) + coalesce(acw_s, 0))
    FILTER (WHERE answered AND (talk_s IS NOT NULL OR acw_s IS NOT NULL)) AS dmt_nh_sum,
  count(*) FILTER (WHERE answered AND (talk_s IS NOT NULL OR acw_s IS NOT NULL)) AS dmt_nh_n,
  sum((coalesce(talk_s, 0) + coalesce(acw_s, 0)) ^ 2)
    FILTER (WHERE answered AND (talk_s IS NOT NULL OR acw_s IS NOT NULL)) AS dmt_nh_sq,
  count(converted) AS conv_den, count(*) FILTER (WHERE converted) AS conv_num,
  count(*) FILTER (WHERE NOT (isodow(started_at) <= 5
    AND hour(started_at) * 60 + minute(started_at) BETWEEN 480 AND 1139)) AS hno,
  count(resolved_first_contact) AS fcr_den,
  count(*) FILTER (WHERE resolved_first_contact) AS fcr_num,
  count(transferred) FILTER (WHERE niveau = 'N1') AS tr_den,
  count(*) FILTER (WHERE transferred AND niveau = 'N1') AS tr_num,
  count(avoidable) AS av_den, count(*) FILTER (WHERE avoidable) AS av_num,
  count(selfcare_redirected) AS sc_den, count(*) FILTER (WHERE selfcare_redirected) AS sc_num,
  sum(epoch(resolved_at - started_at)) FILTER (WHERE ticket_id IS NOT NULL
    AND resolved_at >= started_at) AS mttr_sum,
  count(*) FILTER (WHERE ticket_id IS NOT NULL AND resolved_at >= started_at) AS mttr_n,
  sum(epoch(resolved_at - started_at) ^ 2) FILTER (WHERE ticket_id IS NOT NULL
    AND resolved_at >= started_at) AS mttr_sq,
  count(*) FILTER (WHERE ticket_id IS NOT NULL AND resolved_at >= started_at
    AND epoch(resolved_at - started_at) <= 86400) AS sla_num,
  count(*) FILTER (WHERE ticket_id IS NOT NULL AND ((resolved_at >= started_at)
    OR (resolved_at IS NULL AND epoch(last_ts - started_at) > 86400))) AS sla_den,
  count(*) FILTER (WHERE ticket_id IS NOT NULL AND started_at <= last_ts
    AND (resolved_at IS NULL OR resolved_at > last_ts)) AS backlog,
  count(*) FILTER (WHERE eligible AND followed) AS rc_num,
  count(*) FILTER (WHERE eligible) AS rc_den,
  count(DISTINCT customer_id) FILTER (WHERE eligible AND followed) AS rcc_num,
  count(DISTINCT customer_id) FILTER (WHERE eligible) AS rcc_den,
  count(*) FILTER (WHERE eligible AND answered AND NOT followed) AS fcrm_num,
  count(*) FILTER (WHERE eligible AND answered) AS fcrm_den,
  count(DISTINCT (agent_id, CAST(started_at AS DATE))) FILTER (WHERE answered) AS agent_days,
  count(*) FILTER (WHERE answered AND agent_id IS NOT NULL) AS prod_num
"""

CONTACT_AGGS = CONTACT_AGGS_RAW.replace("last_ts", "getvariable('last_ts')")

SURVEY_AGGS = """
  count(csat_score) AS csat_den, count(*) FILTER (WHERE csat_score >= 4) AS csat_num,
  sum(csat_score) AS csat_sum, sum(csat_score * csat_score) AS csat_sq,
  count(nps_score) AS nps_n, count(*) FILTER (WHERE nps_score >= 9) AS nps_pro,
  count(*) FILTER (WHERE nps_score <= 6) AS nps_det,
  count(ces_score) AS ces_n, sum(ces_score) AS ces_sum, sum(ces_score * ces_score) AS ces_sq,
  count(*) FILTER (WHERE ces_score <= 2) AS ces_low,
  count(resolved_declared) AS fcrs_den, count(*) FILTER (WHERE resolved_declared) AS fcrs_num
"""


def _keys_sql(grouping: dict) -> tuple[str, str, list[str]]:
    """SELECT prefix (with {t} for the time field), GROUP BY clause and key names."""
    keys = list(grouping.get("by", []))
    names = list(keys)
    if grouping.get("period") == "month":
        keys.append("date_trunc('month', {t}) AS period")
        names.append("period")
    if not keys:
        return "", "", []
    return ", ".join(keys) + ",", "GROUP BY ALL", names


def duckdb_prepare(con, contacts, surveys) -> None:
    """Register the frames and materialise the recontact flags once (as Pilote caches them)."""
    con.register("contacts_df", contacts)
    con.register("surveys_df", surveys)
    duckdb_flags(con)


def duckdb_flags(con) -> None:
    """The recontact flags table ``cf`` from ``contacts_df`` (a registered frame or a table)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE cf AS
        WITH base AS (
          SELECT *, max(started_at) OVER () AS last_ts,
            lead(started_at) OVER (PARTITION BY customer_id, motif ORDER BY started_at, _row)
              AS next_ts
          FROM contacts_df
        )
        SELECT * EXCLUDE (next_ts),
          customer_id IS NOT NULL AND started_at IS NOT NULL
            AND started_at + INTERVAL 7 DAY <= last_ts AS eligible,
          coalesce(customer_id IS NOT NULL AND motif IS NOT NULL
            AND next_ts - started_at <= INTERVAL 7 DAY, false) AS followed
        FROM base
        """
    )
    last = con.execute("SELECT max(started_at) FROM cf").fetchone()[0]
    con.execute(f"SET VARIABLE last_ts = TIMESTAMP '{last}'")


def duckdb_suite(con, grouping: dict, where: str = "") -> int:
    keys, group, names = _keys_sql(grouping)
    w = f"WHERE {where}" if where else ""
    n = 0
    q = f"SELECT {keys.format(t='started_at')} {CONTACT_AGGS} FROM cf {w} {group}"
    n += len(con.execute(q).fetchall())
    mkeys = keys.format(t="started_at")
    over = f"PARTITION BY {', '.join(names)}" if names else ""
    cond = f"{w} AND motif IS NOT NULL" if w else "WHERE motif IS NOT NULL"
    q = (
        f"SELECT {mkeys} motif, count(*) AS n, sum(count(*)) OVER ({over}) AS total "
        f"FROM cf {cond} GROUP BY {', '.join([*names, 'motif'])}"
    )
    n += len(con.execute(q).fetchall())
    skeys = keys.format(t="answered_at")
    join = ""
    if "niveau" in skeys:
        join = "LEFT JOIN (SELECT contact_id, niveau FROM cf) USING (contact_id)"
    sw = w.replace("canal", "s.canal").replace("provider", "s.provider")
    q = f"SELECT {skeys} {SURVEY_AGGS} FROM surveys_df s {join} {sw} {group}"
    n += len(con.execute(q).fetchall())
    return n


def duckdb_check(con, pilote) -> dict:
    """A few overall figures from DuckDB beside Pilote's (same numerators and denominators)."""
    row = con.execute(f"SELECT {CONTACT_AGGS} FROM cf").fetchdf().iloc[0]
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


# One size --------------------------------------------------------------------------------------


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def run_size(n: int, repeat: int) -> dict:
    import duckdb

    from benchmarks import synthetic
    from kpis import recontact
    from kpis.engine import compute

    contacts = synthetic.contacts(n)
    surveys = synthetic.surveys(contacts)
    tables = {"contacts": contacts, "surveys": surveys}
    data_mb = (contacts.memory_usage(deep=True).sum() + surveys.memory_usage(deep=True).sum()) / 1e6

    def suite():
        recontact.clear_cache()
        for kw in GROUPINGS.values():
            compute(tables, **kw)

    # warm-up on 2,000 rows: loads every KPI's code and lazily built module state, so the peak
    # below is the data's, not the interpreter's
    small = synthetic.contacts(2000)
    small_tables = {"contacts": small, "surveys": synthetic.surveys(small)}
    for kw in GROUPINGS.values():
        compute(small_tables, **kw)
    with PeakRSS() as mem:
        suite()
    tracemalloc.start()  # allocated bytes (NumPy/pandas), a stricter measure than RSS
    suite()
    allocated_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    timings = {"suite": best_of(suite, repeat)}
    for name, kw in GROUPINGS.items():
        timings[name] = best_of(lambda kw=kw: compute(tables, **kw), repeat)  # flags cached
    timings["refilter"] = best_of(lambda: compute(tables, filters=REFILTER), max(repeat, 5))

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    where = " AND ".join(f"{k} = '{v}'" for k, v in REFILTER.items())

    def dsuite():
        duckdb_prepare(con, contacts, surveys)
        for g in GROUPINGS.values():
            duckdb_suite(con, g)

    dsuite()
    d = {"suite": best_of(dsuite, repeat)}
    d["refilter"] = best_of(lambda: duckdb_suite(con, {}, where), max(repeat, 5))
    check = duckdb_check(con, compute(tables, list(duckdb_check_ids())))
    return {
        "n": n,
        "data_mb": round(data_mb, 1),
        "pilote_s": {k: round(v, 3) for k, v in timings.items()},
        "duckdb_s": {k: round(v, 3) for k, v in d.items()},
        "ratio_suite": round(timings["suite"] / d["suite"], 2),
        "ratio_refilter": round(timings["refilter"] / d["refilter"], 2),
        "peak_extra_mb": round(mem.peak - mem.start, 1),
        "peak_ratio": round((data_mb + mem.peak - mem.start) / data_mb, 2),
        "allocated_peak_mb": round(allocated_peak, 1),
        "allocated_ratio": round((data_mb + allocated_peak) / data_mb, 2),
        "same_figures_as_duckdb": check,
        "cores": os.cpu_count(),
    }


def duckdb_check_ids():
    return (
        "answer_rate",
        "service_level",
        "recontact_rate_contacts",
        "recontact_rate",
        "fcr_measured",
        "sla_compliance",
        "agent_days",
    )


def table(results: list[dict]) -> str:
    lines = [
        "| contacts | data MB | Pilote suite s | DuckDB suite s | ratio | Pilote re-filter ms "
        "| DuckDB re-filter ms | ratio | peak extra MB (RSS) | peak ÷ data | allocated peak MB "
        "| allocated ÷ data |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        p, d = r["pilote_s"], r["duckdb_s"]
        lines.append(
            f"| {r['n']:,} | {r['data_mb']} | {p['suite']:.2f} | {d['suite']:.2f} | "
            f"{r['ratio_suite']} | {p['refilter'] * 1000:.0f} | {d['refilter'] * 1000:.0f} | "
            f"{r['ratio_refilter']} | {r['peak_extra_mb']} | {r['peak_ratio']} | "
            f"{r['allocated_peak_mb']} | {r['allocated_ratio']} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    results = results_per_size(
        argv, __doc__, "benchmarks.run", run_size, ",".join(str(s) for s in SIZES), 3
    )
    if results is None:
        return 0
    print(table(results))
    print()
    for r in results:
        print(
            f"{r['n']:,}: per grouping (s) {r['pilote_s']}; same figures as DuckDB: "
            f"{all(r['same_figures_as_duckdb'].values())} {r['same_figures_as_duckdb']}"
        )
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    raise SystemExit(main())
