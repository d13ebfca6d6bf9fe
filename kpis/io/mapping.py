"""Column mapping: a mapping file (YAML), and automatic mapping from headers and values.

A mapping says, for one canonical table, which source column(s) feed each field, plus optional
``formats`` (strptime per field), ``values`` (source value -> canonical value per field),
``missing`` (source values meaning "missing" per field), ``drop_rows`` (source column -> values
whose rows are set aside on purpose), ``constants`` (field -> a value for every row, e.g. the
channel of a phone-only export), ``units`` (duration unit per field: s, min, h, ms),
``scales`` (score field -> [low, high]), ``items`` (evaluation grid-item columns), ``read``
(sheet, encoding, separator) and ``derive`` (a field computed from other columns:
``{diff: [end_col, start_col]}`` gives seconds between two timestamps, ``{present: col}`` gives
true where the column has a value). In ``values``, the key ``"*"`` gives the value of any
value not listed, and (yes/no fields) the key ``""`` that of empty cells. Source values are
matched as text, then case- and accent-insensitively.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from kpis.errors import MappingError
from kpis.io import detect
from kpis.io.mapping_check import check_shapes
from kpis.io.parsers import is_missing, parse_bool, parse_datetime, parse_number, score_text
from kpis.io.text import fold
from kpis.io.yaml_limits import YamlTooComplex, safe_load_limited
from kpis.schema import TABLES, Table

KEYS = (
    "table",
    "columns",
    "formats",
    "values",
    "missing",
    "drop_rows",
    "constants",
    "units",
    "scales",
    "items",
    "read",
    "name",
    "description",
    "match",
    "derive",
    "normalise",
)

# synonyms whose column holds the opposite of the field (an abandon flag feeds `answered`)
INVERTED = {"answered": {"abandon", "abandonne", "abandoned", "abandon y n"}}
# header words too vague to match a field on their own ("Time" is not "Hold time")
GENERIC = {
    "time",
    "date",
    "id",
    "type",
    "name",
    "number",
    "code",
    "nb",
    "de",
    "du",
    "la",
    "le",
    "d",
    "s",
    "in",
    "of",
    "the",
    "en",
    "a",
    "l",
    "par",
    "by",
    "avg",
    "total",
    "nom",
}
TIME_WORDS = {"time", "heure", "hour", "start", "started", "debut", "heure debut"}
THRESHOLD = 0.55


@dataclass
class Mapping:
    table: str = "contacts"
    columns: dict[str, str | list[str]] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict] = field(default_factory=dict)
    missing: dict[str, list] = field(default_factory=dict)
    drop_rows: dict[str, list] = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    scales: dict[str, list[float]] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    read: dict = field(default_factory=dict)
    name: str = ""
    description: str = ""
    match: list[str] = field(default_factory=list)  # headers that identify a preset's export
    derive: dict[str, dict] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    source: str = "auto"  # auto | file | preset:<name> | user
    skipped: dict[str, str] = field(default_factory=dict)  # preset field -> its absent column
    detected: dict = field(default_factory=dict)  # what auto-mapping read from the values
    normalise: list[str] = field(default_factory=list)  # labels merged by case/accents/spaces

    def derived_sources(self) -> list[str]:
        out = []
        for spec in self.derive.values():
            for v in spec.values():
                out.extend([v] if isinstance(v, str) else v)
        return out

    def sources(self, fld: str) -> list[str]:
        col = self.columns.get(fld)
        if col is None:
            return []
        return [col] if isinstance(col, str) else list(col)

    def to_yaml(self) -> str:
        internal = ("confidence", "source", "skipped", "detected")
        data = {k: v for k, v in asdict(self).items() if v and k not in internal}
        data["table"] = self.table
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    @property
    def table_def(self) -> Table:
        return TABLES[self.table]


def mapping_from_dict(data: dict, origin: str = "mapping") -> Mapping:
    """Validate a parsed YAML document and build a Mapping (typed errors on any problem)."""
    if not isinstance(data, dict):
        raise MappingError(
            "le fichier de mapping doit être un dictionnaire YAML.",
            "the mapping file must be a YAML mapping.",
            file=origin,
        )
    unknown = set(data) - set(KEYS)
    if unknown:
        raise MappingError(
            f"clés inconnues : {', '.join(sorted(unknown))}. Clés valides : {', '.join(KEYS)}.",
            f"unknown keys: {', '.join(sorted(unknown))}. Valid keys: {', '.join(KEYS)}.",
            file=origin,
        )
    check_shapes(data, origin)
    table = data.get("table", "contacts")
    if table not in TABLES:
        raise MappingError(
            f"table « {table} » inconnue ({', '.join(TABLES)}).",
            f"unknown table '{table}' ({', '.join(TABLES)}).",
            file=origin,
        )
    fields = set(TABLES[table].names)
    columns = data.get("columns") or {}
    for section in (
        "columns",
        "formats",
        "values",
        "missing",
        "constants",
        "units",
        "scales",
        "derive",
    ):
        bad = set(data.get(section) or {}) - fields
        if bad:
            raise MappingError(
                f"section « {section} » : champs inconnus pour la table {table} : "
                f"{', '.join(sorted(bad))}.",
                f"section '{section}': unknown fields for table {table}: {', '.join(sorted(bad))}.",
                file=origin,
            )
    m = Mapping(
        table=table,
        columns={k: v for k, v in columns.items() if v},
        formats=dict(data.get("formats") or {}),
        values={k: _str_keys(v) for k, v in (data.get("values") or {}).items()},
        missing={k: [str(x) for x in _listed(v)] for k, v in (data.get("missing") or {}).items()},
        drop_rows={
            k: [str(x) for x in _listed(v)] for k, v in (data.get("drop_rows") or {}).items()
        },
        constants=dict(data.get("constants") or {}),
        units=dict(data.get("units") or {}),
        scales={k: list(v) for k, v in (data.get("scales") or {}).items()},
        items=list(data.get("items") or []),
        read=dict(data.get("read") or {}),
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        match=list(data.get("match") or []),
        derive={k: dict(v) for k, v in (data.get("derive") or {}).items()},
        normalise=list(data.get("normalise") or []),
        source="file",
    )
    m.confidence = dict.fromkeys(m.columns, 1.0)
    return m


def _listed(v) -> list:
    """A single value written without brackets is a list of one."""
    return v if isinstance(v, list) else [v]


def _str_keys(values: dict) -> dict:
    """YAML reads ``{0: a, True: b}`` with int/bool keys; source cells are text, so keys are too
    (a bool key becomes "true"/"false", matched case-insensitively)."""
    if not isinstance(values, dict):
        raise MappingError(
            "chaque entrée de « values » doit être un dictionnaire valeur source -> valeur.",
            "each 'values' entry must be a mapping source value -> value.",
        )
    out = {}
    for k, v in values.items():
        key = ("true" if k else "false") if isinstance(k, bool) else "" if k is None else str(k)
        out[key] = v
    return out


def load_mapping(path_or_text: str | Path) -> Mapping:
    """Read a YAML mapping from a path, or from YAML text."""
    origin = str(path_or_text)
    text = path_or_text
    if isinstance(path_or_text, Path) or (
        isinstance(path_or_text, str)
        and "\n" not in path_or_text
        and path_or_text.endswith((".yaml", ".yml"))
    ):
        try:
            text = Path(path_or_text).read_text(encoding="utf-8")
        except OSError as exc:
            raise MappingError(
                f"fichier de mapping illisible ({exc.strerror}).",
                f"unreadable mapping file ({exc.strerror}).",
                file=origin,
            ) from exc
    else:
        origin = "mapping"
    try:
        data = safe_load_limited(text)
    except YamlTooComplex as exc:
        what_fr = {
            "size": "taille (octets)",
            "nodes": "éléments une fois les alias développés",
            "depth": "niveaux d'imbrication",
        }[exc.what]
        what_en = {
            "size": "size (bytes)",
            "nodes": "items once aliases are expanded",
            "depth": "nesting levels",
        }[exc.what]
        raise MappingError(
            f"fichier de mapping refusé : {exc.value} {what_fr}, au-delà de la limite de "
            f"{exc.limit}. Un fichier de mapping tient en quelques lignes ; n'utilisez pas "
            "d'alias YAML imbriqués.",
            f"mapping file refused: {exc.value} {what_en}, over the limit of {exc.limit}. A "
            "mapping file is a few lines long; do not use nested YAML aliases.",
            file=origin,
        ) from None
    except yaml.YAMLError as exc:
        raise MappingError(f"YAML invalide : {exc}", f"invalid YAML: {exc}", file=origin) from exc
    return mapping_from_dict(data, origin)


# ---------------------------------------------------------------- automatic mapping


def _name_score(header: str, fld, table: Table) -> tuple[float, str]:
    """How well a folded header matches a field's name and synonyms (0..1), and the synonym."""
    h = fold(header)
    if not h:
        return 0.0, ""
    names = _folded_names(fld)
    best, best_syn = 0.0, ""
    htoks = set(h.split())
    for syn in names:
        if not syn:
            continue
        if h == syn:
            return 1.0, syn
        stoks = set(syn.split())
        if stoks and stoks <= htoks:
            # every word of the synonym is in the header ("Durée de communication (s)")
            score = 0.6 + 0.35 * len(stoks) / len(htoks)
        elif htoks and htoks <= stoks and not htoks <= GENERIC:
            score = 0.55 + 0.3 * len(htoks) / len(stoks)
        else:
            inter = len(htoks & stoks)
            score = 0.6 * inter / len(htoks | stoks) if inter else 0.0
        if score > best:
            best, best_syn = score, syn
    return min(best, 0.97), best_syn


def _folded_names(fld) -> list[str]:
    """A field's name, synonyms and labels, folded once per field."""
    names = _FOLDED.get(id(fld))
    if names is None:
        names = (
            [fold(fld.name)]
            + [fold(s) for s in fld.synonyms]
            + [fold(fld.label_fr), fold(fld.label_en)]
        )
        _FOLDED[id(fld)] = names
    return names


_FOLDED: dict[int, list[str]] = {}


def _synonym_rank(fld, syn: str) -> int:
    """Position of a matched synonym in the field's list (the field's own name first)."""
    names = [fold(fld.name)] + [fold(x) for x in fld.synonyms]
    return names.index(syn) if syn in names else len(names)


def _id_fit(s: pd.Series, fname: str) -> float:
    """Identifiers are short tokens; contact ids are unique; a 1..n counter is no customer."""
    text = s.astype("str").str.strip()
    tokenish = float((~text.str.contains(r"\s", regex=True) & (text.str.len() <= 40)).mean())
    distinct = s.nunique() / len(s)
    if fname == "contact_id":
        return tokenish * distinct
    if fname == "customer_id":
        num = pd.to_numeric(text, errors="coerce")
        if num.notna().all() and num.min() <= 1 and num.max() <= 2 * len(s):
            return 0.2
    return tokenish * (1.0 if distinct > 0.3 else 0.3)


def _value_fit(series: pd.Series, kind: str, fname: str = "") -> float:
    """Share of a column's non-missing sample that parses as ``kind`` (1.0 for free kinds)."""
    s = series[~is_missing(series)].head(300)
    if s.empty:
        return 0.5
    if kind == "datetime":
        p = parse_datetime(s)
        ok = 1 - p.invalid.mean()
        return float(ok) * (0.2 if p.info.get("order") == "time" else 1.0)
    if kind == "score" and detect.survey_scale(s):
        return 1.0
    if kind in ("duration", "score", "number"):
        from kpis.io.parsers import parse_duration

        if kind == "duration":
            p = parse_duration(s)
        else:
            p = parse_number(score_text(s.astype("str")))
        return float(1 - p.invalid.mean())
    if kind == "id":
        return _id_fit(s, fname)
    if kind == "bool":
        if fname == "answered" and detect.outcome_values(s):
            return 1.0
        p = parse_bool(s)
        ok = float(1 - p.invalid.mean())
        return ok if ok > 0.9 else ok * 0.5
    if kind == "category":
        n = s.nunique()
        return 1.0 if n <= max(50, len(s) * 0.5) else 0.4
    return 1.0


def auto_map(frame: pd.DataFrame, table: str = "contacts") -> Mapping:
    """Map source columns to canonical fields from headers, checked against the values.

    Each candidate pair gets header score × value fit; pairs are assigned greedily, best first,
    one column per field. Ties go to the field listed first in the schema, then, between columns
    competing for one field, to the one matching an earlier synonym (synonyms are listed most
    specific first: "surveyed_at" beats "created_at" for the date a survey was answered), then
    to the leftmost column. A date column without time of day gets a time column joined to it.
    """
    tdef = TABLES[table]
    cols = [c for c in frame.columns if c != "_row" and not str(c).startswith("_")]
    m = Mapping(table=table, source="auto")
    placeholders = [c for c in cols if detect.placeholder_share(frame[c]) >= detect.PLACEHOLDER_MAX]
    if placeholders:  # "?" in 99 % of the rows is no value: the column is not mapped
        m.detected["placeholder_columns"] = placeholders
        cols = [c for c in cols if c not in placeholders]
    stages = detect.stage_columns(frame, cols) if table == "contacts" else None
    if stages:  # a date + per-stage times: the contact starts at the first stage
        m.detected["stages"] = stages
        taken = {stages["date"], *stages["stages"].values()}
        cols = [c for c in cols if c not in taken]
    vocabulary = {w for fld in tdef.fields for name in _folded_names(fld) for w in name.split()}
    unique_ids = detect.UNIQUE_IDS.get(table, ())
    uniq: dict[str, float] = {}
    pairs = []
    for col in cols:
        if not set(fold(col).split()) & vocabulary:
            continue  # no word of any field's names: no field can score (wide files stay fast)
        for fld_rank, fld in enumerate(tdef.fields):
            if stages and fld.name == "started_at":
                continue
            score, syn = _name_score(col, fld, tdef)
            if score < 0.4:
                continue
            fit = _value_fit(frame[col], fld.kind, fld.name)
            if fld.name in unique_ids:  # a row id must be (nearly) unique on the whole column
                if col not in uniq:
                    uniq[col] = detect.uniqueness(frame[col])
                if uniq[col] < detect.UNIQUE_MIN:
                    m.detected.setdefault("not_unique", {})[col] = round(uniq[col], 4)
                    continue
                fit = _value_fit(frame[col], "id", "ticket_id") * uniq[col]
            syn_rank = _synonym_rank(fld, syn)
            pairs.append((score * (0.5 + 0.5 * fit), fld.name, col, syn, fld_rank, syn_rank))
    pairs.sort(key=lambda p: (-round(p[0], 6), p[4], p[5], cols.index(p[2])))
    used: set[str] = set()
    for score, fname, col, syn, _fr, _sr in pairs:
        if score < THRESHOLD or fname in m.columns or col in used:
            continue
        m.columns[fname] = col
        m.confidence[fname] = round(score, 2)
        used.add(col)
        if syn in INVERTED.get(fname, set()):
            m.values[fname] = _inverted_values(frame[col])
    not_unique = {c: u for c, u in m.detected.pop("not_unique", {}).items() if c not in used}
    if not_unique:  # said of the columns left unmapped only
        m.detected["not_unique"] = not_unique
    _outcome(frame, m)
    _survey_scales(frame, m)
    if stages:
        m.derive.update(detect.stage_derivations(stages, set(m.columns)))
    else:
        _join_time_column(frame, m, cols, used)
    _units_from_headers(m)
    return m


def _survey_scales(frame: pd.DataFrame, m: Mapping) -> None:
    """Score columns answered in words of a seed scale (oui/non, Bonne/Correcte/Mauvaise…) get
    the scale's value map and range."""
    for fld in m.table_def.fields:
        col = m.columns.get(fld.name)
        if fld.kind != "score" or not isinstance(col, str) or fld.name in m.values:
            continue
        found = detect.survey_scale(frame[col])
        if found:
            name, values, scale = found
            m.values[fld.name] = values
            m.scales[fld.name] = scale
            m.detected.setdefault("survey_scales", {})[fld.name] = {
                "scale": name,
                "values": values,
                "range": scale,
            }


def _outcome(frame: pd.DataFrame, m: Mapping) -> None:
    """An outcome column (AGENT / HANG / PHANTOM): answered from its words; phantom calls set
    aside."""
    col = m.columns.get("answered")
    if not isinstance(col, str) or "answered" in m.values:
        return
    found = detect.outcome_values(frame[col])
    if not found:
        return
    m.values["answered"] = {k: v for k, v in found.items() if v is not None}
    phantom = [k for k, v in found.items() if v is None]
    if phantom:
        m.drop_rows[col] = phantom
    m.detected["outcome"] = {"column": col, "values": found}


_UNIT_WORDS = {
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "mn": "min",
    "h": "h",
    "heure": "h",
    "heures": "h",
    "hours": "h",
    "hrs": "h",
    "ms": "ms",
    "millisecondes": "ms",
    "milliseconds": "ms",
}


def _units_from_headers(m: Mapping) -> None:
    """A duration header that names its unit ("Durée (min)", "wait_time_in_minutes") sets it."""
    for fld in m.table_def.fields:
        src = m.columns.get(fld.name)
        if fld.kind != "duration" or not isinstance(src, str) or fld.name in m.units:
            continue
        words = fold(src).split()
        unit = next((_UNIT_WORDS[w] for w in reversed(words) if w in _UNIT_WORDS), None)
        if unit:
            m.units[fld.name] = unit


def _inverted_values(series: pd.Series) -> dict:
    out = {}
    for v in pd.unique(series[~is_missing(series)].astype(str))[:20]:
        b = parse_bool(pd.Series([v])).values.iloc[0]
        if b is not pd.NA:
            out[v] = not bool(b)
    return out


def _join_time_column(frame: pd.DataFrame, m: Mapping, cols: list[str], used: set[str]) -> None:
    for fname in [f.name for f in m.table_def.fields if f.kind == "datetime"]:
        src = m.columns.get(fname)
        if not isinstance(src, str):
            continue
        parsed = parse_datetime(frame[src].head(300))
        has_time = parsed.values.dropna().dt.time.astype(str).ne("00:00:00").any()
        if has_time or parsed.info.get("time_only"):
            continue
        fld = m.table_def.get(fname)
        for col in cols:
            words = set(fold(col).split())
            if col in used or not (
                words & TIME_WORDS or _name_score(col, fld, m.table_def)[0] >= 0.6
            ):
                continue
            tp = parse_datetime(frame[col].head(300))
            if tp.info.get("order") == "time" and tp.invalid.mean() < 0.1:
                m.columns[fname] = [src, col]
                used.add(col)
                break


def candidates_for(frame: pd.DataFrame, table: str, fname: str, k: int = 3) -> list[str]:
    """The k source columns that look most like ``fname`` (for error messages)."""
    fld = TABLES[table].get(fname)
    scored = []
    for col in frame.columns:
        if col == "_row":
            continue
        score, _ = _name_score(col, fld, TABLES[table])
        fit = _value_fit(frame[col], fld.kind, fld.name)
        scored.append((score * 0.6 + fit * 0.4, col))
    scored.sort(key=lambda x: -x[0])
    return [c for s, c in scored[:k] if s > 0]


# ---------------------------------------------------------------- mapping screen helpers

#: date formats offered on the mapping screen (besides the detected one and free text)
DATE_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
    "%Y%m%d",
    "%y%m%d",
    "%Y%m%d%H%M%S",
)


@dataclass
class DatePreview:
    """A date column read with one format: the first parsed values beside their source text,
    and how many present cells the format cannot read (in the whole column)."""

    sample: pd.DataFrame  # columns: source (text), value (datetime64)
    unreadable: int
    present: int
    format: str | None  # the format used (the detected one when none was given)


def preview_dates(frame: pd.DataFrame, cols: list[str], fmt: str | None, n: int = 5) -> DatePreview:
    """Parse ``cols`` (one column, or several joined with a space, as the import does) with
    ``fmt`` (None: detected). unreadable = present cells whose value is NaT; share =
    unreadable / present."""
    from kpis.io.pipeline import _source_text  # the import's own join (pipeline imports us)

    src = _source_text(frame, cols)
    parsed = parse_datetime(src, fmt or None)
    present = ~is_missing(src)
    head = src[present].head(n)
    sample = pd.DataFrame(
        {
            "source": head.astype("str").str.strip().to_numpy(),
            "value": parsed.values[present].head(n).to_numpy(),
        }
    )
    return DatePreview(
        sample, int(parsed.invalid.sum()), int(present.sum()), parsed.info.get("format")
    )
