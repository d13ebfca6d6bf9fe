"""Command line: ``pilote`` (= ``python -m kpis``).

Sub-commands: ``check`` (import report), ``kpis`` (the registry), ``compute`` (KPI values),
``findings`` (interpretation rules), ``compare`` (providers, raw and mix-standardised, ranked),
``report`` (Excel / HTML / PowerPoint deliverable).
Exit codes: 0 when the files were read (even with rows set aside), 2 when a file cannot be
read or a request is invalid (a readable message on stderr, never a traceback).
JSON output is one document on stdout and nothing else.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from kpis import cli_relational
from kpis.errors import PiloteError


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _clean(value):
    """NaN/NA -> None, recursively, so the JSON is valid."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def dump_json(doc) -> str:
    return json.dumps(_clean(doc), ensure_ascii=False, indent=2, default=_json_default)


PERIOD_TABLES = ("costs", "hours", "customer_base", "headcount")


def _sibling_mapping(path: Path) -> Path | None:
    """``contacts.mapping.yaml`` beside ``contacts.csv``: the mapping the app uses for it."""
    m = path.with_name(path.stem + ".mapping.yaml")
    return m if m.exists() else None


def _load(args):
    """Exports through the import pipeline; period inputs (costs, hours, customer base,
    headcount: ``--table`` or recognised by their headers) beside them, as the app does."""
    from kpis.io.pipeline import combine, combined_report, import_file

    exports, period_tables, period_reports = _period_files(args)
    results = []
    for f in exports:
        path = Path(f)
        mapping = args.mapping or _sibling_mapping(path)
        table = None if args.table in PERIOD_TABLES else args.table
        results.append(
            import_file(path, mapping=mapping, table=table, collapse_events=_collapse(args))
        )
    tables = {**(combine(results) if results else {}), **period_tables}
    report = combined_report(results) if results else {"files": []}
    if period_reports:
        report = {**report, "period_inputs": period_reports}
    return tables, report, results


def _collapse(args) -> bool | None:
    """``--collapse-events``: True (event logs grouped by ticket); absent: None (warned only)."""
    return True if getattr(args, "collapse_events", False) else None


def _concat(frames):
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


def _params(pairs: list[str] | None) -> dict:
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise PiloteError(
                f"paramètre « {pair} » : attendu NOM=VALEUR.",
                f"parameter '{pair}': expected NAME=VALUE.",
            )
        name, raw = pair.split("=", 1)
        try:
            out[name.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            low = raw.strip().lower()
            out[name.strip()] = {"true": True, "false": False}.get(low, raw)
    return out


# ---------------------------------------------------------------- check


def _text_report(rep: dict, lang: str) -> str:
    from kpis.io.pipeline import reason_label

    fr = lang == "fr"
    if "files" in rep:
        return "\n\n".join(_text_report(r, lang) for r in rep["files"])
    fmt = rep.get("format", {})
    lines = [
        f"{'Fichier' if fr else 'File'} : {rep['file']}  →  table {rep['table']}",
        f"  format : {fmt.get('format')}"
        + (f", encodage {fmt.get('encoding')}" if fmt.get("encoding") else "")
        + (f", séparateur {fmt.get('separator_name')}" if fmt.get("separator") else "")
        + (f", feuille {fmt.get('sheet')}" if fmt.get("sheet") else ""),
        f"  {'lignes lues' if fr else 'rows in'} : {rep['rows_in']}"
        f"   {'utilisées' if fr else 'used'} : {rep['rows_used']}"
        f"   {'mises de côté' if fr else 'set aside'} : {rep['rows_set_aside']}",
    ]
    for code, n in rep["set_aside"].items():
        lines.append(f"    - {reason_label(code, lang)} : {n}")
    lines.append(f"  {'correspondance' if fr else 'mapping'} ({rep['mapping_source']}) :")
    for field, src in rep["mapping"].items():
        conf = rep["confidence"].get(field, 1.0)
        info = rep["parsing"].get(field, {})
        extra = ""
        if info.get("format"):
            extra = f"  [{info['format']}, {info.get('order', '')}]"
            if info.get("order_note"):
                extra += f" ({info['order_note']})"
        src_txt = " + ".join(src) if isinstance(src, list) else src
        lines.append(f"    {field:<24} ← {src_txt}  ({conf:.0%}){extra}")
    for field, value in rep.get("constants", {}).items():
        lines.append(f"    {field:<24} = {value}")
    if rep.get("unmapped_columns"):
        lines.append(
            f"  {'colonnes non utilisées' if fr else 'unused columns'} : "
            + ", ".join(rep["unmapped_columns"])
        )
    lines += _detected_lines(rep, fr)
    for w in rep.get("warnings", []):
        lines.append(f"  ⚠ {w['fr'] if fr else w['en']}")
    return "\n".join(lines)


def _derived_text(spec: dict, fr: bool) -> str:
    if "diff" in spec:
        end, start = spec["diff"]
        return f"{end} − {start}" + (" (secondes)" if fr else " (seconds)")
    if "date_time" in spec:
        date, *times = spec["date_time"]
        first = "première heure parmi" if fr else "earliest time among"
        return f"{date} + {first} {', '.join(times)}"
    if "present" in spec:
        return ("présence d'une valeur dans " if fr else "a value present in ") + spec["present"]
    return ", ".join(f"{k}: {v}" for k, v in spec.items())


def _detected_lines(rep: dict, fr: bool) -> list[str]:
    """What the import computed or read from the values: event log, derived fields, compact
    dates, placeholder columns, survey scales, call outcome words, date-only fields."""
    lines = []
    events = rep.get("events")
    if events:
        state = (
            ("regroupé par ticket" if fr else "grouped by ticket")
            if events.get("collapsed")
            else ("non regroupé" if fr else "not grouped")
        )
        lines.append(f"  {events['fr'] if fr else events['en']} — {state}")
        cols = [
            ("ticket", events["id_column"]),
            ("état" if fr else "state", events["state_column"]),
        ]
        cols.append(("horodatage" if fr else "time", events["time_column"]))
        lines.append("    " + ", ".join(f"{k} : {v}" for k, v in cols if v))
    derived = rep.get("derived") or {}
    if derived:
        lines.append(f"  {'champs calculés' if fr else 'derived fields'} :")
        for field, spec in derived.items():
            lines.append(f"    {field:<24} = {_derived_text(spec, fr)}")
    found = []
    for field, info in (rep.get("parsing") or {}).items():
        if info.get("compact"):  # YYYYMMDD read as AAAAMMJJ in French
            pattern = info["compact"]
            if fr:
                pattern = pattern.replace("YY", "AA").replace("DD", "JJ")
            found.append(f"{field} : {'date compacte' if fr else 'compact date'} {pattern}")
        if info.get("time_only"):
            found.append(f"{field} : {'heure seule' if fr else 'time of day only'}")
    detected = rep.get("detected") or {}
    if detected.get("placeholder_columns"):
        what = "valeurs de remplissage lues comme vides" if fr else "placeholders read as missing"
        found.append(f"{what} : {', '.join(detected['placeholder_columns'])}")
    for field, scale in (detected.get("survey_scales") or {}).items():
        values = ", ".join(f"{k} → {v}" for k, v in scale["values"].items())
        what = "échelle d'enquête" if fr else "survey scale"
        name = f"« {scale['scale']} »" if fr else f'"{scale["scale"]}"'
        found.append(f"{field} : {what} {name} ({values})")
    outcome = detected.get("outcome")
    if outcome:
        yes, no = ("décroché", "non décroché") if fr else ("answered", "not answered")
        words = {True: yes, False: no, None: "mis de côté" if fr else "set aside"}
        values = ", ".join(f"{k} → {words[v]}" for k, v in outcome["values"].items())
        what = "issue d'appel" if fr else "call outcome"
        found.append(f"{outcome['column']} : {what} ({values})")
    if found:
        lines.append(f"  {'détecté' if fr else 'detected'} :")
        lines += [f"    {x}" for x in found]
    if rep.get("date_only"):
        what = "dates sans heure" if fr else "date-only fields"
        lines.append(f"  {what} : {', '.join(rep['date_only'])}")
    return lines


def cmd_check(args) -> int:
    _tables, report, _ = _load(args)
    if args.format == "json":
        print(dump_json({"import": report}))
    else:
        print(_text_report(report, args.lang))
    return 0


# ---------------------------------------------------------------- registry and compute


def cmd_kpis(args) -> int:
    from kpis.engine import registry_records

    records = registry_records(args.lang)
    if args.format == "json":
        print(dump_json({"kpis": records}))
    else:
        for r in records:
            print(f"{r['id']:<36} {r['name']:<48} {r['unit']:<8} {r['direction']}")
    return 0


def cmd_compute(args) -> int:
    from kpis.engine import compute, registry_records

    if args.kpi in (None, "all"):
        kpi_ids = [r["id"] for r in registry_records("en")]
    else:
        kpi_ids = [k.strip() for k in args.kpi.split(",") if k.strip()]
    by = [b.strip() for b in args.by.split(",")] if args.by else []
    try:
        if args.engine:  # computed where the data lives (kpis.cli_relational)
            from kpis.cli_relational import compute_on_engine

            result, report = compute_on_engine(args, kpi_ids, by, _params(args.param))
        else:
            if not args.files:
                raise PiloteError("donnez un fichier ou --engine.", "give a file or --engine.")
            tables, report, _ = _load(args)
            result = compute(tables, kpi_ids, by=by, period=args.period, params=_params(args.param))
    except (KeyError, ValueError) as exc:  # unknown KPI id or parameter: say which are valid
        text = str(exc.args[0] if exc.args else exc)
        raise PiloteError(f"requête invalide : {text}", f"invalid request: {text}") from exc
    if args.format == "csv":  # the downloads' export path: text cells neutralised
        from kpis.deliverables.export import csv_bytes

        sys.stdout.write(csv_bytes(result, args.lang, sep=",", bom=False).decode("utf-8"))
        return 0
    rows = []
    seg_cols = [*by, *(["period"] if args.period else [])]
    for rec in result.to_dict("records"):
        row = {
            "kpi": rec["kpi"],
            "segment": {c: rec.get(c) for c in seg_cols},
        }
        row.update({k: v for k, v in rec.items() if k not in seg_cols and k != "kpi"})
        rows.append(row)
    if args.format == "json":
        print(dump_json({"import": report, "results": rows}))
    else:
        print(result.to_string(index=False))
    return 0


def cmd_findings(args) -> int:
    from kpis.rules import cli_findings

    try:
        if args.engine:  # read where the data lives (kpis.cli_relational)
            doc, report = cli_relational.findings_on_engine(args, _params(args.param))
        else:
            if not args.files:
                raise PiloteError("donnez un fichier ou --engine.", "give a file or --engine.")
            tables, report, _ = _load(args)
            doc = cli_findings(tables, _params(args.param))
    except ValueError as exc:
        raise PiloteError(f"paramètre invalide : {exc}", f"invalid parameter: {exc}") from exc
    if args.format == "json":
        print(dump_json({**doc, "import": report}))
        return 0
    fr = args.lang == "fr"
    for f in doc["findings"]:
        text = f["text_fr"] if fr else f["text_en"]
        print(f"[{f['severity']}] {f['rule']} {f.get('segment') or ''}\n  {text}\n")
    return 0


def _weights(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    out = {}
    for pair in text.split(","):
        name, sep, raw = pair.partition("=")
        try:
            out[name.strip()] = float(raw)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise PiloteError(
                f"poids « {pair} » : attendu KPI=NOMBRE.", f"weight '{pair}': expected KPI=NUMBER."
            )
    return out


def compare_document(args) -> dict:
    """``pilote compare``: the comparison and the ranking as one JSON-able document."""
    from kpis.compare import (
        Comparison,
        compare_providers,
        default_kpis,
        default_weights,
        scorecard,
    )
    from kpis.compare.comparison import records

    tables, report, _ = _load(args)
    if args.costs:
        from kpis.io.period_inputs import read_period_input

        tables["costs"], _rep = read_period_input(Path(args.costs), "costs")
    params = _params(args.param)
    kpis = [k.strip() for k in args.kpi.split(",") if k.strip()] if args.kpi else None
    strata = [f.strip() for f in args.strata.split(",") if f.strip()] if args.strata else None
    try:
        kpis = kpis or default_kpis(tables, params)
        comp: Comparison = compare_providers(
            tables, kpis, params=params, min_cell=args.min_cell, strata=strata
        )
        weights = _weights(args.weights)
        if weights is None:
            weights = default_weights(
                [k for k in kpis if k in comp.stats or k == "cost_per_contact"]
            )
        sc = scorecard(comp, weights, n_boot=args.n_boot, seed=args.seed)
    except (KeyError, ValueError) as exc:
        text = str(exc.args[0] if exc.args else exc)
        raise PiloteError(f"requête invalide : {text}", f"invalid request: {text}") from exc
    cols = ["kpi", "provider", "unit", "value", "ci_low", "ci_high", "n", "std_value"]
    cols += ["std_ci_low", "std_ci_high", "coverage", "pooled", "std_diff", "std_p_adj", "note"]
    return {
        "providers": comp.providers,
        "kpis": comp.kpis,
        "strata": comp.meta["strata"],
        "values": records(comp.table[cols]),
        "pairwise": records(comp.pairwise),
        "adjustments": comp.adjustments,
        "ranking": sc.ranking(),
        "scorecard": {"table": records(sc.table), "details": records(sc.details), **sc.meta},
        "sentences": [s[args.lang] for s in comp.sentences + sc.sentences],
        "import": report,
    }


def cmd_compare(args) -> int:
    try:
        doc = compare_document(args)
    except PiloteError as exc:
        if args.format != "json" or args.debug:
            raise
        print(dump_json({"error": {"code": exc.code, "message": exc.message(args.lang)}}))
        return 2
    if args.format == "json":
        print(dump_json(doc))
        return 0
    from kpis import format as fmt

    for v in doc["values"]:
        raw = fmt.value(v["value"], v["unit"], args.lang)
        std = fmt.value(v["std_value"], v["unit"], args.lang)
        ci = fmt.interval(v["std_ci_low"], v["std_ci_high"], v["unit"], args.lang)
        print(f"{v['kpi']:<18} {v['provider']:<20} {raw:>14} {std:>14} {ci}")
    print()
    for r in doc["ranking"]:
        first = fmt.percent(100 * r["p_first"], args.lang, 0)
        print(
            f"{r['rank']}. {r['provider']:<20} score {fmt.number(r['score'], args.lang, 1)}  "
            f"P(1) {first}"
        )
    print()
    print("\n".join(doc["sentences"]))
    return 0


def _period_files(args) -> tuple[list[str], dict, list[dict]]:
    """Split the files: exports (returned) and period inputs (read, as tables + reports)."""
    from kpis.io.period_inputs import detect_kind, read_period_input
    from kpis.io.readers import read_any

    exports, periods, reports = [], {}, []
    for f in args.files:
        kind = args.table if args.table in PERIOD_TABLES else None
        if kind is None and not args.table and not args.mapping:
            kind = detect_kind(read_any(Path(f)).columns)
        if kind is None:
            exports.append(f)
            continue
        frame, rep = read_period_input(Path(f), kind)
        periods.setdefault(kind, []).append(frame)
        reports.append(rep)
    tables = {k: v[0] if len(v) == 1 else _concat(v) for k, v in periods.items()}
    return exports, tables, reports


def cmd_report(args) -> int:
    from kpis.deliverables.audit import cli_report

    if args.engine:  # the deliverable of data that lives in a base (kpis.cli_relational)
        return cli_relational.report_on_engine(args, _params(args.param))
    if not args.files:
        raise PiloteError("donnez un fichier ou --engine.", "give a file or --engine.")
    exports, periods, _reports = _period_files(args)
    return cli_report(
        exports,
        args.out,
        mapping=args.mapping,
        workspace_path=args.workspace,
        params=_params(args.param),
        table=None if args.table in PERIOD_TABLES else args.table,
        lang=args.lang,
        period_tables=periods,
        key_file=args.key_file,
        collapse_events=_collapse(args),
        pseudonymise_agents=args.pseudonymise_agents,
    )


# ---------------------------------------------------------------- main


def build_parser(cls=argparse.ArgumentParser) -> argparse.ArgumentParser:
    p = cls(prog="pilote", description="Pilote — KPI de la relation client")
    p.add_argument("--lang", choices=["fr", "en"], default="fr")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    def files(sp, nargs="+"):
        sp.add_argument("files", nargs=nargs, help="export files (CSV/TXT, XLSX, Parquet)")
        sp.add_argument("--mapping", help="mapping YAML file")
        sp.add_argument(
            "--table",
            choices=["contacts", "surveys", "evaluations", "periods", *PERIOD_TABLES],
            help="table of every file; costs|hours|customer_base|headcount: period inputs",
        )
        sp.add_argument(
            "--collapse-events",
            action="store_true",
            dest="collapse_events",
            help="event log (several rows per ticket): one row per ticket / regrouper par ticket",
        )

    c = sub.add_parser("check", help="import report / rapport d'import")
    files(c)
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.set_defaults(func=cmd_check)

    k = sub.add_parser("kpis", help="KPI registry / catalogue des indicateurs")
    k.add_argument("--format", choices=["text", "json"], default="text")
    k.add_argument("--json", dest="format", action="store_const", const="json")
    k.set_defaults(func=cmd_kpis)

    m = sub.add_parser("compute", help="compute KPIs / calculer des indicateurs")
    files(m, "*")
    cli_relational.add_engine_arguments(m)
    m.add_argument("--kpi", help="ID,ID,… or all")
    m.add_argument("--by", help="FIELD,FIELD,…")
    m.add_argument("--period", choices=["day", "week", "month"])
    m.add_argument("--param", action="append", metavar="NAME=VALUE")
    m.add_argument("--format", choices=["text", "json", "csv"], default="json")
    m.set_defaults(func=cmd_compute)
    f = sub.add_parser("findings", help="interpretation findings / pistes d'analyse")
    files(f, "*")
    cli_relational.add_engine_arguments(f)
    f.add_argument("--param", action="append", metavar="NAME=VALUE")
    f.add_argument("--format", choices=["text", "json"], default="json")
    f.set_defaults(func=cmd_findings)

    cp = sub.add_parser("compare", help="providers compared and ranked / comparaison prestataires")
    files(cp)
    cp.add_argument("--strata", help="FIELD,… among motif,canal,niveau (default: those mapped)")
    cp.add_argument("--kpi", help="ID,ID,… (default: the comparison's default set)")
    cp.add_argument("--weights", help="KPI=W,… (default: 1 each)")
    cp.add_argument("--costs", help="period costs file by provider (cost per contact)")
    cp.add_argument("--min-cell", type=int, default=30, dest="min_cell")
    cp.add_argument("--n-boot", type=int, default=1000, dest="n_boot")
    cp.add_argument("--seed", type=int, default=0)
    cp.add_argument("--param", action="append", metavar="NAME=VALUE")
    cp.add_argument("--format", choices=["text", "json"], default="json")
    cp.set_defaults(func=cmd_compare)

    cli_relational.add_load_parser(sub)
    r = sub.add_parser("report", help="deliverable / livrable (.xlsx, .html, .pptx)")
    files(r, "*")
    cli_relational.add_engine_arguments(r)
    r.add_argument("--workspace", help="workspace JSON (mappings, settings, targets, cells)")
    r.add_argument(
        "--key-file", help="pseudonymisation key file saved with the workspace (same pseudonyms)"
    )
    r.add_argument("--param", action="append", metavar="NAME=VALUE")
    r.add_argument(
        "--pseudonymise-agents",
        action="store_true",
        dest="pseudonymise_agents",
        help="agent names replaced by Conseiller 01… / pseudonymes des conseillers",
    )
    r.add_argument("--out", required=True, help="OUT.xlsx | OUT.html | OUT.pptx")
    r.set_defaults(func=cmd_report)
    return p


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so a bad request can answer in JSON."""

    def error(self, message: str):
        raise PiloteError(f"requête invalide : {message}", f"invalid request: {message}")


def _wants_json(argv: list[str]) -> bool:
    return any(
        a == "--json" or a == "--format=json" or (a == "--format" and b == "json")
        for a, b in zip(argv, [*argv[1:], ""], strict=True)
    )


def error_json(exc: Exception, lang: str) -> str:
    """``{"error": {"code", "message", "file", "field", "candidates"}}`` for any error."""
    if isinstance(exc, PiloteError):
        doc = {
            "code": exc.code,
            "message": exc.message(lang),
            "file": exc.file,
            "field": getattr(exc, "field", None) or exc.column,
            "candidates": list(getattr(exc, "candidates", None) or []),
        }
    else:
        doc = {
            "code": "unexpected",
            "message": f"{type(exc).__name__}: {exc}",
            "file": None,
            "field": None,
            "candidates": [],
        }
    return dump_json({"error": doc})


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = _wants_json(argv)
    pairs = zip(argv, [*argv[1:], ""], strict=True)
    lang = "en" if "--lang=en" in argv or ("--lang", "en") in pairs else "fr"
    parser = build_parser(_Parser if as_json else argparse.ArgumentParser)
    try:
        args = parser.parse_args(argv)
    except PiloteError as exc:  # only with --format json: argparse exits by itself otherwise
        print(error_json(exc, lang))
        return 2
    lang = getattr(args, "lang", "fr")
    try:
        return args.func(args)
    except PiloteError as exc:
        if args.debug:
            raise
        if as_json:
            print(error_json(exc, lang))
        else:
            print(exc.message(lang), file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader of our output closed it (`| head`): not an error
        sys.stderr.close()
        return 0
    except Exception as exc:  # a bad file must never show a traceback
        if args.debug:
            raise
        if as_json:
            print(error_json(exc, lang))
            return 2
        msg = (
            f"Erreur inattendue ({type(exc).__name__}) : {exc}. Relancez avec --debug."
            if lang == "fr"
            else f"Unexpected error ({type(exc).__name__}): {exc}. Run again with --debug."
        )
        print(msg, file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
