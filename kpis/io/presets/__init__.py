"""Presets: mapping files for known exports, recognised from their headers.

Each ``*.yaml`` here is a mapping file (see ``kpis.io.mapping``) with a ``name``, a
``description`` and a ``match`` list: the headers that identify the export. A preset applies when
all its ``match`` headers are present (compared folded: case, accents and punctuation ignored).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from kpis.io.mapping import Mapping, mapping_from_dict
from kpis.io.text import fold

PRESET_DIR = Path(__file__).parent


@cache
def _load_all() -> dict[str, dict]:
    out = {}
    for path in sorted(PRESET_DIR.glob("*.yaml")):
        out[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return out


def list_presets() -> list[dict]:
    """Name, table and description of every preset."""
    return [
        {
            "id": k,
            "name": v.get("name", k),
            "table": v.get("table", "contacts"),
            "description": v.get("description", ""),
        }
        for k, v in _load_all().items()
    ]


def load_preset(preset_id: str) -> Mapping:
    data = _load_all()[preset_id]
    m = mapping_from_dict(data, origin=f"preset {preset_id}")
    m.source = f"preset:{preset_id}"
    return m


def detect_preset(columns: list[str], table: str | None = None) -> Mapping | None:
    """The preset whose ``match`` headers are all present (most specific first).

    Columns a preset names beyond its ``match`` headers are optional (an export may leave out a
    flattened object column): a field whose column is absent is left out of the mapping and
    listed in ``Mapping.skipped``.
    """
    have = {fold(c) for c in columns}
    best = None
    for pid, data in _load_all().items():
        match = data.get("match") or []
        if not match or (table and data.get("table", "contacts") != table):
            continue
        if all(fold(h) in have for h in match):
            if best is None or len(match) > best[0]:
                best = (len(match), pid)
    if best is None:
        return None
    m = load_preset(best[1])
    # the preset names exact source headers; map them to the file's own spelling
    by_fold = {fold(c): c for c in columns}
    for fld, cols in list(m.columns.items()):
        if isinstance(cols, str):
            m.columns[fld] = by_fold.get(fold(cols), cols)
        else:
            m.columns[fld] = [by_fold.get(fold(c), c) for c in cols]
    m.drop_rows = {by_fold.get(fold(c), c): v for c, v in m.drop_rows.items()}
    m.items = [by_fold.get(fold(c), c) for c in m.items]
    for spec in m.derive.values():
        for key, cols in spec.items():
            spec[key] = (
                by_fold.get(fold(cols), cols)
                if isinstance(cols, str)
                else [by_fold.get(fold(c), c) for c in cols]
            )
    have_cols = set(columns)
    for fld in list(m.columns):
        absent = [c for c in m.sources(fld) if c not in have_cols]
        if absent:
            m.skipped[fld] = ", ".join(absent)
            del m.columns[fld]
            m.confidence.pop(fld, None)
    for fld, spec in list(m.derive.items()):
        cols = [c for v in spec.values() for c in ([v] if isinstance(v, str) else v)]
        absent = [c for c in cols if c not in have_cols]
        if absent:
            m.skipped[fld] = ", ".join(absent)
            del m.derive[fld]
    m.drop_rows = {c: v for c, v in m.drop_rows.items() if c in have_cols}
    m.items = [c for c in m.items if c in have_cols]
    return m
