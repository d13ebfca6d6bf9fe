"""``pilote report --engine``: the deliverable of data that lives in a base.

The views compute on pandas tables, so each table of the source is counted (one COUNT query)
and brought out whole (every column, the import's types: ``kpis.relational.rows``) when it holds
at most ``rows.MAX_ROWS`` rows; then the report is the one ``pilote report`` writes from files
(same cells, same numbers). A table beyond the bound stays in the base: every section whose view
reads it is written as not produced, saying which table and how many rows (never a silent gap);
the cells are chosen on a stand-in of that table (its columns, first and last dates, a time of
day if any, its providers: a few rows asked of the engine); the main findings come from the
rules run on the base (``kpis.rules.data_relational``: KPI tables computed there, row-reading
rules undecided beyond the bound), with a line saying which rules could not be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from kpis.filters import BORROWING_TABLES, time_field
from kpis.relational import rows as R
from kpis.relational.source import Source

ALL = "*"


def fetch_tables(source: Source, max_rows: int) -> tuple[dict, dict[str, int]]:
    """({name: whole table} for the tables within the bound, {name: rows} of the others)."""
    tables, counts = {}, {}
    for name in source.tables:
        t = source.table(name)
        counts[name] = n = R.count(t)
        if n <= max_rows:
            tables[name] = R.fetch(source, name, t, source.columns(name))
    return tables, counts


def stand_in(source: Source, name: str) -> pd.DataFrame:
    """A few rows of a table left in the base, enough to choose the report's cells: its
    columns, its first and last times, a time with a time of day (contacts), its providers."""
    t, cols = source.table(name), source.columns(name)
    rows: list[dict] = []
    tf = time_field(name)
    if tf in cols:
        got = t.aggregate(lo=t[tf].min(), hi=t[tf].max()).to_pandas().iloc[0]
        rows += [{tf: got["lo"]}, {tf: got["hi"]}]
        if name == "contacts":
            timed = t.filter(t[tf].notnull() & (t[tf] != t[tf].truncate("D")))
            rows += [{tf: x} for x in timed.select(tf).limit(1).to_pandas()[tf]]
    if "provider" in cols:
        got = t.select("provider").distinct().limit(1000).to_pandas()["provider"]
        rows += [{"provider": x} for x in got.dropna()]
    frame = pd.DataFrame(rows, columns=cols)
    if tf in cols:
        frame[tf] = pd.to_datetime(frame[tf]).astype("datetime64[ns]")
    return frame


def cell_tables(cell) -> set[str]:
    """The tables a cell's view may read (``*``: any)."""
    from kpis.definitions import REGISTRY
    from kpis.views.runner import view_for

    try:
        view, params = view_for(cell.view, cell.params)
    except ValueError:
        return {ALL}
    if cell.view == "explorer" and params.get("kpi") in REGISTRY:
        needs = set(REGISTRY.get(params["kpi"]).needs)
        return needs | ({"contacts"} if needs & set(BORROWING_TABLES) else set())
    if cell.view == "quality":
        return {"evaluations", "contacts"}
    if cell.view == "verbatims":
        return {"surveys", "contacts"}
    return {ALL}


def missing_text(counts: Mapping[str, int], bound: int, lang: str) -> str:
    """Why a section was not produced: the tables it reads hold more rows than the bound."""
    why = R.beyond_bound(counts, bound, lang)
    if lang == "fr":
        return f"section non produite : elle lit des lignes de tables trop grandes, {why}"
    return f"section not produced: it reads rows of tables too large, {why}"


def rules_on_source(source: Source, settings: Mapping, filters=None, memo=None) -> list[dict]:
    """Every rule's finding dicts on the base, as ``kpis.views.findings.run_findings`` in memory
    (same settings: ``rules``, ``targets``, ``target_sources``, ``params``); ``memo``: a dict
    keeping the answers of one report (the findings cell and the main findings)."""
    from kpis.rules.runner import findings_json, run_rules

    memo = {} if memo is None else memo
    used = {k: settings.get(k) for k in ("rules", "targets", "target_sources", "params")}
    key = repr((used, sorted((filters or {}).items(), key=str)))
    if key in memo:
        return memo[key]
    rule_settings = dict(settings.get("rules") or {})
    for k in ("targets", "target_sources"):
        if settings.get(k):
            rule_settings[k] = dict(settings[k])
    found = run_rules(
        {}, dict(settings.get("params") or {}), rule_settings, filters=filters, source=source
    )
    memo[key] = findings_json(found)
    return memo[key]


def main_findings(plain: list[dict], too_big: Mapping[str, int], bound: int) -> list[dict]:
    """The deliverable's main findings from the rules run on the base, plus one line naming the
    rules left undecided because they read a table beyond the bound."""
    from kpis.rules.catalogue import RULES_BY_ID
    from kpis.views.findings import finding_dict

    out = [finding_dict(f) for f in plain if f["kind"] == "finding"]
    marks = tuple(f"{k} ≤ " for k in too_big)  # the notes of RelationalRuleData.bounded
    unread = [
        RULES_BY_ID[f["rule"]]
        for f in plain
        if f["kind"] == "insufficient_data"
        and any(str(x).startswith(marks) for x in f["evidence"].get("needs", []))
    ]
    if unread:
        out.append(
            {
                "rule": "rules_beyond_bound",
                "severity": "warning",
                "kind": "finding",
                "text_fr": "Constats partiels : ces règles lisent des lignes de tables trop "
                "grandes pour sortir de la base et n'ont pas été évaluées : "
                + " ; ".join(f"« {r.title_fr} »" for r in unread)
                + f" ({R.beyond_bound(too_big, bound, 'fr')}).",
                "text_en": "Findings partial: these rules read rows of tables too large to leave "
                "the base and were not evaluated: "
                + "; ".join(f"'{r.title_en}'" for r in unread)
                + f" ({R.beyond_bound(too_big, bound, 'en')}).",
            }
        )
    return out


def findings_cell(cell, source: Source, shaped: Mapping, settings: Mapping, memo=None):
    """The findings cell computed on the base: the findings view itself (title, inputs,
    errors), its rules run by ``rules_on_source`` under the cell's filters."""
    import dataclasses

    from kpis.views.findings import VIEW, finding_dict, findings_result
    from kpis.views.runner import default_title, view_for
    from kpis.workspace import restore_filters

    def compute(_tables, p: dict, s: dict):
        from kpis.views.base import lang_of

        lang = lang_of(s)
        params = {**(s.get("params") or {}), **(p.get("params") or {})}
        plain = rules_on_source(source, {**s, "params": params}, s.get("filters") or None, memo)
        return findings_result([finding_dict(f) for f in plain], p, lang)

    # as kpis.views.runner.run_cell, with the view's compute on the base
    settings = {**settings, "params": dict(settings.get("params") or {})}
    lang = settings.get("lang", "fr")
    filters = restore_filters({**(settings.get("filters") or {}), **cell.filters})
    _, params = view_for(cell.view, cell.params)
    engine_view = dataclasses.replace(VIEW, compute=compute)
    res = engine_view.run(shaped, params, {**settings, "filters": filters})
    res.title = cell.title or default_title(cell, lang)
    res.cell_id, res.comment = cell.id, cell.comment
    res.params, res.filters = dict(cell.params), dict(filters)
    return res


def report_on_source(
    source: Source,
    said: str,
    workspace_path: str | Path | None,
    out_path: str | Path,
    *,
    params: Mapping | None = None,
    lang: str = "fr",
    pseudonymise_agents: bool = False,
) -> dict[str, int]:
    """Write the deliverable of ``source`` (see the module docstring); returns the tables left
    in the base, {name: rows}. The bound is ``rows.MAX_ROWS``, the rules' own."""
    from kpis.deliverables.audit import audit_plan, report_from_tables, write_report
    from kpis.deliverables.labels import data_period
    from kpis.engine import registry_records
    from kpis.views import ViewResult
    from kpis.views.runner import default_title, run_cell

    bound = R.MAX_ROWS
    tables, counts = fetch_tables(source, bound)
    too_big = {k: n for k, n in counts.items() if k not in tables}
    report = [
        {"file": f"{said} — {source.tables[k]}", "table": k, "rows_in": n, "rows_used": n}
        for k, n in counts.items()
    ]
    if not too_big:
        report_from_tables(
            tables,
            report,
            workspace_path,
            out_path,
            params=params,
            lang=lang,
            pseudonymise_agents=pseudonymise_agents,
        )
        return {}
    shaped = {**tables, **{k: stand_in(source, k) for k in too_big}}
    settings, cells = audit_plan(shaped, workspace_path, params, lang)
    results, memo = [], {}
    for cell in cells:
        reads = cell_tables(cell)
        out = {k: n for k, n in too_big.items() if ALL in reads or k in reads}
        if cell.view == "findings":  # the rules run on the base, each within the bound
            results.append(findings_cell(cell, source, shaped, settings, memo))
        elif out:
            title = cell.title or default_title(cell, lang)
            res = ViewResult(title=title, table=pd.DataFrame(), view=cell.view)
            res.error = missing_text(out, bound, lang)
            res.cell_id, res.comment = cell.id, cell.comment
            results.append(res)
        else:
            results.append(run_cell(cell, tables, settings))
    plain = rules_on_source(source, settings, settings.get("filters") or None, memo)
    findings = main_findings(plain, too_big, bound)
    for r in results:  # the ranking and mix reversals, as kpis.deliverables.audit.main_findings
        if r.view == "comparison":
            findings += [f for f in r.findings if (f.get("evidence") or {}).get("key")]
    write_report(
        results,
        out_path,
        report,
        registry_records(lang),
        findings,
        lang=lang,
        period=data_period(shaped, lang),
        pseudonymise_agents=pseudonymise_agents,
    )
    return too_big
