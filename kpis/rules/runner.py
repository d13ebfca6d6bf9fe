"""Running the rules: ``run_rules`` (every rule on the whole tables under the global filters),
``findings_json`` (JSON-able findings), ``split_params`` and ``cli_findings`` (``pilote
findings``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kpis.definitions import REGISTRY
from kpis.definitions._base import NotComputable
from kpis.opening_hours import resolve as resolve_opening_hours
from kpis.rules.catalogue import RULES, RULES_BY_ID
from kpis.rules.data import RuleData
from kpis.rules.model import SEVERITIES, Finding, Undecidable, config
from kpis.rules.wording import insufficient_finding


def run_rules(
    tables: Mapping[str, pd.DataFrame],
    params: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
    rules: Sequence[str] | None = None,
    filters: Mapping[str, Any] | None = None,
    source=None,
) -> list[Finding]:
    """Every rule on the tables: findings (kind "finding") first by severity, then the "cannot
    decide" notes (kind "insufficient_data", severity "info"). ``tables``: the **whole** tables;
    ``filters``: the global filters, applied by ``RuleData`` (recontact flags on every contact,
    then filtered, as the engine does) — never pass pre-filtered tables. ``source``: a
    relational ``Source`` instead of ``tables`` (``kpis.rules.data_relational``: KPIs computed
    in the base, rows fetched bounded)."""
    settings = dict(settings or {})
    wanted = rules or settings.get("rules")
    chosen = [RULES_BY_ID[r] for r in wanted] if wanted else RULES
    params = dict(params or {})
    hours = resolve_opening_hours(settings, params)
    if hours.confirmed:  # the KPIs read the hours the rules read
        params["opening_hours"] = hours.spec
    date_only = bool(settings.get("date_only"))
    if source is not None:
        from kpis.rules.data_relational import RelationalRuleData, rule_fields

        fields = rule_fields([r.id for r in chosen], settings)
        data = RelationalRuleData(source, params, filters, date_only, fields)
    else:
        data = RuleData(tables, params, filters, date_only=date_only)
    found, notes = [], []
    for rule in chosen:
        cfg = config(rule, settings)
        try:
            found.extend(rule.check(rule, data, cfg, settings))
        except Undecidable as err:
            notes.append(insufficient_finding(rule, err))
        except (NotComputable, KeyError) as err:
            notes.append(
                insufficient_finding(
                    rule,
                    Undecidable(
                        f"il manque des champs ({err})", f"missing fields ({err})", list(rule.needs)
                    ),
                )
            )
    order = {s: i for i, s in enumerate(SEVERITIES)}
    found.sort(key=lambda f: order[f.severity])
    return found + notes


def findings_json(findings: Sequence[Finding]) -> list[dict]:
    """JSON-able list: rule, seed_rule, severity, kind, segment, text_fr, text_en, evidence."""
    out = []
    for f in findings:
        rule = RULES_BY_ID.get(f.rule)
        out.append(
            {
                "rule": f.rule,
                "seed_rule": f.seed_rule,
                "severity": f.severity,
                "kind": f.kind,
                "segment": _jsonable(f.segment),
                "title_fr": rule.title_fr if rule else "",
                "title_en": rule.title_en if rule else "",
                "text_fr": f.text_fr,
                "text_en": f.text_en,
                "evidence": _jsonable(f.evidence),
            }
        )
    return out


def _jsonable(v):
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if not math.isfinite(float(v)) else float(v)
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (int, str)):
        return v
    return str(v)


def split_params(params: Mapping[str, Any] | None) -> tuple[dict, dict]:
    """Separate engine parameters (declared by a KPI) from rule settings (thresholds, targets,
    events, alpha, rule ids) in one ``{name: value}`` mapping, e.g. from ``--param``."""
    engine_names = REGISTRY.param_names()
    engine, settings = {}, {}
    for k, v in (params or {}).items():
        if k == "opening_hours" and isinstance(v, Mapping) and "spec" in v:
            settings[k] = v  # {"spec", "confirmed", "source"}: the rules' setting
        elif k in engine_names or (k in REGISTRY and isinstance(v, Mapping)):
            engine[k] = v
        else:
            settings[k] = v
    thresholds = (
        {t for r in RULES for t in r.thresholds}
        | {"alpha", "targets", "target_sources", "events", "rules", "opening_hours", "date_only"}
        | set(RULES_BY_ID)
    )
    unknown = [k for k in settings if k not in thresholds and not k.startswith("target_")]
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown}; engine: {sorted(engine_names)}; "
            f"rules: {sorted(thresholds)}"
        )
    targets = dict(settings.get("targets") or {})
    for k in [k for k in settings if k.startswith("target_")]:
        targets[k[len("target_") :]] = settings.pop(k)
    if targets:
        settings["targets"] = targets
    return engine, settings


def cli_findings(
    tables: Mapping[str, pd.DataFrame] | None, params: Mapping[str, Any] | None, source=None
) -> dict:
    """What ``pilote findings`` prints (with the import report added by the CLI):
    ``{"findings": [...], "rules": n}``. ``params`` mixes engine parameters and rule settings
    (``target_<kpi>=value`` sets a target; ``<rule_id>={...}`` one rule's thresholds);
    ``source``: a relational source instead of ``tables`` (``pilote findings --engine``)."""
    engine, settings = split_params(params)
    found = run_rules(tables or {}, engine, settings, source=source)
    return {"findings": findings_json(found), "rules": len(RULES)}
