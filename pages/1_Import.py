"""Import: upload exports, check the detected format and the column mapping, validate, use."""

import streamlit as st

from ui.importer import file_panel
from ui.mapping_editor import forget_from
from ui.state import setup, user_dataset

ctx = setup("nav_import")
st.title(ctx.t("import_title"))
uploads = st.file_uploader(
    ctx.t("upload"),
    type=["csv", "txt", "tsv", "xlsx", "xlsm", "parquet", "pq"],
    accept_multiple_files=True,
    help=ctx.t("upload_help"),
    key="uploads",
)
forget_from(len(uploads or []))  # removed files: their mapping screens are forgotten
if not uploads:
    st.info(ctx.t("no_upload"))
    st.stop()

progress = st.progress(0.0)
step = 1.0 / len(uploads)
done = []
for idx, upload in enumerate(uploads):
    with st.container(border=True):
        out = file_panel(ctx, upload, idx, progress, step)
    if out is not None:
        done.append(out)
progress.progress(1.0, text=ctx.t("done"))

# a file with no row kept adds nothing: it is left out, and with none left there is nothing to use
usable = [(r, i) for r, i in done if r.report["rows_used"] > 0]
reason = "" if usable else ctx.t("confirm_none_ok" if not done else "confirm_no_rows")
if st.button(ctx.t("confirm"), type="primary", disabled=not usable, key="confirm", help=reason):
    results = [r for r, _ in usable]
    st.session_state["dataset"] = user_dataset(results, [i for _, i in usable])
    st.session_state["import_confirmed"] = len(results)
    st.rerun()
if reason:
    st.caption(reason)
if st.session_state.get("import_confirmed") and ctx.data.kind == "user":
    st.success(ctx.t("confirmed", n=st.session_state["import_confirmed"]))
