"""Explorer pieces: the selected segment and the rows behind a segment (drill-down)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.deliverables.export import csv_bytes
from ui.errors import md_escape
from ui.state import TIME_FIELDS, Ctx, field_label, filter_frame, registry

SHOWN_ROWS = 200
PERIOD_STEP = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
}


def selected_segment(res: pd.DataFrame, keys: list[str], rows: list[int]) -> dict | None:
    if not rows or not keys:
        return None
    row = res.iloc[rows[0]]
    return {k: row[k] for k in keys}


def _table_for(ctx: Ctx, kpi_ids: list[str], fields: list[str]) -> str | None:
    reg = registry()
    names = [t for k in kpi_ids for t in reg.get(k).needs] + ["contacts"]
    for name in dict.fromkeys(names):
        df = ctx.table(name)
        if df is not None and all(f in df.columns for f in fields):
            return name
    return None


def drill_down(ctx: Ctx, segment: dict, kpi_ids: list[str], period) -> None:
    """The first rows (and a CSV of all rows) of the table behind the selected segment."""
    fields = [k for k in segment if k != "period"]
    name = _table_for(ctx, kpi_ids, fields)
    if name is None:
        st.info(ctx.t("no_rows"))
        return
    rows = ctx.filtered(name)
    values = {k: [str(v)] for k, v in segment.items() if k != "period" and not _na(v)}
    rows = filter_frame(rows, values, None, name)
    for k, v in segment.items():
        if k != "period" and _na(v):
            rows = rows[rows[k].isna()]
    if "period" in segment and period:
        tf = TIME_FIELDS.get(name)
        start = pd.Timestamp(segment["period"])
        rows = rows[(rows[tf] >= start) & (rows[tf] < start + PERIOD_STEP[period])]
    label = " · ".join(f"{field_label(k, ctx.lang)} = {v}" for k, v in segment.items())
    st.caption(md_escape(label))
    st.caption(
        ctx.t("first_rows", n=fmt.integer(len(rows), ctx.lang), shown=min(len(rows), SHOWN_ROWS))
    )
    shown = rows.drop(columns=[c for c in ("_row", "_file") if c in rows.columns])
    st.dataframe(
        shown.head(SHOWN_ROWS).rename(columns=lambda c: field_label(c, ctx.lang)),
        hide_index=True,
        key="ex_drill",
    )
    st.download_button(
        ctx.t("download_drill"),
        lambda: csv_bytes(shown, ctx.lang),
        file_name=f"pilote_{name}_segment.csv",
        mime="text/csv",
        key="ex_drill_csv",
    )


def _na(v) -> bool:
    return v is None or v == "" or (not isinstance(v, str) and pd.isna(v))
