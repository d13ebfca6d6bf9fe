"""Findings: the interpretation rules' findings as plain dicts (for pages, cells and
deliverables), and the findings view (every rule under the view's filters)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kpis.views import charts
from kpis.views.base import Input, View, ViewResult, lang_of, t2, text


def finding_dict(f: Any) -> dict:
    """A finding (object or dict) as rule, severity, kind, titles, segment, texts, evidence."""
    if isinstance(f, Mapping):
        d = dict(f)
    elif hasattr(f, "to_dict"):
        d = f.to_dict()
    elif dataclasses.is_dataclass(f):
        d = dataclasses.asdict(f)
    else:
        d = {"text_fr": str(f), "text_en": str(f)}
    out = {
        "rule": d.get("rule", d.get("id", "")),
        "severity": d.get("severity", "info"),
        "kind": d.get("kind", "finding"),
        "title_fr": d.get("title_fr", ""),
        "title_en": d.get("title_en", ""),
        "segment": d.get("segment", {}) or {},
        "text_fr": d.get("text_fr", d.get("text", "")),
        "text_en": d.get("text_en", d.get("text", "")),
        "evidence": d.get("evidence", {}) or {},
    }
    if d.get("chart_spec"):
        out["chart_spec"] = d["chart_spec"]
    return out


def run_findings(
    tables,
    params: Mapping | None = None,
    settings: Mapping | None = None,
    *,
    filters: Mapping | None = None,
    rules: Sequence[str] | None = None,
    with_charts: bool = False,
) -> list[dict]:
    """Findings of the interpretation rules as plain dicts. ``tables``: the whole tables;
    ``filters``: the filters the rules apply themselves (recontact flags on every contact, then
    filtered); ``settings``: targets and rule settings (``settings["filters"]`` is not read);
    ``rules``: only these rule ids; ``with_charts``: each dict gets ``chart_spec`` (Vega-Lite)."""
    from kpis import rules as rule_engine

    settings = dict(settings or {})
    rule_settings = dict(settings.get("rules") or {})
    if settings.get("targets"):
        rule_settings["targets"] = dict(settings["targets"])
    if settings.get("target_sources"):
        rule_settings["target_sources"] = dict(settings["target_sources"])
    found = rule_engine.run_rules(
        tables, dict(params or {}), rule_settings, rules=list(rules) if rules else None,
        filters=filters,
    )  # fmt: skip
    plain = rule_engine.findings_json(found)
    out = [finding_dict(f) for f in plain]
    if with_charts:
        lang = lang_of(settings)
        for d, f in zip(out, found, strict=True):
            chart = charts.finding_spec(f, lang) if hasattr(f, "chart") else None
            if chart:
                d["chart_spec"] = chart
    return out


def run(tables, p: dict, settings: dict) -> ViewResult:
    """Every rule's findings under the view's filters (the workspace's, overridden field by field
    by the cell's own)."""
    lang = lang_of(settings)
    params = {**(settings.get("params") or {}), **(p.get("params") or {})}
    found = run_findings(tables, params, settings, filters=settings.get("filters") or None)
    return findings_result(found, p, lang)


def findings_result(found: list[dict], p: dict, lang: str) -> ViewResult:
    """The findings view's result from its findings (``finding_dict`` rows): one table row per
    finding (rule, severity, kind, segment, text), "cannot decide" notes dropped when
    ``p["include_undecided"]`` is false, and the number of findings as key number."""
    if not p.get("include_undecided", True):
        found = [f for f in found if f.get("kind", "finding") == "finding"]
    table = pd.DataFrame(
        {
            "rule": [f["rule"] for f in found],
            "severity": [f["severity"] for f in found],
            "kind": [f.get("kind", "finding") for f in found],
            "segment": [
                ", ".join(f"{k} = {text(v)}" for k, v in f["segment"].items()) for f in found
            ],
            t2("constat", "finding", lang): [
                f["text_fr"] if lang == "fr" else f["text_en"] for f in found
            ],
        }
    )
    res = ViewResult(title="", table=table, findings=found)
    n_found = sum(1 for f in found if f.get("kind", "finding") == "finding")
    res.add_number(t2("constats", "findings", lang), n_found, "count", lang)
    return res


VIEW = View(
    id="findings",
    title_fr="Constats",
    title_en="Findings",
    cell="findings",
    inputs=(
        Input(
            "include_undecided",
            "bool",
            True,
            (True, False),
            "Inclure les règles qui ne peuvent pas conclure",
            "Include the rules that cannot decide",
        ),
        Input("params", "mapping", None, label_fr="Paramètres", label_en="Parameters"),
    ),
    compute=run,
)
