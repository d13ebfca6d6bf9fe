"""One mapped field: source text → canonical values, plus the row checks it raises.

``parse_field`` is pure (it reads the source column and the mapping, writes nothing), so the
pipeline can run the fields of a large file side by side on the machine's cores and then apply
the checks in field order (the first reason found stays the row's reason). A column with few
distinct values is parsed once per distinct value (``kpis.io.columns``); the result is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd

from kpis.io import columns
from kpis.io.parsers import (
    is_missing,
    parse_bool,
    parse_datetime,
    parse_duration,
    parse_number,
    score_text,
)
from kpis.io.pseudonym import normalise_id, pseudonymise
from kpis.io.text import fold
from kpis.schema import CANAL_VALUES, DIRECTION_VALUES, NIVEAU_VALUES

MAX_DURATION_S = 86_400.0
DEFAULT_SCALES = {"nps_score": (0, 10), "ces_score": (1, 7), "csat_score": (0, 10)}


@dataclass
class Check:
    """Rows of ``mask`` get ``code``; the detail quotes the source cell (then ``suffix``)."""

    code: str
    mask: np.ndarray
    suffix: str = ""


@dataclass
class FieldResult:
    values: pd.Series
    checks: list[Check] = field(default_factory=list)
    info: dict | None = None
    codes: np.ndarray | None = None  # identifiers: codes of the distinct values (duplicates)


def _mask(x) -> np.ndarray:
    if isinstance(x, pd.Series):
        return x.fillna(False).to_numpy(dtype=bool)
    return np.asarray(x, dtype=bool)


def map_values(src: pd.Series, value_map: dict) -> pd.Series:
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


def trimmed(text: pd.Series) -> pd.Series:
    """``text.str.strip()``; the column itself (no copy of its text) when no cell's first or last
    byte can belong to a whitespace character (``columns.maybe_padded``)."""
    arr = columns.arrow_text(text)
    if arr is not None and not columns.maybe_padded(arr).any():
        return text
    return text.str.strip()


def normalise_category(values: pd.Series, fname: str) -> pd.Series:
    """Trimmed text as a category; canal, niveau and direction labels to their canonical form."""
    text = trimmed(values.astype("str"))
    table = {"canal": CANAL_VALUES, "niveau": NIVEAU_VALUES, "direction": DIRECTION_VALUES}.get(
        fname
    )
    if table:
        uniques = pd.unique(text.dropna())
        lookup = {u: table.get(fold(u), u) for u in uniques}
        text = text.map(lookup)
    return text.astype("category")


def _parse_values(fld, src: pd.Series, m, key: bytes | None) -> FieldResult:
    """The field's parser on ``src`` (every row, or one row per distinct value)."""
    name, kind = fld.name, fld.kind
    miss_vals = m.missing.get(name)
    if miss_vals:
        src = src.where(~src.astype("str").str.strip().isin([str(v) for v in miss_vals]))
    value_map = m.values.get(name)
    if kind == "bool":
        p = parse_bool(src, value_map)
        return FieldResult(p.values, [Check("unparseable_bool", _mask(p.invalid))])
    if kind == "datetime":
        p = parse_datetime(src, m.formats.get(name))
        return FieldResult(p.values, [Check("unparseable_date", _mask(p.invalid))], p.info)
    if kind == "duration":
        p = parse_duration(src, unit=m.units.get(name, "s"))
        return FieldResult(
            p.values,
            [
                Check("unparseable_duration", _mask(p.invalid)),
                Check("negative_duration", _mask(p.values < 0)),
                Check("absurd_duration", _mask(p.values > MAX_DURATION_S)),
            ],
        )
    if kind in ("score", "number"):
        if value_map:
            src = map_values(src, value_map)
        p = parse_number(score_text(src) if kind == "score" else src)
        checks = [Check("unparseable_number", _mask(p.invalid))]
        info = None
        if kind == "score":
            lo, hi = m.scales.get(name, DEFAULT_SCALES.get(name, (None, None)))
            if lo is not None:
                outside = (p.values < lo) | (p.values > hi)
                checks.append(Check("score_out_of_scale", _mask(outside), f" ∉ [{lo}, {hi}]"))
            info = {"scale": [lo, hi]}
        return FieldResult(p.values, checks, info)
    if kind == "category":
        text = _blanked(trimmed(src.astype("str")), src)
        if value_map:
            text = map_values(text, value_map)
        return FieldResult(normalise_category(text, name))
    if kind == "id":
        text = _blanked(normalise_id(src.astype("str")), src)
        return FieldResult(pseudonymise(text, key) if fld.personal else text.astype("str"))
    return FieldResult(_blanked(src.astype("str"), src))  # text


def _blanked(text: pd.Series, src: pd.Series) -> pd.Series:
    """``text`` with the cells missing in ``src`` made NA; ``text`` itself (no copy of a column
    of text) when no cell is missing."""
    missing = is_missing(src)
    return text.where(~missing) if missing.any() else text


def _spread(res: FieldResult, codes: np.ndarray, index: pd.Index) -> FieldResult:
    return FieldResult(
        columns.spread(res.values, codes, index),
        [Check(c.code, c.mask[codes], c.suffix) for c in res.checks],
        res.info,
        codes,
    )


def parse_field(
    fld, src: pd.Series, m, key: bytes | None = None, *, with_codes: bool = False
) -> FieldResult:
    """Canonical values of one field and its checks (see module docstring). ``with_codes``:
    also number the distinct values (to find duplicate contact ids)."""
    if fld.kind == "id" and not fld.personal:
        # contact and ticket ids: nearly all distinct, parsed row by row
        res = _parse_values(fld, src, m, key)
        if with_codes:
            res.codes = columns.distinct_codes(res.values)
        return res
    if fld.kind == "id" or columns.few_distinct(src):
        # customer ids are hashed once per customer, whatever their number
        parse = partial(_parse_values, fld, m=m, key=key)
        return columns.by_distinct(src, parse, _spread)
    return _parse_values(fld, src, m, key)


def duplicated_among(codes: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Rows of ``ok`` whose code already appeared on an earlier row of ``ok``. Codes are numbered
    in order of first appearance (``columns.factorize``), so when every row counts a row is new
    exactly when its code exceeds every code before it."""
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if ok.all():
        seen_max = np.maximum.accumulate(codes)
        first = np.empty(n, dtype=bool)
        first[0] = True
        first[1:] = codes[1:] > seen_max[:-1]
        return ~first
    out = np.zeros(n, dtype=bool)
    out[ok] = pd.Series(codes[ok]).duplicated(keep="first").to_numpy()
    return out
