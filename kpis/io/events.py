"""Event logs: several rows per ticket (one per state change) detected, and collapsed to one row.

An IT service-desk export often lists every update of an incident (state New → Active →
Resolved → Closed, reassignments…), so counting its rows counts events, not tickets.
``detect_event_log`` finds such a table: a ticket-id column repeats (at least ``REPEAT_MIN`` of
the rows share their id with another row, and at least ``MEAN_MIN`` rows per id on average) and,
within most repeated ids, a state column or an event-time column changes.
``collapse_events`` turns it into one row per ticket (see its docstring for each field).
Both are vectorised (factorize + one stable sort) and deterministic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from kpis.format import integer, number
from kpis.io import columns
from kpis.io.parsers import is_missing, parse_datetime, parse_number
from kpis.io.text import fold
from kpis.schema import TABLES

#: share of rows whose id is shared with another row
REPEAT_MIN = 0.2
#: mean rows per distinct id
MEAN_MIN = 2.0
#: share of the repeated ids within which the state or the event time changes
CHANGE_MIN = 0.5

_EXTRA_IDS = {
    "number",
    "incident",
    "incident number",
    "incident id",
    "numero incident",
    "id incident",
    "case",
    "case number",
    "numero",
    "request id",
    "issue id",
    "ticket key",
}
_STATE_WORDS = {"state", "status", "statut", "etat"}
_UPDATE_WORDS = {"updated", "update", "modified", "modification", "maj", "changed", "event"}
_UPDATE_NAMES = {"mis a jour le", "date de mise a jour", "horodatage", "timestamp", "event time"}
OPENED = (
    "opened at",
    "opened",
    "opened date",
    "date opened",
    "open date",
    "date d ouverture",
    "date ouverture",
    "ouvert le",
    "created at",
    "created",
    "created date",
    "creation date",
    "date de creation",
    "date creation",
    "cree le",
    "sys created at",
)
RESOLVED = (
    "resolved at",
    "resolved",
    "resolved date",
    "resolved time",
    "resolution date",
    "date de resolution",
    "date resolution",
    "resolu le",
    "solved at",
)
CLOSED = ("closed at", "closed", "closed date", "closed time", "close date")
CLOSED += ("date de cloture", "date cloture", "cloture le", "clos le")
REOPEN_COUNT = ("reopen count", "reopens", "reopened count", "nombre de reouvertures")
REOPEN_COUNT += ("nb reouvertures",)
REASSIGN_COUNT = ("reassignment count", "reassignments", "reassign count")
REASSIGN_COUNT += ("nombre de reaffectations", "nb reaffectations")
ASSIGNMENT = ("assignment group", "groupe d affectation", "assigned group", "assigned to")
ASSIGNMENT += ("assignee", "affecte a", "groupe", "group", "team", "equipe", "agent")
ASSIGNMENT += ("conseiller", "owner")

#: first words of a state meaning the ticket is resolved (closed counts as resolved)
RESOLVED_STATES = {"resolved", "resolu", "resolue", "solved", "closed", "close", "clos"}
RESOLVED_STATES |= {"cloture", "cloturee", "ferme", "fermee", "done", "termine", "terminee"}
RESOLVED_STATES |= {"completed", "complete"}
#: words of a state that ends a ticket without resolving it
CANCELLED_STATES = {"cancelled", "canceled", "annule", "annulee", "abandonne"}


@dataclass(frozen=True)
class EventLog:
    """What ``detect_event_log`` found (column names are the source headers)."""

    id_column: str
    state_column: str | None
    time_column: str | None
    rows: int
    tickets: int
    events_per_ticket: float
    repeated_share: float
    opened_column: str | None = None
    resolved_column: str | None = None
    closed_column: str | None = None
    reopen_count_column: str | None = None
    reassignment_count_column: str | None = None
    assignment_column: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def _ticket_id_names() -> set[str]:
    contacts = TABLES["contacts"]
    names = {fold(s) for f in ("contact_id", "ticket_id") for s in contacts.get(f).synonyms}
    return names | {"contact id", "ticket id"} | _EXTRA_IDS


def _first(columns: list[str], names: tuple[str, ...], exclude=()) -> str | None:
    """The column whose folded header is the earliest of ``names`` (ties: leftmost)."""
    folded = {c: fold(c) for c in columns if c not in exclude}
    for name in names:
        for col, f in folded.items():
            if f == name:
                return col
    return None


def _codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """Codes in order of first appearance (missing cells each get a code of their own, after
    the others) and the number of distinct filled values."""
    codes, uniq = pd.factorize(series, use_na_sentinel=True)
    codes = codes.astype(np.int64)
    # the distinct values keep their dtype (Arrow text stays Arrow: no per-value Python call)
    miss_u = is_missing(pd.Series(uniq)).to_numpy()
    lone = codes < 0
    lone[~lone] = miss_u[codes[~lone]]
    codes[lone] = len(uniq) + np.arange(int(lone.sum()))
    return codes, int(len(uniq) - miss_u.sum())


def _mostly_distinct(series: pd.Series, share: float = 0.6) -> bool:
    """True when the first ``share`` of the rows already hold more than ``rows / MEAN_MIN``
    distinct filled values: the whole column holds at least as many, so it is no event log's id
    (a contact export's ids), found without hashing every row."""
    n = len(series)
    head = series.iloc[: int(n * share)]
    if len(head) <= n / MEAN_MIN:
        return False
    arr = columns.arrow_text(head)
    hashes = columns.row_hashes(arr) if arr is not None else None
    if hashes is not None and not columns.maybe_missing(arr).any():
        # no missing cell; texts that differ may share a hash, never the reverse: the number
        # of distinct hashes is at most that of distinct ids
        hashes.sort()
        if 1 + int((hashes[1:] != hashes[:-1]).sum()) > n / MEAN_MIN:
            return True
    uniq = pd.Series(pd.unique(head))
    return int(len(uniq) - is_missing(uniq).sum()) > n / MEAN_MIN


def _repeats(codes: np.ndarray) -> tuple[float, float, int]:
    """(share of rows sharing their id, mean rows per id, distinct ids)."""
    counts = np.bincount(codes)
    n_ids = int((counts > 0).sum())
    shared = counts[codes] > 1
    return float(shared.mean()), len(codes) / max(n_ids, 1), n_ids


def _value_codes(series: pd.Series) -> np.ndarray:
    """Integer code per row of a column's values (missing values share one code)."""
    return pd.factorize(series, use_na_sentinel=False)[0]


class _Within:
    """Rows sorted by ticket once; which tickets see a column's value change."""

    def __init__(self, codes: np.ndarray) -> None:
        self.order = np.argsort(codes, kind="stable")
        self.sorted = codes[self.order]
        self.same = self.sorted[1:] == self.sorted[:-1]
        self.size = int(codes.max()) + 1 if len(codes) else 0

    def changed(self, values: np.ndarray) -> np.ndarray:
        v = values[self.order]
        hit = self.same & (v[1:] != v[:-1])
        out = np.zeros(self.size, dtype=bool)
        out[self.sorted[1:][hit]] = True
        return out


def _is_time(series: pd.Series) -> bool:
    """Most filled cells of the first 500 rows read as dates."""
    sample = series.head(500)
    filled = ~is_missing(sample)
    if not filled.any():
        return False
    ok = parse_datetime(sample).values.notna() & filled
    return bool(ok.sum() >= 0.9 * filled.sum())


def _time_candidates(columns: list[str], exclude: set[str]) -> list[str]:
    started = {fold(s) for s in TABLES["contacts"].get("started_at").synonyms}
    update, dated = [], []
    for col in columns:
        if col in exclude:
            continue
        f = fold(col)
        if set(f.split()) & _UPDATE_WORDS or f in _UPDATE_NAMES:
            update.append(col)
        elif f in started:
            dated.append(col)
    return update + dated


def detect_event_log(frame: pd.DataFrame) -> EventLog | None:
    """An ``EventLog`` when the table lists several events per ticket, else None.

    Ticket-id columns are those whose header is a contact/ticket id synonym (or "number",
    "incident"…); the first one that repeats (≥ 20 % of rows share their id, ≥ 2 rows per id)
    and within whose repeated ids (≥ 50 %) a state column or an event-time column changes wins.
    """
    cols = [c for c in frame.columns if c != "_row" and not str(c).startswith("_")]
    if len(frame) < 4:
        return None
    ids = _ticket_id_names()
    state_cols = [c for c in cols if set(fold(c).split()) & _STATE_WORDS]
    for id_col in [c for c in cols if fold(c) in ids]:
        if _mostly_distinct(frame[id_col]):
            continue
        codes, n_filled = _codes(frame[id_col])
        if n_filled > len(frame) / MEAN_MIN:
            continue  # mostly distinct ids (a plain ticket export): no event log
        share, mean, n_ids = _repeats(codes)
        if share < REPEAT_MIN or mean < MEAN_MIN:
            continue
        within = _Within(codes)
        repeated = np.bincount(codes) > 1
        changed = np.zeros(within.size, dtype=bool)
        state = None
        for cand in state_cols:
            moved = within.changed(_value_codes(frame[cand])) if cand != id_col else None
            if moved is not None and moved.any():
                state, changed = cand, moved
                break
        time_col = None
        for cand in _time_candidates(cols, {id_col}):
            if _is_time(frame[cand]):
                moved = within.changed(_value_codes(frame[cand]))
                if moved.any():
                    time_col, changed = cand, changed | moved
                    break
        if (changed & repeated).sum() < CHANGE_MIN * repeated.sum():
            continue
        others = {id_col, state, time_col}
        return EventLog(
            id_column=id_col,
            state_column=state,
            time_column=time_col,
            rows=len(frame),
            tickets=n_ids,
            events_per_ticket=round(mean, 4),
            repeated_share=round(share, 4),
            opened_column=_first(cols, OPENED, others),
            resolved_column=_first(cols, RESOLVED, others),
            closed_column=_first(cols, CLOSED, others),
            reopen_count_column=_first(cols, REOPEN_COUNT, others),
            reassignment_count_column=_first(cols, REASSIGN_COUNT, others),
            assignment_column=_first(cols, ASSIGNMENT, others),
        )
    return None


def state_kind(states: pd.Series) -> np.ndarray:
    """Per row: 2 = resolved/closed state, 1 = cancelled, 0 = open (or unknown), -1 = missing.
    Read from the first word of the folded state (Resolved, Résolu, Closed-resolved, Clos…)."""
    inv, uniq = pd.factorize(states, use_na_sentinel=False)
    miss = is_missing(pd.Series(uniq, dtype=object)).to_numpy()
    kinds = []
    for u, m in zip(uniq, miss, strict=True):
        words = [] if m else fold(str(u)).split()
        if not words:
            kinds.append(-1)
        elif set(words) & CANCELLED_STATES:
            kinds.append(1)
        elif words[0] in RESOLVED_STATES:
            kinds.append(2)
        else:
            kinds.append(0)
    return np.asarray(kinds, dtype=np.int8)[inv]


def collapse_events(frame: pd.DataFrame, log: EventLog) -> pd.DataFrame:
    """One row per ticket, tickets in order of first appearance, events ordered by the event
    time (file order for ties and without a time column):

    - every column = its last non-missing value per ticket, except:
    - the event-time column and ``created_at`` (added when no opened column) = the first event's
      time; an opened column = its first non-missing value;
    - a resolved column = its first non-missing value; without one, ``resolved_at`` = the time of
      the first event in a resolved state (Resolved, Résolu, Solved, Closed…);
    - a closed column = its last non-missing value; without one, ``closed_at`` = the last event's
      time when the ticket ends resolved, closed or cancelled (needs a state column: without
      one nothing says a ticket is over); ``last_event_at`` = the last event's time;
    - ``reopen_count`` = max of a reopen-count column, else the number of moves from a
      resolved/closed/cancelled state back to an open one; ``reopened`` = reopen_count > 0;
    - ``reassignment_count`` = max of a reassignment-count column, else the number of changes
      of the assignment group/agent between consecutive events that name one;
    - ``event_count`` = rows of the ticket; ``_row`` = the source line of its first event.
    """
    codes = _codes(frame[log.id_column])[0]
    n = len(frame)
    if log.time_column:
        t = parse_datetime(frame[log.time_column]).values
        tv = t.to_numpy(dtype="datetime64[ns]").astype(np.int64)
        tv = np.where(t.isna().to_numpy(), np.iinfo(np.int64).max, tv)
        order = np.lexsort((np.arange(n), tv, codes))
    else:
        t = None
        order = np.argsort(codes, kind="stable")
    ev = frame.iloc[order].reset_index(drop=True)
    c = codes[order]
    first_pos = np.flatnonzero(np.r_[True, c[1:] != c[:-1]])
    last_pos = np.r_[first_pos[1:] - 1, len(c) - 1]
    # c is sorted and codes number the ids in order of first appearance: tickets come in that order
    group = pd.Series(c)

    def per_ticket(values: pd.Series, how: str, cells: bool = False) -> pd.Series:
        filled = values.where(~is_missing(values).to_numpy())
        out = getattr(filled.groupby(group.to_numpy(), sort=True), how)()
        out = out.reindex(c[first_pos]).reset_index(drop=True)
        empty = out.isna().to_numpy()
        if not cells or not empty.any():
            return out
        # no filled value: the ticket keeps its own cell ("?", blank) so that a column of
        # placeholders is still seen as one by the auto-mapping
        pos = (first_pos if how == "first" else last_pos)[empty]
        kept = out.to_numpy(dtype=object)
        kept[empty] = values.iloc[pos].to_numpy(dtype=object)
        return pd.Series(kept)

    out = pd.DataFrame(index=range(len(first_pos)))
    times = t.iloc[order].reset_index(drop=True) if t is not None else None
    for col in frame.columns:
        if col in ("_row", log.id_column):
            out[col] = ev[col].to_numpy()[first_pos]
        elif col == log.time_column:
            out[col] = times.to_numpy()[first_pos]  # parsed: the first event's time
        elif col in (log.opened_column, log.resolved_column):
            out[col] = per_ticket(ev[col], "first", cells=True).to_numpy()
        else:  # any other column: its last filled value
            out[col] = per_ticket(ev[col], "last", cells=True).to_numpy()
    added: dict[str, object] = {}
    if times is not None and not log.opened_column:
        added["created_at"] = times.to_numpy()[first_pos]
    kind = state_kind(ev[log.state_column]) if log.state_column else None
    if kind is not None and times is not None and not log.resolved_column:
        at = times.where(kind == 2)
        added["resolved_at"] = per_ticket(at, "first").to_numpy()
    if times is not None:
        added["last_event_at"] = times.to_numpy()[last_pos]
    if times is not None and kind is not None and not log.closed_column:
        ended = kind[last_pos] >= 1
        added["closed_at"] = np.where(ended, times.to_numpy()[last_pos], np.datetime64("NaT"))
    if log.reopen_count_column:
        reopen = per_ticket(parse_number(ev[log.reopen_count_column]).values, "max")
    elif kind is not None:  # consecutive events with a state: terminal -> open
        idx = np.flatnonzero(kind >= 0)
        k, ci = kind[idx], c[idx]
        back = (ci[1:] == ci[:-1]) & (k[:-1] >= 1) & (k[1:] == 0)
        counts = np.bincount(ci[1:][back], minlength=c.max() + 1)
        reopen = pd.Series(counts[c[first_pos]])
    else:
        reopen = None
    if log.reassignment_count_column:
        reassign = per_ticket(parse_number(ev[log.reassignment_count_column]).values, "max")
    elif log.assignment_column:
        named = ~is_missing(ev[log.assignment_column]).to_numpy()
        idx = np.flatnonzero(named)
        a = _value_codes(ev[log.assignment_column])[idx]
        moved = (c[idx][1:] == c[idx][:-1]) & (a[1:] != a[:-1])
        counts = np.bincount(c[idx][1:][moved], minlength=c.max() + 1)
        reassign = pd.Series(counts[c[first_pos]])
    else:
        reassign = None
    if reopen is not None:
        added["reopen_count"] = reopen.to_numpy()
        flag = pd.Series(reopen.to_numpy() > 0, dtype="boolean")
        added["reopened"] = flag.mask(reopen.isna().to_numpy()).to_numpy()
    if reassign is not None:
        added["reassignment_count"] = reassign.to_numpy()
    added["event_count"] = last_pos - first_pos + 1
    for name, values in added.items():
        col = name if name not in out.columns else f"{name}_"
        if name == "reopen_count" and log.reopen_count_column:
            col = log.reopen_count_column
        if name == "reassignment_count" and log.reassignment_count_column:
            col = log.reassignment_count_column
        out[col] = values
    return out


def _counts(info: dict, lang: str) -> tuple[str, str, str]:
    rows, tickets = integer(info["rows"], lang), integer(info["tickets"], lang)
    return rows, tickets, number(info["events_per_ticket"], lang, 1)


def summary_text(info: dict, lang: str = "fr") -> str:
    """« journal d'événements : 119 998 lignes → 20 769 tickets (5,8 événements par ticket) »."""
    rows, tickets, mean = _counts(info, lang)
    if lang == "fr":
        return (
            f"journal d'événements : {rows} lignes → {tickets} tickets "
            f"({mean} événements par ticket)"
        )
    return f"event log: {rows} rows → {tickets} tickets ({mean} events per ticket)"


def warning(info: dict) -> dict:
    """The import-report warning of a detected event log left as it is."""
    cols = [c for c in (info["id_column"], info.get("state_column"), info.get("time_column")) if c]
    named = ", ".join(cols)
    fr_rows, fr_tickets, fr_mean = _counts(info, "fr")
    en_rows, en_tickets, en_mean = _counts(info, "en")
    return {
        "code": "event_log",
        "columns": cols,
        "fr": f"Ce fichier ressemble à un journal d'événements ({fr_rows} lignes pour "
        f"{fr_tickets} tickets, {fr_mean} événements par ticket ; colonnes {named}) : chaque "
        "ligne serait comptée comme un ticket. Cochez « Regrouper par ticket » ou utilisez "
        "--collapse-events.",
        "en": f"This file looks like an event log ({en_rows} rows for {en_tickets} tickets, "
        f"{en_mean} events per ticket; columns {named}): each row would be counted as a ticket. "
        "Tick 'Group by ticket' or use --collapse-events.",
    }
