"""The bundled sample data: the three exports with their mapping files, and the period inputs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpis.io.period_inputs import read_period_input
from kpis.io.pipeline import ImportResult, import_file

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"
EXPORTS = {"contacts": "contacts.csv", "surveys": "enquetes.csv", "evaluations": "evaluations.csv"}
PERIOD_FILES = {
    "costs": "couts.csv",
    "hours": "heures.csv",
    "customer_base": "base_clients.csv",
    "headcount": "effectifs.csv",
}


def sample_imports(key: bytes | None = None, folder: Path = SAMPLE_DIR) -> list[ImportResult]:
    """Import the bundled exports through the ordinary pipeline, with their mapping files."""
    results = []
    for name in EXPORTS.values():
        path = folder / name
        mapping = path.with_name(path.stem + ".mapping.yaml")
        results.append(import_file(path, mapping=mapping if mapping.exists() else None, key=key))
    return results


def sample_period_inputs(folder: Path = SAMPLE_DIR) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    tables, reports = {}, []
    for kind, name in PERIOD_FILES.items():
        frame, report = read_period_input(folder / name, kind)
        tables[kind] = frame
        reports.append(report)
    return tables, reports


def load_sample(key: bytes | None = None) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Every sample table (contacts, surveys, evaluations + period inputs) and the reports."""
    from kpis.io.pipeline import combine

    results = sample_imports(key)
    tables = combine(results)
    periods, period_reports = sample_period_inputs()
    tables.update(periods)
    return tables, [r.report for r in results] + period_reports
