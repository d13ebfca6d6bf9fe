"""Verbatims view: recurring terms of the survey comments and the terms over-represented among
detractors versus promoters (log odds ratio, z ≥ 1.96), from ``kpis.verbatims``."""

from __future__ import annotations

import pandas as pd

from kpis import format as fmt
from kpis.filters import filter_rows
from kpis.verbatims import nps_group, over_represented, term_table
from kpis.views import charts
from kpis.views.base import Input, NotAvailable, View, ViewResult, lang_of, t2

SCORES = ("nps_score", "csat_score")
RECURRING = ("Termes récurrents", "Recurring terms")


def comment_rows(tables, filters) -> pd.DataFrame:
    """The survey answers with a comment that pass ``filters`` (NotAvailable otherwise)."""
    surveys = tables.get("surveys")
    if surveys is None or "comment" not in surveys.columns:
        raise NotAvailable("pas de commentaires (surveys.comment)", "no comments (surveys.comment)")
    picked = filter_rows(surveys, filters, table="surveys", contacts=tables.get("contacts"))
    if picked.missing:  # as the engine: a filter that cannot apply is not ignored
        raise NotAvailable(
            f"les réponses n'ont pas {', '.join(picked.missing)} (filtre)",
            f"surveys lack {', '.join(picked.missing)} (filter field)",
        )
    rows = picked.rows
    return rows[rows["comment"].notna()]


def run(tables, p: dict, settings: dict) -> ViewResult:
    lang = lang_of(settings)
    df = comment_rows(tables, settings["filters"])
    if df.empty:
        raise NotAvailable("aucun commentaire dans la sélection", "no comment in the selection")
    score = p["score"] if p["score"] in df.columns else next(
        (s for s in SCORES if s in df.columns), None
    )  # fmt: skip
    groups = nps_group(df[score], "nps" if score == "nps_score" else "csat") if score else None
    terms = term_table(
        df["comment"], groups, lang=p["text_lang"], min_docs=int(p.get("min_docs") or 3)
    )
    k = int(p.get("top") or 25)
    over = over_represented(terms, k) if groups is not None else terms.head(0)
    table = over if groups is not None else terms.head(k)
    res = ViewResult(title="", table=table.reset_index(drop=True))
    top = terms.head(k).reset_index(drop=True)
    res.extra_tables[RECURRING[0] if lang == "fr" else RECURRING[1]] = top
    if len(top):
        docs = t2("Commentaires", "Comments", lang)
        res.chart = charts.ranked_bars(
            top.assign(n=top["docs"]), "term", "docs", title=docs, label_title="", lang=lang
        )
    res.units = {c: "count" for c in ("docs", "detractors", "promoters")}
    res.units.update({c: "%" for c in ("share", "det_share", "pro_share")})
    n = len(df)
    res.add_number(t2("commentaires", "comments", lang), n, "count", lang)
    if groups is not None:
        n_det, n_pro = int((groups == "detractor").sum()), int((groups == "promoter").sum())
        res.add_number(t2("détracteurs", "detractors", lang), n_det, "count", lang)
        res.add_number(t2("promoteurs", "promoters", lang), n_pro, "count", lang)
        res.sentences.append(
            {
                "kind": "note",
                "text": t2(
                    "z ≥ 1,96 : écart significatif à 95 % (log odds ratio).",
                    "z ≥ 1.96: significant at 95% (log odds ratio).",
                    lang,
                ),
            }
        )
    res.n = n
    res.population = fmt.n_text(n, lang)
    return res


VIEW = View(
    id="verbatims",
    title_fr="Verbatims",
    title_en="Verbatims",
    cell="verbatims",
    inputs=(
        Input("score", "choice", "nps_score", SCORES, "Note utilisée", "Score used"),
        Input("text_lang", "choice", "fr", ("fr", "en"), "Langue des commentaires", "Language"),
        Input("top", "int", 25, label_fr="Termes affichés", label_en="Terms shown"),
        Input("min_docs", "int", 3, label_fr="Commentaires minimum", label_en="Minimum comments"),
    ),
    compute=run,
    needs={"surveys": ("comment",)},
)
