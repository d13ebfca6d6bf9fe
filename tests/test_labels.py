"""Category codes in words (``kpis.labels.category_label``), opening hours with French day names
(``hours_text`` / ``hours_spec``), channel codes in finding sentences (``kpis.rules.wording``)
and in screen tables and charts — the stored values stay codes."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from kpis.labels import category_label, detail_text, hours_spec, hours_text


def test_every_channel_code_in_french_and_english():
    expected = {
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
    }
    for code, (fr, en) in expected.items():
        assert category_label("canal", code, "fr") == fr, code
        assert category_label("canal", code, "en") == en, code


def test_channel_codes_cover_the_schema_and_other_values_stay():
    from kpis.schema import CANAL_VALUES

    for code in set(CANAL_VALUES.values()):
        assert category_label("canal", code, "fr") != code, code  # each code has its words
    # the user's own words (motifs, an unknown channel) and other fields are left as they are
    assert category_label("canal", "Téléphone", "fr") == "Téléphone"
    assert category_label("canal", "pigeon voyageur", "fr") == "pigeon voyageur"
    assert category_label("motif", "telephone", "fr") == "telephone"
    assert category_label("motif", "Livraison", "en") == "Livraison"
    assert category_label("canal", None, "fr") is None
    assert category_label("direction", "entrant", "en") == "Inbound"


def test_opening_hours_with_french_day_names_and_back():
    assert hours_text("mon-sat 08:00-20:00", "fr") == "lun-sam 08:00-20:00"
    assert hours_text("mon-fri 08:00-19:00; sat 09:00-12:00", "fr") == (
        "lun-ven 08:00-19:00; sam 09:00-12:00"
    )
    assert hours_text("mon-sat 08:00-20:00", "en") == "mon-sat 08:00-20:00"
    assert hours_text({"mon,wed": "08:00-12:00"}, "fr") == "lun,mer 08:00-12:00"
    # a day name only changes before a time: "mon" in prose stays
    assert hours_text("mon avis : mon-fri 08:00-19:00", "fr") == "mon avis : lun-ven 08:00-19:00"
    assert hours_spec("lun-sam 08:00-20:00") == "mon-sat 08:00-20:00"
    assert hours_spec("Mardi-jeudi 09h00-17h00") == "tue-thu 09h00-17h00"
    assert hours_spec("mon-fri 08:00-19:00") == "mon-fri 08:00-19:00"
    assert detail_text("opening hours: mon-sat 08:00-20:00", "fr") == (
        "heures d'ouverture : lun-sam 08:00-20:00"
    )


def test_french_typed_hours_parse_like_the_stored_ones():
    from kpis.definitions.telephony import parse_opening_hours

    typed = "lun-ven 08:00-19:00 ; sam 09:00-12:00"
    assert parse_opening_hours(hours_spec(typed)) == parse_opening_hours(
        "mon-fri 08:00-19:00; sat 09:00-12:00"
    )


def test_finding_sentence_names_the_channel_in_words():
    from kpis.rules.wording import category_words, make_finding

    assert category_words("Canal telephone : 12 %", {"canal": "telephone"}, "fr") == (
        "Canal Téléphone : 12 %"
    )
    assert category_words("Channel telephone: 12 %", {"canal": "telephone"}, "en") == (
        "Channel Phone: 12 %"
    )
    # in French, the codes that are never French words, wherever they stand; not inside words
    assert category_words("email et reseaux_sociaux ; e-mail ; emails", {}, "fr") == (
        "E-mail et Réseaux sociaux ; e-mail ; emails"
    )
    assert category_words("« mon-fri 08:00-19:00 »", {}, "fr") == "« lun-ven 08:00-19:00 »"
    rule = SimpleNamespace(  # the rule's fields make_finding reads
        id="x",
        seed_rule=None,
        severity="warning",
        title_fr="titre",
        title_en="title",
        action_fr="agir.",
        action_en="act.",
        caution_fr="prudence.",
        caution_en="caution.",
        test="",
        chart="bars_ci",
    )
    f = make_finding(rule, {}, {"canal": "chat"}, ("Canal chat : 9 %.", "Channel chat: 9 %."))
    assert f.text_fr.startswith("Canal Chat : 9 %.")
    assert f.text_en.startswith("Channel Chat: 9 %.")
    assert f.segment == {"canal": "chat"}  # the segment keeps its code


def test_screen_table_and_banner_show_words_keep_codes():
    from ui.filters_banner import banner_text
    from ui.render import screen_table

    table = pd.DataFrame({"canal": ["telephone", "reseaux_sociaux"], "motif": ["email", "Prix"]})
    fr = screen_table(table, "fr")
    assert list(fr["Canal"]) == ["Téléphone", "Réseaux sociaux"]
    assert list(fr["Motif"]) == ["email", "Prix"]  # a motif is the user's own word
    assert list(screen_table(table, "en")["Channel"]) == ["Phone", "Social media"]
    assert list(table["canal"]) == ["telephone", "reseaux_sociaux"]  # the data are unchanged
    assert banner_text({"canal": ["email", "chat"]}, None, "fr") == (
        "Filtres actifs : Canal = E-mail, Chat"
    )


def test_bars_show_the_word_and_a_click_gives_back_the_code():
    from kpis.views import charts

    df = pd.DataFrame({"canal": ["telephone", "email"], "value": [80.0, 60.0], "n": [10, 5]})
    spec = charts.bars_ci(df, "canal", selectable=True, lang="fr")
    rows = next(iter(spec["datasets"].values()))
    assert [r["_seg_text"] for r in rows] == ["Téléphone", "E-mail"]  # axis and tooltip
    assert [r["_seg"] for r in rows] == ["telephone", "email"]  # what a click gives back
    bar = spec["layer"][0]
    assert bar["encoding"]["y"]["field"] == "_seg_text"
    assert spec["params"][0]["select"]["fields"] == ["_seg"]
    assert charts.selection_of(spec) == charts.SEGMENT
    heat = charts.heatmap(
        pd.DataFrame({"canal": ["email"], "niveau": ["N1"], "value": [1.0]}),
        "canal",
        "niveau",
        x_sort=["email"],
        lang="en",
    )
    rows = next(iter(heat["datasets"].values()))
    assert rows[0]["_x"] == "Email" and rows[0]["_y"] == "N1"
    lines = charts.lines(
        pd.DataFrame(
            {
                "canal · niveau": ["telephone · N1", "chat · N2"],
                "period": pd.to_datetime(["2026-01-01", "2026-01-01"]),
                "value": [1.0, 2.0],
            }
        ),
        color="canal · niveau",
        lang="fr",
    )
    rows = next(iter(lines["datasets"].values()))
    assert [r["canal · niveau"] for r in rows] == ["Téléphone · N1", "Chat · N2"]


def test_evidence_rows_of_field_and_value_show_words():
    """A finding's evidence rows {field, value} (rule 10 per canal / queue): the field's label and
    the channel in words, never ``canal`` / ``telephone``."""
    import pandas as pd

    from ui.render import screen_table

    rows = pd.DataFrame(
        {"field": ["canal", "queue"], "value": ["telephone", "Commandes"], "presented": [10, 4]}
    )
    shown = screen_table(rows, "fr")
    assert shown.iloc[:, 0].tolist() == ["Canal", "File d'attente"]
    assert shown.iloc[:, 1].tolist() == ["Téléphone", "Commandes"]
