"""Top N + "autres": a categorical chart shows at most N categories (by volume, the KPI's n); the
rest are pooled into one "autres" / "other" category whose value is the KPI **recomputed on the
pooled rows** (Σ numerator ÷ Σ denominator for a rate, the mean of the pooled contacts for a
mean — never a mean of the segments' values), with its own interval and n.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from kpis import format as fmt
from kpis.views.base import field_name, t2, text

TOP_N = 15
OTHER = {"fr": "autres", "en": "other"}
PLURALS = {
    "motif": ("motifs", "motifs"),
    "sous_motif": ("sous-motifs", "sub-motifs"),
    "agent_id": ("agents", "agents"),
    "team": ("équipes", "teams"),
    "queue": ("files", "queues"),
    "site": ("sites", "sites"),
    "provider": ("prestataires", "providers"),
    "canal": ("canaux", "channels"),
    "niveau": ("niveaux", "levels"),
    "transfer_to": ("destinations", "destinations"),
    "evaluator": ("évaluateurs", "evaluators"),
    "grid": ("grilles", "grids"),
}


FEMININE = {"team", "queue", "transfer_to", "grid"}  # "15 premières files"


def other_label(lang: str) -> str:
    return OTHER["en" if lang == "en" else "fr"]


def top_values(rows: pd.DataFrame, segment: str, n: int, weight: str = "n") -> list[str]:
    """The ``n`` values of ``segment`` with the largest total ``weight`` (ties: first seen),
    as text."""
    w = pd.to_numeric(rows[weight], errors="coerce").fillna(0)
    keys = rows[segment].astype(object).map(text)
    totals = w.groupby(keys.to_numpy(), sort=False).sum()
    return list(totals.sort_values(ascending=False, kind="stable").index[: max(int(n), 0)])


def pool_tables(
    tables: Mapping[str, pd.DataFrame],
    keep: Mapping[str, list[str]],
    other: str,
    filters: Mapping | None = None,
) -> tuple[dict[str, pd.DataFrame], dict]:
    """Copies of the tables where each field of ``keep`` has its values outside ``keep[field]``
    replaced by ``other`` (missing values stay missing), and the filters to use on them: a
    filter on a pooled field also accepts ``other``, and only the values it let through are
    pooled (a value it excluded stays itself, so stays excluded)."""
    filters = dict(filters or {})
    allowed = {}
    for f in keep:
        v = filters.get(f)
        if v is not None and not isinstance(v, tuple):  # a (start, end) range is not a list
            values = list(v) if isinstance(v, list | set) else [v]
            allowed[f] = {text(x) for x in values}
            filters[f] = [*values, other]
    out = dict(tables)
    for name, df in tables.items():
        fields = [f for f in keep if df is not None and f in df.columns]
        if not fields:
            continue
        df = df.copy()
        for f in fields:
            s = df[f].astype(object)
            as_text = s.map(text)
            pooled = ~as_text.isin(set(keep[f])) & s.notna()
            if f in allowed:
                pooled &= as_text.isin(allowed[f])
            df[f] = s.where(~pooled, other)
        out[name] = df
    return out, filters


def note(field: str, kept: int, total: int, lang: str = "fr") -> str:
    """ "15 premiers motifs sur 1 812 ; 1 797 regroupés dans « autres »"."""
    label = field_name(field, lang)
    fr, en = PLURALS.get(field, (f"valeurs de « {label} »", f"values of '{label}'"))
    rest = fmt.integer(total - kept, lang)
    first, pooled = ("premières", "regroupées") if field in FEMININE else ("premiers", "regroupés")
    return t2(
        f"{fmt.integer(kept, lang)} {first} {fr} sur {fmt.integer(total, lang)} ; "
        f"{rest} {pooled} dans « {OTHER['fr']} »",
        f"top {fmt.integer(kept, lang)} {en} of {fmt.integer(total, lang)}; "
        f"{rest} pooled into '{OTHER['en']}'",
        lang,
    )


def pool_frame(
    df: pd.DataFrame,
    segment: str,
    top: int,
    lang: str = "fr",
    *,
    kind: str = "rate",
    value: str = "value",
    total: float | None = None,
    group: str | None = None,
) -> tuple[pd.DataFrame, str]:
    """A per-segment table cut to its ``top`` segments by n (summed over ``group``), the rest
    pooled into one "autres" row per ``group`` value, computed from the pooled rows' counts:

    - ``rate`` (%, value = 100·k/n): 100·Σk ÷ Σn, Wilson interval on (Σk, Σn);
    - ``mean``: Σ(value·n) ÷ Σn (no interval: the rows' spread is not in the table);
    - ``share`` (% of ``total``): 100·Σn ÷ total, Wilson interval on (Σn, total).

    Returns the table (kept rows in their order, "autres" last) and the note ("" when nothing
    was pooled)."""
    from kpis.stats import wilson_interval

    keys = df[segment].astype(object).map(text)
    distinct = keys.nunique()
    if distinct <= top:
        return df, ""
    keep = set(top_values(df.assign(**{segment: keys}), segment, top))
    other = other_label(lang)
    kept = df[keys.isin(keep).to_numpy()]
    rest = df[~keys.isin(keep).to_numpy()]
    rows = []
    for g, part in rest.groupby(group, sort=False) if group else [(None, rest)]:
        n = float(part["n"].sum())
        row = {segment: other, "n": n}
        if group:
            row[group] = g
        if kind == "rate":
            k = float((part[value] / 100 * part["n"]).round().sum())
            lo, hi = wilson_interval(k, n)
            row.update({value: 100 * k / n, "ci_low": 100 * lo, "ci_high": 100 * hi})
        elif kind == "share":
            lo, hi = wilson_interval(n, float(total))
            row.update({value: 100 * n / float(total), "ci_low": 100 * lo, "ci_high": 100 * hi})
        else:
            row.update({value: float((part[value] * part["n"]).sum()) / n})
        rows.append(row)
    pooled = pd.DataFrame(rows)
    out = pd.concat([kept, pooled], ignore_index=True)
    return out, note(segment, top, distinct, lang)
