"""KPI declarations (``kpis.declare``): each declared KPI reads exactly the fields it declares it
needs when only those are present, and at least those when every field of the schema is there;
and a few declared rules checked by hand on tables written here (the engine tests in
``test_engine_cases.py`` judge the values of every declared KPI)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpis.declare import Combined, Measure, MemoryContext
from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable
from kpis.engine import Env, compute
from kpis.schema import TABLES

DECLARED = sorted(k.id for k in REGISTRY if hasattr(k.compute, "declaration"))
# KPIs of the schema's tables (the cost per contact reads a period table: its own test below)
OF_SCHEMA = [k for k in DECLARED if all(t in TABLES for t in REGISTRY.get(k).needs)]

# one sample value per schema kind: every field of the schema, two rows
_SAMPLE = {
    "datetime": [pd.Timestamp("2024-01-01 09:00"), pd.Timestamp("2024-01-02 10:00")],
    "duration": [10.0, 20.0],
    "bool": pd.array([True, False], dtype="boolean"),
    "score": [4.0, 9.0],
    "number": [1.0, 2.0],
}
_TEXT = {
    "canal": ["telephone", "email"],
    "direction": ["entrant", "sortant"],
    "niveau": ["N1", "N2"],
}


def _full_table(name: str, only: tuple[str, ...] | None = None) -> pd.DataFrame:
    cols = {}
    for f in TABLES[name].fields:
        if only is not None and f.name not in only:
            continue
        cols[f.name] = _SAMPLE.get(f.kind, _TEXT.get(f.name, ["a", "b"]))
    return pd.DataFrame(cols)


def _read_fields(m: Measure) -> set[str]:
    """Fields the measure reads: its expressions', its extra needs, the recontact flags'."""
    out = set(m.needs)
    for e in m.exprs():
        out |= e.fields()
    if m.recontact is not None:
        out |= {"customer_id", "started_at"} | ({"motif"} if m.recontact["same_motif"] else set())
    return out


def _measure(kpi_id: str, tables: dict) -> Measure:
    kpi = REGISTRY.get(kpi_id)
    fn = kpi.compute.declaration
    env = Env(tables, [], None, {})
    return fn(MemoryContext(env), dict(kpi.defaults))


def test_the_telephony_survey_and_resolution_ratios_are_declared():
    wanted = {
        "offered", "handled", "abandoned", "volume", "answer_rate", "abandon_rate",
        "service_level", "service_level_excl_short_abandons", "asa", "avg_wait", "qos_rate",
        "conversion_rate", "dmc", "acw", "dmt", "dmt_no_hold", "csat", "csat_mean", "nps",
        "ces", "ces_low_effort", "fcr", "fcr_measured", "fcr_survey", "recontact_rate",
        "recontact_rate_contacts", "transfer_rate", "avoidable_rate", "selfcare_rate",
    }  # fmt: skip
    assert wanted <= set(DECLARED)


def _reads(m) -> dict[str, set[str]]:
    """Fields read per table: the measure's, or each side's of a ``Combined`` (several)."""
    out: dict[str, set[str]] = {}
    for s in m.sides if isinstance(m, Combined) else (m,):
        out.setdefault(s.table, set()).update(
            _read_fields(s) if isinstance(s, Measure) else s.fields()
        )
    return out


@pytest.mark.parametrize("kpi_id", OF_SCHEMA)
def test_with_only_the_needed_fields_a_declaration_reads_exactly_them(kpi_id):
    kpi = REGISTRY.get(kpi_id)
    tables = {t: _full_table(t, fields) for t, fields in kpi.needs.items()}
    reads = _reads(_measure(kpi_id, tables))
    assert reads and set(reads) <= set(kpi.needs)
    for table, read in reads.items():
        assert read == set(kpi.needs[table]), table


@pytest.mark.parametrize("kpi_id", OF_SCHEMA)
def test_with_every_field_a_declaration_reads_its_needs_and_only_schema_fields(kpi_id):
    kpi = REGISTRY.get(kpi_id)
    tables = {t: _full_table(t) for t in TABLES}
    reads = _reads(_measure(kpi_id, tables))
    for table, read in reads.items():
        assert set(kpi.needs.get(table, ())) <= read, table
        assert read <= set(TABLES[table].names), table


def test_the_cost_per_contact_reads_the_contacts_time_and_the_split_they_share_with_costs():
    assert set(DECLARED) - set(OF_SCHEMA) == {"cost_per_contact"}
    costs = pd.DataFrame(
        {
            "period_start": [pd.Timestamp("2024-01-01")],
            "period_end": [pd.Timestamp("2024-01-31")],
            "cost": [10.0],
        }
    )
    contacts = _full_table("contacts", ("started_at",))
    m = _measure("cost_per_contact", {"costs": costs, "contacts": contacts})
    assert _reads(m) == {"contacts": {"started_at"}}
    costs["provider"] = ["a"]
    m = _measure("cost_per_contact", {"costs": costs, "contacts": _full_table("contacts")})
    assert _reads(m) == {"contacts": {"started_at", "provider"}}


def test_a_missing_needed_field_is_named_as_the_engine_view_names_it():
    kpi = REGISTRY.get("service_level")
    tables = {"contacts": _full_table("contacts", ("answered", "canal"))}
    with pytest.raises(NotComputable) as err:
        _measure(kpi.id, tables)
    assert err.value.needs == ["contacts.wait_s"]
    with pytest.raises(NotComputable) as err:
        _measure("dmt", {"contacts": _full_table("contacts", ("answered",))})
    assert err.value.needs == ["contacts.talk_s", "contacts.hold_s", "contacts.acw_s"]


# Hand-computed checks of two declared rules ---------------------------------------------------

# row  canal      direction  answered  offered
# 0    telephone  entrant    T         T
# 1    telephone  (missing)  F         T
# 2    telephone  sortant    T         T    outbound: outside
# 3    email      (missing)  T         T    not a call: outside
CALLS = pd.DataFrame(
    {
        "canal": pd.Categorical(["telephone", "telephone", "telephone", "email"]),
        "direction": pd.Categorical(["entrant", None, "sortant", None]),
        "answered": pd.array([True, False, True, True], dtype="boolean"),
        "offered": pd.array([True, True, True, True], dtype="boolean"),
    }
)


def test_a_call_without_direction_counts_inbound_and_the_detail_says_so_only_then():
    out = compute({"contacts": CALLS}, ["answer_rate"], params={"min_n": 1}).iloc[0]
    assert (out["numerator"], out["denominator"]) == (1, 2)  # rows 0, 1
    assert out["detail"] == "contacts without a direction assumed inbound"
    # row 1 filtered out: the only undirected row left (3) is an e-mail, so no such note
    out = compute({"contacts": CALLS.drop(index=1)}, ["answer_rate"], params={"min_n": 1}).iloc[0]
    assert (out["numerator"], out["denominator"]) == (1, 1)
    assert out["detail"] == ""


# row  answered  talk  acw   → talk + acw (a missing value in a used component counts 0)
# 0    T         100   20    120
# 1    T         NaN   40     40
# 2    T         NaN   NaN   left out (nothing known)
# 3    F         500   50    not answered: outside
DURATIONS = pd.DataFrame(
    {
        "answered": pd.array([True, True, True, False], dtype="boolean"),
        "talk_s": [100.0, np.nan, np.nan, 500.0],
        "acw_s": [20.0, 40.0, np.nan, 50.0],
    }
)


def test_handle_time_without_hold_sums_the_known_components_of_answered_contacts():
    out = compute({"contacts": DURATIONS}, ["dmt_no_hold"], params={"min_n": 1}).iloc[0]
    assert (out["numerator"], out["denominator"], out["value"]) == (160.0, 2, 80.0)
    assert out["detail"] == (
        "components used: talk_s + acw_s; over answered contacts; "
        "a missing value in a used component counts 0"
    )
