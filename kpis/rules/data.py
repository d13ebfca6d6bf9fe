"""Data access for the rules: ``RuleData`` holds the whole tables, the engine parameters and the
global filters, and memoises the engine calls every rule shares (KPIs, weekly series, recontact
flags, handling time, phone and presented masks). Also what several rules must check first:
whether the timestamps carry a time of day (``has_time_of_day``), and which agent ids are
pseudo-agents (``sentinel_agents``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kpis.definitions import REGISTRY
from kpis.definitions._base import in_values
from kpis.filters import FilteredRows, filter_rows
from kpis.rules.model import Undecidable

# pseudo-agents of telephony and ticketing exports: no agent, the system, a bot, the IVR…
_SENTINEL = re.compile(
    r"^(no[ _-]?(server|agent|one)|none|null|nan|n/?a|unknown|inconnu|unassigned|non assign[ée]"
    r"|system|syst[eè]me|bot|chat ?bot|robot|ivr|svi|auto|automatic|automatique|-?0+|-1)"
    r"([ _.:-].*)?$"
)


def sentinel_agents(values: pd.Series) -> np.ndarray:
    """True where an agent id is a pseudo-agent: blank or missing, ``NO_SERVER``, "system",
    "bot", "robot", "ivr"/"svi", "auto", "unknown", numeric 0 or −1… (case-insensitive; a
    prefix such as "IVR_main" counts)."""
    text = values.astype("string").str.strip().str.lower()
    text = text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    blank = text.isna() | (text == "")
    return (blank | text.str.match(_SENTINEL).fillna(False)).to_numpy(dtype=bool)


def excluded_agents(df: pd.DataFrame, field: str = "agent_id") -> list[str]:
    """The distinct pseudo-agent ids of ``df[field]`` ("(vide)" for blanks), as stated in a
    finding; [] when the field is absent."""
    if field not in df.columns:
        return []
    m = sentinel_agents(df[field])
    return sorted(set(labels(df[field])[m]))


def has_time_of_day(t: pd.Series) -> bool:
    """False when every known timestamp sits at midnight (00:00:00): the export carries dates
    only, so hours, half-hours and opening hours cannot be read from it."""
    t = t.dropna()
    if not len(t) or not pd.api.types.is_datetime64_any_dtype(t.dtype):
        return False
    return bool((t != t.dt.normalize()).any())


BLANK = "(vide)"


def labels(values: pd.Series) -> np.ndarray:
    """A segment field as text keys; missing and blank values become "(vide)" (a key equal to
    itself, so every row falls in one segment)."""
    text = values.astype("string").str.strip()
    return text.mask(text.isna() | (text == ""), BLANK).astype(str).to_numpy()


def filter_cannot_apply(name: str, missing) -> Undecidable:
    """The rules reading ``name`` cannot decide: a filter's field is absent from it."""
    fields = ", ".join(missing)
    return Undecidable(
        f"le filtre sur {fields} ne s'applique pas à {name} (champ absent)",
        f"the filter on {fields} cannot apply to {name} (field absent)",
        [f"{name}.{f}" for f in missing],
    )


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
        date_only: bool = False,
    ):
        self.date_only = bool(date_only)
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
            raise filter_cannot_apply(name, picked.missing)
        rows = picked.rows
        return rows.drop(columns=picked.borrowed) if picked.borrowed else rows

    def need(self, table: str, *fields: str) -> pd.DataFrame:
        """``table(table)``, Undecidable when the table or one of ``fields`` is absent."""
        df = self.table(table)
        missing = [f"{table}.{f}" for f in fields if df is None or f not in df.columns]
        if df is None or missing:
            raise Undecidable(
                "il faut " + ", ".join(missing or [table]),
                "needs " + ", ".join(missing or [table]),
                missing or [table],
            )
        return df

    def time_of_day(self) -> bool:
        """True when ``contacts.started_at`` carries a time of day (``has_time_of_day`` on the
        whole column) and the import report did not say ``date_only``."""
        if "time_of_day" not in self._memo:
            c = self.tables.get("contacts")
            self._memo["time_of_day"] = (
                not self.date_only
                and c is not None
                and "started_at" in c.columns
                and has_time_of_day(c["started_at"])
            )
        return self._memo["time_of_day"]

    def require_time_of_day(self) -> None:
        """Undecidable when ``contacts.started_at`` carries no time of day (every timestamp at
        00:00:00, or ``date_only`` said by the import report)."""
        self.need("contacts", "started_at")
        if not self.time_of_day():
            raise Undecidable(
                "les horodatages ne portent pas d'heure (contacts.started_at à 00:00:00) : "
                "heures, créneaux et heures d'ouverture ne se lisent pas dans ces données",
                "the timestamps carry no time of day (contacts.started_at at 00:00:00): hours, "
                "slots and opening hours cannot be read from this data",
                ["contacts.started_at (with a time of day)"],
            )

    def param(self, name: str, kpi: str | None = None):
        """An engine parameter: the given value, else the default declared by ``kpi`` (or by
        the first KPI declaring it)."""
        if name in self.params:
            return self.params[name]
        for k in [REGISTRY.get(kpi)] if kpi else REGISTRY:
            if name in k.params:
                return k.params[name].default
        return None

    def compute(self, kpi_ids, by=None, period=None, filters=None) -> pd.DataFrame:
        """``kpis.engine.compute`` on the whole tables under the data's filters (``filters``
        adds to them, overriding field by field)."""
        filters = {**self.filters, **(filters or {})}
        key = ("compute", tuple(kpi_ids), tuple(by or ()), period, repr(filters))
        if key not in self._memo:
            self._memo[key] = self._engine_compute(
                list(kpi_ids), by=by, period=period, filters=filters or None,
                params=self.params or None,
            )  # fmt: skip
        return self._memo[key]

    def _engine_compute(self, kpi_ids, **kw) -> pd.DataFrame:
        """The engine that computes the KPI tables: in memory on the whole tables."""
        from kpis.engine import compute

        return compute(self.tables, kpi_ids, **kw)

    def kpi(self, kpi_id: str, by=None, period=None, filters=None) -> pd.DataFrame:
        """One KPI's rows; Undecidable when it is not computable."""
        r = self.compute([kpi_id], by, period, filters)
        if (r["status"] == "not_computable").all():
            from kpis.definitions import REGISTRY
            from kpis.labels import detail_text

            detail = r["detail"].iloc[0] if len(r) else ""
            k = REGISTRY.get(kpi_id)
            raise Undecidable(
                f"{k.name_fr} non calculable : {detail_text(detail, 'fr')}",
                f"{k.name_en} not computable: {detail_text(detail, 'en')}",
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
        """Presented contacts: ``offered`` when present, else those with a known ``answered``."""
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
