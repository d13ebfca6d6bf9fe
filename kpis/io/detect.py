"""What auto-mapping reads from the values: per-stage call times, call outcomes, identifier
uniqueness, placeholder columns, date-only columns and the survey scales of the seed articles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.io.parsers import is_missing, is_placeholder, parse_datetime
from kpis.io.text import fold

#: share of distinct values a column needs to be auto-mapped to a row identifier
UNIQUE_MIN = 0.98
#: row identifiers of each table: one row per contact (a call id repeated is no contact id)
UNIQUE_IDS = {"contacts": ("contact_id", "ticket_id")}
#: a column whose filled cells are at least this share of placeholders is not mapped
PLACEHOLDER_MAX = 0.95

# ---------------------------------------------------------------- per-stage call times

STAGES: dict[str, tuple[str, ...]] = {
    "entry": ("vru entry", "ivr entry", "entree svi", "entree ivr", "debut svi", "arrivee"),
    "vru_exit": ("vru exit", "ivr exit", "sortie svi", "fin svi"),
    "queue_start": ("q start", "queue start", "debut file", "entree file", "debut attente"),
    "queue_exit": ("q exit", "queue exit", "fin file", "sortie file", "fin attente"),
    "service_start": ("ser start", "service start", "debut service", "debut communication"),
    "service_exit": ("ser exit", "service exit", "fin service", "fin communication"),
}
_DATE_HEADERS = {"date", "jour", "day", "call date", "date appel", "date d appel"}


def _stage_of(header: str) -> str | None:
    h = fold(header)
    for stage, names in STAGES.items():
        if h in names or any(h.startswith(n + " ") for n in names):
            return stage
    return None


def stage_columns(frame: pd.DataFrame, cols: list[str]) -> dict | None:
    """A date column and per-stage time-of-day columns (IVR entry, queue start/exit, service
    start/exit), or None. Returns {"date": col, "stages": {stage: col}} (stages in file order)."""
    stages: dict[str, str] = {}
    for col in cols:
        stage = _stage_of(col)
        if stage and stage not in stages:
            p = parse_datetime(frame[col].head(300))
            if p.info.get("order") == "time" and p.invalid.mean() < 0.1:
                stages[stage] = col
    if len(stages) < 2:
        return None
    for col in cols:
        if fold(col) in _DATE_HEADERS and col not in stages.values():
            p = parse_datetime(frame[col].head(300))
            if p.info.get("format") and p.invalid.mean() < 0.1 and is_date_only(p.values):
                return {"date": col, "stages": stages}
    return None


def stage_derivations(found: dict, mapped: set[str]) -> dict[str, dict]:
    """started_at = date + earliest stage time; wait = queue exit − start; talk = service exit
    − start (only for the durations no column gives)."""
    st = found["stages"]
    out: dict[str, dict] = {"started_at": {"date_time": [found["date"], *st.values()]}}
    if "wait_s" not in mapped and {"queue_start", "queue_exit"} <= set(st):
        out["wait_s"] = {"diff": [st["queue_exit"], st["queue_start"]]}
    if "talk_s" not in mapped and {"service_start", "service_exit"} <= set(st):
        out["talk_s"] = {"diff": [st["service_exit"], st["service_start"]]}
    return out


def first_stage_time(frame: pd.DataFrame, date_col: str, time_cols: list[str]):
    """Date + the earliest time of day among the stage columns (00:00:00, an export's "no such
    stage", counts only when every stage says so). Returns (values, date Parsed)."""
    day = parse_datetime(frame[date_col])
    offsets = []
    for col in time_cols:
        t = parse_datetime(frame[col]).values
        secs = (t - t.dt.normalize()).dt.total_seconds()
        offsets.append(secs.where(secs > 0))
    earliest = pd.concat(offsets, axis=1).min(axis=1).fillna(0.0)
    return day.values.dt.normalize() + pd.to_timedelta(earliest, unit="s"), day


# ---------------------------------------------------------------- outcomes and identifiers

#: call outcome words -> answered (None: not a real call, set aside)
OUTCOMES = {
    "agent": True,
    "served": True,
    "answered": True,
    "decroche": True,
    "traite": True,
    "hang": False,
    "hangup": False,
    "hang up": False,
    "abandon": False,
    "abandoned": False,
    "abandonne": False,
    "raccroche": False,
    "phantom": None,
    "fantome": None,
}


def outcome_values(series: pd.Series) -> dict | None:
    """Value map for an outcome column whose values are call outcome words, or None."""
    values = pd.unique(series[~is_missing(series)].astype("str").str.strip())[:50]
    if not len(values) or len(values) > 20:
        return None
    folded = {v: fold(v) for v in values}
    known = {v: f for v, f in folded.items() if f in OUTCOMES}
    if len(known) < max(1, 0.9 * len(values)) or not any(OUTCOMES[f] for f in known.values()):
        return None
    return {v: OUTCOMES[f] for v, f in known.items()}


def uniqueness(series: pd.Series) -> float:
    """Distinct share of the filled cells of a whole column (1.0 when empty)."""
    filled = series[~is_missing(series)]
    return float(filled.nunique() / len(filled)) if len(filled) else 1.0


def placeholder_share(series: pd.Series) -> float:
    """Share of placeholders (``?``, ``N/A``…) among the cells that hold any text."""
    if not (series.dtype == object or pd.api.types.is_string_dtype(series.dtype)):
        if not isinstance(series.dtype, pd.CategoricalDtype):
            return 0.0
    text = series.astype("str").str.strip()
    filled = int((text.notna() & text.ne("")).sum())
    return float(is_placeholder(series).sum() / filled) if filled else 0.0


def is_date_only(values: pd.Series) -> bool:
    """True when a parsed timestamp column carries no time of day (every value at 00:00:00)."""
    dtype = getattr(values, "dtype", None)
    if isinstance(values, pd.Series) and isinstance(dtype, np.dtype) and dtype.kind == "M":
        # naive timestamps: the time of day is the integer modulo one day (a clock time in the
        # first rows answers at once)
        ticks = values.to_numpy().view(np.int64)
        day = np.timedelta64(1, "D") // np.timedelta64(1, np.datetime_data(dtype)[0])
        for part in (ticks[:1000], ticks):
            part = part[part != np.iinfo(np.int64).min]  # NaT
            if (part % day).any():
                return False
        return bool(len(part))
    v = values.dropna() if hasattr(values, "dropna") else values
    if not pd.api.types.is_datetime64_any_dtype(v.dtype):
        v = pd.to_datetime(v, errors="coerce").dropna()
    return bool(len(v)) and bool((v == v.dt.normalize()).all())


# ---------------------------------------------------------------- survey scales

#: the seed articles' answer scales: folded label -> score (the engine's CSAT scales 0-1, 1-3,
#: 1-4 and 1-5 read them: top box "oui", "Bonne", the two "oui", the two "satisfait")
SURVEY_SCALES: dict[str, dict[str, int]] = {
    "oui/non": {"oui": 1, "non": 0},
    "oui tout à fait … non pas du tout": {
        "oui tout a fait": 4,
        "plutot oui": 3,
        "plutot non": 2,
        "non pas du tout": 1,
    },
    "bonne/correcte/mauvaise": {"bonne": 3, "correcte": 2, "mauvaise": 1},
    "très insatisfait … très satisfait (4)": {
        "tres satisfait": 4,
        "satisfait": 3,
        "insatisfait": 2,
        "tres insatisfait": 1,
    },
    "très insatisfait … très satisfait (5)": {
        "tres satisfait": 5,
        "satisfait": 4,
        "ni satisfait ni insatisfait": 3,
        "neutre": 3,
        "insatisfait": 2,
        "tres insatisfait": 1,
    },
}


def survey_scale(series: pd.Series) -> tuple[str, dict, list[int]] | None:
    """(scale name, value map source label -> score, [low, high]) when every answer of a text
    column is a label of one seed scale (the first that holds them all), else None."""
    values = pd.unique(series[~is_missing(series)].astype("str").str.strip())
    if not len(values) or len(values) > 12:
        return None
    folded = {v: fold(v) for v in values}
    if all(f.lstrip("-").isdigit() for f in folded.values()):
        return None
    for name, labels in SURVEY_SCALES.items():
        if all(f in labels for f in folded.values()):
            scores = sorted(set(labels.values()))
            return name, {v: labels[f] for v, f in folded.items()}, [scores[0], scores[-1]]
    return None


SURVEY_WORDS = {"csat", "nps", "satisfaction", "ces", "recommandation"}


def looks_like_survey(columns: list[str]) -> bool:
    """A header naming a survey score ("Note CSAT", "NPS", "satisfaction")."""
    return any(set(fold(c).split()) & SURVEY_WORDS for c in columns)


# ---------------------------------------------------------------- free-text labels


def normalise_labels(values: pd.Series) -> tuple[pd.Series, dict[str, list[str]]]:
    """Labels that differ only by case, accents or spaces merged ("Comcast", "comcast",
    "COMCAST" -> the most frequent spelling). Returns the values and {kept: [merged…]}."""
    text = values.astype("str").str.strip().where(~is_missing(values))
    counts = text.value_counts()
    groups: dict[str, list[str]] = {}
    for label in counts.index:  # most frequent first: it names the group
        groups.setdefault(fold(label), []).append(label)
    lookup = {}
    merged = {}
    for spellings in groups.values():
        for s in spellings:
            lookup[s] = spellings[0]
        if len(spellings) > 1:
            merged[spellings[0]] = spellings[1:]
    out = text.map(lookup)
    if isinstance(values.dtype, pd.CategoricalDtype):
        out = out.astype("category")
    return out, merged
