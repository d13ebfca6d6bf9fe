"""Period inputs: the small tables a user types or uploads beside the exports.

``costs`` (period_start, period_end, cost[, provider]), ``hours`` (agent_id, period_start,
period_end, planned_h, absent_h[, worked_days, team, provider]), ``customer_base``
(period_start, period_end, start, new, lost, end[, renewals_due, renewed]) and ``headcount``
(period_start, period_end, avg_headcount, leavers[, provider]). A period is given by its start
(``Mois``: 01/01/2026) and optionally its end; without an end, a month start covers the month and
any other date covers that day. Rows that cannot be read are set aside with their reason, as for
exports: rows in = rows used + rows set aside.
"""

from __future__ import annotations

import pandas as pd

from kpis.errors import MissingRequiredField
from kpis.io.parsers import is_missing, parse_datetime, parse_number
from kpis.io.readers import read_any
from kpis.io.text import fold

PERIOD = [
    "mois",
    "month",
    "periode",
    "period",
    "date",
    "debut",
    "period start",
    "debut de periode",
    "semaine",
    "week",
    "jour",
    "day",
]
PERIOD_END = ["fin", "fin de periode", "period end", "end", "date de fin"]

SPECS: dict[str, dict[str, list[str]]] = {
    "costs": {
        "cost": [
            "cout total",
            "couts",
            "cout",
            "total cost",
            "cost",
            "montant",
            "budget",
            "depenses",
        ],
        "provider": ["prestataire", "provider"],
    },
    "hours": {
        "agent_id": ["conseiller", "agent", "agent id", "nom"],
        "planned_h": [
            "heures planifiees",
            "heures theoriques",
            "planned hours",
            "planned",
            "heures prevues",
            "theoretical hours",
        ],
        "absent_h": ["heures d absence", "absences", "absence hours", "absent hours", "absence"],
        "worked_days": ["jours travailles", "worked days", "jours"],
        "team": ["equipe", "team"],
        "provider": ["prestataire", "provider"],
    },
    "customer_base": {
        "start": ["clients en debut de periode", "clients debut", "customers start", "start"],
        "new": ["nouveaux clients", "new customers", "new", "nouveaux"],
        "lost": ["clients perdus", "lost customers", "lost", "perdus", "resiliations"],
        "end": ["clients en fin de periode", "clients fin", "customers end", "end"],
        "renewals_due": ["abonnements a renouveler", "renewals due", "a renouveler"],
        "renewed": ["abonnements renouveles", "renewed", "renouveles"],
    },
    "headcount": {
        "avg_headcount": [
            "effectif moyen",
            "average headcount",
            "avg headcount",
            "effectif",
            "etp",
        ],
        "leavers": ["departs", "leavers", "sorties"],
        "provider": ["prestataire", "provider"],
    },
}
REQUIRED = {
    "costs": ["cost"],
    "hours": ["agent_id", "planned_h", "absent_h"],
    "customer_base": ["start"],
    "headcount": ["avg_headcount"],
}
TEXT_FIELDS = {"agent_id", "team", "provider"}


def _find(columns: list[str], synonyms: list[str], used: set[str]) -> str | None:
    folded = {c: fold(c) for c in columns if c not in used}
    for syn in synonyms:  # exact first, then "every word of the synonym is in the header"
        for col, f in folded.items():
            if f == syn:
                return col
    for syn in synonyms:
        words = set(syn.split())
        for col, f in folded.items():
            if words <= set(f.split()):
                return col
    return None


def _period_end(start: pd.Series) -> pd.Series:
    month_start = start.dt.is_month_start & (start.dt.normalize() == start)
    month_end = (start + pd.offsets.MonthEnd(0)).dt.normalize() + pd.Timedelta(
        hours=23, minutes=59, seconds=59
    )
    day_end = start.dt.normalize() + pd.Timedelta(hours=23, minutes=59, seconds=59)
    return month_end.where(month_start, day_end)


def read_period_input(source, kind: str, filename: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Read one period-input file of ``kind`` (costs, hours, customer_base, headcount)."""
    raw = read_any(source, filename)
    cols = raw.columns
    used: set[str] = set()
    mapping: dict[str, str] = {}
    start_col = _find(cols, PERIOD, used)
    if start_col is None:
        raise MissingRequiredField("period_start", file=raw.file, candidates=cols[:3], table=kind)
    used.add(start_col)
    for field, synonyms in SPECS[kind].items():
        col = _find(cols, synonyms, used)
        if col:
            mapping[field] = col
            used.add(col)
    end_col = _find(cols, PERIOD_END, used)
    for req in REQUIRED[kind]:
        if req not in mapping:
            raise MissingRequiredField(req, file=raw.file, candidates=cols[:3], table=kind)
    frame = raw.frame
    out = pd.DataFrame({"_row": frame["_row"]})
    reason = pd.Series(None, index=frame.index, dtype=object)
    start = parse_datetime(frame[start_col])
    out["period_start"] = start.values
    reason = reason.mask(start.invalid | start.values.isna(), "unparseable_date")
    if end_col:
        end = parse_datetime(frame[end_col])
        out["period_end"] = end.values.fillna(_period_end(start.values))
        reason = reason.mask(reason.isna() & end.invalid, "unparseable_date")
    else:
        out["period_end"] = _period_end(start.values)
    for field, col in mapping.items():
        if field in TEXT_FIELDS:
            out[field] = frame[col].astype("str").str.strip().where(~is_missing(frame[col]))
            continue
        p = parse_number(frame[col])
        out[field] = p.values
        reason = reason.mask(reason.isna() & p.invalid, "unparseable_number")
        reason = reason.mask(reason.isna() & (p.values < 0), "negative_value")
    empty = pd.concat([is_missing(frame[c]) for c in cols], axis=1).all(axis=1)
    reason = reason.mask(empty, "empty_row")
    used_mask = reason.isna()
    aside = frame[~used_mask].assign(reason=reason[~used_mask])
    report = {
        "file": raw.file,
        "table": kind,
        "rows_in": len(frame) + len(raw.bad_rows),
        "rows_used": int(used_mask.sum()),
        "rows_set_aside": int((~used_mask).sum()) + len(raw.bad_rows),
        "set_aside": {k: int(v) for k, v in aside["reason"].value_counts().items()},
        "mapping": {
            "period_start": start_col,
            **({"period_end": end_col} if end_col else {}),
            **mapping,
        },
    }
    if raw.bad_rows:
        report["set_aside"]["malformed_line"] = len(raw.bad_rows)
    # every row set aside is kept with its line and reason (malformed lines included), so the
    # report reconciles row by row: rows_in = rows_used + len(aside_rows)
    pairs = zip(aside["_row"], aside["reason"], strict=True)
    report["aside_rows"] = sorted(
        [{"_row": int(r), "reason": str(why)} for r, why in pairs]
        + [{"_row": int(b.row), "reason": b.reason} for b in raw.bad_rows],
        key=lambda r: r["_row"],
    )
    return out[used_mask].reset_index(drop=True), report


KINDS = tuple(SPECS)


def detect_kind(columns: list[str]) -> str | None:
    """The period-input kind a file's headers describe, or None for an export: a period column,
    every required field of the kind, and most of the (few) columns recognised."""
    if len(columns) > 12:
        return None
    best = None
    for kind in KINDS:
        used: set[str] = set()
        start = _find(columns, PERIOD, used)
        if start is None:
            return None
        used.add(start)
        found = {}
        for fld, synonyms in SPECS[kind].items():
            col = _find(columns, synonyms, used)
            if col:
                found[fld] = col
                used.add(col)
        if not all(r in found for r in REQUIRED[kind]):
            continue
        end = _find(columns, PERIOD_END, used)
        share = (len(used) + (end is not None)) / len(columns)
        if share >= 0.6 and (best is None or share > best[0]):
            best = (share, kind)
    return best[1] if best else None
