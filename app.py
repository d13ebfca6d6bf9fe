"""Pilote — home page: what the app does and which data is in use."""

import pandas as pd
import streamlit as st

from ui.state import TIME_FIELDS, setup, table_label

ctx = setup("nav_home")
st.title(ctx.t("app_title"))
st.write(ctx.t("home_intro"))
st.markdown(ctx.t("home_steps"))

st.subheader(ctx.t("loaded_tables"))
rows = []
for name, df in ctx.data.tables.items():
    tf = TIME_FIELDS.get(name)
    times = df[tf].dropna() if tf in df.columns else pd.Series(dtype="datetime64[ns]")
    rows.append(
        {
            ctx.t("table"): table_label(name, ctx.lang),
            ctx.t("rows"): len(df),
            ctx.t("from"): times.min().date() if len(times) else None,
            ctx.t("to"): times.max().date() if len(times) else None,
            ctx.t("files"): ", ".join(sorted(df["_file"].astype("str").unique()))
            if "_file" in df.columns
            else "",
        }
    )
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True)
else:
    st.info(ctx.t("no_contacts"))
if ctx.data.period_inputs:
    st.caption(ctx.t("period_inputs") + " : " + ", ".join(sorted(ctx.data.period_inputs)))
