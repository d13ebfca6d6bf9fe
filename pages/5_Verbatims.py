"""Verbatims: the verbatims view — recurring terms, terms over-represented among detractors —
and example comments for a term."""

import streamlit as st

from kpis.labels import category_label
from kpis.verbatims import examples
from kpis.views import verbatims as view
from ui import render
from ui.errors import md_escape
from ui.notebook import add_to_notebook
from ui.state import field_label, setup

ctx = setup("nav_verbatims")
st.title(ctx.t("verbatims_title"))
surveys = ctx.table("surveys")
if surveys is None or "comment" not in surveys.columns:
    st.info(ctx.t("no_surveys"))
    st.stop()

scores = [s for s in view.SCORES if s in surveys.columns]
if not scores:
    st.info(ctx.t("no_surveys"))
    st.stop()
c1, c2, c3, c4 = st.columns(4)
text_lang = c4.selectbox(
    ctx.t("comment_lang"),
    ["fr", "en"],
    key="vb_text_lang",
    format_func=lambda x: ctx.t("lang_name_" + x),
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
extra = None
if seg != "*":
    values = sorted(surveys[seg].dropna().astype("str").unique())
    value = c3.selectbox(
        field_label(seg, ctx.lang),
        values,
        key="vb_seg_value",
        format_func=lambda v: category_label(seg, v, ctx.lang),  # the code stays the value
    )
    extra = {seg: [value]}

params = {"score": score, "text_lang": text_lang, "top": 25}
res = render.run_view(ctx, "verbatims", params, extra_filters=extra)
if res.error:
    st.info(md_escape(res.error))
    st.stop()
render.show_numbers(res)

left, right = st.columns(2)
with left:
    st.subheader(ctx.t("recurring"))
    render.show_chart(res, "vb_recurring")
with right:
    st.subheader(ctx.t("overrep"))
    render.show_table(res, ctx.lang, "vb_over")
    render.show_sentences(res)

add_to_notebook(ctx, "verbatims", params, extra_filters=extra)

st.subheader(ctx.t("examples"))
recurring = res.extra_tables[view.RECURRING[0 if ctx.lang == "fr" else 1]]
choices = list(dict.fromkeys([*res.table["term"], *recurring["term"]]))
if not choices:
    st.caption(ctx.t("no_comments"))
    st.stop()
term = st.selectbox(ctx.t("pick_term"), choices, key="vb_term")
rows = ctx.filtered("surveys")
if extra:
    rows = rows[rows[seg].astype("str") == value]
rows = rows[rows["comment"].notna()]
ix = examples(rows["comment"], term, lang=text_lang, k=8)
shown = rows.loc[ix, ["comment", score, *[f for f in ("canal", "motif") if f in rows]]]
st.dataframe(
    render.rows_in_words(shown, ctx.lang).rename(
        columns={f: field_label(f, ctx.lang) for f in shown.columns}
    ),
    hide_index=True,
)
