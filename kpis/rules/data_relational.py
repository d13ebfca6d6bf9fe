"""The rules' data when the tables live in a base (``pilote findings --engine``).

``RelationalRuleData`` answers what ``RuleData`` answers, asking the engine:

- ``compute`` / ``kpi`` / ``weekly``: ``kpis.relational.executor.compute`` on the source, with
  the same filters and parameters (the weekly series' time span is a MIN/MAX query): rules that
  read only KPI tables never bring a row out of the base;
- ``table`` / ``need``: the rows that pass the filters, filtered in the engine
  (``kpis.relational.rows``), with only the columns the chosen rules read (``ROW_FIELDS``, plus
  field names given as rule settings, e.g. ``by``), counted first: beyond ``MAX_ROWS`` the rule
  cannot decide and says why (it reads rows, the base holds N of them);
- ``recontact``: the flags computed by the engine on the whole contacts table
  (``with_recontact_flags``), then filtered like the rows;
- ``time_of_day``: one query on the whole ``contacts.started_at``; ``tables``: whole tables,
  fetched the same bounded way when a rule asks (a target's scale, suggested opening hours).

``ROW_FIELDS`` was measured from the check functions (the fields they and their helpers name,
plus those ``RuleData``'s helpers read); ``tests/test_rules_relational.py`` runs every rule in
memory on tables cut down to these columns and finds the same findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pandas as pd

from kpis.relational import rows as R
from kpis.relational.source import Source
from kpis.rules.data import RuleData, filter_cannot_apply
from kpis.rules.model import Undecidable

ITEMS = "item:*"  # every grid item column (item:<label>) of evaluations
_HANDLING = ("talk_s", "hold_s", "acw_s", "answered")  # RuleData.handling_time
_PHONE = ("canal", "direction")  # RuleData.phone
_PRESENTED = ("offered", "answered")  # RuleData.presented
_RECONTACT = ("customer_id", "started_at", "motif")  # RuleData.recontact (flags: the engine)

# Per row-reading rule, per table: the fields it (or a RuleData helper it calls) reads.
ROW_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "recontact_varies_by_motif": {"contacts": ("canal", "customer_id", "motif", "started_at")},
    "fcr_declared_above_measured": {
        "contacts": ("answered", "canal", "provider", "resolved_first_contact", "segment", "team")
        + _RECONTACT
    },
    "long_wait": {
        "contacts": ("answered", "csat_score", "queue", "segment", "started_at", "wait_s")
        + _HANDLING
        + _PHONE
    },
    "dmt_short_within_motif": {
        "contacts": ("agent_id", "canal", "motif", "niveau", "provider", "segment") + _HANDLING
    },
    "dmt_long_within_motif": {
        "contacts": ("agent_id", "canal", "motif", "niveau", "provider", "segment") + _HANDLING
    },
    "avoidable_high": {"contacts": ("avoidable", "canal", "csat_score", "motif")},
    "transfer_high": {"contacts": ("canal", "csat_score", "motif", "transfer_to", "transferred")},
    "survey_sample_small": {
        "surveys": ("answered_at", "canal", "ces_score", "comment", "csat_score", "nps_score")
        + ("segment",)
    },
    "answer_abandon_not_100": {"contacts": ("queue", "wait_s") + _PRESENTED + _PHONE},
    "qos_below_nf345": {"contacts": ("started_at",) + _PRESENTED + _PHONE},
    "motifs_concentrated": {
        "contacts": ("avoidable", "canal", "motif", "selfcare_redirected", "direction")
    },
    "score_moved_after_event": {
        "surveys": ("answered_at", "canal", "csat_score", "motif", "nps_score")
    },
    "hno_share_high": {"contacts": ("started_at",) + _PHONE},
    "staffing_erlang": {
        "contacts": ("agent_id", "csat_score", "started_at", "wait_s")
        + _HANDLING
        + _PHONE
        + _PRESENTED
    },
    "fcr_declared_vs_survey": {
        "contacts": ("canal", "contact_id", "resolved_first_contact"),
        "surveys": ("canal", "contact_id", "resolved_declared"),
    },
    "nps_csat_disagree": {"surveys": ("canal", "csat_score", "nps_score")},
    "effort_drivers": {
        "contacts": ("canal", "contact_id", "csat_score", "customer_id", "started_at")
        + ("transferred", "wait_s"),
        "surveys": ("canal", "ces_score", "contact_id", "csat_score", "customer_id"),
    },
    "quality_items_weak": {"evaluations": ("canal", "item", ITEMS)},
    "short_dmt_recontacts": {
        "contacts": ("agent_id", "canal", "motif", "niveau", "provider") + _HANDLING + _RECONTACT
    },
    "churn_with_satisfaction_drop": {
        "surveys": ("answered_at", "canal", "nps_score"),
        "customer_base": ("*",),
    },
    "overload_absence": {"contacts": ("agent_id", "canal", "started_at"), "hours": ("*",)},
    "interactions_to_close": {"contacts": ("canal", "customer_id", "motif", "started_at")},
    "automation_candidates": {
        "contacts": ("avoidable", "canal", "motif", "provider") + _HANDLING,
        "costs": ("*",),
        "hours": ("*",),
    },
}
# rules that read only KPI tables (compute / kpi / weekly): never a row out of the base
KPI_ONLY = (
    "fcr_ok_recontact_rising",
    "recontact_follows_volume",
    "scores_opposite_fcr",
    "service_level_far_below",
    "mttr_above_target",
)


def rule_fields(rule_ids: Sequence[str], settings: Mapping | None = None) -> dict[str, set[str]]:
    """Per table, the fields the rules read: ``ROW_FIELDS`` plus the field names their settings
    give (a ``by`` set to ``team``…)."""
    from kpis.rules.catalogue import RULES_BY_ID
    from kpis.rules.model import config

    out: dict[str, set[str]] = {}
    for rid in rule_ids:
        for table, fields in ROW_FIELDS.get(rid, {}).items():
            out.setdefault(table, set()).update(fields)
        rule = RULES_BY_ID.get(rid)
        if rule is None:
            continue
        for v in config(rule, settings or {}).values():
            names = v if isinstance(v, (list, tuple)) else [v]
            for table in ROW_FIELDS.get(rid, {}):
                out[table].update(x for x in names if isinstance(x, str))
    return out


class RelationalRuleData(RuleData):
    """``RuleData`` on a relational ``Source`` (see the module docstring). ``fields``: per
    table, the columns that may be fetched (``rule_fields``); ``max_rows``: the bound."""

    def __init__(
        self,
        source: Source,
        params: Mapping | None = None,
        filters: Mapping[str, Any] | None = None,
        date_only: bool = False,
        fields: Mapping[str, set[str]] | None = None,
        max_rows: int | None = None,
    ):
        self.source = source
        self.date_only = bool(date_only)
        self.params = dict(params or {})
        self.filters = dict(filters or {})
        self.fields = {k: set(v) for k, v in (fields or {}).items()}
        self.max_rows = R.MAX_ROWS if max_rows is None else int(max_rows)
        self._memo: dict = {}
        self._rows: dict[str, Any] = {}
        self.tables = WholeTables(self)

    # ------------------------------------------------------------ rows

    def _query(self, name: str) -> R.RowsQuery | None:
        if not self.source.has(name):
            return None
        if name not in self._rows:
            self._rows[name] = R.rows_query(self.source, name, self.filters)
        return self._rows[name]

    def columns_of(self, name: str, wanted: set[str] | None = None) -> list[str]:
        """The table's columns the rules may read (every column for ``*``)."""
        have = self.source.columns(name)
        wanted = self.fields.get(name, set()) if wanted is None else wanted
        if "*" in wanted:
            return have
        return [c for c in have if c in wanted or (ITEMS in wanted and c.startswith("item:"))]

    def bounded(self, name: str, n: int) -> None:
        """Undecidable when ``n`` rows of ``name`` would leave the base beyond the bound."""
        if n > self.max_rows:
            fr = R.beyond_bound({name: n}, self.max_rows, "fr")
            en = R.beyond_bound({name: n}, self.max_rows, "en")
            raise Undecidable(
                f"cette règle lit des lignes de la table {fr} ; lancez-la sur un extrait ou "
                "une période plus courte",
                f"this rule reads rows of the table {en}; run it on an extract or a shorter period",
                [f"{name} ≤ {self.max_rows} rows"],
            )

    def table(self, name: str) -> pd.DataFrame | None:
        """The rows of ``name`` that pass the filters (only the rules' columns; None when
        absent); Undecidable when a filter cannot apply or beyond ``max_rows`` rows."""
        q = self._query(name)
        if q is None:
            return None
        if q.missing:
            raise filter_cannot_apply(name, q.missing)
        key = ("rows", name)
        if key not in self._memo:
            n = self._memo.setdefault(("n", name), R.count(q.expr))
            self.bounded(name, n)
            self._memo[key] = R.fetch(self.source, name, q.expr, self.columns_of(name))
        return self._memo[key]

    def time_of_day(self) -> bool:
        """One query: does any ``contacts.started_at`` of the whole table carry a time?"""
        if "time_of_day" not in self._memo:
            ok = not self.date_only and "started_at" in self._columns("contacts")
            if ok:
                t = self.source.table("contacts").started_at
                hit = (t.notnull() & (t != t.truncate("D"))).any().execute()
                ok = bool(hit) if hit is not None and not pd.isna(hit) else False
            self._memo["time_of_day"] = ok
        return self._memo["time_of_day"]

    def _columns(self, name: str) -> list[str]:
        return self.source.columns(name) if self.source.has(name) else []

    def recontact(self) -> pd.DataFrame:
        """Recontact flags of the filtered contacts, computed by the engine on the whole
        contacts table (``with_recontact_flags``): ``eligible``, ``followed``, ``recontact``."""
        if "recontact" not in self._memo:
            from kpis.relational.executor import with_recontact_flags

            c = self.need("contacts", "customer_id", "started_at")
            p = {
                k: self.param(k, "recontact_rate_contacts")
                for k in ("window_days", "same_motif", "exclude_censored")
            }
            same = bool(p["same_motif"])
            if same and "motif" not in self._columns("contacts"):
                raise Undecidable(
                    "il faut contacts.motif", "needs contacts.motif", ["contacts.motif"]
                )
            whole = self.source.table("contacts")
            last = whole.started_at.max().execute()
            flagged = with_recontact_flags(whole, p, last)
            q = R.rows_query(self.source, "contacts", self.filters, t=flagged)
            got = q.expr.select("_flag_eligible", "_flag_followed", R.POSITION)
            got = got.order_by(R.POSITION).to_pandas()
            if len(got) != len(c):  # the same filter on the same table: never, or a bug
                raise RuntimeError("recontact flags and contact rows differ in number")
            eligible = got["_flag_eligible"].to_numpy(dtype=bool)
            followed = got["_flag_followed"].to_numpy(dtype=bool)
            rec = pd.array(followed, dtype="boolean")
            rec[~eligible] = pd.NA
            self._memo["recontact"] = pd.DataFrame(
                {"followed": followed, "eligible": eligible, "recontact": rec}, index=c.index
            )
        return self._memo["recontact"]

    # ------------------------------------------------------------ KPI tables

    def _engine_compute(self, kpi_ids, **kw) -> pd.DataFrame:
        """The KPI tables from ``kpis.relational.executor.compute`` on the source."""
        from kpis.relational.executor import compute

        return compute(self.source, kpi_ids, **kw)

    def _span(self) -> tuple | None:
        """(first, last) ``started_at`` of the filtered contacts (one MIN/MAX query)."""
        q = self._query("contacts")
        if q is None or "started_at" not in q.expr.columns:
            return None
        if q.missing:
            self.table("contacts")  # raises the same Undecidable as in memory
        if "span" not in self._memo:
            got = q.expr.aggregate(lo=q.expr.started_at.min(), hi=q.expr.started_at.max())
            row = got.to_pandas().iloc[0]
            self._memo["span"] = (pd.Timestamp(row["lo"]), pd.Timestamp(row["hi"]))
        return self._memo["span"]

    def weekly(self, kpi_id: str, filters=None) -> pd.DataFrame:
        """As ``RuleData.weekly``, the time span asked of the engine (no row fetched)."""
        r = self.kpi(kpi_id, period="week", filters=filters)
        r = r[r["period"].notna() & r["value"].notna()].sort_values("period")
        span = self._span()
        if span is not None and len(r) and not pd.isna(span[0]):
            lo, hi = span[0].normalize(), span[1].normalize()
            r = r[
                (r["period"] >= lo)
                & (r["period"] + pd.Timedelta(days=7) <= hi + pd.Timedelta(days=1))
            ]
        if len(r):
            r = r[r["n"] >= 0.5 * r["n"].median()]
        return r.reset_index(drop=True)


class WholeTables(Mapping):
    """``RuleData.tables`` on a base: a whole table (no filter) fetched when a rule asks, with
    the rules' columns, within the bound."""

    def __init__(self, data: RelationalRuleData) -> None:
        self.data = data
        self._got: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        d = self.data
        if not d.source.has(name):
            raise KeyError(name)
        if name not in self._got:
            expr = d.source.table(name)
            d.bounded(name, R.count(expr))
            self._got[name] = R.fetch(d.source, name, expr, d.columns_of(name))
        return self._got[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data.source.tables)

    def __len__(self) -> int:
        return len(self.data.source.tables)
