"""The large-base page: KPIs computed where the data lives (a DuckDB file written by
``pilote load``, or a warehouse reached through an ``env:NAME`` connection) by the relational
executor (``kpis.relational.executor.compute``), which returns the same table as
``kpis.engine.compute``. The imported files keep the in-memory pages.

The source is kept in the session (``SOURCE_KEY``) only as ``storable(engine)`` — a DuckDB
path, ``spark`` (a local Spark session, offered when pyspark and Java are present) or an
``env:NAME`` reference; a connection string pasted in clear is refused, cleared from the input
and never shown back. The workspace saves that same text (``settings.source``).

The sidebar's global filters and period apply here as on the other pages (the executor makes a
KPI whose table cannot take a filter « non calculable » with the reason); the values offered
come from the base (``ui.bigbase_data.sidebar_values``). The result table downloads as CSV.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from kpis import format as fmt
from kpis.errors import PiloteError
from kpis.labels import detail_text
from kpis.populations import population_text
from kpis.relational.connect import ENV_PREFIX, EngineError, duckdb_path, storable
from kpis.relational.executor import NOT_DECLARED
from kpis.relational.load import LOAD_TABLE, aside_table
from kpis.segments import PERIOD_COLUMN
from ui.errors import md_escape
from ui.i18n import STATUS_WORDS
from ui.render import cell_text
from ui.state import SEGMENT_FIELDS, Ctx, engine_filters, field_label, kpi_name

SOURCE_KEY = "bb_source"  # the storable engine text of the chosen source
KINDS = ("files", "duckdb", "connection", "spark")
SPARK = "spark"  # the engine text of a local Spark session
ASIDE_ROWS = 1_000  # set-aside rows offered for download (the note says how many in all)
DEFAULT_KPIS = ("volume", "answer_rate", "service_level", "csat", "nps", "fcr_measured", "dmt")


# ---------------------------------------------------------------- the source text


def engine_text(kind: str, text: str) -> str:
    """The engine text of what the user typed: a DuckDB path (``duckdb://`` in front of a path
    not ending in .duckdb) or an ``env:NAME`` reference. Raises ``EngineError`` (French and
    English, never repeating the text: it may carry a password) for anything else."""
    text = (text or "").strip()
    if kind == "duckdb":
        if not text:
            raise EngineError("indiquez le chemin du fichier DuckDB.", "give the DuckDB file path.")
        engine = text if duckdb_path(text) else "duckdb://" + text
        if "://" in text and not text.startswith("duckdb://"):
            raise _in_clear()
    else:
        if not text.startswith(ENV_PREFIX):
            raise _in_clear()
        engine = text
    try:
        return storable(engine)
    except EngineError:
        raise _in_clear() from None


def _in_clear() -> EngineError:
    return EngineError(
        "refusé : une chaîne de connexion n'est jamais saisie ni enregistrée en clair (elle peut "
        "contenir un mot de passe). Mettez-la dans une variable d'environnement avant de lancer "
        "Pilote et indiquez env:NOM.",
        "refused: a connection string is never typed or saved in clear (it may hold a "
        "password). Put it in an environment variable before starting Pilote and give env:NAME.",
    )


def _accept(kind: str) -> None:
    """on_change of a source input: keep the storable text, or clear the input (never echo a
    refused text) and leave the refusal for the page to show."""
    ss = st.session_state
    key = "bb_path" if kind == "duckdb" else "bb_env"
    try:
        ss[SOURCE_KEY] = engine_text(kind, ss.get(key, ""))
        ss.pop("bb_refused", None)
    except EngineError as err:
        ss[key] = ""
        ss.pop(SOURCE_KEY, None)
        ss["bb_refused"] = (kind, err.fr, err.en)
    ss.pop("bb_result", None)


def _kind_changed() -> None:
    """on_change of the source kind: Spark is its own source; a DuckDB path or an env:NAME
    already typed becomes the source again."""
    ss = st.session_state
    kind = ss.get("bb_kind")
    if kind == "spark":
        ss[SOURCE_KEY] = SPARK
        ss.pop("bb_refused", None)
    elif kind in ("duckdb", "connection"):
        if ss.get("bb_path" if kind == "duckdb" else "bb_env"):
            _accept(kind)


def source_kind(engine: str | None) -> str:
    if not engine:
        return "files"
    if engine == SPARK:
        return "spark"
    return "connection" if engine.startswith(ENV_PREFIX) else "duckdb"


def kinds() -> tuple[str, ...]:
    """The source choices: Spark only where it can start (``spark_unavailable``)."""
    from ui.bigbase_data import spark_unavailable

    return KINDS if spark_unavailable() is None else tuple(k for k in KINDS if k != "spark")


def chosen_engine() -> str | None:
    """The engine of the source chosen on the page (session state: the source kind and the
    storable text), or None — read before the sidebar is drawn."""
    ss = st.session_state
    engine = ss.get(SOURCE_KEY)
    kind = ss.get("bb_kind", source_kind(engine))
    if kind == "spark":
        return SPARK if "spark" in kinds() else None
    if not engine or kind == "files" or source_kind(engine) != kind:
        return None
    return engine


# ---------------------------------------------------------------- reading the source


def open_source(engine: str, lang: str):
    """``connect(engine)``, or None after a French/English message naming the file or the
    variable (never a traceback, never a resolved connection string)."""
    from kpis.relational.connect import connect

    try:
        return connect(engine)
    except PiloteError as err:
        st.error(md_escape(err.message(lang)), icon=":material/error:")
    except Exception as exc:  # noqa: BLE001 - an unreadable file: said without a traceback
        path = duckdb_path(engine)
        what = (f"« {path} »" if path else engine) if lang == "fr" else (path or engine)
        st.error(
            md_escape(
                f"source illisible {what} ({type(exc).__name__}) : est-ce bien une base DuckDB "
                "écrite par « pilote load » ?"
                if lang == "fr"
                else f"unreadable source {what} ({type(exc).__name__}): is it a DuckDB database "
                "written by 'pilote load'?"
            ),
            icon=":material/error:",
        )
    return None


def close(source) -> None:
    done = getattr(source.con, "disconnect", None)
    if done is not None:
        done()


def _sql(source, query: str) -> pd.DataFrame | None:
    """A query on a DuckDB source (None on another backend or when the table is absent)."""
    if source.backend != "duckdb":
        return None
    try:
        return source.con.con.execute(query).df()
    except Exception:  # noqa: BLE001 - no such table: not written by pilote load
        return None


def table_counts(source) -> dict[str, int]:
    """Rows of each canonical table of the source."""
    return {name: int(source.table(name).count().execute()) for name in source.tables}


def load_counts(source) -> pd.DataFrame | None:
    """The ``_load`` table of a base written by ``pilote load`` (one row per loaded file)."""
    return _sql(
        source,
        f'SELECT file, "table", rows_in, rows_used, rows_set_aside, set_aside, blocks '
        f"FROM {LOAD_TABLE} ORDER BY loaded_at",
    )


def aside_rows(source, table: str, limit: int = ASIDE_ROWS) -> pd.DataFrame | None:
    """The first ``limit`` rows set aside for ``table`` (file order)."""
    return _sql(source, f'SELECT * FROM "{aside_table(table)}" ORDER BY _row LIMIT {int(limit)}')


def segment_choices(source) -> list[str]:
    present = {c for name in source.tables for c in source.columns(name)}
    return [f for f in SEGMENT_FIELDS if f in present]


def default_kpis(reg, source) -> list[str]:
    """The headline KPIs declared for the relational executor whose tables the source has."""
    out = []
    for k in DEFAULT_KPIS:
        kpi = reg.get(k)
        declared = getattr(kpi.compute, "declaration", None) is not None
        if declared and all(source.has(t) for t in kpi.needs):
            out.append(k)
    return out


# ---------------------------------------------------------------- the result on screen


def status_text(status, detail, lang: str) -> str:
    if detail == NOT_DECLARED:
        return "calculé en mémoire seulement" if lang == "fr" else "computed in memory only"
    pair = STATUS_WORDS.get(str(status))
    return pair[0 if lang == "fr" else 1] if pair else ""


def screen(result: pd.DataFrame, by: list[str], period: str | None, lang: str, t) -> pd.DataFrame:
    """The relational table as text: KPI name, segments, period, value, numerator, denominator,
    95 % interval, n, population, status and (when not ok) the reason — numbers through
    ``kpis.format``."""
    rows = []
    for r in result.to_dict("records"):
        unit = str(r.get("unit") or "")
        ok = r.get("status") == "ok"
        detail = r.get("detail")
        row = {t("kpi"): kpi_name(r["kpi"], lang)}
        for f in by:
            row[field_label(f, lang)] = cell_text(r.get(f), f, None, {}, lang)
        if period:
            row[t("period")] = fmt.date(r.get(PERIOD_COLUMN), lang, period)
        n = r.get("n")
        row[t("bb_value")] = fmt.value(r.get("value"), unit, lang)
        row[t("bb_num")] = fmt.value(r.get("numerator"), "count", lang)
        row[t("bb_den")] = fmt.value(r.get("denominator"), "count", lang)
        row[t("bb_ci")] = fmt.interval(r.get("ci_low"), r.get("ci_high"), unit, lang)
        row["n"] = fmt.integer(n, lang) if n is not None and n == n else ""
        pop = r.get("population_id")
        row[t("bb_population")] = population_text(n, pop, lang) if n is not None and n == n else ""
        row[t("bb_status")] = status_text(r.get("status"), detail, lang)
        row[t("bb_note")] = "" if ok or detail == NOT_DECLARED else detail_text(detail, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def load_table(counts: pd.DataFrame, lang: str, t) -> pd.DataFrame:
    """One line per loaded file: rows read = used + set aside."""
    from ui.state import table_label

    return pd.DataFrame(
        {
            t("bb_file"): counts["file"],
            t("bb_table"): [table_label(x, lang) for x in counts["table"]],
            t("bb_rows_in"): [fmt.integer(x, lang) for x in counts["rows_in"]],
            t("bb_rows_used"): [fmt.integer(x, lang) for x in counts["rows_used"]],
            t("bb_rows_aside"): [fmt.integer(x, lang) for x in counts["rows_set_aside"]],
        }
    )


def reasons_table(counts: pd.DataFrame, lang: str, t) -> pd.DataFrame:
    """Rows set aside per reason, over every loaded file."""
    from kpis.io.aside import reason_label

    total: dict[str, int] = {}
    for text in counts["set_aside"]:
        for code, n in (json.loads(text or "{}") or {}).items():
            total[code] = total.get(code, 0) + int(n)
    return pd.DataFrame(
        {
            t("bb_reason"): [reason_label(c, lang) for c in total],
            t("bb_rows"): [fmt.integer(n, lang) for n in total.values()],
        }
    )


# ---------------------------------------------------------------- the page


def source_picker(ctx: Ctx) -> str | None:
    """« Source des données » and its input; returns the storable engine text or None."""
    ss = st.session_state
    engine = ss.get(SOURCE_KEY)
    if "bb_kind" not in ss:
        ss["bb_kind"] = source_kind(engine)
        if ss["bb_kind"] == "duckdb":
            ss["bb_path"] = duckdb_path(engine) or ""
        elif ss["bb_kind"] == "connection":
            ss["bb_env"] = engine
    offered = kinds()
    if ss["bb_kind"] not in offered:  # a saved Spark source where Spark cannot start
        ss["bb_kind"] = "files"
    kind = st.radio(
        ctx.t("bb_source"),
        offered,
        format_func=lambda k: ctx.t("bb_kind_" + k),
        horizontal=True,
        key="bb_kind",
        on_change=_kind_changed,
    )
    if "spark" not in offered:
        from ui.bigbase_data import spark_unavailable

        st.caption(spark_unavailable()[0 if ctx.lang == "fr" else 1])
    if kind == "files":
        st.info(ctx.t("bb_files_info"), icon=":material/upload_file:")
        return None
    if kind == "spark":
        ss[SOURCE_KEY] = SPARK
        st.caption(ctx.t("bb_spark_note"))
        return SPARK
    if kind == "duckdb":
        st.text_input(
            ctx.t("bb_path"),
            key="bb_path",
            help=ctx.t("bb_path_help"),
            on_change=_accept,
            args=("duckdb",),
            placeholder="/chemin/vers/pilote.duckdb",
        )
    else:
        st.text_input(
            ctx.t("bb_env"),
            key="bb_env",
            help=ctx.t("bb_env_help"),
            on_change=_accept,
            args=("connection",),
            placeholder="env:PILOTE_ENTREPOT",
        )
        st.caption(ctx.t("bb_env_note"))
    refused = ss.get("bb_refused")
    if refused and refused[0] == kind:
        st.error(md_escape(refused[1 if ctx.lang == "fr" else 2]), icon=":material/block:")
        return None
    engine = ss.get(SOURCE_KEY)
    if not engine or source_kind(engine) != kind:
        return None
    return engine


def show_source(ctx: Ctx, source) -> None:
    """Tables found; for a base written by ``pilote load``, the load counts and the rows set
    aside (count per reason, a bounded CSV download)."""
    from kpis.deliverables.export import csv_bytes
    from ui.state import table_label

    counts = table_counts(source)
    st.subheader(ctx.t("bb_tables"))
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("bb_table"): [table_label(x, ctx.lang) for x in counts],
                ctx.t("bb_rows"): [fmt.integer(n, ctx.lang) for n in counts.values()],
            }
        ),
        hide_index=True,
        key="bb_tables_df",
    )
    loads = load_counts(source)
    if loads is None or loads.empty:
        return
    st.subheader(ctx.t("bb_load"))
    st.dataframe(load_table(loads, ctx.lang, ctx.t), hide_index=True, key="bb_load_df")
    aside_total = int(loads["rows_set_aside"].sum())
    if not aside_total:
        st.caption(ctx.t("bb_no_aside"))
        return
    st.dataframe(reasons_table(loads, ctx.lang, ctx.t), hide_index=True, key="bb_reasons_df")
    for table, total in zip(loads["table"], loads["rows_set_aside"], strict=True):
        if not total:
            continue
        rows = aside_rows(source, table)
        if rows is None:
            continue
        st.caption(
            ctx.t(
                "bb_aside_note",
                shown=fmt.integer(len(rows), ctx.lang),
                total=fmt.integer(int(total), ctx.lang),
                table=table_label(table, ctx.lang),
            )
        )
        st.download_button(
            ctx.t("bb_aside_download"),
            csv_bytes(rows, ctx.lang),
            file_name=f"pilote_{aside_table(table)}.csv",
            mime="text/csv",
            key=f"bb_aside_{table}",
        )


def compute_form(ctx: Ctx, source, reg, engine: str) -> None:
    """KPI, segment and period choices; « Calculer » under the sidebar's filters and period;
    the result table (kept while the choices stay the same) and its CSV."""
    from kpis.relational.executor import compute

    st.subheader(ctx.t("bb_compute"))
    ids = [k.id for k in reg]
    kpi_ids = st.multiselect(
        ctx.t("pick_kpis"),
        ids,
        default=default_kpis(reg, source),
        format_func=lambda k: kpi_name(k, ctx.lang),
        key="bb_kpis",
    )
    c1, c2 = st.columns(2)
    by = c1.multiselect(
        ctx.t("bb_segments"),
        segment_choices(source),
        format_func=lambda f: field_label(f, ctx.lang),
        max_selections=2,
        placeholder=ctx.t("none"),
        key="bb_by",
    )
    period = c2.selectbox(
        ctx.t("period"),
        ["none", "day", "week", "month"],
        format_func=lambda p: ctx.t("bb_period_none" if p == "none" else p),
        key="bb_period",
    )
    period = None if period == "none" else period
    filters = engine_filters(ctx.filters, ctx.date_range)  # the sidebar's, as on every page
    params = dict(st.session_state.get("params") or {})
    asked = (engine, tuple(kpi_ids), tuple(by), period, repr(sorted(filters.items())))
    asked += (repr(sorted(params.items())),)
    if st.button(ctx.t("bb_run"), type="primary", key="bb_run"):
        if not kpi_ids:
            st.info(ctx.t("pick_one"))
            return
        try:
            with st.spinner(ctx.t("computing")):
                result = compute(
                    source, kpi_ids, by=list(by), period=period, filters=filters, params=params
                )
        except PiloteError as err:
            st.error(md_escape(err.message(ctx.lang)), icon=":material/error:")
            return
        st.session_state["bb_result"] = (asked, result, list(by), period)
    got = st.session_state.get("bb_result")
    if got is None:
        return
    done, result, by_done, period_done = got
    if done != asked:  # another source, KPI, segment, period, filter or setting since
        st.caption(ctx.t("bb_stale"))
        return
    st.dataframe(
        screen(result, by_done, period_done, ctx.lang, ctx.t), hide_index=True, key="bb_result_df"
    )
    download(ctx, result, by_done, period_done)


def download(ctx: Ctx, result: pd.DataFrame, by: list[str], period: str | None) -> None:
    """The result table as CSV (numbers as numbers, headers and words in the page's language,
    through ``kpis.deliverables.export.csv_bytes``)."""
    from kpis.deliverables.export import csv_bytes
    from ui.bigbase_data import export_frame

    st.download_button(
        ctx.t("bb_download"),
        csv_bytes(export_frame(result, by, period, ctx.lang), ctx.lang),
        file_name="pilote_grande_base.csv" if ctx.lang == "fr" else "pilote_large_base.csv",
        mime="text/csv",
        key="bb_download",
        icon=":material/download:",
    )


def page(ctx: Ctx, reg) -> None:
    engine = source_picker(ctx)
    if engine is None:
        return
    path = duckdb_path(engine)
    if path and not Path(path).is_file():
        st.error(md_escape(ctx.t("bb_missing_file", path=path)), icon=":material/error:")
        return
    if engine == SPARK:
        from ui.bigbase_data import spark_tables

        with st.spinner(ctx.t("bb_spark_start")):
            empty = not spark_tables()
        if empty:
            st.warning(ctx.t("bb_spark_empty"), icon=":material/info:")
            return
    source = open_source(engine, ctx.lang)
    if source is None:
        return
    try:
        show_source(ctx, source)
        compute_form(ctx, source, reg, engine)
    finally:
        close(source)
