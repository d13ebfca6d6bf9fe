"""Interpretation rules: how to read KPIs together (KPI_REFERENCE.md §7 and rules of our own).

- ``model``: ``Rule`` (one declared rule), ``Finding``, ``Undecidable``, thresholds helpers;
- ``data``: ``RuleData``, the tables, filters and memoised engine calls the rules share;
- ``wording``: the sentence around a rule's numbers (all through ``kpis.format``);
- ``checks_resolution``, ``checks_telephony``, ``checks_staffing``, ``checks_handling``,
  ``checks_satisfaction``: each rule's check, by family;
- ``catalogue``: the declared rules (``RULES``, ``RULES_BY_ID``);
- ``runner``: ``run_rules``, ``findings_json``, ``split_params``, ``cli_findings``.

``run_rules(tables, params, settings, filters=...)`` returns ``Finding`` objects. It takes the
**whole** tables and the global filters (``kpis.filters.filter_rows`` rules): KPIs go through
``kpis.engine.compute(..., filters=...)`` and recontact flags are computed on every contact, then
filtered, so a rule's figures equal the dashboard's under the same filters.

- ``kind="finding"``: the evidence holds statistically (intervals that exclude the target, a slope
  whose interval excludes 0, a chi-square heterogeneity test, a correlation with its Fisher-z
  interval, a paired McNemar comparison, a before/after difference-in-differences) *and* the
  effect is at least the rule's materiality threshold. Many segments → Holm adjustment
  (``kpis.stats.holm``).
- ``kind="insufficient_data"`` (severity ``info``): the rule cannot decide; the text lists the
  data that would let it decide. A rule that can decide and sees nothing returns nothing.

A rule judges only against a target with a source (``kpis.targets``: a norm such as NF 345, or
the user's); a sourceless default gives "pas de cible". Hour-of-day rules need timestamps with a
time of day; out-of-hours rules need confirmed opening hours (``kpis.opening_hours``);
per-agent rules leave pseudo-agents out (``rules.data.sentinel_agents``) and say so.

Settings (all optional): ``alpha`` (0.05), ``targets`` ({kpi_id: value}, over the registry's
default targets), ``target_sources`` ({kpi_id: source} for a value equal to the default),
``opening_hours`` ({"spec", "confirmed", "source"}), ``date_only`` (the import report's),
any threshold name (applies to every rule declaring it), ``{rule_id: {name:
value}}`` for one rule, ``events`` ([{"date", "motif", "label"}] for rule 13), ``rules`` (ids to
run). Engine ``params`` (window_days, opening_hours, avoidable_motifs…) go to ``kpis.engine``.
"""

from kpis.rules.catalogue import RULES, RULES_BY_ID
from kpis.rules.data import RuleData
from kpis.rules.model import KINDS, SEVERITIES, Finding, Rule, Undecidable, target
from kpis.rules.runner import cli_findings, findings_json, run_rules, split_params

__all__ = [
    "KINDS",
    "RULES",
    "RULES_BY_ID",
    "SEVERITIES",
    "Finding",
    "Rule",
    "RuleData",
    "Undecidable",
    "cli_findings",
    "findings_json",
    "run_rules",
    "split_params",
    "target",
]
