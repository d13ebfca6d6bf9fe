"""The command line past memory: ``pilote load`` (an export into a DuckDB file, block by block)
and ``pilote compute --engine`` (the KPIs computed where the data lives: a DuckDB file, Spark, or
any Ibis URL). The relational executor is imported only when asked for."""

from __future__ import annotations

import sys
from pathlib import Path

from kpis.errors import PiloteError


def add_load_parser(sub) -> None:
    ld = sub.add_parser(
        "load", help="export into a DuckDB file / charger un export dans une base DuckDB"
    )
    ld.add_argument("file", help="CSV/TXT export")
    ld.add_argument("--mapping", help="mapping YAML file")
    ld.add_argument("--table", choices=["contacts", "surveys", "evaluations", "periods"])
    ld.add_argument("--db", required=True, help="PATH.duckdb (created or completed)")
    ld.add_argument(
        "--block-rows", type=int, default=500_000, dest="block_rows", help="rows per block"
    )
    ld.add_argument(
        "--key-file",
        dest="key_file",
        help="pseudonymisation key file (same pseudonyms as the workspace / mêmes pseudonymes)",
    )
    ld.add_argument("--format", choices=["text", "json"], default="text")
    ld.set_defaults(func=cmd_load)


def add_engine_arguments(sp) -> None:
    sp.add_argument(
        "--engine",
        help="PATH.duckdb | duckdb:///PATH | spark | Ibis URL | env:VARIABLE "
        "(computed there; no export file needed)",
    )
    sp.add_argument(
        "--source-table",
        action="append",
        dest="source_tables",
        metavar="CANONICAL=NAME",
        help="the backend's table for a canonical table (contacts=cs.contacts_2026)",
    )


def _key(args) -> bytes | None:
    if not args.key_file:
        return None
    from kpis.io.pseudonym import read_key_file

    try:
        return read_key_file(Path(args.key_file).read_bytes())
    except (OSError, ValueError) as exc:
        raise PiloteError(
            "fichier de clé illisible ou invalide.",
            "unreadable or invalid key file.",
            file=args.key_file,
        ) from exc


def cmd_load(args) -> int:
    from kpis.cli import _sibling_mapping, dump_json
    from kpis.relational.load import load_csv

    if args.block_rows < 1:
        raise PiloteError("--block-rows : au moins 1.", "--block-rows: at least 1.")
    path = Path(args.file)
    mapping = args.mapping or _sibling_mapping(path)
    report = load_csv(
        path,
        args.db,
        mapping=str(mapping) if mapping else None,
        table=args.table,
        key=_key(args),
        block_rows=args.block_rows,
    )
    doc = {**report.to_dict(), "db": str(args.db)}
    if args.format == "json":
        print(dump_json({"load": doc}))
        return 0
    fr = args.lang == "fr"
    print(
        f"{'Fichier' if fr else 'File'} : {report.file}  →  {args.db} (table {report.table})\n"
        f"  {'lignes lues' if fr else 'rows in'} : {report.rows_in}"
        f"   {'utilisées' if fr else 'used'} : {report.rows_used}"
        f"   {'mises de côté' if fr else 'set aside'} : {report.rows_set_aside}"
        f"   ({'blocs' if fr else 'blocks'} : {report.blocks})"
    )
    from kpis.io.pipeline import reason_label

    for code, n in report.set_aside.items():
        print(f"    - {reason_label(code, args.lang)} : {n}")
    return 0


def source_tables(pairs: list[str] | None) -> dict[str, str] | None:
    """``contacts=cs.contacts_2026`` pairs as {canonical: backend table}."""
    from kpis.schema import TABLES

    if not pairs:
        return None
    out = {}
    for pair in pairs:
        name, _, table = pair.partition("=")
        name, table = name.strip(), table.strip()
        if name not in TABLES or not table:
            raise PiloteError(
                f"--source-table « {pair} » : attendu TABLE=NOM, TABLE parmi {', '.join(TABLES)}.",
                f"--source-table '{pair}': expected TABLE=NAME, TABLE among {', '.join(TABLES)}.",
            )
        out[name] = table
    return out


def compute_on_engine(args, kpi_ids, by, params):
    """The KPI table computed by the relational executor on ``args.engine``."""
    from kpis.relational.connect import connect
    from kpis.relational.executor import compute

    if args.files:
        raise PiloteError(
            "--engine lit les tables de la source : ne donnez pas aussi de fichier.",
            "--engine reads the source's tables: do not give files as well.",
        )
    source = connect(args.engine, source_tables(args.source_tables))
    report = {"engine": _said(args.engine), "tables": dict(source.tables)}
    return compute(source, kpi_ids, by=by, period=args.period, params=params), report


def _said(engine: str) -> str:
    """The engine as it may be printed: a URL loses its user and password."""
    import re

    return re.sub(r"(://)[^/@]*@", r"\1***@", engine)


def _engine_source(args):
    """The source ``--engine`` names (no export file with it) and what the report says of it."""
    from kpis.relational.connect import connect

    if args.files:
        raise PiloteError(
            "--engine lit les tables de la source : ne donnez pas aussi de fichier.",
            "--engine reads the source's tables: do not give files as well.",
        )
    source = connect(args.engine, source_tables(args.source_tables))
    return source, {"engine": _said(args.engine), "tables": dict(source.tables)}


def findings_on_engine(args, params):
    """``pilote findings --engine``: the rules on the source (``kpis.rules.data_relational``:
    KPI tables computed there, rows fetched filtered and bounded)."""
    from kpis.rules import cli_findings

    source, report = _engine_source(args)
    return cli_findings(None, params, source=source), report


def report_on_engine(args, params) -> int:
    """``pilote report --engine``: the deliverable of the source (``kpis.relational.report``);
    the sections that read a table too large to leave the base say so."""
    from kpis.relational.report import report_on_source

    source, said = _engine_source(args)
    too_big = report_on_source(
        source,
        said["engine"],
        args.workspace,
        args.out,
        params=params,
        lang=args.lang,
        pseudonymise_agents=args.pseudonymise_agents,
    )
    if too_big:
        from kpis.relational.rows import MAX_ROWS, beyond_bound

        why = beyond_bound(too_big, MAX_ROWS, args.lang)
        print(
            f"Tables laissées dans la base, {why} ; les sections qui les lisent sont signalées "
            "non produites dans le livrable."
            if args.lang == "fr"
            else f"Tables left in the base, {why}; the sections that read them are marked not "
            "produced in the deliverable.",
            file=sys.stderr,
        )
    return 0
