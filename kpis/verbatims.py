"""Verbatim term statistics: recurring terms and terms over-represented among detractors.

"Une note mesure, un verbatim explique." Comments are tokenised, lemmatised (simplemma, French or
English) and stripped of stop words (the maintained ``stop-words`` lists); a term is a lemma or a
pair of consecutive lemmas. Counts are in comments (a term counted once per comment).

Over-representation compares detractors with promoters by the log odds ratio of a comment
containing the term, with a 0.5 continuity correction and its z score
(``log(a/(D−a)) − log(b/(P−b))``, ``se = √(1/a + 1/(D−a) + 1/b + 1/(P−b))``): z ≥ 1.96 is a
difference unlikely to be chance at 95 %. No Streamlit import: the Verbatims page and the tests
both call this module.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd
import simplemma
from stop_words import get_stop_words

ELISION = re.compile(r"^(?:[ldjmntscq]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
EXTRA_STOP = {
    "fr": {"être", "avoir", "faire", "très", "plus", "tout", "bien", "fois", "merci"},
    "en": {"be", "have", "do", "very", "get", "thank", "thanks"},
}
Z_95 = 1.96


@lru_cache(maxsize=4)
def stop_words(lang: str = "fr") -> frozenset[str]:
    words = {w.lower() for w in get_stop_words(lang)}
    return frozenset(words | EXTRA_STOP.get(lang, set()))


@lru_cache(maxsize=200_000)
def _lemma(word: str, lang: str) -> str:
    return simplemma.lemmatize(word, lang=lang).lower()


# Negation keeps its meaning: the marker is attached to the next content word of its clause
# ("toujours pas résolu" → "toujours pas", "pas résolu"; "je ne suis plus client" → "ne plus
# client"; "not resolved" → "not resolve"), so a negated word never counts as the word itself.
NEGATION = {
    "fr": {
        "pas": "pas",
        "jamais": "jamais",
        "aucun": "aucun",
        "aucune": "aucun",
        "sans": "sans",
        "non": "non",
        "rien": "rien",
        "personne": "personne",
    },
    "en": {"not": "not", "no": "no", "never": "never", "without": "without", "nothing": "nothing"},
}
NE = {"ne", "n"}  # French "ne" / "n'" before the verb: "ne … plus" is a negation, "plus" alone not
INSISTENCE = {"fr": {"toujours", "encore", "vraiment", "absolument"}, "en": {"still", "really"}}
CLAUSE_END = re.compile(r"[.!?;:,()\n]|\bmais\b|\bbut\b")
TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|[.!?;:,()]", re.UNICODE)


def lemmas(text: str, lang: str = "fr") -> list[str]:
    """Content terms of a comment, in order: lemmas (elisions removed, stop words and 1-letter
    dropped), with negations attached to the word they negate ("pas résolu", "ne plus client",
    "not resolve") and an insisting adverb kept with its negation ("toujours pas")."""
    return [t for clause in _clauses(text, lang) for t in clause]


def _clauses(text: str, lang: str) -> list[list[str]]:
    """The content terms of ``lemmas``, one list per clause (punctuation, "mais"/"but")."""
    stop = stop_words(lang)
    negation = NEGATION.get(lang, {})
    insist = INSISTENCE.get(lang, set())
    clauses: list[list[str]] = [[]]
    out = clauses[0]
    pending = ""  # a negation waiting for its word, within the clause
    saw_ne = False
    previous = ""
    for token in TOKEN.findall(str(text).lower()):
        if CLAUSE_END.fullmatch(token) or token in ("mais", "but"):
            pending, saw_ne, previous = "", False, ""
            if out:
                out = []
                clauses.append(out)
            continue
        if lang == "en" and token.endswith(("n't", "n’t")):
            pending, previous = "not", token
            continue
        word = ELISION.sub("", token)
        if lang == "fr" and (token in NE or token.startswith(("n'", "n’"))):
            saw_ne = True
            if token in NE:
                previous = token
                continue
        if word in negation or (lang == "fr" and word == "plus" and saw_ne):
            marker = "ne plus" if word == "plus" else negation[word]
            if previous in insist:
                if out and out[-1] == previous:
                    out.pop()  # "toujours" is said with its negation, not alone
                out.append(f"{previous} {marker}")
            pending, previous = marker, word
            continue
        previous = word
        if len(word) < 2 or word in stop:
            continue
        lemma = _lemma(word, lang)
        if len(lemma) < 2 or lemma in stop:
            continue
        if pending:
            out.append(f"{pending} {lemma}")
            pending = ""
        else:
            out.append(lemma)
    return [c for c in clauses if c]


def terms(text: str, lang: str = "fr", bigrams: bool = True) -> set[str]:
    """The distinct terms of a comment: its lemmas and, optionally, consecutive lemma pairs."""
    clauses = _clauses(text, lang)
    found = {t for clause in clauses for t in clause}
    if bigrams:  # pairs within a clause, never two terms sharing a word ("toujours pas" + "pas …")
        found.update(
            f"{a} {b}"
            for clause in clauses
            for a, b in zip(clause, clause[1:], strict=False)
            if a != b and a.split()[-1] != b.split()[0]
        )
    return found


def nps_group(score: pd.Series, scale: str = "nps") -> pd.Series:
    """detractor / passive / promoter: NPS 0–6 / 7–8 / 9–10; a 1–5 CSAT scale: 1–2 / 3 / 4–5."""
    s = pd.to_numeric(score, errors="coerce")
    if scale == "nps":
        bins, labels = [-np.inf, 6, 8, np.inf], ["detractor", "passive", "promoter"]
    else:
        bins, labels = [-np.inf, 2, 3, np.inf], ["detractor", "passive", "promoter"]
    return pd.cut(s, bins=bins, labels=labels).astype("object").where(s.notna())


def _doc_terms(comments: pd.Series, lang: str, bigrams: bool) -> pd.Series:
    """Terms per comment, computed once per distinct text (exports repeat many comments)."""
    text = comments.astype("str")
    uniques = pd.unique(text)
    table = {u: terms(u, lang, bigrams) for u in uniques}
    return text.map(table)


def term_table(
    comments: pd.Series,
    groups: pd.Series | None = None,
    *,
    lang: str = "fr",
    bigrams: bool = True,
    min_docs: int = 3,
) -> pd.DataFrame:
    """One row per term: ``docs`` (comments containing it) and ``share`` (% of comments); with
    ``groups`` (detractor/passive/promoter per comment): ``detractors``, ``promoters``, their
    shares (% of each group's comments), ``log_odds``, ``z`` and ``over`` (z ≥ 1.96).
    Sorted by ``docs`` (descending), then term."""
    mask = comments.notna() & comments.astype("str").str.strip().ne("")
    comments = comments[mask]
    cols = ["term", "docs", "share"]
    if groups is not None:
        cols += ["detractors", "promoters", "det_share", "pro_share", "log_odds", "z", "over"]
    if comments.empty:
        return pd.DataFrame(columns=cols)
    doc_terms = _doc_terms(comments, lang, bigrams)
    exploded = doc_terms.explode().dropna()
    docs = exploded.value_counts()
    out = pd.DataFrame({"term": docs.index.astype("str"), "docs": docs.to_numpy()})
    out["share"] = 100.0 * out["docs"] / len(comments)
    if groups is not None:
        g = groups[mask].reindex(exploded.index)
        n_det = int((groups[mask] == "detractor").sum())
        n_pro = int((groups[mask] == "promoter").sum())
        det = exploded[g.to_numpy() == "detractor"].value_counts()
        pro = exploded[g.to_numpy() == "promoter"].value_counts()
        a = out["term"].map(det).fillna(0).to_numpy(dtype=float)
        b = out["term"].map(pro).fillna(0).to_numpy(dtype=float)
        out["detractors"] = a.astype(int)
        out["promoters"] = b.astype(int)
        out["det_share"] = 100.0 * a / n_det if n_det else np.nan
        out["pro_share"] = 100.0 * b / n_pro if n_pro else np.nan
        if n_det and n_pro:
            a1, c1 = a + 0.5, n_det - a + 0.5
            b1, d1 = b + 0.5, n_pro - b + 0.5
            lor = np.log(a1 / c1) - np.log(b1 / d1)
            se = np.sqrt(1 / a1 + 1 / c1 + 1 / b1 + 1 / d1)
            out["log_odds"] = lor
            out["z"] = lor / se
        else:
            out["log_odds"] = np.nan
            out["z"] = np.nan
        out["over"] = out["z"].to_numpy() >= Z_95
    out = out[out["docs"] >= min_docs]
    return out.sort_values(["docs", "term"], ascending=[False, True]).reset_index(drop=True)[cols]


def over_represented(table: pd.DataFrame, k: int = 20) -> pd.DataFrame:
    """Terms more frequent among detractors than promoters (z ≥ 1.96), strongest first."""
    if table.empty or "z" not in table:
        return table.head(0)
    hits = table[table["over"]]
    return hits.sort_values(["z", "term"], ascending=[False, True]).head(k).reset_index(drop=True)


def examples(
    comments: pd.Series, term: str, *, lang: str = "fr", k: int = 5, bigrams: bool = True
) -> pd.Index:
    """Index labels of up to ``k`` distinct comments that contain ``term``, shortest first."""
    mask = comments.notna()
    text = comments[mask].astype("str")
    doc_terms = _doc_terms(text, lang, bigrams)
    hit = text[doc_terms.map(lambda s: term in s)]
    hit = hit.drop_duplicates()
    return hit.str.len().sort_values(kind="stable").head(k).index
