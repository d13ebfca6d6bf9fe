"""What a KPI counts over: its population, one id per KPI with a French and an English label.

Every KPI declares ``population`` (an id of ``POPULATIONS``); a compute function may name another
one for a run (e.g. telephony KPIs extended to chat by ``telephony_channels``). Each engine result
row carries that id in the ``population_id`` column; ``population_label(id, lang)`` gives the text
and ``population_text(n, id, lang)`` the phrase cards and deliverables print:
"18 662 appels entrants présentés" / "18,662 inbound calls presented".
"""

from __future__ import annotations

from kpis import format as fmt

# id → (French, English); labels are plural nouns that read after a count
POPULATIONS: dict[str, tuple[str, str]] = {
    "inbound_calls_presented": ("appels entrants présentés", "inbound calls presented"),
    "inbound_calls_answered": ("appels entrants décrochés", "inbound calls answered"),
    "inbound_queued_presented": (
        "contacts entrants présentés en file (téléphone et canaux synchrones)",
        "inbound queued contacts presented (phone and synchronous channels)",
    ),
    "inbound_queued_answered": (
        "contacts entrants décrochés en file (téléphone et canaux synchrones)",
        "inbound queued contacts answered (phone and synchronous channels)",
    ),
    "answered_contacts": ("contacts décrochés (tous canaux)", "answered contacts (all channels)"),
    "contacts": ("contacts", "contacts"),
    "dated_contacts": ("contacts datés", "contacts with a start time"),
    "contacts_known_fcr": (
        "contacts au drapeau « résolu au premier contact » renseigné",
        "contacts with a known first-contact-resolution flag",
    ),
    "answered_contacts_with_customer_id": (
        "contacts décrochés avec un identifiant client",
        "answered contacts with a customer id",
    ),
    "contacts_with_customer_id": (
        "contacts avec un identifiant client",
        "contacts with a customer id",
    ),
    "customers": ("clients ayant contacté", "customers who contacted"),
    "level1_contacts": (
        "contacts de niveau 1 au drapeau de transfert renseigné",
        "level-1 contacts with a known transfer flag",
    ),
    "contacts_known_flag": ("contacts au drapeau renseigné", "contacts with the flag filled in"),
    "contacts_with_motif": ("contacts au motif connu", "contacts with a known motif"),
    "contacts_known_channel": ("contacts au canal connu", "contacts with a known channel"),
    "contacts_known_sale": (
        "contacts au résultat de vente connu",
        "contacts with a known sale outcome",
    ),
    "resolved_items": ("éléments résolus", "resolved items"),
    "items_known_outcome": ("éléments à l'issue connue", "items with a known outcome"),
    "open_items": ("éléments ouverts", "open items"),
    "survey_answers": ("réponses à l'enquête", "survey answers"),
    "evaluations": ("évaluations qualité", "quality evaluations"),
    "agent_months": ("mois-conseillers", "agent-months"),
    "agent_days": ("jours-conseillers", "agent-days"),
    "planned_hours": ("heures planifiées", "planned hours"),
    "headcount": ("effectif moyen", "average headcount"),
    "customer_base": ("clients en portefeuille en début de période", "customers at period start"),
    "renewals_due": ("abonnements à renouveler", "subscriptions due for renewal"),
    "cost_period_contacts": (
        "contacts des périodes de coût",
        "contacts in the cost periods",
    ),
    "acd_offered": ("appels présentés (rapport agrégé)", "offered calls (aggregated report)"),
    "acd_answered": ("appels décrochés (rapport agrégé)", "answered calls (aggregated report)"),
}


def population_label(pop_id: str | None, lang: str = "fr") -> str:
    """The population's label in ``lang`` ("" for an unknown or empty id)."""
    pair = POPULATIONS.get(pop_id or "")
    if pair is None:
        return ""
    return pair[0] if lang == "fr" else pair[1]


def population_text(n, pop_id: str | None, lang: str = "fr") -> str:
    """ "18 662 appels entrants présentés" (the count through ``kpis.format.integer``)."""
    label = population_label(pop_id, lang)
    count = fmt.integer(n, lang)
    return f"{count} {label}".strip()
