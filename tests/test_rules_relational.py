"""The interpretation rules on a relational source (``pilote findings --engine``).

On a table written here: the rows a rule gets are filtered in the engine as in memory (a value
filter, a survey borrowing the canal of its contact), carry only the asked columns with the
import's types, and the recontact flags come from the whole contacts table (a phone call
followed by an e-mail stays recontacted under canal = telephone). On the bundled sample loaded
into DuckDB: the same findings as in memory (rule ids, kinds, texts, evidence to 1e-9), without
and with filters; with a low row bound the rules that read contacts or survey rows become "cannot
decide" notes saying why, and the rules that read KPI tables only still fire. ``ROW_FIELDS`` is
checked by running each rule in memory on rows cut down to its declared columns.
"""

from __future__ import annotations

import math
import shutil
from functools import cache

import pandas as pd
import pytest

import kpis.relational.rows as rows_module
from kpis import format as fmt
from kpis.io.sample import load_sample, sample_engine_params, sample_settings
from kpis.opening_hours import resolve as resolve_opening_hours
from kpis.relational.source import from_frames
from kpis.rules.catalogue import RULES_BY_ID
from kpis.rules.data import RuleData
from kpis.rules.data_relational import (
    ITEMS,
    KPI_ONLY,
    ROW_FIELDS,
    RelationalRuleData,
    rule_fields,
)
from kpis.rules.model import Undecidable, config
from kpis.rules.runner import findings_json, run_rules

FILTERS = {"canal": ["telephone", "chat"], "started_at": ("2026-02-01", "2026-04-30")}


def _small():
    t = pd.to_datetime
    contacts = pd.DataFrame(
        {
            "contact_id": ["C1", "C2", "C3", "C4", "C5"],
            "started_at": t(
                [
                    "2026-01-01 09:00",
                    "2026-01-02 10:00",
                    "2026-01-12 09:00",
                    "2026-01-20 11:00",
                    "2026-01-31 12:00",
                ]
            ),
            "canal": pd.Categorical(["telephone", "email", "telephone", "telephone", "chat"]),
            "customer_id": pd.array([1, 1, 1, 3, 2], dtype="Int64"),
            "motif": pd.Categorical(["A", "A", "A", "B", "A"]),
            "wait_s": [10.0, 20.0, 30.0, 40.0, 50.0],
        }
    )
    surveys = pd.DataFrame(
        {
            "answered_at": t(["2026-01-03", "2026-01-04", "2026-01-21"]),
            "contact_id": ["C1", "C2", "C4"],
            "csat_score": [5.0, 2.0, 4.0],
        }
    )
    return {"contacts": contacts, "surveys": surveys}


def _relational(tables, filters, fields, backend="duckdb", **kw):
    params = {"window_days": 7, "same_motif": True, "exclude_censored": True}
    return RelationalRuleData(from_frames(tables, backend), params, filters, fields=fields, **kw)


BACKENDS = [
    "duckdb",
    pytest.param(
        "spark",
        marks=pytest.mark.skipif(shutil.which("java") is None, reason="Java absent: no Spark"),
    ),
]


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_filtered_in_the_engine_with_the_asked_columns_only(backend):
    asked = {"contacts": {"wait_s", "canal"}, "surveys": {"csat_score"}}
    d = _relational(_small(), {"canal": "telephone"}, asked, backend)
    c = d.need("contacts", "wait_s")
    assert list(c.columns) == ["canal", "wait_s"]  # the asked columns, in the table's order
    assert c["wait_s"].tolist() == [10.0, 30.0, 40.0]  # C1, C3, C4 in file order
    assert list(c["canal"].cat.categories) == ["chat", "email", "telephone"]  # whole table's
    s = d.need("surveys", "csat_score")  # surveys take the canal of their contact (C1, C4)
    assert s["csat_score"].tolist() == [5.0, 4.0] and list(s.columns) == ["csat_score"]
    with pytest.raises(Undecidable, match="needs contacts.talk_s"):
        d.need("contacts", "talk_s")


def test_a_filter_the_table_cannot_take_makes_the_rule_undecided():
    d = _relational(_small(), {"queue": "Accueil"}, {"contacts": {"wait_s"}})
    with pytest.raises(Undecidable, match="the filter on queue cannot apply to contacts"):
        d.table("contacts")


@pytest.mark.parametrize("backend", BACKENDS)
def test_recontact_flags_from_the_whole_contacts_table(backend):
    # C1 (phone, 1 Jan) is followed by C2 (e-mail, 2 Jan, same customer and motif): recontacted
    # even under canal = telephone, where the next phone call C3 comes 11 days later; C3 and C4
    # have no next contact; C5 (31 Jan, the last) is censored and filtered out anyway
    asked = {"contacts": {"customer_id", "started_at", "motif"}}  # what RuleData.recontact reads
    d = _relational(_small(), {"canal": "telephone"}, asked, backend)
    flags = d.recontact()
    assert flags["eligible"].tolist() == [True, True, True]
    assert flags["recontact"].tolist() == [True, False, False]
    whole = _relational(_small(), None, asked, backend).recontact()
    assert whole["eligible"].tolist() == [True, True, True, True, False]  # C5 censored
    assert whole["recontact"].isna().tolist() == [False, False, False, False, True]


def test_beyond_the_bound_no_row_leaves_the_base():
    d = _relational(_small(), {"canal": "telephone"}, {"contacts": {"wait_s"}}, max_rows=2)
    with pytest.raises(Undecidable) as err:
        d.table("contacts")  # 3 phone contacts > 2
    assert err.value.needs_fr.startswith(
        "cette règle lit des lignes de la table « Contacts » (3 lignes) : plus que la limite de 2 "
        "lignes lues hors de la base"
    )
    assert "the table 'Contacts' (3 rows): more than the bound of 2 rows" in err.value.needs_en
    assert "recontact" not in d._memo and ("rows", "contacts") not in d._memo


# ---------------------------------------------------------------- the sample


@cache
def _sample():
    tables, _ = load_sample(key=b"r" * 32)
    return tables


@cache
def _source():
    return from_frames(_sample())


def _run(filters=None, source=False):
    key = tuple(sorted((k, repr(v)) for k, v in (filters or {}).items()))
    return _runs(key, filters, source)


_CACHE: dict = {}


def _runs(key, filters, source):
    if (key, source) not in _CACHE:
        tables = {} if source else _sample()
        got = run_rules(
            tables,
            sample_engine_params(),
            sample_settings(),
            filters=filters,
            source=_source() if source else None,
        )
        _CACHE[key, source] = findings_json(got)
    return _CACHE[key, source]


def _close(a, b, path=""):
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            _close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and not isinstance(b, bool):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize("filters", [None, FILTERS], ids=["whole", "filtered"])
def test_findings_on_the_engine_equal_in_memory(filters):
    mem, rel = _run(filters), _run(filters, source=True)
    assert [(f["rule"], f["kind"]) for f in rel] == [(f["rule"], f["kind"]) for f in mem]
    assert sum(f["kind"] == "finding" for f in mem) >= 20  # the sample's planted findings
    for a, b in zip(rel, mem, strict=True):
        _close(a, b, a["rule"])  # texts, segments, evidence (p-values, intervals) to 1e-9


def test_low_bound_row_rules_say_why_kpi_rules_still_fire(monkeypatch):
    monkeypatch.setattr(rows_module, "MAX_ROWS", 1000)  # contacts 30 064, surveys 7 613 rows
    mem = _run()
    rel = findings_json(run_rules({}, sample_engine_params(), sample_settings(), source=_source()))
    n = {"Contacts": len(_sample()["contacts"]), "Enquêtes": len(_sample()["surveys"])}
    fired = {f["rule"] for f in mem if f["kind"] == "finding"}
    by_rule: dict[str, list] = {}
    for f in rel:
        by_rule.setdefault(f["rule"], []).append(f)
    reading = [r for r, t in ROW_FIELDS.items() if {"contacts", "surveys"} & set(t)]
    for rid in reading:
        if rid not in fired:
            continue
        (note,) = by_rule[rid]
        assert note["kind"] == "insufficient_data", rid
        why = note["evidence"]["why_fr"]
        assert any(
            f"lit des lignes de la table « {t} » ({fmt.integer(k, 'fr')} lignes) : plus que la "
            f"limite de {fmt.integer(1000, 'fr')} lignes lues hors de la base" in why
            for t, k in n.items()
        ), (rid, why)
        assert "rows): more than the bound of 1,000 rows" in note["evidence"]["why_en"]
    for rid in KPI_ONLY:  # the same findings as in memory
        got = [f for f in rel if f["rule"] == rid]
        want = [f for f in mem if f["rule"] == rid]
        assert got and [f["kind"] for f in got] == [f["kind"] for f in want]
        _close(got, want, rid)
    assert [f["kind"] for f in by_rule["quality_items_weak"]] == ["finding"]  # 715 evaluations


class _CutRuleData(RuleData):
    """In-memory rule data whose rows carry only ``fields`` (KPIs still on the whole tables)."""

    def __init__(self, tables, params, fields, **kw):
        super().__init__(tables, params, **kw)
        self.full, self.fields = self.tables, fields
        self.tables = {n: self._cut(n, t) for n, t in self.full.items()}

    def _cut(self, name, t):
        want = self.fields.get(name, set())
        if "*" in want:
            return t
        keep = [c for c in t.columns if c in want or (ITEMS in want and c.startswith("item:"))]
        return t[keep]

    def table(self, name):
        t = super().table(name)
        return None if t is None else self._cut(name, t)

    def compute(self, kpi_ids, by=None, period=None, filters=None):
        tables, self.tables = self.tables, self.full
        try:
            return super().compute(kpi_ids, by, period, filters)
        finally:
            self.tables = tables


def _check(rule, data, settings):
    try:
        return findings_json(rule.check(rule, data, config(rule, settings), settings))
    except Undecidable as err:
        return ["undecidable", err.needs_en]


def test_row_fields_hold_every_column_the_rules_read():
    settings, params = sample_settings(), dict(sample_engine_params())
    hours = resolve_opening_hours(settings, params)
    if hours.confirmed:
        params["opening_hours"] = hours.spec
    for rid in ROW_FIELDS:  # the declared fields plus those the rule's settings name
        rule, fields = RULES_BY_ID[rid], rule_fields([rid], settings)
        whole = _check(rule, RuleData(_sample(), params), settings)
        cut = _check(rule, _CutRuleData(_sample(), params, fields), settings)
        assert whole[0] != "undecidable", (rid, whole)  # the sample lets every rule decide
        _close(cut, whole, rid)


def test_every_rule_is_declared_row_reading_or_kpi_only():
    from kpis.rules.catalogue import RULES

    ids = [r.id for r in RULES]
    assert sorted(ids) == sorted([*ROW_FIELDS, *KPI_ONLY])  # a new rule must be measured
    assert not set(ROW_FIELDS) & set(KPI_ONLY)


def test_the_reports_findings_cell_on_the_base_equals_the_view_in_memory():
    from kpis.relational.report import findings_cell
    from kpis.views.runner import run_cell
    from kpis.workspace import Cell

    settings = {"params": sample_engine_params(), "rules": sample_settings(), "lang": "en"}
    cell = Cell("findings", {"include_undecided": True}, filters={"canal": "telephone"})
    mem = run_cell(cell, _sample(), settings)
    rel = findings_cell(cell, _source(), {}, settings)
    assert mem.error is None and rel.error is None
    assert (rel.title, rel.view, rel.view_id, rel.numbers) == (
        mem.title,
        mem.view,
        mem.view_id,
        mem.numbers,
    )
    assert rel.filters == mem.filters == {"canal": "telephone"}
    pd.testing.assert_frame_equal(rel.table, mem.table)
    assert len(mem.table) >= 20 and "finding" in set(mem.table["kind"])
