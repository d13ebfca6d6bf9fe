"""Tables, fields and engine messages in the user's words (fr/en), with no code names.

``field_label`` / ``table_label``: the schema's labels (``kpis.schema.TABLES``), plus the period
inputs' fields. ``humanize(text, lang)``: every field id (``csat_score``, ``surveys.csat_score``)
in a text becomes « its label ». ``needs_text``: a KPI's or view's needs as a sentence.
``category_label(field, value, lang)``: a canonical category code (``telephone`` under ``canal``)
in words (« Téléphone »); other values (motifs…) are the user's own words, shown as they are.
``detail_text(detail, lang)``: an engine detail (the English note of ``kpis.engine.compute``, e.g.
"needs table surveys", "threshold 20 s; abandons counted") in ``lang``, fragment by fragment
(``"; "``); a fragment no pattern knows keeps its words, its field ids humanized.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# the period inputs' columns (kpis.io.period_inputs), not in kpis.schema
EXTRA_FIELDS: dict[str, tuple[str, str]] = {
    "period_end": ("Fin de période", "Period end"),
    "cost": ("Coût", "Cost"),
    "planned_h": ("Heures planifiées", "Planned hours"),
    "absent_h": ("Heures d'absence", "Absence hours"),
    "worked_days": ("Jours travaillés", "Days worked"),
    "start": ("Clients en début de période", "Customers at start"),
    "new": ("Nouveaux clients", "New customers"),
    "lost": ("Clients perdus", "Lost customers"),
    "end": ("Clients en fin de période", "Customers at end"),
    "renewals_due": ("Renouvellements attendus", "Renewals due"),
    "renewed": ("Renouvelés", "Renewed"),
    "avg_headcount": ("Effectif moyen", "Average headcount"),
    "leavers": ("Départs", "Leavers"),
}
EXTRA_TABLES: dict[str, tuple[str, str]] = {
    "costs": ("Coûts par période", "Costs per period"),
    "hours": ("Heures planifiées et d'absence", "Planned and absent hours"),
    "customer_base": ("Base clients", "Customer base"),
    "headcount": ("Effectifs", "Headcount"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "fr" else pair[1]


# canonical category codes (kpis.schema CANAL_VALUES / DIRECTION_VALUES) → (fr, en) words; the
# data keep their codes (filters, engine, data exports), only what is shown changes
CATEGORY_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "canal": {
        "telephone": ("Téléphone", "Phone"),
        "email": ("E-mail", "Email"),
        "chat": ("Chat", "Chat"),
        "reseaux_sociaux": ("Réseaux sociaux", "Social media"),
        "courrier": ("Courrier", "Mail"),
        "sms": ("SMS", "SMS"),
        "fax": ("Fax", "Fax"),
        "agence": ("Agence", "Branch"),
        "web": ("Web", "Web"),
        "orientation": ("Orientation", "Routing"),
    },
    "direction": {"entrant": ("Entrant", "Inbound"), "sortant": ("Sortant", "Outbound")},
}


def field_label(name: str, lang: str = "fr") -> str | None:
    """The label of a canonical or period-input field (None when unknown)."""
    from kpis.schema import TABLES

    for tdef in TABLES.values():
        if name in tdef.names:
            return tdef.get(name).label(lang)
    return _pick(EXTRA_FIELDS[name], lang) if name in EXTRA_FIELDS else None


def category_label(field: str, value, lang: str = "fr"):
    """A category code in words: ``category_label("canal", "telephone", "fr")`` → "Téléphone"
    ("Phone" in English); a value of another field, or not a known code, is returned as is."""
    pair = CATEGORY_LABELS.get(field, {}).get(value) if isinstance(value, str) else None
    return value if pair is None else _pick(pair, lang)


# channel codes that are never French words: said in words wherever a French text names them
CODE_WORDS = ("telephone", "reseaux_sociaux", "email")


def code_words(text: str, lang: str = "fr") -> str:
    """In French, the channel codes that are never French words (``CODE_WORDS``) in words
    wherever they stand as a whole word ("canal email ou chat" → "canal E-mail ou chat")."""
    if lang != "fr":
        return text
    for code in CODE_WORDS:
        words = category_label("canal", code, lang)
        text = re.sub(rf"(?<![\w-]){re.escape(code)}(?![\w-])", words, text)
    return text


def cell_label(cell, fields, lang: str = "fr") -> str:
    """A cell of several fields, "Livraison · telephone · N1" of (motif, canal, niveau), with
    each code in words: "Livraison · Téléphone · N1"; a cell of another shape is left as is."""
    parts = str(cell).split(" · ")
    if len(parts) != len(fields):
        return str(cell)
    return " · ".join(str(category_label(f, p, lang)) for f, p in zip(fields, parts, strict=True))


def labelled_field(field: str) -> bool:
    """Whether the values of ``field`` are codes that ``category_label`` puts in words."""
    return field in CATEGORY_LABELS


# opening hours: the parser (kpis.definitions.telephony) takes English or French day names
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAYS_FR = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
_DAY = "|".join(DAY_CODES)
_DAY_GROUP = re.compile(rf"\b(?:{_DAY})(?:[-,](?:{_DAY}))*(?= \d)", re.IGNORECASE)


def hours_text(spec, lang: str = "fr") -> str:
    """Opening hours as the user reads and types them: "mon-sat 08:00-20:00" → "lun-sam
    08:00-20:00" in French (English keeps its day names); a dict spec as one line. Day names
    elsewhere in ``spec`` (a sentence quoting hours) change only before a time."""
    if isinstance(spec, Mapping):
        spec = "; ".join(
            f"{d} {h if isinstance(h, str) else ','.join(map(str, h))}" for d, h in spec.items()
        )
    text = "" if spec is None else str(spec)
    if lang != "fr":
        return text

    def fr(m: re.Match) -> str:
        return re.sub(_DAY, lambda d: DAYS_FR[DAY_CODES.index(d.group(0).lower())], m.group(0),
                      flags=re.IGNORECASE)  # fmt: skip

    return _DAY_GROUP.sub(fr, text)


def hours_spec(text: str) -> str:
    """Typed opening hours with the stored (English) day names: "lun-sam 08:00-20:00" →
    "mon-sat 08:00-20:00" (a French day named in full, "lundi", too); other words unchanged."""

    def en(m: re.Match) -> str:
        word = m.group(0).lower()
        return DAY_CODES[DAYS_FR.index(word[:3])] if word[:3] in DAYS_FR else m.group(0)

    return re.sub(r"[^\W\d_]+", en, str(text))


def table_label(name: str, lang: str = "fr") -> str:
    from kpis.schema import TABLES

    if name in TABLES:
        return TABLES[name].label_fr if lang == "fr" else TABLES[name].label_en
    return _pick(EXTRA_TABLES[name], lang) if name in EXTRA_TABLES else name


def quoted(label: str, lang: str) -> str:
    return f"« {label} »" if lang == "fr" else f"'{label}'"


def item_text(item: str, lang: str = "fr") -> str:
    """ "surveys.csat_score" → « Note CSAT » (Enquêtes); "surveys" → the table's label."""
    table, _, fld = item.partition(".")
    if not fld:
        return quoted(table_label(table, lang), lang)
    label = field_label(fld, lang) or fld
    return f"{quoted(label, lang)} ({table_label(table, lang)})"


def needs_text(needs: Mapping[str, Iterable[str]] | Iterable[str], lang: str = "fr") -> str:
    """{"surveys": ("csat_score",)} → "Enquêtes : Note CSAT"; ["surveys.csat_score"] → items."""
    if isinstance(needs, Mapping):
        return " ; ".join(
            f"{table_label(t, lang)} : {', '.join(field_label(f, lang) or f for f in fields)}"
            for t, fields in needs.items()
        )
    return ", ".join(item_text(i, lang) for i in needs)


_TABLE_NAMES = "contacts|surveys|evaluations|periods|costs|hours|customer_base|headcount"
_ID = re.compile(rf"\b(?:({_TABLE_NAMES})\.)?([a-z]+(?:_[a-z0-9]+)+|[a-z]+)\b")
_TABLE_WORD = re.compile(rf"\b(?:the )?({_TABLE_NAMES}) table\b|\btable ({_TABLE_NAMES})\b")


STATUS_WORDS: dict[str, tuple[str, str]] = {
    "low_sample": ("échantillon insuffisant", "sample too small"),
    "not_computable": ("non calculable", "not computable"),
    "no_data": ("pas de donnée", "no data"),
}


def humanize(text: str, lang: str = "fr", extra: Mapping[str, str] | None = None) -> str:
    """Field ids in ``text`` (``agent_id``, ``surveys.csat_score``) → « label »; ``table hours``
    / ``hours table`` → the table's label; a status (``low_sample``) and the ids of ``extra``
    (e.g. parameter names → labels) → « their words ». Other words are left alone."""

    def table_word(m: re.Match) -> str:
        name = m.group(1) or m.group(2)
        return ("table " if lang == "fr" else "table ") + quoted(table_label(name, lang), lang)

    def one(m: re.Match) -> str:
        table, name = m.group(1), m.group(2)
        if extra and name in extra and not table:
            return quoted(extra[name], lang)
        if name in STATUS_WORDS and not table:
            return quoted(_pick(STATUS_WORDS[name], lang), lang)
        if "_" not in name and not table:
            return m.group(0)
        label = field_label(name, lang)
        if label is None:
            return m.group(0)
        return quoted(label, lang) + (f" ({table_label(table, lang)})" if table else "")

    return _ID.sub(one, _TABLE_WORD.sub(table_word, text))


# engine detail fragments: English pattern → French (groups kept; ids humanized afterwards)
_FR: tuple[tuple[str, str], ...] = (
    (r"needs table (\w+)", "nécessite la table {t1}"),
    (
        r"needs contacts\.motif \(or same_motif=false\)",
        "nécessite {item:contacts.motif} (ou le paramètre « même motif » désactivé)",
    ),  # fmt: skip
    (
        r"needs contacts\.avoidable or the avoidable_motifs parameter",
        "nécessite {item:contacts.avoidable} ou le paramètre « Motifs évitables »",
    ),  # fmt: skip
    (
        r"needs evaluations\.canal to pick email/chat",
        "nécessite {item:evaluations.canal} pour choisir e-mail / chat",
    ),  # fmt: skip
    (r"needs one of (.+)", "nécessite l'un des champs {1}"),
    (r"needs (\S+) \(or (\S+)\)", "nécessite {1} (ou {2})"),
    (r"needs (.+)", "nécessite {1}"),
    (
        r"(\w+) lacks (.+) \(segment, period or filter field\)",
        "{t1} n'a pas : {f2} (champ de segment, de période ou de filtre)",
    ),  # fmt: skip
    (
        r"short_abandon_s > 0 needs contacts\.wait_s",
        "un seuil d'abandons courts nécessite {item:contacts.wait_s}",
    ),  # fmt: skip
    (
        r"conversion_denominator=answered needs it",
        "la conversion sur les contacts décrochés nécessite {item:contacts.answered}",
    ),  # fmt: skip
    (
        r"cost_base=handled needs it",
        "le coût par contact traité nécessite {item:contacts.answered}",
    ),  # fmt: skip
    (
        r"agent_days_source=hours needs it",
        "les jours-agents pris dans les heures nécessitent {item:hours.worked_days}",
    ),  # fmt: skip
    (r"no compute function declared", "aucun calcul déclaré"),
    (r"not computable", "non calculable"),
    (r"(.+) taken from contacts via contact_id", "{f1} repris des contacts (par n° de contact)"),
    (r"no canal field: all evaluations", "pas de champ canal : toutes les évaluations"),
    (r"all contacts \(rows\)", "tous les contacts (lignes)"),
    (r"(\w+) flag", "indicateur {f1}"),
    (r"components used: (.+)", "composantes utilisées : {1}"),
    (r"over answered contacts", "sur les contacts décrochés"),
    (
        r"over answered contacts \(unknown = not converted\)",
        "sur les contacts décrochés (inconnu = non converti)",
    ),  # fmt: skip
    (r"over answered calls", "sur les appels décrochés"),
    (r"over contacts with a known converted value", "sur les contacts à conversion connue"),
    (r"over level-1 contacts \((.+)\)", "sur les contacts de niveau 1 ({1})"),
    (
        r"over offered calls \(answered and abandoned\)",
        "sur les appels présentés (décrochés et abandonnés)",
    ),  # fmt: skip
    (r"over resolved items", "sur les éléments résolus"),
    (r"a missing value in a used component counts 0", "une valeur manquante compte 0"),
    (
        r"costs ÷ contacts started in the cost periods",
        "coûts ÷ contacts démarrés dans les périodes de coûts",
    ),  # fmt: skip
    (r"costs split by provider", "coûts répartis par prestataire"),
    (r"customer's answer in surveys", "réponse du client dans les enquêtes"),
    (r"declared by the agent", "déclaré par le conseiller"),
    (r"handled = answered contacts", "traités = contacts décrochés"),
    (r"handled contacts ÷ (.+)", "contacts traités ÷ {1}"),
    (r"agent-days \((.+)\)", "jours-agents ({1})"),
    (
        r"distinct \(agent, day\) with a handled contact",
        "couples (conseiller, jour) distincts avec un contact traité",
    ),  # fmt: skip
    (
        r"agent-months = distinct \(agent, month\) evaluated",
        "mois-conseillers = couples (conseiller, mois) évalués",
    ),  # fmt: skip
    (r"agent-months = (.+)", "mois-conseillers = couples (conseiller, mois) évalués ou actifs"),
    (r"empty denominator", "dénominateur vide"),
    (r"empty denominator: (.+)", "dénominateur vide : {empty1}"),
    (
        r"(\d+) evaluation\(s\) without max_score left out",
        "{1} évaluation(s) sans note maximale écartée(s)",
    ),  # fmt: skip
    (r"no answered field: all contacts", "pas de champ « décroché » : tous les contacts"),
    (r"mean on (\S+)", "moyenne sur {1}"),
    (r"high = more effort", "note haute = plus d'effort"),
    (
        r"scores (\S+) of (\S+) \(high = more effort\)",
        "notes {1} sur {2} (note haute = plus d'effort)",
    ),  # fmt: skip
    (r"mean score", "note moyenne"),
    (r"source (\w+)", "source : {t1}"),
    (r"open at (.+)", "ouverts au {date1}"),
    (r"items = rows with a ticket_id", "éléments = lignes avec un n° de ticket"),
    (r"median (\d+) s", "médiane {dur1}"),
    (r"opening hours: (.+)", "heures d'ouverture : {hours1}"),
    (r"per contact", "par contact"),
    (r"per customer", "par client"),
    (r"window (\S+) days", "fenêtre de {1} jours"),
    (r"same motif", "même motif"),
    (r"any motif", "tout motif"),
    (r"contacts with an incomplete window excluded", "contacts à fenêtre incomplète écartés"),
    (r"presented = offered flag true", "présentés = indicateur « présenté » à oui"),
    (r"promoters (\S+), detractors (\S+)", "promoteurs {1}, détracteurs {2}"),
    (
        r"resolved within SLA ÷ \(resolved \+ still open past SLA at the last timestamp\)",
        "résolus dans le délai ÷ (résolus + encore ouverts hors délai à la dernière date)",
    ),  # fmt: skip
    (r"scale (\S+), top box ≥ (\S+)", "échelle {1}, satisfait ≥ {2}"),
    (r"score ÷ max_score × 100", "note ÷ note maximale × 100"),
    (r"canal in (.+)", "canal parmi {canal1}"),
    (
        r"share of contacts with a known motif \(within the segment\)",
        "part des contacts au motif connu (dans le segment)",
    ),  # fmt: skip
    (r"segmented by (\w+): share within itself", "segmenté par {f1} : part en lui-même"),
    (r"threshold (\S+) s", "seuil {1} s"),
    (r"abandons counted", "abandons comptés"),
    (r"abandons excluded", "abandons écartés"),
    (r"abandons under (\S+) s excluded", "abandons de moins de {1} s écartés"),
    (r"Σ (\w+) ÷ Σ (\w+)(?: \((\w+) table\))?", "Σ {f1} ÷ Σ {f2}"),
    (r"Σ (\w+) \((\w+) table\)", "Σ {f1}"),
    (
        r"Σ (\w+) ÷ mean over periods of Σ (\w+) \((\w+) table\)",
        "Σ {f1} ÷ moyenne par période de Σ {f2}",
    ),  # fmt: skip
    (r"Σ (\w+) ÷ start of first period", "Σ {f1} ÷ clients au début de la première période"),
    (
        r"\(end of last period − Σ new\) ÷ start of first period",
        "(clients à la fin de la "
        "dernière période − Σ nouveaux) ÷ clients au début de la première période",
    ),  # fmt: skip
)
# why a denominator is empty (``Agg.empty`` of kpis.definitions)
EMPTY_FR = {
    "no agent-day": "aucun jour-agent",
    "no agent-month": "aucun mois-conseiller",
    "no answer": "aucune réponse",
    "no answered call": "aucun appel décroché",
    "no answered contact": "aucun contact décroché",
    "no contact": "aucun contact",
    "no contact in the cost periods": "aucun contact dans les périodes de coûts",
    "no contact with a known flag": "aucun contact à l'indicateur connu",
    "no contact with a motif": "aucun contact avec un motif",
    "no customers at the start": "aucun client en début de période",
    "no eligible contact": "aucun contact éligible",
    "no eligible customer": "aucun client éligible",
    "no evaluation": "aucune évaluation",
    "no headcount": "aucun effectif",
    "no item with a known outcome": "aucun élément à l'issue connue",
    "no level-1 contact": "aucun contact de niveau 1",
    "no offered call": "aucun appel présenté",
    "no planned hours": "aucune heure planifiée",
    "no presented call": "aucun appel présenté",
    "no resolved item": "aucun élément résolu",
    "no subscription up for renewal": "aucun abonnement à renouveler",
}
_FR_RE = [(re.compile(p + r"$"), f) for p, f in _FR]


def _fr_fragment(frag: str) -> str:
    from kpis import format as fmt

    for pat, out in _FR_RE:
        m = pat.match(frag)
        if not m:
            continue
        values = {}
        for i, g in enumerate(m.groups(), 1):
            g = g or ""
            values[str(i)] = humanize(g, "fr")
            values[f"t{i}"] = quoted(table_label(g, "fr"), "fr")
            values[f"f{i}"] = ", ".join(
                quoted(field_label(x, "fr") or x, "fr") for x in g.split(", ")
            )
            values[f"date{i}"] = g
            if re.match(r"\d{4}-\d\d-\d\d", g):
                values[f"date{i}"] = fmt.date(g[:10], "fr")
            values[f"empty{i}"] = EMPTY_FR.get(g, humanize(g, "fr"))
            values[f"dur{i}"] = fmt.duration(float(g), "fr") if g.isdigit() else g
            values[f"hours{i}"] = hours_text(g, "fr")
            channels = [str(category_label("canal", x, "fr")) for x in g.split(", ")]
            values[f"canal{i}"] = ", ".join(channels)
        text = re.sub(r"\{item:([\w.]+)\}", lambda x: item_text(x.group(1), "fr"), out)
        for k in sorted(values, key=len, reverse=True):
            text = text.replace("{" + k + "}", values[k])
        return text
    return humanize(frag, "fr")


def detail_text(detail, lang: str = "fr") -> str:
    """An engine detail in ``lang``: fragments (``"; "``) translated to French by pattern, and
    field ids (``csat_score``, ``surveys.csat_score``) as « labels » in either language."""
    if detail is None or detail != detail:
        return ""
    detail = str(detail)
    if not detail:
        return ""
    frags = [f.strip() for f in detail.split(";") if f.strip()]
    if lang == "fr":
        return " ; ".join(_fr_fragment(f) for f in frags)
    return "; ".join(_en_fragment(f) for f in frags)


_LACKS = re.compile(r"(\w+) lacks (.+) \(segment, period or filter field\)$")


def _en_fragment(frag: str) -> str:
    m = _LACKS.match(frag)
    if m:
        fields = ", ".join(quoted(field_label(f, "en") or f, "en") for f in m.group(2).split(", "))
        table = quoted(table_label(m.group(1), "en"), "en")
        return f"{table} lacks {fields} (segment, period or filter field)"
    return humanize(frag, "en")
