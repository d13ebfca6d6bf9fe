"""Seeded generator of a realistic (fictional) French contact centre.

``generate()`` returns canonical tables (field names of :mod:`kpis.schema`) with planted effects
that the KPI engine and its interpretation rules must find; every effect is a keyword knob that
can be switched off to build a "null twin" dataset (see :data:`NULL_EFFECTS`).
``to_french_csv()`` writes them as a French export would look: ``;`` separator, decimal comma,
``dd/mm/yyyy HH:MM:SS`` dates, French headers, plus one mapping YAML per data file.

Everything is fictional: agent names are first name + initial, customer ids are random
``CLI-nnnnnn`` numbers, providers are "Prestataire A" / "Prestataire B".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from sample_data.planted import (
    plant_callback_unknown,
    plant_ces_pilot,
    plant_fcr_bonus,
    plant_late_recontact,
    plant_relationship_gap,
    plant_slow_new_hire,
)

DEFAULT_SEED = 2026
DEFAULT_START = "2026-01-01"
DEFAULT_MONTHS = 6
DEFAULT_N_CONTACTS = 30_000

# --------------------------------------------------------------------------- reference lists

CANALS = ("telephone", "email", "chat", "reseaux_sociaux")
CANAL_SHARE = (0.62, 0.20, 0.12, 0.06)
CANAL_FR = {
    "telephone": "Téléphone",
    "email": "Email",
    "chat": "Chat",
    "reseaux_sociaux": "Réseaux sociaux",
}
DIRECTION_FR = {"entrant": "Entrant", "sortant": "Sortant"}

MOTIFS = (
    "Facturation",
    "Livraison",
    "Suivi de commande",
    "Panne technique",
    "Changement d'offre",
    "Remboursement",
    "Résiliation",
    "Réclamation",
    "Information produit",
    "Identifiants / accès",
)
# base share by canal (rows: telephone, email, chat, réseaux sociaux): Pareto-like, as in real
# centres — billing and order tracking carry over half of the demands (rule 12), the eight
# others share the rest
_MOTIF_SHARE = np.array(
    [
        [0.31, 0.09, 0.28, 0.10, 0.045, 0.06, 0.05, 0.03, 0.02, 0.02],
        [0.33, 0.10, 0.24, 0.05, 0.03, 0.09, 0.06, 0.05, 0.03, 0.02],
        [0.26, 0.09, 0.33, 0.11, 0.05, 0.05, 0.02, 0.02, 0.04, 0.03],
        [0.17, 0.18, 0.30, 0.10, 0.02, 0.07, 0.03, 0.08, 0.03, 0.02],
    ]
)
_MOTIF_SHARE = _MOTIF_SHARE / _MOTIF_SHARE.sum(axis=1, keepdims=True)
# the flat mix of the null twin (pareto_motifs=False): no motif above 22 % of a canal
_MOTIF_SHARE_FLAT = np.array(
    [
        [0.16, 0.11, 0.10, 0.15, 0.09, 0.07, 0.07, 0.06, 0.10, 0.09],
        [0.18, 0.12, 0.10, 0.08, 0.05, 0.12, 0.09, 0.12, 0.08, 0.06],
        [0.12, 0.12, 0.16, 0.14, 0.10, 0.06, 0.03, 0.04, 0.13, 0.10],
        [0.08, 0.22, 0.14, 0.14, 0.03, 0.08, 0.04, 0.17, 0.05, 0.05],
    ]
)
_MOTIF_SHARE_FLAT = _MOTIF_SHARE_FLAT / _MOTIF_SHARE_FLAT.sum(axis=1, keepdims=True)

SOUS_MOTIFS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "Facturation": (
        ("Montant contesté", "Double prélèvement", "Échéancier", "Facture non reçue"),
        (0.4, 0.2, 0.2, 0.2),
    ),
    "Livraison": (("Retard transporteur", "Colis endommagé", "Colis non reçu"), (0.5, 0.2, 0.3)),
    "Panne technique": (("Mobile", "Box internet", "Application"), (0.5, 0.35, 0.15)),
    "Remboursement": (("Avoir", "Rétractation", "Geste commercial"), (0.4, 0.35, 0.25)),
    "Résiliation": (("Déménagement", "Concurrence", "Prix"), (0.3, 0.35, 0.35)),
}

# probability that a demand is NOT really solved (drives real recontacts), by motif
RECONTACT_BY_MOTIF = {
    "Facturation": 0.13,
    "Livraison": 0.26,
    "Suivi de commande": 0.11,
    "Panne technique": 0.17,
    "Changement d'offre": 0.07,
    "Remboursement": 0.34,
    "Résiliation": 0.08,
    "Réclamation": 0.20,
    "Information produit": 0.05,
    "Identifiants / accès": 0.08,
}
FLAT_UNRESOLVED = 0.14  # used for every motif when recontact_by_motif is off
PROVIDER_RECONTACT = {"Interne": 0.85, "Prestataire A": 1.0, "Prestataire B": 1.4}
PROVIDERS = ("Interne", "Prestataire A", "Prestataire B")
SITES = {"Interne": "Lille", "Prestataire A": "Nantes", "Prestataire B": "Tunis"}

# talk time (s) of an N1 phone call, by motif
TALK_BY_MOTIF = {
    "Facturation": 330,
    "Livraison": 240,
    "Suivi de commande": 170,
    "Panne technique": 480,
    "Changement d'offre": 420,
    "Remboursement": 300,
    "Résiliation": 450,
    "Réclamation": 410,
    "Information produit": 260,
    "Identifiants / accès": 200,
}
NIVEAU_TALK = {"N1": 1.0, "N2": 1.5, "N3": 2.1}
CANAL_TALK = {"telephone": 1.0, "email": 0.75, "chat": 1.6, "reseaux_sociaux": 0.55}
PROVIDER_TALK = {"Interne": 1.06, "Prestataire A": 1.0, "Prestataire B": 0.92}

QUEUE_BY_MOTIF = {
    "Facturation": "Facturation",
    "Remboursement": "Facturation",
    "Livraison": "Commandes",
    "Suivi de commande": "Commandes",
    "Panne technique": "Assistance technique",
    "Identifiants / accès": "Assistance technique",
    "Résiliation": "Fidélisation",
    "Changement d'offre": "Fidélisation",
    "Information produit": "Accueil général",
    "Réclamation": "Accueil général",
}
AVOIDABLE_MOTIFS = ("Suivi de commande", "Identifiants / accès", "Information produit")

# team -> provider, agents (first name + initial); (name, joins at, leaves at) as a share of
# the period for the two turnover cases
TEAMS = {
    "Fidélisation": "Interne",
    "Experts N2-N3": "Interne",
    "Front office A": "Prestataire A",
    "Front office B": "Prestataire B",
    "Écrit B": "Prestataire B",
}
AGENTS: dict[str, tuple[str, ...]] = {
    "Fidélisation": (
        "Camille D.",
        "Julie M.",
        "Thomas L.",
        "Nadia B.",
        "Sébastien R.",
        "Claire P.",
        "Mehdi K.",
    ),
    "Experts N2-N3": (
        "Laurent G.",
        "Isabelle F.",
        "Karim A.",
        "Sophie V.",
        "Nicolas T.",
        "Aurélie C.",
    ),
    "Front office A": (
        "Kévin M.",
        "Manon R.",
        "Lucas B.",
        "Sarah H.",
        "Antoine D.",
        "Chloé L.",
        "Yanis S.",
        "Émilie G.",
        "Maxime P.",
        "Léa N.",
        "Hugo F.",
        "Inès T.",
        "Mathis V.",
    ),
    "Front office B": (
        "Amine Z.",
        "Laura C.",
        "Romain J.",
        "Sonia E.",
        "Yassine O.",
        "Marine K.",
        "Florian W.",
        "Célia M.",
        "Bilal R.",
        "Océane D.",
        "Nathan L.",
    ),
    "Écrit B": ("Pauline A.", "Rayan B.", "Élodie S.", "Jérémy T.", "Anaïs V."),
}
# agent -> (active from, active until) as fractions of the period
TURNOVER = {
    "Romain J.": (0.0, 0.40),
    "Nathan L.": (0.46, 1.01),
    "Antoine D.": (0.0, 0.70),
    "Mathis V.": (0.76, 1.01),
}
EVALUATORS = {
    "Interne": ("Nathalie R.", "Olivier P."),
    "Prestataire A": ("Sandrine M.",),
    "Prestataire B": ("Julien T.", "Fatima B."),
}
EVALS_PER_MONTH = {"Interne": 4.0, "Prestataire A": 3.3, "Prestataire B": 2.4}

CALL_ITEMS = (
    "Accueil",
    "Qualification de la demande",
    "Reformulation",
    "Réponse apportée",
    "Mise en attente",
    "Gestion des objections",
    "Validation de la compréhension",
    "Conclusion",
)
PICKING_ITEMS = (
    "Personnalisation",
    "Orthographe",
    "Réponse apportée",
    "Respect des procédures",
    "Formule de politesse",
)
GRID_ITEMS = tuple(dict.fromkeys(CALL_ITEMS + PICKING_ITEMS))
#: customers who cancel are satisfied with the call but do not recommend (NPS vs CSAT)
RELATIONSHIP_GAP = {"motif": "Résiliation", "share": 0.35}
#: the replacement hired in Prestataire B in March (TURNOVER) is still slow
SLOW_NEW_HIRE = {"agent": "Nathan L.", "factor": 1.4}
#: rule 1's drift over the last eight complete weeks of the default six months
LATE_RECONTACT = {
    "start": "2026-04-27",
    "end": "2026-06-21",
    "share": 0.18,
    "motifs": ["Remboursement", "Livraison", "Facturation"],
}
#: rule 10: a callback offer on one queue; the calls that took it have no outcome in the export
CALLBACK_UNKNOWN = {"queue": "Commandes", "start": "2026-04-01", "min_wait_s": 30}
#: rule 9: the effort question (CES) was a pilot on a few respondents in January
CES_PILOT = {"until": "2026-02-01", "share": 0.02}
#: a bonus on declared FCR over the half-year: declared FCR rises while NPS erodes
FCR_BONUS = {"start": "2026-01-01", "end": "2026-06-30", "declared_share": 0.4, "nps_share": 0.2}
WEAK_ITEMS = {
    "Accueil": 1.2,
    "Qualification de la demande": 0.0,
    "Reformulation": -1.8,
    "Réponse apportée": 0.0,
    "Mise en attente": -0.3,
    "Gestion des objections": -0.7,
    "Validation de la compréhension": -1.1,
    "Conclusion": 0.4,
    "Personnalisation": -0.9,
    "Orthographe": 0.3,
    "Respect des procédures": -0.3,
    "Formule de politesse": 1.0,
}

# --------------------------------------------------------------------------- knobs


@dataclass(frozen=True)
class Effects:
    """Planted effects. Each can be switched off (see NULL_EFFECTS)."""

    #: probability that a demand is not really solved, by motif (dict) or None = flat rate
    recontact_by_motif: dict | None = None
    #: multiplier of that probability by provider (dict) or None = same for all
    provider_recontact: dict | None = None
    #: share of really unresolved contacts that the agent still flags "résolu" (FCR gap)
    fcr_overclaim: float = 0.7
    #: month ("YYYY-MM") whose volume surges (Facturation/Remboursement incident), or None
    surge_month: str | None = "2026-03"
    #: volume multiplier of the surge month
    surge_volume: float = 1.3
    #: multiplier of the not-solved probability during the surge month (overload)
    surge_recontact: float = 1.5
    #: date of the "support technique mobile" training, or None
    training_date: str | None = "2026-04-01"
    #: motif whose NPS (and recontact) improves after the training
    training_motif: str = "Panne technique"
    #: agent who handles contacts much faster than peers (and resolves less), or None
    fast_agent: str | None = "Kévin M."
    #: duration factor of the fast agent
    fast_agent_factor: float = 0.55
    #: share of digital contacts (email, chat, social) outside opening hours; phone gets 1/8
    hno_share: float = 0.08
    #: per-item offset of the quality-grid scores (dict) or None = no weak item
    weak_items: dict | None = None
    #: capacity factor of phone staffing (1 = staffed for the normal months)
    staffing: float = 1.0
    #: survey answer rate among handled contacts
    survey_rate: float = 0.28
    #: Pareto-like motif mix (billing and order tracking over half of the contacts, rule 12);
    #: False = the flat mix of the null twin
    pareto_motifs: bool = True
    #: the last weeks' drift (rule 1): from ``start`` to ``end`` a linearly rising share (up to
    #: ``share``) of the contacts of ``motifs`` declared resolved come back within a week;
    #: planted after the draw by re-labelling the customer of a one-off contact of the same
    #: motif (volumes, waits, durations and surveys' scores unchanged), or None
    late_recontact: dict | None = None
    #: a slow new hire (rule "DMT far above peers"): ``agent``'s handling times are swapped with
    #: peers' times at least ``factor`` × as long in the same motif × canal × level × provider
    #: (every total and mean outside the agents unchanged), or None
    slow_new_hire: dict | None = None
    #: NPS and CSAT disagree on ``motif`` (customers satisfied with the call who still leave):
    #: a ``share`` of its non-detractor answers swap their NPS score and comment with a
    #: detractor's answer of another motif (not the training motif) of the same provider and
    #: month, so the NPS of every provider, month and the whole centre is unchanged; or None
    relationship_gap: dict | None = None
    #: from ``start`` the ``queue`` offers a callback after ``min_wait_s``; inbound calls that
    #: hung up after that wait have an empty « Décroché » (neither answered nor abandoned), or
    #: None
    callback_unknown: dict | None = None
    #: before ``until`` only a ``share`` of respondents were asked the CES question, or None
    ces_pilot: dict | None = None
    #: a bonus on declared FCR from ``start`` to ``end``: a linearly rising share (up to
    #: ``declared_share``) of the contacts declared not resolved are flagged « résolu », and
    #: second-half promoters and passives swap NPS and comment with first-half detractors of
    #: the same provider × motif × canal (``nps_share``), or None
    fcr_bonus: dict | None = None


_DEFAULT_DICTS = {
    "callback_unknown": CALLBACK_UNKNOWN,
    "ces_pilot": CES_PILOT,
    "fcr_bonus": FCR_BONUS,
    "late_recontact": LATE_RECONTACT,
    "slow_new_hire": SLOW_NEW_HIRE,
    "relationship_gap": RELATIONSHIP_GAP,
    "recontact_by_motif": RECONTACT_BY_MOTIF,
    "provider_recontact": PROVIDER_RECONTACT,
    "weak_items": WEAK_ITEMS,
}

#: keyword arguments that switch every planted effect off ("null twin" dataset)
NULL_EFFECTS = {
    "pareto_motifs": False,
    "recontact_by_motif": None,
    "provider_recontact": None,
    "fcr_overclaim": 0.0,
    "surge_month": None,
    "training_date": None,
    "fast_agent": None,
    "hno_share": 0.0,
    "weak_items": None,
    "late_recontact": None,
    "slow_new_hire": None,
    "relationship_gap": None,
    "callback_unknown": None,
    "ces_pilot": None,
    "fcr_bonus": None,
}


def _effects(kw: dict) -> Effects:
    names = {f.name for f in fields(Effects)}
    unknown = set(kw) - names
    if unknown:
        raise TypeError(f"unknown effect(s): {', '.join(sorted(unknown))}")
    values = {k: v for k, v in _DEFAULT_DICTS.items() if k not in kw}
    values.update(kw)
    for key in _DEFAULT_DICTS:
        v = values.get(key)
        if v is False:
            values[key] = None
        elif v is True:
            values[key] = _DEFAULT_DICTS[key]
    return Effects(**values)


# --------------------------------------------------------------------------- helpers


def _pick(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """Row-wise categorical draw: probs is (n, k), returns indices (n,)."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(probs))[:, None]
    return np.minimum((u > cum).sum(axis=1), probs.shape[1] - 1)


def _french_holidays(years) -> set[dt.date]:
    out = set()
    for y in years:
        a, b, c = y % 19, y // 100, y % 100
        d, e = b // 4, b % 4
        f = (b + 8) // 25
        g = (b - f + 1) // 3
        h = (19 * a + b - d - g + 15) % 30
        i, k = c // 4, c % 4
        l_ = (32 + 2 * e + 2 * i - h - k) % 7
        m = (a + 11 * h + 22 * l_) // 451
        month = (h + l_ - 7 * m + 114) // 31
        day = (h + l_ - 7 * m + 114) % 31 + 1
        easter = dt.date(y, month, day)
        out |= {easter + dt.timedelta(days=n) for n in (1, 39, 50)}
        out |= {
            dt.date(y, mm, dd)
            for mm, dd in ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
        }
    return out


@dataclass
class _Calendar:
    days: pd.DatetimeIndex
    open_: np.ndarray  # Mon–Sat and not a public holiday
    weekday: np.ndarray
    month: np.ndarray  # "YYYY-MM"
    end: pd.Timestamp  # exclusive

    @classmethod
    def build(cls, start: str, months: int) -> _Calendar:
        s = pd.Timestamp(start).normalize()
        end = s + pd.DateOffset(months=months)
        days = pd.date_range(s, end - pd.Timedelta(days=1), freq="D")
        hol = _french_holidays(range(s.year, end.year + 1))
        weekday = days.day_of_week.to_numpy()
        is_hol = np.array([d.date() in hol for d in days])
        return cls(days, (weekday < 6) & ~is_hol, weekday, days.strftime("%Y-%m").to_numpy(), end)

    def is_open(self, ts: pd.Series) -> np.ndarray:
        idx = ((ts.dt.normalize() - self.days[0]) // pd.Timedelta(days=1)).to_numpy()
        idx = np.clip(idx, 0, len(self.days) - 1)
        hour = ts.dt.hour.to_numpy()
        return self.open_[idx] & (hour >= 8) & (hour < 20)


_WEEKDAY_PHONE = np.array([1.30, 1.12, 1.04, 1.00, 0.95, 0.55, 0.0])
_WEEKDAY_DIGITAL = np.array([1.25, 1.10, 1.05, 1.00, 0.95, 0.60, 0.35])
# intraday profile inside opening hours (08..19)
_HOUR_PHONE = np.array([0.55, 1.20, 1.35, 1.15, 0.80, 0.75, 1.10, 1.10, 1.00, 0.90, 0.70, 0.45])
_HOUR_DIGITAL = np.array([0.70, 1.00, 1.10, 1.05, 0.95, 0.90, 1.00, 1.00, 1.00, 0.95, 0.90, 0.80])
# outside opening hours: 00..07 then 20..23
_NIGHT_HOURS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 20, 21, 22, 23])
_NIGHT_WEIGHT = np.array([0.3, 0.15, 0.1, 0.05, 0.05, 0.1, 0.3, 0.7, 1.6, 1.5, 1.2, 0.7])


def _draw_times(rng, cal: _Calendar, canal: np.ndarray, eff: Effects, month_factor) -> np.ndarray:
    """Arrival timestamps (datetime64[s]) for initial demands of the given canals."""
    n = len(canal)
    out = np.empty(n, dtype="datetime64[s]")
    phone = canal == "telephone"
    hno_p = np.where(phone, eff.hno_share / 8, eff.hno_share)
    hno = rng.random(n) < hno_p
    day0 = cal.days[0].to_datetime64().astype("datetime64[s]")
    for is_phone in (True, False):
        wd = _WEEKDAY_PHONE if is_phone else _WEEKDAY_DIGITAL
        for is_hno in (False, True):
            sel = np.flatnonzero((phone == is_phone) & (hno == is_hno))
            if not len(sel):
                continue
            w = wd[cal.weekday] * month_factor
            if is_hno:
                # any day; closed days weigh more (whole day is HNO)
                w = np.where(cal.open_, w, np.maximum(w, 0.3) * 2.0)
            else:
                w = np.where(cal.open_, w, 0.0)
            day = rng.choice(len(cal.days), size=len(sel), p=w / w.sum())
            if is_hno:
                closed = ~cal.open_[day]
                hour = _NIGHT_HOURS[
                    rng.choice(12, size=len(sel), p=_NIGHT_WEIGHT / _NIGHT_WEIGHT.sum())
                ]
                any_hour = 8 + rng.choice(12, size=len(sel), p=_HOUR_DIGITAL / _HOUR_DIGITAL.sum())
                hour = np.where(closed & (rng.random(len(sel)) < 0.7), any_hour, hour)
            else:
                prof = _HOUR_PHONE if is_phone else _HOUR_DIGITAL
                hour = 8 + rng.choice(12, size=len(sel), p=prof / prof.sum())
            sec = hour * 3600 + rng.integers(0, 3600, size=len(sel))
            out[sel] = day0 + day.astype("timedelta64[D]") + sec.astype("timedelta64[s]")
    return out


def _snap_open(rng, cal: _Calendar, t: np.ndarray) -> np.ndarray:
    """Move timestamps outside opening hours to the next opening (08:00–12:00)."""
    ts = pd.Series(t.astype("datetime64[s]"))
    bad = ~cal.is_open(ts)
    if not bad.any():
        return t
    day = ts.dt.normalize().to_numpy().astype("datetime64[D]")
    hour = ts.dt.hour.to_numpy()
    day = np.where(bad & (hour >= 20), day + np.timedelta64(1, "D"), day)
    idx = (day - cal.days[0].to_datetime64().astype("datetime64[D]")).astype(int)
    for _ in range(4):
        idx_c = np.clip(idx, 0, len(cal.days) - 1)
        closed = bad & ~cal.open_[idx_c] & (idx < len(cal.days))
        idx = np.where(closed, idx + 1, idx)
    base = cal.days[0].to_datetime64().astype("datetime64[s]")
    new = (
        base
        + idx.astype("timedelta64[D]")
        + (8 * 3600 + rng.integers(0, 4 * 3600, size=len(t))).astype("timedelta64[s]")
    )
    return np.where(bad, new, t.astype("datetime64[s]"))


# --------------------------------------------------------------------------- contacts


class _Builder:
    def __init__(self, rng, cal: _Calendar, eff: Effects, n_contacts: int):
        self.rng, self.cal, self.eff = rng, cal, eff
        self.n = n_contacts
        self.agent_list = [(a, t) for t, names in AGENTS.items() for a in names]
        rs = np.random.default_rng(7)  # fixed traits, independent of the seed
        self.agent_speed = {a: float(np.exp(rs.normal(0, 0.08))) for a, _ in self.agent_list}
        self.agent_quality = {a: float(rs.normal(7.3, 0.6)) for a, _ in self.agent_list}
        self.agent_csat = {a: float(rs.normal(0, 0.15)) for a, _ in self.agent_list}
        self.agent_weight = {a: float(rs.uniform(0.8, 1.2)) for a, _ in self.agent_list}
        n_days = len(cal.days)
        frac = np.arange(n_days) / max(n_days, 1)
        self.active = {}
        for a, _ in self.agent_list:
            lo, hi = TURNOVER.get(a, (0.0, 1.01))
            self.active[a] = (frac >= lo) & (frac < hi)
        months = pd.unique(cal.month)
        mf = np.ones(n_days)
        trend = {m: 1 + 0.02 * i for i, m in enumerate(months)}
        mf *= np.array([trend[m] for m in cal.month])
        self.surge = np.zeros(n_days, dtype=bool)
        if eff.surge_month is not None:
            self.surge = cal.month == eff.surge_month
            mf = np.where(self.surge, mf * eff.surge_volume, mf)
        self.month_factor = mf
        self.training = pd.Timestamp(eff.training_date) if eff.training_date else None

    # -- day index of timestamps
    def day_idx(self, t: np.ndarray) -> np.ndarray:
        d0 = self.cal.days[0].to_datetime64().astype("datetime64[D]")
        idx = (t.astype("datetime64[D]") - d0).astype(int)
        return np.clip(idx, 0, len(self.cal.days) - 1)

    def initial(self) -> pd.DataFrame:
        rng, eff = self.rng, self.eff
        n0 = int(round(self.n / 1.25))
        canal = np.array(CANALS)[rng.choice(4, size=n0, p=CANAL_SHARE)]
        t = _draw_times(rng, self.cal, canal, eff, self.month_factor)
        order = np.argsort(t, kind="stable")
        t, canal = t[order], canal[order]
        di = self.day_idx(t)
        cidx = np.array([CANALS.index(c) for c in CANALS])[
            pd.Categorical(canal, categories=list(CANALS)).codes
        ]
        probs = (_MOTIF_SHARE if eff.pareto_motifs else _MOTIF_SHARE_FLAT)[cidx].copy()
        if eff.surge_month is not None:
            extra = np.zeros(len(MOTIFS))
            extra[MOTIFS.index("Facturation")] = 0.6
            extra[MOTIFS.index("Remboursement")] = 0.4
            s = self.surge[di]
            k = (eff.surge_volume - 1) / eff.surge_volume
            probs[s] = probs[s] * (1 - k) + extra * k
        motif = np.array(MOTIFS, dtype=object)[_pick(rng, probs)]
        # customers: a pool with a few heavy contacters
        n_pool = max(int(n0 * 2.2), 10)
        self.customer_codes = rng.choice(np.arange(100_000, 1_000_000), size=n_pool, replace=False)
        cust = np.floor(n_pool * rng.random(n0) ** 1.35).astype(int)
        direction = np.full(n0, "entrant", dtype=object)
        out = (canal == "telephone") & (rng.random(n0) < 0.05)
        direction[out] = "sortant"
        motif[out] = np.array(["Changement d'offre", "Résiliation", "Réclamation"], dtype=object)[
            rng.choice(3, size=int(out.sum()), p=[0.6, 0.25, 0.15])
        ]
        t[out] = _snap_open(rng, self.cal, t[out])
        return pd.DataFrame(
            {
                "t": t,
                "canal": canal,
                "motif": motif,
                "cust": cust,
                "direction": direction,
                "gen": 0,
                "parent": -1,
                "escalate": False,
            }
        )

    def fill(self, df: pd.DataFrame) -> pd.DataFrame:
        """Everything that follows from (time, canal, motif, customer, generation)."""
        rng, eff, cal = self.rng, self.eff, self.cal
        n = len(df)
        t = df["t"].to_numpy()
        di = self.day_idx(t)
        canal = df["canal"].to_numpy()
        motif = df["motif"].to_numpy()
        phone = canal == "telephone"
        inbound = df["direction"].to_numpy() == "entrant"
        ts = pd.Series(t)
        is_open = cal.is_open(ts)
        hour = ts.dt.hour.to_numpy()

        # sous-motif (kept from the parent for recontacts)
        if "sous_motif" in df:
            sous = np.array(df["sous_motif"].to_numpy(dtype=object), dtype=object, copy=True)
        else:
            sous = np.full(n, None, dtype=object)
        for m, (labels, p) in SOUS_MOTIFS.items():
            sel = (motif == m) & pd.isna(sous)
            sous[sel] = np.array(labels, dtype=object)[rng.choice(len(labels), int(sel.sum()), p=p)]
        sous[~np.isin(motif, list(SOUS_MOTIFS))] = None

        # niveau
        p2 = np.where(np.isin(motif, ["Panne technique", "Réclamation"]), 0.17, 0.06)
        p2 = np.where(motif == "Remboursement", 0.11, p2)
        p3 = np.where(motif == "Panne technique", 0.07, 0.012)
        p3 = np.where(np.isin(canal, ["email", "reseaux_sociaux"]), p3 / 2, p3)
        u = rng.random(n)
        niveau = np.where(u < p3, "N3", np.where(u < p3 + p2, "N2", "N1")).astype(object)
        esc = df["escalate"].to_numpy()
        niveau[esc & (niveau == "N1")] = "N2"
        niveau[~inbound] = "N1"

        # team / provider / agent
        fidel = np.isin(motif, ["Résiliation", "Changement d'offre"])
        written = np.isin(canal, ["email", "reseaux_sociaux"])
        team_names = list(TEAMS)
        tp = np.zeros((n, 5))
        tp[:] = [0.12, 0, 0.48, 0.40, 0]
        tp[fidel] = [0.75, 0, 0.15, 0.10, 0]
        tp[written] = [0.15, 0, 0.30, 0, 0.55]
        tp[niveau != "N1"] = [0, 1, 0, 0, 0]
        tp[~inbound] = [1, 0, 0, 0, 0]
        team = np.array(team_names, dtype=object)[_pick(rng, tp)]
        agent = np.empty(n, dtype=object)
        u = rng.random(n)
        for tm in team_names:
            sel = np.flatnonzero(team == tm)
            if not len(sel):
                continue
            names = AGENTS[tm]
            w = np.stack([self.active[a] * self.agent_weight[a] for a in names], axis=1)
            w = w[di[sel]]
            cum = np.cumsum(w, axis=1)
            cum /= np.maximum(cum[:, -1:], 1e-9)
            k = np.minimum((u[sel, None] > cum).sum(axis=1), len(names) - 1)
            agent[sel] = np.array(names, dtype=object)[k]
        provider = np.array([TEAMS[x] for x in team], dtype=object)

        queue = np.array([QUEUE_BY_MOTIF[m] for m in motif], dtype=object)
        queue[canal == "email"] = "Emails"
        queue[canal == "chat"] = "Chat"
        queue[canal == "reseaux_sociaux"] = "Réseaux sociaux"
        queue[niveau != "N1"] = "Experts"
        queue[~inbound] = "Campagne sortante"

        # waits and abandons
        wait = np.full(n, np.nan)
        answered = np.ones(n, dtype=bool)
        q = phone & inbound
        load = self.load[di, np.clip(hour, 0, 23)]
        mean_wait = np.clip(18 * np.exp(3.2 * (load - 1)), 4, 900)
        w_ = rng.gamma(1.3, mean_wait / 1.3)
        patience = rng.gamma(2.0, 80.0, size=n)
        short = rng.random(n) < 0.002
        patience = np.where(short, rng.uniform(1, 5, size=n), patience)
        abandon = q & (patience < w_)
        wait[q] = np.where(abandon[q], patience[q], w_[q])
        hno_q = q & ~is_open
        answered[abandon | hno_q] = False
        wait[hno_q] = rng.uniform(15, 45, size=int(hno_q.sum()))  # dissuasion message
        ch = canal == "chat"
        surge = self.surge[di]
        cw = rng.gamma(1.5, np.where(surge, 60.0, 30.0), size=n)
        cpat = rng.gamma(2.0, 150.0, size=n)
        chat_ab = ch & ((cpat < cw) | ~is_open)
        wait[ch] = np.where(chat_ab[ch], np.minimum(cpat, cw)[ch], cw[ch])
        answered[chat_ab] = False
        wait = np.round(wait)

        # durations
        base = np.array([TALK_BY_MOTIF[m] for m in motif], dtype=float)
        fac = (
            np.array([NIVEAU_TALK[x] for x in niveau])
            * np.array([CANAL_TALK[c] for c in canal])
            * np.array([PROVIDER_TALK[p] for p in provider])
            * np.array([self.agent_speed[a] for a in agent])
        )
        fast = np.zeros(n, dtype=bool)
        if eff.fast_agent is not None:
            fast = agent == eff.fast_agent
            fac = np.where(fast, fac * eff.fast_agent_factor, fac)
        talk = np.round(base * fac * rng.lognormal(-0.1, 0.45, size=n))
        talk = np.maximum(talk, 20)
        hold_p = np.where(motif == "Panne technique", 0.55, 0.3)
        hold = np.where(rng.random(n) < hold_p, np.round(rng.gamma(1.6, 40, size=n) * fac), 0.0)
        acw = np.round(
            rng.gamma(2.2, 22, size=n)
            * np.where(fast, eff.fast_agent_factor, 1.0)
            * np.where(niveau == "N1", 1.0, 1.6)
        )
        talk[~answered] = np.nan
        hold[~answered | ~phone] = np.nan
        acw[~answered | ~(phone | ch)] = np.nan

        # transfers (level 1 only)
        tr_p = {"Panne technique": 0.19, "Réclamation": 0.16, "Remboursement": 0.14}
        tp_ = np.array([tr_p.get(m, 0.05) for m in motif])
        transferred = answered & (niveau == "N1") & (rng.random(n) < tp_) & inbound
        to = np.array(["N2", "N3", "Back office", "Autre service"], dtype=object)
        tprob = np.tile([0.6, 0.06, 0.24, 0.10], (n, 1))
        tprob[motif == "Remboursement"] = [0.15, 0.0, 0.75, 0.10]
        tprob[motif == "Livraison"] = [0.2, 0.0, 0.5, 0.3]
        transfer_to = np.where(transferred, to[_pick(rng, tprob)], None)

        # real resolution
        if eff.recontact_by_motif is None:
            p_unres = np.full(n, FLAT_UNRESOLVED)
        else:
            p_unres = np.array([eff.recontact_by_motif.get(m, FLAT_UNRESOLVED) for m in motif])
        if eff.provider_recontact is not None:
            p_unres *= np.array([eff.provider_recontact.get(p, 1.0) for p in provider])
        p_unres = np.where(surge, p_unres * eff.surge_recontact, p_unres)
        p_unres = np.where(fast, p_unres * 1.6, p_unres)
        if self.training is not None:
            tm = motif == eff.training_motif
            after = t >= self.training.to_datetime64()
            mob = sous == "Mobile"
            mult = np.where(after, np.where(mob, 0.6, 0.9), np.where(mob, 1.5, 1.1))
            p_unres = np.where(tm, p_unres * mult, p_unres)
        p_unres = np.where(niveau != "N1", p_unres * 0.8, p_unres)
        p_unres = p_unres * (0.85 ** df["gen"].to_numpy())
        p_unres = np.clip(p_unres, 0, 0.9)
        unresolved = (rng.random(n) < p_unres) | ~answered

        declared = np.where(unresolved, rng.random(n) < eff.fcr_overclaim, True)
        declared = np.where(answered, declared, None)

        # tickets for written channels and escalated levels
        ticket = (written | (niveau != "N1")) & answered
        delay_h = rng.lognormal(np.log(16), 0.9, size=n)
        delay_h *= np.where(surge, 1.8, 1.0) * np.where(niveau == "N1", 1.0, 2.5)
        resolved_at = t + (delay_h * 3600).astype("timedelta64[s]")
        converted = answered & (
            rng.random(n)
            < np.select(
                [
                    ~inbound,
                    motif == "Changement d'offre",
                    motif == "Information produit",
                    motif == "Résiliation",
                ],
                [0.3, 0.26, 0.09, 0.05],
                0.005,
            )
        )
        sc_p = {
            "Identifiants / accès": 0.35,
            "Suivi de commande": 0.3,
            "Information produit": 0.15,
            "Facturation": 0.05,
        }
        selfcare = answered & (rng.random(n) < np.array([sc_p.get(m, 0.02) for m in motif]))

        df = df.assign(
            sous_motif=sous,
            niveau=niveau,
            team=team,
            agent_id=agent,
            provider=provider,
            queue=queue,
            answered=answered,
            wait_s=wait,
            talk_s=talk,
            hold_s=hold,
            acw_s=acw,
            transferred=np.where(answered, transferred, None),
            transfer_to=transfer_to,
            unresolved=unresolved,
            resolved_first_contact=declared,
            has_ticket=ticket,
            resolved_at=resolved_at,
            converted=converted,
            selfcare_redirected=selfcare,
            surge=surge,
            is_open=is_open,
        )
        return df

    def compute_load(self, first: pd.DataFrame) -> None:
        """Phone load per (day, hour) relative to the capacity staffed for normal months."""
        ph = first[(first["canal"] == "telephone") & (first["direction"] == "entrant")]
        ts = pd.Series(ph["t"].to_numpy())
        di = self.day_idx(ph["t"].to_numpy())
        hr = ts.dt.hour.to_numpy()
        n_days = len(self.cal.days)
        vol = np.zeros((n_days, 24))
        np.add.at(vol, (di, hr), 1.0)
        vol *= 1.25  # recontacts come on top
        normal = self.cal.open_ & ~self.surge
        cap = np.ones((7, 24))
        for wd in range(7):
            sel = normal & (self.cal.weekday == wd)
            if sel.any():
                cap[wd] = vol[sel].mean(axis=0)
        cap = np.maximum(cap * 1.08 * self.eff.staffing, 1.0)
        self.load = vol / cap[self.cal.weekday]

    def recontacts(self, parent: pd.DataFrame, offset: int) -> pd.DataFrame:
        rng = self.rng
        n = len(parent)
        answered = parent["answered"].to_numpy()
        unres = parent["unresolved"].to_numpy()
        back = unres & (rng.random(n) < np.where(answered, 0.85, 0.65))
        idx = np.flatnonzero(back)
        m = len(idx)
        if not m:
            return parent.iloc[0:0]
        p = parent.iloc[idx]
        ab = ~p["answered"].to_numpy()
        days = np.where(ab, rng.exponential(3 / 24, size=m), rng.gamma(1.5, 2.0, size=m))
        t = p["t"].to_numpy() + (days * 86400).astype("timedelta64[s]") + np.timedelta64(60, "s")
        canal = p["canal"].to_numpy().copy()
        u = rng.random(m)
        switch = ~ab & (u < 0.45)
        canal[switch] = np.where(
            u[switch] < 0.35,
            "telephone",
            np.array(CANALS, dtype=object)[rng.choice(4, int(switch.sum()))],
        )
        motif = p["motif"].to_numpy().copy()
        compl = (rng.random(m) < 0.12) & (motif != "Réclamation") & ~ab
        motif[compl] = "Réclamation"
        sous = p["sous_motif"].to_numpy().copy()
        sous[compl] = None
        snap = np.isin(canal, ["telephone", "chat"]) | (self.eff.hno_share == 0)
        t = np.where(snap, _snap_open(rng, self.cal, t), t)
        out = pd.DataFrame(
            {
                "t": t,
                "canal": canal,
                "motif": motif,
                "cust": p["cust"].to_numpy(),
                "direction": "entrant",
                "gen": p["gen"].to_numpy() + 1,
                "parent": idx + offset,
                "escalate": ~ab & (rng.random(m) < 0.25),
                "sous_motif": sous,
            }
        )
        return out[out["t"] < self.cal.end.to_datetime64()].reset_index(drop=True)


def _contacts(rng, cal: _Calendar, eff: Effects, n_contacts: int) -> tuple:
    b = _Builder(rng, cal, eff, n_contacts)
    first = b.initial()
    b.compute_load(first)
    parts = [b.fill(first)]
    offset = 0
    for _ in range(5):
        nxt = b.recontacts(parts[-1], offset)
        offset += len(parts[-1])
        if nxt.empty:
            break
        parts.append(b.fill(nxt))
    df = pd.concat(parts, ignore_index=True)
    df["row"] = np.arange(len(df))
    n = len(df)

    # reopened: a written ticket whose customer answered on the same ticket channel
    child = df[df["parent"] >= 0]
    reopen_parent = child.loc[
        child["canal"].to_numpy() == df["canal"].to_numpy()[child["parent"].to_numpy()], "parent"
    ].to_numpy()
    reopened = np.zeros(n, dtype=bool)
    reopened[reopen_parent] = True

    # anonymous callers / chats (hidden number, not logged in)
    anon = np.isin(df["canal"], ["telephone", "chat"]) & (rng.random(n) < 0.025)
    cust_code = b.customer_codes[df["cust"].to_numpy()]
    cust = pd.Series("CLI-" + pd.Series(cust_code).astype(str).str.zfill(6), dtype="str")
    cust[anon] = pd.NA

    order = np.lexsort((df["row"].to_numpy(), df["t"].to_numpy()))
    df = df.iloc[order].reset_index(drop=True)
    reopened = reopened[order]
    cust = cust.iloc[order].reset_index(drop=True)
    contact_id = pd.Series(
        "CT" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(7), dtype="str"
    )
    has_ticket = df["has_ticket"].to_numpy()
    tick = np.full(n, None, dtype=object)
    tick[has_ticket] = (
        "TCK-" + pd.Series(np.arange(1, has_ticket.sum() + 1) + 40_000).astype(str)
    ).to_numpy()
    started = pd.Series(df["t"].to_numpy().astype("datetime64[s]")).astype("datetime64[ns]")
    resolved_at = pd.Series(df["resolved_at"].to_numpy().astype("datetime64[s]")).astype(
        "datetime64[ns]"
    )
    still_open = resolved_at >= cal.end
    resolved_at = resolved_at.where(pd.Series(has_ticket) & ~still_open)
    status = np.where(has_ticket, np.where(still_open, "En cours", "Clos"), None)
    canal = df["canal"].to_numpy()
    inbound = df["direction"].to_numpy() == "entrant"
    offered = np.where(np.isin(canal, ["telephone", "chat"]) & inbound, True, None)

    def cat(values, categories=None):
        return pd.Categorical(values, categories=categories)

    def boolean(values):
        return pd.array(values, dtype="boolean")

    contacts = pd.DataFrame(
        {
            "started_at": started,
            "contact_id": contact_id,
            "customer_id": cust,
            "canal": cat(canal, list(CANALS)),
            "direction": cat(df["direction"], ["entrant", "sortant"]),
            "motif": cat(df["motif"], list(MOTIFS)),
            "sous_motif": cat(df["sous_motif"]),
            "niveau": cat(df["niveau"], ["N1", "N2", "N3"]),
            "agent_id": cat(df["agent_id"], [a for t in AGENTS.values() for a in t]),
            "team": cat(df["team"], list(TEAMS)),
            "site": cat([SITES[p] for p in df["provider"]], list(SITES.values())),
            "provider": cat(df["provider"], list(PROVIDERS)),
            "queue": cat(df["queue"]),
            "offered": boolean(offered),
            "answered": boolean(df["answered"]),
            "wait_s": df["wait_s"].astype(float),
            "talk_s": df["talk_s"].astype(float),
            "hold_s": df["hold_s"].astype(float),
            "acw_s": df["acw_s"].astype(float),
            "transferred": boolean(df["transferred"]),
            "transfer_to": cat(df["transfer_to"], ["N2", "N3", "Back office", "Autre service"]),
            "resolved_first_contact": boolean(df["resolved_first_contact"]),
            "ticket_id": pd.Series(tick, dtype="str"),
            "reopened": boolean(np.where(has_ticket, reopened, None)),
            "resolved_at": resolved_at,
            "status": cat(status, ["Clos", "En cours"]),
            "converted": boolean(df["converted"]),
            "selfcare_redirected": boolean(df["selfcare_redirected"]),
            "avoidable": boolean(np.isin(df["motif"], AVOIDABLE_MOTIFS)),
        }
    )
    new_pos = np.empty(n, dtype=int)
    new_pos[order] = np.arange(n)
    parent = df["parent"].to_numpy()
    parent_id = np.where(parent >= 0, contact_id.to_numpy()[new_pos[np.maximum(parent, 0)]], None)
    truth = pd.DataFrame(
        {
            "contact_id": contact_id,
            "truly_resolved": boolean(~df["unresolved"].to_numpy()),
            "recontact_of": pd.Series(parent_id, dtype="str"),
            "generation": df["gen"].astype(int),
            "surge": df["surge"].to_numpy(),
            "opening_hours": df["is_open"].to_numpy(),
        }
    )
    return contacts, truth, b


# --------------------------------------------------------------------------- surveys

_DETRACTOR = (
    "Attente beaucoup trop longue avant d'avoir quelqu'un.",
    "On m'avait promis de me rappeler, personne ne l'a fait.",
    "J'ai dû rappeler plusieurs fois pour le même problème.",
    "Problème toujours pas résolu.",
    "Conseiller pas au courant de mon dossier, il a fallu tout réexpliquer.",
    "On me transfère de service en service, aucune réponse claire.",
    "Réponse à côté de la question.",
    "Délai de traitement inacceptable, toujours pas de nouvelles.",
    "Trop d'attente au téléphone, j'ai raccroché deux fois.",
    "Je dois encore rappeler demain, c'est épuisant.",
)
_PASSIVE = (
    "Correct mais l'attente était un peu longue.",
    "Réponse correcte, sans plus.",
    "Demande traitée, mais il a fallu insister.",
    "Bien dans l'ensemble.",
    "Conseiller poli, délai un peu long.",
    "Ça a fini par être réglé.",
)
_PROMOTER = (
    "Conseiller très aimable et efficace.",
    "Réponse rapide, problème réglé en un seul appel.",
    "Très efficace, merci !",
    "Accueil agréable, conseillère à l'écoute.",
    "Rapide et clair, rien à redire.",
    "Solution trouvée tout de suite, parfait.",
    "Interlocuteur aimable et compétent.",
    "Service rapide et efficace.",
)
_MOTIF_NEG = {
    "Remboursement": (
        "Toujours pas de remboursement après trois semaines.",
        "Le remboursement annoncé n'est toujours pas arrivé.",
    ),
    "Livraison": (
        "Colis toujours pas livré malgré la promesse.",
        "Le transporteur ne passe jamais, personne ne fait rien.",
    ),
    "Facturation": (
        "Facture toujours fausse, montant prélevé deux fois.",
        "Erreur de facturation pas corrigée.",
    ),
    "Panne technique": (
        "Le conseiller ne connaissait pas mon mobile, aucune solution.",
        "Mon téléphone ne marche toujours pas.",
    ),
    "Résiliation": ("Résiliation compliquée, on essaie de me retenir.",),
    "Réclamation": ("Ma réclamation reste sans réponse.",),
    "Suivi de commande": ("Impossible de savoir où est ma commande.",),
}
_MOTIF_POS = {
    "Panne technique": (
        "Le technicien a réglé le souci de mon mobile en quelques minutes.",
        "Panne résolue rapidement, conseiller compétent.",
    ),
    "Remboursement": ("Remboursement reçu rapidement.",),
    "Changement d'offre": ("Nouvelle offre bien expliquée, conseiller aimable.",),
    "Identifiants / accès": ("Accès rétabli tout de suite.",),
    "Livraison": ("Colis retrouvé et livré rapidement.",),
}


def _surveys(
    rng, contacts: pd.DataFrame, truth: pd.DataFrame, b: _Builder, eff: Effects, cal: _Calendar
) -> pd.DataFrame:
    answered = contacts["answered"].to_numpy(dtype=bool, na_value=False)
    canal = contacts["canal"].astype(str).to_numpy()
    rate = eff.survey_rate * np.select(
        [canal == "email", canal == "chat", canal == "reseaux_sociaux"], [1.05, 1.15, 0.5], 1.0
    )
    sel = np.flatnonzero(answered & (rng.random(len(contacts)) < rate))
    c = contacts.iloc[sel].reset_index(drop=True)
    tr = truth.iloc[sel].reset_index(drop=True)
    n = len(c)
    delay = np.where(rng.random(n) < 0.6, rng.exponential(1.5, n), rng.exponential(20, n))
    answered_at = c["started_at"] + pd.to_timedelta(np.round(delay * 3600), unit="s")
    keep = (answered_at < cal.end).to_numpy()

    resolved = tr["truly_resolved"].to_numpy(dtype=bool)
    motif = c["motif"].astype(str).to_numpy()
    provider = c["provider"].astype(str).to_numpy()
    sous = c["sous_motif"].astype(object).to_numpy()
    wait = c["wait_s"].fillna(0).to_numpy()
    mu = np.where(resolved, 1.15, -1.45)
    mu += np.select(
        [
            motif == "Réclamation",
            motif == "Résiliation",
            motif == "Remboursement",
            motif == "Information produit",
        ],
        [-0.4, -0.3, -0.2, 0.3],
        0.0,
    )
    if eff.provider_recontact is not None:  # provider gaps come with the provider effect
        mu += np.select([provider == "Interne", provider == "Prestataire B"], [0.15, -0.25], 0.0)
    mu -= np.minimum(np.maximum(wait - 60, 0) * 0.006, 1.5)
    mu -= 0.35 * c["transferred"].to_numpy(dtype=bool, na_value=False)
    mu -= 0.4 * (tr["generation"].to_numpy() > 0)
    mu += np.array([b.agent_csat[a] for a in c["agent_id"].astype(str)])
    if eff.training_date is not None:
        tm = motif == eff.training_motif
        before = (c["started_at"] < pd.Timestamp(eff.training_date)).to_numpy()
        mob = sous == "Mobile"
        mu += np.where(tm & before, np.where(mob, -1.5, -0.5), 0.0)
        mu += np.where(tm & ~before & mob, 0.3, 0.0)
    z = mu + rng.normal(0, 0.9, n)
    nps = np.clip(np.round(7.0 + 1.7 * (z + rng.normal(0, 0.45, n))), 0, 10)
    cz = z + rng.normal(0, 0.45, n)
    csat = 1 + np.searchsorted([-1.2, -0.4, 0.4, 1.1], cz)
    ces = np.clip(
        np.round(3.6 - 1.1 * z + 0.004 * np.maximum(wait - 60, 0) + rng.normal(0, 0.7, n)), 1, 7
    )
    nps = np.where(rng.random(n) < 0.03, np.nan, nps)
    ces = np.where(rng.random(n) < 0.10, np.nan, ces)
    rdecl = np.where(resolved, rng.random(n) < 0.9, rng.random(n) < 0.12)

    # comments: words follow the score
    cls = np.where(nps <= 6, 0, np.where(nps <= 8, 1, 2))
    cls = np.where(np.isnan(nps), np.where(csat <= 2, 0, np.where(csat == 3, 1, 2)), cls)
    pools = (_DETRACTOR, _PASSIVE, _PROMOTER)
    general = np.empty(n, dtype=object)
    for k, pool in enumerate(pools):
        s = cls == k
        general[s] = np.array(pool, dtype=object)[rng.integers(0, len(pool), int(s.sum()))]
    extra = np.full(n, "", dtype=object)
    add = rng.random(n) < 0.5
    for m in MOTIFS:
        for k, table in ((0, _MOTIF_NEG), (2, _MOTIF_POS)):
            pool = table.get(m)
            if not pool:
                continue
            s = add & (motif == m) & (cls == k)
            if m == "Panne technique" and eff.training_date is not None and k == 2:
                s &= ~before
            extra[s] = np.array(pool, dtype=object)[rng.integers(0, len(pool), int(s.sum()))]
    first_motif = add & (extra != "") & (rng.random(n) < 0.5)
    comment = np.where(
        first_motif, extra + " " + general, np.where(extra != "", general + " " + extra, general)
    )
    blank = rng.random(n) < np.where(cls == 1, 0.55, 0.3)
    comment = np.where(blank, None, comment)

    out = pd.DataFrame(
        {
            "answered_at": answered_at,
            "contact_id": c["contact_id"],
            "customer_id": c["customer_id"],
            "canal": c["canal"],
            "motif": c["motif"],
            "agent_id": c["agent_id"],
            "team": c["team"],
            "provider": c["provider"],
            "csat_score": csat.astype(float),
            "nps_score": nps,
            "ces_score": ces,
            "resolved_declared": pd.array(rdecl, dtype="boolean"),
            "comment": pd.Series(comment, dtype="str"),
        }
    )
    out = out[keep].sort_values(["answered_at", "contact_id"], kind="stable")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- evaluations


def _evaluations(
    rng, contacts: pd.DataFrame, b: _Builder, eff: Effects, cal: _Calendar
) -> pd.DataFrame:
    ok = contacts["answered"].to_numpy(dtype=bool, na_value=False)
    c = contacts[ok]
    month = c["started_at"].dt.strftime("%Y-%m").to_numpy()
    agent = c["agent_id"].astype(str).to_numpy()
    pos = np.flatnonzero(ok)
    key = pd.Series(agent + "|" + month)
    groups = key.groupby(key.to_numpy(), sort=True).indices
    chosen = []
    for k in sorted(groups):
        a = k.split("|")[0]
        prov = TEAMS[[t for t, names in AGENTS.items() if a in names][0]]
        idx = groups[k]
        m = min(rng.poisson(EVALS_PER_MONTH[prov]), len(idx))
        if m:
            chosen.append(rng.choice(idx, size=m, replace=False))
    sel = pos[np.sort(np.concatenate(chosen))] if chosen else np.array([], dtype=int)
    e = contacts.iloc[sel].reset_index(drop=True)
    n = len(e)
    canal = e["canal"].astype(str).to_numpy()
    is_call = canal == "telephone"
    agents = e["agent_id"].astype(str).to_numpy()
    provider = e["provider"].astype(str).to_numpy()
    evaluator = np.empty(n, dtype=object)
    for p, names in EVALUATORS.items():
        s = provider == p
        evaluator[s] = np.array(names, dtype=object)[rng.integers(0, len(names), int(s.sum()))]
    lag = rng.integers(1, 10, n) * 86400 + rng.integers(9 * 3600, 18 * 3600, n)
    at = e["started_at"].dt.normalize() + pd.to_timedelta(lag, unit="s")
    quality = np.array([b.agent_quality[a] for a in agents])
    offsets = eff.weak_items or {}
    items = {}
    for item in GRID_ITEMS:
        in_call, in_pick = item in CALL_ITEMS, item in PICKING_ITEMS
        applicable = np.where(is_call, in_call, in_pick)
        if item == "Mise en attente":
            applicable &= e["hold_s"].fillna(0).to_numpy() > 0
        mean = quality + offsets.get(item, 0.0)
        if eff.fast_agent is not None and item in (
            "Qualification de la demande",
            "Réponse apportée",
        ):
            mean = np.where(agents == eff.fast_agent, mean - 1.8, mean)
        v = np.clip(np.round(mean + rng.normal(0, 1.1, n)), 0, 10)
        items[item] = np.where(applicable, v, np.nan)
    grid = pd.DataFrame(items)
    score = grid.sum(axis=1, min_count=1)
    max_score = grid.notna().sum(axis=1) * 10.0
    out = pd.DataFrame(
        {
            "evaluated_at": at,
            "agent_id": e["agent_id"],
            "evaluator": pd.Categorical(evaluator, [x for v in EVALUATORS.values() for x in v]),
            "canal": e["canal"],
            "grid": pd.Categorical(
                np.where(is_call, "Notes d'écoute", "Picking"), ["Notes d'écoute", "Picking"]
            ),
            "contact_id": e["contact_id"],
        }
    )
    out = pd.concat([out, grid], axis=1)
    out["score"] = score.astype(float)
    out["max_score"] = max_score.astype(float)
    out = out[(at < cal.end).to_numpy()]  # evaluations done after the export are not in it
    return out.sort_values(["evaluated_at", "contact_id"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- period inputs


def _period_inputs(rng, contacts: pd.DataFrame, b: _Builder, eff: Effects, cal: _Calendar):
    months = list(pd.unique(cal.month))
    month_start = {m: pd.Timestamp(m + "-01") for m in months}
    surge = {m: (eff.surge_month == m) for m in months}
    # hours per agent per month
    rows = []
    abs_rate = {"Interne": 0.05, "Prestataire A": 0.065, "Prestataire B": 0.085}
    for m in months:
        open_days = cal.open_ & (cal.month == m)
        for a, team in b.agent_list:
            prov = TEAMS[team]
            days = int((b.active[a] & open_days).sum())
            if not days:
                continue
            planned = round(days * 7.0 * 5 / 6, 2)  # 35 h/week over Mon–Sat opening
            r = abs_rate[prov] * (1.5 if surge[m] else 1.0) * rng.uniform(0.4, 1.6)
            absent = round(planned * r * 2) / 2
            rows.append(
                (
                    month_start[m],
                    a,
                    team,
                    prov,
                    planned,
                    absent,
                    int(round(days * 5 / 6 - absent / 7)),
                )
            )
    hours = pd.DataFrame(
        rows,
        columns=[
            "month",
            "agent_id",
            "team",
            "provider",
            "planned_hours",
            "absence_hours",
            "worked_days",
        ],
    )
    # headcount and leavers per provider and month
    rows = []
    for m in months:
        in_m = cal.month == m
        for p in PROVIDERS:
            agents = [a for a, t in b.agent_list if TEAMS[t] == p]
            avg = sum(b.active[a][in_m].mean() for a in agents)
            leavers = 0
            for a in agents:
                last = int(np.flatnonzero(b.active[a]).max(initial=-1))
                if 0 <= last < len(cal.days) - 1 and cal.month[last] == m:
                    leavers += 1
            rows.append((month_start[m], p, round(float(avg), 2), leavers))
    headcount = pd.DataFrame(rows, columns=["month", "provider", "avg_headcount", "leavers"])
    # costs per provider and month
    rate = {"Interne": 34.0, "Prestataire A": 27.5, "Prestataire B": 19.8}
    fixed = {"Interne": 18_500.0, "Prestataire A": 6_200.0, "Prestataire B": 5_400.0}
    ph = contacts[contacts["canal"] == "telephone"]
    minutes = (ph["talk_s"].fillna(0) + ph["wait_s"].fillna(0)).groupby(
        [ph["started_at"].dt.strftime("%Y-%m"), ph["provider"].astype(str)]
    ).sum() / 60
    rows = []
    for m in months:
        for p in PROVIDERS:
            h = hours[(hours["month"] == month_start[m]) & (hours["provider"] == p)]
            staff = round(float((h["planned_hours"] - h["absence_hours"]).sum()) * rate[p], 2)
            tel = round(float(minutes.get((m, p), 0.0)) * 0.018 + fixed[p], 2)
            rows.append((month_start[m], p, staff, tel, round(staff + tel, 2)))
    costs = pd.DataFrame(
        rows, columns=["month", "provider", "staff_cost", "tools_cost", "total_cost"]
    )
    # customer base per month
    rows = []
    start_n = 118_400
    for m in months:
        new = int(rng.normal(3_100, 150))
        churn = 0.016 * (1.45 if surge[m] else 1.0) * rng.uniform(0.9, 1.1)
        lost = int(start_n * churn)
        end = start_n + new - lost
        due = int(start_n * rng.uniform(0.035, 0.045))
        renewed = int(due * (0.74 if surge[m] else 0.83) * rng.uniform(0.98, 1.02))
        rows.append((month_start[m], start_n, new, lost, end, due, renewed))
        start_n = end
    base = pd.DataFrame(
        rows,
        columns=[
            "month",
            "customers_start",
            "new_customers",
            "lost_customers",
            "customers_end",
            "renewals_due",
            "renewals_done",
        ],
    )
    return {"costs": costs, "hours": hours, "customer_base": base, "headcount": headcount}


# --------------------------------------------------------------------------- public API


def generate(
    seed: int = DEFAULT_SEED,
    n_contacts: int = DEFAULT_N_CONTACTS,
    start: str = DEFAULT_START,
    months: int = DEFAULT_MONTHS,
    **effects,
) -> dict[str, pd.DataFrame]:
    """Generate a fictional French contact centre.

    Returns canonical tables: ``contacts``, ``surveys``, ``evaluations`` (field names of
    kpis.schema; grid items keep their French names as columns), the period inputs ``costs``,
    ``hours``, ``customer_base``, ``headcount``, and ``truth`` (hidden ground truth per contact:
    truly_resolved, recontact_of, generation, surge, opening_hours — never written to CSV).

    ``n_contacts`` is a target: first contacts are drawn so that, with the recontacts they
    cause, the total lands near it. Keyword ``effects`` are the fields of :class:`Effects`;
    pass ``**NULL_EFFECTS`` for a dataset without planted effects.
    """
    eff = _effects(effects)
    rng = np.random.default_rng(seed)
    cal = _Calendar.build(start, months)
    contacts, truth, b = _contacts(rng, cal, eff, n_contacts)
    surveys = _surveys(rng, contacts, truth, b, eff, cal)
    evaluations = _evaluations(rng, contacts, b, eff, cal)
    period = _period_inputs(rng, contacts, b, eff, cal)
    if eff.late_recontact:
        plant_late_recontact(np.random.default_rng([seed, 1]), contacts, surveys, eff)
    if eff.slow_new_hire:
        plant_slow_new_hire(contacts, eff)
    if eff.relationship_gap:
        plant_relationship_gap(np.random.default_rng([seed, 3]), surveys, eff)
    if eff.callback_unknown:
        plant_callback_unknown(contacts, eff)
    if eff.ces_pilot:
        plant_ces_pilot(np.random.default_rng([seed, 4]), surveys, eff)
    if eff.fcr_bonus:
        plant_fcr_bonus(np.random.default_rng([seed, 5]), contacts, surveys, eff)
    return {
        "contacts": contacts,
        "surveys": surveys,
        "evaluations": evaluations,
        **period,
        "truth": truth,
    }


# --------------------------------------------------------------------------- French files

DATE_FMT = "%d/%m/%Y %H:%M:%S"
MONTH_FMT = "%d/%m/%Y"

CONTACTS_FR = {
    "started_at": "Date du contact",
    "contact_id": "Id contact",
    "customer_id": "Id client",
    "canal": "Canal",
    "direction": "Sens",
    "motif": "Motif",
    "sous_motif": "Sous-motif",
    "niveau": "Niveau",
    "agent_id": "Conseiller",
    "team": "Équipe",
    "site": "Site",
    "provider": "Prestataire",
    "queue": "File d'attente",
    "offered": "Présenté",
    "answered": "Décroché",
    "wait_s": "Temps d'attente",
    "talk_s": "Durée de communication",
    "hold_s": "Mise en attente",
    "acw_s": "Post-appel",
    "transferred": "Transfert",
    "transfer_to": "Transféré vers",
    "resolved_first_contact": "Résolu au premier contact",
    "ticket_id": "Ticket",
    "reopened": "Réouvert",
    "resolved_at": "Date de résolution",
    "status": "Statut",
    "converted": "Converti",
    "selfcare_redirected": "Redirigé selfcare",
    "avoidable": "Évitable",
}
SURVEYS_FR = {
    "answered_at": "Date de réponse",
    "contact_id": "Id contact",
    "customer_id": "Id client",
    "canal": "Canal",
    "motif": "Motif",
    "agent_id": "Conseiller",
    "team": "Équipe",
    "provider": "Prestataire",
    "csat_score": "Note CSAT",
    "nps_score": "Note NPS",
    "ces_score": "Note effort",
    "resolved_declared": "Demande résolue",
    "comment": "Commentaire",
}
EVALUATIONS_FR = {
    "evaluated_at": "Date d'évaluation",
    "agent_id": "Conseiller",
    "evaluator": "Évaluateur",
    "canal": "Canal",
    "grid": "Grille",
    "contact_id": "Id contact",
    **{item: item for item in GRID_ITEMS},
    "score": "Note obtenue",
    "max_score": "Note maximale",
}
PERIOD_FR = {
    "costs": (
        "couts.csv",
        {
            "month": "Mois",
            "provider": "Prestataire",
            "staff_cost": "Coût personnel (€)",
            "tools_cost": "Coût télécom et outils (€)",
            "total_cost": "Coût total (€)",
        },
    ),
    "hours": (
        "heures.csv",
        {
            "month": "Mois",
            "agent_id": "Conseiller",
            "team": "Équipe",
            "provider": "Prestataire",
            "planned_hours": "Heures planifiées",
            "absence_hours": "Heures d'absence",
            "worked_days": "Jours travaillés",
        },
    ),
    "customer_base": (
        "base_clients.csv",
        {
            "month": "Mois",
            "customers_start": "Clients en début de période",
            "new_customers": "Nouveaux clients",
            "lost_customers": "Clients perdus",
            "customers_end": "Clients en fin de période",
            "renewals_due": "Abonnements à renouveler",
            "renewals_done": "Abonnements renouvelés",
        },
    ),
    "headcount": (
        "effectifs.csv",
        {
            "month": "Mois",
            "provider": "Prestataire",
            "avg_headcount": "Effectif moyen (ETP)",
            "leavers": "Départs",
        },
    ),
}
DATA_FILES = {
    "contacts": ("contacts.csv", CONTACTS_FR),
    "surveys": ("enquetes.csv", SURVEYS_FR),
    "evaluations": ("evaluations.csv", EVALUATIONS_FR),
}
HMS_FIELDS = {"acw_s"}  # the one duration written as HH:MM:SS
DECIMAL_FIELDS = {
    "avg_headcount",
    "planned_hours",
    "absence_hours",
    "staff_cost",
    "tools_cost",
    "total_cost",
}
BOOL_FR = {True: "oui", False: "non"}


def _fmt_column(name: str, s: pd.Series) -> pd.Series:
    if name == "canal":
        return s.astype(object).map(CANAL_FR).astype("str")
    if name == "direction":
        return s.astype(object).map(DIRECTION_FR).astype("str")
    if isinstance(s.dtype, pd.BooleanDtype):
        return s.astype(object).map(BOOL_FR).astype("str")
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        fmt = MONTH_FMT if name == "month" else DATE_FMT
        return s.dt.strftime(fmt).astype("str")
    if name in HMS_FIELDS:
        v = s.to_numpy()
        ok = ~np.isnan(v)
        secs = np.where(ok, v, 0).astype(int)
        txt = pd.Series(
            [f"{x // 3600:02d}:{x % 3600 // 60:02d}:{x % 60:02d}" for x in secs],
            index=s.index,
            dtype="str",
        )
        return txt.where(ok)
    if name in DECIMAL_FIELDS:
        v = s.to_numpy(dtype=float)
        return pd.Series([f"{x:.2f}".replace(".", ",") for x in v], index=s.index, dtype="str")
    if pd.api.types.is_float_dtype(s.dtype) or pd.api.types.is_integer_dtype(s.dtype):
        return s.astype("Int64").astype("str")
    return s.astype("str")


def _mapping(table: str, headers: dict[str, str], frame: pd.DataFrame) -> dict:
    date_fields = [
        f for f in headers if f in frame and pd.api.types.is_datetime64_any_dtype(frame[f].dtype)
    ]
    bool_fields = [f for f in headers if f in frame and isinstance(frame[f].dtype, pd.BooleanDtype)]
    item_cols = [h for f, h in headers.items() if f in GRID_ITEMS]
    columns = {f: h for f, h in headers.items() if f not in GRID_ITEMS}
    doc: dict = {
        "table": table,
        "name": f"Pilote — données d'exemple ({table})",
        "description": "Fichier généré par `python -m sample_data` (centre de contacts fictif).",
        "read": {"separator": ";", "encoding": "utf-8"},
        "columns": columns,
        "formats": {f: DATE_FMT for f in date_fields},
        "values": {},
    }
    if "canal" in headers:
        doc["values"]["canal"] = {v: k for k, v in CANAL_FR.items()}
    if "direction" in headers:
        doc["values"]["direction"] = {v: k for k, v in DIRECTION_FR.items()}
    for f in bool_fields:
        doc["values"][f] = {"oui": True, "non": False}
    durations = [f for f in ("wait_s", "talk_s", "hold_s", "acw_s") if f in headers]
    if durations:
        doc["units"] = dict.fromkeys(durations, "s")
    scales = {"csat_score": [1, 5], "nps_score": [0, 10], "ces_score": [1, 7]}
    sc = {f: v for f, v in scales.items() if f in headers}
    if sc:
        doc["scales"] = sc
    if item_cols:
        doc["items"] = item_cols
    return doc


def to_french_csv(tables: dict[str, pd.DataFrame], out_dir: str | Path) -> list[Path]:
    """Write the tables as French CSV files (+ a mapping YAML per data file) into out_dir.

    ``;`` separator, decimal comma, dates ``dd/mm/yyyy HH:MM:SS`` (months ``01/mm/yyyy``),
    durations in integer seconds except the post-appel as ``HH:MM:SS``, booleans oui/non,
    UTF-8 without BOM, ``\\n`` line ends. Returns the written paths.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    specs = [(k, *DATA_FILES[k]) for k in DATA_FILES]
    specs += [(k, *PERIOD_FR[k]) for k in PERIOD_FR]
    for key, filename, headers in specs:
        if key not in tables:
            continue
        frame = tables[key]
        cols = [f for f in headers if f in frame.columns]
        text = pd.DataFrame({headers[f]: _fmt_column(f, frame[f]) for f in cols})
        path = out / filename
        text.to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n", na_rep="")
        written.append(path)
        if key in DATA_FILES:
            table = {"contacts": "contacts", "surveys": "surveys", "evaluations": "evaluations"}[
                key
            ]
            doc = _mapping(table, {f: headers[f] for f in cols}, frame)
            ypath = out / filename.replace(".csv", ".mapping.yaml")
            ypath.write_text(
                yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100),
                encoding="utf-8",
            )
            written.append(ypath)
    return written
