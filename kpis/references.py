"""Public reference figures ("repères publics") shown beside a KPI's target, never as its target.

Each figure is transcribed from the project's ``BENCHMARKS.md`` (kept in the package: the app
never reads that file) with its source, year, method and scope. A figure is shown as
"85 % (source, année, méthode, pays)": it does not judge the value (no colour, no verdict) and
is never used as a target.

Score figures carry the source's scale (``scale``); they are moved to the data's scale by the
same linear map as targets (``kpis.targets.rescale``: ``lo' + (x − lo) × (hi' − lo') ÷ (hi −
lo)``, 7,9 on 0–10 → 4,16 on 1–5). Rates are in % (0–100), durations in seconds.

Only figures that match one of our KPI definitions are kept. Left out of BENCHMARKS.md:
- phone answer time, France 2017 ("50 % of brands answer within 30 s"): a share of brands, not
  a mean speed of answer; e-mail response time 2017: no e-mail response-time KPI;
- e-mail resolution rate, e-mail handling time (2020): no e-mail-only KPI (``dmt`` is calls);
  the handling time is also a share of firms within a band;
- VoC collected after contact, tolerated wait (2013): shares of firms or wishes, not KPIs;
- Podium de la Relation Client 6.7 / 10: a mean of 15 criteria, not a satisfaction score;
- Arcep telecom problem resolution 2024 ("8 in 10 resolved"): resolution after any number of
  contacts, not first-contact resolution;
- SQM FCR / CSAT by industry: undated; ACSI and UKCSI: national composite indices, not a
  post-contact CSAT;
- ContactBabel 2016 ASA and abandonment: superseded by the same series' 2023–2024 editions;
- NF 345 90 %, the "80/20" service level, EN 15838 / ISO 18295: norms and conventions (they are
  target sources in ``kpis.targets``), not published measurements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kpis import format as fmt
from kpis.targets import rescale, score_scale

METHODS = {
    "D": ("déclaré par les entreprises", "declared by companies"),
    "P": ("perçu, sondage de clients", "perceived, customer survey"),
}
SCOPES = {
    "France": ("France", "France"),
    "UK": ("Royaume-Uni", "United Kingdom"),
    "North America": ("Amérique du Nord", "North America"),
}


@dataclass(frozen=True)
class Reference:
    """One published figure for ``kpi``: ``value`` (or the range ``value``–``high``) in the
    KPI's ``unit``, on the source's ``scale`` for scores; ``quote`` is the figure as
    BENCHMARKS.md words it."""

    kpi: str
    value: float
    unit: str
    source: str
    year: int
    method: str  # a key of METHODS
    scope: str  # a key of SCOPES
    quote: str
    note_fr: str
    note_en: str
    high: float | None = None
    scale: tuple[float, float] | None = None

    def note(self, lang: str = "fr") -> str:
        return self.note_fr if lang == "fr" else self.note_en


# Display order per KPI: the first figure of a KPI is the one a card shows.
REFERENCES: tuple[Reference, ...] = (
    Reference(
        "answer_rate",
        85.0,
        "%",
        "easiware/AMARC/Université Paris-Dauphine",
        2020,
        "D",
        "France",
        "85 % of incoming calls handled",
        "appels entrants traités ÷ présentés, groupe « classiques » (48 % des entreprises) ; "
        "5e baromètre, lu dans la presse (sensduclient.com)",
        "incoming calls handled ÷ presented, 'classiques' group (48 % of firms); 5th barometer, "
        "read in the press (sensduclient.com)",
    ),
    Reference(
        "qos_rate",
        85.0,
        "%",
        "easiware/AMARC/Université Paris-Dauphine",
        2020,
        "D",
        "France",
        "85 % of incoming calls handled",
        "appels entrants traités ÷ présentés, groupe « classiques » (48 % des entreprises) ; "
        "5e baromètre, lu dans la presse (sensduclient.com)",
        "incoming calls handled ÷ presented, 'classiques' group (48 % of firms); 5th barometer, "
        "read in the press (sensduclient.com)",
    ),
    Reference(
        "csat",
        80.0,
        "%",
        "Observatoire BVA/Viséo",
        2019,
        "P",
        "France",
        "80 % satisfied",
        "définition différente : satisfaction envers les services clients en général "
        "(sondage grand public), pas une enquête après contact ; téléphone 80 %, chat 83 %",
        "different definition: satisfaction with customer services in general (general-public "
        "poll), not a post-contact survey; phone 80 %, chat 83 %",
    ),
    Reference(
        "csat_mean",
        7.9,
        "score",
        "Arcep",
        2025,
        "P",
        "France",
        "mobile 7.9 / 10",
        "définition différente : satisfaction des clients mobile envers leur opérateur, pas "
        "une enquête après contact ; fixe 7,8 / 10 ; note sur 10 lue comme une échelle 0–10",
        "different definition: mobile customers' satisfaction with their operator, not a "
        "post-contact survey; fixed 7.8 / 10; mark out of 10 read as a 0–10 scale",
        scale=(0.0, 10.0),
    ),
    Reference(
        "fcr_survey",
        42.0,
        "%",
        "Observatoire des services clients BVA/Viséo",
        2013,
        "P",
        "France",
        "42 % say the phone solved their problem at the first call",
        "définition différente : souvenir des appels dans un sondage grand public (environ 1 000 "
        "adultes), pas une enquête après contact",
        "different definition: recall of phone contacts in a general-public poll (about 1,000 "
        "adults), not a post-contact survey",
    ),
    Reference(
        "fcr_survey",
        70.0,
        "%",
        "SQM Group",
        2022,
        "P",
        "North America",
        "70–79 % good",
        "bande « bonne » de la méthode d'enquête après contact (plus de 500 centres) ; la "
        "source qualifie de « faible » moins de 70 % et de « classe mondiale » 80 % et plus",
        "'good' band of the post-contact survey method (over 500 centres); the source puts "
        "'low' under 70 % and 'world-class' from 80 %",
        high=79.0,
    ),
    Reference(
        "asa",
        116.0,
        "s",
        "ContactBabel",
        2024,
        "D",
        "UK",
        "116 s",
        "moyenne des centres de contacts britanniques, lue dans la presse (callcentrehelper.com)",
        "mean of UK contact centres, read in the press (callcentrehelper.com)",
    ),
    Reference(
        "asa",
        120.0,
        "s",
        "ContactBabel",
        2023,
        "D",
        "UK",
        "ASA 120 s",
        "moyenne des centres de contacts britanniques (record) ; guide annuel des décideurs 2023",
        "mean of UK contact centres (a record high); UK Decision-Makers' Guide 2023",
    ),
    Reference(
        "abandon_rate",
        9.1,
        "%",
        "ContactBabel",
        2023,
        "D",
        "UK",
        "abandonment 9.1 %",
        "centres de contacts britanniques (record) ; la source ne dit pas si les abandons "
        "courts sont exclus, comme ils le sont ici",
        "UK contact centres (a record high); the source does not say whether short abandons "
        "are excluded, as they are here",
    ),
)


def references_for(kpi_id: str) -> list[Reference]:
    """The public figures of ``kpi_id`` in display order ([] when it has none)."""
    return [r for r in REFERENCES if r.kpi == kpi_id]


def data_value(ref: Reference, scale: tuple[float, float] | None = None) -> tuple[float, ...]:
    """The figure (one value, or the range's two ends) on the data's ``scale`` for a score
    (``rescale`` from the source's scale), as published otherwise."""
    values = (ref.value,) if ref.high is None else (ref.value, ref.high)
    if ref.scale and scale and tuple(scale) != tuple(ref.scale):
        return tuple(rescale(v, ref.scale, scale) for v in values)
    return values


def _figure(ref: Reference, lang: str, scale: tuple[float, float] | None) -> tuple[str, str]:
    """The figure on the data's scale, and what was moved ("7,9 / 10 ramené à l'échelle 1–5")."""
    vals = data_value(ref, scale)
    moved = ""
    if ref.scale:
        lo, hi = (fmt.number(b, lang, 0) for b in ref.scale)
        src = fmt.number(ref.value, lang, 1) + (
            f" / {hi}" if ref.scale[0] == 0 else f" ({lo}–{hi})"
        )
        if not scale or tuple(scale) == tuple(ref.scale):
            return src, ""
        to = "–".join(fmt.number(b, lang, 0) for b in scale)
        moved = f"{src} {'ramené à l’échelle' if lang == 'fr' else 'moved to the scale'} {to}"
    texts = [fmt.value(v, ref.unit, lang) for v in vals]
    if len(texts) == 1:
        return texts[0], moved
    return (f"de {texts[0]} à {texts[1]}" if lang == "fr" else f"{texts[0]} to {texts[1]}"), moved


def reference_text(ref: Reference, lang: str = "fr", scale=None) -> str:
    """ "85,0 % (easiware/AMARC/Université Paris-Dauphine, 2020, déclaré par les entreprises,
    France)": the figure on the data's ``scale`` (scores), its source, year, method, scope."""
    figure, moved = _figure(ref, lang, scale)
    method = METHODS[ref.method][0 if lang == "fr" else 1]
    scope = SCOPES[ref.scope][0 if lang == "fr" else 1]
    about = f"{ref.source}, {ref.year}, {method}, {scope}"
    sep = " ; " if lang == "fr" else "; "
    return f"{figure} ({moved}{sep}{about})" if moved else f"{figure} ({about})"


def kpi_reference_text(
    kpi_id: str, lang: str = "fr", tables: Mapping | None = None, params: Mapping | None = None
) -> str:
    """The first public figure of ``kpi_id`` as ``reference_text`` says it, on the scale of the
    scores in ``tables`` (``kpis.targets.score_scale``); "" when the KPI has none."""
    refs = references_for(kpi_id)
    if not refs:
        return ""
    scale = score_scale(kpi_id, tables, params) if refs[0].scale else None
    return reference_text(refs[0], lang, scale)
