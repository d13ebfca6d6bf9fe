"""Resolution and journey (KPI_REFERENCE.md section 3).

Recontact flags (``kpis.recontact``) are computed once on the whole contacts table per window and
reused: a contact is *followed* when the customer's next contact (same motif by default) starts
within ``window_days``; contacts without a customer id are outside; with ``exclude_censored``,
contacts whose window runs past the last timestamp leave numerator and denominator.
"""

from __future__ import annotations

import numpy as np

from kpis.declare import (
    ALL,
    Expr,
    Measure,
    declared,
    elapsed,
    fill0,
    flag,
    is_num,
    isin,
    known,
    lit,
    nonneg,
    seconds,
    true,
    where,
)
from kpis.definitions._base import (
    ITEMS,
    MIN_N,
    RECONTACT_PARAMS,
    NotComputable,
    as_list,
)
from kpis.registry import KPI, Param

G = "resolution"
NS = 1e9


def _window_note(p) -> str:
    parts = [f"window {float(p['window_days']):g} days"]
    parts.append("same motif" if p["same_motif"] else "any motif")
    if p["exclude_censored"]:
        parts.append("contacts with an incomplete window excluded")
    return "; ".join(parts)


def fcr(ctx, p):
    return Measure(
        "ratio",
        "contacts",
        den=known("resolved_first_contact"),
        num=true("resolved_first_contact"),
        detail="declared by the agent",
        empty="no contact with a known flag",
    )


def _recontact(p) -> dict:
    return {k: p[k] for k in RECONTACT_PARAMS}


def _check_recontact(ctx, p) -> None:
    if not ctx.has("contacts", "customer_id") or not ctx.has("contacts", "started_at"):
        missing = [f for f in ("customer_id", "started_at") if not ctx.has("contacts", f)]
        raise NotComputable([f"contacts.{f}" for f in missing])
    if p["same_motif"] and not ctx.has("contacts", "motif"):
        raise NotComputable(["contacts.motif"], "needs contacts.motif (or same_motif=false)")


def fcr_measured(ctx, p):
    _check_recontact(ctx, p)
    base = flag("eligible")
    note = _window_note(p)
    if ctx.has("contacts", "answered"):
        base = base & true("answered")
    else:
        note += "; no answered field: all contacts"
    return Measure(
        "ratio",
        "contacts",
        den=base,
        num=~flag("followed"),
        needs=("customer_id", "started_at"),
        recontact=_recontact(p),
        detail=note,
        empty="no eligible contact",
    )


def fcr_survey(ctx, p):
    note = ctx.note("surveys") if ctx.table("surveys") else ""
    return Measure(
        "ratio",
        "surveys",
        den=known("resolved_declared"),
        num=true("resolved_declared"),
        detail="customer's answer in surveys" + (f"; {note}" if note else ""),
        empty="no answer",
    )


def recontact_rate(ctx, p):
    _check_recontact(ctx, p)
    return Measure(
        "ratio",
        "contacts",
        den=flag("eligible"),
        num=flag("followed"),
        distinct="customer_id",
        needs=("customer_id", "started_at"),
        recontact=_recontact(p),
        detail="per customer; " + _window_note(p),
        empty="no eligible customer",
    )


def recontact_rate_contacts(ctx, p):
    _check_recontact(ctx, p)
    return Measure(
        "ratio",
        "contacts",
        den=flag("eligible"),
        num=flag("followed"),
        needs=("customer_id", "started_at"),
        recontact=_recontact(p),
        detail="per contact; " + _window_note(p),
        empty="no eligible contact",
    )


def transfer_rate(ctx, p):
    base = known("transferred")
    has_niveau = ctx.has("contacts", "niveau")
    if p["level1_only"] and has_niveau:
        base = base & isin("niveau", as_list(p["level1_label"]))
        how = f"over level-1 contacts (niveau = {p['level1_label']})"
    else:
        how = "over all contacts with a known transfer flag" + (
            " (no niveau field)" if not has_niveau else ""
        )
    return Measure(
        "ratio",
        "contacts",
        den=base,
        num=true("transferred"),
        detail=how,
        empty="no level-1 contact",
    )


def avoidable_rate(ctx, p):
    motifs = as_list(p.get("avoidable_motifs"))
    if motifs:
        return Measure(
            "ratio",
            "contacts",
            den=known("motif"),
            num=isin("motif", motifs),
            detail=f"avoidable motifs: {', '.join(map(str, motifs))}",
            empty="no contact with a motif",
        )
    cols = ctx.columns("contacts") if ctx.table("contacts") else set()
    if cols and "avoidable" not in cols and "motif" in cols:
        raise NotComputable(
            ["contacts.avoidable"], "needs contacts.avoidable or the avoidable_motifs parameter"
        )
    return Measure(
        "ratio",
        "contacts",
        den=known("avoidable"),
        num=true("avoidable"),
        detail="avoidable flag",
        empty="no contact with a known flag",
    )


def selfcare_rate(ctx, p):
    canals = as_list(p.get("selfcare_canals"))
    if canals:
        return Measure(
            "ratio",
            "contacts",
            den=known("canal"),
            num=isin("canal", canals),
            detail=f"self-care channels: {', '.join(map(str, canals))}",
            empty="no contact",
        )
    return Measure(
        "ratio",
        "contacts",
        den=known("selfcare_redirected"),
        num=true("selfcare_redirected"),
        detail="selfcare_redirected flag",
        empty="no contact with a known flag",
    )


def _durations(v) -> np.ndarray:
    d = (v.values("resolved_at") - v.values("started_at")) / NS
    d[d < 0] = np.nan  # resolved before it started: data error, left out
    return d


def _items(ctx, p) -> tuple:
    """Rows that are tickets/items (``items_mask`` as a declaration): rows with a ticket_id
    when that field exists, else every row."""
    mode = str(p.get("items", "auto"))
    if mode not in ("auto", "all"):
        raise ValueError("items must be 'auto' or 'all'")
    if mode == "auto" and ctx.has("contacts", "ticket_id"):
        return known("ticket_id"), "items = rows with a ticket_id"
    return ALL, "items = every row"


def mttr(ctx, p):
    ctx.note("contacts")
    items, how = _items(ctx, p)
    return Measure(
        "mean",
        "contacts",
        den=items,
        value=nonneg(seconds("started_at", "resolved_at")),
        needs=("started_at", "resolved_at"),
        durations=True,
        median_in_detail=True,
        detail=f"over resolved items; {how}",
        empty="no resolved item",
    )


def _sla_expr(ctx, sla) -> Expr:
    """SLA per row in seconds: a number of hours, or {canal: hours, 'default': hours} (a later
    canal of the dict overriding an earlier one)."""
    if not isinstance(sla, dict):
        return lit(float(sla) * 3600.0)
    out = lit(float(sla.get("default", sla.get("*", 24))) * 3600.0)
    if ctx.has("contacts", "canal"):
        for canal, hours in sla.items():
            if canal in ("default", "*"):
                continue
            c = isin("canal", [canal])
            out = fill0(where(c, lit(float(hours) * 3600.0))) + fill0(where(~c, out))
    return out


def sla_compliance(ctx, p):
    """100 × Σ(resolved ∧ d ≤ SLA) ÷ Σ(items ∧ (resolved ∨ open with last − start > SLA)),
    d = resolved_at − started_at (≥ 0), last = latest started_at of the whole table."""
    ctx.note("contacts")
    d = nonneg(seconds("started_at", "resolved_at"))
    sla = _sla_expr(ctx, p["sla_hours"])
    resolved = is_num(d)
    at_ns = ctx.last_time("contacts", "started_at")
    if np.isnan(at_ns):
        late_open = lit(False)
    else:
        still_open = ~known("resolved_at") & known("started_at")
        late_open = still_open & (elapsed("started_at", at_ns) > sla)
    items, how = _items(ctx, p)
    return Measure(
        "ratio",
        "contacts",
        den=(resolved | late_open) & items,
        num=resolved & (d <= sla),
        needs=("started_at", "resolved_at"),
        empty="no item with a known outcome",
        detail="resolved within SLA ÷ (resolved + still open past SLA at the last timestamp); "
        + how,
    )


def motifs(ctx, p):
    """Per segment and motif m: 100 × count(motif = m) ÷ count(motif known), most frequent
    first; segmented by motif itself, each motif's share within itself."""
    if "motif" in ctx.by:
        return Measure(
            "ratio",
            "contacts",
            den=known("motif"),
            num=known("motif"),
            empty="no contact with a motif",
            detail="segmented by motif: share within itself",
        )
    return Measure(
        "ratio",
        "contacts",
        den=known("motif"),
        num=ALL,
        per_value="motif",
        detail="share of contacts with a known motif (within the segment)",
        empty="no contact with a motif",
    )


RC = "recontact"
KPIS = [
    KPI(
        "fcr",
        "FCR déclaré (résolu au premier contact selon le conseiller)",
        "FCR declared (agent's flag)",
        G,
        "Contacts marqués résolus au premier contact ÷ contacts dont le drapeau est connu × 100.",
        "Contacts flagged resolved at first contact ÷ contacts with a known flag × 100.",
        "100 × count(resolved_first_contact) ÷ count(resolved_first_contact known)",
        "%",
        "higher",
        75.0,
        {"contacts": ("resolved_first_contact",)},
        {"min_n": MIN_N},
        "ratio",
        population="contacts_known_fcr",
        compute=declared(fcr),
    ),
    KPI(
        "fcr_measured",
        "FCR mesuré (pas de recontact dans la fenêtre)",
        "FCR measured (no recontact within the window)",
        G,
        "Contacts décrochés avec identifiant client non suivis d'un autre contact du même "
        "client (même motif par défaut) dans window_days jours ÷ ces contacts × 100 ; les "
        "contacts dont la fenêtre dépasse la fin des données sont écartés. Sans champ answered, "
        "tous les contacts.",
        "Answered contacts with a customer id not followed by another contact of the customer "
        "(same motif by default) within window_days ÷ such contacts × 100; contacts whose "
        "window runs past the data end are left out. Without an answered field, all contacts.",
        "100 × count(eligible and answered and not followed) ÷ count(eligible and answered)",
        "%",
        "higher",
        75.0,
        {"contacts": ("customer_id", "started_at", "motif")},
        {**RECONTACT_PARAMS, "min_n": MIN_N},
        "ratio",
        variant_of="fcr",
        population="answered_contacts_with_customer_id",
        compute=declared(fcr_measured),
    ),
    KPI(
        "fcr_survey",
        "FCR enquête (résolu selon le client)",
        "FCR survey (customer says)",
        G,
        "Réponses « demande résolue » ÷ réponses à la question × 100 (enquêtes).",
        "Survey answers 'request resolved' ÷ answers to that question × 100.",
        "100 × count(resolved_declared) ÷ count(resolved_declared known)",
        "%",
        "higher",
        75.0,
        {"surveys": ("resolved_declared",)},
        {"min_n": MIN_N},
        "ratio",
        variant_of="fcr",
        population="survey_answers",
        compute=declared(fcr_survey),
    ),
    KPI(
        "recontact_rate",
        "Taux de recontact (par client)",
        "Recontact rate (per customer)",
        G,
        "Clients ayant au moins un contact suivi d'un autre contact du même client dans "
        "window_days jours (même motif par défaut) ÷ clients ayant contacté × 100. Les contacts "
        "sans identifiant client sont hors calcul ; ceux dont la fenêtre dépasse la fin des "
        "données aussi (exclude_censored). Un client compte dans chaque segment où il a un "
        "contact : les segments ne s'additionnent pas.",
        "Customers with at least one contact followed by another of theirs within window_days "
        "(same motif by default) ÷ customers who contacted × 100. Contacts without a customer "
        "id are outside; so are contacts whose window runs past the data end "
        "(exclude_censored). A customer counts in every segment where they have a contact, so "
        "segments do not add up.",
        "100 × distinct customers(followed) ÷ distinct customers(eligible)",
        "%",
        "lower",
        15.0,
        {"contacts": ("customer_id", "started_at", "motif")},
        {**RECONTACT_PARAMS, "min_n": MIN_N},
        "custom",
        population="customers",
        compute=declared(recontact_rate),
    ),
    KPI(
        "recontact_rate_contacts",
        "Taux de recontact (par contact)",
        "Recontact rate (per contact)",
        G,
        "Contacts suivis d'un autre contact du même client dans window_days jours (même motif "
        "par défaut) ÷ contacts avec identifiant client × 100 (mêmes règles de fenêtre).",
        "Contacts followed by another contact of the customer within window_days (same motif "
        "by default) ÷ contacts with a customer id × 100 (same window rules).",
        "100 × count(eligible and followed) ÷ count(eligible)",
        "%",
        "lower",
        15.0,
        {"contacts": ("customer_id", "started_at", "motif")},
        {**RECONTACT_PARAMS, "min_n": MIN_N},
        "ratio",
        variant_of="recontact_rate",
        population="contacts_with_customer_id",
        compute=declared(recontact_rate_contacts),
    ),
    KPI(
        "transfer_rate",
        "Taux de transfert / escalade",
        "Transfer rate",
        G,
        "Contacts transférés ÷ contacts de niveau 1 au drapeau connu × 100 ; sans champ niveau "
        "(ou level1_only=false), ÷ tous les contacts au drapeau connu.",
        "Transferred ÷ level-1 contacts with a known flag × 100; without a niveau field (or "
        "level1_only=false), ÷ all contacts with a known flag.",
        "100 × count(transferred and N1) ÷ count(transferred known and N1)",
        "%",
        "lower",
        15.0,
        {"contacts": ("transferred",)},
        {
            "level1_only": Param(
                True,
                "Only level-1 contacts when niveau is present.",
                "Seulement les contacts de niveau 1.",
            ),
            "level1_label": Param(
                "N1", "Value of niveau meaning level 1.", "Valeur de niveau pour le niveau 1."
            ),
            "min_n": MIN_N,
        },
        "ratio",
        target_note="A high value is not a problem in itself.",
        population="level1_contacts",
        compute=declared(transfer_rate),
    ),
    KPI(
        "avoidable_rate",
        "Taux de contacts évitables",
        "Avoidable contact rate",
        G,
        "Contacts évitables ÷ contacts × 100 : drapeau avoidable, ou motifs listés dans "
        "avoidable_motifs (÷ contacts au motif connu) quand le paramètre est renseigné.",
        "Avoidable contacts ÷ contacts × 100: the avoidable flag, or the motifs listed in "
        "avoidable_motifs (÷ contacts with a known motif) when that parameter is set.",
        "100 × count(avoidable) ÷ count(avoidable known)",
        "%",
        "lower",
        20.0,
        {"contacts": ("avoidable",)},
        {
            "avoidable_motifs": Param(
                [],
                "Motifs counted avoidable (overrides the flag).",
                "Motifs considérés évitables (prime sur le drapeau).",
            ),
            "min_n": MIN_N,
        },
        "ratio",
        population="contacts_known_flag",
        compute=declared(avoidable_rate),
    ),
    KPI(
        "selfcare_rate",
        "Taux de redirection vers le selfcare",
        "Self-care redirection rate",
        G,
        "Contacts redirigés vers le selfcare ÷ contacts au drapeau connu × 100 ; ou, avec "
        "selfcare_canals, contacts sur ces canaux ÷ contacts au canal connu.",
        "Contacts redirected to self-care ÷ contacts with a known flag × 100; or, with "
        "selfcare_canals, contacts on those channels ÷ contacts with a known channel.",
        "100 × count(selfcare_redirected) ÷ count(selfcare_redirected known)",
        "%",
        "higher",
        20.0,
        {"contacts": ("selfcare_redirected",)},
        {
            "selfcare_canals": Param(
                [],
                "Channels counted as self-care (instead of the flag).",
                "Canaux comptés comme selfcare.",
            ),
            "min_n": MIN_N,
        },
        "ratio",
        population="contacts_known_flag",
        compute=declared(selfcare_rate),
    ),
    KPI(
        "mttr",
        "Délai moyen de résolution (MTTR)",
        "Mean time to resolve (MTTR)",
        G,
        "Moyenne de (resolved_at − started_at) en secondes sur les éléments résolus (médiane "
        "dans le détail) ; éléments = lignes avec un ticket_id quand ce champ existe ; une "
        "résolution antérieure au début est écartée.",
        "Mean (resolved_at − started_at) in seconds over resolved items (median in the "
        "detail); items = rows with a ticket_id when that field exists; a resolution before "
        "the start is left out.",
        "mean(resolved_at − started_at)",
        "s",
        "lower",
        86400.0,
        {"contacts": ("started_at", "resolved_at")},
        {"items": ITEMS, "min_n": MIN_N},
        "mean",
        population="resolved_items",
        compute=declared(mttr),
    ),
    KPI(
        "sla_compliance",
        "Respect des SLA",
        "SLA compliance",
        G,
        "Éléments résolus dans le délai (sla_hours, défaut 24 h, dictionnaire par canal "
        "possible) ÷ éléments à l'issue connue × 100 ; issue connue = résolu, ou encore ouvert "
        "et déjà hors délai à la dernière date des données. Éléments = lignes avec un ticket_id "
        "quand ce champ existe.",
        "Items resolved within sla_hours (default 24 h; a dict per canal allowed) ÷ items with "
        "a known outcome × 100; known outcome = resolved, or still open and already past the "
        "SLA at the last timestamp. Items = rows with a ticket_id when that field exists.",
        "100 × count(resolved within SLA) ÷ count(resolved or open past SLA)",
        "%",
        "higher",
        90.0,
        {"contacts": ("started_at", "resolved_at")},
        {
            "sla_hours": Param(
                24,
                "SLA in hours, or {canal: hours, 'default': hours}.",
                "SLA en heures, ou {canal: heures, 'default': heures}.",
            ),
            "items": ITEMS,
            "min_n": MIN_N,
        },
        "ratio",
        population="items_known_outcome",
        compute=declared(sla_compliance),
    ),
    KPI(
        "motifs",
        "Motifs de contact",
        "Contact reasons",
        G,
        "Une ligne par motif : nombre de contacts du motif ÷ contacts au motif connu × 100 "
        "(dans chaque segment), du plus fréquent au moins fréquent (Pareto).",
        "One row per motif: contacts of the motif ÷ contacts with a known motif × 100 (within "
        "each segment), largest first (Pareto).",
        "100 × count(motif = m) ÷ count(motif known)",
        "%",
        "neutral",
        20.0,
        {"contacts": ("motif",)},
        {},
        "custom",
        target_note="Watch when one motif carries more than ~20 % of the volume.",
        population="contacts_with_motif",
        compute=declared(motifs),
    ),
]
