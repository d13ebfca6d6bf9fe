"""Settings page pieces: one widget per engine parameter, the period-input editors, targets."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from kpis.errors import PiloteError
from kpis.io.period_inputs import read_period_input
from kpis.labels import category_label, hours_spec, hours_text, humanize
from ui.errors import show_error
from ui.i18n import STRINGS, choice_label, column_label, param_label, t, unit_label
from ui.state import Ctx, current_dataset, default_params, field_label, registry, sample_params

SECTIONS = {
    "opening_hours": ("opening_hours",),
    "recontact": ("window_days", "same_motif", "exclude_censored", "sla_hours"),
    "telephony": (
        "telephony_channels",
        "sl_seconds",
        "short_abandon_s",
        "abandons_in_sl",
        "level1_only",
        "level1_label",
        "conversion_denominator",
        "cost_base",
    ),
    "surveys": (
        "csat_scale",
        "csat_top_box",
        "ces_scale",
        "ces_high_is_effort",
        "ces_low_effort_boxes",
        "min_n",
    ),
    "avoidable": ("avoidable_motifs", "selfcare_canals"),
}
CHOICES = {
    "abandons_in_sl": ["counted", "excluded"],
    "conversion_denominator": ["known", "answered"],
    "cost_base": ["contacts", "handled"],
    "csat_scale": ["auto", "0-1", "1-3", "1-4", "1-5", "0-10", "1-10"],
    "ces_scale": ["auto", 5, 7],
    "agent_days_source": ["auto", "hours", "contacts"],
    "per": ["day", "hour"],
    "items": ["auto", "all"],
}
LIST_OPTIONS = {  # list parameters pick among the values of a field
    "avoidable_motifs": "motif",
    "selfcare_canals": "canal",
    "telephony_channels": "canal",
    "call_canals": "canal",
    "written_canals": "canal",
}
PERIOD_COLUMNS = {
    "costs": ["period_start", "period_end", "provider", "cost"],
    "hours": [
        "period_start",
        "period_end",
        "agent_id",
        "team",
        "provider",
        "planned_h",
        "absent_h",
        "worked_days",
    ],
    "customer_base": [
        "period_start",
        "period_end",
        "start",
        "new",
        "lost",
        "end",
        "renewals_due",
        "renewed",
    ],
    "headcount": ["period_start", "period_end", "provider", "avg_headcount", "leavers"],
}
PERIOD_LABELS = {
    "costs": ("Coûts par période", "Costs per period"),
    "hours": ("Heures planifiées et d'absence", "Planned and absent hours"),
    "customer_base": ("Base clients", "Customer base"),
    "headcount": ("Effectifs", "Headcount"),
}


def descriptions(lang: str) -> dict[str, str]:
    """Each parameter's help in words: the page's own text when it has one (``help_<name>``),
    else the KPI's, its option codes quoted as their labels (« counted » → « comptés au
    dénominateur ») and its field ids as labels (``kpis.labels.humanize``)."""
    out: dict[str, str] = {}
    for k in registry():
        for name, p in k.params.items():
            if name not in out:
                out[name] = help_text(name, p.description(lang), lang)
    return out


def help_text(name: str, text: str, lang: str) -> str:
    """One parameter's help without code names (see ``descriptions``)."""
    if "help_" + name in STRINGS:
        return t("help_" + name, lang)
    for opt in CHOICES.get(name, ()):
        words = choice_label(name, opt, lang)
        for q in ("« {} »", "'{}'"):
            text = text.replace(q.format(opt), q.format(words))
    return humanize(text, lang)


def _values(ctx: Ctx, fld: str) -> list[str]:
    vals: set[str] = set()
    for df in ctx.data.tables.values():
        if fld in df.columns:
            vals.update(df[fld].dropna().astype("str").unique())
    return sorted(vals)


def param_widget(ctx: Ctx, name: str, default, current, help_text: str):
    """A widget matching the parameter's default type; returns the chosen value."""
    key = "p_" + name
    label = param_label(name, ctx.lang)
    if name in CHOICES:
        opts = CHOICES[name]
        return st.selectbox(
            label,
            opts,
            index=opts.index(current) if current in opts else 0,
            key=key,
            help=help_text,
            format_func=lambda v: choice_label(name, v, ctx.lang),
        )
    if name in LIST_OPTIONS:
        fld = LIST_OPTIONS[name]
        opts = sorted(set(_values(ctx, fld)) | set(current or []))
        return st.multiselect(
            label,
            opts,
            default=list(current or []),
            key=key,
            help=help_text,
            placeholder=ctx.t("none"),
            format_func=lambda v: category_label(fld, v, ctx.lang),  # the code stays the value
        )
    if isinstance(default, bool):
        return st.checkbox(label, value=bool(current), key=key, help=help_text)
    if name in ("csat_top_box", "ces_low_effort_boxes", "min_n", "sla_hours") or isinstance(
        default, int | float
    ):
        value = current if isinstance(current, int | float) else None
        return st.number_input(
            label,
            value=value,
            min_value=0.0 if value is None else None,
            key=key,
            help=help_text,
            placeholder=choice_label(name, "auto", ctx.lang),
        )
    if name == "at":
        return st.date_input(label, value=current, key=key, help=help_text)
    if name == "opening_hours":  # French day names on a French page (stored in English)
        shown = hours_text(current, ctx.lang)
        return st.text_input(label, value=shown, key=key, help=help_text)
    return st.text_input(
        label, value="" if current is None else str(current), key=key, help=help_text
    )


def clean(name: str, value, default):
    """The widget value in the parameter's type (ints stay ints, empty text means default)."""
    if value is None or value == "":
        return default
    if name == "opening_hours":  # "lun-sam 08:00-20:00" kept as "mon-sat 08:00-20:00"
        return hours_spec(value)
    if isinstance(default, int) and not isinstance(default, bool) and isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date):
        return pd.Timestamp(value)
    return value


def overrides(chosen: dict) -> dict:
    """The parameters the user changed: those that differ from the defaults, the sample's preset
    included (so the sample's opening hours never follow the user to their own data)."""
    defaults = {**default_params(), **sample_params(current_dataset())}
    return {k: v for k, v in chosen.items() if v != defaults.get(k)}


def period_frame(ctx: Ctx, kind: str) -> pd.DataFrame:
    frame = ctx.period_inputs.get(kind)
    if frame is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PERIOD_COLUMNS[kind]})
    return frame


def period_editor(ctx: Ctx, kind: str) -> pd.DataFrame:
    """One period input, editable; headers in the page's language, the source row hidden."""
    frame = period_frame(ctx, kind)
    config: dict = {
        c: column_label(c, ctx.lang) or field_label(c, ctx.lang)
        for c in frame.columns
        if c != "_row"
    }
    config |= {
        c: st.column_config.DateColumn(config[c], format="DD/MM/YYYY")
        for c in ("period_start", "period_end")
        if c in frame.columns
    }
    if "_row" in frame.columns:
        config["_row"] = None
    return st.data_editor(
        frame, key=f"period_{kind}", num_rows="dynamic", hide_index=True, column_config=config
    )


def period_upload(ctx: Ctx, kind: str) -> pd.DataFrame | None:
    """A period-input file read like an export (report shown, rows set aside by reason);
    returns the table when the user chooses to use it."""
    upload = st.file_uploader(
        ctx.t("period_upload"), type=["csv", "txt", "xlsx", "parquet"], key=f"pu_{kind}"
    )
    if upload is None:
        return None
    try:
        frame, report = read_period_input(upload.getvalue(), kind, upload.name)
    except PiloteError as exc:
        show_error(exc, ctx.lang)
        return None
    st.caption(ctx.t("period_upload_report", **report))
    if report["set_aside"]:
        st.dataframe(pd.Series(report["set_aside"], name="n"))
    if st.button(ctx.t("period_upload_use"), key=f"pu_use_{kind}"):
        return frame
    return None


def store_period_inputs(ctx: Ctx, edited: dict[str, pd.DataFrame]) -> None:
    out = {}
    for kind, frame in edited.items():
        frame = frame.dropna(how="all")
        for c in ("period_start", "period_end"):
            if c in frame.columns:
                frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
        for c in ("provider", "team", "agent_id"):
            if c in frame.columns:
                frame[c] = frame[c].astype("category")
        if len(frame):
            out[kind] = frame.reset_index(drop=True)
    ss = st.session_state
    ss["period_inputs"] = out
    ss["period_inputs_for"] = ctx.data.id


def targets_editor(ctx: Ctx, key: str) -> None:
    """Editable targets (kept in the session; every page reads them)."""
    reg = registry()
    table = pd.DataFrame(
        {
            "id": reg.ids,
            "name": [k.name(ctx.lang) for k in reg],
            "unit": [unit_label(k.unit, ctx.lang) for k in reg],
            "direction": [ctx.t(k.direction) for k in reg],
            "target": [ctx.targets.get(k.id) for k in reg],
        }
    )
    labels = {c: ctx.t(c if c != "name" else "kpi") for c in ("name", "unit", "direction")}
    config = {c: st.column_config.TextColumn(label) for c, label in labels.items()}
    config["target"] = st.column_config.NumberColumn(column_label("target", ctx.lang))
    config["id"] = None  # the KPI's id: kept to apply the edit, not shown
    edited = st.data_editor(
        table, key=key, hide_index=True, disabled=["id", *labels], column_config=config
    )
    if st.button(ctx.t("apply"), key=key + "_apply"):
        new = dict(zip(edited["id"], edited["target"], strict=True))
        st.session_state["targets"] = {k: float(v) for k, v in new.items() if pd.notna(v)}
        st.rerun()
