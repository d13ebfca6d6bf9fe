"""Sample data: determinism, French file format, bundled files, planted effects."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kpis.schema import TABLES
from sample_data import generator as g
from sample_data.__main__ import main

SAMPLE_DIR = Path(g.__file__).resolve().parent
DATA_FILES = ["contacts.csv", "enquetes.csv", "evaluations.csv"]
PERIOD_FILES = ["couts.csv", "heures.csv", "base_clients.csv", "effectifs.csv"]
MAPPINGS = [f.replace(".csv", ".mapping.yaml") for f in DATA_FILES]
ALL_FILES = DATA_FILES + PERIOD_FILES + MAPPINGS
TABLE_OF = {"contacts.csv": "contacts", "enquetes.csv": "surveys", "evaluations.csv": "evaluations"}
DATE_RE = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$")

try:  # the project's folding when available, else the same rules
    from kpis.io.text import fold
except ImportError:  # pragma: no cover

    def fold(text: object) -> str:
        s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
        return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def data():
    return g.generate()


@pytest.fixture(scope="module")
def null_data():
    return g.generate(**g.NULL_EFFECTS)


def recontacted(contacts: pd.DataFrame, days: int = 7) -> pd.Series:
    """Per contact: the same customer came back on the same motif within `days`."""
    c = contacts[contacts["customer_id"].notna()].sort_values("started_at", kind="stable")
    nxt = c.groupby(["customer_id", "motif"], observed=True)["started_at"].shift(-1)
    return ((nxt - c["started_at"]) <= pd.Timedelta(days=days)).reindex(contacts.index)


def handled(contacts: pd.DataFrame) -> pd.Series:
    return contacts["answered"].fillna(False).astype(bool)


def nps(scores: pd.Series) -> float:
    s = scores.dropna()
    return 100 * ((s >= 9).mean() - (s <= 6).mean())


def fcr_pair(contacts: pd.DataFrame) -> tuple[float, float]:
    """(declared FCR, measured FCR = no recontact within 7 days) on handled contacts."""
    h = handled(contacts)
    rec = recontacted(contacts)[h]
    declared = contacts.loc[h, "resolved_first_contact"].astype(float).mean()
    measured = 1 - rec.dropna().astype(float).mean()
    return declared, measured


# --------------------------------------------------------------------------- API and shapes


def test_deterministic_for_a_seed():
    a = g.generate(seed=11, n_contacts=4000, months=3)
    b = g.generate(seed=11, n_contacts=4000, months=3)
    assert a.keys() == b.keys()
    for key in a:
        pd.testing.assert_frame_equal(a[key], b[key])
    c = g.generate(seed=12, n_contacts=4000, months=3)
    assert not a["contacts"]["started_at"].equals(c["contacts"]["started_at"])


def test_unknown_effect_is_rejected():
    with pytest.raises(TypeError, match="unknown effect"):
        g.generate(n_contacts=500, months=1, not_a_knob=True)


def test_canonical_names_and_dtypes(data):
    for table in ("contacts", "surveys", "evaluations"):
        frame = data[table]
        names = set(TABLES[table].names)
        extra = set(frame.columns) - names
        if table == "evaluations":
            assert extra == set(g.GRID_ITEMS)
        else:
            assert not extra
        for f in TABLES[table].fields:
            if f.name not in frame:
                continue
            s = frame[f.name]
            if f.kind == "bool":
                assert isinstance(s.dtype, pd.BooleanDtype), f.name
            elif f.kind == "datetime":
                assert pd.api.types.is_datetime64_dtype(s.dtype), f.name
                assert getattr(s.dt, "tz", None) is None
            elif f.kind == "duration":
                assert s.dtype == "float64", f.name
            elif f.kind in ("id", "text"):
                assert pd.api.types.is_string_dtype(s.dtype), f.name
    c = data["contacts"]
    assert c["customer_id"].dropna().str.fullmatch(r"CLI-\d{6}").all()
    assert c["contact_id"].is_unique


def test_sizes_and_realism(data):
    c, s, e = data["contacts"], data["surveys"], data["evaluations"]
    assert 25_000 <= len(c) <= 35_000
    assert 6_000 <= len(s) <= 9_000
    assert 600 <= len(e) <= 1_000
    assert c["started_at"].min() >= pd.Timestamp("2026-01-01")
    assert c["started_at"].max() < pd.Timestamp("2026-07-01")
    share = c["canal"].value_counts(normalize=True)
    assert share.idxmax() == "telephone" and share["telephone"] > 0.5
    assert set(share.index) == {"telephone", "email", "chat", "reseaux_sociaux"}
    assert (c["direction"] == "entrant").mean() > 0.9
    assert (c["niveau"] == "N1").mean() > 0.75
    assert c["motif"].nunique() == 10
    assert 35 <= c["agent_id"].nunique() <= 45
    assert c["team"].nunique() == 5 and c["provider"].nunique() == 3
    assert 0.2 < c["sous_motif"].notna().mean() < 0.9
    # every survey points to a real contact of the same customer
    m = s.merge(
        c[["contact_id", "customer_id"]],
        on="contact_id",
        how="left",
        suffixes=("", "_c"),
        validate="one_to_one",
    )
    assert m["customer_id_c"].notna().sum() == m["customer_id"].notna().sum()
    assert (m["customer_id"].dropna() == m["customer_id_c"].dropna()).all()
    assert (s["answered_at"] >= m["answered_at"].min()).all()
    assert s["csat_score"].between(1, 5).all()
    assert s["nps_score"].dropna().between(0, 10).all()
    assert s["ces_score"].dropna().between(1, 7).all()
    assert 0.15 < s["comment"].isna().mean() < 0.6


def test_durations_depend_on_level_and_motif(data):
    c = data["contacts"]
    phone = c[(c["canal"] == "telephone") & handled(c)]
    by_level = phone.groupby("niveau", observed=True)["talk_s"].mean()
    assert by_level["N1"] < by_level["N2"] < by_level["N3"]
    n1 = phone[phone["niveau"] == "N1"].groupby("motif", observed=True)["talk_s"].mean()
    assert n1["Panne technique"] > 1.8 * n1["Suivi de commande"]


def test_opening_hours_peaks_and_hno(data, null_data):
    c = data["contacts"]
    t = c["started_at"]
    ho = (t.dt.day_of_week < 6) & (t.dt.hour >= 8) & (t.dt.hour < 20)
    phone = c["canal"] == "telephone"
    digital = c["canal"].isin(["email", "chat", "reseaux_sociaux"])
    assert 0.03 < (~ho[digital]).mean() < 0.25
    assert (~ho[phone]).mean() < 0.02
    hours = t[phone].dt.hour.value_counts()
    assert hours[10] > 1.3 * hours[8] and hours[10] > 1.3 * hours[13]
    assert hours[15] > hours[13]
    days = t.dt.day_of_week.value_counts()
    assert days[0] > days[3] > days[5] > days.get(6, 0)
    # null twin: nothing outside Mon–Sat 08:00–20:00
    n = null_data["contacts"]["started_at"]
    assert ((n.dt.day_of_week < 6) & (n.dt.hour >= 8) & (n.dt.hour < 20)).all()


def test_waits_follow_load_and_abandons(data):
    c = data["contacts"]
    ph = c[(c["canal"] == "telephone") & (c["direction"] == "entrant")]
    month = ph["started_at"].dt.strftime("%Y-%m")
    ans = handled(ph)
    surge = month == "2026-03"
    assert ph.loc[ans & surge, "wait_s"].mean() > 1.3 * ph.loc[ans & ~surge, "wait_s"].mean()
    assert (~ans[surge]).mean() > 1.5 * (~ans[~surge]).mean()
    # abandons are more likely after a long wait than a short one
    long_ = ph["wait_s"] > 90
    assert (~ans[long_]).mean() > 2 * (~ans[~long_]).mean()
    short = (~ans & (ph["wait_s"] < 5)).sum()
    assert 3 <= short <= 200
    assert ph["wait_s"].notna().all() and (ph["wait_s"] >= 0).all()


# --------------------------------------------------------------------------- planted effects


def test_recontact_by_motif_and_provider(data, null_data):
    c = data["contacts"]
    h = handled(c)
    rec = recontacted(c)[h].astype(float)
    by_motif = rec.groupby(c.loc[h, "motif"], observed=True).mean()
    others = by_motif.drop(["Remboursement", "Livraison"])
    assert by_motif["Remboursement"] > 1.8 * others.median()
    assert by_motif["Livraison"] > 1.4 * others.median()
    assert by_motif["Remboursement"] == by_motif.max()
    by_provider = rec.groupby(c.loc[h, "provider"], observed=True).mean()
    assert by_provider["Prestataire B"] > 1.5 * by_provider["Interne"]
    # null twin: flat within noise
    n = null_data["contacts"]
    hn = handled(n)
    flat = recontacted(n)[hn].astype(float).groupby(n.loc[hn, "motif"], observed=True).mean()
    assert flat.max() < 1.5 * flat.min()


def test_declared_fcr_above_measured(data, null_data):
    declared, measured = fcr_pair(data["contacts"])
    assert declared > measured + 0.04
    declared0, measured0 = fcr_pair(null_data["contacts"])
    assert declared0 <= measured0 + 0.01


def test_surge_month_volume_and_recontact(data, null_data):
    c = data["contacts"]
    month = c["started_at"].dt.strftime("%Y-%m")
    vol = month.value_counts()
    assert vol["2026-03"] > 1.25 * vol.drop("2026-03").mean()
    h = handled(c)
    rec = recontacted(c)[h].astype(float).groupby(month[h]).mean()
    assert rec["2026-03"] > 1.3 * rec.drop("2026-03").max()
    n = null_data["contacts"]
    nvol = n["started_at"].dt.strftime("%Y-%m").value_counts()
    assert nvol["2026-03"] < 1.12 * nvol.drop("2026-03").mean()


def test_training_raises_nps_on_panne_technique(data, null_data):
    def change(s: pd.DataFrame, motif_is: bool) -> float:
        sel = (s["motif"] == "Panne technique") == motif_is
        before = s["answered_at"] < pd.Timestamp("2026-04-01")
        return nps(s.loc[sel & ~before, "nps_score"]) - nps(s.loc[sel & before, "nps_score"])

    s = data["surveys"]
    assert change(s, True) > 30
    assert change(s, True) > change(s, False) + 20
    assert abs(change(null_data["surveys"], True)) < 15


def test_fast_agent_within_motif(data, null_data):
    def ratio(c: pd.DataFrame) -> pd.Series:
        x = c[(c["canal"] == "telephone") & handled(c) & (c["niveau"] == "N1")]
        dmt = x["talk_s"] + x["hold_s"].fillna(0) + x["acw_s"].fillna(0)
        med = dmt.groupby([x["motif"], x["agent_id"]], observed=True).median().unstack()
        return (med["Kévin M."] / med.drop(columns="Kévin M.").median(axis=1)).dropna()

    r = ratio(data["contacts"])
    assert len(r) >= 8 and (r < 0.8).all()
    r0 = ratio(null_data["contacts"])
    assert r0.between(0.75, 1.3).all()


def test_comments_follow_scores(data):
    s = data["surveys"]
    det = s.loc[s["nps_score"] <= 6, "comment"].dropna().str.lower()
    pro = s.loc[s["nps_score"] >= 9, "comment"].dropna().str.lower()
    for word in ("attente", "rappeler", "toujours pas"):
        assert det.str.contains(word).mean() > 0.1 > pro.str.contains(word).mean(), word
    for word in ("rapide", "efficace", "aimable"):
        assert pro.str.contains(word).mean() > 0.1 > det.str.contains(word).mean(), word
    rem = s["motif"] == "Remboursement"
    assert s.loc[rem & (s["nps_score"] <= 6), "comment"].str.contains("rembours").mean() > 0.15


def test_evaluation_grids(data, null_data):
    e = data["evaluations"]
    calls = e[e["grid"] == "Notes d'écoute"]
    picks = e[e["grid"] == "Picking"]
    assert len(calls) > len(picks) > 100
    assert (calls["canal"] == "telephone").all() and (picks["canal"] != "telephone").all()
    only_pick = [i for i in g.PICKING_ITEMS if i not in g.CALL_ITEMS]
    only_call = [i for i in g.CALL_ITEMS if i not in g.PICKING_ITEMS]
    assert calls[only_pick].isna().all().all() and picks[only_call].isna().all().all()
    items = e[list(g.GRID_ITEMS)]
    assert items.stack().dropna().between(0, 10).all()
    assert np.allclose(items.sum(axis=1), e["score"])
    assert np.allclose(items.notna().sum(axis=1) * 10, e["max_score"])
    means = calls[list(g.CALL_ITEMS)].mean()
    assert means.idxmin() == "Reformulation"
    assert means.drop("Reformulation").min() - means["Reformulation"] > 0.5
    flat = null_data["evaluations"]
    flat = flat.loc[flat["grid"] == "Notes d'écoute", list(g.CALL_ITEMS)].mean()
    assert flat.max() - flat.min() < 0.6
    # every evaluated contact exists and belongs to the evaluated agent
    c = data["contacts"].set_index("contact_id")
    assert (
        c.loc[e["contact_id"], "agent_id"].astype(str).to_numpy()
        == e["agent_id"].astype(str).to_numpy()
    ).all()


def test_period_inputs_are_consistent(data):
    base = data["customer_base"]
    assert (
        base["customers_end"]
        == base["customers_start"] + base["new_customers"] - base["lost_customers"]
    ).all()
    assert (
        base["customers_start"].iloc[1:].to_numpy() == base["customers_end"].iloc[:-1].to_numpy()
    ).all()
    assert (base["renewals_done"] <= base["renewals_due"]).all()
    hours = data["hours"]
    assert (hours["absence_hours"] < hours["planned_hours"]).all()
    assert len(data["costs"]) == 6 * 3 and (data["costs"]["total_cost"] > 0).all()
    assert data["headcount"]["leavers"].sum() == 2


# --------------------------------------------------------------------------- French files


def test_bundled_files_are_what_the_generator_writes(tmp_path):
    assert main(["--out", str(tmp_path)]) == 0
    for name in ALL_FILES:
        bundled = SAMPLE_DIR / name
        assert bundled.exists(), f"{name} missing: run python -m sample_data"
        assert bundled.read_bytes() == (tmp_path / name).read_bytes(), name
    total = sum((SAMPLE_DIR / n).stat().st_size for n in ALL_FILES)
    assert total < 10 * 1024 * 1024


def test_french_csv_format():
    for name in DATA_FILES + PERIOD_FILES:
        raw = (SAMPLE_DIR / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r\n" not in raw
        raw.decode("utf-8")
        header = raw.split(b"\n", 1)[0].decode()
        assert ";" in header and "," not in header.replace("Coût", "")
    c = pd.read_csv(SAMPLE_DIR / "contacts.csv", sep=";", dtype=str, keep_default_na=False)
    assert c["Date du contact"].str.match(DATE_RE).all()
    resolved = c["Date de résolution"][c["Date de résolution"] != ""]
    assert len(resolved) and resolved.str.match(DATE_RE).all()
    for col in ("Temps d'attente", "Durée de communication", "Mise en attente"):
        v = c[col][c[col] != ""]
        assert len(v) and v.str.fullmatch(r"\d+").all(), col
    acw = c["Post-appel"][c["Post-appel"] != ""]
    assert len(acw) and acw.str.fullmatch(r"\d{2}:\d{2}:\d{2}").all()
    assert set(c["Décroché"]) == {"oui", "non", ""}
    # empty only for the calls that took the callback offer (generator CALLBACK_UNKNOWN)
    blank = c["Décroché"] == ""
    assert (c.loc[blank, "File d'attente"] == "Commandes").all() and 100 < blank.sum() < 400
    assert set(c["Canal"]) == {"Téléphone", "Email", "Chat", "Réseaux sociaux"}
    s = pd.read_csv(SAMPLE_DIR / "enquetes.csv", sep=";", dtype=str, keep_default_na=False)
    assert s["Date de réponse"].str.match(DATE_RE).all()
    e = pd.read_csv(SAMPLE_DIR / "evaluations.csv", sep=";", dtype=str, keep_default_na=False)
    assert e["Date d'évaluation"].str.match(DATE_RE).all()
    h = pd.read_csv(SAMPLE_DIR / "heures.csv", sep=";", dtype=str)
    assert h["Heures planifiées"].str.fullmatch(r"\d+,\d{2}").all()
    k = pd.read_csv(SAMPLE_DIR / "couts.csv", sep=";", decimal=",")
    assert k["Coût total (€)"].dtype == "float64"
    assert np.allclose(
        k["Coût personnel (€)"] + k["Coût télécom et outils (€)"], k["Coût total (€)"], atol=0.011
    )


@pytest.mark.parametrize("name", DATA_FILES)
def test_headers_match_schema_and_mapping(name):
    table = TABLES[TABLE_OF[name]]
    header = (SAMPLE_DIR / name).read_text(encoding="utf-8").split("\n", 1)[0].split(";")
    doc = yaml.safe_load((SAMPLE_DIR / name.replace(".csv", ".mapping.yaml")).read_text("utf-8"))
    assert doc["table"] == table.name
    mapped = list(doc["columns"].values()) + list(doc.get("items", []))
    assert sorted(mapped) == sorted(header)  # every column mapped explicitly, once
    for fname, col in doc["columns"].items():
        synonyms = {fold(s) for s in table.get(fname).synonyms} | {fold(fname)}
        assert fold(col) in synonyms, (fname, col)
        others = [
            f.name
            for f in table.fields
            if f.name != fname and fold(col) in {fold(s) for s in f.synonyms}
        ]
        assert not others, (col, others)
        if table.get(fname).kind == "datetime":
            assert doc["formats"][fname] == "%d/%m/%Y %H:%M:%S"
    if name == "evaluations.csv":
        assert doc["items"] == list(g.GRID_ITEMS)


def test_french_files_round_trip(data):
    """Reading the bundled contacts back with the mapping gives the canonical values."""
    c = data["contacts"]
    doc = yaml.safe_load((SAMPLE_DIR / "contacts.mapping.yaml").read_text("utf-8"))
    raw = pd.read_csv(SAMPLE_DIR / "contacts.csv", sep=";", dtype=str, keep_default_na=False)
    cols = doc["columns"]
    started = pd.to_datetime(raw[cols["started_at"]], format=doc["formats"]["started_at"])
    assert (started.to_numpy() == c["started_at"].to_numpy()).all()
    canal = raw[cols["canal"]].map(doc["values"]["canal"])
    assert (canal.to_numpy() == c["canal"].astype(str).to_numpy()).all()
    answered = raw[cols["answered"]].map(doc["values"]["answered"])  # "" → NaN
    assert (answered.isna().to_numpy() == c["answered"].isna().to_numpy()).all()
    known = c["answered"].notna().to_numpy()
    assert (answered[known].to_numpy() == c["answered"][known].astype(bool).to_numpy()).all()
    acw = raw[cols["acw_s"]].str.split(":", expand=True).replace("", np.nan).astype(float)
    secs = acw[0] * 3600 + acw[1] * 60 + acw[2]
    assert np.allclose(secs, c["acw_s"], equal_nan=True)
    assert (
        raw[cols["customer_id"]].replace("", np.nan).astype(object).fillna("").to_numpy()
        == c["customer_id"].astype(object).fillna("").to_numpy()
    ).all()


def test_project_importer_reads_the_bundled_files():
    pipeline = pytest.importorskip("kpis.io.pipeline")
    for name in DATA_FILES:
        mapping = SAMPLE_DIR / name.replace(".csv", ".mapping.yaml")
        result = pipeline.import_file(str(SAMPLE_DIR / name), mapping=str(mapping))
        report = result.report
        assert report["table"] == TABLE_OF[name]
        assert report["rows_used"] == report["rows_in"], report["set_aside"]
