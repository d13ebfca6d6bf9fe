"""Value parsers: dates, durations, booleans and numbers, vectorised.

Each parser takes a Series (text or native values) and returns a ``Parsed``: the values, a mask
of cells that held something but could not be read (so the pipeline can set those rows aside
with a reason), and what it detected (format, day/month order, decimal mark).
Missing cells (empty text, None, NaN) are missing, never invalid.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import product

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpis.io.columns import arrow_text, on_candidates
from kpis.io.text import fold
from kpis.schema import FALSE_VALUES, TRUE_VALUES


@dataclass
class Parsed:
    values: pd.Series
    invalid: pd.Series  # bool mask: a value was there but could not be read
    info: dict = field(default_factory=dict)


#: cells that stand for "no value" in exports (compared trimmed and lower-cased)
PLACEHOLDERS = frozenset(["?", "-", "--", "n/a", "#n/a", "null", "(null)", "(vide)", "none", "nan"])
_PLACEHOLDER_SET = pa.array(sorted(PLACEHOLDERS), type=pa.string())


def is_placeholder(s: pd.Series) -> pd.Series:
    """Cells holding a placeholder (``?``, ``-``, ``N/A``, ``#N/A``, ``NULL``, ``(vide)``, ``none``,
    ``nan``…) rather than a value."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        per_category = is_placeholder(pd.Series(s.cat.categories.astype("str"))).to_numpy()
        codes = s.cat.codes.to_numpy()
        return pd.Series(np.append(per_category, False)[codes], index=s.index)
    if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
        return pd.Series(False, index=s.index)
    arr = arrow_text(s)
    if arr is not None:  # only rows whose first byte may start a placeholder are read
        return pd.Series(on_candidates(arr, _placeholder_arrow), index=s.index)
    text = s.map(lambda v: v if isinstance(v, str) else None)
    arr = pa.array(text, type=pa.string(), from_pandas=True)
    return pd.Series(_placeholder_arrow(arr), index=s.index)


def _placeholder_arrow(arr) -> np.ndarray:
    """``is_placeholder`` over Arrow text: trimmed, lower-cased, at most 8 characters."""
    short = pc.less_equal(pc.utf8_length(arr), 8)
    if not pc.any(short).as_py():
        return np.zeros(len(arr), dtype=bool)
    hit = pc.is_in(pc.utf8_lower(pc.utf8_trim_whitespace(arr)), value_set=_PLACEHOLDER_SET)
    hit = pc.and_kleene(short, hit)
    return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)


def _missing_arrow(arr) -> np.ndarray:
    """``is_missing`` over Arrow text: null, empty, only whitespace, or a placeholder."""
    blank = pc.or_kleene(pc.equal(pc.binary_length(arr), 0), pc.utf8_is_space(arr))
    out = np.asarray(pc.fill_null(blank, True).to_numpy(zero_copy_only=False), dtype=bool)
    return out | _placeholder_arrow(arr)


def is_missing(s: pd.Series) -> pd.Series:
    """Missing = NA, text that is empty or blank, or a placeholder (see ``PLACEHOLDERS``)."""
    if isinstance(s.dtype, pd.CategoricalDtype):  # decided once per category
        per_category = is_missing(pd.Series(s.cat.categories)).to_numpy()
        codes = s.cat.codes.to_numpy()
        return pd.Series(np.append(per_category, True)[codes], index=s.index)
    arr = arrow_text(s)
    if arr is not None:  # Arrow kernels on the rows that may be missing (first byte), no copy
        return pd.Series(on_candidates(arr, _missing_arrow), index=s.index)
    miss = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        text = s.astype("str")
        miss = miss | text.str.strip().eq("").fillna(True) | is_placeholder(s)
    return miss.astype(bool)


def _to_text(s: pd.Series) -> pd.Series:
    """Text view of a column; native floats that are whole print without '.0'."""
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.str.strip()

    def cell(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, pd.Timestamp):
            return v.isoformat(sep=" ")
        return str(v).strip()

    return s.map(cell).astype("str")


# ---------------------------------------------------------------- dates

_DATE_PARTS = {
    "iso": ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%y%m%d"],
    "dayfirst": ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y", "%d-%m-%y"],
    "monthfirst": ["%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y"],
}
_TIME_PARTS = [
    "",
    " %H:%M:%S",
    " %H:%M",
    "T%H:%M:%S",
    "T%H:%M:%SZ",
    "T%H:%M:%S%z",
    " %H:%M:%S%z",
    " %I:%M:%S %p",
    " %I:%M %p",
    " %I.%M.%S %p",
    " %H.%M.%S",
    "%H%M%S",
]
_COMPACT = {"%Y%m%d": "YYYYMMDD", "%y%m%d": "YYMMDD"}
_OTHER_FORMATS = [
    ("twitter", "%a %b %d %H:%M:%S %z %Y"),
    ("time", "%H:%M:%S"),
    ("time", "%I:%M:%S %p"),
    ("time", "%I.%M.%S %p"),
    ("time", "%H:%M"),
]
CANDIDATES: list[tuple[str, str]] = [
    (order, d + t)
    for order, parts in _DATE_PARTS.items()
    for d, t in product(parts, _TIME_PARTS)
    if not (t == "%H%M%S" and d not in _COMPACT)
] + _OTHER_FORMATS

_FRACTION = re.compile(r"(\d{1,2}[:.]\d{2}[:.]\d{2})[.,]\d+")
_TZ_WORDS = re.compile(r"\s*(UTC|GMT)$")


def _normalise_text(arr: pa.Array) -> pa.Array:
    arr = pc.utf8_trim_whitespace(arr)
    arr = pc.replace_substring_regex(arr, _FRACTION.pattern, r"\1")
    arr = pc.replace_substring_regex(arr, r"\s+", " ")
    return pc.replace_substring_regex(arr, _TZ_WORDS.pattern, "")


_LOW = pa.scalar(pd.Timestamp("1900-01-01").to_pydatetime(), type=pa.timestamp("s"))
_HIGH = pa.scalar(pd.Timestamp("2200-01-01").to_pydatetime(), type=pa.timestamp("s"))


def _strptime(arr: pa.Array, fmt: str) -> pa.Array:
    """strptime with nulls for failures and for dates outside 1900–2199 (year 26 is a typo)."""
    out = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
    if pa.types.is_timestamp(out.type) and out.type.tz is not None:
        out = _written_wall_clock(arr, out)
    out = out.cast(pa.timestamp("s"))
    bad = np.asarray(
        pc.fill_null(pc.or_(pc.less(out, _LOW), pc.greater_equal(out, _HIGH)), False)
    ).copy()
    day_pattern = _day_pattern(fmt)
    if day_pattern is not None:
        # strptime rolls 31/02 over to 03/03: the day it read must be the day written. Only
        # days 1–3 can come from a roll-over, so only those are read back from the text.
        suspect = pc.fill_null(pc.less_equal(pc.day(out), 3), False)
        if pc.any(suspect).as_py():
            written = pc.struct_field(
                pc.extract_regex(_flat(arr.filter(suspect)), day_pattern), "day"
            )
            differs = pc.not_equal(pc.cast(written, pa.int64()), pc.day(out.filter(suspect)))
            rows = np.flatnonzero(np.asarray(_flat(suspect), dtype=bool))
            bad[rows[np.asarray(_flat(pc.fill_null(differs, True)), dtype=bool)]] = True
    if not bad.any():
        return out
    return pc.if_else(pa.array(bad), pa.scalar(None, type=pa.timestamp("s")), out)


# a UTC offset at the end of a cell, or before the year ("Tue Oct 31 22:10:47 +0000 2017")
_OFFSET = r"(?P<sign>[+-])(?P<hh>\d{2}):?(?P<mm>\d{2})(?:\s+\d{4})?$"


def _written_wall_clock(arr, utc) -> pa.Array:
    """Timestamps read with their UTC offset (``utc``: the instants, in UTC) back to the time of
    day written in the cell — timestamps are naive local time: "2026-07-15T23:30:00+02:00" is
    23:30 on the 15th, not 21:30 — by adding each cell's offset back ('Z': none)."""
    parts = pc.extract_regex(_flat(arr), _OFFSET)  # null where no numeric offset
    minutes = pc.add(
        pc.multiply(pc.cast(pc.struct_field(parts, "hh"), pa.int64()), 60),
        pc.cast(pc.struct_field(parts, "mm"), pa.int64()),
    )
    sign = pc.if_else(pc.equal(pc.struct_field(parts, "sign"), "-"), -60, 60)
    shift = pc.cast(pc.fill_null(pc.multiply(sign, minutes), 0), pa.duration("s"))
    return pc.add(pc.local_timestamp(_flat(utc)), shift)


def _flat(arr) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


_ROUND_TRIP = re.compile(r"(%[dmYyHMSIpz]|[-/. :TZ])+")
# any other field: one or two digits (so compact "%y%m%d%H%M%S" splits as written)
_DIRECTIVES = {
    "d": r"(?P<day>\d{1,2})",
    "p": r"[A-Za-z]+",
    "Y": r"\d{4}",
    "z": r"(?:Z|[+-]\d{2}:?\d{2})",
}


def _day_pattern(fmt: str) -> str | None:
    """A regex that captures the day as written, for formats made of numeric fields and
    separators only (others are not checked for roll-over)."""
    if not (_ROUND_TRIP.fullmatch(fmt) and "%d" in fmt):
        return None
    parts = re.split(r"(%[dmYyHMSIp])", fmt)
    body = "".join(
        _DIRECTIVES.get(p[1], r"\d{1,2}") if p.startswith("%") else _literal(p) for p in parts if p
    )
    return "^" + body + "$"


def _literal(text: str) -> str:
    """A format's separator as a regex; a space matches any run of whitespace."""
    return r"\s+".join(re.escape(piece) for piece in text.split(" "))


def _numeric_dates(num: pd.Series, present: pd.Series) -> tuple[pd.Series, str] | None:
    """Excel serials (days since 1899-12-30) or Unix epoch seconds / milliseconds."""
    vals = num[present]
    if vals.empty or vals.isna().any():
        return None
    lo, hi = vals.min(), vals.max()
    if 20000 <= lo and hi <= 80000:
        return pd.to_datetime(num, unit="D", origin="1899-12-30").dt.round("s"), "excel_serial"
    if 5e8 <= lo and hi <= 5e9:
        return pd.to_datetime(num, unit="s"), "epoch_s"
    if 5e11 <= lo and hi <= 5e12:
        return pd.to_datetime(num, unit="ms"), "epoch_ms"
    return None


def _fill_with_normalised(arr: pa.Array, out: pa.Array, formats: list[str]) -> pa.Array:
    """Re-read the values ``out`` missed, after normalising their text, with each format."""
    # blank cells are missing, not misread: nothing to read again (tested on the missed only)
    written = pc.and_(pc.is_valid(arr), pc.greater(pc.binary_length(arr), 0))
    unread = np.asarray(_flat(pc.fill_null(pc.and_(pc.is_null(out), written), False)), dtype=bool)
    missed = np.flatnonzero(unread)
    if not len(missed):
        return out
    spaces = pc.utf8_is_space(_flat(arr.take(pa.array(missed))))
    missed = missed[~np.asarray(pc.fill_null(spaces, True), dtype=bool)]
    if not len(missed):
        return out
    idx = pa.array(missed)
    sub = _normalise_text(arr.take(idx))
    got = pa.nulls(len(sub), type=pa.timestamp("s"))
    for cand in formats:
        got = pc.coalesce(got, _strptime(sub, cand))
        if got.null_count == 0:
            break
    filled = np.asarray(out.cast(pa.int64()).fill_null(np.iinfo(np.int64).min)).copy()
    got_i = np.asarray(got.cast(pa.int64()).fill_null(np.iinfo(np.int64).min))
    filled[missed] = got_i
    result = pa.array(filled, mask=filled == np.iinfo(np.int64).min)
    return result.cast(pa.timestamp("s"))


def _arrow_strings(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """The column's text as Arrow strings: pandas' own Arrow buffers when it has them."""
    arr = arrow_text(s)
    if arr is not None:
        return arr
    return pa.array(_to_text(s), type=pa.string(), from_pandas=True)


def _as_datetime_series(arr, index: pd.Index) -> pd.Series:
    values = arr.cast(pa.timestamp("ns")).to_pandas()  # a Series on 0..n-1: take its values
    return pd.Series(np.asarray(values, dtype="datetime64[ns]"), index=index)


def parse_datetime(s: pd.Series, fmt: str | None = None) -> Parsed:
    """Dates and timestamps; the format is chosen from the whole column.

    Tries every candidate format on a sample, keeps those that read something, then decides on
    the whole column, so day-first vs month-first is settled by the values that only one order
    can read (13/01 vs 01/13). When every value fits both, day-first is chosen (French default)
    and the report says the order was ambiguous.
    """
    present = ~is_missing(s)
    n_present = int(present.sum())
    info: dict = {}
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) else s
        return Parsed(
            values.astype("datetime64[ns]"), pd.Series(False, index=s.index), {"format": "native"}
        )
    if pd.api.types.is_numeric_dtype(s.dtype) or (
        s.dtype == object
        and n_present
        and s[present].map(lambda v: isinstance(v, (int, float))).all()
    ):
        num = pd.to_numeric(s, errors="coerce")
        found = _numeric_dates(num, present)
        if found is not None:
            values, kind = found
            return Parsed(
                values.astype("datetime64[ns]"), present & values.isna(), {"format": kind}
            )
    if s.dtype == object and n_present:
        # spreadsheet cells that are real dates are taken as dates whatever the format says;
        # the text cells beside them (if any) are read like any text column
        native = s.map(lambda v: isinstance(v, (dt.datetime, dt.date)) and v is not pd.NaT)
        if native.any():
            values = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
            inside = [v if 1678 <= v.year <= 2261 else None for v in s[native]]  # ns range
            values[native] = pd.to_datetime(
                pd.Series(inside, dtype=object), errors="coerce"
            ).to_numpy(dtype="datetime64[ns]")
            info = {"format": "native"}
            rest = present & ~native
            if rest.any():
                other = parse_datetime(s[rest].astype("str"), fmt)
                values[rest] = other.values.to_numpy(dtype="datetime64[ns]")
                info = {**other.info, "format": f"native + {other.info.get('format')}"}
            return Parsed(values, present & values.isna(), info)
    if fmt:
        # untrimmed text is fine here: what the format misses is trimmed and read again
        raw = _arrow_strings(s)
        out = _fill_with_normalised(raw, _strptime(raw, fmt), [fmt])
        values = _as_datetime_series(out, s.index)
        return Parsed(values, present & values.isna(), {"format": fmt, "order": "explicit"})
    text = _to_text(s)
    arr = pc.utf8_trim_whitespace(pa.array(text, type=pa.string(), from_pandas=True))
    if n_present == 0:
        return Parsed(
            pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"),
            pd.Series(False, index=s.index),
            {"format": None},
        )
    # all-digit text: serials or epochs
    digits = text[present].str.fullmatch(r"\d+(\.\d+)?")
    compact = text[present].str.fullmatch(r"(\d{6}|\d{8})(\d{6})?")
    if bool(digits.all()) and not compact.all():
        num = pd.to_numeric(text, errors="coerce")
        found = _numeric_dates(num, present)
        if found is not None:
            values, kind = found
            return Parsed(
                values.astype("datetime64[ns]"), present & values.isna(), {"format": kind}
            )
    sample_idx = np.flatnonzero(present.to_numpy())
    if len(sample_idx) > 2000:
        sample_idx = np.unique(
            np.concatenate(
                [
                    sample_idx[:1000],
                    sample_idx[-500:],
                    sample_idx[:: max(1, len(sample_idx) // 500)],
                ]
            )
        )
    sample = _normalise_text(arr.take(pa.array(sample_idx)))
    scored = []
    for order, cand in CANDIDATES:
        hits = len(sample) - _strptime(sample, cand).null_count
        if hits:
            scored.append((hits, order, cand))
    if not scored:
        return Parsed(
            pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"), present, {"format": None}
        )
    scored.sort(key=lambda x: -x[0])
    top_hits = scored[0][0]
    finalists = [c for c in scored if c[0] >= top_hits * 0.5] or scored[:1]
    best = None
    for _hits, order, cand in finalists:
        out = _strptime(arr, cand)
        n_ok = len(out) - out.null_count
        key = (n_ok, order == "dayfirst", order == "iso")
        if best is None or key > best[0]:
            best = (key, order, cand, out)
    (_n_ok, _, _), order, chosen, out = best
    info = {"format": chosen, "order": order}
    orders = {o for h, o, c in finalists if h == top_hits}
    if order == "dayfirst" and "monthfirst" in orders:
        info["order_note"] = (
            "ambiguous: every value fits day-first and month-first; chose day-first"
        )
    # what the chosen format missed: normalised text (fractions of seconds, spaces, UTC), then
    # the other formats — never mixing day-first and month-first in one column
    others = [
        cand
        for _h, o, cand in scored
        if cand != chosen and not (o in ("dayfirst", "monthfirst") and o != order)
    ]
    values_arr = _fill_with_normalised(arr, out, [chosen, *others])
    values = _as_datetime_series(values_arr, s.index)
    if order == "time":
        info["time_only"] = True
    stem = chosen.split(" ")[0].split("T")[0]
    if stem in _COMPACT or chosen.startswith(tuple(_COMPACT)):
        date_part = next(f for f in _COMPACT if chosen.startswith(f))
        info["compact"] = _COMPACT[date_part] + ("HHMMSS" if "%H%M%S" in chosen else "")
    return Parsed(values, present & values.isna(), info)


# ---------------------------------------------------------------- numbers

_NUM_CLEAN = r"[\s\x{00a0}\x{202f}%€$£]"
_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


def _arrow_text(s: pd.Series) -> pa.Array:
    """The column as an Arrow string array, trimmed (missing stays null)."""
    arr = pa.array(_to_text(s), type=pa.string(), from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):  # pandas' Arrow-backed text comes in chunks
        arr = arr.combine_chunks()
    return pc.utf8_trim_whitespace(arr)


def _arrow_to_float(arr: pa.Array) -> np.ndarray:
    """Plain decimal text → float64; anything else → NaN (all in Arrow, no Python loop)."""
    ok = pc.fill_null(pc.match_substring_regex(arr, _NUMBER), False)
    clean = pc.if_else(ok, arr, pa.scalar(None, type=pa.string()))
    return np.asarray(pc.cast(clean, pa.float64()).to_numpy(zero_copy_only=False), dtype="f8")


def _numbers_from_text(arr: pa.Array, decimal: str | None) -> tuple[np.ndarray, str]:
    if pc.any(pc.match_substring_regex(arr, _NUM_CLEAN)).as_py():
        arr = pc.replace_substring_regex(arr, _NUM_CLEAN, "")
    has_comma = pc.fill_null(pc.match_substring(arr, ","), False)
    if decimal is None:
        decimal = "."
        if pc.any(has_comma).as_py():
            commas = arr.filter(has_comma)
            dec = pc.match_substring_regex(commas, r"^[-+]?\d*(\.\d{3})*,\d+$")
            if pc.mean(pc.cast(dec, pa.int8())).as_py() > 0.5:
                decimal = ","
    if decimal == ",":
        arr = pc.replace_substring(pc.replace_substring(arr, ".", ""), ",", ".")
    elif pc.any(has_comma).as_py():
        arr = pc.replace_substring_regex(arr, r",(\d{3})", r"\1")  # thousands: 1,234.5
    return _arrow_to_float(arr), decimal


def parse_number(s: pd.Series, decimal: str | None = None) -> Parsed:
    """Numbers with '.' or ',' decimals, spaces/dots as thousands separators, a trailing %."""
    present = ~is_missing(s)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values, invalid = _native_floats(s)
        return Parsed(values, invalid, {"decimal": "native"})
    nums, decimal = _numbers_from_text(_arrow_text(s), decimal)
    values = pd.Series(nums, index=s.index, dtype="float64")
    return Parsed(values, present & values.isna(), {"decimal": decimal})


def _native_floats(s: pd.Series, factor: float = 1.0) -> tuple[pd.Series, pd.Series]:
    """A numeric column as float64 times ``factor``, and its invalid mask: an infinite value is
    not a number (the text "inf" is not read either), so it is NaN and invalid."""
    values = s.astype("float64")
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        values = values.mask(infinite)
    return values * factor if factor != 1.0 else values, pd.Series(infinite, index=s.index)


def score_text(s: pd.Series) -> pd.Series:
    """'2 - Satisfied' -> '2': the leading number of a 'N - label' scale value (other values
    unchanged)."""
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s
    text = s.astype("str")
    lead = text.str.extract(r"^\s*(-?\d+(?:[.,]\d+)?)\s*[-–:]\s*\D", expand=False)
    return lead.fillna(text).where(s.notna())


# ---------------------------------------------------------------- durations

_HMS = (
    r"^(?:(?P<d>\d+) days? )?(?P<sign>-)?(?P<a>\d+):(?P<b>\d{1,2})(?::(?P<c>\d{1,2}(?:[.,]\d+)?))?$"
)


def _hms_seconds(arr: pa.Array) -> np.ndarray:
    """'HH:MM:SS', 'MM:SS', '0 days 00:06:12' → seconds (NaN where the text is not such)."""
    parts = pc.extract_regex(arr, _HMS)
    field = {name: parts.field(name) for name in ("d", "sign", "a", "b", "c")}

    def num(name):
        col = pc.replace_substring(field[name], ",", ".")
        return _arrow_to_float(pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col))

    a, b, c, d = num("a"), num("b"), num("c"), np.nan_to_num(num("d"))
    sign = np.where(np.asarray(pc.fill_null(pc.equal(field["sign"], "-"), False)), -1.0, 1.0)
    # with seconds: H:M:S; without: M:S (a call of 2:30 is 2 min 30 s)
    secs = np.where(np.isnan(c), a * 60 + b, a * 3600 + b * 60 + np.nan_to_num(c))
    return sign * (secs + d * 86400)


def parse_duration(s: pd.Series, unit: str = "s", decimal: str | None = None) -> Parsed:
    """Durations in seconds from seconds, 'HH:MM:SS', 'MM:SS', '0 days 00:06:12', or numbers in
    ``unit`` ('s', 'min', 'h', 'ms'); decimal minutes with a comma when ``unit='min'``."""
    present = ~is_missing(s)
    factor = {"s": 1.0, "min": 60.0, "h": 3600.0, "ms": 0.001, "d": 86400.0}[unit]
    info: dict = {"unit": unit}
    if pd.api.types.is_timedelta64_dtype(s.dtype):
        return Parsed(s.dt.total_seconds(), pd.Series(False, index=s.index), {"form": "native"})
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        values, invalid = _native_floats(s, factor)
        return Parsed(values, invalid, {**info, "form": "number"})
    if s.dtype == object and present.any() and s[present].map(lambda v: hasattr(v, "hour")).all():
        secs = s.map(
            lambda v: v.hour * 3600 + v.minute * 60 + v.second if hasattr(v, "hour") else np.nan
        ).astype("float64")  # Excel time-of-day cells
        return Parsed(secs, present & secs.isna(), {**info, "form": "time cell"})
    arr = _arrow_text(s)
    values = np.full(len(s), np.nan)
    colon = np.asarray(pc.fill_null(pc.match_substring(arr, ":"), False))
    if colon.any():
        idx = np.flatnonzero(colon)
        values[idx] = _hms_seconds(arr.take(pa.array(idx)))
        info["form"] = "hh:mm:ss"
    rest = np.flatnonzero(~colon & present.to_numpy())
    if len(rest):
        nums, _dec = _numbers_from_text(arr.take(pa.array(rest)), decimal)
        values[rest] = nums * factor
        info.setdefault("form", "number")
    out = pd.Series(values, index=s.index, dtype="float64")
    return Parsed(out, present & out.isna(), info)


# ---------------------------------------------------------------- booleans


def parse_bool(s: pd.Series, mapping: dict | None = None) -> Parsed:
    """Y/N, oui/non, yes/no, vrai/faux, 1/0, true/false (any case, accents ignored).

    ``mapping`` (source value -> bool) comes first, matched on the folded text.
    """
    present = ~is_missing(s)
    if pd.api.types.is_bool_dtype(s.dtype):
        return Parsed(s.astype("boolean"), pd.Series(False, index=s.index), {})
    text = _to_text(s)
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    table: dict = {}
    user = {fold(k): v for k, v in (mapping or {}).items() if k not in ("", "*")}
    other = (mapping or {}).get("*")
    # blanks and placeholders are missing, not values
    filled = [u for u in uniques if str(u).strip() and str(u).strip().lower() not in PLACEHOLDERS]
    counts = bool(filled) and all(str(u).isdigit() for u in filled)
    for u in filled:
        f = fold(u)
        if f in user:
            table[u] = _as_bool(user[f])
        elif other is not None:
            table[u] = _as_bool(other)
        elif f in TRUE_VALUES:
            table[u] = True
        elif f in FALSE_VALUES:
            table[u] = False
        elif counts:
            table[u] = int(u) > 0  # a count column ("reopens: 2") means "at least once"
    lut = pd.array([table.get(u) for u in uniques] + [None], dtype="boolean")
    values = pd.Series(lut[codes], index=s.index)  # code -1 (missing) takes the last: NA
    if mapping and "" in mapping:
        values = values.mask(~present, _as_bool(mapping[""]))
    return Parsed(values, present & values.isna(), {})


def _as_bool(v) -> bool | None:
    if isinstance(v, bool) or v is None:
        return v
    f = fold(v)
    return True if f in TRUE_VALUES else False if f in FALSE_VALUES else None
