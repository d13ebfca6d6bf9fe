"""Verbatims: recurring terms, terms over-represented among detractors, example comments."""

import pandas as pd
import streamlit as st

from kpis.verbatims import examples, nps_group, over_represented, term_table
from ui import charts
from ui.notebook import add_to_notebook
from ui.state import field_label, setup

ctx = setup("nav_verbatims")
st.title(ctx.t("verbatims_title"))
surveys = ctx.filtered("surveys")
if surveys is None or "comment" not in surveys.columns:
    st.info(ctx.t("no_surveys"))
    st.stop()

scores = [s for s in ("nps_score", "csat_score") if s in surveys.columns]
if not scores:
    st.info(ctx.t("no_surveys"))
    st.stop()
c1, c2, c3, c4 = st.columns(4)
text_lang = c4.selectbox(
    "Langue des commentaires / comment language", ["fr", "en"], key="vb_text_lang"
)
score = c1.selectbox(
    ctx.t("score_used"), scores, key="vb_score", format_func=lambda f: field_label(f, ctx.lang)
)
seg_fields = [f for f in ("canal", "motif", "provider", "team", "agent_id") if f in surveys]
seg = c2.selectbox(
    ctx.t("segment_filter"),
    ["*", *seg_fields],
    key="vb_seg",
    format_func=lambda f: ctx.t("all") if f == "*" else field_label(f, ctx.lang),
)
if seg != "*":
    values = sorted(surveys[seg].dropna().astype("str").unique())
    value = c3.selectbox(field_label(seg, ctx.lang), values, key="vb_seg_value")
    surveys = surveys[surveys[seg].astype("str") == value]
surveys = surveys[surveys["comment"].notna()]
if surveys.empty:
    st.info(ctx.t("no_comments"))
    st.stop()


@st.cache_data(show_spinner=False, max_entries=32)
def _terms(key: str, _comments: pd.Series, _groups: pd.Series, lang: str) -> pd.DataFrame:
    return term_table(_comments, _groups, lang=lang)


groups = nps_group(surveys[score], "nps" if score == "nps_score" else "csat")
key = "|".join(
    map(
        str,
        (
            ctx.data.id,
            ctx.filters,
            ctx.date_range,
            score,
            seg,
            st.session_state.get("vb_seg_value"),
        ),
    )
)
table = _terms(key, surveys["comment"], groups, text_lang)
n_det, n_pro = int((groups == "detractor").sum()), int((groups == "promoter").sum())
st.caption(ctx.t("comments_n", n=len(surveys), det=n_det, pro=n_pro))

labels = {
    "term": ctx.t("term"),
    "docs": ctx.t("docs"),
    "share": "%",
    "detractors": ctx.t("detractors"),
    "promoters": ctx.t("promoters"),
    "det_share": f"% {ctx.t('detractors')}",
    "pro_share": f"% {ctx.t('promoters')}",
}
left, right = st.columns(2)
with left:
    st.subheader(ctx.t("recurring"))
    top = table.head(25)
    st.altair_chart(
        charts.ranked_bars(top.assign(n=top["docs"]), "term", "docs", title=ctx.t("docs"))
    )
with right:
    st.subheader(ctx.t("overrep"))
    over = over_represented(table, k=25)
    st.dataframe(over[list(labels) + ["z"]].rename(columns=labels).round(1), hide_index=True)
    st.caption("z ≥ 1,96 : écart significatif à 95 % (log odds ratio) / significant at 95%")

add_to_notebook(
    ctx,
    "verbatims",
    {"lang": text_lang, "top": 25},
    extra_filters={seg: [value]} if seg != "*" else None,
)

st.subheader(ctx.t("examples"))
choices = list(dict.fromkeys([*over["term"], *table["term"].head(30)]))
if not choices:
    st.caption(ctx.t("no_comments"))
    st.stop()
term = st.selectbox(ctx.t("pick_term"), choices, key="vb_term")
ix = examples(surveys["comment"], term, lang=text_lang, k=8)
shown = surveys.loc[ix, ["comment", score, *[f for f in ("canal", "motif") if f in surveys]]]
st.dataframe(
    shown.rename(columns={f: field_label(f, ctx.lang) for f in shown.columns}), hide_index=True
)
