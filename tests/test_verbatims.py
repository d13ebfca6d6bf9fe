"""Verbatim term statistics (kpis.verbatims): lemmas, counts per comment, over-representation."""

import math

import pandas as pd
import pytest

from kpis.verbatims import examples, lemmas, nps_group, over_represented, term_table, terms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("J'ai dû rappeler plusieurs fois", ["rappeler"]),
        ("Les remboursements sont en retard", ["remboursement", "retard"]),
        ("L'attente était trop longue", ["attente", "long"]),
        ("", []),
        ("123 !!", []),
    ],
)
def test_lemmas_drop_stop_words_and_elisions(text, expected):
    assert lemmas(text, "fr") == expected


def test_terms_add_consecutive_pairs_once_per_comment():
    assert terms("attente attente longue", "fr") == {"attente", "long", "attente long"}
    assert terms("attente longue", "fr", bigrams=False) == {"attente", "long"}


@pytest.mark.parametrize(
    ("score", "scale", "group"),
    [
        (0, "nps", "detractor"),
        (6, "nps", "detractor"),
        (7, "nps", "passive"),
        (8, "nps", "passive"),
        (9, "nps", "promoter"),
        (10, "nps", "promoter"),
        (2, "csat", "detractor"),
        (3, "csat", "passive"),
        (4, "csat", "promoter"),
    ],
)
def test_nps_group(score, scale, group):
    assert nps_group(pd.Series([score]), scale).iloc[0] == group


def test_nps_group_keeps_missing():
    assert pd.isna(nps_group(pd.Series([None, "x"])).iloc[0])


def _survey():
    # 10 detractors: 8 mention "attente"; 10 promoters: 1 mentions it; "rapide" only promoters.
    det = ["Attente trop longue"] * 8 + ["Pas content"] * 2
    pro = ["Attente correcte, conseiller rapide"] + ["Conseiller rapide"] * 9
    comments = pd.Series(det + pro + [None, "  "])
    groups = pd.Series(["detractor"] * 10 + ["promoter"] * 10 + ["passive", "passive"])
    return comments, groups


def test_term_table_counts_comments_and_shares():
    comments, groups = _survey()
    tab = term_table(comments, groups, min_docs=1).set_index("term")
    assert tab.loc["attente", "docs"] == 9
    assert tab.loc["attente", "share"] == pytest.approx(100 * 9 / 20)
    assert tab.loc["attente", "detractors"] == 8
    assert tab.loc["attente", "promoters"] == 1
    assert tab.loc["attente", "det_share"] == pytest.approx(80.0)
    assert tab.loc["rapide", "promoters"] == 10
    # log odds with the 0.5 correction, written out
    lor = math.log(8.5 / 2.5) - math.log(1.5 / 9.5)
    se = math.sqrt(1 / 8.5 + 1 / 2.5 + 1 / 1.5 + 1 / 9.5)
    assert tab.loc["attente", "log_odds"] == pytest.approx(lor)
    assert tab.loc["attente", "z"] == pytest.approx(lor / se)
    assert bool(tab.loc["attente", "over"]) is True
    assert bool(tab.loc["rapide", "over"]) is False


def test_over_represented_lists_detractor_terms_only():
    comments, groups = _survey()
    over = over_represented(term_table(comments, groups, min_docs=1))
    assert "attente" in set(over["term"])
    assert "rapide" not in set(over["term"])
    assert list(over["z"]) == sorted(over["z"], reverse=True)


def test_min_docs_and_empty_input():
    comments, groups = _survey()
    assert term_table(comments, groups, min_docs=11).empty
    empty = term_table(pd.Series([None, ""], dtype="object"), pd.Series(["promoter"] * 2))
    assert empty.empty and "z" in empty.columns


def test_examples_are_distinct_and_shortest_first():
    comments, _ = _survey()
    ix = examples(comments, "attente", k=5)
    assert list(comments[ix]) == ["Attente trop longue", "Attente correcte, conseiller rapide"]


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Toujours pas résolu", "fr", ["toujours pas", "pas résolu"]),
        ("Je ne suis pas satisfait", "fr", ["pas satisfait"]),
        ("Je ne suis plus client, mais satisfait", "fr", ["ne plus client", "satisfait"]),
        ("plus rapide que prévu", "fr", ["rapide", "prévoir"]),  # "plus" without "ne"
        ("Problème non résolu", "fr", ["problème", "non résolu"]),
        ("Jamais rappelé. Résolu ensuite", "fr", ["jamais rappeler", "résolu", "ensuite"]),
        ("not resolved at all", "en", ["not resolve"]),
    ],
)
def test_negations_stay_with_the_word_they_negate(text, lang, expected):
    assert lemmas(text, lang) == expected


def test_no_pair_crosses_a_clause_or_repeats_a_word():
    assert terms("Toujours pas résolu", "fr") == {"toujours pas", "pas résolu"}
    assert "ne plus client satisfait" not in terms("Je ne suis plus client, mais satisfait")


def test_on_the_sample_resolu_is_no_longer_a_detractor_term():
    # 137 sample comments say "toujours pas résolu": before negations were kept they counted
    # as "résolu", which then ranked among the terms over-represented among detractors
    from pathlib import Path

    s = pd.read_csv(Path(__file__).parents[1] / "sample_data" / "enquetes.csv", sep=";")
    table = term_table(s["Commentaire"], nps_group(s["Note NPS"]))
    by_term = table.set_index("term")
    assert by_term.loc["pas résolu", "docs"] == 137
    assert by_term.loc["pas résolu", "over"]
    assert by_term.loc["résolu", "promoters"] > by_term.loc["résolu", "detractors"]
    assert "résolu" not in set(over_represented(table, 20)["term"])
