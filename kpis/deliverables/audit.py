"""The audit deliverable end to end: run the cells, gather the main findings, write the file.

``write_report(results, path, import_reports, registry_records, findings)`` picks the writer from
the suffix (.xlsx, .html, .pptx); ``report_from_tables`` runs a workspace's cells (or the
standard audit) first; ``cli_report`` is the body of ``pilote report``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from kpis.deliverables.excel import write_excel
from kpis.deliverables.html import write_html
from kpis.deliverables.pptx import write_pptx
from kpis.errors import PiloteError


class ReportError(PiloteError):
    code = "report_error"


WRITERS = {".xlsx": write_excel, ".html": write_html, ".pptx": write_pptx}


def write_report(
    cells_results: Sequence,
    path: str | Path,
    import_reports=None,
    registry_records: Sequence[Mapping] | None = None,
    findings: Sequence[Mapping] | None = None,
    *,
    title: str | None = None,
    lang: str = "fr",
    period: str = "",
    pseudonymise_agents: bool = False,
) -> Path:
    """Write the deliverable; the format follows the suffix (.xlsx, .html or .pptx).

    ``period``: the data's period, written on the title and under every chart;
    ``pseudonymise_agents``: every agent name replaced by a stable "Conseiller 01"…"""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".htm":
        suffix = ".html"
    if suffix not in WRITERS:
        raise ReportError(
            f"format de sortie « {path.suffix or '(aucun)'} » inconnu : .xlsx, .html ou .pptx.",
            f"unknown output format '{path.suffix or '(none)'}': use .xlsx, .html or .pptx.",
            file=str(path),
        )
    results = list(cells_results)
    if pseudonymise_agents:
        from kpis.deliverables.agents import pseudonymise

        results, findings = pseudonymise(results, findings, lang)
    return WRITERS[suffix](
        results,
        path,
        import_reports,
        registry_records,
        findings,
        title=title,
        lang=lang,
        period=period,
    )


def main_findings(tables, settings: Mapping, results) -> list[dict]:
    """A deliverable's main findings: the rules' findings under the workspace's global filters,
    then the comparison cells' key sentences (ranking, mix reversals). A rule that fails does not
    block the deliverable, but the deliverable says that the findings are incomplete."""
    from kpis.views.findings import run_findings

    try:
        found = run_findings(
            tables, settings.get("params") or {}, settings, filters=settings.get("filters") or None
        )
    except Exception as exc:  # noqa: BLE001 - reported in the deliverable itself
        found = [
            {
                "rule": "rules_failed",
                "severity": "warning",
                "kind": "finding",
                "text_fr": "Constats incomplets : les règles d'interprétation n'ont pas pu être "
                f"évaluées ({type(exc).__name__} : {exc}).",
                "text_en": "Findings incomplete: the interpretation rules could not be evaluated "
                f"({type(exc).__name__}: {exc}).",
            }
        ]
    found = [f for f in found if f.get("kind", "finding") == "finding"]
    for r in results:
        if r.view == "comparison":  # the ranking and mix reversals; the rest stays in its cell
            found += [f for f in r.findings if (f.get("evidence") or {}).get("key")]
    return found


def audit_plan(tables, workspace_path=None, params=None, lang: str = "fr") -> tuple[dict, list]:
    """(settings, cells) of a report: the workspace's run settings and cells (its cells, else
    the standard audit of ``tables``), or the standard audit alone; ``params`` override the
    workspace's parameters."""
    from kpis.views.runner import standard_audit
    from kpis.workspace import Workspace

    if workspace_path:
        ws = Workspace.load(workspace_path)
        settings = ws.run_settings()
        cells = ws.cells or standard_audit(tables, settings)
    else:
        settings, cells = {}, standard_audit(tables)
    settings["params"] = {**(settings.get("params") or {}), **dict(params or {})}
    settings["lang"] = settings.get("lang", lang)
    return settings, cells


def report_from_tables(
    tables: Mapping[str, pd.DataFrame],
    import_report,
    workspace_path: str | Path | None,
    out_path: str | Path,
    *,
    params: Mapping | None = None,
    lang: str = "fr",
    pseudonymise_agents: bool = False,
) -> Path:
    """Run the workspace's cells (or the standard audit) on ``tables`` and write the report."""
    from kpis.deliverables.labels import data_period
    from kpis.engine import registry_records
    from kpis.views.runner import run_cell

    settings, cells = audit_plan(tables, workspace_path, params, lang)
    results = [run_cell(c, tables, settings) for c in cells]
    findings = main_findings(tables, settings, results)
    return write_report(
        results,
        out_path,
        import_report,
        registry_records(lang),
        findings,
        lang=lang,
        period=data_period(tables, lang),
        pseudonymise_agents=pseudonymise_agents,
    )


def cli_report(
    files: Sequence[str | Path],
    out_path: str | Path,
    *,
    mapping: str | Path | None = None,
    workspace_path: str | Path | None = None,
    params: Mapping | None = None,
    table: str | None = None,
    lang: str = "fr",
    period_tables: Mapping | None = None,
    key_file: str | Path | None = None,
    collapse_events: bool | None = None,
    pseudonymise_agents: bool = False,
) -> int:
    """``pilote report FILE… [--mapping M] [--workspace W.json] [--key-file K]
    [--pseudonymise-agents] --out OUT``.

    Each file is imported with ``--mapping`` when given, else with the workspace's mapping for
    that file name (``Workspace.mappings`` keyed by file name), else auto-detected. Returns 0;
    typed ``PiloteError``s propagate for the CLI to print.
    """
    from kpis.io.pipeline import combine, combined_report, import_file
    from kpis.workspace import Workspace

    ws_maps: dict[str, str] = {}
    key = None
    if workspace_path:
        ws = Workspace.load(workspace_path)
        ws_maps = ws.mappings
        hex_key = str(ws.settings.get("pseudonym_key") or "")  # older workspaces carried it
        key = bytes.fromhex(hex_key) if len(hex_key) == 64 else None  # same pseudonyms as the app
    if key_file:
        from kpis.io.pseudonym import key_id, read_key_file

        try:
            key = read_key_file(Path(key_file).read_bytes())
        except (OSError, ValueError) as exc:
            raise ReportError(
                "fichier de clé illisible ou qui n'est pas une clé Pilote.",
                "unreadable key file, or not a Pilote key.",
                file=str(key_file),
            ) from exc
        expected = ws.settings.get("pseudonym_key_id") if workspace_path else None
        if expected and key_id(key) != expected:
            raise ReportError(
                "cette clé n'est pas celle de l'espace de travail (empreinte différente).",
                "this key is not the workspace's (different fingerprint).",
                file=str(key_file),
            )
    results = []
    for f in files:
        sibling = Path(f).with_name(Path(f).stem + ".mapping.yaml")  # as the app reads it
        m = mapping or ws_maps.get(Path(f).name) or (sibling if sibling.exists() else None)
        results.append(
            import_file(Path(f), mapping=m, table=table, key=key, collapse_events=collapse_events)
        )
    tables = {**combine(results), **(period_tables or {})}
    report_from_tables(
        tables,
        combined_report(results),
        workspace_path,
        out_path,
        params=params,
        lang=lang,
        pseudonymise_agents=pseudonymise_agents,
    )
    return 0
