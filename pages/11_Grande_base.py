"""Large base: KPIs computed on a DuckDB file or a warehouse connection by the relational
executor (the logic is in ``ui.bigbase``)."""

import streamlit as st

from ui import bigbase
from ui.bigbase_data import sidebar_values
from ui.state import registry, setup

ctx = setup("nav_bigbase", sidebar_values=sidebar_values)
st.title(ctx.t("bb_title"))
st.caption(ctx.t("bb_intro"))
st.caption(ctx.t("bb_sidebar_note"))
bigbase.page(ctx, registry())
