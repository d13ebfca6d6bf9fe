"""Agent names in a deliverable: find them, keep them off slides that are not about agents, or
replace them everywhere by stable pseudonyms ("Conseiller 01", numbered in name order)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

AGENT_COLUMNS = ("agent_id",)


def _names_in(table: Any) -> set[str]:
    if not isinstance(table, pd.DataFrame):
        return set()
    out: set[str] = set()
    for c in AGENT_COLUMNS:
        if c in table.columns:
            out |= {str(v) for v in table[c].dropna().unique() if str(v).strip()}
    return out


def agent_names(results: Sequence, findings: Iterable[Mapping] = ()) -> set[str]:
    """Every agent name the results' tables and the findings' segments carry."""
    names: set[str] = set()
    for r in results:
        names |= _names_in(getattr(r, "table", None))
        for t in (getattr(r, "extra_tables", None) or {}).values():
            names |= _names_in(t)
        for f in getattr(r, "findings", None) or []:
            names |= set(agent_of(f))
    for f in findings:
        names |= set(agent_of(f))
    return names


def agent_of(finding: Mapping) -> list[str]:
    """The agent(s) a finding's segment names."""
    seg = finding.get("segment")
    if isinstance(seg, Mapping):
        return [str(seg[c]) for c in AGENT_COLUMNS if seg.get(c) not in (None, "")]
    if isinstance(seg, str):
        return [p.split(" = ", 1)[1] for p in seg.split(", ") if p.startswith("agent_id = ")]
    return []


def pseudonyms(names: Iterable[str], lang: str = "fr") -> dict[str, str]:
    """``{name: "Conseiller 01"}``, numbered in sorted name order (stable for the same names)."""
    names = sorted(set(names))
    width = max(2, len(str(len(names))))
    word = "Conseiller" if lang == "fr" else "Agent"
    return {n: f"{word} {k:0{width}d}" for k, n in enumerate(names, start=1)}


def replacer(mapping: Mapping[str, str]):
    """A function replacing every mapped name in a text (longest names first, whole words)."""
    if not mapping:
        return lambda text: text
    alts = "|".join(re.escape(n) for n in sorted(mapping, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alts})(?!\w)")
    return lambda text: pattern.sub(lambda m: mapping[m.group(0)], text)


def _deep(node: Any, sub) -> Any:
    if isinstance(node, str):
        return sub(node)
    if isinstance(node, Mapping):
        return {k: _deep(v, sub) for k, v in node.items()}
    if isinstance(node, list):
        return [_deep(v, sub) for v in node]
    if isinstance(node, tuple):
        return tuple(_deep(v, sub) for v in node)
    return node


def _frame(df: Any, sub) -> Any:
    if not isinstance(df, pd.DataFrame):
        return df
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or isinstance(
            out[c].dtype, (pd.StringDtype, pd.CategoricalDtype)
        ):
            out[c] = out[c].astype(object).map(lambda v: sub(v) if isinstance(v, str) else v)
    return out


def _number(v: Any, sub) -> Any:
    if not isinstance(v, str) or sub(v) == v:
        return v
    from kpis.format import KeyNumber

    return KeyNumber(sub(v), v.value, v.unit) if isinstance(v, KeyNumber) else sub(v)


def pseudonymise(results: Sequence, findings: Sequence[Mapping] | None, lang: str = "fr"):
    """Copies of ``results`` and ``findings`` with every agent name replaced by its pseudonym:
    tables, key numbers, findings (text and segment), sentences, comments and chart data."""
    sub = replacer(pseudonyms(agent_names(results, findings or []), lang))
    out = []
    for r in results:
        out.append(
            dataclasses.replace(
                r,
                title=sub(r.title),
                comment=sub(r.comment or ""),
                table=_frame(r.table, sub),
                extra_tables={sub(k): _frame(t, sub) for k, t in (r.extra_tables or {}).items()},
                numbers={sub(k): _number(v, sub) for k, v in (r.numbers or {}).items()},
                findings=_deep(list(r.findings or []), sub),
                sentences=_deep(list(r.sentences or []), sub),
                chart=_deep(r.chart, sub) if r.chart else r.chart,
                extra_charts=_deep(dict(r.extra_charts or {}), sub),
            )
        )
    return out, _deep([dict(f) for f in findings or []], sub)
