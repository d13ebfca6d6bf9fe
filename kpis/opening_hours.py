"""Opening hours: which hours the rules use, whether the user confirmed them, and a suggestion
read from the data.

``resolve`` says which hours apply and whether they were *confirmed* (set by the user, or a
preset such as the bundled sample's): ``settings["opening_hours"]`` as ``{"spec", "confirmed",
"source"}`` or a plain spec, else an engine ``opening_hours`` parameter that differs from the
declared default (the interface passes the default back when nothing was set), else the default
(Mon–Fri 08:00–19:00), never confirmed. Out-of-hours rules fire on confirmed hours only.

``suggest`` reads the hourly profile per weekday: a weekday is open when it carries at least
``min_day_share`` of the busiest weekday's volume; its hours are the contiguous span from the first
to the last hour holding at least ``min_share`` of that weekday's volume.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from kpis.definitions.telephony import DAYS

DEFAULT_SPEC = "mon-fri 08:00-19:00"


@dataclass(frozen=True)
class OpeningHours:
    """The hours a rule uses: ``spec`` (``kpis.definitions.telephony.parse_opening_hours``
    syntax), ``confirmed`` and ``source`` ("user", "sample", "default"…)."""

    spec: str | dict
    confirmed: bool
    source: str


def resolve(settings: Mapping | None, params: Mapping | None) -> OpeningHours:
    """The opening hours that apply (see module docstring)."""
    own = (settings or {}).get("opening_hours")
    if isinstance(own, Mapping) and "spec" in own:
        return OpeningHours(
            own["spec"], bool(own.get("confirmed", False)), str(own.get("source", "user"))
        )
    if isinstance(own, str) and own.strip():
        return OpeningHours(own, True, "user")
    given = (params or {}).get("opening_hours")
    if given not in (None, "") and _norm(given) != _norm(DEFAULT_SPEC):
        return OpeningHours(given, True, "user")
    return OpeningHours(DEFAULT_SPEC, False, "default")


def _norm(spec) -> str:
    return " ".join(str(spec).lower().split())


def _spec(spans: dict[int, tuple[int, int]]) -> str:
    """{weekday: (start hour, end hour)} → "mon-fri 08:00-19:00; sat 09:00-12:00"."""
    parts, days = [], sorted(spans)
    i = 0
    while i < len(days):
        j = i
        while (
            j + 1 < len(days)
            and days[j + 1] == days[j] + 1
            and spans[days[j + 1]] == spans[days[i]]
        ):
            j += 1
        a, b = spans[days[i]]
        name = DAYS[days[i]] if i == j else f"{DAYS[days[i]]}-{DAYS[days[j]]}"
        parts.append(f"{name} {a:02d}:00-{b:02d}:00")
        i = j + 1
    return "; ".join(parts)


def suggest(started_at: pd.Series, min_share: float = 0.01, min_day_share: float = 0.2) -> dict:
    """Suggested opening hours from the hourly profile of ``started_at`` per weekday:
    ``{"spec", "spans": {weekday: (start, end hour)}, "table"}`` — ``table`` holds, per weekday ×
    hour, the contacts and their share of the weekday (the evidence). ``spec`` is "" when
    nothing can be read (no timestamps)."""
    t = pd.Series(started_at).dropna()
    if not len(t):
        return {"spec": "", "spans": {}, "table": pd.DataFrame()}
    counts = (
        pd.DataFrame({"weekday": t.dt.day_of_week.to_numpy(), "hour": t.dt.hour.to_numpy()})
        .value_counts()
        .rename("n")
        .reset_index()
    )
    per_day = counts.groupby("weekday")["n"].sum()
    counts["share"] = counts["n"] / counts["weekday"].map(per_day)
    counts = counts.sort_values(["weekday", "hour"]).reset_index(drop=True)
    spans: dict[int, tuple[int, int]] = {}
    for day, total in per_day.items():
        if total < min_day_share * per_day.max():
            continue
        busy = counts[(counts["weekday"] == day) & (counts["share"] >= min_share)]["hour"]
        if len(busy):
            spans[int(day)] = (int(busy.min()), int(busy.max()) + 1)
    counts["open"] = [
        d in spans and spans[d][0] <= h < spans[d][1]
        for d, h in zip(counts["weekday"], counts["hour"], strict=True)
    ]
    counts["weekday"] = counts["weekday"].map(lambda d: DAYS[int(d)])
    return {"spec": _spec(spans), "spans": spans, "table": counts}


def suggest_for_contacts(contacts: pd.DataFrame, **kw) -> dict:
    """``suggest`` on the inbound phone contacts when the export has some (digital contacts
    arrive at any hour; calls show the hours the lines are open), else on every contact."""
    c = contacts
    if "canal" in c.columns:
        phone = c["canal"].astype("string").str.lower().eq("telephone").fillna(False)
        if "direction" in c.columns:
            phone &= ~c["direction"].astype("string").str.lower().eq("sortant").fillna(False)
        if phone.sum() >= 100:
            out = suggest(c.loc[phone.to_numpy(), "started_at"], **kw)
            return {**out, "basis": "telephone"}
    return {**suggest(c["started_at"], **kw), "basis": "all"}
