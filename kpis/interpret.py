"""Interpretation rules: how to read KPIs together (KPI_REFERENCE.md §7 and rules of our own).

Each ``Rule`` is one declared object: id, titles, ``seed_rule`` (its number in §7, or None), the
seed it comes from, what it checks, the statistical test and its thresholds (``Param`` defaults,
overridable from the settings), severity, the action it proposes, the caution it must state and
its documented false-alarm rate. Its ``check`` function is kept apart from the declaration.

``run_rules(tables, params, settings, filters=...)`` returns ``Finding`` objects. It takes the
**whole** tables and the global filters (``kpis.filters.filter_rows`` rules): KPIs go through
``kpis.engine.compute(..., filters=...)`` and recontact flags are computed on every contact, then
filtered, so a rule's figures equal the dashboard's under the same filters.

- ``kind="finding"``: the evidence holds statistically (intervals that exclude the target, a slope
  whose interval excludes 0, a chi-square heterogeneity test, a correlation with its Fisher-z
  interval, a paired McNemar comparison, a before/after difference-in-differences) *and* the
  effect is at least the rule's materiality threshold. Many segments → Holm adjustment.
- ``kind="insufficient_data"`` (severity ``info``): the rule cannot decide; the text lists the
  data that would let it decide. A rule that can decide and sees nothing returns nothing.

Settings (all optional): ``alpha`` (0.05), ``targets`` ({kpi_id: value}, over the registry's
default targets), any threshold name (applies to every rule declaring it), ``{rule_id: {name:
value}}`` for one rule, ``events`` ([{"date", "motif", "label"}] for rule 13), ``rules`` (ids to
run). Engine ``params`` (window_days, opening_hours, avoidable_motifs…) go to ``kpis.engine``.

Wording is French first and cautious: a finding is a lead for an audit, not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable, in_values
from kpis.filters import FilteredRows, filter_rows
from kpis.registry import Param
from kpis.stats import (
    chi2_heterogeneity,
    holm,
    mean_ci,
    paired_gap,
    partial_corr,
    score_test,
    two_proportions,
    wilson,
    wls_slope,
)

SEVERITIES = ("alert", "warning", "info")
KINDS = ("finding", "insufficient_data")
Z = 1.959963984540054
SEEDS = {
    "000": "seeds/000 — Call of Success, « 7 indicateurs pour mesurer la qualité de votre "
    "service client »",
    "001": "seeds/001 — ServiceNow, « Que sont les mesures de service client ? »",
    "002": "seeds/002 — la-relation-client.com, « Quels KPI utiliser pour votre Relation "
    "Client ? »",
    "003": "seeds/003 — Call of Success, indicateurs qualité du service client (taux de rappel, "
    "DMT, attente, contacts évitables, transferts, NPS)",
    "004": "seeds/004 — « 3 indicateurs qualité à prendre en compte avant d'externaliser »",
}
FR_DAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
EN_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True)
class Rule:
    """One interpretation rule, self-describing; ``check`` computes it (see module docstring)."""

    id: str
    seed_rule: int | None
    seed: str
    title_fr: str
    title_en: str
    checks_fr: str
    checks_en: str
    kpis: tuple[str, ...]
    segments: tuple[str, ...]
    period: str | None
    test: str
    thresholds: Mapping[str, Param]
    severity: str
    action_fr: str
    action_en: str
    caution_fr: str
    caution_en: str
    needs: tuple[str, ...]
    false_alarm: float
    false_alarm_note: str
    chart: str
    check: Callable | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id!r}: severity {self.severity!r} not in {SEVERITIES}")

    def title(self, lang: str = "fr") -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def record(self, lang: str = "fr") -> dict:
        """JSON-able description (for a glossary of rules and the CLI)."""
        return {
            "id": self.id,
            "seed_rule": self.seed_rule,
            "seed": self.seed,
            "title": self.title(lang),
            "checks": self.checks_fr if lang == "fr" else self.checks_en,
            "kpis": list(self.kpis),
            "segments": list(self.segments),
            "period": self.period,
            "test": self.test,
            "thresholds": {
                k: {"default": p.default, "description": p.description(lang)}
                for k, p in self.thresholds.items()
            },
            "severity": self.severity,
            "action": self.action_fr if lang == "fr" else self.action_en,
            "caution": self.caution_fr if lang == "fr" else self.caution_en,
            "needs": list(self.needs),
            "false_alarm": self.false_alarm,
            "false_alarm_note": self.false_alarm_note,
            "chart": self.chart,
        }


@dataclass
class Finding:
    """What a rule saw: text with the numbers, the evidence (test, thresholds, values) and the
    table and chart spec behind it. ``kind`` is "finding" or "insufficient_data"."""

    rule: str
    seed_rule: int | None
    severity: str
    kind: str
    segment: dict
    text_fr: str
    text_en: str
    evidence: dict
    table: pd.DataFrame | None = None
    chart: dict | None = None

    def text(self, lang: str = "fr") -> str:
        return self.text_fr if lang == "fr" else self.text_en

    @property
    def is_finding(self) -> bool:
        return self.kind == "finding"


class Undecidable(Exception):
    """The rule cannot decide: ``needs_fr``/``needs_en`` say which data would let it decide."""

    def __init__(self, needs_fr: str, needs_en: str, missing: Sequence[str] = ()) -> None:
        self.needs_fr, self.needs_en, self.missing = needs_fr, needs_en, list(missing)
        super().__init__(needs_en)


# ---------------------------------------------------------------- formatting


def _num(x: float, lang: str, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    s = f"{x:,.{digits}f}"
    if lang == "fr":
        s = s.replace(",", "\u202f").replace(".", ",")
    return s


def _pct(x: float, lang: str, digits: int = 1) -> str:
    return _num(x, lang, digits) + (" %" if lang == "fr" else "%")


def _ci(lo: float, hi: float, lang: str, unit: str = "%", digits: int = 1) -> str:
    u = {"%": " %" if lang == "fr" else "%", "s": " s", "pts": " pts"}.get(unit, unit)
    lab = "IC 95 %" if lang == "fr" else "95% CI"
    return f"{lab} {_num(lo, lang, digits)} – {_num(hi, lang, digits)}{u}"


def _p(p: float, lang: str) -> str:
    if p < 0.001:
        return "p < 0,001" if lang == "fr" else "p < 0.001"
    return f"p = {_num(p, lang, 3)}"


def _n(n: float, lang: str) -> str:
    return f"n = {_num(float(n), lang, 0)}"


def _label(v) -> str:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


# ---------------------------------------------------------------- statistics


# ---------------------------------------------------------------- data access


class RuleData:
    """The tables, engine parameters, filters and memoised engine calls shared by every rule.

    ``tables`` are the **whole** tables and ``filters`` the global filters (the engine's
    ``{field: value or list, "date": (start, end)}``): never pass pre-filtered tables. The
    engine calls (``compute``, ``kpi``, ``weekly``) get the filters, so recontact flags are
    computed on every contact (a phone call followed by an e-mail stays "recontacted" under
    canal = telephone); ``table``/``need`` give the rows that pass the filters
    (``kpis.filters.filter_rows``), and ``recontact`` the flags of those rows, computed on the
    whole contacts table. A filter that a table cannot take (field absent, even borrowed through
    ``contact_id``) makes the rules reading that table undecided, as the engine makes its KPIs
    not computable.
    """

    def __init__(
        self,
        tables: Mapping[str, pd.DataFrame],
        params: Mapping | None = None,
        filters: Mapping[str, Any] | None = None,
    ):
        self.tables = {k: v for k, v in tables.items() if isinstance(v, pd.DataFrame)}
        self.params = dict(params or {})
        self.filters = dict(filters or {})
        self._memo: dict = {}
        self._picked: dict[str, FilteredRows] = {}

    def _pick(self, name: str) -> FilteredRows | None:
        """``filter_rows`` of one whole table by the filters (memoised); None when absent."""
        df = self.tables.get(name)
        if df is None:
            return None
        if name not in self._picked:
            self._picked[name] = filter_rows(
                df, self.filters, table=name, contacts=self.tables.get("contacts")
            )
        return self._picked[name]

    def table(self, name: str) -> pd.DataFrame | None:
        """The rows of ``name`` that pass the filters (its own columns; None when absent)."""
        picked = self._pick(name)
        if picked is None:
            return None
        if picked.missing:
            fields = ", ".join(picked.missing)
            raise Undecidable(
                f"le filtre sur {fields} ne s'applique pas à {name} (champ absent)",
                f"the filter on {fields} cannot apply to {name} (field absent)",
                [f"{name}.{f}" for f in picked.missing],
            )
        rows = picked.rows
        return rows.drop(columns=picked.borrowed) if picked.borrowed else rows

    def need(self, table: str, *fields: str) -> pd.DataFrame:
        df = self.table(table)
        missing = [f"{table}.{f}" for f in fields if df is None or f not in df.columns]
        if df is None or missing:
            raise Undecidable(
                "il faut " + ", ".join(missing or [table]),
                "needs " + ", ".join(missing or [table]),
                missing or [table],
            )
        return df

    def param(self, name: str, kpi: str | None = None):
        if name in self.params:
            return self.params[name]
        for k in [REGISTRY.get(kpi)] if kpi else REGISTRY:
            if name in k.params:
                return k.params[name].default
        return None

    def compute(self, kpi_ids, by=None, period=None, filters=None) -> pd.DataFrame:
        """``kpis.engine.compute`` on the whole tables under the data's filters (``filters``
        adds to them, overriding field by field)."""
        from kpis.engine import compute

        filters = {**self.filters, **(filters or {})}
        key = ("compute", tuple(kpi_ids), tuple(by or ()), period, repr(filters))
        if key not in self._memo:
            self._memo[key] = compute(
                self.tables,
                list(kpi_ids),
                by=by,
                period=period,
                filters=filters or None,
                params=self.params or None,
            )
        return self._memo[key]

    def kpi(self, kpi_id: str, by=None, period=None, filters=None) -> pd.DataFrame:
        """One KPI's rows; Undecidable when it is not computable."""
        r = self.compute([kpi_id], by, period, filters)
        if (r["status"] == "not_computable").all():
            detail = str(r["detail"].iloc[0]) if len(r) else ""
            raise Undecidable(
                f"{kpi_id} non calculable : {detail}", f"{kpi_id} not computable: {detail}"
            )
        return r[r["status"] != "not_computable"].reset_index(drop=True)

    def recontact(self) -> pd.DataFrame:
        """Recontact flags of the filtered contacts (rows of ``need("contacts")``), computed on
        the whole contacts table as the engine does: journeys cross channels and providers, and
        the censoring horizon is the last contact of the whole export."""
        if "recontact" not in self._memo:
            from kpis.recontact import recontact_flags

            c = self.need("contacts", "customer_id", "started_at")
            same = bool(self.param("same_motif", "recontact_rate_contacts"))
            if same and "motif" not in c.columns:
                raise Undecidable(
                    "il faut contacts.motif", "needs contacts.motif", ["contacts.motif"]
                )
            flags = recontact_flags(
                self.tables["contacts"],
                float(self.param("window_days", "recontact_rate_contacts")),
                same,
                bool(self.param("exclude_censored", "recontact_rate_contacts")),
            )
            mask = self._pick("contacts").mask
            self._memo["recontact"] = flags if mask is None else flags[mask]
        return self._memo["recontact"]

    def phone(self) -> np.ndarray:
        """Inbound phone contacts (all contacts when the canal/direction fields are absent)."""
        c = self.need("contacts")
        m = np.ones(len(c), dtype=bool)
        if "canal" in c.columns and in_values(c["canal"], ["telephone"]).any():
            m &= in_values(c["canal"], ["telephone"])
        if "direction" in c.columns:
            m &= ~in_values(c["direction"], ["sortant"])
        return m

    def presented(self) -> np.ndarray:
        c = self.need("contacts", "answered")
        if "offered" in c.columns:
            return c["offered"].astype("boolean").to_numpy(dtype=bool, na_value=False)
        return c["answered"].notna().to_numpy()

    def handling_time(self) -> np.ndarray:
        """talk + hold + acw per contact (components present; NaN when all are missing)."""
        if "dmt" not in self._memo:
            c = self.need("contacts", "talk_s")
            cols = [x for x in ("talk_s", "hold_s", "acw_s") if x in c.columns]
            vals = np.stack([pd.to_numeric(c[x], errors="coerce").to_numpy(float) for x in cols])
            known = ~np.isnan(vals).all(axis=0)
            total = np.nansum(vals, axis=0)
            total[~known] = np.nan
            if "answered" in c.columns:
                total[~c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)] = (
                    np.nan
                )
            self._memo["dmt"] = total
        return self._memo["dmt"]

    def weekly(self, kpi_id: str, filters=None) -> pd.DataFrame:
        """Complete weeks of one KPI (partial first/last weeks of the filtered contacts' time
        span and weeks whose sample is under half the median — e.g. censored recontact
        windows — are left out)."""
        r = self.kpi(kpi_id, period="week", filters=filters)
        r = r[r["period"].notna() & r["value"].notna()].sort_values("period")
        c = self.table("contacts")
        if c is not None and "started_at" in c.columns and len(r):
            lo, hi = c["started_at"].min().normalize(), c["started_at"].max().normalize()
            r = r[
                (r["period"] >= lo)
                & (r["period"] + pd.Timedelta(days=7) <= hi + pd.Timedelta(days=1))
            ]
        if len(r):
            r = r[r["n"] >= 0.5 * r["n"].median()]
        return r.reset_index(drop=True)


def _cfg(rule: Rule, settings: Mapping) -> dict:
    """A rule's thresholds: defaults, then global settings, then ``settings[rule.id]``."""
    out = {k: p.default for k, p in rule.thresholds.items()}
    for k in out:
        if k in settings and not isinstance(settings[k], Mapping):
            out[k] = settings[k]
    own = settings.get(rule.id)
    if isinstance(own, Mapping):
        for k, v in own.items():
            if k not in out:
                raise ValueError(f"rule {rule.id!r} has no threshold {k!r}; valid: {list(out)}")
            out[k] = v
    out["alpha"] = float(settings.get("alpha", 0.05))
    return out


def target(settings: Mapping, kpi_id: str) -> float:
    t = (settings.get("targets") or {}).get(kpi_id)
    return float(t) if t is not None else float(REGISTRY.get(kpi_id).default_target)


# ---------------------------------------------------------------- finding builder


def _finding(
    rule,
    data_ctx,
    segment,
    obs,
    lead_fr=None,
    lead_en=None,
    evidence=None,
    table=None,
    chart=None,
    severity=None,
) -> Finding:
    """Assemble the sentence: what was seen (with numbers), the lead, the action, the caution."""
    obs_fr, obs_en = obs
    text_fr = (
        f"{obs_fr} Piste d'audit, pas un verdict : {lead_fr or rule.title_fr}. "
        f"Action proposée : {rule.action_fr} Prudence : {rule.caution_fr}"
    )
    text_en = (
        f"{obs_en} A lead for an audit, not a verdict: {lead_en or rule.title_en}. "
        f"Suggested action: {rule.action_en} Caution: {rule.caution_en}"
    )
    ev = {
        "test": rule.test,
        "thresholds": data_ctx,
        **(evidence or {}),
    }
    if table is not None:
        ev["table"] = _records(table)
    return Finding(
        rule.id,
        rule.seed_rule,
        severity or rule.severity,
        "finding",
        dict(segment),
        text_fr,
        text_en,
        ev,
        table,
        {"type": rule.chart, **(chart or {})},
    )


def _records(df: pd.DataFrame, limit: int = 60) -> list[dict]:
    out = []
    for rec in df.head(limit).to_dict("records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, pd.Timestamp):
                v = v.isoformat()
            elif isinstance(v, (np.floating, float)):
                v = None if not math.isfinite(float(v)) else round(float(v), 4)
            elif isinstance(v, np.integer):
                v = int(v)
            elif isinstance(v, np.bool_):
                v = bool(v)
            elif v is pd.NA or v is None:
                v = None
            elif not isinstance(v, (int, str, bool, list, dict)):
                v = str(v)
            row[str(k)] = v
        out.append(row)
    return out


def _insufficient(rule: Rule, err: Undecidable) -> Finding:
    fr = f"« {rule.title_fr} » : impossible de trancher avec ces données — {err.needs_fr}."
    en = f"'{rule.title_en}': cannot decide with this data — {err.needs_en}."
    return Finding(
        rule.id,
        rule.seed_rule,
        "info",
        "insufficient_data",
        {},
        fr,
        en,
        {
            "test": rule.test,
            "needs": err.missing or list(rule.needs),
            "why_fr": err.needs_fr,
            "why_en": err.needs_en,
        },
    )


def _min_n(n, cfg, what_fr, what_en):
    if n < cfg.get("min_n", 30):
        raise Undecidable(
            f"{what_fr} : n = {int(n)} < {cfg.get('min_n', 30)} (il faut plus de données)",
            f"{what_en}: n = {int(n)} < {cfg.get('min_n', 30)} (more data needed)",
        )


MIN_N = Param(30, "Minimum sample size to decide.", "Taille minimale d'échantillon pour trancher.")
MIN_WEEKS = Param(
    8,
    "Minimum number of complete weeks for a trend.",
    "Nombre minimal de semaines complètes pour une tendance.",
)


# ---------------------------------------------------------------- rule 1


def check_fcr_ok_recontact_rising(rule, d: RuleData, cfg, settings):
    rec = d.weekly("recontact_rate_contacts")
    fcr = d.weekly("fcr")
    weeks = int(cfg["trend_weeks"])
    rec = rec.tail(weeks).reset_index(drop=True)
    if len(rec) < cfg["min_weeks"]:
        raise Undecidable(
            f"{len(rec)} semaines complètes de recontact, il en faut {cfg['min_weeks']}",
            f"{len(rec)} complete weeks of recontact, {cfg['min_weeks']} needed",
        )
    x = np.arange(len(rec), dtype=float)
    s = wls_slope(x, rec["value"], rec["n"])
    rise = s["slope"] * (len(rec) - 1)
    fcr_w = fcr[fcr["period"].isin(rec["period"])]
    fk, fn = fcr_w["numerator"].sum(), fcr_w["denominator"].sum()
    _min_n(fn, cfg, "FCR déclaré", "declared FCR")
    fval = 100 * fk / fn
    tgt = target(settings, "fcr")
    fs = (
        wls_slope(np.arange(len(fcr_w), dtype=float), fcr_w["value"], fcr_w["n"])
        if len(fcr_w) >= 3
        else {"ci_low": math.nan, "ci_high": math.nan, "slope": math.nan}
    )
    fcr_good = fval >= tgt or not (fs["ci_high"] < 0)
    fires = s["ci_low"] > 0 and rise >= cfg["min_rise_pts"] and fcr_good
    if not fires:
        return []
    table = pd.DataFrame(
        {
            "period": rec["period"],
            "recontact": rec["value"],
            "ci_low": rec["ci_low"],
            "ci_high": rec["ci_high"],
            "n": rec["n"],
            "fit": s["intercept"] + s["slope"] * x,
        }
    ).merge(fcr_w[["period", "value"]].rename(columns={"value": "fcr"}), on="period", how="left")
    f0, f1 = rec["period"].iloc[0], rec["period"].iloc[-1]
    obs_fr = (
        f"Sur les {len(rec)} dernières semaines ({_label(f0)} → {_label(f1)}), le taux de "
        f"recontact monte de {_num(s['slope'], 'fr', 2)} pt par semaine "
        f"({_ci(s['ci_low'], s['ci_high'], 'fr', 'pts', 2)}, "
        f"{_p(s['p'], 'fr')}), soit +{_num(rise, 'fr')} pts, alors que le FCR déclaré reste "
        f"bon : {_pct(fval, 'fr')} ({_n(fn, 'fr')}, objectif {_pct(tgt, 'fr', 0)})."
    )
    obs_en = (
        f"Over the last {len(rec)} weeks ({_label(f0)} → {_label(f1)}), the recontact rate "
        f"rises by {_num(s['slope'], 'en', 2)} pt per week "
        f"({_ci(s['ci_low'], s['ci_high'], 'en', 'pts', 2)}, "
        f"{_p(s['p'], 'en')}), +{_num(rise, 'en')} pts in all, while declared FCR stays good: "
        f"{_pct(fval, 'en')} ({_n(fn, 'en')}, target {_pct(tgt, 'en', 0)})."
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "les conseillers ferment peut-être trop vite, sans s'assurer que la promesse est tenue "
            "(remboursement lancé, colis renvoyé)",
            "agents may close too fast without making sure the promise is kept (refund launched, "
            "parcel re-sent)",
            {
                "recontact_slope_pts_per_week": s,
                "recontact_rise_pts": rise,
                "fcr": fval,
                "fcr_n": fn,
                "fcr_target": tgt,
                "fcr_slope": fs,
                "weeks": len(rec),
            },
            table,
            {
                "x": "period",
                "y": "recontact",
                "lo": "ci_low",
                "hi": "ci_high",
                "fit": "fit",
                "unit": "%",
            },
        )
    ]


# ---------------------------------------------------------------- rule 2


def check_recontact_by_motif(rule, d: RuleData, cfg, settings):
    d.need("contacts", "motif", "customer_id", "started_at")
    # recontact after an answered contact (100 − measured FCR): call-backs after abandons are
    # a queue matter, read by the wait rules, not a hole in a motif's procedure
    r = d.kpi("fcr_measured", by=["motif"])
    r = r[r["motif"].notna() & (r["denominator"] > 0)].reset_index(drop=True)
    r["numerator"] = r["denominator"] - r["numerator"]
    r["value"] = 100.0 - r["value"]
    r["ci_low"], r["ci_high"] = 100.0 - r["ci_high"], 100.0 - r["ci_low"]
    if len(r) < 2:
        raise Undecidable("il faut au moins deux motifs renseignés", "needs at least two motifs")
    _min_n(r["denominator"].sum(), cfg, "contacts éligibles", "eligible contacts")
    het = chi2_heterogeneity(
        r["numerator"], r["denominator"], r["motif"].astype(str), cfg["min_expected"]
    )
    k_all, n_all = r["numerator"].sum(), r["denominator"].sum()
    rows = []
    for _, row in r.iterrows():
        k, n = row["numerator"], row["denominator"]
        if n < cfg["min_n"] or n_all - n <= 0:
            continue
        tp = two_proportions(k, n, k_all - k, n_all - n)
        rest = 100 * (k_all - k) / (n_all - n)
        rows.append(
            {
                "motif": str(row["motif"]),
                "value": row["value"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "n": n,
                "rest": rest,
                "ratio": row["value"] / rest if rest > 0 else math.inf,
                "p": tp["p_greater"],
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        raise Undecidable(
            f"aucun motif n'atteint {cfg['min_n']} contacts éligibles",
            f"no motif reaches {cfg['min_n']} eligible contacts",
        )
    table["p_holm"] = holm(table["p"])
    table["flag"] = (table["p_holm"] < cfg["alpha"]) & (table["ratio"] >= cfg["min_ratio"])
    table = table.sort_values("value", ascending=False).reset_index(drop=True)
    if not (het["p"] < cfg["alpha"]) or not table["flag"].any():
        return []
    out = []
    overall = 100 * k_all / n_all
    for _, row in table[table["flag"]].iterrows():
        m = row["motif"]
        obs_fr = (
            f"Le recontact varie fortement selon le motif (χ² = {_num(het['chi2'], 'fr')}, "
            f"ddl = {het['df']}, {_p(het['p'], 'fr')}) : « {m} » est à {_pct(row['value'], 'fr')} "
            f"({_ci(row['ci_low'], row['ci_high'], 'fr')}, {_n(row['n'], 'fr')}) contre "
            f"{_pct(row['rest'], 'fr')} pour les autres motifs (×{_num(row['ratio'], 'fr', 2)}, "
            f"{_p(row['p_holm'], 'fr')} après Holm)."
        )
        obs_en = (
            f"Recontact varies strongly by motif (χ² = {_num(het['chi2'], 'en')}, df = "
            f"{het['df']}, {_p(het['p'], 'en')}): '{m}' is at {_pct(row['value'], 'en')} "
            f"({_ci(row['ci_low'], row['ci_high'], 'en')}, {_n(row['n'], 'en')}) vs "
            f"{_pct(row['rest'], 'en')} for the other motifs (×{_num(row['ratio'], 'en', 2)}, "
            f"Holm-adjusted {_p(row['p_holm'], 'en')})."
        )
        out.append(
            _finding(
                rule,
                cfg,
                {"motif": m},
                (obs_fr, obs_en),
                f"trou probable dans la procédure du motif « {m} » (ex. l'information donnée est "
                "juste mais le back-office n'exécute pas à temps)",
                f"probable gap in the procedure of motif '{m}' (e.g. the agent's information is "
                "right but the back office is late)",
                {"heterogeneity": het, "motif": row.to_dict(), "overall": overall},
                table,
                {
                    "x": "motif",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": overall,
                    "highlight": m,
                    "unit": "%",
                },
            )
        )
    return out


# ---------------------------------------------------------------- rule 3


def check_recontact_follows_volume(rule, d: RuleData, cfg, settings):
    # recontact after an *answered* contact (100 − measured FCR): call-backs after abandons
    # follow the queue, which the wait rules read; here we look for resolution failures
    rec = d.weekly("fcr_measured")
    rec = rec.assign(value=100.0 - rec["value"])
    vol = d.kpi("volume", period="week")
    vol = vol[vol["period"].isin(rec["period"])][["period", "value"]].rename(
        columns={"value": "volume"}
    )
    w = rec[["period", "value", "n"]].merge(vol, on="period").sort_values("period")
    w = w.reset_index(drop=True)
    max_lag = int(cfg["max_lag_weeks"])
    if len(w) < cfg["min_weeks"] + max_lag:
        raise Undecidable(
            f"{len(w)} semaines complètes, il en faut {cfg['min_weeks'] + max_lag}",
            f"{len(w)} complete weeks, {cfg['min_weeks'] + max_lag} needed",
        )
    lags = []
    for lag in range(max_lag + 1):
        x = w["volume"].to_numpy(float)[: len(w) - lag]
        y = w["value"].to_numpy(float)[lag:]
        c = partial_corr(x, y)
        c["p_one_sided"] = float(
            sps.norm.sf(math.atanh(max(min(c["r"], 0.999999), -0.999999)) * math.sqrt(c["m"] - 4))
        )
        lags.append({"lag": lag, **c})
    lt = pd.DataFrame(lags)
    lt["p_holm"] = holm(lt["p_one_sided"])
    best = lt.sort_values("p_holm").iloc[0]
    cv = w["volume"].std() / w["volume"].mean()
    if not (best["p_holm"] < cfg["alpha"] and best["r"] >= cfg["min_r"] and cv >= cfg["min_cv"]):
        return []
    lag = int(best["lag"])
    table = w.rename(columns={"value": "recontact"})
    obs_fr = (
        f"Semaine après semaine ({len(w)} semaines), le taux de recontact suit le volume "
        f"{'de la même semaine' if lag == 0 else f'avec {lag} semaine(s) de décalage'} : "
        f"r = {_num(best['r'], 'fr', 2)} ({_ci(best['ci_low'], best['ci_high'], 'fr', '', 2)}, "
        f"tendances retirées, {_p(best['p_holm'], 'fr')} après Holm sur {max_lag + 1} décalages). "
        f"Volume hebdomadaire de {_num(w['volume'].min(), 'fr', 0)} à "
        f"{_num(w['volume'].max(), 'fr', 0)} contacts, recontact de "
        f"{_pct(w['value'].min(), 'fr')} à {_pct(w['value'].max(), 'fr')}."
    )
    obs_en = (
        f"Week by week ({len(w)} weeks), the recontact rate follows volume "
        f"{'in the same week' if lag == 0 else f'with a {lag}-week lag'}: r = "
        f"{_num(best['r'], 'en', 2)} ({_ci(best['ci_low'], best['ci_high'], 'en', '', 2)}, "
        f"trends removed, Holm-adjusted {_p(best['p_holm'], 'en')} over {max_lag + 1} lags). "
        f"Weekly volume {_num(w['volume'].min(), 'en', 0)}–{_num(w['volume'].max(), 'en', 0)} "
        f"contacts, recontact {_pct(w['value'].min(), 'en')}–{_pct(w['value'].max(), 'en')}."
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "surcharge ou fatigue des équipes lors des montées en charge",
            "overload or team fatigue when volume rises",
            {
                "lags": _records(lt),
                "best_lag": lag,
                "r": best["r"],
                "ci_low": best["ci_low"],
                "ci_high": best["ci_high"],
                "p_holm": best["p_holm"],
                "weeks": len(w),
                "volume_cv": cv,
            },
            table,
            {"x": "period", "y": "recontact", "y2": "volume", "lag": lag, "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- rule 4


def check_fcr_declared_above_measured(rule, d: RuleData, cfg, settings):
    c = d.need("contacts", "resolved_first_contact", "customer_id", "started_at")
    flags = d.recontact()
    decl = c["resolved_first_contact"].astype("boolean")
    base = flags["eligible"].to_numpy() & decl.notna().to_numpy()
    if "answered" in c.columns:
        base &= c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)
    _min_n(
        base.sum(),
        cfg,
        "contacts avec FCR déclaré et fenêtre de recontact complète",
        "contacts with declared FCR and a complete recontact window",
    )
    a = decl.to_numpy(dtype=bool, na_value=False)[base]
    b = ~flags["followed"].to_numpy()[base]
    g = paired_gap(a, b)
    if not (g["ci_low"] > 0 and g["p"] < cfg["alpha"] and g["gap"] >= cfg["min_gap_pts"]):
        return []
    rows = []
    seg = next((f for f in ("provider", "team", "canal") if f in c.columns), None)
    if seg:
        keys = c[seg].astype("str").to_numpy()[base]
        for key in pd.unique(keys):
            m = keys == key
            if m.sum() >= cfg["min_n"]:
                gg = paired_gap(a[m], b[m])
                rows.append(
                    {
                        seg: key,
                        "declared": gg["a_pct"],
                        "measured": gg["b_pct"],
                        "gap": gg["gap"],
                        "ci_low": gg["ci_low"],
                        "ci_high": gg["ci_high"],
                        "n": gg["n"],
                    }
                )
    table = pd.DataFrame(
        [
            {
                (seg or "segment"): "Ensemble",
                "declared": g["a_pct"],
                "measured": g["b_pct"],
                "gap": g["gap"],
                "ci_low": g["ci_low"],
                "ci_high": g["ci_high"],
                "n": g["n"],
            },
            *rows,
        ]
    )
    wd = d.param("window_days", "fcr_measured")
    obs_fr = (
        f"Sur les mêmes {_num(g['n'], 'fr', 0)} contacts, le FCR déclaré par les conseillers est "
        f"de {_pct(g['a_pct'], 'fr')} mais le FCR mesuré (pas de recontact sur le même motif "
        f"sous {wd} jours) n'est que de {_pct(g['b_pct'], 'fr')} : écart "
        f"{_num(g['gap'], 'fr')} pts ({_ci(g['ci_low'], g['ci_high'], 'fr', 'pts')}, test de "
        f"McNemar {_p(g['p'], 'fr')}) ; {g['discordant_a_only']} contacts déclarés résolus sont "
        "revenus."
    )
    obs_en = (
        f"On the same {_num(g['n'], 'en', 0)} contacts, agent-declared FCR is "
        f"{_pct(g['a_pct'], 'en')} but measured FCR (no same-motif recontact within {wd} days) "
        f"is only {_pct(g['b_pct'], 'en')}: gap {_num(g['gap'], 'en')} pts "
        f"({_ci(g['ci_low'], g['ci_high'], 'en', 'pts')}, McNemar {_p(g['p'], 'en')}); "
        f"{g['discordant_a_only']} contacts declared resolved came back."
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "des tickets clos comme résolus reviennent",
            "tickets closed as resolved come back",
            {"paired": g, "window_days": wd, "by": seg},
            table,
            {"x": seg or "segment", "y": "declared", "y2": "measured", "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- rule 5


def _hour_table(d: RuleData, mask, value) -> pd.DataFrame:
    c = d.table("contacts")
    hour = c["started_at"].dt.hour.to_numpy()[mask]
    v = value[mask]
    ans = c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)[mask]
    rows = []
    for h in np.unique(hour[~np.isnan(v)]):
        m = hour == h
        mean, lo, hi, n = mean_ci(v[m])
        rows.append(
            {
                "hour": f"{int(h):02d}h",
                "value": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "abandon_rate": 100 * (1 - ans[m].mean()),
            }
        )
    return pd.DataFrame(rows)


def check_long_wait(rule, d: RuleData, cfg, settings):
    c = d.need("contacts", "wait_s", "answered", "started_at")
    mask = d.phone() & c["answered"].notna().to_numpy()
    wait = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)
    mean, lo, hi, n = mean_ci(wait[mask])
    _min_n(n, cfg, "appels présentés avec temps d'attente", "offered calls with a wait time")
    tgt = target(settings, "avg_wait")
    if not lo > tgt:
        return []
    table = _hour_table(d, mask, wait)
    peaks = table[table["ci_low"] > tgt]["hour"].tolist()
    dmt = d.handling_time()
    dmt_mean = float(np.nanmean(dmt[mask])) if np.isfinite(dmt[mask]).any() else math.nan
    dmt_tgt = target(settings, "dmt")
    obs_fr = (
        f"Attente moyenne des appels présentés : {_num(mean, 'fr', 0)} s "
        f"({_ci(lo, hi, 'fr', 's', 0)}, {_n(n, 'fr')}), au-dessus de l'objectif de "
        f"{_num(tgt, 'fr', 0)} s. Heures au-dessus de l'objectif : "
        f"{', '.join(peaks) or 'aucune isolément'}"
        f". DMT téléphone {_num(dmt_mean, 'fr', 0)} s (objectif {_num(dmt_tgt, 'fr', 0)} s)."
    )
    obs_en = (
        f"Average wait of offered calls: {_num(mean, 'en', 0)} s ({_ci(lo, hi, 'en', 's', 0)}, "
        f"{_n(n, 'en')}), above the {_num(tgt, 'en', 0)} s target. Hours above target: "
        f"{', '.join(peaks) or 'none on its own'}. Phone AHT {_num(dmt_mean, 'en', 0)} s "
        f"(target {_num(dmt_tgt, 'en', 0)} s)."
    )
    cause_fr = "sous-dimensionnement, DMT trop longue ou pics mal gérés"
    cause_en = "under-staffing, handling time too long, or peaks badly handled"
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            cause_fr,
            cause_en,
            {
                "mean_wait_s": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "target_s": tgt,
                "peak_hours": peaks,
                "dmt_s": dmt_mean,
                "dmt_target_s": dmt_tgt,
            },
            table,
            {
                "x": "hour",
                "y": "value",
                "lo": "ci_low",
                "hi": "ci_high",
                "target": tgt,
                "unit": "s",
            },
        )
    ]


# ---------------------------------------------------------------- rules 6 and own: DMT


def _dmt_residuals(d: RuleData, by: str) -> pd.DataFrame:
    """Per contact: log handling time minus the mean log time of *peers* (other values of
    ``by``) in the same stratum (motif × canal × niveau × provider, those present)."""
    c = d.need("contacts", "motif", by, "talk_s")
    dmt = d.handling_time()
    strata = [f for f in ("motif", "canal", "niveau", "provider") if f in c.columns and f != by]
    ok = np.isfinite(dmt) & (dmt > 0) & c[by].notna().to_numpy() & c["motif"].notna().to_numpy()
    sub = c.loc[ok, strata + [by]]
    df = pd.DataFrame(
        {by: sub[by].astype("str").to_numpy(), "motif": sub["motif"].astype("str").to_numpy()}
    )
    df["y"] = np.log(dmt[ok])
    df["stratum"] = sub.groupby(strata, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    s = df.groupby("stratum")["y"].agg(["sum", "count"])
    cell = df.groupby(["stratum", by])["y"].agg(["sum", "count"])
    st_sum = df["stratum"].map(s["sum"]).to_numpy()
    st_n = df["stratum"].map(s["count"]).to_numpy()
    idx = pd.MultiIndex.from_arrays([df["stratum"], df[by]])
    c_sum = cell["sum"].reindex(idx).to_numpy()
    c_n = cell["count"].reindex(idx).to_numpy()
    peers_n = st_n - c_n
    df["peers_n"] = peers_n
    with np.errstate(invalid="ignore", divide="ignore"):
        df["peer_mean"] = (st_sum - c_sum) / peers_n
    df["r"] = df["y"] - df["peer_mean"]
    df["dmt"] = dmt[ok]
    return df[df["peers_n"] >= 5]


def _check_dmt(rule, d: RuleData, cfg, settings, direction: str):
    by = str(cfg["segment"])
    df = _dmt_residuals(d, by)
    _min_n(len(df), cfg, "contacts traités avec durée et motif", "handled contacts with duration")
    g = df.groupby(by)["r"].agg(["mean", "std", "count"])
    g = g[g["count"] >= cfg["min_n"]]
    if len(g) < 3:
        raise Undecidable(
            f"moins de 3 valeurs de {by} avec {cfg['min_n']} contacts comparables",
            f"fewer than 3 values of {by} with {cfg['min_n']} comparable contacts",
        )
    t = g["mean"] / (g["std"] / np.sqrt(g["count"]))
    dfree = g["count"] - 1
    p = sps.t.cdf(t, dfree) if direction == "short" else sps.t.sf(t, dfree)
    g = g.assign(ratio=np.exp(g["mean"]), p=p)
    g["p_holm"] = holm(g["p"].to_numpy())
    q = sps.t.ppf(0.975, dfree)
    g["ratio_low"] = np.exp(g["mean"] - q * g["std"] / np.sqrt(g["count"]))
    g["ratio_high"] = np.exp(g["mean"] + q * g["std"] / np.sqrt(g["count"]))
    gap = float(cfg["min_gap"])
    material = g["ratio"] <= 1 - gap if direction == "short" else g["ratio"] >= 1 + gap
    flagged = g[(g["p_holm"] < cfg["alpha"]) & material]
    out = []
    table_all = g.reset_index().rename(columns={"count": "n"}).sort_values("ratio")
    for key, row in flagged.iterrows():
        sub = df[df[by] == key]
        per = sub.groupby("motif").agg(
            n=("dmt", "size"), agent=("dmt", "mean"), ratio=("r", lambda x: float(np.exp(x.mean())))
        )
        per = per.reset_index()
        per["peers"] = per["agent"] / per["ratio"]
        pct = 100 * (row["ratio"] - 1)
        word_fr = "plus courte" if direction == "short" else "plus longue"
        word_en = "shorter" if direction == "short" else "longer"
        obs_fr = (
            f"« {key} » ({by}) a une DMT {word_fr} que ses pairs à motif, canal, niveau et "
            f"prestataire égaux : ×{_num(row['ratio'], 'fr', 2)} ({_num(pct, 'fr', 0)} %, "
            f"{_ci(row['ratio_low'], row['ratio_high'], 'fr', '', 2)}, "
            f"{_n(row['count'], 'fr')}, {_p(row['p_holm'], 'fr')} après Holm sur {len(g)})."
        )
        obs_en = (
            f"'{key}' ({by}) has a handling time {word_en} than peers with the same motif, "
            f"channel, level and provider: ×{_num(row['ratio'], 'en', 2)} "
            f"({_num(pct, 'en', 0)}%, {_ci(row['ratio_low'], row['ratio_high'], 'en', '', 2)}, "
            f"{_n(row['count'], 'en')}, Holm-adjusted {_p(row['p_holm'], 'en')} over {len(g)})."
        )
        out.append(
            _finding(
                rule,
                cfg,
                {by: key},
                (obs_fr, obs_en),
                None,
                None,
                {
                    "ratio": row["ratio"],
                    "ratio_ci": [row["ratio_low"], row["ratio_high"]],
                    "n": row["count"],
                    "p_holm": row["p_holm"],
                    "compared": len(g),
                    "strata": "motif × canal × niveau × provider",
                    "by_motif": _records(per),
                },
                table_all,
                {
                    "x": by,
                    "y": "ratio",
                    "lo": "ratio_low",
                    "hi": "ratio_high",
                    "target": 1.0,
                    "highlight": key,
                    "unit": "×",
                },
            )
        )
    return out


def check_dmt_short(rule, d, cfg, settings):
    return _check_dmt(rule, d, cfg, settings, "short")


def check_dmt_long(rule, d, cfg, settings):
    return _check_dmt(rule, d, cfg, settings, "long")


# ---------------------------------------------------------------- rules 7, 8, 11: vs target


def check_avoidable_high(rule, d: RuleData, cfg, settings):
    r = d.kpi("avoidable_rate").iloc[0]
    _min_n(r["denominator"], cfg, "contacts", "contacts")
    tgt = target(settings, "avoidable_rate")
    p = score_test(r["numerator"], r["denominator"], tgt / 100)
    if not (r["ci_low"] > tgt and p < cfg["alpha"]):
        return []
    c = d.table("contacts")
    motifs = d.param("avoidable_motifs", "avoidable_rate") or []
    table = None
    if "motif" in c.columns:
        if motifs:
            av = in_values(c["motif"], motifs)
        else:
            av = c["avoidable"].astype("boolean").to_numpy(dtype=bool, na_value=False)
        cnt = c.loc[av, "motif"].astype("str").value_counts()
        table = pd.DataFrame(
            {
                "motif": cnt.index,
                "n": cnt.to_numpy(),
                "share": 100 * cnt.to_numpy() / r["denominator"],
            }
        )
    obs_fr = (
        f"{_pct(r['value'], 'fr')} des contacts sont évitables "
        f"({_ci(r['ci_low'], r['ci_high'], 'fr')}, "
        f"{_n(r['denominator'], 'fr')}), au-dessus de l'objectif de {_pct(tgt, 'fr', 0)} "
        f"({_p(p, 'fr')})."
        + (
            f" Principaux motifs : {', '.join(table['motif'].head(3))}."
            if table is not None and len(table)
            else ""
        )
    )
    obs_en = (
        f"{_pct(r['value'], 'en')} of contacts are avoidable "
        f"({_ci(r['ci_low'], r['ci_high'], 'en')}, "
        f"{_n(r['denominator'], 'en')}), above the {_pct(tgt, 'en', 0)} target ({_p(p, 'en')})."
        + (
            f" Main motifs: {', '.join(table['motif'].head(3))}."
            if table is not None and len(table)
            else ""
        )
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "l'organisation (produit, marketing, logistique) absorbe des frictions "
            "évitables en amont",
            "the organisation (product, marketing, logistics) absorbs friction that could "
            "be removed "
            "upstream",
            {
                "value": r["value"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "n": r["denominator"],
                "target": tgt,
                "p": p,
                "definition": str(r["detail"]),
            },
            table,
            {"x": "motif", "y": "share", "unit": "%"},
        )
    ]


def check_transfer_high(rule, d: RuleData, cfg, settings):
    tgt = target(settings, "transfer_rate")
    overall = d.kpi("transfer_rate").iloc[0]
    _min_n(overall["denominator"], cfg, "contacts de niveau 1", "level-1 contacts")
    c = d.table("contacts")
    out = []
    if "motif" not in c.columns:
        raise Undecidable(
            "il faut contacts.motif pour cibler",
            "needs contacts.motif to target",
            ["contacts.motif"],
        )
    r = d.kpi("transfer_rate", by=["motif"])
    r = r[r["motif"].notna() & (r["denominator"] >= cfg["min_n"])].reset_index(drop=True)
    r["p"] = [
        score_test(k, n, tgt / 100) for k, n in zip(r["numerator"], r["denominator"], strict=True)
    ]
    r["p_holm"] = holm(r["p"].to_numpy())
    r["flag"] = (r["p_holm"] < cfg["alpha"]) & (r["value"] > tgt)
    table = r[["motif", "value", "ci_low", "ci_high", "denominator", "p_holm", "flag"]].rename(
        columns={"denominator": "n"}
    )
    table["motif"] = table["motif"].astype("str")
    types = None
    if "transfer_to" in c.columns:
        tr = c["transferred"].astype("boolean").to_numpy(dtype=bool, na_value=False)
        types = (
            c.loc[tr]
            .groupby(["motif", "transfer_to"], observed=True)
            .size()
            .rename("n")
            .reset_index()
            .astype({"motif": "str", "transfer_to": "str"})
        )
    p_all = score_test(overall["numerator"], overall["denominator"], tgt / 100)
    segments = [({}, overall, p_all)] if overall["ci_low"] > tgt and p_all < cfg["alpha"] else []
    segments += [
        ({"motif": row["motif"]}, row, row["p_holm"]) for _, row in table[table["flag"]].iterrows()
    ]
    for seg, row, p in segments:
        m = seg.get("motif")
        val, lo, hi = row["value"], row["ci_low"], row["ci_high"]
        n = row.get("n", row.get("denominator"))
        mix = ""
        mix_en = ""
        if types is not None:
            sub = types if m is None else types[types["motif"] == m]
            tot = sub.groupby("transfer_to")["n"].sum().sort_values(ascending=False)
            if tot.sum():
                mix = ", ".join(
                    f"{k} {_pct(100 * v / tot.sum(), 'fr', 0)}" for k, v in tot.head(3).items()
                )
                mix_en = ", ".join(
                    f"{k} {_pct(100 * v / tot.sum(), 'en', 0)}" for k, v in tot.head(3).items()
                )
        where_fr = "Au niveau 1" if m is None else f"Sur le motif « {m} »"
        where_en = "At level 1" if m is None else f"On motif '{m}'"
        obs_fr = (
            f"{where_fr}, {_pct(val, 'fr')} des contacts sont transférés ({_ci(lo, hi, 'fr')}, "
            f"{_n(n, 'fr')}), au-dessus de l'objectif de {_pct(tgt, 'fr', 0)} ({_p(p, 'fr')})."
            + (f" Types : {mix}." if mix else "")
        )
        obs_en = (
            f"{where_en}, {_pct(val, 'en')} of contacts are transferred ({_ci(lo, hi, 'en')}, "
            f"{_n(n, 'en')}), above the {_pct(tgt, 'en', 0)} target ({_p(p, 'en')})."
            + (f" Types: {mix_en}." if mix_en else "")
        )
        out.append(
            _finding(
                rule,
                cfg,
                seg,
                (obs_fr, obs_en),
                "regarder les types de transfert et les motifs pour cibler formation, "
                "documentation ou procédures",
                "look at transfer types and motifs to target training, documentation or procedures",
                {
                    "value": val,
                    "ci_low": lo,
                    "ci_high": hi,
                    "n": n,
                    "target": tgt,
                    "p": p,
                    "transfer_types": _records(
                        types if m is None or types is None else types[types["motif"] == m]
                    )
                    if types is not None
                    else None,
                },
                table,
                {
                    "x": "motif",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": tgt,
                    "highlight": m,
                    "unit": "%",
                },
            )
        )
    return out


def check_qos_below_nf345(rule, d: RuleData, cfg, settings):
    c = d.need("contacts", "answered")
    pres = d.presented() & d.phone()
    ans = c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)
    n, k = int(pres.sum()), int((pres & ans).sum())
    _min_n(n, cfg, "appels présentés", "presented calls")
    val = 100 * k / n
    lo, hi = wilson(k, n)
    thr = float(cfg["threshold_pct"])
    p = score_test(k, n, thr / 100, "less")
    if not (hi < thr and p < cfg["alpha"]):
        return []
    table = None
    if "started_at" in c.columns:
        month = c["started_at"].dt.to_period("M").astype("str").to_numpy()
        rows = []
        for mth in sorted(pd.unique(month[pres])):
            m = pres & (month == mth)
            kk, nn = int((m & ans).sum()), int(m.sum())
            lo_, hi_ = wilson(kk, nn)
            rows.append(
                {"period": mth, "value": 100 * kk / nn, "ci_low": lo_, "ci_high": hi_, "n": nn}
            )
        table = pd.DataFrame(rows)
    obs_fr = (
        f"Taux de qualité de service (appels traités ÷ présentés) : {_pct(val, 'fr')} "
        f"({_ci(lo, hi, 'fr')}, {_n(n, 'fr')}), sous le seuil de {_pct(thr, 'fr', 0)} de la "
        f"norme NF 345 ({_p(p, 'fr')})."
    )
    obs_en = (
        f"Quality-of-service rate (handled ÷ presented calls): {_pct(val, 'en')} "
        f"({_ci(lo, hi, 'en')}, {_n(n, 'en')}), below the NF 345 threshold of "
        f"{_pct(thr, 'en', 0)} ({_p(p, 'en')})."
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "le centre est sous le seuil de la norme NF 345",
            "the centre is below the NF 345 threshold",
            {"value": val, "ci_low": lo, "ci_high": hi, "n": n, "threshold": thr, "p": p},
            table,
            {
                "x": "period",
                "y": "value",
                "lo": "ci_low",
                "hi": "ci_high",
                "target": thr,
                "unit": "%",
            },
        )
    ]


# ---------------------------------------------------------------- rule 9


def check_survey_sample_small(rule, d: RuleData, cfg, settings):
    s = d.table("surveys")
    scores = [
        x for x in ("csat_score", "nps_score", "ces_score") if s is not None and x in s.columns
    ]
    if not scores:
        raise Undecidable(
            "il faut une table d'enquêtes avec une note (CSAT, NPS ou CES)",
            "needs a survey table with a score (CSAT, NPS or CES)",
            ["surveys.csat_score", "surveys.nps_score", "surveys.ces_score"],
        )
    min_n = int(cfg["min_n"])
    rows = []
    for sc in scores:
        known = s[sc].notna()
        rows.append({"score": sc, "segment": "Ensemble", "n": int(known.sum())})
        if "answered_at" in s.columns:
            month = s["answered_at"].dt.to_period("M").astype("str")
            for mth, n in month[known].value_counts().sort_index().items():
                rows.append({"score": sc, "segment": mth, "n": int(n)})
    table = pd.DataFrame(rows)
    table["low"] = table["n"] < min_n
    low = table[table["low"]]
    if low.empty:
        return []
    comments = int(s["comment"].notna().sum()) if "comment" in s.columns else 0
    overall_low = low[low["segment"] == "Ensemble"]
    if len(overall_low):
        seg = {}
        what_fr = ", ".join(f"{r.score} n = {r.n}" for r in overall_low.itertuples())
        what_en = what_fr
        months = []
    else:
        months = sorted(low["segment"].unique().tolist())
        seg = {"period": months}
        what_fr = ", ".join(f"{r.segment} ({r.score}, n = {r.n})" for r in low.itertuples())
        what_en = what_fr
    obs_fr = (
        f"Trop peu de réponses pour conclure (minimum {min_n}) : {what_fr}. "
        f"{comments} verbatims disponibles."
    )
    obs_en = (
        f"Too few answers to conclude (minimum {min_n}): {what_en}. {comments} open comments "
        "available."
    )
    return [
        _finding(
            rule,
            cfg,
            seg,
            (obs_fr, obs_en),
            "ces scores ne sont pas significatifs : à lire avec leurs verbatims",
            "these scores are not significant: read them with their verbatims",
            {"min_n": min_n, "low": _records(low), "comments": comments, "months": months},
            table,
            {"x": "segment", "y": "n", "target": min_n, "unit": "count"},
        )
    ]


# ---------------------------------------------------------------- rule 10


def check_answer_abandon(rule, d: RuleData, cfg, settings):
    c = d.need("contacts", "answered")
    pres = d.presented()
    n = int(pres.sum())
    _min_n(n, cfg, "contacts présentés", "presented contacts")
    a = c["answered"].astype("boolean")
    ans = int((pres & a.to_numpy(dtype=bool, na_value=False)).sum())
    ab = int((pres & (a == False).to_numpy(dtype=bool, na_value=False)).sum())  # noqa: E712
    unknown = n - ans - ab
    total = 100 * (ans + ab) / n
    short = float(d.param("short_abandon_s", "abandon_rate") or 0)
    short_n = 0
    if short > 0 and "wait_s" in c.columns:
        w = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)
        short_n = int(
            (
                pres
                & (a == False).to_numpy(dtype=bool, na_value=False)  # noqa: E712
                & (w < short)
            ).sum()
        )
    gap_pts = 100 - total
    settings_gap = 100 * short_n / n
    if not (
        (abs(gap_pts) >= cfg["tolerance_pts"] and unknown >= cfg["min_count"])
        or (settings_gap >= cfg["tolerance_pts"] and short_n >= cfg["min_count"])
    ):
        return []
    rows = []
    for fld in ("canal", "queue"):
        if fld in c.columns:
            keys = c[fld].astype("str").to_numpy()
            for key in pd.unique(keys[pres]):
                m = pres & (keys == key)
                unk = int((m & a.isna().to_numpy()).sum())
                rows.append(
                    {
                        "field": fld,
                        "value": key,
                        "presented": int(m.sum()),
                        "unknown": unk,
                        "unknown_pct": 100 * unk / max(m.sum(), 1),
                    }
                )
    table = pd.DataFrame(rows)
    obs_fr = (
        f"Taux de décroché ({_pct(100 * ans / n, 'fr')}) + taux d'abandon "
        f"({_pct(100 * ab / n, 'fr')}) = {_pct(total, 'fr')}, pas 100 % : {unknown} contacts "
        f"présentés sur {n} n'ont ni décroché ni abandon"
        + (
            f" ; et {short_n} abandons de moins de {short:g} s sont exclus par le réglage "
            "short_abandon_s"
            if short_n
            else ""
        )
        + "."
    )
    obs_en = (
        f"Answer rate ({_pct(100 * ans / n, 'en')}) + abandon rate ({_pct(100 * ab / n, 'en')}) "
        f"= {_pct(total, 'en')}, not 100%: {unknown} of {n} presented contacts are neither "
        "answered nor abandoned"
        + (
            f"; and {short_n} abandons under {short:g} s are excluded by the short_abandon_s "
            "setting"
            if short_n
            else ""
        )
        + "."
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "débordement, rappels (callback) ou incohérence des données",
            "overflow, callbacks or inconsistent data",
            {
                "presented": n,
                "answered": ans,
                "abandoned": ab,
                "unknown": unknown,
                "sum_pct": total,
                "short_abandons_excluded": short_n,
            },
            table,
            {"x": "value", "y": "unknown_pct", "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- rule 12


def check_motifs_concentrated(rule, d: RuleData, cfg, settings):
    c = d.need("contacts", "motif")
    counts = c["motif"].astype("str")[c["motif"].notna()].value_counts()
    n = int(counts.sum())
    _min_n(n, cfg, "contacts avec motif", "contacts with a motif")
    if len(counts) < 3:
        raise Undecidable("il faut au moins 3 motifs distincts", "needs at least 3 motifs")
    k = max(1, math.ceil(cfg["top_share_of_motifs"] * len(counts)))
    top = counts.head(k)
    lo, hi = wilson(top.sum(), n)
    share = 100 * top.sum() / n
    thr = 100 * float(cfg["volume_share"])
    if not lo >= thr:
        return []
    table = pd.DataFrame({"motif": counts.index, "n": counts.to_numpy()})
    table["share"] = 100 * table["n"] / n
    table["cum_share"] = table["share"].cumsum()
    if "avoidable" in c.columns:
        av = c.groupby(c["motif"].astype("str"))["avoidable"].apply(
            lambda s: float(s.astype("boolean").mean()) if s.notna().any() else math.nan
        )
        table["avoidable"] = table["motif"].map(av)
    if "selfcare_redirected" in c.columns:
        sc = c.groupby(c["motif"].astype("str"))["selfcare_redirected"].apply(
            lambda s: 100 * float(s.astype("boolean").mean()) if s.notna().any() else math.nan
        )
        table["selfcare_pct"] = table["motif"].map(sc)
    names = list(top.index)
    obs_fr = (
        f"{k} motif(s) sur {len(counts)} ({', '.join(names)}) portent {_pct(share, 'fr')} des "
        f"contacts ({_ci(lo, hi, 'fr')}, {_n(n, 'fr')}), au-delà de {_pct(thr, 'fr', 0)}."
    )
    obs_en = (
        f"{k} of {len(counts)} motifs ({', '.join(names)}) carry {_pct(share, 'en')} of "
        f"contacts ({_ci(lo, hi, 'en')}, {_n(n, 'en')}), above {_pct(thr, 'en', 0)}."
    )
    return [
        _finding(
            rule,
            cfg,
            {"motif": names},
            (obs_fr, obs_en),
            "priorités FAQ / selfcare pour réduire les contacts de niveau 1",
            "FAQ / self-care priorities to cut level-1 contacts",
            {
                "top_motifs": names,
                "share": share,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "threshold": thr,
            },
            table,
            {"x": "motif", "y": "share", "cum": "cum_share", "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- rule 13


def _score_stats(s: pd.DataFrame, kpi: str, top: float | None = None):
    if kpi == "nps":
        x = s["nps_score"].dropna().to_numpy(float)
        n = len(x)
        if not n:
            return math.nan, math.nan, 0
        pro, det = (x >= 9).mean(), (x <= 6).mean()
        return 100 * (pro - det), 1e4 * (pro + det - (pro - det) ** 2) / n, n
    x = s["csat_score"].dropna().to_numpy(float)
    n = len(x)
    if not n:
        return math.nan, math.nan, 0
    p = (x >= top).mean()
    return 100 * p, 1e4 * p * (1 - p) / n, n


def _events(settings, cfg) -> list[dict]:
    ev = list(settings.get("events") or [])
    if cfg.get("event_date"):
        ev.append(
            {
                "date": cfg["event_date"],
                "motif": cfg.get("event_motif") or None,
                "label": cfg.get("event_label") or "",
            }
        )
    return ev


def check_score_after_event(rule, d: RuleData, cfg, settings):
    events = _events(settings, cfg)
    if not events:
        raise Undecidable(
            "indiquez la date (et le motif) d'une formation ou d'un changement dans les "
            "réglages (event_date, event_motif) pour comparer avant / après",
            "give the date (and motif) of a training or change in the settings (event_date, "
            "event_motif) to compare before / after",
            ["settings.event_date"],
        )
    s = d.need("surveys", "answered_at")
    kpis = [k for k, col in (("nps", "nps_score"), ("csat", "csat_score")) if col in s.columns]
    if not kpis:
        raise Undecidable(
            "il faut surveys.nps_score ou surveys.csat_score",
            "needs surveys.nps_score or surveys.csat_score",
            ["surveys.nps_score"],
        )
    top = None
    if "csat" in kpis:
        from kpis.definitions.voice_of_customer import CSAT_SCALES, csat_scale

        top = CSAT_SCALES[csat_scale(s["csat_score"].to_numpy(float, na_value=np.nan))]
    win = pd.Timedelta(days=int(cfg["window_days"]))
    tests = []
    for ev in events:
        t0 = pd.Timestamp(ev["date"])
        motif = ev.get("motif")
        near = (s["answered_at"] >= t0 - win) & (s["answered_at"] < t0 + win)
        after = s["answered_at"] >= t0
        if motif:
            if "motif" not in s.columns:
                raise Undecidable("il faut surveys.motif", "needs surveys.motif", ["surveys.motif"])
            inm = s["motif"].astype("str") == str(motif)
        else:
            inm = pd.Series(True, index=s.index)
        for kpi in kpis:
            vb, varb, nb = _score_stats(s[near & ~after & inm], kpi, top)
            va, vara, na = _score_stats(s[near & after & inm], kpi, top)
            if min(nb, na) < cfg["min_n"]:
                continue
            diff, var = va - vb, vara + varb
            ob = oa = math.nan
            if motif:
                ob, varob, nob = _score_stats(s[near & ~after & ~inm], kpi, top)
                oa, varoa, noa = _score_stats(s[near & after & ~inm], kpi, top)
                if min(nob, noa) >= cfg["min_n"]:
                    diff -= oa - ob
                    var += varob + varoa
            se = math.sqrt(var)
            z = diff / se if se > 0 else 0.0
            tests.append(
                {
                    "date": t0,
                    "motif": motif,
                    "label": ev.get("label", ""),
                    "kpi": kpi,
                    "before": vb,
                    "after": va,
                    "n_before": nb,
                    "n_after": na,
                    "others_before": ob,
                    "others_after": oa,
                    "did": diff,
                    "ci_low": diff - Z * se,
                    "ci_high": diff + Z * se,
                    "p": float(2 * sps.norm.sf(abs(z))),
                }
            )
    if not tests:
        raise Undecidable(
            f"moins de {cfg['min_n']} réponses avant ou après la date",
            f"fewer than {cfg['min_n']} answers before or after the date",
        )
    table = pd.DataFrame(tests)
    table["p_holm"] = holm(table["p"].to_numpy())
    min_change = {"nps": cfg["min_change_nps"], "csat": cfg["min_change_csat"]}
    table["flag"] = (table["p_holm"] < cfg["alpha"]) & (
        table["did"].abs() >= table["kpi"].map(min_change)
    )
    out = []
    for _, r in table[table["flag"]].iterrows():
        unit = "pts"
        name = "NPS" if r["kpi"] == "nps" else "CSAT"
        where_fr = f"sur le motif « {r['motif']} »" if r["motif"] else "sur l'ensemble"
        where_en = f"on motif '{r['motif']}'" if r["motif"] else "overall"
        others_fr = (
            f" (autres motifs : {_num(r['others_before'], 'fr', 0)} → "
            f"{_num(r['others_after'], 'fr', 0)})"
            if r["motif"] and math.isfinite(r["others_before"])
            else ""
        )
        others_en = (
            f" (other motifs: {_num(r['others_before'], 'en', 0)} → "
            f"{_num(r['others_after'], 'en', 0)})"
            if r["motif"] and math.isfinite(r["others_before"])
            else ""
        )
        sign_fr = "monté" if r["did"] > 0 else "baissé"
        sign_en = "rose" if r["did"] > 0 else "fell"
        obs_fr = (
            f"Le {name} {where_fr} a {sign_fr} autour du {_label(r['date'])}"
            f"{' (' + r['label'] + ')' if r['label'] else ''} : {_num(r['before'], 'fr', 0)} "
            f"avant ({_n(r['n_before'], 'fr')}) → {_num(r['after'], 'fr', 0)} après "
            f"({_n(r['n_after'], 'fr')}){others_fr} ; écart net "
            f"{_num(r['did'], 'fr', 1)} pts ({_ci(r['ci_low'], r['ci_high'], 'fr', unit)}, "
            f"{_p(r['p_holm'], 'fr')} après Holm)."
        )
        obs_en = (
            f"{name} {where_en} {sign_en} around {_label(r['date'])}"
            f"{' (' + r['label'] + ')' if r['label'] else ''}: {_num(r['before'], 'en', 0)} "
            f"before ({_n(r['n_before'], 'en')}) → {_num(r['after'], 'en', 0)} after "
            f"({_n(r['n_after'], 'en')}){others_en}; net change {_num(r['did'], 'en', 1)} pts "
            f"({_ci(r['ci_low'], r['ci_high'], 'en', unit)}, "
            f"Holm-adjusted {_p(r['p_holm'], 'en')})."
        )
        seg = {"motif": r["motif"]} if r["motif"] else {}
        out.append(
            _finding(
                rule,
                cfg,
                seg,
                (obs_fr, obs_en),
                "le score a bougé après l'événement daté (formation sur un point précis…)",
                "the score moved after the dated event (training on a precise point…)",
                {k: (v.isoformat() if isinstance(v, pd.Timestamp) else v) for k, v in r.items()},
                table,
                {
                    "x": "kpi",
                    "y": "did",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": 0.0,
                    "unit": "pts",
                },
            )
        )
    return out


# ---------------------------------------------------------------- own: HNO


def check_hno_share(rule, d: RuleData, cfg, settings):
    from kpis.definitions.telephony import outside_hours

    c = d.need("contacts", "started_at")
    hours = d.param("opening_hours", "ho_hno")
    hno = outside_hours(c["started_at"], hours)
    known = c["started_at"].notna().to_numpy()
    _min_n(known.sum(), cfg, "contacts datés", "dated contacts")
    keys = c["canal"].astype("str").to_numpy() if "canal" in c.columns else np.full(len(c), "tous")
    thr = 100 * float(cfg["share"])
    rows = []
    for key in pd.unique(keys[known]):
        m = known & (keys == key)
        n, k = int(m.sum()), int((m & hno).sum())
        lo, hi = wilson(k, n)
        rows.append(
            {
                "canal": key,
                "hno": k,
                "n": n,
                "value": 100 * k / n,
                "ci_low": lo,
                "ci_high": hi,
                "p": score_test(k, n, thr / 100),
            }
        )
    table = pd.DataFrame(rows)
    table["p_holm"] = holm(table["p"].to_numpy())
    span_weeks = max((c["started_at"].max() - c["started_at"].min()).days / 7, 1)
    table["per_week"] = table["hno"] / span_weeks
    table["flag"] = (
        (table["p_holm"] < cfg["alpha"])
        & (table["n"] >= cfg["min_n"])
        & (table["per_week"] >= cfg["min_per_week"])
    )
    out = []
    hour = c["started_at"].dt.hour.to_numpy()
    for _, r in table[table["flag"]].iterrows():
        m = hno & (keys == r["canal"])
        peak = pd.Series(hour[m]).value_counts().head(3).index.tolist()
        phone = r["canal"] == "telephone"
        lead_fr = (
            "un message de dissuasion (horaires) ou une messagerie vocale"
            if phone
            else "élargir les horaires ou envoyer un accusé de réception automatique"
        )
        lead_en = (
            "a dissuasion message (opening hours) or voicemail"
            if phone
            else "extended hours or an automatic acknowledgement"
        )
        obs_fr = (
            f"Canal {r['canal']} : {_pct(r['value'], 'fr')} des contacts arrivent hors heures "
            f"d'ouverture ({hours}) ({_ci(r['ci_low'], r['ci_high'], 'fr')}, {_n(r['n'], 'fr')}, "
            f"≈ {_num(r['per_week'], 'fr', 0)} par semaine), au-delà de {_pct(thr, 'fr', 0)} "
            f"({_p(r['p_holm'], 'fr')} après Holm). Heures les plus chargées : "
            f"{', '.join(f'{h:02d}h' for h in peak)}."
        )
        obs_en = (
            f"Channel {r['canal']}: {_pct(r['value'], 'en')} of contacts arrive outside opening "
            f"hours ({hours}) ({_ci(r['ci_low'], r['ci_high'], 'en')}, {_n(r['n'], 'en')}, "
            f"≈ {_num(r['per_week'], 'en', 0)} per week), above {_pct(thr, 'en', 0)} "
            f"(Holm-adjusted {_p(r['p_holm'], 'en')}). Busiest hours: "
            f"{', '.join(f'{h:02d}h' for h in peak)}."
        )
        out.append(
            _finding(
                rule,
                cfg,
                {"canal": r["canal"]},
                (obs_fr, obs_en),
                f"la part HNO justifie d'envisager {lead_fr}",
                f"the HNO share justifies considering {lead_en}",
                {
                    "opening_hours": hours,
                    **{
                        k: r[k]
                        for k in ("hno", "n", "value", "ci_low", "ci_high", "p_holm", "per_week")
                    },
                    "peak_hours": peak,
                },
                table,
                {
                    "x": "canal",
                    "y": "value",
                    "lo": "ci_low",
                    "hi": "ci_high",
                    "target": thr,
                    "highlight": r["canal"],
                    "unit": "%",
                },
            )
        )
    return out


# ---------------------------------------------------------------- own: staffing (Erlang C)


def staffing_table(d: RuleData, sl_target: float, sl_seconds: float) -> pd.DataFrame:
    """Per half-hour of the day (open days pooled): offered calls per day, AHT, Erlang C agents
    needed for the service-level target, agents seen (distinct agents with an answered call
    started in the slot, per day), and the observed service level."""
    from kpis.staffing import agents_needed

    c = d.need("contacts", "started_at", "answered", "wait_s")
    mask = d.phone() & d.presented()
    t = c["started_at"][mask]
    day = t.dt.normalize()
    slot = t.dt.hour * 2 + t.dt.minute // 30
    ans = c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)[mask]
    wait = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)[mask]
    aht = d.handling_time()[mask]
    n_days = day.nunique()
    agent = c["agent_id"].astype("str").to_numpy()[mask] if "agent_id" in c.columns else None
    rows = []
    slot_v = slot.to_numpy()
    for s in sorted(np.unique(slot_v)):
        m = slot_v == s
        calls = m.sum() / n_days
        a = np.nanmean(aht[m & ans]) if np.isfinite(aht[m & ans]).any() else math.nan
        need = agents_needed(calls, a, sl_target, sl_seconds) if math.isfinite(a) else None
        seen = math.nan
        if agent is not None:
            sub = pd.DataFrame({"day": day.to_numpy()[m & ans], "agent": agent[m & ans]})
            seen = (
                sub.drop_duplicates()
                .groupby("day")
                .size()
                .reindex(pd.unique(day.to_numpy()[m]), fill_value=0)
                .mean()
            )
        in_sl = (ans & (wait <= sl_seconds))[m]
        rows.append(
            {
                "slot": f"{s // 2:02d}:{30 * (s % 2):02d}",
                "calls_per_day": calls,
                "aht_s": a,
                "agents_needed": need,
                "agents_seen": seen,
                "service_level": 100 * in_sl.mean(),
                "n": int(m.sum()),
            }
        )
    return pd.DataFrame(rows)


def check_staffing(rule, d: RuleData, cfg, settings):
    c = d.need("contacts", "wait_s", "answered", "started_at", "talk_s")
    mask = d.phone() & c["answered"].astype("boolean").to_numpy(dtype=bool, na_value=False)
    wait = pd.to_numeric(c["wait_s"], errors="coerce").to_numpy(float)
    mean, lo, hi, n = mean_ci(wait[mask])
    _min_n(n, cfg, "appels décrochés avec attente", "answered calls with a wait time")
    tgt = target(settings, "asa")
    if not lo > tgt:
        return []
    sl_t = target(settings, "service_level")
    sl_s = float(d.param("sl_seconds", "service_level"))
    table = staffing_table(d, sl_t, sl_s)
    table["deficit"] = table["agents_needed"] - table["agents_seen"]
    short = table[(table["deficit"] >= cfg["min_deficit"]) & (table["service_level"] < sl_t)]
    worst = short.sort_values("deficit", ascending=False).head(4)
    slots_fr = "; ".join(
        f"{r.slot} : {_num(r.calls_per_day, 'fr')} appels/jour, DMT {_num(r.aht_s, 'fr', 0)} s → "
        f"{r.agents_needed} conseillers requis, {_num(r.agents_seen, 'fr')} vus"
        for r in worst.itertuples()
    )
    slots_en = "; ".join(
        f"{r.slot}: {_num(r.calls_per_day, 'en')} calls/day, AHT {_num(r.aht_s, 'en', 0)} s → "
        f"{r.agents_needed} agents needed, {_num(r.agents_seen, 'en')} seen"
        for r in worst.itertuples()
    )
    obs_fr = (
        f"Vitesse moyenne de réponse {_num(mean, 'fr', 0)} s ({_ci(lo, hi, 'fr', 's', 0)}, "
        f"{_n(n, 'fr')}) au-dessus de l'objectif de {_num(tgt, 'fr', 0)} s. Estimation Erlang C "
        f"pour {_pct(sl_t, 'fr', 0)} en {sl_s:g} s : "
        + (
            slots_fr
            if len(worst)
            else "aucune demi-heure n'affiche d'écart net entre conseillers requis et vus"
        )
        + "."
    )
    obs_en = (
        f"Average speed of answer {_num(mean, 'en', 0)} s ({_ci(lo, hi, 'en', 's', 0)}, "
        f"{_n(n, 'en')}) above the {_num(tgt, 'en', 0)} s target. Erlang C estimate for "
        f"{_pct(sl_t, 'en', 0)} in {sl_s:g} s: "
        + (
            slots_en
            if len(worst)
            else "no half-hour shows a clear gap between agents needed and seen"
        )
        + "."
    )
    return [
        _finding(
            rule,
            cfg,
            {"slot": worst["slot"].tolist()} if len(worst) else {},
            (obs_fr, obs_en),
            "effectif probablement insuffisant sur ces créneaux",
            "probably too few agents in these slots",
            {
                "asa_s": mean,
                "ci_low": lo,
                "ci_high": hi,
                "n": n,
                "asa_target_s": tgt,
                "sl_target": sl_t,
                "sl_seconds": sl_s,
                "deficit_slots": worst["slot"].tolist(),
            },
            table,
            {"x": "slot", "y": "agents_needed", "y2": "agents_seen", "unit": "count"},
        )
    ]


# ---------------------------------------------------------------- own: declared vs survey FCR


def check_fcr_declared_vs_survey(rule, d: RuleData, cfg, settings):
    c = d.need("contacts", "contact_id", "resolved_first_contact")
    s = d.need("surveys", "contact_id", "resolved_declared")
    look = c[["contact_id", "resolved_first_contact"]].dropna().drop_duplicates("contact_id")
    j = s[["contact_id", "resolved_declared"]].dropna().merge(look, on="contact_id")
    _min_n(
        len(j),
        cfg,
        "réponses reliées à un contact avec FCR déclaré",
        "answers linked to a contact with declared FCR",
    )
    g = paired_gap(
        j["resolved_first_contact"].astype(bool).to_numpy(),
        j["resolved_declared"].astype(bool).to_numpy(),
    )
    if not (
        g["p"] < cfg["alpha"]
        and abs(g["gap"]) >= cfg["min_gap_pts"]
        and (g["ci_low"] > 0 or g["ci_high"] < 0)
    ):
        return []
    table = pd.DataFrame(
        {
            "measure": ["declared", "survey"],
            "value": [g["a_pct"], g["b_pct"]],
            "n": [g["n"], g["n"]],
        }
    )
    obs_fr = (
        f"Sur {g['n']} contacts enquêtés, les conseillers déclarent {_pct(g['a_pct'], 'fr')} de "
        f"résolution au premier contact, les clients {_pct(g['b_pct'], 'fr')} : écart "
        f"{_num(g['gap'], 'fr')} pts ({_ci(g['ci_low'], g['ci_high'], 'fr', 'pts')}, McNemar "
        f"{_p(g['p'], 'fr')})."
    )
    obs_en = (
        f"On {g['n']} surveyed contacts, agents declare {_pct(g['a_pct'], 'en')} first-contact "
        f"resolution, customers {_pct(g['b_pct'], 'en')}: gap {_num(g['gap'], 'en')} pts "
        f"({_ci(g['ci_low'], g['ci_high'], 'en', 'pts')}, McNemar {_p(g['p'], 'en')})."
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "la résolution déclarée et la résolution ressentie divergent",
            "declared and perceived resolution disagree",
            {"paired": g},
            table,
            {"x": "measure", "y": "value", "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- own: scores opposite FCR


def check_scores_opposite_fcr(rule, d: RuleData, cfg, settings):
    fcr_kpi = str(cfg["fcr_kpi"])
    f = d.weekly(fcr_kpi)
    if len(f) < cfg["min_weeks"]:
        raise Undecidable(
            f"{len(f)} semaines complètes de FCR, il en faut {cfg['min_weeks']}",
            f"{len(f)} complete weeks of FCR, {cfg['min_weeks']} needed",
        )
    fs = wls_slope(np.arange(len(f), dtype=float), f["value"], f["n"])
    tests, series = [], []
    for kpi in ("csat", "nps"):
        try:
            r = d.kpi(kpi, period="week")
        except Undecidable:
            continue
        r = r[r["period"].isin(f["period"]) & r["value"].notna() & (r["n"] >= 5)]
        if len(r) < cfg["min_weeks"]:
            continue
        x = np.searchsorted(f["period"].to_numpy(), r["period"].to_numpy()).astype(float)
        ss = wls_slope(x, r["value"], r["n"])
        tests.append(
            {"kpi": kpi, **{k: ss[k] for k in ("slope", "ci_low", "ci_high", "p")}, "weeks": len(r)}
        )
        series.append(r[["period", "value", "n"]].assign(kpi=kpi))
    if not tests:
        raise Undecidable(
            f"il faut des notes CSAT ou NPS sur au moins {cfg['min_weeks']} semaines",
            f"needs CSAT or NPS scores over at least {cfg['min_weeks']} weeks",
            ["surveys.csat_score", "surveys.nps_score"],
        )
    t = pd.DataFrame(tests)
    t["p_holm"] = holm(t["p"].to_numpy())
    fcr_sig = fs["ci_low"] > 0 or fs["ci_high"] < 0
    opp = np.sign(t["slope"]) != np.sign(fs["slope"])
    t["flag"] = fcr_sig & opp & (t["p_holm"] < cfg["alpha"])
    if not t["flag"].any():
        return []
    r = t[t["flag"]].sort_values("p_holm").iloc[0]
    name = r["kpi"].upper()
    table = pd.concat([f[["period", "value", "n"]].assign(kpi=fcr_kpi), *series])
    obs_fr = (
        f"Sur {len(f)} semaines, le {fcr_kpi} évolue de {_num(fs['slope'], 'fr', 2)} pt/semaine "
        f"({_ci(fs['ci_low'], fs['ci_high'], 'fr', 'pts', 2)}) tandis que le {name} évolue en "
        f"sens inverse : {_num(r['slope'], 'fr', 2)} pt/semaine "
        f"({_ci(r['ci_low'], r['ci_high'], 'fr', 'pts', 2)}, {_p(r['p_holm'], 'fr')} après Holm)."
    )
    obs_en = (
        f"Over {len(f)} weeks, {fcr_kpi} moves by {_num(fs['slope'], 'en', 2)} pt/week "
        f"({_ci(fs['ci_low'], fs['ci_high'], 'en', 'pts', 2)}) while {name} moves the opposite "
        f"way: {_num(r['slope'], 'en', 2)} pt/week "
        f"({_ci(r['ci_low'], r['ci_high'], 'en', 'pts', 2)}"
        f", Holm-adjusted {_p(r['p_holm'], 'en')})."
    )
    return [
        _finding(
            rule,
            cfg,
            {},
            (obs_fr, obs_en),
            "la résolution déclarée ne se traduit pas dans le ressenti client (clôtures "
            "trop rapides, ou population enquêtée qui change)",
            "declared resolution does not show in what customers feel (closing too fast, or a "
            "changing surveyed population)",
            {"fcr_slope": fs, "scores": _records(t)},
            table,
            {"x": "period", "y": "value", "color": "kpi", "unit": "%"},
        )
    ]


# ---------------------------------------------------------------- the rules

_ALPHA_NOTE = "Holm family-wise error ≤ alpha over the segments tested"
_CAUTION_RECONTACT_FR = (
    "le taux de rappel ne dit pas « ce conseiller a mal fait son travail » mais « le client a dû "
    "revenir parce que le parcours a laissé une faille quelque part »."
)
_CAUTION_RECONTACT_EN = (
    'recontact does not say "this agent did badly" but "the journey let the customer down '
    'somewhere".'
)

RULES: list[Rule] = [
    Rule(
        "fcr_ok_recontact_rising",
        1,
        SEEDS["003"],
        "FCR bon mais recontact en hausse",
        "FCR good but recontact rising",
        "Taux de recontact (par contact) par semaine sur les trend_weeks dernières semaines "
        "complètes ; FCR déclaré sur la même période.",
        "Weekly per-contact recontact rate over the last trend_weeks complete weeks; declared "
        "FCR over the same weeks.",
        ("recontact_rate_contacts", "fcr"),
        (),
        "week",
        "Weighted OLS slope of the weekly recontact rate (weights n, residual variance) with its "
        "95 % t interval; fires when the interval excludes 0 upwards, the rise over the window "
        "≥ min_rise_pts, and declared FCR ≥ its target or not significantly falling.",
        {
            "trend_weeks": Param(8, "Weeks in the trend window.", "Semaines de la fenêtre."),
            "min_weeks": Param(6, "Minimum complete weeks.", "Semaines complètes minimales."),
            "min_rise_pts": Param(
                5.0,
                "Minimum rise over the window (points).",
                "Hausse minimale sur la fenêtre (points).",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "auditer l'exécution des engagements post-appel (remboursements, renvois de colis).",
        "audit how post-contact commitments are carried out (refunds, parcels re-sent).",
        _CAUTION_RECONTACT_FR,
        _CAUTION_RECONTACT_EN,
        (
            "contacts.customer_id",
            "contacts.started_at",
            "contacts.motif",
            "contacts.resolved_first_contact",
        ),
        0.025,
        "one-sided 95 % slope interval: ≤ 2.5 % when recontact is flat",
        "trend",
        check_fcr_ok_recontact_rising,
    ),
    Rule(
        "recontact_varies_by_motif",
        2,
        SEEDS["003"],
        "Le recontact varie selon le motif",
        "Recontact varies by motif",
        "Taux de recontact après un contact décroché (100 − FCR mesuré), par motif, sur toute la "
        "période.",
        "Recontact rate after an answered contact (100 − measured FCR) by motif, over the whole "
        "period.",
        ("fcr_measured", "recontact_rate_contacts"),
        ("motif",),
        None,
        "Chi-square heterogeneity test across motifs (2 × k, motifs with expected counts < "
        "min_expected merged), then each motif vs the rest (two-proportion z-test, Holm); fires "
        "for a motif with Holm p < alpha and rate ≥ min_ratio × the rest.",
        {
            "min_ratio": Param(
                1.3, "Minimum ratio motif ÷ other motifs.", "Rapport minimal motif ÷ autres motifs."
            ),
            "min_expected": Param(
                5.0,
                "Minimum expected count per cell (chi-square).",
                "Effectif attendu minimal par case (χ²).",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "revoir les workflows entre le support et les métiers (back-office) sur ce motif.",
        "review the workflows between support and business teams (back office) for this motif.",
        _CAUTION_RECONTACT_FR,
        _CAUTION_RECONTACT_EN,
        ("contacts.customer_id", "contacts.started_at", "contacts.motif"),
        0.05,
        _ALPHA_NOTE + " (chi-square gate and min_ratio make it lower)",
        "bars_ci",
        check_recontact_by_motif,
    ),
    Rule(
        "recontact_follows_volume",
        3,
        SEEDS["003"],
        "Le recontact monte après une montée en charge",
        "Recontact rises after a volume rise",
        "Volume de contacts et taux de recontact après un contact décroché (100 − FCR mesuré) "
        "par semaine, décalage de 0 à max_lag_weeks.",
        "Weekly contact volume and recontact rate after an answered contact (100 − measured "
        "FCR), lag 0 to max_lag_weeks.",
        ("volume", "recontact_rate_contacts"),
        (),
        "week",
        "Pearson correlation of weekly volume with the recontact rate lag weeks later, both "
        "linearly detrended, Fisher-z 95 % interval (SE 1/√(m−4)); one-sided p, Holm over the "
        "lags; fires when Holm p < alpha, r ≥ min_r and volume varies (CV ≥ min_cv).",
        {
            "max_lag_weeks": Param(
                2, "Largest lag tested (weeks).", "Décalage maximal (semaines)."
            ),
            "min_weeks": Param(10, "Minimum complete weeks.", "Semaines complètes minimales."),
            "min_r": Param(0.4, "Minimum correlation.", "Corrélation minimale."),
            "min_cv": Param(
                0.05,
                "Minimum coefficient of variation of weekly volume.",
                "Coefficient de variation minimal du volume hebdomadaire.",
            ),
        },
        "warning",
        "prioriser les tickets critiques et renforcer l'encadrement pendant les pics.",
        "prioritise critical tickets and reinforce supervision during peaks.",
        "une corrélation dans le temps n'est pas une preuve de cause : un même incident peut "
        "créer le volume et les rappels. " + _CAUTION_RECONTACT_FR,
        "a correlation over time is not proof of cause: one incident can create both the volume "
        "and the recontacts. " + _CAUTION_RECONTACT_EN,
        ("contacts.customer_id", "contacts.started_at", "contacts.motif"),
        0.05,
        _ALPHA_NOTE + " (over the lags)",
        "dual_trend",
        check_recontact_follows_volume,
    ),
    Rule(
        "fcr_declared_above_measured",
        4,
        SEEDS["003"],
        "FCR déclaré bien au-dessus du FCR mesuré",
        "Declared FCR well above measured FCR",
        "Sur les mêmes contacts décrochés (fenêtre complète) : drapeau « résolu » du conseiller "
        "vs absence de recontact.",
        "On the same answered contacts (complete window): the agent's resolved flag vs no "
        "recontact.",
        ("fcr", "fcr_measured"),
        ("provider",),
        None,
        "Paired comparison (McNemar) with the 95 % interval of the paired difference; fires "
        "when the interval is above 0, p < alpha and the gap ≥ min_gap_pts.",
        {
            "min_gap_pts": Param(5.0, "Minimum gap (points).", "Écart minimal (points)."),
            "min_n": MIN_N,
        },
        "warning",
        "contrôler un échantillon de tickets clos « résolus » qui sont revenus.",
        "review a sample of tickets closed as resolved that came back.",
        "le FCR mesuré dépend de la fenêtre et de la définition du « même problème » (même motif "
        "par défaut). " + _CAUTION_RECONTACT_FR,
        "measured FCR depends on the window and on what counts as the same problem (same motif "
        "by default). " + _CAUTION_RECONTACT_EN,
        ("contacts.resolved_first_contact", "contacts.customer_id", "contacts.started_at"),
        0.025,
        "one-sided at 95 %, plus the min_gap_pts materiality threshold",
        "paired_bars",
        check_fcr_declared_above_measured,
    ),
    Rule(
        "long_wait",
        5,
        SEEDS["003"],
        "Attente moyenne trop longue",
        "Average wait too long",
        "Temps d'attente moyen des appels entrants présentés, par heure de la journée.",
        "Mean wait of offered inbound calls, by hour of day.",
        ("avg_wait", "dmt"),
        ("hour",),
        None,
        "Student 95 % interval of the mean wait; fires when its lower bound is above the "
        "avg_wait target.",
        {"min_n": MIN_N},
        "alert",
        "revoir le dimensionnement, la gestion des pics (voire leur externalisation) et la DMT.",
        "review staffing, peak management (possibly outsourcing the peaks) and handling time.",
        "l'attente seule ne dit pas laquelle des trois causes joue : croiser avec la DMT et le "
        "profil horaire.",
        "waiting time alone does not say which of the three causes is at work: cross it with "
        "handling time and the hourly profile.",
        ("contacts.wait_s", "contacts.answered", "contacts.started_at"),
        0.025,
        "one-sided 95 % interval vs the target: ≤ 2.5 % at the boundary",
        "bars_ci",
        check_long_wait,
    ),
    Rule(
        "dmt_short_within_motif",
        6,
        SEEDS["003"],
        "DMT plus courte que d'habitude à motif égal",
        "Handling time shorter than usual for the same motif",
        "DMT (talk + hold + acw) de chaque conseiller comparée à celle de ses pairs à motif, "
        "canal, niveau et prestataire égaux.",
        "Each agent's handling time compared with peers' for the same motif, channel, level and "
        "provider.",
        ("dmt",),
        ("agent_id", "motif"),
        None,
        "Log handling time minus the peers' mean log time in the same stratum (leave-one-agent-"
        "out); one-sided t-test per agent, Holm over agents; fires when Holm p < alpha and the "
        "ratio ≤ 1 − min_gap.",
        {
            "segment": Param(
                "agent_id",
                "Field compared (agent_id, team…).",
                "Champ comparé (conseiller, équipe…).",
            ),
            "min_gap": Param(
                0.25,
                "Minimum relative gap (0.25 = 25 % shorter).",
                "Écart relatif minimal (0,25 = 25 % plus court).",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "écouter des appels : qualification de la question, back-office (historisation), "
        "contenu de la réponse.",
        "listen to calls: question qualification, back office (logging), answer content.",
        "une DMT courte n'est pas une faute : la DMT dépend du type de question, la comparaison "
        "n'a de sens qu'à motif égal et reste une piste.",
        "a short handling time is not a fault: it depends on the question type, the comparison "
        "only holds within motif and stays a lead.",
        ("contacts.talk_s", "contacts.motif", "contacts.agent_id"),
        0.05,
        _ALPHA_NOTE + " (and the min_gap materiality threshold)",
        "bars_ci",
        check_dmt_short,
    ),
    Rule(
        "avoidable_high",
        7,
        SEEDS["003"],
        "Taux de contacts évitables élevé",
        "High avoidable-contact rate",
        "Part des contacts évitables (drapeau ou liste de motifs des réglages).",
        "Share of avoidable contacts (flag or list of motifs from the settings).",
        ("avoidable_rate",),
        ("motif",),
        None,
        "Wilson 95 % interval and one-sided score test vs the avoidable_rate target; fires when "
        "the lower bound is above the target.",
        {"min_n": MIN_N},
        "warning",
        "remonter les motifs évitables aux équipes produit, marketing et logistique, et aligner "
        "la définition d'« évitable ».",
        "take the avoidable motifs to product, marketing and logistics, and align the "
        "definition of 'avoidable'.",
        "ce taux mesure l'organisation, pas les conseillers ; il dépend de la définition "
        "d'« évitable » que l'entreprise se donne.",
        "this rate measures the organisation, not the agents; it depends on the company's own "
        "definition of 'avoidable'.",
        ("contacts.avoidable",),
        0.025,
        "one-sided 95 % interval vs the target",
        "pareto",
        check_avoidable_high,
    ),
    Rule(
        "transfer_high",
        8,
        SEEDS["003"],
        "Taux de transfert élevé",
        "High transfer rate",
        "Taux de transfert des contacts de niveau 1, global et par motif, avec les types de "
        "transfert.",
        "Level-1 transfer rate, overall and by motif, with transfer types.",
        ("transfer_rate",),
        ("motif", "transfer_to"),
        None,
        "One-sided score test vs the transfer_rate target, overall (with Wilson interval) and per "
        "motif (Holm over motifs).",
        {"min_n": MIN_N},
        "info",
        "regarder les types de transfert et les motifs pour cibler formation, documentation, "
        "procédures.",
        "look at transfer types and motifs to target training, documentation, procedures.",
        "un taux de transfert élevé n'est pas un problème en soi : il dépend des demandes et de "
        "l'autonomie voulue pour le niveau 1.",
        "a high transfer rate is not a problem in itself: it depends on the requests and on how "
        "autonomous level 1 is meant to be.",
        ("contacts.transferred", "contacts.motif"),
        0.05,
        _ALPHA_NOTE + " (motifs) + 2.5 % (overall)",
        "bars_ci",
        check_transfer_high,
    ),
    Rule(
        "survey_sample_small",
        9,
        SEEDS["003"],
        "Trop peu de réponses aux enquêtes",
        "Too few survey answers",
        "Nombre de réponses CSAT / NPS / CES, au total et par mois.",
        "Number of CSAT / NPS / CES answers, overall and by month.",
        ("csat", "nps", "ces"),
        (),
        "month",
        "Sample-size rule: n < min_n answers (overall, else per month).",
        {"min_n": MIN_N},
        "info",
        "ne pas classer ni comparer ces scores ; les lire avec leurs verbatims.",
        "do not rank or compare these scores; read them with their verbatims.",
        "« une note mesure, un verbatim explique » : un score sans assez de réponses ne dit rien "
        "de significatif.",
        "'a score measures, a verbatim explains': a score without enough answers says nothing "
        "significant.",
        ("surveys.csat_score",),
        0.0,
        "deterministic count rule (no sampling error)",
        "bars",
        check_survey_sample_small,
    ),
    Rule(
        "answer_abandon_not_100",
        10,
        SEEDS["002"],
        "Décroché + abandon ≠ 100 %",
        "Answer rate + abandon rate ≠ 100%",
        "Contacts présentés : décrochés, abandonnés, ni l'un ni l'autre ; par canal et file.",
        "Presented contacts: answered, abandoned, neither; by channel and queue.",
        ("answer_rate", "abandon_rate"),
        ("canal", "queue"),
        None,
        "Accounting identity with a tolerance: fires when |100 − (answer + abandon)| ≥ "
        "tolerance_pts over at least min_count contacts (or when the short-abandon setting "
        "removes that many).",
        {
            "tolerance_pts": Param(0.5, "Tolerance (points).", "Tolérance (points)."),
            "min_count": Param(
                5, "Minimum contacts in the gap.", "Contacts minimaux dans l'écart."
            ),
            "min_n": MIN_N,
        },
        "warning",
        "vérifier débordements, rappels automatiques et export (valeurs manquantes).",
        "check overflow, callbacks and the export (missing values).",
        "l'égalité décroché + abandon = 100 % ne vaut que sans débordement ni ticket de rappel.",
        "answer + abandon = 100% only holds without overflow or callback tickets.",
        ("contacts.answered",),
        0.0,
        "deterministic identity (no sampling error)",
        "bars",
        check_answer_abandon,
    ),
    Rule(
        "qos_below_nf345",
        11,
        SEEDS["002"],
        "Qualité de service sous le seuil NF 345",
        "Quality of service below NF 345",
        "Appels traités ÷ appels présentés (téléphone entrant), par mois.",
        "Handled ÷ presented calls (inbound phone), by month.",
        ("qos_rate",),
        (),
        "month",
        "Wilson 95 % interval and one-sided score test vs threshold_pct; fires when the upper "
        "bound is below it.",
        {
            "threshold_pct": Param(90.0, "NF 345 threshold (%).", "Seuil NF 345 (%)."),
            "min_n": MIN_N,
        },
        "alert",
        "renforcer la prise d'appels (effectifs, débordement, rappel) pour repasser au-dessus "
        "du seuil.",
        "reinforce call handling (staff, overflow, callback) to get back above the threshold.",
        "le seuil NF 345 porte sur les appels ; un export sans drapeau « présenté » compte les "
        "contacts au décroché connu.",
        "the NF 345 threshold is about calls; an export without an 'offered' flag counts "
        "contacts with a known answered value.",
        ("contacts.answered",),
        0.025,
        "one-sided 95 % interval vs the threshold",
        "trend",
        check_qos_below_nf345,
    ),
    Rule(
        "motifs_concentrated",
        12,
        SEEDS["000"],
        "Quelques motifs portent l'essentiel du volume",
        "A few motifs carry most of the volume",
        "Pareto des motifs : part des top_share_of_motifs motifs les plus fréquents.",
        "Motif Pareto: share of the top_share_of_motifs most frequent motifs.",
        ("motifs",),
        ("motif",),
        None,
        "Wilson 95 % interval of the share of the top ⌈top_share_of_motifs × motifs⌉ motifs; "
        "fires when its lower bound ≥ volume_share.",
        {
            "top_share_of_motifs": Param(
                0.2,
                "Share of motifs counted as 'a few'.",
                "Part des motifs comptés comme « quelques-uns ».",
            ),
            "volume_share": Param(
                0.5, "Volume share they must carry.", "Part du volume qu'ils doivent porter."
            ),
            "min_n": MIN_N,
        },
        "info",
        "prioriser FAQ et selfcare sur ces motifs pour réduire les contacts de niveau 1.",
        "prioritise FAQ and self-care on these motifs to cut level-1 contacts.",
        "un motif fréquent n'est pas forcément évitable : vérifier ce que le client cherchait.",
        "a frequent motif is not necessarily avoidable: check what the customer was after.",
        ("contacts.motif",),
        0.025,
        "one-sided 95 % interval vs the threshold",
        "pareto",
        check_motifs_concentrated,
    ),
    Rule(
        "score_moved_after_event",
        13,
        SEEDS["003"],
        "Un score a bougé après une formation ou un changement",
        "A score moved after a training or change",
        "NPS et CSAT avant / après une date (réglages event_date, event_motif, ou events), "
        "sur le motif visé comparé aux autres motifs.",
        "NPS and CSAT before / after a date (settings event_date, event_motif, or events), on "
        "the motif concerned compared with the other motifs.",
        ("nps", "csat"),
        ("motif",),
        None,
        "Difference-in-differences within ±window_days of the date (motif after − before minus "
        "others after − before), normal test with trinomial (NPS) / binomial (CSAT) variances, "
        "Holm over the tests; fires when Holm p < alpha and |change| ≥ min_change.",
        {
            "event_date": Param(None, "Date of the training/change.", "Date de la formation."),
            "event_motif": Param(None, "Motif concerned (optional).", "Motif visé (facultatif)."),
            "event_label": Param("", "Label.", "Libellé."),
            "window_days": Param(90, "Days before and after.", "Jours avant et après."),
            "min_change_nps": Param(
                10.0, "Minimum NPS change (points).", "Variation minimale du NPS (points)."
            ),
            "min_change_csat": Param(
                5.0, "Minimum CSAT change (points).", "Variation minimale du CSAT (points)."
            ),
            "min_n": MIN_N,
        },
        "info",
        "documenter l'effet de l'action et l'étendre si elle a marché (ou la revoir sinon).",
        "document the action's effect and extend it if it worked (or revisit it if not).",
        "avant / après n'est pas une expérience : d'autres changements à la même date peuvent "
        "jouer ; la comparaison aux autres motifs en retire une partie.",
        "before / after is not an experiment: other changes at the same date may play; the "
        "comparison with the other motifs removes part of them.",
        ("surveys.nps_score", "surveys.answered_at", "settings.event_date"),
        0.05,
        _ALPHA_NOTE + " (over events × scores)",
        "bars_ci",
        check_score_after_event,
    ),
    Rule(
        "hno_share_high",
        None,
        SEEDS["002"],
        "Part HNO élevée : horaires élargis ou message de dissuasion",
        "High out-of-hours share: extended hours or dissuasion message",
        "Part des contacts hors heures d'ouverture (paramètre opening_hours), par canal.",
        "Share of contacts outside opening hours (parameter opening_hours), by channel.",
        ("ho_hno",),
        ("canal",),
        None,
        "One-sided score test vs share (Wilson interval shown), Holm over channels; fires for a "
        "channel with Holm p < alpha and at least min_per_week HNO contacts per week.",
        {
            "share": Param(0.10, "HNO share threshold (0.10 = 10 %).", "Seuil de part HNO."),
            "min_per_week": Param(
                5.0, "Minimum HNO contacts per week.", "Contacts HNO minimaux par semaine."
            ),
            "min_n": MIN_N,
        },
        "info",
        "étudier des horaires élargis sur ce canal, ou un message de dissuasion / messagerie "
        "pour le téléphone.",
        "consider extended hours on this channel, or a dissuasion message / voicemail for phone.",
        "les horaires d'ouverture viennent des réglages : s'ils ne sont pas ceux du centre, la "
        "part HNO est fausse.",
        "opening hours come from the settings: if they are not the centre's, the HNO share is "
        "wrong.",
        ("contacts.started_at",),
        0.05,
        _ALPHA_NOTE + " (over channels)",
        "bars_ci",
        check_hno_share,
    ),
    Rule(
        "staffing_erlang",
        None,
        SEEDS["003"],
        "Estimation d'effectif (Erlang C) quand l'attente est longue",
        "Staffing estimate (Erlang C) when waits are long",
        "Vitesse moyenne de réponse ; par demi-heure : appels présentés par jour, DMT, "
        "conseillers requis (Erlang C) et conseillers vus.",
        "Average speed of answer; per half-hour: offered calls per day, AHT, agents needed "
        "(Erlang C) and agents seen.",
        ("asa", "service_level", "dmt"),
        ("half_hour",),
        None,
        "Gate: Student 95 % interval of ASA above the asa target. Then Erlang C (M/M/N) per "
        "half-hour for the service_level target within sl_seconds; slots listed when needed − "
        "seen ≥ min_deficit and observed SL < target.",
        {
            "min_deficit": Param(
                1.0,
                "Minimum agents missing in a slot.",
                "Conseillers manquants minimaux sur un créneau.",
            ),
            "min_n": MIN_N,
        },
        "warning",
        "revoir la planification des créneaux en déficit (ou le débordement / rappel).",
        "review the schedule of the slots in deficit (or overflow / callback).",
        "Erlang C ignore les abandons et suppose des arrivées aléatoires : c'est un ordre de "
        "grandeur ; « vus » compte les conseillers ayant pris un appel, pas les connectés.",
        "Erlang C ignores abandons and assumes random arrivals: an order of magnitude; 'seen' "
        "counts agents who took a call, not those logged in.",
        ("contacts.wait_s", "contacts.answered", "contacts.started_at", "contacts.talk_s"),
        0.025,
        "one-sided 95 % interval of ASA vs the target",
        "staffing",
        check_staffing,
    ),
    Rule(
        "dmt_long_within_motif",
        None,
        SEEDS["003"],
        "DMT très au-dessus des pairs à motif égal",
        "Handling time far above peers for the same motif",
        "DMT de chaque conseiller comparée à celle de ses pairs à motif, canal, niveau et "
        "prestataire égaux.",
        "Each agent's handling time compared with peers' for the same motif, channel, level and "
        "provider.",
        ("dmt",),
        ("agent_id", "motif"),
        None,
        "As dmt_short_within_motif, upper tail: fires when Holm p < alpha and the ratio ≥ 1 + "
        "min_gap.",
        {
            "segment": Param("agent_id", "Field compared.", "Champ comparé."),
            "min_gap": Param(
                0.3,
                "Minimum relative gap (0.3 = 30 % longer).",
                "Écart relatif minimal (0,3 = 30 % plus long).",
            ),
            "min_n": MIN_N,
        },
        "info",
        "accompagner (écoute, base de connaissances) et vérifier les outils : une DMT longue "
        "pèse aussi sur l'attente.",
        "coach (call listening, knowledge base) and check the tools: long handling also weighs "
        "on waits.",
        "une DMT longue peut refléter des dossiers plus complexes que ne le dit le motif.",
        "long handling may reflect cases more complex than the motif says.",
        ("contacts.talk_s", "contacts.motif", "contacts.agent_id"),
        0.05,
        _ALPHA_NOTE + " (and min_gap)",
        "bars_ci",
        check_dmt_long,
    ),
    Rule(
        "fcr_declared_vs_survey",
        None,
        SEEDS["003"],
        "FCR déclaré et FCR enquête en désaccord",
        "Declared FCR and survey FCR disagree",
        "Contacts enquêtés : drapeau « résolu » du conseiller vs réponse « demande résolue ».",
        "Surveyed contacts: the agent's resolved flag vs the customer's 'request resolved'.",
        ("fcr", "fcr_survey"),
        (),
        None,
        "Paired comparison (McNemar, two-sided) with the 95 % interval of the paired "
        "difference; fires when p < alpha, the interval excludes 0 and |gap| ≥ min_gap_pts.",
        {
            "min_gap_pts": Param(10.0, "Minimum gap (points).", "Écart minimal (points)."),
            "min_n": MIN_N,
        },
        "warning",
        "relire des contacts où le client dit « non résolu » alors que le conseiller a dit "
        "« résolu ».",
        "read contacts where the customer says 'not resolved' while the agent said 'resolved'.",
        "le client juge le résultat final (parfois hors de portée du conseiller) ; les "
        "répondants ne sont pas tous les clients.",
        "the customer judges the final outcome (sometimes beyond the agent's reach); "
        "respondents are not all customers.",
        (
            "contacts.contact_id",
            "contacts.resolved_first_contact",
            "surveys.contact_id",
            "surveys.resolved_declared",
        ),
        0.05,
        "two-sided 5 % test, plus min_gap_pts",
        "paired_bars",
        check_fcr_declared_vs_survey,
    ),
    Rule(
        "scores_opposite_fcr",
        None,
        SEEDS["003"],
        "CSAT / NPS évoluent à l'inverse du FCR",
        "CSAT / NPS moving opposite to FCR",
        "Tendances hebdomadaires du FCR (fcr_kpi) et des scores CSAT et NPS.",
        "Weekly trends of FCR (fcr_kpi) and of CSAT and NPS.",
        ("fcr", "csat", "nps"),
        (),
        "week",
        "Weighted OLS slopes with 95 % t intervals; fires when the FCR slope interval excludes "
        "0 and a score's slope is of opposite sign with Holm p < alpha (over CSAT, NPS).",
        {
            "fcr_kpi": Param(
                "fcr", "FCR variant (fcr, fcr_measured, fcr_survey).", "Variante de FCR."
            ),
            "min_weeks": Param(8, "Minimum complete weeks.", "Semaines complètes minimales."),
        },
        "warning",
        "vérifier la clôture des demandes et ce que disent les verbatims des clients.",
        "check how requests are closed and what customers' verbatims say.",
        "deux tendances opposées ne prouvent pas un lien ; la population enquêtée peut changer.",
        "two opposite trends do not prove a link; the surveyed population may change.",
        ("contacts.resolved_first_contact", "surveys.csat_score", "surveys.answered_at"),
        0.0025,
        "both slopes must be significant: ≈ alpha/2 × alpha under independence",
        "multi_trend",
        check_scores_opposite_fcr,
    ),
]
RULES_BY_ID = {r.id: r for r in RULES}


# ---------------------------------------------------------------- running


def run_rules(
    tables: Mapping[str, pd.DataFrame],
    params: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    rules: Sequence[str] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Every rule on the tables: findings (kind "finding") first by severity, then the "cannot
    decide" notes (kind "insufficient_data", severity "info"). ``tables``: the **whole** tables;
    ``filters``: the global filters, applied by ``RuleData`` (recontact flags on every contact,
    then filtered, as the engine does) — never pass pre-filtered tables."""
    settings = dict(settings or {})
    wanted = rules or settings.get("rules")
    chosen = [RULES_BY_ID[r] for r in wanted] if wanted else RULES
    data = RuleData(tables, params, filters)
    found, notes = [], []
    for rule in chosen:
        cfg = _cfg(rule, settings)
        try:
            found.extend(rule.check(rule, data, cfg, settings))
        except Undecidable as err:
            notes.append(_insufficient(rule, err))
        except (NotComputable, KeyError) as err:
            notes.append(
                _insufficient(
                    rule,
                    Undecidable(
                        f"il manque des champs ({err})", f"missing fields ({err})", list(rule.needs)
                    ),
                )
            )
    order = {s: i for i, s in enumerate(SEVERITIES)}
    found.sort(key=lambda f: order[f.severity])
    return found + notes


def findings_json(findings: Sequence[Finding]) -> list[dict]:
    """JSON-able list: rule, seed_rule, severity, kind, segment, text_fr, text_en, evidence."""
    out = []
    for f in findings:
        rule = RULES_BY_ID.get(f.rule)
        out.append(
            {
                "rule": f.rule,
                "seed_rule": f.seed_rule,
                "severity": f.severity,
                "kind": f.kind,
                "segment": _jsonable(f.segment),
                "title_fr": rule.title_fr if rule else "",
                "title_en": rule.title_en if rule else "",
                "text_fr": f.text_fr,
                "text_en": f.text_en,
                "evidence": _jsonable(f.evidence),
            }
        )
    return out


def _jsonable(v):
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if not math.isfinite(float(v)) else float(v)
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (int, str)):
        return v
    return str(v)


def split_params(params: Mapping[str, Any] | None) -> tuple[dict, dict]:
    """Separate engine parameters (declared by a KPI) from rule settings (thresholds, targets,
    events, alpha, rule ids) in one ``{name: value}`` mapping, e.g. from ``--param``."""
    engine_names = REGISTRY.param_names()
    engine, settings = {}, {}
    for k, v in (params or {}).items():
        if k in engine_names or (k in REGISTRY and isinstance(v, Mapping)):
            engine[k] = v
        else:
            settings[k] = v
    thresholds = (
        {t for r in RULES for t in r.thresholds}
        | {"alpha", "targets", "events", "rules"}
        | set(RULES_BY_ID)
    )
    unknown = [k for k in settings if k not in thresholds and not k.startswith("target_")]
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown}; engine: {sorted(engine_names)}; "
            f"rules: {sorted(thresholds)}"
        )
    targets = dict(settings.get("targets") or {})
    for k in [k for k in settings if k.startswith("target_")]:
        targets[k[len("target_") :]] = settings.pop(k)
    if targets:
        settings["targets"] = targets
    return engine, settings


def cli_findings(tables: Mapping[str, pd.DataFrame], params: Mapping[str, Any] | None) -> dict:
    """What ``pilote findings`` prints (with the import report added by the CLI):
    ``{"findings": [...], "rules": n}``. ``params`` mixes engine parameters and rule settings
    (``target_<kpi>=value`` sets a target; ``<rule_id>={...}`` one rule's thresholds)."""
    engine, settings = split_params(params)
    found = run_rules(tables, engine, settings)
    return {"findings": findings_json(found), "rules": len(RULES)}
