"""Canonical tables and fields: name, kind, fr/en label, header synonyms.

Every import lands in one of three canonical tables (contacts, surveys, evaluations). Field names
are English snake_case; labels are shown in French or English. Synonyms feed the automatic column
mapping (compared after accent/case/punctuation folding, see ``kpis.io.mapping.fold``).

Kinds: ``datetime`` (timezone-naive local time), ``duration`` (seconds, float), ``bool``,
``category`` (low-cardinality label), ``id`` (identifier kept as text), ``score`` (number on a
scale), ``number``, ``text`` (free text, never categorised).
"""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("datetime", "duration", "bool", "category", "id", "score", "number", "text")


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label_fr: str
    label_en: str
    synonyms: tuple[str, ...] = ()
    required: bool = False
    scale: tuple[float, float] | None = None  # valid range for scores
    personal: bool = False  # pseudonymised on import

    def label(self, lang: str = "fr") -> str:
        return self.label_fr if lang == "fr" else self.label_en


@dataclass(frozen=True)
class Table:
    name: str
    label_fr: str
    label_en: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def get(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


def _f(name, kind, fr, en, *syn, required=False, scale=None, personal=False) -> Field:
    return Field(name, kind, fr, en, tuple(syn), required, scale, personal)


CONTACTS = Table(
    "contacts",
    "Contacts",
    "Contacts",
    (
        _f(
            "started_at", "datetime", "Date du contact", "Contact start",
            "date d'appel", "date appel", "date du contact", "date de contact", "date heure",
            "date", "datetime", "timestamp", "created at", "created", "date de creation",
            "created time", "created date", "date received", "start time", "call start",
            "call started", "debut", "heure debut", "date debut", "started at", "start",
            "call date", "calllocaltime", "call local time", "date received", "creation date",
            "opened at", "time", "heure", "date de reception",
            required=True,
        ),
        _f(
            "contact_id", "id", "Identifiant du contact", "Contact id",
            "id appel", "identifiant appel", "call id", "call_id", "contact id", "id contact",
            "interaction id", "conversation id", "id", "ticket id", "ticket number",
            "numero de ticket", "complaint id", "tweet id", "zendesk id", "uuid", "call id uuid",
            "reference", "ref",
        ),
        _f(
            "customer_id", "id", "Identifiant client", "Customer id",
            "client", "id client", "identifiant client", "numero client", "customer",
            "customer id", "client id", "caller", "appelant", "numero appelant", "ani",
            "caller id", "requester id", "requester", "customer email", "email client",
            "author id", "rand client", "phone", "telephone client", "raw digits",
            "customerid", "user id", "contact",
            personal=True,
        ),
        _f(
            "canal", "category", "Canal", "Channel",
            "canal", "channel", "ticket channel", "via", "source", "media", "media type",
            "submitted via", "initial channel", "type de contact", "canal de contact",
            "mode de contact",
        ),
        _f(
            "direction", "category", "Sens", "Direction",
            "sens", "direction", "sens de l'appel", "call direction", "entrant sortant",
            "inbound", "originating direction",
        ),
        _f(
            "motif", "category", "Motif", "Reason",
            "motif", "motif de contact", "motif d'appel", "raison", "raison du contact",
            "topic", "reason", "contact reason", "call reason", "subject", "ticket subject",
            "issue", "issue category", "category", "categorie", "type de demande",
            "ticket type", "theme", "thematique", "objet", "sujet", "type",
        ),
        _f(
            "sous_motif", "category", "Sous-motif", "Sub-reason",
            "sous motif", "sous-motif", "sub reason", "sub topic", "sub issue", "sub product",
            "sous categorie", "subcategory",
        ),
        _f(
            "niveau", "category", "Niveau", "Level",
            "niveau", "niveau de support", "level", "support level", "tier", "escalation level",
            "ligne", "n1 n2 n3",
        ),
        _f(
            "agent_id", "category", "Conseiller", "Agent",
            "agent", "conseiller", "agent id", "nom agent", "nom conseiller", "teleconseiller",
            "operateur", "assignee", "assignee id", "assignee name", "owner", "server",
            "responder id", "user", "agent name", "rep", "sales rep", "last agent",
            "first agent", "agent_id",
        ),
        _f(
            "team", "category", "Équipe", "Team",
            "equipe", "team", "groupe", "group", "owner group", "teams", "pole", "cellule",
            "nom equipe", "team name",
        ),
        _f("site", "category", "Site", "Site", "site", "centre", "plateau", "location"),
        _f(
            "segment", "category", "Segment client", "Customer segment",
            "segment", "segment client", "customer segment", "type de client", "customer type",
            "profil client", "marche", "market",
        ),
        _f(
            "provider", "category", "Prestataire", "Provider",
            "prestataire", "provider", "outsourcer", "sous traitant", "vendor", "partenaire",
            "bpo", "centre d'appels",
        ),
        _f(
            "queue", "category", "File d'attente", "Queue",
            "file", "file d'attente", "queue", "queue name", "vru line", "skill",
            "competence", "groupe d'appel", "campagne", "campaign", "priority", "priorite",
            "severity", "ticket priority",
        ),
        _f(
            "offered", "bool", "Présenté", "Offered",
            "presente", "offered", "appel presente", "incoming",
        ),
        _f(
            "answered", "bool", "Décroché", "Answered",
            "decroche", "answered", "answered y n", "repondu", "traite", "outcome",
            "call type", "statut appel", "status appel", "abandon", "abandonne", "abandoned",
            "decroche o n", "answered yes no",
        ),
        _f(
            "wait_s", "duration", "Temps d'attente (s)", "Wait (s)",
            "temps d'attente", "attente", "duree d'attente", "delai de decroche",
            "wait", "wait time", "wait length", "waiting time", "queue time",
            "speed of answer in seconds", "speed of answer", "time to answer",
            "answer speed", "asa", "temps avant decroche", "waitduration",
        ),
        _f(
            "talk_s", "duration", "Durée de communication (s)", "Talk (s)",
            "duree de communication", "duree communication", "duree conversation",
            "temps de communication", "communication", "talk", "talk time", "talk duration",
            "avgtalkduration", "conversation", "service length", "service seconds",
            "service time", "handle time", "duree", "duration", "convduration", "duree appel",
            "call duration", "handling duration",
        ),
        _f(
            "hold_s", "duration", "Mise en attente (s)", "Hold (s)",
            "mise en attente", "duree de mise en attente", "temps de mise en attente", "hold",
            "hold time", "on hold", "held",
        ),
        _f(
            "acw_s", "duration", "Post-appel (s)", "After-call work (s)",
            "post appel", "temps post appel", "duree post appel", "traitement post appel",
            "acw", "after call work", "wrap up", "wrap up time", "wrapup", "wrapupduration",
            "acw seconds",
        ),
        _f(
            "transferred", "bool", "Transféré", "Transferred",
            "transfere", "transfert", "transferred", "transfer", "escalade", "escalated",
            "is escalated",
        ),
        _f(
            "transfer_to", "category", "Transféré vers", "Transferred to",
            "transfere vers", "destination transfert", "transferred to", "transfer to",
            "transferee name",
        ),
        _f(
            "resolved_first_contact", "bool", "Résolu au premier contact (déclaré)",
            "Resolved at first contact (declared)",
            "resolu", "resolu au premier contact", "resolution premier contact", "rpc", "fcr",
            "resolved", "first contact resolution", "first call resolution", "resolved y n",
            "first contact resolution flag", "one touch",
        ),
        _f(
            "ticket_id", "id", "Ticket", "Ticket",
            "ticket", "numero ticket", "ticket ref", "case id", "dossier",
        ),
        _f("reopened", "bool", "Réouvert", "Reopened", "reouvert", "reopened", "reopens"),
        _f(
            "resolved_at", "datetime", "Date de résolution", "Resolved at",
            "date de resolution", "date resolution", "resolu le", "resolved at",
            "solved at", "resolved time", "closed at", "date de cloture", "closed time",
            "time to resolution",
        ),
        _f("status", "category", "Statut", "Status", "statut", "status", "ticket status", "etat"),
        _f(
            "converted", "bool", "Converti (vente)", "Converted (sale)",
            "vente", "converti", "conversion", "converted", "sale", "sold",
        ),
        _f(
            "selfcare_redirected", "bool", "Redirigé selfcare", "Redirected to self-care",
            "selfcare", "redirige selfcare", "redirection selfcare", "self service",
            "redirected to faq",
        ),
        _f(
            "avoidable", "bool", "Évitable", "Avoidable",
            "evitable", "contact evitable", "avoidable",
        ),
        _f(
            "csat_score", "score", "Note CSAT", "CSAT score",
            "satisfaction", "note satisfaction", "satisfaction rating", "csat",
            "customer satisfaction rating", "satisfaction score", "statisfaction score", "stars",
            "etoiles", "review stars",
            "rating", "rating score", "note",
        ),
    ),
)

SURVEYS = Table(
    "surveys",
    "Enquêtes",
    "Surveys",
    (
        _f(
            "answered_at", "datetime", "Date de réponse", "Answered at",
            "date de reponse", "date reponse", "date", "surveyed at", "answered at",
            "response date", "submitted at", "date enquete", "created at",
            required=True,
        ),
        _f("contact_id", "id", "Identifiant du contact", "Contact id",
           "id appel", "id contact", "contact id", "call id", "ticket id", "interaction id"),
        _f("customer_id", "id", "Identifiant client", "Customer id",
           "client", "id client", "customer id", "user id", "id", "respondent id",
           "requester id", personal=True),
        _f("canal", "category", "Canal", "Channel", "canal", "channel"),
        _f("motif", "category", "Motif", "Reason", "motif", "reason", "topic", "segment"),
        _f("agent_id", "category", "Conseiller", "Agent", "agent", "conseiller", "agent id"),
        _f("team", "category", "Équipe", "Team", "equipe", "team"),
        _f("segment", "category", "Segment client", "Customer segment",
           "segment", "segment client", "customer segment", "type de client", "customer type",
           "profil client", "is admin"),
        _f("provider", "category", "Prestataire", "Provider", "prestataire", "provider"),
        _f("csat_score", "score", "Note CSAT", "CSAT score",
           "csat", "note csat", "satisfaction", "satisfaction rating", "note satisfaction",
           "score csat", "rating", "stars", "etoiles", "review stars"),
        _f("nps_score", "score", "Note NPS (0–10)", "NPS score (0–10)",
           "nps", "note nps", "recommandation", "probabilite de recommandation",
           "likelihood to recommend", "nps score", "score", "recommend"),
        _f("ces_score", "score", "Note d'effort (CES)", "Effort score (CES)",
           "ces", "effort", "note effort", "customer effort", "effort score", "score d'effort"),
        _f("resolved_declared", "bool", "Résolu (déclaré par le client)",
           "Resolved (customer says)", "demande resolue", "resolu", "resolved",
           "was your request resolved", "probleme resolu"),
        _f("comment", "text", "Verbatim", "Comment",
           "verbatim", "commentaire", "comment", "comments", "remarque", "feedback",
           "message", "rating message", "texte", "text", "review", "reviews"),
    ),
)

EVALUATIONS = Table(
    "evaluations",
    "Évaluations qualité",
    "Quality evaluations",
    (
        _f("evaluated_at", "datetime", "Date d'évaluation", "Evaluated at",
           "date d'evaluation", "date evaluation", "date", "evaluated at", "date ecoute",
           required=True),
        _f("agent_id", "category", "Conseiller", "Agent",
           "agent", "conseiller", "agent id", "nom conseiller", required=True),
        _f("canal", "category", "Canal", "Channel", "canal", "channel", "media"),
        _f("contact_id", "id", "Identifiant du contact", "Contact id",
           "id appel", "id contact", "contact id", "ticket id"),
        _f("evaluator", "category", "Évaluateur", "Evaluator",
           "evaluateur", "evaluator", "superviseur", "supervisor", "auditeur", "qualiticien"),
        _f("grid", "category", "Grille", "Grid", "grille", "grid", "type d'evaluation"),
        _f("item", "category", "Item de grille", "Grid item", "item", "critere", "criterion"),
        _f("score", "number", "Note", "Score", "note", "score", "note obtenue", "resultat"),
        _f("max_score", "number", "Note maximale", "Max score",
           "note max", "bareme", "max score", "note maximale", "sur"),
    ),
)

PERIODS = Table(
    "periods",
    "Agrégats par période",
    "Per-period aggregates",
    (
        _f("period_start", "datetime", "Début de période", "Period start",
           "periode", "date", "jour", "day", "mois", "month", "semaine", "week", "period",
           "date de debut", "period start"),
        _f("period_index", "number", "N° de période", "Period number", "index", "numero",
           "period index", "n"),
        _f("offered_n", "number", "Appels présentés", "Offered calls",
           "appels presentes", "appels recus", "appels entrants", "incoming calls", "offered",
           "calls offered", "offered calls", "presentes", "nb appels", "total calls"),
        _f("answered_n", "number", "Appels décrochés", "Answered calls",
           "appels decroches", "appels traites", "answered calls", "calls answered", "handled",
           "handled calls", "decroches", "traites"),
        _f("abandoned_n", "number", "Appels abandonnés", "Abandoned calls",
           "appels abandonnes", "abandoned calls", "calls abandoned", "abandons", "abandonnes"),
        _f("asa_s", "duration", "Temps moyen de réponse (s)", "Average speed of answer (s)",
           "answer speed avg", "asa", "average speed of answer", "vitesse moyenne de reponse",
           "temps moyen de decroche", "answer speed"),
        _f("talk_avg_s", "duration", "DMC moyenne (s)", "Average talk (s)",
           "talk duration avg", "average talk time", "dmc", "duree moyenne de communication",
           "avg talk", "talk duration"),
        _f("wait_avg_s", "duration", "Attente moyenne (s)", "Average wait (s)",
           "waiting time avg", "average wait", "temps moyen d'attente", "attente moyenne",
           "waiting time"),
        _f("service_level_pct", "number", "Niveau de service (%)", "Service level (%)",
           "service level", "service level 20 seconds", "niveau de service", "ns", "sl"),
        _f("answer_rate_pct", "number", "Taux de décroché (%)", "Answer rate (%)",
           "answer rate", "taux de decroche", "taux de reponse"),
    ),
)
TABLES: dict[str, Table] = {t.name: t for t in (CONTACTS, SURVEYS, EVALUATIONS, PERIODS)}

# Normalised channel labels (folded source value -> canonical value).
CANAL_VALUES: dict[str, str] = {
    **dict.fromkeys(
        ["telephone", "tel", "phone", "appel", "appels", "voice", "voix", "call", "calls",
         "telephonie", "inbound call", "voip"], "telephone"),
    **dict.fromkeys(["mail", "e mail", "email", "courriel", "emails", "mails"], "email"),
    **dict.fromkeys(["chat", "tchat", "live chat", "webchat", "messagerie instantanee",
                     "messaging", "messenger", "whatsapp"], "chat"),
    **dict.fromkeys(["social media", "reseaux sociaux", "social", "twitter", "facebook",
                     "instagram", "rs"], "reseaux_sociaux"),
    **dict.fromkeys(["courrier", "postal mail", "postal", "lettre", "mail postal"], "courrier"),
    **dict.fromkeys(["web", "formulaire", "form", "web form", "portal", "portail",
                     "site web", "espace client"], "web"),
    **dict.fromkeys(["sms", "texto"], "sms"),
    **dict.fromkeys(["fax", "telecopie"], "fax"),
    **dict.fromkeys(["referral", "recommandation", "orientation"], "orientation"),
    **dict.fromkeys(["agence", "boutique", "face a face", "in person", "walk in"], "agence"),
}

NIVEAU_VALUES: dict[str, str] = {
    **dict.fromkeys(["n1", "1", "niveau 1", "level 1", "l1", "tier 1", "t1", "front",
                     "front office"], "N1"),
    **dict.fromkeys(["n2", "2", "niveau 2", "level 2", "l2", "tier 2", "t2", "expert",
                     "back office"], "N2"),
    **dict.fromkeys(["n3", "3", "niveau 3", "level 3", "l3", "tier 3", "t3"], "N3"),
}

TRUE_VALUES = frozenset(
    ["y", "yes", "o", "oui", "vrai", "true", "t", "1", "1.0", "x", "ok", "si"]
)
FALSE_VALUES = frozenset(
    ["n", "no", "non", "faux", "false", "f", "0", "0.0"]
)
