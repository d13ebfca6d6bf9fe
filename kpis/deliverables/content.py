"""What the three writers share: column labels and units, cell text, import-report rows, titles.

Every number shown as text goes through ``kpis.format`` (``value``, ``diff``, ``p_value``…).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.deliverables.text import is_nan

# Columns whose values are in the row's KPI unit (table column "unit").
UNIT_COLUMNS = {
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "pooled",
    "target",
    "threshold",
}
DIFF_COLUMNS = {"diff", "std_diff"}
COUNT_COLUMNS = {
    "n",
    "denominator",
    "docs",
    "detractors",
    "promoters",
    "rows",
    "kpis_scored",
    "rank",
    "rank_low",
    "rank_high",
    "thresholds_met",
}
P_COLUMNS = {"p", "p_adj", "std_p", "std_p_adj"}
FRACTION_COLUMNS = {"coverage", "weight", "p_first"}  # 0–1, shown as a percentage
PERCENT_COLUMNS = {"share", "det_share", "pro_share"}  # already 0–100
DECIMAL_COLUMNS = {"score", "score_ci_low", "score_ci_high", "subscore", "mean_rank", "z", "se"}
COLUMN_LABELS_FR = {
    "kpi": "id",
    "indicateur": "Indicateur",
    "value": "Valeur",
    "ci_low": "IC 95 % bas",
    "ci_high": "IC 95 % haut",
    "n": "n",
    "unit": "Unité",
    "target": "Cible",
    "reference": "Repère public",
    "status": "Statut",
    "detail": "Détail",
    "provider": "Prestataire",
    "std_value": "Valeur ajustée (mix commun)",
    "std_ci_low": "Ajustée IC bas",
    "std_ci_high": "Ajustée IC haut",
    "coverage": "Part du mix couverte",
    "pooled": "Valeur commune",
    "std_diff": "Écart ajusté − commun",
    "std_p_adj": "p ajusté",
    "std_significant": "Significatif",
    "note": "Note",
    "period": "Période",
    "motif": "Motif",
    "canal": "Canal",
    "agent_id": "Conseiller",
    "team": "Équipe",
    "term": "Terme",
    "docs": "Commentaires",
    "rule": "Règle",
    "severity": "Gravité",
    "kind": "Type",
    "segment": "Segment",
    "score": "Score",
    "rank": "Rang",
    "p_first": "P(1er)",
    "mean_rank": "Rang moyen",
    "rank_low": "Rang min (95 %)",
    "rank_high": "Rang max (95 %)",
    "thresholds_met": "Seuils atteints",
    "kpis_scored": "KPI notés",
    "score_ci_low": "Score IC bas",
    "score_ci_high": "Score IC haut",
    "provider_a": "Prestataire A",
    "provider_b": "Prestataire B",
    "basis": "Base",
    "diff": "Écart",
    "se": "Erreur type",
    "p": "p",
    "p_adj": "p ajusté",
    "significant": "Significatif",
}
SEVERITY_FR = {"alert": "alerte", "warning": "attention", "info": "info", "note": "note"}
IMPORT_HEADERS = {
    "fr": ["Fichier", "Table", "Lignes lues", "Utilisées", "Mises de côté", "Motifs", "Mapping"],
    "en": ["File", "Table", "Rows in", "Used", "Set aside", "Reasons", "Mapping"],
}
IMPORT_COUNT_COLUMNS = (2, 3, 4)  # 0-based positions of the counts in an import row
DEF_COLUMNS = ["id", "name", "group", "definition", "formula", "unit", "direction", "target"]
DEF_HEADERS = {
    "fr": ["id", "Nom", "Groupe", "Définition", "Formule", "Unité", "Sens", "Cible"],
    "en": ["id", "Name", "Group", "Definition", "Formula", "Unit", "Direction", "Target"],
}


def label(col: str, lang: str) -> str:
    """A column's header: French words (``words.header``), or the field name in English."""
    from kpis.deliverables.words import header

    return header(col, lang) if lang == "fr" else col


def is_number(v: Any) -> bool:
    """A real number (bools are not)."""
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
        v, (bool, np.bool_)
    )


def value_text(v: Any, unit: str | None, lang: str) -> str:
    """One value as text: "" when missing, oui/non, a date, a number in ``unit`` (None: plain)."""
    if is_nan(v):
        return ""
    if isinstance(v, (bool, np.bool_)):
        return ("oui" if v else "non") if lang == "fr" else ("yes" if v else "no")
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        ts = pd.Timestamp(v)
        if ts == ts.normalize():
            return fmt.date(ts, lang)
        return f"{fmt.date(ts, lang)} {ts.strftime('%H:%M')}"
    if is_number(v):
        x = float(v)
        if unit:
            return fmt.value(x, unit, lang)
        if x.is_integer():
            return fmt.integer(x, lang)
        return fmt.number(x, lang, 3 if abs(x) < 1 else 2)
    if isinstance(v, Mapping):
        return ", ".join(f"{k} = {x}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return str(v)


def column_unit(col: str, row_unit: str | None) -> str | None:
    """The display unit of one column for one row (None: plain number)."""
    if col in UNIT_COLUMNS:
        return row_unit
    if col in COUNT_COLUMNS:
        return "count"
    if col in PERCENT_COLUMNS:
        return "%"
    return None


def cell_text(col: str, v: Any, row_unit: str | None, lang: str) -> str:
    """A table cell as text, formatted by its column (p-values, shares, differences, units)."""
    if not is_number(v) or is_nan(v):
        return value_text(v, None, lang)
    if col in P_COLUMNS:
        return fmt.p_value(float(v), lang)
    if col in FRACTION_COLUMNS:
        return fmt.percent(100 * float(v), lang)
    if col in DIFF_COLUMNS:
        return fmt.diff(float(v), row_unit or "", lang)
    return value_text(v, column_unit(col, row_unit), lang)


def row_units(table: pd.DataFrame, default: str | None = None) -> list[str | None]:
    """Each row's KPI unit (the table's ``unit`` column), else ``default``."""
    if "unit" not in table.columns:
        return [default] * len(table)
    return [None if is_nan(u) else str(u) for u in table["unit"].astype(object).tolist()]


def finding_text(f: Mapping, lang: str) -> str:
    """A finding's sentence in ``lang``, ids in words (``words.text_words``, channel codes)."""
    from kpis.deliverables.words import code_free

    text = str(f.get("text_fr" if lang == "fr" else "text_en") or f.get("text") or "")
    return code_free(text, lang)


def display_table(table: pd.DataFrame | None) -> pd.DataFrame:
    """The columns worth showing (the raw ``kpi`` id goes when a name column is present)."""
    if table is None:
        return pd.DataFrame()
    drop = [c for c in ("kpi",) if "indicateur" in table.columns and c in table.columns]
    return table.drop(columns=drop)


def table_words(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table's category codes in words, as the app shows them (``kpis.labels``): a coded
    field's column (``canal``: ``telephone`` → « Téléphone », "Phone" in English), a findings'
    ``segment`` ("canal = reseaux_sociaux" → "Canal : Réseaux sociaux"); any other text cell
    through ``words.cell_word`` (rule titles, statuses, KPI names…) and a channel code left in
    it in words (``words.code_free``). The data keep their codes."""
    from kpis.deliverables.labels import segment_text
    from kpis.deliverables.words import cell_word, code_free
    from kpis.labels import category_label, labelled_field

    if table is None or table.empty:
        return table
    out = {}
    for c in table.columns:
        col = table[c]
        if col.dtype.kind in "biufcmM":
            continue
        vals = col.astype(object)
        if labelled_field(str(c)):
            vals = vals.map(lambda v, c=c: category_label(str(c), v, lang))
        elif str(c) == "segment":
            vals = vals.map(lambda v: segment_text(v, lang) if isinstance(v, str | Mapping) else v)
        elif str(c) not in ("canal", "direction"):
            vals = vals.map(lambda v, c=c: cell_word(str(c), v, lang))
        vals = vals.map(lambda v: code_free(v, lang) if isinstance(v, str) else v)
        if not vals.equals(col.astype(object)):
            out[c] = vals
    return table.assign(**{str(k): v for k, v in out.items()}) if out else table


def flat_reports(import_reports) -> list[dict]:
    """Flatten import reports (one per file, or a combined one with "files")."""
    out: list[dict] = []
    if import_reports is None:
        return out
    if isinstance(import_reports, Mapping):
        import_reports = [import_reports]
    for r in import_reports:
        if isinstance(r, Mapping) and "files" in r:
            out.extend(flat_reports(r["files"]))
        elif isinstance(r, Mapping):
            out.append(dict(r))
    return out


def _field(name, lang: str) -> str:
    from kpis.labels import field_label

    return (field_label(str(name), lang) or str(name)) if lang == "fr" else str(name)


def report_rows(import_reports, lang: str) -> list[list]:
    """Rows of the import sheet/section: file, table, rows in/used/set aside, reasons, mapping."""
    from kpis.deliverables.words import table_word
    from kpis.io.pipeline import reason_label

    colon = " : " if lang == "fr" else ": "
    rows = []
    for r in flat_reports(import_reports):
        reasons = "; ".join(
            f"{reason_label(k, lang)}{colon}{fmt.integer(v, lang)}"
            for k, v in (r.get("set_aside") or {}).items()
        )
        mapping = "; ".join(
            f"{_field(k, lang)} ← {' + '.join(v) if isinstance(v, list) else v}"
            for k, v in (r.get("mapping") or {}).items()
        )
        rows.append(
            [
                r.get("file", ""),
                table_word(r.get("table", ""), lang),
                r.get("rows_in"),
                r.get("rows_used"),
                r.get("rows_set_aside"),
                reasons,
                mapping,
            ]
        )
    return rows


def title(text: str | None, lang: str) -> str:
    return text or ("Audit de la relation client — Pilote" if lang == "fr" else "Pilote audit")


def subtitle(import_reports, lang: str) -> str:
    reps = flat_reports(import_reports)
    today = fmt.date(dt.date.today(), lang)
    used = fmt.integer(sum(int(r.get("rows_used") or 0) for r in reps), lang)
    files = ", ".join(str(r.get("file", "")) for r in reps if r.get("file"))
    if lang == "fr":
        return f"Généré le {today}" + (f" — {used} lignes utilisées ({files})" if reps else "")
    return f"Generated on {today}" + (f" — {used} rows used ({files})" if reps else "")


def _setting_text(v) -> str:
    if isinstance(v, tuple) and len(v) == 2:
        return f"{v[0] or '…'} → {v[1] or '…'}"
    if isinstance(v, (list, tuple, set)):
        return ", ".join(_setting_text(x) for x in v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k} {_setting_text(x)}" for k, x in v.items())
    return str(v)


def filters_text(res, lang: str) -> str:
    """ "Paramètres et filtres : motif = …; seuil : …" for a cell ("" when none)."""
    from kpis.deliverables.words import code_free, setting_words

    colon = " : " if lang == "fr" else ": "
    filters = (getattr(res, "filters", None) or {}).items()
    params = (getattr(res, "params", None) or {}).items()
    if lang == "fr":  # names and values in words (« Indicateur : Taux de décroché »)
        filters = [setting_words(k, v, lang) for k, v in filters]
        params = [setting_words(k, v, lang) for k, v in params]
    parts = [f"{k} = {code_free(_setting_text(v), lang)}" for k, v in filters]
    for k, v in params:
        if v not in (None, [], {}, ""):
            parts.append(f"{k}{colon}{code_free(_setting_text(v), lang)}")
    if not parts:
        return ""
    head = "Paramètres et filtres : " if lang == "fr" else "Parameters and filters: "
    return head + "; ".join(parts)


def not_computable(error: str, lang: str) -> str:
    return ("Non calculable : " if lang == "fr" else "Not computable: ") + error


def number_line(key: str, v: Any, lang: str) -> str:
    """A key figure as one line: "FCR : 78,2 %"."""
    text = value_text(v, None, lang) if is_number(v) else str(v)
    return f"{key} : {text}" if lang == "fr" else f"{key}: {text}"


def reference_label(lang: str) -> str:
    return "Repère public" if lang == "fr" else "Public reference"


def with_references(table: pd.DataFrame | None, lang: str, scales: Mapping | None = None):
    """``table`` with a "reference" column (``kpis.references``: "85,0 % (source, 2020,
    méthode, pays)", "" when none) right after its "target" column, when it has both "kpi" and
    "target"; beside the target, never in its place. ``scales`` maps a score KPI to the data's
    scale (unknown: the figure stays on its source's scale, which the text states). The
    PowerPoint writer can call it as the Excel and HTML writers do."""
    from kpis.references import reference_text, references_for

    if table is None or "kpi" not in table.columns or "target" not in table.columns:
        return table
    if "reference" in table.columns:
        return table
    texts = []
    for k in table["kpi"].astype(object).tolist():
        refs = references_for(str(k))
        scale = (scales or {}).get(k) if refs and refs[0].scale else None
        texts.append(reference_text(refs[0], lang, scale) if refs else "")
    if not any(texts):
        return table
    out = table.copy()
    out.insert(out.columns.get_loc("target") + 1, "reference", texts)
    return out


def key_number_reference(label_text: str, lang: str) -> str:
    """The public figure of the KPI a key number is named after ("" when none or unknown)."""
    from kpis.definitions import REGISTRY
    from kpis.references import kpi_reference_text

    for kpi in REGISTRY:
        if label_text in (kpi.name_fr, kpi.name_en):
            return kpi_reference_text(kpi.id, lang)
    return ""
