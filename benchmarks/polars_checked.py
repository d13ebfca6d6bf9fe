"""Polars reading the French export *with checks*: a lower bound of what Pilote's validated import
would cost written in Polars' expressions.

``polars_suite.read_french_csv`` is the fastest idiomatic Polars read: it types the columns and
checks nothing (an unreadable date or duration becomes an empty value, a duplicate contact id
counts twice, nothing is set aside). Pilote's import checks every cell and keeps the rows it
cannot use, with the reason and the cells as written. To compare like with like, this module
does a *subset* of those checks the way a Polars user would — every column read as text (the
set-aside rows quote their cells as written), then one expression per field:

- any column: trimmed only when one of its cells starts or ends with a space (one scan);
- dates: ``str.to_datetime`` with the mapping's format (31/02 does not read); a written cell
  that does not read, or a year outside 1900–2199, sets the row aside (``unparseable_date``);
- yes/no: the distinct values looked up once in Pilote's vocabulary (``oui``, ``non``, ``1``…,
  case ignored), then replaced; any other written value → ``unparseable_bool``;
- durations: decimal comma → float; unreadable, negative, over 24 h → the three reasons;
- scores: decimal comma → float; unreadable, outside the scale;
- categories: categorical;
- contact ids of a contacts file: a second occurrence among the rows kept is set aside
  (``duplicate_contact_id``, the first one kept);
- customer ids: Polars' seeded 64-bit hash (not a keyed pseudorandom function as Pilote's
  SipHash-2-4, and cheaper);
- an empty row, and a required field (the start time, the answer time) left empty.

Left out, so that the figure stays a lower bound: placeholders (``N/A``, ``-``…) as missing,
whitespace-only cells, tabs and other spaces at the ends of cells, accents in yes/no values, the
re-read of cells a format missed (fractions of seconds, ``UTC``), ``h:mm:ss`` durations,
day-first/month-first detection, event-log detection, the most complete row kept among duplicates,
labels normalised (``Téléphone`` → ``telephone``), the report, and the conversion to pandas that
Pilote's engine reads.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

# Pilote's vocabulary (kpis.schema.TRUE_VALUES / FALSE_VALUES), written here so that the Polars
# process does not import Pilote (and pandas) to read it; tests/test_bench_peers.py checks it.
TRUE_VALUES = frozenset({"1", "1.0", "ok", "vrai", "x", "t", "si", "oui", "y", "true", "yes", "o"})
FALSE_VALUES = frozenset({"0", "0.0", "f", "non", "false", "n", "faux", "no"})
MAX_DURATION_S = 86_400.0
SCALES = {"csat_score": (0, 10), "nps_score": (0, 10), "ces_score": (1, 7)}
REQUIRED = {"contacts": "started_at", "surveys": "answered_at"}
DATE_LOW, DATE_HIGH = 1900, 2200


def kind_of(field: str, bools: set, dates: tuple) -> str:
    """The field's kind in the benchmark's mappings (the canonical names tell it)."""
    if field in bools:
        return "bool"
    if field in dates:
        return "datetime"
    if field.endswith("_s"):
        return "duration"
    if field in SCALES:
        return "score"
    if field == "customer_id":
        return "customer"
    if field in ("contact_id", "ticket_id"):
        return "id"
    return "category"


def _bool_lookup(column: pl.Series) -> dict:
    """Each distinct written value → True / False / None (not in the vocabulary)."""
    out = {}
    for value in column.unique().drop_nulls().to_list():
        folded = value.strip().lower()
        out[value] = True if folded in TRUE_VALUES else False if folded in FALSE_VALUES else None
    return out


def _number(col: pl.Expr) -> pl.Expr:
    return col.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)


def read_checked(
    path: Path, headers: dict, bools: set, dates: tuple, fmt: str, table: str, seed: int = 7
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows used, typed with the canonical names; rows set aside, as written, with their line
    number ``_row`` and ``reason``). A row's reason is the first check it fails, in field order."""
    raw = pl.read_csv(path, separator=";", infer_schema=False)
    kinds = {f: kind_of(f, bools, dates) for f in headers}
    # one scan: which columns have a cell that starts or ends with a space (trimmed, then)
    padded = raw.select(
        (pl.col(h).str.starts_with(" ") | pl.col(h).str.ends_with(" ")).any().alias(f)
        for f, h in headers.items()
    ).row(0, named=True)
    values: list[pl.Expr] = []
    checks: list[tuple[str, pl.Expr]] = [
        ("empty_row", pl.all_horizontal(pl.col(h).is_null() for h in raw.columns))
    ]

    def flag(cond: pl.Expr, code: str) -> None:
        checks.append((code, cond.fill_null(False)))

    for field, header in headers.items():
        col, kind = pl.col(header), kinds[field]
        written = col.is_not_null()
        if padded.get(field):
            col = col.str.strip_chars()
        if kind == "datetime":
            v = col.str.to_datetime(fmt, strict=False, time_unit="us")
            year = v.dt.year()
            flag(
                written & (v.is_null() | (year < DATE_LOW) | (year >= DATE_HIGH)),
                "unparseable_date",
            )
        elif kind == "bool":
            lookup = _bool_lookup(raw[header])
            v = col.replace_strict(lookup, default=None, return_dtype=pl.Boolean)
            flag(written & v.is_null(), "unparseable_bool")
        elif kind == "duration":
            v = _number(col)
            flag(written & v.is_null(), "unparseable_duration")
            flag(v < 0, "negative_duration")
            flag(v > MAX_DURATION_S, "absurd_duration")
        elif kind == "score":
            v = _number(col)
            lo, hi = SCALES[field]
            flag(written & v.is_null(), "unparseable_number")
            flag((v < lo) | (v > hi), "score_out_of_scale")
        elif kind == "customer":
            v = pl.when(written).then(col.hash(seed).reinterpret(signed=True))
        elif kind == "category":
            v = col.cast(pl.Categorical)
        else:
            v = col
        values.append(v.alias(field))
    req = REQUIRED[table]
    flag(pl.col(headers[req]).is_null(), "missing_required")
    names = [f"_check{i}" for i in range(len(checks))]
    masks = [cond.alias(name) for name, (_code, cond) in zip(names, checks, strict=True)]
    frame = raw.lazy().select(*values, *masks).collect()  # lazy: shared sub-expressions once
    # the reason column is built from the checks some row fails (usually none), in field order
    hit = frame.select(pl.col(name).any() for name in names).row(0)
    firing = [
        pl.when(pl.col(name)).then(pl.lit(code))
        for name, (code, _cond), fired in zip(names, checks, hit, strict=True)
        if fired
    ]
    reason = pl.coalesce([*firing, pl.lit(None, dtype=pl.String)])
    frame = frame.select(pl.exclude("^_check.*$"), reason.alias("reason"))
    ids = pl.col("contact_id")
    # distinct 64-bit hashes prove distinct ids (Pilote's shortcut too); else the exact test
    if table == "contacts" and frame.select(ids.hash().n_unique() < ids.len()).item():
        # a contact id seen on an earlier kept row: set aside
        ok = pl.col("reason").is_null() & ids.is_not_null()
        again = ok & ~ids.is_first_distinct().over(ok)
        frame = frame.with_columns(
            pl.when(again)
            .then(pl.lit("duplicate_contact_id"))
            .otherwise(pl.col("reason"))
            .alias("reason")
        )
    aside = frame["reason"].is_not_null()
    used = frame.filter(~aside).drop("reason")
    set_aside = (  # the line number as a spreadsheet shows it (header = 1)
        raw.with_row_index("_row", offset=2).with_columns(reason=frame["reason"]).filter(aside)
    )
    return used, set_aside
