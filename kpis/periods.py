"""Period over period: each KPI's change between the last complete period and the one before,
with a 95 % interval and a p-value, a Holm correction over the KPIs tested, and the
mix / performance decomposition of each move of a rate or a mean.

Periods
    The comparison grain is the month (default) or the ISO week (Monday start, as the engine's
    ``period="week"``). The *current* period is the last one the (filtered) data covers entirely —
    its first day and its last day both inside the data's span — and the *previous* period the one
    just before, which must be complete too ("juin 2026 vs mai 2026").

Change of a KPI (current − previous), by how the engine aggregates it
    - Rates (``ratio``; and any KPI in % with an engine interval) and NPS: difference in points
      with the MOVER interval (Newcombe 1998, method 10; Zou & Donner 2008) built from each
      period's own engine interval [l, u] around its value x:
      ``d − √((x₁ − l₁)² + (u₀ − x₀)²)``, ``d + √((u₁ − x₁)² + (x₀ − l₀)²)``. With Wilson
      intervals this *is* Newcombe's hybrid score interval; for KPIs clustered by customer the
      engine's interval already carries the design effect, so the difference does too. For NPS the
      per-period intervals are Bonett–Price adjusted Wald (``kpis.stats.nps_interval``), symmetric
      away from ±100, so MOVER gives ``d ± z·√(v₀ + v₁)`` — Bonett & Price's interval for a
      difference of two independent NPS (no bootstrap needed).
    - Means (durations, scores): Welch. Each period's variance of the mean is recovered from its
      engine interval, ``v = ((u − l) ÷ (2·t₀.₉₇₅,ₙ₋₁))²`` (exact for the Student interval; for
      durations, whose interval is bootstrap-t, the variance of the same width); ``d ± t_ν·√(v₀ +
      v₁)`` with Welch–Satterthwaite ``ν = (v₀ + v₁)² ÷ (v₀²/(n₀ − 1) + v₁²/(n₁ − 1))``.
    - Counts (volume, handled, abandoned, offered): change in % of the ratio c₁/c₀ with the
      Poisson interval ``exp(ln(c₁/c₀) ± z·√(1/c₁ + 1/c₀))`` (periods of unequal length — 30 and
      31 days — are compared as they are). A stock (backlog) is not tested.
    - p-value: two-sided, from the interval (Altman & Bland 2011): ``z = d ÷ se`` with ``se`` the
      half-width on the side of zero ÷ 1.96 (Welch: the t statistic on ν degrees of freedom), so
      p < 0.05 exactly when the interval leaves out 0.
    A KPI with a low sample (engine ``low_sample``) in either period is not tested: its change is
    shown, said to rest on a low sample, and never coloured.

Family of tests
    Holm (``kpis.stats.adjust_pvalues``) over every KPI tested; a KPI "moved" when its adjusted p
    is below 0.05.

Mix / performance decomposition (symmetric shift-share, Kitagawa 1955)
    Over the cells motif × canal × niveau (the fields the contacts table has), cells with fewer
    than ``MIN_CELL`` units in either period pooled in one "autres" cell. With s the share of the
    KPI's denominator (units) in a cell and r the cell's value, the total change
    ``Σ s₁r₁ − Σ s₀r₀`` is split exactly into
    ``mix = Σ (s₁ − s₀)·(r₀ + r₁)/2`` and ``performance = Σ (r₁ − r₀)·(s₀ + s₁)/2`` (the
    interaction is shared in halves, so the two parts sum to the total). A cell empty in one
    period takes the other period's value there (its whole weight is mix). Done only when the
    cells' numerators and denominators add up to the KPI's own (not, e.g., a recontact rate whose
    follow-ups cross cells).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.filters import DATE_FILTER_KEYS, filter_rows, time_field
from kpis.labels import category_label
from kpis.stats import Z95, adjust_pvalues, dist

GRAINS = ("month", "week")
CELL_FIELDS = ("motif", "canal", "niveau")
MIN_CELL = 30
PER_DAY = {"fr": ", par jour", "en": ", per day"}  # a count's change is of its daily rate
ALPHA = 0.05
NOT_TESTED = frozenset({"backlog"})  # a stock at a date, not events of the period
OTHERS = ("autres", "others")
MAX_OTHERS = 0.5  # a cell level whose "autres" holds more of the units is too fine
FIELD_WORDS = {
    "motif": ("motif", "motif"),
    "canal": ("canal", "channel"),
    "niveau": ("niveau", "level"),
}


# ---------------------------------------------------------------- periods


def period_start(ts, grain: str) -> pd.Timestamp:
    """Start of the month, or of the ISO week (Monday), holding ``ts``."""
    ts = pd.Timestamp(ts).normalize()
    if grain == "month":
        return ts.replace(day=1)
    if grain == "week":
        return ts - pd.Timedelta(days=ts.weekday())
    raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")


def next_start(start: pd.Timestamp, grain: str) -> pd.Timestamp:
    return start + (pd.DateOffset(months=1) if grain == "month" else pd.Timedelta(days=7))


def data_span(tables: Mapping, filters: Mapping | None) -> tuple | None:
    """First and last time of the filtered contacts (else survey answers); None without any."""
    contacts = tables.get("contacts")
    for name in ("contacts", "surveys"):
        df = tables.get(name)
        field = time_field(name)
        if not isinstance(df, pd.DataFrame) or field not in df.columns:
            continue
        rows = filter_rows(df, filters, table=name, contacts=contacts)
        t = pd.to_datetime(df[field], errors="coerce")
        if rows.mask is not None:
            t = t[np.asarray(rows.mask, bool)]
        t = t.dropna()
        if len(t):
            return t.min(), t.max()
    return None


def window(span: tuple | None, grain: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """(previous start, current start): the last period whose first and last day lie in
    ``span`` and the one before it, complete too; None when there are not two such periods."""
    if span is None:
        return None
    first, last = pd.Timestamp(span[0]).normalize(), pd.Timestamp(span[1]).normalize()
    cur = period_start(last, grain)
    if next_start(cur, grain) - pd.Timedelta(days=1) > last:  # the last period is partial
        cur = period_start(cur - pd.Timedelta(days=1), grain)
    prev = period_start(cur - pd.Timedelta(days=1), grain)
    return (prev, cur) if prev >= first else None


def period_label(start, grain: str, lang: str) -> str:
    """ "juin 2026" / "sem. du 22 juin 2026" (``kpis.format.date``)."""
    return fmt.date(start, lang, grain)


# ---------------------------------------------------------------- one change


def _p_from_interval(d: float, lo: float, hi: float) -> float:
    """Two-sided p of ``d`` from its 95 % interval: se = half-width on zero's side ÷ z."""
    half = d - lo if d >= 0 else hi - d
    if not half > 0:
        return math.nan
    return float(2 * dist.norm_sf(abs(d) / (half / Z95)))


def mover_change(x0, lo0, hi0, x1, lo1, hi1) -> dict:
    """x₁ − x₀ with the MOVER (Newcombe) interval from each value's own interval, and its p."""
    vals = (x0, lo0, hi0, x1, lo1, hi1)
    if any(v is None or not math.isfinite(v) for v in map(float, vals)):
        return {"diff": float(x1) - float(x0), "low": math.nan, "high": math.nan, "p": math.nan}
    d = x1 - x0
    lo = d - math.sqrt((x1 - lo1) ** 2 + (hi0 - x0) ** 2)
    hi = d + math.sqrt((hi1 - x1) ** 2 + (x0 - lo0) ** 2)
    return {"diff": d, "low": lo, "high": hi, "p": _p_from_interval(d, lo, hi)}


def welch_change(x0, lo0, hi0, n0, x1, lo1, hi1, n1) -> dict:
    """x₁ − x₀ with the Welch interval; each variance of the mean from its t interval."""
    out = {"diff": float(x1) - float(x0), "low": math.nan, "high": math.nan, "p": math.nan}
    if not (n0 >= 2 and n1 >= 2) or any(
        not math.isfinite(float(v)) for v in (x0, lo0, hi0, x1, lo1, hi1)
    ):
        return out
    v0 = ((hi0 - lo0) / (2 * dist.t_ppf(0.975, n0 - 1))) ** 2
    v1 = ((hi1 - lo1) / (2 * dist.t_ppf(0.975, n1 - 1))) ** 2
    se = math.sqrt(v0 + v1)
    if not se > 0:
        return out
    df = (v0 + v1) ** 2 / (v0**2 / (n0 - 1) + v1**2 / (n1 - 1))
    q = float(dist.t_ppf(0.975, df))
    d = out["diff"]
    out.update(low=d - q * se, high=d + q * se, p=float(2 * dist.t_sf(abs(d) / se, df)))
    return out


def count_change(c0, c1, days0: float = 1.0, days1: float = 1.0, phi: float = 1.0) -> dict:
    """Change of a count's daily rate in %: ``100·((c₁/D₁) ÷ (c₀/D₀) − 1)`` (D = days in the
    period, so 30 and 31 days compare fairly), with the quasi-Poisson interval of the ratio
    ``exp(ln r ± z·√(φ·(1/c₀ + 1/c₁)))``; ``φ ≥ 1`` is the dispersion of the daily counts
    (``dispersion``): contact counts vary from day to day far more than a Poisson count does, and
    a plain Poisson test would call every month's change significant."""
    if not (c0 > 0 and c1 > 0):
        d = math.nan if not c0 > 0 else 100 * ((c1 / days1) / (c0 / days0) - 1)
        return {"diff": d, "low": math.nan, "high": math.nan, "p": math.nan}
    ratio = (c1 / days1) / (c0 / days0)
    se = math.sqrt(max(phi, 1.0) * (1 / c0 + 1 / c1))
    return {
        "diff": 100 * (ratio - 1),
        "low": 100 * (ratio * math.exp(-Z95 * se) - 1),
        "high": 100 * (ratio * math.exp(Z95 * se) - 1),
        "p": float(2 * dist.norm_sf(abs(math.log(ratio)) / se)),
    }


def dispersion(daily0, daily1) -> float:
    """Quasi-Poisson dispersion of daily counts over two periods, each around its own mean:
    ``φ = Σ (c_d − m_p)² / m_p ÷ (D₀ + D₁ − 2)`` (Pearson χ² over its degrees of freedom), at
    least 1. Days without a contact count as 0."""
    chi2, dof = 0.0, -2
    for daily in (daily0, daily1):
        c = np.asarray(daily, float)
        c = c[np.isfinite(c)]
        if len(c) < 2 or c.mean() <= 0:
            return 1.0
        chi2 += float(((c - c.mean()) ** 2).sum() / c.mean())
        dof += len(c)
    return max(1.0, chi2 / dof) if dof > 0 else 1.0


def method_of(kpi) -> str:
    """ "poisson", "welch", "mover" or "" (difference only) for a registry KPI."""
    if kpi.id in NOT_TESTED:
        return ""
    if kpi.aggregation == "count":
        return "poisson"
    if kpi.aggregation == "mean":
        return "welch"
    if kpi.aggregation in ("ratio", "nps") or kpi.unit == "%":
        return "mover"
    return ""


def change(method: str, r0: Mapping, r1: Mapping, days=(1.0, 1.0), phi: float = 1.0) -> dict:
    """The change from the previous period's engine row ``r0`` to the current one ``r1`` (a
    count: per day, ``days`` long periods, daily dispersion ``phi``)."""
    if method == "poisson":
        return count_change(float(r0["value"]), float(r1["value"]), *days, phi=phi)
    args = [float(r[c]) for r in (r0, r1) for c in ("value", "ci_low", "ci_high")]
    if method == "welch":
        x0, lo0, hi0, x1, lo1, hi1 = args
        return welch_change(x0, lo0, hi0, float(r0["n"]), x1, lo1, hi1, float(r1["n"]))
    if method == "mover":
        return mover_change(*args)
    d = float(r1["value"]) - float(r0["value"])
    return {"diff": d, "low": math.nan, "high": math.nan, "p": math.nan}


def holm_family(p, tested) -> np.ndarray:
    """Holm-adjusted p over the entries where ``tested`` (NaN elsewhere)."""
    p = np.asarray(p, float)
    out = np.full(p.shape, np.nan)
    keep = np.asarray(tested, bool) & np.isfinite(p)
    if keep.any():
        out[keep] = adjust_pvalues(p[keep], "holm")
    return out


# ---------------------------------------------------------------- decomposition


def pooled_cells(cells: pd.DataFrame, keys: list[str], lang: str, min_n: int = MIN_CELL):
    """One row per cell (label, num0, den0, num1, den1) from the engine rows of one KPI with a
    ``when`` column (0 previous, 1 current); cells under ``min_n`` units in either period pooled
    in one "autres" cell."""
    label = None
    for k in keys:
        words = cells[k].astype(object).map(lambda v, k=k: category_label(k, v, lang))
        part = words.where(cells[k].notna(), fmt.MISSING).astype(str)  # channel codes in words
        label = part if label is None else label + " · " + part
    sums = cells.groupby([label.rename("cell"), cells["when"].rename("when")], sort=True)
    wide = sums[["numerator", "denominator"]].sum().unstack("when", fill_value=0.0)

    def col(name: str, when: int) -> np.ndarray:
        key = (name, when)
        return wide[key].to_numpy(float) if key in wide.columns else np.zeros(len(wide))

    out = pd.DataFrame(
        {
            "cell": wide.index.astype(str),
            "num0": col("numerator", 0),
            "den0": col("denominator", 0),
            "num1": col("numerator", 1),
            "den1": col("denominator", 1),
        }
    )
    small = (out["den0"] < min_n) | (out["den1"] < min_n)
    if small.sum() > 1:
        other = out[small].drop(columns="cell").sum().to_dict()
        other["cell"] = OTHERS[0 if lang == "fr" else 1]
        out = pd.concat([out[~small], pd.DataFrame([other])], ignore_index=True)
    return out[(out["den0"] > 0) | (out["den1"] > 0)].reset_index(drop=True)


def fine_enough(cells: pd.DataFrame, keys: list[str], lang: str):
    """The finest level of ``keys`` (all, then the first two, then the first) whose pooled
    cells are at least two and whose "autres" cell holds at most ``MAX_OTHERS`` of the units in
    each period: ``(fields, pooled cells)``; None when no level qualifies."""
    other = OTHERS[0 if lang == "fr" else 1]
    for k in range(len(keys), 0, -1):
        pooled = pooled_cells(cells, keys[:k], lang)
        if len(pooled) < 2:
            continue
        rest = pooled[pooled["cell"] == other]
        shares = [rest[c].sum() / pooled[c].sum() for c in ("den0", "den1")]
        if max(shares) <= MAX_OTHERS:
            return keys[:k], pooled
    return None


def decompose(cells: pd.DataFrame, scale: float) -> tuple[dict, pd.DataFrame]:
    """``shift_share`` of the pooled cells: (total, mix, performance) and the per-cell table."""
    from kpis.stats.decomposition import parts, shift_share

    table = shift_share(cells["num0"], cells["den0"], cells["num1"], cells["den1"], scale)
    table.insert(0, "cell", cells["cell"].to_numpy())
    return parts(table), table


def _adds_up(cells: pd.DataFrame, totals: Mapping) -> bool:
    """The cells' numerators and denominators add up to the KPI's own in both periods."""
    for when, row in totals.items():
        part = cells[cells["when"] == when]
        for col in ("numerator", "denominator"):
            want = float(row[col])
            got = float(part[col].sum())
            if not math.isfinite(want) or abs(got - want) > 1e-6 * max(1.0, abs(want)):
                return False
    return True


def scale_of(row: Mapping) -> float | None:
    """100 when the value is 100·num/den (rates, NPS), 1 when num/den (means); else None."""
    num, den, value = float(row["numerator"]), float(row["denominator"]), float(row["value"])
    if not (den > 0 and math.isfinite(value) and math.isfinite(num)):
        return None
    for scale in (100.0, 1.0):
        if math.isclose(value, scale * num / den, rel_tol=1e-9, abs_tol=1e-9):
            return scale
    return None


# ---------------------------------------------------------------- words


def amount(x: float, unit: str, lang: str) -> str:
    """An unsigned amount of change: "3,2 pts", "1 min 5 s" (``kpis.format.diff`` unsigned)."""
    return fmt.diff(abs(x), unit, lang).lstrip("+")


def signed_change(d: float, unit: str, lang: str) -> str:
    """ "−3,2 pts" (rates, NPS), "+12 s" (durations); ``unit`` "change%" (the change of a count
    in % of the previous count): "+4,1 %"."""
    if unit in ("change%", "s"):
        text = fmt.percent(abs(d), lang) if unit == "change%" else fmt.duration(abs(d), lang)
        zero = text in (fmt.percent(0, lang), fmt.duration(0, lang))
        return ("" if zero else ("+" if d > 0 else fmt.MINUS)) + text
    return fmt.diff(d, unit, lang)


def bounds_text(lo: float, hi: float, unit: str, lang: str) -> str:
    """ "IC 95 % [−5,1 ; −1,3]" (points bare; durations and % of counts with their unit)."""
    if fmt.is_missing(lo) or fmt.is_missing(hi):
        return ""
    if unit in ("%", "points"):  # points, bare: [−5,1 ; +1,3]
        a, b = (fmt.diff(x, unit, lang).rsplit(" ", 1)[0] for x in (lo, hi))
    else:
        a, b = signed_change(lo, unit, lang), signed_change(hi, unit, lang)
    sep = " ; " if lang == "fr" else ", "
    return ("IC 95 %\u00a0" if lang == "fr" else "95% CI ") + f"[{a}{sep}{b}]"


def change_text(d: float, lo: float, hi: float, unit: str, previous: str, lang: str) -> str:
    """ "−3,2 pts vs mai 2026 (IC 95 % [−5,1 ; −1,3])"."""
    if fmt.is_missing(d):
        return ""
    ci = bounds_text(lo, hi, unit, lang)
    return f"{signed_change(d, unit, lang)} vs {previous}" + (f" ({ci})" if ci else "")


def cells_name(fields, lang: str) -> str:
    """ "motif × canal × niveau" / "motif × channel × level"."""
    return " × ".join(FIELD_WORDS[f][0 if lang == "fr" else 1] for f in fields)


def decomposition_sentence(name, unit, dec, top, when: str, lang: str, fields=CELL_FIELDS) -> str:
    """ "FCR : baisse de 3,2 pts (juin 2026 vs mai 2026), dont −2,5 pts de mix et −0,7 pt de
    performance dans chaque cellule ; surtout la hausse de la part de Réclamation (+8,0 pts de
    part)."""
    total, mix, perf = dec["total"], dec["mix"], dec["performance"]
    fr = lang == "fr"
    if round(total, 6) == 0:
        return f"{name} : " + ("stable" if fr else "unchanged") + f" ({when})."
    move = ("hausse" if total > 0 else "baisse") if fr else ("rise" if total > 0 else "fall")
    m, p = signed_change(mix, unit, lang), signed_change(perf, unit, lang)
    if fr:
        text = (
            f"{name} : {move} de {amount(total, unit, lang)} ({when}), dont {m} de mix "
            f"(poids des cellules {cells_name(fields, lang)}) et {p} de performance dans chaque "
            "cellule"
        )
    else:
        text = (
            f"{name}: {move} of {amount(total, unit, lang)} ({when}), of which {m} from the mix "
            f"(weights of the {cells_name(fields, lang)} cells) and {p} from performance within "
            "each cell"
        )
    if top is None:
        return text + "."
    cell = f"« {top['cell']} »" if fr else f"'{top['cell']}'"
    if abs(mix) >= abs(perf):
        ds = 100 * (top["s1"] - top["s0"])
        up = ds > 0
        what = (
            f"la {'hausse' if up else 'baisse'} de la part de {cell}"
            if fr
            else f"the {'rise' if up else 'fall'} in the share of {cell}"
        )
        by = fmt.diff(ds, "%", lang) + (" de part" if fr else " of share")
    else:
        dr = top["r1"] - top["r0"]
        up = dr > 0
        what = (
            f"la {'hausse' if up else 'baisse'} sur {cell}"
            if fr
            else f"the {'rise' if up else 'fall'} within {cell}"
        )
        by = signed_change(dr, unit, lang)
    return text + (" ; surtout " if fr else "; mostly ") + f"{what} ({by})."


def top_cell(cells: pd.DataFrame, dec: dict):
    """The cell contributing most to the larger part (mix or performance), in its direction."""
    part = "mix" if abs(dec["mix"]) >= abs(dec["performance"]) else "performance"
    if not len(cells) or dec[part] == 0:
        return None
    signed = cells[part] * np.sign(dec[part])
    return cells.loc[signed.idxmax()]


# ---------------------------------------------------------------- the whole comparison


def _two_periods(filters: Mapping | None, prev, cur, grain) -> dict:
    """The filters with their date range replaced by the two periods (whole days)."""
    f = {
        k: v
        for k, v in dict(filters or {}).items()
        if not (k in DATE_FILTER_KEYS and isinstance(v, (tuple, list)) and len(v) == 2)
    }
    f["date"] = (prev, next_start(cur, grain) - pd.Timedelta(days=1))
    return f


def cell_fields(tables: Mapping) -> list[str]:
    """The fields of motif × canal × niveau the contacts table has (with a value)."""
    df = tables.get("contacts")
    if not isinstance(df, pd.DataFrame):
        return []
    return [f for f in CELL_FIELDS if f in df.columns and df[f].notna().any()]


def compare_periods(tables: Mapping, ids, settings: Mapping, grain: str = "month") -> dict:
    """Every KPI of ``ids`` in the current vs the previous complete period: ``{"previous",
    "current"`` (period starts or None), ``"grain"``, ``"table"`` (one row per KPI: values, n,
    change, interval, p, Holm p, moved, mix, performance, texts), ``"cells"`` (the decomposition
    cells of each KPI), ``"tested"`` (how many KPIs in the Holm family)}."""
    from kpis.definitions import REGISTRY
    from kpis.populations import population_text
    from kpis.views.base import compute, kpi_name

    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")
    lang = "en" if settings.get("lang") == "en" else "fr"
    out = {"grain": grain, "previous": None, "current": None, "tested": 0}
    out["table"], out["cells"] = pd.DataFrame(), pd.DataFrame()
    win = window(data_span(tables, settings.get("filters")), grain)
    ids = [k for k in ids if k in REGISTRY]
    if win is None or not ids:
        return out
    prev, cur = win
    out["previous"], out["current"] = prev, cur
    f = _two_periods(settings.get("filters"), prev, cur, grain)
    res = compute(tables, ids, settings, period=grain, filters=f)
    res = res[res["period"].isin([prev, cur]) & (res["status"] != "not_computable")]
    p_label, c_label = period_label(prev, grain, lang), period_label(cur, grain, lang)
    when = f"{c_label} vs {p_label}"
    days = ((cur - prev).days, (next_start(cur, grain) - cur).days)
    daily = _daily(tables, ids, settings, f, prev, cur, next_start(cur, grain))
    rows, totals = [], {}
    for kpi_id in ids:
        part = res[res["kpi"] == kpi_id].set_index("period")
        if prev not in part.index or cur not in part.index:
            continue
        kpi = REGISTRY.get(kpi_id)
        r0, r1 = part.loc[prev], part.loc[cur]
        if isinstance(r0, pd.DataFrame) or isinstance(r1, pd.DataFrame):
            continue  # a breakdown KPI: several rows per period
        if fmt.is_missing(r0["value"]) or fmt.is_missing(r1["value"]):
            continue
        method = method_of(kpi)
        phi = dispersion(*daily[kpi_id]) if kpi_id in daily else 1.0
        ch = change(method, r0, r1, days, phi)
        low = bool(r0["status"] == "low_sample" or r1["status"] == "low_sample")
        pct = method == "poisson"
        unit = "change%" if pct else kpi.unit
        rows.append(
            {
                "kpi": kpi_id,
                "indicateur": kpi_name(kpi_id, lang),
                "unit": kpi.unit,
                "previous_period": p_label,
                "current_period": c_label,
                "previous_value": float(r0["value"]),
                "current_value": float(r1["value"]),
                "n_previous": float(r0["n"]),
                "n_current": float(r1["n"]),
                "population": population_text(r1["n"], r1["population_id"], lang),
                # in the KPI's unit (a count: c₁ − c₀, its interval is on the ratio, in %)
                "diff": float(r1["value"]) - float(r0["value"]) if pct else ch["diff"],
                "diff_low": math.nan if pct else ch["low"],
                "diff_high": math.nan if pct else ch["high"],
                "change_pct": ch["diff"] if pct else math.nan,
                "change_pct_low": ch["low"] if pct else math.nan,
                "change_pct_high": ch["high"] if pct else math.nan,
                "p": ch["p"],
                "low_sample": low,
                "tested": bool(method and not low and math.isfinite(ch["p"])),
                "change_text": change_text(
                    ch["diff"],
                    ch["low"],
                    ch["high"],
                    unit,
                    p_label + (PER_DAY[lang] if pct else ""),
                    lang,
                ),
                "dispersion": phi if pct else math.nan,
            }
        )
        if kpi.aggregation != "count":
            totals[kpi_id] = {0: r0, 1: r1}
    if not rows:
        return out
    table = pd.DataFrame(rows)
    table["p_holm"] = holm_family(table["p"], table["tested"])
    table["moved"] = table["p_holm"] < ALPHA
    out["tested"] = int(table["tested"].sum())
    table["mix"], table["performance"], table["sentence"] = math.nan, math.nan, ""
    out["cells"] = _decompositions(tables, settings, f, grain, prev, cur, totals, table, when)
    out["table"] = table
    return out


def _daily(tables, ids, settings, f, prev, cur, end) -> dict:
    """Each count KPI's daily values in the previous ``[prev, cur)`` and the current ``[cur,
    end)`` period (days without a contact count 0), for its dispersion: ``{kpi: (a0, a1)}``."""
    from kpis.definitions import REGISTRY
    from kpis.views.base import compute

    counts = [k for k in ids if method_of(REGISTRY.get(k)) == "poisson"]
    if not counts:
        return {}
    res = compute(tables, counts, settings, period="day", filters=f)
    res = res[res["status"] != "not_computable"]
    days = pd.date_range(prev, end - pd.Timedelta(days=1), freq="D")
    out = {}
    for kpi_id in counts:
        part = res[res["kpi"] == kpi_id]
        if part["period"].duplicated().any():
            continue  # a breakdown count: several rows a day
        values = part.set_index("period")["value"].reindex(days).fillna(0).to_numpy(float)
        split = int((days < cur).sum())
        out[kpi_id] = values[:split], values[split:]
    return out


def _decompositions(tables, settings, f, grain, prev, cur, totals, table, when) -> pd.DataFrame:
    """Fill ``table``'s mix, performance and sentence; return every KPI's cells."""
    from kpis.views.base import compute

    lang = "en" if settings.get("lang") == "en" else "fr"
    keys = cell_fields(tables)
    if not keys or not totals:
        return pd.DataFrame()
    from kpis.errors import TooManySegments

    try:
        res = compute(tables, list(totals), settings, by=keys, period=grain, filters=f)
    except TooManySegments:  # a motif × canal × niveau too fine to list: no decomposition
        return pd.DataFrame()
    res = res[res["period"].isin([prev, cur]) & (res["status"] != "not_computable")]
    res = res.assign(when=np.where(res["period"] == cur, 1, 0))
    by_kpi = dict(tuple(res.groupby("kpi", sort=False)))
    all_cells = []
    for i, row in table.iterrows():
        kpi_id = row["kpi"]
        if kpi_id not in totals:
            continue
        scales = {scale_of(r) for r in totals[kpi_id].values()}
        cells = by_kpi.get(kpi_id, res.iloc[:0])
        if len(scales) != 1 or None in scales or not _adds_up(cells, totals[kpi_id]):
            continue
        chosen = fine_enough(cells, keys, lang)
        if chosen is None:
            continue
        used, pooled = chosen
        dec, per_cell = decompose(pooled, scales.pop())
        top = top_cell(per_cell, dec)
        table.loc[i, ["mix", "performance"]] = dec["mix"], dec["performance"]
        table.loc[i, "sentence"] = decomposition_sentence(
            row["indicateur"], row["unit"], dec, top, when, lang, used
        )
        level = cells_name(used, lang)
        all_cells.append(per_cell.assign(kpi=kpi_id, indicateur=row["indicateur"], level=level))
    return pd.concat(all_cells, ignore_index=True) if all_cells else pd.DataFrame()
