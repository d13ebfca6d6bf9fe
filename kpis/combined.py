"""The sides of a ``Combined`` declaration (``kpis.declare``) run by the in-memory executor:
a ``Measure`` as any declaration, a ``Distinct`` by integer codes, an ``InWindows`` by binary
searches in each key's sorted times. The relational twin is ``kpis.relational.combined``."""

from __future__ import annotations

import numpy as np

from kpis.declare import Distinct, InWindows, Measure, evaluate, run_in_memory


def text_key(x) -> str:
    """A split field's value as the text windows compare ("nan" when missing)."""
    import pandas as pd

    return "nan" if x is None or (not isinstance(x, str) and pd.isna(x)) else str(x)


def side_in_memory(ctx, side, p: dict):
    if isinstance(side, Measure):
        return run_in_memory(ctx, side, p)
    if isinstance(side, Distinct):
        return distinct_in_memory(ctx.env, side, p)
    return windows_in_memory(ctx.env, side, p)


def distinct_in_memory(env, d: Distinct, p: dict):
    """``Distinct`` on the engine's view: distinct (segment, entity, unit) by integer codes,
    then decoded."""
    import pandas as pd

    v = env.view(d.table, (d.entity, d.time))
    ok = evaluate(d.den, v, env, p) & v.known(d.entity) & v.known(d.time)
    col = v.df[d.entity]
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes, labels = col.cat.codes.to_numpy().astype(np.int64), np.asarray(col.cat.categories)
    else:
        codes, labels = pd.factorize(col)
        codes, labels = codes.astype(np.int64), np.asarray(labels, dtype=object)
    unit = {"month": "M", "day": "D"}[d.unit]
    t = v.df[d.time].to_numpy("datetime64[ns]").astype(f"datetime64[{unit}]").view(np.int64)
    keys = v.seg.groups.iloc[:0].reset_index(drop=True).astype("object")
    if ok.any():
        t0 = int(t[ok].min())
        na, nt = max(len(labels), 1), int(t[ok].max()) - t0 + 1
        u = pd.unique((v.seg.codes[ok] * na + codes[ok]) * nt + (t[ok] - t0))
        gi, rest = u // (na * nt), u % (na * nt)
        keys = v.seg.groups.iloc[gi].reset_index(drop=True).astype("object")
        keys["_entity"] = np.asarray(labels, dtype=object)[rest // nt]
        keys["_unit"] = (rest % nt + t0).astype(f"datetime64[{unit}]").astype("datetime64[ns]")
    else:
        keys["_entity"], keys["_unit"] = pd.Series(dtype=object), pd.Series(dtype="M8[ns]")
    return keys


def windows_in_memory(env, w: InWindows, p: dict) -> np.ndarray:
    """``InWindows`` on the engine's view: rows grouped by their key texts, times sorted, two
    binary searches per window."""
    v = env.view(w.table, (w.time, *w.keys))
    ok = evaluate(w.den, v, env, p) & v.known(w.time)
    df = v.df.loc[ok, [*w.keys, w.time]]
    groups: dict[tuple, np.ndarray] = {}
    if w.keys:
        for key, part in df.groupby(list(w.keys), observed=True, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            t = part[w.time].to_numpy("datetime64[ns]").view(np.int64)
            groups[tuple(text_key(k) for k in key)] = np.sort(t)
    else:
        groups[()] = np.sort(df[w.time].to_numpy("datetime64[ns]").view(np.int64))
    out = np.zeros(len(w.windows))
    for i, (key, lo, hi) in enumerate(w.windows):
        t = groups.get(tuple(key))
        if t is not None:
            out[i] = np.searchsorted(t, hi, "right") - np.searchsorted(t, lo, "left")
    return out
