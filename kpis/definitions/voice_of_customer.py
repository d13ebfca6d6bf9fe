"""Voice of the customer (KPI_REFERENCE.md section 1): CSAT, NPS, CES.

Scores come from the ``surveys`` table. CSAT also works from contacts: some exports hold the
score on the contact row, so when surveys are absent (or have no ``csat_score``), ``csat`` and
``csat_mean`` read ``contacts.csat_score`` and say so in the detail.

The CSAT scale is inferred once from the whole, unfiltered score column (so every segment uses
the same top box) unless ``csat_scale`` is given: max ≤ 1 → yes/no (top box 1), ≤ 3 → 3 levels
(3), ≤ 4 → 4 levels (3–4, the two "oui"), ≤ 5 → 1–5 (4–5), else 0–10 (9–10).

Every KPI here is a declaration (``kpis.declare``).
"""

from __future__ import annotations

import numpy as np

from kpis.declare import Measure, declared, is_num, value
from kpis.definitions._base import MIN_N, NotComputable
from kpis.registry import KPI, Param

G = "voice_of_customer"

CSAT_SCALES = {"0-1": 1.0, "1-3": 3.0, "1-4": 3.0, "1-5": 4.0, "0-10": 9.0, "1-10": 9.0}


def _csat_source(ctx) -> tuple[str, str]:
    """The table holding the CSAT scores and the source note: surveys, else contacts."""
    if ctx.table("surveys") and ctx.has("surveys", "csat_score"):
        note = ctx.note("surveys")
        return "surveys", "surveys" + (f"; {note}" if note else "")
    if ctx.table("contacts") and ctx.has("contacts", "csat_score"):
        return "contacts", "contacts.csat_score (no survey table)"
    raise NotComputable(["surveys.csat_score"], "needs surveys.csat_score (or contacts.csat_score)")


def csat_scale(full_scores, scale: str = "auto") -> str:
    """The CSAT scale: given, or inferred from the maximum of the whole score column."""
    if scale != "auto":
        if scale not in CSAT_SCALES:
            raise ValueError(f"csat_scale must be 'auto' or one of {list(CSAT_SCALES)}")
        return scale
    x = np.asarray(full_scores, dtype="float64")
    hi = np.nanmax(x) if np.isfinite(x).any() else 5.0
    for name, top in (("0-1", 1), ("1-3", 3), ("1-4", 4), ("1-5", 5)):
        if hi <= top:
            return name
    return "0-10"


def csat(ctx, p):
    table, source = _csat_source(ctx)
    top = p.get("csat_top_box")
    if top in (None, ""):
        # an infinite maximum reads as the 0–10 scale, as over the whole column
        full = [min(ctx.full_max(table, "csat_score"), np.finfo("float64").max)]
        scale = csat_scale(full, str(p.get("csat_scale", "auto")))
        top = CSAT_SCALES[scale]
        how = f"scale {scale}, top box ≥ {top:g}"
    else:
        top = float(top)
        how = f"top box ≥ {top:g}"
    score = value("csat_score")
    return Measure(
        "ratio",
        table,
        den=is_num(score),
        num=score >= top,
        detail=f"{how}; source {source}",
        empty="no answer",
    )


def csat_mean(ctx, p):
    table, source = _csat_source(ctx)
    return Measure(
        "mean",
        table,
        value=value("csat_score"),
        detail=f"mean score; source {source}",
        empty="no answer",
    )


def nps(ctx, p):
    note = ctx.note("surveys")
    return Measure(
        "nps",
        "surveys",
        value=value("nps_score"),
        detail="promoters 9–10, detractors 0–6" + (f"; {note}" if note else ""),
        empty="no answer",
    )


def _ces_scale(ctx, p) -> int:
    """The effort scale: given (5 or 7), or 7 when a score of the whole table exceeds 5. Raises
    the engine view's NotComputable first when the survey scores are missing."""
    ctx.note("surveys")
    if not ctx.has("surveys", "ces_score"):
        raise NotComputable(["surveys.ces_score"])
    scale = p.get("ces_scale", "auto")
    if scale in ("auto", None, ""):
        hi = ctx.full_max("surveys", "ces_score")
        return 5 if not np.isfinite(hi) or hi <= 5 else 7
    scale = int(scale)
    if scale not in (5, 7):
        raise ValueError("ces_scale must be 5, 7 or 'auto'")
    return scale


def ces(ctx, p):
    scale = _ces_scale(ctx, p)
    orient = "high = more effort" if p["ces_high_is_effort"] else "high = less effort"
    return Measure(
        "mean",
        "surveys",
        value=value("ces_score"),
        detail=f"mean on 1–{scale}; {orient}",
        empty="no answer",
    )


def ces_low_effort(ctx, p):
    scale = _ces_scale(ctx, p)
    boxes = p.get("ces_low_effort_boxes")
    boxes = int(boxes) if boxes not in (None, "") else (2 if scale == 5 else 3)
    s = value("ces_score")
    if p["ces_high_is_effort"]:
        low, how = s <= boxes, f"scores 1–{boxes} of 1–{scale} (high = more effort)"
    else:
        low, how = s >= scale - boxes + 1, f"scores {scale - boxes + 1}–{scale} of 1–{scale}"
    return Measure("ratio", "surveys", den=is_num(s), num=low, detail=how, empty="no answer")


CES_PARAMS = {
    "ces_scale": Param(
        "auto",
        "Effort scale: 5, 7 or 'auto' (7 when a score exceeds 5).",
        "Échelle d'effort : 5, 7 ou « auto ».",
    ),
    "ces_high_is_effort": Param(
        True,
        "True when a high score means more effort (worse).",
        "Vrai quand une note haute signifie plus d'effort.",
    ),
}
CSAT_PARAMS = {
    "csat_scale": Param(
        "auto",
        f"CSAT scale: 'auto' or one of {', '.join(CSAT_SCALES)}.",
        "Échelle CSAT : « auto » ou l'une des échelles connues.",
    ),
}

KPIS = [
    KPI(
        "csat",
        "CSAT (satisfaction client)",
        "CSAT (customer satisfaction)",
        G,
        "Réponses satisfaites (top box) ÷ réponses × 100. Top box par échelle : oui/non → oui ; "
        "4 niveaux → les deux « oui » (3–4) ; 3 niveaux → bonne (3) ; 1–5 → 4–5 ; 0–10 → 9–10 "
        "(paramètre csat_top_box : seuil). Lit contacts.csat_score quand il n'y a pas "
        "d'enquêtes.",
        "Satisfied (top-box) answers ÷ answers × 100. Top box by scale: yes/no → yes; 4 levels "
        "→ the two 'yes' (3–4); 3 levels → good (3); 1–5 → 4–5; 0–10 → 9–10 (param "
        "csat_top_box: a threshold). Reads contacts.csat_score when there is no survey table.",
        "100 × count(score ≥ top box) ÷ count(score known)",
        "%",
        "higher",
        85.0,
        {"surveys": ("csat_score",)},
        {
            "csat_top_box": Param(
                None,
                "Lowest satisfied score (default: by scale).",
                "Note minimale « satisfait » (défaut : selon l'échelle).",
            ),
            **CSAT_PARAMS,
            "min_n": MIN_N,
        },
        "ratio",
        population="survey_answers",
        compute=declared(csat),
    ),
    KPI(
        "csat_mean",
        "CSAT note moyenne",
        "CSAT mean score",
        G,
        "Moyenne des notes de satisfaction (même source que le CSAT).",
        "Mean satisfaction score (same source as CSAT).",
        "mean(csat_score)",
        "score",
        "higher",
        4.0,
        {"surveys": ("csat_score",)},
        {"min_n": MIN_N},
        "mean",
        variant_of="csat",
        target_note="On a 1–5 scale; rescaled to the survey's detected scale.",
        target_scale=(1.0, 5.0),
        population="survey_answers",
        compute=declared(csat_mean),
    ),
    KPI(
        "nps",
        "NPS (Net Promoter Score)",
        "NPS (Net Promoter Score)",
        G,
        "% promoteurs (9–10) − % détracteurs (0–6), de −100 à +100 ; les notes 1–10 sont "
        "acceptées (mêmes classes).",
        "% promoters (9–10) − % detractors (0–6), from −100 to +100; 1–10 data accepted "
        "(same classes).",
        "100 × (count(score ≥ 9) − count(score ≤ 6)) ÷ count(score known)",
        "points",
        "higher",
        30.0,
        {"surveys": ("nps_score",)},
        {"min_n": MIN_N},
        "nps",
        population="survey_answers",
        compute=declared(nps),
    ),
    KPI(
        "ces",
        "CES (effort client, note moyenne)",
        "CES (customer effort, mean score)",
        G,
        "Moyenne de la note d'effort (échelle 1–5 ou 1–7). Par défaut une note haute = plus "
        "d'effort = moins bien (paramètre ces_high_is_effort).",
        "Mean effort score (1–5 or 1–7). By default a high score = more effort = worse (param "
        "ces_high_is_effort).",
        "mean(ces_score)",
        "score",
        "lower",
        2.0,
        {"surveys": ("ces_score",)},
        {**CES_PARAMS, "min_n": MIN_N},
        "mean",
        target_note="On 1–5 with high = more effort (rescaled to 1–7); flip direction when high "
        "= less effort.",
        target_scale=(1.0, 5.0),
        population="survey_answers",
        compute=declared(ces),
    ),
    KPI(
        "ces_low_effort",
        "CES % effort faible",
        "CES % low effort",
        G,
        "Part des réponses à l'extrémité « effort faible » : 1–2 sur 1–5, 1–3 sur 1–7 (ou les "
        "notes hautes quand ces_high_is_effort=false) ÷ réponses × 100.",
        "Share of answers at the low-effort end: 1–2 on 1–5, 1–3 on 1–7 (the top scores when "
        "ces_high_is_effort=false) ÷ answers × 100.",
        "100 × count(score in low-effort boxes) ÷ count(score known)",
        "%",
        "higher",
        70.0,
        {"surveys": ("ces_score",)},
        {
            **CES_PARAMS,
            "ces_low_effort_boxes": Param(
                None,
                "Number of boxes at the low-effort end (default 2 on 1–5, 3 on 1–7).",
                "Nombre de cases « effort faible ».",
            ),
            "min_n": MIN_N,
        },
        "ratio",
        variant_of="ces",
        population="survey_answers",
        compute=declared(ces_low_effort),
    ),
]
