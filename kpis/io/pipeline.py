"""Import pipeline: read → map → parse → validate, losing nothing.

``import_file`` returns an ``ImportResult``: the canonical rows used, the rows set aside (their
source cells, ``_row``, ``reason`` and ``detail``) and a JSON-able report. Always
rows_in = rows_used + rows_set_aside. Every problem of every row is looked for before the answer
(the first reason found is the row's reason; the detail lists the field and the source value).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd

from kpis.errors import MappingError, MissingRequiredField
from kpis.format import percent
from kpis.io import events as ev
from kpis.io.aside import REASONS, reason_label, set_aside_frame
from kpis.io.columns import release_arrow_memory, release_memory, system_allocator
from kpis.io.detect import first_stage_time, is_date_only, looks_like_survey, normalise_labels
from kpis.io.fields import (
    MAX_DURATION_S,
    duplicated_among,
    normalise_category,
    parse_field,
)
from kpis.io.mapping import Mapping, auto_map, candidates_for, load_mapping
from kpis.io.parsers import (
    is_missing,
    parse_bool,
    parse_datetime,
    parse_number,
)
from kpis.io.presets import detect_preset
from kpis.io.readers import RawTable, read_any
from kpis.io.text import fold
from kpis.schema import TABLES


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
        self.index = index
        self.flagged = np.zeros(len(index), dtype=bool)
        self._code = np.full(len(index), None, dtype=object)
        self._detail = np.full(len(index), None, dtype=object)

    @property
    def code(self) -> pd.Series:
        return pd.Series(self._code, index=self.index, dtype=object)

    @property
    def detail(self) -> pd.Series:
        return pd.Series(self._detail, index=self.index, dtype=object)

    def flag(self, mask, code: str, detail: tuple | str = "") -> None:
        """Give ``code`` to the rows of ``mask`` that have no reason yet. ``detail`` is text, or
        (prefix, cells[, suffix]): the cells are quoted, built only for the flagged rows."""
        if isinstance(mask, pd.Series):
            mask = mask.fillna(False).to_numpy(dtype=bool)
        new = np.asarray(mask, dtype=bool) & ~self.flagged
        if not new.any():
            return
        self.flagged |= new
        self._code[new] = code
        if isinstance(detail, tuple):
            prefix, cells, suffix = (*detail, "")[:3]
            quoted = prefix + "'" + cells[new].astype("str") + "'" + suffix
            self._detail[new] = quoted.to_numpy(dtype=object)
        else:
            self._detail[new] = detail


PARALLEL_MIN_ROWS = 100_000


def _run(jobs: list, weights: list[int], parallel: bool) -> list:
    """Run the field parsers, heaviest first, on the machine's cores when the file is large
    (Arrow, NumPy and pandas release the interpreter lock in their loops); results in job order."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if not parallel or workers < 2:
        return [job() for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: -weights[i])

    def one(i: int):
        res = jobs[i]()
        release_arrow_memory()  # this field's temporaries, before the next field's
        return res

    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = dict(zip(order, pool.map(one, order), strict=True))
    return [done[i] for i in range(len(jobs))]


def _wants_codes(fld, m: Mapping) -> bool:
    """Contact ids of a contacts file are checked for duplicates (from their codes)."""
    return fld.name == "contact_id" and m.table == "contacts"


def _weight(fld) -> int:
    """Rough cost of parsing a field: identifiers and timestamps are mostly distinct values."""
    return 3 if fld.kind == "id" and fld.personal else 2 if fld.kind in ("id", "datetime") else 1


def _empty_rows(frame: pd.DataFrame, source_cols: list[str]) -> np.ndarray:
    """Rows whose every source cell is missing; each column is only read on the rows still
    empty so far (usually none after the first filled column)."""
    empty = np.ones(len(frame), dtype=bool) if source_cols else np.zeros(len(frame), dtype=bool)
    for col in source_cols:
        rows = np.flatnonzero(empty)
        if not len(rows):
            break
        column = frame[col] if len(rows) == len(frame) else frame[col].iloc[rows]
        empty[rows] = is_missing(column).to_numpy()
    return empty


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
    best, survey = None, None
    for name in ("contacts", "surveys", "evaluations", "periods"):
        m = auto_map(frame, name)
        score = sum(c for f, c in m.confidence.items() if f not in generic)
        if name == "contacts":
            score += 0.01
        if best is None or score > best[0]:
            best = (score, name, m)
        if name == "surveys":
            survey = m
    # a small survey file (a date, an id, a "Note CSAT" / "NPS" / "satisfaction" column) has
    # only fields other tables share: its score header decides
    if (
        best[1] != "surveys"
        and best[0] < 1.0
        and looks_like_survey(list(frame.columns))
        and "answered_at" in survey.columns
        and {"customer_id", "contact_id"} & set(survey.columns)
        and {"csat_score", "nps_score", "ces_score"} & set(survey.columns)
    ):
        return "surveys", survey
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


@system_allocator
def prepare_events(raw: RawTable, collapse_events: bool | None = None) -> RawTable:
    """An event log (several rows per ticket, see ``kpis.io.events``) detected in ``raw``:
    with ``collapse_events`` True, a table of one row per ticket is returned; otherwise the same
    rows. Either way ``info["events"]`` holds the detection (``collapsed`` says which), which
    ``apply_mapping`` turns into the report's ``events`` entry (and a warning when not
    collapsed). Nothing detected: the same rows, ``info["events"]`` None."""
    if "events" in raw.info:  # already prepared
        return raw
    log = ev.detect_event_log(raw.frame)
    if log is None:  # recorded, so that ``apply_mapping`` does not look again
        return replace(raw, info={**raw.info, "events": None})
    info = {**log.to_dict(), "collapsed": bool(collapse_events)}
    frame = ev.collapse_events(raw.frame, log) if collapse_events else raw.frame
    return replace(raw, frame=frame, info={**raw.info, "events": info})


@system_allocator
def import_file(
    source,
    filename: str | None = None,
    *,
    mapping=None,
    table: str | None = None,
    sheet=None,
    key: bytes | None = None,
    provider: str | None = None,
    collapse_events: bool | None = None,
) -> ImportResult:
    """Read one export and turn it into a canonical table (see module docstring). An event log
    of a contacts table is collapsed to one row per ticket when ``collapse_events`` is True,
    else only reported (``prepare_events``)."""
    pre = mapping if isinstance(mapping, Mapping) else (load_mapping(mapping) if mapping else None)
    read_opts = dict(pre.read) if pre else {}
    raw = read_any(
        source,
        filename,
        sheet=sheet if sheet is not None else read_opts.get("sheet"),
        encoding=read_opts.get("encoding"),
        sep=read_opts.get("separator"),
    )
    if (pre.table if pre else table) in (None, "contacts"):
        raw = prepare_events(raw, collapse_events)
    m = resolve_mapping(raw, pre, table)
    return apply_mapping(raw, m, key=key, provider=provider)


@system_allocator
def apply_mapping(
    raw: RawTable, m: Mapping, *, key: bytes | None = None, provider: str | None = None
) -> ImportResult:
    """Parse ``raw`` with the mapping ``m`` (see module docstring). A contacts table not
    prepared by ``prepare_events`` is checked here for an event log (reported, not grouped)."""
    if m.table == "contacts":
        raw = prepare_events(raw)
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
    reasons.flag(_empty_rows(frame, source_cols), "empty_row")
    for col, vals in m.drop_rows.items():
        cell = frame[col].astype("str").str.strip()
        hit = cell.isin([str(v) for v in vals]) | cell.map(fold, na_action="ignore").isin(
            [fold(v) for v in vals]
        )
        reasons.flag(hit, "dropped_by_mapping", f"{col} ∈ {vals}")

    out = pd.DataFrame(index=frame.index)
    out["_row"] = frame["_row"].to_numpy()
    parse_info: dict = {}
    mapped = [(fld, m.sources(fld.name)) for fld in tdef.fields if m.sources(fld.name)]
    sources = [_source_text(frame, cols) for _fld, cols in mapped]
    jobs = [
        partial(parse_field, fld, src, m, key, with_codes=_wants_codes(fld, m))
        for (fld, _c), src in zip(mapped, sources, strict=True)
    ]
    weights = [_weight(fld) for fld, _c in mapped]
    results = _run(jobs, weights, parallel=len(frame) >= PARALLEL_MIN_ROWS)
    del jobs
    id_codes = {}
    for i, ((fld, cols), src) in enumerate(zip(mapped, sources, strict=True)):
        res, results[i] = results[i], None  # each field's masks let go once applied
        prefix = f"{fld.name} ({'+'.join(cols)}): "
        for check in res.checks:
            reasons.flag(check.mask, check.code, (prefix, src, check.suffix))
        if res.info is not None:
            parse_info[fld.name] = res.info
        if res.codes is not None:
            id_codes[fld.name] = res.codes
        out[fld.name] = res.values
    merged_labels = {}
    for fname_n in m.normalise:  # "Comcast", "comcast", "COMCAST": one label
        if fname_n in out and tdef.get(fname_n).kind in ("category", "text"):
            out[fname_n], merged = normalise_labels(out[fname_n])
            if merged:
                merged_labels[fname_n] = merged
    for fname_d, spec in m.derive.items():
        out[fname_d] = _derive(frame, fname_d, spec, m, reasons, parse_info)
    for fname_c, value in m.constants.items():
        kind = tdef.get(fname_c).kind
        const = pd.Series(value, index=frame.index)
        out[fname_c] = (
            normalise_category(const, fname_c)
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
    dup_note = None
    if "contact_id" in out and m.table == "contacts":
        ok = ~reasons.flagged & out["contact_id"].notna().to_numpy()
        codes = id_codes.get("contact_id")
        if codes is None:  # a constant or derived contact id
            codes = pd.factorize(out["contact_id"], use_na_sentinel=False)[0]
        dup = duplicated_among(codes, ok)
        if dup.any():  # keep the most complete row of each id, not merely the first
            dup, kept = _most_complete(out, np.asarray(codes), ok)
            reasons.flag(dup, "duplicate_contact_id", ("contact_id: ", out["contact_id"]))
            rows = np.flatnonzero(dup)
            kept_row = out["_row"].to_numpy()[kept[rows]]
            ids = out["contact_id"].to_numpy()[rows]
            reasons._detail[rows] = [
                f"contact_id: '{i}' — ligne gardée / kept row {k}"
                for i, k in zip(ids, kept_row, strict=True)
            ]
            dup_note = {"kept": "most_complete", "set_aside": int(dup.sum())}
    out["_file"] = pd.Categorical.from_codes(np.zeros(len(out), dtype=np.int8), [fname])

    used_mask = pd.Series(~reasons.flagged, index=frame.index)
    data = out if used_mask.all() else out[used_mask]
    data = data.reset_index(drop=True)
    set_aside = set_aside_frame(raw, m, reasons, used_mask, key)
    rows_in = len(frame) + len(raw.bad_rows)
    counts = set_aside["reason"].value_counts().to_dict() if len(set_aside) else {}
    report = {
        "file": fname,
        "table": m.table,
        "rows_in": rows_in,
        "rows_used": int(used_mask.sum()),
        "rows_set_aside": int(len(set_aside)),
        "set_aside": {k: int(v) for k, v in counts.items()},
        "format": {k: v for k, v in raw.info.items() if k != "events"},
        "mapping": {f: (c if isinstance(c, str) else list(c)) for f, c in m.columns.items()},
        "confidence": {f: m.confidence.get(f, 1.0) for f in m.columns},
        "mapping_source": m.source,
        "constants": {k: str(v) for k, v in m.constants.items()},
        "items": items,
        "parsing": parse_info,
        "unmapped_columns": [c for c in raw.columns if c not in set(named) | set(items)],
        "warnings": _warnings(m, raw),
        "derived": {f: dict(spec) for f, spec in m.derive.items()},
        "duplicates": dup_note,
        "normalised_labels": merged_labels,
        "detected": dict(m.detected),
        "date_only": [
            f
            for f in out.columns
            if f in tdef.names and tdef.get(f).kind == "datetime" and is_date_only(data[f])
        ],
    }
    _event_report(report, raw)
    release_memory()  # the parse temporaries of the fields (Arrow kernels, both threads)
    if report["rows_used"] + report["rows_set_aside"] != rows_in:  # pragma: no cover - invariant
        raise AssertionError("rows in != rows used + rows set aside")
    return ImportResult(m.table, data, set_aside, report, m, raw)


def _event_report(report: dict, raw: RawTable) -> None:
    """Event log: ``events`` = the detection plus the fr/en summary; collapsed, rows_in counts
    tickets and ``rows_in_events`` the rows read (events + unreadable lines); left as it is, a
    warning says each row would count as a ticket."""
    info = raw.info.get("events")
    if not info:
        return
    texts = {lang: ev.summary_text(info, lang) for lang in ("fr", "en")}
    report["events"] = {**info, **texts}
    if info["collapsed"]:
        report["rows_in_events"] = info["rows"] + len(raw.bad_rows)
    else:
        report["warnings"].insert(0, ev.warning(info))


def _most_complete(out: pd.DataFrame, codes: np.ndarray, ok: np.ndarray):
    """Among the ``ok`` rows sharing an id, the one with the most filled fields is kept (ties:
    the first); returns the mask of the others and, per row, the position of the kept row."""
    idx = np.flatnonzero(ok)
    multi = idx[pd.Series(codes[idx]).duplicated(keep=False).to_numpy()]
    fields = [f for f in out.columns if not f.startswith("_")]
    filled = out.iloc[multi][fields].notna().sum(axis=1).to_numpy()
    groups = pd.DataFrame({"code": codes[multi], "filled": filled, "pos": multi})
    best = groups.sort_values(["code", "filled", "pos"], ascending=[True, False, True])
    keep = best.drop_duplicates("code").set_index("code")["pos"]
    kept = np.full(len(codes), -1)
    kept[multi] = keep.reindex(codes[multi]).to_numpy()
    dup = np.zeros(len(codes), dtype=bool)
    dup[multi] = kept[multi] != multi
    return dup, kept


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
    ph = m.detected.get("placeholder_columns")
    if ph:
        out.append(
            {
                "code": "placeholder_columns",
                "columns": ph,
                "fr": "colonnes presque entièrement remplies de valeurs de remplissage (« ? », "
                f"« N/A »…), non utilisées : {', '.join(ph)}.",
                "en": f"columns almost only placeholders ('?', 'N/A'…), not used: {', '.join(ph)}.",
            }
        )
    for col, share in m.detected.get("not_unique", {}).items():
        out.append(
            {
                "code": "id_not_unique",
                "column": col,
                "fr": f"« {col} » n'est pas un identifiant de contact : {percent(share * 100)} de "
                "valeurs "
                "distinctes seulement (une même valeur sur plusieurs lignes).",
                "en": f"'{col}' is not a contact id: only {percent(share * 100, 'en')} distinct "
                "values (one value "
                "on several rows).",
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
    if "date_time" in spec:  # date + the earliest of several time-of-day columns
        date_col, *time_cols = spec["date_time"]
        values, day = first_stage_time(frame, date_col, time_cols)
        parse_info[fname] = {**day.info, "derived": f"{date_col} + min({', '.join(time_cols)})"}
        reasons.flag(day.invalid, "unparseable_date", (f"{fname} ({date_col}): ", frame[date_col]))
        return values
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
    paths: list,
    mapping=None,
    *,
    table: str | None = None,
    key: bytes | None = None,
    collapse_events: bool | None = None,
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Import several files with one optional mapping; returns the tables and the report."""
    results = [
        import_file(p, mapping=mapping, table=table, key=key, collapse_events=collapse_events)
        for p in paths
    ]
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
        **(
            {
                "rows_in_events": sum(
                    r.report.get("rows_in_events", r.report["rows_in"]) for r in results
                )
            }
            if any("rows_in_events" in r.report for r in results)
            else {}
        ),
        "mapping": results[0].report["mapping"],
        "files": [r.report for r in results],
    }


__all__ = [
    "ImportResult",
    "import_file",
    "import_files",
    "apply_mapping",
    "prepare_events",
    "combine",
    "reason_label",
    "REASONS",
]
