"""The rule model: ``Rule`` (one declared rule), ``Finding`` (what a rule saw), ``Undecidable``
(the rule cannot decide, and which data would let it), and the threshold helpers (``config``,
``target``, ``require_n``).

A ``Rule`` declares its id, titles, ``seed_rule`` (its number in KPI_REFERENCE.md §7, or None),
the seed it comes from, what it checks, the statistical test, its thresholds (``Param`` defaults,
overridable from the settings), severity, the action it proposes, the caution it must state and
its documented false-alarm rate. Its ``check`` function lives in a ``checks_*`` module.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpis import format as fmt
from kpis.definitions import REGISTRY
from kpis.registry import Param
from kpis.targets import target_info

SEVERITIES = ("alert", "warning", "info")
KINDS = ("finding", "insufficient_data")
SEEDS = {
    "000": "seeds/000 — Call of Success, « 7 indicateurs pour mesurer la qualité de votre "
    "service client »",
    "001": "seeds/001 — ServiceNow, « Que sont les mesures de service client ? »",
    "002": "seeds/002 — la-relation-client.com, « Quels KPI utiliser pour votre Relation "
    "Client ? »",
    "003": "seeds/003 — Call of Success, indicateurs qualité du service client (taux de rappel, "
    "DMT, attente, contacts évitables, transferts, NPS)",
    "004": "seeds/004 — « 3 indicateurs qualité à prendre en compte avant d'externaliser »",
}


@dataclass(frozen=True)
class Rule:
    """One interpretation rule, self-describing; ``check`` computes it (see module docstring)."""

    id: str
    seed_rule: int | None
    seed: str
    title_fr: str
    title_en: str
    checks_fr: str
    checks_en: str
    kpis: tuple[str, ...]
    segments: tuple[str, ...]
    period: str | None
    test: str
    thresholds: Mapping[str, Param]
    severity: str
    action_fr: str
    action_en: str
    caution_fr: str
    caution_en: str
    needs: tuple[str, ...]
    false_alarm: float
    false_alarm_note: str
    chart: str
    check: Callable | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id!r}: severity {self.severity!r} not in {SEVERITIES}")

    def title(self, lang: str = "fr") -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def record(self, lang: str = "fr") -> dict:
        """JSON-able description (for a glossary of rules and the CLI)."""
        return {
            "id": self.id,
            "seed_rule": self.seed_rule,
            "seed": self.seed,
            "title": self.title(lang),
            "checks": self.checks_fr if lang == "fr" else self.checks_en,
            "kpis": list(self.kpis),
            "segments": list(self.segments),
            "period": self.period,
            "test": self.test,
            "thresholds": {
                k: {"default": p.default, "description": p.description(lang)}
                for k, p in self.thresholds.items()
            },
            "severity": self.severity,
            "action": self.action_fr if lang == "fr" else self.action_en,
            "caution": self.caution_fr if lang == "fr" else self.caution_en,
            "needs": list(self.needs),
            "false_alarm": self.false_alarm,
            "false_alarm_note": self.false_alarm_note,
            "chart": self.chart,
        }


@dataclass
class Finding:
    """What a rule saw: text with the numbers, the evidence (test, thresholds, values) and the
    table and chart spec behind it. ``kind`` is "finding" or "insufficient_data"."""

    rule: str
    seed_rule: int | None
    severity: str
    kind: str
    segment: dict
    text_fr: str
    text_en: str
    evidence: dict
    table: pd.DataFrame | None = None
    chart: dict | None = None

    def text(self, lang: str = "fr") -> str:
        return self.text_fr if lang == "fr" else self.text_en

    @property
    def is_finding(self) -> bool:
        return self.kind == "finding"


class Undecidable(Exception):
    """The rule cannot decide: ``needs_fr``/``needs_en`` say which data would let it decide."""

    def __init__(self, needs_fr: str, needs_en: str, missing: Sequence[str] = ()) -> None:
        self.needs_fr, self.needs_en, self.missing = needs_fr, needs_en, list(missing)
        super().__init__(needs_en)


def config(rule: Rule, settings: Mapping) -> dict:
    """A rule's thresholds: defaults, then global settings, then ``settings[rule.id]``; plus
    ``alpha`` (0.05 unless set)."""
    out = {k: p.default for k, p in rule.thresholds.items()}
    for k in out:
        if k in settings and not isinstance(settings[k], Mapping):
            out[k] = settings[k]
    own = settings.get(rule.id)
    if isinstance(own, Mapping):
        for k, v in own.items():
            if k not in out:
                raise ValueError(f"rule {rule.id!r} has no threshold {k!r}; valid: {list(out)}")
            out[k] = v
    out["alpha"] = float(settings.get("alpha", 0.05))
    return out


def target(settings: Mapping, kpi_id: str, tables: Mapping | None = None, params=None) -> float:
    """The target a rule judges against (``target_info``); Undecidable when it has no source
    (a placeholder default is "pas de cible")."""
    t = target_info(settings, kpi_id, tables, params)
    if not t.judged:
        name_fr, name_en = REGISTRY.get(kpi_id).name("fr"), REGISTRY.get(kpi_id).name("en")
        raise Undecidable(
            f"pas de cible pour « {name_fr} » ({kpi_id}) : la valeur par défaut n'a pas de "
            "source ; fixez un objectif dans Paramètres",
            f"no target for '{name_en}' ({kpi_id}): the default has no source; set a target in "
            "Settings",
            [f"settings.targets.{kpi_id}"],
        )
    return float(t.value)


def target_text(settings: Mapping, kpi_id: str, unit: str, lang: str) -> str:
    """A quoted target in a sentence: "objectif 5 min", or "pas de cible" when sourceless."""
    t = target_info(settings, kpi_id)
    if not t.judged:
        return "pas de cible" if lang == "fr" else "no target"
    word = "objectif" if lang == "fr" else "target"
    shown = fmt.duration(t.value, lang) if unit == "s" else fmt.value(t.value, unit, lang)
    return f"{word} {shown}"


def require_n(n, cfg: Mapping, what_fr: str, what_en: str) -> None:
    """Undecidable when the sample ``n`` is under the rule's ``min_n`` (30 by default)."""
    min_n = cfg.get("min_n", 30)
    if n < min_n:
        raise Undecidable(
            f"{what_fr} : {fmt.n_text(n, 'fr')} < {fmt.integer(min_n, 'fr')} "
            "(il faut plus de données)",
            f"{what_en}: {fmt.n_text(n, 'en')} < {fmt.integer(min_n, 'en')} (more data needed)",
        )


MIN_N = Param(30, "Minimum sample size to decide.", "Taille minimale d'échantillon pour trancher.")


def records(df: pd.DataFrame, limit: int = 60) -> list[dict]:
    """The first ``limit`` rows of a table as JSON-able dicts (floats rounded to 4 decimals)."""
    out = []
    for rec in df.head(limit).to_dict("records"):
        row = {}
        for k, v in rec.items():
            if isinstance(v, pd.Timestamp):
                v = v.isoformat()
            elif isinstance(v, (np.floating, float)):
                v = None if not math.isfinite(float(v)) else round(float(v), 4)
            elif isinstance(v, np.integer):
                v = int(v)
            elif isinstance(v, np.bool_):
                v = bool(v)
            elif v is pd.NA or v is None:
                v = None
            elif not isinstance(v, (int, str, bool, list, dict)):
                v = str(v)
            row[str(k)] = v
        out.append(row)
    return out


def welch_p(a, b, alternative: str = "two-sided") -> float:
    """Welch t-test p-value of mean(a) − mean(b) ("two-sided" or "greater"); when both samples
    are constant the difference is exact: 0 when it lies in the tested direction, else 1."""
    from kpis.stats import dist

    a, b = np.asarray(a, float), np.asarray(b, float)
    diff = a.mean() - b.mean()
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    if not va + vb > 0:
        return 0.0 if (diff > 0 if alternative == "greater" else diff != 0) else 1.0
    t = diff / math.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    p = dist.t_sf(t, dof) if alternative == "greater" else 2 * dist.t_sf(abs(t), dof)
    return float(p) if np.isfinite(p) else 1.0
