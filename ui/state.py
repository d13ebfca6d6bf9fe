"""Shared page setup: session state, the sidebar (pages, language, dataset, filters), loaders and
cached engine calls. Every page starts with ``ctx = setup("key")``.

Big imported frames are held once (``st.cache_resource`` for the sample data and for raw reads,
session state for the user's confirmed import); engine results are small and cached with
``st.cache_data`` on dataset id + KPIs + segments + filters + params.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.filters import TIME_FIELDS as TABLE_TIME_FIELDS
from kpis.filters import FilteredRows, filter_rows
from kpis.io.pipeline import ImportResult, apply_mapping, combine, prepare_events
from kpis.io.pseudonym import new_key
from kpis.io.readers import RawTable, read_any
from kpis.io.sample import (
    sample_engine_params,
    sample_imports,
    sample_period_inputs,
    sample_settings,
)
from kpis.labels import category_label
from kpis.schema import TABLES
from ui import filters_banner
from ui.errors import md_escape
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[1]
FILTER_FIELDS = ("canal", "direction", "motif", "niveau", "provider", "team", "agent_id")
# the row tables' time fields (the sidebar's date bounds come from these)
TIME_FIELDS = {k: TABLE_TIME_FIELDS[k] for k in ("contacts", "surveys", "evaluations")}
PAGES = (
    ("app.py", "nav_home", ":material/home:"),
    ("pages/1_Import.py", "nav_import", ":material/upload_file:"),
    ("pages/2_Tableau_de_bord.py", "nav_dashboard", ":material/dashboard:"),
    ("pages/3_Explorer.py", "nav_explorer", ":material/query_stats:"),
    ("pages/4_Qualite.py", "nav_quality", ":material/headset_mic:"),
    ("pages/5_Verbatims.py", "nav_verbatims", ":material/forum:"),
    ("pages/6_Parametres.py", "nav_settings", ":material/settings:"),
    ("pages/7_Glossaire.py", "nav_glossary", ":material/menu_book:"),
    ("pages/8_Analyses_croisees.py", "nav_cross", ":material/scatter_plot:"),
    ("pages/9_Comparaison_prestataires.py", "nav_compare", ":material/compare_arrows:"),
    ("pages/10_Carnet_d_audit.py", "nav_notebook", ":material/book:"),
    ("pages/11_Grande_base.py", "nav_bigbase", ":material/database:"),
)


@dataclass
class Dataset:
    """The tables in use: canonical frames by table name, plus the import results behind them."""

    id: str
    kind: str  # "sample" | "user"
    results: list[ImportResult]
    tables: dict[str, pd.DataFrame]
    period_inputs: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def files(self) -> list[str]:
        return [r.report["file"] for r in self.results]


@dataclass
class Ctx:
    """What a page needs: language, dataset, global filters, parameters and targets."""

    lang: str
    data: Dataset
    filters: dict
    date_range: tuple[dt.date, dt.date] | None
    params: dict  # the user's overrides; ``param()`` falls back to the KPI defaults
    targets: dict
    target_sources: dict = field(default_factory=dict)  # {kpi: "where the target comes from"}
    rules: dict = field(default_factory=dict)  # rule settings (the sample's training date…)

    def param(self, name: str, default=None):
        return self.params.get(name, default_params().get(name, default))

    def t(self, key: str, **kwargs) -> str:
        return t(key, self.lang, **kwargs)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.data.tables.get(name)

    @property
    def engine_filters(self) -> dict:
        """The sidebar's filters and period as the engine takes them."""
        return engine_filters(self.filters, self.date_range)

    def filter_rows(self, name: str) -> FilteredRows | None:
        """``kpis.filters.filter_rows`` of table ``name`` under the global filters (what the
        engine sees: surveys and evaluations borrow fields from contacts via ``contact_id``;
        ``missing`` lists the filters the table cannot take)."""
        df = self.table(name)
        if df is None:
            return None
        return filter_rows(df, self.engine_filters, table=name, contacts=self.table("contacts"))

    def filtered(self, name: str, note: bool = True) -> pd.DataFrame | None:
        """Rows of table ``name`` that pass the global filters; a filter the table cannot take
        is skipped, and said under the page's title when ``note``."""
        picked = self.filter_rows(name)
        if picked is None:
            return None
        if picked.missing and note:
            fields = ", ".join(field_label(f, self.lang) for f in picked.missing)
            st.caption(
                f"Filtre non appliqué à « {table_label(name, self.lang)} » (champ absent) : "
                f"{fields}."
                if self.lang == "fr"
                else f"Filter not applied to '{table_label(name, self.lang)}' (no such field): "
                f"{fields}."
            )
        return picked.rows

    @property
    def period_inputs(self) -> dict[str, pd.DataFrame]:
        """Costs, hours, customer base, headcount: the user's edits, else the dataset's."""
        ss = st.session_state
        if ss.get("period_inputs_for") == self.data.id:
            return ss["period_inputs"]
        return self.data.period_inputs

    def compute(self, kpi_ids, by=(), period=None, extra_filters=None) -> pd.DataFrame:
        filters = {**self.filters, **(extra_filters or {})}
        return cached_compute(
            f"{self.data.id}#{period_inputs_digest(self.period_inputs)}",
            tuple(kpi_ids),
            tuple(by),
            period,
            filters,
            self.date_range,
            _engine_params(self.params, self.data),
            _tables={**self.data.tables, **self.period_inputs},
        )


def period_inputs_digest(inputs: dict[str, pd.DataFrame]) -> str:
    """A digest of the period inputs' content: the engine cache is keyed on what the tables
    hold, so two sessions with different costs never share a cached result."""
    h = hashlib.blake2b(digest_size=12)
    for kind in sorted(inputs):
        h.update(kind.encode())
        h.update(pd.util.hash_pandas_object(inputs[kind], index=False).to_numpy().tobytes())
    return h.hexdigest()


def table_label(name: str, lang: str = "fr") -> str:
    tdef = TABLES.get(name)
    if tdef is None:
        return name
    return tdef.label_fr if lang == "fr" else tdef.label_en


def field_label(name: str, lang: str = "fr") -> str:
    """A canonical or period-input field's label (``kpis.labels``), else the name itself."""
    from kpis.labels import field_label as label_of

    if name == "period":
        return t("period", lang)
    return label_of(name, lang) or name


# ---------------------------------------------------------------- loaders


@st.cache_resource(show_spinner=False)
def sample_dataset() -> Dataset:
    """The bundled sample files, imported through the pipeline with their mapping files (once
    per process: the data is fictitious, so one pseudonymisation key serves every session)."""
    results = sample_imports(new_key())
    periods, _reports = sample_period_inputs()
    return Dataset("sample", "sample", results, combine(results), periods)


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def upload_digest(upload) -> str:
    """Digest of an uploaded file, computed once per upload (a 1 GB file takes a second)."""
    memo = st.session_state.setdefault("_upload_digests", {})
    fid = getattr(upload, "file_id", None) or upload.name
    if fid not in memo:
        memo[fid] = file_digest(upload.getvalue())
    return memo[fid]


@st.cache_resource(show_spinner=False, max_entries=4)
def read_raw(digest: str, filename: str, sheet, _data: bytes) -> RawTable:
    """One uploaded file read once (keyed on its content digest), kept for mapping edits."""
    return read_any(_data, filename, sheet=sheet)


@st.cache_resource(show_spinner=False, max_entries=8)
def events_cached(digest: str, sheet, collapse: bool, _raw: RawTable) -> RawTable:
    """The raw table with its event-log detection (``kpis.io.pipeline.prepare_events``), collapsed
    to one row per ticket when the user asked; computed once per file, sheet and choice."""
    return prepare_events(_raw, collapse_events=collapse)


@st.cache_resource(show_spinner=False, max_entries=8)
def apply_cached(
    digest: str, sheet, mapping_yaml: str, provider: str, _raw: RawTable, _mapping, _key: bytes
) -> ImportResult:
    """The pipeline on a raw table with one mapping (re-run only when the mapping changes)."""
    return apply_mapping(_raw, _mapping, key=_key, provider=provider or None)


def user_dataset(results: list[ImportResult], ids: list[str]) -> Dataset:
    return Dataset("user:" + "|".join(ids), "user", results, combine(results), {})


def session_key() -> bytes:
    """The session's pseudonymisation key (one per session/workspace)."""
    if "pseudo_key" not in st.session_state:
        st.session_state["pseudo_key"] = new_key()
    return st.session_state["pseudo_key"]


def sample_rule_settings(data: Dataset) -> tuple[dict, dict, dict]:
    """The sample's preset targets, their sources (the fictitious centre's contract) and rule
    settings (confirmed opening hours, the training date of rule 13) from
    ``sample_data/settings.json``; empty for the user's data."""
    if data.kind != "sample":
        return {}, {}, {}
    preset = sample_settings()
    rules = {k: v for k, v in preset.items() if k not in ("targets", "target_sources")}
    return dict(preset.get("targets") or {}), dict(preset.get("target_sources") or {}), rules


def sample_params(data: Dataset) -> dict:
    """The sample's preset engine parameters (its real opening hours, from
    ``sample_data/settings.json``), under the user's own."""
    return sample_engine_params() if data.kind == "sample" else {}


def current_dataset() -> Dataset:
    ds = st.session_state.get("dataset")
    return ds if ds is not None else sample_dataset()


# ---------------------------------------------------------------- filters


def engine_filters(filters: dict, date_range: tuple | None) -> dict:
    """Sidebar filters ({field: [values]}, empty = every value) and period (two days, both
    included) as the engine's filters: ``{field: [values], "date": (start, end)}``."""
    out = {
        k: list(v) if isinstance(v, list | tuple | set) else [v]
        for k, v in filters.items()
        if v is not None and (not isinstance(v, list | tuple | set) or len(v))
    }
    if date_range:
        out["date"] = (pd.Timestamp(date_range[0]), pd.Timestamp(date_range[1]))
    return out


def filter_frame(
    df: pd.DataFrame, filters: dict, date_range: tuple | None, table: str = "contacts"
) -> pd.DataFrame:
    """Rows of one frame under sidebar-style filters (``kpis.filters.filter_rows``; a filter on a
    field the frame lacks is skipped). Pages prefer ``Ctx.filtered``, which also borrows."""
    return filter_rows(df, engine_filters(filters, date_range), table=table).rows


@st.cache_data(show_spinner=False, max_entries=16)
def _sidebar_meta(data_id: str, _data: Dataset) -> tuple[dict, tuple | None]:
    """Filter options and date bounds of a dataset (computed once per dataset)."""
    return {f: _options(_data, f) for f in FILTER_FIELDS}, _date_bounds(_data)


def _options(data: Dataset, fld: str) -> list[str]:
    values: set[str] = set()
    for df in data.tables.values():
        if fld in df.columns:
            s = df[fld]
            uniq = s.cat.categories if isinstance(s.dtype, pd.CategoricalDtype) else s.dropna()
            values.update(str(v) for v in pd.unique(pd.Series(uniq)))
    return sorted(values)


def _date_bounds(data: Dataset) -> tuple[dt.date, dt.date] | None:
    lows, highs = [], []
    for name, tf in TIME_FIELDS.items():
        df = data.tables.get(name)
        if df is not None and tf in df.columns and df[tf].notna().any():
            lows.append(df[tf].min().date())
            highs.append(df[tf].max().date())
    return (min(lows), max(highs)) if lows else None


def _keep(key: str) -> None:
    """on_change: keep a copy of the widget's value under a plain session key."""
    st.session_state["_keep_" + key] = st.session_state[key]


def _restore(key: str, default, valid=None) -> None:
    """Widget values survive page switches: the kept copy is put back before the widget is
    drawn (Streamlit drops the state of widgets that a page run does not draw)."""
    value = st.session_state.get("_keep_" + key, default)
    st.session_state[key] = valid(value) if valid is not None else value


def _clear_filters() -> None:
    for fld in (*FILTER_FIELDS, "date"):
        st.session_state.pop("f_" + fld, None)
        st.session_state.pop("_keep_f_" + fld, None)


# ---------------------------------------------------------------- params


def registry():
    from kpis.definitions import REGISTRY

    return REGISTRY


def default_params() -> dict:
    """Every parameter name with its default (the first KPI declaring it gives the default)."""
    out: dict = {}
    for k in registry():
        for name, value in k.defaults.items():
            out.setdefault(name, value)
    return out


def default_targets() -> dict:
    return {k.id: k.default_target for k in registry()}


def kpi_name(kpi_id: str, lang: str = "fr") -> str:
    reg = registry()
    return reg.get(kpi_id).name(lang) if kpi_id in reg else kpi_id


SEGMENT_FIELDS = (
    "canal",
    "motif",
    "sous_motif",
    "niveau",
    "provider",
    "team",
    "agent_id",
    "site",
    "queue",
    "direction",
    "transfer_to",
    "evaluator",
    "grid",
)


def segment_fields(data: Dataset) -> list[str]:
    """Segment fields present in at least one loaded table, in a fixed order."""
    present = {c for df in data.tables.values() for c in df.columns}
    return [f for f in SEGMENT_FIELDS if f in present]


def _engine_params(params: dict, data: Dataset) -> dict:
    """Only the user's overrides go to the engine (each KPI keeps its own defaults)."""
    known = set(default_params())
    return {k: v for k, v in params.items() if k in known}


# ---------------------------------------------------------------- engine


@st.cache_data(show_spinner=False, max_entries=256)
def cached_compute(
    dataset_id: str, kpi_ids, by, period, filters, date_range, params, _tables: dict
) -> pd.DataFrame:
    from kpis.engine import compute

    eng_filters = engine_filters(filters, date_range)
    return compute(
        _tables,
        list(kpi_ids),
        by=list(by) or None,
        period=period,
        filters=eng_filters or None,
        params=params or None,
    )


# ---------------------------------------------------------------- setup


def setup(page: str, sidebar_values=None) -> Ctx:
    """Page config, state defaults and the shared sidebar; returns the page's context.
    ``sidebar_values(data, values, bounds)``: a page reading elsewhere than the imported files
    (the large base) gives the filter values and date bounds the sidebar offers."""
    st.set_page_config(
        page_title=f"Pilote — {t(page)}",
        page_icon="🎧",
        layout="wide",  # emoji: no font host
    )
    ss = st.session_state
    ss.setdefault("params", {})
    ss.setdefault("targets", {})
    if "notebook" not in ss:  # the audit notebook's cells (ui.notebook)
        from kpis.workspace import Workspace

        ss["notebook"] = Workspace()
    session_key()
    data = current_dataset()
    if ss.get("_filters_for") != data.id:  # another dataset: its values differ
        _clear_filters()
        ss["_filters_for"] = data.id
    sb = st.sidebar
    _restore("lang", "fr", lambda v: v if v in ("fr", "en") else "fr")
    lang = sb.radio(
        "Langue / Language",
        ["fr", "en"],
        key="lang",
        horizontal=True,
        format_func=lambda x: {"fr": "Français", "en": "English"}[x],
        on_change=_keep,
        args=("lang",),
    )
    for path, key, icon in PAGES:
        if (ROOT / path).exists():
            sb.page_link(path, label=t(key, lang), icon=icon)
    sb.divider()
    sb.subheader(t("dataset", lang))
    if data.kind == "sample":
        sb.warning(t("sample_banner", lang), icon=":material/science:")
    else:
        sb.caption(md_escape(", ".join(data.files)))
        if sb.button(t("back_to_sample", lang)):
            ss.pop("dataset", None)
            st.rerun()
    for name, df in data.tables.items():
        sb.caption(
            t("rows_table", lang, table=table_label(name, lang), n=fmt.integer(len(df), lang))
        )
    sb.divider()
    sb.subheader(t("filters", lang))
    options, bounds = _sidebar_meta(data.id, _data=data)
    if sidebar_values is not None:
        options, bounds = sidebar_values(data, options, bounds)
    date_range = None
    if bounds:

        def _valid_dates(v):
            if not isinstance(v, tuple | list) or len(v) != 2:
                return bounds
            lo = min(max(v[0], bounds[0]), bounds[1])
            return (lo, min(max(v[1], lo), bounds[1]))

        _restore("f_date", bounds, _valid_dates)
        picked = sb.date_input(
            t("period", lang),
            key="f_date",
            min_value=bounds[0],
            max_value=bounds[1],
            format="DD/MM/YYYY",
            on_change=_keep,
            args=("f_date",),
        )
        if isinstance(picked, tuple | list) and len(picked) == 2 and tuple(picked) != bounds:
            date_range = (picked[0], picked[1])
    filters = {}
    for fld in FILTER_FIELDS:
        opts = options[fld]
        if not opts:
            continue
        key = "f_" + fld
        _restore(key, [], lambda v, o=opts: [x for x in v if x in o])
        chosen = sb.multiselect(
            field_label(fld, lang),
            opts,
            key=key,
            format_func=lambda v, f=fld: category_label(f, v, lang),  # the code stays the value
            placeholder=t("all", lang),
            on_change=_keep,
            args=(key,),
        )
        if chosen:
            filters[fld] = list(chosen)
    sb.button(t("reset_filters", lang), on_click=_clear_filters)
    filters_banner.show(page, filters, date_range, lang)
    preset_targets, preset_sources, preset_rules = sample_rule_settings(data)
    return Ctx(
        lang=lang,
        data=data,
        filters=filters,
        date_range=date_range,
        params={**sample_params(data), **ss["params"]},
        targets={**default_targets(), **preset_targets, **ss["targets"]},
        # a target the user set is theirs, not the preset's source
        target_sources={k: v for k, v in preset_sources.items() if k not in ss["targets"]},
        rules=preset_rules,
    )
