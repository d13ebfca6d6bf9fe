"""The KPI registry: completeness, self-description, duplicates, unknown ids."""

import math
import re
from pathlib import Path

import pytest

from kpis.definitions import REGISTRY
from kpis.engine import registry_records
from kpis.registry import DIRECTIONS, KPI, UNITS, Registry, UnknownKPI

# ../shared beside the repo, as in CI and the dev workspace (not an absolute path)
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "KPI_REFERENCE.md"

SECTION_IDS = {
    "csat", "nps", "ces",
    "quality_calls", "quality_written", "eval_coverage",
    "fcr", "recontact_rate", "transfer_rate", "avoidable_rate", "selfcare_rate", "mttr",
    "sla_compliance", "motifs",
    "offered", "handled", "abandoned", "answer_rate", "abandon_rate", "qos_rate",
    "service_level", "asa", "avg_wait", "dmc", "acw", "dmt", "conversion_rate",
    "cost_per_contact", "ho_hno", "volume", "backlog",
    "absenteeism", "agent_days", "productivity", "attrition",
    "retention", "churn", "renewal_rate",
}  # fmt: skip
VARIANTS = {
    "fcr_measured": "fcr",
    "fcr_survey": "fcr",
    "recontact_rate_contacts": "recontact_rate",
    "csat_mean": "csat",
    "ces_low_effort": "ces",
    "service_level_excl_short_abandons": "service_level",
    "dmt_no_hold": "dmt",
}


def test_every_reference_id_is_registered():
    missing = SECTION_IDS - set(REGISTRY.ids)
    assert not missing
    assert "verbatims" not in REGISTRY  # a page, not a KPI


@pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/KPI_REFERENCE.md absent (only beside the repo in CI)"
)
def test_reference_tables_sections_1_to_6():
    text = REFERENCE.read_text(encoding="utf-8").split("## 7.")[0]
    ids = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.M)) - {"verbatims"}
    assert len(ids) >= 30  # the tables were read, not an empty match
    assert ids <= set(REGISTRY.ids)


def test_variants_declared_and_labelled():
    for vid, base in VARIANTS.items():
        k = REGISTRY.get(vid)
        assert k.variant_of == base
        assert k.name_fr != REGISTRY.get(base).name_fr
        assert k.definition_en != REGISTRY.get(base).definition_en


@pytest.mark.parametrize("kpi", list(REGISTRY), ids=lambda k: k.id)
def test_every_entry_describes_itself(kpi):
    assert kpi.name_fr.strip() and kpi.name_en.strip()
    assert len(kpi.definition_fr) > 20 and len(kpi.definition_en) > 20
    assert kpi.formula.strip()
    assert kpi.unit in UNITS
    assert kpi.direction in DIRECTIONS
    assert isinstance(kpi.default_target, float) and math.isfinite(kpi.default_target)
    assert kpi.needs and all(fields for fields in kpi.needs.values())
    assert kpi.compute is not None
    for name, p in kpi.params.items():
        assert p.description_en.strip(), f"{kpi.id}.{name} lacks a description"
    if kpi.direction == "neutral":
        assert kpi.unit in ("count", "%")


def test_duplicate_id_rejected():
    k = REGISTRY.get("csat")
    with pytest.raises(ValueError, match="duplicate KPI id 'csat'"):
        Registry([k, k])


def test_unknown_id_lists_valid_ones():
    with pytest.raises(UnknownKPI) as err:
        REGISTRY.get("cstat")
    msg = str(err.value)
    assert "cstat" in msg and "csat" in msg and "nps" in msg
    assert isinstance(err.value, KeyError) and isinstance(err.value, ValueError)


def test_bad_declaration_rejected():
    with pytest.raises(ValueError):
        KPI("x", "x", "x", "telephony", "d", "d", "f", "furlongs", "higher", 1.0, {"c": ("a",)})
    with pytest.raises(ValueError):
        KPI("x", "x", "x", "telephony", "d", "d", "f", "%", "up", 1.0, {"c": ("a",)})


def test_registry_records_json_ready():
    import json

    recs = registry_records("en")
    assert len(recs) == len(REGISTRY)
    json.dumps(recs)
    fr = {r["id"]: r for r in registry_records("fr")}
    assert fr["answer_rate"]["name"] == "Taux de décroché"
    assert fr["service_level"]["params"]["sl_seconds"]["default"] == 20
    assert fr["service_level"]["needs"] == {"contacts": ["answered", "wait_s"]}
