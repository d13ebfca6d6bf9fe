"""Import pipeline: read → map → parse → validate, losing nothing.

``import_file`` returns an ``ImportResult``: the canonical rows used, the rows set aside (their
source cells, ``_row``, ``reason`` and ``detail``) and a JSON-able report. Always
rows_in = rows_used + rows_set_aside. Every problem of every row is looked for before the answer
(the first reason found is the row's reason; the detail lists the field and the source value).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kpis.errors import MappingError, MissingRequiredField
from kpis.io.mapping import Mapping, auto_map, candidates_for, load_mapping
from kpis.io.parsers import (
    is_missing,
    parse_bool,
    parse_datetime,
    parse_duration,
    parse_number,
    score_text,
)
from kpis.io.presets import detect_preset
from kpis.io.pseudonym import normalise_id, pseudonymise, token
from kpis.io.readers import RawTable, read_any
from kpis.io.text import fold
from kpis.schema import CANAL_VALUES, DIRECTION_VALUES, NIVEAU_VALUES, TABLES

MAX_DURATION_S = 86_400.0
DEFAULT_SCALES = {"nps_score": (0, 10), "ces_score": (1, 7), "csat_score": (0, 10)}

REASONS = {
    "malformed_line": ("ligne mal formée (nombre de colonnes)", "malformed line (column count)"),
    "empty_row": ("ligne vide", "empty row"),
    "dropped_by_mapping": ("écartée par le mapping", "dropped by mapping"),
    "missing_required": ("champ obligatoire vide", "required field empty"),
    "unparseable_date": ("date illisible", "unparseable date"),
    "unparseable_duration": ("durée illisible", "unparseable duration"),
    "unparseable_bool": ("oui/non illisible", "unparseable yes/no"),
    "unparseable_number": ("nombre illisible", "unparseable number"),
    "negative_duration": ("durée négative", "negative duration"),
    "absurd_duration": ("durée aberrante (> 24 h)", "absurd duration (> 24 h)"),
    "score_out_of_scale": ("note hors échelle", "score outside its scale"),
    "duplicate_contact_id": ("identifiant de contact en double", "duplicate contact id"),
}


def reason_label(code: str, lang: str = "fr") -> str:
    fr, en = REASONS.get(code, (code, code))
    return fr if lang == "fr" else en


@dataclass
class ImportResult:
    table: str
    data: pd.DataFrame
    set_aside: pd.DataFrame
    report: dict
    mapping: Mapping
    raw: RawTable | None = field(default=None, repr=False)


class _Reasons:
    """First reason per row, with a detail; every check still runs on every row."""

    def __init__(self, index: pd.Index) -> None:
        self.code = pd.Series(None, index=index, dtype=object)
        self.detail = pd.Series(None, index=index, dtype=object)
        self.counts: dict[str, int] = {}

    def flag(self, mask: pd.Series, code: str, detail: tuple | str = "") -> None:
        """Give ``code`` to the rows of ``mask`` that have no reason yet. ``detail`` is text, or
        (prefix, cells[, suffix]): the cells are quoted, built only for the flagged rows."""
        mask = mask.fillna(False).astype(bool)
        new = mask & self.code.isna()
        if not bool(new.any()):
            return
        self.code[new] = code
        if isinstance(detail, tuple):
            prefix, cells, suffix = (*detail, "")[:3]
            self.detail[new] = prefix + "'" + cells[new].astype("str") + "'" + suffix
        else:
            self.detail[new] = detail


def _source_text(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    """One column, or several joined with a space (e.g. a date and a time column)."""
    from kpis.io.parsers import _to_text

    if len(cols) == 1:
        return frame[cols[0]]
    parts = [_to_text(frame[c]).fillna("") for c in cols]
    joined = parts[0]
    for p in parts[1:]:
        joined = joined.str.cat(p, sep=" ")
    return joined.str.strip()


def _map_values(src: pd.Series, value_map: dict) -> pd.Series:
    """Source value -> mapped value: exact text first, then folded (case, accents ignored);
    values not listed are kept, or given the value of the key ``"*"`` when there is one."""
    folded = {fold(k): v for k, v in value_map.items() if k != "*"}
    other = value_map.get("*")

    def one(v):
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            return v
        t = str(v).strip()
        if t in value_map and t != "*":
            return value_map[t]
        if fold(t) in folded:
            return folded[fold(t)]
        return v if other is None or t == "" else other

    uniques = pd.unique(src.dropna())
    lookup = {u: one(u) for u in uniques}
    return src.map(lambda v: lookup.get(v, v))


def _normalise_category(values: pd.Series, fname: str) -> pd.Series:
    text = values.astype("str").str.strip()
    table = {"canal": CANAL_VALUES, "niveau": NIVEAU_VALUES, "direction": DIRECTION_VALUES}.get(
        fname
    )
    if table:
        uniques = pd.unique(text.dropna())
        lookup = {u: table.get(fold(u), u) for u in uniques}
        text = text.map(lookup)
    return text.astype("category")


def choose_table(frame: pd.DataFrame) -> tuple[str, Mapping]:
    """The canonical table whose distinctive fields the columns fill best."""
    generic = {
        "started_at",
        "answered_at",
        "evaluated_at",
        "contact_id",
        "customer_id",
        "agent_id",
        "canal",
        "motif",
        "team",
        "provider",
        "csat_score",
        "period_start",
        "period_index",
    }
    best = None
    for name in ("contacts", "surveys", "evaluations", "periods"):
        m = auto_map(frame, name)
        score = sum(c for f, c in m.confidence.items() if f not in generic)
        if name == "contacts":
            score += 0.01
        if best is None or score > best[0]:
            best = (score, name, m)
    return best[1], best[2]


def resolve_mapping(raw: RawTable, mapping=None, table: str | None = None) -> Mapping:
    """An explicit mapping (object, path, YAML text) wins; then a preset; then auto-mapping."""
    if mapping is not None:
        return mapping if isinstance(mapping, Mapping) else load_mapping(mapping)
    preset = detect_preset(raw.columns, table)
    if preset is not None:
        return preset
    if table:
        return auto_map(raw.frame, table)
    return choose_table(raw.frame)[1]


def import_file(
    source,
    filename: str | None = None,
    *,
    mapping=None,
    table: str | None = None,
    sheet=None,
    key: bytes | None = None,
    provider: str | None = None,
) -> ImportResult:
    """Read one export and turn it into a canonical table (see module docstring)."""
    pre = mapping if isinstance(mapping, Mapping) else (load_mapping(mapping) if mapping else None)
    read_opts = dict(pre.read) if pre else {}
    raw = read_any(
        source,
        filename,
        sheet=sheet if sheet is not None else read_opts.get("sheet"),
        encoding=read_opts.get("encoding"),
        sep=read_opts.get("separator"),
    )
    m = resolve_mapping(raw, pre, table)
    return apply_mapping(raw, m, key=key, provider=provider)


def apply_mapping(
    raw: RawTable, m: Mapping, *, key: bytes | None = None, provider: str | None = None
) -> ImportResult:
    frame = raw.frame
    tdef = TABLES[m.table]
    fname = raw.file
    # every named column must exist
    named = (
        [c for f in m.columns for c in m.sources(f)]
        + list(m.drop_rows)
        + list(m.items)
        + m.derived_sources()
    )
    absent = [c for c in named if c not in frame.columns]
    if absent:
        raise MappingError(
            f"colonnes absentes du fichier : {', '.join(absent)}. "
            f"Colonnes présentes : {', '.join(raw.columns)}.",
            f"columns missing from the file: {', '.join(absent)}. "
            f"Columns present: {', '.join(raw.columns)}.",
            file=fname,
            column=absent[0],
        )
    for req in tdef.required:
        if req not in m.columns and req not in m.constants and req not in m.derive:
            raise MissingRequiredField(
                req, file=fname, table=m.table, candidates=candidates_for(frame, m.table, req)
            )
    reasons = _Reasons(frame.index)
    source_cols = [c for c in frame.columns if c != "_row"]
    if source_cols:
        empty = pd.concat([is_missing(frame[c]) for c in source_cols], axis=1).all(axis=1)
        reasons.flag(empty, "empty_row")
    for col, vals in m.drop_rows.items():
        cell = frame[col].astype("str").str.strip()
        hit = cell.isin([str(v) for v in vals]) | cell.map(fold, na_action="ignore").isin(
            [fold(v) for v in vals]
        )
        reasons.flag(hit, "dropped_by_mapping", f"{col} ∈ {vals}")

    out = pd.DataFrame(index=frame.index)
    out["_row"] = frame["_row"].to_numpy()
    parse_info: dict = {}
    for fld in tdef.fields:
        cols = m.sources(fld.name)
        if not cols:
            continue
        src = _source_text(frame, cols)
        miss_vals = m.missing.get(fld.name)
        if miss_vals:
            src = src.where(~src.astype("str").str.strip().isin([str(v) for v in miss_vals]))
        value_map = m.values.get(fld.name)
        label = "+".join(cols)
        cells = (f"{fld.name} ({label}): ", src)
        if fld.kind == "bool":
            p = parse_bool(src, value_map)
            reasons.flag(p.invalid, "unparseable_bool", cells)
            out[fld.name] = p.values
        elif fld.kind == "datetime":
            p = parse_datetime(src, m.formats.get(fld.name))
            parse_info[fld.name] = p.info
            reasons.flag(p.invalid, "unparseable_date", cells)
            out[fld.name] = p.values
        elif fld.kind == "duration":
            p = parse_duration(src, unit=m.units.get(fld.name, "s"))
            reasons.flag(p.invalid, "unparseable_duration", cells)
            reasons.flag(p.values < 0, "negative_duration", cells)
            reasons.flag(p.values > MAX_DURATION_S, "absurd_duration", cells)
            out[fld.name] = p.values
        elif fld.kind in ("score", "number"):
            if value_map:
                src = _map_values(src, value_map)
            p = parse_number(score_text(src) if fld.kind == "score" else src)
            reasons.flag(p.invalid, "unparseable_number", cells)
            if fld.kind == "score":
                lo, hi = m.scales.get(fld.name, DEFAULT_SCALES.get(fld.name, (None, None)))
                if lo is not None:
                    outside = (p.values < lo) | (p.values > hi)
                    reasons.flag(outside, "score_out_of_scale", (*cells, f" ∉ [{lo}, {hi}]"))
                parse_info[fld.name] = {"scale": [lo, hi]}
            out[fld.name] = p.values
        elif fld.kind == "category":
            text = src.astype("str").str.strip().where(~is_missing(src))
            if value_map:
                text = _map_values(text, value_map)
            out[fld.name] = _normalise_category(text, fld.name)
        elif fld.kind == "id":
            text = normalise_id(src.astype("str")).where(~is_missing(src))
            out[fld.name] = pseudonymise(text, key) if fld.personal else text.astype("str")
        else:  # text
            out[fld.name] = src.astype("str").where(~is_missing(src))
    for fname_d, spec in m.derive.items():
        out[fname_d] = _derive(frame, fname_d, spec, m, reasons, parse_info)
    for fname_c, value in m.constants.items():
        kind = tdef.get(fname_c).kind
        const = pd.Series(value, index=frame.index)
        out[fname_c] = (
            _normalise_category(const, fname_c)
            if kind == "category"
            else parse_bool(const).values
            if kind == "bool"
            else const
        )
    if provider and "provider" in tdef.names and "provider" not in out:
        out["provider"] = pd.Series(provider, index=frame.index, dtype="category")
    for req in tdef.required:
        if req in out:
            reasons.flag(out[req].isna(), "missing_required", f"{req}: vide / empty")
    items = _evaluation_items(frame, m)
    for col in items:
        p = parse_number(frame[col])
        reasons.flag(p.invalid, "unparseable_number", (f"item {col}: ", frame[col]))
        out[f"item:{col}"] = p.values
    if "contact_id" in out and m.table == "contacts":
        ok = reasons.code.isna() & out["contact_id"].notna()
        dup = out["contact_id"].where(ok).duplicated(keep="first") & ok
        reasons.flag(dup, "duplicate_contact_id", ("contact_id: ", out["contact_id"]))
    out["_file"] = pd.Categorical([fname] * len(out)) if len(out) else pd.Categorical([])

    used_mask = reasons.code.isna()
    data = out[used_mask].reset_index(drop=True)
    set_aside = _set_aside_frame(raw, m, reasons, used_mask, key)
    rows_in = len(frame) + len(raw.bad_rows)
    counts = set_aside["reason"].value_counts().to_dict() if len(set_aside) else {}
    report = {
        "file": fname,
        "table": m.table,
        "rows_in": rows_in,
        "rows_used": int(used_mask.sum()),
        "rows_set_aside": int(len(set_aside)),
        "set_aside": {k: int(v) for k, v in counts.items()},
        "format": raw.info,
        "mapping": {f: (c if isinstance(c, str) else list(c)) for f, c in m.columns.items()},
        "confidence": {f: m.confidence.get(f, 1.0) for f in m.columns},
        "mapping_source": m.source,
        "constants": {k: str(v) for k, v in m.constants.items()},
        "items": items,
        "parsing": parse_info,
        "unmapped_columns": [c for c in raw.columns if c not in set(named) | set(items)],
        "warnings": _warnings(m, raw),
    }
    if report["rows_used"] + report["rows_set_aside"] != rows_in:  # pragma: no cover - invariant
        raise AssertionError("rows in != rows used + rows set aside")
    return ImportResult(m.table, data, set_aside, report, m, raw)


def _warnings(m: Mapping, raw: RawTable) -> list[dict]:
    out = []
    if m.source == "auto" and len(m.columns) < 3:
        out.append(
            {
                "code": "few_fields",
                "fr": f"seuls {len(m.columns)} champs reconnus : ce fichier ressemble peu à un "
                f"export de la table {m.table}. Vérifiez la correspondance des colonnes.",
                "en": f"only {len(m.columns)} fields recognised: this file does not look much like "
                f"a {m.table} export. Check the column mapping.",
            }
        )
    if m.skipped:
        skipped = ", ".join(f"{f} ({c})" for f, c in m.skipped.items())
        out.append(
            {
                "code": "preset_columns_absent",
                "fields": list(m.skipped),
                "fr": f"colonnes facultatives du modèle absentes, champs non remplis : {skipped}.",
                "en": f"optional preset columns absent, fields left empty: {skipped}.",
            }
        )
    low = [f for f, c in m.confidence.items() if c < 0.7]
    if m.source == "auto" and low:
        out.append(
            {
                "code": "low_confidence",
                "fields": low,
                "fr": f"correspondance peu sûre pour : {', '.join(low)}.",
                "en": f"uncertain mapping for: {', '.join(low)}.",
            }
        )
    return out


def _derive(frame, fname, spec, m, reasons, parse_info) -> pd.Series:
    """A field computed from other columns: a duration between two timestamps, or presence."""
    if "present" in spec:
        return (~is_missing(frame[spec["present"]])).astype("boolean")
    end_col, start_col = spec["diff"]
    # a format given for the derived field applies to both timestamps
    end = parse_datetime(frame[end_col], m.formats.get(end_col) or m.formats.get(fname))
    start = parse_datetime(frame[start_col], m.formats.get(start_col) or m.formats.get(fname))
    parse_info[fname] = {"derived": f"{end_col} - {start_col}"}
    for p, col in ((end, end_col), (start, start_col)):
        reasons.flag(p.invalid, "unparseable_date", (f"{fname} ({col}): ", frame[col]))
    seconds = (end.values - start.values).dt.total_seconds()
    txt = (f"{fname} ({end_col} - {start_col}): ", seconds, " s")
    reasons.flag(seconds < 0, "negative_duration", txt)
    reasons.flag(seconds > MAX_DURATION_S, "absurd_duration", txt)
    return seconds


def _evaluation_items(frame: pd.DataFrame, m: Mapping) -> list[str]:
    if m.table != "evaluations":
        return []
    return list(m.items)


_PERSONAL_WORDS = {
    "phone",
    "telephone",
    "tel",
    "mobile",
    "portable",
    "email",
    "mail",
    "courriel",
    "name",
    "nom",
    "prenom",
    "fname",
    "lname",
    "first",
    "last",
    "middle",
    "address",
    "adresse",
    "ssn",
    "social",
    "ani",
    "caller",
    "appelant",
    "iban",
    "phonefinal",
    "raw",
    "digits",
    "requester",
    "author",
    "client",
    "customer",
}
_EMAIL = r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
_PHONE = r"^\+?[\d .\-()]+$"


def _personal_columns(frame: pd.DataFrame) -> set[str]:
    """Source columns that look like personal data (by header words or by their values)."""
    out = set()
    for col in frame.columns:
        if col == "_row":
            continue
        words = set(fold(col).split())
        values = frame[col].dropna().astype("str").str.strip()
        phone = values.str.match(_PHONE) & (values.str.count(r"\d") >= 9)
        looks = bool(len(values)) and (values.str.match(_EMAIL, case=False) | phone).mean() > 0.5
        if words & _PERSONAL_WORDS or looks:
            out.add(col)
    return out


def _set_aside_frame(
    raw: RawTable, m: Mapping, reasons: _Reasons, used: pd.Series, key: bytes | None
) -> pd.DataFrame:
    """Rows set aside, with their source cells; customer ids and columns that look personal
    (phone, e-mail, name, address…) are replaced by their pseudonym."""
    aside = raw.frame[~used].copy()
    for col in set(m.sources("customer_id")) | _personal_columns(aside):
        if col in aside:
            aside[col] = token(normalise_id(aside[col].astype("str")), key)
    aside["reason"] = reasons.code[~used]
    aside["detail"] = reasons.detail[~used]
    if raw.bad_rows:
        bad = pd.DataFrame(
            {
                "_row": [b.row for b in raw.bad_rows],
                "reason": [b.reason for b in raw.bad_rows],
                "detail": [b.text[:500] for b in raw.bad_rows],
            }
        )
        if m.sources("customer_id"):
            bad["detail"] = "(texte masqué : la ligne peut contenir un identifiant client)"
        aside = pd.concat([aside, bad], ignore_index=True)
    aside = aside.sort_values("_row", kind="stable").reset_index(drop=True)
    aside.insert(0, "reason_label_fr", aside["reason"].map(lambda c: reason_label(c, "fr")))
    return aside


def combine(results: list[ImportResult]) -> dict[str, pd.DataFrame]:
    """Canonical tables from several imports: rows of the same table are stacked."""
    tables: dict[str, list[pd.DataFrame]] = {}
    for r in results:
        tables.setdefault(r.table, []).append(r.data)
    out = {}
    for name, frames in tables.items():
        if len(frames) == 1:
            out[name] = frames[0]
            continue
        cats = set().union(
            *[{c for c in f.columns if isinstance(f[c].dtype, pd.CategoricalDtype)} for f in frames]
        )
        merged = pd.concat(frames, ignore_index=True)
        for c in cats:
            merged[c] = merged[c].astype("category")
        out[name] = merged
    return out


def import_files(
    paths: list, mapping=None, *, table: str | None = None, key: bytes | None = None
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Import several files with one optional mapping; returns the tables and the report."""
    results = [import_file(p, mapping=mapping, table=table, key=key) for p in paths]
    return combine(results), combined_report(results)


def combined_report(results: list[ImportResult]) -> dict:
    if len(results) == 1:
        return results[0].report
    set_aside: dict[str, int] = {}
    for r in results:
        for k, v in r.report["set_aside"].items():
            set_aside[k] = set_aside.get(k, 0) + v
    return {
        "rows_in": sum(r.report["rows_in"] for r in results),
        "rows_used": sum(r.report["rows_used"] for r in results),
        "rows_set_aside": sum(r.report["rows_set_aside"] for r in results),
        "set_aside": set_aside,
        "mapping": results[0].report["mapping"],
        "files": [r.report for r in results],
    }


__all__ = [
    "ImportResult",
    "import_file",
    "import_files",
    "apply_mapping",
    "combine",
    "reason_label",
    "REASONS",
]
