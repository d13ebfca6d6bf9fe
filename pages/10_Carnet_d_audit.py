"""Carnet d'audit: the views added from every page, re-run on the current data; reorder, comment,
delete; save / load the workspace (never the data); Excel / HTML / PowerPoint deliverables."""

import pandas as pd
import streamlit as st

from kpis.io.pseudonym import key_file_text
from kpis.views.runner import standard_audit
from kpis.workspace import VIEW_TITLES
from ui import notebook as nb
from ui import render
from ui.errors import md_escape, show_error
from ui.state import session_key, setup

ctx = setup("nav_notebook")
st.title(ctx.t("nb_title"))
st.caption(ctx.t("nb_intro"))
ss = st.session_state


def _standard() -> None:
    cells = standard_audit(nb.current_tables(ctx), nb.run_settings(ctx))
    for cell in cells:
        nb.notebook().add(cell)
    ss["nb_std_msg"] = len(cells)


def _move(cell_id: str, step: int) -> None:
    book = nb.notebook()
    book.move(cell_id, book._index(cell_id) + step)


def _comment(cell_id: str) -> None:
    nb.notebook().set_comment(cell_id, ss.get("nb_comment_" + cell_id, ""))


with st.expander(ctx.t("nb_workspace"), expanded=not nb.notebook().cells):
    st.button(ctx.t("nb_standard"), on_click=_standard, icon=":material/playlist_add:")
    if ss.get("nb_std_msg"):
        st.success(ctx.t("nb_standard_added", n=ss.pop("nb_std_msg")))
    upload = st.file_uploader(ctx.t("nb_load"), type=["json"], key="nb_upload")
    loaded = nb.read_workspace(upload, ctx.lang) if upload is not None else None
    if loaded is not None:
        st.caption(
            md_escape(
                ctx.t(
                    "nb_load_summary",
                    file=upload.name,
                    cells=len(loaded.cells),
                    maps=len(loaded.mappings),
                    targets=len(loaded.targets),
                )
            )
        )
        key_upload = st.file_uploader(ctx.t("nb_key_load"), type=["txt", "key"], key="nb_key_up")
        key, problem = nb.read_key(key_upload, loaded)
        if problem:
            st.error(ctx.t(problem))
        elif key is None:
            st.caption(ctx.t("nb_key_none"))
        st.button(
            ctx.t("nb_load_apply"),
            key="nb_load_apply",
            on_click=nb.apply_workspace,
            args=(loaded, key),
        )
    if ss.get("nb_load_msg") is not None:
        st.success(ctx.t("nb_loaded", n=ss.pop("nb_load_msg")))
    if ss.get(nb.MAPPINGS_KEY):
        st.caption(ctx.t("nb_mappings"))
        for name, text in ss[nb.MAPPINGS_KEY].items():
            st.download_button(
                md_escape(name), text, file_name=f"{name}.mapping.yaml", key=f"nb_map_{name}"
            )
    try:
        ws_json = nb.current_workspace(ctx).to_json()
    except Exception as exc:  # a setting that cannot be saved: said, the page goes on
        show_error(exc, ctx.lang)
        ws_json = None
    if ws_json is not None:
        st.download_button(
            ctx.t("nb_save"),
            ws_json,
            file_name="pilote_espace_de_travail.json",
            mime="application/json",
            key="nb_save",
            help=ctx.t("nb_save_help"),
            icon=":material/save:",
        )
        st.download_button(
            ctx.t("nb_key_save"),
            key_file_text(session_key()),
            file_name="pilote_cle_pseudonymisation.txt",
            mime="text/plain",
            key="nb_key_save",
            help=ctx.t("nb_key_help"),
        )

cells = list(nb.notebook().cells)
if not cells:
    st.info(ctx.t("nb_empty"))
    st.stop()

with st.spinner(ctx.t("computing")):
    results = nb.run_cells(ctx, cells)

st.subheader(ctx.t("nb_deliverables"))
nb.deliverable_buttons(ctx, results)

for i, (cell, res) in enumerate(zip(cells, results, strict=True)):
    with st.container(border=True):
        head, up, down, drop = st.columns([8, 1, 1, 1], vertical_alignment="center")
        head.subheader(md_escape(f"{i + 1}. {res.title}"))
        up.button(
            "↑",
            key=f"nb_up_{cell.id}",
            help=ctx.t("nb_up"),
            disabled=i == 0,
            on_click=_move,
            args=(cell.id, -1),
        )
        down.button(
            "↓",
            key=f"nb_down_{cell.id}",
            help=ctx.t("nb_down"),
            disabled=i == len(cells) - 1,
            on_click=_move,
            args=(cell.id, 1),
        )
        drop.button(
            "✕",
            key=f"nb_del_{cell.id}",
            help=ctx.t("nb_delete"),
            on_click=nb.notebook().remove,
            args=(cell.id,),
        )
        view = VIEW_TITLES.get(cell.view, (cell.view, cell.view))[0 if ctx.lang == "fr" else 1]
        filters = " ; ".join(
            f"{k} = {', '.join(map(str, v)) if isinstance(v, list | tuple) else v}"
            for k, v in cell.filters.items()
        ) or ctx.t("nb_no_filter")
        st.caption(md_escape(f"{ctx.t('nb_view')} : {view} · {ctx.t('nb_filters')} : {filters}"))
        ss.setdefault("nb_comment_" + cell.id, cell.comment)
        st.text_area(
            ctx.t("nb_comment"),
            key="nb_comment_" + cell.id,
            on_change=_comment,
            args=(cell.id,),
            height=80,
        )
        if res.error:
            st.warning(md_escape(res.error), icon=":material/info:")
            continue
        if res.numbers:
            st.caption(md_escape(" · ".join(f"{k} : {v}" for k, v in res.numbers.items())))
        render.show_sentences(res, warn=False)  # a warning here says the cell failed
        render.show_chart(res, f"nb_chart_{cell.id}")
        if len(res.table) and cell.view != "findings":  # a findings cell's table is its list
            render.show_table(res, ctx.lang, f"nb_table_{cell.id}")
        if res.findings:
            label = f"{ctx.t('nb_findings')} ({len(res.findings)})"
            with st.expander(label, expanded=len(res.findings) <= 5):
                for f in res.findings:
                    text = f["text_fr"] if ctx.lang == "fr" else f["text_en"]
                    st.markdown("- " + md_escape(text))
        if res.extra_tables:
            with st.expander(ctx.t("nb_more_tables")):
                for name, table in res.extra_tables.items():
                    st.markdown(f"**{md_escape(name)}**")
                    st.dataframe(
                        render.screen_table(
                            pd.DataFrame(table), ctx.lang, units=res.units, labels=res.labels
                        ),
                        hide_index=True,
                    )
