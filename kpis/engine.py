"""Public entry point of the KPI engine: ``compute`` and ``registry_records``.

``compute(tables, kpi_ids, by, period, filters, params)`` returns one row per KPI × segment with
``value, numerator, denominator, ci_low, ci_high, n, unit, status, low_sample, detail,
population_id, median, median_ci_low, median_ci_high``.

- ``population_id``: what the KPI counts over (``kpis.populations``; ``population_label(id,
  lang)`` gives "appels entrants présentés", ``population_text(n, id, lang)`` "18 662 appels
  entrants présentés"). The median columns are filled for means of durations only.
- Intervals (95 %): rates — Wilson, cluster-robust by customer when the rows carry a
  ``customer_id``; durations — bootstrap-t / Hall's transformation, median by order statistics;
  other means — Student t; NPS — Bonett–Price (see ``kpis.stats``).

- Each table a KPI reads is filtered and segmented once per call (``View``); ratio and mean KPIs
  are group sums over that one segmentation (see ``kpis.segments``).
- Filters: ``{field: value or list}``; a 2-tuple on a time field (``started_at``, ``date``…) is a
  date range applied to each table's own time field. The rows are chosen by
  ``kpis.filters.filter_rows`` (the rules are in its docstring; the pages use the same function).
  A filter or segment field that a KPI's table lacks makes that KPI ``not_computable`` (surveys
  and evaluations borrow the field from contacts through ``contact_id`` when they can).
- Recontact flags are computed once on the whole unfiltered contacts table, then filtered.
- A breakdown (segment fields × periods) of more than ``MAX_SEGMENTS`` segments in a table is
  refused with ``TooManySegments`` (fr/en message naming the fields and the count).
- Rates are in percent, NPS in points, durations in seconds. An empty denominator gives status
  ``no_data`` and no value — never 0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpis import stats
from kpis.definitions import REGISTRY
from kpis.definitions._base import Agg, NotComputable
from kpis.errors import TooManySegments
from kpis.filters import DATE_FILTER_KEYS as DATE_FILTER_KEYS  # re-exported
from kpis.filters import TIME_FIELDS as TIME_FIELDS  # re-exported
from kpis.filters import filter_rows, time_field
from kpis.recontact import recontact_flags
from kpis.registry import KPI, Registry
from kpis.segments import PERIOD_COLUMN, PERIODS, Segmenter

RESULT_COLUMNS = [
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "n",
    "unit",
    "status",
    "low_sample",
    "detail",
    "population_id",
    "median",
    "median_ci_low",
    "median_ci_high",
]
FLOAT_COLUMNS = (
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "n",
    "median",
    "median_ci_low",
    "median_ci_high",
)
STATUSES = ("ok", "not_computable", "no_data", "low_sample")
MAX_SEGMENTS = 50_000  # a finer breakdown is refused (TooManySegments), not computed


# Views -----------------------------------------------------------------------------------------


class View:
    """One table, filtered and segmented for this ``compute`` call, with memoised row masks."""

    def __init__(self, name: str, full: pd.DataFrame, df: pd.DataFrame, mask, seg, note: str):
        self.name, self.full, self.df, self.mask, self.seg = name, full, df, mask, seg
        self.note = note  # e.g. fields borrowed from contacts
        self._memo: dict = {}

    def has(self, field: str) -> bool:
        return field in self.df.columns

    def memo(self, key, fn):
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    def true(self, field: str) -> np.ndarray:
        """Rows where a boolean field is true (missing → False)."""
        return self.memo(("true", field), lambda: _bool(self.df[field])[0])

    def known(self, field: str) -> np.ndarray:
        """Rows where a field is not missing."""
        return self.memo(("known", field), lambda: self.df[field].notna().to_numpy())

    def values(self, field: str) -> np.ndarray:
        """A numeric field as float64 (missing → NaN); datetimes as int64 ns in float."""
        return self.memo(("values", field), lambda: _float(self.df[field]))

    def ones(self) -> np.ndarray:
        return np.ones(len(self.df), dtype=bool)


def _bool(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    if s.dtype != "boolean":
        try:
            s = s.astype("boolean")
        except (TypeError, ValueError):
            s = s.map(
                lambda x: (
                    None
                    if pd.isna(x)
                    else str(x).strip().lower() in {"true", "1", "oui", "yes", "y", "o", "vrai"}
                )
            ).astype("boolean")
    return s.to_numpy(dtype=bool, na_value=False), s.notna().to_numpy()


def _float(s: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        v = s.to_numpy(dtype="datetime64[ns]")
        out = v.view(np.int64).astype("float64")
        out[np.isnat(v)] = np.nan
        return out
    if s.dtype == np.float64:
        return s.to_numpy()  # a view of the column: no copy (never written to)
    if pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype):
        return s.to_numpy(dtype="float64", na_value=np.nan)
    return pd.to_numeric(s.astype("str"), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )


class Env:
    """What a KPI's compute function sees: the tables, the segmentation and the filters."""

    def __init__(self, tables, by, period, filters) -> None:
        self.tables = {k: v for k, v in tables.items() if v is not None}
        self.by = list(by or [])
        self.period = period
        self.filters = dict(filters or {})
        self._views: dict[str, View] = {}
        self._errors: dict[str, tuple[list[str], str]] = {}

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def time_field(self, name: str) -> str:
        return time_field(name)

    def view(self, name: str, needs: Sequence[str] = ()) -> View:
        """The filtered, segmented table; NotComputable when it or a needed field is missing."""
        if name not in self._views and name not in self._errors:
            try:
                self._views[name] = self._make_view(name)
            except NotComputable as e:
                # keep the text only: a stored exception's traceback would hold the frames,
                # hence this Env and its big arrays, in a reference cycle
                self._errors[name] = (e.needs, e.detail)
        if name in self._errors:
            needs, detail = self._errors[name]
            raise NotComputable(needs, detail)
        v = self._views[name]
        missing = [f"{name}.{f}" for f in needs if f not in v.df.columns]
        if missing:
            raise NotComputable(missing)
        return v

    def _make_view(self, name: str) -> View:
        full = self.tables.get(name)
        if full is None:
            raise NotComputable([name], f"needs table {name}")
        tf = self.time_field(name)
        picked = filter_rows(
            full,
            self.filters,
            table=name,
            contacts=self.tables.get("contacts"),
            borrow=[f for f in self.by if f != PERIOD_COLUMN],
        )
        full = picked.frame
        note = ""
        if picked.borrowed:
            note = f"{', '.join(picked.borrowed)} taken from contacts via contact_id"
        missing = [f"{name}.{f}" for f in self.by if f not in full.columns]
        missing += [f"{name}.{f}" for f in picked.missing]
        if self.period is not None and tf not in full.columns:
            missing.append(f"{name}.{tf}")
        if missing:
            raise NotComputable(
                missing,
                f"{name} lacks {', '.join(m.split('.', 1)[1] for m in missing)}"
                " (segment, period or filter field)",
            )
        df = picked.rows
        seg = Segmenter(df, self.by, self.period, tf)
        if seg.ngroups > MAX_SEGMENTS:
            fields = self.by + ([f"{PERIOD_COLUMN} ({self.period})"] if self.period else [])
            raise TooManySegments(fields, seg.ngroups, MAX_SEGMENTS)
        return View(name, full, df, picked.mask, seg, note)

    def recontact(self, p: Mapping) -> pd.DataFrame:
        """Recontact flags of the (filtered) contacts, computed on the whole contacts table."""
        v = self.view("contacts", ("customer_id", "started_at"))
        if p["same_motif"] and "motif" not in v.full.columns:
            raise NotComputable(["contacts.motif"], "needs contacts.motif (or same_motif=false)")
        key = (
            "recontact",
            float(p["window_days"]),
            bool(p["same_motif"]),
            bool(p["exclude_censored"]),
        )

        def make():
            flags = recontact_flags(
                v.full, p["window_days"], p["same_motif"], p["exclude_censored"]
            )
            return flags if v.mask is None else flags[v.mask]

        return v.memo(key, make)


# Parameters -------------------------------------------------------------------------------------


def _dict_text(text: str) -> dict:
    """'email:1,default:24' → {'email': 1.0, 'default': 24.0} (decimal comma after ':' ok)."""
    out: dict[str, Any] = {}
    for part in text.split(";" if ";" in text else ","):
        k, _, v = part.partition(":")
        v = v.strip()
        try:
            out[k.strip()] = float(v.replace(",", ".")) if v else None
        except ValueError:
            out[k.strip()] = v
    return out


def coerce_param(value: Any, default: Any) -> Any:
    """Turn a command-line string into the type of the default (bool, number, list, dict).

    JSON (``{…}``/``[…]``) is accepted everywhere; ``a:1,b:2`` gives a dict (e.g. per-canal
    SLA hours on a numeric parameter).
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith(("{", "[")):
        return json.loads(text)
    if isinstance(default, bool):
        low = text.lower()
        if low in {"true", "1", "yes", "oui", "y", "o", "vrai"}:
            return True
        if low in {"false", "0", "no", "non", "n", "faux"}:
            return False
        raise ValueError(f"not a yes/no value: {value!r}")
    if isinstance(default, dict) or (
        isinstance(default, (int, float)) and ":" in text and not text[:1].isdigit()
    ):
        return _dict_text(text)
    if isinstance(default, (int, float)) or default is None:
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            if default is None:
                return text
            raise ValueError(f"not a number: {value!r}") from None
        return int(number) if number.is_integer() and isinstance(default, int) else number
    if isinstance(default, (list, tuple)):
        return [x.strip() for x in text.split(",") if x.strip()]
    return text


def resolve_params(kpi: KPI, params: Mapping | None, registry: Registry = REGISTRY) -> dict:
    """Defaults of the KPI, overridden by global ``{name: value}`` then ``{kpi_id: {...}}``."""
    out = dict(kpi.defaults)
    params = dict(params or {})
    known = registry.param_names()
    for name, value in params.items():
        if name in registry and isinstance(value, Mapping):
            continue
        if name not in known:
            raise ValueError(f"unknown parameter {name!r}; valid: {', '.join(sorted(known))}")
        if name in out:
            out[name] = coerce_param(value, kpi.params[name].default)
    own = params.get(kpi.id)
    if isinstance(own, Mapping):
        for name, value in own.items():
            if name not in kpi.params:
                raise ValueError(
                    f"KPI {kpi.id!r} has no parameter {name!r}; valid: "
                    f"{', '.join(kpi.params) or 'none'}"
                )
            out[name] = coerce_param(value, kpi.params[name].default)
    return out


# Results ---------------------------------------------------------------------------------------


def _duration_intervals(units: tuple, g: int) -> tuple:
    """Mean interval, median and median interval per segment from ``duration_units`` (its
    values are the engine's own copy: reordered in place for the medians)."""
    xs, sizes = units
    return stats.grouped_intervals(xs, sizes, scratch=True)


def _finish(kpi: KPI, agg: Agg, p: Mapping) -> pd.DataFrame:
    keys = agg.keys if agg.keys is not None else pd.DataFrame(index=pd.RangeIndex(len(agg.num)))
    keys = keys.reset_index(drop=True)
    g = len(keys)
    num = np.asarray(agg.num, dtype="float64")
    den = np.full(g, np.nan) if agg.den is None else np.asarray(agg.den, dtype="float64")
    nan = np.full(g, np.nan)
    lo, hi = nan, nan
    med = med_lo = med_hi = nan
    kind = agg.kind
    if kind == "count":
        value, n, reason = num, num, np.full(g, "", dtype=object)
        den = nan
    elif kind == "nps":
        pro, det = np.asarray(agg.pro, dtype="float64"), np.asarray(agg.det, dtype="float64")
        num = pro - det
        value, reason = stats.safe_divide(100.0 * num, den)
        lo, hi = stats.nps_interval(pro, det, den)
        n = den
    else:
        scale = 100.0 if kind in ("ratio", "rate") else 1.0
        value, reason = stats.safe_divide(scale * num, den)
        n = den if agg.n is None else np.asarray(agg.n, dtype="float64")
        if kind == "ratio" and agg.cluster is not None:
            lo, hi = stats.cluster_ratio_interval(num, den, *agg.cluster)
            lo, hi = 100.0 * lo, 100.0 * hi
        elif kind == "ratio":
            lo, hi = stats.wilson_interval(num, den)
            lo, hi = 100.0 * lo, 100.0 * hi
        elif kind == "mean" and agg.duration_stats is not None:
            lo, hi, med, med_lo, med_hi = agg.duration_stats
        elif kind == "mean" and agg.units is not None:
            lo, hi, med, med_lo, med_hi = _duration_intervals(agg.units, g)
        elif kind == "mean":
            lo, hi = stats.t_interval(den, num, agg.sq)
    detail = agg.detail
    details = (
        np.full(g, detail, dtype=object) if isinstance(detail, str) else np.asarray(detail, object)
    )
    empty = reason != ""
    if kind == "count":
        empty = np.zeros(g, dtype=bool)
    status = np.where(empty, "no_data", "ok").astype(object)
    min_n = p.get("min_n")
    low = np.zeros(g, dtype=bool)
    if min_n is not None and kind in ("ratio", "mean", "nps"):
        low = stats.low_sample(n, min_n) & ~empty
        status[low] = "low_sample"
    why = "empty denominator" + (f": {agg.empty}" if agg.empty else "")
    for i in np.flatnonzero(empty):
        details[i] = f"{why}; {details[i]}" if details[i] else why
    out: dict[str, Any] = {"kpi": np.full(g, kpi.id, dtype=object)}
    for col in keys.columns:
        out[col] = keys[col].to_numpy(dtype=object)
    for col, vals in agg.extra.items():
        out[col] = np.asarray(vals, dtype=object)
    out.update(
        value=value,
        numerator=num,
        denominator=den,
        ci_low=lo,
        ci_high=hi,
        n=n,
        unit=np.full(g, kpi.unit, dtype=object),
        status=status,
        low_sample=low,
        detail=details,
        population_id=np.full(g, agg.population or kpi.population, dtype=object),
        median=med,
        median_ci_low=med_lo,
        median_ci_high=med_hi,
    )
    return out


def _not_computable(kpi: KPI, err: NotComputable) -> dict:
    return {
        "kpi": np.array([kpi.id], dtype=object),
        "value": np.array([np.nan]),
        "numerator": np.array([np.nan]),
        "denominator": np.array([np.nan]),
        "ci_low": np.array([np.nan]),
        "ci_high": np.array([np.nan]),
        "n": np.array([np.nan]),
        "unit": np.array([kpi.unit], dtype=object),
        "status": np.array(["not_computable"], dtype=object),
        "low_sample": np.array([False]),
        "detail": np.array([err.detail or "not computable"], dtype=object),
        "population_id": np.array([kpi.population], dtype=object),
        "median": np.array([np.nan]),
        "median_ci_low": np.array([np.nan]),
        "median_ci_high": np.array([np.nan]),
    }


def _assemble(parts: list[dict], key_cols: list[str]) -> pd.DataFrame:
    """One DataFrame from the per-KPI column dicts (keys as objects, period as datetime)."""
    columns = ["kpi", *key_cols, *RESULT_COLUMNS]
    parts = [p for p in parts if len(p["kpi"])]
    if not parts:
        return pd.DataFrame(columns=columns)
    data = {}
    for col in columns:
        chunks = []
        for p in parts:
            if col in p:
                chunks.append(np.asarray(p[col], dtype=object if col in key_cols else None))
            else:
                chunks.append(np.full(len(p["kpi"]), None, dtype=object))
        data[col] = np.concatenate(chunks) if col in key_cols else np.concatenate(chunks)
    out = pd.DataFrame(data)
    if PERIOD_COLUMN in key_cols:
        out[PERIOD_COLUMN] = pd.to_datetime(out[PERIOD_COLUMN]).astype("datetime64[ns]")
    for col in FLOAT_COLUMNS:
        out[col] = out[col].astype("float64")
    out["low_sample"] = out["low_sample"].astype(bool)
    return out


def selection(kpi_ids, by, period, registry: Registry = REGISTRY) -> tuple[list[KPI], list[str]]:
    """The KPIs asked for (all when None; ``UnknownKPI`` for an unknown id) and the segment
    fields as a list; ValueError for an unknown period. Shared by both executors."""
    if kpi_ids is None:
        kpis = list(registry)
    else:
        ids = [kpi_ids] if isinstance(kpi_ids, str) else list(kpi_ids)
        kpis = [registry.get(i) for i in ids]
    by = [by] if isinstance(by, str) else list(by or [])
    if period is not None and period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS} or None, not {period!r}")
    return kpis, by


def compute(
    tables: Mapping[str, pd.DataFrame],
    kpi_ids: str | Sequence[str] | None = None,
    by: str | Sequence[str] | None = None,
    period: str | None = None,
    filters: Mapping[str, Any] | None = None,
    params: Mapping[str, Any] | None = None,
    registry: Registry = REGISTRY,
) -> pd.DataFrame:
    """KPI values, one row per KPI × segment.

    ``kpi_ids``: ids (all registered KPIs when None). ``by``: segment fields. ``period``: None,
    "day", "week" or "month" (column ``period`` = period start). ``filters``: {field: value or
    list}, or {time field: (start, end)}. ``params``: {name: value} for every KPI declaring it,
    and/or {kpi_id: {name: value}}. Unknown ids raise ``UnknownKPI``; unknown params ValueError.
    """
    kpis, by = selection(kpi_ids, by, period, registry)
    if "contacts" not in tables and "periods" in tables:
        # only per-period totals and averages (an ACD report): see kpis/aggregates.py
        from kpis.aggregates import compute_from_periods

        return compute_from_periods(tables["periods"], [k.id for k in kpis], by, period, filters)
    env = Env(tables, by, period, filters)
    parts = []
    extra_cols: list[str] = []
    for kpi in kpis:
        p = resolve_params(kpi, params, registry)
        try:
            if kpi.compute is None:
                raise NotComputable([], "no compute function declared")
            agg = kpi.compute(env, p)
            part = _finish(kpi, agg, p)
            for c in agg.extra:
                if c not in extra_cols and c not in by:
                    extra_cols.append(c)
        except NotComputable as err:
            part = _not_computable(kpi, err)
        parts.append(part)
    key_cols = by + ([PERIOD_COLUMN] if period else []) + extra_cols
    return _assemble(parts, key_cols)


def registry_records(lang: str = "fr", registry: Registry = REGISTRY) -> list[dict]:
    """One JSON-able dict per KPI (for ``pilote kpis`` and the glossary page)."""
    return [k.record(lang) for k in registry]
