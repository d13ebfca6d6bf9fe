"""The French UI speaks French: AppTest renders every page (and each analysis of the selectors)
in French on the sample data, collects every text the page shows — titles, markdown, captions,
metrics, messages, table headers and cells, widget labels and options, expanders, tabs, buttons —
and fails on raw field ids, English engine phrases, US number formats, English month names and
numbers left to the browser's (US) formatting. In English, raw ids only. A language switch keeps
each page's choices.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpis.schema import TABLES  # noqa: E402
from kpis.views import REGISTRY as VIEWS  # noqa: E402
from kpis.views import quality  # noqa: E402
from ui.i18n import column_label, t  # noqa: E402
from ui.settings import CHOICES  # noqa: E402
from ui.state import default_params  # noqa: E402

APP = str(ROOT / "app.py")
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
# the pages with a selector of analyses: each option is rendered once
OPTIONS = {
    "pages/8_Analyses_croisees.py": (
        "radio",
        "cross_analysis",
        [k.split(".", 1)[1] for k in VIEWS if k.startswith("cross.")],
    ),
    "pages/4_Qualite.py": ("selectbox", "q_kpi", list(quality.KPIS)),
}

RAW_IDS = {f for tdef in TABLES.values() for f in tdef.names if "_" in f}
RAW_IDS |= {"ci_low", "ci_high", "p_holm", "low_sample", "not_computable", "no_data", "kpi"}
RAW_IDS |= {"numerator", "denominator"}
ENGLISH = ("needs", "not computable", "no data", "low sample", "Missing", "None", "nan")
# and the engine's notes left in English ("costs lacks canal", "components used: …")
ENGLISH += ("lacks", "taken from", "components used", "over answered", "window", "threshold")
MONTHS_EN = (
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
).split()
# 1,513 / 12,345.6 (a leading 0 is a French decimal: "p < 0,001"); 60.00 / 1513.80 (a dotted
# date or version has a second dot: 01.02.2026, 1.67.0)
US_THOUSANDS = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?![\d,])")
US_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{2}(?![\d.])")
ENGLISH_WORDS = {"numerator", "denominator"}
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
SYMBOLS = {"n", "p", "z", "x", "y"}  # statistical symbols, the same in both languages
# "p = 1,000" (escaped "p \\= 1,000" in markdown) is a French p-value
P_VALUE = re.compile(r"\bp\s*\\?[=<>≤≥]\s*[\d,]+")
# the engine's parameter names and the settings' option codes (French pages show words)
RAW_PARAMS = set(default_params())
RAW_CHOICES = {str(v) for opts in CHOICES.values() for v in opts if str(v).isalpha()}
RAW_CHOICES -= {"auto", "contacts"}
# canonical channel codes that are never French words: a French page says « Téléphone »,
# « Réseaux sociaux », « E-mail » (kpis.labels.category_label)
CHANNEL_CODES = re.compile(r"(?<![\w-])(telephone|reseaux_sociaux|email)(?![\w-])")


def _words(text: str) -> set[str]:
    """Words (letters, accented ones included, and "_"): "Après" is one word, not "Apr"."""
    return set(re.findall(r"[^\W\d]+", text))


def _headers(df) -> list[tuple[str, str, bool]]:
    """(column id, header shown, is hidden) from the element's column config."""
    config = json.loads(df.proto.columns or "{}")
    out = []
    for c in df.value.columns:
        cfg = config.get(str(c), {})
        out.append((str(c), str(cfg.get("label") or c), bool(cfg.get("hidden"))))
    return out


def collect(at: AppTest, lang: str = "fr") -> list[tuple[str, str]]:
    """Every (kind, text) the page shows."""
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for kind in ("info", "warning", "error", "success"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for m in at.metric:
        out += [("metric", str(m.label)), ("metric", str(m.value))]
    for kind in ("selectbox", "multiselect", "radio", "select_slider"):
        for w in getattr(at, kind):
            out.append((kind, str(w.label)))
            out += [(kind + " option", str(o)) for o in w.options]
    for kind in ("button", "checkbox", "toggle", "number_input", "text_input", "slider"):
        out += [(kind, str(w.label)) for w in getattr(at, kind)]
    out += [("date_input", str(w.label)) for w in at.date_input]
    for kind, text in list(out):  # a widget labelled by a parameter's name: a code name
        if kind in ("selectbox", "multiselect", "checkbox", "number_input", "text_input"):
            if text in RAW_PARAMS:
                out.append((kind, f"raw parameter name {text}"))
    out += [("expander", str(e.label)) for e in at.expander]
    out += [("tab", str(t.label)) for t in at.tabs]
    for df in at.dataframe:
        editable = df.proto.editing_mode != 0
        shown = [c for c, _, hidden in _headers(df) if not hidden]
        for c, label, hidden in _headers(df):
            if not hidden:
                out.append(("header", label))
                known = lang == "fr" and column_label(c, "fr") not in (None, c)
                if label == c and (c in RAW_IDS or known):
                    out.append(("header", f"raw column id {c}"))
                # a French header is words: a lower-case identifier ("flag", "rest") is an id
                if lang == "fr" and IDENTIFIER.fullmatch(label) and label not in SYMBOLS:
                    out.append(("header", f"raw column id {label}"))
        frame = df.value[shown]
        for c in frame.columns:
            col = frame[c]
            if col.dtype.kind == "f" and not editable and col.notna().any():
                # a float column on a read-only table: the browser formats it the US way
                out.append(("cell", f"unformatted number column {c}: {col.dropna().iloc[0]}"))
            elif col.dtype.kind in "OUT" or str(col.dtype).startswith("string"):
                out += [("cell", str(v)) for v in col.dropna().unique()[:400]]
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        out.append(("chart", spec_texts(spec)))
        out += [("chart data", v) for v in spec_shown_values(spec)]
    return out


def spec_shown_values(spec: dict) -> list[str]:
    """The text values a chart shows: the data of its nominal and ordinal encoded fields (axis
    labels, legends, tooltips, facet headers) — not the fields a click only gives back."""
    fields: set[str] = set()

    def walk(node, in_encoding=False):
        if isinstance(node, dict):
            if in_encoding and "field" in node and node.get("type") in ("nominal", "ordinal"):
                fields.add(str(node["field"]))
            for k, v in node.items():
                if k not in ("datasets", "data"):
                    walk(v, in_encoding or k in ("encoding", "facet"))
        elif isinstance(node, list):
            for v in node:
                walk(v, in_encoding)

    walk(spec)
    rows = [r for data in (spec.get("datasets") or {}).values() for r in data]
    return sorted({str(r[f]) for r in rows for f in fields if isinstance(r.get(f), str)})


def spec_texts(spec: dict) -> str:
    """A chart's titles (axis, legend, chart) and whether it carries the French locale."""
    texts: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "title" and isinstance(v, str | list):
                    texts.extend([v] if isinstance(v, str) else [str(x) for x in v])
                elif k not in ("datasets", "data"):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return " | ".join(texts)


def chart_locales(at: AppTest) -> list[str]:
    """The time locale's first month name of each chart drawn ('' without a locale)."""
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        months = ((spec.get("config") or {}).get("locale") or {}).get("time", {}).get("months")
        out.append(months[0] if months else "")
    return out


def offences(texts: list[tuple[str, str]], lang: str) -> list[str]:
    bad = []
    for kind, text in texts:
        if kind == "chart data":  # the values a chart shows: channel codes only
            if lang == "fr" and CHANNEL_CODES.search(text):
                bad.append(f"{kind}: channel code in {text[:120]!r}")
            continue
        words = _words(text)
        # "numerator" and "denominator" are code names in French, plain words in English
        hits = sorted((RAW_IDS if lang == "fr" else RAW_IDS - ENGLISH_WORDS) & words)
        if text.startswith(("raw column id", "unformatted number", "raw parameter")):
            hits.append(text)
        if lang == "fr" and not text.startswith("unformatted"):
            hits += [e for e in ENGLISH if re.search(r"\b" + re.escape(e) + r"\b", text)]
            hits += [m for m in MONTHS_EN if m in words]
            numbers = P_VALUE.sub("", text)
            hits += US_THOUSANDS.findall(numbers) + US_DECIMAL.findall(numbers)
            if kind.endswith("option") and text in RAW_CHOICES:
                hits.append(f"option code {text}")
            hits += [f"channel code {c}" for c in CHANNEL_CODES.findall(text)]
        elif text.startswith("unformatted"):
            hits = []
        if hits:
            bad.append(f"{kind}: {hits} in {text[:120]!r}")
    return bad


def _app(lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    if lang == "en":
        at.sidebar.radio(key="lang").set_value("en").run()
    return at


def _pages(at: AppTest):
    """Each page, then each option of its analysis selector: (name, the AppTest after it)."""
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        yield page, at
        if page in OPTIONS:
            kind, key, options = OPTIONS[page]
            for option in options[1:]:
                getattr(at, kind)(key=key).set_value(option).run()
                assert not at.exception, (page, option, [e.message for e in at.exception])
                assert getattr(at, kind)(key=key).value == option
                yield f"{page} [{option}]", at
    # the audit notebook with the standard audit's cells (every view, as the notebook draws it)
    at.switch_page("pages/10_Carnet_d_audit.py").run()
    label = t("nb_standard", at.session_state["lang"])
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.session_state["notebook"].cells) > 3
    yield "pages/10_Carnet_d_audit.py [audit standard]", at
    # the dashboard with a filter the period tables cannot take: KPIs that cannot be computed,
    # with what they need and the engine's reason
    at.switch_page("pages/2_Tableau_de_bord.py").run()
    at.sidebar.multiselect(key="f_canal").set_value(["email"]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.sidebar.multiselect(key="f_canal").value == ["email"]
    yield "pages/2_Tableau_de_bord.py [canal = email]", at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_page_speaks_the_language(lang):
    at = _app(lang)
    bad = {}
    for name, page in _pages(at):
        found = offences(collect(page, lang), lang)
        if lang == "fr":
            locales = chart_locales(page)
            found += ["a chart without the French time locale" for m in locales if m != "janvier"]
        if found:
            bad[name] = found
    assert not bad, "\n".join(f"{p}:\n  " + "\n  ".join(v[:15]) for p, v in bad.items())


# (page, widget kind, key, a non-default choice, its French label, its English label)
CHOICES_KEPT = [
    ("pages/8_Analyses_croisees.py", "radio", "cross_analysis", "ho_hno", None, None),
    ("pages/4_Qualite.py", "selectbox", "q_kpi", "quality_written", None, None),
    ("pages/3_Explorer.py", "selectbox", "ex_period", "month", "mois", "month"),
    ("pages/3_Explorer.py", "selectbox", "ex_by1", "motif", "Motif", "Reason"),
    ("pages/3_Explorer.py", "multiselect", "ex_kpis", ["nps"], None, None),
    ("pages/5_Verbatims.py", "selectbox", "vb_seg", "canal", "Canal", "Channel"),
    ("pages/9_Comparaison_prestataires.py", "selectbox", "cmp_correction", "bh", None, None),
]


def test_language_switch_keeps_each_page_choices():
    """The stored choice is an id (format_func draws the label): switching the language keeps
    the analysis, KPI, segment and filter chosen, and shows them in the new language."""
    from kpis.definitions import REGISTRY as KPIS

    at = _app("fr")
    for page, kind, key, value, fr_label, en_label in CHOICES_KEPT:
        at.switch_page(page).run()
        if at.sidebar.radio(key="lang").value != "fr":
            at.sidebar.radio(key="lang").set_value("fr").run()
        at.sidebar.multiselect(key="f_canal").set_value(["telephone"]).run()
        getattr(at, kind)(key=key).set_value(value).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert getattr(at, kind)(key=key).value == value
        at.sidebar.radio(key="lang").set_value("en").run()
        assert not at.exception, (page, [e.message for e in at.exception])
        widget = getattr(at, kind)(key=key)
        assert widget.value == value, (page, key, widget.value)
        assert at.sidebar.multiselect(key="f_canal").value == ["telephone"], page
        if kind == "selectbox" and en_label:
            assert widget.options[widget.index] == en_label
        if key == "q_kpi":
            assert widget.options[widget.index] == KPIS.get(value).name_en
        if key == "cross_analysis":
            assert widget.options[widget.index] == VIEWS["cross." + value].title_en
        at.sidebar.radio(key="lang").set_value("fr").run()
        widget = getattr(at, kind)(key=key)
        assert widget.value == value, (page, key, widget.value)
        if kind == "selectbox" and fr_label:
            assert widget.options[widget.index] == fr_label


# ---------------------------------------------------------------- the wording helpers


def test_engine_notes_in_french_and_english_without_field_ids():
    from kpis.labels import detail_text

    cases = {
        "needs table surveys": (
            "nécessite la table « Enquêtes »",
            "needs table 'Surveys'",
        ),
        "needs surveys.csat_score (or contacts.csat_score)": (
            "nécessite « Note CSAT » (Enquêtes) (ou « Note CSAT » (Contacts))",
            "needs 'CSAT score' (Surveys) (or 'CSAT score' (Contacts))",
        ),
        "hours lacks canal (segment, period or filter field)": (
            "« Heures planifiées et d'absence » n'a pas : « Canal » (champ de segment, de "
            "période ou de filtre)",
            "'Planned and absent hours' lacks 'Channel' (segment, period or filter field)",
        ),
        "threshold 20 s; abandons counted": (
            "seuil 20 s ; abandons comptés",
            "threshold 20 s; abandons counted",
        ),
        "over resolved items; items = rows with a ticket_id; median 89932 s": (
            "sur les éléments résolus ; éléments = lignes avec un n° de ticket ; médiane 1 j 1 h",
            "over resolved items; items = rows with a 'Ticket'; median 89932 s",
        ),
        "empty denominator: no offered call": (
            "dénominateur vide : aucun appel présenté",
            "empty denominator: no offered call",
        ),
        "not computable": ("non calculable", "not computable"),
    }
    for detail, (fr, en) in cases.items():
        assert detail_text(detail, "fr") == fr, detail
        assert detail_text(detail, "en") == en, detail
    assert detail_text(None, "fr") == detail_text(float("nan"), "fr") == ""


def test_needs_and_humanized_text():
    from kpis.labels import humanize, needs_text

    needs = {"surveys": ("csat_score",), "contacts": ("started_at", "motif")}
    assert needs_text(needs, "fr") == "Enquêtes : Note CSAT ; Contacts : Date du contact, Motif"
    assert needs_text(["surveys.nps_score", "costs"], "fr") == (
        "« Note NPS (0–10) » (Enquêtes), « Coûts par période »"
    )
    text = "Moyenne de wait_s ; sinon low_sample (min_n)."
    assert humanize(text, "fr", {"min_n": "Échantillon minimal"}) == (
        "Moyenne de « Temps d'attente (s) » ; sinon « échantillon insuffisant » "
        "(« Échantillon minimal »)."
    )


def test_screen_table_headers_values_and_months_in_each_language():
    import pandas as pd

    from ui.render import screen_table

    nnbsp = "\u202f"
    table = pd.DataFrame(
        {
            "motif": ["Livraison"],
            "value": [27.64],
            "ci_low": [26.04],
            "n": [2876.0],
            "flag": [True],
            "measure": ["declared"],
            "2026-03": [15.0],
            "status": ["low_sample"],
            "unit": ["%"],
        }
    )
    fr = screen_table(table, "fr").to_dict("records")
    assert fr == [
        {
            "Motif": "Livraison",
            "Valeur": f"27,6{nnbsp}%",
            "IC 95 % bas": f"26,0{nnbsp}%",
            "n": f"2{nnbsp}876",
            "Signalé": "oui",
            "Mesure": "déclaré",
            "mars 2026": f"15,0{nnbsp}%",
            "Statut": "échantillon insuffisant",
        }
    ]
    en = screen_table(table, "en").to_dict("records")
    assert en == [
        {
            "Reason": "Livraison",
            "Value": "27.6%",
            "95% CI low": "26.0%",
            "n": "2,876",
            "Flagged": "yes",
            "Measure": "declared",
            "March 2026": "15.0%",
            "Status": "sample too small",
        }
    ]


def test_canal_filter_shows_words_and_filters_on_the_code():
    """The sidebar's channel filter offers « Téléphone » (not ``telephone``); choosing it filters
    the engine on the code ``telephone``: the dashboard's volume is the engine's filtered volume,
    and the banner names the channel in words."""
    from kpis import format as fmt
    from kpis.definitions import REGISTRY as KPIS
    from kpis.engine import compute
    from ui.state import sample_dataset

    at = _app("fr")
    at.switch_page("pages/2_Tableau_de_bord.py").run()
    canal = at.sidebar.multiselect(key="f_canal")
    assert {"Téléphone", "E-mail"} <= set(canal.options), canal.options
    assert not {"telephone", "email"} & set(canal.options), canal.options
    canal.select("telephone").run()
    assert not at.exception, [e.message for e in at.exception]
    canal = at.sidebar.multiselect(key="f_canal")
    assert canal.value == ["telephone"] and list(canal.values) == ["Téléphone"]

    ds = sample_dataset()
    tables = {**ds.tables, **ds.period_inputs}
    volume = KPIS.get("volume").name_fr
    shown = next(m.value for m in at.metric if m.label == volume)
    everything = compute(tables, ["volume"])["value"].iloc[0]
    phone = compute(tables, ["volume"], filters={"canal": ["telephone"]})["value"].iloc[0]
    assert phone < everything  # the filter bites: the number below is not the whole volume
    assert shown == fmt.value(phone, "count")
    banner = [i.value.replace("\\", "") for i in at.info if i.value.startswith("Filtres actifs")]
    assert banner == ["Filtres actifs : Canal = Téléphone"]


def test_settings_show_opening_hours_in_french_and_keep_them_stored_in_english():
    """The sample's hours "mon-sat 08:00-20:00" read "lun-sam 08:00-20:00" on the French page;
    applying without a change stores no override; typing French days stores English ones."""
    at = _app("fr")
    at.switch_page("pages/6_Parametres.py").run()
    hours = at.text_input(key="p_opening_hours")
    assert hours.value == "lun-sam 08:00-20:00"
    assert "lun-ven 08:00-19:00 ; sam 09:00-12:00" in hours.help
    apply = t("apply", "fr")
    next(b for b in at.button if b.label == apply).click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "opening_hours" not in at.session_state["params"]
    at.text_input(key="p_opening_hours").set_value("lun-ven 09:00-18:00")
    next(b for b in at.button if b.label == apply).click().run()  # the form sends both
    assert at.session_state["params"]["opening_hours"] == "mon-fri 09:00-18:00"
    assert at.text_input(key="p_opening_hours").value == "lun-ven 09:00-18:00"
